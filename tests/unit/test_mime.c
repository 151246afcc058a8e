/* test_mime.c: the text of the emails rapport sends (API.md "Workflows,
 * messages, channels": send_email, POST /api/v1/messages). What a mail
 * reader sees: the headers, accents in the subject, names and body arriving
 * intact (RFC 2047, quoted-printable), no line too long, one-click
 * unsubscribe; and what an attacker cannot do: add a header through a
 * subject, a name or an address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channels/mime.h"
#include "util/error.h"

/* 2026-11-29T14:05:00Z */
#define T0 1795961100

static rp_mail base_email(void) {
  return (rp_mail){
      .from = "agent@example.com",
      .to = "jane@example.org",
      .subject = "Your home valuation",
      .body_text = "Hello Jane,\nThe report is ready.\n",
      .message_id = "0193-abc@example.com",
      .date = T0,
  };
}

static char *build(const rp_mail *m) {
  rp_sb sb = {0};
  rp_error_clear();
  int rc = rp_mime_build(&sb, m);
  if (rc != 0) fail_msg("refused: %s: %s", rp_error_last()->field, rp_error_last()->message);
  return rp_sb_take(&sb);
}

/* The headers part (up to the blank line) and the body part. */
static const char *body_of(const char *msg) {
  const char *b = strstr(msg, "\r\n\r\n");
  assert_non_null(b);
  return b + 4;
}

/* Decodes quoted-printable (RFC 2045 6.7) to text with LF line ends. */
static char *qp_decode(const char *p) {
  size_t n = strlen(p);
  char *out = malloc(n + 1), *o = out;
  for (size_t i = 0; i < n;) {
    if (p[i] == '=' && i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') {
      i += 3; /* soft break */
    } else if (p[i] == '=' && i + 2 < n) {
      char hx[3] = {p[i + 1], p[i + 2], 0};
      *o++ = (char)strtol(hx, NULL, 16);
      i += 3;
    } else if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
      *o++ = '\n';
      i += 2;
    } else {
      *o++ = p[i++];
    }
  }
  *o = '\0';
  return out;
}

/* Decodes the "=?UTF-8?Q?...?=" words of an unfolded header value. */
static char *words_decode(const char *p) {
  char *out = malloc(strlen(p) + 1), *o = out;
  while (*p) {
    if (strncmp(p, "=?UTF-8?Q?", 10) == 0) {
      p += 10;
      while (*p && !(p[0] == '?' && p[1] == '=')) {
        if (*p == '_') {
          *o++ = ' ';
          p++;
        } else if (*p == '=') {
          char hx[3] = {p[1], p[2], 0};
          *o++ = (char)strtol(hx, NULL, 16);
          p += 3;
        } else {
          *o++ = *p++;
        }
      }
      if (*p) p += 2;
    } else if (*p == '\r' && p[1] == '\n' && p[2] == ' ') {
      p += 3; /* folding between words */
    } else {
      *o++ = *p++;
    }
  }
  *o = '\0';
  return out;
}

/* The value of header name (unfolded only for the words decoder), or NULL. */
static char *header(const char *msg, const char *name) {
  size_t nl = strlen(name);
  const char *end = strstr(msg, "\r\n\r\n");
  for (const char *l = msg; l && l < end; l = strstr(l, "\r\n") + 2) {
    if (strncmp(l, name, nl) == 0 && l[nl] == ':' && l[nl + 1] == ' ') {
      const char *v = l + nl + 2, *e = v;
      while (!(e[0] == '\r' && e[1] == '\n' && e[2] != ' '))
        e++;
      return strndup(v, (size_t)(e - v));
    }
  }
  return NULL;
}

/* Every line ends with CRLF, none is longer than max. */
static void assert_lines(const char *msg, size_t max) {
  size_t col = 0;
  for (const char *s = msg; *s; s++) {
    if (*s == '\n') {
      if (s == msg || s[-1] != '\r') fail_msg("bare LF at %zu", (size_t)(s - msg));
      col = 0;
    } else if (*s == '\r') {
      if (s[1] != '\n') fail_msg("bare CR at %zu", (size_t)(s - msg));
    } else if (++col > max) {
      fail_msg("line longer than %zu at %zu", max, (size_t)(s - msg));
    }
  }
  size_t n = strlen(msg);
  assert_true(n >= 2 && msg[n - 2] == '\r' && msg[n - 1] == '\n');
}

static void test_mime_plain_email_is_exact(void **state) {
  (void)state;
  rp_mail m = base_email();
  m.from_name = "Sam Agent";
  m.reply_to = "replies@example.com";
  char *msg = build(&m);
  assert_string_equal(msg, "Date: Sun, 29 Nov 2026 14:05:00 +0000\r\n"
                           "From: \"Sam Agent\" <agent@example.com>\r\n"
                           "To: jane@example.org\r\n"
                           "Reply-To: replies@example.com\r\n"
                           "Subject: Your home valuation\r\n"
                           "Message-ID: <0193-abc@example.com>\r\n"
                           "MIME-Version: 1.0\r\n"
                           "Content-Type: text/plain; charset=UTF-8\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n"
                           "\r\n"
                           "Hello Jane,\r\n"
                           "The report is ready.\r\n");
  free(msg);
}

static void test_mime_list_unsubscribe_one_click(void **state) {
  (void)state;
  rp_mail m = base_email();
  m.list_unsubscribe_url = "https://crm.example.com/u/3f9a?t=x";
  char *msg = build(&m);
  assert_non_null(strstr(msg, "\r\nList-Unsubscribe: <https://crm.example.com/u/3f9a?t=x>\r\n"
                              "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
  free(msg);
  m.list_unsubscribe_url = NULL;
  msg = build(&m);
  assert_null(strstr(msg, "List-Unsubscribe"));
  free(msg);
}

static void test_mime_message_id_and_date(void **state) {
  (void)state;
  rp_mail m = base_email();
  m.message_id = "<already@bracketed.example>";
  char *msg = build(&m);
  assert_non_null(strstr(msg, "\r\nMessage-ID: <already@bracketed.example>\r\n"));
  free(msg);
  static const struct {
    rp_time t;
    const char *want;
  } dates[] = {
      {0, "Thu, 01 Jan 1970 00:00:00 +0000"},
      {951782400, "Tue, 29 Feb 2000 00:00:00 +0000"},
      {4102444799, "Thu, 31 Dec 2099 23:59:59 +0000"},
      {-86400, "Wed, 31 Dec 1969 00:00:00 +0000"},
  };
  for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
    char d[RP_MIME_DATE_LEN];
    rp_mime_date(d, dates[i].t);
    assert_string_equal(d, dates[i].want);
  }
}

static void test_mime_body_accents_and_equals_are_quoted_printable(void **state) {
  (void)state;
  rp_mail m = base_email();
  m.body_text = "Chère Renée, 100% = sûr.\n\xe2\x82\xac 450 000\n";
  char *msg = build(&m);
  assert_string_equal(body_of(msg), "Ch=C3=A8re Ren=C3=A9e, 100% =3D s=C3=BBr.\r\n"
                                    "=E2=82=AC 450 000\r\n");
  char *back = qp_decode(body_of(msg));
  assert_string_equal(back, m.body_text);
  free(back);
  free(msg);
}

static void test_mime_body_long_lines_are_soft_broken(void **state) {
  (void)state;
  char body[1200];
  size_t n = 0;
  /* one 600-character line mixing plain, accented and '=' characters, then
   * a line of 76 plain characters (fits exactly), then 77 */
  while (n < 600)
    n += (size_t)snprintf(body + n, sizeof body - n, "ab\xc3\xa9=d ");
  body[n++] = '\n';
  memset(body + n, 'x', 76);
  n += 76;
  body[n++] = '\n';
  memset(body + n, 'y', 77);
  n += 77;
  body[n] = '\0';
  rp_mail m = base_email();
  m.body_text = body;
  char *msg = build(&m);
  assert_lines(msg, 76);
  const char *b = body_of(msg);
  char x76[80];
  memset(x76, 'x', 76);
  memcpy(x76 + 76, "\r\n", 3);
  assert_non_null(strstr(b, x76)); /* no soft break needed */
  char *back = qp_decode(b);
  size_t bl = strlen(body);
  assert_int_equal(strlen(back), bl + 1); /* the body always ends with a line break */
  assert_memory_equal(back, body, bl);
  free(back);
  free(msg);
}

static void test_mime_body_line_ends_and_trailing_spaces(void **state) {
  (void)state;
  rp_mail m = base_email();
  m.body_text = "one  \r\ntwo\t\rthree\n\nfour";
  char *msg = build(&m);
  /* CR, LF and CRLF all become CRLF; a space or tab ending a line is encoded */
  assert_string_equal(body_of(msg), "one =20\r\ntwo=09\r\nthree\r\n\r\nfour\r\n");
  free(msg);
  m.body_text = "";
  msg = build(&m);
  assert_string_equal(body_of(msg), "\r\n");
  free(msg);
  /* dots stay: dot-stuffing is the SMTP layer's (libcurl's) job */
  m.body_text = ".\n.hidden\n";
  msg = build(&m);
  assert_string_equal(body_of(msg), ".\r\n.hidden\r\n");
  free(msg);
}

static void test_mime_subject_non_ascii_is_encoded_word(void **state) {
  (void)state;
  rp_mail m = base_email();
  m.subject = "Votre maison à Montréal";
  char *msg = build(&m);
  assert_non_null(strstr(msg, "\r\nSubject: =?UTF-8?Q?Votre_maison_=C3=A0_Montr=C3=A9al?=\r\n"));
  free(msg);
  /* an ASCII subject that looks like an encoded-word is encoded too */
  m.subject = "=?UTF-8?Q?fake?=";
  msg = build(&m);
  char *s = header(msg, "Subject");
  char *dec = words_decode(s);
  assert_string_equal(dec, "=?UTF-8?Q?fake?=");
  free(dec);
  free(s);
  free(msg);
}

static void test_mime_long_subjects_fold_without_splitting_characters(void **state) {
  (void)state;
  char subj[800];
  size_t n = 0;
  while (n < 700)
    n += (size_t)snprintf(subj + n, sizeof subj - n, "Été à Noël %zu ", n);
  subj[n] = '\0';
  rp_mail m = base_email();
  m.subject = subj;
  char *msg = build(&m);
  assert_lines(msg, 76);
  char *s = header(msg, "Subject");
  /* every encoded-word is at most 75 characters */
  for (const char *w = strstr(s, "=?"); w; w = strstr(w + 2, "=?")) {
    const char *e = strstr(w + 10, "?=");
    assert_non_null(e);
    assert_true(e + 2 - w <= 75);
    w = e;
  }
  char *dec = words_decode(s);
  assert_string_equal(dec, subj);
  free(dec);
  free(s);
  free(msg);

  /* a long ASCII subject folds at spaces and unfolds to itself */
  char ascii[600];
  n = 0;
  while (n < 500)
    n += (size_t)snprintf(ascii + n, sizeof ascii - n, "open house %zu, ", n);
  ascii[n] = '\0';
  m.subject = ascii;
  msg = build(&m);
  assert_lines(msg, 78);
  s = header(msg, "Subject");
  char *unfolded = malloc(strlen(s) + 1), *o = unfolded;
  for (const char *p = s; *p; p++)
    if (!(p[0] == '\r' || p[0] == '\n')) *o++ = *p;
  *o = '\0';
  assert_string_equal(unfolded, ascii);
  free(unfolded);
  free(s);
  free(msg);
}

static void test_mime_display_names(void **state) {
  (void)state;
  rp_mail m = base_email();
  m.from_name = "Renée Dupont";
  m.to_name = "Jane \"JJ\" O'Brien";
  char *msg = build(&m);
  assert_non_null(strstr(msg, "\r\nFrom: =?UTF-8?Q?Ren=C3=A9e_Dupont?= <agent@example.com>\r\n"));
  assert_non_null(strstr(msg, "\r\nTo: \"Jane \\\"JJ\\\" O'Brien\" <jane@example.org>\r\n"));
  free(msg);
  /* addresses are written in their canonical form */
  m.to = "  Jane@EXAMPLE.org ";
  m.to_name = NULL;
  msg = build(&m);
  assert_non_null(strstr(msg, "\r\nTo: Jane@example.org\r\n"));
  free(msg);
}

static void test_mime_header_injection_is_refused(void **state) {
  (void)state;
  static const struct {
    int which;
    const char *value, *field;
  } cases[] = {
      {0, "Hello\r\nBcc: victim@example.net", "subject"},
      {0, "Hello\nBcc: victim@example.net", "subject"},
      {0, "Hello\rBcc: victim@example.net", "subject"},
      {1, "Sam\r\nBcc: victim@example.net", "from_name"},
      {2, "Jane\n", "to_name"},
      {3, "jane@example.org\r\nBcc: victim@example.net", "to"},
      {4, "agent@example.com\nX: y", "from"},
      {5, "https://x.example/u\r\nBcc: v@example.net", "list_unsubscribe_url"},
      {6, "id@example.com>\r\nBcc: <v@example.net", "message_id"},
      {7, "r@example.com\r\nBcc: v@example.net", "reply_to"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_mail m = base_email();
    switch (cases[i].which) {
    case 0: m.subject = cases[i].value; break;
    case 1: m.from_name = cases[i].value; break;
    case 2: m.to_name = cases[i].value; break;
    case 3: m.to = cases[i].value; break;
    case 4: m.from = cases[i].value; break;
    case 5: m.list_unsubscribe_url = cases[i].value; break;
    case 6: m.message_id = cases[i].value; break;
    case 7: m.reply_to = cases[i].value; break;
    }
    rp_sb sb = {0};
    rp_error_clear();
    int rc = rp_mime_build(&sb, &m);
    if (rc != RP_EINVALID_VALUE) fail_msg("case %zu accepted:\n%s", i, rp_sb_str(&sb));
    assert_string_equal(rp_error_last()->field, cases[i].field);
    assert_true(rp_error_last()->message[0] != '\0');
    assert_int_equal(sb.len, 0); /* nothing written */
    rp_sb_free(&sb);
  }
}

static void test_mime_invalid_values_say_why(void **state) {
  (void)state;
  char big[RP_MIME_SUBJECT_MAX + 2];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  static const struct {
    int which;
    const char *value, *field, *reason;
  } cases[] = {
      {3, "not-an-email", "to", "missing @"},
      {3, "Jane <jane@example.org>", "to", "bare address"},
      {3, "", "to", "required"},
      {3, NULL, "to", "required"},
      {3,
       "jane@b\xc3\xbc"
       "cher.example",
       "to", "SMTPUTF8"},
      {4, "agent@localhost", "from", "no dot"},
      {0, "caf\xe9", "subject", "UTF-8"},
      {0, "tab\tok but bell\a", "subject", "control character"},
      {5, "javascript:alert(1)", "list_unsubscribe_url", "http"},
      {5, "https://x.example/a b", "list_unsubscribe_url", "spaces"},
      {6, "", "message_id", "required"},
      {6, "no-at-sign", "message_id", "@"},
      {6, "two words@example.com", "message_id", "spaces"},
      {8, "caf\xe9", "body_text", "UTF-8"},
      {0, NULL, "subject", "too long"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_mail m = base_email();
    switch (cases[i].which) {
    case 0: m.subject = cases[i].value ? cases[i].value : big; break;
    case 3: m.to = cases[i].value; break;
    case 4: m.from = cases[i].value; break;
    case 5: m.list_unsubscribe_url = cases[i].value; break;
    case 6: m.message_id = cases[i].value; break;
    case 8: m.body_text = cases[i].value; break;
    }
    rp_sb sb = {0};
    rp_error_clear();
    assert_int_equal(rp_mime_build(&sb, &m), RP_EINVALID_VALUE);
    assert_string_equal(rp_error_last()->field, cases[i].field);
    if (!strstr(rp_error_last()->message, cases[i].reason))
      fail_msg("case %zu: \"%s\" does not say \"%s\"", i, rp_error_last()->message,
               cases[i].reason);
    rp_sb_free(&sb);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mime_plain_email_is_exact),
      cmocka_unit_test(test_mime_list_unsubscribe_one_click),
      cmocka_unit_test(test_mime_message_id_and_date),
      cmocka_unit_test(test_mime_body_accents_and_equals_are_quoted_printable),
      cmocka_unit_test(test_mime_body_long_lines_are_soft_broken),
      cmocka_unit_test(test_mime_body_line_ends_and_trailing_spaces),
      cmocka_unit_test(test_mime_subject_non_ascii_is_encoded_word),
      cmocka_unit_test(test_mime_long_subjects_fold_without_splitting_characters),
      cmocka_unit_test(test_mime_display_names),
      cmocka_unit_test(test_mime_header_injection_is_refused),
      cmocka_unit_test(test_mime_invalid_values_say_why),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
