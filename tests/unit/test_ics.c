/* test_ics.c: calendar files become activity occurrences (issue 8; API.md
 * import of text/calendar: "events become activities of the contacts whose
 * emails attend; meals and parties recognised, PRIORITY 1 to 4 is
 * importance high"). The sample files in tests/data/ics/ are written as
 * Google Calendar, Outlook and Apple Calendar export them (CRLF, folded
 * lines, Google's folds cutting a UTF-8 character in two, Windows zone
 * names, VTIMEZONEs, VALARMs); broken.ics is a cut and damaged export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ics.h"
#include "util/error.h"
#include "util/strbuf.h"

#define MAX_EVENTS 2048
#define MAX_ERRORS 64

typedef struct {
  rp_ics_event ev[MAX_EVENTS];
  size_t n;
  struct {
    int line;
    char msg[384];
  } err[MAX_ERRORS];
  size_t n_err;
  int stop_after; /* 0: never */
} got;

static int on_event(void *ctx, const rp_ics_event *e) {
  got *g = ctx;
  if (g->n < MAX_EVENTS) g->ev[g->n] = *e;
  g->n++;
  return g->stop_after && (int)g->n >= g->stop_after ? 7 : 0;
}

static void on_error(void *ctx, int line, const char *msg) {
  got *g = ctx;
  if (g->n_err < MAX_ERRORS) {
    g->err[g->n_err].line = line;
    snprintf(g->err[g->n_err].msg, sizeof g->err[g->n_err].msg, "%s", msg);
  }
  g->n_err++;
}

static rp_time at(const char *s) {
  rp_time t = 0;
  if (rp_time_parse(&t, s, strlen(s)) != 0) fail_msg("bad time in test: %s", s);
  return t;
}

static char *slurp(const char *name, size_t *len) {
  char path[256];
  snprintf(path, sizeof path, "tests/data/ics/%s", name);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s (run from the repository root)", path);
  static char buf[1 << 16];
  *len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  char *p = malloc(*len + 1);
  memcpy(p, buf, *len);
  p[*len] = '\0';
  return p;
}

/* Reads a sample file in [from, to] with the account zone tz. */
static int read_file(got *g, rp_arena *a, const char *name, const char *tz, const char *from,
                     const char *to) {
  size_t len;
  char *buf = slurp(name, &len);
  memset(g, 0, sizeof *g);
  int rc = rp_ics_read(buf, len, rp_tz_get(tz), at(from), at(to), a, on_event, on_error, g);
  free(buf);
  return rc;
}

/* Reads VEVENT text wrapped in a VCALENDAR (CRLF added to each \n). */
static int read_events(got *g, rp_arena *a, const char *tz, const char *from, const char *to,
                       const char *events) {
  rp_sb sb = {0};
  rp_sb_puts(&sb, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
  for (const char *p = events; *p; p++) {
    if (*p == '\n') rp_sb_putc(&sb, '\r');
    rp_sb_putc(&sb, *p);
  }
  rp_sb_puts(&sb, "END:VCALENDAR\r\n");
  int save = g->stop_after;
  memset(g, 0, sizeof *g);
  g->stop_after = save;
  int rc = rp_ics_read(sb.p, sb.len, rp_tz_get(tz), at(from), at(to), a, on_event, on_error, g);
  rp_sb_free(&sb);
  return rc;
}

static void assert_time(rp_time t, const char *want) {
  char s[21];
  rp_time_format(t, s);
  assert_string_equal(s, want);
}

static bool has_attendee(const rp_ics_event *e, const char *email) {
  for (size_t i = 0; i < e->n_attendees; i++)
    if (strcmp(e->attendee_emails[i], email) == 0) return true;
  return false;
}

static const rp_ics_event *find_uid(const got *g, const char *uid) {
  for (size_t i = 0; i < g->n && i < MAX_EVENTS; i++)
    if (strcmp(g->ev[i].uid, uid) == 0) return &g->ev[i];
  fail_msg("no occurrence with uid %s", uid);
  return NULL;
}

/* Google: a weekly RRULE in America/Los_Angeles keeps 08:30 local across
 * the DST change (16:30Z, then 15:30Z), skips its EXDATE, stops at UNTIL
 * (inclusive), and the RECURRENCE-ID override (placed before its master in
 * the file) replaces the 5 March occurrence under the same uid. */
static void test_ics_google_weekly_rrule_exdate_override_dst(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  assert_int_equal(
      read_file(g, &a, "google.ics", "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z"), 0);
  assert_int_equal(g->n_err, 0);
  assert_int_equal(g->n, 9);
  const char *base = "5k2j3l4m5n6o7p8q9r0s1t2u3v@google.com/";
  static const char *const want[][2] = {
      {"20240206T163000Z", "2024-02-06T16:30:00Z"}, {"20240213T163000Z", "2024-02-13T16:30:00Z"},
      {"20240227T163000Z", "2024-02-27T16:30:00Z"}, {"20240305T163000Z", "2024-03-07T17:00:00Z"},
      {"20240312T153000Z", "2024-03-12T15:30:00Z"}, {"20240319T153000Z", "2024-03-19T15:30:00Z"},
      {"20240326T153000Z", "2024-03-26T15:30:00Z"},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    char uid[128];
    snprintf(uid, sizeof uid, "%s%s", base, want[i][0]);
    const rp_ics_event *e = find_uid(g, uid);
    assert_time(e->start, want[i][1]);
    assert_int_equal(e->kind, RP_KIND_MEAL); /* "Coffee with Marco" */
    assert_true(has_attendee(e, "marco.rossi@example.com"));
    assert_true(has_attendee(e, "jane.agent@gmail.com"));
    assert_int_equal(e->n_attendees, 2); /* organizer and attendee are one person: once */
    assert_false(e->all_day);
  }
  /* the override's own time, length and line */
  const rp_ics_event *moved = find_uid(g, "5k2j3l4m5n6o7p8q9r0s1t2u3v@google.com/20240305T163000Z");
  assert_time(moved->end, "2024-03-07T17:30:00Z");
  assert_int_equal(moved->line, 26);
  assert_string_equal(moved->description, "Moved to Thursday this week.");
  /* the EXDATE (20 February) is not there */
  for (size_t i = 0; i < g->n; i++)
    assert_null(strstr(g->ev[i].uid, "20240220"));
  free(g);
  rp_arena_free(&a);
}

/* Google: TEXT values are unescaped and unfolded, even where a fold cut a
 * UTF-8 character in two; declined attendees do not attend; the accented
 * CN does not matter, the address does (lower-cased). */
static void test_ics_google_text_attendees_and_split_utf8_folds(void **state) {
  (void)state;
  size_t len;
  char *raw = slurp("google.ics", &len);
  bool split = false; /* the sample really holds a fold inside a UTF-8 sequence */
  for (size_t i = 0; i + 3 < len; i++)
    if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == ' ' &&
        ((unsigned char)raw[i + 3] & 0xC0) == 0x80)
      split = true;
  free(raw);
  assert_true(split);

  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  assert_int_equal(
      read_file(g, &a, "google.ics", "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z"), 0);
  const rp_ics_event *lunch = find_uid(g, "0a1b2c3d4e5f6g7h8i9j@google.com");
  assert_string_equal(lunch->summary, "Lunch with the Nguyens");
  assert_int_equal(lunch->kind, RP_KIND_MEAL);
  assert_time(lunch->start, "2024-03-12T19:30:00Z");
  assert_time(lunch->end, "2024-03-12T21:00:00Z");
  assert_string_equal(lunch->location, "Nopalito, 306 Broderick St, San Francisco, CA 94117, USA");
  assert_non_null(strstr(lunch->description,
                         "Celebrating the offer on 12 Rue Élysée 🎉 — Thảo Nguyễn's treat\nSecond "
                         "line, with a comma.\n"));
  assert_true(has_attendee(lunch, "thao.nguyen@example.org"));
  assert_false(has_attendee(lunch, "minh.nguyen@example.org")); /* PARTSTAT=DECLINED */
  assert_int_equal(lunch->n_attendees, 2);
  /* "Lunchbox" is not lunch: whole words only */
  const rp_ics_event *appt = find_uid(g, "7q8w9e0r1t2y3u4i5o6p@google.com");
  assert_int_equal(appt->kind, RP_KIND_MEETING);
  assert_null(appt->description); /* an empty DESCRIPTION is absent */
  assert_true(has_attendee(appt, "ops@lunchbox-ventures.com"));
  free(g);
  rp_arena_free(&a);
}

/* Outlook: Windows zone names in TZID resolve (Pacific and W. Europe
 * Standard Time, DST applied), a "Customized Time Zone" resolves through
 * its VTIMEZONE, PRIORITY:1 and X-MICROSOFT-CDO-IMPORTANCE:2 are high,
 * PRIORITY 5 and 9 normal. */
static void test_ics_outlook_windows_zones_and_priority(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  assert_int_equal(read_file(g, &a, "outlook.ics", "America/New_York", "2024-01-01T00:00:00Z",
                             "2024-12-31T00:00:00Z"),
                   0);
  assert_int_equal(g->n_err, 0);
  assert_int_equal(g->n, 4);
  const rp_ics_event *e = &g->ev[0];
  assert_string_equal(e->summary, "Listing presentation - 18 Birch Lane");
  assert_time(e->start, "2024-06-10T21:00:00Z"); /* 14:00 PDT */
  assert_time(e->end, "2024-06-10T22:30:00Z");
  assert_int_equal(e->importance, RP_IMPORTANCE_HIGH);
  assert_int_equal(e->kind, RP_KIND_MEETING);
  assert_int_equal(e->line, 54);
  assert_true(has_attendee(e, "sarah.oconnor@example.net"));
  assert_true(has_attendee(e, "pat@brokerage.com"));
  assert_int_equal(e->n_attendees, 3);
  assert_string_equal(e->uid, "040000008200E00074C5B7101A82E00800000000D0C4B5F2A6B5DA0100000000"
                              "0000000010000000A1B2C3D4E5F60718293A4B5C6D7E8F90");
  e = &g->ev[1];
  assert_string_equal(e->summary, "DINNER with the Hendersons");
  assert_time(e->start, "2024-07-05T17:30:00Z"); /* 19:30 CEST */
  assert_int_equal(e->kind, RP_KIND_MEAL);
  assert_int_equal(e->importance, RP_IMPORTANCE_NORMAL);
  e = &g->ev[2];
  assert_time(e->start, "2024-08-01T04:30:00Z"); /* 10:00 at +05:30, from the VTIMEZONE */
  assert_int_equal(e->kind, RP_KIND_PARTY);      /* "Client appreciation BBQ" */
  assert_int_equal(e->importance, RP_IMPORTANCE_NORMAL);
  e = &g->ev[3];
  assert_int_equal(e->importance, RP_IMPORTANCE_HIGH); /* X-MICROSOFT-CDO-IMPORTANCE:2 */
  assert_int_equal(e->n_attendees, 0);
  free(g);
  rp_arena_free(&a);
}

/* Apple: TZID America/New_York (with its VTIMEZONE), an all-day birthday
 * party from the start of the day in the account's zone, attendees given
 * by their EMAIL parameter (urn:uuid values), the VALARM's own UID not
 * taken for the event's, a cancelled event flagged, floating times in the
 * account's zone, an open house as a visit, accents folded ("Café"). */
static void test_ics_apple_all_day_floating_cancelled(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  assert_int_equal(read_file(g, &a, "apple.ics", "America/New_York", "2024-01-01T00:00:00Z",
                             "2024-12-31T00:00:00Z"),
                   0);
  assert_int_equal(g->n_err, 0);
  assert_int_equal(g->n, 6);
  const rp_ics_event *e = find_uid(g, "3F2504E0-4F89-11D3-9A0C-0305E82C3301");
  assert_true(e->all_day);
  assert_time(e->start, "2024-06-15T04:00:00Z"); /* midnight EDT */
  assert_time(e->end, "2024-06-16T04:00:00Z");
  assert_int_equal(e->kind, RP_KIND_PARTY);
  assert_true(has_attendee(e, "zoe.martin@example.com"));
  assert_true(has_attendee(e, "jane@agent-realty.com"));
  assert_int_equal(e->n_attendees, 2);
  e = find_uid(g, "9E1D6C2B-0A3F-4B5C-8D7E-6F5A4B3C2D1E");
  assert_time(e->start, "2024-01-19T00:00:00Z"); /* 19:00 EST */
  assert_int_equal(e->kind, RP_KIND_MEAL);       /* "Café Boulud w/ the Parks" */
  e = find_uid(g, "5C4B3A29-1807-4F6E-9D8C-7B6A59483726");
  assert_time(e->start, "2024-03-10T17:00:00Z"); /* 13:00 EDT, the day DST began */
  assert_int_equal(e->kind, RP_KIND_VISIT);
  e = find_uid(g, "6D5C4B3A-2918-4A7F-8E9D-8C7B6A594837");
  assert_true(e->cancelled);
  e = find_uid(g, "7E6D5C4B-3A29-4B8A-9F0E-9D8C7B6A5948");
  assert_time(e->start, "2024-06-20T12:00:00Z"); /* floating 08:00 in New York */
  assert_false(e->cancelled);
  e = find_uid(g, "8F7E6D5C-4B3A-4C9B-A01F-AE9D8C7B6A59/20240412"); /* yearly since 1980 */
  assert_true(e->all_day);
  assert_time(e->start, "2024-04-12T04:00:00Z");
  assert_int_equal(e->kind, RP_KIND_MEETING); /* a birthday is not a party */

  /* the same file for an account in Berlin: floating and all-day times move */
  rp_arena_free(&a);
  assert_int_equal(read_file(g, &a, "apple.ics", "Europe/Berlin", "2024-01-01T00:00:00Z",
                             "2024-12-31T00:00:00Z"),
                   0);
  assert_time(find_uid(g, "3F2504E0-4F89-11D3-9A0C-0305E82C3301")->start, "2024-06-14T22:00:00Z");
  assert_time(find_uid(g, "7E6D5C4B-3A29-4B8A-9F0E-9D8C7B6A5948")->start, "2024-06-20T06:00:00Z");
  assert_time(find_uid(g, "9E1D6C2B-0A3F-4B5C-8D7E-6F5A4B3C2D1E")->start,
              "2024-01-19T00:00:00Z"); /* a TZID time does not move */
  free(g);
  rp_arena_free(&a);
}

/* A damaged export: each bad VEVENT is reported with the line of its
 * BEGIN:VEVENT and the field at fault, and skipped; the good ones (also
 * the one right after the unterminated VEVENT) go in. */
static void test_ics_broken_file_errors_cite_lines(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  assert_int_equal(
      read_file(g, &a, "broken.ics", "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z"), 0);
  assert_int_equal(g->n, 2);
  assert_string_equal(g->ev[0].uid, "good-1@acme.example");
  assert_int_equal(g->ev[0].line, 8);
  assert_int_equal(g->ev[0].kind, RP_KIND_MEAL);
  assert_string_equal(g->ev[1].uid, "good-2@acme.example");
  assert_time(g->ev[1].end, "2024-03-09T20:30:00Z"); /* DURATION:PT2H30M */
  assert_int_equal(g->ev[1].kind, RP_KIND_PARTY);    /* housewarming */
  static const struct {
    int line;
    const char *says;
  } want[] = {
      {4, "VEVENT: no END:VEVENT before line 8"},
      {15, "DTSTART: not a valid DATE-TIME (\"2024-03-05 10:00\")"},
      {20, "DTSTART: not a valid date-time"},
      {25, "DTSTART: unknown TZID \"Mars/Olympus_Mons\""},
      {30, "DTSTART: missing"},
      {34, "DTEND: before DTSTART"},
      {40, "RRULE: not a valid RECUR"},
  };
  assert_int_equal(g->n_err, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    if (g->err[i].line != want[i].line || !strstr(g->err[i].msg, want[i].says))
      fail_msg("error %zu: want line %d \"%s\", got line %d \"%s\"", i, want[i].line, want[i].says,
               g->err[i].line, g->err[i].msg);
  }
  free(g);
  rp_arena_free(&a);
}

/* Recurrence is expanded only within the window and at most
 * RP_ICS_MAX_OCCURRENCES per event (the cut is reported); COUNT, UNTIL
 * (inclusive, compared in UTC), RDATE and a DATE-valued EXDATE apply; a
 * single event outside the window is not given. */
static void test_ics_window_and_occurrence_bounds(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  /* a daily event since 2020, no end: 1000 of the window's days, then a note */
  assert_int_equal(read_events(g, &a, "UTC", "2024-01-01T00:00:00Z", "2030-01-01T00:00:00Z",
                               "BEGIN:VEVENT\nUID:daily\nDTSTART:20200101T090000Z\n"
                               "RRULE:FREQ=DAILY\nSUMMARY:Standup\nEND:VEVENT\n"),
                   0);
  assert_int_equal(g->n, RP_ICS_MAX_OCCURRENCES);
  assert_time(g->ev[0].start, "2024-01-01T09:00:00Z");
  assert_string_equal(g->ev[0].uid, "daily/20240101T090000Z");
  assert_int_equal(g->n_err, 1);
  assert_int_equal(g->err[0].line, 4);
  assert_non_null(strstr(g->err[0].msg, "more than 1000 occurrences"));

  /* COUNT with the window; UNTIL one second before an occurrence drops it */
  assert_int_equal(read_events(g, &a, "Europe/Prague", "2024-03-01T00:00:00Z",
                               "2024-12-31T00:00:00Z",
                               "BEGIN:VEVENT\nUID:c\nDTSTART;TZID=Europe/Prague:20240226T100000\n"
                               "RRULE:FREQ=WEEKLY;COUNT=4\nEND:VEVENT\n"
                               "BEGIN:VEVENT\nUID:u\nDTSTART;TZID=Europe/Prague:20240401T100000\n"
                               "RRULE:FREQ=DAILY;UNTIL=20240403T075959Z\nEND:VEVENT\n"
                               "BEGIN:VEVENT\nUID:old\nDTSTART:20230101T100000Z\nEND:VEVENT\n"),
                   0);
  assert_int_equal(g->n_err, 0);
  assert_int_equal(g->n, 5); /* 4, 11, 18 March (26 Feb is before the window); 1, 2 April */
  assert_string_equal(g->ev[0].uid, "c/20240304T090000Z");
  assert_string_equal(g->ev[2].uid, "c/20240318T090000Z");
  assert_string_equal(g->ev[3].uid, "u/20240401T080000Z"); /* CEST from 31 March */
  assert_string_equal(g->ev[4].uid, "u/20240402T080000Z");

  /* RDATE adds, EXDATE (a DATE on a date-time event) removes */
  assert_int_equal(read_events(g, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z",
                               "BEGIN:VEVENT\nUID:r\nDTSTART:20240105T120000Z\n"
                               "RRULE:FREQ=MONTHLY;COUNT=3\nRDATE:20240620T120000Z\n"
                               "EXDATE;VALUE=DATE:20240205\nEND:VEVENT\n"),
                   0);
  assert_int_equal(g->n, 3);
  assert_time(g->ev[0].start, "2024-01-05T12:00:00Z");
  assert_time(g->ev[1].start, "2024-03-05T12:00:00Z");
  assert_time(g->ev[2].start, "2024-06-20T12:00:00Z");
  free(g);
  rp_arena_free(&a);
}

/* Rules that could never match, or that step below a day, are refused
 * with the reason (libical would search for them until the year 2582,
 * seconds of CPU for a few bytes); the rules calendar programs write pass. */
static void test_ics_costly_or_impossible_rules_are_refused(void **state) {
  (void)state;
  static const struct {
    const char *rule, *says; /* says NULL: accepted */
  } cases[] = {
      {"FREQ=SECONDLY;COUNT=1000000000", "below DAILY"},
      {"FREQ=HOURLY;BYMONTH=2", "below DAILY"},
      {"FREQ=DAILY;BYHOUR=9,10", "BYHOUR"},
      {"FREQ=YEARLY;BYWEEKNO=53;BYDAY=WE", "BYWEEKNO"},
      {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no month has the BYMONTHDAY days"},
      {"FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2,4,6,9,11", "no month has the BYMONTHDAY days"},
      {"FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15", "ordinal BYDAY"},
      {"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "BYSETPOS"},
      {"FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3", "BYSETPOS"},
      {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", NULL},
      {"FREQ=MONTHLY;BYMONTHDAY=31", NULL},
      {"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", NULL},
      {"FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", NULL},
      {"FREQ=MONTHLY;INTERVAL=2;BYDAY=-1SU", NULL},
      {"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU", NULL},
  };
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char ev[256];
    snprintf(ev, sizeof ev, "BEGIN:VEVENT\nUID:x\nDTSTART:18000101T100000Z\nRRULE:%s\nEND:VEVENT\n",
             cases[i].rule);
    read_events(g, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z", ev);
    bool ok = cases[i].says ? g->n == 0 && g->n_err == 1 && strstr(g->err[0].msg, cases[i].says)
                            : g->n > 0 && g->n_err == 0;
    if (!ok)
      fail_msg("%s: want %s, got %zu events, error \"%s\"", cases[i].rule,
               cases[i].says ? cases[i].says : "occurrences", g->n, g->n_err ? g->err[0].msg : "");
  }
  free(g);
  rp_arena_free(&a);
}

/* The uid of each occurrence is the same when the file is read again, so a
 * re-import updates instead of duplicating; a VEVENT without UID gets a
 * uid from its DTSTART and SUMMARY. */
static void test_ics_reimport_gives_the_same_uids(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g1 = calloc(1, sizeof *g1), *g2 = calloc(1, sizeof *g2);
  read_file(g1, &a, "google.ics", "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z");
  read_file(g2, &a, "google.ics", "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z");
  assert_int_equal(g1->n, g2->n);
  for (size_t i = 0; i < g1->n; i++)
    assert_string_equal(g1->ev[i].uid, g2->ev[i].uid);
  for (size_t i = 0; i < g1->n; i++)
    for (size_t j = i + 1; j < g1->n; j++)
      assert_string_not_equal(g1->ev[i].uid, g1->ev[j].uid);

  const char *no_uid = "BEGIN:VEVENT\nDTSTART:20240105T120000Z\nSUMMARY:Coffee\nEND:VEVENT\n"
                       "BEGIN:VEVENT\nDTSTART:20240106T120000Z\nSUMMARY:Coffee\nEND:VEVENT\n";
  read_events(g1, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z", no_uid);
  read_events(g2, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z", no_uid);
  assert_int_equal(g1->n, 2);
  assert_int_equal(strncmp(g1->ev[0].uid, "sha1:", 5), 0);
  assert_string_equal(g1->ev[0].uid, g2->ev[0].uid);
  assert_string_not_equal(g1->ev[0].uid, g1->ev[1].uid);
  free(g1);
  free(g2);
  rp_arena_free(&a);
}

/* The kind from the words of the summary, else of the description. */
static void test_ics_kind_from_words(void **state) {
  (void)state;
  static const struct {
    const char *summary, *description;
    rp_activity_kind want;
  } cases[] = {
      {"Breakfast w/ Sam", NULL, RP_KIND_MEAL},
      {"BRUNCH", NULL, RP_KIND_MEAL},
      {"lunch-and-learn", NULL, RP_KIND_MEAL},
      {"Dinner@Nobu", NULL, RP_KIND_MEAL},
      {"Coffee chat", NULL, RP_KIND_MEAL},
      {"Drinks after closing", NULL, RP_KIND_MEAL},
      {"CAFÉ with Ana", NULL, RP_KIND_MEAL},
      {"Cafe\xcc\x81 with Ana", NULL, RP_KIND_MEAL}, /* combining accent (NFD) */
      {"Happy hour", NULL, RP_KIND_MEAL},
      {"Summer BBQ!", NULL, RP_KIND_PARTY},
      {"Barbecue at the Smiths'", NULL, RP_KIND_PARTY},
      {"Christmas party", NULL, RP_KIND_PARTY},
      {"Closing celebration", NULL, RP_KIND_PARTY},
      {"Housewarming", NULL, RP_KIND_PARTY},
      {"Dinner party", NULL, RP_KIND_PARTY}, /* party words win */
      {"Open House 12 Elm St", NULL, RP_KIND_VISIT},
      {"Open house brunch", NULL, RP_KIND_MEAL},
      {"Catch-up", "We will talk over lunch.", RP_KIND_MEAL},
      {"Lunchbox Ventures pitch", NULL, RP_KIND_MEETING},
      {"Partyka listing", NULL, RP_KIND_MEETING},
      {"Coffeehouse lease review", NULL, RP_KIND_MEETING},
      {"Zoë's birthday", NULL, RP_KIND_MEETING},
  };
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_sb ev = {0};
    rp_sb_printf(&ev, "BEGIN:VEVENT\nUID:k%zu\nDTSTART:20240105T120000Z\nSUMMARY:%s\n", i,
                 cases[i].summary);
    if (cases[i].description) rp_sb_printf(&ev, "DESCRIPTION:%s\n", cases[i].description);
    rp_sb_puts(&ev, "END:VEVENT\n");
    read_events(g, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z", ev.p);
    rp_sb_free(&ev);
    if (g->n != 1 || g->ev[0].kind != cases[i].want) {
      print_error("\"%s\": want %s, got %s\n", cases[i].summary, rp_kind_name(cases[i].want),
                  g->n == 1 ? rp_kind_name(g->ev[0].kind) : "no event");
      failures++;
    }
  }
  assert_int_equal(failures, 0);
  free(g);
  rp_arena_free(&a);
}

/* PRIORITY 1 to 4 is importance high; 0 (undefined), 5 and 9 normal. */
static void test_ics_priority_1_to_4_is_high(void **state) {
  (void)state;
  static const struct {
    const char *prio;
    rp_importance want;
  } cases[] = {{"1", RP_IMPORTANCE_HIGH},   {"4", RP_IMPORTANCE_HIGH},
               {"0", RP_IMPORTANCE_NORMAL}, {"5", RP_IMPORTANCE_NORMAL},
               {"9", RP_IMPORTANCE_NORMAL}, {NULL, RP_IMPORTANCE_NORMAL}};
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char ev[256];
    snprintf(ev, sizeof ev, "BEGIN:VEVENT\nUID:p\nDTSTART:20240105T120000Z\n%s%s%sEND:VEVENT\n",
             cases[i].prio ? "PRIORITY:" : "", cases[i].prio ? cases[i].prio : "",
             cases[i].prio ? "\n" : "");
    read_events(g, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z", ev);
    assert_int_equal(g->n, 1);
    if (g->ev[0].importance != cases[i].want)
      fail_msg("PRIORITY %s: want %s", cases[i].prio ? cases[i].prio : "(none)",
               rp_importance_name(cases[i].want));
  }
  free(g);
  rp_arena_free(&a);
}

/* TZIDs: a "/mozilla.org/..." prefixed IANA name, a Windows name without
 * VTIMEZONE; a VTIMEZONE with a rule libical would expand for hours is
 * refused with the reason. */
static void test_ics_tzid_forms(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  assert_int_equal(
      read_events(g, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z",
                  "BEGIN:VEVENT\nUID:m\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/Paris:"
                  "20240705T100000\nEND:VEVENT\n"
                  "BEGIN:VEVENT\nUID:w\nDTSTART;TZID=\"Tokyo Standard Time\":20240705T100000\n"
                  "END:VEVENT\n"
                  "BEGIN:VTIMEZONE\nTZID:Busy\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                  "RRULE:FREQ=SECONDLY\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD\n"
                  "END:VTIMEZONE\n"
                  "BEGIN:VEVENT\nUID:b\nDTSTART;TZID=Busy:20240705T100000\nEND:VEVENT\n"),
      0);
  assert_int_equal(g->n, 2);
  assert_time(g->ev[0].start, "2024-07-05T08:00:00Z");
  assert_time(g->ev[1].start, "2024-07-05T01:00:00Z");
  if (g->n_err != 1)
    fail_msg("%zu errors, first: line %d %s", g->n_err, g->err[0].line, g->err[0].msg);
  assert_int_equal(g->err[0].line, 21);
  assert_non_null(strstr(g->err[0].msg, "TZID \"Busy\": its VTIMEZONE (line 12)"));
  assert_non_null(strstr(g->err[0].msg, "FREQ=YEARLY"));

  static const char *const windows[] = {
      "Pacific Standard Time",  "Eastern Standard Time",     "Central Standard Time",
      "Mountain Standard Time", "GMT Standard Time",         "W. Europe Standard Time",
      "Romance Standard Time",  "AUS Eastern Standard Time", "India Standard Time",
      "China Standard Time",    "FLE Standard Time",         "Greenland Standard Time"};
  for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
    const char *iana = rp_ics_windows_zone(windows[i]);
    if (!iana || !rp_tz_valid(iana)) fail_msg("%s: no zone", windows[i]);
  }
  assert_string_equal(rp_ics_windows_zone("pacific standard time"), "America/Los_Angeles");
  assert_null(rp_ics_windows_zone("Martian Standard Time"));
  free(g);
  rp_arena_free(&a);
}

/* Garbage gives errors, never a crash or an unbounded read: not a
 * calendar, too large (refused before a byte is read), NUL bytes and
 * non-UTF-8 inside a VEVENT, nesting past the bound, junk lines. */
static void test_ics_garbage_is_refused(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  static const char *const not_ics[] = {"", "hello", "\xff\xfe\x00\x01", "END:VCALENDAR\n",
                                        "BEGIN:VCARD\nFN:Ann\nEND:VCARD\n"};
  for (size_t i = 0; i < sizeof not_ics / sizeof not_ics[0]; i++) {
    size_t len = i == 2 ? 4 : strlen(not_ics[i]);
    int rc = rp_ics_read(not_ics[i], len, NULL, 0, INT64_MAX, &a, on_event, on_error, g);
    assert_int_equal(rc, RP_EINVALID_VALUE);
    assert_non_null(strstr(rp_error_last()->message, "not an iCalendar file"));
  }
  assert_int_equal(rp_ics_read("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 30, NULL, 0, INT64_MAX, &a,
                               on_event, on_error, g),
                   0);
  /* the size is checked before anything is read */
  assert_int_equal(
      rp_ics_read("x", RP_ICS_MAX_INPUT + 1, NULL, 0, INT64_MAX, &a, on_event, on_error, g),
      RP_ETOOLARGE);

  rp_sb deep = {0};
  rp_sb_puts(&deep, "BEGIN:VEVENT\nUID:deep\nDTSTART:20240105T120000Z\n");
  for (int i = 0; i < 20; i++)
    rp_sb_puts(&deep, "BEGIN:VALARM\n");
  for (int i = 0; i < 20; i++)
    rp_sb_puts(&deep, "END:VALARM\n");
  rp_sb_puts(&deep, "END:VEVENT\n"
                    "BEGIN:VEVENT\nUID:nul\nDTSTART:20240105T120000Z\nSUMMARY:a\x01"
                    "b\nEND:VEVENT\n"
                    "BEGIN:VEVENT\nUID:latin1\nDTSTART:20240105T120000Z\nSUMMARY:caf\xe9\n"
                    "END:VEVENT\n"
                    "BEGIN:VEVENT\nUID:junk\n:::\n;;;\nX\n\x7f\nDTSTART:20240105T120000Z\n"
                    "ATTENDEE:mailto:not an email\nATTENDEE:http://x\nEND:VEVENT\n"
                    "BEGIN:VEVENT\nUID:long-duration\nDTSTART:20240105T120000Z\n"
                    "DURATION:P9999999W\nEND:VEVENT\n"
                    "BEGIN:VEVENT\nUID:year\nDTSTART:99991231T120000Z\nEND:VEVENT\n");
  /* the NUL byte: replace the \x01 marker (a C literal cannot hold it) */
  for (size_t i = 0; i < deep.len; i++)
    if (deep.p[i] == '\x01') deep.p[i] = '\0';
  memset(g, 0, sizeof *g);
  rp_sb body = {0};
  rp_sb_puts(&body, "BEGIN:VCALENDAR\n");
  rp_sb_append(&body, deep.p, deep.len);
  rp_sb_puts(&body, "END:VCALENDAR\n");
  assert_int_equal(rp_ics_read(body.p, body.len, NULL, 0, INT64_MAX, &a, on_event, on_error, g), 0);
  assert_int_equal(g->n, 1); /* only "junk", without attendees */
  assert_string_equal(g->ev[0].uid, "junk");
  assert_int_equal(g->ev[0].n_attendees, 0);
  assert_int_equal(g->n_err, 5);
  assert_non_null(strstr(g->err[0].msg, "nested more than 8 deep"));
  assert_non_null(strstr(g->err[1].msg, "not UTF-8"));
  assert_non_null(strstr(g->err[2].msg, "not UTF-8"));
  assert_non_null(strstr(g->err[3].msg, "DURATION: longer than 10 years"));
  assert_non_null(strstr(g->err[4].msg, "DTSTART: not a valid date-time"));
  rp_sb_free(&deep);
  rp_sb_free(&body);
  free(g);
  rp_arena_free(&a);
}

/* A nonzero return of the event callback stops the read and is returned. */
static void test_ics_callback_can_stop(void **state) {
  (void)state;
  rp_arena a = {0};
  got *g = calloc(1, sizeof *g);
  g->stop_after = 2;
  assert_int_equal(read_events(g, &a, "UTC", "2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z",
                               "BEGIN:VEVENT\nUID:s\nDTSTART:20240105T120000Z\n"
                               "RRULE:FREQ=DAILY;COUNT=10\nEND:VEVENT\n"
                               "BEGIN:VEVENT\nUID:t\nDTSTART:20240105T120000Z\nEND:VEVENT\n"),
                   7);
  assert_int_equal(g->n, 2);
  free(g);
  rp_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ics_google_weekly_rrule_exdate_override_dst),
      cmocka_unit_test(test_ics_google_text_attendees_and_split_utf8_folds),
      cmocka_unit_test(test_ics_outlook_windows_zones_and_priority),
      cmocka_unit_test(test_ics_apple_all_day_floating_cancelled),
      cmocka_unit_test(test_ics_broken_file_errors_cite_lines),
      cmocka_unit_test(test_ics_window_and_occurrence_bounds),
      cmocka_unit_test(test_ics_costly_or_impossible_rules_are_refused),
      cmocka_unit_test(test_ics_reimport_gives_the_same_uids),
      cmocka_unit_test(test_ics_kind_from_words),
      cmocka_unit_test(test_ics_priority_1_to_4_is_high),
      cmocka_unit_test(test_ics_tzid_forms),
      cmocka_unit_test(test_ics_garbage_is_refused),
      cmocka_unit_test(test_ics_callback_can_stop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
