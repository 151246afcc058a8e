/* fuzz_duration.c: libFuzzer driver for ISO 8601 durations
 * (core/duration.h). The input is the duration text. Beyond memory errors
 * and UB it checks the contract: a refusal gives RP_EINVALID_VALUE, a reason
 * and a zero duration; a parsed duration formats to canonical text no
 * longer than the input that parses back to the same value; moving an
 * instant forward never goes back in time (UTC), an exact duration undoes
 * itself, and a yearly step is due after `after` and within a year and a
 * few days of it.
 * fuzz-sources: src/core/duration.c src/util/clock.c src/util/tz.c src/util/error.c src/util/mem.c
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "util/error.h"
#include "util/tz.h"

static const rp_time probes[] = {0,
                                 951782400 /* 2000-02-29 */,
                                 1772953200 /* 2026-03-08 07:00Z */,
                                 1793512800 /* 2026-11-01 06:00Z */,
                                 -2208988800,
                                 253402300799};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data;
  rp_duration d;
  char why[160];
  why[0] = '\0';
  if (rp_duration_parse(&d, p, size, why, sizeof why) != 0) {
    if (why[0] == '\0' || d.sign != 1 || d.years || d.months || d.weeks || d.days || d.hours ||
        d.minutes || d.seconds)
      abort();
    return 0;
  }
  if (d.sign != 1 && d.sign != -1) abort();
  int64_t nominal = rp_duration_nominal_seconds(&d);
  if (nominal > RP_DURATION_MAX_S || nominal < -RP_DURATION_MAX_S) abort();

  char text[RP_DURATION_TEXT_MAX];
  if (rp_duration_format(text, &d) != 0) abort();
  size_t n = strlen(text);
  if (n > size || n < 3) abort();
  rp_duration back;
  if (rp_duration_parse(&back, text, n, why, sizeof why) != 0) abort();
  if (memcmp(&back, &d, sizeof d) != 0) abort();

  const rp_tz *ny = rp_tz_get("America/New_York"); /* NULL without tzdata: UTC */
  rp_duration inverse = d;
  inverse.sign = -d.sign;
  bool exact = !d.years && !d.months && !d.weeks && !d.days;
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
    rp_time t = probes[i];
    rp_time u = rp_duration_add(t, &d, NULL);
    if (nominal > 0 && u < t) abort();
    if (nominal < 0 && u > t) abort();
    if (exact && rp_duration_add(u, &inverse, NULL) != t) abort();
    rp_time v = rp_duration_add(t, &d, ny);
    if (exact && v != u) abort();

    rp_time due;
    if (rp_duration_next_anniversary(&due, "--02-29", 7, &d, 9 * 3600, ny, t) != 0) abort();
    if (due <= t || due - t > 370 * 86400) abort();
    if (rp_duration_on_date(&due, "2026-01-31", 10, &d, 0, ny) != 0) abort();
  }
  return 0;
}
