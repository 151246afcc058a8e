/* scoring_rfactor.c: the rFactor of an account, its calibration and the
 * backtest through the store (SCORING.md "rFactor and predictions"; the
 * pure parts are in core/rfactor.c).
 *
 * Each function makes at most one ordered scan of the account
 * (rp_store_score_scan, with the change history so the lifecycle fields at
 * any month-end are right) and scores each contact at the moments it
 * needs with one reused rp_score_input. docs/scoring.md tells users which
 * month-ends are read. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/scoring.h"
#include "jobs/scoring_internal.h"
#include "util/error.h"
#include "util/mem.h"

#define DAY_SECONDS 86400
/* The kept scores stand for the scores at T up to a day after the latest
 * daily run: 26 hours leave room for a 25-hour daylight-saving day and a
 * run a little late. */
#define KEPT_MAX_AGE (26 * 3600)
/* The backtest scores each contact at e_1..e_47: e_1..e_12 are tested, and
 * the calibration of e_k reads e_(k+12)..e_(k+35). */
#define BT_TESTED RP_RFACTOR_RECENT_COUNT
#define BT_MONTHS (RP_RFACTOR_RECENT_COUNT + RP_RFACTOR_CAL_COUNT - 1 + RP_RFACTOR_CAL_FIRST - 1)

/* The day a contact is known from (SCORING.md: known_since, else the day
 * it was created, at midnight UTC). */
static rp_time known_from(const rp_score_input *in) {
  if (in->known_since) return in->known_since;
  rp_time c = in->created_at;
  return c - (((c % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS);
}

static bool archived_at(const rp_contact *c, rp_time T) {
  return c->archived_at != 0 && c->archived_at <= T;
}

/* The predictions' settings of a settings JSON text (API.md Settings:
 * default_commission, valuation_multiple); defaults where missing. */
static rp_rfactor_settings rf_settings(const char *settings_json) {
  rp_rfactor_settings st = {.default_commission = RP_RFACTOR_DEFAULT_COMMISSION,
                            .valuation_multiple = RP_RFACTOR_DEFAULT_MULTIPLE};
  json_t *root = settings_json ? json_loads(settings_json, 0, NULL) : NULL;
  json_t *v = json_object_get(root, "default_commission");
  if (json_is_number(v) && json_number_value(v) >= 0) st.default_commission = json_number_value(v);
  v = json_object_get(root, "valuation_multiple");
  if (json_is_number(v) && json_number_value(v) > 0) st.valuation_multiple = json_number_value(v);
  json_decref(root);
  return st;
}

/* Distinct closed deals of the account with a close in (after, until]. */
static int64_t closed_in(const rp_closed_deal *deals, size_t n, rp_time after, rp_time until) {
  int64_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += deals[i].closed_at > after && deals[i].closed_at <= until;
  return k;
}

/* ---- calibration ---- */

typedef struct cal_scan {
  const rp_scoring_index *ix;
  rp_time T;
  rp_time e[RP_RFACTOR_CAL_COUNT], until[RP_RFACTOR_CAL_COUNT];
  rp_score_input in;
  rp_rfactor_calibration *cal;
} cal_scan;

static int cal_row(void *ctx, const rp_score_row *row) {
  cal_scan *d = ctx;
  if (row->contact.created_at > d->T) return 0; /* not yet in the database at T */
  for (int j = 0; j < RP_RFACTOR_CAL_COUNT; j++) {
    rp_scoring_row_input(&d->in, d->ix, row, d->e[j]);
    if (known_from(&d->in) > d->e[j]) break; /* older month-ends: not known either */
    rp_score_result r;
    int rc = rp_score_compute(&r, &d->in);
    if (rc) return rc;
    bool closed = rp_scoring_index_closed_between(d->ix, row->contact.id, d->e[j], d->until[j]);
    rp_rfactor_calibration_add(d->cal, r.score, closed);
  }
  return 0;
}

/* rp_scoring_calibration: see scoring.h (SCORING.md rFactor calibration;
 * month-ends and windows as core/rfactor.h defines them). Every contact
 * that existed at T and was known by a month-end e_13..e_36 is scored as
 * of it with its lifecycle fields of then, whatever its type or status
 * (SCORING.md: "score every contact known by then"); outcome: a deal of it
 * closed in the 12 months after. One scan; arrays freed here. */
int rp_scoring_calibration(rp_rfactor_calibration *out, rp_store *s, rp_arena *ar,
                           const char *account_id, rp_time T) {
  rp_scoring_index *ix = NULL;
  rp_closed_deal *deals = NULL;
  size_t n_deals = 0;
  cal_scan d = {.T = T, .cal = out};
  memset(out, 0, sizeof *out);
  int rc = rp_scoring_index_load(&ix, s, account_id);
  if (rc) goto cleanup;
  d.ix = ix;
  rp_rfactor_month_ends(d.e, T, RP_RFACTOR_CAL_FIRST, RP_RFACTOR_CAL_COUNT);
  for (int j = 0; j < RP_RFACTOR_CAL_COUNT; j++)
    d.until[j] = rp_rfactor_outcome_until(d.e[j]);
  rc = rp_store_score_scan(s, account_id, NULL, NULL, true, cal_row, &d);
  if (rc) goto cleanup;
  rc = rp_store_closed_deals(s, ar, account_id, &deals, &n_deals);
  if (rc) goto cleanup;
  rp_time after, until;
  rp_rfactor_calibration_window(&after, &until, T);
  out->closed_deals = closed_in(deals, n_deals, after, until);
cleanup:
  if (rc) memset(out, 0, sizeof *out);
  rp_scoring_index_free(ix);
  return rc;
}

/* ---- rFactor ---- */

typedef struct band_scan {
  const rp_scoring_index *ix;
  rp_time T;
  rp_score_input in;
  int64_t *counts;
} band_scan;

static int band_row(void *ctx, const rp_score_row *row) {
  band_scan *d = ctx;
  if (row->contact.created_at > d->T) return 0;
  rp_scoring_row_input(&d->in, d->ix, row, d->T);
  if (!rp_rfactor_eligible(d->in.type, d->in.status, archived_at(&row->contact, d->T))) return 0;
  rp_score_result r;
  int rc = rp_score_compute(&r, &d->in);
  if (rc) return rc;
  d->counts[rp_rfactor_band(r.score)]++;
  return 0;
}

/* Whether the kept scores stand for the scores at T: T is at or after the
 * latest daily run's as_of and within a day of it (docs/scoring.md). */
static int kept_scores_fit(rp_store *s, const char *account_id, rp_time T, bool *fit) {
  rp_daily_stats st;
  *fit = false;
  int rc = rp_store_daily_stats_get(s, account_id, INT32_MAX, &st);
  if (rc == RP_ENOTFOUND) {
    rp_error_clear();
    return 0;
  }
  if (rc) return rc;
  *fit = st.as_of <= T && T - st.as_of <= KEPT_MAX_AGE;
  return 0;
}

/* rp_scoring_rfactor: see scoring.h (SCORING.md rFactor and predictions).
 * The band counts are the kept scores' (rp_store_score_bands) when T is
 * at most 26 hours after the latest daily run, else every contact is scored
 * at T in one scan; the calibration is the one kept for e_1 of T, else
 * counted now (and not kept: this may run in a read-only request). */
int rp_scoring_rfactor(rp_rfactor_result *out, rp_store *s, rp_arena *ar, const char *account_id,
                       rp_time T) {
  rp_scoring_index *ix = NULL;
  rp_account acct = {0};
  int64_t counts[RP_RFACTOR_BANDS] = {0};
  memset(out, 0, sizeof *out);
  int rc = rp_store_account_get(s, ar, &acct, account_id);
  if (rc) goto cleanup;
  rc = rp_scoring_index_load(&ix, s, account_id);
  if (rc) goto cleanup;

  bool fit = false;
  rc = kept_scores_fit(s, account_id, T, &fit);
  if (rc) goto cleanup;
  if (fit) {
    rc = rp_store_score_bands(s, account_id, counts);
  } else {
    band_scan d = {.ix = ix, .T = T, .counts = counts};
    rc = rp_store_score_scan(s, account_id, NULL, NULL, true, band_row, &d);
  }
  if (rc) goto cleanup;

  rp_rfactor_calibration cal;
  rp_time computed_at = 0;
  rc = rp_store_calibration_get(s, account_id, rp_rfactor_month_end(T, 1), &cal, &computed_at);
  if (rc == RP_ENOTFOUND) {
    rp_error_clear();
    rc = rp_scoring_calibration(&cal, s, ar, account_id, T);
  }
  if (rc) goto cleanup;

  double *comm = NULL;
  size_t n_comm = 0;
  rp_scoring_index_commissions(ix, ar, rp_rfactor_months_before(T, 24), T, &comm, &n_comm);
  rp_rfactor_settings st = rf_settings(acct.settings_json);
  rc = rp_rfactor_compute(out, counts, &cal, comm, n_comm, &st);
cleanup:
  rp_scoring_index_free(ix);
  return rc;
}

/* ---- backtest ---- */

/* One contact at one tested month-end: 8 bytes, so a million contacts
 * over 12 month-ends take under 100 MB. */
typedef struct bt_obs {
  int16_t tenths; /* the score in tenths (exact: scores have one decimal) */
  uint8_t band;
  uint8_t closed;
  float days; /* since last_touch at the month-end */
} bt_obs;

typedef struct bt_list {
  bt_obs *v;
  size_t n, cap;
} bt_list;

typedef struct bt_scan {
  const rp_scoring_index *ix;
  rp_time T;
  rp_time e[BT_MONTHS], until[BT_MONTHS]; /* e_1..e_47; outcome windows as known at T */
  rp_score_input in;
  bt_list obs[BT_TESTED];
  rp_rfactor_calibration cal[BT_TESTED]; /* of e_1..e_12 */
  size_t seen, total;
  rp_scoring_progress_fn progress;
  void *progress_ctx;
} bt_scan;

static void bt_push(bt_list *l, bt_obs o) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 1024;
    l->v = rp_xrealloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = o;
}

static int bt_row(void *ctx, const rp_score_row *row) {
  bt_scan *d = ctx;
  d->seen++;
  if (d->progress) d->progress(d->progress_ctx, d->seen, d->seen > d->total ? d->seen : d->total);
  if (row->contact.created_at > d->T) return 0;
  for (int j = 0; j < BT_MONTHS; j++) { /* j = 0 is e_1 */
    rp_scoring_row_input(&d->in, d->ix, row, d->e[j]);
    if (known_from(&d->in) > d->e[j]) break;
    bool tested = j < BT_TESTED && rp_rfactor_eligible(d->in.type, d->in.status,
                                                       archived_at(&row->contact, d->e[j]));
    bool calib = j + 1 >= RP_RFACTOR_CAL_FIRST;
    if (!tested && !calib) continue;
    rp_score_result r;
    int rc = rp_score_compute(&r, &d->in);
    if (rc) return rc;
    bool closed = rp_scoring_index_closed_between(d->ix, row->contact.id, d->e[j], d->until[j]);
    if (tested)
      bt_push(&d->obs[j],
              (bt_obs){.tenths = (int16_t)llround(r.score * 10.0),
                       .band = (uint8_t)rp_rfactor_band(r.score),
                       .closed = closed,
                       .days = (float)((double)(d->e[j] - r.last_touch) / DAY_SECONDS)});
    if (calib) {
      /* e_(j+1) calibrates e_k for k + 12 <= j + 1 <= k + 35 */
      int m = j + 1;
      int lo = m - (RP_RFACTOR_CAL_FIRST + RP_RFACTOR_CAL_COUNT - 2), hi = m - 12;
      if (lo < 1) lo = 1;
      if (hi > BT_TESTED) hi = BT_TESTED;
      for (int k = lo; k <= hi; k++)
        rp_rfactor_calibration_add(&d->cal[k - 1], r.score, closed);
    }
  }
  return 0;
}

/* rp_scoring_backtest: see scoring.h (SCORING.md validation). For each of
 * e_1..e_12 (rows[0] = e_1): every contact eligible then (type, status and
 * archiving as of e_k) and known by then, scored as of e_k; outcome: a
 * deal of it closed in (e_k, min(outcome window end, T)]; probabilities:
 * the band probabilities of the calibration as of e_k (month-ends
 * e_(k+12)..e_(k+35), whose outcomes were all known at e_k), so no month
 * is judged with what was learnt after it. One scan scoring each contact
 * at most 47 times; progress over the contacts. */
int rp_scoring_backtest(rp_backtest_row rows[RP_RFACTOR_RECENT_COUNT], rp_store *s, rp_arena *ar,
                        const char *account_id, rp_time T, rp_scoring_progress_fn progress,
                        void *progress_ctx) {
  rp_scoring_index *ix = NULL;
  rp_closed_deal *deals = NULL;
  size_t n_deals = 0;
  bt_scan *d = rp_xcalloc(1, sizeof *d);
  double *key = NULL, *prob = NULL, *days = NULL;
  bool *outcome = NULL;
  memset(rows, 0, RP_RFACTOR_RECENT_COUNT * sizeof *rows);

  int rc = rp_scoring_index_load(&ix, s, account_id);
  if (rc) goto cleanup;
  int64_t live = 0;
  rc = rp_store_count_contacts(s, account_id, &live);
  if (rc) goto cleanup;
  d->ix = ix;
  d->T = T;
  d->total = (size_t)live;
  d->progress = progress;
  d->progress_ctx = progress_ctx;
  rp_rfactor_month_ends(d->e, T, 1, BT_MONTHS);
  for (int j = 0; j < BT_MONTHS; j++) {
    d->until[j] = rp_rfactor_outcome_until(d->e[j]);
    if (d->until[j] > T) d->until[j] = T;
  }
  rc = rp_store_score_scan(s, account_id, NULL, NULL, true, bt_row, d);
  if (rc) goto cleanup;
  rc = rp_store_closed_deals(s, ar, account_id, &deals, &n_deals);
  if (rc) goto cleanup;

  for (int k = 0; k < BT_TESTED; k++) {
    rp_time after, until;
    rp_rfactor_calibration_window(&after, &until, d->e[k]);
    d->cal[k].closed_deals = closed_in(deals, n_deals, after, until);
    double p[RP_RFACTOR_BANDS];
    rp_rfactor_probabilities(p, NULL, &d->cal[k]);

    const bt_list *l = &d->obs[k];
    size_t n = l->n;
    key = rp_xrealloc(key, (n ? n : 1) * sizeof *key);
    prob = rp_xrealloc(prob, (n ? n : 1) * sizeof *prob);
    days = rp_xrealloc(days, (n ? n : 1) * sizeof *days);
    outcome = rp_xrealloc(outcome, (n ? n : 1) * sizeof *outcome);
    for (size_t i = 0; i < n; i++) {
      key[i] = l->v[i].tenths / 10.0;
      prob[i] = p[l->v[i].band];
      days[i] = l->v[i].days;
      outcome[i] = l->v[i].closed;
    }
    rows[k].month_end = d->e[k];
    rows[k].observed_until = d->until[k];
    rp_arena tmp = {0};
    rc = rp_rfactor_validate(&rows[k].score, &tmp, key, prob, outcome, n);
    if (!rc) rc = rp_rfactor_validate_recency(&rows[k].recency, &tmp, days, prob, outcome, n);
    rp_arena_free(&tmp);
    if (rc) goto cleanup;
  }
cleanup:
  rp_scoring_index_free(ix);
  for (int k = 0; k < BT_TESTED; k++)
    free(d->obs[k].v);
  free(d);
  free(key);
  free(prob);
  free(days);
  free(outcome);
  return rc;
}
