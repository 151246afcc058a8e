/* test_store.c: the SQLite store (store.h) against a real database file in
 * /tmp: migrations, accounts/users/tokens, the contact round trip, version
 * conflicts, account isolation, list filters, sorts and keyset pagination,
 * full-text and phone search, referral counts (DOMAIN.md C1), purge,
 * activities and history (M3), transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "temp_db.h"
#include "util/error.h"
#include "util/password.h"

typedef struct {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_arena ar;
  rp_account a, b; /* two accounts */
  rp_user ua, ub;  /* a user in each */
} fx;

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static int setup(void **state) {
  rp_crypto_init();
  fx *f = calloc(1, sizeof *f);
  assert_int_equal(rp_test_db_open(f->path, "rapport-test-store", &f->s), 0);
  f->a = (rp_account){.name = "Alpha Realty", .created_at = T0};
  f->b = (rp_account){.name = "Beta Homes", .created_at = T0 + 1};
  assert_int_equal(rp_store_account_create(f->s, &f->a), 0);
  assert_int_equal(rp_store_account_create(f->s, &f->b), 0);
  f->ua = (rp_user){.email = "Agent@Alpha.example",
                    .name = "Ann Agent",
                    .role = RP_ROLE_OWNER,
                    .password_hash = "hash-a",
                    .created_at = T0,
                    .updated_at = T0};
  memcpy(f->ua.account_id, f->a.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(f->s, &f->ua), 0);
  f->ub = (rp_user){.email = "boss@beta.example",
                    .name = "Bob Boss",
                    .role = RP_ROLE_OWNER,
                    .password_hash = "hash-b",
                    .created_at = T0,
                    .updated_at = T0};
  memcpy(f->ub.account_id, f->b.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(f->s, &f->ub), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  rp_store_close(f->s);
  rp_arena_free(&f->ar);
  rp_test_db_remove(f->path);
  free(f);
  return 0;
}

/* A minimal live contact of account acc. */
static rp_contact person(const rp_account *acc, const char *first, const char *last, rp_time t) {
  rp_contact c = {0};
  memcpy(c.account_id, acc->id, RP_ID_LEN);
  c.first_name = first;
  c.last_name = last;
  c.display_name = last ? last : first;
  c.status = RP_STATUS_SUSPECT;
  c.stage = RP_STAGE_AWARE;
  c.type = RP_TYPE_CLIENT;
  c.custom_json = "{}";
  c.created_at = t;
  c.updated_at = t;
  return c;
}

static void create(fx *f, rp_contact *c) {
  int rc = rp_store_contact_create(f->s, c);
  if (rc) fail_msg("create: %s", rp_error_last()->message);
}

static const rp_contact *get(fx *f, const char *account_id, const char *id) {
  rp_contact *c = rp_arena_alloc(&f->ar, sizeof *c);
  int rc = rp_store_contact_get(f->s, &f->ar, c, account_id, id);
  if (rc) fail_msg("get: %s", rp_error_last()->message);
  return c;
}

static rp_contact_query query(const rp_account *acc) {
  return (rp_contact_query){
      .account_id = acc->id, .overdue = -1, .now = T0, .limit = 50, .sort = RP_SORT_CREATED_AT};
}

/* Runs q and returns how many items; *first gets the first one's id. */
static size_t list_count(fx *f, const rp_contact_query *q, rp_contact **items) {
  rp_contact *it;
  size_t n;
  char *next;
  int rc = rp_store_contact_list(f->s, &f->ar, q, &it, &n, &next, NULL);
  if (rc) fail_msg("list: %s", rp_error_last()->message);
  if (items) *items = it;
  return n;
}

/* ---- migrations ---- */

static void test_store_migrations_idempotent(void **state) {
  fx *f = *state;
  int applied = -1, version = -1;
  assert_int_equal(rp_store_migrate(f->s, &applied), 0);
  assert_int_equal(applied, 0);
  assert_int_equal(rp_store_schema_version(f->s, &version), 0);
  assert_true(version >= 1);

  /* a fresh database: version 0, then every migration once */
  char path[64] = "/tmp/rapport-test-mig-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  rp_store *s = NULL;
  assert_int_equal(rp_store_open(&s, path), 0);
  assert_int_equal(rp_store_schema_version(s, &version), 0);
  assert_int_equal(version, 0);
  assert_int_equal(rp_store_migrate(s, &applied), 0);
  assert_true(applied >= 1);
  assert_int_equal(rp_store_migrate(s, &applied), 0);
  assert_int_equal(applied, 0);
  rp_store_close(s);
  /* reopened, still nothing to apply */
  assert_int_equal(rp_store_open(&s, path), 0);
  assert_int_equal(rp_store_migrate(s, &applied), 0);
  assert_int_equal(applied, 0);
  rp_store_close(s);
  char p[80];
  unlink(path);
  snprintf(p, sizeof p, "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", path);
  unlink(p);
}

/* ---- accounts, users, tokens, login failures ---- */

static void test_store_accounts(void **state) {
  fx *f = *state;
  rp_account a;
  assert_int_equal(rp_store_account_get(f->s, &f->ar, &a, f->b.id), 0);
  assert_string_equal(a.name, "Beta Homes");
  assert_string_equal(a.default_region, "US");
  assert_string_equal(a.settings_json, "{}");
  assert_int_equal(a.created_at, T0 + 1);
  assert_int_equal(rp_store_account_by_name(f->s, &f->ar, &a, "Alpha Realty"), 0);
  assert_string_equal(a.id, f->a.id);
  assert_int_equal(rp_store_account_by_name(f->s, &f->ar, &a, "alpha realty"), RP_ENOTFOUND);
  assert_int_equal(rp_store_account_first(f->s, &f->ar, &a), 0);
  assert_string_equal(a.id, f->a.id);
  assert_int_equal(rp_store_account_get(f->s, &f->ar, &a, "nope"), RP_ENOTFOUND);
}

static void test_store_users(void **state) {
  fx *f = *state;
  rp_user u;
  /* stored lower-cased, found by any case */
  assert_int_equal(rp_store_user_by_email(f->s, &f->ar, &u, "AGENT@alpha.EXAMPLE"), 0);
  assert_string_equal(u.id, f->ua.id);
  assert_string_equal(u.email, "agent@alpha.example");
  assert_int_equal(u.role, RP_ROLE_OWNER);
  assert_int_equal(u.version, 1);
  assert_string_equal(u.password_hash, "hash-a");

  /* emails are unique across accounts */
  rp_user dup = {.email = "agent@ALPHA.example", .role = RP_ROLE_AGENT, .created_at = T0};
  memcpy(dup.account_id, f->b.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(f->s, &dup), RP_ECONFLICT);
  assert_string_equal(rp_error_last()->field, "email");

  rp_user u2 = {.email = "second@alpha.example",
                .name = "Sue",
                .role = RP_ROLE_AGENT,
                .phone = "+15550001111",
                .created_at = T0 + 5,
                .updated_at = T0 + 5};
  memcpy(u2.account_id, f->a.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(f->s, &u2), 0);
  rp_user *items;
  size_t n;
  assert_int_equal(rp_store_user_list(f->s, &f->ar, f->a.id, &items, &n), 0);
  assert_int_equal(n, 2);
  assert_string_equal(items[0].id, f->ua.id); /* oldest first */
  assert_string_equal(items[1].id, u2.id);
  assert_string_equal(items[1].phone, "+15550001111");

  int64_t count = 0;
  assert_int_equal(rp_store_user_count_role(f->s, f->a.id, RP_ROLE_OWNER, &count), 0);
  assert_int_equal(count, 1);
  assert_int_equal(rp_store_user_count_role(f->s, f->a.id, RP_ROLE_AGENT, &count), 0);
  assert_int_equal(count, 1);

  /* update with the version read, then a stale one */
  u2.name = "Susan";
  u2.role = RP_ROLE_ADMIN;
  u2.updated_at = T0 + 9;
  assert_int_equal(rp_store_user_update(f->s, &u2), 0);
  assert_int_equal(u2.version, 2);
  assert_int_equal(rp_store_user_get(f->s, &f->ar, &u, f->a.id, u2.id), 0);
  assert_string_equal(u.name, "Susan");
  assert_int_equal(u.role, RP_ROLE_ADMIN);
  assert_int_equal(u.updated_at, T0 + 9);
  u2.version = 1;
  assert_int_equal(rp_store_user_update(f->s, &u2), RP_ECONFLICT);
  u2.version = 2;
  u2.email = "boss@beta.example";
  assert_int_equal(rp_store_user_update(f->s, &u2), RP_ECONFLICT);
  assert_string_equal(rp_error_last()->field, "email");

  /* another account cannot see or change it */
  assert_int_equal(rp_store_user_get(f->s, &f->ar, &u, f->b.id, u2.id), RP_ENOTFOUND);
  rp_user other = u2;
  memcpy(other.account_id, f->b.id, RP_ID_LEN);
  other.email = "x@y.example";
  assert_int_equal(rp_store_user_update(f->s, &other), RP_ENOTFOUND);
  assert_int_equal(rp_store_user_delete(f->s, f->b.id, u2.id), RP_ENOTFOUND);

  /* delete: its tokens go, its contacts keep no owner */
  rp_token t = {.kind = RP_TOKEN_SESSION, .created_at = T0, .expires_at = T0 + 3600};
  memcpy(t.account_id, f->a.id, RP_ID_LEN);
  memcpy(t.user_id, u2.id, RP_ID_LEN);
  snprintf(t.hash, sizeof t.hash, "%064d", 7);
  assert_int_equal(rp_store_token_create(f->s, &t), 0);
  rp_contact c = person(&f->a, "Owned", "Contact", T0);
  c.owner_id = u2.id;
  create(f, &c);
  assert_int_equal(rp_store_user_delete(f->s, f->a.id, u2.id), 0);
  assert_int_equal(rp_store_user_get(f->s, &f->ar, &u, f->a.id, u2.id), RP_ENOTFOUND);
  rp_token tt;
  assert_int_equal(rp_store_token_by_hash(f->s, &f->ar, &tt, t.hash, T0), RP_ENOTFOUND);
  assert_null(get(f, f->a.id, c.id)->owner_id);
}

static void test_store_tokens_and_login_failures(void **state) {
  fx *f = *state;
  rp_token s1 = {.kind = RP_TOKEN_SESSION, .created_at = T0, .expires_at = T0 + 100};
  rp_token api1 = {.kind = RP_TOKEN_API, .name = "zapier", .created_at = T0 + 1};
  rp_token api2 = {.kind = RP_TOKEN_API, .name = "website", .created_at = T0 + 2};
  rp_token *all[] = {&s1, &api1, &api2};
  for (int i = 0; i < 3; i++) {
    memcpy(all[i]->account_id, f->a.id, RP_ID_LEN);
    memcpy(all[i]->user_id, f->ua.id, RP_ID_LEN);
    snprintf(all[i]->hash, sizeof all[i]->hash, "%064d", i + 1);
    assert_int_equal(rp_store_token_create(f->s, all[i]), 0);
  }
  /* a hash is unique */
  rp_token clash = api1;
  clash.id[0] = 0;
  assert_int_equal(rp_store_token_create(f->s, &clash), RP_ECONFLICT);

  rp_token t;
  assert_int_equal(rp_store_token_by_hash(f->s, &f->ar, &t, s1.hash, T0 + 99), 0);
  assert_string_equal(t.id, s1.id);
  assert_string_equal(t.user_id, f->ua.id);
  assert_int_equal(t.kind, RP_TOKEN_SESSION);
  assert_int_equal(t.expires_at, T0 + 100);
  assert_int_equal(rp_store_token_by_hash(f->s, &f->ar, &t, s1.hash, T0 + 100), RP_ENOTFOUND);
  assert_int_equal(rp_store_token_by_hash(f->s, &f->ar, &t, api1.hash, T0 + 999999), 0);
  assert_string_equal(t.name, "zapier");
  assert_int_equal(t.expires_at, 0);

  rp_token *items;
  size_t n;
  assert_int_equal(rp_store_token_list(f->s, &f->ar, f->a.id, &items, &n), 0);
  assert_int_equal(n, 2); /* API tokens only, newest first */
  assert_string_equal(items[0].id, api2.id);
  assert_string_equal(items[1].id, api1.id);
  assert_int_equal(rp_store_token_list(f->s, &f->ar, f->b.id, &items, &n), 0);
  assert_int_equal(n, 0);

  assert_int_equal(rp_store_token_touch(f->s, api1.id, T0 + 50), 0);
  assert_int_equal(rp_store_token_by_hash(f->s, &f->ar, &t, api1.hash, T0), 0);
  assert_int_equal(t.last_used_at, T0 + 50);

  assert_int_equal(rp_store_token_delete(f->s, f->b.id, api1.id), RP_ENOTFOUND);
  assert_int_equal(rp_store_token_delete(f->s, f->a.id, api1.id), 0);
  assert_int_equal(rp_store_token_by_hash(f->s, &f->ar, &t, api1.hash, T0), RP_ENOTFOUND);
  assert_int_equal(rp_store_token_delete(f->s, f->a.id, api1.id), RP_ENOTFOUND);

  int64_t count = -1;
  for (int i = 0; i < 4; i++)
    assert_int_equal(rp_store_login_failure_add(f->s, "Who@Example.com", T0 + i * 100), 0);
  assert_int_equal(rp_store_login_failure_count(f->s, "who@example.com", T0 + 100, &count), 0);
  assert_int_equal(count, 3);
  assert_int_equal(rp_store_login_failure_count(f->s, "other@example.com", 0, &count), 0);
  assert_int_equal(count, 0);
  assert_int_equal(rp_store_login_failure_clear(f->s, "WHO@example.com"), 0);
  assert_int_equal(rp_store_login_failure_count(f->s, "who@example.com", 0, &count), 0);
  assert_int_equal(count, 0);
}

/* ---- contacts ---- */

static void test_store_contact_round_trip(void **state) {
  fx *f = *state;
  rp_contact ref = person(&f->a, "Rita", "Referrer", T0);
  create(f, &ref);

  rp_email emails[] = {{"Jane.Doe@Example.com", "work"}, {"jane@home.example", NULL}};
  rp_phone phones[] = {{"+15551234567", "mobile"}, {"+442079460000", NULL}};
  const char *social[] = {"https://example.com/jane", "https://social.example/@jane"};
  const char *tags[] = {"buyer", "vip", "golf"};
  rp_contact c = {0};
  memcpy(c.account_id, f->a.id, RP_ID_LEN);
  c.first_name = "Jane";
  c.last_name = "Doe";
  c.display_name = "Jane Doe";
  c.emails = emails;
  c.n_emails = 2;
  c.phones = phones;
  c.n_phones = 2;
  c.has_address = true;
  c.address = (rp_address){"1 Main St", "Springfield", "IL", NULL, "US"};
  c.company = "Acme \"Quoted\" Inc";
  c.website = NULL;
  c.social = social;
  c.n_social = 2;
  c.birthday = "--04-01";
  c.anniversary = "2010-06-12";
  c.partner = "John";
  c.children = "Ann, Bo";
  c.pets = "Rex";
  c.interests = "golf";
  c.notes = "Met at the open house.\nLikes porches.";
  c.custom_json = "{\"floor\":2,\"hoa\":true}";
  c.status = RP_STATUS_LEAD;
  c.stage = RP_STAGE_KNOW;
  c.category = RP_CATEGORY_B;
  c.type = RP_TYPE_PROSPECT;
  c.intent = RP_INTENT_BUY_SELL;
  c.timeframe = "2026-09-01";
  c.has_budget = true;
  c.budget = 450000.5;
  c.tags = tags;
  c.n_tags = 3;
  c.source = "zillow";
  c.referred_by = ref.id;
  c.known_since = "2019-03-02";
  c.last_purchase_date = "2015-05-05";
  c.last_sale_date = NULL;
  c.contact_interval_days = 45;
  c.sms_opt_out = true;
  c.email_opt_out = false;
  c.owner_id = f->ua.id;
  c.status_before_client = RP_STATUS_PROSPECT;
  c.created_at = T0 + 10;
  c.updated_at = T0 + 11;
  create(f, &c);
  assert_int_equal(c.version, 1);
  assert_int_equal(strlen(c.id), 36);

  /* ids are found whatever their case, and read back lower-case */
  char upper[RP_ID_LEN];
  for (int k = 0; k < RP_ID_LEN; k++)
    upper[k] = (char)(c.id[k] >= 'a' && c.id[k] <= 'f' ? c.id[k] - 32 : c.id[k]);
  assert_string_equal(get(f, f->a.id, upper)->id, c.id);
  rp_contact none;
  assert_int_equal(rp_store_contact_get(f->s, &f->ar, &none, f->a.id, "not-an-id"), RP_ENOTFOUND);

  const rp_contact *g = get(f, f->a.id, c.id);
  assert_string_equal(g->id, c.id);
  assert_string_equal(g->account_id, f->a.id);
  assert_int_equal(g->version, 1);
  assert_string_equal(g->first_name, "Jane");
  assert_string_equal(g->last_name, "Doe");
  assert_string_equal(g->display_name, "Jane Doe");
  assert_int_equal(g->n_emails, 2);
  assert_string_equal(g->emails[0].address, "Jane.Doe@Example.com");
  assert_string_equal(g->emails[0].label, "work");
  assert_string_equal(g->emails[1].address, "jane@home.example");
  assert_null(g->emails[1].label);
  assert_int_equal(g->n_phones, 2);
  assert_string_equal(g->phones[0].number, "+15551234567");
  assert_string_equal(g->phones[0].label, "mobile");
  assert_string_equal(g->phones[1].number, "+442079460000");
  assert_null(g->phones[1].label);
  assert_true(g->has_address);
  assert_string_equal(g->address.street, "1 Main St");
  assert_string_equal(g->address.city, "Springfield");
  assert_string_equal(g->address.region, "IL");
  assert_null(g->address.postal_code);
  assert_string_equal(g->address.country, "US");
  assert_string_equal(g->company, "Acme \"Quoted\" Inc");
  assert_null(g->website);
  assert_int_equal(g->n_social, 2);
  assert_string_equal(g->social[0], "https://example.com/jane");
  assert_string_equal(g->social[1], "https://social.example/@jane");
  assert_string_equal(g->birthday, "--04-01");
  assert_string_equal(g->anniversary, "2010-06-12");
  assert_string_equal(g->partner, "John");
  assert_string_equal(g->children, "Ann, Bo");
  assert_string_equal(g->pets, "Rex");
  assert_string_equal(g->interests, "golf");
  assert_string_equal(g->notes, "Met at the open house.\nLikes porches.");
  assert_string_equal(g->custom_json, "{\"floor\":2,\"hoa\":true}");
  assert_int_equal(g->status, RP_STATUS_LEAD);
  assert_int_equal(g->stage, RP_STAGE_KNOW);
  assert_int_equal(g->category, RP_CATEGORY_B);
  assert_int_equal(g->type, RP_TYPE_PROSPECT);
  assert_int_equal(g->intent, RP_INTENT_BUY_SELL);
  assert_string_equal(g->timeframe, "2026-09-01");
  assert_true(g->has_budget);
  assert_true(g->budget == 450000.5);
  assert_int_equal(g->n_tags, 3);
  assert_string_equal(g->tags[0], "buyer");
  assert_string_equal(g->tags[1], "vip");
  assert_string_equal(g->tags[2], "golf");
  assert_string_equal(g->source, "zillow");
  assert_string_equal(g->referred_by, ref.id);
  assert_int_equal(g->referral_count, 0);
  assert_string_equal(g->known_since, "2019-03-02");
  assert_string_equal(g->last_purchase_date, "2015-05-05");
  assert_null(g->last_sale_date);
  assert_int_equal(g->contact_interval_days, 45);
  assert_true(g->sms_opt_out);
  assert_false(g->email_opt_out);
  assert_string_equal(g->owner_id, f->ua.id);
  assert_int_equal(g->status_before_client, RP_STATUS_PROSPECT);
  assert_true(g->score == 0);
  assert_int_equal(g->last_touch_at, 0);
  assert_false(g->overdue);
  assert_int_equal(g->created_at, T0 + 10);
  assert_int_equal(g->updated_at, T0 + 11);
  assert_int_equal(g->archived_at, 0);

  /* the sparse contact: NULLs stay NULL, empty arrays, no address, no budget */
  rp_contact bare = {0};
  memcpy(bare.account_id, f->a.id, RP_ID_LEN);
  bare.company = "Solo LLC";
  bare.display_name = "Solo LLC";
  bare.custom_json = "{}";
  bare.created_at = T0;
  bare.updated_at = T0;
  create(f, &bare);
  g = get(f, f->a.id, bare.id);
  assert_null(g->first_name);
  assert_null(g->last_name);
  assert_int_equal(g->n_emails, 0);
  assert_int_equal(g->n_phones, 0);
  assert_int_equal(g->n_social, 0);
  assert_int_equal(g->n_tags, 0);
  assert_false(g->has_address);
  assert_null(g->address.street);
  assert_false(g->has_budget);
  assert_null(g->referred_by);
  assert_null(g->owner_id);
  assert_null(g->notes);
  assert_string_equal(g->custom_json, "{}");
  assert_int_equal(g->status, RP_STATUS_NONE);
  assert_int_equal(g->type, RP_TYPE_CLIENT);

  /* an address with every part empty is still an address */
  rp_contact addr = person(&f->a, "Ad", "Dress", T0);
  addr.has_address = true;
  create(f, &addr);
  assert_true(get(f, f->a.id, addr.id)->has_address);

  /* derived fields: written without a new version; overdue is judged at
   * the clock */
  assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, c.id, T0 + 5, T0 + 20, 42.5), 0);
  rp_clock_set(T0 + 19);
  assert_false(get(f, f->a.id, c.id)->overdue);
  rp_clock_set(T0 + 20);
  g = get(f, f->a.id, c.id);
  rp_clock_set(0);
  assert_int_equal(g->version, 1);
  assert_true(g->score == 42.5);
  assert_int_equal(g->last_touch_at, T0 + 5);
  assert_true(g->overdue);
  assert_int_equal(rp_store_contact_set_derived(f->s, f->b.id, c.id, 0, 0, 1), RP_ENOTFOUND);
}

static void test_store_contact_update_version_conflict(void **state) {
  fx *f = *state;
  rp_contact c = person(&f->a, "Vera", "Version", T0);
  const char *tags1[] = {"old"};
  c.tags = tags1;
  c.n_tags = 1;
  create(f, &c);

  rp_contact u = c;
  const char *tags2[] = {"new", "shiny"};
  u.tags = tags2;
  u.n_tags = 2;
  u.last_name = "Vexed";
  u.display_name = "Vera Vexed";
  u.updated_at = T0 + 60;
  assert_int_equal(rp_store_contact_update(f->s, &u), 0);
  assert_int_equal(u.version, 2);
  const rp_contact *g = get(f, f->a.id, c.id);
  assert_int_equal(g->version, 2);
  assert_string_equal(g->last_name, "Vexed");
  assert_int_equal(g->updated_at, T0 + 60);
  assert_int_equal(g->created_at, T0);
  assert_int_equal(g->n_tags, 2);

  /* the side tables and the search follow the update */
  rp_contact_query q = query(&f->a);
  q.tag = "old";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.tag = "shiny";
  assert_int_equal(list_count(f, &q, NULL), 1);
  q = query(&f->a);
  q.q = "version";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.q = "vexed";
  assert_int_equal(list_count(f, &q, NULL), 1);

  /* a writer that read version 1 loses */
  c.last_name = "Stale";
  assert_int_equal(rp_store_contact_update(f->s, &c), RP_ECONFLICT);
  assert_string_equal(rp_error_last()->message, "version moved on");
  assert_int_equal(c.version, 1);
  assert_string_equal(get(f, f->a.id, c.id)->last_name, "Vexed");

  rp_contact missing = person(&f->a, "No", "One", T0);
  rp_uuid_v7(missing.id);
  missing.version = 1;
  assert_int_equal(rp_store_contact_update(f->s, &missing), RP_ENOTFOUND);

  /* archive bumps the version, and is a no-op the second time */
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, c.id, T0 + 100), 0);
  g = get(f, f->a.id, c.id);
  assert_int_equal(g->version, 3);
  assert_int_equal(g->archived_at, T0 + 100);
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, c.id, T0 + 200), 0);
  g = get(f, f->a.id, c.id);
  assert_int_equal(g->version, 3);
  assert_int_equal(g->archived_at, T0 + 100);
}

static void test_store_account_isolation(void **state) {
  fx *f = *state;
  rp_contact c = person(&f->a, "Antonín", "Dvořák", T0);
  rp_phone ph[] = {{"+15551234567", NULL}};
  c.phones = ph;
  c.n_phones = 1;
  const char *tags[] = {"composer"};
  c.tags = tags;
  c.n_tags = 1;
  create(f, &c);
  rp_contact mine = person(&f->b, "Bea", "Beta", T0);
  create(f, &mine);

  rp_contact out;
  assert_int_equal(rp_store_contact_get(f->s, &f->ar, &out, f->b.id, c.id), RP_ENOTFOUND);
  rp_contact u = c;
  memcpy(u.account_id, f->b.id, RP_ID_LEN);
  assert_int_equal(rp_store_contact_update(f->s, &u), RP_ENOTFOUND);
  assert_int_equal(rp_store_contact_archive(f->s, f->b.id, c.id, T0), RP_ENOTFOUND);
  assert_int_equal(rp_store_contact_purge(f->s, f->b.id, c.id), RP_ENOTFOUND);
  rp_activity a = {.kind = RP_KIND_CALL, .occurred_at = T0, .duration_s = -1, .created_at = T0};
  memcpy(a.account_id, f->b.id, RP_ID_LEN);
  memcpy(a.contact_id, c.id, RP_ID_LEN);
  assert_int_equal(rp_store_activity_create(f->s, &a, true), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "contact_id");
  rp_history h = {.field = "status", .from = "suspect", .to = "lead", .rule = "L3", .at = T0};
  memcpy(h.contact_id, c.id, RP_ID_LEN);
  assert_int_equal(rp_store_history_add(f->s, f->b.id, &h), RP_ENOTFOUND);
  /* another account's contact as referrer, another account's user as owner */
  rp_contact x = person(&f->b, "X", "Ref", T0);
  x.referred_by = c.id;
  assert_int_equal(rp_store_contact_create(f->s, &x), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "referred_by");
  x.referred_by = NULL;
  x.owner_id = f->ua.id;
  assert_int_equal(rp_store_contact_create(f->s, &x), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "owner_id");

  /* never in B's lists, searches, phone matches or tag filters */
  rp_contact_query q = query(&f->b);
  rp_contact *items;
  assert_int_equal(list_count(f, &q, &items), 1);
  assert_string_equal(items[0].id, mine.id);
  q.q = "dvorak";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.q = NULL;
  q.phone = "+15551234567";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.phone = NULL;
  q.tag = "composer";
  assert_int_equal(list_count(f, &q, NULL), 0);
  int64_t n = 0;
  assert_int_equal(rp_store_count_contacts(f->s, f->b.id, &n), 0);
  assert_int_equal(n, 1);
  /* and A still has it */
  q = query(&f->a);
  q.q = "dvorak";
  assert_int_equal(list_count(f, &q, NULL), 1);
}

static void test_store_list_filters(void **state) {
  fx *f = *state;
  rp_user u2 = {.email = "two@alpha.example", .role = RP_ROLE_AGENT, .created_at = T0};
  memcpy(u2.account_id, f->a.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(f->s, &u2), 0);

  /* 12 contacts with known spreads of every filtered field */
  rp_contact cs[12];
  const char *t_buyer[] = {"buyer"}, *t_both[] = {"buyer", "seller"};
  for (int i = 0; i < 12; i++) {
    cs[i] = person(&f->a, "F", "L", T0 + i);
    cs[i].status = (rp_status)(i % RP_STATUS_COUNT);
    cs[i].stage = (rp_stage)(i % RP_STAGE_COUNT);
    cs[i].category = (rp_category)(i % 3);
    cs[i].type = (rp_ctype)(i % 2 ? RP_TYPE_AGENT : RP_TYPE_CLIENT);
    cs[i].owner_id = i < 4 ? f->ua.id : i < 6 ? u2.id : NULL;
    if (i % 4 == 0) {
      cs[i].tags = t_both;
      cs[i].n_tags = 2;
    } else if (i % 4 == 1) {
      cs[i].tags = t_buyer;
      cs[i].n_tags = 1;
    }
    create(f, &cs[i]);
    /* scores 0, 10, ... 110; overdue since T0-1 for even i, due later for i%3==0 odd */
    rp_time due = i % 2 == 0 ? T0 - 1 : (i % 3 == 0 ? T0 + 1000 : 0);
    assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, cs[i].id, 0, due, i * 10.0), 0);
  }
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, cs[11].id, T0 + 50), 0);

  rp_contact_query q = query(&f->a);
  q.count = true;
  assert_int_equal(list_count(f, &q, NULL), 11);

  int64_t total = 0;
  rp_contact *items;
  size_t n;
  char *next;
  /* status: lead (3) or client (4): i = 3, 4, 9, 10 */
  q.status_mask = 1u << RP_STATUS_LEAD | 1u << RP_STATUS_CLIENT;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, &total), 0);
  assert_int_equal(n, 4);
  assert_int_equal(total, 4);
  assert_null(next);
  for (size_t k = 0; k < n; k++)
    assert_true(items[k].status == RP_STATUS_LEAD || items[k].status == RP_STATUS_CLIENT);
  q.status_mask = 0;
  q.stage_mask = 1u << RP_STAGE_TRUST; /* i = 4, 9 */
  assert_int_equal(list_count(f, &q, NULL), 2);
  q.stage_mask = 0;
  q.category_mask = 1u << RP_CATEGORY_B; /* i % 3 == 2: 2, 5, 8 (11 archived) */
  assert_int_equal(list_count(f, &q, NULL), 3);
  q.category_mask = 0;
  q.type_mask = 1u << RP_TYPE_AGENT; /* odd i but 11 */
  assert_int_equal(list_count(f, &q, NULL), 5);
  q.type_mask = 1u << RP_TYPE_AGENT | 1u << RP_TYPE_CLIENT;
  assert_int_equal(list_count(f, &q, NULL), 11);
  q.type_mask = 0;
  q.tag = "buyer"; /* i % 4 in {0, 1}: 0, 1, 4, 5, 8, 9 */
  assert_int_equal(list_count(f, &q, NULL), 6);
  q.tag = "seller"; /* 0, 4, 8 */
  assert_int_equal(list_count(f, &q, NULL), 3);
  q.tag = "nobody";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.tag = NULL;
  q.owner_id = u2.id;
  assert_int_equal(list_count(f, &q, NULL), 2);
  q.owner_id = NULL;
  q.has_score_min = true;
  q.score_min = 30;
  q.has_score_max = true;
  q.score_max = 70; /* 30 .. 70: i = 3..7 */
  assert_int_equal(list_count(f, &q, NULL), 5);
  q.has_score_min = q.has_score_max = false;
  q.overdue = 1; /* even i, not 11: 0 2 4 6 8 10 */
  assert_int_equal(list_count(f, &q, NULL), 6);
  q.overdue = 0;
  assert_int_equal(list_count(f, &q, NULL), 5);
  q.now = T0 + 2000; /* the odd i % 3 == 0 ones (3, 9) are due by then */
  assert_int_equal(list_count(f, &q, NULL), 3);
  q.overdue = 1;
  assert_int_equal(list_count(f, &q, &items), 8);
  for (size_t k = 0; k < 8; k++)
    assert_true(items[k].overdue);
  q.overdue = -1;
  q.archived = true;
  assert_int_equal(list_count(f, &q, &items), 1);
  assert_string_equal(items[0].id, cs[11].id);
  /* several filters at once: AND */
  q = query(&f->a);
  q.tag = "buyer";
  q.type_mask = 1u << RP_TYPE_AGENT; /* 1, 5, 9 */
  q.owner_id = f->ua.id;             /* 1 */
  assert_int_equal(list_count(f, &q, &items), 1);
  assert_string_equal(items[0].id, cs[1].id);
}

/* ---- sorting and keyset pagination ---- */

#define NSORT 237

typedef struct {
  char id[RP_ID_LEN];
  rp_time created, updated, touch;
  double score;
  char key[32];
} row;

static int g_sort;
static bool g_desc;

static int cmp_row(const void *pa, const void *pb) {
  const row *a = pa, *b = pb;
  int c = 0;
  switch (g_sort) {
  case RP_SORT_CREATED_AT: c = (a->created > b->created) - (a->created < b->created); break;
  case RP_SORT_UPDATED_AT: c = (a->updated > b->updated) - (a->updated < b->updated); break;
  case RP_SORT_LAST_NAME: c = strcmp(a->key, b->key); break;
  case RP_SORT_SCORE: c = (a->score > b->score) - (a->score < b->score); break;
  case RP_SORT_LAST_TOUCH_AT: c = (a->touch > b->touch) - (a->touch < b->touch); break;
  }
  if (!c) c = strcmp(a->id, b->id);
  return g_desc ? -c : c;
}

static void test_store_list_every_sort_paginates(void **state) {
  fx *f = *state;
  static const char *names[] = {"adams", "Baker", "CLARK", "davis", "Evans", "fox", "Green"};
  row *rows = calloc(NSORT, sizeof *rows);
  assert_int_equal(rp_store_begin(f->s, true), 0);
  for (int i = 0; i < NSORT; i++) {
    char last[32];
    snprintf(last, sizeof last, "%s%d", names[i % 7], i % 5); /* many ties */
    rp_contact c = person(&f->a, "P", last, T0 + i / 3);
    c.updated_at = T0 + (i * 37) % 50;
    create(f, &c);
    rp_time touch = i % 4 == 0 ? 0 : T0 - (i % 9) * 86400;
    double score = (i * 13 % 20) / 2.0;
    assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, c.id, touch, 0, score), 0);
    memcpy(rows[i].id, c.id, RP_ID_LEN);
    rows[i].created = c.created_at;
    rows[i].updated = c.updated_at;
    rows[i].touch = touch;
    rows[i].score = score;
    for (size_t k = 0; k <= strlen(last); k++)
      rows[i].key[k] = (char)(last[k] >= 'A' && last[k] <= 'Z' ? last[k] + 32 : last[k]);
  }
  assert_int_equal(rp_store_commit(f->s), 0);

  for (int sort = RP_SORT_CREATED_AT; sort <= RP_SORT_LAST_TOUCH_AT; sort++) {
    for (int d = 0; d < 2; d++) {
      g_sort = sort;
      g_desc = d;
      qsort(rows, NSORT, sizeof *rows, cmp_row);
      rp_contact_query q = query(&f->a);
      q.sort = (rp_contact_sort)sort;
      q.desc = d;
      q.limit = 10;
      q.count = true;
      int seen = 0, pages = 0;
      char *cursor = NULL;
      do {
        rp_contact *items;
        size_t n;
        int64_t total = 0;
        q.cursor = cursor;
        if (rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &cursor, &total))
          fail_msg("sort %d desc %d: %s", sort, d, rp_error_last()->message);
        assert_int_equal(total, NSORT);
        for (size_t k = 0; k < n; k++) {
          if (strcmp(items[k].id, rows[seen].id))
            fail_msg("sort %d desc %d: row %d is %s, want %s", sort, d, seen, items[k].id,
                     rows[seen].id);
          seen++;
        }
        pages++;
        assert_true(cursor == NULL || n == 10);
      } while (cursor);
      assert_int_equal(seen, NSORT);
      assert_int_equal(pages, (NSORT + 9) / 10);
    }
  }
  free(rows);

  /* a new row that sorts before the cursor does not shift the next page */
  rp_contact_query q = query(&f->a);
  q.limit = 5;
  rp_contact *p1, *p2;
  size_t n1, n2;
  char *c1, *c2;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &p1, &n1, &c1, NULL), 0);
  rp_contact early = person(&f->a, "E", "Early", T0 - 100);
  create(f, &early);
  q.cursor = c1;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &p2, &n2, &c2, NULL), 0);
  assert_true(p1[4].created_at < p2[0].created_at ||
              (p1[4].created_at == p2[0].created_at && strcmp(p1[4].id, p2[0].id) < 0));
  for (size_t k = 0; k < n2; k++)
    assert_string_not_equal(p2[k].id, early.id);
}

/* A filter matching many contacts is checked while walking the sort index;
 * one matching few drives the query. Both must page the same way: every
 * match once, in order, with and without range bounds beside the cursor. */
#define NBIG 3100

typedef struct {
  char id[RP_ID_LEN];
  char key[16];
  double score;
  bool common, rare, overdue;
} big_row;

static int g_big_by_score;

static int cmp_big(const void *pa, const void *pb) {
  const big_row *a = pa, *b = pb;
  int c = g_big_by_score ? (a->score < b->score) - (a->score > b->score) /* desc */
                         : strcmp(a->key, b->key);
  if (!c) c = g_big_by_score ? -strcmp(a->id, b->id) : strcmp(a->id, b->id);
  return c;
}

static void test_store_list_walk_and_drive_agree(void **state) {
  fx *f = *state;
  big_row *rows = calloc(NBIG, sizeof *rows);
  const char *t_common[] = {"common"}, *t_both[] = {"common", "rare"}, *t_rare[] = {"rare"};
  assert_int_equal(rp_store_begin(f->s, true), 0);
  for (int i = 0; i < NBIG; i++) {
    char last[16];
    snprintf(last, sizeof last, "Name%04d", (i * 7919) % NBIG);
    rp_contact c = person(&f->a, "P", last, T0 + i);
    rows[i].common = i % 3 != 0;
    rows[i].rare = i % 100 == 0;
    c.tags = rows[i].common ? (rows[i].rare ? t_both : t_common) : (rows[i].rare ? t_rare : NULL);
    c.n_tags = (size_t)rows[i].common + (size_t)rows[i].rare;
    create(f, &c);
    rows[i].score = (i % 13) * 1.5;
    rows[i].overdue = i % 50 != 0;
    assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, c.id, 0,
                                                  rows[i].overdue ? T0 - 1 : 0, rows[i].score),
                     0);
    memcpy(rows[i].id, c.id, RP_ID_LEN);
    for (size_t k = 0; k <= strlen(last); k++)
      rows[i].key[k] = (char)(last[k] >= 'A' && last[k] <= 'Z' ? last[k] + 32 : last[k]);
  }
  assert_int_equal(rp_store_commit(f->s), 0);

  struct {
    const char *tag, *q;
    int overdue;
    bool bounds;
  } cases[] = {
      {"common", NULL, -1, false},                           /* 2066 matches: walk */
      {"rare", NULL, -1, false},                             /* 31: drive */
      {NULL, "name", -1, false},                             /* all: walk */
      {NULL, "name0001", -1, false}, {NULL, NULL, 1, false}, /* 3038 overdue: walk */
      {"rare", NULL, 1, false},                              /* drive by the tag */
      {"common", NULL, -1, true},                            /* score bounds beside the cursor */
      {"rare", NULL, -1, true},
  };
  big_row *want = calloc(NBIG, sizeof *want);
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
    for (int by_score = 0; by_score < 2; by_score++) {
      size_t nw = 0;
      for (int i = 0; i < NBIG; i++) {
        const big_row *r = &rows[i];
        if (cases[ci].tag && !strcmp(cases[ci].tag, "common") && !r->common) continue;
        if (cases[ci].tag && !strcmp(cases[ci].tag, "rare") && !r->rare) continue;
        if (cases[ci].q && strncmp(r->key, cases[ci].q, strlen(cases[ci].q))) continue;
        if (cases[ci].overdue == 1 && !r->overdue) continue;
        if (cases[ci].bounds && (r->score < 3 || r->score > 12)) continue;
        want[nw++] = *r;
      }
      g_big_by_score = by_score;
      qsort(want, nw, sizeof *want, cmp_big);
      rp_contact_query q = query(&f->a);
      q.tag = cases[ci].tag;
      q.q = cases[ci].q;
      q.overdue = cases[ci].overdue;
      q.has_score_min = q.has_score_max = cases[ci].bounds;
      q.score_min = 3;
      q.score_max = 12;
      q.sort = by_score ? RP_SORT_SCORE : RP_SORT_LAST_NAME;
      q.desc = by_score;
      q.limit = 97;
      q.count = true;
      size_t seen = 0;
      char *cursor = NULL;
      do {
        rp_contact *items;
        size_t n;
        int64_t total = -1;
        q.cursor = cursor;
        if (rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &cursor, &total))
          fail_msg("case %zu: %s", ci, rp_error_last()->message);
        if (total != (int64_t)nw)
          fail_msg("case %zu by_score %d: total %lld, want %zu", ci, by_score, (long long)total,
                   nw);
        for (size_t k = 0; k < n; k++, seen++)
          if (seen >= nw || strcmp(items[k].id, want[seen].id))
            fail_msg("case %zu by_score %d: row %zu differs", ci, by_score, seen);
      } while (cursor);
      assert_int_equal(seen, nw);
    }
  }
  free(want);
  free(rows);
}

static void test_store_list_name_sort_folds_case_and_accents(void **state) {
  fx *f = *state;
  const char *lasts[] = {"baker", "Ávila", "adams", "Zed", "Čapek", "ÉVANS"};
  for (int i = 0; i < 6; i++) {
    rp_contact c = person(&f->a, "N", lasts[i], T0 + i);
    create(f, &c);
  }
  rp_contact_query q = query(&f->a);
  q.sort = RP_SORT_LAST_NAME;
  rp_contact *items;
  assert_int_equal(list_count(f, &q, &items), 6);
  const char *want[] = {"adams", "Ávila", "baker", "Čapek", "ÉVANS", "Zed"};
  for (int i = 0; i < 6; i++)
    assert_string_equal(items[i].last_name, want[i]);
}

static void test_store_list_bad_cursor(void **state) {
  fx *f = *state;
  for (int i = 0; i < 3; i++) {
    rp_contact c = person(&f->a, "C", "Cursor", T0 + i);
    create(f, &c);
  }
  rp_contact_query q = query(&f->a);
  q.limit = 1;
  rp_contact *items;
  size_t n;
  char *next;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL), 0);
  assert_non_null(next);

  const char *bad[] = {"", "!!!!", "AAAA", "not-a-cursor", "UkMAAGk"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    q.cursor = bad[i];
    assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL),
                     RP_EINVALID_VALUE);
    assert_string_equal(rp_error_last()->field, "cursor");
  }
  /* a cursor of another sort or direction */
  q.cursor = NULL;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL), 0);
  const char *good = next;
  q.cursor = good;
  q.sort = RP_SORT_SCORE;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL),
                   RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "cursor");
  q.sort = RP_SORT_CREATED_AT;
  q.desc = true;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL),
                   RP_EINVALID_VALUE);
  /* an activity cursor is not a contact cursor */
  rp_activity_query aq = {.account_id = f->a.id, .limit = 1, .cursor = good};
  rp_activity *acts;
  assert_int_equal(rp_store_activity_list(f->s, &f->ar, &aq, &acts, &n, &next, NULL),
                   RP_EINVALID_VALUE);
}

/* ---- search ---- */

static void test_store_search_text(void **state) {
  fx *f = *state;
  rp_contact d = person(&f->a, "Antonín", "Dvořák", T0);
  rp_email em[] = {{"antonin@Symphony.example", NULL}};
  d.emails = em;
  d.n_emails = 1;
  d.company = "New World Symphony";
  d.notes = "Prefers \"quoted\" notes; likes trains";
  const char *tags[] = {"composer", "czech"};
  d.tags = tags;
  d.n_tags = 2;
  create(f, &d);
  rp_contact o = person(&f->a, "Bedřich", "Smetana", T0 + 1);
  create(f, &o);

  const char *hits[] = {"dvo",
                        "dvorak",
                        "DVOŘÁK",
                        "Dvořák",
                        "antonin dvo",
                        "ANT",
                        "symph",
                        "antonin@symphony",
                        "trains",
                        "czech",
                        "  dvo  ",
                        "\"dvo",
                        "dvo*",
                        "dvo)",
                        "world, new",
                        "dvo \xF0\x9F\x98\x80" /* an emoji */,
                        "\xE2\x80\x9C"
                        "dvo\xE2\x80\x9D" /* curly quotes */};
  for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
    rp_contact_query q = query(&f->a);
    q.q = hits[i];
    rp_contact *items;
    size_t n = list_count(f, &q, &items);
    if (n != 1 || strcmp(items[0].id, d.id)) fail_msg("q=%s found %zu", hits[i], n);
  }
  const char *misses[] = {"xyz", "dvorak xyz", "smetana dvorak", "NEAR", "dvo OR xyz"};
  for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
    rp_contact_query q = query(&f->a);
    q.q = misses[i];
    if (list_count(f, &q, NULL) != 0) fail_msg("q=%s found something", misses[i]);
  }
  /* a q of punctuation only is no text filter */
  rp_contact_query q = query(&f->a);
  q.q = " ,;- ";
  assert_int_equal(list_count(f, &q, NULL), 2);
  /* archived contacts leave the default search */
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, d.id, T0 + 5), 0);
  q.q = "dvorak";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.archived = true;
  assert_int_equal(list_count(f, &q, NULL), 1);
}

static void test_store_search_phone(void **state) {
  fx *f = *state;
  rp_contact us = person(&f->a, "Una", "States", T0);
  rp_phone p1[] = {{"+15551234567", "mobile"}};
  us.phones = p1;
  us.n_phones = 1;
  create(f, &us);
  rp_contact uk = person(&f->a, "Ken", "Kingdom", T0 + 1);
  rp_phone p2[] = {{"+442079460000", NULL}};
  uk.phones = p2;
  uk.n_phones = 1;
  create(f, &uk);
  rp_contact named = person(&f->a, "Pat", "Phone5551234567", T0 + 2);
  create(f, &named);

  rp_contact_query q = query(&f->a);
  rp_contact *items;
  q.phone = "+15551234567";
  assert_int_equal(list_count(f, &q, &items), 1);
  assert_string_equal(items[0].id, us.id);
  q.phone = "+15550000000";
  assert_int_equal(list_count(f, &q, NULL), 0);
  /* q and phone: either matches */
  q.phone = "+442079460000";
  q.q = "una";
  assert_int_equal(list_count(f, &q, NULL), 2);
  /* the digits of the number, with and without the country code */
  q = query(&f->a);
  q.q = "5551234567";
  assert_int_equal(list_count(f, &q, &items), 1);
  assert_string_equal(items[0].id, us.id);
  q.q = "15551234567";
  assert_int_equal(list_count(f, &q, NULL), 1);
  q.q = "2079460000";
  assert_int_equal(list_count(f, &q, &items), 1);
  assert_string_equal(items[0].id, uk.id);
  q.q = "555123";
  assert_int_equal(list_count(f, &q, NULL), 1);
  q.q = "+1 555 123 4567"; /* tokens 1, 555, 123, 4567: not a phone filter */
  assert_int_equal(list_count(f, &q, NULL), 0);
}

/* ---- referral counts (DOMAIN.md C1) ---- */

static int64_t refcount(fx *f, const char *id) { return get(f, f->a.id, id)->referral_count; }

static void test_store_C1_referral_count_exact(void **state) {
  fx *f = *state;
  rp_contact a = person(&f->a, "A", "Referrer", T0), d = person(&f->a, "D", "Other", T0);
  create(f, &a);
  create(f, &d);
  rp_contact b = person(&f->a, "B", "Referred", T0), c = person(&f->a, "C", "Referred", T0);
  b.referred_by = a.id;
  c.referred_by = a.id;
  create(f, &b);
  create(f, &c);
  assert_int_equal(refcount(f, a.id), 2);
  assert_int_equal(refcount(f, d.id), 0);
  assert_int_equal(get(f, f->a.id, a.id)->version, 1); /* a count is no edit */

  /* change of referrer: old and new recounted */
  c.referred_by = d.id;
  assert_int_equal(rp_store_contact_update(f->s, &c), 0);
  assert_int_equal(refcount(f, a.id), 1);
  assert_int_equal(refcount(f, d.id), 1);
  /* an update that keeps the referrer keeps the count */
  c.notes = "still D's";
  assert_int_equal(rp_store_contact_update(f->s, &c), 0);
  assert_int_equal(refcount(f, d.id), 1);
  /* referrer cleared */
  c.referred_by = NULL;
  assert_int_equal(rp_store_contact_update(f->s, &c), 0);
  assert_int_equal(refcount(f, d.id), 0);
  c.referred_by = d.id;
  assert_int_equal(rp_store_contact_update(f->s, &c), 0);
  assert_int_equal(refcount(f, d.id), 1);

  /* archived contacts stop counting */
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, b.id, T0 + 9), 0);
  assert_int_equal(refcount(f, a.id), 0);

  /* purging a referrer: its referees keep no referrer, FKs hold */
  assert_int_equal(rp_store_contact_purge(f->s, f->a.id, d.id), 0);
  const rp_contact *gc = get(f, f->a.id, c.id);
  assert_null(gc->referred_by);
  assert_int_equal(gc->version, c.version + 1);
  /* purging a referee recounts its referrer */
  rp_contact e = person(&f->a, "E", "Referred", T0);
  e.referred_by = a.id;
  create(f, &e);
  assert_int_equal(refcount(f, a.id), 1);
  assert_int_equal(rp_store_contact_purge(f->s, f->a.id, e.id), 0);
  assert_int_equal(refcount(f, a.id), 0);

  /* bad referrers */
  c = *get(f, f->a.id, c.id);
  c.referred_by = c.id;
  assert_int_equal(rp_store_contact_update(f->s, &c), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "referred_by");
  c.referred_by = d.id; /* purged */
  assert_int_equal(rp_store_contact_update(f->s, &c), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "referred_by");
  rp_contact x = person(&f->a, "X", "Y", T0);
  x.owner_id = "0190f0f0-0000-7000-8000-000000000000";
  assert_int_equal(rp_store_contact_create(f->s, &x), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "owner_id");
}

/* ---- purge ---- */

static void test_store_purge_removes_everything(void **state) {
  fx *f = *state;
  rp_contact c = person(&f->a, "Gone", "Soon", T0);
  rp_email em[] = {{"gone@example.com", NULL}};
  c.emails = em;
  c.n_emails = 1;
  create(f, &c);
  rp_contact keep = person(&f->a, "Keep", "Me", T0);
  create(f, &keep);
  rp_activity a = {.kind = RP_KIND_CALL,
                   .direction = RP_DIR_INBOUND,
                   .occurred_at = T0,
                   .duration_s = 120,
                   .created_at = T0};
  memcpy(a.account_id, f->a.id, RP_ID_LEN);
  memcpy(a.contact_id, c.id, RP_ID_LEN);
  assert_int_equal(rp_store_activity_create(f->s, &a, true), 0);
  rp_activity ka = a;
  ka.id[0] = 0;
  memcpy(ka.contact_id, keep.id, RP_ID_LEN);
  assert_int_equal(rp_store_activity_create(f->s, &ka, true), 0);
  rp_history h = {.field = "status", .from = "suspect", .to = "prospect", .rule = "L2", .at = T0};
  memcpy(h.contact_id, c.id, RP_ID_LEN);
  assert_int_equal(rp_store_history_add(f->s, f->a.id, &h), 0);

  /* a party to a listing */
  rp_deal_party party = {.role = RP_DEAL_SELLER};
  memcpy(party.contact_id, c.id, RP_ID_LEN);
  rp_property listing = {.status = RP_PROP_ACTIVE,
                         .contacts = &party,
                         .n_contacts = 1,
                         .created_at = T0,
                         .updated_at = T0};
  memcpy(listing.account_id, f->a.id, RP_ID_LEN);
  assert_int_equal(rp_store_property_create(f->s, &listing), 0);

  assert_int_equal(rp_store_contact_purge(f->s, f->a.id, c.id), 0);
  rp_property gp;
  assert_int_equal(rp_store_property_get(f->s, &f->ar, &gp, f->a.id, listing.id), 0);
  assert_int_equal(gp.n_contacts, 0);
  rp_contact out;
  assert_int_equal(rp_store_contact_get(f->s, &f->ar, &out, f->a.id, c.id), RP_ENOTFOUND);
  rp_activity ga;
  assert_int_equal(rp_store_activity_get(f->s, &f->ar, &ga, f->a.id, a.id), RP_ENOTFOUND);
  assert_int_equal(rp_store_activity_get(f->s, &f->ar, &ga, f->a.id, ka.id), 0);
  rp_history *hs;
  size_t n;
  assert_int_equal(rp_store_history_list(f->s, &f->ar, f->a.id, c.id, &hs, &n), 0);
  assert_int_equal(n, 0);
  rp_contact_query q = query(&f->a);
  q.q = "gone";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.q = NULL;
  q.archived = true;
  assert_int_equal(list_count(f, &q, NULL), 0);
  assert_int_equal(rp_store_contact_purge(f->s, f->a.id, c.id), RP_ENOTFOUND);
  /* the id can be used again: nothing of the old one is left behind */
  rp_contact again = person(&f->a, "Back", "Again", T0);
  memcpy(again.id, c.id, RP_ID_LEN);
  create(f, &again);
  assert_int_equal(get(f, f->a.id, c.id)->n_emails, 0);
}

/* ---- activities and history ---- */

static void test_store_activities(void **state) {
  fx *f = *state;
  rp_contact c1 = person(&f->a, "One", "Act", T0), c2 = person(&f->a, "Two", "Act", T0);
  create(f, &c1);
  create(f, &c2);
  /* 30 activities on c1 (occurred_at with ties), 5 on c2 */
  char ids[35][RP_ID_LEN];
  for (int i = 0; i < 35; i++) {
    rp_activity a = {.kind = (rp_activity_kind)(i % RP_KIND_COUNT),
                     .direction = i % 2 ? RP_DIR_INBOUND : RP_DIR_OUTBOUND,
                     .occurred_at = T0 + (i / 2) * 60,
                     .subject = "hello",
                     .duration_s = i % 3 ? -1 : i,
                     .created_at = T0};
    memcpy(a.account_id, f->a.id, RP_ID_LEN);
    memcpy(a.contact_id, i < 30 ? c1.id : c2.id, RP_ID_LEN);
    assert_int_equal(rp_store_activity_create(f->s, &a, i % 5 == 0), 0);
    assert_int_equal(a.version, 1);
    memcpy(ids[i], a.id, RP_ID_LEN);
  }
  rp_activity g;
  assert_int_equal(rp_store_activity_get(f->s, &f->ar, &g, f->a.id, ids[3]), 0);
  assert_int_equal(g.kind, RP_KIND_SOCIAL);
  assert_int_equal(g.direction, RP_DIR_INBOUND);
  assert_int_equal(g.duration_s, 3);
  assert_int_equal(g.occurred_at, T0 + 60);
  assert_string_equal(g.subject, "hello");
  assert_null(g.body);
  assert_string_equal(g.contact_id, c1.id);
  assert_int_equal(rp_store_activity_get(f->s, &f->ar, &g, f->a.id, ids[4]), 0);
  assert_int_equal(g.duration_s, -1);
  assert_int_equal(rp_store_activity_get(f->s, &f->ar, &g, f->b.id, ids[4]), RP_ENOTFOUND);

  /* contact filter, newest first, pages of 7 that neither skip nor repeat */
  rp_activity_query q = {.account_id = f->a.id, .contact_id = c1.id, .limit = 7, .count = true};
  int seen = 0;
  rp_time prev_t = INT64_MAX;
  char prev_id[RP_ID_LEN] = "~";
  char *cursor = NULL;
  do {
    rp_activity *items;
    size_t n;
    int64_t total = 0;
    q.cursor = cursor;
    assert_int_equal(rp_store_activity_list(f->s, &f->ar, &q, &items, &n, &cursor, &total), 0);
    assert_int_equal(total, 30);
    for (size_t k = 0; k < n; k++) {
      assert_string_equal(items[k].contact_id, c1.id);
      assert_true(items[k].occurred_at < prev_t ||
                  (items[k].occurred_at == prev_t && strcmp(items[k].id, prev_id) < 0));
      prev_t = items[k].occurred_at;
      memcpy(prev_id, items[k].id, RP_ID_LEN);
      seen++;
    }
  } while (cursor);
  assert_int_equal(seen, 30);

  /* kind and time filters */
  rp_activity_query k = {.account_id = f->a.id, .kind_mask = 1u << RP_KIND_EMAIL, .limit = 100};
  rp_activity *items;
  size_t n;
  char *next;
  assert_int_equal(rp_store_activity_list(f->s, &f->ar, &k, &items, &n, &next, NULL), 0);
  assert_int_equal(n, 4); /* i = 0, 11, 22, 33 */
  for (size_t j = 0; j < n; j++)
    assert_int_equal(items[j].kind, RP_KIND_EMAIL);
  rp_activity_query t = {.account_id = f->a.id, .from = T0 + 60, .to = T0 + 120, .limit = 100};
  assert_int_equal(rp_store_activity_list(f->s, &f->ar, &t, &items, &n, &next, NULL), 0);
  assert_int_equal(n, 4); /* i = 2..5 */
  /* a time window paged through: every row of it once, newest first */
  rp_activity_query w = {
      .account_id = f->a.id, .from = T0 + 60, .to = T0 + 600, .limit = 3, .count = true};
  int in_window = 0;
  prev_t = INT64_MAX;
  cursor = NULL;
  do {
    int64_t total = 0;
    w.cursor = cursor;
    assert_int_equal(rp_store_activity_list(f->s, &f->ar, &w, &items, &n, &cursor, &total), 0);
    assert_int_equal(total, 20); /* i = 2..21 */
    for (size_t j = 0; j < n; j++, in_window++) {
      assert_true(items[j].occurred_at >= T0 + 60 && items[j].occurred_at <= T0 + 600);
      assert_true(items[j].occurred_at <= prev_t);
      prev_t = items[j].occurred_at;
    }
  } while (cursor);
  assert_int_equal(in_window, 20);
  rp_activity_query other = {.account_id = f->b.id, .limit = 100};
  assert_int_equal(rp_store_activity_list(f->s, &f->ar, &other, &items, &n, &next, NULL), 0);
  assert_int_equal(n, 0);

  /* last two-way: i % 5 == 0 on c1 are 0, 5, ..., 25 (occurred T0 + (i/2)*60) */
  rp_time last = -1;
  assert_int_equal(rp_store_activity_last_two_way(f->s, f->a.id, c1.id, T0 + 100000, &last), 0);
  assert_int_equal(last, T0 + 12 * 60);
  assert_int_equal(rp_store_activity_last_two_way(f->s, f->a.id, c1.id, T0 + 5 * 60, &last), 0);
  assert_int_equal(last, T0 + 5 * 60); /* i = 10 at T0+300: at or before counts */
  assert_int_equal(rp_store_activity_last_two_way(f->s, f->a.id, c1.id, T0 - 1, &last), 0);
  assert_int_equal(last, 0);

  /* update with version; the two-way verdict moves with it */
  assert_int_equal(rp_store_activity_get(f->s, &f->ar, &g, f->a.id, ids[1]), 0);
  g.occurred_at = T0 + 100000;
  g.body = "moved";
  g.updated_at = T0 + 5;
  assert_int_equal(rp_store_activity_update(f->s, &g, true), 0);
  assert_int_equal(g.version, 2);
  assert_int_equal(rp_store_activity_last_two_way(f->s, f->a.id, c1.id, T0 + 200000, &last), 0);
  assert_int_equal(last, T0 + 100000);
  g.version = 1;
  assert_int_equal(rp_store_activity_update(f->s, &g, true), RP_ECONFLICT);
  g.version = 2;
  memcpy(g.contact_id, "0190f0f0-0000-7000-8000-000000000000", RP_ID_LEN);
  assert_int_equal(rp_store_activity_update(f->s, &g, true), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "contact_id");
  rp_activity gg;
  assert_int_equal(rp_store_activity_get(f->s, &f->ar, &gg, f->a.id, ids[1]), 0);
  assert_string_equal(gg.body, "moved");
  assert_string_equal(gg.contact_id, c1.id);

  assert_int_equal(rp_store_activity_delete(f->s, f->b.id, ids[1]), RP_ENOTFOUND);
  assert_int_equal(rp_store_activity_delete(f->s, f->a.id, ids[1]), 0);
  assert_int_equal(rp_store_activity_delete(f->s, f->a.id, ids[1]), RP_ENOTFOUND);
  assert_int_equal(rp_store_activity_last_two_way(f->s, f->a.id, c1.id, T0 + 200000, &last), 0);
  assert_int_equal(last, T0 + 12 * 60);
}

static void test_store_M3_history_oldest_first(void **state) {
  fx *f = *state;
  rp_contact c = person(&f->a, "His", "Tory", T0);
  create(f, &c);
  const char *fields[] = {"status", "stage", "category", "type"};
  for (int i = 0; i < 4; i++) {
    rp_history h = {.field = fields[i],
                    .from = "a",
                    .to = "b",
                    .rule = i ? "S2" : "L1",
                    .actor = i == 3 ? f->ua.id : NULL,
                    .at = i < 2 ? T0 : T0 - 10};
    memcpy(h.contact_id, c.id, RP_ID_LEN);
    assert_int_equal(rp_store_history_add(f->s, f->a.id, &h), 0);
  }
  rp_history *items;
  size_t n;
  assert_int_equal(rp_store_history_list(f->s, &f->ar, f->a.id, c.id, &items, &n), 0);
  assert_int_equal(n, 4);
  /* by time, then in the order written */
  assert_string_equal(items[0].field, "category");
  assert_string_equal(items[1].field, "type");
  assert_string_equal(items[1].actor, f->ua.id);
  assert_string_equal(items[2].field, "status");
  assert_string_equal(items[2].rule, "L1");
  assert_null(items[2].actor);
  assert_string_equal(items[3].field, "stage");
  assert_int_equal(rp_store_history_list(f->s, &f->ar, f->b.id, c.id, &items, &n), 0);
  assert_int_equal(n, 0);
}

/* ---- transactions ---- */

static void test_store_transactions(void **state) {
  fx *f = *state;
  rp_store_rollback(f->s); /* nothing open: no-op */
  assert_int_equal(rp_store_begin(f->s, true), 0);
  rp_contact c = person(&f->a, "Roll", "Back", T0);
  create(f, &c);
  rp_store_rollback(f->s);
  rp_contact out;
  assert_int_equal(rp_store_contact_get(f->s, &f->ar, &out, f->a.id, c.id), RP_ENOTFOUND);

  assert_int_equal(rp_store_begin(f->s, false), 0);
  rp_contact k = person(&f->a, "Com", "Mit", T0);
  create(f, &k);
  /* a failed write inside the transaction leaves nothing half-done, and the
   * transaction goes on */
  rp_contact dup = person(&f->a, "Dup", "Licate", T0);
  const char *tags[] = {"dup"};
  dup.tags = tags;
  dup.n_tags = 1;
  memcpy(dup.id, k.id, RP_ID_LEN);
  assert_int_equal(rp_store_contact_create(f->s, &dup), RP_ECONFLICT);
  assert_int_equal(rp_store_commit(f->s), 0);
  assert_string_equal(get(f, f->a.id, k.id)->last_name, "Mit");
  rp_contact_query q = query(&f->a);
  q.tag = "dup";
  assert_int_equal(list_count(f, &q, NULL), 0);
  q.tag = NULL;
  q.q = "licate";
  assert_int_equal(list_count(f, &q, NULL), 0);
  assert_int_equal(rp_store_commit(f->s), RP_EINTERNAL); /* none open */
}

/* WAL: a second connection (another server thread) reads while the first
 * writes, and sees the write once committed. */
static void test_store_second_connection_reads_committed(void **state) {
  fx *f = *state;
  rp_store *s2 = NULL;
  assert_int_equal(rp_store_open(&s2, f->path), 0);
  assert_int_equal(rp_store_begin(f->s, true), 0);
  rp_contact c = person(&f->a, "Two", "Threads", T0);
  create(f, &c);
  rp_contact out;
  assert_int_equal(rp_store_contact_get(s2, &f->ar, &out, f->a.id, c.id), RP_ENOTFOUND);
  assert_int_equal(rp_store_commit(f->s), 0);
  assert_int_equal(rp_store_contact_get(s2, &f->ar, &out, f->a.id, c.id), 0);
  assert_string_equal(out.last_name, "Threads");
  rp_store_close(s2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_store_migrations_idempotent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_accounts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_users, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_tokens_and_login_failures, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_contact_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_contact_update_version_conflict, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_account_isolation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_list_filters, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_list_every_sort_paginates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_list_walk_and_drive_agree, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_list_name_sort_folds_case_and_accents, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_store_list_bad_cursor, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_search_text, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_search_phone, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_C1_referral_count_exact, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_purge_removes_everything, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_activities, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_M3_history_oldest_first, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_transactions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_second_connection_reads_committed, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
