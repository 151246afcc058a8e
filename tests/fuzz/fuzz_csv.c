/* fuzz_csv.c: libFuzzer driver for the CSV contact reader and writer
 * (io/csv.h). The first byte picks the chunk size the input is fed in and
 * the default region; the rest is the file. Beyond memory errors and UB it
 * checks the contract:
 *  - feeding in chunks gives the same rows and errors, on the same lines,
 *    as feeding the whole input;
 *  - the result is 0 or RP_EINVALID_VALUE with a message; every row error
 *    has a message and a line within the input;
 *  - every contact handed over is one the API accepts (rendered, it parses
 *    again with rp_contact_from_json);
 *  - written with rp_csv_write_contact and read back, it is the same
 *    contact (export then import, API.md); checked for the first rows
 *    only, to keep the executions fast. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/contact_json.h"
#include "io/csv.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

static const char *const regions[] = {"US", "GB", "FR", "DE"};
static const size_t chunks[] = {1, 2, 3, 5, 16, 64, 1000, 1 << 20};

typedef struct run {
  json_t *rows, *errors;
  size_t lines; /* line ends in the input, + 1 */
} run;

static void die(const char *what, const json_t *detail) {
  char *s = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
  fprintf(stderr, "%s%s%s\n", what, s ? ": " : "", s ? s : "");
  free(s);
  abort();
}

static json_t *render(const rp_contact *c) {
  json_t *o = rp_contact_to_json(c);
  json_object_del(o, "display_name");
  return o;
}

static int on_row(void *ctx, const rp_csv_row *row) {
  run *r = ctx;
  if (row->line < 1 || row->line > r->lines) die("row line out of the input", NULL);
  json_t *o = render(&row->contact);
  if (!row->contact.display_name || !row->contact.display_name[0]) die("no display name", o);
  /* the API accepts it as it is */
  json_t *again = json_deep_copy(o);
  const char *k;
  json_t *v;
  void *tmp;
  json_object_foreach_safe(again, tmp, k, v) {
    if (rp_contact_key_readonly(k)) json_object_del(again, k);
  }
  rp_arena ar = {0};
  rp_contact c2;
  if (rp_contact_from_json(&c2, NULL, again, "US", &ar) != 0) {
    fprintf(stderr, "%s: %s\n", rp_error_last()->field, rp_error_last()->message);
    die("imported contact refused by the API's parser", o);
  }
  rp_arena_free(&ar);
  json_decref(again);
  json_array_append_new(r->rows, json_pack("{s:I, s:o}", "line", (json_int_t)row->line, "c", o));
  return 0;
}

static int on_error(void *ctx, size_t line, const char *message) {
  run *r = ctx;
  if (line < 1 || line > r->lines || !message || !message[0]) die("bad error report", NULL);
  json_array_append_new(r->errors, json_pack("{s:I, s:s}", "line", (json_int_t)line, "m", message));
  return 0;
}

static int feed(run *r, const char *p, size_t n, size_t chunk, const char *region) {
  r->rows = json_array();
  r->errors = json_array();
  r->lines = 1;
  for (size_t i = 0; i < n; i++)
    r->lines += p[i] == '\n' || p[i] == '\r';
  rp_csv_reader *rd = rp_csv_reader_new(region, NULL, on_row, on_error, r);
  int rc = 0;
  for (size_t off = 0; off < n && !rc; off += chunk)
    rc = rp_csv_reader_feed(rd, p + off, n - off < chunk ? n - off : chunk);
  if (!rc) rc = rp_csv_reader_finish(rd);
  rp_csv_reader_free(rd);
  if (rc != 0 && rc != RP_EINVALID_VALUE) die("unexpected result", NULL);
  if (rc && !rp_error_last()->message[0]) die("refusal without a message", NULL);
  return rc;
}

/* Export then import: one contact through the writer and the reader. */
static void roundtrip(const json_t *row, const char *region) {
  rp_arena ar = {0};
  json_t *body = json_deep_copy(json_object_get(row, "c"));
  const char *k;
  json_t *v;
  void *tmp;
  json_object_foreach_safe(body, tmp, k, v) {
    if (rp_contact_key_readonly(k)) json_object_del(body, k);
  }
  rp_contact c;
  if (rp_contact_from_json(&c, NULL, body, region, &ar) != 0) die("cannot rebuild", body);
  rp_csv_writer w = {.n_emails = 20, .n_phones = 20};
  rp_sb sb = {0};
  rp_csv_write_header(&sb, &w);
  rp_csv_write_contact(&sb, &w, &c);
  run back;
  if (feed(&back, sb.p, sb.len, 1 << 20, region) != 0 || json_array_size(back.rows) != 1 ||
      json_array_size(back.errors) != 0) {
    fprintf(stderr, "written: %s\n", sb.p);
    die("export does not read back", back.errors);
  }
  json_t *want = render(&c);
  if (!json_equal(want, json_object_get(json_array_get(back.rows, 0), "c"))) {
    fprintf(stderr, "written: %s\n", sb.p);
    die("export then import changed the contact", json_array_get(back.rows, 0));
  }
  json_decref(want);
  json_decref(back.rows);
  json_decref(back.errors);
  rp_sb_free(&sb);
  json_decref(body);
  rp_arena_free(&ar);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const char *region = regions[data[0] % 4];
  size_t chunk = chunks[(data[0] >> 2) % (sizeof chunks / sizeof chunks[0])];
  const char *p = (const char *)data + 1;
  size_t n = size - 1;

  run whole, part;
  rp_error_clear();
  int rc1 = feed(&whole, p, n, n ? n : 1, region);
  int rc2 = feed(&part, p, n, chunk, region);
  if (rc1 != rc2 || !json_equal(whole.rows, part.rows) || !json_equal(whole.errors, part.errors))
    die("chunked reading differs", part.errors);
  for (size_t i = 0; i < json_array_size(whole.rows) && i < 4; i++)
    roundtrip(json_array_get(whole.rows, i), region);
  json_decref(whole.rows);
  json_decref(whole.errors);
  json_decref(part.rows);
  json_decref(part.errors);
  return 0;
}
