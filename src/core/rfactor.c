/* rfactor.c: the rFactor, its predictions, calibration and validation
 * (SCORING.md "rFactor and predictions"). Pure: no I/O, no clock; the only
 * allocations are the sort buffers of the validation, in the caller's
 * arena. */
#include "core/rfactor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define SECONDS_PER_DAY 86400

static const double priors[RP_RFACTOR_BANDS] = {0.005, 0.01, 0.02, 0.03, 0.05,
                                                0.08,  0.12, 0.18, 0.25, 0.35};

static double round1(double x) { return round(x * 10.0) / 10.0; }

/* rp_rfactor_eligible: see rfactor.h (SCORING.md rFactor). */
bool rp_rfactor_eligible(rp_ctype type, rp_status status, bool archived) {
  if (archived || status == RP_STATUS_NONE || (unsigned)status >= RP_STATUS_COUNT) return false;
  return type == RP_TYPE_CLIENT || type == RP_TYPE_FARM || type == RP_TYPE_PERSONAL ||
         type == RP_TYPE_PROSPECT;
}

/* rp_rfactor_contact_eligible: see rfactor.h. */
bool rp_rfactor_contact_eligible(const rp_scored_contact *c) {
  return rp_rfactor_eligible(c->type, c->status, c->archived);
}

/* rp_rfactor_band: see rfactor.h. */
int rp_rfactor_band(double score) {
  if (!(score >= 10.0)) return 0; /* also NaN and negatives */
  if (score >= 90.0) return 9;
  return (int)floor(score / 10.0);
}

/* rp_rfactor_prior: see rfactor.h. */
double rp_rfactor_prior(int band) {
  if (band < 0) band = 0;
  if (band > 9) band = 9;
  return priors[band];
}

/* rp_rfactor_calibration_add: see rfactor.h. */
void rp_rfactor_calibration_add(rp_rfactor_calibration *cal, double score, bool closed) {
  int b = rp_rfactor_band(score);
  cal->n[b]++;
  if (closed) cal->k[b]++;
}

/* rp_rfactor_probabilities: see rfactor.h (SCORING.md rFactor,
 * calibration). */
void rp_rfactor_probabilities(double p[RP_RFACTOR_BANDS], bool *calibrated,
                              const rp_rfactor_calibration *cal) {
  bool cal_ok = cal && cal->closed_deals >= RP_RFACTOR_MIN_CLOSINGS;
  for (int b = 0; b < RP_RFACTOR_BANDS; b++) {
    if (!cal_ok) {
      p[b] = priors[b];
      continue;
    }
    double n = cal->n[b] > 0 ? (double)cal->n[b] : 0;
    double k = cal->k[b] > 0 ? (double)cal->k[b] : 0;
    if (k > n) k = n;
    p[b] = (k + RP_RFACTOR_PRIOR_WEIGHT * priors[b]) / (n + RP_RFACTOR_PRIOR_WEIGHT);
  }
  if (calibrated) *calibrated = cal_ok;
}

/* rp_rfactor_tally: see rfactor.h. */
void rp_rfactor_tally(int64_t counts[RP_RFACTOR_BANDS], const double *scores, size_t n) {
  for (size_t i = 0; i < n; i++)
    counts[rp_rfactor_band(scores[i])]++;
}

/* rp_rfactor_compute: see rfactor.h (SCORING.md rFactor and predictions). */
int rp_rfactor_compute(rp_rfactor_result *out, const int64_t counts[RP_RFACTOR_BANDS],
                       const rp_rfactor_calibration *cal, const double *commissions,
                       size_t n_commissions, const rp_rfactor_settings *settings) {
  double p[RP_RFACTOR_BANDS];
  double sum_p = 0, sum_var = 0, sum_comm = 0;
  int64_t n_total = 0;
  double default_commission = RP_RFACTOR_DEFAULT_COMMISSION;
  double multiple = RP_RFACTOR_DEFAULT_MULTIPLE;

  memset(out, 0, sizeof *out);
  for (int b = 0; b < RP_RFACTOR_BANDS; b++)
    if (counts[b] < 0)
      return rp_error_set(RP_EINVALID_VALUE, NULL, "band %d has a negative count", b);
  for (size_t i = 0; i < n_commissions; i++)
    if (!isfinite(commissions[i]))
      return rp_error_set(RP_EINVALID_VALUE, NULL, "commission %zu is not a number", i);
  if (settings) {
    if (isfinite(settings->default_commission) && settings->default_commission >= 0)
      default_commission = settings->default_commission;
    if (isfinite(settings->valuation_multiple) && settings->valuation_multiple >= 0)
      multiple = settings->valuation_multiple;
  }

  rp_rfactor_probabilities(p, &out->calibrated, cal);
  for (int b = 0; b < RP_RFACTOR_BANDS; b++) {
    double c = (double)counts[b];
    out->bands[b] = (rp_rfactor_band_row){b, counts[b], p[b], priors[b]};
    n_total += counts[b];
    sum_p += c * p[b];
    sum_var += c * p[b] * (1.0 - p[b]);
  }
  out->eligible_contacts = n_total;
  out->predicted_transactions = sum_p;
  double half = RP_RFACTOR_Z80 * sqrt(sum_var);
  out->interval_lo = sum_p - half > 0 ? sum_p - half : 0;
  out->interval_hi = sum_p + half;

  for (size_t i = 0; i < n_commissions; i++)
    sum_comm += commissions[i];
  out->commission_deals = (int64_t)n_commissions;
  if (n_commissions < RP_RFACTOR_MIN_COMMISSION_DEALS) {
    out->mean_commission = default_commission;
    out->default_commission_used = true;
  } else {
    out->mean_commission = sum_comm / (double)n_commissions;
  }
  out->predicted_revenue = sum_p * out->mean_commission;
  out->revenue_lo = out->interval_lo * out->mean_commission;
  out->revenue_hi = out->interval_hi * out->mean_commission;
  out->valuation = out->predicted_revenue * multiple;

  if (n_total > 0 && p[9] > 0) {
    double r = round1(10.0 * (sum_p / (double)n_total) / p[9]);
    out->rfactor = r < 0 ? 0 : r > 10 ? 10 : r;
  }
  return 0;
}

/* ---- month-ends ---- */

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* Months since year 0 (y * 12 + m - 1) of the UTC day of t. */
static int64_t month_index(rp_time t) {
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(floor_div(t, SECONDS_PER_DAY), &y, &m, &d);
  return y * 12 + (int64_t)m - 1;
}

/* The last second of month index mi. */
static rp_time end_of_month_index(int64_t mi) {
  int64_t next = mi + 1;
  int64_t y = floor_div(next, 12);
  unsigned m = (unsigned)(next - y * 12) + 1;
  return rp_days_from_civil(y, m, 1) * SECONDS_PER_DAY - 1;
}

/* rp_rfactor_month_end: see rfactor.h. */
rp_time rp_rfactor_month_end(rp_time T, unsigned k) {
  int64_t mi = month_index(T);
  if (T != end_of_month_index(mi)) mi--; /* this month has not ended yet */
  if (k > 1) mi -= (int64_t)k - 1;
  return end_of_month_index(mi);
}

/* rp_rfactor_month_ends: see rfactor.h. */
void rp_rfactor_month_ends(rp_time *out, rp_time T, unsigned first, size_t count) {
  rp_time e1 = rp_rfactor_month_end(T, 1);
  int64_t mi = month_index(e1) - (first > 1 ? (int64_t)first - 1 : 0);
  for (size_t i = 0; i < count; i++)
    out[i] = end_of_month_index(mi - (int64_t)i);
}

/* rp_rfactor_outcome_until: see rfactor.h. */
rp_time rp_rfactor_outcome_until(rp_time e) { return end_of_month_index(month_index(e) + 12); }

/* rp_rfactor_calibration_window: see rfactor.h. */
void rp_rfactor_calibration_window(rp_time *after, rp_time *until, rp_time T) {
  *after = rp_rfactor_month_end(T, RP_RFACTOR_CAL_FIRST + RP_RFACTOR_CAL_COUNT - 1);
  *until = rp_rfactor_month_end(T, 1);
}

/* rp_rfactor_months_before: see rfactor.h. */
rp_time rp_rfactor_months_before(rp_time T, unsigned k) {
  int64_t days = floor_div(T, SECONDS_PER_DAY);
  rp_time tod = T - days * SECONDS_PER_DAY;
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(days, &y, &m, &d);
  int64_t mi = y * 12 + (int64_t)m - 1 - (int64_t)k;
  int64_t ny = floor_div(mi, 12);
  unsigned nm = (unsigned)(mi - ny * 12) + 1;
  /* days in the target month: first of next month minus first of this */
  int64_t first = rp_days_from_civil(ny, nm, 1);
  int64_t next = floor_div(end_of_month_index(mi), SECONDS_PER_DAY) + 1;
  unsigned len = (unsigned)(next - first);
  if (d > len) d = len;
  return (first + (int64_t)d - 1) * SECONDS_PER_DAY + tod;
}

/* ---- validation ---- */

typedef struct item {
  double key;
  double prob;
  int y;
} item;

static int by_key_desc(const void *a, const void *b) {
  double x = ((const item *)a)->key, z = ((const item *)b)->key;
  return x < z ? 1 : x > z ? -1 : 0;
}

/* Fills out from items sorted by key, highest first. */
static void metrics_of_sorted(rp_rfactor_metrics *out, const item *it, size_t n, bool has_prob) {
  size_t pos = 0;
  double brier = 0;
  for (size_t i = 0; i < n; i++) {
    pos += (size_t)it[i].y;
    if (has_prob) brier += (it[i].prob - it[i].y) * (it[i].prob - it[i].y);
  }
  out->n = n;
  out->positives = pos;
  out->auc = out->lift = out->brier = NAN;
  if (n == 0) return;
  if (has_prob) out->brier = brier / (double)n;

  /* AUC: for each tie group, its positives beat the negatives ranked below
   * it, and tie with the group's own negatives (half each). */
  size_t neg = n - pos;
  if (pos > 0 && neg > 0) {
    double wins = 0;
    size_t neg_below = neg; /* negatives strictly below the current group */
    for (size_t i = 0; i < n;) {
      size_t j = i, gp = 0;
      while (j < n && it[j].key == it[i].key)
        gp += (size_t)it[j++].y;
      size_t gn = (j - i) - gp;
      neg_below -= gn;
      wins += (double)gp * ((double)neg_below + 0.5 * (double)gn);
      i = j;
    }
    out->auc = wins / ((double)pos * (double)neg);
  }

  /* Top decile: ceil(n / 10) slots, a tie group at the cut in proportion. */
  if (pos > 0) {
    size_t slots = (n + 9) / 10, left = slots;
    double top_pos = 0;
    for (size_t i = 0; i < n && left > 0;) {
      size_t j = i, gp = 0;
      while (j < n && it[j].key == it[i].key)
        gp += (size_t)it[j++].y;
      size_t g = j - i;
      if (g <= left) {
        top_pos += (double)gp;
        left -= g;
      } else {
        top_pos += (double)gp * (double)left / (double)g;
        left = 0;
      }
      i = j;
    }
    out->lift = (top_pos / (double)slots) / ((double)pos / (double)n);
  }
}

static int check_inputs(const double *key, const double *prob, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (isnan(key[i])) return rp_error_set(RP_EINVALID_VALUE, NULL, "rank %zu is not a number", i);
    if (prob && !(prob[i] >= 0 && prob[i] <= 1))
      return rp_error_set(RP_EINVALID_VALUE, NULL, "probability %zu is not in 0..1", i);
  }
  return 0;
}

/* rp_rfactor_validate: see rfactor.h (SCORING.md validation). */
int rp_rfactor_validate(rp_rfactor_metrics *out, rp_arena *ar, const double *key,
                        const double *prob, const bool *outcome, size_t n) {
  int rc;
  memset(out, 0, sizeof *out);
  if ((rc = check_inputs(key, prob, n)) < 0) return rc;
  item *it = n ? rp_arena_alloc(ar, n * sizeof *it) : NULL;
  for (size_t i = 0; i < n; i++)
    it[i] = (item){key[i], prob ? prob[i] : 0, outcome[i] ? 1 : 0};
  if (n) qsort(it, n, sizeof *it, by_key_desc);
  metrics_of_sorted(out, it, n, prob != NULL);
  return 0;
}

static int by_double_desc(const void *a, const void *b) {
  double x = *(const double *)a, z = *(const double *)b;
  return x < z ? 1 : x > z ? -1 : 0;
}

/* rp_rfactor_validate_recency: see rfactor.h (SCORING.md validation,
 * recency-only baseline). */
int rp_rfactor_validate_recency(rp_rfactor_metrics *out, rp_arena *ar, const double *days_since,
                                const double *score_prob, const bool *outcome, size_t n) {
  int rc;
  memset(out, 0, sizeof *out);
  if ((rc = check_inputs(days_since, score_prob, n)) < 0) return rc;
  if (n == 0) {
    metrics_of_sorted(out, NULL, 0, score_prob != NULL);
    return 0;
  }
  item *it = rp_arena_alloc(ar, n * sizeof *it);
  for (size_t i = 0; i < n; i++)
    it[i] = (item){-days_since[i], 0, outcome[i] ? 1 : 0};
  qsort(it, n, sizeof *it, by_key_desc);
  if (score_prob) {
    double *p = rp_arena_alloc(ar, n * sizeof *p);
    memcpy(p, score_prob, n * sizeof *p);
    qsort(p, n, sizeof *p, by_double_desc);
    for (size_t i = 0; i < n;) {
      size_t j = i;
      double sum = 0;
      while (j < n && it[j].key == it[i].key)
        sum += p[j++];
      for (size_t m = i; m < j; m++)
        it[m].prob = sum / (double)(j - i);
      i = j;
    }
  }
  metrics_of_sorted(out, it, n, score_prob != NULL);
  return 0;
}
