/* Rebuilding the lifecycle fields at a past moment (DOMAIN.md M3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/history.h"

#define DAY 86400

static const rp_history life[] = {
    {.field = "status", .from = NULL, .to = "suspect", .rule = "L1", .at = 10 * DAY},
    {.field = "stage", .from = NULL, .to = "aware", .rule = "S2", .at = 10 * DAY},
    {.field = "status", .from = "suspect", .to = "prospect", .rule = "L2", .at = 20 * DAY},
    {.field = "stage", .from = "aware", .to = "know", .rule = "S3", .at = 20 * DAY},
    {.field = "status", .from = "prospect", .to = "client", .rule = "L4", .at = 30 * DAY},
    {.field = "type", .from = "prospect", .to = "client", .rule = "L4", .at = 30 * DAY},
    {.field = "stage", .from = "know", .to = "like", .rule = "S4", .at = 30 * DAY},
    {.field = "category", .from = "none", .to = "b", .rule = "C2", .at = 35 * DAY},
    {.field = "status", .from = "client", .to = "past_client", .rule = "L5", .at = 40 * DAY},
};
static const size_t n_life = sizeof life / sizeof life[0];

static void test_history_M3_state_at_each_moment(void **state) {
  (void)state;
  rp_lifecycle_state s = rp_history_state_at(life, n_life, 25 * DAY);
  assert_int_equal(s.status, RP_STATUS_PROSPECT);
  assert_int_equal(s.stage, RP_STAGE_KNOW);
  assert_int_equal(s.category, RP_CATEGORY_NONE);
  assert_int_equal(s.type, RP_TYPE_PROSPECT); /* the `from` of its first row */
  s = rp_history_state_at(life, n_life, 30 * DAY);
  assert_int_equal(s.status, RP_STATUS_CLIENT);
  assert_int_equal(s.type, RP_TYPE_CLIENT);
  assert_int_equal(s.stage, RP_STAGE_LIKE);
  s = rp_history_state_at(life, n_life, 100 * DAY);
  assert_int_equal(s.status, RP_STATUS_PAST_CLIENT);
  assert_int_equal(s.category, RP_CATEGORY_B);
}

static void test_history_M3_before_creation_is_the_default(void **state) {
  (void)state;
  rp_lifecycle_state s = rp_history_state_at(life, n_life, 5 * DAY);
  assert_int_equal(s.status, RP_STATUS_NONE);
  assert_int_equal(s.stage, RP_STAGE_NONE);
  assert_int_equal(s.category, RP_CATEGORY_NONE);
  s = rp_history_state_at(NULL, 0, 5 * DAY);
  assert_int_equal(s.type, RP_TYPE_CLIENT);
}

static void test_history_M3_unknown_rows_are_skipped(void **state) {
  (void)state;
  rp_history odd[] = {
      {.field = "status", .from = NULL, .to = "lead", .rule = "manual", .at = DAY},
      {.field = "status", .from = "lead", .to = "bogus", .rule = "manual", .at = 2 * DAY},
      {.field = "mood", .from = "calm", .to = "happy", .rule = "manual", .at = 2 * DAY},
  };
  rp_lifecycle_state s = rp_history_state_at(odd, 3, 3 * DAY);
  assert_int_equal(s.status, RP_STATUS_LEAD);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_history_M3_state_at_each_moment),
      cmocka_unit_test(test_history_M3_before_creation_is_the_default),
      cmocka_unit_test(test_history_M3_unknown_rows_are_skipped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
