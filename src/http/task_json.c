/* task_json.c: JSON <-> rp_task (API.md Tasks) and the validation of its
 * writable fields. No I/O. */
#include "http/task_json.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/json_field.h"
#include "util/uuid.h"

static const char *const writable[] = {"contact_id",  "title", "kind",    "due_at",
                                       "assignee_id", "done",  "done_at", "outcome"};
static const char *const readonly[] = {"id",         "version",    "workflow_run_id", "activity_id",
                                       "created_by", "created_at", "updated_at"};

bool rp_task_key_readonly(const char *key) {
  for (size_t i = 0; i < sizeof readonly / sizeof readonly[0]; i++)
    if (strcmp(readonly[i], key) == 0) return true;
  return false;
}

/* An optional RFC 3339 time with a time of day (a bare date is refused: a
 * task is due at a moment, and midnight UTC is rarely the one meant). */
static int get_time(rp_time *out, const json_t *v, const char *field) {
  *out = 0;
  if (!v || json_is_null(v)) return 0;
  const char *p = json_is_string(v) ? json_string_value(v) : NULL;
  size_t len = p ? json_string_length(v) : 0;
  rp_time t;
  if (!p || len <= 10 || len > RP_TJ_TIME_MAX || (p[10] != 'T' && p[10] != 't') ||
      rp_time_parse(&t, p, len) != 0)
    return rp_error_set(RP_EINVALID_VALUE, field,
                        "must be an RFC 3339 time such as 2026-11-24T14:05:00Z or null");
  if (t == 0)
    return rp_error_set(RP_EINVALID_VALUE, field, "must be a time after 1970-01-01T00:00:00Z");
  *out = t;
  return 0;
}

static int bad_enum(const char *field, const char *(*name)(int), int from, int count) {
  char list[200];
  size_t off = 0;
  list[0] = '\0';
  for (int i = from; i < count && off < sizeof list; i++)
    off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i > from ? ", " : "", name(i));
  return rp_error_set(RP_EINVALID_VALUE, field, "must be one of: %s", list);
}

static const char *kind_i(int v) { return rp_task_kind_name((rp_task_kind)v); }
static const char *outcome_i(int v) { return rp_task_outcome_name((rp_task_outcome)v); }

/* rp_task_from_json: see task_json.h. */
int rp_task_from_json(rp_task *out, const json_t *body, rp_time now, rp_arena *ar) {
  memset(out, 0, sizeof *out);
  out->kind = RP_TASK_TODO;
  if (!json_is_object(body))
    return rp_error_set(RP_EINVALID_JSON, NULL, "the body must be a JSON object");
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)body, key, v) {
    size_t i = 0;
    while (i < sizeof writable / sizeof writable[0] && strcmp(writable[i], key) != 0)
      i++;
    if (i < sizeof writable / sizeof writable[0]) continue;
    char field[64];
    snprintf(field, sizeof field, "%.60s", key);
    if (rp_task_key_readonly(key)) return rp_error_set(RP_EINVALID_VALUE, field, "is read-only");
    return rp_error_set(RP_EUNKNOWN_FIELD, field, "unknown field");
  }
  int rc;
  if ((rc = rp_jf_id(&out->contact_id, json_object_get(body, "contact_id"), "contact_id",
                   "a contact id", ar)))
    return rc;
  if ((rc = rp_jf_line(&out->title, json_object_get(body, "title"), "title", RP_TJ_TITLE_MAX, ar)))
    return rc;
  if (!out->title) return rp_error_set(RP_EVALIDATION, "title", "a task needs a title");
  v = json_object_get(body, "kind");
  if (v && !json_is_null(v)) {
    rp_task_kind k;
    if (!json_is_string(v) || rp_task_kind_parse(&k, json_string_value(v)) != 0)
      return bad_enum("kind", kind_i, 0, RP_TASK_KIND_COUNT);
    out->kind = k;
  }
  if ((rc = get_time(&out->due_at, json_object_get(body, "due_at"), "due_at"))) return rc;
  if ((rc = rp_jf_id(&out->assignee_id, json_object_get(body, "assignee_id"), "assignee_id",
                   "a user id", ar)))
    return rc;
  v = json_object_get(body, "done");
  if (v && !json_is_null(v) && !json_is_boolean(v))
    return rp_error_set(RP_EINVALID_VALUE, "done", "must be true, false or null");
  int done = v && json_is_boolean(v) ? json_is_true(v) : -1;
  if ((rc = get_time(&out->done_at, json_object_get(body, "done_at"), "done_at"))) return rc;
  if (out->done_at > now + RP_TJ_DONE_SKEW)
    return rp_error_set(RP_EINVALID_VALUE, "done_at", "must not be in the future");
  if (done == 0 && out->done_at)
    return rp_error_set(RP_EVALIDATION, "done", "done is false but done_at is set");
  if (done == 1 && !out->done_at) out->done_at = now;
  v = json_object_get(body, "outcome");
  if (v && !json_is_null(v)) {
    rp_task_outcome o;
    if (!json_is_string(v) || rp_task_outcome_parse(&o, json_string_value(v)) != 0)
      return bad_enum("outcome", outcome_i, 1, RP_OUTCOME_COUNT);
    out->outcome = o;
  }
  return 0;
}

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *jtime(rp_time t) {
  char buf[21];
  return t ? json_string(rp_time_format(t, buf)) : json_null();
}

/* rp_task_to_json: see task_json.h. */
json_t *rp_task_to_json(const rp_task *t) {
  json_t *o = json_object();
  json_object_set_new(o, "id", jstr(t->id[0] ? t->id : NULL));
  json_object_set_new(o, "version", json_integer(t->version));
  json_object_set_new(o, "contact_id", jstr(t->contact_id));
  json_object_set_new(o, "title", jstr(t->title));
  json_object_set_new(o, "kind", json_string(rp_task_kind_name(t->kind)));
  json_object_set_new(o, "due_at", jtime(t->due_at));
  json_object_set_new(o, "assignee_id", jstr(t->assignee_id));
  json_object_set_new(o, "done", json_boolean(t->done_at != 0));
  json_object_set_new(o, "done_at", jtime(t->done_at));
  json_object_set_new(
      o, "outcome",
      t->outcome == RP_OUTCOME_NONE ? json_null() : json_string(rp_task_outcome_name(t->outcome)));
  json_object_set_new(o, "workflow_run_id", jstr(t->workflow_run_id));
  json_object_set_new(o, "activity_id", jstr(t->activity_id));
  json_object_set_new(o, "created_by", jstr(t->created_by));
  json_object_set_new(o, "created_at", jtime(t->created_at));
  json_object_set_new(o, "updated_at", jtime(t->updated_at));
  return o;
}
