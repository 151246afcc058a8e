/* test_form.c: form-encoded bodies as browsers send an HTML form
 * (util/form.h; the public lead capture form, API.md "Lead capture"):
 * decoding, empty pieces, bounds, and malformed escapes refused with the
 * field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/error.h"
#include "util/form.h"

static int parse(rp_arena *ar, const char *s, rp_form_field **f, size_t *n) {
  rp_error_clear();
  return rp_form_parse(f, n, s, strlen(s), ar);
}

static void test_form_decodes_fields_in_order(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_form_field *f;
  size_t n;
  const char *body = "first_name=Zo%C3%A9&email=a%40b.test&message=Hi+there%0A100%25+%26+more"
                     "&phone=%2B1+212";
  assert_int_equal(parse(&ar, body, &f, &n), 0);
  assert_int_equal(n, 4);
  assert_string_equal(f[0].name, "first_name");
  assert_string_equal(f[0].value, "Zo\xc3\xa9");
  assert_string_equal(f[1].value, "a@b.test");
  assert_string_equal(f[2].value, "Hi there\n100% & more");
  assert_string_equal(f[3].value, "+1 212");
  assert_ptr_equal(rp_form_get(f, n, "email"), &f[1]);
  assert_null(rp_form_get(f, n, "Email"));
  rp_arena_free(&ar);
}

static void test_form_empty_pieces_and_bare_names(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_form_field *f;
  size_t n;
  assert_int_equal(parse(&ar, "", &f, &n), 0);
  assert_int_equal(n, 0);
  assert_int_equal(parse(&ar, "&&a=1&&website&b=&", &f, &n), 0);
  assert_int_equal(n, 3);
  assert_string_equal(f[0].value, "1");
  assert_string_equal(f[1].name, "website");
  assert_int_equal(f[1].value_len, 0);
  assert_int_equal(f[2].value_len, 0);
  /* a NUL byte is given with its length: the caller refuses it as text */
  assert_int_equal(parse(&ar, "x=a%00b", &f, &n), 0);
  assert_int_equal(f[0].value_len, 3);
  rp_arena_free(&ar);
}

static void test_form_malformed_escapes_refused_with_field(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_form_field *f;
  size_t n;
  assert_int_equal(parse(&ar, "email=a%40b.test&message=50%", &f, &n), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "message");
  assert_non_null(strstr(rp_error_last()->message, "two hex digits"));
  assert_int_equal(parse(&ar, "message=%4g", &f, &n), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "message");
  assert_int_equal(parse(&ar, "na%zzme=1", &f, &n), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "");
  assert_int_equal(parse(&ar, "=1", &f, &n), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "without a name"));
  rp_arena_free(&ar);
}

static void test_form_bounded(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_form_field *f;
  size_t n;
  char body[4 * (RP_FORM_MAX_FIELDS + 1) + 1];
  size_t k = 0;
  for (int i = 0; i <= RP_FORM_MAX_FIELDS; i++)
    k += (size_t)snprintf(body + k, sizeof body - k, "%sa=", i ? "&" : "");
  assert_int_equal(parse(&ar, body, &f, &n), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "more than"));
  char name[RP_FORM_NAME_MAX + 3];
  memset(name, 'n', RP_FORM_NAME_MAX + 1);
  strcpy(name + RP_FORM_NAME_MAX + 1, "=");
  assert_int_equal(parse(&ar, name, &f, &n), RP_EINVALID_VALUE);
  static char big[RP_FORM_MAX_BYTES + 2];
  memset(big, 'x', sizeof big - 1);
  memcpy(big, "message=", 8);
  assert_int_equal(rp_form_parse(&f, &n, big, sizeof big - 1, &ar), RP_ETOOLARGE);
  assert_int_equal(rp_form_parse(&f, &n, big, RP_FORM_MAX_BYTES, &ar), 0);
  assert_int_equal(n, 1);
  rp_arena_free(&ar);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_form_decodes_fields_in_order),
      cmocka_unit_test(test_form_empty_pieces_and_bare_names),
      cmocka_unit_test(test_form_malformed_escapes_refused_with_field),
      cmocka_unit_test(test_form_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
