/* template.c: "{{name|fallback}}" message templates (API.md "Workflows,
 * messages, channels").
 *
 * One scanner serves both the check made when a workflow or message is
 * saved and the render made when a step runs (which checks the syntax
 * first), so a template that passed the check renders: it can then only
 * fail on the output bound. The scanner
 * walks the text once, looking for "{{", and reads each variable with the
 * grammar of template.h; every error names the byte offset of its "{{". */
#include "core/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

/* The contact fields, user and account values the sender fills in, sorted
 * (bytewise) for rp_template_vars. Keep in step with model.h. */
static const char *const known_vars[] = {
    "account.name",
    "address.city",
    "address.country",
    "address.postal_code",
    "address.region",
    "address.street",
    "agent.email",
    "agent.first_name",
    "agent.name",
    "agent.phone",
    "anniversary",
    "birthday",
    "budget",
    "category",
    "children",
    "company",
    "display_name",
    "email",
    "first_name",
    "intent",
    "interests",
    "known_since",
    "last_name",
    "last_purchase_date",
    "last_sale_date",
    "partner",
    "pets",
    "phone",
    "source",
    "stage",
    "status",
    "timeframe",
    "type",
    "unsubscribe_url",
    "website",
};
#define N_KNOWN (sizeof known_vars / sizeof known_vars[0])

typedef struct tag {
  size_t at;  /* offset of "{{" */
  size_t end; /* offset just after "}}" */
  const char *name;
  size_t name_len;
  const char *fallback; /* NULL without '|' */
  size_t fallback_len;
} tag;

typedef struct scan {
  const char *p;
  size_t len;
  size_t pos; /* where the literal text before the next variable starts */
  int n_vars;
  char *why;
  size_t why_len;
} scan;

static int fail(scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(scan *s, const char *fmt, ...) {
  if (s->why && s->why_len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, s->why_len, fmt, ap);
    va_end(ap);
  }
  return RP_EINVALID_VALUE;
}

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_eol(char c) { return c == '\n' || c == '\r'; }
static bool is_name_char(char c) {
  return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '.';
}

/* [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)* */
static bool valid_name(const char *n, size_t len) {
  bool seg_start = true;
  for (size_t i = 0; i < len; i++) {
    char c = n[i];
    if (seg_start) {
      if (!is_lower(c)) return false;
      seg_start = false;
    } else if (c == '.') {
      seg_start = true;
    } else if (!is_lower(c) && !is_digit(c) && c != '_') {
      return false;
    }
  }
  return len > 0 && !seg_start;
}

static int unclosed(scan *s, size_t at) {
  return fail(s, "unclosed '{{' at %zu (no '}}' before the end of its line)", at);
}

/* Reads the variable whose "{{" is at s->p[at]. */
static int read_tag(scan *s, size_t at, tag *t) {
  const char *p = s->p;
  size_t len = s->len, i = at + 2;
  memset(t, 0, sizeof *t);
  t->at = at;
  while (i < len && is_blank(p[i]))
    i++;
  if (i >= len || is_eol(p[i])) return unclosed(s, at);
  if (p[i] == '}' && i + 1 < len && p[i + 1] == '}')
    return fail(s, "empty variable '{{}}' at %zu", at);
  size_t name_at = i;
  while (i < len && is_name_char(p[i]))
    i++;
  size_t name_len = i - name_at;
  if (name_len == 0)
    return fail(s, "expected a variable name after '{{' at %zu (e.g. {{first_name}})", at);
  if (name_len > RP_TEMPLATE_NAME_MAX)
    return fail(s, "the variable name at %zu is longer than %d characters", at,
                RP_TEMPLATE_NAME_MAX);
  if (!valid_name(p + name_at, name_len))
    return fail(s,
                "invalid variable name '%.*s' at %zu: use lower-case letters, digits, '_' and "
                "'.' (e.g. {{first_name}})",
                (int)name_len, p + name_at, at);
  t->name = p + name_at;
  t->name_len = name_len;
  while (i < len && is_blank(p[i]))
    i++;
  if (i < len && p[i] == '|') {
    i++;
    while (i < len && is_blank(p[i]))
      i++;
    size_t fb_at = i;
    for (; i < len; i++) {
      if (p[i] == '}' && i + 1 < len && p[i + 1] == '}') break;
      if (p[i] == '{' || p[i] == '}')
        return fail(s, "'%c' at %zu is not allowed in the fallback of the variable at %zu", p[i], i,
                    at);
      if (is_eol(p[i])) return unclosed(s, at);
      if (p[i] == '\0') return fail(s, "NUL byte at %zu", i);
    }
    if (i >= len) return unclosed(s, at);
    size_t fb_end = i;
    while (fb_end > fb_at && is_blank(p[fb_end - 1]))
      fb_end--;
    t->fallback = p + fb_at;
    t->fallback_len = fb_end - fb_at;
  }
  if (i >= len || is_eol(p[i])) return unclosed(s, at);
  if (p[i] == '}' && i + 1 < len && p[i + 1] == '}') {
    t->end = i + 2;
    return 0;
  }
  if (p[i] == '}') {
    if (i + 1 >= len || is_eol(p[i + 1])) return unclosed(s, at);
  }
  if ((unsigned char)p[i] >= 0x21 && (unsigned char)p[i] < 0x7f)
    return fail(s, "unexpected '%c' at %zu in the variable at %zu: expected '}}' or '|'", p[i], i,
                at);
  return fail(s, "unexpected byte 0x%02x at %zu in the variable at %zu: expected '}}' or '|'",
              (unsigned char)p[i], i, at);
}

/* The next variable from s->pos: 1 with *t (the literal text is
 * s->p[s->pos .. t->at)), 0 when none is left (the literal runs to the
 * end), or RP_EINVALID_VALUE. */
static int next_tag(scan *s, tag *t) {
  for (size_t i = s->pos; i < s->len; i++) {
    if (s->p[i] == '\0') return fail(s, "NUL byte at %zu", i);
    if (s->p[i] == '{' && i + 1 < s->len && s->p[i + 1] == '{') {
      if (++s->n_vars > RP_TEMPLATE_MAX_VARS)
        return fail(s, "more than %d variables", RP_TEMPLATE_MAX_VARS);
      int rc = read_tag(s, i, t);
      return rc ? rc : 1;
    }
  }
  return 0;
}

static int scan_start(scan *s, const char *p, size_t len, char *why, size_t why_len) {
  memset(s, 0, sizeof *s);
  s->p = p;
  s->len = p ? len : 0;
  s->why = why;
  s->why_len = why_len;
  if (why && why_len) why[0] = '\0';
  if (len > RP_TEMPLATE_MAX_LEN) return fail(s, "longer than %d bytes", RP_TEMPLATE_MAX_LEN);
  return 0;
}

int rp_template_check(const char *p, size_t len, rp_template_known_fn known, void *ctx, char *why,
                      size_t why_len) {
  scan s;
  tag t;
  int rc = scan_start(&s, p, len, why, why_len);
  while (rc == 0 && (rc = next_tag(&s, &t)) == 1) {
    s.pos = t.end;
    char name[RP_TEMPLATE_NAME_MAX + 1];
    memcpy(name, t.name, t.name_len);
    name[t.name_len] = '\0';
    if (known && !known(name, t.name_len, ctx))
      return fail(&s, "unknown variable {{%s}} at %zu", name, t.at);
    rc = 0;
  }
  return rc;
}

int rp_template_render(rp_sb *out, const char *p, size_t len, rp_template_lookup_fn lookup,
                       void *ctx) {
  char why[256];
  scan s;
  tag t;
  const size_t start = out->len;
  size_t written = 0;
  /* Syntax first, so that a bad template is refused as such even when the
   * text before its error would already overflow the output. */
  int rc = rp_template_check(p, len, NULL, NULL, why, sizeof why);
  if (rc == 0) rc = scan_start(&s, p, len, why, sizeof why);
  for (;;) {
    if (rc) goto fail;
    rc = next_tag(&s, &t);
    if (rc < 0) goto fail;
    size_t lit_end = rc == 1 ? t.at : s.len;
    const char *pieces[2] = {s.p + s.pos, NULL};
    size_t lens[2] = {lit_end - s.pos, 0};
    if (rc == 1) {
      char name[RP_TEMPLATE_NAME_MAX + 1];
      memcpy(name, t.name, t.name_len);
      name[t.name_len] = '\0';
      const char *v = lookup ? lookup(name, t.name_len, ctx) : NULL;
      if (v && v[0]) {
        pieces[1] = v;
        lens[1] = strlen(v);
      } else if (t.fallback) {
        pieces[1] = t.fallback;
        lens[1] = t.fallback_len;
      }
    }
    for (int k = 0; k < 2; k++) {
      if (!lens[k]) continue;
      if (lens[k] > RP_TEMPLATE_MAX_OUTPUT - written) {
        rc = RP_ETOOLARGE;
        goto fail;
      }
      rp_sb_append(out, pieces[k], lens[k]);
      written += lens[k];
    }
    if (rc == 0) return 0;
    s.pos = t.end;
    rc = 0;
  }
fail:
  out->len = start;
  if (out->p) out->p[start] = '\0';
  if (rc == RP_ETOOLARGE)
    return rp_error_set(rc, NULL, "the message would be longer than %d bytes",
                        RP_TEMPLATE_MAX_OUTPUT);
  return rp_error_set(rc, NULL, "%s", why);
}

bool rp_template_var_known(const char *name, size_t len, void *ctx) {
  (void)ctx;
  if (!name) return false;
  for (size_t i = 0; i < N_KNOWN; i++)
    if (strlen(known_vars[i]) == len && memcmp(known_vars[i], name, len) == 0) return true;
  return false;
}

const char *const *rp_template_vars(size_t *n) {
  *n = N_KNOWN;
  return known_vars;
}
