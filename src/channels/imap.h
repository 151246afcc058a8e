/* imap.h: the read side of the email channel (issue 8 "Mailbox sync"): an
 * IMAP4rev1 client over libcurl that lists the new messages of a folder
 * and fetches only what mail sync needs of them (a few header fields and
 * the beginning of the text), read-only: folders are EXAMINEd and bodies
 * fetched with BODY.PEEK, so nothing is marked as read.
 *
 * A session is one libcurl handle whose connection (and login) is kept
 * between commands; each command is sent as a custom request, and the
 * server's whole answer (libcurl hands every response line, literals
 * included, to the header callback) is read by rp_imap_parse below, which
 * is bounded and checks literal lengths. Not thread-safe: one session per
 * thread. */
#ifndef RP_IMAP_H
#define RP_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/clock.h"

#define RP_IMAP_RESPONSE_MAX (8 * 1024 * 1024) /* bytes of one command's answer */
#define RP_IMAP_TEXT_FETCH 4096                /* bytes of the body text fetched */
#define RP_IMAP_DEPTH_MAX 16                   /* nesting of parenthesised lists */

typedef struct rp_imap_config {
  const char *url;         /* "imap://host:143" (STARTTLS when offered) or "imaps://host:993";
                              a path is ignored */
  const char *username;    /* required */
  const char *password;    /* secret: never logged, never in an error */
  const char *ca_file;     /* optional PEM file of a private CA */
  long connect_timeout_ms; /* 0: 10000 */
  long timeout_ms;         /* one command; 0: 60000 */
} rp_imap_config;

typedef struct rp_imap rp_imap;

/* Opens a session and logs in (a NOOP is sent). 0, RP_EINVALID_VALUE with
 * field "imap.url" or "imap.username" for a configuration refused before
 * connecting, or RP_EINTERNAL with why the server could not be used (no
 * connection, TLS, login refused); *out NULL then. */
int rp_imap_open(rp_imap **out, const rp_imap_config *cfg);
/* Logs out and frees. NULL is fine. */
void rp_imap_close(rp_imap *im);

/* The folder sent mail goes to: the one LIST marks \Sent (RFC 6154), else
 * the first of "Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail",
 * "INBOX.Sent" that exists; *out NULL when none (name in ar). */
int rp_imap_find_sent(rp_imap *im, rp_arena *ar, const char **out);

typedef struct rp_imap_folder {
  uint32_t uidvalidity; /* 0 when the server gave none */
  uint32_t uidnext;     /* 0 when the server gave none */
  uint32_t exists;
} rp_imap_folder;

/* EXAMINEs (selects read-only) folder for the commands below. */
int rp_imap_examine(rp_imap *im, const char *folder, rp_imap_folder *out);

/* The UIDs above after_uid in the examined folder, ascending, at most max
 * of them (*more true when there were more); since > 0 keeps only those
 * received on or after that day. Array in ar. */
int rp_imap_search(rp_imap *im, rp_arena *ar, uint32_t after_uid, rp_time since, size_t max,
                   uint32_t **uids, size_t *n, bool *more);

/* What rp_imap_fetch gets of a message. */
typedef struct rp_imap_message {
  uint32_t uid;
  const char *header; /* From, To, Cc, Date, Message-ID, Subject, Content-Type,
                         Content-Transfer-Encoding as the message has them */
  size_t header_len;
  const char *text; /* the first RP_IMAP_TEXT_FETCH bytes of the body; "" when none */
  size_t text_len;
} rp_imap_message;

/* Fetches the messages of the examined folder with these UIDs (at most
 * 100), without marking them read; messages gone meanwhile are missing
 * from *out. Array in ar, in the server's order. */
int rp_imap_fetch(rp_imap *im, rp_arena *ar, const uint32_t *uids, size_t n_uids,
                  rp_imap_message **out, size_t *n);

/* ---- the response reader (public for its tests and fuzz driver) ---- */

typedef enum { RP_IMAP_ATOM, RP_IMAP_STRING, RP_IMAP_NIL, RP_IMAP_LIST } rp_imap_kind;

/* A value of a response: an atom (numbers, flags, and section names such
 * as BODY[HEADER.FIELDS (FROM)]<0> are atoms), a quoted string or literal
 * (unescaped), NIL, or a parenthesised list. */
typedef struct rp_imap_value {
  rp_imap_kind kind;
  const char *p; /* atom or string bytes (not NUL-terminated for literals) */
  size_t len;
  struct rp_imap_value *items; /* a list's */
  size_t n;
} rp_imap_value;

/* One untagged response "* ...". */
typedef struct rp_imap_response {
  uint32_t number;  /* "* 12 FETCH": 12; 0 otherwise */
  const char *name; /* "FETCH", "LIST", "SEARCH", "OK", ... as sent */
  size_t name_len;
  rp_imap_value *args; /* the values after the name; none for status responses */
  size_t n_args;
  const char *text; /* OK, NO, BAD, BYE, PREAUTH, CAPABILITY: the rest of the line */
  size_t text_len;
} rp_imap_response;

/* Reads a command's answer p[0..len): the untagged responses into an arena
 * array, and the tagged completion ("A001 OK ...") into *status ("OK",
 * "NO", "BAD"; NULL when missing) and *status_text. Continuation lines
 * ("+ ...") are skipped. 0, or RP_EINVALID_VALUE with field "imap" and the
 * reason (a literal longer than the rest, an unclosed list or string, too
 * deep, ...). */
int rp_imap_parse(rp_imap_response **out, size_t *n, const char **status, const char **status_text,
                  rp_arena *ar, const char *p, size_t len);

#endif
