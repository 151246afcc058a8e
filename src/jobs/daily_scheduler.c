/* daily_scheduler.c: the daily job of `rapport serve`, once per account
 * and local day (daily_scheduler.h; SCORING.md, DOMAIN.md A2-A4). */
#include "jobs/daily_scheduler.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs/scoring.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/tz.h"

#define DEFAULT_INTERVAL_MS 60000
#define TZ_NAME_BUF 72

/* The last day the thread saw done for an account (run here, or claimed
 * by another process): no write transaction for it until its day changes. */
typedef struct done_entry {
  char id[RP_ID_LEN];
  int64_t day;
} done_entry;

typedef struct memory {
  done_entry *items; /* sorted by id */
  size_t n;
} memory;

struct rp_daily_scheduler {
  char *db_path;
  int interval_ms;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv; /* on CLOCK_MONOTONIC */
  bool stop;         /* under mu */
  atomic_bool stopping;
  _Atomic uint64_t passes;
  memory mem; /* the thread's */
};

static int by_id(const void *a, const void *b) {
  return strcmp(((const done_entry *)a)->id, ((const done_entry *)b)->id);
}

static done_entry *remembered(const memory *m, const char *id) {
  done_entry key;
  snprintf(key.id, sizeof key.id, "%s", id);
  return m && m->n ? bsearch(&key, m->items, m->n, sizeof *m->items, by_id) : NULL;
}

/* The zone of the account's settings (UTC when none or unknown here, as
 * rp_scoring_day reads it); its name into name, and the unknown name (if
 * any) into unknown. */
static const rp_tz *account_zone(const char *settings_json, char *name, char *unknown, size_t cap) {
  const rp_tz *tz = NULL;
  json_t *root = settings_json ? json_loads(settings_json, 0, NULL) : NULL;
  const char *zone = json_string_value(json_object_get(root, "timezone"));
  unknown[0] = 0;
  if (zone) tz = rp_tz_get(zone);
  if (tz) {
    snprintf(name, cap, "%s", zone);
  } else {
    if (zone) snprintf(unknown, cap, "%s", zone);
    rp_error_clear();
    tz = rp_tz_utc();
    snprintf(name, cap, "UTC");
  }
  json_decref(root);
  return tz;
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static const char *day_text(int64_t day, char out[static 24]) {
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(day, &y, &m, &d);
  snprintf(out, 24, "%04lld-%02u-%02u", (long long)y, m, d);
  return out;
}

typedef enum { OUT_NOT_DUE, OUT_RAN, OUT_CLAIMED, OUT_FAILED } outcome;

/* The run of account a for its local day of now, when due: claim and job
 * in one write transaction. *day gets the local day of now. */
static outcome run_account(rp_store *st, const rp_account *a, rp_time now, int64_t known_done,
                           int64_t *day) {
  char zone[TZ_NAME_BUF], unknown[TZ_NAME_BUF], dtext[24], when[21];
  rp_arena ar = {0};
  outcome res = OUT_FAILED;
  *day = rp_scoring_day(a->settings_json, now); /* the day the job keeps its rows under */
  if (*day == known_done) return OUT_CLAIMED;
  const rp_tz *tz = account_zone(a->settings_json, zone, unknown, sizeof zone);
  if (now < rp_tz_instant(tz, *day, RP_DAILY_DUE_SECONDS)) return OUT_NOT_DUE;
  if (unknown[0])
    rp_log_warn("daily job: account '%.80s': unknown timezone \"%.64s\" in its settings; "
                "using UTC",
                a->name ? a->name : a->id, unknown);

  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rp_daily_report rep;
  memset(&rep, 0, sizeof rep);
  rp_daily_opts o = {.T = now, .keep_scores = true};
  int rc = rp_store_begin(st, true);
  if (rc) goto cleanup;
  rc = rp_store_daily_claim(st, a->id, *day, now);
  if (rc == RP_ECONFLICT) {
    rp_log_debug("daily job: account '%.80s' %s already claimed", a->name ? a->name : a->id,
                 day_text(*day, dtext));
    res = OUT_CLAIMED;
    goto cleanup;
  }
  if (rc || (rc = rp_scoring_daily(&rep, st, &ar, a->id, &o)) || (rc = rp_store_commit(st)))
    goto cleanup;
  size_t raised = 0;
  for (int k = 0; k < RP_ALERT_REASON_COUNT; k++)
    raised += rep.raised[k];
  rp_log_info("daily job: account '%.80s' %s (%s) as of %s: %zu contacts, %zu scores rewritten, "
              "%zu history rows, %zu alerts raised, %zu cleared, rFactor %.1f, in %.2f s",
              a->name ? a->name : a->id, day_text(*day, dtext), zone, rp_time_format(now, when),
              rep.contacts, rep.changed, rep.history_rows, raised, rep.cleared, rep.rfactor.rfactor,
              seconds_since(&t0));
  res = OUT_RAN;
cleanup:
  rp_store_rollback(st); /* no-op after the commit */
  if (res == OUT_FAILED)
    rp_log_error("daily job: account '%.80s' %s failed (no claim kept; tried again in a "
                 "minute): %s",
                 a->name ? a->name : a->id, day_text(*day, dtext),
                 rp_error_last()->message[0] ? rp_error_last()->message : "internal error");
  rp_arena_free(&ar);
  return res;
}

/* A pass over every account; mem (may be NULL) is read, then replaced by
 * the days this pass saw done; stopping (may be NULL) ends it between
 * accounts. */
static int pass(rp_daily_pass_report *out, rp_store *st, rp_time now, memory *mem,
                const atomic_bool *stopping) {
  rp_daily_pass_report rep = {0};
  rp_arena ar = {0};
  rp_account *accts = NULL;
  size_t n = 0;
  done_entry *next = NULL;
  size_t n_next = 0;
  int rc = rp_store_account_list(st, &ar, &accts, &n);
  if (rc) {
    rp_log_error("daily job: cannot list the accounts: %s", rp_error_last()->message);
    goto cleanup;
  }
  next = rp_xcalloc(n ? n : 1, sizeof *next);
  for (size_t i = 0; i < n; i++) {
    if (stopping && atomic_load(stopping)) break;
    const done_entry *known = remembered(mem, accts[i].id);
    int64_t day = 0;
    rep.accounts++;
    switch (run_account(st, &accts[i], now, known ? known->day : INT64_MIN, &day)) {
    case OUT_RAN: rep.ran++; break;
    case OUT_CLAIMED: rep.claimed++; break;
    case OUT_FAILED: rep.failed++; continue;
    case OUT_NOT_DUE: continue;
    }
    snprintf(next[n_next].id, sizeof next[n_next].id, "%s", accts[i].id);
    next[n_next++].day = day;
  }
  if (mem) {
    qsort(next, n_next, sizeof *next, by_id);
    free(mem->items);
    mem->items = next;
    mem->n = n_next;
    next = NULL;
  }
cleanup:
  free(next);
  rp_arena_free(&ar);
  if (out) *out = rep;
  return rc;
}

int rp_daily_pass(rp_daily_pass_report *out, rp_store *st, rp_time now) {
  return pass(out, st, now, NULL, NULL);
}

static void *thread_main(void *arg) {
  rp_daily_scheduler *s = arg;
  rp_store *st = NULL;
  for (;;) {
    if (!st && rp_store_open(&st, s->db_path) != 0) {
      rp_log_error("daily job: cannot open the database: %s", rp_error_last()->message);
      st = NULL;
    }
    if (st && !atomic_load(&s->stopping)) pass(NULL, st, rp_clock_now(), &s->mem, &s->stopping);
    atomic_fetch_add(&s->passes, 1);

    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += s->interval_ms / 1000;
    deadline.tv_nsec += (long)(s->interval_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &deadline) != ETIMEDOUT) {
    }
    bool stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    if (stop) break;
  }
  rp_store_close(st);
  return NULL;
}

int rp_daily_scheduler_start(rp_daily_scheduler **out, const rp_daily_scheduler_opts *o) {
  *out = NULL;
  if (!o || !o->db_path || !*o->db_path)
    return rp_error_set(RP_EINVALID_VALUE, "db", "the daily job needs a database path");
  rp_daily_scheduler *s = rp_xcalloc(1, sizeof *s);
  s->db_path = rp_xstrdup(o->db_path);
  s->interval_ms = o->interval_ms > 0 ? o->interval_ms : DEFAULT_INTERVAL_MS;
  atomic_init(&s->stopping, false);
  atomic_init(&s->passes, 0);
  pthread_mutex_init(&s->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);

  /* the thread inherits a mask without the stop signals: they belong to
   * the server's sigwait */
  sigset_t sigs, old;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, &old);
  int err = pthread_create(&s->thread, NULL, thread_main, s);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err != 0) {
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s->db_path);
    free(s);
    return rp_error_set(RP_EINTERNAL, NULL, "cannot start the daily job's thread: %s",
                        strerror(err));
  }
  *out = s;
  return 0;
}

void rp_daily_scheduler_stop(rp_daily_scheduler *s) {
  if (!s) return;
  atomic_store(&s->stopping, true);
  pthread_mutex_lock(&s->mu);
  s->stop = true;
  pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->thread, NULL);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  free(s->mem.items);
  free(s->db_path);
  free(s);
}

uint64_t rp_daily_scheduler_passes(const rp_daily_scheduler *s) {
  return s ? atomic_load(&((rp_daily_scheduler *)s)->passes) : 0;
}
