/* test_request.c: the HTTP layer's pure parts: the listen address of
 * `rapport serve --listen`, the session cookie and bearer credentials, the
 * token hashes and CSRF tokens (API.md "Auth and users"), the response and
 * access helpers of http.h, and the /metrics text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "http/auth.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/server.h"
#include "util/error.h"
#include "util/password.h"

/* ---- listen addresses ---- */

static int parse(const char *s, struct sockaddr_storage *sa, unsigned *len) {
  rp_error_clear();
  return rp_server_parse_listen(sa, len, s, strlen(s));
}

static void test_listen_ipv4_host_and_port(void **state) {
  (void)state;
  struct sockaddr_storage sa;
  unsigned len = 0;
  assert_int_equal(parse("127.0.0.1:8080", &sa, &len), 0);
  const struct sockaddr_in *a4 = (const struct sockaddr_in *)&sa;
  assert_int_equal(a4->sin_family, AF_INET);
  assert_int_equal(ntohs(a4->sin_port), 8080);
  assert_int_equal(ntohl(a4->sin_addr.s_addr), INADDR_LOOPBACK);
  assert_int_equal(len, sizeof(struct sockaddr_in));

  assert_int_equal(parse("localhost:0", &sa, &len), 0);
  assert_int_equal(ntohl(a4->sin_addr.s_addr), INADDR_LOOPBACK);
  assert_int_equal(ntohs(a4->sin_port), 0);

  assert_int_equal(parse("0.0.0.0:65535", &sa, &len), 0);
  assert_int_equal(ntohs(a4->sin_port), 65535);
}

static void test_listen_ipv6_in_brackets(void **state) {
  (void)state;
  struct sockaddr_storage sa;
  unsigned len = 0;
  assert_int_equal(parse("[::1]:8443", &sa, &len), 0);
  const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&sa;
  assert_int_equal(a6->sin6_family, AF_INET6);
  assert_int_equal(ntohs(a6->sin6_port), 8443);
  assert_true(IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr));
  assert_int_equal(len, sizeof(struct sockaddr_in6));
}

static void test_listen_port_only_is_every_interface(void **state) {
  (void)state;
  struct sockaddr_storage sa;
  unsigned len = 0;
  assert_int_equal(parse(":8080", &sa, &len), 0);
  const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&sa;
  assert_int_equal(a6->sin6_family, AF_INET6);
  assert_true(IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr));
  assert_int_equal(ntohs(a6->sin6_port), 8080);
}

static void test_listen_bad_addresses_are_refused_with_a_reason(void **state) {
  (void)state;
  static const char *bad[] = {
      "",
      "8080",
      "127.0.0.1",
      "127.0.0.1:",
      "127.0.0.1:65536",
      "127.0.0.1:80a",
      "127.0.0.1:123456",
      "::1:8080",
      "[::1]8080",
      "[::1:8080",
      "[127.0.0.1]:80",
      "256.1.1.1:80",
      "example.com:80",
      "127.0.0.1:-1",
      "a-very-long-host-name-that-goes-on-and-on-and-on-and-on-and-on-and-on:1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct sockaddr_storage sa;
    unsigned len = 0;
    if (parse(bad[i], &sa, &len) != RP_EINVALID_VALUE) fail_msg("accepted '%s'", bad[i]);
    assert_string_equal(rp_error_last()->field, "listen");
    assert_non_null(strstr(rp_error_last()->message, "bad listen address"));
  }
}

/* ---- credentials in headers ---- */

static void test_cookie_found_among_others(void **state) {
  (void)state;
  const char *h = "theme=dark; rapport_session=abc123;  other=\"x\"";
  const char *v;
  size_t n;
  assert_true(rp_auth_cookie_find(h, strlen(h), "rapport_session", &v, &n));
  assert_int_equal(n, 6);
  assert_memory_equal(v, "abc123", 6);
  assert_true(rp_auth_cookie_find(h, strlen(h), "other", &v, &n));
  assert_int_equal(n, 1); /* quotes removed */
  assert_memory_equal(v, "x", 1);
}

static void test_cookie_name_must_match_exactly(void **state) {
  (void)state;
  const char *h = "rapport_session_old=1; xrapport_session=2; rapport_sessio=3";
  const char *v;
  size_t n;
  assert_false(rp_auth_cookie_find(h, strlen(h), "rapport_session", &v, &n));
  assert_false(rp_auth_cookie_find("", 0, "rapport_session", &v, &n));
  assert_false(rp_auth_cookie_find(";;; ;", 5, "rapport_session", &v, &n));
  const char *noeq = "rapport_session; a=b";
  assert_false(rp_auth_cookie_find(noeq, strlen(noeq), "rapport_session", &v, &n));
}

static void test_cookie_parse_stays_within_len(void **state) {
  (void)state;
  const char *h = "a=1; rapport_session=secret";
  const char *v;
  size_t n;
  /* the bytes past len are not part of the header */
  assert_false(rp_auth_cookie_find(h, 4, "rapport_session", &v, &n));
  assert_true(rp_auth_cookie_find(h, strlen(h) - 2, "rapport_session", &v, &n));
  assert_int_equal(n, 4);
  assert_memory_equal(v, "secr", 4);
}

static void test_bearer_scheme(void **state) {
  (void)state;
  const char *t;
  size_t n;
  const char *h = "Bearer abc.DEF-_";
  assert_true(rp_auth_bearer(h, strlen(h), &t, &n));
  assert_int_equal(n, 9);
  assert_memory_equal(t, "abc.DEF-_", 9);
  h = "  bearer    tok  ";
  assert_true(rp_auth_bearer(h, strlen(h), &t, &n));
  assert_int_equal(n, 3);
  assert_memory_equal(t, "tok", 3);

  static const char *bad[] = {"Basic Zm9vOmJhcg==", "Bearer", "Bearer   ", "Bearerabc",
                              "Bearer a b",         "",       "Token abc"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (rp_auth_bearer(bad[i], strlen(bad[i]), &t, &n)) fail_msg("accepted '%s'", bad[i]);
}

/* ---- secrets, hashes, CSRF ---- */

static void test_secret_is_43_base64url_chars_and_fresh(void **state) {
  (void)state;
  char a[RP_SECRET_LEN + 1], b[RP_SECRET_LEN + 1];
  rp_auth_secret_new(a);
  rp_auth_secret_new(b);
  assert_int_equal(strlen(a), RP_SECRET_LEN);
  assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                   RP_SECRET_LEN);
  assert_string_not_equal(a, b);
}

static void test_token_hash_is_stable_hex_and_never_the_secret(void **state) {
  (void)state;
  char s[RP_SECRET_LEN + 1], s2[RP_SECRET_LEN + 1];
  char h1[RP_TOKEN_HASH_LEN], h2[RP_TOKEN_HASH_LEN], h3[RP_TOKEN_HASH_LEN];
  rp_auth_secret_new(s);
  rp_auth_secret_new(s2);
  assert_true(rp_auth_token_hash(h1, s, strlen(s)));
  assert_true(rp_auth_token_hash(h2, s, strlen(s)));
  assert_true(rp_auth_token_hash(h3, s2, strlen(s2)));
  assert_int_equal(strlen(h1), 64);
  assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
  assert_string_equal(h1, h2);
  assert_string_not_equal(h1, h3);
  assert_null(strstr(h1, s));
}

static void test_malformed_secrets_hash_to_nothing(void **state) {
  (void)state;
  char s[RP_SECRET_LEN + 1], h[RP_TOKEN_HASH_LEN], c[RP_SECRET_LEN + 1];
  rp_auth_secret_new(s);
  assert_false(rp_auth_token_hash(h, s, RP_SECRET_LEN - 1)); /* truncated */
  assert_false(rp_auth_token_hash(h, "not-a-real-token", 16));
  assert_false(rp_auth_csrf_token(c, "forged-session-value", 20));
  char bad[RP_SECRET_LEN + 2];
  snprintf(bad, sizeof bad, "%sx", s); /* one char too many */
  assert_false(rp_auth_token_hash(h, bad, strlen(bad)));
  memcpy(bad, s, RP_SECRET_LEN + 1);
  bad[5] = '+'; /* not base64url */
  assert_false(rp_auth_token_hash(h, bad, RP_SECRET_LEN));
  /* 43 chars carry 258 bits: a last char with the 2 spare bits set is a
   * second spelling of the same bytes and is refused */
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  memcpy(bad, s, RP_SECRET_LEN + 1);
  int last = (int)(strchr(b64, s[RP_SECRET_LEN - 1]) - b64);
  bad[RP_SECRET_LEN - 1] = b64[last ^ 1];
  assert_false(rp_auth_token_hash(h, bad, RP_SECRET_LEN));
}

static void test_csrf_token_is_bound_to_its_session(void **state) {
  (void)state;
  char s1[RP_SECRET_LEN + 1], s2[RP_SECRET_LEN + 1];
  char c1[RP_SECRET_LEN + 1], c1b[RP_SECRET_LEN + 1], c2[RP_SECRET_LEN + 1];
  char h1[RP_TOKEN_HASH_LEN];
  rp_auth_secret_new(s1);
  rp_auth_secret_new(s2);
  assert_true(rp_auth_csrf_token(c1, s1, RP_SECRET_LEN));
  assert_true(rp_auth_csrf_token(c1b, s1, RP_SECRET_LEN));
  assert_true(rp_auth_csrf_token(c2, s2, RP_SECRET_LEN));
  assert_int_equal(strlen(c1), RP_SECRET_LEN);
  assert_string_equal(c1, c1b);    /* recomputable from the cookie alone */
  assert_string_not_equal(c1, c2); /* another session's token does not fit */
  assert_string_not_equal(c1, s1); /* and it does not reveal the session */
  rp_auth_token_hash(h1, s1, RP_SECRET_LEN);
  assert_null(strstr(h1, c1));
}

/* ---- request and response helpers (no connection) ---- */

static void test_json_body_needs_the_json_content_type(void **state) {
  (void)state;
  rp_req r = {0};
  r.body = "{}";
  r.body_len = 2;
  json_t *v = (json_t *)1;
  assert_int_equal(rp_req_json_object(&r, &v), RP_EMEDIATYPE);
  assert_null(v);
}

static void test_limit_defaults_to_50(void **state) {
  (void)state;
  rp_req r = {0};
  int limit = 0;
  bool b = false;
  assert_int_equal(rp_req_limit(&r, &limit), 0);
  assert_int_equal(limit, 50);
  assert_int_equal(rp_req_bool(&r, "archived", true, &b), 0);
  assert_true(b);
  assert_null(rp_req_query(&r, "limit"));
}

static void test_resp_json_sets_status_and_compact_body(void **state) {
  (void)state;
  rp_req r = {0};
  rp_resp_json(&r, 201, json_pack("{s:s, s:i}", "a", "x", "b", 2));
  assert_int_equal(r.status, 201);
  assert_string_equal(rp_sb_str(&r.out), "{\"a\":\"x\",\"b\":2}");
  rp_resp_empty(&r, 204);
  assert_int_equal(r.status, 204);
  assert_int_equal(r.out.len, 0);
  rp_sb_free(&r.out);
}

static void test_resp_headers_are_kept_up_to_the_limit(void **state) {
  (void)state;
  rp_req r = {0};
  for (int i = 0; i < RP_MAX_RESP_HEADERS + 3; i++)
    rp_resp_header(&r, "X-A", "1");
  assert_int_equal(r.n_resp_headers, RP_MAX_RESP_HEADERS);
  assert_string_equal(r.resp_headers[0][0], "X-A");
}

static void test_admin_check_by_role(void **state) {
  (void)state;
  rp_req r = {0};
  assert_int_equal(rp_req_require_admin(&r), RP_EFORBIDDEN); /* not signed in */
  r.auth.ok = true;
  r.auth.role = RP_ROLE_OWNER;
  assert_int_equal(rp_req_require_admin(&r), 0);
  r.auth.role = RP_ROLE_ADMIN;
  assert_int_equal(rp_req_require_admin(&r), 0);
  r.auth.role = RP_ROLE_AGENT;
  assert_int_equal(rp_req_require_admin(&r), RP_EFORBIDDEN);
  r.auth.role = RP_ROLE_ASSISTANT;
  assert_int_equal(rp_req_require_admin(&r), RP_EFORBIDDEN);
}

/* ---- /metrics ---- */

static void test_metrics_count_requests_by_method_and_status(void **state) {
  (void)state;
  rp_metrics_observe("GET", 200, 3000);
  rp_metrics_observe("GET", 200, 30000);
  rp_metrics_observe("BREW", 418, 20000000);
  rp_metrics_inflight_inc();
  rp_sb out = {0};
  rp_metrics_render(&out);
  const char *s = rp_sb_str(&out);
  assert_non_null(strstr(s, "# TYPE rapport_http_requests_total counter\n"));
  assert_non_null(strstr(s, "rapport_http_requests_total{method=\"GET\",status=\"200\"} 2\n"));
  assert_non_null(strstr(s, "rapport_http_requests_total{method=\"OTHER\",status=\"418\"} 1\n"));
  assert_non_null(strstr(s, "# TYPE rapport_http_request_duration_seconds histogram\n"));
  assert_non_null(strstr(s, "rapport_http_request_duration_seconds_bucket{le=\"0.005\"} 1\n"));
  assert_non_null(strstr(s, "rapport_http_request_duration_seconds_bucket{le=\"0.05\"} 2\n"));
  assert_non_null(strstr(s, "rapport_http_request_duration_seconds_bucket{le=\"10\"} 2\n"));
  assert_non_null(strstr(s, "rapport_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
  assert_non_null(strstr(s, "rapport_http_request_duration_seconds_count 3\n"));
  assert_non_null(strstr(s, "rapport_http_request_duration_seconds_sum 20.033000\n"));
  assert_non_null(strstr(s, "rapport_http_in_flight 1\n"));
  assert_non_null(strstr(s, "# TYPE rapport_uptime_seconds gauge\nrapport_uptime_seconds "));
  rp_metrics_inflight_dec();
  assert_int_equal(rp_metrics_inflight(), 0);
  rp_sb_free(&out);
}

int main(void) {
  rp_crypto_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_listen_ipv4_host_and_port),
      cmocka_unit_test(test_listen_ipv6_in_brackets),
      cmocka_unit_test(test_listen_port_only_is_every_interface),
      cmocka_unit_test(test_listen_bad_addresses_are_refused_with_a_reason),
      cmocka_unit_test(test_cookie_found_among_others),
      cmocka_unit_test(test_cookie_name_must_match_exactly),
      cmocka_unit_test(test_cookie_parse_stays_within_len),
      cmocka_unit_test(test_bearer_scheme),
      cmocka_unit_test(test_secret_is_43_base64url_chars_and_fresh),
      cmocka_unit_test(test_token_hash_is_stable_hex_and_never_the_secret),
      cmocka_unit_test(test_malformed_secrets_hash_to_nothing),
      cmocka_unit_test(test_csrf_token_is_bound_to_its_session),
      cmocka_unit_test(test_json_body_needs_the_json_content_type),
      cmocka_unit_test(test_limit_defaults_to_50),
      cmocka_unit_test(test_resp_json_sets_status_and_compact_body),
      cmocka_unit_test(test_resp_headers_are_kept_up_to_the_limit),
      cmocka_unit_test(test_admin_check_by_role),
      cmocka_unit_test(test_metrics_count_requests_by_method_and_status),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
