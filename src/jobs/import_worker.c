/* import_worker.c: see import_worker.h. */
#include "jobs/import_worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/import.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/ticker.h"

struct rp_import_worker {
  char *db_path;
  rp_store *st;
  rp_ticker *ticker;
};

static rp_import_worker *current; /* the one of this process, for pokes */
static pthread_mutex_t current_mu = PTHREAD_MUTEX_INITIALIZER;

typedef struct batch_ctx {
  rp_store *s;
  rp_import_job *job;
  rp_import_counts base; /* the job's counts before this run (a resumed job) */
  const atomic_bool *stopping;
  bool stopped;
} batch_ctx;

/* import.h on_batch: the counts, the new errors and a renewed lease, in
 * the batch's transaction. A stop of the server ends the run here: the
 * batch is rolled back and the job resumes at the next start. */
static int on_batch(void *ctx, const rp_import_counts *c, const rp_import_error *errs,
                    size_t n_errs) {
  batch_ctx *b = ctx;
  if (b->stopping && atomic_load(b->stopping)) {
    b->stopped = true;
    return rp_error_set(RP_EINTERNAL, NULL, "the server is stopping");
  }
  rp_import_job *j = b->job;
  j->total = c->total;
  j->processed = c->processed;
  j->created = b->base.created + c->created;
  j->merged = b->base.merged + c->merged;
  j->skipped = b->base.skipped + c->skipped;
  j->error_count = b->base.errors + c->errors;
  return rp_store_import_progress(b->s, j, errs, n_errs, rp_clock_now() + RP_IMPORT_LEASE_S);
}

/* The job's format and duplicate policy as import.h takes them. */
static void job_opts(rp_import_opts *o, const rp_import_job *job) {
  o->format = !strcmp(job->format, "csv")     ? RP_IMPORT_CSV
              : !strcmp(job->format, "vcard") ? RP_IMPORT_VCARD
                                              : RP_IMPORT_ICS;
  rp_on_duplicate d = RP_ONDUP_MERGE;
  if (rp_import_on_duplicate_parse(&d, job->on_duplicate)) rp_error_clear();
  o->on_duplicate = d;
}

static int run_one(rp_store *s, const atomic_bool *stopping, bool *ran) {
  rp_arena ar = {0};
  rp_import_job job;
  bool found = false;
  *ran = false;
  rp_time now = rp_clock_now();
  int rc = rp_store_begin(s, true);
  if (!rc) rc = rp_store_import_claim(s, &ar, &job, now, RP_IMPORT_LEASE_S, &found);
  if (!rc) rc = rp_store_commit(s);
  if (rc || !found) {
    rp_store_rollback(s);
    rp_arena_free(&ar);
    return rc;
  }
  *ran = true;
  rp_import_opts o = {.store = s, .account_id = job.account_id, .user_id = job.created_by,
                      .now = now, .resume = job.processed, .on_batch = on_batch,
                      .pause_ms = 50};
  job_opts(&o, &job);
  batch_ctx b = {.s = s, .job = &job, .stopping = stopping};
  b.base = (rp_import_counts){.created = job.created, .merged = job.merged,
                              .skipped = job.skipped, .errors = job.error_count};
  o.ctx = &b;
  rp_import_counts c = {0};
  rc = rp_store_import_body(s, &ar, job.account_id, job.id, &o.data, &o.len);
  if (!rc) rc = rp_import_run(&o, &c);
  if (b.stopped) {
    rp_log_info("import %s: paused at %lld of %lld records, resumes at the next start", job.id,
                (long long)job.processed, (long long)job.total);
    rp_arena_free(&ar);
    return 0;
  }
  char why[256] = "";
  if (rc) snprintf(why, sizeof why, "%.250s", rp_error_last()->message);
  /* the planner's statistics after a large import (PostgreSQL's would be
   * those of the empty tables) */
  if (!rc && c.created + c.merged >= 1000 && rp_store_optimize(s))
    rp_log_warn("import %s: refreshing statistics: %s", job.id, rp_error_last()->message);
  rp_log_info("import %s (%s): %s; %lld of %lld records, %lld created, %lld merged, "
              "%lld skipped, %lld errors",
              job.id, job.format, rc ? why : "done", (long long)job.processed,
              (long long)job.total, (long long)job.created, (long long)job.merged,
              (long long)job.skipped, (long long)job.error_count);
  int frc = rp_store_begin(s, true);
  if (!frc)
    frc = rp_store_import_finish(s, job.account_id, job.id, rc == 0, rc ? why : NULL,
                                 rp_clock_now());
  if (!frc) frc = rp_store_commit(s);
  rp_store_rollback(s);
  rp_arena_free(&ar);
  return frc;
}

int rp_import_worker_run_one(rp_store *s, bool *ran) {
  return run_one(s, NULL, ran);
}

static void tick(void *ctx, const atomic_bool *stopping) {
  rp_import_worker *w = ctx;
  if (!w->st && rp_store_open(&w->st, w->db_path) != 0) {
    rp_log_error("imports: cannot open the database: %s", rp_error_last()->message);
    w->st = NULL;
    return;
  }
  bool ran = true;
  while (ran && !atomic_load(stopping))
    if (run_one(w->st, stopping, &ran)) {
      rp_log_error("imports: %s", rp_error_last()->message);
      break;
    }
}

int rp_import_worker_start(rp_import_worker **out, const char *db_path) {
  rp_import_worker *w = rp_xcalloc(1, sizeof *w);
  w->db_path = rp_xstrdup(db_path);
  int rc = rp_ticker_start(&w->ticker, 2000, tick, w);
  if (rc) {
    free(w->db_path);
    free(w);
    return rc;
  }
  pthread_mutex_lock(&current_mu);
  current = w;
  pthread_mutex_unlock(&current_mu);
  *out = w;
  return 0;
}

void rp_import_worker_poke_all(void) {
  pthread_mutex_lock(&current_mu);
  if (current) rp_ticker_poke(current->ticker);
  pthread_mutex_unlock(&current_mu);
}

void rp_import_worker_stop(rp_import_worker *w) {
  if (!w) return;
  pthread_mutex_lock(&current_mu);
  if (current == w) current = NULL;
  pthread_mutex_unlock(&current_mu);
  rp_ticker_stop(w->ticker);
  rp_store_close(w->st);
  free(w->db_path);
  free(w);
}
