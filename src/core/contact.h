/* contact.h: pure decisions about one contact that every writer shares
 * (the HTTP handlers, the demo generator, later the importers). No I/O, no
 * clock: times come in as arguments. */
#ifndef RP_CORE_CONTACT_H
#define RP_CORE_CONTACT_H

#include <stdbool.h>

#include "core/model.h"
#include "util/arena.h"

/* "First Last"; else company; else the first email; else the first phone;
 * else "(no name)". Allocated in ar. */
const char *rp_contact_display_name(rp_arena *ar, const rp_contact *c);

/* Whether the contact has the tag (ASCII case-insensitive: tags are kept
 * lower-cased, a workflow's filter may name one in capitals). */
bool rp_contact_has_tag(const rp_contact *c, const char *tag);

/* DOMAIN.md S1-S5: the stage that status gives, from the current stage:
 * none -> none (S1), suspect -> aware (S2), prospect/lead -> know (S3),
 * client -> like (S4) and past_client -> like (S5), except that a stage of
 * trust is kept whatever the status (S6: trust, once earned, is not taken
 * away by a rule). When rule
 * is not NULL, *rule gets the id of the rule that decided ("S1".."S5"), even
 * when the stage stays the same; NULL (and current returned) for an invalid
 * status. S6 (earning trust) needs the deal counts and is not applied here. */
rp_stage rp_contact_stage_for_status(rp_status status, rp_stage current, const char **rule);

/* DOMAIN.md L1 and S1/S2 at creation: when status_given is false, type
 * agent, vendor or hidden gives status none, any other type suspect; when
 * stage_given is false, the stage follows the status (none -> none,
 * suspect -> aware, prospect/lead -> know, client/past_client -> like).
 * Returns the rule id that set the status ("L1") or NULL when the status was
 * given explicitly. */
const char *rp_contact_apply_create_rules(rp_contact *c, bool status_given, bool stage_given);

/* True when the activity is a two-way interaction (SCORING.md last_touch):
 * an inbound email, sms, call or social message; an outbound call of 60 s or
 * more; a meeting, visit, meal or party. web, card and note are not. */
bool rp_activity_is_two_way(const rp_activity *a);

/* SCORING.md A4: the recommended contact interval in days for stage and
 * years known Y (0 when the stage has none); a hand-set interval
 * (contact_interval_days > 0) wins. */
double rp_contact_interval_days(const rp_contact *c, double years_known);

/* The moment the contact becomes overdue (A4): last two-way touch (or,
 * without one, known_since at midnight UTC, or created_at) plus the
 * interval. 0 when the contact has no interval (stage none, or archived). */
rp_time rp_contact_overdue_at(const rp_contact *c, rp_time last_touch);

#endif
