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

#include "core/alerts.h"
#include "core/model.h"
#include "core/rfactor.h"
#include "core/score.h"
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

/* Bulk loading (the demo generator): rp_store_bulk_begin drops the
 * activity index by time, which a load in time order across contacts
 * would otherwise update at random places for every row, and
 * rp_store_bulk_end rebuilds it in one sorted pass. Outside a transaction.
 * Lists of activities by time are slow in between; a database left without
 * the index (a crash in between) gets it back at the next
 * rp_store_migrate. */
int rp_store_bulk_begin(rp_store *s);
int rp_store_bulk_end(rp_store *s);

/* The derived fields of a contact, as bits (rp_store_scores_bulk_begin). */
enum { RP_DERIVED_TOUCH = 1, RP_DERIVED_OVERDUE = 2, RP_DERIVED_SCORE = 4 };

/* Rewriting most contacts' derived fields (a first full rescore, or a
 * change of the scoring settings): inside the caller's write transaction,
 * rp_store_scores_bulk_begin drops the indexes of the given RP_DERIVED_*
 * fields (contacts by last touch and overdue, contact_scores by score:
 * 011_contact_scores.sql), which every changed contact would otherwise
 * move at random places, and
 * rp_store_scores_bulk_end builds them again, before the commit: other
 * connections never see the database without them, and a rollback brings
 * them back. */
int rp_store_scores_bulk_begin(rp_store *s, unsigned fields);
int rp_store_scores_bulk_end(rp_store *s);

/* After a bulk write (an import, a restore): refreshes the planner's
 * statistics, outside a transaction (PostgreSQL: ANALYZE, without which
 * its plans stay those of the empty tables; SQLite: PRAGMA optimize). A
 * failure is only logged by callers: the data is in. */
int rp_store_optimize(rp_store *s);

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
/* Every account, oldest first (the daily scheduler, `rapport jobs daily`). */
int rp_store_account_list(rp_store *s, rp_arena *ar, rp_account **items, size_t *n);

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
/* The same for a contact whose lifecycle and derived fields were settled
 * in memory (the import's creation, jobs/lifecycle.c): written at
 * c->version (at least 1) with its score, last_touch_at and overdue_at (0:
 * none), so that no later write of the new row is needed. */
int rp_store_contact_create_settled(rp_store *s, rp_contact *c, rp_time overdue_at);
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
/* The kept derived values a writer read (0 = never, as the score scan
 * gives them) and expects to find still: the daily job and the full
 * rescore write outside the transaction of their read and must not put
 * back a score that a request rescored since. */
typedef struct rp_derived_was {
  rp_time last_touch_at, overdue_at;
  double score;
} rp_derived_was;
/* The same unless another write moved them since the caller read them:
 * when the kept values are no longer *was, nothing is written and *moved
 * is set. */
int rp_store_contact_set_derived_unless_moved(rp_store *s, const char *account_id, const char *id,
                                              const rp_derived_was *was, rp_time last_touch_at,
                                              rp_time overdue_at, double score, bool *moved);
/* The same when the caller knows which of them changed (the full rescore
 * reads the kept values on its scan): writes the RP_DERIVED_* fields given,
 * no read first; with was (else NULL) each only where the kept values are
 * still those (the contact row's last touch and overdue, the score row's
 * score). RP_ENOTFOUND for no such contact, or none where was holds. */
int rp_store_contact_write_derived(rp_store *s, const char *account_id, const char *id,
                                   unsigned fields, const rp_derived_was *was,
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
  unsigned kind_mask; /* bit (1u << rp_activity_kind); 0 = any */
  rp_time from, to;   /* inclusive bounds on occurred_at; 0 = open */
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

/* ---- score, score history, alerts, rFactor (SCORING.md; 003_score.sql) ----
 * The score itself is decided in src/core (score.c, alerts.c, rfactor.c);
 * these functions read its facts and keep what it returns. Days are day
 * numbers: days since 1970-01-01 of the local date in the account's
 * timezone (the daily job's days). */

/* The contact's activities as the score reads them (core/score.h), all of
 * them, past and planned, in (occurred_at, id) order. They are read from
 * the activity index by contact, which carries every column the score
 * reads, so one contact's history is one sequential range. *out in ar
 * (NULL with *n = 0 when none). */
/* The due times of the contact's tasks (done or not; those without one
 * left out), ascending: the frequency factor counts them (SCORING.md 14).
 * *out in ar (NULL with *n = 0 when none). */
int rp_store_score_task_dues(rp_store *s, rp_arena *ar, const char *account_id,
                             const char *contact_id, rp_time **out, size_t *n);
int rp_store_score_activities(rp_store *s, rp_arena *ar, const char *account_id,
                              const char *contact_id, rp_score_activity **out, size_t *n);

/* DOMAIN.md C1 at a past moment: the contacts referred by contact_id that
 * were created at or before T and not archived at T (archived_at NULL or
 * after T). */
int rp_store_referral_count_at(rp_store *s, const char *account_id, const char *contact_id,
                               rp_time T, int64_t *out);

/* SCORING.md lifetime_value facts at T, from the deals closed at or before
 * T (close_date at midnight UTC; a closed transaction that sells a closed
 * property counts once, with the transaction's commission; a null
 * commission counts 0): *own = the commissions of those in which the
 * contact is buyer or seller; *referred = the sum of *own over the contacts
 * it referred (archived ones too); *account = every such deal of the
 * account once. contact_id NULL: only *account (own and referred 0). Any
 * out pointer may be NULL. */
int rp_store_revenue_at(rp_store *s, const char *account_id, const char *contact_id, rp_time T,
                        double *own, double *referred, double *account);

/* One closed deal as the revenue and the rFactor read it (counted once as
 * above), with the contacts that are buyer or seller in it. */
typedef struct rp_closed_deal {
  rp_time closed_at; /* midnight UTC of close_date */
  double commission; /* 0 when null */
  char (*parties)[RP_ID_LEN];
  size_t n_parties;
} rp_closed_deal;

/* Every closed deal of the account that has a close_date, oldest first;
 * arrays in ar. */
int rp_store_closed_deals(rp_store *s, rp_arena *ar, const char *account_id, rp_closed_deal **out,
                          size_t *n);

/* A referral as the score reads it at a past moment. */
typedef struct rp_referral_edge {
  char contact_id[RP_ID_LEN];  /* the referred contact */
  char referrer_id[RP_ID_LEN]; /* its referred_by */
  rp_time created_at, archived_at;
} rp_referral_edge;

/* Every contact of the account that has a referrer; arrays in ar. */
int rp_store_referral_edges(rp_store *s, rp_arena *ar, const char *account_id,
                            rp_referral_edge **out, size_t *n);

/* One contact of a full scan. contact has every field rp_score_details_from
 * reads and the lifecycle fields, referral_count, known_since, created_at,
 * archived_at, contact_interval_days, score, last_touch_at; strings and
 * arrays (emails, phones, social, tags may be left empty: only their counts
 * n_emails, n_phones, n_social are guaranteed) are valid during the
 * callback only. history: its change rows, oldest first, only when the scan
 * was asked for them (else NULL, 0). */
typedef struct rp_score_row {
  rp_contact contact;
  rp_time overdue_at; /* as stored, 0 = never */
  int n_custom;       /* filled custom fields */
  const rp_score_activity *acts;
  size_t n_acts;
  const rp_history *history;
  size_t n_history;
  const rp_time *task_due; /* its tasks' due times, ascending */
  size_t n_tasks;
} rp_score_row;

/* Returns 0 to go on; anything else stops the scan and is returned. */
typedef int (*rp_score_scan_fn)(void *ctx, const rp_score_row *row);

/* Streams the account's contacts, archived ones too, whose id is at or
 * after from_id and before to_id (NULL: open end), in id order, each with
 * its activities (and its history rows when with_history), in one ordered
 * pass over the contacts and the activity index: no query per contact.
 * Runs in the caller's transaction, or in a read transaction of its own
 * when none is open. */
int rp_store_score_scan(rp_store *s, const char *account_id, const char *from_id, const char *to_id,
                        bool with_history, rp_score_scan_fn fn, void *ctx);

/* Splits the account's contacts into `parts` id ranges of about equal
 * size: bounds[i] (i < parts - 1) is the first id of range i + 1, so range
 * i is [bounds[i-1], bounds[i]) with open ends. Fewer contacts than parts
 * give empty ranges (bounds[i][0] == 0 means "no bound"). *count (when
 * not NULL) is the number of the account's contacts, archived ones too:
 * those a scan of the open range goes over. */
int rp_store_contact_split(rp_store *s, const char *account_id, int parts,
                           char (*bounds)[RP_ID_LEN], int64_t *count);

/* Score history (GET /contacts/{id}/score/history, A2). The daily job keeps
 * the change points of a contact's daily score: a day without a row has the
 * score of the latest row before it. */
typedef struct rp_score_point {
  int64_t day;
  double score;
} rp_score_point;

/* Keeps `score` as the contact's daily score of `day`: writes a row only
 * when it differs from the score the history gives for that day, and when
 * rows exist after `day` (a backfill) keeps the score they gave day + 1.
 * *changed (may be NULL): whether the score of `day` was another before. */
int rp_store_score_history_put(rp_store *s, const char *account_id, const char *contact_id,
                               int64_t day, double score, bool *changed);
/* The score of `day` (latest row at or before it); NaN when none. */
int rp_store_score_history_at(rp_store *s, const char *account_id, const char *contact_id,
                              int64_t day, double *out);
/* The rows in [from_day, to_day] plus the latest row before from_day (it
 * gives the score of from_day), oldest first; *items in ar. */
int rp_store_score_history_list(rp_store *s, rp_arena *ar, const char *account_id,
                                const char *contact_id, int64_t from_day, int64_t to_day,
                                rp_score_point **items, size_t *n);

/* What one run of the daily job found for the account (GET
 * /stage-averages, the mid-range of A3). */
typedef struct rp_daily_stats {
  int64_t day;
  rp_time as_of;
  rp_stage_average stages[RP_STAGE_COUNT];
  rp_mid_range mid;
} rp_daily_stats;

/* Inserts or replaces the stats of st->day. */
int rp_store_daily_stats_put(rp_store *s, const char *account_id, const rp_daily_stats *st);
/* The stats of the latest day at or before `day`; RP_ENOTFOUND when none. */
int rp_store_daily_stats_get(rp_store *s, const char *account_id, int64_t day, rp_daily_stats *out);

/* Claims the daily job of `day` for the account (the scheduler of `rapport
 * serve`: once per account and day whatever the number of processes):
 * 0 when this caller is the first (a row is written), RP_ECONFLICT when it
 * was claimed already. */
int rp_store_daily_claim(rp_store *s, const char *account_id, int64_t day, rp_time at);
/* Whether the daily job of `day` was claimed (a read: the scheduler skips
 * a claimed day before doing the work the claim would refuse). */
int rp_store_daily_claimed(rp_store *s, const char *account_id, int64_t day, bool *out);

/* Alerts (DOMAIN.md A2-A4, GET /reach-out). */
typedef struct rp_alert {
  char id[RP_ID_LEN];
  char contact_id[RP_ID_LEN];
  rp_alert_reason reason;
  const char *detail; /* the sentence shown with it */
  int64_t day;        /* the daily job's day that raised it */
  rp_time raised_at;
  rp_time cleared_at;   /* 0 = open: cleared by a two-way touch or the job */
  rp_time dismissed_at; /* 0 = not dismissed by hand */
  double urgency;       /* ordering of the reach-out list, larger first */
  /* Filled by rp_store_alert_list: the contact as the list shows it. */
  const char *display_name;
  rp_status status;
  rp_stage stage;
  double score;
  const char *phone, *email; /* the first of each, or NULL */
  bool sms_opt_out, email_opt_out;
} rp_alert;

/* Inserts a (fills an empty id). */
int rp_store_alert_create(rp_store *s, const char *account_id, rp_alert *a);
/* The contact's latest alert of this reason, open or not (A2's 30 days);
 * RP_ENOTFOUND when none. */
int rp_store_alert_last(rp_store *s, rp_arena *ar, const char *account_id, const char *contact_id,
                        rp_alert_reason reason, rp_alert *out);
/* Sets cleared_at = at on the contact's open alerts whose reason is in mask
 * (bit 1u << rp_alert_reason). */
int rp_store_alert_clear(rp_store *s, const char *account_id, const char *contact_id,
                         unsigned reason_mask, rp_time at);
/* One alert of the account with its contact's fields (as
 * rp_store_alert_list fills them), open or not; RP_ENOTFOUND when none.
 * Visibility is the caller's to check (the contact's owner). */
int rp_store_alert_get(rp_store *s, rp_arena *ar, const char *account_id, const char *id,
                       rp_alert *out);
/* Dismissal by hand: sets dismissed_at; RP_ENOTFOUND for no such alert of
 * the account, or one of a contact visible_to (an agent's user id, NULL:
 * anyone) may not see. Dismissing a dismissed alert is a no-op. */
int rp_store_alert_dismiss(rp_store *s, const char *account_id, const char *visible_to,
                           const char *id, rp_time at);

/* Every open alert (neither cleared nor dismissed) of the account, archived
 * contacts' too, in (contact_id, reason) order, without the contact fields
 * (the daily job's view); *items in ar. */
int rp_store_alert_open_all(rp_store *s, rp_arena *ar, const char *account_id, rp_alert **items,
                            size_t *n);
/* The same for the contacts with from_id <= contact_id <= to_id (the
 * daily job's write transactions, each over a range of contacts). */
int rp_store_alert_open_range(rp_store *s, rp_arena *ar, const char *account_id,
                              const char *from_id, const char *to_id, rp_alert **items,
                              size_t *n);

typedef struct rp_alert_query {
  const char *account_id;
  const char *visible_to; /* as in rp_contact_query */
  unsigned reason_mask;   /* 0 = any */
  int limit;              /* 1..500 */
} rp_alert_query;

/* The open alerts (neither cleared nor dismissed) of live contacts, most
 * urgent first (urgency desc, raised_at desc, id). */
int rp_store_alert_list(rp_store *s, rp_arena *ar, const rp_alert_query *q, rp_alert **items,
                        size_t *n);

/* rFactor: the calibration counts of a moment (cached by the daily job,
 * keyed by e_1, the latest month-end at or before T) and the monthly
 * history. */
int rp_store_calibration_put(rp_store *s, const char *account_id, rp_time month_end,
                             const rp_rfactor_calibration *cal, rp_time computed_at);
/* RP_ENOTFOUND when none is kept for that month-end. */
int rp_store_calibration_get(rp_store *s, const char *account_id, rp_time month_end,
                             rp_rfactor_calibration *out, rp_time *computed_at);

typedef struct rp_rfactor_point {
  char month[8]; /* "YYYY-MM" */
  rp_time as_of;
  rp_rfactor_result r; /* bands not kept: zero */
} rp_rfactor_point;

/* Inserts or replaces the month's value. */
int rp_store_rfactor_put(rp_store *s, const char *account_id, const rp_rfactor_point *p);
/* Oldest first; *items in ar. */
int rp_store_rfactor_history(rp_store *s, rp_arena *ar, const char *account_id,
                             rp_rfactor_point **items, size_t *n);

/* The account's live eligible contacts (SCORING.md rFactor: type client,
 * farm, personal or prospect; status not none) by band of their kept score,
 * min(9, floor(score / 10)), into counts (zeroed first). */
int rp_store_score_bands(rp_store *s, const char *account_id, int64_t counts[RP_RFACTOR_BANDS]);

/* ---- dashboard counts ---- */

/* Live contacts by status and by stage (arrays indexed by the enums,
 * zeroed first), as visible_to sees them (NULL: the whole account). */
int rp_store_contact_counts(rp_store *s, const char *account_id, const char *visible_to,
                            int64_t status[RP_STATUS_COUNT], int64_t stage[RP_STAGE_COUNT]);
/* Open deals (properties and transactions, a transaction that sells an
 * open property counted once) and their value (list price of a property,
 * price of a transaction; null counts 0). */
int rp_store_pipeline(rp_store *s, const char *account_id, int64_t *open_deals, double *open_value);

/* ---- tasks (API.md Tasks; 004_tasks.sql, store_tasks.c) ----
 * contact_id, when set, must name a contact of the account (RP_ENOTFOUND,
 * field "contact_id"); assignee_id, when set, a user of the account
 * (RP_ENOTFOUND, field "assignee_id"). Versions as for contacts. A purged
 * contact's tasks are erased with it; a deleted user's are left without
 * assignee. */
#include "core/task.h"

int rp_store_task_create(rp_store *s, rp_task *t);
int rp_store_task_get(rp_store *s, rp_arena *ar, rp_task *out, const char *account_id,
                      const char *id);
/* Writes every field but id, created_by and created_at when t->version is
 * the stored one (RP_ECONFLICT otherwise), and bumps t->version. */
int rp_store_task_update(rp_store *s, rp_task *t);
int rp_store_task_delete(rp_store *s, const char *account_id, const char *id);

typedef struct rp_task_query {
  const char *account_id;
  /* An agent's or assistant's user id: only tasks assigned to it, created
   * by it, or on contacts it sees (its own and those without owner).
   * NULL: the whole account. */
  const char *visible_to;
  const char *assignee_id; /* or NULL */
  const char *contact_id;  /* or NULL */
  int done;                /* -1 any, 0 open only, 1 done only */
  /* due: only open tasks with a due_at in [due_from, due_to) */
  bool due;
  rp_time due_from, due_to;
  int limit; /* 1..500 */
  const char *cursor;
  bool count;
} rp_task_query;

/* One page of tasks matching q: open ones first by due_at (those without
 * one after them), then done ones, most recently done first; id breaks
 * ties. Keyset-paginated like the contact list; total only when q->count. */
int rp_store_task_list(rp_store *s, rp_arena *ar, const rp_task_query *q, rp_task **items,
                       size_t *n, char **next_cursor, int64_t *total);

/* ---- workflows, runs, steps, messages (005_workflows.sql; store_workflows.c;
 * API.md "Workflows, messages, channels") ---- */
#include "core/workflow.h"

/* A stored workflow. trigger_json and steps_json are what
 * jobs/workflow_json.c validated. */
typedef struct rp_workflow_row {
  char account_id[RP_ID_LEN], id[RP_ID_LEN];
  int64_t version;
  const char *name;
  bool enabled, stop_on_reply;
  const char *trigger_event, *trigger_json, *steps_json;
  const char *builtin; /* the library key, or NULL */
  rp_time created_at, updated_at;
} rp_workflow_row;

/* Inserts w (id, version 1 and times are the caller's). A second workflow
 * with the same builtin key is RP_ECONFLICT. */
int rp_store_workflow_create(rp_store *s, const rp_workflow_row *w);
int rp_store_workflow_get(rp_store *s, rp_arena *ar, rp_workflow_row *out, const char *account_id,
                          const char *id);
/* Writes name, enabled, stop_on_reply, trigger and steps when w->version is
 * the stored one (RP_ECONFLICT otherwise) and bumps w->version. */
int rp_store_workflow_update(rp_store *s, rp_workflow_row *w);
/* Deletes the workflow and stops its active runs (reason
 * "workflow_deleted", pending steps canceled). */
int rp_store_workflow_delete(rp_store *s, const char *account_id, const char *id, rp_time now);
/* Every workflow of the account by name (at most 500: *n). */
int rp_store_workflow_list(rp_store *s, rp_arena *ar, const char *account_id,
                           rp_workflow_row **items, size_t *n);
/* The enabled workflows an event starts. */
int rp_store_workflows_for_event(rp_store *s, rp_arena *ar, const char *account_id,
                                 const char *event, rp_workflow_row **items, size_t *n);
/* Whether the account was ever given the library workflow `key`
 * (jobs/workflow_library.c), and recording that it was. */
int rp_store_library_seeded(rp_store *s, const char *account_id, const char *key, bool *out);
int rp_store_library_mark(rp_store *s, const char *account_id, const char *key, rp_time now);

/* One enrolment. next_step/next_due_at: its earliest pending step (-1, 0
 * when none). */
typedef struct rp_run {
  char account_id[RP_ID_LEN], id[RP_ID_LEN], workflow_id[RP_ID_LEN], contact_id[RP_ID_LEN];
  char created_by[RP_ID_LEN]; /* "" when none */
  const char *workflow_name;  /* read only */
  const char *status;         /* active | completed | stopped */
  const char *event, *stop_reason;
  rp_time started_at, ended_at;
  int next_step;
  rp_time next_due_at;
} rp_run;

/* One planned step of a run. */
typedef struct rp_run_step {
  int step;
  rp_time due_at, done_at;
  const char *status, *outcome;
} rp_run_step;

/* Inserts the run and its planned steps (plan[i] for step i: pending at
 * due_at, or skipped with its reason); a run with no pending step is
 * completed at once. A contact already active in the workflow is
 * RP_ECONFLICT (field "contact_id"); an unknown contact RP_ENOTFOUND. */
int rp_store_run_create(rp_store *s, rp_run *run, const rp_wf_planned *plan, int n_steps);
int rp_store_run_get(rp_store *s, rp_arena *ar, rp_run *out, const char *account_id,
                     const char *id);
/* A run's steps in step order (*n of them). */
int rp_store_run_steps(rp_store *s, rp_arena *ar, const char *account_id, const char *run_id,
                       rp_run_step **items, size_t *n);
/* Runs of the account, newest first, optionally of one contact and/or one
 * workflow and/or one status; at most limit (1..500), keyset by cursor. */
typedef struct rp_run_query {
  const char *account_id, *contact_id, *workflow_id, *status;
  int limit;
  const char *cursor;
} rp_run_query;
int rp_store_run_list(rp_store *s, rp_arena *ar, const rp_run_query *q, rp_run **items, size_t *n,
                      char **next_cursor);
/* Stops an active run: status stopped with reason, pending steps canceled.
 * *stopped false when it was not active (nothing changes). */
int rp_store_run_stop(rp_store *s, const char *account_id, const char *run_id, const char *reason,
                      rp_time now, bool *stopped);
/* Stops the contact's active runs of workflows with stop_on_reply (reason
 * "replied"); *n the number stopped. */
int rp_store_runs_stop_on_reply(rp_store *s, const char *account_id, const char *contact_id,
                                rp_time now, int *n);

/* A pending step due now, with what running it needs. */
typedef struct rp_due_step {
  char run_id[RP_ID_LEN], workflow_id[RP_ID_LEN], contact_id[RP_ID_LEN];
  char created_by[RP_ID_LEN];
  int step;
  rp_time due_at;
  bool later_message_due; /* another pending step of the run is due too */
} rp_due_step;
/* The account's pending steps due at or before now, oldest first, at most
 * limit. */
int rp_store_due_steps(rp_store *s, rp_arena *ar, const char *account_id, rp_time now, int limit,
                       rp_due_step **items, size_t *n);
/* Ends a pending step (status done, skipped or failed, with outcome) and
 * completes its run when no step is pending any more. *ended false when
 * the step was no longer pending (another process ran it): the caller
 * rolls back what it did. */
int rp_store_step_end(rp_store *s, const char *account_id, const char *run_id, int step,
                      const char *status, const char *outcome, rp_time now, bool *ended);

/* A message of the outbox (API.md messages). */
typedef struct rp_message {
  char account_id[RP_ID_LEN], id[RP_ID_LEN];
  char contact_id[RP_ID_LEN], user_id[RP_ID_LEN], workflow_run_id[RP_ID_LEN];
  char activity_id[RP_ID_LEN], created_by[RP_ID_LEN]; /* "" when none */
  const char *channel;                                /* email | sms */
  const char *to_addr, *subject, *body;
  const char *status; /* queued | sending | sent | failed | suppressed */
  const char *reason, *provider_id;
  int attempts;
  int step; /* -1 when not from a workflow */
  rp_time next_attempt_at, created_at, sent_at;
} rp_message;

/* Inserts m. A second message for one run step is RP_ECONFLICT. */
int rp_store_message_create(rp_store *s, const rp_message *m);
int rp_store_message_get(rp_store *s, rp_arena *ar, rp_message *out, const char *account_id,
                         const char *id);
typedef struct rp_message_query {
  const char *account_id, *contact_id, *status;
  int limit;
  const char *cursor;
} rp_message_query;
/* Newest first. */
int rp_store_message_list(rp_store *s, rp_arena *ar, const rp_message_query *q, rp_message **items,
                          size_t *n, char **next_cursor);
/* Claims up to limit messages to send now: queued ones whose time has come
 * and sending ones whose lease ran out (their sender died); each becomes
 * sending with a lease until now + lease_s and one more attempt. Run it in
 * a write transaction and commit before sending. */
int rp_store_message_claim(rp_store *s, rp_arena *ar, const char *account_id, rp_time now,
                           int lease_s, int limit, rp_message **items, size_t *n);
/* Records the outcome of a send: status (sent, queued for a retry at
 * next_attempt_at, failed), reason, provider id, sent time, the activity.
 * Only a message still sending is changed (*changed). */
int rp_store_message_finish(rp_store *s, const rp_message *m, bool *changed);

/* The account's key in its inbound SMS hook address, and the account of a
 * key (RP_ENOTFOUND). */
int rp_store_account_hook_key(rp_store *s, rp_arena *ar, const char *account_id, char **out);
int rp_store_account_by_hook_key(rp_store *s, const char *key, char out[static RP_ID_LEN]);
/* Whether the provider's id of an inbound SMS was recorded already (a
 * retried webhook), and recording it (008_sms_inbound.sql); *fresh false
 * when it was there before. */
int rp_store_sms_inbound_seen(rp_store *s, const char *account_id, const char *sid, bool *seen);
int rp_store_sms_inbound_add(rp_store *s, const char *account_id, const char *sid,
                             const char *contact_id, const char *activity_id, rp_time now,
                             bool *fresh);

/* ---- channel settings, outbox lookups (007_channels.sql,
 * store_channels.c) ---- */

/* An account's channel settings (API.md GET|PUT /settings/channels). NULL
 * is "not set". The secrets (smtp_password, sms_auth_token, imap_password)
 * are write-only in the API. */
typedef struct rp_channels {
  char account_id[RP_ID_LEN];
  const char *smtp_url, *smtp_from, *smtp_username, *smtp_password;
  const char *sms_base_url, *sms_account_sid, *sms_auth_token, *sms_from;
  const char *imap_url, *imap_username, *imap_password;
  rp_time updated_at; /* 0: never set */
} rp_channels;

/* The account's settings into *out (strings in ar); all NULL (and
 * updated_at 0) when none were ever saved. */
int rp_store_channels_get(rp_store *s, rp_arena *ar, const char *account_id, rp_channels *out);
/* Inserts or replaces the account's settings with *c (every field). */
int rp_store_channels_put(rp_store *s, const rp_channels *c);
/* A message by id alone, whatever its account (the public unsubscribe
 * link, where the message id is the token): RP_ENOTFOUND when none. */
int rp_store_message_find(rp_store *s, rp_arena *ar, const char *id, rp_message *out);
/* The accounts that have messages to send at `now` (queued ones due, or
 * sending ones whose lease ran out), at most max of them; ids in ar. */
int rp_store_outbox_accounts(rp_store *s, rp_arena *ar, rp_time now, int max,
                             char (**ids)[RP_ID_LEN], size_t *n);
/* Messages waiting in every account's outbox (queued or sending): the
 * queue depth of GET /metrics. */
int rp_store_outbox_depth(rp_store *s, int64_t *out);
/* Whether the account has a message to send at `now` (a read: the sender
 * takes the write lock only when there is work). */
int rp_store_outbox_due(rp_store *s, const char *account_id, rp_time now, bool *out);
/* Gives a claimed message back untried (the sender ran out of lease time
 * before it got to it): queued again at next_attempt_at, the claim's
 * attempt taken back. Only a message still sending changes (*changed). */
int rp_store_message_release(rp_store *s, const char *account_id, const char *id,
                             rp_time next_attempt_at, bool *changed);

/* ---- lead capture (API.md "Lead capture"; 006_capture.sql, store_leads.c) ---- */

/* A web form of the account: POST /capture/{key} makes leads of it. */
typedef struct rp_capture_form {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  const char *key; /* the public key of /capture/{key}: 32 hex digits */
  const char *name;
  const char *source;          /* the source of its leads ("website") */
  const char *allowed_origins; /* a JSON list of origins as text ("[]": any) */
  const char *owner_id;        /* a user of the account, or NULL */
  rp_time created_at;
} rp_capture_form;

/* Inserts f (fills an empty id); f->key is the caller's (random).
 * RP_ENOTFOUND (field owner_id) when owner_id names no user of the account;
 * RP_ECONFLICT (field key) when the key is taken. */
int rp_store_capture_form_create(rp_store *s, rp_capture_form *f);
int rp_store_capture_form_get(rp_store *s, rp_arena *ar, rp_capture_form *out,
                              const char *account_id, const char *id);
/* By key, whatever the account (the public endpoint); RP_ENOTFOUND. */
int rp_store_capture_form_by_key(rp_store *s, rp_arena *ar, rp_capture_form *out, const char *key);
/* The account's forms, oldest first; *items in ar. */
int rp_store_capture_form_list(rp_store *s, rp_arena *ar, const char *account_id,
                               rp_capture_form **items, size_t *n);
/* Writes name, source, allowed_origins and owner_id (RP_ENOTFOUND, field
 * owner_id, as on create; RP_ENOTFOUND for no such form). */
int rp_store_capture_form_update(rp_store *s, const rp_capture_form *f);
int rp_store_capture_form_delete(rp_store *s, const char *account_id, const char *id);

/* The live (not archived) contact of the account with this email key
 * (lower-cased address) or, failing that, this E.164 phone; either may be
 * NULL. The oldest when several match. *found false when none. */
int rp_store_contact_match(rp_store *s, const char *account_id, const char *email_key,
                           const char *phone, char out_id[static RP_ID_LEN], bool *found);

/* Takes the account's next round-robin turn (0, 1, 2, ...) and advances
 * it, in the caller's write transaction (DOMAIN.md A1 routing). */
int rp_store_routing_turn(rp_store *s, const char *account_id, int64_t *turn);

/* Logs one capture that reached contact_id (created: it made the
 * contact); form_id NULL for POST /api/v1/leads. */
int rp_store_capture_add(rp_store *s, const char *account_id, const char *contact_id,
                         const char *form_id, bool created, const char *source, rp_time at);

/* The dashboard's speed to lead (DOMAIN.md A1): the live contacts made by a
 * capture in [since, until] that visible_to sees (NULL: all) are *count;
 * for each of them that got an outbound email, sms or call (at or after its
 * capture, at or before until), the seconds from the capture to the first
 * one go into *delays (an arena array of *n_delays, ascending). */
int rp_store_speed_to_lead(rp_store *s, rp_arena *ar, const char *account_id,
                           const char *visible_to, rp_time since, rp_time until, int64_t *count,
                           int64_t **delays, size_t *n_delays);

/* ---- imports (API.md "Import and export"; 009_imports.sql, store_imports.c) ---- */

/* An error of an import: the line its record starts on and why. */
typedef struct rp_import_error {
  int64_t line;
  char message[240];
} rp_import_error;

/* An import job. Strings point into the reader's arena. */
typedef struct rp_import_job {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  const char *status;       /* queued | running | done | failed */
  const char *format;       /* csv | vcard | ics */
  const char *on_duplicate; /* merge | skip | create */
  const char *file_name;    /* or NULL */
  int64_t size, total, processed, created, merged, skipped, error_count;
  const char *failure; /* why a failed one stopped, or NULL */
  const char *created_by;
  rp_time created_at, started_at, finished_at, lease_until;
} rp_import_job;

/* Inserts j as queued with a new id, and its file. */
int rp_store_import_create(rp_store *s, rp_import_job *j, const void *body, size_t len);
/* The job of the account; RP_ENOTFOUND otherwise. */
int rp_store_import_get(rp_store *s, rp_arena *ar, rp_import_job *out, const char *account_id,
                        const char *id);
/* Its kept errors in the order they were found. */
int rp_store_import_errors(rp_store *s, rp_arena *ar, const char *account_id, const char *id,
                           rp_import_error **out, size_t *n);
/* Claims the oldest queued job or a running one whose lease ran out (its
 * worker died): running, leased until now + lease_s. In the caller's write
 * transaction. */
int rp_store_import_claim(rp_store *s, rp_arena *ar, rp_import_job *out, rp_time now,
                          int64_t lease_s, bool *found);
/* The job's file (NUL-terminated copy in ar). */
int rp_store_import_body(rp_store *s, rp_arena *ar, const char *account_id, const char *id,
                         const char **data, size_t *len);
/* Writes j's counts, appends errs, renews the lease. */
int rp_store_import_progress(rp_store *s, const rp_import_job *j, const rp_import_error *errs,
                             size_t n_errs, rp_time lease_until);
/* Ends the job (done, or failed with why) and deletes its file. */
int rp_store_import_finish(rp_store *s, const char *account_id, const char *id, bool ok,
                           const char *failure, rp_time now);

/* Outside records already taken in (a calendar event's uid, a mail's
 * Message-ID) per contact, so a second import adds nothing. */
int rp_store_external_ref_find(rp_store *s, const char *account_id, const char *source,
                               const char *ref, const char *contact_id, bool *found);
int rp_store_external_ref_add(rp_store *s, const char *account_id, const char *source,
                              const char *ref, const char *contact_id, const char *activity_id,
                              rp_time now);

/* ---- duplicates (API.md GET /api/v1/duplicates; store_duplicates.c) ---- */

/* A pair of live contacts that are likely one person: reason "email",
 * "phone" or "name_address", value the shared email key, phone or address
 * key. */
typedef struct rp_dup_pair {
  char a[RP_ID_LEN], b[RP_ID_LEN];
  const char *reason, *value;
} rp_dup_pair;

/* Up to limit pairs of the account (those visible_to sees when not NULL):
 * same email first, then same phone, then close names at one address;
 * each pair once. */
int rp_store_duplicates(rp_store *s, rp_arena *ar, const char *account_id, const char *visible_to,
                        size_t limit, rp_dup_pair **out, size_t *n);

/* ---- whole-account dump and restore (issue 8; store_dump.c, docs/api.md
 * "Backup and restore"): every row of every table of an account's data,
 * as plain column names and values, so that the file is the same whatever
 * the store (SQLite now, PostgreSQL next). Which tables, in which order,
 * and what is left out: store_dump.c. ---- */

typedef enum {
  RP_SV_NULL,
  RP_SV_INT,
  RP_SV_REAL,
  RP_SV_TEXT, /* UTF-8 text; ids are given (and taken) as their UUID text */
  RP_SV_BLOB, /* other binary data */
} rp_sv_kind;

/* One column value: i for INT, d for REAL, p/len for TEXT (NUL-terminated
 * too) and BLOB. */
typedef struct rp_store_value {
  rp_sv_kind kind;
  int64_t i;
  double d;
  const char *p;
  size_t len;
} rp_store_value;

/* Called once per row; cols, vals and the strings are valid during the
 * call only. Returns 0 to go on; anything else stops the dump and is
 * returned. */
typedef int (*rp_dump_row_fn)(void *ctx, const char *table, const char *const *cols,
                              const rp_store_value *vals, size_t n);

/* Streams every row of the account's data to fn: the accounts row first,
 * its users next, then the other tables in an order where a row comes
 * after the rows it refers to (foreign keys); each table's rows in key
 * order. Runs in the caller's transaction (a read one is enough: one
 * snapshot), or in a read transaction of its own. */
int rp_store_dump(rp_store *s, const char *account_id, rp_dump_row_fn fn, void *ctx);

/* A restore in progress (rp_store_restore_begin .. finish or abort). */
typedef struct rp_restore rp_restore;

/* Rows restored into one table. */
typedef struct rp_restore_count {
  const char *table;
  int64_t rows;
} rp_restore_count;

/* Starts restoring the account account_id from a dump made at schema
 * (the highest migration number of the database it came from): refuses
 * (RP_EINVALID_VALUE, field "schema") another schema than this database's,
 * and (RP_ECONFLICT, field "account_id") a database that already holds an
 * account with that id. Opens one write transaction (outside any other):
 * nothing is written unless rp_store_restore_finish commits. */
int rp_store_restore_begin(rp_store *s, const char *account_id, int schema, rp_restore **out);
/* Inserts one row as rp_store_dump gave it. RP_EINVALID_VALUE (field
 * "table" or "table.column") for a table or column the dump does not
 * write, a value of the wrong type, a row of another account, a missing
 * required column; RP_ECONFLICT for a key that is taken. */
int rp_store_restore_row(rp_restore *r, const char *table, const char *const *cols,
                         const rp_store_value *vals, size_t n);
/* Rebuilds what the dump leaves out (the search index of the account's
 * contacts), checks that every reference names a restored row, commits
 * and frees r; *counts (in ar, tables in dump order, *n of them) says how
 * many rows went into each table. On failure everything is rolled back. */
int rp_store_restore_finish(rp_restore *r, rp_arena *ar, rp_restore_count **counts, size_t *n);
/* Rolls back and frees r (NULL is fine). */
void rp_store_restore_abort(rp_restore *r);

/* ---- mailbox sync (010_mail_sync.sql, store_mail.c; jobs/mail_sync.h) ---- */

/* Where mail sync stands in one folder of an account. */
typedef struct rp_mail_folder_state {
  const char *folder;    /* the IMAP folder name */
  int64_t uidvalidity;   /* the folder's UIDVALIDITY when last read */
  int64_t last_uid;      /* the highest UID handled */
  rp_time synced_at;     /* the last pass that reached the server */
  const char *last_error; /* why the last pass failed, or NULL */
} rp_mail_folder_state;

/* The state of the account's folder of this role ("inbox", "sent");
 * *found false when it was never synced. Strings in ar. */
int rp_store_mail_state_get(rp_store *s, rp_arena *ar, const char *account_id, const char *role,
                            rp_mail_folder_state *out, bool *found);
/* Inserts or replaces it. */
int rp_store_mail_state_put(rp_store *s, const char *account_id, const char *role,
                            const rp_mail_folder_state *st);
/* The accounts whose channel settings have an IMAP url, username and
 * password (at most max; ids in ar). */
int rp_store_mail_accounts(rp_store *s, rp_arena *ar, int max, char (**ids)[RP_ID_LEN], size_t *n);

#endif
