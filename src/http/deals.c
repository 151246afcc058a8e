/* deals.c: the deals API (API.md Deals): /api/v1/properties (listings) and
 * /api/v1/transactions: create, get, merge-patch, delete, list. Every write
 * runs the lifecycle rules (DOMAIN.md L4-L7, S) for the contacts whose deal
 * counts it changed, in the request's transaction (M4). JSON mapping and
 * validation live in deal_json.c, the events in core/deal_events.c. */
#include <stdio.h>
#include <string.h>

#include "core/deal_events.h"
#include "http/contact_json.h"
#include "http/deal_json.h"
#include "http/handlers.h"
#include "jobs/lifecycle.h"
#include "util/error.h"
#include "util/uuid.h"

static const char *id_param(rp_req *r) { return r->n_params ? r->params[0] : ""; }

/* The store answers not_found, naming the field, for a contacts[i].contact_id
 * or property_id that names nothing in the account: the body is at fault
 * (400). A not_found without a field is the deal itself (404). */
static int body_ref_error(int rc) {
  if (rc != RP_ENOTFOUND) return rc;
  const rp_error *e = rp_error_last();
  if (!e->field[0]) return rc;
  char field[sizeof e->field];
  snprintf(field, sizeof field, "%s", e->field);
  if (strcmp(field, "property_id") == 0)
    return rp_error_set(RP_EINVALID_VALUE, field, "names no property of this account");
  return rp_error_set(RP_EINVALID_VALUE, field, "names no contact of this account");
}

/* Runs the rules for the events of one deal write (core/deal_events.h) and
 * refreshes each contact's derived fields. */
static int run_rules(rp_req *r, const rp_deal_side *before, const rp_deal_side *after) {
  size_t cap = (before->exists ? before->n_parties : 0) + (after->exists ? after->n_parties : 0);
  if (!cap) return 0;
  rp_deal_event *ev = rp_arena_alloc(&r->arena, cap * sizeof *ev);
  size_t n = rp_deal_events(before, after, ev);
  if (!n) return 0;
  rp_lifecycle lc;
  int rc = rp_lifecycle_init(&lc, r->store, &r->arena, r->auth.account_id, r->auth.user_id, r->now);
  for (size_t i = 0; i < n && !rc; i++) {
    rc = rp_lifecycle_event(&lc, ev[i].contact_id, &ev[i].event);
    if (!rc) rc = rp_lifecycle_refresh(&lc, ev[i].contact_id, NULL);
  }
  return rc;
}

static rp_deal_side property_side(const rp_property *p) {
  if (!p) return (rp_deal_side){.exists = false};
  return (rp_deal_side){true, rp_property_state(p->status), p->close_date, p->contacts,
                        p->n_contacts};
}

static rp_deal_side transaction_side(const rp_transaction *t) {
  if (!t) return (rp_deal_side){.exists = false};
  return (rp_deal_side){true, rp_tx_state(t->status), t->close_date, t->contacts, t->n_contacts};
}

/* Answers with the whole object, its ETag, and Location on create. */
static void answer(rp_req *r, int status, const char *base, const char *id, int64_t version,
                   json_t *obj) {
  rp_contacts_etag(r, version);
  if (status == 201) rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "%s/%s", base, id));
  rp_resp_json(r, status, obj);
}

/* The merge patch of API.md over cur (as rendered): read-only keys pass
 * only with their current value and are then dropped; `contacts`, an
 * array, is replaced as a whole. *merged is the caller's. */
static int merge(rp_req *r, json_t *cur, json_t **merged) {
  json_t *patch = NULL;
  *merged = cur;
  int rc = rp_req_json_object(r, &patch);
  if (rc) goto cleanup;
  if ((rc = rp_json_check_readonly(patch, cur, rp_deal_key_readonly))) goto cleanup;
  *merged = rp_json_merge_patch(cur, patch);
  const char *k;
  json_t *v;
  void *tmp;
  json_object_foreach_safe(*merged, tmp, k, v) {
    if (rp_deal_key_readonly(k)) json_object_del(*merged, k);
  }
cleanup:
  json_decref(patch);
  return rc;
}

/* ---- list arguments ---- */

/* ?status= as a comma list of the kind's enum. */
static int status_mask(rp_req *r, int count, const char *(*name)(int), unsigned *mask) {
  const char *s = rp_req_query(r, "status");
  *mask = 0;
  if (!s) return 0;
  while (1) {
    size_t n = strcspn(s, ",");
    int v = 0;
    while (v < count && (strlen(name(v)) != n || strncmp(name(v), s, n) != 0))
      v++;
    if (n == 0 || v == count) break;
    *mask |= 1u << v;
    if (!s[n]) return 0;
    s += n + 1;
  }
  char list[200];
  size_t off = 0;
  list[0] = '\0';
  for (int i = 0; i < count && off < sizeof list; i++)
    off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", name(i));
  return rp_error_set(RP_EINVALID_VALUE, "status", "status must be a comma list of: %s", list);
}

static const char *prop_status_i(int v) { return rp_property_status_name((rp_property_status)v); }
static const char *tx_status_i(int v) { return rp_tx_status_name((rp_tx_status)v); }

/* The query of a deal list: status, contact_id, limit, cursor, count. */
static int list_query(rp_req *r, rp_deal_query *q, int count, const char *(*name)(int)) {
  const char *s;
  int rc;
  memset(q, 0, sizeof *q);
  q->account_id = r->auth.account_id;
  if ((rc = status_mask(r, count, name, &q->status_mask))) return rc;
  if ((s = rp_req_query(r, "contact_id"))) {
    if (!rp_uuid_valid(s, strlen(s)))
      return rp_error_set(RP_EINVALID_VALUE, "contact_id", "contact_id must be a contact id");
    char *id = rp_arena_strdup(&r->arena, s);
    for (char *c = id; *c; c++)
      if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    q->contact_id = id;
  }
  if ((rc = rp_req_limit(r, &q->limit)) || (rc = rp_req_bool(r, "count", false, &q->count)))
    return rc;
  if ((s = rp_req_query(r, "cursor"))) {
    if (!*s)
      return rp_error_set(RP_EINVALID_VALUE, "cursor", "cursor is not a cursor of this list");
    q->cursor = s;
  }
  return 0;
}

static void answer_list(rp_req *r, json_t *items, const char *next, bool count, int64_t total) {
  json_t *o = json_object();
  json_object_set_new(o, "items", items);
  json_object_set_new(o, "next_cursor", next ? json_string(next) : json_null());
  if (count) json_object_set_new(o, "total", json_integer(total));
  rp_resp_json(r, 200, o);
}

/* ---- properties ---- */

#define PROPERTIES "/api/v1/properties"
#define TRANSACTIONS "/api/v1/transactions"

/* POST /api/v1/properties: status defaults to active; a closed one without
 * close_date closes today. Parties become clients (L4) or, for a deal
 * created closed, get their closing (L5, L6). */
int rp_h_properties_create(rp_req *r) {
  json_t *body = NULL;
  rp_property p;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_property_from_json(&p, body, r->now, &r->arena))) goto cleanup;
  snprintf(p.account_id, sizeof p.account_id, "%s", r->auth.account_id);
  p.id[0] = '\0';
  p.created_at = p.updated_at = r->now;
  if ((rc = rp_store_property_create(r->store, &p))) {
    rc = body_ref_error(rc);
    goto cleanup;
  }
  rp_deal_side before = property_side(NULL), after = property_side(&p);
  if ((rc = run_rules(r, &before, &after))) goto cleanup;
  answer(r, 201, PROPERTIES, p.id, p.version, rp_property_to_json(&p));
cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/properties/:id */
int rp_h_properties_get(rp_req *r) {
  rp_property p;
  int rc = rp_store_property_get(r->store, &r->arena, &p, r->auth.account_id, id_param(r));
  if (rc) return rc;
  answer(r, 200, PROPERTIES, p.id, p.version, rp_property_to_json(&p));
  return 0;
}

/* PATCH /api/v1/properties/:id: RFC 7396 merge patch (contacts replaced as
 * a whole), If-Match honoured; the rules run for every contact whose part
 * in an open, closed or dead deal changed. */
int rp_h_properties_patch(rp_req *r) {
  json_t *merged = NULL;
  rp_property cur, n;
  int rc = rp_store_property_get(r->store, &r->arena, &cur, r->auth.account_id, id_param(r));
  if (rc) goto cleanup;
  if ((rc = rp_contacts_if_match(r, cur.version))) goto cleanup;
  if ((rc = merge(r, rp_property_to_json(&cur), &merged))) goto cleanup;
  if ((rc = rp_property_from_json(&n, merged, r->now, &r->arena))) goto cleanup;
  memcpy(n.id, cur.id, sizeof n.id);
  memcpy(n.account_id, cur.account_id, sizeof n.account_id);
  n.version = cur.version;
  n.created_at = cur.created_at;
  n.updated_at = r->now;
  if ((rc = rp_store_property_update(r->store, &n))) {
    rc = body_ref_error(rc);
    goto cleanup;
  }
  rp_deal_side before = property_side(&cur), after = property_side(&n);
  if ((rc = run_rules(r, &before, &after))) goto cleanup;
  answer(r, 200, PROPERTIES, n.id, n.version, rp_property_to_json(&n));
cleanup:
  json_decref(merged);
  return rc;
}

/* DELETE /api/v1/properties/:id: 204. Transactions naming it keep no
 * property; the parties of an open one lose it (L5). */
int rp_h_properties_delete(rp_req *r) {
  rp_property cur;
  int rc = rp_store_property_get(r->store, &r->arena, &cur, r->auth.account_id, id_param(r));
  if (rc) return rc;
  if ((rc = rp_contacts_if_match(r, cur.version))) return rc;
  if ((rc = rp_store_property_delete(r->store, r->auth.account_id, cur.id))) return rc;
  rp_deal_side before = property_side(&cur), after = property_side(NULL);
  if ((rc = run_rules(r, &before, &after))) return rc;
  rp_resp_empty(r, 204);
  return 0;
}

/* GET /api/v1/properties?status=&contact_id=&limit=&cursor=&count= */
int rp_h_properties_list(rp_req *r) {
  rp_deal_query q;
  rp_property *items = NULL;
  size_t n = 0;
  char *next = NULL;
  int64_t total = 0;
  int rc = list_query(r, &q, RP_PROP_COUNT, prop_status_i);
  if (rc) return rc;
  if ((rc = rp_store_property_list(r->store, &r->arena, &q, &items, &n, &next, &total))) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, rp_property_to_json(&items[i]));
  answer_list(r, arr, next, q.count, total);
  return 0;
}

/* ---- transactions ---- */

/* POST /api/v1/transactions: status defaults to pending; property_id, when
 * given, must be a property of the account. */
int rp_h_transactions_create(rp_req *r) {
  json_t *body = NULL;
  rp_transaction t;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_transaction_from_json(&t, body, r->now, &r->arena))) goto cleanup;
  snprintf(t.account_id, sizeof t.account_id, "%s", r->auth.account_id);
  t.id[0] = '\0';
  t.created_at = t.updated_at = r->now;
  if ((rc = rp_store_transaction_create(r->store, &t))) {
    rc = body_ref_error(rc);
    goto cleanup;
  }
  rp_deal_side before = transaction_side(NULL), after = transaction_side(&t);
  if ((rc = run_rules(r, &before, &after))) goto cleanup;
  answer(r, 201, TRANSACTIONS, t.id, t.version, rp_transaction_to_json(&t));
cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/transactions/:id */
int rp_h_transactions_get(rp_req *r) {
  rp_transaction t;
  int rc = rp_store_transaction_get(r->store, &r->arena, &t, r->auth.account_id, id_param(r));
  if (rc) return rc;
  answer(r, 200, TRANSACTIONS, t.id, t.version, rp_transaction_to_json(&t));
  return 0;
}

/* PATCH /api/v1/transactions/:id: as for properties. */
int rp_h_transactions_patch(rp_req *r) {
  json_t *merged = NULL;
  rp_transaction cur, n;
  int rc = rp_store_transaction_get(r->store, &r->arena, &cur, r->auth.account_id, id_param(r));
  if (rc) goto cleanup;
  if ((rc = rp_contacts_if_match(r, cur.version))) goto cleanup;
  if ((rc = merge(r, rp_transaction_to_json(&cur), &merged))) goto cleanup;
  if ((rc = rp_transaction_from_json(&n, merged, r->now, &r->arena))) goto cleanup;
  memcpy(n.id, cur.id, sizeof n.id);
  memcpy(n.account_id, cur.account_id, sizeof n.account_id);
  n.version = cur.version;
  n.created_at = cur.created_at;
  n.updated_at = r->now;
  if ((rc = rp_store_transaction_update(r->store, &n))) {
    rc = body_ref_error(rc);
    goto cleanup;
  }
  rp_deal_side before = transaction_side(&cur), after = transaction_side(&n);
  if ((rc = run_rules(r, &before, &after))) goto cleanup;
  answer(r, 200, TRANSACTIONS, n.id, n.version, rp_transaction_to_json(&n));
cleanup:
  json_decref(merged);
  return rc;
}

/* DELETE /api/v1/transactions/:id: 204. */
int rp_h_transactions_delete(rp_req *r) {
  rp_transaction cur;
  int rc = rp_store_transaction_get(r->store, &r->arena, &cur, r->auth.account_id, id_param(r));
  if (rc) return rc;
  if ((rc = rp_contacts_if_match(r, cur.version))) return rc;
  if ((rc = rp_store_transaction_delete(r->store, r->auth.account_id, cur.id))) return rc;
  rp_deal_side before = transaction_side(&cur), after = transaction_side(NULL);
  if ((rc = run_rules(r, &before, &after))) return rc;
  rp_resp_empty(r, 204);
  return 0;
}

/* GET /api/v1/transactions?status=&contact_id=&limit=&cursor=&count= */
int rp_h_transactions_list(rp_req *r) {
  rp_deal_query q;
  rp_transaction *items = NULL;
  size_t n = 0;
  char *next = NULL;
  int64_t total = 0;
  int rc = list_query(r, &q, RP_TX_COUNT, tx_status_i);
  if (rc) return rc;
  if ((rc = rp_store_transaction_list(r->store, &r->arena, &q, &items, &n, &next, &total)))
    return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, rp_transaction_to_json(&items[i]));
  answer_list(r, arr, next, q.count, total);
  return 0;
}
