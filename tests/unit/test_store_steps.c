/* test_store_steps.c: the workflow scheduler's queue in the SQLite store
 * (store.h rp_store_due_steps; 005_workflows.sql run_steps) against a
 * real database file: the due steps come oldest first with "a later step
 * of the run is due too", and a page of them costs the same whatever the
 * backlog. The page's check of each run's later steps used to search the
 * due-time index, every pending step of the account, for each step: with
 * 55,000 due steps a page held the write lock 5 s (docs/performance.md,
 * the daily job's probe). The work is counted in SQLite's virtual-machine
 * steps (sqlite3_stmt_status), not timed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store/store_internal.h" /* the store's sqlite3 handle */
#include "temp_db.h"
#include "util/error.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define PAGE 200

typedef struct {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_account a;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  assert_int_equal(rp_test_db_open(f->path, "rapport-test-steps", &f->s), 0);
  f->a = (rp_account){.name = "Alpha Realty", .created_at = T0};
  assert_int_equal(rp_store_account_create(f->s, &f->a), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  rp_store_close(f->s);
  rp_test_db_remove(f->path);
  free(f);
  return 0;
}

/* runs runs of the account, each with two pending steps: step 0 due at
 * T0 + i, step 1 at T0 + runs + i (both due by T0 + 2 runs), written
 * behind the store's back on a connection of its own (steps already
 * there stay as they are; no contacts or workflows behind them: foreign
 * keys off there). */
static void backlog(fx *f, int runs) {
  sqlite3 *db;
  char sql[1024];
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  snprintf(sql, sizeof sql,
           "PRAGMA foreign_keys = OFF;"
           "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d - 1)"
           " INSERT INTO workflow_runs (account_id, id, workflow_id, contact_id, status, event,"
           " started_at) SELECT (SELECT id FROM accounts), randomblob(16), randomblob(16),"
           " randomblob(16), 'active', 'manual', %d + i FROM n;"
           "INSERT OR IGNORE INTO run_steps (account_id, run_id, step, due_at, status)"
           " SELECT account_id, id, 0, started_at, 'pending' FROM workflow_runs;"
           "INSERT OR IGNORE INTO run_steps (account_id, run_id, step, due_at, status)"
           " SELECT account_id, id, 1, started_at + %d, 'pending' FROM workflow_runs;",
           runs, T0, runs);
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK) fail_msg("backlog: %s", err);
  sqlite3_close(db);
}

/* The virtual-machine steps the due-steps query has run on the store's
 * connection so far. */
static int64_t due_query_steps(fx *f) {
  for (sqlite3_stmt *st = sqlite3_next_stmt(f->s->db, NULL); st; st = sqlite3_next_stmt(f->s->db, st))
    if (strstr(sqlite3_sql(st), "FROM run_steps p JOIN workflow_runs"))
      return sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
  fail_msg("the due-steps query was not prepared");
  return 0;
}

/* One page of due steps in a write transaction (rolled back): the work it
 * took; the steps go to items and n. */
static int64_t one_page(fx *f, rp_arena *ar, rp_due_step **items, size_t *n) {
  int64_t before = 0;
  assert_int_equal(rp_store_begin(f->s, true), 0);
  for (sqlite3_stmt *st = sqlite3_next_stmt(f->s->db, NULL); st; st = sqlite3_next_stmt(f->s->db, st))
    if (strstr(sqlite3_sql(st), "FROM run_steps p JOIN workflow_runs"))
      before = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
  assert_int_equal(rp_store_due_steps(f->s, ar, f->a.id, T0 + 1000000, PAGE, items, n), 0);
  int64_t work = due_query_steps(f) - before;
  rp_store_rollback(f->s);
  return work;
}

/* Oldest first; step 0 of each run knows its step 1 is due too; step 1
 * does not. */
static void test_due_steps_order_and_later_due(void **state) {
  fx *f = *state;
  rp_arena ar = {0};
  rp_due_step *items;
  size_t n;
  backlog(f, 150);
  one_page(f, &ar, &items, &n);
  assert_int_equal(n, PAGE);
  for (size_t i = 0; i < n; i++) {
    if (i) assert_true(items[i - 1].due_at <= items[i].due_at);
    assert_int_equal(items[i].step, i < 150 ? 0 : 1);
    assert_int_equal(items[i].later_message_due, i < 150);
  }
  rp_arena_free(&ar);
}

/* A page costs about the same with 40 times the backlog: the check of a
 * step's later steps reads its own run, not the account's queue. */
static void test_due_steps_page_cost_does_not_grow_with_the_backlog(void **state) {
  fx *f = *state;
  rp_arena ar = {0};
  rp_due_step *items;
  size_t n;
  backlog(f, 500); /* 1,000 pending steps */
  int64_t small = one_page(f, &ar, &items, &n);
  assert_int_equal(n, PAGE);
  backlog(f, 19500); /* 40,000 */
  int64_t large = one_page(f, &ar, &items, &n);
  assert_int_equal(n, PAGE);
  /* the same 200 steps either way: ~the same work (the old query: ~55x) */
  if (large >= 2 * small + 1000)
    fail_msg("a page took %lld VM steps with 1,000 pending steps, %lld with 40,000",
             (long long)small, (long long)large);
  rp_arena_free(&ar);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_due_steps_order_and_later_due, setup, teardown),
      cmocka_unit_test_setup_teardown(test_due_steps_page_cost_does_not_grow_with_the_backlog,
                                      setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
