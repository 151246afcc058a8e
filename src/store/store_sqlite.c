/* store_sqlite.c: the SQLite store's connection, statement cache,
 * migrations, transactions and shared helpers (cursors, error mapping).
 * The tables are in migrations/001_init.sql; the objects in store_auth.c,
 * store_contacts.c and store_activities.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/text.h"
#include "util/uuid.h"

/* ---- helpers shared by the store's files ---- */

int rp_sql_error(rp_store *s, int rc, const char *field) {
  int ext = s && s->db ? sqlite3_extended_errcode(s->db) : rc;
  const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
  switch (ext) {
  case SQLITE_CONSTRAINT_UNIQUE:
  case SQLITE_CONSTRAINT_PRIMARYKEY: return rp_error_set(RP_ECONFLICT, field, "already exists");
  case SQLITE_CONSTRAINT_FOREIGNKEY:
    return rp_error_set(RP_ENOTFOUND, NULL, "refers to something that does not exist");
  default: return rp_error_set(RP_EINTERNAL, NULL, "database: %s", msg);
  }
}

void rp_sql_done(sqlite3_stmt *st) {
  if (!st) return;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
}

sqlite3_stmt *rp_sql_stmt(rp_store *s, rp_stmt_id id, const char *sql) {
  sqlite3_stmt *st = s->st[id];
  if (st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
  }
  int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK) {
    rp_sql_error(s, rc, NULL);
    sqlite3_finalize(st);
    return NULL;
  }
  s->st[id] = st;
  return st;
}

sqlite3_stmt *rp_sql_dyn(rp_store *s, const char *sql) {
  int victim = 0;
  for (int i = 0; i < RP_DYN_CACHE; i++) {
    if (s->dyn[i].sql && !strcmp(s->dyn[i].sql, sql)) {
      s->dyn[i].used = ++s->dyn_clock;
      sqlite3_reset(s->dyn[i].st);
      sqlite3_clear_bindings(s->dyn[i].st);
      return s->dyn[i].st;
    }
    if (s->dyn[i].used < s->dyn[victim].used) victim = i;
  }
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK) {
    rp_sql_error(s, rc, NULL);
    sqlite3_finalize(st);
    return NULL;
  }
  sqlite3_finalize(s->dyn[victim].st);
  free(s->dyn[victim].sql);
  s->dyn[victim].sql = rp_xstrdup(sql);
  s->dyn[victim].st = st;
  s->dyn[victim].used = ++s->dyn_clock;
  return st;
}

int rp_sql_run(rp_store *s, sqlite3_stmt *st, const char *field) {
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
  }
  int out = rc == SQLITE_DONE ? 0 : rp_sql_error(s, rc, field);
  rp_sql_done(st);
  return out;
}

int rp_sql_simple(rp_store *s, rp_stmt_id id, const char *sql) {
  sqlite3_stmt *st = rp_sql_stmt(s, id, sql);
  if (!st) return rp_error_last()->code;
  return rp_sql_run(s, st, NULL);
}

int rp_sql_sp_begin(rp_store *s, bool *taken) {
  *taken = false;
  if (!sqlite3_get_autocommit(s->db)) return 0;
  int rc = rp_sql_simple(s, RP_ST_SAVEPOINT, "SAVEPOINT rp_op");
  *taken = rc == 0;
  return rc;
}

int rp_sql_sp_end(rp_store *s, bool taken, int rc) {
  if (!taken) return rc;
  if (rc == 0) {
    int r = rp_sql_simple(s, RP_ST_RELEASE, "RELEASE rp_op");
    if (r == 0) return 0;
    rc = r;
  }
  /* keep the caller's error: the cleanup must not overwrite it */
  rp_error saved = *rp_error_last();
  sqlite3_stmt *st = rp_sql_stmt(s, RP_ST_ROLLBACK_TO, "ROLLBACK TO rp_op");
  if (st) {
    sqlite3_step(st);
    rp_sql_done(st);
  }
  st = rp_sql_stmt(s, RP_ST_RELEASE, "RELEASE rp_op");
  if (st) {
    sqlite3_step(st);
    rp_sql_done(st);
  }
  rp_error_set(saved.code, saved.field[0] ? saved.field : NULL, "%s", saved.message);
  return rc;
}

void rp_bind_text(sqlite3_stmt *st, int i, const char *v) {
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

void rp_bind_time(sqlite3_stmt *st, int i, rp_time t) {
  if (t)
    sqlite3_bind_int64(st, i, t);
  else
    sqlite3_bind_null(st, i);
}

rp_time rp_col_time(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

char *rp_col_text(sqlite3_stmt *st, int i, rp_arena *ar) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return NULL;
  const unsigned char *p = sqlite3_column_text(st, i);
  int n = sqlite3_column_bytes(st, i);
  return rp_arena_strndup(ar, (const char *)p, (size_t)n);
}

void rp_id_copy(char out[static RP_ID_LEN], const char *id) {
  snprintf(out, RP_ID_LEN, "%s", id ? id : "");
}

/* Hex digit values plus one (0: not a hex digit). */
static const unsigned char hex1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The 16 bytes of a UUID's text (either case), or false when p is not one.
 * One pass: a bulk insert binds three ids per row. */
static bool id_parse(const char *p, size_t n, unsigned char out[16]) {
  /* where each byte's two hex digits start in the text */
  static const unsigned char at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  if (n != 36 || p[8] != '-' || p[13] != '-' || p[18] != '-' || p[23] != '-') return false;
  unsigned bad = 0;
  for (int k = 0; k < 16; k++) {
    unsigned hi = hex1[(unsigned char)p[at[k]]], lo = hex1[(unsigned char)p[at[k] + 1]];
    bad |= (hi - 1) | (lo - 1); /* a non-digit's 0 wraps to all ones */
    out[k] = (unsigned char)((hi - 1) << 4 | (lo - 1));
  }
  return bad < 16;
}

/* The bytes of bound ids: a per-thread ring (one connection per thread),
 * bound SQLITE_STATIC so a bulk insert does not copy them into fresh
 * memory. A statement is stepped right after binding, long before its
 * slots come round again. */
#define ID_RING 256
static _Thread_local unsigned char id_ring[ID_RING][16];
static _Thread_local unsigned id_ring_pos;

void rp_bind_id(sqlite3_stmt *st, int i, const char *id) {
  if (!id) {
    sqlite3_bind_null(st, i);
    return;
  }
  size_t n = strlen(id);
  unsigned char *b = id_ring[id_ring_pos++ % ID_RING];
  if (!id_parse(id, n, b)) {
    sqlite3_bind_text(st, i, id, (int)n, SQLITE_STATIC);
    return;
  }
  sqlite3_bind_blob(st, i, b, 16, SQLITE_STATIC);
}

/* Formats column i (a 16-byte id blob, or text) into out (RP_ID_LEN). */
static void id_format(sqlite3_stmt *st, int i, char *out) {
  static const char hex[] = "0123456789abcdef";
  out[0] = '\0';
  int type = sqlite3_column_type(st, i);
  if (type == SQLITE_BLOB && sqlite3_column_bytes(st, i) == 16) {
    const unsigned char *b = sqlite3_column_blob(st, i);
    int o = 0;
    for (int k = 0; k < 16; k++) {
      if (k == 4 || k == 6 || k == 8 || k == 10) out[o++] = '-';
      out[o++] = hex[b[k] >> 4];
      out[o++] = hex[b[k] & 15];
    }
    out[o] = '\0';
  } else if (type != SQLITE_NULL) {
    rp_id_copy(out, (const char *)sqlite3_column_text(st, i));
  }
}

void rp_col_id(sqlite3_stmt *st, int i, char out[static RP_ID_LEN]) { id_format(st, i, out); }

char *rp_col_id_dup(sqlite3_stmt *st, int i, rp_arena *ar) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return NULL;
  char *out = rp_arena_alloc(ar, RP_ID_LEN);
  id_format(st, i, out);
  return out;
}

void rp_sb_lower(rp_sb *sb, const char *p) {
  for (; p && *p; p++) {
    char c = *p;
    rp_sb_putc(sb, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
  }
}

/* ---- cursors ---- */

#define RP_CURSOR_MAGIC 'R'

static void put_u64(unsigned char *b, uint64_t v) {
  for (int k = 0; k < 8; k++)
    b[k] = (unsigned char)(v >> (56 - 8 * k));
}

static uint64_t get_u64(const unsigned char *b) {
  uint64_t v = 0;
  for (int k = 0; k < 8; k++)
    v = v << 8 | b[k];
  return v;
}

char *rp_cursor_encode(rp_arena *ar, const rp_cursor *c) {
  size_t vlen = c->vtype == 's' ? 2 + c->str_len : 8;
  size_t n = 5 + vlen + 36;
  unsigned char *b = rp_arena_alloc(ar, n);
  b[0] = RP_CURSOR_MAGIC;
  b[1] = (unsigned char)c->kind;
  b[2] = (unsigned char)c->sort;
  b[3] = c->desc ? 1 : 0;
  b[4] = (unsigned char)c->vtype;
  size_t o = 5;
  if (c->vtype == 's') {
    b[o++] = (unsigned char)(c->str_len >> 8);
    b[o++] = (unsigned char)(c->str_len & 0xff);
    memcpy(b + o, c->str, c->str_len);
    o += c->str_len;
  } else if (c->vtype == 'd') {
    uint64_t bits;
    memcpy(&bits, &c->d, 8);
    put_u64(b + o, bits);
    o += 8;
  } else {
    put_u64(b + o, (uint64_t)c->i);
    o += 8;
  }
  memcpy(b + o, c->id, 36);
  char *out = rp_arena_alloc(ar, rp_b64url_len(n) + 1);
  rp_b64url_encode(out, b, n);
  return out;
}

int rp_cursor_decode(rp_arena *ar, const char *text, char kind, int sort, bool desc, rp_cursor *c) {
  size_t tlen = strlen(text);
  if (tlen == 0 || tlen > 1400) goto bad;
  unsigned char *b = rp_arena_alloc(ar, tlen);
  long n = rp_b64url_decode(b, tlen, text, tlen);
  if (n < 5 + 2 + 36) goto bad;
  if (b[0] != RP_CURSOR_MAGIC || b[1] != (unsigned char)kind) goto bad;
  if (b[2] != (unsigned char)sort || b[3] != (desc ? 1 : 0))
    return rp_error_set(RP_EINVALID_VALUE, "cursor", "the cursor belongs to another sort order");
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->sort = sort;
  c->desc = desc;
  c->vtype = (char)b[4];
  size_t o = 5;
  if (c->vtype == 's') {
    size_t sl = (size_t)b[o] << 8 | b[o + 1];
    o += 2;
    if ((size_t)n != o + sl + 36) goto bad;
    if (!rp_utf8_valid((const char *)b + o, sl)) goto bad;
    c->str = rp_arena_strndup(ar, (const char *)b + o, sl);
    c->str_len = sl;
    o += sl;
  } else if (c->vtype == 'd' || c->vtype == 'i') {
    if ((size_t)n != o + 8 + 36) goto bad;
    uint64_t v = get_u64(b + o);
    if (c->vtype == 'd')
      memcpy(&c->d, &v, 8);
    else
      c->i = (int64_t)v;
    o += 8;
  } else {
    goto bad;
  }
  if (!rp_uuid_valid((const char *)b + o, 36)) goto bad;
  memcpy(c->id, b + o, 36);
  c->id[36] = '\0';
  return 0;
bad:
  return rp_error_set(RP_EINVALID_VALUE, "cursor", "malformed cursor");
}

/* ---- connection ---- */

/* The page cache: 32 MiB per connection, raised to 256 MiB once a write
 * transaction has written BULK_RAISE rows (rp_sql_bulk_note), so that a
 * bulk one (the demo's 2 million activities) keeps its dirty pages in
 * memory instead of spilling them. It is a limit, so a small transaction
 * never uses it; after one it shrinks back, after a bulk one (BULK_CHANGES
 * rows or more) it stays for the batches to come. A request's transaction
 * never reaches BULK_RAISE, so it runs no PRAGMA at all: a cached
 * "PRAGMA cache_size=N" re-prepares itself (reading the schema, in a
 * transaction of its own) every time it runs. */
#define BULK_RAISE 2000
#define BULK_CHANGES 10000
#define RP_CACHE_KB "32768"
#define RP_CACHE_WRITE_KB "262144"
/* The WAL is checkpointed (copied into the database) when it reaches this
 * many pages: SQLite's default 1000 (16 MiB at 16 KiB pages), and 16384
 * (256 MiB) during a bulk write, whose every commit rewrites much of the
 * indexes: a page is then copied once per few commits instead of once per
 * commit (a third less written by the demo of 100k contacts). After the
 * checkpoint the WAL is cut back to journal_size_limit. */
#define RP_CKPT "1000"
#define RP_CKPT_BULK "16384"

/* Process-wide settings, before SQLite's first use: no memory statistics
 * (nothing reads them, and keeping them takes a global mutex on every
 * allocation SQLite makes, which the server's threads then queue on).
 * Harmless when SQLite was already initialised by someone else. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

/* Opens the database file at path (created when missing) with the pragmas of
 * DESIGN.md: WAL, foreign keys, a 5 s busy timeout, synchronous=NORMAL. The
 * caller owns *out and closes it with rp_store_close. */
int rp_store_open(rp_store **out, const char *path) {
  *out = NULL;
  pthread_once(&sqlite_once, sqlite_setup);
  rp_store *s = rp_xcalloc(1, sizeof *s);
  int rc = sqlite3_open_v2(path, &s->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    rp_error_set(RP_EINTERNAL, NULL, "cannot open database %s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, 5000);
  /* page_size only takes for a new database (before its first table):
   * 16 KiB pages make a quarter of the I/O calls of the default 4 KiB and
   * the demo's bulk insert a fifth faster */
  static const char *const pragmas = "PRAGMA page_size=16384;"
                                     "PRAGMA journal_mode=WAL;"
                                     "PRAGMA foreign_keys=ON;"
                                     "PRAGMA synchronous=NORMAL;"
                                     "PRAGMA temp_store=MEMORY;"
                                     "PRAGMA journal_size_limit=67108864;"
                                     "PRAGMA cache_size=-" RP_CACHE_KB ";";
  char *err = NULL;
  rc = sqlite3_exec(s->db, pragmas, NULL, NULL, &err);
  if (rc != SQLITE_OK) {
    rp_error_set(RP_EINTERNAL, NULL, "cannot open database %s: %s", path,
                 err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    goto fail;
  }
  *out = s;
  return 0;
fail:
  sqlite3_close_v2(s->db);
  free(s);
  return RP_EINTERNAL;
}

/* Finalises every cached statement and closes the connection. NULL is fine. */
void rp_store_close(rp_store *s) {
  if (!s) return;
  for (int i = 0; i < RP_ST_COUNT; i++)
    sqlite3_finalize(s->st[i]);
  for (int i = 0; i < RP_DYN_CACHE; i++) {
    sqlite3_finalize(s->dyn[i].st);
    free(s->dyn[i].sql);
  }
  if (s->db && !sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  rp_sql_fts_clear(s);
  free(s->fts);
  rp_sql_revenue_cache_free(s);
  sqlite3_close_v2(s->db);
  free(s);
}

/* ---- migrations ---- */

static int exec_sql(rp_store *s, const char *sql, const char *what) {
  char *err = NULL;
  int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
  if (rc == SQLITE_OK) return 0;
  rp_error_set(RP_EINTERNAL, NULL, "%s: %s", what, err ? err : sqlite3_errmsg(s->db));
  sqlite3_free(err);
  return RP_EINTERNAL;
}

static int migration_applied(rp_store *s, int number, bool *out) {
  sqlite3_stmt *st = NULL;
  int rc =
      sqlite3_prepare_v2(s->db, "SELECT 1 FROM schema_migrations WHERE number = ?", -1, &st, NULL);
  if (rc != SQLITE_OK) return rp_sql_error(s, rc, NULL);
  sqlite3_bind_int(st, 1, number);
  rc = sqlite3_step(st);
  *out = rc == SQLITE_ROW;
  int ret = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : rp_sql_error(s, rc, NULL);
  sqlite3_finalize(st);
  return ret;
}

/* Applies, each in its own write transaction, the embedded migrations not in
 * schema_migrations yet (creating that table first). *applied (may be NULL)
 * gets how many ran. Must be called outside a transaction. */
/* The activity index by time (001_init.sql), as rp_store_bulk_end and
 * rp_store_migrate make it again; kind rides along so that a kind filter
 * is checked without reading rows. */
#define ACTIVITIES_TIME_INDEX                                                                      \
  "CREATE INDEX IF NOT EXISTS activities_time ON activities (account_id, occurred_at, id, kind)"

int rp_store_bulk_begin(rp_store *s) {
  if (!sqlite3_get_autocommit(s->db))
    return rp_error_set(RP_EINTERNAL, NULL, "bulk load inside a transaction");
  return exec_sql(s, "DROP INDEX IF EXISTS activities_time", "activities_time");
}

int rp_store_bulk_end(rp_store *s) {
  if (!sqlite3_get_autocommit(s->db))
    return rp_error_set(RP_EINTERNAL, NULL, "bulk load inside a transaction");
  return exec_sql(s, ACTIVITIES_TIME_INDEX, "activities_time");
}

/* The contact indexes a changed score, last touch or overdue date moves
 * (001_init.sql): dropped and built again by rp_store_scores_bulk_*. */
/* The contact indexes of the derived fields, by RP_DERIVED_* bit. */
static const struct {
  unsigned field;
  const char *name, *create;
} derived_indexes[] = {
    {RP_DERIVED_SCORE, "contacts_score",
     "CREATE INDEX contacts_score ON contacts"
     " (account_id, archived, score, id, status, stage, category, type, owner_id)"},
    {RP_DERIVED_TOUCH, "contacts_touch",
     "CREATE INDEX contacts_touch ON contacts"
     " (account_id, archived, last_touch_at, id, status, stage, category, type, owner_id)"},
    {RP_DERIVED_OVERDUE, "contacts_overdue",
     "CREATE INDEX contacts_overdue ON contacts (account_id, archived,"
     " overdue_at) WHERE overdue_at IS NOT NULL"},
};
#define N_DERIVED_INDEXES (sizeof derived_indexes / sizeof derived_indexes[0])

int rp_store_scores_bulk_begin(rp_store *s, unsigned fields) {
  if (sqlite3_get_autocommit(s->db))
    return rp_error_set(RP_EINTERNAL, NULL, "a bulk rescore needs a write transaction");
  int rc = 0;
  s->scores_bulk_dropped = 0;
  for (size_t i = 0; !rc && i < N_DERIVED_INDEXES; i++) {
    if (!(fields & derived_indexes[i].field)) continue;
    char sql[64];
    snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", derived_indexes[i].name);
    if (!(rc = exec_sql(s, sql, derived_indexes[i].name)))
      s->scores_bulk_dropped |= derived_indexes[i].field;
  }
  return rc;
}

/* The rebuild sorts with a helper thread (PRAGMA threads): the readers of
 * a full rescore are done by then. */
int rp_store_scores_bulk_end(rp_store *s) {
  if (sqlite3_get_autocommit(s->db))
    return rp_error_set(RP_EINTERNAL, NULL, "a bulk rescore needs a write transaction");
  int rc = exec_sql(s, "PRAGMA threads = 2", "threads");
  for (size_t i = 0; !rc && i < N_DERIVED_INDEXES; i++)
    if (s->scores_bulk_dropped & derived_indexes[i].field)
      rc = exec_sql(s, derived_indexes[i].create, derived_indexes[i].name);
  if (!rc) {
    s->scores_bulk_dropped = 0;
    rc = exec_sql(s, "PRAGMA threads = 0", "threads");
  }
  return rc;
}

int rp_store_migrate(rp_store *s, int *applied) {
  int count = 0, rc = 0;
  if (applied) *applied = 0;
  if (!sqlite3_get_autocommit(s->db))
    return rp_error_set(RP_EINTERNAL, NULL, "migrate inside a transaction");
  rc = exec_sql(s,
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                "schema_migrations");
  if (rc) return rc;
  for (const rp_migration *m = rp_migrations; m->sql; m++) {
    bool done = false;
    if ((rc = migration_applied(s, m->number, &done))) return rc;
    if (done) continue;
    if ((rc = exec_sql(s, "BEGIN IMMEDIATE", "begin migration"))) return rc;
    /* another process may have applied it while we waited for the lock */
    if ((rc = migration_applied(s, m->number, &done))) goto fail;
    if (done) {
      if ((rc = exec_sql(s, "COMMIT", "commit migration"))) goto fail;
      continue;
    }
    if ((rc = exec_sql(s, m->sql, m->name))) goto fail;
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(s->db,
                                 "INSERT INTO schema_migrations (number, name, applied_at)"
                                 " VALUES (?, ?, unixepoch())",
                                 -1, &st, NULL);
    if (src == SQLITE_OK) {
      sqlite3_bind_int(st, 1, m->number);
      sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
      src = sqlite3_step(st);
      if (src == SQLITE_DONE) src = SQLITE_OK;
    }
    if (src != SQLITE_OK) rc = rp_sql_error(s, src, NULL);
    sqlite3_finalize(st);
    if (rc) goto fail;
    if ((rc = exec_sql(s, "COMMIT", "commit migration"))) goto fail;
    count++;
  }
  if (applied) *applied = count;
  /* an index a bulk load dropped and did not get to rebuild */
  return exec_sql(s, ACTIVITIES_TIME_INDEX, "activities_time");
fail:
  if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  if (applied) *applied = count;
  return rc;
}

/* The highest migration number applied; 0 for a database never migrated. */
int rp_store_schema_version(rp_store *s, int *out) {
  *out = 0;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db,
                              "SELECT count(*) FROM sqlite_schema"
                              " WHERE type = 'table' AND name = 'schema_migrations'",
                              -1, &st, NULL);
  if (rc != SQLITE_OK) return rp_sql_error(s, rc, NULL);
  rc = sqlite3_step(st);
  bool exists = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
  sqlite3_finalize(st);
  if (!exists) return 0;
  rc = sqlite3_prepare_v2(s->db, "SELECT coalesce(max(number), 0) FROM schema_migrations", -1, &st,
                          NULL);
  if (rc != SQLITE_OK) return rp_sql_error(s, rc, NULL);
  rc = sqlite3_step(st);
  int ret = 0;
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int(st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  sqlite3_finalize(st);
  return ret;
}

/* ---- transactions (DOMAIN.md M4: one per request) ---- */

/* Opens a transaction: write=true takes the write lock now (BEGIN
 * IMMEDIATE), false defers it (BEGIN). Nesting is refused. */
int rp_store_begin(rp_store *s, bool write) {
  if (!sqlite3_get_autocommit(s->db))
    return rp_error_set(RP_EINTERNAL, NULL, "a transaction is already open");
  s->tx_changes = sqlite3_total_changes64(s->db);
  rp_sql_fts_clear(s);
  int rc = write ? rp_sql_simple(s, RP_ST_BEGIN_IMMEDIATE, "BEGIN IMMEDIATE")
                 : rp_sql_simple(s, RP_ST_BEGIN, "BEGIN");
  s->in_tx = rc == 0;
  return rc;
}

void rp_sql_bulk_note(rp_store *s) {
  if (s->cache_big || sqlite3_total_changes64(s->db) - s->tx_changes < BULK_RAISE ||
      sqlite3_get_autocommit(s->db))
    return;
  /* the pragmas act when prepared: sqlite3_exec, not a cached statement */
  if (sqlite3_exec(s->db,
                   "PRAGMA cache_size=-" RP_CACHE_WRITE_KB ";"
                   "PRAGMA wal_autocheckpoint=" RP_CKPT_BULK,
                   NULL, NULL, NULL) == SQLITE_OK)
    s->cache_big = true;
}

/* After a transaction: back to the normal cache unless it was a bulk one. */
static void cache_normal(rp_store *s) {
  if (!s->cache_big || sqlite3_total_changes64(s->db) - s->tx_changes >= BULK_CHANGES) return;
  if (sqlite3_exec(s->db,
                   "PRAGMA cache_size=-" RP_CACHE_KB ";"
                   "PRAGMA wal_autocheckpoint=" RP_CKPT,
                   NULL, NULL, NULL) == SQLITE_OK)
    s->cache_big = false;
}

/* Commits the open transaction; an error when none is open. */
int rp_store_commit(rp_store *s) {
  if (sqlite3_get_autocommit(s->db))
    return rp_error_set(RP_EINTERNAL, NULL, "no transaction to commit");
  int rc = rp_sql_fts_flush(s);
  if (!rc) rc = rp_sql_simple(s, RP_ST_COMMIT, "COMMIT");
  if (sqlite3_get_autocommit(s->db)) {
    s->in_tx = false;
    cache_normal(s);
  }
  return rc;
}

/* Rolls back the open transaction; a no-op when none is open. Keeps the
 * thread error of whatever made the caller roll back. */
void rp_store_rollback(rp_store *s) {
  if (!s) return;
  if (sqlite3_get_autocommit(s->db)) { /* SQLite may have rolled back already */
    rp_sql_fts_clear(s);
    s->in_tx = false;
    return;
  }
  rp_error saved = *rp_error_last();
  rp_sql_fts_clear(s);
  rp_sql_simple(s, RP_ST_ROLLBACK, "ROLLBACK");
  if (sqlite3_get_autocommit(s->db)) {
    s->in_tx = false;
    cache_normal(s);
  }
  rp_error_set(saved.code, saved.field[0] ? saved.field : NULL, "%s", saved.message);
}
