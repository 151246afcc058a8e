/* contacts.c: the contacts API (API.md Contacts): create, get, merge-patch,
 * archive or purge, list with filters, change history; plus the shared
 * "refresh derived fields" step every contact and activity write ends with.
 * JSON mapping and validation live in contact_json.c. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "core/phone.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/lifecycle.h"
#include "jobs/workflows.h"
#include "util/error.h"

/* ---- shared helpers ---- */

void rp_contact_fill_overdue(rp_contact *c, rp_time now) {
  rp_time due = rp_contact_overdue_at(c, c->last_touch_at);
  c->overdue = due != 0 && due <= now;
}

const char *rp_req_visible_to(rp_req *r) {
  return r->auth.role == RP_ROLE_AGENT || r->auth.role == RP_ROLE_ASSISTANT ? r->auth.user_id
                                                                            : NULL;
}

int rp_req_contact_get(rp_req *r, rp_contact *out, const char *id) {
  int rc = rp_store_contact_get(r->store, &r->arena, out, r->auth.account_id, id);
  if (rc) return rc;
  const char *me = rp_req_visible_to(r);
  if (me && out->owner_id && strcmp(out->owner_id, me) != 0)
    return rp_error_set(RP_ENOTFOUND, NULL, "no such contact");
  return 0;
}

int rp_req_lifecycle(rp_req *r, rp_lifecycle *lc) {
  return rp_lifecycle_init(lc, r->store, &r->arena, r->auth.account_id, r->auth.user_id, r->now);
}

/* True when tag t (lower-cased) is in c's tags. */
static bool same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_tags(const rp_contact *a, const rp_contact *b) {
  if (a->n_tags != b->n_tags) return false;
  for (size_t i = 0; i < a->n_tags; i++)
    if (!rp_contact_has_tag(b, a->tags[i])) return false;
  return true;
}

/* The rule event of a write that changed `was` into `now` (DOMAIN.md L2
 * "tagged buyer or seller", "stage set to know by hand", L3, M1); *any is
 * false when nothing the rules read changed. */
static rp_rule_event field_event(const rp_contact *was, const rp_contact *now, bool *any) {
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED};
  if (was->status != now->status) e.fields |= RP_FIELD_STATUS;
  if (was->stage != now->stage) e.fields |= RP_FIELD_STAGE;
  if (was->category != now->category) e.fields |= RP_FIELD_CATEGORY;
  if (was->type != now->type) e.fields |= RP_FIELD_TYPE;
  if (was->intent != now->intent) e.fields |= RP_FIELD_INTENT;
  if (!same_str(was->timeframe, now->timeframe)) e.fields |= RP_FIELD_TIMEFRAME;
  if (!same_tags(was, now)) e.fields |= RP_FIELD_TAGS;
  e.tagged_buyer_seller = (rp_contact_has_tag(now, "buyer") && !rp_contact_has_tag(was, "buyer")) ||
                          (rp_contact_has_tag(now, "seller") && !rp_contact_has_tag(was, "seller"));
  *any = e.fields != 0;
  return e;
}

/* Starts the workflows of tag_added for each tag `now` has and `was` had
 * not. */
static int tags_added(rp_lifecycle *lc, const rp_contact *was, const rp_contact *now) {
  for (size_t i = 0; i < now->n_tags; i++)
    if (!rp_contact_has_tag(was, now->tags[i])) {
      int rc = rp_workflows_event(lc, now->id, RP_WF_EV_TAG_ADDED, now->tags[i], NULL);
      if (rc) return rc;
    }
  return 0;
}

/* Reads one entity-tag of If-Match: 3, "3" or W/"3". */
static bool etag_version(const char *p, size_t n, int64_t *out) {
  while (n && isspace((unsigned char)p[0]))
    p++, n--;
  while (n && isspace((unsigned char)p[n - 1]))
    n--;
  if (n >= 2 && p[0] == 'W' && p[1] == '/') p += 2, n -= 2;
  if (n >= 2 && p[0] == '"' && p[n - 1] == '"') p++, n -= 2;
  if (n == 0 || n > 18) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return false;
    v = v * 10 + (p[i] - '0');
  }
  *out = v;
  return true;
}

int rp_contacts_if_match(rp_req *r, int64_t version) {
  const char *h = rp_req_header(r, "If-Match");
  if (!h) return 0;
  const char *p = h;
  while (*p == ' ' || *p == '\t')
    p++;
  if (strcmp(p, "*") == 0) return 0;
  bool match = false;
  while (*p) {
    size_t n = strcspn(p, ",");
    int64_t v;
    if (!etag_version(p, n, &v))
      return rp_error_set(RP_EINVALID_VALUE, "If-Match",
                          "If-Match must be a version such as \"3\"");
    if (v == version) match = true;
    p += n;
    if (*p == ',') p++;
  }
  if (!match)
    return rp_error_set(RP_EPRECONDITION, NULL, "the object changed: its version is now %lld",
                        (long long)version);
  return 0;
}

void rp_contacts_etag(rp_req *r, int64_t version) {
  rp_resp_header(r, "ETag", rp_arena_printf(&r->arena, "\"%lld\"", (long long)version));
}

/* ---- local helpers ---- */

/* Appends one history row (DOMAIN.md M3). */

/* The store answers not_found for a referred_by or owner_id that names
 * nothing in the account: the body is wrong, so it is a 400. */
static int body_ref_error(int rc) {
  if (rc != RP_ENOTFOUND) return rc;
  const rp_error *e = rp_error_last();
  char field[sizeof e->field];
  snprintf(field, sizeof field, "%s", e->field);
  if (strcmp(field, "owner_id") == 0)
    return rp_error_set(RP_EINVALID_VALUE, field, "names no user of this account");
  if (strcmp(field, "referred_by") == 0)
    return rp_error_set(RP_EINVALID_VALUE, field, "names no contact of this account");
  return rp_error_set(RP_EINVALID_VALUE, field[0] ? field : NULL, "names nothing in this account");
}

static const char *default_region(rp_req *r) {
  rp_account a;
  if (rp_store_account_get(r->store, &r->arena, &a, r->auth.account_id) != 0) return "US";
  return a.default_region && *a.default_region ? a.default_region : "US";
}

/* Answers with the whole contact, its ETag (and Location on create). */
static void answer(rp_req *r, int status, const rp_contact *c) {
  rp_contacts_etag(r, c->version);
  if (status == 201)
    rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/contacts/%s", c->id));
  rp_resp_json(r, status, rp_contact_to_json(c));
}

static const char *id_param(rp_req *r) { return r->n_params ? r->params[0] : ""; }

/* ---- handlers ---- */

/* POST /api/v1/contacts: validates the body (contact_json.c), owner and
 * known_since defaults, then creates it through the lifecycle (DOMAIN.md L1
 * and S1-S5 at creation, history rows M3, derived fields, workflows). */
int rp_h_contacts_create(rp_req *r) {
  json_t *body = NULL;
  rp_contact c, out;
  rp_contact_given given;
  rp_lifecycle lc;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  rc = rp_contact_from_json(&c, &given, body, default_region(r), &r->arena);
  if (rc) goto cleanup;
  if ((rc = rp_req_lifecycle(r, &lc))) goto cleanup;
  snprintf(c.account_id, sizeof c.account_id, "%s", r->auth.account_id);
  c.id[0] = '\0';
  if (!c.owner_id && r->auth.user_id[0]) c.owner_id = rp_arena_strdup(&r->arena, r->auth.user_id);
  if (!c.known_since) {
    char day[11];
    c.known_since = rp_arena_strdup(&r->arena, rp_date_format(r->now, day));
  }
  unsigned given_bits = (given.status ? RP_FIELD_STATUS : 0) | (given.stage ? RP_FIELD_STAGE : 0) |
                        (given.category ? RP_FIELD_CATEGORY : 0) | (given.type ? RP_FIELD_TYPE : 0);
  if ((rc = rp_lifecycle_create_contact(&lc, &c, given_bits, &out))) {
    rc = body_ref_error(rc);
    goto cleanup;
  }
  answer(r, 201, &out);
cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/contacts/:id */
int rp_h_contacts_get(rp_req *r) {
  rp_contact c;
  int rc = rp_req_contact_get(r, &c, id_param(r));
  if (rc) return rc;
  rp_contact_fill_overdue(&c, r->now);
  answer(r, 200, &c);
  return 0;
}

/* PATCH /api/v1/contacts/:id: RFC 7396 merge patch over the contact's
 * current JSON, validated as on create. Read-only keys pass only with their
 * current value. A hand change of status, stage, category or type is a
 * history row with rule "manual" (DOMAIN.md M1, M3); a status changed by hand
 * without a stage moves the stage by S1-S5. */
int rp_h_contacts_patch(rp_req *r) {
  json_t *patch = NULL, *merged = NULL;
  rp_contact cur, n, out;
  rp_contact_given given;
  rp_lifecycle lc;
  int rc = rp_req_contact_get(r, &cur, id_param(r));
  if (rc) goto cleanup;
  if ((rc = rp_contacts_if_match(r, cur.version))) goto cleanup;
  if ((rc = rp_req_lifecycle(r, &lc))) goto cleanup;
  if ((rc = rp_req_json_object(r, &patch))) goto cleanup;
  rp_contact_fill_overdue(&cur, r->now);
  merged = rp_contact_to_json(&cur);
  if ((rc = rp_json_check_readonly(patch, merged, rp_contact_key_readonly))) goto cleanup;
  merged = rp_json_merge_patch(merged, patch);
  {
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(merged, tmp, k, v) {
      if (rp_contact_key_readonly(k)) json_object_del(merged, k);
    }
  }
  if ((rc = rp_contact_from_json(&n, &given, merged, default_region(r), &r->arena))) goto cleanup;
  if (n.referred_by && strcmp(n.referred_by, cur.id) == 0) {
    rc = rp_error_set(RP_EINVALID_VALUE, "referred_by", "a contact cannot refer itself");
    goto cleanup;
  }
  /* what the client cannot write stays as stored */
  memcpy(n.id, cur.id, sizeof n.id);
  memcpy(n.account_id, cur.account_id, sizeof n.account_id);
  n.version = cur.version;
  n.referral_count = cur.referral_count;
  n.score = cur.score;
  n.last_touch_at = cur.last_touch_at;
  n.created_at = cur.created_at;
  n.archived_at = cur.archived_at;
  n.status_before_client = cur.status_before_client;
  n.updated_at = r->now;
  if (!n.known_since) {
    char day[11];
    n.known_since = rp_arena_strdup(&r->arena, rp_date_format(cur.created_at, day));
  }
  n.display_name = rp_contact_display_name(&r->arena, &n);
  if ((rc = rp_store_contact_update(r->store, &n))) {
    rc = body_ref_error(rc);
    goto cleanup;
  }
  if (n.status != cur.status &&
      (rc = rp_lifecycle_history(&lc, n.id, "status", rp_status_name(cur.status),
                                 rp_status_name(n.status), "manual")))
    goto cleanup;
  if (n.stage != cur.stage &&
      (rc = rp_lifecycle_history(&lc, n.id, "stage", rp_stage_name(cur.stage),
                                 rp_stage_name(n.stage), "manual")))
    goto cleanup;
  if (n.category != cur.category &&
      (rc = rp_lifecycle_history(&lc, n.id, "category", rp_category_name(cur.category),
                                 rp_category_name(n.category), "manual")))
    goto cleanup;
  if (n.type != cur.type && (rc = rp_lifecycle_history(&lc, n.id, "type", rp_ctype_name(cur.type),
                                                       rp_ctype_name(n.type), "manual")))
    goto cleanup;
  /* The rules fire from the values the user set (M1): a status set by hand
   * moves the stage (S rules), a stage set to know moves a suspect (L2). */
  bool any;
  rp_rule_event e = field_event(&cur, &n, &any);
  if (any && (rc = rp_lifecycle_event(&lc, n.id, &e))) goto cleanup;
  if (!same_str(cur.referred_by, n.referred_by) &&
      ((rc = rp_lifecycle_referral(&lc, cur.referred_by)) ||
       (rc = rp_lifecycle_referral(&lc, n.referred_by))))
    goto cleanup;
  if ((rc = rp_lifecycle_refresh(&lc, n.id, &out)) || (rc = tags_added(&lc, &cur, &n)))
    goto cleanup;
  answer(r, 200, &out);
cleanup:
  json_decref(patch);
  json_decref(merged);
  return rc;
}

/* DELETE /api/v1/contacts/:id: archives (200 with the archived contact), or
 * with ?purge=true erases it and everything that names it (204). */
int rp_h_contacts_delete(rp_req *r) {
  rp_contact cur, out;
  bool purge;
  int rc;
  if ((rc = rp_req_bool(r, "purge", false, &purge))) return rc;
  if ((rc = rp_req_contact_get(r, &cur, id_param(r)))) return rc;
  if ((rc = rp_contacts_if_match(r, cur.version))) return rc;
  rp_lifecycle lc;
  if ((rc = rp_req_lifecycle(r, &lc))) return rc;
  if (purge) {
    if ((rc = rp_store_contact_purge(r->store, r->auth.account_id, cur.id)) ||
        (rc = rp_lifecycle_referral(&lc, cur.referred_by)))
      return rc;
    rp_resp_empty(r, 204);
    return 0;
  }
  if ((rc = rp_store_contact_archive(r->store, r->auth.account_id, cur.id, r->now)) ||
      (rc = rp_lifecycle_referral(&lc, cur.referred_by)) ||
      (rc = rp_lifecycle_refresh(&lc, cur.id, &out)))
    return rc;
  answer(r, 200, &out);
  return 0;
}

/* Parses a comma list of enum names into a bit mask. */
static int enum_mask(rp_req *r, const char *key, int count, int (*parse)(int *, const char *),
                     const char *(*name)(int), unsigned *mask) {
  const char *s = rp_req_query(r, key);
  *mask = 0;
  if (!s) return 0;
  while (1) {
    size_t n = strcspn(s, ",");
    char item[32];
    int v;
    if (n == 0 || n >= sizeof item) goto bad;
    memcpy(item, s, n);
    item[n] = '\0';
    if (parse(&v, item) != 0) goto bad;
    *mask |= 1u << v;
    if (!s[n]) return 0;
    s += n + 1;
  }
bad : {
  char list[200];
  size_t off = 0;
  list[0] = '\0';
  for (int i = 0; i < count && off < sizeof list; i++)
    off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", name(i));
  return rp_error_set(RP_EINVALID_VALUE, key, "%s must be a comma list of: %s", key, list);
}
}

#define ENUM_ADAPTERS(fn, type)                                                                    \
  static int fn##_parse_i(int *out, const char *s) {                                               \
    type v;                                                                                        \
    if (rp_##fn##_parse(&v, s) != 0) return -1;                                                    \
    *out = (int)v;                                                                                 \
    return 0;                                                                                      \
  }                                                                                                \
  static const char *fn##_name_i(int v) { return rp_##fn##_name((type)v); }
ENUM_ADAPTERS(status, rp_status)
ENUM_ADAPTERS(stage, rp_stage)
ENUM_ADAPTERS(category, rp_category)
ENUM_ADAPTERS(ctype, rp_ctype)

static int score_arg(rp_req *r, const char *key, bool *has, double *out) {
  const char *s = rp_req_query(r, key);
  *has = false;
  if (!s) return 0;
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (!*s || *end || errno || !isfinite(d) || d < 0 || d > 100)
    return rp_error_set(RP_EINVALID_VALUE, key, "%s must be a number from 0 to 100", key);
  *has = true;
  *out = d;
  return 0;
}

/* GET /api/v1/contacts: filters, sort, keyset pages (API.md Lists). */
int rp_h_contacts_list(rp_req *r) {
  rp_contact_query q = {0};
  rp_contact *items = NULL;
  size_t n = 0;
  char *next = NULL;
  int64_t total = 0;
  int rc;
  char phone[RP_PHONE_MAX];
  q.account_id = r->auth.account_id;
  q.visible_to = rp_req_visible_to(r);
  q.now = r->now;
  const char *s = rp_req_query(r, "q");
  if (s) {
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[0]))
      s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
      len--;
    if (len > 200) return rp_error_set(RP_EINVALID_VALUE, "q", "q is too long");
    if (len) {
      q.q = rp_arena_strndup(&r->arena, s, len);
      if (rp_phone_looks_like(q.q, len) &&
          rp_phone_normalize(phone, q.q, len, default_region(r)) == 0)
        q.phone = rp_arena_strdup(&r->arena, phone);
    }
  }
  rp_error_clear();
  if ((rc = enum_mask(r, "status", RP_STATUS_COUNT, status_parse_i, status_name_i,
                      &q.status_mask)) ||
      (rc = enum_mask(r, "stage", RP_STAGE_COUNT, stage_parse_i, stage_name_i, &q.stage_mask)) ||
      (rc = enum_mask(r, "category", RP_CATEGORY_COUNT, category_parse_i, category_name_i,
                      &q.category_mask)) ||
      (rc = enum_mask(r, "type", RP_TYPE_COUNT, ctype_parse_i, ctype_name_i, &q.type_mask)))
    return rc;
  if ((s = rp_req_query(r, "tag")) && *s) {
    char *t = rp_arena_strdup(&r->arena, s);
    for (char *p = t; *p; p++)
      *p = (char)tolower((unsigned char)*p);
    size_t len = strlen(t);
    while (len && isspace((unsigned char)t[len - 1]))
      t[--len] = '\0';
    while (*t && isspace((unsigned char)*t))
      t++;
    q.tag = *t ? t : NULL;
  }
  if ((s = rp_req_query(r, "owner_id")) && *s) q.owner_id = s;
  if ((rc = score_arg(r, "score_min", &q.has_score_min, &q.score_min)) ||
      (rc = score_arg(r, "score_max", &q.has_score_max, &q.score_max)))
    return rc;
  q.overdue = -1;
  if (rp_req_query(r, "overdue")) {
    bool b;
    if ((rc = rp_req_bool(r, "overdue", false, &b))) return rc;
    q.overdue = b ? 1 : 0;
  }
  if ((rc = rp_req_bool(r, "archived", false, &q.archived)) ||
      (rc = rp_req_bool(r, "count", false, &q.count)) || (rc = rp_req_limit(r, &q.limit)))
    return rc;
  q.sort = RP_SORT_CREATED_AT;
  q.desc = true;
  if ((s = rp_req_query(r, "sort"))) {
    static const struct {
      const char *name;
      rp_contact_sort sort;
    } sorts[] = {{"score", RP_SORT_SCORE},
                 {"last_name", RP_SORT_LAST_NAME},
                 {"created_at", RP_SORT_CREATED_AT},
                 {"updated_at", RP_SORT_UPDATED_AT},
                 {"last_touch_at", RP_SORT_LAST_TOUCH_AT}};
    q.desc = s[0] == '-';
    const char *name = q.desc ? s + 1 : s;
    size_t i = 0;
    while (i < sizeof sorts / sizeof sorts[0] && strcmp(sorts[i].name, name) != 0)
      i++;
    if (i == sizeof sorts / sizeof sorts[0])
      return rp_error_set(RP_EINVALID_VALUE, "sort",
                          "sort must be score, last_name, created_at, updated_at or "
                          "last_touch_at, with - for descending");
    q.sort = sorts[i].sort;
  }
  if ((s = rp_req_query(r, "cursor"))) {
    if (!*s)
      return rp_error_set(RP_EINVALID_VALUE, "cursor", "cursor is not a cursor of this list");
    q.cursor = s;
  }
  if ((rc = rp_store_contact_list(r->store, &r->arena, &q, &items, &n, &next, &total))) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    rp_contact_fill_overdue(&items[i], r->now);
    json_array_append_new(arr, rp_contact_to_json(&items[i]));
  }
  json_t *o = json_object();
  json_object_set_new(o, "items", arr);
  json_object_set_new(o, "next_cursor", next ? json_string(next) : json_null());
  if (q.count) json_object_set_new(o, "total", json_integer(total));
  rp_resp_json(r, 200, o);
  return 0;
}

/* GET /api/v1/contacts/:id/history: the M3 rows, oldest first. */
int rp_h_contacts_history(rp_req *r) {
  rp_contact c;
  rp_history *rows = NULL;
  size_t n = 0;
  int rc = rp_req_contact_get(r, &c, id_param(r));
  if (rc) return rc;
  if ((rc = rp_store_history_list(r->store, &r->arena, r->auth.account_id, c.id, &rows, &n)))
    return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, rp_history_to_json(&rows[i]));
  json_t *o = json_object();
  json_object_set_new(o, "items", arr);
  rp_resp_json(r, 200, o);
  return 0;
}
