/* mime.h: the RFC 5322 / MIME text of one plain-text email, as rapport sends
 * it over SMTP (API.md "Workflows, messages, channels": send_email steps and
 * POST /api/v1/messages with channel "email").
 *
 * The message is UTF-8 text/plain in quoted-printable (every line at most 76
 * characters, CRLF line ends), the Subject and display names in RFC 2047
 * encoded-words when they are not plain ASCII, and, when an unsubscribe URL
 * is given, List-Unsubscribe with RFC 8058 one-click. Every value is checked
 * first: a line break in a header value (header injection), a control
 * character, invalid UTF-8 or an invalid address is refused with the field
 * and the reason. Pure: no I/O, no clock. */
#ifndef RP_MIME_H
#define RP_MIME_H

#include <stddef.h>

#include "util/clock.h"
#include "util/strbuf.h"

#define RP_MIME_BODY_MAX (1024 * 1024) /* bytes of body_text */
#define RP_MIME_SUBJECT_MAX 900        /* bytes of subject */
#define RP_MIME_NAME_MAX 256           /* bytes of a display name */
#define RP_MIME_URL_MAX 900            /* bytes of list_unsubscribe_url */
#define RP_MIME_MSGID_MAX 250          /* bytes of message_id */
#define RP_MIME_DATE_LEN 32            /* "Tue, 24 Nov 2026 14:05:00 +0000" + NUL */

/* One email. Strings are UTF-8 and NUL-terminated; the caller owns them.
 * NULL and "" are the same for the optional ones. */
typedef struct rp_mail {
  const char *from;                 /* sender address, bare ("agent@example.com"); required */
  const char *from_name;            /* sender display name; optional */
  const char *to;                   /* recipient address, bare; required */
  const char *to_name;              /* recipient display name; optional */
  const char *subject;              /* optional (an empty Subject is written) */
  const char *body_text;            /* plain text; LF, CRLF or CR line ends; optional */
  const char *message_id;           /* "unique@domain", with or without <>; required */
  rp_time date;                     /* the Date header (written in UTC) */
  const char *list_unsubscribe_url; /* http(s) URL; optional */
  const char *reply_to;             /* bare address; optional */
} rp_mail;

/* Appends the whole message (headers, blank line, body; CRLF line ends, the
 * body ending with a line break) to *out, which the caller owns and frees
 * with rp_sb_free. Returns 0, or RP_EINVALID_VALUE with the field ("to",
 * "subject", ...) and the reason in the thread error; *out is then left as
 * it was. */
int rp_mime_build(rp_sb *out, const rp_mail *m);

/* The checked, canonical form of an address field (trimmed, domain lower
 * case) into out (cap >= 255): 0 or RP_EINVALID_VALUE with field and
 * reason. Non-ASCII addresses are refused (they would need SMTPUTF8).
 * rp_smtp_send uses it for the envelope. */
int rp_mime_address(char *out, size_t cap, const char *field, const char *addr);

/* RFC 5322 date-time of t in UTC ("Tue, 24 Nov 2026 14:05:00 +0000"). */
void rp_mime_date(char out[RP_MIME_DATE_LEN], rp_time t);

/* Appends p[0..len) as quoted-printable body text (RFC 2045 6.7): line
 * breaks (LF, CRLF or CR) become CRLF, every output line is at most 76
 * characters (soft breaks "=" CRLF), '=', control and non-ASCII bytes and a
 * space or tab ending a line are =XX; the text always ends with CRLF. */
void rp_mime_qp_encode(rp_sb *out, const char *p, size_t len);

#endif
