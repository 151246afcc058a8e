/* duplicates.h: when two contacts are likely one person (API.md
 * "GET /api/v1/duplicates": same email, same phone, or close names at one
 * address; docs/import.md "Duplicates"). Pure. */
#ifndef RP_DUPLICATES_H
#define RP_DUPLICATES_H

#include <stdbool.h>
#include <stddef.h>

#define RP_DUP_NAME_MAX 64 /* bytes of a folded name compared; longer ones are cut */

/* Folds a name for comparison into out (cap >= RP_DUP_NAME_MAX + 1): ASCII
 * lower case, the accented Latin letters of UTF-8 to their base letter
 * (é -> e, ß -> ss, Ł -> l), everything but letters and digits dropped. */
void rp_dup_fold(char *out, size_t cap, const char *name);

/* The edit distance of two folded names, or limit + 1 when it is above
 * limit (the search stops early). */
int rp_dup_distance(const char *a, const char *b, int limit);

/* True when (first_a, last_a) and (first_b, last_b) are close enough to be
 * one person's two records at one address: last names within one edit
 * (two for names of 8 letters or more), and first names equal, one a
 * prefix of the other of 3 letters or more (Jon / Jonathan), one an
 * initial of the other, or within one edit when both have 6 letters or
 * more (Mark and Mary are two people). Different first names of one
 * family (Bob and Carol Smith) are not close. A missing first name on
 * both sides counts as equal; on one side only, not close. */
bool rp_dup_names_close(const char *first_a, const char *last_a, const char *first_b,
                        const char *last_b);

/* The key of an address for grouping: the folded street and postal code
 * (the city when there is no postal code); "" when there is no street. */
void rp_dup_address_key(char *out, size_t cap, const char *street, const char *postal_code,
                        const char *city);

#endif
