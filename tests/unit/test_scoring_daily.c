/* test_scoring_daily.c: the daily job, the rFactor and the backtest
 * through a real SQLite database in /tmp (jobs/scoring.h; SCORING.md
 * "Stage averages, trend alert (A2), mid-range (A3), stay in touch (A4)",
 * "rFactor and predictions"; DOMAIN.md A2-A4): a rising trend fires after
 * 14 days of rising scores and not again within 30 days, a falling one
 * fires, the press alert of a lead comes and goes, an overdue contact is
 * listed until a two-way touch, a second run of a day changes nothing,
 * stage averages and the mid-range match a hand computation, the rFactor
 * of an account with few closings uses the prior, and the backtest gives
 * sane figures on a small synthetic history. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/contact.h"
#include "jobs/scoring.h"
#include "store/store.h"
#include "temp_db.h"
#include "util/error.h"
#include "util/password.h"

#define DAY 86400
#define BASE_DAY 20781 /* 2026-11-24 */
/* Noon UTC of day d relative to BASE_DAY (the account's zone is UTC). */
#define AT(d) ((rp_time)(BASE_DAY + (d)) * DAY + DAY / 2)
#define YEAR ((rp_time)(365.25 * DAY))

typedef struct fx {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_arena ar;
  rp_account a;
} fx;

static int setup(void **state) {
  rp_crypto_init();
  fx *f = calloc(1, sizeof *f);
  assert_int_equal(rp_test_db_open(f->path, "rapport-test-daily", &f->s), 0);
  f->a = (rp_account){.name = "Daily Realty",
                      .default_region = "US",
                      .settings_json = "{}",
                      .created_at = AT(-2000)};
  assert_int_equal(rp_store_account_create(f->s, &f->a), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  rp_store_close(f->s);
  rp_arena_free(&f->ar);
  rp_test_db_remove(f->path);
  free(f);
  return 0;
}

#define CHECK(call)                                                                                \
  do {                                                                                             \
    int rc_ = (call);                                                                              \
    if (rc_) fail_msg("%s: %s", #call, rp_error_last()->message);                                  \
  } while (0)

typedef struct spec {
  const char *name;
  rp_ctype type;
  rp_status status;
  rp_stage stage;
  rp_category category;
  rp_time created_at;
  const char *known_since; /* or NULL */
  bool rich;               /* many profile details */
} spec;

/* Creates a contact as the spec says; returns its id (in f->ar). */
static const char *contact(fx *f, spec sp) {
  rp_contact c = {0};
  memcpy(c.account_id, f->a.id, RP_ID_LEN);
  c.first_name = sp.name;
  c.last_name = "Tester";
  c.display_name = rp_arena_printf(&f->ar, "%s Tester", sp.name);
  c.type = sp.type;
  c.status = sp.status;
  c.stage = sp.stage;
  c.category = sp.category;
  c.custom_json = "{}";
  c.known_since = sp.known_since;
  c.created_at = c.updated_at = sp.created_at;
  if (sp.rich) {
    static rp_email em = {.address = "rich@example.com"};
    static rp_phone ph = {.number = "+15551230000"};
    c.emails = &em;
    c.n_emails = 1;
    c.phones = &ph;
    c.n_phones = 1;
    c.has_address = true;
    c.address = (rp_address){.street = "1 Main St", .city = "Springfield"};
    c.company = "Acme";
    c.website = "https://example.com";
    c.birthday = "1980-05-01";
    c.anniversary = "2005-06-01";
    c.partner = "Pat";
    c.children = "Sam";
    c.pets = "Rex";
    c.interests = "golf";
    c.intent = RP_INTENT_BUY;
    c.timeframe = "2027-06-01";
    c.has_budget = true;
    c.budget = 500000;
  }
  CHECK(rp_store_contact_create(f->s, &c));
  return rp_arena_strdup(&f->ar, c.id);
}

/* Logs an activity of the contact at `at`. */
static void activity(fx *f, const char *id, rp_activity_kind kind, rp_direction dir, rp_time at) {
  rp_activity a = {0};
  memcpy(a.account_id, f->a.id, RP_ID_LEN);
  memcpy(a.contact_id, id, RP_ID_LEN);
  a.kind = kind;
  a.direction = dir;
  a.occurred_at = at;
  a.duration_s = -1;
  a.created_at = a.updated_at = at;
  CHECK(rp_store_activity_create(f->s, &a, rp_activity_is_two_way(&a)));
}

static rp_contact get(fx *f, const char *id) {
  rp_contact c;
  CHECK(rp_store_contact_get(f->s, &f->ar, &c, f->a.id, id));
  return c;
}

/* Changes the contact's category and status by hand at `at`. */
static void set_fields(fx *f, const char *id, rp_category cat, rp_status st, rp_time at) {
  rp_contact c = get(f, id);
  c.category = cat;
  c.status = st;
  c.updated_at = at;
  CHECK(rp_store_contact_update(f->s, &c));
}

/* The tests run twice (main): the job in one write transaction (chunk 0)
 * and, as the server's scheduler runs it, in transactions of its own, here
 * one contact per transaction (chunk 1): the outcomes must be the same. */
static size_t g_chunk;

static int chunked_group(void **state) {
  (void)state;
  g_chunk = 1;
  return 0;
}

/* Runs the daily job as of T in its own write transaction(s). */
static rp_daily_report run(fx *f, rp_time T, bool keep) {
  rp_daily_report r;
  rp_arena ar = {0};
  rp_daily_opts o = {.T = T, .keep_scores = keep, .chunk = g_chunk};
  if (!g_chunk) CHECK(rp_store_begin(f->s, true));
  int rc = rp_scoring_daily(&r, f->s, &ar, f->a.id, &o);
  if (rc) {
    rp_store_rollback(f->s);
    fail_msg("rp_scoring_daily: %s", rp_error_last()->message);
  }
  CHECK(rp_store_commit(f->s));
  rp_arena_free(&ar);
  return r;
}

/* The contact's open alerts of `reason` (and the last one into *out). */
static size_t open_alerts(fx *f, const char *id, rp_alert_reason reason, rp_alert *out) {
  rp_alert *all;
  size_t n, k = 0;
  CHECK(rp_store_alert_open_all(f->s, &f->ar, f->a.id, &all, &n));
  for (size_t i = 0; i < n; i++)
    if (!strcmp(all[i].contact_id, id) && all[i].reason == reason) {
      k++;
      if (out) *out = all[i];
    }
  return k;
}

static double history(fx *f, const char *id, int64_t day) {
  double v;
  CHECK(rp_store_score_history_at(f->s, f->a.id, id, day, &v));
  return v;
}

/* The trend test alone on the kept history of day d (for the suppression
 * checks: the test holds, yet no alert comes). */
static rp_trend trend_on(fx *f, const char *id, int64_t d, double average) {
  int64_t day = BASE_DAY + d;
  return rp_alerts_trend(history(f, id, day), history(f, id, day - 7), history(f, id, day - 14),
                         average);
}

/* Three low-scoring eligible contacts in stage know (they pull the stage
 * average under the contacts the tests watch). */
static void low_know_contacts(fx *f) {
  for (int i = 0; i < 3; i++)
    contact(f, (spec){"Low", RP_TYPE_CLIENT, RP_STATUS_SUSPECT, RP_STAGE_KNOW, RP_CATEGORY_NONE,
                      AT(-30), NULL, false});
}

/* ---- A2 ---- */

static void test_A2_trend_rising_fires_once_then_not_within_30_days(void **state) {
  fx *f = *state;
  low_know_contacts(f);
  const char *x = contact(f, (spec){"Rising", RP_TYPE_CLIENT, RP_STATUS_PROSPECT, RP_STAGE_KNOW,
                                    RP_CATEGORY_NONE, AT(-1100), "2023-11-01", false});
  /* a meeting three weeks before: out of the frequency window all along */
  activity(f, x, RP_KIND_MEETING, RP_DIR_NONE, AT(-20));

  /* scores rise week by week: category none -> d -> c */
  rp_daily_report r = run(f, AT(0), false);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 0);
  set_fields(f, x, RP_CATEGORY_D, RP_STATUS_PROSPECT, AT(7) - 3600);
  r = run(f, AT(7), false);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 0); /* only 7 days of rise */
  set_fields(f, x, RP_CATEGORY_C, RP_STATUS_PROSPECT, AT(14) - 3600);
  r = run(f, AT(14), false);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 1);
  rp_alert al;
  assert_int_equal(open_alerts(f, x, RP_ALERT_TREND_RISING, &al), 1);
  assert_non_null(strstr(al.detail, "Score rose "));
  assert_non_null(strstr(al.detail, "above the know average"));
  assert_true(al.urgency > 1000 && al.urgency < 2000); /* rising: last on the list */
  assert_true(history(f, x, BASE_DAY + 14) > history(f, x, BASE_DAY + 7));
  assert_true(history(f, x, BASE_DAY + 7) > history(f, x, BASE_DAY));

  /* the agent dismisses it; the rise goes on, but not a second alert
   * within 30 days */
  rp_alert *all;
  size_t n;
  CHECK(rp_store_alert_open_all(f->s, &f->ar, f->a.id, &all, &n));
  for (size_t i = 0; i < n; i++)
    if (all[i].reason == RP_ALERT_TREND_RISING)
      CHECK(rp_store_alert_dismiss(f->s, f->a.id, NULL, all[i].id, AT(14) + 60));
  set_fields(f, x, RP_CATEGORY_B, RP_STATUS_PROSPECT, AT(21) - 3600);
  r = run(f, AT(21), false);
  assert_int_equal(trend_on(f, x, 21, r.stats.stages[RP_STAGE_KNOW].mean), RP_TREND_RISING);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 0);
  set_fields(f, x, RP_CATEGORY_A, RP_STATUS_PROSPECT, AT(28) - 3600);
  r = run(f, AT(28), false);
  assert_int_equal(trend_on(f, x, 28, r.stats.stages[RP_STAGE_KNOW].mean), RP_TREND_RISING);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 0);
  r = run(f, AT(30), false);
  set_fields(f, x, RP_CATEGORY_A, RP_STATUS_LEAD, AT(37) - 3600);
  r = run(f, AT(37), false);
  assert_int_equal(trend_on(f, x, 37, r.stats.stages[RP_STAGE_KNOW].mean), RP_TREND_RISING);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 0);
  /* day 44 is 30 days after the first: the same direction may fire again */
  set_fields(f, x, RP_CATEGORY_A, RP_STATUS_CLIENT, AT(44) - 3600);
  r = run(f, AT(44), false);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 1);
  assert_int_equal(open_alerts(f, x, RP_ALERT_TREND_RISING, NULL), 1);
}

static void test_A2_trend_falling_fires_below_the_stage_average(void **state) {
  fx *f = *state;
  for (int i = 0; i < 3; i++) {
    const char *hi = contact(f, (spec){"High", RP_TYPE_CLIENT, RP_STATUS_PAST_CLIENT, RP_STAGE_KNOW,
                                       RP_CATEGORY_A, AT(-1100), "2023-11-01", false});
    activity(f, hi, RP_KIND_MEETING, RP_DIR_NONE, AT(-20));
  }
  const char *x = contact(f, (spec){"Falling", RP_TYPE_CLIENT, RP_STATUS_SUSPECT, RP_STAGE_KNOW,
                                    RP_CATEGORY_A, AT(-1100), "2023-11-01", false});
  activity(f, x, RP_KIND_MEETING, RP_DIR_NONE, AT(-20));
  rp_daily_report r = run(f, AT(0), false);
  set_fields(f, x, RP_CATEGORY_B, RP_STATUS_SUSPECT, AT(7) - 3600);
  r = run(f, AT(7), false);
  assert_int_equal(r.raised[RP_ALERT_TREND_FALLING], 0);
  set_fields(f, x, RP_CATEGORY_C, RP_STATUS_SUSPECT, AT(14) - 3600);
  r = run(f, AT(14), false);
  assert_int_equal(r.raised[RP_ALERT_TREND_FALLING], 1);
  assert_int_equal(r.raised[RP_ALERT_TREND_RISING], 0);
  rp_alert al;
  assert_int_equal(open_alerts(f, x, RP_ALERT_TREND_FALLING, &al), 1);
  assert_non_null(strstr(al.detail, "Score fell "));
  assert_non_null(strstr(al.detail, "below the know average"));
  assert_true(al.urgency > 3000 && al.urgency < 4000); /* after press, before overdue */

  /* a two-way interaction clears it (A2) */
  activity(f, x, RP_KIND_CALL, RP_DIR_INBOUND, AT(15) - 7200);
  r = run(f, AT(15), false);
  assert_int_equal(open_alerts(f, x, RP_ALERT_TREND_FALLING, NULL), 0);
  assert_true(r.cleared >= 1);
}

/* ---- A3 ---- */

static void test_A3_press_for_a_lead_in_the_band_cleared_when_it_became_a_client(void **state) {
  fx *f = *state;
  const char *lead = contact(f, (spec){"Lead", RP_TYPE_CLIENT, RP_STATUS_LEAD, RP_STAGE_LIKE,
                                       RP_CATEGORY_A, AT(-4000), "2015-01-01", true});
  activity(f, lead, RP_KIND_MEETING, RP_DIR_NONE, AT(-2));
  activity(f, lead, RP_KIND_EMAIL, RP_DIR_INBOUND, AT(-3));
  const char *cold = contact(f, (spec){"Cold", RP_TYPE_CLIENT, RP_STATUS_LEAD, RP_STAGE_AWARE,
                                       RP_CATEGORY_NONE, AT(-20), NULL, false});
  rp_daily_report r = run(f, AT(0), true);
  assert_false(r.stats.mid.from_data); /* fewer than 5 like clients: 35..55 */
  assert_true(get(f, lead).score >= 35.0);
  assert_true(get(f, cold).score < 35.0);
  assert_int_equal(r.raised[RP_ALERT_PRESS], 1);
  rp_alert al;
  assert_int_equal(open_alerts(f, lead, RP_ALERT_PRESS, &al), 1);
  assert_non_null(strstr(al.detail, "Lead at "));
  assert_non_null(strstr(al.detail, "mid-range 35.0-55.0: ask for a signed agreement"));
  assert_true(al.urgency >= 4000 && al.urgency < 5000); /* press: first on the list */
  assert_int_equal(open_alerts(f, cold, RP_ALERT_PRESS, NULL), 0);

  /* the next day it is still true: the same alert stays, no second one */
  r = run(f, AT(1), true);
  assert_int_equal(r.raised[RP_ALERT_PRESS], 0);
  assert_int_equal(open_alerts(f, lead, RP_ALERT_PRESS, NULL), 1);

  /* the lead signs and becomes a client: the alert goes */
  set_fields(f, lead, RP_CATEGORY_A, RP_STATUS_CLIENT, AT(2) - 3600);
  r = run(f, AT(2), true);
  assert_int_equal(open_alerts(f, lead, RP_ALERT_PRESS, NULL), 0);
  assert_int_equal(r.cleared, 1);
  assert_int_equal(r.raised[RP_ALERT_PRESS], 0);
}

/* ---- A4 ---- */

static void test_A4_overdue_raised_then_cleared_by_a_two_way_touch(void **state) {
  fx *f = *state;
  const char *quiet = contact(f, (spec){"Quiet", RP_TYPE_CLIENT, RP_STATUS_PROSPECT, RP_STAGE_KNOW,
                                        RP_CATEGORY_NONE, AT(-100), NULL, false});
  const char *fresh = contact(f, (spec){"Fresh", RP_TYPE_CLIENT, RP_STATUS_PROSPECT, RP_STAGE_KNOW,
                                        RP_CATEGORY_NONE, AT(-100), NULL, false});
  activity(f, fresh, RP_KIND_CALL, RP_DIR_INBOUND, AT(-3));
  rp_daily_report r = run(f, AT(0), true);
  assert_int_equal(r.raised[RP_ALERT_OVERDUE], 1);
  rp_alert al;
  assert_int_equal(open_alerts(f, quiet, RP_ALERT_OVERDUE, &al), 1);
  assert_string_equal(al.detail,
                      "No two-way contact yet, known for 100 days (every 14 days for know)");
  assert_true(al.urgency >= 2000 && al.urgency < 3000);
  double long_overdue = al.urgency;
  assert_int_equal(open_alerts(f, fresh, RP_ALERT_OVERDUE, NULL), 0);

  /* a reply ends the silence: the alert is cleared on the next run */
  activity(f, quiet, RP_KIND_EMAIL, RP_DIR_INBOUND, AT(1) - 7200);
  r = run(f, AT(1), true);
  assert_int_equal(open_alerts(f, quiet, RP_ALERT_OVERDUE, NULL), 0);
  assert_true(r.cleared >= 1);
  assert_int_equal(r.raised[RP_ALERT_OVERDUE], 0);

  /* 19 days of silence later it is overdue again: the interval is now
   * 14 x (1 + Y / 5) with Y = 101 days known at the last touch, 14.8 days */
  r = run(f, AT(20), true);
  assert_int_equal(r.raised[RP_ALERT_OVERDUE], 2); /* quiet and fresh */
  assert_int_equal(open_alerts(f, quiet, RP_ALERT_OVERDUE, &al), 1);
  assert_string_equal(al.detail, "No two-way contact in 19 days (every 15 days for know)");
  /* 4 days past 15 ranks below 86 days past 14 */
  assert_true(al.urgency >= 2000 && al.urgency < long_overdue);
}

/* ---- idempotence ---- */

static void test_daily_second_run_of_a_day_changes_nothing(void **state) {
  fx *f = *state;
  low_know_contacts(f);
  const char *lead = contact(f, (spec){"Lead", RP_TYPE_CLIENT, RP_STATUS_LEAD, RP_STAGE_LIKE,
                                       RP_CATEGORY_A, AT(-4000), "2015-01-01", true});
  activity(f, lead, RP_KIND_MEETING, RP_DIR_NONE, AT(-2));
  for (int i = 0; i < 5; i++) {
    const char *c = contact(f, (spec){"Client", RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE,
                                      RP_CATEGORY_B, AT(-900), "2024-01-01", i % 2 == 0});
    activity(f, c, RP_KIND_EMAIL, RP_DIR_INBOUND, AT(-5 - i * 20));
  }
  rp_daily_report r1 = run(f, AT(0), true);
  assert_true(r1.history_rows > 0);
  assert_true(r1.changed > 0);
  size_t raised = 0;
  for (int k = 0; k < RP_ALERT_REASON_COUNT; k++)
    raised += r1.raised[k];
  assert_true(raised > 0);
  rp_alert *before;
  size_t n_before;
  CHECK(rp_store_alert_open_all(f->s, &f->ar, f->a.id, &before, &n_before));

  rp_daily_report r2 = run(f, AT(0), true);
  assert_int_equal(r2.contacts, r1.contacts);
  assert_int_equal(r2.changed, 0);
  assert_int_equal(r2.history_rows, 0);
  assert_int_equal(r2.cleared, 0);
  for (int k = 0; k < RP_ALERT_REASON_COUNT; k++)
    assert_int_equal(r2.raised[k], 0);
  rp_alert *after;
  size_t n_after;
  CHECK(rp_store_alert_open_all(f->s, &f->ar, f->a.id, &after, &n_after));
  assert_int_equal(n_after, n_before);
  for (size_t i = 0; i < n_after; i++)
    assert_string_equal(after[i].id, before[i].id);
  assert_true(r2.rfactor.rfactor == r1.rfactor.rfactor);
  assert_true(r2.stats.mid.low == r1.stats.mid.low);

  /* the kept score is the job's score at T */
  rp_contact c = get(f, lead);
  rp_score_result sr;
  CHECK(rp_scoring_contact(&sr, f->s, &f->ar, &c, AT(0), false));
  assert_true(c.score == sr.score);
  assert_true(history(f, lead, BASE_DAY) == sr.score);
}

/* ---- stage averages and mid-range ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double score_at(fx *f, const char *id, rp_time T) {
  rp_contact c = get(f, id);
  rp_score_result r;
  CHECK(rp_scoring_contact(&r, f->s, &f->ar, &c, T, false));
  return r.score;
}

static void test_stage_averages_and_mid_range_match_a_hand_computation(void **state) {
  fx *f = *state;
  const char *k1 = contact(f, (spec){"K1", RP_TYPE_CLIENT, RP_STATUS_PROSPECT, RP_STAGE_KNOW,
                                     RP_CATEGORY_B, AT(-400), NULL, true});
  const char *k2 = contact(f, (spec){"K2", RP_TYPE_PERSONAL, RP_STATUS_LEAD, RP_STAGE_KNOW,
                                     RP_CATEGORY_C, AT(-50), NULL, false});
  /* not eligible: an agent, a vendor without status, an archived one */
  contact(f, (spec){"Agent", RP_TYPE_AGENT, RP_STATUS_NONE, RP_STAGE_KNOW, RP_CATEGORY_A, AT(-60),
                    NULL, true});
  contact(f, (spec){"Vendor", RP_TYPE_VENDOR, RP_STATUS_NONE, RP_STAGE_AWARE, RP_CATEGORY_NONE,
                    AT(-60), NULL, false});
  const char *gone = contact(f, (spec){"Gone", RP_TYPE_CLIENT, RP_STATUS_PROSPECT, RP_STAGE_KNOW,
                                       RP_CATEGORY_A, AT(-60), NULL, true});
  CHECK(rp_store_contact_archive(f->s, f->a.id, gone, AT(-10)));
  const char *a1 = contact(f, (spec){"A1", RP_TYPE_FARM, RP_STATUS_SUSPECT, RP_STAGE_AWARE,
                                     RP_CATEGORY_NONE, AT(-10), NULL, false});
  activity(f, k1, RP_KIND_MEETING, RP_DIR_NONE, AT(-4));
  activity(f, k2, RP_KIND_SMS, RP_DIR_INBOUND, AT(-8));
  const char *like[6];
  for (int i = 0; i < 6; i++) {
    like[i] = contact(f, (spec){"Like", RP_TYPE_CLIENT,
                                i % 2 ? RP_STATUS_CLIENT : RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE,
                                (rp_category)(1 + i % 4), AT(-300 - 100 * i), NULL, i % 3 == 0});
    for (int j = 0; j <= i; j++)
      activity(f, like[i], RP_KIND_EMAIL, RP_DIR_INBOUND, AT(-3 - 11 * j));
  }

  rp_daily_report r = run(f, AT(0), false);
  rp_daily_stats st;
  CHECK(rp_store_daily_stats_get(f->s, f->a.id, BASE_DAY, &st));
  assert_int_equal(st.day, BASE_DAY);
  assert_true(st.as_of == AT(0));

  double s_k1 = score_at(f, k1, AT(0)), s_k2 = score_at(f, k2, AT(0)),
         s_a1 = score_at(f, a1, AT(0));
  assert_int_equal(st.stages[RP_STAGE_KNOW].count, 2);
  assert_true(fabs(st.stages[RP_STAGE_KNOW].mean - (s_k1 + s_k2) / 2) < 1e-9);
  assert_int_equal(st.stages[RP_STAGE_AWARE].count, 1);
  assert_true(fabs(st.stages[RP_STAGE_AWARE].mean - s_a1) < 1e-9);
  assert_int_equal(st.stages[RP_STAGE_TRUST].count, 0);
  assert_true(st.stages[RP_STAGE_TRUST].mean == 0);

  double v[6], sum = 0;
  for (int i = 0; i < 6; i++)
    sum += v[i] = score_at(f, like[i], AT(0));
  assert_int_equal(st.stages[RP_STAGE_LIKE].count, 6);
  assert_true(fabs(st.stages[RP_STAGE_LIKE].mean - sum / 6) < 1e-9);
  /* P25 and P75 of 6 sorted values: h = 1.25 and 3.75 */
  qsort(v, 6, sizeof *v, cmp_double);
  assert_true(st.mid.from_data);
  assert_int_equal(st.mid.basis, 6);
  assert_true(fabs(st.mid.low - (v[1] + 0.25 * (v[2] - v[1]))) < 1e-9);
  assert_true(fabs(st.mid.high - (v[3] + 0.75 * (v[4] - v[3]))) < 1e-9);
  assert_true(fabs(r.stats.mid.low - st.mid.low) < 1e-12);
}

/* ---- rFactor ---- */

static void closed_deal(fx *f, const char *buyer, const char *close_date, double commission) {
  rp_deal_party p = {.role = RP_DEAL_BUYER};
  memcpy(p.contact_id, buyer, RP_ID_LEN);
  rp_transaction t = {0};
  memcpy(t.account_id, f->a.id, RP_ID_LEN);
  t.status = RP_TX_CLOSED;
  t.has_commission = true;
  t.commission = commission;
  t.close_date = close_date;
  t.contacts = &p;
  t.n_contacts = 1;
  t.created_at = t.updated_at = AT(-400);
  CHECK(rp_store_transaction_create(f->s, &t));
}

static void test_rfactor_prior_only_with_fewer_than_10_closings(void **state) {
  fx *f = *state;
  const char *ids[8];
  for (int i = 0; i < 8; i++) {
    ids[i] =
        contact(f, (spec){"R", i % 4 == 3 ? RP_TYPE_FARM : RP_TYPE_CLIENT,
                          i < 2 ? RP_STATUS_PAST_CLIENT : RP_STATUS_PROSPECT, (rp_stage)(1 + i % 4),
                          (rp_category)(i % 5), AT(-1000 + 50 * i), NULL, i % 2 == 0});
    for (int j = 0; j < i; j++)
      activity(f, ids[i], j % 2 ? RP_KIND_MEETING : RP_KIND_EMAIL,
               j % 2 ? RP_DIR_NONE : RP_DIR_INBOUND, AT(-2 - 9 * j));
  }
  contact(f, (spec){"Agent", RP_TYPE_AGENT, RP_STATUS_NONE, RP_STAGE_KNOW, RP_CATEGORY_A, AT(-60),
                    NULL, false});
  closed_deal(f, ids[0], "2025-10-10", 9000);
  closed_deal(f, ids[1], "2024-03-03", 12000);

  rp_rfactor_result r;
  CHECK(rp_scoring_rfactor(&r, f->s, &f->ar, f->a.id, AT(0)));
  assert_false(r.calibrated);
  assert_int_equal(r.eligible_contacts, 8);
  double P = 0;
  int64_t n = 0;
  for (int b = 0; b < RP_RFACTOR_BANDS; b++) {
    assert_int_equal(r.bands[b].band, b);
    assert_true(r.bands[b].probability == rp_rfactor_prior(b));
    P += (double)r.bands[b].contacts * rp_rfactor_prior(b);
    n += r.bands[b].contacts;
  }
  assert_int_equal(n, 8);
  /* each contact in the band of its own score at T */
  int64_t by_band[RP_RFACTOR_BANDS] = {0};
  for (int i = 0; i < 8; i++)
    by_band[rp_rfactor_band(score_at(f, ids[i], AT(0)))]++;
  for (int b = 0; b < RP_RFACTOR_BANDS; b++)
    assert_int_equal(r.bands[b].contacts, by_band[b]);
  assert_true(fabs(r.predicted_transactions - P) < 1e-9);
  double want = round(10.0 * (P / 8) / 0.35 * 10.0) / 10.0;
  if (want > 10) want = 10;
  assert_true(fabs(r.rfactor - want) < 1e-9);
  /* one deal in the last 24 months: the default commission */
  assert_true(r.default_commission_used);
  assert_int_equal(r.commission_deals, 1);
  assert_true(r.mean_commission == 7500.0);
  assert_true(fabs(r.predicted_revenue - P * 7500.0) < 1e-6);

  /* the daily job keeps the same figures, and afterwards the rFactor reads
   * the kept scores and gives them again */
  rp_daily_report d = run(f, AT(0), true);
  assert_false(d.rfactor.calibrated);
  assert_true(d.rfactor.rfactor == r.rfactor);
  assert_int_equal(d.rfactor.eligible_contacts, 8);
  rp_rfactor_result again;
  CHECK(rp_scoring_rfactor(&again, f->s, &f->ar, f->a.id, AT(0) + 3600));
  for (int b = 0; b < RP_RFACTOR_BANDS; b++)
    assert_int_equal(again.bands[b].contacts, r.bands[b].contacts);
  /* proof that the kept scores were read: a kept score of 95 shows in
   * band 9 right after the run, not for a T before it (scored from the
   * history) */
  CHECK(rp_store_contact_set_derived(f->s, f->a.id, ids[3], 0, 0, 95.0));
  CHECK(rp_scoring_rfactor(&again, f->s, &f->ar, f->a.id, AT(1)));
  assert_int_equal(again.bands[9].contacts, 1);
  CHECK(rp_scoring_rfactor(&again, f->s, &f->ar, f->a.id, AT(-3)));
  assert_int_equal(again.bands[9].contacts, 0);
  CHECK(rp_scoring_rfactor(&again, f->s, &f->ar, f->a.id, AT(3)));
  assert_int_equal(again.bands[9].contacts, 0); /* 3 days late: scored at T */
  rp_rfactor_point *hist;
  size_t nh;
  CHECK(rp_store_rfactor_history(f->s, &f->ar, f->a.id, &hist, &nh));
  assert_int_equal(nh, 1);
  assert_string_equal(hist[0].month, "2026-11");
  assert_true(hist[0].r.rfactor == r.rfactor);
}

/* ---- backtest ---- */

static void test_backtest_small_synthetic_history(void **state) {
  fx *f = *state;
  /* 40 contacts known for four years; the engaged ones close deals */
  char date[11];
  int closings = 0;
  for (int i = 0; i < 40; i++) {
    const char *id =
        contact(f, (spec){"B", RP_TYPE_CLIENT, RP_STATUS_PROSPECT, (rp_stage)(1 + i % 4),
                          (rp_category)(i % 5), AT(-1500), "2022-10-01", i % 3 == 0});
    int every = 10 + (i % 8) * 25; /* days between two-way touches */
    for (int d = -1460 + i; d < 0; d += every)
      activity(f, id, i % 2 ? RP_KIND_MEETING : RP_KIND_EMAIL, i % 2 ? RP_DIR_NONE : RP_DIR_INBOUND,
               AT(d));
    if (i % 8 < 3) { /* the most engaged: a closing a year, at staggered dates */
      for (int y = 0; y < 3; y++) {
        closed_deal(f, id, rp_date_format(AT(-40 - 365 * y - 9 * i), date), 8000 + 100 * i);
        closings++;
      }
    }
  }
  assert_true(closings >= 10);

  rp_backtest_row rows[RP_RFACTOR_RECENT_COUNT];
  CHECK(rp_scoring_backtest(rows, f->s, &f->ar, f->a.id, AT(0), NULL, NULL));
  int with_auc = 0;
  for (int k = 0; k < RP_RFACTOR_RECENT_COUNT; k++) {
    assert_true(rows[k].month_end == rp_rfactor_month_end(AT(0), (unsigned)k + 1));
    assert_true(rows[k].observed_until <= AT(0));
    assert_true(rows[k].observed_until > rows[k].month_end);
    assert_int_equal(rows[k].score.n, 40);
    assert_int_equal(rows[k].recency.n, 40);
    assert_int_equal(rows[k].score.positives, rows[k].recency.positives);
    if (!isnan(rows[k].score.auc)) {
      with_auc++;
      assert_true(rows[k].score.auc >= 0 && rows[k].score.auc <= 1);
      assert_true(rows[k].recency.auc >= 0 && rows[k].recency.auc <= 1);
      assert_true(rows[k].score.lift >= 0);
      assert_true(rows[k].score.brier >= 0 && rows[k].score.brier <= 1);
    }
  }
  assert_true(with_auc >= 8);
}

/* ---- days ---- */

static void test_scoring_day_is_the_local_date_in_the_account_zone(void **state) {
  (void)state;
  rp_time t = (rp_time)BASE_DAY * DAY + 3 * 3600; /* 2026-11-24T03:00Z: the 23rd in New York */
  assert_int_equal(rp_scoring_day("{}", t), BASE_DAY);
  assert_int_equal(rp_scoring_day(NULL, t), BASE_DAY);
  assert_int_equal(rp_scoring_day("{\"timezone\": \"America/New_York\"}", t), BASE_DAY - 1);
  assert_int_equal(rp_scoring_day("{\"timezone\": \"Asia/Tokyo\"}", t - 6 * 3600), BASE_DAY);
  /* a zone this machine does not know, or no JSON at all: UTC */
  assert_int_equal(rp_scoring_day("{\"timezone\": \"Mars/Olympus\"}", t), BASE_DAY);
  assert_int_equal(rp_scoring_day("not json", t), BASE_DAY);
  assert_int_equal(rp_scoring_day("{}", -1), -1);
}

/* A chunked run (the server's) holds no transaction between its ranges:
 * another connection writes there at once (were the job's transaction
 * open, its BEGIN IMMEDIATE would give up after the 5 s busy timeout),
 * and a kept score that write replaced is not put back by the job's later
 * range, which skips that contact (scoring.h rp_daily_opts.chunk). */
typedef struct between_ctx {
  fx *f;
  const char *last;
  int calls;
} between_ctx;

static void write_between(void *ctx) {
  between_ctx *b = ctx;
  if (b->calls++) return;
  rp_store *other = NULL;
  CHECK(rp_store_open(&other, b->f->path));
  CHECK(rp_store_begin(other, true));
  CHECK(rp_store_contact_set_derived(other, b->f->a.id, b->last, AT(9), 0, 77.7));
  CHECK(rp_store_commit(other));
  rp_store_close(other);
}

static void test_daily_chunked_lets_writes_in_and_keeps_what_they_wrote(void **state) {
  fx *f = *state;
  const char *ids[4];
  for (int i = 0; i < 4; i++) {
    ids[i] = contact(f, (spec){.name = "Chunk",
                               .type = RP_TYPE_PERSONAL,
                               .status = RP_STATUS_LEAD,
                               .stage = RP_STAGE_KNOW,
                               .created_at = AT(-400),
                               .rich = true});
    activity(f, ids[i], RP_KIND_CALL, RP_DIR_INBOUND, AT(-30 - i));
  }
  between_ctx b = {.f = f, .last = ids[3]};
  rp_daily_report r;
  rp_arena ar = {0};
  rp_daily_opts o = {
      .T = AT(10), .keep_scores = true, .chunk = 1, .between = write_between, .between_ctx = &b};
  CHECK(rp_scoring_daily(&r, f->s, &ar, f->a.id, &o));
  CHECK(rp_store_commit(f->s));
  rp_arena_free(&ar);
  assert_int_equal(b.calls, 3); /* between the four ranges */
  assert_int_equal(r.contacts, 4);
  assert_int_equal(r.changed, 3); /* the last one's score was replaced meanwhile */
  assert_int_equal(r.history_rows, 4);
  rp_contact last = get(f, ids[3]);
  assert_true(last.score == 77.7);
  assert_int_equal(last.last_touch_at, AT(9));
  for (int i = 0; i < 3; i++) {
    rp_contact c = get(f, ids[i]);
    assert_true(c.score > 0 && c.score != 77.7);
    assert_int_equal(c.last_touch_at, AT(-30 - i));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_A2_trend_rising_fires_once_then_not_within_30_days,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_A2_trend_falling_fires_below_the_stage_average, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_A3_press_for_a_lead_in_the_band_cleared_when_it_became_a_client, setup, teardown),
      cmocka_unit_test_setup_teardown(test_A4_overdue_raised_then_cleared_by_a_two_way_touch, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_daily_second_run_of_a_day_changes_nothing, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_stage_averages_and_mid_range_match_a_hand_computation,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_rfactor_prior_only_with_fewer_than_10_closings, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_backtest_small_synthetic_history, setup, teardown),
      cmocka_unit_test(test_scoring_day_is_the_local_date_in_the_account_zone),
      cmocka_unit_test_setup_teardown(test_daily_chunked_lets_writes_in_and_keeps_what_they_wrote,
                                      setup, teardown),
  };
  int failed = cmocka_run_group_tests_name("daily job in one transaction", tests, NULL, NULL);
  return failed + cmocka_run_group_tests_name("daily job a contact per transaction", tests,
                                              chunked_group, NULL);
}
