/* test_outbox.c: the outbox sender (channels/outbox.h; API.md "Workflows,
 * messages, channels": "A sent message is also an outbound activity", "An
 * opted-out contact's message is suppressed", "No step ever sends twice")
 * against real peers: the Twilio-shaped fake (tests/fakes/sms_provider.mjs)
 * and aiosmtpd (tests/fakes/smtp_server.py). Messages are queued with
 * rp_messages_compose as the API and the workflows queue them; time moves
 * by passing a later `now`, never by sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "channels/outbox.h"
#include "channels/sms.h"
#include "jobs/lifecycle.h"
#include "jobs/messages.h"
#include "peer.h"
#include "temp_db.h"
#include "util/error.h"
#include "util/password.h"
#include "util/uuid.h"

#define OK(x)                                                                                      \
  do {                                                                                             \
    if ((x) != 0) fail_msg("%s: %s", #x, rp_error_last()->message);                                \
  } while (0)

static const char SID[] = "AC0123456789abcdef0123456789abcdef";
static const char TOKEN[] = "outbox-test-token";
static const char SMS_FROM[] = "+15005550006";
static const char MAIL_FROM[] = "office@realty.example";
static const char PHONE[] = "+15551230001";
static const char EMAIL[] = "jane@example.org";

/* The peers and the database, shared by every test; each test makes its
 * own account (the sender works per account). */
static struct {
  rp_peer sms, smtp;
  char sms_base[64], smtp_url[64], smtp_out[256];
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
} g;

/* One test's account: its owner (the agent messages go out for) and one
 * contact with a phone and an email. */
typedef struct fx {
  rp_arena ar;
  rp_account acct;
  rp_user agent;
  char contact_id[RP_ID_LEN];
  rp_time now;
} fx;

static rp_time at(const char *s) {
  rp_time t = 0;
  if (rp_time_parse(&t, s, strlen(s)) != 0) fail_msg("bad time in test: %s", s);
  return t;
}

static const char *find_python(void) {
  static const char *const cands[] = {"python3", "/usr/bin/python3"};
  for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
    char *const argv[] = {(char *)cands[i], "-c", "import aiosmtpd", NULL};
    if (rp_peer_runs(argv)) return cands[i];
  }
  return NULL;
}

static int group_setup(void **state) {
  (void)state;
  rp_crypto_init();
  char *const sms[] = {"node",
                       "tests/fakes/sms_provider.mjs",
                       "--account-sid",
                       (char *)SID,
                       "--auth-token",
                       (char *)TOKEN,
                       NULL};
  if (rp_peer_start(&g.sms, sms, 10000) != 0) return -1;
  snprintf(g.sms_base, sizeof g.sms_base, "http://127.0.0.1:%d", g.sms.port);
  const char *python = find_python();
  if (!python) {
    fprintf(stderr, "test_outbox: no python3 with aiosmtpd; install python3-aiosmtpd\n");
    return -1;
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(g.smtp_out, sizeof g.smtp_out, "%s/rapport-outbox-smtp-%ld.jsonl",
           tmp && *tmp ? tmp : "/tmp", (long)getpid());
  unlink(g.smtp_out);
  char *const smtp[] = {(char *)python, "tests/fakes/smtp_server.py", g.smtp_out, NULL};
  if (rp_peer_start(&g.smtp, smtp, 15000) != 0) return -1;
  snprintf(g.smtp_url, sizeof g.smtp_url, "smtp://127.0.0.1:%d", g.smtp.port);
  return rp_test_db_open(g.path, "rapport-test-outbox", &g.s);
}

static int group_teardown(void **state) {
  (void)state;
  rp_peer_stop(&g.sms);
  rp_peer_stop(&g.smtp);
  unlink(g.smtp_out);
  rp_store_close(g.s);
  rp_test_db_remove(g.path);
  return 0;
}

/* ---- the SMS fake ---- */

static json_t *fake_get(const char *path) {
  char url[128];
  rp_sb b = {0};
  snprintf(url, sizeof url, "%s%s", g.sms_base, path);
  long st = rp_peer_http(&b, url, NULL);
  if (st != 200) fail_msg("GET %s: %ld", path, st);
  json_t *j = json_loads(rp_sb_str(&b), 0, NULL);
  rp_sb_free(&b);
  assert_non_null(j);
  return j;
}

static void fake_post(const char *path, const char *json) {
  char url[128];
  rp_sb b = {0};
  snprintf(url, sizeof url, "%s%s", g.sms_base, path);
  long st = rp_peer_http(&b, url, json);
  rp_sb_free(&b);
  if (st != 200) fail_msg("POST %s: %ld", path, st);
}

/* The JSON-lines record of the n-th email the SMTP server received. */
static json_t *received(size_t n) {
  rp_sb line = {0};
  if (!rp_peer_file_line(&line, g.smtp_out, n)) fail_msg("the SMTP server has no message %zu", n);
  json_t *j = json_loads(rp_sb_str(&line), 0, NULL);
  rp_sb_free(&line);
  assert_non_null(j);
  return j;
}

static const char *hdr(json_t *rec, const char *name) {
  json_t *hs = json_object_get(rec, "headers"), *h;
  size_t i;
  json_array_foreach(hs, i, h) {
    if (strcasecmp(json_string_value(json_array_get(h, 0)), name) == 0)
      return json_string_value(json_array_get(h, 1));
  }
  return NULL;
}

/* ---- fixture ---- */

static void put_channels(fx *f, bool sms, bool email) {
  rp_channels c = {0};
  memcpy(c.account_id, f->acct.id, RP_ID_LEN);
  if (sms) {
    c.sms_base_url = g.sms_base;
    c.sms_account_sid = SID;
    c.sms_auth_token = TOKEN;
    c.sms_from = SMS_FROM;
  }
  if (email) {
    c.smtp_url = g.smtp_url;
    c.smtp_from = MAIL_FROM;
  }
  c.updated_at = f->now;
  OK(rp_store_channels_put(g.s, &c));
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  f->now = at("2026-03-02T15:00:00Z");
  f->acct = (rp_account){.name = "Harbor & Oak Realty", .created_at = at("2025-01-01")};
  OK(rp_store_account_create(g.s, &f->acct));
  f->agent = (rp_user){.email = rp_arena_printf(&f->ar, "olive-%s@realty.example", f->acct.id),
                       .name = "Olive Agent",
                       .phone = "+15551239999",
                       .role = RP_ROLE_OWNER,
                       .password_hash = "x",
                       .created_at = at("2025-01-01"),
                       .updated_at = at("2025-01-01")};
  memcpy(f->agent.account_id, f->acct.id, RP_ID_LEN);
  OK(rp_store_user_create(g.s, &f->agent));
  rp_email em = {.address = EMAIL, .label = "home"};
  rp_phone ph = {.number = PHONE, .label = "mobile"};
  rp_contact c = {0};
  memcpy(c.account_id, f->acct.id, RP_ID_LEN);
  c.first_name = "Jane";
  c.last_name = "Doe";
  c.display_name = "Jane Doe";
  c.emails = &em;
  c.n_emails = 1;
  c.phones = &ph;
  c.n_phones = 1;
  c.status = RP_STATUS_PROSPECT;
  c.stage = RP_STAGE_KNOW;
  c.type = RP_TYPE_CLIENT;
  c.custom_json = "{}";
  c.known_since = "2025-06-01";
  c.owner_id = f->agent.id;
  c.created_at = c.updated_at = at("2025-06-01");
  OK(rp_store_contact_create(g.s, &c));
  memcpy(f->contact_id, c.id, RP_ID_LEN);
  put_channels(f, true, true);
  fake_post("/_reset", "{}");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  rp_arena_free(&f->ar);
  free(f);
  return 0;
}

static rp_contact contact(fx *f) {
  rp_contact c;
  OK(rp_store_contact_get(g.s, &f->ar, &c, f->acct.id, f->contact_id));
  return c;
}

/* Queues one message as POST /messages or a workflow step does. */
static rp_message queue(fx *f, const char *channel, const char *subject, const char *body,
                        const char *run_id, bool to_agent) {
  rp_lifecycle lc;
  rp_message m;
  OK(rp_store_begin(g.s, true));
  OK(rp_lifecycle_init(&lc, g.s, &f->ar, f->acct.id, f->agent.id, f->now));
  rp_contact c = contact(f);
  rp_compose cm = {.channel = channel,
                   .subject_tpl = subject,
                   .body_tpl = body,
                   .run_id = run_id,
                   .step = run_id ? 0 : -1,
                   .to_agent = to_agent};
  OK(rp_messages_compose(&m, &lc, &c, &f->agent, &cm));
  OK(rp_store_commit(g.s));
  return m;
}

static rp_message message(fx *f, const char *id) {
  rp_message m;
  OK(rp_store_message_get(g.s, &f->ar, &m, f->acct.id, id));
  return m;
}

static rp_outbox_report run(fx *f, rp_time now) {
  rp_outbox_report r;
  memset(&r, 0xff, sizeof r);
  OK(rp_outbox_run(&r, g.s, f->acct.id, now, 10));
  return r;
}

static size_t n_activities(fx *f) {
  rp_activity_query q = {.account_id = f->acct.id, .contact_id = f->contact_id, .limit = 50};
  rp_activity *items;
  size_t n;
  char *next;
  int64_t total;
  OK(rp_store_activity_list(g.s, &f->ar, &q, &items, &n, &next, &total));
  return n;
}

/* ---- tests ---- */

static void test_outbox_backoff_30s_2m_10m_1h_then_6h(void **state) {
  (void)state;
  assert_int_equal(rp_outbox_backoff_s(1), 30);
  assert_int_equal(rp_outbox_backoff_s(2), 120);
  assert_int_equal(rp_outbox_backoff_s(3), 600);
  assert_int_equal(rp_outbox_backoff_s(4), 3600);
  assert_int_equal(rp_outbox_backoff_s(5), 21600);
  assert_int_equal(rp_outbox_backoff_s(7), 21600);
  assert_int_equal(rp_outbox_backoff_s(100), 21600);
}

/* The SMS reaches the provider once with To, From, Body and the message id
 * as Idempotency-Key; the message is sent with the provider's sid; an
 * outbound sms activity is recorded and the contact rescored. */
static void test_outbox_sms_sent_once_and_recorded_as_outbound_activity(void **state) {
  fx *f = *state;
  double score_before = contact(f).score;
  size_t acts_before = n_activities(f);
  rp_message q = queue(f, "sms", NULL, "Hi {{first_name}}, {{agent.name}} here.", NULL, false);
  assert_string_equal(q.status, "queued");

  rp_outbox_report r = run(f, f->now);
  assert_int_equal(r.claimed, 1);
  assert_int_equal(r.sent, 1);
  assert_int_equal(r.failed + r.retried + r.released + r.lost, 0);

  json_t *msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 1);
  json_t *sm = json_array_get(msgs, 0);
  assert_string_equal(json_string_value(json_object_get(sm, "to")), PHONE);
  assert_string_equal(json_string_value(json_object_get(sm, "from")), SMS_FROM);
  assert_string_equal(json_string_value(json_object_get(sm, "body")), "Hi Jane, Olive Agent here.");
  assert_string_equal(json_string_value(json_object_get(sm, "idempotency_key")), q.id);

  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "sent");
  assert_string_equal(m.provider_id, json_string_value(json_object_get(sm, "sid")));
  assert_int_equal(m.sent_at, f->now);
  assert_int_equal(m.attempts, 1);
  assert_null(m.reason);
  assert_true(m.activity_id[0]);
  json_decref(msgs);

  rp_activity a;
  OK(rp_store_activity_get(g.s, &f->ar, &a, f->acct.id, m.activity_id));
  assert_string_equal(a.contact_id, f->contact_id);
  assert_int_equal(a.kind, RP_KIND_SMS);
  assert_int_equal(a.direction, RP_DIR_OUTBOUND);
  assert_int_equal(a.occurred_at, f->now);
  assert_string_equal(a.body, "Hi Jane, Olive Agent here.");
  assert_string_equal(a.source, "message");
  assert_int_equal(n_activities(f), acts_before + 1);
  /* SCORING.md engagement counts an unanswered outbound message */
  assert_true(contact(f).score > score_before);

  /* nothing left: a second run sends nothing */
  r = run(f, f->now + 3600);
  assert_int_equal(r.claimed, 0);
  msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 1);
  json_decref(msgs);
}

/* A workflow's message is a "workflow" activity. */
static void test_outbox_workflow_message_activity_source_workflow(void **state) {
  fx *f = *state;
  char run_id[RP_ID_LEN];
  rp_uuid_v7(run_id);
  rp_message q = queue(f, "sms", NULL, "Welcome!", run_id, false);
  assert_int_equal(run(f, f->now).sent, 1);
  rp_message m = message(f, q.id);
  rp_activity a;
  OK(rp_store_activity_get(g.s, &f->ar, &a, f->acct.id, m.activity_id));
  assert_string_equal(a.source, "workflow");
}

/* An opted-out contact's message is suppressed: nothing reaches the
 * provider. */
static void test_outbox_opted_out_contact_is_suppressed_and_nothing_sent(void **state) {
  fx *f = *state;
  rp_contact c = contact(f);
  c.sms_opt_out = true;
  OK(rp_store_contact_update(g.s, &c));
  rp_message q = queue(f, "sms", NULL, "Hello", NULL, false);
  assert_string_equal(q.status, "suppressed");
  rp_outbox_report r = run(f, f->now);
  assert_int_equal(r.claimed, 0);
  json_t *reqs = fake_get("/_requests");
  assert_int_equal(json_array_size(reqs), 0);
  json_decref(reqs);
  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "suppressed");
  assert_string_equal(m.reason, "the contact opted out of SMS");
}

/* A 5xx is retried after the backoff with the same key, then sent. */
static void test_outbox_5xx_queued_for_later_then_sent_on_next_run(void **state) {
  fx *f = *state;
  rp_message q = queue(f, "sms", NULL, "Are you free Tuesday?", NULL, false);
  fake_post("/_fail", "{\"mode\":\"5xx\",\"count\":1}");
  rp_outbox_report r = run(f, f->now);
  assert_int_equal(r.retried, 1);
  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "queued");
  assert_int_equal(m.attempts, 1);
  assert_int_equal(m.next_attempt_at, f->now + 30);
  assert_non_null(strstr(m.reason, "500"));
  assert_false(m.activity_id[0]);

  /* not due yet */
  assert_int_equal(run(f, f->now + 29).claimed, 0);
  r = run(f, f->now + 30);
  assert_int_equal(r.sent, 1);
  m = message(f, q.id);
  assert_string_equal(m.status, "sent");
  assert_int_equal(m.attempts, 2);
  assert_int_equal(m.sent_at, f->now + 30);
  assert_null(m.reason);

  json_t *msgs = fake_get("/_messages"), *reqs = fake_get("/_requests");
  assert_int_equal(json_array_size(msgs), 1);
  assert_int_equal(json_array_size(reqs), 2);
  for (size_t i = 0; i < 2; i++)
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_array_get(reqs, i), "headers"),
                                          "idempotency-key")),
        q.id);
  json_decref(msgs);
  json_decref(reqs);
}

/* A 4xx fails at once with the provider's reason, and no activity. */
static void test_outbox_4xx_fails_with_the_providers_reason(void **state) {
  fx *f = *state;
  size_t acts = n_activities(f);
  rp_message q = queue(f, "sms", NULL, "Hello", NULL, false);
  fake_post("/_fail", "{\"mode\":\"4xx\",\"count\":1}");
  rp_outbox_report r = run(f, f->now);
  assert_int_equal(r.failed, 1);
  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "failed");
  assert_non_null(strstr(m.reason, "HTTP 400"));
  assert_non_null(strstr(m.reason, "unsubscribed recipient"));
  assert_int_equal(n_activities(f), acts);
  /* never tried again */
  assert_int_equal(run(f, f->now + 86400).claimed, 0);
  json_t *reqs = fake_get("/_requests");
  assert_int_equal(json_array_size(reqs), 1);
  json_decref(reqs);
}

/* Retryable failures give up at the 8th attempt, after 30 s, 2 min,
 * 10 min, 1 h, 6 h, 6 h, 6 h. */
static void test_outbox_gives_up_after_8_attempts(void **state) {
  fx *f = *state;
  rp_message q = queue(f, "sms", NULL, "Hello", NULL, false);
  fake_post("/_fail", "{\"mode\":\"5xx\",\"count\":8,\"status\":503}");
  static const int waits[] = {30, 120, 600, 3600, 21600, 21600, 21600};
  rp_time t = f->now;
  for (int i = 0; i < 7; i++) {
    assert_int_equal(run(f, t).retried, 1);
    rp_message m = message(f, q.id);
    assert_int_equal(m.attempts, i + 1);
    assert_int_equal(m.next_attempt_at, t + waits[i]);
    t += waits[i];
  }
  assert_int_equal(run(f, t).failed, 1);
  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "failed");
  assert_int_equal(m.attempts, 8);
  assert_non_null(strstr(m.reason, "gave up after 8 attempts"));
  json_t *msgs = fake_get("/_messages");
  assert_int_equal(json_array_size(msgs), 0);
  json_decref(msgs);
}

/* A channel that is not set up fails the message with a clear reason. */
static void test_outbox_channel_not_set_up_fails_with_clear_reason(void **state) {
  fx *f = *state;
  put_channels(f, false, false);
  rp_message s = queue(f, "sms", NULL, "Hello", NULL, false);
  rp_message e = queue(f, "email", "Hi", "Hello", NULL, false);
  rp_outbox_report r = run(f, f->now);
  assert_int_equal(r.failed, 2);
  rp_message m = message(f, s.id);
  assert_string_equal(m.status, "failed");
  assert_string_equal(m.reason, "SMS is not set up: PUT /api/v1/settings/channels");
  m = message(f, e.id);
  assert_string_equal(m.status, "failed");
  assert_non_null(strstr(m.reason, "email is not set up"));
  json_t *reqs = fake_get("/_requests");
  assert_int_equal(json_array_size(reqs), 0);
  json_decref(reqs);
}

/* The email reaches the SMTP server with a Message-ID made from the
 * message id and RFC 8058 one-click List-Unsubscribe to the public link. */
static void test_outbox_email_has_stable_message_id_and_list_unsubscribe(void **state) {
  fx *f = *state;
  size_t before = rp_peer_file_lines(g.smtp_out);
  rp_message q = queue(f, "email", "Market update for {{first_name}}",
                       "Hi {{first_name}},\nprices are up.\n", NULL, false);
  rp_outbox_report r = run(f, f->now);
  assert_int_equal(r.sent, 1);
  assert_int_equal(rp_peer_file_lines(g.smtp_out), before + 1);
  json_t *rec = received(before);
  char want[256];
  assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "rcpt_tos"), 0)),
                      EMAIL);
  assert_string_equal(json_string_value(json_object_get(rec, "mail_from")), MAIL_FROM);
  assert_string_equal(hdr(rec, "Subject"), "Market update for Jane");
  assert_non_null(strstr(hdr(rec, "From"), "Olive Agent"));
  assert_non_null(strstr(hdr(rec, "Reply-To"), f->agent.email));
  snprintf(want, sizeof want, "<%s@realty.example>", q.id);
  assert_string_equal(hdr(rec, "Message-ID"), want);
  snprintf(want, sizeof want, "<%s/unsubscribe/%s>", rp_messages_public_url(), q.id);
  assert_string_equal(hdr(rec, "List-Unsubscribe"), want);
  assert_string_equal(hdr(rec, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  assert_string_equal(json_string_value(json_object_get(rec, "body")),
                      "Hi Jane,\nprices are up.\n");
  json_decref(rec);

  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "sent");
  snprintf(want, sizeof want, "%s@realty.example", q.id);
  assert_string_equal(m.provider_id, want);
  rp_activity a;
  OK(rp_store_activity_get(g.s, &f->ar, &a, f->acct.id, m.activity_id));
  assert_int_equal(a.kind, RP_KIND_EMAIL);
  assert_int_equal(a.direction, RP_DIR_OUTBOUND);
  assert_string_equal(a.subject, "Market update for Jane");
}

/* A 5xx SMTP reply fails the email; a 4xx one is retried. */
static void test_outbox_email_smtp_5xx_fails_4xx_retries(void **state) {
  fx *f = *state;
  rp_contact c = contact(f);
  rp_email em = {.address = "smtp-550@example.org"};
  c.emails = &em;
  OK(rp_store_contact_update(g.s, &c));
  rp_message q = queue(f, "email", "Hi", "Hello", NULL, false);
  assert_int_equal(run(f, f->now).failed, 1);
  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "failed");
  assert_non_null(strstr(m.reason, "550"));

  em.address = "smtp-451@example.org";
  c = contact(f);
  c.emails = &em;
  OK(rp_store_contact_update(g.s, &c));
  q = queue(f, "email", "Hi", "Hello", NULL, false);
  assert_int_equal(run(f, f->now).retried, 1);
  m = message(f, q.id);
  assert_string_equal(m.status, "queued");
  assert_int_equal(m.next_attempt_at, f->now + 30);
}

/* Killed after the provider took the SMS but before the outcome was
 * written: the lease runs out, the message is claimed again and sent with
 * the same key; the provider answers with the first message and sends
 * nothing more. */
static void test_outbox_expired_lease_resends_same_key_and_provider_keeps_one(void **state) {
  fx *f = *state;
  rp_message q = queue(f, "sms", NULL, "Only once, please", NULL, false);
  /* the sender that died: claimed it and got it to the provider */
  rp_message *claimed;
  size_t n;
  OK(rp_store_begin(g.s, true));
  OK(rp_store_message_claim(g.s, &f->ar, f->acct.id, f->now, RP_OUTBOX_LEASE_S, 10, &claimed, &n));
  OK(rp_store_commit(g.s));
  assert_int_equal(n, 1);
  rp_sms_config cfg = {
      .base_url = g.sms_base, .account_sid = SID, .auth_token = TOKEN, .from = SMS_FROM};
  rp_sms_result first;
  OK(rp_sms_send(&first, &cfg, PHONE, "Only once, please", q.id));
  assert_int_equal(first.status, RP_SEND_SENT);

  /* while the lease holds, nobody else takes it */
  assert_int_equal(run(f, f->now + RP_OUTBOX_LEASE_S - 1).claimed, 0);
  assert_string_equal(message(f, q.id).status, "sending");
  rp_outbox_report r = run(f, f->now + RP_OUTBOX_LEASE_S);
  assert_int_equal(r.claimed, 1);
  assert_int_equal(r.sent, 1);

  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "sent");
  assert_int_equal(m.attempts, 2);
  assert_string_equal(m.provider_id, first.provider_id);
  json_t *msgs = fake_get("/_messages"), *reqs = fake_get("/_requests");
  assert_int_equal(json_array_size(msgs), 1);
  assert_int_equal(json_array_size(reqs), 2);
  assert_true(json_is_true(json_object_get(json_array_get(reqs, 1), "replayed")));
  json_decref(msgs);
  json_decref(reqs);
  /* and one activity, not two */
  assert_int_equal(n_activities(f), 1);
}

/* A notice to the agent (notify) goes to the agent's phone and is no
 * activity of any contact. */
static void test_outbox_notice_to_agent_sent_without_activity(void **state) {
  fx *f = *state;
  rp_message q = queue(f, "sms", NULL, "New lead: {{first_name}}", NULL, true);
  assert_string_equal(q.contact_id, "");
  assert_int_equal(run(f, f->now).sent, 1);
  rp_message m = message(f, q.id);
  assert_string_equal(m.status, "sent");
  assert_false(m.activity_id[0]);
  assert_int_equal(n_activities(f), 0);
  json_t *msgs = fake_get("/_messages");
  assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "to")),
                      "+15551239999");
  json_decref(msgs);
}

/* The lookups the scheduler and the unsubscribe link use. */
static void test_outbox_store_lookups_across_accounts(void **state) {
  fx *f = *state;
  rp_message q = queue(f, "sms", NULL, "Hello", NULL, false);
  rp_message m;
  OK(rp_store_message_find(g.s, &f->ar, q.id, &m));
  assert_string_equal(m.account_id, f->acct.id);
  assert_string_equal(m.contact_id, f->contact_id);
  char other[RP_ID_LEN];
  rp_uuid_v7(other);
  assert_int_equal(rp_store_message_find(g.s, &f->ar, other, &m), RP_ENOTFOUND);
  assert_int_equal(rp_store_message_find(g.s, &f->ar, "not-an-id", &m), RP_ENOTFOUND);

  bool due = false;
  OK(rp_store_outbox_due(g.s, f->acct.id, f->now, &due));
  assert_true(due);
  OK(rp_store_outbox_due(g.s, f->acct.id, f->now - 1, &due));
  assert_false(due);
  char(*ids)[RP_ID_LEN];
  size_t n;
  OK(rp_store_outbox_accounts(g.s, &f->ar, f->now, 1000, &ids, &n));
  bool mine = false;
  for (size_t i = 0; i < n; i++)
    mine |= !strcmp(ids[i], f->acct.id);
  assert_true(mine);
  rp_outbox_report r;
  OK(rp_outbox_run_all(&r, g.s, f->now, 1000, 10));
  assert_true(r.sent >= 1);
  OK(rp_store_outbox_due(g.s, f->acct.id, f->now, &due));
  assert_false(due);
}

/* Channel settings: stored as given, read back; none is all NULL. */
static void test_outbox_channels_store_roundtrip(void **state) {
  fx *f = *state;
  rp_channels c;
  OK(rp_store_channels_get(g.s, &f->ar, f->acct.id, &c));
  assert_string_equal(c.sms_auth_token, TOKEN);
  assert_string_equal(c.smtp_from, MAIL_FROM);
  assert_null(c.imap_url);
  assert_int_equal(c.updated_at, f->now);
  rp_account other = {.name = "Empty", .created_at = f->now};
  OK(rp_store_account_create(g.s, &other));
  OK(rp_store_channels_get(g.s, &f->ar, other.id, &c));
  assert_null(c.smtp_url);
  assert_null(c.sms_from);
  assert_int_equal(c.updated_at, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_outbox_backoff_30s_2m_10m_1h_then_6h),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
      T(test_outbox_sms_sent_once_and_recorded_as_outbound_activity),
      T(test_outbox_workflow_message_activity_source_workflow),
      T(test_outbox_opted_out_contact_is_suppressed_and_nothing_sent),
      T(test_outbox_5xx_queued_for_later_then_sent_on_next_run),
      T(test_outbox_4xx_fails_with_the_providers_reason),
      T(test_outbox_gives_up_after_8_attempts),
      T(test_outbox_channel_not_set_up_fails_with_clear_reason),
      T(test_outbox_email_has_stable_message_id_and_list_unsubscribe),
      T(test_outbox_email_smtp_5xx_fails_4xx_retries),
      T(test_outbox_expired_lease_resends_same_key_and_provider_keeps_one),
      T(test_outbox_notice_to_agent_sent_without_activity),
      T(test_outbox_store_lookups_across_accounts),
      T(test_outbox_channels_store_roundtrip),
#undef T
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
