/* contact_json.h: JSON <-> rp_contact / rp_activity (API.md Contacts,
 * Activities), with the validation of every writable field, and RFC 7396
 * merge patch.
 *
 * Pure of I/O: the parse and render functions take the arena and the
 * account's default region explicitly, so they run without a server or a
 * database (unit tests, fuzz driver, importers). Errors follow util/error.h:
 * a negative RP_E* code, with the thread error naming the field as a JSON
 * path ("emails[1].address", "address.city", "tags[3]"). */
#ifndef RP_CONTACT_JSON_H
#define RP_CONTACT_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "core/model.h"
#include "util/arena.h"

/* Which of the rule-driven fields the body named with a non-null value
 * (DOMAIN.md L1 "a status given explicitly on create wins", M3 history). */
typedef struct rp_contact_given {
  bool status, stage, category, type;
} rp_contact_given;

/* Bounds of the writable fields (API.md Contacts; the lead's limits). */
#define RP_CJ_NAME_MAX 200    /* characters: names, company, partner ... */
#define RP_CJ_NOTES_MAX 65536 /* bytes */
#define RP_CJ_LIST_MAX 20     /* emails, phones, social entries */
#define RP_CJ_TAGS_MAX 100
#define RP_CJ_TAG_MAX 64      /* characters */
#define RP_CJ_CUSTOM_MAX 50   /* keys */
#define RP_CJ_SUBJECT_MAX 500 /* characters */
#define RP_CJ_BODY_MAX 65536  /* bytes */

/* Parses a contact body (a JSON object) into *out, allocating every string
 * in ar. Only the writable keys of API.md are accepted: a read-only key is
 * RP_EINVALID_VALUE "is read-only", any other unknown key RP_EUNKNOWN_FIELD,
 * both with the key as the field. Each value is checked (type, enum, bounds,
 * email syntax, phone normalised to E.164 with default_region, dates, URLs);
 * strings are trimmed and "" means null. A contact needs a first name, last
 * name, company, email or phone (RP_EVALIDATION otherwise).
 *
 * Absent or null keys get the defaults of DOMAIN.md's vocabulary (category
 * none, type client, intent none, custom "{}"); status and stage are left
 * at none and flagged in *given (may be NULL) so the caller applies L1/S1-S5
 * (rp_contact_apply_create_rules). Ids, version, timestamps, known_since and
 * owner_id defaults are the caller's. */
int rp_contact_from_json(rp_contact *out, rp_contact_given *given, const json_t *body,
                         const char *default_region, rp_arena *ar);

/* Renders c as the contact object of API.md: exactly its keys, in its
 * order, every key present (null where absent). Timestamps RFC 3339, score
 * with one decimal. The caller owns the result (json_decref). */
json_t *rp_contact_to_json(const rp_contact *c);

/* An address object {street, city, region, postal_code, country}, or JSON
 * null when has is false. The caller owns the result. */
json_t *rp_address_to_json(bool has, const rp_address *a);

/* True when key is one of the contact's read-only keys (API.md). */
bool rp_contact_key_readonly(const char *key);

/* For PATCH: every read-only key the patch names must carry the value it
 * has in current (the contact as rp_contact_to_json rendered it), so a
 * client may send back what it read; otherwise RP_EINVALID_VALUE
 * "is read-only" with the key as the field. Numbers compare by value. */
int rp_json_check_readonly(const json_t *patch, const json_t *current,
                           bool (*is_readonly)(const char *key));

/* RFC 7396 JSON merge patch: returns target with patch applied (a null
 * member removes the key, objects merge recursively, anything else
 * replaces). Steals target (which may be NULL); the caller owns the result.
 * patch is only read. */
json_t *rp_json_merge_patch(json_t *target, const json_t *patch);

/* Equality of two JSON values where numbers compare by value (1 == 1.0). */
bool rp_json_equal_num(const json_t *a, const json_t *b);

/* Parses an activity body into *out (strings in ar). Writable keys:
 * contact_id, kind, direction, occurred_at, subject, body, duration_s,
 * importance, source; read-only keys (id, version, created_at, updated_at)
 * are RP_EINVALID_VALUE, others RP_EUNKNOWN_FIELD. contact_id and kind are
 * required. direction defaults to outbound for email/sms/call/social,
 * inbound for web, none otherwise; web must be inbound (a web form is
 * one-way, DOMAIN.md L2). occurred_at defaults to now;
 * duration_s is an integer >= 0 (absent: -1); importance defaults to
 * normal. */
int rp_activity_from_json(rp_activity *out, const json_t *body, rp_time now, rp_arena *ar);

/* Renders an activity: {id, contact_id, kind, direction, occurred_at,
 * subject, body, duration_s, importance, source, created_at, updated_at,
 * version}. The caller owns the result. */
json_t *rp_activity_to_json(const rp_activity *a);

/* True when key is one of the activity's read-only keys. */
bool rp_activity_key_readonly(const char *key);

/* Renders a history row {field, from, to, rule, actor, at}. */
json_t *rp_history_to_json(const rp_history *h);

/* ---- helpers the contact and activity handlers share (contacts.c) ---- */

struct rp_req;

/* The user id whose view of the account is limited (DOMAIN.md ownership:
 * an agent or assistant sees the contacts it owns and the team's, those
 * with no owner), or NULL for owners and admins, who see everything. */
const char *rp_req_visible_to(struct rp_req *r);
/* rp_store_contact_get limited to what the caller may see: a contact
 * another agent owns is RP_ENOTFOUND, as another account's is. */
int rp_req_contact_get(struct rp_req *r, rp_contact *out, const char *id);

struct rp_lifecycle;
/* Starts the lifecycle (src/jobs/lifecycle.h: rules, history, derived
 * fields) for this request: the account's automation switches, the acting
 * user, r->now. Every contact, activity and deal write goes through it. */
int rp_req_lifecycle(struct rp_req *r, struct rp_lifecycle *lc);

/* Sets c->overdue for time now from its stored last_touch_at (A4). */
void rp_contact_fill_overdue(rp_contact *c, rp_time now);

/* Honours If-Match on a write: absent or "*" passes; "3", "\"3\"",
 * W/"3" or a comma list of them must name version, else RP_EPRECONDITION;
 * anything else is RP_EINVALID_VALUE (field If-Match). */
int rp_contacts_if_match(struct rp_req *r, int64_t version);

/* Adds the `ETag: "<version>"` header. */
void rp_contacts_etag(struct rp_req *r, int64_t version);

#endif
