/* email.c: email address syntax (API.md contacts: "emails are checked for
 * syntax"). The subset of RFC 5321/5322 that mail programs accept, as
 * described in email.h; each refusal says what is wrong in words a user
 * understands ("missing @", "domain has no dot"). */
#include "core/email.h"

#include <stdbool.h>
#include <string.h>

#include "util/error.h"
#include "util/text.h"

#define EMAIL_MAX 254
#define LOCAL_MAX 64
#define LABEL_MAX 63

static bool is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 5322 atext. */
static bool is_atext(unsigned char c) {
  return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* Length of a blank (space, tab, CR, LF, NBSP) at p[0..n), or 0. */
static size_t blank_at(const char *p, size_t n) {
  if (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n') return 1;
  if (n >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) return 2;
  return 0;
}

static int check_local(const char *p, size_t n) {
  if (n == 0) return rp_error_set(RP_EINVALID_VALUE, NULL, "nothing before the @");
  if (n > LOCAL_MAX)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "local part too long (at most %d characters)",
                        LOCAL_MAX);
  if (p[0] == '.') return rp_error_set(RP_EINVALID_VALUE, NULL, "local part starts with a dot");
  if (p[n - 1] == '.') return rp_error_set(RP_EINVALID_VALUE, NULL, "local part ends with a dot");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '.') {
      if (p[i + 1] == '.')
        return rp_error_set(RP_EINVALID_VALUE, NULL, "local part has two dots in a row");
    } else if (!is_atext(c)) {
      if (c >= 0x80)
        return rp_error_set(RP_EINVALID_VALUE, NULL,
                            "local part may only hold ASCII letters, digits and "
                            "!#$%%&'*+-/=?^_`{|}~");
      return rp_error_set(RP_EINVALID_VALUE, NULL, "local part may not hold '%c'", c);
    }
  }
  return 0;
}

static int check_domain(const char *p, size_t n) {
  if (n == 0) return rp_error_set(RP_EINVALID_VALUE, NULL, "nothing after the @");
  if (p[0] == '[')
    return rp_error_set(RP_EINVALID_VALUE, NULL, "IP address domains are not accepted");
  if (!memchr(p, '.', n)) return rp_error_set(RP_EINVALID_VALUE, NULL, "domain has no dot");
  size_t label = 0;       /* start of the current label */
  bool all_digits = true; /* the current label */
  for (size_t i = 0; i <= n; i++) {
    if (i == n || p[i] == '.') {
      size_t ll = i - label;
      if (ll == 0)
        return rp_error_set(RP_EINVALID_VALUE, NULL,
                            "domain has an empty label (a dot at the start or end, or two dots)");
      if (ll > LABEL_MAX)
        return rp_error_set(RP_EINVALID_VALUE, NULL,
                            "domain label too long (at most %d characters)", LABEL_MAX);
      if (p[label] == '-' || p[i - 1] == '-')
        return rp_error_set(RP_EINVALID_VALUE, NULL, "domain label starts or ends with a hyphen");
      if (i == n && all_digits)
        return rp_error_set(RP_EINVALID_VALUE, NULL, "top-level domain cannot be a number");
      label = i + 1;
      all_digits = true;
      continue;
    }
    unsigned char c = (unsigned char)p[i];
    if (!(is_alnum(c) || c == '-' || c >= 0x80))
      return rp_error_set(RP_EINVALID_VALUE, NULL, "domain may not hold '%c'", c);
    if (!(c >= '0' && c <= '9')) all_digits = false;
  }
  return 0;
}

/* rp_email_check: see email.h. out (cap bytes) is the caller's and holds ""
 * on error; nothing is allocated. */
int rp_email_check(char *out, size_t cap, const char *p, size_t len) {
  size_t s;
  int rc;

  if (out && cap) out[0] = '\0';
  if (!p) len = 0;
  while (len && (s = blank_at(p, len)) > 0) {
    p += s;
    len -= s;
  }
  while (len) {
    if (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '\n')
      len--;
    else if (len >= 2 && (unsigned char)p[len - 2] == 0xC2 && (unsigned char)p[len - 1] == 0xA0)
      len -= 2;
    else
      break;
  }
  if (len == 0) return rp_error_set(RP_EINVALID_VALUE, NULL, "empty email address");
  if (len > EMAIL_MAX)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "email address too long (at most %d characters)",
                        EMAIL_MAX);
  if (!rp_utf8_valid(p, len))
    return rp_error_set(RP_EINVALID_VALUE, NULL, "email address is not valid UTF-8");
  if (memchr(p, '<', len) || memchr(p, '>', len))
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        "give the bare address (name@example.com), without a name or <>");
  if (p[0] == '"')
    return rp_error_set(RP_EINVALID_VALUE, NULL, "quoted local parts are not accepted");
  size_t at = len, n_at = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == ' ' || c == '\t' || (c == 0xC2 && i + 1 < len && (unsigned char)p[i + 1] == 0xA0))
      return rp_error_set(RP_EINVALID_VALUE, NULL, "email address contains a space");
    if (c < 0x20 || c == 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, NULL, "email address contains a control character");
    if (c == '@') {
      n_at++;
      at = i;
    }
  }
  if (n_at == 0) return rp_error_set(RP_EINVALID_VALUE, NULL, "missing @");
  if (n_at > 1) return rp_error_set(RP_EINVALID_VALUE, NULL, "more than one @");
  if ((rc = check_local(p, at)) != 0) return rc;
  if ((rc = check_domain(p + at + 1, len - at - 1)) != 0) return rc;
  if (!out || cap < len + 1) return rp_error_set(RP_EINVALID_VALUE, NULL, "email address too long");
  memcpy(out, p, at + 1);
  for (size_t i = at + 1; i < len; i++)
    out[i] = lower_ascii(p[i]);
  out[len] = '\0';
  return 0;
}

/* rp_email_key: see email.h. ASCII letters are lower-cased, other bytes kept;
 * truncated to cap - 1 bytes; NULL addr gives "". */
void rp_email_key(char *out, size_t cap, const char *addr) {
  if (!out || cap == 0) return;
  size_t i = 0;
  for (; addr && addr[i] && i + 1 < cap; i++)
    out[i] = lower_ascii(addr[i]);
  out[i] = '\0';
}
