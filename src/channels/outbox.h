/* outbox.h: the sender of the outbox (API.md "Workflows, messages,
 * channels"): it delivers the messages rp_messages_compose queued, through
 * the account's channel settings (GET|PUT /api/v1/settings/channels), and
 * records what came of each.
 *
 * One run for an account:
 *   (a) one short write transaction claims up to `limit` messages due now
 *       (queued ones whose time has come, sending ones whose lease ran out
 *       because their sender died): each becomes sending with a lease of
 *       RP_OUTBOX_LEASE_S seconds and one more attempt; commit;
 *   (b) outside any transaction, each is sent: SMS with the message id as
 *       the Idempotency-Key, email with a Message-ID made from the message
 *       id and, to a contact, List-Unsubscribe (RFC 8058 one-click) to
 *       {public URL}/unsubscribe/{message id}; the same on every attempt;
 *   (c) one write transaction per message records the outcome: sent (with
 *       the provider's id, and, to a contact, the outbound activity with
 *       the rules and the rescore: "a sent message is also an outbound
 *       activity"), queued again after a backoff (a failure worth
 *       retrying), or failed with the reason.
 *
 * Crashes: killed between (b) and (c), the message stays sending until its
 * lease ends, is claimed again and sent again with the same key: the SMS
 * provider answers with the first message and sends nothing ("No step ever
 * sends twice"). SMTP has no such key: an email may then arrive twice, with
 * the same Message-ID (at least once; docs/operations.md "Outbox"). */
#ifndef RP_OUTBOX_H
#define RP_OUTBOX_H

#include <stdint.h>

#include "store/store.h"
#include "util/clock.h"

#define RP_OUTBOX_LEASE_S 120    /* how long a claim protects a message */
#define RP_OUTBOX_MAX_ATTEMPTS 8 /* a retryable failure at this attempt fails it */
#define RP_OUTBOX_SMS_TIMEOUT_MS 15000
#define RP_OUTBOX_SMTP_TIMEOUT_MS 30000

/* What one run did. */
typedef struct rp_outbox_report {
  int claimed;  /* messages claimed */
  int sent;     /* the provider took them */
  int retried;  /* queued again for a later attempt */
  int failed;   /* failed for good */
  int released; /* given back untried: the lease would have run out first */
  int lost;     /* finished meanwhile by another sender: nothing recorded */
} rp_outbox_report;

/* The wait before attempt `attempts` + 1 after a retryable failure of
 * attempt `attempts` (1-based): 30 s, 2 min, 10 min, 1 h, then 6 h. */
int rp_outbox_backoff_s(int attempts);

/* One run of the sender for the account at time now (the claim, the
 * sends, the outcomes, as above), at most limit messages (1..100). Called
 * outside any transaction on s; blocks while sending (each send is bounded
 * by its channel's timeout, and a run stops sending before the lease could
 * run out). *out (may be NULL) gets the counts. A message that cannot be
 * sent for good (channel not set up, refused by the provider, too many
 * attempts) ends failed with the reason; a message to no contact (a notice
 * to an agent) gets no activity. Returns 0, or the first database error
 * (a message whose outcome could not be written stays sending and is
 * retried when its lease ends). */
int rp_outbox_run(rp_outbox_report *out, rp_store *s, const char *account_id, rp_time now,
                  int limit);

/* rp_outbox_run for every account that has messages due at now (at most
 * max_accounts of them, limit messages each), adding up the counts: the
 * scheduler's call every second. Returns 0 or the first error. */
int rp_outbox_run_all(rp_outbox_report *out, rp_store *s, rp_time now, int max_accounts, int limit);

/* The scheduler's sender (jobs/scheduler.h rp_sched_sender): one run for
 * the account at now, at most RP_OUTBOX_BATCH messages; 0 or the first
 * database error. */
#define RP_OUTBOX_BATCH 20
int rp_outbox_send_due(rp_store *s, const char *account_id, rp_time now);

/* How many sends this process made since it started: taken by the
 * provider, queued again for a retry, failed for good (GET /metrics). */
void rp_outbox_totals(uint64_t *sent, uint64_t *retried, uint64_t *failed);

#endif
