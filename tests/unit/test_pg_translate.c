/* test_pg_translate.c: the PostgreSQL engine runs the store's SQLite SQL
 * after rp_pg_translate (store_pg.c). Each rewrite is checked on the
 * shapes the store's files use, and text inside quotes is never touched
 * (a `?` in a literal is not a parameter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static void check(const char *sqlite, const char *want, int want_params) {
  int n = -1;
  char *got = rp_pg_translate(sqlite, NULL, &n);
  if (strcmp(got, want) || n != want_params)
    fail_msg("translate(%s)\n   got: %s (%d params)\n  want: %s (%d params)", sqlite, got, n, want,
             want_params);
  free(got);
}

static void test_placeholders_numbered_in_order(void **state) {
  (void)state;
  check("SELECT a FROM t WHERE x = ? AND y = ?", "SELECT a FROM t WHERE x = $1 AND y = $2", 2);
  /* ?NNN keeps its number; a plain ? after it continues from the highest */
  check("SELECT ?2, ?1, ?", "SELECT $2, $1, $3", 3);
  check("SELECT '?' || ? FROM \"a?\"", "SELECT '?' || $1 FROM \"a?\"", 1);
}

static void test_planner_hints_dropped(void **state) {
  (void)state;
  check("SELECT 1 FROM contacts c INDEXED BY contacts_overdue WHERE c.x = ?",
        "SELECT 1 FROM contacts c  WHERE c.x = $1", 1);
  check("SELECT 1 FROM a CROSS JOIN b ON b.id = a.id", "SELECT 1 FROM a JOIN b ON b.id = a.id", 0);
  check("SELECT 1 FROM a m CROSS JOIN contacts c ON c.seq = m.seq",
        "SELECT 1 FROM a m JOIN contacts c ON c.seq = m.seq", 0);
  /* without ON it stays a cross join */
  check("SELECT 1 FROM a CROSS JOIN b WHERE a.x = b.x",
        "SELECT 1 FROM a CROSS JOIN b WHERE a.x = b.x", 0);
  check("BEGIN IMMEDIATE", "BEGIN", 0);
}

static void test_insert_or_ignore(void **state) {
  (void)state;
  check("INSERT OR IGNORE INTO t (a) VALUES (?)",
        "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING", 1);
  check("INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING a",
        "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING a", 1);
}

static void test_insert_or_replace_is_an_upsert_on_the_key(void **state) {
  (void)state;
  int n = 0;
  const char *sql = "INSERT OR REPLACE INTO daily_stats (account_id, day, mean, count)"
                    " VALUES (?, ?, ?, ?)";
  char *table = rp_pg_replace_table(sql);
  assert_string_equal(table, "daily_stats");
  free(table);
  char *got = rp_pg_translate(sql, "account_id, day", &n);
  assert_string_equal(got, "INSERT INTO daily_stats (account_id, day, mean, count)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, day) DO UPDATE"
                           " SET mean = excluded.mean, count = excluded.count");
  assert_int_equal(n, 4);
  free(got);
  assert_null(rp_pg_replace_table("INSERT INTO t (a) VALUES (1)"));
}

static void test_subquery_in_from_gets_a_name(void **state) {
  (void)state;
  check("SELECT count(*) FROM (SELECT 1 FROM t WHERE a = ? LIMIT 5)",
        "SELECT count(*) FROM (SELECT 1 FROM t WHERE a = $1 LIMIT 5) AS rp_sub21", 1);
  /* one with a name keeps it */
  check("SELECT m.x FROM (SELECT x FROM t) m WHERE m.x = ?",
        "SELECT m.x FROM (SELECT x FROM t) m WHERE m.x = $1", 1);
}

static void test_functions(void **state) {
  (void)state;
  check("SELECT max(a, 0), max(b) FROM t", "SELECT GREATEST(a, 0), max(b) FROM t", 0);
  check("SELECT min(a.x, ?) FROM a", "SELECT LEAST(a.x, $1) FROM a", 1);
  check("SELECT total(price * ?) FROM p", "SELECT coalesce(sum(price * $1), 0.0) FROM p", 1);
  check("VALUES (unixepoch())", "VALUES (CAST(extract(epoch FROM now()) AS bigint))", 0);
  check("SELECT json_extract(c.phones_json, '$[0].number') FROM c",
        "SELECT ((c.phones_json)::jsonb -> 0 ->> 'number') FROM c", 0);
  /* a path it does not know stays as it is (and fails on the server) */
  check("SELECT json_extract(x, '$.a[*]')", "SELECT json_extract(x, '$.a[*]')", 0);
}

static void test_comments_dropped(void **state) {
  (void)state;
  check("SELECT 1 -- why?\nFROM t", "SELECT 1 \nFROM t", 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_placeholders_numbered_in_order),
      cmocka_unit_test(test_planner_hints_dropped),
      cmocka_unit_test(test_insert_or_ignore),
      cmocka_unit_test(test_insert_or_replace_is_an_upsert_on_the_key),
      cmocka_unit_test(test_subquery_in_from_gets_a_name),
      cmocka_unit_test(test_functions),
      cmocka_unit_test(test_comments_dropped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
