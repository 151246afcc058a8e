/* merge.c: POST /api/v1/contacts/:id/merge {other_id} (API.md Contacts):
 * the other contact's emails, phones, social profiles, tags, activities,
 * deals, referrals and history move onto this one, which keeps the older
 * known_since; blanks are filled from the other; the other is archived.
 * The rules then run on the survivor (its deals and referrals changed). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/contact.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/lifecycle.h"
#include "util/error.h"
#include "util/json_write.h"

/* Appends to *dst the strings of src[0..n) that are not in it yet
 * (case-insensitively), up to cap in all. */
static void union_strings(rp_arena *ar, const char ***dst, size_t *nd, const char **src, size_t n,
                          size_t cap) {
  const char **out = rp_arena_alloc(ar, (*nd + n) * sizeof *out + 1);
  size_t k = 0;
  for (size_t i = 0; i < *nd; i++)
    out[k++] = (*dst)[i];
  for (size_t i = 0; i < n && k < cap; i++) {
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++)
      seen = strcasecmp(out[j], src[i]) == 0;
    if (!seen) out[k++] = src[i];
  }
  *dst = out;
  *nd = k;
}

static void union_emails(rp_arena *ar, rp_contact *c, const rp_contact *o) {
  rp_email *out = rp_arena_alloc(ar, (c->n_emails + o->n_emails) * sizeof *out + 1);
  size_t k = 0;
  for (size_t i = 0; i < c->n_emails; i++)
    out[k++] = c->emails[i];
  for (size_t i = 0; i < o->n_emails && k < RP_CJ_LIST_MAX; i++) {
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++)
      seen = strcasecmp(out[j].address, o->emails[i].address) == 0;
    if (!seen) out[k++] = o->emails[i];
  }
  c->emails = out;
  c->n_emails = k;
}

static void union_phones(rp_arena *ar, rp_contact *c, const rp_contact *o) {
  rp_phone *out = rp_arena_alloc(ar, (c->n_phones + o->n_phones) * sizeof *out + 1);
  size_t k = 0;
  for (size_t i = 0; i < c->n_phones; i++)
    out[k++] = c->phones[i];
  for (size_t i = 0; i < o->n_phones && k < RP_CJ_LIST_MAX; i++) {
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++)
      seen = strcmp(out[j].number, o->phones[i].number) == 0;
    if (!seen) out[k++] = o->phones[i];
  }
  c->phones = out;
  c->n_phones = k;
}

#define FILL(field)                                                                                \
  if (!c->field) c->field = o->field
/* The later of two "YYYY-MM-DD" dates (NULL is the earliest). */
static const char *later(const char *a, const char *b) {
  return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}
static const char *earlier(const char *a, const char *b) {
  return !a ? b : !b ? a : strcmp(a, b) <= 0 ? a : b;
}

/* The survivor's fields after the merge: lists joined, blanks filled, the
 * older known_since, the later close dates, opt-outs kept. */
static void merge_fields(rp_req *r, rp_contact *c, const rp_contact *o) {
  rp_arena *ar = &r->arena;
  union_emails(ar, c, o);
  union_phones(ar, c, o);
  union_strings(ar, &c->social, &c->n_social, o->social, o->n_social, RP_CJ_LIST_MAX);
  union_strings(ar, &c->tags, &c->n_tags, o->tags, o->n_tags, RP_CJ_TAGS_MAX);
  FILL(first_name);
  FILL(last_name);
  FILL(company);
  FILL(website);
  FILL(birthday);
  FILL(anniversary);
  FILL(partner);
  FILL(children);
  FILL(pets);
  FILL(interests);
  FILL(timeframe);
  FILL(source);
  FILL(owner_id);
  if (c->notes && o->notes)
    c->notes = rp_arena_printf(ar, "%s\n\n%s", c->notes, o->notes);
  else
    FILL(notes);
  if (!c->has_address && o->has_address) c->has_address = true, c->address = o->address;
  if (!c->has_budget && o->has_budget) c->has_budget = true, c->budget = o->budget;
  if (c->intent == RP_INTENT_NONE) c->intent = o->intent;
  if (!c->referred_by && o->referred_by && strcmp(o->referred_by, c->id) != 0)
    c->referred_by = o->referred_by;
  if (c->referred_by && strcmp(c->referred_by, o->id) == 0)
    c->referred_by = o->referred_by && strcmp(o->referred_by, c->id) != 0 ? o->referred_by : NULL;
  c->known_since = earlier(c->known_since, o->known_since);
  c->last_purchase_date = later(c->last_purchase_date, o->last_purchase_date);
  c->last_sale_date = later(c->last_sale_date, o->last_sale_date);
  c->sms_opt_out = c->sms_opt_out || o->sms_opt_out;
  c->email_opt_out = c->email_opt_out || o->email_opt_out;
  /* custom fields: the other's keys the survivor lacks */
  json_t *mine = json_loads(c->custom_json ? c->custom_json : "{}", 0, NULL);
  json_t *theirs = json_loads(o->custom_json ? o->custom_json : "{}", 0, NULL);
  if (json_is_object(mine) && json_is_object(theirs)) {
    json_object_update_missing(mine, theirs);
    char *s = rp_json_dumps(mine, NULL);
    if (s) c->custom_json = rp_arena_strdup(ar, s);
    free(s);
  }
  json_decref(mine);
  json_decref(theirs);
  c->display_name = rp_contact_display_name(ar, c);
}

/* The survivor takes the further of the two lifecycles (a hand change:
 * history rows "manual"); the rules then settle it from its new deals. */
static int take_further(rp_lifecycle *lc, rp_contact *c, const rp_contact *o) {
  int rc;
  if (o->status > c->status && c->status != RP_STATUS_NONE &&
      (rc = rp_lifecycle_history(lc, c->id, "status", rp_status_name(c->status),
                                 rp_status_name(o->status), "manual")))
    return rc;
  if (o->status > c->status && c->status != RP_STATUS_NONE) c->status = o->status;
  if (o->stage > c->stage && c->stage != RP_STAGE_NONE) {
    if ((rc = rp_lifecycle_history(lc, c->id, "stage", rp_stage_name(c->stage),
                                   rp_stage_name(o->stage), "manual")))
      return rc;
    c->stage = o->stage;
  }
  /* a < b < c < d < none in importance order: the enum puts none first */
  bool o_higher = o->category != RP_CATEGORY_NONE &&
                  (c->category == RP_CATEGORY_NONE || o->category < c->category);
  if (o_higher) {
    if ((rc = rp_lifecycle_history(lc, c->id, "category", rp_category_name(c->category),
                                   rp_category_name(o->category), "manual")))
      return rc;
    c->category = o->category;
  }
  return 0;
}

int rp_h_contacts_merge(rp_req *r) {
  json_t *body = NULL;
  rp_contact cur, other, out;
  rp_lifecycle lc;
  int rc = rp_req_contact_get(r, &cur, r->n_params ? r->params[0] : "");
  if (rc) goto cleanup;
  if ((rc = rp_contacts_if_match(r, cur.version))) goto cleanup;
  if ((rc = rp_req_json_object(r, &body))) goto cleanup;
  const char *key;
  json_t *v;
  json_object_foreach(body, key, v) {
    if (strcmp(key, "other_id") != 0) {
      rc = rp_error_set(RP_EUNKNOWN_FIELD, key, "unknown field");
      goto cleanup;
    }
  }
  json_t *oid = json_object_get(body, "other_id");
  if (!oid) {
    rc = rp_error_set(RP_EVALIDATION, "other_id", "other_id is required");
    goto cleanup;
  }
  if (!json_is_string(oid)) {
    rc = rp_error_set(RP_EINVALID_VALUE, "other_id", "must be a contact id");
    goto cleanup;
  }
  if (strcasecmp(json_string_value(oid), cur.id) == 0) {
    rc = rp_error_set(RP_EINVALID_VALUE, "other_id", "a contact cannot be merged into itself");
    goto cleanup;
  }
  if ((rc = rp_req_contact_get(r, &other, json_string_value(oid)))) {
    if (rc == RP_ENOTFOUND)
      rc = rp_error_set(RP_EINVALID_VALUE, "other_id", "names no contact of this account");
    goto cleanup;
  }
  if ((rc = rp_req_lifecycle(r, &lc))) goto cleanup;
  const char *old_ref = cur.referred_by;
  merge_fields(r, &cur, &other);
  if ((rc = take_further(&lc, &cur, &other))) goto cleanup;
  cur.updated_at = r->now;
  if ((rc = rp_store_contact_update(r->store, &cur)) ||
      (rc = rp_store_contact_merge_rows(r->store, r->auth.account_id, cur.id, other.id)) ||
      (rc = rp_store_contact_archive(r->store, r->auth.account_id, other.id, r->now)))
    goto cleanup;
  /* the rules settle the survivor: its deals, referrals and referrer */
  rp_deal_counts dc;
  if ((rc = rp_store_contact_deal_counts(r->store, r->auth.account_id, cur.id, &dc))) goto cleanup;
  rp_rule_event e = {.role_buyer = true};
  e.kind = dc.open ? RP_EVENT_DEAL_OPENED : RP_EVENT_DEAL_CLOSED;
  rp_rule_event ref = {.kind = RP_EVENT_REFERRAL};
  if (((dc.open || dc.closed) && (rc = rp_lifecycle_event(&lc, cur.id, &e))) ||
      (rc = rp_lifecycle_event(&lc, cur.id, &ref)) ||
      (rc = rp_lifecycle_referral(&lc, other.referred_by)) ||
      (old_ref != cur.referred_by && (rc = rp_lifecycle_referral(&lc, cur.referred_by))) ||
      (rc = rp_lifecycle_refresh(&lc, cur.id, &out)))
    goto cleanup;
  rp_contacts_etag(r, out.version);
  rp_resp_json(r, 200, rp_contact_to_json(&out));
cleanup:
  json_decref(body);
  return rc;
}
