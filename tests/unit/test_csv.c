/* test_csv.c: CSV import and export of contacts (API.md "Import and
 * export": text/csv imports with the column names of common CRM and
 * spreadsheet exports; a bad row is reported by the line it starts on and
 * skipped whole, the rest goes in; export then import gives back the same
 * contacts). The sample files in tests/data/csv/ are written as the named
 * programs write them (BOM, CRLF, quoting, windows-1252, semicolons). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/contact_json.h"
#include "io/csv.h"
#include "io/csv_map.h"
#include "util/error.h"
#include "util/strbuf.h"

/* ---- harness ---- */

typedef struct got {
  json_t *rows;   /* the contacts as the API renders them, plus "_line" */
  json_t *errors; /* [{line, message}] */
  int rc;         /* feed/finish result */
  int stop_after; /* on_row returns 7 after this many rows (0: never) */
} got;

static int on_row(void *ctx, const rp_csv_row *row) {
  got *g = ctx;
  json_t *o = rp_contact_to_json(&row->contact);
  json_object_set_new(o, "_line", json_integer((json_int_t)row->line));
  json_object_set_new(o, "_status_given", json_boolean(row->status_given));
  json_object_set_new(o, "_type_given", json_boolean(row->type_given));
  json_array_append_new(g->rows, o);
  if (g->stop_after && json_array_size(g->rows) == (size_t)g->stop_after) return 7;
  return 0;
}

static int on_error(void *ctx, size_t line, const char *message) {
  got *g = ctx;
  json_array_append_new(g->errors,
                        json_pack("{s:I, s:s}", "line", (json_int_t)line, "message", message));
  return 0;
}

/* Reads data through a reader, chunk bytes at a time (0: all at once). */
static got run(const char *data, size_t len, size_t chunk, const char *region) {
  got g = {json_array(), json_array(), 0, 0};
  rp_csv_reader *r = rp_csv_reader_new(region, NULL, on_row, on_error, &g);
  if (!chunk) chunk = len ? len : 1;
  for (size_t off = 0; off < len && !g.rc; off += chunk)
    g.rc = rp_csv_reader_feed(r, data + off, len - off < chunk ? len - off : chunk);
  if (!g.rc) g.rc = rp_csv_reader_finish(r);
  rp_csv_reader_free(r);
  return g;
}

static void got_free(got *g) {
  json_decref(g->rows);
  json_decref(g->errors);
}

static char *slurp(const char *name, size_t *len) {
  char path[256];
  snprintf(path, sizeof path, "tests/data/csv/%s", name);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s (run the test from the repository root)", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static got run_file(const char *name, const char *region) {
  size_t len;
  char *buf = slurp(name, &len);
  got g = run(buf, len, 0, region);
  free(buf);
  return g;
}

static got run_str(const char *s) { return run(s, strlen(s), 0, NULL); }

static const char *sget(const json_t *o, const char *path) {
  /* "a.b" or "a[1].b" */
  char key[64];
  const json_t *v = o;
  const char *p = path;
  while (*p && v) {
    size_t n = strcspn(p, ".[");
    snprintf(key, sizeof key, "%.*s", (int)n, p);
    if (n) v = json_object_get(v, key);
    p += n;
    if (*p == '[') {
      v = json_array_get(v, strtoul(p + 1, NULL, 10));
      p = strchr(p, ']') + 1;
    }
    if (*p == '.') p++;
  }
  return json_is_string(v) ? json_string_value(v) : NULL;
}

#define ROW(g, i) json_array_get((g).rows, (i))
#define ASSERT_S(o, path, want)                                                                    \
  do {                                                                                             \
    const char *got_ = sget((o), (path));                                                          \
    if (!got_ || strcmp(got_, (want)) != 0)                                                        \
      fail_msg("%s: want \"%s\", got \"%s\"", (path), (want), got_ ? got_ : "(null)");             \
  } while (0)
#define ASSERT_NULL(o, path) assert_null(sget((o), (path)))

static json_int_t line_of(const json_t *o) {
  return json_integer_value(json_object_get(o, "_line"));
}

static json_t *custom_of(const json_t *o) { return json_object_get(o, "custom"); }

static void assert_error(const got *g, size_t i, json_int_t line, const char *part) {
  json_t *e = json_array_get(g->errors, i);
  if (!e) fail_msg("no error #%zu (want line %d: %s)", i, (int)line, part);
  const char *m = json_string_value(json_object_get(e, "message"));
  json_int_t l = json_integer_value(json_object_get(e, "line"));
  if (l != line || !strstr(m, part))
    fail_msg("error #%zu: want line %d with \"%s\", got line %d \"%s\"", i, (int)line, part, (int)l,
             m);
}

/* ---- sample files ---- */

/* Excel's "CSV UTF-8": the BOM is not part of the first header name,
 * CRLF, accents, a quoted comma, a quoted note over two lines with doubled
 * quotes, a row with only a company, a short row. */
static void test_csv_generic_excel_utf8_bom_crlf(void **state) {
  (void)state;
  got g = run_file("generic_bom_crlf.csv", NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), 4);
  json_t *zoe = ROW(g, 0), *jose = ROW(g, 1), *acme = ROW(g, 2), *ann = ROW(g, 3);
  ASSERT_S(zoe, "first_name", "Zoë");
  ASSERT_S(zoe, "last_name", "Brontë");
  ASSERT_S(zoe, "display_name", "Zoë Brontë");
  ASSERT_S(zoe, "emails[0].address", "zoe.bronte@example.com");
  ASSERT_S(zoe, "phones[0].number", "+12015550123");
  ASSERT_S(zoe, "address.street", "12 Elm St");
  ASSERT_S(zoe, "address.region", "NJ");
  ASSERT_S(zoe, "address.postal_code", "07042");
  ASSERT_S(zoe, "birthday", "1980-03-15");
  ASSERT_S(zoe, "tags[0]", "buyer");
  ASSERT_S(zoe, "tags[1]", "referral");
  ASSERT_S(jose, "company", "Núñez, Ortiz & Co");
  ASSERT_S(jose, "notes", "Met at the open house at 4 Oak Ln.\r\nWants a \"quiet\" street.");
  ASSERT_S(acme, "display_name", "Acme Title Co");
  ASSERT_S(acme, "tags[0]", "vendor");
  ASSERT_S(ann, "emails[0].address", "ann.lee@example.com");
  assert_int_equal(line_of(zoe), 2);
  assert_int_equal(line_of(jose), 3);
  assert_int_equal(line_of(acme), 5); /* the note took lines 3 and 4 */
  assert_int_equal(line_of(ann), 6);
  assert_false(json_is_true(json_object_get(zoe, "_status_given")));
  got_free(&g);
}

/* Google Contacts' old "Google CSV": Given/Family Name over Name, " ::: "
 * lists in one cell, "* Home" labels, the address parts (not the formatted
 * block), "* myContacts" dropped from the groups, "--MM-DD" birthdays,
 * unknown columns with a value in custom. */
static void test_csv_google_old_export(void **state) {
  (void)state;
  got g = run_file("google_old.csv", NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), 2);
  json_t *m = ROW(g, 0), *tom = ROW(g, 1);
  ASSERT_S(m, "first_name", "Maria");
  ASSERT_S(m, "last_name", "Garcia");
  ASSERT_S(m, "emails[0].address", "maria.garcia@example.com");
  ASSERT_S(m, "emails[0].label", "Home");
  ASSERT_S(m, "emails[1].address", "mgarcia@example.net");
  ASSERT_S(m, "emails[1].label", "Home");
  ASSERT_S(m, "emails[2].address", "maria@hospital.example.org");
  ASSERT_S(m, "emails[2].label", "Work");
  ASSERT_S(m, "phones[0].number", "+19735550147");
  ASSERT_S(m, "phones[0].label", "Mobile");
  ASSERT_S(m, "phones[1].number", "+19735550100");
  ASSERT_S(m, "address.street", "88 Park Ave, Apt 4");
  ASSERT_S(m, "address.city", "Newark");
  ASSERT_S(m, "address.country", "US");
  ASSERT_S(m, "company", "St. Mary Hospital");
  ASSERT_S(m, "website", "http://www.example.com/maria");
  ASSERT_S(m, "birthday", "1975-11-02");
  ASSERT_S(m, "interests", "Tennis");
  assert_int_equal(json_array_size(json_object_get(m, "tags")), 2);
  ASSERT_S(m, "tags[0]", "past clients");
  ASSERT_S(m, "tags[1]", "starred");
  ASSERT_S(custom_of(m), "Occupation", "Nurse");
  ASSERT_S(custom_of(m), "Organization 1 - Title", "Head Nurse");
  assert_null(json_object_get(custom_of(m), "Address 1 - Formatted"));
  assert_null(json_object_get(custom_of(m), "Name"));
  ASSERT_S(tom, "first_name", "Tom");
  ASSERT_S(tom, "birthday", "--04-30");
  ASSERT_S(tom, "phones[0].number", "+12015550111");
  assert_int_equal(json_array_size(json_object_get(tom, "tags")), 0);
  assert_int_equal(line_of(m), 2);
  assert_int_equal(line_of(tom), 6); /* Maria's formatted address took 4 lines */
  got_free(&g);
}

/* Google Contacts' new export: Labels, "E-mail 1 - Label", two numbers in
 * one phone cell, a foreign number, a middle name kept in custom. */
static void test_csv_google_new_export(void **state) {
  (void)state;
  got g = run_file("google_new.csv", NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), 2);
  json_t *li = ROW(g, 0), *sam = ROW(g, 1);
  ASSERT_S(li, "display_name", "Li Chen");
  ASSERT_S(custom_of(li), "Middle Name", "Wei");
  ASSERT_S(custom_of(li), "Organization Title", "Broker");
  ASSERT_S(li, "company", "Chen Realty Group");
  ASSERT_S(li, "birthday", "--07-04");
  ASSERT_S(li, "notes", "Referred by Maria.");
  ASSERT_S(li, "emails[0].label", "Work");
  ASSERT_S(li, "phones[0].number", "+442079460958");
  ASSERT_S(li, "phones[0].label", "Mobile");
  ASSERT_S(li, "phones[1].number", "+12125550163");
  ASSERT_S(li, "phones[2].number", "+12125550164");
  ASSERT_S(li, "phones[2].label", "Work");
  ASSERT_S(li, "address.postal_code", "E14 5AB");
  ASSERT_S(li, "tags[0]", "agents");
  ASSERT_S(li, "tags[1]", "golf");
  ASSERT_S(sam, "last_name", "O'Neil");
  ASSERT_S(sam, "emails[0].label", "Other");
  ASSERT_S(sam, "birthday", "1992-02-29");
  got_free(&g);
}

/* Outlook: every field quoted, "E-mail Type" SMTP is no label, labelled
 * phone columns, an extension dropped, a two-line home street, "0/0/00"
 * is no date, M/D/YYYY dates, ";" between categories, Outlook's
 * always-filled columns (Gender Unspecified, Priority, Sensitivity,
 * Private) not in custom. */
static void test_csv_outlook_export(void **state) {
  (void)state;
  got g = run_file("outlook.csv", NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), 2);
  json_t *bob = ROW(g, 0), *priya = ROW(g, 1);
  ASSERT_S(bob, "emails[0].address", "bob.kowalski@example.com");
  ASSERT_NULL(bob, "emails[0].label");
  ASSERT_S(bob, "emails[1].address", "rkowalski@work.example.com");
  ASSERT_S(bob, "phones[0].number", "+18625550190");
  ASSERT_S(bob, "phones[0].label", "home");
  ASSERT_S(bob, "phones[1].number", "+18625550191");
  ASSERT_S(bob, "phones[1].label", "work");
  ASSERT_S(bob, "phones[2].label", "mobile");
  ASSERT_S(bob, "address.street", "301 Maple Rd, Unit B");
  ASSERT_S(bob, "address.city", "Clifton");
  ASSERT_S(bob, "address.country", "United States of America");
  ASSERT_S(bob, "company", "Bridgeworks");
  ASSERT_S(bob, "partner", "Ewa");
  ASSERT_S(bob, "birthday", "1968-07-09");
  ASSERT_S(bob, "anniversary", "1992-06-21");
  ASSERT_S(bob, "notes", "Sold 14 Birch Ct in 2019.\r\nLikes fishing.");
  ASSERT_S(bob, "tags[0]", "past clients");
  ASSERT_S(bob, "tags[1]", "holiday card");
  json_t *c = custom_of(bob);
  ASSERT_S(c, "Job Title", "Engineer");
  ASSERT_S(c, "Business City", "Paterson");
  assert_null(json_object_get(c, "Gender"));
  assert_null(json_object_get(c, "Priority"));
  assert_null(json_object_get(c, "Private"));
  assert_null(json_object_get(c, "E-mail Display Name"));
  ASSERT_NULL(priya, "birthday");
  ASSERT_S(priya, "phones[0].number", "+19735550175");
  assert_int_equal(json_object_size(custom_of(priya)), 0);
  got_free(&g);
}

/* Follow Up Boss: its "Stage" holds statuses (Past Client, Lead), Sphere
 * is a personal contact, an unknown stage (Trash) lands in custom without
 * an error; Created is when the contact became known. */
static void test_csv_followupboss_stage_to_status(void **state) {
  (void)state;
  got g = run_file("followupboss.csv", NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), 4);
  json_t *dana = ROW(g, 0), *marcus = ROW(g, 1), *erin = ROW(g, 2), *kim = ROW(g, 3);
  ASSERT_S(dana, "status", "past_client");
  assert_true(json_is_true(json_object_get(dana, "_status_given")));
  ASSERT_S(dana, "source", "Zillow");
  ASSERT_S(dana, "notes", "Bought 19 Ridge Rd.");
  ASSERT_S(dana, "address.postal_code", "07110");
  ASSERT_S(dana, "known_since", "2021-06-14");
  ASSERT_S(dana, "tags[0]", "closed 2022");
  ASSERT_S(custom_of(dana), "Lead Agent", "Chris Agent");
  ASSERT_S(custom_of(dana), "Price", "525000");
  ASSERT_S(marcus, "type", "personal");
  assert_true(json_is_true(json_object_get(marcus, "_type_given")));
  assert_false(json_is_true(json_object_get(marcus, "_status_given")));
  ASSERT_S(marcus, "emails[1].address", "mbell@example.net");
  ASSERT_S(erin, "status", "lead");
  ASSERT_S(custom_of(erin), "Price", "$400,000");
  assert_false(json_is_true(json_object_get(kim, "_status_given")));
  ASSERT_S(custom_of(kim), "Stage", "Trash");
  got_free(&g);
}

/* kvCORE: Lead Type is the intent (Both = buy_sell), Status maps when it
 * is one of ours or a synonym (Closed = past_client), "Hot" and "Renter"
 * are kept in custom, US dates with leading zeros. */
static void test_csv_kvcore_lead_type_and_status(void **state) {
  (void)state;
  got g = run_file("kvcore.csv", NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), 4);
  json_t *ava = ROW(g, 0), *ben = ROW(g, 1), *cleo = ROW(g, 2), *dev = ROW(g, 3);
  ASSERT_S(ava, "intent", "buy");
  ASSERT_S(custom_of(ava), "Status", "Hot");
  ASSERT_S(ava, "phones[0].number", "+12015550161");
  ASSERT_S(ava, "known_since", "2024-03-02");
  ASSERT_S(ava, "tags[1]", "pre-approved");
  ASSERT_S(ben, "intent", "sell");
  ASSERT_S(ben, "status", "client");
  ASSERT_S(ben, "address.city", "Verona");
  ASSERT_S(cleo, "intent", "buy_sell");
  ASSERT_S(cleo, "status", "past_client");
  ASSERT_S(cleo, "known_since", "2022-01-05");
  ASSERT_S(dev, "intent", "none");
  ASSERT_S(custom_of(dev), "Lead Type", "Renter");
  ASSERT_S(dev, "type", "personal");
  got_free(&g);
}

/* Bad rows are reported with the line they start on and the column at
 * fault, and skipped whole; the good rows around them go in; a row of
 * commas is no row; an unterminated quote at the end is its row's error. */
static void test_csv_broken_rows_reported_by_line(void **state) {
  (void)state;
  got g = run_file("broken_rows.csv", NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.rows), 3);
  assert_int_equal(line_of(ROW(g, 0)), 2);
  assert_int_equal(line_of(ROW(g, 1)), 4);
  assert_int_equal(line_of(ROW(g, 2)), 9);
  ASSERT_S(ROW(g, 1), "notes", "first line\nsecond line, with a comma\nthird \"quoted\" line");
  ASSERT_S(ROW(g, 2), "first_name", "Short");
  assert_int_equal(json_array_size(g.errors), 4);
  assert_error(&g, 0, 3, "column \"Email\" (\"bad.email@@example.com\")");
  assert_error(&g, 1, 7, "column \"Phone\" (\"call me maybe\")");
  assert_error(&g, 2, 8, "needs a first name, last name, company, email or phone");
  assert_error(&g, 3, 11, "quoted field is not closed");
  got_free(&g);
}

/* Excel on a European Windows: windows-1252 bytes become the right UTF-8,
 * ";" is the delimiter, D.M.YYYY dates, the account's region completes a
 * local number. */
static void test_csv_excel_windows1252_semicolons(void **state) {
  (void)state;
  got g = run_file("excel_cp1252.csv", "FR");
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), 2);
  json_t *fr = ROW(g, 0), *de = ROW(g, 1);
  ASSERT_S(fr, "first_name", "François");
  ASSERT_S(fr, "last_name", "Lefèvre");
  ASSERT_S(fr, "address.city", "Besançon");
  ASSERT_S(fr, "phones[0].number", "+33612345678");
  ASSERT_S(fr, "phones[0].label", "mobile");
  ASSERT_S(fr, "birthday", "1980-03-15");
  ASSERT_S(fr, "notes", "Budget 450 000 € – maison");
  ASSERT_S(de, "last_name", "Groß");
  ASSERT_S(de, "address.city", "Köln");
  ASSERT_S(de, "birthday", "1975-12-01");
  ASSERT_S(de, "notes", "„Sehr nett“");
  got_free(&g);
}

/* The bytes may arrive in any pieces (an upload read 1, 7 or 4096 bytes at
 * a time): the same rows, errors and lines. */
static void test_csv_chunking_does_not_change_the_result(void **state) {
  (void)state;
  static const char *const files[] = {"generic_bom_crlf.csv", "broken_rows.csv", "outlook.csv",
                                      "excel_cp1252.csv", "google_old.csv"};
  static const size_t chunks[] = {1, 2, 3, 7, 64};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    size_t len;
    char *buf = slurp(files[f], &len);
    got whole = run(buf, len, 0, "FR");
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
      got part = run(buf, len, chunks[c], "FR");
      assert_int_equal(part.rc, whole.rc);
      if (!json_equal(part.rows, whole.rows) || !json_equal(part.errors, whole.errors))
        fail_msg("%s in chunks of %zu reads differently", files[f], chunks[c]);
      got_free(&part);
    }
    got_free(&whole);
    free(buf);
  }
}

/* ---- inline inputs ---- */

static void test_csv_sep_line_and_tab_delimiter(void **state) {
  (void)state;
  got g = run_str("sep=;\r\nFirst Name;Email\r\nAnn;ann@example.com\r\n");
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.rows), 1);
  assert_int_equal(line_of(ROW(g, 0)), 3);
  ASSERT_S(ROW(g, 0), "emails[0].address", "ann@example.com");
  got_free(&g);
  g = run_str("First Name\tLast Name\tPhone\nBo\tDiddley, Jr\t201 555 0100\n");
  assert_int_equal(json_array_size(g.rows), 1);
  ASSERT_S(ROW(g, 0), "last_name", "Diddley, Jr");
  got_free(&g);
  /* a full name split when first and last are missing */
  g = run_str("Name,E-mail\nLee, Ann,ann@example.com\n\"Lee, Ann\",ann@example.com\nMary Ann "
              "Smith,m@example.com\n");
  assert_int_equal(json_array_size(g.rows), 2);
  ASSERT_S(ROW(g, 0), "first_name", "Ann");
  ASSERT_S(ROW(g, 0), "last_name", "Lee");
  ASSERT_S(ROW(g, 1), "first_name", "Mary Ann");
  ASSERT_S(ROW(g, 1), "last_name", "Smith");
  /* "Lee, Ann" unquoted is three fields for two columns: refused */
  assert_error(&g, 0, 2, "the row has 3 fields, the header only 2");
  got_free(&g);
}

/* Excel's "Unicode Text" (UTF-16 LE with a BOM, tabs, CRLF, a quoted note
 * over two lines) reads as its UTF-8 twin would: accents, CJK and a
 * character outside the BMP (a surrogate pair) arrive whole, whatever the
 * pieces the file comes in (an odd byte or half a pair at a cut). */
static void test_csv_utf16_is_read_as_utf8(void **state) {
  (void)state;
  size_t len;
  char *buf = slurp("excel_unicode_text.txt", &len);
  for (size_t chunk = 0; chunk <= 7; chunk += chunk ? 2 : 1) { /* whole, 1, 3, 5, 7 */
    got g = run(buf, len, chunk, NULL);
    assert_int_equal(g.rc, 0);
    assert_int_equal(json_array_size(g.errors), 0);
    assert_int_equal(json_array_size(g.rows), 3);
    ASSERT_S(ROW(g, 0), "first_name", "Zoë");
    ASSERT_S(ROW(g, 0), "last_name", "Lefèvre");
    ASSERT_S(ROW(g, 0), "emails[0].address", "zoe.lefevre@example.fr");
    ASSERT_S(ROW(g, 0), "notes", "Cherche un T3 à Lyon");
    ASSERT_S(ROW(g, 1), "first_name", "Łukasz");
    ASSERT_S(ROW(g, 1), "notes", "Wants a view \xF0\x9F\x8F\xA1 and a garage");
    ASSERT_S(ROW(g, 2), "first_name", "李");
    ASSERT_S(ROW(g, 2), "notes", "Two lines\nof notes");
    got_free(&g);
  }
  free(buf);
  /* big-endian, a lone half of a pair and a file cut inside a character:
   * U+FFFD in their place, the rest read */
  static const char be[] = "\xFE\xFF"
                           "\0F\0i\0r\0s\0t\0 \0N\0a\0m\0e\0\n"
                           "\0A\xD8\x3D\0n\0n\0\n"
                           "\0B\0o\xDC\0\0";
  got g = run(be, sizeof be - 1, 3, NULL);
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.rows), 2);
  ASSERT_S(ROW(g, 0), "first_name", "A\xEF\xBF\xBDnn");
  ASSERT_S(ROW(g, 1), "first_name", "Bo\xEF\xBF\xBD\xEF\xBF\xBD");
  got_free(&g);
}

/* What is not a CSV file of contacts is refused as a whole, with a reason
 * the user can act on. */
static void test_csv_not_a_contact_file_is_refused(void **state) {
  (void)state;
  got g = run_str("foo,bar,baz\n1,2,3\n");
  assert_int_equal(g.rc, RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "no column of the header"));
  assert_int_equal(json_array_size(g.rows), 0);
  got_free(&g);
  g = run_str("");
  assert_int_equal(g.rc, RP_EINVALID_VALUE);
  assert_non_null(strstr(rp_error_last()->message, "empty"));
  got_free(&g);
  g = run_str("\xEF\xBB\xBF\r\n\r\n");
  assert_int_equal(g.rc, RP_EINVALID_VALUE);
  got_free(&g);
}

/* Per-row checks beyond email and phone: a date that is no date, a
 * yes/no that is neither, invalid UTF-8 once the file is UTF-8, extra
 * non-empty fields; empty extra fields are fine. */
static void test_csv_row_errors_name_the_column(void **state) {
  (void)state;
  got g = run_str("First Name,Birthday,SMS Opt Out,Website\n"
                  "A,13/13/2020,,\n"
                  "B,,maybe,\n"
                  "C\xC3\xA9,,,\n"
                  "D\xC3,,,\n"
                  "E,,,not a url\n"
                  "F,,yes,,,,\n"
                  "G,,,,x\n");
  assert_int_equal(g.rc, 0);
  assert_error(&g, 0, 2, "column \"Birthday\" (\"13/13/2020\"): not a date");
  assert_error(&g, 1, 3, "column \"SMS Opt Out\" (\"maybe\"): not yes or no");
  assert_error(&g, 2, 5, "column \"First Name\": not valid UTF-8");
  assert_error(&g, 3, 6, "column \"Website\" (\"not a url\")");
  assert_error(&g, 4, 8, "the row has 5 fields, the header only 4");
  assert_int_equal(json_array_size(g.rows), 2);
  ASSERT_S(ROW(g, 0), "first_name", "Cé");
  assert_true(json_is_true(json_object_get(ROW(g, 1), "sms_opt_out")));
  got_free(&g);
}

/* A quote never closed swallows at most RP_CSV_ROW_MAX bytes: the row is
 * reported at its first line and reading goes on after it. */
static void test_csv_overlong_row_is_bounded(void **state) {
  (void)state;
  rp_sb sb = {0};
  rp_sb_puts(&sb, "First Name,Notes\nOpen,\"never closed\n");
  for (int i = 0; i < 20000; i++)
    rp_sb_puts(&sb, "==========================================================\n");
  rp_sb_puts(&sb, "Late,row\n");
  got g = run(sb.p, sb.len, 4096, NULL);
  assert_int_equal(g.rc, 0);
  assert_error(&g, 0, 2, "longer than");
  json_t *last = json_array_get(g.rows, json_array_size(g.rows) - 1);
  ASSERT_S(last, "first_name", "Late");
  assert_int_equal(line_of(last), 20003);
  got_free(&g);
  rp_sb_free(&sb);
}

/* A callback's non-zero result stops the reading and comes back. */
static void test_csv_callback_stops_reading(void **state) {
  (void)state;
  const char *s = "Email\na@example.com\nb@example.com\nc@example.com\n";
  got g = {json_array(), json_array(), 0, 1};
  rp_csv_reader *r = rp_csv_reader_new(NULL, NULL, on_row, on_error, &g);
  assert_int_equal(rp_csv_reader_feed(r, s, strlen(s)), 7);
  assert_int_equal(rp_csv_reader_feed(r, s, strlen(s)), 7);
  assert_int_equal(json_array_size(g.rows), 1);
  rp_csv_reader_free(r);
  got_free(&g);
}

/* ---- value rules ---- */

static void test_csv_dates_as_spreadsheets_write_them(void **state) {
  (void)state;
  static const struct {
    const char *in;
    bool month_day;
    int rc;
    const char *want;
  } cases[] = {
      {"2024-03-01", false, 1, "2024-03-01"},
      {"2024/3/1", false, 1, "2024-03-01"},
      {"3/1/2024", false, 1, "2024-03-01"},
      {"03/01/2024 14:22", false, 1, "2024-03-01"},
      {"3/1/2024 2:22 PM", false, 1, "2024-03-01"},
      {"2024-03-01T14:22:00Z", false, 1, "2024-03-01"},
      {"25/12/2023", false, 1, "2023-12-25"}, /* D/M when it cannot be M/D */
      {"1.12.1975", false, 1, "1975-12-01"},
      {"7/9/68", false, 1, "1968-07-09"},
      {"7/9/05", false, 1, "2005-07-09"},
      {"2/29/2024", false, 1, "2024-02-29"},
      {"0/0/00", false, 0, ""},
      {"0000-00-00", false, 0, ""},
      {"  ", false, 0, ""},
      {"--04-30", true, 1, "--04-30"},
      {"4/30", true, 1, "--04-30"},
      {"--04-30", false, -1, ""},
      {"2/29/2023", false, -1, ""},
      {"13/13/2020", false, -1, ""},
      {"1-2-2020", false, -1, ""},
      {"March 3, 2020", false, -1, ""},
      {"2020-01-01 lunch", false, -1, ""},
      {"12345-01-01", false, -1, ""},
  };
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[11];
    int rc = rp_csv_date(out, cases[i].in, strlen(cases[i].in), cases[i].month_day);
    if (rc != cases[i].rc || (rc == 1 && strcmp(out, cases[i].want) != 0)) {
      print_error("\"%s\": want %d %s, got %d %s\n", cases[i].in, cases[i].rc, cases[i].want, rc,
                  rc == 1 ? out : "");
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

static void test_csv_header_names_of_common_exports(void **state) {
  (void)state;
  static const struct {
    const char *name;
    rp_csv_col_kind kind;
    int group;
    const char *label;
  } cases[] = {
      {"First Name", RP_COL_FIRST, 0, NULL},
      {"first_name", RP_COL_FIRST, 0, NULL},
      {"  FIRSTNAME ", RP_COL_FIRST, 0, NULL},
      {"Given Name", RP_COL_FIRST, 0, NULL},
      {"E-mail Address", RP_COL_EMAIL, 0, NULL},
      {"E-mail 2 Address", RP_COL_EMAIL, 2, NULL},
      {"E-mail 1 - Value", RP_COL_EMAIL, 1, NULL},
      {"E-mail 1 - Label", RP_COL_EMAIL_LABEL, 1, NULL},
      {"Email 1", RP_COL_EMAIL, 1, NULL},
      {"Phone 1 - Type", RP_COL_PHONE_LABEL, 1, NULL},
      {"Mobile Phone", RP_COL_PHONE, 0, "mobile"},
      {"Cell", RP_COL_PHONE, 0, "mobile"},
      {"Home Phone 2", RP_COL_PHONE, 2, "home"},
      {"Business Fax", RP_COL_PHONE, 0, "fax"},
      {"Address 1 - Street", RP_COL_STREET, 1, NULL},
      {"Address 2 - Street", RP_COL_CUSTOM, 0, NULL},
      {"Address 1 - Zip", RP_COL_POSTAL, 1, NULL},
      {"Address Line 2", RP_COL_STREET2, 0, NULL},
      {"Home Street 2", RP_COL_STREET2, 0, NULL},
      {"Home Country/Region", RP_COL_COUNTRY, 0, NULL},
      {"Zip/Postal Code", RP_COL_POSTAL, 0, NULL},
      {"Postal Code", RP_COL_POSTAL, 0, NULL},
      {"State/Region", RP_COL_REGION, 0, NULL},
      {"Organization 1 - Name", RP_COL_COMPANY, 1, NULL},
      {"Group Membership", RP_COL_TAGS, 0, NULL},
      {"Categories", RP_COL_TAGS, 0, NULL},
      {"Lead Type", RP_COL_INTENT, 0, NULL},
      {"Lead Source", RP_COL_SOURCE, 0, NULL},
      {"Date Added", RP_COL_KNOWN_SINCE, 0, NULL},
      {"Sensitivity", RP_COL_IGNORE, 0, NULL},
      {"Custom", RP_COL_CUSTOM_JSON, 0, NULL},
      {"Favourite Colour", RP_COL_CUSTOM, 0, NULL},
      {"", RP_COL_CUSTOM, 0, NULL},
  };
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_csv_col c = rp_csv_map_header(cases[i].name, strlen(cases[i].name));
    bool label_ok = cases[i].label ? c.label && strcmp(c.label, cases[i].label) == 0 : !c.label;
    if (c.kind != cases[i].kind || c.group != cases[i].group || !label_ok) {
      print_error("\"%s\": want kind %d group %d, got %d %d\n", cases[i].name, cases[i].kind,
                  cases[i].group, c.kind, c.group);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

/* ---- export ---- */

static const char *const roundtrip_contacts[] = {
    "{\"first_name\": \"Zoë\", \"last_name\": \"O'Brien-Núñez\", \"company\": \"Acme, Inc.\","
    " \"emails\": [{\"address\": \"zoe@example.com\", \"label\": \"Home\"},"
    " {\"address\": \"z.obrien@work.example.com\", \"label\": \"work, main\"}],"
    " \"phones\": [{\"number\": \"+12015550123\", \"label\": \"mobile\"},"
    " {\"number\": \"+442079460958\"}],"
    " \"address\": {\"street\": \"12 Elm St, Apt \\\"B\\\"\", \"city\": \"Montclair\", \"region\":"
    " \"NJ\", \"postal_code\": \"07042\", \"country\": \"US\"},"
    " \"website\": \"https://zoe.example.com/\", \"social\": [\"https://www.linkedin.com/in/zoe\","
    " \"https://twitter.com/zoe\"], \"birthday\": \"--03-15\", \"anniversary\": \"2001-06-30\","
    " \"partner\": \"Sam\", \"children\": \"Ava (7)\\nBen (4)\", \"pets\": \"Rex\","
    " \"interests\": \"golf; jazz\", \"notes\": \"Line one,\\r\\nline \\\"two\\\"\\n\\n=SUM(A1)\","
    " \"tags\": [\"buyer\", \"first-time\", \"vip\"], \"source\": \"Zillow\", \"status\": \"lead\","
    " \"stage\": \"know\", \"category\": \"b\", \"type\": \"client\", \"intent\": \"buy_sell\","
    " \"timeframe\": \"2026-09-01\", \"budget\": 450000.5, \"known_since\": \"2019-04-01\","
    " \"last_purchase_date\": \"2015-05-05\", \"last_sale_date\": \"2020-02-02\","
    " \"contact_interval_days\": 45, \"sms_opt_out\": true, \"email_opt_out\": false,"
    " \"custom\": {\"Lot size\": \"0.25 ac\", \"floors\": 2, \"pool\": true, \"note\": "
    "\"a,b\\\"c\"}}",
    /* a value a spreadsheet would run as a formula, and one that already
       starts with the guard */
    "{\"first_name\": \"=HYPERLINK(\\\"http://evil.example\\\")\", \"last_name\": \"'+1\","
    " \"company\": \"@home\", \"notes\": \"-5 degrees\", \"status\": \"none\", \"type\": "
    "\"vendor\"}",
    /* only a phone; every other column empty */
    "{\"phones\": [{\"number\": \"+33612345678\", \"label\": \"  \"}]}",
    "{\"company\": \"  Spaces Around  \", \"category\": \"a\", \"status\": \"past_client\","
    " \"stage\": \"trust\", \"type\": \"hidden\", \"budget\": 1e15}",
};

static json_t *without_derived(json_t *o) {
  json_object_del(o, "display_name");
  json_object_del(o, "_line");
  json_object_del(o, "_status_given");
  json_object_del(o, "_type_given");
  return o;
}

/* Export then import gives back the same contacts (API.md), with every
 * writable field but the ids, whatever the text holds: commas, quotes,
 * line breaks, accents, formula-looking values. */
static void test_csv_export_then_import_gives_back_the_same_contacts(void **state) {
  (void)state;
  size_t n = sizeof roundtrip_contacts / sizeof roundtrip_contacts[0];
  rp_arena ar = {0};
  rp_sb out = {0};
  rp_csv_writer w = {.n_emails = 2, .n_phones = 2, .bom = true};
  json_t *want = json_array();
  rp_csv_write_header(&out, &w);
  for (size_t i = 0; i < n; i++) {
    json_error_t jerr;
    json_t *body = json_loads(roundtrip_contacts[i], 0, &jerr);
    if (!body) fail_msg("contact %zu: %s", i, jerr.text);
    rp_contact c;
    rp_contact_given given;
    if (rp_contact_from_json(&c, &given, body, "US", &ar) != 0)
      fail_msg("contact %zu: %s: %s", i, rp_error_last()->field, rp_error_last()->message);
    if (!given.status) c.status = RP_STATUS_SUSPECT, c.stage = RP_STAGE_AWARE;
    rp_csv_write_contact(&out, &w, &c);
    json_array_append_new(want, without_derived(rp_contact_to_json(&c)));
    json_decref(body);
  }
  assert_int_equal(w.dropped, 0);
  /* what a spreadsheet sees */
  assert_memory_equal(out.p,
                      "\xEF\xBB\xBF"
                      "First Name,Last Name,Company,Email 1,Email 1 Label,",
                      53);
  assert_non_null(strstr(out.p, "Custom\r\n"));
  assert_non_null(strstr(out.p, "\"'=HYPERLINK(\"\"http://evil.example\"\")\",''+1,'@home,"));
  assert_non_null(strstr(out.p, "\"Line one,\r\nline \"\"two\"\"\n\n=SUM(A1)\""));
  assert_non_null(strstr(out.p, "\"buyer, first-time, vip\""));
  got g = run(out.p, out.len, 0, "US");
  assert_int_equal(g.rc, 0);
  assert_int_equal(json_array_size(g.errors), 0);
  assert_int_equal(json_array_size(g.rows), n);
  for (size_t i = 0; i < n; i++) {
    json_t *back = without_derived(json_array_get(g.rows, i));
    if (!json_equal(back, json_array_get(want, i))) {
      char *a = json_dumps(json_array_get(want, i), JSON_SORT_KEYS);
      char *b = json_dumps(back, JSON_SORT_KEYS);
      print_error("contact %zu changed:\n%s\n%s\n", i, a, b);
      free(a);
      free(b);
      fail();
    }
  }
  got_free(&g);
  json_decref(want);
  rp_sb_free(&out);
  rp_arena_free(&ar);
}

/* More emails than columns are counted, not silently lost. */
static void test_csv_export_counts_what_does_not_fit(void **state) {
  (void)state;
  rp_email emails[4] = {{"a@example.com", NULL},
                        {"b@example.com", NULL},
                        {"c@example.com", NULL},
                        {"d@example.com", NULL}};
  rp_contact c = {.first_name = "Ann", .emails = emails, .n_emails = 4, .custom_json = "{}"};
  rp_csv_writer w = {0};
  rp_sb out = {0};
  rp_csv_write_header(&out, &w);
  assert_non_null(strstr(out.p, ",Email 3 Label,Phone 1,"));
  rp_csv_write_contact(&out, &w, &c);
  assert_int_equal(w.dropped, 1);
  assert_non_null(strstr(out.p, "c@example.com"));
  assert_null(strstr(out.p, "d@example.com"));
  rp_sb_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_generic_excel_utf8_bom_crlf),
      cmocka_unit_test(test_csv_google_old_export),
      cmocka_unit_test(test_csv_google_new_export),
      cmocka_unit_test(test_csv_outlook_export),
      cmocka_unit_test(test_csv_followupboss_stage_to_status),
      cmocka_unit_test(test_csv_kvcore_lead_type_and_status),
      cmocka_unit_test(test_csv_broken_rows_reported_by_line),
      cmocka_unit_test(test_csv_excel_windows1252_semicolons),
      cmocka_unit_test(test_csv_chunking_does_not_change_the_result),
      cmocka_unit_test(test_csv_sep_line_and_tab_delimiter),
      cmocka_unit_test(test_csv_utf16_is_read_as_utf8),
      cmocka_unit_test(test_csv_not_a_contact_file_is_refused),
      cmocka_unit_test(test_csv_row_errors_name_the_column),
      cmocka_unit_test(test_csv_overlong_row_is_bounded),
      cmocka_unit_test(test_csv_callback_stops_reading),
      cmocka_unit_test(test_csv_dates_as_spreadsheets_write_them),
      cmocka_unit_test(test_csv_header_names_of_common_exports),
      cmocka_unit_test(test_csv_export_then_import_gives_back_the_same_contacts),
      cmocka_unit_test(test_csv_export_counts_what_does_not_fit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
