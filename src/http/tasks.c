/* tasks.c: the tasks API (API.md Tasks): create, get, merge-patch, delete,
 * list with the due, assignee, contact and done filters; and the
 * dashboard's tasks due today. Completing a call task with outcome
 * connected records one outbound call on its contact, through the path
 * POST /activities takes (the store, then the lifecycle: rules and
 * rescore), in the request's transaction (DOMAIN.md M4). JSON mapping and
 * validation live in task_json.c. */
#include <stdio.h>
#include <string.h>

#include "core/contact.h"
#include "core/task.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "http/task_json.h"
#include "jobs/lifecycle.h"
#include "jobs/scoring.h"
#include "util/error.h"
#include "util/tz.h"
#include "util/uuid.h"

#define TASKS "/api/v1/tasks"

static const char *id_param(rp_req *r) { return r->n_params ? r->params[0] : ""; }

static bool same_id(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* Whether the caller sees t (DOMAIN.md "Ownership and teams"): owners and
 * admins see the account's tasks; agents and assistants the tasks assigned
 * to them, created by them, or on a contact they see. */
static int visible(rp_req *r, const rp_task *t, bool *out) {
  const char *me = rp_req_visible_to(r);
  *out = true;
  if (!me || same_id(t->assignee_id, me) || same_id(t->created_by, me)) return 0;
  *out = false;
  if (!t->contact_id) return 0;
  rp_contact c;
  int rc = rp_req_contact_get(r, &c, t->contact_id);
  if (rc == RP_ENOTFOUND) return 0;
  if (rc) return rc;
  *out = true;
  return 0;
}

/* The task of the path the caller may see; RP_ENOTFOUND otherwise (another
 * account's or another agent's task alike). */
static int get_visible(rp_req *r, rp_task *out) {
  bool ok;
  int rc = rp_store_task_get(r->store, &r->arena, out, r->auth.account_id, id_param(r));
  if (rc) return rc;
  if ((rc = visible(r, out, &ok))) return rc;
  return ok ? 0 : rp_error_set(RP_ENOTFOUND, NULL, "no such task");
}

/* contact_id must name a contact the caller sees: the body's fault (400)
 * otherwise. *owner gets the contact's owner (NULL when none). */
static int check_contact(rp_req *r, const char *contact_id, const char **owner) {
  rp_contact c;
  int rc = rp_req_contact_get(r, &c, contact_id);
  if (rc == RP_ENOTFOUND)
    return rp_error_set(RP_EINVALID_VALUE, "contact_id", "names no contact of this account");
  if (rc) return rc;
  if (owner) *owner = c.owner_id;
  return 0;
}

/* The store's not_found naming a field is the body's fault (400). */
static int body_ref_error(int rc) {
  if (rc != RP_ENOTFOUND) return rc;
  const rp_error *e = rp_error_last();
  if (strcmp(e->field, "assignee_id") == 0)
    return rp_error_set(RP_EINVALID_VALUE, "assignee_id", "names no user of this account");
  if (strcmp(e->field, "contact_id") == 0)
    return rp_error_set(RP_EINVALID_VALUE, "contact_id", "names no contact of this account");
  return rc;
}

/* Writes t (created or updated) and, when this write completes a call task
 * with outcome connected that has recorded no call yet
 * (rp_task_records_call), records the outbound call first, as POST
 * /activities does: the activity, then the rules (DOMAIN.md L2 does not
 * fire on an outbound call) for a call that has happened, then the
 * contact's derived fields and score. The contact is rescored in any case
 * (a task's due time is a score fact), and was_contact, the contact the
 * task was on before (or NULL), too. */
static int save(rp_req *r, rp_task *t, bool create, const char *was_contact) {
  bool record = rp_task_records_call(t);
  rp_lifecycle lc;
  int rc;
  if ((record || t->contact_id || was_contact) && (rc = rp_req_lifecycle(r, &lc))) return rc;
  if (record) {
    rp_activity call;
    rp_task_call_activity(&call, t, r->auth.user_id, r->now);
    if ((rc = rp_lifecycle_record_activity(&lc, &call))) return body_ref_error(rc);
    t->activity_id = rp_arena_strdup(&r->arena, call.id);
  }
  rc = create ? rp_store_task_create(r->store, t) : rp_store_task_update(r->store, t);
  if (rc) return body_ref_error(rc);
  /* a task's due time counts in its contact's frequency factor (SCORING.md
   * 14): the contact, and the one it left, are rescored */
  if (t->contact_id && (rc = rp_lifecycle_refresh(&lc, t->contact_id, NULL))) return rc;
  if (was_contact && !same_id(was_contact, t->contact_id) &&
      (rc = rp_lifecycle_refresh(&lc, was_contact, NULL)) && rc != RP_ENOTFOUND)
    return rc;
  return 0;
}

static void answer(rp_req *r, int status, const rp_task *t) {
  rp_contacts_etag(r, t->version);
  if (status == 201) rp_resp_header(r, "Location", rp_arena_printf(&r->arena, TASKS "/%s", t->id));
  rp_resp_json(r, status, rp_task_to_json(t));
}

/* POST /api/v1/tasks: the assignee defaults to the contact's owner, else
 * the creating user. */
int rp_h_tasks_create(rp_req *r) {
  json_t *body = NULL;
  rp_task t;
  const char *owner = NULL;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_task_from_json(&t, body, r->now, &r->arena))) goto cleanup;
  if (t.contact_id && (rc = check_contact(r, t.contact_id, &owner))) goto cleanup;
  const char *me = r->auth.user_id[0] ? r->auth.user_id : NULL;
  if (!t.assignee_id && !json_object_get(body, "assignee_id")) t.assignee_id = owner ? owner : me;
  snprintf(t.account_id, sizeof t.account_id, "%s", r->auth.account_id);
  t.created_by = me;
  t.created_at = t.updated_at = r->now;
  if ((rc = save(r, &t, true, NULL))) goto cleanup;
  answer(r, 201, &t);
cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/tasks/:id */
int rp_h_tasks_get(rp_req *r) {
  rp_task t;
  int rc = get_visible(r, &t);
  if (rc) return rc;
  answer(r, 200, &t);
  return 0;
}

/* PATCH /api/v1/tasks/:id: RFC 7396 merge patch over the current JSON,
 * validated as on create. {"done": true} completes at now (a done task
 * keeps its done_at), {"done": false} or {"done_at": null} reopens, a
 * done_at completes at that time. */
int rp_h_tasks_patch(rp_req *r) {
  json_t *patch = NULL, *merged = NULL;
  rp_task cur, n;
  int rc = get_visible(r, &cur);
  if (rc) goto cleanup;
  if ((rc = rp_contacts_if_match(r, cur.version))) goto cleanup;
  if ((rc = rp_req_json_object(r, &patch))) goto cleanup;
  merged = rp_task_to_json(&cur);
  if ((rc = rp_json_check_readonly(patch, merged, rp_task_key_readonly))) goto cleanup;
  merged = rp_json_merge_patch(merged, patch);
  /* `done` and `done_at` say one thing twice: the one the patch names wins */
  const json_t *pd = json_object_get(patch, "done"), *pda = json_object_get(patch, "done_at");
  if (pd && !pda) {
    if (json_is_false(pd) || (json_is_true(pd) && !cur.done_at))
      json_object_set_new(merged, "done_at", json_null());
  } else if (pda && !pd) {
    json_object_del(merged, "done");
  }
  {
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(merged, tmp, k, v) {
      if (rp_task_key_readonly(k)) json_object_del(merged, k);
    }
  }
  if ((rc = rp_task_from_json(&n, merged, r->now, &r->arena))) goto cleanup;
  if (n.contact_id && !same_id(n.contact_id, cur.contact_id) &&
      (rc = check_contact(r, n.contact_id, NULL)))
    goto cleanup;
  memcpy(n.id, cur.id, sizeof n.id);
  memcpy(n.account_id, cur.account_id, sizeof n.account_id);
  n.version = cur.version;
  n.workflow_run_id = cur.workflow_run_id;
  n.activity_id = cur.activity_id;
  n.created_by = cur.created_by;
  n.created_at = cur.created_at;
  n.updated_at = r->now;
  if ((rc = save(r, &n, false, cur.contact_id))) goto cleanup;
  answer(r, 200, &n);
cleanup:
  json_decref(patch);
  json_decref(merged);
  return rc;
}

/* DELETE /api/v1/tasks/:id: 204. A call its completion recorded stays. */
int rp_h_tasks_delete(rp_req *r) {
  rp_task cur;
  int rc = get_visible(r, &cur);
  if (rc) return rc;
  if ((rc = rp_contacts_if_match(r, cur.version)) ||
      (rc = rp_store_task_delete(r->store, r->auth.account_id, cur.id)))
    return rc;
  if (cur.contact_id) {
    rp_lifecycle lc;
    if ((rc = rp_req_lifecycle(r, &lc)) || (rc = rp_lifecycle_refresh(&lc, cur.contact_id, NULL)))
      return rc;
  }
  rp_resp_empty(r, 204);
  return 0;
}

/* Today in the account's timezone (settings.timezone, as the daily job
 * counts days): [*from, *to) from local midnight to the next. */
static int today_range(rp_req *r, rp_time *from, rp_time *to) {
  rp_account a;
  int rc = rp_store_account_get(r->store, &r->arena, &a, r->auth.account_id);
  if (rc) return rc;
  const rp_tz *tz = rp_scoring_zone(a.settings_json);
  int64_t day = rp_tz_day(tz, r->now);
  *from = rp_tz_instant(tz, day, 0);
  *to = rp_tz_instant(tz, day + 1, 0);
  return 0;
}

/* An id filter: a UUID (lower-cased), or RP_EINVALID_VALUE naming key. */
static int id_arg(rp_req *r, const char *key, const char **out) {
  const char *s = rp_req_query(r, key);
  *out = NULL;
  if (!s) return 0;
  if (!rp_uuid_valid(s, strlen(s)))
    return rp_error_set(RP_EINVALID_VALUE, key, "%s must be an id", key);
  char *id = rp_arena_strdup(&r->arena, s);
  for (char *c = id; *c; c++)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  *out = id;
  return 0;
}

/* GET /api/v1/tasks?due=today|overdue|upcoming&assignee_id=&contact_id=
 * &done=true|false: open tasks by due time, then done ones. A due filter
 * lists open tasks only: today = due within today's local day, overdue =
 * due before now, upcoming = due after today. */
int rp_h_tasks_list(rp_req *r) {
  rp_task_query q = {0};
  rp_task *items = NULL;
  size_t n = 0;
  char *next = NULL;
  int64_t total = 0;
  int rc;
  const char *s;
  q.account_id = r->auth.account_id;
  q.visible_to = rp_req_visible_to(r);
  q.done = -1;
  if ((rc = id_arg(r, "assignee_id", &q.assignee_id)) ||
      (rc = id_arg(r, "contact_id", &q.contact_id)) || (rc = rp_req_limit(r, &q.limit)) ||
      (rc = rp_req_bool(r, "count", false, &q.count)))
    return rc;
  if ((s = rp_req_query(r, "done"))) {
    bool d;
    if ((rc = rp_req_bool(r, "done", false, &d))) return rc;
    q.done = d ? 1 : 0;
  }
  if ((s = rp_req_query(r, "due"))) {
    if (q.done == 1)
      return rp_error_set(RP_EINVALID_VALUE, "done", "a due filter lists open tasks only");
    rp_time from, to;
    if ((rc = today_range(r, &from, &to))) return rc;
    q.done = 0;
    q.due = true;
    if (strcmp(s, "today") == 0) {
      q.due_from = from;
      q.due_to = to;
    } else if (strcmp(s, "overdue") == 0) {
      q.due_from = INT64_MIN;
      q.due_to = r->now;
    } else if (strcmp(s, "upcoming") == 0) {
      q.due_from = to;
      q.due_to = INT64_MAX;
    } else {
      return rp_error_set(RP_EINVALID_VALUE, "due", "due must be one of: today, overdue, upcoming");
    }
  }
  if ((s = rp_req_query(r, "cursor"))) {
    if (!*s)
      return rp_error_set(RP_EINVALID_VALUE, "cursor", "cursor is not a cursor of this list");
    q.cursor = s;
  }
  if ((rc = rp_store_task_list(r->store, &r->arena, &q, &items, &n, &next, &total))) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, rp_task_to_json(&items[i]));
  json_t *o = json_object();
  json_object_set_new(o, "items", arr);
  json_object_set_new(o, "next_cursor", next ? json_string(next) : json_null());
  if (q.count) json_object_set_new(o, "total", json_integer(total));
  rp_resp_json(r, 200, o);
  return 0;
}

/* rp_tasks_due_today_json: see handlers.h. */
int rp_tasks_due_today_json(rp_req *r, int limit, json_t **out) {
  rp_task_query q = {.account_id = r->auth.account_id,
                     .visible_to = rp_req_visible_to(r),
                     .done = 0,
                     .due = true,
                     .limit = limit};
  rp_task *items = NULL;
  size_t n = 0;
  char *next = NULL;
  *out = NULL;
  int rc = today_range(r, &q.due_from, &q.due_to);
  if (rc || (rc = rp_store_task_list(r->store, &r->arena, &q, &items, &n, &next, NULL))) return rc;
  *out = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(*out, rp_task_to_json(&items[i]));
  return 0;
}
