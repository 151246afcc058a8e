/* scores.c: a contact's score explained as of a moment, and its daily score
 * history (API.md Contacts: GET /contacts/{id}/score, /score/history;
 * SCORING.md "Explanation"), plus the `as_of` argument every issue-5
 * endpoint shares. The numbers come from src/jobs/scoring.c and src/core. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/alerts.h"
#include "core/contact.h"
#include "core/rfactor.h"
#include "core/score.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/scoring.h"
#include "util/error.h"
#include "util/tz.h"

#define HISTORY_DEFAULT_DAYS 90
#define HISTORY_MAX_DAYS 3660

/* ---- shared helpers (handlers.h) ---- */

/* Reads "YYYY-MM-DD" as a day number (days since 1970-01-01). */
static bool parse_day(const char *s, int64_t *day) {
  rp_time t;
  if (!s || strlen(s) != 10 || rp_date_parse(&t, s, 10) != 0) return false;
  *day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  return true;
}

/* rp_req_as_of: see handlers.h (docs/api.md "Score, attention and
 * rFactor": a date is the end of that local day, or now for today). */
int rp_req_as_of(rp_req *r, const char *value, const char *field, rp_as_of *out) {
  rp_account a;
  int rc = rp_store_account_get(r->store, &r->arena, &a, r->auth.account_id);
  if (rc) return rc;
  out->settings_json = a.settings_json ? a.settings_json : "{}";
  out->today = rp_scoring_day(out->settings_json, r->now);
  out->t = r->now;
  int64_t d;
  if (!value) {
    /* now */
  } else if (parse_day(value, &d)) {
    /* a date: the end of that local day, or now when it is today */
    if (d == out->today) {
      out->t = r->now;
    } else {
      const rp_tz *tz = rp_scoring_zone(out->settings_json);
      out->t = rp_tz_instant(tz, d + 1, 0) - 1;
    }
  } else if (rp_time_parse(&out->t, value, strlen(value)) != 0) {
    return rp_error_set(RP_EINVALID_VALUE, field,
                        "%s must be an RFC 3339 time such as 2026-11-24T14:05:00Z or a date "
                        "such as 2026-11-24",
                        field);
  }
  out->day = rp_scoring_day(out->settings_json, out->t);
  return 0;
}

/* rp_day_to_json: see handlers.h. */
json_t *rp_day_to_json(int64_t day) {
  int64_t y;
  unsigned m, dd;
  char buf[24];
  rp_civil_from_days(day, &y, &m, &dd);
  snprintf(buf, sizeof buf, "%04lld-%02u-%02u", (long long)y, m, dd);
  return json_string(buf);
}

/* rp_time_to_json: see handlers.h. */
json_t *rp_time_to_json(rp_time t) {
  char buf[21];
  return json_string(rp_time_format(t, buf));
}

/* ---- GET /api/v1/contacts/:id/score ---- */

static json_t *factor_json(const rp_score_factor *f) {
  json_t *o = json_object();
  json_object_set_new(o, "name", json_string(f->name));
  json_object_set_new(o, "points", json_real(f->points));
  json_object_set_new(o, "max", json_real(f->max));
  json_object_set_new(o, "detail", json_string(f->detail));
  return o;
}

/* GET /api/v1/contacts/:id/score?as_of=: the score of the contact at T
 * (default now) with its fourteen factors and decay (SCORING.md
 * "Explanation"; score == round1(multiplier * sum of the points shown)),
 * the average of its stage at T from the daily stats of T's day or the
 * latest before (null without any, or with no contact averaged), its rFactor
 * band, its A4 interval in days (null without one) and whether it is
 * overdue at T. Lifecycle fields are those in force at T (M3). 404 for a
 * contact the caller may not see. */
int rp_h_contacts_score(rp_req *r) {
  rp_as_of at;
  rp_contact c;
  rp_score_input in;
  rp_score_result res;
  rp_daily_stats st;
  int rc;
  if ((rc = rp_req_as_of(r, rp_req_query(r, "as_of"), "as_of", &at))) return rc;
  if ((rc = rp_req_contact_get(r, &c, r->n_params ? r->params[0] : ""))) return rc;
  if ((rc = rp_scoring_facts(&in, r->store, &r->arena, &c, at.t))) return rc;
  if ((rc = rp_score_explain(&res, &in))) return rc;
  bool have_stats = false;
  rc = rp_store_daily_stats_get(r->store, r->auth.account_id, at.day, &st);
  if (rc == 0)
    have_stats = true;
  else if (rc != RP_ENOTFOUND)
    return rc;
  rp_error_clear();

  /* the contact as it stood at T, for its A4 interval */
  rp_contact then = c;
  then.status = in.status;
  then.stage = in.stage;
  then.category = in.category;
  then.type = in.type;
  then.archived_at = c.archived_at && c.archived_at <= at.t ? c.archived_at : 0;
  rp_time touch = res.touched ? res.last_touch : 0;
  double interval = rp_contact_interval_days(&then, res.years_known);

  json_t *factors = json_array();
  for (int i = 0; i < RP_SCORE_FACTOR_COUNT; i++)
    json_array_append_new(factors, factor_json(&res.factors[i]));
  json_t *decay = json_object();
  json_object_set_new(decay, "months_inactive", json_integer(res.decay.months_inactive));
  json_object_set_new(decay, "multiplier", json_real(res.decay.multiplier));
  json_object_set_new(decay, "points_lost", json_real(res.decay.points_lost));

  json_t *o = json_object();
  json_object_set_new(o, "contact_id", json_string(c.id));
  json_object_set_new(o, "as_of", rp_time_to_json(at.t));
  json_object_set_new(o, "score", json_real(res.score));
  json_object_set_new(o, "factors", factors);
  json_object_set_new(o, "decay", decay);
  const rp_stage_average *avg = have_stats ? &st.stages[in.stage] : NULL;
  json_object_set_new(o, "stage_average",
                      avg && avg->count > 0 && in.stage != RP_STAGE_NONE
                          ? json_real(rp_score_round2(avg->mean))
                          : json_null());
  json_object_set_new(o, "band", json_integer(rp_rfactor_band(res.score)));
  json_object_set_new(o, "interval_days",
                      interval > 0 ? json_real(rp_score_round2(interval)) : json_null());
  json_object_set_new(o, "overdue", json_boolean(rp_alerts_overdue(&then, touch, at.t)));
  json_object_set_new(o, "status", json_string(rp_status_name(in.status)));
  json_object_set_new(o, "stage", json_string(rp_stage_name(in.stage)));
  json_object_set_new(o, "last_touch_at", touch ? rp_time_to_json(touch) : json_null());
  rp_resp_json(r, 200, o);
  return 0;
}

/* ---- GET /api/v1/contacts/:id/score/history ---- */

/* GET /api/v1/contacts/:id/score/history?from=&to=: {items: [{day,
 * score}]}, one item per local day from `from` to `to` (dates; default the
 * 90 days that end today in the account's timezone), oldest first, each the
 * daily score the daily job kept for that day (a day without a row of its
 * own has the score of the latest row before it; days before the first
 * row are left out). At most 3660 days: more, or from after to, is 400
 * with field "from". */
int rp_h_contacts_score_history(rp_req *r) {
  rp_as_of now;
  rp_contact c;
  int64_t from, to;
  int rc;
  if ((rc = rp_req_as_of(r, NULL, "as_of", &now))) return rc;
  const char *s = rp_req_query(r, "to");
  if (!s)
    to = now.today;
  else if (!parse_day(s, &to))
    return rp_error_set(RP_EINVALID_VALUE, "to", "to must be a date such as 2026-11-24");
  s = rp_req_query(r, "from");
  if (!s)
    from = to - (HISTORY_DEFAULT_DAYS - 1);
  else if (!parse_day(s, &from))
    return rp_error_set(RP_EINVALID_VALUE, "from", "from must be a date such as 2026-11-24");
  if (from > to) return rp_error_set(RP_EINVALID_VALUE, "from", "from must not be after to");
  if (to - from + 1 > HISTORY_MAX_DAYS)
    return rp_error_set(RP_EINVALID_VALUE, "from", "at most %d days at a time", HISTORY_MAX_DAYS);
  if ((rc = rp_req_contact_get(r, &c, r->n_params ? r->params[0] : ""))) return rc;
  rp_score_point *pts = NULL;
  size_t n = 0;
  if ((rc = rp_store_score_history_list(r->store, &r->arena, r->auth.account_id, c.id, from, to,
                                        &pts, &n)))
    return rc;
  json_t *items = json_array();
  size_t i = 0;
  bool have = false;
  double score = 0;
  for (int64_t d = from; d <= to; d++) {
    while (i < n && pts[i].day <= d) {
      score = pts[i++].score;
      have = true;
    }
    if (!have) continue;
    json_t *it = json_object();
    json_object_set_new(it, "day", rp_day_to_json(d));
    json_object_set_new(it, "score", json_real(rp_score_round1(score)));
    json_array_append_new(items, it);
  }
  json_t *o = json_object();
  json_object_set_new(o, "items", items);
  rp_resp_json(r, 200, o);
  return 0;
}
