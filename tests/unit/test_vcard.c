/* test_vcard.c: vCard files as Apple, Android, Outlook, Gmail and
 * Thunderbird write them become the contacts a user expects (API.md "Import
 * and export"), bad cards are reported by their first line and skipped
 * while the next ones go in, and a vCard written by rapport reads back as
 * the same contacts. The sample files are in tests/data/vcard/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rules.h"
#include "io/vcard.h"
#include "util/error.h"

#define MAX_CARDS 16
#define MAX_ERRS 32

typedef struct {
  int line;
  bool skipped;
  char msg[400];
} err;

typedef struct {
  rp_arena a;
  const rp_contact *cards[MAX_CARDS];
  int lines[MAX_CARDS];
  unsigned given[MAX_CARDS]; /* RP_FIELD_* the card set */
  int n;
  err errs[MAX_ERRS];
  int n_errs;
  int stop_after; /* 0: never */
} result;

static int on_card(void *ctx, const rp_contact *c, unsigned given, int line) {
  result *r = ctx;
  r->given[r->n] = given;
  assert_true(r->n < MAX_CARDS);
  r->cards[r->n] = c;
  r->lines[r->n++] = line;
  return r->stop_after && r->n == r->stop_after ? 42 : 0;
}

static int on_error(void *ctx, int line, bool skipped, const char *msg) {
  result *r = ctx;
  assert_true(r->n_errs < MAX_ERRS);
  err *e = &r->errs[r->n_errs++];
  e->line = line;
  e->skipped = skipped;
  snprintf(e->msg, sizeof e->msg, "%s", msg);
  return 0;
}

static int read_buf(result *r, const char *buf, size_t len, const char *region) {
  memset(r->cards, 0, sizeof r->cards);
  r->n = r->n_errs = 0;
  return rp_vcard_read(buf, len, region, &r->a, on_card, on_error, r);
}

static char *slurp(const char *name, size_t *len) {
  char path[256];
  snprintf(path, sizeof path, "tests/data/vcard/%s", name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    print_error("cannot open %s (run from the repository root)\n", path);
    fail();
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  b[n] = '\0';
  *len = (size_t)n;
  return b;
}

static void read_file(result *r, const char *name, const char *region) {
  size_t len;
  char *b = slurp(name, &len);
  int rc = read_buf(r, b, len, region);
  free(b); /* the contacts must not point into the input */
  if (rc) print_error("%s: %s\n", name, rp_error_last()->message);
  assert_int_equal(rc, 0);
}

static void dump_errs(const result *r) {
  for (int i = 0; i < r->n_errs; i++)
    print_message("  line %d%s: %s\n", r->errs[i].line, r->errs[i].skipped ? " (skipped)" : "",
                  r->errs[i].msg);
}

static void assert_str(const char *got, const char *want) {
  if (!want) {
    if (got) print_error("want NULL, got \"%s\"\n", got);
    assert_null(got);
    return;
  }
  if (!got) print_error("want \"%s\", got NULL\n", want);
  assert_non_null(got);
  assert_string_equal(got, want);
}

static void assert_email(const rp_contact *c, size_t i, const char *addr, const char *label) {
  assert_true(i < c->n_emails);
  assert_str(c->emails[i].address, addr);
  assert_str(c->emails[i].label, label);
}

static void assert_phone(const rp_contact *c, size_t i, const char *num, const char *label) {
  assert_true(i < c->n_phones);
  assert_str(c->phones[i].number, num);
  assert_str(c->phones[i].label, label);
}

static void assert_tags(const rp_contact *c, const char *const *tags, size_t n) {
  assert_int_equal(c->n_tags, n);
  for (size_t i = 0; i < n; i++)
    assert_str(c->tags[i], tags[i]);
}

/* Apple 3.0: item groups with X-ABLabel (built-in and custom labels), the
 * pref email first, the pref/home address with a multi-line street, the
 * omitted birth year, the anniversary and spouse from X-ABDATE and
 * X-ABRELATEDNAMES, social profiles from both forms, escaped commas in
 * CATEGORIES, a folded photo skipped; a company card without N. */
static void test_vcard_apple_icloud_grouped_items_and_labels(void **state) {
  (void)state;
  result r = {0};
  read_file(&r, "apple_icloud.vcf", "US");
  dump_errs(&r);
  assert_int_equal(r.n_errs, 0);
  assert_int_equal(r.n, 2);
  const rp_contact *c = r.cards[0];
  assert_int_equal(r.lines[0], 1);
  assert_str(c->first_name, "Amélie");
  assert_str(c->last_name, "Dubois");
  assert_str(c->display_name, "Amélie Dubois");
  assert_str(c->company, "Agence Dubois & Fils");
  assert_int_equal(c->n_emails, 2);
  assert_email(c, 0, "amelie.dubois@icloud.com", "other");
  assert_email(c, 1, "Amelie@dubois-immobilier.fr", "work");
  assert_int_equal(c->n_phones, 3);
  assert_phone(c, 0, "+33612345678", "mobile");
  assert_phone(c, 1, "+33142685300", "home");
  assert_phone(c, 2, "+12125550147", "Cabin");
  assert_true(c->has_address);
  assert_str(c->address.street, "12 Rue de la Paix, Bât. B");
  assert_str(c->address.city, "Paris");
  assert_null(c->address.region);
  assert_str(c->address.postal_code, "75002");
  assert_str(c->address.country, "France");
  assert_str(c->website, "https://www.dubois-immobilier.fr");
  assert_int_equal(c->n_social, 2);
  assert_str(c->social[0], "http://twitter.com/ameliedubois");
  assert_str(c->social[1], "https://www.linkedin.com/in/amelie-dubois");
  assert_str(c->birthday, "--03-15");
  assert_str(c->anniversary, "2009-06-20");
  assert_str(c->partner, "Marc Dubois");
  assert_str(c->notes, "Met at the open house on Rue Cler.\nPrefers texts after 6pm; no calls "
                       "before 9.");
  static const char *const tags[] = {"buyers", "paris, 8e"};
  assert_tags(c, tags, 2);
  assert_str(c->id, "8f3c2a1b-6d4e-4f7a-9b2c-1e5d7f9a3c6b");
  assert_str(c->custom_json, "{}");

  c = r.cards[1];
  assert_int_equal(r.lines[1], 78); /* after the folded photo */
  assert_null(c->first_name);
  assert_null(c->last_name);
  assert_str(c->company, "Coastal Title & Escrow");
  assert_str(c->display_name, "Coastal Title & Escrow");
  assert_phone(c, 0, "+14155550199", "main");
  assert_phone(c, 1, "+14155550198", "fax");
  assert_email(c, 0, "closings@coastaltitle.com", "closings desk");
  rp_arena_free(&r.a);
}

/* Android 2.1: QUOTED-PRINTABLE UTF-8 with soft line breaks (also inside a
 * multi-byte character), bare parameters (TEL;CELL;PREF), events and the
 * spouse from X-ANDROID-CUSTOM, a base64 photo ended by an empty line. */
static void test_vcard_android_21_quoted_printable(void **state) {
  (void)state;
  result r = {0};
  read_file(&r, "android.vcf", "US");
  dump_errs(&r);
  assert_int_equal(r.n_errs, 0);
  assert_int_equal(r.n, 3);
  const rp_contact *c = r.cards[0];
  assert_str(c->first_name, "Jürgen");
  assert_str(c->last_name, "Müller");
  assert_phone(c, 0, "+4915123456789", "mobile");
  assert_phone(c, 1, "+49301234567", "home");
  assert_email(c, 0, "juergen.mueller@gmx.de", "home");
  assert_str(c->address.street, "Straße des 17. Juni 12");
  assert_str(c->address.city, "Berlin");
  assert_str(c->address.country, "Deutschland");
  assert_str(c->notes, "Sucht eine 3-Zimmer-Wohnung in Charlottenburg, Budget bis 650.000 €. "
                       "Ruft lieber abends an.");
  assert_str(c->birthday, "1975-11-02");
  assert_str(c->anniversary, "2001-05-19");
  assert_str(c->partner, "Sabine Müller");

  c = r.cards[1];
  assert_str(c->last_name, "山田");
  assert_str(c->first_name, "花子");
  assert_phone(c, 0, "+819012345678", "mobile");
  assert_str(c->notes, "東京でマンションを探している。駅から徒歩10分以内、予算は8000万円まで。");

  c = r.cards[2];
  assert_str(c->display_name, "Chidi Okafor");
  assert_phone(c, 0, "+13125550182", "work"); /* PREF first */
  assert_phone(c, 1, "+13125550175", "mobile");
  assert_str(c->company, "Okafor Law Group");
  assert_str(c->website, "https://www.okafor-law.com");
  rp_arena_free(&r.a);
}

/* Outlook 2.1: CHARSET=Windows-1252 values (also quoted-printable, with
 * "=0D=0A" line breaks and soft breaks), a LABEL spanning soft breaks, an
 * indented and an unindented base64 picture each ended by an empty line,
 * and a card whose windows-1252 bytes carry no CHARSET at all. */
static void test_vcard_outlook_21_windows_1252(void **state) {
  (void)state;
  result r = {0};
  read_file(&r, "outlook.vcf", "US");
  dump_errs(&r);
  assert_int_equal(r.n_errs, 0);
  assert_int_equal(r.n, 2);
  const rp_contact *c = r.cards[0];
  assert_str(c->first_name, "Zoë");
  assert_str(c->last_name, "Brontë");
  assert_str(c->company, "Brontë Realty Partners, LLC");
  assert_int_equal(c->n_phones, 3);
  assert_phone(c, 0, "+16175550134", "work");
  assert_phone(c, 1, "+16175550178", "mobile");
  assert_phone(c, 2, "+16175550135", "fax");
  assert_str(c->address.street, "200 Clarendon St.");
  assert_str(c->address.region, "MA");
  assert_str(c->address.postal_code, "02116");
  assert_str(c->website, "http://www.bronterealty.com");
  assert_str(c->birthday, "1982-04-18");
  assert_email(c, 0, "zoe@bronterealty.com", NULL);
  assert_email(c, 1, "zoe.bronte@outlook.com", NULL);
  assert_str(c->notes, "Looking to list the Back Bay condo in spring.\nCafé meeting – bring "
                       "comps; €/sq ft doesn’t matter to her.");
  c = r.cards[1];
  assert_str(c->first_name, "François");
  assert_str(c->last_name, "Müller");
  assert_phone(c, 0, "+33491550123", "home");
  rp_arena_free(&r.a);
}

/* Gmail 3.0: TYPE=INTERNET, escaped colons in URLs, an anniversary in an
 * item group, a LinkedIn URL going to social, Google's system group
 * "myContacts" not made a tag, a card with only an email, a birthday
 * without year. */
static void test_vcard_gmail_30(void **state) {
  (void)state;
  result r = {0};
  read_file(&r, "gmail.vcf", "US");
  dump_errs(&r);
  assert_int_equal(r.n_errs, 0);
  assert_int_equal(r.n, 3);
  const rp_contact *c = r.cards[0];
  assert_email(c, 0, "priya.raman@gmail.com", "home");
  assert_email(c, 1, "praman@northpoint-lending.com", "work");
  assert_phone(c, 0, "+14085550162", "mobile");
  assert_phone(c, 1, "+14085550100", "work");
  assert_str(c->address.street, "4521 Almaden Expy");
  assert_str(c->address.country, "US");
  assert_str(c->company, "Northpoint Lending");
  assert_str(c->birthday, "1988-09-23");
  assert_str(c->anniversary, "2015-10-10");
  assert_str(c->website, "https://priyaraman.com");
  assert_int_equal(c->n_social, 1);
  assert_str(c->social[0], "https://www.linkedin.com/in/priyaraman");
  assert_str(c->notes, "Pre-approved buyers often referred by her.\nLikes Sunday open houses, not "
                       "Saturdays.");
  static const char *const tags[] = {"lenders", "starred"};
  assert_tags(c, tags, 2);

  c = r.cards[1];
  assert_null(c->first_name);
  assert_str(c->display_name, "listings@harborviewhomes.com");
  assert_int_equal(c->n_tags, 0);
  c = r.cards[2];
  assert_str(c->first_name, "Tomás");
  assert_str(c->birthday, "--06-14");
  rp_arena_free(&r.a);
}

/* Thunderbird 4.0 (LF line ends): PREF=1, VALUE=uri tel: numbers, dates
 * in basic format and as a date-time, RELATED text and URI values, and a
 * KIND:group card reported as skipped. */
static void test_vcard_thunderbird_40(void **state) {
  (void)state;
  result r = {0};
  read_file(&r, "thunderbird.vcf", "US");
  dump_errs(&r);
  assert_int_equal(r.n, 2);
  assert_int_equal(r.n_errs, 1);
  assert_true(r.errs[0].skipped);
  assert_int_equal(r.errs[0].line, 29); /* the long NOTE above is folded */
  assert_non_null(strstr(r.errs[0].msg, "group"));
  const rp_contact *c = r.cards[0];
  assert_email(c, 0, "anna.kowalski@posteo.de", NULL);
  assert_email(c, 1, "a.kowalski@kowalski-bau.pl", "work");
  assert_phone(c, 0, "+48601234567", "mobile");
  assert_phone(c, 1, "+48225550123", "work");
  assert_str(c->address.street, "ul. Marszałkowska 84/92");
  assert_str(c->address.postal_code, "00-514");
  assert_str(c->birthday, "1979-07-30");
  assert_str(c->anniversary, "2005-06-11");
  assert_str(c->notes, "Owns three rental units in Mokotów, wants to sell one in 2025. Ask about "
                       "the one on Puławska first; it has the best light.");
  assert_str(c->id, "b1a7e3f0-5c2d-4e8a-9b61-2f4d7c9e8a10");
  c = r.cards[1];
  assert_str(c->first_name, "Samuel");
  assert_str(c->last_name, "O'Neil");
  assert_str(c->birthday, "1965-02-03");
  assert_str(c->partner, "Niamh O'Neil");
  assert_null(c->children);
  rp_arena_free(&r.a);
}

static const err *find_err(const result *r, int line) {
  for (int i = 0; i < r->n_errs; i++)
    if (r->errs[i].line == line) return &r->errs[i];
  return NULL;
}

/* A card missing its END is reported at its BEGIN line and the next card
 * still parses; a card with only a photo is refused; a bad phone, email
 * and date are reported but the rest of their card goes in; an unknown
 * charset refuses its card; a stray END and a card cut by the end of the
 * file are reported. */
static void test_vcard_broken_cards_reported_by_line(void **state) {
  (void)state;
  result r = {0};
  read_file(&r, "broken.vcf", "US");
  dump_errs(&r);
  assert_int_equal(r.n, 2);
  assert_str(r.cards[0]->display_name, "Ebba Lindqvist");
  assert_int_equal(r.lines[0], 6);
  const rp_contact *c = r.cards[1];
  assert_str(c->display_name, "Luis Ortiz");
  assert_int_equal(c->n_phones, 0);
  assert_int_equal(c->n_emails, 1);
  assert_email(c, 0, "luis.ortiz@example.com", NULL);
  assert_null(c->birthday);

  const err *e = find_err(&r, 1);
  assert_non_null(e);
  assert_true(e->skipped);
  assert_non_null(strstr(e->msg, "no END:VCARD"));
  e = find_err(&r, 12);
  assert_non_null(e);
  assert_true(e->skipped);
  assert_non_null(strstr(e->msg, "no name, email, phone or company"));
  int ortiz = 0;
  for (int i = 0; i < r.n_errs; i++)
    if (r.errs[i].line == 21) {
      assert_false(r.errs[i].skipped);
      ortiz++;
    }
  assert_int_equal(ortiz, 3); /* TEL, EMAIL, BDAY */
  e = find_err(&r, 30);
  assert_non_null(e);
  assert_true(e->skipped);
  assert_non_null(strstr(e->msg, "SHIFT_JIS"));
  e = find_err(&r, 35);
  assert_non_null(e);
  assert_false(e->skipped);
  assert_non_null(strstr(e->msg, "END:VCARD without BEGIN"));
  e = find_err(&r, 36);
  assert_non_null(e);
  assert_true(e->skipped);
  assert_non_null(strstr(e->msg, "end of the file"));
  assert_int_equal(r.n_errs, 8);
  rp_arena_free(&r.a);
}

/* ---- writing ---- */

static rp_contact sample(int i) {
  static rp_email emails[2][3] = {{{"anne-marie@example.com", "work"},
                                   {"amc@home.example.org", "home"},
                                   {"old@example.net", "Old, unused; keep"}},
                                  {{"bjorn@exämple.se", NULL}, {"b@example.se", "other"}, {0}}};
  static rp_phone phones[2][3] = {
      {{"+14155550100", "mobile"}, {"+14155550101", "work"}, {"+442079460000", "London office"}},
      {{"+46701234567", "fax"}, {"+46701234568", "pager"}, {0}}};
  static const char *tags[] = {"buyer", "sf, mission", "vip;gold"};
  static const char *social[] = {"https://twitter.com/amc", "https://www.linkedin.com/in/amc"};
  rp_contact c = {0};
  if (i == 0) {
    strcpy(c.id, "01890a5d-ac96-774b-bcce-b302099a8057");
    c.first_name = "Anne-Marie";
    c.last_name = "Côté; Jr, \\ III";
    c.emails = emails[0], c.n_emails = 3;
    c.phones = phones[0], c.n_phones = 3;
    c.has_address = true;
    c.address = (rp_address){"1 Market St, Suite 300", "San Francisco", "CA", "94105", "US"};
    c.company = "Côté, Fils & Associés; SF";
    c.website = "https://cote.example.com/a,b;c";
  } else {
    c.website = "https://www.linkedin.com/company/bjorn-ab"; /* a profile as the website */
  }
  if (i == 0) {
    c.social = social, c.n_social = 2;
    c.birthday = "1980-05-14";
    c.anniversary = "--09-01";
    c.partner = "Jean, le mari";
    c.children = "Léa, Hugo";
    c.notes = "Line one\nLine two, with commas; and semicolons \\ and a backslash.\n\nÉté "
              "2024: wants a 3-bed in Noe Valley — budget flexible. "
              "A long enough note to need folding more than once across lines.";
    c.tags = tags, c.n_tags = 3;
    c.updated_at = 1731420000;
    /* rapport's own fields (X-RAPPORT-*) */
    c.status = RP_STATUS_PAST_CLIENT;
    c.stage = RP_STAGE_TRUST;
    c.category = RP_CATEGORY_A;
    c.type = RP_TYPE_AGENT;
    c.intent = RP_INTENT_BUY_SELL;
    c.source = "Open house; 12 Elm St, \\ Noe Valley";
    c.known_since = "2019-03-02";
  } else {
    c.first_name = "Björn";
    c.emails = emails[1], c.n_emails = 2;
    c.phones = phones[1], c.n_phones = 2;
    c.birthday = "--02-29";
  }
  return c;
}

static void assert_same(const rp_contact *got, const rp_contact *want) {
  assert_string_equal(got->id, want->id);
  assert_str(got->first_name, want->first_name);
  assert_str(got->last_name, want->last_name);
  assert_int_equal(got->n_emails, want->n_emails);
  for (size_t i = 0; i < want->n_emails; i++)
    assert_email(got, i, want->emails[i].address, want->emails[i].label);
  assert_int_equal(got->n_phones, want->n_phones);
  for (size_t i = 0; i < want->n_phones; i++)
    assert_phone(got, i, want->phones[i].number, want->phones[i].label);
  assert_int_equal(got->has_address, want->has_address);
  if (want->has_address) {
    assert_str(got->address.street, want->address.street);
    assert_str(got->address.city, want->address.city);
    assert_str(got->address.region, want->address.region);
    assert_str(got->address.postal_code, want->address.postal_code);
    assert_str(got->address.country, want->address.country);
  }
  assert_str(got->company, want->company);
  assert_str(got->website, want->website);
  assert_int_equal(got->n_social, want->n_social);
  for (size_t i = 0; i < want->n_social; i++)
    assert_str(got->social[i], want->social[i]);
  assert_str(got->birthday, want->birthday);
  assert_str(got->anniversary, want->anniversary);
  assert_str(got->partner, want->partner);
  assert_str(got->children, want->children);
  assert_str(got->notes, want->notes);
  assert_tags(got, want->tags, want->n_tags);
  assert_int_equal(got->status, want->status);
  assert_int_equal(got->stage, want->stage);
  assert_int_equal(got->category, want->category);
  assert_int_equal(got->type, want->type);
  assert_int_equal(got->intent, want->intent);
  assert_str(got->source, want->source);
  assert_str(got->known_since, want->known_since);
}

/* Every physical line ends in CRLF, is at most 75 octets, and no line
 * starts inside a UTF-8 sequence. */
static void assert_folded(const char *s, size_t len) {
  size_t start = 0;
  for (size_t i = 0; i + 1 < len; i++) {
    if (s[i] == '\n') fail_msg("bare LF at %zu", i);
    if (s[i] == '\r') {
      assert_int_equal(s[i + 1], '\n');
      if (i - start > 75)
        fail_msg("line of %zu octets: %.*s", i - start, (int)(i - start), s + start);
      if (((unsigned char)s[i + 2] & 0xc0) == 0x80) fail_msg("fold inside a UTF-8 sequence");
      if (i + 2 < len && s[i + 2] == ' ' && ((unsigned char)s[i + 3] & 0xc0) == 0x80)
        fail_msg("fold inside a UTF-8 sequence at %zu", i);
      start = i + 2;
      i++;
    }
  }
  assert_true(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n');
}

static void roundtrip(int version) {
  rp_sb out = {0};
  rp_contact want[2] = {sample(0), sample(1)};
  for (int i = 0; i < 2; i++)
    assert_int_equal(rp_vcard_write(&out, &want[i], version), 0);
  assert_folded(out.p, out.len);
  result r = {0};
  int rc = read_buf(&r, out.p, out.len, "US");
  dump_errs(&r);
  if (r.n_errs) print_message("%s", out.p);
  assert_int_equal(rc, 0);
  assert_int_equal(r.n_errs, 0);
  assert_int_equal(r.n, 2);
  for (int i = 0; i < 2; i++) {
    assert_same(r.cards[i], &want[i]);
    /* the lifecycle fields are given (the importer keeps them) */
    assert_int_equal(r.given[i], RP_FIELD_STATUS | RP_FIELD_STAGE | RP_FIELD_CATEGORY | RP_FIELD_TYPE);
  }
  rp_sb_free(&out);
  rp_arena_free(&r.a);
}

/* Export then import gives back the same contacts (API.md): accents,
 * commas, semicolons, backslashes, line breaks, several emails and phones
 * with standard and custom labels, dates with and without year. */
static void test_vcard_roundtrip_40(void **state) {
  (void)state;
  roundtrip(4);
}

static void test_vcard_roundtrip_30(void **state) {
  (void)state;
  roundtrip(3);
}

/* X-RAPPORT-* from elsewhere: names in any case, a value that is not one
 * of ours dropped with a warning (the card still goes in, that field left
 * to the importer's rules), an unknown X-RAPPORT- property ignored; a card
 * of another program gives no field. */
static void test_vcard_rapport_fields_read(void **state) {
  (void)state;
  const char *text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Lee\r\nN:Lee;Dana;;;\r\n"
                     "x-rapport-stage:Like\r\nX-RAPPORT-STATUS:boss\r\n"
                     "X-RAPPORT-TYPE:farm\r\nX-RAPPORT-KNOWN-SINCE:last spring\r\n"
                     "X-RAPPORT-KNOWN-SINCE:--0302\r\n"
                     "X-RAPPORT-COLOUR:blue\r\nEND:VCARD\r\n"
                     "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam Roe\r\nEND:VCARD\r\n";
  result r = {0};
  assert_int_equal(read_buf(&r, text, strlen(text), "US"), 0);
  assert_int_equal(r.n, 2);
  assert_int_equal(r.given[0], RP_FIELD_STAGE | RP_FIELD_TYPE);
  assert_int_equal(r.cards[0]->stage, RP_STAGE_LIKE);
  assert_int_equal(r.cards[0]->type, RP_TYPE_FARM);
  assert_int_equal(r.cards[0]->status, RP_STATUS_NONE);
  assert_null(r.cards[0]->known_since);
  assert_int_equal(r.n_errs, 3);
  assert_false(r.errs[0].skipped);
  assert_non_null(strstr(r.errs[0].msg, "X-RAPPORT-STATUS"));
  assert_non_null(strstr(r.errs[0].msg, "boss"));
  assert_non_null(strstr(r.errs[1].msg, "X-RAPPORT-KNOWN-SINCE"));
  assert_non_null(strstr(r.errs[2].msg, "without its year"));
  assert_int_equal(r.given[1], 0);
  rp_arena_free(&r.a);
}

/* What the writer puts on the wire: 4.0 tel: URIs and basic dates, 3.0
 * plain numbers and X-ANNIVERSARY, escapes, UID and REV. */
static void test_vcard_write_forms(void **state) {
  (void)state;
  rp_contact c = sample(0);
  rp_sb out = {0};
  assert_int_equal(rp_vcard_write(&out, &c, 4), 0);
  const char *s = out.p;
  assert_true(strncmp(s, "BEGIN:VCARD\r\nVERSION:4.0\r\n", 26) == 0);
  assert_non_null(strstr(s, "\r\nUID:urn:uuid:01890a5d-ac96-774b-bcce-b302099a8057\r\n"));
  assert_non_null(strstr(s, "\r\nN:Côté\\; Jr\\, \\\\ III;Anne-Marie;;;\r\n"));
  assert_non_null(strstr(s, "\r\nTEL;VALUE=uri;TYPE=cell:tel:+14155550100\r\n"));
  assert_non_null(strstr(s, "\r\nEMAIL;TYPE=work:anne-marie@example.com\r\n"));
  assert_non_null(
      strstr(s, "\r\nitem1.EMAIL:old@example.net\r\nitem1.X-ABLabel:Old\\, unused\\; keep\r\n"));
  assert_non_null(strstr(s, "\r\nBDAY:19800514\r\n"));
  assert_non_null(strstr(s, "\r\nANNIVERSARY:--0901\r\n"));
  assert_non_null(strstr(s, "\r\nCATEGORIES:buyer,sf\\, mission,vip\\;gold\r\n"));
  assert_non_null(strstr(s, "\r\nREV:20241112T140000Z\r\n"));
  assert_true(out.len > 11 && strcmp(s + out.len - 11, "END:VCARD\r\n") == 0);
  rp_sb_reset(&out);
  assert_int_equal(rp_vcard_write(&out, &c, 3), 0);
  s = out.p;
  assert_non_null(strstr(s, "\r\nVERSION:3.0\r\n"));
  assert_non_null(strstr(s, "\r\nTEL;TYPE=CELL:+14155550100\r\n"));
  assert_non_null(strstr(s, "\r\nEMAIL;TYPE=INTERNET,WORK:anne-marie@example.com\r\n"));
  assert_non_null(strstr(s, "\r\nX-ANNIVERSARY:--09-01\r\n"));
  assert_non_null(strstr(s, "\r\nREV:2024-11-12T14:00:00Z\r\n"));
  assert_int_equal(rp_vcard_write(&out, &c, 2), RP_EINVALID_VALUE);
  rp_sb_free(&out);
}

/* Folding at 75 octets never splits a UTF-8 character, whatever its
 * width, and the reader joins the pieces back. */
static void test_vcard_write_folds_utf8_safely(void **state) {
  (void)state;
  char note[1200];
  size_t k = 0;
  static const char *const pieces[] = {"a", "é", "€", "😀", "ß"};
  for (int i = 0; k + 5 < sizeof note; i++) {
    const char *p = pieces[(i * 7 + i / 3) % 5];
    memcpy(note + k, p, strlen(p));
    k += strlen(p);
  }
  note[k] = '\0';
  for (int shift = 0; shift < 4; shift++) {
    rp_contact c = {0};
    c.first_name = shift == 0 ? "A" : shift == 1 ? "Ab" : shift == 2 ? "Abc" : "Abcd";
    c.notes = note;
    rp_sb out = {0};
    assert_int_equal(rp_vcard_write(&out, &c, 4), 0);
    assert_folded(out.p, out.len);
    result r = {0};
    assert_int_equal(read_buf(&r, out.p, out.len, "US"), 0);
    assert_int_equal(r.n, 1);
    assert_str(r.cards[0]->notes, note);
    rp_sb_free(&out);
    rp_arena_free(&r.a);
  }
}

/* ---- the reader's edges ---- */

#define READ(r, lit) read_buf((r), (lit), sizeof(lit) - 1, "US")

/* Every date form vCards use becomes "YYYY-MM-DD" or "--MM-DD"; what is not
 * a date is reported and dropped. */
static void test_vcard_date_forms(void **state) {
  (void)state;
  static const struct {
    const char *line, *want;
  } cases[] = {
      {"BDAY:1980-05-14", "1980-05-14"},
      {"BDAY:19800514", "1980-05-14"},
      {"BDAY:--0514", "--05-14"},
      {"BDAY:--05-14", "--05-14"},
      {"BDAY:19800514T093000Z", "1980-05-14"},
      {"BDAY:1980-05-14T09:30:00+02:00", "1980-05-14"},
      {"BDAY;VALUE=date:1980-05-14", "1980-05-14"},
      {"BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29", "--02-29"},
      {"BDAY:0000-12-25", "--12-25"},
      {"BDAY:--0229", "--02-29"},
      {"BDAY:1981-02-29", NULL},
      {"BDAY:1980-13-01", NULL},
      {"BDAY:1980", NULL},
      {"BDAY;VALUE=text:circa 1800", NULL},
      {"BDAY:next tuesday", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[200];
    int n = snprintf(buf, sizeof buf, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:X\r\n%s\r\nEND:VCARD\r\n",
                     cases[i].line);
    result r = {0};
    assert_int_equal(read_buf(&r, buf, (size_t)n, "US"), 0);
    assert_int_equal(r.n, 1);
    if (cases[i].want == NULL) {
      if (r.n_errs != 1 || r.errs[0].skipped || r.cards[0]->birthday)
        fail_msg("%s: want a dropped date", cases[i].line);
    } else {
      assert_int_equal(r.n_errs, 0);
      if (!r.cards[0]->birthday || strcmp(r.cards[0]->birthday, cases[i].want) != 0)
        fail_msg("%s: want %s, got %s", cases[i].line, cases[i].want,
                 r.cards[0]->birthday ? r.cards[0]->birthday : "NULL");
    }
    rp_arena_free(&r.a);
  }
}

/* A BOM, bare CR line ends, lower-case names and 2.1 folding that keeps
 * the blank; the FN is split when there is no N. */
static void test_vcard_bom_cr_lowercase_fn_split(void **state) {
  (void)state;
  result r = {0};
  assert_int_equal(READ(&r, "\xef\xbb\xbf"
                            "begin:vcard\rversion:3.0\rfn:Mary Ann\r  Smith\r"
                            "email;type=internet:MARY@EXAMPLE.COM\rend:vcard\r"
                            "BEGIN:VCARD\nVERSION:2.1\nFN:Jo\nNOTE:two\n words\nEND:VCARD\n"),
                   0);
  dump_errs(&r);
  assert_int_equal(r.n, 2);
  assert_str(r.cards[0]->first_name, "Mary Ann");
  assert_str(r.cards[0]->last_name, "Smith");
  assert_email(r.cards[0], 0, "MARY@example.com", NULL);
  assert_str(r.cards[1]->first_name, "Jo");
  assert_null(r.cards[1]->last_name);
  assert_str(r.cards[1]->notes, "two words");
  rp_arena_free(&r.a);
}

/* Not a vCard file at all: refused as a whole with the reason; an empty
 * one gives no card and no error. */
static void test_vcard_not_a_vcard_file(void **state) {
  (void)state;
  result r = {0};
  assert_int_equal(READ(&r, "first,last,email\nAnn,Lee,ann@example.com\n"), RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "no BEGIN:VCARD"));
  assert_int_equal(r.n_errs, 0);
  assert_int_equal(READ(&r, "\xff\xfe"
                            "B\0E\0G\0I\0N\0"),
                   RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "UTF-16"));
  assert_int_equal(READ(&r, "\r\n\r\n"), 0);
  assert_int_equal(r.n, 0);
  assert_int_equal(READ(&r, ""), 0);
  rp_arena_free(&r.a);
}

/* Invalid UTF-8 in a 3.0 card refuses that card (with the property and
 * line); a 2.1 card without CHARSET is read as windows-1252. */
static void test_vcard_invalid_utf8(void **state) {
  (void)state;
  result r = {0};
  assert_int_equal(READ(&r, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Caf\xe9 Owner\r\nEND:VCARD\r\n"
                            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Caf\xe9 Owner\r\nEND:VCARD\r\n"),
                   0);
  assert_int_equal(r.n, 1);
  assert_str(r.cards[0]->first_name, "Café");
  assert_int_equal(r.lines[0], 5);
  assert_int_equal(r.n_errs, 1);
  assert_int_equal(r.errs[0].line, 1);
  assert_true(r.errs[0].skipped);
  assert_non_null(strstr(r.errs[0].msg, "FN (line 3): not valid UTF-8"));
  rp_arena_free(&r.a);
}

/* Limits: a huge photo is skipped whatever its size, but an over-long
 * text value, more than RP_VCARD_PROPS_MAX properties or more than
 * RP_VCARD_LIST_MAX emails refuse the card; the next card still goes in. */
static void test_vcard_limits(void **state) {
  (void)state;
  rp_sb in = {0};
  rp_sb_puts(&in, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b:");
  for (int i = 0; i < 8000; i++) /* 600 kB, folded */
    rp_sb_puts(&in,
               "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5eg==\r\n ");
  rp_sb_puts(&in, "AA\r\nEND:VCARD\r\n");
  rp_sb_puts(&in, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long Note\r\nNOTE:");
  for (int i = 0; i < RP_VCARD_LINE_MAX / 45; i++)
    rp_sb_puts(&in, "0123456789012345678901234567890123456789012345678\r\n ");
  rp_sb_puts(&in, "end\r\nEND:VCARD\r\n");
  rp_sb_puts(&in, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many Props\r\n");
  for (int i = 0; i <= RP_VCARD_PROPS_MAX; i++)
    rp_sb_puts(&in, "X-FOO:bar\r\n");
  rp_sb_puts(&in, "END:VCARD\r\n");
  rp_sb_puts(&in, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many Emails\r\n");
  for (int i = 0; i <= RP_VCARD_LIST_MAX; i++)
    rp_sb_printf(&in, "EMAIL:m%d@example.com\r\n", i);
  rp_sb_puts(&in, "END:VCARD\r\n");
  rp_sb_puts(&in, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:After\r\nEND:VCARD\r\n");
  result r = {0};
  assert_int_equal(read_buf(&r, in.p, in.len, "US"), 0);
  dump_errs(&r);
  assert_int_equal(r.n, 2);
  assert_str(r.cards[0]->display_name, "Big Photo");
  assert_str(r.cards[1]->display_name, "After");
  assert_int_equal(r.n_errs, 3);
  assert_non_null(strstr(r.errs[0].msg, "NOTE"));
  assert_non_null(strstr(r.errs[0].msg, "longer than"));
  assert_non_null(strstr(r.errs[1].msg, "properties"));
  assert_non_null(strstr(r.errs[2].msg, "more than 20 email"));
  for (int i = 0; i < 3; i++)
    assert_true(r.errs[i].skipped);
  rp_sb_free(&in);
  rp_arena_free(&r.a);
}

/* Several NOTEs are joined by a blank line; past 64 KiB the notes are cut
 * at a character boundary with a warning and the card still goes in. */
static void test_vcard_notes_joined_and_cut(void **state) {
  (void)state;
  rp_sb in = {0};
  rp_sb_puts(&in, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Notes\r\nNOTE:first\r\nNOTE: second \r\n"
                  "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many Notes\r\n");
  for (int i = 0; i < 3; i++) {
    rp_sb_puts(&in, "NOTE:");
    for (int k = 0; k < 15000; k++)
      rp_sb_puts(&in, "é"); /* 30000 bytes */
    rp_sb_puts(&in, "\r\n");
  }
  rp_sb_puts(&in, "END:VCARD\r\n");
  result r = {0};
  assert_int_equal(read_buf(&r, in.p, in.len, "US"), 0);
  assert_int_equal(r.n, 2);
  assert_str(r.cards[0]->notes, "first\n\nsecond");
  const char *notes = r.cards[1]->notes;
  assert_non_null(notes);
  assert_true(strlen(notes) <= 65536 && strlen(notes) > 65000);
  assert_true(strlen(notes) % 2 == 0); /* no "é" cut in half (two \n of each join) */
  assert_int_equal(r.n_errs, 1);
  assert_false(r.errs[0].skipped);
  assert_non_null(strstr(r.errs[0].msg, "cut"));
  rp_sb_free(&in);
  rp_arena_free(&r.a);
}

/* A callback's non-zero return stops the reading and is returned. */
static void test_vcard_callback_stops(void **state) {
  (void)state;
  result r = {0};
  r.stop_after = 1;
  assert_int_equal(READ(&r, "BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\nEND:VCARD\n"), 42);
  assert_int_equal(r.n, 1);
  rp_arena_free(&r.a);
}

/* 2.1 parameters without names and with quoted values; a 4.0 TYPE list in
 * quotes; params with a ':' inside quotes; duplicates merged; tags
 * trimmed, lower-cased and unique. */
static void test_vcard_parameters_and_tags(void **state) {
  (void)state;
  result r = {0};
  assert_int_equal(READ(&r, "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Doe;Jane\r\n"
                            "TEL;TYPE=\"voice,cell\";PREF=1:+1 (201) 555-0123\r\n"
                            "TEL;TYPE=home:201.555.0123\r\n" /* the same number */
                            "EMAIL;TYPE=\"work\";X-NOTE=\"a:b;c\":jane@work.example\r\n"
                            "CATEGORIES: Buyers , buyers,FIRST-TIME\\,Young, \r\n"
                            "CATEGORIES:Buyers\r\nEND:VCARD\r\n"),
                   0);
  dump_errs(&r);
  assert_int_equal(r.n, 1);
  const rp_contact *c = r.cards[0];
  assert_int_equal(c->n_phones, 1);
  assert_phone(c, 0, "+12015550123", "mobile");
  assert_email(c, 0, "jane@work.example", "work");
  static const char *const tags[] = {"buyers", "first-time,young"};
  assert_tags(c, tags, 2);
  rp_arena_free(&r.a);
}

/* URLs: the first that is not a social profile is the website, profiles
 * go to social, and a lone profile URL is the website. */
static void test_vcard_urls_website_and_social(void **state) {
  (void)state;
  result r = {0};
  assert_int_equal(READ(&r, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\n"
                            "URL:https://www.linkedin.com/in/ab\r\nURL:ab-homes.com\r\n"
                            "URL:https://m.facebook.com/ab\r\nURL:mailto:a@b.c\r\nEND:VCARD\r\n"
                            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:C D\r\n"
                            "URL:https://facebook.com/cd\r\nEND:VCARD\r\n"),
                   0);
  dump_errs(&r);
  assert_int_equal(r.n, 2);
  const rp_contact *c = r.cards[0];
  assert_str(c->website, "https://ab-homes.com");
  assert_int_equal(c->n_social, 2);
  assert_str(c->social[0], "https://www.linkedin.com/in/ab");
  assert_str(c->social[1], "https://m.facebook.com/ab");
  assert_int_equal(r.n_errs, 1); /* the mailto: URL */
  assert_false(r.errs[0].skipped);
  assert_non_null(strstr(r.errs[0].msg, "URL (line 7)"));
  assert_str(r.cards[1]->website, "https://facebook.com/cd");
  assert_int_equal(r.cards[1]->n_social, 0);
  rp_arena_free(&r.a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vcard_apple_icloud_grouped_items_and_labels),
      cmocka_unit_test(test_vcard_android_21_quoted_printable),
      cmocka_unit_test(test_vcard_outlook_21_windows_1252),
      cmocka_unit_test(test_vcard_gmail_30),
      cmocka_unit_test(test_vcard_thunderbird_40),
      cmocka_unit_test(test_vcard_broken_cards_reported_by_line),
      cmocka_unit_test(test_vcard_roundtrip_40),
      cmocka_unit_test(test_vcard_roundtrip_30),
      cmocka_unit_test(test_vcard_rapport_fields_read),
      cmocka_unit_test(test_vcard_write_forms),
      cmocka_unit_test(test_vcard_write_folds_utf8_safely),
      cmocka_unit_test(test_vcard_date_forms),
      cmocka_unit_test(test_vcard_bom_cr_lowercase_fn_split),
      cmocka_unit_test(test_vcard_not_a_vcard_file),
      cmocka_unit_test(test_vcard_invalid_utf8),
      cmocka_unit_test(test_vcard_limits),
      cmocka_unit_test(test_vcard_notes_joined_and_cut),
      cmocka_unit_test(test_vcard_callback_stops),
      cmocka_unit_test(test_vcard_parameters_and_tags),
      cmocka_unit_test(test_vcard_urls_website_and_social),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
