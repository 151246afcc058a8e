/* fuzz_tz.c: libFuzzer driver for the TZif and POSIX TZ string parsers
 * (util/tz_internal.h). An input starting with "TZif" is a zone file, any
 * other a footer TZ string. Beyond memory errors and UB it checks the
 * contract: a refused file sets RP_EINVALID_VALUE with a message and gives
 * no zone; a parsed zone answers every instant with an offset under 26
 * hours, a local day that agrees with it, and an instant for every wall
 * time that shows that wall time or lies just after a skipped one.
 * fuzz-sources: src/util/tz.c src/util/error.c src/util/clock.c src/util/mem.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/tz.h"
#include "util/tz_internal.h"

static const rp_time probes[] = {INT64_MIN,  -2208988800, -1,         0,        1700000000,
                                 1774746000, 2145916800,  4102444800, INT64_MAX};

static void check_zone(const rp_tz *z) {
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
    rp_time t = probes[i];
    int32_t off = rp_tz_offset(z, t);
    if (off <= -26 * 3600 || off >= 26 * 3600) abort();
    int64_t day = rp_tz_day(z, t);
    if (t > -((int64_t)1 << 59) && t < ((int64_t)1 << 59)) {
      int64_t local = t + off;
      int64_t expect = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
      if (day != expect) abort();
      for (int32_t sec = 0; sec < 86400; sec += 5 * 3600 + 1) {
        rp_time u = rp_tz_instant(z, day, sec);
        int64_t wall = day * 86400 + sec;
        int64_t shown = u + rp_tz_offset(z, u);
        /* a wall time that was skipped gives an instant after the skip */
        if (shown != wall && shown < wall) abort();
      }
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rp_error_clear();
  if (size >= 4 && memcmp(data, "TZif", 4) == 0) {
    rp_tz *z = NULL;
    int rc = rp_tz_parse(&z, data, size);
    if (rc != 0) {
      if (z || rc != RP_EINVALID_VALUE || rp_error_last()->code != rc ||
          rp_error_last()->message[0] == '\0')
        abort();
      return 0;
    }
    if (!z) abort();
    check_zone(z);
    rp_tz_free(z);
    return 0;
  }
  rp_tz_rule r;
  if (rp_tz_rule_parse(&r, (const char *)data, size) != 0) return 0;
  if (r.std_off <= -26 * 3600 || r.std_off >= 26 * 3600) abort();
  if (r.has_dst && (r.dst_off <= -26 * 3600 || r.dst_off >= 26 * 3600)) abort();
  return 0;
}
