/* workflows.c: see workflows.h. */
#include "jobs/workflows.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/contact.h"
#include "core/task.h"
#include "core/template.h"
#include "jobs/messages.h"
#include "jobs/workflow_json.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/uuid.h"

void rp_workflows_calendar(const char *settings_json, const rp_tz **tz, rp_office_hours *oh) {
  *tz = rp_tz_utc();
  *oh = (rp_office_hours){9 * 3600, 18 * 3600, 0x1f};
  json_t *root = settings_json ? json_loads(settings_json, 0, NULL) : NULL;
  const char *zone = json_string_value(json_object_get(root, "timezone"));
  if (zone) {
    const rp_tz *z = rp_tz_get(zone);
    if (z) *tz = z;
  }
  json_t *o = json_object_get(root, "office_hours");
  if (json_is_object(o)) {
    int32_t a, b;
    const char *start = json_string_value(json_object_get(o, "start"));
    const char *end = json_string_value(json_object_get(o, "end"));
    if (start && end && !rp_office_time_parse(&a, start, strlen(start)) &&
        !rp_office_time_parse(&b, end, strlen(end)) && a < b)
      oh->start_sec = a, oh->end_sec = b;
    json_t *days = json_object_get(o, "days");
    if (json_is_array(days)) {
      static const char *const week[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
      size_t i;
      json_t *d;
      oh->days = 0;
      json_array_foreach(days, i, d) {
        for (int k = 0; k < 7; k++)
          if (json_is_string(d) && !strcmp(json_string_value(d), week[k])) oh->days |= 1u << k;
      }
    }
  }
  json_decref(root);
}

/* ---- the filter's view of a contact ---- */

static const char *contact_field(const char *key, void *ctx) {
  const rp_contact *c = ctx;
  if (!strcmp(key, "status")) return rp_status_name(c->status);
  if (!strcmp(key, "stage")) return rp_stage_name(c->stage);
  if (!strcmp(key, "category")) return rp_category_name(c->category);
  if (!strcmp(key, "type")) return rp_ctype_name(c->type);
  if (!strcmp(key, "intent")) return rp_intent_name(c->intent);
  if (!strcmp(key, "source")) return c->source;
  if (!strcmp(key, "owner_id")) return c->owner_id;
  return NULL;
}

static bool contact_has_tag(const char *tag, void *ctx) { return rp_contact_has_tag(ctx, tag); }

/* ---- enrolment ---- */

/* The yearly and deal dates steps can be placed by. */
static void anchors_of(rp_wf_anchors *a, rp_lifecycle *lc, const rp_contact *c,
                       const char *close_date) {
  rp_account acct;
  memset(a, 0, sizeof *a);
  a->enrolled_at = lc->now;
  const char *settings = NULL;
  if (!rp_store_account_get(lc->store, lc->arena, &acct, lc->account_id))
    settings = acct.settings_json;
  rp_workflows_calendar(settings, &a->tz, &a->office);
  a->birthday = c->birthday;
  a->anniversary = c->anniversary;
  /* without a deal of the event: the contact's latest closing (L6) */
  if (!close_date) {
    const char *p = c->last_purchase_date, *s = c->last_sale_date;
    close_date = p && s ? (strcmp(p, s) > 0 ? p : s) : p ? p : s;
  }
  a->close_date = close_date;
}

static int enroll(rp_run *out, rp_lifecycle *lc, const rp_workflow_row *w,
                  const rp_workflow_def *def, const rp_contact *c, const char *event,
                  const char *close_date) {
  rp_wf_anchors a;
  rp_wf_planned plan[RP_WF_MAX_STEPS];
  anchors_of(&a, lc, c, close_date);
  rp_workflow_plan(plan, def, &a);
  memset(out, 0, sizeof *out);
  snprintf(out->account_id, sizeof out->account_id, "%s", lc->account_id);
  rp_uuid_v7(out->id);
  snprintf(out->workflow_id, sizeof out->workflow_id, "%s", w->id);
  snprintf(out->contact_id, sizeof out->contact_id, "%s", c->id);
  if (lc->actor) snprintf(out->created_by, sizeof out->created_by, "%s", lc->actor);
  out->event = event;
  out->started_at = lc->now;
  out->workflow_name = w->name;
  return rp_store_run_create(lc->store, out, plan, def->n_steps);
}

int rp_workflows_event(rp_lifecycle *lc, const char *contact_id, rp_wf_event ev, const char *to,
                       const char *close_date) {
  if (!lc->sw.workflows) return 0; /* M2 */
  rp_workflow_row *ws;
  size_t n;
  int rc = rp_store_workflows_for_event(lc->store, lc->arena, lc->account_id, rp_wf_event_name(ev),
                                        &ws, &n);
  if (rc || !n) return rc;
  rp_contact c;
  if ((rc = rp_store_contact_get(lc->store, lc->arena, &c, lc->account_id, contact_id))) return rc;
  if (c.archived_at) return 0;
  rp_wf_subject subj = {contact_field, contact_has_tag, &c, to};
  for (size_t i = 0; i < n && !rc; i++) {
    rp_workflow_def *def = rp_arena_alloc(lc->arena, sizeof *def);
    json_t *roots[2] = {NULL, NULL};
    rc =
        rp_workflow_def_load(def, roots, ws[i].trigger_json, ws[i].steps_json, ws[i].stop_on_reply);
    if (!rc && rp_workflow_filter_match(def, &subj)) {
      rp_run run;
      rc = enroll(&run, lc, &ws[i], def, &c, rp_wf_event_name(ev), close_date);
      if (rc == RP_ECONFLICT) rc = 0; /* already in it */
    }
    json_decref(roots[0]);
    json_decref(roots[1]);
  }
  return rc;
}

int rp_workflows_enroll(rp_run *out, rp_lifecycle *lc, const rp_workflow_row *w,
                        const char *contact_id) {
  if (!w->enabled) return rp_error_set(RP_EVALIDATION, "workflow_id", "the workflow is disabled");
  rp_contact c;
  int rc = rp_store_contact_get(lc->store, lc->arena, &c, lc->account_id, contact_id);
  if (rc == RP_ENOTFOUND) return rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
  if (rc) return rc;
  if (c.archived_at) return rp_error_set(RP_EVALIDATION, "contact_id", "the contact is archived");
  rp_workflow_def *def = rp_arena_alloc(lc->arena, sizeof *def);
  json_t *roots[2] = {NULL, NULL};
  rc = rp_workflow_def_load(def, roots, w->trigger_json, w->steps_json, w->stop_on_reply);
  if (!rc) rc = enroll(out, lc, w, def, &c, "manual", NULL);
  json_decref(roots[0]);
  json_decref(roots[1]);
  return rc;
}

int rp_workflows_on_reply(rp_lifecycle *lc, const char *contact_id) {
  return rp_store_runs_stop_on_reply(lc->store, lc->account_id, contact_id, lc->now, NULL);
}

/* ---- running the steps ---- */

/* set_status / set_stage by a workflow: a change by hand (M1) whose
 * history names the workflow, then the rules from the value set. */
static int set_field(rp_lifecycle *lc, rp_contact *c, rp_wf_action a, const char *value,
                     const char **outcome) {
  const char *field = a == RP_WF_SET_STATUS ? "status" : "stage";
  const char *from;
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED};
  if (a == RP_WF_SET_STATUS) {
    rp_status s;
    if (rp_status_parse(&s, value)) return rp_error_set(RP_EINTERNAL, NULL, "bad status");
    if (s == c->status) {
      *outcome = "already so";
      return 0;
    }
    from = rp_status_name(c->status);
    c->status = s;
    e.fields = RP_FIELD_STATUS;
  } else {
    rp_stage s;
    if (rp_stage_parse(&s, value)) return rp_error_set(RP_EINTERNAL, NULL, "bad stage");
    if (s == c->stage) {
      *outcome = "already so";
      return 0;
    }
    from = rp_stage_name(c->stage);
    c->stage = s;
    e.fields = RP_FIELD_STAGE;
  }
  c->updated_at = lc->now;
  int rc = rp_store_contact_set_lifecycle(lc->store, c);
  if (!rc) rc = rp_lifecycle_history(lc, c->id, field, from, value, "workflow");
  if (!rc) rc = rp_lifecycle_event(lc, c->id, &e);
  *outcome = value;
  return rc;
}

static int add_tag(rp_lifecycle *lc, rp_contact *c, const char *tag, const char **outcome) {
  if (rp_contact_has_tag(c, tag)) {
    *outcome = "already tagged";
    return 0;
  }
  const char **tags = rp_arena_alloc(lc->arena, (c->n_tags + 1) * sizeof *tags);
  for (size_t i = 0; i < c->n_tags; i++)
    tags[i] = c->tags[i];
  char *low = rp_arena_strdup(lc->arena, tag);
  for (char *p = low; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  tags[c->n_tags] = low;
  c->tags = tags;
  c->n_tags++;
  c->updated_at = lc->now;
  int rc = rp_store_contact_update(lc->store, c);
  if (rc) return rc;
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_TAGS};
  e.tagged_buyer_seller = !strcmp(low, "buyer") || !strcmp(low, "seller");
  if ((rc = rp_lifecycle_event(lc, c->id, &e))) return rc;
  *outcome = low;
  return rp_workflows_event(lc, c->id, RP_WF_EV_TAG_ADDED, low, NULL);
}

static int create_task(rp_lifecycle *lc, const rp_due_step *d, const rp_wf_step *st,
                       const rp_contact *c, const rp_user *u, const char **outcome) {
  rp_task t;
  memset(&t, 0, sizeof t);
  snprintf(t.account_id, sizeof t.account_id, "%s", lc->account_id);
  rp_uuid_v7(t.id);
  t.contact_id = c->id;
  char *title;
  int rc = rp_messages_render(&title, lc, c, u, st->body);
  if (rc) return rc;
  t.title = title;
  rp_task_kind kind = RP_TASK_TODO;
  rp_task_kind_parse(&kind, st->value);
  t.kind = kind;
  /* due counts from the step's planned time: the speed-to-lead call is due
   * five minutes after the capture, not after the scheduler noticed */
  t.due_at = rp_duration_add(d->due_at, &st->due_in, NULL);
  t.assignee_id = u && u->id[0] ? u->id : NULL;
  t.workflow_run_id = d->run_id;
  t.created_at = t.updated_at = lc->now;
  if ((rc = rp_store_task_create(lc->store, &t))) return rc;
  /* its due time is a score fact (SCORING.md 14) */
  if ((rc = rp_lifecycle_refresh(lc, c->id, NULL))) return rc;
  char *o = rp_arena_alloc(lc->arena, 64);
  snprintf(o, 64, "task %s", t.id);
  *outcome = o;
  return 0;
}

/* Runs one due step; status and outcome say how it ended. */
static int run_step(rp_lifecycle *lc, const rp_due_step *d, const char **status,
                    const char **outcome) {
  rp_workflow_row w;
  *status = "done";
  *outcome = NULL;
  int rc = rp_store_workflow_get(lc->store, lc->arena, &w, lc->account_id, d->workflow_id);
  if (rc == RP_ENOTFOUND) {
    *status = "canceled", *outcome = "the workflow was deleted";
    return 0;
  }
  if (rc) return rc;
  rp_workflow_def *def = rp_arena_alloc(lc->arena, sizeof *def);
  json_t *roots[2] = {NULL, NULL};
  if ((rc = rp_workflow_def_load(def, roots, w.trigger_json, w.steps_json, w.stop_on_reply)))
    goto cleanup;
  if (d->step >= def->n_steps) {
    *status = "skipped", *outcome = "the workflow no longer has this step";
    goto cleanup;
  }
  const rp_wf_step *st = &def->steps[d->step];
  rp_contact c;
  if ((rc = rp_store_contact_get(lc->store, lc->arena, &c, lc->account_id, d->contact_id)))
    goto cleanup;
  if (c.archived_at) {
    *status = "canceled", *outcome = "the contact is archived";
    goto cleanup;
  }
  bool message = rp_wf_action_is_message(st->action) || st->action == RP_WF_NOTIFY;
  if (message && lc->now - d->due_at > RP_WF_LATE_MAX_S) {
    *status = "skipped", *outcome = "missed: more than 48 hours late";
    goto cleanup;
  }
  if (message && d->later_message_due && lc->now - d->due_at > 15 * 60) {
    *status = "skipped", *outcome = "superseded: a later step was due too";
    goto cleanup;
  }
  rp_user agent;
  if ((rc = rp_messages_agent(&agent, lc, &c, d->created_by[0] ? d->created_by : NULL)))
    goto cleanup;
  switch (st->action) {
  case RP_WF_SEND_SMS:
  case RP_WF_SEND_EMAIL:
  case RP_WF_NOTIFY: {
    rp_compose m = {
        .channel = st->action == RP_WF_SEND_SMS ? "sms"
                   : st->action == RP_WF_NOTIFY ? st->value
                                                : "email",
        .subject_tpl = st->action == RP_WF_SEND_EMAIL ? st->subject
                       : st->action == RP_WF_NOTIFY   ? "rapport: {{display_name}}"
                                                      : NULL,
        .body_tpl = st->body,
        .run_id = d->run_id,
        .step = d->step,
        .to_agent = st->action == RP_WF_NOTIFY,
    };
    rp_message msg;
    if ((rc = rp_messages_compose(&msg, lc, &c, &agent, &m))) goto cleanup;
    char *o = rp_arena_alloc(lc->arena, 96);
    snprintf(o, 96, "message %s %s", msg.id, msg.status);
    *outcome = o;
    break;
  }
  case RP_WF_CREATE_TASK: rc = create_task(lc, d, st, &c, &agent, outcome); break;
  case RP_WF_SET_STATUS:
  case RP_WF_SET_STAGE: rc = set_field(lc, &c, st->action, st->value, outcome); break;
  case RP_WF_ADD_TAG: rc = add_tag(lc, &c, st->value, outcome); break;
  default: rc = rp_error_set(RP_EINTERNAL, NULL, "unknown action");
  }
cleanup:
  /* an outcome may point into the workflow's JSON, freed below */
  if (*outcome) *outcome = rp_arena_strdup(lc->arena, *outcome);
  json_decref(roots[0]);
  json_decref(roots[1]);
  return rc;
}

int rp_workflows_step_failed(rp_lifecycle *lc, const rp_due_step *d, const char *why) {
  bool ended;
  char *o = rp_arena_printf(lc->arena, "failed: %.300s", why ? why : "error");
  return rp_store_step_end(lc->store, lc->account_id, d->run_id, d->step, "failed", o, lc->now,
                           &ended);
}

int rp_workflows_run_due(rp_lifecycle *lc, int limit, int *ran, rp_due_step *failed) {
  rp_due_step *due;
  size_t n;
  *ran = 0;
  int rc = rp_store_due_steps(lc->store, lc->arena, lc->account_id, lc->now, limit, &due, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    const char *status, *outcome;
    bool ended;
    rc = run_step(lc, &due[i], &status, &outcome);
    if (!rc)
      rc = rp_store_step_end(lc->store, lc->account_id, due[i].run_id, due[i].step, status, outcome,
                             lc->now, &ended);
    if (!rc && !ended) rc = rp_error_set(RP_ECONFLICT, NULL, "the step was run by another process");
    if (rc && failed) *failed = due[i];
    if (!rc) (*ran)++;
  }
  return rc;
}
