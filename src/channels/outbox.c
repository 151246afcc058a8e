/* outbox.c: the outbox sender. See outbox.h. */
#include "channels/outbox.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "channels/channel.h"
#include "channels/sms.h"
#include "channels/smtp.h"
#include "core/contact.h"
#include "jobs/lifecycle.h"
#include "jobs/messages.h"
#include "util/error.h"
#include "util/log.h"
#include "util/uuid.h"

/* Process-wide counts of outcomes, for GET /metrics (rp_outbox_totals). */
static _Atomic uint64_t total_sent, total_retried, total_failed;

void rp_outbox_totals(uint64_t *sent, uint64_t *retried, uint64_t *failed) {
  *sent = atomic_load(&total_sent);
  *retried = atomic_load(&total_retried);
  *failed = atomic_load(&total_failed);
}

#define NOT_SET_UP_SMS "SMS is not set up: PUT /api/v1/settings/channels"
#define NOT_SET_UP_EMAIL "email is not set up: PUT /api/v1/settings/channels (smtp)"
/* seconds kept free at the end of a lease: a send is started only when it
 * ends, timeout included, this long before the lease does */
#define LEASE_MARGIN_S 10

int rp_outbox_backoff_s(int attempts) {
  static const int steps[] = {30, 120, 600, 3600, 21600};
  int n = (int)(sizeof steps / sizeof steps[0]);
  if (attempts < 1) attempts = 1;
  return steps[attempts > n ? n - 1 : attempts - 1];
}

static long mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The agent a message goes out for: its name and address dress an email
 * (From display name, Reply-To). */
typedef struct agent {
  const char *name;  /* a display name safe in a header, or NULL */
  const char *email; /* a valid bare address, or NULL */
} agent;

static bool header_safe(const char *s) {
  if (!s || !*s || strlen(s) > RP_MIME_NAME_MAX) return false;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return false;
  return true;
}

/* Phase (a): claims the messages and reads what sending them needs, in one
 * short write transaction. */
static int claim(rp_store *s, rp_arena *ar, const char *account_id, rp_time now, int limit,
                 rp_message **items, size_t *n, rp_channels *ch, agent **agents) {
  int rc = rp_store_begin(s, true);
  if (rc) return rc;
  if ((rc = rp_store_message_claim(s, ar, account_id, now, RP_OUTBOX_LEASE_S, limit, items, n)))
    goto fail;
  if (*n == 0) return rp_store_commit(s);
  if ((rc = rp_store_channels_get(s, ar, account_id, ch))) goto fail;
  *agents = rp_arena_calloc(ar, *n * sizeof **agents);
  for (size_t i = 0; i < *n; i++) {
    const rp_message *m = &(*items)[i];
    rp_user u;
    if (strcmp(m->channel, "email") || !m->user_id[0]) continue;
    rc = rp_store_user_get(s, ar, &u, account_id, m->user_id);
    if (rc == RP_ENOTFOUND) continue;
    if (rc) goto fail;
    char addr[256];
    if (header_safe(u.name)) (*agents)[i].name = u.name;
    if (u.email && !rp_mime_address(addr, sizeof addr, "reply_to", u.email))
      (*agents)[i].email = rp_arena_strdup(ar, addr);
  }
  return rp_store_commit(s);
fail:
  rp_store_rollback(s);
  return rc;
}

static bool sms_ready(const rp_channels *ch) {
  return ch->sms_base_url && ch->sms_account_sid && ch->sms_auth_token && ch->sms_from;
}

static bool email_ready(const rp_channels *ch) { return ch->smtp_url && ch->smtp_from; }

/* Phase (b) for one message: what the provider made of it. */
static void send_one(rp_send_result *res, const rp_message *m, const rp_channels *ch,
                     const agent *ag, rp_time now) {
  memset(res, 0, sizeof *res);
  rp_error_clear();
  if (!strcmp(m->channel, "sms")) {
    if (!sms_ready(ch)) {
      rp_send_fail(res, RP_SEND_PERMANENT, 0, "%s", NOT_SET_UP_SMS);
      return;
    }
    rp_sms_config cfg = {.base_url = ch->sms_base_url,
                         .account_sid = ch->sms_account_sid,
                         .auth_token = ch->sms_auth_token,
                         .from = ch->sms_from,
                         .timeout_ms = RP_OUTBOX_SMS_TIMEOUT_MS,
                         .ca_file = rp_channel_ca_file()};
    /* the message id as Idempotency-Key, the same on every attempt */
    rp_sms_send(res, &cfg, m->to_addr, m->body, m->id);
    return;
  }
  if (!email_ready(ch)) {
    rp_send_fail(res, RP_SEND_PERMANENT, 0, "%s", NOT_SET_UP_EMAIL);
    return;
  }
  rp_smtp_config cfg = {.url = ch->smtp_url,
                        .username = ch->smtp_username,
                        .password = ch->smtp_password,
                        .from = ch->smtp_from,
                        .timeout_ms = RP_OUTBOX_SMTP_TIMEOUT_MS,
                        .ca_file = rp_channel_ca_file()};
  /* a Message-ID made from the message id: stable across attempts, so a
   * receiver may drop a second copy after a crash (at least once) */
  const char *at = strrchr(ch->smtp_from, '@');
  char msgid[RP_MIME_MSGID_MAX], unsub[RP_MIME_URL_MAX];
  snprintf(msgid, sizeof msgid, "%s@%s", m->id, at && at[1] ? at + 1 : "rapport.invalid");
  unsub[0] = '\0';
  if (m->contact_id[0])
    snprintf(unsub, sizeof unsub, "%s/unsubscribe/%s", rp_messages_public_url(), m->id);
  rp_mail mail = {
      .from = ch->smtp_from,
      .from_name = ag->name,
      .to = m->to_addr,
      .subject = m->subject,
      .body_text = m->body,
      .message_id = msgid,
      .date = now,
      .list_unsubscribe_url = unsub[0] ? unsub : NULL,
      .reply_to = ag->email && strcasecmp(ag->email, ch->smtp_from) ? ag->email : NULL,
  };
  rp_smtp_send(res, &cfg, &mail);
}

/* The outbound activity of a sent message (API.md: "A sent message is also
 * an outbound activity"), with the rules (DOMAIN.md L) and the rescore
 * (SCORING.md), in the caller's transaction. */
static int record_activity(rp_store *s, rp_arena *ar, const rp_message *m, rp_time now) {
  rp_activity a;
  memset(&a, 0, sizeof a);
  memcpy(a.id, m->activity_id, RP_ID_LEN);
  memcpy(a.account_id, m->account_id, RP_ID_LEN);
  memcpy(a.contact_id, m->contact_id, RP_ID_LEN);
  a.kind = strcmp(m->channel, "sms") ? RP_KIND_EMAIL : RP_KIND_SMS;
  a.direction = RP_DIR_OUTBOUND;
  a.occurred_at = now;
  a.subject = m->subject;
  a.body = m->body;
  a.duration_s = -1;
  a.importance = RP_IMPORTANCE_NORMAL;
  a.source = m->workflow_run_id[0] ? "workflow" : "message";
  a.owner_id = m->user_id[0] ? m->user_id : NULL;
  a.created_at = a.updated_at = now;
  rp_lifecycle lc;
  int rc = rp_lifecycle_init(&lc, s, ar, m->account_id, NULL, now);
  return rc ? rc : rp_lifecycle_record_activity(&lc, &a);
}

/* Phase (c) for one message: its outcome in one write transaction. */
static int finish(rp_store *s, rp_arena *ar, const rp_message *m, const rp_send_result *res,
                  rp_time now, rp_outbox_report *rep) {
  rp_message f = *m;
  f.reason = NULL;
  f.provider_id = NULL;
  f.sent_at = 0;
  f.next_attempt_at = 0;
  f.activity_id[0] = '\0';
  switch (res->status) {
  case RP_SEND_SENT:
    f.status = "sent";
    f.provider_id = res->provider_id[0] ? res->provider_id : NULL;
    f.sent_at = now;
    if (m->contact_id[0]) rp_uuid_v7(f.activity_id);
    break;
  case RP_SEND_RETRY:
    if (m->attempts >= RP_OUTBOX_MAX_ATTEMPTS) {
      f.status = "failed";
      f.reason = rp_arena_printf(ar, "gave up after %d attempts: %s", m->attempts, res->reason);
    } else {
      f.status = "queued";
      f.reason = rp_arena_strdup(ar, res->reason);
      f.next_attempt_at = now + rp_outbox_backoff_s(m->attempts);
    }
    break;
  case RP_SEND_PERMANENT:
  default:
    f.status = "failed";
    f.reason = rp_arena_strdup(ar, res->reason[0] ? res->reason : "refused");
    break;
  }
  bool changed = false;
  int rc = rp_store_begin(s, true);
  if (rc) return rc;
  if ((rc = rp_store_message_finish(s, &f, &changed))) goto fail;
  if (!changed) { /* another sender finished it after our lease ran out */
    rp_store_rollback(s);
    rep->lost++;
    return 0;
  }
  if (f.activity_id[0] && (rc = record_activity(s, ar, &f, now))) goto fail;
  if ((rc = rp_store_commit(s))) goto fail;
  if (!strcmp(f.status, "sent")) {
    rep->sent++;
    atomic_fetch_add_explicit(&total_sent, 1, memory_order_relaxed);
    rp_log_debug("outbox: %s %s sent (%s)", f.channel, f.id, f.provider_id ? f.provider_id : "");
  } else if (!strcmp(f.status, "queued")) {
    rep->retried++;
    atomic_fetch_add_explicit(&total_retried, 1, memory_order_relaxed);
    rp_log_info("outbox: %s %s attempt %d failed, retry in %d s: %s", f.channel, f.id, f.attempts,
                rp_outbox_backoff_s(f.attempts), f.reason);
  } else {
    rep->failed++;
    atomic_fetch_add_explicit(&total_failed, 1, memory_order_relaxed);
    rp_log_warn("outbox: %s %s failed: %s", f.channel, f.id, f.reason);
  }
  return 0;
fail:
  rp_store_rollback(s);
  return rc;
}

/* Gives back the claimed messages from `from` on, untried. */
static int release(rp_store *s, const rp_message *items, size_t from, size_t n, rp_time now,
                   rp_outbox_report *rep) {
  int rc = rp_store_begin(s, true);
  if (rc) return rc;
  for (size_t i = from; i < n; i++) {
    bool changed;
    if ((rc = rp_store_message_release(s, items[i].account_id, items[i].id, now, &changed))) {
      rp_store_rollback(s);
      return rc;
    }
    if (changed) rep->released++;
  }
  return rp_store_commit(s);
}

int rp_outbox_run(rp_outbox_report *out, rp_store *s, const char *account_id, rp_time now,
                  int limit) {
  rp_outbox_report rep = {0};
  rp_arena ar = {0};
  rp_message *items = NULL;
  size_t n = 0;
  rp_channels ch;
  agent *agents = NULL;
  int first_err = 0;
  if (limit < 1) limit = 1;
  if (limit > 100) limit = 100;
  memset(&ch, 0, sizeof ch);
  bool due = false;
  int rc = rp_store_outbox_due(s, account_id, now, &due);
  if (rc || !due) goto cleanup;
  long t0 = mono_ms();
  rc = claim(s, &ar, account_id, now, limit, &items, &n, &ch, &agents);
  if (rc) goto cleanup;
  rep.claimed = (int)n;
  for (size_t i = 0; i < n; i++) {
    const rp_message *m = &items[i];
    /* each message's lease runs from the claim: start a send only when it
     * can end (its timeout included) before the lease does */
    long timeout_ms =
        strcmp(m->channel, "sms") ? RP_OUTBOX_SMTP_TIMEOUT_MS : RP_OUTBOX_SMS_TIMEOUT_MS;
    if (mono_ms() - t0 + timeout_ms > (RP_OUTBOX_LEASE_S - LEASE_MARGIN_S) * 1000L) {
      if ((rc = release(s, items, i, n, now, &rep)) && !first_err) first_err = rc;
      break;
    }
    rp_send_result res;
    if (m->attempts > RP_OUTBOX_MAX_ATTEMPTS) {
      /* its senders kept dying while sending it */
      memset(&res, 0, sizeof res);
      rp_send_fail(&res, RP_SEND_PERMANENT, 0, "gave up after %d attempts", m->attempts - 1);
    } else {
      send_one(&res, m, &ch, &agents[i], now);
    }
    if ((rc = finish(s, &ar, m, &res, now, &rep)) && !first_err) {
      first_err = rc;
      rp_log_error("outbox: cannot record the outcome of message %s: %s", m->id,
                   rp_error_last()->message);
    }
  }
  rc = first_err;
cleanup:
  rp_arena_free(&ar);
  if (out) *out = rep;
  return rc;
}

int rp_outbox_run_all(rp_outbox_report *out, rp_store *s, rp_time now, int max_accounts,
                      int limit) {
  rp_outbox_report total = {0};
  rp_arena ar = {0};
  char(*ids)[RP_ID_LEN] = NULL;
  size_t n = 0;
  int first_err = 0;
  int rc = rp_store_outbox_accounts(s, &ar, now, max_accounts, &ids, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    rp_outbox_report r;
    int e = rp_outbox_run(&r, s, ids[i], now, limit);
    if (e && !first_err) first_err = e;
    total.claimed += r.claimed;
    total.sent += r.sent;
    total.retried += r.retried;
    total.failed += r.failed;
    total.released += r.released;
    total.lost += r.lost;
  }
  rp_arena_free(&ar);
  if (out) *out = total;
  return rc ? rc : first_err;
}

int rp_outbox_send_due(rp_store *s, const char *account_id, rp_time now) {
  return rp_outbox_run(NULL, s, account_id, now, RP_OUTBOX_BATCH);
}
