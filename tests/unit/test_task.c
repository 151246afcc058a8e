/* test_task.c: tasks (API.md Tasks): the pure decisions of core/task.c
 * (which completion records a call, the call it records), the body parser
 * of http/task_json.c (done and done_at, bounds, read-only keys, a round
 * trip), and the SQLite store's list order and filters at their edges
 * (ord groups, due ranges, done filter, visibility, pagination, the purge
 * cascade, the deleted-user trigger). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/task.h"
#include "http/task_json.h"
#include "store/store.h"
#include "temp_db.h"
#include "util/error.h"

#define T0 1795532400 /* 2026-11-24T15:00:00Z */

/* ---- core ---- */

static void test_task_records_call_only_connected_done_calls_once(void **state) {
  (void)state;
  rp_task t = {.kind = RP_TASK_CALL,
               .outcome = RP_OUTCOME_CONNECTED,
               .done_at = T0,
               .contact_id = "0193a5b0-0000-7000-8000-000000000001"};
  assert_true(rp_task_records_call(&t));
  rp_task x = t;
  x.done_at = 0;
  assert_false(rp_task_records_call(&x)); /* open */
  x = t;
  x.kind = RP_TASK_TODO;
  assert_false(rp_task_records_call(&x));
  x = t;
  x.outcome = RP_OUTCOME_NO_ANSWER;
  assert_false(rp_task_records_call(&x));
  x = t;
  x.contact_id = NULL;
  assert_false(rp_task_records_call(&x));
  x = t;
  x.activity_id = "0193a5b0-0000-7000-8000-000000000002";
  assert_false(rp_task_records_call(&x)); /* recorded already */
}

static void test_task_call_activity_is_outbound_at_done_at(void **state) {
  (void)state;
  rp_task t = {.kind = RP_TASK_CALL,
               .outcome = RP_OUTCOME_CONNECTED,
               .done_at = T0 - 3600,
               .title = "Call back",
               .contact_id = "0193a5b0-0000-7000-8000-000000000001"};
  rp_activity a;
  rp_task_call_activity(&a, &t, "0193a5b0-0000-7000-8000-0000000000aa", T0);
  assert_int_equal(a.kind, RP_KIND_CALL);
  assert_int_equal(a.direction, RP_DIR_OUTBOUND);
  assert_int_equal(a.occurred_at, T0 - 3600);
  assert_int_equal(a.duration_s, -1);
  assert_string_equal(a.contact_id, t.contact_id);
  assert_string_equal(a.subject, "Call back");
  assert_string_equal(a.source, "task");
  assert_string_equal(a.owner_id, "0193a5b0-0000-7000-8000-0000000000aa");
  t.done_at = T0 + 100; /* a done_at a little ahead of the clock: now */
  rp_task_call_activity(&a, &t, "", T0);
  assert_int_equal(a.occurred_at, T0);
  assert_null(a.owner_id);
}

static void test_task_enums_round_trip(void **state) {
  (void)state;
  for (int i = 0; i < RP_TASK_KIND_COUNT; i++) {
    rp_task_kind k;
    assert_int_equal(rp_task_kind_parse(&k, rp_task_kind_name((rp_task_kind)i)), 0);
    assert_int_equal(k, i);
  }
  for (int i = 1; i < RP_OUTCOME_COUNT; i++) {
    rp_task_outcome o;
    assert_int_equal(rp_task_outcome_parse(&o, rp_task_outcome_name((rp_task_outcome)i)), 0);
    assert_int_equal(o, i);
  }
  rp_task_outcome o;
  assert_int_equal(rp_task_outcome_parse(&o, "none"), -1); /* null is none */
  assert_int_equal(rp_task_outcome_parse(&o, "Connected"), -1);
}

/* ---- JSON ---- */

static int parse(rp_task *t, rp_arena *ar, const char *text) {
  json_t *j = json_loads(text, 0, NULL);
  assert_non_null(j);
  int rc = rp_task_from_json(t, j, T0, ar);
  json_decref(j);
  return rc;
}

static void expect_error(rp_arena *ar, const char *text, int code, const char *field) {
  rp_task t;
  int rc = parse(&t, ar, text);
  if (rc != code || strcmp(rp_error_last()->field, field) != 0)
    fail_msg("%s: got %d field '%s' (%s), want %d field '%s'", text, rc, rp_error_last()->field,
             rp_error_last()->message, code, field);
}

static void test_task_json_done_and_done_at(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_task t;
  assert_int_equal(parse(&t, &ar, "{\"title\": \"x\", \"done\": true}"), 0);
  assert_int_equal(t.done_at, T0);
  assert_int_equal(parse(&t, &ar, "{\"title\": \"x\", \"done_at\": \"2026-11-24T10:00:00Z\"}"), 0);
  assert_int_equal(t.done_at, T0 - 5 * 3600);
  assert_int_equal(
      parse(&t, &ar, "{\"title\": \"x\", \"done\": true, \"done_at\": \"2026-11-24T10:00:00Z\"}"),
      0);
  assert_int_equal(t.done_at, T0 - 5 * 3600);
  assert_int_equal(parse(&t, &ar, "{\"title\": \"x\", \"done\": false, \"done_at\": null}"), 0);
  assert_int_equal(t.done_at, 0);
  /* the clock skew allowance, and no more */
  assert_int_equal(parse(&t, &ar, "{\"title\": \"x\", \"done_at\": \"2026-11-24T15:05:00Z\"}"), 0);
  expect_error(&ar, "{\"title\": \"x\", \"done_at\": \"2026-11-24T15:05:01Z\"}", RP_EINVALID_VALUE,
               "done_at");
  expect_error(&ar, "{\"title\": \"x\", \"done\": false, \"done_at\": \"2026-11-24T10:00:00Z\"}",
               RP_EVALIDATION, "done");
  expect_error(&ar, "{\"title\": \"x\", \"done\": 1}", RP_EINVALID_VALUE, "done");
  rp_arena_free(&ar);
}

static void test_task_json_fields_bounds_and_keys(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_task t;
  assert_int_equal(parse(&t, &ar,
                         "{\"title\": \" Call \", \"kind\": \"call\", \"contact_id\":"
                         " \"0193A5B0-0000-7000-8000-00000000BEEF\", \"due_at\":"
                         " \"2026-11-24T12:00:00+02:00\", \"outcome\": \"busy\"}"),
                   0);
  assert_string_equal(t.title, "Call");
  assert_int_equal(t.kind, RP_TASK_CALL);
  assert_string_equal(t.contact_id, "0193a5b0-0000-7000-8000-00000000beef");
  assert_int_equal(t.due_at, T0 - 5 * 3600);
  assert_int_equal(t.outcome, RP_OUTCOME_BUSY);
  char big[700];
  snprintf(big, sizeof big, "{\"title\": \"%0500d\"}", 0);
  assert_int_equal(parse(&t, &ar, big), 0);
  snprintf(big, sizeof big, "{\"title\": \"%0501d\"}", 0);
  expect_error(&ar, big, RP_EINVALID_VALUE, "title");
  expect_error(&ar, "{}", RP_EVALIDATION, "title");
  expect_error(&ar, "{\"title\": \"a\\tb\"}", RP_EINVALID_VALUE, "title");
  expect_error(&ar, "{\"title\": \"x\", \"kind\": \"fax\"}", RP_EINVALID_VALUE, "kind");
  expect_error(&ar, "{\"title\": \"x\", \"due_at\": \"2026-11-24\"}", RP_EINVALID_VALUE, "due_at");
  expect_error(&ar, "{\"title\": \"x\", \"due_at\": 5}", RP_EINVALID_VALUE, "due_at");
  expect_error(&ar, "{\"title\": \"x\", \"outcome\": \"none\"}", RP_EINVALID_VALUE, "outcome");
  expect_error(&ar, "{\"title\": \"x\", \"assignee_id\": \"bob\"}", RP_EINVALID_VALUE,
               "assignee_id");
  expect_error(&ar, "{\"title\": \"x\", \"activity_id\": null}", RP_EINVALID_VALUE, "activity_id");
  expect_error(&ar, "{\"title\": \"x\", \"colour\": \"red\"}", RP_EUNKNOWN_FIELD, "colour");
  rp_arena_free(&ar);
}

static void test_task_json_round_trip(void **state) {
  (void)state;
  rp_arena ar = {0};
  rp_task t;
  assert_int_equal(parse(&t, &ar,
                         "{\"title\": \"T\", \"kind\": \"sms\", \"due_at\":"
                         " \"2026-12-01T09:00:00Z\", \"done\": true, \"outcome\": \"sent\"}"),
                   0);
  json_t *out = rp_task_to_json(&t);
  assert_true(json_is_true(json_object_get(out, "done")));
  json_t *again = json_deep_copy(out);
  const char *k;
  json_t *v;
  void *tmp;
  json_object_foreach_safe(again, tmp, k, v) {
    if (rp_task_key_readonly(k)) json_object_del(again, k);
  }
  rp_task t2;
  assert_int_equal(rp_task_from_json(&t2, again, T0, &ar), 0);
  json_t *out2 = rp_task_to_json(&t2);
  assert_true(json_equal(out, out2));
  json_decref(out);
  json_decref(out2);
  json_decref(again);
  rp_arena_free(&ar);
}

/* ---- store ---- */

typedef struct {
  char path[RP_TEST_DB_PATH_MAX];
  rp_store *s;
  rp_arena ar;
  rp_account a, b;
  rp_user owner, agent;
  rp_contact mine, theirs;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  assert_int_equal(rp_test_db_open(f->path, "rapport-test-task", &f->s), 0);
  f->a = (rp_account){.name = "Alpha", .created_at = T0};
  f->b = (rp_account){.name = "Beta", .created_at = T0};
  assert_int_equal(rp_store_account_create(f->s, &f->a), 0);
  assert_int_equal(rp_store_account_create(f->s, &f->b), 0);
  const char *mails[] = {"owner@alpha.example", "agent@alpha.example"};
  rp_user *users[] = {&f->owner, &f->agent};
  for (int i = 0; i < 2; i++) {
    *users[i] = (rp_user){.email = mails[i],
                          .role = i ? RP_ROLE_AGENT : RP_ROLE_OWNER,
                          .created_at = T0,
                          .updated_at = T0};
    memcpy(users[i]->account_id, f->a.id, RP_ID_LEN);
    assert_int_equal(rp_store_user_create(f->s, users[i]), 0);
  }
  rp_contact *cs[] = {&f->mine, &f->theirs};
  for (int i = 0; i < 2; i++) {
    *cs[i] = (rp_contact){.first_name = i ? "Theirs" : "Mine",
                          .display_name = "x",
                          .custom_json = "{}",
                          .owner_id = i ? f->owner.id : f->agent.id,
                          .created_at = T0,
                          .updated_at = T0};
    memcpy(cs[i]->account_id, f->a.id, RP_ID_LEN);
    assert_int_equal(rp_store_contact_create(f->s, cs[i]), 0);
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  rp_store_close(f->s);
  rp_arena_free(&f->ar);
  rp_test_db_remove(f->path);
  free(f);
  return 0;
}

static rp_task *add_by(fx *f, const char *title, const rp_contact *c, const char *assignee,
                       rp_time due, rp_time done, const char *by) {
  rp_task *t = rp_arena_calloc(&f->ar, sizeof *t);
  memcpy(t->account_id, f->a.id, RP_ID_LEN);
  t->title = title;
  t->kind = RP_TASK_TODO;
  t->contact_id = c ? c->id : NULL;
  t->assignee_id = assignee;
  t->due_at = due;
  t->done_at = done;
  t->created_by = by;
  t->created_at = t->updated_at = T0;
  if (rp_store_task_create(f->s, t)) fail_msg("create %s: %s", title, rp_error_last()->message);
  return t;
}

static rp_task *add(fx *f, const char *title, const rp_contact *c, const char *assignee,
                    rp_time due, rp_time done) {
  return add_by(f, title, c, assignee, due, done, f->owner.id);
}

/* The titles of the list q gives, walked in pages of `limit`, joined by
 * spaces. */
static const char *titles(fx *f, rp_task_query q, int limit) {
  static char buf[512];
  buf[0] = '\0';
  q.limit = limit;
  q.cursor = NULL;
  for (int pages = 0; pages < 50; pages++) {
    rp_task *items;
    size_t n;
    char *next;
    if (rp_store_task_list(f->s, &f->ar, &q, &items, &n, &next, NULL))
      fail_msg("list: %s", rp_error_last()->message);
    for (size_t i = 0; i < n; i++) {
      strncat(buf, buf[0] ? " " : "", sizeof buf - strlen(buf) - 1);
      strncat(buf, items[i].title, sizeof buf - strlen(buf) - 1);
    }
    if (!next) break;
    q.cursor = next;
  }
  return buf;
}

static void test_task_store_order_and_filters(void **state) {
  fx *f = *state;
  add(f, "nodue", &f->theirs, NULL, 0, 0);
  add(f, "old", &f->theirs, NULL, -86400 * 365 * 60LL, 0); /* due before 1970 */
  add(f, "soon", &f->theirs, NULL, T0 + 60, 0);
  add(f, "late", &f->theirs, NULL, T0 + 86400 * 3000LL, 0);
  add(f, "done1", &f->theirs, NULL, T0, T0 - 10);
  add(f, "done2", &f->theirs, NULL, 0, T0 - 5);
  add(f, "ancient", &f->theirs, NULL, 0, -86400 * 365 * 60LL); /* done before 1970 */
  rp_task_query q = {.account_id = f->a.id, .done = -1};
  const char *all = "old soon late nodue done2 done1 ancient";
  assert_string_equal(titles(f, q, 50), all);
  for (int limit = 1; limit <= 3; limit++)
    assert_string_equal(titles(f, q, limit), all);
  q.done = 0;
  assert_string_equal(titles(f, q, 2), "old soon late nodue");
  q.done = 1;
  assert_string_equal(titles(f, q, 2), "done2 done1 ancient");
  q.done = 0;
  q.due = true;
  q.due_from = INT64_MIN;
  q.due_to = T0 + 60; /* overdue at T0 + 60: before, not at */
  assert_string_equal(titles(f, q, 50), "old");
  q.due_from = T0 + 60;
  q.due_to = INT64_MAX; /* upcoming: never the ones without due time */
  assert_string_equal(titles(f, q, 50), "soon late");
  int64_t total = 0;
  rp_task *items;
  size_t n;
  char *next;
  q.count = true;
  assert_int_equal(rp_store_task_list(f->s, &f->ar, &q, &items, &n, &next, &total), 0);
  assert_int_equal(total, 2);
  /* another account sees none of them */
  rp_task_query qb = {.account_id = f->b.id, .done = -1};
  assert_string_equal(titles(f, qb, 50), "");
}

static void test_task_store_visibility(void **state) {
  fx *f = *state;
  add(f, "onmine", &f->mine, NULL, T0, 0);
  add(f, "assigned", &f->theirs, f->agent.id, T0 + 1, 0);
  add(f, "hidden", &f->theirs, f->owner.id, T0 + 2, 0);
  add(f, "loose", NULL, NULL, T0 + 3, 0);
  add_by(f, "byagent", &f->theirs, f->owner.id, T0 + 4, 0, f->agent.id);
  rp_task_query q = {.account_id = f->a.id, .done = -1, .visible_to = f->agent.id};
  assert_string_equal(titles(f, q, 50), "onmine assigned byagent");
  q.visible_to = NULL;
  q.assignee_id = f->agent.id;
  assert_string_equal(titles(f, q, 50), "assigned");
  q.assignee_id = NULL;
  q.contact_id = f->mine.id;
  assert_string_equal(titles(f, q, 50), "onmine");
}

static void test_task_store_update_delete_cascade_and_trigger(void **state) {
  fx *f = *state;
  rp_task *t = add(f, "t", &f->mine, f->agent.id, T0, 0);
  rp_task cur;
  assert_int_equal(rp_store_task_get(f->s, &f->ar, &cur, f->a.id, t->id), 0);
  assert_int_equal(rp_store_task_get(f->s, &f->ar, &cur, f->b.id, t->id), RP_ENOTFOUND);
  cur.done_at = T0;
  cur.outcome = RP_OUTCOME_DONE;
  assert_int_equal(rp_store_task_update(f->s, &cur), 0);
  assert_int_equal(cur.version, 2);
  rp_task stale = cur;
  stale.version = 1;
  assert_int_equal(rp_store_task_update(f->s, &stale), RP_ECONFLICT);
  rp_task bad = cur;
  bad.assignee_id = f->b.id; /* not a user of the account */
  assert_int_equal(rp_store_task_update(f->s, &bad), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "assignee_id");
  bad = cur;
  bad.contact_id = "0193a5b0-0000-7000-8000-00000000beef";
  assert_int_equal(rp_store_task_update(f->s, &bad), RP_ENOTFOUND);
  assert_string_equal(rp_error_last()->field, "contact_id");
  /* a deleted user leaves its tasks unassigned */
  assert_int_equal(rp_store_user_delete(f->s, f->a.id, f->agent.id), 0);
  assert_int_equal(rp_store_task_get(f->s, &f->ar, &cur, f->a.id, t->id), 0);
  assert_null(cur.assignee_id);
  assert_int_equal(cur.version, 3);
  /* a purged contact takes its tasks */
  assert_int_equal(rp_store_contact_purge(f->s, f->a.id, f->mine.id), 0);
  assert_int_equal(rp_store_task_get(f->s, &f->ar, &cur, f->a.id, t->id), RP_ENOTFOUND);
  rp_task *u = add(f, "u", NULL, NULL, 0, 0);
  assert_int_equal(rp_store_task_delete(f->s, f->b.id, u->id), RP_ENOTFOUND);
  assert_int_equal(rp_store_task_delete(f->s, f->a.id, u->id), 0);
  assert_int_equal(rp_store_task_delete(f->s, f->a.id, u->id), RP_ENOTFOUND);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_task_records_call_only_connected_done_calls_once),
      cmocka_unit_test(test_task_call_activity_is_outbound_at_done_at),
      cmocka_unit_test(test_task_enums_round_trip),
      cmocka_unit_test(test_task_json_done_and_done_at),
      cmocka_unit_test(test_task_json_fields_bounds_and_keys),
      cmocka_unit_test(test_task_json_round_trip),
      cmocka_unit_test_setup_teardown(test_task_store_order_and_filters, setup, teardown),
      cmocka_unit_test_setup_teardown(test_task_store_visibility, setup, teardown),
      cmocka_unit_test_setup_teardown(test_task_store_update_delete_cascade_and_trigger, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
