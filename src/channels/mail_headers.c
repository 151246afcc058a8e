/* mail_headers.c: see mail_headers.h. */
#include "channels/mail_headers.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/text.h"

/* ---- UTF-8 output ---- */

static void put_cp(rp_sb *sb, uint32_t cp) {
  char b[4];
  rp_sb_append(sb, b, rp_utf8_put(b, cp));
}

/* The length of the well-formed UTF-8 sequence at p (at most n bytes), 0
 * when it is not one; *cp gets the code point. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp) {
  unsigned char c = p[0];
  size_t k;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF)
    k = 2, v = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF)
    k = 3, v = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4)
    k = 4, v = c & 0x07, min = 0x10000;
  else
    return 0;
  if (n < k) return 0;
  for (size_t i = 1; i < k; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return k;
}

/* Appends p[0..n) as clean UTF-8: control characters become a space
 * (newlines kept when keep_lines), bad bytes U+FFFD. latin1: the bytes are
 * windows-1252, as mail programs mean by "iso-8859-1" (WHATWG's Encoding
 * standard reads the label so, as browsers do): 0x80-0x9F are the euro
 * sign, curly quotes and dashes Outlook types, not C1 controls. */
static void put_clean(rp_sb *sb, const char *p, size_t n, bool latin1, bool keep_lines) {
  const unsigned char *u = (const unsigned char *)p;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = latin1 ? 1 : utf8_seq(u + i, n - i, &cp);
    if (latin1) cp = rp_cp1252_char(u[i]);
    if (k == 0) {
      put_cp(sb, 0xFFFD);
      i++;
      continue;
    }
    i += k;
    if (cp == '\n' && keep_lines)
      rp_sb_putc(sb, '\n');
    else if (cp == '\r' && keep_lines)
      continue;
    else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
      rp_sb_putc(sb, ' ');
    else
      put_cp(sb, cp);
  }
}

static char *sb_to_arena(rp_arena *ar, rp_sb *sb) {
  char *s = rp_arena_strndup(ar, rp_sb_str(sb), sb->len);
  rp_sb_free(sb);
  return s;
}

/* ---- base64, quoted-printable ---- */

static int b64_val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Decodes base64 (whitespace skipped, stops at '=' or an incomplete last
 * group); strict: false on any other character. */
static bool b64_decode(rp_sb *out, const char *p, size_t n, bool strict) {
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '=') break;
    int v = b64_val(c);
    if (v < 0) {
      if (strict) return false;
      continue;
    }
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      rp_sb_putc(out, (char)((acc >> bits) & 0xFF));
    }
  }
  return true;
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Quoted-printable (RFC 2045 6.7); q: the Q encoding of encoded-words
 * ('_' is a space). A bad escape is kept as written. */
static void qp_decode(rp_sb *out, const char *p, size_t n, bool q) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '_' && q) {
      rp_sb_putc(out, ' ');
    } else if (c == '=' && i + 2 < n && hexval((unsigned char)p[i + 1]) >= 0 &&
               hexval((unsigned char)p[i + 2]) >= 0) {
      rp_sb_putc(out,
                 (char)(hexval((unsigned char)p[i + 1]) * 16 + hexval((unsigned char)p[i + 2])));
      i += 2;
    } else if (c == '=' && !q) {
      /* a soft line break: "=" then spaces then the line end */
      size_t j = i + 1;
      while (j < n && (p[j] == ' ' || p[j] == '\t'))
        j++;
      if (j < n && p[j] == '\r') j++;
      if (j < n && p[j] == '\n')
        i = j;
      else if (j == n)
        i = n;
      else
        rp_sb_putc(out, '=');
    } else {
      rp_sb_putc(out, (char)c);
    }
  }
}

/* ---- charsets ---- */

typedef enum { CS_UTF8, CS_LATIN1, CS_OTHER } charset;

static charset charset_of(const char *p, size_t n) {
  static const char *const utf8[] = {"utf-8", "utf8", "us-ascii", "ascii", NULL};
  static const char *const latin1[] = {"iso-8859-1",   "iso8859-1", "latin1",      "iso_8859-1",
                                       "windows-1252", "cp1252",    "iso-8859-15", NULL};
  if (n == 0) return CS_UTF8;
  for (int i = 0; utf8[i]; i++)
    if (strlen(utf8[i]) == n && !strncasecmp(p, utf8[i], n)) return CS_UTF8;
  for (int i = 0; latin1[i]; i++)
    if (strlen(latin1[i]) == n && !strncasecmp(p, latin1[i], n)) return CS_LATIN1;
  return CS_OTHER;
}

/* ---- encoded-words (RFC 2047) ---- */

/* Decodes the encoded-word at p[0..n) (starting "=?") into out; its length
 * in *used. False when it is not one this code can decode. */
static bool encoded_word(rp_sb *out, const char *p, size_t n, size_t *used) {
  if (n < 8 || p[0] != '=' || p[1] != '?') return false;
  size_t i = 2, cs = 2;
  while (i < n && p[i] != '?' && p[i] != ' ' && i - cs < 40)
    i++;
  if (i >= n || p[i] != '?') return false;
  size_t cs_len = i - cs;
  const char *star = memchr(p + cs, '*', cs_len); /* RFC 2231 language */
  if (star) cs_len = (size_t)(star - (p + cs));
  charset set = charset_of(p + cs, cs_len);
  if (set == CS_OTHER || i + 3 >= n || p[i + 2] != '?') return false;
  char enc = p[i + 1];
  if (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') return false;
  size_t t = i + 3, e = t;
  while (e + 1 < n && !(p[e] == '?' && p[e + 1] == '=') && p[e] != ' ' && p[e] != '\t')
    e++;
  if (e + 1 >= n || p[e] != '?' || p[e + 1] != '=') return false;
  rp_sb raw = {0};
  bool ok = true;
  if (enc == 'B' || enc == 'b')
    ok = b64_decode(&raw, p + t, e - t, true);
  else
    qp_decode(&raw, p + t, e - t, true);
  if (ok) put_clean(out, rp_sb_str(&raw), raw.len, set == CS_LATIN1, false);
  rp_sb_free(&raw);
  if (!ok) return false;
  *used = e + 2;
  return true;
}

static void decode_words_sb(rp_sb *out, const char *p, size_t n) {
  size_t i = 0;
  bool last_was_word = false;
  size_t pending_ws = 0, ws_at = 0; /* whitespace after an encoded-word, held back */
  while (i < n) {
    size_t used;
    if (p[i] == '=' && i + 1 < n && p[i + 1] == '?') {
      rp_sb tmp = {0};
      if (encoded_word(&tmp, p + i, n - i, &used)) {
        /* the space between two encoded-words goes (RFC 2047 6.2) */
        if (!last_was_word && pending_ws) put_clean(out, p + ws_at, pending_ws, false, false);
        rp_sb_append(out, rp_sb_str(&tmp), tmp.len);
        rp_sb_free(&tmp);
        i += used;
        last_was_word = true;
        pending_ws = 0;
        continue;
      }
      rp_sb_free(&tmp);
    }
    if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n') {
      if (!pending_ws) ws_at = i;
      pending_ws = i - ws_at + 1;
      i++;
      continue;
    }
    if (pending_ws) put_clean(out, p + ws_at, pending_ws, false, false);
    pending_ws = 0;
    last_was_word = false;
    size_t j = i + 1;
    while (j < n && p[j] != ' ' && p[j] != '\t' && p[j] != '\r' && p[j] != '\n' &&
           !(p[j] == '=' && j + 1 < n && p[j + 1] == '?'))
      j++;
    put_clean(out, p + i, j - i, false, false);
    i = j;
  }
  if (pending_ws) put_clean(out, p + ws_at, pending_ws, false, false);
}

/* Trims and collapses runs of spaces. */
static char *squeeze(rp_arena *ar, const char *s, size_t n) {
  rp_sb sb = {0};
  bool space = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == ' ') {
      space = sb.len > 0;
      continue;
    }
    if (space) rp_sb_putc(&sb, ' ');
    space = false;
    rp_sb_putc(&sb, s[i]);
  }
  return sb_to_arena(ar, &sb);
}

char *rp_mail_decode_words(rp_arena *ar, const char *p, size_t len) {
  rp_sb sb = {0};
  decode_words_sb(&sb, p, len);
  char *s = squeeze(ar, rp_sb_str(&sb), sb.len);
  rp_sb_free(&sb);
  return s;
}

/* ---- address lists ---- */

typedef struct lexer {
  const char *p;
  size_t n, i;
  const char *field;
} lexer;

/* Skips spaces and (nested) comments; the text of the last comment goes
 * into *comment when not NULL. */
static int skip_cfws(lexer *x, rp_sb *comment) {
  for (;;) {
    while (x->i < x->n &&
           (x->p[x->i] == ' ' || x->p[x->i] == '\t' || x->p[x->i] == '\r' || x->p[x->i] == '\n'))
      x->i++;
    if (x->i >= x->n || x->p[x->i] != '(') return 0;
    int depth = 0;
    size_t start = x->i + 1;
    do {
      char c = x->p[x->i];
      if (c == '\\' && x->i + 1 < x->n)
        x->i++;
      else if (c == '(')
        depth++;
      else if (c == ')')
        depth--;
      x->i++;
      if (depth > 32) return rp_error_set(RP_EINVALID_VALUE, x->field, "comments nest too deep");
    } while (depth > 0 && x->i < x->n);
    if (depth > 0) return rp_error_set(RP_EINVALID_VALUE, x->field, "a comment is not closed");
    if (comment) {
      rp_sb_reset(comment);
      rp_sb_append(comment, x->p + start, x->i - 1 - start);
    }
  }
}

static bool is_special(char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == ',' || c == ';' || c == ':' ||
         c == '"' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One word: a quoted string (unescaped into text, raw copied into raw) or
 * an atom (dots, @ and [] included). */
static int read_word(lexer *x, rp_sb *text, rp_sb *raw) {
  if (x->p[x->i] == '"') {
    size_t start = x->i;
    x->i++;
    while (x->i < x->n && x->p[x->i] != '"') {
      if (x->p[x->i] == '\\' && x->i + 1 < x->n) x->i++;
      rp_sb_putc(text, x->p[x->i]);
      x->i++;
    }
    if (x->i >= x->n)
      return rp_error_set(RP_EINVALID_VALUE, x->field, "a quoted string is not closed");
    x->i++;
    rp_sb_append(raw, x->p + start, x->i - start);
    return 0;
  }
  size_t start = x->i;
  while (x->i < x->n && !is_special(x->p[x->i]))
    x->i++;
  rp_sb_append(text, x->p + start, x->i - start);
  rp_sb_append(raw, x->p + start, x->i - start);
  return 0;
}

/* Checks the bare address of an element: something@something, no spaces
 * or controls, bounded. */
static int check_addr(const lexer *x, const char *a, size_t n) {
  if (n > RP_MAIL_ADDR_MAX)
    return rp_error_set(RP_EINVALID_VALUE, x->field, "an address is longer than %d bytes",
                        RP_MAIL_ADDR_MAX);
  const char *at = NULL;
  bool quoted = false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)a[i];
    if (c == '"')
      quoted = !quoted;
    else if (c == '\\' && quoted)
      i++;
    else if (c == '@' && !quoted)
      at = a + i;
    else if ((c <= 0x20 || c == 0x7F) && !quoted)
      return rp_error_set(RP_EINVALID_VALUE, x->field, "an address holds a space or control");
  }
  if (!at || at == a || at == a + n - 1)
    return rp_error_set(RP_EINVALID_VALUE, x->field, "'%.*s' is not an address (local@domain)",
                        (int)(n > 80 ? 80 : n), a);
  return 0;
}

static void add_addr(rp_arena *ar, rp_mail_addr **items, size_t *n, size_t *cap, const char *name,
                     size_t name_len, const char *addr, size_t addr_len) {
  if (*n >= RP_MAIL_ADDRS_MAX) return;
  rp_mail_addr *a = RP_ARENA_PUSH(ar, *items, n, cap, 4);
  a->address = rp_arena_strndup(ar, addr, addr_len);
  a->name = NULL;
  if (name && name_len) {
    char *d = rp_mail_decode_words(ar, name, name_len);
    if (*d) a->name = d;
  }
}

int rp_mail_addresses_parse(rp_mail_addr **out, size_t *n, rp_arena *ar, const char *field,
                            const char *p, size_t len) {
  *out = NULL;
  *n = 0;
  size_t cap = 0;
  lexer x = {p, len, 0, field};
  rp_sb name = {0}, raw = {0}, comment = {0}, addr = {0};
  bool in_group = false;
  int rc = 0;
  if (len > RP_MAIL_HEADER_MAX) {
    rc = rp_error_set(RP_EINVALID_VALUE, field, "longer than %d bytes", RP_MAIL_HEADER_MAX);
    goto done;
  }
  for (size_t guard = 0; guard <= len; guard++) {
    rp_sb_reset(&name);
    rp_sb_reset(&raw);
    rp_sb_reset(&comment);
    if ((rc = skip_cfws(&x, &comment))) goto done;
    if (x.i >= x.n) break;
    char c = x.p[x.i];
    if (c == ',') {
      x.i++;
      continue;
    }
    if (c == ';' && in_group) {
      in_group = false;
      x.i++;
      continue;
    }
    /* the words up to a delimiter */
    size_t words = 0;
    while (x.i < x.n && !strchr("<>,;:()", x.p[x.i])) {
      if (words) rp_sb_putc(&name, ' ');
      if ((rc = read_word(&x, &name, &raw))) goto done;
      words++;
      if ((rc = skip_cfws(&x, &comment))) goto done;
    }
    c = x.i < x.n ? x.p[x.i] : '\0';
    if (c == ':' && !in_group) { /* a group: its name is dropped */
      in_group = true;
      x.i++;
      continue;
    }
    if (c == '<') {
      x.i++;
      rp_sb_reset(&addr);
      if ((rc = skip_cfws(&x, NULL))) goto done;
      /* an obsolete route "@a,@b:" before the address */
      if (x.i < x.n && x.p[x.i] == '@') {
        const char *colon = memchr(x.p + x.i, ':', x.n - x.i);
        const char *gt = memchr(x.p + x.i, '>', x.n - x.i);
        if (colon && (!gt || colon < gt)) x.i = (size_t)(colon - x.p) + 1;
      }
      while (x.i < x.n && x.p[x.i] != '>') {
        char d = x.p[x.i];
        if (d == '(' || d == ' ' || d == '\t' || d == '\r' || d == '\n') {
          if ((rc = skip_cfws(&x, NULL))) goto done;
        } else if (d == '"') {
          rp_sb tmp = {0};
          rc = read_word(&x, &tmp, &addr);
          rp_sb_free(&tmp);
          if (rc) goto done;
        } else if (d == '<' || d == ',' || d == ';') {
          rc = rp_error_set(RP_EINVALID_VALUE, field, "'%c' inside <...>", d);
          goto done;
        } else {
          rp_sb_putc(&addr, d);
          x.i++;
        }
      }
      if (x.i >= x.n) {
        rc = rp_error_set(RP_EINVALID_VALUE, field, "a '<' is not closed by '>'");
        goto done;
      }
      x.i++;
      if ((rc = skip_cfws(&x, NULL))) goto done;
      if (x.i < x.n && x.p[x.i] != ',' && !(x.p[x.i] == ';' && in_group)) {
        rc = rp_error_set(RP_EINVALID_VALUE, field, "unexpected '%c' after an address", x.p[x.i]);
        goto done;
      }
      if (addr.len == 0) continue; /* the null address <> */
      if ((rc = check_addr(&x, rp_sb_str(&addr), addr.len))) goto done;
      add_addr(ar, out, n, &cap, rp_sb_str(&name), name.len, rp_sb_str(&addr), addr.len);
      continue;
    }
    if (words == 0 || (c != ',' && c != ';' && c != '\0')) {
      rc = rp_error_set(RP_EINVALID_VALUE, field, "unexpected '%c'", c ? c : '?');
      goto done;
    }
    if (c == ';' && !in_group) {
      rc = rp_error_set(RP_EINVALID_VALUE, field, "';' outside a group");
      goto done;
    }
    /* a bare addr-spec; an old-style "(Name)" comment is its name */
    if ((rc = check_addr(&x, rp_sb_str(&raw), raw.len))) goto done;
    add_addr(ar, out, n, &cap, rp_sb_str(&comment), comment.len, rp_sb_str(&raw), raw.len);
  }
  if (in_group) { /* an unterminated group: what was read stands */
  }
done:
  rp_sb_free(&name);
  rp_sb_free(&raw);
  rp_sb_free(&comment);
  rp_sb_free(&addr);
  if (rc) {
    *out = NULL;
    *n = 0;
  }
  return rc;
}

/* ---- dates ---- */

/* The value of the digits p[0..n) (n <= 4). */
static int64_t strtol_n(const char *p, size_t n) {
  int64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v = v * 10 + (p[i] - '0');
  return v;
}

static bool word_eq(const char *p, size_t n, const char *w) {
  return strlen(w) == n && !strncasecmp(p, w, n);
}

int rp_mail_date_parse(rp_time *out, const char *p, size_t len) {
  static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
  static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  *out = 0;
  if (len > 256) return rp_error_set(RP_EINVALID_VALUE, "date", "longer than 256 bytes");
  /* tokens: words, numbers and the separators ',' ':' '+' '-' */
  lexer x = {p, len, 0, "date"};
  const char *tok[16];
  size_t tl[16], nt = 0;
  for (;;) {
    if (skip_cfws(&x, NULL)) return RP_EINVALID_VALUE;
    if (x.i >= x.n) break;
    if (nt == 16) return rp_error_set(RP_EINVALID_VALUE, "date", "too many parts");
    size_t s = x.i;
    char c = x.p[x.i];
    if (c == ',' || c == ':')
      x.i++;
    else if (c == '+' || c == '-') {
      x.i++;
      while (x.i < x.n && x.p[x.i] >= '0' && x.p[x.i] <= '9')
        x.i++;
    } else if (c >= '0' && c <= '9') {
      while (x.i < x.n && x.p[x.i] >= '0' && x.p[x.i] <= '9')
        x.i++;
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      while (x.i < x.n && (x.p[x.i] | 0x20) >= 'a' && (x.p[x.i] | 0x20) <= 'z')
        x.i++;
    } else {
      return rp_error_set(RP_EINVALID_VALUE, "date", "unexpected '%c'", c);
    }
    tok[nt] = x.p + s;
    tl[nt++] = x.i - s;
  }
  size_t t = 0;
  bool is_day = false;
  if (t < nt && tl[t] >= 3 && !(tok[t][0] >= '0' && tok[t][0] <= '9')) {
    for (int i = 0; i < 7; i++)
      is_day |= tl[t] >= 3 && !strncasecmp(tok[t], days[i], 3);
    if (!is_day) return rp_error_set(RP_EINVALID_VALUE, "date", "no day of the month");
    t++;
    if (t < nt && tok[t][0] == ',') t++;
  }
#define NUM(i)                                                                                     \
  (t + (i) < nt && tok[t + (i)][0] >= '0' && tok[t + (i)][0] <= '9' && tl[t + (i)] <= 4)
  if (!NUM(0) || tl[t] > 2) return rp_error_set(RP_EINVALID_VALUE, "date", "no day of the month");
  int day = (int)strtol_n(tok[t], tl[t]);
  t++;
  int month = 0;
  for (int i = 0; t < nt && i < 12; i++)
    if (tl[t] >= 3 && !strncasecmp(tok[t], months[i], 3)) month = i + 1;
  if (!month) return rp_error_set(RP_EINVALID_VALUE, "date", "no month name");
  t++;
  if (!NUM(0)) return rp_error_set(RP_EINVALID_VALUE, "date", "no year");
  int64_t year = strtol_n(tok[t], tl[t]);
  if (tl[t] <= 2)
    year += year < 50 ? 2000 : 1900;
  else if (tl[t] == 3)
    year += 1900;
  t++;
  if (!NUM(0) || tl[t] > 2 || t + 2 >= nt || tok[t + 1][0] != ':' || !NUM(2) || tl[t + 2] > 2)
    return rp_error_set(RP_EINVALID_VALUE, "date", "no time of day (hh:mm)");
  int hh = (int)strtol_n(tok[t], tl[t]), mm = (int)strtol_n(tok[t + 2], tl[t + 2]), ss = 0;
  t += 3;
  if (t + 1 < nt && tok[t][0] == ':' && NUM(1) && tl[t + 1] <= 2) {
    ss = (int)strtol_n(tok[t + 1], tl[t + 1]);
    t += 2;
  }
#undef NUM
  int64_t off = 0;
  if (t < nt) {
    const char *z = tok[t];
    size_t zl = tl[t];
    if ((z[0] == '+' || z[0] == '-') && zl == 5) {
      int zh = (z[1] - '0') * 10 + (z[2] - '0'), zm = (z[3] - '0') * 10 + (z[4] - '0');
      if (zm > 59)
        return rp_error_set(RP_EINVALID_VALUE, "date", "a zone offset beyond 59 minutes");
      off = (zh * 3600 + zm * 60) * (z[0] == '-' ? -1 : 1);
    } else if (z[0] == '+' || z[0] == '-') {
      return rp_error_set(RP_EINVALID_VALUE, "date", "a zone offset is +hhmm or -hhmm");
    } else {
      static const struct {
        const char *name;
        int hours;
      } zones[] = {{"ut", 0},   {"utc", 0},  {"gmt", 0},  {"z", 0},    {"est", -5}, {"edt", -4},
                   {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
      bool known = false;
      for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        if (word_eq(z, zl, zones[i].name)) {
          off = zones[i].hours * 3600;
          known = true;
        }
      /* military and unknown zones stand for "-0000": no offset known */
      if (!known && !(zl >= 1 && zl <= 5 && (z[0] | 0x20) >= 'a' && (z[0] | 0x20) <= 'z'))
        return rp_error_set(RP_EINVALID_VALUE, "date", "an unknown time zone");
    }
    t++;
  }
  if (t < nt) return rp_error_set(RP_EINVALID_VALUE, "date", "text after the time zone");
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1900 || year > 9999)
    return rp_error_set(RP_EINVALID_VALUE, "date", "a year out of range");
  if (day < 1 || day > mdays[month - 1] || (month == 2 && day == 29 && !leap))
    return rp_error_set(RP_EINVALID_VALUE, "date", "no such day in that month");
  if (hh > 23 || mm > 59 || ss > 60)
    return rp_error_set(RP_EINVALID_VALUE, "date", "a time of day out of range");
  if (ss == 60) ss = 59;
  *out = rp_days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hh * 3600 + mm * 60 +
         ss - off;
  return 0;
}

/* ---- header blocks ---- */

typedef struct hfield {
  const char *name;
  size_t name_len;
  rp_sb value; /* unfolded */
  bool seen;
} hfield;

enum { H_FROM, H_TO, H_CC, H_SUBJECT, H_MSGID, H_DATE, H_CTYPE, H_CTE, H_COUNT };

/* Walks a header block: for each field among names[], the first value,
 * unfolded. 0 or RP_EINVALID_VALUE (field "headers"). */
static int scan_headers(hfield *f, size_t nf, const char *p, size_t len, size_t *body_at) {
  size_t i = 0, line = 0;
  hfield *cur = NULL;
  while (i < len) {
    size_t e = i;
    while (e < len && p[e] != '\n')
      e++;
    size_t next = e < len ? e + 1 : e, end = e;
    if (end > i && p[end - 1] == '\r') end--;
    line++;
    if (end == i) { /* the empty line: the body follows */
      i = next;
      break;
    }
    if (memchr(p + i, '\0', end - i))
      return rp_error_set(RP_EINVALID_VALUE, "headers", "line %zu holds a NUL byte", line);
    if (p[i] == ' ' || p[i] == '\t') { /* a folded continuation */
      if (line == 1)
        return rp_error_set(RP_EINVALID_VALUE, "headers", "line 1 starts with a space");
      if (cur) rp_sb_append(&cur->value, p + i, end - i);
      i = next;
      continue;
    }
    size_t c = i;
    while (c < end && p[c] != ':' && (unsigned char)p[c] > 32 && (unsigned char)p[c] < 127)
      c++;
    if (c == i || c >= end || p[c] != ':') {
      /* an mbox "From " line before the headers is no header either */
      return rp_error_set(RP_EINVALID_VALUE, "headers", "line %zu is not 'Name: value'", line);
    }
    cur = NULL;
    for (size_t k = 0; k < nf; k++)
      if (!f[k].seen && f[k].name_len == c - i && !strncasecmp(f[k].name, p + i, c - i)) {
        cur = &f[k];
        cur->seen = true;
        rp_sb_append(&cur->value, p + c + 1, end - c - 1);
        rp_sb_str(&cur->value);
      }
    i = next;
  }
  if (body_at) *body_at = i;
  return 0;
}

static const char *trimmed(rp_arena *ar, const rp_sb *v) {
  const char *s = rp_sb_str(v);
  size_t n = v->len;
  while (n && (*s == ' ' || *s == '\t'))
    s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
    n--;
  return rp_arena_strndup(ar, s, n);
}

/* The id inside the first <...>, or a bare id; NULL when unreadable. */
static const char *message_id(rp_arena *ar, const char *v) {
  const char *lt = strchr(v, '<');
  const char *s = lt ? lt + 1 : v;
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = 0;
  while (s[n] && s[n] != '>' && (unsigned char)s[n] > 32 && (unsigned char)s[n] < 127)
    n++;
  if (n == 0 || n > RP_MAIL_MSGID_MAX || (lt && s[n] != '>')) return NULL;
  if (!lt && s[n] && s[n] != ' ' && s[n] != '\t') return NULL;
  return rp_arena_strndup(ar, s, n);
}

int rp_mail_headers_parse(rp_mail_header_set *out, rp_arena *ar, const char *p, size_t len) {
  memset(out, 0, sizeof *out);
  if (len > RP_MAIL_HEADER_MAX)
    return rp_error_set(RP_EINVALID_VALUE, "headers", "longer than %d bytes", RP_MAIL_HEADER_MAX);
  hfield f[H_COUNT] = {[H_FROM] = {"from", 4},
                       [H_TO] = {"to", 2},
                       [H_CC] = {"cc", 2},
                       [H_SUBJECT] = {"subject", 7},
                       [H_MSGID] = {"message-id", 10},
                       [H_DATE] = {"date", 4},
                       [H_CTYPE] = {"content-type", 12},
                       [H_CTE] = {"content-transfer-encoding", 25}};
  int rc = scan_headers(f, H_COUNT, p, len, NULL);
  if (rc) goto done;
  static const char *const names[] = {"from", "to", "cc"};
  rp_mail_addr **lists[] = {&out->from, &out->to, &out->cc};
  size_t *counts[] = {&out->n_from, &out->n_to, &out->n_cc};
  for (int k = H_FROM; k <= H_CC; k++)
    if (f[k].seen && (rc = rp_mail_addresses_parse(lists[k], counts[k], ar, names[k],
                                                   rp_sb_str(&f[k].value), f[k].value.len)))
      goto done;
  if (f[H_SUBJECT].seen)
    out->subject = rp_mail_decode_words(ar, rp_sb_str(&f[H_SUBJECT].value), f[H_SUBJECT].value.len);
  if (f[H_MSGID].seen) out->message_id = message_id(ar, rp_sb_str(&f[H_MSGID].value));
  if (f[H_DATE].seen &&
      rp_mail_date_parse(&out->date, rp_sb_str(&f[H_DATE].value), f[H_DATE].value.len)) {
    out->date = 0;
    rp_error_clear();
  }
  if (f[H_CTYPE].seen) out->content_type = trimmed(ar, &f[H_CTYPE].value);
  if (f[H_CTE].seen) out->transfer_encoding = trimmed(ar, &f[H_CTE].value);
done:
  for (int k = 0; k < H_COUNT; k++)
    rp_sb_free(&f[k].value);
  if (rc) {
    memset(out, 0, sizeof *out);
  }
  return rc;
}

/* ---- body snippets ---- */

/* A Content-Type: its type/subtype and the parameters asked for. */
typedef struct ctype {
  char type[64];
  char boundary[72];
  char charset[40];
} ctype;

static void ctype_parse(ctype *ct, const char *v) {
  memset(ct, 0, sizeof *ct);
  if (!v) {
    memcpy(ct->type, "text/plain", 11);
    return;
  }
  size_t i = 0, n = strlen(v), k = 0;
  while (i < n && (v[i] == ' ' || v[i] == '\t'))
    i++;
  while (i < n && v[i] != ';' && v[i] != ' ' && v[i] != '\t' && k + 1 < sizeof ct->type)
    ct->type[k++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]), i++;
  while (i < n) {
    while (i < n && v[i] != ';')
      i++;
    if (i >= n) break;
    i++;
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
      i++;
    size_t ns = i;
    while (i < n && v[i] != '=' && v[i] != ';')
      i++;
    if (i >= n || v[i] != '=') continue;
    size_t nl = i - ns;
    while (nl && (v[ns + nl - 1] == ' ' || v[ns + nl - 1] == '\t'))
      nl--;
    i++;
    while (i < n && (v[i] == ' ' || v[i] == '\t'))
      i++;
    char val[80];
    size_t vl = 0;
    if (i < n && v[i] == '"') {
      i++;
      while (i < n && v[i] != '"') {
        if (v[i] == '\\' && i + 1 < n) i++;
        if (vl + 1 < sizeof val) val[vl++] = v[i];
        i++;
      }
      if (i < n) i++;
    } else {
      while (i < n && v[i] != ';' && v[i] != ' ' && v[i] != '\t') {
        if (vl + 1 < sizeof val) val[vl++] = v[i];
        i++;
      }
    }
    val[vl] = '\0';
    if (word_eq(v + ns, nl, "boundary") && vl < sizeof ct->boundary)
      memcpy(ct->boundary, val, vl + 1);
    else if (word_eq(v + ns, nl, "charset") && vl < sizeof ct->charset)
      memcpy(ct->charset, val, vl + 1);
  }
  if (!ct->type[0]) memcpy(ct->type, "text/plain", 11);
}

/* Decodes a text part into clean UTF-8 (LF line ends). */
static void decode_text(rp_sb *out, const ctype *ct, const char *cte, const char *p, size_t n) {
  rp_sb raw = {0};
  const char *s = p;
  size_t sl = n;
  if (cte && !strncasecmp(cte, "base64", 6)) {
    b64_decode(&raw, p, n, false);
    s = rp_sb_str(&raw), sl = raw.len;
  } else if (cte && !strncasecmp(cte, "quoted-printable", 16)) {
    qp_decode(&raw, p, n, false);
    s = rp_sb_str(&raw), sl = raw.len;
  }
  charset cs = charset_of(ct->charset, strlen(ct->charset));
  put_clean(out, s, sl, cs == CS_LATIN1, true);
  rp_sb_free(&raw);
}

/* text/html to text: tags dropped (script and style with their content),
 * a few entities, blocks as line breaks. */
static void html_text(rp_sb *out, const char *p, size_t n) {
  rp_sb t = {0};
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '<') {
      size_t e = i + 1;
      while (e < n && p[e] != '>')
        e++;
      bool block =
          e > i + 2 && (!strncasecmp(p + i + 1, "br", 2) || !strncasecmp(p + i + 1, "p", 1) ||
                        !strncasecmp(p + i + 1, "/p", 2) || !strncasecmp(p + i + 1, "div", 3));
      const char *skip_to = NULL;
      if (e - i >= 6 && !strncasecmp(p + i + 1, "style", 5)) skip_to = "</style";
      if (e - i >= 7 && !strncasecmp(p + i + 1, "script", 6)) skip_to = "</script";
      if (skip_to) {
        size_t k = e;
        size_t sl = strlen(skip_to);
        while (k + sl <= n && strncasecmp(p + k, skip_to, sl))
          k++;
        e = k;
        while (e < n && p[e] != '>')
          e++;
      }
      if (block) rp_sb_putc(&t, '\n');
      i = e;
    } else if (p[i] == '&') {
      static const struct {
        const char *ent, *txt;
      } ents[] = {{"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
                  {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
        size_t el = strlen(ents[k].ent);
        if (i + el <= n && !strncasecmp(p + i, ents[k].ent, el)) {
          rp_sb_puts(&t, ents[k].txt);
          i += el - 1;
          done = true;
        }
      }
      if (!done) rp_sb_putc(&t, '&');
    } else {
      rp_sb_putc(&t, p[i] == '\n' || p[i] == '\r' ? ' ' : p[i]);
    }
  }
  rp_sb_append(out, rp_sb_str(&t), t.len);
  rp_sb_free(&t);
}

/* Finds the text of a body: *plain gets the first text/plain, *html the
 * first text/html, each decoded (when not yet found). */
static void find_text(rp_sb *plain, rp_sb *html, bool *got_plain, bool *got_html, const char *ctv,
                      const char *cte, const char *p, size_t n, int depth) {
  ctype ct;
  ctype_parse(&ct, ctv);
  if (!strcmp(ct.type, "text/plain") && !*got_plain) {
    decode_text(plain, &ct, cte, p, n);
    *got_plain = true;
    return;
  }
  if (!strcmp(ct.type, "text/html") && !*got_html) {
    rp_sb tmp = {0};
    decode_text(&tmp, &ct, cte, p, n);
    html_text(html, rp_sb_str(&tmp), tmp.len);
    rp_sb_free(&tmp);
    *got_html = true;
    return;
  }
  if (strncmp(ct.type, "multipart/", 10) || !ct.boundary[0] || depth >= 3) return;
  size_t bl = strlen(ct.boundary);
  /* the parts: between lines "--boundary" */
  size_t i = 0, part = SIZE_MAX;
  while (i <= n && !*got_plain) {
    size_t e = i;
    while (e < n && p[e] != '\n')
      e++;
    bool delim =
        e - i >= bl + 2 && p[i] == '-' && p[i + 1] == '-' && !memcmp(p + i + 2, ct.boundary, bl);
    if (delim || e >= n) {
      if (part != SIZE_MAX) {
        size_t pe = delim ? i : n;
        /* the part's own headers, then its body */
        hfield f[2] = {{"content-type", 12}, {"content-transfer-encoding", 25}};
        size_t body_at = 0;
        if (!scan_headers(f, 2, p + part, pe - part, &body_at)) {
          const char *pct = f[0].seen ? rp_sb_str(&f[0].value) : NULL;
          const char *pcte = f[1].seen ? rp_sb_str(&f[1].value) : NULL;
          while (pcte && (*pcte == ' ' || *pcte == '\t'))
            pcte++;
          find_text(plain, html, got_plain, got_html, pct, pcte, p + part + body_at,
                    pe - part - body_at, depth + 1);
        } else {
          rp_error_clear();
        }
        rp_sb_free(&f[0].value);
        rp_sb_free(&f[1].value);
      }
      if (e >= n) break;
      if (delim && e - i >= bl + 4 && p[i + bl + 2] == '-' && p[i + bl + 3] == '-') break;
      part = e + 1;
    }
    i = e + 1;
  }
}

char *rp_mail_snippet(rp_arena *ar, const char *content_type, const char *transfer_encoding,
                      const char *body, size_t len, size_t max) {
  rp_sb plain = {0}, html = {0};
  bool got_plain = false, got_html = false;
  while (transfer_encoding && (*transfer_encoding == ' ' || *transfer_encoding == '\t'))
    transfer_encoding++;
  find_text(&plain, &html, &got_plain, &got_html, content_type, transfer_encoding, body, len, 0);
  rp_sb *t = got_plain ? &plain : &html;
  /* trim, drop trailing spaces of lines, at most two line breaks in a row */
  rp_sb out = {0};
  const char *s = rp_sb_str(t);
  size_t n = t->len, nl = 0, spaces = 0;
  for (size_t i = 0; i < n && out.len < max + 8; i++) {
    if (s[i] == '\n') {
      spaces = 0;
      nl++;
      continue;
    }
    if (s[i] == ' ') {
      spaces++;
      continue;
    }
    if (out.len) {
      if (nl)
        rp_sb_append(&out, "\n\n", nl > 1 ? 2 : 1);
      else if (spaces)
        rp_sb_putc(&out, ' ');
    }
    nl = spaces = 0;
    rp_sb_putc(&out, s[i]);
  }
  rp_sb_free(&plain);
  rp_sb_free(&html);
  if (out.len == 0) {
    rp_sb_free(&out);
    return NULL;
  }
  size_t cut = out.len;
  if (cut > max) {
    cut = max;
    while (cut > 0 && ((unsigned char)out.p[cut] & 0xC0) == 0x80)
      cut--;
  }
  char *r = rp_arena_strndup(ar, out.p, cut);
  rp_sb_free(&out);
  return r;
}
