/* fuzz_vcard.c: libFuzzer driver for the vCard reader and writer
 * (io/vcard.h). Beyond memory errors, UB and unbounded work it checks the
 * contract: the reader returns 0, RP_EINVALID_VALUE or RP_ETOOLARGE; every
 * contact it gives has a name, email, phone or company, valid UTF-8
 * strings, single-line names without control characters, E.164 phones,
 * checked emails, dates in "YYYY-MM-DD" / "--MM-DD", lower-case unique
 * tags; and writing it as 4.0 and as 3.0 then reading that back gives one
 * card with the same fields (export then import gives the same contacts).
 * (One line, as tests/fuzz/run.sh reads it; the writer has no header of its own.)
 * fuzz-sources: src/io/vcard.c src/io/vcard_write.c src/core/contact.c src/core/enums.c src/core/email.c src/core/phone.c src/util/error.c src/util/text.c src/util/arena.c src/util/strbuf.c src/util/mem.c src/util/clock.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/email.h"
#include "io/vcard.h"
#include "util/error.h"
#include "util/text.h"

static void check_str(const char *s, bool line) {
  if (!s) return;
  size_t n = strlen(s);
  if (n == 0 || !rp_utf8_valid(s, n)) abort();
  if (s[0] == ' ' || s[n - 1] == ' ') abort();
  if (line)
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) abort();
}

static void check_date(const char *d) {
  if (!d) return;
  size_t n = strlen(d);
  if (!(n == 10 && d[4] == '-' && d[7] == '-') && !(n == 7 && d[0] == '-' && d[1] == '-')) abort();
}

static bool same(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

static void check_same(const rp_contact *a, const rp_contact *b) {
  bool ok = strcmp(a->id, b->id) == 0 && same(a->first_name, b->first_name) &&
            same(a->last_name, b->last_name) && a->n_emails == b->n_emails &&
            a->n_phones == b->n_phones && a->has_address == b->has_address &&
            same(a->company, b->company) && same(a->website, b->website) &&
            a->n_social == b->n_social && same(a->birthday, b->birthday) &&
            same(a->anniversary, b->anniversary) && same(a->partner, b->partner) &&
            same(a->children, b->children) && same(a->notes, b->notes) && a->n_tags == b->n_tags &&
            a->status == b->status && a->stage == b->stage && a->category == b->category &&
            a->type == b->type && a->intent == b->intent && same(a->source, b->source) &&
            same(a->known_since, b->known_since);
  for (size_t i = 0; ok && i < a->n_emails; i++)
    ok = same(a->emails[i].address, b->emails[i].address) &&
         same(a->emails[i].label, b->emails[i].label);
  for (size_t i = 0; ok && i < a->n_phones; i++)
    ok = same(a->phones[i].number, b->phones[i].number) &&
         same(a->phones[i].label, b->phones[i].label);
  if (ok && a->has_address)
    ok = same(a->address.street, b->address.street) && same(a->address.city, b->address.city) &&
         same(a->address.region, b->address.region) &&
         same(a->address.postal_code, b->address.postal_code) &&
         same(a->address.country, b->address.country);
  for (size_t i = 0; ok && i < a->n_social; i++)
    ok = same(a->social[i], b->social[i]);
  for (size_t i = 0; ok && i < a->n_tags; i++)
    ok = same(a->tags[i], b->tags[i]);
  if (!ok) abort();
}

typedef struct {
  const rp_contact *got;
  int n;
} back;

static int on_back(void *ctx, const rp_contact *c, unsigned given, int line) {
  (void)line, (void)given;
  back *b = ctx;
  b->got = c;
  b->n++;
  return 0;
}

static int on_back_error(void *ctx, int line, bool skipped, const char *msg) {
  (void)ctx;
  fprintf(stderr, "written card read back with a problem: line %d%s: %s\n", line,
          skipped ? " (skipped)" : "", msg);
  abort(); /* what rapport writes reads back without a problem */
}

static int on_error(void *ctx, int line, bool skipped, const char *msg) {
  (void)ctx, (void)skipped;
  if (line < 1 || !msg[0]) abort();
  return 0;
}

static int on_card(void *ctx, const rp_contact *c, unsigned given, int line) {
  (void)ctx, (void)given;
  if (line < 1) abort();
  if (!c->first_name && !c->last_name && !c->n_emails && !c->n_phones && !c->company) abort();
  check_str(c->first_name, true);
  check_str(c->last_name, true);
  check_str(c->company, true);
  check_str(c->partner, true);
  check_str(c->children, true);
  check_str(c->website, true);
  check_str(c->notes, false);
  check_str(c->display_name, true);
  check_date(c->birthday);
  check_date(c->anniversary);
  if (c->has_address) {
    check_str(c->address.street, true);
    check_str(c->address.city, true);
    check_str(c->address.region, true);
    check_str(c->address.postal_code, true);
    check_str(c->address.country, true);
  }
  for (size_t i = 0; i < c->n_emails; i++) {
    char buf[256];
    const char *e = c->emails[i].address;
    if (rp_email_check(buf, sizeof buf, e, strlen(e)) != 0 || strcmp(buf, e) != 0) abort();
    check_str(c->emails[i].label, true);
  }
  for (size_t i = 0; i < c->n_phones; i++) {
    if (c->phones[i].number[0] != '+') abort();
    check_str(c->phones[i].label, true);
  }
  for (size_t i = 0; i < c->n_tags; i++) {
    check_str(c->tags[i], true);
    for (const char *p = c->tags[i]; *p; p++)
      if (*p >= 'A' && *p <= 'Z') abort();
    for (size_t j = 0; j < i; j++)
      if (strcmp(c->tags[i], c->tags[j]) == 0) abort();
  }
  for (int version = 3; version <= 4; version++) {
    rp_sb out = {0};
    if (rp_vcard_write(&out, c, version) != 0) abort();
    rp_arena a = {0};
    back b = {0};
    if (rp_vcard_read(out.p, out.len, "US", &a, on_back, on_back_error, &b) != 0 || b.n != 1)
      abort();
    check_same(c, b.got);
    rp_arena_free(&a);
    rp_sb_free(&out);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rp_arena a = {0};
  rp_error_clear();
  int rc = rp_vcard_read((const char *)data, size, "US", &a, on_card, on_error, NULL);
  if (rc != 0 && rc != RP_EINVALID_VALUE && rc != RP_ETOOLARGE) abort();
  if (rc != 0 && rp_error_last()->message[0] == '\0') abort();
  rp_arena_free(&a);
  return 0;
}
