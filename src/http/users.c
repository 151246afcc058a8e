/* users.c: /api/v1/users (API.md "Auth and users"; DOMAIN.md "Ownership and
 * teams": roles owner, admin, agent, assistant). Owners and admins manage
 * the users of their account; only an owner makes, changes or removes an
 * owner, and the last owner of an account cannot go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/email.h"
#include "core/phone.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "util/error.h"
#include "util/password.h"

#define NAME_MAX_BYTES 200

/* The user object of API.md: never the password or its hash. */
json_t *rp_user_json(const rp_user *u) {
  char c[21], m[21];
  return json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s, s:s, s:I}", "id", u->id, "email",
                   u->email ? u->email : "", "name", u->name, "role", rp_role_name(u->role),
                   "phone", u->phone, "created_at", rp_time_format(u->created_at, c), "updated_at",
                   rp_time_format(u->updated_at, m), "version", (json_int_t)u->version);
}

/* Re-sets this thread's error with `field` (the core functions leave it
 * empty), keeping the message. The message is copied first: rp_error_set
 * would read it while overwriting it. */
static int error_with_field(int code, const char *field) {
  char msg[sizeof rp_error_last()->message];
  snprintf(msg, sizeof msg, "%s", rp_error_last()->message);
  return rp_error_set(code, field, "%s", msg);
}

/* What a create or a patch asks for, checked but not yet written. */
typedef struct user_input {
  const char *password; /* to hash once everything else is valid */
  bool role_set;
  const char *region; /* the account's default region, fetched on need */
  bool region_loaded;
} user_input;

static const char *account_region(rp_req *r, user_input *in) {
  if (!in->region_loaded) {
    rp_account a;
    in->region_loaded = true;
    if (rp_store_account_get(r->store, &r->arena, &a, r->auth.account_id) == 0)
      in->region = a.default_region;
    rp_error_clear();
  }
  return in->region;
}

/* Trimmed copy of a JSON string in the arena. */
static const char *trimmed(rp_req *r, json_t *v, size_t *len) {
  const char *s = json_string_value(v);
  size_t n = json_string_length(v);
  while (n && (*s == ' ' || *s == '\t'))
    s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  *len = n;
  return rp_arena_strndup(&r->arena, s, n);
}

/* Checks one member of a create or patch body and applies it to *u. */
static int apply_field(rp_req *r, rp_user *u, user_input *in, const char *key, json_t *v) {
  size_t n;
  if (strcmp(key, "email") == 0) {
    if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, key, "email must be a string");
    char canon[256], k[256];
    const char *s = json_string_value(v);
    if (rp_email_check(canon, sizeof canon, s, json_string_length(v)) != 0)
      return error_with_field(RP_EINVALID_VALUE, key);
    rp_email_key(k, sizeof k, canon);
    u->email = rp_arena_strdup(&r->arena, k);
  } else if (strcmp(key, "name") == 0) {
    if (json_is_null(v)) {
      u->name = NULL;
      return 0;
    }
    if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, key, "name must be a string");
    const char *s = trimmed(r, v, &n);
    if (n > NAME_MAX_BYTES)
      return rp_error_set(RP_EINVALID_VALUE, key, "name is longer than %d bytes", NAME_MAX_BYTES);
    u->name = n ? s : NULL;
  } else if (strcmp(key, "password") == 0) {
    if (!json_is_string(v))
      return rp_error_set(RP_EINVALID_VALUE, key, "password must be a string");
    if (json_string_length(v) < RP_PASSWORD_MIN)
      return rp_error_set(RP_EINVALID_VALUE, key, "password must be at least %d characters",
                          RP_PASSWORD_MIN);
    in->password = json_string_value(v);
  } else if (strcmp(key, "role") == 0) {
    rp_role role;
    if (!json_is_string(v) || rp_role_parse(&role, json_string_value(v)) != 0)
      return rp_error_set(RP_EINVALID_VALUE, key,
                          "role must be one of owner, admin, agent, assistant");
    u->role = role;
    in->role_set = true;
  } else if (strcmp(key, "phone") == 0) {
    if (json_is_null(v)) {
      u->phone = NULL;
      return 0;
    }
    if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, key, "phone must be a string");
    const char *s = trimmed(r, v, &n);
    if (n == 0) {
      u->phone = NULL;
      return 0;
    }
    char e164[RP_PHONE_MAX];
    if (rp_phone_normalize(e164, s, n, account_region(r, in)) != 0)
      return error_with_field(RP_EINVALID_VALUE, key);
    u->phone = rp_arena_strdup(&r->arena, e164);
  } else if (strcmp(key, "id") == 0 || strcmp(key, "created_at") == 0 ||
             strcmp(key, "updated_at") == 0) {
    return rp_error_set(RP_EINVALID_VALUE, key, "%s is read-only", key);
  } else {
    return rp_error_set(RP_EUNKNOWN_FIELD, key, "unknown field '%.100s'", key);
  }
  return 0;
}

static int hash_password(rp_user *u, rp_req *r, const char *password) {
  char h[RP_PASSWORD_HASH_MAX];
  int rc = rp_password_hash(h, password);
  if (rc == RP_EINVALID_VALUE) return error_with_field(RP_EINVALID_VALUE, "password");
  if (rc != 0) return rc;
  u->password_hash = rp_arena_strdup(&r->arena, h);
  return 0;
}

/* The version a request expects: If-Match (3, "3" or W/"3") and/or the
 * body's "version"; RP_EPRECONDITION when either differs from current. */
static int check_version(rp_req *r, json_t *body, int64_t current) {
  const char *im = rp_req_header(r, "If-Match");
  if (im) {
    while (*im == ' ')
      im++;
    if (strcmp(im, "*") != 0) {
      if (strncmp(im, "W/", 2) == 0) im += 2;
      size_t n = strlen(im);
      while (n && im[n - 1] == ' ')
        n--;
      if (n >= 2 && im[0] == '"' && im[n - 1] == '"') im++, n -= 2;
      if (n == 0 || n > 18) return rp_error_set(RP_EINVALID_VALUE, "If-Match", "not a version");
      int64_t v = 0;
      for (size_t i = 0; i < n; i++) {
        if (im[i] < '0' || im[i] > '9')
          return rp_error_set(RP_EINVALID_VALUE, "If-Match", "not a version");
        v = v * 10 + (im[i] - '0');
      }
      if (v != current)
        return rp_error_set(RP_EPRECONDITION, NULL, "the user changed (version %lld, not %lld)",
                            (long long)current, (long long)v);
    }
  }
  json_t *bv = body ? json_object_get(body, "version") : NULL;
  if (bv) {
    if (!json_is_integer(bv))
      return rp_error_set(RP_EINVALID_VALUE, "version", "version must be an integer");
    if (json_integer_value(bv) != current)
      return rp_error_set(RP_EPRECONDITION, "version", "the user changed (version %lld, not %lld)",
                          (long long)current, (long long)json_integer_value(bv));
  }
  return 0;
}


static bool is_owner(rp_req *r) { return r->auth.role == RP_ROLE_OWNER; }

/* The user of the path. */
static int load_user(rp_req *r, rp_user *u) {
  int rc = rp_store_user_get(r->store, &r->arena, u, r->auth.account_id, r->params[0]);
  if (rc == RP_ENOTFOUND) return rp_error_set(RP_ENOTFOUND, NULL, "no such user");
  return rc;
}

/* GET /api/v1/users (admin): the account's users, oldest first, with
 * ?limit= and ?cursor= (the id of the previous page's last user). */
int rp_h_users_list(rp_req *r) {
  int rc, limit;
  bool count;
  rp_user *items = NULL;
  size_t n = 0, from = 0;
  if ((rc = rp_req_limit(r, &limit)) != 0) return rc;
  if ((rc = rp_req_bool(r, "count", false, &count)) != 0) return rc;
  if ((rc = rp_store_user_list(r->store, &r->arena, r->auth.account_id, &items, &n)) != 0)
    return rc;
  const char *cursor = rp_req_query(r, "cursor");
  if (cursor) {
    size_t i = 0;
    while (i < n && strcmp(items[i].id, cursor) != 0)
      i++;
    if (i == n) return rp_error_set(RP_EINVALID_VALUE, "cursor", "unknown cursor");
    from = i + 1;
  }
  json_t *arr = json_array();
  size_t end = from + (size_t)limit < n ? from + (size_t)limit : n;
  for (size_t i = from; i < end; i++)
    json_array_append_new(arr, rp_user_json(&items[i]));
  json_t *out = json_pack("{s:o, s:o}", "items", arr, "next_cursor",
                          end < n ? json_string(items[end - 1].id) : json_null());
  if (count) json_object_set_new(out, "total", json_integer((json_int_t)n));
  rp_resp_json(r, 200, out);
  return 0;
}

/* POST /api/v1/users (admin) {email, name, password, role, phone}: 201 and
 * the user. Role defaults to agent; only an owner creates an owner. */
int rp_h_users_create(rp_req *r) {
  json_t *body = NULL;
  rp_user u = {0};
  user_input in = {0};
  int rc;
  if ((rc = rp_req_json_object(r, &body)) != 0) goto cleanup;
  u.role = RP_ROLE_AGENT;
  const char *key;
  json_t *v;
  json_object_foreach(body, key, v) {
    if ((rc = apply_field(r, &u, &in, key, v)) != 0) goto cleanup;
  }
  if (!u.email) {
    rc = rp_error_set(RP_EVALIDATION, "email", "email is required");
    goto cleanup;
  }
  if (!in.password) {
    rc = rp_error_set(RP_EVALIDATION, "password", "password is required");
    goto cleanup;
  }
  if (u.role == RP_ROLE_OWNER && !is_owner(r)) {
    rc = rp_error_set(RP_EFORBIDDEN, "role", "only an owner may create an owner");
    goto cleanup;
  }
  if ((rc = hash_password(&u, r, in.password)) != 0) goto cleanup;
  memcpy(u.account_id, r->auth.account_id, RP_ID_LEN);
  u.created_at = u.updated_at = r->now;
  rc = rp_store_user_create(r->store, &u);
  if (rc == RP_ECONFLICT) rc = rp_error_set(RP_ECONFLICT, "email", "this email is already in use");
  if (rc != 0) goto cleanup;
  rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/users/%s", u.id));
  rp_resp_json(r, 201, rp_user_json(&u));

cleanup:
  json_decref(body);
  return rc;
}

/* GET /api/v1/users/{id} (admin). */
int rp_h_users_get(rp_req *r) {
  rp_user u;
  int rc = load_user(r, &u);
  if (rc != 0) return rc;
  rp_resp_json(r, 200, rp_user_json(&u));
  return 0;
}

/* PATCH /api/v1/users/{id} (admin): a JSON merge patch of email, name,
 * password, role, phone; If-Match or "version" give 412 when it moved on.
 * Only an owner changes an owner or makes one; the last owner keeps the
 * role. */
int rp_h_users_patch(rp_req *r) {
  json_t *body = NULL;
  rp_user cur, u;
  user_input in = {0};
  int rc;
  if ((rc = rp_req_json_object(r, &body)) != 0) goto cleanup;
  if ((rc = load_user(r, &cur)) != 0) goto cleanup;
  if ((rc = check_version(r, body, cur.version)) != 0) goto cleanup;
  u = cur;
  const char *key;
  json_t *v;
  json_object_foreach(body, key, v) {
    if (strcmp(key, "version") == 0) continue;
    if ((rc = apply_field(r, &u, &in, key, v)) != 0) goto cleanup;
  }
  if (cur.role == RP_ROLE_OWNER && !is_owner(r)) {
    rc = rp_error_set(RP_EFORBIDDEN, NULL, "only an owner may change an owner");
    goto cleanup;
  }
  if (u.role == RP_ROLE_OWNER && cur.role != RP_ROLE_OWNER && !is_owner(r)) {
    rc = rp_error_set(RP_EFORBIDDEN, "role", "only an owner may make someone an owner");
    goto cleanup;
  }
  if (cur.role == RP_ROLE_OWNER && u.role != RP_ROLE_OWNER) {
    int64_t owners = 0;
    if ((rc = rp_store_user_count_role(r->store, r->auth.account_id, RP_ROLE_OWNER, &owners)) != 0)
      goto cleanup;
    if (owners <= 1) {
      rc = rp_error_set(RP_ECONFLICT, "role", "the account's last owner must stay an owner");
      goto cleanup;
    }
  }
  if (in.password && (rc = hash_password(&u, r, in.password)) != 0) goto cleanup;
  bool email_changed = strcmp(u.email ? u.email : "", cur.email ? cur.email : "") != 0;
  u.updated_at = r->now;
  rc = rp_store_user_update(r->store, &u);
  if (rc == RP_ECONFLICT)
    rc = email_changed ? rp_error_set(RP_ECONFLICT, "email", "this email is already in use")
                       : rp_error_set(RP_EPRECONDITION, NULL, "the user changed meanwhile");
  if (rc != 0) goto cleanup;
  rp_resp_json(r, 200, rp_user_json(&u));

cleanup:
  json_decref(body);
  return rc;
}

/* DELETE /api/v1/users/{id} (admin): 204. Not yourself, not the last
 * owner (409); only an owner removes an owner. Their sessions and tokens
 * go with them. */
int rp_h_users_delete(rp_req *r) {
  rp_user u;
  int rc = load_user(r, &u);
  if (rc != 0) return rc;
  if ((rc = check_version(r, NULL, u.version)) != 0) return rc;
  if (strcmp(u.id, r->auth.user_id) == 0)
    return rp_error_set(RP_ECONFLICT, NULL, "you cannot delete yourself");
  if (u.role == RP_ROLE_OWNER) {
    if (!is_owner(r)) return rp_error_set(RP_EFORBIDDEN, NULL, "only an owner may remove an owner");
    int64_t owners = 0;
    if ((rc = rp_store_user_count_role(r->store, r->auth.account_id, RP_ROLE_OWNER, &owners)) != 0)
      return rc;
    if (owners <= 1) return rp_error_set(RP_ECONFLICT, NULL, "the account's last owner cannot go");
  }
  if ((rc = rp_store_user_delete(r->store, r->auth.account_id, u.id)) != 0) return rc;
  rp_resp_empty(r, 204);
  return 0;
}
