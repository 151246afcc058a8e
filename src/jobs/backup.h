/* backup.h: everything of an account as JSONL, and back (issue 8:
 * GET /api/v1/export/all.jsonl, `rapport export --format jsonl`,
 * `rapport import FILE.jsonl`; docs/api.md "Backup and restore"). The
 * lines are io/jsonl.h's, the rows the store's (rp_store_dump,
 * rp_store_restore_*): the file names no store, so the same file moves
 * an account from SQLite to PostgreSQL. */
#ifndef RP_BACKUP_H
#define RP_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/uuid.h"

/* Takes the next len bytes of the export; 0 or an RP_E* code (which stops
 * the export and is returned). */
typedef rp_sink_fn rp_backup_write_fn;
/* Reads up to cap bytes of the file into buf: how many, 0 at its end, or
 * a negative RP_E* code with the thread error set. */
typedef long (*rp_backup_read_fn)(void *ctx, char *buf, size_t cap);

/* Writes the header (schema, account, exported_at = now) and one line per
 * row of the account's data through w, in the caller's transaction (a read
 * one: one snapshot) or a read transaction of its own. *rows (may be NULL)
 * gets the number of row lines. RP_ENOTFOUND for no such account. */
int rp_backup_export(rp_store *s, const char *account_id, rp_time now, rp_backup_write_fn w,
                     void *ctx, int64_t *rows);

/* What a restore did. */
typedef struct rp_backup_result {
  char account_id[RP_ID_LEN];
  int schema;
  int64_t rows;             /* row lines restored */
  rp_restore_count *counts; /* per table, in file order of the tables (in ar) */
  size_t n_counts;
} rp_backup_result;

/* Restores the account of an export read through rd into s (outside any
 * transaction): all or nothing, in one transaction (rp_store_restore_*:
 * refused when s holds that account already or is of another schema).
 * A bad line stops it with "line N: why" as the error message (the field
 * as the line parser or the store gave it) and nothing is written. */
int rp_backup_import(rp_store *s, rp_arena *ar, rp_backup_read_fn rd, void *ctx,
                     rp_backup_result *out);

#endif
