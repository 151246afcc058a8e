/* store_auth.c: accounts, users, sessions and API tokens, login failures
 * (store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"

/* Grows an arena array of n items of size sz to hold one more. */
static void *grow_items(rp_arena *ar, void *items, size_t n, size_t *cap, size_t sz) {
  if (n < *cap) return items;
  size_t ncap = *cap ? *cap * 2 : 8;
  void *p = rp_arena_alloc(ar, ncap * sz);
  if (n) memcpy(p, items, n * sz);
  *cap = ncap;
  return p;
}

/* ---- accounts ---- */

#define ACCOUNT_COLS "id, name, default_region, settings_json, created_at"

static void read_account(rp_stmt *st, rp_arena *ar, rp_account *a) {
  memset(a, 0, sizeof *a);
  rp_col_id(st, 0, a->id);
  a->name = rp_col_text(st, 1, ar);
  a->default_region = rp_col_text(st, 2, ar);
  a->settings_json = rp_col_text(st, 3, ar);
  a->created_at = rp_col_int64(st, 4);
}

/* Inserts the account (a new UUIDv7 when a->id is empty; default_region
 * "US" and settings "{}" when NULL, written back into *a as static strings). */
int rp_store_account_create(rp_store *s, rp_account *a) {
  if (!a->id[0]) rp_uuid_v7(a->id);
  if (!a->default_region) a->default_region = "US";
  if (!a->settings_json) a->settings_json = "{}";
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ACCOUNT_INSERT,
                                 "INSERT INTO accounts (" ACCOUNT_COLS ") VALUES (?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, a->id);
  rp_bind_text(st, 2, a->name ? a->name : "");
  rp_bind_text(st, 3, a->default_region);
  rp_bind_text(st, 4, a->settings_json);
  rp_bind_int64(st, 5, a->created_at);
  return rp_sql_run(s, st, "id");
}

/* Runs a one-row account query whose parameters are already bound. */
static int account_one(rp_store *s, rp_stmt *st, rp_arena *ar, rp_account *out) {
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_account(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such account");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* The account with this id, strings in ar; RP_ENOTFOUND when none. */
int rp_store_account_get(rp_store *s, rp_arena *ar, rp_account *out, const char *id) {
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_ACCOUNT_GET, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, id);
  return account_one(s, st, ar, out);
}

/* The oldest account of exactly this name; RP_ENOTFOUND when none. */
int rp_store_account_by_name(rp_store *s, rp_arena *ar, rp_account *out, const char *name) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ACCOUNT_BY_NAME,
                                 "SELECT " ACCOUNT_COLS " FROM accounts WHERE name = ?"
                                 " ORDER BY created_at, id LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, name);
  return account_one(s, st, ar, out);
}

/* The oldest account (the demo command's); RP_ENOTFOUND when none. */
int rp_store_account_first(rp_store *s, rp_arena *ar, rp_account *out) {
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_ACCOUNT_FIRST,
                  "SELECT " ACCOUNT_COLS " FROM accounts ORDER BY created_at, id LIMIT 1");
  if (!st) return rp_error_last()->code;
  return account_one(s, st, ar, out);
}

/* ---- users ---- */

#define USER_COLS                                                                                  \
  "account_id, id, version, email, name, phone, role, password_hash, created_at, updated_at, "     \
  "disabled_at"

static void read_user(rp_stmt *st, rp_arena *ar, rp_user *u) {
  memset(u, 0, sizeof *u);
  rp_col_id(st, 0, u->account_id);
  rp_col_id(st, 1, u->id);
  u->version = rp_col_int64(st, 2);
  u->email = rp_col_text(st, 3, ar);
  u->name = rp_col_text(st, 4, ar);
  u->phone = rp_col_text(st, 5, ar);
  rp_role role = RP_ROLE_AGENT;
  rp_role_parse(&role, (const char *)rp_col_str(st, 6));
  u->role = role;
  u->password_hash = rp_col_text(st, 7, ar);
  u->created_at = rp_col_int64(st, 8);
  u->updated_at = rp_col_int64(st, 9);
  u->disabled_at = rp_col_int64(st, 10);
}

/* Maps a failed user write: a clash on users.email is the "email" field. */
static int user_write_error(rp_store *s, int rc) {
  const char *msg = rp_sql_errmsg(s);
  int kind = rp_sql_errkind(s);
  /* SQLite names the column, PostgreSQL the index */
  if (kind == RP_DBERR_UNIQUE && msg && (strstr(msg, "users.email") || strstr(msg, "users_email")))
    return rp_error_set(RP_ECONFLICT, "email", "a user with this email already exists");
  if (kind == RP_DBERR_FOREIGN_KEY)
    return rp_error_set(RP_ENOTFOUND, "account_id", "no such account");
  return rp_sql_error(s, rc, "id");
}

static int user_one(rp_store *s, rp_stmt *st, rp_arena *ar, rp_user *out) {
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_user(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such user");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Inserts u (version 1, a new id when empty) with its email lower-cased.
 * RP_ECONFLICT field "email" when another user (of any account) has it. */
int rp_store_user_create(rp_store *s, rp_user *u) {
  rp_sb email = {0};
  int ret = 0;
  if (!u->id[0]) rp_uuid_v7(u->id);
  u->version = 1;
  rp_sb_lower(&email, u->email ? u->email : "");
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_USER_INSERT,
                  "INSERT INTO users (" USER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_id(st, 1, u->account_id);
  rp_bind_id(st, 2, u->id);
  rp_bind_int64(st, 3, u->version);
  rp_bind_text(st, 4, rp_sb_str(&email));
  rp_bind_text(st, 5, u->name);
  rp_bind_text(st, 6, u->phone);
  rp_bind_text(st, 7, rp_role_name(u->role));
  rp_bind_text(st, 8, u->password_hash);
  rp_bind_int64(st, 9, u->created_at);
  rp_bind_int64(st, 10, u->updated_at ? u->updated_at : u->created_at);
  rp_bind_time(st, 11, u->disabled_at);
  int rc = rp_step(st);
  if (rc != RP_DONE) ret = user_write_error(s, rc);
  rp_sql_done(st);
cleanup:
  rp_sb_free(&email);
  return ret;
}

/* The user of the account with this id; RP_ENOTFOUND otherwise. */
int rp_store_user_get(rp_store *s, rp_arena *ar, rp_user *out, const char *account_id,
                      const char *id) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_USER_GET,
                                 "SELECT " USER_COLS " FROM users WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  return user_one(s, st, ar, out);
}

/* The user with this email (compared lower-cased), in any account. */
int rp_store_user_by_email(rp_store *s, rp_arena *ar, rp_user *out, const char *email) {
  rp_sb key = {0};
  int ret;
  rp_sb_lower(&key, email ? email : "");
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_USER_BY_EMAIL, "SELECT " USER_COLS " FROM users WHERE email = ?");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_text(st, 1, rp_sb_str(&key));
  ret = user_one(s, st, ar, out);
cleanup:
  rp_sb_free(&key);
  return ret;
}

/* Every user of the account, oldest first; the array is in ar. */
int rp_store_user_list(rp_store *s, rp_arena *ar, const char *account_id, rp_user **items,
                       size_t *n) {
  *items = NULL;
  *n = 0;
  size_t cap = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_USER_LIST,
                                 "SELECT " USER_COLS " FROM users WHERE account_id = ?"
                                 " ORDER BY created_at, id");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    *items = grow_items(ar, *items, *n, &cap, sizeof **items);
    read_user(st, ar, &(*items)[(*n)++]);
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Whether the user exists in the account (for telling a missing user from a
 * version that moved on, and for owner_id checks). */
int rp_sql_user_exists(rp_store *s, const char *account_id, const char *id, bool *out) {
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_USER_EXISTS, "SELECT 1 FROM users WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st);
  *out = rc == RP_ROW;
  int ret = (rc == RP_ROW || rc == RP_DONE) ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Writes email (lower-cased), name, phone, role, password_hash, updated_at
 * when u->version is still the stored one, then bumps u->version.
 * RP_ECONFLICT "version moved on" or field "email"; RP_ENOTFOUND. */
int rp_store_user_update(rp_store *s, rp_user *u) {
  rp_sb email = {0};
  int ret = 0;
  rp_sb_lower(&email, u->email ? u->email : "");
  rp_stmt *st = rp_sql_stmt(s, RP_ST_USER_UPDATE,
                                 "UPDATE users SET email = ?, name = ?, phone = ?, role = ?,"
                                 " password_hash = ?, updated_at = ?, version = version + 1"
                                 " WHERE account_id = ? AND id = ? AND version = ?");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_text(st, 1, rp_sb_str(&email));
  rp_bind_text(st, 2, u->name);
  rp_bind_text(st, 3, u->phone);
  rp_bind_text(st, 4, rp_role_name(u->role));
  rp_bind_text(st, 5, u->password_hash);
  rp_bind_int64(st, 6, u->updated_at);
  rp_bind_id(st, 7, u->account_id);
  rp_bind_id(st, 8, u->id);
  rp_bind_int64(st, 9, u->version);
  int rc = rp_step(st);
  rp_sql_done(st);
  if (rc != RP_DONE) {
    ret = user_write_error(s, rc);
    goto cleanup;
  }
  if (rp_sql_changes(s) == 0) {
    bool exists = false;
    if ((ret = rp_sql_user_exists(s, u->account_id, u->id, &exists))) goto cleanup;
    ret = exists ? rp_error_set(RP_ECONFLICT, NULL, "version moved on")
                 : rp_error_set(RP_ENOTFOUND, NULL, "no such user");
    goto cleanup;
  }
  u->version++;
cleanup:
  rp_sb_free(&email);
  return ret;
}

/* Deletes the user, its sessions and API tokens; the contacts it owned get
 * no owner (and a new version). The activities it logged keep its id as a
 * record of who logged them. RP_ENOTFOUND when not in the account. */
int rp_store_user_delete(rp_store *s, const char *account_id, const char *id) {
  bool exists = false;
  int ret = rp_sql_user_exists(s, account_id, id, &exists);
  if (ret) return ret;
  if (!exists) return rp_error_set(RP_ENOTFOUND, NULL, "no such user");
  bool sp = false;
  if ((ret = rp_sql_sp_begin(s, &sp))) return ret;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_USER_DELETE_TOKENS,
                                 "DELETE FROM tokens WHERE account_id = ? AND user_id = ?");
  if (!st) goto fail;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  if ((ret = rp_sql_run(s, st, NULL))) goto cleanup;
  st = rp_sql_stmt(s, RP_ST_USER_UNOWN_CONTACTS,
                   "UPDATE contacts SET owner_id = NULL, version = version + 1"
                   " WHERE account_id = ? AND owner_id = ?");
  if (!st) goto fail;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  if ((ret = rp_sql_run(s, st, NULL))) goto cleanup;
  /* their copies in contact_scores (013: no trigger on SQLite) */
  st = rp_sql_dyn(s, "UPDATE contact_scores SET owner_id = NULL WHERE account_id = ? AND owner_id = ?");
  if (!st) goto fail;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  if ((ret = rp_sql_run(s, st, NULL))) goto cleanup;
  st = rp_sql_stmt(s, RP_ST_USER_DELETE, "DELETE FROM users WHERE account_id = ? AND id = ?");
  if (!st) goto fail;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  ret = rp_sql_run(s, st, NULL);
  goto cleanup;
fail:
  ret = rp_error_last()->code;
cleanup:
  return rp_sql_sp_end(s, sp, ret);
}

/* How many users of the account have this role (the last owner check). */
int rp_store_user_count_role(rp_store *s, const char *account_id, rp_role role, int64_t *out) {
  *out = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_USER_COUNT_ROLE,
                                 "SELECT count(*) FROM users WHERE account_id = ? AND role = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, rp_role_name(role));
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_int64(st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* ---- tokens ---- */

#define TOKEN_COLS "account_id, id, user_id, kind, name, hash, created_at, expires_at, last_used_at"

static const char *token_kind_name(rp_token_kind k) {
  return k == RP_TOKEN_API ? "api" : "session";
}

static void read_token(rp_stmt *st, rp_arena *ar, rp_token *t) {
  memset(t, 0, sizeof *t);
  rp_col_id(st, 0, t->account_id);
  rp_col_id(st, 1, t->id);
  rp_col_id(st, 2, t->user_id);
  const char *kind = (const char *)rp_col_str(st, 3);
  t->kind = kind && !strcmp(kind, "api") ? RP_TOKEN_API : RP_TOKEN_SESSION;
  t->name = rp_col_text(st, 4, ar);
  const char *hash = (const char *)rp_col_str(st, 5);
  snprintf(t->hash, sizeof t->hash, "%s", hash ? hash : "");
  t->created_at = rp_col_int64(st, 6);
  t->expires_at = rp_col_int64(st, 7);
  t->last_used_at = rp_col_int64(st, 8);
}

/* Inserts the token (a new id when empty). Only t->hash is stored of the
 * secret. RP_ECONFLICT on a hash already in use. */
int rp_store_token_create(rp_store *s, rp_token *t) {
  if (!t->id[0]) rp_uuid_v7(t->id);
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_TOKEN_INSERT,
                  "INSERT INTO tokens (" TOKEN_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, t->account_id);
  rp_bind_id(st, 2, t->id);
  rp_bind_id(st, 3, t->user_id);
  rp_bind_text(st, 4, token_kind_name(t->kind));
  rp_bind_text(st, 5, t->name);
  rp_bind_text(st, 6, t->hash);
  rp_bind_int64(st, 7, t->created_at);
  rp_bind_time(st, 8, t->expires_at);
  rp_bind_time(st, 9, t->last_used_at);
  return rp_sql_run(s, st, "user_id");
}

/* The token with this hash in any account, unless it expired at `now`
 * (expires_at <= now); RP_ENOTFOUND otherwise. */
int rp_store_token_by_hash(rp_store *s, rp_arena *ar, rp_token *out, const char *hash,
                           rp_time now) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_TOKEN_BY_HASH,
                                 "SELECT " TOKEN_COLS " FROM tokens WHERE hash = ?"
                                 " AND (expires_at IS NULL OR expires_at > ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, hash);
  rp_bind_int64(st, 2, now);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_token(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such token");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* rp_token_by_hash and its user's role and standing in one statement: the
 * request's authentication, on every request. */
int rp_store_token_auth(rp_store *s, rp_arena *ar, rp_token *out, bool *user_ok, rp_role *role,
                        const char *hash, rp_time now) {
  *user_ok = false;
  *role = RP_ROLE_AGENT;
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_TOKEN_AUTH,
                  "SELECT t.account_id, t.id, t.user_id, t.kind, t.name, t.hash, t.created_at,"
                  " t.expires_at, t.last_used_at, u.role, coalesce(u.disabled_at, 0) = 0"
                  " FROM tokens t LEFT JOIN users u"
                  " ON u.account_id = t.account_id AND u.id = t.user_id"
                  " WHERE t.hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, hash);
  rp_bind_int64(st, 2, now);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) {
    read_token(st, ar, out);
    if (rp_col_type(st, 9) != RP_NULL) {
      rp_role_parse(role, (const char *)rp_col_str(st, 9));
      *user_ok = rp_col_int(st, 10) != 0;
    }
  } else if (rc == RP_DONE) {
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such token");
  } else {
    ret = rp_sql_error(s, rc, NULL);
  }
  rp_sql_done(st);
  return ret;
}

/* The account's API tokens (not sessions), newest first, in ar. */
int rp_store_token_list(rp_store *s, rp_arena *ar, const char *account_id, rp_token **items,
                        size_t *n) {
  *items = NULL;
  *n = 0;
  size_t cap = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_TOKEN_LIST,
                                 "SELECT " TOKEN_COLS " FROM tokens WHERE account_id = ?"
                                 " AND kind = 'api' ORDER BY created_at DESC, id DESC");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    *items = grow_items(ar, *items, *n, &cap, sizeof **items);
    read_token(st, ar, &(*items)[(*n)++]);
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Deletes a session or API token of the account; RP_ENOTFOUND otherwise. */
int rp_store_token_delete(rp_store *s, const char *account_id, const char *id) {
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_TOKEN_DELETE, "DELETE FROM tokens WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int ret = rp_sql_run(s, st, NULL);
  if (!ret && rp_sql_changes(s) == 0) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such token");
  return ret;
}

/* Records the token's last use; RP_ENOTFOUND when it is gone. */
int rp_store_token_touch(rp_store *s, const char *id, rp_time at) {
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_TOKEN_TOUCH, "UPDATE tokens SET last_used_at = ? WHERE id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, at);
  rp_bind_id(st, 2, id);
  int ret = rp_sql_run(s, st, NULL);
  if (!ret && rp_sql_changes(s) == 0) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such token");
  return ret;
}

/* ---- login failures (API.md: more than 10 in 15 minutes is 429) ---- */

static int login_fail_email(rp_store *s, rp_stmt_id id, const char *sql, const char *email,
                            rp_time t, int64_t *count) {
  rp_sb key = {0};
  int ret = 0;
  rp_sb_lower(&key, email ? email : "");
  rp_stmt *st = rp_sql_stmt(s, id, sql);
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_text(st, 1, rp_sb_str(&key));
  if (id != RP_ST_LOGIN_FAIL_CLEAR) rp_bind_int64(st, 2, t); /* the others take a time */
  if (count) {
    int rc = rp_step(st);
    if (rc == RP_ROW)
      *count = rp_col_int64(st, 0);
    else
      ret = rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
  } else {
    ret = rp_sql_run(s, st, NULL);
  }
cleanup:
  rp_sb_free(&key);
  return ret;
}

/* Records a failed login for email (lower-cased) at time `at`. */
int rp_store_login_failure_add(rp_store *s, const char *email, rp_time at) {
  return login_fail_email(s, RP_ST_LOGIN_FAIL_ADD,
                          "INSERT INTO login_failures (email, at) VALUES (?, ?)", email, at, NULL);
}

/* How many failed logins for email at or after `since`. */
int rp_store_login_failure_count(rp_store *s, const char *email, rp_time since, int64_t *out) {
  *out = 0;
  return login_fail_email(s, RP_ST_LOGIN_FAIL_COUNT,
                          "SELECT count(*) FROM login_failures WHERE email = ? AND at >= ?", email,
                          since, out);
}

/* Forgets the failed logins of email (after a successful login). */
int rp_store_login_failure_clear(rp_store *s, const char *email) {
  return login_fail_email(s, RP_ST_LOGIN_FAIL_CLEAR, "DELETE FROM login_failures WHERE email = ?",
                          email, 0, NULL);
}
