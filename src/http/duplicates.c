/* duplicates.c: GET /api/v1/duplicates?limit= (API.md Contacts): pairs of
 * contacts that are likely one person, each with both contacts in brief,
 * why (same email, same phone, close names at one address) and the shared
 * value, for a person to merge with POST /api/v1/contacts/{id}/merge. The
 * list is computed on each call: no cursor (next_cursor is always null). */
#include <jansson.h>

#include "http/contact_json.h"
#include "http/handlers.h"
#include "util/error.h"

static json_t *brief(const rp_contact *c) {
  json_t *emails = json_array(), *phones = json_array();
  for (size_t i = 0; i < c->n_emails; i++)
    json_array_append_new(emails, json_string(c->emails[i].address));
  for (size_t i = 0; i < c->n_phones; i++)
    json_array_append_new(phones, json_string(c->phones[i].number));
  return json_pack("{s:s, s:s?, s:s, s:o, s:o, s:f}", "id", c->id, "display_name",
                   c->display_name, "status", rp_status_name(c->status), "emails", emails,
                   "phones", phones, "score", c->score);
}

int rp_h_duplicates(rp_req *r) {
  int limit = 50;
  int rc = rp_req_limit(r, &limit);
  if (rc) return rc;
  rp_dup_pair *pairs;
  size_t n;
  if ((rc = rp_store_duplicates(r->store, &r->arena, r->auth.account_id, rp_req_visible_to(r),
                                (size_t)limit, &pairs, &n)))
    return rc;
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++) {
    rp_contact a, b;
    if ((rc = rp_store_contact_get(r->store, &r->arena, &a, r->auth.account_id, pairs[i].a)) ||
        (rc = rp_store_contact_get(r->store, &r->arena, &b, r->auth.account_id, pairs[i].b))) {
      json_decref(items);
      return rc;
    }
    json_array_append_new(items, json_pack("{s:[o,o], s:s, s:s}", "contacts", brief(&a),
                                           brief(&b), "reason", pairs[i].reason, "value",
                                           pairs[i].value));
  }
  rp_resp_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
  return 0;
}
