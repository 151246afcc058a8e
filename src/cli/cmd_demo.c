/* cmd_demo.c: `rapport demo` (API.md "Command line"): fills an account
 * with realistic demo data (jobs/demo.h), with a progress bar on a
 * terminal. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "jobs/demo.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/password.h"

#define DEMO_ACCOUNT "Demo Realty"
#define DEMO_EMAIL "demo@rapport.test"
#define DEMO_PASSWORD "demo-password"

/* The progress of a run: the bar of the last phase is erased when the
 * next starts, which counts in its own words ("contacts", "contacts,
 * scoring day 3/30"). */
typedef struct demo_progress {
  rp_cli_progress bar;
  char unit[64];
} demo_progress;

/* Starts phase `what`. */
static void phase(void *ctx, const char *what) {
  demo_progress *pg = ctx;
  rp_cli_progress_end(&pg->bar, false);
  snprintf(pg->unit, sizeof pg->unit, "%s", what);
  pg->bar.unit = pg->unit;
}

/* Draws the current phase's bar (rp_cli_progress_draw throttles). */
static void draw(void *ctx, size_t done, size_t total) {
  demo_progress *pg = ctx;
  rp_cli_progress_draw(&pg->bar, done, total);
}

/* Parses --seed: a whole number from 0 to 2^64-1. */
static int seed_opt(const rp_cli *c, uint64_t *out) {
  const char *v = rp_cli_opt(c, "seed");
  if (!v) return 0;
  char *end = NULL;
  unsigned long long n = *v && *v != '-' ? strtoull(v, &end, 10) : 0;
  if (!*v || *v == '-' || *end)
    return rp_error_set(RP_EUSAGE, "seed", "--seed needs a whole number (0 or more)");
  *out = (uint64_t)n;
  return 0;
}

/* `rapport demo`: N contacts (default 300) with two years of history, their
 * deals and referrals, every status reached by the rules, into
 * the account named by --account, else the first one; a database without
 * any account first gets "Demo Realty" with the owner demo@rapport.test
 * (password demo-password). Then the daily job as of each of the last 30
 * days (for bigger demos of fewer: jobs/demo.h), so scores, score
 * history, stage averages and alerts are there. The same seed gives the
 * same data for the same RAPPORT_NOW. Progress in two phases on a
 * terminal: contacts written, then each scoring day. */
int rp_cli_cmd_demo(const rp_cli *c) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct = {0};
  rp_user owner = {0};
  rp_demo_stats st = {0};
  demo_progress pg = {0};
  int64_t n = 300;
  uint64_t seed = 1;
  bool created = false;
  int rc = rp_cli_opt_int(c, "contacts", 1, 1000000, &n);
  if (rc) goto cleanup;
  rc = seed_opt(c, &seed);
  if (rc) goto cleanup;
  rc = rp_cli_open_db(&s, c, NULL);
  if (rc) goto cleanup;

  const char *name = rp_cli_opt(c, "account");
  rc = name ? rp_store_account_by_name(s, &ar, &acct, name) : rp_store_account_first(s, &ar, &acct);
  if (rc == RP_ENOTFOUND && name) {
    rc = rp_error_set(RP_ENOTFOUND, "account", "no account named '%s'", name);
    goto cleanup;
  }
  if (rc == RP_ENOTFOUND) {
    char hash[RP_PASSWORD_HASH_MAX];
    rc = rp_password_hash(hash, DEMO_PASSWORD);
    if (rc) goto cleanup;
    rc = rp_cli_account_create(s, &ar, true, DEMO_ACCOUNT, "US", DEMO_EMAIL, "Demo Agent", hash,
                               &acct, &owner);
    if (rc) goto cleanup;
    created = true;
    printf("Created account '%s' with owner %s (password %s)\n", acct.name, DEMO_EMAIL,
           DEMO_PASSWORD);
  }
  if (rc) goto cleanup;

  rp_demo_opts o = {.contacts = (size_t)n,
                    .seed = seed,
                    .now = rp_clock_now(),
                    .progress = c->tty ? draw : NULL,
                    .phase = c->tty ? phase : NULL,
                    .progress_ctx = &pg};
  double t0 = rp_cli_seconds();
  rc = rp_demo_generate(s, acct.id, &o, &st);
  double secs = rp_cli_seconds() - t0;
  rp_cli_progress_end(&pg.bar, rc != 0);
  if (rc) goto cleanup;

  printf("Generated %zu contacts, %zu activities, %zu listings, %zu transactions and %zu "
         "referrals in account '%s' in %.2f s (seed %llu)\n",
         st.contacts, st.activities, st.properties, st.transactions, st.referrals, acct.name, secs,
         (unsigned long long)seed);
  if (st.score_runs)
    printf("  scored on %zu days: %zu score history rows, %zu alerts raised\n", st.score_runs,
           st.history_rows, st.alerts);
  printf("  by status:");
  for (int k = 0; k < RP_STATUS_COUNT; k++)
    printf(" %s %zu%s", rp_status_name((rp_status)k), st.by_status[k],
           k + 1 < RP_STATUS_COUNT ? "," : "\n");
  if (created) printf("Log in as %s with the password %s\n", DEMO_EMAIL, DEMO_PASSWORD);
cleanup:
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}
