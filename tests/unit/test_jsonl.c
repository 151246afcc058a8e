/* test_jsonl.c: the lines of a whole-account export (io/jsonl.h; docs/api.md
 * "Backup and restore"). What the writer makes reads back as the same
 * values (reals stay reals, ids text, binary data base64), and a line a
 * user broke by hand is refused with the field at fault and why, which
 * `rapport import` prints after the line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "io/jsonl.h"
#include "util/error.h"

#define ACCT "01a215ea-bf3c-7704-b701-d14e0d905804"

static int parse(rp_arena *ar, rp_jsonl_line *l, const char *s) {
  return rp_jsonl_parse_line(l, ar, s, strlen(s));
}

static void test_jsonl_row_round_trip(void **state) {
  (void)state;
  rp_arena ar = {0};
  const char *cols[] = {"account_id", "score", "version", "notes", "body", "timeframe"};
  rp_store_value v[] = {
      {.kind = RP_SV_TEXT, .p = ACCT, .len = 36},
      {.kind = RP_SV_REAL, .d = 41.0},
      {.kind = RP_SV_INT, .i = -9007199254740993LL},
      {.kind = RP_SV_TEXT, .p = "Café \"on\" Main\nline 2\t\x01", .len = 24},
      {.kind = RP_SV_BLOB, .p = "\x00\xff\x10 binary", .len = 10},
      {.kind = RP_SV_NULL},
  };
  rp_sb out = {0};
  assert_int_equal(rp_jsonl_write_row(&out, "contacts", cols, v, 6), 0);
  assert_true(out.len > 0 && out.p[out.len - 1] == '\n');
  assert_non_null(strstr(out.p, "\"score\":41.0,"));
  assert_non_null(strstr(out.p, "\"body\":{\"b64\":\"AP8QIGJpbmFyeQ==\"}"));
  rp_jsonl_line l;
  assert_int_equal(rp_jsonl_parse_line(&l, &ar, out.p, out.len - 1), 0);
  assert_false(l.header);
  assert_string_equal(l.table, "contacts");
  assert_int_equal(l.n, 6);
  for (size_t i = 0; i < 6; i++) {
    assert_string_equal(l.cols[i], cols[i]);
    assert_int_equal(l.vals[i].kind, v[i].kind);
    assert_int_equal(l.vals[i].len, v[i].len);
    if (v[i].len) assert_memory_equal(l.vals[i].p, v[i].p, v[i].len);
  }
  assert_true(l.vals[1].d == 41.0);
  assert_true(l.vals[2].i == -9007199254740993LL);
  rp_sb_free(&out);
  rp_arena_free(&ar);
}

static void test_jsonl_header(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_sb out = {0};
  rp_time t = 0;
  assert_int_equal(rp_time_parse(&t, "2026-11-24T14:05:00Z", 20), 0);
  rp_jsonl_write_header(&out, 9, ACCT, t);
  assert_string_equal(out.p, "{\"rapport_export\":1,\"schema\":9,\"account_id\":\"" ACCT
                             "\",\"exported_at\":\"2026-11-24T14:05:00Z\"}\n");
  assert_true(rp_jsonl_is_export(out.p, out.len));
  assert_true(rp_jsonl_is_export("{ \"rapport_export\": 1", 21));
  assert_false(rp_jsonl_is_export("first_name,email\n", 17));
  rp_jsonl_line l;
  assert_int_equal(rp_jsonl_parse_line(&l, &ar, out.p, out.len - 1), 0);
  assert_true(l.header);
  assert_int_equal(l.schema, 9);
  assert_string_equal(l.account_id, ACCT);
  assert_true(l.exported_at == t);
  rp_sb_free(&out);
  rp_arena_free(&ar);
}

static void test_jsonl_refusals_say_why(void **state) {
  (void)state;
  static const struct {
    const char *line;
    int code;
    const char *field, *message;
  } cases[] = {
      {"{\"t\":\"contacts\",\"r\":{\"score\":1,\"score\":2}}", RP_EINVALID_JSON, "", "duplicate"},
      {"[1]", RP_EINVALID_JSON, "", "one JSON object"},
      {"{\"t\":\"contacts\",\"r\":{\"notes\":\"a\\u0000b\"}}", RP_EINVALID_JSON, "", "column"},
      {"{\"t\":\"contacts\",\"r\":{\"id\":\"x\"", RP_EINVALID_JSON, "", "column"},
      {"{\"t\":\"Contacts\",\"r\":{\"id\":1}}", RP_EINVALID_VALUE, "t", "table name"},
      {"{\"t\":\"contacts\",\"r\":{}}", RP_EINVALID_VALUE, "r", "columns"},
      {"{\"t\":\"contacts\",\"r\":[]}", RP_EINVALID_VALUE, "r", "object"},
      {"{\"t\":\"contacts\",\"r\":{\"id\":1},\"x\":2}", RP_EUNKNOWN_FIELD, "x", "only"},
      {"{\"t\":\"contacts\",\"r\":{\"bad-name\":1}}", RP_EINVALID_VALUE, "r.bad-name", "column"},
      {"{\"t\":\"contacts\",\"r\":{\"archived\":true}}", RP_EINVALID_VALUE, "r.archived", "true"},
      {"{\"t\":\"contacts\",\"r\":{\"tags\":[1]}}", RP_EINVALID_VALUE, "r.tags", "array"},
      {"{\"t\":\"t\",\"r\":{\"body\":{\"b64\":\"!!\"}}}", RP_EINVALID_VALUE, "r.body", "base64"},
      {"{\"t\":\"t\",\"r\":{\"body\":{\"hex\":\"00\"}}}", RP_EINVALID_VALUE, "r.body", "b64"},
      {"{\"rapport_export\":2,\"schema\":9,\"account_id\":\"" ACCT
       "\",\"exported_at\":\"2026-11-24T14:05:00Z\"}",
       RP_EINVALID_VALUE, "rapport_export", "version 1"},
      {"{\"rapport_export\":1,\"account_id\":\"" ACCT
       "\",\"exported_at\":\"2026-11-24T14:05:00Z\"}",
       RP_EINVALID_VALUE, "schema", "missing"},
      {"{\"rapport_export\":1,\"schema\":9,\"account_id\":\"acme\",\"exported_at\":\"2026-11-24T14:"
       "05:00Z\"}",
       RP_EINVALID_VALUE, "account_id", "UUID"},
      {"{\"rapport_export\":1,\"schema\":9,\"account_id\":\"" ACCT "\",\"exported_at\":\"today\"}",
       RP_EINVALID_VALUE, "exported_at", "RFC 3339"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_arena ar = {0};
    rp_jsonl_line l;
    rp_error_clear();
    int rc = parse(&ar, &l, cases[i].line);
    if (rc != cases[i].code)
      fail_msg("%s: got %d (%s)", cases[i].line, rc, rp_error_last()->message);
    assert_string_equal(rp_error_last()->field, cases[i].field);
    if (!strstr(rp_error_last()->message, cases[i].message))
      fail_msg("%s: message '%s' lacks '%s'", cases[i].line, rp_error_last()->message,
               cases[i].message);
    rp_arena_free(&ar);
  }
}

static void test_jsonl_writer_refuses_what_json_cannot_hold(void **state) {
  (void)state;
  const char *cols[] = {"id", "notes"};
  rp_store_value v[] = {{.kind = RP_SV_INT, .i = 1},
                        {.kind = RP_SV_TEXT, .p = "\xff\xfe", .len = 2}};
  rp_sb out = {0};
  rp_sb_puts(&out, "kept");
  assert_int_equal(rp_jsonl_write_row(&out, "contacts", cols, v, 2), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "contacts.notes");
  assert_string_equal(rp_sb_str(&out), "kept");
  v[1] = (rp_store_value){.kind = RP_SV_REAL, .d = 1.0 / 0.0};
  assert_int_equal(rp_jsonl_write_row(&out, "contacts", cols, v, 2), RP_EINVALID_VALUE);
  assert_string_equal(rp_sb_str(&out), "kept");
  rp_sb_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_jsonl_row_round_trip),
      cmocka_unit_test(test_jsonl_header),
      cmocka_unit_test(test_jsonl_refusals_say_why),
      cmocka_unit_test(test_jsonl_writer_refuses_what_json_cannot_hold),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
