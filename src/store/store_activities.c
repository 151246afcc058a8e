/* store_activities.c: activities (with the core's two-way verdict) and the
 * change history of DOMAIN.md M3 (store.h). */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"

#define ACTIVITY_COLS                                                                              \
  "account_id, id, contact_id, version, kind, direction, occurred_at, subject, body, "             \
  "duration_s, importance, source, owner_id, created_at, updated_at"

#define ACTIVITY_COLS_A                                                                            \
  "a.account_id, a.id, a.contact_id, a.version, a.kind, a.direction, a.occurred_at, a.subject, "   \
  "a.body, a.duration_s, a.importance, a.source, a.owner_id, a.created_at, a.updated_at"

static void read_activity(rp_stmt *st, rp_arena *ar, rp_activity *a) {
  memset(a, 0, sizeof *a);
  rp_col_id(st, 0, a->account_id);
  rp_col_id(st, 1, a->id);
  rp_col_id(st, 2, a->contact_id);
  a->version = rp_col_int64(st, 3);
  rp_activity_kind kind = RP_KIND_NOTE;
  rp_kind_parse(&kind, (const char *)rp_col_str(st, 4));
  a->kind = kind;
  rp_direction dir = RP_DIR_NONE;
  rp_direction_parse(&dir, (const char *)rp_col_str(st, 5));
  a->direction = dir;
  a->occurred_at = rp_col_int64(st, 6);
  a->subject = rp_col_text(st, 7, ar);
  a->body = rp_col_text(st, 8, ar);
  a->duration_s = rp_col_type(st, 9) == RP_NULL ? -1 : rp_col_int64(st, 9);
  rp_importance imp = RP_IMPORTANCE_NORMAL;
  rp_importance_parse(&imp, (const char *)rp_col_str(st, 10));
  a->importance = imp;
  a->source = rp_col_text(st, 11, ar);
  a->owner_id = rp_col_id_dup(st, 12, ar);
  a->created_at = rp_col_int64(st, 13);
  a->updated_at = rp_col_int64(st, 14);
}

/* Maps a failed activity write: a foreign-key failure means contact_id names
 * no contact of the account. */
static int activity_write_error(rp_store *s, int rc) {
  if (rp_sql_errkind(s) == RP_DBERR_FOREIGN_KEY)
    return rp_error_set(RP_ENOTFOUND, "contact_id", "no such contact");
  return rp_sql_error(s, rc, "id");
}

/* Inserts a (a new id when empty, version 1) with the core's two-way
 * verdict. RP_ENOTFOUND field "contact_id" when the contact is not in the
 * account (checked by the foreign key, so a bulk insert pays no extra
 * query). */
int rp_store_activity_create(rp_store *s, rp_activity *a, bool two_way) {
  if (!a->id[0]) rp_uuid_v7(a->id);
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ACTIVITY_INSERT,
                                 "INSERT INTO activities (" ACTIVITY_COLS ", two_way, score_code)"
                                 " VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, a->account_id);
  rp_bind_id(st, 2, a->id);
  rp_bind_id(st, 3, a->contact_id);
  rp_bind_text(st, 4, rp_kind_name(a->kind));
  rp_bind_text(st, 5, rp_direction_name(a->direction));
  rp_bind_int64(st, 6, a->occurred_at);
  rp_bind_text(st, 7, a->subject);
  rp_bind_text(st, 8, a->body);
  if (a->duration_s >= 0)
    rp_bind_int64(st, 9, a->duration_s);
  else
    rp_bind_null(st, 9);
  rp_bind_text(st, 10, rp_importance_name(a->importance));
  rp_bind_text(st, 11, a->source);
  rp_bind_id(st, 12, a->owner_id);
  rp_bind_int64(st, 13, a->created_at);
  rp_bind_int64(st, 14, a->updated_at ? a->updated_at : a->created_at);
  rp_bind_int(st, 15, two_way ? 1 : 0);
  rp_bind_int64(st, 16, rp_activity_score_code(a->kind, a->direction, a->importance));
  int rc = rp_step(st), ret = 0;
  if (rc != RP_DONE) ret = activity_write_error(s, rc);
  rp_sql_done(st);
  if (!ret) a->version = 1;
  rp_sql_bulk_note(s);
  return ret;
}

/* The activity of the account with this id; RP_ENOTFOUND otherwise. */
int rp_store_activity_get(rp_store *s, rp_arena *ar, rp_activity *out, const char *account_id,
                          const char *id) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ACTIVITY_GET,
                                 "SELECT " ACTIVITY_COLS " FROM activities"
                                 " WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_activity(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such activity");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Writes contact_id, kind, direction, occurred_at, subject, body,
 * duration_s, importance, source, owner_id, updated_at and the two-way
 * verdict when a->version is the stored one, and bumps a->version.
 * RP_ECONFLICT "version moved on"; RP_ENOTFOUND (field "contact_id" when
 * the new contact is not in the account). */
int rp_store_activity_update(rp_store *s, rp_activity *a, bool two_way) {
  rp_stmt *st =
      rp_sql_stmt(s, RP_ST_ACTIVITY_UPDATE,
                  "UPDATE activities SET contact_id = ?, kind = ?, direction = ?,"
                  " occurred_at = ?, subject = ?, body = ?, duration_s = ?, importance = ?,"
                  " source = ?, owner_id = ?, updated_at = ?, two_way = ?, version = version + 1,"
                  " score_code = ? WHERE account_id = ? AND id = ? AND version = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, a->contact_id);
  rp_bind_text(st, 2, rp_kind_name(a->kind));
  rp_bind_text(st, 3, rp_direction_name(a->direction));
  rp_bind_int64(st, 4, a->occurred_at);
  rp_bind_text(st, 5, a->subject);
  rp_bind_text(st, 6, a->body);
  if (a->duration_s >= 0)
    rp_bind_int64(st, 7, a->duration_s);
  else
    rp_bind_null(st, 7);
  rp_bind_text(st, 8, rp_importance_name(a->importance));
  rp_bind_text(st, 9, a->source);
  rp_bind_id(st, 10, a->owner_id);
  rp_bind_int64(st, 11, a->updated_at);
  rp_bind_int(st, 12, two_way ? 1 : 0);
  rp_bind_int64(st, 13, rp_activity_score_code(a->kind, a->direction, a->importance));
  rp_bind_id(st, 14, a->account_id);
  rp_bind_id(st, 15, a->id);
  rp_bind_int64(st, 16, a->version);
  int rc = rp_step(st), ret = 0;
  if (rc != RP_DONE) ret = activity_write_error(s, rc);
  rp_sql_done(st);
  if (ret) return ret;
  if (rp_sql_changes(s) == 0) {
    st = rp_sql_stmt(s, RP_ST_ACTIVITY_VERSION,
                     "SELECT version FROM activities WHERE account_id = ? AND id = ?");
    if (!st) return rp_error_last()->code;
    rp_bind_id(st, 1, a->account_id);
    rp_bind_id(st, 2, a->id);
    rc = rp_step(st);
    if (rc == RP_ROW)
      ret = rp_error_set(RP_ECONFLICT, NULL, "version moved on");
    else if (rc == RP_DONE)
      ret = rp_error_set(RP_ENOTFOUND, NULL, "no such activity");
    else
      ret = rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
    return ret;
  }
  a->version++;
  return 0;
}

/* Deletes the activity of the account; RP_ENOTFOUND otherwise. */
int rp_store_activity_delete(rp_store *s, const char *account_id, const char *id) {
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ACTIVITY_DELETE,
                                 "DELETE FROM activities WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int ret = rp_sql_run(s, st, NULL);
  if (!ret && rp_sql_changes(s) == 0)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such activity");
  return ret;
}

/* SCORING.md last_touch / DOMAIN.md A4: the latest occurred_at of the
 * contact's two-way activities at or before `at`; 0 when none. */
int rp_store_activity_last_two_way(rp_store *s, const char *account_id, const char *contact_id,
                                   rp_time at, rp_time *out) {
  *out = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_ACTIVITY_LAST_TWO_WAY,
                                 "SELECT occurred_at FROM activities"
                                 " WHERE account_id = ? AND contact_id = ? AND occurred_at <= ?"
                                 " AND two_way = 1 ORDER BY occurred_at DESC LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  rp_bind_int64(st, 3, at);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    *out = rp_col_int64(st, 0);
  else if (rc != RP_DONE)
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* One page of the account's activities matching q, newest first
 * (occurred_at desc, id desc), keyset-paginated like the contact list.
 * Items and next_cursor are in ar; total only when q->count. */
int rp_store_activity_list(rp_store *s, rp_arena *ar, const rp_activity_query *q,
                           rp_activity **items, size_t *n, char **next_cursor, int64_t *total) {
  rp_sb where = {0}, sql = {0};
  int ret = 0;
  *items = NULL;
  *n = 0;
  *next_cursor = NULL;
  if (total) *total = 0;
  int limit = q->limit < 1 ? 50 : q->limit > 500 ? 500 : q->limit;
  rp_cursor cur;
  if (q->cursor && (ret = rp_cursor_decode(ar, q->cursor, 'A', 0, true, &cur))) return ret;
  if (q->cursor && cur.vtype != 'i')
    return rp_error_set(RP_EINVALID_VALUE, "cursor", "malformed cursor");

  /* fixed parameter numbers: ?1 account, ?2 contact, ?3 from, ?4 to,
   * ?5 cursor time, ?6 cursor id, ?7 limit, ?8 visible_to */
  rp_sb_puts(&where, "account_id = ?1");
  if (q->contact_id) rp_sb_puts(&where, " AND contact_id = ?2");
  if (q->kind_mask) {
    rp_sb_puts(&where, " AND kind IN (");
    int k = 0;
    for (int v = 0; v < RP_KIND_COUNT; v++)
      if (q->kind_mask & (1u << v))
        rp_sb_printf(&where, "%s'%s'", k++ ? ", " : "", rp_kind_name(v));
    rp_sb_puts(&where, k ? ")" : "NULL)");
  }
  if (q->from) rp_sb_puts(&where, " AND occurred_at >= ?3");
  if (q->visible_to)
    rp_sb_puts(&where, " AND contact_id IN (SELECT v.id FROM contacts v WHERE v.account_id = ?1"
                       " AND (v.owner_id = ?8 OR v.owner_id IS NULL))");

  if (q->count && total) {
    rp_sb_printf(&sql, "SELECT count(*) FROM activities WHERE %s%s", rp_sb_str(&where),
                 q->to ? " AND occurred_at <= ?4" : "");
    rp_stmt *st = rp_sql_dyn(s, rp_sb_str(&sql));
    if (!st) {
      ret = rp_error_last()->code;
      goto cleanup;
    }
    rp_bind_id(st, 1, q->account_id);
    if (q->contact_id) rp_bind_id(st, 2, q->contact_id);
    if (q->from) rp_bind_int64(st, 3, q->from);
    if (q->to) rp_bind_int64(st, 4, q->to);
    if (q->visible_to) rp_bind_id(st, 8, q->visible_to);
    int rc = rp_step(st);
    if (rc == RP_ROW)
      *total = rp_col_int64(st, 0);
    else
      ret = rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
    if (ret) goto cleanup;
  }

  /* with a cursor at or before `to`, the cursor is the upper bound: a `to`
   * bound as well would make SQLite seek from it and walk every earlier
   * page again */
  bool use_to = q->to && !(q->cursor && cur.i <= q->to);
  /* the page's ids first, from the index alone (its kind column checks a
   * kind filter), then only those rows */
  rp_sb_reset(&sql);
  rp_sb_printf(&sql, "SELECT " ACTIVITY_COLS_A " FROM (SELECT id AS pid FROM activities WHERE %s",
               rp_sb_str(&where));
  if (use_to) rp_sb_puts(&sql, " AND occurred_at <= ?4");
  if (q->cursor) rp_sb_puts(&sql, " AND (occurred_at, id) < (?5, ?6)");
  rp_sb_puts(&sql, " ORDER BY occurred_at DESC, id DESC LIMIT ?7) p CROSS JOIN activities a"
                   " ON a.account_id = ?1 AND a.id = p.pid ORDER BY a.occurred_at DESC, a.id DESC");
  rp_stmt *st = rp_sql_dyn(s, rp_sb_str(&sql));
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_id(st, 1, q->account_id);
  if (q->contact_id) rp_bind_id(st, 2, q->contact_id);
  if (q->from) rp_bind_int64(st, 3, q->from);
  if (use_to) rp_bind_int64(st, 4, q->to);
  if (q->cursor) {
    rp_bind_int64(st, 5, cur.i);
    rp_bind_id(st, 6, cur.id);
  }
  rp_bind_int(st, 7, limit + 1);
  if (q->visible_to) rp_bind_id(st, 8, q->visible_to);
  rp_activity *out = rp_arena_alloc(ar, (size_t)limit * sizeof *out);
  size_t count = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    if (count == (size_t)limit) {
      const rp_activity *last = &out[count - 1];
      rp_cursor nc = {.kind = 'A', .sort = 0, .desc = true, .vtype = 'i', .i = last->occurred_at};
      memcpy(nc.id, last->id, RP_ID_LEN);
      *next_cursor = rp_cursor_encode(ar, &nc);
      break;
    }
    read_activity(st, ar, &out[count++]);
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

/* ---- history (DOMAIN.md M3) ---- */

/* Appends one change row for h->contact_id (a new id when empty). History
 * is never rewritten. RP_ENOTFOUND field "contact_id" when the contact is
 * not in the account. */
int rp_store_history_add(rp_store *s, const char *account_id, rp_history *h) {
  if (!h->id[0]) rp_uuid_v7(h->id);
  rp_stmt *st = rp_sql_stmt(s, RP_ST_HISTORY_INSERT,
                                 "INSERT INTO history (account_id, id, contact_id, field,"
                                 " from_value, to_value, rule, actor, at)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, h->id);
  rp_bind_id(st, 3, h->contact_id);
  rp_bind_text(st, 4, h->field ? h->field : "");
  rp_bind_text(st, 5, h->from);
  rp_bind_text(st, 6, h->to);
  rp_bind_text(st, 7, h->rule);
  rp_bind_text(st, 8, h->actor);
  rp_bind_int64(st, 9, h->at);
  int rc = rp_step(st), ret = 0;
  if (rc != RP_DONE) ret = activity_write_error(s, rc);
  rp_sql_done(st);
  return ret;
}

/* The contact's history rows, oldest first (by time, then insertion
 * order), in ar. */
int rp_store_history_list(rp_store *s, rp_arena *ar, const char *account_id, const char *contact_id,
                          rp_history **items, size_t *n) {
  *items = NULL;
  *n = 0;
  size_t cap = 0;
  rp_stmt *st = rp_sql_stmt(s, RP_ST_HISTORY_LIST,
                                 "SELECT id, contact_id, field, from_value, to_value, rule, actor,"
                                 " at FROM history WHERE account_id = ? AND contact_id = ?"
                                 " ORDER BY at, seq");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_history *h = RP_ARENA_PUSH(ar, *items, n, &cap, 8);
    memset(h, 0, sizeof *h);
    rp_col_id(st, 0, h->id);
    rp_col_id(st, 1, h->contact_id);
    h->field = rp_col_text(st, 2, ar);
    h->from = rp_col_text(st, 3, ar);
    h->to = rp_col_text(st, 4, ar);
    h->rule = rp_col_text(st, 5, ar);
    h->actor = rp_col_text(st, 6, ar);
    h->at = rp_col_int64(st, 7);
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}
