/* test_workflow.c: the planning of a workflow's steps (core/workflow.c;
 * API.md "Workflows", DOMAIN.md A1 speed to lead, A5 post-closing) and
 * the trigger filter. Pure: times in, times out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/workflow.h"
#include "util/clock.h"
#include "util/tz.h"

static rp_time at(const char *s) {
  rp_time t = 0;
  assert_int_equal(rp_time_parse(&t, s, strlen(s)), 0);
  return t;
}

static rp_duration dur(const char *s) {
  rp_duration d;
  assert_int_equal(rp_duration_parse(&d, s, strlen(s), NULL, 0), 0);
  return d;
}

static const rp_office_hours weekdays_9_18 = {9 * 3600, 18 * 3600, 0x1f};

static void assert_time(rp_time got, const char *want) {
  char buf[21];
  assert_string_equal(rp_time_format(got, buf), want);
}

/* Office hours: a Saturday evening moves to Monday's opening, local time,
 * whatever the UTC offset of the day. */
static void test_office_hours_next(void **state) {
  (void)state;
  const rp_tz *ny = rp_tz_get("America/New_York");
  assert_non_null(ny);
  /* Saturday 2026-11-28 20:00 New York -> Monday 09:00 (UTC-5) */
  assert_time(rp_office_hours_next(at("2026-11-29T01:00:00Z"), &weekdays_9_18, ny),
              "2026-11-30T14:00:00Z");
  /* inside: unchanged */
  assert_time(rp_office_hours_next(at("2026-11-30T15:30:00Z"), &weekdays_9_18, ny),
              "2026-11-30T15:30:00Z");
  /* Friday 2026-03-06 19:00 EST -> Monday 2026-03-09 09:00 EDT (after the
   * spring change on the 8th: UTC-4) */
  assert_time(rp_office_hours_next(at("2026-03-07T00:00:00Z"), &weekdays_9_18, ny),
              "2026-03-09T13:00:00Z");
  /* no office days: as is */
  rp_office_hours none = {9 * 3600, 18 * 3600, 0};
  assert_time(rp_office_hours_next(at("2026-11-29T01:00:00Z"), &none, ny), "2026-11-29T01:00:00Z");
}

/* A1: the speed-to-lead text goes at once (any_time), the call task right
 * after; "after" chains from the previous step's planned time, which the
 * office hours may have moved. */
static void test_workflow_A1_speed_to_lead_any_time(void **state) {
  (void)state;
  rp_workflow_def def = {.event = RP_WF_EV_LEAD_CAPTURED, .n_steps = 3};
  def.steps[0] = (rp_wf_step){.timing = RP_WF_AFTER, .after = dur("PT0S"), .any_time = true,
                              .action = RP_WF_SEND_SMS, .body = "x", .at_sec = -1};
  def.steps[1] = (rp_wf_step){.timing = RP_WF_AFTER, .after = dur("PT0S"),
                              .action = RP_WF_CREATE_TASK, .body = "call", .at_sec = -1};
  def.steps[2] = (rp_wf_step){.timing = RP_WF_AFTER, .after = dur("P1D"),
                              .action = RP_WF_SEND_EMAIL, .body = "x", .at_sec = -1};
  rp_wf_anchors a = {.enrolled_at = at("2026-11-29T01:00:00Z"),
                     .tz = rp_tz_get("America/New_York"),
                     .office = weekdays_9_18};
  rp_wf_planned p[3];
  rp_workflow_plan(p, &def, &a);
  assert_null(p[0].skip);
  assert_time(p[0].due_at, "2026-11-29T01:00:00Z"); /* Saturday night, at once */
  assert_time(p[1].due_at, "2026-11-29T01:00:00Z"); /* a task is not held back */
  /* Sunday 20:00 local is closed: Monday 09:00 */
  assert_time(p[2].due_at, "2026-11-30T14:00:00Z");
}

/* A5: post-closing touches from the close date and the yearly birthday,
 * the n-th occurrence after the enrolment; a missing date skips the step
 * with the reason, a past "on" too. */
static void test_workflow_A5_post_closing_anchors(void **state) {
  (void)state;
  rp_workflow_def def = {.event = RP_WF_EV_STATUS_CHANGED, .n_steps = 5};
  def.steps[0] = (rp_wf_step){.timing = RP_WF_RELATIVE, .relative_to = RP_WF_CLOSE_DATE,
                              .offset = dur("P3M"), .at_sec = -1, .action = RP_WF_CREATE_TASK,
                              .body = "q"};
  def.steps[1] = (rp_wf_step){.timing = RP_WF_RELATIVE, .relative_to = RP_WF_BIRTHDAY,
                              .offset = dur("P0D"), .occurrence = 2, .at_sec = 10 * 3600,
                              .action = RP_WF_SEND_SMS, .body = "hb"};
  def.steps[2] = (rp_wf_step){.timing = RP_WF_RELATIVE, .relative_to = RP_WF_ANNIVERSARY,
                              .occurrence = 1, .at_sec = -1, .action = RP_WF_SEND_SMS,
                              .body = "x"};
  def.steps[3] = (rp_wf_step){.timing = RP_WF_ON, .on = at("2026-01-01T00:00:00Z"),
                              .action = RP_WF_ADD_TAG, .value = "t", .at_sec = -1};
  def.steps[4] = (rp_wf_step){.timing = RP_WF_RELATIVE, .relative_to = RP_WF_CLOSE_DATE,
                              .offset = dur("-P1Y"), .at_sec = -1, .action = RP_WF_CREATE_TASK,
                              .body = "q"};
  rp_wf_anchors a = {.enrolled_at = at("2027-03-01T15:00:00Z"),
                     .tz = rp_tz_get("America/New_York"),
                     .office = weekdays_9_18,
                     .birthday = "--04-15",
                     .close_date = "2027-03-01"};
  rp_wf_planned p[5];
  rp_workflow_plan(p, &def, &a);
  assert_null(p[0].skip);
  assert_time(p[0].due_at, "2027-06-01T13:00:00Z"); /* 09:00 EDT */
  assert_null(p[1].skip);
  assert_time(p[1].due_at, "2028-04-15T14:00:00Z"); /* the second birthday, 10:00 EDT */
  assert_string_equal(p[2].skip, "the contact has no anniversary");
  assert_string_equal(p[3].skip, "the date had passed at enrolment");
  assert_string_equal(p[4].skip, "the date had passed at enrolment");
}

static const char *field(const char *key, void *ctx) {
  (void)ctx;
  if (!strcmp(key, "status")) return "lead";
  if (!strcmp(key, "intent")) return "buy";
  return NULL;
}
static bool has_tag(const char *tag, void *ctx) {
  (void)ctx;
  return !strcmp(tag, "vip");
}

/* A filter entry matches one of its values; every entry must match. */
static void test_workflow_filter(void **state) {
  (void)state;
  rp_workflow_def def = {.n_filters = 2};
  def.filters[0] = (rp_wf_filter){.key = "intent", .values = {"buy", "buy_sell"}, .n_values = 2};
  def.filters[1] = (rp_wf_filter){.key = "to", .values = {"lead"}, .n_values = 1};
  rp_wf_subject s = {field, has_tag, NULL, "lead"};
  assert_true(rp_workflow_filter_match(&def, &s));
  s.to = "client";
  assert_false(rp_workflow_filter_match(&def, &s));
  s.to = NULL;
  assert_false(rp_workflow_filter_match(&def, &s));
  def.n_filters = 1;
  def.filters[0] = (rp_wf_filter){.key = "tag", .values = {"gold", "vip"}, .n_values = 2};
  assert_true(rp_workflow_filter_match(&def, &s));
  def.filters[0] = (rp_wf_filter){.key = "source", .values = {"zillow"}, .n_values = 1};
  assert_false(rp_workflow_filter_match(&def, &s)); /* no source */
  def.n_filters = 0;
  assert_true(rp_workflow_filter_match(&def, &s));
  assert_true(rp_workflow_filter_key_known("owner_id"));
  assert_false(rp_workflow_filter_key_known("color"));
}

static void test_office_time_parse(void **state) {
  (void)state;
  int32_t t;
  assert_int_equal(rp_office_time_parse(&t, "09:30", 5), 0);
  assert_int_equal(t, 9 * 3600 + 30 * 60);
  assert_int_equal(rp_office_time_parse(&t, "24:00", 5), 0);
  assert_int_not_equal(rp_office_time_parse(&t, "24:01", 5), 0);
  assert_int_not_equal(rp_office_time_parse(&t, "9:30", 4), 0);
  assert_int_not_equal(rp_office_time_parse(&t, "09:60", 5), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_office_hours_next),
      cmocka_unit_test(test_workflow_A1_speed_to_lead_any_time),
      cmocka_unit_test(test_workflow_A5_post_closing_anchors),
      cmocka_unit_test(test_workflow_filter),
      cmocka_unit_test(test_office_time_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
