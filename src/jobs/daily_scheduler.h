/* daily_scheduler.h: the daily job (SCORING.md, DOMAIN.md A2-A4) run by
 * `rapport serve` once a day per account, in the account's timezone
 * (settings.timezone, util/tz.h).
 *
 * A thread with its own database connection wakes at start and then every
 * minute. An account is due when its local time is past 00:05 of a day
 * whose run is not yet claimed: the claim (rp_store_daily_claim) and the
 * job (rp_scoring_daily at T = now, keeping the scores) go in one write
 * transaction, so among several processes on one database only the first
 * runs a day, and a run that fails leaves no claim and is tried again at
 * the next wake. After downtime only the current day runs: missed days are
 * not caught up (`rapport jobs daily --days N` backfills them). */
#ifndef RP_JOBS_DAILY_SCHEDULER_H
#define RP_JOBS_DAILY_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "jobs/scoring.h"
#include "store/store.h"
#include "util/clock.h"

/* Local time of day (seconds after local midnight) from which a day's run
 * is due: 00:05. */
#define RP_DAILY_DUE_SECONDS 300
/* The daily job's write transactions (rp_daily_opts): about
 * RP_DAILY_CHUNK_MS of writing each, at most RP_DAILY_CHUNK contacts, and
 * RP_DAILY_PAUSE_MS between them for the requests waiting for the lock
 * (as the import worker's batches). RAPPORT_DAILY_CHUNK sets the most
 * contacts per transaction (tests make it small to cut a small account in
 * pieces). */
#define RP_DAILY_CHUNK 50000
#define RP_DAILY_CHUNK_MS 250
#define RP_DAILY_PAUSE_MS 50

/* Sets o's chunk, chunk_ms and pause_ms as above: the scheduler, `rapport
 * jobs daily` and POST /jobs/daily run the job alike. */
void rp_daily_chunked(rp_daily_opts *o);

typedef struct rp_daily_scheduler rp_daily_scheduler;

typedef struct rp_daily_scheduler_opts {
  const char *db_path; /* an already migrated database; copied */
  int interval_ms;     /* between wakes; 0 = one minute */
} rp_daily_scheduler_opts;

/* What one pass did. */
typedef struct rp_daily_pass_report {
  size_t accounts; /* looked at */
  size_t ran;      /* claimed and ran their day */
  size_t claimed;  /* found claimed already (by another process or earlier) */
  size_t failed;   /* failed and rolled back (tried again next pass) */
} rp_daily_pass_report;

/* Starts the scheduler thread (SIGTERM and SIGINT blocked in it, so the
 * server's sigwait receives them); its first pass runs at once. *out is
 * stopped and freed with rp_daily_scheduler_stop. RP_EINTERNAL when the
 * thread cannot start. */
int rp_daily_scheduler_start(rp_daily_scheduler **out, const rp_daily_scheduler_opts *o);

/* Wakes the thread, lets the job in progress (if any) finish, skips the
 * accounts not yet reached, joins it and frees everything. NULL is fine. */
void rp_daily_scheduler_stop(rp_daily_scheduler *s);

/* How many passes the thread has finished (tests). */
uint64_t rp_daily_scheduler_passes(const rp_daily_scheduler *s);

/* One pass at `now` over every account of the database of st (a
 * connection outside any transaction): each account due (past 00:05 local
 * of its day of `now`) is run in transactions of ~RP_DAILY_CHUNK_MS
 * (rp_daily_opts.chunk) and claimed with the last one, logging one line
 * (util/log.h). A failure of one account is logged and leaves no claim;
 * the others still run. *out (may be NULL) gets the counts. Returns
 * 0, or the error of reading the account list. Stateless: the claims
 * decide (the thread also remembers the days it saw done, so it does not
 * take the write lock every minute for nothing). */
int rp_daily_pass(rp_daily_pass_report *out, rp_store *st, rp_time now);

#endif
