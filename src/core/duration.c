/* duration.c: ISO 8601 durations (API.md workflow steps "after" and
 * "offset") and the calendar arithmetic that places a step in the account's
 * time zone.
 *
 * The parser is a single left-to-right pass over at most
 * RP_DURATION_MAX_LEN bytes. Numbers saturate just above the 100-year
 * bound while they are read, so no input overflows. The arithmetic works
 * on the local civil date (util/tz.h, Howard Hinnant's day counts of
 * util/clock.h) for the calendar part and on exact seconds for the time
 * part, as RFC 5545 and TC39 Temporal do for zoned times. */
#include "core/duration.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

/* Instants are clamped to +-2^50 s (some 35 million years) so that every
 * local day stays well inside what util/tz.h computes exactly. */
#define T_LIMIT ((int64_t)1 << 50)

enum { C_YEARS, C_MONTHS, C_WEEKS, C_DAYS, C_HOURS, C_MINUTES, C_SECONDS, C_COUNT };

/* Nominal seconds of one unit of each component (see duration.h). */
static const int64_t weight[C_COUNT] = {31557600, 2629800, 604800, 86400, 3600, 60, 1};
static const char designator[C_COUNT] = {'Y', 'M', 'W', 'D', 'H', 'M', 'S'};

static int64_t *component(rp_duration *d, int c) {
  switch (c) {
  case C_YEARS: return &d->years;
  case C_MONTHS: return &d->months;
  case C_WEEKS: return &d->weeks;
  case C_DAYS: return &d->days;
  case C_HOURS: return &d->hours;
  case C_MINUTES: return &d->minutes;
  default: return &d->seconds;
  }
}

static int64_t component_value(const rp_duration *d, int c) {
  return *component((rp_duration *)d, c);
}

static int refuse(rp_duration *out, char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int refuse(rp_duration *out, char *why, size_t why_len, const char *fmt, ...) {
  memset(out, 0, sizeof *out);
  out->sign = 1;
  if (why && why_len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
  }
  return RP_EINVALID_VALUE;
}

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }

static bool is_designator(char c) {
  c = upper(c);
  return c == 'Y' || c == 'M' || c == 'W' || c == 'D' || c == 'H' || c == 'S';
}

/* "unexpected 'x' at 3", or the byte in hex when it is not printable. */
static int unexpected(rp_duration *out, char *why, size_t why_len, const char *p, size_t i) {
  unsigned char c = (unsigned char)p[i];
  if (c >= 0x21 && c < 0x7f) return refuse(out, why, why_len, "unexpected '%c' at %zu", c, i);
  return refuse(out, why, why_len, "unexpected byte 0x%02x at %zu", c, i);
}

int rp_duration_parse(rp_duration *out, const char *p, size_t len, char *why, size_t why_len) {
  rp_duration d = {.sign = 1};
  size_t i = 0;
  int last = -1, n_date = 0, n_time = 0;
  bool in_time = false;
  int64_t total = 0;

  if (len > RP_DURATION_MAX_LEN)
    return refuse(out, why, why_len, "longer than %d characters", RP_DURATION_MAX_LEN);
  if (len == 0) return refuse(out, why, why_len, "empty; write e.g. P1D, PT5M or -P1D");
  if (p[0] == '+' || p[0] == '-') d.sign = p[i++] == '-' ? -1 : 1;
  if (i >= len || upper(p[i]) != 'P')
    return refuse(out, why, why_len, "must start with 'P' (e.g. P1D, PT5M or -P1D)");
  i++;
  while (i < len) {
    char c = p[i];
    if (upper(c) == 'T') {
      if (in_time) return refuse(out, why, why_len, "'T' at %zu appears twice", i);
      in_time = true;
      i++;
      continue;
    }
    if (c >= '0' && c <= '9') {
      size_t start = i;
      int64_t v = 0;
      for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        v = v * 10 + (p[i] - '0');
        if (v > RP_DURATION_MAX_S) v = RP_DURATION_MAX_S + 1; /* saturate */
      }
      if (i < len && (p[i] == '.' || p[i] == ','))
        return refuse(out, why, why_len,
                      "fractions are not allowed (at %zu); use a smaller unit, e.g. PT30M for "
                      "half an hour",
                      i);
      if (i == len)
        return refuse(out, why, why_len,
                      "the number at %zu has no unit; add Y, M, W or D (H, M or S after 'T')",
                      start);
      char u = upper(p[i]);
      int comp;
      if (in_time) {
        if (u == 'H')
          comp = C_HOURS;
        else if (u == 'M')
          comp = C_MINUTES;
        else if (u == 'S')
          comp = C_SECONDS;
        else if (u == 'Y' || u == 'W' || u == 'D')
          return refuse(out, why, why_len,
                        "'%c' at %zu comes after 'T'; years, months, weeks and days go before "
                        "it (e.g. P1DT2H)",
                        u, i);
        else
          return unexpected(out, why, why_len, p, i);
      } else {
        if (u == 'Y')
          comp = C_YEARS;
        else if (u == 'M')
          comp = C_MONTHS;
        else if (u == 'W')
          comp = C_WEEKS;
        else if (u == 'D')
          comp = C_DAYS;
        else if (u == 'H' || u == 'S')
          return refuse(out, why, why_len, "'%c' at %zu needs a 'T' before it (e.g. PT1%c)", u, i,
                        u);
        else
          return unexpected(out, why, why_len, p, i);
      }
      if (comp == last) return refuse(out, why, why_len, "'%c' at %zu appears twice", u, i);
      if (comp < last)
        return refuse(out, why, why_len,
                      "'%c' at %zu is out of order; write Y, M, W, D, then T and H, M, S", u, i);
      last = comp;
      *component(&d, comp) = v;
      total += v * weight[comp]; /* v <= RP_DURATION_MAX_S + 1: no overflow */
      if (total > RP_DURATION_MAX_S)
        return refuse(out, why, why_len, "longer than 100 years (36525 days)");
      if (in_time)
        n_time++;
      else
        n_date++;
      i++;
      continue;
    }
    if (c == '.' || c == ',')
      return refuse(out, why, why_len,
                    "fractions are not allowed (at %zu); use a smaller unit, e.g. PT30M for half "
                    "an hour",
                    i);
    if (c == '+' || c == '-')
      return refuse(out, why, why_len, "the sign at %zu must come before the 'P' (e.g. -P1D)", i);
    if (is_designator(c))
      return refuse(out, why, why_len, "'%c' at %zu needs a number before it (e.g. 1%c)", upper(c),
                    i, upper(c));
    return unexpected(out, why, why_len, p, i);
  }
  if (in_time && n_time == 0)
    return refuse(out, why, why_len, "'T' must be followed by hours, minutes or seconds");
  if (n_date + n_time == 0)
    return refuse(out, why, why_len, "needs at least one component, e.g. P1D or PT5M");
  if (total == 0) d.sign = 1;
  *out = d;
  return 0;
}

/* Nominal seconds of the components, saturated at RP_DURATION_MAX_S + 1;
 * -1 for a negative component. */
static int64_t nominal_abs(const rp_duration *d) {
  int64_t total = 0;
  for (int c = 0; c < C_COUNT; c++) {
    int64_t v = component_value(d, c);
    if (v < 0) return -1;
    if (v > RP_DURATION_MAX_S) return RP_DURATION_MAX_S + 1;
    total += v * weight[c];
    if (total > RP_DURATION_MAX_S) return RP_DURATION_MAX_S + 1;
  }
  return total;
}

int rp_duration_format(char out[static RP_DURATION_TEXT_MAX], const rp_duration *d) {
  out[0] = '\0';
  if (!d || (d->sign != 1 && d->sign != -1)) return RP_EINVALID_VALUE;
  int64_t total = nominal_abs(d);
  if (total < 0 || total > RP_DURATION_MAX_S) return RP_EINVALID_VALUE;
  if (total == 0) {
    memcpy(out, "P0D", 4);
    return 0;
  }
  size_t n = 0;
  if (d->sign < 0) out[n++] = '-';
  out[n++] = 'P';
  for (int c = 0; c < C_COUNT; c++) {
    int64_t v = component_value(d, c);
    if (c == C_HOURS && (d->hours || d->minutes || d->seconds)) out[n++] = 'T';
    if (v == 0) continue;
    /* v <= RP_DURATION_MAX_S: at most 10 digits, so n stays below 82 */
    n += (size_t)snprintf(out + n, RP_DURATION_TEXT_MAX - n, "%lld%c", (long long)v, designator[c]);
  }
  out[n] = '\0';
  return 0;
}

int64_t rp_duration_nominal_seconds(const rp_duration *d) {
  if (!d) return 0;
  int64_t total = nominal_abs(d);
  if (total < 0) return 0;
  return d->sign < 0 ? -total : total;
}

static int64_t clamp_t(int64_t t) { return t < -T_LIMIT ? -T_LIMIT : t > T_LIMIT ? T_LIMIT : t; }

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) q--;
  return q;
}

static bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* A component of d bounded to [0, RP_DURATION_MAX_S], so that a struct not
 * made by the parser still cannot overflow the arithmetic. */
static int64_t bounded(const rp_duration *d, int c) {
  int64_t v = component_value(d, c);
  return v < 0 ? 0 : v > RP_DURATION_MAX_S ? RP_DURATION_MAX_S : v;
}

rp_time rp_duration_add(rp_time t, const rp_duration *d, const rp_tz *tz) {
  t = clamp_t(t);
  if (!d) return t;
  const int64_t s = d->sign < 0 ? -1 : 1;
  const int64_t months = bounded(d, C_YEARS) * 12 + bounded(d, C_MONTHS);
  const int64_t days = bounded(d, C_WEEKS) * 7 + bounded(d, C_DAYS);
  const int64_t secs =
      bounded(d, C_HOURS) * 3600 + bounded(d, C_MINUTES) * 60 + bounded(d, C_SECONDS);
  if (months || days) {
    const int64_t day = rp_tz_day(tz, t);
    const int32_t sec = (int32_t)(t + rp_tz_offset(tz, t) - day * 86400);
    int64_t y;
    unsigned m, dd;
    rp_civil_from_days(day, &y, &m, &dd);
    const int64_t mon = y * 12 + (m - 1) + s * months;
    const int64_t ny = floor_div(mon, 12);
    const unsigned nm = (unsigned)(mon - ny * 12) + 1;
    const unsigned dim = days_in_month(ny, nm);
    const int64_t nday = rp_days_from_civil(ny, nm, dd > dim ? dim : dd) + s * days;
    t = clamp_t(rp_tz_instant(tz, nday, sec));
  }
  return clamp_t(t + s * secs);
}

/* Reads "YYYY-MM-DD" (a real date) or, when yearless is true, "--MM-DD"
 * (Feb 29 allowed) into *m, *d. */
static bool parse_date(unsigned *m, unsigned *d, int64_t *y, const char *p, size_t len,
                       bool yearless) {
  if (!p) return false;
  if (len == 10) {
    rp_time t;
    if (rp_date_parse(&t, p, len) != 0) return false;
    rp_civil_from_days(floor_div(t, 86400), y, m, d);
    return true;
  }
  if (!yearless || len != 7 || p[0] != '-' || p[1] != '-' || p[4] != '-') return false;
  for (size_t i = 2; i < 7; i++)
    if (i != 4 && (p[i] < '0' || p[i] > '9')) return false;
  *m = (unsigned)((p[2] - '0') * 10 + (p[3] - '0'));
  *d = (unsigned)((p[5] - '0') * 10 + (p[6] - '0'));
  *y = 2000; /* a leap year: Feb 29 is a valid month-day */
  return *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(2000, *m);
}

int rp_duration_next_anniversary(rp_time *out, const char *date, size_t len,
                                 const rp_duration *offset, int32_t local_sec, const rp_tz *tz,
                                 rp_time after) {
  unsigned m, d;
  int64_t y;
  *out = 0;
  if (!parse_date(&m, &d, &y, date, len, true))
    return rp_error_set(RP_EINVALID_VALUE, NULL, "must be a date YYYY-MM-DD or --MM-DD");
  if (local_sec < 0 || local_sec >= 86400)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "the time of day must be 0 to 86399 seconds");
  after = clamp_t(after);
  /* The offset moves the date by `years` whole years, give or take one:
   * starting two years before that and going forward, the first candidate
   * after `after` is found within five years (the candidates grow with the
   * year: month arithmetic with clamping keeps the order of dates). */
  const int64_t years = rp_duration_nominal_seconds(offset) / weight[C_YEARS];
  int64_t y0;
  unsigned um, ud;
  rp_civil_from_days(rp_tz_day(tz, after), &y0, &um, &ud);
  for (int64_t year = y0 - years - 2; year <= y0 - years + 4; year++) {
    unsigned day = m == 2 && d == 29 && !is_leap(year) ? 28 : d;
    rp_time at = rp_tz_instant(tz, rp_days_from_civil(year, m, day), local_sec);
    rp_time due = rp_duration_add(at, offset, tz);
    if (due > after) {
      *out = due;
      return 0;
    }
  }
  /* only at the clamp of rp_time, where no later instant exists */
  return rp_error_set(RP_EINVALID_VALUE, NULL, "no date after the given time");
}

int rp_duration_on_date(rp_time *out, const char *date, size_t len, const rp_duration *offset,
                        int32_t local_sec, const rp_tz *tz) {
  unsigned m, d;
  int64_t y;
  *out = 0;
  if (!parse_date(&m, &d, &y, date, len, false))
    return rp_error_set(RP_EINVALID_VALUE, NULL, "must be a date YYYY-MM-DD");
  if (local_sec < 0 || local_sec >= 86400)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "the time of day must be 0 to 86399 seconds");
  rp_time at = rp_tz_instant(tz, rp_days_from_civil(y, m, d), local_sec);
  *out = rp_duration_add(at, offset, tz);
  return 0;
}
