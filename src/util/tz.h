/* tz.h: local time in an IANA timezone ("America/New_York"), read from the
 * system's compiled zone files (Debian's tzdata, TZif versions 1-4, RFC
 * 8536), with the POSIX TZ rule of the file's footer for times after its
 * last transition. No setenv("TZ"), no localtime: safe in every thread.
 *
 * Zones are loaded once per process and kept (rp_tz_get); a loaded zone is
 * read-only. The zone directory is /usr/share/zoneinfo, or $TZDIR. */
#ifndef RP_UTIL_TZ_H
#define RP_UTIL_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"

typedef struct rp_tz rp_tz;

/* The zone called name ("UTC", "Europe/Prague", ...), loaded on first use
 * and kept for the life of the process (thread-safe). NULL, with
 * RP_ENOTFOUND set (field NULL), for a name that is not a zone: empty, too
 * long, with "..", not starting with a letter, or no such readable TZif
 * file. */
const rp_tz *rp_tz_get(const char *name);

/* The UTC zone (never NULL, needs no file). */
const rp_tz *rp_tz_utc(void);

/* The zone's name ("Europe/Prague", "UTC"). */
const char *rp_tz_name(const rp_tz *tz);

/* True when name is a zone rp_tz_get can load. */
bool rp_tz_valid(const char *name);

/* The zone's offset from UTC in seconds (east positive) at instant t. */
int32_t rp_tz_offset(const rp_tz *tz, rp_time t);

/* The local date of instant t, as days since 1970-01-01
 * (rp_civil_from_days turns it into y-m-d). */
int64_t rp_tz_day(const rp_tz *tz, rp_time t);

/* The instant at which local wall time `sec` seconds into local day `day`
 * occurs. In a gap (spring forward) the wall time does not exist: the
 * instant the gap ends. In an overlap (fall back): the earlier instant. */
rp_time rp_tz_instant(const rp_tz *tz, int64_t day, int32_t sec);

#endif
