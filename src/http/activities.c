/* activities.c: the activities API (API.md Activities). Every write runs
 * the rules for the contact(s) it touched (DOMAIN.md L2, L3) and refreshes
 * their derived fields (last touch, overdue), through the lifecycle. */
#include <stdio.h>
#include <string.h>

#include "core/contact.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/lifecycle.h"
#include "util/error.h"

static const char *id_param(rp_req *r) { return r->n_params ? r->params[0] : ""; }

/* contact_id must name a contact of the account; the store's not_found is
 * the body's fault (400 on field contact_id). */
static int check_contact(rp_req *r, const char *contact_id) {
  rp_contact c;
  int rc = rp_req_contact_get(r, &c, contact_id);
  if (rc == RP_ENOTFOUND)
    return rp_error_set(RP_EINVALID_VALUE, "contact_id", "names no contact of this account");
  return rc;
}

/* Runs the rules for an activity that happened (a planned one, in the
 * future, has not yet) and refreshes its contact. */
static int after_write(rp_req *r, rp_lifecycle *lc, const rp_activity *a) {
  int rc;
  if (a->occurred_at <= r->now) {
    rp_rule_event e = {
        .kind = RP_EVENT_ACTIVITY, .activity_kind = a->kind, .direction = a->direction};
    if ((rc = rp_lifecycle_event(lc, a->contact_id, &e))) return rc;
  }
  return rp_lifecycle_refresh(lc, a->contact_id, NULL);
}

/* An activity the caller may see: of the account, and of a contact the
 * caller sees (an agent's view is its own contacts and the team's). */
static int get_visible(rp_req *r, rp_activity *out) {
  rp_contact c;
  int rc = rp_store_activity_get(r->store, &r->arena, out, r->auth.account_id, id_param(r));
  if (rc) return rc;
  if (rp_req_visible_to(r) && rp_req_contact_get(r, &c, out->contact_id) == RP_ENOTFOUND)
    return rp_error_set(RP_ENOTFOUND, NULL, "no such activity");
  return 0;
}

static void answer(rp_req *r, int status, const rp_activity *a) {
  rp_contacts_etag(r, a->version);
  if (status == 201)
    rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/activities/%s", a->id));
  rp_resp_json(r, status, rp_activity_to_json(a));
}

/* POST /api/v1/activities */
int rp_h_activities_create(rp_req *r) {
  json_t *body = NULL;
  rp_activity a;
  rp_lifecycle lc;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_activity_from_json(&a, body, r->now, &r->arena))) goto cleanup;
  if ((rc = check_contact(r, a.contact_id))) goto cleanup;
  snprintf(a.account_id, sizeof a.account_id, "%s", r->auth.account_id);
  a.id[0] = '\0';
  a.owner_id = r->auth.user_id[0] ? r->auth.user_id : NULL;
  a.created_at = a.updated_at = r->now;
  if ((rc = rp_req_lifecycle(r, &lc))) goto cleanup;
  if ((rc = rp_lifecycle_record_activity(&lc, &a))) {
    if (rc == RP_ENOTFOUND)
      rc = rp_error_set(RP_EINVALID_VALUE, "contact_id", "names no contact of this account");
    goto cleanup;
  }
  answer(r, 201, &a);
cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/activities/:id */
int rp_h_activities_get(rp_req *r) {
  rp_activity a;
  int rc = get_visible(r, &a);
  if (rc) return rc;
  answer(r, 200, &a);
  return 0;
}

/* PATCH /api/v1/activities/:id: RFC 7396 merge patch over the current JSON,
 * validated as on create; moving it to another contact refreshes both. */
int rp_h_activities_patch(rp_req *r) {
  json_t *patch = NULL, *merged = NULL;
  rp_activity cur, n;
  rp_lifecycle lc;
  int rc = get_visible(r, &cur);
  if (rc) goto cleanup;
  if ((rc = rp_contacts_if_match(r, cur.version))) goto cleanup;
  if ((rc = rp_req_json_object(r, &patch))) goto cleanup;
  merged = rp_activity_to_json(&cur);
  if ((rc = rp_json_check_readonly(patch, merged, rp_activity_key_readonly))) goto cleanup;
  merged = rp_json_merge_patch(merged, patch);
  {
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(merged, tmp, k, v) {
      if (rp_activity_key_readonly(k)) json_object_del(merged, k);
    }
  }
  if ((rc = rp_activity_from_json(&n, merged, r->now, &r->arena))) goto cleanup;
  if (strcmp(n.contact_id, cur.contact_id) != 0 && (rc = check_contact(r, n.contact_id)))
    goto cleanup;
  memcpy(n.id, cur.id, sizeof n.id);
  memcpy(n.account_id, cur.account_id, sizeof n.account_id);
  n.version = cur.version;
  n.owner_id = cur.owner_id;
  n.created_at = cur.created_at;
  n.updated_at = r->now;
  if ((rc = rp_store_activity_update(r->store, &n, rp_activity_is_two_way(&n)))) {
    if (rc == RP_ENOTFOUND && strcmp(n.contact_id, cur.contact_id) != 0)
      rc = rp_error_set(RP_EINVALID_VALUE, "contact_id", "names no contact of this account");
    goto cleanup;
  }
  if ((rc = rp_req_lifecycle(r, &lc)) || (rc = after_write(r, &lc, &n))) goto cleanup;
  if (strcmp(n.contact_id, cur.contact_id) != 0 &&
      (rc = rp_lifecycle_refresh(&lc, cur.contact_id, NULL)))
    goto cleanup;
  answer(r, 200, &n);
cleanup:
  json_decref(patch);
  json_decref(merged);
  return rc;
}

/* DELETE /api/v1/activities/:id: 204; the contact's last touch is
 * recomputed without it. */
int rp_h_activities_delete(rp_req *r) {
  rp_activity cur;
  int rc = get_visible(r, &cur);
  if (rc) return rc;
  if ((rc = rp_contacts_if_match(r, cur.version))) return rc;
  rp_lifecycle lc;
  if ((rc = rp_store_activity_delete(r->store, r->auth.account_id, cur.id)) ||
      (rc = rp_req_lifecycle(r, &lc)) || (rc = rp_lifecycle_refresh(&lc, cur.contact_id, NULL)))
    return rc;
  rp_resp_empty(r, 204);
  return 0;
}

static int time_arg(rp_req *r, const char *key, rp_time *out) {
  const char *s = rp_req_query(r, key);
  *out = 0;
  if (!s) return 0;
  if (rp_time_parse(out, s, strlen(s)) != 0)
    return rp_error_set(RP_EINVALID_VALUE, key,
                        "%s must be an RFC 3339 time such as 2026-11-24T14:05:00Z", key);
  return 0;
}

/* GET /api/v1/activities?contact_id=&kind=&from=&to=: newest first. */
int rp_h_activities_list(rp_req *r) {
  rp_activity_query q = {0};
  rp_activity *items = NULL;
  size_t n = 0;
  char *next = NULL;
  int64_t total = 0;
  int rc;
  q.account_id = r->auth.account_id;
  q.visible_to = rp_req_visible_to(r);
  const char *s;
  if ((s = rp_req_query(r, "contact_id")) && *s) q.contact_id = s;
  if ((s = rp_req_query(r, "kind"))) {
    while (1) {
      size_t len = strcspn(s, ",");
      char item[16];
      rp_activity_kind k;
      if (len == 0 || len >= sizeof item) goto bad_kind;
      memcpy(item, s, len);
      item[len] = '\0';
      if (rp_kind_parse(&k, item) != 0) goto bad_kind;
      q.kind_mask |= 1u << k;
      if (!s[len]) break;
      s += len + 1;
    }
  }
  if ((rc = time_arg(r, "from", &q.from)) || (rc = time_arg(r, "to", &q.to)) ||
      (rc = rp_req_limit(r, &q.limit)) || (rc = rp_req_bool(r, "count", false, &q.count)))
    return rc;
  if (q.from && q.to && q.from > q.to)
    return rp_error_set(RP_EINVALID_VALUE, "from", "from must not be after to");
  if ((s = rp_req_query(r, "cursor"))) {
    if (!*s)
      return rp_error_set(RP_EINVALID_VALUE, "cursor", "cursor is not a cursor of this list");
    q.cursor = s;
  }
  if ((rc = rp_store_activity_list(r->store, &r->arena, &q, &items, &n, &next, &total))) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, rp_activity_to_json(&items[i]));
  json_t *o = json_object();
  json_object_set_new(o, "items", arr);
  json_object_set_new(o, "next_cursor", next ? json_string(next) : json_null());
  if (q.count) json_object_set_new(o, "total", json_integer(total));
  rp_resp_json(r, 200, o);
  return 0;
bad_kind:
  return rp_error_set(RP_EINVALID_VALUE, "kind",
                      "kind must be a comma list of: email, sms, call, social, meeting, visit, "
                      "meal, party, card, note, web");
}
