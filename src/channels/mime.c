/* mime.c: the text of a plain-text email (RFC 5322, MIME RFC 2045/2047,
 * List-Unsubscribe RFC 2369/8058). See mime.h. Every value is checked before
 * a byte is written, so a refused email writes nothing. */
#include "channels/mime.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/email.h"
#include "util/error.h"
#include "util/text.h"

#define LINE_SOFT 76 /* our limit for every line we fold */

static const char hexd[] = "0123456789ABCDEF";

/* Checks a header value: at most max bytes, UTF-8, no line break (header
 * injection) and no other control character but TAB. */
static int check_header_text(const char *field, const char *p, size_t max) {
  size_t len = strlen(p);
  if (len > max) return rp_error_set(RP_EINVALID_VALUE, field, "too long (at most %zu bytes)", max);
  if (!rp_utf8_valid(p, len)) return rp_error_set(RP_EINVALID_VALUE, field, "not valid UTF-8");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '\r' || c == '\n')
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "contains a line break, which an email header cannot hold");
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, field, "contains a control character");
  }
  return 0;
}

/* True when p can be written as it is: printable ASCII (and TAB), and no
 * "=?" that a reader could take for an encoded-word. */
static bool plain_ascii(const char *p) {
  for (const char *s = p; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80 || (c < 0x20 && c != '\t')) return false;
    if (c == '=' && s[1] == '?') return false;
  }
  return true;
}

int rp_mime_address(char *out, size_t cap, const char *field, const char *addr) {
  if (!addr || !*addr) {
    if (cap) out[0] = '\0';
    return rp_error_set(RP_EINVALID_VALUE, field, "an email address is required");
  }
  if (rp_email_check(out, cap, addr, strlen(addr)) != 0)
    return rp_error_set(RP_EINVALID_VALUE, field, "%s", rp_error_last()->message);
  for (const char *s = out; *s; s++)
    if ((unsigned char)*s >= 0x80) {
      out[0] = '\0';
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "non-ASCII email addresses cannot be sent to yet (they need SMTPUTF8)");
    }
  return 0;
}

static int check_message_id(const char *field, const char *p, const char **start, size_t *len) {
  size_t n = p ? strlen(p) : 0;
  if (n >= 2 && p[0] == '<' && p[n - 1] == '>') {
    p++;
    n -= 2;
  }
  *start = p;
  *len = n;
  if (n == 0) return rp_error_set(RP_EINVALID_VALUE, field, "a Message-ID is required");
  if (n > RP_MIME_MSGID_MAX)
    return rp_error_set(RP_EINVALID_VALUE, field, "too long (at most %d bytes)", RP_MIME_MSGID_MAX);
  size_t at = n, ats = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '\r' || c == '\n')
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "contains a line break, which an email header cannot hold");
    if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "may hold only printable ASCII without spaces or <>()[]\\,;:\"");
    if (c == '@') {
      at = i;
      ats++;
    }
  }
  if (ats != 1 || at == 0 || at == n - 1)
    return rp_error_set(RP_EINVALID_VALUE, field, "must look like unique-part@domain");
  return 0;
}

static int check_url(const char *field, const char *p) {
  size_t n = strlen(p);
  if (n > RP_MIME_URL_MAX)
    return rp_error_set(RP_EINVALID_VALUE, field, "too long (at most %d bytes)", RP_MIME_URL_MAX);
  size_t scheme = 0;
  if (n > 8 && strncasecmp(p, "https://", 8) == 0)
    scheme = 8;
  else if (n > 7 && strncasecmp(p, "http://", 7) == 0)
    scheme = 7;
  if (!scheme) return rp_error_set(RP_EINVALID_VALUE, field, "must be an http:// or https:// URL");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '\r' || c == '\n')
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "contains a line break, which an email header cannot hold");
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "may not hold spaces, <, >, \" or non-ASCII characters "
                          "(percent-encode them)");
  }
  return 0;
}

static int check_name(const char *field, const char *p) {
  return check_header_text(field, p, RP_MIME_NAME_MAX);
}

void rp_mime_date(char out[RP_MIME_DATE_LEN], rp_time t) {
  static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t days = t / 86400, secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(days, &y, &m, &d);
  int w = (int)(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6); /* 1970-01-01 was a Thursday */
  if (y < 1900 || y > 9999) { /* outside what RFC 5322 writes: clamp */
    y = y < 1900 ? 1900 : 9999;
  }
  snprintf(out, RP_MIME_DATE_LEN, "%s, %02u %s %04d %02d:%02d:%02d +0000", wd[w], d, mon[m - 1],
           (int)y, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* Length of the UTF-8 sequence starting with c (the text is valid). */
static size_t u8len(unsigned char c) {
  if (c < 0x80) return 1;
  if (c < 0xe0) return 2;
  if (c < 0xf0) return 3;
  return 4;
}

/* Characters an RFC 2047 "Q" encoded-word may carry as they are, in any
 * context (a phrase is the strictest: RFC 2047 5(3)). */
static bool q_literal(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
         c == '*' || c == '+' || c == '-' || c == '/';
}

static size_t q_cost(unsigned char c) { return (q_literal(c) || c == ' ') ? 1 : 3; }

/* Appends p as UTF-8 "Q" encoded-words, starting at column *col, folding
 * (CRLF SP) so that no line passes LINE_SOFT and no word passes 75
 * characters (RFC 2047 2); a character is never split between words. */
static void put_words(rp_sb *sb, size_t *col, const char *p) {
  static const char open[] = "=?UTF-8?Q?";
  const size_t frame = sizeof open - 1 + 2;
  size_t i = 0, n = strlen(p);
  bool first = true;
  do {
    if (!first) {
      rp_sb_append(sb, "\r\n ", 3);
      *col = 1;
    }
    first = false;
    size_t room = LINE_SOFT - *col - frame;
    if (room > 75 - frame) room = 75 - frame;
    rp_sb_append(sb, open, sizeof open - 1);
    *col += sizeof open - 1;
    size_t used = 0;
    while (i < n) {
      /* start a new word rather than split a word of the text in two, when
       * it fits in one (readers that wrongly keep the folding white space
       * then show at most an extra space between two words) */
      if (used > 0 && (i == 0 || p[i - 1] == ' ')) {
        size_t tcost = 0, j = i;
        while (j < n && p[j] != ' ')
          tcost += q_cost((unsigned char)p[j++]);
        if (j < n) tcost++; /* its space */
        if (used + tcost > room && tcost <= 75 - frame) break;
      }
      size_t k = u8len((unsigned char)p[i]), cost = 0;
      for (size_t j = 0; j < k; j++)
        cost += q_cost((unsigned char)p[i + j]);
      if (used + cost > room) break;
      for (size_t j = 0; j < k; j++) {
        unsigned char c = (unsigned char)p[i + j];
        if (c == ' ')
          rp_sb_putc(sb, '_');
        else if (q_literal(c))
          rp_sb_putc(sb, (char)c);
        else {
          char e[3] = {'=', hexd[c >> 4], hexd[c & 15]};
          rp_sb_append(sb, e, 3);
        }
      }
      used += cost;
      i += k;
    }
    rp_sb_append(sb, "?=", 2);
    *col += used + 2;
  } while (i < n);
}

/* Appends printable ASCII p, folding before a space (one followed by a
 * non-space, so no continuation line is blank) when a line would pass 78. */
static void put_ascii_folded(rp_sb *sb, size_t *col, const char *p) {
  size_t n = strlen(p), i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && !(p[j] == ' ' && j + 1 < n && p[j + 1] != ' '))
      j++;
    if (i > 0 && p[i] == ' ' && *col + (j - i) > 78) {
      rp_sb_append(sb, "\r\n", 2);
      *col = 0;
    }
    rp_sb_append(sb, p + i, j - i);
    *col += j - i;
    i = j;
  }
}

/* "Header: value" of unstructured text (Subject). */
static void put_unstructured(rp_sb *sb, const char *name, const char *v) {
  size_t col = strlen(name) + 2;
  rp_sb_puts(sb, name);
  rp_sb_append(sb, ": ", 2);
  if (plain_ascii(v))
    put_ascii_folded(sb, &col, v);
  else
    put_words(sb, &col, v);
  rp_sb_append(sb, "\r\n", 2);
}

/* "Header: name <addr>" or "Header: addr" (From, To). */
static void put_mailbox(rp_sb *sb, const char *hname, const char *name, const char *addr) {
  size_t col = strlen(hname) + 2;
  rp_sb_puts(sb, hname);
  rp_sb_append(sb, ": ", 2);
  if (!name || !*name) {
    rp_sb_puts(sb, addr);
    rp_sb_append(sb, "\r\n", 2);
    return;
  }
  if (plain_ascii(name)) {
    rp_sb_putc(sb, '"');
    for (const char *s = name; *s; s++) {
      if (*s == '"' || *s == '\\') rp_sb_putc(sb, '\\');
      rp_sb_putc(sb, *s);
      col++;
    }
    rp_sb_putc(sb, '"');
    col += 2;
  } else {
    put_words(sb, &col, name);
  }
  size_t alen = strlen(addr);
  if (col + 3 + alen > LINE_SOFT) {
    rp_sb_append(sb, "\r\n", 2);
    col = 0;
  }
  rp_sb_printf(sb, " <%s>\r\n", addr);
}

void rp_mime_qp_encode(rp_sb *out, const char *p, size_t len) {
  size_t i = 0;
  while (i < len) {
    /* one line: p[i..e), then a line break of brk bytes */
    size_t e = i;
    while (e < len && p[e] != '\r' && p[e] != '\n')
      e++;
    size_t col = 0;
    for (size_t k = i; k < e; k++) {
      unsigned char c = (unsigned char)p[k];
      bool last = k + 1 == e;
      char tok[3];
      size_t t;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        tok[0] = (char)c;
        t = 1;
      } else {
        tok[0] = '=';
        tok[1] = hexd[c >> 4];
        tok[2] = hexd[c & 15];
        t = 3;
      }
      /* a soft break "=" takes the 76th column; the line's last token may
       * use it instead */
      if (col + t > (last ? LINE_SOFT : LINE_SOFT - 1)) {
        rp_sb_append(out, "=\r\n", 3);
        col = 0;
      }
      rp_sb_append(out, tok, t);
      col += t;
    }
    rp_sb_append(out, "\r\n", 2);
    if (e < len) e += (p[e] == '\r' && e + 1 < len && p[e + 1] == '\n') ? 2 : 1;
    i = e;
  }
  if (len == 0) rp_sb_append(out, "\r\n", 2);
}

int rp_mime_build(rp_sb *out, const rp_mail *m) {
  char from[256], to[256], reply_to[256];
  const char *msgid;
  size_t msgid_len;
  const char *subject = m->subject ? m->subject : "";
  const char *body = m->body_text ? m->body_text : "";
  int rc;

  if ((rc = rp_mime_address(from, sizeof from, "from", m->from)) != 0) return rc;
  if ((rc = rp_mime_address(to, sizeof to, "to", m->to)) != 0) return rc;
  reply_to[0] = '\0';
  if (m->reply_to && *m->reply_to &&
      (rc = rp_mime_address(reply_to, sizeof reply_to, "reply_to", m->reply_to)) != 0)
    return rc;
  if (m->from_name && (rc = check_name("from_name", m->from_name)) != 0) return rc;
  if (m->to_name && (rc = check_name("to_name", m->to_name)) != 0) return rc;
  if ((rc = check_header_text("subject", subject, RP_MIME_SUBJECT_MAX)) != 0) return rc;
  if ((rc = check_message_id("message_id", m->message_id, &msgid, &msgid_len)) != 0) return rc;
  if (m->list_unsubscribe_url && *m->list_unsubscribe_url &&
      (rc = check_url("list_unsubscribe_url", m->list_unsubscribe_url)) != 0)
    return rc;
  size_t blen = strlen(body);
  if (blen > RP_MIME_BODY_MAX)
    return rp_error_set(RP_EINVALID_VALUE, "body_text", "too long (at most %d bytes)",
                        RP_MIME_BODY_MAX);
  if (!rp_utf8_valid(body, blen))
    return rp_error_set(RP_EINVALID_VALUE, "body_text", "not valid UTF-8");

  char date[RP_MIME_DATE_LEN];
  rp_mime_date(date, m->date);
  rp_sb_printf(out, "Date: %s\r\n", date);
  put_mailbox(out, "From", m->from_name, from);
  put_mailbox(out, "To", m->to_name, to);
  if (reply_to[0]) rp_sb_printf(out, "Reply-To: %s\r\n", reply_to);
  put_unstructured(out, "Subject", subject);
  rp_sb_append(out, "Message-ID: <", 13);
  rp_sb_append(out, msgid, msgid_len);
  rp_sb_append(out, ">\r\n", 3);
  if (m->list_unsubscribe_url && *m->list_unsubscribe_url) {
    rp_sb_printf(out, "List-Unsubscribe: <%s>\r\n", m->list_unsubscribe_url);
    rp_sb_puts(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
  }
  rp_sb_puts(out, "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n"
                  "\r\n");
  rp_mime_qp_encode(out, body, blen);
  return 0;
}
