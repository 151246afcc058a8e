/* rules.h: the lifecycle engine (DOMAIN.md L, S, C), pure.
 *
 * Given the facts of one contact after an event has been recorded (the
 * activity stored, the deal saved, the field written) and that event, it
 * returns the changes the rules make, each with its rule id. The caller
 * writes the changes in the same transaction as the event (M4) and a history
 * row for each change of status, stage, category or type (M3). */
#ifndef RP_RULES_H
#define RP_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

/* M2: the automation switches of an account. */
typedef struct rp_automation {
  bool status_rules;   /* L */
  bool stage_rules;    /* S */
  bool category_rules; /* C */
  bool workflows;      /* W: workflow triggers (jobs/workflows.c) */
} rp_automation;

/* What the rules read of a contact, as it stands after the event. */
typedef struct rp_rule_facts {
  rp_status status;
  rp_stage stage;
  rp_category category;
  rp_ctype type;
  rp_intent intent;
  bool has_timeframe;
  /* The status the contact had before L4 first made it a client in its
   * current run of deals; L5 returns to it when every deal went dead. */
  rp_status status_before_client;
  /* Deals in which the contact is buyer or seller (role other never
   * counts); a closed transaction and the closed property it sells count
   * once. */
  int open_deals, closed_deals, dead_deals;
  int64_t referral_count;
} rp_rule_facts;

typedef enum {
  RP_EVENT_CREATED,        /* the contact was created (facts: as given) */
  RP_EVENT_ACTIVITY,       /* an activity was recorded */
  RP_EVENT_FIELD_CHANGED,  /* a field was set (by hand or by an import) */
  RP_EVENT_DEAL_OPENED,    /* became party to an open deal (created open or
                              changed to an open status) */
  RP_EVENT_DEAL_CLOSED,    /* one of its deals closed */
  RP_EVENT_DEAL_DEAD,      /* one of its deals went dead */
  RP_EVENT_REFERRAL,       /* its referral_count changed */
} rp_event_kind;

/* Which fields a RP_EVENT_FIELD_CHANGED set, as bits; on RP_EVENT_CREATED,
 * RP_FIELD_STATUS says the status was given (L1: it wins over L2/L3). */
enum {
  RP_FIELD_STATUS = 1,
  RP_FIELD_STAGE = 2,
  RP_FIELD_CATEGORY = 4,
  RP_FIELD_TYPE = 8,
  RP_FIELD_INTENT = 16,
  RP_FIELD_TIMEFRAME = 32,
  RP_FIELD_TAGS = 64,
};

typedef struct rp_rule_event {
  rp_event_kind kind;
  /* RP_EVENT_ACTIVITY */
  rp_activity_kind activity_kind;
  rp_direction direction;
  /* RP_EVENT_FIELD_CHANGED */
  unsigned fields;          /* RP_FIELD_* bits */
  bool tagged_buyer_seller; /* a tag buyer or seller was added */
  /* RP_EVENT_DEAL_*: the contact's role in the deal ("other" does nothing) */
  bool role_buyer, role_seller;
  const char *close_date; /* RP_EVENT_DEAL_CLOSED: "YYYY-MM-DD" */
} rp_rule_event;

typedef enum {
  RP_CHANGE_STATUS,
  RP_CHANGE_STAGE,
  RP_CHANGE_CATEGORY,
  RP_CHANGE_TYPE,
  RP_CHANGE_STATUS_BEFORE_CLIENT, /* bookkeeping for L5, no history row */
  RP_CHANGE_LAST_PURCHASE_DATE,   /* L6 */
  RP_CHANGE_LAST_SALE_DATE,       /* L6 */
} rp_change_field;

typedef struct rp_rule_change {
  rp_change_field field;
  int from, to;           /* enum values (status, stage, category, type) */
  const char *date;       /* L6 changes: the new date */
  const char *rule;       /* "L2", "S6", "C3" ... (static strings) */
} rp_rule_change;

#define RP_RULES_MAX_CHANGES 12

/* Runs the rules for event e on facts f (updated in place to the final
 * state) and appends the changes to out (capacity RP_RULES_MAX_CHANGES),
 * in the order they happened; returns how many. Dates for L6 are compared
 * with the contact's current ones: last_purchase/last_sale may be NULL. */
size_t rp_rules_apply(rp_rule_facts *f, const rp_rule_event *e, const rp_automation *sw,
                      const char *last_purchase_date, const char *last_sale_date,
                      rp_rule_change out[static RP_RULES_MAX_CHANGES]);

/* The name of a change's field as the history records it ("status", ...),
 * and the value names; NULL for bookkeeping changes. */
const char *rp_change_field_name(rp_change_field f);
const char *rp_change_value_name(rp_change_field f, int v);

#endif
