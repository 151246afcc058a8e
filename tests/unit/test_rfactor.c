/* test_rfactor.c: SCORING.md "rFactor and predictions": bands, priors,
 * calibration, predicted transactions and revenue with their intervals, the
 * rFactor, the month-ends, and the backtest metrics (AUC, top-decile lift,
 * Brier) with the recency baseline. Values computed by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/rfactor.h"
#include "util/error.h"

#define EPS 1e-9

static rp_time at(const char *s) {
  rp_time t = 0;
  assert_int_equal(rp_time_parse(&t, s, strlen(s)), 0);
  return t;
}

static void assert_near(double got, double want, double eps) {
  if (fabs(got - want) > eps) fail_msg("got %.12g, want %.12g", got, want);
}

/* ---- bands, priors, eligibility ---- */

static void test_rfactor_band_edges(void **state) {
  (void)state;
  assert_int_equal(rp_rfactor_band(0), 0);
  assert_int_equal(rp_rfactor_band(9.9), 0);
  assert_int_equal(rp_rfactor_band(10.0), 1);
  assert_int_equal(rp_rfactor_band(49.9), 4);
  assert_int_equal(rp_rfactor_band(50.0), 5);
  assert_int_equal(rp_rfactor_band(89.9), 8);
  assert_int_equal(rp_rfactor_band(90.0), 9);
  assert_int_equal(rp_rfactor_band(100.0), 9); /* min(9, 10) */
  assert_int_equal(rp_rfactor_band(-3), 0);
  assert_int_equal(rp_rfactor_band(NAN), 0);
  assert_near(rp_rfactor_prior(0), 0.005, EPS);
  assert_near(rp_rfactor_prior(4), 0.05, EPS);
  assert_near(rp_rfactor_prior(9), 0.35, EPS);
}

static void test_rfactor_eligibility(void **state) {
  (void)state;
  const rp_ctype yes[] = {RP_TYPE_CLIENT, RP_TYPE_FARM, RP_TYPE_PERSONAL, RP_TYPE_PROSPECT};
  const rp_ctype no[] = {RP_TYPE_AGENT, RP_TYPE_VENDOR, RP_TYPE_HIDDEN};
  for (size_t i = 0; i < 4; i++) {
    assert_true(rp_rfactor_eligible(yes[i], RP_STATUS_SUSPECT, false));
    assert_true(rp_rfactor_eligible(yes[i], RP_STATUS_PAST_CLIENT, false));
    assert_false(rp_rfactor_eligible(yes[i], RP_STATUS_NONE, false));
    assert_false(rp_rfactor_eligible(yes[i], RP_STATUS_CLIENT, true)); /* archived */
  }
  for (size_t i = 0; i < 3; i++)
    assert_false(rp_rfactor_eligible(no[i], RP_STATUS_CLIENT, false));
  rp_scored_contact c = {.type = RP_TYPE_FARM, .status = RP_STATUS_LEAD, .score = 50};
  assert_true(rp_rfactor_contact_eligible(&c));
  c.archived = true;
  assert_false(rp_rfactor_contact_eligible(&c));
}

/* ---- calibration ---- */

static void test_rfactor_prior_only_below_ten_closings(void **state) {
  (void)state;
  rp_rfactor_calibration cal = {0};
  cal.n[9] = 50;
  cal.k[9] = 25;
  cal.closed_deals = 9;
  double p[RP_RFACTOR_BANDS];
  bool calibrated = true;
  rp_rfactor_probabilities(p, &calibrated, &cal);
  assert_false(calibrated);
  for (int b = 0; b < RP_RFACTOR_BANDS; b++)
    assert_near(p[b], rp_rfactor_prior(b), EPS);

  rp_rfactor_probabilities(p, &calibrated, NULL); /* no history at all */
  assert_false(calibrated);
  assert_near(p[9], 0.35, EPS);
}

static void test_rfactor_calibrated_with_ten_closings(void **state) {
  (void)state;
  rp_rfactor_calibration cal = {0};
  cal.n[9] = 50;
  cal.k[9] = 25; /* (25 + 50 * 0.35) / (50 + 50) = 0.425 */
  cal.n[5] = 150;
  cal.k[5] = 2; /* (2 + 50 * 0.08) / 200 = 0.03 */
  cal.closed_deals = 10;
  double p[RP_RFACTOR_BANDS];
  bool calibrated = false;
  rp_rfactor_probabilities(p, &calibrated, &cal);
  assert_true(calibrated);
  assert_near(p[9], 0.425, EPS);
  assert_near(p[5], 0.03, EPS);
  assert_near(p[0], 0.005, EPS); /* no observation: the prior */
}

static void test_rfactor_calibration_add_counts_by_band(void **state) {
  (void)state;
  rp_rfactor_calibration cal = {0};
  rp_rfactor_calibration_add(&cal, 95.0, true);
  rp_rfactor_calibration_add(&cal, 90.0, false);
  rp_rfactor_calibration_add(&cal, 12.3, true);
  assert_int_equal(cal.n[9], 2);
  assert_int_equal(cal.k[9], 1);
  assert_int_equal(cal.n[1], 1);
  assert_int_equal(cal.k[1], 1);
  assert_int_equal(cal.n[0], 0);
}

/* ---- predictions and rFactor ---- */

static void test_rfactor_predictions_interval_revenue_valuation(void **state) {
  (void)state;
  int64_t counts[RP_RFACTOR_BANDS] = {0};
  counts[9] = 100;
  double comm[] = {10000, 20000, 30000};
  rp_rfactor_settings set = {.default_commission = 7500, .valuation_multiple = 2.0};
  rp_rfactor_result r;
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, comm, 3, &set), 0);
  assert_int_equal(r.eligible_contacts, 100);
  assert_false(r.calibrated);
  assert_near(r.predicted_transactions, 35.0, EPS);
  /* 1.2816 * sqrt(100 * 0.35 * 0.65) = 1.2816 * sqrt(22.75) */
  double half = 1.2816 * sqrt(22.75);
  assert_near(half, 6.1128, 1e-4);
  assert_near(r.interval_lo, 35.0 - half, EPS);
  assert_near(r.interval_hi, 35.0 + half, EPS);
  assert_false(r.default_commission_used);
  assert_near(r.mean_commission, 20000, EPS);
  assert_near(r.predicted_revenue, 700000, 1e-6);
  assert_near(r.revenue_lo, (35.0 - half) * 20000, 1e-6);
  assert_near(r.revenue_hi, (35.0 + half) * 20000, 1e-6);
  assert_near(r.valuation, 1400000, 1e-6);
  assert_near(r.rfactor, 10.0, EPS); /* every contact in the top band */
  assert_int_equal(r.bands[9].band, 9);
  assert_int_equal(r.bands[9].contacts, 100);
  assert_near(r.bands[9].probability, 0.35, EPS);
  assert_near(r.bands[9].prior, 0.35, EPS);
  assert_int_equal(r.bands[3].contacts, 0);
}

static void test_rfactor_interval_floor_at_zero(void **state) {
  (void)state;
  int64_t counts[RP_RFACTOR_BANDS] = {1}; /* one contact in band 0 */
  rp_rfactor_result r;
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, NULL, 0, NULL), 0);
  assert_near(r.predicted_transactions, 0.005, EPS);
  /* 0.005 - 1.2816 * sqrt(0.004975) = 0.005 - 0.0904 < 0 */
  assert_near(r.interval_lo, 0.0, 0);
  assert_near(r.interval_hi, 0.005 + 1.2816 * sqrt(0.004975), EPS);
  assert_near(r.revenue_lo, 0.0, 0);
  /* 10 * 0.005 / 0.35 = 0.142857 -> 0.1 */
  assert_near(r.rfactor, 0.1, EPS);
}

static void test_rfactor_default_commission_below_three_deals(void **state) {
  (void)state;
  int64_t counts[RP_RFACTOR_BANDS] = {0};
  counts[5] = 10; /* P = 0.8 */
  double comm[] = {100000, 200000};
  rp_rfactor_result r;
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, comm, 2, NULL), 0);
  assert_true(r.default_commission_used);
  assert_near(r.mean_commission, 7500, EPS);
  assert_near(r.predicted_revenue, 6000, 1e-9);
  assert_near(r.valuation, 6000, 1e-9); /* multiple 1.0 by default */

  rp_rfactor_settings set = {.default_commission = 9000, .valuation_multiple = 1.5};
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, comm, 2, &set), 0);
  assert_near(r.predicted_revenue, 7200, 1e-9);
  assert_near(r.valuation, 10800, 1e-9);
}

static void test_rfactor_no_eligible_contact(void **state) {
  (void)state;
  int64_t counts[RP_RFACTOR_BANDS] = {0};
  rp_rfactor_result r;
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, NULL, 0, NULL), 0);
  assert_int_equal(r.eligible_contacts, 0);
  assert_near(r.rfactor, 0, 0);
  assert_near(r.predicted_transactions, 0, 0);
  assert_near(r.interval_lo, 0, 0);
  assert_near(r.interval_hi, 0, 0);
  assert_near(r.predicted_revenue, 0, 0);
  assert_near(r.valuation, 0, 0);
}

static void test_rfactor_rounding_and_clamp(void **state) {
  (void)state;
  int64_t counts[RP_RFACTOR_BANDS] = {0};
  counts[0] = 50;
  counts[9] = 50;
  rp_rfactor_result r;
  /* P / N = (50 * 0.005 + 50 * 0.35) / 100 = 0.1775; 10 * 0.1775 / 0.35 = 5.0714 */
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, NULL, 0, NULL), 0);
  assert_near(r.rfactor, 5.1, EPS);

  /* Calibration that makes band 8 far likelier than band 9: clamped to 10. */
  rp_rfactor_calibration cal = {0};
  cal.closed_deals = 1000;
  cal.n[9] = 1000;
  cal.k[9] = 0; /* p_9 = 17.5 / 1050 */
  cal.n[8] = 1000;
  cal.k[8] = 1000; /* p_8 = 1012.5 / 1050 */
  int64_t c8[RP_RFACTOR_BANDS] = {0};
  c8[8] = 10;
  assert_int_equal(rp_rfactor_compute(&r, c8, &cal, NULL, 0, NULL), 0);
  assert_true(r.calibrated);
  assert_near(r.bands[9].probability, 17.5 / 1050, EPS);
  assert_near(r.rfactor, 10.0, 0);
}

static void test_rfactor_tally_and_invalid_input(void **state) {
  (void)state;
  int64_t counts[RP_RFACTOR_BANDS] = {0};
  const double scores[] = {0, 9.9, 10, 55.5, 99.9, 100};
  rp_rfactor_tally(counts, scores, 6);
  assert_int_equal(counts[0], 2);
  assert_int_equal(counts[1], 1);
  assert_int_equal(counts[5], 1);
  assert_int_equal(counts[9], 2);

  rp_rfactor_result r;
  counts[2] = -1;
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, NULL, 0, NULL), RP_EINVALID_VALUE);
  counts[2] = 0;
  double bad[] = {1000, NAN, 1000};
  assert_int_equal(rp_rfactor_compute(&r, counts, NULL, bad, 3, NULL), RP_EINVALID_VALUE);
}

/* ---- month-ends ---- */

static void test_rfactor_month_ends_mid_month(void **state) {
  (void)state;
  rp_time T = at("2026-06-15T12:00:00Z");
  assert_int_equal(rp_rfactor_month_end(T, 1), at("2026-05-31T23:59:59Z"));
  assert_int_equal(rp_rfactor_month_end(T, 12), at("2025-06-30T23:59:59Z"));
  assert_int_equal(rp_rfactor_month_end(T, 13), at("2025-05-31T23:59:59Z"));
  assert_int_equal(rp_rfactor_month_end(T, 36), at("2023-06-30T23:59:59Z"));
  assert_int_equal(rp_rfactor_month_end(T, 28), at("2024-02-29T23:59:59Z")); /* leap */

  rp_time cal[RP_RFACTOR_CAL_COUNT];
  rp_rfactor_month_ends(cal, T, RP_RFACTOR_CAL_FIRST, RP_RFACTOR_CAL_COUNT);
  assert_int_equal(cal[0], at("2025-05-31T23:59:59Z"));
  assert_int_equal(cal[23], at("2023-06-30T23:59:59Z"));
  /* The newest calibration month-end's outcome is complete at T. */
  assert_int_equal(rp_rfactor_outcome_until(cal[0]), at("2026-05-31T23:59:59Z"));
  assert_true(rp_rfactor_outcome_until(cal[0]) <= T);

  rp_time after, until;
  rp_rfactor_calibration_window(&after, &until, T);
  assert_int_equal(after, at("2023-06-30T23:59:59Z"));
  assert_int_equal(until, at("2026-05-31T23:59:59Z"));
}

static void test_rfactor_month_ends_at_the_last_second(void **state) {
  (void)state;
  rp_time T = at("2026-06-30T23:59:59Z");
  assert_int_equal(rp_rfactor_month_end(T, 1), T);
  assert_int_equal(rp_rfactor_month_end(T, 13), at("2025-06-30T23:59:59Z"));
  assert_int_equal(rp_rfactor_month_end(T + 1, 1), T); /* July 1st, midnight */
  rp_time last12[RP_RFACTOR_RECENT_COUNT];
  rp_rfactor_month_ends(last12, T + 1, RP_RFACTOR_RECENT_FIRST, RP_RFACTOR_RECENT_COUNT);
  assert_int_equal(last12[0], T);
  assert_int_equal(last12[11], at("2025-07-31T23:59:59Z"));
  assert_int_equal(rp_rfactor_outcome_until(at("2025-12-31T23:59:59Z")),
                   at("2026-12-31T23:59:59Z"));
}

static void test_rfactor_months_before_clamps_the_day(void **state) {
  (void)state;
  assert_int_equal(rp_rfactor_months_before(at("2026-03-31T10:00:00Z"), 1),
                   at("2026-02-28T10:00:00Z"));
  assert_int_equal(rp_rfactor_months_before(at("2024-02-29T00:00:00Z"), 12),
                   at("2023-02-28T00:00:00Z"));
  assert_int_equal(rp_rfactor_months_before(at("2026-06-15T08:30:00Z"), 24),
                   at("2024-06-15T08:30:00Z"));
  assert_int_equal(rp_rfactor_months_before(at("2026-01-31T00:00:00Z"), 2),
                   at("2025-11-30T00:00:00Z"));
}

/* ---- validation ---- */

static void test_rfactor_validation_auc_perfect_reversed_ties(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_rfactor_metrics m;
  const double key[] = {4, 3, 2, 1};
  const bool out[] = {true, true, false, false};
  const bool rev[] = {false, false, true, true};
  const double flat[] = {7, 7, 7, 7};

  assert_int_equal(rp_rfactor_validate(&m, &ar, key, NULL, out, 4), 0);
  assert_int_equal(m.n, 4);
  assert_int_equal(m.positives, 2);
  assert_near(m.auc, 1.0, EPS);
  assert_true(isnan(m.brier)); /* no probabilities */

  assert_int_equal(rp_rfactor_validate(&m, &ar, key, NULL, rev, 4), 0);
  assert_near(m.auc, 0.0, EPS);

  assert_int_equal(rp_rfactor_validate(&m, &ar, flat, NULL, out, 4), 0);
  assert_near(m.auc, 0.5, EPS); /* all tied: every pair counts half */

  /* pos 3 and 2 against neg 2 and 1: 1 + 1 + 0.5 + 1 = 3.5 of 4 pairs */
  const double mixed[] = {3, 2, 2, 1};
  assert_int_equal(rp_rfactor_validate(&m, &ar, mixed, NULL, out, 4), 0);
  assert_near(m.auc, 0.875, EPS);

  const bool none[] = {false, false, false, false};
  assert_int_equal(rp_rfactor_validate(&m, &ar, key, NULL, none, 4), 0);
  assert_true(isnan(m.auc));
  assert_true(isnan(m.lift));
  rp_arena_free(&ar);
}

static void test_rfactor_validation_top_decile_lift(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_rfactor_metrics m;
  double key[20];
  bool out[20] = {0};
  for (int i = 0; i < 20; i++)
    key[i] = 20 - i; /* contact 0 ranks first */
  out[0] = out[4] = out[14] = true;
  /* top decile: 2 contacts, 1 positive: 0.5 against 3 / 20 = 0.15 */
  assert_int_equal(rp_rfactor_validate(&m, &ar, key, NULL, out, 20), 0);
  assert_near(m.lift, 0.5 / 0.15, EPS);

  /* n = 10: 1 slot, two contacts tied for it, one positive: half counts */
  double k10[10] = {9, 9, 1, 1, 1, 1, 1, 1, 1, 1};
  bool o10[10] = {true};
  assert_int_equal(rp_rfactor_validate(&m, &ar, k10, NULL, o10, 10), 0);
  assert_near(m.lift, 0.5 / 0.1, EPS);

  /* n = 11: ceil(11 / 10) = 2 slots */
  double k11[11] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  bool o11[11] = {false, true};
  assert_int_equal(rp_rfactor_validate(&m, &ar, k11, NULL, o11, 11), 0);
  assert_near(m.lift, 0.5 / (1.0 / 11), EPS);
  rp_arena_free(&ar);
}

static void test_rfactor_validation_brier(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_rfactor_metrics m;
  const double key[] = {5, 4, 3, 2, 1};
  const bool out[] = {true, false, false, false, false};
  const double perfect[] = {1, 0, 0, 0, 0};
  const double half[] = {0.5, 0.5, 0.5, 0.5, 0.5};
  const double base[] = {0.2, 0.2, 0.2, 0.2, 0.2};
  assert_int_equal(rp_rfactor_validate(&m, &ar, key, perfect, out, 5), 0);
  assert_near(m.brier, 0.0, EPS);
  assert_int_equal(rp_rfactor_validate(&m, &ar, key, half, out, 5), 0);
  assert_near(m.brier, 0.25, EPS);
  /* (0.8^2 + 4 * 0.2^2) / 5 = 0.16 */
  assert_int_equal(rp_rfactor_validate(&m, &ar, key, base, out, 5), 0);
  assert_near(m.brier, 0.16, EPS);

  const double bad[] = {0.2, 1.5, 0.2, 0.2, 0.2};
  assert_int_equal(rp_rfactor_validate(&m, &ar, key, bad, out, 5), RP_EINVALID_VALUE);
  const double nan_key[] = {5, NAN, 3, 2, 1};
  assert_int_equal(rp_rfactor_validate(&m, &ar, nan_key, NULL, out, 5), RP_EINVALID_VALUE);

  assert_int_equal(rp_rfactor_validate(&m, &ar, NULL, NULL, NULL, 0), 0);
  assert_int_equal(m.n, 0);
  assert_true(isnan(m.auc) && isnan(m.lift) && isnan(m.brier));
  rp_arena_free(&ar);
}

static void test_rfactor_validation_recency_baseline(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_rfactor_metrics m;
  const double days[] = {1000, 1, 100, 10};
  const bool out[] = {false, true, true, false};
  const double prob[] = {0.35, 0.005, 0.25, 0.02};
  /* recency order: 1 d (pos), 10 d (neg), 100 d (pos), 1000 d (neg):
   * pos@1 beats both negatives, pos@100 beats one: 3 of 4 pairs */
  assert_int_equal(rp_rfactor_validate_recency(&m, &ar, days, prob, out, 4), 0);
  assert_near(m.auc, 0.75, EPS);
  /* probabilities handed out in recency order: .35 .25 .02 .005 */
  double want = (0.65 * 0.65 + 0.25 * 0.25 + 0.98 * 0.98 + 0.005 * 0.005) / 4;
  assert_near(m.brier, want, EPS);
  /* top decile: 1 slot, the 1-day contact, positive: 1 / 0.5 */
  assert_near(m.lift, 2.0, EPS);

  /* contacts tied in recency share the mean of their probabilities */
  const double d3[] = {5, 5, 10};
  const bool o3[] = {true, false, false};
  const double p3[] = {0.3, 0.1, 0.2};
  assert_int_equal(rp_rfactor_validate_recency(&m, &ar, d3, p3, o3, 3), 0);
  assert_near(m.brier, (0.75 * 0.75 + 0.25 * 0.25 + 0.1 * 0.1) / 3, EPS);
  assert_near(m.auc, 0.75, EPS); /* beats the 10 d one, ties its twin */
  rp_arena_free(&ar);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfactor_band_edges),
      cmocka_unit_test(test_rfactor_eligibility),
      cmocka_unit_test(test_rfactor_prior_only_below_ten_closings),
      cmocka_unit_test(test_rfactor_calibrated_with_ten_closings),
      cmocka_unit_test(test_rfactor_calibration_add_counts_by_band),
      cmocka_unit_test(test_rfactor_predictions_interval_revenue_valuation),
      cmocka_unit_test(test_rfactor_interval_floor_at_zero),
      cmocka_unit_test(test_rfactor_default_commission_below_three_deals),
      cmocka_unit_test(test_rfactor_no_eligible_contact),
      cmocka_unit_test(test_rfactor_rounding_and_clamp),
      cmocka_unit_test(test_rfactor_tally_and_invalid_input),
      cmocka_unit_test(test_rfactor_month_ends_mid_month),
      cmocka_unit_test(test_rfactor_month_ends_at_the_last_second),
      cmocka_unit_test(test_rfactor_months_before_clamps_the_day),
      cmocka_unit_test(test_rfactor_validation_auc_perfect_reversed_ties),
      cmocka_unit_test(test_rfactor_validation_top_decile_lift),
      cmocka_unit_test(test_rfactor_validation_brier),
      cmocka_unit_test(test_rfactor_validation_recency_baseline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
