/* sms.h: the SMS channel as API.md "Workflows, messages, channels" has it:
 * outbound through the Twilio Messages API shape
 *   POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json
 * (form fields To, From, Body; HTTP basic auth; header Idempotency-Key; the
 * answer's "sid" is the message's provider_id), the X-Twilio-Signature check
 * of inbound webhooks (a bad signature is 403), and the opt-out / opt-in
 * keywords that set and clear sms_opt_out. */
#ifndef RP_SMS_H
#define RP_SMS_H

#include <stdbool.h>
#include <stddef.h>

#include "channels/channel.h"

#define RP_SMS_BODY_MAX 1600    /* characters (Twilio's limit) */
#define RP_SMS_ANSWER_MAX 65536 /* bytes of the provider's answer we read */
#define RP_SMS_SIGNATURE_LEN 28 /* base64 of an HMAC-SHA1, without the NUL */

typedef struct rp_sms_config {
  const char *base_url;    /* "https://api.twilio.com" (no trailing path) */
  const char *account_sid; /* letters and digits ("AC" + 32 hex at Twilio) */
  const char *auth_token;  /* secret: never logged, never in a reason */
  const char *from;        /* the sending number (E.164) or sender id */
  long connect_timeout_ms; /* 0: 5000 */
  long timeout_ms;         /* whole request; 0: 15000 */
  const char *ca_file;     /* optional PEM file of the CA(s) to trust instead of the
                              system's (rp_channel_ca_file) */
} rp_sms_config;

typedef rp_send_result rp_sms_result;

/* One form field (name=value) of a webhook POST. */
typedef struct rp_kv {
  const char *name;
  const char *value;
} rp_kv;

/* Sends body to the number `to` through the provider of cfg and classifies
 * the outcome into *out:
 *   sent       2xx with a "sid" (out->provider_id);
 *   retry      no answer (connection, DNS, TLS, timeout), 408, 429, 5xx, or
 *              a 2xx without a sid: sending again with the same
 *              idempotency_key cannot create a second message;
 *   permanent  any other status (4xx): out->reason keeps the provider's
 *              "message" and "code" ("HTTP 400: ... (code 21211)").
 * Returns 0 whenever the provider was asked. Returns RP_EINVALID_VALUE with
 * the field ("to", "body", "idempotency_key", "sms.base_url", ...) when an
 * argument is refused before asking (out is then permanent with the same
 * reason). idempotency_key may be NULL (no header); the outbox passes the
 * message id so a retry after a crash never sends twice (API.md: "No step
 * ever sends twice"). Blocking, at most timeout_ms; thread-safe. */
int rp_sms_send(rp_sms_result *out, const rp_sms_config *cfg, const char *to, const char *body,
                const char *idempotency_key);

/* The X-Twilio-Signature of a webhook POST: base64 of HMAC-SHA1 keyed with
 * auth_token over url followed by, for each POST parameter sorted by name
 * (then value), the name and the value. Writes 28 characters and a NUL into
 * out. */
void rp_sms_signature(char out[RP_SMS_SIGNATURE_LEN + 1], const char *auth_token, const char *url,
                      const rp_kv *params, size_t n);

/* True when signature_b64 is the signature of (url, params) under
 * auth_token (API.md POST /api/v1/hooks/sms: false means 403). Compared in
 * constant time; NULL or empty token or signature is false. url is the full
 * URL the provider posted to, query string included. */
bool rp_sms_signature_valid(const char *auth_token, const char *url, const rp_kv *params, size_t n,
                            const char *signature_b64);

typedef enum rp_sms_keyword {
  RP_SMS_KEYWORD_NONE = 0,
  RP_SMS_KEYWORD_OPT_OUT, /* STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT */
  RP_SMS_KEYWORD_OPT_IN,  /* START, UNSTOP */
} rp_sms_keyword;

/* The keyword an inbound SMS body[0..len) is (API.md hooks/sms), when the
 * whole message is one keyword: case-insensitive, surrounding white space
 * and punctuation ignored ("Stop." is STOP; "stop it" is no keyword). Pure. */
rp_sms_keyword rp_sms_keyword_of(const char *body, size_t len);

#endif
