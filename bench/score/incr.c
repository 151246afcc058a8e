/* bench/score/incr.c: the incremental rescore of one write, timed
 * in-process on a big database (issue 5: "incremental rescore on an
 * activity POST: p99 under 2 ms added latency").
 *
 * For N contacts spread evenly over the account (rp_store_contact_split),
 * each in one write transaction that logs an inbound email (as POST
 * /activities does: a new last touch, so the trend and overdue alerts are
 * cleared too) and refreshes the contact, rolled back so that the database
 * is left as it was:
 *   refresh-deferred  the insert and rp_lifecycle_refresh with
 *                     defer_score: what a write paid before issue 5 (last
 *                     touch, overdue, alerts)
 *   refresh-scored    the same as every write now runs it
 *   scoring-contact   rp_scoring_contact alone (the score's facts and
 *                     rp_score_compute)
 * The two refreshes run back to back on the same contact, in alternating
 * order, so the added latency is refresh-scored minus refresh-deferred.
 * Prints p50, p90, p99 and max of each, and of the paired difference.
 *
 * Usage: incr DB [N]   (the first account of DB) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs/lifecycle.h"
#include "jobs/scoring.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/error.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(const double *sorted, size_t n, double q) {
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return sorted[i < n ? i : n - 1];
}

static void report(const char *name, double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  printf("%-26s p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms\n", name, pct(v, n, 0.5),
         pct(v, n, 0.9), pct(v, n, 0.99), v[n - 1]);
}

/* An inbound email and the refresh of its contact in a write
 * transaction, rolled back; its time in ms. */
static double timed_refresh(rp_store *s, const char *acct, const char *id, rp_time now,
                            bool defer) {
  rp_arena ar = {0};
  rp_lifecycle lc;
  rp_activity a = {.kind = RP_KIND_EMAIL,
                   .direction = RP_DIR_INBOUND,
                   .occurred_at = now - 60,
                   .duration_s = -1,
                   .created_at = now,
                   .updated_at = now};
  snprintf(a.account_id, sizeof a.account_id, "%s", acct);
  snprintf(a.contact_id, sizeof a.contact_id, "%s", id);
  double t0 = now_ms();
  int rc = rp_store_begin(s, true);
  if (!rc) rc = rp_store_activity_create(s, &a, true);
  if (!rc) rc = rp_lifecycle_init(&lc, s, &ar, acct, NULL, now);
  lc.defer_score = defer;
  if (!rc) rc = rp_lifecycle_refresh(&lc, id, NULL);
  rp_store_rollback(s);
  double t = now_ms() - t0;
  rp_arena_free(&ar);
  if (rc) {
    fprintf(stderr, "incr: refresh %s: %s\n", id, rp_error_last()->message);
    exit(1);
  }
  return t;
}

static double timed_score(rp_store *s, const char *acct, const char *id, rp_time now) {
  rp_arena ar = {0};
  rp_contact c;
  rp_score_result r;
  double t0 = now_ms();
  int rc = rp_store_begin(s, false);
  if (!rc) rc = rp_store_contact_get(s, &ar, &c, acct, id);
  if (!rc) rc = rp_scoring_contact(&r, s, &ar, &c, now, false);
  rp_store_rollback(s);
  double t = now_ms() - t0;
  rp_arena_free(&ar);
  if (rc) {
    fprintf(stderr, "incr: score %s: %s\n", id, rp_error_last()->message);
    exit(1);
  }
  return t;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: incr DB [N]\n");
    return 2;
  }
  int n = argc > 2 ? atoi(argv[2]) : 2000;
  if (n < 10) n = 10;
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct;
  if (rp_store_open(&s, argv[1]) || rp_store_account_first(s, &ar, &acct)) {
    fprintf(stderr, "incr: %s\n", rp_error_last()->message);
    return 1;
  }
  /* 2n evenly spread contacts: the odd ones warm the connection's caches
   * (statements, the revenue cache, the upper B-tree pages), the even ones
   * are measured, so no measured contact was read before. */
  char(*ids)[RP_ID_LEN] = calloc((size_t)(2 * n), RP_ID_LEN);
  if (rp_store_contact_split(s, acct.id, 2 * n + 1, ids, NULL)) {
    fprintf(stderr, "incr: %s\n", rp_error_last()->message);
    return 1;
  }
  rp_time now = rp_clock_now();
  for (int i = 1; i < 2 * n; i += 2)
    if (ids[i][0]) timed_refresh(s, acct.id, ids[i], now, false);
  double *deferred = calloc((size_t)n, sizeof(double)), *scored = calloc((size_t)n, sizeof(double)),
         *alone = calloc((size_t)n, sizeof(double)), *added = calloc((size_t)n, sizeof(double));
  size_t m = 0;
  for (int i = 0; i < 2 * n; i += 2) {
    if (!ids[i][0]) continue;
    bool first_deferred = (i / 2) % 2 == 0;
    double d, sc;
    if (first_deferred) {
      d = timed_refresh(s, acct.id, ids[i], now, true);
      sc = timed_refresh(s, acct.id, ids[i], now, false);
    } else {
      sc = timed_refresh(s, acct.id, ids[i], now, false);
      d = timed_refresh(s, acct.id, ids[i], now, true);
    }
    deferred[m] = d;
    scored[m] = sc;
    added[m] = sc - d;
    alone[m] = timed_score(s, acct.id, ids[i], now);
    m++;
  }
  printf("%zu contacts measured\n", m);
  report("refresh-deferred", deferred, m);
  report("refresh-scored", scored, m);
  report("added (scored - deferred)", added, m);
  report("scoring-contact", alone, m);
  free(deferred);
  free(scored);
  free(alone);
  free(added);
  free(ids);
  rp_store_close(s);
  rp_arena_free(&ar);
  return 0;
}
