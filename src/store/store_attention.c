/* store_attention.c: what the score's daily job keeps and the attention
 * lists read (store.h "score, score history, alerts, rFactor" and
 * "dashboard counts"): score history as change points, the daily stats
 * and claims, reach-out alerts (DOMAIN.md A2-A4), the rFactor's
 * calibration and monthly history, score bands, and the dashboard counts.
 * The tables are in migrations/003_score.sql; the score's facts and the
 * full scan in store_score.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/mem.h"

/* Steps a one-row statement: 1 with a row, 0 without, or the mapped
 * error (the statement is left for the caller to read and finish). */
static int step_one(rp_store *s, rp_stmt *st) {
  int rc = rp_step(st);
  if (rc == RP_ROW) return 1;
  if (rc == RP_DONE) return 0;
  return rp_sql_error(s, rc, NULL);
}

/* ---- score history ---- */

#define SH_UPSERT_SQL                                                                              \
  "INSERT INTO score_history (account_id, contact_id, day, score) VALUES (?, ?, ?, ?)"             \
  " ON CONFLICT (account_id, contact_id, day) DO UPDATE SET score = excluded.score"
#define SH_DELETE_SQL                                                                              \
  "DELETE FROM score_history WHERE account_id = ? AND contact_id = ? AND day = ?"

/* Writes (day, score) as a row of the contact's history (score NAN:
 * removes the day's row). */
static int sh_write(rp_store *s, const char *account_id, const char *contact_id, int64_t day,
                    double score) {
  bool del = isnan(score);
  rp_stmt *st = del ? rp_sql_stmt(s, RP_ST_SCORE_HISTORY_DELETE, SH_DELETE_SQL)
                         : rp_sql_stmt(s, RP_ST_SCORE_HISTORY_UPSERT, SH_UPSERT_SQL);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_int64(st, 3, day);
  if (!del) rp_bind_double(st, 4, score);
  int ret = rp_sql_run(s, st, NULL);
  if (ret == RP_ENOTFOUND) ret = rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
  return ret;
}

/* store.h: keeps `score` as the contact's daily score of `day`, as change
 * points. Reads the two rows at or before day and the first after it (one
 * statement), then: nothing when the history already gives that score;
 * on a backfill (a row after day, none at day + 1) a row at day + 1 keeps
 * the score that day had; the row at day is written, or removed when the
 * day before already gives the score; a row at day + 1 that now repeats
 * the score is removed. Before the first row there is no score to keep:
 * the days after day up to the next row take the new one. */
int rp_store_score_history_put(rp_store *s, const char *account_id, const char *contact_id,
                               int64_t day, double score, bool *changed) {
  if (changed) *changed = false;
  if (isnan(score)) return rp_error_set(RP_EINVALID_VALUE, "score", "not a number");
  rp_stmt *st = rp_sql_stmt(s, RP_ST_SCORE_HISTORY_AROUND,
                                 "SELECT day, score FROM (SELECT day, score FROM score_history"
                                 " WHERE account_id = ?1 AND contact_id = ?2 AND day <= ?3"
                                 " ORDER BY day DESC LIMIT 2)"
                                 " UNION ALL SELECT day, score FROM (SELECT day, score"
                                 " FROM score_history WHERE account_id = ?1 AND contact_id = ?2"
                                 " AND day > ?3 ORDER BY day LIMIT 1)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_int64(st, 3, day);
  struct {
    bool has;
    int64_t day;
    double score;
  } at = {0}, prev = {0}, next = {0};
  int rc, ret = 0, le = 0;
  while ((rc = rp_step(st)) == RP_ROW) {
    int64_t d = rp_col_int64(st, 0);
    double v = rp_col_double(st, 1);
    if (d > day) {
      next.has = true, next.day = d, next.score = v;
    } else if (le++ == 0 && d == day) {
      at.has = true, at.day = d, at.score = v;
    } else if (!prev.has) {
      prev.has = true, prev.day = d, prev.score = v;
    }
  }
  if (rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) return ret;
  bool has_old = at.has || prev.has;
  double old = at.has ? at.score : prev.score;
  if (has_old && old == score) return 0;
  if (changed) *changed = true;

  bool sp = false;
  if ((ret = rp_sql_sp_begin(s, &sp))) return ret;
  /* backfill: day + 1 keeps the score it had */
  if (next.has && next.day > day + 1 && has_old &&
      (ret = sh_write(s, account_id, contact_id, day + 1, old)))
    goto cleanup;
  if (prev.has && prev.score == score) { /* the day before gives it already */
    if (at.has && (ret = sh_write(s, account_id, contact_id, day, NAN))) goto cleanup;
  } else if ((ret = sh_write(s, account_id, contact_id, day, score))) {
    goto cleanup;
  }
  /* a row at day + 1 repeating the score is no change point any more */
  if (next.has && next.day == day + 1 && next.score == score)
    ret = sh_write(s, account_id, contact_id, day + 1, NAN);
cleanup:
  ret = rp_sql_sp_end(s, sp, ret);
  if (ret && changed) *changed = false;
  return ret;
}

/* store.h: the score the history gives `day` (its latest row at or before
 * it), NaN when none. */
int rp_store_score_history_at(rp_store *s, const char *account_id, const char *contact_id,
                              int64_t day, double *out) {
  *out = NAN;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_SCORE_HISTORY_AT,
                                 "SELECT score FROM score_history WHERE account_id = ?"
                                 " AND contact_id = ? AND day <= ? ORDER BY day DESC LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_int64(st, 3, day);
  int r = step_one(s, st);
  if (r == 1) *out = rp_col_double(st, 0);
  rp_sql_done(st);
  return r < 0 ? r : 0;
}

/* store.h: the rows in [from_day, to_day] and the latest before from_day,
 * oldest first; *items in ar (NULL with *n = 0 when none). */
int rp_store_score_history_list(rp_store *s, rp_arena *ar, const char *account_id,
                                const char *contact_id, int64_t from_day, int64_t to_day,
                                rp_score_point **items, size_t *n) {
  *items = NULL;
  *n = 0;
  size_t cap = 0;
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_SCORE_HISTORY_LIST,
                  "SELECT day, score FROM score_history WHERE account_id = ?1 AND contact_id = ?2"
                  " AND day >= coalesce((SELECT max(day) FROM score_history WHERE account_id = ?1"
                  " AND contact_id = ?2 AND day < ?3), ?3) AND day <= ?4 ORDER BY day");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_int64(st, 3, from_day);
  rp_bind_int64(st, 4, to_day);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_score_point *p = RP_ARENA_PUSH(ar, *items, n, &cap, 32);
    p->day = rp_col_int64(st, 0);
    p->score = rp_col_double(st, 1);
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* ---- daily stats and claims ---- */

#define STATS_COLS                                                                                 \
  "day, as_of, none_mean, none_count, aware_mean, aware_count, know_mean, know_count,"             \
  " like_mean, like_count, trust_mean, trust_count, mid_low, mid_high, mid_basis, mid_from_data"

_Static_assert(RP_STAGE_COUNT == 5, "daily_stats has one mean and count per stage");

/* store.h: inserts or replaces the stats of st->day (stage averages per
 * rp_stage, the A3 mid-range). */
int rp_store_daily_stats_put(rp_store *s, const char *account_id, const rp_daily_stats *d) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_DAILY_STATS_PUT,
                                 "INSERT OR REPLACE INTO daily_stats (account_id, " STATS_COLS ")"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  int i = 1;
  rp_bind_id(st, i++, account_id);
  rp_bind_int64(st, i++, d->day);
  rp_bind_int64(st, i++, d->as_of);
  for (int k = 0; k < RP_STAGE_COUNT; k++) {
    rp_bind_double(st, i++, d->stages[k].mean);
    rp_bind_int64(st, i++, d->stages[k].count);
  }
  rp_bind_double(st, i++, d->mid.low);
  rp_bind_double(st, i++, d->mid.high);
  rp_bind_int64(st, i++, (int64_t)d->mid.basis);
  rp_bind_int(st, i++, d->mid.from_data ? 1 : 0);
  int ret = rp_sql_run(s, st, NULL);
  if (ret == RP_ENOTFOUND) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such account");
  return ret;
}

/* store.h: the stats of the latest day at or before `day`; RP_ENOTFOUND
 * when none. */
int rp_store_daily_stats_get(rp_store *s, const char *account_id, int64_t day,
                             rp_daily_stats *out) {
  memset(out, 0, sizeof *out);
  rp_stmt *st = rp_sql_stmt(s, RP_ST_DAILY_STATS_GET,
                                 "SELECT " STATS_COLS " FROM daily_stats WHERE account_id = ?"
                                 " AND day <= ? ORDER BY day DESC LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, day);
  int r = step_one(s, st);
  if (r == 1) {
    int i = 0;
    out->day = rp_col_int64(st, i++);
    out->as_of = rp_col_int64(st, i++);
    for (int k = 0; k < RP_STAGE_COUNT; k++) {
      out->stages[k].mean = rp_col_double(st, i++);
      out->stages[k].count = rp_col_int64(st, i++);
    }
    out->mid.low = rp_col_double(st, i++);
    out->mid.high = rp_col_double(st, i++);
    out->mid.basis = (size_t)rp_col_int64(st, i++);
    out->mid.from_data = rp_col_int(st, i++) != 0;
  }
  rp_sql_done(st);
  if (r == 0) return rp_error_set(RP_ENOTFOUND, NULL, "no daily stats yet");
  return r < 0 ? r : 0;
}

/* store.h */
int rp_store_daily_claimed(rp_store *s, const char *account_id, int64_t day, bool *out) {
  *out = false;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_DAILY_CLAIMED,
                                 "SELECT 1 FROM daily_claims WHERE account_id = ? AND day = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, day);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = true;
  else if (rc != RP_DONE)
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* store.h: claims the daily job of `day` for the account: 0 for the first
 * caller (its row is written), RP_ECONFLICT when the day was claimed. */
int rp_store_daily_claim(rp_store *s, const char *account_id, int64_t day, rp_time at) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_DAILY_CLAIM,
                                 "INSERT INTO daily_claims (account_id, day, claimed_at)"
                                 " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, day);
  rp_bind_int64(st, 3, at);
  int ret = rp_sql_run(s, st, NULL);
  if (ret == RP_ENOTFOUND) return rp_error_set(RP_ENOTFOUND, NULL, "no such account");
  if (ret) return ret;
  if (rp_sql_changes(s) == 0)
    return rp_error_set(RP_ECONFLICT, NULL, "the daily job of this day was claimed already");
  return 0;
}

/* ---- alerts (DOMAIN.md A2-A4) ---- */

#define ALERT_COLS                                                                                 \
  "a.id, a.contact_id, a.reason, a.detail, a.day, a.raised_at, a.cleared_at, a.dismissed_at,"      \
  " a.urgency"

/* The contact as a reach-out item shows it (columns 9..16): what to call
 * it, where it stands, and how to reach it (its first phone and email and
 * the opt-outs), so the list needs no second request per item. */
#define CONTACT_BRIEF_COLS                                                                         \
  ", c.display_name, c.status, c.stage, (SELECT cs.score FROM contact_scores cs"                   \
  " WHERE cs.account_id = c.account_id AND cs.contact_id = c.id),"                                 \
  " json_extract(c.phones_json, '$[0].number'),"                                                   \
  " json_extract(c.emails_json, '$[0].address'), c.sms_opt_out, c.email_opt_out"

/* Fills a from ALERT_COLS at columns 0..8; the contact fields are left
 * empty. */
static void read_alert(rp_stmt *st, rp_arena *ar, rp_alert *a) {
  memset(a, 0, sizeof *a);
  rp_col_id(st, 0, a->id);
  rp_col_id(st, 1, a->contact_id);
  rp_alert_reason reason = RP_ALERT_OVERDUE;
  rp_alert_reason_parse(&reason, (const char *)rp_col_str(st, 2));
  a->reason = reason;
  a->detail = rp_col_text(st, 3, ar);
  a->day = rp_col_int64(st, 4);
  a->raised_at = rp_col_int64(st, 5);
  a->cleared_at = rp_col_int64(st, 6);
  a->dismissed_at = rp_col_int64(st, 7);
  a->urgency = rp_col_double(st, 8);
}

/* store.h: inserts a (a new UUIDv7 when a->id is empty). RP_ENOTFOUND
 * field "contact_id" when the contact is not in the account,
 * RP_EINVALID_VALUE for an unknown reason. */
int rp_store_alert_create(rp_store *s, const char *account_id, rp_alert *a) {
  const char *reason = rp_alert_reason_name(a->reason);
  if (!reason) return rp_error_set(RP_EINVALID_VALUE, "reason", "unknown alert reason");
  if (!a->id[0]) rp_uuid_v7(a->id);
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ALERT_INSERT,
                                 "INSERT INTO alerts (account_id, id, contact_id, reason, detail,"
                                 " day, raised_at, cleared_at, dismissed_at, urgency)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, a->id);
  rp_bind_id(st, 3, a->contact_id);
  rp_bind_text(st, 4, reason);
  rp_bind_text(st, 5, a->detail);
  rp_bind_int64(st, 6, a->day);
  rp_bind_int64(st, 7, a->raised_at);
  rp_bind_time(st, 8, a->cleared_at);
  rp_bind_time(st, 9, a->dismissed_at);
  rp_bind_double(st, 10, a->urgency);
  int ret = rp_sql_run(s, st, "id");
  if (ret == RP_ENOTFOUND) ret = rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
  return ret;
}

/* store.h: the contact's latest alert of this reason (by day, then
 * raised_at), open or not; RP_ENOTFOUND when none. */
int rp_store_alert_last(rp_store *s, rp_arena *ar, const char *account_id, const char *contact_id,
                        rp_alert_reason reason, rp_alert *out) {
  const char *name = rp_alert_reason_name(reason);
  if (!name) return rp_error_set(RP_EINVALID_VALUE, "reason", "unknown alert reason");
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ALERT_LAST,
                                 "SELECT " ALERT_COLS " FROM alerts a INDEXED BY alerts_contact"
                                 " WHERE a.account_id = ? AND a.contact_id = ? AND a.reason = ?"
                                 " ORDER BY a.day DESC, a.raised_at DESC, a.id DESC LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_text(st, 3, name);
  int r = step_one(s, st);
  if (r == 1) read_alert(st, ar, out);
  rp_sql_done(st);
  if (r == 0) return rp_error_set(RP_ENOTFOUND, NULL, "no such alert");
  return r < 0 ? r : 0;
}

/* Binds the reason names of mask as ?first .. ?first+3 (NULL for the
 * others: an IN list of four that never matches NULL). */
static void bind_reasons(rp_stmt *st, int first, unsigned mask) {
  _Static_assert(RP_ALERT_REASON_COUNT == 4, "four reason slots");
  for (int r = 0; r < RP_ALERT_REASON_COUNT; r++)
    rp_bind_text(st, first + r, mask & (1u << r) ? rp_alert_reason_name(r) : NULL);
}

/* store.h: sets cleared_at = at on the contact's open alerts (neither
 * cleared nor dismissed) whose reason is in reason_mask (0: none). A
 * contact with no such alert is no error. */
int rp_store_alert_clear(rp_store *s, const char *account_id, const char *contact_id,
                         unsigned reason_mask, rp_time at) {
  if (!(reason_mask & ((1u << RP_ALERT_REASON_COUNT) - 1))) return 0;
  rp_stmt *st = rp_sql_stmt(
      s, RP_ST_ALERT_CLEAR,
      "UPDATE alerts INDEXED BY alerts_contact SET cleared_at = ?1 WHERE account_id = ?2"
      " AND contact_id = ?3 AND cleared_at IS NULL"
      " AND dismissed_at IS NULL AND reason IN (?4, ?5, ?6, ?7)");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, at);
  rp_bind_id(st, 2, account_id);
  rp_bind_id(st, 3, contact_id);
  bind_reasons(st, 4, reason_mask);
  return rp_sql_run(s, st, NULL);
}

/* store.h: dismissal by hand. RP_ENOTFOUND for no such alert in the
 * account or one whose contact visible_to may not see (it owns it, or
 * nobody does: as rp_store_contact_list); an alert dismissed already is
 * left as it is. */
int rp_store_alert_dismiss(rp_store *s, const char *account_id, const char *visible_to,
                           const char *id, rp_time at) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ALERT_HEAD,
                                 "SELECT a.dismissed_at IS NOT NULL,"
                                 " c.owner_id IS NULL OR ?3 IS NULL OR c.owner_id = ?3"
                                 " FROM alerts a JOIN contacts c ON c.account_id = a.account_id"
                                 " AND c.id = a.contact_id WHERE a.account_id = ?1 AND a.id = ?2");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  rp_bind_id(st, 3, visible_to);
  int r = step_one(s, st);
  bool dismissed = r == 1 && rp_col_int(st, 0) != 0;
  bool visible = r == 1 && rp_col_int(st, 1) != 0;
  rp_sql_done(st);
  if (r < 0) return r;
  if (r == 0 || !visible) return rp_error_set(RP_ENOTFOUND, NULL, "no such alert");
  if (dismissed) return 0;
  st = rp_sql_stmt(s, RP_ST_ALERT_DISMISS,
                   "UPDATE alerts SET dismissed_at = ? WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, at);
  rp_bind_id(st, 2, account_id);
  rp_bind_id(st, 3, id);
  return rp_sql_run(s, st, NULL);
}

/* Collects the rows of st (ALERT_COLS, then with_contact: display_name,
 * status, stage, score) into an arena array. */
static int collect_alerts(rp_store *s, rp_stmt *st, rp_arena *ar, bool with_contact,
                          rp_alert **items, size_t *n) {
  size_t cap = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_alert *a = RP_ARENA_PUSH(ar, *items, n, &cap, 32);
    read_alert(st, ar, a);
    if (with_contact) {
      a->display_name = rp_col_text(st, 9, ar);
      rp_status status = RP_STATUS_NONE;
      rp_status_parse(&status, (const char *)rp_col_str(st, 10));
      a->status = status;
      rp_stage stage = RP_STAGE_NONE;
      rp_stage_parse(&stage, (const char *)rp_col_str(st, 11));
      a->stage = stage;
      a->score = rp_col_double(st, 12);
      a->phone = rp_col_text(st, 13, ar);
      a->email = rp_col_text(st, 14, ar);
      a->sms_opt_out = rp_col_int(st, 15) != 0;
      a->email_opt_out = rp_col_int(st, 16) != 0;
    }
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* store.h: one alert with its contact's fields, open or not. */
int rp_store_alert_get(rp_store *s, rp_arena *ar, const char *account_id, const char *id,
                       rp_alert *out) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ALERT_GET,
                                 "SELECT " ALERT_COLS CONTACT_BRIEF_COLS
                                 " FROM alerts a JOIN contacts c ON c.account_id = a.account_id"
                                 " AND c.id = a.contact_id WHERE a.account_id = ? AND a.id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  rp_alert *items = NULL;
  size_t n = 0;
  int rc = collect_alerts(s, st, ar, true, &items, &n);
  if (rc) return rc;
  if (!n) return rp_error_set(RP_ENOTFOUND, NULL, "no such alert");
  *out = items[0];
  return 0;
}

/* store.h: every open alert of the account (archived contacts' too), in
 * (contact_id, reason) order, without the contact fields; *items in ar. */
int rp_store_alert_open_all(rp_store *s, rp_arena *ar, const char *account_id, rp_alert **items,
                            size_t *n) {
  *items = NULL;
  *n = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ALERT_OPEN_ALL,
                                 "SELECT " ALERT_COLS " FROM alerts a INDEXED BY"
                                 " alerts_open_contact WHERE a.account_id = ?"
                                 " AND a.cleared_at IS NULL AND a.dismissed_at IS NULL"
                                 " ORDER BY a.contact_id, a.reason");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  return collect_alerts(s, st, ar, false, items, n);
}

int rp_store_alert_open_range(rp_store *s, rp_arena *ar, const char *account_id,
                              const char *from_id, const char *to_id, rp_alert **items,
                              size_t *n) {
  *items = NULL;
  *n = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ALERT_OPEN_RANGE,
                                 "SELECT " ALERT_COLS " FROM alerts a INDEXED BY"
                                 " alerts_open_contact WHERE a.account_id = ?"
                                 " AND a.contact_id >= ? AND a.contact_id <= ?"
                                 " AND a.cleared_at IS NULL AND a.dismissed_at IS NULL"
                                 " ORDER BY a.contact_id, a.reason");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, from_id);
  rp_bind_id(st, 3, to_id);
  return collect_alerts(s, st, ar, false, items, n);
}

/* store.h: GET /reach-out: the open alerts of live contacts visible_to
 * sees (its own and the team's; NULL: all), of the reasons in the mask
 * (0: any), most urgent first (urgency desc, raised_at desc, id), at most
 * q->limit (1..500) of them, with the contact's name, status, stage and
 * score. A walk of the alerts_open index, one contact lookup per alert. */
int rp_store_alert_list(rp_store *s, rp_arena *ar, const rp_alert_query *q, rp_alert **items,
                        size_t *n) {
  *items = NULL;
  *n = 0;
  int limit = q->limit < 1 ? 50 : q->limit > 500 ? 500 : q->limit;
  unsigned mask = q->reason_mask ? q->reason_mask : (1u << RP_ALERT_REASON_COUNT) - 1;
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_ALERT_LIST,
                  "SELECT " ALERT_COLS CONTACT_BRIEF_COLS
                  " FROM alerts a INDEXED BY alerts_open CROSS JOIN contacts c"
                  " ON c.account_id = a.account_id AND c.id = a.contact_id"
                  " WHERE a.account_id = ?1 AND a.cleared_at IS NULL AND a.dismissed_at IS NULL"
                  " AND a.reason IN (?2, ?3, ?4, ?5) AND c.archived = 0"
                  " AND (?6 IS NULL OR c.owner_id = ?6 OR c.owner_id IS NULL)"
                  " ORDER BY a.urgency DESC, a.raised_at DESC, a.id LIMIT ?7");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, q->account_id);
  bind_reasons(st, 2, mask);
  rp_bind_id(st, 6, q->visible_to);
  rp_bind_int(st, 7, limit);
  return collect_alerts(s, st, ar, true, items, n);
}

/* ---- rFactor ---- */

#define CAL_COLS                                                                                   \
  "n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, closed_deals,"  \
  " computed_at"

_Static_assert(RP_RFACTOR_BANDS == 10, "rfactor_calibration has ten bands");

/* store.h: keeps the calibration counts of a month-end (replacing any). */
int rp_store_calibration_put(rp_store *s, const char *account_id, rp_time month_end,
                             const rp_rfactor_calibration *cal, rp_time computed_at) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CALIBRATION_PUT,
                                 "INSERT OR REPLACE INTO rfactor_calibration (account_id,"
                                 " month_end, " CAL_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                 " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  int i = 1;
  rp_bind_id(st, i++, account_id);
  rp_bind_int64(st, i++, month_end);
  for (int b = 0; b < RP_RFACTOR_BANDS; b++)
    rp_bind_int64(st, i++, cal->n[b]);
  for (int b = 0; b < RP_RFACTOR_BANDS; b++)
    rp_bind_int64(st, i++, cal->k[b]);
  rp_bind_int64(st, i++, cal->closed_deals);
  rp_bind_int64(st, i++, computed_at);
  int ret = rp_sql_run(s, st, NULL);
  if (ret == RP_ENOTFOUND) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such account");
  return ret;
}

/* store.h: the calibration counts kept for month_end; RP_ENOTFOUND when
 * none. computed_at may be NULL. */
int rp_store_calibration_get(rp_store *s, const char *account_id, rp_time month_end,
                             rp_rfactor_calibration *out, rp_time *computed_at) {
  memset(out, 0, sizeof *out);
  if (computed_at) *computed_at = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_CALIBRATION_GET,
                                 "SELECT " CAL_COLS " FROM rfactor_calibration"
                                 " WHERE account_id = ? AND month_end = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, month_end);
  int r = step_one(s, st);
  if (r == 1) {
    int i = 0;
    for (int b = 0; b < RP_RFACTOR_BANDS; b++)
      out->n[b] = rp_col_int64(st, i++);
    for (int b = 0; b < RP_RFACTOR_BANDS; b++)
      out->k[b] = rp_col_int64(st, i++);
    out->closed_deals = rp_col_int64(st, i++);
    if (computed_at) *computed_at = rp_col_int64(st, i++);
  }
  rp_sql_done(st);
  if (r == 0) return rp_error_set(RP_ENOTFOUND, NULL, "no calibration kept for this month-end");
  return r < 0 ? r : 0;
}

#define RFACTOR_COLS                                                                               \
  "month, as_of, rfactor, eligible_contacts, predicted_transactions, interval_lo, interval_hi,"    \
  " mean_commission, commission_deals, default_commission_used, predicted_revenue, revenue_lo,"    \
  " revenue_hi, valuation, calibrated"

/* store.h: inserts or replaces the month's rFactor (its scalar fields;
 * the bands are not kept). */
int rp_store_rfactor_put(rp_store *s, const char *account_id, const rp_rfactor_point *p) {
  size_t len = strnlen(p->month, sizeof p->month);
  if (len != 7 || p->month[4] != '-')
    return rp_error_set(RP_EINVALID_VALUE, "month", "must be YYYY-MM");
  rp_stmt *st = rp_sql_stmt(s, RP_ST_RFACTOR_PUT,
                                 "INSERT OR REPLACE INTO rfactor_history (account_id, " RFACTOR_COLS
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  const rp_rfactor_result *r = &p->r;
  int i = 1;
  rp_bind_id(st, i++, account_id);
  rp_bind_textn(st, i++, p->month, 7);
  rp_bind_int64(st, i++, p->as_of);
  rp_bind_double(st, i++, r->rfactor);
  rp_bind_int64(st, i++, r->eligible_contacts);
  rp_bind_double(st, i++, r->predicted_transactions);
  rp_bind_double(st, i++, r->interval_lo);
  rp_bind_double(st, i++, r->interval_hi);
  rp_bind_double(st, i++, r->mean_commission);
  rp_bind_int64(st, i++, r->commission_deals);
  rp_bind_int(st, i++, r->default_commission_used ? 1 : 0);
  rp_bind_double(st, i++, r->predicted_revenue);
  rp_bind_double(st, i++, r->revenue_lo);
  rp_bind_double(st, i++, r->revenue_hi);
  rp_bind_double(st, i++, r->valuation);
  rp_bind_int(st, i++, r->calibrated ? 1 : 0);
  int ret = rp_sql_run(s, st, NULL);
  if (ret == RP_ENOTFOUND) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such account");
  return ret;
}

/* store.h: the monthly rFactor values, oldest first; *items in ar. */
int rp_store_rfactor_history(rp_store *s, rp_arena *ar, const char *account_id,
                             rp_rfactor_point **items, size_t *n) {
  *items = NULL;
  *n = 0;
  size_t cap = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_RFACTOR_HISTORY,
                                 "SELECT " RFACTOR_COLS " FROM rfactor_history"
                                 " WHERE account_id = ? ORDER BY month");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_rfactor_point *p = RP_ARENA_PUSH(ar, *items, n, &cap, 16);
    memset(p, 0, sizeof *p);
    int i = 0;
    const char *month = (const char *)rp_col_str(st, i++);
    snprintf(p->month, sizeof p->month, "%s", month ? month : "");
    rp_rfactor_result *r = &p->r;
    p->as_of = rp_col_int64(st, i++);
    r->rfactor = rp_col_double(st, i++);
    r->eligible_contacts = rp_col_int64(st, i++);
    r->predicted_transactions = rp_col_double(st, i++);
    r->interval_lo = rp_col_double(st, i++);
    r->interval_hi = rp_col_double(st, i++);
    r->mean_commission = rp_col_double(st, i++);
    r->commission_deals = rp_col_int64(st, i++);
    r->default_commission_used = rp_col_int(st, i++) != 0;
    r->predicted_revenue = rp_col_double(st, i++);
    r->revenue_lo = rp_col_double(st, i++);
    r->revenue_hi = rp_col_double(st, i++);
    r->valuation = rp_col_double(st, i++);
    r->calibrated = rp_col_int(st, i++) != 0;
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* store.h / SCORING.md rFactor: the live eligible contacts (type client,
 * farm, personal or prospect; status not none) by band of their kept
 * score. One walk of the covering contact_scores_score index, grouped by
 * score (at most 1001 distinct values), each banded by rp_rfactor_band. */
int rp_store_score_bands(rp_store *s, const char *account_id, int64_t counts[RP_RFACTOR_BANDS]) {
  memset(counts, 0, RP_RFACTOR_BANDS * sizeof *counts);
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_SCORE_BANDS,
                  "SELECT score, count(*) FROM contact_scores INDEXED BY contact_scores_score"
                  " WHERE account_id = ? AND archived = 0 AND status <> 'none'"
                  " AND type IN ('client', 'farm', 'personal', 'prospect')"
                  " GROUP BY score");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW)
    counts[rp_rfactor_band(rp_col_double(st, 0))] += rp_col_int64(st, 1);
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* ---- dashboard counts ---- */

/* The status / stage of a contacts row by a switch on the first bytes
 * (the column text is NUL-terminated) and one strcmp; -1 for anything
 * else. A dashboard count decodes one per live contact. */
static int status_code(const char *p) {
  if (!p) return -1;
  switch (p[0]) {
  case 'n': return strcmp(p, "none") ? -1 : RP_STATUS_NONE;
  case 's': return strcmp(p, "suspect") ? -1 : RP_STATUS_SUSPECT;
  case 'p':
    if (p[1] == 'r') return strcmp(p, "prospect") ? -1 : RP_STATUS_PROSPECT;
    return strcmp(p, "past_client") ? -1 : RP_STATUS_PAST_CLIENT;
  case 'l': return strcmp(p, "lead") ? -1 : RP_STATUS_LEAD;
  case 'c': return strcmp(p, "client") ? -1 : RP_STATUS_CLIENT;
  default: return -1;
  }
}

static int stage_code(const char *p) {
  if (!p) return -1;
  switch (p[0]) {
  case 'n': return strcmp(p, "none") ? -1 : RP_STAGE_NONE;
  case 'a': return strcmp(p, "aware") ? -1 : RP_STAGE_AWARE;
  case 'k': return strcmp(p, "know") ? -1 : RP_STAGE_KNOW;
  case 'l': return strcmp(p, "like") ? -1 : RP_STAGE_LIKE;
  case 't': return strcmp(p, "trust") ? -1 : RP_STAGE_TRUST;
  default: return -1;
  }
}

/* store.h: live contacts by status and by stage as visible_to sees them
 * (its own and the team's; NULL: the whole account). One walk of the
 * contacts_created index, which carries status, stage and owner (no table
 * row read), counted here: four times faster than SQLite's GROUP BY,
 * which sorts every row. */
int rp_store_contact_counts(rp_store *s, const char *account_id, const char *visible_to,
                            int64_t status[RP_STATUS_COUNT], int64_t stage[RP_STAGE_COUNT]) {
  memset(status, 0, RP_STATUS_COUNT * sizeof *status);
  memset(stage, 0, RP_STAGE_COUNT * sizeof *stage);
  rp_stmt *st =
      visible_to ? rp_sql_stmt(s, RP_ST_CONTACT_COUNTS_VISIBLE,
                               "SELECT status, stage FROM contacts INDEXED BY contacts_created"
                               " WHERE account_id = ? AND archived = 0"
                               " AND (owner_id = ? OR owner_id IS NULL)")
                 : rp_sql_stmt(s, RP_ST_CONTACT_COUNTS,
                               "SELECT status, stage FROM contacts INDEXED BY contacts_created"
                               " WHERE account_id = ? AND archived = 0");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  if (visible_to) rp_bind_id(st, 2, visible_to);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    int sv = status_code((const char *)rp_col_str(st, 0));
    int gv = stage_code((const char *)rp_col_str(st, 1));
    if (sv >= 0) status[sv]++;
    if (gv >= 0) stage[gv]++;
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* store.h: the open pipeline (DOMAIN.md: a property pre_listing, active or
 * pending; a transaction pending, contingency or clear_to_close). An open
 * property that an open transaction sells counts once, as that
 * transaction (its price); null prices count 0. */
int rp_store_pipeline(rp_store *s, const char *account_id, int64_t *open_deals,
                      double *open_value) {
  *open_deals = 0;
  *open_value = 0;
  rp_stmt *st = rp_sql_stmt(
      s, RP_ST_PIPELINE,
      "SELECT (SELECT count(*) FROM transactions INDEXED BY transactions_open"
      "  WHERE account_id = ?1 AND status IN ('pending', 'contingency', 'clear_to_close')),"
      " (SELECT total(price) FROM transactions INDEXED BY transactions_open"
      "  WHERE account_id = ?1 AND status IN ('pending', 'contingency', 'clear_to_close')),"
      " count(*), total(list_price) FROM properties p INDEXED BY properties_open"
      " WHERE p.account_id = ?1 AND p.status IN ('pre_listing', 'active', 'pending')"
      " AND NOT EXISTS (SELECT 1 FROM transactions t INDEXED BY transactions_open"
      "  WHERE t.account_id = ?1 AND t.property_id = p.id"
      "  AND t.status IN ('pending', 'contingency', 'clear_to_close'))");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int r = step_one(s, st);
  if (r == 1) {
    *open_deals = rp_col_int64(st, 0) + rp_col_int64(st, 2);
    *open_value = rp_col_double(st, 1) + rp_col_double(st, 3);
  }
  rp_sql_done(st);
  return r < 0 ? r : 0;
}

/* ---- accounts ---- */

/* store.h: every account, oldest first (created_at, id); strings and the
 * array in ar. */
int rp_store_account_list(rp_store *s, rp_arena *ar, rp_account **items, size_t *n) {
  *items = NULL;
  *n = 0;
  size_t cap = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ACCOUNT_LIST,
                                 "SELECT id, name, default_region, settings_json, created_at"
                                 " FROM accounts ORDER BY created_at, id");
  if (!st) return rp_error_last()->code;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_account *a = RP_ARENA_PUSH(ar, *items, n, &cap, 8);
    memset(a, 0, sizeof *a);
    rp_col_id(st, 0, a->id);
    a->name = rp_col_text(st, 1, ar);
    a->default_region = rp_col_text(st, 2, ar);
    a->settings_json = rp_col_text(st, 3, ar);
    a->created_at = rp_col_int64(st, 4);
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}
