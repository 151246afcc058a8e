/* test_email.c: email addresses are checked for syntax (API.md contacts);
 * valid ones come back trimmed with the domain lower-cased, invalid ones are
 * refused with a reason the user can act on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/email.h"
#include "util/error.h"

static void test_email_accepts_common_addresses(void **state) {
  (void)state;
  static const struct {
    const char *in, *want;
  } cases[] = {
      {"jane@example.com", "jane@example.com"},
      {"Jane.Doe@Example.COM", "Jane.Doe@example.com"}, /* local part kept as typed */
      {"  jane@example.com \t", "jane@example.com"},
      {"\xc2\xa0jane@example.com\xc2\xa0", "jane@example.com"}, /* pasted NBSP */
      {"jane+listings@example.com", "jane+listings@example.com"},
      {"o'brien@example.ie", "o'brien@example.ie"},
      {"first_last-1@sub.mail.example.co.uk", "first_last-1@sub.mail.example.co.uk"},
      {"a@b.co", "a@b.co"},
      {"x!#$%&'*+-/=?^_`{|}~y@example.org", "x!#$%&'*+-/=?^_`{|}~y@example.org"},
      {"user@xn--bcher-kva.example", "user@xn--bcher-kva.example"},
      {"user@b\xc3\xbc"
       "cher.example",
       "user@b\xc3\xbc"
       "cher.example"}, /* bücher.example */
      {"user@123.example.com", "user@123.example.com"},
      {"user@my-host.example", "user@my-host.example"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[255];
    rp_error_clear();
    int rc = rp_email_check(out, sizeof out, cases[i].in, strlen(cases[i].in));
    if (rc != 0) fail_msg("\"%s\" refused: %s", cases[i].in, rp_error_last()->message);
    assert_string_equal(out, cases[i].want);
  }
}

static void test_email_refusals_say_why(void **state) {
  (void)state;
  static const struct {
    const char *in, *reason;
  } cases[] = {
      {"", "empty"},
      {"   ", "empty"},
      {"jane.example.com", "missing @"},
      {"jane@example", "domain has no dot"},
      {"jane@localhost", "domain has no dot"},
      {"jane@@example.com", "more than one @"},
      {"jane@doe@example.com", "more than one @"},
      {"@example.com", "nothing before the @"},
      {"jane@", "nothing after the @"},
      {".jane@example.com", "local part starts with a dot"},
      {"jane.@example.com", "local part ends with a dot"},
      {"jane..doe@example.com", "two dots in a row"},
      {"\"jane doe\"@example.com", "quoted local parts"},
      {"Jane Doe <jane@example.com>", "bare address"},
      {"<jane@example.com>", "bare address"},
      {"jane doe@example.com", "contains a space"},
      {"jane@exa mple.com", "contains a space"},
      {"jane\x01@example.com", "control character"},
      {"ja(ne)@example.com", "may not hold '('"},
      {"jane,doe@example.com", "may not hold ','"},
      {"jos\xc3\xa9@example.com", "ASCII"},
      {"jane@example..com", "empty label"},
      {"jane@.example.com", "empty label"},
      {"jane@example.com.", "empty label"},
      {"jane@-example.com", "hyphen"},
      {"jane@example-.com", "hyphen"},
      {"jane@exam_ple.com", "may not hold '_'"},
      {"jane@[192.168.0.1]", "IP address"},
      {"jane@192.168.0.1", "top-level domain cannot be a number"},
      {"jane@example.com\xff", "UTF-8"},
      {"jane@ex\xc3(ample.com", "UTF-8"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[255] = "unchanged";
    rp_error_clear();
    int rc = rp_email_check(out, sizeof out, cases[i].in, strlen(cases[i].in));
    const rp_error *e = rp_error_last();
    if (rc != RP_EINVALID_VALUE || e->code != RP_EINVALID_VALUE || e->field[0] ||
        !strstr(e->message, cases[i].reason) || out[0])
      fail_msg("\"%s\": want refusal \"%s\", got rc %d message \"%s\"", cases[i].in,
               cases[i].reason, rc, e->message);
  }
}

static void test_email_length_limits(void **state) {
  (void)state;
  char in[400], out[255];
  /* local part: 64 is the limit */
  memset(in, 'a', 64);
  memcpy(in + 64, "@example.com", 12);
  assert_int_equal(rp_email_check(out, sizeof out, in, 76), 0);
  memset(in, 'a', 65);
  memcpy(in + 65, "@example.com", 12);
  assert_int_equal(rp_email_check(out, sizeof out, in, 77), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "local part too long"));

  /* a label: 63 is the limit */
  memcpy(in, "a@", 2);
  memset(in + 2, 'b', 63);
  memcpy(in + 65, ".com", 4);
  assert_int_equal(rp_email_check(out, sizeof out, in, 69), 0);
  memset(in + 2, 'b', 64);
  memcpy(in + 66, ".com", 4);
  assert_int_equal(rp_email_check(out, sizeof out, in, 70), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "label too long"));

  /* the whole address: 254 is the limit (labels of 50 letters) */
  size_t n = 0;
  memcpy(in, "jane@", 5);
  n = 5;
  while (n + 51 <= 254 - 4) {
    memset(in + n, 'd', 50);
    in[n + 50] = '.';
    n += 51;
  }
  while (n < 254 - 3)
    in[n++] = 'e';
  memcpy(in + n, ".com", 4);
  n += 4;
  assert_int_equal(n, 255);
  assert_int_equal(rp_email_check(out, sizeof out, in, n), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "too long"));
  assert_int_equal(rp_email_check(out, sizeof out, in + 1, n - 1), 0); /* "ane@...": 254 */
  assert_int_equal(strlen(out), 254);

  /* only len bytes are read */
  assert_int_equal(rp_email_check(out, sizeof out, "jane@example.com>junk", 16), 0);
  assert_string_equal(out, "jane@example.com");
}

static void test_email_key_is_lower_case(void **state) {
  (void)state;
  char key[255];
  rp_email_key(key, sizeof key, "Jane.Doe@Example.COM");
  assert_string_equal(key, "jane.doe@example.com");
  rp_email_key(key, sizeof key,
               "J\xc3\x89@b\xc3\xbc"
               "cher.example"); /* UTF-8 kept */
  assert_string_equal(key, "j\xc3\x89@b\xc3\xbc"
                           "cher.example");
  rp_email_key(key, 5, "ABCDEFGH"); /* bounded by cap */
  assert_string_equal(key, "abcd");
  rp_email_key(key, sizeof key, NULL);
  assert_string_equal(key, "");
  /* two spellings of one address share a key */
  char a[255], b[255], ka[255], kb[255];
  assert_int_equal(rp_email_check(a, sizeof a, "JANE@EXAMPLE.COM", 16), 0);
  assert_int_equal(rp_email_check(b, sizeof b, " jane@example.com", 17), 0);
  rp_email_key(ka, sizeof ka, a);
  rp_email_key(kb, sizeof kb, b);
  assert_string_equal(ka, kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_email_accepts_common_addresses),
      cmocka_unit_test(test_email_refusals_say_why),
      cmocka_unit_test(test_email_length_limits),
      cmocka_unit_test(test_email_key_is_lower_case),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
