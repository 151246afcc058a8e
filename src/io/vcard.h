/* vcard.h: vCard 2.1, 3.0 and 4.0 in (RFC 6350, RFC 2426, the vCard 2.1
 * specification), 4.0 and 3.0 out; the import/export of API.md ("Import and
 * export": text/vcard, /export/contacts.vcf; export then import gives back
 * the same contacts).
 *
 * The reader takes files as Apple Contacts/iCloud, Android, Outlook, Gmail
 * and Thunderbird write them: an optional UTF-8 BOM, CRLF, LF or CR line
 * ends, line folding, backslash escapes, parameters with and without names
 * (2.1 "TEL;CELL;PREF:"), repeated and comma-listed TYPE, grouped properties
 * ("item1.EMAIL" with "item1.X-ABLabel"), 2.1 QUOTED-PRINTABLE with soft line
 * breaks, CHARSET=UTF-8/ISO-8859-1/windows-1252, case-insensitive names.
 * PHOTO, LOGO, SOUND and KEY are skipped whatever their size (also 2.1
 * base64 values whose lines are not indented and end at an empty line);
 * unknown properties are ignored. See src/io/README.md for the field map.
 *
 * Limits (nothing grows without one):
 *   RP_VCARD_LINE_MAX   bytes of one unfolded property (skipped ones are
 *                       not stored and not limited); longer: card refused
 *   RP_VCARD_PROPS_MAX  properties in one card; more: card refused
 *   RP_VCARD_LIST_MAX   EMAIL or TEL properties in one card (the API's list
 *                       limit); more: card refused
 *   RP_VCARD_TAGS_MAX   tags (CATEGORIES values); more are dropped with a
 *                       warning
 * The number of cards is the caller's business (each is handed over and
 * forgotten). The whole input is at most INT_MAX bytes. */
#ifndef RP_VCARD_H
#define RP_VCARD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "util/arena.h"
#include "util/strbuf.h"

#define RP_VCARD_LINE_MAX (256 * 1024)
#define RP_VCARD_PROPS_MAX 500
#define RP_VCARD_LIST_MAX 20
#define RP_VCARD_TAGS_MAX 100

/* One parsed card. line is the 1-based line of its BEGIN:VCARD. given has
 * the core/rules.h RP_FIELD_STATUS, _STAGE, _CATEGORY and _TYPE bits of the
 * fields the card set (rapport's own X-RAPPORT-* properties, as
 * rp_vcard_write writes them): the importer keeps those as given instead
 * of applying the creation rules to them. Return 0 to go on, anything else
 * stops the reading (rp_vcard_read returns it). */
typedef int (*rp_vcard_fn)(void *ctx, const rp_contact *c, unsigned given, int line);

/* One problem. line is the 1-based line the card starts on (BEGIN:VCARD),
 * or, for text outside any card, that text's line. skipped is true when the
 * whole card was refused (not given to on_card); false when only one value
 * was dropped (a phone that is not a phone number, a bad date ...) and the
 * rest of the card goes on to on_card right after. message names the
 * property, its own line and the reason. Return 0 to go on, anything else
 * stops the reading. */
typedef int (*rp_vcard_errfn)(void *ctx, int line, bool skipped, const char *message);

/* Reads every card of buf[0..len) in order, calling on_card for each good
 * one and on_error (may be NULL) for each problem; a bad card is skipped
 * whole and the next one still parses. default_region (NULL: "US")
 * completes local phone numbers (core/phone.h).
 *
 * Each contact and all its strings are allocated in a; nothing else that
 * outlives one card is, so on_card may rp_arena_free(a) to keep memory flat
 * over a big file. The contact has no id (unless the card's UID is one of
 * ours: a UUID, optionally "urn:uuid:"-prefixed), its status, stage,
 * category and type are the zero values unless the card gives them
 * (X-RAPPORT-STATUS, -STAGE, -CATEGORY, -TYPE; `given` says which), as
 * are intent, source and known_since (X-RAPPORT-INTENT, -SOURCE,
 * -KNOWN-SINCE); a value that is not one of ours is dropped with a
 * warning. Its display_name is derived (core/contact.h) and custom_json
 * is "{}".
 *
 * Returns 0 when the input was read to its end (whatever the per-card
 * problems); RP_EINVALID_VALUE (message set) when it is not a vCard file at
 * all (UTF-16, or text with no BEGIN:VCARD); RP_ETOOLARGE over INT_MAX
 * bytes; or the non-zero value a callback returned. */
int rp_vcard_read(const char *buf, size_t len, const char *default_region, rp_arena *a,
                  rp_vcard_fn on_card, rp_vcard_errfn on_error, void *ctx);

/* Appends one card for c to *out (the caller owns it): version 4 (RFC 6350)
 * or 3 (RFC 2426). CRLF line ends, lines folded at 75 octets without
 * splitting a UTF-8 sequence, text escaped (\\ \, \; \n). Written: UID (the
 * contact id), FN, N, EMAIL, TEL (4.0 as tel: URIs), ADR, ORG, URL,
 * X-SOCIALPROFILE, BDAY, ANNIVERSARY (X-ANNIVERSARY in 3.0), the partner as
 * RELATED;TYPE=spouse (3.0: Apple's X-ABRELATEDNAMES), children likewise,
 * NOTE, CATEGORIES (the tags), rapport's own fields as X-RAPPORT-STATUS,
 * -STAGE, -CATEGORY, -TYPE, -INTENT, -SOURCE and -KNOWN-SINCE (other
 * programs ignore X- properties; rp_vcard_read gives them back), REV
 * (updated_at). Labels that are vCard types
 * (home, work, mobile, fax, pager) become TYPE; any other label goes into
 * an Apple-style group with X-ABLabel, so rp_vcard_read gives it back.
 * Returns 0, or RP_EINVALID_VALUE for a version other than 3 or 4. */
int rp_vcard_write(rp_sb *out, const rp_contact *c, int version);

#endif
