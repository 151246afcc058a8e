#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"

/* RAPPORT_LOG, read once (any thread may be first: the same value) */
static int threshold(void) {
  static atomic_int cached = -1;
  int level = atomic_load_explicit(&cached, memory_order_relaxed);
  if (level < 0) {
    const char *e = getenv("RAPPORT_LOG");
    level = !e ? RP_LOG_INFO
            : !strcmp(e, "debug") ? RP_LOG_DEBUG
            : !strcmp(e, "warn")  ? RP_LOG_WARN
            : !strcmp(e, "error") ? RP_LOG_ERROR
                                  : RP_LOG_INFO;
    atomic_store_explicit(&cached, level, memory_order_relaxed);
  }
  return level;
}

void rp_log(int level, const char *fmt, ...) {
  if (level < threshold()) return;
  static const char *names[] = {"debug", "info", "warn", "error"};
  char ts[21], line[1024];
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  rp_time_format((rp_time)now.tv_sec, ts);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s %s %s\n", ts, names[level], line);
}
