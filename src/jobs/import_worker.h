/* import_worker.h: the thread of `rapport serve` that runs the queued
 * imports (POST /api/v1/imports), one at a time, oldest first.
 *
 * A job is claimed with a lease (RP_IMPORT_LEASE_S) that each batch renews
 * in its own transaction, together with the counts and errors so far; a
 * worker that dies leaves a job whose lease runs out, and the next claim
 * resumes it after the records already committed (import.h), so no record
 * is written twice and none is lost. */
#ifndef RP_IMPORT_WORKER_H
#define RP_IMPORT_WORKER_H

#include <stdbool.h>

#include "store/store.h"
#include "util/clock.h"

#define RP_IMPORT_LEASE_S 60

typedef struct rp_import_worker rp_import_worker;

/* Starts the thread on its own connection to db_path (copied). */
int rp_import_worker_start(rp_import_worker **out, const char *db_path);
/* Looks for work now (after a new import was queued). */
void rp_import_worker_poke_all(void);
/* Lets the job in progress reach its next batch, joins, frees. NULL is fine. */
void rp_import_worker_stop(rp_import_worker *w);

/* Claims and runs one job on s at now; *ran false when none was due. For
 * the thread and for tests. */
int rp_import_worker_run_one(rp_store *s, bool *ran);

#endif
