/* timeline.c: GET /api/v1/contacts/:id/timeline (API.md Contacts): the
 * contact's activities, deals (properties and transactions) and history
 * rows, newest first. Messages and tasks join when they exist (issue 6). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/contact_json.h"
#include "http/deal_json.h"
#include "http/handlers.h"
#include "util/error.h"

#define TIMELINE_ACTIVITIES_MAX 500 /* the newest activities considered */
#define TIMELINE_DEALS_MAX 2000     /* deals of each kind considered */

typedef enum { T_ACTIVITY, T_PROPERTY, T_TRANSACTION, T_HISTORY } item_type;

static const char *const type_names[] = {"activity", "property", "transaction", "history"};

typedef struct item {
  item_type type;
  rp_time at;
  const char *id; /* tie-breaker: UUIDv7 ids grow with time */
  const void *obj;
} item;

/* Newest first; at one time, the later id first, then by type. */
static int newest_first(const void *pa, const void *pb) {
  const item *a = pa, *b = pb;
  if (a->at != b->at) return a->at < b->at ? 1 : -1;
  int c = strcmp(b->id, a->id);
  if (c) return c;
  return (int)a->type - (int)b->type;
}

typedef struct items {
  item *v;
  size_t n, cap;
  rp_time before; /* 0: no bound */
  rp_arena *ar;
} items;

static void push(items *l, item_type type, rp_time at, const char *id, const void *obj) {
  if (l->before && at >= l->before) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    item *v = rp_arena_alloc(l->ar, cap * sizeof *v);
    if (l->n) memcpy(v, l->v, l->n * sizeof *v);
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = (item){type, at, id, obj};
}

/* Every deal of one kind the contact is party to, page after page. */
static int gather_properties(rp_req *r, const char *contact_id, items *l) {
  rp_deal_query q = {.account_id = r->auth.account_id, .contact_id = contact_id, .limit = 500};
  size_t seen = 0;
  do {
    rp_property *ps = NULL;
    size_t n = 0;
    char *next = NULL;
    int64_t total = 0;
    int rc = rp_store_property_list(r->store, &r->arena, &q, &ps, &n, &next, &total);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++)
      push(l, T_PROPERTY, rp_property_timeline_at(&ps[i]), ps[i].id, &ps[i]);
    seen += n;
    q.cursor = next;
  } while (q.cursor && seen < TIMELINE_DEALS_MAX);
  return 0;
}

static int gather_transactions(rp_req *r, const char *contact_id, items *l) {
  rp_deal_query q = {.account_id = r->auth.account_id, .contact_id = contact_id, .limit = 500};
  size_t seen = 0;
  do {
    rp_transaction *ts = NULL;
    size_t n = 0;
    char *next = NULL;
    int64_t total = 0;
    int rc = rp_store_transaction_list(r->store, &r->arena, &q, &ts, &n, &next, &total);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++)
      push(l, T_TRANSACTION, rp_transaction_timeline_at(&ts[i]), ts[i].id, &ts[i]);
    seen += n;
    q.cursor = next;
  } while (q.cursor && seen < TIMELINE_DEALS_MAX);
  return 0;
}

static json_t *render(const item *it) {
  json_t *o = json_object(), *obj = NULL;
  char at[21];
  switch (it->type) {
  case T_ACTIVITY: obj = rp_activity_to_json(it->obj); break;
  case T_PROPERTY: obj = rp_property_to_json(it->obj); break;
  case T_TRANSACTION: obj = rp_transaction_to_json(it->obj); break;
  case T_HISTORY: obj = rp_history_to_json(it->obj); break;
  }
  json_object_set_new(o, "type", json_string(type_names[it->type]));
  json_object_set_new(o, "at", json_string(rp_time_format(it->at, at)));
  json_object_set_new(o, type_names[it->type], obj);
  return o;
}

/* GET /api/v1/contacts/:id/timeline?limit=&before=: {items: [{type, at,
 * <type>: {...}}], next_before}, newest first; before (RFC 3339) keeps only
 * items strictly older, for paging, and next_before is the value that
 * gives the next page (null on the last one). A deal is placed at its close
 * date when closed, else at its creation. 404 for another account's
 * contact. */
int rp_h_contacts_timeline(rp_req *r) {
  rp_contact c;
  items l = {.ar = &r->arena};
  int limit, rc;
  if ((rc = rp_req_limit(r, &limit))) return rc;
  const char *s = rp_req_query(r, "before");
  if (s && rp_time_parse(&l.before, s, strlen(s)) != 0)
    return rp_error_set(RP_EINVALID_VALUE, "before",
                        "before must be an RFC 3339 time such as 2026-11-24T14:05:00Z");
  if ((rc = rp_req_contact_get(r, &c, r->n_params ? r->params[0] : "")))
    return rc;
  rp_activity_query aq = {.account_id = r->auth.account_id,
                          .contact_id = c.id,
                          .to = l.before ? l.before - 1 : 0,
                          .limit = TIMELINE_ACTIVITIES_MAX};
  rp_activity *acts = NULL;
  size_t n_acts = 0;
  char *next = NULL;
  int64_t total = 0;
  if ((rc = rp_store_activity_list(r->store, &r->arena, &aq, &acts, &n_acts, &next, &total)))
    return rc;
  for (size_t i = 0; i < n_acts; i++)
    push(&l, T_ACTIVITY, acts[i].occurred_at, acts[i].id, &acts[i]);
  if ((rc = gather_properties(r, c.id, &l)) || (rc = gather_transactions(r, c.id, &l))) return rc;
  rp_history *hist = NULL;
  size_t n_hist = 0;
  if ((rc = rp_store_history_list(r->store, &r->arena, r->auth.account_id, c.id, &hist, &n_hist)))
    return rc;
  for (size_t i = 0; i < n_hist; i++)
    push(&l, T_HISTORY, hist[i].at, hist[i].id, &hist[i]);
  if (l.n) qsort(l.v, l.n, sizeof *l.v, newest_first);
  /* A page never splits the items of one second (the history rows of one
   * write share it): paging on with before=<at of the last item> would skip
   * the rest. The last group is left for the next page, unless it is the
   * only one, which then comes whole. */
  size_t take = l.n < (size_t)limit ? l.n : (size_t)limit;
  if (take < l.n) {
    size_t cut = take;
    while (cut > 0 && l.v[cut - 1].at == l.v[take].at)
      cut--;
    if (cut > 0)
      take = cut;
    else
      while (take < l.n && l.v[take].at == l.v[take - 1].at)
        take++;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < take; i++)
    json_array_append_new(arr, render(&l.v[i]));
  json_t *o = json_object();
  json_object_set_new(o, "items", arr);
  char at[21];
  bool more = take < l.n || next != NULL;
  json_object_set_new(o, "next_before",
                      more && take ? json_string(rp_time_format(l.v[take - 1].at, at))
                                   : json_null());
  rp_resp_json(r, 200, o);
  return 0;
}
