/* cmd_rfactor.c: `rapport rfactor [--as-of T]` and `rapport backtest
 * [--as-of T]` (API.md "Command line"; SCORING.md "rFactor and
 * predictions" and its validation). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "jobs/scoring.h"
#include "util/clock.h"
#include "util/error.h"

/* Opens the database and finds the account (--account, else the first). */
static int open_account(const rp_cli *c, rp_store **s, rp_arena *ar, rp_account *a) {
  int rc = rp_cli_open_db(s, c, NULL);
  if (rc) return rc;
  return rp_cli_find_account(*s, ar, c, a);
}

/* A whole amount with thousands separators: 1234567.8 -> "1,234,568". */
static const char *money(char out[32], double v) {
  char digits[32];
  if (!isfinite(v)) return snprintf(out, 32, "-"), out;
  snprintf(digits, sizeof digits, "%.0f", fabs(v));
  size_t n = strlen(digits), o = 0;
  if (v <= -0.5) out[o++] = '-';
  for (size_t i = 0; i < n && o < 30; i++) {
    if (i && (n - i) % 3 == 0) out[o++] = ',';
    out[o++] = digits[i];
  }
  out[o] = '\0';
  return out;
}

/* The account's currency code (settings.currency, "USD" by default). */
static void currency(char out[8], const char *settings_json) {
  snprintf(out, 8, "USD");
  json_t *root = settings_json ? json_loads(settings_json, 0, NULL) : NULL;
  json_t *v = json_object_get(root, "currency");
  if (json_is_string(v) && json_string_length(v) == 3) snprintf(out, 8, "%s", json_string_value(v));
  json_decref(root);
}

/* `rapport rfactor`: the rFactor of the account at T with N eligible, the
 * predicted transactions and revenue with their 80 % intervals, the
 * valuation, whether the probabilities are calibrated, and the bands. */
int rp_cli_cmd_rfactor(const rp_cli *c) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account a = {0};
  rp_rfactor_result r;
  rp_time T;
  int rc = rp_cli_opt_as_of(c, rp_clock_now(), &T, NULL);
  if (rc) goto cleanup;
  rc = open_account(c, &s, &ar, &a);
  if (rc) goto cleanup;
  rc = rp_store_begin(s, false);
  if (!rc) rc = rp_scoring_rfactor(&r, s, &ar, a.id, T);
  rp_store_rollback(s);
  if (rc) goto cleanup;

  char when[21], cur[8], m1[32], m2[32], m3[32];
  currency(cur, a.settings_json);
  printf("rFactor %.1f of 10 for '%s' as of %s\n", r.rfactor, a.name, rp_time_format(T, when));
  printf("  eligible contacts       %lld\n", (long long)r.eligible_contacts);
  printf("  predicted transactions  %.1f in the next 12 months (80 %% interval %.1f to %.1f)\n",
         r.predicted_transactions, r.interval_lo, r.interval_hi);
  printf("  predicted revenue       %s %s (80 %% interval %s to %s)\n", cur,
         money(m1, r.predicted_revenue), money(m2, r.revenue_lo), money(m3, r.revenue_hi));
  if (r.default_commission_used)
    printf("                          at the default commission of %s %s (%lld closed deal%s in "
           "24 months, fewer than %d)\n",
           cur, money(m1, r.mean_commission), (long long)r.commission_deals,
           r.commission_deals == 1 ? "" : "s", RP_RFACTOR_MIN_COMMISSION_DEALS);
  else
    printf("                          at the mean commission of %s %s (%lld closed deals in 24 "
           "months)\n",
           cur, money(m1, r.mean_commission), (long long)r.commission_deals);
  printf("  valuation               %s %s\n", cur, money(m1, r.valuation));
  printf("  calibrated              %s\n",
         r.calibrated ? "yes (the account's own closings of the last 36 to 12 months)"
                      : "no (fewer than 10 closed deals to learn from: prior probabilities)");
  printf("\n  band  scores    contacts  probability   prior\n");
  for (int b = 0; b < RP_RFACTOR_BANDS; b++) {
    const rp_rfactor_band_row *row = &r.bands[b];
    char range[16];
    if (b == RP_RFACTOR_BANDS - 1)
      snprintf(range, sizeof range, "%d-100", b * 10);
    else
      snprintf(range, sizeof range, "%d-%d", b * 10, b * 10 + 9);
    printf("  %4d  %-8s  %8lld  %11.4f  %6.4f\n", row->band, range, (long long)row->contacts,
           row->probability, row->prior);
  }
cleanup:
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}

/* A metric for the table: "-" when undefined (no positive or negative). */
static const char *metric(char out[16], double v, const char *fmt) {
  if (isnan(v))
    snprintf(out, 16, "-");
  else
    snprintf(out, 16, fmt, v);
  return out;
}

/* `rapport backtest`: for each of the last 12 month-ends, the score's AUC,
 * top-decile lift and Brier score beside the recency-only baseline's, and
 * the mean AUC difference; a progress bar on a terminal. */
int rp_cli_cmd_backtest(const rp_cli *c) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account a = {0};
  rp_backtest_row rows[RP_RFACTOR_RECENT_COUNT];
  rp_cli_progress pg = {.unit = "contacts"};
  rp_time T;
  int rc = rp_cli_opt_as_of(c, rp_clock_now(), &T, NULL);
  if (rc) goto cleanup;
  rc = open_account(c, &s, &ar, &a);
  if (rc) goto cleanup;
  double t0 = rp_cli_seconds();
  rc = rp_store_begin(s, false);
  if (!rc)
    rc = rp_scoring_backtest(rows, s, &ar, a.id, T, c->tty ? rp_cli_progress_draw : NULL, &pg);
  rp_store_rollback(s);
  rp_cli_progress_end(&pg, rc != 0);
  if (rc) goto cleanup;

  char when[21];
  printf("Backtest of '%s' as of %s: does the score rank who closes a deal within 12 months\n"
         "better than recency (days since the last two-way contact)?\n\n",
         a.name, rp_time_format(T, when));
  printf("month-end    contacts  positives   AUC score/recency   lift score/recency   "
         "Brier score/recency\n");
  double diff = 0;
  int with = 0;
  bool partial = false;
  for (int k = 0; k < RP_RFACTOR_RECENT_COUNT; k++) {
    const rp_backtest_row *r = &rows[k];
    char day[11], a1[16], a2[16], l1[16], l2[16], b1[16], b2[16];
    bool open = r->observed_until < rp_rfactor_outcome_until(r->month_end);
    partial |= open;
    printf("%s%c %9zu  %9zu   %7s / %-7s     %6s / %-6s      %7s / %-7s\n",
           rp_date_format(r->month_end, day), open ? '*' : ' ', r->score.n, r->score.positives,
           metric(a1, r->score.auc, "%.3f"), metric(a2, r->recency.auc, "%.3f"),
           metric(l1, r->score.lift, "%.2f"), metric(l2, r->recency.lift, "%.2f"),
           metric(b1, r->score.brier, "%.4f"), metric(b2, r->recency.brier, "%.4f"));
    if (!isnan(r->score.auc) && !isnan(r->recency.auc)) {
      diff += r->score.auc - r->recency.auc;
      with++;
    }
  }
  if (partial) printf("* outcome window still open at T: only the deals closed by then count\n");
  if (with)
    printf("\nMean AUC difference (score - recency) over %d month-end%s: %+.3f (%s)\n", with,
           with == 1 ? "" : "s", diff / with,
           diff > 0   ? "the score ranks better"
           : diff < 0 ? "recency ranks better"
                      : "a tie");
  else
    printf("\nMean AUC difference: none (no month-end with both a closing and a contact "
           "without one)\n");
  printf("Took %.2f s\n", rp_cli_seconds() - t0);
cleanup:
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}
