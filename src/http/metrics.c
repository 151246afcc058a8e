#include "http/metrics.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

static const char *const methods[] = {"GET",   "HEAD",   "POST",    "PUT",
                                      "PATCH", "DELETE", "OPTIONS", "OTHER"};
#define N_METHODS (sizeof methods / sizeof methods[0])
#define STATUS_MIN 100
#define STATUS_MAX 599
#define N_STATUS (STATUS_MAX - STATUS_MIN + 1)

/* Upper bounds of the latency histogram, in microseconds (le labels). */
static const uint64_t bucket_us[] = {1000,   5000,   10000,   25000,   50000,   100000,
                                     250000, 500000, 1000000, 2500000, 5000000, 10000000};
static const char *const bucket_le[] = {"0.001", "0.005", "0.01", "0.025", "0.05", "0.1",
                                        "0.25",  "0.5",   "1",    "2.5",   "5",    "10"};
#define N_BUCKETS (sizeof bucket_us / sizeof bucket_us[0])

static atomic_ulong requests[N_METHODS][N_STATUS];
static atomic_ulong buckets[N_BUCKETS + 1]; /* the last one is +Inf only */
static atomic_ulong duration_sum_us;
static atomic_ulong duration_count;
static atomic_long in_flight;
static atomic_ulong start_us;

uint64_t rp_metrics_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Records the start time (first caller wins). */
void rp_metrics_start(void) {
  unsigned long zero = 0;
  atomic_compare_exchange_strong(&start_us, &zero, (unsigned long)rp_metrics_now_us());
}

/* In-flight gauge, also read by the graceful stop. */
void rp_metrics_inflight_inc(void) {
  atomic_fetch_add_explicit(&in_flight, 1, memory_order_relaxed);
}
void rp_metrics_inflight_dec(void) {
  atomic_fetch_sub_explicit(&in_flight, 1, memory_order_relaxed);
}
long rp_metrics_inflight(void) { return atomic_load(&in_flight); }

static size_t method_index(const char *m) {
  for (size_t i = 0; i + 1 < N_METHODS; i++)
    if (m && strcmp(m, methods[i]) == 0) return i;
  return N_METHODS - 1;
}

/* Counts one answered request by method and status, and its latency. */
void rp_metrics_observe(const char *method, int status, uint64_t duration_us) {
  if (status < STATUS_MIN || status > STATUS_MAX) status = 500;
  atomic_fetch_add_explicit(&requests[method_index(method)][status - STATUS_MIN], 1,
                            memory_order_relaxed);
  size_t b = 0;
  while (b < N_BUCKETS && duration_us > bucket_us[b])
    b++;
  atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&duration_sum_us, duration_us, memory_order_relaxed);
  atomic_fetch_add_explicit(&duration_count, 1, memory_order_relaxed);
}

/* Renders every family in the Prometheus text format, version 0.0.4. */
void rp_metrics_render(rp_sb *out) {
  rp_metrics_start();
  rp_sb_puts(out, "# HELP rapport_http_requests_total HTTP requests answered, by method and "
                  "status.\n# TYPE rapport_http_requests_total counter\n");
  for (size_t m = 0; m < N_METHODS; m++)
    for (int s = 0; s < N_STATUS; s++) {
      unsigned long v = atomic_load_explicit(&requests[m][s], memory_order_relaxed);
      if (v)
        rp_sb_printf(out, "rapport_http_requests_total{method=\"%s\",status=\"%d\"} %lu\n",
                     methods[m], s + STATUS_MIN, v);
    }

  rp_sb_puts(out, "# HELP rapport_http_request_duration_seconds Time from the first byte of "
                  "the request to the queued answer.\n"
                  "# TYPE rapport_http_request_duration_seconds histogram\n");
  unsigned long cum = 0;
  for (size_t b = 0; b < N_BUCKETS; b++) {
    cum += atomic_load_explicit(&buckets[b], memory_order_relaxed);
    rp_sb_printf(out, "rapport_http_request_duration_seconds_bucket{le=\"%s\"} %lu\n", bucket_le[b],
                 cum);
  }
  cum += atomic_load_explicit(&buckets[N_BUCKETS], memory_order_relaxed);
  unsigned long sum = atomic_load_explicit(&duration_sum_us, memory_order_relaxed);
  unsigned long count = atomic_load_explicit(&duration_count, memory_order_relaxed);
  /* The count and the +Inf bucket must agree: use the larger snapshot. */
  if (count < cum) count = cum;
  rp_sb_printf(out, "rapport_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", count);
  rp_sb_printf(out, "rapport_http_request_duration_seconds_sum %lu.%06lu\n", sum / 1000000u,
               sum % 1000000u);
  rp_sb_printf(out, "rapport_http_request_duration_seconds_count %lu\n", count);

  rp_sb_puts(out, "# HELP rapport_http_in_flight Requests being processed.\n"
                  "# TYPE rapport_http_in_flight gauge\n");
  rp_sb_printf(out, "rapport_http_in_flight %ld\n", rp_metrics_inflight());

  uint64_t up = rp_metrics_now_us() - atomic_load(&start_us);
  rp_sb_puts(out, "# HELP rapport_uptime_seconds Seconds since the server started.\n"
                  "# TYPE rapport_uptime_seconds gauge\n");
  rp_sb_printf(out, "rapport_uptime_seconds %llu.%03llu\n", (unsigned long long)(up / 1000000u),
               (unsigned long long)(up % 1000000u / 1000u));
}
