/* store_leads.c: lead capture (API.md "Lead capture"; store.h,
 * 006_capture.sql): the account's web forms, contact matching by email or
 * phone, the round-robin turn, the capture log and the dashboard's speed to
 * lead. Statements are cached by their text (rp_sql_dyn). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/uuid.h"

#define FORM_COLS "account_id, id, key, name, source, allowed_origins, owner_id, created_at"

static void read_form(rp_stmt *st, rp_arena *ar, rp_capture_form *f) {
  memset(f, 0, sizeof *f);
  rp_col_id(st, 0, f->account_id);
  rp_col_id(st, 1, f->id);
  f->key = rp_col_text(st, 2, ar);
  f->name = rp_col_text(st, 3, ar);
  f->source = rp_col_text(st, 4, ar);
  f->allowed_origins = rp_col_text(st, 5, ar);
  f->owner_id = rp_col_id_dup(st, 6, ar);
  f->created_at = rp_col_int64(st, 7);
}

/* owner_id, when set, must name a user of the account (no foreign key: the
 * users trigger of 006_capture.sql clears it when the user goes). */
static int check_owner(rp_store *s, const rp_capture_form *f) {
  if (!f->owner_id) return 0;
  bool ok = false;
  int rc = rp_sql_user_exists(s, f->account_id, f->owner_id, &ok);
  if (rc) return rc;
  return ok ? 0 : rp_error_set(RP_ENOTFOUND, "owner_id", "no such user");
}

/* Inserts f (a new id when empty). */
int rp_store_capture_form_create(rp_store *s, rp_capture_form *f) {
  int ret = check_owner(s, f);
  if (ret) return ret;
  if (!f->id[0]) rp_uuid_v7(f->id);
  rp_stmt *st =
      rp_sql_dyn(s, "INSERT INTO capture_forms (" FORM_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, f->account_id);
  rp_bind_id(st, 2, f->id);
  rp_bind_text(st, 3, f->key);
  rp_bind_text(st, 4, f->name ? f->name : "");
  rp_bind_text(st, 5, f->source ? f->source : "website");
  rp_bind_text(st, 6, f->allowed_origins ? f->allowed_origins : "[]");
  rp_bind_id(st, 7, f->owner_id);
  rp_bind_int64(st, 8, f->created_at);
  return rp_sql_run(s, st, "key");
}

/* Runs a one-row form query whose parameters are bound. */
static int form_one(rp_store *s, rp_stmt *st, rp_arena *ar, rp_capture_form *out) {
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_form(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such form");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

int rp_store_capture_form_get(rp_store *s, rp_arena *ar, rp_capture_form *out,
                              const char *account_id, const char *id) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " FORM_COLS " FROM capture_forms WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  return form_one(s, st, ar, out);
}

/* The form of this key in any account (the unauthenticated endpoint finds
 * the account by it). */
int rp_store_capture_form_by_key(rp_store *s, rp_arena *ar, rp_capture_form *out, const char *key) {
  rp_stmt *st = rp_sql_dyn(s, "SELECT " FORM_COLS " FROM capture_forms WHERE key = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, key);
  return form_one(s, st, ar, out);
}

/* The account's forms, oldest first. */
int rp_store_capture_form_list(rp_store *s, rp_arena *ar, const char *account_id,
                               rp_capture_form **items, size_t *n) {
  *items = NULL;
  *n = 0;
  size_t cap = 0;
  rp_stmt *st = rp_sql_dyn(s, "SELECT " FORM_COLS " FROM capture_forms WHERE account_id = ?"
                                   " ORDER BY created_at, id");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc, ret = 0;
  while ((rc = rp_step(st)) == RP_ROW)
    read_form(st, ar, RP_ARENA_PUSH(ar, *items, n, &cap, 4));
  if (rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Writes the form's editable fields. */
int rp_store_capture_form_update(rp_store *s, const rp_capture_form *f) {
  int ret = check_owner(s, f);
  if (ret) return ret;
  rp_stmt *st =
      rp_sql_dyn(s, "UPDATE capture_forms SET name = ?, source = ?, allowed_origins = ?,"
                    " owner_id = ? WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, f->name ? f->name : "");
  rp_bind_text(st, 2, f->source ? f->source : "website");
  rp_bind_text(st, 3, f->allowed_origins ? f->allowed_origins : "[]");
  rp_bind_id(st, 4, f->owner_id);
  rp_bind_id(st, 5, f->account_id);
  rp_bind_id(st, 6, f->id);
  ret = rp_sql_run(s, st, NULL);
  if (!ret && rp_sql_changes(s) == 0) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such form");
  return ret;
}

/* Deletes the form; its key stops working at once. The captures it made
 * keep their form_id as a record. */
int rp_store_capture_form_delete(rp_store *s, const char *account_id, const char *id) {
  rp_stmt *st = rp_sql_dyn(s, "DELETE FROM capture_forms WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int ret = rp_sql_run(s, st, NULL);
  if (!ret && rp_sql_changes(s) == 0) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such form");
  return ret;
}

/* Runs a matching query (?1 account, ?2 key) and takes the first id. */
static int match_one(rp_store *s, const char *sql, const char *account_id, const char *key,
                     char out_id[static RP_ID_LEN], bool *found) {
  rp_stmt *st = rp_sql_dyn(s, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, key);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) {
    rp_col_id(st, 0, out_id);
    *found = true;
  } else if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
  }
  rp_sql_done(st);
  return ret;
}

/* Whether the key's index has the key at all (?1 account, ?2 key): most
 * keys an import looks up are new, and this probe answers them without
 * the join and the sort of the matching query. */
static int key_known(rp_store *s, const char *sql, const char *account_id, const char *key,
                     bool *known) {
  char id[RP_ID_LEN];
  *known = false;
  return match_one(s, sql, account_id, key, id, known);
}

/* The oldest live contact with the email key, else with the phone. The
 * key's index leads (CROSS JOIN): left to itself the planner walked the
 * contacts in creation order for the ORDER BY and probed each, a scan of
 * the account per lookup. PostgreSQL takes no join-order hint, and its
 * generic plan, made while an import fills the table, did the same: the
 * "+ 0" gives no index that order. A probe of the key's index first. */
int rp_store_contact_match(rp_store *s, const char *account_id, const char *email_key,
                           const char *phone, char out_id[static RP_ID_LEN], bool *found) {
  *found = false;
  out_id[0] = '\0';
  int ret = 0;
  bool known = false;
  if (email_key && *email_key &&
      (ret = key_known(s,
                       "SELECT contact_id FROM contact_emails INDEXED BY contact_emails_key"
                       " WHERE account_id = ?1 AND address_key = ?2 LIMIT 1",
                       account_id, email_key, &known)))
    return ret;
  if (known &&
      (ret = match_one(s,
                       "SELECT c.id FROM contact_emails m INDEXED BY contact_emails_key CROSS JOIN contacts c"
                       " ON c.account_id = m.account_id AND c.id = m.contact_id"
                       " WHERE m.account_id = ?1 AND m.address_key = ?2 AND c.archived = 0"
                       " ORDER BY c.created_at + 0, c.id LIMIT 1",
                       account_id, email_key, out_id, found)))
    return ret;
  known = false;
  if (!*found && phone && *phone &&
      (ret = key_known(s,
                       "SELECT contact_id FROM contact_phones INDEXED BY contact_phones_number"
                       " WHERE account_id = ?1 AND number = ?2 LIMIT 1",
                       account_id, phone, &known)))
    return ret;
  if (known)
    ret = match_one(s,
                    "SELECT c.id FROM contact_phones m INDEXED BY contact_phones_number CROSS JOIN contacts c"
                    " ON c.account_id = m.account_id AND c.id = m.contact_id"
                    " WHERE m.account_id = ?1 AND m.number = ?2 AND c.archived = 0"
                    " ORDER BY c.created_at + 0, c.id LIMIT 1",
                    account_id, phone, out_id, found);
  return ret;
}

/* Takes the turn and advances it in one statement: under the write lock
 * of the request's transaction (SQLite) or the row's lock (PostgreSQL),
 * two captures never read the same turn. */
int rp_store_routing_turn(rp_store *s, const char *account_id, int64_t *turn) {
  *turn = 0;
  rp_stmt *st = rp_sql_dyn(s, "INSERT INTO routing_turns (account_id, turn) VALUES (?, 1)"
                                   " ON CONFLICT (account_id) DO UPDATE SET turn = routing_turns.turn + 1"
                                   " RETURNING turn");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *turn = rp_col_int64(st, 0) - 1;
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Appends one row to the capture log. */
int rp_store_capture_add(rp_store *s, const char *account_id, const char *contact_id,
                         const char *form_id, bool created, const char *source, rp_time at) {
  char id[RP_ID_LEN];
  rp_uuid_v7(id);
  rp_stmt *st = rp_sql_dyn(s, "INSERT INTO captures (account_id, id, contact_id, form_id,"
                                   " created, source, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  rp_bind_id(st, 3, contact_id);
  rp_bind_id(st, 4, form_id);
  rp_bind_int(st, 5, created ? 1 : 0);
  rp_bind_text(st, 6, source);
  rp_bind_int64(st, 7, at);
  int ret = rp_sql_run(s, st, NULL);
  if (ret == RP_ENOTFOUND) ret = rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
  return ret;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* The new leads of [since, until] and their delays to a first outbound
 * email, sms or call (one index range of captures, one activity index
 * probe per lead). */
int rp_store_speed_to_lead(rp_store *s, rp_arena *ar, const char *account_id,
                           const char *visible_to, rp_time since, rp_time until, int64_t *count,
                           int64_t **delays, size_t *n_delays) {
  *count = 0;
  *delays = NULL;
  *n_delays = 0;
  size_t cap = 0;
  const char *sql = visible_to
                        ? "SELECT k.captured_at, (SELECT min(a.occurred_at) FROM activities a"
                          " WHERE a.account_id = k.account_id AND a.contact_id = k.contact_id"
                          " AND a.occurred_at >= k.captured_at AND a.occurred_at <= ?3"
                          " AND a.direction = 'outbound' AND a.kind IN ('email', 'sms', 'call'))"
                          " FROM captures k JOIN contacts c ON c.account_id = k.account_id AND "
                          "c.id = k.contact_id"
                          " WHERE k.account_id = ?1 AND k.created = 1 AND k.captured_at >= ?2"
                          " AND k.captured_at <= ?3 AND c.archived = 0"
                          " AND (c.owner_id = ?4 OR c.owner_id IS NULL)"
                        : "SELECT k.captured_at, (SELECT min(a.occurred_at) FROM activities a"
                          " WHERE a.account_id = k.account_id AND a.contact_id = k.contact_id"
                          " AND a.occurred_at >= k.captured_at AND a.occurred_at <= ?3"
                          " AND a.direction = 'outbound' AND a.kind IN ('email', 'sms', 'call'))"
                          " FROM captures k JOIN contacts c ON c.account_id = k.account_id AND "
                          "c.id = k.contact_id"
                          " WHERE k.account_id = ?1 AND k.created = 1 AND k.captured_at >= ?2"
                          " AND k.captured_at <= ?3 AND c.archived = 0";
  rp_stmt *st = rp_sql_dyn(s, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, since);
  rp_bind_int64(st, 3, until);
  if (visible_to) rp_bind_id(st, 4, visible_to);
  int rc, ret = 0;
  while ((rc = rp_step(st)) == RP_ROW) {
    (*count)++;
    if (rp_col_type(st, 1) == RP_NULL) continue;
    int64_t d = rp_col_int64(st, 1) - rp_col_int64(st, 0);
    *RP_ARENA_PUSH(ar, *delays, n_delays, &cap, 16) = d;
  }
  if (rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (!ret && *n_delays > 1) qsort(*delays, *n_delays, sizeof **delays, cmp_i64);
  return ret;
}
