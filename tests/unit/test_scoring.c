/* test_scoring.c: the score through the store (jobs/scoring.h,
 * jobs/lifecycle.h) on a real SQLite database in /tmp: the facts at a past
 * T come from the change history (M3), revenue (own, 25 % of the referred
 * contacts', the account's), referral counts at T (C1), a write through the
 * lifecycle rescores the contact and its referrer, a two-way touch clears
 * the trend and overdue alerts (A2), and the full rescore agrees with the
 * one-contact path on random contacts, with one and two readers, and is
 * idempotent. */
/* cmocka needs these first, in this order. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/contact.h"
#include "jobs/lifecycle.h"
#include "jobs/scoring.h"
#include "jobs/scoring_internal.h"
#include "store/store.h"
#include "temp_db.h"
#include "util/error.h"

#define DAY ((rp_time)86400)
#define T0 ((rp_time)1767225600) /* 2026-01-01T00:00:00Z */

typedef struct fx {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_arena ar;
  rp_account a;
  rp_user u;
} fx;

#define OK(call)                                                                                   \
  do {                                                                                             \
    int rc_ = (call);                                                                              \
    if (rc_) fail_msg("%s: %d %s", #call, rc_, rp_error_last()->message);                          \
  } while (0)

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  assert_int_equal(rp_test_db_open(f->path, "rapport-test-scoring", &f->s), 0);
  f->a = (rp_account){.name = "Scoring Realty", .created_at = T0 - 800 * DAY};
  OK(rp_store_account_create(f->s, &f->a));
  f->u = (rp_user){.email = "owner@scoring.example",
                   .name = "Olive Owner",
                   .role = RP_ROLE_OWNER,
                   .password_hash = "x",
                   .created_at = T0 - 800 * DAY,
                   .updated_at = T0 - 800 * DAY};
  memcpy(f->u.account_id, f->a.id, RP_ID_LEN);
  OK(rp_store_user_create(f->s, &f->u));
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

/* ---- building data ---- */

static void history(fx *f, const char *contact_id, const char *field, const char *from,
                    const char *to, rp_time at) {
  rp_history h = {.field = field, .from = from, .to = to, .rule = "manual", .at = at};
  memcpy(h.contact_id, contact_id, RP_ID_LEN);
  OK(rp_store_history_add(f->s, f->a.id, &h));
}

/* A contact created at `at` with an email, its status and stage written in
 * the history as the API does at creation. */
static rp_contact person_with(fx *f, const char *first, rp_status st, rp_stage sg, rp_time at,
                              const char *referred_by, const char *custom_json) {
  static rp_email em = {.address = "someone@example.com"};
  rp_contact c = {0};
  memcpy(c.account_id, f->a.id, RP_ID_LEN);
  c.first_name = first;
  c.last_name = "Tester";
  c.display_name = first;
  c.emails = &em;
  c.n_emails = 1;
  c.status = st;
  c.stage = sg;
  c.type = RP_TYPE_CLIENT;
  c.custom_json = custom_json;
  c.referred_by = referred_by;
  c.created_at = c.updated_at = at;
  char day[11];
  c.known_since = rp_arena_strdup(&f->ar, rp_date_format(at, day));
  OK(rp_store_contact_create(f->s, &c));
  history(f, c.id, "status", NULL, rp_status_name(st), at);
  history(f, c.id, "stage", NULL, rp_stage_name(sg), at);
  return c;
}

static rp_contact person(fx *f, const char *first, rp_status st, rp_stage sg, rp_time at,
                         const char *referred_by) {
  return person_with(f, first, st, sg, at, referred_by, "{}");
}

static rp_contact get(fx *f, const char *id) {
  rp_contact c;
  OK(rp_store_contact_get(f->s, &f->ar, &c, f->a.id, id));
  return c;
}

/* Sets status and stage at `at`, with their history rows (M3). */
static void become(fx *f, const char *id, rp_status st, rp_stage sg, rp_time at) {
  rp_contact c = get(f, id);
  history(f, id, "status", rp_status_name(c.status), rp_status_name(st), at);
  history(f, id, "stage", rp_stage_name(c.stage), rp_stage_name(sg), at);
  c.status = st;
  c.stage = sg;
  c.updated_at = at;
  OK(rp_store_contact_set_lifecycle(f->s, &c));
}

static rp_activity activity_imp(fx *f, const char *contact_id, rp_activity_kind k, rp_direction d,
                                rp_time at, int64_t dur, rp_importance imp) {
  rp_activity a = {.kind = k,
                   .direction = d,
                   .occurred_at = at,
                   .duration_s = dur,
                   .importance = imp,
                   .created_at = at,
                   .updated_at = at};
  memcpy(a.account_id, f->a.id, RP_ID_LEN);
  memcpy(a.contact_id, contact_id, RP_ID_LEN);
  OK(rp_store_activity_create(f->s, &a, rp_activity_is_two_way(&a)));
  return a;
}

static rp_activity activity(fx *f, const char *contact_id, rp_activity_kind k, rp_direction d,
                            rp_time at, int64_t dur) {
  return activity_imp(f, contact_id, k, d, at, dur, RP_IMPORTANCE_NORMAL);
}

/* A closed listing sold with commission, the contact its seller. */
static void closed_deal(fx *f, const char *contact_id, double commission, rp_time closed) {
  rp_deal_party party = {.role = RP_DEAL_SELLER};
  memcpy(party.contact_id, contact_id, RP_ID_LEN);
  char day[11];
  rp_property p = {.status = RP_PROP_CLOSED,
                   .has_commission = true,
                   .commission = commission,
                   .close_date = rp_arena_strdup(&f->ar, rp_date_format(closed, day)),
                   .contacts = &party,
                   .n_contacts = 1,
                   .created_at = closed - 60 * DAY,
                   .updated_at = closed};
  memcpy(p.account_id, f->a.id, RP_ID_LEN);
  OK(rp_store_property_create(f->s, &p));
}

static rp_score_input facts(fx *f, const char *id, rp_time T) {
  rp_contact c = get(f, id);
  rp_score_input in;
  OK(rp_scoring_facts(&in, f->s, &f->ar, &c, T));
  return in;
}

static double live_score(fx *f, const char *id, rp_time T) {
  rp_contact c = get(f, id);
  rp_score_result r;
  OK(rp_scoring_contact(&r, f->s, &f->ar, &c, T, false));
  return r.score;
}

/* ---- facts at T ---- */

/* DOMAIN.md M3, SCORING.md "status ... in force at T, read from the change
 * history": a lead who became a client after T scores as the lead it was
 * at T, and as a client after. */
static void test_scoring_M3_facts_at_past_T_from_history(void **state) {
  fx *f = *state;
  rp_contact c = person(f, "Lena", RP_STATUS_LEAD, RP_STAGE_KNOW, T0, NULL);
  /* category and type set without history rows (as an import would) */
  c.category = RP_CATEGORY_B;
  c.type = RP_TYPE_PERSONAL;
  OK(rp_store_contact_set_lifecycle(f->s, &c));
  activity(f, c.id, RP_KIND_EMAIL, RP_DIR_INBOUND, T0 + 2 * DAY, -1);
  become(f, c.id, RP_STATUS_CLIENT, RP_STAGE_LIKE, T0 + 30 * DAY);

  rp_score_input before = facts(f, c.id, T0 + 10 * DAY);
  assert_int_equal(before.status, RP_STATUS_LEAD);
  assert_int_equal(before.stage, RP_STAGE_KNOW);
  /* no rows: the contact's own, not the vocabulary's defaults */
  assert_int_equal(before.category, RP_CATEGORY_B);
  assert_int_equal(before.type, RP_TYPE_PERSONAL);
  rp_score_input after = facts(f, c.id, T0 + 40 * DAY);
  assert_int_equal(after.status, RP_STATUS_CLIENT);
  assert_int_equal(after.stage, RP_STAGE_LIKE);
  assert_int_equal(after.n_activities, 1);
  assert_int_equal(after.known_since, T0);

  rp_contact cc = get(f, c.id);
  rp_score_result r;
  OK(rp_scoring_contact(&r, f->s, &f->ar, &cc, T0 + 10 * DAY, true));
  assert_true(r.factors[RP_SCORE_STATUS].points == 5.0); /* lead */
  assert_true(r.factors[RP_SCORE_STAGE].points == 5.0);  /* know */
  OK(rp_scoring_contact(&r, f->s, &f->ar, &cc, T0 + 40 * DAY, true));
  assert_true(r.factors[RP_SCORE_STATUS].points == 8.0); /* client */
  assert_true(r.factors[RP_SCORE_STAGE].points == 8.0);  /* like */
}

/* SCORING.md lifetime_value and scoring.h: revenue = own + 25 % of the
 * referred contacts' own revenue, the account's = every closed deal once,
 * all at T; the referral count at T (C1) counts the referred contacts
 * created by T and not archived at T. */
static void test_scoring_revenue_own_referred_account_at_T(void **state) {
  fx *f = *state;
  rp_contact a = person(f, "Ann", RP_STATUS_CLIENT, RP_STAGE_LIKE, T0, NULL);
  rp_contact b = person(f, "Ben", RP_STATUS_CLIENT, RP_STAGE_LIKE, T0 + 5 * DAY, a.id);
  rp_contact c = person(f, "Cid", RP_STATUS_CLIENT, RP_STAGE_LIKE, T0 + 6 * DAY, a.id);
  rp_contact d = person(f, "Dee", RP_STATUS_CLIENT, RP_STAGE_LIKE, T0, NULL);
  closed_deal(f, a.id, 5000, T0 + 20 * DAY);
  closed_deal(f, b.id, 10000, T0 + 40 * DAY);
  closed_deal(f, d.id, 20000, T0 + 50 * DAY);
  OK(rp_store_contact_archive(f->s, f->a.id, c.id, T0 + 60 * DAY));

  rp_score_input in = facts(f, a.id, T0 + 1 * DAY);
  assert_int_equal(in.referral_count, 0); /* Ben not yet created */
  assert_true(in.revenue == 0 && in.account_revenue == 0);
  in = facts(f, a.id, T0 + 30 * DAY);
  assert_int_equal(in.referral_count, 2);
  assert_true(in.revenue == 5000);
  assert_true(in.account_revenue == 5000);
  in = facts(f, a.id, T0 + 55 * DAY);
  assert_true(in.revenue == 5000 + 0.25 * 10000);
  assert_true(in.account_revenue == 35000);
  in = facts(f, a.id, T0 + 70 * DAY);
  assert_int_equal(in.referral_count, 1); /* Cid archived */
  in = facts(f, b.id, T0 + 55 * DAY);
  assert_true(in.revenue == 10000);

  /* the index a scan reads says the same */
  rp_scoring_index *ix = NULL;
  OK(rp_scoring_index_load(&ix, f->s, f->a.id));
  rp_score_row row = {.contact = get(f, a.id)};
  rp_score_input ri;
  rp_scoring_row_input(&ri, ix, &row, T0 + 55 * DAY);
  assert_true(ri.revenue == 7500 && ri.account_revenue == 35000);
  assert_int_equal(ri.referral_count, 2);
  rp_scoring_row_input(&ri, ix, &row, T0 + 70 * DAY);
  assert_int_equal(ri.referral_count, 1);
  assert_true(rp_scoring_index_closed_between(ix, b.id, T0, T0 + 40 * DAY));
  assert_false(rp_scoring_index_closed_between(ix, b.id, T0 + 40 * DAY, T0 + 90 * DAY));
  assert_false(rp_scoring_index_closed_between(ix, c.id, T0, T0 + 90 * DAY));
  double *com;
  size_t n;
  rp_scoring_index_commissions(ix, &f->ar, T0 + 20 * DAY, T0 + 50 * DAY, &com, &n);
  assert_int_equal(n, 2); /* (after, until]: Ben's and Dee's */
  assert_true(com[0] == 10000 && com[1] == 20000);
  rp_scoring_index_free(ix);
}

/* ---- the incremental path ---- */

/* SCORING.md "recomputed in the same transaction as every write that
 * touches the contact": an inbound reply logged through the lifecycle (as
 * POST /activities does) raises the kept score and the last touch. */
static void test_scoring_activity_write_rescores_contact(void **state) {
  fx *f = *state;
  rp_time now = T0 + 100 * DAY;
  rp_contact c = person(f, "Ray", RP_STATUS_PROSPECT, RP_STAGE_KNOW, T0, NULL);
  rp_lifecycle lc;
  OK(rp_lifecycle_init(&lc, f->s, &f->ar, f->a.id, f->u.id, now));
  rp_contact out;
  OK(rp_lifecycle_refresh(&lc, c.id, &out));
  double before = out.score;
  assert_true(before > 0);
  assert_true(get(f, c.id).score == before);

  activity(f, c.id, RP_KIND_EMAIL, RP_DIR_INBOUND, now - 3600, -1);
  rp_rule_event e = {
      .kind = RP_EVENT_ACTIVITY, .activity_kind = RP_KIND_EMAIL, .direction = RP_DIR_INBOUND};
  OK(rp_lifecycle_event(&lc, c.id, &e));
  OK(rp_lifecycle_refresh(&lc, c.id, &out));
  rp_contact kept = get(f, c.id);
  assert_true(kept.score > before);
  assert_true(kept.score == out.score);
  assert_true(kept.score == live_score(f, c.id, now));
  assert_int_equal(kept.last_touch_at, now - 3600);

  /* deferred (the demo): the kept score stays, the last touch moves */
  activity(f, c.id, RP_KIND_MEETING, RP_DIR_NONE, now - 60, -1);
  lc.defer_score = true;
  OK(rp_lifecycle_refresh(&lc, c.id, &out));
  assert_true(get(f, c.id).score == kept.score);
  assert_int_equal(get(f, c.id).last_touch_at, now - 60);
}

/* DOMAIN.md C1 / SCORING.md factor 6: a contact created with referred_by
 * raises its referrer's referral count, and the referrer's kept score
 * follows in the same write (rp_lifecycle_referral). */
static void test_scoring_C1_referral_rescores_referrer(void **state) {
  fx *f = *state;
  rp_time now = T0 + 10 * DAY;
  rp_contact a = person(f, "Ref", RP_STATUS_CLIENT, RP_STAGE_LIKE, T0, NULL);
  rp_lifecycle lc;
  OK(rp_lifecycle_init(&lc, f->s, &f->ar, f->a.id, f->u.id, now));
  OK(rp_lifecycle_refresh(&lc, a.id, NULL));
  double before = get(f, a.id).score;
  rp_contact b = person(f, "New", RP_STATUS_SUSPECT, RP_STAGE_AWARE, now, a.id);
  OK(rp_lifecycle_referral(&lc, b.referred_by));
  double after = get(f, a.id).score;
  assert_true(after > before);
  assert_true(after == live_score(f, a.id, now));
}

/* DOMAIN.md A2: "an alert is cleared by a two-way interaction": a new
 * inbound reply clears the contact's open trend and overdue alerts, not
 * its press-for-agreement alert; an outbound email (one-way) clears
 * nothing. */
static void test_scoring_A2_two_way_touch_clears_alerts(void **state) {
  fx *f = *state;
  rp_time now = T0 + 200 * DAY;
  rp_contact c = person(f, "Alex", RP_STATUS_LEAD, RP_STAGE_KNOW, T0, NULL);
  activity(f, c.id, RP_KIND_CALL, RP_DIR_INBOUND, T0 + DAY, 120);
  rp_lifecycle lc;
  OK(rp_lifecycle_init(&lc, f->s, &f->ar, f->a.id, f->u.id, now - DAY));
  OK(rp_lifecycle_refresh(&lc, c.id, NULL));
  rp_alert_reason reasons[] = {RP_ALERT_TREND_FALLING, RP_ALERT_OVERDUE, RP_ALERT_PRESS};
  for (size_t i = 0; i < 3; i++) {
    rp_alert al = {.reason = reasons[i], .detail = "test", .day = 20000, .raised_at = now - DAY};
    memcpy(al.contact_id, c.id, RP_ID_LEN);
    OK(rp_store_alert_create(f->s, f->a.id, &al));
  }
  rp_alert *open;
  size_t n;

  activity(f, c.id, RP_KIND_EMAIL, RP_DIR_OUTBOUND, now - 7200, -1);
  OK(rp_lifecycle_init(&lc, f->s, &f->ar, f->a.id, f->u.id, now - 3600));
  OK(rp_lifecycle_refresh(&lc, c.id, NULL));
  OK(rp_store_alert_open_all(f->s, &f->ar, f->a.id, &open, &n));
  assert_int_equal(n, 3);

  activity(f, c.id, RP_KIND_SMS, RP_DIR_INBOUND, now - 60, -1);
  OK(rp_lifecycle_init(&lc, f->s, &f->ar, f->a.id, f->u.id, now));
  OK(rp_lifecycle_refresh(&lc, c.id, NULL));
  OK(rp_store_alert_open_all(f->s, &f->ar, f->a.id, &open, &n));
  assert_int_equal(n, 1);
  assert_int_equal(open[0].reason, RP_ALERT_PRESS);
}

/* ---- the full rescore ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}
static int64_t rnd_in(int64_t lo, int64_t hi) {
  return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

#define N_RANDOM 300

/* N_RANDOM contacts with random lives over two years before now: statuses
 * changing on the way, activities of every kind, referrals, closed deals,
 * some archived. Ids into ids (arena). */
static char (*random_account(fx *f, rp_time now))[RP_ID_LEN] {
  char(*ids)[RP_ID_LEN] = rp_arena_calloc(&f->ar, N_RANDOM * sizeof *ids);
  OK(rp_store_begin(f->s, true));
  for (int i = 0; i < N_RANDOM; i++) {
    rp_time born = now - rnd_in(0, 730) * DAY - rnd_in(0, 86399);
    const char *ref = i > 10 && rnd() % 5 == 0 ? ids[rnd() % (uint64_t)i] : NULL;
    rp_status st = (rp_status)rnd_in(0, RP_STATUS_COUNT - 1);
    rp_stage sg = (rp_stage)rnd_in(0, RP_STAGE_COUNT - 1);
    static const char *const customs[] = {"{}", "{\"floor\":\"3\"}",
                                          "{\"a\":\"\",\"b\":null,\"c\":3,\"d\":true}",
                                          "{\"a\":[],\"b\":{},\"c\":\"x\"}"};
    rp_contact c = person_with(f, "Rand", st, sg, born, ref, customs[rnd() % 4]);
    memcpy(ids[i], c.id, RP_ID_LEN);
    int n_acts = rnd() % 4 == 0 ? 0 : (int)rnd_in(1, 40);
    for (int k = 0; k < n_acts; k++) {
      rp_time at = born + (rp_time)(rnd() % (uint64_t)(now - born + 20 * DAY));
      rp_activity_kind kind = (rp_activity_kind)rnd_in(0, RP_KIND_COUNT - 1);
      rp_direction dir = (rp_direction)rnd_in(0, RP_DIR_COUNT - 1);
      activity_imp(f, c.id, kind, dir, at, rnd() % 3 ? -1 : rnd_in(0, 600),
                   rnd() % 10 == 0 ? RP_IMPORTANCE_HIGH : RP_IMPORTANCE_NORMAL);
    }
    if (rnd() % 3 == 0) {
      rp_time when = born + (rp_time)(rnd() % (uint64_t)(now - born + 1));
      become(f, c.id, (rp_status)rnd_in(0, RP_STATUS_COUNT - 1),
             (rp_stage)rnd_in(0, RP_STAGE_COUNT - 1), when);
    }
    if (rnd() % 8 == 0) closed_deal(f, c.id, (double)rnd_in(1000, 30000), born + 30 * DAY);
    if (rnd() % 20 == 0) OK(rp_store_contact_archive(f->s, f->a.id, c.id, now - 5 * DAY));
  }
  OK(rp_store_commit(f->s));
  return ids;
}

/* Every contact's kept score, last touch and overdue equal what the
 * one-contact path computes at T. */
static void check_kept(fx *f, char (*ids)[RP_ID_LEN], rp_time T) {
  rp_clock_set(T); /* the store judges `overdue` by the clock */
  for (int i = 0; i < N_RANDOM; i++) {
    rp_contact c = get(f, ids[i]);
    rp_score_result r;
    OK(rp_scoring_contact(&r, f->s, &f->ar, &c, T, false));
    if (c.score != r.score)
      fail_msg("contact %d: kept %.1f, computed %.1f at T", i, c.score, r.score);
    rp_time touch = r.touched ? r.last_touch : 0;
    assert_int_equal(c.last_touch_at, touch);
    rp_time due = rp_contact_overdue_at(&c, touch);
    assert_true(c.overdue == (due != 0 && due <= T));
  }
  rp_clock_set(0);
}

/* Makes every kept score wrong; score_only: the score alone (as a change
 * of the scoring settings does), else the last touch and overdue too. */
static void smash_scores(fx *f, char (*ids)[RP_ID_LEN], bool score_only) {
  OK(rp_store_begin(f->s, true));
  for (int i = 0; i < N_RANDOM; i++)
    if (score_only)
      OK(rp_store_contact_write_derived(f->s, f->a.id, ids[i], RP_DERIVED_SCORE, NULL, 0, 0, 99.9));
    else
      OK(rp_store_contact_set_derived(f->s, f->a.id, ids[i], 1, 0, 99.9));
  OK(rp_store_commit(f->s));
}

typedef struct {
  size_t calls, last_done, last_total;
} progress_log;

static void on_progress(void *ctx, size_t done, size_t total) {
  progress_log *p = ctx;
  p->calls++;
  assert_true(done <= total);
  p->last_done = done;
  p->last_total = total;
}

/* The full rescore (one ordered scan, readers and one writer) keeps
 * exactly the scores the incremental path computes, with one reader and
 * with two, row by row and in bulk mode (indexes rebuilt, the scores
 * written in one statement at the end), whether the scores alone or the
 * other derived fields too were stale; a second run finds nothing to
 * change. */
static void test_scoring_rescore_all_matches_contact_path(void **state) {
  fx *f = *state;
  rp_time now = T0 + 800 * DAY;
  char(*ids)[RP_ID_LEN] = random_account(f, now);
  size_t total_acts = 0;
  for (int i = 0; i < N_RANDOM; i++)
    total_acts += facts(f, ids[i], now).n_activities;

  for (int run = 0; run < 6; run++) {
    int threads = 1 + run % 2;
    bool bulk = run >= 2, score_only = run >= 4;
    smash_scores(f, ids, score_only);
    progress_log pl = {0};
    rp_rescore_opts o = {.T = now,
                         .threads = threads,
                         .progress = on_progress,
                         .progress_ctx = &pl,
                         .bulk_min = bulk ? N_RANDOM / 2 : 0};
    rp_rescore_report rep;
    OK(rp_scoring_rescore_all(&rep, f->path, f->a.id, &o));
    assert_int_equal(rep.contacts, N_RANDOM); /* archived ones too */
    assert_int_equal(rep.activities, total_acts);
    assert_int_equal(rep.changed, N_RANDOM);
    assert_true(pl.calls > 0);
    assert_int_equal(pl.last_done, N_RANDOM);
    check_kept(f, ids, now);

    OK(rp_scoring_rescore_all(&rep, f->path, f->a.id, &o));
    assert_int_equal(rep.contacts, N_RANDOM);
    assert_int_equal(rep.changed, 0);
  }

  /* more readers than needed, and a past T read from the history */
  rp_time past = now - 200 * DAY;
  rp_rescore_opts o = {.T = past, .threads = 7, .with_history = true};
  rp_rescore_report rep;
  OK(rp_scoring_rescore_all(&rep, f->path, f->a.id, &o));
  assert_int_equal(rep.contacts, N_RANDOM);
  check_kept(f, ids, past);
}

/* A request that rescores a contact while the full rescore runs (after
 * the reader's snapshot, before the writer reaches the contact) keeps what
 * it wrote: the writer writes only over the kept values its reader saw.
 * Both the row-by-row and the bulk writer. */
typedef struct meanwhile {
  fx *f;
  const char *id;
} meanwhile;

static void rescore_meanwhile(void *ctx) {
  meanwhile *m = ctx;
  rp_store *other = NULL;
  OK(rp_store_open(&other, m->f->path));
  OK(rp_store_begin(other, true));
  OK(rp_store_contact_set_derived(other, m->f->a.id, m->id, T0 + 5, 0, 42.4));
  OK(rp_store_commit(other));
  rp_store_close(other);
}

static void test_scoring_rescore_all_keeps_a_score_written_meanwhile(void **state) {
  fx *f = *state;
  rp_time now = T0 + 800 * DAY;
  char(*ids)[RP_ID_LEN] = random_account(f, now);
  for (int bulk = 0; bulk < 2; bulk++) {
    smash_scores(f, ids, false);
    meanwhile m = {f, ids[N_RANDOM - 1]};
    rp_rescore_opts o = {.T = now,
                         .threads = 1,
                         .bulk_min = bulk ? N_RANDOM / 2 : 0,
                         .before_write = rescore_meanwhile,
                         .before_write_ctx = &m};
    rp_rescore_report rep;
    OK(rp_scoring_rescore_all(&rep, f->path, f->a.id, &o));
    assert_int_equal(rep.changed, N_RANDOM - 1);
    rp_contact c;
    OK(rp_store_contact_get(f->s, &f->ar, &c, f->a.id, m.id));
    assert_true(c.score == 42.4);
    assert_int_equal(c.last_touch_at, T0 + 5);
  }
}

/* A failure in a reader comes back as the run's error (no such
 * database file: every reader fails to open it). */
static void test_scoring_rescore_all_reports_errors(void **state) {
  fx *f = *state;
  rp_rescore_opts o = {.T = T0, .threads = 2};
  rp_rescore_report rep;
  assert_int_not_equal(rp_scoring_rescore_all(&rep, "/nonexistent-dir/rapport.db", f->a.id, &o), 0);
  assert_true(rp_error_last()->message[0] != '\0');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_scoring_M3_facts_at_past_T_from_history, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_scoring_revenue_own_referred_account_at_T, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_scoring_activity_write_rescores_contact, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_scoring_C1_referral_rescores_referrer, setup, teardown),
      cmocka_unit_test_setup_teardown(test_scoring_A2_two_way_touch_clears_alerts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_scoring_rescore_all_keeps_a_score_written_meanwhile,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_scoring_rescore_all_matches_contact_path, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_scoring_rescore_all_reports_errors, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
