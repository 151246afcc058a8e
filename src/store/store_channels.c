/* store_channels.c: the account's channel settings (007_channels.sql) and
 * the outbox lookups the sender and the public unsubscribe link need
 * (store.h "channel settings, outbox lookups"). Statements are cached by
 * their text (rp_sql_dyn). */
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"

#define CH_COLS                                                                                    \
  "smtp_url, smtp_from, smtp_username, smtp_password, sms_base_url, sms_account_sid,"              \
  " sms_auth_token, sms_from, imap_url, imap_username, imap_password, updated_at"

int rp_store_channels_get(rp_store *s, rp_arena *ar, const char *account_id, rp_channels *out) {
  memset(out, 0, sizeof *out);
  rp_id_copy(out->account_id, account_id);
  rp_stmt *st = rp_sql_dyn(s, "SELECT " CH_COLS " FROM account_channels WHERE account_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc = rp_step(st);
  if (rc == RP_ROW) {
    const char **f[] = {&out->smtp_url,       &out->smtp_from,    &out->smtp_username,
                        &out->smtp_password,  &out->sms_base_url, &out->sms_account_sid,
                        &out->sms_auth_token, &out->sms_from,     &out->imap_url,
                        &out->imap_username,  &out->imap_password};
    for (int i = 0; i < 11; i++)
      *f[i] = rp_col_text(st, i, ar);
    out->updated_at = rp_col_int64(st, 11);
  }
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

int rp_store_channels_put(rp_store *s, const rp_channels *c) {
  rp_stmt *st = rp_sql_dyn(s, "INSERT OR REPLACE INTO account_channels (account_id, " CH_COLS
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, c->account_id);
  const char *f[] = {c->smtp_url,     c->smtp_from,       c->smtp_username,  c->smtp_password,
                     c->sms_base_url, c->sms_account_sid, c->sms_auth_token, c->sms_from,
                     c->imap_url,     c->imap_username,   c->imap_password};
  for (int i = 0; i < 11; i++)
    rp_bind_text(st, i + 2, f[i]);
  rp_bind_int64(st, 13, c->updated_at);
  return rp_sql_run(s, st, NULL);
}

int rp_store_message_find(rp_store *s, rp_arena *ar, const char *id, rp_message *out) {
  memset(out, 0, sizeof *out);
  rp_stmt *st = rp_sql_dyn(s, "SELECT account_id FROM messages WHERE id = ? LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, id);
  char account_id[RP_ID_LEN];
  int rc = rp_step(st);
  if (rc == RP_ROW) rp_col_id(st, 0, account_id);
  int ret = rc == RP_ROW    ? 0
            : rc == RP_DONE ? rp_error_set(RP_ENOTFOUND, NULL, "no such message")
                                : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) return ret;
  return rp_store_message_get(s, ar, out, account_id, id);
}

int rp_store_outbox_accounts(rp_store *s, rp_arena *ar, rp_time now, int max,
                             char (**ids)[RP_ID_LEN], size_t *n) {
  *ids = NULL;
  *n = 0;
  if (max < 1) return 0;
  /* the partial index messages_due holds only queued and sending rows */
  rp_stmt *st = rp_sql_dyn(s, "SELECT DISTINCT account_id FROM messages"
                                   " WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?"
                                   " LIMIT ?");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, now);
  rp_bind_int(st, 2, max);
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

int rp_store_outbox_due(rp_store *s, const char *account_id, rp_time now, bool *out) {
  *out = false;
  rp_stmt *st = rp_sql_dyn(s, "SELECT 1 FROM messages WHERE account_id = ?"
                                   " AND status IN ('queued', 'sending') AND next_attempt_at <= ?"
                                   " LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, now);
  int rc = rp_step(st);
  *out = rc == RP_ROW;
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

int rp_store_message_release(rp_store *s, const char *account_id, const char *id,
                             rp_time next_attempt_at, bool *changed) {
  *changed = false;
  rp_stmt *st = rp_sql_dyn(
      s,
      "UPDATE messages SET status = 'queued', next_attempt_at = ?3,"
      " attempts = max(attempts - 1, 0) WHERE account_id = ?1 AND id = ?2 AND status = 'sending'");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  rp_bind_int64(st, 3, next_attempt_at);
  int rc = rp_sql_run(s, st, NULL);
  if (!rc) *changed = rp_sql_changes(s) > 0;
  return rc;
}

int rp_store_outbox_depth(rp_store *s, int64_t *out) {
  *out = 0;
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT count(*) FROM messages WHERE status IN ('queued', 'sending')");
  if (!st) return rp_error_last()->code;
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_int64(st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}
