/* test_demo.c: the demo data generator (jobs/demo.h) on real databases in
 * /tmp: the same seed gives the same database and another seed another
 * one; every status is present; every contact can be reached (a display
 * name and an email or an E.164 phone); the data agrees with the rules
 * (C1 referral counts, S stages, L2 quiet suspects, L3 leads, M3 history
 * ending in the contact's values); activities per contact stay sane; owners
 * rotate over a team's agents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/email.h"
#include "jobs/demo.h"
#include "store/store.h"
#include "util/error.h"
#include "util/password.h"
#include "util/strbuf.h"

#define NOW 1795615500 /* 2026-11-24T14:05:00Z */
#define DAY 86400
#define N_CONTACTS 200

typedef struct db {
  char path[64];
  rp_store *s;
  rp_arena ar;
  rp_account acct;
  rp_user owner;
  rp_demo_stats st;
  rp_contact *c; /* every contact, after load() */
  size_t n;
} db;

/* A new database with one account and its owner, plus `agents` agents. */
static db *db_new(int agents) {
  db *d = calloc(1, sizeof *d);
  snprintf(d->path, sizeof d->path, "/tmp/rapport-test-demo-XXXXXX");
  int fd = mkstemp(d->path);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(rp_store_open(&d->s, d->path), 0);
  assert_int_equal(rp_store_migrate(d->s, NULL), 0);
  d->acct = (rp_account){.name = "Demo Test Realty",
                         .default_region = "US",
                         .settings_json = "{}",
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

static void generate(db *d, size_t n, uint64_t seed) {
  rp_demo_opts o = {.contacts = n, .seed = seed, .now = NOW};
  int rc = rp_demo_generate(d->s, d->acct.id, &o, &d->st);
  if (rc) fail_msg("rp_demo_generate: %s", rp_error_last()->message);
}

/* Every contact of the account, all pages. */
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
    if (d->n + n > cap) {
      cap = (d->n + n) * 2;
      rp_contact *bigger = rp_arena_alloc(&d->ar, cap * sizeof *bigger);
      if (d->n) memcpy(bigger, d->c, d->n * sizeof *bigger);
      d->c = bigger;
    }
    for (size_t i = 0; i < n; i++)
      d->c[d->n + i] = items[i];
    d->n += n;
    cursor = next;
  } while (cursor);
}

static const rp_contact *by_id(const db *d, const char *id) {
  for (size_t i = 0; i < d->n; i++)
    if (!strcmp(d->c[i].id, id)) return &d->c[i];
  return NULL;
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

static const char *s_(const char *s) { return s ? s : "~"; }

/* Everything a user sees of a contact and its activities, ids and owners
 * aside (ids are random), the referrer named by its display name. */
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
  rp_sb_printf(&sb, "|%s|%s|%lld|%s|%s|%s|%d%d|%lld|%lld|%lld|%d|", s_(c->source),
               ref ? ref->display_name : "~", (long long)c->referral_count, s_(c->known_since),
               s_(c->last_purchase_date), s_(c->last_sale_date), c->sms_opt_out, c->email_opt_out,
               (long long)c->last_touch_at, (long long)c->created_at, (long long)c->updated_at,
               c->owner_id != NULL);
  size_t n = 0;
  rp_activity *a = activities(d, c->id, &n);
  for (size_t k = 0; k < n; k++)
    rp_sb_printf(&sb, "%s/%s/%lld/%s/%s/%lld/%s;", rp_kind_name(a[k].kind),
                 rp_direction_name(a[k].direction), (long long)a[k].occurred_at, s_(a[k].subject),
                 s_(a[k].body), (long long)a[k].duration_s, rp_importance_name(a[k].importance));
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
  char **fa = fingerprints(a), **fb = fingerprints(b), **fc = fingerprints(c);
  assert_int_equal(a->n, N_CONTACTS);
  assert_int_equal(b->n, N_CONTACTS);
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
  /* realistic proportions: most suspects and prospects, a few clients */
  assert_true(status[RP_STATUS_SUSPECT] + status[RP_STATUS_PROSPECT] > N_CONTACTS / 2);
  assert_true(status[RP_STATUS_CLIENT] < status[RP_STATUS_PAST_CLIENT]);
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
  size_t intl = 0, with_email = 0, diacritics = 0;
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    assert_non_null(c->display_name);
    assert_true(strlen(c->display_name) > 0);
    assert_string_not_equal(c->display_name, "(no name)");
    if (c->n_emails + c->n_phones == 0) fail_msg("%s has no email and no phone", c->display_name);
    for (size_t k = 0; k < c->n_phones; k++) {
      if (!e164(c->phones[k].number))
        fail_msg("%s: phone %s is not E.164", c->display_name, c->phones[k].number);
      intl += c->phones[k].number[1] != '1';
    }
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
  (void)intl;
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

static void test_demo_S_rules_stage_follows_status(void **state) {
  db *d = *state;
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    switch (c->status) {
    case RP_STATUS_NONE: assert_int_equal(c->stage, RP_STAGE_NONE); break;
    case RP_STATUS_SUSPECT: assert_int_equal(c->stage, RP_STAGE_AWARE); break;
    case RP_STATUS_PROSPECT:
    case RP_STATUS_LEAD: assert_int_equal(c->stage, RP_STAGE_KNOW); break;
    default:
      if (c->referral_count > 1)
        assert_int_equal(c->stage, RP_STAGE_TRUST); /* S6 */
      else
        assert_int_equal(c->stage, RP_STAGE_LIKE);
    }
    /* L1: agents, vendors and hidden contacts have no status */
    if (c->type == RP_TYPE_AGENT || c->type == RP_TYPE_VENDOR || c->type == RP_TYPE_HIDDEN)
      assert_int_equal(c->status, RP_STATUS_NONE);
  }
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
    assert_true(n <= 8);
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
  if (avg < 12 || avg > 28) fail_msg("%.1f activities per contact on average", avg);
  assert_true(most < 320);
  assert_true(quiet > N_CONTACTS / 5); /* many quiet suspects */
  /* rhythm: clients busier than prospects, prospects than suspects */
  double susp = (double)per_status[RP_STATUS_SUSPECT] / (double)n_status[RP_STATUS_SUSPECT];
  double pros = (double)per_status[RP_STATUS_PROSPECT] / (double)n_status[RP_STATUS_PROSPECT];
  double cli = (double)per_status[RP_STATUS_CLIENT] / (double)n_status[RP_STATUS_CLIENT];
  assert_true(susp < pros && pros < cli);
}

/* M3: each contact's history starts with its creation rows and its last
 * status, stage and category rows give the contact's values. */
static void test_demo_M3_history_ends_in_contact_values(void **state) {
  db *d = *state;
  size_t rows = 0;
  for (size_t i = 0; i < d->n; i++) {
    const rp_contact *c = &d->c[i];
    rp_history *h = NULL;
    size_t n = 0;
    assert_int_equal(rp_store_history_list(d->s, &d->ar, d->acct.id, c->id, &h, &n), 0);
    assert_true(n >= 2);
    rows += n;
    const char *status = NULL, *stage = NULL, *category = "none";
    for (size_t k = 0; k < n; k++) {
      if (k) assert_true(h[k].at >= h[k - 1].at);
      if (!strcmp(h[k].field, "status")) status = h[k].to;
      if (!strcmp(h[k].field, "stage")) stage = h[k].to;
      if (!strcmp(h[k].field, "category")) category = h[k].to;
      assert_non_null(h[k].rule);
    }
    assert_null(h[0].from);
    assert_int_equal(h[0].at, c->created_at);
    assert_string_equal(status, rp_status_name(c->status));
    assert_string_equal(stage, rp_stage_name(c->stage));
    assert_string_equal(category, rp_category_name(c->category));
  }
  assert_int_equal(rows, d->st.history);
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
      cmocka_unit_test(test_demo_L3_leads_and_past_clients_complete),
      cmocka_unit_test(test_demo_L2_suspects_have_not_answered),
      cmocka_unit_test(test_demo_activities_per_contact_sane),
      cmocka_unit_test(test_demo_M3_history_ends_in_contact_values),
  };
  const struct CMUnitTest own[] = {
      cmocka_unit_test(test_demo_ascii_for_emails),
      cmocka_unit_test(test_demo_same_seed_same_data),
      cmocka_unit_test(test_demo_owners_round_robin_over_agents),
  };
  rp_crypto_init();
  int failed = cmocka_run_group_tests_name("demo (seed 7)", shared, group_setup, group_teardown);
  failed += cmocka_run_group_tests_name("demo", own, NULL, NULL);
  return failed;
}
