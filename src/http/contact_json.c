/* contact_json.c: JSON <-> rp_contact / rp_activity / rp_history, the
 * validation of every writable field (API.md Contacts, Activities), and RFC
 * 7396 merge patch. No I/O: the arena and the default region come in. */
#include "http/contact_json.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/email.h"
#include "core/phone.h"
#include "http/http.h"
#include "util/error.h"
#include "util/text.h"
#include "util/uuid.h"

#define PATH_MAX_LEN 128
#define URL_MAX 2048
#define LABEL_MAX 64
#define CUSTOM_KEY_MAX 64
#define CUSTOM_STR_MAX 2000
#define TEXT_MAX 1000 /* children, pets, interests */

/* ---- errors ---- */

static int fail(int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(int code, const char *field, const char *fmt, ...) {
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return rp_error_set(code, field, "%s", msg);
}

/* Re-raises the thread error (set by a core checker without a field) as
 * invalid_value on field, keeping its message. */
static int refield(const char *field, const char *fallback) {
  char msg[384];
  const rp_error *e = rp_error_last();
  snprintf(msg, sizeof msg, "%s", e->message[0] ? e->message : fallback);
  return rp_error_set(RP_EINVALID_VALUE, field, "%s", msg);
}

/* path = a, then "[i]" when i >= 0, then "." b when b, cut to fit as
 * snprintf would: the field an error names, made without printf (it is
 * made for every field of every row an import reads). */
static void field_path(char path[static PATH_MAX_LEN], const char *a, long i, const char *b) {
  char num[24], *d = num + sizeof num; /* "[i]", written from its end */
  *--d = '\0';
  if (i >= 0) {
    *--d = ']';
    for (unsigned long v = (unsigned long)i; d == num + sizeof num - 2 || v; v /= 10)
      *--d = (char)('0' + v % 10);
    *--d = '[';
  }
  const char *parts[4] = {a, d, b ? "." : "", b ? b : ""};
  size_t n = 0;
  for (int k = 0; k < 4; k++) {
    size_t len = strlen(parts[k]);
    if (len > PATH_MAX_LEN - 1 - n) len = PATH_MAX_LEN - 1 - n;
    memcpy(path + n, parts[k], len);
    n += len;
  }
  path[n] = '\0';
}

/* ---- strings ---- */

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Number of code points of valid UTF-8. */
static size_t utf8_chars(const char *p, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)p[i] & 0xc0) != 0x80) n++;
  return n;
}

enum { S_LINE = 0, S_MULTI = 1 };

/* Reads an optional string value: absent or null gives NULL; a string is
 * trimmed, "" gives NULL; bounded by max_chars code points (max_bytes when
 * that is not 0). Single-line strings refuse control characters. */
static int get_str(const char **out, const json_t *v, const char *field, size_t max_chars,
                   size_t max_bytes, int mode, rp_arena *ar) {
  *out = NULL;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_string(v)) return fail(RP_EINVALID_VALUE, field, "must be a string or null");
  const char *p = json_string_value(v);
  size_t len = json_string_length(v);
  if (memchr(p, '\0', len)) return fail(RP_EINVALID_VALUE, field, "must not contain NUL");
  while (len && is_space(p[0]))
    p++, len--;
  while (len && is_space(p[len - 1]))
    len--;
  if (!len) return 0;
  if (max_bytes && len > max_bytes)
    return fail(RP_EINVALID_VALUE, field, "is too long (at most %zu bytes)", max_bytes);
  if (max_chars && utf8_chars(p, len) > max_chars)
    return fail(RP_EINVALID_VALUE, field, "is too long (at most %zu characters)", max_chars);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    bool ctl = c < 0x20 || c == 0x7f;
    if (ctl && (mode == S_LINE || (c != '\n' && c != '\r' && c != '\t')))
      return fail(RP_EINVALID_VALUE, field, "must not contain control characters");
  }
  *out = rp_arena_strndup(ar, p, len);
  return 0;
}

static void ascii_lower(char *s) {
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

static bool ascii_prefix_ci(const char *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  if (len < n) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

/* An http(s) URL; a bare host ("example.com/page") is completed with
 * "https://". The scheme is lower-cased. */
static int get_url(const char **out, const json_t *v, const char *field, rp_arena *ar) {
  const char *s;
  int rc = get_str(&s, v, field, 0, URL_MAX, S_LINE, ar);
  *out = NULL;
  if (rc || !s) return rc;
  size_t len = strlen(s);
  for (size_t i = 0; i < len; i++)
    if (is_space(s[i])) return fail(RP_EINVALID_VALUE, field, "must be a URL without spaces");
  size_t skip;
  if (ascii_prefix_ci(s, len, "https://")) {
    skip = 8;
  } else if (ascii_prefix_ci(s, len, "http://")) {
    skip = 7;
  } else if (strstr(s, "://") || strchr(s, '@') || s[0] == '/') {
    return fail(RP_EINVALID_VALUE, field, "must be an http or https URL");
  } else {
    skip = 0;
  }
  const char *host = s + skip;
  size_t hl = strcspn(host, "/?#");
  if (hl == 0) return fail(RP_EINVALID_VALUE, field, "must be an http or https URL with a host");
  if (skip == 0) {
    /* a bare host needs a dot and host characters */
    bool dot = false;
    for (size_t i = 0; i < hl; i++) {
      unsigned char c = (unsigned char)host[i];
      if (c == '.') dot = true;
      if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':'))
        return fail(RP_EINVALID_VALUE, field, "must be an http or https URL");
    }
    if (!dot || host[0] == '.' || host[hl - 1] == '.')
      return fail(RP_EINVALID_VALUE, field, "must be an http or https URL");
    if (len + 8 > URL_MAX)
      return fail(RP_EINVALID_VALUE, field, "is too long (at most %d bytes)", URL_MAX);
    *out = rp_arena_printf(ar, "https://%s", s);
    return 0;
  }
  char *u = rp_arena_strdup(ar, s);
  for (size_t i = 0; i < skip; i++)
    if (u[i] >= 'A' && u[i] <= 'Z') u[i] = (char)(u[i] - 'A' + 'a');
  *out = u;
  return 0;
}

/* "YYYY-MM-DD" (a real calendar day). */
static int get_date(const char **out, const json_t *v, const char *field, rp_arena *ar) {
  const char *s;
  int rc = get_str(&s, v, field, 0, 64, S_LINE, ar);
  *out = NULL;
  if (rc || !s) return rc;
  rp_time t;
  if (rp_date_parse(&t, s, strlen(s)) != 0)
    return fail(RP_EINVALID_VALUE, field, "must be a date YYYY-MM-DD");
  *out = s;
  return 0;
}

static bool two_digits(const char *p, int *out) {
  if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') return false;
  *out = (p[0] - '0') * 10 + (p[1] - '0');
  return true;
}

/* "YYYY-MM-DD", or "--MM-DD" when the year is unknown (vCard style). */
static int get_month_day(const char **out, const json_t *v, const char *field, rp_arena *ar) {
  static const int dim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const char *s;
  int rc = get_str(&s, v, field, 0, 64, S_LINE, ar);
  *out = NULL;
  if (rc || !s) return rc;
  size_t len = strlen(s);
  rp_time t;
  int m, d;
  if (len == 10 && rp_date_parse(&t, s, len) == 0) {
    *out = s;
    return 0;
  }
  if (len == 7 && s[0] == '-' && s[1] == '-' && s[4] == '-' && two_digits(s + 2, &m) &&
      two_digits(s + 5, &d) && m >= 1 && m <= 12 && d >= 1 && d <= dim[m - 1]) {
    *out = s;
    return 0;
  }
  return fail(RP_EINVALID_VALUE, field, "must be a date YYYY-MM-DD or --MM-DD");
}

/* An object id (UUID), lower-cased. */
static int get_id(const char **out, const json_t *v, const char *field, const char *what,
                  rp_arena *ar) {
  const char *s;
  int rc = get_str(&s, v, field, 0, 64, S_LINE, ar);
  *out = NULL;
  if (rc || !s) return rc;
  if (!rp_uuid_valid(s, strlen(s))) return fail(RP_EINVALID_VALUE, field, "must be %s", what);
  char *id = rp_arena_strdup(ar, s);
  ascii_lower(id);
  *out = id;
  return 0;
}

/* ---- enums ---- */

/* The "must be one of: a, b, c" message of an enum. */
static int bad_enum(const char *field, const char *(*name)(int), int count) {
  char list[256];
  size_t off = 0;
  list[0] = '\0';
  for (int i = 0; i < count && off < sizeof list; i++)
    off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", name(i));
  return fail(RP_EINVALID_VALUE, field, "must be one of: %s", list);
}

static const char *status_name_i(int v) { return rp_status_name((rp_status)v); }
static const char *stage_name_i(int v) { return rp_stage_name((rp_stage)v); }
static const char *category_name_i(int v) { return rp_category_name((rp_category)v); }
static const char *ctype_name_i(int v) { return rp_ctype_name((rp_ctype)v); }
static const char *intent_name_i(int v) { return rp_intent_name((rp_intent)v); }
static const char *kind_name_i(int v) { return rp_kind_name((rp_activity_kind)v); }
static const char *direction_name_i(int v) { return rp_direction_name((rp_direction)v); }
static const char *importance_name_i(int v) { return rp_importance_name((rp_importance)v); }

/* Reads an enum value: *present is false for absent or null. */
static int get_enum(int *out, bool *present, const json_t *v, const char *field,
                    const char *(*name)(int), int count) {
  *present = false;
  if (!v || json_is_null(v)) return 0;
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    for (int i = 0; i < count; i++)
      if (strcmp(name(i), s) == 0) {
        *out = i;
        *present = true;
        return 0;
      }
  }
  return bad_enum(field, name, count);
}

/* ---- contact fields ---- */

static int parse_emails(rp_contact *c, const json_t *v, rp_arena *ar) {
  char path[PATH_MAX_LEN];
  if (!v || json_is_null(v)) return 0;
  if (!json_is_array(v))
    return fail(RP_EINVALID_VALUE, "emails", "must be an array of {address, label}");
  size_t n = json_array_size(v);
  if (n > RP_CJ_LIST_MAX)
    return fail(RP_EINVALID_VALUE, "emails", "at most %d emails", RP_CJ_LIST_MAX);
  c->emails = rp_arena_calloc(ar, (n ? n : 1) * sizeof *c->emails);
  char(*keys)[255] = rp_arena_alloc(ar, (n ? n : 1) * 255);
  for (size_t i = 0; i < n; i++) {
    const json_t *el = json_array_get(v, i);
    field_path(path, "emails", (long)i, NULL);
    if (!json_is_object(el))
      return fail(RP_EINVALID_VALUE, path, "must be an object {address, label}");
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)el, k, x) {
      if (strcmp(k, "address") != 0 && strcmp(k, "label") != 0) {
        field_path(path, "emails", (long)i, k);
        return fail(RP_EUNKNOWN_FIELD, path, "unknown field");
      }
    }
    rp_email e = {0};
    int rc;
    field_path(path, "emails", (long)i, "address");
    const json_t *addr = json_object_get(el, "address");
    const char *raw;
    if ((rc = get_str(&raw, addr, path, 0, 320, S_LINE, ar))) return rc;
    if (!raw) return fail(RP_EINVALID_VALUE, path, "is required");
    char canon[256];
    rp_error_clear();
    if (rp_email_check(canon, sizeof canon, raw, strlen(raw)) != 0)
      return refield(path, "is not a valid email address");
    e.address = raw; /* kept as typed (trimmed); matching uses rp_email_key */
    field_path(path, "emails", (long)i, "label");
    if ((rc = get_str(&e.label, json_object_get(el, "label"), path, LABEL_MAX, 0, S_LINE, ar)))
      return rc;
    char key[255];
    rp_email_key(key, sizeof key, e.address);
    bool dup = false;
    for (size_t j = 0; j < c->n_emails && !dup; j++)
      dup = strcmp(keys[j], key) == 0;
    if (dup) continue;
    snprintf(keys[c->n_emails], 255, "%s", key);
    c->emails[c->n_emails++] = e;
  }
  return 0;
}

static int parse_phones(rp_contact *c, const json_t *v, const char *region, rp_arena *ar) {
  char path[PATH_MAX_LEN];
  if (!v || json_is_null(v)) return 0;
  if (!json_is_array(v))
    return fail(RP_EINVALID_VALUE, "phones", "must be an array of {number, label}");
  size_t n = json_array_size(v);
  if (n > RP_CJ_LIST_MAX)
    return fail(RP_EINVALID_VALUE, "phones", "at most %d phones", RP_CJ_LIST_MAX);
  c->phones = rp_arena_calloc(ar, (n ? n : 1) * sizeof *c->phones);
  for (size_t i = 0; i < n; i++) {
    const json_t *el = json_array_get(v, i);
    field_path(path, "phones", (long)i, NULL);
    if (!json_is_object(el))
      return fail(RP_EINVALID_VALUE, path, "must be an object {number, label}");
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)el, k, x) {
      if (strcmp(k, "number") != 0 && strcmp(k, "label") != 0) {
        field_path(path, "phones", (long)i, k);
        return fail(RP_EUNKNOWN_FIELD, path, "unknown field");
      }
    }
    rp_phone ph = {0};
    int rc;
    field_path(path, "phones", (long)i, "number");
    const char *raw;
    if ((rc = get_str(&raw, json_object_get(el, "number"), path, 0, 64, S_LINE, ar))) return rc;
    if (!raw) return fail(RP_EINVALID_VALUE, path, "is required");
    char e164[RP_PHONE_MAX];
    rp_error_clear();
    if (rp_phone_normalize(e164, raw, strlen(raw), region) != 0)
      return refield(path, "is not a valid phone number");
    ph.number = rp_arena_strdup(ar, e164);
    field_path(path, "phones", (long)i, "label");
    if ((rc = get_str(&ph.label, json_object_get(el, "label"), path, LABEL_MAX, 0, S_LINE, ar)))
      return rc;
    bool dup = false;
    for (size_t j = 0; j < c->n_phones && !dup; j++)
      dup = strcmp(c->phones[j].number, ph.number) == 0;
    if (!dup) c->phones[c->n_phones++] = ph;
  }
  return 0;
}

static int parse_address(rp_contact *c, const json_t *v, rp_arena *ar) {
  static const struct {
    const char *key;
    size_t off;
    size_t max;
  } parts[] = {
      {"street", offsetof(rp_address, street), 500},
      {"city", offsetof(rp_address, city), RP_CJ_NAME_MAX},
      {"region", offsetof(rp_address, region), RP_CJ_NAME_MAX},
      {"postal_code", offsetof(rp_address, postal_code), 32},
      {"country", offsetof(rp_address, country), RP_CJ_NAME_MAX},
  };
  char path[PATH_MAX_LEN];
  c->has_address = false;
  memset(&c->address, 0, sizeof c->address);
  if (!v || json_is_null(v)) return 0;
  if (!json_is_object(v))
    return fail(RP_EINVALID_VALUE, "address",
                "must be an object {street, city, region, postal_code, country} or null");
  const char *k;
  const json_t *x;
  json_object_foreach((json_t *)v, k, x) {
    size_t i = 0;
    while (i < sizeof parts / sizeof parts[0] && strcmp(parts[i].key, k) != 0)
      i++;
    field_path(path, "address", -1, k);
    if (i == sizeof parts / sizeof parts[0]) return fail(RP_EUNKNOWN_FIELD, path, "unknown field");
    const char **slot = (const char **)((char *)&c->address + parts[i].off);
    int rc = get_str(slot, x, path, parts[i].max, 0, S_LINE, ar);
    if (rc) return rc;
    if (*slot) c->has_address = true;
  }
  return 0;
}

static int parse_social(rp_contact *c, const json_t *v, rp_arena *ar) {
  char path[PATH_MAX_LEN];
  if (!v || json_is_null(v)) return 0;
  if (!json_is_array(v)) return fail(RP_EINVALID_VALUE, "social", "must be an array of URLs");
  size_t n = json_array_size(v);
  if (n > RP_CJ_LIST_MAX)
    return fail(RP_EINVALID_VALUE, "social", "at most %d social links", RP_CJ_LIST_MAX);
  c->social = rp_arena_calloc(ar, (n ? n : 1) * sizeof *c->social);
  for (size_t i = 0; i < n; i++) {
    const json_t *el = json_array_get(v, i);
    field_path(path, "social", (long)i, NULL);
    if (!json_is_string(el)) return fail(RP_EINVALID_VALUE, path, "must be a URL string");
    const char *u;
    int rc = get_url(&u, el, path, ar);
    if (rc) return rc;
    if (!u) return fail(RP_EINVALID_VALUE, path, "must not be empty");
    bool dup = false;
    for (size_t j = 0; j < c->n_social && !dup; j++)
      dup = strcmp(c->social[j], u) == 0;
    if (!dup) c->social[c->n_social++] = u;
  }
  return 0;
}

static int parse_tags(rp_contact *c, const json_t *v, rp_arena *ar) {
  char path[PATH_MAX_LEN];
  if (!v || json_is_null(v)) return 0;
  if (!json_is_array(v)) return fail(RP_EINVALID_VALUE, "tags", "must be an array of strings");
  size_t n = json_array_size(v);
  if (n > RP_CJ_TAGS_MAX) return fail(RP_EINVALID_VALUE, "tags", "at most %d tags", RP_CJ_TAGS_MAX);
  c->tags = rp_arena_calloc(ar, (n ? n : 1) * sizeof *c->tags);
  for (size_t i = 0; i < n; i++) {
    const json_t *el = json_array_get(v, i);
    field_path(path, "tags", (long)i, NULL);
    if (!json_is_string(el)) return fail(RP_EINVALID_VALUE, path, "must be a string");
    const char *t;
    int rc = get_str(&t, el, path, RP_CJ_TAG_MAX, 0, S_LINE, ar);
    if (rc) return rc;
    if (!t) return fail(RP_EINVALID_VALUE, path, "must not be empty");
    ascii_lower((char *)t);
    bool dup = false;
    for (size_t j = 0; j < c->n_tags && !dup; j++)
      dup = strcmp(c->tags[j], t) == 0;
    if (!dup) c->tags[c->n_tags++] = t;
  }
  return 0;
}

static int parse_custom(rp_contact *c, const json_t *v, rp_arena *ar) {
  char path[PATH_MAX_LEN];
  c->custom_json = "{}";
  if (!v || json_is_null(v)) return 0;
  if (!json_is_object(v)) return fail(RP_EINVALID_VALUE, "custom", "must be an object");
  if (json_object_size(v) > RP_CJ_CUSTOM_MAX)
    return fail(RP_EINVALID_VALUE, "custom", "at most %d keys", RP_CJ_CUSTOM_MAX);
  json_t *clean = json_object();
  const char *k;
  const json_t *x;
  int rc = 0;
  json_object_foreach((json_t *)v, k, x) {
    field_path(path, "custom", -1, k);
    size_t kl = strlen(k);
    if (kl == 0) {
      rc = fail(RP_EINVALID_VALUE, "custom", "keys must not be empty");
      goto cleanup;
    }
    if (utf8_chars(k, kl) > CUSTOM_KEY_MAX) {
      rc = fail(RP_EINVALID_VALUE, path, "key is too long (at most %d characters)", CUSTOM_KEY_MAX);
      goto cleanup;
    }
    if (json_is_string(x)) {
      if (memchr(json_string_value(x), '\0', json_string_length(x)) ||
          utf8_chars(json_string_value(x), json_string_length(x)) > CUSTOM_STR_MAX) {
        rc = fail(RP_EINVALID_VALUE, path, "must be a string of at most %d characters",
                  CUSTOM_STR_MAX);
        goto cleanup;
      }
    } else if (json_is_real(x) && !isfinite(json_real_value(x))) {
      rc = fail(RP_EINVALID_VALUE, path, "must be a finite number");
      goto cleanup;
    } else if (!json_is_number(x) && !json_is_boolean(x) && !json_is_null(x)) {
      rc = fail(RP_EINVALID_VALUE, path, "must be a string, number, boolean or null");
      goto cleanup;
    }
    if (!json_is_null(x)) json_object_set(clean, k, (json_t *)x);
  }
  /* shortest reals: a number reads back as the very double the client sent */
  char *s = rp_json_dumps(clean, NULL);
  if (!s) {
    rc = fail(RP_EINVALID_VALUE, "custom", "cannot be encoded");
    goto cleanup;
  }
  c->custom_json = rp_arena_strdup(ar, s);
  free(s);
cleanup:
  json_decref(clean);
  return rc;
}

static int parse_budget(rp_contact *c, const json_t *v) {
  c->has_budget = false;
  c->budget = 0;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_number(v)) return fail(RP_EINVALID_VALUE, "budget", "must be a number or null");
  double d = json_number_value(v);
  if (!isfinite(d) || d < 0 || d > 1e15)
    return fail(RP_EINVALID_VALUE, "budget", "must be a number >= 0");
  c->has_budget = true;
  c->budget = d;
  return 0;
}

static int parse_interval(rp_contact *c, const json_t *v) {
  c->contact_interval_days = 0;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 3650)
    return fail(RP_EINVALID_VALUE, "contact_interval_days",
                "must be an integer from 1 to 3650, or null");
  c->contact_interval_days = json_integer_value(v);
  return 0;
}

static int parse_bool(bool *out, const json_t *v, const char *field) {
  *out = false;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_boolean(v)) return fail(RP_EINVALID_VALUE, field, "must be true or false");
  *out = json_is_true(v);
  return 0;
}

/* The writable contact keys and how each is read. */
enum {
  F_NAME,  /* single line, RP_CJ_NAME_MAX characters */
  F_TEXT,  /* multi-line, TEXT_MAX characters */
  F_NOTES, /* multi-line, RP_CJ_NOTES_MAX bytes */
  F_URL,
  F_MONTHDAY,
  F_DATE,
  F_EMAILS,
  F_PHONES,
  F_ADDRESS,
  F_SOCIAL,
  F_CUSTOM,
  F_STATUS,
  F_STAGE,
  F_CATEGORY,
  F_TYPE,
  F_INTENT,
  F_BUDGET,
  F_TAGS,
  F_REFERRER,
  F_OWNER,
  F_INTERVAL,
  F_SMS_OPT_OUT,
  F_EMAIL_OPT_OUT,
};

#define STR_FIELD(name) offsetof(rp_contact, name)
static const struct cfield {
  const char *key;
  int kind;
  size_t off; /* the const char * member for string kinds */
} contact_fields[] = {
    {"first_name", F_NAME, STR_FIELD(first_name)},
    {"last_name", F_NAME, STR_FIELD(last_name)},
    {"emails", F_EMAILS, 0},
    {"phones", F_PHONES, 0},
    {"address", F_ADDRESS, 0},
    {"company", F_NAME, STR_FIELD(company)},
    {"website", F_URL, STR_FIELD(website)},
    {"social", F_SOCIAL, 0},
    {"birthday", F_MONTHDAY, STR_FIELD(birthday)},
    {"anniversary", F_MONTHDAY, STR_FIELD(anniversary)},
    {"partner", F_NAME, STR_FIELD(partner)},
    {"children", F_TEXT, STR_FIELD(children)},
    {"pets", F_TEXT, STR_FIELD(pets)},
    {"interests", F_TEXT, STR_FIELD(interests)},
    {"notes", F_NOTES, STR_FIELD(notes)},
    {"custom", F_CUSTOM, 0},
    {"status", F_STATUS, 0},
    {"stage", F_STAGE, 0},
    {"category", F_CATEGORY, 0},
    {"type", F_TYPE, 0},
    {"intent", F_INTENT, 0},
    {"timeframe", F_DATE, STR_FIELD(timeframe)},
    {"budget", F_BUDGET, 0},
    {"tags", F_TAGS, 0},
    {"source", F_NAME, STR_FIELD(source)},
    {"referred_by", F_REFERRER, 0},
    {"known_since", F_DATE, STR_FIELD(known_since)},
    {"last_purchase_date", F_DATE, STR_FIELD(last_purchase_date)},
    {"last_sale_date", F_DATE, STR_FIELD(last_sale_date)},
    {"contact_interval_days", F_INTERVAL, 0},
    {"sms_opt_out", F_SMS_OPT_OUT, 0},
    {"email_opt_out", F_EMAIL_OPT_OUT, 0},
    {"owner_id", F_OWNER, 0},
};

static const char *const contact_readonly[] = {
    "id",      "version",    "display_name", "referral_count", "score", "last_touch_at",
    "overdue", "created_at", "updated_at",   "archived_at",
};

bool rp_contact_key_readonly(const char *key) {
  for (size_t i = 0; i < sizeof contact_readonly / sizeof contact_readonly[0]; i++)
    if (strcmp(contact_readonly[i], key) == 0) return true;
  return false;
}

static int parse_contact_field(rp_contact *c, rp_contact_given *g, const struct cfield *f,
                               const json_t *v, const char *region, rp_arena *ar) {
  const char **slot = (const char **)((char *)c + f->off);
  int e = 0;
  bool present = false;
  int rc;
  switch (f->kind) {
  case F_NAME: return get_str(slot, v, f->key, RP_CJ_NAME_MAX, 0, S_LINE, ar);
  case F_TEXT: return get_str(slot, v, f->key, TEXT_MAX, 0, S_MULTI, ar);
  case F_NOTES: return get_str(slot, v, f->key, 0, RP_CJ_NOTES_MAX, S_MULTI, ar);
  case F_URL: return get_url(slot, v, f->key, ar);
  case F_MONTHDAY: return get_month_day(slot, v, f->key, ar);
  case F_DATE: return get_date(slot, v, f->key, ar);
  case F_EMAILS: return parse_emails(c, v, ar);
  case F_PHONES: return parse_phones(c, v, region, ar);
  case F_ADDRESS: return parse_address(c, v, ar);
  case F_SOCIAL: return parse_social(c, v, ar);
  case F_CUSTOM: return parse_custom(c, v, ar);
  case F_STATUS:
    if ((rc = get_enum(&e, &present, v, f->key, status_name_i, RP_STATUS_COUNT))) return rc;
    c->status = present ? (rp_status)e : RP_STATUS_NONE;
    g->status = present;
    return 0;
  case F_STAGE:
    if ((rc = get_enum(&e, &present, v, f->key, stage_name_i, RP_STAGE_COUNT))) return rc;
    c->stage = present ? (rp_stage)e : RP_STAGE_NONE;
    g->stage = present;
    return 0;
  case F_CATEGORY:
    if ((rc = get_enum(&e, &present, v, f->key, category_name_i, RP_CATEGORY_COUNT))) return rc;
    c->category = present ? (rp_category)e : RP_CATEGORY_NONE;
    g->category = present;
    return 0;
  case F_TYPE:
    if ((rc = get_enum(&e, &present, v, f->key, ctype_name_i, RP_TYPE_COUNT))) return rc;
    c->type = present ? (rp_ctype)e : RP_TYPE_CLIENT;
    g->type = present;
    return 0;
  case F_INTENT:
    if ((rc = get_enum(&e, &present, v, f->key, intent_name_i, RP_INTENT_COUNT))) return rc;
    c->intent = present ? (rp_intent)e : RP_INTENT_NONE;
    return 0;
  case F_BUDGET: return parse_budget(c, v);
  case F_TAGS: return parse_tags(c, v, ar);
  case F_REFERRER: return get_id(&c->referred_by, v, f->key, "a contact id", ar);
  case F_OWNER: return get_id(&c->owner_id, v, f->key, "a user id", ar);
  case F_INTERVAL: return parse_interval(c, v);
  case F_SMS_OPT_OUT: return parse_bool(&c->sms_opt_out, v, f->key);
  case F_EMAIL_OPT_OUT: return parse_bool(&c->email_opt_out, v, f->key);
  }
  return fail(RP_EINTERNAL, f->key, "unhandled field");
}

int rp_contact_from_json(rp_contact *out, rp_contact_given *given, const json_t *body,
                         const char *default_region, rp_arena *ar) {
  rp_contact_given g = {0};
  memset(out, 0, sizeof *out);
  out->status = RP_STATUS_NONE;
  out->stage = RP_STAGE_NONE;
  out->category = RP_CATEGORY_NONE;
  out->type = RP_TYPE_CLIENT;
  out->intent = RP_INTENT_NONE;
  out->custom_json = "{}";
  if (given) memset(given, 0, sizeof *given);
  if (!json_is_object(body)) return fail(RP_EINVALID_JSON, NULL, "the body must be a JSON object");
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)body, key, v) {
    const struct cfield *f = NULL;
    for (size_t i = 0; i < sizeof contact_fields / sizeof contact_fields[0] && !f; i++)
      if (strcmp(contact_fields[i].key, key) == 0) f = &contact_fields[i];
    if (!f) {
      if (rp_contact_key_readonly(key)) return fail(RP_EINVALID_VALUE, key, "is read-only");
      return fail(RP_EUNKNOWN_FIELD, key, "unknown field");
    }
    int rc = parse_contact_field(out, &g, f, v, default_region, ar);
    if (rc) return rc;
  }
  if (!out->first_name && !out->last_name && !out->company && !out->n_emails && !out->n_phones)
    return fail(RP_EVALIDATION, NULL,
                "a contact needs a first name, last name, company, email or phone");
  if (given) *given = g;
  return 0;
}

/* ---- rendering ---- */

/* Sets member key (a string literal: valid UTF-8, its length known at
 * compile time) without jansson's re-checking and measuring it. */
#define JSET(o, key, v) json_object_setn_new_nocheck((o), (key), sizeof(key) - 1, (v))

/* Whether s[0..n) is valid UTF-8 as jansson's json_string requires; plain
 * ASCII, the usual case, is checked eight bytes at a time. */
static bool text_ok(const char *s, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    if (x & 0x8080808080808080ull) break;
  }
  while (i < n && (unsigned char)s[i] < 0x80)
    i++;
  return i == n || rp_utf8_valid(s + i, n - i);
}

static json_t *jstr(const char *s);

json_t *rp_address_to_json(bool has, const rp_address *a) {
  if (!has) return json_null();
  json_t *ad = json_object();
  JSET(ad, "street", jstr(a->street));
  JSET(ad, "city", jstr(a->city));
  JSET(ad, "region", jstr(a->region));
  JSET(ad, "postal_code", jstr(a->postal_code));
  JSET(ad, "country", jstr(a->country));
  return ad;
}

static json_t *jstr(const char *s) {
  if (!s) return json_null();
  size_t n = strlen(s);
  /* not UTF-8 (never from our own writes): null, as json_string refuses it */
  json_t *v = text_ok(s, n) ? json_stringn_nocheck(s, n) : NULL;
  return v ? v : json_null();
}

static json_t *jtime(rp_time t) {
  char buf[21];
  return t ? jstr(rp_time_format(t, buf)) : json_null();
}

/* A number as an integer when it is one (450000), else a real. */
static json_t *jnumber(double d) {
  if (d == floor(d) && fabs(d) < 9007199254740992.0) return json_integer((json_int_t)d);
  return json_real(d);
}

json_t *rp_contact_to_json(const rp_contact *c) {
  json_t *o = json_object();
  JSET(o, "id", jstr(c->id[0] ? c->id : NULL));
  JSET(o, "version", json_integer(c->version));
  JSET(o, "first_name", jstr(c->first_name));
  JSET(o, "last_name", jstr(c->last_name));
  JSET(o, "display_name", jstr(c->display_name));
  json_t *a = json_array();
  for (size_t i = 0; i < c->n_emails; i++) {
    json_t *e = json_object();
    JSET(e, "address", jstr(c->emails[i].address));
    JSET(e, "label", jstr(c->emails[i].label));
    json_array_append_new(a, e);
  }
  JSET(o, "emails", a);
  a = json_array();
  for (size_t i = 0; i < c->n_phones; i++) {
    json_t *p = json_object();
    JSET(p, "number", jstr(c->phones[i].number));
    JSET(p, "label", jstr(c->phones[i].label));
    json_array_append_new(a, p);
  }
  JSET(o, "phones", a);
  JSET(o, "address", rp_address_to_json(c->has_address, &c->address));
  JSET(o, "company", jstr(c->company));
  JSET(o, "website", jstr(c->website));
  a = json_array();
  for (size_t i = 0; i < c->n_social; i++)
    json_array_append_new(a, jstr(c->social[i]));
  JSET(o, "social", a);
  JSET(o, "birthday", jstr(c->birthday));
  JSET(o, "anniversary", jstr(c->anniversary));
  JSET(o, "partner", jstr(c->partner));
  JSET(o, "children", jstr(c->children));
  JSET(o, "pets", jstr(c->pets));
  JSET(o, "interests", jstr(c->interests));
  JSET(o, "notes", jstr(c->notes));
  json_t *custom = !c->custom_json || strcmp(c->custom_json, "{}") == 0
                       ? NULL /* the usual empty one: no parse */
                       : json_loads(c->custom_json, 0, NULL);
  if (!json_is_object(custom)) {
    json_decref(custom);
    custom = json_object();
  }
  JSET(o, "custom", custom);
  JSET(o, "status", jstr(rp_status_name(c->status)));
  JSET(o, "stage", jstr(rp_stage_name(c->stage)));
  JSET(o, "category", jstr(rp_category_name(c->category)));
  JSET(o, "type", jstr(rp_ctype_name(c->type)));
  JSET(o, "intent", jstr(rp_intent_name(c->intent)));
  JSET(o, "timeframe", jstr(c->timeframe));
  JSET(o, "budget", c->has_budget ? jnumber(c->budget) : json_null());
  a = json_array();
  for (size_t i = 0; i < c->n_tags; i++)
    json_array_append_new(a, jstr(c->tags[i]));
  JSET(o, "tags", a);
  JSET(o, "source", jstr(c->source));
  JSET(o, "referred_by", jstr(c->referred_by));
  JSET(o, "referral_count", json_integer(c->referral_count));
  JSET(o, "known_since", jstr(c->known_since));
  JSET(o, "last_purchase_date", jstr(c->last_purchase_date));
  JSET(o, "last_sale_date", jstr(c->last_sale_date));
  JSET(o, "contact_interval_days",
       c->contact_interval_days > 0 ? json_integer(c->contact_interval_days) : json_null());
  JSET(o, "sms_opt_out", json_boolean(c->sms_opt_out));
  JSET(o, "email_opt_out", json_boolean(c->email_opt_out));
  JSET(o, "owner_id", jstr(c->owner_id));
  JSET(o, "score", json_real(round(c->score * 10.0) / 10.0));
  JSET(o, "last_touch_at", jtime(c->last_touch_at));
  JSET(o, "overdue", json_boolean(c->overdue));
  JSET(o, "created_at", jtime(c->created_at));
  JSET(o, "updated_at", jtime(c->updated_at));
  JSET(o, "archived_at", jtime(c->archived_at));
  return o;
}

/* ---- merge patch, comparison ---- */

bool rp_json_equal_num(const json_t *a, const json_t *b) {
  if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
  if (json_is_object(a) && json_is_object(b)) {
    if (json_object_size(a) != json_object_size(b)) return false;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)a, k, v) {
      if (!rp_json_equal_num(v, json_object_get(b, k))) return false;
    }
    return true;
  }
  if (json_is_array(a) && json_is_array(b)) {
    if (json_array_size(a) != json_array_size(b)) return false;
    for (size_t i = 0; i < json_array_size(a); i++)
      if (!rp_json_equal_num(json_array_get(a, i), json_array_get(b, i))) return false;
    return true;
  }
  return a && b && json_equal(a, b);
}

int rp_json_check_readonly(const json_t *patch, const json_t *current,
                           bool (*is_readonly)(const char *key)) {
  if (!json_is_object(patch)) return 0;
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)patch, k, v) {
    if (!is_readonly(k)) continue;
    const json_t *cur = json_object_get(current, k);
    bool same = cur ? rp_json_equal_num(v, cur) : json_is_null(v);
    if (!same) return fail(RP_EINVALID_VALUE, k, "is read-only");
  }
  return 0;
}

json_t *rp_json_merge_patch(json_t *target, const json_t *patch) {
  if (!json_is_object(patch)) {
    json_decref(target);
    return json_deep_copy(patch);
  }
  if (!json_is_object(target)) {
    json_decref(target);
    target = json_object();
  }
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)patch, k, v) {
    if (json_is_null(v)) {
      json_object_del(target, k);
      continue;
    }
    json_t *cur = json_object_get(target, k);
    json_incref(cur);
    json_object_set_new(target, k, rp_json_merge_patch(cur, v));
  }
  return target;
}

/* ---- activities ---- */

static const char *const activity_readonly[] = {"id", "version", "created_at", "updated_at"};

bool rp_activity_key_readonly(const char *key) {
  for (size_t i = 0; i < sizeof activity_readonly / sizeof activity_readonly[0]; i++)
    if (strcmp(activity_readonly[i], key) == 0) return true;
  return false;
}

int rp_activity_from_json(rp_activity *out, const json_t *body, rp_time now, rp_arena *ar) {
  static const char *const keys[] = {"contact_id",  "kind",       "direction",
                                     "occurred_at", "subject",    "body",
                                     "duration_s",  "importance", "source"};
  memset(out, 0, sizeof *out);
  out->duration_s = -1;
  out->importance = RP_IMPORTANCE_NORMAL;
  out->occurred_at = now;
  if (!json_is_object(body)) return fail(RP_EINVALID_JSON, NULL, "the body must be a JSON object");
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)body, key, v) {
    size_t i = 0;
    while (i < sizeof keys / sizeof keys[0] && strcmp(keys[i], key) != 0)
      i++;
    if (i < sizeof keys / sizeof keys[0]) continue;
    if (rp_activity_key_readonly(key)) return fail(RP_EINVALID_VALUE, key, "is read-only");
    return fail(RP_EUNKNOWN_FIELD, key, "unknown field");
  }
  int rc, e = 0;
  bool present;
  const char *cid;
  if ((rc = get_id(&cid, json_object_get(body, "contact_id"), "contact_id", "a contact id", ar)))
    return rc;
  if (!cid) return fail(RP_EINVALID_VALUE, "contact_id", "is required");
  snprintf(out->contact_id, sizeof out->contact_id, "%s", cid);
  if ((rc = get_enum(&e, &present, json_object_get(body, "kind"), "kind", kind_name_i,
                     RP_KIND_COUNT)))
    return rc;
  if (!present) return fail(RP_EINVALID_VALUE, "kind", "is required");
  out->kind = (rp_activity_kind)e;
  if ((rc = get_enum(&e, &present, json_object_get(body, "direction"), "direction",
                     direction_name_i, RP_DIR_COUNT)))
    return rc;
  bool conversation = out->kind == RP_KIND_EMAIL || out->kind == RP_KIND_SMS ||
                      out->kind == RP_KIND_CALL || out->kind == RP_KIND_SOCIAL;
  if (!present)
    out->direction = conversation               ? RP_DIR_OUTBOUND
                     : out->kind == RP_KIND_WEB ? RP_DIR_INBOUND
                                                : RP_DIR_NONE;
  else
    out->direction = (rp_direction)e;
  if (out->kind == RP_KIND_WEB && out->direction != RP_DIR_INBOUND)
    return fail(RP_EINVALID_VALUE, "direction", "a web activity is inbound");
  const json_t *occ = json_object_get(body, "occurred_at");
  if (occ && !json_is_null(occ)) {
    rp_time t;
    if (!json_is_string(occ) ||
        rp_time_parse(&t, json_string_value(occ), json_string_length(occ)) != 0)
      return fail(RP_EINVALID_VALUE, "occurred_at",
                  "must be an RFC 3339 time such as 2026-11-24T14:05:00Z");
    out->occurred_at = t;
  }
  if ((rc = get_str(&out->subject, json_object_get(body, "subject"), "subject", RP_CJ_SUBJECT_MAX,
                    0, S_LINE, ar)))
    return rc;
  if ((rc = get_str(&out->body, json_object_get(body, "body"), "body", 0, RP_CJ_BODY_MAX, S_MULTI,
                    ar)))
    return rc;
  const json_t *d = json_object_get(body, "duration_s");
  if (d && !json_is_null(d)) {
    if (!json_is_integer(d) || json_integer_value(d) < 0 || json_integer_value(d) > 366LL * 86400)
      return fail(RP_EINVALID_VALUE, "duration_s", "must be an integer number of seconds >= 0");
    out->duration_s = json_integer_value(d);
  }
  if ((rc = get_enum(&e, &present, json_object_get(body, "importance"), "importance",
                     importance_name_i, RP_IMPORTANCE_COUNT)))
    return rc;
  if (present) out->importance = (rp_importance)e;
  return get_str(&out->source, json_object_get(body, "source"), "source", RP_CJ_NAME_MAX, 0, S_LINE,
                 ar);
}

json_t *rp_activity_to_json(const rp_activity *a) {
  json_t *o = json_object();
  JSET(o, "id", jstr(a->id[0] ? a->id : NULL));
  JSET(o, "contact_id", jstr(a->contact_id[0] ? a->contact_id : NULL));
  JSET(o, "kind", jstr(rp_kind_name(a->kind)));
  JSET(o, "direction", jstr(rp_direction_name(a->direction)));
  JSET(o, "occurred_at", jtime(a->occurred_at));
  JSET(o, "subject", jstr(a->subject));
  JSET(o, "body", jstr(a->body));
  JSET(o, "duration_s", a->duration_s >= 0 ? json_integer(a->duration_s) : json_null());
  JSET(o, "importance", jstr(rp_importance_name(a->importance)));
  JSET(o, "source", jstr(a->source));
  JSET(o, "created_at", jtime(a->created_at));
  JSET(o, "updated_at", jtime(a->updated_at));
  JSET(o, "version", json_integer(a->version));
  return o;
}

json_t *rp_history_to_json(const rp_history *h) {
  json_t *o = json_object();
  JSET(o, "field", jstr(h->field));
  JSET(o, "from", jstr(h->from));
  JSET(o, "to", jstr(h->to));
  JSET(o, "rule", jstr(h->rule));
  JSET(o, "actor", jstr(h->actor));
  JSET(o, "at", jtime(h->at));
  return o;
}
