/* test_duplicates.c: core/duplicates.c (API.md duplicates: close names at
 * one address). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/duplicates.h"

static void fold_drops_case_accents_and_punctuation(void **state) {
  (void)state;
  char out[RP_DUP_NAME_MAX + 1];
  rp_dup_fold(out, sizeof out, "Zoë O'Brien-Núñez");
  assert_string_equal(out, "zoeobriennunez");
  rp_dup_fold(out, sizeof out, "Łukasiewicz Straße");
  assert_string_equal(out, "lukasiewiczstrasse");
  rp_dup_fold(out, sizeof out, "Σωκράτης 42");
  assert_string_equal(out, "42");
  rp_dup_fold(out, sizeof out, NULL);
  assert_string_equal(out, "");
}

static void distance_is_levenshtein_with_a_limit(void **state) {
  (void)state;
  assert_int_equal(rp_dup_distance("smith", "smith", 2), 0);
  assert_int_equal(rp_dup_distance("smith", "smyth", 2), 1);
  assert_int_equal(rp_dup_distance("jon", "john", 2), 1);
  assert_int_equal(rp_dup_distance("kitten", "sitting", 5), 3);
  assert_int_equal(rp_dup_distance("kitten", "sitting", 2), 3); /* limit + 1 */
  assert_int_equal(rp_dup_distance("a", "abcdef", 2), 3);
}

static void close_names_are_one_person_at_one_address(void **state) {
  (void)state;
  assert_true(rp_dup_names_close("Jon", "Smith", "Jonathan", "Smith"));
  assert_true(rp_dup_names_close("J.", "Smith", "John", "Smith"));
  assert_true(rp_dup_names_close("José", "Núñez", "Jose", "Nunez"));
  assert_true(rp_dup_names_close("Katherine", "Smyth", "Katharine", "Smith"));
  assert_true(rp_dup_names_close("Anna", "Kowalczykowska", "Anna", "Kowalczykowsky"));
  /* a family at one address is not one person */
  assert_false(rp_dup_names_close("Bob", "Smith", "Carol", "Smith"));
  assert_false(rp_dup_names_close("Mark", "Lee", "Mary", "Lee"));
  assert_false(rp_dup_names_close("Anna", "Lee", "Anna", "Leeds"));
  assert_false(rp_dup_names_close("Anna", "", "Anna", ""));
  assert_false(rp_dup_names_close(NULL, "Lee", "Anna", "Lee"));
  assert_true(rp_dup_names_close(NULL, "Lee", NULL, "Lee"));
}

static void address_key_is_street_and_postal_code(void **state) {
  (void)state;
  char a[160], b[160];
  rp_dup_address_key(a, sizeof a, "12 Elm St.", "07042", "Montclair");
  rp_dup_address_key(b, sizeof b, "12 elm st", "07042", NULL);
  assert_string_equal(a, b);
  rp_dup_address_key(b, sizeof b, "12 Elm St", NULL, "Montclair");
  assert_string_equal(b, "12elmst|montclair");
  rp_dup_address_key(b, sizeof b, NULL, "07042", "Montclair");
  assert_string_equal(b, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fold_drops_case_accents_and_punctuation),
      cmocka_unit_test(distance_is_levenshtein_with_a_limit),
      cmocka_unit_test(close_names_are_one_person_at_one_address),
      cmocka_unit_test(address_key_is_street_and_postal_code),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
