/* demo.h: the demo data generator (`rapport demo`, scripts/demo;
 * docs/demo.md).
 *
 * Fills an account with a believable real-estate agent's book: contacts of
 * many cultures with emails, phones, addresses and personal details; two
 * years of activities with the rhythm of each status; listings and
 * transactions (pre-listing to closed, some expired, withdrawn or canceled,
 * with lenders, title officers and other agents as role "other");
 * referral chains. No status or stage is set by hand (only the category a
 * contact came with): every contact is created as the API creates one
 * (DOMAIN.md L1) and its life -- its first answer, its needs and
 * timeframe, its deals, the referrals it makes -- is replayed in time order
 * through the lifecycle (jobs/lifecycle.h), so statuses, stages,
 * categories, close dates and the change history (M3) are what the rules
 * make of it, honouring the account's automation switches (M2). Of 1000
 * contacts about 450 end as suspects, 300 prospects, 50 leads, 30
 * clients, 100 past clients and 70 with no status (agents, vendors,
 * hidden).
 *
 * Whether and when a contact who answered gets serious, signs and closes,
 * and whether a past client comes back, follows from its behaviour -- its
 * replies, meetings, referrals and how recently it was in touch -- through
 * the generator's own outcome model (docs/demo.md), not through the score.
 *
 * The output depends only on the seed, the number of contacts and the
 * options' `now` (never on the wall clock or rand()); contact i is the
 * same person with the same life whatever the number of contacts after it
 * (except for the referrals later contacts credit it with, what they raise
 * (C1-C3) and, through the outcome model, its chance to do business; and
 * the deals that name it as "other"). Ids are random.
 * Callable without the CLI (tests, future jobs). */
#ifndef RP_JOBS_DEMO_H
#define RP_JOBS_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"

/* Progress: done of total contacts written, then, in each scoring run,
 * done of total contacts scored. Cheap to call; a UI throttles its own
 * redraws. */
typedef void (*rp_demo_progress_fn)(void *ctx, size_t done, size_t total);
/* A new phase starts: "contacts", then "contacts, scoring day 3/30". */
typedef void (*rp_demo_phase_fn)(void *ctx, const char *what);

/* The daily job after the replay: up to RP_DEMO_DAILY_MAX contacts as of
 * every day of the last 30 (trend alerts need the scores of 7 and 14 days
 * before); up to RP_DEMO_WEEKLY_MAX as of 28, 21, 14 and 7 days ago and
 * today; above (demos for load tests), today only, so that
 * `rapport demo --contacts 100000` stays under 30 s: no trend alert then. */
#define RP_DEMO_DAILY_MAX 5000
#define RP_DEMO_WEEKLY_MAX 25000

typedef struct rp_demo_opts {
  size_t contacts;              /* how many contacts; 0 gives 300 */
  uint64_t seed;                /* same seed, same data */
  rp_time now;                  /* the fixed "now" every date is relative to (required) */
  size_t batch;                 /* contacts per transaction; 0 gives 25000 */
  int score_days;               /* daily runs: 0 as above; N > 0 the last N days; < 0 none */
  rp_demo_progress_fn progress; /* may be NULL */
  rp_demo_phase_fn phase;       /* may be NULL */
  void *progress_ctx;           /* for both */
} rp_demo_opts;

typedef struct rp_demo_stats {
  size_t contacts, activities, referrals;
  size_t properties, transactions;   /* deals written */
  size_t by_status[RP_STATUS_COUNT]; /* final statuses (scored: of the account's live contacts) */
  size_t score_runs;                 /* daily jobs run */
  size_t history_rows;               /* score history rows they wrote */
  size_t alerts;                     /* alerts they raised (and left open or not) */
} rp_demo_stats;

/* Generates o->contacts contacts, their deals and their history into the
 * account account_id (which must exist). Contact owners: round robin over
 * the account's agents when it has several users and some agents, else its
 * owner (else its first user); the owner is the actor of its history rows.
 * Writes through the store's normal functions and the lifecycle, in
 * transactions that each hold o->batch contact creations and the events
 * between them; the score is left to the end (lifecycle defer_score).
 * Then runs the daily job (jobs/scoring.h) as of the days o->score_days
 * says, each in its own write transaction, the last one (as of o->now)
 * keeping the scores, last touches and overdue dates: score history,
 * stage averages, alerts and the rFactor as if rapport had run all along.
 * On failure the current transaction is rolled back (earlier ones stay)
 * and the store's error is returned. *out (may be NULL) gets the counts of
 * what was written. */
int rp_demo_generate(rp_store *s, const char *account_id, const rp_demo_opts *o,
                     rp_demo_stats *out);

/* Transliterates UTF-8 text p[0..len) to lower-case ASCII letters and
 * digits for an email local part ("Dvořák" -> "dvorak", "Müller" ->
 * "mueller", "O'Brien" -> "obrien", "Nguyễn" -> "nguyen"): Latin letters
 * with diacritics lose them (German umlauts and ß become ae/oe/ue/ss), other
 * characters are dropped. Writes at most cap - 1 bytes and a NUL into out;
 * returns the length written. */
size_t rp_demo_ascii(char *out, size_t cap, const char *p, size_t len);

/* ---- the tables of demo_names.c ---- */

typedef struct rp_demo_list {
  const char *const *items;
  size_t n;
} rp_demo_list;

typedef struct rp_demo_culture {
  const char *name;
  unsigned weight; /* share in a thousand */
  rp_demo_list male, female, last;
  rp_demo_list last_female; /* parallel to last (Czech, Polish), or empty */
  const char *intl_prefix;  /* "+44", "+52", "+33" for the few foreign phones, or NULL */
} rp_demo_culture;

typedef struct rp_demo_city {
  const char *city, *region;
  const char *postal_codes; /* space-separated */
  const char *area_codes;   /* space-separated NANP area codes */
  bool home;                /* in the agent's own market */
} rp_demo_city;

typedef struct rp_demo_company {
  const char *name, *domain;
  const char *tag; /* vendors: their trade ("lender", "inspector"...); else NULL */
} rp_demo_company;

extern const rp_demo_culture rp_demo_cultures[];
extern const size_t rp_demo_n_cultures;
extern const rp_demo_city rp_demo_cities[];
extern const size_t rp_demo_n_cities;
extern const rp_demo_list rp_demo_streets, rp_demo_street_types, rp_demo_interests, rp_demo_pets,
    rp_demo_kid_names;
extern const rp_demo_company rp_demo_employers[], rp_demo_brokerages[], rp_demo_vendors[];
extern const size_t rp_demo_n_employers, rp_demo_n_brokerages, rp_demo_n_vendors;

#endif
