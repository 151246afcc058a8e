/* test_store_score.c: the score's side of the SQLite store (store.h "score,
 * score history, alerts, rFactor" and "dashboard counts"; 003_score.sql)
 * against a real database file in /tmp: the full scan (order, grouping,
 * ranges, archived contacts, history, decoded activities, counted details),
 * the split, revenue and referrals at T (SCORING.md lifetime_value and
 * DOMAIN.md C1 as of T) and their agreement with the closed-deal list the
 * full rescore reads, score history change points, alerts (A2-A4 storage,
 * the reach-out list), daily claims and stats, rFactor calibration and
 * history, score bands, dashboard counts, and what purge and merge do to
 * the new rows. */
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
#include <sqlite3.h>

#include "store/store_internal.h" /* rp_migrations */
#include "store/store.h"
#include "temp_db.h"
#include "util/error.h"
#include "util/password.h"

typedef struct {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_arena ar;
  rp_account a, b;   /* two accounts */
  rp_user ua, agent; /* the owner of a, an agent of a */
} fx;

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define DAY 86400

static int setup(void **state) {
  rp_crypto_init();
  fx *f = calloc(1, sizeof *f);
  assert_int_equal(rp_test_db_open(f->path, "rapport-test-score", &f->s), 0);
  f->a = (rp_account){.name = "Alpha Realty", .created_at = T0};
  f->b = (rp_account){.name = "Beta Homes", .created_at = T0 + 1};
  assert_int_equal(rp_store_account_create(f->s, &f->a), 0);
  assert_int_equal(rp_store_account_create(f->s, &f->b), 0);
  f->ua = (rp_user){
      .email = "owner@alpha.example", .role = RP_ROLE_OWNER, .created_at = T0, .updated_at = T0};
  memcpy(f->ua.account_id, f->a.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(f->s, &f->ua), 0);
  f->agent = (rp_user){
      .email = "agent@alpha.example", .role = RP_ROLE_AGENT, .created_at = T0, .updated_at = T0};
  memcpy(f->agent.account_id, f->a.id, RP_ID_LEN);
  assert_int_equal(rp_store_user_create(f->s, &f->agent), 0);
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

/* A live contact of acc named `name`, created at t. */
static rp_contact person(const rp_account *acc, const char *name, rp_time t) {
  rp_contact c = {0};
  memcpy(c.account_id, acc->id, RP_ID_LEN);
  c.first_name = name;
  c.display_name = name;
  c.status = RP_STATUS_SUSPECT;
  c.stage = RP_STAGE_AWARE;
  c.type = RP_TYPE_CLIENT;
  c.custom_json = "{}";
  c.created_at = t;
  c.updated_at = t;
  return c;
}

static void create(fx *f, rp_contact *c) {
  if (rp_store_contact_create(f->s, c)) fail_msg("create: %s", rp_error_last()->message);
}

static void activity(fx *f, const rp_contact *c, rp_activity_kind kind, rp_direction dir,
                     rp_time at, int64_t duration, rp_importance imp) {
  rp_activity a = {.kind = kind,
                   .direction = dir,
                   .occurred_at = at,
                   .duration_s = duration,
                   .importance = imp,
                   .created_at = at,
                   .updated_at = at};
  memcpy(a.account_id, c->account_id, RP_ID_LEN);
  memcpy(a.contact_id, c->id, RP_ID_LEN);
  if (rp_store_activity_create(f->s, &a, false)) fail_msg("activity: %s", rp_error_last()->message);
}

static void history(fx *f, const rp_contact *c, const char *field, const char *from, const char *to,
                    rp_time at) {
  rp_history h = {.field = field, .from = from, .to = to, .rule = "manual", .at = at};
  memcpy(h.contact_id, c->id, RP_ID_LEN);
  if (rp_store_history_add(f->s, c->account_id, &h))
    fail_msg("history: %s", rp_error_last()->message);
}

/* ---- the full scan ---- */

typedef struct {
  size_t n;
  char ids[16][RP_ID_LEN];
  size_t n_acts[16];
  rp_score_activity acts[16][8];
  size_t n_hist[16];
  char hist_to[16][4][16];
  int n_custom[16];
  size_t n_emails[16], n_phones[16], n_social[16];
  rp_score_details details[16];
  rp_time archived_at[16];
  int stop_after; /* 0: never */
} seen;

static int collect(void *ctx, const rp_score_row *r) {
  seen *v = ctx;
  size_t i = v->n++;
  assert_true(i < 16);
  snprintf(v->ids[i], RP_ID_LEN, "%s", r->contact.id);
  v->n_acts[i] = r->n_acts;
  for (size_t k = 0; k < r->n_acts && k < 8; k++)
    v->acts[i][k] = r->acts[k];
  v->n_hist[i] = r->n_history;
  for (size_t k = 0; k < r->n_history && k < 4; k++)
    snprintf(v->hist_to[i][k], 16, "%s", r->history[k].to ? r->history[k].to : "");
  v->n_custom[i] = r->n_custom;
  v->n_emails[i] = r->contact.n_emails;
  v->n_phones[i] = r->contact.n_phones;
  v->n_social[i] = r->contact.n_social;
  v->details[i] = rp_score_details_from(&r->contact, r->n_custom);
  v->archived_at[i] = r->contact.archived_at;
  if (v->stop_after && (int)v->n == v->stop_after) return 42;
  return 0;
}

static int id_cmp(const void *a, const void *b) { return strcmp(a, b); }

static void test_store_scan_order_grouping_and_ranges(void **state) {
  fx *f = *state;
  rp_contact c[4] = {person(&f->a, "Ann", T0), person(&f->a, "Ben", T0), person(&f->a, "Cal", T0),
                     person(&f->a, "Dee", T0)};
  for (int i = 0; i < 4; i++)
    create(f, &c[i]);
  rp_contact other = person(&f->b, "Other", T0); /* another account: never scanned */
  create(f, &other);
  activity(f, &other, RP_KIND_EMAIL, RP_DIR_INBOUND, T0, -1, RP_IMPORTANCE_NORMAL);
  /* the scan is in id order: sort the contacts by id */
  char sorted[4][RP_ID_LEN];
  for (int i = 0; i < 4; i++)
    memcpy(sorted[i], c[i].id, RP_ID_LEN);
  qsort(sorted, 4, RP_ID_LEN, id_cmp);
  const rp_contact *by[4];
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 4; k++)
      if (!strcmp(sorted[i], c[k].id)) by[i] = &c[k];
  /* activities for the first and third (written out of time order), none
   * for the second, the fourth archived with one */
  activity(f, by[0], RP_KIND_CALL, RP_DIR_OUTBOUND, T0 + 300, 90, RP_IMPORTANCE_HIGH);
  activity(f, by[0], RP_KIND_EMAIL, RP_DIR_INBOUND, T0 + 100, -1, RP_IMPORTANCE_NORMAL);
  activity(f, by[0], RP_KIND_MEETING, RP_DIR_NONE, T0 + 200, -1, RP_IMPORTANCE_NORMAL);
  activity(f, by[2], RP_KIND_SMS, RP_DIR_OUTBOUND, T0 + 50, -1, RP_IMPORTANCE_NORMAL);
  activity(f, by[3], RP_KIND_PARTY, RP_DIR_NONE, T0 + 60, -1, RP_IMPORTANCE_NORMAL);
  history(f, by[2], "status", "suspect", "prospect", T0 + 10);
  history(f, by[2], "stage", "aware", "know", T0 + 10);
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, by[3]->id, T0 + 1000), 0);

  seen v = {0};
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, NULL, NULL, false, collect, &v), 0);
  assert_int_equal(v.n, 4); /* no contact of account b; the archived one is in */
  for (int i = 0; i < 4; i++)
    assert_string_equal(v.ids[i], sorted[i]);
  assert_int_equal(v.n_acts[0], 3);
  assert_int_equal(v.acts[0][0].occurred_at, T0 + 100); /* time order */
  assert_int_equal(v.acts[0][1].occurred_at, T0 + 200);
  assert_int_equal(v.acts[0][2].occurred_at, T0 + 300);
  assert_int_equal(v.n_acts[1], 0);
  assert_int_equal(v.n_acts[2], 1);
  assert_int_equal(v.acts[2][0].kind, RP_KIND_SMS);
  assert_int_equal(v.n_acts[3], 1);
  assert_int_equal(v.archived_at[3], T0 + 1000);
  assert_int_equal(v.n_hist[2], 0); /* not asked for */

  /* with history: the rows of each contact, oldest first */
  memset(&v, 0, sizeof v);
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, NULL, NULL, true, collect, &v), 0);
  assert_int_equal(v.n, 4);
  assert_int_equal(v.n_hist[0], 0);
  assert_int_equal(v.n_hist[2], 2);
  assert_string_equal(v.hist_to[2][0], "prospect");
  assert_string_equal(v.hist_to[2][1], "know");
  assert_int_equal(v.n_acts[2], 1);

  /* [second, fourth): the second and the third */
  memset(&v, 0, sizeof v);
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, sorted[1], sorted[3], false, collect, &v), 0);
  assert_int_equal(v.n, 2);
  assert_string_equal(v.ids[0], sorted[1]);
  assert_string_equal(v.ids[1], sorted[2]);
  assert_int_equal(v.n_acts[0], 0);
  assert_int_equal(v.n_acts[1], 1);
  /* [third, open end) */
  memset(&v, 0, sizeof v);
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, sorted[2], NULL, false, collect, &v), 0);
  assert_int_equal(v.n, 2);
  assert_string_equal(v.ids[0], sorted[2]);
  /* (open start, second) */
  memset(&v, 0, sizeof v);
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, NULL, sorted[1], false, collect, &v), 0);
  assert_int_equal(v.n, 1);
  assert_int_equal(v.n_acts[0], 3);

  /* the callback's value stops the scan and is returned */
  memset(&v, 0, sizeof v);
  v.stop_after = 2;
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, NULL, NULL, false, collect, &v), 42);
  assert_int_equal(v.n, 2);
  /* a bound that is no id */
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, "nope", NULL, false, collect, &v),
                   RP_EINVALID_VALUE);
}

static void test_store_scan_decodes_activities(void **state) {
  fx *f = *state;
  rp_contact c = person(&f->a, "Dana", T0);
  create(f, &c);
  static const rp_activity_kind kinds[] = {
      RP_KIND_EMAIL, RP_KIND_SMS,   RP_KIND_CALL, RP_KIND_SOCIAL, RP_KIND_MEETING, RP_KIND_VISIT,
      RP_KIND_MEAL,  RP_KIND_PARTY, RP_KIND_CARD, RP_KIND_NOTE,   RP_KIND_WEB};
  size_t nk = sizeof kinds / sizeof kinds[0];
  for (size_t i = 0; i < nk; i++)
    activity(f, &c, kinds[i], (rp_direction)(i % 3), T0 + (rp_time)i * 60,
             i == 2   ? 45
             : i == 4 ? 3600
                      : -1,
             i % 2 ? RP_IMPORTANCE_HIGH : RP_IMPORTANCE_NORMAL);
  rp_score_activity *acts;
  size_t n;
  assert_int_equal(rp_store_score_activities(f->s, &f->ar, f->a.id, c.id, &acts, &n), 0);
  assert_int_equal(n, nk);
  for (size_t i = 0; i < nk; i++) {
    assert_int_equal(acts[i].occurred_at, T0 + (rp_time)i * 60);
    assert_int_equal(acts[i].kind, kinds[i]);
    assert_int_equal(acts[i].direction, i % 3);
    assert_int_equal(acts[i].importance, i % 2 ? RP_IMPORTANCE_HIGH : RP_IMPORTANCE_NORMAL);
    assert_int_equal(acts[i].duration_s, i == 2 ? 45 : i == 4 ? 3600 : -1);
  }
  /* the scan decodes the same */
  seen v = {0};
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, NULL, NULL, false, collect, &v), 0);
  assert_int_equal(v.n, 1);
  assert_int_equal(v.n_acts[0], nk);
  for (size_t i = 0; i < 8; i++)
    assert_memory_equal(&v.acts[0][i].occurred_at, &acts[i].occurred_at, sizeof(rp_time));
  assert_int_equal(v.acts[0][3].kind, RP_KIND_SOCIAL);
  /* a contact without activities, and one of another account */
  rp_contact d = person(&f->a, "Empty", T0);
  create(f, &d);
  assert_int_equal(rp_store_score_activities(f->s, &f->ar, f->a.id, d.id, &acts, &n), 0);
  assert_int_equal(n, 0);
  assert_null(acts);
  assert_int_equal(rp_store_score_activities(f->s, &f->ar, f->b.id, c.id, &acts, &n), 0);
  assert_int_equal(n, 0);

  /* an edit of the kind, direction and importance is what the score reads
   * next (the update writes score_code too) */
  rp_activity a = {.kind = RP_KIND_NOTE,
                   .direction = RP_DIR_NONE,
                   .occurred_at = T0,
                   .duration_s = -1,
                   .importance = RP_IMPORTANCE_NORMAL,
                   .created_at = T0,
                   .updated_at = T0};
  memcpy(a.account_id, d.account_id, RP_ID_LEN);
  memcpy(a.contact_id, d.id, RP_ID_LEN);
  assert_int_equal(rp_store_activity_create(f->s, &a, false), 0);
  a.kind = RP_KIND_CALL;
  a.direction = RP_DIR_INBOUND;
  a.importance = RP_IMPORTANCE_HIGH;
  a.duration_s = 600;
  a.updated_at = T0 + 1;
  assert_int_equal(rp_store_activity_update(f->s, &a, true), 0);
  assert_int_equal(rp_store_score_activities(f->s, &f->ar, f->a.id, d.id, &acts, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(acts[0].kind, RP_KIND_CALL);
  assert_int_equal(acts[0].direction, RP_DIR_INBOUND);
  assert_int_equal(acts[0].importance, RP_IMPORTANCE_HIGH);
  assert_int_equal(acts[0].duration_s, 600);
}

/* SCORING.md details x: the scan's counted lists and custom fields give
 * the same details as the contact read whole. */
static void test_store_scan_details_match_contact(void **state) {
  fx *f = *state;
  rp_email emails[2] = {{"a@x.example", "home"}, {"b@x.example", NULL}};
  rp_phone phones[1] = {{"+15551230000", "mobile"}};
  const char *social[3] = {"https://x.example/a", "https://y.example/b,c", "https://z.example"};
  rp_contact c = person(&f->a, "Full", T0);
  c.emails = emails;
  c.n_emails = 2;
  c.phones = phones;
  c.n_phones = 1;
  c.social = social;
  c.n_social = 3;
  c.has_address = true;
  c.address.city = "Springfield";
  c.company = "Acme";
  c.birthday = "1980-02-03";
  c.pets = "a cat";
  c.intent = RP_INTENT_BUY;
  c.timeframe = "2026-06-01";
  c.has_budget = true;
  c.budget = 500000;
  /* filled: a (a comma inside), d (0), e (false), g (nested); not: b, c */
  c.custom_json = "{\"a\":\"x, \\\"y\\\"\",\"b\":\"\",\"c\":null,\"d\":0,\"e\":false,"
                  "\"g\":{\"h\":\"\"}}";
  create(f, &c);
  rp_contact bare = person(&f->a, "Bare", T0);
  create(f, &bare);

  seen v = {0};
  assert_int_equal(rp_store_score_scan(f->s, f->a.id, NULL, NULL, false, collect, &v), 0);
  assert_int_equal(v.n, 2);
  for (size_t i = 0; i < 2; i++) {
    const rp_contact *want = !strcmp(v.ids[i], c.id) ? &c : &bare;
    rp_contact got;
    assert_int_equal(rp_store_contact_get(f->s, &f->ar, &got, f->a.id, want->id), 0);
    assert_int_equal(v.n_emails[i], got.n_emails);
    assert_int_equal(v.n_phones[i], got.n_phones);
    assert_int_equal(v.n_social[i], got.n_social);
    int filled = want == &c ? 4 : 0;
    assert_int_equal(v.n_custom[i], filled);
    rp_score_details d = rp_score_details_from(&got, filled), s = v.details[i];
    assert_int_equal(s.has_email, d.has_email);
    assert_int_equal(s.has_phone, d.has_phone);
    assert_int_equal(s.has_address, d.has_address);
    assert_int_equal(s.has_company, d.has_company);
    assert_int_equal(s.has_social_or_website, d.has_social_or_website);
    assert_int_equal(s.birthday, d.birthday);
    assert_int_equal(s.pets, d.pets);
    assert_int_equal(s.partner, d.partner);
    assert_int_equal(s.n_custom, d.n_custom);
    assert_int_equal(s.has_intent, d.has_intent);
    assert_int_equal(s.has_timeframe, d.has_timeframe);
    assert_int_equal(s.has_budget, d.has_budget);
  }
  size_t full = !strcmp(v.ids[0], c.id) ? 0 : 1;
  assert_int_equal(v.n_emails[full], 2);
  assert_int_equal(v.n_social[full], 3);
  assert_true(v.details[full].has_email && v.details[full].has_phone &&
              v.details[full].has_address && v.details[full].has_budget);
  assert_false(v.details[1 - full].has_email);
}

/* The scan and the per-contact reads use the covering indexes by contact:
 * one contact's activities (and change history) are one range of an
 * index, no table row read, no sort. */
static void test_store_activity_index_is_covering(void **state) {
  fx *f = *state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  static const char *const queries[] = {
      "SELECT contact_id, occurred_at, duration_s, score_code"
      " FROM activities WHERE account_id = ?1 AND contact_id >= ?2 AND contact_id < ?3"
      " ORDER BY contact_id, occurred_at, id",
      "SELECT occurred_at FROM activities WHERE account_id = ? AND contact_id = ?"
      " AND occurred_at <= ? AND two_way = 1 ORDER BY occurred_at DESC LIMIT 1",
      "SELECT contact_id, field, from_value, to_value, at FROM history"
      " WHERE account_id = ?1 AND contact_id >= ?2 AND contact_id < ?3"
      " ORDER BY contact_id, at, seq",
  };
  static const char *const index[] = {"USING COVERING INDEX activities_contact",
                                      "USING COVERING INDEX activities_contact",
                                      "USING COVERING INDEX history_contact"};
  for (size_t q = 0; q < 3; q++) {
    char sql[512];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", queries[q]);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    bool covering = false, sorts = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *d = (const char *)sqlite3_column_text(st, 3);
      if (strstr(d, index[q])) covering = true;
      if (strstr(d, "TEMP B-TREE")) sorts = true;
    }
    sqlite3_finalize(st);
    assert_true(covering);
    assert_false(sorts);
  }
  sqlite3_close(db);
}

/* The one integer a query of db answers. */
static int64_t one_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* The number of indexes named `name`, as another connection sees the
 * database. */
static int index_count(fx *f, const char *name) {
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                      " AND name = ?",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

/* A bulk rewrite of the derived fields (the first full rescore): the score
 * indexes are gone only inside the writer's transaction, come back at its
 * end (or with a rollback), and the list by score reads the new scores. */
static void test_store_scores_bulk_rewrite(void **state) {
  fx *f = *state;
  rp_contact c[3] = {person(&f->a, "Low", T0), person(&f->a, "Mid", T0), person(&f->a, "High", T0)};
  for (int i = 0; i < 3; i++)
    create(f, &c[i]);
  assert_int_equal(rp_store_scores_bulk_begin(f->s, RP_DERIVED_TOUCH | RP_DERIVED_OVERDUE | RP_DERIVED_SCORE), RP_EINTERNAL); /* not in a transaction */

  assert_int_equal(rp_store_begin(f->s, true), 0);
  assert_int_equal(rp_store_scores_bulk_begin(f->s, RP_DERIVED_TOUCH | RP_DERIVED_OVERDUE | RP_DERIVED_SCORE), 0);
  rp_store_rollback(f->s);
  assert_int_equal(index_count(f, "contact_scores_score"), 1);

  assert_int_equal(rp_store_begin(f->s, true), 0);
  assert_int_equal(rp_store_scores_bulk_begin(f->s, RP_DERIVED_TOUCH | RP_DERIVED_OVERDUE | RP_DERIVED_SCORE), 0);
  assert_int_equal(index_count(f, "contact_scores_score"), 1); /* others see the last commit */
  for (int i = 0; i < 3; i++)
    assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, c[i].id, T0, 0, 10.0 * (i + 1)),
                     0);
  assert_int_equal(rp_store_scores_bulk_end(f->s), 0);
  assert_int_equal(rp_store_commit(f->s), 0);
  assert_int_equal(index_count(f, "contact_scores_score"), 1);
  assert_int_equal(index_count(f, "contacts_touch"), 1);
  assert_int_equal(index_count(f, "contacts_overdue"), 1);

  rp_contact_query q = {.account_id = f->a.id, .sort = RP_SORT_SCORE, .desc = true, .limit = 10};
  rp_contact *items;
  size_t n;
  char *next;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL), 0);
  assert_int_equal(n, 3);
  assert_string_equal(items[0].first_name, "High");
  assert_true(items[0].score == 30.0);
  assert_string_equal(items[2].first_name, "Low");

  /* scores only (a change of the scoring settings): the score index is
   * rebuilt, the last-touch index kept up to date row by row */
  assert_int_equal(rp_store_begin(f->s, true), 0);
  assert_int_equal(rp_store_scores_bulk_begin(f->s, RP_DERIVED_SCORE), 0);
  assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, c[0].id, T0 + 60, 0, 99.0), 0);
  assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, c[2].id, T0, 0, 1.0), 0);
  assert_int_equal(rp_store_scores_bulk_end(f->s), 0);
  assert_int_equal(rp_store_commit(f->s), 0);
  assert_int_equal(index_count(f, "contact_scores_score"), 1);
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL), 0);
  assert_string_equal(items[0].first_name, "Low");
  assert_string_equal(items[2].first_name, "High");
  q.sort = RP_SORT_LAST_TOUCH_AT;
  assert_int_equal(rp_store_contact_list(f->s, &f->ar, &q, &items, &n, &next, NULL), 0);
  assert_string_equal(items[0].first_name, "Low"); /* touched last */
  assert_true(items[0].last_touch_at == T0 + 60);
}

/* A database file at path made by the migrations up to number `upto`
 * (as an older rapport left it), open in *db. */
static void db_at_schema(char path[static RP_TEST_DB_PATH_MAX], const char *name, int upto,
                         sqlite3 **db) {
  const char *tmp = getenv("TMPDIR");
  snprintf(path, RP_TEST_DB_PATH_MAX, "%s/rapport-test-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
           name);
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(sqlite3_open(path, db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(*db,
                                "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY,"
                                " name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  for (const rp_migration *m = rp_migrations; m->sql && m->number <= upto; m++) {
    assert_int_equal(sqlite3_exec(*db, m->sql, NULL, NULL, NULL), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO schema_migrations VALUES (%d, 'm', 0)", m->number);
    assert_int_equal(sqlite3_exec(*db, sql, NULL, NULL, NULL), SQLITE_OK);
  }
}

/* Closes db (made by db_at_schema) and opens its file as the store,
 * which applies the migrations after `upto`. */
static rp_store *migrated(const char *path, sqlite3 *db) {
  sqlite3_close(db);
  rp_store *s;
  int applied = 0;
  assert_int_equal(rp_store_open(&s, path), 0);
  assert_int_equal(rp_store_migrate(s, &applied), 0);
  assert_true(applied >= 1);
  return s;
}

/* 011_contact_scores on a database of schema 10 with scored contacts:
 * the scores move to contact_scores with the list's filter columns, and
 * the list by score, its filters and the contact read give what the old
 * score column held; contacts written after keep their row in step. */
static void test_store_migration_011_moves_scores(void **state) {
  (void)state;
  char path[RP_TEST_DB_PATH_MAX];
  sqlite3 *db;
  db_at_schema(path, "mig11", 10, &db);
  /* account 'a...', contacts c1 (score 20), c2 (archived, 90), c3 (lead, 70) */
  assert_int_equal(
      sqlite3_exec(
          db,
          "INSERT INTO accounts (id, name, created_at) VALUES (zeroblob(16), 'Old', 0);"
          "INSERT INTO contacts (account_id, id, version, display_name, name_key, status, stage,"
          " category, type, intent, score, archived, created_at, updated_at) VALUES"
          " (zeroblob(16), x'00000000000000000000000000000001', 1, 'One', 'one', 'suspect',"
          "  'aware', 'none', 'client', 'none', 20, 0, 0, 0),"
          " (zeroblob(16), x'00000000000000000000000000000002', 1, 'Two', 'two', 'suspect',"
          "  'aware', 'none', 'client', 'none', 90, 1, 0, 0),"
          " (zeroblob(16), x'00000000000000000000000000000003', 1, 'Three', 'three', 'lead',"
          "  'know', 'none', 'client', 'buy', 70, 0, 0, 0)",
          NULL, NULL, NULL),
      SQLITE_OK);
  rp_store *s = migrated(path, db);
  rp_arena ar = {0};
  const char *acct = "00000000-0000-0000-0000-000000000000";
  rp_contact_query q = {.account_id = acct, .sort = RP_SORT_SCORE, .desc = true, .limit = 10};
  rp_contact *items;
  size_t n;
  char *next;
  assert_int_equal(rp_store_contact_list(s, &ar, &q, &items, &n, &next, NULL), 0);
  assert_int_equal(n, 2);
  assert_string_equal(items[0].display_name, "Three");
  assert_true(items[0].score == 70.0);
  assert_string_equal(items[1].display_name, "One");
  assert_true(items[1].score == 20.0);
  q.archived = true;
  int64_t total = 0;
  q.count = true;
  assert_int_equal(rp_store_contact_list(s, &ar, &q, &items, &n, &next, &total), 0);
  assert_int_equal(n, 1);
  assert_int_equal(total, 1);
  assert_true(items[0].score == 90.0);
  q.archived = false;
  q.status_mask = 1u << RP_STATUS_SUSPECT;
  q.has_score_min = true;
  q.score_min = 10;
  assert_int_equal(rp_store_contact_list(s, &ar, &q, &items, &n, &next, &total), 0);
  assert_int_equal(n, 1);
  assert_int_equal(total, 1);
  assert_string_equal(items[0].display_name, "One");

  /* a lifecycle write moves the copied filter columns; a purge the row */
  rp_contact c;
  assert_int_equal(rp_store_contact_get(s, &ar, &c, acct, items[0].id), 0);
  assert_true(c.score == 20.0);
  c.status = RP_STATUS_PROSPECT;
  assert_int_equal(rp_store_contact_set_lifecycle(s, &c), 0);
  assert_int_equal(rp_store_contact_list(s, &ar, &q, &items, &n, &next, &total), 0);
  assert_int_equal(n, 0);
  assert_int_equal(total, 0);
  q.status_mask = 1u << RP_STATUS_PROSPECT;
  assert_int_equal(rp_store_contact_list(s, &ar, &q, &items, &n, &next, &total), 0);
  assert_int_equal(n, 1);
  assert_true(items[0].score == 20.0);
  rp_store_close(s);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  /* the old column is gone */
  assert_int_equal(one_int(db, "SELECT count(*) FROM pragma_table_info('contacts')"
                               " WHERE name = 'score'"),
                   0);
  sqlite3_close(db);
  rp_arena_free(&ar);
  rp_test_db_remove(path);
}

/* 012_activity_score_code on a database of schema 11 with activities of
 * every kind, direction and importance (and texts no rapport writes): the
 * migration's SQL gives each row the code the store's writes give
 * (rp_activity_score_code), so the score reads the same enums as from the
 * texts; an unknown text reads as the enum's _COUNT (counted for nothing). */
static void test_store_migration_012_activity_score_code(void **state) {
  (void)state;
  char path[RP_TEST_DB_PATH_MAX];
  sqlite3 *db;
  db_at_schema(path, "mig12", 11, &db);
  assert_int_equal(
      sqlite3_exec(db,
                   "INSERT INTO accounts (id, name, created_at) VALUES (zeroblob(16), 'Old', 0);"
                   "INSERT INTO contacts (account_id, id, version, display_name, name_key, status,"
                   " stage, category, type, intent, archived, created_at, updated_at) VALUES"
                   " (zeroblob(16), x'00000000000000000000000000000001', 1, 'One', 'one',"
                   "  'suspect', 'aware', 'none', 'client', 'none', 0, 0, 0)",
                   NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_stmt *ins;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "INSERT INTO activities (account_id, id, contact_id, version,"
                                      " kind, direction, occurred_at, importance, two_way,"
                                      " created_at, updated_at) VALUES (zeroblob(16), ?1,"
                                      " x'00000000000000000000000000000001', 1, ?2, ?3, ?4, ?5,"
                                      " 0, 0, 0)",
                                      -1, &ins, NULL),
                   SQLITE_OK);
  /* every combination in time order, then one of unknown texts */
  int n = 0;
  for (int k = 0; k <= RP_KIND_COUNT; k++)
    for (int d = 0; d <= RP_DIR_COUNT; d++)
      for (int i = 0; i <= RP_IMPORTANCE_COUNT; i++) {
        unsigned char id[16] = {0};
        id[14] = (unsigned char)(n >> 8);
        id[15] = (unsigned char)n;
        sqlite3_bind_blob(ins, 1, id, 16, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, k < RP_KIND_COUNT ? rp_kind_name(k) : "telegram", -1,
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, d < RP_DIR_COUNT ? rp_direction_name(d) : "sideways", -1,
                          SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 4, 1000 + n);
        sqlite3_bind_text(ins, 5, i < RP_IMPORTANCE_COUNT ? rp_importance_name(i) : "urgent", -1,
                          SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
        n++;
      }
  sqlite3_finalize(ins);
  rp_store *s = migrated(path, db);
  rp_arena ar = {0};
  rp_score_activity *acts;
  size_t got;
  assert_int_equal(rp_store_score_activities(s, &ar, "00000000-0000-0000-0000-000000000000",
                                             "00000000-0000-0000-0000-000000000001", &acts,
                                             &got),
                   0);
  assert_int_equal(got, (size_t)n);
  n = 0;
  for (int k = 0; k <= RP_KIND_COUNT; k++)
    for (int d = 0; d <= RP_DIR_COUNT; d++)
      for (int i = 0; i <= RP_IMPORTANCE_COUNT; i++) {
        assert_int_equal(acts[n].occurred_at, 1000 + n);
        assert_int_equal(acts[n].kind, k);
        assert_int_equal(acts[n].direction, d);
        assert_int_equal(acts[n].importance, i);
        n++;
      }
  rp_store_close(s);
  /* the stored codes are those the store writes */
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT score_code FROM activities ORDER BY occurred_at",
                                      -1, &st, NULL),
                   SQLITE_OK);
  for (int k = 0; k <= RP_KIND_COUNT; k++)
    for (int d = 0; d <= RP_DIR_COUNT; d++)
      for (int i = 0; i <= RP_IMPORTANCE_COUNT; i++) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), rp_activity_score_code(k, d, i));
      }
  sqlite3_finalize(st);
  /* 013 dropped 012's triggers on SQLite (rapport is its only writer and
   * writes the code itself): a row written without the code behind
   * rapport's back keeps -1, which the score reads as an unknown kind,
   * direction and importance (it counts for nothing) */
  assert_int_equal(
      sqlite3_exec(db,
                   "INSERT INTO activities (account_id, id, contact_id, version, kind, direction,"
                   " occurred_at, importance, two_way, created_at, updated_at) VALUES"
                   " (zeroblob(16), x'ff', x'00000000000000000000000000000001', 1, 'meal', 'none',"
                   " 9000, 'high', 1, 0, 0);",
                   NULL, NULL, NULL),
      SQLITE_OK);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                               " AND name LIKE 'activities_score_code%'"),
                   0);
  sqlite3_close(db);
  assert_int_equal(rp_store_open(&s, path), 0);
  assert_int_equal(rp_store_score_activities(s, &ar, "00000000-0000-0000-0000-000000000000",
                                             "00000000-0000-0000-0000-000000000001", &acts,
                                             &got),
                   0);
  assert_int_equal(got, (size_t)n + 1);
  assert_int_equal(acts[n].occurred_at, 9000);
  assert_int_equal(acts[n].kind, RP_KIND_COUNT);
  assert_int_equal(acts[n].direction, RP_DIR_COUNT);
  assert_int_equal(acts[n].importance, RP_IMPORTANCE_COUNT);
  rp_store_close(s);
  rp_arena_free(&ar);
  rp_test_db_remove(path);
}

/* 013: a new contact's contact_scores row comes from the store with the
 * contact, its score and the list's filter columns as given (a trigger
 * wrote it with score 0 before, moved by the store's next statement). */
static void test_store_new_contact_scores_row(void **state) {
  fx *f = *state;
  rp_contact c = person(&f->a, "Scored", T0);
  c.status = RP_STATUS_LEAD;
  c.stage = RP_STAGE_KNOW;
  c.category = RP_CATEGORY_B;
  c.owner_id = f->agent.id;
  c.score = 37.5;
  create(f, &c);
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  assert_int_equal(
      sqlite3_prepare_v2(db,
                         "SELECT s.score, s.status, s.stage, s.category, s.type, s.archived,"
                         " s.owner_id = c.owner_id, s.seq = c.seq,"
                         " (SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                         "  AND name = 'contacts_scores_insert')"
                         " FROM contacts c JOIN contact_scores s ON s.account_id = c.account_id"
                         " AND s.contact_id = c.id WHERE c.first_name = 'Scored'",
                         -1, &st, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_true(sqlite3_column_double(st, 0) == 37.5);
  assert_string_equal((const char *)sqlite3_column_text(st, 1), "lead");
  assert_string_equal((const char *)sqlite3_column_text(st, 2), "know");
  assert_string_equal((const char *)sqlite3_column_text(st, 3), "b");
  assert_string_equal((const char *)sqlite3_column_text(st, 4), "client");
  assert_int_equal(sqlite3_column_int(st, 5), 0);
  assert_int_equal(sqlite3_column_int(st, 6), 1);
  assert_int_equal(sqlite3_column_int(st, 7), 1);
  assert_int_equal(sqlite3_column_int(st, 8), 0); /* no trigger wrote it */
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
  /* and the store reads the score back with the contact */
  rp_contact got;
  assert_int_equal(rp_store_contact_get(f->s, &f->ar, &got, f->a.id, c.id), 0);
  assert_true(got.score == 37.5);
}

/* The contact_scores row's filter columns as another connection reads
 * them: "status stage category type archived owner" (owner: "agent",
 * "owner" or "-"), for the contact named name. */
static void scores_row(fx *f, const char *name, char *out, size_t cap) {
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  assert_int_equal(
      sqlite3_prepare_v2(db,
                         "SELECT s.status || ' ' || s.stage || ' ' || s.category || ' ' || s.type"
                         " || ' ' || s.archived || ' ' || CASE WHEN s.owner_id IS NULL THEN '-'"
                         " WHEN s.owner_id = (SELECT id FROM users WHERE email = 'agent@alpha.example')"
                         " THEN 'agent' ELSE 'owner' END"
                         " FROM contacts c JOIN contact_scores s ON s.account_id = c.account_id"
                         " AND s.contact_id = c.id WHERE c.first_name = ?",
                         -1, &st, NULL),
      SQLITE_OK);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* 013: with no trigger on SQLite, the store keeps contact_scores' copy of
 * the list's filter columns through every write that moves them: the
 * lifecycle's, an edit (owner included), the archive, and the deletion
 * of the owner. */
static void test_store_contact_scores_copy_follows_writes(void **state) {
  fx *f = *state;
  char row[128];
  rp_contact c = person(&f->a, "Copied", T0);
  create(f, &c);
  scores_row(f, "Copied", row, sizeof row);
  assert_string_equal(row, "suspect aware none client 0 -");
  /* the lifecycle's write */
  c.status = RP_STATUS_LEAD;
  c.stage = RP_STAGE_KNOW;
  c.updated_at = T0 + 1;
  assert_int_equal(rp_store_contact_set_lifecycle(f->s, &c), 0);
  scores_row(f, "Copied", row, sizeof row);
  assert_string_equal(row, "lead know none client 0 -");
  /* an edit: category, type and owner */
  c.category = RP_CATEGORY_A;
  c.type = RP_TYPE_PERSONAL;
  c.owner_id = f->agent.id;
  c.updated_at = T0 + 2;
  assert_int_equal(rp_store_contact_update(f->s, &c), 0);
  scores_row(f, "Copied", row, sizeof row);
  assert_string_equal(row, "lead know a personal 0 agent");
  /* an edit that moves none of them leaves the row as it is */
  c.notes = "a note";
  c.updated_at = T0 + 3;
  assert_int_equal(rp_store_contact_update(f->s, &c), 0);
  scores_row(f, "Copied", row, sizeof row);
  assert_string_equal(row, "lead know a personal 0 agent");
  /* the owner deleted */
  assert_int_equal(rp_store_user_delete(f->s, f->a.id, f->agent.id), 0);
  scores_row(f, "Copied", row, sizeof row);
  assert_string_equal(row, "lead know a personal 0 -");
  /* archived */
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, c.id, T0 + 4), 0);
  scores_row(f, "Copied", row, sizeof row);
  assert_string_equal(row, "lead know a personal 1 -");
}

static void test_store_contact_split(void **state) {
  fx *f = *state;
  char bounds[4][RP_ID_LEN];
  /* no contacts: every range open and empty */
  int64_t count = -1;
  assert_int_equal(rp_store_contact_split(f->s, f->a.id, 3, bounds, &count), 0);
  assert_int_equal(count, 0);
  assert_int_equal(bounds[0][0], 0);
  assert_int_equal(bounds[1][0], 0);
  rp_contact c[10];
  for (int i = 0; i < 10; i++) {
    c[i] = person(&f->a, "C", T0 + i);
    create(f, &c[i]);
  }
  for (int parts = 1; parts <= 5; parts++) {
    count = -1;
    assert_int_equal(rp_store_contact_split(f->s, f->a.id, parts, bounds, &count), 0);
    assert_int_equal(count, 10); /* the contacts the ranges cover */
    size_t total = 0;
    for (int p = 0; p < parts; p++) {
      const char *from = p ? bounds[p - 1] : NULL, *to = p < parts - 1 ? bounds[p] : NULL;
      seen v = {0};
      assert_int_equal(rp_store_score_scan(f->s, f->a.id, from, to, false, collect, &v), 0);
      /* about equal: 10 / parts rounded either way */
      assert_true(v.n >= (size_t)(10 / parts) && v.n <= (size_t)(10 / parts + 1));
      total += v.n;
    }
    assert_int_equal(total, 10); /* each contact in exactly one range */
  }
  assert_int_equal(rp_store_contact_split(f->s, f->a.id, 0, bounds, NULL), RP_EINVALID_VALUE);
}

/* ---- revenue and referrals at T ---- */

static rp_deal_party party(const rp_contact *c, rp_deal_role role) {
  rp_deal_party p = {.role = role};
  memcpy(p.contact_id, c->id, RP_ID_LEN);
  return p;
}

static void property(fx *f, rp_property *p, rp_property_status status, double commission,
                     const char *close_date, rp_deal_party *parties, size_t n) {
  memset(p, 0, sizeof *p);
  memcpy(p->account_id, f->a.id, RP_ID_LEN);
  p->status = status;
  p->has_commission = commission >= 0;
  p->commission = commission;
  p->close_date = close_date;
  p->contacts = parties;
  p->n_contacts = n;
  p->created_at = p->updated_at = T0;
  if (rp_store_property_create(f->s, p)) fail_msg("property: %s", rp_error_last()->message);
}

static void transaction(fx *f, rp_transaction *t, rp_tx_status status, double commission,
                        const char *close_date, const char *property_id, rp_deal_party *parties,
                        size_t n) {
  memset(t, 0, sizeof *t);
  memcpy(t->account_id, f->a.id, RP_ID_LEN);
  t->status = status;
  t->has_commission = commission >= 0;
  t->commission = commission;
  t->close_date = close_date;
  t->property_id = property_id;
  t->contacts = parties;
  t->n_contacts = n;
  t->created_at = t->updated_at = T0;
  if (rp_store_transaction_create(f->s, t)) fail_msg("transaction: %s", rp_error_last()->message);
}

typedef struct {
  rp_contact buyer, seller, referrer, other;
  rp_property p1, p3;
  rp_transaction t1, t2, t4;
  rp_deal_party pp1[1], tp1[3], tp2[1], pp3[1], tp4[1]; /* the deals' parties */
} deals_fx;

/* The buyer (referred by referrer) buys P1 from the seller through T1
 * (both closed: one deal, T1's commission 12000, dated T1's 2025-06-10;
 * the seller is party to both, other is only an "other" party); T2 closed
 * 2025-08-01 with no commission; P3 closes 2026-03-01 (5000, the buyer
 * sells); T4 is open. */
static void deals_setup(fx *f, deals_fx *d) {
  d->referrer = person(&f->a, "Ref", T0 - 400 * DAY);
  create(f, &d->referrer);
  d->buyer = person(&f->a, "Buyer", T0 - 300 * DAY);
  d->buyer.referred_by = d->referrer.id;
  create(f, &d->buyer);
  d->seller = person(&f->a, "Seller", T0 - 300 * DAY);
  create(f, &d->seller);
  d->other = person(&f->a, "Lender", T0 - 300 * DAY);
  create(f, &d->other);
  d->pp1[0] = party(&d->seller, RP_DEAL_SELLER);
  property(f, &d->p1, RP_PROP_CLOSED, 10000, "2025-06-01", d->pp1, 1);
  d->tp1[0] = party(&d->buyer, RP_DEAL_BUYER);
  d->tp1[1] = party(&d->seller, RP_DEAL_SELLER);
  d->tp1[2] = party(&d->other, RP_DEAL_OTHER);
  transaction(f, &d->t1, RP_TX_CLOSED, 12000, "2025-06-10", d->p1.id, d->tp1, 3);
  d->tp2[0] = party(&d->buyer, RP_DEAL_BUYER);
  transaction(f, &d->t2, RP_TX_CLOSED, -1, "2025-08-01", NULL, d->tp2, 1);
  d->pp3[0] = party(&d->buyer, RP_DEAL_SELLER);
  property(f, &d->p3, RP_PROP_CLOSED, 5000, "2026-03-01", d->pp3, 1);
  d->tp4[0] = party(&d->buyer, RP_DEAL_BUYER);
  transaction(f, &d->t4, RP_TX_PENDING, 999, NULL, NULL, d->tp4, 1);
}

static void revenue(fx *f, const rp_contact *c, rp_time T, double *own, double *ref, double *acc) {
  if (rp_store_revenue_at(f->s, f->a.id, c ? c->id : NULL, T, own, ref, acc))
    fail_msg("revenue: %s", rp_error_last()->message);
}

static void test_store_revenue_lifetime_value_facts(void **state) {
  fx *f = *state;
  deals_fx d;
  deals_setup(f, &d);
  double own, ref, acc;
  /* before T1 closes, P1's own close date does not count: it is T1's */
  revenue(f, &d.seller, 1749513600 - 1, &own, &ref, &acc); /* 2025-06-09T23:59:59Z */
  assert_true(own == 0 && acc == 0);
  /* at T0: T1 once with its commission, T2 with none */
  revenue(f, &d.buyer, T0, &own, &ref, &acc);
  assert_true(own == 12000);
  assert_true(ref == 0);
  assert_true(acc == 12000);
  revenue(f, &d.seller, T0, &own, &ref, &acc);
  assert_true(own == 12000); /* party to both P1 and T1: once */
  revenue(f, &d.other, T0, &own, &ref, &acc);
  assert_true(own == 0); /* role other never counts */
  revenue(f, &d.referrer, T0, &own, &ref, &acc);
  assert_true(own == 0);
  assert_true(ref == 12000); /* its referral's own revenue */
  /* P3 counts from midnight UTC of its close date */
  rp_time mar1 = T0 + 59 * DAY;
  revenue(f, &d.buyer, mar1 - 1, &own, &ref, &acc);
  assert_true(own == 12000 && acc == 12000);
  revenue(f, &d.buyer, mar1, &own, &ref, &acc);
  assert_true(own == 17000 && acc == 17000);
  revenue(f, &d.referrer, mar1, &own, &ref, &acc);
  assert_true(ref == 17000);
  /* no contact: only the account; NULL outs are fine */
  own = ref = -1;
  revenue(f, NULL, mar1, &own, &ref, &acc);
  assert_true(own == 0 && ref == 0 && acc == 17000);
  revenue(f, &d.buyer, mar1, NULL, NULL, &acc);
  assert_true(acc == 17000);
  /* another account sees none of it */
  assert_int_equal(rp_store_revenue_at(f->s, f->b.id, d.buyer.id, mar1, &own, &ref, &acc), 0);
  assert_true(own == 0 && ref == 0 && acc == 0);
}

/* The account revenue is kept per connection; a deal write (committed or
 * rolled back, on this connection or another) is seen at once. */
static void test_store_revenue_follows_deal_writes(void **state) {
  fx *f = *state;
  deals_fx d;
  deals_setup(f, &d);
  double acc;
  revenue(f, NULL, T0, NULL, NULL, &acc);
  assert_true(acc == 12000);
  /* T2 gets a commission */
  d.t2.has_commission = true;
  d.t2.commission = 3000;
  assert_int_equal(rp_store_transaction_update(f->s, &d.t2), 0);
  revenue(f, NULL, T0, NULL, NULL, &acc);
  assert_true(acc == 15000);
  double own;
  revenue(f, &d.buyer, T0, &own, NULL, NULL);
  assert_true(own == 15000);
  /* a closed deal written then rolled back */
  assert_int_equal(rp_store_begin(f->s, true), 0);
  rp_property p;
  property(f, &p, RP_PROP_CLOSED, 1000, "2025-12-01", NULL, 0);
  revenue(f, NULL, T0, NULL, NULL, &acc);
  assert_true(acc == 16000);
  rp_store_rollback(f->s);
  revenue(f, NULL, T0, NULL, NULL, &acc);
  assert_true(acc == 15000);
  /* another connection closes a deal */
  rp_store *s2;
  assert_int_equal(rp_store_open(&s2, f->path), 0);
  rp_transaction t;
  memset(&t, 0, sizeof t);
  memcpy(t.account_id, f->a.id, RP_ID_LEN);
  t.status = RP_TX_CLOSED;
  t.has_commission = true;
  t.commission = 500;
  t.close_date = "2025-11-30";
  t.created_at = t.updated_at = T0;
  assert_int_equal(rp_store_transaction_create(s2, &t), 0);
  rp_store_close(s2);
  revenue(f, NULL, T0, NULL, NULL, &acc);
  assert_true(acc == 15500);
  /* another account's deals, its revenue asked in turns with this one's */
  rp_transaction tb;
  memset(&tb, 0, sizeof tb);
  memcpy(tb.account_id, f->b.id, RP_ID_LEN);
  tb.status = RP_TX_CLOSED;
  tb.has_commission = true;
  tb.commission = 777;
  tb.close_date = "2025-10-01";
  tb.created_at = tb.updated_at = T0;
  assert_int_equal(rp_store_transaction_create(f->s, &tb), 0);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(rp_store_revenue_at(f->s, f->b.id, NULL, T0, NULL, NULL, &acc), 0);
    assert_true(acc == 777);
    revenue(f, NULL, T0, NULL, NULL, &acc);
    assert_true(acc == 15500);
  }
  /* the deal reopened: out of the revenue */
  d.t1.status = RP_TX_PENDING;
  assert_int_equal(rp_store_transaction_update(f->s, &d.t1), 0);
  revenue(f, NULL, T0, NULL, NULL, &acc);
  assert_true(acc == 10000 + 3000 + 500); /* P1 is no longer absorbed: it counts alone */
}

/* The closed deals the full rescore reads give the same revenue as the
 * per-contact queries of the incremental rescore. */
static void test_store_closed_deals_agree_with_revenue_at(void **state) {
  fx *f = *state;
  deals_fx d;
  deals_setup(f, &d);
  rp_closed_deal *deals;
  size_t n;
  assert_int_equal(rp_store_closed_deals(f->s, &f->ar, f->a.id, &deals, &n), 0);
  assert_int_equal(n, 3);                           /* T1 (with P1), T2, P3; not T4 */
  assert_int_equal(deals[0].closed_at, 1749513600); /* 2025-06-10 */
  assert_true(deals[0].commission == 12000);
  assert_int_equal(deals[0].n_parties, 2); /* buyer and seller, once each; not other */
  assert_true(deals[1].commission == 0);
  assert_int_equal(deals[2].closed_at, T0 + 59 * DAY);
  for (size_t i = 0; i + 1 < n; i++)
    assert_true(deals[i].closed_at <= deals[i + 1].closed_at);
  const rp_contact *cs[] = {&d.buyer, &d.seller, &d.other, &d.referrer};
  rp_time Ts[] = {T0 - 300 * DAY, 1749513600, T0, T0 + 59 * DAY, T0 + 400 * DAY};
  for (size_t t = 0; t < 5; t++) {
    double acc_list = 0;
    for (size_t i = 0; i < n; i++)
      if (deals[i].closed_at <= Ts[t]) acc_list += deals[i].commission;
    for (size_t k = 0; k < 4; k++) {
      double own_list = 0;
      for (size_t i = 0; i < n; i++)
        for (size_t p = 0; p < deals[i].n_parties; p++)
          if (deals[i].closed_at <= Ts[t] && !strcmp(deals[i].parties[p], cs[k]->id))
            own_list += deals[i].commission;
      double own, acc;
      revenue(f, cs[k], Ts[t], &own, NULL, &acc);
      assert_true(own == own_list);
      assert_true(acc == acc_list);
    }
  }
  /* the referral edges the full rescore reads */
  rp_referral_edge *edges;
  assert_int_equal(rp_store_referral_edges(f->s, &f->ar, f->a.id, &edges, &n), 0);
  assert_int_equal(n, 1);
  assert_string_equal(edges[0].contact_id, d.buyer.id);
  assert_string_equal(edges[0].referrer_id, d.referrer.id);
  assert_int_equal(edges[0].created_at, T0 - 300 * DAY);
  assert_int_equal(edges[0].archived_at, 0);
}

/* DOMAIN.md C1 as of T: created at or before T, not archived at T. */
static void test_store_C1_referral_count_at(void **state) {
  fx *f = *state;
  rp_contact r = person(&f->a, "Referrer", T0);
  create(f, &r);
  rp_contact x = person(&f->a, "X", T0), w = person(&f->a, "W", T0 + 10 * DAY),
             v = person(&f->a, "V", T0);
  x.referred_by = w.referred_by = v.referred_by = r.id;
  create(f, &x);
  create(f, &w);
  create(f, &v);
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, v.id, T0 + 5 * DAY), 0);
  int64_t k;
  assert_int_equal(rp_store_referral_count_at(f->s, f->a.id, r.id, T0 - 1, &k), 0);
  assert_int_equal(k, 0);
  assert_int_equal(rp_store_referral_count_at(f->s, f->a.id, r.id, T0 + DAY, &k), 0);
  assert_int_equal(k, 2); /* x, and v not archived yet */
  assert_int_equal(rp_store_referral_count_at(f->s, f->a.id, r.id, T0 + 5 * DAY, &k), 0);
  assert_int_equal(k, 1); /* archived at T: no longer */
  assert_int_equal(rp_store_referral_count_at(f->s, f->a.id, r.id, T0 + 20 * DAY, &k), 0);
  assert_int_equal(k, 2); /* x and w */
  assert_int_equal(rp_store_referral_count_at(f->s, f->b.id, r.id, T0 + 20 * DAY, &k), 0);
  assert_int_equal(k, 0);
  rp_referral_edge *edges;
  size_t n;
  assert_int_equal(rp_store_referral_edges(f->s, &f->ar, f->a.id, &edges, &n), 0);
  assert_int_equal(n, 3);
  bool seen_v = false;
  for (size_t i = 0; i < n; i++)
    if (!strcmp(edges[i].contact_id, v.id)) {
      seen_v = true;
      assert_int_equal(edges[i].archived_at, T0 + 5 * DAY);
    }
  assert_true(seen_v);
}

/* ---- score history ---- */

static size_t history_rows(fx *f, const rp_contact *c, rp_score_point **items) {
  size_t n;
  if (rp_store_score_history_list(f->s, &f->ar, f->a.id, c->id, INT64_MIN / 2, INT64_MAX / 2, items,
                                  &n))
    fail_msg("list: %s", rp_error_last()->message);
  return n;
}

static double history_at(fx *f, const rp_contact *c, int64_t day) {
  double v;
  if (rp_store_score_history_at(f->s, f->a.id, c->id, day, &v))
    fail_msg("at: %s", rp_error_last()->message);
  return v;
}

static void test_store_score_history_change_points(void **state) {
  fx *f = *state;
  rp_contact c = person(&f->a, "Hist", T0), o = person(&f->a, "Other", T0);
  create(f, &c);
  create(f, &o);
  rp_score_point *p;
  assert_true(isnan(history_at(f, &c, 100)));
  bool changed = false;
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, c.id, 100, 50.0, &changed), 0);
  assert_true(changed);
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, c.id, 100, 50.0, &changed), 0);
  assert_false(changed);
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, c.id, 101, 50.0, &changed), 0);
  assert_false(changed);
  assert_int_equal(history_rows(f, &c, &p), 1); /* the same score writes no row */
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, c.id, 105, 60.0, NULL), 0);
  assert_int_equal(history_rows(f, &c, &p), 2);
  assert_true(isnan(history_at(f, &c, 99)));
  assert_true(history_at(f, &c, 103) == 50.0);
  assert_true(history_at(f, &c, 105) == 60.0);
  assert_true(history_at(f, &c, 900) == 60.0);

  /* a backfill of day 102: days 103 and 104 keep 50 */
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, c.id, 102, 55.0, NULL), 0);
  assert_true(history_at(f, &c, 101) == 50.0);
  assert_true(history_at(f, &c, 102) == 55.0);
  assert_true(history_at(f, &c, 103) == 50.0);
  assert_true(history_at(f, &c, 104) == 50.0);
  assert_true(history_at(f, &c, 105) == 60.0);
  assert_int_equal(history_rows(f, &c, &p), 4); /* 100, 102, 103, 105 */
  /* day 103 now repeats day 102: its row goes, day 104 keeps 50 */
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, c.id, 103, 55.0, NULL), 0);
  assert_true(history_at(f, &c, 103) == 55.0);
  assert_true(history_at(f, &c, 104) == 50.0);
  size_t n = history_rows(f, &c, &p);
  assert_int_equal(n, 4);
  int64_t want[] = {100, 102, 104, 105};
  for (size_t i = 0; i < n; i++)
    assert_int_equal(p[i].day, want[i]);
  /* day 104 rewritten to 55: the row at 104 goes and 105 stays */
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, c.id, 104, 55.0, NULL), 0);
  assert_int_equal(history_rows(f, &c, &p), 3);
  assert_true(history_at(f, &c, 104) == 55.0);
  assert_true(history_at(f, &c, 105) == 60.0);

  /* the list: rows in range and the latest before it */
  assert_int_equal(rp_store_score_history_list(f->s, &f->ar, f->a.id, c.id, 103, 104, &p, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(p[0].day, 102);
  assert_int_equal(rp_store_score_history_list(f->s, &f->ar, f->a.id, c.id, 101, 200, &p, &n), 0);
  assert_int_equal(n, 3);
  assert_int_equal(p[0].day, 100);
  assert_int_equal(p[2].day, 105);
  assert_true(p[2].score == 60.0);
  /* other contacts and accounts are apart */
  assert_int_equal(history_rows(f, &o, &p), 0);
  double v;
  assert_int_equal(rp_store_score_history_at(f->s, f->b.id, c.id, 105, &v), 0);
  assert_true(isnan(v));
  assert_int_equal(rp_store_score_history_put(f->s, f->b.id, c.id, 105, 1.0, NULL), RP_ENOTFOUND);
}

/* ---- daily claims and stats ---- */

static void test_store_daily_claim_once(void **state) {
  fx *f = *state;
  assert_int_equal(rp_store_daily_claim(f->s, f->a.id, 20500, T0), 0);
  assert_int_equal(rp_store_daily_claim(f->s, f->a.id, 20500, T0 + 5), RP_ECONFLICT);
  assert_int_equal(rp_store_daily_claim(f->s, f->a.id, 20501, T0 + DAY), 0);
  assert_int_equal(rp_store_daily_claim(f->s, f->b.id, 20500, T0), 0);
}

static void test_store_daily_stats_round_trip(void **state) {
  fx *f = *state;
  rp_daily_stats st = {.day = 10, .as_of = T0};
  for (int k = 0; k < RP_STAGE_COUNT; k++)
    st.stages[k] = (rp_stage_average){.mean = 10.5 * k, .count = 3 * k};
  st.mid = (rp_mid_range){.low = 41.25, .high = 58.5, .basis = 12, .from_data = true};
  assert_int_equal(rp_store_daily_stats_put(f->s, f->a.id, &st), 0);
  st.day = 12;
  st.as_of = T0 + 2 * DAY;
  st.mid = (rp_mid_range){.low = 35, .high = 55, .basis = 2, .from_data = false};
  assert_int_equal(rp_store_daily_stats_put(f->s, f->a.id, &st), 0);
  rp_daily_stats got;
  assert_int_equal(rp_store_daily_stats_get(f->s, f->a.id, 11, &got), 0);
  assert_int_equal(got.day, 10);
  assert_int_equal(got.as_of, T0);
  assert_true(got.stages[RP_STAGE_LIKE].mean == 31.5);
  assert_int_equal(got.stages[RP_STAGE_TRUST].count, 12);
  assert_true(got.mid.low == 41.25 && got.mid.high == 58.5);
  assert_int_equal(got.mid.basis, 12);
  assert_true(got.mid.from_data);
  assert_int_equal(rp_store_daily_stats_get(f->s, f->a.id, 500, &got), 0);
  assert_int_equal(got.day, 12);
  assert_false(got.mid.from_data);
  assert_int_equal(rp_store_daily_stats_get(f->s, f->a.id, 9, &got), RP_ENOTFOUND);
  assert_int_equal(rp_store_daily_stats_get(f->s, f->b.id, 12, &got), RP_ENOTFOUND);
  /* a day's stats are replaced */
  st.stages[RP_STAGE_AWARE].mean = 99;
  assert_int_equal(rp_store_daily_stats_put(f->s, f->a.id, &st), 0);
  assert_int_equal(rp_store_daily_stats_get(f->s, f->a.id, 12, &got), 0);
  assert_true(got.stages[RP_STAGE_AWARE].mean == 99);
}

/* ---- alerts ---- */

static rp_alert make_alert(const rp_contact *c, rp_alert_reason r, double urgency, rp_time at) {
  rp_alert a = {
      .reason = r, .detail = "call them", .day = at / DAY, .raised_at = at, .urgency = urgency};
  memcpy(a.contact_id, c->id, RP_ID_LEN);
  return a;
}

static void add_alert(fx *f, const rp_account *acc, rp_alert *a) {
  if (rp_store_alert_create(f->s, acc->id, a)) fail_msg("alert: %s", rp_error_last()->message);
}

static size_t reach_out(fx *f, const char *visible_to, unsigned mask, rp_alert **items) {
  rp_alert_query q = {
      .account_id = f->a.id, .visible_to = visible_to, .reason_mask = mask, .limit = 50};
  size_t n;
  if (rp_store_alert_list(f->s, &f->ar, &q, items, &n))
    fail_msg("list: %s", rp_error_last()->message);
  return n;
}

static void test_store_alerts_reach_out_list(void **state) {
  fx *f = *state;
  rp_contact mine = person(&f->a, "Mine", T0), team = person(&f->a, "Team", T0),
             theirs = person(&f->a, "Theirs", T0), gone = person(&f->a, "Gone", T0);
  mine.owner_id = f->agent.id;
  theirs.owner_id = f->ua.id;
  team.score = 0;
  create(f, &mine);
  create(f, &team);
  create(f, &theirs);
  create(f, &gone);
  assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, mine.id, 0, 0, 44.5), 0);
  rp_alert a1 = make_alert(&mine, RP_ALERT_TREND_RISING, 5, T0);
  rp_alert a2 = make_alert(&team, RP_ALERT_OVERDUE, 9, T0);
  rp_alert a3 = make_alert(&theirs, RP_ALERT_PRESS, 7, T0);
  rp_alert a4 = make_alert(&gone, RP_ALERT_OVERDUE, 100, T0);
  rp_alert a5 = make_alert(&team, RP_ALERT_TREND_FALLING, 5, T0 + 60); /* ties a1, newer */
  add_alert(f, &f->a, &a1);
  add_alert(f, &f->a, &a2);
  add_alert(f, &f->a, &a3);
  add_alert(f, &f->a, &a4);
  add_alert(f, &f->a, &a5);
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, gone.id, T0 + 100), 0);
  rp_contact stranger = person(&f->b, "Stranger", T0);
  create(f, &stranger);
  rp_alert b1 = make_alert(&stranger, RP_ALERT_OVERDUE, 50, T0);
  add_alert(f, &f->b, &b1);
  /* a contact of another account is no contact here */
  rp_alert bad = make_alert(&stranger, RP_ALERT_OVERDUE, 1, T0);
  assert_int_equal(rp_store_alert_create(f->s, f->a.id, &bad), RP_ENOTFOUND);

  rp_alert *it;
  size_t n = reach_out(f, NULL, 0, &it);
  assert_int_equal(n, 4); /* the archived contact's alert is hidden */
  assert_string_equal(it[0].id, a2.id);
  assert_string_equal(it[1].id, a3.id);
  assert_string_equal(it[2].id, a5.id); /* same urgency: newer first */
  assert_string_equal(it[3].id, a1.id);
  assert_string_equal(it[3].display_name, "Mine");
  assert_int_equal(it[3].status, RP_STATUS_SUSPECT);
  assert_int_equal(it[3].stage, RP_STAGE_AWARE);
  assert_true(it[3].score == 44.5);
  assert_int_equal(it[3].reason, RP_ALERT_TREND_RISING);
  assert_string_equal(it[3].detail, "call them");
  assert_int_equal(it[3].raised_at, T0);
  /* an agent sees its own contacts and the team's */
  n = reach_out(f, f->agent.id, 0, &it);
  assert_int_equal(n, 3);
  for (size_t i = 0; i < n; i++)
    assert_string_not_equal(it[i].contact_id, theirs.id);
  /* by reason */
  n = reach_out(f, NULL, 1u << RP_ALERT_OVERDUE | 1u << RP_ALERT_PRESS, &it);
  assert_int_equal(n, 2);
  /* a limit */
  rp_alert_query q = {.account_id = f->a.id, .limit = 1};
  assert_int_equal(rp_store_alert_list(f->s, &f->ar, &q, &it, &n), 0);
  assert_int_equal(n, 1);

  /* cleared by a two-way touch: the trend alerts of team go, overdue stays */
  assert_int_equal(rp_store_alert_clear(f->s, f->a.id, team.id,
                                        1u << RP_ALERT_TREND_RISING | 1u << RP_ALERT_TREND_FALLING,
                                        T0 + 500),
                   0);
  n = reach_out(f, NULL, 0, &it);
  assert_int_equal(n, 3);
  for (size_t i = 0; i < n; i++)
    assert_string_not_equal(it[i].id, a5.id);
  /* dismissal by hand */
  assert_int_equal(rp_store_alert_dismiss(f->s, f->a.id, f->agent.id, a3.id, T0 + 600),
                   RP_ENOTFOUND); /* not the agent's contact */
  assert_int_equal(rp_store_alert_dismiss(f->s, f->b.id, NULL, a3.id, T0 + 600), RP_ENOTFOUND);
  assert_int_equal(rp_store_alert_dismiss(f->s, f->a.id, NULL, b1.id, T0 + 600), RP_ENOTFOUND);
  assert_int_equal(rp_store_alert_dismiss(f->s, f->a.id, f->agent.id, a1.id, T0 + 600), 0);
  assert_int_equal(rp_store_alert_dismiss(f->s, f->a.id, NULL, a1.id, T0 + 700), 0); /* no-op */
  n = reach_out(f, NULL, 0, &it);
  assert_int_equal(n, 2);

  /* the last alert of a reason, open or not */
  rp_alert last;
  assert_int_equal(
      rp_store_alert_last(f->s, &f->ar, f->a.id, mine.id, RP_ALERT_TREND_RISING, &last), 0);
  assert_string_equal(last.id, a1.id);
  assert_int_equal(last.dismissed_at, T0 + 600); /* the first dismissal stays */
  assert_int_equal(last.day, T0 / DAY);
  assert_int_equal(
      rp_store_alert_last(f->s, &f->ar, f->a.id, team.id, RP_ALERT_TREND_FALLING, &last), 0);
  assert_int_equal(last.cleared_at, T0 + 500);
  rp_alert later = make_alert(&team, RP_ALERT_TREND_FALLING, 1, T0 + 40 * DAY);
  add_alert(f, &f->a, &later);
  assert_int_equal(
      rp_store_alert_last(f->s, &f->ar, f->a.id, team.id, RP_ALERT_TREND_FALLING, &last), 0);
  assert_string_equal(last.id, later.id);
  assert_int_equal(rp_store_alert_last(f->s, &f->ar, f->a.id, mine.id, RP_ALERT_PRESS, &last),
                   RP_ENOTFOUND);
  assert_int_equal(
      rp_store_alert_last(f->s, &f->ar, f->b.id, team.id, RP_ALERT_TREND_FALLING, &last),
      RP_ENOTFOUND);

  /* the daily job's view: every open one, archived contacts' too, by
   * (contact, reason) */
  assert_int_equal(rp_store_alert_open_all(f->s, &f->ar, f->a.id, &it, &n), 0);
  assert_int_equal(n, 4); /* a2, a3, a4 (archived), later */
  for (size_t i = 0; i + 1 < n; i++) {
    int c = strcmp(it[i].contact_id, it[i + 1].contact_id);
    assert_true(c < 0 || (c == 0 && strcmp(rp_alert_reason_name(it[i].reason),
                                           rp_alert_reason_name(it[i + 1].reason)) <= 0));
    assert_int_equal(it[i].cleared_at, 0);
    assert_int_equal(it[i].dismissed_at, 0);
  }
}

/* ---- purge and merge ---- */

static void test_store_purge_and_merge_score_rows(void **state) {
  fx *f = *state;
  rp_contact keep = person(&f->a, "Keep", T0), dup = person(&f->a, "Dup", T0),
             doomed = person(&f->a, "Doomed", T0);
  create(f, &keep);
  create(f, &dup);
  create(f, &doomed);
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, keep.id, 10, 30.0, NULL), 0);
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, dup.id, 10, 70.0, NULL), 0);
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, dup.id, 11, 71.0, NULL), 0);
  assert_int_equal(rp_store_score_history_put(f->s, f->a.id, doomed.id, 10, 20.0, NULL), 0);
  rp_alert k1 = make_alert(&keep, RP_ALERT_OVERDUE, 1, T0);
  rp_alert d1 = make_alert(&dup, RP_ALERT_OVERDUE, 2, T0);      /* a second open overdue */
  rp_alert d2 = make_alert(&dup, RP_ALERT_PRESS, 3, T0);        /* moves */
  rp_alert d3 = make_alert(&dup, RP_ALERT_TREND_RISING, 4, T0); /* closed: moves */
  rp_alert x1 = make_alert(&doomed, RP_ALERT_PRESS, 5, T0);
  add_alert(f, &f->a, &k1);
  add_alert(f, &f->a, &d1);
  add_alert(f, &f->a, &d2);
  add_alert(f, &f->a, &d3);
  add_alert(f, &f->a, &x1);
  assert_int_equal(rp_store_alert_clear(f->s, f->a.id, dup.id, 1u << RP_ALERT_TREND_RISING, T0), 0);

  assert_int_equal(rp_store_contact_purge(f->s, f->a.id, doomed.id), 0);
  assert_true(isnan(history_at(f, &doomed, 10)));
  rp_alert *it;
  size_t n = reach_out(f, NULL, 0, &it);
  for (size_t i = 0; i < n; i++)
    assert_string_not_equal(it[i].contact_id, doomed.id);

  assert_int_equal(rp_store_contact_merge_rows(f->s, f->a.id, keep.id, dup.id), 0);
  rp_score_point *p;
  assert_int_equal(history_rows(f, &keep, &p), 1); /* the survivor keeps its own */
  assert_true(p[0].score == 30.0);
  assert_int_equal(history_rows(f, &dup, &p), 0);
  n = reach_out(f, NULL, 0, &it);
  assert_int_equal(n, 2); /* keep's overdue and the moved press; one open overdue */
  for (size_t i = 0; i < n; i++)
    assert_string_equal(it[i].contact_id, keep.id);
  rp_alert last;
  assert_int_equal(
      rp_store_alert_last(f->s, &f->ar, f->a.id, keep.id, RP_ALERT_TREND_RISING, &last), 0);
  assert_string_equal(last.id, d3.id); /* the closed one moved too (A2's 30 days) */
}

/* ---- rFactor ---- */

static void test_store_rfactor_calibration_and_history(void **state) {
  fx *f = *state;
  rp_rfactor_calibration cal = {.closed_deals = 17};
  for (int b = 0; b < RP_RFACTOR_BANDS; b++) {
    cal.n[b] = 1000 + b;
    cal.k[b] = b * b;
  }
  rp_time e = 1780271999; /* 2026-05-31T23:59:59Z */
  rp_rfactor_calibration got;
  rp_time at;
  assert_int_equal(rp_store_calibration_get(f->s, f->a.id, e, &got, &at), RP_ENOTFOUND);
  assert_int_equal(rp_store_calibration_put(f->s, f->a.id, e, &cal, T0), 0);
  assert_int_equal(rp_store_calibration_get(f->s, f->a.id, e, &got, &at), 0);
  assert_memory_equal(&got, &cal, sizeof cal);
  assert_int_equal(at, T0);
  cal.closed_deals = 18;
  assert_int_equal(rp_store_calibration_put(f->s, f->a.id, e, &cal, T0 + 5), 0);
  assert_int_equal(rp_store_calibration_get(f->s, f->a.id, e, &got, NULL), 0);
  assert_int_equal(got.closed_deals, 18);
  assert_int_equal(rp_store_calibration_get(f->s, f->b.id, e, &got, NULL), RP_ENOTFOUND);

  rp_rfactor_point p = {.month = "2026-05", .as_of = T0};
  p.r = (rp_rfactor_result){.rfactor = 4.2,
                            .eligible_contacts = 1200,
                            .predicted_transactions = 31.5,
                            .interval_lo = 25.25,
                            .interval_hi = 37.75,
                            .mean_commission = 8100,
                            .commission_deals = 40,
                            .predicted_revenue = 255150,
                            .revenue_lo = 204525,
                            .revenue_hi = 305775,
                            .valuation = 255150,
                            .calibrated = true};
  assert_int_equal(rp_store_rfactor_put(f->s, f->a.id, &p), 0);
  rp_rfactor_point q = {.month = "2026-04", .as_of = T0 - 30 * DAY};
  q.r.rfactor = 3.9;
  q.r.default_commission_used = true;
  assert_int_equal(rp_store_rfactor_put(f->s, f->a.id, &q), 0);
  p.r.rfactor = 4.4; /* the month's value replaced */
  assert_int_equal(rp_store_rfactor_put(f->s, f->a.id, &p), 0);
  rp_rfactor_point *items;
  size_t n;
  assert_int_equal(rp_store_rfactor_history(f->s, &f->ar, f->a.id, &items, &n), 0);
  assert_int_equal(n, 2);
  assert_string_equal(items[0].month, "2026-04");
  assert_true(items[0].r.default_commission_used);
  assert_false(items[0].r.calibrated);
  assert_string_equal(items[1].month, "2026-05");
  assert_true(items[1].r.rfactor == 4.4);
  assert_int_equal(items[1].r.eligible_contacts, 1200);
  assert_true(items[1].r.interval_hi == 37.75);
  assert_int_equal(items[1].r.commission_deals, 40);
  assert_true(items[1].r.calibrated);
  assert_int_equal(items[1].as_of, T0);
  assert_int_equal(rp_store_rfactor_history(f->s, &f->ar, f->b.id, &items, &n), 0);
  assert_int_equal(n, 0);
  rp_rfactor_point bad = {.month = "May"};
  assert_int_equal(rp_store_rfactor_put(f->s, f->a.id, &bad), RP_EINVALID_VALUE);
}

/* SCORING.md rFactor bands over the live eligible contacts' kept scores. */
static void test_store_score_bands(void **state) {
  fx *f = *state;
  static const double scores[] = {0, 9.9, 10, 55.5, 95, 100};
  for (size_t i = 0; i < 6; i++) {
    rp_contact c = person(&f->a, "S", T0);
    create(f, &c);
    assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, c.id, 0, 0, scores[i]), 0);
  }
  rp_contact agent = person(&f->a, "Agent", T0), none = person(&f->a, "None", T0),
             gone = person(&f->a, "Gone", T0), farm = person(&f->a, "Farm", T0);
  agent.type = RP_TYPE_AGENT;
  none.status = RP_STATUS_NONE;
  farm.type = RP_TYPE_FARM;
  create(f, &agent);
  create(f, &none);
  create(f, &gone);
  create(f, &farm);
  rp_contact *ex[] = {&agent, &none, &gone, &farm};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(rp_store_contact_set_derived(f->s, f->a.id, ex[i]->id, 0, 0, 50), 0);
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, gone.id, T0), 0);
  int64_t counts[RP_RFACTOR_BANDS];
  assert_int_equal(rp_store_score_bands(f->s, f->a.id, counts), 0);
  int64_t want[RP_RFACTOR_BANDS] = {2, 1, 0, 0, 0, 2, 0, 0, 0, 2}; /* farm counts in band 5 */
  assert_memory_equal(counts, want, sizeof want);
  assert_int_equal(rp_store_score_bands(f->s, f->b.id, counts), 0);
  for (int b = 0; b < RP_RFACTOR_BANDS; b++)
    assert_int_equal(counts[b], 0);
}

/* ---- dashboard ---- */

static void test_store_dashboard_counts(void **state) {
  fx *f = *state;
  rp_contact c[5] = {person(&f->a, "A", T0), person(&f->a, "B", T0), person(&f->a, "C", T0),
                     person(&f->a, "D", T0), person(&f->a, "E", T0)};
  c[1].status = RP_STATUS_LEAD;
  c[1].stage = RP_STAGE_KNOW;
  c[1].owner_id = f->agent.id;
  c[2].status = RP_STATUS_CLIENT;
  c[2].stage = RP_STAGE_LIKE;
  c[2].owner_id = f->ua.id;
  c[3].status = RP_STATUS_CLIENT;
  c[3].stage = RP_STAGE_TRUST;
  for (int i = 0; i < 5; i++)
    create(f, &c[i]);
  assert_int_equal(rp_store_contact_archive(f->s, f->a.id, c[4].id, T0), 0);
  rp_contact b = person(&f->b, "Other", T0);
  create(f, &b);
  int64_t status[RP_STATUS_COUNT], stage[RP_STAGE_COUNT];
  assert_int_equal(rp_store_contact_counts(f->s, f->a.id, NULL, status, stage), 0);
  assert_int_equal(status[RP_STATUS_SUSPECT], 1); /* the archived one is not counted */
  assert_int_equal(status[RP_STATUS_LEAD], 1);
  assert_int_equal(status[RP_STATUS_CLIENT], 2);
  assert_int_equal(status[RP_STATUS_NONE], 0);
  assert_int_equal(stage[RP_STAGE_AWARE], 1);
  assert_int_equal(stage[RP_STAGE_KNOW], 1);
  assert_int_equal(stage[RP_STAGE_LIKE], 1);
  assert_int_equal(stage[RP_STAGE_TRUST], 1);
  assert_int_equal(rp_store_contact_counts(f->s, f->a.id, f->agent.id, status, stage), 0);
  assert_int_equal(status[RP_STATUS_CLIENT], 1); /* not the owner's client */
  assert_int_equal(status[RP_STATUS_LEAD], 1);
  assert_int_equal(stage[RP_STAGE_LIKE], 0);

  /* the pipeline: an open listing sold by an open transaction counts once,
   * as the transaction */
  rp_property listed, other;
  property(f, &listed, RP_PROP_ACTIVE, -1, NULL, NULL, 0);
  listed.has_list_price = true;
  listed.list_price = 300000;
  assert_int_equal(rp_store_property_update(f->s, &listed), 0);
  property(f, &other, RP_PROP_PENDING, -1, NULL, NULL, 0);
  other.has_list_price = true;
  other.list_price = 500000;
  assert_int_equal(rp_store_property_update(f->s, &other), 0);
  rp_transaction sale, bare, done;
  transaction(f, &sale, RP_TX_CONTINGENCY, -1, NULL, listed.id, NULL, 0);
  sale.has_price = true;
  sale.price = 290000;
  assert_int_equal(rp_store_transaction_update(f->s, &sale), 0);
  transaction(f, &bare, RP_TX_PENDING, -1, NULL, NULL, NULL, 0); /* null price counts 0 */
  transaction(f, &done, RP_TX_CLOSED, 100, "2025-01-01", NULL, NULL, 0);
  rp_property sold;
  property(f, &sold, RP_PROP_CLOSED, 100, "2025-01-01", NULL, 0);
  int64_t deals;
  double value;
  assert_int_equal(rp_store_pipeline(f->s, f->a.id, &deals, &value), 0);
  assert_int_equal(deals, 3);
  assert_true(value == 290000 + 500000);
  assert_int_equal(rp_store_pipeline(f->s, f->b.id, &deals, &value), 0);
  assert_int_equal(deals, 0);
  assert_true(value == 0);
}

static void test_store_account_list_oldest_first(void **state) {
  fx *f = *state;
  rp_account *items;
  size_t n;
  assert_int_equal(rp_store_account_list(f->s, &f->ar, &items, &n), 0);
  assert_int_equal(n, 2);
  assert_string_equal(items[0].id, f->a.id);
  assert_string_equal(items[0].name, "Alpha Realty");
  assert_string_equal(items[1].id, f->b.id);
  assert_int_equal(items[1].created_at, T0 + 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_store_scan_order_grouping_and_ranges, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_scan_decodes_activities, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_scan_details_match_contact, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_activity_index_is_covering, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_new_contact_scores_row, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_contact_scores_copy_follows_writes, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_store_contact_split, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_scores_bulk_rewrite, setup, teardown),
      cmocka_unit_test(test_store_migration_011_moves_scores),
      cmocka_unit_test(test_store_migration_012_activity_score_code),
      cmocka_unit_test_setup_teardown(test_store_revenue_lifetime_value_facts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_revenue_follows_deal_writes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_closed_deals_agree_with_revenue_at, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_store_C1_referral_count_at, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_score_history_change_points, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_daily_claim_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_daily_stats_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_alerts_reach_out_list, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_purge_and_merge_score_rows, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_rfactor_calibration_and_history, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_score_bands, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_dashboard_counts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_account_list_oldest_first, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
