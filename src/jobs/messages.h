/* messages.h: composing an outgoing message for a contact (API.md
 * "Workflows, messages, channels"): the template variables, the
 * recipient, suppression, and the outbox row, written in the caller's
 * transaction (the step or request that makes it). The sender
 * (channels/outbox.c) delivers it later. */
#ifndef RP_MESSAGES_H
#define RP_MESSAGES_H

#include "jobs/lifecycle.h"
#include "store/store.h"

/* The base of links in messages (the unsubscribe link): the server's
 * public URL, set by `rapport serve` (--public-url or RAPPORT_PUBLIC_URL);
 * "http://localhost:8080" until set. */
void rp_messages_set_public_url(const char *url);
const char *rp_messages_public_url(void);

/* What to send: templates are rendered against the contact, the agent and
 * the account ({{first_name}}, {{agent.name}}, {{unsubscribe_url}}, ...). */
typedef struct rp_compose {
  const char *channel; /* "sms" | "email" */
  const char *subject_tpl, *body_tpl;
  const char *run_id; /* the workflow run, or NULL */
  int step;           /* its step, or -1 */
  /* notify: to the agent (user) instead of the contact */
  bool to_agent;
} rp_compose;

/* Renders and queues one message to contact c (its first phone or email)
 * for agent u (may be NULL: the agent variables are empty), in lc's
 * transaction. An opted-out contact (sms_opt_out, email_opt_out) or one
 * without a phone or email gets a row with status "suppressed" and the
 * reason, nothing to send. out gets the row (strings in lc's arena). */
int rp_messages_compose(rp_message *out, rp_lifecycle *lc, const rp_contact *c, const rp_user *u,
                        const rp_compose *m);

/* Renders template tpl for contact c and agent u (a task's title) with the
 * variables of a message; the unsubscribe link is empty. *out in lc's
 * arena. */
int rp_messages_render(char **out, rp_lifecycle *lc, const rp_contact *c, const rp_user *u,
                       const char *tpl);

/* The agent a contact's messages are sent for: its owner, else the user
 * given (the one who enrolled it), else the account's oldest owner or
 * admin. *out zeroed (id "") when the account has none. */
int rp_messages_agent(rp_user *out, rp_lifecycle *lc, const rp_contact *c, const char *fallback_id);

#endif
