/* demo.h: the demo data generator (`rapport demo`, scripts/demo).
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
 * The output depends only on the seed, the number of contacts and the
 * options' `now` (never on the wall clock or rand()); contact i is the
 * same person with the same life whatever the number of contacts after it
 * (only the referrals it receives from later contacts, what they raise,
 * and the deals that name it as "other" change). Ids are random.
 * Callable without the CLI (tests, future jobs). */
#ifndef RP_JOBS_DEMO_H
#define RP_JOBS_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"

/* Called after each contact (done of total). Cheap to call; a UI
 * throttles its own redraws. */
typedef void (*rp_demo_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct rp_demo_opts {
  size_t contacts;              /* how many contacts; 0 gives 300 */
  uint64_t seed;                /* same seed, same data */
  rp_time now;                  /* the fixed "now" every date is relative to (required) */
  size_t batch;                 /* contacts per transaction; 0 gives 25000 */
  rp_demo_progress_fn progress; /* may be NULL */
  void *progress_ctx;
} rp_demo_opts;

typedef struct rp_demo_stats {
  size_t contacts, activities, referrals;
  size_t properties, transactions;   /* deals written */
  size_t by_status[RP_STATUS_COUNT]; /* the contacts' final statuses */
} rp_demo_stats;

/* Generates o->contacts contacts, their deals and their history into the
 * account account_id (which must exist). Contact owners: round robin over
 * the account's agents when it has several users and some agents, else its
 * owner (else its first user); the owner is the actor of its history rows.
 * Writes through the store's normal functions and the lifecycle, in
 * transactions that each hold o->batch contact creations and the events
 * between them; on failure the current transaction is rolled back (earlier
 * ones stay) and the store's error is returned. *out (may be NULL) gets the
 * counts of what was written. */
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
