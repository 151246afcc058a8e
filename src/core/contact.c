/* contact.c: the pure per-contact decisions of contact.h: the display name,
 * the creation defaults (DOMAIN.md L1, S1-S5), what counts as a two-way
 * interaction and the stay-in-touch interval (SCORING.md A4). No I/O, no
 * clock; the only allocation is the display name, in the caller's arena. */
#include "core/contact.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define SECONDS_PER_DAY 86400.0
#define SECONDS_PER_YEAR (365.25 * SECONDS_PER_DAY)

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* s without surrounding blanks as (start, length); length 0 for NULL. */
static size_t trimmed(const char *s, const char **start) {
  size_t n = 0;
  *start = s;
  if (!s) return 0;
  while (**start && is_blank(**start))
    (*start)++;
  n = strlen(*start);
  while (n && is_blank((*start)[n - 1]))
    n--;
  return n;
}

/* rp_contact_display_name: see contact.h. The result lives in ar; the
 * parts are trimmed, blank ones count as absent. */
const char *rp_contact_display_name(rp_arena *ar, const rp_contact *c) {
  const char *first, *last, *s;
  size_t nf = trimmed(c->first_name, &first), nl = trimmed(c->last_name, &last), n;
  if (nf && nl) return rp_arena_printf(ar, "%.*s %.*s", (int)nf, first, (int)nl, last);
  if (nf) return rp_arena_strndup(ar, first, nf);
  if (nl) return rp_arena_strndup(ar, last, nl);
  if ((n = trimmed(c->company, &s)) > 0) return rp_arena_strndup(ar, s, n);
  for (size_t i = 0; i < c->n_emails; i++)
    if ((n = trimmed(c->emails[i].address, &s)) > 0) return rp_arena_strndup(ar, s, n);
  for (size_t i = 0; i < c->n_phones; i++)
    if ((n = trimmed(c->phones[i].number, &s)) > 0) return rp_arena_strndup(ar, s, n);
  return rp_arena_strdup(ar, "(no name)");
}

/* rp_contact_stage_for_status: see contact.h (DOMAIN.md S1-S5). */
rp_stage rp_contact_stage_for_status(rp_status status, rp_stage current, const char **rule) {
  const char *id = NULL;
  rp_stage stage = current;
  switch (status) {
  case RP_STATUS_NONE: stage = RP_STAGE_NONE, id = "S1"; break;
  case RP_STATUS_SUSPECT: stage = RP_STAGE_AWARE, id = "S2"; break;
  case RP_STATUS_PROSPECT:
  case RP_STATUS_LEAD: stage = RP_STAGE_KNOW, id = "S3"; break;
  case RP_STATUS_CLIENT:
    stage = current == RP_STAGE_TRUST ? RP_STAGE_TRUST : RP_STAGE_LIKE, id = "S4";
    break;
  case RP_STATUS_PAST_CLIENT:
    stage = current == RP_STAGE_TRUST ? RP_STAGE_TRUST : RP_STAGE_LIKE, id = "S5";
    break;
  default: break;
  }
  /* S6: trust, once earned, is not taken away by any rule. */
  if (id && current == RP_STAGE_TRUST) stage = RP_STAGE_TRUST;
  if (rule) *rule = id;
  return stage;
}

/* rp_contact_apply_create_rules: see contact.h (DOMAIN.md L1; the stage
 * by S1-S5 whenever it was not given, whether the status was given or set
 * by L1). Changes c->status and c->stage in place. */
const char *rp_contact_apply_create_rules(rp_contact *c, bool status_given, bool stage_given) {
  const char *rule = NULL;
  if (!status_given) {
    bool no_status =
        c->type == RP_TYPE_AGENT || c->type == RP_TYPE_VENDOR || c->type == RP_TYPE_HIDDEN;
    c->status = no_status ? RP_STATUS_NONE : RP_STATUS_SUSPECT;
    rule = "L1";
  }
  if (!stage_given) c->stage = rp_contact_stage_for_status(c->status, RP_STAGE_NONE, NULL);
  return rule;
}

/* rp_activity_is_two_way: see contact.h (SCORING.md last_touch, factor 11
 * "connected call"). A call of 60 s or more logged without a direction is
 * connected too; a message without a direction is not two-way. */
bool rp_activity_is_two_way(const rp_activity *a) {
  switch (a->kind) {
  case RP_KIND_EMAIL:
  case RP_KIND_SMS:
  case RP_KIND_SOCIAL: return a->direction == RP_DIR_INBOUND;
  case RP_KIND_CALL: return a->direction == RP_DIR_INBOUND || a->duration_s >= 60;
  case RP_KIND_MEETING:
  case RP_KIND_VISIT:
  case RP_KIND_MEAL:
  case RP_KIND_PARTY: return true;
  default: return false; /* card, note, web */
  }
}

/* rp_contact_interval_days: see contact.h (SCORING.md A4): base days by
 * stage (aware 7, know 14, like 30, trust 60) times 1 + min(Y, 10) / 5;
 * a negative or NaN Y counts as 0. The hand-set interval wins, at any
 * stage. */
double rp_contact_interval_days(const rp_contact *c, double years_known) {
  double base;
  if (c->contact_interval_days > 0) return (double)c->contact_interval_days;
  switch (c->stage) {
  case RP_STAGE_AWARE: base = 7; break;
  case RP_STAGE_KNOW: base = 14; break;
  case RP_STAGE_LIKE: base = 30; break;
  case RP_STAGE_TRUST: base = 60; break;
  default: return 0;
  }
  double y = years_known > 0 ? years_known : 0; /* also NaN -> 0 */
  if (y > 10) y = 10;
  return base * (1 + y / 5);
}

/* The start of the relationship: known_since at midnight UTC, or created_at
 * when known_since is absent or unreadable; 0 when neither is known. */
static rp_time known_since_time(const rp_contact *c) {
  rp_time t;
  if (c->known_since && rp_date_parse(&t, c->known_since, strlen(c->known_since)) == 0) return t;
  return c->created_at;
}

/* rp_contact_overdue_at: see contact.h (SCORING.md A4). last_touch is the
 * latest two-way interaction, 0 for none. Y runs from known_since to the
 * last touch (0 when the touch is earlier). The contact is overdue at T when
 * T >= the returned moment, that is when the days since the last touch
 * exceed the interval (a contact exactly one interval old is not overdue).
 * 0 for an archived contact, a contact without interval, or one with no
 * time at all to count from. */
rp_time rp_contact_overdue_at(const rp_contact *c, rp_time last_touch) {
  if (c->archived_at) return 0;
  rp_time since = known_since_time(c);
  rp_time touch = last_touch ? last_touch : since;
  if (!touch) return 0;
  double years = since && touch > since ? ((double)touch - (double)since) / SECONDS_PER_YEAR : 0;
  double days = rp_contact_interval_days(c, years);
  if (!(days > 0)) return 0;
  double secs = floor(days * SECONDS_PER_DAY) + 1;
  if (secs >= (double)INT64_MAX - (double)touch) return INT64_MAX; /* a hand-set absurd interval */
  return touch + (rp_time)secs;
}

bool rp_contact_has_tag(const rp_contact *c, const char *tag) {
  for (size_t i = 0; i < c->n_tags; i++)
    if (strcasecmp(c->tags[i], tag) == 0) return true;
  return false;
}
