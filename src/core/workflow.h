/* workflow.h: a workflow's definition and the planning of its steps
 * (API.md "Workflows, messages, channels"; DOMAIN.md A1, A5).
 *
 * A workflow is a trigger (an event and a filter on the contact and the
 * event's `to`) and a list of steps. When a contact is enrolled, every step
 * is planned at once (rp_workflow_plan): its due time, or why it is
 * skipped. The scheduler then runs the planned steps in due order. Steps:
 *
 *   "after": "PT5M"     after the previous step's planned instant (the enrolment
 *                       for the first step), in the account's time zone;
 *   "on": "<RFC 3339>"  at that instant (skipped when already past);
 *   "relative_to": "birthday" | "anniversary", "offset": "-P1D",
 *   "occurrence": n     the n-th (default 1st) yearly date after the
 *                       enrolment, moved by offset, at `at` local time
 *                       (default the office hours' start);
 *   "relative_to": "close_date", "offset": "P1Y"  the deal's close date
 *                       moved by offset (skipped when past).
 *
 * A message step (send_sms, send_email) timed "after" that falls outside
 * the office hours is moved to the next opening, unless "any_time": true
 * (speed to lead texts at once, DOMAIN.md A1). A step on a date the user
 * chose ("on", a birthday, a close date) keeps its day: a birthday text on
 * a Saturday goes on the Saturday.
 *
 * Pure: no I/O, no clock, no allocation. */
#ifndef RP_CORE_WORKFLOW_H
#define RP_CORE_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/duration.h"
#include "util/clock.h"
#include "util/tz.h"

#define RP_WF_MAX_STEPS 64
#define RP_WF_MAX_FILTERS 16
#define RP_WF_MAX_FILTER_VALUES 16
/* Messages later than this are not sent (a server that was down does not
 * flood the contact with stale texts): the step is skipped. */
#define RP_WF_LATE_MAX_S (48 * 3600)

typedef enum {
  RP_WF_EV_CONTACT_CREATED,
  RP_WF_EV_LEAD_CAPTURED, /* added to API.md's list: a lead from /leads or /capture */
  RP_WF_EV_STATUS_CHANGED,
  RP_WF_EV_STAGE_CHANGED,
  RP_WF_EV_TAG_ADDED,
  RP_WF_EV_DEAL_OPENED,
  RP_WF_EV_DEAL_CLOSED,
  RP_WF_EV_TREND_ALERT,
  RP_WF_EV_PRESS_ALERT,
  RP_WF_EV_OVERDUE,
  RP_WF_EV_MANUAL,
  RP_WF_EV_COUNT
} rp_wf_event;

typedef enum { RP_WF_AFTER, RP_WF_ON, RP_WF_RELATIVE } rp_wf_timing;
typedef enum { RP_WF_BIRTHDAY, RP_WF_ANNIVERSARY, RP_WF_CLOSE_DATE } rp_wf_anchor;

typedef enum {
  RP_WF_SEND_SMS,
  RP_WF_SEND_EMAIL,
  RP_WF_CREATE_TASK,
  RP_WF_SET_STATUS,
  RP_WF_SET_STAGE,
  RP_WF_ADD_TAG,
  RP_WF_NOTIFY,
  RP_WF_ACTION_COUNT
} rp_wf_action;

/* One step. Strings point into the caller's memory (the parsed JSON). */
typedef struct rp_wf_step {
  rp_wf_timing timing;
  rp_duration after; /* RP_WF_AFTER, >= 0 */
  rp_time on;        /* RP_WF_ON */
  rp_wf_anchor relative_to;
  rp_duration offset; /* RP_WF_RELATIVE */
  int occurrence;     /* RP_WF_RELATIVE yearly: 1.. */
  int32_t at_sec;     /* local time of a relative step; -1: office start */
  bool any_time;      /* a message not held to the office hours */
  rp_wf_action action;
  /* params by action: send_sms body; send_email subject, body; notify
   * body (+ channel "email"|"sms" in value); create_task body = title,
   * value = kind (call|email|sms|todo), due_in; set_status/set_stage/
   * add_tag value */
  const char *subject, *body, *value;
  rp_duration due_in;
} rp_wf_step;

/* A filter entry: the contact field (or "to", "tag") must equal one of
 * the values. */
typedef struct rp_wf_filter {
  const char *key;
  const char *values[RP_WF_MAX_FILTER_VALUES];
  int n_values;
} rp_wf_filter;

typedef struct rp_workflow_def {
  rp_wf_event event;
  rp_wf_filter filters[RP_WF_MAX_FILTERS];
  int n_filters;
  rp_wf_step steps[RP_WF_MAX_STEPS];
  int n_steps;
  bool stop_on_reply;
} rp_workflow_def;

/* The office hours of the account's settings (API.md Settings). */
typedef struct rp_office_hours {
  int32_t start_sec, end_sec; /* seconds after local midnight, start < end */
  unsigned days;              /* bit 0 = Monday ... bit 6 = Sunday */
} rp_office_hours;

/* What planning needs to know of the enrolment. */
typedef struct rp_wf_anchors {
  rp_time enrolled_at;
  const char *birthday, *anniversary; /* as contacts store them, or NULL */
  const char *close_date;             /* "YYYY-MM-DD" of the event's deal, or NULL */
  const rp_tz *tz;                    /* NULL: UTC */
  rp_office_hours office;
} rp_wf_anchors;

/* One planned step: due at `due_at`, or skipped for `skip` (a short
 * reason, static text). */
typedef struct rp_wf_planned {
  rp_time due_at;
  const char *skip;
} rp_wf_planned;

/* Plans every step of def for the enrolment (see the top of this file):
 * out[i] for def->steps[i]. Never fails: a step that cannot be placed
 * (no birthday, a past date) is skipped with the reason. */
void rp_workflow_plan(rp_wf_planned out[], const rp_workflow_def *def, const rp_wf_anchors *a);

/* t when it falls in the office hours in tz, else the next opening. Office
 * hours with no day give t. */
rp_time rp_office_hours_next(rp_time t, const rp_office_hours *oh, const rp_tz *tz);

/* Parses "HH:MM" (00:00..23:59, or 24:00 for an end) into seconds. */
int rp_office_time_parse(int32_t *out, const char *p, size_t len);

/* Looks a contact field up for the filter ("status", "source", ...): the
 * value, or NULL when empty; for "tag", whether the contact has it. */
typedef struct rp_wf_subject {
  const char *(*field)(const char *key, void *ctx);
  bool (*has_tag)(const char *tag, void *ctx);
  void *ctx;
  const char *to; /* the event's new value (status_changed: the status), or NULL */
} rp_wf_subject;

/* Whether every filter entry matches (an empty filter matches). */
bool rp_workflow_filter_match(const rp_workflow_def *def, const rp_wf_subject *s);

/* Whether key may appear in a filter. */
bool rp_workflow_filter_key_known(const char *key);

/* Names of events and actions, as in API.md, and back (-1: unknown). */
const char *rp_wf_event_name(rp_wf_event e);
int rp_wf_event_parse(const char *name);
const char *rp_wf_action_name(rp_wf_action a);
int rp_wf_action_parse(const char *name);

/* Whether an action sends a message to the contact. */
bool rp_wf_action_is_message(rp_wf_action a);

#endif
