/* store_conn.c: the store's connections on either engine (store_internal.h):
 * open and close, the numbered migrations, transactions (DOMAIN.md M4: one
 * per request), and the bulk modes that drop and rebuild indexes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/mem.h"

bool rp_store_is_pg_url(const char *db) {
  return db && (!strncmp(db, "postgres://", 11) || !strncmp(db, "postgresql://", 13));
}

/* Opens the database db names: a file path (SQLite, created when missing)
 * or a postgres:// URL. The caller owns *out and closes it with
 * rp_store_close. Does not migrate. */
int rp_store_open(rp_store **out, const char *db) {
  *out = NULL;
  rp_store *s = rp_xcalloc(1, sizeof *s);
  int rc = rp_store_is_pg_url(db) ? rp_pg_open(s, db) : rp_sqlite_open(s, db);
  if (rc) {
    free(s);
    return rc;
  }
  *out = s;
  return 0;
}

/* Finalises every cached statement and closes the connection. NULL is fine. */
void rp_store_close(rp_store *s) {
  if (!s) return;
  for (int i = 0; i < RP_ST_COUNT; i++)
    rp_sql_finalize(&s->st[i]);
  for (int i = 0; i < RP_DYN_CACHE; i++) {
    rp_sql_finalize(&s->dyn[i].st);
    free(s->dyn[i].sql);
  }
  rp_sql_fts_clear(s);
  free(s->fts);
  rp_sql_revenue_cache_free(s);
  if (s->pg)
    rp_pg_close(s);
  else
    rp_sqlite_close(s);
  free(s);
}

/* ---- migrations ---- */

static int migration_applied(rp_store *s, int number, bool *out) {
  rp_stmt st;
  int rc = rp_sql_prepare(s, "SELECT 1 FROM schema_migrations WHERE number = ?", &st);
  if (rc) return rc;
  rp_bind_int(&st, 1, number);
  rc = rp_step(&st);
  *out = rc == RP_ROW;
  int ret = (rc == RP_ROW || rc == RP_DONE) ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_finalize(&st);
  return ret;
}

/* The activity index by time (001_init.sql), as rp_store_bulk_end and
 * rp_store_migrate make it again; kind rides along so that a kind filter
 * is checked without reading rows. */
#define ACTIVITIES_TIME_INDEX                                                                      \
  "CREATE INDEX IF NOT EXISTS activities_time ON activities (account_id, occurred_at, id, kind)"

int rp_store_bulk_begin(rp_store *s) {
  if (!rp_sql_autocommit(s))
    return rp_error_set(RP_EINTERNAL, NULL, "bulk load inside a transaction");
  return rp_sql_exec(s, "DROP INDEX IF EXISTS activities_time", "activities_time");
}

int rp_store_bulk_end(rp_store *s) {
  if (!rp_sql_autocommit(s))
    return rp_error_set(RP_EINTERNAL, NULL, "bulk load inside a transaction");
  return rp_sql_exec(s, ACTIVITIES_TIME_INDEX, "activities_time");
}

/* The indexes a changed score, last touch or overdue date moves
 * (001_init.sql, 011_contact_scores.sql), by RP_DERIVED_* bit: dropped and
 * built again by rp_store_scores_bulk_*. */
static const struct {
  unsigned field;
  const char *name, *create;
} derived_indexes[] = {
    {RP_DERIVED_SCORE, "contact_scores_score",
     "CREATE INDEX contact_scores_score ON contact_scores"
     " (account_id, archived, score, contact_id, status, stage, category, type, owner_id, seq)"},
    {RP_DERIVED_TOUCH, "contacts_touch",
     "CREATE INDEX contacts_touch ON contacts"
     " (account_id, archived, last_touch_at, id, status, stage, category, type, owner_id)"},
    {RP_DERIVED_OVERDUE, "contacts_overdue",
     "CREATE INDEX contacts_overdue ON contacts (account_id, archived,"
     " overdue_at) WHERE overdue_at IS NOT NULL"},
};
#define N_DERIVED_INDEXES (sizeof derived_indexes / sizeof derived_indexes[0])

int rp_store_scores_bulk_begin(rp_store *s, unsigned fields) {
  if (rp_sql_autocommit(s))
    return rp_error_set(RP_EINTERNAL, NULL, "a bulk rescore needs a write transaction");
  int rc = 0;
  s->scores_bulk_dropped = 0;
  for (size_t i = 0; !rc && i < N_DERIVED_INDEXES; i++) {
    if (!(fields & derived_indexes[i].field)) continue;
    char sql[64];
    snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", derived_indexes[i].name);
    if (!(rc = rp_sql_exec(s, sql, derived_indexes[i].name)))
      s->scores_bulk_dropped |= derived_indexes[i].field;
  }
  return rc;
}

/* On SQLite the rebuild sorts with helper threads (rp_sqlite_index_build):
 * the readers of a full rescore are done by then. */
int rp_store_scores_bulk_end(rp_store *s) {
  if (rp_sql_autocommit(s))
    return rp_error_set(RP_EINTERNAL, NULL, "a bulk rescore needs a write transaction");
  int rc = rp_sqlite_index_build(s, true);
  for (size_t i = 0; !rc && i < N_DERIVED_INDEXES; i++)
    if (s->scores_bulk_dropped & derived_indexes[i].field)
      rc = rp_sql_exec(s, derived_indexes[i].create, derived_indexes[i].name);
  if (!rc) {
    s->scores_bulk_dropped = 0;
    rc = rp_sqlite_index_build(s, false);
  }
  return rc;
}

/* Applies, each in its own write transaction, the embedded migrations of
 * s's engine not in schema_migrations yet (creating that table first).
 * *applied (may be NULL) gets how many ran. Must be called outside a
 * transaction. Several processes may migrate at once: each migration is
 * checked again under the write lock (on PostgreSQL, an advisory lock). */
int rp_store_migrate(rp_store *s, int *applied) {
  int count = 0, rc = 0;
  if (applied) *applied = 0;
  if (!rp_sql_autocommit(s))
    return rp_error_set(RP_EINTERNAL, NULL, "migrate inside a transaction");
  const rp_migration *list = s->pg ? rp_migrations_pg : rp_migrations;
  const char *begin = s->pg ? "BEGIN; SELECT pg_advisory_xact_lock(7231001)" : "BEGIN IMMEDIATE";
  if (s->pg) {
    /* CREATE TABLE IF NOT EXISTS races with itself on PostgreSQL */
    if ((rc = rp_sql_exec(s, begin, "begin migration"))) return rc;
  }
  rc = rp_sql_exec(s,
                   "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " number BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                   "schema_migrations");
  if (s->pg && !rc) rc = rp_sql_exec(s, "COMMIT", "commit migration");
  if (rc) goto fail;
  for (const rp_migration *m = list; m->sql; m++) {
    bool done = false;
    if ((rc = migration_applied(s, m->number, &done))) return rc;
    if (done) continue;
    if ((rc = rp_sql_exec(s, begin, "begin migration"))) return rc;
    /* another process may have applied it while we waited for the lock */
    if ((rc = migration_applied(s, m->number, &done))) goto fail;
    if (done) {
      if ((rc = rp_sql_exec(s, "COMMIT", "commit migration"))) goto fail;
      continue;
    }
    if ((rc = rp_sql_exec(s, m->sql, m->name))) goto fail;
    rp_stmt st;
    if ((rc = rp_sql_prepare(s,
                             "INSERT INTO schema_migrations (number, name, applied_at)"
                             " VALUES (?, ?, unixepoch())",
                             &st)))
      goto fail;
    rp_bind_int(&st, 1, m->number);
    rp_bind_textn(&st, 2, m->name, -1);
    int src = rp_step(&st);
    if (src != RP_DONE) rc = rp_sql_error(s, src, NULL);
    rp_sql_finalize(&st);
    if (rc) goto fail;
    if ((rc = rp_sql_exec(s, "COMMIT", "commit migration"))) goto fail;
    count++;
  }
  if (applied) *applied = count;
  /* an index a bulk load dropped and did not get to rebuild */
  return rp_sql_exec(s, ACTIVITIES_TIME_INDEX, "activities_time");
fail:
  if (!rp_sql_autocommit(s)) rp_sql_exec(s, "ROLLBACK", "rollback migration");
  if (applied) *applied = count;
  return rc;
}

/* The highest migration number applied; 0 for a database never migrated. */
int rp_store_schema_version(rp_store *s, int *out) {
  *out = 0;
  rp_stmt st;
  int rc = rp_sql_prepare(s,
                          s->pg ? "SELECT count(*) FROM pg_catalog.pg_tables"
                                  " WHERE schemaname = current_schema()"
                                  " AND tablename = 'schema_migrations'"
                                : "SELECT count(*) FROM sqlite_schema"
                                  " WHERE type = 'table' AND name = 'schema_migrations'",
                          &st);
  if (rc) return rc;
  rc = rp_step(&st);
  bool exists = rc == RP_ROW && rp_col_int(&st, 0) > 0;
  rp_sql_finalize(&st);
  if (!exists) return 0;
  if ((rc = rp_sql_prepare(s, "SELECT coalesce(max(number), 0) FROM schema_migrations", &st)))
    return rc;
  rc = rp_step(&st);
  int ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_int(&st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_finalize(&st);
  return ret;
}

int rp_store_optimize(rp_store *s) {
  if (!rp_sql_autocommit(s)) return rp_error_set(RP_EINTERNAL, NULL, "optimize inside a transaction");
  return rp_sql_exec(s, s->pg ? "ANALYZE" : "PRAGMA optimize", "optimize");
}

/* ---- transactions (DOMAIN.md M4: one per request) ---- */

/* Opens a transaction: write=true takes the write lock now (BEGIN
 * IMMEDIATE on SQLite; on PostgreSQL the writers' advisory lock, so that
 * writes are serialised as on SQLite), false defers it. Nesting is
 * refused. */
int rp_store_begin(rp_store *s, bool write) {
  if (!rp_sql_autocommit(s))
    return rp_error_set(RP_EINTERNAL, NULL, "a transaction is already open");
  if (s->db) s->tx_changes = sqlite3_total_changes64(s->db);
  rp_sql_fts_clear(s);
  int rc;
  if (s->pg) /* two statements: the simple protocol, not a prepared one */
    rc = rp_sql_exec(s, write ? "BEGIN; SELECT pg_advisory_xact_lock(7231002)" : "BEGIN", "begin");
  else
    rc = write ? rp_sql_simple(s, RP_ST_BEGIN_IMMEDIATE, "BEGIN IMMEDIATE")
               : rp_sql_simple(s, RP_ST_BEGIN, "BEGIN");
  s->in_tx = rc == 0;
  return rc;
}

/* Commits the open transaction; an error when none is open. */
int rp_store_commit(rp_store *s) {
  if (rp_sql_autocommit(s)) return rp_error_set(RP_EINTERNAL, NULL, "no transaction to commit");
  int rc = rp_sql_fts_flush(s);
  if (!rc) rc = rp_sql_simple(s, RP_ST_COMMIT, "COMMIT");
  if (rp_sql_autocommit(s)) {
    s->in_tx = false;
    rp_sqlite_tx_ended(s);
  }
  return rc;
}

/* Rolls back the open transaction; a no-op when none is open. Keeps the
 * thread error of whatever made the caller roll back. */
void rp_store_rollback(rp_store *s) {
  if (!s) return;
  if (rp_sql_autocommit(s)) { /* SQLite may have rolled back already */
    rp_sql_fts_clear(s);
    s->in_tx = false;
    return;
  }
  rp_error saved = *rp_error_last();
  rp_sql_fts_clear(s);
  rp_sql_simple(s, RP_ST_ROLLBACK, "ROLLBACK");
  if (rp_sql_autocommit(s)) {
    s->in_tx = false;
    rp_sqlite_tx_ended(s);
  }
  rp_error_set(saved.code, saved.field[0] ? saved.field : NULL, "%s", saved.message);
}
