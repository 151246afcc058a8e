/* test_demo.c: the demo data generator (jobs/demo.h) on real databases in
 * /tmp: the same seed gives the same database (contacts, activities, deals,
 * history) and another seed another one; every status is present in
 * realistic proportions; every contact can be reached (a display name and
 * an email or an E.164 phone); and the data is what the rules make of the
 * contacts' lives: statuses reached by rule ids only (M3 history, no
 * "manual" status), clients with an open deal and past clients with closed
 * ones only (L4, L5), close dates from the closed deals (L6), exact
 * referral counts (C1-C3), stages by the S rules (trust only with two
 * closings or two referrals, S6), quiet suspects (L2), leads with needs and
 * a timeframe (L3); activities per contact stay sane; owners rotate over a
 * team's agents; rules switched off write nothing (M2). Outcomes follow
 * behaviour through the generator's own model (docs/demo.md), and the
 * daily job run at the end leaves kept scores, score history, stage
 * averages and alerts. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/contact.h"
#include "core/email.h"
#include "jobs/demo.h"
#include "jobs/scoring.h"
#include "store/store.h"
#include "util/error.h"
#include "util/password.h"
#include "util/strbuf.h"

#define NOW 1795615500 /* 2026-11-25T14:05:00Z */
#define DAY 86400
#define N_CONTACTS 300

typedef struct db {
  char path[64];
  rp_store *s;
  rp_arena ar;
  rp_account acct;
  rp_user owner;
  rp_demo_stats st;
  rp_contact *c; /* every contact, after load() */
  size_t n;
  rp_property *props; /* every deal, after load() */
  size_t n_props;
  rp_transaction *txs;
  size_t n_txs;
} db;

/* A new database with one account (settings as given) and its owner, plus
 * `agents` agents. */
static db *db_new_with(int agents, const char *settings_json) {
  db *d = calloc(1, sizeof *d);
  snprintf(d->path, sizeof d->path, "/tmp/rapport-test-demo-XXXXXX");
  int fd = mkstemp(d->path);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(rp_store_open(&d->s, d->path), 0);
  assert_int_equal(rp_store_migrate(d->s, NULL), 0);
  d->acct = (rp_account){.name = "Demo Test Realty",
                         .default_region = "US",
                         .settings_json = settings_json,
                         .created_at = NOW - 800 * DAY};
  assert_int_equal(rp_store_account_create(d->s, &d->acct), 0);
  d->owner = (rp_user){.email = rp_arena_printf(&d->ar, "owner-%s@example.com", d->path + 23),
                       .name = "Olive Owner",
                       .role = RP_ROLE_OWNER,
                       .password_hash = "x",
                       .created_at = NOW - 800 * DAY,
                       .updated_at = NOW - 800 * DAY};
  memcpy(d->owner.account_id, d->acct.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(d->s, &d->owner), 0);
  for (int i = 0; i < agents; i++) {
    rp_user u = {.email = rp_arena_printf(&d->ar, "agent%d-%s@example.com", i, d->path + 23),
                 .name = "Agent",
                 .role = RP_ROLE_AGENT,
                 .password_hash = "x",
                 .created_at = NOW - 700 * DAY,
                 .updated_at = NOW - 700 * DAY};
    memcpy(u.account_id, d->acct.id, RP_ID_LEN);
    assert_int_equal(rp_store_user_create(d->s, &u), 0);
  }
  return d;
}

static db *db_new(int agents) { return db_new_with(agents, "{}"); }

static void db_free(db *d) {
  if (!d) return;
  rp_store_close(d->s);
  rp_arena_free(&d->ar);
  char p[80];
  unlink(d->path);
  snprintf(p, sizeof p, "%s-wal", d->path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", d->path);
  unlink(p);
  free(d);
}

static void generate_with(db *d, const rp_demo_opts *o) {
  int rc = rp_demo_generate(d->s, d->acct.id, o, &d->st);
  if (rc) fail_msg("rp_demo_generate: %s", rp_error_last()->message);
}

/* n contacts of seed, scored as the demo scores them (30 daily runs). */
static void generate(db *d, size_t n, uint64_t seed) {
  rp_demo_opts o = {.contacts = n, .seed = seed, .now = NOW};
  generate_with(d, &o);
}

/* Appends n items of size elem to a growing array in the arena. */
static void *append(rp_arena *ar, void *arr, size_t *len, size_t *cap, const void *items, size_t n,
                    size_t elem) {
  if (*len + n > *cap) {
    *cap = (*len + n) * 2;
    void *bigger = rp_arena_alloc(ar, *cap * elem);
    if (*len) memcpy(bigger, arr, *len * elem);
    arr = bigger;
  }
  if (n) memcpy((char *)arr + *len * elem, items, n * elem);
  *len += n;
  return arr;
}

/* Every contact and every deal of the account, all pages. */
static void load(db *d) {
  size_t cap = 0;
  char *cursor = NULL;
  d->n = 0;
  do {
    rp_contact_query q = {
        .account_id = d->acct.id, .overdue = -1, .now = NOW, .limit = 500, .cursor = cursor};
    rp_contact *items = NULL;
    size_t n = 0;
    char *next = NULL;
    int rc = rp_store_contact_list(d->s, &d->ar, &q, &items, &n, &next, NULL);
    if (rc) fail_msg("rp_store_contact_list: %s", rp_error_last()->message);
    d->c = append(&d->ar, d->c, &d->n, &cap, items, n, sizeof *items);
    cursor = next;
  } while (cursor);
  cap = 0;
  d->n_props = 0;
  do {
    rp_deal_query q = {.account_id = d->acct.id, .limit = 500, .cursor = cursor};
    rp_property *items = NULL;
    size_t n = 0;
    char *next = NULL;
    int rc = rp_store_property_list(d->s, &d->ar, &q, &items, &n, &next, NULL);
    if (rc) fail_msg("rp_store_property_list: %s", rp_error_last()->message);
    d->props = append(&d->ar, d->props, &d->n_props, &cap, items, n, sizeof *items);
    cursor = next;
  } while (cursor);
  cap = 0;
  d->n_txs = 0;
  do {
    rp_deal_query q = {.account_id = d->acct.id, .limit = 500, .cursor = cursor};
    rp_transaction *items = NULL;
    size_t n = 0;
    char *next = NULL;
    int rc = rp_store_transaction_list(d->s, &d->ar, &q, &items, &n, &next, NULL);
    if (rc) fail_msg("rp_store_transaction_list: %s", rp_error_last()->message);
    d->txs = append(&d->ar, d->txs, &d->n_txs, &cap, items, n, sizeof *items);
    cursor = next;
  } while (cursor);
}

static const rp_contact *by_id(const db *d, const char *id) {
  for (size_t i = 0; i < d->n; i++)
    if (!strcmp(d->c[i].id, id)) return &d->c[i];
  return NULL;
}

static const rp_property *property_by_id(const db *d, const char *id) {
  for (size_t i = 0; id && i < d->n_props; i++)
    if (!strcmp(d->props[i].id, id)) return &d->props[i];
  return NULL;
}

/* The role of contact_id in a deal's parties: buyer or seller (as the
 * rules see it), other, or -1 when it is no party. */
static int role_in(const rp_deal_party *p, size_t n, const char *contact_id) {
  int role = -1;
  for (size_t i = 0; i < n; i++)
    if (!strcmp(p[i].contact_id, contact_id) && (role == -1 || p[i].role != RP_DEAL_OTHER))
      role = (int)p[i].role;
  return role;
}

/* A contact's deals as buyer or seller, as DOMAIN.md counts them: a closed
 * transaction and the closed property it sells count once. last_purchase
 * and last_sale get the latest close date as buyer / seller. */
typedef struct deal_facts {
  int open, closed, dead;
  const char *last_purchase, *last_sale;
} deal_facts;

static void latest(const char **cur, const char *date) {
  if (date && (!*cur || strcmp(date, *cur) > 0)) *cur = date;
}

static deal_facts deals_of(const db *d, const char *contact_id) {
  deal_facts f = {0};
  for (size_t i = 0; i < d->n_props; i++) {
    const rp_property *p = &d->props[i];
    int role = role_in(p->contacts, p->n_contacts, contact_id);
    if (role != RP_DEAL_BUYER && role != RP_DEAL_SELLER) continue;
    rp_deal_state st = rp_property_state(p->status);
    f.open += st == RP_DEAL_OPEN;
    f.closed += st == RP_DEAL_CLOSED;
    f.dead += st == RP_DEAL_DEAD;
    if (st == RP_DEAL_CLOSED)
      latest(role == RP_DEAL_BUYER ? &f.last_purchase : &f.last_sale, p->close_date);
  }
  for (size_t i = 0; i < d->n_txs; i++) {
    const rp_transaction *t = &d->txs[i];
    int role = role_in(t->contacts, t->n_contacts, contact_id);
    if (role != RP_DEAL_BUYER && role != RP_DEAL_SELLER) continue;
    rp_deal_state st = rp_tx_state(t->status);
    const rp_property *sold = property_by_id(d, t->property_id);
    int prole = sold ? role_in(sold->contacts, sold->n_contacts, contact_id) : -1;
    bool once = st == RP_DEAL_CLOSED && sold && rp_property_state(sold->status) == RP_DEAL_CLOSED &&
                (prole == RP_DEAL_BUYER || prole == RP_DEAL_SELLER);
    f.open += st == RP_DEAL_OPEN;
    f.closed += st == RP_DEAL_CLOSED && !once;
    f.dead += st == RP_DEAL_DEAD;
    if (st == RP_DEAL_CLOSED)
      latest(role == RP_DEAL_BUYER ? &f.last_purchase : &f.last_sale, t->close_date);
  }
  return f;
}

static rp_activity *activities(db *d, const char *contact_id, size_t *n) {
  rp_activity_query q = {.account_id = d->acct.id, .contact_id = contact_id, .limit = 500};
  rp_activity *items = NULL;
  char *next = NULL;
  int rc = rp_store_activity_list(d->s, &d->ar, &q, &items, n, &next, NULL);
  if (rc) fail_msg("rp_store_activity_list: %s", rp_error_last()->message);
  assert_null(next); /* fewer than 500 per contact */
  return items;
}

static rp_history *history(db *d, const char *contact_id, size_t *n) {
  rp_history *h = NULL;
  int rc = rp_store_history_list(d->s, &d->ar, d->acct.id, contact_id, &h, n);
  if (rc) fail_msg("rp_store_history_list: %s", rp_error_last()->message);
  return h;
}

static const char *s_(const char *s) { return s ? s : "~"; }

static void party_print(rp_sb *sb, db *d, const rp_deal_party *p, size_t n) {
  for (size_t k = 0; k < n; k++) {
    const rp_contact *c = by_id(d, p[k].contact_id);
    rp_sb_printf(sb, "%s/%s,", c ? c->display_name : "?", rp_deal_role_name(p[k].role));
  }
}

/* Everything a user sees of a contact, its activities, its history and its
 * deals, ids and owners aside (ids are random), other contacts named by
 * their display names. */
static char *fingerprint(db *d, const rp_contact *c) {
  rp_sb sb = {0};
  rp_sb_printf(&sb, "%s|%s|%s|", s_(c->first_name), s_(c->last_name), s_(c->display_name));
  for (size_t k = 0; k < c->n_emails; k++)
    rp_sb_printf(&sb, "%s/%s,", c->emails[k].address, s_(c->emails[k].label));
  for (size_t k = 0; k < c->n_phones; k++)
    rp_sb_printf(&sb, "%s/%s,", c->phones[k].number, s_(c->phones[k].label));
  if (c->has_address)
    rp_sb_printf(&sb, "|%s|%s|%s|%s|%s", s_(c->address.street), s_(c->address.city),
                 s_(c->address.region), s_(c->address.postal_code), s_(c->address.country));
  rp_sb_printf(&sb, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|", s_(c->company), s_(c->website),
               s_(c->birthday), s_(c->anniversary), s_(c->partner), s_(c->children), s_(c->pets),
               s_(c->interests), s_(c->notes), s_(c->custom_json));
  for (size_t k = 0; k < c->n_social; k++)
    rp_sb_printf(&sb, "%s,", c->social[k]);
  rp_sb_printf(&sb, "|%s|%s|%s|%s|%s|%s|%d:%.0f|", rp_status_name(c->status),
               rp_stage_name(c->stage), rp_category_name(c->category), rp_ctype_name(c->type),
               rp_intent_name(c->intent), s_(c->timeframe), c->has_budget, c->budget);
  for (size_t k = 0; k < c->n_tags; k++)
    rp_sb_printf(&sb, "%s,", c->tags[k]);
  const rp_contact *ref = c->referred_by ? by_id(d, c->referred_by) : NULL;
  rp_sb_printf(&sb, "|%s|%s|%lld|%s|%s|%s|%d%d|%lld|%lld|%lld|%d|%.1f|", s_(c->source),
               ref ? ref->display_name : "~", (long long)c->referral_count, s_(c->known_since),
               s_(c->last_purchase_date), s_(c->last_sale_date), c->sms_opt_out, c->email_opt_out,
               (long long)c->last_touch_at, (long long)c->created_at, (long long)c->updated_at,
               c->owner_id != NULL, c->score);
  size_t n = 0;
  rp_activity *a = activities(d, c->id, &n);
  for (size_t k = 0; k < n; k++)
    rp_sb_printf(&sb, "%s/%s/%lld/%s/%s/%lld/%s;", rp_kind_name(a[k].kind),
                 rp_direction_name(a[k].direction), (long long)a[k].occurred_at, s_(a[k].subject),
                 s_(a[k].body), (long long)a[k].duration_s, rp_importance_name(a[k].importance));
  rp_history *h = history(d, c->id, &n);
  for (size_t k = 0; k < n; k++)
    rp_sb_printf(&sb, "h:%s/%s/%s/%s/%lld;", h[k].field, s_(h[k].from), s_(h[k].to), s_(h[k].rule),
                 (long long)h[k].at);
  /* its deals, in the order the store lists them (newest first) */
  for (size_t i = 0; i < d->n_props; i++) {
    const rp_property *p = &d->props[i];
    if (role_in(p->contacts, p->n_contacts, c->id) < 0) continue;
    rp_sb_printf(&sb, "p:%s|%s|%s|%s|%.0f|%.0f|%.0f|%s|%lld|%lld|", s_(p->address.street),
                 s_(p->address.city), s_(p->mls_id), rp_property_status_name(p->status),
                 p->list_price, p->close_price, p->commission, s_(p->close_date),
                 (long long)p->created_at, (long long)p->updated_at);
    party_print(&sb, d, p->contacts, p->n_contacts);
  }
  for (size_t i = 0; i < d->n_txs; i++) {
    const rp_transaction *t = &d->txs[i];
    if (role_in(t->contacts, t->n_contacts, c->id) < 0) continue;
    const rp_property *sold = property_by_id(d, t->property_id);
    rp_sb_printf(&sb, "t:%s|%s|%.0f|%.0f|%s|%lld|%lld|", sold ? s_(sold->address.street) : "~",
                 rp_tx_status_name(t->status), t->price, t->commission, s_(t->close_date),
                 (long long)t->created_at, (long long)t->updated_at);
    party_print(&sb, d, t->contacts, t->n_contacts);
  }
  char *out = rp_arena_strdup(&d->ar, rp_sb_str(&sb));
  rp_sb_free(&sb);
  return out;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted fingerprints of every contact. */
static char **fingerprints(db *d) {
  load(d);
  char **v = rp_arena_alloc(&d->ar, d->n * sizeof *v);
  for (size_t i = 0; i < d->n; i++)
    v[i] = fingerprint(d, &d->c[i]);
  qsort(v, d->n, sizeof *v, cmp_str);
  return v;
}

/* ---- shared: one database of seed 7 ---- */

static int group_setup(void **state) {
  rp_crypto_init();
  db *d = db_new(0);
  generate(d, N_CONTACTS, 7);
  load(d);
  *state = d;
  return 0;
}

static int group_teardown(void **state) {
  db_free(*state);
  return 0;
}

static void test_demo_same_seed_same_data(void **state) {
  (void)state;
  db *a = db_new(0), *b = db_new(0), *c = db_new(0);
  generate(a, N_CONTACTS, 7);
  generate(b, N_CONTACTS, 7);
  generate(c, N_CONTACTS, 8);
  assert_int_equal(a->st.contacts, N_CONTACTS);
  assert_int_equal(a->st.activities, b->st.activities);
  assert_int_equal(a->st.properties, b->st.properties);
  assert_int_equal(a->st.transactions, b->st.transactions);
  char **fa = fingerprints(a), **fb = fingerprints(b), **fc = fingerprints(c);
  assert_int_equal(a->n, N_CONTACTS);
  assert_int_equal(b->n, N_CONTACTS);
  assert_true(a->n_props + a->n_txs > 0);
  assert_int_equal(a->n_props, b->n_props);
  assert_int_equal(a->n_txs, b->n_txs);
  for (size_t i = 0; i < N_CONTACTS; i++)
    assert_string_equal(fa[i], fb[i]);
  size_t same = 0;
  for (size_t i = 0; i < N_CONTACTS; i++)
    same += !strcmp(fa[i], fc[i]);
  assert_true(same < N_CONTACTS / 10); /* seed 8: another database */
  db_free(a);
  db_free(b);
  db_free(c);
}

static void test_demo_every_status_type_category_present(void **state) {
  db *d = *state;
  size_t status[RP_STATUS_COUNT] = {0}, type[RP_TYPE_COUNT] = {0};
  size_t cat[RP_CATEGORY_COUNT] = {0};
  assert_int_equal(d->n, N_CONTACTS);
  for (size_t i = 0; i < d->n; i++) {
    status[d->c[i].status]++;
    type[d->c[i].type]++;
    cat[d->c[i].category]++;
  }
  for (int k = 0; k < RP_STATUS_COUNT; k++)
    if (!status[k]) fail_msg("no contact of status %s", rp_status_name((rp_status)k));
  for (int k = 0; k < RP_TYPE_COUNT; k++)
    if (!type[k]) fail_msg("no contact of type %s", rp_ctype_name((rp_ctype)k));
  for (int k = 0; k < RP_CATEGORY_COUNT; k++)
    if (!cat[k]) fail_msg("no contact of category %s", rp_category_name((rp_category)k));
  /* an agent's real book: mostly suspects and prospects, a few leads, a
   * handful of clients, more past clients (of 1000: ~450, 300, 50, 30, 100,
   * and ~70 agents, vendors and hidden contacts) */
  size_t n = N_CONTACTS;
  assert_true(status[RP_STATUS_SUSPECT] > n * 35 / 100 && status[RP_STATUS_SUSPECT] < n * 55 / 100);
  assert_true(status[RP_STATUS_PROSPECT] > n * 22 / 100 &&
              status[RP_STATUS_PROSPECT] < n * 38 / 100);
  assert_true(status[RP_STATUS_LEAD] > n * 2 / 100 && status[RP_STATUS_LEAD] < n * 10 / 100);
  assert_true(status[RP_STATUS_CLIENT] < n * 7 / 100);
  assert_true(status[RP_STATUS_PAST_CLIENT] > n * 5 / 100 &&
              status[RP_STATUS_PAST_CLIENT] < n * 16 / 100);
  assert_true(status[RP_STATUS_NONE] > n * 3 / 100 && status[RP_STATUS_NONE] < n * 12 / 100);
  assert_true(status[RP_STATUS_CLIENT] < status[RP_STATUS_PAST_CLIENT]);
  assert_true(status[RP_STATUS_LEAD] < status[RP_STATUS_PROSPECT]);
  assert_true(cat[RP_CATEGORY_NONE] > N_CONTACTS / 3);
  for (int k = 0; k < RP_STATUS_COUNT; k++)
    assert_int_equal(d->st.by_status[k], status[k]);
}

/* E.164: "+", a country code not starting with 0, 8 to 15 digits in all;
 * NANP numbers: +1, area code and exchange starting 2-9. */
static bool e164(const char *p) {
  size_t n = strlen(p);
  if (n < 9 || n > 16 || p[0] != '+' || p[1] < '1' || p[1] > '9') return false;
  for (size_t i = 1; i < n; i++)
    if (p[i] < '0' || p[i] > '9') return false;
  if (p[1] == '1') return n == 12 && p[2] >= '2' && p[5] >= '2';
  return true;
}

static void test_demo_every_contact_reachable(void **state) {
  db *d = *state;
  size_t with_email = 0, diacritics = 0;
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    assert_non_null(c->display_name);
    assert_true(strlen(c->display_name) > 0);
    assert_string_not_equal(c->display_name, "(no name)");
    if (c->n_emails + c->n_phones == 0) fail_msg("%s has no email and no phone", c->display_name);
    for (size_t k = 0; k < c->n_phones; k++)
      if (!e164(c->phones[k].number))
        fail_msg("%s: phone %s is not E.164", c->display_name, c->phones[k].number);
    for (size_t k = 0; k < c->n_emails; k++) {
      char out[256];
      const char *e = c->emails[k].address;
      if (rp_email_check(out, sizeof out, e, strlen(e)))
        fail_msg("%s: bad email %s", c->display_name, e);
      for (const char *p = e; *p; p++)
        if ((unsigned char)*p >= 0x80 || (*p >= 'A' && *p <= 'Z'))
          fail_msg("email %s is not lower-case ASCII", e);
    }
    with_email += c->n_emails > 0;
    for (const char *p = c->display_name; *p; p++)
      if ((unsigned char)*p >= 0x80) {
        diacritics++;
        break;
      }
  }
  assert_true(with_email > N_CONTACTS * 7 / 10);
  assert_true(diacritics > 0); /* Dvořák, García, Müller... */
}

static void test_demo_C1_referral_counts_match_links(void **state) {
  db *d = *state;
  int64_t links = 0, several = 0;
  for (size_t i = 0; i < d->n; i++) {
    int64_t n = 0;
    for (size_t j = 0; j < d->n; j++)
      if (d->c[j].referred_by && !strcmp(d->c[j].referred_by, d->c[i].id)) n++;
    assert_int_equal(d->c[i].referral_count, n);
    links += n;
    several += n > 1;
    /* C2, C3: referrals only raise the category */
    if (n == 1) assert_true(d->c[i].category == RP_CATEGORY_A || d->c[i].category == RP_CATEGORY_B);
    if (n > 1) assert_int_equal(d->c[i].category, RP_CATEGORY_A);
  }
  assert_true(links >= N_CONTACTS / 20); /* ~10 % referred */
  assert_true(links <= N_CONTACTS / 5);
  assert_int_equal((size_t)links, d->st.referrals);
  assert_true(several >= 1); /* some referrers send several */
  for (size_t i = 0; i < d->n; i++)
    if (d->c[i].referred_by) assert_string_equal(d->c[i].source, "referral");
}

/* S1-S6: the stage follows the status; trust only for two closings or two
 * referrals (and then always, for a client or past client), earned by S6
 * in the history and never taken away. */
static void test_demo_S_rules_stage_follows_status(void **state) {
  db *d = *state;
  size_t trust = 0;
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    deal_facts f = deals_of(d, c->id);
    bool earned = f.closed > 1 || c->referral_count > 1;
    bool business = c->status == RP_STATUS_CLIENT || c->status == RP_STATUS_PAST_CLIENT;
    if (c->stage == RP_STAGE_TRUST) {
      trust++;
      if (!earned) fail_msg("%s has trust without two closings or referrals", c->display_name);
      size_t n = 0;
      rp_history *h = history(d, c->id, &n);
      bool s6 = false;
      for (size_t k = 0; k < n; k++)
        s6 |= !strcmp(h[k].field, "stage") && !strcmp(h[k].to, "trust") && !strcmp(h[k].rule, "S6");
      assert_true(s6);
      continue;
    }
    if (business && earned) fail_msg("%s should have earned trust (S6)", c->display_name);
    switch (c->status) {
    case RP_STATUS_NONE: assert_int_equal(c->stage, RP_STAGE_NONE); break;
    case RP_STATUS_SUSPECT: assert_int_equal(c->stage, RP_STAGE_AWARE); break;
    case RP_STATUS_PROSPECT:
    case RP_STATUS_LEAD: assert_int_equal(c->stage, RP_STAGE_KNOW); break;
    default: assert_int_equal(c->stage, RP_STAGE_LIKE); break;
    }
    /* L1: agents, vendors and hidden contacts have no status */
    if (c->type == RP_TYPE_AGENT || c->type == RP_TYPE_VENDOR || c->type == RP_TYPE_HIDDEN)
      assert_int_equal(c->status, RP_STATUS_NONE);
  }
  assert_true(trust >= 1);
}

/* L4, L5, L7: a client is party, as buyer or seller, to an open deal; a
 * past client to a closed one and to no open one; nobody else to an open
 * one. L6: the close dates are those of the latest closed deals. */
static void test_demo_L4_L5_L6_deals_behind_statuses(void **state) {
  db *d = *state;
  size_t with_deals = 0, dead = 0, two_closed = 0;
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    deal_facts f = deals_of(d, c->id);
    with_deals += f.open + f.closed + f.dead > 0;
    dead += f.dead > 0;
    two_closed += f.closed > 1;
    if (c->status == RP_STATUS_CLIENT && f.open == 0)
      fail_msg("client %s has no open deal", c->display_name);
    if (c->status == RP_STATUS_PAST_CLIENT && (f.closed == 0 || f.open > 0))
      fail_msg("past client %s: %d closed, %d open deals", c->display_name, f.closed, f.open);
    if (c->status != RP_STATUS_CLIENT && f.open > 0)
      fail_msg("%s (%s) has an open deal", c->display_name, rp_status_name(c->status));
    if (c->status != RP_STATUS_CLIENT && c->status != RP_STATUS_PAST_CLIENT && f.closed > 0)
      fail_msg("%s (%s) has a closed deal", c->display_name, rp_status_name(c->status));
    assert_string_equal(s_(c->last_purchase_date), s_(f.last_purchase));
    assert_string_equal(s_(c->last_sale_date), s_(f.last_sale));
  }
  assert_true(with_deals > N_CONTACTS / 20);
  assert_true(dead >= 1);       /* some deals died */
  assert_true(two_closed >= 1); /* some closed twice */
}

/* The deals themselves: prices of the market, commissions of 2.5 to 3 %,
 * MLS numbers once listed, close dates on closed deals, parties that are
 * contacts (a lender, attorney or agent only as other). */
static void test_demo_deals_look_real(void **state) {
  db *d = *state;
  size_t others = 0, linked = 0;
  assert_int_equal(d->n_props, d->st.properties);
  assert_int_equal(d->n_txs, d->st.transactions);
  assert_true(d->n_props > 0 && d->n_txs > 0);
  for (size_t i = 0; i < d->n_props; i++) {
    const rp_property *p = &d->props[i];
    assert_true(p->has_list_price && p->list_price >= 250000 && p->list_price <= 1500000);
    assert_true(p->has_commission);
    double base = p->status == RP_PROP_CLOSED ? p->close_price : p->list_price;
    assert_true(p->commission >= base * 0.0249 && p->commission <= base * 0.0301);
    assert_true(p->has_address && p->address.street && p->address.city);
    assert_int_equal(p->mls_id == NULL, p->status == RP_PROP_PRE_LISTING);
    assert_int_equal(p->close_date != NULL, p->status == RP_PROP_CLOSED);
    assert_int_equal(p->has_close_price, p->status == RP_PROP_CLOSED);
    assert_true(p->created_at <= p->updated_at && p->updated_at <= NOW);
    for (size_t k = 0; k < p->n_contacts; k++) {
      const rp_contact *c = by_id(d, p->contacts[k].contact_id);
      assert_non_null(c);
      if (p->contacts[k].role == RP_DEAL_OTHER) continue;
      assert_int_equal(p->contacts[k].role, RP_DEAL_SELLER);
    }
  }
  for (size_t i = 0; i < d->n_txs; i++) {
    const rp_transaction *t = &d->txs[i];
    assert_true(t->has_price && t->price >= 150000 && t->price <= 1600000);
    assert_true(t->commission >= t->price * 0.0249 && t->commission <= t->price * 0.0301);
    if (t->status == RP_TX_CLOSED) assert_non_null(t->close_date);
    if (t->status == RP_TX_CANCELED) assert_null(t->close_date);
    assert_true(t->created_at <= t->updated_at && t->updated_at <= NOW);
    if (t->property_id) {
      const rp_property *sold = property_by_id(d, t->property_id);
      assert_non_null(sold);
      linked++;
      if (t->status == RP_TX_CLOSED) {
        assert_int_equal(sold->status, RP_PROP_CLOSED);
        assert_string_equal(sold->close_date, t->close_date);
      }
    }
    for (size_t k = 0; k < t->n_contacts; k++) {
      const rp_contact *c = by_id(d, t->contacts[k].contact_id);
      assert_non_null(c);
      if (t->contacts[k].role == RP_DEAL_OTHER) {
        others++;
        assert_true(c->type == RP_TYPE_VENDOR || c->type == RP_TYPE_AGENT);
        assert_true(c->created_at < t->created_at);
      }
    }
  }
  assert_true(others >= 1);
  assert_true(linked >= 1); /* a sale naming its listing */
}

static void test_demo_L3_leads_and_past_clients_complete(void **state) {
  db *d = *state;
  char today[11];
  rp_date_format(NOW, today);
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    if (c->status == RP_STATUS_LEAD) {
      assert_int_not_equal(c->intent, RP_INTENT_NONE);
      assert_non_null(c->timeframe);
    }
    if (c->status == RP_STATUS_PAST_CLIENT) {
      const char *last = c->last_purchase_date ? c->last_purchase_date : c->last_sale_date;
      assert_non_null(last);
      assert_true(strcmp(last, today) < 0);
    }
    if (c->status == RP_STATUS_PROSPECT || c->status == RP_STATUS_SUSPECT)
      assert_true(c->intent == RP_INTENT_NONE || !c->timeframe); /* else L3 would fire */
    if (c->status == RP_STATUS_SUSPECT)
      for (size_t k = 0; k < c->n_tags; k++) /* else L2 would fire */
        assert_true(strcmp(c->tags[k], "buyer") && strcmp(c->tags[k], "seller"));
    assert_non_null(c->known_since);
    assert_true(strcmp(c->known_since, today) <= 0);
    assert_true(c->created_at <= NOW && c->updated_at >= c->created_at && c->updated_at <= NOW);
  }
}

/* L2: a suspect has not answered yet: no inbound message, no meeting or
 * visit (a web form is one-way). */
static void test_demo_L2_suspects_have_not_answered(void **state) {
  db *d = *state;
  for (size_t i = 0; i < d->n; i++) {
    if (d->c[i].status != RP_STATUS_SUSPECT) continue;
    size_t n = 0;
    rp_activity *a = activities(d, d->c[i].id, &n);
    for (size_t k = 0; k < n; k++) {
      if (a[k].kind == RP_KIND_WEB) continue;
      assert_int_not_equal(a[k].direction, RP_DIR_INBOUND);
      assert_true(a[k].kind != RP_KIND_MEETING && a[k].kind != RP_KIND_VISIT);
    }
    assert_true(n <= 12); /* an inquiry and follow-ups, or a farm's newsletters */
  }
}

static void test_demo_activities_per_contact_sane(void **state) {
  db *d = *state;
  size_t total = 0, most = 0, quiet = 0;
  size_t per_status[RP_STATUS_COUNT] = {0}, n_status[RP_STATUS_COUNT] = {0};
  for (size_t i = 0; i < d->n; i++) {
    size_t n = 0;
    rp_activity *a = activities(d, d->c[i].id, &n);
    total += n;
    if (n > most) most = n;
    quiet += n <= 3;
    per_status[d->c[i].status] += n;
    n_status[d->c[i].status]++;
    for (size_t k = 0; k < n; k++) {
      assert_true(a[k].occurred_at >= d->c[i].created_at);
      assert_true(a[k].occurred_at >= NOW - 731 * DAY); /* two years */
      if (a[k].occurred_at > NOW)                       /* a planned calendar item */
        assert_true(a[k].kind == RP_KIND_MEETING || a[k].kind == RP_KIND_VISIT);
      assert_true(a[k].created_at <= NOW);
    }
  }
  assert_int_equal(total, d->st.activities);
  double avg = (double)total / (double)d->n;
  if (avg < 10 || avg > 28) fail_msg("%.1f activities per contact on average", avg);
  assert_true(most < 320);
  assert_true(quiet > N_CONTACTS / 5); /* many quiet suspects */
  /* rhythm: clients busier than prospects, prospects than suspects */
  double susp = (double)per_status[RP_STATUS_SUSPECT] / (double)n_status[RP_STATUS_SUSPECT];
  double pros = (double)per_status[RP_STATUS_PROSPECT] / (double)n_status[RP_STATUS_PROSPECT];
  double cli = (double)per_status[RP_STATUS_CLIENT] / (double)n_status[RP_STATUS_CLIENT];
  assert_true(susp < pros && pros < cli);
}

static bool one_of(const char *s, const char *const *set) {
  for (; *set; set++)
    if (!strcmp(s, *set)) return true;
  return false;
}

/* M3: each contact's history starts with its creation rows (L1 and S1 or
 * S2, a category given by hand), then every change by rule: status by L2
 * to L7 and never by hand, stage by S rules, type by L4, category by C2 or
 * C3; each row goes on from the one before (so any past moment can be
 * rebuilt) and the last rows give the contact's values. Every rule id
 * happens somewhere. */
static void test_demo_M3_history_by_rules_ends_in_contact_values(void **state) {
  db *d = *state;
  static const char *const status_rules[] = {"L2", "L3", "L4", "L5", "L7", NULL};
  static const char *const stage_rules[] = {"S2", "S3", "S4", "S5", "S6", NULL};
  static const char *const every[] = {"L1", "L2", "L3", "L4", "L5", "L7", "S1", "S2",
                                      "S3", "S4", "S5", "S6", "C2", "C3", NULL};
  bool seen[14] = {false};
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    size_t n = 0;
    rp_history *h = history(d, c->id, &n);
    assert_true(n >= 2);
    assert_string_equal(h[0].field, "status");
    assert_null(h[0].from);
    assert_string_equal(h[0].rule, "L1");
    assert_int_equal(h[0].at, c->created_at);
    assert_string_equal(h[1].field, "stage");
    assert_string_equal(h[1].rule, c->type == RP_TYPE_AGENT || c->type == RP_TYPE_VENDOR ||
                                           c->type == RP_TYPE_HIDDEN
                                       ? "S1"
                                       : "S2");
    const char *status = NULL, *stage = NULL, *category = "none", *type = NULL;
    for (size_t k = 0; k < n; k++) {
      const rp_history *r = &h[k];
      if (k) assert_true(r->at >= h[k - 1].at);
      assert_true(r->at >= c->created_at && r->at <= NOW);
      assert_non_null(r->rule);
      for (size_t e = 0; every[e]; e++)
        seen[e] |= !strcmp(r->rule, every[e]);
      bool creation = r->from == NULL;
      if (creation) assert_int_equal(r->at, c->created_at);
      if (!strcmp(r->field, "status")) {
        if (!creation) {
          assert_true(one_of(r->rule, status_rules));
          assert_string_equal(r->from, status);
        }
        status = r->to;
      } else if (!strcmp(r->field, "stage")) {
        if (!creation) {
          assert_true(one_of(r->rule, stage_rules));
          assert_string_equal(r->from, stage);
        }
        stage = r->to;
      } else if (!strcmp(r->field, "category")) {
        if (creation) {
          assert_string_equal(r->rule, "manual"); /* as it came with the import */
        } else {
          assert_true(!strcmp(r->rule, "C2") || !strcmp(r->rule, "C3"));
          assert_string_equal(r->from, category);
        }
        category = r->to;
      } else {
        assert_string_equal(r->field, "type");
        assert_string_equal(r->rule, "L4");
        assert_string_equal(r->from, "prospect");
        type = r->to;
      }
    }
    assert_string_equal(status, rp_status_name(c->status));
    assert_string_equal(stage, rp_stage_name(c->stage));
    assert_string_equal(category, rp_category_name(c->category));
    if (type) assert_string_equal(type, rp_ctype_name(c->type));
  }
  for (size_t e = 0; every[e]; e++)
    if (!seen[e]) fail_msg("no history row by rule %s", every[e]);
}

/* M2: with the status rules switched off, no contact gets a status and no
 * status row is written, deals or not; the other rules still work. */
static void test_demo_M2_rules_switched_off(void **state) {
  (void)state;
  db *d = db_new_with(0, "{\"automation\":{\"status_rules\":false}}");
  generate(d, 120, 7);
  load(d);
  assert_int_equal(d->n, 120);
  assert_int_equal(d->st.by_status[RP_STATUS_NONE], 120);
  assert_true(d->n_props + d->n_txs > 0);
  for (size_t i = 0; i < d->n; i++) {
    assert_int_equal(d->c[i].status, RP_STATUS_NONE);
    assert_int_equal(d->c[i].stage, RP_STAGE_NONE); /* S1 */
    size_t n = 0;
    rp_history *h = history(d, d->c[i].id, &n);
    for (size_t k = 0; k < n; k++)
      assert_string_not_equal(h[k].field, "status");
  }
  db_free(d);
}

static void test_demo_owners_round_robin_over_agents(void **state) {
  (void)state;
  db *d = db_new(2);
  generate(d, 30, 3);
  load(d);
  rp_user *u = NULL;
  size_t n = 0;
  assert_int_equal(rp_store_user_list(d->s, &d->ar, d->acct.id, &u, &n), 0);
  assert_int_equal(n, 3);
  size_t per_user[3] = {0};
  for (size_t i = 0; i < d->n; i++) {
    assert_non_null(d->c[i].owner_id);
    for (size_t k = 0; k < n; k++)
      if (!strcmp(d->c[i].owner_id, u[k].id)) per_user[k]++;
  }
  for (size_t k = 0; k < n; k++)
    assert_int_equal(per_user[k], u[k].role == RP_ROLE_AGENT ? 15 : 0);
  db_free(d);
}

/* ---- the outcome model and the scores (docs/demo.md) ---- */

/* The status of a contact at t, from its history (M3); NULL before it. */
static const char *status_at(const rp_history *h, size_t n, rp_time t) {
  const char *st = NULL;
  for (size_t k = 0; k < n && h[k].at <= t; k++)
    if (!strcmp(h[k].field, "status")) st = h[k].to;
  return st;
}

/* A two-way interaction as a user sees one in the timeline: an inbound
 * message or call, a meeting, visit, meal or party. */
static bool two_way(const rp_activity *a) {
  return (a->direction == RP_DIR_INBOUND && a->kind != RP_KIND_WEB) || a->kind == RP_KIND_MEETING ||
         a->kind == RP_KIND_VISIT || a->kind == RP_KIND_MEAL || a->kind == RP_KIND_PARTY;
}

typedef struct rate {
  size_t n, closed;
} rate;

static double rate_of(rate r) { return r.n ? (double)r.closed / (double)r.n : 0; }

/* Outcomes follow behaviour, through the generator's own model: of the
 * prospects at a month-end (18 and 12 months before now), those who
 * answered, wrote or met three times or more in the 90 days before close
 * a deal in the next 12 months far more often (2.5 times) than those who did not at
 * all; those in touch in the last 30 days more often than those silent
 * for 90 days or more. Not always, and the silent ones sometimes do: the
 * score has something to find but cannot be perfect. 3000 contacts of
 * seed 11: about 700 prospects a month-end. */
static void test_demo_outcomes_follow_behaviour(void **state) {
  (void)state;
  db *d = db_new(0);
  rp_demo_opts o = {.contacts = 3000, .seed = 11, .now = NOW, .score_days = -1};
  generate_with(d, &o);
  load(d);
  rate quiet = {0}, busy = {0}, recent = {0}, silent = {0};
  static const rp_time ends[] = {NOW - 540 * DAY, NOW - 365 * DAY};
  for (size_t i = 0; i < d->n; i++) {
    size_t nh = 0, na = 0;
    rp_history *h = history(d, d->c[i].id, &nh);
    rp_activity *a = NULL;
    for (size_t e = 0; e < 2; e++) {
      rp_time end = ends[e];
      const char *st = status_at(h, nh, end);
      if (!st || strcmp(st, "prospect")) continue;
      if (!a) a = activities(d, d->c[i].id, &na);
      size_t acts = 0;
      rp_time last = 0;
      for (size_t k = 0; k < na; k++) {
        if (a[k].occurred_at >= end || !two_way(&a[k])) continue;
        if (a[k].occurred_at > last) last = a[k].occurred_at;
        acts += a[k].occurred_at >= end - 90 * DAY;
      }
      bool closed = false;
      for (size_t k = 0; k < nh; k++)
        closed |= !strcmp(h[k].field, "status") && !strcmp(h[k].to, "past_client") &&
                  h[k].at > end && h[k].at <= end + 365 * DAY;
      rate *by_acts = acts == 0 ? &quiet : acts >= 3 ? &busy : NULL;
      rate *by_touch = last >= end - 30 * DAY ? &recent : last < end - 90 * DAY ? &silent : NULL;
      if (by_acts) by_acts->n++, by_acts->closed += closed;
      if (by_touch) by_touch->n++, by_touch->closed += closed;
    }
  }
  print_message("closed within 12 months: quiet %zu/%zu, busy %zu/%zu; touched in 30 days "
                "%zu/%zu, silent 90 days %zu/%zu\n",
                quiet.closed, quiet.n, busy.closed, busy.n, recent.closed, recent.n, silent.closed,
                silent.n);
  assert_true(quiet.n >= 100 && busy.n >= 100 && recent.n >= 100 && silent.n >= 100);
  assert_true(rate_of(busy) > 2.5 * rate_of(quiet));
  assert_true(rate_of(recent) > 2 * rate_of(silent));
  assert_true(quiet.closed > 0 && silent.closed > 0); /* the model has noise */
  assert_true(rate_of(busy) < 0.7 && rate_of(recent) < 0.7);
  db_free(d);
}

/* Scores: after the demo every contact has its kept score (the daily job
 * as of now), and it is 0 only where SCORING.md's decay takes all: no
 * two-way interaction in the last 12 months (n >= 12 months of silence),
 * and none more than a month after it became known either (so the floor
 * F = 0.05 Y rounds to nothing). */
static void test_demo_kept_scores(void **state) {
  db *d = *state;
  size_t zero = 0;
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    assert_true(c->score >= 0 && c->score <= 100);
    if (c->score > 0) continue;
    zero++;
    size_t n = 0;
    rp_activity *a = activities(d, c->id, &n);
    rp_time known = 0;
    assert_int_equal(rp_date_parse(&known, c->known_since, strlen(c->known_since)), 0);
    for (size_t k = 0; k < n; k++)
      if (a[k].occurred_at <= NOW && rp_activity_is_two_way(&a[k]) &&
          (a[k].occurred_at > known + 30 * DAY || a[k].occurred_at > NOW - 365 * DAY))
        fail_msg("%s (%s) scores 0 with a two-way interaction at %lld", c->display_name,
                 rp_status_name(c->status), (long long)a[k].occurred_at);
  }
  assert_true(zero < d->n / 2);
}

/* The 30 daily runs left a score history (the day 14 days ago is there
 * for everyone known by then), stage averages and alerts: overdue
 * contacts (A4) and trend alerts (A2, which need 14 days of history). */
static void test_demo_daily_history_and_alerts(void **state) {
  db *d = *state;
  assert_int_equal(d->st.score_runs, 30);
  assert_true(d->st.history_rows >= d->n);
  int64_t today = rp_scoring_day(d->acct.settings_json, NOW);
  size_t with_history = 0, known = 0, trend = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->c[i].created_at > NOW - 14 * DAY) continue;
    known++;
    double s14 = NAN;
    assert_int_equal(rp_store_score_history_at(d->s, d->acct.id, d->c[i].id, today - 14, &s14), 0);
    with_history += !isnan(s14);
    for (int r = RP_ALERT_TREND_RISING; r <= RP_ALERT_TREND_FALLING; r++) {
      rp_alert last;
      int rc = rp_store_alert_last(d->s, &d->ar, d->acct.id, d->c[i].id, (rp_alert_reason)r, &last);
      if (rc == RP_ENOTFOUND) continue;
      assert_int_equal(rc, 0);
      trend++;
    }
  }
  assert_int_equal(with_history, known);
  assert_true(trend >= 1);
  rp_daily_stats ds;
  assert_int_equal(rp_store_daily_stats_get(d->s, d->acct.id, today, &ds), 0);
  assert_true(ds.day >= today - 1);
  rp_alert *open = NULL;
  size_t n_open = 0, overdue = 0;
  assert_int_equal(rp_store_alert_open_all(d->s, &d->ar, d->acct.id, &open, &n_open), 0);
  for (size_t k = 0; k < n_open; k++)
    overdue += open[k].reason == RP_ALERT_OVERDUE;
  assert_true(overdue >= 1);
}

static void test_demo_ascii_for_emails(void **state) {
  (void)state;
  char out[64];
  static const char *const cases[][2] = {{"Dvořák", "dvorak"},  {"Nováková", "novakova"},
                                         {"Müller", "mueller"}, {"Weiß", "weiss"},
                                         {"O'Brien", "obrien"}, {"García-López", "garcialopez"},
                                         {"Nguyễn", "nguyen"},  {"Đức", "duc"},
                                         {"Łukasz", "lukasz"},  {"Jean-François", "jeanfrancois"},
                                         {"Min-jun", "minjun"}, {"De la Cruz", "delacruz"},
                                         {"Zoë", "zoe"},        {"Åsa Ångström", "asaangstroem"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_demo_ascii(out, sizeof out, cases[i][0], strlen(cases[i][0]));
    assert_string_equal(out, cases[i][1]);
  }
  assert_int_equal(rp_demo_ascii(out, 4, "abcdef", 6), 3); /* bounded */
  assert_string_equal(out, "abc");
  assert_int_equal(rp_demo_ascii(out, sizeof out,
                                 "\xff\x80"
                                 "a",
                                 3),
                   1); /* bad UTF-8 dropped */
}

int main(void) {
  const struct CMUnitTest shared[] = {
      cmocka_unit_test(test_demo_every_status_type_category_present),
      cmocka_unit_test(test_demo_every_contact_reachable),
      cmocka_unit_test(test_demo_C1_referral_counts_match_links),
      cmocka_unit_test(test_demo_S_rules_stage_follows_status),
      cmocka_unit_test(test_demo_L4_L5_L6_deals_behind_statuses),
      cmocka_unit_test(test_demo_deals_look_real),
      cmocka_unit_test(test_demo_L3_leads_and_past_clients_complete),
      cmocka_unit_test(test_demo_L2_suspects_have_not_answered),
      cmocka_unit_test(test_demo_activities_per_contact_sane),
      cmocka_unit_test(test_demo_M3_history_by_rules_ends_in_contact_values),
      cmocka_unit_test(test_demo_kept_scores),
      cmocka_unit_test(test_demo_daily_history_and_alerts),
  };
  const struct CMUnitTest own[] = {
      cmocka_unit_test(test_demo_ascii_for_emails),
      cmocka_unit_test(test_demo_same_seed_same_data),
      cmocka_unit_test(test_demo_M2_rules_switched_off),
      cmocka_unit_test(test_demo_owners_round_robin_over_agents),
      cmocka_unit_test(test_demo_outcomes_follow_behaviour),
  };
  rp_crypto_init();
  int failed = cmocka_run_group_tests_name("demo (seed 7)", shared, group_setup, group_teardown);
  failed += cmocka_run_group_tests_name("demo", own, NULL, NULL);
  return failed;
}
