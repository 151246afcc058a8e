/* ticker.h: a background thread that calls a function at start and then
 * every interval, until stopped; a poke runs it again at once. The stop
 * signals (SIGTERM, SIGINT) are blocked in the thread: they belong to the
 * server's sigwait. Used by the schedulers of `rapport serve`. */
#ifndef RP_UTIL_TICKER_H
#define RP_UTIL_TICKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct rp_ticker rp_ticker;

/* Called on the ticker's thread; `stopping` turns true when a stop was
 * asked (a long pass may look at it and end early). */
typedef void (*rp_ticker_fn)(void *ctx, const atomic_bool *stopping);

/* Starts the thread. RP_EINTERNAL when it cannot start. */
int rp_ticker_start(rp_ticker **out, int interval_ms, rp_ticker_fn fn, void *ctx);
/* Runs fn again as soon as the current pass (if any) ends. NULL is fine. */
void rp_ticker_poke(rp_ticker *t);
/* How many passes have finished. */
uint64_t rp_ticker_passes(const rp_ticker *t);
/* Lets the pass in progress finish, joins, frees. NULL is fine. */
void rp_ticker_stop(rp_ticker *t);

#endif
