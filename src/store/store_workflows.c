/* store_workflows.c: workflows, runs, the steps queue and the outbox (store.h
 * "workflows, runs, steps, messages"). Statements are cached by their
 * text (rp_sql_dyn). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/store.h"
#include "util/error.h"
#include "util/strbuf.h"

static void col_id_or_empty(rp_stmt *st, int i, char out[static RP_ID_LEN]) {
  if (rp_col_type(st, i) == RP_NULL)
    out[0] = '\0';
  else
    rp_col_id(st, i, out);
}

static const char *id_or_null(const char *id) { return id && id[0] ? id : NULL; }

/* Steps a statement expected to give one row: 0 with the row, RP_ENOTFOUND
 * (message what), or the mapped error; the caller reads and calls
 * rp_sql_done. */
static int step_one(rp_store *s, rp_stmt *st, const char *what) {
  int rc = rp_step(st);
  if (rc == RP_ROW) return 0;
  int ret = rc == RP_DONE ? rp_error_set(RP_ENOTFOUND, NULL, "no such %s", what)
                              : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* ---- newest-first keyset pages (runs, messages) ---- */

/* One page of a list in (time DESC, id DESC) order: sql selects the rows
 * with its filters as ?1..?4 (params: ids bound as ids, the rest as text;
 * NULL binds NULL); the helper adds the cursor condition on time_col and
 * id_col (?5, ?6), the order and the limit (?7). Items of `size` bytes are
 * read by `read`; time_of and id_of give the cursor of the last one. */
typedef struct keyset_list {
  char kind; /* the cursor's kind */
  const char *sql, *time_col, *id_col;
  struct {
    const char *v;
    bool is_id;
  } params[4];
  size_t size;
  void (*read)(rp_stmt *st, rp_arena *ar, void *item);
  rp_time (*time_of)(const void *item);
  const char *(*id_of)(const void *item);
} keyset_list;

static int keyset_page(rp_store *s, rp_arena *ar, const keyset_list *k, const char *cursor,
                       int limit, void **items, size_t *n, char **next_cursor) {
  rp_cursor cur;
  int ret;
  *items = NULL;
  *n = 0;
  *next_cursor = NULL;
  limit = limit < 1 ? 50 : limit > 500 ? 500 : limit;
  if (cursor && (ret = rp_cursor_decode(ar, cursor, k->kind, 0, true, &cur))) return ret;
  if (cursor && cur.vtype != 'i')
    return rp_error_set(RP_EINVALID_VALUE, "cursor", "malformed cursor");
  rp_sb sql = {0};
  rp_sb_puts(&sql, k->sql);
  if (cursor) rp_sb_printf(&sql, " AND (%s, %s) < (?5, ?6)", k->time_col, k->id_col);
  rp_sb_printf(&sql, " ORDER BY %s DESC, %s DESC LIMIT ?7", k->time_col, k->id_col);
  rp_stmt *st = rp_sql_dyn(s, rp_sb_str(&sql));
  rp_sb_free(&sql);
  if (!st) return rp_error_last()->code;
  for (int i = 0; i < 4; i++) {
    if (k->params[i].is_id)
      rp_bind_id(st, i + 1, k->params[i].v);
    else
      rp_bind_text(st, i + 1, k->params[i].v);
  }
  if (cursor) {
    rp_bind_int64(st, 5, cur.i);
    rp_bind_id(st, 6, cur.id);
  }
  rp_bind_int(st, 7, limit + 1);
  char *out = rp_arena_alloc(ar, (size_t)limit * k->size);
  size_t count = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    if (count == (size_t)limit) {
      const void *last = out + (count - 1) * k->size;
      rp_cursor nc = {.kind = k->kind, .desc = true, .vtype = 'i', .i = k->time_of(last)};
      memcpy(nc.id, k->id_of(last), RP_ID_LEN);
      *next_cursor = rp_cursor_encode(ar, &nc);
      break;
    }
    k->read(st, ar, out + count++ * k->size);
  }
  ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) return ret;
  *items = out;
  *n = count;
  return 0;
}

/* ---- workflows ---- */

#define WF_COLS                                                                                    \
  "account_id, id, version, name, enabled, stop_on_reply, trigger_event, trigger_json,"            \
  " steps_json, builtin, created_at, updated_at"

static void read_workflow(rp_stmt *st, rp_arena *ar, rp_workflow_row *w) {
  memset(w, 0, sizeof *w);
  rp_col_id(st, 0, w->account_id);
  rp_col_id(st, 1, w->id);
  w->version = rp_col_int64(st, 2);
  w->name = rp_col_text(st, 3, ar);
  w->enabled = rp_col_int(st, 4) != 0;
  w->stop_on_reply = rp_col_int(st, 5) != 0;
  w->trigger_event = rp_col_text(st, 6, ar);
  w->trigger_json = rp_col_text(st, 7, ar);
  w->steps_json = rp_col_text(st, 8, ar);
  w->builtin = rp_col_text(st, 9, ar);
  w->created_at = rp_col_time(st, 10);
  w->updated_at = rp_col_time(st, 11);
}

int rp_store_workflow_create(rp_store *s, const rp_workflow_row *w) {
  rp_stmt *st = rp_sql_dyn(s, "INSERT INTO workflows (" WF_COLS
                                   ") VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, w->account_id);
  rp_bind_id(st, 2, w->id);
  rp_bind_text(st, 3, w->name);
  rp_bind_int(st, 4, w->enabled);
  rp_bind_int(st, 5, w->stop_on_reply);
  rp_bind_text(st, 6, w->trigger_event);
  rp_bind_text(st, 7, w->trigger_json);
  rp_bind_text(st, 8, w->steps_json);
  rp_bind_text(st, 9, w->builtin);
  rp_bind_int64(st, 10, w->created_at);
  rp_bind_int64(st, 11, w->updated_at);
  return rp_sql_run(s, st, w->builtin ? "builtin" : "id");
}

int rp_store_workflow_get(rp_store *s, rp_arena *ar, rp_workflow_row *out, const char *account_id,
                          const char *id) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " WF_COLS " FROM workflows WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = step_one(s, st, "workflow");
  if (rc) return rc;
  read_workflow(st, ar, out);
  rp_sql_done(st);
  return 0;
}

int rp_store_workflow_update(rp_store *s, rp_workflow_row *w) {
  rp_stmt *st =
      rp_sql_dyn(s, "UPDATE workflows SET version = version + 1, name = ?3, enabled = ?4,"
                    " stop_on_reply = ?5, trigger_event = ?6, trigger_json = ?7, steps_json = ?8,"
                    " updated_at = ?9 WHERE account_id = ?1 AND id = ?2 AND version = ?10");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, w->account_id);
  rp_bind_id(st, 2, w->id);
  rp_bind_text(st, 3, w->name);
  rp_bind_int(st, 4, w->enabled);
  rp_bind_int(st, 5, w->stop_on_reply);
  rp_bind_text(st, 6, w->trigger_event);
  rp_bind_text(st, 7, w->trigger_json);
  rp_bind_text(st, 8, w->steps_json);
  rp_bind_int64(st, 9, w->updated_at);
  rp_bind_int64(st, 10, w->version);
  int rc = rp_sql_run(s, st, NULL);
  if (rc) return rc;
  if (rp_sql_changes(s) == 0)
    return rp_error_set(RP_ECONFLICT, "version", "the workflow changed meanwhile");
  w->version++;
  return 0;
}

/* Stops the active runs matching `where` (bound: ?1 account, ?2 the id),
 * with reason ?3 at ?4; *n the number stopped. */
static int stop_runs(rp_store *s, const char *where, const char *account_id, const char *id,
                     const char *reason, rp_time now, int *n) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "UPDATE run_steps SET status = 'canceled', outcome = ?3, done_at = ?4"
           " WHERE account_id = ?1 AND status = 'pending' AND run_id IN"
           " (SELECT id FROM workflow_runs WHERE account_id = ?1 AND status = 'active' AND %s)",
           where);
  rp_stmt *st = rp_sql_dyn(s, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  rp_bind_text(st, 3, reason);
  rp_bind_int64(st, 4, now);
  int rc = rp_sql_run(s, st, NULL);
  if (rc) return rc;
  snprintf(sql, sizeof sql,
           "UPDATE workflow_runs SET status = 'stopped', stop_reason = ?3, ended_at = ?4"
           " WHERE account_id = ?1 AND status = 'active' AND %s",
           where);
  if (!(st = rp_sql_dyn(s, sql))) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  rp_bind_text(st, 3, reason);
  rp_bind_int64(st, 4, now);
  rc = rp_sql_run(s, st, NULL);
  if (!rc && n) *n = rp_sql_changes(s);
  return rc;
}

int rp_store_workflow_delete(rp_store *s, const char *account_id, const char *id, rp_time now) {
  bool taken;
  int rc = rp_sql_sp_begin(s, &taken);
  if (rc) return rc;
  rc = stop_runs(s, "workflow_id = ?2", account_id, id, "workflow_deleted", now, NULL);
  if (!rc) {
    rp_stmt *st = rp_sql_dyn(s, "DELETE FROM workflows WHERE account_id = ? AND id = ?");
    if (!st) rc = rp_error_last()->code;
    if (!rc) {
      rp_bind_id(st, 1, account_id);
      rp_bind_id(st, 2, id);
      rc = rp_sql_run(s, st, NULL);
      if (!rc && rp_sql_changes(s) == 0)
        rc = rp_error_set(RP_ENOTFOUND, NULL, "no such workflow");
    }
  }
  return rp_sql_sp_end(s, taken, rc);
}

static int list_workflows(rp_store *s, rp_arena *ar, rp_stmt *st, rp_workflow_row **items,
                          size_t *n) {
  size_t cap = 16, count = 0;
  rp_workflow_row *out = rp_arena_alloc(ar, cap * sizeof *out);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW && count < 500) {
    if (count == cap) {
      rp_workflow_row *bigger = rp_arena_alloc(ar, 2 * cap * sizeof *out);
      memcpy(bigger, out, count * sizeof *out);
      out = bigger, cap *= 2;
    }
    read_workflow(st, ar, &out[count++]);
  }
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  *items = out;
  *n = ret ? 0 : count;
  return ret;
}

int rp_store_workflow_list(rp_store *s, rp_arena *ar, const char *account_id,
                           rp_workflow_row **items, size_t *n) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " WF_COLS " FROM workflows WHERE account_id = ? ORDER BY name, id");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  return list_workflows(s, ar, st, items, n);
}

int rp_store_workflows_for_event(rp_store *s, rp_arena *ar, const char *account_id,
                                 const char *event, rp_workflow_row **items, size_t *n) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " WF_COLS " FROM workflows WHERE account_id = ?"
                    " AND trigger_event = ? AND enabled = 1 ORDER BY created_at, id");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, event);
  return list_workflows(s, ar, st, items, n);
}

int rp_store_library_seeded(rp_store *s, const char *account_id, const char *key, bool *out) {
  *out = false;
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT 1 FROM workflow_library WHERE account_id = ? AND key = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, key);
  int rc = rp_step(st);
  *out = rc == RP_ROW;
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

int rp_store_library_mark(rp_store *s, const char *account_id, const char *key, rp_time now) {
  rp_stmt *st = rp_sql_dyn(s, "INSERT OR IGNORE INTO workflow_library (account_id, key,"
                                   " seeded_at) VALUES (?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, key);
  rp_bind_int64(st, 3, now);
  return rp_sql_run(s, st, NULL);
}

/* ---- runs ---- */

#define RUN_COLS                                                                                   \
  "r.account_id, r.id, r.workflow_id, r.contact_id, r.created_by, w.name, r.status,"               \
  " r.event, r.stop_reason, r.started_at, r.ended_at,"                                             \
  " (SELECT step FROM run_steps p WHERE p.account_id = r.account_id AND p.run_id = r.id"           \
  "   AND p.status = 'pending' ORDER BY due_at, step LIMIT 1),"                                    \
  " (SELECT min(due_at) FROM run_steps p WHERE p.account_id = r.account_id AND p.run_id = r.id"    \
  "   AND p.status = 'pending')"
#define RUN_FROM                                                                                   \
  " FROM workflow_runs r LEFT JOIN workflows w ON w.account_id = r.account_id AND w.id = "         \
  "r.workflow_id"

static void read_run(rp_stmt *st, rp_arena *ar, rp_run *r) {
  memset(r, 0, sizeof *r);
  rp_col_id(st, 0, r->account_id);
  rp_col_id(st, 1, r->id);
  rp_col_id(st, 2, r->workflow_id);
  rp_col_id(st, 3, r->contact_id);
  col_id_or_empty(st, 4, r->created_by);
  r->workflow_name = rp_col_text(st, 5, ar);
  r->status = rp_col_text(st, 6, ar);
  r->event = rp_col_text(st, 7, ar);
  r->stop_reason = rp_col_text(st, 8, ar);
  r->started_at = rp_col_time(st, 9);
  r->ended_at = rp_col_time(st, 10);
  r->next_step = rp_col_type(st, 11) == RP_NULL ? -1 : rp_col_int(st, 11);
  r->next_due_at = rp_col_time(st, 12);
}

int rp_store_run_create(rp_store *s, rp_run *run, const rp_wf_planned *plan, int n_steps) {
  int pending = 0;
  for (int i = 0; i < n_steps; i++)
    pending += plan[i].skip == NULL;
  bool taken;
  int rc = rp_sql_sp_begin(s, &taken);
  if (rc) return rc;
  rp_stmt *st = rp_sql_dyn(
      s, "INSERT INTO workflow_runs (account_id, id, workflow_id, contact_id, status, event,"
         " started_at, ended_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
         " ON CONFLICT DO NOTHING");
  if (!st) return rp_sql_sp_end(s, taken, rp_error_last()->code);
  run->status = pending ? "active" : "completed";
  run->ended_at = pending ? 0 : run->started_at;
  rp_bind_id(st, 1, run->account_id);
  rp_bind_id(st, 2, run->id);
  rp_bind_id(st, 3, run->workflow_id);
  rp_bind_id(st, 4, run->contact_id);
  rp_bind_text(st, 5, run->status);
  rp_bind_text(st, 6, run->event);
  rp_bind_int64(st, 7, run->started_at);
  rp_bind_time(st, 8, run->ended_at);
  rp_bind_id(st, 9, id_or_null(run->created_by));
  rc = rp_sql_run(s, st, "contact_id");
  /* an active run of the workflow for the contact (runs_active) is an
   * expected clash: not a failed statement, which on PostgreSQL would
   * abort the caller's transaction */
  if (rc == RP_ECONFLICT || (!rc && rp_sql_changes(s) == 0))
    rc = rp_error_set(RP_ECONFLICT, "contact_id", "the contact is already in this workflow");
  else if (rc == RP_ENOTFOUND)
    rc = rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
  for (int i = 0; !rc && i < n_steps; i++) {
    if (!(st = rp_sql_dyn(s, "INSERT INTO run_steps (account_id, run_id, step, due_at, status,"
                             " outcome, done_at) VALUES (?, ?, ?, ?, ?, ?, ?)"))) {
      rc = rp_error_last()->code;
      break;
    }
    rp_bind_id(st, 1, run->account_id);
    rp_bind_id(st, 2, run->id);
    rp_bind_int(st, 3, i);
    rp_bind_int64(st, 4, plan[i].skip ? run->started_at : plan[i].due_at);
    rp_bind_text(st, 5, plan[i].skip ? "skipped" : "pending");
    rp_bind_text(st, 6, plan[i].skip);
    rp_bind_time(st, 7, plan[i].skip ? run->started_at : 0);
    rc = rp_sql_run(s, st, NULL);
  }
  return rp_sql_sp_end(s, taken, rc);
}

int rp_store_run_get(rp_store *s, rp_arena *ar, rp_run *out, const char *account_id,
                     const char *id) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " RUN_COLS RUN_FROM " WHERE r.account_id = ? AND r.id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = step_one(s, st, "workflow run");
  if (rc) return rc;
  read_run(st, ar, out);
  rp_sql_done(st);
  return 0;
}

int rp_store_run_steps(rp_store *s, rp_arena *ar, const char *account_id, const char *run_id,
                       rp_run_step **items, size_t *n) {
  rp_stmt *st = rp_sql_dyn(s, "SELECT step, due_at, done_at, status, outcome FROM run_steps"
                                   " WHERE account_id = ? AND run_id = ? ORDER BY step");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, run_id);
  rp_run_step *out = rp_arena_alloc(ar, RP_WF_MAX_STEPS * sizeof *out);
  size_t count = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW && count < RP_WF_MAX_STEPS) {
    rp_run_step *p = &out[count++];
    p->step = rp_col_int(st, 0);
    p->due_at = rp_col_time(st, 1);
    p->done_at = rp_col_time(st, 2);
    p->status = rp_col_text(st, 3, ar);
    p->outcome = rp_col_text(st, 4, ar);
  }
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  *items = out;
  *n = ret ? 0 : count;
  return ret;
}

static void read_run_item(rp_stmt *st, rp_arena *ar, void *item) { read_run(st, ar, item); }
static rp_time run_time(const void *item) { return ((const rp_run *)item)->started_at; }
static const char *run_id(const void *item) { return ((const rp_run *)item)->id; }

int rp_store_run_list(rp_store *s, rp_arena *ar, const rp_run_query *q, rp_run **items, size_t *n,
                      char **next_cursor) {
  rp_sb sql = {0};
  rp_sb_puts(&sql, "SELECT " RUN_COLS RUN_FROM " WHERE r.account_id = ?1");
  if (q->contact_id) rp_sb_puts(&sql, " AND r.contact_id = ?2");
  if (q->workflow_id) rp_sb_puts(&sql, " AND r.workflow_id = ?3");
  if (q->status) rp_sb_puts(&sql, " AND r.status = ?4");
  keyset_list k = {.kind = 'R',
                   .sql = rp_sb_str(&sql),
                   .time_col = "r.started_at",
                   .id_col = "r.id",
                   .params = {{q->account_id, true},
                              {q->contact_id, true},
                              {q->workflow_id, true},
                              {q->status, false}},
                   .size = sizeof(rp_run),
                   .read = read_run_item,
                   .time_of = run_time,
                   .id_of = run_id};
  void *out;
  int rc = keyset_page(s, ar, &k, q->cursor, q->limit, &out, n, next_cursor);
  rp_sb_free(&sql);
  *items = out;
  return rc;
}

int rp_store_run_stop(rp_store *s, const char *account_id, const char *run_id, const char *reason,
                      rp_time now, bool *stopped) {
  int n = 0;
  bool taken;
  int rc = rp_sql_sp_begin(s, &taken);
  if (rc) return rc;
  rc = stop_runs(s, "id = ?2", account_id, run_id, reason, now, &n);
  rc = rp_sql_sp_end(s, taken, rc);
  if (stopped) *stopped = n > 0;
  return rc;
}

int rp_store_runs_stop_on_reply(rp_store *s, const char *account_id, const char *contact_id,
                                rp_time now, int *n) {
  int stopped = 0;
  bool taken;
  int rc = rp_sql_sp_begin(s, &taken);
  if (rc) return rc;
  rc = stop_runs(s,
                 "contact_id = ?2 AND workflow_id IN (SELECT id FROM workflows"
                 " WHERE account_id = ?1 AND stop_on_reply = 1)",
                 account_id, contact_id, "replied", now, &stopped);
  rc = rp_sql_sp_end(s, taken, rc);
  if (n) *n = stopped;
  return rc;
}

/* ---- the steps queue ---- */

/* The due steps, claimed for the caller's write transaction. On SQLite the
 * single writer is the claim. On PostgreSQL the step rows are locked FOR
 * UPDATE as well, and a step another node's transaction holds is skipped
 * (SKIP LOCKED): the transaction is the lease, so a node that dies
 * mid-step loses it with its connection and the step is due again for the
 * others; rp_store_step_end's "still pending" check backs it up. */
/* The EXISTS looks at the steps of p's run only (its primary key; the
 * unary + keeps SQLite off run_steps_due there, whose range of due times
 * holds every pending step of the account: with a backlog of 50,000 due
 * steps a page of 200 took 5 s, and held the write lock that long). */
#define DUE_STEPS_SQL                                                                              \
  "SELECT p.run_id, r.workflow_id, r.contact_id, r.created_by, p.step,"                            \
  " p.due_at, EXISTS (SELECT 1 FROM run_steps q WHERE q.account_id = p.account_id"                 \
  "   AND q.run_id = p.run_id AND q.status = 'pending' AND +q.due_at <= ?2"                        \
  "   AND (+q.due_at, q.step) > (p.due_at, p.step))"                                               \
  " FROM run_steps p JOIN workflow_runs r ON r.account_id = p.account_id AND r.id = p.run_id"      \
  " WHERE p.account_id = ?1 AND p.status = 'pending' AND p.due_at <= ?2"                           \
  " ORDER BY p.due_at, p.run_id, p.step LIMIT ?3"

int rp_store_due_steps(rp_store *s, rp_arena *ar, const char *account_id, rp_time now, int limit,
                       rp_due_step **items, size_t *n) {
  rp_stmt *st =
      rp_sql_dyn(s, rp_sql_pg(s) ? DUE_STEPS_SQL " FOR UPDATE OF p SKIP LOCKED" : DUE_STEPS_SQL);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, now);
  rp_bind_int(st, 3, limit);
  rp_due_step *out = rp_arena_alloc(ar, (size_t)(limit > 0 ? limit : 1) * sizeof *out);
  size_t count = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW && count < (size_t)limit) {
    rp_due_step *d = &out[count++];
    memset(d, 0, sizeof *d);
    rp_col_id(st, 0, d->run_id);
    rp_col_id(st, 1, d->workflow_id);
    rp_col_id(st, 2, d->contact_id);
    col_id_or_empty(st, 3, d->created_by);
    d->step = rp_col_int(st, 4);
    d->due_at = rp_col_time(st, 5);
    d->later_message_due = rp_col_int(st, 6) != 0;
  }
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  *items = out;
  *n = ret ? 0 : count;
  return ret;
}

int rp_store_step_end(rp_store *s, const char *account_id, const char *run_id, int step,
                      const char *status, const char *outcome, rp_time now, bool *ended) {
  *ended = false;
  rp_stmt *st = rp_sql_dyn(s, "UPDATE run_steps SET status = ?4, outcome = ?5, done_at = ?6"
                                   " WHERE account_id = ?1 AND run_id = ?2 AND step = ?3"
                                   " AND status = 'pending'");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, run_id);
  rp_bind_int(st, 3, step);
  rp_bind_text(st, 4, status);
  rp_bind_text(st, 5, outcome);
  rp_bind_int64(st, 6, now);
  int rc = rp_sql_run(s, st, NULL);
  if (rc || rp_sql_changes(s) == 0) return rc;
  *ended = true;
  if (!(st = rp_sql_dyn(s, "UPDATE workflow_runs SET status = 'completed', ended_at = ?3"
                           " WHERE account_id = ?1 AND id = ?2 AND status = 'active'"
                           " AND NOT EXISTS (SELECT 1 FROM run_steps WHERE account_id = ?1"
                           "   AND run_id = ?2 AND status = 'pending')")))
    return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, run_id);
  rp_bind_int64(st, 3, now);
  return rp_sql_run(s, st, NULL);
}

/* ---- messages ---- */

#define MSG_COLS                                                                                   \
  "account_id, id, contact_id, user_id, workflow_run_id, activity_id, created_by, channel,"        \
  " to_addr, subject, body, status, reason, provider_id, attempts, step, next_attempt_at,"         \
  " created_at, sent_at"

static void read_message(rp_stmt *st, rp_arena *ar, rp_message *m) {
  memset(m, 0, sizeof *m);
  rp_col_id(st, 0, m->account_id);
  rp_col_id(st, 1, m->id);
  col_id_or_empty(st, 2, m->contact_id);
  col_id_or_empty(st, 3, m->user_id);
  col_id_or_empty(st, 4, m->workflow_run_id);
  col_id_or_empty(st, 5, m->activity_id);
  col_id_or_empty(st, 6, m->created_by);
  m->channel = rp_col_text(st, 7, ar);
  m->to_addr = rp_col_text(st, 8, ar);
  m->subject = rp_col_text(st, 9, ar);
  m->body = rp_col_text(st, 10, ar);
  m->status = rp_col_text(st, 11, ar);
  m->reason = rp_col_text(st, 12, ar);
  m->provider_id = rp_col_text(st, 13, ar);
  m->attempts = rp_col_int(st, 14);
  m->step = rp_col_type(st, 15) == RP_NULL ? -1 : rp_col_int(st, 15);
  m->next_attempt_at = rp_col_time(st, 16);
  m->created_at = rp_col_time(st, 17);
  m->sent_at = rp_col_time(st, 18);
}

int rp_store_message_create(rp_store *s, const rp_message *m) {
  rp_stmt *st = rp_sql_dyn(s, "INSERT INTO messages (" MSG_COLS ") VALUES (?, ?, ?, ?, ?, ?,"
                                   " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, m->account_id);
  rp_bind_id(st, 2, m->id);
  rp_bind_id(st, 3, id_or_null(m->contact_id));
  rp_bind_id(st, 4, id_or_null(m->user_id));
  rp_bind_id(st, 5, id_or_null(m->workflow_run_id));
  rp_bind_id(st, 6, id_or_null(m->activity_id));
  rp_bind_id(st, 7, id_or_null(m->created_by));
  rp_bind_text(st, 8, m->channel);
  rp_bind_text(st, 9, m->to_addr);
  rp_bind_text(st, 10, m->subject);
  rp_bind_text(st, 11, m->body);
  rp_bind_text(st, 12, m->status);
  rp_bind_text(st, 13, m->reason);
  rp_bind_text(st, 14, m->provider_id);
  rp_bind_int(st, 15, m->attempts);
  if (m->step >= 0) rp_bind_int(st, 16, m->step);
  rp_bind_time(st, 17, m->next_attempt_at);
  rp_bind_int64(st, 18, m->created_at);
  rp_bind_time(st, 19, m->sent_at);
  return rp_sql_run(s, st, "id");
}

int rp_store_message_get(rp_store *s, rp_arena *ar, rp_message *out, const char *account_id,
                         const char *id) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " MSG_COLS " FROM messages WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = step_one(s, st, "message");
  if (rc) return rc;
  read_message(st, ar, out);
  rp_sql_done(st);
  return 0;
}

static void read_message_item(rp_stmt *st, rp_arena *ar, void *item) {
  read_message(st, ar, item);
}
static rp_time message_time(const void *item) { return ((const rp_message *)item)->created_at; }
static const char *message_id(const void *item) { return ((const rp_message *)item)->id; }

int rp_store_message_list(rp_store *s, rp_arena *ar, const rp_message_query *q, rp_message **items,
                          size_t *n, char **next_cursor) {
  rp_sb sql = {0};
  rp_sb_puts(&sql, "SELECT " MSG_COLS " FROM messages WHERE account_id = ?1");
  if (q->contact_id) rp_sb_puts(&sql, " AND contact_id = ?2");
  if (q->status) rp_sb_puts(&sql, " AND status = ?3");
  keyset_list k = {.kind = 'M',
                   .sql = rp_sb_str(&sql),
                   .time_col = "created_at",
                   .id_col = "id",
                   .params = {{q->account_id, true}, {q->contact_id, true}, {q->status, false}},
                   .size = sizeof(rp_message),
                   .read = read_message_item,
                   .time_of = message_time,
                   .id_of = message_id};
  void *out;
  int rc = keyset_page(s, ar, &k, q->cursor, q->limit, &out, n, next_cursor);
  rp_sb_free(&sql);
  *items = out;
  return rc;
}

int rp_store_message_claim(rp_store *s, rp_arena *ar, const char *account_id, rp_time now,
                           int lease_s, int limit, rp_message **items, size_t *n) {
  *items = NULL;
  *n = 0;
  if (limit < 1) return 0;
  /* on PostgreSQL the chosen rows are locked and rows another node is
   * claiming are skipped (SKIP LOCKED), so two nodes never claim one
   * message even without the write lock; the lease (next_attempt_at of a
   * sending message) hands a dead sender's messages to the others */
  rp_stmt *st = rp_sql_dyn(
      s, rp_sql_pg(s) ? "UPDATE messages SET status = 'sending', attempts = attempts + 1,"
                        " next_attempt_at = ?3 WHERE account_id = ?1 AND id IN"
                        " (SELECT id FROM messages WHERE account_id = ?1"
                        "  AND status IN ('queued', 'sending') AND next_attempt_at <= ?2"
                        "  ORDER BY next_attempt_at LIMIT ?4 FOR UPDATE SKIP LOCKED)"
                        " RETURNING " MSG_COLS
                      : "UPDATE messages SET status = 'sending', attempts = attempts + 1,"
                        " next_attempt_at = ?3 WHERE account_id = ?1 AND id IN"
                        " (SELECT id FROM messages WHERE account_id = ?1"
                        "  AND status IN ('queued', 'sending') AND next_attempt_at <= ?2"
                        "  ORDER BY next_attempt_at LIMIT ?4)"
                        " RETURNING " MSG_COLS);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_int64(st, 2, now);
  rp_bind_int64(st, 3, now + lease_s);
  rp_bind_int(st, 4, limit);
  rp_message *out = rp_arena_alloc(ar, (size_t)limit * sizeof *out);
  size_t count = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW && count < (size_t)limit)
    read_message(st, ar, &out[count++]);
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) return ret;
  *items = out;
  *n = count;
  return 0;
}

int rp_store_message_finish(rp_store *s, const rp_message *m, bool *changed) {
  *changed = false;
  rp_stmt *st =
      rp_sql_dyn(s, "UPDATE messages SET status = ?3, reason = ?4, provider_id = ?5, sent_at = ?6,"
                    " next_attempt_at = ?7, activity_id = ?8"
                    " WHERE account_id = ?1 AND id = ?2 AND status = 'sending'");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, m->account_id);
  rp_bind_id(st, 2, m->id);
  rp_bind_text(st, 3, m->status);
  rp_bind_text(st, 4, m->reason);
  rp_bind_text(st, 5, m->provider_id);
  rp_bind_time(st, 6, m->sent_at);
  rp_bind_time(st, 7, m->next_attempt_at);
  rp_bind_id(st, 8, id_or_null(m->activity_id));
  int rc = rp_sql_run(s, st, NULL);
  if (!rc) *changed = rp_sql_changes(s) > 0;
  return rc;
}

/* ---- the inbound hook key ---- */

int rp_store_account_hook_key(rp_store *s, rp_arena *ar, const char *account_id, char **out) {
  rp_stmt *st = rp_sql_dyn(s, "SELECT hook_key FROM accounts WHERE id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  int rc = step_one(s, st, "account");
  if (rc) return rc;
  *out = rp_col_text(st, 0, ar);
  rp_sql_done(st);
  return 0;
}

int rp_store_account_by_hook_key(rp_store *s, const char *key, char out[static RP_ID_LEN]) {
  out[0] = '\0';
  rp_stmt *st = rp_sql_dyn(s, "SELECT id FROM accounts WHERE hook_key = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, key);
  int rc = step_one(s, st, "account");
  if (rc) return rc;
  rp_col_id(st, 0, out);
  rp_sql_done(st);
  return 0;
}

int rp_store_sms_inbound_add(rp_store *s, const char *account_id, const char *sid,
                             const char *contact_id, const char *activity_id, rp_time now,
                             bool *fresh) {
  *fresh = false;
  rp_stmt *st = rp_sql_dyn(s, "INSERT OR IGNORE INTO sms_inbound (account_id, sid,"
                                   " contact_id, activity_id, received_at) VALUES (?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, sid);
  rp_bind_id(st, 3, contact_id);
  rp_bind_id(st, 4, id_or_null(activity_id));
  rp_bind_int64(st, 5, now);
  int rc = rp_sql_run(s, st, NULL);
  if (!rc) *fresh = rp_sql_changes(s) > 0;
  return rc;
}

int rp_store_sms_inbound_seen(rp_store *s, const char *account_id, const char *sid, bool *seen) {
  *seen = false;
  rp_stmt *st = rp_sql_dyn(s, "SELECT 1 FROM sms_inbound WHERE account_id = ? AND sid = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, sid);
  int rc = rp_step(st);
  *seen = rc == RP_ROW;
  int ret = rc == RP_ROW || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}
