/* metrics.h: process-wide HTTP counters for GET /metrics (Prometheus text
 * exposition format 0.0.4). Everything is a relaxed atomic: recording costs a
 * few uncontended increments and never takes a lock. */
#ifndef RP_METRICS_H
#define RP_METRICS_H

#include <stdint.h>

#include "util/strbuf.h"

/* Records the start time for rapport_uptime_seconds (the server calls it
 * once at start; before that uptime counts from the first metrics call). */
void rp_metrics_start(void);

/* One request entered the server (first access-handler call) / left it
 * (completed or aborted). The difference is rapport_http_in_flight. */
void rp_metrics_inflight_inc(void);
void rp_metrics_inflight_dec(void);
/* Requests currently in flight (the graceful stop waits for 0). */
long rp_metrics_inflight(void);

/* Counts one answered request: method ("GET", ...; anything unusual is
 * counted as "OTHER"), HTTP status, and its duration in microseconds. */
void rp_metrics_observe(const char *method, int status, uint64_t duration_us);

/* Appends the whole exposition text to out (the caller owns out). */
void rp_metrics_render(rp_sb *out);

/* Monotonic microseconds, for request durations. */
uint64_t rp_metrics_now_us(void);

#endif
