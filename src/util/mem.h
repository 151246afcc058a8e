/* mem.h: allocation that never returns NULL. Out of memory aborts with a
 * message, as redis does: there is no sane recovery inside a request. */
#ifndef RP_MEM_H
#define RP_MEM_H

#include <stddef.h>

void *rp_xmalloc(size_t n);
void *rp_xcalloc(size_t n, size_t size);
void *rp_xrealloc(void *p, size_t n);
char *rp_xstrdup(const char *s);
char *rp_xstrndup(const char *s, size_t n);

#endif
