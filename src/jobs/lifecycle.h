/* lifecycle.h: the rules engine applied through the store.
 *
 * src/core/rules.c decides; this module gathers the facts a rule reads (the
 * contact, its deal counts, the account's automation switches), writes the
 * changes the rules return on the contact, appends one history row per
 * change of status, stage, category or type (DOMAIN.md M3), and refreshes
 * the derived fields (last touch, overdue). It runs inside the caller's
 * transaction, so a rule's effect commits with its cause (M4). The HTTP
 * handlers, the demo generator and (later) the importers all go through it.
 */
#ifndef RP_LIFECYCLE_H
#define RP_LIFECYCLE_H

#include <stdbool.h>

#include "core/rules.h"
#include "store/store.h"

typedef struct rp_lifecycle {
  rp_store *store;
  rp_arena *arena;
  const char *account_id;
  const char *actor; /* user id written in history rows, or NULL */
  rp_time now;
  rp_automation sw; /* M2, from the account's settings */
  /* Bulk jobs (the demo): rp_lifecycle_refresh leaves the kept score as it
   * is; the job rescores everyone at its end. */
  bool defer_score;
  /* The import: rp_lifecycle_create_contact (without out, workflows off)
   * settles a new contact's rules and score in memory and writes it once
   * instead of writing it, reading it back and rewriting it; the outcome
   * is the same (tests/unit/test_import.c imports a file both ways). */
  bool settle_new;
} rp_lifecycle;

/* Prepares a lifecycle for one request or job: reads the account's
 * automation switches. All pointers must outlive lc. */
int rp_lifecycle_init(rp_lifecycle *lc, rp_store *s, rp_arena *ar, const char *account_id,
                      const char *actor, rp_time now);

/* The automation switches of a settings JSON text (API.md Settings
 * "automation"); a missing switch is on. */
void rp_automation_from_settings(rp_automation *out, const char *settings_json);

/* Creates contact c (c->id is set) as every path does (POST /contacts, lead
 * capture, an unknown texter): the rules of creation (DOMAIN.md L1, S1-S2)
 * unless switched off (M2) or the field is one the caller gave (`given`:
 * RP_FIELD_STATUS, _STAGE, _CATEGORY, _TYPE bits; a given value wins and
 * is a "manual" history row), the history rows (M3), the created event (L3
 * on needs and a timeframe, L2 on a buyer or seller tag), the referrer's
 * count (C1), the derived fields and score, and the workflows of
 * contact_created and tag_added. Owner and known_since are the caller's;
 * created_at, updated_at and display_name are set here. out (may be NULL)
 * gets the contact as stored. A store error (a bad reference) is returned
 * as the store gave it. */
int rp_lifecycle_create_contact(rp_lifecycle *lc, rp_contact *c, unsigned given, rp_contact *out);

/* Records activity a as POST /activities does: stored with the core's
 * two-way verdict, the rules for an activity that has happened (a planned
 * one, in the future, has not yet), the contact's derived fields and
 * score. id, created_at and updated_at are set here when empty. */
int rp_lifecycle_record_activity(rp_lifecycle *lc, rp_activity *a);

/* Runs the rules for event e on the contact and writes what they change. */
int rp_lifecycle_event(rp_lifecycle *lc, const char *contact_id, const rp_rule_event *e);

/* The same for the contact that contact_id refers to, after its referral
 * count may have changed (C1-C3, S6). NULL referrer is a no-op. */
int rp_lifecycle_referral(rp_lifecycle *lc, const char *referrer_id);

/* Appends one history row (M3) with lc's actor and time. from may be NULL. */
int rp_lifecycle_history(rp_lifecycle *lc, const char *contact_id, const char *field,
                         const char *from, const char *to, const char *rule);

/* Recomputes the derived fields (SCORING.md last_touch, DOMAIN.md A4):
 * last_touch_at from the two-way activities at or before now, overdue_at
 * from it, and the score at now (SCORING.md: in the same transaction as
 * every write that touches the contact) unless lc->defer_score; a new
 * two-way touch clears the contact's open trend and overdue alerts (A2). When out is not NULL it gets the contact as stored afterwards
 * (strings in lc's arena), with `overdue` computed for now. */
int rp_lifecycle_refresh(rp_lifecycle *lc, const char *contact_id, rp_contact *out);

#endif
