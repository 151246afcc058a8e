/* scoring_daily.c: the daily job (SCORING.md "Stage averages, trend alert
 * (A2), mid-range (A3), stay in touch (A4)", "rFactor and predictions";
 * DOMAIN.md A2-A4) and the day it runs for.
 *
 * One ordered scan of the account scores every contact at T; what the
 * second phase needs of each contact is kept in compact arrays (about 115
 * bytes a contact: a million contacts need about 120 MB). The second phase
 * writes the kept scores, the score history, the stage averages and
 * mid-range, the alerts and the rFactor: in the caller's transaction, or
 * (rp_daily_opts.chunk, the server's scheduler) a range of contacts per
 * transaction so that other writes get in between.
 * docs/scoring.md tells users how these are read. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "jobs/scoring.h"
#include "jobs/workflows.h"
#include "jobs/scoring_internal.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/tz.h"

#define DAY_SECONDS 86400

/* Urgency of the reach-out list (docs/scoring.md "Urgency"): press first,
 * then falling trends by size, then overdue contacts by how far past their
 * interval, then rising trends. Each reason has its own band of 1000. */
#define URGENCY_PRESS 4000.0
#define URGENCY_FALLING 3000.0
#define URGENCY_OVERDUE 2000.0
#define URGENCY_RISING 1000.0

/* A dismissed press alert keeps a new one away for this many days. */
#define PRESS_DISMISS_QUIET_DAYS 30

enum { F_OVERDUE = 1, F_CHANGED = 2, F_HAND_INTERVAL = 4 };

/* Contacts in the first write transaction of a run sized by time
 * (rp_daily_opts.chunk_ms); the next ones follow its pace. */
#define FIRST_RANGE 1000

/* What the second phase needs of one contact besides rp_scored_contact. */
typedef struct daily_row {
  rp_time last_touch; /* latest two-way interaction at T, 0 = none */
  rp_time since;      /* SCORING.md last_touch: the interaction, else known_since */
  rp_time overdue_at; /* as rp_contact_overdue_at at T, 0 = never */
  float interval;     /* A4 interval in days, 0 = none */
  uint8_t flags;
  /* the kept values the scan read (a chunked run writes only over them) */
  rp_time kept_touch, kept_overdue;
  double kept_score;
} daily_row;

typedef struct daily_scan {
  const rp_scoring_index *ix;
  rp_time T;
  bool keep_scores;
  rp_score_input in; /* reused for every row */
  size_t n, cap;
  char (*id)[RP_ID_LEN];
  rp_scored_contact *sc;
  daily_row *dr;
  size_t seen, total;
  rp_scoring_progress_fn progress;
  void *progress_ctx;
} daily_scan;

static void grow(daily_scan *d) {
  if (d->n < d->cap) return;
  d->cap = d->cap ? d->cap * 2 : 1024;
  d->id = rp_xrealloc(d->id, d->cap * sizeof *d->id);
  d->sc = rp_xrealloc(d->sc, d->cap * sizeof *d->sc);
  d->dr = rp_xrealloc(d->dr, d->cap * sizeof *d->dr);
}

/* The scan callback: scores one contact at T and keeps what the second
 * phase reads. Contacts created after T did not exist on the day: skipped. */
static int scan_row(void *ctx, const rp_score_row *row) {
  daily_scan *d = ctx;
  const rp_contact *c = &row->contact;
  d->seen++;
  if (d->progress) d->progress(d->progress_ctx, d->seen, d->seen > d->total ? d->seen : d->total);
  if (c->created_at > d->T) return 0;

  rp_scoring_row_input(&d->in, d->ix, row, d->T);
  rp_score_result r;
  int rc = rp_score_compute(&r, &d->in);
  if (rc) return rc;

  /* The contact as it was at T, for A4: stage in force, archived or not. */
  rp_contact at = *c;
  at.stage = d->in.stage;
  if (at.archived_at > d->T) at.archived_at = 0;
  rp_time touch = r.touched ? r.last_touch : 0;

  grow(d);
  size_t i = d->n++;
  memcpy(d->id[i], c->id, RP_ID_LEN);
  d->sc[i] = (rp_scored_contact){.type = d->in.type,
                                 .status = d->in.status,
                                 .stage = d->in.stage,
                                 .archived = at.archived_at != 0,
                                 .score = r.score};
  daily_row *dr = &d->dr[i];
  *dr = (daily_row){.last_touch = touch,
                    .since = r.last_touch,
                    .kept_touch = c->last_touch_at,
                    .kept_overdue = row->overdue_at,
                    .kept_score = c->score};
  dr->overdue_at = rp_contact_overdue_at(&at, touch);
  if (dr->overdue_at && d->T >= dr->overdue_at) dr->flags |= F_OVERDUE;
  dr->interval = (float)rp_contact_interval_days(&at, r.years_known);
  if (at.contact_interval_days > 0) dr->flags |= F_HAND_INTERVAL;
  if (d->keep_scores &&
      (r.score != c->score || touch != c->last_touch_at || dr->overdue_at != row->overdue_at))
    dr->flags |= F_CHANGED;
  return 0;
}

/* ---- settings ---- */

/* The account's settings the job reads; missing or invalid keys keep
 * their defaults (API.md Settings). */
typedef struct daily_settings {
  rp_rfactor_settings rf;
} daily_settings;

static void read_settings(daily_settings *out, const char *settings_json) {
  *out = (daily_settings){.rf = {.default_commission = RP_RFACTOR_DEFAULT_COMMISSION,
                                 .valuation_multiple = RP_RFACTOR_DEFAULT_MULTIPLE}};
  if (!settings_json) return;
  json_t *root = json_loads(settings_json, 0, NULL);
  if (!json_is_object(root)) goto done;
  json_t *v = json_object_get(root, "default_commission");
  if (json_is_number(v) && json_number_value(v) >= 0)
    out->rf.default_commission = json_number_value(v);
  v = json_object_get(root, "valuation_multiple");
  if (json_is_number(v) && json_number_value(v) > 0)
    out->rf.valuation_multiple = json_number_value(v);
done:
  json_decref(root);
}

/* rp_scoring_zone: see scoring.h (docs/scoring.md "Days"). */
const rp_tz *rp_scoring_zone(const char *settings_json) {
  const rp_tz *tz = NULL;
  json_t *root = settings_json ? json_loads(settings_json, 0, NULL) : NULL;
  json_t *v = json_object_get(root, "timezone");
  if (json_is_string(v) && strcmp(json_string_value(v), "UTC") != 0)
    tz = rp_tz_get(json_string_value(v));
  json_decref(root);
  if (!tz) {
    rp_error_clear();
    tz = rp_tz_utc();
  }
  return tz;
}

/* rp_scoring_day: see scoring.h (docs/scoring.md "Days"). The local date
 * of T in the account's zone, as days since 1970-01-01. */
int64_t rp_scoring_day(const char *settings_json, rp_time T) {
  return rp_tz_day(rp_scoring_zone(settings_json), T);
}

/* ---- alerts ---- */

static int by_contact(const void *a, const void *b) {
  const rp_alert *x = a, *y = b;
  int c = strcmp(x->contact_id, y->contact_id);
  return c ? c : (int)x->reason - (int)y->reason;
}

/* The open alerts of contact id, by reason, from the sorted array. */
static void open_of(const rp_alert *open[RP_ALERT_REASON_COUNT], const rp_alert *all, size_t n,
                    const char *id) {
  memset(open, 0, RP_ALERT_REASON_COUNT * sizeof *open);
  size_t lo = 0, hi = n;
  while (lo < hi) { /* first alert with contact_id >= id */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(all[mid].contact_id, id) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < n && !strcmp(all[lo].contact_id, id); lo++)
    if ((unsigned)all[lo].reason < RP_ALERT_REASON_COUNT && !open[all[lo].reason])
      open[all[lo].reason] = &all[lo];
}

static long long tenths(double s) { return llround(s * 10.0); }

static const char *stage_phrase(rp_stage st) {
  return st == RP_STAGE_NONE ? "no-stage" : rp_stage_name(st);
}

/* The job's shared state of the second phase. */
typedef struct daily_run {
  rp_store *s;
  rp_arena *ar;
  const char *account_id;
  rp_time T;
  int64_t day;
  rp_daily_report *out;
  rp_lifecycle *lc; /* fires the alert workflows; NULL in a backfill */
} daily_run;

static int raise_alert(daily_run *r, const char *contact_id, rp_alert_reason reason,
                       const char *detail, double urgency) {
  rp_alert a = {
      .reason = reason, .detail = detail, .day = r->day, .raised_at = r->T, .urgency = urgency};
  memcpy(a.contact_id, contact_id, RP_ID_LEN);
  int rc = rp_store_alert_create(r->s, r->account_id, &a);
  if (rc) return rc;
  r->out->raised[reason]++;
  /* an alert can start a workflow (DOMAIN.md A2: "can start a workflow") */
  if (r->lc) {
    static const rp_wf_event ev[RP_ALERT_REASON_COUNT] = {
        RP_WF_EV_TREND_ALERT, RP_WF_EV_TREND_ALERT, RP_WF_EV_PRESS_ALERT, RP_WF_EV_OVERDUE};
    rc = rp_workflows_event(r->lc, contact_id, ev[reason], rp_alert_reason_name(reason), NULL);
  }
  return rc;
}

static int clear_alerts(daily_run *r, const char *contact_id, unsigned mask,
                        const rp_alert *open[RP_ALERT_REASON_COUNT]) {
  unsigned have = 0;
  /* an alert raised by the run of a later day is not a backfill's to judge */
  for (int k = 0; k < RP_ALERT_REASON_COUNT; k++)
    if ((mask & (1u << k)) && open[k] && open[k]->raised_at <= r->T) have |= 1u << k;
  if (!have) return 0;
  int rc = rp_store_alert_clear(r->s, r->account_id, contact_id, have, r->T);
  if (rc) return rc;
  for (int k = 0; k < RP_ALERT_REASON_COUNT; k++)
    if (have & (1u << k)) {
      r->out->cleared++;
      open[k] = NULL;
    }
  return 0;
}

/* The contact's latest alert of `reason`; *found false when none. */
static int last_alert(daily_run *r, const char *contact_id, rp_alert_reason reason, rp_alert *a,
                      bool *found) {
  int rc = rp_store_alert_last(r->s, r->ar, r->account_id, contact_id, reason, a);
  *found = rc == 0;
  if (rc == RP_ENOTFOUND) {
    rp_error_clear();
    return 0;
  }
  return rc;
}

/* SCORING.md A2 for one eligible contact: raises a trend alert when the
 * test holds and the 30 days since the last one the same way are over. */
static int trend_alert(daily_run *r, const char *id, const rp_scored_contact *c,
                       const rp_stage_average *avg, const rp_alert *open[RP_ALERT_REASON_COUNT]) {
  double s_t = c->score, mean = avg->mean;
  double s14 = NAN, s7 = NAN;
  int rc = rp_store_score_history_at(r->s, r->account_id, id, r->day - 14, &s14);
  if (rc) return rc;
  /* d1 + d2 = s(t) - s(t-14): no trend without a 2-point move */
  if (isnan(s14) || llabs(tenths(s_t) - tenths(s14)) < RP_ALERTS_TREND_MIN_TENTHS) return 0;
  rc = rp_store_score_history_at(r->s, r->account_id, id, r->day - 7, &s7);
  if (rc) return rc;
  rp_trend t = rp_alerts_trend(s_t, s7, s14, mean);
  if (t == RP_TREND_NONE) return 0;
  rp_alert_reason reason = t == RP_TREND_RISING ? RP_ALERT_TREND_RISING : RP_ALERT_TREND_FALLING;
  rp_alert_reason other = t == RP_TREND_RISING ? RP_ALERT_TREND_FALLING : RP_ALERT_TREND_RISING;
  if (open[reason]) return 0; /* at most one open alert per reason */
  rp_alert last;
  bool found;
  rc = last_alert(r, id, reason, &last, &found);
  if (rc) return rc;
  rp_trend_input ti = {.day = r->day,
                       .s_t = s_t,
                       .s_t7 = s7,
                       .s_t14 = s14,
                       .stage_average = mean,
                       .last_dir = found ? t : RP_TREND_NONE,
                       .last_day = found ? last.day : 0};
  if (rp_alerts_trend_decide(&ti) == RP_TREND_NONE) return 0;
  /* the other direction no longer holds */
  rc = clear_alerts(r, id, 1u << other, open);
  if (rc) return rc;
  double move = (double)llabs(tenths(s_t) - tenths(s14)) / 10.0;
  const char *detail =
      rp_arena_printf(r->ar, "Score %s %.1f points in 14 days to %.1f, %s the %s average of %.1f",
                      t == RP_TREND_RISING ? "rose" : "fell", move, s_t,
                      t == RP_TREND_RISING ? "above" : "below", stage_phrase(c->stage), mean);
  double urgency = (t == RP_TREND_RISING ? URGENCY_RISING : URGENCY_FALLING) + fmin(move, 999.0);
  return raise_alert(r, id, reason, detail, urgency);
}

/* SCORING.md A3 for one contact: raises the press alert of a lead at or
 * above the band, clears it when that no longer holds. */
static int press_alert(daily_run *r, const char *id, const rp_scored_contact *c,
                       const rp_mid_range *mid, const rp_alert *open[RP_ALERT_REASON_COUNT]) {
  bool want = rp_alerts_press(c, mid);
  if (!want) return clear_alerts(r, id, 1u << RP_ALERT_PRESS, open);
  if (open[RP_ALERT_PRESS]) return 0;
  rp_alert last;
  bool found;
  int rc = last_alert(r, id, RP_ALERT_PRESS, &last, &found);
  if (rc) return rc;
  if (found && last.dismissed_at && r->day - last.day < PRESS_DISMISS_QUIET_DAYS) return 0;
  const char *where = c->score > mid->high ? "above" : "in";
  const char *detail = rp_arena_printf(
      r->ar, "Lead at %.1f, %s the clients' mid-range %.1f-%.1f: ask for a signed agreement",
      c->score, where, mid->low, mid->high);
  return raise_alert(r, id, RP_ALERT_PRESS, detail, URGENCY_PRESS + fmin(c->score, 999.0));
}

/* SCORING.md A4 for one contact: raises the overdue alert, clears it when
 * the contact is no longer overdue. A dismissed alert keeps a new one away
 * until the next two-way interaction. */
static int overdue_alert(daily_run *r, const char *id, const rp_scored_contact *c,
                         const daily_row *dr, const rp_alert *open[RP_ALERT_REASON_COUNT]) {
  if (!(dr->flags & F_OVERDUE)) return clear_alerts(r, id, 1u << RP_ALERT_OVERDUE, open);
  if (open[RP_ALERT_OVERDUE]) return 0;
  rp_alert last;
  bool found;
  int rc = last_alert(r, id, RP_ALERT_OVERDUE, &last, &found);
  if (rc) return rc;
  if (found && last.dismissed_at && dr->last_touch <= last.raised_at)
    return 0; /* dismissed in this same spell of silence */
  long long days = (long long)((r->T - dr->since) / DAY_SECONDS);
  long long every = llround(dr->interval);
  const char *how =
      (dr->flags & F_HAND_INTERVAL)
          ? rp_arena_printf(r->ar, "every %lld days, set by hand", every)
          : rp_arena_printf(r->ar, "every %lld days for %s", every, stage_phrase(c->stage));
  const char *detail =
      dr->last_touch
          ? rp_arena_printf(r->ar, "No two-way contact in %lld days (%s)", days, how)
          : rp_arena_printf(r->ar, "No two-way contact yet, known for %lld days (%s)", days, how);
  double past = dr->interval > 0 ? ((double)(r->T - dr->since) / DAY_SECONDS - dr->interval) /
                                       (double)dr->interval
                                 : 0;
  if (!(past > 0)) past = 0;
  return raise_alert(r, id, RP_ALERT_OVERDUE, detail, URGENCY_OVERDUE + 999.0 * past / (1 + past));
}

/* ---- the job ---- */

/* The kept scores, score history and alerts of contacts [i0, i1) (the
 * second phase of one write transaction); `open` are their open alerts,
 * sorted by contact. A kept score is written only if it is still the one
 * the scan read: a write since then (the chunked run's transactions let
 * the server's writes in between) rescored the contact at a later time. */
static int write_range(daily_run *run, const daily_scan *d, size_t i0, size_t i1,
                       const rp_alert *open_all, size_t n_open) {
  int rc = 0;
  for (size_t i = i0; i < i1 && !rc; i++) {
    if (d->dr[i].flags & F_CHANGED) {
      bool moved = false;
      rp_derived_was was = {d->dr[i].kept_touch, d->dr[i].kept_overdue, d->dr[i].kept_score};
      rc = rp_store_contact_set_derived_unless_moved(run->s, run->account_id, d->id[i], &was,
                                                     d->dr[i].last_touch, d->dr[i].overdue_at,
                                                     d->sc[i].score, &moved);
      if (rc) break;
      if (!moved) run->out->changed++;
    }
    bool wrote;
    rc = rp_store_score_history_put(run->s, run->account_id, d->id[i], run->out->day,
                                    d->sc[i].score, &wrote);
    if (!rc && wrote) run->out->history_rows++;
  }
  for (size_t i = i0; i < i1 && !rc; i++) {
    const rp_alert *open[RP_ALERT_REASON_COUNT];
    open_of(open, open_all, n_open, d->id[i]);
    const rp_scored_contact *c = &d->sc[i];
    /* A2 clearing: a two-way interaction after the alert */
    for (int k = RP_ALERT_TREND_RISING; k <= RP_ALERT_TREND_FALLING && !rc; k++)
      if (open[k] && d->dr[i].last_touch > open[k]->raised_at && d->dr[i].last_touch <= run->T)
        rc = clear_alerts(run, d->id[i], 1u << k, open);
    if (rc) break;
    if (rp_rfactor_contact_eligible(c))
      rc = trend_alert(run, d->id[i], c, &run->out->stats.stages[c->stage], open);
    else
      rc = clear_alerts(run, d->id[i], 1u << RP_ALERT_TREND_RISING | 1u << RP_ALERT_TREND_FALLING,
                        open);
    if (!rc) rc = press_alert(run, d->id[i], c, &run->out->stats.mid, open);
    if (!rc) rc = overdue_alert(run, d->id[i], c, &d->dr[i], open);
  }
  return rc;
}

/* rp_scoring_daily: see scoring.h (SCORING.md stage averages, A2, A3, A4,
 * rFactor; DOMAIN.md A2-A4). Runs in the caller's write transaction, or
 * with o->chunk in transactions of its own (scoring.h); ar holds the alert
 * details and the small results. The per-contact arrays are malloc'd and
 * freed here. Rerunning a day changes nothing: the history put writes only
 * changes, an open alert of a reason is never doubled (the open alerts are
 * read in the transaction that writes), a trend alert raised today
 * suppresses another today, and the stats, calibration and rFactor rows
 * are replaced by equal ones. So a chunked run cut short (an error, a
 * kill) leaves only what a rerun writes again. */
int rp_scoring_daily(rp_daily_report *out, rp_store *s, rp_arena *ar, const char *account_id,
                     const rp_daily_opts *o) {
  rp_scoring_index *ix = NULL;
  daily_scan d = {0};
  rp_account acct = {0};
  bool own_tx = o->chunk > 0;
  size_t chunk = own_tx ? o->chunk : SIZE_MAX;
  int rc;
  memset(out, 0, sizeof *out);

  /* the first phase: what the day is, read in one transaction */
  if (own_tx && (rc = rp_store_begin(s, false))) return rc;
  rc = rp_store_account_get(s, ar, &acct, account_id);
  if (rc) goto cleanup;
  daily_settings set;
  read_settings(&set, acct.settings_json);
  out->day = rp_scoring_day(acct.settings_json, o->T);

  rc = rp_scoring_index_load(&ix, s, account_id);
  if (rc) goto cleanup;
  int64_t live = 0;
  rc = rp_store_count_contacts(s, account_id, &live);
  if (rc) goto cleanup;
  d.ix = ix;
  d.T = o->T;
  d.keep_scores = o->keep_scores;
  d.total = (size_t)live;
  d.progress = o->progress;
  d.progress_ctx = o->progress_ctx;
  rc = rp_store_score_scan(s, account_id, NULL, NULL, true, scan_row, &d);
  if (rc) goto cleanup;
  out->contacts = d.n;

  /* the calibration of e_1 (SCORING.md), computed once a month */
  rp_time e1 = rp_rfactor_month_end(o->T, 1);
  rp_rfactor_calibration cal = {0};
  rp_time computed_at = 0;
  bool cal_new = false;
  rc = rp_store_calibration_get(s, account_id, e1, &cal, &computed_at);
  if (rc == RP_ENOTFOUND) {
    rp_error_clear();
    rc = rp_scoring_calibration(&cal, s, ar, account_id, o->T);
    cal_new = true;
  }
  if (rc) goto cleanup;

  /* Alerts of today's run start workflows; those of a backfill (a run
   * for a day long past) are history, not a call to act. */
  rp_lifecycle lc;
  daily_run run = {
      .s = s, .ar = ar, .account_id = account_id, .T = o->T, .day = out->day, .out = out};
  if (rp_clock_now() - o->T < 36 * 3600) {
    if ((rc = rp_lifecycle_init(&lc, s, ar, account_id, NULL, o->T))) goto cleanup;
    run.lc = &lc;
  }
  if (own_tx) rp_store_rollback(s); /* (the read transaction: nothing to keep) */

  /* stage averages and mid-range, which the alerts compare against */
  out->stats.day = out->day;
  out->stats.as_of = o->T;
  rp_alerts_stage_averages(out->stats.stages, d.sc, d.n);
  rp_alerts_mid_range(&out->stats.mid, ar, d.sc, d.n);

  /* the second phase: kept scores, score history and alerts, a range of
   * contacts at a time, each with its open alerts read where it writes;
   * with o->chunk_ms the ranges are sized from the last one's pace */
  size_t next = own_tx && o->chunk_ms > 0 && chunk > FIRST_RANGE ? FIRST_RANGE : chunk;
  for (size_t i0 = 0, i1; i0 < d.n; i0 = i1) {
    i1 = d.n - i0 < next ? d.n : i0 + next;
    double started = rp_mono_ms();
    if (own_tx) {
      if (i0 && o->between) o->between(o->between_ctx);
      if ((rc = rp_store_begin(s, true))) goto cleanup;
    }
    rp_alert *open_all = NULL;
    size_t n_open = 0;
    rc = own_tx ? rp_store_alert_open_range(s, ar, account_id, d.id[i0], d.id[i1 - 1], &open_all,
                                            &n_open)
                : rp_store_alert_open_all(s, ar, account_id, &open_all, &n_open);
    if (rc) goto cleanup;
    if (n_open) qsort(open_all, n_open, sizeof *open_all, by_contact);
    rc = write_range(&run, &d, i0, i1, open_all, n_open);
    if (!rc && own_tx) rc = rp_store_commit(s);
    if (rc) goto cleanup;
    if (own_tx && o->chunk_ms > 0) {
      double per = (rp_mono_ms() - started) / (double)(i1 - i0);
      double fit = per > 0 ? o->chunk_ms / per : (double)chunk;
      next = fit < 1 ? 1 : fit > (double)chunk ? chunk : (size_t)fit;
    }
    /* SQLite's busy wait polls (every 100 ms at most): a writer that begins
     * again at once would starve the requests waiting for the lock */
    if (own_tx && i1 < d.n) rp_sleep_ms(o->pause_ms);
  }

  /* the day's rows: stage averages, calibration, the rFactor at T kept as
   * its month's value (with o->chunk, in the transaction left open) */
  if (own_tx && (rc = rp_store_begin(s, true))) goto cleanup;
  rc = rp_store_daily_stats_put(s, account_id, &out->stats);
  if (!rc && cal_new) rc = rp_store_calibration_put(s, account_id, e1, &cal, o->T);
  if (rc) goto cleanup;
  int64_t counts[RP_RFACTOR_BANDS] = {0};
  for (size_t i = 0; i < d.n; i++)
    if (rp_rfactor_contact_eligible(&d.sc[i])) counts[rp_rfactor_band(d.sc[i].score)]++;
  double *comm = NULL;
  size_t n_comm = 0;
  rp_scoring_index_commissions(ix, ar, rp_rfactor_months_before(o->T, 24), o->T, &comm, &n_comm);
  rc = rp_rfactor_compute(&out->rfactor, counts, &cal, comm, n_comm, &set.rf);
  if (rc) goto cleanup;
  rp_rfactor_point p = {.as_of = o->T, .r = out->rfactor};
  memset(p.r.bands, 0, sizeof p.r.bands);
  int64_t y;
  unsigned m, dd;
  rp_civil_from_days(out->day, &y, &m, &dd);
  snprintf(p.month, sizeof p.month, "%04d-%02u", (int)y, m);
  rc = rp_store_rfactor_put(s, account_id, &p);

cleanup:
  if (rc && own_tx) rp_store_rollback(s);
  rp_scoring_index_free(ix);
  free(d.id);
  free(d.sc);
  free(d.dr);
  return rc;
}
