/* test_contact_json.c: the contact and activity bodies of API.md as a client
 * sends them: good bodies parse with their values normalised, each kind of
 * bad body is refused with the error code and the field path a client
 * sees; the rendered object has every key of API.md in order; PATCH merge
 * patches behave as RFC 7396 says. No server, no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/contact_json.h"
#include "util/arena.h"
#include "util/error.h"

static rp_arena ar;

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

/* Parses text as a contact body (default region US). */
static int parse(rp_contact *c, rp_contact_given *g, const char *text) {
  json_t *v = load(text);
  rp_error_clear();
  int rc = rp_contact_from_json(c, g, v, "US", &ar);
  json_decref(v);
  return rc;
}

/* Asserts that text is refused with code and the error field path want. */
static void assert_refused(const char *text, int code, const char *want) {
  rp_contact c;
  int rc = parse(&c, NULL, text);
  if (rc != code || strcmp(rp_error_last()->field, want) != 0)
    fail_msg("%s: want %d field '%s', got %d field '%s' (%s)", text, code, want, rc,
             rp_error_last()->field, rp_error_last()->message);
}

static void test_minimal_body_gets_defaults(void **state) {
  (void)state;
  rp_contact c;
  rp_contact_given g;
  assert_int_equal(parse(&c, &g, "{\"first_name\": \"  Ann  \"}"), 0);
  assert_string_equal(c.first_name, "Ann");
  assert_null(c.last_name);
  assert_int_equal(c.type, RP_TYPE_CLIENT);
  assert_int_equal(c.category, RP_CATEGORY_NONE);
  assert_int_equal(c.intent, RP_INTENT_NONE);
  assert_string_equal(c.custom_json, "{}");
  assert_false(c.has_address);
  assert_false(c.has_budget);
  assert_false(g.status || g.stage || g.category || g.type);
}

static void test_full_body_is_normalised(void **state) {
  (void)state;
  rp_contact c;
  rp_contact_given g;
  int rc =
      parse(&c, &g,
            "{\"first_name\": \"Zoë\", \"last_name\": \"Dvořák\","
            " \"emails\": [{\"address\": \" Zoe@Example.COM \", \"label\": \"home\"},"
            "              {\"address\": \"zoe@example.com\"}, {\"address\": \"z@work.example\"}],"
            " \"phones\": [{\"number\": \"(415) 555-0132\", \"label\": \"mobile\"},"
            "              {\"number\": \"+44 20 7946 0958\"}],"
            " \"address\": {\"city\": \" Springfield \", \"street\": \"\"},"
            " \"website\": \"example.com/zoe\", \"social\": [\"HTTPS://social.example/z\"],"
            " \"birthday\": \"--02-29\", \"anniversary\": \"2005-06-15\","
            " \"custom\": {\"shoe\": \"blue\", \"floor\": 3, \"gone\": null},"
            " \"status\": \"lead\", \"category\": \"b\", \"type\": \"personal\","
            " \"intent\": \"buy_sell\", \"timeframe\": \"2027-06-01\", \"budget\": 650000.5,"
            " \"tags\": [\"Golf\", \"golf\", \" School-District \"], \"sms_opt_out\": true,"
            " \"contact_interval_days\": 45, \"notes\": \"line one\\nline two\","
            " \"owner_id\": \"0193A5B0-0000-7000-8000-0000000000AA\", \"known_since\": null}");
  if (rc) fail_msg("refused: %s (%s)", rp_error_last()->message, rp_error_last()->field);
  /* emails: kept as typed (trimmed), duplicates by matching key dropped */
  assert_int_equal(c.n_emails, 2);
  assert_string_equal(c.emails[0].address, "Zoe@Example.COM");
  assert_string_equal(c.emails[0].label, "home");
  assert_string_equal(c.emails[1].address, "z@work.example");
  assert_null(c.emails[1].label);
  assert_int_equal(c.n_phones, 2);
  assert_string_equal(c.phones[0].number, "+14155550132");
  assert_string_equal(c.phones[1].number, "+442079460958");
  assert_true(c.has_address);
  assert_string_equal(c.address.city, "Springfield");
  assert_null(c.address.street);
  assert_string_equal(c.website, "https://example.com/zoe");
  assert_string_equal(c.social[0], "https://social.example/z");
  assert_string_equal(c.birthday, "--02-29");
  assert_string_equal(c.custom_json, "{\"shoe\":\"blue\",\"floor\":3}");
  assert_int_equal(c.status, RP_STATUS_LEAD);
  assert_true(g.status && g.category && g.type && !g.stage);
  assert_int_equal(c.intent, RP_INTENT_BUY_SELL);
  assert_true(c.has_budget);
  assert_true(c.budget == 650000.5);
  assert_int_equal(c.n_tags, 2);
  assert_string_equal(c.tags[0], "golf");
  assert_string_equal(c.tags[1], "school-district");
  assert_true(c.sms_opt_out);
  assert_false(c.email_opt_out);
  assert_int_equal(c.contact_interval_days, 45);
  assert_string_equal(c.notes, "line one\nline two");
  assert_string_equal(c.owner_id, "0193a5b0-0000-7000-8000-0000000000aa");
  assert_null(c.known_since);
}

static void test_unknown_key_is_unknown_field(void **state) {
  (void)state;
  assert_refused("{\"first_name\": \"A\", \"nickname\": \"Al\"}", RP_EUNKNOWN_FIELD, "nickname");
  assert_refused("{\"emails\": [{\"address\": \"a@b.co\", \"kind\": \"x\"}]}", RP_EUNKNOWN_FIELD,
                 "emails[0].kind");
  assert_refused("{\"first_name\": \"A\", \"address\": {\"town\": \"X\"}}", RP_EUNKNOWN_FIELD,
                 "address.town");
}

static void test_wrong_type_names_the_path(void **state) {
  (void)state;
  assert_refused("{\"first_name\": 5}", RP_EINVALID_VALUE, "first_name");
  assert_refused("{\"first_name\": \"A\", \"address\": {\"city\": 5}}", RP_EINVALID_VALUE,
                 "address.city");
  assert_refused("{\"first_name\": \"A\", \"tags\": [\"a\", \"b\", \"c\", 7]}", RP_EINVALID_VALUE,
                 "tags[3]");
  assert_refused("{\"emails\": [{\"address\": \"a@b.co\"}, {\"address\": 5}]}", RP_EINVALID_VALUE,
                 "emails[1].address");
  assert_refused("{\"first_name\": \"A\", \"emails\": \"a@b.co\"}", RP_EINVALID_VALUE, "emails");
  assert_refused("{\"first_name\": \"A\", \"phones\": [\"+14155550132\"]}", RP_EINVALID_VALUE,
                 "phones[0]");
  assert_refused("{\"first_name\": \"A\", \"budget\": \"lots\"}", RP_EINVALID_VALUE, "budget");
  assert_refused("{\"first_name\": \"A\", \"budget\": -1}", RP_EINVALID_VALUE, "budget");
  assert_refused("{\"first_name\": \"A\", \"sms_opt_out\": \"yes\"}", RP_EINVALID_VALUE,
                 "sms_opt_out");
  assert_refused("{\"first_name\": \"A\", \"contact_interval_days\": 0}", RP_EINVALID_VALUE,
                 "contact_interval_days");
  assert_refused("{\"first_name\": \"A\", \"contact_interval_days\": 7.5}", RP_EINVALID_VALUE,
                 "contact_interval_days");
  assert_refused("{\"first_name\": \"A\", \"custom\": {\"pets\": [\"dog\"]}}", RP_EINVALID_VALUE,
                 "custom.pets");
  assert_refused("{\"first_name\": \"A\", \"custom\": []}", RP_EINVALID_VALUE, "custom");
  assert_refused("{\"first_name\": \"A\", \"referred_by\": \"bob\"}", RP_EINVALID_VALUE,
                 "referred_by");
  assert_refused("{\"first_name\": \"A\", \"website\": \"ftp://files.example\"}", RP_EINVALID_VALUE,
                 "website");
  assert_refused("{\"first_name\": \"A\", \"social\": [\"not a url\"]}", RP_EINVALID_VALUE,
                 "social[0]");
}

static void test_read_only_key_is_refused(void **state) {
  (void)state;
  const char *keys[] = {"id",         "version",       "display_name", "referral_count",
                        "score",      "last_touch_at", "overdue",      "created_at",
                        "updated_at", "archived_at"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char body[128];
    snprintf(body, sizeof body, "{\"first_name\": \"A\", \"%s\": null}", keys[i]);
    assert_refused(body, RP_EINVALID_VALUE, keys[i]);
    assert_non_null(strstr(rp_error_last()->message, "read-only"));
  }
}

static void test_contact_without_identity_is_validation_failed(void **state) {
  (void)state;
  assert_refused("{}", RP_EVALIDATION, "");
  assert_refused("{\"first_name\": \"   \", \"notes\": \"hello\", \"emails\": []}", RP_EVALIDATION,
                 "");
  rp_contact c;
  assert_int_equal(parse(&c, NULL, "{\"company\": \"Acme\"}"), 0);
  assert_int_equal(parse(&c, NULL, "{\"phones\": [{\"number\": \"415 555 0132\"}]}"), 0);
  assert_int_equal(parse(&c, NULL, "{\"emails\": [{\"address\": \"a@b.co\"}]}"), 0);
}

static void test_bad_email_names_its_index(void **state) {
  (void)state;
  assert_refused("{\"emails\": [{\"address\": \"a@b.co\"}, {\"address\": \"not-an-email\"}]}",
                 RP_EINVALID_VALUE, "emails[1].address");
  assert_true(strlen(rp_error_last()->message) > 0);
  assert_refused("{\"emails\": [{\"label\": \"home\"}]}", RP_EINVALID_VALUE, "emails[0].address");
}

static void test_bad_phone_names_its_index(void **state) {
  (void)state;
  assert_refused("{\"first_name\": \"A\", \"phones\": [{\"number\": \"call me maybe\"}]}",
                 RP_EINVALID_VALUE, "phones[0].number");
  assert_refused("{\"first_name\": \"A\", \"phones\": [{\"number\": \"+14155550132\"}, "
                 "{\"number\": \"12\"}]}",
                 RP_EINVALID_VALUE, "phones[1].number");
}

static void test_default_region_completes_local_numbers(void **state) {
  (void)state;
  json_t *v = load("{\"phones\": [{\"number\": \"020 7946 0958\"}]}");
  rp_contact c;
  assert_int_equal(rp_contact_from_json(&c, NULL, v, "GB", &ar), 0);
  assert_string_equal(c.phones[0].number, "+442079460958");
  json_decref(v);
}

static void test_bad_enum_lists_the_allowed_values(void **state) {
  (void)state;
  assert_refused("{\"first_name\": \"A\", \"status\": \"friend\"}", RP_EINVALID_VALUE, "status");
  assert_non_null(strstr(rp_error_last()->message, "suspect"));
  assert_non_null(strstr(rp_error_last()->message, "past_client"));
  assert_refused("{\"first_name\": \"A\", \"stage\": \"Aware\"}", RP_EINVALID_VALUE, "stage");
  assert_refused("{\"first_name\": \"A\", \"category\": \"e\"}", RP_EINVALID_VALUE, "category");
  assert_refused("{\"first_name\": \"A\", \"type\": 3}", RP_EINVALID_VALUE, "type");
  assert_refused("{\"first_name\": \"A\", \"intent\": \"rent\"}", RP_EINVALID_VALUE, "intent");
}

static void test_too_long_values_are_refused(void **state) {
  (void)state;
  char *body = malloc(80000);
  char name[201 * 2 + 1];
  /* 200 characters of two bytes each pass, 201 do not */
  for (int i = 0; i < 200; i++)
    memcpy(name + 2 * i, "é", 2);
  name[400] = '\0';
  rp_contact c;
  snprintf(body, 80000, "{\"first_name\": \"%s\"}", name);
  assert_int_equal(parse(&c, NULL, body), 0);
  snprintf(body, 80000, "{\"first_name\": \"%sx\"}", name);
  assert_refused(body, RP_EINVALID_VALUE, "first_name");

  int off = snprintf(body, 80000, "{\"first_name\": \"A\", \"notes\": \"");
  memset(body + off, 'n', 65537);
  snprintf(body + off + 65537, 80000 - (size_t)off - 65537, "\"}");
  assert_refused(body, RP_EINVALID_VALUE, "notes");

  char tag[70];
  memset(tag, 't', 65);
  tag[65] = '\0';
  snprintf(body, 80000, "{\"first_name\": \"A\", \"tags\": [\"ok\", \"%s\"]}", tag);
  assert_refused(body, RP_EINVALID_VALUE, "tags[1]");

  off = snprintf(body, 80000, "{\"first_name\": \"A\", \"tags\": [");
  for (int i = 0; i < 101; i++)
    off += snprintf(body + off, 80000 - (size_t)off, "%s\"t%d\"", i ? "," : "", i);
  snprintf(body + off, 80000 - (size_t)off, "]}");
  assert_refused(body, RP_EINVALID_VALUE, "tags");

  off = snprintf(body, 80000, "{\"first_name\": \"A\", \"emails\": [");
  for (int i = 0; i < 21; i++)
    off +=
        snprintf(body + off, 80000 - (size_t)off, "%s{\"address\": \"a%d@b.co\"}", i ? "," : "", i);
  snprintf(body + off, 80000 - (size_t)off, "]}");
  assert_refused(body, RP_EINVALID_VALUE, "emails");

  off = snprintf(body, 80000, "{\"first_name\": \"A\", \"custom\": {");
  for (int i = 0; i < 51; i++)
    off += snprintf(body + off, 80000 - (size_t)off, "%s\"k%d\": 1", i ? "," : "", i);
  snprintf(body + off, 80000 - (size_t)off, "}}");
  assert_refused(body, RP_EINVALID_VALUE, "custom");
  free(body);
}

static void test_bad_dates_are_refused(void **state) {
  (void)state;
  assert_refused("{\"first_name\": \"A\", \"timeframe\": \"2026-02-30\"}", RP_EINVALID_VALUE,
                 "timeframe");
  assert_refused("{\"first_name\": \"A\", \"known_since\": \"2026/01/01\"}", RP_EINVALID_VALUE,
                 "known_since");
  assert_refused("{\"first_name\": \"A\", \"last_sale_date\": \"--01-01\"}", RP_EINVALID_VALUE,
                 "last_sale_date");
  assert_refused("{\"first_name\": \"A\", \"birthday\": \"--13-01\"}", RP_EINVALID_VALUE,
                 "birthday");
  assert_refused("{\"first_name\": \"A\", \"anniversary\": \"2023-02-29\"}", RP_EINVALID_VALUE,
                 "anniversary");
  rp_contact c;
  assert_int_equal(parse(&c, NULL, "{\"first_name\": \"A\", \"birthday\": \"2024-02-29\"}"), 0);
}

static const char *const contact_keys[] = {
    "id",
    "version",
    "first_name",
    "last_name",
    "display_name",
    "emails",
    "phones",
    "address",
    "company",
    "website",
    "social",
    "birthday",
    "anniversary",
    "partner",
    "children",
    "pets",
    "interests",
    "notes",
    "custom",
    "status",
    "stage",
    "category",
    "type",
    "intent",
    "timeframe",
    "budget",
    "tags",
    "source",
    "referred_by",
    "referral_count",
    "known_since",
    "last_purchase_date",
    "last_sale_date",
    "contact_interval_days",
    "sms_opt_out",
    "email_opt_out",
    "owner_id",
    "score",
    "last_touch_at",
    "overdue",
    "created_at",
    "updated_at",
    "archived_at",
};

static void test_output_has_every_key_in_order(void **state) {
  (void)state;
  rp_contact c;
  assert_int_equal(parse(&c, NULL, "{\"company\": \"Acme\"}"), 0);
  json_t *o = rp_contact_to_json(&c);
  size_t n = sizeof contact_keys / sizeof contact_keys[0];
  assert_int_equal(json_object_size(o), n);
  size_t i = 0;
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    assert_string_equal(k, contact_keys[i]);
    i++;
  }
  assert_true(json_is_null(json_object_get(o, "first_name")));
  assert_true(json_is_null(json_object_get(o, "address")));
  assert_true(json_is_array(json_object_get(o, "emails")));
  assert_true(json_is_array(json_object_get(o, "tags")));
  assert_true(json_is_object(json_object_get(o, "custom")));
  assert_true(json_is_real(json_object_get(o, "score")));
  assert_true(json_is_false(json_object_get(o, "overdue")));
  json_decref(o);
}

static void test_output_times_scores_and_arrays(void **state) {
  (void)state;
  rp_contact c;
  assert_int_equal(parse(&c, NULL,
                         "{\"first_name\": \"A\", \"address\": {\"city\": \"X\"},"
                         " \"emails\": [{\"address\": \"a@b.co\"}], \"budget\": 300000}"),
                   0);
  c.created_at = 1795529100; /* 2026-11-24T14:05:00Z */
  c.score = 42.26;
  json_t *o = rp_contact_to_json(&c);
  assert_string_equal(json_string_value(json_object_get(o, "created_at")), "2026-11-24T14:05:00Z");
  assert_true(json_is_null(json_object_get(o, "archived_at")));
  assert_true(json_real_value(json_object_get(o, "score")) == 42.3);
  assert_true(json_is_integer(json_object_get(o, "budget")));
  json_t *addr = json_object_get(o, "address");
  assert_int_equal(json_object_size(addr), 5);
  assert_true(json_is_null(json_object_get(addr, "street")));
  json_t *e0 = json_array_get(json_object_get(o, "emails"), 0);
  assert_string_equal(json_string_value(json_object_get(e0, "address")), "a@b.co");
  assert_true(json_is_null(json_object_get(e0, "label")));
  json_decref(o);
}

/* The client reads, merges a patch, sends it back: what PATCH does. */
static json_t *patched(const char *current, const char *patch) {
  json_t *cur = load(current), *p = load(patch);
  json_t *out = rp_json_merge_patch(cur, p);
  json_decref(p);
  return out;
}

static void test_merge_patch_null_removes(void **state) {
  (void)state;
  json_t *m =
      patched("{\"a\": 1, \"b\": 2, \"c\": {\"d\": 3}}", "{\"a\": null, \"c\": {\"d\": null}}");
  json_t *want = load("{\"b\": 2, \"c\": {}}");
  assert_true(json_equal(m, want));
  json_decref(m);
  json_decref(want);
}

static void test_merge_patch_merges_nested_address(void **state) {
  (void)state;
  json_t *m =
      patched("{\"first_name\": \"M\", \"address\": {\"street\": \"2 Elm\", \"city\": \"Old\"}}",
              "{\"address\": {\"city\": \"New\"}}");
  json_t *want =
      load("{\"first_name\": \"M\", \"address\": {\"street\": \"2 Elm\", \"city\": \"New\"}}");
  assert_true(json_equal(m, want));
  json_decref(m);
  json_decref(want);
  /* a missing or null object is created */
  m = patched("{\"address\": null}", "{\"address\": {\"city\": \"New\", \"region\": null}}");
  want = load("{\"address\": {\"city\": \"New\"}}");
  assert_true(json_equal(m, want));
  json_decref(m);
  json_decref(want);
}

static void test_merge_patch_replaces_arrays(void **state) {
  (void)state;
  json_t *m = patched("{\"tags\": [\"a\", \"b\"], \"emails\": [{\"address\": \"x@y.co\"}]}",
                      "{\"tags\": [\"c\"], \"emails\": []}");
  json_t *want = load("{\"tags\": [\"c\"], \"emails\": []}");
  assert_true(json_equal(m, want));
  json_decref(m);
  json_decref(want);
}

static void test_patch_round_trip_through_the_parser(void **state) {
  (void)state;
  rp_contact c, n;
  rp_contact_given g;
  assert_int_equal(
      parse(&c, NULL,
            "{\"first_name\": \"Mira\", \"last_name\": \"P\", \"tags\": [\"a1\", \"b2\"],"
            " \"address\": {\"street\": \"2 Elm\", \"city\": \"Old\"},"
            " \"custom\": {\"k1\": \"v1\", \"k2\": \"v2\"}}"),
      0);
  json_t *cur = rp_contact_to_json(&c);
  json_t *patch =
      load("{\"last_name\": null, \"tags\": [\"C3\"], \"address\": {\"city\": \"New\"},"
           " \"custom\": {\"k1\": null, \"k3\": \"v3\"}, \"score\": 0, \"version\": 0}");
  /* read-only keys sent back unchanged pass (0 == 0.0) */
  assert_int_equal(rp_json_check_readonly(patch, cur, rp_contact_key_readonly), 0);
  json_t *m = rp_json_merge_patch(json_deep_copy(cur), patch);
  for (size_t i = 0; i < sizeof contact_keys / sizeof contact_keys[0]; i++)
    if (rp_contact_key_readonly(contact_keys[i])) json_object_del(m, contact_keys[i]);
  assert_int_equal(rp_contact_from_json(&n, &g, m, "US", &ar), 0);
  assert_string_equal(n.first_name, "Mira");
  assert_null(n.last_name);
  assert_int_equal(n.n_tags, 1);
  assert_string_equal(n.tags[0], "c3");
  assert_string_equal(n.address.street, "2 Elm");
  assert_string_equal(n.address.city, "New");
  assert_string_equal(n.custom_json, "{\"k2\":\"v2\",\"k3\":\"v3\"}");
  json_decref(m);
  json_decref(patch);
  /* a read-only key with another value is refused, naming it */
  patch = load("{\"score\": 99}");
  rp_error_clear();
  assert_int_equal(rp_json_check_readonly(patch, cur, rp_contact_key_readonly), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->field, "score");
  json_decref(patch);
  json_decref(cur);
}

static int parse_activity(rp_activity *a, const char *text) {
  json_t *v = load(text);
  rp_error_clear();
  int rc = rp_activity_from_json(a, v, 1795529100, &ar);
  json_decref(v);
  return rc;
}

#define CID "\"contact_id\": \"0193a5b0-0000-7000-8000-0000000000aa\""

static void test_activity_defaults(void **state) {
  (void)state;
  rp_activity a;
  assert_int_equal(parse_activity(&a, "{" CID ", \"kind\": \"call\"}"), 0);
  assert_int_equal(a.direction, RP_DIR_OUTBOUND);
  assert_int_equal(a.occurred_at, 1795529100);
  assert_int_equal(a.importance, RP_IMPORTANCE_NORMAL);
  assert_int_equal(a.duration_s, -1);
  assert_int_equal(parse_activity(&a, "{" CID ", \"kind\": \"web\"}"), 0);
  assert_int_equal(a.direction, RP_DIR_INBOUND);
  assert_int_equal(parse_activity(&a, "{" CID ", \"kind\": \"meal\"}"), 0);
  assert_int_equal(a.direction, RP_DIR_NONE);
  assert_int_equal(parse_activity(&a, "{" CID ", \"kind\": \"email\", \"direction\": \"none\","
                                      " \"occurred_at\": \"2026-11-24T15:05:00+01:00\","
                                      " \"duration_s\": 0, \"importance\": \"high\"}"),
                   0);
  assert_int_equal(a.occurred_at, 1795529100);
  assert_int_equal(a.duration_s, 0);
  assert_int_equal(a.importance, RP_IMPORTANCE_HIGH);
  json_t *o = rp_activity_to_json(&a);
  assert_string_equal(json_string_value(json_object_get(o, "occurred_at")), "2026-11-24T14:05:00Z");
  assert_string_equal(json_string_value(json_object_get(o, "direction")), "none");
  assert_int_equal(json_object_size(o), 13);
  json_decref(o);
}

static void test_activity_bad_bodies(void **state) {
  (void)state;
  rp_activity a;
  struct {
    const char *body;
    int code;
    const char *field;
  } cases[] = {
      {"{\"kind\": \"call\"}", RP_EINVALID_VALUE, "contact_id"},
      {"{\"contact_id\": 42, \"kind\": \"call\"}", RP_EINVALID_VALUE, "contact_id"},
      {"{" CID "}", RP_EINVALID_VALUE, "kind"},
      {"{" CID ", \"kind\": \"telegram\"}", RP_EINVALID_VALUE, "kind"},
      {"{" CID ", \"kind\": \"web\", \"direction\": \"outbound\"}", RP_EINVALID_VALUE, "direction"},
      {"{" CID ", \"kind\": \"call\", \"direction\": \"sideways\"}", RP_EINVALID_VALUE,
       "direction"},
      {"{" CID ", \"kind\": \"call\", \"occurred_at\": \"yesterday\"}", RP_EINVALID_VALUE,
       "occurred_at"},
      {"{" CID ", \"kind\": \"call\", \"duration_s\": -5}", RP_EINVALID_VALUE, "duration_s"},
      {"{" CID ", \"kind\": \"call\", \"duration_s\": \"long\"}", RP_EINVALID_VALUE, "duration_s"},
      {"{" CID ", \"kind\": \"call\", \"importance\": \"urgent\"}", RP_EINVALID_VALUE,
       "importance"},
      {"{" CID ", \"kind\": \"call\", \"mood\": \"happy\"}", RP_EUNKNOWN_FIELD, "mood"},
      {"{" CID ", \"kind\": \"call\", \"created_at\": null}", RP_EINVALID_VALUE, "created_at"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc = parse_activity(&a, cases[i].body);
    if (rc != cases[i].code || strcmp(rp_error_last()->field, cases[i].field) != 0)
      fail_msg("%s: want %d '%s', got %d '%s' (%s)", cases[i].body, cases[i].code, cases[i].field,
               rc, rp_error_last()->field, rp_error_last()->message);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_minimal_body_gets_defaults, teardown),
      cmocka_unit_test_teardown(test_full_body_is_normalised, teardown),
      cmocka_unit_test_teardown(test_unknown_key_is_unknown_field, teardown),
      cmocka_unit_test_teardown(test_wrong_type_names_the_path, teardown),
      cmocka_unit_test_teardown(test_read_only_key_is_refused, teardown),
      cmocka_unit_test_teardown(test_contact_without_identity_is_validation_failed, teardown),
      cmocka_unit_test_teardown(test_bad_email_names_its_index, teardown),
      cmocka_unit_test_teardown(test_bad_phone_names_its_index, teardown),
      cmocka_unit_test_teardown(test_default_region_completes_local_numbers, teardown),
      cmocka_unit_test_teardown(test_bad_enum_lists_the_allowed_values, teardown),
      cmocka_unit_test_teardown(test_too_long_values_are_refused, teardown),
      cmocka_unit_test_teardown(test_bad_dates_are_refused, teardown),
      cmocka_unit_test_teardown(test_output_has_every_key_in_order, teardown),
      cmocka_unit_test_teardown(test_output_times_scores_and_arrays, teardown),
      cmocka_unit_test_teardown(test_merge_patch_null_removes, teardown),
      cmocka_unit_test_teardown(test_merge_patch_merges_nested_address, teardown),
      cmocka_unit_test_teardown(test_merge_patch_replaces_arrays, teardown),
      cmocka_unit_test_teardown(test_patch_round_trip_through_the_parser, teardown),
      cmocka_unit_test_teardown(test_activity_defaults, teardown),
      cmocka_unit_test_teardown(test_activity_bad_bodies, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
