/* deal_json.c: JSON <-> rp_property / rp_transaction (API.md Deals) and
 * the validation of their writable fields. No I/O. */
#include "http/deal_json.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "http/contact_json.h"
#include "util/error.h"
#include "util/json_field.h"
#include "util/uuid.h"

#define PATH_LEN 64
#define ADDR_STREET_MAX 500
#define ADDR_PART_MAX 200
#define ADDR_POSTAL_MAX 32

static const char *const deal_readonly[] = {"id", "version", "created_at", "updated_at"};

bool rp_deal_key_readonly(const char *key) {
  for (size_t i = 0; i < sizeof deal_readonly / sizeof deal_readonly[0]; i++)
    if (strcmp(deal_readonly[i], key) == 0) return true;
  return false;
}

/* ---- readers ---- */

/* An optional "YYYY-MM-DD" (a real calendar day). */
static int get_date(const char **out, const json_t *v, const char *field, rp_arena *ar) {
  const char *s;
  int rc = rp_jf_line(&s, v, field, 32, ar);
  *out = NULL;
  if (rc || !s) return rc;
  rp_time t;
  if (strlen(s) != 10 || rp_date_parse(&t, s, 10) != 0)
    return rp_error_set(RP_EINVALID_VALUE, field, "must be a date YYYY-MM-DD");
  *out = s;
  return 0;
}

/* An optional amount of money: a finite number >= 0, or null. */
static int get_money(bool *has, double *out, const json_t *v, const char *field) {
  *has = false;
  *out = 0;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_number(v)) return rp_error_set(RP_EINVALID_VALUE, field, "must be a number or null");
  double d = json_number_value(v);
  if (!isfinite(d) || d < 0 || d > RP_DJ_MONEY_MAX)
    return rp_error_set(RP_EINVALID_VALUE, field, "must be a number >= 0");
  *has = true;
  *out = d;
  return 0;
}

/* An enum value by its name table; *present false for absent or null. */
static int get_enum(int *out, bool *present, const json_t *v, const char *field,
                    const char *(*name)(int), int count) {
  *present = false;
  if (!v || json_is_null(v)) return 0;
  if (json_is_string(v)) {
    for (int i = 0; i < count; i++)
      if (strcmp(name(i), json_string_value(v)) == 0) {
        *out = i;
        *present = true;
        return 0;
      }
  }
  char list[256];
  size_t off = 0;
  list[0] = '\0';
  for (int i = 0; i < count && off < sizeof list; i++)
    off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", name(i));
  return rp_error_set(RP_EINVALID_VALUE, field, "must be one of: %s", list);
}

static const char *prop_status_i(int v) { return rp_property_status_name((rp_property_status)v); }
static const char *tx_status_i(int v) { return rp_tx_status_name((rp_tx_status)v); }
static const char *role_i(int v) { return rp_deal_role_name((rp_deal_role)v); }

/* ---- composite fields ---- */

static int parse_address(bool *has, rp_address *a, const json_t *v, rp_arena *ar) {
  static const char *const keys[] = {"street", "city", "region", "postal_code", "country"};
  *has = false;
  memset(a, 0, sizeof *a);
  if (!v || json_is_null(v)) return 0;
  if (!json_is_object(v))
    return rp_error_set(RP_EINVALID_VALUE, "address",
                        "must be an object {street, city, region, postal_code, country} or null");
  int rc = rp_jf_keys(v, "address", keys, sizeof keys / sizeof keys[0], rp_deal_key_readonly);
  if (rc) return rc;
  const char **slots[] = {&a->street, &a->city, &a->region, &a->postal_code, &a->country};
  const size_t max[] = {ADDR_STREET_MAX, ADDR_PART_MAX, ADDR_PART_MAX, ADDR_POSTAL_MAX,
                        ADDR_PART_MAX};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char path[PATH_LEN];
    snprintf(path, sizeof path, "address.%s", keys[i]);
    if ((rc = rp_jf_line(slots[i], json_object_get(v, keys[i]), path, max[i], ar))) return rc;
    if (*slots[i]) *has = true;
  }
  return 0;
}

static int parse_parties(rp_deal_party **out, size_t *n_out, const json_t *v, rp_arena *ar) {
  static const char *const keys[] = {"contact_id", "role"};
  char path[PATH_LEN];
  *out = NULL;
  *n_out = 0;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_array(v))
    return rp_error_set(RP_EINVALID_VALUE, "contacts", "must be an array of {contact_id, role}");
  size_t n = json_array_size(v);
  if (n > RP_DJ_PARTIES_MAX)
    return rp_error_set(RP_EINVALID_VALUE, "contacts", "at most %d contacts", RP_DJ_PARTIES_MAX);
  rp_deal_party *ps = rp_arena_calloc(ar, (n ? n : 1) * sizeof *ps);
  for (size_t i = 0; i < n; i++) {
    const json_t *el = json_array_get(v, i);
    int rc;
    snprintf(path, sizeof path, "contacts[%zu]", i);
    if (!json_is_object(el))
      return rp_error_set(RP_EINVALID_VALUE, path, "must be an object {contact_id, role}");
    if ((rc = rp_jf_keys(el, path, keys, 2, rp_deal_key_readonly))) return rc;
    const char *cid;
    snprintf(path, sizeof path, "contacts[%zu].contact_id", i);
    if ((rc = rp_jf_id(&cid, json_object_get(el, "contact_id"), path, "a contact id", ar))) return rc;
    if (!cid) return rp_error_set(RP_EINVALID_VALUE, path, "is required");
    snprintf(ps[i].contact_id, sizeof ps[i].contact_id, "%s", cid);
    int role = 0;
    bool present;
    snprintf(path, sizeof path, "contacts[%zu].role", i);
    if ((rc = get_enum(&role, &present, json_object_get(el, "role"), path, role_i,
                       RP_DEAL_ROLE_COUNT)))
      return rc;
    if (!present) return rp_error_set(RP_EINVALID_VALUE, path, "is required");
    ps[i].role = (rp_deal_role)role;
    for (size_t j = 0; j < i; j++)
      if (ps[j].role == ps[i].role && strcmp(ps[j].contact_id, ps[i].contact_id) == 0) {
        snprintf(path, sizeof path, "contacts[%zu]", i);
        return rp_error_set(RP_EINVALID_VALUE, path,
                            "names the same contact with the same role as contacts[%zu]", j);
      }
  }
  *out = ps;
  *n_out = n;
  return 0;
}

/* API.md: "setting status closed without close_date closes it today". */
static void close_today(const char **close_date, bool closed, rp_time now, rp_arena *ar) {
  if (!closed || *close_date) return;
  char day[11];
  *close_date = rp_arena_strdup(ar, rp_date_format(now, day));
}

/* ---- parse ---- */

int rp_property_from_json(rp_property *out, const json_t *body, rp_time now, rp_arena *ar) {
  static const char *const keys[] = {"address",     "mls_id",     "status",     "list_price",
                                     "close_price", "close_date", "commission", "contacts"};
  memset(out, 0, sizeof *out);
  out->status = RP_PROP_ACTIVE;
  if (!json_is_object(body))
    return rp_error_set(RP_EINVALID_JSON, NULL, "the body must be a JSON object");
  int rc = rp_jf_keys(body, "", keys, sizeof keys / sizeof keys[0], rp_deal_key_readonly);
  if (rc) return rc;
  if ((rc = parse_address(&out->has_address, &out->address, json_object_get(body, "address"), ar)))
    return rc;
  if ((rc = rp_jf_line(&out->mls_id, json_object_get(body, "mls_id"), "mls_id", RP_DJ_MLS_MAX, ar)))
    return rc;
  int e = 0;
  bool present;
  if ((rc = get_enum(&e, &present, json_object_get(body, "status"), "status", prop_status_i,
                     RP_PROP_COUNT)))
    return rc;
  if (present) out->status = (rp_property_status)e;
  if ((rc = get_money(&out->has_list_price, &out->list_price, json_object_get(body, "list_price"),
                      "list_price")) ||
      (rc = get_money(&out->has_close_price, &out->close_price,
                      json_object_get(body, "close_price"), "close_price")) ||
      (rc = get_money(&out->has_commission, &out->commission, json_object_get(body, "commission"),
                      "commission")))
    return rc;
  if ((rc = get_date(&out->close_date, json_object_get(body, "close_date"), "close_date", ar)))
    return rc;
  if ((rc = parse_parties(&out->contacts, &out->n_contacts, json_object_get(body, "contacts"), ar)))
    return rc;
  close_today(&out->close_date, rp_property_state(out->status) == RP_DEAL_CLOSED, now, ar);
  return 0;
}

int rp_transaction_from_json(rp_transaction *out, const json_t *body, rp_time now, rp_arena *ar) {
  static const char *const keys[] = {"property_id", "status",     "price",
                                     "close_date",  "commission", "contacts"};
  memset(out, 0, sizeof *out);
  out->status = RP_TX_PENDING;
  if (!json_is_object(body))
    return rp_error_set(RP_EINVALID_JSON, NULL, "the body must be a JSON object");
  int rc = rp_jf_keys(body, "", keys, sizeof keys / sizeof keys[0], rp_deal_key_readonly);
  if (rc) return rc;
  if ((rc = rp_jf_id(&out->property_id, json_object_get(body, "property_id"), "property_id",
                   "a property id", ar)))
    return rc;
  int e = 0;
  bool present;
  if ((rc = get_enum(&e, &present, json_object_get(body, "status"), "status", tx_status_i,
                     RP_TX_COUNT)))
    return rc;
  if (present) out->status = (rp_tx_status)e;
  if ((rc = get_money(&out->has_price, &out->price, json_object_get(body, "price"), "price")) ||
      (rc = get_money(&out->has_commission, &out->commission, json_object_get(body, "commission"),
                      "commission")))
    return rc;
  if ((rc = get_date(&out->close_date, json_object_get(body, "close_date"), "close_date", ar)))
    return rc;
  if ((rc = parse_parties(&out->contacts, &out->n_contacts, json_object_get(body, "contacts"), ar)))
    return rc;
  close_today(&out->close_date, rp_tx_state(out->status) == RP_DEAL_CLOSED, now, ar);
  return 0;
}

/* ---- render ---- */

static json_t *jstr(const char *s) {
  if (!s) return json_null();
  json_t *v = json_string(s);
  return v ? v : json_null();
}

static json_t *jtime(rp_time t) {
  char buf[21];
  return t ? json_string(rp_time_format(t, buf)) : json_null();
}

/* Money as an integer when it is one (450000), else a real. */
static json_t *jmoney(bool has, double d) {
  if (!has) return json_null();
  if (d == floor(d) && fabs(d) < 9007199254740992.0) return json_integer((json_int_t)d);
  return json_real(d);
}

static json_t *jparties(const rp_deal_party *ps, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "contact_id", jstr(ps[i].contact_id));
    json_object_set_new(o, "role", json_string(rp_deal_role_name(ps[i].role)));
    json_array_append_new(a, o);
  }
  return a;
}

json_t *rp_property_to_json(const rp_property *p) {
  json_t *o = json_object();
  json_object_set_new(o, "id", jstr(p->id[0] ? p->id : NULL));
  json_object_set_new(o, "version", json_integer(p->version));
  json_object_set_new(o, "address", rp_address_to_json(p->has_address, &p->address));
  json_object_set_new(o, "mls_id", jstr(p->mls_id));
  json_object_set_new(o, "status", json_string(rp_property_status_name(p->status)));
  json_object_set_new(o, "list_price", jmoney(p->has_list_price, p->list_price));
  json_object_set_new(o, "close_price", jmoney(p->has_close_price, p->close_price));
  json_object_set_new(o, "close_date", jstr(p->close_date));
  json_object_set_new(o, "commission", jmoney(p->has_commission, p->commission));
  json_object_set_new(o, "contacts", jparties(p->contacts, p->n_contacts));
  json_object_set_new(o, "created_at", jtime(p->created_at));
  json_object_set_new(o, "updated_at", jtime(p->updated_at));
  return o;
}

json_t *rp_transaction_to_json(const rp_transaction *t) {
  json_t *o = json_object();
  json_object_set_new(o, "id", jstr(t->id[0] ? t->id : NULL));
  json_object_set_new(o, "version", json_integer(t->version));
  json_object_set_new(o, "property_id", jstr(t->property_id));
  json_object_set_new(o, "status", json_string(rp_tx_status_name(t->status)));
  json_object_set_new(o, "price", jmoney(t->has_price, t->price));
  json_object_set_new(o, "close_date", jstr(t->close_date));
  json_object_set_new(o, "commission", jmoney(t->has_commission, t->commission));
  json_object_set_new(o, "contacts", jparties(t->contacts, t->n_contacts));
  json_object_set_new(o, "created_at", jtime(t->created_at));
  json_object_set_new(o, "updated_at", jtime(t->updated_at));
  return o;
}

/* ---- timeline ---- */

static rp_time deal_at(bool closed, const char *close_date, rp_time created_at) {
  rp_time t;
  if (closed && close_date && rp_date_parse(&t, close_date, strlen(close_date)) == 0) return t;
  return created_at;
}

rp_time rp_property_timeline_at(const rp_property *p) {
  return deal_at(rp_property_state(p->status) == RP_DEAL_CLOSED, p->close_date, p->created_at);
}

rp_time rp_transaction_timeline_at(const rp_transaction *t) {
  return deal_at(rp_tx_state(t->status) == RP_DEAL_CLOSED, t->close_date, t->created_at);
}
