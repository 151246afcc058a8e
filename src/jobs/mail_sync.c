/* mail_sync.c: see mail_sync.h. */
#include "jobs/mail_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels/channel.h"
#include "channels/imap.h"
#include "channels/mail_headers.h"
#include "core/email.h"
#include "jobs/lifecycle.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/sha1.h"
#include "util/text.h"
#include "util/ticker.h"

#define MAIL_SOURCE "mail"
#define SUBJECT_CHARS 500 /* as POST /activities allows */

typedef struct sync {
  rp_store *s;
  rp_arena *ar; /* the report's strings */
  const char *account_id;
  rp_time now;
  rp_imap_config cfg;
  rp_imap *im;
} sync_t;

static void set_error(rp_mail_sync_report *out, const char *what) {
  if (!out->error[0])
    snprintf(out->error, sizeof out->error, "%.64s: %.300s", what, rp_error_last()->message);
}

/* The Message-ID as the dedup key; a message without one is known by a
 * hash of its header fields. */
static const char *message_ref(rp_arena *ar, const rp_mail_header_set *h,
                               const rp_imap_message *m) {
  if (h->message_id) return h->message_id;
  unsigned char d[RP_SHA1_LEN];
  char hex[2 * RP_SHA1_LEN + 1];
  rp_sha1_digest(d, m->header, m->header_len);
  rp_hex_encode(hex, d, sizeof d);
  return rp_arena_printf(ar, "sha1:%s", hex);
}

/* A sent message the outbox sent: its Message-ID is "<message id>@domain"
 * of a message of this account (outbox.c). */
static int sent_by_outbox(sync_t *x, rp_arena *ar, const char *msgid, bool *yes) {
  *yes = false;
  const char *at = msgid ? strchr(msgid, '@') : NULL;
  if (!at || at - msgid != RP_ID_LEN - 1) return 0;
  char id[RP_ID_LEN];
  memcpy(id, msgid, RP_ID_LEN - 1);
  id[RP_ID_LEN - 1] = '\0';
  rp_message m;
  int rc = rp_store_message_get(x->s, ar, &m, x->account_id, id);
  if (rc == RP_ENOTFOUND) {
    rp_error_clear();
    return 0;
  }
  if (!rc) *yes = true;
  return rc;
}

/* At most SUBJECT_CHARS characters of s. */
static const char *cut_subject(rp_arena *ar, const char *s) {
  if (!s || !*s) return NULL;
  size_t chars = 0, i = 0;
  for (; s[i]; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > SUBJECT_CHARS) break;
  return s[i] ? rp_arena_strndup(ar, s, i) : s;
}

/* One message: an activity per known contact it is from (inbox) or to
 * (sent), in the caller's transaction. */
static int take_message(sync_t *x, rp_lifecycle *lc, rp_arena *ar, bool inbound,
                        const rp_imap_message *m, rp_mail_sync_folder *f) {
  rp_mail_header_set h;
  f->fetched++;
  if (rp_mail_headers_parse(&h, ar, m->header, m->header_len)) {
    rp_log_info("mail sync: %s message %u skipped: %s: %s", f->folder, m->uid,
                rp_error_last()->field, rp_error_last()->message);
    rp_error_clear();
    f->unreadable++;
    return 0;
  }
  int rc;
  bool outbox = false;
  if (!inbound && (rc = sent_by_outbox(x, ar, h.message_id, &outbox))) return rc;
  if (outbox) {
    f->skipped++;
    return 0;
  }
  const char *ref = message_ref(ar, &h, m);
  /* the addresses to match, and the contacts already given this message */
  rp_mail_addr *addrs[2] = {inbound ? h.from : h.to, inbound ? NULL : h.cc};
  size_t counts[2] = {inbound ? h.n_from : h.n_to, inbound ? 0 : h.n_cc};
  char(*done)[RP_ID_LEN] = rp_arena_alloc(ar, (counts[0] + counts[1] + 1) * RP_ID_LEN);
  size_t n_done = 0;
  int made = 0;
  const char *snippet = NULL;
  bool snippet_made = false;
  for (int l = 0; l < 2; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      char key[320], id[RP_ID_LEN];
      bool found = false, seen = false;
      rp_email_key(key, sizeof key, addrs[l][i].address);
      if ((rc = rp_store_contact_match(x->s, x->account_id, key, NULL, id, &found))) return rc;
      if (!found) continue;
      for (size_t k = 0; k < n_done && !seen; k++)
        seen = !strcmp(done[k], id);
      if (seen) continue;
      memcpy(done[n_done++], id, RP_ID_LEN);
      if ((rc = rp_store_external_ref_find(x->s, x->account_id, MAIL_SOURCE, ref, id, &seen)))
        return rc;
      if (seen) continue;
      if (!snippet_made) {
        snippet = rp_mail_snippet(ar, h.content_type, h.transfer_encoding, m->text, m->text_len,
                                  RP_MAIL_SNIPPET_MAX);
        snippet_made = true;
      }
      rp_activity a;
      memset(&a, 0, sizeof a);
      snprintf(a.account_id, sizeof a.account_id, "%s", x->account_id);
      memcpy(a.contact_id, id, RP_ID_LEN);
      a.kind = RP_KIND_EMAIL;
      a.direction = inbound ? RP_DIR_INBOUND : RP_DIR_OUTBOUND;
      /* a Date in the future (a wrong clock) is taken as now: the mail has
       * happened */
      a.occurred_at = h.date > 0 && h.date <= x->now ? h.date : x->now;
      a.subject = cut_subject(ar, h.subject);
      a.body = snippet;
      a.duration_s = -1;
      a.importance = RP_IMPORTANCE_NORMAL;
      a.source = MAIL_SOURCE;
      if ((rc = rp_lifecycle_record_activity(lc, &a)) ||
          (rc = rp_store_external_ref_add(x->s, x->account_id, MAIL_SOURCE, ref, id, a.id, x->now)))
        return rc;
      made++;
    }
  if (made)
    f->activities += made;
  else
    f->skipped++;
  return 0;
}

/* Opens the session again and examines folder (after a failed command the
 * connection may be out of step). */
static int reopen(sync_t *x, const char *folder) {
  rp_imap_close(x->im);
  x->im = NULL;
  rp_imap_folder fi;
  int rc = rp_imap_open(&x->im, &x->cfg);
  if (!rc) rc = rp_imap_examine(x->im, folder, &fi);
  return rc;
}

/* Fetches a batch; when the server's answer cannot be read, each message
 * alone, the unreadable ones skipped (counted in *lost). */
static int fetch_batch(sync_t *x, rp_arena *ar, const char *folder, const uint32_t *uids, size_t n,
                       rp_imap_message **msgs, size_t *n_msgs, int *lost) {
  int rc = rp_imap_fetch(x->im, ar, uids, n, msgs, n_msgs);
  if (!rc) return 0;
  rp_log_warn("mail sync: %s: %s; fetching one at a time", folder, rp_error_last()->message);
  rp_imap_message *all = rp_arena_alloc(ar, n * sizeof *all);
  size_t count = 0;
  for (size_t i = 0; i < n; i++) {
    if ((rc = reopen(x, folder))) return rc;
    rp_imap_message *one;
    size_t k;
    if (rp_imap_fetch(x->im, ar, &uids[i], 1, &one, &k)) {
      rp_log_warn("mail sync: %s message %u skipped: %s", folder, uids[i],
                  rp_error_last()->message);
      rp_error_clear();
      (*lost)++;
      continue;
    }
    for (size_t j = 0; j < k; j++)
      all[count++] = one[j];
  }
  *msgs = all;
  *n_msgs = count;
  return reopen(x, folder);
}

static int write_state(sync_t *x, const char *role, const rp_mail_folder_state *st) {
  int rc = rp_store_begin(x->s, true);
  if (!rc) rc = rp_store_mail_state_put(x->s, x->account_id, role, st);
  if (!rc) rc = rp_store_commit(x->s);
  if (rc) rp_store_rollback(x->s);
  return rc;
}

static int cmp_msg(const void *a, const void *b) {
  uint32_t p = ((const rp_imap_message *)a)->uid, q = ((const rp_imap_message *)b)->uid;
  return p < q ? -1 : p > q;
}

/* One folder. *imap_failed tells a server failure (the pass ends) from a
 * store error (returned). */
static int sync_folder(sync_t *x, const char *role, const char *folder, rp_mail_sync_folder *f,
                       rp_mail_sync_report *out, bool *imap_failed) {
  bool inbound = !strcmp(role, "inbox");
  f->role = role;
  f->folder = rp_arena_strdup(x->ar, folder);
  rp_imap_folder fi;
  rp_mail_folder_state st = {0};
  bool found = false;
  rp_arena ar = {0};
  int rc = rp_store_begin(x->s, false);
  if (!rc) rc = rp_store_mail_state_get(x->s, &ar, x->account_id, role, &st, &found);
  rp_store_rollback(x->s);
  if (rc) goto done;
  if (rp_imap_examine(x->im, folder, &fi)) {
    *imap_failed = true;
    set_error(out, folder);
    goto done;
  }
  bool first = !found || strcmp(st.folder, folder) || st.uidvalidity != (int64_t)fi.uidvalidity;
  uint32_t after = first ? 0 : (uint32_t)st.last_uid;
  rp_mail_folder_state now_st = {
      .folder = folder, .uidvalidity = fi.uidvalidity, .last_uid = after, .synced_at = x->now};
  f->last_uid = after;
  uint32_t *uids = NULL;
  size_t n = 0;
  if (first || !fi.uidnext || fi.uidnext > after + 1) {
    rp_time since = first ? x->now - RP_MAIL_SYNC_FIRST_DAYS * 86400LL : 0;
    if (rp_imap_search(x->im, &ar, after, since, RP_MAIL_SYNC_MAX, &uids, &n, &f->more)) {
      *imap_failed = true;
      set_error(out, folder);
      goto done;
    }
  }
  for (size_t b = 0; b < n; b += RP_MAIL_SYNC_BATCH) {
    size_t nb = n - b < RP_MAIL_SYNC_BATCH ? n - b : RP_MAIL_SYNC_BATCH;
    rp_arena bar = {0};
    rp_imap_message *msgs;
    size_t nm;
    if (fetch_batch(x, &bar, folder, uids + b, nb, &msgs, &nm, &f->unreadable)) {
      rp_arena_free(&bar);
      *imap_failed = true;
      set_error(out, folder);
      goto done;
    }
    qsort(msgs, nm, sizeof *msgs, cmp_msg);
    rp_lifecycle lc;
    if ((rc = rp_store_begin(x->s, true))) {
      rp_arena_free(&bar);
      goto done;
    }
    rc = rp_lifecycle_init(&lc, x->s, &bar, x->account_id, NULL, x->now);
    lc.sw.workflows = lc.sw.workflows && !first;
    for (size_t i = 0; !rc && i < nm; i++)
      rc = take_message(x, &lc, &bar, inbound, &msgs[i], f);
    now_st.last_uid = uids[b + nb - 1];
    if (!rc) rc = rp_store_mail_state_put(x->s, x->account_id, role, &now_st);
    if (!rc) rc = rp_store_commit(x->s);
    if (rc) rp_store_rollback(x->s);
    rp_arena_free(&bar);
    if (rc) goto done;
    f->last_uid = now_st.last_uid;
  }
  /* nothing new on a first pass: start from the folder's end */
  if (first && n == 0 && fi.uidnext > 1) now_st.last_uid = f->last_uid = fi.uidnext - 1;
  if (n == 0) rc = write_state(x, role, &now_st);
done:
  out->activities += f->activities;
  rp_arena_free(&ar);
  return rc;
}

/* Keeps the failure in the states of the folders not reached. */
static void note_failure(sync_t *x, const rp_mail_sync_report *out) {
  static const char *const roles[] = {"inbox", "sent"};
  for (int i = 0; i < 2; i++) {
    rp_arena ar = {0};
    rp_mail_folder_state st;
    bool found = false;
    if (!rp_store_mail_state_get(x->s, &ar, x->account_id, roles[i], &st, &found) && found) {
      st.last_error = out->error;
      if (write_state(x, roles[i], &st)) rp_error_clear();
    }
    rp_arena_free(&ar);
  }
}

int rp_mail_sync_account(rp_mail_sync_report *out, rp_store *s, rp_arena *ar,
                         const char *account_id, rp_time now) {
  memset(out, 0, sizeof *out);
  sync_t x = {.s = s, .ar = ar, .account_id = account_id, .now = now};
  rp_channels ch;
  int rc = rp_store_begin(s, false);
  if (!rc) rc = rp_store_channels_get(s, ar, account_id, &ch);
  rp_store_rollback(s);
  if (rc) return rc;
  if (!ch.imap_url || !ch.imap_username || !ch.imap_password)
    return rp_error_set(RP_EVALIDATION, "imap",
                        "the mailbox is not set up: PUT /api/v1/settings/channels with imap "
                        "{url, username, password}");
  x.cfg = (rp_imap_config){.url = ch.imap_url,
                           .username = ch.imap_username,
                           .password = ch.imap_password,
                           .timeout_ms = RP_MAIL_SYNC_TIMEOUT_MS,
                           .ca_file = rp_channel_ca_file()};
  bool failed = false;
  const char *sent = NULL;
  if (rp_imap_open(&x.im, &x.cfg)) {
    set_error(out, "imap");
    failed = true;
  } else if (rp_imap_find_sent(x.im, ar, &sent)) {
    set_error(out, "imap");
    failed = true;
  }
  if (!failed) {
    rc = sync_folder(&x, "inbox", "INBOX", &out->folders[out->n_folders++], out, &failed);
    if (!rc && !failed && sent)
      rc = sync_folder(&x, "sent", sent, &out->folders[out->n_folders++], out, &failed);
    else if (!rc && !failed)
      out->folders[out->n_folders++] = (rp_mail_sync_folder){.role = "sent"};
  }
  rp_imap_close(x.im);
  if (!rc && failed) {
    rp_log_warn("mail sync: account %s: %s", account_id, out->error);
    note_failure(&x, out);
  }
  return rc;
}

int rp_mail_sync_all(rp_store *s, rp_time now, int *activities) {
  rp_arena ar = {0};
  char(*ids)[RP_ID_LEN];
  size_t n;
  int total = 0;
  int rc = rp_store_mail_accounts(s, &ar, 1000, &ids, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    rp_arena one = {0};
    rp_mail_sync_report rep;
    rc = rp_mail_sync_account(&rep, s, &one, ids[i], now);
    if (rc == RP_EVALIDATION) { /* its settings went away meanwhile */
      rp_error_clear();
      rc = 0;
    }
    total += rep.activities;
    rp_arena_free(&one);
  }
  rp_arena_free(&ar);
  if (activities) *activities = total;
  return rc;
}

/* ---- the thread ---- */

struct rp_mail_worker {
  char *db_path;
  rp_store *st;
  rp_ticker *ticker;
};

static void tick(void *ctx, const atomic_bool *stopping) {
  rp_mail_worker *w = ctx;
  if (atomic_load(stopping)) return;
  if (!w->st && rp_store_open(&w->st, w->db_path) != 0) {
    rp_log_error("mail sync: cannot open the database: %s", rp_error_last()->message);
    w->st = NULL;
    return;
  }
  int made = 0;
  if (rp_mail_sync_all(w->st, rp_clock_now(), &made))
    rp_log_error("mail sync: %s", rp_error_last()->message);
  else if (made)
    rp_log_info("mail sync: %d email activities recorded", made);
}

int rp_mail_worker_start(rp_mail_worker **out, const char *db_path, int interval_s) {
  rp_mail_worker *w = rp_xcalloc(1, sizeof *w);
  w->db_path = rp_xstrdup(db_path);
  int rc = rp_ticker_start(&w->ticker,
                           (interval_s > 0 ? interval_s : RP_MAIL_SYNC_INTERVAL_S) * 1000, tick, w);
  if (rc) {
    free(w->db_path);
    free(w);
    return rc;
  }
  *out = w;
  return 0;
}

void rp_mail_worker_stop(rp_mail_worker *w) {
  if (!w) return;
  rp_ticker_stop(w->ticker);
  rp_store_close(w->st);
  free(w->db_path);
  free(w);
}
