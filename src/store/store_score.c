/* store_score.c: the facts the score reads (SCORING.md), from the SQLite
 * store: a contact's activities as the score wants them, its referrals and
 * revenue at a moment T, the account's closed deals and referral edges,
 * and the full scan that streams every contact with its activities in one
 * ordered pass (store.h "score, score history, alerts, rFactor"). The
 * indexes these read are in migrations/003_score.sql; score history,
 * alerts, stats and counts are in store_attention.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/json_scan.h"
#include "util/mem.h"

/* ---- small helpers ---- */

/* Fills a from columns c .. c+2 of st: occurred_at, duration_s and
 * score_code (012_activity_score_code.sql). */
static void read_score_activity(rp_stmt *st, int c, rp_score_activity *a) {
  a->occurred_at = rp_col_int64(st, c);
  if (rp_col_type(st, c + 1) == RP_NULL) {
    a->duration_s = -1;
  } else {
    int64_t d = rp_col_int64(st, c + 1);
    a->duration_s = d < 0 ? -1 : d > INT32_MAX ? INT32_MAX : (int32_t)d;
  }
  rp_activity_score_decode(rp_col_int64(st, c + 2), a);
}

/* SQLite's order of two BLOBs: bytes, then length. */
static int blob_cmp(const void *a, int an, const void *b, int bn) {
  int r = memcmp(a, b, (size_t)(an < bn ? an : bn));
  return r ? r : an - bn;
}

/* The text of a 16-byte id (lower-case UUID). */
static void id_text(const unsigned char *b, char out[static RP_ID_LEN]) {
  static const char hex[] = "0123456789abcdef";
  int o = 0;
  for (int k = 0; k < 16; k++) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out[o++] = '-';
    out[o++] = hex[b[k] >> 4];
    out[o++] = hex[b[k] & 15];
  }
  out[o] = '\0';
}

/* Copies an id column (a 16-byte BLOB) into out; false when it is not one. */
static bool col_id16(rp_stmt *st, int i, unsigned char out[16]) {
  if (rp_col_type(st, i) != RP_BLOB || rp_col_bytes(st, i) != 16) return false;
  memcpy(out, rp_col_blob(st, i), 16);
  return true;
}

/* Midnight UTC of a "YYYY-MM-DD" column; false when NULL or not a date. */
static bool col_date(rp_stmt *st, int i, rp_time *out) {
  const char *p = (const char *)rp_col_str(st, i);
  if (!p) return false;
  return rp_date_parse(out, p, (size_t)rp_col_bytes(st, i)) == 0;
}

/* ---- one contact's activities ---- */

/* store.h: every activity of the contact as the score reads it, in
 * (occurred_at, id) order, from the covering activity index (one range,
 * no table row read). *out in ar, NULL with *n = 0 when none. */
int rp_store_score_activities(rp_store *s, rp_arena *ar, const char *account_id,
                              const char *contact_id, rp_score_activity **out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t cap = 0;
  int rc;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_SCORE_ACTIVITIES,
                                 "SELECT occurred_at, duration_s, score_code"
                                 " FROM activities INDEXED BY activities_contact"
                                 " WHERE account_id = ? AND contact_id = ?"
                                 " ORDER BY occurred_at, id");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  while ((rc = rp_step(st)) == RP_ROW)
    read_score_activity(st, 0, RP_ARENA_PUSH(ar, *out, n, &cap, 64));
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* ---- referrals ---- */

/* store.h / DOMAIN.md C1 at T: contacts referred by contact_id, created
 * at or before T and not archived at T. One range of the covering
 * contacts_referred_by index. */
int rp_store_referral_count_at(rp_store *s, const char *account_id, const char *contact_id,
                               rp_time T, int64_t *out) {
  *out = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_REFERRAL_COUNT_AT,
                                 "SELECT count(*) FROM contacts INDEXED BY contacts_referred_by"
                                 " WHERE account_id = ?1 AND referred_by = ?2 AND created_at <= ?3"
                                 " AND (archived_at IS NULL OR archived_at > ?3)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_int64(st, 3, T);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_int64(st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* store.h: every contact of the account that has a referrer, with its
 * created_at and archived_at (0 = live), from the covering index alone;
 * the array in ar (NULL with *n = 0 when none). */
int rp_store_referral_edges(rp_store *s, rp_arena *ar, const char *account_id,
                            rp_referral_edge **out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t cap = 0;
  int rc;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_REFERRAL_EDGES,
                                 "SELECT id, referred_by, created_at, archived_at"
                                 " FROM contacts INDEXED BY contacts_referred_by"
                                 " WHERE account_id = ? AND referred_by IS NOT NULL");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_referral_edge *e = RP_ARENA_PUSH(ar, *out, n, &cap, 256);
    rp_col_id(st, 0, e->contact_id);
    rp_col_id(st, 1, e->referrer_id);
    e->created_at = rp_col_int64(st, 2);
    e->archived_at = rp_col_int64(st, 3);
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* ---- closed deals (SCORING.md lifetime_value, rFactor) ----
 *
 * One closed deal is: a closed transaction, which absorbs the closed
 * property it names (the pair counts once, with the transaction's
 * commission, dated by the transaction's close_date, else the property's;
 * its parties are both deals' buyers and sellers); or a closed property
 * that no closed transaction names. A deal without a (valid) date is left
 * out; a null commission counts 0. rp_store_closed_deals, the account
 * revenue and the per-contact revenue queries below all follow this. */

typedef struct {
  unsigned char id[16]; /* the transaction's id for a pair */
  rp_time closed_at;
  double commission;
  uint32_t orig; /* index before sorting */
} deal_row;

/* Maps a property's or transaction's id to the deal it counts in. */
typedef struct {
  char kind; /* 'p' property, 't' transaction */
  unsigned char id[16];
  uint32_t deal;
} deal_key;

typedef struct {
  unsigned char id[16];
  bool dated;
  rp_time closed_at;
  double commission;
  bool absorbed; /* named by a closed transaction */
} prop_row;

typedef struct {
  deal_row *deals;
  size_t n, cap;
  deal_key *keys;
  size_t n_keys, cap_keys;
} deal_set;

static void deal_set_free(deal_set *d) {
  free(d->deals);
  free(d->keys);
  memset(d, 0, sizeof *d);
}

static int prop_cmp(const void *a, const void *b) {
  return memcmp(((const prop_row *)a)->id, ((const prop_row *)b)->id, 16);
}

static int key_cmp(const void *a, const void *b) {
  const deal_key *x = a, *y = b;
  if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
  return memcmp(x->id, y->id, 16);
}

static int deal_cmp(const void *a, const void *b) {
  const deal_row *x = a, *y = b;
  if (x->closed_at != y->closed_at) return x->closed_at < y->closed_at ? -1 : 1;
  return memcmp(x->id, y->id, 16);
}

static void add_key(deal_set *d, char kind, const unsigned char id[16], size_t deal) {
  if (d->n_keys == d->cap_keys) {
    d->cap_keys = d->cap_keys ? d->cap_keys * 2 : 256;
    d->keys = rp_xrealloc(d->keys, d->cap_keys * sizeof *d->keys);
  }
  deal_key *k = &d->keys[d->n_keys++];
  k->kind = kind;
  memcpy(k->id, id, 16);
  k->deal = (uint32_t)deal;
}

static size_t add_deal(deal_set *d, const unsigned char id[16], rp_time at, double commission) {
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 256;
    d->deals = rp_xrealloc(d->deals, d->cap * sizeof *d->deals);
  }
  deal_row *r = &d->deals[d->n];
  memcpy(r->id, id, 16);
  r->closed_at = at;
  r->commission = commission;
  r->orig = (uint32_t)d->n;
  return d->n++;
}

/* Loads the account's closed deals (above), sorted by (closed_at, id);
 * with keys, also the map from each property / transaction id to the
 * index of its deal in that order (sorted by kind and id). Two scans of
 * covering partial indexes (properties_closed, transactions_closed). */
static int load_deals(rp_store *s, const char *account_id, bool keys, deal_set *d) {
  memset(d, 0, sizeof *d);
  prop_row *props = NULL;
  size_t n_props = 0, cap_props = 0;
  uint32_t *where = NULL;
  int ret = 0, rc;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CLOSED_PROPS,
                                 "SELECT id, close_date, commission"
                                 " FROM properties INDEXED BY properties_closed"
                                 " WHERE account_id = ? AND status = 'closed'");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  while ((rc = rp_step(st)) == RP_ROW) {
    if (n_props == cap_props) {
      cap_props = cap_props ? cap_props * 2 : 256;
      props = rp_xrealloc(props, cap_props * sizeof *props);
    }
    prop_row *p = &props[n_props];
    if (!col_id16(st, 0, p->id)) continue;
    p->dated = col_date(st, 1, &p->closed_at);
    p->commission = rp_col_double(st, 2); /* NULL reads 0 */
    p->absorbed = false;
    n_props++;
  }
  rp_sql_done(st);
  if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
    goto cleanup;
  }
  if (n_props > 1) qsort(props, n_props, sizeof *props, prop_cmp);

  st = rp_sql_stmt(s, RP_ST_CLOSED_TX,
                   "SELECT id, close_date, commission, property_id"
                   " FROM transactions INDEXED BY transactions_closed"
                   " WHERE account_id = ? AND status = 'closed'");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_id(st, 1, account_id);
  while ((rc = rp_step(st)) == RP_ROW) {
    unsigned char id[16];
    if (!col_id16(st, 0, id)) continue;
    rp_time at = 0;
    bool dated = col_date(st, 1, &at);
    prop_row key, *p = NULL;
    if (n_props && col_id16(st, 3, key.id))
      p = bsearch(&key, props, n_props, sizeof *props, prop_cmp);
    if (p) {
      p->absorbed = true;
      if (!dated && p->dated) {
        dated = true;
        at = p->closed_at;
      }
    }
    if (!dated) continue;
    size_t k = add_deal(d, id, at, rp_col_double(st, 2));
    if (keys) {
      add_key(d, 't', id, k);
      if (p) add_key(d, 'p', p->id, k);
    }
  }
  rp_sql_done(st);
  if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
    goto cleanup;
  }
  for (size_t i = 0; i < n_props; i++) {
    if (props[i].absorbed || !props[i].dated) continue;
    size_t k = add_deal(d, props[i].id, props[i].closed_at, props[i].commission);
    if (keys) add_key(d, 'p', props[i].id, k);
  }
  if (d->n > 1) qsort(d->deals, d->n, sizeof *d->deals, deal_cmp);
  if (keys && d->n_keys) {
    where = rp_xmalloc(d->n * sizeof *where);
    for (size_t i = 0; i < d->n; i++)
      where[d->deals[i].orig] = (uint32_t)i;
    for (size_t i = 0; i < d->n_keys; i++)
      d->keys[i].deal = where[d->keys[i].deal];
    qsort(d->keys, d->n_keys, sizeof *d->keys, key_cmp);
  }
cleanup:
  free(props);
  free(where);
  if (ret) deal_set_free(d);
  return ret;
}

/* A (deal, party) pair of rp_store_closed_deals. */
typedef struct {
  uint32_t deal;
  unsigned char contact[16];
} party_pair;

static int pair_cmp(const void *a, const void *b) {
  const party_pair *x = a, *y = b;
  if (x->deal != y->deal) return x->deal < y->deal ? -1 : 1;
  return memcmp(x->contact, y->contact, 16);
}

/* store.h: every closed deal of the account with a close date, oldest
 * first (ties by id), each counted once as described above, with its
 * buyers and sellers (each contact once, in id order). Arrays in ar. */
int rp_store_closed_deals(rp_store *s, rp_arena *ar, const char *account_id, rp_closed_deal **out,
                          size_t *n) {
  *out = NULL;
  *n = 0;
  deal_set d;
  party_pair *pairs = NULL;
  size_t n_pairs = 0, cap_pairs = 0;
  int ret = load_deals(s, account_id, true, &d), rc;
  if (ret) return ret;
  if (!d.n) goto cleanup;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CLOSED_PARTIES,
                                 "SELECT deal_kind, deal_id, contact_id FROM deal_parties"
                                 " WHERE account_id = ? AND role IN ('buyer', 'seller')");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_id(st, 1, account_id);
  while ((rc = rp_step(st)) == RP_ROW) {
    const char *kind = (const char *)rp_col_str(st, 0);
    deal_key key = {.kind = kind && kind[0] == 't' ? 't' : 'p'};
    unsigned char contact[16];
    if (!col_id16(st, 1, key.id) || !col_id16(st, 2, contact)) continue;
    deal_key *k = bsearch(&key, d.keys, d.n_keys, sizeof *d.keys, key_cmp);
    if (!k) continue;
    /* a property two closed transactions name counts in both: its equal
     * keys are neighbours */
    while (k > d.keys && key_cmp(k - 1, &key) == 0)
      k--;
    for (; k < d.keys + d.n_keys && key_cmp(k, &key) == 0; k++) {
      if (n_pairs == cap_pairs) {
        cap_pairs = cap_pairs ? cap_pairs * 2 : 256;
        pairs = rp_xrealloc(pairs, cap_pairs * sizeof *pairs);
      }
      pairs[n_pairs].deal = k->deal;
      memcpy(pairs[n_pairs].contact, contact, 16);
      n_pairs++;
    }
  }
  rp_sql_done(st);
  if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
    goto cleanup;
  }
  if (n_pairs > 1) qsort(pairs, n_pairs, sizeof *pairs, pair_cmp);
  rp_closed_deal *res = rp_arena_calloc(ar, d.n * sizeof *res);
  for (size_t i = 0; i < d.n; i++) {
    res[i].closed_at = d.deals[i].closed_at;
    res[i].commission = d.deals[i].commission;
  }
  for (size_t i = 0; i < n_pairs;) {
    size_t j = i, distinct = 0;
    for (; j < n_pairs && pairs[j].deal == pairs[i].deal; j++)
      if (j == i || memcmp(pairs[j].contact, pairs[j - 1].contact, 16) != 0) distinct++;
    rp_closed_deal *cd = &res[pairs[i].deal];
    cd->parties = rp_arena_alloc(ar, distinct * RP_ID_LEN);
    for (size_t k = i; k < j; k++)
      if (k == i || memcmp(pairs[k].contact, pairs[k - 1].contact, 16) != 0)
        id_text(pairs[k].contact, cd->parties[cd->n_parties++]);
    i = j;
  }
  *out = res;
  *n = d.n;
cleanup:
  deal_set_free(&d);
  free(pairs);
  return ret;
}

/* ---- revenue at T ---- */

/* The accounts' closed deals by date with running sums, per connection:
 * built from load_deals, kept while the account's deal_epoch token (a
 * random value a trigger rewrites on every deal write, 003_score.sql) is
 * the one it was built at. So the account revenue of an incremental
 * rescore is a binary search, and costs a rebuild only after deals
 * change. A few accounts are kept, so a server whose requests alternate
 * between accounts does not rebuild on every one. */
#define REVENUE_SLOTS 8

typedef struct {
  char account[RP_ID_LEN]; /* "" = free */
  bool has_token;
  int64_t token;
  uint64_t used; /* for least-recently-used replacement */
  size_t n;
  rp_time *at; /* closed_at, ascending */
  double *sum; /* sum[i]: commissions of deals 0..i, summed oldest first */
} revenue_slot;

struct rp_revenue_cache {
  revenue_slot slot[REVENUE_SLOTS];
  uint64_t clock;
};

static void slot_clear(revenue_slot *e) {
  free(e->at);
  free(e->sum);
  memset(e, 0, sizeof *e);
}

void rp_sql_revenue_cache_free(rp_store *s) {
  if (!s || !s->revenue) return;
  for (int i = 0; i < REVENUE_SLOTS; i++)
    slot_clear(&s->revenue->slot[i]);
  free(s->revenue);
  s->revenue = NULL;
}

/* The revenue of the account's closed deals at or before T. */
static int account_revenue(rp_store *s, const char *account_id, rp_time T, double *out) {
  *out = 0;
  if (!account_id) return rp_error_set(RP_EINVALID_VALUE, NULL, "no account");
  bool has = false;
  int64_t token = 0;
  /* the token first, then (on a rebuild) the deals: the deals are at
   * least as new as the token, so a write in between only causes one
   * rebuild more, never a stale cache */
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_DEAL_EPOCH, "SELECT token FROM deal_epoch WHERE account_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc = rp_step(st);
  if (rc == RP_ROW) {
    has = true;
    token = rp_col_int64(st, 0);
  }
  rp_sql_done(st);
  if (rc != RP_ROW && rc != RP_DONE) return rp_sql_error(s, rc, NULL);
  if (!s->revenue) s->revenue = rp_xcalloc(1, sizeof *s->revenue);
  struct rp_revenue_cache *cache = s->revenue;
  revenue_slot *e = NULL, *victim = &cache->slot[0];
  for (int i = 0; i < REVENUE_SLOTS && !e; i++) {
    revenue_slot *x = &cache->slot[i];
    if (x->account[0] && strcmp(x->account, account_id) == 0)
      e = x;
    else if (x->used < victim->used)
      victim = x;
  }
  if (e && (e->has_token != has || e->token != token)) {
    victim = e;
    e = NULL;
  }
  if (!e) {
    deal_set d;
    int ret = load_deals(s, account_id, false, &d);
    if (ret) return ret;
    e = victim;
    slot_clear(e);
    rp_id_copy(e->account, account_id);
    e->has_token = has;
    e->token = token;
    e->n = d.n;
    e->at = rp_xmalloc((d.n ? d.n : 1) * sizeof *e->at);
    e->sum = rp_xmalloc((d.n ? d.n : 1) * sizeof *e->sum);
    double sum = 0;
    for (size_t i = 0; i < d.n; i++) {
      sum += d.deals[i].commission;
      e->at[i] = d.deals[i].closed_at;
      e->sum[i] = sum;
    }
    deal_set_free(&d);
  }
  e->used = ++cache->clock;
  /* deals closed at or before T: the first index with at > T */
  size_t lo = 0, hi = e->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (e->at[mid] <= T)
      lo = mid + 1;
    else
      hi = mid;
  }
  *out = lo ? e->sum[lo - 1] : 0;
  return 0;
}

/* The effective closed deals (above) of the contacts of WHO, as (contact,
 * deal, commission, date) rows, deduplicated per contact and deal; the
 * sum of the commissions of those dated at or before ?3. FROM_ and WHO_
 * choose the contacts: the contact ?2 itself, or those it referred. The
 * joins are forced to start from the contact's party rows. */
#define REVENUE_SQL(FROM_, WHO_, CID_)                                                             \
  "SELECT total(commission) FROM ("                                                                \
  " SELECT " CID_ ", t.id, t.commission AS commission, coalesce(t.close_date, p.close_date) AS d"  \
  " FROM " FROM_ " CROSS JOIN transactions t"                                                      \
  " LEFT JOIN properties p ON p.account_id = ?1 AND p.id = t.property_id AND p.status = 'closed'"  \
  " WHERE " WHO_ " AND dp.deal_kind = 'transaction' AND dp.role IN ('buyer', 'seller')"            \
  " AND t.account_id = ?1 AND t.id = dp.deal_id AND t.status = 'closed'"                           \
  " UNION"                                                                                         \
  " SELECT " CID_ ", t.id, t.commission, coalesce(t.close_date, p.close_date)"                     \
  " FROM " FROM_ " CROSS JOIN properties p CROSS JOIN transactions t INDEXED BY"                   \
  " transactions_property"                                                                         \
  " WHERE " WHO_ " AND dp.deal_kind = 'property' AND dp.role IN ('buyer', 'seller')"               \
  " AND p.account_id = ?1 AND p.id = dp.deal_id AND p.status = 'closed'"                           \
  " AND t.account_id = ?1 AND t.property_id = p.id AND t.status = 'closed'"                        \
  " UNION"                                                                                         \
  " SELECT " CID_ ", p.id, p.commission, p.close_date"                                             \
  " FROM " FROM_ " CROSS JOIN properties p"                                                        \
  " WHERE " WHO_ " AND dp.deal_kind = 'property' AND dp.role IN ('buyer', 'seller')"               \
  " AND p.account_id = ?1 AND p.id = dp.deal_id AND p.status = 'closed'"                           \
  " AND NOT EXISTS (SELECT 1 FROM transactions x INDEXED BY transactions_property"                 \
  " WHERE x.account_id = ?1 AND x.property_id = p.id AND x.status = 'closed')"                     \
  ") WHERE d IS NOT NULL AND d <= ?3"

#define OWN_FROM "deal_parties dp INDEXED BY deal_parties_contact"
#define OWN_WHO "dp.account_id = ?1 AND dp.contact_id = ?2"
#define REF_FROM                                                                                   \
  "contacts r INDEXED BY contacts_referred_by CROSS JOIN deal_parties dp INDEXED BY"               \
  " deal_parties_contact"
#define REF_WHO                                                                                    \
  "r.account_id = ?1 AND r.referred_by = ?2 AND dp.account_id = ?1 AND dp.contact_id = r.id"

static int revenue_query(rp_store *s, rp_stmt_id slot, const char *sql, const char *account_id,
                         const char *contact_id, const char *date, double *out) {
  *out = 0;
  rp_stmt *st = rp_sql_stmt(s, slot, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_text(st, 3, date);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_double(st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* store.h / SCORING.md lifetime_value facts at T: the contact's own
 * revenue and its referrals' (index range scans from the contact's party
 * rows and its referred contacts), and the account's (the cached running
 * sums). Closed deals as described above; a deal counts when its close
 * date (midnight UTC) is at or before T. */
int rp_store_revenue_at(rp_store *s, const char *account_id, const char *contact_id, rp_time T,
                        double *own, double *referred, double *account) {
  double o = 0, r = 0, a = 0;
  int ret = 0;
  char date[11];
  rp_date_format(T, date);
  if (contact_id && own &&
      (ret = revenue_query(s, RP_ST_REVENUE_OWN, REVENUE_SQL(OWN_FROM, OWN_WHO, "?2"), account_id,
                           contact_id, date, &o)))
    return ret;
  if (contact_id && referred &&
      (ret = revenue_query(s, RP_ST_REVENUE_REFERRED, REVENUE_SQL(REF_FROM, REF_WHO, "r.id"),
                           account_id, contact_id, date, &r)))
    return ret;
  if (account && (ret = account_revenue(s, account_id, T, &a))) return ret;
  if (own) *own = o;
  if (referred) *referred = r;
  if (account) *account = a;
  return 0;
}

/* ---- a contact's tasks ---- */

static int cmp_time(const void *a, const void *b) {
  rp_time x = *(const rp_time *)a, y = *(const rp_time *)b;
  return (x > y) - (x < y);
}

int rp_store_score_task_dues(rp_store *s, rp_arena *ar, const char *account_id,
                             const char *contact_id, rp_time **out, size_t *n) {
  *out = NULL;
  *n = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_TASK_DUES,
                                 "SELECT due_at FROM tasks INDEXED BY tasks_contact"
                                 " WHERE account_id = ? AND contact_id = ? AND due_at IS NOT NULL");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  size_t cap = 0, count = 0;
  rp_time *v = NULL;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW)
    *RP_ARENA_PUSH(ar, v, &count, &cap, 8) = rp_col_int64(st, 0);
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) return ret;
  if (count > 1) qsort(v, count, sizeof *v, cmp_time);
  *out = count ? v : NULL;
  *n = count;
  return 0;
}

/* ---- the full scan ---- */

/* What a scan reuses from contact to contact. */
typedef struct {
  rp_score_activity *acts;
  size_t n_acts, cap_acts;
  rp_time *dues;
  size_t n_dues, cap_dues;
  rp_history *hist;
  size_t n_hist, cap_hist;
  struct {
    size_t field, from, to; /* offsets into text; SIZE_MAX = NULL */
  } * hoff;
  char *text;
  size_t n_text, cap_text;
  /* placeholder items for the emails, phones and social links counted */
  rp_email *emails;
  rp_phone *phones;
  const char **social;
  size_t cap_items;
  char owner[RP_ID_LEN], referrer[RP_ID_LEN];
} scan_state;

static void scan_free(scan_state *b) {
  free(b->acts);
  free(b->dues);
  free(b->hist);
  free(b->hoff);
  free(b->text);
  free(b->emails);
  free(b->phones);
  free(b->social);
}

/* An item of a list the scan only counts: non-empty, like every stored
 * email address, phone number and social URL, so rp_score_details_from
 * sees it as present. */
static const char placeholder[] = "(not read by the scan)";

static void ensure_items(scan_state *b, size_t n) {
  if (n <= b->cap_items) return;
  size_t cap = n < 16 ? 16 : n * 2;
  b->emails = rp_xrealloc(b->emails, cap * sizeof *b->emails);
  b->phones = rp_xrealloc(b->phones, cap * sizeof *b->phones);
  b->social = rp_xrealloc(b->social, cap * sizeof *b->social);
  for (size_t i = b->cap_items; i < cap; i++) {
    b->emails[i] = (rp_email){placeholder, NULL};
    b->phones[i] = (rp_phone){placeholder, NULL};
    b->social[i] = placeholder;
  }
  b->cap_items = cap;
}

/* Appends a text column to the scan's text buffer; its offset, or SIZE_MAX
 * for NULL. */
static size_t keep_text(scan_state *b, rp_stmt *st, int i) {
  const char *p = (const char *)rp_col_str(st, i);
  if (!p) return SIZE_MAX;
  size_t n = (size_t)rp_col_bytes(st, i);
  if (b->n_text + n + 1 > b->cap_text) {
    b->cap_text = (b->n_text + n + 1) * 2;
    b->text = rp_xrealloc(b->text, b->cap_text);
  }
  size_t at = b->n_text;
  memcpy(b->text + at, p, n);
  b->text[at + n] = '\0';
  b->n_text += n + 1;
  return at;
}

/* The contact columns a scan reads: what rp_score_details_from reads, the
 * lifecycle fields and the derived ones; the JSON lists are only counted. */
#define SCAN_COLS                                                                                  \
  "id, status, stage, category, type, intent, timeframe, budget IS NOT NULL, referral_count,"      \
  " known_since, created_at, updated_at, archived_at, contact_interval_days, NULL,"                \
  " last_touch_at, overdue_at, emails_json, phones_json, social_json, has_address,"                \
  " address_street, address_city, company, website, birthday, anniversary, partner, children,"     \
  " pets, interests, custom_json, status_before_client, display_name, first_name, last_name,"      \
  " last_purchase_date, last_sale_date, owner_id, referred_by"

static const char *col_str(rp_stmt *st, int i) {
  return (const char *)rp_col_str(st, i);
}

static void read_scan_contact(rp_stmt *st, scan_state *b, const char *account_id,
                              rp_score_row *row) {
  rp_contact *c = &row->contact;
  memset(row, 0, sizeof *row);
  const unsigned char *id = rp_col_blob(st, 0);
  if (rp_col_bytes(st, 0) == 16)
    id_text(id, c->id);
  else
    rp_col_id(st, 0, c->id);
  rp_id_copy(c->account_id, account_id);
  rp_status status = RP_STATUS_NONE;
  rp_status_parse(&status, col_str(st, 1));
  c->status = status;
  rp_stage stage = RP_STAGE_NONE;
  rp_stage_parse(&stage, col_str(st, 2));
  c->stage = stage;
  rp_category category = RP_CATEGORY_NONE;
  rp_category_parse(&category, col_str(st, 3));
  c->category = category;
  rp_ctype type = RP_TYPE_CLIENT;
  rp_ctype_parse(&type, col_str(st, 4));
  c->type = type;
  rp_intent intent = RP_INTENT_NONE;
  rp_intent_parse(&intent, col_str(st, 5));
  c->intent = intent;
  c->timeframe = col_str(st, 6);
  c->has_budget = rp_col_int(st, 7) != 0;
  c->referral_count = rp_col_int64(st, 8);
  c->known_since = col_str(st, 9);
  c->created_at = rp_col_int64(st, 10);
  c->updated_at = rp_col_int64(st, 11);
  c->archived_at = rp_col_int64(st, 12);
  c->contact_interval_days = rp_col_int64(st, 13);
  c->score = 0; /* (column 14 is empty: the scan reads the kept score from contact_scores) */
  c->last_touch_at = rp_col_int64(st, 15);
  row->overdue_at = rp_col_int64(st, 16);
  size_t nitems[3];
  for (int k = 0; k < 3; k++) {
    const char *text = col_str(st, 17 + k);
    nitems[k] = rp_json_array_count(text, (size_t)rp_col_bytes(st, 17 + k));
  }
  size_t ne = nitems[0], np = nitems[1], ns = nitems[2];
  size_t most = ne > np ? ne : np;
  ensure_items(b, most > ns ? most : ns);
  c->emails = ne ? b->emails : NULL;
  c->n_emails = ne;
  c->phones = np ? b->phones : NULL;
  c->n_phones = np;
  c->social = ns ? b->social : NULL;
  c->n_social = ns;
  c->has_address = rp_col_int(st, 20) != 0;
  c->address.street = col_str(st, 21);
  c->address.city = col_str(st, 22);
  c->company = col_str(st, 23);
  c->website = col_str(st, 24);
  c->birthday = col_str(st, 25);
  c->anniversary = col_str(st, 26);
  c->partner = col_str(st, 27);
  c->children = col_str(st, 28);
  c->pets = col_str(st, 29);
  c->interests = col_str(st, 30);
  c->custom_json = col_str(st, 31);
  row->n_custom = rp_json_object_filled(c->custom_json, (size_t)rp_col_bytes(st, 31));
  rp_status before = RP_STATUS_NONE;
  rp_status_parse(&before, col_str(st, 32));
  c->status_before_client = before;
  c->display_name = col_str(st, 33);
  c->first_name = col_str(st, 34);
  c->last_name = col_str(st, 35);
  c->last_purchase_date = col_str(st, 36);
  c->last_sale_date = col_str(st, 37);
  rp_col_id(st, 38, b->owner);
  c->owner_id = b->owner[0] ? b->owner : NULL;
  rp_col_id(st, 39, b->referrer);
  c->referred_by = b->referrer[0] ? b->referrer : NULL;
}

/* Binds a range's bounds as ?2 (from, inclusive) and ?3 (to, exclusive):
 * an open end binds a BLOB below (empty) or above (17 bytes 0xff) every
 * 16-byte id, so one statement serves every range. */
static void bind_range(rp_stmt *st, const char *from_id, const char *to_id) {
  static const unsigned char top[17] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  if (from_id)
    rp_bind_id(st, 2, from_id);
  else
    rp_bind_blob(st, 2, top, 0);
  if (to_id)
    rp_bind_id(st, 3, to_id);
  else
    rp_bind_blob(st, 3, top, (int)sizeof top);
}

/* Steps st; *ok false at its end. 0, or the mapped error. */
static int advance(rp_store *s, rp_stmt *st, bool *ok) {
  int rc = rp_step(st);
  *ok = rc == RP_ROW;
  return rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
}

/* One cursor of the scan: the cached statement sql (?1 the account, ?2 ?3
 * the id range), streamed (on PostgreSQL in batches through a cursor);
 * NULL with the error set when it cannot be prepared. */
static rp_stmt *scan_cursor(rp_store *s, rp_stmt_id id, const char *sql, const char *account_id,
                            const char *from_id, const char *to_id) {
  rp_stmt *st = rp_sql_stmt(s, id, sql);
  if (!st) return NULL;
  rp_sql_stream(st);
  rp_bind_id(st, 1, account_id);
  bind_range(st, from_id, to_id);
  return st;
}

/* The page cache of a scan on its own transaction: it streams each page
 * once, so a small cache does as well as a big one, and spares the
 * process the faults of filling 32 MiB per reader connection. */
#define SCAN_CACHE_KB 2048

/* The connection's cache_size setting (negative: KiB), 0 when unknown. */
static int64_t cache_size_get(rp_store *s) {
  if (!s->db) return 0; /* SQLite's setting */
  rp_stmt st;
  int64_t v = 0;
  if (!rp_sql_prepare(s, "PRAGMA cache_size", &st) && rp_step(&st) == RP_ROW)
    v = rp_col_int64(&st, 0);
  rp_sql_finalize(&st);
  return v;
}

static void cache_size_set(rp_store *s, int64_t v) {
  char sql[48];
  snprintf(sql, sizeof sql, "PRAGMA cache_size=%lld", (long long)v);
  if (s->db) rp_sql_exec(s, sql, "cache_size");
}

/* store.h: the full scan. Three cursors in id order, merged here: the
 * contacts (their unique (account_id, id) index, one table row each), the
 * activities (the covering activities_contact index, one sequential
 * range) and, with_history, the change history (history_contact, in
 * (at, seq) order per contact as rp_store_history_list gives it), the
 * tasks' due times and the kept scores (contact_scores' rows). One
 * buffer each, reused from contact to contact; no query per contact. The
 * callback may write through the same connection (rows it changes are not
 * the ones the cursors still have to read). */
int rp_store_score_scan(rp_store *s, const char *account_id, const char *from_id, const char *to_id,
                        bool with_history, rp_score_scan_fn fn, void *ctx) {
  scan_state b = {0};
  rp_stmt *cs = NULL, *as = NULL, *hs = NULL, *ts = NULL, *ks = NULL;
  bool own_tx = false, a_ok = false, h_ok = false, t_ok = false, k_ok = false;
  int ret = 0, rc;
  if ((from_id && !rp_uuid_valid(from_id, strlen(from_id))) ||
      (to_id && !rp_uuid_valid(to_id, strlen(to_id))))
    return rp_error_set(RP_EINVALID_VALUE, NULL, "a scan bound is not an id");
  int64_t cache_was = 0;
  if (rp_sql_autocommit(s)) {
    /* (inside the caller's transaction the cache may hold its writes:
     * left as it is) */
    cache_was = cache_size_get(s);
    if (cache_was) cache_size_set(s, -SCAN_CACHE_KB);
    if ((ret = rp_store_begin(s, false))) goto restore;
    own_tx = true;
  }
  cs = scan_cursor(s, RP_ST_SCAN_CONTACTS,
                   "SELECT " SCAN_COLS " FROM contacts INDEXED BY sqlite_autoindex_contacts_1"
                   " WHERE account_id = ?1 AND id >= ?2 AND id < ?3 ORDER BY id",
                   account_id, from_id, to_id);
  if (!cs) goto fail;
  as = scan_cursor(s, RP_ST_SCAN_ACTIVITIES,
                   "SELECT contact_id, occurred_at, duration_s, score_code"
                   " FROM activities INDEXED BY activities_contact"
                   " WHERE account_id = ?1 AND contact_id >= ?2 AND contact_id < ?3"
                   " ORDER BY contact_id, occurred_at, id",
                   account_id, from_id, to_id);
  if (!as) goto fail;
  if (with_history) {
    hs = scan_cursor(s, RP_ST_SCAN_HISTORY,
                     "SELECT contact_id, field, from_value, to_value, at"
                     " FROM history INDEXED BY history_contact"
                     " WHERE account_id = ?1 AND contact_id >= ?2 AND contact_id < ?3"
                     " ORDER BY contact_id, at, seq",
                     account_id, from_id, to_id);
    if (!hs) goto fail;
    if ((ret = advance(s, hs, &h_ok))) goto cleanup;
  }
  if ((ret = advance(s, as, &a_ok))) goto cleanup;
  /* the tasks' due times (SCORING.md 14), by contact; few rows */
  ts = scan_cursor(s, RP_ST_SCAN_TASKS,
                   "SELECT contact_id, due_at FROM tasks INDEXED BY tasks_contact"
                   " WHERE account_id = ?1 AND contact_id >= ?2 AND contact_id < ?3"
                   " AND due_at IS NOT NULL ORDER BY contact_id",
                   account_id, from_id, to_id);
  if (!ts) goto fail;
  if ((ret = advance(s, ts, &t_ok))) goto cleanup;
  /* the kept scores (011_contact_scores.sql), one row per contact */
  ks = scan_cursor(s, RP_ST_SCAN_SCORES,
                   "SELECT contact_id, score FROM contact_scores"
                   " WHERE account_id = ?1 AND contact_id >= ?2 AND contact_id < ?3"
                   " ORDER BY contact_id",
                   account_id, from_id, to_id);
  if (!ks) goto fail;
  if ((ret = advance(s, ks, &k_ok))) goto cleanup;

  while ((rc = rp_step(cs)) == RP_ROW) {
    const void *cid = rp_col_blob(cs, 0);
    int cn = rp_col_bytes(cs, 0);
    b.n_acts = 0;
    while (a_ok) {
      int cmp = blob_cmp(rp_col_blob(as, 0), rp_col_bytes(as, 0), cid, cn);
      if (cmp > 0) break;
      if (cmp == 0) { /* (cmp < 0: a row of no contact in range; skipped) */
        if (b.n_acts == b.cap_acts) {
          b.cap_acts = b.cap_acts ? b.cap_acts * 2 : 256;
          b.acts = rp_xrealloc(b.acts, b.cap_acts * sizeof *b.acts);
        }
        read_score_activity(as, 1, &b.acts[b.n_acts++]);
      }
      if ((ret = advance(s, as, &a_ok))) goto cleanup;
    }
    b.n_hist = 0;
    b.n_text = 0;
    while (h_ok) {
      int cmp = blob_cmp(rp_col_blob(hs, 0), rp_col_bytes(hs, 0), cid, cn);
      if (cmp > 0) break;
      if (cmp == 0) {
        if (b.n_hist == b.cap_hist) {
          b.cap_hist = b.cap_hist ? b.cap_hist * 2 : 16;
          b.hist = rp_xrealloc(b.hist, b.cap_hist * sizeof *b.hist);
          b.hoff = rp_xrealloc(b.hoff, b.cap_hist * sizeof *b.hoff);
        }
        rp_history *h = &b.hist[b.n_hist];
        memset(h, 0, sizeof *h);
        rp_col_id(hs, 0, h->contact_id);
        h->at = rp_col_int64(hs, 4);
        b.hoff[b.n_hist].field = keep_text(&b, hs, 1);
        b.hoff[b.n_hist].from = keep_text(&b, hs, 2);
        b.hoff[b.n_hist].to = keep_text(&b, hs, 3);
        b.n_hist++;
      }
      if ((ret = advance(s, hs, &h_ok))) goto cleanup;
    }
    for (size_t i = 0; i < b.n_hist; i++) { /* the text buffer has stopped moving */
      b.hist[i].field = b.hoff[i].field == SIZE_MAX ? NULL : b.text + b.hoff[i].field;
      b.hist[i].from = b.hoff[i].from == SIZE_MAX ? NULL : b.text + b.hoff[i].from;
      b.hist[i].to = b.hoff[i].to == SIZE_MAX ? NULL : b.text + b.hoff[i].to;
    }
    b.n_dues = 0;
    while (t_ok) {
      int cmp = blob_cmp(rp_col_blob(ts, 0), rp_col_bytes(ts, 0), cid, cn);
      if (cmp > 0) break;
      if (cmp == 0) {
        if (b.n_dues == b.cap_dues) {
          b.cap_dues = b.cap_dues ? b.cap_dues * 2 : 16;
          b.dues = rp_xrealloc(b.dues, b.cap_dues * sizeof *b.dues);
        }
        b.dues[b.n_dues++] = rp_col_int64(ts, 1);
      }
      if ((ret = advance(s, ts, &t_ok))) goto cleanup;
    }
    if (b.n_dues > 1) qsort(b.dues, b.n_dues, sizeof *b.dues, cmp_time);
    double kept = 0;
    while (k_ok) {
      int cmp = blob_cmp(rp_col_blob(ks, 0), rp_col_bytes(ks, 0), cid, cn);
      if (cmp > 0) break;
      if (cmp == 0) kept = rp_col_double(ks, 1);
      if ((ret = advance(s, ks, &k_ok))) goto cleanup;
    }
    rp_score_row row;
    read_scan_contact(cs, &b, account_id, &row);
    row.contact.score = kept;
    row.task_due = b.n_dues ? b.dues : NULL;
    row.n_tasks = b.n_dues;
    row.acts = b.n_acts ? b.acts : NULL;
    row.n_acts = b.n_acts;
    row.history = b.n_hist ? b.hist : NULL;
    row.n_history = b.n_hist;
    if ((ret = fn(ctx, &row))) goto cleanup;
  }
  if (rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  goto cleanup;
fail:
  ret = rp_error_last()->code;
cleanup:
  rp_sql_done(cs);
  rp_sql_done(as);
  rp_sql_done(hs);
  rp_sql_done(ts);
  rp_sql_done(ks);
  if (own_tx) {
    /* the callback may have written: keep it as autocommit would have */
    int c = rp_store_commit(s);
    if (c) {
      rp_store_rollback(s);
      if (!ret) ret = c;
    }
  }
  scan_free(&b);
restore:
  if (cache_was) cache_size_set(s, cache_was);
  return ret;
}

/* store.h: bounds splitting the account's contacts (archived too, as the
 * scan reads them) into `parts` id ranges of about equal size: bound i is
 * the id at offset (i + 1) * count / parts of the id order. */
int rp_store_contact_split(rp_store *s, const char *account_id, int parts,
                           char (*bounds)[RP_ID_LEN], int64_t *count) {
  if (count) *count = 0;
  if (parts < 1) return rp_error_set(RP_EINVALID_VALUE, NULL, "parts must be at least 1");
  for (int i = 0; i < parts - 1; i++)
    bounds[i][0] = '\0';
  if (parts == 1 && !count) return 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_SPLIT_COUNT,
                                 "SELECT count(*) FROM contacts INDEXED BY"
                                 " sqlite_autoindex_contacts_1 WHERE account_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc = rp_step(st), ret = 0;
  int64_t n = rc == RP_ROW ? rp_col_int64(st, 0) : 0;
  if (rc != RP_ROW) ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret || n == 0) return ret;
  if (count) *count = n;
  for (int i = 0; i < parts - 1; i++) {
    int64_t offset = (int64_t)(i + 1) * n / parts;
    st = rp_sql_stmt(s, RP_ST_SPLIT_AT,
                     "SELECT id FROM contacts INDEXED BY sqlite_autoindex_contacts_1"
                     " WHERE account_id = ? ORDER BY id LIMIT 1 OFFSET ?");
    if (!st) return rp_error_last()->code;
    rp_bind_id(st, 1, account_id);
    rp_bind_int64(st, 2, offset);
    rc = rp_step(st);
    if (rc == RP_ROW)
      rp_col_id(st, 0, bounds[i]);
    else if (rc != RP_DONE)
      ret = rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
    if (ret) return ret;
  }
  return 0;
}
