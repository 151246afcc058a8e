/* messages.c: see messages.h. */
#include "jobs/messages.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/template.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/uuid.h"

/* Copies an id into a fixed buffer. */
static void id_copy(char out[static RP_ID_LEN], const char *id) {
  snprintf(out, RP_ID_LEN, "%s", id ? id : "");
}

static char public_url[512] = "http://localhost:8080";

void rp_messages_set_public_url(const char *url) {
  if (!url || !*url) return;
  size_t n = strlen(url);
  while (n && url[n - 1] == '/')
    n--;
  if (n >= sizeof public_url) n = sizeof public_url - 1;
  memcpy(public_url, url, n);
  public_url[n] = '\0';
}

const char *rp_messages_public_url(void) { return public_url; }

typedef struct vars {
  const rp_contact *c;
  const rp_user *u;
  const char *account_name;
  const char *unsubscribe_url;
  char num[32];
} vars;

/* The template lookup (core/template.h): the variables rp_template_var_known
 * accepts. */
static const char *lookup(const char *name, size_t len, void *ctx) {
  vars *v = ctx;
  const rp_contact *c = v->c;
  (void)len;
  if (!strncmp(name, "agent.", 6)) {
    const rp_user *u = v->u;
    const char *k = name + 6;
    if (!u || !u->id[0]) return NULL;
    if (!strcmp(k, "name")) return u->name;
    if (!strcmp(k, "first_name")) {
      if (!u->name) return NULL;
      size_t n = strcspn(u->name, " ");
      if (n >= sizeof v->num) n = sizeof v->num - 1;
      memcpy(v->num, u->name, n);
      v->num[n] = '\0';
      return v->num;
    }
    if (!strcmp(k, "phone")) return u->phone;
    if (!strcmp(k, "email")) return u->email;
    return NULL;
  }
  if (!strcmp(name, "account.name")) return v->account_name;
  if (!strcmp(name, "unsubscribe_url")) return v->unsubscribe_url;
  if (!strncmp(name, "address.", 8)) {
    const char *k = name + 8;
    if (!c->has_address) return NULL;
    if (!strcmp(k, "street")) return c->address.street;
    if (!strcmp(k, "city")) return c->address.city;
    if (!strcmp(k, "region")) return c->address.region;
    if (!strcmp(k, "postal_code")) return c->address.postal_code;
    if (!strcmp(k, "country")) return c->address.country;
    return NULL;
  }
  static const struct {
    const char *name;
    size_t off;
  } strs[] = {
      {"first_name", offsetof(rp_contact, first_name)},
      {"last_name", offsetof(rp_contact, last_name)},
      {"display_name", offsetof(rp_contact, display_name)},
      {"company", offsetof(rp_contact, company)},
      {"website", offsetof(rp_contact, website)},
      {"birthday", offsetof(rp_contact, birthday)},
      {"anniversary", offsetof(rp_contact, anniversary)},
      {"partner", offsetof(rp_contact, partner)},
      {"children", offsetof(rp_contact, children)},
      {"pets", offsetof(rp_contact, pets)},
      {"interests", offsetof(rp_contact, interests)},
      {"timeframe", offsetof(rp_contact, timeframe)},
      {"source", offsetof(rp_contact, source)},
      {"known_since", offsetof(rp_contact, known_since)},
      {"last_purchase_date", offsetof(rp_contact, last_purchase_date)},
      {"last_sale_date", offsetof(rp_contact, last_sale_date)},
  };
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    if (!strcmp(name, strs[i].name)) return *(const char *const *)((const char *)c + strs[i].off);
  if (!strcmp(name, "email")) return c->n_emails ? c->emails[0].address : NULL;
  if (!strcmp(name, "phone")) return c->n_phones ? c->phones[0].number : NULL;
  if (!strcmp(name, "status")) return rp_status_name(c->status);
  if (!strcmp(name, "stage")) return rp_stage_name(c->stage);
  if (!strcmp(name, "category")) return rp_category_name(c->category);
  if (!strcmp(name, "type")) return rp_ctype_name(c->type);
  if (!strcmp(name, "intent")) return rp_intent_name(c->intent);
  if (!strcmp(name, "budget")) {
    if (!c->has_budget) return NULL;
    snprintf(v->num, sizeof v->num, "%.0f", c->budget);
    return v->num;
  }
  return NULL;
}

static int render(char **out, rp_arena *ar, const char *tpl, vars *v) {
  *out = NULL;
  if (!tpl) return 0;
  rp_sb sb = {0};
  int rc = rp_template_render(&sb, tpl, strlen(tpl), lookup, v);
  if (!rc) *out = rp_arena_strdup(ar, rp_sb_str(&sb));
  rp_sb_free(&sb);
  return rc;
}

int rp_messages_render(char **out, rp_lifecycle *lc, const rp_contact *c, const rp_user *u,
                       const char *tpl) {
  rp_account acct;
  int rc = rp_store_account_get(lc->store, lc->arena, &acct, lc->account_id);
  if (rc) return rc;
  vars v = {.c = c, .u = u, .account_name = acct.name, .unsubscribe_url = NULL};
  return render(out, lc->arena, tpl, &v);
}

int rp_messages_agent(rp_user *out, rp_lifecycle *lc, const rp_contact *c,
                      const char *fallback_id) {
  memset(out, 0, sizeof *out);
  const char *ids[2] = {c ? c->owner_id : NULL, fallback_id};
  for (int i = 0; i < 2; i++) {
    if (!ids[i] || !ids[i][0]) continue;
    int rc = rp_store_user_get(lc->store, lc->arena, out, lc->account_id, ids[i]);
    if (!rc && !out->disabled_at) return 0;
    if (rc && rc != RP_ENOTFOUND) return rc;
    memset(out, 0, sizeof *out);
  }
  rp_user *users;
  size_t n;
  int rc = rp_store_user_list(lc->store, lc->arena, lc->account_id, &users, &n);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++)
    if (!users[i].disabled_at &&
        (users[i].role == RP_ROLE_OWNER || users[i].role == RP_ROLE_ADMIN)) {
      *out = users[i];
      return 0;
    }
  return 0;
}

int rp_messages_compose(rp_message *out, rp_lifecycle *lc, const rp_contact *c, const rp_user *u,
                        const rp_compose *m) {
  bool sms = !strcmp(m->channel, "sms");
  rp_account acct;
  int rc = rp_store_account_get(lc->store, lc->arena, &acct, lc->account_id);
  if (rc) return rc;
  memset(out, 0, sizeof *out);
  id_copy(out->account_id, lc->account_id);
  rp_uuid_v7(out->id);
  if (c && !m->to_agent) id_copy(out->contact_id, c->id);
  if (u && u->id[0]) id_copy(out->user_id, u->id);
  if (m->run_id) id_copy(out->workflow_run_id, m->run_id);
  if (lc->actor && lc->actor[0]) id_copy(out->created_by, lc->actor);
  out->step = m->step;
  out->channel = sms ? "sms" : "email";
  out->created_at = lc->now;
  char unsub[700];
  snprintf(unsub, sizeof unsub, "%s/unsubscribe/%s", public_url, out->id);
  vars v = {.c = c, .u = u, .account_name = acct.name, .unsubscribe_url = unsub};
  char *subject = NULL, *body = NULL;
  if (!sms && (rc = render(&subject, lc->arena, m->subject_tpl, &v))) return rc;
  if ((rc = render(&body, lc->arena, m->body_tpl, &v))) return rc;
  out->subject = subject;
  out->body = body ? body : "";

  /* the recipient, or why there is none */
  const char *to = NULL, *why = NULL;
  if (m->to_agent) {
    to = !u || !u->id[0] ? NULL : sms ? u->phone : u->email;
    if (!to) why = sms ? "the agent has no phone" : "no agent to notify";
  } else if (sms) {
    if (c->sms_opt_out)
      why = "the contact opted out of SMS";
    else if (c->n_phones)
      to = c->phones[0].number;
    else
      why = "the contact has no phone";
  } else {
    if (c->email_opt_out)
      why = "the contact opted out of email";
    else if (c->n_emails)
      to = c->emails[0].address;
    else
      why = "the contact has no email";
  }
  out->to_addr = to ? to : "";
  if (why) {
    out->status = "suppressed";
    out->reason = why;
  } else {
    out->status = "queued";
    out->next_attempt_at = lc->now;
  }
  return rp_store_message_create(lc->store, out);
}
