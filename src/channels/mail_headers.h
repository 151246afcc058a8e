/* mail_headers.h: reading what mailbox sync (jobs/mail_sync.h) needs of a
 * received or sent email: the header fields From, To, Cc, Date, Message-ID
 * and Subject (RFC 5322 with folded lines, RFC 2047 encoded-words, the
 * obsolete forms mail programs still write) and a short plain-text snippet
 * of the body (RFC 2045/2046: multipart, quoted-printable, base64).
 *
 * Every text handed back is valid UTF-8 without control characters (a byte
 * that is not is replaced by U+FFFD), so it can go into the store and JSON
 * as is. Inputs are bounded; structure that cannot be read is refused with
 * the field and the reason. Pure: no I/O, no clock; results in the caller's
 * arena. */
#ifndef RP_MAIL_HEADERS_H
#define RP_MAIL_HEADERS_H

#include <stddef.h>

#include "util/arena.h"
#include "util/clock.h"

#define RP_MAIL_HEADER_MAX (64 * 1024) /* bytes of a header block */
#define RP_MAIL_ADDRS_MAX 100          /* addresses kept of one field; more are dropped */
#define RP_MAIL_ADDR_MAX 254           /* bytes of one address */
#define RP_MAIL_MSGID_MAX 250          /* bytes of a Message-ID (without <>) */
#define RP_MAIL_SNIPPET_MAX 2048       /* bytes of a body snippet */

/* One mailbox of an address list. */
typedef struct rp_mail_addr {
  const char *name;    /* display name, decoded; NULL when none */
  const char *address; /* "local@domain" as written (comments and spaces removed) */
} rp_mail_addr;

/* The header fields of one message (the first of each when repeated). */
typedef struct rp_mail_header_set {
  rp_mail_addr *from, *to, *cc;
  size_t n_from, n_to, n_cc;
  const char *subject;           /* decoded; NULL when absent */
  const char *message_id;        /* without the <>; NULL when absent or unreadable */
  rp_time date;                  /* 0 when absent or unreadable (the caller picks a time) */
  const char *content_type;      /* the unfolded value, or NULL (text/plain) */
  const char *transfer_encoding; /* Content-Transfer-Encoding, or NULL (7bit) */
} rp_mail_header_set;

/* Parses the header block p[0..len) (CRLF or LF line ends; it ends at the
 * first empty line or at len). Returns 0, or RP_EINVALID_VALUE with field
 * "headers" (too long, a NUL byte, a line that is no "Name: value") or
 * "from", "to", "cc" (an address list that cannot be read: an unclosed
 * quote, comment or angle bracket, an address without @, ...). An
 * unreadable Date or Message-ID is not an error: it is left out. */
int rp_mail_headers_parse(rp_mail_header_set *out, rp_arena *ar, const char *p, size_t len);

/* Parses an RFC 5322 address-list (mailboxes, "Name" <a@b>, groups
 * "team: a@b, c@d;", comments, encoded-word names, obsolete empty
 * members) into an arena array of at most RP_MAIL_ADDRS_MAX entries;
 * groups are flattened, null addresses (<>) skipped. 0 or
 * RP_EINVALID_VALUE with `field` and the reason. */
int rp_mail_addresses_parse(rp_mail_addr **out, size_t *n, rp_arena *ar, const char *field,
                            const char *p, size_t len);

/* An unstructured header value (Subject, a display name) as UTF-8:
 * encoded-words =?charset?B|Q?...?= in UTF-8, US-ASCII or ISO-8859-1 (and
 * its aliases) decoded, the space between two adjacent ones dropped,
 * folding and control characters made spaces, other encoded-words left as
 * written. Never fails; the result is in ar. */
char *rp_mail_decode_words(rp_arena *ar, const char *p, size_t len);

/* Parses an RFC 5322 date-time ("Tue, 1 Jul 2026 10:00:00 +0200", with
 * comments, two-digit years and the obsolete zone names) into *out.
 * 0 or RP_EINVALID_VALUE with field "date" and the reason. */
int rp_mail_date_parse(rp_time *out, const char *p, size_t len);

/* A plain-text snippet of a body of the given Content-Type and
 * Content-Transfer-Encoding (either may be NULL): the first text/plain
 * part (multipart bodies are searched three levels deep; text/html is used
 * when there is no plain part, its tags removed), decoded and converted to
 * UTF-8, line ends LF, trimmed, at most max bytes (cut at a character).
 * body may be only the beginning of the body. NULL when the body holds no
 * text. */
char *rp_mail_snippet(rp_arena *ar, const char *content_type, const char *transfer_encoding,
                      const char *body, size_t len, size_t max);

#endif
