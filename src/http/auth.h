/* auth.h: credentials of a request (API.md "Auth and users"): session and
 * API token secrets, their stored hashes, the CSRF token of a session, and
 * the user JSON shared by the auth, users and tokens handlers.
 *
 * A secret is 32 random bytes sent to the client as base64url (43
 * characters, no padding). The database keeps only hex(BLAKE2b-256(bytes)).
 * The CSRF token of a session is base64url(BLAKE2b-256 keyed with a fixed
 * context, of the secret's bytes): it needs no storage and the server can
 * recompute it from the cookie. */
#ifndef RP_AUTH_H
#define RP_AUTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define RP_SESSION_COOKIE "rapport_session"
#define RP_SESSION_TTL (30 * 24 * 3600) /* seconds, also the cookie Max-Age */
#define RP_SECRET_BYTES 32
#define RP_SECRET_LEN 43         /* base64url characters of RP_SECRET_BYTES */
#define RP_TOKEN_HASH_LEN 65     /* 64 hex digits and the NUL */
#define RP_TOKEN_TOUCH_EVERY 600 /* last_used_at is written at most this often */

/* Draws a new secret (libsodium randombytes) as base64url into out.
 * Requires rp_crypto_init(). */
void rp_auth_secret_new(char out[static RP_SECRET_LEN + 1]);

/* The stored hash of the secret p[0..len). Returns false when p is not a
 * canonical base64url encoding of RP_SECRET_BYTES bytes (no token can
 * match it). */
bool rp_auth_token_hash(char out[static RP_TOKEN_HASH_LEN], const char *p, size_t len);

/* The CSRF token of the session secret p[0..len) (base64url, 43 chars);
 * false when p is not a well-formed secret. */
bool rp_auth_csrf_token(char out[static RP_SECRET_LEN + 1], const char *p, size_t len);

/* Finds cookie `name` in a Cookie header value h[0..len) ("a=1; b=2").
 * Sets *val and *vlen to the value (surrounding double quotes removed) and
 * returns true; false when absent. Pure and bounded. */
bool rp_auth_cookie_find(const char *h, size_t len, const char *name, const char **val,
                         size_t *vlen);

/* Reads "Bearer <token>" (scheme case-insensitive) from an Authorization
 * header value h[0..len); false when it is another scheme or empty. */
bool rp_auth_bearer(const char *h, size_t len, const char **tok, size_t *tlen);

/* Resolves the request's credentials into r->auth: a bearer token (session
 * or API token) first, else the session cookie. A cookie-authenticated
 * request other than GET/HEAD must carry a matching X-CSRF-Token.
 * Touches the token's last_used_at at most every RP_TOKEN_TOUCH_EVERY.
 * Returns 0, RP_EUNAUTHORIZED (no or bad credentials, user gone) or
 * RP_EFORBIDDEN (CSRF check failed), with the error set. Runs outside the
 * request's transaction (each store call in its own). */
int rp_auth_resolve(rp_req *r);

/* The API.md user object {id, email, name, role, phone, created_at,
 * updated_at, version}: never the password hash. New reference. */
json_t *rp_user_json(const rp_user *u);

#endif
