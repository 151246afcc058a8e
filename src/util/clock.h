/* clock.h: the one clock of rapport, and RFC 3339 / date conversions.
 *
 * Time is int64 seconds since the Unix epoch, UTC. Only rp_clock_now() reads
 * the system clock; src/core never calls it and takes T as an argument.
 * Tests can pin it: rp_clock_set() in-process, or the RAPPORT_NOW environment
 * variable (an RFC 3339 time) for a whole server, read at first use. Test
 * builds (build/rapport-test, compiled with RP_TEST_CLOCK) also read the
 * time from the file RAPPORT_TEST_CLOCK names, at every call, so a test can
 * move a running server's time forward. */
#ifndef RP_CLOCK_H
#define RP_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t rp_time;

rp_time rp_clock_now(void);
/* Milliseconds of the monotonic clock (durations: never pinned). */
double rp_mono_ms(void);
/* Sleeps ms milliseconds (the pauses a writer leaves between its
 * transactions for the writers SQLite's busy wait keeps polling). */
void rp_sleep_ms(long ms);
/* Pins the clock to t (0 unpins). */
void rp_clock_set(rp_time t);

/* "2026-11-24T14:05:00Z" into out (at least 21 bytes). Returns out. */
char *rp_time_format(rp_time t, char out[static 21]);
/* "2026-11-24" (UTC day of t) into out (at least 11 bytes). Returns out. */
char *rp_date_format(rp_time t, char out[static 11]);

/* Parses an RFC 3339 time: "2026-11-24T14:05:00Z", with fractional seconds
 * (dropped) and a numeric offset ("+02:00") allowed; 't'/'z' accepted. Also
 * accepts a bare date "2026-11-24" as midnight UTC. 0 or RP_EINVALID_VALUE
 * (no error set: the caller names the field). */
int rp_time_parse(rp_time *out, const char *p, size_t len);
/* Parses a calendar date "YYYY-MM-DD" (checked: month 1-12, day in month).
 * *out is midnight UTC. 0 or RP_EINVALID_VALUE. */
int rp_date_parse(rp_time *out, const char *p, size_t len);

/* Days from 1970-01-01 of a civil date, and back (Howard Hinnant's). */
int64_t rp_days_from_civil(int64_t y, unsigned m, unsigned d);
void rp_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
