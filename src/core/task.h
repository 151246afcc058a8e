/* task.h: tasks (API.md Tasks): the struct the store keeps and the HTTP
 * layer maps, their enums, and the pure decisions about them (whether a
 * completion records a call, the call it records). No I/O, no clock. */
#ifndef RP_CORE_TASK_H
#define RP_CORE_TASK_H

#include <stdbool.h>

#include "core/model.h"

/* API.md Tasks `kind`. */
typedef enum {
  RP_TASK_CALL,
  RP_TASK_EMAIL,
  RP_TASK_SMS,
  RP_TASK_TODO,
  RP_TASK_KIND_COUNT
} rp_task_kind;

/* The outcomes a task may be given (docs/api.md "Tasks"); NONE is null. */
typedef enum {
  RP_OUTCOME_NONE,
  RP_OUTCOME_CONNECTED,
  RP_OUTCOME_LEFT_VOICEMAIL,
  RP_OUTCOME_NO_ANSWER,
  RP_OUTCOME_BUSY,
  RP_OUTCOME_WRONG_NUMBER,
  RP_OUTCOME_SENT,
  RP_OUTCOME_DONE,
  RP_OUTCOME_CANCELED,
  RP_OUTCOME_COUNT
} rp_task_outcome;

/* Enum <-> string, as model.h's: *_name never returns NULL for a valid
 * value ("?" otherwise); *_parse returns 0 and sets *out, or -1. The
 * outcome NONE has the name "none" but is never parsed: JSON null is it. */
const char *rp_task_kind_name(rp_task_kind v);
int rp_task_kind_parse(rp_task_kind *out, const char *s);
const char *rp_task_outcome_name(rp_task_outcome v);
int rp_task_outcome_parse(rp_task_outcome *out, const char *s);

/* One task. Strings point into the arena of whoever filled it; NULL is
 * absent. Times are 0 when absent (due_at 0: no due time; done_at 0:
 * open). */
typedef struct rp_task {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  int64_t version;
  const char *contact_id; /* a contact of the account, or NULL */
  const char *title;
  rp_task_kind kind;
  rp_time due_at;
  const char *assignee_id; /* a user of the account, or NULL */
  rp_time done_at;
  rp_task_outcome outcome;
  const char *workflow_run_id; /* the workflow run that made it, or NULL */
  const char *activity_id;     /* the call its completion recorded, or NULL */
  const char *created_by;      /* the user who created it, or NULL */
  rp_time created_at, updated_at;
} rp_task;

/* API.md Tasks "Completing a call task with outcome connected records an
 * outbound call": true when t is done, of kind call, with outcome
 * connected, on a contact, and has recorded no call yet (activity_id NULL),
 * so completing twice, or reopening and completing again, records one call
 * only. */
bool rp_task_records_call(const rp_task *t);

/* The call activity a completion records (DOMAIN.md activities; the rules
 * and the rescore are the caller's, as for POST /activities): kind call,
 * direction outbound, on t's contact, at t's done_at (now when later),
 * subject the title, source "task", no duration (an outbound call without
 * a duration is no two-way interaction: SCORING.md connected call), owner
 * the acting user (may be NULL). Strings point into t and owner_id. */
void rp_task_call_activity(rp_activity *out, const rp_task *t, const char *owner_id, rp_time now);

#endif
