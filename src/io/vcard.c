/* vcard.c: the vCard reader of vcard.h (RFC 6350, RFC 2426, vCard 2.1) for
 * the import of API.md "Import and export". The writer is vcard_write.c.
 *
 * One pass over the input, property by property: a physical-line scanner,
 * an unfolder into one reused buffer (bounded by RP_VCARD_LINE_MAX; skipped
 * properties such as PHOTO are scanned, not stored), a property parser
 * (group, name, parameters, value) that works in place, then the decoding
 * (quoted-printable, charset to UTF-8) and the field map into a card being
 * built in the caller's arena. A card is checked and handed over at its
 * END:VCARD; a card-level problem skips it whole, a value-level one drops
 * that value with a warning. The field map is in src/io/README.md. */
#include "io/vcard.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/contact.h"
#include "core/email.h"
#include "core/phone.h"
#include "core/rules.h"
#include "util/error.h"
#include "util/text.h"

#define NAME_MAX_CHARS 200  /* names, company, partner (the API's limit) */
#define TEXT_MAX_CHARS 1000 /* children */
#define NOTES_MAX 65536     /* bytes */
#define TAG_MAX_CHARS 64
#define LABEL_MAX_CHARS 64
#define URL_MAX 2048
#define TYPES_MAX 16 /* TYPE values kept per property */
#define WARN_MAX 16  /* warnings kept per card; more are counted */
#define MSG_MAX 320

enum { ENC_NONE, ENC_QP, ENC_B64 };
enum { CS_UTF8, CS_CP1252, CS_OTHER };

/* ---- small string helpers ---- */

static bool is_ws(char c) { return c == ' ' || c == '\t'; }

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static void ascii_lower(char *s) {
  for (; *s; s++)
    *s = lower(*s);
}

static bool ieq(const char *s, const char *lit) { return strcasecmp(s, lit) == 0; }

static bool iprefix(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);
  return n >= k && strncasecmp(s, lit, k) == 0;
}

static size_t utf8_chars(const char *p, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)p[i] & 0xc0) != 0x80) n++;
  return n;
}

/* Trims blanks (and line breaks) around s in place; NULL when nothing is
 * left. */
static char *trim(char *s) {
  if (!s) return NULL;
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
    n--;
  s[n] = '\0';
  return n ? s : NULL;
}

/* A single-line field: runs of control characters become one space (line
 * breaks become sep, ", " for a street), then trimmed. Works in place when
 * sep is one byte; otherwise copies into a. */
static char *one_line(rp_arena *a, char *s, const char *sep) {
  if (!s) return NULL;
  size_t n = strlen(s), sl = strlen(sep);
  char *out = sl <= 1 ? s : rp_arena_alloc(a, n * sl + 1);
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f) {
      bool brk = false;
      while (i < n && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)) {
        if (s[i] == '\n' || s[i] == '\r') brk = true;
        i++;
      }
      const char *rep = brk ? sep : " ";
      size_t rl = strlen(rep);
      memcpy(out + o, rep, rl);
      o += rl;
      continue;
    }
    out[o++] = s[i++];
  }
  out[o] = '\0';
  return trim(out);
}

/* Unescapes v[0..n) into a new string of a: \n \N -> line break, \\ \, \;
 * \: -> the character; any other backslash stays. */
static char *unescape(rp_arena *a, const char *v, size_t n) {
  char *out = rp_arena_alloc(a, n + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] == '\\' && i + 1 < n) {
      char e = v[i + 1];
      if (e == 'n' || e == 'N') {
        out[o++] = '\n', i++;
        continue;
      }
      if (e == '\\' || e == ',' || e == ';' || e == ':') {
        out[o++] = e, i++;
        continue;
      }
    }
    out[o++] = v[i];
  }
  out[o] = '\0';
  return out;
}

/* Splits v[0..n) at the separators sep not escaped by a backslash into at
 * most max unescaped parts (the rest is dropped). Returns the count. */
static size_t split(rp_arena *a, const char *v, size_t n, char sep, char **parts, size_t max) {
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= n && k < max; i++) {
    if (i + 1 < n && v[i] == '\\') {
      i++;
      continue;
    }
    if (i == n || v[i] == sep) {
      parts[k++] = unescape(a, v + start, (i < n ? i : n) - start);
      start = i + 1;
    }
  }
  return k;
}

/* ---- windows-1252 / ISO-8859-1 to UTF-8 ---- */

/* windows-1252 (and ISO-8859-1, read the same way: util/text.h) to UTF-8. */
static void cp1252_to_utf8(rp_sb *out, const char *p, size_t n) {
  char u[4];
  for (size_t i = 0; i < n; i++)
    rp_sb_append(out, u, rp_utf8_put(u, rp_cp1252_char((unsigned char)p[i])));
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* A UUID in its 8-4-4-4-12 hex form, either case. */
static bool is_uuid(const char *s) {
  if (strlen(s) != RP_ID_LEN - 1) return false;
  for (size_t i = 0; i < RP_ID_LEN - 1; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : hexval(s[i]) < 0) return false;
  }
  return true;
}

/* ---- physical and logical lines ---- */

typedef struct {
  const char *p, *end;
  int line; /* the number of the line last taken */
} src;

/* Takes the next physical line (without its CRLF, LF or CR end). */
static bool phys(src *s, const char **l, size_t *n) {
  if (s->p >= s->end) return false;
  const char *q = memchr(s->p, '\n', (size_t)(s->end - s->p));
  if (!q) q = s->end;
  const char *cr = memchr(s->p, '\r', (size_t)(q - s->p));
  if (cr) q = cr;
  *l = s->p;
  *n = (size_t)(q - s->p);
  if (q < s->end) q += (*q == '\r' && q + 1 < s->end && q[1] == '\n') ? 2 : 1;
  s->p = q;
  s->line++;
  return true;
}

typedef struct {
  rp_sb buf;      /* the unfolded property, at most RP_VCARD_LINE_MAX bytes */
  bool truncated; /* it was longer: the rest was scanned, not kept */
  int line;       /* its first physical line */
} logical;

static void lappend(logical *lg, const char *p, size_t n) {
  size_t room = RP_VCARD_LINE_MAX - lg->buf.len;
  if (n > room) n = room, lg->truncated = true;
  rp_sb_append(&lg->buf, p, n);
}

/* Whether the name and parameters of l (before the first ':' outside
 * quotes) say QUOTED-PRINTABLE: its soft line breaks then join lines. */
static bool head_is_qp(const char *l, size_t n) {
  bool q = false;
  size_t i = 0;
  for (; i < n; i++) {
    if (l[i] == '"')
      q = !q;
    else if (l[i] == ':' && !q)
      break;
  }
  for (size_t k = 0; k + 16 <= i; k++)
    if ((l[k] | 0x20) == 'q' && strncasecmp(l + k, "QUOTED-PRINTABLE", 16) == 0) return true;
  return false;
}

static bool next_is_end(const src *s) {
  return (size_t)(s->end - s->p) >= 9 && strncasecmp(s->p, "END:VCARD", 9) == 0;
}

/* Reads one logical line: a physical line, the lines folded onto it (a
 * leading space or tab; RFC 6350 3.2 drops that one character, vCard 2.1
 * keeps it), and, for a quoted-printable value, the lines its soft breaks
 * ("=" at the end) join. */
static bool read_logical(src *s, logical *lg, int version) {
  const char *l;
  size_t n;
  rp_sb_reset(&lg->buf);
  lg->truncated = false;
  if (!phys(s, &l, &n)) return false;
  lg->line = s->line;
  bool qp = head_is_qp(l, n);
  lappend(lg, l, n);
  for (;;) {
    if (qp && n && l[n - 1] == '=' && s->p < s->end && !next_is_end(s)) {
      if (!lg->truncated && lg->buf.len) lg->buf.p[--lg->buf.len] = '\0';
      phys(s, &l, &n);
      lappend(lg, l, n);
    } else if (s->p < s->end && is_ws(*s->p)) {
      phys(s, &l, &n);
      if (version != 21) l++, n--;
      lappend(lg, l, n);
    } else {
      return true;
    }
  }
}

/* After a base64 value: vCard 2.1 writers (Outlook, old phones) put the
 * rest of the data on lines that may not be indented, ended by an empty
 * line. Takes those lines: up to and including an empty one, stopping
 * before any line with a ':' (a property) or another character. */
static void skip_b64_lines(src *s) {
  for (;;) {
    src save = *s;
    const char *l;
    size_t n;
    if (!phys(s, &l, &n)) return;
    bool blank = true, b64 = true;
    for (size_t i = 0; i < n && b64; i++) {
      char c = l[i];
      if (is_ws(c)) continue;
      blank = false;
      b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '+' || c == '/' || c == '=';
    }
    if (blank) return;
    if (!b64) {
      *s = save;
      return;
    }
  }
}

/* ---- one property ---- */

typedef struct {
  char *group; /* "item1" or NULL */
  char *name;  /* upper-cased */
  char *value;
  size_t vlen;
  int enc, charset;
  bool charset_given, pref;
  const char *charset_name;
  const char *types[TYPES_MAX]; /* lower-cased */
  size_t n_types;
  const char *value_type; /* VALUE=, lower-cased, or NULL */
  const char *omit_year;  /* X-APPLE-OMIT-YEAR */
  const char *x_user;     /* X-USER (X-SOCIALPROFILE) */
} prop;

static bool has_type(const prop *pr, const char *t) {
  for (size_t i = 0; i < pr->n_types; i++)
    if (strcmp(pr->types[i], t) == 0) return true;
  return false;
}

static void add_type(prop *pr, char *t) {
  ascii_lower(t);
  if (strcmp(t, "pref") == 0) pr->pref = true;
  if (*t && pr->n_types < TYPES_MAX) pr->types[pr->n_types++] = t;
}

/* One parameter (name NULL for a bare 2.1 one such as "CELL"). */
static void take_param(prop *pr, char *name, char *val) {
  if (!name) {
    if (ieq(val, "QUOTED-PRINTABLE"))
      pr->enc = ENC_QP;
    else if (ieq(val, "BASE64") || ieq(val, "B"))
      pr->enc = ENC_B64;
    else if (!ieq(val, "8BIT") && !ieq(val, "7BIT"))
      add_type(pr, val);
    return;
  }
  if (ieq(name, "TYPE")) {
    char *save = NULL;
    for (char *t = strtok_r(val, ",", &save); t; t = strtok_r(NULL, ",", &save))
      add_type(pr, t);
  } else if (ieq(name, "PREF")) {
    pr->pref = true;
  } else if (ieq(name, "ENCODING")) {
    if (ieq(val, "QUOTED-PRINTABLE"))
      pr->enc = ENC_QP;
    else if (ieq(val, "BASE64") || ieq(val, "B"))
      pr->enc = ENC_B64;
  } else if (ieq(name, "CHARSET")) {
    pr->charset_given = true;
    pr->charset_name = val;
    if (ieq(val, "UTF-8") || ieq(val, "UTF8") || ieq(val, "US-ASCII") || ieq(val, "ASCII"))
      pr->charset = CS_UTF8;
    else if (ieq(val, "ISO-8859-1") || ieq(val, "ISO8859-1") || ieq(val, "LATIN1") ||
             ieq(val, "WINDOWS-1252") || ieq(val, "CP1252"))
      pr->charset = CS_CP1252;
    else
      pr->charset = CS_OTHER;
  } else if (ieq(name, "VALUE")) {
    ascii_lower(val);
    pr->value_type = val;
  } else if (ieq(name, "X-APPLE-OMIT-YEAR")) {
    pr->omit_year = val;
  } else if (ieq(name, "X-USER")) {
    pr->x_user = val;
  }
}

static bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

/* Parses "[group.]NAME *(;param) : value" in place in l (NUL-terminated,
 * n bytes). Returns NULL, or the reason it is not a property line. */
static const char *parse_prop(char *l, size_t n, prop *pr) {
  memset(pr, 0, sizeof *pr);
  size_t i = 0;
  while (i < n && name_char(l[i]))
    i++;
  if (i == 0) return "not a property line (no name before ':')";
  if (i == n) return "not a property line (no ':')";
  if (l[i] != ';' && l[i] != ':') return "not a property line (bad character in the name)";
  char sep = l[i];
  l[i] = '\0';
  pr->name = l;
  char *dot = strrchr(l, '.');
  if (dot) {
    *dot = '\0';
    pr->group = l;
    pr->name = dot + 1;
    if (!*pr->name || !*pr->group) return "not a property line (empty group or name)";
  }
  for (char *c = pr->name; *c; c++)
    if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
  i++;
  while (sep == ';') {
    /* a parameter: NAME[=value[,value]] with quoted values */
    char *pname = l + i, *pval = NULL;
    while (i < n && l[i] != '=' && l[i] != ';' && l[i] != ':')
      i++;
    if (i == n) return "not a property line (no ':' after the parameters)";
    if (l[i] == '=') {
      l[i++] = '\0';
      pval = l + i;
      char *o = pval;
      bool q = false;
      while (i < n && (q || (l[i] != ';' && l[i] != ':'))) {
        if (l[i] == '"')
          q = !q;
        else
          *o++ = l[i];
        i++;
      }
      if (q || i == n) return "not a property line (unclosed quote or no ':')";
      sep = l[i];
      *o = '\0';
    } else {
      sep = l[i];
      l[i] = '\0';
    }
    i++;
    char *t = trim(pname);
    if (pval) {
      if (t) take_param(pr, t, pval);
    } else if (t) {
      take_param(pr, NULL, t);
    }
  }
  pr->value = l + i;
  pr->vlen = n - i;
  return NULL;
}

/* ---- the card being read ---- */

typedef struct {
  const char *value, *label, *group;
  bool pref, home;
} item;

typedef struct {
  rp_address a;
  const char *group;
  bool pref, home;
} adr_item;

typedef struct {
  const char *group, *label;
} glabel;

typedef struct {
  int start, version, n_props;
  bool failed, is_group;
  char err[MSG_MAX];
  const char *family, *given, *fn, *company, *website, *bday, *anniv, *partner, *uid;
  /* rapport's own fields (X-RAPPORT-*): given_fields says which are set */
  unsigned given_fields;
  rp_status status;
  rp_stage stage;
  rp_category category;
  rp_ctype type;
  rp_intent intent;
  const char *source, *known_since;
  char *children, *notes; /* notes: notes_len bytes in a notes_cap buffer */
  size_t notes_len, notes_cap;
  bool notes_full;
  item *emails, *phones, *abdates, *relnames;
  size_t n_emails, cap_emails, n_phones, cap_phones, n_abdates, cap_abdates, n_relnames,
      cap_relnames;
  adr_item *adrs;
  size_t n_adrs, cap_adrs;
  glabel *labels;
  size_t n_labels, cap_labels;
  const char **social, **tags, **urls;
  size_t n_social, cap_social, n_tags, cap_tags, n_urls, cap_urls;
  bool tags_warned;
  const char **warns;
  size_t n_warns, cap_warns, more_warns;
} card;

typedef struct {
  rp_arena *a;
  const char *region;
  src s;
  logical lg;
  rp_sb t1, t2; /* decoding buffers */
  card cd;
  bool in_card;
  rp_vcard_fn on_card;
  rp_vcard_errfn on_error;
  void *ctx;
} reader;

static void card_fail(card *cd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void card_fail(card *cd, const char *fmt, ...) {
  if (cd->failed) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cd->err, sizeof cd->err, fmt, ap);
  va_end(ap);
  cd->failed = true;
}

static void card_warn(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void card_warn(reader *r, const char *fmt, ...) {
  card *cd = &r->cd;
  if (cd->n_warns == WARN_MAX) {
    cd->more_warns++;
    return;
  }
  char msg[MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  *RP_ARENA_PUSH(r->a, cd->warns, &cd->n_warns, &cd->cap_warns, 4) = rp_arena_strdup(r->a, msg);
}

/* ---- values ---- */

/* The value of pr decoded to UTF-8 (quoted-printable, then the charset) in
 * one of the reader's buffers; NULL (and the card failed) when it cannot
 * be. */
static const char *decode(reader *r, const prop *pr, size_t *len) {
  const char *v = pr->value;
  size_t n = pr->vlen;
  if (pr->enc == ENC_QP) {
    rp_sb_reset(&r->t1);
    for (size_t i = 0; i < n; i++) {
      int h = -1, l = -1;
      if (v[i] == '=' && i + 2 < n) h = hexval(v[i + 1]), l = hexval(v[i + 2]);
      if (h >= 0 && l >= 0) {
        rp_sb_putc(&r->t1, (char)(h * 16 + l));
        i += 2;
      } else if (v[i] == '=' && i + 1 == n) {
        /* a soft break at the very end */
      } else {
        rp_sb_putc(&r->t1, v[i]);
      }
    }
    v = rp_sb_str(&r->t1);
    n = r->t1.len;
  }
  if (pr->charset == CS_OTHER) {
    card_fail(&r->cd, "%s (line %d): unsupported CHARSET=%s (UTF-8, ISO-8859-1 or windows-1252)",
              pr->name, r->lg.line, pr->charset_name);
    return NULL;
  }
  bool latin = pr->charset == CS_CP1252;
  if (!latin && !rp_utf8_valid(v, n)) {
    if (memchr(v, '\0', n)) {
      card_fail(&r->cd, "%s (line %d): contains a NUL byte", pr->name, r->lg.line);
      return NULL;
    }
    /* Outlook's 2.1 files are windows-1252 even without a CHARSET */
    if (r->cd.version == 21 && !pr->charset_given) {
      latin = true;
    } else {
      card_fail(&r->cd, "%s (line %d): not valid UTF-8 (give CHARSET= or save as UTF-8)", pr->name,
                r->lg.line);
      return NULL;
    }
  }
  if (latin) {
    if (memchr(v, '\0', n)) {
      card_fail(&r->cd, "%s (line %d): contains a NUL byte", pr->name, r->lg.line);
      return NULL;
    }
    rp_sb_reset(&r->t2);
    cp1252_to_utf8(&r->t2, v, n);
    v = rp_sb_str(&r->t2);
    n = r->t2.len;
  }
  *len = n;
  return v;
}

/* A single-line text field, bounded to max_chars code points (a longer one
 * is dropped with a warning). */
static const char *line_field(reader *r, const prop *pr, char *s, size_t max_chars,
                              const char *what) {
  s = one_line(r->a, s, " ");
  if (s && utf8_chars(s, strlen(s)) > max_chars) {
    card_warn(r, "%s (line %d): %s longer than %zu characters, dropped", pr->name, r->lg.line, what,
              max_chars);
    return NULL;
  }
  return s;
}

static bool two_digits(const char *p, int *out) {
  if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') return false;
  *out = (p[0] - '0') * 10 + (p[1] - '0');
  return true;
}

/* A date as vCards give them: YYYY-MM-DD, YYYYMMDD, --MMDD, --MM-DD, each
 * possibly followed by a time ("T..."), into "YYYY-MM-DD" or "--MM-DD". A
 * year of 0000 or the one X-APPLE-OMIT-YEAR names means no year. */
static bool parse_date(char out[11], const char *v, size_t n, const char *omit_year) {
  static const int dim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  while (n && is_ws(*v))
    v++, n--;
  while (n && is_ws(v[n - 1]))
    n--;
  const char *t = memchr(v, 'T', n);
  if (!t) t = memchr(v, 't', n);
  if (t) n = (size_t)(t - v);
  int c1, c2, m, d;
  int y = -1;
  if (n == 10 && v[4] == '-' && v[7] == '-' && two_digits(v, &c1) && two_digits(v + 2, &c2) &&
      two_digits(v + 5, &m) && two_digits(v + 8, &d)) {
    y = c1 * 100 + c2;
  } else if (n == 8 && two_digits(v, &c1) && two_digits(v + 2, &c2) && two_digits(v + 4, &m) &&
             two_digits(v + 6, &d)) {
    y = c1 * 100 + c2;
  } else if (n == 6 && v[0] == '-' && v[1] == '-' && two_digits(v + 2, &m) &&
             two_digits(v + 4, &d)) {
    y = 0;
  } else if (n == 7 && v[0] == '-' && v[1] == '-' && v[4] == '-' && two_digits(v + 2, &m) &&
             two_digits(v + 5, &d)) {
    y = 0;
  } else {
    return false;
  }
  if (y > 0 && omit_year && strlen(omit_year) == 4 && memcmp(omit_year, v, 4) == 0) y = 0;
  if (m < 1 || m > 12 || d < 1 || d > dim[m - 1]) return false;
  char *o = out;
  if (y == 0) {
    *o++ = '-', *o++ = '-';
  } else {
    *o++ = (char)('0' + y / 1000), *o++ = (char)('0' + y / 100 % 10);
    *o++ = (char)('0' + y / 10 % 10), *o++ = (char)('0' + y % 10), *o++ = '-';
  }
  *o++ = (char)('0' + m / 10), *o++ = (char)('0' + m % 10), *o++ = '-';
  *o++ = (char)('0' + d / 10), *o++ = (char)('0' + d % 10), *o = '\0';
  if (y == 0) return true;
  rp_time tt;
  return rp_date_parse(&tt, out, 10) == 0;
}

static const char *date_field(reader *r, const prop *pr, const char *v, size_t n) {
  char out[11];
  if (pr->value_type && strcmp(pr->value_type, "text") == 0) {
    card_warn(r, "%s (line %d): a text, not a date, dropped", pr->name, r->lg.line);
    return NULL;
  }
  if (!parse_date(out, v, n, pr->omit_year)) {
    card_warn(r, "%s (line %d): not a date (YYYY-MM-DD, YYYYMMDD or --MMDD): %.40s", pr->name,
              r->lg.line, v);
    return NULL;
  }
  return rp_arena_strdup(r->a, out);
}

/* An http(s) URL (a bare host gets "https://"), or NULL with *why. */
static const char *url_value(rp_arena *a, char *s, const char **why) {
  s = trim(s);
  *why = "empty";
  if (!s) return NULL;
  size_t n = strlen(s), skip = 0;
  if (n > URL_MAX) return *why = "too long", NULL;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f) return *why = "a URL has no spaces", NULL;
  if (iprefix(s, n, "https://"))
    skip = 8;
  else if (iprefix(s, n, "http://"))
    skip = 7;
  else if (strstr(s, "://") || strchr(s, '@') || strchr(s, ':') || s[0] == '/')
    return *why = "not an http or https URL", NULL;
  const char *host = s + skip;
  size_t hl = strcspn(host, "/?#");
  if (hl == 0) return *why = "no host", NULL;
  if (skip) {
    for (size_t i = 0; i < skip; i++)
      s[i] = lower(s[i]);
    return s;
  }
  if (!memchr(host, '.', hl) || host[0] == '.' || host[hl - 1] == '.')
    return *why = "not an http or https URL", NULL;
  return rp_arena_printf(a, "https://%s", s);
}

/* Whether the URL is a profile on a social network (it goes to social). */
static bool social_host(const char *u) {
  static const char *const hosts[] = {
      "facebook.com",  "fb.com",     "twitter.com",  "x.com",         "linkedin.com",
      "instagram.com", "tiktok.com", "youtube.com",  "pinterest.com", "threads.net",
      "bsky.app",      "flickr.com", "snapchat.com", "myspace.com",   NULL};
  const char *h = strstr(u, "://");
  if (!h) return false;
  h += 3;
  size_t hl = strcspn(h, "/?#:");
  for (size_t i = 0; hosts[i]; i++) {
    size_t k = strlen(hosts[i]);
    if (hl == k && strncasecmp(h, hosts[i], k) == 0) return true;
    if (hl > k && h[hl - k - 1] == '.' && strncasecmp(h + hl - k, hosts[i], k) == 0) return true;
  }
  return false;
}

static void add_social(reader *r, const char *u) {
  card *cd = &r->cd;
  for (size_t i = 0; i < cd->n_social; i++)
    if (strcmp(cd->social[i], u) == 0) return;
  if (cd->n_social == RP_VCARD_LIST_MAX) {
    card_warn(r, "line %d: more than %d social links, the rest dropped", r->lg.line,
              RP_VCARD_LIST_MAX);
    return;
  }
  *RP_ARENA_PUSH(r->a, cd->social, &cd->n_social, &cd->cap_social, 4) = u;
}

/* A label from an Apple X-ABLabel: "_$!<Mobile>!$_" is a built-in one
 * (lower-cased, fax and iPhone mapped), anything else as typed. */
static const char *ab_label(rp_arena *a, char *s) {
  s = one_line(a, s, " ");
  if (!s) return NULL;
  size_t n = strlen(s);
  if (n > 8 && memcmp(s, "_$!<", 4) == 0 && memcmp(s + n - 4, ">!$_", 4) == 0) {
    s[n - 4] = '\0';
    s += 4;
    ascii_lower(s);
    n = strlen(s);
    if (n >= 3 && strcmp(s + n - 3, "fax") == 0) return "fax";
    if (strcmp(s, "iphone") == 0) return "mobile";
    if (strcmp(s, "homepage") == 0) return "homepage";
  }
  if (utf8_chars(s, strlen(s)) > LABEL_MAX_CHARS) return NULL;
  return s;
}

static const char *email_label(const prop *pr) {
  static const char *const known[] = {"home", "work", "other", NULL};
  for (size_t i = 0; known[i]; i++)
    if (has_type(pr, known[i])) return known[i];
  return NULL;
}

static const char *phone_label(const prop *pr) {
  if (has_type(pr, "fax")) return "fax";
  if (has_type(pr, "pager")) return "pager";
  if (has_type(pr, "cell") || has_type(pr, "mobile") || has_type(pr, "iphone")) return "mobile";
  static const char *const known[] = {"home", "work", "main", "other", NULL};
  for (size_t i = 0; known[i]; i++)
    if (has_type(pr, known[i])) return known[i];
  return NULL;
}

static void add_child(reader *r, const char *name) {
  card *cd = &r->cd;
  char *c = cd->children ? rp_arena_printf(r->a, "%s, %s", cd->children, name)
                         : rp_arena_strdup(r->a, name);
  if (utf8_chars(c, strlen(c)) > TEXT_MAX_CHARS) {
    card_warn(r, "line %d: children longer than %d characters, %s dropped", r->lg.line,
              TEXT_MAX_CHARS, name);
    return;
  }
  cd->children = c;
}

static void set_partner(reader *r, const prop *pr, char *s) {
  const char *p = line_field(r, pr, s, NAME_MAX_CHARS, "the partner's name");
  if (p && !r->cd.partner) r->cd.partner = p;
}

static void add_tags(reader *r, const prop *pr, const char *v, size_t n) {
  card *cd = &r->cd;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i + 1 < n && v[i] == '\\') {
      i++;
      continue;
    }
    if (i < n && v[i] != ',') continue;
    char *t = one_line(r->a, unescape(r->a, v + start, (i < n ? i : n) - start), " ");
    start = i + 1;
    if (!t) continue;
    ascii_lower(t);
    if (!strcmp(t, "mycontacts")) continue; /* Google's group of every contact */
    if (utf8_chars(t, strlen(t)) > TAG_MAX_CHARS) {
      card_warn(r, "%s (line %d): tag longer than %d characters, dropped: %.40s", pr->name,
                r->lg.line, TAG_MAX_CHARS, t);
      continue;
    }
    bool dup = false;
    for (size_t k = 0; k < cd->n_tags && !dup; k++)
      dup = strcmp(cd->tags[k], t) == 0;
    if (dup) continue;
    if (cd->n_tags == RP_VCARD_TAGS_MAX) {
      if (!cd->tags_warned)
        card_warn(r, "%s (line %d): more than %d tags, the rest dropped", pr->name, r->lg.line,
                  RP_VCARD_TAGS_MAX);
      cd->tags_warned = true;
      return;
    }
    *RP_ARENA_PUSH(r->a, cd->tags, &cd->n_tags, &cd->cap_tags, 8) = t;
  }
}

/* Appends one NOTE to the card's notes (a blank line between two), in a
 * buffer that doubles, so many NOTEs cost linear time; past NOTES_MAX bytes
 * the notes are cut (at a character boundary, trimmed) and further NOTEs
 * are ignored. */
static void notes_append(reader *r, const char *s) {
  card *cd = &r->cd;
  if (cd->notes_full) return;
  size_t n = strlen(s), sep = cd->notes_len ? 2 : 0;
  if (cd->notes_len + sep + n > NOTES_MAX) {
    n = NOTES_MAX - cd->notes_len > sep ? NOTES_MAX - cd->notes_len - sep : 0;
    while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
      n--;
    cd->notes_full = true;
    card_warn(r, "NOTE (line %d): notes longer than %d bytes, cut", r->lg.line, NOTES_MAX);
  }
  size_t need = cd->notes_len + sep + n + 1;
  if (need > cd->notes_cap) {
    size_t cap = cd->notes_cap ? cd->notes_cap : 256;
    while (cap < need)
      cap *= 2;
    char *p = rp_arena_alloc(r->a, cap);
    if (cd->notes_len) memcpy(p, cd->notes, cd->notes_len);
    cd->notes = p;
    cd->notes_cap = cap;
  }
  if (sep) memcpy(cd->notes + cd->notes_len, "\n\n", 2);
  memcpy(cd->notes + cd->notes_len + sep, s, n);
  cd->notes_len += sep + n;
  while (cd->notes_len &&
         (is_ws(cd->notes[cd->notes_len - 1]) || cd->notes[cd->notes_len - 1] == '\n'))
    cd->notes_len--;
  cd->notes[cd->notes_len] = '\0';
}

/* X-RAPPORT-*: rapport's own fields as rp_vcard_write writes them (the
 * part after "X-RAPPORT-" is `what`); a value that is not one of ours is
 * dropped with a warning, and an unknown X-RAPPORT- property is ignored as
 * any unknown property is. */
static void rapport_prop(reader *r, const prop *pr, const char *what, const char *v, size_t n) {
  card *cd = &r->cd;
  if (!strcmp(what, "KNOWN-SINCE")) {
    const char *d = date_field(r, pr, v, n);
    if (d && d[0] == '-') /* a day without its year: not a day known since */
      card_warn(r, "%s (line %d): a date without its year, dropped", pr->name, r->lg.line);
    else if (d)
      cd->known_since = d;
    return;
  }
  char *s = trim(unescape(r->a, v, n));
  if (!s) return;
  if (!strcmp(what, "SOURCE")) {
    const char *from = line_field(r, pr, s, NAME_MAX_CHARS, "the source");
    if (from) cd->source = from;
    return;
  }
  ascii_lower(s); /* the enum values in any case ("Past_Client") */
  bool ok = true;
  if (!strcmp(what, "STATUS")) {
    if ((ok = rp_status_parse(&cd->status, s) == 0)) cd->given_fields |= RP_FIELD_STATUS;
  } else if (!strcmp(what, "STAGE")) {
    if ((ok = rp_stage_parse(&cd->stage, s) == 0)) cd->given_fields |= RP_FIELD_STAGE;
  } else if (!strcmp(what, "CATEGORY")) {
    if ((ok = rp_category_parse(&cd->category, s) == 0)) cd->given_fields |= RP_FIELD_CATEGORY;
  } else if (!strcmp(what, "TYPE")) {
    if ((ok = rp_ctype_parse(&cd->type, s) == 0)) cd->given_fields |= RP_FIELD_TYPE;
  } else if (!strcmp(what, "INTENT")) {
    ok = rp_intent_parse(&cd->intent, s) == 0;
  }
  if (!ok)
    card_warn(r, "%s (line %d): not one of rapport's values, dropped: %.40s", pr->name, r->lg.line,
              s);
}

/* X-SOCIALPROFILE / SOCIALPROFILE: a URL, or Apple's service type and user
 * name ("type=twitter;x-user=jdoe:x-apple:jdoe") made into the profile URL. */
static void social_profile(reader *r, const prop *pr, char *v) {
  static const struct {
    const char *type, *prefix;
  } svc[] = {{"twitter", "https://twitter.com/"},
             {"facebook", "https://www.facebook.com/"},
             {"linkedin", "https://www.linkedin.com/in/"},
             {"instagram", "https://www.instagram.com/"},
             {NULL, NULL}};
  const char *why;
  char *t = trim(v);
  if (!t) return;
  if (iprefix(t, strlen(t), "http://") || iprefix(t, strlen(t), "https://")) {
    const char *u = url_value(r->a, t, &why);
    if (u)
      add_social(r, u);
    else
      card_warn(r, "%s (line %d): %s, dropped", pr->name, r->lg.line, why);
    return;
  }
  const char *user = pr->x_user;
  if (!user) user = iprefix(t, strlen(t), "x-apple:") ? t + 8 : t;
  if (*user == '@') user++;
  size_t ul = strlen(user);
  if (ul == 0 || ul > 100) return;
  for (size_t i = 0; i < ul; i++) {
    char c = user[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return;
  }
  for (size_t i = 0; svc[i].type; i++)
    if (has_type(pr, svc[i].type)) {
      add_social(r, rp_arena_printf(r->a, "%s%s", svc[i].prefix, user));
      return;
    }
}

/* Android's X-ANDROID-CUSTOM: contact events (1 anniversary, 3 birthday)
 * and relations (14 spouse, 10 partner, 4 domestic partner, 3 child). */
static void android_custom(reader *r, const prop *pr, const char *v, size_t n) {
  char *parts[4] = {0};
  size_t k = split(r->a, v, n, ';', parts, 4);
  if (k < 3) return;
  const char *kind = parts[2] ? trim(parts[2]) : NULL;
  if (!kind) return;
  if (ieq(parts[0], "vnd.android.cursor.item/contact_event")) {
    bool anniv = strcmp(kind, "1") == 0, bday = strcmp(kind, "3") == 0;
    if (!anniv && !bday) return;
    const char *d = date_field(r, pr, parts[1], strlen(parts[1]));
    if (d && anniv && !r->cd.anniv) r->cd.anniv = d;
    if (d && bday && !r->cd.bday) r->cd.bday = d;
  } else if (ieq(parts[0], "vnd.android.cursor.item/relation")) {
    if (!strcmp(kind, "14") || !strcmp(kind, "10") || !strcmp(kind, "4")) {
      set_partner(r, pr, parts[1]);
    } else if (!strcmp(kind, "3")) {
      const char *c = line_field(r, pr, parts[1], TEXT_MAX_CHARS, "the child's name");
      if (c) add_child(r, c);
    }
  }
}

static bool is_skipped(const char *name) {
  return !strcmp(name, "PHOTO") || !strcmp(name, "LOGO") || !strcmp(name, "SOUND") ||
         !strcmp(name, "KEY");
}

/* The field map of one property of the card (src/io/README.md). */
static void take(reader *r, prop *pr) {
  card *cd = &r->cd;
  rp_arena *a = r->a;
  const char *nm = pr->name;
  int line = r->lg.line;
  if (pr->group) pr->group = rp_arena_strdup(a, pr->group); /* the line buffer is reused */
  if (!strcmp(nm, "VERSION")) {
    char *v = trim(pr->value);
    if (v && !strcmp(v, "2.1"))
      cd->version = 21;
    else if (v && !strcmp(v, "3.0"))
      cd->version = 30;
    else if (v && !strcmp(v, "4.0"))
      cd->version = 40;
    else
      card_fail(cd, "VERSION (line %d): unsupported version %.20s", line, v ? v : "(empty)");
    return;
  }
  size_t n;
  const char *v = decode(r, pr, &n);
  if (!v) return;
  if (!strcmp(nm, "N")) {
    char *parts[2] = {0};
    split(a, v, n, ';', parts, 2);
    cd->family = line_field(r, pr, parts[0], NAME_MAX_CHARS, "the family name");
    cd->given = line_field(r, pr, parts[1], NAME_MAX_CHARS, "the given name");
  } else if (!strcmp(nm, "FN")) {
    cd->fn = one_line(a, unescape(a, v, n), " "); /* bounded when it is split (finish) */
  } else if (!strcmp(nm, "EMAIL")) {
    char *s = trim(unescape(a, v, n));
    if (!s) return;
    if (iprefix(s, strlen(s), "mailto:")) s += 7;
    char buf[256];
    if (rp_email_check(buf, sizeof buf, s, strlen(s)) != 0) {
      card_warn(r, "EMAIL (line %d): %s: %.80s", line, rp_error_last()->message, s);
      return;
    }
    char key[256];
    rp_email_key(key, sizeof key, buf);
    for (size_t i = 0; i < cd->n_emails; i++) {
      char k2[256];
      rp_email_key(k2, sizeof k2, cd->emails[i].value);
      if (strcmp(key, k2) == 0) return;
    }
    if (cd->n_emails == RP_VCARD_LIST_MAX) {
      card_fail(cd, "EMAIL (line %d): more than %d email addresses", line, RP_VCARD_LIST_MAX);
      return;
    }
    *RP_ARENA_PUSH(a, cd->emails, &cd->n_emails, &cd->cap_emails, 4) =
        (item){rp_arena_strdup(a, buf), email_label(pr), pr->group, pr->pref, has_type(pr, "home")};
  } else if (!strcmp(nm, "TEL")) {
    char *s = trim(unescape(a, v, n));
    if (!s) return;
    size_t sl = strlen(s);
    if (iprefix(s, sl, "tel:")) {
      s += 4;
      s[strcspn(s, ";")] = '\0'; /* ";ext=..." of a tel: URI */
      sl = strlen(s);
    }
    char e164[RP_PHONE_MAX];
    if (rp_phone_normalize(e164, s, sl, r->region) != 0) {
      card_warn(r, "TEL (line %d): %s: %.40s", line, rp_error_last()->message, s);
      return;
    }
    for (size_t i = 0; i < cd->n_phones; i++)
      if (strcmp(cd->phones[i].value, e164) == 0) return;
    if (cd->n_phones == RP_VCARD_LIST_MAX) {
      card_fail(cd, "TEL (line %d): more than %d phone numbers", line, RP_VCARD_LIST_MAX);
      return;
    }
    *RP_ARENA_PUSH(a, cd->phones, &cd->n_phones, &cd->cap_phones, 4) = (item){
        rp_arena_strdup(a, e164), phone_label(pr), pr->group, pr->pref, has_type(pr, "home")};
  } else if (!strcmp(nm, "ADR")) {
    char *p[7] = {0};
    split(a, v, n, ';', p, 7);
    adr_item ad = {{0}, pr->group, pr->pref, has_type(pr, "home")};
    char *street = one_line(a, p[2], ", "), *ext = one_line(a, p[1], ", ");
    char *box = one_line(a, p[0], ", ");
    if (street && ext)
      street = rp_arena_printf(a, "%s, %s", street, ext);
    else if (!street)
      street = ext ? ext : box;
    ad.a.street = street;
    ad.a.city = one_line(a, p[3], " ");
    ad.a.region = one_line(a, p[4], " ");
    ad.a.postal_code = one_line(a, p[5], " ");
    ad.a.country = one_line(a, p[6], " ");
    if (!ad.a.street && !ad.a.city && !ad.a.region && !ad.a.postal_code && !ad.a.country) return;
    if (cd->n_adrs < RP_VCARD_LIST_MAX)
      *RP_ARENA_PUSH(a, cd->adrs, &cd->n_adrs, &cd->cap_adrs, 2) = ad;
  } else if (!strcmp(nm, "ORG")) {
    char *parts[1] = {0};
    split(a, v, n, ';', parts, 1);
    if (!cd->company) cd->company = line_field(r, pr, parts[0], NAME_MAX_CHARS, "the company");
  } else if (!strcmp(nm, "URL")) {
    const char *why;
    const char *u = url_value(a, unescape(a, v, n), &why);
    if (!u) {
      if (strcmp(why, "empty") != 0)
        card_warn(r, "URL (line %d): %s, dropped: %.60s", line, why, pr->value);
    } else if (cd->n_urls < RP_VCARD_LIST_MAX) {
      *RP_ARENA_PUSH(a, cd->urls, &cd->n_urls, &cd->cap_urls, 2) = u;
    }
  } else if (!strncmp(nm, "X-RAPPORT-", 10)) {
    rapport_prop(r, pr, nm + 10, v, n);
  } else if (!strcmp(nm, "X-SOCIALPROFILE") || !strcmp(nm, "SOCIALPROFILE")) {
    social_profile(r, pr, unescape(a, v, n));
  } else if (!strcmp(nm, "BDAY")) {
    const char *d = date_field(r, pr, v, n);
    if (d) cd->bday = d;
  } else if (!strcmp(nm, "ANNIVERSARY") || !strcmp(nm, "X-ANNIVERSARY") ||
             !strcmp(nm, "X-MS-ANNIVERSARY") || !strcmp(nm, "X-EVOLUTION-ANNIVERSARY")) {
    const char *d = date_field(r, pr, v, n);
    if (d) cd->anniv = d;
  } else if (!strcmp(nm, "X-ABDATE")) {
    if (!pr->group) return;
    char out[11];
    if (parse_date(out, v, n, pr->omit_year))
      *RP_ARENA_PUSH(a, cd->abdates, &cd->n_abdates, &cd->cap_abdates, 2) =
          (item){rp_arena_strdup(a, out), NULL, pr->group, false, false};
  } else if (!strcmp(nm, "X-ABLABEL")) {
    if (!pr->group) return;
    const char *l = ab_label(a, unescape(a, v, n));
    if (l)
      *RP_ARENA_PUSH(a, cd->labels, &cd->n_labels, &cd->cap_labels, 4) = (glabel){pr->group, l};
  } else if (!strcmp(nm, "X-ABRELATEDNAMES")) {
    const char *s = line_field(r, pr, unescape(a, v, n), TEXT_MAX_CHARS, "the name");
    if (s && pr->group)
      *RP_ARENA_PUSH(a, cd->relnames, &cd->n_relnames, &cd->cap_relnames, 2) =
          (item){s, NULL, pr->group, false, false};
  } else if (!strcmp(nm, "RELATED")) {
    char *s = trim(unescape(a, v, n));
    bool text = pr->value_type && !strcmp(pr->value_type, "text");
    if (!s || (!text && strchr(s, ':'))) return; /* a URI (urn:uuid:, mailto: ...) */
    if (has_type(pr, "spouse") || has_type(pr, "partner"))
      set_partner(r, pr, s);
    else if (has_type(pr, "child")) {
      const char *c = line_field(r, pr, s, TEXT_MAX_CHARS, "the children's names");
      if (c) add_child(r, c);
    }
  } else if (!strcmp(nm, "X-SPOUSE") || !strcmp(nm, "X-EVOLUTION-SPOUSE") ||
             !strcmp(nm, "X-MS-SPOUSE")) {
    set_partner(r, pr, unescape(a, v, n));
  } else if (!strcmp(nm, "X-ANDROID-CUSTOM")) {
    android_custom(r, pr, v, n);
  } else if (!strcmp(nm, "NOTE")) {
    char *s = unescape(a, v, n);
    /* line breaks as LF; other control characters but tab dropped */
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c == '\r') {
        if (s[i + 1] != '\n') s[o++] = '\n';
      } else if (c >= 0x20 || c == '\n' || c == '\t') {
        s[o++] = s[i];
      }
    }
    s[o] = '\0';
    s = trim(s);
    if (s) notes_append(r, s);
  } else if (!strcmp(nm, "CATEGORIES")) {
    add_tags(r, pr, v, n);
  } else if (!strcmp(nm, "UID")) {
    char *s = trim(unescape(a, v, n));
    if (s && iprefix(s, strlen(s), "urn:uuid:")) s += 9;
    if (s && is_uuid(s)) {
      ascii_lower(s);
      cd->uid = s;
    }
  } else if (!strcmp(nm, "KIND") || !strcmp(nm, "X-ADDRESSBOOKSERVER-KIND")) {
    char *s = trim(unescape(a, v, n));
    if (s && ieq(s, "group")) cd->is_group = true;
  }
}

/* ---- cards ---- */

static int report(reader *r, int line, bool skipped, const char *msg) {
  return r->on_error ? r->on_error(r->ctx, line, skipped, msg) : 0;
}

static const char *group_label(const card *cd, const char *group) {
  if (!group) return NULL;
  for (size_t i = 0; i < cd->n_labels; i++)
    if (strcasecmp(cd->labels[i].group, group) == 0) return cd->labels[i].label;
  return NULL;
}

/* Copies items into a new array: the preferred one first, labels from the
 * groups' X-ABLabel winning over TYPE. */
static void items_out(rp_arena *a, const card *cd, const item *in, size_t n, const char ***vals,
                      const char ***labels) {
  *vals = rp_arena_calloc(a, (n ? n : 1) * sizeof **vals);
  *labels = rp_arena_calloc(a, (n ? n : 1) * sizeof **labels);
  size_t pref = n, k = 0;
  for (size_t i = 0; i < n && pref == n; i++)
    if (in[i].pref) pref = i;
  for (size_t pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++) {
      if ((pass == 0) != (i == pref)) continue;
      const char *gl = group_label(cd, in[i].group);
      (*vals)[k] = in[i].value;
      (*labels)[k++] = gl ? gl : in[i].label;
    }
}

static bool label_is(const char *l, const char *const *names) {
  if (!l) return false;
  for (size_t i = 0; names[i]; i++)
    if (ieq(l, names[i])) return true;
  return false;
}

/* Whether FN only repeats the company, an email or a phone (a card with no
 * person's name, as Apple writes companies and rapport writes nameless
 * contacts): it then gives no name. */
static bool fn_names_other(const card *cd) {
  if (cd->company && strcmp(cd->fn, cd->company) == 0) return true;
  for (size_t i = 0; i < cd->n_emails; i++)
    if (strcasecmp(cd->fn, cd->emails[i].value) == 0) return true;
  for (size_t i = 0; i < cd->n_phones; i++)
    if (strcmp(cd->fn, cd->phones[i].value) == 0) return true;
  return false;
}

/* Builds the contact of a complete card and hands it over (with its
 * warnings first), or reports why the card is skipped. */
static int finish(reader *r) {
  card *cd = &r->cd;
  rp_arena *a = r->a;
  char msg[MSG_MAX + 64];
  r->in_card = false;
  if (cd->failed) return report(r, cd->start, true, cd->err);
  if (cd->is_group) return report(r, cd->start, true, "a contact group (KIND:group), not a person");
  rp_contact *c = rp_arena_calloc(a, sizeof *c);
  if (cd->uid) memcpy(c->id, cd->uid, RP_ID_LEN);
  const char **vals, **labels;
  items_out(a, cd, cd->emails, cd->n_emails, &vals, &labels);
  c->emails = rp_arena_calloc(a, (cd->n_emails ? cd->n_emails : 1) * sizeof *c->emails);
  for (size_t i = 0; i < cd->n_emails; i++)
    c->emails[i] = (rp_email){vals[i], labels[i]};
  c->n_emails = cd->n_emails;
  items_out(a, cd, cd->phones, cd->n_phones, &vals, &labels);
  c->phones = rp_arena_calloc(a, (cd->n_phones ? cd->n_phones : 1) * sizeof *c->phones);
  for (size_t i = 0; i < cd->n_phones; i++)
    c->phones[i] = (rp_phone){vals[i], labels[i]};
  c->n_phones = cd->n_phones;
  if (cd->n_adrs) {
    size_t pick = 0;
    for (size_t i = cd->n_adrs; i-- > 0;)
      if (cd->adrs[i].home) pick = i;
    for (size_t i = cd->n_adrs; i-- > 0;)
      if (cd->adrs[i].pref) pick = i;
    c->has_address = true;
    c->address = cd->adrs[pick].a;
  }
  static const char *const anniv[] = {"anniversary", NULL};
  static const char *const spouse[] = {"spouse", "partner", "husband", "wife", NULL};
  static const char *const child[] = {"child", "son", "daughter", NULL};
  for (size_t i = 0; i < cd->n_abdates && !cd->anniv; i++)
    if (label_is(group_label(cd, cd->abdates[i].group), anniv)) cd->anniv = cd->abdates[i].value;
  for (size_t i = 0; i < cd->n_relnames; i++) {
    const char *l = group_label(cd, cd->relnames[i].group);
    const char *v = cd->relnames[i].value;
    if (label_is(l, spouse) && !cd->partner) {
      if (utf8_chars(v, strlen(v)) <= NAME_MAX_CHARS)
        cd->partner = v;
      else
        card_warn(r, "X-ABRELATEDNAMES: the partner's name is longer than %d characters, dropped",
                  NAME_MAX_CHARS);
    } else if (label_is(l, child)) {
      add_child(r, v);
    }
  }
  /* URL: the first that is not a social profile is the website, profiles
   * go to social; when all are profiles, the first is the website (so a
   * website on linkedin.com comes back as the website). */
  size_t site = cd->n_urls;
  for (size_t i = 0; i < cd->n_urls && site == cd->n_urls; i++)
    if (!social_host(cd->urls[i])) site = i;
  if (site == cd->n_urls && cd->n_urls) site = 0;
  for (size_t i = 0; i < cd->n_urls; i++)
    if (i == site)
      cd->website = cd->urls[i];
    else if (social_host(cd->urls[i]))
      add_social(r, cd->urls[i]);
  if (cd->family || cd->given) {
    c->first_name = cd->given;
    c->last_name = cd->family;
  } else if (cd->fn && !fn_names_other(cd)) {
    /* no N: the last word of FN is the family name */
    char *fn = rp_arena_strdup(a, cd->fn);
    char *sp = strrchr(fn, ' ');
    if (sp) {
      *sp = '\0';
      c->first_name = trim(fn);
      c->last_name = sp + 1;
    } else {
      c->first_name = fn;
    }
    if ((c->first_name && utf8_chars(c->first_name, strlen(c->first_name)) > NAME_MAX_CHARS) ||
        utf8_chars(c->last_name ? c->last_name : "", c->last_name ? strlen(c->last_name) : 0) >
            NAME_MAX_CHARS) {
      card_warn(r, "FN: a name longer than %d characters, dropped", NAME_MAX_CHARS);
      c->first_name = c->last_name = NULL;
    }
  }
  c->company = cd->company;
  c->website = cd->website;
  c->social = cd->social;
  c->n_social = cd->n_social;
  c->birthday = cd->bday;
  c->anniversary = cd->anniv;
  c->partner = cd->partner;
  c->children = cd->children;
  c->notes = cd->notes_len ? cd->notes : NULL;
  c->tags = cd->tags;
  c->n_tags = cd->n_tags;
  c->custom_json = "{}";
  if (cd->given_fields & RP_FIELD_STATUS) c->status = cd->status;
  if (cd->given_fields & RP_FIELD_STAGE) c->stage = cd->stage;
  if (cd->given_fields & RP_FIELD_CATEGORY) c->category = cd->category;
  if (cd->given_fields & RP_FIELD_TYPE) c->type = cd->type;
  c->intent = cd->intent;
  c->source = cd->source;
  c->known_since = cd->known_since;
  if (!c->first_name && !c->last_name && !c->n_emails && !c->n_phones && !c->company) {
    snprintf(msg, sizeof msg, "the card has no name, email, phone or company%s%s%s",
             cd->n_warns ? " (" : "", cd->n_warns ? cd->warns[0] : "", cd->n_warns ? ")" : "");
    return report(r, cd->start, true, msg);
  }
  c->display_name = rp_contact_display_name(a, c);
  int rc;
  for (size_t i = 0; i < cd->n_warns; i++)
    if ((rc = report(r, cd->start, false, cd->warns[i]))) return rc;
  if (cd->more_warns) {
    snprintf(msg, sizeof msg, "%zu more problems in this card", cd->more_warns);
    if ((rc = report(r, cd->start, false, msg))) return rc;
  }
  return r->on_card(r->ctx, c, cd->given_fields, cd->start);
}

static void start_card(reader *r, int line) {
  memset(&r->cd, 0, sizeof r->cd);
  r->cd.start = line;
  r->cd.version = 30;
  r->in_card = true;
}

/* rp_vcard_read: see vcard.h. */
int rp_vcard_read(const char *buf, size_t len, const char *default_region, rp_arena *a,
                  rp_vcard_fn on_card, rp_vcard_errfn on_error, void *ctx) {
  if (len > INT_MAX) return rp_error_set(RP_ETOOLARGE, NULL, "the vCard file is too large");
  if (len >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
                   ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff)))
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        "the vCard file is UTF-16; save it as UTF-8 and import it again");
  if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) buf += 3, len -= 3;
  reader r = {.a = a, .region = default_region, .s = {buf, buf + len, 0}};
  r.on_card = on_card, r.on_error = on_error, r.ctx = ctx;
  int rc = 0, stray = 0; /* stray: first line of text outside cards not reported yet */
  bool seen_card = false, stray_open = false;
  prop pr;
  while (rc == 0 && read_logical(&r.s, &r.lg, r.in_card ? r.cd.version : 30)) {
    char *l = r.lg.buf.p;
    size_t n = r.lg.buf.len;
    bool blank = true;
    for (size_t i = 0; i < n && blank; i++)
      blank = is_ws(l[i]);
    if (blank) continue;
    const char *why = parse_prop(l, n, &pr);
    bool begin = !why && !pr.group && !strcmp(pr.name, "BEGIN");
    bool end = !why && !pr.group && !strcmp(pr.name, "END");
    char *what = begin || end ? trim(pr.value) : NULL;
    bool vcard = what && ieq(what, "VCARD");
    if (begin && vcard) {
      if (r.in_card) {
        char msg[MSG_MAX];
        snprintf(msg, sizeof msg, "no END:VCARD before the next BEGIN:VCARD (line %d)", r.lg.line);
        r.in_card = false;
        if ((rc = report(&r, r.cd.start, true, msg))) break;
      }
      if (stray &&
          (rc = report(&r, stray, false, "text outside BEGIN:VCARD ... END:VCARD ignored")))
        break;
      stray = 0, stray_open = false, seen_card = true;
      start_card(&r, r.lg.line);
      continue;
    }
    if (!r.in_card) {
      if (end && vcard) {
        if ((rc = report(&r, r.lg.line, false, "END:VCARD without BEGIN:VCARD"))) break;
      } else if (!stray_open) {
        stray_open = true;
        if (seen_card) {
          if ((rc = report(&r, r.lg.line, false, "text outside BEGIN:VCARD ... END:VCARD ignored")))
            break;
        } else if (!stray) {
          stray = r.lg.line;
        }
      }
      continue;
    }
    if (end && vcard) {
      rc = finish(&r);
      continue;
    }
    card *cd = &r.cd;
    if (why) {
      card_fail(cd, "line %d: %s", r.lg.line, why);
      continue;
    }
    if (++cd->n_props > RP_VCARD_PROPS_MAX) {
      card_fail(cd, "line %d: more than %d properties in one card", r.lg.line, RP_VCARD_PROPS_MAX);
      continue;
    }
    if (pr.enc == ENC_B64) skip_b64_lines(&r.s);
    if (is_skipped(pr.name)) continue;
    if (begin || end) {
      card_fail(cd, "line %d: %s:%.20s inside a card", r.lg.line, pr.name, what ? what : "");
      continue;
    }
    if (r.lg.truncated) {
      card_fail(cd, "%s (line %d): longer than %d bytes", pr.name, r.lg.line, RP_VCARD_LINE_MAX);
      continue;
    }
    if (pr.enc == ENC_B64) continue; /* binary data in a text field: not ours to guess */
    if (!cd->failed) take(&r, &pr);
  }
  if (rc == 0 && r.in_card) {
    r.in_card = false;
    rc = report(&r, r.cd.start, true, "no END:VCARD at the end of the file");
  }
  rp_sb_free(&r.lg.buf);
  rp_sb_free(&r.t1);
  rp_sb_free(&r.t2);
  if (rc == 0 && !seen_card && stray)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "not a vCard file (no BEGIN:VCARD)");
  return rc;
}
