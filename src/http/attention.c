/* attention.c: whom to contact now (API.md "Attention, dashboard,
 * rFactor"; DOMAIN.md A2-A4): the reach-out list of open alerts, their
 * dismissal by hand, and the stage averages with the A3 mid-range. The
 * alerts are raised and cleared by the daily job (src/jobs/scoring_daily.c)
 * and by two-way touches (src/jobs/lifecycle.c). */
#include <jansson.h>
#include <string.h>

#include "core/alerts.h"
#include "core/score.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "util/error.h"


/* ---- shared helpers (handlers.h) ---- */

/* rp_stage_averages_to_json: see handlers.h (SCORING.md stage average, A3
 * mid-range; means and edges to two decimals). */
json_t *rp_stage_averages_to_json(const rp_daily_stats *st, rp_time as_of) {
  static const rp_stage stages[] = {RP_STAGE_AWARE, RP_STAGE_KNOW, RP_STAGE_LIKE, RP_STAGE_TRUST};
  json_t *o = json_object();
  json_object_set_new(o, "as_of", rp_time_to_json(as_of));
  json_object_set_new(o, "day", st ? rp_day_to_json(st->day) : json_null());
  json_t *by = json_object();
  for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
    const rp_stage_average *a = st ? &st->stages[stages[i]] : NULL;
    json_t *s = json_object();
    json_object_set_new(s, "mean", json_real(a && a->count > 0 ? rp_score_round2(a->mean) : 0.0));
    json_object_set_new(s, "count", json_integer(a ? a->count : 0));
    json_object_set_new(by, rp_stage_name(stages[i]), s);
  }
  json_object_set_new(o, "stages", by);
  json_t *mid = json_object();
  json_object_set_new(mid, "low",
                      json_real(st ? rp_score_round2(st->mid.low) : RP_ALERTS_MID_DEFAULT_LOW));
  json_object_set_new(mid, "high",
                      json_real(st ? rp_score_round2(st->mid.high) : RP_ALERTS_MID_DEFAULT_HIGH));
  json_object_set_new(mid, "basis", json_integer(st ? (json_int_t)st->mid.basis : 0));
  json_object_set_new(o, "mid_range", mid);
  return o;
}

/* rp_alert_to_json: see handlers.h (API.md GET /reach-out items). */
json_t *rp_alert_to_json(const rp_alert *a) {
  json_t *c = json_object();
  json_object_set_new(c, "id", json_string(a->contact_id));
  json_object_set_new(c, "display_name",
                      a->display_name ? json_string(a->display_name) : json_null());
  json_object_set_new(c, "status", json_string(rp_status_name(a->status)));
  json_object_set_new(c, "stage", json_string(rp_stage_name(a->stage)));
  json_object_set_new(c, "score", json_real(rp_score_round1(a->score)));
  json_object_set_new(c, "phone", a->phone ? json_string(a->phone) : json_null());
  json_object_set_new(c, "email", a->email ? json_string(a->email) : json_null());
  json_object_set_new(c, "sms_opt_out", json_boolean(a->sms_opt_out));
  json_object_set_new(c, "email_opt_out", json_boolean(a->email_opt_out));
  json_t *o = json_object();
  json_object_set_new(o, "alert_id", json_string(a->id));
  json_object_set_new(o, "contact", c);
  json_object_set_new(o, "reason", json_string(rp_alert_reason_name(a->reason)));
  json_object_set_new(o, "detail", a->detail ? json_string(a->detail) : json_null());
  json_object_set_new(o, "since", rp_time_to_json(a->raised_at));
  return o;
}

/* rp_req_no_body: see handlers.h (API.md: unknown keys are 400). */
int rp_req_no_body(rp_req *r, const char *const *allowed, json_t **out) {
  *out = NULL;
  if (r->body_len == 0) return 0;
  json_t *body = NULL;
  int rc = rp_req_json_object(r, &body);
  if (rc) return rc;
  const char *k;
  json_t *v;
  json_object_foreach(body, k, v) {
    bool ok = false;
    for (const char *const *a = allowed; a && *a && !ok; a++)
      ok = strcmp(*a, k) == 0;
    if (!ok) {
      rc = rp_error_set(RP_EUNKNOWN_FIELD, k, "unknown field '%.100s'", k);
      json_decref(body);
      return rc;
    }
  }
  *out = body;
  return 0;
}

/* ---- GET /api/v1/reach-out ---- */

/* Parses ?reason= (a comma list of trend_rising, trend_falling, press,
 * overdue) into a mask of (1u << rp_alert_reason); absent: 0 (any). */
static int reason_mask(rp_req *r, unsigned *mask) {
  const char *s = rp_req_query(r, "reason");
  *mask = 0;
  if (!s) return 0;
  for (;;) {
    size_t n = strcspn(s, ",");
    char item[32];
    rp_alert_reason v;
    if (n == 0 || n >= sizeof item) goto bad;
    memcpy(item, s, n);
    item[n] = '\0';
    if (rp_alert_reason_parse(&v, item) != 0) goto bad;
    *mask |= 1u << v;
    if (!s[n]) return 0;
    s += n + 1;
  }
bad:
  return rp_error_set(RP_EINVALID_VALUE, "reason",
                      "reason must be trend_rising, trend_falling, press or overdue (or a comma "
                      "list of them)");
}

/* The reach-out items of the caller (its visible contacts only), most
 * urgent first: the `reach_out` of the dashboard too. */
int rp_reach_out_json(rp_req *r, unsigned mask, int limit, json_t **out) {
  rp_alert_query q = {.account_id = r->auth.account_id,
                      .visible_to = rp_req_visible_to(r),
                      .reason_mask = mask,
                      .limit = limit};
  rp_alert *items = NULL;
  size_t n = 0;
  int rc = rp_store_alert_list(r->store, &r->arena, &q, &items, &n);
  if (rc) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, rp_alert_to_json(&items[i]));
  *out = arr;
  return 0;
}

/* GET /api/v1/reach-out?reason=&limit=: {items: [{alert_id, contact: {id,
 * display_name, status, stage, score, phone, email, sms_opt_out,
 * email_opt_out}, reason, detail, since}]}, the open
 * alerts (DOMAIN.md A2-A4) of the live contacts the caller may see, most
 * urgent first; limit 1..500 (default 50), no paging. */
int rp_h_reach_out(rp_req *r) {
  unsigned mask;
  int limit, rc;
  json_t *items = NULL;
  if ((rc = reason_mask(r, &mask)) || (rc = rp_req_limit(r, &limit)) ||
      (rc = rp_reach_out_json(r, mask, limit, &items)))
    return rc;
  json_t *o = json_object();
  json_object_set_new(o, "items", items);
  rp_resp_json(r, 200, o);
  return 0;
}

/* ---- POST /api/v1/alerts/:id/dismiss ---- */

/* POST /api/v1/alerts/:id/dismiss (no body, or an empty object): takes
 * the alert off the reach-out list (SCORING.md A2 "cleared ... by hand")
 * and answers 200 with its new state: the reach-out item with
 * dismissed_at, cleared_at and open (false). Dismissing an alert no longer
 * open answers its state the same way (a second dismissal keeps the first
 * one's time; one a two-way touch cleared shows its cleared_at). 404 for
 * an unknown alert, another account's, or one of a contact the caller may
 * not see. */
int rp_h_alerts_dismiss(rp_req *r) {
  static const char *const none[] = {NULL};
  const char *id = r->n_params ? r->params[0] : "";
  json_t *body = NULL;
  rp_alert a;
  int rc = rp_req_no_body(r, none, &body);
  json_decref(body);
  if (rc) return rc;
  if ((rc = rp_store_alert_dismiss(r->store, r->auth.account_id, rp_req_visible_to(r), id, r->now)))
    return rc;
  if ((rc = rp_store_alert_get(r->store, &r->arena, r->auth.account_id, id, &a))) return rc;
  json_t *o = rp_alert_to_json(&a);
  json_object_set_new(o, "dismissed_at", rp_time_to_json(a.dismissed_at));
  json_object_set_new(o, "cleared_at", a.cleared_at ? rp_time_to_json(a.cleared_at) : json_null());
  json_object_set_new(o, "open", json_false());
  rp_resp_json(r, 200, o);
  return 0;
}

/* ---- GET /api/v1/stage-averages ---- */

/* GET /api/v1/stage-averages?as_of=: {as_of, day, stages: {aware: {mean,
 * count}, know, like, trust}, mid_range: {low, high, basis}} from the daily
 * stats (SCORING.md stage average, A3 mid-range) of T's local day or the
 * latest day before it; day null, counts and means 0 and the default
 * mid-range 35..55 (basis 0) when the daily job has not run by then. */
int rp_h_stage_averages(rp_req *r) {
  rp_as_of at;
  rp_daily_stats st;
  int rc = rp_req_as_of(r, rp_req_query(r, "as_of"), "as_of", &at);
  if (rc) return rc;
  rc = rp_store_daily_stats_get(r->store, r->auth.account_id, at.day, &st);
  if (rc && rc != RP_ENOTFOUND) return rc;
  rp_error_clear();
  rp_resp_json(r, 200, rp_stage_averages_to_json(rc == 0 ? &st : NULL, at.t));
  return 0;
}
