/* vcard_write.c: the vCard writer of vcard.h, 4.0 (RFC 6350) or 3.0 (RFC
 * 2426), for /export/contacts.vcf (API.md "Import and export": export then
 * import gives back the same contacts; rp_vcard_read reads every property
 * written here). Pure: no clock (REV is updated_at), no I/O. */
#include "io/vcard.h"

#include <stdio.h>
#include <string.h>

#include "core/contact.h"
#include "util/clock.h"
#include "util/error.h"

#define FOLD_AT 75 /* octets of a line, CRLF excluded (RFC 6350 3.2) */

/* Appends the content line p[0..n) to out folded at 75 octets (a
 * continuation line is a space and 74 octets), never inside a UTF-8
 * sequence, then CRLF. */
static void put_line(rp_sb *out, const char *p, size_t n) {
  size_t lim = FOLD_AT;
  while (n > lim) {
    size_t cut = lim;
    while (cut > 1 && ((unsigned char)p[cut] & 0xc0) == 0x80)
      cut--;
    rp_sb_append(out, p, cut);
    rp_sb_append(out, "\r\n ", 3);
    p += cut, n -= cut;
    lim = FOLD_AT - 1;
  }
  rp_sb_append(out, p, n);
  rp_sb_append(out, "\r\n", 2);
}

/* Appends s as vCard text: \ , ; escaped, every line break (CRLF, LF, CR)
 * as \n. */
static void put_text(rp_sb *sb, const char *s) {
  if (!s) return;
  for (; *s; s++) {
    switch (*s) {
    case '\\': rp_sb_append(sb, "\\\\", 2); break;
    case ',': rp_sb_append(sb, "\\,", 2); break;
    case ';': rp_sb_append(sb, "\\;", 2); break;
    case '\r':
      if (s[1] == '\n') s++;
      rp_sb_append(sb, "\\n", 2);
      break;
    case '\n': rp_sb_append(sb, "\\n", 2); break;
    default: rp_sb_putc(sb, *s);
    }
  }
}

typedef struct {
  rp_sb *out;
  rp_sb ln; /* the line being built */
  bool v4;
  int item; /* the last itemN group used */
} writer;

static void begin(writer *w, const char *group_name) {
  rp_sb_reset(&w->ln);
  rp_sb_puts(&w->ln, group_name);
}

static void end(writer *w) { put_line(w->out, w->ln.p, w->ln.len); }

/* NAME:text */
static void text_prop(writer *w, const char *name, const char *s) {
  if (!s || !*s) return;
  begin(w, name);
  rp_sb_putc(&w->ln, ':');
  put_text(&w->ln, s);
  end(w);
}

/* An Apple-style label for the property just written in group itemN. */
static void ab_label(writer *w, const char *label) {
  char g[32];
  snprintf(g, sizeof g, "item%d.X-ABLabel", w->item);
  text_prop(w, g, label);
}

/* The TYPE value of a label that is a vCard type, NULL otherwise. */
static const char *vcard_type(const char *label, bool phone) {
  if (!label) return NULL;
  if (!strcmp(label, "home") || !strcmp(label, "work")) return label;
  if (!phone) return NULL;
  if (!strcmp(label, "mobile")) return "cell";
  if (!strcmp(label, "fax") || !strcmp(label, "pager")) return label;
  return NULL;
}

/* The property name, in its own itemN group when the label is not a
 * vCard type (the label then follows as X-ABLabel). */
static bool begin_labelled(writer *w, const char *name, const char *label, const char *type) {
  rp_sb_reset(&w->ln);
  bool grouped = label && *label && !type;
  if (grouped) rp_sb_printf(&w->ln, "item%d.", ++w->item);
  rp_sb_puts(&w->ln, name);
  return grouped;
}

static void upper_to(rp_sb *sb, const char *s) {
  for (; *s; s++)
    rp_sb_putc(sb, *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

/* "YYYY-MM-DD" / "--MM-DD" as 4.0 writes dates (basic format: 19800514,
 * --0514); 3.0 keeps the extended form. */
static void date_prop(writer *w, const char *name, const char *d) {
  if (!d || !*d) return;
  begin(w, name);
  rp_sb_putc(&w->ln, ':');
  size_t n = strlen(d);
  if (w->v4 && (n == 10 || (n == 7 && d[0] == '-'))) {
    for (size_t i = 0; i < n; i++)
      if (d[i] != '-' || i < 2) rp_sb_putc(&w->ln, d[i]);
  } else {
    put_text(&w->ln, d);
  }
  end(w);
}

/* rp_vcard_write: see vcard.h. */
int rp_vcard_write(rp_sb *out, const rp_contact *c, int version) {
  if (version != 3 && version != 4)
    return rp_error_set(RP_EINVALID_VALUE, "version", "vCard version must be 3 or 4");
  writer w = {.out = out, .v4 = version == 4};
  put_line(out, "BEGIN:VCARD", 11);
  put_line(out, w.v4 ? "VERSION:4.0" : "VERSION:3.0", 11);
  if (c->id[0]) {
    begin(&w, w.v4 ? "UID:urn:uuid:" : "UID:");
    put_text(&w.ln, c->id);
    end(&w);
  }
  rp_arena tmp = {0};
  const char *fn =
      c->display_name && *c->display_name ? c->display_name : rp_contact_display_name(&tmp, c);
  begin(&w, "FN:");
  put_text(&w.ln, fn);
  end(&w);
  rp_arena_free(&tmp);
  begin(&w, "N:");
  put_text(&w.ln, c->last_name);
  rp_sb_putc(&w.ln, ';');
  put_text(&w.ln, c->first_name);
  rp_sb_puts(&w.ln, ";;;");
  end(&w);

  for (size_t i = 0; i < c->n_emails; i++) {
    const char *label = c->emails[i].label, *type = vcard_type(label, false);
    bool grouped = begin_labelled(&w, "EMAIL", label, type);
    if (!w.v4)
      rp_sb_printf(&w.ln, ";TYPE=INTERNET%s", type ? "," : "");
    else if (type)
      rp_sb_puts(&w.ln, ";TYPE=");
    if (type) w.v4 ? rp_sb_puts(&w.ln, type) : upper_to(&w.ln, type);
    rp_sb_putc(&w.ln, ':');
    put_text(&w.ln, c->emails[i].address);
    end(&w);
    if (grouped) ab_label(&w, label);
  }
  for (size_t i = 0; i < c->n_phones; i++) {
    const char *label = c->phones[i].label, *type = vcard_type(label, true);
    bool grouped = begin_labelled(&w, "TEL", label, type);
    if (w.v4) rp_sb_puts(&w.ln, ";VALUE=uri");
    if (type) {
      rp_sb_puts(&w.ln, ";TYPE=");
      w.v4 ? rp_sb_puts(&w.ln, type) : upper_to(&w.ln, type);
    }
    rp_sb_puts(&w.ln, w.v4 ? ":tel:" : ":");
    put_text(&w.ln, c->phones[i].number);
    end(&w);
    if (grouped) ab_label(&w, label);
  }
  if (c->has_address) {
    const rp_address *ad = &c->address;
    begin(&w, "ADR:;;");
    const char *parts[] = {ad->street, ad->city, ad->region, ad->postal_code, ad->country};
    for (size_t i = 0; i < 5; i++) {
      if (i) rp_sb_putc(&w.ln, ';');
      put_text(&w.ln, parts[i]);
    }
    end(&w);
  }
  text_prop(&w, "ORG", c->company);
  text_prop(&w, "URL", c->website);
  for (size_t i = 0; i < c->n_social; i++)
    text_prop(&w, "X-SOCIALPROFILE", c->social[i]);
  date_prop(&w, "BDAY", c->birthday);
  date_prop(&w, w.v4 ? "ANNIVERSARY" : "X-ANNIVERSARY", c->anniversary);
  if (w.v4) {
    text_prop(&w, "RELATED;TYPE=spouse;VALUE=text", c->partner);
    text_prop(&w, "RELATED;TYPE=child;VALUE=text", c->children);
  } else {
    const char *rel[2][2] = {{c->partner, "_$!<Spouse>!$_"}, {c->children, "_$!<Child>!$_"}};
    for (size_t i = 0; i < 2; i++) {
      if (!rel[i][0] || !*rel[i][0]) continue;
      char g[40];
      snprintf(g, sizeof g, "item%d.X-ABRELATEDNAMES", ++w.item);
      text_prop(&w, g, rel[i][0]);
      ab_label(&w, rel[i][1]);
    }
  }
  text_prop(&w, "NOTE", c->notes);
  if (c->n_tags) {
    begin(&w, "CATEGORIES:");
    for (size_t i = 0; i < c->n_tags; i++) {
      if (i) rp_sb_putc(&w.ln, ',');
      put_text(&w.ln, c->tags[i]);
    }
    end(&w);
  }
  /* rapport's own fields, so that a card written here and read back is
   * the same contact (vcard.h) */
  text_prop(&w, "X-RAPPORT-STATUS", rp_status_name(c->status));
  text_prop(&w, "X-RAPPORT-STAGE", rp_stage_name(c->stage));
  text_prop(&w, "X-RAPPORT-CATEGORY", rp_category_name(c->category));
  text_prop(&w, "X-RAPPORT-TYPE", rp_ctype_name(c->type));
  if (c->intent != RP_INTENT_NONE) text_prop(&w, "X-RAPPORT-INTENT", rp_intent_name(c->intent));
  text_prop(&w, "X-RAPPORT-SOURCE", c->source);
  text_prop(&w, "X-RAPPORT-KNOWN-SINCE", c->known_since);
  if (c->updated_at) {
    char t[21], b[21];
    rp_time_format(c->updated_at, t);
    size_t k = 0;
    for (size_t i = 0; t[i]; i++)
      if (!w.v4 || (t[i] != '-' && t[i] != ':')) b[k++] = t[i];
    b[k] = '\0';
    begin(&w, "REV:");
    rp_sb_puts(&w.ln, b);
    end(&w);
  }
  put_line(out, "END:VCARD", 9);
  rp_sb_free(&w.ln);
  return 0;
}
