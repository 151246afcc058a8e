/* tokens.c: /api/v1/tokens, API tokens for scripts and integrations
 * (API.md "Auth and users"). A token never expires; its secret is shown
 * once, at creation; the database keeps only its hash (auth.h). Agents and
 * assistants see and revoke their own tokens; owners and admins the whole
 * account's (DOMAIN.md "Ownership and teams"). */
#include <string.h>

#include "http/auth.h"
#include "http/handlers.h"
#include "util/error.h"

#define TOKEN_NAME_MAX 200


static bool sees_all(rp_req *r) {
  return r->auth.role == RP_ROLE_OWNER || r->auth.role == RP_ROLE_ADMIN;
}

static json_t *token_json(const rp_token *t) {
  char c[21], u[21];
  return json_pack("{s:s, s:s?, s:s, s:s, s:s?}", "id", t->id, "name", t->name, "user_id",
                   t->user_id, "created_at", rp_time_format(t->created_at, c), "last_used_at",
                   t->last_used_at ? rp_time_format(t->last_used_at, u) : NULL);
}

/* POST /api/v1/tokens {name}: 201 {id, name, token, created_at}; the only
 * time the secret is shown. */
int rp_h_tokens_create(rp_req *r) {
  json_t *body = NULL;
  int rc;
  if ((rc = rp_req_json_object(r, &body)) != 0) goto cleanup;
  const char *key;
  json_t *v;
  json_object_foreach(body, key, v) {
    if (strcmp(key, "name") != 0) {
      rc = rp_error_set(RP_EUNKNOWN_FIELD, key, "unknown field '%.100s'", key);
      goto cleanup;
    }
  }
  json_t *jn = json_object_get(body, "name");
  if (!jn || json_is_null(jn)) {
    rc = rp_error_set(RP_EVALIDATION, "name", "name is required");
    goto cleanup;
  }
  if (!json_is_string(jn)) {
    rc = rp_error_set(RP_EINVALID_VALUE, "name", "name must be a string");
    goto cleanup;
  }
  const char *name = json_string_value(jn);
  size_t n = json_string_length(jn);
  while (n && (*name == ' ' || *name == '\t'))
    name++, n--;
  while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
    n--;
  if (n == 0 || n > TOKEN_NAME_MAX) {
    rc = rp_error_set(RP_EINVALID_VALUE, "name", "name must be 1 to %d bytes", TOKEN_NAME_MAX);
    goto cleanup;
  }

  char secret[RP_SECRET_LEN + 1], c[21];
  rp_token t = {0};
  rp_auth_secret_new(secret);
  rp_auth_token_hash(t.hash, secret, RP_SECRET_LEN);
  memcpy(t.account_id, r->auth.account_id, RP_ID_LEN);
  memcpy(t.user_id, r->auth.user_id, RP_ID_LEN);
  t.kind = RP_TOKEN_API;
  t.name = rp_arena_strndup(&r->arena, name, n);
  t.created_at = r->now;
  if ((rc = rp_store_token_create(r->store, &t)) != 0) goto cleanup;
  rp_resp_json(r, 201,
               json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", t.id, "name", t.name, "token", secret,
                         "user_id", t.user_id, "created_at", rp_time_format(t.created_at, c)));

cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/tokens: {items: [{id, name, user_id, created_at,
 * last_used_at}], next_cursor: null}, newest first, never the secret. */
int rp_h_tokens_list(rp_req *r) {
  rp_token *items = NULL;
  size_t n = 0;
  int rc;
  if ((rc = rp_store_token_list(r->store, &r->arena, r->auth.account_id, &items, &n)) != 0)
    return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    if (items[i].kind == RP_TOKEN_API &&
        (sees_all(r) || strcmp(items[i].user_id, r->auth.user_id) == 0))
      json_array_append_new(arr, token_json(&items[i]));
  rp_resp_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
  return 0;
}

/* DELETE /api/v1/tokens/{id}: revokes (204); 404 for a token the caller
 * may not see (another account's, or another user's for an agent). */
int rp_h_tokens_delete(rp_req *r) {
  rp_token *items = NULL;
  size_t n = 0;
  int rc;
  if ((rc = rp_store_token_list(r->store, &r->arena, r->auth.account_id, &items, &n)) != 0)
    return rc;
  const rp_token *t = NULL;
  for (size_t i = 0; i < n && !t; i++)
    if (strcmp(items[i].id, r->params[0]) == 0 && items[i].kind == RP_TOKEN_API &&
        (sees_all(r) || strcmp(items[i].user_id, r->auth.user_id) == 0))
      t = &items[i];
  if (!t) return rp_error_set(RP_ENOTFOUND, NULL, "no such token");
  if ((rc = rp_store_token_delete(r->store, r->auth.account_id, t->id)) != 0) return rc;
  rp_resp_empty(r, 204);
  return 0;
}
