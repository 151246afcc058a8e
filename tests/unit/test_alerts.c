/* test_alerts.c: SCORING.md stage averages, A2 trend alert, A3 mid-range and
 * press alert, A4 stay in touch (DOMAIN.md A2-A4). Values computed by hand;
 * each boundary tested on both sides. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/alerts.h"
#include "core/contact.h"

#define DAY 86400
#define YEAR_S (36525LL * DAY / 100) /* 365.25 days */
#define EPS 1e-9

static rp_time date(const char *s) {
  rp_time t = 0;
  assert_int_equal(rp_date_parse(&t, s, strlen(s)), 0);
  return t;
}

static void assert_near(double got, double want, double eps) {
  if (fabs(got - want) > eps) fail_msg("got %.12g, want %.12g", got, want);
}

static rp_scored_contact sc(rp_ctype type, rp_status status, rp_stage stage, double score) {
  return (rp_scored_contact){.type = type, .status = status, .stage = stage, .score = score};
}

/* ---- stage averages ---- */

static void test_alerts_stage_average_counts_eligible_only(void **state) {
  (void)state;
  rp_scored_contact c[] = {
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 40),
      sc(RP_TYPE_PERSONAL, RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE, 60),
      sc(RP_TYPE_AGENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 90), /* type not eligible */
      sc(RP_TYPE_CLIENT, RP_STATUS_NONE, RP_STAGE_LIKE, 80),  /* status none */
      sc(RP_TYPE_PROSPECT, RP_STATUS_SUSPECT, RP_STAGE_AWARE, 12.5),
      sc(RP_TYPE_FARM, RP_STATUS_LEAD, RP_STAGE_KNOW, 20),
      sc(RP_TYPE_FARM, RP_STATUS_LEAD, RP_STAGE_KNOW, 25),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 70),
  };
  c[7].archived = true; /* archived: not counted */
  rp_stage_average avg[RP_STAGE_COUNT];
  rp_alerts_stage_averages(avg, c, sizeof c / sizeof c[0]);
  assert_int_equal(avg[RP_STAGE_LIKE].count, 2);
  assert_near(avg[RP_STAGE_LIKE].mean, 50, EPS);
  assert_int_equal(avg[RP_STAGE_KNOW].count, 2);
  assert_near(avg[RP_STAGE_KNOW].mean, 22.5, EPS);
  assert_int_equal(avg[RP_STAGE_AWARE].count, 1);
  assert_near(avg[RP_STAGE_AWARE].mean, 12.5, EPS);
  assert_int_equal(avg[RP_STAGE_TRUST].count, 0);
  assert_near(avg[RP_STAGE_TRUST].mean, 0, 0);
  assert_int_equal(avg[RP_STAGE_NONE].count, 0);
}

/* ---- A2 ---- */

static void test_alerts_A2_rising_needs_two_points(void **state) {
  (void)state;
  /* d1 = 1.0, d2 = 1.0: exactly 2 (one-decimal values, not exact in binary) */
  assert_int_equal(rp_alerts_trend(50.3, 49.3, 48.3, 40.0), RP_TREND_RISING);
  assert_int_equal(rp_alerts_trend(60.7, 59.6, 58.7, 40.0), RP_TREND_RISING); /* 1.1 + 0.9 */
  /* d1 + d2 = 1.9 */
  assert_int_equal(rp_alerts_trend(50.2, 49.3, 48.3, 40.0), RP_TREND_NONE);
}

static void test_alerts_A2_rising_needs_both_steps_up(void **state) {
  (void)state;
  assert_int_equal(rp_alerts_trend(55.0, 50.0, 50.0, 40.0), RP_TREND_NONE);   /* d2 = 0 */
  assert_int_equal(rp_alerts_trend(55.0, 55.0, 45.0, 40.0), RP_TREND_NONE);   /* d1 = 0 */
  assert_int_equal(rp_alerts_trend(55.0, 56.0, 45.0, 40.0), RP_TREND_NONE);   /* d1 < 0 */
  assert_int_equal(rp_alerts_trend(55.0, 54.9, 50.0, 40.0), RP_TREND_RISING); /* 0.1 + 4.9 */
}

static void test_alerts_A2_exactly_at_the_average_is_neither(void **state) {
  (void)state;
  assert_int_equal(rp_alerts_trend(50.0, 45.0, 40.0, 50.0), RP_TREND_NONE);
  assert_int_equal(rp_alerts_trend(50.0, 45.0, 40.0, 49.95), RP_TREND_RISING);
  assert_int_equal(rp_alerts_trend(50.0, 55.0, 60.0, 50.0), RP_TREND_NONE);
  assert_int_equal(rp_alerts_trend(50.0, 55.0, 60.0, 50.05), RP_TREND_FALLING);
  /* a rising score below its average, a falling one above: nothing */
  assert_int_equal(rp_alerts_trend(50.0, 45.0, 40.0, 60.0), RP_TREND_NONE);
  assert_int_equal(rp_alerts_trend(50.0, 55.0, 60.0, 40.0), RP_TREND_NONE);
}

static void test_alerts_A2_falling_needs_two_points(void **state) {
  (void)state;
  assert_int_equal(rp_alerts_trend(38.3, 39.3, 40.3, 45.0), RP_TREND_FALLING); /* -2.0 */
  assert_int_equal(rp_alerts_trend(38.4, 39.3, 40.3, 45.0), RP_TREND_NONE);    /* -1.9 */
  assert_int_equal(rp_alerts_trend(30.0, 39.9, 40.0, 45.0), RP_TREND_FALLING); /* -9.9, -0.1 */
  assert_int_equal(rp_alerts_trend(30.0, 40.0, 40.0, 45.0), RP_TREND_NONE);    /* d2 = 0 */
}

static void test_alerts_A2_without_history_no_alert(void **state) {
  (void)state;
  assert_int_equal(rp_alerts_trend(50.0, NAN, 40.0, 30.0), RP_TREND_NONE);
  assert_int_equal(rp_alerts_trend(50.0, 45.0, NAN, 30.0), RP_TREND_NONE);
  assert_int_equal(rp_alerts_trend(50.0, 45.0, 40.0, NAN), RP_TREND_NONE);
}

static void test_alerts_A2_no_second_alert_within_30_days(void **state) {
  (void)state;
  rp_trend_input in = {.day = 129,
                       .s_t = 60,
                       .s_t7 = 55,
                       .s_t14 = 50,
                       .stage_average = 40,
                       .last_dir = RP_TREND_RISING,
                       .last_day = 100};
  assert_int_equal(rp_alerts_trend_decide(&in), RP_TREND_NONE); /* 29 days later */
  in.day = 130;
  assert_int_equal(rp_alerts_trend_decide(&in), RP_TREND_RISING); /* 30 days later */
  in.day = 101;
  in.last_dir = RP_TREND_FALLING; /* the other direction does not hold it back */
  assert_int_equal(rp_alerts_trend_decide(&in), RP_TREND_RISING);
  in.last_dir = RP_TREND_NONE; /* never alerted */
  assert_int_equal(rp_alerts_trend_decide(&in), RP_TREND_RISING);

  rp_trend_input fall = {.day = 110,
                         .s_t = 30,
                         .s_t7 = 35,
                         .s_t14 = 40,
                         .stage_average = 40,
                         .last_dir = RP_TREND_FALLING,
                         .last_day = 100};
  assert_int_equal(rp_alerts_trend_decide(&fall), RP_TREND_NONE);
  fall.day = 130;
  assert_int_equal(rp_alerts_trend_decide(&fall), RP_TREND_FALLING);
  assert_string_equal(rp_trend_name(RP_TREND_FALLING), "trend_falling");
  assert_string_equal(rp_trend_name(RP_TREND_RISING), "trend_rising");
}

static void test_alerts_A2_cleared_by_two_way_or_by_hand(void **state) {
  (void)state;
  rp_time raised = 1000 * (rp_time)DAY, T = raised + 5 * DAY;
  assert_true(rp_alerts_active(raised, 0, 0, T));
  assert_true(rp_alerts_active(raised, 0, raised - DAY, T));  /* touch before the alert */
  assert_true(rp_alerts_active(raised, 0, raised, T));        /* at the same moment: not after */
  assert_false(rp_alerts_active(raised, 0, raised + 1, T));   /* touch after it clears it */
  assert_false(rp_alerts_active(raised, raised + DAY, 0, T)); /* dismissed by hand */
  assert_true(rp_alerts_active(raised, T + DAY, 0, T));       /* dismissed later than T */
  assert_false(rp_alerts_active(raised, 0, 0, raised - 1));   /* not raised yet at T */
}

/* ---- A3 ---- */

static void test_alerts_A3_default_with_four_like_clients(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_scored_contact c[] = {
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 80),
      sc(RP_TYPE_CLIENT, RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE, 70),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 60),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 90),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_TRUST, 95), /* not in like */
      sc(RP_TYPE_CLIENT, RP_STATUS_LEAD, RP_STAGE_LIKE, 20),    /* not a client */
  };
  rp_mid_range mr;
  rp_alerts_mid_range(&mr, &ar, c, 6);
  assert_false(mr.from_data);
  assert_int_equal(mr.basis, 4);
  assert_near(mr.low, 35, 0);
  assert_near(mr.high, 55, 0);
  rp_arena_free(&ar);
}

static void test_alerts_A3_five_like_clients_give_the_band(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_scored_contact c[] = {
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 50),
      sc(RP_TYPE_CLIENT, RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE, 10),
      sc(RP_TYPE_PERSONAL, RP_STATUS_CLIENT, RP_STAGE_LIKE, 40),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 30),
      sc(RP_TYPE_CLIENT, RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE, 20),
  };
  rp_mid_range mr;
  rp_alerts_mid_range(&mr, &ar, c, 5);
  assert_true(mr.from_data);
  assert_int_equal(mr.basis, 5);
  /* sorted 10 20 30 40 50: h = 4 * 0.25 = 1 -> 20; h = 3 -> 40 */
  assert_near(mr.low, 20, EPS);
  assert_near(mr.high, 40, EPS);
  rp_arena_free(&ar);
}

static void test_alerts_A3_percentile_interpolation(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_scored_contact c[] = {
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 60),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 10),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 40),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 30),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 50),
      sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 20),
  };
  rp_mid_range mr;
  rp_alerts_mid_range(&mr, &ar, c, 6);
  /* h = 5 * 0.25 = 1.25 -> 20 + 0.25 * 10; h = 3.75 -> 40 + 0.75 * 10 */
  assert_near(mr.low, 22.5, EPS);
  assert_near(mr.high, 47.5, EPS);

  const double v[] = {10, 20, 30, 40};
  assert_near(rp_alerts_percentile(v, 4, 0.5), 25, EPS);
  assert_near(rp_alerts_percentile(v, 4, 0), 10, EPS);
  assert_near(rp_alerts_percentile(v, 4, 1), 40, EPS);
  assert_near(rp_alerts_percentile(v, 1, 0.25), 10, EPS);
  assert_true(isnan(rp_alerts_percentile(v, 0, 0.25)));
  rp_arena_free(&ar);
}

static void test_alerts_A3_press_at_the_lower_edge(void **state) {
  (void)state;
  rp_mid_range mr = {.low = 35, .high = 55};
  rp_scored_contact lead = sc(RP_TYPE_PROSPECT, RP_STATUS_LEAD, RP_STAGE_KNOW, 35.0);
  assert_true(rp_alerts_press(&lead, &mr));
  lead.score = 34.9;
  assert_false(rp_alerts_press(&lead, &mr));
  lead.score = 70; /* above the band still presses */
  assert_true(rp_alerts_press(&lead, &mr));
  lead.archived = true;
  assert_false(rp_alerts_press(&lead, &mr));
  rp_scored_contact client = sc(RP_TYPE_CLIENT, RP_STATUS_CLIENT, RP_STAGE_LIKE, 50);
  assert_false(rp_alerts_press(&client, &mr)); /* only leads */
}

/* ---- A4 ---- */

static void test_alerts_A4_overdue_when_days_exceed_interval(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_KNOW, .known_since = "2026-01-01"};
  rp_time touch = date("2026-01-01");                           /* Y = 0: 14 days */
  assert_false(rp_alerts_overdue(&c, touch, touch + 14 * DAY)); /* exactly the interval */
  assert_true(rp_alerts_overdue(&c, touch, touch + 14 * DAY + 1));
  assert_int_equal(rp_alerts_overdue_days(&c, touch, touch + 14 * DAY), 0);
  assert_int_equal(rp_alerts_overdue_days(&c, touch, touch + 17 * DAY + 1), 3);
  /* without a two-way interaction, known_since counts */
  assert_false(rp_alerts_overdue(&c, 0, date("2026-01-15")));
  assert_true(rp_alerts_overdue(&c, 0, date("2026-01-16")));
}

static void test_alerts_A4_interval_grows_with_years_known(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_LIKE, .known_since = "2016-01-01"};
  rp_time since = date("2016-01-01");
  rp_time touch = since + 5 * YEAR_S; /* Y = 5: 30 * (1 + 5 / 5) = 60 days */
  assert_near(rp_contact_interval_days(&c, 5), 60, EPS);
  assert_false(rp_alerts_overdue(&c, touch, touch + 60 * DAY));
  assert_true(rp_alerts_overdue(&c, touch, touch + 60 * DAY + 1));

  c.stage = RP_STAGE_TRUST;
  touch = since + 15 * YEAR_S; /* Y capped at 10: 60 * 3 = 180 days */
  assert_false(rp_alerts_overdue(&c, touch, touch + 180 * DAY));
  assert_true(rp_alerts_overdue(&c, touch, touch + 180 * DAY + 1));

  c.contact_interval_days = 5; /* set by hand: wins */
  assert_true(rp_alerts_overdue(&c, touch, touch + 5 * DAY + 1));
  assert_false(rp_alerts_overdue(&c, touch, touch + 5 * DAY));
}

static void test_alerts_A4_no_interval_for_stage_none_or_archived(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_NONE, .known_since = "2020-01-01"};
  rp_time touch = date("2020-01-01");
  assert_false(rp_alerts_overdue(&c, touch, touch + 3650 * (rp_time)DAY));
  assert_int_equal(rp_alerts_overdue_days(&c, touch, touch + 3650 * (rp_time)DAY), 0);
  c.stage = RP_STAGE_AWARE;
  assert_true(rp_alerts_overdue(&c, touch, touch + 8 * DAY));
  c.archived_at = touch + DAY;
  assert_false(rp_alerts_overdue(&c, touch, touch + 8 * DAY));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_alerts_stage_average_counts_eligible_only),
      cmocka_unit_test(test_alerts_A2_rising_needs_two_points),
      cmocka_unit_test(test_alerts_A2_rising_needs_both_steps_up),
      cmocka_unit_test(test_alerts_A2_exactly_at_the_average_is_neither),
      cmocka_unit_test(test_alerts_A2_falling_needs_two_points),
      cmocka_unit_test(test_alerts_A2_without_history_no_alert),
      cmocka_unit_test(test_alerts_A2_no_second_alert_within_30_days),
      cmocka_unit_test(test_alerts_A2_cleared_by_two_way_or_by_hand),
      cmocka_unit_test(test_alerts_A3_default_with_four_like_clients),
      cmocka_unit_test(test_alerts_A3_five_like_clients_give_the_band),
      cmocka_unit_test(test_alerts_A3_percentile_interpolation),
      cmocka_unit_test(test_alerts_A3_press_at_the_lower_edge),
      cmocka_unit_test(test_alerts_A4_overdue_when_days_exceed_interval),
      cmocka_unit_test(test_alerts_A4_interval_grows_with_years_known),
      cmocka_unit_test(test_alerts_A4_no_interval_for_stage_none_or_archived),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
