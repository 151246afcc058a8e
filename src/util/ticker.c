/* ticker.c: see ticker.h. */
#include "util/ticker.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/error.h"
#include "util/mem.h"

struct rp_ticker {
  int interval_ms;
  rp_ticker_fn fn;
  void *ctx;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv; /* on CLOCK_MONOTONIC */
  bool stop, poked;  /* under mu */
  atomic_bool stopping;
  _Atomic uint64_t passes;
};

static void *thread_main(void *arg) {
  rp_ticker *t = arg;
  for (;;) {
    if (!atomic_load(&t->stopping)) t->fn(t->ctx, &t->stopping);
    atomic_fetch_add(&t->passes, 1);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += t->interval_ms / 1000;
    deadline.tv_nsec += (long)(t->interval_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&t->mu);
    while (!t->stop && !t->poked &&
           pthread_cond_timedwait(&t->cv, &t->mu, &deadline) != ETIMEDOUT) {
    }
    bool stop = t->stop;
    t->poked = false;
    pthread_mutex_unlock(&t->mu);
    if (stop) break;
  }
  return NULL;
}

int rp_ticker_start(rp_ticker **out, int interval_ms, rp_ticker_fn fn, void *ctx) {
  *out = NULL;
  rp_ticker *t = rp_xcalloc(1, sizeof *t);
  t->interval_ms = interval_ms > 0 ? interval_ms : 1000;
  t->fn = fn;
  t->ctx = ctx;
  atomic_init(&t->stopping, false);
  atomic_init(&t->passes, 0);
  pthread_mutex_init(&t->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&t->cv, &ca);
  pthread_condattr_destroy(&ca);
  sigset_t sigs, old;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, &old);
  int err = pthread_create(&t->thread, NULL, thread_main, t);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err != 0) {
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    free(t);
    return rp_error_set(RP_EINTERNAL, NULL, "cannot start a thread: %s", strerror(err));
  }
  *out = t;
  return 0;
}

void rp_ticker_poke(rp_ticker *t) {
  if (!t) return;
  pthread_mutex_lock(&t->mu);
  t->poked = true;
  pthread_cond_signal(&t->cv);
  pthread_mutex_unlock(&t->mu);
}

uint64_t rp_ticker_passes(const rp_ticker *t) { return t ? atomic_load(&t->passes) : 0; }

void rp_ticker_stop(rp_ticker *t) {
  if (!t) return;
  atomic_store(&t->stopping, true);
  pthread_mutex_lock(&t->mu);
  t->stop = true;
  pthread_cond_signal(&t->cv);
  pthread_mutex_unlock(&t->mu);
  pthread_join(t->thread, NULL);
  pthread_cond_destroy(&t->cv);
  pthread_mutex_destroy(&t->mu);
  free(t);
}
