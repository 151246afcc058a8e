/* store_dump.c: every row of an account's data out (rp_store_dump) and
 * back in (rp_store_restore_*), for the whole-account export of issue 8
 * (jobs/backup.h, io/jsonl.h; docs/api.md "Backup and restore"), and the
 * move of an account between SQLite and PostgreSQL with the same file
 * (issue 9; docs/import.md "Moving"). Generic over the schema, so that no
 * table is forgotten: the tables are read from the engine's catalogue,
 * SQLite's sqlite_schema and pragmas or PostgreSQL's pg_catalog (columns
 * in order with the SQLite type of the same meaning, primary keys,
 * identity columns, foreign keys), into the same description, so that
 * both engines write the same lines for the same account (tested in
 * tests/api/moving.test.mjs).
 *
 * Which tables:
 * - every table with an account_id column, its rows filtered by it; the
 *   accounts row itself (by id) comes first, the account's users (with
 *   their password hashes: this is a backup) next, then the others in
 *   an order where a table comes after the tables it refers to (foreign
 *   keys; ties in creation order);
 * - a table without account_id other than accounts is global; the known
 *   ones are left out (below), and any other makes the dump fail, so that
 *   a new table is classified here before an export can miss it.
 * Left out:
 * - sqlite_* (SQLite's own) and schema_migrations: the header's schema
 *   number stands for it;
 * - login_failures: the login rate limit's recent failures, by email,
 *   of no account;
 * - the full-text tables (contacts_fts: on SQLite a virtual table with
 *   its shadow tables contacts_fts_*, on PostgreSQL a table keyed by
 *   (account_id, seq)): the restore rebuilds the index of the restored
 *   contacts the way the store writes it;
 * - deal_epoch: a random token of each connection's revenue cache
 *   (003_score.sql), meaningless in another database; the first deal
 *   written sets it again, and an account without one is rebuilt from
 *   the deals.
 * Columns: a column the database numbers itself (contacts.seq,
 * history.seq: on SQLite a rowid alias, an INTEGER PRIMARY KEY of a rowid
 * table; on PostgreSQL an identity column) is not written; the rows go out
 * in its order and the restore inserts them in that order, so they get
 * new ones in the same order (the order of history rows of one second);
 * a copy of one (contact_scores.seq) is not written either and is set
 * again from the restored rows.
 * Other tables go out in primary key order (bytewise on both: ids are
 * BLOB / bytea, text is "C"-collated on PostgreSQL). Ids (16-byte BLOBs or
 * bytea) go out as their UUID text; other blobs as bytes. A value binds
 * by its column's type (a whole number in a REAL column as a real), as
 * PostgreSQL types a prepared statement's parameters once.
 *
 * The dump reads in one snapshot (on PostgreSQL a REPEATABLE READ
 * transaction). The restore inserts the rows as given, in one write
 * transaction with triggers off (SQLite: SQLITE_DBCONFIG_ENABLE_TRIGGER;
 * PostgreSQL: SET LOCAL rapport.restore, which the trigger functions of
 * migrations_pg/ honour; a trigger's effect, such as the Website form 006
 * makes for a new account, is in the dump already) and foreign keys
 * checked at the end (PRAGMA defer_foreign_keys; SET CONSTRAINTS ALL
 * DEFERRED, then IMMEDIATE before the commit so that a broken reference
 * is named: a contact may name a referrer restored after it); the
 * activity index by time is dropped during the load and rebuilt
 * (rp_store_bulk_begin/end), as the demo load does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/uuid.h"

/* Columns of one table at most (SQLite's default limit is 2000). */
#define DUMP_COLS_MAX 256

/* Global tables (no account_id) that are not account data. */
static const char *const global_tables[] = {"schema_migrations", "login_failures", NULL};
/* Tables with account_id that are caches, not data. */
static const char *const cache_tables[] = {"deal_epoch", NULL};
/* The search index, rebuilt by the restore: on SQLite a virtual table
 * (left out with its shadow tables below anyway), on PostgreSQL a plain
 * table with account_id (migrations_pg/001_init.sql). */
static const char *const index_tables[] = {"contacts_fts", NULL};
/* Columns (table.column) holding another table's rowid alias: not written,
 * set again by the restore (rp_store_restore_finish). */
static const char *const rowid_copies[] = {"contact_scores.seq", NULL};

typedef struct dump_col {
  const char *name;
  char aff; /* SQLite affinity of its declared type: i, r, t, b, n */
} dump_col;

typedef struct dump_table {
  const char *name;
  dump_col *cols; /* without the rowid alias */
  size_t n_cols;
  int account_col;      /* index of account_id in cols; -1 for accounts */
  const char *order_by; /* SQL: the column the database numbers (rowid alias or
                         * identity), else the primary key, else rowid */
  const char **parents; /* tables its foreign keys name */
  size_t n_parents;
  int64_t restored;
} dump_table;

typedef struct dump_schema {
  dump_table *t; /* in dump order */
  size_t n;
} dump_schema;

static bool in_list(const char *const *list, const char *name) {
  for (; *list; list++)
    if (!strcmp(*list, name)) return true;
  return false;
}

/* SQLite's affinity rules (datatype3.html 3.1) on a declared type. */
static char affinity(const char *type) {
  if (!type) return 'b';
  if (strcasestr(type, "INT")) return 'i';
  if (strcasestr(type, "CHAR") || strcasestr(type, "CLOB") || strcasestr(type, "TEXT")) return 't';
  if (!*type || strcasestr(type, "BLOB")) return 'b';
  if (strcasestr(type, "REAL") || strcasestr(type, "FLOA") || strcasestr(type, "DOUB")) return 'r';
  return 'n';
}

/* Appends name as an SQL identifier ("..." with quotes doubled). */
static void sb_ident(rp_sb *sb, const char *name) {
  rp_sb_putc(sb, '"');
  for (const char *p = name; *p; p++) {
    if (*p == '"') rp_sb_putc(sb, '"');
    rp_sb_putc(sb, *p);
  }
  rp_sb_putc(sb, '"');
}

/* A statement of the dump's own (not cached): stmt_free finalises it. */
static int prep(rp_store *s, rp_stmt **st, const char *sql) {
  *st = rp_xcalloc(1, sizeof **st);
  int rc = rp_sql_prepare(s, sql, *st);
  if (rc) {
    free(*st);
    *st = NULL;
  }
  return rc;
}

static void stmt_free(rp_stmt *st) {
  if (!st) return;
  rp_sql_finalize(st);
  free(st);
}

/* One column as the catalogue gives it: its declared type (on PostgreSQL
 * the SQLite type of the same meaning, see COLS_PG), its position in the
 * primary key (0: none) and whether the database numbers it itself (a
 * rowid alias, an identity column), which the dump leaves out. */
typedef struct cat_col {
  const char *name, *type;
  int pk;
  bool own;
} cat_col;

/* PostgreSQL's columns of table $1 in order, with their types named as
 * SQLite's affinities read them (migrations_pg/001_init.sql: bigint for
 * INTEGER, double precision for REAL, text, bytea for BLOB), their place
 * in the primary key, and whether they are identity or generated. */
#define COLS_PG                                                                                    \
  "SELECT a.attname, CASE WHEN a.atttypid IN (20, 21, 23) THEN 'INTEGER'"                          \
  " WHEN a.atttypid IN (700, 701, 1700) THEN 'REAL' WHEN a.atttypid = 17 THEN 'BLOB'"              \
  " ELSE 'TEXT' END,"                                                                              \
  " coalesce((SELECT k.n FROM pg_catalog.pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, "  \
  "n)"                                                                                             \
  " WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.attnum = a.attnum), 0),"                \
  " CASE WHEN a.attidentity <> '' OR a.attgenerated <> '' THEN 1 ELSE 0 END"                       \
  " FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass(?) AND a.attnum > 0"             \
  " AND NOT a.attisdropped ORDER BY a.attnum"

/* The columns of table name into cols (at most DUMP_COLS_MAX; *n gets
 * how many, *more whether there were more), from either catalogue. */
static int load_columns(rp_store *s, rp_arena *ar, const char *name, cat_col *cols, size_t *n,
                        bool *more) {
  rp_stmt *st = NULL;
  *n = 0;
  *more = false;
  int ret = prep(s, &st,
                 rp_sql_pg(s) ? COLS_PG
                              : "SELECT name, type, pk, 0 FROM pragma_table_info(?) ORDER BY cid");
  if (ret) return ret;
  rp_bind_textn(st, 1, name, -1);
  int n_pk = 0, rc;
  while ((rc = rp_step(st)) == RP_ROW && *n < DUMP_COLS_MAX) {
    cat_col *c = &cols[(*n)++];
    c->name = rp_col_text(st, 0, ar);
    c->type = rp_col_text(st, 1, ar);
    c->pk = rp_col_int(st, 2);
    c->own = rp_col_int(st, 3) != 0;
    if (c->pk) n_pk++;
  }
  *more = rc == RP_ROW;
  if (rc != RP_ROW && rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  stmt_free(st);
  if (ret || rp_sql_pg(s) || n_pk != 1) return ret;

  /* SQLite: a rowid table's INTEGER PRIMARY KEY is its rowid: a rowid
   * table has no index of origin 'pk' for it (a WITHOUT ROWID table has) */
  for (size_t i = 0; i < *n; i++) {
    if (!cols[i].pk || !cols[i].type || strcasecmp(cols[i].type, "INTEGER")) continue;
    if ((ret = prep(s, &st, "SELECT count(*) FROM pragma_index_list(?) WHERE origin = 'pk'")))
      return ret;
    rp_bind_textn(st, 1, name, -1);
    cols[i].own = !(rp_step(st) == RP_ROW && rp_col_int(st, 0) > 0);
    stmt_free(st);
  }
  return 0;
}

/* Reads the columns, order and parents of table t->name. */
static int load_table(rp_store *s, rp_arena *ar, dump_table *t, bool *skip) {
  cat_col cols[DUMP_COLS_MAX];
  size_t n = 0;
  bool more = false;
  int ret = load_columns(s, ar, t->name, cols, &n, &more);
  if (ret) return ret;
  if (more) return rp_error_set(RP_EINTERNAL, NULL, "table %s has too many columns", t->name);
  int n_pk = 0, alias = -1;
  for (size_t i = 0; i < n; i++) {
    if (cols[i].pk) n_pk++;
    if (cols[i].own && alias < 0) alias = (int)i;
  }
  t->cols = rp_arena_calloc(ar, (n ? n : 1) * sizeof *t->cols);
  t->account_col = -1;
  for (size_t i = 0; i < n; i++) {
    if (cols[i].own) continue;
    char qualified[160];
    snprintf(qualified, sizeof qualified, "%s.%s", t->name, cols[i].name);
    if (in_list(rowid_copies, qualified)) continue;
    if (!strcmp(cols[i].name, "account_id")) t->account_col = (int)t->n_cols;
    t->cols[t->n_cols].name = cols[i].name;
    t->cols[t->n_cols].aff = affinity(cols[i].type);
    t->n_cols++;
  }
  if (t->account_col < 0 && strcmp(t->name, "accounts")) {
    if (in_list(global_tables, t->name)) {
      *skip = true;
      return 0;
    }
    return rp_error_set(RP_EINTERNAL, NULL,
                        "table %s has no account_id: store_dump.c must say whether it is an "
                        "account's data",
                        t->name);
  }
  rp_sb ob = {0};
  if (alias >= 0) {
    sb_ident(&ob, cols[alias].name);
  } else if (n_pk) {
    for (int k = 1; k <= n_pk; k++)
      for (size_t i = 0; i < n; i++)
        if (cols[i].pk == k) {
          if (ob.len) rp_sb_puts(&ob, ", ");
          sb_ident(&ob, cols[i].name);
        }
  } else if (!rp_sql_pg(s)) {
    rp_sb_puts(&ob, "rowid");
  } else { /* no key (none in the schema): every column, for a stable order */
    for (size_t i = 0; i < t->n_cols; i++) {
      if (i) rp_sb_puts(&ob, ", ");
      sb_ident(&ob, t->cols[i].name);
    }
  }
  t->order_by = rp_arena_strdup(ar, rp_sb_str(&ob));
  rp_sb_free(&ob);

  rp_stmt *st = NULL;
  if ((ret = prep(s, &st,
                  rp_sql_pg(s) ? "SELECT DISTINCT p.relname FROM pg_catalog.pg_constraint c"
                                 " JOIN pg_catalog.pg_class p ON p.oid = c.confrelid"
                                 " WHERE c.conrelid = to_regclass(?) AND c.contype = 'f'"
                                 " ORDER BY p.relname"
                               : "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)")))
    return ret;
  rp_bind_textn(st, 1, t->name, -1);
  size_t cap = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW)
    *RP_ARENA_PUSH(ar, t->parents, &t->n_parents, &cap, 4) = rp_col_text(st, 0, ar);
  if (rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  stmt_free(st);
  return ret;
}

/* Whether every parent of t (but itself and tables not dumped) is placed. */
static bool parents_placed(const dump_table *t, const dump_table *all, size_t n,
                           const bool *placed) {
  for (size_t p = 0; p < t->n_parents; p++) {
    if (!strcmp(t->parents[p], t->name)) continue;
    for (size_t k = 0; k < n; k++)
      if (!placed[k] && !strcmp(all[k].name, t->parents[p])) return false;
  }
  return true;
}

/* The tables of an account's data, in dump order (see the top). */
static int load_schema(rp_store *s, rp_arena *ar, dump_schema *out) {
  memset(out, 0, sizeof *out);
  rp_stmt *st = NULL;
  /* the tables in creation order (migrations_pg/ creates them in the order
   * of migrations/, so that ties of the order below fall alike) */
  int ret = prep(s, &st,
                 rp_sql_pg(s) ? "SELECT c.relname, 0 FROM pg_catalog.pg_class c"
                                " WHERE c.relnamespace = current_schema()::regnamespace"
                                " AND c.relkind IN ('r', 'p') ORDER BY c.oid"
                              : "SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_schema"
                                " WHERE type = 'table' ORDER BY rowid");
  if (ret) return ret;
  const char **names = NULL, **virt = NULL;
  size_t n_names = 0, cap_names = 0, n_virt = 0, cap_virt = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    const char *name = rp_col_text(st, 0, ar);
    if (rp_col_int(st, 1))
      *RP_ARENA_PUSH(ar, virt, &n_virt, &cap_virt, 4) = name;
    else
      *RP_ARENA_PUSH(ar, names, &n_names, &cap_names, 64) = name;
  }
  if (rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  stmt_free(st);
  if (ret) return ret;

  dump_table *all = rp_arena_calloc(ar, (n_names ? n_names : 1) * sizeof *all);
  size_t n = 0;
  for (size_t i = 0; i < n_names; i++) {
    const char *name = names[i];
    if (!strncmp(name, "sqlite_", 7) || in_list(cache_tables, name) || in_list(index_tables, name))
      continue;
    bool shadow = false;
    for (size_t v = 0; v < n_virt; v++) {
      size_t vl = strlen(virt[v]);
      if (!strncmp(name, virt[v], vl) && name[vl] == '_') shadow = true;
    }
    if (shadow) continue;
    bool skip = false;
    all[n].name = name;
    if ((ret = load_table(s, ar, &all[n], &skip))) return ret;
    if (!skip)
      n++;
    else
      memset(&all[n], 0, sizeof all[n]);
  }

  /* accounts, users, then the rest in a stable topological order */
  out->t = rp_arena_calloc(ar, (n ? n : 1) * sizeof *out->t);
  bool *placed = rp_arena_calloc(ar, n ? n : 1);
  static const char *const first[] = {"accounts", "users"};
  for (size_t f = 0; f < 2; f++)
    for (size_t k = 0; k < n; k++)
      if (!placed[k] && !strcmp(all[k].name, first[f])) {
        out->t[out->n++] = all[k];
        placed[k] = true;
      }
  while (out->n < n) {
    size_t pick = n;
    for (size_t k = 0; k < n && pick == n; k++)
      if (!placed[k] && parents_placed(&all[k], all, n, placed)) pick = k;
    for (size_t k = 0; k < n && pick == n; k++) /* a cycle: creation order */
      if (!placed[k]) pick = k;
    out->t[out->n++] = all[pick];
    placed[pick] = true;
  }
  return 0;
}

/* ---- dump ---- */

static int dump_table_rows(rp_store *s, const dump_table *t, const char *account_id,
                           rp_dump_row_fn fn, void *ctx) {
  rp_sb sql = {0};
  rp_sb_puts(&sql, "SELECT ");
  for (size_t i = 0; i < t->n_cols; i++) {
    if (i) rp_sb_puts(&sql, ", ");
    sb_ident(&sql, t->cols[i].name);
  }
  rp_sb_puts(&sql, " FROM ");
  sb_ident(&sql, t->name);
  rp_sb_printf(&sql, " WHERE %s = ? ORDER BY %s", t->account_col < 0 ? "id" : "account_id",
               t->order_by);
  rp_stmt *st = NULL;
  int ret = prep(s, &st, rp_sb_str(&sql));
  rp_sb_free(&sql);
  if (ret) return ret;
  rp_sql_stream(st); /* a table of the account: in batches on PostgreSQL */
  rp_bind_id(st, 1, account_id);
  const char **cols = rp_xcalloc(t->n_cols ? t->n_cols : 1, sizeof *cols);
  rp_store_value *vals = rp_xcalloc(t->n_cols ? t->n_cols : 1, sizeof *vals);
  char(*ids)[RP_ID_LEN] = rp_xcalloc(t->n_cols ? t->n_cols : 1, RP_ID_LEN);
  for (size_t i = 0; i < t->n_cols; i++)
    cols[i] = t->cols[i].name;
  int rc = RP_DONE;
  while (!ret && (rc = rp_step(st)) == RP_ROW) {
    for (size_t i = 0; i < t->n_cols; i++) {
      rp_store_value *v = &vals[i];
      int c = (int)i;
      memset(v, 0, sizeof *v);
      switch (rp_col_type(st, c)) {
      case RP_NULL: v->kind = RP_SV_NULL; break;
      case RP_INTEGER:
        v->kind = RP_SV_INT;
        v->i = rp_col_int64(st, c);
        break;
      case RP_FLOAT:
        v->kind = RP_SV_REAL;
        v->d = rp_col_double(st, c);
        break;
      case RP_TEXT:
        v->kind = RP_SV_TEXT;
        v->p = (const char *)rp_col_str(st, c);
        v->len = (size_t)rp_col_bytes(st, c);
        break;
      default: /* a blob: an id (16 bytes in a BLOB column) as its UUID text */
        if (t->cols[i].aff == 'b' && rp_col_bytes(st, c) == 16) {
          rp_col_id(st, c, ids[i]);
          v->kind = RP_SV_TEXT;
          v->p = ids[i];
          v->len = strlen(ids[i]);
        } else {
          v->kind = RP_SV_BLOB;
          v->p = rp_col_blob(st, c);
          v->len = (size_t)rp_col_bytes(st, c);
          if (!v->p) v->p = "";
        }
      }
    }
    ret = fn(ctx, t->name, cols, vals, t->n_cols);
  }
  if (!ret && rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  stmt_free(st);
  free(cols);
  free(vals);
  free(ids);
  return ret;
}

/* Streams the account's rows to fn (store.h), in one read snapshot. */
int rp_store_dump(rp_store *s, const char *account_id, rp_dump_row_fn fn, void *ctx) {
  rp_arena ar = {0};
  dump_schema sc;
  bool own = rp_sql_autocommit(s) != 0;
  int ret = own ? rp_store_begin(s, false) : 0;
  /* PostgreSQL reads in READ COMMITTED, a snapshot per statement: the
   * dump's statements share one (nothing has run in the transaction yet) */
  if (!ret && own && rp_sql_pg(s))
    ret = rp_sql_exec(s, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", "dump");
  if (!ret) ret = load_schema(s, &ar, &sc);
  for (size_t i = 0; !ret && i < sc.n; i++)
    ret = dump_table_rows(s, &sc.t[i], account_id, fn, ctx);
  if (own) rp_store_rollback(s);
  rp_arena_free(&ar);
  return ret;
}

/* ---- restore ---- */

struct rp_restore {
  rp_store *s;
  rp_arena ar;
  dump_schema sc;
  char account_id[RP_ID_LEN];
  dump_table *last; /* the table of the previous row */
  rp_sb sql;
  bool bulk, triggers_off;
};

/* Ends what begin took: the transaction, the trigger switch, the index. */
static void restore_release(rp_restore *r) {
  if (!r) return;
  rp_error saved = *rp_error_last();
  rp_store_rollback(r->s);
  if (r->triggers_off && r->s->db)
    sqlite3_db_config(r->s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, NULL);
  if (r->bulk) rp_store_bulk_end(r->s);
  rp_error_set(saved.code, saved.field[0] ? saved.field : NULL, "%s", saved.message);
  rp_sb_free(&r->sql);
  rp_arena_free(&r->ar);
  free(r);
}

void rp_store_restore_abort(rp_restore *r) { restore_release(r); }

int rp_store_restore_begin(rp_store *s, const char *account_id, int schema, rp_restore **out) {
  *out = NULL;
  if (!rp_sql_autocommit(s))
    return rp_error_set(RP_EINTERNAL, NULL, "a restore inside a transaction");
  if (!account_id || !rp_uuid_valid(account_id, strlen(account_id)))
    return rp_error_set(RP_EINVALID_VALUE, "account_id", "must be a UUID");
  int have = 0;
  int ret = rp_store_schema_version(s, &have);
  if (ret) return ret;
  if (have != schema)
    return rp_error_set(RP_EINVALID_VALUE, "schema",
                        "the file is of schema %d and this database of schema %d: restore it "
                        "with the rapport that wrote it, then upgrade",
                        schema, have);
  rp_restore *r = rp_xcalloc(1, sizeof *r);
  r->s = s;
  rp_id_copy(r->account_id, account_id);
  if ((ret = load_schema(s, &r->ar, &r->sc))) goto fail;
  if ((ret = rp_store_bulk_begin(s))) goto fail;
  r->bulk = true;
  int on = 1;
  if (s->db &&
      (sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &on) != SQLITE_OK || on)) {
    ret = rp_error_set(RP_EINTERNAL, NULL, "cannot turn triggers off for the restore");
    goto fail;
  }
  r->triggers_off = s->db != NULL;
  if ((ret = rp_store_begin(s, true))) goto fail;
  /* the rows come in table order, not parents first: the foreign keys are
   * checked at the commit. On PostgreSQL the keys are DEFERRABLE, and the
   * triggers of migrations_pg/ do nothing while rapport.restore is on (as
   * SQLite's are off above: the rows carry what they computed). */
  if ((ret = rp_sql_exec(s,
                         s->pg ? "SET CONSTRAINTS ALL DEFERRED; SET LOCAL rapport.restore = 'on'"
                               : "PRAGMA defer_foreign_keys = ON",
                         "restore")))
    goto fail;
  rp_stmt *st = rp_sql_dyn(s, "SELECT 1 FROM accounts WHERE id = ?");
  if (!st) {
    ret = rp_error_last()->code;
    goto fail;
  }
  rp_bind_id(st, 1, account_id);
  int rc = rp_step(st);
  rp_sql_done(st);
  if (rc == RP_ROW) {
    ret = rp_error_set(RP_ECONFLICT, "account_id",
                       "this database already holds account %s: restore into a database without "
                       "it",
                       account_id);
    goto fail;
  }
  if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
    goto fail;
  }
  *out = r;
  return 0;
fail:
  restore_release(r);
  return ret;
}

/* Whether v is the UUID text of id (any case). */
static bool same_id(const rp_store_value *v, const char *id) {
  return v->kind == RP_SV_TEXT && v->len == 36 && !strncasecmp(v->p, id, 36);
}

static dump_table *find_table(rp_restore *r, const char *name) {
  if (r->last && !strcmp(r->last->name, name)) return r->last;
  for (size_t i = 0; i < r->sc.n; i++)
    if (!strcmp(r->sc.t[i].name, name)) return r->last = &r->sc.t[i];
  return NULL;
}

/* Checks a value against the column's affinity: what the store writes. */
static const char *type_error(char aff, const rp_store_value *v) {
  if (v->kind == RP_SV_NULL) return NULL;
  switch (aff) {
  case 'i': return v->kind == RP_SV_INT ? NULL : "an integer expected";
  case 'r':
  case 'n': return v->kind == RP_SV_INT || v->kind == RP_SV_REAL ? NULL : "a number expected";
  case 't': return v->kind == RP_SV_TEXT ? NULL : "a text expected";
  default:
    return v->kind == RP_SV_TEXT || v->kind == RP_SV_BLOB ? NULL : "an id or {\"b64\"} expected";
  }
}

int rp_store_restore_row(rp_restore *r, const char *table, const char *const *cols,
                         const rp_store_value *vals, size_t n) {
  char field[160];
  dump_table *t = find_table(r, table);
  if (!t)
    return rp_error_set(RP_EINVALID_VALUE, "t", "%s is not a table of an account's export", table);
  bool account_seen = false;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < t->n_cols && strcmp(t->cols[k].name, cols[i]))
      k++;
    snprintf(field, sizeof field, "%s.%s", table, cols[i]);
    if (k == t->n_cols)
      return rp_error_set(RP_EINVALID_VALUE, field, "%s is not a column of %s", cols[i], table);
    const char *why = type_error(t->cols[k].aff, &vals[i]);
    if (why) return rp_error_set(RP_EINVALID_VALUE, field, "%s: %s", field, why);
    bool key = t->account_col < 0 ? !strcmp(cols[i], "id") : (int)k == t->account_col;
    if (key) {
      if (!same_id(&vals[i], r->account_id))
        return rp_error_set(RP_EINVALID_VALUE, field, "%s: a row of another account than %s", field,
                            r->account_id);
      account_seen = true;
    }
  }
  if (!account_seen)
    return rp_error_set(RP_EINVALID_VALUE, table, "a row of %s without its %s", table,
                        t->account_col < 0 ? "id" : "account_id");

  rp_sb_reset(&r->sql);
  rp_sb_puts(&r->sql, "INSERT INTO ");
  sb_ident(&r->sql, t->name);
  rp_sb_puts(&r->sql, " (");
  for (size_t i = 0; i < n; i++) {
    if (i) rp_sb_puts(&r->sql, ", ");
    sb_ident(&r->sql, cols[i]);
  }
  rp_sb_puts(&r->sql, ") VALUES (");
  for (size_t i = 0; i < n; i++)
    rp_sb_puts(&r->sql, i ? ", ?" : "?");
  rp_sb_putc(&r->sql, ')');
  rp_stmt *st = rp_sql_dyn(r->s, rp_sb_str(&r->sql));
  if (!st) return rp_error_last()->code;
  for (size_t i = 0; i < n; i++) {
    const rp_store_value *v = &vals[i];
    int at = (int)i + 1;
    size_t k = 0;
    while (strcmp(t->cols[k].name, cols[i]))
      k++;
    switch (v->kind) {
    case RP_SV_NULL: rp_bind_null(st, at); break;
    case RP_SV_INT:
      /* a whole number in a REAL column binds as a real: PostgreSQL types
       * a statement's parameters once, at its first run */
      if (t->cols[k].aff == 'r')
        rp_bind_double(st, at, (double)v->i);
      else
        rp_bind_int64(st, at, v->i);
      break;
    case RP_SV_REAL: rp_bind_double(st, at, v->d); break;
    case RP_SV_TEXT: {
      if (t->cols[k].aff == 'b' && v->len == strlen(v->p))
        rp_bind_id(st, at, v->p); /* an id: its 16 bytes */
      else
        rp_bind_textn(st, at, v->p, (int)v->len);
      break;
    }
    case RP_SV_BLOB: rp_bind_blob(st, at, v->p ? v->p : "", (int)v->len); break;
    }
  }
  int rc = rp_step(st);
  int ret = 0;
  if (rc != RP_DONE) {
    int kind = rp_sql_errkind(r->s);
    const char *msg = rp_sql_errmsg(r->s);
    if (kind == RP_DBERR_UNIQUE)
      ret = rp_error_set(RP_ECONFLICT, table, "%s: already taken (%s)", table, msg);
    else if (kind == RP_DBERR_CONSTRAINT)
      ret = rp_error_set(RP_EINVALID_VALUE, table, "%s: %s", table, msg);
    else
      ret = rp_sql_error(r->s, rc, NULL);
  }
  rp_sql_done(st);
  if (ret) return ret;
  t->restored++;
  rp_sql_bulk_note(r->s);
  return 0;
}

/* Writes the search index of the account's contacts the way the store
 * writes it: rp_store_contact_update rewrites a contact's index entry when
 * the stored emails differ from the contact's, so each contact is read,
 * its stored emails_json cleared and its version taken back by one, and
 * updated with what was read: its row ends as it was restored, with its
 * search entry (and email rows) written. */
static int rebuild_search(rp_restore *r) {
  rp_store *s = r->s;
  rp_stmt *ids = NULL;
  int ret = prep(s, &ids, "SELECT id FROM contacts WHERE account_id = ? ORDER BY seq");
  if (ret) return ret;
  rp_bind_id(ids, 1, r->account_id);
  int rc = RP_DONE;
  rp_arena ar = {0};
  while (!ret && (rc = rp_step(ids)) == RP_ROW) {
    char id[RP_ID_LEN];
    rp_col_id(ids, 0, id);
    rp_contact c;
    if ((ret = rp_store_contact_get(s, &ar, &c, r->account_id, id))) break;
    rp_stmt *st = rp_sql_dyn(s, "UPDATE contacts SET emails_json = '', version = version - 1"
                                " WHERE account_id = ? AND id = ?");
    if (!st) {
      ret = rp_error_last()->code;
      break;
    }
    rp_bind_id(st, 1, r->account_id);
    rp_bind_id(st, 2, id);
    if ((ret = rp_sql_run(s, st, NULL))) break;
    c.version--;
    ret = rp_store_contact_update(s, &c);
    rp_arena_free(&ar);
  }
  if (!ret && rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  stmt_free(ids);
  rp_arena_free(&ar);
  if (ret) {
    rp_error saved = *rp_error_last();
    rp_error_set(saved.code, NULL, "rebuilding the search index: %s", saved.message);
  }
  return ret;
}

/* The text between the n-th pair of double quotes of msg (n from 0) into
 * out, or "" (PostgreSQL's messages quote the names they give). */
static void quoted(const char *msg, int n, char *out, size_t size) {
  out[0] = '\0';
  const char *p = msg;
  for (int k = 0; p && k <= n; k++) {
    const char *open = strchr(p, '"'), *close = open ? strchr(open + 1, '"') : NULL;
    if (!close) return;
    if (k == n) snprintf(out, size, "%.*s", (int)(close - open - 1), open + 1);
    p = close + 1;
  }
}

/* PostgreSQL: which deferred reference of the open transaction is broken,
 * into table and parent ("" when none is). SET CONSTRAINTS ALL IMMEDIATE
 * checks them now, under a savepoint so that the transaction survives the
 * failure; its message names the table and the constraint, whose parent
 * the catalogue gives. Returns 0, or an error that is not a broken
 * reference. */
static int pg_broken_reference(rp_store *s, char *table, size_t tsize, char *parent, size_t psize) {
  table[0] = parent[0] = '\0';
  int ret = rp_sql_exec(s, "SAVEPOINT rp_fk_check", "restore");
  if (ret) return ret;
  if (!rp_sql_exec(s, "SET CONSTRAINTS ALL IMMEDIATE", "restore"))
    return rp_sql_exec(s, "SET CONSTRAINTS ALL DEFERRED; RELEASE SAVEPOINT rp_fk_check", "restore");
  if (rp_sql_errkind(s) != RP_DBERR_FOREIGN_KEY) {
    rp_sql_exec(s, "ROLLBACK TO SAVEPOINT rp_fk_check", "restore");
    return RP_EINTERNAL;
  }
  char constraint[80];
  const char *msg = rp_sql_errmsg(s);
  quoted(msg, 0, table, tsize);
  quoted(msg, 1, constraint, sizeof constraint);
  if ((ret = rp_sql_exec(s, "ROLLBACK TO SAVEPOINT rp_fk_check", "restore"))) return ret;
  rp_stmt *st = NULL;
  if (prep(s, &st,
           "SELECT p.relname FROM pg_catalog.pg_constraint c"
           " JOIN pg_catalog.pg_class p ON p.oid = c.confrelid"
           " WHERE c.conrelid = to_regclass(?) AND c.conname = ?") == 0) {
    rp_bind_textn(st, 1, table, -1);
    rp_bind_textn(st, 2, constraint, -1);
    if (rp_step(st) == RP_ROW) snprintf(parent, psize, "%s", (const char *)rp_col_str(st, 0));
  }
  stmt_free(st);
  return 0;
}

/* The error of a broken reference of a row of table to parent (either
 * may be "": not known). */
static int foreign_key_message(const char *table, const char *parent) {
  if (!table[0])
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        "a row refers to a row the file does not hold (foreign key)");
  return rp_error_set(RP_EINVALID_VALUE, table,
                      "a row of %s refers to a row of %s the file does not hold", table,
                      parent[0] ? parent : "another table");
}

/* After a failed commit of deferred foreign keys (SQLite), or before the
 * commit (PostgreSQL, which ends the transaction when its commit fails):
 * which reference broke. */
static int foreign_key_error(rp_store *s) {
  rp_stmt *st = NULL;
  char table[80] = "", parent[80] = "";
  if (rp_sql_pg(s)) {
    if (pg_broken_reference(s, table, sizeof table, parent, sizeof parent)) table[0] = '\0';
  } else if (prep(s, &st, "PRAGMA foreign_key_check") == 0 && rp_step(st) == RP_ROW) {
    snprintf(table, sizeof table, "%s", (const char *)rp_col_str(st, 0));
    snprintf(parent, sizeof parent, "%s", (const char *)rp_col_str(st, 2));
  }
  stmt_free(st);
  return foreign_key_message(table, parent);
}

int rp_store_restore_finish(rp_restore *r, rp_arena *ar, rp_restore_count **counts, size_t *n) {
  *counts = NULL;
  *n = 0;
  int ret = 0;
  dump_table *acct = find_table(r, "accounts");
  if (!acct || acct->restored != 1)
    ret = rp_error_set(RP_EINVALID_VALUE, "accounts", "the file holds no accounts row");
  /* the rebuild checks a contact's owner and referrer: a missing one is
   * a broken reference of the file */
  if (!ret && find_table(r, "contacts") && (ret = rebuild_search(r)) == RP_ENOTFOUND)
    ret = foreign_key_error(r->s);
  /* the contact rows' seq their contact_scores rows copy (011) */
  if (!ret && find_table(r, "contact_scores")) {
    rp_stmt *st =
        rp_sql_dyn(r->s, "UPDATE contact_scores SET seq = (SELECT c.seq"
                         " FROM contacts c WHERE c.account_id = contact_scores.account_id"
                         " AND c.id = contact_scores.contact_id) WHERE account_id = ?");
    if (!st) {
      ret = rp_error_last()->code;
    } else {
      rp_bind_id(st, 1, r->account_id);
      ret = rp_sql_run(r->s, st, NULL);
    }
  }
  if (!ret && rp_sql_pg(r->s)) {
    /* PostgreSQL: the references are checked before the COMMIT, which
     * would end the transaction without saying which one broke */
    char table[80], parent[80];
    ret = pg_broken_reference(r->s, table, sizeof table, parent, sizeof parent);
    if (!ret && table[0]) ret = foreign_key_message(table, parent);
  }
  if (!ret) {
    /* a deferred foreign key that fails the COMMIT (RP_ENOTFOUND) leaves
     * the transaction open on SQLite: find the reference, then roll back */
    ret = rp_store_commit(r->s);
    if (ret == RP_ENOTFOUND && !rp_sql_autocommit(r->s)) ret = foreign_key_error(r->s);
  }
  if (!ret) {
    *counts = rp_arena_calloc(ar, (r->sc.n ? r->sc.n : 1) * sizeof **counts);
    for (size_t i = 0; i < r->sc.n; i++) {
      (*counts)[i].table = rp_arena_strdup(ar, r->sc.t[i].name);
      (*counts)[i].rows = r->sc.t[i].restored;
    }
    *n = r->sc.n;
  }
  restore_release(r);
  return ret;
}
