/* test_deal_events.c: which rule events a deal write sends to which
 * contacts (core/deal_events.c, DOMAIN.md L4-L7): created open or closed,
 * status changes open->closed, open->dead, dead->open, closed->open,
 * parties added or removed, role other, delete, and writes that change
 * nothing the rules read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/deal_events.h"

#define ANN "01900000-0000-7000-8000-00000000000a"
#define BOB "01900000-0000-7000-8000-00000000000b"
#define CAT "01900000-0000-7000-8000-00000000000c"

static rp_deal_party party(const char *id, rp_deal_role role) {
  rp_deal_party p;
  memset(&p, 0, sizeof p);
  snprintf(p.contact_id, sizeof p.contact_id, "%s", id);
  p.role = role;
  return p;
}

static rp_deal_side side(rp_deal_state st, const char *close_date, const rp_deal_party *ps,
                         size_t n) {
  rp_deal_side s = {true, st, close_date, ps, n};
  return s;
}

static const rp_deal_side none = {false};

/* The event of one contact among out[0..n), or NULL. */
static const rp_rule_event *event_of(const rp_deal_event *out, size_t n, const char *id) {
  const rp_rule_event *e = NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(out[i].contact_id, id) == 0) {
      if (e) fail_msg("two events for %s", id);
      e = &out[i].event;
    }
  return e;
}

static void test_L4_created_open_opens_for_buyer_and_seller(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER), party(BOB, RP_DEAL_SELLER),
                        party(CAT, RP_DEAL_OTHER)};
  rp_deal_side after = side(RP_DEAL_OPEN, NULL, ps, 3);
  rp_deal_event out[6];
  size_t n = rp_deal_events(&none, &after, out);
  assert_int_equal(n, 2);
  const rp_rule_event *a = event_of(out, n, ANN), *b = event_of(out, n, BOB);
  assert_non_null(a);
  assert_int_equal(a->kind, RP_EVENT_DEAL_OPENED);
  assert_true(a->role_buyer);
  assert_false(a->role_seller);
  assert_non_null(b);
  assert_int_equal(b->kind, RP_EVENT_DEAL_OPENED);
  assert_true(b->role_seller);
  assert_false(b->role_buyer);
  /* role other drives no rule */
  assert_null(event_of(out, n, CAT));
}

static void test_L6_created_closed_sends_closed_with_date(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_side after = side(RP_DEAL_CLOSED, "2026-03-01", ps, 1);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&none, &after, out);
  assert_int_equal(n, 1);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_CLOSED);
  assert_string_equal(out[0].event.close_date, "2026-03-01");
  assert_true(out[0].event.role_buyer);
}

static void test_created_dead_sends_nothing(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_side after = side(RP_DEAL_DEAD, NULL, ps, 1);
  rp_deal_event out[2];
  assert_int_equal(rp_deal_events(&none, &after, out), 0);
}

static void test_L5_open_to_closed_closes_for_each_party(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER), party(BOB, RP_DEAL_SELLER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, ps, 2);
  rp_deal_side after = side(RP_DEAL_CLOSED, "2026-05-02", ps, 2);
  rp_deal_event out[4];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 2);
  const rp_rule_event *a = event_of(out, n, ANN), *b = event_of(out, n, BOB);
  assert_int_equal(a->kind, RP_EVENT_DEAL_CLOSED);
  assert_string_equal(a->close_date, "2026-05-02");
  assert_int_equal(b->kind, RP_EVENT_DEAL_CLOSED);
  assert_true(b->role_seller);
}

static void test_L5_open_to_dead_sends_dead(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_SELLER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, ps, 1);
  rp_deal_side after = side(RP_DEAL_DEAD, NULL, ps, 1);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_DEAD);
  assert_true(out[0].event.role_seller);
}

static void test_closed_to_dead_sends_dead(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_side before = side(RP_DEAL_CLOSED, "2026-01-01", ps, 1);
  rp_deal_side after = side(RP_DEAL_DEAD, "2026-01-01", ps, 1);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_DEAD);
}

static void test_L4_dead_to_open_reopens(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_side before = side(RP_DEAL_DEAD, NULL, ps, 1);
  rp_deal_side after = side(RP_DEAL_OPEN, NULL, ps, 1);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_OPENED);
}

static void test_L7_closed_to_open_reopens(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_SELLER)};
  rp_deal_side before = side(RP_DEAL_CLOSED, "2026-01-01", ps, 1);
  rp_deal_side after = side(RP_DEAL_OPEN, "2026-01-01", ps, 1);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_OPENED);
}

static void test_L4_party_added_to_open_deal_opens_only_for_it(void **state) {
  (void)state;
  rp_deal_party old[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_party now[] = {party(ANN, RP_DEAL_BUYER), party(BOB, RP_DEAL_SELLER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, old, 1);
  rp_deal_side after = side(RP_DEAL_OPEN, NULL, now, 2);
  rp_deal_event out[3];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_string_equal(out[0].contact_id, BOB);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_OPENED);
}

static void test_L6_party_added_to_closed_deal_gets_closing(void **state) {
  (void)state;
  rp_deal_party old[] = {party(ANN, RP_DEAL_SELLER)};
  rp_deal_party now[] = {party(ANN, RP_DEAL_SELLER), party(BOB, RP_DEAL_BUYER)};
  rp_deal_side before = side(RP_DEAL_CLOSED, "2026-02-02", old, 1);
  rp_deal_side after = side(RP_DEAL_CLOSED, "2026-02-02", now, 2);
  rp_deal_event out[3];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_string_equal(out[0].contact_id, BOB);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_CLOSED);
  assert_string_equal(out[0].event.close_date, "2026-02-02");
}

static void test_L5_party_removed_from_open_deal_loses_it(void **state) {
  (void)state;
  rp_deal_party old[] = {party(ANN, RP_DEAL_BUYER), party(BOB, RP_DEAL_SELLER)};
  rp_deal_party now[] = {party(BOB, RP_DEAL_SELLER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, old, 2);
  rp_deal_side after = side(RP_DEAL_OPEN, NULL, now, 1);
  rp_deal_event out[3];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_string_equal(out[0].contact_id, ANN);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_DEAD);
  assert_true(out[0].event.role_buyer); /* the role it had */
}

static void test_party_removed_from_closed_deal_sends_nothing(void **state) {
  (void)state;
  rp_deal_party old[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_side before = side(RP_DEAL_CLOSED, "2026-01-01", old, 1);
  rp_deal_side after = side(RP_DEAL_CLOSED, "2026-01-01", NULL, 0);
  rp_deal_event out[1];
  assert_int_equal(rp_deal_events(&before, &after, out), 0);
}

static void test_role_other_changes_nothing_either_way(void **state) {
  (void)state;
  rp_deal_party old[] = {party(CAT, RP_DEAL_OTHER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, old, 1);
  rp_deal_side closed = side(RP_DEAL_CLOSED, "2026-01-01", old, 1);
  rp_deal_side gone = side(RP_DEAL_OPEN, NULL, NULL, 0);
  rp_deal_event out[2];
  assert_int_equal(rp_deal_events(&before, &closed, out), 0);
  assert_int_equal(rp_deal_events(&before, &gone, out), 0);
  assert_int_equal(rp_deal_events(&before, &none, out), 0);
}

static void test_L4_role_other_becoming_buyer_opens(void **state) {
  (void)state;
  rp_deal_party old[] = {party(CAT, RP_DEAL_OTHER)};
  rp_deal_party now[] = {party(CAT, RP_DEAL_BUYER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, old, 1);
  rp_deal_side after = side(RP_DEAL_OPEN, NULL, now, 1);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_OPENED);
  /* and back to other: it no longer counts the open deal */
  n = rp_deal_events(&after, &before, out);
  assert_int_equal(n, 1);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_DEAD);
}

static void test_L5_deleting_open_deal_sends_dead(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER), party(BOB, RP_DEAL_OTHER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, ps, 2);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&before, &none, out);
  assert_int_equal(n, 1);
  assert_string_equal(out[0].contact_id, ANN);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_DEAD);
}

static void test_deleting_closed_or_dead_deal_sends_nothing(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_side closed = side(RP_DEAL_CLOSED, "2026-01-01", ps, 1);
  rp_deal_side dead = side(RP_DEAL_DEAD, NULL, ps, 1);
  rp_deal_event out[1];
  assert_int_equal(rp_deal_events(&closed, &none, out), 0);
  assert_int_equal(rp_deal_events(&dead, &none, out), 0);
}

static void test_same_state_edits_send_nothing(void **state) {
  (void)state;
  /* a new price, a new close date, buyer becoming seller: the counts the
   * rules read stay the same */
  rp_deal_party buyer[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_party seller[] = {party(ANN, RP_DEAL_SELLER)};
  rp_deal_side a = side(RP_DEAL_OPEN, NULL, buyer, 1);
  rp_deal_side b = side(RP_DEAL_OPEN, "2026-09-09", seller, 1);
  rp_deal_side c = side(RP_DEAL_CLOSED, "2026-01-01", buyer, 1);
  rp_deal_side d = side(RP_DEAL_CLOSED, "2026-02-01", buyer, 1);
  rp_deal_event out[2];
  assert_int_equal(rp_deal_events(&a, &b, out), 0);
  assert_int_equal(rp_deal_events(&c, &d, out), 0);
}

static void test_contact_with_two_roles_gets_one_event(void **state) {
  (void)state;
  rp_deal_party ps[] = {party(ANN, RP_DEAL_BUYER), party(ANN, RP_DEAL_SELLER),
                        party(ANN, RP_DEAL_OTHER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, ps, 3);
  rp_deal_side after = side(RP_DEAL_CLOSED, "2026-04-04", ps, 3);
  rp_deal_event out[6];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 1);
  assert_true(out[0].event.role_buyer);
  assert_true(out[0].event.role_seller);
  assert_int_equal(out[0].event.kind, RP_EVENT_DEAL_CLOSED);
}

static void test_status_change_with_parties_swapped(void **state) {
  (void)state;
  /* open -> closed while Ann leaves and Bob joins: Ann loses an open deal,
   * Bob gets a closing */
  rp_deal_party old[] = {party(ANN, RP_DEAL_BUYER)};
  rp_deal_party now[] = {party(BOB, RP_DEAL_BUYER)};
  rp_deal_side before = side(RP_DEAL_OPEN, NULL, old, 1);
  rp_deal_side after = side(RP_DEAL_CLOSED, "2026-06-06", now, 1);
  rp_deal_event out[2];
  size_t n = rp_deal_events(&before, &after, out);
  assert_int_equal(n, 2);
  assert_int_equal(event_of(out, n, ANN)->kind, RP_EVENT_DEAL_DEAD);
  assert_int_equal(event_of(out, n, BOB)->kind, RP_EVENT_DEAL_CLOSED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_L4_created_open_opens_for_buyer_and_seller),
      cmocka_unit_test(test_L6_created_closed_sends_closed_with_date),
      cmocka_unit_test(test_created_dead_sends_nothing),
      cmocka_unit_test(test_L5_open_to_closed_closes_for_each_party),
      cmocka_unit_test(test_L5_open_to_dead_sends_dead),
      cmocka_unit_test(test_closed_to_dead_sends_dead),
      cmocka_unit_test(test_L4_dead_to_open_reopens),
      cmocka_unit_test(test_L7_closed_to_open_reopens),
      cmocka_unit_test(test_L4_party_added_to_open_deal_opens_only_for_it),
      cmocka_unit_test(test_L6_party_added_to_closed_deal_gets_closing),
      cmocka_unit_test(test_L5_party_removed_from_open_deal_loses_it),
      cmocka_unit_test(test_party_removed_from_closed_deal_sends_nothing),
      cmocka_unit_test(test_role_other_changes_nothing_either_way),
      cmocka_unit_test(test_L4_role_other_becoming_buyer_opens),
      cmocka_unit_test(test_L5_deleting_open_deal_sends_dead),
      cmocka_unit_test(test_deleting_closed_or_dead_deal_sends_nothing),
      cmocka_unit_test(test_same_state_edits_send_nothing),
      cmocka_unit_test(test_contact_with_two_roles_gets_one_event),
      cmocka_unit_test(test_status_change_with_parties_swapped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
