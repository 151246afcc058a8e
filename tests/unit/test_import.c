/* test_import.c: the import's in-memory creation of contacts
 * (jobs/lifecycle.h settle_new) gives the database the same contacts,
 * emails, phones, tags, history rows (L1, L2, L3 and the S-rules with
 * their causes, the "manual" rows of given fields), search entries,
 * versions, derived fields and scores as creating each contact as POST
 * /contacts does (written, read back, rewritten): the same CSV (or vCard)
 * file is imported both ways, in small batches, into two databases that
 * are then compared row by row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/contact.h"
#include "jobs/import.h"
#include "store/store.h"
#include "temp_db.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

#define NOW 1790000000LL /* 2026-09-21 */
#define DAY 86400LL

typedef struct side {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_account acct;
  rp_user user;
} side;

static void side_open(side *d, const char *settings_json) {
  assert_int_equal(rp_test_db_open(d->path, "rapport-test-import", &d->s), 0);
  d->acct = (rp_account){.name = "Import Test Realty",
                         .default_region = "US",
                         .settings_json = settings_json,
                         .created_at = NOW - 400 * DAY};
  assert_int_equal(rp_store_account_create(d->s, &d->acct), 0);
  d->user = (rp_user){.email = "owner@example.com",
                      .name = "Olive Owner",
                      .role = RP_ROLE_OWNER,
                      .password_hash = "x",
                      .created_at = NOW - 400 * DAY,
                      .updated_at = NOW - 400 * DAY};
  memcpy(d->user.account_id, d->acct.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(d->s, &d->user), 0);
  /* a client of before the import, who sold a house: the account has
   * revenue (SCORING.md lifetime_value), and the file has rows that merge
   * into her */
  rp_arena ar = {0};
  rp_email em = {.address = "p5@example.com"};
  rp_contact c = {.first_name = "Sam",
                  .last_name = "Seller",
                  .display_name = "Sam Seller",
                  .emails = &em,
                  .n_emails = 1,
                  .status = RP_STATUS_CLIENT,
                  .stage = RP_STAGE_TRUST,
                  .custom_json = "{}",
                  .created_at = NOW - 300 * DAY,
                  .updated_at = NOW - 300 * DAY};
  memcpy(c.account_id, d->acct.id, RP_ID_LEN);
  assert_int_equal(rp_store_contact_create(d->s, &c), 0);
  rp_deal_party party = {.role = RP_DEAL_SELLER};
  memcpy(party.contact_id, c.id, RP_ID_LEN);
  char day[11];
  rp_property p = {.status = RP_PROP_CLOSED,
                   .has_commission = true,
                   .commission = 12000,
                   .close_date = rp_arena_strdup(&ar, rp_date_format(NOW - 30 * DAY, day)),
                   .contacts = &party,
                   .n_contacts = 1,
                   .created_at = NOW - 90 * DAY,
                   .updated_at = NOW - 30 * DAY};
  memcpy(p.account_id, d->acct.id, RP_ID_LEN);
  assert_int_equal(rp_store_property_create(d->s, &p), 0);
  rp_arena_free(&ar);
}

static void side_close(side *d) { rp_store_close(d->s); }

/* Imports csv in batches of at most 1 ms (several commits); returns the
 * counts. */
static rp_import_counts import_as(side *d, rp_import_format f, const char *csv, rp_on_duplicate dup,
                                  rp_time now, bool reread) {
  rp_import_opts o = {.store = d->s,
                      .account_id = d->acct.id,
                      .user_id = d->user.id,
                      .format = f,
                      .on_duplicate = dup,
                      .data = csv,
                      .len = strlen(csv),
                      .now = now,
                      .batch_ms = 1,
                      .reread_new = reread};
  rp_import_counts c;
  int rc = rp_import_run(&o, &c);
  if (rc) fail_msg("import: %s", rp_error_last()->message);
  return c;
}

static rp_import_counts import(side *d, const char *csv, rp_on_duplicate dup, rp_time now,
                               bool reread) {
  return import_as(d, RP_IMPORT_CSV, csv, dup, now, reread);
}

/* A CSV of n rows that reaches every rule of creation: buyer and seller
 * tags (L2), needs with a timeframe (L3), given status, stage, category
 * and type ("manual" rows), contact intervals (overdue dates), custom
 * columns, notes for the search index, bad rows (an error by line) and
 * duplicates of earlier rows by email or phone (merged or skipped). */
static char *make_csv(int n, int salt) {
  static const char *const tags[] = {"", "buyer", "seller", "sphere", "buyer, investor", "vip"};
  static const char *const statuses[] = {"", "lead", "prospect", "client", "suspect"};
  static const char *const stages[] = {"", "aware", "know", "like", "trust"};
  rp_sb sb = {0};
  rp_sb_puts(&sb, "First Name,Last Name,Email,Phone,Company,Tags,Status,Stage,Category,Type,"
                  "Intent,Timeframe,Budget,Contact Interval Days,Known Since,Favorite Color,"
                  "Notes\r\n");
  for (int i = 0; i < n; i++) {
    int k = i * 7 + salt;
    int dup = i > 10 && i % 23 == 0 ? i - 10 : -1;
    if (i % 97 == 50) { /* a bad row: an email that is none */
      rp_sb_printf(&sb, "Bad,Row%d,not-an-email,,,,,,,,,,,,,,\r\n", i);
      continue;
    }
    rp_sb_printf(&sb, "Ann%d,Núñez%d,", i, i % 13);
    if (dup >= 0 && i % 2)
      rp_sb_printf(&sb, "P%d@Example.com,", dup); /* the same email, other case */
    else if (i % 9 == 4)
      rp_sb_puts(&sb, ",");
    else
      rp_sb_printf(&sb, "p%d@example.com,", i);
    if (dup >= 0 && !(i % 2))
      rp_sb_printf(&sb, "(201) 555-%04d,", 1000 + dup);
    else if (i % 3)
      rp_sb_printf(&sb, "(201) 555-%04d,", 1000 + i);
    else
      rp_sb_puts(&sb, ",");
    rp_sb_printf(&sb, "%s,", i % 5 == 1 ? "Acme Homes" : "");
    const char *t = tags[k % 6];
    rp_sb_printf(&sb, strchr(t, ',') ? "\"%s\"," : "%s,", t);
    rp_sb_printf(&sb, "%s,%s,", i % 11 == 3 ? statuses[1 + k % 4] : "",
                 i % 13 == 5 ? stages[1 + k % 4] : "");
    rp_sb_printf(&sb, "%s,%s,", i % 17 == 2 ? "b" : "", i % 19 == 7 ? "vendor" : "");
    rp_sb_printf(&sb, "%s,%s,",
                 i % 5 == 2   ? "buy"
                 : i % 5 == 3 ? "sell"
                              : "",
                 i % 10 == 2 ? "2027-03-01" : "");
    rp_sb_printf(&sb, "%s,", i % 8 == 1 ? "450000" : "");
    rp_sb_printf(&sb, "%s,", i % 4 == 0 ? "30" : i % 4 == 1 ? "" : "90");
    rp_sb_printf(&sb, "%s,", i % 6 == 0 ? "2019-05-04" : "");
    rp_sb_printf(&sb, "%s,", i % 7 == 0 ? "green" : "");
    rp_sb_puts(&sb,
               i % 3 == 0 ? "\"Met at the open house, wants a yard\nthen a pool\"\r\n" : "\r\n");
  }
  return rp_sb_take(&sb);
}

/* ---- comparing two databases ---- */

static int64_t count_of(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

/* q with every '@' replaced by schema and a dot. */
static char *in_schema(const char *q, const char *schema) {
  rp_sb sb = {0};
  for (const char *p = q; *p; p++)
    if (*p == '@')
      rp_sb_printf(&sb, "%s.", schema);
    else
      rp_sb_putc(&sb, *p);
  return rp_sb_take(&sb);
}

/* The rows of query q (its tables written @name) are the same multiset
 * in main and in b, and there are at least `min` of them. */
static void same_rows(sqlite3 *db, const char *q, int64_t min) {
  char *a = in_schema(q, "main"), *b = in_schema(q, "b");
  size_t n = strlen(a) + strlen(b) + 200;
  char *sql = malloc(n);
  snprintf(sql, n, "SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))", a, b);
  int64_t only_a = count_of(db, sql);
  snprintf(sql, n, "SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))", b, a);
  int64_t only_b = count_of(db, sql);
  snprintf(sql, n, "SELECT count(*) FROM (%s)", a);
  int64_t rows_a = count_of(db, sql);
  snprintf(sql, n, "SELECT count(*) FROM (%s)", b);
  int64_t rows_b = count_of(db, sql);
  if (only_a || only_b || rows_a != rows_b || rows_a < min)
    fail_msg("%s: %lld rows only in the in-memory import, %lld only in the other; %lld vs %lld", q,
             (long long)only_a, (long long)only_b, (long long)rows_a, (long long)rows_b);
  free(sql);
  free(a);
  free(b);
}

/* Every column of contacts but the ids (new ones each run): the contacts
 * of both imports are created in the same order, so seq pairs them. */
static char *contact_columns(sqlite3 *db) {
  rp_sb sb = {0};
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA table_info(contacts)", -1, &st, NULL), SQLITE_OK);
  rp_sb_puts(&sb, "SELECT ");
  bool first = true;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *col = (const char *)sqlite3_column_text(st, 1);
    if (!strcmp(col, "id") || !strcmp(col, "account_id")) continue;
    if (!strcmp(col, "owner_id") || !strcmp(col, "referred_by"))
      rp_sb_printf(&sb, "%s%s IS NULL", first ? "" : ", ", col);
    else
      rp_sb_printf(&sb, "%s%s", first ? "" : ", ", col);
    first = false;
  }
  sqlite3_finalize(st);
  rp_sb_puts(&sb, " FROM @contacts");
  return rp_sb_take(&sb);
}

static void assert_same(const char *path_a, const char *path_b, int64_t contacts, bool all_rules) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path_a, &db), SQLITE_OK);
  char attach[RP_TEST_DB_PATH_MAX + 32];
  snprintf(attach, sizeof attach, "ATTACH '%s' AS b", path_b);
  assert_int_equal(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
  char *cols = contact_columns(db);
  same_rows(db, cols, contacts);
  free(cols);
  /* the kept scores and the list's filter columns (011_contact_scores.sql) */
  same_rows(db,
            "SELECT s.seq, c.seq, s.score, s.archived, s.status, s.stage, s.category, s.type,"
            " s.owner_id IS NULL FROM @contact_scores s JOIN @contacts c ON c.id = s.contact_id",
            contacts);
  same_rows(db,
            "SELECT h.seq, c.seq, h.field, h.from_value, h.to_value, h.rule, h.actor IS NULL, h.at"
            " FROM @history h JOIN @contacts c ON c.id = h.contact_id",
            contacts);
  same_rows(db,
            "SELECT c.seq, e.address_key FROM @contact_emails e JOIN @contacts c"
            " ON c.id = e.contact_id",
            contacts / 2);
  same_rows(db,
            "SELECT c.seq, p.number FROM @contact_phones p JOIN @contacts c ON c.id = p.contact_id",
            contacts / 2);
  same_rows(db, "SELECT c.seq, t.tag FROM @contact_tags t JOIN @contacts c ON c.id = t.contact_id",
            contacts / 2);
  same_rows(db, "SELECT rowid, names, emails, phones, company, notes, tags FROM @contacts_fts",
            contacts);
  /* the search index itself answers the same */
  same_rows(db, "SELECT rowid FROM @contacts_fts WHERE contacts_fts MATCH 'acme OR buyer OR yard'",
            10);
  same_rows(db, "SELECT count(*) FROM @alerts", 1);
  assert_int_equal(sqlite3_exec(db,
                                "INSERT INTO main.contacts_fts (contacts_fts) VALUES "
                                "('integrity-check');"
                                "INSERT INTO b.contacts_fts (contacts_fts) VALUES "
                                "('integrity-check')",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  /* the file reached every rule this test is about */
  static const char *const reached[] = {
      "SELECT count(*) FROM history WHERE rule = 'L1'",
      "SELECT count(*) FROM history WHERE rule = 'L2'",
      "SELECT count(*) FROM history WHERE rule = 'L3'",
      "SELECT count(*) FROM history WHERE rule = 'manual' AND field = 'category'",
      "SELECT count(*) FROM history WHERE rule = 'manual' AND field = 'type'",
      "SELECT count(*) FROM history WHERE rule = 'manual' AND field = 'status'",
      "SELECT count(*) FROM history WHERE rule LIKE 'S%'",
      "SELECT count(*) FROM contacts WHERE version > 1",
      "SELECT count(*) FROM contacts WHERE overdue_at IS NOT NULL",
      "SELECT count(*) FROM contacts WHERE overdue_at IS NULL",
      "SELECT count(DISTINCT score) FROM contact_scores",
  };
  for (size_t i = 0; all_rules && i < sizeof reached / sizeof reached[0]; i++)
    if (count_of(db, reached[i]) < 2) fail_msg("not reached: %s", reached[i]);
  sqlite3_close(db);
}

/* ---- tests ---- */

static void both_ways(const char *settings_json, rp_on_duplicate dup) {
  side a = {0}, b = {0};
  side_open(&a, settings_json);
  side_open(&b, settings_json);
  char *first = make_csv(600, 0), *second = make_csv(300, 3);
  rp_import_counts ca = import(&a, first, dup, NOW, false);
  rp_import_counts cb = import(&b, first, dup, NOW, true);
  assert_memory_equal(&ca, &cb, sizeof ca);
  assert_true(ca.created > 400);
  assert_int_equal(ca.errors, 6);
  if (dup == RP_ONDUP_MERGE) assert_true(ca.merged > 10);
  if (dup == RP_ONDUP_SKIP) assert_true(ca.skipped > 10);
  /* a second file a day later: its rows meet the first's */
  ca = import(&a, second, dup, NOW + DAY, false);
  cb = import(&b, second, dup, NOW + DAY, true);
  assert_memory_equal(&ca, &cb, sizeof ca);
  assert_true(dup == RP_ONDUP_CREATE || ca.merged + ca.skipped > 200);
  side_close(&a); /* committed: compared through other connections */
  side_close(&b);
  assert_same(a.path, b.path, 400, true);
  rp_test_db_remove(a.path);
  rp_test_db_remove(b.path);
  free(first);
  free(second);
}

static void test_settled_merge(void **state) {
  (void)state;
  both_ways("{}", RP_ONDUP_MERGE);
}

static void test_settled_skip(void **state) {
  (void)state;
  both_ways("{}", RP_ONDUP_SKIP);
}

static void test_settled_create(void **state) {
  (void)state;
  both_ways("{}", RP_ONDUP_CREATE);
}

/* vCards go the same way (no lifecycle columns there: L1, L2 and the
 * S-rules only). */
static void test_settled_vcard(void **state) {
  (void)state;
  side a = {0}, b = {0};
  side_open(&a, "{}");
  side_open(&b, "{}");
  rp_sb sb = {0};
  for (int i = 0; i < 120; i++) {
    rp_sb_printf(&sb, "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Núñez%d;Ann%d;;;\r\nFN:Ann%d Núñez%d\r\n", i,
                 i, i, i);
    rp_sb_printf(&sb, "EMAIL;TYPE=home:p%d@example.com\r\n", i % 50 == 7 ? 3 : i);
    if (i % 3) rp_sb_printf(&sb, "TEL;TYPE=cell:(201) 555-%04d\r\n", 2000 + i);
    if (i % 4 == 1) rp_sb_puts(&sb, "CATEGORIES:buyer,sphere\r\n");
    if (i % 4 == 2) rp_sb_puts(&sb, "CATEGORIES:seller\r\n");
    if (i % 5 == 0) rp_sb_puts(&sb, "ORG:Acme Homes\r\nNOTE:Met at the open house\r\n");
    rp_sb_puts(&sb, "END:VCARD\r\n");
  }
  char *vcf = rp_sb_take(&sb);
  rp_import_counts ca = import_as(&a, RP_IMPORT_VCARD, vcf, RP_ONDUP_MERGE, NOW, false);
  rp_import_counts cb = import_as(&b, RP_IMPORT_VCARD, vcf, RP_ONDUP_MERGE, NOW, true);
  assert_memory_equal(&ca, &cb, sizeof ca);
  assert_true(ca.created > 100 && ca.merged >= 2);
  side_close(&a);
  side_close(&b);
  assert_same(a.path, b.path, 100, false);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(a.path, &db), SQLITE_OK);
  assert_true(count_of(db, "SELECT count(*) FROM history WHERE rule = 'L2'") > 10);
  sqlite3_close(db);
  rp_test_db_remove(a.path);
  rp_test_db_remove(b.path);
  free(vcf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_settled_merge),
      cmocka_unit_test(test_settled_skip),
      cmocka_unit_test(test_settled_create),
      cmocka_unit_test(test_settled_vcard),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
