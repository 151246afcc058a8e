/* form.h: application/x-www-form-urlencoded bodies (the WHATWG URL
 * standard's "application/x-www-form-urlencoded parser", as browsers send
 * an HTML form): "name=value&name2=value2", '+' for a space, %XX escapes.
 *
 * Bounded: a body of at most RP_FORM_MAX_BYTES, at most RP_FORM_MAX_FIELDS
 * fields, names of at most RP_FORM_NAME_MAX bytes once decoded. Unlike the
 * browsers' parser it refuses a malformed escape ("%4" or "%zz") instead of
 * keeping it literally, so that a client's encoding bug is reported and not
 * stored. Decoded bytes are given with their length: a value may hold any
 * byte (%00 too); checking text (UTF-8, no NUL) is the caller's. */
#ifndef RP_FORM_H
#define RP_FORM_H

#include <stddef.h>

#include "util/arena.h"

#define RP_FORM_MAX_BYTES (64u << 10)
#define RP_FORM_MAX_FIELDS 256
#define RP_FORM_NAME_MAX 256

typedef struct rp_form_field {
  const char *name; /* decoded, NUL-terminated (in the arena) */
  size_t name_len;
  const char *value; /* decoded, NUL-terminated (in the arena) */
  size_t value_len;
} rp_form_field;

/* Parses p[0..len) into *out (an arena array of *n fields, in the order of
 * the body; empty pieces such as "a=1&&b=2" are skipped, a piece without
 * '=' is a name with an empty value). Returns 0, or RP_ETOOLARGE (body over
 * the bound), RP_EINVALID_VALUE with the reason in the thread error: too
 * many fields, a name too long or empty, a malformed escape (the field is
 * the decoded name when the fault is in a value, else none). */
int rp_form_parse(rp_form_field **out, size_t *n, const char *p, size_t len, rp_arena *ar);

/* The first field named name (exact, case-sensitive), or NULL. */
const rp_form_field *rp_form_get(const rp_form_field *fields, size_t n, const char *name);

#endif
