/* store_deals.c: properties (listings), transactions and their parties
 * (DOMAIN.md deals), and the deal counts the rules read. Statements are
 * cached by their text (rp_sql_dyn). */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"
#include "util/uuid.h"

#define PROPERTY_COLS                                                                              \
  "account_id, id, version, has_address, address_street, address_city, address_region,  "          \
  "address_postal_code, address_country, mls_id, status, list_price, close_price, "                \
  "commission, close_date, created_at, updated_at"
#define TX_COLS                                                                                    \
  "account_id, id, version, property_id, status, price, commission, close_date, "                  \
  "created_at, updated_at"

typedef enum { DEAL_PROPERTY, DEAL_TX } deal_kind;
static const char *kind_name(deal_kind k) {
  return k == DEAL_PROPERTY ? "property" : "transaction";
}

static void bind_money(rp_stmt *st, int i, bool has, double v) {
  if (has)
    rp_bind_double(st, i, v);
  else
    rp_bind_null(st, i);
}

static bool col_money(rp_stmt *st, int i, double *out) {
  if (rp_col_type(st, i) == RP_NULL) {
    *out = 0;
    return false;
  }
  *out = rp_col_double(st, i);
  return true;
}

/* Runs one statement given by its text with the binder; 0 or the error. */
static rp_stmt *prepare(rp_store *s, const char *sql) { return rp_sql_dyn(s, sql); }

/* ---- parties ---- */

/* Replaces the parties of one deal. Each contact must be a contact of the
 * account: RP_ENOTFOUND with field "contacts[i].contact_id". */
static int write_parties(rp_store *s, const char *account_id, deal_kind k, const char *deal_id,
                         const rp_deal_party *p, size_t n) {
  rp_stmt *st = prepare(s, "DELETE FROM deal_parties WHERE account_id = ? AND deal_kind = ?"
                                " AND deal_id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, kind_name(k));
  rp_bind_id(st, 3, deal_id);
  int rc = rp_sql_run(s, st, NULL);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    char field[64];
    snprintf(field, sizeof field, "contacts[%zu].contact_id", i);
    st = prepare(s, "SELECT 1 FROM contacts WHERE account_id = ? AND id = ?");
    if (!st) return rp_error_last()->code;
    rp_bind_id(st, 1, account_id);
    rp_bind_id(st, 2, p[i].contact_id);
    int step = rp_step(st);
    rp_sql_done(st);
    if (step == RP_DONE) return rp_error_set(RP_ENOTFOUND, field, "no such contact");
    if (step != RP_ROW) return rp_sql_error(s, step, NULL);
    st = prepare(s, "INSERT INTO deal_parties (account_id, deal_kind, deal_id, position,"
                    " contact_id, role) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st) return rp_error_last()->code;
    rp_bind_id(st, 1, account_id);
    rp_bind_text(st, 2, kind_name(k));
    rp_bind_id(st, 3, deal_id);
    rp_bind_int64(st, 4, (int64_t)i);
    rp_bind_id(st, 5, p[i].contact_id);
    rp_bind_text(st, 6, rp_deal_role_name(p[i].role));
    if ((rc = rp_sql_run(s, st, field))) return rc;
  }
  return 0;
}

static int read_parties(rp_store *s, rp_arena *ar, const char *account_id, deal_kind k,
                        const char *deal_id, rp_deal_party **out, size_t *n) {
  rp_stmt *st = prepare(s, "SELECT contact_id, role FROM deal_parties WHERE account_id = ?"
                                " AND deal_kind = ? AND deal_id = ? ORDER BY position");
  *out = NULL;
  *n = 0;
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_text(st, 2, kind_name(k));
  rp_bind_id(st, 3, deal_id);
  size_t cap = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    rp_deal_party *p = RP_ARENA_PUSH(ar, *out, n, &cap, 4);
    rp_col_id(st, 0, p->contact_id);
    rp_deal_role role = RP_DEAL_OTHER;
    rp_deal_role_parse(&role, (const char *)rp_col_str(st, 1));
    p->role = role;
  }
  rp_sql_done(st);
  return rc == RP_DONE ? 0 : rp_sql_error(s, rc, NULL);
}

static int delete_parties(rp_store *s, const char *account_id, deal_kind k, const char *id) {
  return write_parties(s, account_id, k, id, NULL, 0);
}

/* ---- one deal row, either kind ---- */

/* What differs between the two kinds of deal for a get or a write. */
typedef struct deal_desc {
  deal_kind kind;
  const char *get_sql, *insert_sql, *update_sql;
  void (*bind)(rp_stmt *st, const void *deal);
  void (*read)(rp_stmt *st, rp_arena *ar, void *out);
} deal_desc;

/* Reads the deal `id` with its parties; RP_ENOTFOUND "no such <kind>". */
static int deal_get(rp_store *s, rp_arena *ar, const deal_desc *d, void *out,
                    const char *account_id, const char *id, rp_deal_party **parties, size_t *n) {
  rp_stmt *st = prepare(s, d->get_sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW)
    d->read(st, ar, out);
  else if (rc == RP_DONE)
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such %s", kind_name(d->kind));
  else
    ret = rp_sql_error(s, rc, NULL);
  rp_sql_done(st);
  if (ret) return ret;
  return read_parties(s, ar, account_id, d->kind, id, parties, n);
}

/* Inserts (create) or updates the deal row, then replaces its parties, in
 * one savepoint. */
static int deal_write(rp_store *s, const deal_desc *d, const void *deal, bool create,
                      const char *account_id, const char *id, const rp_deal_party *parties,
                      size_t n) {
  bool sp;
  int rc;
  if ((rc = rp_sql_sp_begin(s, &sp))) return rc;
  rp_stmt *st = prepare(s, create ? d->insert_sql : d->update_sql);
  if (!st) return rp_sql_sp_end(s, sp, rp_error_last()->code);
  d->bind(st, deal);
  if ((rc = rp_sql_run(s, st, create ? "id" : NULL)) == 0)
    rc = write_parties(s, account_id, d->kind, id, parties, n);
  return rp_sql_sp_end(s, sp, rc);
}

/* ---- properties ---- */

static void bind_property(rp_stmt *st, const rp_property *p) {
  /* ?1 account ?2 id ?3 version ... in PROPERTY_COLS order */
  rp_bind_id(st, 1, p->account_id);
  rp_bind_id(st, 2, p->id);
  rp_bind_int64(st, 3, p->version);
  rp_bind_int(st, 4, p->has_address);
  rp_bind_text(st, 5, p->has_address ? p->address.street : NULL);
  rp_bind_text(st, 6, p->has_address ? p->address.city : NULL);
  rp_bind_text(st, 7, p->has_address ? p->address.region : NULL);
  rp_bind_text(st, 8, p->has_address ? p->address.postal_code : NULL);
  rp_bind_text(st, 9, p->has_address ? p->address.country : NULL);
  rp_bind_text(st, 10, p->mls_id);
  rp_bind_text(st, 11, rp_property_status_name(p->status));
  bind_money(st, 12, p->has_list_price, p->list_price);
  bind_money(st, 13, p->has_close_price, p->close_price);
  bind_money(st, 14, p->has_commission, p->commission);
  rp_bind_text(st, 15, p->close_date);
  rp_bind_int64(st, 16, p->created_at);
  rp_bind_int64(st, 17, p->updated_at ? p->updated_at : p->created_at);
}

static void read_property(rp_stmt *st, rp_arena *ar, rp_property *p) {
  memset(p, 0, sizeof *p);
  rp_col_id(st, 0, p->account_id);
  rp_col_id(st, 1, p->id);
  p->version = rp_col_int64(st, 2);
  p->has_address = rp_col_int(st, 3) != 0;
  p->address.street = rp_col_text(st, 4, ar);
  p->address.city = rp_col_text(st, 5, ar);
  p->address.region = rp_col_text(st, 6, ar);
  p->address.postal_code = rp_col_text(st, 7, ar);
  p->address.country = rp_col_text(st, 8, ar);
  p->mls_id = rp_col_text(st, 9, ar);
  rp_property_status status = RP_PROP_ACTIVE;
  rp_property_status_parse(&status, (const char *)rp_col_str(st, 10));
  p->status = status;
  p->has_list_price = col_money(st, 11, &p->list_price);
  p->has_close_price = col_money(st, 12, &p->close_price);
  p->has_commission = col_money(st, 13, &p->commission);
  p->close_date = rp_col_text(st, 14, ar);
  p->created_at = rp_col_int64(st, 15);
  p->updated_at = rp_col_int64(st, 16);
}

static void bind_property_v(rp_stmt *st, const void *p) { bind_property(st, p); }
static void read_property_v(rp_stmt *st, rp_arena *ar, void *out) {
  read_property(st, ar, out);
}

static const deal_desc property_desc = {
    DEAL_PROPERTY,
    "SELECT " PROPERTY_COLS " FROM properties WHERE account_id = ? AND id = ?",
    "INSERT INTO properties (" PROPERTY_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?)",
    "UPDATE properties SET version = ?3 + 1, has_address = ?4, address_street = ?5,"
    " address_city = ?6, address_region = ?7, address_postal_code = ?8, address_country = ?9,"
    " mls_id = ?10, status = ?11, list_price = ?12, close_price = ?13, commission = ?14,"
    " close_date = ?15, updated_at = ?17 WHERE account_id = ?1 AND id = ?2 AND version = ?3",
    bind_property_v,
    read_property_v};

int rp_store_property_create(rp_store *s, rp_property *p) {
  if (!p->id[0]) rp_uuid_v7(p->id);
  p->version = 1;
  return deal_write(s, &property_desc, p, true, p->account_id, p->id, p->contacts, p->n_contacts);
}

int rp_store_property_get(rp_store *s, rp_arena *ar, rp_property *out, const char *account_id,
                          const char *id) {
  return deal_get(s, ar, &property_desc, out, account_id, id, &out->contacts, &out->n_contacts);
}

/* The version check shared by updates: RP_ENOTFOUND or RP_ECONFLICT; a
 * version of -1 checks only that the deal exists. */
static int version_check(rp_store *s, const char *table, const char *account_id, const char *id,
                         int64_t version) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT version FROM %s WHERE account_id = ? AND id = ?", table);
  rp_stmt *st = prepare(s, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  int rc = rp_step(st), ret = 0;
  if (rc == RP_ROW) {
    if (version >= 0 && rp_col_int64(st, 0) != version)
      ret = rp_error_set(RP_ECONFLICT, NULL, "version moved on");
  } else if (rc == RP_DONE) {
    ret = rp_error_set(RP_ENOTFOUND, NULL, "no such %s",
                       strcmp(table, "properties") == 0 ? "property" : "transaction");
  } else {
    ret = rp_sql_error(s, rc, NULL);
  }
  rp_sql_done(st);
  return ret;
}

int rp_store_property_update(rp_store *s, rp_property *p) {
  int rc = version_check(s, "properties", p->account_id, p->id, p->version);
  if (!rc)
    rc = deal_write(s, &property_desc, p, false, p->account_id, p->id, p->contacts, p->n_contacts);
  if (!rc) p->version++;
  return rc;
}

int rp_store_property_delete(rp_store *s, const char *account_id, const char *id) {
  bool sp;
  int rc;
  rp_arena ar = {0};
  rp_property p;
  rc = rp_store_property_get(s, &ar, &p, account_id, id);
  rp_arena_free(&ar);
  if (rc) return rc;
  if ((rc = rp_sql_sp_begin(s, &sp))) return rc;
  rp_stmt *st = prepare(s, "UPDATE transactions SET property_id = NULL WHERE account_id = ?"
                                " AND property_id = ?");
  if (!st) return rp_sql_sp_end(s, sp, rp_error_last()->code);
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, id);
  if ((rc = rp_sql_run(s, st, NULL)) == 0 &&
      (rc = delete_parties(s, account_id, DEAL_PROPERTY, id)) == 0) {
    st = prepare(s, "DELETE FROM properties WHERE account_id = ? AND id = ?");
    if (!st) return rp_sql_sp_end(s, sp, rp_error_last()->code);
    rp_bind_id(st, 1, account_id);
    rp_bind_id(st, 2, id);
    rc = rp_sql_run(s, st, NULL);
  }
  return rp_sql_sp_end(s, sp, rc);
}

/* ---- transactions ---- */

static void bind_tx(rp_stmt *st, const rp_transaction *t) {
  rp_bind_id(st, 1, t->account_id);
  rp_bind_id(st, 2, t->id);
  rp_bind_int64(st, 3, t->version);
  rp_bind_id(st, 4, t->property_id);
  rp_bind_text(st, 5, rp_tx_status_name(t->status));
  bind_money(st, 6, t->has_price, t->price);
  bind_money(st, 7, t->has_commission, t->commission);
  rp_bind_text(st, 8, t->close_date);
  rp_bind_int64(st, 9, t->created_at);
  rp_bind_int64(st, 10, t->updated_at ? t->updated_at : t->created_at);
}

static void read_tx(rp_stmt *st, rp_arena *ar, rp_transaction *t) {
  memset(t, 0, sizeof *t);
  rp_col_id(st, 0, t->account_id);
  rp_col_id(st, 1, t->id);
  t->version = rp_col_int64(st, 2);
  t->property_id = rp_col_id_dup(st, 3, ar);
  rp_tx_status status = RP_TX_PENDING;
  rp_tx_status_parse(&status, (const char *)rp_col_str(st, 4));
  t->status = status;
  t->has_price = col_money(st, 5, &t->price);
  t->has_commission = col_money(st, 6, &t->commission);
  t->close_date = rp_col_text(st, 7, ar);
  t->created_at = rp_col_int64(st, 8);
  t->updated_at = rp_col_int64(st, 9);
}

/* A transaction's property must be a property of the account. */
static int check_property(rp_store *s, const char *account_id, const char *property_id) {
  if (!property_id) return 0;
  rp_stmt *st = prepare(s, "SELECT 1 FROM properties WHERE account_id = ? AND id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, property_id);
  int rc = rp_step(st);
  rp_sql_done(st);
  if (rc == RP_DONE) return rp_error_set(RP_ENOTFOUND, "property_id", "no such property");
  return rc == RP_ROW ? 0 : rp_sql_error(s, rc, NULL);
}

static void bind_tx_v(rp_stmt *st, const void *t) { bind_tx(st, t); }
static void read_tx_v(rp_stmt *st, rp_arena *ar, void *out) { read_tx(st, ar, out); }

static const deal_desc tx_desc = {
    DEAL_TX,
    "SELECT " TX_COLS " FROM transactions WHERE account_id = ? AND id = ?",
    "INSERT INTO transactions (" TX_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "UPDATE transactions SET version = ?3 + 1, property_id = ?4, status = ?5, price = ?6,"
    " commission = ?7, close_date = ?8, updated_at = ?10"
    " WHERE account_id = ?1 AND id = ?2 AND version = ?3",
    bind_tx_v,
    read_tx_v};

int rp_store_transaction_create(rp_store *s, rp_transaction *t) {
  if (!t->id[0]) rp_uuid_v7(t->id);
  t->version = 1;
  int rc = check_property(s, t->account_id, t->property_id);
  if (rc) return rc;
  return deal_write(s, &tx_desc, t, true, t->account_id, t->id, t->contacts, t->n_contacts);
}

int rp_store_transaction_get(rp_store *s, rp_arena *ar, rp_transaction *out, const char *account_id,
                             const char *id) {
  return deal_get(s, ar, &tx_desc, out, account_id, id, &out->contacts, &out->n_contacts);
}

int rp_store_transaction_update(rp_store *s, rp_transaction *t) {
  int rc = version_check(s, "transactions", t->account_id, t->id, t->version);
  if (!rc) rc = check_property(s, t->account_id, t->property_id);
  if (!rc) rc = deal_write(s, &tx_desc, t, false, t->account_id, t->id, t->contacts, t->n_contacts);
  if (!rc) t->version++;
  return rc;
}

int rp_store_transaction_delete(rp_store *s, const char *account_id, const char *id) {
  bool sp;
  int rc = version_check(s, "transactions", account_id, id, -1);
  if (rc) return rc;
  if ((rc = rp_sql_sp_begin(s, &sp))) return rc;
  if ((rc = delete_parties(s, account_id, DEAL_TX, id)) == 0) {
    rp_stmt *st = prepare(s, "DELETE FROM transactions WHERE account_id = ? AND id = ?");
    if (!st) return rp_sql_sp_end(s, sp, rp_error_last()->code);
    rp_bind_id(st, 1, account_id);
    rp_bind_id(st, 2, id);
    rc = rp_sql_run(s, st, NULL);
  }
  return rp_sql_sp_end(s, sp, rc);
}

/* ---- lists ---- */

/* One page of deals of one kind, newest first. The caller reads each row
 * with its reader into an array of elem_size. */
typedef void (*row_reader)(rp_stmt *st, rp_arena *ar, void *out);

static int list_deals(rp_store *s, rp_arena *ar, const rp_deal_query *q, deal_kind k, void **items,
                      size_t elem, size_t *n, char **next_cursor, int64_t *total) {
  const char *table = k == DEAL_PROPERTY ? "properties" : "transactions";
  const char *cols = k == DEAL_PROPERTY ? PROPERTY_COLS : TX_COLS;
  int status_count = k == DEAL_PROPERTY ? RP_PROP_COUNT : RP_TX_COUNT;
  char ckind = k == DEAL_PROPERTY ? 'P' : 'T';
  rp_sb where = {0}, sql = {0};
  int ret = 0, rc;
  rp_cursor cur;
  *items = NULL;
  *n = 0;
  *next_cursor = NULL;
  if (total) *total = 0;
  int limit = q->limit < 1 ? 50 : q->limit > 500 ? 500 : q->limit;
  if (q->cursor && (ret = rp_cursor_decode(ar, q->cursor, ckind, 0, true, &cur))) return ret;
  if (q->cursor && cur.vtype != 'i')
    return rp_error_set(RP_EINVALID_VALUE, "cursor", "malformed cursor");

  /* ?1 account, ?2 contact, ?3 kind, ?4 cursor time, ?5 cursor id, ?6 limit */
  rp_sb_puts(&where, "d.account_id = ?1");
  if (q->status_mask) {
    rp_sb_puts(&where, " AND d.status IN (");
    int c = 0;
    for (int v = 0; v < status_count; v++)
      if (q->status_mask & (1u << v))
        rp_sb_printf(&where, "%s'%s'", c++ ? ", " : "",
                     k == DEAL_PROPERTY ? rp_property_status_name((rp_property_status)v)
                                        : rp_tx_status_name((rp_tx_status)v));
    rp_sb_puts(&where, c ? ")" : "NULL)");
  }
  if (q->contact_id)
    rp_sb_puts(&where, " AND d.id IN (SELECT p.deal_id FROM deal_parties p"
                       " INDEXED BY deal_parties_contact WHERE p.account_id = ?1"
                       " AND p.contact_id = ?2 AND p.deal_kind = ?3)");
  if (q->count && total) {
    rp_sb_printf(&sql, "SELECT count(*) FROM %s d WHERE %s", table, rp_sb_str(&where));
    rp_stmt *st = prepare(s, rp_sb_str(&sql));
    if (!st) {
      ret = rp_error_last()->code;
      goto cleanup;
    }
    rp_bind_id(st, 1, q->account_id);
    if (q->contact_id) {
      rp_bind_id(st, 2, q->contact_id);
      rp_bind_text(st, 3, kind_name(k));
    }
    rc = rp_step(st);
    if (rc == RP_ROW)
      *total = rp_col_int64(st, 0);
    else
      ret = rp_sql_error(s, rc, NULL);
    rp_sql_done(st);
    if (ret) goto cleanup;
  }
  rp_sb_reset(&sql);
  rp_sb_printf(&sql, "SELECT %s FROM %s d WHERE %s", cols, table, rp_sb_str(&where));
  if (q->cursor) rp_sb_puts(&sql, " AND (d.created_at, d.id) < (?4, ?5)");
  rp_sb_puts(&sql, " ORDER BY d.created_at DESC, d.id DESC LIMIT ?6");
  rp_stmt *st = prepare(s, rp_sb_str(&sql));
  if (!st) {
    ret = rp_error_last()->code;
    goto cleanup;
  }
  rp_bind_id(st, 1, q->account_id);
  if (q->contact_id) {
    rp_bind_id(st, 2, q->contact_id);
    rp_bind_text(st, 3, kind_name(k));
  }
  if (q->cursor) {
    rp_bind_int64(st, 4, cur.i);
    rp_bind_id(st, 5, cur.id);
  }
  rp_bind_int(st, 6, limit + 1);
  unsigned char *arr = rp_arena_alloc(ar, elem * (size_t)(limit + 1));
  size_t got = 0;
  while ((rc = rp_step(st)) == RP_ROW)
    (k == DEAL_PROPERTY ? read_property_v : read_tx_v)(st, ar, arr + elem * got++);
  rp_sql_done(st);
  if (rc != RP_DONE) {
    ret = rp_sql_error(s, rc, NULL);
    goto cleanup;
  }
  if (got > (size_t)limit) {
    got = (size_t)limit;
    const unsigned char *last = arr + elem * (got - 1);
    rp_cursor c = {.kind = ckind, .sort = 0, .desc = true, .vtype = 'i'};
    if (k == DEAL_PROPERTY) {
      const rp_property *p = (const rp_property *)last;
      c.i = p->created_at;
      rp_id_copy(c.id, p->id);
    } else {
      const rp_transaction *t = (const rp_transaction *)last;
      c.i = t->created_at;
      rp_id_copy(c.id, t->id);
    }
    *next_cursor = rp_cursor_encode(ar, &c);
  }
  for (size_t i = 0; i < got && !ret; i++) {
    if (k == DEAL_PROPERTY) {
      rp_property *p = (rp_property *)(arr + elem * i);
      ret = read_parties(s, ar, q->account_id, k, p->id, &p->contacts, &p->n_contacts);
    } else {
      rp_transaction *t = (rp_transaction *)(arr + elem * i);
      ret = read_parties(s, ar, q->account_id, k, t->id, &t->contacts, &t->n_contacts);
    }
  }
  *items = arr;
  *n = got;
cleanup:
  rp_sb_free(&where);
  rp_sb_free(&sql);
  return ret;
}

int rp_store_property_list(rp_store *s, rp_arena *ar, const rp_deal_query *q, rp_property **items,
                           size_t *n, char **next_cursor, int64_t *total) {
  void *v;
  int rc = list_deals(s, ar, q, DEAL_PROPERTY, &v, sizeof(rp_property), n, next_cursor, total);
  *items = v;
  return rc;
}

int rp_store_transaction_list(rp_store *s, rp_arena *ar, const rp_deal_query *q,
                              rp_transaction **items, size_t *n, char **next_cursor,
                              int64_t *total) {
  void *v;
  int rc = list_deals(s, ar, q, DEAL_TX, &v, sizeof(rp_transaction), n, next_cursor, total);
  *items = v;
  return rc;
}

/* ---- the counts the rules read ---- */

int rp_store_contact_deal_counts(rp_store *s, const char *account_id, const char *contact_id,
                                 rp_deal_counts *out) {
  /* The contact's deals as buyer or seller: kind, id, status, property. */
  rp_stmt *st =
      prepare(s, "SELECT 'p', x.id, x.status, NULL FROM deal_parties dp"
                 " INDEXED BY deal_parties_contact JOIN properties x"
                 " ON x.account_id = dp.account_id AND x.id = dp.deal_id"
                 " WHERE dp.account_id = ?1 AND dp.contact_id = ?2 AND dp.deal_kind = 'property'"
                 " AND dp.role IN ('buyer', 'seller')"
                 " UNION"
                 " SELECT 't', t.id, t.status, t.property_id FROM deal_parties dp"
                 " INDEXED BY deal_parties_contact JOIN transactions t"
                 " ON t.account_id = dp.account_id AND t.id = dp.deal_id"
                 " WHERE dp.account_id = ?1 AND dp.contact_id = ?2 AND dp.deal_kind = 'transaction'"
                 " AND dp.role IN ('buyer', 'seller')");
  *out = (rp_deal_counts){0, 0, 0};
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, contact_id);
  /* Closed properties, to count a closed transaction selling one of them
   * once (DOMAIN.md: one closed deal for a contact party to both). */
  enum { MAXD = 256 };
  char closed_props[MAXD][RP_ID_LEN];
  char tx_props[MAXD][RP_ID_LEN];
  size_t n_props = 0, n_tx = 0;
  int rc;
  while ((rc = rp_step(st)) == RP_ROW) {
    const char *kind = (const char *)rp_col_str(st, 0);
    const char *status = (const char *)rp_col_str(st, 2);
    rp_deal_state state;
    if (kind[0] == 'p') {
      rp_property_status v = RP_PROP_ACTIVE;
      rp_property_status_parse(&v, status);
      state = rp_property_state(v);
      if (state == RP_DEAL_CLOSED && n_props < MAXD) rp_col_id(st, 1, closed_props[n_props++]);
    } else {
      rp_tx_status v = RP_TX_PENDING;
      rp_tx_status_parse(&v, status);
      state = rp_tx_state(v);
      if (state == RP_DEAL_CLOSED && rp_col_type(st, 3) != RP_NULL && n_tx < MAXD)
        rp_col_id(st, 3, tx_props[n_tx++]);
    }
    if (state == RP_DEAL_OPEN) out->open++;
    if (state == RP_DEAL_CLOSED) out->closed++;
    if (state == RP_DEAL_DEAD) out->dead++;
  }
  rp_sql_done(st);
  if (rc != RP_DONE) return rp_sql_error(s, rc, NULL);
  for (size_t i = 0; i < n_tx; i++)
    for (size_t j = 0; j < n_props; j++)
      if (strcmp(tx_props[i], closed_props[j]) == 0) {
        out->closed--;
        break;
      }
  return 0;
}

int rp_store_account_update_settings(rp_store *s, const char *account_id, const char *settings_json,
                                     const char *default_region) {
  rp_stmt *st = prepare(s, "UPDATE accounts SET settings_json = ?, default_region = ?"
                                " WHERE id = ?");
  if (!st) return rp_error_last()->code;
  rp_bind_text(st, 1, settings_json ? settings_json : "{}");
  rp_bind_text(st, 2, default_region ? default_region : "US");
  rp_bind_id(st, 3, account_id);
  int rc = rp_sql_run(s, st, NULL);
  if (rc) return rc;
  if (rp_sql_changes(s) == 0) return rp_error_set(RP_ENOTFOUND, NULL, "no such account");
  return 0;
}
