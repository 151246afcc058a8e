/* deal_json.h: JSON <-> rp_property / rp_transaction (API.md Deals), with
 * the validation of every writable field.
 *
 * Pure of I/O, as contact_json.h: the arena and the time come in, so these
 * run without a server or a database (unit tests, importers). Errors follow
 * util/error.h with the field as a JSON path ("contacts[1].role",
 * "address.city"). Whether a contact_id or property_id names something of
 * the account is the store's check (RP_ENOTFOUND with that field). */
#ifndef RP_DEAL_JSON_H
#define RP_DEAL_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "core/model.h"
#include "util/arena.h"

#define RP_DJ_PARTIES_MAX 50 /* contacts of one deal */
#define RP_DJ_MLS_MAX 64     /* characters of mls_id */
#define RP_DJ_MONEY_MAX 1e15 /* largest amount accepted */

/* Parses a property body (a JSON object) into *out, strings in ar.
 * Writable keys: address ({street, city, region, postal_code, country} or
 * null), mls_id, status, list_price, close_price, close_date, commission,
 * contacts ([{contact_id, role}]). A read-only key (id, version,
 * created_at, updated_at) is RP_EINVALID_VALUE "is read-only", any other
 * unknown key RP_EUNKNOWN_FIELD. status defaults to active; money is a
 * number >= 0 or null; close_date is YYYY-MM-DD; a status of closed without
 * a close_date gets the UTC day of now (API.md "closes it today"). In
 * contacts, contact_id (a UUID) and role (buyer, seller, other) are
 * required, and one contact may not appear twice with the same role. Ids,
 * version and timestamps are the caller's. */
int rp_property_from_json(rp_property *out, const json_t *body, rp_time now, rp_arena *ar);

/* The same for a transaction: writable keys property_id (a UUID or null),
 * status (default pending), price, close_date, commission, contacts. */
int rp_transaction_from_json(rp_transaction *out, const json_t *body, rp_time now, rp_arena *ar);

/* Renders a property {id, version, address, mls_id, status, list_price,
 * close_price, close_date, commission, contacts, created_at, updated_at}
 * with every key present (null where absent). The caller owns the result. */
json_t *rp_property_to_json(const rp_property *p);

/* Renders a transaction {id, version, property_id, status, price,
 * close_date, commission, contacts, created_at, updated_at}. The caller
 * owns the result. */
json_t *rp_transaction_to_json(const rp_transaction *t);

/* True when key is read-only in a deal (id, version, created_at,
 * updated_at), for rp_json_check_readonly on PATCH. */
bool rp_deal_key_readonly(const char *key);

/* The time a contact's timeline places a deal at: midnight UTC of its
 * close date when it is closed, else its created_at. */
rp_time rp_property_timeline_at(const rp_property *p);
rp_time rp_transaction_timeline_at(const rp_transaction *t);

#endif
