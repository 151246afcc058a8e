/* export.c: GET /api/v1/export/contacts.csv and /export/contacts.vcf
 * (API.md "Import and export"; jobs/export.h): the contacts the caller
 * sees, as a download. ?version=3 writes vCard 3.0 (4.0 by default).
 * GET /api/v1/export/all.jsonl: everything of the account (jobs/backup.h),
 * for owners and admins. */
#include <string.h>

#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/backup.h"
#include "jobs/export.h"
#include "util/error.h"

static int export_as(rp_req *r, rp_export_format f, const char *type, const char *name) {
  int64_t n = 0;
  int rc = rp_export_contacts(r->store, r->auth.account_id, rp_req_visible_to(r), f, &r->out, &n);
  if (rc) return rc;
  r->status = 200;
  r->content_type = type;
  rp_resp_header(r, "Content-Disposition",
                 rp_arena_printf(&r->arena, "attachment; filename=\"%s\"", name));
  rp_resp_header(r, "X-Total-Count", rp_arena_printf(&r->arena, "%lld", (long long)n));
  return 0;
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

/* rp_backup_write_fn into the response body. */
static int append_out(void *ctx, const char *p, size_t len) {
  rp_sb_append(&((rp_req *)ctx)->out, p, len);
  return 0;
}

/* Everything of the account as JSONL, in the request's read snapshot:
 * password hashes, token hashes and channel secrets included (a backup),
 * so the route is for owners and admins only (RP_ROUTE_ADMIN). */
int rp_h_export_all(rp_req *r) {
  int64_t n = 0;
  int rc = rp_backup_export(r->store, r->auth.account_id, r->now, append_out, r, &n);
  if (rc) return rc;
  r->status = 200;
  r->content_type = "application/x-ndjson";
  rp_resp_header(r, "Content-Disposition", "attachment; filename=\"all.jsonl\"");
  rp_resp_header(r, "X-Total-Count", rp_arena_printf(&r->arena, "%lld", (long long)n));
  return 0;
}
