/* jobs/daily_scheduler.c: the daily job of `rapport serve` on a real
 * database file: it runs after 00:05 in each account's timezone, once per
 * account and day even with several connections (processes), only today's
 * day after downtime, a failed run keeps no claim and is tried again, and
 * the thread runs at once at start and stops promptly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobs/daily_scheduler.h"
#include "store/store.h"
#include "temp_db.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/password.h"
#include "util/tz.h"

typedef struct {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_arena ar;
} fx;

static rp_time at(const char *s) {
  rp_time t = 0;
  if (rp_time_parse(&t, s, strlen(s)) != 0) fail_msg("bad time in test: %s", s);
  return t;
}

static int64_t day_of(const char *ymd) { return at(ymd) / 86400; }

static int setup(void **state) {
  rp_crypto_init();
  fx *f = calloc(1, sizeof *f);
  assert_int_equal(rp_test_db_open(f->path, "rapport-test-daily", &f->s), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  rp_clock_set(0);
  rp_store_close(f->s);
  rp_arena_free(&f->ar);
  rp_test_db_remove(f->path);
  free(f);
  return 0;
}

/* An account in zone tz with one contact known for a year; *contact_id
 * (may be NULL) gets the contact's id. */
static rp_account account(fx *f, const char *name, const char *tz, char *contact_id) {
  char settings[160];
  snprintf(settings, sizeof settings, "{\"timezone\": \"%s\"}", tz);
  rp_account a = {.name = name, .settings_json = settings, .created_at = at("2025-01-01")};
  if (rp_store_account_create(f->s, &a)) fail_msg("account: %s", rp_error_last()->message);
  a.settings_json = NULL; /* the local buffer goes away */
  rp_contact c = {0};
  memcpy(c.account_id, a.id, RP_ID_LEN);
  c.first_name = "Dana";
  c.last_name = name;
  c.display_name = name;
  c.status = RP_STATUS_LEAD;
  c.stage = RP_STAGE_AWARE;
  c.type = RP_TYPE_CLIENT;
  c.custom_json = "{}";
  c.known_since = "2025-01-01";
  c.created_at = at("2025-01-01");
  c.updated_at = at("2025-01-01");
  if (rp_store_contact_create(f->s, &c)) fail_msg("contact: %s", rp_error_last()->message);
  if (contact_id) memcpy(contact_id, c.id, RP_ID_LEN);
  return a;
}

static rp_daily_pass_report pass(rp_store *s, const char *now) {
  rp_daily_pass_report r;
  memset(&r, 0xff, sizeof r);
  if (rp_daily_pass(&r, s, at(now)) != 0) fail_msg("pass: %s", rp_error_last()->message);
  return r;
}

/* Whether the day of the account is claimed (tries to claim it, then
 * rolls back). */
static bool claimed(fx *f, const rp_account *a, int64_t day) {
  assert_int_equal(rp_store_begin(f->s, true), 0);
  int rc = rp_store_daily_claim(f->s, a->id, day, at("2026-01-01"));
  rp_store_rollback(f->s);
  if (rc != 0 && rc != RP_ECONFLICT) fail_msg("claim: %s", rp_error_last()->message);
  return rc == RP_ECONFLICT;
}

static bool has_history(fx *f, const rp_account *a, const char *contact_id, int64_t day) {
  double v = NAN;
  assert_int_equal(rp_store_score_history_at(f->s, a->id, contact_id, day, &v), 0);
  return !isnan(v);
}

static void test_daily_runs_after_0005_local_once_per_day(void **state) {
  fx *f = *state;
  char cid[RP_ID_LEN];
  rp_account ny = account(f, "New York", "America/New_York", cid);
  int64_t d = day_of("2026-11-24");

  /* 00:04 in New York (EST, UTC-5): not yet */
  rp_daily_pass_report r = pass(f->s, "2026-11-24T05:04:00Z");
  assert_int_equal(r.accounts, 1);
  assert_int_equal(r.ran, 0);
  assert_false(claimed(f, &ny, d));
  assert_false(has_history(f, &ny, cid, d));

  /* 00:06: the day runs, with its score history and stats */
  r = pass(f->s, "2026-11-24T05:06:00Z");
  assert_int_equal(r.ran, 1);
  assert_int_equal(r.failed, 0);
  assert_true(claimed(f, &ny, d));
  assert_true(has_history(f, &ny, cid, d));
  rp_daily_stats st;
  assert_int_equal(rp_store_daily_stats_get(f->s, ny.id, d, &st), 0);
  assert_int_equal(st.day, d);
  assert_int_equal(st.as_of, at("2026-11-24T05:06:00Z"));

  /* a minute later, and from a second connection (another process): the
   * day is taken */
  r = pass(f->s, "2026-11-24T05:07:00Z");
  assert_int_equal(r.ran, 0);
  assert_int_equal(r.claimed, 1);
  rp_store *other = NULL;
  assert_int_equal(rp_store_open(&other, f->path), 0);
  r = pass(other, "2026-11-24T23:59:00Z");
  assert_int_equal(r.ran, 0);
  assert_int_equal(r.claimed, 1);
  rp_store_close(other);
  assert_int_equal(rp_store_daily_stats_get(f->s, ny.id, d, &st), 0);
  assert_int_equal(st.as_of, at("2026-11-24T05:06:00Z"));

  /* the next local day starts at 05:00Z; due at 05:05Z */
  r = pass(f->s, "2026-11-25T05:04:59Z");
  assert_int_equal(r.ran, 0);
  r = pass(f->s, "2026-11-25T05:05:00Z");
  assert_int_equal(r.ran, 1);
  assert_true(claimed(f, &ny, d + 1));
}

static void test_daily_each_account_in_its_own_timezone(void **state) {
  fx *f = *state;
  rp_account la = account(f, "Los Angeles", "America/Los_Angeles", NULL);
  rp_account akl = account(f, "Auckland", "Pacific/Auckland", NULL);
  rp_account kol = account(f, "Kolkata", "Asia/Kolkata", NULL);
  /* 08:03Z: 00:03 in Los Angeles (PST), 21:03 in Auckland (NZDT), 13:33
   * in Kolkata */
  rp_daily_pass_report r = pass(f->s, "2026-11-24T08:03:00Z");
  assert_int_equal(r.accounts, 3);
  assert_int_equal(r.ran, 2);
  assert_false(claimed(f, &la, day_of("2026-11-24")));
  assert_true(claimed(f, &akl, day_of("2026-11-24")));
  assert_true(claimed(f, &kol, day_of("2026-11-24")));
  r = pass(f->s, "2026-11-24T08:06:00Z");
  assert_int_equal(r.ran, 1);
  assert_true(claimed(f, &la, day_of("2026-11-24")));
  /* 11:10Z: already November 25 in Auckland (00:10 NZDT) */
  r = pass(f->s, "2026-11-24T11:10:00Z");
  assert_int_equal(r.ran, 1);
  assert_true(claimed(f, &akl, day_of("2026-11-25")));
  assert_false(claimed(f, &kol, day_of("2026-11-25")));
}

static void test_daily_after_downtime_only_today_runs(void **state) {
  fx *f = *state;
  char cid[RP_ID_LEN];
  rp_account ny = account(f, "Downtime", "America/New_York", cid);
  assert_int_equal(pass(f->s, "2026-11-24T12:00:00Z").ran, 1);
  /* three days without a server */
  rp_daily_pass_report r = pass(f->s, "2026-11-27T12:00:00Z");
  assert_int_equal(r.ran, 1);
  assert_false(claimed(f, &ny, day_of("2026-11-25")));
  assert_false(claimed(f, &ny, day_of("2026-11-26")));
  assert_true(claimed(f, &ny, day_of("2026-11-27")));
  rp_daily_stats st;
  assert_int_equal(rp_store_daily_stats_get(f->s, ny.id, day_of("2026-11-26"), &st), 0);
  assert_int_equal(st.day, day_of("2026-11-24")); /* nothing kept for the missed days */
}

/* The claim goes in with the job's last transaction: a job that fails
 * leaves no claim, and the next pass runs the day. */
static void test_daily_failed_run_keeps_no_claim(void **state) {
  fx *f = *state;
  rp_account a = account(f, "Failing", "Europe/Prague", NULL);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  assert_int_equal(sqlite3_exec(db,
                                "CREATE TRIGGER test_fail BEFORE INSERT ON daily_stats"
                                " BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  rp_daily_pass_report r = pass(f->s, "2026-11-24T12:00:00Z");
  assert_int_equal(r.ran, 0);
  assert_int_equal(r.failed, 1);
  assert_false(claimed(f, &a, day_of("2026-11-24")));
  assert_int_equal(sqlite3_exec(db, "DROP TRIGGER test_fail", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  r = pass(f->s, "2026-11-24T12:01:00Z");
  assert_int_equal(r.ran, 1);
  assert_int_equal(r.failed, 0);
  assert_true(claimed(f, &a, day_of("2026-11-24")));
}

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The thread of `rapport serve`: its first pass runs at once (not a minute
 * later), and a stop does not wait for the minute to end. */
static void test_daily_thread_runs_at_start_and_stops_promptly(void **state) {
  fx *f = *state;
  char cid[RP_ID_LEN];
  rp_account a = account(f, "Threaded", "Asia/Kolkata", cid);
  rp_clock_set(at("2026-11-24T09:00:00Z"));
  rp_daily_scheduler *sch = NULL;
  rp_daily_scheduler_opts o = {.db_path = f->path};
  double t0 = mono();
  assert_int_equal(rp_daily_scheduler_start(&sch, &o), 0);
  while (rp_daily_scheduler_passes(sch) < 1 && mono() - t0 < 20)
    usleep(10000);
  assert_true(rp_daily_scheduler_passes(sch) >= 1);
  assert_true(mono() - t0 < 20);
  assert_true(claimed(f, &a, day_of("2026-11-24")));
  assert_true(has_history(f, &a, cid, day_of("2026-11-24")));
  double t1 = mono();
  rp_daily_scheduler_stop(sch);
  assert_true(mono() - t1 < 2.0);
  assert_int_equal(rp_daily_scheduler_passes(NULL), 0);
  rp_daily_scheduler_stop(NULL);

  /* a short interval: the next day is picked up by a later wake */
  o.interval_ms = 20;
  assert_int_equal(rp_daily_scheduler_start(&sch, &o), 0);
  while (rp_daily_scheduler_passes(sch) < 1)
    usleep(5000);
  rp_clock_set(at("2026-11-25T09:00:00Z"));
  uint64_t seen = rp_daily_scheduler_passes(sch);
  t0 = mono();
  while (rp_daily_scheduler_passes(sch) < seen + 2 && mono() - t0 < 20)
    usleep(5000);
  rp_daily_scheduler_stop(sch);
  assert_true(claimed(f, &a, day_of("2026-11-25")));
}

static void test_daily_scheduler_needs_a_database(void **state) {
  (void)state;
  rp_daily_scheduler *sch = (rp_daily_scheduler *)1;
  rp_daily_scheduler_opts o = {.db_path = ""};
  assert_int_equal(rp_daily_scheduler_start(&sch, &o), RP_EINVALID_VALUE);
  assert_null(sch);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_daily_runs_after_0005_local_once_per_day, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_daily_each_account_in_its_own_timezone, setup, teardown),
      cmocka_unit_test_setup_teardown(test_daily_after_downtime_only_today_runs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_daily_failed_run_keeps_no_claim, setup, teardown),
      cmocka_unit_test_setup_teardown(test_daily_thread_runs_at_start_and_stops_promptly, setup,
                                      teardown),
      cmocka_unit_test(test_daily_scheduler_needs_a_database),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
