/* fuzz_jsonl_line.c: libFuzzer driver for the line parser of a
 * whole-account export (io/jsonl.h). Beyond memory errors and UB it
 * checks the contract: a refusal sets the thread error with its code and
 * a message; a header has version 1 and a UUID account; a row has 1 to
 * RP_JSONL_COLS_MAX well-named columns, and writing it again
 * (rp_jsonl_write_row) gives a line that parses to the same values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/jsonl.h"
#include "util/error.h"

static bool name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > RP_JSONL_NAME_MAX) return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return false;
  return true;
}

static bool same_value(const rp_store_value *a, const rp_store_value *b) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case RP_SV_NULL: return true;
  case RP_SV_INT: return a->i == b->i;
  case RP_SV_REAL: return memcmp(&a->d, &b->d, sizeof a->d) == 0 || a->d == b->d;
  default: return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rp_arena ar = {0};
  rp_jsonl_line l;
  rp_error_clear();
  int rc = rp_jsonl_parse_line(&l, &ar, (const char *)data, size);
  if (rc) {
    if (rp_error_last()->code != rc || !rp_error_last()->message[0] || l.n || l.header) abort();
    rp_arena_free(&ar);
    return 0;
  }
  if (l.header) {
    if (l.version != RP_JSONL_VERSION || !rp_uuid_valid(l.account_id, strlen(l.account_id)) ||
        l.schema < 1)
      abort();
    rp_arena_free(&ar);
    return 0;
  }
  if (!l.table || !name_ok(l.table) || l.n == 0 || l.n > RP_JSONL_COLS_MAX) abort();
  for (size_t i = 0; i < l.n; i++)
    if (!name_ok(l.cols[i])) abort();
  rp_sb out = {0};
  if (rp_jsonl_write_row(&out, l.table, l.cols, l.vals, l.n)) abort();
  if (out.len == 0 || out.p[out.len - 1] != '\n') abort();
  rp_jsonl_line again;
  if (rp_jsonl_parse_line(&again, &ar, out.p, out.len - 1)) abort();
  if (again.header || strcmp(again.table, l.table) || again.n != l.n) abort();
  for (size_t i = 0; i < l.n; i++)
    if (strcmp(again.cols[i], l.cols[i]) || !same_value(&again.vals[i], &l.vals[i])) abort();
  rp_sb_free(&out);
  rp_arena_free(&ar);
  return 0;
}
