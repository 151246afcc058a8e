#include "core/rules.h"

#include <string.h>

#include "core/contact.h"

typedef struct {
  rp_rule_change *out;
  size_t n;
} changes;

static void push(changes *c, rp_change_field field, int from, int to, const char *date,
                 const char *rule) {
  if (c->n >= RP_RULES_MAX_CHANGES) return; /* cannot happen: at most ~8 per event */
  c->out[c->n++] = (rp_rule_change){field, from, to, date, rule};
}

static void set_status(changes *c, rp_rule_facts *f, rp_status to, const char *rule) {
  if (f->status == to) return;
  push(c, RP_CHANGE_STATUS, (int)f->status, (int)to, NULL, rule);
  f->status = to;
}

static bool is_message(rp_activity_kind k) {
  return k == RP_KIND_EMAIL || k == RP_KIND_SMS || k == RP_KIND_CALL || k == RP_KIND_SOCIAL;
}

static bool party(const rp_rule_event *e) { return e->role_buyer || e->role_seller; }

/* L6: never move a date backwards. Dates compare as strings (YYYY-MM-DD). */
static void close_date(changes *c, rp_change_field field, const char *current, const char *date,
                       const char *rule) {
  if (!date) return;
  if (current && strcmp(current, date) >= 0) return;
  push(c, field, 0, 0, date, rule);
}

/* The L rules for one event. status_by_hand: the event itself set the status
 * by hand (M1: the rules then leave it as the user set it). */
static void status_rules(changes *c, rp_rule_facts *f, const rp_rule_event *e,
                         const char *last_purchase, const char *last_sale) {
  bool status_by_hand =
      (e->kind == RP_EVENT_FIELD_CHANGED || e->kind == RP_EVENT_CREATED) &&
      (e->fields & RP_FIELD_STATUS);
  switch (e->kind) {
  case RP_EVENT_ACTIVITY:
    /* L2: two-way communication begins; a web form is one-way. */
    if (f->status == RP_STATUS_SUSPECT &&
        ((is_message(e->activity_kind) && e->direction == RP_DIR_INBOUND) ||
         e->activity_kind == RP_KIND_MEETING || e->activity_kind == RP_KIND_VISIT))
      set_status(c, f, RP_STATUS_PROSPECT, "L2");
    break;
  case RP_EVENT_FIELD_CHANGED:
    if (!status_by_hand && f->status == RP_STATUS_SUSPECT &&
        (e->tagged_buyer_seller || ((e->fields & RP_FIELD_STAGE) && f->stage == RP_STAGE_KNOW)))
      set_status(c, f, RP_STATUS_PROSPECT, "L2");
    break;
  case RP_EVENT_DEAL_OPENED:
    /* L4, and L7 for a past client's repeat business. */
    if (party(e) && f->status != RP_STATUS_NONE && f->status != RP_STATUS_CLIENT) {
      rp_status before = f->status;
      if (f->status_before_client != before) {
        push(c, RP_CHANGE_STATUS_BEFORE_CLIENT, (int)f->status_before_client, (int)before, NULL,
             "L4");
        f->status_before_client = before;
      }
      set_status(c, f, RP_STATUS_CLIENT, before == RP_STATUS_PAST_CLIENT ? "L7" : "L4");
    }
    if (party(e) && f->status == RP_STATUS_CLIENT && f->type == RP_TYPE_PROSPECT) {
      push(c, RP_CHANGE_TYPE, (int)f->type, (int)RP_TYPE_CLIENT, NULL, "L4");
      f->type = RP_TYPE_CLIENT;
    }
    break;
  case RP_EVENT_DEAL_CLOSED:
    if (!party(e)) break;
    if (e->role_buyer)
      close_date(c, RP_CHANGE_LAST_PURCHASE_DATE, last_purchase, e->close_date, "L6");
    if (e->role_seller) close_date(c, RP_CHANGE_LAST_SALE_DATE, last_sale, e->close_date, "L6");
    /* L5: the last open deal closed. */
    if (f->open_deals == 0 && f->closed_deals >= 1 && f->status != RP_STATUS_NONE)
      set_status(c, f, RP_STATUS_PAST_CLIENT, "L5");
    break;
  case RP_EVENT_DEAL_DEAD:
    if (!party(e) || f->open_deals > 0 || f->status != RP_STATUS_CLIENT) break;
    /* L5: with every deal closed or dead, a closing makes a past client;
     * only dead deals return the contact to where it was before L4. */
    if (f->closed_deals >= 1)
      set_status(c, f, RP_STATUS_PAST_CLIENT, "L5");
    else
      set_status(c, f,
                 f->status_before_client == RP_STATUS_CLIENT ? RP_STATUS_PROSPECT
                                                             : f->status_before_client,
                 "L5");
    break;
  case RP_EVENT_CREATED:
  case RP_EVENT_REFERRAL:
    break;
  }
  /* L3: knowledge of needs and timeframe, after any event. */
  if (!status_by_hand && (f->status == RP_STATUS_SUSPECT || f->status == RP_STATUS_PROSPECT) &&
      f->intent != RP_INTENT_NONE && f->has_timeframe)
    set_status(c, f, RP_STATUS_LEAD, "L3");
}

/* S1-S6. Trust, once earned, is never taken away by a rule. */
static void stage_rules(changes *c, rp_rule_facts *f) {
  if (f->stage == RP_STAGE_TRUST) return;
  const char *rule = NULL;
  rp_stage to;
  bool business = f->status == RP_STATUS_CLIENT || f->status == RP_STATUS_PAST_CLIENT;
  if (business && (f->closed_deals > 1 || f->referral_count > 1)) {
    to = RP_STAGE_TRUST;
    rule = "S6";
  } else {
    to = rp_contact_stage_for_status(f->status, f->stage, &rule);
  }
  if (to == f->stage || !rule) return;
  push(c, RP_CHANGE_STAGE, (int)f->stage, (int)to, NULL, rule);
  f->stage = to;
}

/* C2, C3: rules only raise a category (a > b > c > d > none). */
static void category_rules(changes *c, rp_rule_facts *f) {
  rp_category to = f->category;
  const char *rule = NULL;
  if (f->referral_count > 1 && f->category != RP_CATEGORY_A) {
    to = RP_CATEGORY_A;
    rule = "C3";
  } else if (f->referral_count == 1 &&
             (f->category == RP_CATEGORY_NONE || f->category == RP_CATEGORY_C ||
              f->category == RP_CATEGORY_D)) {
    to = RP_CATEGORY_B;
    rule = "C2";
  }
  if (!rule) return;
  push(c, RP_CHANGE_CATEGORY, (int)f->category, (int)to, NULL, rule);
  f->category = to;
}

size_t rp_rules_apply(rp_rule_facts *f, const rp_rule_event *e, const rp_automation *sw,
                      const char *last_purchase_date, const char *last_sale_date,
                      rp_rule_change out[static RP_RULES_MAX_CHANGES]) {
  changes c = {out, 0};
  rp_status status_was = f->status;
  if (sw->status_rules) status_rules(&c, f, e, last_purchase_date, last_sale_date);
  /* Stage follows status after every status change (by rule or by hand) and
   * every change of the counts it reads (closings, referrals). */
  bool recompute_stage = f->status != status_was || e->kind == RP_EVENT_DEAL_CLOSED || e->kind == RP_EVENT_REFERRAL ||
                         (e->kind == RP_EVENT_FIELD_CHANGED && (e->fields & RP_FIELD_STATUS) &&
                          !(e->fields & RP_FIELD_STAGE));
  if (sw->stage_rules && recompute_stage) stage_rules(&c, f);
  if (sw->category_rules && (e->kind == RP_EVENT_REFERRAL || e->kind == RP_EVENT_CREATED))
    category_rules(&c, f);
  return c.n;
}

const char *rp_change_field_name(rp_change_field field) {
  switch (field) {
  case RP_CHANGE_STATUS: return "status";
  case RP_CHANGE_STAGE: return "stage";
  case RP_CHANGE_CATEGORY: return "category";
  case RP_CHANGE_TYPE: return "type";
  default: return NULL;
  }
}

const char *rp_change_value_name(rp_change_field field, int v) {
  switch (field) {
  case RP_CHANGE_STATUS: return rp_status_name((rp_status)v);
  case RP_CHANGE_STAGE: return rp_stage_name((rp_stage)v);
  case RP_CHANGE_CATEGORY: return rp_category_name((rp_category)v);
  case RP_CHANGE_TYPE: return rp_ctype_name((rp_ctype)v);
  default: return NULL;
  }
}
