/* export.c: GET /api/v1/export/contacts.csv and /export/contacts.vcf
 * (API.md "Import and export"; jobs/export.h): the contacts the caller
 * sees, as a download. ?version=3 writes vCard 3.0 (4.0 by default).
 * GET /api/v1/export/all.jsonl: everything of the account (jobs/backup.h),
 * for owners and admins. The routes run on threads of their own and write
 * through rp_resp_write, so a large account's export is sent as it is
 * made instead of held whole in memory (http.h); X-Total-Count comes with
 * an export small enough to be sent at once. */
#include <string.h>

#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/backup.h"
#include "jobs/export.h"
#include "util/error.h"

static void download(rp_req *r, const char *type, const char *name) {
  r->status = 200;
  r->content_type = type;
  rp_resp_header(r, "Content-Disposition",
                 rp_arena_printf(&r->arena, "attachment; filename=\"%s\"", name));
}

/* The end of a download: its count, or (rc) no download headers on the
 * JSON error. */
static int downloaded(rp_req *r, int rc, int64_t n) {
  if (rc) {
    r->n_resp_headers = 0;
    return rc;
  }
  rp_resp_header(r, "X-Total-Count", rp_arena_printf(&r->arena, "%lld", (long long)n));
  return 0;
}

static int export_as(rp_req *r, rp_export_format f, const char *type, const char *name) {
  int64_t n = 0;
  download(r, type, name);
  int rc = rp_export_contacts(r->store, r->auth.account_id, rp_req_visible_to(r), f, rp_resp_write,
                              r, &n);
  return downloaded(r, rc, n);
}

int rp_h_export_csv(rp_req *r) {
  return export_as(r, RP_EXPORT_CSV, "text/csv; charset=utf-8", "contacts.csv");
}

int rp_h_export_vcf(rp_req *r) {
  const char *v = rp_req_query(r, "version");
  rp_export_format f = RP_EXPORT_VCARD4;
  if (v && !strcmp(v, "3"))
    f = RP_EXPORT_VCARD3;
  else if (v && strcmp(v, "4"))
    return rp_error_set(RP_EINVALID_VALUE, "version", "must be 3 or 4");
  return export_as(r, f, "text/vcard; charset=utf-8", "contacts.vcf");
}

/* Everything of the account as JSONL, in the request's read snapshot:
 * password hashes, token hashes and channel secrets included (a backup),
 * so the route is for owners and admins only (RP_ROUTE_ADMIN). */
int rp_h_export_all(rp_req *r) {
  int64_t n = 0;
  download(r, "application/x-ndjson", "all.jsonl");
  int rc = rp_backup_export(r->store, r->auth.account_id, r->now, rp_resp_write, r, &n);
  return downloaded(r, rc, n);
}
