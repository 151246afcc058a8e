/* tz_internal.h: the parsers behind util/tz.h, exposed for the unit tests
 * and the fuzz driver (tests/fuzz/fuzz_tz.c). Not for other modules: they
 * use rp_tz_get. */
#ifndef RP_UTIL_TZ_INTERNAL_H
#define RP_UTIL_TZ_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/tz.h"

/* One date of a POSIX TZ rule: Jn (1..365, February 29 never counted), n
 * (0..365, counted) or Mm.w.d (month, week 1..5 with 5 the last, weekday
 * 0 = Sunday), and the local time of day of the change in seconds (RFC 8536
 * section 3.3.1: -167 h to 167 h). */
typedef struct rp_tz_date {
  enum { RP_TZ_JULIAN1, RP_TZ_JULIAN0, RP_TZ_MONTH } kind;
  int day;               /* Jn, n */
  int month, week, wday; /* Mm.w.d */
  int32_t time;
} rp_tz_date;

/* A POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"), offsets east positive (the
 * string writes them west positive). */
typedef struct rp_tz_rule {
  int32_t std_off;
  bool has_dst;
  int32_t dst_off;
  rp_tz_date start, end; /* to DST at start (std wall time), back at end (DST wall time) */
} rp_tz_rule;

/* Parses the POSIX TZ string p[0..len) (RFC 8536 section 3.3 with its
 * version 3 extensions). A DST part without a rule takes the US rule
 * "M3.2.0,M11.1.0". 0, or RP_EINVALID_VALUE (no error set) for anything
 * else, including an empty string. Bounded by len; no allocation. */
int rp_tz_rule_parse(rp_tz_rule *out, const char *p, size_t len);

/* Parses the TZif file p[0..len) (RFC 8536, versions 1 to 4; the 64-bit
 * block of version 2 and later; the footer's TZ string). *out is a new
 * zone the caller frees with rp_tz_free. RP_EINVALID_VALUE, with the reason
 * in the thread error (field NULL), for a truncated or inconsistent file.
 * Reads only p[0..len). Leap-second records are read past and ignored. */
int rp_tz_parse(rp_tz **out, const unsigned char *p, size_t len);

/* Frees a zone of rp_tz_parse (NULL is fine). Never for rp_tz_get's. */
void rp_tz_free(rp_tz *tz);

/* The number of transitions and time types a zone holds (tests). */
size_t rp_tz_transition_count(const rp_tz *tz);
bool rp_tz_has_rule(const rp_tz *tz);

#endif
