/* task_json.h: JSON <-> rp_task (API.md Tasks), with the validation of
 * every writable field.
 *
 * Pure of I/O, as contact_json.h: the arena and the time come in. Errors
 * follow util/error.h with the key as the field. Whether contact_id and
 * assignee_id name something the caller may use is the handler's and the
 * store's check. */
#ifndef RP_TASK_JSON_H
#define RP_TASK_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "core/task.h"
#include "util/arena.h"

#define RP_TJ_TITLE_MAX 500 /* characters of a title */
#define RP_TJ_TIME_MAX 64   /* bytes of a time string */
#define RP_TJ_DONE_SKEW 300 /* seconds a done_at may be ahead of now */

/* Parses a task body (a JSON object) into *out, strings in ar. Writable
 * keys: contact_id (a UUID or null), title (required, one line, at most
 * RP_TJ_TITLE_MAX characters, trimmed), kind (call, email, sms, todo;
 * default todo), due_at (an RFC 3339 time with a time of day, or null),
 * assignee_id (a UUID or null), done (a boolean or null), done_at (an RFC
 * 3339 time, at most RP_TJ_DONE_SKEW s after now, or null), outcome (one of
 * rp_task_outcome's names, or null). done true without done_at completes at
 * now; done false with a done_at is RP_EVALIDATION (field done); done absent
 * or null follows done_at. A read-only key (id, version, workflow_run_id,
 * activity_id, created_by, created_at, updated_at) is RP_EINVALID_VALUE "is
 * read-only", any other unknown key RP_EUNKNOWN_FIELD. A missing title is
 * RP_EVALIDATION. Id, account, version, the read-only fields and the
 * timestamps are left zero for the caller. */
int rp_task_from_json(rp_task *out, const json_t *body, rp_time now, rp_arena *ar);

/* Renders t: {id, version, contact_id, title, kind, due_at, assignee_id,
 * done, done_at, outcome, workflow_run_id, activity_id, created_by,
 * created_at, updated_at}, every key present (null where absent). The
 * caller owns the result. */
json_t *rp_task_to_json(const rp_task *t);

/* True when key is read-only in a task (for rp_json_check_readonly). */
bool rp_task_key_readonly(const char *key);

#endif
