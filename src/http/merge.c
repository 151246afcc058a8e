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
#include "jobs/contact_merge.h"
#include "jobs/lifecycle.h"
#include "util/error.h"
#include "util/json_write.h"

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
  rp_contact_absorb(&r->arena, &cur, &other);
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
