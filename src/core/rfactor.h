/* rfactor.h: the rFactor of a database, its predictions and their
 * validation (SCORING.md "rFactor and predictions"), pure.
 *
 * Everything here works on plain arrays the caller fills (scores of the
 * eligible contacts, calibration counts, commissions, outcomes): no store,
 * no clock (T is an argument), no allocation except, where a function sorts,
 * in the caller's arena.
 *
 * Definitions this module fixes (SCORING.md leaves them open):
 *
 * - Month-end: the last second of a calendar month, UTC (for example
 *   2026-05-31T23:59:59Z). e_1 is the latest month-end at or before T (T
 *   itself when T is one), e_2 the one before, and so on.
 *   "The last 12 month-ends" are e_1..e_12 (the backtest and the monthly
 *   history). "The month-ends between 36 and 12 months before T" are the 24
 *   month-ends e_13..e_36: exactly those whose 12-month outcome window is
 *   complete at T.
 * - Outcome window of a month-end e: "a deal closed in the 12 months after"
 *   e means a close date in (e, e'] where e' is the month-end 12 calendar
 *   months after e (the deal closed in one of the 12 months that follow).
 *   A close date "YYYY-MM-DD" counts as midnight UTC of that day.
 * - "Closed deals in those windows" (the calibration threshold of 10):
 *   the number of distinct closed deals of the account whose close date lies
 *   in the union of the outcome windows of e_13..e_36, that is in
 *   (e_36, e_1] (rp_rfactor_calibration_window). A closed property and the
 *   closed transaction that sells it count once (as for lifetime_value). It
 *   counts deals, not contact-month pairs: a deal seen by 12 month-ends and
 *   two parties still counts 1.
 * - Eligible contact: type client, farm, personal or prospect; status not
 *   none; not archived (rp_rfactor_eligible); status and type as in force
 *   at T.
 */
#ifndef RP_RFACTOR_H
#define RP_RFACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/arena.h"

#define RP_RFACTOR_BANDS 10
#define RP_RFACTOR_PRIOR_WEIGHT 50.0      /* pseudo-contacts of the prior */
#define RP_RFACTOR_MIN_CLOSINGS 10        /* fewer: prior only */
#define RP_RFACTOR_MIN_COMMISSION_DEALS 3 /* fewer: default commission */
#define RP_RFACTOR_DEFAULT_COMMISSION 7500.0
#define RP_RFACTOR_DEFAULT_MULTIPLE 1.0
#define RP_RFACTOR_Z80 1.2816     /* two-sided 80 % normal quantile */
#define RP_RFACTOR_RECENT_FIRST 1 /* e_1..e_12: the last 12 month-ends */
#define RP_RFACTOR_RECENT_COUNT 12
#define RP_RFACTOR_CAL_FIRST 13 /* e_13..e_36: the calibration month-ends */
#define RP_RFACTOR_CAL_COUNT 24

/* What the rFactor, the stage averages and the alerts read of a contact:
 * the lifecycle fields in force at T and its score at T. */
typedef struct rp_scored_contact {
  rp_ctype type;
  rp_status status;
  rp_stage stage;
  bool archived;
  double score;
} rp_scored_contact;

/* SCORING.md rFactor: true for a contact of type client, farm, personal or
 * prospect whose status is not none and that is not archived. */
bool rp_rfactor_eligible(rp_ctype type, rp_status status, bool archived);

/* rp_rfactor_eligible on the fields of c. */
bool rp_rfactor_contact_eligible(const rp_scored_contact *c);

/* SCORING.md rFactor: band b = min(9, floor(score / 10)); a negative or NaN
 * score is band 0. */
int rp_rfactor_band(double score);

/* The prior probability of a closed deal within 12 months for band b
 * (0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.18, 0.25, 0.35); b is
 * clamped to 0..9. */
double rp_rfactor_prior(int band);

/* Calibration counts (SCORING.md rFactor): over the calibration
 * month-ends, n[b] contacts known by then scored in band b as of that
 * month-end, k[b] of them with a deal closed in the month-end's outcome
 * window; closed_deals as defined at the top of this file. A zeroed struct
 * is an account with no history. */
typedef struct rp_rfactor_calibration {
  int64_t n[RP_RFACTOR_BANDS];
  int64_t k[RP_RFACTOR_BANDS];
  int64_t closed_deals;
} rp_rfactor_calibration;

/* Adds one (contact, month-end) observation: a contact scored `score` as of
 * the month-end, and whether it had a deal closed in the outcome window. */
void rp_rfactor_calibration_add(rp_rfactor_calibration *cal, double score, bool closed);

/* SCORING.md rFactor: the band probabilities into p. With cal NULL or
 * cal->closed_deals < 10: p_b = prior_b and *calibrated = false; else
 * p_b = (k_b + 50 prior_b) / (n_b + 50) and *calibrated = true.
 * calibrated may be NULL. */
void rp_rfactor_probabilities(double p[RP_RFACTOR_BANDS], bool *calibrated,
                              const rp_rfactor_calibration *cal);

/* Adds each score's band to counts[b] (the caller zeroes counts first; it
 * can tally a million contacts in chunks). */
void rp_rfactor_tally(int64_t counts[RP_RFACTOR_BANDS], const double *scores, size_t n);

/* The account settings the predictions read. */
typedef struct rp_rfactor_settings {
  double default_commission; /* 7500 by default */
  double valuation_multiple; /* 1.0 by default */
} rp_rfactor_settings;

/* One band of the result (API.md GET /rfactor bands[]). */
typedef struct rp_rfactor_band_row {
  int band;
  int64_t contacts;   /* eligible contacts in the band */
  double probability; /* p_b used (calibrated or prior) */
  double prior;       /* prior_b */
} rp_rfactor_band_row;

typedef struct rp_rfactor_result {
  double rfactor;                  /* 0..10, one decimal */
  int64_t eligible_contacts;       /* N */
  double predicted_transactions;   /* P, unrounded */
  double interval_lo, interval_hi; /* 80 %: P -/+ 1.2816 sqrt(sum p(1-p)), lo >= 0 */
  double mean_commission;          /* used for the revenue */
  int64_t commission_deals;        /* deals the mean came from */
  bool default_commission_used;    /* fewer than 3 deals */
  double predicted_revenue;        /* P x mean_commission */
  double revenue_lo, revenue_hi;   /* interval x mean_commission */
  double valuation;                /* predicted_revenue x valuation_multiple */
  bool calibrated;
  rp_rfactor_band_row bands[RP_RFACTOR_BANDS];
} rp_rfactor_result;

/* SCORING.md rFactor and predictions. In: counts[b], the eligible contacts
 * by band at T (rp_rfactor_tally over their scores); cal, the calibration
 * counts (NULL: none, prior only); commissions, the commission of each of
 * the account's closed deals with a close date in the last 24 months,
 * (rp_rfactor_months_before(T, 24), T], each deal once; settings (NULL:
 * the defaults). Out: *out, entirely filled. P = sum of p_b over contacts;
 * rFactor = round1(10 (P / N) / p_9) clamped to 0..10, 0 when N = 0.
 * Returns 0, or RP_EINVALID_VALUE for a negative count or a NaN commission
 * (error set, *out zeroed). */
int rp_rfactor_compute(rp_rfactor_result *out, const int64_t counts[RP_RFACTOR_BANDS],
                       const rp_rfactor_calibration *cal, const double *commissions,
                       size_t n_commissions, const rp_rfactor_settings *settings);

/* ---- month-ends and windows (definitions at the top of this file) ---- */

/* e_k for k >= 1: the k-th latest month-end at or before T (k = 0 is
 * treated as 1). */
rp_time rp_rfactor_month_end(rp_time T, unsigned k);

/* out[i] = e_(first + i) for i < count: rp_rfactor_month_ends(out, T,
 * RP_RFACTOR_CAL_FIRST, RP_RFACTOR_CAL_COUNT) gives the calibration
 * month-ends, newest first. */
void rp_rfactor_month_ends(rp_time *out, rp_time T, unsigned first, size_t count);

/* The end of the outcome window of month-end e: the month-end 12 calendar
 * months after the month of e. A deal counts for e when e < close <= it. */
rp_time rp_rfactor_outcome_until(rp_time e);

/* The union of the calibration outcome windows, (e_36, e_1]: the deals
 * counted by closed_deals close in *after < t <= *until. */
void rp_rfactor_calibration_window(rp_time *after, rp_time *until, rp_time T);

/* T moved back k calendar months, same time of day, the day clamped to
 * the length of the month (2026-03-31 minus 1 month is 2026-02-28). */
rp_time rp_rfactor_months_before(rp_time T, unsigned k);

/* ---- validation (the backtest) ---- */

/* One month-end's figures for "a deal closes within 12 months". */
typedef struct rp_rfactor_metrics {
  size_t n;         /* contacts */
  size_t positives; /* with a deal closed in the outcome window */
  double auc;       /* P(a positive ranks above a negative), ties count half;
                       NaN without a positive or without a negative */
  double lift;      /* top-decile lift, NaN without a positive */
  double brier;     /* mean (p - outcome)^2; NaN when n = 0 or no p given */
} rp_rfactor_metrics;

/* Validation of a ranking: key[i] ranks contact i (higher = more likely to
 * close), prob[i] its predicted probability (NULL: no Brier score),
 * outcome[i] whether it closed a deal. Top decile: the ceil(n / 10)
 * highest-ranked contacts; contacts tied at the cut count in proportion
 * (the expectation over random tie-breaking, as ties count half in the
 * AUC). Lift = positive rate in the top decile / overall positive rate.
 * Sorting uses ar. Returns 0, or RP_EINVALID_VALUE (error set) for a NaN
 * key or a probability outside 0..1. */
int rp_rfactor_validate(rp_rfactor_metrics *out, rp_arena *ar, const double *key,
                        const double *prob, const bool *outcome, size_t n);

/* The same for the recency-only baseline: days_since[i] = days since the
 * contact's last_touch at the month-end; fewer days rank higher. Its
 * probabilities, for the Brier score, are the score's probabilities
 * score_prob (NULL: no Brier score) handed out again in recency order: the
 * most recent contact gets the highest of them, and so on, contacts tied
 * in recency sharing the mean of theirs. So both sides have the same
 * probabilities, and only the order they are given in differs. */
int rp_rfactor_validate_recency(rp_rfactor_metrics *out, rp_arena *ar, const double *days_since,
                                const double *score_prob, const bool *outcome, size_t n);

#endif
