/* duration.h: ISO 8601 durations for workflow steps (API.md "Workflows,
 * messages, channels": "after": "PT5M", "relative_to": "birthday",
 * "offset": "-P1D"), and the calendar arithmetic that places a step in the
 * account's time zone.
 *
 * Text form: [+-]P[nY][nM][nW][nD][T[nH][nM][nS]], components in that order,
 * each at most once, at least one of them, whole numbers only. Designators
 * may also be written in lower case ("p1d"); rp_duration_format writes upper
 * case. The whole duration is bounded to 100 years (see RP_DURATION_MAX_S),
 * so no arithmetic on it overflows.
 *
 * Pure: no I/O, no clock, no allocation. */
#ifndef RP_CORE_DURATION_H
#define RP_CORE_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/tz.h"

/* Longest accepted text, in bytes. */
#define RP_DURATION_MAX_LEN 64
/* Room rp_duration_format needs, NUL included ("-P" and 7 bounded
 * components of at most 10 digits, "T"). */
#define RP_DURATION_TEXT_MAX 96
/* The bound on a duration, in nominal seconds: 100 years of 365.25 days
 * (36525 days). Nominal weights: Y = 365.25 days, M = Y/12 = 30.4375 days,
 * W = 7 days, D = 86400 s, H = 3600 s, M = 60 s, S = 1 s. */
#define RP_DURATION_MAX_S ((int64_t)3155760000)

/* A parsed duration. Components are >= 0; sign is +1 or -1 (a zero
 * duration always has sign +1). Components are int64_t because the seconds
 * alone may reach RP_DURATION_MAX_S, which does not fit an int. */
typedef struct rp_duration {
  int sign;
  int64_t years, months, weeks, days;
  int64_t hours, minutes, seconds;
} rp_duration;

/* Parses p[0..len) as a duration into *out. Returns 0, or RP_EINVALID_VALUE
 * with a short human reason in why (e.g. "'T' must be followed by hours,
 * minutes or seconds"; why may be NULL) and *out zeroed (sign +1). The
 * caller names the field; no thread error is set. */
int rp_duration_parse(rp_duration *out, const char *p, size_t len, char *why, size_t why_len);

/* Writes the canonical text of *d into out: upper case, no "+", zero
 * components left out, "P0D" for a zero duration, so that parsing it gives
 * *d back. Returns 0, or RP_EINVALID_VALUE (out = "") for a struct that
 * rp_duration_parse could not have produced (bad sign, negative component,
 * over the 100-year bound). */
int rp_duration_format(char out[static RP_DURATION_TEXT_MAX], const rp_duration *d);

/* The nominal length of *d in seconds, signed (weights above); a bound and
 * an estimate, not what rp_duration_add moves. */
int64_t rp_duration_nominal_seconds(const rp_duration *d);

/* Instant t moved by *d in zone tz (NULL: UTC). The calendar part (Y, M, W,
 * D) moves the local civil date and keeps the local wall-clock time, so P1D
 * across a DST change keeps 09:00 local; years and months first, the day
 * clamped to the month's length (Jan 31 + P1M = Feb 28 or 29), then weeks
 * and days. The time part (H, M, S) then adds exact seconds (PT24H across
 * spring-forward gives 10:00). A negative sign subtracts, in the same order.
 * A wall time the move lands on that does not exist (skipped by spring
 * forward) gives the instant the gap ends; one that occurs twice (fall
 * back) the earlier. A duration with no calendar part is exact arithmetic.
 * Instants (t and the result) are clamped to +-2^50 s, some 35 million
 * years, so nothing overflows. */
rp_time rp_duration_add(rp_time t, const rp_duration *d, const rp_tz *tz);

/* "relative_to": "birthday" | "anniversary" (a yearly date). date is the
 * contact's field as stored: "YYYY-MM-DD" (the year is ignored) or "--MM-DD"
 * (checked: a real month and day, Feb 29 allowed). For each year Y the date
 * falls on that month-day of Y (Feb 29 on Feb 28 when Y is not a leap year)
 * at local time local_sec (seconds after local midnight, 0..86399) in tz
 * (NULL: UTC), and the step is due at that instant moved by offset
 * (rp_duration_add; NULL: no offset). *out is the first such instant strictly
 * after `after`. Returns 0, or RP_EINVALID_VALUE with the thread error set
 * (field NULL) for a bad date or local_sec. */
int rp_duration_next_anniversary(rp_time *out, const char *date, size_t len,
                                 const rp_duration *offset, int32_t local_sec, const rp_tz *tz,
                                 rp_time after);

/* "relative_to": "close_date" (one fixed date). date is "YYYY-MM-DD"
 * (checked); *out is that day at local time local_sec in tz (NULL: UTC)
 * moved by offset (NULL: none), whether it is past or not (the caller
 * decides what a past step means). Returns 0, or RP_EINVALID_VALUE with the
 * thread error set (field NULL) for a bad date or local_sec. */
int rp_duration_on_date(rp_time *out, const char *date, size_t len, const rp_duration *offset,
                        int32_t local_sec, const rp_tz *tz);

#endif
