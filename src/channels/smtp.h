/* smtp.h: the email channel of API.md "Workflows, messages, channels":
 * "Email goes out over SMTP (STARTTLS when offered)". One message per call,
 * through libcurl: MAIL FROM, RCPT TO, DATA (libcurl dot-stuffs the body),
 * the text built by rp_mime_build. */
#ifndef RP_SMTP_H
#define RP_SMTP_H

#include "channels/channel.h"
#include "channels/mime.h"

typedef struct rp_smtp_config {
  const char *url;         /* "smtp://host:587" (STARTTLS when the server offers it) or
                              "smtps://host:465" (TLS from the start) */
  const char *username;    /* optional: AUTH only when given */
  const char *password;    /* secret: never logged, never in a reason */
  const char *from;        /* sender address when the email gives none */
  const char *ca_file;     /* optional PEM file of the CA(s) that signed the server's
                              certificate (a private CA); NULL: the system's */
  long connect_timeout_ms; /* 0: 10000 */
  long timeout_ms;         /* the whole exchange; 0: 60000 */
} rp_smtp_config;

typedef rp_send_result rp_smtp_result;

/* Sends m to m->to and classifies the outcome into *out:
 *   sent       the server accepted the DATA (out->reason holds its reply,
 *              out->provider_id the Message-ID sent, without <>);
 *   retry      no conversation (connection refused, DNS, TLS, timeout) or a
 *              4xx reply (out->code, the reply in out->reason);
 *   permanent  a 5xx reply (unknown mailbox, relay denied, authentication
 *              refused), or a malformed URL.
 * m->from NULL uses cfg->from; m->date 0 uses rp_clock_now(); m->message_id
 * NULL makes a new "<uuid>@<sender's domain>". Returns 0 whenever the server
 * was tried; RP_EINVALID_VALUE with the field ("to", "subject", "smtp.url",
 * ...) when the email or the configuration is refused first (out is then
 * permanent with the same reason). Blocking, at most timeout_ms;
 * thread-safe. */
int rp_smtp_send(rp_smtp_result *out, const rp_smtp_config *cfg, const rp_mail *m);

#endif
