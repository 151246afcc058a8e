/* email.h: email address syntax (API.md: "emails are checked for syntax").
 *
 * A practical subset of RFC 5321/5322 addr-spec as mail programs accept it:
 * local@domain, local part of atext and dots (no leading, trailing or double
 * dot; quoted local parts refused), at most 64 bytes; domain of at least two
 * labels of letters, digits and hyphens (no leading or trailing hyphen,
 * each at most 63 bytes), or UTF-8 (internationalised) labels; total at
 * most 254 bytes. Surrounding spaces are trimmed; "Name <a@b.c>" is refused
 * (give the bare address). Pure. */
#ifndef RP_EMAIL_H
#define RP_EMAIL_H

#include <stddef.h>

/* Checks p[0..len). On success writes the canonical form (trimmed, domain
 * lower-cased) into out (cap bytes, at least 255) and returns 0; otherwise
 * RP_EINVALID_VALUE with the reason in the thread error (no field). */
int rp_email_check(char *out, size_t cap, const char *p, size_t len);

/* The matching key of a valid address: all lower case (into out, cap). */
void rp_email_key(char *out, size_t cap, const char *addr);

#endif
