/* test_duration.c: ISO 8601 durations of workflow steps (API.md "Workflows,
 * messages, channels": "after": "PT5M", "relative_to" with "offset":
 * "-P1D"). A step's time is what the contact sees: a birthday text at 09:00
 * local must stay at 09:00 across DST, a month after Jan 31 is the end of
 * February, and a bad duration is refused with a reason the user can act
 * on. Expected instants are written in UTC, with the local time beside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/duration.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/tz.h"

static rp_time at(const char *s) {
  rp_time t = 0;
  if (rp_time_parse(&t, s, strlen(s)) != 0) fail_msg("bad time in test: %s", s);
  return t;
}

static const rp_tz *zone(const char *name) {
  const rp_tz *z = rp_tz_get(name);
  if (!z)
    fail_msg("%s: %s (is the Debian package tzdata installed?)", name, rp_error_last()->message);
  return z;
}

static rp_duration dur(const char *s) {
  rp_duration d;
  char why[128];
  if (rp_duration_parse(&d, s, strlen(s), why, sizeof why) != 0)
    fail_msg("bad duration in test: %s (%s)", s, why);
  return d;
}

static void assert_time(rp_time got, const char *want) {
  char g[21];
  if (got != at(want)) fail_msg("want %s, got %s", want, rp_time_format(got, g));
}

typedef struct {
  const char *in;
  int sign;
  int64_t y, mo, w, d, h, mi, s;
  const char *canonical;
} parse_case;

static void test_duration_parse_accepts_iso8601(void **state) {
  (void)state;
  static const parse_case cases[] = {
      {"PT5M", 1, 0, 0, 0, 0, 0, 5, 0, "PT5M"},
      {"P1D", 1, 0, 0, 0, 1, 0, 0, 0, "P1D"},
      {"-P1D", -1, 0, 0, 0, 1, 0, 0, 0, "-P1D"},
      {"+P1D", 1, 0, 0, 0, 1, 0, 0, 0, "P1D"},
      {"P1M", 1, 0, 1, 0, 0, 0, 0, 0, "P1M"},   /* M before T: months */
      {"PT1M", 1, 0, 0, 0, 0, 0, 1, 0, "PT1M"}, /* M after T: minutes */
      {"P1Y2M3W4DT5H6M7S", 1, 1, 2, 3, 4, 5, 6, 7, "P1Y2M3W4DT5H6M7S"},
      {"-P1MT1M", -1, 0, 1, 0, 0, 0, 1, 0, "-P1MT1M"},
      {"P2W", 1, 0, 0, 2, 0, 0, 0, 0, "P2W"},
      {"PT36H", 1, 0, 0, 0, 0, 36, 0, 0, "PT36H"},
      {"PT90S", 1, 0, 0, 0, 0, 0, 0, 90, "PT90S"},
      {"P007D", 1, 0, 0, 0, 7, 0, 0, 0, "P7D"},
      {"p1dt2h", 1, 0, 0, 0, 1, 2, 0, 0, "P1DT2H"}, /* lower case accepted */
      {"P0D", 1, 0, 0, 0, 0, 0, 0, 0, "P0D"},
      {"PT0S", 1, 0, 0, 0, 0, 0, 0, 0, "P0D"},
      {"-P0D", 1, 0, 0, 0, 0, 0, 0, 0, "P0D"}, /* zero has no sign */
      {"P1Y0M", 1, 1, 0, 0, 0, 0, 0, 0, "P1Y"},
      /* the 100-year bound, reached in each unit */
      {"P100Y", 1, 100, 0, 0, 0, 0, 0, 0, "P100Y"},
      {"-P1200M", -1, 0, 1200, 0, 0, 0, 0, 0, "-P1200M"},
      {"P5217W6D", 1, 0, 0, 5217, 6, 0, 0, 0, "P5217W6D"},
      {"P36525D", 1, 0, 0, 0, 36525, 0, 0, 0, "P36525D"},
      {"PT876600H", 1, 0, 0, 0, 0, 876600, 0, 0, "PT876600H"},
      {"PT3155760000S", 1, 0, 0, 0, 0, 0, 0, 3155760000, "PT3155760000S"},
  };
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const parse_case *c = &cases[i];
    rp_duration d;
    char why[128] = "";
    char text[RP_DURATION_TEXT_MAX];
    int rc = rp_duration_parse(&d, c->in, strlen(c->in), why, sizeof why);
    if (rc != 0 || d.sign != c->sign || d.years != c->y || d.months != c->mo || d.weeks != c->w ||
        d.days != c->d || d.hours != c->h || d.minutes != c->mi || d.seconds != c->s ||
        rp_duration_format(text, &d) != 0 || strcmp(text, c->canonical) != 0) {
      print_error("\"%s\": rc %d (%s) sign %d %lldY %lldM %lldW %lldD %lldH %lldM %lldS\n", c->in,
                  rc, why, d.sign, (long long)d.years, (long long)d.months, (long long)d.weeks,
                  (long long)d.days, (long long)d.hours, (long long)d.minutes,
                  (long long)d.seconds);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

typedef struct {
  const char *in;
  size_t len; /* 0: strlen(in) */
  const char *reason;
} refusal;

static void test_duration_parse_refusals_say_why(void **state) {
  (void)state;
  char long_text[80];
  memset(long_text, '0', sizeof long_text);
  long_text[0] = 'P';
  long_text[64] = 'D'; /* 65 bytes */
  static const refusal cases[] = {
      {"", 0, "empty"},
      {"1D", 0, "must start with 'P'"},
      {"D", 0, "must start with 'P'"},
      {"-", 0, "must start with 'P'"},
      {"--P1D", 0, "must start with 'P'"},
      {" P1D", 0, "must start with 'P'"},
      {"P", 0, "needs at least one component"},
      {"-P", 0, "needs at least one component"},
      {"PT", 0, "'T' must be followed by hours, minutes or seconds"},
      {"P1DT", 0, "'T' must be followed by hours, minutes or seconds"},
      {"PT1HT1M", 0, "'T' at 4 appears twice"},
      {"P1", 0, "the number at 1 has no unit"},
      {"PT15", 0, "the number at 2 has no unit"},
      {"PD", 0, "'D' at 1 needs a number before it"},
      {"P1DT2HM", 0, "'M' at 6 needs a number before it"},
      {"P1D1Y", 0, "'Y' at 4 is out of order"},
      {"PT1S1H", 0, "'H' at 5 is out of order"},
      {"P1D2D", 0, "'D' at 4 appears twice"},
      {"P1M2M", 0, "'M' at 4 appears twice"},
      {"PT1D", 0, "'D' at 3 comes after 'T'"},
      {"PT1W", 0, "'W' at 3 comes after 'T'"},
      {"P1H", 0, "'H' at 2 needs a 'T' before it (e.g. PT1H)"},
      {"P1S", 0, "'S' at 2 needs a 'T' before it"},
      {"P0.5D", 0, "fractions are not allowed (at 2)"},
      {"PT1,5H", 0, "fractions are not allowed (at 3)"},
      {"P.5D", 0, "fractions are not allowed (at 1)"},
      {"P-1D", 0, "the sign at 1 must come before the 'P'"},
      {"P1X", 0, "unexpected 'X' at 2"},
      {"PT1Y", 0, "'Y' at 3 comes after 'T'"},
      {"P1D ", 0, "unexpected byte 0x20 at 3"},
      {"P1\x00"
       "D",
       4, "unexpected byte 0x00 at 2"},
      {"P101Y", 0, "longer than 100 years"},
      {"P100Y1D", 0, "longer than 100 years"},
      {"P1201M", 0, "longer than 100 years"},
      {"P36526D", 0, "longer than 100 years"},
      {"PT3155760001S", 0, "longer than 100 years"},
      {"P99999999999999999999999999D", 0, "longer than 100 years"}, /* no overflow */
  };
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0] + 1; i++) {
    const char *in = i < sizeof cases / sizeof cases[0] ? cases[i].in : long_text;
    size_t len = i < sizeof cases / sizeof cases[0] ? (cases[i].len ? cases[i].len : strlen(in))
                                                    : (size_t)65;
    const char *reason =
        i < sizeof cases / sizeof cases[0] ? cases[i].reason : "longer than 64 characters";
    rp_duration d = {.sign = -1, .days = 9};
    char why[128] = "";
    int rc = rp_duration_parse(&d, in, len, why, sizeof why);
    if (rc != RP_EINVALID_VALUE || !strstr(why, reason) || d.sign != 1 || d.days != 0) {
      print_error("\"%.*s\": want \"%s\", got rc %d \"%s\"\n", (int)len, in, reason, rc, why);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
  /* a 64-byte duration is fine; why may be NULL */
  rp_duration d;
  long_text[0] = 'P';
  memset(long_text + 1, '0', 62);
  long_text[63] = 'D';
  assert_int_equal(rp_duration_parse(&d, long_text, 64, NULL, 0), 0);
  assert_int_equal(rp_duration_parse(&d, "P", 1, NULL, 0), RP_EINVALID_VALUE);
}

static void test_duration_round_trip(void **state) {
  (void)state;
  static const char *const texts[] = {
      "P1Y", "-P2M", "P3W", "PT4H5S", "-P1DT1S", "P100Y", "P1Y1M1W1DT1H1M1S"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    rp_duration d = dur(texts[i]), back;
    char text[RP_DURATION_TEXT_MAX];
    assert_int_equal(rp_duration_format(text, &d), 0);
    assert_string_equal(text, texts[i]);
    assert_int_equal(rp_duration_parse(&back, text, strlen(text), NULL, 0), 0);
    assert_memory_equal(&back, &d, sizeof d);
  }
  /* the largest output fits RP_DURATION_TEXT_MAX */
  rp_duration big = {.sign = -1, .seconds = RP_DURATION_MAX_S};
  char text[RP_DURATION_TEXT_MAX];
  assert_int_equal(rp_duration_format(text, &big), 0);
  assert_string_equal(text, "-PT3155760000S");
}

static void test_duration_format_refuses_impossible_structs(void **state) {
  (void)state;
  char text[RP_DURATION_TEXT_MAX] = "x";
  rp_duration bad_sign = {.sign = 0, .days = 1};
  rp_duration negative = {.sign = 1, .days = -1};
  rp_duration too_long = {.sign = 1, .years = 100, .days = 1};
  rp_duration huge = {.sign = 1, .years = INT64_MAX};
  assert_int_equal(rp_duration_format(text, &bad_sign), RP_EINVALID_VALUE);
  assert_string_equal(text, "");
  assert_int_equal(rp_duration_format(text, &negative), RP_EINVALID_VALUE);
  assert_int_equal(rp_duration_format(text, &too_long), RP_EINVALID_VALUE);
  assert_int_equal(rp_duration_format(text, &huge), RP_EINVALID_VALUE);
  assert_int_equal(rp_duration_nominal_seconds(&too_long), RP_DURATION_MAX_S + 1);
  rp_duration ok = dur("-P1DT1H");
  assert_int_equal(rp_duration_nominal_seconds(&ok), -(86400 + 3600));
}

/* "after": "PT5M" is five minutes of real time, whatever the zone. */
static void test_duration_add_time_part_is_exact(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  rp_duration five = dur("PT5M");
  assert_time(rp_duration_add(at("2026-05-01T12:00:00Z"), &five, ny), "2026-05-01T12:05:00Z");
  /* 2026-03-08 01:30 EST + PT1H is 03:30 EDT: one real hour */
  rp_duration hour = dur("PT1H");
  assert_time(rp_duration_add(at("2026-03-08T06:30:00Z"), &hour, ny), "2026-03-08T07:30:00Z");
  /* fall back: 01:30 EDT + PT1H is 01:30 EST, one real hour later */
  assert_time(rp_duration_add(at("2026-11-01T05:30:00Z"), &hour, ny), "2026-11-01T06:30:00Z");
  rp_duration back = dur("-PT36H");
  assert_time(rp_duration_add(at("2026-05-03T00:00:00Z"), &back, NULL), "2026-05-01T12:00:00Z");
  rp_duration zero = dur("P0D");
  assert_time(rp_duration_add(at("2026-11-01T05:30:00Z"), &zero, ny), "2026-11-01T05:30:00Z");
  assert_time(rp_duration_add(at("2026-11-01T05:30:00Z"), NULL, ny), "2026-11-01T05:30:00Z");
}

/* P1D across a DST change keeps the local wall-clock time (09:00). */
static void test_duration_add_days_keep_local_time_across_dst(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  rp_duration day = dur("P1D"), minus_day = dur("-P1D"), day_24h = dur("PT24H");
  /* spring forward (2026-03-08): Sat 09:00 EST -> Sun 09:00 EDT */
  assert_time(rp_duration_add(at("2026-03-07T14:00:00Z"), &day, ny), "2026-03-08T13:00:00Z");
  assert_time(rp_duration_add(at("2026-03-07T14:00:00Z"), &day_24h, ny), "2026-03-08T14:00:00Z");
  assert_time(rp_duration_add(at("2026-03-08T13:00:00Z"), &minus_day, ny), "2026-03-07T14:00:00Z");
  /* fall back (2026-11-01): Sat 09:00 EDT -> Sun 09:00 EST */
  assert_time(rp_duration_add(at("2026-10-31T13:00:00Z"), &day, ny), "2026-11-01T14:00:00Z");
  assert_time(rp_duration_add(at("2026-11-01T14:00:00Z"), &minus_day, ny), "2026-10-31T13:00:00Z");
  /* a week across the change, and the calendar part before the time part */
  rp_duration week = dur("P1W"), day_hour = dur("P1DT1H");
  assert_time(rp_duration_add(at("2026-03-05T14:00:00Z"), &week, ny), "2026-03-12T13:00:00Z");
  assert_time(rp_duration_add(at("2026-03-07T14:00:00Z"), &day_hour, ny),
              "2026-03-08T14:00:00Z"); /* 10:00 EDT */
  /* in UTC a day is 86400 s */
  assert_time(rp_duration_add(at("2026-03-07T14:00:00Z"), &day, NULL), "2026-03-08T14:00:00Z");
}

/* A wall time skipped by spring forward gives the end of the gap; one that
 * occurs twice gives the earlier instant. */
static void test_duration_add_lands_in_gap_or_overlap(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  rp_duration day = dur("P1D");
  /* Sat 02:30 EST + P1D: Sun 02:30 does not exist -> 03:00 EDT */
  assert_time(rp_duration_add(at("2026-03-07T07:30:00Z"), &day, ny), "2026-03-08T07:00:00Z");
  /* Sat 01:30 EDT + P1D: Sun 01:30 occurs twice -> the first (EDT) */
  assert_time(rp_duration_add(at("2026-10-31T05:30:00Z"), &day, ny), "2026-11-01T05:30:00Z");
}

static void test_duration_add_months_clamp_the_day(void **state) {
  (void)state;
  rp_duration month = dur("P1M"), minus_month = dur("-P1M"), year = dur("P1Y");
  rp_duration month_day = dur("P1M1D"), four_years = dur("P4Y"), minus_year = dur("-P1Y");
  assert_time(rp_duration_add(at("2026-01-31T09:00:00Z"), &month, NULL), "2026-02-28T09:00:00Z");
  assert_time(rp_duration_add(at("2028-01-31T09:00:00Z"), &month, NULL), "2028-02-29T09:00:00Z");
  assert_time(rp_duration_add(at("2026-03-31T09:00:00Z"), &minus_month, NULL),
              "2026-02-28T09:00:00Z");
  assert_time(rp_duration_add(at("2026-05-31T09:00:00Z"), &month, NULL), "2026-06-30T09:00:00Z");
  assert_time(rp_duration_add(at("2026-12-15T09:00:00Z"), &month, NULL), "2027-01-15T09:00:00Z");
  assert_time(rp_duration_add(at("2026-01-15T09:00:00Z"), &minus_month, NULL),
              "2025-12-15T09:00:00Z");
  /* months first, then days */
  assert_time(rp_duration_add(at("2026-01-31T09:00:00Z"), &month_day, NULL),
              "2026-03-01T09:00:00Z");
  /* leap days */
  assert_time(rp_duration_add(at("2028-02-29T09:00:00Z"), &year, NULL), "2029-02-28T09:00:00Z");
  assert_time(rp_duration_add(at("2028-02-29T09:00:00Z"), &four_years, NULL),
              "2032-02-29T09:00:00Z");
  assert_time(rp_duration_add(at("2028-02-29T09:00:00Z"), &minus_year, NULL),
              "2027-02-28T09:00:00Z");
  rp_duration day = dur("P1D");
  assert_time(rp_duration_add(at("2100-02-28T09:00:00Z"), &day, NULL),
              "2100-03-01T09:00:00Z"); /* 2100 is not a leap year */
  /* in a zone: the local date moves (Jan 31 21:00 in New York is Feb 1 UTC) */
  const rp_tz *ny = zone("America/New_York");
  assert_time(rp_duration_add(at("2026-02-01T02:00:00Z"), &month, ny), "2026-03-01T02:00:00Z");
}

static void test_duration_add_saturates(void **state) {
  (void)state;
  rp_duration big = dur("P100Y"), minus = dur("-P100Y");
  rp_time hi = rp_duration_add(INT64_MAX, &big, NULL);
  rp_time lo = rp_duration_add(INT64_MIN, &minus, NULL);
  assert_true(hi > 0);
  assert_true(lo < 0);
  assert_true(rp_duration_add(INT64_MAX - 10, &big, NULL) == hi);
  /* a hand-made struct out of bounds cannot overflow */
  rp_duration wild = {.sign = 1, .years = INT64_MAX, .seconds = INT64_MAX};
  assert_true(rp_duration_add(0, &wild, NULL) > 0);
}

/* "relative_to": "birthday", "offset": "-P1D": the eve of the next
 * birthday at 09:00 local. */
static void test_duration_next_anniversary(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  rp_duration eve = dur("-P1D"), week_after = dur("P1W");
  rp_time t;
  const int32_t nine = 9 * 3600;
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--03-15", 7, &eve, nine, ny, at("2026-01-01T00:00:00Z")),
      0);
  assert_time(t, "2026-03-14T13:00:00Z"); /* 09:00 EDT */
  /* the year of a full date is ignored */
  assert_int_equal(rp_duration_next_anniversary(&t, "1980-03-15", 10, &eve, nine, ny,
                                                at("2026-01-01T00:00:00Z")),
                   0);
  assert_time(t, "2026-03-14T13:00:00Z");
  /* strictly after: at the instant itself, next year's */
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--03-15", 7, &eve, nine, ny, at("2026-03-14T13:00:00Z")),
      0);
  assert_time(t, "2027-03-14T13:00:00Z");
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--03-15", 7, &eve, nine, ny, at("2026-03-14T12:59:59Z")),
      0);
  assert_time(t, "2026-03-14T13:00:00Z");
  /* passed this year, before the birthday itself: next year */
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--03-15", 7, &eve, nine, ny, at("2026-03-14T20:00:00Z")),
      0);
  assert_time(t, "2027-03-14T13:00:00Z");
  /* no offset; winter time */
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--12-25", 7, NULL, nine, ny, at("2026-06-01T00:00:00Z")),
      0);
  assert_time(t, "2026-12-25T14:00:00Z"); /* 09:00 EST */
  /* a positive offset that is already due next year from a late birthday */
  assert_int_equal(rp_duration_next_anniversary(&t, "--12-28", 7, &week_after, nine, NULL,
                                                at("2026-06-01T00:00:00Z")),
                   0);
  assert_time(t, "2027-01-04T09:00:00Z");
  /* Jan 1 minus a day is Dec 31 of the year before the birthday */
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--01-01", 7, &eve, nine, NULL, at("2026-06-01T00:00:00Z")),
      0);
  assert_time(t, "2026-12-31T09:00:00Z");
  /* a large offset: a reminder 10 years before (years away either way) */
  rp_duration decade = dur("-P10Y");
  assert_int_equal(rp_duration_next_anniversary(&t, "--07-04", 7, &decade, nine, NULL,
                                                at("2026-06-01T00:00:00Z")),
                   0);
  assert_time(t, "2026-07-04T09:00:00Z");
  rp_duration plus_decade = dur("P10Y2M");
  assert_int_equal(rp_duration_next_anniversary(&t, "--07-04", 7, &plus_decade, nine, NULL,
                                                at("2026-06-01T00:00:00Z")),
                   0);
  assert_time(t, "2026-09-04T09:00:00Z");
}

static void test_duration_next_anniversary_feb_29(void **state) {
  (void)state;
  rp_time t;
  const int32_t nine = 9 * 3600;
  /* Feb 29 falls on Feb 28 in a common year, on Feb 29 in a leap year */
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--02-29", 7, NULL, nine, NULL, at("2026-01-01T00:00:00Z")),
      0);
  assert_time(t, "2026-02-28T09:00:00Z");
  assert_int_equal(rp_duration_next_anniversary(&t, "2000-02-29", 10, NULL, nine, NULL,
                                                at("2027-03-01T00:00:00Z")),
                   0);
  assert_time(t, "2028-02-29T09:00:00Z");
  rp_duration eve = dur("-P1D");
  assert_int_equal(
      rp_duration_next_anniversary(&t, "--02-29", 7, &eve, nine, NULL, at("2028-01-01T00:00:00Z")),
      0);
  assert_time(t, "2028-02-28T09:00:00Z");
}

static void test_duration_next_anniversary_refusals(void **state) {
  (void)state;
  static const char *const bad[] = {"--13-01", "--02-30", "--00-10", "--04-31", "2026-02-29",
                                    "03-15",   "--3-15",  "--03-1a", "",        "2026-13-01"};
  rp_time t = 1;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rp_error_clear();
    assert_int_equal(rp_duration_next_anniversary(&t, bad[i], strlen(bad[i]), NULL, 0, NULL, 0),
                     RP_EINVALID_VALUE);
    assert_int_equal(t, 0);
    assert_non_null(strstr(rp_error_last()->message, "YYYY-MM-DD or --MM-DD"));
  }
  assert_int_equal(rp_duration_next_anniversary(&t, NULL, 0, NULL, 0, NULL, 0), RP_EINVALID_VALUE);
  assert_int_equal(rp_duration_next_anniversary(&t, "--03-15", 7, NULL, 86400, NULL, 0),
                   RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "time of day"));
  assert_int_equal(rp_duration_next_anniversary(&t, "--03-15", 7, NULL, -1, NULL, 0),
                   RP_EINVALID_VALUE);
  assert_int_equal(rp_duration_next_anniversary(&t, "--03-15", 7, NULL, 86399, NULL, 0), 0);
}

/* "relative_to": "close_date": one fixed date, past or not. */
static void test_duration_on_date(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  rp_duration year = dur("P1Y"), before = dur("-P3D"), hours = dur("PT2H");
  rp_time t;
  assert_int_equal(rp_duration_on_date(&t, "2026-06-30", 10, &year, 9 * 3600, ny), 0);
  assert_time(t, "2027-06-30T13:00:00Z"); /* 09:00 EDT, the first closing anniversary */
  assert_int_equal(rp_duration_on_date(&t, "2026-03-10", 10, &before, 9 * 3600, ny), 0);
  assert_time(t, "2026-03-07T14:00:00Z"); /* 09:00 EST, across the DST change */
  assert_int_equal(rp_duration_on_date(&t, "2026-03-10", 10, &hours, 9 * 3600, NULL), 0);
  assert_time(t, "2026-03-10T11:00:00Z");
  assert_int_equal(rp_duration_on_date(&t, "2020-01-01", 10, NULL, 0, NULL), 0);
  assert_time(t, "2020-01-01T00:00:00Z"); /* past dates are given too */
  rp_error_clear();
  assert_int_equal(rp_duration_on_date(&t, "--06-30", 7, &year, 0, NULL), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "YYYY-MM-DD"));
  assert_int_equal(rp_duration_on_date(&t, "2026-02-29", 10, NULL, 0, NULL), RP_EINVALID_VALUE);
  assert_int_equal(rp_duration_on_date(&t, "2026-06-30", 10, NULL, 90000, NULL), RP_EINVALID_VALUE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_duration_parse_accepts_iso8601),
      cmocka_unit_test(test_duration_parse_refusals_say_why),
      cmocka_unit_test(test_duration_round_trip),
      cmocka_unit_test(test_duration_format_refuses_impossible_structs),
      cmocka_unit_test(test_duration_add_time_part_is_exact),
      cmocka_unit_test(test_duration_add_days_keep_local_time_across_dst),
      cmocka_unit_test(test_duration_add_lands_in_gap_or_overlap),
      cmocka_unit_test(test_duration_add_months_clamp_the_day),
      cmocka_unit_test(test_duration_add_saturates),
      cmocka_unit_test(test_duration_next_anniversary),
      cmocka_unit_test(test_duration_next_anniversary_feb_29),
      cmocka_unit_test(test_duration_next_anniversary_refusals),
      cmocka_unit_test(test_duration_on_date),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
