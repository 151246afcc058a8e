/* test_contact.c: the per-contact decisions every writer shares: display
 * name, DOMAIN.md L1 and S1-S5 at creation, two-way interactions and the
 * SCORING.md A4 stay-in-touch interval. Tests named after the rule they
 * prove. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/contact.h"

#define DAY 86400
#define YEAR_S (36525LL * DAY / 100) /* 365.25 days */

static rp_time date(const char *s) {
  rp_time t = 0;
  assert_int_equal(rp_date_parse(&t, s, strlen(s)), 0);
  return t;
}

/* ---- display name ---- */

static void test_contact_display_name_order(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_email emails[] = {{NULL, "home"}, {"jane@example.com", "work"}};
  rp_phone phones[] = {{"+12015550123", "mobile"}};
  rp_contact c = {0};

  assert_string_equal(rp_contact_display_name(&ar, &c), "(no name)");
  c.phones = phones;
  c.n_phones = 1;
  assert_string_equal(rp_contact_display_name(&ar, &c), "+12015550123");
  c.emails = emails;
  c.n_emails = 2;
  assert_string_equal(rp_contact_display_name(&ar, &c), "jane@example.com");
  c.company = "  ";
  assert_string_equal(rp_contact_display_name(&ar, &c), "jane@example.com"); /* blank: absent */
  c.company = "Acme Realty";
  assert_string_equal(rp_contact_display_name(&ar, &c), "Acme Realty");
  c.last_name = "Doe";
  assert_string_equal(rp_contact_display_name(&ar, &c), "Doe");
  c.first_name = " Jane ";
  assert_string_equal(rp_contact_display_name(&ar, &c), "Jane Doe");
  c.last_name = "";
  assert_string_equal(rp_contact_display_name(&ar, &c), "Jane");
  c.first_name = "Zoë";
  c.last_name = "Ångström";
  assert_string_equal(rp_contact_display_name(&ar, &c), "Zoë Ångström");
  rp_arena_free(&ar);
}

/* ---- L1 and S1-S5 ---- */

static void test_contact_L1_agent_gets_none(void **state) {
  (void)state;
  const rp_ctype none_types[] = {RP_TYPE_AGENT, RP_TYPE_VENDOR, RP_TYPE_HIDDEN};
  for (size_t i = 0; i < 3; i++) {
    rp_contact c = {.type = none_types[i], .status = RP_STATUS_LEAD, .stage = RP_STAGE_TRUST};
    assert_string_equal(rp_contact_apply_create_rules(&c, false, false), "L1");
    assert_int_equal(c.status, RP_STATUS_NONE);
    assert_int_equal(c.stage, RP_STAGE_NONE); /* S1 */
  }
}

static void test_contact_L1_others_get_suspect(void **state) {
  (void)state;
  const rp_ctype types[] = {RP_TYPE_CLIENT, RP_TYPE_FARM, RP_TYPE_PERSONAL, RP_TYPE_PROSPECT};
  for (size_t i = 0; i < 4; i++) {
    rp_contact c = {.type = types[i]};
    assert_string_equal(rp_contact_apply_create_rules(&c, false, false), "L1");
    assert_int_equal(c.status, RP_STATUS_SUSPECT);
    assert_int_equal(c.stage, RP_STAGE_AWARE); /* S2 */
  }
}

static void test_contact_L1_given_status_wins(void **state) {
  (void)state;
  rp_contact c = {.type = RP_TYPE_AGENT, .status = RP_STATUS_CLIENT};
  assert_null(rp_contact_apply_create_rules(&c, true, false));
  assert_int_equal(c.status, RP_STATUS_CLIENT);
  assert_int_equal(c.stage, RP_STAGE_LIKE); /* stage from the given status (S4) */

  rp_contact p = {.type = RP_TYPE_CLIENT, .status = RP_STATUS_LEAD};
  assert_null(rp_contact_apply_create_rules(&p, true, false));
  assert_int_equal(p.status, RP_STATUS_LEAD);
  assert_int_equal(p.stage, RP_STAGE_KNOW); /* S3 */
}

static void test_contact_L1_given_stage_is_kept(void **state) {
  (void)state;
  rp_contact c = {.type = RP_TYPE_CLIENT, .stage = RP_STAGE_TRUST};
  assert_string_equal(rp_contact_apply_create_rules(&c, false, true), "L1");
  assert_int_equal(c.status, RP_STATUS_SUSPECT);
  assert_int_equal(c.stage, RP_STAGE_TRUST);

  rp_contact d = {.type = RP_TYPE_VENDOR, .status = RP_STATUS_PROSPECT, .stage = RP_STAGE_LIKE};
  assert_null(rp_contact_apply_create_rules(&d, true, true));
  assert_int_equal(d.status, RP_STATUS_PROSPECT);
  assert_int_equal(d.stage, RP_STAGE_LIKE);
}

static void expect_stage(rp_status status, rp_stage current, rp_stage want, const char *rule) {
  const char *got = "unset";
  assert_int_equal(rp_contact_stage_for_status(status, current, &got), want);
  assert_string_equal(got, rule);
  assert_int_equal(rp_contact_stage_for_status(status, current, NULL), want); /* rule optional */
}

static void test_contact_S1_none_gives_none(void **state) {
  (void)state;
  expect_stage(RP_STATUS_NONE, RP_STAGE_NONE, RP_STAGE_NONE, "S1");
  expect_stage(RP_STATUS_NONE, RP_STAGE_KNOW, RP_STAGE_NONE, "S1");
}

static void test_contact_S2_suspect_gives_aware(void **state) {
  (void)state;
  expect_stage(RP_STATUS_SUSPECT, RP_STAGE_NONE, RP_STAGE_AWARE, "S2");
  expect_stage(RP_STATUS_SUSPECT, RP_STAGE_LIKE, RP_STAGE_AWARE, "S2");
}

static void test_contact_S3_prospect_and_lead_give_know(void **state) {
  (void)state;
  expect_stage(RP_STATUS_PROSPECT, RP_STAGE_AWARE, RP_STAGE_KNOW, "S3");
  expect_stage(RP_STATUS_LEAD, RP_STAGE_AWARE, RP_STAGE_KNOW, "S3");
  expect_stage(RP_STATUS_LEAD, RP_STAGE_NONE, RP_STAGE_KNOW, "S3");
}

static void test_contact_S4_client_gives_like(void **state) {
  (void)state;
  expect_stage(RP_STATUS_CLIENT, RP_STAGE_KNOW, RP_STAGE_LIKE, "S4");
  expect_stage(RP_STATUS_CLIENT, RP_STAGE_AWARE, RP_STAGE_LIKE, "S4");
  expect_stage(RP_STATUS_CLIENT, RP_STAGE_LIKE, RP_STAGE_LIKE, "S4");
}

static void test_contact_S4_client_keeps_trust(void **state) {
  (void)state;
  expect_stage(RP_STATUS_CLIENT, RP_STAGE_TRUST, RP_STAGE_TRUST, "S4");
}

static void test_contact_S5_past_client_gives_like(void **state) {
  (void)state;
  expect_stage(RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE, RP_STAGE_LIKE, "S5");
  expect_stage(RP_STATUS_PAST_CLIENT, RP_STAGE_KNOW, RP_STAGE_LIKE, "S5");
}

static void test_contact_S5_past_client_keeps_trust(void **state) {
  (void)state;
  expect_stage(RP_STATUS_PAST_CLIENT, RP_STAGE_TRUST, RP_STAGE_TRUST, "S5");
}

static void test_contact_S6_trust_never_taken_away_by_a_rule(void **state) {
  (void)state;
  expect_stage(RP_STATUS_NONE, RP_STAGE_TRUST, RP_STAGE_TRUST, "S1");
  expect_stage(RP_STATUS_SUSPECT, RP_STAGE_TRUST, RP_STAGE_TRUST, "S2");
  expect_stage(RP_STATUS_PROSPECT, RP_STAGE_TRUST, RP_STAGE_TRUST, "S3");
}

static void test_contact_stage_for_invalid_status_keeps_stage(void **state) {
  (void)state;
  const char *rule = "unset";
  assert_int_equal(rp_contact_stage_for_status(RP_STATUS_COUNT, RP_STAGE_KNOW, &rule),
                   RP_STAGE_KNOW);
  assert_null(rule);
}

/* ---- two-way interactions (SCORING.md last_touch) ---- */

static bool two_way(rp_activity_kind kind, rp_direction dir, int64_t duration_s) {
  rp_activity a = {.kind = kind, .direction = dir, .duration_s = duration_s};
  return rp_activity_is_two_way(&a);
}

static void test_contact_two_way_inbound_messages(void **state) {
  (void)state;
  const rp_activity_kind messages[] = {RP_KIND_EMAIL, RP_KIND_SMS, RP_KIND_CALL, RP_KIND_SOCIAL};
  for (size_t i = 0; i < 4; i++) {
    assert_true(two_way(messages[i], RP_DIR_INBOUND, -1));
    assert_false(two_way(messages[i], RP_DIR_NONE, -1));
  }
  assert_false(two_way(RP_KIND_EMAIL, RP_DIR_OUTBOUND, -1));
  assert_false(two_way(RP_KIND_SMS, RP_DIR_OUTBOUND, -1));
  assert_false(two_way(RP_KIND_SOCIAL, RP_DIR_OUTBOUND, -1));
}

static void test_contact_two_way_outbound_call_of_a_minute(void **state) {
  (void)state;
  assert_false(two_way(RP_KIND_CALL, RP_DIR_OUTBOUND, -1)); /* unknown length */
  assert_false(two_way(RP_KIND_CALL, RP_DIR_OUTBOUND, 0));
  assert_false(two_way(RP_KIND_CALL, RP_DIR_OUTBOUND, 59));
  assert_true(two_way(RP_KIND_CALL, RP_DIR_OUTBOUND, 60));
  assert_true(two_way(RP_KIND_CALL, RP_DIR_OUTBOUND, 3600));
  assert_true(two_way(RP_KIND_CALL, RP_DIR_INBOUND, 5)); /* inbound: connected anyway */
}

static void test_contact_two_way_meetings_not_web_card_note(void **state) {
  (void)state;
  const rp_activity_kind together[] = {RP_KIND_MEETING, RP_KIND_VISIT, RP_KIND_MEAL, RP_KIND_PARTY};
  const rp_activity_kind one_way[] = {RP_KIND_WEB, RP_KIND_CARD, RP_KIND_NOTE};
  const rp_direction dirs[] = {RP_DIR_NONE, RP_DIR_INBOUND, RP_DIR_OUTBOUND};
  for (size_t d = 0; d < 3; d++) {
    for (size_t i = 0; i < 4; i++)
      assert_true(two_way(together[i], dirs[d], -1));
    for (size_t i = 0; i < 3; i++)
      assert_false(two_way(one_way[i], dirs[d], 120));
  }
}

/* ---- A4 stay in touch ---- */

static void test_contact_A4_base_interval_by_stage(void **state) {
  (void)state;
  rp_contact c = {0};
  const struct {
    rp_stage stage;
    double days;
  } cases[] = {{RP_STAGE_NONE, 0},
               {RP_STAGE_AWARE, 7},
               {RP_STAGE_KNOW, 14},
               {RP_STAGE_LIKE, 30},
               {RP_STAGE_TRUST, 60}};
  for (size_t i = 0; i < 5; i++) {
    c.stage = cases[i].stage;
    assert_float_equal(rp_contact_interval_days(&c, 0), cases[i].days, 1e-9);
  }
}

static void test_contact_A4_interval_grows_with_years(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_LIKE};
  assert_float_equal(rp_contact_interval_days(&c, 1), 36, 1e-9);
  assert_float_equal(rp_contact_interval_days(&c, 2.5), 45, 1e-9);
  assert_float_equal(rp_contact_interval_days(&c, 5), 60, 1e-9);
  assert_float_equal(rp_contact_interval_days(&c, 10), 90, 1e-9);
  assert_float_equal(rp_contact_interval_days(&c, 30), 90, 1e-9); /* Y capped at 10 */
  assert_float_equal(rp_contact_interval_days(&c, -3), 30, 1e-9); /* negative Y is 0 */
  c.stage = RP_STAGE_AWARE;
  assert_float_equal(rp_contact_interval_days(&c, 5), 14, 1e-9);
  c.stage = RP_STAGE_TRUST;
  assert_float_equal(rp_contact_interval_days(&c, 10), 180, 1e-9);
}

static void test_contact_A4_hand_set_interval_wins(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_TRUST, .contact_interval_days = 3};
  assert_float_equal(rp_contact_interval_days(&c, 10), 3, 1e-9);
  c.stage = RP_STAGE_NONE; /* even without a stage interval */
  assert_float_equal(rp_contact_interval_days(&c, 0), 3, 1e-9);
  c.known_since = "2025-01-01";
  rp_time touch = date("2026-03-01") + 12 * 3600;
  assert_int_equal(rp_contact_overdue_at(&c, touch), touch + 3 * DAY + 1);
}

static void test_contact_A4_overdue_after_the_interval(void **state) {
  (void)state;
  /* an aware contact met today: overdue once more than 7 days pass */
  rp_contact c = {.stage = RP_STAGE_AWARE, .known_since = "2026-11-01"};
  rp_time touch = date("2026-11-01") + 15 * 3600;
  rp_time due = rp_contact_overdue_at(&c, touch);
  rp_time y = touch - date("2026-11-01"); /* Y of 15 hours */
  rp_time want = touch + (rp_time)(7 * (1 + (double)y / YEAR_S / 5) * DAY) + 1;
  assert_int_equal(due, want);
  assert_true(touch + 7 * DAY < due);         /* exactly 7 days later: not yet */
  assert_true(touch + 7 * DAY + 3600 >= due); /* an hour later: overdue */
}

static void test_contact_A4_years_from_known_since_to_last_touch(void **state) {
  (void)state;
  /* known 5 years (of 365.25 days) at the last touch: the aware interval doubles */
  rp_contact c = {.stage = RP_STAGE_AWARE, .known_since = "2016-01-01"};
  rp_time touch = date("2016-01-01") + 5 * YEAR_S;
  assert_int_equal(rp_contact_overdue_at(&c, touch), touch + 14 * DAY + 1);
  /* known 10 years or more: tripled, no more */
  c.stage = RP_STAGE_LIKE;
  touch = date("2016-01-01") + 10 * YEAR_S;
  assert_int_equal(rp_contact_overdue_at(&c, touch), touch + 90 * DAY + 1);
  touch = date("2016-01-01") + 20 * YEAR_S;
  assert_int_equal(rp_contact_overdue_at(&c, touch), touch + 90 * DAY + 1);
  /* a touch before known_since (imported history) counts Y as 0 */
  touch = date("2015-06-01");
  assert_int_equal(rp_contact_overdue_at(&c, touch), touch + 30 * DAY + 1);
}

static void test_contact_A4_without_touch_counts_from_known_since(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_KNOW,
                  .known_since = "2026-03-10",
                  .created_at = date("2026-11-20") + 9 * 3600};
  /* known_since at midnight UTC, Y = 0 */
  assert_int_equal(rp_contact_overdue_at(&c, 0), date("2026-03-10") + 14 * DAY + 1);
  /* no known_since: created_at, to the second */
  c.known_since = NULL;
  assert_int_equal(rp_contact_overdue_at(&c, 0), c.created_at + 14 * DAY + 1);
  /* an unreadable known_since is treated as absent */
  c.known_since = "2026-02-30";
  assert_int_equal(rp_contact_overdue_at(&c, 0), c.created_at + 14 * DAY + 1);
  /* nothing to count from */
  c.created_at = 0;
  assert_int_equal(rp_contact_overdue_at(&c, 0), 0);
}

static void test_contact_A4_two_way_touch_resets_the_clock(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_KNOW, .known_since = "2026-01-01"};
  rp_time first = rp_contact_overdue_at(&c, 0);
  rp_time later = rp_contact_overdue_at(&c, date("2026-06-01"));
  assert_true(later > first);
  assert_true(later >= date("2026-06-01") + 14 * DAY);
}

static void test_contact_A4_no_interval_never_overdue(void **state) {
  (void)state;
  rp_contact none = {.stage = RP_STAGE_NONE, .known_since = "2020-01-01"};
  assert_int_equal(rp_contact_overdue_at(&none, date("2021-01-01")), 0);
  rp_contact archived = {
      .stage = RP_STAGE_TRUST, .known_since = "2020-01-01", .archived_at = date("2024-01-01")};
  assert_int_equal(rp_contact_overdue_at(&archived, date("2021-01-01")), 0);
  archived.contact_interval_days = 10; /* archived wins over a hand-set interval */
  assert_int_equal(rp_contact_overdue_at(&archived, date("2021-01-01")), 0);
}

static void test_contact_A4_absurd_hand_set_interval_saturates(void **state) {
  (void)state;
  rp_contact c = {.stage = RP_STAGE_AWARE, .contact_interval_days = INT64_MAX};
  assert_int_equal(rp_contact_overdue_at(&c, date("2026-01-01")), INT64_MAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_contact_display_name_order),
      cmocka_unit_test(test_contact_L1_agent_gets_none),
      cmocka_unit_test(test_contact_L1_others_get_suspect),
      cmocka_unit_test(test_contact_L1_given_status_wins),
      cmocka_unit_test(test_contact_L1_given_stage_is_kept),
      cmocka_unit_test(test_contact_S1_none_gives_none),
      cmocka_unit_test(test_contact_S2_suspect_gives_aware),
      cmocka_unit_test(test_contact_S3_prospect_and_lead_give_know),
      cmocka_unit_test(test_contact_S4_client_gives_like),
      cmocka_unit_test(test_contact_S4_client_keeps_trust),
      cmocka_unit_test(test_contact_S5_past_client_gives_like),
      cmocka_unit_test(test_contact_S5_past_client_keeps_trust),
      cmocka_unit_test(test_contact_S6_trust_never_taken_away_by_a_rule),
      cmocka_unit_test(test_contact_stage_for_invalid_status_keeps_stage),
      cmocka_unit_test(test_contact_two_way_inbound_messages),
      cmocka_unit_test(test_contact_two_way_outbound_call_of_a_minute),
      cmocka_unit_test(test_contact_two_way_meetings_not_web_card_note),
      cmocka_unit_test(test_contact_A4_base_interval_by_stage),
      cmocka_unit_test(test_contact_A4_interval_grows_with_years),
      cmocka_unit_test(test_contact_A4_hand_set_interval_wins),
      cmocka_unit_test(test_contact_A4_overdue_after_the_interval),
      cmocka_unit_test(test_contact_A4_years_from_known_since_to_last_touch),
      cmocka_unit_test(test_contact_A4_without_touch_counts_from_known_since),
      cmocka_unit_test(test_contact_A4_two_way_touch_resets_the_clock),
      cmocka_unit_test(test_contact_A4_no_interval_never_overdue),
      cmocka_unit_test(test_contact_A4_absurd_hand_set_interval_saturates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
