/* settings_json.c: the settings object of API.md Settings: defaults,
 * validation and the one-level merge of a PUT. No I/O. */
#include "http/settings_json.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/phone.h"
#include "util/error.h"
#include "util/json_write.h"
#include "util/tz.h"
#include "util/uuid.h"

#define PATH_LEN 96

static const char *const week[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

json_t *rp_settings_defaults(const char *default_region) {
  return json_pack("{s:s, s:{s:s, s:s, s:[s,s,s,s,s]}, s:s, s:s, s:I, s:f,"
                   " s:{s:b, s:b, s:b, s:b}, s:{s:s, s:[]}, s:{}}",
                   "timezone", "UTC",                                //
                   "office_hours", "start", "09:00", "end", "18:00", //
                   "days", "mon", "tue", "wed", "thu", "fri",        //
                   "default_region",
                   default_region && *default_region ? default_region : "US", //
                   "currency", "USD",                                         //
                   "default_commission", (json_int_t)7500,                    //
                   "valuation_multiple", 1.0,                                 //
                   "automation", "status_rules", 1, "stage_rules", 1,         //
                   "category_rules", 1, "workflows", 1,                       //
                   "routing", "mode", "owner", "agent_ids",                   //
                   "scoring");
}

/* ---- value checkers: each validates v and sets *norm (a new reference)
 * to the value to keep ---- */

typedef int (*checker)(json_t **norm, const json_t *v, const char *path);

static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool digit(char c) { return c >= '0' && c <= '9'; }

/* A zone of the IANA time zone database that this machine has ("UTC",
 * "America/New_York", "Asia/Kolkata"): util/tz.h loads it, so a zone kept
 * here is one the daily job can use. */
static int check_timezone(json_t **norm, const json_t *v, const char *path) {
  const char *s = json_string_value(v);
  if (!s)
    return rp_error_set(RP_EINVALID_VALUE, path,
                        "must be a string: \"UTC\" or an IANA time zone such as "
                        "\"America/New_York\"");
  if (json_string_length(v) != strlen(s) || !rp_tz_valid(s))
    return rp_error_set(RP_EINVALID_VALUE, path,
                        "unknown timezone \"%.64s\": use \"UTC\" or an IANA time zone such as "
                        "\"America/New_York\"",
                        s);
  *norm = json_string(s);
  return 0;
}

/* "HH:MM", 00:00 to 23:59. */
static int check_hhmm(json_t **norm, const json_t *v, const char *path) {
  const char *s = json_string_value(v);
  if (!s || json_string_length(v) != 5 || !digit(s[0]) || !digit(s[1]) || s[2] != ':' ||
      !digit(s[3]) || !digit(s[4]) || (s[0] - '0') * 10 + (s[1] - '0') > 23 || s[3] > '5')
    return rp_error_set(RP_EINVALID_VALUE, path, "must be a time HH:MM from 00:00 to 23:59");
  *norm = json_string(s);
  return 0;
}

/* Days of the week from mon..sun, without repeats; kept in week order. */
static int check_days(json_t **norm, const json_t *v, const char *path) {
  char p[PATH_LEN];
  bool has[7] = {false};
  if (!json_is_array(v))
    return rp_error_set(RP_EINVALID_VALUE, path, "must be an array of days mon..sun");
  for (size_t i = 0; i < json_array_size(v); i++) {
    const char *s = json_string_value(json_array_get(v, i));
    size_t d = 0;
    while (s && d < 7 && strcmp(week[d], s) != 0)
      d++;
    snprintf(p, sizeof p, "%s[%zu]", path, i);
    if (!s || d == 7)
      return rp_error_set(RP_EINVALID_VALUE, p,
                          "must be one of: mon, tue, wed, thu, fri, sat, sun");
    if (has[d]) return rp_error_set(RP_EINVALID_VALUE, p, "repeats %s", week[d]);
    has[d] = true;
  }
  json_t *out = json_array();
  for (size_t d = 0; d < 7; d++)
    if (has[d]) json_array_append_new(out, json_string(week[d]));
  *norm = out;
  return 0;
}

/* Two upper-case letters of a region the phone module knows ("US"). */
static int check_region(json_t **norm, const json_t *v, const char *path) {
  const char *s = json_string_value(v);
  if (!s || json_string_length(v) != 2 || !upper(s[0]) || !upper(s[1]) || !rp_phone_region_code(s))
    return rp_error_set(RP_EINVALID_VALUE, path,
                        "must be a known ISO 3166 region code of two upper-case letters");
  *norm = json_string(s);
  return 0;
}

/* Three upper-case letters (ISO 4217 shape: "USD"). */
static int check_currency(json_t **norm, const json_t *v, const char *path) {
  const char *s = json_string_value(v);
  if (!s || json_string_length(v) != 3 || !upper(s[0]) || !upper(s[1]) || !upper(s[2]))
    return rp_error_set(RP_EINVALID_VALUE, path,
                        "must be a currency code of three upper-case letters such as \"USD\"");
  *norm = json_string(s);
  return 0;
}

/* An amount of money >= 0, an integer when it is one. */
static int check_money(json_t **norm, const json_t *v, const char *path) {
  double d = json_number_value(v);
  if (!json_is_number(v) || !isfinite(d) || d < 0 || d > 1e15)
    return rp_error_set(RP_EINVALID_VALUE, path, "must be a number >= 0");
  *norm = d == floor(d) ? json_integer((json_int_t)d) : json_real(d);
  return 0;
}

/* A multiple > 0 (rFactor valuation). */
static int check_multiple(json_t **norm, const json_t *v, const char *path) {
  double d = json_number_value(v);
  if (!json_is_number(v) || !isfinite(d) || d <= 0 || d > 1e6)
    return rp_error_set(RP_EINVALID_VALUE, path, "must be a number > 0");
  *norm = json_real(d);
  return 0;
}

static int check_bool(json_t **norm, const json_t *v, const char *path) {
  if (!json_is_boolean(v)) return rp_error_set(RP_EINVALID_VALUE, path, "must be true or false");
  *norm = json_boolean(json_is_true(v));
  return 0;
}

static int check_mode(json_t **norm, const json_t *v, const char *path) {
  const char *s = json_string_value(v);
  if (!s || (strcmp(s, "owner") != 0 && strcmp(s, "round_robin") != 0))
    return rp_error_set(RP_EINVALID_VALUE, path, "must be one of: owner, round_robin");
  *norm = json_string(s);
  return 0;
}

/* User ids (UUIDs, lower-cased), without repeats. */
static int check_agent_ids(json_t **norm, const json_t *v, const char *path) {
  char p[PATH_LEN];
  if (!json_is_array(v))
    return rp_error_set(RP_EINVALID_VALUE, path, "must be an array of user ids");
  size_t n = json_array_size(v);
  if (n > RP_SETTINGS_AGENTS_MAX)
    return rp_error_set(RP_EINVALID_VALUE, path, "at most %d agents", RP_SETTINGS_AGENTS_MAX);
  json_t *out = json_array();
  for (size_t i = 0; i < n; i++) {
    const json_t *el = json_array_get(v, i);
    const char *s = json_string_value(el);
    snprintf(p, sizeof p, "%s[%zu]", path, i);
    if (!s || !rp_uuid_valid(s, json_string_length(el))) {
      json_decref(out);
      return rp_error_set(RP_EINVALID_VALUE, p, "must be a user id");
    }
    char id[RP_ID_LEN];
    snprintf(id, sizeof id, "%s", s);
    for (char *c = id; *c; c++)
      if (upper(*c)) *c = (char)(*c - 'A' + 'a');
    for (size_t j = 0; j < i; j++)
      if (strcmp(json_string_value(json_array_get(out, j)), id) == 0) {
        json_decref(out);
        return rp_error_set(RP_EINVALID_VALUE, p, "repeats agent_ids[%zu]", j);
      }
    json_array_append_new(out, json_string(id));
  }
  *norm = out;
  return 0;
}

/* The scoring tunables (SCORING.md): an object, kept as given for now. */
static int check_scoring(json_t **norm, const json_t *v, const char *path) {
  if (!json_is_object(v)) return rp_error_set(RP_EINVALID_VALUE, path, "must be an object");
  char *s = json_dumps(v, JSON_COMPACT);
  size_t len = s ? strlen(s) : 0;
  free(s);
  if (len > RP_SETTINGS_SCORING_MAX)
    return rp_error_set(RP_EINVALID_VALUE, path, "is too large (at most %d bytes)",
                        RP_SETTINGS_SCORING_MAX);
  *norm = json_deep_copy(v);
  return 0;
}

/* ---- the key table ---- */

typedef struct skey {
  const char *name;
  checker check;           /* a plain value */
  const struct skey *subs; /* or an object merged one level */
} skey;

static const skey office_keys[] = {
    {"start", check_hhmm, NULL}, {"end", check_hhmm, NULL}, {"days", check_days, NULL}, {NULL}};
static const skey automation_keys[] = {{"status_rules", check_bool, NULL},
                                       {"stage_rules", check_bool, NULL},
                                       {"category_rules", check_bool, NULL},
                                       {"workflows", check_bool, NULL},
                                       {NULL}};
static const skey routing_keys[] = {
    {"mode", check_mode, NULL}, {"agent_ids", check_agent_ids, NULL}, {NULL}};
static const skey top_keys[] = {
    {"timezone", check_timezone, NULL},        {"office_hours", NULL, office_keys},
    {"default_region", check_region, NULL},    {"currency", check_currency, NULL},
    {"default_commission", check_money, NULL}, {"valuation_multiple", check_multiple, NULL},
    {"automation", NULL, automation_keys},     {"routing", NULL, routing_keys},
    {"scoring", check_scoring, NULL},          {NULL},
};

static const skey *find_key(const skey *table, const char *name) {
  for (; table->name; table++)
    if (strcmp(table->name, name) == 0) return table;
  return NULL;
}

/* Merges the object v into dst (an object of next) one level: each member
 * checked, null going back to the member of dflt. */
static int merge_object(json_t *dst, const json_t *v, const skey *subs, const json_t *dflt,
                        const char *path) {
  const char *k;
  const json_t *x;
  char p[PATH_LEN];
  json_object_foreach((json_t *)v, k, x) {
    snprintf(p, sizeof p, "%s.%.60s", path, k);
    const skey *sk = find_key(subs, k);
    if (!sk) return rp_error_set(RP_EUNKNOWN_FIELD, p, "unknown field");
    json_t *norm = NULL;
    if (json_is_null(x)) {
      norm = json_deep_copy(json_object_get(dflt, k));
    } else {
      int rc = sk->check(&norm, x, p);
      if (rc) return rc;
    }
    json_object_set_new(dst, k, norm);
  }
  return 0;
}

int rp_settings_apply(json_t **out, const json_t *current, const json_t *body) {
  json_t *next = json_deep_copy(current), *dflt = rp_settings_defaults(NULL);
  int rc = 0;
  *out = NULL;
  if (!json_is_object(body)) {
    rc = rp_error_set(RP_EINVALID_JSON, NULL, "the body must be a JSON object");
    goto cleanup;
  }
  if (!json_is_object(next)) {
    json_decref(next);
    next = json_deep_copy(dflt);
  }
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)body, k, v) {
    const skey *key = find_key(top_keys, k);
    if (!key) {
      rc = rp_error_set(RP_EUNKNOWN_FIELD, k, "unknown field");
      goto cleanup;
    }
    json_t *norm = NULL;
    if (json_is_null(v)) {
      norm = json_deep_copy(json_object_get(dflt, k));
    } else if (key->subs) {
      if (!json_is_object(v)) {
        rc = rp_error_set(RP_EINVALID_VALUE, k, "must be an object");
        goto cleanup;
      }
      const json_t *cur = json_object_get(next, k);
      norm = json_deep_copy(json_is_object(cur) ? cur : json_object_get(dflt, k));
      if ((rc = merge_object(norm, v, key->subs, json_object_get(dflt, k), k))) {
        json_decref(norm);
        goto cleanup;
      }
    } else if ((rc = key->check(&norm, v, k))) {
      goto cleanup;
    }
    json_object_set_new(next, k, norm);
  }
  /* office hours: the day starts before it ends */
  const json_t *oh = json_object_get(next, "office_hours");
  const char *start = json_string_value(json_object_get(oh, "start"));
  const char *end = json_string_value(json_object_get(oh, "end"));
  if (start && end && strcmp(start, end) >= 0) {
    const json_t *given = json_object_get(body, "office_hours");
    bool only_start = json_object_get(given, "start") && !json_object_get(given, "end");
    rc = rp_error_set(RP_EINVALID_VALUE, only_start ? "office_hours.start" : "office_hours.end",
                      "office hours must start before they end (%s-%s)", start, end);
    goto cleanup;
  }
  *out = next;
  next = NULL;
cleanup:
  json_decref(next);
  json_decref(dflt);
  return rc;
}

json_t *rp_settings_from_stored(const char *settings_json, const char *default_region) {
  json_t *cur = rp_settings_defaults(default_region);
  json_t *stored = settings_json ? json_loads(settings_json, 0, NULL) : NULL;
  if (json_is_object(stored)) {
    const char *k;
    json_t *v;
    json_object_foreach(stored, k, v) {
      if (strcmp(k, "default_region") == 0) continue; /* the account's column wins */
      json_t *one = json_object(), *next = NULL;
      json_object_set(one, k, v);
      if (rp_settings_apply(&next, cur, one) == 0) {
        json_decref(cur);
        cur = next;
      } else {
        rp_error_clear(); /* old data that no longer validates: the default stays */
      }
      json_decref(one);
    }
  }
  json_decref(stored);
  return cur;
}

char *rp_settings_dump_stored(const json_t *settings) {
  json_t *copy = json_deep_copy(settings);
  json_object_del(copy, "default_region");
  char *s = rp_json_dumps(copy, NULL);
  json_decref(copy);
  return s;
}
