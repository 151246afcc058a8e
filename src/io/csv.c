/* csv.c: the CSV contact reader and writer of io/csv.h.
 *
 * Reading goes in three steps. The first physical line is held back until
 * it is whole (at most SNIFF_MAX bytes) to take off a BOM, honour Excel's
 * "sep=;" and pick the delimiter. A file that starts with a UTF-16 BOM
 * (Excel's "Unicode Text", older Google and Outlook exports) is turned
 * into UTF-8 as it comes, before any of this. Then the bytes go to
 * libcsv one physical line (or one PIECE) at a time, so the reader always
 * knows the line a row starts on and how long the row has grown. Each row
 * libcsv ends is turned into the JSON body of a contact (the header table
 * of csv_map.c says which column goes where) and checked by the API's own
 * rp_contact_from_json; a refusal is reported with the column it came
 * from. */
#include "io/csv.h"

#include <csv.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/contact.h"
#include "http/contact_json.h"
#include "io/csv_map.h"
#include "util/error.h"
#include "util/json_write.h"
#include "util/mem.h"
#include "util/text.h"

#define SNIFF_MAX (64 * 1024) /* bytes of the first line looked at */
#define PIECE (64 * 1024)     /* bytes handed to libcsv at once */
#define NAME_MAX_CHARS 64     /* a custom key (the API's limit) */
#define MSG_MAX 512
#define VALUE_SHOWN 60 /* bytes of a refused value quoted in a message */

/* libcsv's parser states (libcsv.c; the struct is public, the names are
 * not): no row begun, and a field open. */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_BEGUN 2

enum { ENC_UNKNOWN, ENC_UTF8, ENC_CP1252 };
/* What the first two bytes said: not seen yet, not UTF-16, or UTF-16 in
 * either byte order (after its BOM). */
enum { U16_UNDECIDED, U16_NO, U16_LE, U16_BE };
#define U16_PIECE 8192 /* input bytes turned into UTF-8 at once */

struct rp_csv_reader {
  char region[8];
  rp_arena *user_ar, own_ar;
  rp_csv_row_fn on_row;
  rp_csv_error_fn on_error;
  void *ctx;

  struct csv_parser p;
  bool parsing; /* p is initialised, the first line was sniffed */
  unsigned char delim;
  int enc;
  int failed; /* a fatal error (or a callback's stop) was returned */

  char *sniff;
  size_t sniff_len, sniff_cap;

  /* UTF-16 input (u16 != U16_NO): the first bytes until the BOM is known,
   * an odd byte held over from the last piece, a high surrogate waiting
   * for its low half, and the UTF-8 the piece became */
  int u16;
  unsigned char head[2];
  size_t head_len;
  int odd; /* -1: none */
  unsigned high;
  char *u16_out;

  size_t line;     /* the line of the next byte */
  bool pending_cr; /* the last byte was a CR (a following LF is no new line) */
  size_t row_start, row_bytes;
  bool skip_to_eol; /* after an overlong row: drop the rest of its line */

  /* the fields of the row being read, back to back in buf */
  char *buf;
  size_t buf_len, buf_cap;
  size_t off[RP_CSV_FIELDS_MAX + 1];
  size_t nf;
  bool too_many;

  bool have_header;
  size_t ncols;
  rp_csv_col *cols;
  char **names;  /* the header names (UTF-8, trimmed, at most 64 characters) */
  int *label_of; /* the label column of an email/phone column, or -1 */
  size_t rows;
};

/* ---- small text helpers ---- */

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void trim(const char **p, size_t *len) {
  while (*len && is_blank((*p)[0]))
    (*p)++, (*len)--;
  while (*len && is_blank((*p)[*len - 1]))
    (*len)--;
}

static char *cp1252_to_utf8(rp_arena *ar, const char *p, size_t n, size_t *outlen) {
  char *o = rp_arena_alloc(ar, n * 3 + 2); /* (rp_utf8_put may write 4 at the last) */
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += rp_utf8_put(o + k, rp_cp1252_char((unsigned char)p[i]));
  o[k] = '\0';
  *outlen = k;
  return o;
}

/* Field i of the current row as UTF-8 (trimmed, the anti-formula
 * apostrophe taken off) in *out and *len; "" for a missing trailing field.
 * -1 when it is not text in the file's encoding. The text points into the
 * row buffer or ar, and lives until the next row. */
static int field(rp_csv_reader *r, size_t i, rp_arena *ar, const char **out, size_t *len) {
  *out = "";
  *len = 0;
  if (i >= r->nf) return 0;
  const char *p = r->buf + r->off[i];
  size_t n = r->off[i + 1] - r->off[i];
  bool high = false;
  for (size_t k = 0; k < n; k++) {
    if (p[k] == '\0') return -1;
    if ((unsigned char)p[k] >= 0x80) high = true;
  }
  if (high) {
    if (r->enc == ENC_UNKNOWN) r->enc = rp_utf8_valid(p, n) ? ENC_UTF8 : ENC_CP1252;
    if (r->enc == ENC_CP1252)
      p = cp1252_to_utf8(ar, p, n, &n);
    else if (!rp_utf8_valid(p, n))
      return -1;
  }
  trim(&p, &n);
  /* rp_csv_write_contact's "'=..." (a value a spreadsheet would run) */
  if (n >= 2 && p[0] == '\'') {
    size_t k = 0;
    while (k < n && p[k] == '\'')
      k++;
    if (k < n && (p[k] == '=' || p[k] == '+' || p[k] == '-' || p[k] == '@')) p++, n--;
  }
  *out = p;
  *len = n;
  return 0;
}

/* A value for a message: at most VALUE_SHOWN bytes, cut on a character,
 * control characters as spaces. */
static void shown(char out[static VALUE_SHOWN + 4], const char *p, size_t n) {
  size_t k = n > VALUE_SHOWN ? VALUE_SHOWN : n;
  if (k < n)
    while (k && ((unsigned char)p[k] & 0xC0) == 0x80)
      k--;
  for (size_t i = 0; i < k; i++)
    out[i] = ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) ? ' ' : p[i];
  if (k < n) {
    memcpy(out + k, "...", 3);
    k += 3;
  }
  out[k] = '\0';
}

/* ---- errors ---- */

static int report(rp_csv_reader *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int report(rp_csv_reader *r, size_t line, const char *fmt, ...) {
  char msg[MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!r->on_error) return 0;
  int rc = r->on_error(r->ctx, line, msg);
  if (rc && !r->failed) r->failed = rc;
  return rc;
}

static int fatal(rp_csv_reader *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fatal(rp_csv_reader *r, int code, const char *fmt, ...) {
  char msg[MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!r->failed) r->failed = code;
  return rp_error_set(code, NULL, "%s", msg);
}

/* ---- the header ---- */

static size_t utf8_prefix(const char *p, size_t n, size_t max_chars) {
  size_t chars = 0, i = 0;
  for (; i < n; i++) {
    if (((unsigned char)p[i] & 0xC0) != 0x80) {
      if (chars == max_chars) break;
      chars++;
    }
  }
  return i;
}

static void header(rp_csv_reader *r) {
  if (r->too_many || r->nf > RP_CSV_FIELDS_MAX) {
    fatal(r, RP_EINVALID_VALUE, "line %zu: the header has more than %d columns", r->row_start,
          RP_CSV_FIELDS_MAX);
    return;
  }
  rp_arena tmp = {0};
  size_t n = r->nf, known = 0;
  r->ncols = n;
  r->cols = rp_xcalloc(n ? n : 1, sizeof *r->cols);
  r->names = rp_xcalloc(n ? n : 1, sizeof *r->names);
  r->label_of = rp_xcalloc(n ? n : 1, sizeof *r->label_of);
  for (size_t i = 0; i < n; i++) {
    const char *p;
    size_t len;
    if (field(r, i, &tmp, &p, &len) != 0) p = "", len = 0;
    /* a BOM pasted in again, or one in a windows-1252 file */
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, len -= 3;
    r->cols[i] = rp_csv_map_header(p, len);
    if (r->cols[i].kind != RP_COL_CUSTOM) known++;
    len = utf8_prefix(p, len, NAME_MAX_CHARS);
    char name[NAME_MAX_CHARS * 4 + 16];
    if (len == 0)
      snprintf(name, sizeof name, "Column %zu", i + 1);
    else
      snprintf(name, sizeof name, "%.*s", (int)len, p);
    /* two unrecognised columns of one name keep both values */
    size_t base = utf8_prefix(name, strlen(name), NAME_MAX_CHARS - 6);
    for (size_t j = 0, dup = 1; j < i; j++) {
      if (strcmp(r->names[j], name) != 0) continue;
      snprintf(name + base, sizeof name - base, " (%zu)", ++dup);
      j = (size_t)-1; /* check the new name from the start */
    }
    r->names[i] = rp_xstrdup(name);
  }
  rp_arena_free(&tmp);
  /* pair "Email 2" with "Email 2 Label", "E-mail Address" with "E-mail
     Type" */
  for (size_t i = 0; i < n; i++) {
    r->label_of[i] = -1;
    rp_csv_col_kind want = r->cols[i].kind == RP_COL_EMAIL   ? RP_COL_EMAIL_LABEL
                           : r->cols[i].kind == RP_COL_PHONE ? RP_COL_PHONE_LABEL
                                                             : RP_COL_CUSTOM;
    if (want == RP_COL_CUSTOM || r->cols[i].label) continue;
    for (size_t j = 0; j < n; j++)
      if (r->cols[j].kind == want && r->cols[j].group == r->cols[i].group) {
        r->label_of[i] = (int)j;
        break;
      }
  }
  if (known == 0) {
    fatal(r, RP_EINVALID_VALUE,
          "line %zu: no column of the header is one we know (expected names such as First "
          "Name, Last Name, Email, Phone, Company)",
          r->row_start);
    return;
  }
  r->have_header = true;
}

/* ---- one row to a contact ---- */

/* Where a JSON path of the contact body came from, to name the column of
 * an error of rp_contact_from_json: the path is key, key[index] (index >=
 * 0) or key.sub (sub not NULL), put together only when an error needs it. */
typedef struct src {
  const char *key, *sub;
  long index;
  size_t col;
  const char *value;
  size_t len;
} src;

typedef struct build {
  rp_csv_reader *r;
  rp_arena *ar;
  json_t *body, *emails, *phones, *address, *custom, *tags, *social;
  rp_sb notes;
  src *srcs;
  size_t n_srcs, cap_srcs;
} build;

static void note_src(build *b, const char *key, long index, const char *sub, size_t col,
                     const char *v, size_t len) {
  src *s = RP_ARENA_PUSH(b->ar, b->srcs, &b->n_srcs, &b->cap_srcs, 16);
  s->key = key;
  s->index = index;
  s->sub = sub;
  s->col = col;
  s->value = v;
  s->len = len;
}

static json_t *str(const char *p, size_t n) { return json_stringn_nocheck(p, n); }

/* Sets key to the value unless a column before already did. */
static void set_once(build *b, const char *key, size_t col, const char *v, size_t n) {
  if (json_object_get(b->body, key)) return;
  json_object_set_new_nocheck(b->body, key, str(v, n));
  note_src(b, key, -1, NULL, col, v, n);
}

static void set_custom(build *b, size_t col, const char *v, size_t n) {
  if (!b->custom) b->custom = json_object();
  const char *key = b->r->names[col];
  json_object_set_new_nocheck(b->custom, key, str(v, n));
  note_src(b, "custom", -1, key, col, v, n);
}

static void set_address(build *b, const char *part, size_t col, const char *v, size_t n,
                        bool append) {
  if (!b->address) b->address = json_object();
  json_t *old = json_object_get(b->address, part);
  if (old && append) {
    const char *s = rp_arena_printf(b->ar, "%s, %.*s", json_string_value(old), (int)n, v);
    json_object_set_new_nocheck(b->address, part, json_string_nocheck(s));
    return;
  }
  if (old) return;
  if (memchr(v, '\n', n) || memchr(v, '\r', n)) {
    /* Outlook's two-line "Home Street": the lines joined with ", " */
    rp_sb sb = {0};
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j < n && v[j] != '\r' && v[j] != '\n')
        j++;
      const char *l = v + i;
      size_t ll = j - i;
      trim(&l, &ll);
      if (ll) {
        if (sb.len) rp_sb_puts(&sb, ", ");
        rp_sb_append(&sb, l, ll);
      }
      i = j + 1;
    }
    json_object_set_new_nocheck(b->address, part, str(sb.p ? sb.p : "", sb.len));
    rp_sb_free(&sb);
  } else {
    json_object_set_new_nocheck(b->address, part, str(v, n));
  }
  note_src(b, "address", -1, part, col, v, n);
}

/* An email or phone label as exports write it: Google's "* Home" (the star
 * marks the primary one) is "Home"; Outlook's "SMTP" type is no label. */
static void clean_label(const char **p, size_t *n) {
  trim(p, n);
  while (*n >= 2 && (*p)[0] == '*' && (*p)[1] == ' ') {
    *p += 2, *n -= 2;
    trim(p, n);
  }
  if ((*n == 4 && strncasecmp(*p, "smtp", 4) == 0) || (*n == 2 && strncasecmp(*p, "ex", 2) == 0))
    *n = 0;
}

/* Adds the email or phone values of column col (Google puts several in one
 * cell, " ::: " between them; a generic "Email" column may hold "a@x.com;
 * b@y.com"). */
static void add_contact_points(build *b, size_t col, const char *v, size_t n, bool email) {
  rp_csv_reader *r = b->r;
  const char *label = r->cols[col].label;
  size_t label_len = label ? strlen(label) : 0;
  if (!label && r->label_of[col] >= 0) {
    const char *lp;
    size_t ln;
    if (field(r, (size_t)r->label_of[col], b->ar, &lp, &ln) == 0) {
      clean_label(&lp, &ln);
      if (ln) label = lp, label_len = ln;
    }
  }
  json_t **list = email ? &b->emails : &b->phones;
  if (!*list) *list = json_array();
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && !(j + 3 <= n && memcmp(v + j, ":::", 3) == 0) &&
           !(email && (v[j] == ';' || v[j] == ',')))
      j++;
    const char *p = v + i;
    size_t len = j - i;
    i = j + (j + 3 <= n && memcmp(v + j, ":::", 3) == 0 ? 3 : 1);
    trim(&p, &len);
    if (!len) continue;
    /* "Ann Lee <ann@example.com>" */
    if (email && p[len - 1] == '>') {
      const char *lt = memchr(p, '<', len);
      if (lt) len = (size_t)(p + len - 1 - (lt + 1)), p = lt + 1;
    }
    json_t *o = json_object();
    json_object_set_new_nocheck(o, email ? "address" : "number", str(p, len));
    if (label) json_object_set_new_nocheck(o, "label", str(label, label_len));
    note_src(b, email ? "emails" : "phones", (long)json_array_size(*list), NULL, col, p, len);
    json_array_append_new(*list, o);
  }
}

static bool eq_ci(const char *p, size_t n, const char *s) {
  return strlen(s) == n && strncasecmp(p, s, n) == 0;
}

/* Tags: ",", ";" (Outlook's Categories) or " ::: " (Google's labels and
 * group membership) between them; Google's "* myContacts" is dropped and
 * its other system groups lose the "* ". */
static void add_tags(build *b, size_t col, const char *v, size_t n) {
  if (!b->tags) b->tags = json_array();
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && v[j] != ',' && v[j] != ';' && !(j + 3 <= n && memcmp(v + j, ":::", 3) == 0))
      j++;
    const char *p = v + i;
    size_t len = j - i;
    i = j + (j + 3 <= n && memcmp(v + j, ":::", 3) == 0 ? 3 : 1);
    trim(&p, &len);
    while (len >= 2 && p[0] == '*' && p[1] == ' ') {
      p += 2, len -= 2;
      trim(&p, &len);
    }
    if (!len || eq_ci(p, len, "mycontacts")) continue;
    note_src(b, "tags", (long)json_array_size(b->tags), NULL, col, p, len);
    json_array_append_new(b->tags, str(p, len));
  }
}

static void add_social(build *b, size_t col, const char *v, size_t n) {
  if (!b->social) b->social = json_array();
  size_t i = 0;
  while (i < n) {
    while (i < n && is_blank(v[i]))
      i++;
    size_t j = i;
    while (j < n && !is_blank(v[j]))
      j++;
    if (j > i) {
      note_src(b, "social", (long)json_array_size(b->social), NULL, col, v + i, j - i);
      json_array_append_new(b->social, str(v + i, j - i));
    }
    i = j;
  }
}

/* "Ann Lee" -> first Ann, last Lee; "Lee, Ann" -> the same; "Ann" -> first. */
static void split_name(build *b, size_t col, const char *v, size_t n) {
  const char *comma = memchr(v, ',', n);
  const char *first = v, *last = NULL;
  size_t nf = n, nl = 0;
  if (comma) {
    last = v, nl = (size_t)(comma - v);
    first = comma + 1, nf = n - nl - 1;
  } else {
    size_t k = n;
    while (k && !is_blank(v[k - 1]))
      k--;
    if (k) last = v + k, nl = n - k, nf = k;
  }
  trim(&first, &nf);
  if (last) trim(&last, &nl);
  if (nf) set_once(b, "first_name", col, first, nf);
  if (nl) set_once(b, "last_name", col, last, nl);
}

/* A date column: "YYYY-MM-DD" in the body, or the row is refused. */
static int set_date(build *b, const char *key, size_t col, const char *v, size_t n, bool month_day,
                    char *err, size_t errcap) {
  char d[11];
  int rc = rp_csv_date(d, v, n, month_day);
  if (rc < 0) {
    char val[VALUE_SHOWN + 4];
    shown(val, v, n);
    snprintf(err, errcap, "column \"%s\" (\"%s\"): not a date (YYYY-MM-DD, M/D/YYYY or D.M.YYYY)",
             b->r->names[col], val);
    return -1;
  }
  if (rc > 0) set_once(b, key, col, d, strlen(d));
  return 0;
}

/* Fills the contact body from the row. Returns 0, or -1 with the reason in
 * err. */
static int fill(build *b, char *err, size_t errcap) {
  rp_csv_reader *r = b->r;
  const char *full = NULL;
  size_t full_len = 0, full_col = 0;
  for (size_t i = 0; i < r->ncols; i++) {
    const char *v;
    size_t n;
    if (field(r, i, b->ar, &v, &n) != 0) {
      snprintf(err, errcap, "column \"%s\": not valid UTF-8 text", r->names[i]);
      return -1;
    }
    if (!n) continue;
    int e = 0;
    rp_csv_col_kind k = r->cols[i].kind;
    switch (k) {
    case RP_COL_IGNORE:
    case RP_COL_EMAIL_LABEL:
    case RP_COL_PHONE_LABEL: break;
    case RP_COL_CUSTOM:
      if (!eq_ci(v, n, "unspecified")) set_custom(b, i, v, n); /* Outlook's Gender */
      break;
    case RP_COL_FIRST: set_once(b, "first_name", i, v, n); break;
    case RP_COL_LAST: set_once(b, "last_name", i, v, n); break;
    case RP_COL_FULL_NAME:
      if (!full) full = v, full_len = n, full_col = i;
      break;
    case RP_COL_EMAIL: add_contact_points(b, i, v, n, true); break;
    case RP_COL_PHONE: add_contact_points(b, i, v, n, false); break;
    case RP_COL_STREET: set_address(b, "street", i, v, n, false); break;
    case RP_COL_STREET2: set_address(b, "street", i, v, n, true); break;
    case RP_COL_CITY: set_address(b, "city", i, v, n, false); break;
    case RP_COL_REGION: set_address(b, "region", i, v, n, false); break;
    case RP_COL_POSTAL: set_address(b, "postal_code", i, v, n, false); break;
    case RP_COL_COUNTRY: set_address(b, "country", i, v, n, false); break;
    case RP_COL_COMPANY: set_once(b, "company", i, v, n); break;
    case RP_COL_WEBSITE: set_once(b, "website", i, v, n); break;
    case RP_COL_SOCIAL: add_social(b, i, v, n); break;
    case RP_COL_BIRTHDAY:
      if (set_date(b, "birthday", i, v, n, true, err, errcap)) return -1;
      break;
    case RP_COL_ANNIVERSARY:
      if (set_date(b, "anniversary", i, v, n, true, err, errcap)) return -1;
      break;
    case RP_COL_KNOWN_SINCE:
      if (set_date(b, "known_since", i, v, n, false, err, errcap)) return -1;
      break;
    case RP_COL_LAST_PURCHASE:
      if (set_date(b, "last_purchase_date", i, v, n, false, err, errcap)) return -1;
      break;
    case RP_COL_LAST_SALE:
      if (set_date(b, "last_sale_date", i, v, n, false, err, errcap)) return -1;
      break;
    case RP_COL_PARTNER: set_once(b, "partner", i, v, n); break;
    case RP_COL_CHILDREN: set_once(b, "children", i, v, n); break;
    case RP_COL_PETS: set_once(b, "pets", i, v, n); break;
    case RP_COL_INTERESTS: set_once(b, "interests", i, v, n); break;
    case RP_COL_NOTES:
      if (b->notes.len)
        rp_sb_puts(&b->notes, "\n\n");
      else
        note_src(b, "notes", -1, NULL, i, v, n);
      rp_sb_append(&b->notes, v, n);
      break;
    case RP_COL_TAGS: add_tags(b, i, v, n); break;
    case RP_COL_SOURCE: set_once(b, "source", i, v, n); break;
    case RP_COL_STATUS:
    case RP_COL_STAGE: {
      /* Follow Up Boss's "Stage" holds statuses ("Past Client"); "Sphere"
         is a type (personal) */
      rp_status st;
      rp_stage sg;
      rp_ctype ty;
      bool stage_first = k == RP_COL_STAGE;
      if (stage_first && rp_csv_stage(&sg, v, n) == 0)
        set_once(b, "stage", i, rp_stage_name(sg), strlen(rp_stage_name(sg)));
      else if (rp_csv_status(&st, v, n) == 0)
        set_once(b, "status", i, rp_status_name(st), strlen(rp_status_name(st)));
      else if (!stage_first && rp_csv_stage(&sg, v, n) == 0)
        set_once(b, "stage", i, rp_stage_name(sg), strlen(rp_stage_name(sg)));
      else if (rp_csv_type(&ty, v, n) == 0)
        set_once(b, "type", i, rp_ctype_name(ty), strlen(rp_ctype_name(ty)));
      else
        set_custom(b, i, v, n);
      break;
    }
    case RP_COL_CATEGORY: {
      rp_category c;
      if (rp_csv_category(&c, v, n) == 0)
        set_once(b, "category", i, rp_category_name(c), strlen(rp_category_name(c)));
      else
        set_custom(b, i, v, n);
      break;
    }
    case RP_COL_TYPE: {
      rp_ctype t;
      if (rp_csv_type(&t, v, n) == 0)
        set_once(b, "type", i, rp_ctype_name(t), strlen(rp_ctype_name(t)));
      else
        set_custom(b, i, v, n);
      break;
    }
    case RP_COL_INTENT: {
      rp_intent t;
      if (rp_csv_intent(&t, v, n) == 0)
        set_once(b, "intent", i, rp_intent_name(t), strlen(rp_intent_name(t)));
      else
        set_custom(b, i, v, n);
      break;
    }
    case RP_COL_TIMEFRAME: {
      char d[11];
      if (rp_csv_date(d, v, n, false) > 0)
        set_once(b, "timeframe", i, d, strlen(d));
      else
        set_custom(b, i, v, n); /* "3-6 months" */
      break;
    }
    case RP_COL_BUDGET: {
      double d;
      if (rp_csv_money(&d, v, n) == 0 && !json_object_get(b->body, "budget")) {
        json_object_set_new_nocheck(b->body, "budget", json_real(d));
        note_src(b, "budget", -1, NULL, i, v, n);
      } else {
        set_custom(b, i, v, n); /* "$300k-$400k" */
      }
      break;
    }
    case RP_COL_INTERVAL: {
      char *end;
      char tmp[24];
      long long d = 0;
      if (n < sizeof tmp) {
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        d = strtoll(tmp, &end, 10);
      }
      if (n < sizeof tmp && *end == '\0' && !json_object_get(b->body, "contact_interval_days")) {
        json_object_set_new_nocheck(b->body, "contact_interval_days", json_integer(d));
        note_src(b, "contact_interval_days", -1, NULL, i, v, n);
      } else {
        set_once(b, "contact_interval_days", i, v, n); /* refused below, with the column */
      }
      break;
    }
    case RP_COL_SMS_OPT_OUT:
    case RP_COL_EMAIL_OPT_OUT: {
      const char *key = k == RP_COL_SMS_OPT_OUT ? "sms_opt_out" : "email_opt_out";
      e = rp_csv_bool(v, n);
      if (e < 0) {
        char val[VALUE_SHOWN + 4];
        shown(val, v, n);
        snprintf(err, errcap, "column \"%s\" (\"%s\"): not yes or no", r->names[i], val);
        return -1;
      }
      if (e) json_object_set_new_nocheck(b->body, key, json_true());
      break;
    }
    case RP_COL_CUSTOM_JSON: {
      json_t *o = n && v[0] == '{' ? json_loadb(v, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
      if (json_is_object(o)) {
        if (!b->custom) b->custom = json_object();
        const char *key;
        json_t *x;
        json_object_foreach(o, key, x) {
          json_object_set_nocheck(b->custom, key, x);
          note_src(b, "custom", -1, key, i, v, n);
        }
      } else {
        set_custom(b, i, v, n);
      }
      json_decref(o);
      break;
    }
    }
  }
  if (full && !json_object_get(b->body, "first_name") && !json_object_get(b->body, "last_name"))
    split_name(b, full_col, full, full_len);
  if (b->notes.len) json_object_set_new_nocheck(b->body, "notes", str(b->notes.p, b->notes.len));
  if (b->emails) json_object_set_new_nocheck(b->body, "emails", b->emails), b->emails = NULL;
  if (b->phones) json_object_set_new_nocheck(b->body, "phones", b->phones), b->phones = NULL;
  if (b->address) json_object_set_new_nocheck(b->body, "address", b->address), b->address = NULL;
  if (b->tags) json_object_set_new_nocheck(b->body, "tags", b->tags), b->tags = NULL;
  if (b->social) json_object_set_new_nocheck(b->body, "social", b->social), b->social = NULL;
  if (b->custom) {
    if (json_object_size(b->custom) > RP_CJ_CUSTOM_MAX) {
      snprintf(err, errcap,
               "%zu columns we do not know hold a value (at most %d are kept, as custom fields)",
               json_object_size(b->custom), RP_CJ_CUSTOM_MAX);
      return -1;
    }
    json_object_set_new_nocheck(b->body, "custom", b->custom), b->custom = NULL;
  }
  return 0;
}

/* The message of a refusal of rp_contact_from_json, with the column its
 * field came from. */
static void explain(build *b, char *err, size_t errcap) {
  const rp_error *e = rp_error_last();
  size_t fl = strlen(e->field);
  for (size_t i = 0; fl && i < b->n_srcs; i++) {
    const src *s = &b->srcs[i];
    char path[160];
    if (s->sub)
      snprintf(path, sizeof path, "%s.%s", s->key, s->sub);
    else if (s->index >= 0)
      snprintf(path, sizeof path, "%s[%ld]", s->key, s->index);
    else
      snprintf(path, sizeof path, "%s", s->key);
    size_t pl = strlen(path);
    if (pl > fl || memcmp(path, e->field, pl) != 0) continue;
    if (e->field[pl] != '\0' && e->field[pl] != '.' && e->field[pl] != '[') continue;
    char val[VALUE_SHOWN + 4];
    shown(val, s->value, s->len);
    snprintf(err, errcap, "column \"%s\" (\"%s\"): %s", b->r->names[s->col], val, e->message);
    return;
  }
  /* (a message longer than errcap is cut; the result is looked at so that
   * GCC's -Wformat-truncation, on at -O1 in `make asan`, knows it is meant) */
  int n = fl ? snprintf(err, errcap, "%s: %s", e->field, e->message)
             : snprintf(err, errcap, "%s", e->message);
  if (n < 0) err[0] = '\0';
}

static bool row_blank(rp_csv_reader *r) {
  for (size_t i = 0; i < r->nf; i++)
    for (size_t k = r->off[i]; k < r->off[i + 1]; k++)
      if (!is_blank(r->buf[k])) return false;
  return true;
}

static void row(rp_csv_reader *r) {
  if (r->failed) return;
  if (!r->have_header) {
    if (!row_blank(r)) header(r);
    return;
  }
  if (row_blank(r)) return; /* ",,,," lines spreadsheets leave at the end */
  r->rows++;
  if (r->too_many) {
    report(r, r->row_start, "the row has more than %d fields", RP_CSV_FIELDS_MAX);
    return;
  }
  /* more fields than the header: fine while the extra ones are empty */
  for (size_t i = r->ncols; i < r->nf; i++) {
    const char *v;
    size_t n;
    if (field(r, i, &r->own_ar, &v, &n) == 0 && n == 0) continue;
    report(r, r->row_start, "the row has %zu fields, the header only %zu", r->nf, r->ncols);
    rp_arena_free(&r->own_ar);
    return;
  }

  /* the row's scratch in own_ar; the contact in the caller's arena */
  rp_arena *ar = r->user_ar ? r->user_ar : &r->own_ar;
  build b = {.r = r, .ar = &r->own_ar, .body = json_object()};
  char err[MSG_MAX];
  rp_csv_row out = {.line = r->row_start};
  rp_contact_given given;
  int rc = fill(&b, err, sizeof err);
  if (rc == 0) {
    rp_error_clear();
    if (rp_contact_from_json(&out.contact, &given, b.body, r->region, ar) != 0) {
      explain(&b, err, sizeof err);
      rc = -1;
    }
  }
  json_decref(b.body);
  json_decref(b.emails);
  json_decref(b.phones);
  json_decref(b.address);
  json_decref(b.tags);
  json_decref(b.social);
  json_decref(b.custom);
  rp_sb_free(&b.notes);
  if (rc != 0) {
    report(r, r->row_start, "%s", err);
  } else {
    out.status_given = given.status;
    out.stage_given = given.stage;
    out.category_given = given.category;
    out.type_given = given.type;
    out.contact.display_name = rp_contact_display_name(ar, &out.contact);
    int cb = r->on_row ? r->on_row(r->ctx, &out) : 0;
    if (cb && !r->failed) r->failed = cb;
  }
  rp_arena_free(&r->own_ar);
}

/* ---- libcsv ---- */

static void on_field(void *s, size_t len, void *data) {
  rp_csv_reader *r = data;
  if (r->nf >= RP_CSV_FIELDS_MAX) {
    r->too_many = true;
    return;
  }
  if (r->buf_len + len > r->buf_cap) {
    size_t cap = r->buf_cap ? r->buf_cap : 4096;
    while (cap < r->buf_len + len)
      cap *= 2;
    r->buf = rp_xrealloc(r->buf, cap);
    r->buf_cap = cap;
  }
  if (len) memcpy(r->buf + r->buf_len, s, len);
  r->off[r->nf] = r->buf_len;
  r->buf_len += len;
  r->off[++r->nf] = r->buf_len;
}

static void clear_row(rp_csv_reader *r) {
  r->nf = 0;
  r->buf_len = 0;
  r->off[0] = 0;
  r->too_many = false;
}

static void on_row_end(int c, void *data) {
  (void)c;
  rp_csv_reader *r = data;
  row(r);
  clear_row(r);
}

/* libcsv fails only when out of memory: abort, as rp_xmalloc does. */
static void die(const char *what) {
  fprintf(stderr, "rapport: csv: %s\n", what);
  abort();
}

static void parser_start(rp_csv_reader *r) {
  if (csv_init(&r->p, 0) != 0) die("out of memory");
  csv_set_delim(&r->p, r->delim);
  r->parsing = true;
}

/* Counts the line ends of p[0..n) into r->line (CRLF is one). */
static void count_lines(rp_csv_reader *r, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\r') {
      r->line++;
      r->pending_cr = true;
    } else {
      if (p[i] == '\n' && !r->pending_cr) r->line++;
      r->pending_cr = false;
    }
  }
}

/* The length of the next piece of p[0..n): up to and with the first line
 * end, at most PIECE bytes. */
static size_t piece(const char *p, size_t n) {
  size_t max = n < PIECE ? n : PIECE;
  for (size_t i = 0; i < max; i++)
    if (p[i] == '\n' || p[i] == '\r') return i + 1;
  return max;
}

static int parse(rp_csv_reader *r, const char *p, size_t n) {
  while (n && !r->failed) {
    size_t k = piece(p, n);
    bool eol = p[k - 1] == '\n' || p[k - 1] == '\r';
    if (r->skip_to_eol) {
      count_lines(r, p, k);
      p += k, n -= k;
      if (eol) r->skip_to_eol = false;
      continue;
    }
    if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN) {
      r->row_start = r->line;
      r->row_bytes = 0;
    }
    r->row_bytes += k;
    if (csv_parse(&r->p, p, k, on_field, on_row_end, r) != k) die(csv_strerror(csv_error(&r->p)));
    count_lines(r, p, k);
    p += k, n -= k;
    if (r->failed) break;
    if (r->p.pstate != LIBCSV_ROW_NOT_BEGUN && r->row_bytes > RP_CSV_ROW_MAX) {
      r->rows++;
      report(r, r->row_start, "the row is longer than %d bytes (a quote not closed?)",
             RP_CSV_ROW_MAX);
      csv_free(&r->p);
      parser_start(r);
      clear_row(r);
      r->skip_to_eol = !eol;
    }
  }
  return r->failed;
}

/* The first line is whole: BOM, "sep=", the delimiter. */
static int start(rp_csv_reader *r) {
  const unsigned char *s = (const unsigned char *)r->sniff;
  size_t n = r->sniff_len, skip = 0;
  if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) skip = 3, r->enc = ENC_UTF8;
  size_t eol = skip;
  while (eol < n && s[eol] != '\n' && s[eol] != '\r')
    eol++;
  r->delim = ',';
  if (eol - skip == 5 && strncasecmp((const char *)s + skip, "sep=", 4) == 0) {
    r->delim = s[skip + 4];
    count_lines(r, (const char *)s + skip, eol - skip + (eol < n));
    skip = eol + (eol < n);
  } else {
    /* the most frequent of , ; TAB outside quotes (ties: that order) */
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = skip; i < eol; i++) {
      if (s[i] == '"') quoted = !quoted;
      if (quoted) continue;
      comma += s[i] == ',';
      semi += s[i] == ';';
      tab += s[i] == '\t';
    }
    if (semi > comma && semi >= tab)
      r->delim = ';';
    else if (tab > comma && tab > semi)
      r->delim = '\t';
  }
  parser_start(r);
  int rc = n > skip ? parse(r, r->sniff + skip, n - skip) : 0;
  free(r->sniff);
  r->sniff = NULL;
  r->sniff_len = r->sniff_cap = 0;
  return rc;
}

/* ---- public ---- */

rp_csv_reader *rp_csv_reader_new(const char *default_region, rp_arena *ar, rp_csv_row_fn on_row,
                                 rp_csv_error_fn on_error, void *ctx) {
  rp_csv_reader *r = rp_xcalloc(1, sizeof *r);
  snprintf(r->region, sizeof r->region, "%s", default_region ? default_region : "US");
  r->user_ar = ar;
  r->on_row = on_row;
  r->on_error = on_error;
  r->ctx = ctx;
  r->line = 1;
  r->odd = -1;
  return r;
}

/* The reader proper: UTF-8 (or CP1252) bytes. */
static int feed_bytes(rp_csv_reader *r, const char *buf, size_t len) {
  if (r->failed) return r->failed;
  while (!r->parsing && len) {
    size_t room = SNIFF_MAX - r->sniff_len, take = len < room ? len : room;
    bool whole = false;
    for (size_t i = 0; i < take; i++)
      if (buf[i] == '\n' || buf[i] == '\r') {
        take = i + 1, whole = true;
        break;
      }
    if (r->sniff_len + take > r->sniff_cap) {
      size_t cap = r->sniff_cap ? r->sniff_cap : 256;
      while (cap < r->sniff_len + take)
        cap *= 2;
      r->sniff_cap = cap < SNIFF_MAX ? cap : SNIFF_MAX;
      r->sniff = rp_xrealloc(r->sniff, r->sniff_cap);
    }
    memcpy(r->sniff + r->sniff_len, buf, take);
    r->sniff_len += take;
    buf += take, len -= take;
    if (whole || r->sniff_len == SNIFF_MAX) {
      int rc = start(r);
      if (rc) return rc;
    }
  }
  if (!len) return r->failed;
  return parse(r, buf, len);
}

/* One UTF-16 code unit into out (a surrogate pair makes one character; a
 * lone half becomes U+FFFD, as a decoder with replacement does). */
static size_t put_unit(rp_csv_reader *r, char *out, unsigned u) {
  size_t n = 0;
  if (u >= 0xDC00 && u <= 0xDFFF && r->high) {
    n = rp_utf8_put(out, 0x10000 + ((r->high - 0xD800) << 10) + (u - 0xDC00));
    r->high = 0;
    return n;
  }
  if (r->high) n += rp_utf8_put(out, 0xFFFD), r->high = 0;
  if (u >= 0xD800 && u <= 0xDBFF)
    r->high = u;
  else
    n += rp_utf8_put(out + n, u >= 0xDC00 && u <= 0xDFFF ? 0xFFFD : u);
  return n;
}

/* UTF-16 bytes (after the BOM) to the reader as UTF-8, U16_PIECE at a
 * time: at most 3 bytes of UTF-8 per 2 bytes read (4 per surrogate pair,
 * and one U+FFFD more for a lone high half). */
static int feed_utf16(rp_csv_reader *r, const unsigned char *p, size_t n) {
  if (!r->u16_out) r->u16_out = rp_xmalloc(U16_PIECE / 2 * 3 + 8);
  while (n && !r->failed) {
    size_t take = n < U16_PIECE ? n : U16_PIECE, out = 0, i = 0;
    if (r->odd >= 0) {
      unsigned u = r->u16 == U16_LE ? (unsigned)r->odd | (unsigned)p[0] << 8
                                    : (unsigned)r->odd << 8 | p[0];
      out += put_unit(r, r->u16_out + out, u);
      r->odd = -1;
      i = 1;
    }
    for (; i + 1 < take; i += 2) {
      unsigned u = r->u16 == U16_LE ? (unsigned)p[i] | (unsigned)p[i + 1] << 8
                                    : (unsigned)p[i] << 8 | p[i + 1];
      out += put_unit(r, r->u16_out + out, u);
    }
    if (i < take) r->odd = p[i];
    int rc = feed_bytes(r, r->u16_out, out);
    if (rc) return rc;
    p += take, n -= take;
  }
  return r->failed;
}

int rp_csv_reader_feed(rp_csv_reader *r, const char *buf, size_t len) {
  if (r->failed) return r->failed;
  const unsigned char *p = (const unsigned char *)buf;
  while (r->u16 == U16_UNDECIDED && len) {
    r->head[r->head_len++] = *p++, len--;
    if (r->head_len < 2) continue;
    if (r->head[0] == 0xFF && r->head[1] == 0xFE) {
      r->u16 = U16_LE;
    } else if (r->head[0] == 0xFE && r->head[1] == 0xFF) {
      r->u16 = U16_BE;
    } else {
      r->u16 = U16_NO;
      int rc = feed_bytes(r, (const char *)r->head, 2);
      if (rc) return rc;
    }
    r->enc = r->u16 == U16_NO ? r->enc : ENC_UTF8;
  }
  if (!len) return r->failed;
  return r->u16 == U16_NO ? feed_bytes(r, (const char *)p, len) : feed_utf16(r, p, len);
}

int rp_csv_reader_finish(rp_csv_reader *r) {
  if (r->failed) return r->failed;
  if (r->u16 == U16_UNDECIDED && r->head_len) {
    r->u16 = U16_NO;
    int rc = feed_bytes(r, (const char *)r->head, r->head_len);
    if (rc) return rc;
  }
  if (r->u16 == U16_LE || r->u16 == U16_BE) {
    /* a file cut inside a character ends with one U+FFFD */
    char tail[8];
    size_t n = r->odd >= 0 || r->high ? rp_utf8_put(tail, 0xFFFD) : 0;
    r->odd = -1, r->high = 0;
    int rc = n ? feed_bytes(r, tail, n) : 0;
    if (rc) return rc;
  }
  if (!r->parsing) {
    int rc = start(r);
    if (rc) return rc;
  }
  if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted) {
    if (r->have_header) {
      r->rows++;
      report(r, r->row_start, "a quoted field is not closed (a \" is missing)");
    } else {
      fatal(r, RP_EINVALID_VALUE, "line %zu: a quoted field of the header is not closed",
            r->row_start);
    }
    clear_row(r);
  } else {
    csv_fini(&r->p, on_field, on_row_end, r);
  }
  if (r->failed) return r->failed;
  if (!r->have_header) return fatal(r, RP_EINVALID_VALUE, "the file is empty (no header row)");
  return 0;
}

size_t rp_csv_reader_rows(const rp_csv_reader *r) { return r ? r->rows : 0; }

void rp_csv_reader_free(rp_csv_reader *r) {
  if (!r) return;
  if (r->parsing) csv_free(&r->p);
  for (size_t i = 0; r->names && i < r->ncols; i++)
    free(r->names[i]);
  free(r->names);
  free(r->cols);
  free(r->label_of);
  free(r->buf);
  free(r->sniff);
  free(r->u16_out);
  rp_arena_free(&r->own_ar);
  free(r);
}

/* ---- writer ---- */

static int list_count(int n) { return n <= 0 ? 3 : n > RP_CJ_LIST_MAX ? RP_CJ_LIST_MAX : n; }

static const char *const tail_columns[] = {
    "Street",
    "City",
    "Region",
    "Postal Code",
    "Country",
    "Website",
    "Social",
    "Birthday",
    "Anniversary",
    "Partner",
    "Children",
    "Pets",
    "Interests",
    "Notes",
    "Tags",
    "Source",
    "Status",
    "Stage",
    "Category",
    "Type",
    "Intent",
    "Timeframe",
    "Budget",
    "Known Since",
    "Last Purchase Date",
    "Last Sale Date",
    "Contact Interval Days",
    "SMS Opt Out",
    "Email Opt Out",
    "Custom",
};

/* One field, RFC 4180: quoted when it holds a delimiter, a quote, a line
 * end or surrounding blanks; "'" before what a spreadsheet would run. */
static void put(rp_sb *out, bool first, const char *s) {
  if (!first) rp_sb_putc(out, ',');
  if (!s || !*s) return;
  size_t n = strlen(s);
  size_t k = 0;
  while (k < n && s[k] == '\'')
    k++;
  bool guard = k < n && (s[k] == '=' || s[k] == '+' || s[k] == '-' || s[k] == '@');
  bool quote = strpbrk(s, ",\"\r\n") || is_blank(s[0]) || is_blank(s[n - 1]);
  if (quote) rp_sb_putc(out, '"');
  if (guard) rp_sb_putc(out, '\'');
  for (const char *p = s; *p; p++) {
    if (*p == '"') rp_sb_putc(out, '"');
    rp_sb_putc(out, *p);
  }
  if (quote) rp_sb_putc(out, '"');
}

void rp_csv_write_header(rp_sb *out, const rp_csv_writer *w) {
  char name[32];
  if (w->bom) rp_sb_puts(out, "\xEF\xBB\xBF");
  rp_sb_puts(out, "First Name,Last Name,Company");
  for (int i = 1; i <= list_count(w->n_emails); i++)
    rp_sb_printf(out, ",Email %d,Email %d Label", i, i);
  for (int i = 1; i <= list_count(w->n_phones); i++)
    rp_sb_printf(out, ",Phone %d,Phone %d Label", i, i);
  for (size_t i = 0; i < sizeof tail_columns / sizeof tail_columns[0]; i++) {
    snprintf(name, sizeof name, "%s", tail_columns[i]);
    put(out, false, name);
  }
  rp_sb_puts(out, "\r\n");
}

void rp_csv_write_contact(rp_sb *out, rp_csv_writer *w, const rp_contact *c) {
  char d[RP_JSON_REAL_MAX];
  rp_sb list = {0};
  put(out, true, c->first_name);
  put(out, false, c->last_name);
  put(out, false, c->company);
  size_t ne = (size_t)list_count(w->n_emails), np = (size_t)list_count(w->n_phones);
  for (size_t i = 0; i < ne; i++) {
    put(out, false, i < c->n_emails ? c->emails[i].address : NULL);
    put(out, false, i < c->n_emails ? c->emails[i].label : NULL);
  }
  for (size_t i = 0; i < np; i++) {
    put(out, false, i < c->n_phones ? c->phones[i].number : NULL);
    put(out, false, i < c->n_phones ? c->phones[i].label : NULL);
  }
  if (c->n_emails > ne) w->dropped += c->n_emails - ne;
  if (c->n_phones > np) w->dropped += c->n_phones - np;
  const rp_address *a = c->has_address ? &c->address : &(rp_address){0};
  put(out, false, a->street);
  put(out, false, a->city);
  put(out, false, a->region);
  put(out, false, a->postal_code);
  put(out, false, a->country);
  put(out, false, c->website);
  for (size_t i = 0; i < c->n_social; i++) {
    if (i) rp_sb_putc(&list, ' ');
    rp_sb_puts(&list, c->social[i]);
  }
  put(out, false, list.p);
  put(out, false, c->birthday);
  put(out, false, c->anniversary);
  put(out, false, c->partner);
  put(out, false, c->children);
  put(out, false, c->pets);
  put(out, false, c->interests);
  put(out, false, c->notes);
  rp_sb_reset(&list);
  for (size_t i = 0; i < c->n_tags; i++) {
    if (i) rp_sb_puts(&list, ", ");
    rp_sb_puts(&list, c->tags[i]);
  }
  put(out, false, list.len ? list.p : NULL);
  put(out, false, c->source);
  put(out, false, rp_status_name(c->status));
  put(out, false, rp_stage_name(c->stage));
  put(out, false, rp_category_name(c->category));
  put(out, false, rp_ctype_name(c->type));
  put(out, false, rp_intent_name(c->intent));
  put(out, false, c->timeframe);
  put(out, false, c->has_budget && rp_json_real_format(d, c->budget) ? d : NULL);
  put(out, false, c->known_since);
  put(out, false, c->last_purchase_date);
  put(out, false, c->last_sale_date);
  snprintf(d, sizeof d, "%lld", (long long)c->contact_interval_days);
  put(out, false, c->contact_interval_days > 0 ? d : NULL);
  put(out, false, c->sms_opt_out ? "yes" : NULL);
  put(out, false, c->email_opt_out ? "yes" : NULL);
  put(out, false, c->custom_json && strcmp(c->custom_json, "{}") != 0 ? c->custom_json : NULL);
  rp_sb_puts(out, "\r\n");
  rp_sb_free(&list);
}
