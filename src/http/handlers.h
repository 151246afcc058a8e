/* handlers.h: every handler of the route table, one module per resource. */
#ifndef RP_HANDLERS_H
#define RP_HANDLERS_H

#include "http/http.h"

/* health.c */
int rp_h_healthz(rp_req *r);
int rp_h_metrics(rp_req *r);

/* auth.c */
int rp_h_login(rp_req *r);
int rp_h_logout(rp_req *r);
int rp_h_me(rp_req *r);

/* users.c */
int rp_h_users_list(rp_req *r);
int rp_h_users_create(rp_req *r);
int rp_h_users_get(rp_req *r);
int rp_h_users_patch(rp_req *r);
int rp_h_users_delete(rp_req *r);

/* tokens.c */
int rp_h_tokens_list(rp_req *r);
int rp_h_tokens_create(rp_req *r);
int rp_h_tokens_delete(rp_req *r);

/* contacts.c */
int rp_h_contacts_list(rp_req *r);
int rp_h_contacts_create(rp_req *r);
int rp_h_contacts_get(rp_req *r);
int rp_h_contacts_patch(rp_req *r);
int rp_h_contacts_delete(rp_req *r);
int rp_h_contacts_history(rp_req *r);

/* merge.c */
int rp_h_contacts_merge(rp_req *r);

/* activities.c */
int rp_h_activities_list(rp_req *r);
int rp_h_activities_create(rp_req *r);
int rp_h_activities_get(rp_req *r);
int rp_h_activities_patch(rp_req *r);
int rp_h_activities_delete(rp_req *r);

/* deals.c */
int rp_h_properties_list(rp_req *r);
int rp_h_properties_create(rp_req *r);
int rp_h_properties_get(rp_req *r);
int rp_h_properties_patch(rp_req *r);
int rp_h_properties_delete(rp_req *r);
int rp_h_transactions_list(rp_req *r);
int rp_h_transactions_create(rp_req *r);
int rp_h_transactions_get(rp_req *r);
int rp_h_transactions_patch(rp_req *r);
int rp_h_transactions_delete(rp_req *r);

/* settings.c */
int rp_h_settings_get(rp_req *r);
int rp_h_settings_put(rp_req *r);

/* timeline.c */
int rp_h_contacts_timeline(rp_req *r);

/* scores.c */
int rp_h_contacts_score(rp_req *r);
int rp_h_contacts_score_history(rp_req *r);

/* attention.c */
int rp_h_reach_out(rp_req *r);
int rp_h_alerts_dismiss(rp_req *r);
int rp_h_stage_averages(rp_req *r);

/* rfactor.c */
int rp_h_rfactor(rp_req *r);
int rp_h_rfactor_history(rp_req *r);
int rp_h_dashboard(rp_req *r);
int rp_h_jobs_daily(rp_req *r);
/* mail_sync.c */
int rp_h_jobs_mail_sync(rp_req *r);

/* ---- helpers the score, attention and rFactor handlers share ---- */

/* The moment a request is computed as of (SCORING.md "as of T"). */
typedef struct rp_as_of {
  rp_time t;                 /* T */
  int64_t day;               /* the local day of T (rp_scoring_day) */
  int64_t today;             /* the local day of r->now */
  const char *settings_json; /* the account's settings (in r's arena) */
} rp_as_of;

/* scores.c: reads an as_of value (NULL: now): an RFC 3339 time, or a date
 * YYYY-MM-DD meaning the end of that day in the account's timezone (its
 * last second), or now when that day is today. RP_EINVALID_VALUE naming
 * `field` otherwise. Days are those of the daily job (rp_scoring_day). */
int rp_req_as_of(rp_req *r, const char *value, const char *field, rp_as_of *out);
/* scores.c: "YYYY-MM-DD" of a day number, and an RFC 3339 string of a
 * time, as new JSON strings. */
json_t *rp_day_to_json(int64_t day);
json_t *rp_time_to_json(rp_time t);

/* attention.c: {as_of, day, stages: {aware: {mean, count}, know, like,
 * trust}, mid_range: {low, high, basis}} of the daily stats st, or of no
 * daily run yet when st is NULL (day null, zeros, mid-range 35..55). */
json_t *rp_stage_averages_to_json(const rp_daily_stats *st, rp_time as_of);
/* attention.c: a reach-out item {alert_id, contact: {id, display_name,
 * status, stage, score}, reason, detail, since}. */
json_t *rp_alert_to_json(const rp_alert *a);
/* attention.c: the caller's reach-out items (reason mask, 0 = any) as a new
 * JSON array in *out. */
int rp_reach_out_json(rp_req *r, unsigned reason_mask, int limit, json_t **out);
/* attention.c: a body that may be absent (empty); when present, a JSON
 * object whose keys are all in `allowed` (RP_EUNKNOWN_FIELD otherwise).
 * *out gets it (NULL when absent); the caller json_decrefs it. */
int rp_req_no_body(rp_req *r, const char *const *allowed, json_t **out);

/* rfactor.c: the GET /rfactor object of rf at as_of. */
json_t *rp_rfactor_to_json(const rp_rfactor_result *rf, rp_time as_of);

/* duplicates.c */
int rp_h_duplicates(rp_req *r);

/* export.c */
int rp_h_export_csv(rp_req *r);
int rp_h_export_vcf(rp_req *r);
int rp_h_export_all(rp_req *r);

/* imports.c */
int rp_h_imports_create(rp_req *r);
int rp_h_imports_get(rp_req *r);

/* tasks.c */
int rp_h_tasks_list(rp_req *r);
int rp_h_tasks_create(rp_req *r);
int rp_h_tasks_get(rp_req *r);
int rp_h_tasks_patch(rp_req *r);
int rp_h_tasks_delete(rp_req *r);
/* tasks.c: the dashboard's tasks_due_today: the open tasks the caller sees
 * that are due within today in the account's timezone, by due time, at
 * most limit of them, as a new JSON array of task objects in *out. */
int rp_tasks_due_today_json(rp_req *r, int limit, json_t **out);

/* workflows.c */
int rp_h_workflows_list(rp_req *r);
int rp_h_workflows_create(rp_req *r);
int rp_h_workflows_get(rp_req *r);
int rp_h_workflows_patch(rp_req *r);
int rp_h_workflows_delete(rp_req *r);
int rp_h_workflows_enroll(rp_req *r);
int rp_h_workflows_preview(rp_req *r);
int rp_h_runs_list(rp_req *r);
int rp_h_runs_get(rp_req *r);
int rp_h_runs_stop(rp_req *r);
int rp_h_messages_list(rp_req *r);
int rp_h_messages_create(rp_req *r);
int rp_h_messages_get(rp_req *r);

/* channels.c */
int rp_h_channels_get(rp_req *r);
int rp_h_channels_put(rp_req *r);
int rp_h_unsubscribe(rp_req *r);

/* leads.c (API.md "Lead capture") */
int rp_h_leads_create(rp_req *r);
int rp_h_capture(rp_req *r);
int rp_h_capture_preflight(rp_req *r);
int rp_h_capture_forms_list(rp_req *r);
int rp_h_capture_forms_create(rp_req *r);
int rp_h_capture_forms_get(rp_req *r);
int rp_h_capture_forms_patch(rp_req *r);
int rp_h_capture_forms_delete(rp_req *r);
/* leads.c: the dashboard's speed_to_lead {median_seconds, count} (DOMAIN.md
 * A1) as a new JSON object in *out: the contacts a capture made in the last
 * 30 days that the caller sees, and the median of the seconds from capture
 * to first outbound email, sms or call over those that got one (null when
 * none did). */
int rp_speed_to_lead_json(rp_req *r, json_t **out);

/* sms_hook.c */
int rp_h_sms_hook(rp_req *r);

#endif
