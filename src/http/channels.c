/* channels.c: the channel settings (API.md "GET|PUT
 * /api/v1/settings/channels", owner or admin) and the public unsubscribe
 * link of the emails the outbox sends (GET and RFC 8058 one-click POST
 * /unsubscribe/{message_id}). The object and its validation live in
 * channels_json.c; the sender in channels/outbox.c. */
#include <stdio.h>
#include <string.h>

#include "http/channels_json.h"
#include "http/handlers.h"
#include "jobs/messages.h"
#include "util/error.h"
#include "util/log.h"
#include "util/uuid.h"

/* The full address of the account's inbound SMS hook (API.md
 * POST /api/v1/hooks/sms/{account_key}), in r's arena. */
static int webhook_url(rp_req *r, const char **out) {
  char *key = NULL;
  int rc = rp_store_account_hook_key(r->store, &r->arena, r->auth.account_id, &key);
  if (rc) return rc;
  *out = key ? rp_arena_printf(&r->arena, "%s/api/v1/hooks/sms/%s", rp_messages_public_url(), key)
             : NULL;
  return 0;
}

/* GET /api/v1/settings/channels (owner or admin): the settings without
 * their secrets (password_set, auth_token_set) and sms.webhook_url. */
int rp_h_channels_get(rp_req *r) {
  rp_channels c;
  const char *hook = NULL;
  int rc = rp_store_channels_get(r->store, &r->arena, r->auth.account_id, &c);
  if (rc || (rc = webhook_url(r, &hook))) return rc;
  rp_resp_json(r, 200, rp_channels_to_json(&c, hook));
  return 0;
}

/* PUT /api/v1/settings/channels (owner or admin): merges the body into the
 * stored settings (channels_json.h: a section absent is kept, a field
 * absent is kept, so a PUT without a secret keeps it) and answers as GET. */
int rp_h_channels_put(rp_req *r) {
  json_t *body = NULL;
  rp_channels cur, next;
  const char *hook = NULL;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_store_channels_get(r->store, &r->arena, r->auth.account_id, &cur)) ||
      (rc = rp_channels_apply(&next, &cur, body, &r->arena)))
    goto cleanup;
  next.updated_at = r->now;
  if ((rc = rp_store_channels_put(r->store, &next)) || (rc = webhook_url(r, &hook))) goto cleanup;
  rp_resp_json(r, 200, rp_channels_to_json(&next, hook));
cleanup:
  json_decref(body);
  return rc;
}

/* ---- unsubscribe ---- */

/* Appends s with the HTML special characters escaped. */
static void html_text(rp_sb *out, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': rp_sb_puts(out, "&amp;"); break;
    case '<': rp_sb_puts(out, "&lt;"); break;
    case '>': rp_sb_puts(out, "&gt;"); break;
    case '"': rp_sb_puts(out, "&quot;"); break;
    case '\'': rp_sb_puts(out, "&#39;"); break;
    default: rp_sb_putc(out, *s);
    }
  }
}

/* A small self-contained page: status, a title and one sentence (whose
 * `name`, when given, is escaped into it at the %s). */
static void page(rp_req *r, int status, const char *title, const char *before, const char *name,
                 const char *after) {
  r->status = status;
  r->content_type = "text/html; charset=utf-8";
  rp_sb_reset(&r->out);
  rp_sb_puts(&r->out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<meta name=\"robots\" content=\"noindex\"><title>");
  html_text(&r->out, title);
  rp_sb_puts(&r->out, "</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;"
                      "margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}</style>"
                      "</head><body><h1>");
  html_text(&r->out, title);
  rp_sb_puts(&r->out, "</h1><p>");
  html_text(&r->out, before);
  if (name) {
    rp_sb_puts(&r->out, "<strong>");
    html_text(&r->out, name);
    rp_sb_puts(&r->out, "</strong>");
  }
  html_text(&r->out, after);
  rp_sb_puts(&r->out, "</p></body></html>\n");
  /* the address is the token: keep it out of caches and Referer headers */
  rp_resp_header(r, "Cache-Control", "no-store");
  rp_resp_header(r, "Referrer-Policy", "no-referrer");
  rp_resp_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
}

static void not_found_page(rp_req *r) {
  page(r, 404, "Link not found",
       "This unsubscribe link is not valid: it may have been mistyped or cut short.", NULL, "");
}

/* Finds the message and opts its contact out of the message's channel,
 * in one write transaction of its own (the route has none: a GET opens a
 * read one, which SQLite could not always turn into a write). write false
 * (HEAD, which link checkers send) only looks. */
static int unsubscribe(rp_req *r, bool write, rp_message *m, rp_account *acct, bool *found) {
  rp_contact c;
  *found = false;
  int rc = rp_store_begin(r->store, write);
  if (rc) return rc;
  rc = rp_store_message_find(r->store, &r->arena, r->params[0], m);
  if (rc == RP_ENOTFOUND || (!rc && !m->contact_id[0])) goto none;
  if (rc) goto fail;
  rc = rp_store_contact_get(r->store, &r->arena, &c, m->account_id, m->contact_id);
  if (rc == RP_ENOTFOUND) goto none;
  if (rc || (rc = rp_store_account_get(r->store, &r->arena, acct, m->account_id))) goto fail;
  bool sms = !strcmp(m->channel, "sms");
  bool *flag = sms ? &c.sms_opt_out : &c.email_opt_out;
  if (write && !*flag) {
    *flag = true;
    c.updated_at = r->now;
    if ((rc = rp_store_contact_update(r->store, &c))) goto fail;
    rp_log_info("unsubscribe: contact %s opted out of %s (message %s)", c.id, m->channel, m->id);
  }
  if ((rc = rp_store_commit(r->store))) goto fail;
  *found = true;
  return 0;
none:
  rp_store_rollback(r->store);
  return 0;
fail:
  rp_store_rollback(r->store);
  return rc;
}

/* GET, HEAD and POST /unsubscribe/{message_id} (public; API.md messages,
 * RFC 8058 one-click for the List-Unsubscribe-Post of our emails): the
 * message id is the unguessable token. Sets the contact's email_opt_out
 * (sms_opt_out for a text message's link) and answers a small HTML page,
 * 200 (again 200 when already unsubscribed), 404 for an unknown id. Later
 * messages to the contact on that channel are suppressed. */
int rp_h_unsubscribe(rp_req *r) {
  rp_message m;
  rp_account acct;
  bool found = false;
  const char *id = r->n_params ? r->params[0] : "";
  if (!rp_uuid_valid(id, strlen(id))) {
    not_found_page(r);
    return 0;
  }
  if (!r->store) return rp_error_set(RP_EINTERNAL, NULL, "the database cannot be opened");
  int rc = unsubscribe(r, strcmp(r->method, "HEAD") != 0, &m, &acct, &found);
  if (rc) return rc;
  if (!found) {
    not_found_page(r);
    return 0;
  }
  bool sms = !strcmp(m.channel, "sms");
  page(r, 200, "You are unsubscribed", "", acct.name,
       sms ? " will send no more text messages to this number."
           : " will send no more email to this address.");
  return 0;
}
