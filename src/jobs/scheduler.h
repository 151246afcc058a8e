/* scheduler.h: the work scheduler of `rapport serve` (issue 6): every
 * second, for every account, the workflow steps that are due
 * (jobs/workflows.c) and then the outbox (a sender given by the caller:
 * channels/outbox.c in the server).
 *
 * A thread with its own database connection. Each account's due steps run
 * in one write transaction with the step marked done, so a step runs once:
 * on SQLite the write lock serialises the processes of one database; a
 * step another process ended meanwhile makes the pass roll back (see
 * rp_workflows_run_due). After downtime the queue catches up at most
 * RP_SCHED_BATCH steps per account and pass; a message step more than 48 h
 * late is skipped, not sent (workflows.h). */
#ifndef RP_JOBS_SCHEDULER_H
#define RP_JOBS_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/clock.h"

#define RP_SCHED_BATCH 200

/* Sends what is due in the account's outbox at now; returns 0 or an
 * error (logged; the next pass tries again). */
typedef int (*rp_sched_sender)(rp_store *s, const char *account_id, rp_time now);

typedef struct rp_scheduler rp_scheduler;

typedef struct rp_scheduler_opts {
  const char *db_path;    /* an already migrated database; copied */
  int interval_ms;        /* between passes; 0 = 1000 */
  bool run_steps;         /* run the due workflow steps */
  rp_sched_sender sender; /* may be NULL: no sending */
} rp_scheduler_opts;

typedef struct rp_sched_report {
  size_t accounts, steps, failed_steps, send_errors;
} rp_sched_report;

/* Starts the thread (SIGTERM and SIGINT blocked in it); the first pass
 * runs at once. Stop and free with rp_scheduler_stop. */
int rp_scheduler_start(rp_scheduler **out, const rp_scheduler_opts *o);

/* Asks for a pass now (after a write that made work due at once, such as
 * a captured lead). Thread-safe; NULL is fine. */
void rp_scheduler_poke(rp_scheduler *s);
/* Pokes every scheduler this process started (the server calls it after
 * each committed write: a step or a message may be due at once, and speed
 * to lead should not wait for the next second). */
void rp_scheduler_poke_all(void);

/* Lets the pass in progress finish, joins the thread, frees. NULL is fine. */
void rp_scheduler_stop(rp_scheduler *s);

/* One pass at now over every account, on connection st (outside any
 * transaction): the due steps when run_steps, then the sender (may be
 * NULL). */
int rp_scheduler_pass(rp_sched_report *out, rp_store *st, rp_time now, bool run_steps,
                      rp_sched_sender sender);

#endif
