/* ics.c: iCalendar events to activity occurrences (io/ics.h; issue 8).
 *
 * Two linear passes over the text with our own line scanner, which knows
 * the component structure (BEGIN/END) and the line numbers libical does not
 * give. Pass 1 counts the VEVENTs, notes each VTIMEZONE (parsed only if a
 * TZID needs it) and each RECURRENCE-ID override (its UID and raw line), so
 * that pass 2 can expand a recurring event without the occurrences that an
 * override replaces, wherever in the file the override is. Pass 2 hands
 * each VEVENT alone to libical's parser, reads its values, emits its
 * occurrences and frees it before the next one.
 *
 * Local times are converted with util/tz.h (the system's tzdata) when the
 * TZID names an IANA zone or a Windows zone we map, and with libical's
 * VTIMEZONE support otherwise. Recurrences are iterated in local wall time
 * (so a weekly 10:00 stays 10:00 across DST) and each occurrence converted. */
#include "io/ics.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/email.h"
#include "util/error.h"
#include "util/sha1.h"
#include "util/text.h"

#define MAX_TZ_CACHE 256     /* distinct TZIDs remembered per call */
#define MAX_TZ_SUBCOMPS 1000 /* STANDARD/DAYLIGHT parts of one VTIMEZONE */
#define MAX_TZ_RDATES 1000
#define MAX_RAW_LINE 4096 /* UID, RECURRENCE-ID, TZID lines read by the scanner */
#define MAX_DURATION (3650 * 86400LL)
#define YEAR_MIN 1800
#define YEAR_MAX 2500
#define FOLD_SUMMARY 2048 /* bytes of summary, description looked at for the kind */
#define FOLD_DESCRIPTION 8192
#define DAY 86400

/* ---- Windows zone names (CLDR windowsZones.xml, territory 001) ---- */

static const struct {
  const char *win, *iana;
} windows_zones[] = {
    {"Dateline Standard Time", "Etc/GMT+12"},
    {"UTC-11", "Etc/GMT+11"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"Pacific Standard Time (Mexico)", "America/Tijuana"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"Mountain Standard Time (Mexico)", "America/Mazatlan"},
    {"Mountain Standard Time", "America/Denver"},
    {"Central America Standard Time", "America/Guatemala"},
    {"Central Standard Time", "America/Chicago"},
    {"Central Standard Time (Mexico)", "America/Mexico_City"},
    {"Canada Central Standard Time", "America/Regina"},
    {"SA Pacific Standard Time", "America/Bogota"},
    {"Eastern Standard Time", "America/New_York"},
    {"Eastern Standard Time (Mexico)", "America/Cancun"},
    {"US Eastern Standard Time", "America/Indiana/Indianapolis"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"Venezuela Standard Time", "America/Caracas"},
    {"Pacific SA Standard Time", "America/Santiago"},
    {"Newfoundland Standard Time", "America/St_Johns"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Argentina Standard Time", "America/Argentina/Buenos_Aires"},
    {"SA Eastern Standard Time", "America/Cayenne"},
    {"Greenland Standard Time", "America/Nuuk"},
    {"UTC", "Etc/UTC"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"Azores Standard Time", "Atlantic/Azores"},
    {"Cape Verde Standard Time", "Atlantic/Cape_Verde"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"W. Central Africa Standard Time", "Africa/Lagos"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"FLE Standard Time", "Europe/Kiev"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"Egypt Standard Time", "Africa/Cairo"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"Arabic Standard Time", "Asia/Baghdad"},
    {"Arab Standard Time", "Asia/Riyadh"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"Iran Standard Time", "Asia/Tehran"},
    {"Pakistan Standard Time", "Asia/Karachi"},
    {"India Standard Time", "Asia/Kolkata"},
    {"Nepal Standard Time", "Asia/Kathmandu"},
    {"Bangladesh Standard Time", "Asia/Dhaka"},
    {"SE Asia Standard Time", "Asia/Bangkok"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"Taipei Standard Time", "Asia/Taipei"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"W. Australia Standard Time", "Australia/Perth"},
    {"Cen. Australia Standard Time", "Australia/Adelaide"},
    {"AUS Central Standard Time", "Australia/Darwin"},
    {"E. Australia Standard Time", "Australia/Brisbane"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"Tasmania Standard Time", "Australia/Hobart"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
};

const char *rp_ics_windows_zone(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof windows_zones / sizeof windows_zones[0]; i++)
    if (strcasecmp(name, windows_zones[i].win) == 0) return windows_zones[i].iana;
  return NULL;
}

/* ---- the line scanner ---- */

static bool ci_prefix(const char *p, size_t n, const char *kw) {
  size_t k = strlen(kw);
  return n >= k && strncasecmp(p, kw, k) == 0;
}

/* p[0..n) with trailing blanks dropped equals want (ASCII case-insensitive). */
static bool name_is(const char *p, size_t n, const char *want) {
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  return n == strlen(want) && strncasecmp(p, want, n) == 0;
}

/* The content line p[0..n) is property `name` (followed by ':' or ';'). */
static bool prop_is(const char *p, size_t n, const char *name) {
  size_t k = strlen(name);
  return n > k && strncasecmp(p, name, k) == 0 && (p[k] == ':' || p[k] == ';');
}

typedef enum { BLK_VEVENT, BLK_VTIMEZONE, BLK_BAD } blk_kind;

typedef struct block {
  blk_kind kind;
  int line; /* of its BEGIN */
  const char *p;
  size_t len;         /* BEGIN line to END line, both included */
  bool has_rid;       /* a RECURRENCE-ID of its own (VEVENT) */
  bool cancel_method; /* in a VCALENDAR with METHOD:CANCEL */
  const char *why;    /* BLK_BAD: the reason */
} block;

typedef int (*block_fn)(void *st, const block *b);

enum { S_OUT, S_CAL, S_SKIP, S_BLOCK };

/* Cuts buf into components and calls fn for each VEVENT and VTIMEZONE (or
 * BLK_BAD for one that is unterminated or over a limit). Other components
 * (VTODO, VJOURNAL, VFREEBUSY ...) are skipped. *saw_cal tells whether a
 * BEGIN:VCALENDAR was seen. Returns the first nonzero fn result, else 0. */
static int scan(const char *buf, size_t len, block_fn fn, void *st, bool *saw_cal) {
  size_t pos = 0, block_start = 0, props = 0;
  int lineno = 0, state = S_OUT, outer = S_OUT, depth = 0;
  bool cancel = false, bad = false;
  char why[160];
  block b = {0};
  *saw_cal = false;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  while (pos < len) {
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - buf) : len, next = nl ? end + 1 : len;
    const char *p = buf + pos;
    size_t n = end - pos;
    if (n > 0 && p[n - 1] == '\r') n--;
    lineno++;
    bool cont = n > 0 && (p[0] == ' ' || p[0] == '\t');
    bool is_begin = !cont && ci_prefix(p, n, "BEGIN:");
    bool is_end = !cont && !is_begin && ci_prefix(p, n, "END:");
    const char *nm = is_begin ? p + 6 : is_end ? p + 4 : p;
    size_t nn = is_begin ? n - 6 : is_end ? n - 4 : 0;
    bool main_comp =
        (is_begin || is_end) &&
        (name_is(nm, nn, "VEVENT") || name_is(nm, nn, "VTIMEZONE") || name_is(nm, nn, "VCALENDAR"));
  again:
    switch (state) {
    case S_OUT:
    case S_CAL:
      if (is_begin && name_is(nm, nn, "VCALENDAR")) {
        state = S_CAL;
        *saw_cal = true;
        cancel = false;
      } else if (is_begin && (name_is(nm, nn, "VEVENT") || name_is(nm, nn, "VTIMEZONE"))) {
        memset(&b, 0, sizeof b);
        b.kind = name_is(nm, nn, "VEVENT") ? BLK_VEVENT : BLK_VTIMEZONE;
        b.line = lineno;
        b.p = p;
        b.cancel_method = cancel;
        block_start = pos;
        props = 1;
        depth = 0;
        bad = false;
        outer = state;
        state = S_BLOCK;
      } else if (is_begin) {
        outer = state;
        state = S_SKIP;
        depth = 1;
      } else if (is_end && name_is(nm, nn, "VCALENDAR")) {
        state = S_OUT;
      } else if (state == S_CAL && !cont && prop_is(p, n, "METHOD")) {
        const char *v = memchr(p, ':', n);
        if (v && name_is(v + 1, n - (size_t)(v + 1 - p), "CANCEL")) cancel = true;
      }
      break;
    case S_SKIP:
      if (main_comp) { /* an unterminated VTODO or the like: resume */
        state = outer;
        goto again;
      }
      if (is_begin && depth < RP_ICS_MAX_DEPTH)
        depth++;
      else if (is_end && --depth == 0)
        state = outer;
      break;
    case S_BLOCK: {
      const char *kind_name = b.kind == BLK_VEVENT ? "VEVENT" : "VTIMEZONE";
      size_t max_bytes = b.kind == BLK_VEVENT ? RP_ICS_MAX_EVENT_BYTES : RP_ICS_MAX_VTIMEZONE_BYTES;
      if (is_end && depth == 0 && name_is(nm, nn, kind_name)) {
        b.len = next - block_start;
        if (bad) {
          b.kind = BLK_BAD;
          b.why = why;
        }
        state = outer;
        int rc = fn(st, &b);
        if (rc) return rc;
        break;
      }
      if (main_comp) { /* BEGIN:VEVENT, END:VCALENDAR ... before our END */
        b.kind = BLK_BAD;
        b.len = pos - block_start;
        snprintf(why, sizeof why, "%s: no END:%s before line %d", kind_name, kind_name, lineno);
        b.why = why;
        state = outer;
        int rc = fn(st, &b);
        if (rc) return rc;
        goto again;
      }
      if (is_begin && ++depth > RP_ICS_MAX_DEPTH && !bad) {
        bad = true;
        snprintf(why, sizeof why, "%s: components nested more than %d deep", kind_name,
                 RP_ICS_MAX_DEPTH);
      }
      if (is_end && depth > 0) depth--;
      if (!cont && ++props > RP_ICS_MAX_PROPS && !bad) {
        bad = true;
        snprintf(why, sizeof why, "%s: more than %d properties", kind_name, RP_ICS_MAX_PROPS);
      }
      if (end - pos > RP_ICS_MAX_LINE && !bad) {
        bad = true;
        snprintf(why, sizeof why, "%s: a line longer than %zu bytes", kind_name,
                 (size_t)RP_ICS_MAX_LINE);
      }
      if (next - block_start > max_bytes && !bad) {
        bad = true;
        snprintf(why, sizeof why, "%s: larger than %zu KiB", kind_name, max_bytes >> 10);
      }
      if (b.kind == BLK_VEVENT && depth == 0 && !cont && prop_is(p, n, "RECURRENCE-ID"))
        b.has_rid = true;
      break;
    }
    }
    pos = next;
  }
  if (state == S_BLOCK) {
    const char *kind_name = b.kind == BLK_VEVENT ? "VEVENT" : "VTIMEZONE";
    b.kind = BLK_BAD;
    b.len = len - block_start;
    snprintf(why, sizeof why, "%s: no END:%s before the end of the file", kind_name, kind_name);
    b.why = why;
    return fn(st, &b);
  }
  return 0;
}

/* The first content line of the block (at its own level, not inside a
 * VALARM) that is property `name`, unfolded into out (cap bytes, NUL
 * terminated). Returns its length, -1 when absent, -2 when too long. */
static long raw_line(const block *b, const char *name, char *out, size_t cap) {
  const char *p = b->p, *e = b->p + b->len;
  int depth = 0;
  bool first = true;
  while (p < e) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    const char *le = nl ? nl : e;
    size_t n = (size_t)(le - p);
    if (n > 0 && p[n - 1] == '\r') n--;
    if (first) {
      first = false;
    } else if (ci_prefix(p, n, "BEGIN:")) {
      depth++;
    } else if (ci_prefix(p, n, "END:")) {
      depth--;
    } else if (depth == 0 && prop_is(p, n, name)) {
      size_t o = 0;
      for (;;) {
        if (o + n >= cap) return -2;
        memcpy(out + o, p, n);
        o += n;
        p = nl ? nl + 1 : e;
        if (p >= e || (*p != ' ' && *p != '\t')) break;
        nl = memchr(p, '\n', (size_t)(e - p));
        le = nl ? nl : e;
        n = (size_t)(le - p);
        if (n > 0 && p[n - 1] == '\r') n--;
        p++; /* the folding blank */
        n--;
      }
      out[o] = '\0';
      return (long)o;
    }
    p = nl ? nl + 1 : e;
  }
  return -1;
}

/* The value of a raw content line: after the first ':' outside quotes. */
static const char *line_value(const char *line) {
  bool q = false;
  for (const char *s = line; *s; s++) {
    if (*s == '"')
      q = !q;
    else if (*s == ':' && !q)
      return s + 1;
  }
  return NULL;
}

/* ---- the reader ---- */

typedef enum { Z_UTC, Z_FLOAT, Z_TZ, Z_ICAL } zone_kind;

typedef struct zone_ref {
  zone_kind kind;
  const rp_tz *tz;  /* Z_TZ */
  icaltimezone *iz; /* Z_ICAL */
} zone_ref;

typedef struct vtz_entry {
  const char *tzid;
  block b;
  bool tried;
  icaltimezone *iz; /* parsed on first use; NULL when refused */
  char why[160];
} vtz_entry;

typedef struct override {
  const char *uid;
  const char *rid_line; /* "RECURRENCE-ID;TZID=...:..." */
} override;

typedef struct tz_cache {
  const char *tzid;
  bool ok;
  zone_ref z;
} tz_cache;

typedef struct exclusion {
  bool is_date;
  int64_t date; /* yyyymmdd */
  rp_time at;
} exclusion;

typedef struct occurrence {
  rp_time at;
  struct icaltimetype local;
} occurrence;

typedef struct reader {
  const rp_tz *tz; /* the account's */
  rp_time from, to;
  rp_arena *out;
  rp_arena scratch; /* the whole call: VTIMEZONEs, overrides, TZID cache */
  rp_arena ev;      /* one VEVENT at a time */
  rp_ics_event_fn on_event;
  rp_ics_error_fn on_error;
  void *ctx;
  size_t n_events;
  size_t steps_left; /* of RP_ICS_MAX_STEPS_TOTAL */
  vtz_entry *vtz;
  size_t n_vtz, cap_vtz;
  override *ovr;
  size_t n_ovr, cap_ovr;
  tz_cache *tzc;
  size_t n_tzc, cap_tzc;
} reader;

static void report(reader *r, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(reader *r, int line, const char *fmt, ...) {
  if (!r->on_error) return;
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  r->on_error(r->ctx, line, msg);
}

static pthread_once_t ical_once = PTHREAD_ONCE_INIT;
static void ical_init(void) { icalerror_set_errors_are_fatal(0); }

/* The block unfolded (RFC 5545 3.1: a line end followed by a blank is
 * removed, even inside a UTF-8 sequence, as some producers split them),
 * with LF line ends, NUL-terminated, in arena a; its length in *n. */
static char *unfold(rp_arena *a, const block *b, size_t *n) {
  char *out = rp_arena_alloc(a, b->len + 1);
  size_t o = 0;
  for (size_t i = 0; i < b->len; i++) {
    char c = b->p[i];
    if (c == '\r' && i + 1 < b->len && b->p[i + 1] == '\n') continue;
    if (c == '\n' && i + 1 < b->len && (b->p[i + 1] == ' ' || b->p[i + 1] == '\t')) {
      i++;
      continue;
    }
    out[o++] = c;
  }
  out[o] = '\0';
  *n = o;
  return out;
}

/* The properties of a VEVENT that are read; the others (X-ALT-DESC HTML,
 * DTSTAMP, VALARMs ...) are dropped before libical parses the rest, which
 * halves its work on real exports. */
static const char *const event_props[] = {
    "UID",       "DTSTART",     "DTEND",    "DURATION",
    "RRULE",     "RDATE",       "EXDATE",   "RECURRENCE-ID",
    "SUMMARY",   "DESCRIPTION", "LOCATION", "ATTENDEE",
    "ORGANIZER", "PRIORITY",    "STATUS",   "X-MICROSOFT-CDO-IMPORTANCE",
    NULL};

/* Keeps, in place, the first and last lines of the unfolded VEVENT s[0..n)
 * and its event_props lines outside nested components; returns the new
 * length. */
static size_t keep_event_props(char *s, size_t n) {
  size_t o = 0, i = 0;
  int depth = 0;
  bool first = true;
  while (i < n) {
    char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n, next = nl ? e + 1 : n;
    const char *p = s + i;
    size_t len = e - i;
    bool keep = false;
    if (first) {
      keep = true;
      first = false;
    } else if (ci_prefix(p, len, "BEGIN:")) {
      depth++;
    } else if (ci_prefix(p, len, "END:")) {
      keep = depth == 0;
      if (depth > 0) depth--;
    } else if (depth == 0) {
      for (const char *const *k = event_props; *k && !keep; k++)
        keep = prop_is(p, len, *k);
    }
    if (keep) {
      memmove(s + o, p, next - i);
      o += next - i;
    }
    i = next;
  }
  s[o] = '\0';
  return o;
}

/* libical's parse of the block, or NULL when it is not UTF-8 text (with a
 * NUL byte) or cannot be parsed; *not_utf8 tells which. */
static icalcomponent *parse_block(rp_arena *a, const block *b, bool *not_utf8) {
  size_t n;
  char *text = unfold(a, b, &n);
  if (b->kind == BLK_VEVENT) n = keep_event_props(text, n);
  *not_utf8 = !rp_utf8_valid(text, n);
  return *not_utf8 ? NULL : icalparser_parse_string(text);
}

/* ---- times ---- */

static int days_in_month(int y, int m) {
  static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return m == 2 && leap ? 29 : md[m - 1];
}

static bool time_in(struct icaltimetype t, int year_min) {
  if (t.year < year_min || t.year > YEAR_MAX || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > days_in_month(t.year, t.month))
    return false;
  return t.is_date || (t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 &&
                       t.second >= 0 && t.second <= 59);
}

static bool time_ok(struct icaltimetype t) { return time_in(t, YEAR_MIN); }

static int64_t date_key(struct icaltimetype t) {
  return (int64_t)t.year * 10000 + t.month * 100 + t.day;
}

/* The instant of local time t in zone z; a DATE is midnight in the account
 * zone. t must be time_ok. */
static rp_time to_instant(const reader *r, const zone_ref *z, struct icaltimetype t) {
  int64_t day = rp_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day);
  int32_t sec = t.is_date ? 0 : t.hour * 3600 + t.minute * 60 + t.second;
  if (t.is_date) return rp_tz_instant(r->tz, day, 0);
  switch (z->kind) {
  case Z_UTC: return day * DAY + sec;
  case Z_TZ: return rp_tz_instant(z->tz, day, sec);
  case Z_ICAL: {
    struct icaltimetype u = t;
    u.zone = NULL;
    return (rp_time)icaltime_as_timet_with_zone(u, z->iz);
  }
  case Z_FLOAT: break;
  }
  return rp_tz_instant(r->tz, day, sec);
}

/* The local wall time of instant t in zone z (floating, as the recurrence
 * iterator wants it). */
static struct icaltimetype to_local(const reader *r, const zone_ref *z, rp_time t) {
  struct icaltimetype lt = icaltime_null_time();
  if (z->kind == Z_ICAL) {
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    lt = icaltime_from_timet_with_zone((time_t)t, 0, utc);
    icaltimezone_convert_time(&lt, utc, z->iz);
    lt.zone = NULL;
    return lt;
  }
  rp_time l = t;
  if (z->kind == Z_TZ)
    l += rp_tz_offset(z->tz, t);
  else if (z->kind == Z_FLOAT)
    l += rp_tz_offset(r->tz, t);
  int64_t days = l / DAY - (l % DAY < 0), y;
  int64_t sec = l - days * DAY;
  unsigned m, d;
  rp_civil_from_days(days, &y, &m, &d);
  lt.year = (int)y;
  lt.month = (int)m;
  lt.day = (int)d;
  lt.hour = (int)(sec / 3600);
  lt.minute = (int)(sec / 60 % 60);
  lt.second = (int)(sec % 60);
  lt.is_date = 0;
  return lt;
}

/* Parses and checks the VTIMEZONE of entry v into a libical zone. Only
 * yearly rules without BYHOUR/BYMINUTE/BYSECOND/BYYEARDAY/BYWEEKNO (what
 * every real VTIMEZONE has) are accepted: libical expands them year by
 * year, and anything finer could make it work for hours. */
static void load_vtimezone(vtz_entry *v) {
  v->tried = true;
  rp_arena tmp = {0};
  bool not_utf8;
  icalcomponent *c = parse_block(&tmp, &v->b, &not_utf8);
  rp_arena_free(&tmp);
  if (!c || icalcomponent_isa(c) != ICAL_VTIMEZONE_COMPONENT) {
    snprintf(v->why, sizeof v->why, not_utf8 ? "is not UTF-8 text" : "cannot be parsed");
    goto fail;
  }
  size_t subs = 0;
  for (icalcomponent *s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
       s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    if (++subs > MAX_TZ_SUBCOMPS) {
      snprintf(v->why, sizeof v->why, "more than %d STANDARD/DAYLIGHT parts", MAX_TZ_SUBCOMPS);
      goto fail;
    }
    icalproperty *ds = icalcomponent_get_first_property(s, ICAL_DTSTART_PROPERTY);
    if (!ds || !time_in(icalproperty_get_dtstart(ds), 1000) ||
        !icalcomponent_get_first_property(s, ICAL_TZOFFSETTO_PROPERTY)) {
      snprintf(v->why, sizeof v->why, "a part without a valid DTSTART or TZOFFSETTO");
      goto fail;
    }
    for (icalproperty *q = icalcomponent_get_first_property(s, ICAL_RRULE_PROPERTY); q;
         q = icalcomponent_get_next_property(s, ICAL_RRULE_PROPERTY)) {
      struct icalrecurrencetype rr = icalproperty_get_rrule(q);
      if (rr.freq != ICAL_YEARLY_RECURRENCE || rr.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
          rr.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
          rr.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
          rr.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
          rr.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX) {
        snprintf(v->why, sizeof v->why, "RRULE other than a plain FREQ=YEARLY rule");
        goto fail;
      }
    }
    if (icalcomponent_count_properties(s, ICAL_RDATE_PROPERTY) > MAX_TZ_RDATES) {
      snprintf(v->why, sizeof v->why, "more than %d RDATEs", MAX_TZ_RDATES);
      goto fail;
    }
  }
  v->iz = icaltimezone_new();
  if (!icaltimezone_set_component(v->iz, c)) { /* the zone owns c from here on success */
    icaltimezone_free(v->iz, 1);
    v->iz = NULL;
    snprintf(v->why, sizeof v->why, "cannot be used (no TZID?)");
    goto fail;
  }
  return;
fail:
  if (c) icalcomponent_free(c);
}

/* Resolves a TZID (see ics.h for the order). 0, or -1 with the reason in
 * why. Results are cached per call. */
static int resolve_tzid(reader *r, const char *tzid, zone_ref *z, char *why, size_t cap) {
  for (size_t i = 0; i < r->n_tzc; i++)
    if (strcmp(r->tzc[i].tzid, tzid) == 0) {
      if (!r->tzc[i].ok) goto unknown;
      *z = r->tzc[i].z;
      return 0;
    }
  zone_ref found = {Z_UTC, NULL, NULL};
  bool ok = false;
  /* an IANA name, or one behind "/mozilla.org/20050126_1/" style prefixes */
  const char *name = tzid;
  for (int i = 0; i < 6 && name && *name && !ok; i++) {
    if (*name != '/') {
      const rp_tz *t = rp_tz_get(name);
      if (t) {
        found = (zone_ref){Z_TZ, t, NULL};
        ok = true;
      }
    }
    name = strchr(name + 1, '/');
    if (name) name++;
  }
  if (!ok) {
    const char *iana = rp_ics_windows_zone(tzid);
    const rp_tz *t = iana ? rp_tz_get(iana) : NULL;
    if (t) {
      found = (zone_ref){Z_TZ, t, NULL};
      ok = true;
    }
  }
  for (size_t i = 0; !ok && i < r->n_vtz; i++) {
    vtz_entry *v = &r->vtz[i];
    if (strcmp(v->tzid, tzid) != 0) continue;
    if (!v->tried) load_vtimezone(v);
    if (v->iz) {
      found = (zone_ref){Z_ICAL, NULL, v->iz};
      ok = true;
    }
  }
  rp_error_clear(); /* rp_tz_get's misses */
  if (r->n_tzc < MAX_TZ_CACHE) {
    tz_cache *c = RP_ARENA_PUSH(&r->scratch, r->tzc, &r->n_tzc, &r->cap_tzc, 16);
    c->tzid = rp_arena_strdup(&r->scratch, tzid);
    c->ok = ok;
    c->z = found;
  }
  if (ok) {
    *z = found;
    return 0;
  }
unknown:
  for (size_t i = 0; i < r->n_vtz; i++)
    if (strcmp(r->vtz[i].tzid, tzid) == 0 && !r->vtz[i].iz) {
      snprintf(why, cap, "TZID \"%.80s\": its VTIMEZONE (line %d) %.150s", tzid, r->vtz[i].b.line,
               r->vtz[i].why);
      return -1;
    }
  snprintf(why, cap, "unknown TZID \"%.80s\" (no such zone and no VTIMEZONE for it)", tzid);
  return -1;
}

/* The time of a DTSTART-like property (t read from it by the caller), its
 * zone and instant. 0, or -1 with "FIELD: reason" in msg. */
static int prop_time(reader *r, icalproperty *p, struct icaltimetype t, const char *field,
                     zone_ref *z, rp_time *at, char *msg, size_t cap) {
  if (!time_ok(t)) {
    const char *v = icalproperty_get_value_as_string(p);
    snprintf(msg, cap, "%s: not a valid date-time between %d and %d (\"%.60s\")", field, YEAR_MIN,
             YEAR_MAX, v ? v : "");
    return -1;
  }
  icalparameter *tp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  const char *tzid = tp ? icalparameter_get_tzid(tp) : NULL;
  if (t.is_date) {
    *z = (zone_ref){Z_FLOAT, NULL, NULL};
  } else if (icaltime_is_utc(t)) {
    *z = (zone_ref){Z_UTC, NULL, NULL};
  } else if (tzid && *tzid) {
    char why[300];
    if (resolve_tzid(r, tzid, z, why, sizeof why) != 0) {
      snprintf(msg, cap, "%s: %.300s", field, why);
      return -1;
    }
  } else {
    *z = (zone_ref){Z_FLOAT, NULL, NULL};
  }
  *at = to_instant(r, z, t);
  return 0;
}

/* "20240305T170000Z" (UTC) for a date-time occurrence, "20240305" (its
 * date) for an all-day one. */
static void occ_key(char out[20], rp_time at, struct icaltimetype local) {
  if (local.is_date) {
    snprintf(out, 20, "%04d%02d%02d", local.year, local.month, local.day);
    return;
  }
  int64_t days = at / DAY - (at % DAY < 0), y;
  int64_t sec = at - days * DAY;
  unsigned m, d;
  rp_civil_from_days(days, &y, &m, &d);
  snprintf(out, 20, "%04d%02u%02uT%02d%02d%02dZ", (int)y, m, d, (int)(sec / 3600),
           (int)(sec / 60 % 60), (int)(sec % 60));
}

/* ---- kind ---- */

/* U+00C0..U+00FF and U+0100..U+017F without their accents, lower case;
 * ' ' for the signs among them. */
static const char latin1[] = "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty";
static const char latin_ext_a[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* s as " word word ... " of lower-case ASCII letters and digits, accents
 * folded (precomposed or combining), anything else a word break. At most
 * max_in bytes of s are looked at; out has cap bytes. */
static void fold_words(char *out, size_t cap, const char *s, size_t max_in) {
  size_t o = 0, n = strnlen(s, max_in);
  const unsigned char *u = (const unsigned char *)s;
  out[o++] = ' ';
  for (size_t i = 0; i < n && o + 2 < cap;) {
    unsigned c = u[i];
    char f = ' ';
    size_t step = 1;
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        f = (char)c;
      else if (c >= 'A' && c <= 'Z')
        f = (char)(c - 'A' + 'a');
    } else {
      step = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (step == 2 && i + 1 < n) {
        unsigned cp = ((c & 0x1F) << 6) | (u[i + 1] & 0x3F);
        if (cp >= 0xC0 && cp <= 0xFF)
          f = latin1[cp - 0xC0];
        else if (cp >= 0x100 && cp <= 0x17F)
          f = latin_ext_a[cp - 0x100];
        else if (cp >= 0x300 && cp <= 0x36F)
          f = 0; /* a combining accent: no break */
      }
    }
    i += step;
    if (f == 0) continue;
    if (f == ' ' && out[o - 1] == ' ') continue;
    out[o++] = f;
  }
  if (out[o - 1] != ' ') out[o++] = ' ';
  out[o] = '\0';
}

static bool has_any(const char *folded, const char *const *words) {
  for (; *words; words++)
    if (strstr(folded, *words)) return true;
  return false;
}

static const char *const party_words[] = {" party ",        " parties ",       " bbq ",
                                          " barbecue ",     " barbeque ",      " celebration ",
                                          " housewarming ", " house warming ", NULL};
static const char *const meal_words[] = {
    " breakfast ", " breakfasts ", " brunch ",  " brunches ",   " lunch ",  " lunches ",
    " luncheon ",  " dinner ",     " dinners ", " supper ",     " coffee ", " coffees ",
    " cafe ",      " drink ",      " drinks ",  " happy hour ", NULL};
static const char *const visit_words[] = {" open house ", " open houses ", NULL};

static bool kind_of_text(const char *s, size_t max_in, rp_activity_kind *out) {
  if (!s) return false;
  char folded[FOLD_DESCRIPTION + 2];
  fold_words(folded, sizeof folded, s, max_in);
  if (has_any(folded, party_words))
    *out = RP_KIND_PARTY;
  else if (has_any(folded, meal_words))
    *out = RP_KIND_MEAL;
  else if (has_any(folded, visit_words))
    *out = RP_KIND_VISIT;
  else
    return false;
  return true;
}

/* ---- one VEVENT ---- */

static int cmp_override(const void *a, const void *b) {
  return strcmp(((const override *)a)->uid, ((const override *)b)->uid);
}

static int cmp_occ(const void *a, const void *b) {
  rp_time x = ((const occurrence *)a)->at, y = ((const occurrence *)b)->at;
  return x < y ? -1 : x > y;
}

static const char *const time_props[] = {"DTSTART", "DTEND",  "DURATION",      "RRULE",
                                         "RDATE",   "EXDATE", "RECURRENCE-ID", NULL};

/* A libical parse error (X-LIC-ERROR) on a property we need, as
 * "FIELD: libical's words", into msg; false when there is none. */
static bool time_prop_error(icalcomponent *c, char *msg, size_t cap) {
  for (icalproperty *q = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); q;
       q = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
    const char *text = icalproperty_get_xlicerror(q);
    if (!text) continue;
    for (const char *const *f = time_props; *f; f++) {
      char pat[40];
      snprintf(pat, sizeof pat, " in %s property", *f);
      if (!strstr(text, pat)) continue;
      /* "Can't parse as DATE-TIME value in DTSTART property. Removing
       * entire property: 2024-03-05 10:00" */
      const char *as = strstr(text, "parse as "), *val = strstr(text, "property: ");
      const char *as_end = as ? strstr(as, " value in ") : NULL;
      if (as && as_end && val)
        snprintf(msg, cap, "%s: not a valid %.*s (\"%.100s\")", *f, (int)(as_end - as - 9), as + 9,
                 val + 10);
      else
        snprintf(msg, cap, "%s: %.300s", *f, text);
      return true;
    }
  }
  return false;
}

static bool excluded(const exclusion *ex, size_t n, rp_time at, struct icaltimetype local) {
  for (size_t i = 0; i < n; i++)
    if (ex[i].is_date ? ex[i].date == date_key(local) : ex[i].at == at) return true;
  return false;
}

/* Adds the exclusion of a RECURRENCE-ID / EXDATE time of property p. */
static void add_exclusion(reader *r, icalproperty *p, struct icaltimetype t, exclusion **ex,
                          size_t *n, size_t *cap) {
  zone_ref z;
  rp_time at;
  char msg[64];
  if (prop_time(r, p, t, "EXDATE", &z, &at, msg, sizeof msg) != 0) return;
  exclusion *e = RP_ARENA_PUSH(&r->ev, *ex, n, cap, 16);
  e->is_date = t.is_date;
  e->date = date_key(t);
  e->at = at;
}

typedef struct event_info {
  const block *b;
  rp_ics_event ev; /* all but start, end, uid */
  const char *uid; /* the VEVENT's */
  rp_time duration;
} event_info;

static int emit(reader *r, event_info *ei, rp_time at, const char *uid) {
  ei->ev.start = at;
  ei->ev.end = at + ei->duration;
  ei->ev.uid = uid;
  return r->on_event ? r->on_event(r->ctx, &ei->ev) : 0;
}

static const char *dup_text(reader *r, const char *s) {
  return s && *s ? rp_arena_strdup(r->out, s) : NULL;
}

static void read_attendees(reader *r, icalcomponent *c, rp_ics_event *ev) {
  const char **list = NULL;
  size_t n = 0, cap = 0;
  static const icalproperty_kind kinds[2] = {ICAL_ORGANIZER_PROPERTY, ICAL_ATTENDEE_PROPERTY};
  for (int k = 0; k < 2; k++)
    for (icalproperty *q = icalcomponent_get_first_property(c, kinds[k]); q;
         q = icalcomponent_get_next_property(c, kinds[k])) {
      if (n >= RP_ICS_MAX_ATTENDEES) break;
      icalparameter *ps = icalproperty_get_first_parameter(q, ICAL_PARTSTAT_PARAMETER);
      if (ps && icalparameter_get_partstat(ps) == ICAL_PARTSTAT_DECLINED) continue;
      icalparameter *em = icalproperty_get_first_parameter(q, ICAL_EMAIL_PARAMETER);
      const char *addr = em ? icalparameter_get_email(em) : NULL;
      if (!addr || !*addr)
        addr = kinds[k] == ICAL_ATTENDEE_PROPERTY ? icalproperty_get_attendee(q)
                                                  : icalproperty_get_organizer(q);
      if (!addr) continue;
      while (*addr == ' ')
        addr++;
      if (strncasecmp(addr, "mailto:", 7) == 0) addr += 7;
      char canon[256], key[256];
      if (rp_email_check(canon, sizeof canon, addr, strlen(addr)) != 0) continue;
      rp_email_key(key, sizeof key, canon);
      bool dup = false;
      for (size_t i = 0; i < n && !dup; i++)
        dup = strcmp(list[i], key) == 0;
      if (dup) continue;
      *RP_ARENA_PUSH(r->out, list, &n, &cap, 8) = rp_arena_strdup(r->out, key);
    }
  rp_error_clear(); /* rp_email_check's refusals */
  ev->attendee_emails = list;
  ev->n_attendees = n;
}

static void read_details(reader *r, icalcomponent *c, const block *b, rp_ics_event *ev) {
  ev->summary = dup_text(r, icalcomponent_get_summary(c));
  ev->description = dup_text(r, icalcomponent_get_description(c));
  ev->location = dup_text(r, icalcomponent_get_location(c));
  ev->kind = RP_KIND_MEETING;
  if (!kind_of_text(ev->summary, FOLD_SUMMARY, &ev->kind))
    kind_of_text(ev->description, FOLD_DESCRIPTION, &ev->kind);
  ev->importance = RP_IMPORTANCE_NORMAL;
  icalproperty *pr = icalcomponent_get_first_property(c, ICAL_PRIORITY_PROPERTY);
  if (pr) {
    int v = icalproperty_get_priority(pr);
    if (v >= 1 && v <= 4) ev->importance = RP_IMPORTANCE_HIGH;
  }
  for (icalproperty *q = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); q;
       q = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
    const char *xn = icalproperty_get_x_name(q), *xv = icalproperty_get_x(q);
    if (xn && xv && strcasecmp(xn, "X-MICROSOFT-CDO-IMPORTANCE") == 0 && strcmp(xv, "2") == 0)
      ev->importance = RP_IMPORTANCE_HIGH;
  }
  ev->cancelled = b->cancel_method || icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED;
  read_attendees(r, c, ev);
}

/* The event's UID (trimmed, in the output arena), or "sha1:" and a hash of
 * its DTSTART and SUMMARY lines. NULL when too long. */
static const char *event_uid(reader *r, const block *b) {
  char line[MAX_RAW_LINE];
  long n = raw_line(b, "UID", line, sizeof line);
  if (n == -2) return NULL;
  const char *v = n >= 0 ? line_value(line) : NULL;
  if (v) {
    while (*v == ' ' || *v == '\t')
      v++;
    size_t len = strlen(v);
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
      len--;
    if (len > RP_ICS_MAX_UID) return NULL;
    if (len > 0) return rp_arena_strndup(r->out, v, len);
  }
  rp_sha1_ctx h;
  rp_sha1_init(&h);
  if (raw_line(b, "DTSTART", line, sizeof line) >= 0) rp_sha1_update(&h, line, strlen(line));
  rp_sha1_update(&h, "\n", 1);
  if (raw_line(b, "SUMMARY", line, sizeof line) >= 0) rp_sha1_update(&h, line, strlen(line));
  unsigned char d[RP_SHA1_LEN];
  rp_sha1_final(&h, d);
  char hex[2 * RP_SHA1_LEN + 1];
  rp_hex_encode(hex, d, RP_SHA1_LEN);
  return rp_arena_printf(r->out, "sha1:%s", hex);
}

#define ARR_END ICAL_RECURRENCE_ARRAY_MAX

/* Why a recurrence rule is refused, or NULL. libical searches for the next
 * occurrence up to the year 2582 inside one call, unit by unit: a rule
 * that can never match (BYMONTHDAY=30 in February, a BYSETPOS beyond the
 * set) or that steps by seconds costs seconds of CPU for 100 bytes of
 * input. Refused: frequencies below a day and the BY parts calendar
 * programs never write (BYHOUR, BYMINUTE, BYSECOND, BYYEARDAY, BYWEEKNO);
 * BYMONTHDAY days that no BYMONTH month has; ordinal BYDAY days that no
 * BYMONTHDAY day can be; BYSETPOS beyond what the period can hold. */
static const char *rule_refusal(const struct icalrecurrencetype *rr) {
  if (rr->freq == ICAL_SECONDLY_RECURRENCE || rr->freq == ICAL_MINUTELY_RECURRENCE ||
      rr->freq == ICAL_HOURLY_RECURRENCE)
    return "a frequency below DAILY is not supported";
  if (rr->by_hour[0] != ARR_END || rr->by_minute[0] != ARR_END || rr->by_second[0] != ARR_END)
    return "BYHOUR, BYMINUTE and BYSECOND are not supported";
  if (rr->by_year_day[0] != ARR_END || rr->by_week_no[0] != ARR_END)
    return "BYYEARDAY and BYWEEKNO are not supported";
  static const int mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int longest = 0, shortest = 31; /* month lengths BYMONTH allows */
  bool months = rr->by_month[0] != ARR_END;
  for (int m = 1; m <= 12; m++) {
    bool in = !months;
    for (int i = 0; months && i < ICAL_BY_MONTH_SIZE && rr->by_month[i] != ARR_END; i++)
      in = in || icalrecurrencetype_month_month(rr->by_month[i]) == m;
    if (!in) continue;
    if (mdays[m] > longest) longest = mdays[m];
    if (mdays[m] < shortest) shortest = mdays[m];
  }
  if (longest == 0) return "BYMONTH names no month";
  int n_mday = 0;
  bool mday_fits = false;
  int lo = 31, hi = 1; /* the days of the month BYMONTHDAY can give */
  for (int i = 0; i < ICAL_BY_MONTHDAY_SIZE && rr->by_month_day[i] != ARR_END; i++, n_mday++) {
    int d = rr->by_month_day[i];
    if (d == 0 || d > longest || -d > longest) continue;
    mday_fits = true;
    int from = d > 0 ? d : shortest + d + 1, to = d > 0 ? d : longest + d + 1;
    if (from < lo) lo = from;
    if (to > hi) hi = to;
  }
  if (n_mday > 0 && !mday_fits) return "no month has the BYMONTHDAY days";
  int n_day = 0, set_max = 0;
  bool day_fits = n_mday == 0 || rr->by_day[0] == ARR_END;
  for (int i = 0; i < ICAL_BY_DAY_SIZE && rr->by_day[i] != ARR_END; i++, n_day++) {
    int pos = icalrecurrencetype_day_position(rr->by_day[i]);
    set_max += pos ? 1 : 5;
    if (pos == 0 || n_mday == 0) {
      day_fits = true;
      continue;
    }
    if (rr->freq != ICAL_MONTHLY_RECURRENCE && !(rr->freq == ICAL_YEARLY_RECURRENCE && months))
      return "an ordinal BYDAY with BYMONTHDAY is only supported within months";
    /* the n-th weekday of a month falls on days 7n-6..7n (or from the end) */
    int a = pos > 0 ? 7 * pos - 6 : shortest + 7 * pos + 1;
    int b = pos > 0 ? 7 * pos : longest + 7 * (pos + 1);
    if (a <= hi && b >= lo) day_fits = true;
  }
  if (!day_fits) return "no BYMONTHDAY day can be one of the ordinal BYDAY days";
  if (rr->by_set_pos[0] != ARR_END) {
    int limit;
    switch (rr->freq) {
    case ICAL_DAILY_RECURRENCE: limit = 1; break;
    case ICAL_WEEKLY_RECURRENCE: limit = n_day ? n_day : 1; break;
    case ICAL_MONTHLY_RECURRENCE:
      limit = n_mday ? n_mday : n_day ? set_max : 1;
      if (n_mday && n_day && set_max < limit) limit = set_max;
      break;
    default: limit = 366; break;
    }
    bool any = false;
    for (int i = 0; i < ICAL_BY_SETPOS_SIZE && rr->by_set_pos[i] != ARR_END; i++) {
      int v = rr->by_set_pos[i];
      if (v != 0 && v <= limit && -v <= limit) any = true;
    }
    if (!any) return "BYSETPOS is beyond the days each period has";
  }
  return NULL;
}

/* Expands a recurring event into its occurrences within the window, minus
 * EXDATEs and the occurrences that overrides replace, and emits them. */
static int expand(reader *r, icalcomponent *c, event_info *ei, struct icaltimetype dt,
                  const zone_ref *z, rp_time start) {
  const block *b = ei->b;
  char msg[384];
  exclusion *ex = NULL;
  size_t n_ex = 0, cap_ex = 0;
  for (icalproperty *q = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); q;
       q = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY))
    add_exclusion(r, q, icalproperty_get_exdate(q), &ex, &n_ex, &cap_ex);
  /* the occurrences that overrides elsewhere in the file replace */
  override key = {ei->uid, NULL};
  override *o = r->n_ovr ? bsearch(&key, r->ovr, r->n_ovr, sizeof *r->ovr, cmp_override) : NULL;
  if (o) {
    while (o > r->ovr && strcmp(o[-1].uid, ei->uid) == 0)
      o--;
    for (; o < r->ovr + r->n_ovr && strcmp(o->uid, ei->uid) == 0; o++) {
      icalproperty *rp = icalproperty_new_from_string(o->rid_line);
      if (!rp) continue;
      if (icalproperty_isa(rp) == ICAL_RECURRENCEID_PROPERTY)
        add_exclusion(r, rp, icalproperty_get_recurrenceid(rp), &ex, &n_ex, &cap_ex);
      icalproperty_free(rp);
    }
  }

  occurrence *occ = NULL;
  size_t n = 0, cap = 0;
  bool truncated = false;
  struct icaltimetype local = dt;
  local.zone = NULL;
  /* DTSTART is always the first occurrence (RFC 5545 3.8.5.3) */
  if (start >= r->from && start <= r->to && !excluded(ex, n_ex, start, local))
    *RP_ARENA_PUSH(&r->ev, occ, &n, &cap, 16) = (occurrence){start, local};

  icalproperty *rr = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
  if (rr) {
    struct icalrecurrencetype rule = icalproperty_get_rrule(rr);
    const char *why = rule.freq == ICAL_NO_RECURRENCE ? "no FREQ" : rule_refusal(&rule);
    if (why) {
      report(r, b->line, "RRULE: %s", why);
      return 0;
    }
    if (!icaltime_is_null_time(rule.until)) {
      if (rule.until.year > YEAR_MAX) {
        rule.until = icaltime_null_time();
      } else if (!time_ok(rule.until)) {
        report(r, b->line, "RRULE: UNTIL is not a valid date-time between %d and %d", YEAR_MIN,
               YEAR_MAX);
        return 0;
      } else if (icaltime_is_utc(rule.until) || dt.is_date) {
        /* compare in the event's wall time, as the iterator does */
        zone_ref uz = {icaltime_is_utc(rule.until) ? Z_UTC : Z_FLOAT, NULL, NULL};
        rp_time until_at = to_instant(r, &uz, rule.until);
        struct icaltimetype lu =
            to_local(r, dt.is_date ? &(zone_ref){Z_FLOAT, NULL, NULL} : z, until_at);
        if (dt.is_date) {
          lu.is_date = 1;
          lu.hour = lu.minute = lu.second = 0;
        }
        rule.until = lu;
      }
    }
    if (r->steps_left == 0) {
      report(r, b->line,
             "RRULE: not expanded: the file's recurring events took more than %d "
             "steps in all",
             RP_ICS_MAX_STEPS_TOTAL);
      goto rdates;
    }
    icalrecur_iterator *it = icalrecur_iterator_new(rule, local);
    if (!it) {
      report(r, b->line, "RRULE: not a usable rule");
      return 0;
    }
    if (rule.count == 0 && start < r->from - 2 * DAY) {
      struct icaltimetype jump =
          to_local(r, dt.is_date ? &(zone_ref){Z_FLOAT, NULL, NULL} : z, r->from - 2 * DAY);
      if (dt.is_date) {
        jump.is_date = 1;
        jump.hour = jump.minute = jump.second = 0;
      }
      icalrecur_iterator_set_start(it, jump);
    }
    size_t steps = 0;
    for (;;) {
      struct icaltimetype t = icalrecur_iterator_next(it);
      if (icaltime_is_null_time(t) || !time_ok(t)) break;
      if (r->steps_left > 0) r->steps_left--;
      if (++steps > RP_ICS_MAX_STEPS || r->steps_left == 0) {
        report(r, b->line,
               "RRULE: more than %d repetitions before the end of the window; the rest are "
               "skipped",
               RP_ICS_MAX_STEPS);
        break;
      }
      t.is_date = dt.is_date;
      rp_time at = to_instant(r, z, t);
      if (at > r->to) break;
      if (at < r->from || excluded(ex, n_ex, at, t)) continue;
      *RP_ARENA_PUSH(&r->ev, occ, &n, &cap, 16) = (occurrence){at, t};
      if (n > RP_ICS_MAX_OCCURRENCES + 1) {
        truncated = true;
        break;
      }
    }
    icalrecur_iterator_free(it);
  }
rdates:
  for (icalproperty *q = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); q;
       q = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
    struct icaldatetimeperiodtype v = icalproperty_get_rdate(q);
    struct icaltimetype t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
    zone_ref rz;
    rp_time at;
    if (prop_time(r, q, t, "RDATE", &rz, &at, msg, sizeof msg) != 0) {
      report(r, b->line, "%s", msg);
      continue;
    }
    t.zone = NULL;
    if (at < r->from || at > r->to || excluded(ex, n_ex, at, t)) continue;
    if (n > 4 * RP_ICS_MAX_OCCURRENCES) {
      truncated = true;
      break;
    }
    *RP_ARENA_PUSH(&r->ev, occ, &n, &cap, 16) = (occurrence){at, t};
  }
  if (n > 1) qsort(occ, n, sizeof *occ, cmp_occ);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u == 0 || occ[i].at != occ[u - 1].at) occ[u++] = occ[i];
  if (u > RP_ICS_MAX_OCCURRENCES) {
    u = RP_ICS_MAX_OCCURRENCES;
    truncated = true;
  }
  if (truncated)
    report(r, b->line,
           "RRULE: more than %d occurrences in the window; only the first %d are imported",
           RP_ICS_MAX_OCCURRENCES, RP_ICS_MAX_OCCURRENCES);
  for (size_t i = 0; i < u; i++) {
    char k[20];
    occ_key(k, occ[i].at, occ[i].local);
    int rc = emit(r, ei, occ[i].at, rp_arena_printf(r->out, "%s/%s", ei->uid, k));
    if (rc) return rc;
  }
  return 0;
}

static int read_event(reader *r, const block *b) {
  char msg[384];
  int rc = 0;
  icalcomponent *c = NULL;
  event_info ei = {.b = b};
  bool not_utf8;
  c = parse_block(&r->ev, b, &not_utf8);
  if (!c || icalcomponent_isa(c) != ICAL_VEVENT_COMPONENT) {
    report(r, b->line,
           not_utf8 ? "VEVENT: not UTF-8 text (or holds a NUL byte)" : "VEVENT: cannot be parsed");
    goto cleanup;
  }
  if (time_prop_error(c, msg, sizeof msg)) {
    report(r, b->line, "%s", msg);
    goto cleanup;
  }
  ei.ev.line = b->line;
  ei.uid = event_uid(r, b);
  if (!ei.uid) {
    report(r, b->line, "UID: longer than %d bytes", RP_ICS_MAX_UID);
    goto cleanup;
  }
  icalproperty *ds = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
  if (!ds) {
    report(r, b->line, "DTSTART: missing");
    goto cleanup;
  }
  struct icaltimetype dt = icalproperty_get_dtstart(ds);
  zone_ref z;
  rp_time start;
  if (prop_time(r, ds, dt, "DTSTART", &z, &start, msg, sizeof msg) != 0) {
    report(r, b->line, "%s", msg);
    goto cleanup;
  }
  ei.ev.all_day = dt.is_date;
  icalproperty *de = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
  icalproperty *du = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY);
  if (de) {
    zone_ref ez;
    rp_time end;
    if (prop_time(r, de, icalproperty_get_dtend(de), "DTEND", &ez, &end, msg, sizeof msg) != 0) {
      report(r, b->line, "%s", msg);
      goto cleanup;
    }
    if (end < start) {
      report(r, b->line, "DTEND: before DTSTART");
      goto cleanup;
    }
    ei.duration = end - start;
  } else if (du) {
    struct icaldurationtype d = icalproperty_get_duration(du);
    int64_t s = (int64_t)d.weeks * 7 * DAY + (int64_t)d.days * DAY + (int64_t)d.hours * 3600 +
                (int64_t)d.minutes * 60 + (int64_t)d.seconds;
    if (d.is_neg && s > 0) {
      report(r, b->line, "DURATION: negative");
      goto cleanup;
    }
    if (s > MAX_DURATION) {
      report(r, b->line, "DURATION: longer than 10 years");
      goto cleanup;
    }
    ei.duration = s;
  } else {
    ei.duration = dt.is_date ? DAY : 0;
  }
  icalproperty *rid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
  struct icaltimetype rt = rid ? icalproperty_get_recurrenceid(rid) : icaltime_null_time();
  zone_ref rz;
  rp_time rat = 0;
  if (rid && prop_time(r, rid, rt, "RECURRENCE-ID", &rz, &rat, msg, sizeof msg) != 0) {
    report(r, b->line, "%s", msg);
    goto cleanup;
  }
  read_details(r, c, b, &ei.ev);
  if (rid) { /* one occurrence, replacing the one the master would give */
    if (start >= r->from && start <= r->to) {
      char k[20];
      occ_key(k, rat, rt);
      rc = emit(r, &ei, start, rp_arena_printf(r->out, "%s/%s", ei.uid, k));
    }
  } else if (icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY) ||
             icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY)) {
    rc = expand(r, c, &ei, dt, &z, start);
  } else if (start >= r->from && start <= r->to) {
    rc = emit(r, &ei, start, ei.uid);
  }
cleanup:
  if (c) icalcomponent_free(c);
  rp_arena_free(&r->ev);
  return rc;
}

/* ---- the passes ---- */

#define TOO_MANY 1

static int pass1(void *st, const block *b) {
  reader *r = st;
  if (b->kind == BLK_VEVENT || (b->kind == BLK_BAD && ci_prefix(b->p, b->len, "BEGIN:VEVENT")))
    if (++r->n_events > RP_ICS_MAX_EVENTS) return TOO_MANY;
  char line[MAX_RAW_LINE];
  if (b->kind == BLK_VTIMEZONE && r->n_vtz < RP_ICS_MAX_VTIMEZONES) {
    const char *v = raw_line(b, "TZID", line, sizeof line) >= 0 ? line_value(line) : NULL;
    if (!v) return 0;
    vtz_entry *e = RP_ARENA_PUSH(&r->scratch, r->vtz, &r->n_vtz, &r->cap_vtz, 8);
    memset(e, 0, sizeof *e);
    e->tzid = rp_arena_strdup(&r->scratch, v);
    e->b = *b;
  } else if (b->kind == BLK_VEVENT && b->has_rid) {
    const char *uid = raw_line(b, "UID", line, sizeof line) >= 0 ? line_value(line) : NULL;
    char rid[MAX_RAW_LINE];
    if (!uid || raw_line(b, "RECURRENCE-ID", rid, sizeof rid) < 0) return 0;
    while (*uid == ' ' || *uid == '\t')
      uid++;
    size_t len = strlen(uid);
    while (len > 0 && (uid[len - 1] == ' ' || uid[len - 1] == '\t'))
      len--;
    override *o = RP_ARENA_PUSH(&r->scratch, r->ovr, &r->n_ovr, &r->cap_ovr, 16);
    o->uid = rp_arena_strndup(&r->scratch, uid, len);
    o->rid_line = rp_arena_strdup(&r->scratch, rid);
  }
  return 0;
}

static int pass2(void *st, const block *b) {
  reader *r = st;
  if (b->kind == BLK_BAD) {
    report(r, b->line, "%s", b->why);
    return 0;
  }
  if (b->kind != BLK_VEVENT) return 0;
  return read_event(r, b);
}

int rp_ics_read(const char *buf, size_t len, const rp_tz *tz, rp_time window_from,
                rp_time window_to, rp_arena *a, rp_ics_event_fn on_event, rp_ics_error_fn on_error,
                void *ctx) {
  if (len > RP_ICS_MAX_INPUT)
    return rp_error_set(RP_ETOOLARGE, NULL, "calendar: larger than %zu MiB",
                        (size_t)RP_ICS_MAX_INPUT >> 20);
  if (!buf) len = 0;
  pthread_once(&ical_once, ical_init);
  /* every time read is within years 1800..2500: a wider window changes
   * nothing, and the clamp keeps the arithmetic on it from overflowing */
  const rp_time t_min = -6000000000LL, t_max = 20000000000LL;
  reader r = {.tz = tz ? tz : rp_tz_utc(),
              .from = window_from < t_min   ? t_min
                      : window_from > t_max ? t_max
                                            : window_from,
              .to = window_to < t_min   ? t_min
                    : window_to > t_max ? t_max
                                        : window_to,
              .out = a,
              .steps_left = RP_ICS_MAX_STEPS_TOTAL,
              .on_event = on_event,
              .on_error = on_error,
              .ctx = ctx};
  bool saw_cal = false;
  int rc = scan(buf, len, pass1, &r, &saw_cal);
  if (rc == TOO_MANY) {
    rc = rp_error_set(RP_ETOOLARGE, NULL, "calendar: more than %d events", RP_ICS_MAX_EVENTS);
    goto cleanup;
  }
  if (!saw_cal && r.n_events == 0) {
    rc = rp_error_set(RP_EINVALID_VALUE, NULL,
                      "calendar: not an iCalendar file (no BEGIN:VCALENDAR or BEGIN:VEVENT)");
    goto cleanup;
  }
  if (r.n_ovr > 1) qsort(r.ovr, r.n_ovr, sizeof *r.ovr, cmp_override);
  rc = scan(buf, len, pass2, &r, &saw_cal);
cleanup:
  for (size_t i = 0; i < r.n_vtz; i++)
    if (r.vtz[i].iz) icaltimezone_free(r.vtz[i].iz, 1);
  rp_arena_free(&r.ev);
  rp_arena_free(&r.scratch);
  icalmemory_free_ring();
  return rc;
}
