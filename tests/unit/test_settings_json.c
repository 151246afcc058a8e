/* test_settings_json.c: the settings object of API.md Settings as an
 * account owner sees it: defaults filled in, a partial PUT keeping what it
 * does not name, objects merged one level, null going back to the default,
 * each bad value refused with the field path, stored settings read back
 * (and old invalid ones skipped). No server, no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/settings_json.h"
#include "jobs/lifecycle.h"
#include "util/error.h"

static json_t *load(const char *text) {
  json_error_t e;
  json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);
  if (!v) fail_msg("test JSON does not parse: %s: %s", e.text, text);
  return v;
}

/* Applies body text to cur; returns the rc, *out the new object or NULL. */
static int put(json_t **out, const json_t *cur, const char *body) {
  json_t *b = load(body);
  rp_error_clear();
  int rc = rp_settings_apply(out, cur, b);
  json_decref(b);
  return rc;
}

static void refused(const char *body, int code, const char *field) {
  json_t *cur = rp_settings_defaults("US"), *out = NULL;
  int rc = put(&out, cur, body);
  if (rc != code || strcmp(rp_error_last()->field, field) != 0)
    fail_msg("%s: want %d field '%s', got %d field '%s' (%s)", body, code, field, rc,
             rp_error_last()->field, rp_error_last()->message);
  assert_null(out);
  json_decref(cur);
}

static const char *str_at(const json_t *o, const char *a, const char *b) {
  const json_t *v = json_object_get(o, a);
  if (b) v = json_object_get(v, b);
  return json_string_value(v);
}

static bool bool_at(const json_t *o, const char *a, const char *b) {
  return json_is_true(json_object_get(json_object_get(o, a), b));
}

static void test_defaults_are_complete(void **state) {
  (void)state;
  json_t *d = rp_settings_defaults("GB");
  json_t *want =
      load("{\"timezone\": \"UTC\", \"office_hours\": {\"start\": \"09:00\", \"end\": \"18:00\","
           " \"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]}, \"default_region\": \"GB\","
           " \"currency\": \"USD\", \"default_commission\": 7500, \"valuation_multiple\": 1.0,"
           " \"automation\": {\"status_rules\": true, \"stage_rules\": true,"
           " \"category_rules\": true, \"workflows\": true},"
           " \"routing\": {\"mode\": \"owner\", \"agent_ids\": []}, \"scoring\": {}}");
  assert_true(json_equal(d, want));
  /* keys in the documented order */
  static const char *const keys[] = {
      "timezone",           "office_hours", "default_region", "currency", "default_commission",
      "valuation_multiple", "automation",   "routing",        "scoring"};
  size_t i = 0;
  const char *k;
  json_t *v;
  json_object_foreach(d, k, v) { assert_string_equal(k, keys[i++]); }
  json_decref(want);
  json_decref(d);
  d = rp_settings_defaults(NULL);
  assert_string_equal(str_at(d, "default_region", NULL), "US");
  json_decref(d);
}

static void test_partial_put_keeps_the_rest(void **state) {
  (void)state;
  json_t *cur = rp_settings_defaults("US"), *next = NULL;
  assert_int_equal(put(&next, cur,
                       "{\"timezone\": \"America/New_York\", \"currency\": \"CAD\","
                       " \"default_commission\": 9000.5, \"valuation_multiple\": 2,"
                       " \"default_region\": \"CA\"}"),
                   0);
  assert_string_equal(str_at(next, "timezone", NULL), "America/New_York");
  assert_string_equal(str_at(next, "currency", NULL), "CAD");
  assert_string_equal(str_at(next, "default_region", NULL), "CA");
  assert_true(json_number_value(json_object_get(next, "default_commission")) == 9000.5);
  assert_true(json_is_real(json_object_get(next, "valuation_multiple")));
  assert_true(json_real_value(json_object_get(next, "valuation_multiple")) == 2.0);
  /* untouched keys kept */
  assert_string_equal(str_at(next, "office_hours", "start"), "09:00");
  assert_true(bool_at(next, "automation", "status_rules"));
  /* current is only read */
  assert_string_equal(str_at(cur, "timezone", NULL), "UTC");
  json_decref(next);
  json_decref(cur);
}

static void test_objects_merge_one_level(void **state) {
  (void)state;
  json_t *cur = rp_settings_defaults("US"), *next = NULL, *again = NULL;
  assert_int_equal(put(&next, cur,
                       "{\"office_hours\": {\"end\": \"17:30\", \"days\": [\"sat\", \"mon\"]},"
                       " \"automation\": {\"stage_rules\": false},"
                       " \"routing\": {\"mode\": \"round_robin\"}}"),
                   0);
  assert_string_equal(str_at(next, "office_hours", "start"), "09:00");
  assert_string_equal(str_at(next, "office_hours", "end"), "17:30");
  /* days come back in week order */
  json_t *days = json_object_get(json_object_get(next, "office_hours"), "days");
  assert_int_equal(json_array_size(days), 2);
  assert_string_equal(json_string_value(json_array_get(days, 0)), "mon");
  assert_string_equal(json_string_value(json_array_get(days, 1)), "sat");
  assert_false(bool_at(next, "automation", "stage_rules"));
  assert_true(bool_at(next, "automation", "status_rules"));
  assert_string_equal(str_at(next, "routing", "mode"), "round_robin");
  assert_int_equal(json_array_size(json_object_get(json_object_get(next, "routing"), "agent_ids")),
                   0);
  /* a later PUT of another switch keeps this one off (M2) */
  assert_int_equal(put(&again, next, "{\"automation\": {\"category_rules\": false}}"), 0);
  assert_false(bool_at(again, "automation", "stage_rules"));
  assert_false(bool_at(again, "automation", "category_rules"));
  json_decref(again);
  json_decref(next);
  json_decref(cur);
}

static void test_null_goes_back_to_the_default(void **state) {
  (void)state;
  json_t *cur = rp_settings_defaults("US"), *a = NULL, *b = NULL;
  assert_int_equal(put(&a, cur,
                       "{\"currency\": \"EUR\", \"office_hours\": {\"start\": \"07:00\"},"
                       " \"automation\": {\"workflows\": false}, \"scoring\": {\"x\": 1}}"),
                   0);
  assert_int_equal(put(&b, a,
                       "{\"currency\": null, \"office_hours\": {\"start\": null},"
                       " \"automation\": null, \"scoring\": null}"),
                   0);
  json_t *d = rp_settings_defaults("US");
  assert_true(json_equal(b, d));
  json_decref(d);
  json_decref(a);
  json_decref(b);
  json_decref(cur);
}

static void test_timezone_shape(void **state) {
  (void)state;
  json_t *cur = rp_settings_defaults("US"), *next = NULL;
  static const char *const good[] = {"UTC", "Europe/Paris", "America/Argentina/Buenos_Aires",
                                     "Etc/GMT+5", "America/Port-au-Prince"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    char body[128];
    snprintf(body, sizeof body, "{\"timezone\": \"%s\"}", good[i]);
    if (put(&next, cur, body) != 0) fail_msg("%s refused: %s", good[i], rp_error_last()->message);
    json_decref(next);
  }
  refused("{\"timezone\": \"utc\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"Paris\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"europe/paris\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"Europe/\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"Europe//Paris\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"/Europe/Paris\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"Europe/Pa ris\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"+02:00\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"Mars/Olympus_Mons\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": \"\"}", RP_EINVALID_VALUE, "timezone");
  refused("{\"timezone\": 2}", RP_EINVALID_VALUE, "timezone");
  json_decref(cur);
}

static void test_office_hours_checked(void **state) {
  (void)state;
  refused("{\"office_hours\": {\"start\": \"9:00\"}}", RP_EINVALID_VALUE, "office_hours.start");
  refused("{\"office_hours\": {\"start\": \"24:00\"}}", RP_EINVALID_VALUE, "office_hours.start");
  refused("{\"office_hours\": {\"end\": \"17:60\"}}", RP_EINVALID_VALUE, "office_hours.end");
  refused("{\"office_hours\": {\"end\": 1700}}", RP_EINVALID_VALUE, "office_hours.end");
  /* start before end, also against the value kept */
  refused("{\"office_hours\": {\"start\": \"19:00\"}}", RP_EINVALID_VALUE, "office_hours.start");
  refused("{\"office_hours\": {\"start\": \"10:00\", \"end\": \"10:00\"}}", RP_EINVALID_VALUE,
          "office_hours.end");
  refused("{\"office_hours\": {\"days\": [\"mon\", \"funday\"]}}", RP_EINVALID_VALUE,
          "office_hours.days[1]");
  refused("{\"office_hours\": {\"days\": [\"mon\", \"tue\", \"mon\"]}}", RP_EINVALID_VALUE,
          "office_hours.days[2]");
  refused("{\"office_hours\": {\"days\": \"mon\"}}", RP_EINVALID_VALUE, "office_hours.days");
  refused("{\"office_hours\": {\"lunch\": \"12:00\"}}", RP_EUNKNOWN_FIELD, "office_hours.lunch");
  refused("{\"office_hours\": \"9-5\"}", RP_EINVALID_VALUE, "office_hours");
}

static void test_values_checked(void **state) {
  (void)state;
  refused("{\"theme\": \"dark\"}", RP_EUNKNOWN_FIELD, "theme");
  refused("{\"default_region\": \"us\"}", RP_EINVALID_VALUE, "default_region");
  refused("{\"default_region\": \"USA\"}", RP_EINVALID_VALUE, "default_region");
  refused("{\"default_region\": \"ZZ\"}", RP_EINVALID_VALUE, "default_region");
  refused("{\"currency\": \"usd\"}", RP_EINVALID_VALUE, "currency");
  refused("{\"currency\": \"US$\"}", RP_EINVALID_VALUE, "currency");
  refused("{\"default_commission\": -1}", RP_EINVALID_VALUE, "default_commission");
  refused("{\"default_commission\": \"7500\"}", RP_EINVALID_VALUE, "default_commission");
  refused("{\"valuation_multiple\": 0}", RP_EINVALID_VALUE, "valuation_multiple");
  refused("{\"valuation_multiple\": -2.5}", RP_EINVALID_VALUE, "valuation_multiple");
  refused("{\"automation\": {\"status_rules\": \"no\"}}", RP_EINVALID_VALUE,
          "automation.status_rules");
  refused("{\"automation\": {\"status_rules\": 0}}", RP_EINVALID_VALUE, "automation.status_rules");
  refused("{\"automation\": {\"score_rules\": true}}", RP_EUNKNOWN_FIELD, "automation.score_rules");
  refused("{\"routing\": {\"mode\": \"random\"}}", RP_EINVALID_VALUE, "routing.mode");
  refused("{\"routing\": {\"agent_ids\": [\"bob\"]}}", RP_EINVALID_VALUE, "routing.agent_ids[0]");
  refused("{\"routing\": {\"agent_ids\": [\"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b\","
          " \"0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B\"]}}",
          RP_EINVALID_VALUE, "routing.agent_ids[1]");
  refused("{\"routing\": {\"agents\": []}}", RP_EUNKNOWN_FIELD, "routing.agents");
  refused("{\"scoring\": [1]}", RP_EINVALID_VALUE, "scoring");
}

static void test_refused_put_changes_nothing(void **state) {
  (void)state;
  json_t *cur = rp_settings_defaults("US"), *out = NULL;
  /* a good key with a bad one: refused whole, current untouched */
  assert_int_equal(put(&out, cur, "{\"currency\": \"EUR\", \"valuation_multiple\": 0}"),
                   RP_EINVALID_VALUE);
  assert_null(out);
  assert_string_equal(str_at(cur, "currency", NULL), "USD");
  json_decref(cur);
}

static void test_stored_settings_read_back(void **state) {
  (void)state;
  json_t *cur = rp_settings_defaults("US"), *next = NULL;
  assert_int_equal(put(&next, cur,
                       "{\"timezone\": \"Europe/Berlin\", \"default_region\": \"DE\","
                       " \"automation\": {\"status_rules\": false},"
                       " \"routing\": {\"mode\": \"round_robin\", \"agent_ids\":"
                       " [\"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b\"]}}"),
                   0);
  char *text = rp_settings_dump_stored(next);
  assert_non_null(text);
  /* default_region lives in the account's column, not in the text */
  json_t *stored = load(text);
  assert_null(json_object_get(stored, "default_region"));
  json_decref(stored);
  json_t *back = rp_settings_from_stored(text, "DE");
  assert_true(json_equal(back, next));
  /* the lifecycle reads the same switches (M2) */
  rp_automation sw;
  rp_automation_from_settings(&sw, text);
  assert_false(sw.status_rules);
  assert_true(sw.stage_rules);
  assert_true(sw.category_rules);
  free(text);
  json_decref(back);
  json_decref(next);
  json_decref(cur);
}

static void test_stored_invalid_or_partial_settings_fall_back(void **state) {
  (void)state;
  json_t *s = rp_settings_from_stored(
      "{\"currency\": \"EUR\", \"timezone\": \"nowhere\", \"legacy\": 1,"
      " \"office_hours\": {\"days\": [\"sun\"]}, \"default_region\": \"FR\"}",
      "GB");
  assert_string_equal(str_at(s, "currency", NULL), "EUR");
  assert_string_equal(str_at(s, "timezone", NULL), "UTC");
  assert_null(json_object_get(s, "legacy"));
  assert_string_equal(str_at(s, "office_hours", "start"), "09:00");
  assert_string_equal(json_string_value(json_array_get(
                          json_object_get(json_object_get(s, "office_hours"), "days"), 0)),
                      "sun");
  /* the account's column wins */
  assert_string_equal(str_at(s, "default_region", NULL), "GB");
  json_decref(s);
  s = rp_settings_from_stored("not json", NULL);
  json_t *d = rp_settings_defaults("US");
  assert_true(json_equal(s, d));
  json_decref(d);
  json_decref(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_are_complete),
      cmocka_unit_test(test_partial_put_keeps_the_rest),
      cmocka_unit_test(test_objects_merge_one_level),
      cmocka_unit_test(test_null_goes_back_to_the_default),
      cmocka_unit_test(test_timezone_shape),
      cmocka_unit_test(test_office_hours_checked),
      cmocka_unit_test(test_values_checked),
      cmocka_unit_test(test_refused_put_changes_nothing),
      cmocka_unit_test(test_stored_settings_read_back),
      cmocka_unit_test(test_stored_invalid_or_partial_settings_fall_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
