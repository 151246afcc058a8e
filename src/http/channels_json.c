/* channels_json.c: see channels_json.h. */
#include "http/channels_json.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "channels/mime.h"
#include "util/error.h"

#define PATH_LEN 48

typedef enum { K_URL, K_EMAIL, K_NAME, K_SECRET, K_SID, K_E164 } kind;

/* One field of a section: its key, how it is checked, where it lives. */
typedef struct field {
  const char *key;
  kind k;
  const char *const *schemes; /* K_URL: the allowed schemes, NULL-terminated */
  size_t off;                 /* offsetof(rp_channels, ...) */
} field;

typedef struct section {
  const char *key;
  const field *fields;
  size_t n;
  const char *const *readonly; /* keys of the answer a PUT may echo */
} section;

static const char *const smtp_schemes[] = {"smtp", "smtps", NULL};
static const char *const http_schemes[] = {"http", "https", NULL};
static const char *const imap_schemes[] = {"imap", "imaps", NULL};

static const field smtp_fields[] = {
    {"url", K_URL, smtp_schemes, offsetof(rp_channels, smtp_url)},
    {"from", K_EMAIL, NULL, offsetof(rp_channels, smtp_from)},
    {"username", K_NAME, NULL, offsetof(rp_channels, smtp_username)},
    {"password", K_SECRET, NULL, offsetof(rp_channels, smtp_password)},
};
static const field sms_fields[] = {
    {"base_url", K_URL, http_schemes, offsetof(rp_channels, sms_base_url)},
    {"account_sid", K_SID, NULL, offsetof(rp_channels, sms_account_sid)},
    {"auth_token", K_SECRET, NULL, offsetof(rp_channels, sms_auth_token)},
    {"from", K_E164, NULL, offsetof(rp_channels, sms_from)},
};
static const field imap_fields[] = {
    {"url", K_URL, imap_schemes, offsetof(rp_channels, imap_url)},
    {"username", K_NAME, NULL, offsetof(rp_channels, imap_username)},
    {"password", K_SECRET, NULL, offsetof(rp_channels, imap_password)},
};
static const char *const smtp_ro[] = {"password_set", NULL};
static const char *const sms_ro[] = {"auth_token_set", "webhook_url", NULL};
static const char *const imap_ro[] = {"password_set", NULL};

static const section sections[] = {
    {"smtp", smtp_fields, 4, smtp_ro},
    {"sms", sms_fields, 4, sms_ro},
    {"imap", imap_fields, 3, imap_ro},
};
#define N_SECTIONS (sizeof sections / sizeof sections[0])

static const char **slot(rp_channels *c, const field *f) {
  return (const char **)((char *)c + f->off);
}

static bool in_list(const char *const *list, const char *key) {
  for (; list && *list; list++)
    if (!strcmp(*list, key)) return true;
  return false;
}

static bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* scheme://host[:port][/path]: a host of letters, digits, '.', '-' (or an
 * IPv6 literal in brackets), a port 1..65535, a path of visible ASCII; no
 * user info (credentials go in their own fields, which stay write-only),
 * no query or fragment, no spaces or control characters. */
static int check_url(const char *path, const char *s, size_t len, const char *const *schemes) {
  size_t sl = 0;
  while (sl < len && s[sl] != ':')
    sl++;
  bool known = false;
  for (const char *const *p = schemes; *p; p++)
    if (strlen(*p) == sl && !strncasecmp(s, *p, sl)) known = true;
  if (!known || len < sl + 3 || strncmp(s + sl, "://", 3) != 0)
    return rp_error_set(RP_EINVALID_VALUE, path, "must be a URL starting %s:// or %s://",
                        schemes[0], schemes[1]);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c >= 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, path,
                          "may hold only visible ASCII characters, without spaces");
    if (c == '?' || c == '#')
      return rp_error_set(RP_EINVALID_VALUE, path, "may not have a query or fragment");
  }
  const char *h = s + sl + 3, *end = s + len;
  const char *slash = memchr(h, '/', (size_t)(end - h));
  const char *auth_end = slash ? slash : end;
  if (memchr(h, '@', (size_t)(auth_end - h)))
    return rp_error_set(RP_EINVALID_VALUE, path,
                        "may not hold a user name or password: give them in their own fields");
  const char *port = NULL;
  if (h < auth_end && *h == '[') {
    const char *rb = memchr(h, ']', (size_t)(auth_end - h));
    if (!rb || rb == h + 1) return rp_error_set(RP_EINVALID_VALUE, path, "has a bad IPv6 host");
    for (const char *p = h + 1; p < rb; p++)
      if (!(is_alnum(*p) || *p == ':' || *p == '.'))
        return rp_error_set(RP_EINVALID_VALUE, path, "has a bad IPv6 host");
    if (rb + 1 < auth_end) {
      if (rb[1] != ':') return rp_error_set(RP_EINVALID_VALUE, path, "has a bad host");
      port = rb + 2;
    }
  } else {
    const char *p = h;
    while (p < auth_end && *p != ':') {
      if (!(is_alnum(*p) || *p == '.' || *p == '-'))
        return rp_error_set(RP_EINVALID_VALUE, path,
                            "has a bad host: letters, digits, dots and hyphens only");
      p++;
    }
    if (p == h) return rp_error_set(RP_EINVALID_VALUE, path, "has no host");
    if (p < auth_end) port = p + 1;
  }
  if (port) {
    long v = 0;
    if (port == auth_end || auth_end - port > 5)
      return rp_error_set(RP_EINVALID_VALUE, path, "has a bad port: 1 to 65535");
    for (const char *p = port; p < auth_end; p++) {
      if (*p < '0' || *p > '9')
        return rp_error_set(RP_EINVALID_VALUE, path, "has a bad port: 1 to 65535");
      v = v * 10 + (*p - '0');
    }
    if (v < 1 || v > 65535)
      return rp_error_set(RP_EINVALID_VALUE, path, "has a bad port: 1 to 65535");
  }
  return 0;
}

/* A user name or secret: 1..max bytes without control characters. */
static int check_text(const char *path, const char *s, size_t len, size_t max) {
  if (len > max)
    return rp_error_set(RP_EINVALID_VALUE, path, "is too long (at most %zu bytes)", max);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, path, "may not hold control characters");
  }
  return 0;
}

/* Validates one field's string value and returns the form to keep (in ar),
 * or NULL with the error set. */
static const char *check_value(const field *f, const char *path, const char *s, size_t len,
                               rp_arena *ar) {
  switch (f->k) {
  case K_URL: {
    if (len > RP_CHANNELS_URL_MAX) {
      rp_error_set(RP_EINVALID_VALUE, path, "is too long (at most %d bytes)", RP_CHANNELS_URL_MAX);
      return NULL;
    }
    if (check_url(path, s, len, f->schemes)) return NULL;
    while (len && s[len - 1] == '/')
      len--; /* "https://api.twilio.com/" is the same base */
    return rp_arena_strndup(ar, s, len);
  }
  case K_EMAIL: {
    char out[256];
    if (len > 254) {
      rp_error_set(RP_EINVALID_VALUE, path, "is too long for an email address");
      return NULL;
    }
    if (rp_mime_address(out, sizeof out, path, s)) return NULL;
    return rp_arena_strdup(ar, out);
  }
  case K_NAME:
    if (check_text(path, s, len, RP_CHANNELS_NAME_MAX)) return NULL;
    return rp_arena_strndup(ar, s, len);
  case K_SECRET:
    if (check_text(path, s, len, RP_CHANNELS_SECRET_MAX)) return NULL;
    return rp_arena_strndup(ar, s, len);
  case K_SID:
    if (len > RP_CHANNELS_SID_MAX) {
      rp_error_set(RP_EINVALID_VALUE, path, "is too long (at most %d characters)",
                   RP_CHANNELS_SID_MAX);
      return NULL;
    }
    for (size_t i = 0; i < len; i++)
      if (!is_alnum(s[i])) {
        rp_error_set(RP_EINVALID_VALUE, path, "may hold only letters and digits");
        return NULL;
      }
    return rp_arena_strndup(ar, s, len);
  case K_E164: {
    bool ok = len >= 9 && len <= 16 && s[0] == '+' && s[1] >= '1' && s[1] <= '9';
    for (size_t i = 1; ok && i < len; i++)
      ok = s[i] >= '0' && s[i] <= '9';
    if (!ok) {
      rp_error_set(RP_EINVALID_VALUE, path,
                   "must be a phone number in E.164 form, such as +15551234567");
      return NULL;
    }
    return rp_arena_strndup(ar, s, len);
  }
  }
  return NULL;
}

static bool section_empty(rp_channels *c, const section *sec) {
  for (size_t i = 0; i < sec->n; i++)
    if (*slot(c, &sec->fields[i])) return false;
  return true;
}

static int require(const char *sec, const char *key, const char *v, const char *why) {
  if (v) return 0;
  char path[PATH_LEN];
  snprintf(path, sizeof path, "%s.%s", sec, key);
  return rp_error_set(RP_EVALIDATION, path, "is required %s", why);
}

/* What each section needs once anything in it is set. */
static int check_complete(rp_channels *c) {
  int rc;
  if (!section_empty(c, &sections[0]) &&
      ((rc = require("smtp", "url", c->smtp_url, "to send email")) ||
       (rc = require("smtp", "from", c->smtp_from, "to send email")) ||
       (c->smtp_password &&
        (rc = require("smtp", "username", c->smtp_username, "with a password")))))
    return rc;
  if (!section_empty(c, &sections[1])) {
    if (!c->sms_base_url) c->sms_base_url = RP_CHANNELS_TWILIO;
    if ((rc = require("sms", "account_sid", c->sms_account_sid, "to send SMS")) ||
        (rc = require("sms", "auth_token", c->sms_auth_token, "to send SMS")) ||
        (rc = require("sms", "from", c->sms_from, "to send SMS")))
      return rc;
  }
  if (!section_empty(c, &sections[2]) &&
      ((rc = require("imap", "url", c->imap_url, "to read replies")) ||
       (rc = require("imap", "username", c->imap_username, "to read replies")) ||
       (rc = require("imap", "password", c->imap_password, "to read replies"))))
    return rc;
  return 0;
}

static int apply_section(rp_channels *next, const section *sec, const json_t *obj, rp_arena *ar) {
  char path[PATH_LEN];
  if (json_is_null(obj)) {
    for (size_t i = 0; i < sec->n; i++)
      *slot(next, &sec->fields[i]) = NULL;
    return 0;
  }
  if (!json_is_object(obj))
    return rp_error_set(RP_EINVALID_VALUE, sec->key, "must be an object or null");
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    snprintf(path, sizeof path, "%s.%.32s", sec->key, key);
    const field *f = NULL;
    for (size_t i = 0; i < sec->n; i++)
      if (!strcmp(sec->fields[i].key, key)) f = &sec->fields[i];
    if (!f) {
      if (in_list(sec->readonly, key)) continue;
      return rp_error_set(RP_EUNKNOWN_FIELD, path, "unknown key '%.64s'", key);
    }
    if (json_is_null(v)) {
      *slot(next, f) = NULL;
      continue;
    }
    if (!json_is_string(v))
      return rp_error_set(RP_EINVALID_VALUE, path, "must be a string or null");
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) != len)
      return rp_error_set(RP_EINVALID_VALUE, path, "may not hold NUL characters");
    if (len == 0) {
      *slot(next, f) = NULL;
      continue;
    }
    const char *kept = check_value(f, path, s, len, ar);
    if (!kept) return rp_error_last()->code;
    *slot(next, f) = kept;
  }
  return 0;
}

int rp_channels_apply(rp_channels *next, const rp_channels *cur, const json_t *body, rp_arena *ar) {
  *next = *cur;
  if (!json_is_object(body))
    return rp_error_set(RP_EINVALID_JSON, NULL, "the body must be an object");
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)body, key, v) {
    const section *sec = NULL;
    for (size_t i = 0; i < N_SECTIONS; i++)
      if (!strcmp(sections[i].key, key)) sec = &sections[i];
    if (!sec) {
      if (!strcmp(key, "updated_at")) continue;
      *next = *cur;
      return rp_error_set(RP_EUNKNOWN_FIELD, key, "unknown key '%.64s': smtp, sms or imap", key);
    }
    int rc = apply_section(next, sec, v, ar);
    if (rc) {
      *next = *cur;
      return rc;
    }
  }
  int rc = check_complete(next);
  if (rc) *next = *cur;
  return rc;
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

json_t *rp_channels_to_json(const rp_channels *c, const char *webhook_url) {
  char at[21];
  return json_pack("{s:{s:o, s:o, s:o, s:b}, s:{s:o, s:o, s:o, s:b, s:o}, s:{s:o, s:o, s:b},"
                   " s:o}",
                   "smtp", "url", str_or_null(c->smtp_url), "from", str_or_null(c->smtp_from),
                   "username", str_or_null(c->smtp_username), "password_set",
                   c->smtp_password != NULL, //
                   "sms", "base_url", str_or_null(c->sms_base_url), "account_sid",
                   str_or_null(c->sms_account_sid), "from", str_or_null(c->sms_from),
                   "auth_token_set", c->sms_auth_token != NULL, "webhook_url",
                   str_or_null(webhook_url), //
                   "imap", "url", str_or_null(c->imap_url), "username",
                   str_or_null(c->imap_username), "password_set", c->imap_password != NULL, //
                   "updated_at",
                   c->updated_at ? json_string(rp_time_format(c->updated_at, at)) : json_null());
}
