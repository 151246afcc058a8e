/* store_db.c: the statement API over both engines (store_internal.h):
 * the statement caches, running statements, savepoints, binding and
 * reading ids and times, keyset cursors, and the mapping of either
 * engine's failures onto util/error.h. The engines themselves are
 * store_sqlite.c and store_pg.c; connections and transactions are
 * store_conn.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/text.h"
#include "util/uuid.h"

/* ---- helpers shared by the store's files ---- */

int rp_sql_errkind(rp_store *s) {
  if (s && s->pg) return rp_pg_errkind(s);
  switch (s && s->db ? sqlite3_extended_errcode(s->db) : SQLITE_ERROR) {
  case SQLITE_CONSTRAINT_UNIQUE:
  case SQLITE_CONSTRAINT_PRIMARYKEY: return RP_DBERR_UNIQUE;
  case SQLITE_CONSTRAINT_FOREIGNKEY: return RP_DBERR_FOREIGN_KEY;
  default:
    return s && s->db && sqlite3_errcode(s->db) == SQLITE_CONSTRAINT ? RP_DBERR_CONSTRAINT
                                                                     : RP_DBERR_OTHER;
  }
}

const char *rp_sql_errmsg(rp_store *s) {
  if (s && s->pg) return rp_pg_errmsg(s);
  return s && s->db ? sqlite3_errmsg(s->db) : "no connection";
}

int rp_sql_error(rp_store *s, int rc, const char *field) {
  (void)rc; /* the connection knows more than the step's code */
  switch (rp_sql_errkind(s)) {
  case RP_DBERR_UNIQUE: return rp_error_set(RP_ECONFLICT, field, "already exists");
  case RP_DBERR_FOREIGN_KEY:
    return rp_error_set(RP_ENOTFOUND, NULL, "refers to something that does not exist");
  default: return rp_error_set(RP_EINTERNAL, NULL, "database: %s", rp_sql_errmsg(s));
  }
}

int64_t rp_sql_changes(rp_store *s) { return s->pg ? rp_pg_changes(s) : sqlite3_changes64(s->db); }

bool rp_sql_autocommit(rp_store *s) {
  return s->pg ? rp_pg_autocommit(s) : sqlite3_get_autocommit(s->db) != 0;
}

int rp_sql_exec(rp_store *s, const char *sql, const char *what) {
  if (s->pg) return rp_pg_exec(s, sql, what);
  char *err = NULL;
  int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
  if (rc == SQLITE_OK) return 0;
  rp_error_set(RP_EINTERNAL, NULL, "%s: %s", what, err ? err : sqlite3_errmsg(s->db));
  sqlite3_free(err);
  return RP_EINTERNAL;
}

/* Prepares sql on s's engine into *out (zeroed on failure). persistent:
 * kept for the life of the connection (the caches). */
static int prepare(rp_store *s, const char *sql, bool persistent, rp_stmt *out) {
  memset(out, 0, sizeof *out);
  if (s->pg) return rp_pg_prepare(s, sql, &out->pg);
  int rc = sqlite3_prepare_v3(s->db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                              &out->lite, NULL);
  if (rc == SQLITE_OK) return 0;
  rc = rp_sql_error(s, rc, NULL);
  sqlite3_finalize(out->lite);
  out->lite = NULL;
  return rc;
}

int rp_sql_prepare(rp_store *s, const char *sql, rp_stmt *out) {
  return prepare(s, sql, false, out);
}

void rp_sql_finalize(rp_stmt *st) {
  if (!st) return;
  if (st->lite) sqlite3_finalize(st->lite);
  if (st->pg) rp_pg_finalize(st->pg);
  st->lite = NULL;
  st->pg = NULL;
}

void rp_sql_done(rp_stmt *st) {
  if (!st) return;
  if (st->lite) {
    sqlite3_reset(st->lite);
    sqlite3_clear_bindings(st->lite);
  } else if (st->pg) {
    rp_pg_reset(st->pg);
  }
}

rp_stmt *rp_sql_stmt(rp_store *s, rp_stmt_id id, const char *sql) {
  rp_stmt *st = &s->st[id];
  if (st->lite || st->pg) {
    rp_sql_done(st);
    return st;
  }
  return prepare(s, sql, true, st) ? NULL : st;
}

rp_stmt *rp_sql_dyn(rp_store *s, const char *sql) {
  int victim = 0;
  for (int i = 0; i < RP_DYN_CACHE; i++) {
    if (s->dyn[i].sql && !strcmp(s->dyn[i].sql, sql)) {
      s->dyn[i].used = ++s->dyn_clock;
      rp_sql_done(&s->dyn[i].st);
      return &s->dyn[i].st;
    }
    if (s->dyn[i].used < s->dyn[victim].used) victim = i;
  }
  rp_stmt st;
  if (prepare(s, sql, true, &st)) return NULL;
  rp_sql_finalize(&s->dyn[victim].st);
  free(s->dyn[victim].sql);
  s->dyn[victim].sql = rp_xstrdup(sql);
  s->dyn[victim].st = st;
  s->dyn[victim].used = ++s->dyn_clock;
  return &s->dyn[victim].st;
}

int rp_sql_run(rp_store *s, rp_stmt *st, const char *field) {
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
  }
  int out = rc == RP_DONE ? 0 : rp_sql_error(s, rc, field);
  rp_sql_done(st);
  return out;
}

int rp_sql_simple(rp_store *s, rp_stmt_id id, const char *sql) {
  rp_stmt *st = rp_sql_stmt(s, id, sql);
  if (!st) return rp_error_last()->code;
  return rp_sql_run(s, st, NULL);
}

int rp_sql_sp_begin(rp_store *s, bool *taken) {
  *taken = false;
  if (!rp_sql_autocommit(s)) return 0;
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
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ROLLBACK_TO, "ROLLBACK TO rp_op");
  if (st) {
    rp_step(st);
    rp_sql_done(st);
  }
  st = rp_sql_stmt(s, RP_ST_RELEASE, "RELEASE rp_op");
  if (st) {
    rp_step(st);
    rp_sql_done(st);
  }
  rp_error_set(saved.code, saved.field[0] ? saved.field : NULL, "%s", saved.message);
  return rc;
}

void rp_bind_text(rp_stmt *st, int i, const char *v) {
  if (v)
    rp_bind_textn(st, i, v, -1);
  else
    rp_bind_null(st, i);
}

/* A NULL of an id or a time: on PostgreSQL typed, for `? IS NULL`. */
static void bind_null_as(rp_stmt *st, int i, char kind) {
  if (st->pg)
    rp_pg_bind_typed_null(st->pg, i, kind);
  else
    rp_bind_null(st, i);
}

void rp_bind_time(rp_stmt *st, int i, rp_time t) {
  if (t)
    rp_bind_int64(st, i, t);
  else
    bind_null_as(st, i, 'i');
}

rp_time rp_col_time(rp_stmt *st, int i) {
  return rp_col_type(st, i) == RP_NULL ? 0 : rp_col_int64(st, i);
}

char *rp_col_text(rp_stmt *st, int i, rp_arena *ar) {
  if (rp_col_type(st, i) == RP_NULL) return NULL;
  const unsigned char *p = rp_col_str(st, i);
  int n = rp_col_bytes(st, i);
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

void rp_bind_id(rp_stmt *st, int i, const char *id) {
  if (!id) {
    bind_null_as(st, i, 'b');
    return;
  }
  size_t n = strlen(id);
  unsigned char *b = id_ring[id_ring_pos++ % ID_RING];
  if (!id_parse(id, n, b)) {
    rp_bind_textn(st, i, id, (int)n);
    return;
  }
  rp_bind_blob(st, i, b, 16);
}

/* Formats column i (a 16-byte id blob, or text) into out (RP_ID_LEN). */
static void id_format(rp_stmt *st, int i, char *out) {
  static const char hex[] = "0123456789abcdef";
  out[0] = '\0';
  int type = rp_col_type(st, i);
  if (type == RP_BLOB && rp_col_bytes(st, i) == 16) {
    const unsigned char *b = rp_col_blob(st, i);
    int o = 0;
    for (int k = 0; k < 16; k++) {
      if (k == 4 || k == 6 || k == 8 || k == 10) out[o++] = '-';
      out[o++] = hex[b[k] >> 4];
      out[o++] = hex[b[k] & 15];
    }
    out[o] = '\0';
  } else if (type != RP_NULL) {
    rp_id_copy(out, (const char *)rp_col_str(st, i));
  }
}

void rp_col_id(rp_stmt *st, int i, char out[static RP_ID_LEN]) { id_format(st, i, out); }

char *rp_col_id_dup(rp_stmt *st, int i, rp_arena *ar) {
  if (rp_col_type(st, i) == RP_NULL) return NULL;
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
