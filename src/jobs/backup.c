/* backup.c: everything of an account as JSONL, and back (backup.h). */
#include "jobs/backup.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/jsonl.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

/* ---- export ---- */

#define FLUSH_AT ((size_t)64 << 10)

typedef struct export_ctx {
  rp_sb buf;
  rp_backup_write_fn w;
  void *ctx;
  int64_t rows;
} export_ctx;

static int flush(export_ctx *x) {
  if (!x->buf.len) return 0;
  int rc = x->w(x->ctx, x->buf.p, x->buf.len);
  rp_sb_reset(&x->buf);
  return rc;
}

static int on_row(void *ctx, const char *table, const char *const *cols, const rp_store_value *vals,
                  size_t n) {
  export_ctx *x = ctx;
  int rc = rp_jsonl_write_row(&x->buf, table, cols, vals, n);
  if (rc) return rc;
  x->rows++;
  return x->buf.len >= FLUSH_AT ? flush(x) : 0;
}

int rp_backup_export(rp_store *s, const char *account_id, rp_time now, rp_backup_write_fn w,
                     void *ctx, int64_t *rows) {
  export_ctx x = {.w = w, .ctx = ctx};
  rp_arena ar = {0};
  rp_account acct;
  int schema = 0;
  if (rows) *rows = 0;
  int rc = rp_store_account_get(s, &ar, &acct, account_id);
  if (!rc) rc = rp_store_schema_version(s, &schema);
  if (!rc) {
    rp_jsonl_write_header(&x.buf, schema, account_id, now);
    rc = rp_store_dump(s, account_id, on_row, &x);
  }
  if (!rc) rc = flush(&x);
  if (!rc && rows) *rows = x.rows;
  rp_sb_free(&x.buf);
  rp_arena_free(&ar);
  return rc;
}

/* ---- import ---- */

/* A bounded line reader over rd: lines of at most RP_JSONL_LINE_MAX bytes
 * (without the "\n"). */
typedef struct line_reader {
  rp_backup_read_fn rd;
  void *ctx;
  char *buf;
  size_t cap, pos, have;
  bool eof;
} line_reader;

/* The next line into *p, *len; *got false at the end of the file. */
static int next_line(line_reader *lr, const char **p, size_t *len, bool *got) {
  *got = false;
  for (;;) {
    char *nl = lr->have > lr->pos ? memchr(lr->buf + lr->pos, '\n', lr->have - lr->pos) : NULL;
    if (nl || (lr->eof && lr->have > lr->pos)) {
      size_t end = nl ? (size_t)(nl - lr->buf) : lr->have;
      *p = lr->buf + lr->pos;
      *len = end - lr->pos;
      lr->pos = nl ? end + 1 : end;
      *got = true;
      if (*len > RP_JSONL_LINE_MAX) break;
      return 0;
    }
    if (lr->eof) return 0;
    if (lr->have - lr->pos > RP_JSONL_LINE_MAX) break;
    if (lr->pos) { /* keep the partial line at the start */
      memmove(lr->buf, lr->buf + lr->pos, lr->have - lr->pos);
      lr->have -= lr->pos;
      lr->pos = 0;
    }
    if (lr->have == lr->cap) {
      lr->cap = lr->cap ? lr->cap * 2 : (size_t)1 << 20;
      lr->buf = rp_xrealloc(lr->buf, lr->cap);
    }
    long n = lr->rd(lr->ctx, lr->buf + lr->have, lr->cap - lr->have);
    if (n < 0) return (int)n;
    if (n == 0) lr->eof = true;
    lr->have += (size_t)n;
  }
  return rp_error_set(RP_ETOOLARGE, NULL, "a line of more than %zu MiB", RP_JSONL_LINE_MAX >> 20);
}

static bool blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
  return true;
}

/* Puts "line N: " before the thread error's message; returns its code. */
static int at_line(int64_t line) {
  rp_error e = *rp_error_last();
  if (line > 0)
    return rp_error_set(e.code, e.field[0] ? e.field : NULL, "line %lld: %s", (long long)line,
                        e.message);
  return rp_error_set(e.code, e.field[0] ? e.field : NULL, "at the end of the file: %s", e.message);
}

int rp_backup_import(rp_store *s, rp_arena *ar, rp_backup_read_fn rd, void *ctx,
                     rp_backup_result *out) {
  memset(out, 0, sizeof *out);
  line_reader lr = {.rd = rd, .ctx = ctx};
  rp_arena la = {0};
  rp_restore *r = NULL;
  int64_t line = 0;
  int rc = 0;
  for (;;) {
    const char *p;
    size_t len;
    bool got;
    line++;
    if ((rc = next_line(&lr, &p, &len, &got))) break;
    if (!got) break;
    if (blank(p, len)) continue;
    rp_jsonl_line l;
    rp_arena_free(&la);
    if ((rc = rp_jsonl_parse_line(&l, &la, p, len))) break;
    if (!r) {
      if (!l.header) {
        rc = rp_error_set(RP_EINVALID_VALUE, NULL,
                          "the file must start with the header line of an export "
                          "({\"rapport_export\": 1, ...})");
        break;
      }
      memcpy(out->account_id, l.account_id, RP_ID_LEN);
      out->schema = l.schema;
      if ((rc = rp_store_restore_begin(s, l.account_id, l.schema, &r))) break;
      continue;
    }
    if (l.header) {
      rc = rp_error_set(RP_EINVALID_VALUE, NULL, "a second header line");
      break;
    }
    if ((rc = rp_store_restore_row(r, l.table, l.cols, l.vals, l.n))) break;
    out->rows++;
  }
  if (rc) {
    at_line(line);
  } else if (!r) {
    rc = rp_error_set(RP_EINVALID_VALUE, NULL, "the file is empty");
  } else {
    rc = rp_store_restore_finish(r, ar, &out->counts, &out->n_counts);
    r = NULL;
    if (rc) at_line(0);
  }
  rp_store_restore_abort(r);
  rp_arena_free(&la);
  free(lr.buf);
  return rc;
}
