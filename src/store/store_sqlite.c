/* store_sqlite.c: the SQLite engine's connection: opening a database file
 * with the pragmas of DESIGN.md, and the page cache and checkpoint sizes
 * of bulk writes. The statements themselves go through store_db.c. */
#include <pthread.h>
#include <stdlib.h>

#include "store/store_internal.h"
#include "util/error.h"

/* The page cache: 32 MiB per connection, raised to 256 MiB once a write
 * transaction has written BULK_RAISE rows (rp_sql_bulk_note), so that a
 * bulk one (the demo's 2 million activities) keeps its dirty pages in
 * memory instead of spilling them. It is a limit, so a small transaction
 * never uses it; after one it shrinks back, after a bulk one (BULK_CHANGES
 * rows or more) it stays for the batches to come. A request's transaction
 * never reaches BULK_RAISE, so it runs no PRAGMA at all: a cached
 * "PRAGMA cache_size=N" re-prepares itself (reading the schema, in a
 * transaction of its own) every time it runs. */
#define BULK_RAISE 2000
#define BULK_CHANGES 10000
#define RP_CACHE_KB "32768"
#define RP_CACHE_WRITE_KB "262144"
/* The WAL is checkpointed (copied into the database) when it reaches this
 * many pages: SQLite's default 1000 (16 MiB at 16 KiB pages), and 16384
 * (256 MiB) during a bulk write, whose every commit rewrites much of the
 * indexes: a page is then copied once per few commits instead of once per
 * commit (a third less written by the demo of 100k contacts). After the
 * checkpoint the WAL is cut back to journal_size_limit. */
#define RP_CKPT "1000"
#define RP_CKPT_BULK "16384"

/* Process-wide settings, before SQLite's first use: no memory statistics
 * (nothing reads them, and keeping them takes a global mutex on every
 * allocation SQLite makes, which the server's threads then queue on).
 * Harmless when SQLite was already initialised by someone else. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

/* Opens the database file at path (created when missing) with the pragmas of
 * DESIGN.md: WAL, foreign keys, a 5 s busy timeout, synchronous=NORMAL. */
int rp_sqlite_open(rp_store *s, const char *path) {
  pthread_once(&sqlite_once, sqlite_setup);
  int rc = sqlite3_open_v2(path, &s->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    rp_error_set(RP_EINTERNAL, NULL, "cannot open database %s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, 5000);
  /* page_size only takes for a new database (before its first table):
   * 16 KiB pages make a quarter of the I/O calls of the default 4 KiB and
   * the demo's bulk insert a fifth faster */
  static const char *const pragmas = "PRAGMA page_size=16384;"
                                     "PRAGMA journal_mode=WAL;"
                                     "PRAGMA foreign_keys=ON;"
                                     "PRAGMA synchronous=NORMAL;"
                                     "PRAGMA temp_store=MEMORY;"
                                     "PRAGMA journal_size_limit=67108864;"
                                     "PRAGMA cache_size=-" RP_CACHE_KB ";";
  char *err = NULL;
  rc = sqlite3_exec(s->db, pragmas, NULL, NULL, &err);
  if (rc != SQLITE_OK) {
    rp_error_set(RP_EINTERNAL, NULL, "cannot open database %s: %s", path,
                 err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    goto fail;
  }
  return 0;
fail:
  sqlite3_close_v2(s->db);
  s->db = NULL;
  return RP_EINTERNAL;
}

void rp_sqlite_close(rp_store *s) {
  if (s->db && !sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close_v2(s->db);
  s->db = NULL;
}

void rp_sql_bulk_note(rp_store *s) {
  if (!s->db || s->cache_big || sqlite3_total_changes64(s->db) - s->tx_changes < BULK_RAISE ||
      sqlite3_get_autocommit(s->db))
    return;
  /* the pragmas act when prepared: sqlite3_exec, not a cached statement */
  if (sqlite3_exec(s->db,
                   "PRAGMA cache_size=-" RP_CACHE_WRITE_KB ";"
                   "PRAGMA wal_autocheckpoint=" RP_CKPT_BULK,
                   NULL, NULL, NULL) == SQLITE_OK)
    s->cache_big = true;
}

/* The page cache while indexes are built (rp_store_scores_bulk_end):
 * SQLite's sorter keeps keys in memory up to the cache size and hands each
 * full run to a helper thread (PRAGMA threads) to sort, merging the runs
 * at the end. With the bulk cache (256 MiB) the keys of a million contacts
 * are one run, sorted on one thread after the table read; with small runs
 * the sort goes on beside the read, on both cores (docs/performance.md,
 * bench/score: the rebuild of contact_scores_score at 1,000,000 contacts,
 * a rescore of every score 7.8-8.3 s with runs of 8 MiB, 8.5-8.8 s with
 * 16 MiB, 9.0-9.3 s with 64 MiB). */
#define SORT_CACHE_KB "8192"

int rp_sqlite_index_build(rp_store *s, bool on) {
  if (!s->db) return 0;
  /* The sorter hands runs to helper threads only when temporary files
   * are on disk (SQLite's vdbesort.c: none with temp_store=MEMORY, which
   * the connection has for small queries). SQLite refuses the change in a
   * transaction once the connection has its temporary database open
   * (rare: no statement of the store makes temporary tables): the build
   * then sorts on one thread, as it did before. */
  sqlite3_exec(s->db, on ? "PRAGMA temp_store = FILE" : "PRAGMA temp_store = MEMORY", NULL, NULL,
               NULL);
  const char *sql = on ? "PRAGMA threads = 2; PRAGMA cache_size = -" SORT_CACHE_KB
                    : s->cache_big ? "PRAGMA threads = 0; PRAGMA cache_size = -" RP_CACHE_WRITE_KB
                                   : "PRAGMA threads = 0; PRAGMA cache_size = -" RP_CACHE_KB;
  return rp_sql_exec(s, sql, "threads");
}

void rp_sqlite_tx_ended(rp_store *s) {
  if (!s->db || !s->cache_big || sqlite3_total_changes64(s->db) - s->tx_changes >= BULK_CHANGES)
    return;
  if (sqlite3_exec(s->db,
                   "PRAGMA cache_size=-" RP_CACHE_KB ";"
                   "PRAGMA wal_autocheckpoint=" RP_CKPT,
                   NULL, NULL, NULL) == SQLITE_OK)
    s->cache_big = false;
}
