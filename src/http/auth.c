/* auth.c: sessions, API-token and cookie credentials, CSRF, and the
 * login/logout/me handlers (API.md "Auth and users"). */
#include "http/auth.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "http/handlers.h"
#include "util/error.h"
#include "util/log.h"
#include "util/password.h"
#include "util/text.h"

#define LOGIN_WINDOW (15 * 60) /* API.md: failures counted over 15 minutes */
/* API.md: "more than 10 failures for one email in 15 minutes 429": after
 * 10 failures, the 11th attempt is refused (whatever its password). */
#define LOGIN_MAX_FAILURES 10

/* The fixed key of the CSRF derivation (crypto_generichash wants 16..64
 * bytes). Changing it invalidates every CSRF token in use. */
static const unsigned char csrf_key[32] = "rapport/csrf/v1 session binding";

/* ---- secrets, hashes, CSRF ---- */

/* Draws a new 32-byte secret, encoded base64url. */
void rp_auth_secret_new(char out[static RP_SECRET_LEN + 1]) {
  unsigned char b[RP_SECRET_BYTES];
  randombytes_buf(b, sizeof b);
  rp_b64url_encode(out, b, sizeof b);
  sodium_memzero(b, sizeof b);
}

/* Decodes a secret; only the canonical encoding of 32 bytes is accepted, so
 * one secret has one spelling. */
static bool secret_bytes(unsigned char b[static RP_SECRET_BYTES], const char *p, size_t len) {
  if (len != RP_SECRET_LEN) return false;
  unsigned char tmp[RP_SECRET_BYTES + 1];
  if (rp_b64url_decode(tmp, sizeof tmp, p, len) != RP_SECRET_BYTES) return false;
  char again[RP_SECRET_LEN + 1];
  rp_b64url_encode(again, tmp, RP_SECRET_BYTES);
  if (memcmp(again, p, len) != 0) return false;
  memcpy(b, tmp, RP_SECRET_BYTES);
  sodium_memzero(tmp, sizeof tmp);
  return true;
}

/* hex(BLAKE2b-256(secret bytes)): what the database keeps. */
bool rp_auth_token_hash(char out[static RP_TOKEN_HASH_LEN], const char *p, size_t len) {
  unsigned char b[RP_SECRET_BYTES], h[32];
  out[0] = '\0';
  if (!secret_bytes(b, p, len)) return false;
  crypto_generichash(h, sizeof h, b, sizeof b, NULL, 0);
  rp_hex_encode(out, h, sizeof h);
  sodium_memzero(b, sizeof b);
  return true;
}

/* base64url(BLAKE2b-256 keyed with csrf_key, of the secret bytes). */
bool rp_auth_csrf_token(char out[static RP_SECRET_LEN + 1], const char *p, size_t len) {
  unsigned char b[RP_SECRET_BYTES], h[32];
  out[0] = '\0';
  if (!secret_bytes(b, p, len)) return false;
  crypto_generichash(h, sizeof h, b, sizeof b, csrf_key, sizeof csrf_key);
  rp_b64url_encode(out, h, sizeof h);
  sodium_memzero(b, sizeof b);
  return true;
}

/* ---- header parsing ---- */

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

/* Cookie header "a=1; b=2" (RFC 6265 section 5.4), bounded by len. */
bool rp_auth_cookie_find(const char *h, size_t len, const char *name, const char **val,
                         size_t *vlen) {
  size_t nlen = strlen(name), i = 0;
  while (i < len) {
    while (i < len && (is_ows(h[i]) || h[i] == ';'))
      i++;
    size_t start = i;
    while (i < len && h[i] != ';')
      i++;
    size_t end = i; /* one "k=v" pair in [start, end) */
    const char *eq = memchr(h + start, '=', end - start);
    if (!eq) continue;
    size_t klen = (size_t)(eq - (h + start));
    while (klen && is_ows(h[start + klen - 1]))
      klen--;
    if (klen != nlen || memcmp(h + start, name, nlen) != 0) continue;
    const char *v = eq + 1, *ve = h + end;
    while (v < ve && is_ows(*v))
      v++;
    while (ve > v && is_ows(ve[-1]))
      ve--;
    if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
      v++;
      ve--;
    }
    *val = v;
    *vlen = (size_t)(ve - v);
    return true;
  }
  return false;
}

/* "Bearer <token>", RFC 6750 section 2.1. */
bool rp_auth_bearer(const char *h, size_t len, const char **tok, size_t *tlen) {
  size_t i = 0;
  while (i < len && is_ows(h[i]))
    i++;
  if (len - i < 7 || strncasecmp(h + i, "bearer", 6) != 0 || !is_ows(h[i + 6])) return false;
  i += 6;
  while (i < len && is_ows(h[i]))
    i++;
  size_t end = len;
  while (end > i && is_ows(h[end - 1]))
    end--;
  if (end == i) return false;
  for (size_t k = i; k < end; k++)
    if (is_ows(h[k])) return false;
  *tok = h + i;
  *tlen = end - i;
  return true;
}

/* The credential a request carries: the bearer token, else the cookie.
 * RP_EUNAUTHORIZED when there is none. */
static int request_credential(rp_req *r, const char **tok, size_t *tlen, bool *via_cookie) {
  *via_cookie = false;
  const char *authz = rp_req_header(r, "Authorization");
  if (authz) {
    if (!rp_auth_bearer(authz, strlen(authz), tok, tlen))
      return rp_error_set(RP_EUNAUTHORIZED, NULL, "use Authorization: Bearer <token>");
    return 0;
  }
  const char *cookie = rp_req_header(r, "Cookie");
  if (cookie && rp_auth_cookie_find(cookie, strlen(cookie), RP_SESSION_COOKIE, tok, tlen)) {
    *via_cookie = true;
    return 0;
  }
  return rp_error_set(RP_EUNAUTHORIZED, NULL, "authentication required");
}

/* Looks the credential up: the token row (RP_EUNAUTHORIZED when unknown or
 * expired). */
static int lookup_token(rp_req *r, rp_token *t, const char *tok, size_t tlen) {
  char hash[RP_TOKEN_HASH_LEN];
  if (!rp_auth_token_hash(hash, tok, tlen))
    return rp_error_set(RP_EUNAUTHORIZED, NULL, "invalid or expired token");
  int rc = rp_store_token_by_hash(r->store, &r->arena, t, hash, r->now);
  if (rc == RP_ENOTFOUND) return rp_error_set(RP_EUNAUTHORIZED, NULL, "invalid or expired token");
  return rc;
}

/* Resolves r->auth (see auth.h). */
int rp_auth_resolve(rp_req *r) {
  const char *tok = NULL;
  size_t tlen = 0;
  bool via_cookie = false;
  rp_token t;
  int rc;
  memset(&r->auth, 0, sizeof r->auth);
  if ((rc = request_credential(r, &tok, &tlen, &via_cookie)) != 0) return rc;
  if (!r->store) return rp_error_set(RP_EINTERNAL, NULL, "no database connection");
  /* the token and its user in one lookup: this runs on every request */
  char hash[RP_TOKEN_HASH_LEN];
  bool user_ok = false;
  rp_role role = RP_ROLE_AGENT;
  if (!rp_auth_token_hash(hash, tok, tlen))
    return rp_error_set(RP_EUNAUTHORIZED, NULL, "invalid or expired token");
  rc = rp_store_token_auth(r->store, &r->arena, &t, &user_ok, &role, hash, r->now);
  if (rc == RP_ENOTFOUND) return rp_error_set(RP_EUNAUTHORIZED, NULL, "invalid or expired token");
  if (rc != 0) return rc;
  if (via_cookie && t.kind != RP_TOKEN_SESSION)
    return rp_error_set(RP_EUNAUTHORIZED, NULL, "invalid or expired token");
  if (!user_ok) return rp_error_set(RP_EUNAUTHORIZED, NULL, "this user can no longer sign in");

  if (via_cookie && strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
    char want[RP_SECRET_LEN + 1];
    const char *got = rp_req_header(r, "X-CSRF-Token");
    if (!rp_auth_csrf_token(want, tok, tlen) || !got || strlen(got) != RP_SECRET_LEN ||
        sodium_memcmp(got, want, RP_SECRET_LEN) != 0)
      return rp_error_set(RP_EFORBIDDEN, NULL,
                          "a cookie-authenticated write needs the X-CSRF-Token from login");
  }

  r->auth.ok = true;
  r->auth.via_cookie = via_cookie;
  memcpy(r->auth.account_id, t.account_id, RP_ID_LEN);
  memcpy(r->auth.user_id, t.user_id, RP_ID_LEN);
  memcpy(r->auth.token_id, t.id, RP_ID_LEN);
  r->auth.role = role;

  /* last_used_at is informative: write it at most every 10 minutes, and a
   * busy database must not fail the request. */
  if (r->now - t.last_used_at >= RP_TOKEN_TOUCH_EVERY &&
      rp_store_token_touch(r->store, t.id, r->now) != 0) {
    rp_log_debug("token touch failed: %s", rp_error_last()->message);
    rp_error_clear();
  }
  return 0;
}

/* ---- handlers ---- */

/* An argon2id hash of a throw-away password, verified against when the
 * email is unknown so that a wrong email costs as long as a wrong password. */
static char dummy_hash[RP_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy_hash(void) {
  char pw[RP_SECRET_LEN + 1];
  rp_auth_secret_new(pw);
  if (rp_password_hash(dummy_hash, pw) != 0) dummy_hash[0] = '\0';
}

/* A required string member of a JSON body, or the API.md error. */
static int body_string(json_t *body, const char *key, const char **out) {
  json_t *v = json_object_get(body, key);
  if (!v || json_is_null(v)) return rp_error_set(RP_EVALIDATION, key, "%s is required", key);
  if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, key, "%s must be a string", key);
  *out = json_string_value(v);
  return 0;
}

static int record_failure(rp_req *r, const char *email) {
  int rc = rp_store_login_failure_add(r->store, email, r->now);
  if (rc != 0) return rc;
  r->commit_on_error = true; /* were it in a transaction: keep the failure */
  return rp_error_set(RP_EBAD_CREDENTIALS, NULL, "wrong email or password");
}

/* POST /api/v1/auth/login {email, password}: 200 {token, csrf_token,
 * expires_at, user} and the session cookie. After 10 failures for the email
 * in 15 minutes, 429 before the password is even checked.
 * The route has no request transaction (RP_ROUTE_NO_TXN): each store call
 * runs in its own, so the slow argon2 check never holds SQLite's write
 * lock; a failure is recorded at once, a success clears them and then
 * creates the session. */
int rp_h_login(rp_req *r) {
  json_t *body = NULL;
  const char *email_in, *password;
  int rc;
  if ((rc = rp_req_json_object(r, &body)) != 0) goto cleanup;
  if (!r->store) {
    rc = rp_error_set(RP_EINTERNAL, NULL, "no database connection");
    goto cleanup;
  }
  const char *key;
  json_t *val;
  json_object_foreach(body, key, val) {
    if (strcmp(key, "email") != 0 && strcmp(key, "password") != 0) {
      rc = rp_error_set(RP_EUNKNOWN_FIELD, key, "unknown field '%.100s'", key);
      goto cleanup;
    }
  }
  if ((rc = body_string(body, "email", &email_in)) != 0) goto cleanup;
  if ((rc = body_string(body, "password", &password)) != 0) goto cleanup;

  /* The login key: trimmed, lower-cased (emails are stored lower-cased). */
  while (*email_in == ' ')
    email_in++;
  size_t n = strlen(email_in);
  while (n && email_in[n - 1] == ' ')
    n--;
  if (n == 0 || n > 254) {
    rc = rp_error_set(RP_EBAD_CREDENTIALS, NULL, "wrong email or password");
    goto cleanup;
  }
  char *email = rp_arena_strndup(&r->arena, email_in, n);
  for (char *p = email; *p; p++)
    *p = (char)tolower((unsigned char)*p);

  int64_t failures = 0;
  if ((rc = rp_store_login_failure_count(r->store, email, r->now - LOGIN_WINDOW, &failures)) != 0)
    goto cleanup;
  if (failures >= LOGIN_MAX_FAILURES) {
    rp_resp_header(r, "Retry-After", "900");
    rc = rp_error_set(RP_ERATELIMIT, NULL, "too many failed logins; try again later");
    goto cleanup;
  }

  rp_user u;
  rc = rp_store_user_by_email(r->store, &r->arena, &u, email);
  if (rc == RP_ENOTFOUND) {
    pthread_once(&dummy_once, make_dummy_hash);
    (void)rp_password_verify(dummy_hash, password);
    rc = record_failure(r, email);
    goto cleanup;
  }
  if (rc != 0) goto cleanup;
  if (!rp_password_verify(u.password_hash, password) || u.disabled_at) {
    rc = record_failure(r, email);
    goto cleanup;
  }
  if ((rc = rp_store_login_failure_clear(r->store, email)) != 0) goto cleanup;

  char secret[RP_SECRET_LEN + 1], csrf[RP_SECRET_LEN + 1];
  rp_token t = {0};
  rp_auth_secret_new(secret);
  rp_auth_token_hash(t.hash, secret, RP_SECRET_LEN);
  rp_auth_csrf_token(csrf, secret, RP_SECRET_LEN);
  memcpy(t.account_id, u.account_id, RP_ID_LEN);
  memcpy(t.user_id, u.id, RP_ID_LEN);
  t.kind = RP_TOKEN_SESSION;
  t.created_at = t.last_used_at = r->now;
  t.expires_at = r->now + RP_SESSION_TTL;
  if ((rc = rp_store_token_create(r->store, &t)) != 0) goto cleanup;

  char exp[21];
  rp_resp_header(r, "Set-Cookie",
                 rp_arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d",
                                 RP_SESSION_COOKIE, secret, RP_SESSION_TTL));
  rp_resp_json(r, 200,
               json_pack("{s:s, s:s, s:s, s:o}", "token", secret, "csrf_token", csrf, "expires_at",
                         rp_time_format(t.expires_at, exp), "user", rp_user_json(&u)));
  sodium_memzero(secret, sizeof secret);

cleanup:
  json_decref(body);
  return rc;
}

/* POST /api/v1/auth/logout: ends the session used (an API token is left
 * alone: DELETE /api/v1/tokens/{id} revokes those) and clears the cookie. */
int rp_h_logout(rp_req *r) {
  const char *tok;
  size_t tlen;
  bool via_cookie;
  rp_token t;
  int rc;
  if ((rc = request_credential(r, &tok, &tlen, &via_cookie)) != 0) return rc;
  if ((rc = lookup_token(r, &t, tok, tlen)) != 0) return rc;
  if (t.kind == RP_TOKEN_SESSION && (rc = rp_store_token_delete(r->store, t.account_id, t.id)) != 0)
    return rc;
  rp_resp_header(r, "Set-Cookie", RP_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  rp_resp_empty(r, 204);
  return 0;
}

/* GET /api/v1/me: the signed-in user. */
int rp_h_me(rp_req *r) {
  rp_user u;
  int rc = rp_store_user_get(r->store, &r->arena, &u, r->auth.account_id, r->auth.user_id);
  if (rc == RP_ENOTFOUND) return rp_error_set(RP_EUNAUTHORIZED, NULL, "this user is gone");
  if (rc != 0) return rc;
  rp_resp_json(r, 200, rp_user_json(&u));
  return 0;
}
