/* json_scan.h: small bounded scanners that count inside a JSON text the
 * store keeps (an array column, the custom fields object) without building
 * a parse tree: the full rescore reads them for a million contacts, the
 * score of one contact on every write. */
#ifndef RP_UTIL_JSON_SCAN_H
#define RP_UTIL_JSON_SCAN_H

#include <stddef.h>

/* The number of items of a JSON array text; 0 for "[]", NULL or anything
 * that is not an array. */
size_t rp_json_array_count(const char *p, size_t n);

/* The keys of a JSON object text whose value is neither null nor the empty
 * string (numbers, booleans, arrays and objects count): SCORING.md's
 * filled custom fields. 0 for "{}", NULL or anything that is not an
 * object; a malformed text counts what was read before the fault. */
int rp_json_object_filled(const char *p, size_t n);

#endif
