/* util/clock.c: RFC 3339 and dates, as API.md writes and reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/clock.h"

static rp_time parse(const char *s) {
  rp_time t = -1;
  assert_int_equal(rp_time_parse(&t, s, strlen(s)), 0);
  return t;
}

static void test_clock_format_and_parse_round_trip(void **state) {
  (void)state;
  char buf[21], day[11];
  assert_string_equal(rp_time_format(0, buf), "1970-01-01T00:00:00Z");
  assert_string_equal(rp_time_format(1795615500, buf), "2026-11-25T14:05:00Z");
  assert_string_equal(rp_date_format(1795615500, day), "2026-11-25");
  assert_string_equal(rp_time_format(-1, buf), "1969-12-31T23:59:59Z");
  for (rp_time t = -86400 * 400; t < 86400 * 400 * 60; t += 86400 * 37 + 3607) {
    rp_time_format(t, buf);
    assert_int_equal(parse(buf), t);
  }
}

static void test_clock_parse_offsets_fractions_and_dates(void **state) {
  (void)state;
  assert_int_equal(parse("2026-11-25T16:05:00+02:00"), parse("2026-11-25T14:05:00Z"));
  assert_int_equal(parse("2026-11-25t14:05:00.123456z"), parse("2026-11-25T14:05:00Z"));
  assert_int_equal(parse("2026-11-25"), parse("2026-11-25T00:00:00Z"));
  assert_int_equal(parse("2024-02-29T00:00:00Z") + 86400, parse("2024-03-01T00:00:00Z"));
}

static void test_clock_refuses_what_is_not_a_time(void **state) {
  (void)state;
  const char *bad[] = {"",
                       "2026-02-29",
                       "2026-13-01",
                       "2026-11-31T00:00:00Z",
                       "2026-11-25T24:00:00Z",
                       "2026-11-25T14:05:00",
                       "2026-11-25T14:05:00+2:00",
                       "2026-11-25T14:05:00.Z",
                       "2026-11-25T14:05:00Zjunk",
                       "26-11-25",
                       "2026/11/25"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rp_time t;
    assert_int_not_equal(rp_time_parse(&t, bad[i], strlen(bad[i])), 0);
  }
  rp_time t;
  assert_int_not_equal(rp_date_parse(&t, "2026-11-25T00:00:00Z", 20), 0);
}

static void test_clock_pinned_for_tests(void **state) {
  (void)state;
  rp_clock_set(1234567890);
  assert_int_equal(rp_clock_now(), 1234567890);
  rp_clock_set(0);
  assert_true(rp_clock_now() > 1700000000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clock_format_and_parse_round_trip),
      cmocka_unit_test(test_clock_parse_offsets_fractions_and_dates),
      cmocka_unit_test(test_clock_refuses_what_is_not_a_time),
      cmocka_unit_test(test_clock_pinned_for_tests),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
