/* test_deal_json.c: the property and transaction bodies of API.md Deals as
 * a client sends them: defaults, normalised values, every kind of bad body
 * refused with the code and field path a client sees, the rendered object
 * with every key in order, and a render -> parse round trip. No server, no
 * database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/deal_json.h"
#include "util/arena.h"
#include "util/error.h"

#define ANN "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"
#define BOB "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c"

static rp_arena ar;
static rp_time now; /* 2026-11-24T14:05:00Z */

static int setup(void **state) {
  (void)state;
  return rp_time_parse(&now, "2026-11-24T14:05:00Z", 20);
}

static int teardown(void **state) {
  (void)state;
  rp_arena_free(&ar);
  return 0;
}

static json_t *load(const char *text) {
  json_error_t e;
  json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);
  if (!v) fail_msg("test JSON does not parse: %s: %s", e.text, text);
  return v;
}

static int parse_property(rp_property *p, const char *text) {
  json_t *v = load(text);
  rp_error_clear();
  int rc = rp_property_from_json(p, v, now, &ar);
  json_decref(v);
  return rc;
}

static int parse_transaction(rp_transaction *t, const char *text) {
  json_t *v = load(text);
  rp_error_clear();
  int rc = rp_transaction_from_json(t, v, now, &ar);
  json_decref(v);
  return rc;
}

static void expect_error(int rc, int code, const char *field, const char *text) {
  if (rc != code || strcmp(rp_error_last()->field, field) != 0)
    fail_msg("%s: want %d field '%s', got %d field '%s' (%s)", text, code, field, rc,
             rp_error_last()->field, rp_error_last()->message);
}

static void property_refused(const char *text, int code, const char *field) {
  rp_property p;
  expect_error(parse_property(&p, text), code, field, text);
}

static void transaction_refused(const char *text, int code, const char *field) {
  rp_transaction t;
  expect_error(parse_transaction(&t, text), code, field, text);
}

static void test_property_empty_body_gets_defaults(void **state) {
  (void)state;
  rp_property p;
  assert_int_equal(parse_property(&p, "{}"), 0);
  assert_int_equal(p.status, RP_PROP_ACTIVE);
  assert_false(p.has_address);
  assert_null(p.mls_id);
  assert_false(p.has_list_price || p.has_close_price || p.has_commission);
  assert_null(p.close_date);
  assert_int_equal(p.n_contacts, 0);
}

static void test_property_full_body_is_normalised(void **state) {
  (void)state;
  rp_property p;
  int rc = parse_property(
      &p,
      "{\"address\": {\"street\": \" 12 Elm St \", \"city\": \"Springfield\", \"country\": \"\"},"
      " \"mls_id\": \"  MLS-42 \", \"status\": \"pending\", \"list_price\": 450000,"
      " \"close_price\": null, \"close_date\": \"2026-12-15\", \"commission\": 13500.5,"
      " \"contacts\": [{\"contact_id\": \"" ANN "\", \"role\": \"seller\"},"
      "              {\"contact_id\": \"0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2C\","
      "               \"role\": \"buyer\"},"
      "              {\"contact_id\": \"" ANN "\", \"role\": \"other\"}]}");
  assert_int_equal(rc, 0);
  assert_true(p.has_address);
  assert_string_equal(p.address.street, "12 Elm St");
  assert_string_equal(p.address.city, "Springfield");
  assert_null(p.address.country);
  assert_string_equal(p.mls_id, "MLS-42");
  assert_int_equal(p.status, RP_PROP_PENDING);
  assert_true(p.has_list_price);
  assert_true(p.list_price == 450000);
  assert_false(p.has_close_price);
  assert_true(p.has_commission);
  assert_true(p.commission == 13500.5);
  /* an open deal keeps the (expected) close date it was given */
  assert_string_equal(p.close_date, "2026-12-15");
  assert_int_equal(p.n_contacts, 3);
  assert_string_equal(p.contacts[0].contact_id, ANN);
  assert_int_equal(p.contacts[0].role, RP_DEAL_SELLER);
  /* ids are lower-cased */
  assert_string_equal(p.contacts[1].contact_id, BOB);
  assert_int_equal(p.contacts[1].role, RP_DEAL_BUYER);
  /* the same contact may take another role */
  assert_int_equal(p.contacts[2].role, RP_DEAL_OTHER);
}

static void test_property_address_of_empty_parts_is_null(void **state) {
  (void)state;
  rp_property p;
  assert_int_equal(parse_property(&p, "{\"address\": {\"street\": \"  \", \"city\": null}}"), 0);
  assert_false(p.has_address);
}

static void test_closed_without_close_date_closes_today(void **state) {
  (void)state;
  rp_property p;
  rp_transaction t;
  assert_int_equal(parse_property(&p, "{\"status\": \"closed\"}"), 0);
  assert_string_equal(p.close_date, "2026-11-24");
  assert_int_equal(parse_transaction(&t, "{\"status\": \"closed\", \"close_date\": null}"), 0);
  assert_string_equal(t.close_date, "2026-11-24");
  /* a close date given is kept */
  assert_int_equal(parse_property(&p, "{\"status\": \"closed\", \"close_date\": \"2026-10-01\"}"),
                   0);
  assert_string_equal(p.close_date, "2026-10-01");
  /* open and dead deals get no date */
  assert_int_equal(parse_property(&p, "{\"status\": \"withdrawn\"}"), 0);
  assert_null(p.close_date);
}

static void test_property_bad_bodies_name_the_field(void **state) {
  (void)state;
  property_refused("{\"color\": \"red\"}", RP_EUNKNOWN_FIELD, "color");
  property_refused("{\"id\": \"x\"}", RP_EINVALID_VALUE, "id");
  property_refused("{\"version\": 1}", RP_EINVALID_VALUE, "version");
  property_refused("{\"created_at\": \"2026-01-01T00:00:00Z\"}", RP_EINVALID_VALUE, "created_at");
  property_refused("{\"status\": \"sold\"}", RP_EINVALID_VALUE, "status");
  property_refused("{\"status\": 3}", RP_EINVALID_VALUE, "status");
  property_refused("{\"status\": \"Active\"}", RP_EINVALID_VALUE, "status");
  property_refused("{\"list_price\": -1}", RP_EINVALID_VALUE, "list_price");
  property_refused("{\"list_price\": \"450000\"}", RP_EINVALID_VALUE, "list_price");
  property_refused("{\"close_price\": 1e300}", RP_EINVALID_VALUE, "close_price");
  property_refused("{\"commission\": true}", RP_EINVALID_VALUE, "commission");
  property_refused("{\"close_date\": \"2026-02-30\"}", RP_EINVALID_VALUE, "close_date");
  property_refused("{\"close_date\": \"2026-11-24T10:00:00Z\"}", RP_EINVALID_VALUE, "close_date");
  property_refused("{\"close_date\": 20261124}", RP_EINVALID_VALUE, "close_date");
  property_refused("{\"mls_id\": 42}", RP_EINVALID_VALUE, "mls_id");
  property_refused("{\"mls_id\": \"a\\nb\"}", RP_EINVALID_VALUE, "mls_id");
  property_refused("{\"address\": \"12 Elm St\"}", RP_EINVALID_VALUE, "address");
  property_refused("{\"address\": {\"zip\": \"12345\"}}", RP_EUNKNOWN_FIELD, "address.zip");
  property_refused("{\"address\": {\"city\": 7}}", RP_EINVALID_VALUE, "address.city");
}

static void test_contacts_bad_bodies_name_the_field(void **state) {
  (void)state;
  property_refused("{\"contacts\": {}}", RP_EINVALID_VALUE, "contacts");
  property_refused("{\"contacts\": [\"" ANN "\"]}", RP_EINVALID_VALUE, "contacts[0]");
  property_refused("{\"contacts\": [{\"contact_id\": \"" ANN "\", \"role\": \"buyer\","
                   " \"share\": 50}]}",
                   RP_EUNKNOWN_FIELD, "contacts[0].share");
  property_refused("{\"contacts\": [{\"role\": \"buyer\"}]}", RP_EINVALID_VALUE,
                   "contacts[0].contact_id");
  property_refused("{\"contacts\": [{\"contact_id\": \"not-an-id\", \"role\": \"buyer\"}]}",
                   RP_EINVALID_VALUE, "contacts[0].contact_id");
  property_refused("{\"contacts\": [{\"contact_id\": \"" ANN "\", \"role\": \"buyer\"},"
                   " {\"contact_id\": \"" BOB "\"}]}",
                   RP_EINVALID_VALUE, "contacts[1].role");
  property_refused("{\"contacts\": [{\"contact_id\": \"" ANN "\", \"role\": \"lender\"}]}",
                   RP_EINVALID_VALUE, "contacts[0].role");
  /* the same contact twice in the same role */
  property_refused("{\"contacts\": [{\"contact_id\": \"" ANN "\", \"role\": \"buyer\"},"
                   " {\"contact_id\": \"" BOB "\", \"role\": \"buyer\"},"
                   " {\"contact_id\": \"" ANN "\", \"role\": \"buyer\"}]}",
                   RP_EINVALID_VALUE, "contacts[2]");
  transaction_refused("{\"contacts\": [{\"contact_id\": 5, \"role\": \"buyer\"}]}",
                      RP_EINVALID_VALUE, "contacts[0].contact_id");
}

static void test_contacts_are_bounded(void **state) {
  (void)state;
  size_t cap = 100 * (RP_DJ_PARTIES_MAX + 2), off = 0;
  char *text = malloc(cap);
  off += (size_t)snprintf(text + off, cap - off, "{\"contacts\": [");
  for (int i = 0; i <= RP_DJ_PARTIES_MAX; i++)
    off += (size_t)snprintf(text + off, cap - off,
                            "%s{\"contact_id\": \"0190a1b2-c3d4-7e5f-8a6b-%012d\","
                            " \"role\": \"other\"}",
                            i ? "," : "", i);
  snprintf(text + off, cap - off, "]}");
  property_refused(text, RP_EINVALID_VALUE, "contacts");
  free(text);
}

static void test_transaction_body(void **state) {
  (void)state;
  rp_transaction t;
  assert_int_equal(parse_transaction(&t, "{}"), 0);
  assert_int_equal(t.status, RP_TX_PENDING);
  assert_null(t.property_id);
  assert_false(t.has_price || t.has_commission);
  int rc = parse_transaction(
      &t, "{\"property_id\": \"0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B\", \"status\":"
          " \"clear_to_close\", \"price\": 0, \"commission\": 12000,"
          " \"contacts\": [{\"contact_id\": \"" BOB "\", \"role\": \"buyer\"}]}");
  assert_int_equal(rc, 0);
  assert_string_equal(t.property_id, ANN);
  assert_int_equal(t.status, RP_TX_CLEAR_TO_CLOSE);
  assert_true(t.has_price);
  assert_true(t.price == 0);
  assert_true(t.commission == 12000);
  assert_int_equal(t.n_contacts, 1);
}

static void test_transaction_bad_bodies_name_the_field(void **state) {
  (void)state;
  transaction_refused("{\"list_price\": 1}", RP_EUNKNOWN_FIELD, "list_price");
  transaction_refused("{\"mls_id\": \"x\"}", RP_EUNKNOWN_FIELD, "mls_id");
  transaction_refused("{\"updated_at\": null}", RP_EINVALID_VALUE, "updated_at");
  transaction_refused("{\"status\": \"active\"}", RP_EINVALID_VALUE, "status");
  transaction_refused("{\"property_id\": \"12\"}", RP_EINVALID_VALUE, "property_id");
  transaction_refused("{\"property_id\": 12}", RP_EINVALID_VALUE, "property_id");
  transaction_refused("{\"price\": -0.01}", RP_EINVALID_VALUE, "price");
  transaction_refused("{\"close_date\": \"24/11/2026\"}", RP_EINVALID_VALUE, "close_date");
}

static void expect_keys(json_t *o, const char *const *keys, size_t n) {
  assert_int_equal(json_object_size(o), n);
  size_t i = 0;
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    assert_string_equal(k, keys[i]);
    i++;
  }
}

static void test_property_renders_every_key_and_round_trips(void **state) {
  (void)state;
  static const char *const keys[] = {"id",         "version",    "address",     "mls_id",
                                     "status",     "list_price", "close_price", "close_date",
                                     "commission", "contacts",   "created_at",  "updated_at"};
  rp_property p;
  assert_int_equal(
      parse_property(&p, "{\"address\": {\"city\": \"Springfield\"}, \"status\": \"closed\","
                         " \"list_price\": 450000, \"close_price\": 440000.5,"
                         " \"contacts\": [{\"contact_id\": \"" ANN "\", \"role\": \"seller\"}]}"),
      0);
  snprintf(p.id, sizeof p.id, "%s", BOB);
  p.version = 3;
  p.created_at = p.updated_at = now;
  json_t *o = rp_property_to_json(&p);
  expect_keys(o, keys, sizeof keys / sizeof keys[0]);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "closed");
  assert_string_equal(json_string_value(json_object_get(o, "close_date")), "2026-11-24");
  assert_true(json_is_integer(json_object_get(o, "list_price")));
  assert_true(json_real_value(json_object_get(o, "close_price")) == 440000.5);
  assert_true(json_is_null(json_object_get(o, "commission")));
  assert_true(json_is_null(json_object_get(o, "mls_id")));
  assert_string_equal(json_string_value(json_object_get(json_object_get(o, "address"), "city")),
                      "Springfield");
  assert_true(json_is_null(json_object_get(json_object_get(o, "address"), "street")));
  assert_string_equal(json_string_value(json_object_get(o, "created_at")), "2026-11-24T14:05:00Z");
  json_t *c0 = json_array_get(json_object_get(o, "contacts"), 0);
  assert_string_equal(json_string_value(json_object_get(c0, "contact_id")), ANN);
  assert_string_equal(json_string_value(json_object_get(c0, "role")), "seller");
  /* what a client reads it can send back, without the read-only keys */
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (rp_deal_key_readonly(keys[i])) json_object_del(o, keys[i]);
  rp_property back;
  rp_error_clear();
  assert_int_equal(rp_property_from_json(&back, o, now, &ar), 0);
  assert_int_equal(back.status, p.status);
  assert_true(back.close_price == p.close_price);
  assert_int_equal(back.n_contacts, 1);
  json_decref(o);
  /* no address renders as null */
  rp_property empty;
  assert_int_equal(parse_property(&empty, "{}"), 0);
  o = rp_property_to_json(&empty);
  assert_true(json_is_null(json_object_get(o, "address")));
  assert_int_equal(json_array_size(json_object_get(o, "contacts")), 0);
  json_decref(o);
}

static void test_transaction_renders_every_key(void **state) {
  (void)state;
  static const char *const keys[] = {"id",         "version",    "property_id", "status",
                                     "price",      "close_date", "commission",  "contacts",
                                     "created_at", "updated_at"};
  rp_transaction t;
  assert_int_equal(parse_transaction(&t, "{\"property_id\": \"" ANN "\", \"price\": 300000}"), 0);
  json_t *o = rp_transaction_to_json(&t);
  expect_keys(o, keys, sizeof keys / sizeof keys[0]);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "pending");
  assert_string_equal(json_string_value(json_object_get(o, "property_id")), ANN);
  assert_int_equal(json_integer_value(json_object_get(o, "price")), 300000);
  json_decref(o);
}

static void test_timeline_places_closed_deal_at_close_date(void **state) {
  (void)state;
  rp_property p;
  rp_time day;
  assert_int_equal(parse_property(&p, "{\"status\": \"closed\", \"close_date\": \"2026-03-05\"}"),
                   0);
  p.created_at = now;
  assert_int_equal(rp_date_parse(&day, "2026-03-05", 10), 0);
  assert_true(rp_property_timeline_at(&p) == day);
  /* open: its creation, even with an expected close date */
  p.status = RP_PROP_ACTIVE;
  assert_true(rp_property_timeline_at(&p) == now);
  rp_transaction t;
  assert_int_equal(
      parse_transaction(&t, "{\"status\": \"closed\", \"close_date\": \"2026-03-05\"}"), 0);
  t.created_at = now;
  assert_true(rp_transaction_timeline_at(&t) == day);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_property_empty_body_gets_defaults, teardown),
      cmocka_unit_test_teardown(test_property_full_body_is_normalised, teardown),
      cmocka_unit_test_teardown(test_property_address_of_empty_parts_is_null, teardown),
      cmocka_unit_test_teardown(test_closed_without_close_date_closes_today, teardown),
      cmocka_unit_test_teardown(test_property_bad_bodies_name_the_field, teardown),
      cmocka_unit_test_teardown(test_contacts_bad_bodies_name_the_field, teardown),
      cmocka_unit_test_teardown(test_contacts_are_bounded, teardown),
      cmocka_unit_test_teardown(test_transaction_body, teardown),
      cmocka_unit_test_teardown(test_transaction_bad_bodies_name_the_field, teardown),
      cmocka_unit_test_teardown(test_property_renders_every_key_and_round_trips, teardown),
      cmocka_unit_test_teardown(test_transaction_renders_every_key, teardown),
      cmocka_unit_test_teardown(test_timeline_places_closed_deal_at_close_date, teardown),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
