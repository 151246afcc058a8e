/* scoring.h: the score, the daily job, the rFactor and the backtest through
 * the store (SCORING.md).
 *
 * src/core decides (score.c: a contact's score at T; alerts.c: stage
 * averages, A2-A4; rfactor.c: bands, calibration, predictions, metrics);
 * this module gathers their facts from the store and keeps what they
 * return. Everything is computed as of a time T that the caller gives:
 * nothing here reads the clock.
 *
 * Definitions this module fixes (docs/scoring.md says them to users):
 * - The lifecycle fields (status, stage, category, type) at T come from the
 *   change history (core/history.h) when T is before the contact's
 *   updated_at, else from the contact itself. The profile details
 *   (SCORING.md "details") have no history: they are the contact's current
 *   ones at any T.
 * - A referral counts from the referred contact's created_at until it is
 *   archived; lifetime_value's "25 % of that of the contacts it referred"
 *   takes the referred contacts' own revenue (their closed deals as buyer or
 *   seller), not what they earned through their own referrals.
 * - Days are local dates in the account's timezone (settings.timezone,
 *   util/tz.h); the daily job of day d computes everything as of the T it is
 *   given and keeps it under the local date of T.
 */
#ifndef RP_JOBS_SCORING_H
#define RP_JOBS_SCORING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/alerts.h"
#include "core/rfactor.h"
#include "core/score.h"
#include "store/store.h"
#include "util/tz.h"

/* Progress of a long run: done of total contacts (CLI progress bars). */
typedef void (*rp_scoring_progress_fn)(void *ctx, size_t done, size_t total);

/* ---- one contact ---- */

/* The score facts of contact c (as read by rp_store_contact_get) at T into
 * *in: lifecycle fields and referral count in force at T, details,
 * activities, revenue of the contact and of the account (SCORING.md). Arrays
 * in ar. */
int rp_scoring_facts(rp_score_input *in, rp_store *s, rp_arena *ar, const rp_contact *c, rp_time T);

/* The score of contact c at T (rp_scoring_facts then rp_score_compute, or
 * rp_score_explain when explain: the detail sentences of GET
 * /contacts/{id}/score). */
int rp_scoring_contact(rp_score_result *out, rp_store *s, rp_arena *ar, const rp_contact *c,
                       rp_time T, bool explain);

/* The score at T of contact c as it is being created (not stored yet):
 * as rp_scoring_contact for a contact with no activity, task, referral,
 * deal or history row before T, which a new contact has not. Reads
 * nothing from the store. */
int rp_scoring_new_contact(rp_score_result *out, const rp_contact *c, rp_time T);

/* ---- full rescore (`rapport score`) ---- */

typedef struct rp_rescore_opts {
  rp_time T;
  int threads; /* readers scoring in parallel; 0 = the number of cores */
  /* Read the change history too, so that a contact updated after T is
   * scored with the lifecycle fields in force at T. Needed only when T is
   * in the past (`rapport score --as-of`); without it each contact's own
   * fields count at any T. */
  bool with_history;
  rp_scoring_progress_fn progress;
  void *progress_ctx;
  /* Changed contacts from which the writer switches to bulk mode (one
   * transaction, indexes rebuilt); 0: the default (scoring.c
   * BULK_MIN_CHANGED). Tests set it low to run the bulk path. */
  size_t bulk_min;
  /* Tests: called by the writer once, before its first write (the readers'
   * snapshots are taken by then). */
  void (*before_write)(void *ctx);
  void *before_write_ctx;
} rp_rescore_opts;

typedef struct rp_rescore_report {
  size_t contacts;   /* scored */
  size_t activities; /* read */
  size_t changed;    /* contacts whose kept score, last touch or overdue changed */
} rp_rescore_report;

/* Rescores every contact of the account at o->T in one ordered pass over
 * contacts and activities (rp_store_score_scan), split by id range over
 * o->threads reader threads, each with its own connection to the database
 * at db_path; writes the contacts whose score, last_touch_at or overdue_at
 * changed through one writer connection, in transactions of tens of
 * thousands of contacts, each only where the kept values are still those
 * the readers saw (a request that rescored a contact meanwhile keeps what
 * it wrote). */
int rp_scoring_rescore_all(rp_rescore_report *out, const char *db_path, const char *account_id,
                           const rp_rescore_opts *o);

/* ---- the daily job ---- */

typedef struct rp_daily_report {
  int64_t day; /* local date of T, in days since 1970-01-01 */
  size_t contacts;
  size_t changed;      /* kept scores rewritten */
  size_t history_rows; /* score history rows written */
  size_t raised[RP_ALERT_REASON_COUNT];
  size_t cleared;
  rp_daily_stats stats;
  rp_rfactor_result rfactor;
} rp_daily_report;

typedef struct rp_daily_opts {
  rp_time T;
  /* Also rewrite the kept scores (contact_scores.score, last_touch_at,
   * overdue_at): the run of today. A backfill of a past day leaves them. */
  bool keep_scores;
  rp_scoring_progress_fn progress;
  void *progress_ctx;
  /* 0: the job runs in the caller's write transaction. N: the caller opens
   * none; the job reads in a read transaction of its own and writes N
   * contacts per write transaction (their kept scores, history and alerts,
   * each checked afresh in it: rp_store_contact_set_derived_unless_moved,
   * rp_store_alert_open_range), then begins one more for the day's rows
   * (stage averages, calibration, rFactor) and returns with it open for
   * the caller to add to and commit. At a million contacts the job takes
   * 10-40 s; in one transaction every other write would wait for it (and
   * give up after the 5 s busy timeout). On an error the job rolls back
   * what is open; the ranges already committed are what a rerun writes
   * again. */
  size_t chunk;
  /* With chunk: size each write transaction to take about this long (at
   * most chunk contacts; the first has FIRST_RANGE, the next follow the
   * pace of the last), and wait pause_ms after each commit (SQLite's busy
   * wait polls: a writer that begins again at once would starve the
   * requests waiting for the lock). 0: chunk contacts each, no pause. */
  int chunk_ms;
  int pause_ms;
  /* Tests: called between two write transactions of a chunked run. */
  void (*between)(void *ctx);
  void *between_ctx;
} rp_daily_opts;

/* The daily job (SCORING.md, DOMAIN.md A2-A4) of the account as of o->T,
 * in the caller's write transaction (or, with o->chunk, in transactions
 * of its own, above): rescores every contact at T and (when
 * o->keep_scores) keeps the changed scores; writes the score history of the local day of T; the
 * stage averages and the mid-range of that day; raises the A2 trend, A3
 * press and A4 overdue alerts (each at most once open per contact and
 * reason; A2 not twice the same way within 30 days) and clears those that
 * no longer hold (a press alert of a contact no longer a lead or below the
 * band, an overdue one of a contact no longer overdue); computes the
 * rFactor at T and keeps it as its month's value, with the calibration
 * counts of T's month-end. Running it twice for one day gives the same
 * state. */
int rp_scoring_daily(rp_daily_report *out, rp_store *s, rp_arena *ar, const char *account_id,
                     const rp_daily_opts *o);

/* The account's zone (settings.timezone of its settings JSON text); UTC
 * when the settings name none or one this machine does not know. The
 * zone all of the account's days are counted in. */
const rp_tz *rp_scoring_zone(const char *settings_json);

/* The local day of T in the account's timezone (rp_scoring_zone). */
int64_t rp_scoring_day(const char *settings_json, rp_time T);

/* ---- rFactor (GET /rfactor, `rapport rfactor`) ---- */

/* The rFactor and predictions of the account at T (SCORING.md): the
 * eligible contacts' scores at T (the kept scores when T is within a day of
 * the last daily run or write, else computed at T from the history), the
 * calibration counts of T's month-end (kept by the daily job, else counted
 * now), the commissions of the last 24 months and the account's settings. */
int rp_scoring_rfactor(rp_rfactor_result *out, rp_store *s, rp_arena *ar, const char *account_id,
                       rp_time T);

/* The calibration counts at T (SCORING.md: every contact known by each of
 * the month-ends e_13..e_36 scored as of it, with its outcome), in one pass
 * over the contacts and their history. */
int rp_scoring_calibration(rp_rfactor_calibration *out, rp_store *s, rp_arena *ar,
                           const char *account_id, rp_time T);

/* ---- the backtest (`rapport backtest`) ---- */

typedef struct rp_backtest_row {
  rp_time month_end;          /* e_k */
  rp_time observed_until;     /* end of the outcome window known at T */
  rp_rfactor_metrics score;   /* the score's AUC, lift, Brier */
  rp_rfactor_metrics recency; /* the recency-only baseline's */
} rp_backtest_row;

/* For each of the last 12 month-ends e_1..e_12 at T (rows[0] = e_1): every
 * eligible contact known by then, scored as of it; outcome: a deal of it
 * (buyer or seller) closed after e_k and within 12 months, as far as known
 * at T; the score's AUC, top-decile lift and Brier score of its calibrated
 * band probabilities beside the recency-only baseline's. */
int rp_scoring_backtest(rp_backtest_row rows[RP_RFACTOR_RECENT_COUNT], rp_store *s, rp_arena *ar,
                        const char *account_id, rp_time T, rp_scoring_progress_fn progress,
                        void *progress_ctx);

#endif
