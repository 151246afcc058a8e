/* rfactor.c: the database's rating and the daily job over HTTP (API.md
 * "Attention, dashboard, rFactor"; SCORING.md "rFactor and predictions"):
 * GET /rfactor, /rfactor/history, /dashboard and POST /jobs/daily. The
 * numbers come from src/jobs (scoring_rfactor.c, scoring_daily.c) and
 * src/core/rfactor.c. */
#include <jansson.h>
#include <string.h>

#include "core/alerts.h"
#include "core/rfactor.h"
#include "core/score.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/daily_scheduler.h"
#include "jobs/scheduler.h"
#include "jobs/scoring.h"
#include "util/error.h"

#define DASHBOARD_REACH_OUT 20
#define DASHBOARD_TASKS 50 /* tasks_due_today: the first 50 */

/* A pair [lo, hi]. */
static json_t *pair(double lo, double hi) {
  json_t *a = json_array();
  json_array_append_new(a, json_real(lo));
  json_array_append_new(a, json_real(hi));
  return a;
}

/* The figures the monthly history keeps too (rounded: transactions to two
 * decimals, money to the cent). */
static void rfactor_figures(json_t *o, const rp_rfactor_result *rf) {
  json_object_set_new(o, "rfactor", json_real(rf->rfactor));
  json_object_set_new(o, "eligible_contacts", json_integer(rf->eligible_contacts));
  json_object_set_new(o, "predicted_transactions",
                      json_real(rp_score_round2(rf->predicted_transactions)));
  json_object_set_new(o, "interval",
                      pair(rp_score_round2(rf->interval_lo), rp_score_round2(rf->interval_hi)));
  json_object_set_new(o, "predicted_revenue", json_real(rp_score_round2(rf->predicted_revenue)));
  json_object_set_new(o, "revenue_interval",
                      pair(rp_score_round2(rf->revenue_lo), rp_score_round2(rf->revenue_hi)));
  json_object_set_new(o, "valuation", json_real(rp_score_round2(rf->valuation)));
  json_object_set_new(o, "calibrated", json_boolean(rf->calibrated));
}

/* rp_rfactor_to_json: see handlers.h (API.md GET /rfactor; SCORING.md
 * rFactor and predictions; the bands' probabilities are not rounded). */
json_t *rp_rfactor_to_json(const rp_rfactor_result *rf, rp_time as_of) {
  json_t *o = json_object();
  json_object_set_new(o, "as_of", rp_time_to_json(as_of));
  rfactor_figures(o, rf);
  json_object_set_new(o, "mean_commission", json_real(rp_score_round2(rf->mean_commission)));
  json_object_set_new(o, "commission_deals", json_integer(rf->commission_deals));
  json_t *bands = json_array();
  for (int b = 0; b < RP_RFACTOR_BANDS; b++) {
    const rp_rfactor_band_row *row = &rf->bands[b];
    json_t *x = json_object();
    json_object_set_new(x, "band", json_integer(row->band));
    json_object_set_new(x, "contacts", json_integer(row->contacts));
    json_object_set_new(x, "probability", json_real(row->probability));
    json_object_set_new(x, "prior", json_real(row->prior));
    json_array_append_new(bands, x);
  }
  json_object_set_new(o, "bands", bands);
  return o;
}

/* GET /api/v1/rfactor?as_of=: the rFactor and predictions of the account
 * at T (default now): {as_of, rfactor, eligible_contacts,
 * predicted_transactions, interval: [lo, hi], predicted_revenue,
 * revenue_interval: [lo, hi], valuation, calibrated, mean_commission,
 * commission_deals, bands: [{band, contacts, probability, prior}]}. The
 * whole account's, whoever asks. */
int rp_h_rfactor(rp_req *r) {
  rp_as_of at;
  rp_rfactor_result rf;
  int rc;
  if ((rc = rp_req_as_of(r, rp_req_query(r, "as_of"), "as_of", &at)) ||
      (rc = rp_scoring_rfactor(&rf, r->store, &r->arena, r->auth.account_id, at.t)))
    return rc;
  rp_resp_json(r, 200, rp_rfactor_to_json(&rf, at.t));
  return 0;
}

/* GET /api/v1/rfactor/history: {items: [{month, as_of, rfactor,
 * eligible_contacts, predicted_transactions, interval, predicted_revenue,
 * revenue_interval, valuation, calibrated}]}, the value the daily job kept
 * for each month (its latest run in that month), oldest first. */
int rp_h_rfactor_history(rp_req *r) {
  rp_rfactor_point *pts = NULL;
  size_t n = 0;
  int rc = rp_store_rfactor_history(r->store, &r->arena, r->auth.account_id, &pts, &n);
  if (rc) return rc;
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *x = json_object();
    json_object_set_new(x, "month", json_string(pts[i].month));
    json_object_set_new(x, "as_of", rp_time_to_json(pts[i].as_of));
    rfactor_figures(x, &pts[i].r);
    json_array_append_new(items, x);
  }
  json_t *o = json_object();
  json_object_set_new(o, "items", items);
  rp_resp_json(r, 200, o);
  return 0;
}

/* GET /api/v1/dashboard: {counts: {status: {...}, stage: {...}},
 * stage_averages, rfactor, reach_out: [top 20], tasks_due_today: [first 50],
 * speed_to_lead: {median_seconds, count}, pipeline: {open_deals,
 * open_value}} at now. counts and reach_out are those of the contacts the
 * caller may see; stage averages, rFactor and pipeline are the account's.
 * tasks_due_today are the open tasks the caller sees due today (tasks.c);
 * speed_to_lead the caller's new leads of the last 30 days (leads.c). */
int rp_h_dashboard(rp_req *r) {
  rp_as_of at;
  int64_t status[RP_STATUS_COUNT], stage[RP_STAGE_COUNT];
  rp_daily_stats st;
  rp_rfactor_result rf;
  int64_t open_deals = 0;
  double open_value = 0;
  json_t *reach = NULL;
  int rc;
  if ((rc = rp_req_as_of(r, NULL, "as_of", &at)) ||
      (rc = rp_store_contact_counts(r->store, r->auth.account_id, rp_req_visible_to(r), status,
                                    stage)))
    return rc;
  rc = rp_store_daily_stats_get(r->store, r->auth.account_id, at.day, &st);
  if (rc && rc != RP_ENOTFOUND) return rc;
  bool have_stats = rc == 0;
  rp_error_clear();
  if ((rc = rp_scoring_rfactor(&rf, r->store, &r->arena, r->auth.account_id, at.t)) ||
      (rc = rp_store_pipeline(r->store, r->auth.account_id, &open_deals, &open_value)) ||
      (rc = rp_reach_out_json(r, 0, DASHBOARD_REACH_OUT, &reach)))
    return rc;
  json_t *due_today = NULL;
  if ((rc = rp_tasks_due_today_json(r, DASHBOARD_TASKS, &due_today))) {
    json_decref(reach);
    return rc;
  }
  json_t *speed = NULL; /* leads.c (DOMAIN.md A1) */
  if ((rc = rp_speed_to_lead_json(r, &speed))) {
    json_decref(reach);
    json_decref(due_today);
    return rc;
  }
  json_t *by_status = json_object(), *by_stage = json_object();
  for (int i = 0; i < RP_STATUS_COUNT; i++)
    json_object_set_new(by_status, rp_status_name((rp_status)i), json_integer(status[i]));
  for (int i = 0; i < RP_STAGE_COUNT; i++)
    json_object_set_new(by_stage, rp_stage_name((rp_stage)i), json_integer(stage[i]));
  json_t *counts = json_object();
  json_object_set_new(counts, "status", by_status);
  json_object_set_new(counts, "stage", by_stage);
  json_t *pipeline = json_object();
  json_object_set_new(pipeline, "open_deals", json_integer(open_deals));
  json_object_set_new(pipeline, "open_value", json_real(rp_score_round2(open_value)));
  json_t *o = json_object();
  json_object_set_new(o, "counts", counts);
  json_object_set_new(o, "stage_averages",
                      rp_stage_averages_to_json(have_stats ? &st : NULL, at.t));
  json_object_set_new(o, "rfactor", rp_rfactor_to_json(&rf, at.t));
  json_object_set_new(o, "reach_out", reach);
  json_object_set_new(o, "tasks_due_today", due_today);
  json_object_set_new(o, "speed_to_lead", speed);
  json_object_set_new(o, "pipeline", pipeline);
  rp_resp_json(r, 200, o);
  return 0;
}

/* POST /api/v1/jobs/daily {as_of} (owner, admin): runs the daily job
 * (SCORING.md score history, stage averages, A2-A4 alerts, the month's
 * rFactor) for the local day of as_of (default now; a date is the end of
 * that day, or now for today), in transactions of its own as the
 * scheduler runs it (jobs/daily_scheduler.h: the route has no request
 * transaction, so the server's other writes go on meanwhile). A future
 * as_of is 400: the job runs for today or backfills a past day. Today's run
 * also rewrites the kept scores; a backfill leaves them. Answers {day,
 * as_of, contacts, changed, history_rows, alerts_raised: {trend_rising,
 * trend_falling, press, overdue}, alerts_cleared, stage_averages,
 * rfactor}. */
int rp_h_jobs_daily(rp_req *r) {
  static const char *const keys[] = {"as_of", NULL};
  json_t *body = NULL;
  rp_as_of at;
  rp_daily_report rep;
  int rc = rp_req_no_body(r, keys, &body);
  if (rc) goto cleanup;
  json_t *v = json_object_get(body, "as_of");
  if (v && !json_is_null(v) && !json_is_string(v)) {
    rc = rp_error_set(RP_EINVALID_VALUE, "as_of", "as_of must be a string");
    goto cleanup;
  }
  if ((rc = rp_req_as_of(r, json_is_string(v) ? json_string_value(v) : NULL, "as_of", &at)))
    goto cleanup;
  if (at.t > r->now) {
    rc = rp_error_set(RP_EINVALID_VALUE, "as_of",
                      "as_of must not be in the future: the daily job runs for today or a past "
                      "day");
    goto cleanup;
  }
  if (!r->store) {
    rc = rp_error_set(RP_EINTERNAL, NULL, "no database connection");
    goto cleanup;
  }
  rp_daily_opts o = {.T = at.t, .keep_scores = at.day == at.today};
  rp_daily_chunked(&o);
  if ((rc = rp_scoring_daily(&rep, r->store, &r->arena, r->auth.account_id, &o))) goto cleanup;
  if ((rc = rp_store_commit(r->store))) {
    rp_store_rollback(r->store);
    goto cleanup;
  }
  rp_scheduler_poke_all(); /* alerts of today may have started workflows */
  json_t *raised = json_object();
  for (int i = 0; i < RP_ALERT_REASON_COUNT; i++)
    json_object_set_new(raised, rp_alert_reason_name((rp_alert_reason)i),
                        json_integer((json_int_t)rep.raised[i]));
  json_t *out = json_object();
  json_object_set_new(out, "day", rp_day_to_json(rep.day));
  json_object_set_new(out, "as_of", rp_time_to_json(at.t));
  json_object_set_new(out, "contacts", json_integer((json_int_t)rep.contacts));
  json_object_set_new(out, "changed", json_integer((json_int_t)rep.changed));
  json_object_set_new(out, "history_rows", json_integer((json_int_t)rep.history_rows));
  json_object_set_new(out, "alerts_raised", raised);
  json_object_set_new(out, "alerts_cleared", json_integer((json_int_t)rep.cleared));
  json_object_set_new(out, "stage_averages", rp_stage_averages_to_json(&rep.stats, at.t));
  json_object_set_new(out, "rfactor", rp_rfactor_to_json(&rep.rfactor, at.t));
  rp_resp_json(r, 200, out);
cleanup:
  json_decref(body);
  return rc;
}
