/* fuzz_mime.c: libFuzzer driver for the email builder (channels/mime.h)
 * and the SMS keyword classifier (channels/sms.h).
 *
 * The input is NUL-separated fields: subject, from_name, to_name, body_text,
 * to, list_unsubscribe_url, message_id, reply_to (a missing field keeps a
 * valid default, so the fuzzer reaches the encoders). Beyond memory errors
 * and UB it checks the contract:
 *  - a refusal is RP_EINVALID_VALUE with a field and a message, and writes
 *    nothing;
 *  - an accepted message has CRLF line ends only (no bare LF or CR), every
 *    header line is one of ours or a folded continuation (nothing from the
 *    input starts a header line), no header line passes 998 characters,
 *    no body line passes 76, and the quoted-printable body decodes back to
 *    the input text (line ends normalised);
 *  - rp_sms_keyword_of returns one of its three values, and only NONE for
 *    text longer than any keyword once trimmed of white space and punctuation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "channels/mime.h"
#include "channels/sms.h"
#include "util/error.h"

static const char *const ours[] = {"Date: ",
                                   "From: ",
                                   "To: ",
                                   "Reply-To: ",
                                   "Subject: ",
                                   "Message-ID: ",
                                   "List-Unsubscribe: ",
                                   "List-Unsubscribe-Post: ",
                                   "MIME-Version: ",
                                   "Content-Type: ",
                                   "Content-Transfer-Encoding: "};

static void check_headers(const char *h, size_t len) {
  size_t i = 0;
  while (i < len) {
    const char *e = memchr(h + i, '\r', len - i);
    if (!e || (size_t)(e - h) + 1 >= len || e[1] != '\n') abort();
    size_t ll = (size_t)(e - (h + i));
    if (ll > 998) abort();
    if (h[i] != ' ') {
      size_t k = 0;
      for (; k < sizeof ours / sizeof ours[0]; k++)
        if (ll >= strlen(ours[k]) && memcmp(h + i, ours[k], strlen(ours[k])) == 0) break;
      if (k == sizeof ours / sizeof ours[0]) abort(); /* a header line we did not write */
    } else if (ll < 2) {
      abort(); /* a blank continuation line */
    }
    i += ll + 2;
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  abort(); /* we write upper-case hex only */
}

/* Decodes the body and compares it with the input text: each of CRLF, LF,
 * CR is one line end, and the text ends with one. */
static void check_body(const char *b, size_t len, const char *text) {
  size_t tl = strlen(text), t = 0, col = 0;
  char *want = malloc(tl + 2), *got = malloc(len + 1);
  size_t wl = 0, gl = 0;
  for (; t < tl; t++) {
    if (text[t] == '\r' && t + 1 < tl && text[t + 1] == '\n') t++;
    want[wl++] = (text[t] == '\r') ? '\n' : text[t];
  }
  if (wl == 0 || want[wl - 1] != '\n') want[wl++] = '\n';
  for (size_t i = 0; i < len; i++) {
    if (b[i] == '\r') {
      if (i + 1 >= len || b[i + 1] != '\n') abort();
      if (col > 76) abort();
      col = 0;
      i++;
      got[gl++] = '\n';
    } else if (b[i] == '\n') {
      abort();
    } else if (b[i] == '=') {
      if (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n') {
        if (col + 1 > 76) abort();
        col = 0;
        i += 2;
        continue;
      }
      if (i + 2 >= len) abort();
      got[gl++] = (char)(hexval(b[i + 1]) * 16 + hexval(b[i + 2]));
      col += 3;
      i += 2;
    } else {
      unsigned char c = (unsigned char)b[i];
      if (c > 126 || (c < 32 && c != '\t')) abort();
      if ((c == ' ' || c == '\t') && (i + 1 >= len || b[i + 1] == '\r')) abort();
      got[gl++] = b[i];
      col++;
    }
  }
  if (gl != wl || memcmp(got, want, wl) != 0) abort();
  free(want);
  free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* the keyword classifier on the raw input */
  rp_sms_keyword k = rp_sms_keyword_of((const char *)data, size);
  if (k != RP_SMS_KEYWORD_NONE && k != RP_SMS_KEYWORD_OPT_OUT && k != RP_SMS_KEYWORD_OPT_IN)
    abort();
  if (k != RP_SMS_KEYWORD_NONE) {
    size_t letters = 0;
    for (size_t i = 0; i < size; i++)
      if ((data[i] >= 'a' && data[i] <= 'z') || (data[i] >= 'A' && data[i] <= 'Z')) letters++;
    if (letters < 3 || letters > 11) abort();
  }

  char *buf = malloc(size + 1);
  memcpy(buf, data, size);
  buf[size] = '\0';
  const char *f[8] = {0};
  size_t nf = 0;
  for (char *p = buf; nf < 8 && p <= buf + size; p += strlen(p) + 1)
    f[nf++] = p;

  rp_mail m = {
      .from = "agent@example.com",
      .to = "jane@example.org",
      .subject = "Hello",
      .body_text = "Hi\n",
      .message_id = "id@example.com",
      .date = 1795961100,
  };
  if (nf > 0) m.subject = f[0];
  if (nf > 1) m.from_name = f[1];
  if (nf > 2) m.to_name = f[2];
  if (nf > 3) m.body_text = f[3];
  if (nf > 4) m.to = f[4];
  if (nf > 5) m.list_unsubscribe_url = f[5];
  if (nf > 6) m.message_id = f[6];
  if (nf > 7) m.reply_to = f[7];

  rp_sb sb = {0};
  rp_error_clear();
  int rc = rp_mime_build(&sb, &m);
  if (rc != 0) {
    if (rc != RP_EINVALID_VALUE || sb.len != 0 || rp_error_last()->field[0] == '\0' ||
        rp_error_last()->message[0] == '\0')
      abort();
  } else {
    const char *msg = rp_sb_str(&sb);
    const char *sep = strstr(msg, "\r\n\r\n");
    if (!sep) abort();
    size_t hl = (size_t)(sep - msg) + 2;
    check_headers(msg, hl);
    check_body(sep + 4, sb.len - hl - 2, m.body_text);
  }
  rp_sb_free(&sb);

  /* the quoted-printable encoder alone, on any bytes */
  rp_sb qp = {0};
  rp_mime_qp_encode(&qp, buf, strlen(buf));
  check_body(rp_sb_str(&qp), qp.len, buf);
  rp_sb_free(&qp);
  free(buf);
  return 0;
}
