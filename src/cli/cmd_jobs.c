/* cmd_jobs.c: `rapport jobs daily [--as-of T] [--days N] [--account
 * NAME]` (API.md "Command line"): the daily job (jobs/scoring.h) for the
 * N days ending at T, for one account or every account, with a progress
 * bar on a terminal and a summary per account. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "jobs/daily_scheduler.h"
#include "jobs/scoring.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/tz.h"

#define MAX_DAYS 3660

static void print_day(const char *label, int64_t day) {
  int64_t y;
  unsigned m, d;
  rp_civil_from_days(day, &y, &m, &d);
  printf("%s%04d-%02u-%02u", label, (int)y, m, d);
}

/* Runs the days of one account, each in its own write transaction, and
 * prints its summary. */
static int run_account(const rp_cli *c, rp_store *s, const rp_account *a, rp_time T, rp_time now,
                       int64_t days) {
  const rp_tz *zone = rp_scoring_zone(a->settings_json);
  int64_t last = rp_scoring_day(a->settings_json, T);
  bool today = last == rp_scoring_day(a->settings_json, now);
  rp_daily_report sum = {0}, r = {0};
  rp_cli_progress pg = {.unit = "contacts"};
  int rc = 0;
  for (int64_t i = days - 1; i >= 0; i--) {
    rp_arena ar = {0};
    rp_daily_opts o = {
        .T = i == 0 ? T : rp_tz_instant(zone, last - i + 1, 0) - 1 /* the end of that day */,
        .keep_scores = i == 0 && today,
        .progress = c->tty ? rp_cli_progress_draw : NULL,
        .progress_ctx = &pg};
    /* in pieces, as the server's scheduler runs it: a server on the same
     * database goes on writing meanwhile */
    rp_daily_chunked(&o);
    rc = rp_scoring_daily(&r, s, &ar, a->id, &o);
    if (!rc) rc = rp_store_commit(s);
    if (rc) rp_store_rollback(s);
    rp_arena_free(&ar);
    rp_cli_progress_end(&pg, rc != 0);
    if (rc) return rc;
    sum.changed += r.changed;
    sum.history_rows += r.history_rows;
    sum.cleared += r.cleared;
    for (int k = 0; k < RP_ALERT_REASON_COUNT; k++)
      sum.raised[k] += r.raised[k];
  }
  char when[21];
  printf("Account '%s': %lld day%s", a->name, (long long)days, days == 1 ? "" : "s");
  print_day(days == 1 ? " " : " to ", last);
  printf(" (%s), as of %s\n", rp_tz_name(zone), rp_time_format(T, when));
  printf("  contacts %zu, kept scores rewritten %zu, score history rows %zu\n", r.contacts,
         sum.changed, sum.history_rows);
  printf("  alerts raised:");
  for (int k = 0; k < RP_ALERT_REASON_COUNT; k++)
    printf(" %s %zu%s", rp_alert_reason_name((rp_alert_reason)k), sum.raised[k],
           k + 1 < RP_ALERT_REASON_COUNT ? "," : "");
  printf("; cleared %zu\n", sum.cleared);
  printf("  rFactor %.1f (%lld eligible contacts, %s)\n", r.rfactor.rfactor,
         (long long)r.rfactor.eligible_contacts,
         r.rfactor.calibrated ? "calibrated" : "prior probabilities");
  return 0;
}

/* `rapport jobs daily`: the daily job (SCORING.md; DOMAIN.md A2-A4) for
 * each of the N days (--days, default 1) ending at T (--as-of, default
 * now), oldest first: every day but the last as of the end of that day in
 * the account's timezone, the last as of T. Only the run of today (the
 * last day, when it is today's local date) rewrites the kept scores; the
 * earlier days are backfills of history, stats and alerts. All accounts,
 * or the one named by --account. */
int rp_cli_cmd_jobs_daily(const rp_cli *c) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account *accts = NULL, one = {0};
  size_t n = 0;
  int64_t days = 1;
  rp_time now = rp_clock_now(), T;
  int rc = rp_cli_opt_as_of(c, now, &T, NULL);
  if (rc) goto cleanup;
  rc = rp_cli_opt_int(c, "days", 1, MAX_DAYS, &days);
  if (rc) goto cleanup;
  rc = rp_cli_open_db(&s, c, NULL);
  if (rc) goto cleanup;
  const char *name = rp_cli_opt(c, "account");
  if (name) {
    rc = rp_store_account_by_name(s, &ar, &one, name);
    if (rc == RP_ENOTFOUND)
      rc = rp_error_set(RP_ENOTFOUND, "account", "no account named '%s'", name);
    accts = &one;
    n = 1;
  } else {
    rc = rp_store_account_list(s, &ar, &accts, &n);
    if (!rc && n == 0)
      rc = rp_error_set(RP_ENOTFOUND, NULL, "no account yet (run rapport init or rapport demo)");
  }
  if (rc) goto cleanup;
  double t0 = rp_cli_seconds();
  for (size_t i = 0; i < n && !rc; i++)
    rc = run_account(c, s, &accts[i], T, now, days);
  if (!rc) printf("Done in %.2f s\n", rp_cli_seconds() - t0);
cleanup:
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}
