/* Unit tests of the lifecycle engine: one or more per DOMAIN.md rule id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/rules.h"

static const rp_automation all_on = {true, true, true, true};

static rp_rule_facts facts(rp_status st, rp_stage sg) {
  rp_rule_facts f = {0};
  f.status = st;
  f.stage = sg;
  f.category = RP_CATEGORY_NONE;
  f.type = RP_TYPE_CLIENT;
  f.intent = RP_INTENT_NONE;
  f.status_before_client = RP_STATUS_NONE;
  return f;
}

static rp_rule_event activity(rp_activity_kind k, rp_direction d) {
  rp_rule_event e = {.kind = RP_EVENT_ACTIVITY, .activity_kind = k, .direction = d};
  return e;
}

static rp_rule_event deal(rp_event_kind kind, bool buyer, bool seller, const char *date) {
  rp_rule_event e = {.kind = kind, .role_buyer = buyer, .role_seller = seller, .close_date = date};
  return e;
}

/* Finds the change of a field; NULL when none. */
static const rp_rule_change *find(const rp_rule_change *c, size_t n, rp_change_field f) {
  for (size_t i = 0; i < n; i++)
    if (c[i].field == f) return &c[i];
  return NULL;
}

static void test_rules_L2_inbound_reply_makes_prospect(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_SUSPECT, RP_STAGE_AWARE);
  rp_rule_event e = activity(RP_KIND_EMAIL, RP_DIR_INBOUND);
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PROSPECT);
  assert_int_equal(f.stage, RP_STAGE_KNOW);
  const rp_rule_change *s = find(out, n, RP_CHANGE_STATUS);
  assert_non_null(s);
  assert_string_equal(s->rule, "L2");
  assert_int_equal(s->from, RP_STATUS_SUSPECT);
  const rp_rule_change *g = find(out, n, RP_CHANGE_STAGE);
  assert_non_null(g);
  assert_string_equal(g->rule, "S3");
}

static void test_rules_L2_meeting_and_visit_count(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_activity_kind kinds[] = {RP_KIND_MEETING, RP_KIND_VISIT};
  for (int i = 0; i < 2; i++) {
    rp_rule_facts f = facts(RP_STATUS_SUSPECT, RP_STAGE_AWARE);
    rp_rule_event e = activity(kinds[i], RP_DIR_NONE);
    rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
    assert_int_equal(f.status, RP_STATUS_PROSPECT);
  }
}

static void test_rules_L2_web_form_and_outbound_do_not_count(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_SUSPECT, RP_STAGE_AWARE);
  rp_rule_event e = activity(RP_KIND_WEB, RP_DIR_INBOUND);
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  e = activity(RP_KIND_SMS, RP_DIR_OUTBOUND);
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  e = activity(RP_KIND_NOTE, RP_DIR_NONE);
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  assert_int_equal(f.status, RP_STATUS_SUSPECT);
}

static void test_rules_L2_tag_buyer_or_stage_know_by_hand(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_SUSPECT, RP_STAGE_AWARE);
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_TAGS,
                     .tagged_buyer_seller = true};
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PROSPECT);

  f = facts(RP_STATUS_SUSPECT, RP_STAGE_KNOW); /* the user just set know */
  e = (rp_rule_event){.kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_STAGE};
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PROSPECT);
  assert_int_equal(f.stage, RP_STAGE_KNOW);
  assert_string_equal(find(out, n, RP_CHANGE_STATUS)->rule, "L2");
}

static void test_rules_L2_only_from_suspect(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_NONE, RP_STAGE_NONE);
  rp_rule_event e = activity(RP_KIND_CALL, RP_DIR_INBOUND);
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  assert_int_equal(f.status, RP_STATUS_NONE);
}

static void test_rules_L3_intent_and_timeframe_make_lead(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_PROSPECT, RP_STAGE_KNOW);
  f.intent = RP_INTENT_BUY;
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_INTENT};
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0); /* no timeframe yet */
  f.has_timeframe = true;
  e.fields = RP_FIELD_TIMEFRAME;
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_LEAD);
  assert_string_equal(find(out, n, RP_CHANGE_STATUS)->rule, "L3");
  assert_int_equal(f.stage, RP_STAGE_KNOW); /* S3: lead stays know */
}

static void test_rules_L3_suspect_replying_with_needs_goes_to_lead(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_SUSPECT, RP_STAGE_AWARE);
  f.intent = RP_INTENT_SELL;
  f.has_timeframe = true;
  rp_rule_event e = activity(RP_KIND_SMS, RP_DIR_INBOUND);
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_LEAD);
  assert_string_equal(out[0].rule, "L2");
  assert_string_equal(out[1].rule, "L3");
  assert_true(n >= 2);
}

static void test_rules_L4_open_deal_makes_client(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_LEAD, RP_STAGE_KNOW);
  f.type = RP_TYPE_PROSPECT;
  f.open_deals = 1;
  rp_rule_event e = deal(RP_EVENT_DEAL_OPENED, false, true, NULL);
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_CLIENT);
  assert_int_equal(f.stage, RP_STAGE_LIKE);
  assert_int_equal(f.type, RP_TYPE_CLIENT);
  assert_int_equal(f.status_before_client, RP_STATUS_LEAD);
  assert_string_equal(find(out, n, RP_CHANGE_STATUS)->rule, "L4");
  assert_string_equal(find(out, n, RP_CHANGE_TYPE)->rule, "L4");
  assert_string_equal(find(out, n, RP_CHANGE_STAGE)->rule, "S4");
}

static void test_rules_L4_role_other_and_status_none_do_nothing(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_PROSPECT, RP_STAGE_KNOW);
  rp_rule_event e = deal(RP_EVENT_DEAL_OPENED, false, false, NULL); /* role other */
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  f = facts(RP_STATUS_NONE, RP_STAGE_NONE); /* an agent or vendor */
  e = deal(RP_EVENT_DEAL_OPENED, true, false, NULL);
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  assert_int_equal(f.status, RP_STATUS_NONE);
}

static void test_rules_L5_all_deals_closed(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_CLIENT, RP_STAGE_LIKE);
  f.open_deals = 0;
  f.closed_deals = 1;
  rp_rule_event e = deal(RP_EVENT_DEAL_CLOSED, true, false, "2026-06-30");
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PAST_CLIENT);
  assert_string_equal(find(out, n, RP_CHANGE_STATUS)->rule, "L5");
  assert_int_equal(f.stage, RP_STAGE_LIKE); /* S5 */
}

static void test_rules_L5_closing_that_is_not_the_last_open_deal(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_CLIENT, RP_STAGE_LIKE);
  f.open_deals = 1; /* another deal still open */
  f.closed_deals = 1;
  rp_rule_event e = deal(RP_EVENT_DEAL_CLOSED, false, true, "2026-06-30");
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_CLIENT);
  assert_null(find(out, n, RP_CHANGE_STATUS));
  assert_non_null(find(out, n, RP_CHANGE_LAST_SALE_DATE)); /* L6 still records the date */
}

static void test_rules_L5_dead_deal_returns_to_earlier_status(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_CLIENT, RP_STAGE_LIKE);
  f.status_before_client = RP_STATUS_LEAD;
  f.dead_deals = 1;
  rp_rule_event e = deal(RP_EVENT_DEAL_DEAD, true, false, NULL);
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_LEAD);
  assert_string_equal(find(out, n, RP_CHANGE_STATUS)->rule, "L5");
  assert_int_equal(f.stage, RP_STAGE_KNOW); /* S3 */
}

static void test_rules_L5_dead_deal_after_a_closing_makes_past_client(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_CLIENT, RP_STAGE_LIKE);
  f.status_before_client = RP_STATUS_PROSPECT;
  f.closed_deals = 1;
  f.dead_deals = 1;
  rp_rule_event e = deal(RP_EVENT_DEAL_DEAD, true, false, NULL);
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PAST_CLIENT);
}

static void test_rules_L6_close_dates_never_move_backwards(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_CLIENT, RP_STAGE_LIKE);
  f.open_deals = 1;
  f.closed_deals = 1;
  rp_rule_event e = deal(RP_EVENT_DEAL_CLOSED, true, true, "2025-03-01");
  size_t n = rp_rules_apply(&f, &e, &all_on, "2025-05-01", "2024-01-01", out);
  assert_null(find(out, n, RP_CHANGE_LAST_PURCHASE_DATE)); /* 2025-03 < 2025-05 */
  const rp_rule_change *s = find(out, n, RP_CHANGE_LAST_SALE_DATE);
  assert_non_null(s);
  assert_string_equal(s->date, "2025-03-01");
  assert_string_equal(s->rule, "L6");
}

static void test_rules_L7_repeat_business(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE);
  f.closed_deals = 1;
  f.open_deals = 1;
  rp_rule_event e = deal(RP_EVENT_DEAL_OPENED, true, false, NULL);
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_CLIENT);
  assert_string_equal(find(out, n, RP_CHANGE_STATUS)->rule, "L7");
  /* and when that deal dies, back to past client (it has a closing) */
  f.open_deals = 0;
  e = deal(RP_EVENT_DEAL_DEAD, true, false, NULL);
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PAST_CLIENT);
}

static void test_rules_S1_S2_follow_status(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_NONE, RP_STAGE_KNOW); /* status set to none by hand */
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_STATUS};
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.stage, RP_STAGE_NONE);
  assert_string_equal(find(out, n, RP_CHANGE_STAGE)->rule, "S1");
  f = facts(RP_STATUS_SUSPECT, RP_STAGE_NONE);
  n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.stage, RP_STAGE_AWARE);
  assert_string_equal(find(out, n, RP_CHANGE_STAGE)->rule, "S2");
}

static void test_rules_S6_trust_after_two_closings(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_CLIENT, RP_STAGE_LIKE);
  f.closed_deals = 2;
  rp_rule_event e = deal(RP_EVENT_DEAL_CLOSED, true, false, "2026-01-10");
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PAST_CLIENT);
  assert_int_equal(f.stage, RP_STAGE_TRUST);
  assert_string_equal(find(out, n, RP_CHANGE_STAGE)->rule, "S6");
}

static void test_rules_S6_trust_after_second_referral(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_PAST_CLIENT, RP_STAGE_LIKE);
  f.closed_deals = 1;
  f.referral_count = 2;
  rp_rule_event e = {.kind = RP_EVENT_REFERRAL};
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.stage, RP_STAGE_TRUST);
  assert_int_equal(f.category, RP_CATEGORY_A); /* C3 too */
}

static void test_rules_S6_trust_never_taken_away(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_CLIENT, RP_STAGE_TRUST);
  f.status_before_client = RP_STATUS_PROSPECT;
  rp_rule_event e = deal(RP_EVENT_DEAL_DEAD, true, false, NULL);
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PROSPECT);
  assert_int_equal(f.stage, RP_STAGE_TRUST);
  f = facts(RP_STATUS_PAST_CLIENT, RP_STAGE_TRUST);
  e = deal(RP_EVENT_DEAL_OPENED, true, false, NULL);
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.stage, RP_STAGE_TRUST); /* S4 keeps trust */
}

static void test_rules_C2_one_referral_raises_to_b(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_category from[] = {RP_CATEGORY_NONE, RP_CATEGORY_C, RP_CATEGORY_D};
  for (int i = 0; i < 3; i++) {
    rp_rule_facts f = facts(RP_STATUS_PROSPECT, RP_STAGE_KNOW);
    f.category = from[i];
    f.referral_count = 1;
    rp_rule_event e = {.kind = RP_EVENT_REFERRAL};
    size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
    assert_int_equal(f.category, RP_CATEGORY_B);
    assert_string_equal(find(out, n, RP_CHANGE_CATEGORY)->rule, "C2");
  }
}

static void test_rules_C3_category_never_lowered(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_PROSPECT, RP_STAGE_KNOW);
  f.category = RP_CATEGORY_A;
  f.referral_count = 1; /* a referral archived: count fell to one */
  rp_rule_event e = {.kind = RP_EVENT_REFERRAL};
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  assert_int_equal(f.category, RP_CATEGORY_A);
  f.category = RP_CATEGORY_B;
  f.referral_count = 0;
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.category, RP_CATEGORY_B);
}

static void test_rules_M1_hand_set_value_then_event(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  /* The user set a suspect to lead by hand... */
  rp_rule_facts f = facts(RP_STATUS_LEAD, RP_STAGE_AWARE);
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_STATUS};
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_LEAD);
  assert_int_equal(f.stage, RP_STAGE_KNOW);
  /* ...and a deal then fires L4 from there. */
  f.open_deals = 1;
  e = deal(RP_EVENT_DEAL_OPENED, true, false, NULL);
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_CLIENT);
  assert_int_equal(f.status_before_client, RP_STATUS_LEAD);
}

static void test_rules_M1_hand_status_is_not_overridden_by_L3(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_PROSPECT, RP_STAGE_KNOW);
  f.intent = RP_INTENT_BUY;
  f.has_timeframe = true;
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED, .fields = RP_FIELD_STATUS};
  rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_PROSPECT);
}

static void test_rules_L1_status_given_on_create_wins_over_L3(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_rule_facts f = facts(RP_STATUS_PROSPECT, RP_STAGE_KNOW);
  f.intent = RP_INTENT_BUY;
  f.has_timeframe = true;
  rp_rule_event e = {.kind = RP_EVENT_CREATED, .fields = RP_FIELD_STATUS};
  assert_int_equal(rp_rules_apply(&f, &e, &all_on, NULL, NULL, out), 0);
  assert_int_equal(f.status, RP_STATUS_PROSPECT);
  e.fields = 0; /* status not given: L3 fires at creation */
  size_t n = rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
  assert_int_equal(f.status, RP_STATUS_LEAD);
  assert_string_equal(find(out, n, RP_CHANGE_STATUS)->rule, "L3");
}

static void test_rules_M2_switched_off_does_nothing(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  rp_automation off = {false, false, false};
  rp_rule_facts f = facts(RP_STATUS_SUSPECT, RP_STAGE_AWARE);
  f.referral_count = 3;
  rp_rule_event e = activity(RP_KIND_CALL, RP_DIR_INBOUND);
  assert_int_equal(rp_rules_apply(&f, &e, &off, NULL, NULL, out), 0);
  e = (rp_rule_event){.kind = RP_EVENT_REFERRAL};
  assert_int_equal(rp_rules_apply(&f, &e, &off, NULL, NULL, out), 0);
  assert_int_equal(f.status, RP_STATUS_SUSPECT);
  assert_int_equal(f.category, RP_CATEGORY_NONE);
  /* status rules on, stage rules off: the status moves, the stage stays */
  rp_automation only_l = {true, false, false};
  e = activity(RP_KIND_CALL, RP_DIR_INBOUND);
  size_t n = rp_rules_apply(&f, &e, &only_l, NULL, NULL, out);
  assert_int_equal(n, 1);
  assert_int_equal(f.status, RP_STATUS_PROSPECT);
  assert_int_equal(f.stage, RP_STAGE_AWARE);
}

/* Property: random event sequences never leave a client without an open
 * deal, nor a past client without a closing, while the status rules are on
 * and nobody sets the status by hand. */
static void test_rules_property_reachable_states(void **state) {
  (void)state;
  rp_rule_change out[RP_RULES_MAX_CHANGES];
  uint64_t x = 88172645463325252ull;
  for (int run = 0; run < 2000; run++) {
    rp_rule_facts f = facts(RP_STATUS_SUSPECT, RP_STAGE_AWARE);
    for (int step = 0; step < 30; step++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      rp_rule_event e = {0};
      switch (x % 6) {
      case 0: e = activity((rp_activity_kind)(x / 7 % RP_KIND_COUNT), (rp_direction)(x / 91 % 3)); break;
      case 1: f.open_deals++; e = deal(RP_EVENT_DEAL_OPENED, x & 64, !(x & 64), NULL); break;
      case 2:
        if (!f.open_deals) continue;
        f.open_deals--, f.closed_deals++;
        e = deal(RP_EVENT_DEAL_CLOSED, true, false, "2026-01-01");
        break;
      case 3:
        if (!f.open_deals) continue;
        f.open_deals--, f.dead_deals++;
        e = deal(RP_EVENT_DEAL_DEAD, true, false, NULL);
        break;
      case 4: f.referral_count += (x & 8) ? 1 : (f.referral_count ? -1 : 0); e.kind = RP_EVENT_REFERRAL; break;
      default: f.intent = RP_INTENT_BUY, f.has_timeframe = x & 16; e.kind = RP_EVENT_FIELD_CHANGED; e.fields = RP_FIELD_INTENT; break;
      }
      rp_rules_apply(&f, &e, &all_on, NULL, NULL, out);
      if (f.status == RP_STATUS_CLIENT) assert_true(f.open_deals > 0);
      if (f.status == RP_STATUS_PAST_CLIENT) assert_true(f.closed_deals > 0 && f.open_deals == 0);
      if (f.open_deals > 0) assert_int_equal(f.status, RP_STATUS_CLIENT);
      if (f.closed_deals > 1) assert_int_equal(f.stage, RP_STAGE_TRUST);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rules_L2_inbound_reply_makes_prospect),
      cmocka_unit_test(test_rules_L2_meeting_and_visit_count),
      cmocka_unit_test(test_rules_L2_web_form_and_outbound_do_not_count),
      cmocka_unit_test(test_rules_L2_tag_buyer_or_stage_know_by_hand),
      cmocka_unit_test(test_rules_L2_only_from_suspect),
      cmocka_unit_test(test_rules_L3_intent_and_timeframe_make_lead),
      cmocka_unit_test(test_rules_L3_suspect_replying_with_needs_goes_to_lead),
      cmocka_unit_test(test_rules_L4_open_deal_makes_client),
      cmocka_unit_test(test_rules_L4_role_other_and_status_none_do_nothing),
      cmocka_unit_test(test_rules_L5_all_deals_closed),
      cmocka_unit_test(test_rules_L5_closing_that_is_not_the_last_open_deal),
      cmocka_unit_test(test_rules_L5_dead_deal_returns_to_earlier_status),
      cmocka_unit_test(test_rules_L5_dead_deal_after_a_closing_makes_past_client),
      cmocka_unit_test(test_rules_L6_close_dates_never_move_backwards),
      cmocka_unit_test(test_rules_L7_repeat_business),
      cmocka_unit_test(test_rules_S1_S2_follow_status),
      cmocka_unit_test(test_rules_S6_trust_after_two_closings),
      cmocka_unit_test(test_rules_S6_trust_after_second_referral),
      cmocka_unit_test(test_rules_S6_trust_never_taken_away),
      cmocka_unit_test(test_rules_C2_one_referral_raises_to_b),
      cmocka_unit_test(test_rules_C3_category_never_lowered),
      cmocka_unit_test(test_rules_M1_hand_set_value_then_event),
      cmocka_unit_test(test_rules_M1_hand_status_is_not_overridden_by_L3),
      cmocka_unit_test(test_rules_L1_status_given_on_create_wins_over_L3),
      cmocka_unit_test(test_rules_M2_switched_off_does_nothing),
      cmocka_unit_test(test_rules_property_reachable_states),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
