/* workflow.c: see workflow.h. */
#include "core/workflow.h"

#include <string.h>

#include "util/error.h"

static const char *const event_names[RP_WF_EV_COUNT] = {
    "contact_created", "lead_captured", "status_changed", "stage_changed",
    "tag_added",       "deal_opened",   "deal_closed",    "trend_alert",
    "press_alert",     "overdue",       "manual"};

static const char *const action_names[RP_WF_ACTION_COUNT] = {
    "send_sms", "send_email", "create_task", "set_status", "set_stage", "add_tag", "notify"};

const char *rp_wf_event_name(rp_wf_event e) {
  return e >= 0 && e < RP_WF_EV_COUNT ? event_names[e] : "unknown";
}

int rp_wf_event_parse(const char *name) {
  for (int i = 0; name && i < RP_WF_EV_COUNT; i++)
    if (!strcmp(name, event_names[i])) return i;
  return -1;
}

const char *rp_wf_action_name(rp_wf_action a) {
  return a >= 0 && a < RP_WF_ACTION_COUNT ? action_names[a] : "unknown";
}

int rp_wf_action_parse(const char *name) {
  for (int i = 0; name && i < RP_WF_ACTION_COUNT; i++)
    if (!strcmp(name, action_names[i])) return i;
  return -1;
}

bool rp_wf_action_is_message(rp_wf_action a) {
  return a == RP_WF_SEND_SMS || a == RP_WF_SEND_EMAIL;
}

int rp_office_time_parse(int32_t *out, const char *p, size_t len) {
  if (len != 5 || p[2] != ':') return RP_EINVALID_VALUE;
  for (int i = 0; i < 5; i++)
    if (i != 2 && (p[i] < '0' || p[i] > '9')) return RP_EINVALID_VALUE;
  int h = (p[0] - '0') * 10 + (p[1] - '0'), m = (p[3] - '0') * 10 + (p[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m)) return RP_EINVALID_VALUE;
  *out = h * 3600 + m * 60;
  return 0;
}

/* Monday = 0 of a day count from 1970-01-01 (a Thursday). */
static int weekday(int64_t day) { return (int)(((day % 7) + 7 + 3) % 7); }

rp_time rp_office_hours_next(rp_time t, const rp_office_hours *oh, const rp_tz *tz) {
  if (!oh || !(oh->days & 0x7f) || oh->start_sec >= oh->end_sec) return t;
  if (!tz) tz = rp_tz_utc();
  int64_t day = rp_tz_day(tz, t);
  /* at most a week ahead finds an open day */
  for (int i = 0; i < 8; i++, day++) {
    if (!(oh->days & (1u << weekday(day)))) continue;
    rp_time open = rp_tz_instant(tz, day, oh->start_sec);
    rp_time close = rp_tz_instant(tz, day, oh->end_sec >= 86400 ? 86399 : oh->end_sec);
    if (t < open) return open;
    if (t < close) return t;
  }
  return t;
}

/* The instant of one relative step, or a skip reason. */
static const char *plan_relative(rp_time *due, const rp_wf_step *st, const rp_wf_anchors *a) {
  int32_t at =
      st->at_sec >= 0 ? st->at_sec : (a->office.start_sec > 0 ? a->office.start_sec : 9 * 3600);
  const char *date = NULL;
  switch (st->relative_to) {
  case RP_WF_BIRTHDAY: date = a->birthday; break;
  case RP_WF_ANNIVERSARY: date = a->anniversary; break;
  case RP_WF_CLOSE_DATE: date = a->close_date; break;
  }
  if (!date || !*date)
    return st->relative_to == RP_WF_BIRTHDAY      ? "the contact has no birthday"
           : st->relative_to == RP_WF_ANNIVERSARY ? "the contact has no anniversary"
                                                  : "no close date";
  if (st->relative_to == RP_WF_CLOSE_DATE) {
    if (rp_duration_on_date(due, date, strlen(date), &st->offset, at, a->tz))
      return "bad close date";
    return *due < a->enrolled_at ? "the date had passed at enrolment" : NULL;
  }
  rp_time after = a->enrolled_at;
  int n = st->occurrence > 0 ? st->occurrence : 1;
  for (int k = 0; k < n; k++) {
    if (rp_duration_next_anniversary(due, date, strlen(date), &st->offset, at, a->tz, after))
      return "bad date";
    after = *due;
  }
  return NULL;
}

void rp_workflow_plan(rp_wf_planned out[], const rp_workflow_def *def, const rp_wf_anchors *a) {
  rp_time prev = a->enrolled_at;
  for (int i = 0; i < def->n_steps; i++) {
    const rp_wf_step *st = &def->steps[i];
    rp_wf_planned *p = &out[i];
    p->skip = NULL;
    p->due_at = a->enrolled_at;
    switch (st->timing) {
    case RP_WF_AFTER: p->due_at = rp_duration_add(prev, &st->after, a->tz); break;
    case RP_WF_ON:
      p->due_at = st->on;
      if (st->on < a->enrolled_at) p->skip = "the date had passed at enrolment";
      break;
    case RP_WF_RELATIVE: p->skip = plan_relative(&p->due_at, st, a); break;
    }
    if (p->skip) continue;
    if (st->timing == RP_WF_AFTER && rp_wf_action_is_message(st->action) && !st->any_time)
      p->due_at = rp_office_hours_next(p->due_at, &a->office, a->tz);
    /* the next "after" counts from this step's (possibly moved) time */
    prev = p->due_at;
  }
}

static const char *const filter_keys[] = {"status", "stage",    "category", "type", "intent",
                                          "source", "owner_id", "to",       "tag"};

bool rp_workflow_filter_key_known(const char *key) {
  for (size_t i = 0; i < sizeof filter_keys / sizeof filter_keys[0]; i++)
    if (!strcmp(key, filter_keys[i])) return true;
  return false;
}

bool rp_workflow_filter_match(const rp_workflow_def *def, const rp_wf_subject *s) {
  for (int i = 0; i < def->n_filters; i++) {
    const rp_wf_filter *f = &def->filters[i];
    bool any = false;
    for (int k = 0; k < f->n_values && !any; k++) {
      const char *v = f->values[k];
      if (!strcmp(f->key, "tag"))
        any = s->has_tag && s->has_tag(v, s->ctx);
      else if (!strcmp(f->key, "to"))
        any = s->to && !strcmp(s->to, v);
      else {
        const char *have = s->field ? s->field(f->key, s->ctx) : NULL;
        any = have && !strcmp(have, v);
      }
    }
    if (!any) return false;
  }
  return true;
}
