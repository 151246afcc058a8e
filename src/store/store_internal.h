/* store_internal.h: what the store's files share (private to src/store).
 * One rp_store is one connection, to SQLite (store_sqlite.c) or to
 * PostgreSQL (store_pg.c), with its cache of prepared statements. The
 * store's files are written once, over the statement API below, which
 * runs the same SQL on either engine: the SQL is SQLite's, and the
 * PostgreSQL engine translates it when it prepares it (placeholders,
 * planner hints, INSERT OR IGNORE; store_pg.c lists what); the few places
 * where the engines differ in more than that ask rp_sql_pg(s). The helpers
 * turn either engine's failures into the error convention of util/error.h. */
#ifndef RP_STORE_INTERNAL_H
#define RP_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* The migrations the build embeds (scripts/embed-sql.sh), terminated by
 * {0, NULL, NULL}. */
typedef struct {
  int number;
  const char *name;
  const char *sql;
} rp_migration;
extern const rp_migration rp_migrations[];
/* The same migrations in PostgreSQL's dialect (migrations_pg/). */
extern const rp_migration rp_migrations_pg[];

/* ---- the statement API over both engines ----
 * The calls mirror SQLite's (sqlite3_step, sqlite3_bind_*,
 * sqlite3_column_*), with the same result codes, and cost one branch on
 * SQLite. Bound text and blobs are not copied: they must outlive the
 * statement's first rp_step, as with SQLITE_STATIC. */
enum { RP_ROW = SQLITE_ROW, RP_DONE = SQLITE_DONE };
enum {
  RP_INTEGER = SQLITE_INTEGER,
  RP_FLOAT = SQLITE_FLOAT,
  RP_TEXT = SQLITE_TEXT,
  RP_BLOB = SQLITE_BLOB,
  RP_NULL = SQLITE_NULL
};
/* rp_sql_errkind: what the last failure was, on either engine. */
enum { RP_DBERR_OTHER, RP_DBERR_UNIQUE, RP_DBERR_FOREIGN_KEY, RP_DBERR_CONSTRAINT };

typedef struct rp_pg_stmt rp_pg_stmt;
/* A prepared statement of one engine: exactly one member is set once it
 * is prepared. */
typedef struct rp_stmt {
  sqlite3_stmt *lite;
  rp_pg_stmt *pg;
} rp_stmt;

/* The PostgreSQL engine's side of the calls below (store_pg.c). */
int rp_pg_step(rp_pg_stmt *st);
void rp_pg_bind_int64(rp_pg_stmt *st, int i, int64_t v);
void rp_pg_bind_double(rp_pg_stmt *st, int i, double v);
void rp_pg_bind_null(rp_pg_stmt *st, int i);
void rp_pg_bind_text(rp_pg_stmt *st, int i, const char *p, int n);
void rp_pg_bind_blob(rp_pg_stmt *st, int i, const void *p, int n);
/* kind 'b' (a bytea NULL) or 'i' (an int8 NULL) */
void rp_pg_bind_typed_null(rp_pg_stmt *st, int i, char kind);
int rp_pg_col_type(rp_pg_stmt *st, int i);
int64_t rp_pg_col_int64(rp_pg_stmt *st, int i);
double rp_pg_col_double(rp_pg_stmt *st, int i);
const unsigned char *rp_pg_col_str(rp_pg_stmt *st, int i);
const void *rp_pg_col_blob(rp_pg_stmt *st, int i);
int rp_pg_col_bytes(rp_pg_stmt *st, int i);
void rp_pg_reset(rp_pg_stmt *st);
void rp_pg_stream(rp_pg_stmt *st);

static inline int rp_step(rp_stmt *st) {
  return st->lite ? sqlite3_step(st->lite) : rp_pg_step(st->pg);
}
static inline void rp_bind_int64(rp_stmt *st, int i, int64_t v) {
  if (st->lite)
    sqlite3_bind_int64(st->lite, i, v);
  else
    rp_pg_bind_int64(st->pg, i, v);
}
static inline void rp_bind_int(rp_stmt *st, int i, int v) { rp_bind_int64(st, i, v); }
static inline void rp_bind_double(rp_stmt *st, int i, double v) {
  if (st->lite)
    sqlite3_bind_double(st->lite, i, v);
  else
    rp_pg_bind_double(st->pg, i, v);
}
static inline void rp_bind_null(rp_stmt *st, int i) {
  if (st->lite)
    sqlite3_bind_null(st->lite, i);
  else
    rp_pg_bind_null(st->pg, i);
}
/* n < 0: up to the NUL. */
static inline void rp_bind_textn(rp_stmt *st, int i, const char *p, int n) {
  if (st->lite)
    sqlite3_bind_text(st->lite, i, p, n, SQLITE_STATIC);
  else
    rp_pg_bind_text(st->pg, i, p, n);
}
static inline void rp_bind_blob(rp_stmt *st, int i, const void *p, int n) {
  if (st->lite)
    sqlite3_bind_blob(st->lite, i, p, n, SQLITE_STATIC);
  else
    rp_pg_bind_blob(st->pg, i, p, n);
}
static inline int rp_col_type(rp_stmt *st, int i) {
  return st->lite ? sqlite3_column_type(st->lite, i) : rp_pg_col_type(st->pg, i);
}
static inline int64_t rp_col_int64(rp_stmt *st, int i) {
  return st->lite ? sqlite3_column_int64(st->lite, i) : rp_pg_col_int64(st->pg, i);
}
static inline int rp_col_int(rp_stmt *st, int i) { return (int)rp_col_int64(st, i); }
static inline double rp_col_double(rp_stmt *st, int i) {
  return st->lite ? sqlite3_column_double(st->lite, i) : rp_pg_col_double(st->pg, i);
}
/* The column as text (NUL-terminated; NULL for SQL NULL), valid until the
 * next step or reset. */
static inline const unsigned char *rp_col_str(rp_stmt *st, int i) {
  return st->lite ? sqlite3_column_text(st->lite, i) : rp_pg_col_str(st->pg, i);
}
static inline const void *rp_col_blob(rp_stmt *st, int i) {
  return st->lite ? sqlite3_column_blob(st->lite, i) : rp_pg_col_blob(st->pg, i);
}
/* Marks st as a long scan: on PostgreSQL its rows come through a cursor
 * in batches (inside a transaction) instead of all at once. SQLite steps
 * row by row anyway. */
static inline void rp_sql_stream(rp_stmt *st) {
  if (st && st->pg) rp_pg_stream(st->pg);
}
/* The size of the text or blob last asked for (call it after rp_col_str
 * or rp_col_blob, as with SQLite). */
static inline int rp_col_bytes(rp_stmt *st, int i) {
  return st->lite ? sqlite3_column_bytes(st->lite, i) : rp_pg_col_bytes(st->pg, i);
}

/* activities.score_code (migrations/012_activity_score_code.sql): kind,
 * direction and importance as one integer, kind + 16 * direction + 64 *
 * importance, each its core/model.h enum value (the _COUNT value for
 * unknown). The migration's UPDATE computes the same from the texts. */
static inline int64_t rp_activity_score_code(unsigned kind, unsigned direction,
                                             unsigned importance) {
  if (kind > RP_KIND_COUNT) kind = RP_KIND_COUNT;
  if (direction > RP_DIR_COUNT) direction = RP_DIR_COUNT;
  if (importance > RP_IMPORTANCE_COUNT) importance = RP_IMPORTANCE_COUNT;
  return (int64_t)kind + 16 * (int64_t)direction + 64 * (int64_t)importance;
}
/* The three enums of a score_code into a; anything out of range (the
 * column's default -1 among them) is the _COUNT value, which the score
 * counts for nothing. */
static inline void rp_activity_score_decode(int64_t code, rp_score_activity *a) {
  unsigned k = (unsigned)(code & 15), d = (unsigned)((code >> 4) & 3),
           i = (unsigned)((code >> 6) & 3);
  bool bad = code < 0 || code >= 256;
  a->kind = (uint8_t)(bad || k > RP_KIND_COUNT ? RP_KIND_COUNT : k);
  a->direction = (uint8_t)(bad || d > RP_DIR_COUNT ? RP_DIR_COUNT : d);
  a->importance = (uint8_t)(bad || i > RP_IMPORTANCE_COUNT ? RP_IMPORTANCE_COUNT : i);
}

/* One slot per fixed statement: prepared on first use with the SQL given at
 * the call site, then reused for the life of the connection. */
typedef enum {
  RP_ST_SAVEPOINT,
  RP_ST_RELEASE,
  RP_ST_ROLLBACK_TO,
  RP_ST_BEGIN,
  RP_ST_BEGIN_IMMEDIATE,
  RP_ST_COMMIT,
  RP_ST_ROLLBACK,
  RP_ST_SCHEMA_VERSION,
  /* accounts */
  RP_ST_ACCOUNT_INSERT,
  RP_ST_ACCOUNT_GET,
  RP_ST_ACCOUNT_BY_NAME,
  RP_ST_ACCOUNT_FIRST,
  /* users */
  RP_ST_USER_INSERT,
  RP_ST_USER_GET,
  RP_ST_USER_BY_EMAIL,
  RP_ST_USER_LIST,
  RP_ST_USER_UPDATE,
  RP_ST_USER_EXISTS,
  RP_ST_USER_DELETE,
  RP_ST_USER_DELETE_TOKENS,
  RP_ST_USER_UNOWN_CONTACTS,
  RP_ST_USER_COUNT_ROLE,
  /* tokens */
  RP_ST_TOKEN_INSERT,
  RP_ST_TOKEN_BY_HASH,
  RP_ST_TOKEN_AUTH,
  RP_ST_TOKEN_LIST,
  RP_ST_TOKEN_DELETE,
  RP_ST_TOKEN_TOUCH,
  /* login failures */
  RP_ST_LOGIN_FAIL_ADD,
  RP_ST_LOGIN_FAIL_COUNT,
  RP_ST_LOGIN_FAIL_CLEAR,
  /* contacts */
  RP_ST_CONTACT_INSERT,
  RP_ST_CONTACT_SCORE_ROW,
  RP_ST_CONTACT_GET,
  RP_ST_CONTACT_HEAD,
  RP_ST_CONTACT_EXISTS,
  RP_ST_CONTACT_UPDATE,
  RP_ST_CONTACT_UPDATE_NOREF,
  RP_ST_CONTACT_UPDATE_HEAD,
  RP_ST_CONTACT_ARCHIVE,
  RP_ST_CONTACT_DELETE,
  RP_ST_CONTACT_UNREFER,
  RP_ST_CONTACT_DERIVED_GET,
  /* UPDATE of the contact row's derived fields that changed:
   * RP_ST_CONTACT_SET_DERIVED + mask - 1 for the 3 masks of last touch and
   * overdue of rp_store_contact_set_derived */
  RP_ST_CONTACT_SET_DERIVED,
  RP_ST_CONTACT_SET_DERIVED_LAST = RP_ST_CONTACT_SET_DERIVED + 2,
  /* rp_store_contact_write_derived: + mask - 1 likewise */
  RP_ST_CONTACT_WRITE_DERIVED,
  RP_ST_CONTACT_WRITE_DERIVED_LAST = RP_ST_CONTACT_WRITE_DERIVED + 2,
  RP_ST_CONTACT_WRITE_DERIVED_IF, /* the same with the kept values checked */
  RP_ST_CONTACT_WRITE_DERIVED_IF_LAST = RP_ST_CONTACT_WRITE_DERIVED_IF + 2,
  RP_ST_CONTACT_SET_SCORE,
  RP_ST_CONTACT_SET_SCORE_IF,
  RP_ST_CONTACT_REFCOUNT,
  RP_ST_CONTACT_COUNT,
  RP_ST_EMAIL_INSERT,
  RP_ST_EMAIL_DELETE,
  RP_ST_PHONE_INSERT,
  RP_ST_PHONE_DELETE,
  RP_ST_TAG_INSERT,
  RP_ST_TAG_DELETE,
  RP_ST_FTS_INSERT,
  RP_ST_FTS_DELETE,
  /* activities */
  RP_ST_ACTIVITY_INSERT,
  RP_ST_ACTIVITY_GET,
  RP_ST_ACTIVITY_UPDATE,
  RP_ST_ACTIVITY_VERSION,
  RP_ST_ACTIVITY_DELETE,
  RP_ST_ACTIVITY_DELETE_CONTACT,
  RP_ST_ACTIVITY_LAST_TWO_WAY,
  /* history */
  RP_ST_HISTORY_INSERT,
  RP_ST_HISTORY_LIST,
  RP_ST_HISTORY_DELETE_CONTACT,
  RP_ST_DEAL_PARTIES_DELETE_CONTACT,
  /* score facts and the full scan (store_score.c) */
  RP_ST_SCORE_ACTIVITIES,
  RP_ST_REFERRAL_COUNT_AT,
  RP_ST_REFERRAL_EDGES,
  RP_ST_REVENUE_OWN,
  RP_ST_REVENUE_REFERRED,
  RP_ST_DEAL_EPOCH,
  RP_ST_CLOSED_TX,
  RP_ST_CLOSED_PROPS,
  RP_ST_CLOSED_PARTIES,
  RP_ST_SCAN_CONTACTS,
  RP_ST_SCAN_ACTIVITIES,
  RP_ST_SCAN_HISTORY,
  RP_ST_SCAN_TASKS,
  RP_ST_SCAN_SCORES,
  RP_ST_TASK_DUES,
  RP_ST_SPLIT_COUNT,
  RP_ST_SPLIT_AT,
  /* score history, stats, alerts, rFactor, counts (store_attention.c) */
  RP_ST_SCORE_HISTORY_AROUND,
  RP_ST_SCORE_HISTORY_UPSERT,
  RP_ST_SCORE_HISTORY_DELETE,
  RP_ST_SCORE_HISTORY_AT,
  RP_ST_SCORE_HISTORY_LIST,
  RP_ST_SCORE_HISTORY_DELETE_CONTACT,
  RP_ST_DAILY_STATS_PUT,
  RP_ST_DAILY_STATS_GET,
  RP_ST_DAILY_CLAIM,
  RP_ST_DAILY_CLAIMED,
  RP_ST_ALERT_INSERT,
  RP_ST_ALERT_LAST,
  RP_ST_ALERT_CLEAR,
  RP_ST_ALERT_HEAD,
  RP_ST_ALERT_DISMISS,
  RP_ST_ALERT_OPEN_ALL,
  RP_ST_ALERT_OPEN_RANGE,
  RP_ST_ALERT_LIST,
  RP_ST_ALERT_GET,
  RP_ST_ALERT_DELETE_CONTACT,
  RP_ST_CALIBRATION_PUT,
  RP_ST_CALIBRATION_GET,
  RP_ST_RFACTOR_PUT,
  RP_ST_RFACTOR_HISTORY,
  RP_ST_SCORE_BANDS,
  RP_ST_CONTACT_COUNTS,
  RP_ST_CONTACT_COUNTS_VISIBLE,
  RP_ST_PIPELINE,
  RP_ST_ACCOUNT_LIST,
  RP_ST_COUNT
} rp_stmt_id;

#define RP_DYN_CACHE 32

/* A queued write of the search index (store_contacts.c): rowid seq gets
 * text as its entry (put) or loses it. */
#define RP_FTS_COLS 6
typedef struct {
  int64_t seq;
  char account_id[RP_ID_LEN]; /* the contact's account (PostgreSQL's key) */
  size_t order;               /* position in the queue, for a stable sort */
  bool put;
  char *text[RP_FTS_COLS]; /* names, emails, phones, company, notes, tags */
} rp_fts_op;

typedef struct rp_pg rp_pg;

struct rp_store {
  sqlite3 *db; /* the SQLite engine's connection, or NULL */
  rp_pg *pg;   /* the PostgreSQL engine's (store_pg.c), or NULL */
  rp_stmt st[RP_ST_COUNT];
  struct {
    char *sql;
    rp_stmt st;
    uint64_t used;
  } dyn[RP_DYN_CACHE];
  uint64_t dyn_clock;
  int64_t tx_changes;           /* sqlite3_total_changes64 when the transaction began */
  bool cache_big;               /* the page cache is raised for a bulk write */
  unsigned scores_bulk_dropped; /* RP_DERIVED_* whose index is dropped */
  bool in_tx;                   /* inside rp_store_begin .. commit / rollback */
  rp_fts_op *fts;               /* search-index writes queued in the transaction */
  size_t n_fts, cap_fts;
  /* The account's closed deals by date with running sums of commission
   * (store_score.c: the account revenue of every incremental rescore),
   * valid while deal_epoch keeps the token it was built at. */
  struct rp_revenue_cache *revenue;
};

/* Frees s->revenue (rp_store_close). */
void rp_sql_revenue_cache_free(rp_store *s);

/* The cached statement of slot id (prepared from sql on first use), reset
 * and with its bindings cleared; NULL with the error set when SQL fails to
 * prepare. The caller resets it again when done (rp_sql_done). */
rp_stmt *rp_sql_stmt(rp_store *s, rp_stmt_id id, const char *sql);
/* The same for SQL built at run time (list queries): cached by text. */
rp_stmt *rp_sql_dyn(rp_store *s, const char *sql);
/* Resets st and clears its bindings (releases read locks). NULL is fine. */
void rp_sql_done(rp_stmt *st);

/* Sets the thread error from a failed call of either engine and returns
 * the RP code: unique/primary key clashes are RP_ECONFLICT (with field,
 * may be NULL), foreign keys RP_ENOTFOUND, anything else RP_EINTERNAL with
 * the engine's message. */
int rp_sql_error(rp_store *s, int rc, const char *field);
/* The kind of the connection's last failure (RP_DBERR_*) and its message. */
int rp_sql_errkind(rp_store *s);
const char *rp_sql_errmsg(rp_store *s);
/* Rows changed by the connection's last INSERT, UPDATE or DELETE. */
int64_t rp_sql_changes(rp_store *s);
/* Whether no transaction is open (SQLite's autocommit mode). */
bool rp_sql_autocommit(rp_store *s);
/* The engines' connection-level parts (store_sqlite.c, store_pg.c), for
 * store_db.c and store_conn.c. rp_*_open fill s's engine member. */
int rp_sqlite_open(rp_store *s, const char *path);
void rp_sqlite_close(rp_store *s);
/* After a transaction ends: the SQLite engine's page cache back to normal
 * unless it was a bulk one (rp_sql_bulk_note). */
void rp_sqlite_tx_ended(rp_store *s);
/* SQLite: sorts with helper threads and small runs while indexes are
 * built (on), back to the connection's usual settings (off); 0 on
 * PostgreSQL. */
int rp_sqlite_index_build(rp_store *s, bool on);
int rp_pg_open(rp_store *s, const char *url);
void rp_pg_close(rp_store *s);
int rp_pg_prepare(rp_store *s, const char *sql, rp_pg_stmt **out);
void rp_pg_finalize(rp_pg_stmt *st);
int rp_pg_exec(rp_store *s, const char *sql, const char *what);
int64_t rp_pg_changes(rp_store *s);
bool rp_pg_autocommit(rp_store *s);
int rp_pg_errkind(rp_store *s);
/* SQLite's SQL as PostgreSQL's (store_pg.c says what changes);
 * replace_key: the key columns of the table of an INSERT OR REPLACE
 * (rp_pg_replace_table names it), else NULL; *n_params gets the highest
 * parameter number. The caller frees the text. */
char *rp_pg_translate(const char *sql, const char *replace_key, int *n_params);
char *rp_pg_replace_table(const char *sql);
const char *rp_pg_errmsg(rp_store *s);
/* Whether a --db argument names a PostgreSQL database
 * (postgres:// or postgresql://). */
bool rp_store_is_pg_url(const char *db);

/* Whether s is a PostgreSQL connection. */
static inline bool rp_sql_pg(const rp_store *s) { return s->pg != NULL; }
/* Runs SQL text (one or more statements, no parameters, no rows wanted);
 * 0 or RP_EINTERNAL with what and the engine's message. */
int rp_sql_exec(rp_store *s, const char *sql, const char *what);
/* A statement outside the cache (run once: migrations, the dump), which the
 * caller finalises with rp_sql_finalize. 0 or the mapped error. */
int rp_sql_prepare(rp_store *s, const char *sql, rp_stmt *out);
void rp_sql_finalize(rp_stmt *st); /* a zeroed or finalised one is fine */
/* Steps a statement that returns no rows; 0 or the mapped error. */
int rp_sql_run(rp_store *s, rp_stmt *st, const char *field);
/* Runs one fixed statement with no parameters (SAVEPOINT, BEGIN...). */
int rp_sql_simple(rp_store *s, rp_stmt_id id, const char *sql);

/* Makes a multi-statement write atomic when the caller has no transaction
 * open: a savepoint (that is, a transaction) around it, *taken set. Inside
 * the caller's transaction nothing is taken, because a savepoint copies
 * every page it touches (the bulk demo would pay for it on every row): the
 * writers order their statements so that the expected failures (a missing
 * reference, a stale version, a duplicate id) happen before the first
 * write, and after an unexpected failure the caller rolls back its
 * transaction as it would anyway. */
int rp_sql_sp_begin(rp_store *s, bool *taken);
/* Ends what rp_sql_sp_begin took: released when rc == 0, else rolled back;
 * returns rc (with the caller's error kept). */
int rp_sql_sp_end(rp_store *s, bool taken, int rc);

/* Called by the writers a bulk insert repeats (contact, activity, history):
 * once the open transaction has written a couple of thousand rows, raises
 * this connection's page cache so that the bulk write does not spill; the
 * commit lowers it again unless the transaction was large. */
void rp_sql_bulk_note(rp_store *s);

/* Applies the search-index writes queued in this transaction, in rowid
 * order (store_contacts.c); done at commit and before a search reads the
 * index. rp_sql_fts_clear drops them (rollback). */
int rp_sql_fts_flush(rp_store *s);
void rp_sql_fts_clear(rp_store *s);

/* Binding: NULL strings bind NULL; the text must outlive the step. */
void rp_bind_text(rp_stmt *st, int i, const char *v);
/* Binds t, or NULL when t == 0 (an absent time). */
void rp_bind_time(rp_stmt *st, int i, rp_time t);
/* Ids are stored as 16-byte BLOBs (the UUID's bytes: half the size of the
 * text in every key, and the same order). Binds id as such a blob; NULL
 * binds NULL; a string that is not a UUID binds as TEXT, which never equals
 * a stored id. */
void rp_bind_id(rp_stmt *st, int i, const char *id);
/* An id column as an arena string (lower-case UUID text; NULL stays NULL). */
char *rp_col_id_dup(rp_stmt *st, int i, rp_arena *ar);
/* A time column: its value, 0 for NULL (an absent time). */
rp_time rp_col_time(rp_stmt *st, int i);
/* A column as an arena string (NULL stays NULL). */
char *rp_col_text(rp_stmt *st, int i, rp_arena *ar);
/* An id column into a fixed buffer as lower-case UUID text ("" for NULL). */
void rp_col_id(rp_stmt *st, int i, char out[static RP_ID_LEN]);
/* Copies an id string into a fixed id buffer (truncating, NUL-terminated). */
void rp_id_copy(char out[static RP_ID_LEN], const char *id);

/* Whether the user id names a user of the account (for owner_id checks). */
int rp_sql_user_exists(rp_store *s, const char *account_id, const char *id, bool *out);

/* ASCII lower-casing into sb (other bytes are copied). */
void rp_sb_lower(rp_sb *sb, const char *p);

/* Keyset cursors: an opaque base64url of (kind, sort, desc, last value, last
 * id). The value is an int64, a double or a string. */
typedef struct {
  char kind; /* 'C' contacts, 'A' activities */
  int sort;  /* rp_contact_sort, 0 for activities */
  bool desc;
  char vtype; /* 'i' int64, 'd' double, 's' string */
  int64_t i;
  double d;
  const char *str; /* in the arena given to rp_cursor_decode */
  size_t str_len;
  char id[RP_ID_LEN];
} rp_cursor;

/* Encodes c into an arena string. */
char *rp_cursor_encode(rp_arena *ar, const rp_cursor *c);
/* Decodes text (from a client) into c; RP_EINVALID_VALUE with field
 * "cursor" when malformed, or made for another kind, sort or direction. */
int rp_cursor_decode(rp_arena *ar, const char *text, char kind, int sort, bool desc, rp_cursor *c);

#endif
