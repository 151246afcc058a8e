#include "util/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/error.h"

static _Atomic rp_time pinned = 0;
static atomic_int env_read = 0;

#ifdef RP_TEST_CLOCK
/* Test builds only (build/rapport-test, never the installed binary): when
 * RAPPORT_TEST_CLOCK names a file, every read of the clock reads the RFC
 * 3339 time in it, so a test moves a running server's time forward by
 * rewriting the file, without sleeping. An empty or unreadable file gives
 * the real clock. */
static rp_time test_clock(void) {
  const char *path = getenv("RAPPORT_TEST_CLOCK");
  if (!path || !*path) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char buf[64];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
    n--;
  rp_time t = 0;
  if (n && rp_time_parse(&t, buf, n) != 0) t = 0;
  return t;
}
#endif

rp_time rp_clock_now(void) {
#ifdef RP_TEST_CLOCK
  if (!atomic_load(&pinned)) {
    rp_time t = test_clock();
    if (t) return t;
  }
#endif
  if (!atomic_load(&env_read)) {
    const char *e = getenv("RAPPORT_NOW");
    rp_time t = 0;
    if (e && *e && rp_time_parse(&t, e, strlen(e)) == 0 && !atomic_load(&pinned))
      atomic_store(&pinned, t);
    atomic_store(&env_read, 1);
  }
  rp_time p = atomic_load(&pinned);
  if (p) return p;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (rp_time)ts.tv_sec;
}

double rp_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void rp_sleep_ms(long ms) {
  if (ms <= 0) return;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

void rp_clock_set(rp_time t) {
  atomic_store(&env_read, 1);
  atomic_store(&pinned, t);
}

int64_t rp_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

void rp_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* Writes v as exactly w decimal digits. */
static void put(char *o, unsigned v, int w) {
  for (int i = w - 1; i >= 0; i--) {
    o[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

char *rp_date_format(rp_time t, char out[static 11]) {
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(floordiv(t, 86400), &y, &m, &d);
  if (y < 0 || y > 9999) y = y < 0 ? 0 : 9999;
  put(out, (unsigned)y, 4);
  out[4] = '-';
  put(out + 5, m, 2);
  out[7] = '-';
  put(out + 8, d, 2);
  out[10] = '\0';
  return out;
}

char *rp_time_format(rp_time t, char out[static 21]) {
  int64_t secs = t - floordiv(t, 86400) * 86400;
  rp_date_format(t, out);
  out[10] = 'T';
  put(out + 11, (unsigned)(secs / 3600), 2);
  out[13] = ':';
  put(out + 14, (unsigned)(secs / 60 % 60), 2);
  out[16] = ':';
  put(out + 17, (unsigned)(secs % 60), 2);
  out[19] = 'Z';
  out[20] = '\0';
  return out;
}

static int digits(const char *p, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return -1;
    v = v * 10 + (p[i] - '0');
  }
  *out = v;
  return 0;
}

static unsigned days_in_month(int y, int m) {
  static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[m - 1];
}

int rp_date_parse(rp_time *out, const char *p, size_t len) {
  int y, m, d;
  if (len != 10 || p[4] != '-' || p[7] != '-') return RP_EINVALID_VALUE;
  if (digits(p, 4, &y) || digits(p + 5, 2, &m) || digits(p + 8, 2, &d)) return RP_EINVALID_VALUE;
  if (y < 1 || m < 1 || m > 12 || d < 1 || (unsigned)d > days_in_month(y, m))
    return RP_EINVALID_VALUE;
  *out = rp_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400;
  return 0;
}

int rp_time_parse(rp_time *out, const char *p, size_t len) {
  rp_time day;
  if (len == 10) return rp_date_parse(out, p, len);
  if (len < 20 || rp_date_parse(&day, p, 10)) return RP_EINVALID_VALUE;
  if (p[10] != 'T' && p[10] != 't' && p[10] != ' ') return RP_EINVALID_VALUE;
  int hh, mm, ss;
  if (p[13] != ':' || p[16] != ':' || digits(p + 11, 2, &hh) || digits(p + 14, 2, &mm) ||
      digits(p + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
    return RP_EINVALID_VALUE;
  if (ss == 60) ss = 59; /* leap second: clamp */
  size_t i = 19;
  if (i < len && p[i] == '.') {
    i++;
    size_t start = i;
    while (i < len && p[i] >= '0' && p[i] <= '9' && i - start < 9) i++;
    if (i == start) return RP_EINVALID_VALUE;
  }
  int64_t offset = 0;
  if (i < len && (p[i] == 'Z' || p[i] == 'z')) {
    i++;
  } else if (i + 6 == len && (p[i] == '+' || p[i] == '-') && p[i + 3] == ':') {
    int oh, om;
    if (digits(p + i + 1, 2, &oh) || digits(p + i + 4, 2, &om) || oh > 23 || om > 59)
      return RP_EINVALID_VALUE;
    offset = (oh * 3600 + om * 60) * (p[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return RP_EINVALID_VALUE;
  }
  if (i != len) return RP_EINVALID_VALUE;
  *out = day + hh * 3600 + mm * 60 + ss - offset;
  return 0;
}
