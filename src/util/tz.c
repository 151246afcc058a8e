/* tz.c: IANA timezones from the system's TZif files (RFC 8536), without
 * setenv("TZ") or localtime (util/tz.h).
 *
 * A zone is its transitions (64-bit instants, each naming a local time
 * type), the UTC offsets of its types, and the POSIX TZ rule of its footer
 * for the instants after the last transition. Files are untrusted bytes:
 * every read is bounded by the file's length and every count checked before
 * use; a truncated or inconsistent file is refused whole. Loaded zones live
 * in a table that only grows (readers take no lock; loading takes a mutex)
 * and are never freed, so a pointer from rp_tz_get stays valid. */
#include "util/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/mem.h"
#include "util/tz_internal.h"

#define TZ_NAME_MAX 64
#define TZ_FILE_MAX (1 << 20)         /* real zone files are a few KiB */
#define TZ_OFF_MAX (26 * 3600)        /* |UTC offset| must be below this (RFC 8536 3.2) */
#define TZ_T_LIMIT ((int64_t)1 << 60) /* instants are clamped to +-2^60 s */
#define TZ_DAY_LIMIT ((int64_t)1 << 40)
#define TZ_SLOTS 4096 /* power of two; the system has fewer than 2000 zone files */
#define TZ_CACHE_MAX (TZ_SLOTS * 3 / 4)
#define TZ_RULE_HOURS 167 /* RFC 8536 3.3.1: rule times from -167 h to 167 h */
#define TZ_NONE INT64_MIN

struct rp_tz {
  char name[TZ_NAME_MAX + 1];
  size_t n;         /* transitions */
  int64_t *trans;   /* n instants, strictly ascending */
  uint8_t *idx;     /* n type indices, each < ntypes */
  size_t ntypes;    /* 1..256 */
  int32_t off[256]; /* UTC offset of each type, east positive */
  bool has_rule;
  rp_tz_rule rule; /* after the last transition (or always when n == 0) */
};

static const rp_tz utc_zone = {.name = "UTC", .ntypes = 1};

/* ---- small arithmetic ---- */

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) q--;
  return q;
}

static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

static int64_t clamp(int64_t v, int64_t lim) { return v < -lim ? -lim : v > lim ? lim : v; }

static bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static int month_days(int64_t y, int m) {
  static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

/* ---- the POSIX TZ string (RFC 8536 section 3.3) ---- */

typedef struct scan {
  const char *p;
  size_t len, pos;
} scan;

static int peek(const scan *s) { return s->pos < s->len ? (unsigned char)s->p[s->pos] : -1; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* A zone abbreviation: three or more letters, or <...> of letters, digits,
 * '+' and '-'. */
static bool scan_name(scan *s) {
  size_t n = 0;
  if (peek(s) == '<') {
    s->pos++;
    while (is_alpha(peek(s)) || is_digit(peek(s)) || peek(s) == '+' || peek(s) == '-') {
      s->pos++;
      n++;
    }
    if (peek(s) != '>') return false;
    s->pos++;
  } else {
    while (is_alpha(peek(s))) {
      s->pos++;
      n++;
    }
  }
  return n >= 3;
}

/* A number of 1..max_digits digits, at most max. */
static bool scan_num(scan *s, int max_digits, int max, int *out) {
  int v = 0, n = 0;
  while (n < max_digits && is_digit(peek(s))) {
    v = v * 10 + (peek(s) - '0');
    s->pos++;
    n++;
  }
  if (n == 0 || v > max || is_digit(peek(s))) return false;
  *out = v;
  return true;
}

/* [+-]h[h[h]][:mm[:ss]] in seconds, hours at most max_h. */
static bool scan_hms(scan *s, int max_h, int32_t *out) {
  int sign = 1, h = 0, m = 0, sec = 0;
  if (peek(s) == '+' || peek(s) == '-') {
    sign = peek(s) == '-' ? -1 : 1;
    s->pos++;
  }
  if (!scan_num(s, 3, max_h, &h)) return false;
  if (peek(s) == ':') {
    s->pos++;
    if (!scan_num(s, 2, 59, &m)) return false;
    if (peek(s) == ':') {
      s->pos++;
      if (!scan_num(s, 2, 59, &sec)) return false;
    }
  }
  *out = (int32_t)(sign * (h * 3600 + m * 60 + sec));
  return true;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00:00). */
static bool scan_date(scan *s, rp_tz_date *d) {
  memset(d, 0, sizeof *d);
  if (peek(s) == 'J') {
    s->pos++;
    d->kind = RP_TZ_JULIAN1;
    if (!scan_num(s, 3, 365, &d->day) || d->day < 1) return false;
  } else if (peek(s) == 'M') {
    s->pos++;
    d->kind = RP_TZ_MONTH;
    if (!scan_num(s, 2, 12, &d->month) || d->month < 1 || peek(s) != '.') return false;
    s->pos++;
    if (!scan_num(s, 1, 5, &d->week) || d->week < 1 || peek(s) != '.') return false;
    s->pos++;
    if (!scan_num(s, 1, 6, &d->wday)) return false;
  } else {
    d->kind = RP_TZ_JULIAN0;
    if (!scan_num(s, 3, 365, &d->day)) return false;
  }
  d->time = 2 * 3600;
  if (peek(s) == '/') {
    s->pos++;
    if (!scan_hms(s, TZ_RULE_HOURS, &d->time)) return false;
  }
  return true;
}

int rp_tz_rule_parse(rp_tz_rule *out, const char *p, size_t len) {
  scan s = {p, len, 0};
  rp_tz_rule r;
  memset(&r, 0, sizeof r);
  int32_t off = 0;
  if (!p || !scan_name(&s) || !scan_hms(&s, 24, &off)) return RP_EINVALID_VALUE;
  r.std_off = -off; /* POSIX writes offsets west positive */
  if (peek(&s) >= 0) {
    r.has_dst = true;
    if (!scan_name(&s)) return RP_EINVALID_VALUE;
    r.dst_off = r.std_off + 3600;
    if (peek(&s) >= 0 && peek(&s) != ',') {
      if (!scan_hms(&s, 24, &off)) return RP_EINVALID_VALUE;
      r.dst_off = -off;
    }
    if (peek(&s) < 0) { /* no rule: the US one, as POSIX implementations do */
      r.start = (rp_tz_date){.kind = RP_TZ_MONTH, .month = 3, .week = 2, .time = 7200};
      r.end = (rp_tz_date){.kind = RP_TZ_MONTH, .month = 11, .week = 1, .time = 7200};
    } else {
      if (peek(&s) != ',') return RP_EINVALID_VALUE;
      s.pos++;
      if (!scan_date(&s, &r.start) || peek(&s) != ',') return RP_EINVALID_VALUE;
      s.pos++;
      if (!scan_date(&s, &r.end)) return RP_EINVALID_VALUE;
    }
  }
  if (s.pos != len) return RP_EINVALID_VALUE;
  *out = r;
  return 0;
}

/* The day (since 1970-01-01) a rule date falls on in year y. */
static int64_t rule_day(const rp_tz_date *d, int64_t y) {
  int64_t jan1 = rp_days_from_civil(y, 1, 1);
  switch (d->kind) {
  case RP_TZ_JULIAN1: return jan1 + d->day - 1 + (is_leap(y) && d->day >= 60);
  case RP_TZ_JULIAN0: return jan1 + d->day;
  case RP_TZ_MONTH:
  default: {
    int64_t first = rp_days_from_civil(y, (unsigned)d->month, 1);
    int64_t wd = floor_mod(first + 4, 7); /* 1970-01-01 was a Thursday */
    int64_t day = first + floor_mod(d->wday - wd, 7) + 7 * (int64_t)(d->week - 1);
    while (day >= first + month_days(y, d->month))
      day -= 7;
    return day;
  }
  }
}

/* The year of the local standard-time date of t (t clamped by callers). */
static int64_t rule_year(const rp_tz_rule *r, int64_t t) {
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(floor_div(t + r->std_off, 86400), &y, &m, &d);
  return y;
}

/* The two changes of year y: to DST at *start, back at *end. */
static void rule_events(const rp_tz_rule *r, int64_t y, int64_t *start, int64_t *end) {
  *start = rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
  *end = rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
}

static int32_t rule_offset(const rp_tz_rule *r, int64_t t) {
  if (!r->has_dst) return r->std_off;
  int64_t y = rule_year(r, t), best = TZ_NONE;
  bool dst = false;
  for (int64_t yy = y - 1; yy <= y + 1; yy++) {
    int64_t ev[2];
    rule_events(r, yy, &ev[0], &ev[1]);
    for (int k = 0; k < 2; k++) {
      /* at equal instants the change to DST wins (DST all year long) */
      if (ev[k] <= t && (ev[k] > best || (ev[k] == best && k == 0))) {
        best = ev[k];
        dst = k == 0;
      }
    }
  }
  return dst ? r->dst_off : r->std_off;
}

/* The first change of the rule after t (INT64_MAX when none). */
static int64_t rule_next(const rp_tz_rule *r, int64_t t) {
  if (!r->has_dst) return INT64_MAX;
  int64_t y = rule_year(r, t), best = INT64_MAX;
  for (int64_t yy = y - 1; yy <= y + 2; yy++) {
    int64_t ev[2];
    rule_events(r, yy, &ev[0], &ev[1]);
    for (int k = 0; k < 2; k++)
      if (ev[k] > t && ev[k] < best) best = ev[k];
  }
  return best;
}

/* ---- the TZif file (RFC 8536 section 3) ---- */

typedef struct reader {
  const unsigned char *p;
  size_t len, pos;
} reader;

typedef struct header {
  int version; /* 1..4 (later versions read as 4) */
  uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} header;

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p) {
  uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
  return (int64_t)v; /* two's complement on every platform we build on */
}

static int corrupt(const char *why) {
  return rp_error_set(RP_EINVALID_VALUE, NULL, "not a valid TZif file: %s", why);
}

static int read_header(header *h, reader *r) {
  if (r->len - r->pos < 44) return corrupt("truncated header");
  const unsigned char *p = r->p + r->pos;
  if (memcmp(p, "TZif", 4) != 0) return corrupt("no TZif magic");
  if (p[4] == 0)
    h->version = 1;
  else if (p[4] >= '2' && p[4] <= '9')
    h->version = p[4] >= '4' ? 4 : p[4] - '0';
  else
    return corrupt("unknown version");
  h->isutcnt = be32(p + 20);
  h->isstdcnt = be32(p + 24);
  h->leapcnt = be32(p + 28);
  h->timecnt = be32(p + 32);
  h->typecnt = be32(p + 36);
  h->charcnt = be32(p + 40);
  r->pos += 44;
  if (h->typecnt == 0 || h->typecnt > 256) return corrupt("bad number of local time types");
  if (h->charcnt == 0) return corrupt("no time zone designations");
  if (h->isutcnt != 0 && h->isutcnt != h->typecnt) return corrupt("bad UT indicator count");
  if (h->isstdcnt != 0 && h->isstdcnt != h->typecnt) return corrupt("bad standard indicator count");
  return 0;
}

/* The size of the data block after header h, with times of tsize bytes. */
static uint64_t block_size(const header *h, uint64_t tsize) {
  return (uint64_t)h->timecnt * tsize + h->timecnt + (uint64_t)h->typecnt * 6 + h->charcnt +
         (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Reads the data block after h into tz (times of tsize bytes: 4 or 8). */
static int read_block(rp_tz *tz, reader *r, const header *h, size_t tsize) {
  if (block_size(h, tsize) > r->len - r->pos) return corrupt("truncated data block");
  const unsigned char *times = r->p + r->pos;
  const unsigned char *idx = times + (size_t)h->timecnt * tsize;
  const unsigned char *types = idx + h->timecnt;
  const unsigned char *chars = types + (size_t)h->typecnt * 6;
  const unsigned char *indicators = chars + h->charcnt + (size_t)h->leapcnt * (tsize + 4);
  tz->n = h->timecnt;
  tz->trans = rp_xmalloc(tz->n ? tz->n * sizeof *tz->trans : 1);
  tz->idx = rp_xmalloc(tz->n ? tz->n : 1);
  for (size_t i = 0; i < tz->n; i++) {
    int64_t t = tsize == 8 ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
    if (t < -TZ_T_LIMIT || t > TZ_T_LIMIT) return corrupt("transition time out of range");
    if (i > 0 && t <= tz->trans[i - 1]) return corrupt("transition times not ascending");
    if (idx[i] >= h->typecnt) return corrupt("transition names no local time type");
    tz->trans[i] = t;
    tz->idx[i] = idx[i];
  }
  tz->ntypes = h->typecnt;
  for (size_t i = 0; i < tz->ntypes; i++) {
    const unsigned char *ti = types + 6 * i;
    int32_t off = (int32_t)be32(ti);
    if (off <= -TZ_OFF_MAX || off >= TZ_OFF_MAX) return corrupt("UTC offset out of range");
    if (ti[4] > 1) return corrupt("bad DST flag");
    if (ti[5] >= h->charcnt) return corrupt("designation index out of range");
    tz->off[i] = off;
  }
  if (chars[h->charcnt - 1] != 0) return corrupt("designations not NUL-terminated");
  for (size_t i = 0; i < (size_t)h->isstdcnt + h->isutcnt; i++)
    if (indicators[i] > 1) return corrupt("bad standard/UT indicator");
  r->pos += (size_t)block_size(h, tsize);
  return 0;
}

int rp_tz_parse(rp_tz **out, const unsigned char *p, size_t len) {
  rp_tz *tz = rp_xcalloc(1, sizeof *tz);
  reader r = {p, p ? len : 0, 0};
  header h;
  int rc = read_header(&h, &r);
  *out = NULL;
  if (rc) goto cleanup;
  if (h.version == 1) {
    rc = read_block(tz, &r, &h, 4);
    goto cleanup;
  }
  /* version 2+: skip the 32-bit block, read the 64-bit one and the footer */
  if (block_size(&h, 4) > r.len - r.pos) {
    rc = corrupt("truncated version 1 data block");
    goto cleanup;
  }
  r.pos += (size_t)block_size(&h, 4);
  if ((rc = read_header(&h, &r)) || (rc = read_block(tz, &r, &h, 8))) goto cleanup;
  if (r.pos >= r.len || r.p[r.pos] != '\n') {
    rc = corrupt("missing footer");
    goto cleanup;
  }
  const char *footer = (const char *)r.p + r.pos + 1;
  const char *nl = memchr(footer, '\n', r.len - r.pos - 1);
  if (!nl) {
    rc = corrupt("unterminated footer");
    goto cleanup;
  }
  size_t flen = (size_t)(nl - footer);
  if (flen > 0) {
    if (rp_tz_rule_parse(&tz->rule, footer, flen) != 0) {
      rc = corrupt("bad TZ string in footer");
      goto cleanup;
    }
    tz->has_rule = true;
  }
cleanup:
  if (rc) {
    rp_tz_free(tz);
    return rc;
  }
  *out = tz;
  return 0;
}

void rp_tz_free(rp_tz *tz) {
  if (!tz || tz == &utc_zone) return;
  free(tz->trans);
  free(tz->idx);
  free(tz);
}

size_t rp_tz_transition_count(const rp_tz *tz) { return tz ? tz->n : 0; }
bool rp_tz_has_rule(const rp_tz *tz) { return tz && tz->has_rule; }

/* ---- offsets ---- */

/* The index of the last transition at or before t (t >= trans[0]). */
static size_t last_at_or_before(const rp_tz *tz, int64_t t) {
  size_t lo = 0, hi = tz->n; /* trans[lo] <= t < trans[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (tz->trans[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

static int32_t tz_off(const rp_tz *tz, int64_t t) {
  if (tz->n == 0) return tz->has_rule ? rule_offset(&tz->rule, t) : tz->off[0];
  if (t < tz->trans[0]) return tz->off[0]; /* RFC 8536 3.2: type 0 before the first */
  if (t > tz->trans[tz->n - 1] && tz->has_rule) return rule_offset(&tz->rule, t);
  return tz->off[tz->idx[last_at_or_before(tz, t)]];
}

/* The first instant after t at which the offset may change. */
static int64_t tz_next(const rp_tz *tz, int64_t t) {
  /* the footer rule takes over just after the last transition */
  if (tz->n > 0 && t == tz->trans[tz->n - 1] && tz->has_rule) return t + 1;
  if (tz->n > 0 && t < tz->trans[tz->n - 1])
    return t < tz->trans[0] ? tz->trans[0] : tz->trans[last_at_or_before(tz, t) + 1];
  return tz->has_rule ? rule_next(&tz->rule, t) : INT64_MAX;
}

int32_t rp_tz_offset(const rp_tz *tz, rp_time t) {
  if (!tz) tz = &utc_zone;
  return tz_off(tz, clamp(t, TZ_T_LIMIT));
}

int64_t rp_tz_day(const rp_tz *tz, rp_time t) {
  if (!tz) tz = &utc_zone;
  t = clamp(t, TZ_T_LIMIT);
  return floor_div(t + tz_off(tz, t), 86400);
}

rp_time rp_tz_instant(const rp_tz *tz, int64_t day, int32_t sec) {
  if (!tz) tz = &utc_zone;
  const int64_t wall = clamp(day, TZ_DAY_LIMIT) * 86400 + sec;
  /* Every instant showing `wall` lies within TZ_OFF_MAX of it: walk the
   * stretches of constant offset there, oldest first (b grows at each
   * step, so the walk ends; real zones have a few stretches there). */
  int64_t a = wall - TZ_OFF_MAX, stop = wall + TZ_OFF_MAX, gap_end = TZ_NONE;
  int32_t o = tz_off(tz, a);
  for (;;) {
    int64_t b = tz_next(tz, a);
    if (wall - o >= a && wall - o < b) return wall - o; /* the earliest in an overlap */
    if (b > stop) break;
    int32_t o2 = tz_off(tz, b);
    if (gap_end == TZ_NONE && o2 > o && b + o <= wall && wall < b + o2) gap_end = b;
    a = b;
    o = o2;
  }
  /* skipped by a spring forward; the walk always finds the jump over a
   * wall time that no stretch shows, the last line is only a guard */
  if (gap_end != TZ_NONE) return gap_end;
  return wall - tz_off(tz, wall);
}

/* ---- names, files and the cache ---- */

/* The characters the tz database uses in names, segments not empty, no
 * '.' (so no ".."). "localtime" and "posixrules" are files of the zone
 * directory that depend on the machine, not zones. */
static bool name_ok(const char *name) {
  size_t len = name ? strnlen(name, TZ_NAME_MAX + 1) : 0;
  if (len == 0 || len > TZ_NAME_MAX || !is_alpha((unsigned char)name[0])) return false;
  if (strcmp(name, "localtime") == 0 || strcmp(name, "posixrules") == 0) return false;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)name[i];
    if (c == '/') {
      if (i + 1 == len || name[i + 1] == '/') return false; /* empty segment */
    } else if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '-' && c != '+') {
      return false; /* so also no '.', no ".." */
    }
  }
  return true;
}

static int load_file(rp_tz **out, const char *name) {
  const char *dir = getenv("TZDIR");
  if (!dir || !*dir) dir = "/usr/share/zoneinfo";
  char path[PATH_MAX];
  unsigned char *buf = NULL;
  int fd = -1, rc = 0;
  *out = NULL;
  int n = snprintf(path, sizeof path, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= sizeof path) {
    rc = rp_error_set(RP_ENOTFOUND, NULL, "unknown timezone \"%s\"", name);
    goto cleanup;
  }
  struct stat st;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    rc = rp_error_set(RP_ENOTFOUND, NULL, "unknown timezone \"%s\"", name);
    goto cleanup;
  }
  if (st.st_size > TZ_FILE_MAX) {
    rc = rp_error_set(RP_ENOTFOUND, NULL, "timezone \"%s\": file too large", name);
    goto cleanup;
  }
  size_t size = (size_t)st.st_size, got = 0;
  buf = rp_xmalloc(size ? size : 1);
  while (got < size) {
    ssize_t k = read(fd, buf + got, size - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  if (rp_tz_parse(out, buf, got) != 0) {
    rc = rp_error_set(RP_ENOTFOUND, NULL, "timezone \"%s\": %s", name, rp_error_last()->message);
    goto cleanup;
  }
  snprintf((*out)->name, sizeof(*out)->name, "%s", name);
cleanup:
  if (fd >= 0) close(fd);
  free(buf);
  return rc;
}

static _Atomic(rp_tz *) slots[TZ_SLOTS];
static size_t n_cached; /* under load_mu */
static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t name_hash(const char *s) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h & (TZ_SLOTS - 1);
}

/* The cached zone called name, or NULL; *free_slot gets the slot where it
 * would go. Lock-free: slots are only ever filled, with release stores. */
static rp_tz *cache_find(const char *name, size_t *free_slot) {
  size_t h = name_hash(name);
  for (size_t i = 0; i < TZ_SLOTS; i++) {
    size_t k = (h + i) & (TZ_SLOTS - 1);
    rp_tz *z = atomic_load_explicit(&slots[k], memory_order_acquire);
    if (!z) {
      if (free_slot) *free_slot = k;
      return NULL;
    }
    if (strcmp(z->name, name) == 0) return z;
  }
  return NULL;
}

const rp_tz *rp_tz_get(const char *name) {
  if (!name_ok(name)) {
    rp_error_set(RP_ENOTFOUND, NULL, "unknown timezone \"%.64s\"", name ? name : "");
    return NULL;
  }
  if (strcmp(name, "UTC") == 0) return &utc_zone;
  rp_tz *z = cache_find(name, NULL);
  if (z) return z;
  pthread_mutex_lock(&load_mu);
  size_t slot = TZ_SLOTS;
  z = cache_find(name, &slot);
  if (!z && n_cached >= TZ_CACHE_MAX) {
    rp_error_set(RP_ENOTFOUND, NULL, "timezone \"%s\": too many zones loaded", name);
  } else if (!z && load_file(&z, name) == 0) {
    atomic_store_explicit(&slots[slot], z, memory_order_release);
    n_cached++;
  }
  pthread_mutex_unlock(&load_mu);
  return z;
}

const rp_tz *rp_tz_utc(void) { return &utc_zone; }

const char *rp_tz_name(const rp_tz *tz) { return tz->name; }

bool rp_tz_valid(const char *name) { return rp_tz_get(name) != NULL; }
