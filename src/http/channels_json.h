/* channels_json.h: the channel settings object of API.md
 * "GET|PUT /api/v1/settings/channels": its validation, the merge of a PUT
 * and the answer. Pure of I/O (the handler, http/channels.c, reads and
 * writes the store); a fuzz driver runs it (tests/fuzz/fuzz_channels_json.c).
 *
 * The answer:
 *   {smtp: {url, from, username, password_set},
 *    sms:  {base_url, account_sid, from, auth_token_set, webhook_url},
 *    imap: {url, username, password_set},
 *    updated_at}
 * Secrets (smtp.password, sms.auth_token, imap.password) are write-only:
 * the answer says whether one is kept, never what it is. */
#ifndef RP_CHANNELS_JSON_H
#define RP_CHANNELS_JSON_H

#include <jansson.h>

#include "store/store.h"
#include "util/arena.h"

#define RP_CHANNELS_URL_MAX 512     /* bytes of a URL */
#define RP_CHANNELS_NAME_MAX 256    /* bytes of a user name */
#define RP_CHANNELS_SECRET_MAX 1024 /* bytes of a password or token */
#define RP_CHANNELS_SID_MAX 64      /* characters of an account SID */
#define RP_CHANNELS_TWILIO "https://api.twilio.com"

/* Applies a PUT body (a JSON object) to cur into *next (strings in ar; cur
 * is only read; next->account_id and updated_at copied from cur; on an
 * error *next is cur unchanged). The body names sections smtp, sms, imap;
 * a section absent is kept, null clears it (secrets too). In a section
 * given as an object, a key given replaces that field, null or "" clears
 * it, an absent key keeps it (so a PUT without the password keeps the
 * stored one). The read-only keys of the
 * answer (password_set, auth_token_set, webhook_url, updated_at) are
 * ignored, so a client may send back what it read.
 *
 * Refused with the field's path ("sms.from") and the reason: an unknown
 * key (RP_EUNKNOWN_FIELD); a value of the wrong type; smtp.url not
 * smtp:// or smtps://, sms.base_url not http:// or https://, imap.url not
 * imap:// or imaps:// (a host, an optional port, no user name or password
 * in the URL, no query, no spaces); smtp.from not an email address (ASCII);
 * sms.from not E.164 ("+15551234567"); sms.account_sid not letters and
 * digits; names and secrets with control characters or too long
 * (RP_EINVALID_VALUE); a section set up without what it needs
 * (RP_EVALIDATION): smtp needs url and from (and username with a password),
 * sms needs account_sid, auth_token and from (base_url defaults to
 * https://api.twilio.com), imap needs url, username and password. */
int rp_channels_apply(rp_channels *next, const rp_channels *cur, const json_t *body, rp_arena *ar);

/* The answer object for c; webhook_url is the full address of the
 * account's inbound SMS hook. The caller owns the result. */
json_t *rp_channels_to_json(const rp_channels *c, const char *webhook_url);

#endif
