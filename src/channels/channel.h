/* channel.h: what one attempt to send a message through a channel (SMS
 * provider, SMTP server) came to, shared by sms.h and smtp.h so the outbox
 * treats every channel alike (API.md "Workflows, messages, channels": a
 * message ends "sent" or "failed" with a reason; retryable failures are
 * tried again later). */
#ifndef RP_CHANNEL_H
#define RP_CHANNEL_H

typedef enum rp_send_status {
  RP_SEND_SENT = 0,  /* the provider took the message */
  RP_SEND_RETRY,     /* not taken this time; the same attempt may work later */
  RP_SEND_PERMANENT, /* refused; sending it again will not help */
} rp_send_status;

#define RP_SEND_ID_MAX 256
#define RP_SEND_REASON_MAX 384

typedef struct rp_send_result {
  rp_send_status status;
  int code;                         /* HTTP status or SMTP reply code; 0 when none */
  char provider_id[RP_SEND_ID_MAX]; /* SMS: the provider's sid; SMTP: "" */
  char reason[RP_SEND_REASON_MAX];  /* why it failed (or the server's last reply); "" */
} rp_send_result;

/* "sent", "retry", "permanent". */
const char *rp_send_status_name(rp_send_status s);

/* Initialises libcurl once per process (thread-safe; curl_global_init is
 * not). rp_sms_send and rp_smtp_send call it; a program may call it early. */
void rp_channel_global_init(void);

/* The PEM file of the certificate authorities the channels' TLS
 * connections (SMTP, the SMS provider, IMAP) trust instead of the
 * system's bundle (ca-certificates): RAPPORT_CA_FILE, for a server with a
 * private CA (docs/operations.md); NULL when unset or empty. */
const char *rp_channel_ca_file(void);

/* 0 when RAPPORT_CA_FILE is unset or names a readable file; otherwise
 * RP_EINVALID_VALUE with the reason (`rapport serve` checks it at start). */
int rp_channel_ca_file_check(void);

/* Fills r as a failure of the given status with a printf-style reason
 * (truncated to fit, control characters replaced by spaces). */
void rp_send_fail(rp_send_result *r, rp_send_status status, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
