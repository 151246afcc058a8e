/* sms_hook.c: POST /api/v1/hooks/sms/{account_key}, an inbound SMS the way
 * Twilio posts it (API.md "Workflows, messages, channels"): form fields
 * From, To, Body, MessageSid; the X-Twilio-Signature header checked with
 * the account's auth token over the public URL and the fields (403 when it
 * does not match). The text becomes an inbound sms activity of the contact
 * with that phone (its rules, score, and stop_on_reply workflows follow),
 * or of a new suspect with source "sms". STOP, STOPALL, UNSUBSCRIBE,
 * CANCEL, END, QUIT set sms_opt_out; START, UNSTOP clear it. A MessageSid
 * seen before (a retried webhook) changes nothing. The answer is an empty
 * TwiML <Response/>: rapport replies through its own outbox, not here. */
#include <stdio.h>
#include <string.h>

#include "channels/sms.h"
#include "core/phone.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "jobs/lifecycle.h"
#include "jobs/messages.h"
#include "util/error.h"
#include "util/form.h"

#define TWIML_EMPTY "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"

static void answer_twiml(rp_req *r) {
  r->status = 200;
  r->content_type = "text/xml; charset=utf-8";
  rp_sb_puts(&r->out, TWIML_EMPTY);
}

static const char *field(const rp_form_field *f, size_t n, const char *name) {
  const rp_form_field *x = rp_form_get(f, n, name);
  return x ? x->value : NULL;
}

/* The contact of the phone number, or a new suspect with it (L1), owned by
 * the account's first owner or admin. */
static int contact_of(rp_lifecycle *lc, const rp_account *acct, const char *phone,
                      rp_contact *out) {
  char id[RP_ID_LEN];
  bool found;
  int rc = rp_store_contact_match(lc->store, acct->id, NULL, phone, id, &found);
  if (rc) return rc;
  if (found) return rp_store_contact_get(lc->store, lc->arena, out, acct->id, id);
  json_t *o = json_pack("{s:[{s:s}], s:s}", "phones", "number", phone, "source", "sms");
  rp_contact c;
  rp_contact_given given;
  rc = rp_contact_from_json(&c, &given, o, acct->default_region ? acct->default_region : "US",
                            lc->arena);
  json_decref(o);
  if (rc) return rc;
  snprintf(c.account_id, sizeof c.account_id, "%s", acct->id);
  c.id[0] = '\0';
  rp_user owner;
  if ((rc = rp_messages_agent(&owner, lc, NULL, NULL))) return rc;
  if (owner.id[0]) c.owner_id = rp_arena_strdup(lc->arena, owner.id);
  char day[11];
  c.known_since = rp_arena_strdup(lc->arena, rp_date_format(lc->now, day));
  return rp_lifecycle_create_contact(lc, &c, 0, out);
}

/* POST /api/v1/hooks/sms/:key (public) */
int rp_h_sms_hook(rp_req *r) {
  char account_id[RP_ID_LEN];
  const char *key = r->n_params ? r->params[0] : "";
  int rc = rp_store_account_by_hook_key(r->store, key, account_id);
  if (rc) return rc == RP_ENOTFOUND ? rp_error_set(RP_ENOTFOUND, NULL, "no such hook") : rc;
  rp_account acct;
  rp_channels ch;
  if ((rc = rp_store_account_get(r->store, &r->arena, &acct, account_id)) ||
      (rc = rp_store_channels_get(r->store, &r->arena, account_id, &ch)))
    return rc;
  if (!ch.sms_auth_token || !*ch.sms_auth_token)
    return rp_error_set(RP_EFORBIDDEN, NULL,
                        "SMS is not set up for this account: no auth token to check the "
                        "signature with");
  const char *ctype = rp_req_header(r, "Content-Type");
  if (!ctype || strncasecmp(ctype, "application/x-www-form-urlencoded", 33) != 0)
    return rp_error_set(RP_EMEDIATYPE, NULL,
                        "send the fields form-encoded (application/x-www-form-urlencoded)");
  rp_form_field *f;
  size_t n;
  if ((rc = rp_form_parse(&f, &n, r->body, r->body_len, &r->arena))) return rc;

  /* X-Twilio-Signature over the URL the provider posted to */
  rp_kv *kv = rp_arena_alloc(&r->arena, (n ? n : 1) * sizeof *kv);
  for (size_t i = 0; i < n; i++)
    kv[i] = (rp_kv){f[i].name, f[i].value};
  char *url = rp_arena_printf(&r->arena, "%s%s", rp_messages_public_url(), r->path);
  if (!rp_sms_signature_valid(ch.sms_auth_token, url, kv, n,
                              rp_req_header(r, "X-Twilio-Signature")))
    return rp_error_set(RP_EFORBIDDEN, NULL, "the X-Twilio-Signature does not match");

  const char *from = field(f, n, "From"), *body = field(f, n, "Body"),
             *sid = field(f, n, "MessageSid");
  if (!sid || !*sid) return rp_error_set(RP_EVALIDATION, "MessageSid", "is required");
  if (!from || !*from) return rp_error_set(RP_EVALIDATION, "From", "is required");
  if (!body) body = "";
  bool seen;
  if ((rc = rp_store_sms_inbound_seen(r->store, account_id, sid, &seen))) return rc;
  if (seen) {
    answer_twiml(r);
    return 0;
  }
  char phone[RP_PHONE_MAX];
  if (rp_phone_normalize(phone, from, strlen(from),
                         acct.default_region ? acct.default_region : "US"))
    return rp_error_set(RP_EINVALID_VALUE, "From", "is not a phone number");

  rp_lifecycle lc;
  rp_contact c;
  if ((rc = rp_lifecycle_init(&lc, r->store, &r->arena, account_id, NULL, r->now)) ||
      (rc = contact_of(&lc, &acct, phone, &c)))
    return rc;
  rp_sms_keyword kw = rp_sms_keyword_of(body, strlen(body));
  bool opt_out = kw == RP_SMS_KEYWORD_OPT_OUT;
  if (kw != RP_SMS_KEYWORD_NONE && c.sms_opt_out != opt_out) {
    c.sms_opt_out = opt_out;
    c.updated_at = r->now;
    if ((rc = rp_store_contact_update(r->store, &c))) return rc;
  }
  rp_activity a;
  memset(&a, 0, sizeof a);
  snprintf(a.account_id, sizeof a.account_id, "%s", account_id);
  snprintf(a.contact_id, sizeof a.contact_id, "%s", c.id);
  a.kind = RP_KIND_SMS;
  a.direction = RP_DIR_INBOUND;
  a.occurred_at = r->now;
  a.body = body;
  a.duration_s = -1;
  a.importance = RP_IMPORTANCE_NORMAL;
  a.source = "sms";
  bool fresh;
  if ((rc = rp_lifecycle_record_activity(&lc, &a)) ||
      (rc = rp_store_sms_inbound_add(r->store, account_id, sid, c.id, a.id, r->now, &fresh)))
    return rc;
  answer_twiml(r);
  return 0;
}
