#include "jobs/lifecycle.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/contact.h"
#include "jobs/scoring.h"
#include "jobs/workflows.h"
#include "util/error.h"

void rp_automation_from_settings(rp_automation *out, const char *settings_json) {
  *out = (rp_automation){true, true, true, true};
  if (!settings_json) return;
  json_t *root = json_loads(settings_json, 0, NULL);
  json_t *a = json_object_get(root, "automation");
  if (json_is_object(a)) {
    json_t *v;
    if (json_is_boolean(v = json_object_get(a, "status_rules")))
      out->status_rules = json_is_true(v);
    if (json_is_boolean(v = json_object_get(a, "stage_rules"))) out->stage_rules = json_is_true(v);
    if (json_is_boolean(v = json_object_get(a, "category_rules")))
      out->category_rules = json_is_true(v);
    if (json_is_boolean(v = json_object_get(a, "workflows"))) out->workflows = json_is_true(v);
  }
  json_decref(root);
}

int rp_lifecycle_init(rp_lifecycle *lc, rp_store *s, rp_arena *ar, const char *account_id,
                      const char *actor, rp_time now) {
  rp_account a;
  *lc = (rp_lifecycle){s, ar, account_id, actor, now, {true, true, true, true}};
  int rc = rp_store_account_get(s, ar, &a, account_id);
  if (rc) return rc;
  rp_automation_from_settings(&lc->sw, a.settings_json);
  return 0;
}

int rp_lifecycle_history(rp_lifecycle *lc, const char *contact_id, const char *field,
                         const char *from, const char *to, const char *rule) {
  rp_history h = {0};
  snprintf(h.contact_id, sizeof h.contact_id, "%s", contact_id);
  h.field = field;
  h.from = from;
  h.to = to;
  h.rule = rule;
  h.actor = lc->actor && lc->actor[0] ? lc->actor : NULL;
  h.at = lc->now;
  int rc = rp_store_history_add(lc->store, lc->account_id, &h);
  /* a change (not the first value, at creation) starts the workflows of
   * status_changed and stage_changed (API.md events; A5 past clients) */
  if (!rc && from && to && strcmp(from, to)) {
    if (!strcmp(field, "status"))
      rc = rp_workflows_event(lc, contact_id, RP_WF_EV_STATUS_CHANGED, to, NULL);
    else if (!strcmp(field, "stage"))
      rc = rp_workflows_event(lc, contact_id, RP_WF_EV_STAGE_CHANGED, to, NULL);
  }
  return rc;
}

/* The workflow side of a rule event: a reply stops the runs that stop on
 * reply; becoming party to a deal or its closing starts the workflows of
 * deal_opened and deal_closed (the role "other" does neither, as for the
 * rules). */
static int workflow_events(rp_lifecycle *lc, const char *contact_id, const rp_rule_event *e) {
  bool party = e->role_buyer || e->role_seller;
  switch (e->kind) {
  case RP_EVENT_ACTIVITY:
    if (e->direction == RP_DIR_INBOUND &&
        (e->activity_kind == RP_KIND_EMAIL || e->activity_kind == RP_KIND_SMS ||
         e->activity_kind == RP_KIND_CALL || e->activity_kind == RP_KIND_SOCIAL))
      return rp_workflows_on_reply(lc, contact_id);
    return 0;
  case RP_EVENT_DEAL_OPENED:
    return party ? rp_workflows_event(lc, contact_id, RP_WF_EV_DEAL_OPENED, NULL, NULL) : 0;
  case RP_EVENT_DEAL_CLOSED:
    return party ? rp_workflows_event(lc, contact_id, RP_WF_EV_DEAL_CLOSED, NULL, e->close_date)
                 : 0;
  default: return 0;
  }
}

/* The rules for event e on contact c (as stored, with its deal counts dc):
 * applies their changes to c (updated_at now) and returns how many there
 * are, in ch. Writes nothing. */
static size_t rules_apply(rp_lifecycle *lc, rp_contact *c, const rp_rule_event *e,
                          const rp_deal_counts *dc, rp_rule_change ch[RP_RULES_MAX_CHANGES]) {
  rp_rule_facts f = {
      .status = c->status,
      .stage = c->stage,
      .category = c->category,
      .type = c->type,
      .intent = c->intent,
      .has_timeframe = c->timeframe != NULL,
      .status_before_client = c->status_before_client,
      .open_deals = dc->open,
      .closed_deals = dc->closed,
      .dead_deals = dc->dead,
      .referral_count = c->referral_count,
  };
  size_t n = rp_rules_apply(&f, e, &lc->sw, c->last_purchase_date, c->last_sale_date, ch);
  for (size_t i = 0; i < n; i++) {
    switch (ch[i].field) {
    case RP_CHANGE_STATUS: c->status = (rp_status)ch[i].to; break;
    case RP_CHANGE_STAGE: c->stage = (rp_stage)ch[i].to; break;
    case RP_CHANGE_CATEGORY: c->category = (rp_category)ch[i].to; break;
    case RP_CHANGE_TYPE: c->type = (rp_ctype)ch[i].to; break;
    case RP_CHANGE_STATUS_BEFORE_CLIENT: c->status_before_client = (rp_status)ch[i].to; break;
    case RP_CHANGE_LAST_PURCHASE_DATE:
      c->last_purchase_date = rp_arena_strdup(lc->arena, ch[i].date);
      break;
    case RP_CHANGE_LAST_SALE_DATE:
      c->last_sale_date = rp_arena_strdup(lc->arena, ch[i].date);
      break;
    }
  }
  if (n) c->updated_at = lc->now;
  return n;
}

/* The history rows of the changes rules_apply made (M3). */
static int change_history(rp_lifecycle *lc, const char *contact_id, const rp_rule_change *ch,
                          size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *field = rp_change_field_name(ch[i].field);
    if (!field) continue; /* bookkeeping and dates: no history row */
    int rc =
        rp_lifecycle_history(lc, contact_id, field, rp_change_value_name(ch[i].field, ch[i].from),
                             rp_change_value_name(ch[i].field, ch[i].to), ch[i].rule);
    if (rc) return rc;
  }
  return 0;
}

int rp_lifecycle_event(rp_lifecycle *lc, const char *contact_id, const rp_rule_event *e) {
  rp_contact c;
  rp_deal_counts dc;
  rp_rule_change ch[RP_RULES_MAX_CHANGES];
  int rc = rp_store_contact_get(lc->store, lc->arena, &c, lc->account_id, contact_id);
  if (rc) return rc;
  /* A deal of the contact that closed, reopened or died changes its
   * referrer's revenue (SCORING.md lifetime_value: 25 % of that of the
   * contacts it referred): the referrer is rescored too. The account's
   * revenue, which every share divides by, moves as well; the other
   * contacts follow at the daily job. */
  if (!lc->defer_score && c.referred_by && c.referred_by[0] &&
      (e->kind == RP_EVENT_DEAL_CLOSED || e->kind == RP_EVENT_DEAL_DEAD ||
       e->kind == RP_EVENT_DEAL_OPENED)) {
    rc = rp_lifecycle_refresh(lc, c.referred_by, NULL);
    if (rc && rc != RP_ENOTFOUND) return rc;
  }
  if (c.archived_at) return 0; /* an archived contact stays as it was left */
  if ((rc = workflow_events(lc, contact_id, e))) return rc;
  /* An activity moves suspects and prospects (L2, L3), which no deal count
   * decides: skip the query then. */
  dc = (rp_deal_counts){0, 0, 0};
  if (e->kind != RP_EVENT_ACTIVITY &&
      (rc = rp_store_contact_deal_counts(lc->store, lc->account_id, contact_id, &dc)))
    return rc;
  size_t n = rules_apply(lc, &c, e, &dc, ch);
  if (n == 0) return 0;
  if ((rc = rp_store_contact_set_lifecycle(lc->store, &c))) return rc;
  return change_history(lc, contact_id, ch, n);
}

/* The history rows of the creation of contact `id` (M3): the status and
 * stage the rules or the caller set, the category and type the caller
 * gave, as c holds them before the events' rules. */
static int creation_history(rp_lifecycle *lc, const char *id, const rp_contact *c, unsigned given,
                            bool status_by_rule, bool stage_by_rule, const char *status_rule,
                            const char *stage_rule) {
  int rc = 0;
  if (((given & RP_FIELD_STATUS) || status_by_rule) &&
      (rc = rp_lifecycle_history(lc, id, "status", NULL, rp_status_name(c->status),
                                 status_rule ? status_rule : "manual")))
    return rc;
  if (((given & RP_FIELD_STAGE) || stage_by_rule) &&
      (rc = rp_lifecycle_history(lc, id, "stage", NULL, rp_stage_name(c->stage),
                                 stage_rule ? stage_rule : "manual")))
    return rc;
  if ((given & RP_FIELD_CATEGORY) &&
      (rc =
           rp_lifecycle_history(lc, id, "category", NULL, rp_category_name(c->category), "manual")))
    return rc;
  if ((given & RP_FIELD_TYPE) &&
      (rc = rp_lifecycle_history(lc, id, "type", NULL, rp_ctype_name(c->type), "manual")))
    return rc;
  return 0;
}

int rp_lifecycle_create_contact(rp_lifecycle *lc, rp_contact *c, unsigned given, rp_contact *out) {
  bool status_by_rule = !(given & RP_FIELD_STATUS) && lc->sw.status_rules;
  bool stage_by_rule = !(given & RP_FIELD_STAGE) && lc->sw.stage_rules;
  const char *status_rule = rp_contact_apply_create_rules(c, !status_by_rule, !stage_by_rule);
  const char *stage_rule = "manual";
  if (stage_by_rule) rp_contact_stage_for_status(c->status, RP_STAGE_NONE, &stage_rule);
  c->created_at = c->updated_at = lc->now;
  c->display_name = rp_contact_display_name(lc->arena, c);
  /* L3 on needs and a timeframe given at creation; L2 on a buyer or seller
   * tag (a status given wins over both, L1) */
  unsigned given_status = given & RP_FIELD_STATUS;
  rp_rule_event created = {.kind = RP_EVENT_CREATED, .fields = given_status};
  rp_rule_event tagged = {.kind = RP_EVENT_FIELD_CHANGED,
                          .fields = RP_FIELD_TAGS | given_status,
                          .tagged_buyer_seller =
                              rp_contact_has_tag(c, "buyer") || rp_contact_has_tag(c, "seller")};
  int rc;
  if (lc->settle_new && !lc->sw.workflows && !lc->defer_score && !out) {
    /* The same outcome with the contact kept in memory: a contact being
     * created has no deal, activity, task or referral, so the events'
     * rules and its score need nothing from the store, and the row is
     * written once, settled. Each event that changes something counts a
     * version as rp_store_contact_set_lifecycle would. */
    rp_rule_change ch[2][RP_RULES_MAX_CHANGES];
    size_t n[2] = {0, 0};
    rp_deal_counts none = {0, 0, 0};
    rp_score_result res;
    rp_contact at_creation = *c;
    c->version = 1;
    c->referral_count = 0;
    if (!c->archived_at) { /* as rp_lifecycle_event: an archived contact stays */
      if ((n[0] = rules_apply(lc, c, &created, &none, ch[0]))) c->version++;
      if (tagged.tagged_buyer_seller && (n[1] = rules_apply(lc, c, &tagged, &none, ch[1])))
        c->version++;
    }
    if ((rc = rp_scoring_new_contact(&res, c, lc->now))) return rc;
    c->score = res.score;
    c->last_touch_at = 0;
    if ((rc = rp_store_contact_create_settled(lc->store, c, rp_contact_overdue_at(c, 0))) ||
        (rc = creation_history(lc, c->id, &at_creation, given, status_by_rule, stage_by_rule,
                               status_rule, stage_rule)) ||
        (rc = change_history(lc, c->id, ch[0], n[0])) ||
        (rc = change_history(lc, c->id, ch[1], n[1])))
      return rc;
    return rp_lifecycle_referral(lc, c->referred_by); /* no workflow: switched off */
  }
  if ((rc = rp_store_contact_create(lc->store, c)) ||
      (rc = creation_history(lc, c->id, c, given, status_by_rule, stage_by_rule, status_rule,
                             stage_rule)))
    return rc;
  if ((rc = rp_lifecycle_event(lc, c->id, &created)) ||
      (tagged.tagged_buyer_seller && (rc = rp_lifecycle_event(lc, c->id, &tagged))) ||
      (rc = rp_lifecycle_referral(lc, c->referred_by)) ||
      (rc = rp_lifecycle_refresh(lc, c->id, out)) ||
      (rc = rp_workflows_event(lc, c->id, RP_WF_EV_CONTACT_CREATED, NULL, NULL)))
    return rc;
  for (size_t i = 0; i < c->n_tags; i++)
    if ((rc = rp_workflows_event(lc, c->id, RP_WF_EV_TAG_ADDED, c->tags[i], NULL))) return rc;
  return 0;
}

int rp_lifecycle_record_activity(rp_lifecycle *lc, rp_activity *a) {
  if (!a->created_at) a->created_at = a->updated_at = lc->now;
  int rc = rp_store_activity_create(lc->store, a, rp_activity_is_two_way(a));
  if (rc) return rc;
  if (a->occurred_at <= lc->now) {
    rp_rule_event e = {
        .kind = RP_EVENT_ACTIVITY, .activity_kind = a->kind, .direction = a->direction};
    if ((rc = rp_lifecycle_event(lc, a->contact_id, &e))) return rc;
  }
  return rp_lifecycle_refresh(lc, a->contact_id, NULL);
}

/* rp_lifecycle_referral: see lifecycle.h (DOMAIN.md C1-C3, S6). The
 * referrer's referral count is a score fact too (SCORING.md factor 6), so
 * it is rescored here unless the job defers scores. */
int rp_lifecycle_referral(rp_lifecycle *lc, const char *referrer_id) {
  if (!referrer_id || !referrer_id[0]) return 0;
  rp_rule_event e = {.kind = RP_EVENT_REFERRAL};
  int rc = rp_lifecycle_event(lc, referrer_id, &e);
  if (!rc && !lc->defer_score) rc = rp_lifecycle_refresh(lc, referrer_id, NULL);
  return rc == RP_ENOTFOUND ? 0 : rc; /* a referrer purged meanwhile */
}

/* rp_lifecycle_refresh: see lifecycle.h (SCORING.md last_touch and "the
 * score kept on each contact is recomputed in the same transaction as
 * every write that touches the contact"; DOMAIN.md A2 "cleared by a
 * two-way interaction", A4). One read of the contact, the score's facts
 * (jobs/scoring.c) and one write of the derived fields. */
int rp_lifecycle_refresh(rp_lifecycle *lc, const char *contact_id, rp_contact *out) {
  rp_contact c;
  rp_time last_touch = 0;
  double score;
  int rc = rp_store_contact_get(lc->store, lc->arena, &c, lc->account_id, contact_id);
  if (rc) return rc;
  score = c.score;
  if (lc->defer_score) {
    rc = rp_store_activity_last_two_way(lc->store, lc->account_id, c.id, lc->now, &last_touch);
    if (rc) return rc;
  } else {
    /* The score finds the latest two-way interaction at or before now on
     * its way (the same definition as the store's two_way column). */
    rp_score_result res;
    if ((rc = rp_scoring_contact(&res, lc->store, lc->arena, &c, lc->now, false))) return rc;
    score = res.score;
    last_touch = res.touched ? res.last_touch : 0;
  }
  if (last_touch > c.last_touch_at) {
    unsigned mask =
        1u << RP_ALERT_TREND_RISING | 1u << RP_ALERT_TREND_FALLING | 1u << RP_ALERT_OVERDUE;
    if ((rc = rp_store_alert_clear(lc->store, lc->account_id, c.id, mask, lc->now))) return rc;
  }
  rp_time due = rp_contact_overdue_at(&c, last_touch);
  rc = rp_store_contact_set_derived(lc->store, lc->account_id, c.id, last_touch, due, score);
  if (rc) return rc;
  c.last_touch_at = last_touch;
  c.score = score;
  c.overdue = due != 0 && due <= lc->now;
  if (out) *out = c;
  return 0;
}
