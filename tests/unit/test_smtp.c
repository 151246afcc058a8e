/* test_smtp.c: the email channel against a real SMTP server
 * (tests/fakes/smtp_server.py, aiosmtpd): API.md "Email goes out over SMTP
 * (STARTTLS when offered)". Asserts what the server received and decoded
 * (envelope, headers, body), that STARTTLS and AUTH are used when offered,
 * and how refusals and outages are classified for the outbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "channels/smtp.h"
#include "peer.h"
#include "util/error.h"

typedef struct server {
  rp_peer peer;
  char out[256]; /* its JSON-lines file */
  char url[64];
} server;

static server plain, tls;
static bool tls_ok;
static const char *python;

/* A Python with aiosmtpd: python3 from PATH, else Debian's system one
 * (python3-aiosmtpd installs there). */
static const char *find_python(void) {
  static const char *const cands[] = {"python3", "/usr/bin/python3"};
  for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
    char *const argv[] = {(char *)cands[i], "-c", "import aiosmtpd", NULL};
    if (rp_peer_runs(argv)) return cands[i];
  }
  return NULL;
}

static int start_server(server *s, const char *name, const char *extra1, const char *extra2,
                        const char *extra3) {
  const char *tmp = getenv("TMPDIR");
  snprintf(s->out, sizeof s->out, "%s/rapport-smtp-%s-%ld.jsonl", tmp && *tmp ? tmp : "/tmp", name,
           (long)getpid());
  unlink(s->out);
  char *const argv[] = {(char *)python,
                        "tests/fakes/smtp_server.py",
                        s->out,
                        (char *)extra1,
                        (char *)extra2,
                        (char *)extra3,
                        NULL};
  if (rp_peer_start(&s->peer, argv, 15000) != 0) return -1;
  snprintf(s->url, sizeof s->url, "smtp://127.0.0.1:%d", s->peer.port);
  return 0;
}

static int start_servers(void **state) {
  (void)state;
  python = find_python();
  if (!python) {
    fprintf(stderr, "test_smtp: no python3 with aiosmtpd; install python3-aiosmtpd "
                    "(scripts/deps)\n");
    return -1;
  }
  if (start_server(&plain, "plain", NULL, NULL, NULL) != 0) return -1;
  char *const openssl[] = {"openssl", "version", NULL};
  tls_ok = rp_peer_runs(openssl) &&
           start_server(&tls, "tls", "--starttls", "--auth", "agent:correct horse") == 0;
  if (!tls_ok) fprintf(stderr, "test_smtp: no openssl: the STARTTLS tests are skipped\n");
  return 0;
}

static int stop_servers(void **state) {
  (void)state;
  rp_peer_stop(&plain.peer);
  unlink(plain.out);
  if (tls_ok) {
    rp_peer_stop(&tls.peer);
    unlink(tls.out);
  }
  return 0;
}

/* The n-th message (0-based) the server saved (caller decrefs). */
static json_t *received(const server *s, size_t n) {
  rp_sb line = {0};
  if (!rp_peer_file_line(&line, s->out, n)) fail_msg("the server has no message %zu", n);
  json_t *j = json_loads(rp_sb_str(&line), 0, NULL);
  rp_sb_free(&line);
  assert_non_null(j);
  return j;
}

/* The decoded value of a header of a received message, or NULL. */
static const char *hdr(json_t *rec, const char *name) {
  json_t *hs = json_object_get(rec, "headers"), *h;
  size_t i;
  json_array_foreach(hs, i, h) {
    if (strcasecmp(json_string_value(json_array_get(h, 0)), name) == 0)
      return json_string_value(json_array_get(h, 1));
  }
  return NULL;
}

static rp_mail an_email(void) {
  return (rp_mail){
      .from = "agent@example.com",
      .to = "jane@example.org",
      .subject = "Hello",
      .body_text = "Hi Jane\n",
      .message_id = NULL,
  };
}

static void test_smtp_delivers_headers_and_body_as_written(void **state) {
  (void)state;
  size_t before = rp_peer_file_lines(plain.out);
  char body[600];
  size_t n = (size_t)snprintf(body, sizeof body,
                              "Bonjour Renée,\n\nVotre maison vaut 450 000 € (prix = estimation).\n"
                              ".\n"
                              ".hidden line that starts with a dot\n"
                              "..two dots\n");
  while (n < 400)
    n += (size_t)snprintf(body + n, sizeof body - n, "très long ");
  snprintf(body + n, sizeof body - n, "\nFin.\n");
  rp_mail m = an_email();
  m.from_name = "Sam Agent";
  m.to_name = "Renée Dupont";
  m.subject = "Votre estimation à Montréal — 450 000 €";
  m.body_text = body;
  m.message_id = "msg-42@crm.example.com";
  m.date = 1795961100;
  m.list_unsubscribe_url = "https://crm.example.com/unsubscribe/abc123";
  rp_smtp_config cfg = {.url = plain.url, .from = "ignored@example.com"};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  if (r.status != RP_SEND_SENT) fail_msg("not sent: %s", r.reason);
  assert_int_equal(r.code, 250);
  assert_non_null(strstr(r.reason, "queued as"));
  assert_string_equal(r.provider_id, "msg-42@crm.example.com");

  assert_int_equal(rp_peer_file_lines(plain.out), before + 1);
  json_t *rec = received(&plain, before);
  assert_string_equal(json_string_value(json_object_get(rec, "mail_from")), "agent@example.com");
  json_t *rcpt = json_object_get(rec, "rcpt_tos");
  assert_int_equal(json_array_size(rcpt), 1);
  assert_string_equal(json_string_value(json_array_get(rcpt, 0)), "jane@example.org");
  assert_false(json_is_true(json_object_get(rec, "tls"))); /* this server offers no STARTTLS */
  assert_string_equal(hdr(rec, "Subject"), m.subject);
  assert_string_equal(hdr(rec, "From"), "Sam Agent <agent@example.com>");
  assert_string_equal(hdr(rec, "To"), "Renée Dupont <jane@example.org>");
  assert_string_equal(hdr(rec, "Message-ID"), "<msg-42@crm.example.com>");
  assert_string_equal(hdr(rec, "Date"), "Sun, 29 Nov 2026 14:05:00 +0000");
  assert_string_equal(hdr(rec, "List-Unsubscribe"), "<https://crm.example.com/unsubscribe/abc123>");
  assert_string_equal(hdr(rec, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  assert_string_equal(hdr(rec, "Content-Transfer-Encoding"), "quoted-printable");
  /* the body as the reader sees it: dots intact (libcurl dot-stuffs, the
   * server unstuffs), accents and the long line restored */
  assert_string_equal(json_string_value(json_object_get(rec, "body")), body);
  /* on the wire no line passes 76 characters */
  const char *data = json_string_value(json_object_get(rec, "data"));
  size_t col = 0;
  for (const char *p = data; *p; p++) {
    col = (*p == '\n') ? 0 : col + 1;
    if (col > 77) fail_msg("a line of the message is longer than 76 characters");
  }
  json_decref(rec);
}

static void test_smtp_fills_sender_message_id_and_date(void **state) {
  (void)state;
  size_t before = rp_peer_file_lines(plain.out);
  rp_mail m = an_email();
  m.from = NULL; /* the configured sender */
  rp_smtp_config cfg = {.url = plain.url, .from = "office@agency.example"};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  assert_int_equal(r.status, RP_SEND_SENT);
  json_t *rec = received(&plain, before);
  assert_string_equal(json_string_value(json_object_get(rec, "mail_from")),
                      "office@agency.example");
  assert_string_equal(hdr(rec, "From"), "office@agency.example");
  char want[300];
  snprintf(want, sizeof want, "<%s>", r.provider_id);
  assert_string_equal(hdr(rec, "Message-ID"), want);
  assert_non_null(strstr(r.provider_id, "@agency.example"));
  assert_int_equal(strlen(r.provider_id), 36 + strlen("@agency.example"));
  assert_non_null(hdr(rec, "Date"));
  json_decref(rec);
}

/* The server offers STARTTLS without requiring it: it is used all the same. */
static void test_smtp_uses_starttls_when_offered(void **state) {
  (void)state;
  if (!tls_ok) skip();
  size_t before = rp_peer_file_lines(tls.out);
  rp_mail m = an_email();
  m.subject = "Over TLS";
  rp_smtp_config cfg = {.url = tls.url, .ca_file = tls.peer.cert};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  if (r.status != RP_SEND_SENT) fail_msg("not sent: %s", r.reason);
  json_t *rec = received(&tls, before);
  assert_true(json_is_true(json_object_get(rec, "tls")));
  assert_true(json_is_null(json_object_get(rec, "auth_login")));
  assert_string_equal(hdr(rec, "Subject"), "Over TLS");
  json_decref(rec);
}

static void test_smtp_logs_in_over_tls(void **state) {
  (void)state;
  if (!tls_ok) skip();
  size_t before = rp_peer_file_lines(tls.out);
  rp_mail m = an_email();
  rp_smtp_config cfg = {
      .url = tls.url, .username = "agent", .password = "correct horse", .ca_file = tls.peer.cert};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  if (r.status != RP_SEND_SENT) fail_msg("not sent: %s", r.reason);
  json_t *rec = received(&tls, before);
  assert_true(json_is_true(json_object_get(rec, "tls")));
  assert_string_equal(json_string_value(json_object_get(rec, "auth_login")), "agent");
  json_decref(rec);
}

static void test_smtp_untrusted_certificate_is_retryable(void **state) {
  (void)state;
  if (!tls_ok) skip();
  size_t before = rp_peer_file_lines(tls.out);
  rp_mail m = an_email();
  rp_smtp_config cfg = {.url = tls.url, .username = "agent", .password = "correct horse"};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 0);
  assert_null(strstr(r.reason, "correct horse"));
  assert_int_equal(rp_peer_file_lines(tls.out), before);
}

static void test_smtp_refused_login_is_permanent(void **state) {
  (void)state;
  if (!tls_ok) skip();
  size_t before = rp_peer_file_lines(tls.out);
  rp_mail m = an_email();
  rp_smtp_config cfg = {
      .url = tls.url, .username = "agent", .password = "wrong battery", .ca_file = tls.peer.cert};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  assert_int_equal(r.status, RP_SEND_PERMANENT);
  assert_int_equal(r.code, 535);
  assert_non_null(strstr(r.reason, "535"));
  assert_null(strstr(r.reason, "wrong battery"));
  assert_int_equal(rp_peer_file_lines(tls.out), before);
}

static void test_smtp_5xx_reply_is_permanent(void **state) {
  (void)state;
  size_t before = rp_peer_file_lines(plain.out);
  rp_mail m = an_email();
  m.to = "smtp-550@example.org";
  rp_smtp_config cfg = {.url = plain.url};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  assert_int_equal(r.status, RP_SEND_PERMANENT);
  assert_int_equal(r.code, 550);
  assert_string_equal(r.reason,
                      "the mail server refused: 550 5.1.1 Mailbox unavailable: no such user "
                      "here (test)");
  assert_string_equal(r.provider_id, "");
  assert_int_equal(rp_peer_file_lines(plain.out), before);
}

static void test_smtp_4xx_reply_is_retryable(void **state) {
  (void)state;
  rp_mail m = an_email();
  m.to = "smtp-451@example.org";
  rp_smtp_config cfg = {.url = plain.url};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 451);
  assert_non_null(strstr(r.reason, "451 4.3.0"));
}

static void test_smtp_connection_refused_is_retryable(void **state) {
  (void)state;
  char url[64];
  snprintf(url, sizeof url, "smtp://127.0.0.1:%d", rp_peer_closed_port());
  rp_mail m = an_email();
  rp_smtp_config cfg = {.url = url, .connect_timeout_ms = 2000};
  rp_smtp_result r;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), 0);
  assert_int_equal(r.status, RP_SEND_RETRY);
  assert_int_equal(r.code, 0);
  assert_non_null(strstr(r.reason, "no answer from the mail server"));
}

static void test_smtp_invalid_email_is_refused_before_connecting(void **state) {
  (void)state;
  size_t before = rp_peer_file_lines(plain.out);
  rp_smtp_config cfg = {.url = plain.url};
  rp_smtp_result r;
  rp_mail m = an_email();
  m.subject = "Hi\r\nBcc: everyone@example.net";
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "subject");
  assert_int_equal(r.status, RP_SEND_PERMANENT);
  assert_non_null(strstr(r.reason, "subject: contains a line break"));

  m = an_email();
  m.to = "jane@example.org>\r\nRCPT TO:<everyone@example.net";
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "to");

  m = an_email();
  m.from = NULL;
  assert_int_equal(rp_smtp_send(&r, &cfg, &m), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "from");

  rp_smtp_config bad = {.url = "http://127.0.0.1:25"};
  m = an_email();
  assert_int_equal(rp_smtp_send(&r, &bad, &m), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "smtp.url");
  assert_int_equal(r.status, RP_SEND_PERMANENT);
  assert_int_equal(rp_peer_file_lines(plain.out), before);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_smtp_delivers_headers_and_body_as_written),
      cmocka_unit_test(test_smtp_fills_sender_message_id_and_date),
      cmocka_unit_test(test_smtp_uses_starttls_when_offered),
      cmocka_unit_test(test_smtp_logs_in_over_tls),
      cmocka_unit_test(test_smtp_untrusted_certificate_is_retryable),
      cmocka_unit_test(test_smtp_refused_login_is_permanent),
      cmocka_unit_test(test_smtp_5xx_reply_is_permanent),
      cmocka_unit_test(test_smtp_4xx_reply_is_retryable),
      cmocka_unit_test(test_smtp_connection_refused_is_retryable),
      cmocka_unit_test(test_smtp_invalid_email_is_refused_before_connecting),
  };
  return cmocka_run_group_tests(tests, start_servers, stop_servers);
}
