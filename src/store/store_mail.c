/* store_mail.c: where mailbox sync stands per account and folder
 * (010_mail_sync.sql; store.h "mailbox sync"). Statements are cached by
 * their text (rp_sql_dyn). */
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"

int rp_store_mail_state_get(rp_store *s, rp_arena *ar, const char *account_id, const char *role,
                            rp_mail_folder_state *out, bool *found) {
  memset(out, 0, sizeof *out);
  *found = false;
  rp_stmt *st = rp_sql_dyn(s, "SELECT folder, uidvalidity, last_uid, synced_at, last_error"
                                   " FROM mail_sync_state WHERE account_id = ? AND role = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, role);
  int rc = rp_step(st);
  if (rc == RP_ROW) {
    *found = true;
    out->folder = rp_col_text(st, 0, ar);
    out->uidvalidity = rp_col_int64(st, 1);
    out->last_uid = rp_col_int64(st, 2);
    out->synced_at = rp_col_int64(st, 3);
    out->last_error = rp_col_text(st, 4, ar);
  }
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

int rp_store_mail_state_put(rp_store *s, const char *account_id, const char *role,
                            const rp_mail_folder_state *m) {
  rp_stmt *st = rp_sql_dyn(
      s, "INSERT OR REPLACE INTO mail_sync_state (account_id, role, folder, uidvalidity, last_uid,"
         " synced_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, role);
  rp_bind_text(st, 3, m->folder ? m->folder : "");
  rp_bind_int64(st, 4, m->uidvalidity);
  rp_bind_int64(st, 5, m->last_uid);
  rp_bind_int64(st, 6, m->synced_at);
  rp_bind_text(st, 7, m->last_error);
  return rp_sql_run(s, st, NULL);
}

int rp_store_mail_accounts(rp_store *s, rp_arena *ar, int max, char (**ids)[RP_ID_LEN], size_t *n) {
  *ids = NULL;
  *n = 0;
  if (max < 1) return 0;
  rp_stmt *st = rp_sql_dyn(s, "SELECT account_id FROM account_channels"
                                   " WHERE imap_url IS NOT NULL AND imap_username IS NOT NULL"
                                   " AND imap_password IS NOT NULL LIMIT ?");
  if (!st) return rp_error_last()->code;
  rp_bind_int(st, 1, max);
  char(*out)[RP_ID_LEN] = rp_arena_alloc(ar, (size_t)max * RP_ID_LEN);
  size_t count = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW && count < (size_t)max)
    rp_col_id(st, 0, out[count++]);
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) return ret;
  *ids = out;
  *n = count;
  return 0;
}
