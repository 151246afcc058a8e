/* imports.c: POST /api/v1/imports and GET /api/v1/imports/:id (API.md
 * "Import and export"; docs/import.md). The POST stores the file with a
 * queued job in the request's transaction and answers 202 at once; the
 * server's import worker (jobs/import_worker.h) runs it, and the GET shows
 * its progress: total, processed, created, merged, skipped and the errors
 * by line. */
#include <jansson.h>
#include <string.h>

#include "http/handlers.h"
#include "jobs/import.h"
#include "util/error.h"

static json_t *time_or_null(rp_time t) {
  char buf[21];
  return t ? json_string(rp_time_format(t, buf)) : json_null();
}

static json_t *job_to_json(const rp_import_job *j, const rp_import_error *errs, size_t n) {
  json_t *e = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(e, json_pack("{s:I, s:s}", "line", (json_int_t)errs[i].line, "message",
                                       errs[i].message));
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(j->id));
  json_object_set_new(o, "status", json_string(j->status));
  json_object_set_new(o, "format", json_string(j->format));
  json_object_set_new(o, "on_duplicate", json_string(j->on_duplicate));
  json_object_set_new(o, "size", json_integer(j->size));
  json_object_set_new(o, "total", json_integer(j->total));
  json_object_set_new(o, "processed", json_integer(j->processed));
  json_object_set_new(o, "created", json_integer(j->created));
  json_object_set_new(o, "merged", json_integer(j->merged));
  json_object_set_new(o, "skipped", json_integer(j->skipped));
  json_object_set_new(o, "error_count", json_integer(j->error_count));
  json_object_set_new(o, "errors", e);
  json_object_set_new(o, "failure", j->failure ? json_string(j->failure) : json_null());
  json_object_set_new(o, "created_at", time_or_null(j->created_at));
  json_object_set_new(o, "started_at", time_or_null(j->started_at));
  json_object_set_new(o, "finished_at", time_or_null(j->finished_at));
  return o;
}

/* POST /api/v1/imports?on_duplicate=merge|skip|create: the body's
 * Content-Type picks the format (text/csv, text/vcard, text/calendar). */
int rp_h_imports_create(rp_req *r) {
  const char *ct = rp_req_header(r, "Content-Type");
  int f = rp_import_format_of_type(ct);
  if (f < 0)
    return rp_error_set(RP_EMEDIATYPE, NULL,
                        "send the file as text/csv, text/vcard or text/calendar");
  rp_on_duplicate d = RP_ONDUP_MERGE;
  const char *od = rp_req_query(r, "on_duplicate");
  int rc;
  if (od && (rc = rp_import_on_duplicate_parse(&d, od))) return rc;
  if (!r->body_len) return rp_error_set(RP_EVALIDATION, NULL, "the file is empty");
  rp_import_job j = {0};
  snprintf(j.account_id, sizeof j.account_id, "%s", r->auth.account_id);
  j.format = rp_import_format_name((rp_import_format)f);
  j.on_duplicate = rp_import_on_duplicate_name(d);
  j.file_name = rp_req_query(r, "file_name");
  j.created_by = r->auth.user_id[0] ? r->auth.user_id : NULL;
  j.created_at = r->now;
  if ((rc = rp_store_import_create(r->store, &j, r->body, r->body_len))) return rc;
  rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/imports/%s", j.id));
  rp_resp_json(r, 202, job_to_json(&j, NULL, 0));
  return 0;
}

/* GET /api/v1/imports/:id: owners and admins see every import of the
 * account, others the ones they started. */
int rp_h_imports_get(rp_req *r) {
  rp_import_job j;
  rp_import_error *errs;
  size_t n;
  const char *id = r->n_params ? r->params[0] : "";
  int rc = rp_store_import_get(r->store, &r->arena, &j, r->auth.account_id, id);
  /* an agent sees the imports it started; owners and admins all */
  bool manager = r->auth.role == RP_ROLE_OWNER || r->auth.role == RP_ROLE_ADMIN;
  if (!rc && !manager && (!j.created_by || strcmp(j.created_by, r->auth.user_id)))
    rc = rp_error_set(RP_ENOTFOUND, NULL, "no such import");
  if (!rc) rc = rp_store_import_errors(r->store, &r->arena, r->auth.account_id, id, &errs, &n);
  if (rc) return rc;
  rp_resp_json(r, 200, job_to_json(&j, errs, n));
  return 0;
}
