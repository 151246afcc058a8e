/* alerts.h: stage averages and the attention alerts A2 (trend), A3 (press
 * for agreement) and A4 (stay in touch), pure (SCORING.md "Stage averages,
 * trend alert (A2), mid-range (A3), stay in touch (A4)"; DOMAIN.md A2-A4).
 *
 * The daily job feeds these functions plain arrays (the contacts with their
 * lifecycle fields in force and their score on the day, the score history,
 * the last alert of a contact) and stores what they decide. No store, no
 * clock; the only allocation is the sort buffer of the mid-range, in the
 * caller's arena.
 *
 * Definitions this module fixes:
 * - Scores are read at their one-decimal value (as kept: round1); the A2
 *   differences are computed in exact tenths, so d1 + d2 = 2.0 is exact.
 * - Days are whole day numbers (the daily job's days, e.g. days since the
 *   epoch in the account's timezone); "within 30 days" of an alert raised on
 *   day a means days a .. a + 29: on day a + 30 the same direction may fire
 *   again. Clearing an alert (two-way interaction, by hand) takes it off the
 *   reach-out list but does not shorten the 30 days.
 * - Percentiles: linear interpolation between closest ranks (Hyndman-Fan
 *   type 7, as Excel PERCENTILE.INC and numpy's default): for n sorted
 *   values x_0..x_(n-1), h = (n - 1) q and
 *   P(q) = x_floor(h) + (h - floor(h)) (x_(floor(h)+1) - x_floor(h)).
 */
#ifndef RP_ALERTS_H
#define RP_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/rfactor.h"
#include "util/arena.h"

#define RP_ALERTS_TREND_MIN_TENTHS 20 /* d1 + d2 at least 2.0 points */
#define RP_ALERTS_TREND_QUIET_DAYS 30 /* no second alert the same way */
#define RP_ALERTS_MID_MIN_BASIS 5     /* like-stage clients needed */
#define RP_ALERTS_MID_DEFAULT_LOW 35.0
#define RP_ALERTS_MID_DEFAULT_HIGH 55.0

/* The reasons of the reach-out list (API.md GET /reach-out): A2 rising and
 * falling, A3 press for a signed agreement, A4 overdue. */
typedef enum {
  RP_ALERT_TREND_RISING,
  RP_ALERT_TREND_FALLING,
  RP_ALERT_PRESS,
  RP_ALERT_OVERDUE,
  RP_ALERT_REASON_COUNT
} rp_alert_reason;

/* "trend_rising", "trend_falling", "press", "overdue"; NULL out of range. */
const char *rp_alert_reason_name(rp_alert_reason r);
/* The inverse; RP_EINVALID_VALUE (no error set) for another string. */
int rp_alert_reason_parse(rp_alert_reason *out, const char *s);

/* ---- stage averages ---- */

typedef struct rp_stage_average {
  double mean;   /* 0 when count is 0 */
  int64_t count; /* contacts averaged */
} rp_stage_average;

/* SCORING.md stage average: for each stage, the mean score of the contacts
 * that are eligible (rp_rfactor_eligible: type client, farm, personal or
 * prospect, status not none, not archived) and in that stage. out is
 * indexed by rp_stage and entirely filled. */
void rp_alerts_stage_averages(rp_stage_average out[RP_STAGE_COUNT], const rp_scored_contact *c,
                              size_t n);

/* ---- A2 trend ---- */

typedef enum { RP_TREND_NONE, RP_TREND_RISING, RP_TREND_FALLING } rp_trend;

/* "trend_rising", "trend_falling" (API.md reach-out reasons), "none". */
const char *rp_trend_name(rp_trend t);

/* SCORING.md A2, the test alone: s_t, s_t7, s_t14 are the scores on days
 * t, t - 7 and t - 14, average the contact's stage average on day t.
 * d1 = s(t) - s(t-7), d2 = s(t-7) - s(t-14). Rising when s(t) > average,
 * d1 > 0, d2 > 0 and d1 + d2 >= 2; falling when s(t) < average, d1 < 0,
 * d2 < 0 and d1 + d2 <= -2; else none (also when any input is NaN: a
 * contact without 14 days of history). */
rp_trend rp_alerts_trend(double s_t, double s_t7, double s_t14, double average);

/* SCORING.md A2 suppression: true when an alert of direction dir on day
 * `day` must not be raised because the last one in the same direction was
 * raised on last_day, less than 30 days before. last_dir RP_TREND_NONE: no
 * alert yet. */
bool rp_alerts_trend_suppressed(rp_trend dir, int64_t day, rp_trend last_dir, int64_t last_day);

/* What the daily job knows of one contact on day t. */
typedef struct rp_trend_input {
  int64_t day;             /* t */
  double s_t, s_t7, s_t14; /* NaN for a day without a score */
  double stage_average;    /* of the contact's stage on day t */
  rp_trend last_dir;       /* the contact's last trend alert, NONE if none */
  int64_t last_day;        /* the day it was raised */
} rp_trend_input;

/* SCORING.md A2: the alert to raise on day t (the test, then the 30-day
 * suppression), or RP_TREND_NONE. */
rp_trend rp_alerts_trend_decide(const rp_trend_input *in);

/* SCORING.md A2 clearing: an alert raised at raised_at is still shown at T
 * unless it was dismissed by hand (dismissed_at, 0 = never, at or before T)
 * or a two-way interaction happened after it (last_two_way, the contact's
 * latest at or before T, 0 = none; strictly after raised_at). */
bool rp_alerts_active(rp_time raised_at, rp_time dismissed_at, rp_time last_two_way, rp_time T);

/* ---- A3 mid-range and the press alert ---- */

typedef struct rp_mid_range {
  double low, high;
  size_t basis;   /* client/past_client contacts in stage like counted */
  bool from_data; /* false: fewer than 5, the default 35..55 */
} rp_mid_range;

/* The q-quantile (0 <= q <= 1, clamped) of n >= 1 values sorted in
 * ascending order, by linear interpolation between closest ranks (see the
 * top of this file). NaN for n = 0. */
double rp_alerts_percentile(const double *sorted, size_t n, double q);

/* SCORING.md A3: the 25th to 75th percentile of the scores of the eligible
 * (rp_rfactor_eligible) contacts with status client or past_client in
 * stage like, when there are at least 5 of them; else 35 to 55. The sort
 * buffer comes from ar. */
void rp_alerts_mid_range(rp_mid_range *out, rp_arena *ar, const rp_scored_contact *c, size_t n);

/* SCORING.md A3 / DOMAIN.md A3: true for a lead, not archived, whose score
 * is at or above the mid-range's lower edge ("press for a signed
 * agreement"). */
bool rp_alerts_press(const rp_scored_contact *c, const rp_mid_range *mr);

/* ---- A4 stay in touch ---- */

/* SCORING.md A4 / DOMAIN.md A4: true when the contact is overdue at T, that
 * is the days since last_touch (its latest two-way interaction at or before
 * T, 0 = none: known_since counts) exceed its interval (base by stage times
 * 1 + min(Y, 10) / 5, or the hand-set interval). Uses c->stage,
 * contact_interval_days, known_since, created_at and archived_at; delegates
 * to rp_contact_overdue_at (contact.h). Stage none or archived: never. */
bool rp_alerts_overdue(const rp_contact *c, rp_time last_touch, rp_time T);

/* Whole days the contact has been overdue at T (0 when it is not), for the
 * reach-out ordering and its detail. */
int64_t rp_alerts_overdue_days(const rp_contact *c, rp_time last_touch, rp_time T);

#endif
