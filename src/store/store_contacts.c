/* store_contacts.c: contacts, their side tables (emails, phones, tags), the
 * full-text index, referral counts (DOMAIN.md C1) and the keyset-paginated
 * contact list (store.h). */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/text.h"

/* ---- columns ---- */

/* The writable fields, in the order bind_fields binds them. */
#define FIELD_COLS                                                                                 \
  "first_name, last_name, display_name, name_key, emails_json, phones_json, has_address, "         \
  "address_street, address_city, address_region, address_postal_code, address_country, "           \
  "company, website, social_json, birthday, anniversary, partner, children, pets, interests, "     \
  "notes, custom_json, status, stage, category, type, intent, timeframe, budget, tags_json, "      \
  "source, referred_by, known_since, last_purchase_date, last_sale_date, "                         \
  "contact_interval_days, sms_opt_out, email_opt_out, owner_id, status_before_client"
#define N_FIELDS 41
#define Q10 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
#define FIELD_PARAMS Q10 Q10 Q10 Q10 "?, "

#define FIELD_SETS                                                                                 \
  "first_name = ?, last_name = ?, display_name = ?, name_key = ?, emails_json = ?, "               \
  "phones_json = ?, has_address = ?, address_street = ?, address_city = ?, address_region = ?, "   \
  "address_postal_code = ?, address_country = ?, company = ?, website = ?, social_json = ?, "      \
  "birthday = ?, anniversary = ?, partner = ?, children = ?, pets = ?, interests = ?, "            \
  "notes = ?, custom_json = ?, status = ?, stage = ?, category = ?, type = ?, intent = ?, "        \
  "timeframe = ?, budget = ?, tags_json = ?, source = ?, referred_by = ?, known_since = ?, "       \
  "last_purchase_date = ?, last_sale_date = ?, contact_interval_days = ?, sms_opt_out = ?, "       \
  "email_opt_out = ?, owner_id = ?, status_before_client = ?"
/* The same without referred_by and owner_id (see rp_store_contact_update). */
#define FIELD_SETS_NOREF                                                                           \
  "first_name = ?, last_name = ?, display_name = ?, name_key = ?, emails_json = ?, "               \
  "phones_json = ?, has_address = ?, address_street = ?, address_city = ?, address_region = ?, "   \
  "address_postal_code = ?, address_country = ?, company = ?, website = ?, social_json = ?, "      \
  "birthday = ?, anniversary = ?, partner = ?, children = ?, pets = ?, interests = ?, "            \
  "notes = ?, custom_json = ?, status = ?, stage = ?, category = ?, type = ?, intent = ?, "        \
  "timeframe = ?, budget = ?, tags_json = ?, source = ?, known_since = ?, "                        \
  "last_purchase_date = ?, last_sale_date = ?, contact_interval_days = ?, sms_opt_out = ?, "       \
  "email_opt_out = ?, status_before_client = ?"

/* The kept score of contact row c (011_contact_scores.sql). */
#define SCORE_OF_C                                                                                 \
  "(SELECT cs.score FROM contact_scores cs WHERE cs.account_id = c.account_id"                     \
  " AND cs.contact_id = c.id)"

/* Every column read back, in the order read_contact reads them. */
#define READ_COLS                                                                                  \
  "c.account_id, c.id, c.version, c.first_name, c.last_name, c.display_name, c.emails_json, "      \
  "c.phones_json, c.has_address, c.address_street, c.address_city, c.address_region, "             \
  "c.address_postal_code, c.address_country, c.company, c.website, c.social_json, c.birthday, "    \
  "c.anniversary, c.partner, c.children, c.pets, c.interests, c.notes, c.custom_json, c.status, "  \
  "c.stage, c.category, c.type, c.intent, c.timeframe, c.budget, c.tags_json, c.source, "          \
  "c.referred_by, c.referral_count, c.known_since, c.last_purchase_date, c.last_sale_date, "       \
  "c.contact_interval_days, c.sms_opt_out, c.email_opt_out, c.owner_id, " SCORE_OF_C ", "          \
  "c.last_touch_at, c.overdue_at, c.created_at, c.updated_at, c.archived_at, c.name_key, "         \
  "c.status_before_client"
enum { COL_SCORE = 43, COL_TOUCH = 44, COL_CREATED = 46, COL_UPDATED = 47, COL_NAME_KEY = 49 };

/* ---- text helpers ---- */

/* Base letters of U+0100..U+017F (Latin Extended-A); '1' is "ij", '2' "oe". */
static const char latin_ext_a[] = "aaaaaacccccccc"
                                  "dddd"
                                  "eeeeeeeeee"
                                  "gggggggg"
                                  "hhhh"
                                  "iiiiiiiiii"
                                  "1"
                                  "1"
                                  "jj"
                                  "kkk"
                                  "llllllllll"
                                  "nnnnnnnnn"
                                  "oooooo"
                                  "2"
                                  "2"
                                  "rrrrrr"
                                  "ssssssss"
                                  "tttttt"
                                  "uuuuuuuuuuuu"
                                  "ww"
                                  "yyy"
                                  "zzzzzz"
                                  "s";

/* Base letters of U+00C0..U+00FF ('*' keeps the character; '1' "ae",
 * '2' "th", '3' "ss"). */
static const char latin1[] = "aaaaaa1ceeeeiiiidnooooo*ouuuuy23"
                             "aaaaaa1ceeeeiiiidnooooo*ouuuuy2y";
_Static_assert(sizeof latin_ext_a == 0x80 + 1 && sizeof latin1 == 0x40 + 1, "one per code point");

/* The sort key of a name: lower-cased, Latin diacritics folded ("Ávila" ->
 * "avila", "Dvořák" -> "dvorak"), other characters kept. */
static void fold_key(rp_sb *sb, const char *p) {
  const unsigned char *u = (const unsigned char *)p;
  while (u && *u) {
    unsigned c = u[0];
    if (c < 0x80) {
      rp_sb_putc(sb, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      u++;
      continue;
    }
    if ((c & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80) {
      unsigned cp = (c & 0x1f) << 6 | (u[1] & 0x3f);
      char m = 0;
      if (cp >= 0xc0 && cp <= 0xff) m = latin1[cp - 0xc0];
      if (cp >= 0x100 && cp <= 0x17f) m = latin_ext_a[cp - 0x100];
      if (m && m != '*') {
        if (m == '1')
          rp_sb_puts(sb, cp < 0x100 ? "ae" : "ij");
        else if (m == '2')
          rp_sb_puts(sb, cp < 0x100 ? "th" : "oe");
        else if (m == '3')
          rp_sb_puts(sb, "ss");
        else
          rp_sb_putc(sb, m);
        u += 2;
        continue;
      }
    }
    rp_sb_putc(sb, (char)*u++);
  }
}

/* Length of the E.164 country calling code of digits (after the '+'):
 * 1 for zones 1 and 7, 2 for the assigned two-digit codes, else 3. */
static size_t country_code_len(const char *d) {
  if (d[0] == '1' || d[0] == '7') return 1;
  static const char *const two = "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 "
                                 "53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 "
                                 "93 94 95 98";
  if (!d[0] || !d[1]) return 1;
  for (const char *t = two; *t; t += 3)
    if (t[0] == d[0] && t[1] == d[1]) return 2;
  return 3;
}

/* Appends the searchable forms of an E.164 number: its digits with the
 * country code ("15551234567") and without ("5551234567"). */
static void phone_terms(rp_sb *sb, const char *number) {
  if (!number) return;
  const char *d = number[0] == '+' ? number + 1 : number;
  rp_sb_puts(sb, d);
  size_t cc = country_code_len(d);
  if (strlen(d) > cc + 3) {
    rp_sb_putc(sb, ' ');
    rp_sb_puts(sb, d + cc);
  }
  rp_sb_putc(sb, ' ');
}

/* Decodes one UTF-8 character of p (at most n bytes); *len gets its
 * length; invalid bytes read as U+FFFD of length 1. */
static unsigned utf8_next(const unsigned char *p, size_t n, size_t *len) {
  unsigned c = p[0];
  size_t k = c < 0x80             ? 1
             : (c & 0xe0) == 0xc0 ? 2
             : (c & 0xf0) == 0xe0 ? 3
             : (c & 0xf8) == 0xf0 ? 4
                                  : 0;
  if (k == 0 || k > n) {
    *len = 1;
    return 0xfffd;
  }
  unsigned cp = k == 1 ? c : k == 2 ? (c & 0x1f) : k == 3 ? (c & 0x0f) : (c & 0x07);
  for (size_t i = 1; i < k; i++) {
    if ((p[i] & 0xc0) != 0x80) {
      *len = 1;
      return 0xfffd;
    }
    cp = cp << 6 | (p[i] & 0x3f);
  }
  *len = k;
  return cp;
}

/* Whether a character separates search tokens (as unicode61 splits: ASCII
 * other than letters and digits, and the common Unicode spaces, punctuation
 * and symbols). */
static bool is_separator(unsigned cp) {
  if (cp < 0x80)
    return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
  if (cp >= 0x80 && cp <= 0xbf) return cp != 0xaa && cp != 0xb5 && cp != 0xba;
  if (cp == 0xd7 || cp == 0xf7 || cp == 0xfffd) return true;
  if (cp >= 0x2000 && cp <= 0x206f) return true;   /* general punctuation */
  if (cp >= 0x20a0 && cp <= 0x20cf) return true;   /* currency */
  if (cp >= 0x2190 && cp <= 0x2bff) return true;   /* arrows, symbols, dingbats */
  if (cp >= 0x3000 && cp <= 0x303f) return true;   /* CJK punctuation */
  if (cp >= 0xfe00 && cp <= 0xfe0f) return true;   /* variation selectors */
  if (cp >= 0x1f000 && cp <= 0x1faff) return true; /* emoji */
  if (cp >= 0xff00 && cp <= 0xff0f) return true;
  return false;
}

#define MAX_TERMS 16
#define MAX_TERM_BYTES 64

/* Turns the user's q into a full-text query that is never query syntax:
 * each token (split like unicode61 does) quoted, as a prefix, ANDed. For
 * FTS5: `Dvořák, Ant` -> `"Dvořák"* AND "Ant"*`; for PostgreSQL's
 * to_tsquery: `'Dvořák':* & 'Ant':*`. Returns how many tokens. */
static int fts_query(rp_sb *out, const char *q, bool pg) {
  const unsigned char *p = (const unsigned char *)q;
  size_t n = strlen(q), i = 0;
  int terms = 0;
  while (i < n && terms < MAX_TERMS) {
    size_t len;
    unsigned cp = utf8_next(p + i, n - i, &len);
    if (is_separator(cp)) {
      i += len;
      continue;
    }
    size_t start = i;
    while (i < n) {
      cp = utf8_next(p + i, n - i, &len);
      if (is_separator(cp)) break;
      i += len;
    }
    size_t tl = i - start;
    if (tl > MAX_TERM_BYTES) continue; /* nothing real is that long */
    if (terms++) rp_sb_puts(out, pg ? " & " : " AND ");
    char quote = pg ? '\'' : '"';
    rp_sb_putc(out, quote);
    for (size_t k = start; k < start + tl; k++) {
      if (p[k] == (unsigned char)quote) rp_sb_putc(out, quote);
      if (pg && p[k] == '\\') rp_sb_putc(out, '\\');
      rp_sb_putc(out, (char)p[k]);
    }
    rp_sb_puts(out, pg ? "':*" : "\"*");
  }
  return terms;
}

/* ---- encoding the contact ---- */

typedef struct {
  char *emails, *phones, *social, *tags; /* JSON text, malloc'd by jansson */
  rp_sb name_key;
  rp_sb fts_names, fts_emails, fts_phones, fts_tags;
} contact_enc;

static void enc_free(contact_enc *e) {
  free(e->emails);
  free(e->phones);
  free(e->social);
  free(e->tags);
  rp_sb_free(&e->name_key);
  rp_sb_free(&e->fts_names);
  rp_sb_free(&e->fts_emails);
  rp_sb_free(&e->fts_phones);
  rp_sb_free(&e->fts_tags);
}

/* The array columns are written here directly, as the compact JSON
 * jansson's json_dumps gave for the same values (members in order, the
 * escapes \" \\ \b \f \n \r \t and \u00XX), without building a jansson
 * tree for each: a bulk insert writes two or three of them per contact. */

/* Appends s as a JSON string, or null for NULL; false when s is not UTF-8. */
static bool enc_str(rp_sb *sb, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  if (!s) {
    rp_sb_puts(sb, "null");
    return true;
  }
  size_t n = strlen(s);
  if (!rp_utf8_valid(s, n)) return false;
  rp_sb_putc(sb, '"');
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    rp_sb_append(sb, s + start, i - start);
    start = i + 1;
    switch (c) {
    case '"': rp_sb_puts(sb, "\\\""); break;
    case '\\': rp_sb_puts(sb, "\\\\"); break;
    case '\b': rp_sb_puts(sb, "\\b"); break;
    case '\f': rp_sb_puts(sb, "\\f"); break;
    case '\n': rp_sb_puts(sb, "\\n"); break;
    case '\r': rp_sb_puts(sb, "\\r"); break;
    case '\t': rp_sb_puts(sb, "\\t"); break;
    default: {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      rp_sb_append(sb, e, 6);
    }
    }
  }
  rp_sb_append(sb, s + start, n - start);
  rp_sb_putc(sb, '"');
  return true;
}

static int enc_invalid(rp_sb *sb, const char *field, size_t i) {
  rp_sb_free(sb);
  char path[64];
  snprintf(path, sizeof path, "%s[%zu]", field, i);
  return rp_error_set(RP_EINVALID_VALUE, path, "not valid UTF-8");
}

/* Encodes n structs of `stride` bytes at base as [{k1: .., k2: ..}], the
 * two strings at offsets o1 and o2 of each struct. *out is malloc'd. */
static int enc_pairs(char **out, const char *field, const char *k1, const char *k2,
                     const void *base, size_t o1, size_t o2, size_t n, size_t stride) {
  rp_sb sb = {0};
  rp_sb_putc(&sb, '[');
  for (size_t i = 0; i < n; i++) {
    const char *item = (const char *)base + i * stride;
    const char *v1, *v2;
    memcpy(&v1, item + o1, sizeof v1);
    memcpy(&v2, item + o2, sizeof v2);
    rp_sb_printf(&sb, "%s{\"%s\":", i ? "," : "", k1);
    if (!enc_str(&sb, v1)) return enc_invalid(&sb, field, i);
    rp_sb_printf(&sb, ",\"%s\":", k2);
    if (!enc_str(&sb, v2)) return enc_invalid(&sb, field, i);
    rp_sb_putc(&sb, '}');
  }
  rp_sb_putc(&sb, ']');
  *out = rp_sb_take(&sb);
  return 0;
}

static int enc_strings(char **out, const char *field, const char *const *v, size_t n) {
  rp_sb sb = {0};
  rp_sb_putc(&sb, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) rp_sb_putc(&sb, ',');
    if (!enc_str(&sb, v[i])) return enc_invalid(&sb, field, i);
  }
  rp_sb_putc(&sb, ']');
  *out = rp_sb_take(&sb);
  return 0;
}

static void sb_word(rp_sb *sb, const char *s) {
  if (!s || !*s) return;
  rp_sb_puts(sb, s);
  rp_sb_putc(sb, ' ');
}

/* Builds the JSON columns, the sort key and the search text of c. */
static int encode_contact(contact_enc *e, const rp_contact *c) {
  int rc;
  memset(e, 0, sizeof *e);
  if ((rc = enc_pairs(&e->emails, "emails", "address", "label", c->emails,
                      offsetof(rp_email, address), offsetof(rp_email, label),
                      c->emails ? c->n_emails : 0, sizeof(rp_email))))
    return rc;
  if ((rc =
           enc_pairs(&e->phones, "phones", "number", "label", c->phones, offsetof(rp_phone, number),
                     offsetof(rp_phone, label), c->phones ? c->n_phones : 0, sizeof(rp_phone))))
    return rc;
  if ((rc = enc_strings(&e->social, "social", c->social, c->social ? c->n_social : 0))) return rc;
  if ((rc = enc_strings(&e->tags, "tags", c->tags, c->tags ? c->n_tags : 0))) return rc;
  if (!e->emails || !e->phones || !e->social || !e->tags)
    return rp_error_set(RP_EINTERNAL, NULL, "cannot encode contact");
  const char *key = c->last_name && *c->last_name ? c->last_name : c->display_name;
  fold_key(&e->name_key, key ? key : "");
  sb_word(&e->fts_names, c->display_name);
  sb_word(&e->fts_names, c->first_name);
  sb_word(&e->fts_names, c->last_name);
  for (size_t i = 0; c->emails && i < c->n_emails; i++)
    sb_word(&e->fts_emails, c->emails[i].address);
  for (size_t i = 0; c->phones && i < c->n_phones; i++) {
    sb_word(&e->fts_phones, c->phones[i].number);
    phone_terms(&e->fts_phones, c->phones[i].number);
  }
  for (size_t i = 0; c->tags && i < c->n_tags; i++)
    sb_word(&e->fts_tags, c->tags[i]);
  return 0;
}

static void bind_bool(rp_stmt *st, int i, bool v) { rp_bind_int(st, i, v ? 1 : 0); }

/* Binds the N_FIELDS writable fields from parameter `at` on (N_FIELDS - 2
 * without referred_by and owner_id when refs is false); returns the next
 * parameter's index. */
static int bind_fields(rp_stmt *st, int at, const rp_contact *c, const contact_enc *e,
                       bool refs) {
  int i = at;
  rp_bind_text(st, i++, c->first_name);
  rp_bind_text(st, i++, c->last_name);
  rp_bind_text(st, i++, c->display_name);
  rp_bind_text(st, i++, rp_sb_str(&e->name_key));
  rp_bind_text(st, i++, e->emails);
  rp_bind_text(st, i++, e->phones);
  bind_bool(st, i++, c->has_address);
  const rp_address *a = &c->address;
  bool h = c->has_address;
  rp_bind_text(st, i++, h ? a->street : NULL);
  rp_bind_text(st, i++, h ? a->city : NULL);
  rp_bind_text(st, i++, h ? a->region : NULL);
  rp_bind_text(st, i++, h ? a->postal_code : NULL);
  rp_bind_text(st, i++, h ? a->country : NULL);
  rp_bind_text(st, i++, c->company);
  rp_bind_text(st, i++, c->website);
  rp_bind_text(st, i++, e->social);
  rp_bind_text(st, i++, c->birthday);
  rp_bind_text(st, i++, c->anniversary);
  rp_bind_text(st, i++, c->partner);
  rp_bind_text(st, i++, c->children);
  rp_bind_text(st, i++, c->pets);
  rp_bind_text(st, i++, c->interests);
  rp_bind_text(st, i++, c->notes);
  rp_bind_text(st, i++, c->custom_json ? c->custom_json : "{}");
  rp_bind_text(st, i++, rp_status_name(c->status));
  rp_bind_text(st, i++, rp_stage_name(c->stage));
  rp_bind_text(st, i++, rp_category_name(c->category));
  rp_bind_text(st, i++, rp_ctype_name(c->type));
  rp_bind_text(st, i++, rp_intent_name(c->intent));
  rp_bind_text(st, i++, c->timeframe);
  if (c->has_budget)
    rp_bind_double(st, i++, c->budget);
  else
    rp_bind_null(st, i++);
  rp_bind_text(st, i++, e->tags);
  rp_bind_text(st, i++, c->source);
  if (refs) rp_bind_id(st, i++, c->referred_by);
  rp_bind_text(st, i++, c->known_since);
  rp_bind_text(st, i++, c->last_purchase_date);
  rp_bind_text(st, i++, c->last_sale_date);
  rp_bind_int64(st, i++, c->contact_interval_days);
  bind_bool(st, i++, c->sms_opt_out);
  bind_bool(st, i++, c->email_opt_out);
  if (refs) rp_bind_id(st, i++, c->owner_id);
  rp_bind_text(st, i++, rp_status_name(c->status_before_client));
  return i;
}

/* ---- decoding ---- */

static const char *jdup(rp_arena *ar, json_t *v) {
  return json_is_string(v) ? rp_arena_strndup(ar, json_string_value(v), json_string_length(v))
                           : NULL;
}

/* decode_pairs fills the two strings of rp_email / rp_phone as an array */
_Static_assert(offsetof(rp_email, label) == sizeof(char *) &&
                   offsetof(rp_phone, label) == sizeof(char *) &&
                   sizeof(rp_email) == 2 * sizeof(char *) && sizeof(rp_phone) == 2 * sizeof(char *),
               "two string pointers");

/* The fast path of the array columns. They hold what encode_contact wrote
 * (json_dumps of an array of strings, or of {k1, k2} objects of strings or
 * nulls), so reading a contact need not build and free a jansson tree for
 * each. The scanner below takes only that plain shape, with strings
 * without escapes; anything else (an escape, a number, a nested value,
 * more than FAST_MAX items, malformed text) makes it give up, and the
 * column is read by jansson as before, so both paths give the same
 * result. */
#define FAST_MAX 128

typedef struct {
  const char *p, *e;
} scan;

static void sc_ws(scan *c) {
  while (c->p < c->e && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static bool sc_char(scan *c, char ch) {
  sc_ws(c);
  if (c->p < c->e && *c->p == ch) {
    c->p++;
    return true;
  }
  return false;
}

/* A string without escapes; *s and *n point into the column text. */
static bool sc_str(scan *c, const char **s, size_t *n) {
  sc_ws(c);
  if (c->p >= c->e || *c->p != '"') return false;
  const char *b = ++c->p;
  bool high = false;
  while (c->p < c->e && *c->p != '"') {
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '\\' || ch < 0x20) return false;
    if (ch >= 0x80) high = true;
    c->p++;
  }
  if (c->p >= c->e) return false;
  *s = b;
  *n = (size_t)(c->p - b);
  c->p++;
  return !high || rp_utf8_valid(b, *n);
}

/* A string (*s set) or null (*s NULL). */
static bool sc_str_or_null(scan *c, const char **s, size_t *n) {
  sc_ws(c);
  if (c->e - c->p >= 4 && memcmp(c->p, "null", 4) == 0) {
    c->p += 4;
    *s = NULL;
    *n = 0;
    return true;
  }
  return sc_str(c, s, n);
}

static bool sc_end(scan *c) {
  sc_ws(c);
  return c->p == c->e;
}

static bool key_is(const char *s, size_t n, const char *k) {
  return strlen(k) == n && memcmp(s, k, n) == 0;
}

static bool fast_pairs(const char *text, size_t len, rp_arena *ar, const char *k1, const char *k2,
                       void **items, size_t *n, size_t size) {
  scan c = {text, text + len};
  const char *v[FAST_MAX][2];
  size_t vl[FAST_MAX][2], count = 0;
  if (!sc_char(&c, '[')) return false;
  if (!sc_char(&c, ']')) {
    do {
      if (count == FAST_MAX || !sc_char(&c, '{')) return false;
      v[count][0] = v[count][1] = NULL;
      if (!sc_char(&c, '}')) {
        do {
          const char *k, *s;
          size_t kl, sl;
          if (!sc_str(&c, &k, &kl) || !sc_char(&c, ':') || !sc_str_or_null(&c, &s, &sl))
            return false;
          int slot = key_is(k, kl, k1) ? 0 : key_is(k, kl, k2) ? 1 : -1;
          if (slot >= 0) v[count][slot] = s, vl[count][slot] = sl;
        } while (sc_char(&c, ','));
        if (!sc_char(&c, '}')) return false;
      }
      count++;
    } while (sc_char(&c, ','));
    if (!sc_char(&c, ']')) return false;
  }
  if (!sc_end(&c)) return false;
  *items = NULL;
  *n = count;
  if (!count) return true;
  char *base = rp_arena_alloc(ar, count * size);
  for (size_t i = 0; i < count; i++) {
    const char **slot = (const char **)(base + i * size);
    for (int k = 0; k < 2; k++)
      slot[k] = v[i][k] ? rp_arena_strndup(ar, v[i][k], vl[i][k]) : NULL;
  }
  *items = base;
  return true;
}

static bool fast_strings(const char *text, size_t len, rp_arena *ar, const char ***items,
                         size_t *n) {
  scan c = {text, text + len};
  const char *v[FAST_MAX];
  size_t vl[FAST_MAX], count = 0;
  if (!sc_char(&c, '[')) return false;
  if (!sc_char(&c, ']')) {
    do {
      if (count == FAST_MAX || !sc_str(&c, &v[count], &vl[count])) return false;
      count++;
    } while (sc_char(&c, ','));
    if (!sc_char(&c, ']')) return false;
  }
  if (!sc_end(&c)) return false;
  *items = NULL;
  *n = count;
  if (!count) return true;
  const char **out = rp_arena_alloc(ar, count * sizeof *out);
  for (size_t i = 0; i < count; i++)
    out[i] = rp_arena_strndup(ar, v[i], vl[i]);
  *items = out;
  return true;
}

static void decode_pairs(rp_stmt *st, int col, rp_arena *ar, const char *k1, const char *k2,
                         void **items, size_t *n, size_t size) {
  *items = NULL;
  *n = 0;
  const char *text = (const char *)rp_col_str(st, col);
  if (!text) return;
  size_t len = (size_t)rp_col_bytes(st, col);
  if (fast_pairs(text, len, ar, k1, k2, items, n, size)) return;
  *items = NULL;
  *n = 0;
  json_t *arr = json_loadb(text, len, 0, NULL);
  size_t count = json_is_array(arr) ? json_array_size(arr) : 0;
  if (count) {
    char *base = rp_arena_calloc(ar, count * size);
    for (size_t i = 0; i < count; i++) {
      json_t *o = json_array_get(arr, i);
      const char **slot = (const char **)(base + i * size);
      slot[0] = jdup(ar, json_object_get(o, k1));
      slot[1] = jdup(ar, json_object_get(o, k2));
    }
    *items = base;
    *n = count;
  }
  json_decref(arr);
}

static void decode_strings(rp_stmt *st, int col, rp_arena *ar, const char ***items,
                           size_t *n) {
  *items = NULL;
  *n = 0;
  const char *text = (const char *)rp_col_str(st, col);
  if (!text) return;
  size_t len = (size_t)rp_col_bytes(st, col);
  if (fast_strings(text, len, ar, items, n)) return;
  *items = NULL;
  *n = 0;
  json_t *arr = json_loadb(text, len, 0, NULL);
  size_t count = json_is_array(arr) ? json_array_size(arr) : 0;
  if (count) {
    const char **v = rp_arena_calloc(ar, count * sizeof *v);
    for (size_t i = 0; i < count; i++)
      v[i] = jdup(ar, json_array_get(arr, i));
    *items = v;
    *n = count;
  }
  json_decref(arr);
}

/* Fills c from a row of READ_COLS; overdue compares overdue_at with now. */
static void read_contact(rp_stmt *st, rp_arena *ar, rp_contact *c, rp_time now) {
  memset(c, 0, sizeof *c);
  rp_col_id(st, 0, c->account_id);
  rp_col_id(st, 1, c->id);
  c->version = rp_col_int64(st, 2);
  c->first_name = rp_col_text(st, 3, ar);
  c->last_name = rp_col_text(st, 4, ar);
  c->display_name = rp_col_text(st, 5, ar);
  void *items;
  decode_pairs(st, 6, ar, "address", "label", &items, &c->n_emails, sizeof(rp_email));
  c->emails = items;
  decode_pairs(st, 7, ar, "number", "label", &items, &c->n_phones, sizeof(rp_phone));
  c->phones = items;
  c->has_address = rp_col_int(st, 8) != 0;
  c->address.street = rp_col_text(st, 9, ar);
  c->address.city = rp_col_text(st, 10, ar);
  c->address.region = rp_col_text(st, 11, ar);
  c->address.postal_code = rp_col_text(st, 12, ar);
  c->address.country = rp_col_text(st, 13, ar);
  c->company = rp_col_text(st, 14, ar);
  c->website = rp_col_text(st, 15, ar);
  decode_strings(st, 16, ar, &c->social, &c->n_social);
  c->birthday = rp_col_text(st, 17, ar);
  c->anniversary = rp_col_text(st, 18, ar);
  c->partner = rp_col_text(st, 19, ar);
  c->children = rp_col_text(st, 20, ar);
  c->pets = rp_col_text(st, 21, ar);
  c->interests = rp_col_text(st, 22, ar);
  c->notes = rp_col_text(st, 23, ar);
  c->custom_json = rp_col_text(st, 24, ar);
  rp_status status = RP_STATUS_NONE;
  rp_status_parse(&status, (const char *)rp_col_str(st, 25));
  c->status = status;
  rp_stage stage = RP_STAGE_NONE;
  rp_stage_parse(&stage, (const char *)rp_col_str(st, 26));
  c->stage = stage;
  rp_category category = RP_CATEGORY_NONE;
  rp_category_parse(&category, (const char *)rp_col_str(st, 27));
  c->category = category;
  rp_ctype type = RP_TYPE_CLIENT;
  rp_ctype_parse(&type, (const char *)rp_col_str(st, 28));
  c->type = type;
  rp_intent intent = RP_INTENT_NONE;
  rp_intent_parse(&intent, (const char *)rp_col_str(st, 29));
  c->intent = intent;
  c->timeframe = rp_col_text(st, 30, ar);
  c->has_budget = rp_col_type(st, 31) != RP_NULL;
  c->budget = c->has_budget ? rp_col_double(st, 31) : 0;
  decode_strings(st, 32, ar, &c->tags, &c->n_tags);
  c->source = rp_col_text(st, 33, ar);
  c->referred_by = rp_col_id_dup(st, 34, ar);
  c->referral_count = rp_col_int64(st, 35);
  c->known_since = rp_col_text(st, 36, ar);
  c->last_purchase_date = rp_col_text(st, 37, ar);
  c->last_sale_date = rp_col_text(st, 38, ar);
  c->contact_interval_days = rp_col_int64(st, 39);
  c->sms_opt_out = rp_col_int(st, 40) != 0;
  c->email_opt_out = rp_col_int(st, 41) != 0;
  c->owner_id = rp_col_id_dup(st, 42, ar);
  c->score = rp_col_double(st, 43);
  c->last_touch_at = rp_col_int64(st, 44);
  rp_time overdue_at = rp_col_int64(st, 45);
  c->overdue = overdue_at != 0 && overdue_at <= now;
  c->created_at = rp_col_int64(st, 46);
  c->updated_at = rp_col_int64(st, 47);
  c->archived_at = rp_col_int64(st, 48);
  rp_status before = RP_STATUS_NONE;
  rp_status_parse(&before, (const char *)rp_col_str(st, 50));
  c->status_before_client = before;
}

/* ---- small queries ---- */

typedef struct {
  bool found;
  int64_t seq, version;
  bool archived;
  char referred_by[RP_ID_LEN]; /* "" when none */
} contact_head;

static int get_head(rp_store *s, const char *account_id, const char *id, contact_head *h) {
  memset(h, 0, sizeof *h);
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CONTACT_HEAD,
                                 "SELECT seq, version, archived, referred_by FROM contacts"
                                 " WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) {
    h->found = true;
    h->seq = rp_col_int64(st, 0);
    h->version = rp_col_int64(st, 1);
    h->archived = rp_col_int(st, 2) != 0;
    rp_col_id(st, 3, h->referred_by);
  } else if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
  }
  rp_sql_done(st);
  return ret;
}

static int contact_exists(rp_store *s, const char *account_id, const char *id, bool *out) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CONTACT_EXISTS,
                                 "SELECT 1 FROM contacts WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st);
  *out = rc == RP_ROW;
  int ret = (rc == RP_ROW || rc == RP_DONE) ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* DOMAIN.md C1: referral_count of X = the account's non-archived contacts
 * whose referred_by is X. Recomputed, never incremented, so it stays exact. */
static int recount_referrals(rp_store *s, const char *account_id, const char *id) {
  if (!id || !id[0]) return 0;
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_CONTACT_REFCOUNT,
                  "UPDATE contacts SET referral_count = (SELECT count(*) FROM contacts r"
                  " WHERE r.account_id = ?1 AND r.referred_by = ?2 AND r.archived = 0)"
                  " WHERE account_id = ?1 AND id = ?2");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  return rp_sql_run(s, st, NULL);
}

/* Checks that referred_by and owner_id name a contact / user of the account
 * (and that a contact does not refer itself). */
static int check_refs(rp_store *s, const rp_contact *c) {
  int ret;
  if (c->referred_by) {
    if (!strcmp(c->referred_by, c->id))
      return rp_error_set(RP_EINVALID_VALUE, "referred_by", "a contact cannot refer itself");
    bool ok = false;
    if ((ret = contact_exists(s, c->account_id, c->referred_by, &ok))) return ret;
    if (!ok) return rp_error_set(RP_ENOTFOUND, "referred_by", "no such contact");
  }
  if (c->owner_id) {
    bool ok = false;
    if ((ret = rp_sql_user_exists(s, c->account_id, c->owner_id, &ok))) return ret;
    if (!ok) return rp_error_set(RP_ENOTFOUND, "owner_id", "no such user");
  }
  return 0;
}

/* ---- the search index ----
 * SQLite: the FTS5 table contacts_fts (rowid = contacts.seq) and a MATCH
 * query (fts_query). PostgreSQL: the table contacts_fts (account_id, seq,
 * the same six columns and doc, their tsvector of the unaccented text)
 * and `doc @@ to_tsquery(...)` of the same terms as quoted prefixes. */
#define FTS_SEQS_LITE "SELECT rowid AS seq FROM contacts_fts WHERE contacts_fts MATCH ?"
#define FTS_SEQS_PG                                                                                \
  "SELECT seq FROM contacts_fts WHERE account_id = ? AND doc @@ to_tsquery('simple', rp_unaccent(?))"
#define FTS_SEQS(pg) ((pg) ? FTS_SEQS_PG : FTS_SEQS_LITE)
/* ... or the contact has the phone number q names */
#define PHONE_OR                                                                                   \
  " OR c.id IN (SELECT p.contact_id FROM contact_phones p"                                         \
  " WHERE p.account_id = ? AND p.number = ?))"

/* ---- the search index's writes ---- */

/* FTS5 keeps the terms a transaction writes in memory, but only while the
 * rowids come in increasing order: a write to a lower rowid than the last
 * one (updating or purging an older contact, after a newer one was
 * written) first flushes them to disk as a new segment, which later
 * merges must fold in again. A bulk job that updates contacts in time
 * order (the demo replays events) then pays a flush and merge for nearly
 * every update. So inside a transaction opened with rp_store_begin, the
 * search-index writes are queued, and rp_sql_fts_flush applies them in
 * rowid order: at commit, and before any query reads the search index
 * (so the transaction still sees its own writes). Outside one, a write
 * goes straight to the index. */

static int fts_delete(rp_store *s, const char *account_id, int64_t seq) {
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_FTS_DELETE,
                  rp_sql_pg(s) ? "DELETE FROM contacts_fts WHERE account_id = ?2 AND seq = ?1"
                               : "DELETE FROM contacts_fts WHERE rowid = ?1");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, seq);
  if (rp_sql_pg(s)) rp_bind_id(st, 2, account_id);
  return rp_sql_run(s, st, NULL);
}

static int fts_insert(rp_store *s, const char *account_id, int64_t seq,
                      const char *const text[RP_FTS_COLS]) {
  rp_stmt *st = rp_sql_stmt(
      s, RP_ST_FTS_INSERT,
      rp_sql_pg(s) ? "INSERT INTO contacts_fts (seq, names, emails, phones, company, notes, tags,"
                     " account_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                   : "INSERT INTO contacts_fts (rowid, names, emails, phones, company,"
                     " notes, tags) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, seq);
  if (rp_sql_pg(s)) rp_bind_id(st, 8, account_id);
  for (int k = 0; k < RP_FTS_COLS; k++)
    rp_bind_text(st, 2 + k, text[k]);
  return rp_sql_run(s, st, NULL);
}

static void fts_op_free(rp_fts_op *op) {
  for (int k = 0; k < RP_FTS_COLS; k++)
    free(op->text[k]);
}

/* Deletes the search entry of seq (text NULL) or writes text as its new
 * one (the old one must have been deleted first, as drop_index does). */
static int fts_op(rp_store *s, const char *account_id, int64_t seq,
                  const char *const text[RP_FTS_COLS]) {
  if (!s->in_tx) return text ? fts_insert(s, account_id, seq, text) : fts_delete(s, account_id, seq);
  if (s->n_fts == s->cap_fts) {
    s->cap_fts = s->cap_fts ? s->cap_fts * 2 : 64;
    s->fts = rp_xrealloc(s->fts, s->cap_fts * sizeof *s->fts);
  }
  rp_fts_op *op = &s->fts[s->n_fts];
  memset(op, 0, sizeof *op);
  op->seq = seq;
  rp_id_copy(op->account_id, account_id);
  op->order = s->n_fts++;
  op->put = text != NULL;
  for (int k = 0; text && k < RP_FTS_COLS; k++)
    op->text[k] = text[k] ? rp_xstrdup(text[k]) : NULL;
  return 0;
}

static int fts_op_cmp(const void *a, const void *b) {
  const rp_fts_op *x = a, *y = b;
  if (x->seq != y->seq) return x->seq < y->seq ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

void rp_sql_fts_clear(rp_store *s) {
  for (size_t i = 0; i < s->n_fts; i++)
    fts_op_free(&s->fts[i]);
  s->n_fts = 0;
}

/* Applies the queued writes in rowid order. Of a rowid's writes in queue
 * order, the first says whether the entry existed before (a delete comes
 * first) and the last what it becomes (written, or gone). */
int rp_sql_fts_flush(rp_store *s) {
  int ret = 0;
  if (!s->n_fts) return 0;
  qsort(s->fts, s->n_fts, sizeof *s->fts, fts_op_cmp);
  for (size_t i = 0; i < s->n_fts && !ret;) {
    size_t j = i;
    while (j + 1 < s->n_fts && s->fts[j + 1].seq == s->fts[i].seq)
      j++;
    if (!s->fts[i].put) ret = fts_delete(s, s->fts[i].account_id, s->fts[i].seq);
    if (!ret && s->fts[j].put)
      ret = fts_insert(s, s->fts[j].account_id, s->fts[j].seq,
                       (const char *const *)s->fts[j].text);
    i = j + 1;
  }
  rp_sql_fts_clear(s);
  return ret;
}

/* The parts of a contact's index: its side-table rows and search entry. */
enum { IX_EMAILS = 1, IX_PHONES = 2, IX_TAGS = 4, IX_FTS = 8, IX_ALL = 15 };

/* Deletes the parts in `parts` of a contact's index. */
static int drop_index(rp_store *s, const char *account_id, const char *id, int64_t seq, int parts) {
  static const struct {
    int part;
    rp_stmt_id slot;
    const char *sql;
  } dels[] = {
      {IX_EMAILS, RP_ST_EMAIL_DELETE,
       "DELETE FROM contact_emails WHERE account_id = ? AND contact_id = ?"},
      {IX_PHONES, RP_ST_PHONE_DELETE,
       "DELETE FROM contact_phones WHERE account_id = ? AND contact_id = ?"},
      {IX_TAGS, RP_ST_TAG_DELETE,
       "DELETE FROM contact_tags WHERE account_id = ? AND contact_id = ?"},
  };
  int ret;
  for (size_t i = 0; i < sizeof dels / sizeof dels[0]; i++) {
    if (!(parts & dels[i].part)) continue;
    rp_stmt *st = rp_sql_stmt(s, dels[i].slot, dels[i].sql);
    if (!st) return rp_error_last()->code;
    rp_bind_id(st, 1, account_id);
    rp_bind_id(st, 2, id);
    if ((ret = rp_sql_run(s, st, NULL))) return ret;
  }
  return parts & IX_FTS ? fts_op(s, account_id, seq, NULL) : 0;
}

static int side_insert(rp_store *s, rp_stmt_id slot, const char *sql, const char *account_id,
                       const char *id, const char *value) {
  rp_stmt *st = rp_sql_stmt(s, slot, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  rp_bind_text(st, 3, value);
  return rp_sql_run(s, st, NULL);
}

/* Writes the parts in `parts` of c's index (its search entry at seq). */
static int write_index(rp_store *s, const rp_contact *c, const contact_enc *e, int64_t seq,
                       int parts) {
  int ret = 0;
  rp_sb key = {0};
  for (size_t i = 0; (parts & IX_EMAILS) && c->emails && i < c->n_emails; i++) {
    if (!c->emails[i].address) continue;
    rp_sb_reset(&key);
    rp_sb_lower(&key, c->emails[i].address);
    if ((ret = side_insert(s, RP_ST_EMAIL_INSERT,
                           "INSERT OR IGNORE INTO contact_emails (account_id, contact_id,"
                           " address_key) VALUES (?, ?, ?)",
                           c->account_id, c->id, rp_sb_str(&key))))
      goto cleanup;
  }
  for (size_t i = 0; (parts & IX_PHONES) && c->phones && i < c->n_phones; i++) {
    if (!c->phones[i].number) continue;
    if ((ret = side_insert(s, RP_ST_PHONE_INSERT,
                           "INSERT OR IGNORE INTO contact_phones (account_id, contact_id, number)"
                           " VALUES (?, ?, ?)",
                           c->account_id, c->id, c->phones[i].number)))
      goto cleanup;
  }
  for (size_t i = 0; (parts & IX_TAGS) && c->tags && i < c->n_tags; i++) {
    if (!c->tags[i]) continue;
    if ((ret = side_insert(s, RP_ST_TAG_INSERT,
                           "INSERT OR IGNORE INTO contact_tags (account_id, contact_id, tag)"
                           " VALUES (?, ?, ?)",
                           c->account_id, c->id, c->tags[i])))
      goto cleanup;
  }
  if (parts & IX_FTS) {
    const char *text[RP_FTS_COLS] = {rp_sb_str(&e->fts_names),
                                     rp_sb_str(&e->fts_emails),
                                     rp_sb_str(&e->fts_phones),
                                     c->company,
                                     c->notes,
                                     rp_sb_str(&e->fts_tags)};
    ret = fts_op(s, c->account_id, seq, text);
  }
cleanup:
  rp_sb_free(&key);
  return ret;
}

/* What an update finds of the stored contact: its head, and which parts of
 * its index the new values leave stale. */
typedef struct {
  bool found;
  int64_t seq, version;
  char referred_by[RP_ID_LEN]; /* "" when none */
  bool refs_same;              /* referred_by and owner_id unchanged */
  int stale;                   /* IX_* parts to rewrite */
} update_head;

/* Whether column i holds exactly v (NULL matching NULL). */
static bool col_is(rp_stmt *st, int i, const char *v) {
  if (rp_col_type(st, i) == RP_NULL) return v == NULL;
  if (!v) return false;
  const char *p = (const char *)rp_col_str(st, i);
  size_t n = (size_t)rp_col_bytes(st, i);
  return p && strlen(v) == n && memcmp(p, v, n) == 0;
}

/* Whether id column i names the same id as v (any case; NULL matching NULL
 * or ""). */
static bool col_id_is(rp_stmt *st, int i, const char *v) {
  char cur[RP_ID_LEN];
  rp_col_id(st, i, cur);
  return strcasecmp(cur, v ? v : "") == 0;
}

/* Reads the head of c's stored row and compares what the index is built
 * from (emails, phones, tags, and the searchable names, company and notes)
 * with the new values: an update that leaves them alone (a status, a
 * stage, a note-free field) rewrites no side-table row and no search
 * entry. That also keeps the full-text index from being flushed to disk:
 * FTS5 writes its pending terms out as a new segment whenever a statement
 * with a statement journal ends, which a DELETE on a table with foreign
 * keys, or an UPDATE of a foreign-key column, has; so referred_by and
 * owner_id are only written (rp_store_contact_update) when they change. */
static int get_update_head(rp_store *s, const rp_contact *c, const contact_enc *e, update_head *h) {
  memset(h, 0, sizeof *h);
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_CONTACT_UPDATE_HEAD,
                  "SELECT seq, version, referred_by, owner_id, emails_json, phones_json,"
                  " tags_json, display_name, first_name, last_name, company, notes"
                  " FROM contacts WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, c->account_id);
  rp_bind_id(st, 2, c->id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) {
    h->found = true;
    h->seq = rp_col_int64(st, 0);
    h->version = rp_col_int64(st, 1);
    rp_col_id(st, 2, h->referred_by);
    h->refs_same = col_id_is(st, 2, c->referred_by) && col_id_is(st, 3, c->owner_id);
    bool emails = col_is(st, 4, e->emails), phones = col_is(st, 5, e->phones),
         tags = col_is(st, 6, e->tags);
    bool text = col_is(st, 7, c->display_name) && col_is(st, 8, c->first_name) &&
                col_is(st, 9, c->last_name) && col_is(st, 10, c->company) &&
                col_is(st, 11, c->notes);
    h->stale = (emails ? 0 : IX_EMAILS) | (phones ? 0 : IX_PHONES) | (tags ? 0 : IX_TAGS) |
               (emails && phones && tags && text ? 0 : IX_FTS);
  } else if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
  }
  rp_sql_done(st);
  return ret;
}

/* ---- contact CRUD ---- */

static int write_score(rp_store *s, const char *account_id, const char *id, const double *was,
                       double score);

/* The contact_scores row of the new contact c (seq: its contacts.seq),
 * with its score and the list's filter columns (011; on SQLite the store
 * writes it since 013, a trigger did before). On PostgreSQL the trigger
 * stays for older nodes in a rolling upgrade (migrations_pg/013) and has
 * made the row already: the upsert gives it its score. */
static int insert_score_row(rp_store *s, const rp_contact *c, int64_t seq) {
  rp_stmt *st = rp_sql_stmt(
      s, RP_ST_CONTACT_SCORE_ROW,
      "INSERT INTO contact_scores (account_id, contact_id, seq, score, archived, status, stage,"
      " category, type, owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (account_id, contact_id) DO UPDATE SET score = excluded.score");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, c->account_id);
  rp_bind_id(st, 2, c->id);
  rp_bind_int64(st, 3, seq);
  rp_bind_double(st, 4, c->score);
  bind_bool(st, 5, c->archived_at != 0);
  rp_bind_text(st, 6, rp_status_name(c->status));
  rp_bind_text(st, 7, rp_stage_name(c->stage));
  rp_bind_text(st, 8, rp_category_name(c->category));
  rp_bind_text(st, 9, rp_ctype_name(c->type));
  rp_bind_id(st, 10, c->owner_id);
  return rp_sql_run(s, st, "id");
}

/* Copies c's list filter columns (status, stage, category, type, and the
 * owner when with_owner) into its contact_scores row when one of them
 * moved: on SQLite the store keeps the copy since 013, a trigger did
 * before (PostgreSQL keeps that trigger for older nodes: the copy then
 * finds nothing to change). */
static int copy_filters(rp_store *s, const rp_contact *c, bool with_owner) {
  rp_stmt *st = rp_sql_dyn(
      s, with_owner
             ? "UPDATE contact_scores SET status = ?3, stage = ?4, category = ?5, type = ?6,"
               " owner_id = ?7 WHERE account_id = ?1 AND contact_id = ?2 AND NOT (status = ?3"
               " AND stage = ?4 AND category = ?5 AND type = ?6"
               " AND coalesce(owner_id = ?7, owner_id IS NULL AND ?7 IS NULL))"
             : "UPDATE contact_scores SET status = ?3, stage = ?4, category = ?5, type = ?6"
               " WHERE account_id = ?1 AND contact_id = ?2 AND NOT (status = ?3 AND stage = ?4"
               " AND category = ?5 AND type = ?6)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, c->account_id);
  rp_bind_id(st, 2, c->id);
  rp_bind_text(st, 3, rp_status_name(c->status));
  rp_bind_text(st, 4, rp_stage_name(c->stage));
  rp_bind_text(st, 5, rp_category_name(c->category));
  rp_bind_text(st, 6, rp_ctype_name(c->type));
  if (with_owner) rp_bind_id(st, 7, c->owner_id);
  return rp_sql_run(s, st, NULL);
}

/* Inserts c (c->account_id set; a new id when empty) at `version` with its
 * side-table rows and search entry, then recounts its referrer (C1).
 * RP_ENOTFOUND field referred_by / owner_id when they name nothing in the
 * account; RP_EINVALID_VALUE when it would refer itself. Score and
 * last_touch_at are written as given, overdue_at as `overdue_at` (0:
 * unset). */
static int contact_insert(rp_store *s, rp_contact *c, int64_t version, rp_time overdue_at) {
  contact_enc e;
  int ret;
  bool sp = false;
  if (!c->id[0]) rp_uuid_v7(c->id);
  if ((ret = encode_contact(&e, c))) goto cleanup;
  if ((ret = check_refs(s, c))) goto cleanup;
  if ((ret = rp_sql_sp_begin(s, &sp))) goto cleanup;
  rp_stmt *st = rp_sql_stmt(
      s, RP_ST_CONTACT_INSERT,
      "INSERT INTO contacts (account_id, id, version, " FIELD_COLS
      ", referral_count, last_touch_at, overdue_at, created_at, updated_at, archived,"
      " archived_at) VALUES (?, ?, ?, " FIELD_PARAMS "0, ?, ?, ?, ?, ?, ?) RETURNING seq");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_id(st, 1, c->account_id);
  rp_bind_id(st, 2, c->id);
  rp_bind_int64(st, 3, version);
  int i = bind_fields(st, 4, c, &e, true);
  rp_bind_int64(st, i++, c->last_touch_at);
  rp_bind_time(st, i++, overdue_at);
  rp_bind_int64(st, i++, c->created_at);
  rp_bind_int64(st, i++, c->updated_at ? c->updated_at : c->created_at);
  bind_bool(st, i++, c->archived_at != 0);
  rp_bind_time(st, i++, c->archived_at);
  int src = rp_step(st);
  int64_t seq = src == RP_ROW ? rp_col_int64(st, 0) : 0;
  ret = src == RP_ROW ? 0 : rp_sql_error(s, src, "id");
  rp_sql_done(st);
  if (ret) goto cleanup;
  if ((ret = insert_score_row(s, c, seq))) goto cleanup;
  if ((ret = write_index(s, c, &e, seq, IX_ALL))) goto cleanup;
  if (c->referred_by && !c->archived_at &&
      (ret = recount_referrals(s, c->account_id, c->referred_by)))
    goto cleanup;
  c->version = version;
  c->referral_count = 0;
  rp_sql_bulk_note(s);
cleanup:
  ret = rp_sql_sp_end(s, sp, ret);
  enc_free(&e);
  return ret;
}

/* Inserts c at version 1, overdue_at unset (contact_insert). */
int rp_store_contact_create(rp_store *s, rp_contact *c) { return contact_insert(s, c, 1, 0); }

int rp_store_contact_create_settled(rp_store *s, rp_contact *c, rp_time overdue_at) {
  return contact_insert(s, c, c->version > 1 ? c->version : 1, overdue_at);
}

/* The contact of the account with this id (archived ones too), strings in
 * ar. overdue is judged at rp_clock_now() (a read-only convenience: the
 * store keeps overdue_at, the model only the flag). */
int rp_store_contact_get(rp_store *s, rp_arena *ar, rp_contact *out, const char *account_id,
                         const char *id) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CONTACT_GET,
                                 "SELECT " READ_COLS " FROM contacts c"
                                 " WHERE c.account_id = ? AND c.id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_contact(st, ar, out, rp_clock_now());
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such contact");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Writes every writable field of c and updated_at when c->version is the
 * stored one (RP_ECONFLICT "version moved on" otherwise, RP_ENOTFOUND when
 * missing), bumps c->version, rewrites side tables and search entry, and
 * recounts the old and new referrers when referred_by changed (C1). */
int rp_store_contact_update(rp_store *s, rp_contact *c) {
  contact_enc e;
  update_head h;
  int ret;
  bool sp = false;
  if ((ret = encode_contact(&e, c))) goto cleanup;
  if ((ret = get_update_head(s, c, &e, &h))) goto cleanup;
  if (!h.found) {
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such contact");
    goto cleanup;
  }
  if (h.version != c->version) {
    ret = rp_error_set(RP_ECONFLICT, NULL, "version moved on");
    goto cleanup;
  }
  if ((ret = check_refs(s, c))) goto cleanup;
  if ((ret = rp_sql_sp_begin(s, &sp))) goto cleanup;
  rp_stmt *st = h.refs_same ? rp_sql_stmt(s, RP_ST_CONTACT_UPDATE_NOREF,
                                               "UPDATE contacts SET " FIELD_SETS_NOREF
                                               ", updated_at = ?, version = version + 1"
                                               " WHERE account_id = ? AND id = ? AND version = ?")
                                 : rp_sql_stmt(s, RP_ST_CONTACT_UPDATE,
                                               "UPDATE contacts SET " FIELD_SETS
                                               ", updated_at = ?, version = version + 1"
                                               " WHERE account_id = ? AND id = ? AND version = ?");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  int i = bind_fields(st, 1, c, &e, !h.refs_same);
  rp_bind_int64(st, i++, c->updated_at);
  rp_bind_id(st, i++, c->account_id);
  rp_bind_id(st, i++, c->id);
  rp_bind_int64(st, i++, c->version);
  if ((ret = rp_sql_run(s, st, NULL))) goto cleanup;
  if (rp_sql_changes(s) == 0) {
    ret = rp_error_set(RP_ECONFLICT, NULL, "version moved on");
    goto cleanup;
  }
  if ((ret = copy_filters(s, c, !h.refs_same))) goto cleanup;
  if (h.stale) {
    if ((ret = drop_index(s, c->account_id, c->id, h.seq, h.stale))) goto cleanup;
    if ((ret = write_index(s, c, &e, h.seq, h.stale))) goto cleanup;
  }
  const char *now_ref = c->referred_by ? c->referred_by : "";
  if (strcmp(h.referred_by, now_ref) != 0) {
    if ((ret = recount_referrals(s, c->account_id, h.referred_by))) goto cleanup;
    if ((ret = recount_referrals(s, c->account_id, now_ref))) goto cleanup;
  }
  c->version++;
cleanup:
  ret = rp_sql_sp_end(s, sp, ret);
  enc_free(&e);
  return ret;
}

/* Archives the contact at `at` (archived_at and updated_at = at, version
 * bumped, overdue cleared) and recounts its referrer (C1: archived contacts
 * do not count). Archiving an archived contact is a no-op. */
int rp_store_contact_archive(rp_store *s, const char *account_id, const char *id, rp_time at) {
  contact_head h;
  int ret = get_head(s, account_id, id, &h);
  if (ret) return ret;
  if (!h.found) return rp_error_set(RP_ENOTFOUND, NULL, "no such contact");
  if (h.archived) return 0;
  bool sp = false;
  if ((ret = rp_sql_sp_begin(s, &sp))) return ret;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CONTACT_ARCHIVE,
                                 "UPDATE contacts SET archived = 1, archived_at = ?,"
                                 " updated_at = ?, overdue_at = NULL, version = version + 1"
                                 " WHERE account_id = ? AND id = ?");
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_int64(st, 1, at);
  rp_bind_int64(st, 2, at);
  rp_bind_id(st, 3, account_id);
  rp_bind_id(st, 4, id);
  if ((ret = rp_sql_run(s, st, NULL))) goto cleanup;
  /* the copy in contact_scores (013: no trigger on SQLite) */
  if (!(st = rp_sql_dyn(s, "UPDATE contact_scores SET archived = 1"
                           " WHERE account_id = ? AND contact_id = ?"))) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  if ((ret = rp_sql_run(s, st, NULL))) goto cleanup;
  ret = recount_referrals(s, account_id, h.referred_by);
cleanup:
  return rp_sql_sp_end(s, sp, ret);
}

/* Erases the contact with its activities, history, deal parts, score
 * history, alerts, side-table rows and search entry; the contacts it
 * referred lose their referrer (and get a new version); its own referrer
 * is recounted (C1). */
int rp_store_contact_purge(rp_store *s, const char *account_id, const char *id) {
  contact_head h;
  int ret = get_head(s, account_id, id, &h);
  if (ret) return ret;
  if (!h.found) return rp_error_set(RP_ENOTFOUND, NULL, "no such contact");
  bool sp = false;
  if ((ret = rp_sql_sp_begin(s, &sp))) return ret;
  static const struct {
    rp_stmt_id slot;
    const char *sql;
  } steps[] = {
      {RP_ST_ACTIVITY_DELETE_CONTACT,
       "DELETE FROM activities WHERE account_id = ? AND contact_id = ?"},
      {RP_ST_HISTORY_DELETE_CONTACT, "DELETE FROM history WHERE account_id = ? AND contact_id = ?"},
      {RP_ST_DEAL_PARTIES_DELETE_CONTACT,
       "DELETE FROM deal_parties WHERE account_id = ? AND contact_id = ?"},
      {RP_ST_SCORE_HISTORY_DELETE_CONTACT,
       "DELETE FROM score_history WHERE account_id = ? AND contact_id = ?"},
      {RP_ST_ALERT_DELETE_CONTACT, "DELETE FROM alerts WHERE account_id = ? AND contact_id = ?"},
      {RP_ST_CONTACT_UNREFER, "UPDATE contacts SET referred_by = NULL, version = version + 1"
                              " WHERE account_id = ? AND referred_by = ?"},
      {RP_ST_CONTACT_DELETE, "DELETE FROM contacts WHERE account_id = ? AND id = ?"},
  };
  if ((ret = drop_index(s, account_id, id, h.seq, IX_ALL))) goto cleanup;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    rp_stmt *st = rp_sql_stmt(s, steps[i].slot, steps[i].sql);
    if (!st) {
      ret = rp_error_last()->code;
      goto cleanup;
    }
    rp_bind_id(st, 1, account_id);
    rp_bind_id(st, 2, id);
    if ((ret = rp_sql_run(s, st, NULL))) goto cleanup;
  }
  ret = recount_referrals(s, account_id, h.referred_by);
cleanup:
  return rp_sql_sp_end(s, sp, ret);
}

/* Writes the derived fields the core computes (SCORING.md): last_touch_at
 * (0 = never), overdue_at (0 = never overdue) in the contact row, score in
 * contact_scores (011_contact_scores.sql). No version bump. */
/* The SET list of the contact row's derived fields in mask
 * (RP_DERIVED_TOUCH | RP_DERIVED_OVERDUE bits), with ?1 last_touch_at,
 * ?2 overdue_at. */
static const char *const derived_set[3] = {
    "last_touch_at = ?1",
    "overdue_at = ?2",
    "last_touch_at = ?1, overdue_at = ?2",
};

static void bind_derived(rp_stmt *st, unsigned mask, rp_time last_touch_at,
                         rp_time overdue_at) {
  if (mask & RP_DERIVED_TOUCH) rp_bind_int64(st, 1, last_touch_at);
  if (mask & RP_DERIVED_OVERDUE) rp_bind_time(st, 2, overdue_at);
}

/* Writes the kept score of the contact (with was, only over that score);
 * RP_ENOTFOUND when it has no row (or another score). */
static int write_score(rp_store *s, const char *account_id, const char *id, const double *was,
                       double score) {
  rp_stmt *st = was ? rp_sql_stmt(s, RP_ST_CONTACT_SET_SCORE_IF,
                                  "UPDATE contact_scores SET score = ?"
                                  " WHERE account_id = ? AND contact_id = ? AND score = ?")
                    : rp_sql_stmt(s, RP_ST_CONTACT_SET_SCORE,
                                  "UPDATE contact_scores SET score = ?"
                                  " WHERE account_id = ? AND contact_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_double(st, 1, score);
  rp_bind_id(st, 2, account_id);
  rp_bind_id(st, 3, id);
  if (was) rp_bind_double(st, 4, *was);
  int ret = rp_sql_run(s, st, NULL);
  if (!ret && rp_sql_changes(s) == 0)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such contact");
  return ret;
}

static int set_derived(rp_store *s, const char *account_id, const char *id,
                       const rp_derived_was *was, bool *moved, rp_time last_touch_at,
                       rp_time overdue_at, double score) {
  /* Reads the kept values first and rewrites only what moved: SQLite
   * rewrites the entries of every index that holds a column of the SET
   * list, changed or not, so a score-only change (the common one of a
   * daily rescore: the weights decay, the last touch stays) leaves the
   * contact row and its indexes alone. A refresh that changes nothing
   * writes nothing. The read is of the pages the UPDATEs write. */
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CONTACT_DERIVED_GET,
                                 "SELECT c.seq, c.last_touch_at, c.overdue_at, " SCORE_OF_C
                                 " FROM contacts c WHERE c.account_id = ? AND c.id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st);
  if (rc != RP_ROW) {
    int ret = rc == RP_DONE ? rp_error_set(RP_ENOTFOUND, NULL, "no such contact")
                                : rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
    return ret;
  }
  int64_t seq = rp_col_int64(st, 0);
  unsigned mask = 0;
  if (rp_col_type(st, 1) == RP_NULL || rp_col_int64(st, 1) != last_touch_at)
    mask |= RP_DERIVED_TOUCH;
  if (rp_col_type(st, 2) == RP_NULL ? overdue_at != 0
                                                : rp_col_int64(st, 2) != overdue_at)
    mask |= RP_DERIVED_OVERDUE;
  if (rp_col_type(st, 3) == RP_NULL || rp_col_double(st, 3) != score)
    mask |= RP_DERIVED_SCORE;
  if (was) {
    rp_time kept_touch = rp_col_type(st, 1) == RP_NULL ? 0 : rp_col_int64(st, 1);
    rp_time kept_overdue = rp_col_type(st, 2) == RP_NULL ? 0 : rp_col_int64(st, 2);
    double kept_score = rp_col_type(st, 3) == RP_NULL ? 0 : rp_col_double(st, 3);
    *moved = kept_touch != was->last_touch_at || kept_overdue != was->overdue_at ||
             kept_score != was->score;
    if (*moved) mask = 0;
  }
  rp_sql_done(st);
  if (!mask) return 0;
  int ret = 0;
  unsigned row = mask & (RP_DERIVED_TOUCH | RP_DERIVED_OVERDUE);
  if (row) {
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE contacts SET %s WHERE account_id = ?5 AND seq = ?4",
             derived_set[row - 1]);
    st = rp_sql_stmt(s, (rp_stmt_id)(RP_ST_CONTACT_SET_DERIVED + row - 1), sql);
    if (!st) return rp_error_last()->code;
    bind_derived(st, row, last_touch_at, overdue_at);
    rp_bind_int64(st, 4, seq);
    rp_bind_id(st, 5, account_id);
    ret = rp_sql_run(s, st, NULL);
  }
  if (!ret && (mask & RP_DERIVED_SCORE)) ret = write_score(s, account_id, id, NULL, score);
  if (!ret) rp_sql_bulk_note(s); /* a full rescore writes many */
  return ret;
}

int rp_store_contact_set_derived(rp_store *s, const char *account_id, const char *id,
                                 rp_time last_touch_at, rp_time overdue_at, double score) {
  return set_derived(s, account_id, id, NULL, NULL, last_touch_at, overdue_at, score);
}

int rp_store_contact_set_derived_unless_moved(rp_store *s, const char *account_id, const char *id,
                                              const rp_derived_was *was, rp_time last_touch_at,
                                              rp_time overdue_at, double score, bool *moved) {
  *moved = false;
  return set_derived(s, account_id, id, was, moved, last_touch_at, overdue_at, score);
}

int rp_store_contact_write_derived(rp_store *s, const char *account_id, const char *id,
                                   unsigned fields, const rp_derived_was *was,
                                   rp_time last_touch_at, rp_time overdue_at, double score) {
  unsigned row = fields & (RP_DERIVED_TOUCH | RP_DERIVED_OVERDUE);
  int ret = 0;
  if (row) {
    char sql[260];
    snprintf(sql, sizeof sql, "UPDATE contacts SET %s WHERE account_id = ?5 AND id = ?6%s",
             derived_set[row - 1],
             was ? " AND coalesce(last_touch_at, 0) = ?7 AND coalesce(overdue_at, 0) = ?8" : "");
    rp_stmt_id sid = was ? RP_ST_CONTACT_WRITE_DERIVED_IF : RP_ST_CONTACT_WRITE_DERIVED;
    rp_stmt *st = rp_sql_stmt(s, (rp_stmt_id)(sid + row - 1), sql);
    if (!st) return rp_error_last()->code;
    bind_derived(st, row, last_touch_at, overdue_at);
    rp_bind_id(st, 5, account_id);
    rp_bind_id(st, 6, id);
    if (was) {
      rp_bind_int64(st, 7, was->last_touch_at);
      rp_bind_int64(st, 8, was->overdue_at);
    }
    ret = rp_sql_run(s, st, NULL);
    if (!ret && rp_sql_changes(s) == 0)
      ret = rp_error_set(RP_ENOTFOUND, NULL, "no such contact, or its last touch moved");
  }
  if (!ret && (fields & RP_DERIVED_SCORE))
    ret = write_score(s, account_id, id, was ? &was->score : NULL, score);
  if (!ret && (row || (fields & RP_DERIVED_SCORE))) rp_sql_bulk_note(s);
  return ret;
}

/* The number of live (non-archived) contacts of the account. */
int rp_store_count_contacts(rp_store *s, const char *account_id, int64_t *out) {
  *out = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CONTACT_COUNT,
                                 "SELECT count(*) FROM contacts WHERE account_id = ?"
                                 " AND archived = 0");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_int64(st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* ---- the contact list ---- */

/* How a page is found. By default SQLite walks the index of the sort
 * (account_id, archived, <sort column>, id), forced with INDEXED BY, and
 * checks every other filter on the way: a page of a filter that matches
 * many contacts costs a few rows more than the page. A filter that
 * matches few contacts (a rare tag, a phone, a precise search, the few
 * overdue ones) would make that walk cover the whole account; then the
 * matching set "drives": it is read first and only it is sorted. Which
 * filter matches few is measured with a bounded count. Where the walk checks
 * a row from an index (tags, search) it stays cheap longer than where it
 * must read the row (overdue): driving costs a row read per match. */
#define DRIVE_SET 1000
#define DRIVE_OVERDUE 3000
#define RP_XSTR(x) #x
#define RP_STR(x) RP_XSTR(x)

typedef struct {
  char t; /* 's' text, 'u' id, 'i' int64, 'd' double */
  const char *s;
  int64_t i;
  double d;
} bindv;

enum { K_PLAIN, K_TAG, K_PHONE, K_TEXT, K_OVERDUE };

#define MAX_CLAUSES 12
#define MAX_BINDS 32

typedef struct {
  int kind;
  bool count_only; /* left out of the page query */
  rp_sb sql;
  bindv b[4];
  int nb;
} clause;

typedef struct {
  clause cl[MAX_CLAUSES];
  int n;
  bindv b[MAX_BINDS]; /* the binds of the statement being built, in order */
  int nb;
  bool pg; /* the statement is for PostgreSQL (its full-text search) */
} query_parts;

static clause *add_clause(query_parts *qp, int kind, const char *sql) {
  clause *c = &qp->cl[qp->n++];
  c->kind = kind;
  rp_sb_puts(&c->sql, sql);
  return c;
}

static void cl_text(clause *c, const char *v) { c->b[c->nb++] = (bindv){.t = 's', .s = v}; }
static void cl_id(clause *c, const char *v) { c->b[c->nb++] = (bindv){.t = 'u', .s = v}; }
static void cl_int(clause *c, int64_t v) { c->b[c->nb++] = (bindv){.t = 'i', .i = v}; }
static void cl_double(clause *c, double v) { c->b[c->nb++] = (bindv){.t = 'd', .d = v}; }

static void push_binds(query_parts *qp, const bindv *b, int n) {
  for (int i = 0; i < n; i++)
    qp->b[qp->nb++] = b[i];
}

/* Appends the clauses ANDed, but `skip` (and the count-only ones for a
 * page), collecting their binds. */
static void emit_where(query_parts *qp, rp_sb *sql, int skip, bool page) {
  for (int i = 0; i < qp->n; i++) {
    if (i == skip || (page && qp->cl[i].count_only)) continue;
    rp_sb_printf(sql, "%s%s", i ? " AND " : "", rp_sb_str(&qp->cl[i].sql));
    push_binds(qp, qp->cl[i].b, qp->cl[i].nb);
  }
}

static void bind_all(rp_stmt *st, const bindv *b, int n) {
  for (int i = 0; i < n; i++) {
    if (b[i].t == 's')
      rp_bind_text(st, i + 1, b[i].s);
    else if (b[i].t == 'u')
      rp_bind_id(st, i + 1, b[i].s);
    else if (b[i].t == 'i')
      rp_bind_int64(st, i + 1, b[i].i);
    else
      rp_bind_double(st, i + 1, b[i].d);
  }
}

/* `col IN ('a', 'b')` for the enum values whose bit is in mask. The names
 * come from the fixed enum tables, so they are safe as literals. */
static void add_mask(query_parts *qp, const char *col, unsigned mask, int count,
                     const char *(*name)(int)) {
  if (!mask) return;
  clause *c = add_clause(qp, K_PLAIN, col);
  rp_sb_puts(&c->sql, " IN (");
  int k = 0;
  for (int v = 0; v < count && v < 32; v++)
    if (mask & (1u << v)) rp_sb_printf(&c->sql, "%s'%s'", k++ ? ", " : "", name(v));
  rp_sb_puts(&c->sql, k ? ")" : "NULL)");
}

static const char *status_n(int v) { return rp_status_name((rp_status)v); }
static const char *stage_n(int v) { return rp_stage_name((rp_stage)v); }
static const char *category_n(int v) { return rp_category_name((rp_category)v); }
static const char *ctype_n(int v) { return rp_ctype_name((rp_ctype)v); }

/* Runs a one-number query (count) with binds; 0 or the error. */
static int run_count(rp_store *s, const char *sql, const bindv *b, int nb, int64_t *out) {
  rp_stmt *st = rp_sql_dyn(s, sql);
  if (!st) return rp_error_last()->code;
  bind_all(st, b, nb);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_int64(st, 0);
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* How many contacts clause c could match, counted up to its drive limit. */
static int bounded_count(rp_store *s, const rp_contact_query *q, rp_time now, const clause *c,
                         int64_t *out) {
  bindv b[4];
  int nb = 0;
  const char *sql;
  switch (c->kind) {
  case K_TAG:
    sql = "SELECT count(*) FROM (SELECT 1 FROM contact_tags WHERE account_id = ? AND tag = ?"
          " LIMIT " RP_STR(DRIVE_SET) ")";
    b[nb++] = (bindv){.t = 'u', .s = q->account_id};
    b[nb++] = (bindv){.t = 's', .s = q->tag};
    break;
  case K_TEXT:
    sql = rp_sql_pg(s) ? "SELECT count(*) FROM (" FTS_SEQS_PG " LIMIT " RP_STR(DRIVE_SET) ") n"
                       : "SELECT count(*) FROM (" FTS_SEQS_LITE " LIMIT " RP_STR(DRIVE_SET) ")";
    b[nb++] = c->b[0];
    if (rp_sql_pg(s)) b[nb++] = c->b[1]; /* (account, terms) */
    break;
  case K_OVERDUE:
    sql = "SELECT count(*) FROM (SELECT 1 FROM contacts WHERE account_id = ? AND archived = ?"
          " AND overdue_at IS NOT NULL AND overdue_at <= ? LIMIT " RP_STR(DRIVE_OVERDUE) ")";
    b[nb++] = (bindv){.t = 'u', .s = q->account_id};
    b[nb++] = (bindv){.t = 'i', .i = q->archived ? 1 : 0};
    b[nb++] = (bindv){.t = 'i', .i = now};
    break;
  default: *out = INT64_MAX; return 0;
  }
  return run_count(s, sql, b, nb, out);
}

/* Appends the FROM of the query driven by clause c (its own condition
 * moves into the FROM) and collects its binds. by_score joins each
 * contact's contact_scores row as s (the clauses then name s). */
static void emit_driver_from(query_parts *qp, rp_sb *sql, const clause *c,
                             const rp_contact_query *q, bool by_score) {
  const char *join = by_score ? " CROSS JOIN contact_scores s"
                                " ON s.account_id = c.account_id AND s.contact_id = c.id"
                              : "";
  switch (c->kind) {
  case K_TAG:
    rp_sb_printf(sql,
                 " FROM contact_tags m CROSS JOIN contacts c"
                 " ON c.account_id = m.account_id AND c.id = m.contact_id%s"
                 " WHERE m.account_id = ? AND m.tag = ? AND ",
                 join);
    qp->b[qp->nb++] = (bindv){.t = 'u', .s = q->account_id};
    qp->b[qp->nb++] = (bindv){.t = 's', .s = q->tag};
    break;
  case K_PHONE:
    rp_sb_printf(sql,
                 " FROM contact_phones m CROSS JOIN contacts c"
                 " ON c.account_id = m.account_id AND c.id = m.contact_id%s"
                 " WHERE m.account_id = ? AND m.number = ? AND ",
                 join);
    qp->b[qp->nb++] = (bindv){.t = 'u', .s = q->account_id};
    qp->b[qp->nb++] = (bindv){.t = 's', .s = q->phone};
    break;
  case K_TEXT:
    if (q->phone) {
      rp_sb_puts(sql, " FROM (");
      rp_sb_puts(sql, FTS_SEQS(qp->pg));
      rp_sb_printf(sql,
                   " UNION SELECT p2.seq FROM contact_phones p JOIN contacts p2"
                   " ON p2.account_id = p.account_id AND p2.id = p.contact_id"
                   " WHERE p.account_id = ? AND p.number = ?) m"
                   " CROSS JOIN contacts c ON c.seq = m.seq%s WHERE ",
                   join);
      qp->b[qp->nb++] = c->b[0];
      if (qp->pg) qp->b[qp->nb++] = c->b[1]; /* (account, terms) */
      qp->b[qp->nb++] = (bindv){.t = 'u', .s = q->account_id};
      qp->b[qp->nb++] = (bindv){.t = 's', .s = q->phone};
    } else {
      if (qp->pg)
        rp_sb_printf(sql,
                     " FROM contacts_fts m JOIN contacts c"
                     " ON c.account_id = m.account_id AND c.seq = m.seq%s"
                     " WHERE m.account_id = ? AND"
                     " m.doc @@ to_tsquery('simple', rp_unaccent(?)) AND ",
                     join);
      else
        rp_sb_printf(sql,
                     " FROM contacts_fts m CROSS JOIN contacts c ON c.seq = m.rowid%s"
                     " WHERE m.contacts_fts MATCH ? AND ",
                     join);
      qp->b[qp->nb++] = c->b[0];
      if (qp->pg) qp->b[qp->nb++] = c->b[1]; /* (account, terms) */
    }
    break;
  case K_OVERDUE:
    /* the partial index of the overdue ones; the clause stays in WHERE */
    rp_sb_printf(sql, " FROM contacts c INDEXED BY contacts_overdue%s WHERE ", join);
    break;
  }
}

/* The filters of q as clauses (clause 0 is the account and the archived
 * flag), in the same order whatever by_score. by_score: the query has
 * the contact's contact_scores row as s, and the filters it holds are
 * read from it (a walk of contact_scores_score checks them without
 * reading contact rows); else they are read from the contact row c.
 * cur: the cursor of the page, if any (see below). */
static void add_filters(query_parts *qp, const rp_contact_query *q, bool by_score,
                        const rp_cursor *cur, rp_time now, const char *fts) {
  const char *t = by_score ? "s" : "c", *id = by_score ? "s.contact_id" : "c.id";
  char col[32];
  clause *c = add_clause(qp, K_PLAIN, "");
  rp_sb_printf(&c->sql, "%s.account_id = ? AND %s.archived = ?", t, t);
  cl_id(c, q->account_id);
  cl_int(c, q->archived ? 1 : 0);
  snprintf(col, sizeof col, "%s.status", t);
  add_mask(qp, col, q->status_mask, RP_STATUS_COUNT, status_n);
  snprintf(col, sizeof col, "%s.stage", t);
  add_mask(qp, col, q->stage_mask, RP_STAGE_COUNT, stage_n);
  snprintf(col, sizeof col, "%s.category", t);
  add_mask(qp, col, q->category_mask, RP_CATEGORY_COUNT, category_n);
  snprintf(col, sizeof col, "%s.type", t);
  add_mask(qp, col, q->type_mask, RP_TYPE_COUNT, ctype_n);
  if (q->tag) {
    /* walking, a point lookup per row */
    c = add_clause(qp, K_TAG, "");
    rp_sb_printf(&c->sql,
                 "EXISTS (SELECT 1 FROM contact_tags t WHERE t.account_id = %s.account_id"
                 " AND t.contact_id = %s AND t.tag = ?)",
                 t, id);
    cl_text(c, q->tag);
  }
  if (q->owner_id) {
    c = add_clause(qp, K_PLAIN, "");
    rp_sb_printf(&c->sql, "%s.owner_id = ?", t);
    cl_id(c, q->owner_id);
  }
  if (q->visible_to) { /* an agent: its own contacts and the team's */
    c = add_clause(qp, K_PLAIN, "");
    rp_sb_printf(&c->sql, "(%s.owner_id = ? OR %s.owner_id IS NULL)", t, t);
    cl_id(c, q->visible_to);
  }
  /* sorting on score, the cursor bounds the walk on one side: a score
   * bound on that side as well would make SQLite seek from the bound and
   * walk every earlier page again, so the page leaves it out (the count
   * keeps it) */
  bool cur_score = cur && q->sort == RP_SORT_SCORE;
  const char *score = by_score ? "s.score" : SCORE_OF_C;
  if (q->has_score_min) {
    c = add_clause(qp, K_PLAIN, "");
    rp_sb_printf(&c->sql, "%s >= ?", score);
    cl_double(c, q->score_min);
    c->count_only = cur_score && !q->desc && cur->d >= q->score_min;
  }
  if (q->has_score_max) {
    c = add_clause(qp, K_PLAIN, "");
    rp_sb_printf(&c->sql, "%s <= ?", score);
    cl_double(c, q->score_max);
    c->count_only = cur_score && q->desc && cur->d <= q->score_max;
  }
  if (q->overdue == 1) {
    c = add_clause(qp, K_OVERDUE, "c.overdue_at IS NOT NULL AND c.overdue_at <= ?");
    cl_int(c, now);
  } else if (q->overdue == 0) {
    c = add_clause(qp, K_PLAIN, "(c.overdue_at IS NULL OR c.overdue_at > ?)");
    cl_int(c, now);
  }
  if (fts) {
    c = add_clause(qp, K_TEXT,
                   q->phone ? (qp->pg ? "(c.seq IN (" FTS_SEQS_PG ")" PHONE_OR
                                      : "(c.seq IN (" FTS_SEQS_LITE ")" PHONE_OR)
                            : (qp->pg ? "c.seq IN (" FTS_SEQS_PG ")"
                                      : "c.seq IN (" FTS_SEQS_LITE ")"));
    if (qp->pg) cl_id(c, q->account_id); /* FTS_SEQS_PG's first */
    cl_text(c, fts);
    if (q->phone) {
      cl_id(c, q->account_id);
      cl_text(c, q->phone);
    }
  } else if (q->phone) {
    c = add_clause(qp, K_PHONE, "");
    rp_sb_printf(&c->sql,
                 "%s IN (SELECT p.contact_id FROM contact_phones p"
                 " WHERE p.account_id = ? AND p.number = ?)",
                 id);
    cl_id(c, q->account_id);
    cl_text(c, q->phone);
  }
}

/* Lists one page of the account's contacts matching q (store.h), in q->sort
 * order with id as tie-breaker, by keyset pagination: the cursor carries the
 * last row's sort value and id, so rows inserted or changed between pages
 * never make a page skip or repeat one. Items and next_cursor are in ar. */
int rp_store_contact_list(rp_store *s, rp_arena *ar, const rp_contact_query *q, rp_contact **items,
                          size_t *n, char **next_cursor, int64_t *total) {
  query_parts qp = {.pg = rp_sql_pg(s)}, qc = {.pg = qp.pg};
  rp_sb sql = {0}, fts = {0};
  int ret = 0;
  *items = NULL;
  *n = 0;
  *next_cursor = NULL;
  if (total) *total = 0;

  /* by score, the page walks contact_scores_score (s) and reads the
   * contact rows (c) it keeps */
  bool by_score = q->sort == RP_SORT_SCORE;
  const char *col, *index, *idcol = by_score ? "s.contact_id" : "c.id";
  char vtype;
  int vcol;
  switch (q->sort) {
  case RP_SORT_CREATED_AT:
    col = "c.created_at", index = "contacts_created", vtype = 'i', vcol = COL_CREATED;
    break;
  case RP_SORT_UPDATED_AT:
    col = "c.updated_at", index = "contacts_updated", vtype = 'i', vcol = COL_UPDATED;
    break;
  case RP_SORT_LAST_NAME:
    col = "c.name_key", index = "contacts_name", vtype = 's', vcol = COL_NAME_KEY;
    break;
  case RP_SORT_SCORE:
    col = "s.score", index = "contact_scores_score", vtype = 'd', vcol = COL_SCORE;
    break;
  case RP_SORT_LAST_TOUCH_AT:
    col = "c.last_touch_at", index = "contacts_touch", vtype = 'i', vcol = COL_TOUCH;
    break;
  default: return rp_error_set(RP_EINVALID_VALUE, "sort", "unknown sort");
  }
  int limit = q->limit < 1 ? 50 : q->limit > 500 ? 500 : q->limit;
  rp_cursor cur;
  if (q->cursor && (ret = rp_cursor_decode(ar, q->cursor, 'C', (int)q->sort, q->desc, &cur)))
    return ret;
  if (q->cursor && cur.vtype != vtype)
    return rp_error_set(RP_EINVALID_VALUE, "cursor", "malformed cursor");

  rp_time now = q->now ? q->now : rp_clock_now(); /* for overdue */

  /* the filters, for the page and for the count: a count that needs no
   * column of the contact row (overdue, search) counts contact_scores
   * rows alone */
  int terms = q->q ? fts_query(&fts, q->q, qp.pg) : 0;
  const char *fts_s = terms ? rp_sb_str(&fts) : NULL;
  add_filters(&qp, q, by_score, q->cursor ? &cur : NULL, now, fts_s);
  bool count_by_scores = q->overdue != 0 && q->overdue != 1 && !terms;
  if (q->count && total) add_filters(&qc, q, count_by_scores, q->cursor ? &cur : NULL, now, fts_s);

  /* the search index must hold this transaction's own writes */
  if (terms && (ret = rp_sql_fts_flush(s))) goto cleanup;

  /* which set drives, if any: a phone always (a handful of rows), else the
   * filter matching fewest contacts when under its limit */
  int driver = -1;
  int64_t best = INT64_MAX;
  for (int i = 1; i < qp.n; i++) {
    if (qp.cl[i].kind == K_PHONE) {
      driver = i;
      break;
    }
    if (qp.cl[i].kind == K_PLAIN) continue;
    int64_t cnt = INT64_MAX;
    if ((ret = bounded_count(s, q, now, &qp.cl[i], &cnt))) goto cleanup;
    int64_t lim = qp.cl[i].kind == K_OVERDUE ? DRIVE_OVERDUE : DRIVE_SET;
    if (cnt < lim && cnt < best) {
      best = cnt;
      driver = i;
    }
  }

  if (q->count && total) {
    rp_sb_reset(&sql);
    rp_sb_puts(&sql, "SELECT count(*)");
    if (driver >= 0)
      emit_driver_from(&qc, &sql, &qc.cl[driver], q, count_by_scores);
    else if (count_by_scores)
      rp_sb_puts(&sql, " FROM contact_scores s WHERE ");
    else
      rp_sb_puts(&sql, " FROM contacts c WHERE ");
    emit_where(&qc, &sql, driver >= 0 && qc.cl[driver].kind != K_OVERDUE ? driver : -1, false);
    if ((ret = run_count(s, rp_sb_str(&sql), qc.b, qc.nb, total))) goto cleanup;
  }

  /* the page: walking the sort index gives the rows in order; a driving
   * set is sorted on (sort key, id, seq) alone and the page's rows read
   * after, so the sort never carries whole rows */
  qp.nb = 0;
  rp_sb_reset(&sql);
  const char *dir = q->desc ? "DESC" : "ASC";
  if (driver >= 0) {
    rp_sb_printf(&sql, "SELECT " READ_COLS " FROM (SELECT c.seq AS pseq%s",
                 by_score ? ", s.score AS pscore" : "");
    emit_driver_from(&qp, &sql, &qp.cl[driver], q, by_score);
  } else if (by_score) {
    rp_sb_printf(&sql,
                 "SELECT " READ_COLS " FROM contact_scores s INDEXED BY %s CROSS JOIN contacts c"
                 " ON c.account_id = s.account_id AND c.seq = s.seq WHERE ",
                 index);
  } else {
    rp_sb_printf(&sql, "SELECT " READ_COLS " FROM contacts c INDEXED BY %s WHERE ", index);
  }
  emit_where(&qp, &sql, driver >= 0 && qp.cl[driver].kind != K_OVERDUE ? driver : -1, true);
  if (q->cursor) {
    rp_sb_printf(&sql, " AND (%s, %s) %s (?, ?)", col, idcol, q->desc ? "<" : ">");
    if (vtype == 's')
      qp.b[qp.nb++] = (bindv){.t = 's', .s = cur.str};
    else if (vtype == 'd')
      qp.b[qp.nb++] = (bindv){.t = 'd', .d = cur.d};
    else
      qp.b[qp.nb++] = (bindv){.t = 'i', .i = cur.i};
    qp.b[qp.nb++] = (bindv){.t = 'u', .s = cur.id};
  }
  rp_sb_printf(&sql, " ORDER BY %s %s, %s %s LIMIT ?", col, dir, idcol, dir);
  qp.b[qp.nb++] = (bindv){.t = 'i', .i = limit + 1};
  if (driver >= 0) {
    /* (the account too: PostgreSQL's key of seq is (account_id, seq)) */
    rp_sb_printf(&sql,
                 ") p CROSS JOIN contacts c ON c.account_id = ? AND c.seq = p.pseq"
                 " ORDER BY %s %s, c.id %s",
                 by_score ? "p.pscore" : col, dir, dir);
    qp.b[qp.nb++] = (bindv){.t = 'u', .s = q->account_id};
  }

  rp_stmt *st = rp_sql_dyn(s, rp_sb_str(&sql));
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  bind_all(st, qp.b, qp.nb);
  rp_contact *out = rp_arena_alloc(ar, (size_t)limit * sizeof *out);
  size_t count = 0;
  const char *last_key = "";
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    if (count == (size_t)limit) {
      /* there is a next page: it starts after the last row returned */
      rp_cursor nc = {.kind = 'C', .sort = (int)q->sort, .desc = q->desc, .vtype = vtype};
      const rp_contact *last = &out[count - 1];
      memcpy(nc.id, last->id, RP_ID_LEN);
      if (vtype == 's') {
        nc.str = last_key;
        nc.str_len = strlen(last_key);
      } else if (vtype == 'd') {
        nc.d = last->score;
      } else {
        nc.i = q->sort == RP_SORT_CREATED_AT   ? last->created_at
               : q->sort == RP_SORT_UPDATED_AT ? last->updated_at
                                               : last->last_touch_at;
      }
      *next_cursor = rp_cursor_encode(ar, &nc);
      break;
    }
    read_contact(st, ar, &out[count], now);
    if (vtype == 's') last_key = rp_col_text(st, vcol, ar); /* not in rp_contact */
    count++;
  }
  if (rc != RP_ROW && rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) goto cleanup;
  *items = count ? out : NULL;
  *n = count;
cleanup:
  for (int i = 0; i < qp.n; i++)
    rp_sb_free(&qp.cl[i].sql);
  for (int i = 0; i < qc.n; i++)
    rp_sb_free(&qc.cl[i].sql);
  rp_sb_free(&sql);
  rp_sb_free(&fts);
  return ret;
}

/* Writes the fields the rules change (status, stage, category, type,
 * status_before_client, last_purchase_date, last_sale_date) and
 * updated_at, and bumps the version: the lifecycle's write, which leaves the
 * side tables and the search index alone since nothing they hold moved. */
int rp_store_contact_set_lifecycle(rp_store *s, rp_contact *c) {
  rp_stmt *st =
      rp_sql_dyn(s, "UPDATE contacts SET status = ?, stage = ?, category = ?, type = ?,"
                    " status_before_client = ?, last_purchase_date = ?, last_sale_date = ?,"
                    " updated_at = ?, version = version + 1"
                    " WHERE account_id = ? AND id = ? AND version = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, rp_status_name(c->status));
  rp_bind_text(st, 2, rp_stage_name(c->stage));
  rp_bind_text(st, 3, rp_category_name(c->category));
  rp_bind_text(st, 4, rp_ctype_name(c->type));
  rp_bind_text(st, 5, rp_status_name(c->status_before_client));
  rp_bind_text(st, 6, c->last_purchase_date);
  rp_bind_text(st, 7, c->last_sale_date);
  rp_bind_int64(st, 8, c->updated_at);
  rp_bind_id(st, 9, c->account_id);
  rp_bind_id(st, 10, c->id);
  rp_bind_int64(st, 11, c->version);
  int ret = rp_sql_run(s, st, NULL);
  if (ret) return ret;
  if (rp_sql_changes(s) == 0) return rp_error_set(RP_ECONFLICT, NULL, "version moved on");
  if ((ret = copy_filters(s, c, false))) return ret;
  c->version++;
  return 0;
}
