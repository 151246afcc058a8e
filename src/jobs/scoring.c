/* scoring.c: the score through the store (SCORING.md): the facts of one
 * contact at T (the incremental path of every write and of GET
 * /contacts/{id}/score), the account-wide index a scan reads revenue and
 * referrals from (scoring_internal.h), and the full rescore of `rapport
 * score` (readers in parallel, one writer). */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/contact.h"
#include "core/history.h"
#include "jobs/scoring.h"
#include "jobs/scoring_internal.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/json_scan.h"
#include "util/mem.h"

/* SCORING.md lifetime_value: "plus 25 % of that of the contacts it
 * referred". */
#define REFERRED_SHARE 0.25

/* ---- the facts every path shares ---- */

/* Midnight UTC of a "YYYY-MM-DD" known_since; 0 when absent or not a date
 * (the score then counts from the day of created_at). */
static rp_time known_since_time(const char *known_since) {
  rp_time t = 0;
  if (!known_since || !*known_since) return 0;
  if (rp_date_parse(&t, known_since, strlen(known_since))) return 0;
  return t;
}

/* The lifecycle fields of c in force at T (DOMAIN.md M3): its own when T is
 * at or after its updated_at or when it has no history rows, else rebuilt
 * from the rows (core/history.h). A field that no row names never changed:
 * it keeps the contact's own value rather than the vocabulary default. */
static void lifecycle_at(rp_score_input *in, const rp_contact *c, const rp_history *rows, size_t n,
                         rp_time T) {
  in->status = c->status;
  in->stage = c->stage;
  in->category = c->category;
  in->type = c->type;
  if (T >= c->updated_at || n == 0 || !rows) return;
  rp_lifecycle_state st = rp_history_state_at(rows, n, T);
  bool named[4] = {false, false, false, false};
  for (size_t i = 0; i < n; i++) {
    const char *f = rows[i].field;
    if (!f) continue;
    if (!strcmp(f, "status"))
      named[0] = true;
    else if (!strcmp(f, "stage"))
      named[1] = true;
    else if (!strcmp(f, "category"))
      named[2] = true;
    else if (!strcmp(f, "type"))
      named[3] = true;
  }
  if (named[0]) in->status = st.status;
  if (named[1]) in->stage = st.stage;
  if (named[2]) in->category = st.category;
  if (named[3]) in->type = st.type;
}

/* The explicit details of c (SCORING.md "details x"). A scan row may carry
 * only the counts of its emails, phones and social profiles (store.h
 * rp_score_row): a count without its array reads as "present". */
static rp_score_details details_of(const rp_contact *c, int n_custom) {
  rp_contact k = *c;
  bool email = !k.emails && k.n_emails > 0, phone = !k.phones && k.n_phones > 0,
       social = !k.social && k.n_social > 0;
  if (email) k.n_emails = 0;
  if (phone) k.n_phones = 0;
  if (social) k.n_social = 0;
  rp_score_details d = rp_score_details_from(&k, n_custom);
  if (email) d.has_email = true;
  if (phone) d.has_phone = true;
  if (social) d.has_social_or_website = true;
  return d;
}

/* The parts of the input that are the contact's own whatever the path. */
static void input_common(rp_score_input *in, const rp_contact *c, int n_custom, rp_time T) {
  in->t = T;
  in->details = details_of(c, n_custom);
  in->known_since = known_since_time(c->known_since);
  in->created_at = c->created_at;
}

/* rp_scoring_facts: see scoring.h. Reads, in the caller's transaction: the
 * contact's score activities (one index range), its tasks' due times, its
 * history rows only when
 * T is before its updated_at, its referral count at T, and the revenue of
 * the contact, of those it referred and of the account at T (SCORING.md
 * lifetime_value; revenue = own + 25 % of the referred contacts' own).
 * Arrays in ar. */
int rp_scoring_facts(rp_score_input *in, rp_store *s, rp_arena *ar, const rp_contact *c,
                     rp_time T) {
  rp_history *rows = NULL;
  size_t n_rows = 0;
  rp_score_activity *acts = NULL;
  size_t n_acts = 0;
  double own = 0, referred = 0, account = 0;
  int64_t refs = 0;
  int rc;
  memset(in, 0, sizeof *in);
  input_common(
      in, c, rp_json_object_filled(c->custom_json, c->custom_json ? strlen(c->custom_json) : 0), T);
  if (T < c->updated_at &&
      (rc = rp_store_history_list(s, ar, c->account_id, c->id, &rows, &n_rows)))
    return rc;
  lifecycle_at(in, c, rows, n_rows, T);
  if ((rc = rp_store_score_activities(s, ar, c->account_id, c->id, &acts, &n_acts))) return rc;
  rp_time *dues = NULL;
  size_t n_dues = 0;
  if ((rc = rp_store_score_task_dues(s, ar, c->account_id, c->id, &dues, &n_dues))) return rc;
  in->task_due = dues;
  in->n_tasks = n_dues;
  if ((rc = rp_store_referral_count_at(s, c->account_id, c->id, T, &refs))) return rc;
  if ((rc = rp_store_revenue_at(s, c->account_id, c->id, T, &own, &referred, &account))) return rc;
  in->activities = acts;
  in->n_activities = n_acts;
  in->referral_count = refs;
  in->revenue = own + REFERRED_SHARE * referred;
  in->account_revenue = account;
  return 0;
}

/* rp_scoring_contact: see scoring.h (SCORING.md, all of it for one
 * contact). */
int rp_scoring_contact(rp_score_result *out, rp_store *s, rp_arena *ar, const rp_contact *c,
                       rp_time T, bool explain) {
  rp_score_input in;
  int rc = rp_scoring_facts(&in, s, ar, c, T);
  if (rc) return rc;
  return explain ? rp_score_explain(out, &in) : rp_score_compute(out, &in);
}

/* rp_scoring_new_contact: see scoring.h. The facts of rp_scoring_facts
 * that a contact being created cannot have yet are left at zero; the
 * account's revenue too, which only divides the contact's own (SCORING.md
 * lifetime_value: no revenue is a share of 0 whatever the account's). */
int rp_scoring_new_contact(rp_score_result *out, const rp_contact *c, rp_time T) {
  rp_score_input in;
  memset(&in, 0, sizeof in);
  input_common(&in, c,
               rp_json_object_filled(c->custom_json, c->custom_json ? strlen(c->custom_json) : 0),
               T);
  lifecycle_at(&in, c, NULL, 0, T);
  return rp_score_compute(out, &in);
}

/* ---- the account-wide index (scoring_internal.h) ---- */

typedef struct ix_deal {
  rp_time at;
  double commission;
} ix_deal;

typedef struct ix_ref {
  rp_time created_at, archived_at; /* of the referred contact; 0 = live */
  int64_t target;                  /* its entry (for its own revenue), -1: none */
} ix_ref;

/* One contact that has closed deals or referred someone, or was referred. */
typedef struct ix_entry {
  char id[RP_ID_LEN];
  size_t deal_off, n_deals; /* into deals / deal_cum, oldest first */
  size_t ref_off, n_refs;   /* into refs: the contacts it referred */
} ix_entry;

struct rp_scoring_index {
  ix_entry *entries; /* sorted by id */
  size_t n_entries;
  /* open-addressing hash of the entries by id (a power of two of slots,
   * at most half full, entry -1: empty) with each id's full hash, so that
   * a lookup reads the entries only on a hash match: a scan looks up every
   * contact, and most have no entry */
  struct ix_slot {
    uint64_t hash;
    int64_t entry;
  } * slots;
  size_t mask;
  ix_deal *deals;   /* grouped by entry */
  double *deal_cum; /* running sum of commissions within each entry's group */
  ix_ref *refs;     /* grouped by entry */
  ix_deal *acct;    /* the account's closed deals, each once, oldest first */
  double *acct_cum; /* running sum over acct */
  size_t n_acct;
};

static int cmp_id(const void *a, const void *b) { return strcmp(a, b); }

static int cmp_deal(const void *a, const void *b) {
  const ix_deal *x = a, *y = b;
  return (x->at > y->at) - (x->at < y->at);
}

typedef struct {
  rp_time at;
  double commission;
  size_t order; /* the store's order, for a stable sort */
} acct_deal;

static int cmp_acct(const void *a, const void *b) {
  const acct_deal *x = a, *y = b;
  if (x->at != y->at) return (x->at > y->at) - (x->at < y->at);
  return (x->order > y->order) - (x->order < y->order);
}

/* FNV-1a of an id string, finished with splitmix64's mixer so that the
 * low bits (the slot) depend on every byte: ids share long prefixes. */
static uint64_t id_hash(const char *id) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *p = (const unsigned char *)id; *p; p++)
    h = (h ^ *p) * 1099511628211ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

static size_t lower_bound(const rp_scoring_index *ix, const char *id) {
  size_t lo = 0, hi = ix->n_entries;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(ix->entries[mid].id, id) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int64_t entry_find_any(const rp_scoring_index *ix, const char *id) {
  if (ix->slots) {
    uint64_t h = id_hash(id);
    for (size_t i = h & ix->mask;; i = (i + 1) & ix->mask) {
      const struct ix_slot *sl = &ix->slots[i];
      if (sl->entry < 0) return -1;
      if (sl->hash == h && !strcmp(ix->entries[sl->entry].id, id)) return sl->entry;
    }
  }
  size_t lo = 0, hi = ix->n_entries;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(ix->entries[mid].id, id);
    if (c == 0) return (int64_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* Where this thread's last lookup ended in which index: a scan looks its
 * contacts up in id order, so the next one is usually found by stepping
 * forward from there through memory just read, without hashing. Any
 * position is safe (it is checked before use), so a stale one after the
 * index was freed and another allocated at its address only costs the
 * hash lookup. */
static _Thread_local struct {
  const rp_scoring_index *ix;
  size_t pos; /* the lower bound of the last id looked up */
} hint;

static int64_t entry_find(const rp_scoring_index *ix, const char *id) {
  if (!ix || !id) return -1;
  size_t p = hint.pos;
  if (hint.ix == ix && p <= ix->n_entries && (p == 0 || strcmp(ix->entries[p - 1].id, id) < 0)) {
    int c = -1;
    for (int steps = 0; p < ix->n_entries && steps < 8; p++, steps++)
      if ((c = strcmp(ix->entries[p].id, id)) >= 0) break;
    if (p == ix->n_entries || c >= 0) {
      hint.pos = p;
      return p < ix->n_entries && c == 0 ? (int64_t)p : -1;
    }
  }
  int64_t e = entry_find_any(ix, id);
  hint.ix = ix;
  hint.pos = e >= 0 ? (size_t)e : lower_bound(ix, id);
  return e;
}

/* The number of items of a time-sorted deal array at or before t. */
static size_t deals_upto(const ix_deal *d, size_t n, rp_time t) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d[mid].at <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* A contact's own revenue at T: the commissions of its closed deals as
 * buyer or seller closed at or before T. */
static double own_revenue(const rp_scoring_index *ix, int64_t e, rp_time T) {
  if (e < 0) return 0;
  const ix_entry *en = &ix->entries[e];
  size_t k = deals_upto(ix->deals + en->deal_off, en->n_deals, T);
  return k ? ix->deal_cum[en->deal_off + k - 1] : 0;
}

/* rp_scoring_index_load: see scoring_internal.h. Everything is read in two
 * queries; the index is plain heap memory (the caller frees it), sorted by
 * contact id so that every lookup is a binary search. */
int rp_scoring_index_load(rp_scoring_index **out, rp_store *s, const char *account_id) {
  rp_arena ar = {0};
  rp_closed_deal *cd = NULL;
  rp_referral_edge *ed = NULL;
  size_t n_cd = 0, n_ed = 0;
  rp_scoring_index *ix = rp_xcalloc(1, sizeof *ix);
  char(*keys)[RP_ID_LEN] = NULL;
  size_t *fill = NULL;
  acct_deal *ad = NULL;
  *out = NULL;
  int rc = rp_store_closed_deals(s, &ar, account_id, &cd, &n_cd);
  if (rc) goto cleanup;
  if ((rc = rp_store_referral_edges(s, &ar, account_id, &ed, &n_ed))) goto cleanup;

  /* the account's deals, each once, oldest first */
  ix->n_acct = n_cd;
  ix->acct = rp_xcalloc(n_cd ? n_cd : 1, sizeof *ix->acct);
  ix->acct_cum = rp_xcalloc(n_cd ? n_cd : 1, sizeof *ix->acct_cum);
  ad = rp_xcalloc(n_cd ? n_cd : 1, sizeof *ad);
  for (size_t i = 0; i < n_cd; i++)
    ad[i] = (acct_deal){cd[i].closed_at, cd[i].commission, i};
  qsort(ad, n_cd, sizeof *ad, cmp_acct);
  double sum = 0;
  for (size_t i = 0; i < n_cd; i++) {
    ix->acct[i] = (ix_deal){ad[i].at, ad[i].commission};
    sum += ad[i].commission;
    ix->acct_cum[i] = sum;
  }

  /* the entries: every party, referrer and referred contact, once */
  size_t n_keys = 2 * n_ed;
  for (size_t i = 0; i < n_cd; i++)
    n_keys += cd[i].n_parties;
  keys = rp_xcalloc(n_keys ? n_keys : 1, sizeof *keys);
  size_t k = 0;
  for (size_t i = 0; i < n_cd; i++)
    for (size_t j = 0; j < cd[i].n_parties; j++)
      memcpy(keys[k++], cd[i].parties[j], RP_ID_LEN);
  for (size_t i = 0; i < n_ed; i++) {
    memcpy(keys[k++], ed[i].referrer_id, RP_ID_LEN);
    memcpy(keys[k++], ed[i].contact_id, RP_ID_LEN);
  }
  qsort(keys, n_keys, sizeof *keys, cmp_id);
  ix->entries = rp_xcalloc(n_keys ? n_keys : 1, sizeof *ix->entries);
  for (size_t i = 0; i < n_keys; i++) {
    if (ix->n_entries && !strcmp(ix->entries[ix->n_entries - 1].id, keys[i])) continue;
    memcpy(ix->entries[ix->n_entries++].id, keys[i], RP_ID_LEN);
  }

  /* the hash of the entries, for every lookup from here on */
  size_t cap = 16;
  while (cap < 2 * ix->n_entries)
    cap *= 2;
  ix->slots = rp_xmalloc(cap * sizeof *ix->slots);
  ix->mask = cap - 1;
  for (size_t i = 0; i < cap; i++)
    ix->slots[i] = (struct ix_slot){0, -1};
  for (size_t e = 0; e < ix->n_entries; e++) {
    uint64_t h = id_hash(ix->entries[e].id);
    size_t i = h & ix->mask;
    while (ix->slots[i].entry >= 0)
      i = (i + 1) & ix->mask;
    ix->slots[i] = (struct ix_slot){h, (int64_t)e};
  }
  /* count, then place, each contact's deals (a contact named twice in one
   * deal counts it once) and referrals */
  for (size_t i = 0; i < n_cd; i++)
    for (size_t j = 0; j < cd[i].n_parties; j++) {
      bool dup = false;
      for (size_t q = 0; q < j && !dup; q++)
        dup = !strcmp(cd[i].parties[q], cd[i].parties[j]);
      if (!dup) ix->entries[entry_find(ix, cd[i].parties[j])].n_deals++;
    }
  for (size_t i = 0; i < n_ed; i++)
    ix->entries[entry_find(ix, ed[i].referrer_id)].n_refs++;
  size_t n_deals = 0, n_refs = 0;
  for (size_t i = 0; i < ix->n_entries; i++) {
    ix->entries[i].deal_off = n_deals;
    ix->entries[i].ref_off = n_refs;
    n_deals += ix->entries[i].n_deals;
    n_refs += ix->entries[i].n_refs;
  }
  ix->deals = rp_xcalloc(n_deals ? n_deals : 1, sizeof *ix->deals);
  ix->deal_cum = rp_xcalloc(n_deals ? n_deals : 1, sizeof *ix->deal_cum);
  ix->refs = rp_xcalloc(n_refs ? n_refs : 1, sizeof *ix->refs);
  fill = rp_xcalloc(ix->n_entries ? 2 * ix->n_entries : 1, sizeof *fill);
  for (size_t i = 0; i < n_cd; i++)
    for (size_t j = 0; j < cd[i].n_parties; j++) {
      bool dup = false;
      for (size_t q = 0; q < j && !dup; q++)
        dup = !strcmp(cd[i].parties[q], cd[i].parties[j]);
      if (dup) continue;
      int64_t e = entry_find(ix, cd[i].parties[j]);
      ix->deals[ix->entries[e].deal_off + fill[2 * e]++] =
          (ix_deal){cd[i].closed_at, cd[i].commission};
    }
  for (size_t i = 0; i < n_ed; i++) {
    int64_t e = entry_find(ix, ed[i].referrer_id);
    ix_ref *r = &ix->refs[ix->entries[e].ref_off + fill[2 * e + 1]++];
    r->created_at = ed[i].created_at;
    r->archived_at = ed[i].archived_at;
    r->target = entry_find(ix, ed[i].contact_id);
  }
  for (size_t i = 0; i < ix->n_entries; i++) {
    ix_entry *en = &ix->entries[i];
    ix_deal *d = ix->deals + en->deal_off;
    /* the store gives deals oldest first; a stable order is kept anyway */
    for (size_t j = 1; j < en->n_deals; j++)
      if (d[j].at < d[j - 1].at) {
        qsort(d, en->n_deals, sizeof *d, cmp_deal);
        break;
      }
    double run = 0;
    for (size_t j = 0; j < en->n_deals; j++) {
      run += d[j].commission;
      ix->deal_cum[en->deal_off + j] = run;
    }
  }
  *out = ix;
  ix = NULL;
cleanup:
  free(keys);
  free(fill);
  free(ad);
  rp_scoring_index_free(ix);
  rp_arena_free(&ar);
  return rc;
}

/* rp_scoring_index_free: see scoring_internal.h. */
void rp_scoring_index_free(rp_scoring_index *ix) {
  if (!ix) return;
  free(ix->slots);
  free(ix->entries);
  free(ix->deals);
  free(ix->deal_cum);
  free(ix->refs);
  free(ix->acct);
  free(ix->acct_cum);
  free(ix);
}

/* rp_scoring_row_input: see scoring_internal.h. Implements scoring.h's
 * definitions: referral count at T (referred contacts created at or
 * before T and not archived at T, DOMAIN.md C1), revenue = own + 25 % of
 * the referred contacts' own revenue at T (archived ones too), account
 * revenue = every closed deal once at T (SCORING.md lifetime_value). */
void rp_scoring_row_input(rp_score_input *in, const rp_scoring_index *ix, const rp_score_row *row,
                          rp_time T) {
  const rp_contact *c = &row->contact;
  memset(in, 0, sizeof *in);
  input_common(in, c, row->n_custom, T);
  lifecycle_at(in, c, row->history, row->n_history, T);
  in->activities = row->acts;
  in->n_activities = row->n_acts;
  in->task_due = row->task_due;
  in->n_tasks = row->n_tasks;
  int64_t e = entry_find(ix, c->id);
  double own = own_revenue(ix, e, T), referred = 0;
  int64_t refs = 0;
  if (e >= 0) {
    const ix_entry *en = &ix->entries[e];
    for (size_t i = 0; i < en->n_refs; i++) {
      const ix_ref *r = &ix->refs[en->ref_off + i];
      if (r->created_at <= T && (r->archived_at == 0 || r->archived_at > T)) refs++;
      referred += own_revenue(ix, r->target, T);
    }
  }
  in->referral_count = refs;
  in->revenue = own + REFERRED_SHARE * referred;
  size_t k = ix ? deals_upto(ix->acct, ix->n_acct, T) : 0;
  in->account_revenue = k ? ix->acct_cum[k - 1] : 0;
}

/* rp_scoring_index_closed_between: see scoring_internal.h (the rFactor's
 * outcomes). */
bool rp_scoring_index_closed_between(const rp_scoring_index *ix, const char *contact_id,
                                     rp_time after, rp_time until) {
  int64_t e = entry_find(ix, contact_id);
  if (e < 0) return false;
  const ix_entry *en = &ix->entries[e];
  const ix_deal *d = ix->deals + en->deal_off;
  size_t k = deals_upto(d, en->n_deals, after);
  return k < en->n_deals && d[k].at <= until;
}

/* rp_scoring_index_commissions: see scoring_internal.h (SCORING.md
 * predicted revenue: the mean commission of the closed deals of a
 * window). */
void rp_scoring_index_commissions(const rp_scoring_index *ix, rp_arena *ar, rp_time after,
                                  rp_time until, double **out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!ix || until <= after) return;
  size_t lo = deals_upto(ix->acct, ix->n_acct, after);
  size_t hi = deals_upto(ix->acct, ix->n_acct, until);
  if (hi <= lo) return;
  *out = rp_arena_alloc(ar, (hi - lo) * sizeof **out);
  for (size_t i = lo; i < hi; i++)
    (*out)[(*n)++] = ix->acct[i].commission;
}

/* ---- the full rescore ---- */

/* One contact whose derived fields changed, on its way to the writer. */
typedef struct change {
  char id[RP_ID_LEN];
  rp_time last_touch, overdue_at;
  double score;
  unsigned fields; /* RP_DERIVED_* that differ from the kept ones */
  rp_derived_was was; /* the kept ones the reader saw */
} change;

#define BATCH_ITEMS 512
#define QUEUE_BATCHES 32
/* Contacts written per transaction. A changed contact moves its entries in
 * three indexes (score, last touch, overdue) at random places, so every
 * commit rewrites most of their pages into the WAL: at 1,000,000 changed
 * contacts, 5,000 per commit took 151 s and 50,000 took 42 s (one
 * transaction: 26 s), while a commit every ~1 s still lets the server's
 * writes in between (docs/performance.md, bench/score). */
#define WRITE_TX_ROWS 50000
/* Milliseconds the writer waits after each of those commits: SQLite's busy
 * wait polls (every 100 ms at most), and a writer that begins again at
 * once would starve a server's writes on the same database, which then
 * give up after 5 s (as the daily job's and the import worker's pauses). */
#define WRITE_PAUSE_MS 50
/* When at least this many contacts changed and they are at least half of
 * those scored so far (a first rescore, or one after a change of the
 * formula), the writer switches to one transaction that drops the indexes
 * of the fields that changed for at least half of them (a change of the
 * scoring settings moves the scores, not the last touches) and builds them
 * again at the end (rp_store_scores_bulk_begin): writes in id order then
 * touch the table and the other indexes only. The server's writes wait for
 * it meanwhile. */
#define BULK_MIN_CHANGED 20000

typedef struct batch {
  size_t n;
  change items[BATCH_ITEMS];
} batch;

/* What the readers and the writer share. The queue holds at most
 * QUEUE_BATCHES full batches: a reader waits when the writer lags, so
 * memory stays bounded whatever the number of contacts. */
typedef struct shared {
  const char *db_path;
  const char *account_id;
  const rp_scoring_index *ix;
  rp_time T;
  bool with_history;
  pthread_mutex_t mu;
  pthread_cond_t not_full, not_empty;
  batch *q[QUEUE_BATCHES];
  size_t q_head, q_len;
  int readers_left;
  atomic_bool abort;
  atomic_size_t done;       /* contacts scored */
  atomic_size_t activities; /* activities read */
  int err_code;             /* the first failure, with its message */
  rp_error err;
} shared;

typedef struct reader {
  shared *sh;
  const char *from, *to; /* id range, NULL: open */
  batch *cur;
  size_t done, activities; /* not yet added to the shared counters */
  pthread_t th;
  bool started;
} reader;

/* Adds a reader's counts to the shared ones (every few hundred rows, so
 * that the readers do not fight over one cache line on every row). */
static void flush_counts(reader *rd) {
  atomic_fetch_add_explicit(&rd->sh->done, rd->done, memory_order_relaxed);
  atomic_fetch_add_explicit(&rd->sh->activities, rd->activities, memory_order_relaxed);
  rd->done = rd->activities = 0;
}

/* Records the calling thread's error as the run's first failure and stops
 * everyone. */
static void fail(shared *sh, int rc) {
  pthread_mutex_lock(&sh->mu);
  if (!sh->err_code) {
    sh->err_code = rc;
    sh->err = *rp_error_last();
  }
  atomic_store(&sh->abort, true);
  pthread_cond_broadcast(&sh->not_full);
  pthread_cond_broadcast(&sh->not_empty);
  pthread_mutex_unlock(&sh->mu);
}

/* Hands a batch to the writer; waits while the queue is full. */
static int push(shared *sh, batch *b) {
  pthread_mutex_lock(&sh->mu);
  while (sh->q_len == QUEUE_BATCHES && !atomic_load(&sh->abort))
    pthread_cond_wait(&sh->not_full, &sh->mu);
  if (atomic_load(&sh->abort)) {
    pthread_mutex_unlock(&sh->mu);
    free(b);
    return -1;
  }
  sh->q[(sh->q_head + sh->q_len++) % QUEUE_BATCHES] = b;
  pthread_cond_signal(&sh->not_empty);
  pthread_mutex_unlock(&sh->mu);
  return 0;
}

/* Scores one scan row and queues it when its kept fields changed. */
static int score_row(void *ctx, const rp_score_row *row) {
  reader *rd = ctx;
  shared *sh = rd->sh;
  rp_score_input in;
  rp_score_result res;
  if (atomic_load_explicit(&sh->abort, memory_order_relaxed)) return -1;
  rp_scoring_row_input(&in, sh->ix, row, sh->T);
  int rc = rp_score_compute(&res, &in);
  if (rc) return rc;
  rp_time touch = res.touched ? res.last_touch : 0;
  rp_time due = rp_contact_overdue_at(&row->contact, touch);
  rd->activities += row->n_acts;
  if (++rd->done == 256) flush_counts(rd);
  unsigned fields = (touch != row->contact.last_touch_at ? RP_DERIVED_TOUCH : 0) |
                    (due != row->overdue_at ? RP_DERIVED_OVERDUE : 0) |
                    (res.score != row->contact.score ? RP_DERIVED_SCORE : 0);
  if (!fields) return 0;
  if (!rd->cur) rd->cur = rp_xmalloc(sizeof *rd->cur), rd->cur->n = 0;
  change *ch = &rd->cur->items[rd->cur->n++];
  memcpy(ch->id, row->contact.id, RP_ID_LEN);
  ch->last_touch = touch;
  ch->overdue_at = due;
  ch->score = res.score;
  ch->was = (rp_derived_was){row->contact.last_touch_at, row->overdue_at, row->contact.score};
  ch->fields = fields;
  if (rd->cur->n == BATCH_ITEMS) {
    batch *b = rd->cur;
    rd->cur = NULL;
    if (push(sh, b)) return -1;
  }
  return 0;
}

/* A reader thread: its own connection, one read transaction (one
 * snapshot), one ordered scan of its id range. */
static void *reader_main(void *arg) {
  reader *rd = arg;
  shared *sh = rd->sh;
  rp_store *s = NULL;
  int rc = rp_store_open(&s, sh->db_path);
  if (!rc) rc = rp_store_begin(s, false);
  if (!rc)
    rc = rp_store_score_scan(s, sh->account_id, rd->from, rd->to, sh->with_history, score_row, rd);
  if (rc == -1 && atomic_load(&sh->abort)) rc = 0; /* stopped by another's failure */
  flush_counts(rd);
  if (!rc && rd->cur && rd->cur->n) {
    batch *b = rd->cur;
    rd->cur = NULL;
    push(sh, b);
  }
  free(rd->cur);
  rd->cur = NULL;
  if (s) rp_store_rollback(s);
  rp_store_close(s);
  if (rc) fail(sh, rc < 0 ? rc : RP_EINTERNAL);
  pthread_mutex_lock(&sh->mu);
  sh->readers_left--;
  pthread_cond_broadcast(&sh->not_empty);
  pthread_mutex_unlock(&sh->mu);
  return NULL;
}

/* Takes the next batch, waiting up to 100 ms; NULL on timeout or when the
 * readers are done (*finished). */
static batch *pop(shared *sh, bool *finished) {
  batch *b = NULL;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += 100 * 1000000L;
  if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
  pthread_mutex_lock(&sh->mu);
  while (!sh->q_len && sh->readers_left > 0 && !atomic_load(&sh->abort))
    if (pthread_cond_timedwait(&sh->not_empty, &sh->mu, &until)) break;
  if (sh->q_len) {
    b = sh->q[sh->q_head];
    sh->q_head = (sh->q_head + 1) % QUEUE_BATCHES;
    sh->q_len--;
    pthread_cond_signal(&sh->not_full);
  }
  *finished = !sh->q_len && (sh->readers_left == 0 || atomic_load(&sh->abort)) && !b;
  pthread_mutex_unlock(&sh->mu);
  return b;
}

static void progress(const rp_rescore_opts *o, shared *sh, size_t *total) {
  if (!o->progress) return;
  size_t done = atomic_load(&sh->done);
  if (done > *total) *total = done;
  o->progress(o->progress_ctx, done, *total);
}

/* The writer's state (the calling thread of rp_scoring_rescore_all). */
typedef struct writer {
  rp_store *w;
  const char *account_id;
  size_t bulk_min; /* BULK_MIN_CHANGED unless a test says otherwise */
  bool tx, bulk, decided;
  size_t in_tx, changed;
  size_t field_changes[3]; /* by RP_DERIVED_* bit: touch, overdue, score */
} writer;

typedef struct held_changes {
  change *items;
  size_t n, cap;
} held_changes;

/* Writes one change in the writer's transaction (begun on demand;
 * committed every WRITE_TX_ROWS outside bulk mode). */
static int write_change(writer *wr, const change *ch) {
  int rc;
  if (!wr->tx) {
    if ((rc = rp_store_begin(wr->w, true))) return rc;
    wr->tx = true;
  }
  /* only over the kept values the reader saw: a request that rescored the
   * contact since (its snapshot) wrote fresher ones */
  rc = rp_store_contact_write_derived(wr->w, wr->account_id, ch->id, ch->fields, &ch->was,
                                      ch->last_touch, ch->overdue_at, ch->score);
  if (rc == RP_ENOTFOUND) return 0; /* purged or rescored meanwhile */
  if (rc) return rc;
  wr->changed++;
  if (++wr->in_tx >= WRITE_TX_ROWS && !wr->bulk) {
    wr->tx = false;
    wr->in_tx = 0;
    if ((rc = rp_store_commit(wr->w))) return rc;
    rp_sleep_ms(WRITE_PAUSE_MS);
  }
  return 0;
}

/* Decides on bulk mode from the held changes (BULK_MIN_CHANGED of them, or
 * fewer when the scan has ended) against the contacts scored so far, then
 * writes them. */
static int decide(writer *wr, held_changes *h, size_t done) {
  int rc = 0;
  wr->decided = true;
  for (size_t i = 0; i < h->n; i++)
    for (int f = 0; f < 3; f++)
      wr->field_changes[f] += (h->items[i].fields >> f) & 1;
  if (h->n >= wr->bulk_min && h->n * 2 >= done) {
    unsigned drop = 0;
    for (int f = 0; f < 3; f++)
      if (wr->field_changes[f] * 2 >= done) drop |= 1u << f;
    if ((rc = rp_store_begin(wr->w, true))) return rc;
    wr->tx = true;
    if ((rc = rp_store_scores_bulk_begin(wr->w, drop))) return rc;
    wr->bulk = true;
  }
  for (size_t i = 0; i < h->n && !rc; i++)
    rc = write_change(wr, &h->items[i]);
  h->n = 0;
  return rc;
}

/* Loads the account index (rp_scoring_index_load) on a connection of its
 * own; the outcome and this thread's error are kept for the caller. */
typedef struct index_loader {
  const char *db_path, *account_id;
  pthread_t th;
  rp_scoring_index *ix;
  int rc;
  rp_error err;
} index_loader;

static void *index_loader_main(void *arg) {
  index_loader *ld = arg;
  rp_store *s = NULL;
  ld->rc = rp_store_open(&s, ld->db_path);
  if (!ld->rc) ld->rc = rp_scoring_index_load(&ld->ix, s, ld->account_id);
  if (ld->rc) ld->err = *rp_error_last();
  rp_store_close(s);
  return NULL;
}

/* rp_scoring_rescore_all: see scoring.h (SCORING.md "for everyone";
 * issue 5 full rescore). The account index is loaded once and read by
 * every reader; readers score rows with the pure core and queue only the
 * contacts whose kept score, last_touch_at or overdue_at differ; this
 * (calling) thread is the single writer and calls o->progress. At
 * 1,000,000 contacts the memory is the index, the readers' one-contact
 * buffers and at most QUEUE_BATCHES batches (a few MiB). */
int rp_scoring_rescore_all(rp_rescore_report *out, const char *db_path, const char *account_id,
                           const rp_rescore_opts *o) {
  rp_store *w = NULL;
  rp_scoring_index *ix = NULL;
  reader *rds = NULL;
  char(*bounds)[RP_ID_LEN] = NULL;
  int n_threads = o->threads, rc;
  size_t changed = 0, total = 0;
  bool bulk = false; /* see BULK_MIN_CHANGED */
  bool tx = false, inited = false;
  shared sh = {
      .db_path = db_path, .account_id = account_id, .T = o->T, .with_history = o->with_history};
  memset(out, 0, sizeof *out);
  if (n_threads <= 0) {
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    n_threads = ncpu > 0 ? (int)ncpu : 1;
  }
  if (n_threads > 64) n_threads = 64;

  if ((rc = rp_store_open(&w, db_path))) goto cleanup;
  writer wr = {.w = w,
               .account_id = account_id,
               .bulk_min = o->bulk_min ? o->bulk_min : BULK_MIN_CHANGED};
  held_changes held = {0};
  /* the account index loads on a thread of its own while this one splits
   * the contacts (two walks of the contact index): each is a few tenths of
   * a second at 1,000,000 contacts, before any reader can start */
  index_loader ld = {.db_path = db_path, .account_id = account_id};
  bool ld_thread = pthread_create(&ld.th, NULL, index_loader_main, &ld) == 0;
  if (!ld_thread) index_loader_main(&ld);
  int64_t count = 0;
  bounds = rp_xcalloc((size_t)n_threads, sizeof *bounds);
  rc = rp_store_contact_split(w, account_id, n_threads, bounds, &count);
  if (ld_thread) pthread_join(ld.th, NULL);
  ix = ld.ix;
  if (!rc && ld.rc)
    rc = rp_error_set(ld.err.code ? ld.err.code : ld.rc, ld.err.field[0] ? ld.err.field : NULL,
                      "%s", ld.err.message);
  if (rc) goto cleanup;
  sh.ix = ix;
  total = (size_t)count;

  pthread_mutex_init(&sh.mu, NULL);
  pthread_cond_init(&sh.not_full, NULL);
  pthread_cond_init(&sh.not_empty, NULL);
  atomic_init(&sh.abort, false);
  atomic_init(&sh.done, 0);
  atomic_init(&sh.activities, 0);
  inited = true;
  rds = rp_xcalloc((size_t)n_threads, sizeof *rds);
  sh.readers_left = n_threads;
  for (int i = 0; i < n_threads; i++) {
    rds[i].sh = &sh;
    rds[i].from = i > 0 && bounds[i - 1][0] ? bounds[i - 1] : NULL;
    rds[i].to = i < n_threads - 1 && bounds[i][0] ? bounds[i] : NULL;
    /* an empty range (fewer contacts than readers) has no reader */
    bool empty = (i > 0 && !bounds[i - 1][0]) ||
                 (rds[i].from && rds[i].to && strcmp(rds[i].from, rds[i].to) >= 0);
    if (!empty && pthread_create(&rds[i].th, NULL, reader_main, &rds[i]) == 0) {
      rds[i].started = true;
      continue;
    }
    pthread_mutex_lock(&sh.mu);
    sh.readers_left--;
    pthread_mutex_unlock(&sh.mu);
    if (!empty) {
      rp_error_set(RP_EINTERNAL, NULL, "cannot start a reader thread");
      fail(&sh, RP_EINTERNAL);
      break;
    }
  }

  /* the writer: the first changes are held until there are enough to
   * decide on bulk mode, so that a rescore that rewrites everyone never
   * updates the indexes it is about to drop */
  bool hooked = false;
  for (;;) {
    bool finished = false;
    batch *b = pop(&sh, &finished);
    if (b && o->before_write && !hooked) { /* tests: someone else's write, here */
      o->before_write(o->before_write_ctx);
      hooked = true;
    }
    if (b && !atomic_load(&sh.abort)) {
      for (size_t i = 0; i < b->n && !rc; i++) {
        const change *ch = &b->items[i];
        if (!wr.decided) {
          if (held.n == held.cap) {
            held.cap = held.cap ? held.cap * 2 : 1024;
            held.items = rp_xrealloc(held.items, held.cap * sizeof *held.items);
          }
          held.items[held.n++] = *ch;
          if (held.n >= wr.bulk_min) rc = decide(&wr, &held, atomic_load(&sh.done));
          continue;
        }
        rc = write_change(&wr, ch);
      }
      if (rc) fail(&sh, rc);
    }
    free(b);
    progress(o, &sh, &total);
    if (finished) break;
  }
  if (!wr.decided && !sh.err_code && (rc = decide(&wr, &held, atomic_load(&sh.done))))
    fail(&sh, rc);
  free(held.items);
  tx = wr.tx;
  bulk = wr.bulk;
  changed = wr.changed;
  if (tx && !sh.err_code) {
    if (bulk && (rc = rp_store_scores_bulk_end(w))) fail(&sh, rc);
    if (!sh.err_code && (rc = rp_store_commit(w))) fail(&sh, rc);
    tx = false;
  }
  for (int i = 0; i < n_threads; i++)
    if (rds[i].started) pthread_join(rds[i].th, NULL);
  if (sh.err_code) {
    rc = sh.err_code;
    rp_error_set(sh.err.code ? sh.err.code : rc, sh.err.field[0] ? sh.err.field : NULL, "%s",
                 sh.err.message);
    goto cleanup;
  }
  out->contacts = atomic_load(&sh.done);
  out->activities = atomic_load(&sh.activities);
  out->changed = changed;
  if (o->progress) o->progress(o->progress_ctx, out->contacts, out->contacts);
  rc = 0;
cleanup:
  if (tx) rp_store_rollback(w);
  if (inited) {
    pthread_mutex_destroy(&sh.mu);
    pthread_cond_destroy(&sh.not_full);
    pthread_cond_destroy(&sh.not_empty);
  }
  for (size_t i = 0; i < sh.q_len; i++)
    free(sh.q[(sh.q_head + i) % QUEUE_BATCHES]);
  free(rds);
  free(bounds);
  rp_scoring_index_free(ix);
  rp_store_close(w);
  return rc;
}
