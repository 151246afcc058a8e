/* json_write.h: compact JSON text of a jansson value, fast and with the
 * shortest reals. Every JSON answer of the API and every JSON text the
 * store keeps is written by it. */
#ifndef RP_UTIL_JSON_WRITE_H
#define RP_UTIL_JSON_WRITE_H

#include <jansson.h>
#include <stddef.h>

/* The longest text rp_json_real_format writes, with its NUL. */
#define RP_JSON_REAL_MAX 32

/* Writes v as the shortest decimal that reads back as the same double
 * ("42.3", "0.1", "1e21"; ".0" added to an integral value, as jansson
 * writes reals) into out; returns its length, 0 for an infinite or NaN v. */
size_t rp_json_real_format(char out[static RP_JSON_REAL_MAX], double v);

/* The compact JSON text of v (members in order, shortest reals),
 * NUL-terminated, *len (may be NULL) its length; NULL when v cannot be
 * encoded (a string that is not UTF-8, an infinite real). The caller frees
 * it with free(). */
char *rp_json_dumps(const json_t *v, size_t *len);

#endif
