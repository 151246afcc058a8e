/* daily_scheduler.c: the daily job of `rapport serve`, once per account
 * and local day (daily_scheduler.h; SCORING.md, DOMAIN.md A2-A4). */
#include "jobs/daily_scheduler.h"

#include <jansson.h>
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
#include "util/ticker.h"
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
  rp_ticker *ticker;
  rp_store *st; /* the ticker thread's connection */
  memory mem;   /* the thread's */
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

void rp_daily_chunked(rp_daily_opts *o) {
  const char *env = getenv("RAPPORT_DAILY_CHUNK");
  long most = env ? strtol(env, NULL, 10) : 0;
  o->chunk = most > 0 ? (size_t)most : RP_DAILY_CHUNK;
  o->chunk_ms = RP_DAILY_CHUNK_MS;
  o->pause_ms = RP_DAILY_PAUSE_MS;
}

/* The run of account a for its local day of now, when due: the job in
 * short transactions, the claim with the last one. *day gets the local
 * day of now. */
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
  /* The job writes ~RP_DAILY_CHUNK_MS transactions so that the
   * server's writes get in between (at a million contacts it takes 10-40
   * s), and the claim goes in with its last one: a run that fails or is
   * killed leaves no claim, and its committed ranges are what the rerun a
   * minute later writes again. Two processes that start a day at once
   * both do the work (the writes are checked afresh in each transaction,
   * so nothing is doubled); the second's claim fails and its last
   * transaction is rolled back. */
  rp_daily_opts o = {.T = now, .keep_scores = true};
  rp_daily_chunked(&o);
  bool claimed = false;
  int rc = rp_store_daily_claimed(st, a->id, *day, &claimed);
  if (!rc && !claimed) {
    rc = rp_scoring_daily(&rep, st, &ar, a->id, &o);
    if (!rc) rc = rp_store_daily_claim(st, a->id, *day, now);
    claimed = rc == RP_ECONFLICT;
  }
  if (claimed) {
    rp_log_debug("daily job: account '%.80s' %s already claimed", a->name ? a->name : a->id,
                 day_text(*day, dtext));
    res = OUT_CLAIMED;
    goto cleanup;
  }
  if (rc || (rc = rp_store_commit(st))) goto cleanup;
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

/* One wake of the ticker's thread (util/ticker.h). */
static void tick(void *ctx, const atomic_bool *stopping) {
  rp_daily_scheduler *s = ctx;
  if (!s->st && rp_store_open(&s->st, s->db_path) != 0) {
    rp_log_error("daily job: cannot open the database: %s", rp_error_last()->message);
    s->st = NULL;
  }
  if (s->st && !atomic_load(stopping)) pass(NULL, s->st, rp_clock_now(), &s->mem, stopping);
}

int rp_daily_scheduler_start(rp_daily_scheduler **out, const rp_daily_scheduler_opts *o) {
  *out = NULL;
  if (!o || !o->db_path || !*o->db_path)
    return rp_error_set(RP_EINVALID_VALUE, "db", "the daily job needs a database path");
  rp_daily_scheduler *s = rp_xcalloc(1, sizeof *s);
  s->db_path = rp_xstrdup(o->db_path);
  int rc = rp_ticker_start(&s->ticker, o->interval_ms > 0 ? o->interval_ms : DEFAULT_INTERVAL_MS,
                           tick, s);
  if (rc) {
    free(s->db_path);
    free(s);
    return rc;
  }
  *out = s;
  return 0;
}

void rp_daily_scheduler_stop(rp_daily_scheduler *s) {
  if (!s) return;
  rp_ticker_stop(s->ticker);
  rp_store_close(s->st);
  free(s->mem.items);
  free(s->db_path);
  free(s);
}

uint64_t rp_daily_scheduler_passes(const rp_daily_scheduler *s) {
  return s ? rp_ticker_passes(s->ticker) : 0;
}
