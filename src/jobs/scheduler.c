/* scheduler.c: see scheduler.h. */
#include "jobs/scheduler.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/lifecycle.h"
#include "jobs/workflow_library.h"
#include "jobs/workflows.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/ticker.h"

struct rp_scheduler {
  char *db_path;
  bool run_steps;
  bool seeded; /* the library was checked for every account at start */
  rp_sched_sender sender;
  rp_store *st; /* the thread's connection */
  rp_ticker *ticker;
};

/* The schedulers this process runs (rp_scheduler_poke_all). */
#define REGISTRY_MAX 8
static rp_scheduler *registry[REGISTRY_MAX];
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;

static void registry_add(rp_scheduler *s) {
  pthread_mutex_lock(&registry_mu);
  for (int i = 0; i < REGISTRY_MAX; i++)
    if (!registry[i]) {
      registry[i] = s;
      break;
    }
  pthread_mutex_unlock(&registry_mu);
}

static void registry_remove(rp_scheduler *s) {
  pthread_mutex_lock(&registry_mu);
  for (int i = 0; i < REGISTRY_MAX; i++)
    if (registry[i] == s) registry[i] = NULL;
  pthread_mutex_unlock(&registry_mu);
}

/* The account's due steps at now, in one write transaction; a step that
 * fails is rolled back with the rest and then marked failed on its own, so
 * it cannot block the queue. */
static int run_account_steps(rp_sched_report *out, rp_store *st, const rp_account *a, rp_time now) {
  rp_arena ar = {0};
  rp_lifecycle lc;
  rp_due_step failed;
  int ran = 0;
  int rc = rp_store_begin(st, true);
  if (!rc) rc = rp_lifecycle_init(&lc, st, &ar, a->id, NULL, now);
  memset(&failed, 0, sizeof failed);
  if (!rc) rc = rp_workflows_run_due(&lc, RP_SCHED_BATCH, &ran, &failed);
  if (!rc) rc = rp_store_commit(st);
  if (!rc) {
    out->steps += (size_t)ran;
    if (ran) rp_log_debug("scheduler: account '%.80s': %d step(s) run", a->name, ran);
    goto cleanup;
  }
  char why[256];
  snprintf(why, sizeof why, "%.250s", rp_error_last()->message);
  rp_store_rollback(st);
  if (!failed.run_id[0]) {
    rp_log_error("scheduler: account '%.80s': %s", a->name, why);
    goto cleanup;
  }
  rp_log_error("scheduler: account '%.80s': step %d of run %s failed: %s", a->name, failed.step,
               failed.run_id, why);
  out->failed_steps++;
  if (!(rc = rp_store_begin(st, true)) &&
      !(rc = rp_lifecycle_init(&lc, st, &ar, a->id, NULL, now)) &&
      !(rc = rp_workflows_step_failed(&lc, &failed, why)))
    rc = rp_store_commit(st);
  rp_store_rollback(st);
cleanup:
  rp_arena_free(&ar);
  return rc;
}

int rp_scheduler_pass(rp_sched_report *out, rp_store *st, rp_time now, bool run_steps,
                      rp_sched_sender sender) {
  rp_arena ar = {0};
  rp_account *accts;
  size_t n;
  memset(out, 0, sizeof *out);
  int rc = rp_store_account_list(st, &ar, &accts, &n);
  if (rc) goto cleanup;
  for (size_t i = 0; i < n; i++) {
    out->accounts++;
    if (run_steps) run_account_steps(out, st, &accts[i], now);
    if (sender && sender(st, accts[i].id, now)) {
      out->send_errors++;
      rp_log_error("outbox: account '%.80s': %s", accts[i].name, rp_error_last()->message);
      rp_store_rollback(st);
    }
  }
cleanup:
  rp_arena_free(&ar);
  return rc;
}

static void tick(void *ctx, const atomic_bool *stopping) {
  rp_scheduler *s = ctx;
  if (atomic_load(stopping)) return;
  if (!s->st && rp_store_open(&s->st, s->db_path) != 0) {
    rp_log_error("scheduler: cannot open the database: %s", rp_error_last()->message);
    s->st = NULL;
    return;
  }
  if (!s->seeded && s->run_steps) {
    /* accounts made before the library existed (or by an older version)
     * get the workflows they lack, once per start */
    rp_arena ar = {0};
    rp_account *accts;
    size_t n;
    int rc = rp_store_account_list(s->st, &ar, &accts, &n);
    for (size_t i = 0; !rc && i < n; i++) {
      int seeded = 0;
      if (!(rc = rp_store_begin(s->st, true)) &&
          !(rc = rp_workflow_library_seed(s->st, accts[i].id, rp_clock_now(), &seeded)))
        rc = rp_store_commit(s->st);
      rp_store_rollback(s->st);
      if (seeded)
        rp_log_info("account '%.80s': %d built-in workflow(s) added", accts[i].name, seeded);
    }
    if (rc) rp_log_error("scheduler: seeding the workflow library: %s", rp_error_last()->message);
    rp_arena_free(&ar);
    s->seeded = true;
  }
  rp_sched_report rep;
  if (rp_scheduler_pass(&rep, s->st, rp_clock_now(), s->run_steps, s->sender))
    rp_log_error("scheduler: %s", rp_error_last()->message);
}

int rp_scheduler_start(rp_scheduler **out, const rp_scheduler_opts *o) {
  *out = NULL;
  if (!o || !o->db_path || !*o->db_path)
    return rp_error_set(RP_EINVALID_VALUE, "db", "the scheduler needs a database path");
  rp_scheduler *s = rp_xcalloc(1, sizeof *s);
  s->db_path = rp_xstrdup(o->db_path);
  s->sender = o->sender;
  s->run_steps = o->run_steps;
  int rc = rp_ticker_start(&s->ticker, o->interval_ms > 0 ? o->interval_ms : 1000, tick, s);
  if (rc) {
    free(s->db_path);
    free(s);
    return rc;
  }
  registry_add(s);
  *out = s;
  return 0;
}

void rp_scheduler_poke(rp_scheduler *s) {
  if (s) rp_ticker_poke(s->ticker);
}

void rp_scheduler_poke_all(void) {
  pthread_mutex_lock(&registry_mu);
  for (int i = 0; i < REGISTRY_MAX; i++)
    if (registry[i]) rp_ticker_poke(registry[i]->ticker);
  pthread_mutex_unlock(&registry_mu);
}

void rp_scheduler_stop(rp_scheduler *s) {
  if (!s) return;
  registry_remove(s);
  rp_ticker_stop(s->ticker);
  rp_store_close(s->st);
  free(s->db_path);
  free(s);
}
