/* workflows.c: the workflows API (API.md "Workflows, messages, channels"):
 * workflows (create, get, merge-patch, delete, list), enrolment, runs
 * (list, get with its steps, stop) and messages (list, get, send one now).
 * Validation of a workflow lives in jobs/workflow_json.c, the engine in
 * jobs/workflows.c, composing a message in jobs/messages.c. */
#include <stdio.h>
#include <string.h>

#include "core/template.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/messages.h"
#include "jobs/workflow_json.h"
#include "jobs/workflows.h"
#include "util/error.h"
#include "util/uuid.h"

#define WORKFLOWS "/api/v1/workflows"

static const char *id_param(rp_req *r) { return r->n_params ? r->params[0] : ""; }

static json_t *time_json(rp_time t) {
  char buf[21];
  return t ? json_string(rp_time_format(t, buf)) : json_null();
}

static json_t *str_json(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *id_json(const char *s) { return s && s[0] ? json_string(s) : json_null(); }

/* ---- workflows ---- */

static json_t *workflow_json(const rp_workflow_row *w) {
  json_t *trigger = json_loads(w->trigger_json ? w->trigger_json : "{}", 0, NULL);
  json_t *steps = json_loads(w->steps_json ? w->steps_json : "[]", 0, NULL);
  return json_pack("{s:s, s:I, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o}", "id", w->id, "version",
                   (json_int_t)w->version, "name", w->name ? w->name : "", "enabled", w->enabled,
                   "stop_on_reply", w->stop_on_reply, "trigger", trigger ? trigger : json_object(),
                   "steps", steps ? steps : json_array(), "builtin", str_json(w->builtin),
                   "created_at", time_json(w->created_at), "updated_at", time_json(w->updated_at));
}

static void answer_workflow(rp_req *r, int status, const rp_workflow_row *w) {
  rp_contacts_etag(r, w->version);
  if (status == 201)
    rp_resp_header(r, "Location", rp_arena_printf(&r->arena, WORKFLOWS "/%s", w->id));
  rp_resp_json(r, status, workflow_json(w));
}

/* The stored form of a validated body. */
static void fill_row(rp_req *r, rp_workflow_row *w, const rp_workflow_body *b) {
  char *trigger = json_dumps(b->trigger, JSON_COMPACT | JSON_SORT_KEYS);
  char *steps = json_dumps(b->steps, JSON_COMPACT | JSON_PRESERVE_ORDER);
  w->name = rp_arena_strdup(&r->arena, b->name);
  w->enabled = b->enabled;
  w->stop_on_reply = b->stop_on_reply;
  w->trigger_event = rp_wf_event_name(b->def.event);
  w->trigger_json = rp_arena_strdup(&r->arena, trigger);
  w->steps_json = rp_arena_strdup(&r->arena, steps);
  free(trigger);
  free(steps);
}

/* POST /api/v1/workflows (admin) */
int rp_h_workflows_create(rp_req *r) {
  json_t *body = NULL;
  rp_workflow_body *b = rp_arena_alloc(&r->arena, sizeof *b);
  rp_workflow_row w = {0};
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_workflow_body_parse(b, body))) goto cleanup;
  snprintf(w.account_id, sizeof w.account_id, "%s", r->auth.account_id);
  rp_uuid_v7(w.id);
  w.version = 1;
  fill_row(r, &w, b);
  w.created_at = w.updated_at = r->now;
  if ((rc = rp_store_workflow_create(r->store, &w))) goto cleanup;
  answer_workflow(r, 201, &w);
cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/workflows: every workflow of the account by name (a short
 * list: next_cursor is always null). */
int rp_h_workflows_list(rp_req *r) {
  rp_workflow_row *items;
  size_t n;
  int rc = rp_store_workflow_list(r->store, &r->arena, r->auth.account_id, &items, &n);
  if (rc) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, workflow_json(&items[i]));
  rp_resp_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
  return 0;
}

/* GET /api/v1/workflows/:id */
int rp_h_workflows_get(rp_req *r) {
  rp_workflow_row w;
  int rc = rp_store_workflow_get(r->store, &r->arena, &w, r->auth.account_id, id_param(r));
  if (rc) return rc;
  answer_workflow(r, 200, &w);
  return 0;
}

/* PATCH /api/v1/workflows/:id (admin): a merge patch over the workflow's
 * JSON, validated whole as on create (steps are replaced as a list: a merge
 * patch replaces arrays). Runs already planned keep their plan. */
int rp_h_workflows_patch(rp_req *r) {
  json_t *patch = NULL, *merged = NULL;
  rp_workflow_row cur;
  rp_workflow_body *b = rp_arena_alloc(&r->arena, sizeof *b);
  int rc = rp_store_workflow_get(r->store, &r->arena, &cur, r->auth.account_id, id_param(r));
  if (rc) goto cleanup;
  if ((rc = rp_contacts_if_match(r, cur.version))) goto cleanup;
  if ((rc = rp_req_json_object(r, &patch))) goto cleanup;
  merged = workflow_json(&cur);
  if ((rc = rp_json_check_readonly(patch, merged, rp_workflow_key_readonly))) goto cleanup;
  merged = rp_json_merge_patch(merged, patch);
  {
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(merged, tmp, k, v) {
      if (rp_workflow_key_readonly(k)) json_object_del(merged, k);
    }
  }
  if ((rc = rp_workflow_body_parse(b, merged))) goto cleanup;
  fill_row(r, &cur, b);
  cur.updated_at = r->now;
  if ((rc = rp_store_workflow_update(r->store, &cur))) goto cleanup;
  answer_workflow(r, 200, &cur);
cleanup:
  json_decref(patch);
  json_decref(merged);
  return rc;
}

/* DELETE /api/v1/workflows/:id (admin): 204; its active runs stop. */
int rp_h_workflows_delete(rp_req *r) {
  rp_workflow_row cur;
  int rc = rp_store_workflow_get(r->store, &r->arena, &cur, r->auth.account_id, id_param(r));
  if (rc) return rc;
  if ((rc = rp_contacts_if_match(r, cur.version)) ||
      (rc = rp_store_workflow_delete(r->store, r->auth.account_id, cur.id, r->now)))
    return rc;
  rp_resp_empty(r, 204);
  return 0;
}

/* ---- runs ---- */

static json_t *run_json(rp_req *r, const rp_run *run, bool with_steps) {
  json_t *next = json_null();
  if (run->next_step >= 0)
    next = json_pack("{s:i, s:o}", "step", run->next_step, "due_at", time_json(run->next_due_at));
  json_t *o = json_pack(
      "{s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", run->id, "workflow_id",
      run->workflow_id, "workflow_name", str_json(run->workflow_name), "contact_id",
      run->contact_id, "status", run->status ? run->status : "", "event",
      run->event ? run->event : "", "stop_reason", str_json(run->stop_reason), "started_at",
      time_json(run->started_at), "ended_at", time_json(run->ended_at), "next_step", next);
  if (with_steps) {
    rp_run_step *steps;
    size_t n;
    json_t *arr = json_array();
    if (!rp_store_run_steps(r->store, &r->arena, r->auth.account_id, run->id, &steps, &n))
      for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:i, s:s, s:o, s:o, s:o}", "step", steps[i].step,
                                             "status", steps[i].status ? steps[i].status : "",
                                             "due_at", time_json(steps[i].due_at), "done_at",
                                             time_json(steps[i].done_at), "outcome",
                                             str_json(steps[i].outcome)));
    json_object_set_new(o, "steps", arr);
  }
  return o;
}

/* A body's contact_id the caller may see: 400 (not 404) when it names
 * none, as other bodies do. */
static int body_contact(rp_req *r, const json_t *body, rp_contact *c) {
  const json_t *v = json_object_get(body, "contact_id");
  if (!v || json_is_null(v)) return rp_error_set(RP_EVALIDATION, "contact_id", "is required");
  if (!json_is_string(v) || !rp_uuid_valid(json_string_value(v), json_string_length(v)))
    return rp_error_set(RP_EINVALID_VALUE, "contact_id", "must be a contact id");
  int rc = rp_req_contact_get(r, c, json_string_value(v));
  if (rc == RP_ENOTFOUND)
    return rp_error_set(RP_EINVALID_VALUE, "contact_id", "names no contact of this account");
  return rc;
}

static int check_keys(const json_t *body, const char *const *keys, size_t n) {
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)body, k, v) {
    size_t i = 0;
    while (i < n && strcmp(keys[i], k))
      i++;
    if (i == n) return rp_error_set(RP_EUNKNOWN_FIELD, k, "unknown field");
  }
  return 0;
}

/* POST /api/v1/workflows/:id/enroll {contact_id}: 201 with the run. */
int rp_h_workflows_enroll(rp_req *r) {
  static const char *const keys[] = {"contact_id"};
  json_t *body = NULL;
  rp_workflow_row w;
  rp_contact c;
  rp_lifecycle lc;
  rp_run run;
  int rc = rp_store_workflow_get(r->store, &r->arena, &w, r->auth.account_id, id_param(r));
  if (rc) goto cleanup;
  if ((rc = rp_req_json_object(r, &body)) || (rc = check_keys(body, keys, 1)) ||
      (rc = body_contact(r, body, &c)) || (rc = rp_req_lifecycle(r, &lc)))
    goto cleanup;
  if ((rc = rp_workflows_enroll(&run, &lc, &w, c.id))) goto cleanup;
  if ((rc = rp_store_run_get(r->store, &r->arena, &run, r->auth.account_id, run.id))) goto cleanup;
  rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/workflow-runs/%s", run.id));
  rp_resp_json(r, 201, run_json(r, &run, true));
cleanup:
  json_decref(body);
  return rc;
}

/* An optional id query argument. */
static int id_arg(rp_req *r, const char *key, const char **out) {
  const char *s = rp_req_query(r, key);
  *out = NULL;
  if (!s) return 0;
  if (!rp_uuid_valid(s, strlen(s))) return rp_error_set(RP_EINVALID_VALUE, key, "must be an id");
  char *id = rp_arena_strdup(&r->arena, s);
  for (char *p = id; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  *out = id;
  return 0;
}

/* Lists of runs and messages name a contact the caller sees, or need an
 * owner or admin (who sees the account's). */
static int list_scope(rp_req *r, const char *contact_id) {
  if (contact_id) {
    rp_contact c;
    return rp_req_contact_get(r, &c, contact_id);
  }
  if (!rp_req_visible_to(r)) return 0;
  return rp_error_set(RP_EVALIDATION, "contact_id",
                      "an agent lists one contact's at a time: give contact_id");
}

static int enum_arg(rp_req *r, const char *key, const char *const *names, size_t n,
                    const char **out) {
  const char *s = rp_req_query(r, key);
  *out = NULL;
  if (!s) return 0;
  for (size_t i = 0; i < n; i++)
    if (!strcmp(s, names[i])) {
      *out = names[i];
      return 0;
    }
  return rp_error_set(RP_EINVALID_VALUE, key, "%s is not a known %s", s, key);
}

/* GET /api/v1/workflow-runs?contact_id=&workflow_id=&status= */
int rp_h_runs_list(rp_req *r) {
  static const char *const statuses[] = {"active", "completed", "stopped"};
  rp_run_query q = {.account_id = r->auth.account_id};
  rp_run *items;
  size_t n;
  char *next;
  int rc;
  if ((rc = id_arg(r, "contact_id", &q.contact_id)) ||
      (rc = id_arg(r, "workflow_id", &q.workflow_id)) ||
      (rc = enum_arg(r, "status", statuses, 3, &q.status)) || (rc = rp_req_limit(r, &q.limit)) ||
      (rc = list_scope(r, q.contact_id)))
    return rc;
  q.cursor = rp_req_query(r, "cursor");
  if ((rc = rp_store_run_list(r->store, &r->arena, &q, &items, &n, &next))) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, run_json(r, &items[i], false));
  rp_resp_json(r, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", str_json(next)));
  return 0;
}

/* The run of the path, if the caller sees its contact. */
static int get_run(rp_req *r, rp_run *out) {
  int rc = rp_store_run_get(r->store, &r->arena, out, r->auth.account_id, id_param(r));
  if (rc) return rc;
  rp_contact c;
  rc = rp_req_contact_get(r, &c, out->contact_id);
  return rc == RP_ENOTFOUND ? rp_error_set(RP_ENOTFOUND, NULL, "no such workflow run") : rc;
}

/* GET /api/v1/workflow-runs/:id: the run with every planned step. */
int rp_h_runs_get(rp_req *r) {
  rp_run run;
  int rc = get_run(r, &run);
  if (rc) return rc;
  rp_resp_json(r, 200, run_json(r, &run, true));
  return 0;
}

/* DELETE /api/v1/workflow-runs/:id: stops it (200 with the stopped run;
 * a run already over is answered as it is). */
int rp_h_runs_stop(rp_req *r) {
  rp_run run;
  bool stopped;
  int rc = get_run(r, &run);
  if (rc) return rc;
  if ((rc = rp_store_run_stop(r->store, r->auth.account_id, run.id, "by_user", r->now, &stopped)))
    return rc;
  if ((rc = rp_store_run_get(r->store, &r->arena, &run, r->auth.account_id, run.id))) return rc;
  rp_resp_json(r, 200, run_json(r, &run, true));
  return 0;
}

/* ---- messages ---- */

static json_t *message_json(const rp_message *m) {
  return json_pack("{s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:o, s:i, s:o, s:o, s:o, s:o, s:o}", "id",
                   m->id, "contact_id", id_json(m->contact_id), "channel", m->channel, "to",
                   m->to_addr ? m->to_addr : "", "subject", str_json(m->subject), "body",
                   m->body ? m->body : "", "status", m->status, "reason", str_json(m->reason),
                   "attempts", m->attempts, "provider_id", str_json(m->provider_id),
                   "workflow_run_id", id_json(m->workflow_run_id), "activity_id",
                   id_json(m->activity_id), "created_at", time_json(m->created_at), "sent_at",
                   time_json(m->sent_at));
}

/* GET /api/v1/messages?contact_id=&status= */
int rp_h_messages_list(rp_req *r) {
  static const char *const statuses[] = {"queued", "sending", "sent", "failed", "suppressed"};
  rp_message_query q = {.account_id = r->auth.account_id};
  rp_message *items;
  size_t n;
  char *next;
  int rc;
  if ((rc = id_arg(r, "contact_id", &q.contact_id)) ||
      (rc = enum_arg(r, "status", statuses, 5, &q.status)) || (rc = rp_req_limit(r, &q.limit)) ||
      (rc = list_scope(r, q.contact_id)))
    return rc;
  q.cursor = rp_req_query(r, "cursor");
  if ((rc = rp_store_message_list(r->store, &r->arena, &q, &items, &n, &next))) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, message_json(&items[i]));
  rp_resp_json(r, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", str_json(next)));
  return 0;
}

/* GET /api/v1/messages/:id */
int rp_h_messages_get(rp_req *r) {
  rp_message m;
  int rc = rp_store_message_get(r->store, &r->arena, &m, r->auth.account_id, id_param(r));
  if (rc) return rc;
  if (m.contact_id[0]) {
    rp_contact c;
    rc = rp_req_contact_get(r, &c, m.contact_id);
    if (rc == RP_ENOTFOUND) return rp_error_set(RP_ENOTFOUND, NULL, "no such message");
    if (rc) return rc;
  } else if (rp_req_visible_to(r) && strcmp(m.user_id, r->auth.user_id)) {
    return rp_error_set(RP_ENOTFOUND, NULL, "no such message");
  }
  rp_resp_json(r, 200, message_json(&m));
  return 0;
}

/* A template field of a message body: required (subject only for email),
 * checked like a workflow's. */
static int body_template(const json_t *body, const char *key, bool required, const char **out) {
  const json_t *v = json_object_get(body, key);
  *out = NULL;
  if (!v || json_is_null(v)) return required ? rp_error_set(RP_EVALIDATION, key, "is required") : 0;
  if (!json_is_string(v) || !json_string_length(v))
    return rp_error_set(RP_EINVALID_VALUE, key, "must be a non-empty string");
  char why[160];
  if (rp_template_check(json_string_value(v), json_string_length(v), rp_template_var_known, NULL,
                        why, sizeof why))
    return rp_error_set(RP_EINVALID_VALUE, key, "%s", why);
  *out = json_string_value(v);
  return 0;
}

/* POST /api/v1/messages {contact_id, channel, subject, body}: queues one
 * message now (the sender delivers it within a second or so); 201 with it,
 * status queued, or suppressed with the reason (an opted-out contact, no
 * phone or email). The body may use the template variables. */
int rp_h_messages_create(rp_req *r) {
  static const char *const keys[] = {"contact_id", "channel", "subject", "body"};
  json_t *body = NULL;
  rp_contact c;
  rp_lifecycle lc;
  rp_user agent;
  rp_message m;
  const char *subject, *text;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = check_keys(body, keys, 4)) || (rc = body_contact(r, body, &c))) goto cleanup;
  const char *channel = json_string_value(json_object_get(body, "channel"));
  if (!json_object_get(body, "channel")) {
    rc = rp_error_set(RP_EVALIDATION, "channel", "is required");
    goto cleanup;
  }
  if (!channel || (strcmp(channel, "sms") && strcmp(channel, "email"))) {
    rc = rp_error_set(RP_EINVALID_VALUE, "channel", "must be one of: email, sms");
    goto cleanup;
  }
  bool email = !strcmp(channel, "email");
  if ((rc = body_template(body, "subject", email, &subject)) ||
      (rc = body_template(body, "body", true, &text)))
    goto cleanup;
  if (!email && subject) {
    rc = rp_error_set(RP_EINVALID_VALUE, "subject", "an SMS has no subject");
    goto cleanup;
  }
  if ((rc = rp_req_lifecycle(r, &lc))) goto cleanup;
  if ((rc = rp_messages_agent(&agent, &lc, &c, r->auth.user_id))) goto cleanup;
  /* sent on behalf of the user who asks, when it is a user */
  if (r->auth.user_id[0]) {
    rp_user me;
    if (!rp_store_user_get(r->store, &r->arena, &me, r->auth.account_id, r->auth.user_id))
      agent = me;
  }
  rp_compose cm = {.channel = channel, .subject_tpl = subject, .body_tpl = text, .step = -1};
  if ((rc = rp_messages_compose(&m, &lc, &c, &agent, &cm))) goto cleanup;
  rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/messages/%s", m.id));
  rp_resp_json(r, 201, message_json(&m));
cleanup:
  json_decref(body);
  return rc;
}

/* ---- preview ---- */

/* POST /api/v1/workflows/preview {template, subject?, contact_id} ->
 * {text, subject}: a message template rendered for one contact as a
 * workflow step renders it when it runs (jobs/messages.c: the contact's
 * fields, the agent the message would go out for, the account's name),
 * nothing stored. The templates are checked as a workflow's are on save
 * (an unknown variable is 400 naming "template" or "subject"); a contact
 * the caller does not see is 404. {{unsubscribe_url}} is made per message
 * when one is queued, so a preview leaves it empty. The route has no
 * transaction: the handler opens a read one (a preview writes nothing). */
int rp_h_workflows_preview(rp_req *r) {
  static const char *const keys[] = {"template", "subject", "contact_id"};
  json_t *body = NULL;
  const char *tpl, *subject_tpl;
  bool txn = false;
  rp_contact c;
  rp_lifecycle lc;
  rp_user agent;
  char *text = NULL, *subject = NULL;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = check_keys(body, keys, 3)) || (rc = body_template(body, "template", true, &tpl)) ||
      (rc = body_template(body, "subject", false, &subject_tpl)))
    goto cleanup;
  if (subject_tpl && strpbrk(subject_tpl, "\r\n")) {
    rc = rp_error_set(RP_EINVALID_VALUE, "subject", "must be one line");
    goto cleanup;
  }
  const json_t *id = json_object_get(body, "contact_id");
  if (!id || json_is_null(id)) {
    rc = rp_error_set(RP_EVALIDATION, "contact_id", "is required");
    goto cleanup;
  }
  if (!json_is_string(id) || !rp_uuid_valid(json_string_value(id), json_string_length(id))) {
    rc = rp_error_set(RP_EINVALID_VALUE, "contact_id", "must be a contact id");
    goto cleanup;
  }
  if (!r->store) {
    rc = rp_error_set(RP_EINTERNAL, NULL, "the database cannot be opened");
    goto cleanup;
  }
  if ((rc = rp_store_begin(r->store, false))) goto cleanup;
  txn = true;
  if ((rc = rp_req_contact_get(r, &c, json_string_value(id)))) {
    if (rc == RP_ENOTFOUND) rc = rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
    goto cleanup;
  }
  if ((rc = rp_req_lifecycle(r, &lc)) ||
      (rc = rp_messages_agent(&agent, &lc, &c, r->auth.user_id)) ||
      (rc = rp_messages_render(&text, &lc, &c, &agent, tpl)) ||
      (rc = rp_messages_render(&subject, &lc, &c, &agent, subject_tpl)))
    goto cleanup;
  rp_resp_json(r, 200,
               json_pack("{s:s, s:o}", "text", text ? text : "", "subject", str_json(subject)));
cleanup:
  if (txn) rp_store_rollback(r->store);
  json_decref(body);
  return rc;
}
