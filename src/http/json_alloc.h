/* json_alloc.h: per-thread free lists for jansson's small values in the
 * server (json_alloc.c explains why). */
#ifndef RP_JSON_ALLOC_H
#define RP_JSON_ALLOC_H

/* Makes jansson allocate through the lists (once per process). */
void rp_json_alloc_setup(void);

/* Frees the calling thread's lists now (a thread that is not ending:
 * other threads' lists go with them). */
void rp_json_alloc_drain_thread(void);

#endif
