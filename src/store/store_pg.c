/* store_pg.c: the PostgreSQL engine (libpq) behind the statement API of
 * store_internal.h. One rp_store is one PGconn. A statement is prepared
 * on the server (a named prepared statement per cache slot) the first
 * time it runs, with the parameter types of that run's bindings; its rows
 * come back in text format and rp_step walks them.
 *
 * The SQL of the store's files is SQLite's; pg_translate turns it into
 * PostgreSQL's as it is prepared:
 * - `?` and `?NNN` become `$n`;
 * - `INDEXED BY name` (a SQLite planner hint) goes;
 * - `INSERT OR IGNORE INTO` becomes `INSERT INTO ... ON CONFLICT DO NOTHING`,
 *   `INSERT OR REPLACE INTO t` an upsert on t's primary key (looked up in
 *   the catalogue);
 * - a subquery in FROM gets a name;
 * - `a CROSS JOIN b ON ...` (SQLite's join-order hint) becomes `JOIN`;
 * - the scalar `max(a, b)` and `min(a, b)` become GREATEST and LEAST;
 * - `total(x)` becomes `coalesce(sum(x), 0.0)`, `unixepoch()` the epoch
 *   in seconds, `json_extract(x, '$[0].key')` `(x)::jsonb -> 0 ->> 'key'`;
 * - `BEGIN IMMEDIATE` becomes `BEGIN`.
 * What differs beyond that (full-text search, the dump's catalogue, a few
 * JSON reads) is written for each engine at its call site, which asks
 * rp_sql_pg(s).
 *
 * A statement marked with rp_sql_stream (the full scans, the dump) runs
 * through a cursor inside its transaction and comes back 2,000 rows at a
 * time, so that a scan of a million contacts never holds them all.
 *
 * Types: integers bind as int8, doubles as float8, blobs (the 16-byte ids)
 * as bytea in binary, text as an untyped literal PostgreSQL types from its
 * context. The schema (migrations_pg/) keeps SQLite's column types: flags
 * are 0/1 integers, times integers, ids bytea, text in the "C" collation
 * (byte order, as SQLite compares). */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

/* PostgreSQL's type oids (pg_type.dat), for binding and reading. */
enum {
  OID_BOOL = 16,
  OID_BYTEA = 17,
  OID_INT8 = 20,
  OID_INT2 = 21,
  OID_INT4 = 23,
  OID_TEXT = 25,
  OID_OID = 26,
  OID_FLOAT4 = 700,
  OID_FLOAT8 = 701,
  OID_NUMERIC = 1700,
};

struct rp_pg {
  PGconn *conn;
  int64_t changes;  /* rows of the last INSERT, UPDATE or DELETE */
  char sqlstate[6]; /* of the last failure */
  char *errmsg;     /* of the last failure (malloc'd) */
  unsigned next_name;
  uint64_t tx_serial; /* transactions begun (a cursor lives in one) */
  uint64_t epoch;     /* connections made (a reset forgets prepared statements) */
};

/* One bound parameter: its text (or bytes), how long, how sent. */
typedef struct {
  const char *value; /* NULL: SQL NULL */
  int length;
  int format; /* 0 text, 1 binary */
  Oid type;   /* what the binding says (0: let PostgreSQL infer) */
  char num[32];
  char *copy; /* a text that was not NUL-terminated, copied (owned) */
} pg_param;

/* A decoded bytea column of the current row. */
typedef struct {
  int row; /* -1: not decoded */
  unsigned char *p;
  size_t n;
} pg_blob;

struct rp_pg_stmt {
  rp_pg *pg;
  char name[16];
  char *sql; /* translated */
  int n_params;
  bool prepared;
  uint64_t prepared_epoch; /* the connection it was prepared on */
  pg_param *params;
  PGresult *res;
  int row, n_rows;
  bool executed;
  pg_blob *blobs; /* per column of res */
  int n_blobs;
  /* rp_sql_stream: the rows come through a cursor, STREAM_BATCH at a
   * time, instead of all in one result */
  bool stream, cursor_open, cursor_more;
  uint64_t cursor_tx; /* the tx_serial it was declared in */
  int last_bytes;     /* of the last rp_pg_col_str / _blob */
};

/* ---- errors ---- */

static void pg_fail_in(rp_pg *pg, const PGresult *res, const char *fallback, const char *sql);
static void pg_fail(rp_pg *pg, const PGresult *res, const char *fallback) {
  pg_fail_in(pg, res, fallback, NULL);
}

/* Keeps the failure's SQLSTATE and message, with the start of the
 * statement (sql, may be NULL) for the log. */
/* UTC and plain strings whatever the server's defaults, on every
 * connection. */
#define SESSION_SETTINGS                                                                           \
  "SET TIME ZONE 'UTC'; SET standard_conforming_strings = on; SET client_min_messages = warning"

/* A lost connection (the server restarted, a network cut) is made again
 * for the next statement: the one that failed fails (its transaction is
 * gone), the statements are prepared again on the new connection. */
static void reconnect_if_lost(rp_pg *pg) {
  if (PQstatus(pg->conn) != CONNECTION_BAD) return;
  PQreset(pg->conn);
  if (PQstatus(pg->conn) != CONNECTION_OK) return;
  pg->epoch++;
  PQclear(PQexec(pg->conn, SESSION_SETTINGS));
}

static void pg_fail_in(rp_pg *pg, const PGresult *res, const char *fallback, const char *sql) {
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  snprintf(pg->sqlstate, sizeof pg->sqlstate, "%s", state ? state : "XX000");
  const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  if (!msg) msg = PQerrorMessage(pg->conn);
  if (!msg || !*msg) msg = fallback;
  free(pg->errmsg);
  pg->errmsg = rp_xstrdup(msg);
  /* libpq's messages end with a newline */
  size_t n = strlen(pg->errmsg);
  while (n && (pg->errmsg[n - 1] == '\n' || pg->errmsg[n - 1] == ' '))
    pg->errmsg[--n] = '\0';
  if (sql) {
    rp_sb sb = {0};
    rp_sb_printf(&sb, "%s (in: %.160s)", pg->errmsg, sql);
    free(pg->errmsg);
    pg->errmsg = rp_sb_take(&sb);
  }
  /* RAPPORT_PG_TRACE: every failure on stderr, also those a caller
   * expects and handles (docs/operations.md) */
  if (getenv("RAPPORT_PG_TRACE")) fprintf(stderr, "pg: %s\n", pg->errmsg);
  reconnect_if_lost(pg);
}

int rp_pg_errkind(rp_store *s) {
  const char *st = s->pg->sqlstate;
  if (!strcmp(st, "23505")) return RP_DBERR_UNIQUE;
  if (!strcmp(st, "23503")) return RP_DBERR_FOREIGN_KEY;
  if (!strncmp(st, "23", 2)) return RP_DBERR_CONSTRAINT;
  return RP_DBERR_OTHER;
}

const char *rp_pg_errmsg(rp_store *s) { return s->pg->errmsg ? s->pg->errmsg : "no error"; }

int64_t rp_pg_changes(rp_store *s) { return s->pg->changes; }

bool rp_pg_autocommit(rp_store *s) { return PQtransactionStatus(s->pg->conn) == PQTRANS_IDLE; }

/* ---- translation of the store's SQL ---- */

static bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether p starts with the word w (case-insensitive) at a word boundary. */
static bool word_at(const char *sql, const char *p, const char *w) {
  size_t n = strlen(w);
  if (p > sql && ident_char(p[-1])) return false;
  if (strncasecmp(p, w, n)) return false;
  return !ident_char(p[n]);
}

static const char *skip_space(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
    p++;
  return p;
}

static const char *skip_ident(const char *p) {
  if (*p == '"') {
    for (p++; *p && *p != '"'; p++) {
    }
    return *p ? p + 1 : p;
  }
  while (ident_char(*p))
    p++;
  return p;
}

/* Whether p starts a word that follows a FROM item without being its
 * alias. */
static bool is_clause_word(const char *sql, const char *p) {
  static const char *const words[] = {"WHERE",  "GROUP",     "ORDER",  "LIMIT", "JOIN",
                                      "CROSS",  "INNER",     "LEFT",   "ON",    "UNION",
                                      "EXCEPT", "INTERSECT", "HAVING", "USING", "WINDOW"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (word_at(sql, p, words[i])) return true;
  return false;
}

/* The end of the parenthesised text opening at p ('('), and how many
 * commas it has at its top level. */
static const char *match_paren(const char *p, int *commas) {
  int depth = 0;
  *commas = 0;
  for (; *p; p++) {
    if (*p == '\'') {
      for (p++; *p && *p != '\''; p++) {
      }
      if (!*p) return NULL;
    } else if (*p == '(') {
      depth++;
    } else if (*p == ')') {
      if (--depth == 0) return p;
    } else if (*p == ',' && depth == 1) {
      (*commas)++;
    }
  }
  return NULL;
}

static void translate_into(rp_sb *out, const char *sql, const char *end, int *next, int *n_params);

/* json_extract(x, '$[0].key') (a path of [n] and .name steps) at *pp:
 * `(x)::jsonb -> 0 ->> 'key'`; *pp moves past it. False (nothing written)
 * for any other shape. */
static bool json_extract(rp_sb *out, const char **pp, const char *end, int *next, int *n_params) {
  const char *p = *pp, *open = p + 12;
  int commas;
  const char *close = match_paren(open, &commas);
  if (!close || close >= end || commas != 1) return false;
  const char *comma = strchr(open, ',');
  const char *path = skip_space(comma + 1);
  if (path[0] != '\'' || path[1] != '$') return false;
  const char *path_end = strchr(path + 1, '\'');
  if (!path_end || skip_space(path_end + 1) != close) return false;
  rp_sb steps = {0};
  int n_steps = 0;
  for (const char *q = path + 2; q < path_end;) {
    if (*q == '[') {
      const char *r = q + 1;
      while (r < path_end && *r >= '0' && *r <= '9')
        r++;
      if (r == q + 1 || *r != ']') goto bad;
      rp_sb_puts(&steps, " -> ");
      rp_sb_append(&steps, q + 1, (size_t)(r - q - 1));
      q = r + 1;
    } else if (*q == '.') {
      const char *r = q + 1;
      while (r < path_end && ident_char(*r))
        r++;
      if (r == q + 1) goto bad;
      rp_sb_puts(&steps, " -> '");
      rp_sb_append(&steps, q + 1, (size_t)(r - q - 1));
      rp_sb_putc(&steps, '\'');
      q = r;
    } else {
      goto bad;
    }
    n_steps++;
  }
  if (!n_steps) goto bad;
  /* the last step gives text: ->> instead of -> */
  const char *st = rp_sb_str(&steps);
  const char *arrow = NULL;
  for (const char *q = st; (q = strstr(q, " -> ")); q++)
    arrow = q;
  rp_sb_puts(out, "((");
  translate_into(out, open + 1, comma, next, n_params);
  rp_sb_puts(out, ")::jsonb");
  rp_sb_append(out, st, (size_t)(arrow - st));
  rp_sb_puts(out, " ->> ");
  rp_sb_puts(out, arrow + 4);
  rp_sb_putc(out, ')');
  rp_sb_free(&steps);
  *pp = close + 1;
  return true;
bad:
  rp_sb_free(&steps);
  return false;
}

/* Translates sql (SQLite's) into out (PostgreSQL's); *n_params gets the
 * highest parameter number. Recursive for the text inside total(...). */
static void translate_into(rp_sb *out, const char *sql, const char *end, int *next, int *n_params) {
  const char *p = sql;
  while (p < end && *p) {
    char c = *p;
    if (c == '\'' || c == '"') { /* a literal or a quoted name, as it is */
      const char *q = p + 1;
      while (q < end && *q && *q != c)
        q++;
      if (q < end && *q) q++;
      rp_sb_append(out, p, (size_t)(q - p));
      p = q;
      continue;
    }
    if (c == '-' && p[1] == '-') { /* a comment, to the line's end */
      while (p < end && *p && *p != '\n')
        p++;
      continue;
    }
    if (c == '?') {
      int n;
      p++;
      if (*p >= '0' && *p <= '9') {
        n = 0;
        while (*p >= '0' && *p <= '9')
          n = n * 10 + (*p++ - '0');
      } else {
        n = *next;
      }
      if (n >= *next) *next = n + 1;
      if (n > *n_params) *n_params = n;
      rp_sb_printf(out, "$%d", n);
      continue;
    }
    if ((word_at(sql, p, "FROM") || word_at(sql, p, "JOIN")) && *skip_space(p + 4) == '(' &&
        word_at(sql, skip_space(skip_space(p + 4) + 1), "SELECT")) {
      /* a subquery in FROM: PostgreSQL wants a name for it */
      const char *open = skip_space(p + 4);
      int commas;
      const char *close = match_paren(open, &commas);
      if (close && close < end) {
        rp_sb_append(out, p, (size_t)(open - p) + 1);
        translate_into(out, open + 1, close, next, n_params);
        rp_sb_putc(out, ')');
        p = close + 1;
        const char *q = skip_space(p);
        if (!ident_char(*q) || is_clause_word(sql, q))
          rp_sb_printf(out, " AS rp_sub%d", (int)(open - sql));
        continue;
      }
    }
    if (word_at(sql, p, "INDEXED") && word_at(sql, skip_space(p + 7), "BY")) {
      p = skip_ident(skip_space(skip_space(p + 7) + 2));
      continue;
    }
    if (word_at(sql, p, "NOT") && word_at(sql, skip_space(p + 3), "INDEXED")) {
      p = skip_space(p + 3) + 7;
      continue;
    }
    if (word_at(sql, p, "BEGIN") && word_at(sql, skip_space(p + 5), "IMMEDIATE")) {
      rp_sb_puts(out, "BEGIN");
      p = skip_space(p + 5) + 9;
      continue;
    }
    if (word_at(sql, p, "CROSS") && word_at(sql, skip_space(p + 5), "JOIN")) {
      /* CROSS JOIN t [alias] ON ...: an inner join; without ON, as it is */
      const char *q = skip_space(skip_space(p + 5) + 4);
      q = skip_space(skip_ident(q));
      if (ident_char(*q) && !word_at(sql, q, "ON")) q = skip_space(skip_ident(q));
      rp_sb_puts(out, word_at(sql, q, "ON") ? "JOIN" : "CROSS JOIN");
      p = skip_space(p + 5) + 4;
      continue;
    }
    if ((word_at(sql, p, "max") || word_at(sql, p, "min")) && p[3] == '(') {
      int commas;
      const char *close = match_paren(p + 3, &commas);
      if (close && commas > 0) {
        rp_sb_puts(out, tolower((unsigned char)p[1]) == 'a' ? "GREATEST" : "LEAST");
        p += 3;
        continue;
      }
    }
    if (word_at(sql, p, "total") && p[5] == '(') {
      int commas;
      const char *close = match_paren(p + 5, &commas);
      if (close && close < end) {
        rp_sb_puts(out, "coalesce(sum(");
        translate_into(out, p + 6, close, next, n_params);
        rp_sb_puts(out, "), 0.0)");
        p = close + 1;
        continue;
      }
    }
    if (word_at(sql, p, "json_extract") && p[12] == '(' &&
        json_extract(out, &p, end, next, n_params))
      continue;
    if (word_at(sql, p, "unixepoch") && !strncmp(p + 9, "()", 2)) {
      rp_sb_puts(out, "CAST(extract(epoch FROM now()) AS bigint)");
      p += 11;
      continue;
    }
    rp_sb_putc(out, c);
    p++;
  }
}

/* The name of the table an `INSERT OR REPLACE INTO name` writes, or NULL
 * (malloc'd). */
char *rp_pg_replace_table(const char *sql) {
  const char *p = skip_space(sql);
  if (!word_at(sql, p, "INSERT")) return NULL;
  p = skip_space(p + 6);
  if (!word_at(sql, p, "OR")) return NULL;
  p = skip_space(p + 2);
  if (!word_at(sql, p, "REPLACE")) return NULL;
  p = skip_space(p + 7);
  if (!word_at(sql, p, "INTO")) return NULL;
  p = skip_space(p + 4);
  const char *e = skip_ident(p);
  if (e == p) return NULL;
  char *name = rp_xmalloc((size_t)(e - p) + 1);
  memcpy(name, p, (size_t)(e - p));
  name[e - p] = '\0';
  return name;
}

/* Whether the comma-separated list holds the name (n bytes at name). */
static bool name_in_list(const char *list, const char *name, size_t n) {
  for (const char *k = skip_space(list); *k; k = skip_space(k)) {
    const char *e = skip_ident(k);
    if (e == k) return false;
    if ((size_t)(e - k) == n && !strncmp(k, name, n)) return true;
    k = skip_space(e);
    if (*k != ',') return false;
    k++;
  }
  return false;
}

/* Appends " ON CONFLICT (key) DO UPDATE SET c = excluded.c, ..." for the
 * columns of the parenthesised list at cols that are not in key (a
 * comma-separated list of names). */
static void upsert_tail(rp_sb *out, const char *cols, const char *key) {
  rp_sb_printf(out, " ON CONFLICT (%s) DO UPDATE SET ", key);
  int n = 0;
  const char *p = cols + 1;
  while (*p && *p != ')') {
    p = skip_space(p);
    const char *e = skip_ident(p);
    if (e == p) break;
    bool in_key = name_in_list(key, p, (size_t)(e - p));
    if (!in_key) {
      if (n++) rp_sb_puts(out, ", ");
      rp_sb_append(out, p, (size_t)(e - p));
      rp_sb_puts(out, " = excluded.");
      rp_sb_append(out, p, (size_t)(e - p));
    }
    p = skip_space(e);
    if (*p == ',') p++;
  }
}

/* The whole translation: as translate_into, and INSERT OR IGNORE, and
 * INSERT OR REPLACE when replace_key names the table's key columns
 * (comma-separated). The caller frees the result. */
char *rp_pg_translate(const char *sql, const char *replace_key, int *n_params) {
  rp_sb out = {0};
  int next = 1;
  *n_params = 0;
  const char *p = skip_space(sql);
  bool ignore = false;
  const char *replace_cols = NULL;
  if (word_at(sql, p, "INSERT") && word_at(sql, skip_space(p + 6), "OR")) {
    const char *q = skip_space(skip_space(p + 6) + 2);
    if (word_at(sql, q, "IGNORE")) {
      ignore = true;
      rp_sb_puts(&out, "INSERT ");
      p = skip_space(q + 6);
    } else if (word_at(sql, q, "REPLACE") && replace_key) {
      rp_sb_puts(&out, "INSERT ");
      p = skip_space(q + 7);
      replace_cols = strchr(p, '(');
    }
  }
  translate_into(&out, p, p + strlen(p), &next, n_params);
  if (ignore || replace_cols) {
    /* before RETURNING, if any */
    char *text = rp_sb_take(&out);
    char *ret = NULL;
    for (char *q = text; (q = strstr(q, "RETURNING")); q++)
      if (word_at(text, q, "RETURNING")) ret = q;
    size_t len = ret ? (size_t)(ret - text) : strlen(text);
    while (len && text[len - 1] == ' ')
      len--;
    rp_sb_append(&out, text, len);
    if (ignore)
      rp_sb_puts(&out, " ON CONFLICT DO NOTHING");
    else
      upsert_tail(&out, replace_cols, replace_key);
    if (ret) {
      rp_sb_putc(&out, ' ');
      rp_sb_puts(&out, ret);
    }
    free(text);
  }
  return rp_sb_take(&out);
}

/* The primary key columns of table (comma-separated, malloc'd), or NULL
 * with the error set. */
static char *primary_key(rp_pg *pg, const char *table) {
  const char *params[1] = {table};
  PGresult *res = PQexecParams(pg->conn,
                               "SELECT string_agg(a.attname, ', ' ORDER BY k.n)"
                               " FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, n),"
                               " pg_attribute a WHERE i.indrelid = to_regclass($1)"
                               " AND i.indisprimary AND a.attrelid = i.indrelid"
                               " AND a.attnum = k.attnum",
                               1, NULL, params, NULL, NULL, 0);
  char *key = NULL;
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
    key = rp_xstrdup(PQgetvalue(res, 0, 0));
  else
    pg_fail(pg, res, "no primary key");
  PQclear(res);
  return key;
}

/* ---- statements ---- */

int rp_pg_prepare(rp_store *s, const char *sql, rp_pg_stmt **out) {
  rp_pg_stmt *st = rp_xcalloc(1, sizeof *st);
  st->pg = s->pg;
  /* SQLite's INSERT OR REPLACE: an upsert on the table's primary key */
  char *table = rp_pg_replace_table(sql), *key = table ? primary_key(s->pg, table) : NULL;
  st->sql = rp_pg_translate(sql, key, &st->n_params);
  free(table);
  free(key);
  snprintf(st->name, sizeof st->name, "rp%u", ++s->pg->next_name);
  st->params = rp_xcalloc((size_t)(st->n_params ? st->n_params : 1), sizeof *st->params);
  *out = st;
  return 0;
}

/* Forgets the rows of res (and their decoded blobs). */
static void drop_rows(rp_pg_stmt *st) {
  PQclear(st->res);
  st->res = NULL;
  st->row = st->n_rows = 0;
  for (int i = 0; i < st->n_blobs; i++) {
    free(st->blobs[i].p);
    st->blobs[i].p = NULL;
    st->blobs[i].row = -1;
  }
}

static void clear_result(rp_pg_stmt *st) {
  drop_rows(st);
  st->executed = false;
  /* (a cursor of an ended transaction is gone already) */
  if (st->cursor_open && st->cursor_tx == st->pg->tx_serial &&
      PQtransactionStatus(st->pg->conn) == PQTRANS_INTRANS) {
    char sql[32];
    snprintf(sql, sizeof sql, "CLOSE c%s", st->name);
    PQclear(PQexec(st->pg->conn, sql));
  }
  st->cursor_open = st->cursor_more = false;
}

void rp_pg_reset(rp_pg_stmt *st) {
  clear_result(st);
  for (int i = 0; i < st->n_params; i++) {
    free(st->params[i].copy);
    st->params[i] = (pg_param){0};
  }
}

void rp_pg_finalize(rp_pg_stmt *st) {
  if (!st) return;
  rp_pg_reset(st);
  if (st->prepared && st->prepared_epoch == st->pg->epoch && st->pg->conn &&
      PQstatus(st->pg->conn) == CONNECTION_OK) {
    char sql[32];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
    /* only outside a failed transaction, where it would fail anyway */
    if (PQtransactionStatus(st->pg->conn) != PQTRANS_INERROR) PQclear(PQexec(st->pg->conn, sql));
  }
  free(st->blobs);
  free(st->params);
  free(st->sql);
  free(st);
}

static pg_param *param(rp_pg_stmt *st, int i) {
  if (i < 1 || i > st->n_params) return NULL; /* as SQLite: SQLITE_RANGE, ignored */
  if (st->executed) clear_result(st);
  return &st->params[i - 1];
}

void rp_pg_bind_int64(rp_pg_stmt *st, int i, int64_t v) {
  pg_param *p = param(st, i);
  if (!p) return;
  snprintf(p->num, sizeof p->num, "%lld", (long long)v);
  p->value = p->num;
  p->length = 0;
  p->format = 0;
  p->type = OID_INT8;
}

void rp_pg_bind_double(rp_pg_stmt *st, int i, double v) {
  pg_param *p = param(st, i);
  if (!p) return;
  snprintf(p->num, sizeof p->num, "%.17g", v);
  p->value = p->num;
  p->length = 0;
  p->format = 0;
  p->type = OID_FLOAT8;
}

void rp_pg_bind_null(rp_pg_stmt *st, int i) {
  pg_param *p = param(st, i);
  if (!p) return;
  p->value = NULL;
  p->type = 0;
  p->format = 0;
}

/* Text goes as an untyped literal; n < 0: up to the NUL. A text of a given
 * length is copied (libpq sends text parameters up to their NUL). */
void rp_pg_bind_text(rp_pg_stmt *st, int i, const char *v, int n) {
  pg_param *p = param(st, i);
  if (!p) return;
  free(p->copy);
  p->copy = NULL;
  p->value = v;
  p->length = 0;
  p->format = 0;
  p->type = 0;
  if (v && n >= 0) {
    p->copy = rp_xmalloc((size_t)n + 1);
    memcpy(p->copy, v, (size_t)n);
    p->copy[n] = '\0';
    p->value = p->copy;
  }
}

/* A NULL that says its type (bytea, int8), so that `? IS NULL OR col = ?`
 * prepares. */
void rp_pg_bind_typed_null(rp_pg_stmt *st, int i, char kind) {
  pg_param *p = param(st, i);
  if (!p) return;
  p->value = NULL;
  p->format = 0;
  p->type = kind == 'b' ? OID_BYTEA : OID_INT8;
}

void rp_pg_bind_blob(rp_pg_stmt *st, int i, const void *v, int n) {
  pg_param *p = param(st, i);
  if (!p) return;
  p->value = v ? (const char *)v : "";
  p->length = n;
  p->format = 1;
  p->type = OID_BYTEA;
}

/* Whether the translated SQL refers to parameter n ($n). */
static bool uses_param(const char *sql, int n) {
  for (const char *p = strchr(sql, '$'); p; p = strchr(p + 1, '$')) {
    char *e;
    long v = strtol(p + 1, &e, 10);
    if (e > p + 1 && v == n) return true;
  }
  return false;
}

static PGresult *prepare_typed(rp_pg_stmt *st, const Oid *types) {
  return PQprepare(st->pg->conn, st->name, st->sql, st->n_params, types);
}

/* Prepares st on the server with the types of its first bindings. A
 * parameter the SQL does not use (SQLite allows gaps) is text; one
 * PostgreSQL cannot type from its context alone (`? IS NULL` bound NULL)
 * is tried again as text. Inside a transaction the attempt runs under a
 * savepoint, since a failed prepare would abort the transaction (once per
 * statement and connection). */
static int pg_prepare_now(rp_pg_stmt *st) {
  PGconn *conn = st->pg->conn;
  Oid *types = rp_xcalloc((size_t)(st->n_params ? st->n_params : 1), sizeof *types);
  for (int k = 0; k < st->n_params; k++) {
    types[k] = st->params[k].type;
    if (!types[k] && !uses_param(st->sql, k + 1)) types[k] = OID_TEXT;
  }
  bool in_tx = PQtransactionStatus(conn) == PQTRANS_INTRANS;
  if (in_tx) PQclear(PQexec(conn, "SAVEPOINT rp_prepare"));
  PGresult *res = prepare_typed(st, types);
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && !strcmp(state, "42P18")) {
      PQclear(res);
      if (in_tx) PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT rp_prepare"));
      for (int k = 0; k < st->n_params; k++)
        if (!types[k]) types[k] = OID_TEXT;
      res = prepare_typed(st, types);
    }
  }
  free(types);
  int rc = 0;
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    pg_fail_in(st->pg, res, "prepare failed", st->sql);
    rp_error_set(RP_EINTERNAL, NULL, "database: %s", st->pg->errmsg);
    rc = SQLITE_ERROR;
    /* the transaction stays aborted, as the caller rolls back anyway */
  } else {
    st->prepared = true;
    st->prepared_epoch = st->pg->epoch;
    if (in_tx) PQclear(PQexec(conn, "RELEASE SAVEPOINT rp_prepare"));
  }
  PQclear(res);
  return rc;
}

#define STREAM_BATCH 2000

/* Sizes the blob slots for res's columns. */
static void blob_slots(rp_pg_stmt *st) {
  int cols = PQnfields(st->res);
  if (cols > st->n_blobs) {
    st->blobs = rp_xrealloc(st->blobs, (size_t)cols * sizeof *st->blobs);
    for (int k = st->n_blobs; k < cols; k++)
      st->blobs[k] = (pg_blob){.row = -1};
    st->n_blobs = cols;
  }
}

/* The next batch of a streamed statement's cursor into res. */
static int fetch_batch(rp_pg_stmt *st) {
  drop_rows(st);
  char sql[48];
  snprintf(sql, sizeof sql, "FETCH %d FROM c%s", STREAM_BATCH, st->name);
  st->res = PQexec(st->pg->conn, sql);
  if (PQresultStatus(st->res) != PGRES_TUPLES_OK) {
    pg_fail_in(st->pg, st->res, "fetch failed", st->sql);
    st->cursor_more = false;
    return SQLITE_ERROR;
  }
  st->n_rows = PQntuples(st->res);
  st->cursor_more = st->n_rows == STREAM_BATCH;
  blob_slots(st);
  return st->n_rows > 0 ? RP_ROW : RP_DONE;
}

/* A statement's bound parameters as libpq takes them. */
typedef struct {
  const char **values;
  int *lengths, *formats;
  Oid *types;
} pg_args;

static void args_make(const rp_pg_stmt *st, pg_args *a) {
  size_t n = (size_t)(st->n_params ? st->n_params : 1);
  a->values = rp_xcalloc(n, sizeof *a->values);
  a->lengths = rp_xcalloc(n, sizeof *a->lengths);
  a->formats = rp_xcalloc(n, sizeof *a->formats);
  a->types = rp_xcalloc(n, sizeof *a->types);
  for (int k = 0; k < st->n_params; k++) {
    a->values[k] = st->params[k].value;
    a->lengths[k] = st->params[k].length;
    a->formats[k] = st->params[k].format;
    a->types[k] = st->params[k].type;
  }
}

static void args_free(pg_args *a) {
  free(a->values);
  free(a->lengths);
  free(a->formats);
  free(a->types);
}

/* A streamed statement: DECLARE a cursor for it with its parameters and
 * fetch the first batch. Only inside a transaction (a cursor lives in
 * one); outside, the statement runs whole. */
static int pg_execute_stream(rp_pg_stmt *st, const pg_args *a) {
  rp_sb sql = {0};
  rp_sb_printf(&sql, "DECLARE c%s NO SCROLL CURSOR FOR %s", st->name, st->sql);
  PGresult *res = PQexecParams(st->pg->conn, rp_sb_str(&sql), st->n_params, a->types, a->values,
                               a->lengths, a->formats, 0);
  rp_sb_free(&sql);
  st->executed = true;
  int rc = 0;
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    pg_fail_in(st->pg, res, "declare failed", st->sql);
    rc = SQLITE_ERROR;
  }
  PQclear(res);
  if (rc) return rc;
  st->cursor_open = true;
  st->cursor_tx = st->pg->tx_serial;
  return fetch_batch(st);
}

static int pg_execute(rp_pg_stmt *st) {
  pg_args a;
  if (st->stream && PQtransactionStatus(st->pg->conn) == PQTRANS_INTRANS) {
    args_make(st, &a);
    int rc = pg_execute_stream(st, &a);
    args_free(&a);
    return rc;
  }
  if (!st->prepared || st->prepared_epoch != st->pg->epoch) {
    int rc = pg_prepare_now(st);
    if (rc) return rc;
  }
  args_make(st, &a);
  st->res = PQexecPrepared(st->pg->conn, st->name, st->n_params, a.values, a.lengths, a.formats, 0);
  args_free(&a);
  st->executed = true;
  ExecStatusType status = PQresultStatus(st->res);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    pg_fail_in(st->pg, st->res, "statement failed", st->sql);
    return SQLITE_ERROR;
  }
  const char *changed = PQcmdTuples(st->res);
  if (changed && *changed) st->pg->changes = strtoll(changed, NULL, 10);
  st->n_rows = PQntuples(st->res);
  st->row = 0;
  blob_slots(st);
  return st->n_rows > 0 ? RP_ROW : RP_DONE;
}

int rp_pg_step(rp_pg_stmt *st) {
  if (!st->executed) return pg_execute(st);
  if (!st->res || PQresultStatus(st->res) == PGRES_FATAL_ERROR) return SQLITE_MISUSE;
  if (st->row < st->n_rows) st->row++;
  if (st->row < st->n_rows) return RP_ROW;
  return st->cursor_more ? fetch_batch(st) : RP_DONE;
}

void rp_pg_stream(rp_pg_stmt *st) { st->stream = true; }

static bool has_value(rp_pg_stmt *st, int i) {
  return st->res && st->row < st->n_rows && i >= 0 && i < PQnfields(st->res) &&
         !PQgetisnull(st->res, st->row, i);
}

int rp_pg_col_type(rp_pg_stmt *st, int i) {
  if (!has_value(st, i)) return RP_NULL;
  switch (PQftype(st->res, i)) {
  case OID_BOOL:
  case OID_INT2:
  case OID_INT4:
  case OID_INT8:
  case OID_OID: return RP_INTEGER;
  case OID_FLOAT4:
  case OID_FLOAT8: return RP_FLOAT;
  case OID_NUMERIC: return strpbrk(PQgetvalue(st->res, st->row, i), ".eEN") ? RP_FLOAT : RP_INTEGER;
  case OID_BYTEA: return RP_BLOB;
  default: return RP_TEXT;
  }
}

int64_t rp_pg_col_int64(rp_pg_stmt *st, int i) {
  if (!has_value(st, i)) return 0;
  const char *v = PQgetvalue(st->res, st->row, i);
  if (PQftype(st->res, i) == OID_BOOL) return v[0] == 't';
  if (strpbrk(v, ".eE")) return (int64_t)strtod(v, NULL); /* as SQLite: truncated */
  return strtoll(v, NULL, 10);
}

double rp_pg_col_double(rp_pg_stmt *st, int i) {
  if (!has_value(st, i)) return 0;
  const char *v = PQgetvalue(st->res, st->row, i);
  if (PQftype(st->res, i) == OID_BOOL) return v[0] == 't';
  return strtod(v, NULL);
}

/* A bytea column of the current row, decoded once (NUL-terminated). */
static pg_blob *blob_of(rp_pg_stmt *st, int i) {
  pg_blob *b = &st->blobs[i];
  if (b->row == st->row) return b;
  free(b->p);
  size_t n = 0;
  unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, i), &n);
  b->p = rp_xmalloc(n + 1);
  if (raw) memcpy(b->p, raw, n);
  PQfreemem(raw);
  b->p[n] = '\0';
  b->n = raw ? n : 0;
  b->row = st->row;
  return b;
}

const unsigned char *rp_pg_col_str(rp_pg_stmt *st, int i) {
  st->last_bytes = 0;
  if (!has_value(st, i)) return NULL;
  if (PQftype(st->res, i) == OID_BYTEA) {
    pg_blob *b = blob_of(st, i);
    st->last_bytes = (int)b->n;
    return b->p;
  }
  st->last_bytes = PQgetlength(st->res, st->row, i);
  return (const unsigned char *)PQgetvalue(st->res, st->row, i);
}

const void *rp_pg_col_blob(rp_pg_stmt *st, int i) { return rp_pg_col_str(st, i); }

int rp_pg_col_bytes(rp_pg_stmt *st, int i) {
  if (!has_value(st, i)) return 0;
  if (PQftype(st->res, i) == OID_BYTEA) return (int)blob_of(st, i)->n;
  return PQgetlength(st->res, st->row, i);
}

/* ---- the connection ---- */

int rp_pg_exec(rp_store *s, const char *sql, const char *what) {
  if (!strncmp(sql, "BEGIN", 5)) s->pg->tx_serial++;
  int n_params = 0;
  char *text = rp_pg_translate(sql, NULL, &n_params);
  PGresult *res = PQexec(s->pg->conn, text);
  free(text);
  ExecStatusType status = PQresultStatus(res);
  int rc = 0;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    pg_fail(s->pg, res, "failed");
    rc = rp_error_set(RP_EINTERNAL, NULL, "%s: %s", what, s->pg->errmsg);
  } else {
    const char *changed = PQcmdTuples(res);
    if (changed && *changed) s->pg->changes = strtoll(changed, NULL, 10);
  }
  PQclear(res);
  return rc;
}

/* libpq prints notices (e.g. "relation already exists, skipping") on
 * stderr by default: the store has nothing to say about them. */
static void quiet_notices(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

int rp_pg_open(rp_store *s, const char *url) {
  rp_pg *pg = rp_xcalloc(1, sizeof *pg);
  pg->conn = PQconnectdb(url);
  if (PQstatus(pg->conn) != CONNECTION_OK) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s", PQerrorMessage(pg->conn));
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
      msg[--n] = '\0';
    PQfinish(pg->conn);
    free(pg);
    /* the URL may hold a password: not repeated */
    return rp_error_set(RP_EINTERNAL, NULL, "cannot connect to PostgreSQL: %s", msg);
  }
  PQsetNoticeProcessor(pg->conn, quiet_notices, NULL);
  s->pg = pg;
  /* UTC and plain strings whatever the server's defaults */
  int rc = rp_pg_exec(s, SESSION_SETTINGS, "connect");
  if (rc) {
    rp_pg_close(s);
    return rc;
  }
  return 0;
}

void rp_pg_close(rp_store *s) {
  if (!s->pg) return;
  PQfinish(s->pg->conn);
  free(s->pg->errmsg);
  free(s->pg);
  s->pg = NULL;
}
