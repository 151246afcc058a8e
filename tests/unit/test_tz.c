/* util/tz.c: local time in IANA zones from the system's TZif files (RFC
 * 8536). The daily job runs after local midnight of each account's zone and
 * keeps its rows under the local date, so a wrong offset moves a user's
 * day. Expected instants were checked against the tz database's own
 * transitions; the sweep compares with the C library reading the same
 * files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/error.h"
#include "util/tz.h"
#include "util/tz_internal.h"

static rp_time at(const char *s) {
  rp_time t = 0;
  if (rp_time_parse(&t, s, strlen(s)) != 0) fail_msg("bad time in test: %s", s);
  return t;
}

static int64_t day_of(const char *ymd) { return at(ymd) / 86400; }

static const rp_tz *zone(const char *name) {
  const rp_tz *z = rp_tz_get(name);
  if (!z)
    fail_msg("%s: %s (is the Debian package tzdata installed?)", name, rp_error_last()->message);
  return z;
}

/* The offset changes exactly at `change` from `before` to `after`. */
static void changes_at(const rp_tz *z, const char *change, int32_t before, int32_t after) {
  rp_time t = at(change);
  assert_int_equal(rp_tz_offset(z, t - 1), before);
  assert_int_equal(rp_tz_offset(z, t), after);
}

static void test_tz_new_york_dst_2026(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  changes_at(ny, "2026-03-08T07:00:00Z", -5 * 3600, -4 * 3600);
  changes_at(ny, "2026-11-01T06:00:00Z", -4 * 3600, -5 * 3600);
  assert_int_equal(rp_tz_offset(ny, at("2026-01-15T12:00:00Z")), -5 * 3600);
  assert_int_equal(rp_tz_offset(ny, at("2026-07-04T12:00:00Z")), -4 * 3600);
  /* history before today's rules: DST began in April in 2000 */
  assert_int_equal(rp_tz_offset(ny, at("2000-03-20T12:00:00Z")), -5 * 3600);
  assert_int_equal(rp_tz_offset(ny, at("2000-04-10T12:00:00Z")), -4 * 3600);
}

static void test_tz_los_angeles_london_prague(void **state) {
  (void)state;
  const rp_tz *la = zone("America/Los_Angeles");
  changes_at(la, "2026-03-08T10:00:00Z", -8 * 3600, -7 * 3600);
  changes_at(la, "2026-11-01T09:00:00Z", -7 * 3600, -8 * 3600);
  const rp_tz *london = zone("Europe/London");
  changes_at(london, "2026-03-29T01:00:00Z", 0, 3600);
  changes_at(london, "2026-10-25T01:00:00Z", 3600, 0);
  const rp_tz *prague = zone("Europe/Prague");
  changes_at(prague, "2026-03-29T01:00:00Z", 3600, 7200);
  changes_at(prague, "2026-10-25T01:00:00Z", 7200, 3600);
  /* Europe changed together: London and Prague one hour apart all year */
  for (rp_time t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 3 * 3607)
    assert_int_equal(rp_tz_offset(prague, t) - rp_tz_offset(london, t), 3600);
}

static void test_tz_kolkata_half_hour_offset(void **state) {
  (void)state;
  const rp_tz *k = zone("Asia/Kolkata");
  for (rp_time t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 86400 + 7)
    assert_int_equal(rp_tz_offset(k, t), 5 * 3600 + 1800);
  assert_int_equal(rp_tz_day(k, at("2026-06-30T18:29:59Z")), day_of("2026-06-30"));
  assert_int_equal(rp_tz_day(k, at("2026-06-30T18:30:00Z")), day_of("2026-07-01"));
  assert_int_equal(rp_tz_instant(k, day_of("2026-07-01"), 0), at("2026-06-30T18:30:00Z"));
}

static void test_tz_lord_howe_half_hour_dst(void **state) {
  (void)state;
  const rp_tz *lh = zone("Australia/Lord_Howe");
  changes_at(lh, "2026-04-04T15:00:00Z", 11 * 3600, 10 * 3600 + 1800);
  changes_at(lh, "2026-10-03T15:30:00Z", 10 * 3600 + 1800, 11 * 3600);
  /* spring forward by 30 minutes: 02:00-02:30 does not exist */
  assert_int_equal(rp_tz_instant(lh, day_of("2026-10-04"), 2 * 3600 + 900),
                   at("2026-10-03T15:30:00Z"));
  /* fall back by 30 minutes: 01:30-02:00 happens twice, the first is +11 */
  assert_int_equal(rp_tz_instant(lh, day_of("2026-04-05"), 3600 + 2700),
                   at("2026-04-04T14:45:00Z"));
}

static void test_tz_auckland_southern_summer(void **state) {
  (void)state;
  const rp_tz *akl = zone("Pacific/Auckland");
  changes_at(akl, "2026-04-04T14:00:00Z", 13 * 3600, 12 * 3600);
  changes_at(akl, "2026-09-26T14:00:00Z", 12 * 3600, 13 * 3600);
  assert_int_equal(rp_tz_offset(akl, at("2026-01-10T00:00:00Z")), 13 * 3600);
  assert_int_equal(rp_tz_offset(akl, at("2026-07-10T00:00:00Z")), 12 * 3600);
  /* already the next day in Auckland */
  assert_int_equal(rp_tz_day(akl, at("2026-01-10T11:00:00Z")), day_of("2026-01-11"));
  assert_int_equal(rp_tz_instant(akl, day_of("2026-01-11"), 0), at("2026-01-10T11:00:00Z"));
}

/* The files list transitions up to 2037; 2100 comes from the footer's
 * POSIX rule, including Jerusalem's "M3.4.4/26" (Thursday 26:00 = Friday
 * 02:00) and Nuuk's negative hours "M3.5.0/-1". */
static void test_tz_year_2100_from_the_footer_rule(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  assert_true(rp_tz_has_rule(ny));
  changes_at(ny, "2100-03-14T07:00:00Z", -5 * 3600, -4 * 3600);
  changes_at(ny, "2100-11-07T06:00:00Z", -4 * 3600, -5 * 3600);
  changes_at(zone("Asia/Jerusalem"), "2100-03-26T00:00:00Z", 2 * 3600, 3 * 3600);
  changes_at(zone("Asia/Jerusalem"), "2100-10-30T23:00:00Z", 3 * 3600, 2 * 3600);
  changes_at(zone("America/Nuuk"), "2100-03-28T01:00:00Z", -2 * 3600, -1 * 3600);
  changes_at(zone("America/Nuuk"), "2100-10-31T01:00:00Z", -1 * 3600, -2 * 3600);
  changes_at(zone("Australia/Lord_Howe"), "2100-10-02T15:30:00Z", 10 * 3600 + 1800, 11 * 3600);
  changes_at(zone("Pacific/Auckland"), "2100-09-25T14:00:00Z", 12 * 3600, 13 * 3600);
  changes_at(zone("Europe/Prague"), "2100-10-31T01:00:00Z", 7200, 3600);
  assert_int_equal(rp_tz_instant(ny, day_of("2100-03-14"), 2 * 3600 + 1800),
                   at("2100-03-14T07:00:00Z"));
  /* far ahead, and far back, without overflow */
  assert_int_equal(rp_tz_offset(ny, at("9999-07-01T00:00:00Z")), -4 * 3600);
  assert_int_equal(rp_tz_offset(ny, INT64_MAX), rp_tz_offset(ny, INT64_MAX - 1));
  (void)rp_tz_offset(ny, INT64_MIN);
  (void)rp_tz_day(ny, INT64_MIN);
  (void)rp_tz_instant(ny, INT64_MAX, INT32_MAX);
  (void)rp_tz_instant(ny, INT64_MIN, INT32_MIN);
}

static void test_tz_days_begin_at_local_midnight(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  assert_int_equal(rp_tz_day(ny, at("2026-03-08T04:59:59Z")), day_of("2026-03-07"));
  assert_int_equal(rp_tz_day(ny, at("2026-03-08T05:00:00Z")), day_of("2026-03-08"));
  /* the spring-forward day is 23 hours long, the fall-back day 25 */
  rp_time m8 = rp_tz_instant(ny, day_of("2026-03-08"), 0);
  rp_time m9 = rp_tz_instant(ny, day_of("2026-03-09"), 0);
  assert_int_equal(m8, at("2026-03-08T05:00:00Z"));
  assert_int_equal(m9 - m8, 23 * 3600);
  assert_int_equal(rp_tz_instant(ny, day_of("2026-11-02"), 0) -
                       rp_tz_instant(ny, day_of("2026-11-01"), 0),
                   25 * 3600);
  assert_int_equal(rp_tz_day(ny, m9 - 1), day_of("2026-03-08"));
  assert_int_equal(rp_tz_day(ny, m9), day_of("2026-03-09"));
  /* west of UTC before UTC midnight, east after it */
  assert_int_equal(rp_tz_day(zone("America/Los_Angeles"), at("2026-07-01T06:59:59Z")),
                   day_of("2026-06-30"));
  assert_int_equal(rp_tz_day(zone("Europe/Prague"), at("2026-06-30T22:00:00Z")),
                   day_of("2026-07-01"));
  /* UTC needs no file */
  assert_int_equal(rp_tz_day(rp_tz_utc(), at("2026-07-01T23:59:59Z")), day_of("2026-07-01"));
  assert_int_equal(rp_tz_instant(rp_tz_utc(), day_of("2026-07-01"), 3600),
                   at("2026-07-01T01:00:00Z"));
  assert_ptr_equal(rp_tz_get("UTC"), rp_tz_utc());
  /* days before 1970 */
  assert_int_equal(rp_tz_day(ny, at("1969-12-31T12:00:00Z")), -1);
}

static void test_tz_gap_gives_the_end_of_the_gap(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  int64_t d = day_of("2026-03-08");
  assert_int_equal(rp_tz_instant(ny, d, 2 * 3600 + 1800), at("2026-03-08T07:00:00Z"));
  assert_int_equal(rp_tz_instant(ny, d, 2 * 3600), at("2026-03-08T07:00:00Z"));
  assert_int_equal(rp_tz_instant(ny, d, 3 * 3600), at("2026-03-08T07:00:00Z"));
  assert_int_equal(rp_tz_instant(ny, d, 2 * 3600 - 1), at("2026-03-08T06:59:59Z"));
  assert_int_equal(rp_tz_instant(zone("Europe/London"), day_of("2026-03-29"), 3600 + 1800),
                   at("2026-03-29T01:00:00Z"));
  assert_int_equal(rp_tz_instant(zone("Pacific/Auckland"), day_of("2026-09-27"), 2 * 3600 + 1800),
                   at("2026-09-26T14:00:00Z"));
}

static void test_tz_overlap_gives_the_earlier_instant(void **state) {
  (void)state;
  const rp_tz *ny = zone("America/New_York");
  int64_t d = day_of("2026-11-01");
  assert_int_equal(rp_tz_instant(ny, d, 3600 + 1800), at("2026-11-01T05:30:00Z")); /* EDT */
  assert_int_equal(rp_tz_instant(ny, d, 3600), at("2026-11-01T05:00:00Z"));
  assert_int_equal(rp_tz_instant(ny, d, 3600 - 1), at("2026-11-01T04:59:59Z"));
  assert_int_equal(rp_tz_instant(ny, d, 2 * 3600), at("2026-11-01T07:00:00Z"));
  assert_int_equal(rp_tz_instant(zone("Europe/London"), day_of("2026-10-25"), 3600 + 1800),
                   at("2026-10-25T00:30:00Z"));
  assert_int_equal(rp_tz_instant(zone("Pacific/Auckland"), day_of("2026-04-05"), 2 * 3600 + 1800),
                   at("2026-04-04T13:30:00Z"));
}

/* Every instant rp_tz_instant gives shows the wall time asked for, unless
 * that wall time was skipped; then the second before shows an earlier one
 * and the instant a later one. */
static void test_tz_instant_round_trips(void **state) {
  (void)state;
  static const char *const names[] = {"America/New_York", "Europe/London", "Australia/Lord_Howe",
                                      "Pacific/Auckland", "Asia/Kolkata",  "America/Nuuk"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const rp_tz *z = zone(names[i]);
    for (int64_t d = day_of("2024-01-01"); d < day_of("2028-01-01"); d += 3) {
      for (int32_t sec = 0; sec < 86400; sec += 1800 + 17) {
        rp_time t = rp_tz_instant(z, d, sec);
        int64_t wall = d * 86400 + sec;
        int64_t shown = t + rp_tz_offset(z, t);
        if (shown != wall) {
          assert_true(shown > wall);
          assert_true(t - 1 + rp_tz_offset(z, t - 1) < wall);
        }
      }
    }
  }
}

/* The C library reads the same files: offsets and local dates agree from
 * 1900 to 2200 (this process is single-threaded, so setenv is safe). */
static void test_tz_agrees_with_the_c_library(void **state) {
  (void)state;
  static const char *const names[] = {
      "America/New_York", "America/Los_Angeles", "Europe/London",     "Europe/Prague",
      "Asia/Kolkata",     "Australia/Lord_Howe", "Pacific/Auckland",  "Asia/Jerusalem",
      "America/Nuuk",     "America/Sao_Paulo",   "Africa/Casablanca", "Asia/Tehran",
      "Pacific/Chatham",  "America/St_Johns",    "Europe/Dublin",     "Antarctica/Troll"};
  char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const rp_tz *z = zone(names[i]);
    char env[96];
    snprintf(env, sizeof env, ":%s", names[i]);
    setenv("TZ", env, 1);
    tzset();
    size_t checked = 0;
    for (rp_time t = at("1900-01-01T00:00:00Z"); t < at("2200-01-01T00:00:00Z");
         t += 5 * 86400 + 3 * 3600 + 61) {
      time_t tt = (time_t)t;
      struct tm tm;
      if (!localtime_r(&tt, &tm)) continue;
      if (rp_tz_offset(z, t) != tm.tm_gmtoff)
        fail_msg("%s at %lld: %d, the C library says %ld", names[i], (long long)t,
                 rp_tz_offset(z, t), tm.tm_gmtoff);
      assert_int_equal(
          rp_tz_day(z, t),
          rp_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday));
      checked++;
    }
    assert_true(checked > 20000);
  }
  if (old) {
    setenv("TZ", old, 1);
    free(old);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

/* ---- TZif and POSIX strings built in memory ---- */

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* A version 2 file with no transitions, one type of offset std_off, and
 * the footer `rule`. Returns its length. */
static size_t tzif_with_rule(unsigned char *buf, size_t cap, int32_t std_off, const char *rule) {
  size_t n = 0;
  for (int block = 0; block < 2; block++) {
    assert_true(n + 44 + 6 + 4 <= cap);
    memset(buf + n, 0, 44);
    memcpy(buf + n, "TZif2", 5);
    put32(buf + n + 36, 1); /* typecnt */
    put32(buf + n + 40, 4); /* charcnt */
    n += 44;
    put32(buf + n, (uint32_t)std_off);
    buf[n + 4] = 0;
    buf[n + 5] = 0;
    memcpy(buf + n + 6, "XXX", 4);
    n += 10;
  }
  size_t rl = strlen(rule);
  assert_true(n + rl + 2 <= cap);
  buf[n++] = '\n';
  memcpy(buf + n, rule, rl);
  n += rl;
  buf[n++] = '\n';
  return n;
}

static rp_tz *from_rule(int32_t std_off, const char *rule) {
  unsigned char buf[512];
  size_t n = tzif_with_rule(buf, sizeof buf, std_off, rule);
  rp_tz *z = NULL;
  if (rp_tz_parse(&z, buf, n) != 0) fail_msg("%s: %s", rule, rp_error_last()->message);
  return z;
}

static void test_tz_posix_rule_forms(void **state) {
  (void)state;
  /* a fixed offset with a quoted name */
  rp_tz *z = from_rule(12600, "<+0330>-3:30");
  assert_int_equal(rp_tz_offset(z, at("2030-06-01T00:00:00Z")), 12600);
  rp_tz_free(z);
  /* Jn never counts February 29: J60 is March 1 every year */
  z = from_rule(-3 * 3600, "XST3XDT,J60,J300");
  changes_at(z, "2024-03-01T05:00:00Z", -3 * 3600, -2 * 3600);
  changes_at(z, "2025-03-01T05:00:00Z", -3 * 3600, -2 * 3600);
  changes_at(z, "2024-10-27T04:00:00Z", -2 * 3600, -3 * 3600);
  rp_tz_free(z);
  /* n counts it: day 59 is February 29 in a leap year, March 1 otherwise */
  z = from_rule(-3 * 3600, "XST3XDT,59,299");
  changes_at(z, "2024-02-29T05:00:00Z", -3 * 3600, -2 * 3600);
  changes_at(z, "2025-03-01T05:00:00Z", -3 * 3600, -2 * 3600);
  changes_at(z, "2024-10-26T04:00:00Z", -2 * 3600, -3 * 3600);
  changes_at(z, "2025-10-27T04:00:00Z", -2 * 3600, -3 * 3600);
  rp_tz_free(z);
  /* DST all year (RFC 8536 3.3.1): from January 1 00:00 to December 31
   * 25:00, which is the next January 1 */
  z = from_rule(-5 * 3600, "EST5EDT,0/0,J365/25");
  for (rp_time t = at("2024-12-30T00:00:00Z"); t < at("2026-01-03T00:00:00Z"); t += 3571)
    assert_int_equal(rp_tz_offset(z, t), -4 * 3600);
  rp_tz_free(z);
  /* rule times up to 167 hours: M3.2.0/167 is the Saturday after, 23:00 */
  z = from_rule(-5 * 3600, "EST5EDT,M3.2.0/167,M11.1.0/-167");
  changes_at(z, "2026-03-15T04:00:00Z", -5 * 3600, -4 * 3600);
  changes_at(z, "2026-10-25T05:00:00Z", -4 * 3600, -5 * 3600);
  rp_tz_free(z);
  /* a DST part without a rule takes the US rule; an explicit DST offset */
  z = from_rule(-5 * 3600, "EST5EDT");
  changes_at(z, "2026-03-08T07:00:00Z", -5 * 3600, -4 * 3600);
  rp_tz_free(z);
  z = from_rule(3600, "CET-1CEST-3,M3.5.0,M10.5.0/3");
  assert_int_equal(rp_tz_offset(z, at("2026-07-01T00:00:00Z")), 3 * 3600);
  rp_tz_free(z);
  /* Irish negative DST: standard time is summer time, winter is "DST" */
  z = from_rule(3600, "IST-1GMT0,M10.5.0,M3.5.0/1");
  assert_int_equal(rp_tz_offset(z, at("2026-07-01T00:00:00Z")), 3600);
  assert_int_equal(rp_tz_offset(z, at("2026-01-15T00:00:00Z")), 0);
  rp_tz_free(z);
}

static void test_tz_posix_rule_refusals(void **state) {
  (void)state;
  static const char *const bad[] = {"",
                                    "EST",
                                    "ES5",
                                    "5",
                                    "EST5 ",
                                    "EST25",
                                    "EST5:60",
                                    "<+03",
                                    "<+0>3",
                                    "EST5EDT,M3.2.0",
                                    "EST5EDT,M3.2.0,",
                                    "EST5EDT,M13.2.0,M11.1.0",
                                    "EST5EDT,M0.2.0,M11.1.0",
                                    "EST5EDT,M3.6.0,M11.1.0",
                                    "EST5EDT,M3.0.0,M11.1.0",
                                    "EST5EDT,M3.2.7,M11.1.0",
                                    "EST5EDT,M3.2,M11.1.0",
                                    "EST5EDT,J0,J365",
                                    "EST5EDT,J366,J300",
                                    "EST5EDT,366,1",
                                    "EST5EDT,M3.2.0/168,M11.1.0",
                                    "EST5EDT,M3.2.0/2:60,M11.1.0",
                                    "EST5EDT,M3.2.0,M11.1.0,",
                                    "EST5EDT,M3.2.0,M11.1.0x",
                                    "EST5EDT;M3.2.0,M11.1.0"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rp_tz_rule r;
    if (rp_tz_rule_parse(&r, bad[i], strlen(bad[i])) == 0) fail_msg("accepted \"%s\"", bad[i]);
  }
  /* bounded by len: a valid string cut short is refused */
  rp_tz_rule r;
  assert_int_equal(rp_tz_rule_parse(&r, "EST5EDT,M3.2.0,M11.1.0", 10), RP_EINVALID_VALUE);
  assert_int_equal(rp_tz_rule_parse(&r, "EST5EDT,M3.2.0,M11.1.0", 22), 0);
}

/* ---- corrupt files ---- */

static unsigned char *slurp(const char *name, size_t *len) {
  const char *dir = getenv("TZDIR");
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot read %s", path);
  unsigned char *buf = malloc(1 << 20);
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  return buf;
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool parses(const unsigned char *p, size_t len) {
  rp_tz *z = NULL;
  int rc = rp_tz_parse(&z, p, len);
  if (rc == 0) {
    assert_non_null(z);
    rp_tz_free(z);
    return true;
  }
  assert_null(z);
  assert_int_equal(rc, RP_EINVALID_VALUE);
  assert_true(rp_error_last()->message[0] != '\0');
  return false;
}

static void test_tz_truncated_or_corrupt_files_are_refused(void **state) {
  (void)state;
  size_t len = 0;
  unsigned char *ny = slurp("America/New_York", &len);
  assert_true(len > 1000);
  assert_true(parses(ny, len));
  /* every prefix is refused (on a copy of exactly that size, so a read past
   * the end would be seen by AddressSanitizer) */
  for (size_t n = 0; n < len; n++) {
    unsigned char *cut = malloc(n ? n : 1);
    memcpy(cut, ny, n);
    if (parses(cut, n)) fail_msg("a prefix of %zu bytes of %zu was accepted", n, len);
    free(cut);
  }
  assert_false(parses(NULL, 0));

  /* the layout, to aim at fields */
  uint32_t timecnt = get32(ny + 32), typecnt = get32(ny + 36), charcnt = get32(ny + 40);
  size_t v1 = (size_t)timecnt * 5 + typecnt * 6 + charcnt + get32(ny + 28) * 8 + get32(ny + 24) +
              get32(ny + 20);
  size_t h2 = 44 + v1;
  uint32_t timecnt2 = get32(ny + h2 + 32), typecnt2 = get32(ny + h2 + 36);
  size_t times2 = h2 + 44, idx2 = times2 + (size_t)timecnt2 * 8, types2 = idx2 + timecnt2;
  assert_true(timecnt2 > 10);
  unsigned char *bad = malloc(len);
  struct {
    size_t at;
    unsigned char value;
  } flips[] = {
      {0, 'X'},                            /* magic */
      {4, '1'},                            /* version */
      {h2 + 4, 'Z'},                       /* second header's version */
      {h2 + 36, 0xff},                     /* typecnt2 huge */
      {idx2 + 3, (unsigned char)typecnt2}, /* a type index out of range */
      {types2 + 4, 2},                     /* DST flag not 0/1 */
      {types2 + 5, 0xff},                  /* designation index out of range */
      {types2, 0x7f},                      /* UTC offset out of range */
      {len - 1, 'x'},                      /* footer not terminated */
      {len - 3, '!'},                      /* footer not a TZ string */
  };
  for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
    memcpy(bad, ny, len);
    bad[flips[i].at] = flips[i].value;
    if (parses(bad, len)) fail_msg("corruption %zu (byte %zu) was accepted", i, flips[i].at);
  }
  /* two equal transition times */
  memcpy(bad, ny, len);
  memcpy(bad + times2 + 8 * 5, bad + times2 + 8 * 4, 8);
  assert_false(parses(bad, len));
  /* a transition time beyond any year */
  memcpy(bad, ny, len);
  bad[times2 + 8 * (timecnt2 - 1)] = 0x7f;
  assert_false(parses(bad, len));
  /* typecnt 0 in the header */
  memcpy(bad, ny, len);
  put32(bad + h2 + 36, 0);
  assert_false(parses(bad, len));
  /* a version 1 file: the 32-bit block alone, same offsets until 2037 */
  memcpy(bad, ny, 44 + v1);
  bad[4] = 0;
  rp_tz *z1 = NULL;
  assert_int_equal(rp_tz_parse(&z1, bad, 44 + v1), 0);
  const rp_tz *real = zone("America/New_York");
  for (rp_time t = at("1902-01-01T00:00:00Z"); t < at("2037-01-01T00:00:00Z"); t += 86400 * 7 + 1)
    assert_int_equal(rp_tz_offset(z1, t), rp_tz_offset(real, t));
  assert_false(rp_tz_has_rule(z1));
  rp_tz_free(z1);
  free(bad);
  free(ny);
}

static void write_file(const char *path, const unsigned char *p, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  fclose(f);
}

/* A zone directory of our own ($TZDIR): a good copy loads, a truncated and
 * a corrupted copy are unknown zones. */
static void test_tz_tzdir_with_bad_files(void **state) {
  (void)state;
  size_t len = 0;
  unsigned char *ny = slurp("America/New_York", &len);
  const char *tmp = getenv("TMPDIR");
  char dir[256], sub[300], path[400];
  snprintf(dir, sizeof dir, "%s/rp_tz_XXXXXX", tmp && *tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(dir));
  snprintf(sub, sizeof sub, "%s/Test", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  snprintf(path, sizeof path, "%s/Good", sub);
  write_file(path, ny, len);
  snprintf(path, sizeof path, "%s/Truncated", sub);
  write_file(path, ny, len / 2);
  ny[len - 3] = '!';
  snprintf(path, sizeof path, "%s/Corrupt", sub);
  write_file(path, ny, len);
  snprintf(path, sizeof path, "%s/Empty", sub);
  write_file(path, ny, 0);

  char *old = getenv("TZDIR") ? strdup(getenv("TZDIR")) : NULL;
  setenv("TZDIR", dir, 1);
  const rp_tz *good = rp_tz_get("Test/Good");
  assert_non_null(good);
  assert_int_equal(rp_tz_offset(good, at("2026-07-04T12:00:00Z")), -4 * 3600);
  assert_ptr_equal(rp_tz_get("Test/Good"), good); /* loaded once */
  static const char *const refused[] = {"Test/Truncated", "Test/Corrupt", "Test/Empty", "Test",
                                        "Test/Missing"};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    rp_error_clear();
    assert_null(rp_tz_get(refused[i]));
    assert_int_equal(rp_error_last()->code, RP_ENOTFOUND);
    assert_false(rp_tz_valid(refused[i]));
  }
  if (old) {
    setenv("TZDIR", old, 1);
    free(old);
  } else {
    unsetenv("TZDIR");
  }
  static const char *const names[] = {"Test/Good", "Test/Truncated", "Test/Corrupt", "Test/Empty"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  rmdir(sub);
  rmdir(dir);
  free(ny);
}

static void test_tz_invalid_names(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "../../etc/passwd",
      "/etc/passwd",
      "America/../America/New_York",
      "America/./New_York",
      "America//New_York",
      "America/New_York/",
      "America/New York",
      "America/New_York\n",
      "1America/New_York",
      "_America",
      "America",
      "America/Nowhere",
      "Mars/Olympus_Mons",
      "utc",
      "localtime",
      "posixrules",
      "zone.tab",
      "Europe/Pragueeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rp_error_clear();
    if (rp_tz_get(bad[i])) fail_msg("\"%s\" was accepted", bad[i]);
    assert_int_equal(rp_error_last()->code, RP_ENOTFOUND);
    assert_false(rp_tz_valid(bad[i]));
  }
  assert_null(rp_tz_get(NULL));
  static const char *const good[] = {"UTC",          "Etc/UTC",
                                     "Etc/GMT+5",    "America/Argentina/Buenos_Aires",
                                     "Asia/Kolkata", "America/Port-au-Prince"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    if (!rp_tz_valid(good[i])) fail_msg("\"%s\" refused: %s", good[i], rp_error_last()->message);
  assert_int_equal(rp_tz_offset(zone("Etc/GMT+5"), at("2026-07-01T00:00:00Z")), -5 * 3600);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tz_new_york_dst_2026),
      cmocka_unit_test(test_tz_los_angeles_london_prague),
      cmocka_unit_test(test_tz_kolkata_half_hour_offset),
      cmocka_unit_test(test_tz_lord_howe_half_hour_dst),
      cmocka_unit_test(test_tz_auckland_southern_summer),
      cmocka_unit_test(test_tz_year_2100_from_the_footer_rule),
      cmocka_unit_test(test_tz_days_begin_at_local_midnight),
      cmocka_unit_test(test_tz_gap_gives_the_end_of_the_gap),
      cmocka_unit_test(test_tz_overlap_gives_the_earlier_instant),
      cmocka_unit_test(test_tz_instant_round_trips),
      cmocka_unit_test(test_tz_agrees_with_the_c_library),
      cmocka_unit_test(test_tz_posix_rule_forms),
      cmocka_unit_test(test_tz_posix_rule_refusals),
      cmocka_unit_test(test_tz_truncated_or_corrupt_files_are_refused),
      cmocka_unit_test(test_tz_tzdir_with_bad_files),
      cmocka_unit_test(test_tz_invalid_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
