/* jsonl.c: the lines of a whole-account export (jsonl.h): the header and
 * row writers, and the bounded parser of one line (jansson, duplicate
 * members refused). */
#include "io/jsonl.h"

#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/json_write.h"
#include "util/mem.h"
#include "util/text.h"

/* ---- writing ---- */

void rp_jsonl_write_header(rp_sb *out, int schema, const char *account_id, rp_time exported_at) {
  char at[21];
  rp_sb_printf(out, "{\"rapport_export\":%d,\"schema\":%d,\"account_id\":", RP_JSONL_VERSION,
               schema);
  rp_sb_json_str(out, account_id, strlen(account_id));
  rp_sb_printf(out, ",\"exported_at\":\"%s\"}\n", rp_time_format(exported_at, at));
}

int rp_jsonl_write_row(rp_sb *out, const char *table, const char *const *cols,
                       const rp_store_value *vals, size_t n) {
  size_t start = out->len;
  rp_sb_puts(out, "{\"t\":");
  rp_sb_json_str(out, table, strlen(table));
  rp_sb_puts(out, ",\"r\":{");
  for (size_t i = 0; i < n; i++) {
    const rp_store_value *v = &vals[i];
    if (i) rp_sb_putc(out, ',');
    rp_sb_json_str(out, cols[i], strlen(cols[i]));
    rp_sb_putc(out, ':');
    switch (v->kind) {
    case RP_SV_NULL: rp_sb_puts(out, "null"); break;
    case RP_SV_INT: rp_sb_printf(out, "%lld", (long long)v->i); break;
    case RP_SV_REAL: {
      char num[RP_JSON_REAL_MAX];
      size_t k = rp_json_real_format(num, v->d);
      if (!k) goto bad;
      rp_sb_append(out, num, k);
      break;
    }
    case RP_SV_TEXT:
      if (!rp_utf8_valid(v->p, v->len)) goto bad;
      rp_sb_json_str(out, v->p, v->len);
      break;
    case RP_SV_BLOB: {
      size_t cap = sodium_base64_ENCODED_LEN(v->len, sodium_base64_VARIANT_ORIGINAL);
      char *b = rp_xmalloc(cap);
      sodium_bin2base64(b, cap, (const unsigned char *)(v->p ? v->p : ""), v->len,
                        sodium_base64_VARIANT_ORIGINAL);
      rp_sb_puts(out, "{\"b64\":\"");
      rp_sb_puts(out, b);
      rp_sb_puts(out, "\"}");
      free(b);
      break;
    }
    }
    continue;
  bad:
    if (out->p) out->p[start] = '\0';
    out->len = start;
    char field[2 * RP_JSONL_NAME_MAX + 2];
    snprintf(field, sizeof field, "%s.%s", table, cols[i]);
    return rp_error_set(RP_EINVALID_VALUE, field, "%s: %s", field,
                        v->kind == RP_SV_REAL ? "a real that is not finite"
                                              : "a text that is not UTF-8");
  }
  rp_sb_puts(out, "}}\n");
  return 0;
}

/* ---- parsing ---- */

bool rp_jsonl_is_export(const char *data, size_t len) {
  static const char key[] = "\"rapport_export\"";
  size_t i = 0;
  while (i < len && (data[i] == ' ' || data[i] == '\t'))
    i++;
  if (i >= len || data[i] != '{') return false;
  i++;
  while (i < len && (data[i] == ' ' || data[i] == '\t'))
    i++;
  return len - i >= sizeof key - 1 && !memcmp(data + i, key, sizeof key - 1);
}

/* [a-z_][a-z0-9_]* of at most RP_JSONL_NAME_MAX bytes. */
static bool name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > RP_JSONL_NAME_MAX || (s[0] >= '0' && s[0] <= '9')) return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return false;
  return true;
}

/* A copy of s[0..n) in ar, NUL-terminated. */
static char *dup_n(rp_arena *ar, const char *s, size_t n) {
  char *p = rp_arena_alloc(ar, n + 1);
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* One value of "r" into *v; field names it in errors. */
static int parse_value(rp_store_value *v, rp_arena *ar, json_t *j, const char *field) {
  memset(v, 0, sizeof *v);
  switch (json_typeof(j)) {
  case JSON_NULL: v->kind = RP_SV_NULL; return 0;
  case JSON_INTEGER:
    v->kind = RP_SV_INT;
    v->i = (int64_t)json_integer_value(j);
    return 0;
  case JSON_REAL:
    v->kind = RP_SV_REAL;
    v->d = json_real_value(j);
    if (!isfinite(v->d)) return rp_error_set(RP_EINVALID_VALUE, field, "not a finite number");
    return 0;
  case JSON_STRING:
    v->kind = RP_SV_TEXT;
    v->len = json_string_length(j);
    v->p = dup_n(ar, json_string_value(j), v->len);
    return 0;
  case JSON_OBJECT: {
    json_t *b = json_object_get(j, "b64");
    if (json_object_size(j) != 1 || !b || !json_is_string(b))
      return rp_error_set(RP_EINVALID_VALUE, field,
                          "an object value must be {\"b64\": \"<base64>\"}");
    const char *s = json_string_value(b);
    size_t sl = json_string_length(b);
    size_t cap = sl / 4 * 3 + 3;
    unsigned char *bin = rp_arena_alloc(ar, cap + 1);
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(bin, cap, s, sl, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) ||
        end != s + sl)
      return rp_error_set(RP_EINVALID_VALUE, field, "b64 is not base64");
    bin[got] = '\0';
    v->kind = RP_SV_BLOB;
    v->p = (const char *)bin;
    v->len = got;
    return 0;
  }
  case JSON_TRUE:
  case JSON_FALSE:
    return rp_error_set(RP_EINVALID_VALUE, field, "true and false are not values of a row");
  default: return rp_error_set(RP_EINVALID_VALUE, field, "an array is not a value of a row");
  }
}

static int parse_header(rp_jsonl_line *out, json_t *o) {
  const char *key;
  json_t *v;
  bool have_schema = false, have_account = false, have_at = false;
  out->header = true;
  json_object_foreach(o, key, v) {
    if (!strcmp(key, "rapport_export")) {
      if (!json_is_integer(v) || json_integer_value(v) != RP_JSONL_VERSION)
        return rp_error_set(RP_EINVALID_VALUE, "rapport_export",
                            "this rapport reads exports of version %d", RP_JSONL_VERSION);
      out->version = RP_JSONL_VERSION;
    } else if (!strcmp(key, "schema")) {
      if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000)
        return rp_error_set(RP_EINVALID_VALUE, "schema", "must be a migration number");
      out->schema = (int)json_integer_value(v);
      have_schema = true;
    } else if (!strcmp(key, "account_id")) {
      if (!json_is_string(v) || !rp_uuid_valid(json_string_value(v), json_string_length(v)))
        return rp_error_set(RP_EINVALID_VALUE, "account_id", "must be a UUID");
      snprintf(out->account_id, RP_ID_LEN, "%s", json_string_value(v));
      for (char *c = out->account_id; *c; c++)
        if (*c >= 'A' && *c <= 'F') *c = (char)(*c - 'A' + 'a');
      have_account = true;
    } else if (!strcmp(key, "exported_at")) {
      if (!json_is_string(v) ||
          rp_time_parse(&out->exported_at, json_string_value(v), json_string_length(v)))
        return rp_error_set(RP_EINVALID_VALUE, "exported_at", "must be an RFC 3339 time");
      have_at = true;
    } else {
      return rp_error_set(RP_EUNKNOWN_FIELD, key, "not a member of the header");
    }
  }
  if (!have_schema) return rp_error_set(RP_EINVALID_VALUE, "schema", "missing");
  if (!have_account) return rp_error_set(RP_EINVALID_VALUE, "account_id", "missing");
  if (!have_at) return rp_error_set(RP_EINVALID_VALUE, "exported_at", "missing");
  return 0;
}

static int parse_row(rp_jsonl_line *out, rp_arena *ar, json_t *o) {
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) {
    if (strcmp(key, "t") && strcmp(key, "r"))
      return rp_error_set(RP_EUNKNOWN_FIELD, key, "a row line has only \"t\" and \"r\"");
  }
  json_t *t = json_object_get(o, "t"), *r = json_object_get(o, "r");
  if (!t || !json_is_string(t) || json_string_length(t) != strlen(json_string_value(t)) ||
      !name_ok(json_string_value(t)))
    return rp_error_set(RP_EINVALID_VALUE, "t", "must be a table name");
  if (!r || !json_is_object(r)) return rp_error_set(RP_EINVALID_VALUE, "r", "must be an object");
  size_t n = json_object_size(r);
  if (n == 0 || n > RP_JSONL_COLS_MAX)
    return rp_error_set(RP_EINVALID_VALUE, "r", "must have 1 to %d columns", RP_JSONL_COLS_MAX);
  out->table = dup_n(ar, json_string_value(t), json_string_length(t));
  out->cols = rp_arena_alloc(ar, n * sizeof *out->cols);
  out->vals = rp_arena_alloc(ar, n * sizeof *out->vals);
  out->n = 0;
  json_object_foreach(r, key, v) {
    char field[RP_JSONL_NAME_MAX + 8];
    if (!name_ok(key)) {
      snprintf(field, sizeof field, "r.%.*s", RP_JSONL_NAME_MAX, key);
      return rp_error_set(RP_EINVALID_VALUE, field, "must be a column name");
    }
    snprintf(field, sizeof field, "r.%s", key);
    int rc = parse_value(&out->vals[out->n], ar, v, field);
    if (rc) return rc;
    out->cols[out->n++] = dup_n(ar, key, strlen(key));
  }
  return 0;
}

int rp_jsonl_parse_line(rp_jsonl_line *out, rp_arena *ar, const char *p, size_t len) {
  memset(out, 0, sizeof *out);
  if (len > RP_JSONL_LINE_MAX)
    return rp_error_set(RP_ETOOLARGE, NULL, "a line of more than %zu MiB", RP_JSONL_LINE_MAX >> 20);
  if (len && p[len - 1] == '\r') len--;
  json_error_t err;
  /* no "\u0000": a text holds no NUL (nor does the writer write one) */
  json_t *o = json_loadb(p, len, JSON_REJECT_DUPLICATES, &err);
  if (!o) return rp_error_set(RP_EINVALID_JSON, NULL, "column %d: %s", err.column, err.text);
  int rc;
  if (!json_is_object(o))
    rc = rp_error_set(RP_EINVALID_JSON, NULL, "a line must be one JSON object");
  else if (json_object_get(o, "rapport_export"))
    rc = parse_header(out, o);
  else
    rc = parse_row(out, ar, o);
  json_decref(o);
  if (rc) {
    rp_jsonl_line keep = {0};
    *out = keep;
  }
  return rc;
}
