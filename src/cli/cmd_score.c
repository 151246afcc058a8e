/* cmd_score.c: `rapport score` (API.md "Command line"; SCORING.md): the
 * full rescore of an account with a progress bar, or the explanation of
 * one contact's score. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "jobs/scoring.h"
#include "util/clock.h"
#include "util/error.h"

/* n with thousands separators ("1,912,345") into buf. */
static const char *grouped(char buf[static 32], size_t n) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%zu", n), o = 0;
  for (int i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = tmp[i];
  }
  buf[o] = '\0';
  return buf;
}

/* Prints the explanation of one contact's score (SCORING.md
 * "Explanation"): each factor's points of its maximum with its detail, the
 * sum, the decay and the score. */
static int explain(rp_store *s, rp_arena *ar, const rp_account *acct, const char *id, rp_time T) {
  rp_contact ct;
  rp_score_result res;
  char when[21];
  int rc = rp_store_begin(s, false);
  if (rc) return rc;
  rc = rp_store_contact_get(s, ar, &ct, acct->id, id);
  if (rc == RP_ENOTFOUND)
    rc = rp_error_set(RP_ENOTFOUND, "contact", "no contact %s in account '%s'", id, acct->name);
  if (!rc) rc = rp_scoring_contact(&res, s, ar, &ct, T, true);
  rp_store_rollback(s);
  if (rc) return rc;
  printf("Score of %s (%s) as of %s: %.1f\n", ct.display_name ? ct.display_name : "(no name)",
         ct.id, rp_time_format(T, when), res.score);
  printf("  %-16s %7s    %3s  %s\n", "factor", "points", "max", "detail");
  for (int i = 0; i < RP_SCORE_FACTOR_COUNT; i++) {
    const rp_score_factor *f = &res.factors[i];
    printf("  %-16s %7.2f of %3.0f  %s\n", f->name, f->points, f->max, f->detail);
  }
  printf("  %-16s %7.2f of %3d\n", "sum", res.sum, 100);
  printf("  %-16s x %.4f  (%lld months inactive after the month of grace, %.2f points lost)\n",
         "decay", res.decay.multiplier, (long long)res.decay.months_inactive,
         res.decay.points_lost);
  printf("  %-16s %7.1f\n", "score", res.score);
  return 0;
}

/* `rapport score [--contact ID] [--as-of T] [--account NAME] [--threads
 * N]`: without --contact rescores every contact of the account at T (now
 * by default) and keeps the changed scores, last touches and overdue
 * times (jobs/scoring.h rp_scoring_rescore_all), with a progress bar on a
 * terminal and a summary line; with --contact prints that contact's
 * explained score at T and writes nothing. Bad option values are usage
 * errors (exit 2). */
int rp_cli_cmd_score(const rp_cli *c) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct = {0};
  rp_cli_progress pg = {.unit = "contacts"};
  int64_t threads = 0;
  rp_time T = 0;
  bool given = false;
  int rc = rp_cli_opt_int(c, "threads", 0, 64, &threads);
  if (rc) goto cleanup;
  if ((rc = rp_cli_opt_as_of(c, rp_clock_now(), &T, &given))) goto cleanup;
  const char *id = rp_cli_opt(c, "contact");
  if (id && !*id) {
    rc = rp_error_set(RP_EUSAGE, "contact", "--contact needs a contact id");
    goto cleanup;
  }
  if ((rc = rp_cli_open_db(&s, c, NULL))) goto cleanup;
  if ((rc = rp_cli_find_account(s, &ar, c, &acct))) goto cleanup;
  if (id) {
    rc = explain(s, &ar, &acct, id, T);
    goto cleanup;
  }
  rp_store_close(s);
  s = NULL;

  rp_rescore_opts o = {.T = T,
                       .threads = (int)threads,
                       /* a past T reads the change history (status etc. at T) */
                       .with_history = given && T < rp_clock_now(),
                       .progress = c->tty ? rp_cli_progress_draw : NULL,
                       .progress_ctx = &pg};
  rp_rescore_report rep;
  double t0 = rp_cli_seconds();
  rc = rp_scoring_rescore_all(&rep, c->db_path, acct.id, &o);
  double secs = rp_cli_seconds() - t0;
  rp_cli_progress_end(&pg, rc != 0);
  if (rc) goto cleanup;
  char a[32], b[32], d[32];
  printf("Rescored %s contacts (%s activities) in %.2f s; %s changed\n", grouped(a, rep.contacts),
         grouped(b, rep.activities), secs, grouped(d, rep.changed));
cleanup:
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}
