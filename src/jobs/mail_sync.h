/* mail_sync.h: mailbox sync (issue 8; docs/api.md "Mailbox sync"). The
 * account's mailbox (GET|PUT /api/v1/settings/channels imap) is read over
 * IMAP (channels/imap.h): the inbox and the sent folder (the one marked
 * \Sent, else "Sent", "Sent Items", "[Gmail]/Sent Mail", ...). A message
 * from a known contact (inbox: From) or to known contacts (sent: To and
 * Cc), matched by email key as imports match (rp_store_contact_match),
 * becomes an email activity of each such contact, inbound or outbound,
 * with its subject, a body snippet and its Date, source "mail", through
 * the lifecycle (DOMAIN.md L2 on an inbound one, the score, the
 * stop_on_reply workflows): once per (Message-ID, contact), kept in
 * external_refs. Per folder the UIDVALIDITY and the highest UID handled are
 * kept (010_mail_sync.sql), so a pass fetches only newer messages; a new
 * UIDVALIDITY (the folder was rebuilt) starts the folder over, and the
 * Message-IDs keep that from adding anything twice.
 *
 * A first pass over a folder looks RP_MAIL_SYNC_FIRST_DAYS back and starts
 * no workflows (old mail is history, as an import is); later passes do. A
 * sent message that rapport's outbox sent (its Message-ID is made from the
 * message id) is skipped: the outbox recorded it already. */
#ifndef RP_MAIL_SYNC_H
#define RP_MAIL_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/clock.h"

#define RP_MAIL_SYNC_BATCH 25      /* messages fetched and written per transaction */
#define RP_MAIL_SYNC_MAX 200       /* messages per folder and pass; the rest next pass */
#define RP_MAIL_SYNC_FIRST_DAYS 90 /* how far back a folder's first pass looks */
#define RP_MAIL_SYNC_TIMEOUT_MS 30000
#define RP_MAIL_SYNC_INTERVAL_S 60 /* the server's polling interval (RAPPORT_MAIL_POLL_S) */

/* What a pass did in one folder. */
typedef struct rp_mail_sync_folder {
  const char *role;   /* "inbox" | "sent" */
  const char *folder; /* the IMAP name; NULL when the server has no such folder */
  int fetched;        /* messages read */
  int activities;     /* activities recorded */
  int skipped;        /* from or to no known contact, or recorded before */
  int unreadable;     /* messages whose headers could not be read (skipped) */
  int64_t last_uid;   /* the highest UID handled */
  bool more;          /* more new messages wait for the next pass */
} rp_mail_sync_folder;

typedef struct rp_mail_sync_report {
  rp_mail_sync_folder folders[2];
  int n_folders;
  int activities;
  char error[384]; /* why the mailbox could not be read; "" when it was */
} rp_mail_sync_report;

/* One pass for the account at now, called outside any transaction on s
 * (the IMAP exchange happens between short transactions, one per batch of
 * messages). Returns 0 when the pass ran, even if the mail server failed
 * (out->error says why, and the folder state keeps it); RP_EVALIDATION
 * with field "imap" when the account has no IMAP settings; or a store
 * error. Strings of *out are in ar. */
int rp_mail_sync_account(rp_mail_sync_report *out, rp_store *s, rp_arena *ar,
                         const char *account_id, rp_time now);

/* One pass for every account with IMAP settings; *activities (may be
 * NULL) gets the total recorded. 0 or the first store error. */
int rp_mail_sync_all(rp_store *s, rp_time now, int *activities);

/* The thread of `rapport serve` that runs rp_mail_sync_all every
 * interval_s seconds, on its own connection to db_path (copied). */
typedef struct rp_mail_worker rp_mail_worker;
int rp_mail_worker_start(rp_mail_worker **out, const char *db_path, int interval_s);
/* Lets a pass in progress finish, joins, frees. NULL is fine. */
void rp_mail_worker_stop(rp_mail_worker *w);

#endif
