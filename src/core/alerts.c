/* alerts.c: stage averages and the attention alerts A2-A4 (SCORING.md,
 * DOMAIN.md A2-A4). Pure: no I/O, no clock; the mid-range sorts in the
 * caller's arena. */
#include "core/alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "util/error.h"

/* rp_alerts_stage_averages: see alerts.h (SCORING.md stage average). */
void rp_alerts_stage_averages(rp_stage_average out[RP_STAGE_COUNT], const rp_scored_contact *c,
                              size_t n) {
  double sum[RP_STAGE_COUNT] = {0};
  memset(out, 0, RP_STAGE_COUNT * sizeof *out);
  for (size_t i = 0; i < n; i++) {
    if (!rp_rfactor_contact_eligible(&c[i]) || (unsigned)c[i].stage >= RP_STAGE_COUNT) continue;
    sum[c[i].stage] += c[i].score;
    out[c[i].stage].count++;
  }
  for (int s = 0; s < RP_STAGE_COUNT; s++)
    out[s].mean = out[s].count ? sum[s] / (double)out[s].count : 0;
}

/* rp_trend_name: see alerts.h. */
const char *rp_trend_name(rp_trend t) {
  switch (t) {
  case RP_TREND_RISING: return "trend_rising";
  case RP_TREND_FALLING: return "trend_falling";
  default: return "none";
  }
}

static const char *const alert_reason_names[RP_ALERT_REASON_COUNT] = {
    "trend_rising", "trend_falling", "press", "overdue"};

/* rp_alert_reason_name: see alerts.h. */
const char *rp_alert_reason_name(rp_alert_reason r) {
  return (unsigned)r < RP_ALERT_REASON_COUNT ? alert_reason_names[r] : NULL;
}

/* rp_alert_reason_parse: see alerts.h. */
int rp_alert_reason_parse(rp_alert_reason *out, const char *s) {
  for (int i = 0; s && i < RP_ALERT_REASON_COUNT; i++)
    if (strcmp(s, alert_reason_names[i]) == 0) {
      *out = (rp_alert_reason)i;
      return 0;
    }
  return RP_EINVALID_VALUE;
}

/* A one-decimal score in exact tenths. */
static long long tenths(double s) { return llround(s * 10.0); }

/* rp_alerts_trend: see alerts.h (SCORING.md A2). */
rp_trend rp_alerts_trend(double s_t, double s_t7, double s_t14, double average) {
  if (isnan(s_t) || isnan(s_t7) || isnan(s_t14) || isnan(average)) return RP_TREND_NONE;
  if (fabs(s_t) > 1e12 || fabs(s_t7) > 1e12 || fabs(s_t14) > 1e12) return RP_TREND_NONE;
  long long a = tenths(s_t), b = tenths(s_t7), c = tenths(s_t14);
  long long d1 = a - b, d2 = b - c;
  double now = (double)a / 10.0;
  if (now > average && d1 > 0 && d2 > 0 && d1 + d2 >= RP_ALERTS_TREND_MIN_TENTHS)
    return RP_TREND_RISING;
  if (now < average && d1 < 0 && d2 < 0 && d1 + d2 <= -RP_ALERTS_TREND_MIN_TENTHS)
    return RP_TREND_FALLING;
  return RP_TREND_NONE;
}

/* rp_alerts_trend_suppressed: see alerts.h (SCORING.md A2). */
bool rp_alerts_trend_suppressed(rp_trend dir, int64_t day, rp_trend last_dir, int64_t last_day) {
  if (dir == RP_TREND_NONE || last_dir != dir) return false;
  return day - last_day < RP_ALERTS_TREND_QUIET_DAYS;
}

/* rp_alerts_trend_decide: see alerts.h (SCORING.md A2). */
rp_trend rp_alerts_trend_decide(const rp_trend_input *in) {
  rp_trend t = rp_alerts_trend(in->s_t, in->s_t7, in->s_t14, in->stage_average);
  if (rp_alerts_trend_suppressed(t, in->day, in->last_dir, in->last_day)) return RP_TREND_NONE;
  return t;
}

/* rp_alerts_active: see alerts.h (SCORING.md A2, clearing). */
bool rp_alerts_active(rp_time raised_at, rp_time dismissed_at, rp_time last_two_way, rp_time T) {
  if (raised_at > T) return false;
  if (dismissed_at && dismissed_at <= T) return false;
  if (last_two_way && last_two_way > raised_at && last_two_way <= T) return false;
  return true;
}

/* rp_alerts_percentile: see alerts.h. */
double rp_alerts_percentile(const double *sorted, size_t n, double q) {
  if (n == 0) return NAN;
  if (!(q > 0)) q = 0; /* also NaN */
  if (q > 1) q = 1;
  double h = (double)(n - 1) * q;
  size_t lo = (size_t)floor(h);
  if (lo + 1 >= n) return sorted[n - 1];
  return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static int by_double_asc(const void *a, const void *b) {
  double x = *(const double *)a, z = *(const double *)b;
  return x < z ? -1 : x > z ? 1 : 0;
}

static bool in_mid_basis(const rp_scored_contact *c) {
  return rp_rfactor_contact_eligible(c) && c->stage == RP_STAGE_LIKE &&
         (c->status == RP_STATUS_CLIENT || c->status == RP_STATUS_PAST_CLIENT) && !isnan(c->score);
}

/* rp_alerts_mid_range: see alerts.h (SCORING.md A3). */
void rp_alerts_mid_range(rp_mid_range *out, rp_arena *ar, const rp_scored_contact *c, size_t n) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    m += in_mid_basis(&c[i]);
  out->basis = m;
  out->from_data = m >= RP_ALERTS_MID_MIN_BASIS;
  if (!out->from_data) {
    out->low = RP_ALERTS_MID_DEFAULT_LOW;
    out->high = RP_ALERTS_MID_DEFAULT_HIGH;
    return;
  }
  double *v = rp_arena_alloc(ar, m * sizeof *v);
  size_t j = 0;
  for (size_t i = 0; i < n; i++)
    if (in_mid_basis(&c[i])) v[j++] = c[i].score;
  qsort(v, m, sizeof *v, by_double_asc);
  out->low = rp_alerts_percentile(v, m, 0.25);
  out->high = rp_alerts_percentile(v, m, 0.75);
}

/* rp_alerts_press: see alerts.h (SCORING.md A3). */
bool rp_alerts_press(const rp_scored_contact *c, const rp_mid_range *mr) {
  return c->status == RP_STATUS_LEAD && !c->archived && c->score >= mr->low;
}

/* rp_alerts_overdue: see alerts.h (SCORING.md A4). */
bool rp_alerts_overdue(const rp_contact *c, rp_time last_touch, rp_time T) {
  rp_time at = rp_contact_overdue_at(c, last_touch);
  return at != 0 && T >= at;
}

/* rp_alerts_overdue_days: see alerts.h. */
int64_t rp_alerts_overdue_days(const rp_contact *c, rp_time last_touch, rp_time T) {
  rp_time at = rp_contact_overdue_at(c, last_touch);
  if (at == 0 || T < at) return 0;
  return (T - at) / 86400;
}
