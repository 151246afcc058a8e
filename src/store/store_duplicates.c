/* store_duplicates.c: pairs of live contacts that are likely one person
 * (API.md GET /api/v1/duplicates; store.h): the same email key, the same
 * phone, or close names at one address (core/duplicates.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duplicates.h"
#include "store/store_internal.h"
#include "util/error.h"

#define ADDRESS_GROUP_MAX 50 /* a bigger group (an office tower) is not searched */

typedef struct pairs {
  rp_arena *ar;
  rp_dup_pair *items;
  size_t n, cap, limit;
} pairs;

static bool have(const pairs *p, const char *a, const char *b) {
  for (size_t i = 0; i < p->n; i++)
    if ((!strcmp(p->items[i].a, a) && !strcmp(p->items[i].b, b)) ||
        (!strcmp(p->items[i].a, b) && !strcmp(p->items[i].b, a)))
      return true;
  return false;
}

static void add(pairs *p, const char *a, const char *b, const char *reason, const char *value) {
  if (p->n >= p->limit || !strcmp(a, b) || have(p, a, b)) return;
  rp_dup_pair *d = RP_ARENA_PUSH(p->ar, p->items, &p->n, &p->cap, 16);
  memcpy(d->a, a, RP_ID_LEN);
  memcpy(d->b, b, RP_ID_LEN);
  d->reason = reason;
  d->value = rp_arena_strdup(p->ar, value);
}

/* Pairs sharing a key of a child table (contact_emails.address_key,
 * contact_phones.number), both live and visible. */
static int by_key(rp_store *s, pairs *p, const char *account_id, const char *visible_to,
                  const char *sql, const char *reason) {
  rp_stmt *st = rp_sql_dyn(s, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, visible_to);
  int rc = RP_DONE; /* (no step when the list is already full) */
  while (p->n < p->limit && (rc = rp_step(st)) == RP_ROW) {
    char a[RP_ID_LEN], b[RP_ID_LEN];
    rp_col_id(st, 0, a);
    rp_col_id(st, 1, b);
    add(p, a, b, reason, (const char *)rp_col_str(st, 2));
  }
  int ret = p->n >= p->limit || rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  return ret;
}

#define LIVE_VISIBLE(alias)                                                                        \
  " JOIN contacts " alias " ON " alias ".account_id = x.account_id AND " alias ".id = x.contact_id" \
  " AND " alias ".archived = 0 AND (?2 IS NULL OR " alias ".owner_id = ?2 OR " alias              \
  ".owner_id IS NULL)"

typedef struct addr_row {
  char id[RP_ID_LEN];
  const char *first, *last;
  char key[160];
} addr_row;

static int by_key_order(const void *x, const void *y) {
  return strcmp(((const addr_row *)x)->key, ((const addr_row *)y)->key);
}

/* Close names among the contacts of one address key. */
static void group_pairs(pairs *p, const addr_row *g, size_t n, const char *value) {
  if (n < 2 || n > ADDRESS_GROUP_MAX) return;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (rp_dup_names_close(g[i].first, g[i].last, g[j].first, g[j].last))
        add(p, g[i].id, g[j].id, "name_address", value);
}

static int by_address(rp_store *s, pairs *p, const char *account_id, const char *visible_to) {
  rp_stmt *st =
      rp_sql_dyn(s, "SELECT id, first_name, last_name, address_street, address_postal_code,"
                    " address_city FROM contacts WHERE account_id = ?1 AND archived = 0"
                    " AND has_address = 1 AND address_street IS NOT NULL AND last_name IS NOT NULL"
                    " AND (?2 IS NULL OR owner_id = ?2 OR owner_id IS NULL)");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, visible_to);
  rp_arena tmp = {0};
  addr_row *rows = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    addr_row *r = RP_ARENA_PUSH(&tmp, rows, &n, &cap, 256);
    rp_col_id(st, 0, r->id);
    r->first = rp_col_text(st, 1, &tmp);
    r->last = rp_col_text(st, 2, &tmp);
    rp_dup_address_key(r->key, sizeof r->key, (const char *)rp_col_str(st, 3),
                       (const char *)rp_col_str(st, 4),
                       (const char *)rp_col_str(st, 5));
  }
  int ret = rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (!ret && n) {
    qsort(rows, n, sizeof *rows, by_key_order);
    size_t start = 0;
    for (size_t i = 1; i <= n && p->n < p->limit; i++)
      if (i == n || strcmp(rows[i].key, rows[start].key)) {
        if (rows[start].key[0]) group_pairs(p, rows + start, i - start, rows[start].key);
        start = i;
      }
  }
  rp_arena_free(&tmp);
  return ret;
}

int rp_store_duplicates(rp_store *s, rp_arena *ar, const char *account_id, const char *visible_to,
                        size_t limit, rp_dup_pair **out, size_t *n) {
  pairs p = {.ar = ar, .limit = limit};
  int rc = by_key(s, &p, account_id, visible_to,
                  "SELECT x.contact_id, y.contact_id, x.address_key FROM contact_emails x"
                  " JOIN contact_emails y ON y.account_id = x.account_id"
                  " AND y.address_key = x.address_key AND y.contact_id > x.contact_id" LIVE_VISIBLE(
                      "c1") " JOIN contacts c2 ON c2.account_id = y.account_id AND c2.id = "
                            "y.contact_id AND c2.archived = 0 AND (?2 IS NULL OR c2.owner_id = ?2"
                            " OR c2.owner_id IS NULL) WHERE x.account_id = ?1"
                            " ORDER BY x.address_key",
                  "email");
  if (!rc)
    rc = by_key(s, &p, account_id, visible_to,
                "SELECT x.contact_id, y.contact_id, x.number FROM contact_phones x"
                " JOIN contact_phones y ON y.account_id = x.account_id"
                " AND y.number = x.number AND y.contact_id > x.contact_id" LIVE_VISIBLE(
                    "c1") " JOIN contacts c2 ON c2.account_id = y.account_id AND c2.id = "
                          "y.contact_id AND c2.archived = 0 AND (?2 IS NULL OR c2.owner_id = ?2"
                          " OR c2.owner_id IS NULL) WHERE x.account_id = ?1 ORDER BY x.number",
                "phone");
  if (!rc) rc = by_address(s, &p, account_id, visible_to);
  *out = p.items;
  *n = p.n;
  return rc;
}
