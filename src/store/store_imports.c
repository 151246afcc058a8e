/* store_imports.c: import jobs, their bodies and errors, and the outside
 * records already taken in (store.h, 009_imports.sql). Statements are
 * cached by their text (rp_sql_dyn). */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/uuid.h"

#define IMPORT_COLS                                                                                \
  "account_id, id, status, format, on_duplicate, file_name, size, total, processed, created, "    \
  "merged, skipped, error_count, failure, created_by, created_at, started_at, finished_at, "      \
  "lease_until"

static void read_job(rp_stmt *st, rp_arena *ar, rp_import_job *j) {
  memset(j, 0, sizeof *j);
  rp_col_id(st, 0, j->account_id);
  rp_col_id(st, 1, j->id);
  j->status = rp_col_text(st, 2, ar);
  j->format = rp_col_text(st, 3, ar);
  j->on_duplicate = rp_col_text(st, 4, ar);
  j->file_name = rp_col_text(st, 5, ar);
  j->size = rp_col_int64(st, 6);
  j->total = rp_col_int64(st, 7);
  j->processed = rp_col_int64(st, 8);
  j->created = rp_col_int64(st, 9);
  j->merged = rp_col_int64(st, 10);
  j->skipped = rp_col_int64(st, 11);
  j->error_count = rp_col_int64(st, 12);
  j->failure = rp_col_text(st, 13, ar);
  j->created_by = rp_col_id_dup(st, 14, ar);
  j->created_at = rp_col_int64(st, 15);
  j->started_at = rp_col_time(st, 16);
  j->finished_at = rp_col_time(st, 17);
  j->lease_until = rp_col_int64(st, 18);
}

/* Inserts job j (status queued, a new id) and its body. */
int rp_store_import_create(rp_store *s, rp_import_job *j, const void *body, size_t len) {
  bool sp;
  int ret = rp_sql_sp_begin(s, &sp);
  if (ret) return ret;
  rp_uuid_v7(j->id);
  j->status = "queued";
  rp_stmt *st = rp_sql_dyn(s, "INSERT INTO imports (account_id, id, status, format,"
                                   " on_duplicate, file_name, size, created_by, created_at)"
                                   " VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?)");
  if (!st) return rp_sql_sp_end(s, sp, rp_error_last()->code);
  rp_bind_id(st, 1, j->account_id);
  rp_bind_id(st, 2, j->id);
  rp_bind_text(st, 3, j->format);
  rp_bind_text(st, 4, j->on_duplicate);
  rp_bind_text(st, 5, j->file_name);
  rp_bind_int64(st, 6, (int64_t)len);
  rp_bind_id(st, 7, j->created_by);
  rp_bind_int64(st, 8, j->created_at);
  ret = rp_sql_run(s, st, NULL);
  if (!ret) {
    st = rp_sql_dyn(s, "INSERT INTO import_bodies (account_id, import_id, body) VALUES (?, ?, ?)");
    if (!st) return rp_sql_sp_end(s, sp, rp_error_last()->code);
    rp_bind_id(st, 1, j->account_id);
    rp_bind_id(st, 2, j->id);
    rp_bind_blob(st, 3, len ? body : "", len);
    ret = rp_sql_run(s, st, NULL);
  }
  j->size = (int64_t)len;
  return rp_sql_sp_end(s, sp, ret);
}

/* The job of the account with this id; RP_ENOTFOUND otherwise. */
int rp_store_import_get(rp_store *s, rp_arena *ar, rp_import_job *out, const char *account_id,
                        const char *id) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT " IMPORT_COLS " FROM imports WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    read_job(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such import");
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* The import's kept errors, by line order of discovery. */
int rp_store_import_errors(rp_store *s, rp_arena *ar, const char *account_id, const char *id,
                           rp_import_error **out, size_t *n) {
  *out = NULL;
  *n = 0;
  rp_stmt *st = rp_sql_dyn(s, "SELECT line, message FROM import_errors"
                                   " WHERE account_id = ? AND import_id = ? ORDER BY seq");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  size_t cap = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_import_error *e = RP_ARENA_PUSH(ar, *out, n, &cap, 16);
    e->line = rp_col_int64(st, 0);
    snprintf(e->message, sizeof e->message, "%s", (const char *)rp_col_str(st, 1));
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

/* Claims the oldest queued import, or a running one whose worker's lease
 * ran out (it died): running, leased until now + lease_s. *found false
 * when there is none. */
int rp_store_import_claim(rp_store *s, rp_arena *ar, rp_import_job *out, rp_time now,
                          int64_t lease_s, bool *found) {
  *found = false;
  /* on PostgreSQL the row is locked until the claim commits and a job
   * another node is claiming is skipped (SKIP LOCKED) */
  rp_stmt *st =
      rp_sql_dyn(s, rp_sql_pg(s) ? "SELECT " IMPORT_COLS " FROM imports"
                                   " WHERE status IN ('queued', 'running') AND lease_until <= ?"
                                   " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED"
                                 : "SELECT " IMPORT_COLS " FROM imports INDEXED BY imports_pending"
                                   " WHERE status IN ('queued', 'running') AND lease_until <= ?"
                                   " ORDER BY created_at LIMIT 1");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, now);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) {
    read_job(st, ar, out);
    *found = true;
  } else if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
  }
  rp_sql_done(st);
  if (ret || !*found) return ret;
  st = rp_sql_dyn(s, "UPDATE imports SET status = 'running', lease_until = ?,"
                     " started_at = coalesce(started_at, ?) WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, now + lease_s);
  rp_bind_int64(st, 2, now);
  rp_bind_id(st, 3, out->account_id);
  rp_bind_id(st, 4, out->id);
  if ((ret = rp_sql_run(s, st, NULL))) return ret;
  out->status = "running";
  out->lease_until = now + lease_s;
  if (!out->started_at) out->started_at = now;
  return 0;
}

/* The uploaded file of the job (a copy in ar). */
int rp_store_import_body(rp_store *s, rp_arena *ar, const char *account_id, const char *id,
                         const char **data, size_t *len) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT body FROM import_bodies WHERE account_id = ? AND import_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) {
    size_t n = (size_t)rp_col_bytes(st, 0);
    char *p = rp_arena_alloc(ar, n + 1);
    if (n) memcpy(p, rp_col_blob(st, 0), n);
    p[n] = '\0';
    *data = p;
    *len = n;
  } else if (rc == RP_DONE) {
    ret = rp_error_set(RP_ENOTFOUND, NULL, "the import's file is gone");
  } else {
    ret = rp_sql_error(s, rc, NULL);
  }
  rp_sql_done(st);
  return ret;
}

/* Records the counts of j, appends errors (seq after the kept ones) and
 * renews the lease, in the caller's transaction. */
int rp_store_import_progress(rp_store *s, const rp_import_job *j, const rp_import_error *errs,
                             size_t n_errs, rp_time lease_until) {
  rp_stmt *st = rp_sql_dyn(s, "UPDATE imports SET total = ?, processed = ?, created = ?,"
                                   " merged = ?, skipped = ?, error_count = ?, lease_until = ?"
                                   " WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_int64(st, 1, j->total);
  rp_bind_int64(st, 2, j->processed);
  rp_bind_int64(st, 3, j->created);
  rp_bind_int64(st, 4, j->merged);
  rp_bind_int64(st, 5, j->skipped);
  rp_bind_int64(st, 6, j->error_count);
  rp_bind_int64(st, 7, lease_until);
  rp_bind_id(st, 8, j->account_id);
  rp_bind_id(st, 9, j->id);
  int ret = rp_sql_run(s, st, NULL);
  for (size_t i = 0; !ret && i < n_errs; i++) {
    st = rp_sql_dyn(s, "INSERT INTO import_errors (account_id, import_id, seq, line, message)"
                       " VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM import_errors"
                       " WHERE account_id = ?1 AND import_id = ?2), ?3, ?4)");
    if (!st) return rp_error_last()->code;
    rp_bind_id(st, 1, j->account_id);
    rp_bind_id(st, 2, j->id);
    rp_bind_int64(st, 3, errs[i].line);
    rp_bind_text(st, 4, errs[i].message);
    ret = rp_sql_run(s, st, NULL);
  }
  return ret;
}

/* Ends the job: done or failed (with why), its body deleted. */
int rp_store_import_finish(rp_store *s, const char *account_id, const char *id, bool ok,
                           const char *failure, rp_time now) {
  rp_stmt *st = rp_sql_dyn(s, "UPDATE imports SET status = ?, failure = ?, finished_at = ?,"
                                   " lease_until = 0 WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, ok ? "done" : "failed");
  rp_bind_text(st, 2, failure);
  rp_bind_int64(st, 3, now);
  rp_bind_id(st, 4, account_id);
  rp_bind_id(st, 5, id);
  int ret = rp_sql_run(s, st, NULL);
  if (ret) return ret;
  st = rp_sql_dyn(s, "DELETE FROM import_bodies WHERE account_id = ? AND import_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  return rp_sql_run(s, st, NULL);
}

/* ---- outside records taken in ---- */

int rp_store_external_ref_find(rp_store *s, const char *account_id, const char *source,
                               const char *ref, const char *contact_id, bool *found) {
  *found = false;
  rp_stmt *st = rp_sql_dyn(s, "SELECT 1 FROM external_refs WHERE account_id = ?"
                                   " AND source = ? AND ref = ? AND contact_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, source);
  rp_bind_text(st, 3, ref);
  rp_bind_id(st, 4, contact_id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) *found = true;
  else if (rc != RP_DONE) ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

int rp_store_external_ref_add(rp_store *s, const char *account_id, const char *source,
                              const char *ref, const char *contact_id, const char *activity_id,
                              rp_time now) {
  rp_stmt *st = rp_sql_dyn(s, "INSERT OR IGNORE INTO external_refs (account_id, source, ref,"
                                   " contact_id, activity_id, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, source);
  rp_bind_text(st, 3, ref);
  rp_bind_id(st, 4, contact_id);
  rp_bind_id(st, 5, activity_id);
  rp_bind_int64(st, 6, now);
  return rp_sql_run(s, st, NULL);
}
