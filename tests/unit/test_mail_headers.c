/* test_mail_headers.c: what mailbox sync reads of an email
 * (channels/mail_headers.h) and of the IMAP server's answers
 * (channels/imap.h rp_imap_parse): address lists as mail programs write
 * them, encoded-word subjects, folded lines, dates with zones, body
 * snippets, and refusals that name the field and say why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "channels/imap.h"
#include "channels/mail_headers.h"
#include "util/error.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_addresses_in_the_forms_mail_programs_write(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_mail_addr *a;
  size_t n;
  const char *in = "\"Doe, Jane\" <jane@example.com>, bob@example.org (Bob Smith),"
                   " =?UTF-8?Q?Ren=C3=A9e?= <renee@example.fr>, team: x@example.com,"
                   " y@example.com;, <>, , Cy <@relay.example:cy@example.net>";
  assert_int_equal(rp_mail_addresses_parse(&a, &n, &ar, "to", in, strlen(in)), 0);
  assert_int_equal(n, 6);
  assert_string_equal(a[0].name, "Doe, Jane");
  assert_string_equal(a[0].address, "jane@example.com");
  assert_string_equal(a[1].name, "Bob Smith"); /* an old-style comment name */
  assert_string_equal(a[1].address, "bob@example.org");
  assert_string_equal(a[2].name, "Ren\xc3\xa9"
                                 "e");
  assert_string_equal(a[3].address, "x@example.com"); /* groups are flattened */
  assert_null(a[3].name);
  assert_string_equal(a[4].address, "y@example.com");
  assert_string_equal(a[5].address, "cy@example.net"); /* the obsolete route goes */
  /* an empty group */
  assert_int_equal(rp_mail_addresses_parse(&a, &n, &ar, "to", S("undisclosed-recipients:;")), 0);
  assert_int_equal(n, 0);
  rp_arena_free(&ar);
}

static void test_address_refusals_name_the_field(void **state) {
  (void)state;
  rp_arena ar = {0};
  static const struct {
    const char *in, *why;
  } bad[] = {
      {"Jane <jane@example.com", "not closed"},
      {"\"Jane <jane@example.com>", "quoted string"},
      {"Jane (friend <jane@example.com>", "comment"},
      {"just a name", "not an address"},
      {"<jane@example.com> trailing", "after an address"},
      {"jane@", "not an address"},
      {"a@b.c;", "outside a group"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rp_mail_addr *a = NULL;
    size_t n = 7;
    rp_error_clear();
    int rc = rp_mail_addresses_parse(&a, &n, &ar, "cc", bad[i].in, strlen(bad[i].in));
    if (rc != RP_EINVALID_VALUE) fail_msg("accepted: %s", bad[i].in);
    assert_int_equal(n, 0);
    assert_string_equal(rp_error_last()->field, "cc");
    if (!strstr(rp_error_last()->message, bad[i].why))
      fail_msg("%s: '%s' does not say '%s'", bad[i].in, rp_error_last()->message, bad[i].why);
  }
  rp_arena_free(&ar);
}

static void test_encoded_words_are_decoded(void **state) {
  (void)state;
  rp_arena ar = {0};
  static const struct {
    const char *in, *want;
  } cases[] = {
      {"=?UTF-8?B?SGVsbG8gd8O2cmxk?=", "Hello w\xc3\xb6rld"},
      {"=?utf-8?q?caf=C3=A9_au_lait?=", "caf\xc3\xa9 au lait"},
      /* the space between two encoded-words goes, around plain text stays */
      {"=?UTF-8?Q?a?= =?UTF-8?Q?b?= c =?UTF-8?Q?d?=", "ab c d"},
      {"=?ISO-8859-1?Q?Fran=E7ois?=", "Fran\xc3\xa7ois"},
      /* "iso-8859-1" as Outlook writes it: windows-1252's dash, euro sign
       * and curly quotes in 0x80-0x9F (they were spaces) */
      {"=?iso-8859-1?Q?Caf=E9_=96_=80100_=93offer=94?=",
       "Caf\xc3\xa9 \xe2\x80\x93 \xe2\x82\xac" "100 \xe2\x80\x9coffer\xe2\x80\x9d"},
      {"=?KOI8-R?B?5?= stays", "=?KOI8-R?B?5?= stays"}, /* a charset not known */
      {"=?UTF-8?B?!!?=", "=?UTF-8?B?!!?="},             /* bad base64 is kept */
      {"Re:\r\n  folded\tline", "Re: folded line"},
      {"=?UTF-8?B?/w==?=", "\xef\xbf\xbd"}, /* invalid UTF-8 becomes U+FFFD */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_string_equal(rp_mail_decode_words(&ar, cases[i].in, strlen(cases[i].in)), cases[i].want);
  rp_arena_free(&ar);
}

static void test_dates_with_zones_and_old_forms(void **state) {
  (void)state;
  static const struct {
    const char *in;
    rp_time want;
  } cases[] = {
      {"Tue, 25 Nov 2025 10:00:00 +0000", 1764064800},
      {"Tue, 25 Nov 2025 12:00:00 +0200", 1764064800},
      {"25 Nov 2025 05:00:00 EST", 1764064800},
      {"Tue, 25 Nov 25 10:00 GMT", 1764064800},
      {"Tue, 25 Nov 2025 10:00:00 +0000 (UTC)", 1764064800},
      {"Tue,\r\n 25 Nov 2025 03:00:00 -0700", 1764064800},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_time t = 0;
    if (rp_mail_date_parse(&t, cases[i].in, strlen(cases[i].in)))
      fail_msg("%s: %s", cases[i].in, rp_error_last()->message);
    assert_int_equal(t, cases[i].want);
  }
  static const char *const bad[] = {"",
                                    "yesterday",
                                    "31 Feb 2025 10:00 +0000",
                                    "25 Nov 2025 25:00 +0000",
                                    "25 Nov 2025 10:00 +02",
                                    "25 Nov 2025 10:00 +0000 extra"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rp_time t = 7;
    rp_error_clear();
    if (rp_mail_date_parse(&t, bad[i], strlen(bad[i])) != RP_EINVALID_VALUE)
      fail_msg("accepted: %s", bad[i]);
    assert_int_equal(t, 0);
    assert_string_equal(rp_error_last()->field, "date");
  }
}

static void test_header_block_unfolds_and_keeps_the_first(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_mail_header_set h;
  const char *in = "Received: from x\r\n\tby y\r\n"
                   "From: Ann <ann@example.com>\r\n"
                   "To: a@example.com,\r\n b@example.com\r\n"
                   "Subject: =?UTF-8?Q?Hi?=\r\n =?UTF-8?Q?_there?=\r\n"
                   "Message-ID:\r\n <abc.123@example.com>\r\n"
                   "Date: Tue, 25 Nov 2025 10:00:00 +0000\r\n"
                   "Subject: second subject\r\n"
                   "\r\n"
                   "Body: not a header\r\n";
  assert_int_equal(rp_mail_headers_parse(&h, &ar, in, strlen(in)), 0);
  assert_int_equal(h.n_from, 1);
  assert_string_equal(h.from[0].address, "ann@example.com");
  assert_int_equal(h.n_to, 2);
  assert_string_equal(h.to[1].address, "b@example.com");
  assert_int_equal(h.n_cc, 0);
  assert_string_equal(h.subject, "Hi there");
  assert_string_equal(h.message_id, "abc.123@example.com");
  assert_int_equal(h.date, 1764064800);
  /* an unreadable Date is left out, not an error */
  assert_int_equal(rp_mail_headers_parse(&h, &ar, S("From: a@b.c\nDate: soon\n")), 0);
  assert_int_equal(h.date, 0);
  /* refusals */
  rp_error_clear();
  assert_int_equal(rp_mail_headers_parse(&h, &ar, S("From: a@b.c\nnot a header\n")),
                   RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "headers");
  assert_non_null(strstr(rp_error_last()->message, "line 2"));
  assert_int_equal(rp_mail_headers_parse(&h, &ar, S("To: <broken\n")), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "to");
  assert_int_equal(rp_mail_headers_parse(&h, &ar, S("Subject: a\0b\n")), RP_EINVALID_VALUE);
  rp_arena_free(&ar);
}

static void test_snippet_takes_the_plain_text(void **state) {
  (void)state;
  rp_arena ar = {0};
  const char *mixed = "preamble\r\n--outer\r\n"
                      "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
                      "--inner\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
                      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                      "Voil=E0 la maison,=\r\n  pr=E8s du parc =96 =80450k.\r\n\r\n\r\n\r\nA bient=F4t\r\n"
                      "--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--inner--\r\n"
                      "--outer\r\nContent-Type: application/pdf\r\n\r\nJVBERi0=\r\n--outer--\r\n";
  char *s =
      rp_mail_snippet(&ar, "multipart/mixed; boundary=\"outer\"", NULL, mixed, strlen(mixed), 2048);
  assert_string_equal(s, "Voil\xc3\xa0 la maison, pr\xc3\xa8s du parc \xe2\x80\x93 \xe2\x82\xac" "450k.\n\n"
                         "A bient\xc3\xb4t");
  /* html only: tags, scripts and entities go */
  const char *html = "<html><style>p{}</style><p>Hello &amp; welcome</p><div>Second</div>";
  assert_string_equal(rp_mail_snippet(&ar, "text/html", NULL, html, strlen(html), 2048),
                      "Hello & welcome\n\nSecond");
  /* base64, cut at a character within max */
  const char *b64 = "w6nDqcOpw6k="; /* "éééé" */
  assert_string_equal(rp_mail_snippet(&ar, NULL, "base64", b64, strlen(b64), 5),
                      "\xc3\xa9\xc3\xa9");
  assert_null(rp_mail_snippet(&ar, "image/png", NULL, S("abc"), 2048));
  assert_null(rp_mail_snippet(&ar, NULL, NULL, S(" \r\n "), 2048));
  rp_arena_free(&ar);
}

static void test_imap_answers_with_literals(void **state) {
  (void)state;
  rp_arena ar = {0};
  const char *in = "* OK [UIDVALIDITY 42] UIDs valid\r\n"
                   "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n"
                   "* 3 FETCH (UID 7 BODY[HEADER.FIELDS (FROM TO)] {13}\r\nFrom: a@b\r\n\r\n"
                   " BODY[TEXT]<0> NIL)\r\n"
                   "* SEARCH 5 7\r\n"
                   "A004 OK done\r\n";
  rp_imap_response *r;
  size_t n;
  const char *status, *text;
  assert_int_equal(rp_imap_parse(&r, &n, &status, &text, &ar, in, strlen(in)), 0);
  assert_int_equal(n, 4);
  assert_string_equal(status, "OK");
  assert_string_equal(text, "done");
  assert_int_equal(r[0].text_len, strlen("[UIDVALIDITY 42] UIDs valid"));
  assert_int_equal(r[1].n_args, 3);
  assert_int_equal(r[1].args[0].kind, RP_IMAP_LIST);
  assert_int_equal(r[1].args[0].n, 2);
  assert_int_equal(r[1].args[2].len, 10); /* "Sent Items" */
  assert_int_equal(r[2].number, 3);
  const rp_imap_value *l = &r[2].args[0];
  assert_int_equal(l->n, 6);
  assert_int_equal(l->items[2].len, strlen("BODY[HEADER.FIELDS (FROM TO)]"));
  assert_int_equal(l->items[3].kind, RP_IMAP_STRING);
  assert_memory_equal(l->items[3].p, "From: a@b\r\n\r\n", 13);
  assert_int_equal(l->items[5].kind, RP_IMAP_NIL);
  assert_int_equal(r[3].n_args, 2);
  /* a literal longer than the answer, an unclosed list: refused */
  static const char *const bad[] = {"* 1 FETCH (BODY[] {99}\r\nshort)\r\n", "* 1 FETCH (UID 1\r\n",
                                    "* LIST (\\Sent \"/\" \"x\r\n", "*FETCH\r\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rp_error_clear();
    if (rp_imap_parse(&r, &n, &status, &text, &ar, bad[i], strlen(bad[i])) != RP_EINVALID_VALUE)
      fail_msg("accepted: %s", bad[i]);
    assert_string_equal(rp_error_last()->field, "imap");
  }
  rp_arena_free(&ar);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_addresses_in_the_forms_mail_programs_write),
      cmocka_unit_test(test_address_refusals_name_the_field),
      cmocka_unit_test(test_encoded_words_are_decoded),
      cmocka_unit_test(test_dates_with_zones_and_old_forms),
      cmocka_unit_test(test_header_block_unfolds_and_keeps_the_first),
      cmocka_unit_test(test_snippet_takes_the_plain_text),
      cmocka_unit_test(test_imap_answers_with_literals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
