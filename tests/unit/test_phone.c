/* test_phone.c: phone numbers as users type them become E.164 (API.md
 * contacts: "phones are stored in E.164, the account's default region
 * completes local numbers"); what cannot be a phone number is refused with
 * a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/phone.h"
#include "util/error.h"

typedef struct {
  const char *region; /* NULL: the default (US) */
  const char *in;
  const char *want;
} phone_case;

static void check_cases(const phone_case *cases, size_t n) {
  int failures = 0;
  for (size_t i = 0; i < n; i++) {
    char out[RP_PHONE_MAX];
    rp_error_clear();
    int rc = rp_phone_normalize(out, cases[i].in, strlen(cases[i].in), cases[i].region);
    if (rc != 0 || strcmp(out, cases[i].want) != 0) {
      print_error("[%s] \"%s\": want %s, got %s (%s)\n", cases[i].region ? cases[i].region : "-",
                  cases[i].in, cases[i].want, rc ? "error" : out, rp_error_last()->message);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

/* Refused inputs: RP_EINVALID_VALUE, an empty out, and a message holding
 * `reason` (so the user learns what is wrong). */
typedef struct {
  const char *region;
  const char *in;
  size_t len; /* 0: strlen(in) */
  const char *reason;
} refusal;

static void check_refusals(const refusal *cases, size_t n) {
  int failures = 0;
  for (size_t i = 0; i < n; i++) {
    char out[RP_PHONE_MAX] = "unchanged";
    size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
    rp_error_clear();
    int rc = rp_phone_normalize(out, cases[i].in, len, cases[i].region);
    const rp_error *e = rp_error_last();
    if (rc != RP_EINVALID_VALUE || out[0] != '\0' || e->code != RP_EINVALID_VALUE ||
        e->field[0] != '\0' || !strstr(e->message, cases[i].reason)) {
      print_error("[%s] \"%s\": want refusal \"%s\", got rc %d out \"%s\" message \"%s\"\n",
                  cases[i].region ? cases[i].region : "-", cases[i].in, cases[i].reason, rc, out,
                  e->message);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

static void test_phone_us_default_region(void **state) {
  (void)state;
  static const phone_case cases[] = {
      {NULL, "(201) 555-0123", "+12015550123"},
      {NULL, "201-555-0123", "+12015550123"},
      {NULL, "201.555.0123", "+12015550123"},
      {NULL, "201 555 0123", "+12015550123"},
      {NULL, "2015550123", "+12015550123"},
      {NULL, "1 (201) 555-0123", "+12015550123"},
      {NULL, "1-201-555-0123", "+12015550123"},
      {NULL, "12015550123", "+12015550123"},
      {NULL, "+1 201 555 0123", "+12015550123"},
      {NULL, "+1 (201) 555-0123", "+12015550123"},
      {NULL, "+12015550123", "+12015550123"},
      {NULL, "(212) 555-0100", "+12125550100"}, /* the fictional 555-01xx range */
      {NULL, "555-555-0199", "+15555550199"},
      {NULL, "(415)555-2671", "+14155552671"},
      {NULL, "415/555/2671", "+14155552671"},
      {NULL, "  415 555 2671  ", "+14155552671"},
      {NULL, "\t415 555 2671", "+14155552671"},
      {NULL,
       "415\xc2\xa0"
       "555\xc2\xa0"
       "2671",
       "+14155552671"}, /* NBSP */
      {NULL,
       "415\xe2\x80\x93"
       "555\xe2\x80\x93"
       "2671",
       "+14155552671"}, /* en dash */
      {NULL, "tel:+1-415-555-2671", "+14155552671"},
      {NULL, "TEL:415-555-2671", "+14155552671"},
      {"US", "800-555-0100", "+18005550100"},
      {"us", "800-555-0100", "+18005550100"}, /* region is case-insensitive */
      {"CA", "(604) 555-0188", "+16045550188"},
      {"CA", "1 604 555 0188", "+16045550188"},
      {"PR", "787-555-0123", "+17875550123"},
      {"US", "011 44 20 7946 0958", "+442079460958"}, /* the NANP exit code */
      {"US", "011 33 1 23 45 67 89", "+33123456789"},
  };
  check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_phone_extensions_dropped(void **state) {
  (void)state;
  static const phone_case cases[] = {
      {NULL, "(201) 555-0123 x123", "+12015550123"},
      {NULL, "(201) 555-0123x123", "+12015550123"},
      {NULL, "(201) 555-0123 X 7", "+12015550123"},
      {NULL, "201-555-0123 ext 123", "+12015550123"},
      {NULL, "201-555-0123 ext. 123", "+12015550123"},
      {NULL, "201-555-0123 Ext.123", "+12015550123"},
      {NULL, "201-555-0123 extension 42", "+12015550123"},
      {NULL, "201-555-0123, ext 42", "+12015550123"},
      {NULL, "201-555-0123 #123", "+12015550123"},
      {NULL, "201-555-0123#123 ", "+12015550123"},
      {NULL, "tel:+1-201-555-0123;ext=123", "+12015550123"},
      {"GB", "+44 20 7946 0958 ext 201", "+442079460958"},
  };
  check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_phone_international_forms(void **state) {
  (void)state;
  static const phone_case cases[] = {
      {NULL, "+44 20 7946 0958", "+442079460958"},
      {NULL, "+44 (0)20 7946 0958", "+442079460958"},
      {NULL, "+44 (0) 20 7946 0958", "+442079460958"},
      {NULL, "+44 020 7946 0958", "+442079460958"},
      {NULL, "(+44) 20 7946 0958", "+442079460958"},
      {NULL, "0044 20 7946 0958", "+442079460958"},
      {NULL, "00 44 (0)7911 123456", "+447911123456"},
      {NULL, "+33 6 12 34 56 78", "+33612345678"},
      {NULL, "+33 (0)6 12 34 56 78", "+33612345678"},
      {NULL, "0033 1 23 45 67 89", "+33123456789"},
      {NULL, "+49 30 123456", "+4930123456"},
      {NULL, "+49 (0)30 123456", "+4930123456"},
      {NULL, "+49 (0)151 2345 6789", "+4915123456789"},
      {NULL, "+39 06 1234 5678", "+390612345678"}, /* Italy keeps its 0 */
      {NULL, "+39 (0)6 1234 5678", "+390612345678"},
      {NULL, "+39 312 345 6789", "+393123456789"},
      {NULL, "+378 0549 123456", "+3780549123456"}, /* San Marino keeps its 0 */
      {NULL, "+34 912 34 56 78", "+34912345678"},
      {NULL, "+31 6 12345678", "+31612345678"},
      {NULL, "+31 (0)20 123 4567", "+31201234567"},
      {NULL, "+353 1 234 5678", "+35312345678"},
      {NULL, "+353 (0)87 123 4567", "+353871234567"},
      {NULL, "+61 2 9876 5432", "+61298765432"},
      {NULL, "+61 (0)412 345 678", "+61412345678"},
      {NULL, "+64 21 123 4567", "+64211234567"},
      {NULL, "+7 495 123-45-67", "+74951234567"},
      {NULL, "+81 3-1234-5678", "+81312345678"},
      {NULL, "+82 10-1234-5678", "+821012345678"},
      {NULL, "+86 138 0013 8000", "+8613800138000"},
      {NULL, "+91 98765 43210", "+919876543210"},
      {NULL, "+55 11 91234-5678", "+5511912345678"},
      {NULL, "+52 55 1234 5678", "+525512345678"},
      {NULL, "+52 1 55 1234 5678", "+525512345678"}, /* Mexico's old mobile form */
      {NULL, "+27 21 123 4567", "+27211234567"},
      {NULL, "+971 50 123 4567", "+971501234567"},
      {NULL, "+65 6123 4567", "+6561234567"},
      {NULL, "+852 2123 4567", "+85221234567"},
      {NULL, "+354 551 2345", "+3545512345"},
      {NULL, "+1 242 555 0123", "+12425550123"},   /* Bahamas, NANP */
      {NULL, "+800 1234 5678", "+80012345678"},    /* international freephone */
      {NULL, "+382 20 123 456", "+38220123456"},   /* Montenegro */
      {NULL, "+299 32 12 34", "+299321234"},       /* Greenland, 6 digits */
      {"GB", "+1 201 555 0123", "+12015550123"},   /* "+" ignores the region */
      {"ZZ", "+44 20 7946 0958", "+442079460958"}, /* ... even an unknown one */
  };
  check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_phone_national_numbers_by_region(void **state) {
  (void)state;
  static const phone_case cases[] = {
      {"GB", "020 7946 0958", "+442079460958"},
      {"GB", "(020) 7946 0958", "+442079460958"},
      {"GB", "07911 123456", "+447911123456"},
      {"GB", "0161 496 0000", "+441614960000"},
      {"GB", "20 7946 0958", "+442079460958"},
      {"FR", "06 12 34 56 78", "+33612345678"},
      {"FR", "01.23.45.67.89", "+33123456789"},
      {"FR", "0033 6 12 34 56 78", "+33612345678"},
      {"DE", "030 123456", "+4930123456"},
      {"DE", "030/123456", "+4930123456"},
      {"DE", "0151 23456789", "+4915123456789"},
      {"DE", "089 1234567", "+49891234567"},
      {"AU", "(02) 9876 5432", "+61298765432"},
      {"AU", "0412 345 678", "+61412345678"},
      {"AU", "0011 44 20 7946 0958", "+442079460958"}, /* Australia's exit code */
      {"CA", "416-555-0199", "+14165550199"},
      {"MX", "55 1234 5678", "+525512345678"},
      {"MX", "01 55 1234 5678", "+525512345678"},
      {"MX", "044 55 1234 5678", "+525512345678"},
      {"MX", "1 478 999 9499", "+524789999499"}, /* found by fuzz_phone: same as "+52 1 ..." */
      {"ES", "912 34 56 78", "+34912345678"},
      {"ES", "612 345 678", "+34612345678"},
      {"IT", "06 1234 5678", "+390612345678"}, /* Italy: the 0 is part of the number */
      {"IT", "02 1234 5678", "+390212345678"},
      {"IT", "312 345 6789", "+393123456789"},
      {"NL", "06 12345678", "+31612345678"},
      {"NL", "020 123 4567", "+31201234567"},
      {"IE", "01 234 5678", "+35312345678"},
      {"IE", "087 123 4567", "+353871234567"},
      {"IN", "098765 43210", "+919876543210"},
      {"IN", "98765 43210", "+919876543210"},
      {"BR", "(11) 91234-5678", "+5511912345678"},
      {"BR", "0 11 91234-5678", "+5511912345678"},
      {"JP", "03-1234-5678", "+81312345678"},
      {"JP", "090-1234-5678", "+819012345678"},
      {"JP", "010 1 201 555 0123", "+12015550123"}, /* Japan's exit code */
      {"BE", "02 123 45 67", "+3221234567"},
      {"CH", "044 668 18 00", "+41446681800"},
      {"AT", "01 234 5678", "+4312345678"},
      {"NZ", "09 123 4567", "+6491234567"},
      {"ZA", "021 123 4567", "+27211234567"},
      {"RU", "8 (495) 123-45-67", "+74951234567"},
      {"RU", "8 800 555 35 35", "+78005553535"},
      {"HU", "06 1 234 5678", "+3612345678"},
      {"PT", "21 123 4567", "+351211234567"},
      {"SE", "08-123 456 78", "+46812345678"},
      {"KR", "010-1234-5678", "+821012345678"},
      {"KR", "001 1 201 555 0123", "+12015550123"},
      {"SG", "6123 4567", "+6561234567"},
  };
  check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_phone_refusals(void **state) {
  (void)state;
  static const refusal cases[] = {
      {NULL, "", 0, "empty"},
      {NULL, "   ", 0, "empty"},
      {NULL, "+", 0, "no digits after '+'"},
      {NULL, " + ", 0, "no digits after '+'"},
      {NULL, "()-.", 0, "no digits"},
      {NULL, "call me", 0, "letters"},
      {NULL, "1-800-FLOWERS", 0, "letters"},
      {NULL, "201 555 O123", 0, "letters"}, /* a letter O for a zero */
      {NULL, "555-0123", 0, "too few digits"},
      {NULL, "201 555 012", 0, "too few digits"},
      {NULL, "201 555 01234", 0, "too many digits"},
      {NULL, "22015550123", 0, "too many digits"}, /* 11 digits not starting with 1 */
      {NULL, "101 555 0123", 0, "area code"},
      {NULL, "001 555 0123", 0, "too few digits"}, /* 00 + 1 ... read as exit code */
      {NULL, "201 055 0123", 0, "exchange"},
      {NULL, "+1 201 555 01", 0, "too few digits"},
      {NULL, "+1 201 555 01234", 0, "too many digits"},
      {NULL, "+999 123 456 789", 0, "unknown country code +999"},
      {NULL, "+0 20 7946 0958", 0, "unknown country code"},
      {NULL, "+28 123 4567", 0, "unknown country code +281"},
      {NULL, "00", 0, "too few digits"},
      {NULL, "+44 20", 0, "too few digits"},
      {NULL, "+44 20 7946 0958 1234 5", 0, "too many digits"},
      {NULL, "+1 201 + 555 0123", 0, "'+' may only come first"},
      {NULL, "201 555 0123 +", 0, "'+' may only come first"},
      {NULL, "++1 201 555 0123", 0, "'+' may only come first"},
      {NULL, "201_555_0123", 0, "unexpected '_'"},
      {NULL, "201*555*0123", 0, "unexpected '*'"},
      {NULL, "201 555 0123 x", 0, "letters"},       /* an extension needs digits */
      {NULL, "201 555 0123 ext 12a", 0, "letters"}, /* ... only digits */
      {NULL, "201 555 0123 #", 0, "extension must be digits"},
      {NULL, "201 555 0123 x 12 x 3", 0, "letters"},
      {NULL, "201 555 \xff 0123", 0, "unexpected character"},
      {NULL, "201 555\0 0123", 13, "unexpected character"},
      {NULL, "+44 (0)0 20 7946 0958", 0, "cannot start with 0"}, /* one trunk 0, not two */
      {"RU", "0094)0008888999-22", 0, "cannot start with 0"},    /* found by fuzz_phone */
      {"HU", "06 0 1 234 5678", 0, "cannot start with 0"},
      {"GB", "12 34", 0, "too few digits"},
      {"XX", "020 7946 0958", 0, "unknown default region"},
      {"", "020 7946 0958", 0, "unknown default region"},
      {"GBR", "020 7946 0958", 0, "unknown default region"},
      {NULL, "+1 201 555 0123                                                   0", 0, "too long"},
  };
  check_refusals(cases, sizeof cases / sizeof cases[0]);
}

static void test_phone_bounded_input(void **state) {
  (void)state;
  char out[RP_PHONE_MAX];
  char buf[200];
  /* 64 bytes of padding is fine: the length limit is on bytes, not digits */
  memset(buf, ' ', sizeof buf);
  memcpy(buf, "+1 201 555 0123", 15);
  assert_int_equal(rp_phone_normalize(out, buf, 64, NULL), 0);
  assert_string_equal(out, "+12015550123");
  assert_int_equal(rp_phone_normalize(out, buf, 65, NULL), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "too long"));
  /* only len bytes are read: what follows is not part of the number */
  assert_int_equal(rp_phone_normalize(out, "201 555 0123 999", 12, NULL), 0);
  assert_string_equal(out, "+12015550123");
}

static void test_phone_looks_like(void **state) {
  (void)state;
  static const char *const yes[] = {
      "5550123",
      "555-0123",
      "(201) 555-0123",
      "+1 201 555 0123",
      "201.555.0123",
      "+44 20 7946 0958",
      "07911 123456",
      "555\xc2\xa0"
      "0123",
  };
  static const char *const no[] = {
      "",
      "555",
      "555-012",
      "12345",
      "john",
      "john 5550123",
      "555-0123a",
      "201+5550123",
      "++12015550123",
      "2015550123 x12",
      "jane@example.com",
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    if (!rp_phone_looks_like(yes[i], strlen(yes[i])))
      fail_msg("\"%s\" should look like a phone", yes[i]);
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    if (rp_phone_looks_like(no[i], strlen(no[i])))
      fail_msg("\"%s\" should not look like a phone", no[i]);
  assert_false(rp_phone_looks_like(NULL, 0));
  char longq[80];
  memset(longq, '1', sizeof longq);
  assert_false(rp_phone_looks_like(longq, sizeof longq)); /* bounded */
}

static void test_phone_region_code(void **state) {
  (void)state;
  assert_string_equal(rp_phone_region_code("US"), "1");
  assert_string_equal(rp_phone_region_code("CA"), "1");
  assert_string_equal(rp_phone_region_code("GB"), "44");
  assert_string_equal(rp_phone_region_code("fr"), "33");
  assert_string_equal(rp_phone_region_code("DE"), "49");
  assert_string_equal(rp_phone_region_code("IT"), "39");
  assert_string_equal(rp_phone_region_code("AU"), "61");
  assert_string_equal(rp_phone_region_code("MX"), "52");
  assert_string_equal(rp_phone_region_code("IE"), "353");
  assert_string_equal(rp_phone_region_code("IN"), "91");
  assert_string_equal(rp_phone_region_code("BR"), "55");
  assert_string_equal(rp_phone_region_code("JP"), "81");
  assert_string_equal(rp_phone_region_code("RU"), "7");
  assert_string_equal(rp_phone_region_code("AE"), "971");
  assert_null(rp_phone_region_code("XX"));
  assert_null(rp_phone_region_code("USA"));
  assert_null(rp_phone_region_code(""));
  assert_null(rp_phone_region_code(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_phone_us_default_region),
      cmocka_unit_test(test_phone_extensions_dropped),
      cmocka_unit_test(test_phone_international_forms),
      cmocka_unit_test(test_phone_national_numbers_by_region),
      cmocka_unit_test(test_phone_refusals),
      cmocka_unit_test(test_phone_bounded_input),
      cmocka_unit_test(test_phone_looks_like),
      cmocka_unit_test(test_phone_region_code),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
