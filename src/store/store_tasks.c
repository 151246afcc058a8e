/* store_tasks.c: tasks (API.md Tasks; store.h, 004_tasks.sql). Statements
 * are cached by their text (rp_sql_dyn). */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/uuid.h"

/* The list order (004_tasks.sql "ord"): open tasks by due_at, open ones
 * without due time at ORD_NODUE, done ones at ORD_DONE - done_at. Times fit
 * far below 1e15 (year 9999 is 2.5e11 s), so the three groups never mix. */
#define ORD_NODUE 1000000000000000LL
#define ORD_DONE 2000000000000000LL

#define TASK_COLS                                                                                  \
  "account_id, id, version, contact_id, title, kind, due_at, assignee_id, done_at, outcome, "      \
  "workflow_run_id, activity_id, created_by, created_at, updated_at"

static int64_t task_ord(const rp_task *t) {
  if (t->done_at) return ORD_DONE - t->done_at;
  return t->due_at ? t->due_at : ORD_NODUE;
}

static void read_task(rp_stmt *st, rp_arena *ar, rp_task *t) {
  memset(t, 0, sizeof *t);
  rp_col_id(st, 0, t->account_id);
  rp_col_id(st, 1, t->id);
  t->version = rp_col_int64(st, 2);
  t->contact_id = rp_col_id_dup(st, 3, ar);
  t->title = rp_col_text(st, 4, ar);
  rp_task_kind k = RP_TASK_TODO;
  rp_task_kind_parse(&k, (const char *)rp_col_str(st, 5));
  t->kind = k;
  t->due_at = rp_col_time(st, 6);
  t->assignee_id = rp_col_id_dup(st, 7, ar);
  t->done_at = rp_col_time(st, 8);
  rp_task_outcome o = RP_OUTCOME_NONE;
  if (rp_col_type(st, 9) != RP_NULL)
    rp_task_outcome_parse(&o, (const char *)rp_col_str(st, 9));
  t->outcome = o;
  t->workflow_run_id = rp_col_id_dup(st, 10, ar);
  t->activity_id = rp_col_id_dup(st, 11, ar);
  t->created_by = rp_col_id_dup(st, 12, ar);
  t->created_at = rp_col_int64(st, 13);
  t->updated_at = rp_col_int64(st, 14);
}

/* The assignee must be a user of the account (no foreign key: a composite
 * key could not be set to NULL when the user goes; the users trigger of
 * 004_tasks.sql does that). */
static int check_assignee(rp_store *s, const rp_task *t) {
  if (!t->assignee_id) return 0;
  bool ok = false;
  int rc = rp_sql_user_exists(s, t->account_id, t->assignee_id, &ok);
  if (rc) return rc;
  return ok ? 0 : rp_error_set(RP_ENOTFOUND, "assignee_id", "no such user");
}

/* Maps a failed write: a foreign-key failure means contact_id names no
 * contact of the account. */
static int task_write_error(rp_store *s, int rc) {
  if (rp_sql_errkind(s) == RP_DBERR_FOREIGN_KEY)
    return rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
  return rp_sql_error(s, rc, "id");
}

static void bind_outcome(rp_stmt *st, int i, rp_task_outcome o) {
  rp_bind_text(st, i, o == RP_OUTCOME_NONE ? NULL : rp_task_outcome_name(o));
}

/* Inserts t (a new id when empty, version 1). RP_ENOTFOUND with field
 * contact_id or assignee_id when they name nothing in the account. */
int rp_store_task_create(rp_store *s, rp_task *t) {
  int ret = check_assignee(s, t);
  if (ret) return ret;
  if (!t->id[0]) rp_uuid_v7(t->id);
  rp_stmt *st = rp_sql_dyn(s, "INSERT INTO tasks (" TASK_COLS ", ord)"
                                   " VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, t->account_id);
  rp_bind_id(st, 2, t->id);
  rp_bind_id(st, 3, t->contact_id);
  rp_bind_text(st, 4, t->title ? t->title : "");
  rp_bind_text(st, 5, rp_task_kind_name(t->kind));
  rp_bind_time(st, 6, t->due_at);
  rp_bind_id(st, 7, t->assignee_id);
  rp_bind_time(st, 8, t->done_at);
  bind_outcome(st, 9, t->outcome);
  rp_bind_id(st, 10, t->workflow_run_id);
  rp_bind_id(st, 11, t->activity_id);
  rp_bind_id(st, 12, t->created_by);
  rp_bind_int64(st, 13, t->created_at);
  rp_bind_int64(st, 14, t->updated_at ? t->updated_at : t->created_at);
  rp_bind_int64(st, 15, task_ord(t));
  int rc = rp_step(st);
  if (rc != RP_DONE) ret = task_write_error(s, rc);
  rp_sql_done(st);
  if (!ret) t->version = 1;
  return ret;
}

/* The task of the account with this id; RP_ENOTFOUND otherwise. */
int rp_store_task_get(rp_store *s, rp_arena *ar, rp_task *out, const char *account_id,
                      const char *id) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " TASK_COLS " FROM tasks WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_task(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such task");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Writes contact_id, title, kind, due_at, assignee_id, done_at, outcome,
 * workflow_run_id, activity_id and updated_at when t->version is the
 * stored one, and bumps t->version. RP_ECONFLICT "version moved on";
 * RP_ENOTFOUND (with field contact_id or assignee_id when those name
 * nothing in the account). */
int rp_store_task_update(rp_store *s, rp_task *t) {
  int ret = check_assignee(s, t);
  if (ret) return ret;
  rp_stmt *st =
      rp_sql_dyn(s, "UPDATE tasks SET contact_id = ?, title = ?, kind = ?, due_at = ?,"
                    " assignee_id = ?, done_at = ?, outcome = ?, workflow_run_id = ?,"
                    " activity_id = ?, updated_at = ?, ord = ?, version = version + 1"
                    " WHERE account_id = ? AND id = ? AND version = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, t->contact_id);
  rp_bind_text(st, 2, t->title ? t->title : "");
  rp_bind_text(st, 3, rp_task_kind_name(t->kind));
  rp_bind_time(st, 4, t->due_at);
  rp_bind_id(st, 5, t->assignee_id);
  rp_bind_time(st, 6, t->done_at);
  bind_outcome(st, 7, t->outcome);
  rp_bind_id(st, 8, t->workflow_run_id);
  rp_bind_id(st, 9, t->activity_id);
  rp_bind_int64(st, 10, t->updated_at);
  rp_bind_int64(st, 11, task_ord(t));
  rp_bind_id(st, 12, t->account_id);
  rp_bind_id(st, 13, t->id);
  rp_bind_int64(st, 14, t->version);
  int rc = rp_step(st);
  if (rc != RP_DONE) ret = task_write_error(s, rc);
  rp_sql_done(st);
  if (ret) return ret;
  if (rp_sql_changes(s) == 0) {
    st = rp_sql_dyn(s, "SELECT version FROM tasks WHERE account_id = ? AND id = ?");
    if (!st) return rp_error_last()->code;
    rp_bind_id(st, 1, t->account_id);
    rp_bind_id(st, 2, t->id);
    rc = rp_step(st);
    if (rc == RP_ROW)
      ret = rp_error_set(RP_ECONFLICT, NULL, "version moved on");
    else if (rc == RP_DONE)
      ret = rp_error_set(RP_ENOTFOUND, NULL, "no such task");
    else
      ret = rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
    return ret;
  }
  t->version++;
  return 0;
}

/* Deletes the task of the account; RP_ENOTFOUND otherwise. The call its
 * completion recorded stays: it happened. */
int rp_store_task_delete(rp_store *s, const char *account_id, const char *id) {
  rp_stmt *st = rp_sql_dyn(s, "DELETE FROM tasks WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int ret = rp_sql_run(s, st, NULL);
  if (!ret && rp_sql_changes(s) == 0) ret = rp_error_set(RP_ENOTFOUND, NULL, "no such task");
  return ret;
}

/* Binds the parameters of the list's WHERE clause (numbers fixed below). */
static void bind_where(rp_stmt *st, const rp_task_query *q, int64_t lo, int64_t hi) {
  rp_bind_id(st, 1, q->account_id);
  if (q->assignee_id) rp_bind_id(st, 2, q->assignee_id);
  if (q->contact_id) rp_bind_id(st, 3, q->contact_id);
  rp_bind_int64(st, 4, lo);
  rp_bind_int64(st, 5, hi);
  if (q->visible_to) rp_bind_id(st, 6, q->visible_to);
}

/* One page of the account's tasks matching q, in ord order (open by due
 * time, then without one, then done, newest done first), id breaking ties;
 * keyset-paginated. Items and next_cursor in ar; total only when q->count. */
int rp_store_task_list(rp_store *s, rp_arena *ar, const rp_task_query *q, rp_task **items,
                       size_t *n, char **next_cursor, int64_t *total) {
  rp_sb where = {0}, sql = {0};
  int ret = 0;
  *items = NULL;
  *n = 0;
  *next_cursor = NULL;
  if (total) *total = 0;
  int limit = q->limit < 1 ? 50 : q->limit > 500 ? 500 : q->limit;
  rp_cursor cur;
  if (q->cursor && (ret = rp_cursor_decode(ar, q->cursor, 'T', 0, false, &cur))) return ret;
  if (q->cursor && cur.vtype != 'i')
    return rp_error_set(RP_EINVALID_VALUE, "cursor", "malformed cursor");

  /* the range of ord [lo, hi) the filters leave */
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  if (q->done == 0) hi = ORD_NODUE + 1;
  if (q->done == 1) lo = ORD_NODUE + 1;
  if (q->due) {
    if (q->due_from > lo) lo = q->due_from;
    if (q->due_to < hi) hi = q->due_to;
    if (hi > ORD_NODUE) hi = ORD_NODUE;
  }

  /* fixed parameter numbers: ?1 account, ?2 assignee, ?3 contact, ?4 lo,
   * ?5 hi, ?6 visible_to, ?7 cursor ord, ?8 cursor id, ?9 limit */
  rp_sb_puts(&where, "account_id = ?1");
  if (q->assignee_id) rp_sb_puts(&where, " AND assignee_id = ?2");
  if (q->contact_id) rp_sb_puts(&where, " AND contact_id = ?3");
  rp_sb_puts(&where, " AND ord >= ?4 AND ord < ?5");
  if (q->visible_to)
    rp_sb_puts(&where, " AND (assignee_id = ?6 OR created_by = ?6 OR contact_id IN"
                       " (SELECT v.id FROM contacts v WHERE v.account_id = ?1"
                       " AND (v.owner_id = ?6 OR v.owner_id IS NULL)))");

  if (q->count && total) {
    rp_sb_printf(&sql, "SELECT count(*) FROM tasks WHERE %s", rp_sb_str(&where));
    rp_stmt *st = rp_sql_dyn(s, rp_sb_str(&sql));
    if (!st) {
      ret = rp_error_last()->code;
      goto cleanup;
    }
    bind_where(st, q, lo, hi);
    int rc = rp_step(st);
    if (rc == RP_ROW)
      *total = rp_col_int64(st, 0);
    else
      ret = rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
    if (ret) goto cleanup;
  }

  rp_sb_reset(&sql);
  rp_sb_printf(&sql, "SELECT " TASK_COLS ", ord FROM tasks WHERE %s", rp_sb_str(&where));
  if (q->cursor) rp_sb_puts(&sql, " AND (ord, id) > (?7, ?8)");
  rp_sb_puts(&sql, " ORDER BY ord, id LIMIT ?9");
  rp_stmt *st = rp_sql_dyn(s, rp_sb_str(&sql));
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  bind_where(st, q, lo, hi);
  if (q->cursor) {
    rp_bind_int64(st, 7, cur.i);
    rp_bind_id(st, 8, cur.id);
  }
  rp_bind_int(st, 9, limit + 1);
  rp_task *out = rp_arena_alloc(ar, (size_t)limit * sizeof *out);
  size_t count = 0;
  int64_t last_ord = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    if (count == (size_t)limit) {
      rp_cursor nc = {.kind = 'T', .sort = 0, .desc = false, .vtype = 'i', .i = last_ord};
      memcpy(nc.id, out[count - 1].id, RP_ID_LEN);
      *next_cursor = rp_cursor_encode(ar, &nc);
      break;
    }
    read_task(st, ar, &out[count++]);
    last_ord = rp_col_int64(st, 15);
  }
  if (rc != RP_ROW && rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) goto cleanup;
  *items = count ? out : NULL;
  *n = count;
cleanup:
  rp_sb_free(&where);
  rp_sb_free(&sql);
  return ret;
}
