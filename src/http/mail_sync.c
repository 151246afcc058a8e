/* mail_sync.c: POST /api/v1/jobs/mail-sync (docs/api.md "Mailbox sync"):
 * one pass of mailbox sync (jobs/mail_sync.h) for the caller's account,
 * now, instead of waiting for the server's next poll. */
#include "jobs/mail_sync.h"
#include "http/handlers.h"
#include "util/error.h"

/* POST /api/v1/jobs/mail-sync (owner, admin; no body): reads the inbox and
 * the sent folder of the account's mailbox and records the new email
 * activities, as the poller does. The route has no request transaction:
 * the IMAP exchange must not hold the write lock; mail sync writes each
 * batch in its own. Answers 200 {activities, error, folders: [{role,
 * folder, fetched, activities, skipped, unreadable, last_uid, more}]},
 * where error (or null) says why the mail server could not be read; 400
 * validation_failed (field imap) when the mailbox is not set up. */
int rp_h_jobs_mail_sync(rp_req *r) {
  static const char *const keys[] = {NULL};
  json_t *body = NULL;
  int rc = rp_req_no_body(r, keys, &body);
  json_decref(body);
  if (rc) return rc;
  rp_mail_sync_report rep;
  if ((rc = rp_mail_sync_account(&rep, r->store, &r->arena, r->auth.account_id, r->now))) return rc;
  json_t *folders = json_array();
  for (int i = 0; i < rep.n_folders; i++) {
    const rp_mail_sync_folder *f = &rep.folders[i];
    json_array_append_new(
        folders, json_pack("{s:s, s:o, s:i, s:i, s:i, s:i, s:I, s:b}", "role", f->role, "folder",
                           f->folder ? json_string(f->folder) : json_null(), "fetched", f->fetched,
                           "activities", f->activities, "skipped", f->skipped, "unreadable",
                           f->unreadable, "last_uid", (json_int_t)f->last_uid, "more", f->more));
  }
  json_t *out = json_pack("{s:i, s:o, s:o}", "activities", rep.activities, "error",
                          rep.error[0] ? json_string(rep.error) : json_null(), "folders", folders);
  rp_resp_json(r, 200, out);
  return 0;
}
