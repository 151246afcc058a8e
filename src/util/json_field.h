/* json_field.h: reading the fields of a JSON request body the one way every
 * parser of rapport does (contact, deal, task, workflow bodies): unknown
 * and read-only keys refused, single-line strings trimmed and bounded, ids
 * checked. Errors follow util/error.h with the field as a JSON path. */
#ifndef RP_UTIL_JSON_FIELD_H
#define RP_UTIL_JSON_FIELD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* Code points in p[0..len) (a count of UTF-8 lead bytes). */
size_t rp_utf8_chars(const char *p, size_t len);

/* Refuses any key of obj that is not in keys[0..n): a read-only one
 * (readonly(key) true; only at the top level, prefix "") is
 * RP_EINVALID_VALUE "is read-only", any other RP_EUNKNOWN_FIELD, with the
 * field "prefix.key". readonly may be NULL. */
int rp_jf_keys(const json_t *obj, const char *prefix, const char *const *keys, size_t n,
               bool (*readonly)(const char *key));

/* An optional single-line string: absent or null gives NULL; trimmed of
 * white space; "" gives NULL; at most max_chars code points; no control
 * characters. *out in ar. */
int rp_jf_line(const char **out, const json_t *v, const char *field, size_t max_chars,
               rp_arena *ar);

/* An optional object id (a UUID), lower-cased; "must be <what>" otherwise. */
int rp_jf_id(const char **out, const json_t *v, const char *field, const char *what,
             rp_arena *ar);

#endif
