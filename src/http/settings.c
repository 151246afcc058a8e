/* settings.c: GET and PUT /api/v1/settings (API.md Settings). The object
 * and its validation live in settings_json.c; this file reads and writes
 * the account, and checks that routing.agent_ids name users of the account
 * who can take leads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/settings_json.h"
#include "util/error.h"

/* GET /api/v1/settings: the full object, defaults filled in. */
int rp_h_settings_get(rp_req *r) {
  rp_account a;
  int rc = rp_store_account_get(r->store, &r->arena, &a, r->auth.account_id);
  if (rc) return rc;
  rp_resp_json(r, 200, rp_settings_from_stored(a.settings_json, a.default_region));
  return 0;
}

/* Each routing.agent_ids the body names must be a user of the account with
 * the role agent, admin or owner, and not disabled (DOMAIN.md A1: round
 * robin among the team's agents). */
static int check_agents(rp_req *r, const json_t *body, const json_t *next) {
  const json_t *given = json_object_get(json_object_get(body, "routing"), "agent_ids");
  if (!given || json_is_null(given)) return 0;
  const json_t *ids = json_object_get(json_object_get(next, "routing"), "agent_ids");
  for (size_t i = 0; i < json_array_size(ids); i++) {
    char field[64];
    rp_user u;
    snprintf(field, sizeof field, "routing.agent_ids[%zu]", i);
    int rc = rp_store_user_get(r->store, &r->arena, &u, r->auth.account_id,
                               json_string_value(json_array_get(ids, i)));
    if (rc == RP_ENOTFOUND)
      return rp_error_set(RP_EINVALID_VALUE, field, "names no user of this account");
    if (rc) return rc;
    if (u.role == RP_ROLE_ASSISTANT)
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "names an assistant: only agents, admins and owners take leads");
    if (u.disabled_at) return rp_error_set(RP_EINVALID_VALUE, field, "names a disabled user");
  }
  return 0;
}

/* PUT /api/v1/settings (owner or admin, by the route): a partial object;
 * keys given replace, absent keys keep their value, office_hours,
 * automation and routing merge one level (settings_json.c). Answers the
 * full object. */
int rp_h_settings_put(rp_req *r) {
  json_t *body = NULL, *cur = NULL, *next = NULL;
  char *text = NULL;
  rp_account a;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_store_account_get(r->store, &r->arena, &a, r->auth.account_id))) goto cleanup;
  cur = rp_settings_from_stored(a.settings_json, a.default_region);
  if ((rc = rp_settings_apply(&next, cur, body))) goto cleanup;
  if ((rc = check_agents(r, body, next))) goto cleanup;
  text = rp_settings_dump_stored(next);
  const char *region = json_string_value(json_object_get(next, "default_region"));
  if (!text || !region) {
    rc = rp_error_set(RP_EINTERNAL, NULL, "cannot encode the settings");
    goto cleanup;
  }
  if ((rc = rp_store_account_update_settings(r->store, r->auth.account_id, text, region)))
    goto cleanup;
  rp_resp_json(r, 200, next);
  next = NULL;
cleanup:
  free(text);
  json_decref(body);
  json_decref(cur);
  json_decref(next);
  return rc;
}
