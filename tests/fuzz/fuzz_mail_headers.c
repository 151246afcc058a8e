/* fuzz_mail_headers.c: libFuzzer driver for what mailbox sync reads of a
 * message (channels/mail_headers.h) and of the IMAP server's answers
 * (channels/imap.h rp_imap_parse). The first byte picks the entry point
 * and the snippet's size bound. Beyond memory errors and UB it checks the
 * contract: every text handed back is valid UTF-8 without control
 * characters (newlines allowed in snippets), snippets stay within their
 * bound, address lists within RP_MAIL_ADDRS_MAX, and a refusal is
 * RP_EINVALID_VALUE with a field and a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channels/imap.h"
#include "channels/mail_headers.h"
#include "util/error.h"
#include "util/text.h"

static void clean(const char *s, bool lines) {
  if (!s) return;
  size_t n = strlen(s);
  if (!rp_utf8_valid(s, n)) abort();
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] < 0x20 && !(lines && s[i] == '\n')) || s[i] == 0x7F) abort();
}

static void refused(int rc) {
  if (rc != RP_EINVALID_VALUE || rp_error_last()->code != rc || !rp_error_last()->field[0] ||
      !rp_error_last()->message[0])
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  unsigned mode = data[0] % 5;
  size_t max = 1 + data[0] / 5 * 40;
  const char *p = (const char *)data + 1;
  size_t len = size - 1;
  rp_arena ar = {0};
  rp_error_clear();
  if (mode == 0) {
    rp_mail_header_set h;
    int rc = rp_mail_headers_parse(&h, &ar, p, len);
    if (rc) {
      refused(rc);
    } else {
      clean(h.subject, false);
      rp_mail_addr *lists[] = {h.from, h.to, h.cc};
      size_t counts[] = {h.n_from, h.n_to, h.n_cc};
      for (int l = 0; l < 3; l++) {
        if (counts[l] > RP_MAIL_ADDRS_MAX) abort();
        for (size_t i = 0; i < counts[l]; i++) {
          clean(lists[l][i].name, false);
          if (!strchr(lists[l][i].address, '@')) abort();
        }
      }
      if (h.message_id && strlen(h.message_id) > RP_MAIL_MSGID_MAX) abort();
      char *s = rp_mail_snippet(&ar, h.content_type, h.transfer_encoding, p, len, max);
      clean(s, true);
      if (s && strlen(s) > max) abort();
    }
  } else if (mode == 1) {
    rp_mail_addr *a;
    size_t n;
    int rc = rp_mail_addresses_parse(&a, &n, &ar, "to", p, len);
    if (rc)
      refused(rc);
    else if (n > RP_MAIL_ADDRS_MAX)
      abort();
  } else if (mode == 2) {
    clean(rp_mail_decode_words(&ar, p, len), false);
    rp_time t;
    int rc = rp_mail_date_parse(&t, p, len);
    if (rc) refused(rc);
  } else if (mode == 3) {
    /* a multipart body: the Content-Type is the first line */
    const char *nl = memchr(p, '\n', len);
    size_t hl = nl ? (size_t)(nl - p) : len;
    char *ct = rp_arena_strndup(&ar, p, hl);
    char *s = rp_mail_snippet(&ar, ct, NULL, p + hl, len - hl, max);
    clean(s, true);
    if (s && strlen(s) > max) abort();
  } else {
    rp_imap_response *r;
    size_t n;
    const char *status, *text;
    int rc = rp_imap_parse(&r, &n, &status, &text, &ar, p, len);
    if (rc) refused(rc);
  }
  rp_arena_free(&ar);
  return 0;
}
