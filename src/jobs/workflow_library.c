/* workflow_library.c: the built-in workflows every account is given
 * (issue 6: speed to lead, buyer lead, seller lead, listing process,
 * closing process, post-closing, trend alert reach-out, press for
 * agreement; DOMAIN.md A1, A2, A3, A5). They are ordinary workflows once
 * seeded: the account edits, disables or deletes them; one deleted is not
 * seeded again (workflow_library table). Each is validated by the same
 * parser as a workflow saved through the API. */
#include "jobs/workflow_library.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/workflow_json.h"
#include "util/error.h"
#include "util/uuid.h"

/* The post-closing plan (A5): a thank-you the day after, then for seven
 * years a touch each quarter after the closing, an e-mail on the closing
 * anniversary and a text on the birthday. */
static json_t *post_closing_steps(void) {
  json_t *steps = json_array();
  json_array_append_new(
      steps, json_pack("{s:s, s:s, s:{s:s, s:s}}", "after", "P1D", "action", "send_email", "params",
                       "subject", "Thank you, {{first_name|friend}}!", "body",
                       "Hi {{first_name|there}},\n\nIt was a pleasure helping you. If you ever "
                       "need anything for the house, a recommendation or a question answered, "
                       "just reply to this e-mail.\n\n{{agent.name}}\n{{agent.phone}}\n\n"
                       "Unsubscribe: {{unsubscribe_url}}"));
  for (int y = 1; y <= 7; y++) {
    for (int q = 1; q <= 3; q++) {
      char off[16];
      snprintf(off, sizeof off, "P%dM", (y - 1) * 12 + q * 3);
      json_array_append_new(steps,
                            json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "relative_to", "close_date",
                                      "offset", off, "action", "create_task", "params", "title",
                                      "Quarterly check-in with {{display_name}} (past client)",
                                      "kind", "call"));
    }
    char off[16];
    snprintf(off, sizeof off, "P%dY", y);
    json_array_append_new(
        steps,
        json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "relative_to", "close_date", "offset", off,
                  "action", "send_email", "params", "subject",
                  "Happy home anniversary, {{first_name|friend}}!", "body",
                  "Hi {{first_name|there}},\n\nAnother year in your home! If you are curious "
                  "what it is worth today, I am happy to put together a free market update.\n\n"
                  "{{agent.name}}\n{{agent.phone}}\n\nUnsubscribe: {{unsubscribe_url}}"));
    json_array_append_new(steps,
                          json_pack("{s:s, s:s, s:i, s:s, s:s, s:{s:s}}", "relative_to", "birthday",
                                    "offset", "P0D", "occurrence", y, "at", "10:00", "action",
                                    "send_sms", "params", "body",
                                    "Happy birthday, {{first_name|friend}}! Wishing you a great "
                                    "year. {{agent.name}}"));
  }
  return steps;
}

static json_t *library(const char *key) {
  if (!strcmp(key, "speed_to_lead"))
    return json_pack(
        "{s:s, s:b, s:{s:s}, s:[{s:s, s:b, s:s, s:{s:s}}, {s:s, s:s, s:{s:s, s:s, s:s}}]}", "name",
        "Speed to lead", "stop_on_reply", 0, "trigger", "event", "lead_captured", "steps", "after",
        "PT0S", "any_time", 1, "action", "send_sms", "params", "body",
        "Hi {{first_name|there}}, this is {{agent.name}}. Thanks for reaching out! I'll call you "
        "in the next few minutes.",
        "after", "PT0S", "action", "create_task", "params", "title",
        "Call {{display_name}}: new lead", "kind", "call", "due_in", "PT5M");
  if (!strcmp(key, "buyer_lead"))
    return json_pack(
        "{s:s, s:b, s:{s:s, s:{s:s, s:[s,s]}}, s:[{s:s, s:s, s:{s:s, s:s}}, {s:s, s:s, "
        "s:{s:s, s:s}}, {s:s, s:s, s:{s:s}}, {s:s, s:s, s:{s:s, s:s}}]}",
        "name", "Buyer lead", "stop_on_reply", 1, "trigger", "event", "status_changed", "filter",
        "to", "lead", "intent", "buy", "buy_sell", "steps",
        /* 1 */ "after", "PT1H", "action", "send_email", "params", "subject",
        "Your home search, {{first_name|friend}}", "body",
        "Hi {{first_name|there}},\n\nThanks for telling me what you are looking for. I will "
        "send you homes that fit as soon as they come on the market, and I can set up showings "
        "whenever you like.\n\n{{agent.name}}\n{{agent.phone}}\n\nUnsubscribe: "
        "{{unsubscribe_url}}",
        /* 2 */ "after", "P2D", "action", "create_task", "params", "title",
        "Call {{display_name}} about their home search", "kind", "call",
        /* 3 */ "after", "P5D", "action", "send_sms", "params", "body",
        "Hi {{first_name|there}}, {{agent.name}} here. Any homes you'd like to see this "
        "weekend?",
        /* 4 */ "after", "P7D", "action", "create_task", "params", "title",
        "Offer {{display_name}} a buyer consultation", "kind", "call");
  if (!strcmp(key, "seller_lead"))
    return json_pack(
        "{s:s, s:b, s:{s:s, s:{s:s, s:[s,s]}}, s:[{s:s, s:s, s:{s:s, s:s}}, {s:s, s:s, "
        "s:{s:s, s:s}}, {s:s, s:s, s:{s:s, s:s}}]}",
        "name", "Seller lead", "stop_on_reply", 1, "trigger", "event", "status_changed", "filter",
        "to", "lead", "intent", "sell", "buy_sell", "steps",
        /* 1 */ "after", "PT1H", "action", "send_email", "params", "subject",
        "What your home could sell for", "body",
        "Hi {{first_name|there}},\n\nI'm preparing a market analysis of your home with the "
        "recent sales around you. I'll walk you through it whenever it suits you.\n\n"
        "{{agent.name}}\n{{agent.phone}}\n\nUnsubscribe: {{unsubscribe_url}}",
        /* 2 */ "after", "PT0S", "action", "create_task", "params", "title",
        "Prepare a market analysis (CMA) for {{display_name}}", "kind", "todo",
        /* 3 */ "after", "P3D", "action", "create_task", "params", "title",
        "Call {{display_name}} to set a listing appointment", "kind", "call");
  if (!strcmp(key, "listing_process"))
    return json_pack(
        "{s:s, s:{s:s, s:{s:[s,s]}}, s:[{s:s, s:s, s:{s:s, s:s}}, {s:s, s:s, s:{s:s, s:s}}, "
        "{s:s, s:s, s:{s:s, s:s}}, {s:s, s:s, s:{s:s, s:s}}]}",
        "name", "Listing process", "trigger", "event", "deal_opened", "filter", "intent", "sell",
        "buy_sell", "steps",
        /* 1 */ "after", "PT0S", "action", "create_task", "params", "title",
        "Order photos and floor plan for {{display_name}}'s listing", "kind", "todo",
        /* 2 */ "after", "PT0S", "action", "create_task", "params", "title",
        "Put up the sign and lockbox ({{display_name}})", "kind", "todo",
        /* 3 */ "after", "P2D", "action", "send_email", "params", "subject", "Your listing is live",
        "body",
        "Hi {{first_name|there}},\n\nYour home is on the market. I'll send you feedback after "
        "every showing.\n\n{{agent.name}}\n{{agent.phone}}\n\nUnsubscribe: {{unsubscribe_url}}",
        /* 4 */ "after", "P7D", "action", "create_task", "params", "title",
        "Weekly showing feedback call with {{display_name}}", "kind", "call");
  if (!strcmp(key, "closing_process"))
    return json_pack(
        "{s:s, s:{s:s, s:{s:[s,s]}}, s:[{s:s, s:s, s:{s:s, s:s}}, {s:s, s:s, s:{s:s, s:s}}, "
        "{s:s, s:s, s:{s:s, s:s}}, {s:s, s:s, s:{s:s, s:s}}]}",
        "name", "Closing process", "trigger", "event", "deal_opened", "filter", "intent", "buy",
        "buy_sell", "steps",
        /* 1 */ "after", "PT0S", "action", "create_task", "params", "title",
        "Schedule the inspection for {{display_name}}", "kind", "todo",
        /* 2 */ "after", "P3D", "action", "create_task", "params", "title",
        "Confirm the appraisal and loan status ({{display_name}})", "kind", "call",
        /* 3 */ "after", "P14D", "action", "create_task", "params", "title",
        "Check the title and closing documents ({{display_name}})", "kind", "todo",
        /* 4 */ "after", "P21D", "action", "create_task", "params", "title",
        "Book the final walk-through with {{display_name}}", "kind", "call");
  if (!strcmp(key, "post_closing"))
    return json_pack("{s:s, s:b, s:{s:s, s:{s:s}}, s:o}", "name", "Post-closing", "stop_on_reply",
                     0, "trigger", "event", "status_changed", "filter", "to", "past_client",
                     "steps", post_closing_steps());
  if (!strcmp(key, "trend_alert"))
    return json_pack("{s:s, s:{s:s}, s:[{s:s, s:s, s:{s:s, s:s, s:s}}]}", "name",
                     "Trend alert reach-out", "trigger", "event", "trend_alert", "steps", "after",
                     "PT0S", "action", "create_task", "params", "title",
                     "Reach out to {{display_name}}: the relationship is moving", "kind", "call",
                     "due_in", "P1D");
  if (!strcmp(key, "press_for_agreement"))
    return json_pack("{s:s, s:{s:s}, s:[{s:s, s:s, s:{s:s, s:s, s:s}}]}", "name",
                     "Press for agreement", "trigger", "event", "press_alert", "steps", "after",
                     "PT0S", "action", "create_task", "params", "title",
                     "Ask {{display_name}} to sign an agreement", "kind", "call", "due_in", "P1D");
  return NULL;
}

static const char *const keys[] = {"speed_to_lead",   "buyer_lead",         "seller_lead",
                                   "listing_process", "closing_process",    "post_closing",
                                   "trend_alert",     "press_for_agreement"};

const char *const *rp_workflow_library_keys(size_t *n) {
  *n = sizeof keys / sizeof keys[0];
  return keys;
}

int rp_workflow_library_body(json_t **out, const char *key) {
  *out = library(key);
  if (!*out) return rp_error_set(RP_ENOTFOUND, NULL, "no library workflow %s", key);
  rp_workflow_body b;
  int rc = rp_workflow_body_parse(&b, *out);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

int rp_workflow_library_seed(rp_store *s, const char *account_id, rp_time now, int *seeded) {
  int rc = 0;
  if (seeded) *seeded = 0;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !rc; i++) {
    bool done;
    if ((rc = rp_store_library_seeded(s, account_id, keys[i], &done)) || done) continue;
    json_t *body;
    if ((rc = rp_workflow_library_body(&body, keys[i]))) break;
    rp_workflow_body b;
    rc = rp_workflow_body_parse(&b, body);
    char *trigger = json_dumps(b.trigger, JSON_COMPACT | JSON_SORT_KEYS);
    char *steps = json_dumps(b.steps, JSON_COMPACT | JSON_PRESERVE_ORDER);
    rp_workflow_row w = {0};
    snprintf(w.account_id, sizeof w.account_id, "%s", account_id);
    rp_uuid_v7(w.id);
    w.name = b.name;
    w.enabled = b.enabled;
    w.stop_on_reply = b.stop_on_reply;
    w.trigger_event = rp_wf_event_name(b.def.event);
    w.trigger_json = trigger;
    w.steps_json = steps;
    w.builtin = keys[i];
    w.created_at = w.updated_at = now;
    if (!rc) rc = rp_store_workflow_create(s, &w);
    if (!rc) rc = rp_store_library_mark(s, account_id, keys[i], now);
    if (!rc && seeded) (*seeded)++;
    free(trigger);
    free(steps);
    json_decref(body);
  }
  return rc;
}
