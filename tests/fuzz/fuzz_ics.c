/* fuzz_ics.c: libFuzzer driver for the calendar reader (io/ics.h).
 * The first byte picks the window and the account zone, the rest is the
 * file. Beyond memory errors, UB and leaks of libical objects it checks
 * the contract: the result is 0 or RP_EINVALID_VALUE with a message; every
 * occurrence starts inside the window, ends no earlier than it starts, has
 * a uid, a valid kind and importance, UTF-8 text and lower-case unique
 * attendees; every error names a line of the input and says something;
 * no event gives more than RP_ICS_MAX_OCCURRENCES occurrences.
 * (No fuzz-sources line: it needs libical, so run.sh links the
 * project's libraries.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/ics.h"
#include "util/error.h"
#include "util/text.h"

typedef struct {
  rp_time from, to;
  int lines;
  int last_line;
  size_t same_line;
} check;

static void check_text(const char *s) {
  if (s && !rp_utf8_valid(s, strlen(s))) abort();
}

static int on_event(void *ctx, const rp_ics_event *e) {
  check *c = ctx;
  if (e->start < c->from || e->start > c->to || e->end < e->start) abort();
  if (!e->uid || !e->uid[0] || e->line < 1 || e->line > c->lines) abort();
  if (e->kind != RP_KIND_MEAL && e->kind != RP_KIND_PARTY && e->kind != RP_KIND_VISIT &&
      e->kind != RP_KIND_MEETING)
    abort();
  if (e->importance != RP_IMPORTANCE_NORMAL && e->importance != RP_IMPORTANCE_HIGH) abort();
  check_text(e->uid);
  check_text(e->summary);
  check_text(e->description);
  check_text(e->location);
  if (e->n_attendees > RP_ICS_MAX_ATTENDEES) abort();
  for (size_t i = 0; i < e->n_attendees; i++) {
    const char *a = e->attendee_emails[i];
    if (!a || !strchr(a, '@')) abort();
    for (const char *p = a; *p; p++)
      if (*p >= 'A' && *p <= 'Z') abort();
    for (size_t j = 0; j < i; j++)
      if (strcmp(a, e->attendee_emails[j]) == 0) abort();
  }
  if (e->line == c->last_line) {
    if (++c->same_line > RP_ICS_MAX_OCCURRENCES) abort();
  } else {
    c->last_line = e->line;
    c->same_line = 1;
  }
  return 0;
}

static void on_error(void *ctx, int line, const char *message) {
  check *c = ctx;
  if (line < 1 || line > c->lines || !message || !message[0]) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  static const char *const zones[] = {"UTC", "America/New_York", "Europe/Berlin",
                                      "Australia/Lord_Howe"};
  static const rp_time windows[][2] = {
      {INT64_MIN, INT64_MAX},
      {1704067200, 1735689599}, /* 2024 */
      {1709251200, 1709337600}, /* 1 March 2024, one day */
      {0, 0},
  };
  const rp_tz *tz = rp_tz_get(zones[data[0] & 3]);
  const char *p = (const char *)data + 1;
  size_t len = size - 1;
  check c = {windows[(data[0] >> 2) & 3][0], windows[(data[0] >> 2) & 3][1], 1, 0, 0};
  for (size_t i = 0; i < len; i++)
    c.lines += p[i] == '\n';
  rp_arena a = {0};
  rp_error_clear();
  int rc = rp_ics_read(p, len, tz, c.from, c.to, &a, on_event, on_error, &c);
  if (rc != 0 &&
      (rc != RP_EINVALID_VALUE || rp_error_last()->code != rc || !rp_error_last()->message[0]))
    abort();
  rp_arena_free(&a);
  return 0;
}
