/* task.c: task enums and the pure decisions of core/task.h. */
#include "core/task.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[RP_TASK_KIND_COUNT] = {"call", "email", "sms", "todo"};
static const char *const outcome_names[RP_OUTCOME_COUNT] = {
    "none",         "connected", "left_voicemail", "no_answer", "busy",
    "wrong_number", "sent",      "done",           "canceled"};

const char *rp_task_kind_name(rp_task_kind v) {
  return (unsigned)v < RP_TASK_KIND_COUNT ? kind_names[v] : "?";
}

int rp_task_kind_parse(rp_task_kind *out, const char *s) {
  if (!s) return -1;
  for (int i = 0; i < RP_TASK_KIND_COUNT; i++)
    if (strcmp(kind_names[i], s) == 0) {
      *out = (rp_task_kind)i;
      return 0;
    }
  return -1;
}

const char *rp_task_outcome_name(rp_task_outcome v) {
  return (unsigned)v < RP_OUTCOME_COUNT ? outcome_names[v] : "?";
}

int rp_task_outcome_parse(rp_task_outcome *out, const char *s) {
  if (!s) return -1;
  for (int i = 1; i < RP_OUTCOME_COUNT; i++)
    if (strcmp(outcome_names[i], s) == 0) {
      *out = (rp_task_outcome)i;
      return 0;
    }
  return -1;
}

/* rp_task_records_call: see task.h (API.md Tasks). */
bool rp_task_records_call(const rp_task *t) {
  return t->done_at != 0 && t->kind == RP_TASK_CALL && t->outcome == RP_OUTCOME_CONNECTED &&
         t->contact_id && t->contact_id[0] && !t->activity_id;
}

/* rp_task_call_activity: see task.h. */
void rp_task_call_activity(rp_activity *out, const rp_task *t, const char *owner_id, rp_time now) {
  memset(out, 0, sizeof *out);
  snprintf(out->account_id, sizeof out->account_id, "%s", t->account_id);
  snprintf(out->contact_id, sizeof out->contact_id, "%s", t->contact_id ? t->contact_id : "");
  out->kind = RP_KIND_CALL;
  out->direction = RP_DIR_OUTBOUND;
  out->occurred_at = t->done_at && t->done_at < now ? t->done_at : now;
  out->subject = t->title;
  out->duration_s = -1;
  out->importance = RP_IMPORTANCE_NORMAL;
  out->source = "task";
  out->owner_id = owner_id && owner_id[0] ? owner_id : NULL;
  out->created_at = out->updated_at = now;
}
