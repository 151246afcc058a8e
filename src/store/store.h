/* store.h: persistence behind one interface (DESIGN.md). No SQL outside
 * src/store. Plain functions over the plain structs of core/model.h.
 *
 * Conventions:
 * - An rp_store is one connection; it is not shared between threads (the
 *   HTTP server opens one per worker thread).
 * - Every function returns 0 or a negative RP_E* code with the thread error
 *   set (RP_ENOTFOUND for a missing or another account's object,
 *   RP_ECONFLICT for a unique-key clash or a version that moved on,
 *   RP_EINTERNAL for a database failure with SQLite's message).
 * - Every read and write is scoped by account_id: an object of another
 *   account is RP_ENOTFOUND, never visible.
 * - Results are allocated in the arena the caller passes; the caller owns the
 *   arena. Inputs are only read during the call.
 * - Writers do not open transactions themselves: the caller brackets a whole
 *   request with rp_store_begin / rp_store_commit (DOMAIN.md M4). A function
 *   called outside a transaction runs in its own implicit one.
 * - Ids: a create function fills an empty id (id[0] == 0) with a new UUIDv7.
 *   It sets version to 1. Times (created_at, updated_at) are the caller's:
 *   the store never reads the clock. */
#ifndef RP_STORE_H
#define RP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/arena.h"

typedef struct rp_store rp_store;

/* ---- connection, transactions, migrations ---- */

/* Opens (creating if needed) the database at path: WAL mode, foreign keys,
 * a 5 s busy timeout, synchronous=NORMAL. Does not migrate. */
int rp_store_open(rp_store **out, const char *path);
void rp_store_close(rp_store *s); /* NULL is fine; finalises cached statements */

/* Applies the numbered migrations (src/store/migrations/NNN_*.sql, built into
 * the binary) not yet applied, each in its own transaction. *applied (may be
 * NULL) gets how many ran. */
int rp_store_migrate(rp_store *s, int *applied);
/* The highest migration number applied (0 for a new database). */
int rp_store_schema_version(rp_store *s, int *out);

/* write=true takes the write lock at once (BEGIN IMMEDIATE). */
int rp_store_begin(rp_store *s, bool write);
int rp_store_commit(rp_store *s);
void rp_store_rollback(rp_store *s); /* no-op outside a transaction */

/* ---- accounts ---- */

int rp_store_account_create(rp_store *s, rp_account *a);
int rp_store_account_get(rp_store *s, rp_arena *ar, rp_account *out, const char *id);
/* Finds an account by exact name; RP_ENOTFOUND when none. */
int rp_store_account_by_name(rp_store *s, rp_arena *ar, rp_account *out, const char *name);
/* The oldest account (for the demo command); RP_ENOTFOUND when none. */
int rp_store_account_first(rp_store *s, rp_arena *ar, rp_account *out);

/* ---- users ---- */

/* RP_ECONFLICT when the email is taken (emails are unique across accounts:
 * they are the login key). */
int rp_store_user_create(rp_store *s, rp_user *u);
int rp_store_user_get(rp_store *s, rp_arena *ar, rp_user *out, const char *account_id,
                      const char *id);
/* Across all accounts, by lower-cased email; RP_ENOTFOUND when none. */
int rp_store_user_by_email(rp_store *s, rp_arena *ar, rp_user *out, const char *email);
/* All users of the account, oldest first. */
int rp_store_user_list(rp_store *s, rp_arena *ar, const char *account_id, rp_user **items,
                       size_t *n);
/* Writes email, name, phone, role, password_hash, updated_at. u->version is
 * the version the caller read: RP_ECONFLICT if it moved on; on success it is
 * incremented in *u. */
int rp_store_user_update(rp_store *s, rp_user *u);
/* Deletes the user and its sessions and tokens; the contacts it owned keep
 * no owner (owner_id NULL). */
int rp_store_user_delete(rp_store *s, const char *account_id, const char *id);
/* How many users of the account have this role. */
int rp_store_user_count_role(rp_store *s, const char *account_id, rp_role role, int64_t *out);

/* ---- sessions and API tokens (only hashes are stored) ---- */

int rp_store_token_create(rp_store *s, rp_token *t);
/* By hash, any account; RP_ENOTFOUND when none or expired at `now`. */
int rp_store_token_by_hash(rp_store *s, rp_arena *ar, rp_token *out, const char *hash, rp_time now);
/* The same with its user in one lookup (the per-request authentication):
 * *user_ok is false when the user is gone or disabled, else *role is its
 * role. */
int rp_store_token_auth(rp_store *s, rp_arena *ar, rp_token *out, bool *user_ok, rp_role *role,
                        const char *hash, rp_time now);
/* API tokens (kind RP_TOKEN_API) of the account, newest first. */
int rp_store_token_list(rp_store *s, rp_arena *ar, const char *account_id, rp_token **items,
                        size_t *n);
int rp_store_token_delete(rp_store *s, const char *account_id, const char *id);
int rp_store_token_touch(rp_store *s, const char *id, rp_time at);

/* ---- login failures (the login rate limit lives in the database, so
 * several nodes share it) ---- */

int rp_store_login_failure_add(rp_store *s, const char *email, rp_time at);
int rp_store_login_failure_count(rp_store *s, const char *email, rp_time since, int64_t *out);
int rp_store_login_failure_clear(rp_store *s, const char *email);

/* ---- contacts ---- */

/* Inserts c (c->account_id set) with its emails, phones, tags, search index
 * entry. Keeps the referrer's referral_count exact (DOMAIN.md C1).
 * RP_ENOTFOUND (field referred_by / owner_id) when those name nothing in the
 * account. */
int rp_store_contact_create(rp_store *s, rp_contact *c);
/* Archived contacts are found too (archived_at set). */
int rp_store_contact_get(rp_store *s, rp_arena *ar, rp_contact *out, const char *account_id,
                         const char *id);
/* Writes every writable field of c and updated_at; c->version is the version
 * the caller read (RP_ECONFLICT when it moved on) and is incremented on
 * success. Re-indexes for search; keeps old and new referrers' counts exact. */
int rp_store_contact_update(rp_store *s, rp_contact *c);
/* Writes only what the rules change (status, stage, category, type,
 * status_before_client, last_purchase_date, last_sale_date, updated_at) when
 * c->version is the stored one (RP_ECONFLICT otherwise), and bumps it. */
int rp_store_contact_set_lifecycle(rp_store *s, rp_contact *c);
/* Sets archived_at (and bumps version); archived contacts leave the default
 * list and stop counting as referrals. Archiving an archived one is a no-op. */
int rp_store_contact_archive(rp_store *s, const char *account_id, const char *id, rp_time at);
/* Erases the contact and everything that names it (activities, history,
 * side tables, search entry); contacts it referred keep no referrer. */
int rp_store_contact_purge(rp_store *s, const char *account_id, const char *id);
/* Moves everything that names `other` onto `survivor` (API.md merge): its
 * activities, history rows, deal parties (a deal both are party to keeps
 * the survivor's part) and the contacts it referred, then recounts both
 * referral counts (C1). The caller writes the survivor's own merged fields
 * and archives the other. */
int rp_store_contact_merge_rows(rp_store *s, const char *account_id, const char *survivor_id,
                                const char *other_id);
/* Sets the derived fields written by the core: last_touch_at, overdue_at
 * (0 = never overdue), score. Does not bump version. */
int rp_store_contact_set_derived(rp_store *s, const char *account_id, const char *id,
                                 rp_time last_touch_at, rp_time overdue_at, double score);

typedef enum {
  RP_SORT_CREATED_AT, /* default: newest first when desc */
  RP_SORT_UPDATED_AT,
  RP_SORT_LAST_NAME,
  RP_SORT_SCORE,
  RP_SORT_LAST_TOUCH_AT,
} rp_contact_sort;

typedef struct rp_contact_query {
  const char *account_id;
  const char *q;        /* full-text query (already trimmed), or NULL */
  const char *phone;    /* E.164: q read as a phone number, or NULL */
  unsigned status_mask; /* bit (1u << rp_status); 0 = any */
  unsigned stage_mask, category_mask, type_mask;
  const char *tag;      /* lower-cased, or NULL */
  const char *owner_id; /* or NULL */
  /* An agent's or assistant's user id: only contacts it owns and the
   * team's (no owner). NULL: the whole account. */
  const char *visible_to;
  bool has_score_min, has_score_max;
  double score_min, score_max;
  int overdue;   /* -1 any, 1 overdue only, 0 not overdue */
  rp_time now;   /* for overdue */
  bool archived; /* false: live contacts only; true: archived only */
  rp_contact_sort sort;
  bool desc;
  int limit;          /* 1..500 */
  const char *cursor; /* from a previous page's next_cursor, or NULL */
  bool count;         /* also compute *total */
} rp_contact_query;

/* One page of contacts matching q, in q->sort order with id as tie-breaker
 * (keyset pagination: no gaps or repeats while rows change). next_cursor
 * is NULL on the last page. A malformed cursor is RP_EINVALID_VALUE with
 * field "cursor". total is set only when q->count. */
int rp_store_contact_list(rp_store *s, rp_arena *ar, const rp_contact_query *q, rp_contact **items,
                          size_t *n, char **next_cursor, int64_t *total);

/* ---- activities ---- */

/* two_way: the core's verdict (a two-way interaction resets last_touch). */
int rp_store_activity_create(rp_store *s, rp_activity *a, bool two_way);
int rp_store_activity_get(rp_store *s, rp_arena *ar, rp_activity *out, const char *account_id,
                          const char *id);
int rp_store_activity_update(rp_store *s, rp_activity *a, bool two_way);
int rp_store_activity_delete(rp_store *s, const char *account_id, const char *id);
/* The latest occurred_at of the contact's two-way activities at or before
 * `at` (0 when none). */
int rp_store_activity_last_two_way(rp_store *s, const char *account_id, const char *contact_id,
                                   rp_time at, rp_time *out);

typedef struct rp_activity_query {
  const char *account_id;
  const char *contact_id; /* or NULL */
  /* As in rp_contact_query: only activities of contacts this user owns or
   * nobody owns. NULL: the whole account. */
  const char *visible_to;
  unsigned kind_mask;     /* bit (1u << rp_activity_kind); 0 = any */
  rp_time from, to;       /* inclusive bounds on occurred_at; 0 = open */
  int limit;
  const char *cursor;
  bool count;
} rp_activity_query;

/* Newest first (occurred_at desc, id desc), keyset-paginated. */
int rp_store_activity_list(rp_store *s, rp_arena *ar, const rp_activity_query *q,
                           rp_activity **items, size_t *n, char **next_cursor, int64_t *total);

/* ---- history (DOMAIN.md M3) ---- */

int rp_store_history_add(rp_store *s, const char *account_id, rp_history *h);
/* Oldest first. */
int rp_store_history_list(rp_store *s, rp_arena *ar, const char *account_id, const char *contact_id,
                          rp_history **items, size_t *n);

/* ---- counts for /metrics and the CLI ---- */

int rp_store_count_contacts(rp_store *s, const char *account_id, int64_t *out);

/* ---- account settings (API.md Settings) ---- */

/* Replaces the account's settings JSON text and default region. */
int rp_store_account_update_settings(rp_store *s, const char *account_id, const char *settings_json,
                                     const char *default_region);

/* ---- deals: properties (listings) and transactions (DOMAIN.md) ----
 * A deal's parties are kept in one side table for both kinds. Every
 * contact_id of a party must be a contact of the account (RP_ENOTFOUND,
 * field "contacts[i].contact_id"); a transaction's property_id a property of
 * the account (RP_ENOTFOUND, field "property_id"). Versions as for
 * contacts. */

int rp_store_property_create(rp_store *s, rp_property *p);
int rp_store_property_get(rp_store *s, rp_arena *ar, rp_property *out, const char *account_id,
                          const char *id);
/* Writes every writable field and the parties (replaced as a whole). */
int rp_store_property_update(rp_store *s, rp_property *p);
/* Deletes the property and its parties; transactions naming it keep no
 * property. */
int rp_store_property_delete(rp_store *s, const char *account_id, const char *id);

typedef struct rp_deal_query {
  const char *account_id;
  unsigned status_mask;   /* bits of rp_property_status / rp_tx_status; 0 = any */
  const char *contact_id; /* deals this contact is party to, or NULL */
  int limit;
  const char *cursor;
  bool count;
} rp_deal_query;

/* Newest first (created_at desc, id desc), keyset-paginated. */
int rp_store_property_list(rp_store *s, rp_arena *ar, const rp_deal_query *q, rp_property **items,
                           size_t *n, char **next_cursor, int64_t *total);

int rp_store_transaction_create(rp_store *s, rp_transaction *t);
int rp_store_transaction_get(rp_store *s, rp_arena *ar, rp_transaction *out, const char *account_id,
                             const char *id);
int rp_store_transaction_update(rp_store *s, rp_transaction *t);
int rp_store_transaction_delete(rp_store *s, const char *account_id, const char *id);
int rp_store_transaction_list(rp_store *s, rp_arena *ar, const rp_deal_query *q,
                              rp_transaction **items, size_t *n, char **next_cursor,
                              int64_t *total);

/* The deal counts the rules read (DOMAIN.md L4-L7, S6) for one contact,
 * over the deals in which it is buyer or seller (role other never counts):
 * open, closed and dead deals, where a closed transaction and the closed
 * property it sells count as one closed deal when the contact is party to
 * both. */
typedef struct rp_deal_counts {
  int open, closed, dead;
} rp_deal_counts;
int rp_store_contact_deal_counts(rp_store *s, const char *account_id, const char *contact_id,
                                 rp_deal_counts *out);

#endif
