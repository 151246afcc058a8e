/* test_sms.c: the SMS channel of API.md "Workflows, messages, channels".
 * Pure parts: the X-Twilio-Signature check of POST /api/v1/hooks/sms (Twilio's
 * documented example), the STOP / START keywords that set and clear
 * sms_opt_out, arguments refused before any request. Against a real peer
 * (tests/fakes/sms_provider.mjs, spawned with node): what the provider
 * receives (form fields, basic auth, Idempotency-Key), one message for two
 * sends with the same key, and how failures are classified. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "channels/sms.h"
#include "peer.h"
#include "util/error.h"

/* ---- signature (Twilio's docs example, checked with Python's hmac) ---- */

static const char DOC_URL[] = "https://mycompany.com/myapp.php?foo=1&bar=2";
static const char DOC_TOKEN[] = "12345";
static const char DOC_SIG[] = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
static const rp_kv DOC_PARAMS[] = {
    {"CallSid", "CA1234567890ABCDE"}, {"Caller", "+12349013030"}, {"Digits", "1234"},
    {"From", "+12349013030"},         {"To", "+18005551212"},
};
#define NDOC (sizeof DOC_PARAMS / sizeof DOC_PARAMS[0])

static void test_sms_signature_matches_twilio_docs_example(void **state) {
  (void)state;
  char sig[RP_SMS_SIGNATURE_LEN + 1];
  rp_sms_signature(sig, DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC);
  assert_string_equal(sig, DOC_SIG);
  assert_true(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC, DOC_SIG));
  /* the order the form arrived in does not matter: sorted by name */
  const rp_kv shuffled[] = {DOC_PARAMS[4], DOC_PARAMS[2], DOC_PARAMS[0], DOC_PARAMS[3],
                            DOC_PARAMS[1]};
  assert_true(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, shuffled, NDOC, DOC_SIG));
}

static void test_sms_signature_refuses_any_change(void **state) {
  (void)state;
  rp_kv p[NDOC];
  memcpy(p, DOC_PARAMS, sizeof p);
  /* another token, URL, parameter value, extra or missing parameter */
  assert_false(rp_sms_signature_valid("12346", DOC_URL, p, NDOC, DOC_SIG));
  assert_false(rp_sms_signature_valid(DOC_TOKEN, "https://mycompany.com/myapp.php?foo=1&bar=3", p,
                                      NDOC, DOC_SIG));
  assert_false(rp_sms_signature_valid(DOC_TOKEN, "http://mycompany.com/myapp.php?foo=1&bar=2", p,
                                      NDOC, DOC_SIG));
  p[2].value = "1235";
  assert_false(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, p, NDOC, DOC_SIG));
  assert_false(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC - 1, DOC_SIG));
  rp_kv more[NDOC + 1];
  memcpy(more, DOC_PARAMS, sizeof DOC_PARAMS);
  more[NDOC] = (rp_kv){"Body", "STOP"};
  assert_false(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, more, NDOC + 1, DOC_SIG));
  /* a forged, truncated, padded or absent signature; an empty token */
  assert_false(
      rp_sms_signature_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC, "0/KCTR6DLpKmkAf8muzZqo1nDgA="));
  assert_false(
      rp_sms_signature_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"));
  assert_false(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC,
                                      "0/KCTR6DLpKmkAf8muzZqo1nDgQ= "));
  assert_false(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC, ""));
  assert_false(rp_sms_signature_valid(DOC_TOKEN, DOC_URL, DOC_PARAMS, NDOC, NULL));
  assert_false(rp_sms_signature_valid("", DOC_URL, DOC_PARAMS, NDOC, DOC_SIG));
  assert_false(rp_sms_signature_valid(NULL, DOC_URL, DOC_PARAMS, NDOC, DOC_SIG));
}

/* ---- keywords (API.md hooks/sms: STOP... set sms_opt_out, START clear it) ---- */

static void test_sms_keywords_opt_out_and_in(void **state) {
  (void)state;
  static const struct {
    const char *body;
    rp_sms_keyword want;
  } cases[] = {
      {"STOP", RP_SMS_KEYWORD_OPT_OUT},
      {"stop", RP_SMS_KEYWORD_OPT_OUT},
      {"Stop.", RP_SMS_KEYWORD_OPT_OUT},
      {"  STOP!!\r\n", RP_SMS_KEYWORD_OPT_OUT},
      {"\"stop\"", RP_SMS_KEYWORD_OPT_OUT},
      {"StopAll", RP_SMS_KEYWORD_OPT_OUT},
      {"unsubscribe", RP_SMS_KEYWORD_OPT_OUT},
      {"Cancel", RP_SMS_KEYWORD_OPT_OUT},
      {"end", RP_SMS_KEYWORD_OPT_OUT},
      {"QUIT", RP_SMS_KEYWORD_OPT_OUT},
      {"START", RP_SMS_KEYWORD_OPT_IN},
      {" start ", RP_SMS_KEYWORD_OPT_IN},
      {"Unstop", RP_SMS_KEYWORD_OPT_IN},
      /* only when the whole message is the keyword */
      {"stop it", RP_SMS_KEYWORD_NONE},
      {"please stop", RP_SMS_KEYWORD_NONE},
      {"Don't stop", RP_SMS_KEYWORD_NONE},
      {"STOPP", RP_SMS_KEYWORD_NONE},
      {"S T O P", RP_SMS_KEYWORD_NONE},
      {"the end", RP_SMS_KEYWORD_NONE},
      {"started", RP_SMS_KEYWORD_NONE},
      {"", RP_SMS_KEYWORD_NONE},
      {"...", RP_SMS_KEYWORD_NONE},
      {"Yes, see you at 5", RP_SMS_KEYWORD_NONE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_sms_keyword k = rp_sms_keyword_of(cases[i].body, strlen(cases[i].body));
    if (k != cases[i].want) fail_msg("\"%s\": got %d want %d", cases[i].body, k, cases[i].want);
  }
  /* the length is honoured: "STOP" inside a longer buffer */
  assert_int_equal(rp_sms_keyword_of("STOPALL", 4), RP_SMS_KEYWORD_OPT_OUT);
  assert_int_equal(rp_sms_keyword_of(NULL, 0), RP_SMS_KEYWORD_NONE);
}

/* ---- the real provider ---- */

static const char SID[] = "AC5ef8732a3c49700934481addd5ce1659";
static const char TOKEN[] = "s3cr3t-token-9f8e7d";
static const char FROM[] = "+15005550006";

typedef struct fixture {
  rp_peer peer;
  char base[64];
  rp_sms_config cfg;
} fixture;

static fixture fx;

static int start_provider(void **state) {
  (void)state;
  char *const argv[] = {"node",
                        "tests/fakes/sms_provider.mjs",
                        "--account-sid",
                        (char *)SID,
                        "--auth-token",
                        (char *)TOKEN,
                        NULL};
  if (rp_peer_start(&fx.peer, argv, 10000) != 0) return -1;
  snprintf(fx.base, sizeof fx.base, "http://127.0.0.1:%d", fx.peer.port);
  return 0;
}

static int stop_provider(void **state) {
  (void)state;
  rp_peer_stop(&fx.peer);
  return 0;
}

/* Each test starts from a clean provider and the right configuration. */
static int reset(void **state) {
  (void)state;
  char url[128];
  rp_sb b = {0};
  snprintf(url, sizeof url, "%s/_reset", fx.base);
  long st = rp_peer_http(&b, url, "{}");
  rp_sb_free(&b);
  fx.cfg =
      (rp_sms_config){.base_url = fx.base, .account_sid = SID, .auth_token = TOKEN, .from = FROM};
  return st == 200 ? 0 : -1;
}

/* GET {base}{path} parsed as JSON (caller decrefs). */
static json_t *fake_get(const char *path) {
  char url[128];
  rp_sb b = {0};
  snprintf(url, sizeof url, "%s%s", fx.base, path);
  long st = rp_peer_http(&b, url, NULL);
  json_t *j = st == 200 ? json_loads(rp_sb_str(&b), 0, NULL) : NULL;
  rp_sb_free(&b);
  assert_non_null(j);
  return j;
}

static void fake_fail(const char *json) {
  char url[128];
  rp_sb b = {0};
  snprintf(url, sizeof url, "%s/_fail", fx.base);
  long st = rp_peer_http(&b, url, json);
  rp_sb_free(&b);
  assert_int_equal(st, 200);
}

static bool is_sm_sid(const char *s) {
  if (strlen(s) != 34 || strncmp(s, "SM", 2) != 0) return false;
  for (size_t i = 2; i < 34; i++)
    if (!strchr("0123456789abcdef", s[i])) return false;
  return true;
}

static void test_sms_send_posts_twilio_form_with_auth_and_key(void **state) {
  (void)state;
  const char *body = "Hi Renée, the house at 12 Rue d'Alésia is 95% sold? A&B=C+D\nCall me.";
  rp_sms_result r;
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+33612345678", body, "msg-0001"), 0);
  assert_int_equal(r.status, RP_SEND_SENT);
  assert_int_equal(r.code, 201);
  if (!is_sm_sid(r.provider_id)) fail_msg("provider_id \"%s\" is not SM + 32 hex", r.provider_id);

  json_t *msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 1);
  json_t *m = json_array_get(msgs, 0);
  assert_string_equal(json_string_value(json_object_get(m, "to")), "+33612345678");
  assert_string_equal(json_string_value(json_object_get(m, "from")), FROM);
  assert_string_equal(json_string_value(json_object_get(m, "body")), body);
  assert_string_equal(json_string_value(json_object_get(m, "sid")), r.provider_id);
  assert_string_equal(json_string_value(json_object_get(m, "idempotency_key")), "msg-0001");
  json_decref(msgs);

  json_t *reqs = fake_get("/_requests");
  assert_int_equal(json_array_size(reqs), 1);
  json_t *q = json_array_get(reqs, 0);
  char path[128];
  snprintf(path, sizeof path, "/2010-04-01/Accounts/%s/Messages.json", SID);
  assert_string_equal(json_string_value(json_object_get(q, "method")), "POST");
  assert_string_equal(json_string_value(json_object_get(q, "path")), path);
  json_t *h = json_object_get(q, "headers");
  /* "Basic " + base64("AC5ef8732a3c49700934481addd5ce1659:s3cr3t-token-9f8e7d") */
  assert_string_equal(
      json_string_value(json_object_get(h, "authorization")),
      "Basic QUM1ZWY4NzMyYTNjNDk3MDA5MzQ0ODFhZGRkNWNlMTY1OTpzM2NyM3QtdG9rZW4tOWY4ZTdk");
  assert_string_equal(json_string_value(json_object_get(h, "idempotency-key")), "msg-0001");
  assert_non_null(strstr(json_string_value(json_object_get(h, "content-type")),
                         "application/x-www-form-urlencoded"));
  json_t *form = json_object_get(q, "form");
  assert_int_equal(json_object_size(form), 3);
  assert_string_equal(json_string_value(json_object_get(form, "Body")), body);
  json_decref(reqs);
}

static void test_sms_same_idempotency_key_sends_one_message(void **state) {
  (void)state;
  rp_sms_result a, b, c;
  assert_int_equal(
      rp_sms_send(&a, &fx.cfg, "+14155550100", "Open house Sunday 2pm", "run-7-step-2"), 0);
  assert_int_equal(
      rp_sms_send(&b, &fx.cfg, "+14155550100", "Open house Sunday 2pm", "run-7-step-2"), 0);
  assert_int_equal(a.status, RP_SEND_SENT);
  assert_int_equal(b.status, RP_SEND_SENT);
  assert_string_equal(a.provider_id, b.provider_id);
  json_t *msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 1);
  json_decref(msgs);
  /* another key is another message */
  assert_int_equal(
      rp_sms_send(&c, &fx.cfg, "+14155550100", "Open house Sunday 2pm", "run-7-step-3"), 0);
  assert_int_equal(c.status, RP_SEND_SENT);
  assert_string_not_equal(c.provider_id, a.provider_id);
  msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 2);
  json_decref(msgs);
}

static void test_sms_5xx_is_retryable_and_the_retry_sends_once(void **state) {
  (void)state;
  fake_fail("{\"mode\":\"5xx\",\"count\":1}");
  rp_sms_result r;
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550101", "Price reduced", "k-5xx"), 0);
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 500);
  assert_string_equal(r.provider_id, "");
  assert_non_null(strstr(r.reason, "Internal Server Error"));
  assert_non_null(strstr(r.reason, "20500"));
  /* the retry with the same key goes through, once */
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550101", "Price reduced", "k-5xx"), 0);
  assert_int_equal(r.status, RP_SEND_SENT);
  json_t *msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 1);
  json_decref(msgs);

  fake_fail("{\"mode\":\"5xx\",\"count\":1,\"status\":503}");
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550101", "x", "k-503"), 0);
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 503);
}

static void test_sms_429_is_retryable(void **state) {
  (void)state;
  fake_fail("{\"mode\":\"4xx\",\"count\":1,\"status\":429}");
  rp_sms_result r;
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550102", "hello", "k-429"), 0);
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 429);
}

static void test_sms_400_is_permanent_with_the_provider_reason(void **state) {
  (void)state;
  rp_sms_result r;
  /* the provider itself refuses the number */
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "555-0100", "hello", "k-400a"), 0);
  assert_int_equal(r.status, RP_SEND_PERMANENT);
  assert_int_equal(r.code, 400);
  assert_string_equal(
      r.reason, "HTTP 400: The 'To' number 555-0100 is not a valid phone number. (code 21211)");
  /* an injected 4xx */
  fake_fail("{\"mode\":\"4xx\",\"count\":1}");
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550103", "hello", "k-400b"), 0);
  assert_int_equal(r.status, RP_SEND_PERMANENT);
  assert_int_equal(r.code, 400);
  assert_non_null(strstr(r.reason, "unsubscribed recipient (code 21610)"));
  json_t *msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 0);
  json_decref(msgs);
}

static void test_sms_bad_credentials_are_permanent_and_the_token_stays_secret(void **state) {
  (void)state;
  fx.cfg.auth_token = "wrong-token-123";
  rp_sms_result r;
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550104", "hello", NULL), 0);
  assert_int_equal(r.status, RP_SEND_PERMANENT);
  assert_int_equal(r.code, 401);
  assert_null(strstr(r.reason, "wrong-token-123"));
  assert_non_null(strstr(r.reason, "Authenticate"));
  /* without a key there is no Idempotency-Key header */
  json_t *reqs = fake_get("/_requests");
  assert_null(
      json_object_get(json_object_get(json_array_get(reqs, 0), "headers"), "idempotency-key"));
  json_decref(reqs);
}

static void test_sms_no_answer_is_retryable(void **state) {
  (void)state;
  fake_fail("{\"mode\":\"hang\",\"count\":1}");
  fx.cfg.timeout_ms = 700;
  rp_sms_result r;
  long t0 = rp_peer_ms_now();
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550105", "hello", "k-hang"), 0);
  long took = rp_peer_ms_now() - t0;
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 0);
  assert_non_null(strstr(r.reason, "no answer"));
  if (took < 600 || took > 5000) fail_msg("the timeout took %ld ms", took);

  char base[64];
  snprintf(base, sizeof base, "http://127.0.0.1:%d", rp_peer_closed_port());
  fx.cfg.base_url = base;
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550105", "hello", "k-refused"), 0);
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 0);
}

static void test_sms_bad_arguments_are_refused_before_any_request(void **state) {
  (void)state;
  char long_body[1700];
  memset(long_body, 'a', 1601);
  long_body[1601] = '\0';
  char exact[1601];
  memset(exact, 'b', 1600);
  exact[1600] = '\0';
  const struct {
    const char *to, *body, *key, *sid, *base, *field;
  } cases[] = {
      {"+14155550106", "", "k", SID, NULL, "body"},
      {"+14155550106", NULL, "k", SID, NULL, "body"},
      {"+14155550106", "caf\xe9", "k", SID, NULL, "body"},
      {"+14155550106", long_body, "k", SID, NULL, "body"},
      {"", "hello", "k", SID, NULL, "to"},
      {"+1 415 555 0106", "hello", "k", SID, NULL, "to"},
      {"+14155550106", "hello", "a key", SID, NULL, "idempotency_key"},
      {"+14155550106", "hello", "k\r\nX-Evil: 1", SID, NULL, "idempotency_key"},
      {"+14155550106", "hello", "k", "AC/../../x", NULL, "sms.account_sid"},
      {"+14155550106", "hello", "k", "", NULL, "sms.account_sid"},
      {"+14155550106", "hello", "k", SID, "ftp://127.0.0.1", "sms.base_url"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_sms_config cfg = fx.cfg;
    cfg.account_sid = cases[i].sid;
    if (cases[i].base) cfg.base_url = cases[i].base;
    rp_sms_result r;
    rp_error_clear();
    int rc = rp_sms_send(&r, &cfg, cases[i].to, cases[i].body, cases[i].key);
    if (rc != RP_EINVALID_VALUE) fail_msg("case %zu: rc %d", i, rc);
    assert_string_equal(rp_error_last()->field, cases[i].field);
    assert_int_equal(r.status, RP_SEND_PERMANENT);
    assert_non_null(strstr(r.reason, cases[i].field));
  }
  json_t *reqs = fake_get("/_requests");
  assert_int_equal(json_array_size(reqs), 0);
  json_decref(reqs);
  /* 1600 characters (accented ones count once) are fine */
  rp_sms_result r;
  assert_int_equal(rp_sms_send(&r, &fx.cfg, "+14155550106", exact, "k-1600"), 0);
  assert_int_equal(r.status, RP_SEND_SENT);
}

int main(void) {
  const struct CMUnitTest pure[] = {
      cmocka_unit_test(test_sms_signature_matches_twilio_docs_example),
      cmocka_unit_test(test_sms_signature_refuses_any_change),
      cmocka_unit_test(test_sms_keywords_opt_out_and_in),
  };
  const struct CMUnitTest peer[] = {
      cmocka_unit_test_setup(test_sms_send_posts_twilio_form_with_auth_and_key, reset),
      cmocka_unit_test_setup(test_sms_same_idempotency_key_sends_one_message, reset),
      cmocka_unit_test_setup(test_sms_5xx_is_retryable_and_the_retry_sends_once, reset),
      cmocka_unit_test_setup(test_sms_429_is_retryable, reset),
      cmocka_unit_test_setup(test_sms_400_is_permanent_with_the_provider_reason, reset),
      cmocka_unit_test_setup(test_sms_bad_credentials_are_permanent_and_the_token_stays_secret,
                             reset),
      cmocka_unit_test_setup(test_sms_no_answer_is_retryable, reset),
      cmocka_unit_test_setup(test_sms_bad_arguments_are_refused_before_any_request, reset),
  };
  int failed = cmocka_run_group_tests_name("sms_pure", pure, NULL, NULL);
  failed += cmocka_run_group_tests_name("sms_provider", peer, start_provider, stop_provider);
  return failed != 0;
}
