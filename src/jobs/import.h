/* import.h: one import of contacts or calendar events into an account
 * (API.md "Import and export", issue 8), the same for the background job of
 * POST /api/v1/imports and for `rapport import FILE`.
 *
 * The file is parsed twice: a first pass counts the records (so progress
 * has a total), the second writes them in write transactions of
 * batches (below). Each record goes through the lifecycle like a
 * POST would (DOMAIN.md rules, history, derived fields, score), except
 * that an import starts no workflow. A contact record that matches a
 * live contact by a normalised email or phone is merged into it, skipped or
 * created anyway (on_duplicate); a bad record is reported with the line it
 * starts on and skipped whole. A calendar event becomes one activity per
 * known contact attending it, once: a re-import of the same event (its uid)
 * adds nothing.
 *
 * Resuming: on_batch runs inside each batch's transaction, before its
 * commit, with the counts so far; a job that records them there and passes
 * `resume` = the committed `processed` after a crash skips those records
 * and goes on, so no record is written twice. */
#ifndef RP_IMPORT_H
#define RP_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/clock.h"

/* A batch ends at RP_IMPORT_BATCH records or after batch_ms (default
 * RP_IMPORT_BATCH_MS), whichever comes first, so the API's writes never
 * wait long for the write lock an import holds; the CLI takes longer
 * batches (fewer commits, each of which rewrites the index pages it
 * touched). */
#define RP_IMPORT_BATCH 25000
#define RP_IMPORT_BATCH_MS 250
#define RP_IMPORT_ERRORS_MAX 1000 /* errors kept with their line; all are counted */

typedef enum { RP_IMPORT_CSV, RP_IMPORT_VCARD, RP_IMPORT_ICS } rp_import_format;
typedef enum { RP_ONDUP_MERGE, RP_ONDUP_SKIP, RP_ONDUP_CREATE } rp_on_duplicate;

typedef struct rp_import_counts {
  int64_t total, processed, created, merged, skipped, errors;
} rp_import_counts;

typedef struct rp_import_opts {
  rp_store *store;
  const char *account_id;
  const char *user_id; /* the importer: owner of new contacts, actor of history; may be NULL */
  rp_import_format format;
  rp_on_duplicate on_duplicate;
  const char *data;
  size_t len;
  rp_time now;
  int64_t resume; /* records already committed by an earlier run */
  /* Milliseconds to wait after each commit: in the server, where requests
   * wait for the write lock (SQLite's busy wait polls, and a writer that
   * begins again at once could starve them); 0 in the CLI. */
  int pause_ms;
  int batch_ms; /* 0: RP_IMPORT_BATCH_MS */
  /* Called in each batch's write transaction before its commit; non-zero
   * aborts the import (rolled back to the last batch). May be NULL. */
  int (*on_batch)(void *ctx, const rp_import_counts *c, const rp_import_error *new_errors,
                  size_t n_new_errors);
  void *ctx;
  /* Called every RP_IMPORT_PROGRESS_EVERY records with the counts so far
   * (for a progress bar); may be NULL. */
  void (*on_progress)(void *ctx, const rp_import_counts *c);
  /* Tests: create each contact as a single POST /contacts does (written,
   * read back, rewritten) rather than settled in memory; the outcome must
   * be the same. */
  bool reread_new;
} rp_import_opts;

#define RP_IMPORT_PROGRESS_EVERY 250

/* The format of a Content-Type (text/csv, text/vcard, text/x-vcard,
 * text/directory, text/calendar; parameters ignored) or of a file name's
 * extension (.csv, .vcf, .vcard, .ics); -1 when unknown. */
int rp_import_format_of_type(const char *content_type);
int rp_import_format_of_name(const char *file_name);
const char *rp_import_format_name(rp_import_format f);

/* "merge", "skip", "create" -> *out; RP_EINVALID_VALUE otherwise. */
int rp_import_on_duplicate_parse(rp_on_duplicate *out, const char *s);
const char *rp_import_on_duplicate_name(rp_on_duplicate d);

/* Runs the import; *out gets the final counts. A store error stops it
 * (the batch in progress rolled back) and is returned; bad records are
 * counted, not returned. */
int rp_import_run(const rp_import_opts *o, rp_import_counts *out);

#endif
