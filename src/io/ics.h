/* ics.h: iCalendar (RFC 5545) events as activities (issue 8; API.md import
 * of text/calendar: "events become activities of the contacts whose emails
 * attend; meals and parties recognised, PRIORITY 1 to 4 is importance
 * high").
 *
 * rp_ics_read turns an ICS buffer into a stream of event occurrences, one
 * callback each, in file order (a recurring event gives its occurrences in
 * time order). Values are parsed with libical; the file is cut into
 * components by our own line scan, so each VEVENT is parsed, used and freed
 * on its own (memory does not grow with the file) and every problem cites
 * the line of the BEGIN:VEVENT it belongs to.
 *
 * Times: DTSTART/DTEND in UTC ("Z"); with a TZID that is an IANA name
 * (also behind a "/mozilla.org/..." style prefix), a Windows zone name as
 * Outlook writes it ("Pacific Standard Time"), or else a VTIMEZONE of the
 * file; floating times and all-day DATE values (start of day) in the
 * account's zone. DURATION instead of DTEND; no end gives start (a DATE
 * start: one day). Recurrence: RRULE (the first one), RDATE, EXDATE and
 * RECURRENCE-ID overrides, expanded only within the window.
 *
 * Limits (anything beyond is refused with a reason, never grown into):
 *   input                 RP_ICS_MAX_INPUT bytes (the whole call: RP_ETOOLARGE)
 *   VEVENTs per call      RP_ICS_MAX_EVENTS (the whole call: RP_ETOOLARGE)
 *   one VEVENT            RP_ICS_MAX_EVENT_BYTES bytes, RP_ICS_MAX_PROPS
 *                         content lines, physical lines of RP_ICS_MAX_LINE
 *                         bytes, components nested RP_ICS_MAX_DEPTH deep
 *   UID                   RP_ICS_MAX_UID bytes
 *   occurrences           RP_ICS_MAX_OCCURRENCES per event within the window
 *                         (the rest is reported), found in at most
 *                         RP_ICS_MAX_STEPS steps of the recurrence rule, and
 *                         RP_ICS_MAX_STEPS_TOTAL for the whole call (later
 *                         recurring events are reported and not expanded)
 *   RRULE                 FREQ=DAILY or longer; BYMONTH, BYMONTHDAY, BYDAY,
 *                         BYSETPOS, INTERVAL, COUNT, UNTIL, WKST (what calendar
 *                         programs write); a rule that can never match is
 *                         refused (libical would search until the year 2582)
 *   attendees             RP_ICS_MAX_ATTENDEES per event (the rest ignored)
 *   VTIMEZONEs            RP_ICS_MAX_VTIMEZONES per call (the rest ignored),
 *                         each at most RP_ICS_MAX_VTIMEZONE_BYTES, with yearly
 *                         rules only (as every real one has) */
#ifndef RP_IO_ICS_H
#define RP_IO_ICS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "util/arena.h"
#include "util/tz.h"

#define RP_ICS_MAX_INPUT ((size_t)256 << 20)
#define RP_ICS_MAX_EVENTS 500000
#define RP_ICS_MAX_EVENT_BYTES ((size_t)4 << 20)
#define RP_ICS_MAX_PROPS 5000
#define RP_ICS_MAX_LINE ((size_t)1 << 20)
#define RP_ICS_MAX_DEPTH 8
#define RP_ICS_MAX_UID 1000
#define RP_ICS_MAX_OCCURRENCES 1000
#define RP_ICS_MAX_STEPS 100000
#define RP_ICS_MAX_STEPS_TOTAL 5000000
#define RP_ICS_MAX_ATTENDEES 1000
#define RP_ICS_MAX_VTIMEZONES 256
#define RP_ICS_MAX_VTIMEZONE_BYTES ((size_t)256 << 10)

/* One occurrence of a VEVENT. Strings are NUL-terminated UTF-8 in the arena
 * the caller passed to rp_ics_read (the occurrences of one recurring event
 * share their summary, description, location and attendees); NULL when
 * absent. */
typedef struct rp_ics_event {
  int line;           /* the line of its BEGIN:VEVENT, 1-based */
  rp_time start, end; /* end >= start */
  bool all_day;       /* DATE-valued DTSTART: start is midnight in the account zone */
  const char *uid;    /* stable across re-imports: the event's UID for a single event;
                         UID "/" original start (RECURRENCE-ID, "20240305T170000Z",
                         or "20240305" for an all-day one) for an occurrence of a
                         recurring event or an override of one. A VEVENT without
                         UID gets "sha1:" and a hash of its DTSTART and SUMMARY. */
  const char *summary, *description, *location; /* unescaped TEXT values */
  const char **attendee_emails; /* lower-cased, unique: ATTENDEE (unless PARTSTAT=DECLINED)
                                   and ORGANIZER, from mailto: or the EMAIL parameter */
  size_t n_attendees;
  rp_activity_kind kind;    /* RP_KIND_MEAL, RP_KIND_PARTY, RP_KIND_VISIT or RP_KIND_MEETING */
  rp_importance importance; /* high for PRIORITY 1..4 (or Outlook's X-MICROSOFT-CDO-IMPORTANCE:2) */
  bool cancelled;           /* STATUS:CANCELLED (or METHOD:CANCEL): import no activity for it; an
                               earlier import's activity with this uid is obsolete */
} rp_ics_event;

/* Called once per occurrence. A nonzero return stops the read, and
 * rp_ics_read returns it. */
typedef int (*rp_ics_event_fn)(void *ctx, const rp_ics_event *ev);
/* Called once per refused VEVENT (or VTIMEZONE), or per event cut short
 * (too many occurrences): line is its BEGIN line, message says the field and
 * the reason ("DTSTART: unknown TZID \"Mars/Olympus\""). message lives until
 * the callback returns. May be NULL (problems are then ignored). */
typedef void (*rp_ics_error_fn)(void *ctx, int line, const char *message);

/* Reads the iCalendar text buf[0..len) (a leading UTF-8 BOM, CRLF or LF
 * line ends, folded lines) and calls on_event for every occurrence whose
 * start lies in [window_from, window_to], and on_error for every VEVENT
 * refused (it is skipped whole; the others go on). Floating and all-day
 * times are in zone tz (NULL: UTC). Strings go into arena a.
 *
 * Kind (summary words first, then the description's; case-insensitive,
 * whole words, accents folded): breakfast, brunch, lunch, dinner, supper,
 * coffee, cafe, drink(s), happy hour -> meal; party, bbq, barbecue,
 * celebration, housewarming -> party; "open house" -> visit (a real-estate
 * showing of a property, not a party); party words win over meal words,
 * meal words over "open house"; anything else -> meeting.
 *
 * Returns 0 when the file was read (even if some events were refused);
 * RP_ETOOLARGE for more than RP_ICS_MAX_INPUT bytes or RP_ICS_MAX_EVENTS
 * VEVENTs (nothing is called then); RP_EINVALID_VALUE when the text is not
 * an iCalendar file at all (no BEGIN:VCALENDAR or VEVENT); or the nonzero
 * value of on_event that stopped it. Thread-safe; everything libical
 * allocates is freed before it returns. */
int rp_ics_read(const char *buf, size_t len, const rp_tz *tz, rp_time window_from,
                rp_time window_to, rp_arena *a, rp_ics_event_fn on_event, rp_ics_error_fn on_error,
                void *ctx);

/* The IANA zone name for a Windows zone name as Outlook and Exchange write
 * it in TZID ("W. Europe Standard Time" -> "Europe/Berlin", the CLDR
 * mapping for the zone's main territory), ASCII case-insensitive; NULL for
 * a name not in the table. */
const char *rp_ics_windows_zone(const char *name);

#endif
