/* model.h: the domain's plain structs and enums (DOMAIN.md vocabulary).
 *
 * These are the structs the store keeps and the HTTP layer maps to JSON.
 * Ownership: every pointer inside a struct points into the arena of whoever
 * filled it (a request, a CLI command); nothing here is freed one by one.
 * A NULL string is an absent (JSON null) value. Times are rp_time seconds,
 * 0 meaning absent. Dates ("YYYY-MM-DD") are kept as strings. */
#ifndef RP_MODEL_H
#define RP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/uuid.h"

/* Enums. Each has a _COUNT and string tables in enums.c; the JSON values are
 * the lower-case names of DOMAIN.md. */
typedef enum { RP_STATUS_NONE, RP_STATUS_SUSPECT, RP_STATUS_PROSPECT, RP_STATUS_LEAD,
               RP_STATUS_CLIENT, RP_STATUS_PAST_CLIENT, RP_STATUS_COUNT } rp_status;
typedef enum { RP_STAGE_NONE, RP_STAGE_AWARE, RP_STAGE_KNOW, RP_STAGE_LIKE, RP_STAGE_TRUST,
               RP_STAGE_COUNT } rp_stage;
typedef enum { RP_CATEGORY_NONE, RP_CATEGORY_A, RP_CATEGORY_B, RP_CATEGORY_C, RP_CATEGORY_D,
               RP_CATEGORY_COUNT } rp_category;
typedef enum { RP_TYPE_CLIENT, RP_TYPE_AGENT, RP_TYPE_FARM, RP_TYPE_PERSONAL, RP_TYPE_PROSPECT,
               RP_TYPE_VENDOR, RP_TYPE_HIDDEN, RP_TYPE_COUNT } rp_ctype;
typedef enum { RP_INTENT_NONE, RP_INTENT_BUY, RP_INTENT_SELL, RP_INTENT_BUY_SELL,
               RP_INTENT_COUNT } rp_intent;
typedef enum { RP_KIND_EMAIL, RP_KIND_SMS, RP_KIND_CALL, RP_KIND_SOCIAL, RP_KIND_MEETING,
               RP_KIND_VISIT, RP_KIND_MEAL, RP_KIND_PARTY, RP_KIND_CARD, RP_KIND_NOTE,
               RP_KIND_WEB, RP_KIND_COUNT } rp_activity_kind;
typedef enum { RP_DIR_NONE, RP_DIR_INBOUND, RP_DIR_OUTBOUND, RP_DIR_COUNT } rp_direction;
typedef enum { RP_IMPORTANCE_NORMAL, RP_IMPORTANCE_HIGH, RP_IMPORTANCE_COUNT } rp_importance;
typedef enum { RP_ROLE_OWNER, RP_ROLE_ADMIN, RP_ROLE_AGENT, RP_ROLE_ASSISTANT,
               RP_ROLE_COUNT } rp_role;
typedef enum { RP_PROP_PRE_LISTING, RP_PROP_ACTIVE, RP_PROP_PENDING, RP_PROP_CLOSED,
               RP_PROP_WITHDRAWN, RP_PROP_EXPIRED, RP_PROP_CANCELED,
               RP_PROP_COUNT } rp_property_status;
typedef enum { RP_TX_PENDING, RP_TX_CONTINGENCY, RP_TX_CLEAR_TO_CLOSE, RP_TX_CLOSED,
               RP_TX_CANCELED, RP_TX_COUNT } rp_tx_status;
typedef enum { RP_DEAL_BUYER, RP_DEAL_SELLER, RP_DEAL_OTHER, RP_DEAL_ROLE_COUNT } rp_deal_role;
/* DOMAIN.md: a deal is open, closed or dead by its status. */
typedef enum { RP_DEAL_OPEN, RP_DEAL_CLOSED, RP_DEAL_DEAD } rp_deal_state;

/* Enum <-> string. *_name never returns NULL for a valid value; *_parse
 * returns 0 and sets *out, or -1 for an unknown name (exact, lower case). */
const char *rp_status_name(rp_status v);
int rp_status_parse(rp_status *out, const char *s);
const char *rp_stage_name(rp_stage v);
int rp_stage_parse(rp_stage *out, const char *s);
const char *rp_category_name(rp_category v);
int rp_category_parse(rp_category *out, const char *s);
const char *rp_ctype_name(rp_ctype v);
int rp_ctype_parse(rp_ctype *out, const char *s);
const char *rp_intent_name(rp_intent v);
int rp_intent_parse(rp_intent *out, const char *s);
const char *rp_kind_name(rp_activity_kind v);
int rp_kind_parse(rp_activity_kind *out, const char *s);
const char *rp_direction_name(rp_direction v);
int rp_direction_parse(rp_direction *out, const char *s);
const char *rp_importance_name(rp_importance v);
int rp_importance_parse(rp_importance *out, const char *s);
const char *rp_role_name(rp_role v);
int rp_role_parse(rp_role *out, const char *s);
const char *rp_property_status_name(rp_property_status v);
int rp_property_status_parse(rp_property_status *out, const char *s);
const char *rp_tx_status_name(rp_tx_status v);
int rp_tx_status_parse(rp_tx_status *out, const char *s);
const char *rp_deal_role_name(rp_deal_role v);
int rp_deal_role_parse(rp_deal_role *out, const char *s);
/* Open (pre_listing, active, pending), closed, or dead (withdrawn, expired,
 * canceled) -- DOMAIN.md vocabulary. */
rp_deal_state rp_property_state(rp_property_status v);
rp_deal_state rp_tx_state(rp_tx_status v);

typedef struct rp_account {
  char id[RP_ID_LEN];
  const char *name;
  const char *default_region; /* ISO 3166 alpha-2, "US" by default */
  const char *settings_json;  /* the settings object as JSON text ("{}") */
  rp_time created_at;
} rp_account;

typedef struct rp_user {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  int64_t version;
  const char *email; /* lower-cased; unique across all accounts (login key) */
  const char *name;
  const char *phone; /* E.164 or NULL */
  rp_role role;
  const char *password_hash; /* argon2id string; never leaves the server */
  rp_time created_at, updated_at, disabled_at;
} rp_user;

/* A login session or an API token. Only the hash of the secret is kept. */
typedef enum { RP_TOKEN_SESSION, RP_TOKEN_API } rp_token_kind;
typedef struct rp_token {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  char user_id[RP_ID_LEN];
  rp_token_kind kind;
  const char *name;   /* API tokens: the name given; sessions: NULL */
  char hash[65];      /* hex of BLAKE2b-256 of the secret */
  rp_time created_at, expires_at /* 0 = never */, last_used_at;
} rp_token;

typedef struct rp_email {
  const char *address; /* as typed, trimmed; matching uses the lower-cased form */
  const char *label;   /* "home", "work", ... or NULL */
} rp_email;

typedef struct rp_phone {
  const char *number; /* E.164, "+15551234567" */
  const char *label;
} rp_phone;

typedef struct rp_address {
  const char *street, *city, *region, *postal_code, *country;
} rp_address;

typedef struct rp_contact {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  int64_t version;
  const char *first_name, *last_name;
  const char *display_name; /* derived: "First Last", else company, email, phone */
  rp_email *emails;
  size_t n_emails;
  rp_phone *phones;
  size_t n_phones;
  bool has_address; /* false: "address": null */
  rp_address address;
  const char *company, *website;
  const char **social; /* URLs */
  size_t n_social;
  const char *birthday, *anniversary; /* "YYYY-MM-DD" or "--MM-DD" (no year) */
  const char *partner, *children, *pets, *interests, *notes;
  const char *custom_json; /* a JSON object as text, "{}" when empty */
  rp_status status;
  rp_stage stage;
  rp_category category;
  rp_ctype type;
  rp_intent intent;
  const char *timeframe; /* "YYYY-MM-DD" or NULL */
  bool has_budget;
  double budget;
  const char **tags; /* lower-cased, trimmed, unique */
  size_t n_tags;
  const char *source;
  const char *referred_by; /* a contact id of the same account, or NULL */
  int64_t referral_count;  /* read-only (C1) */
  const char *known_since; /* "YYYY-MM-DD"; defaults to the creation day */
  const char *last_purchase_date, *last_sale_date;
  int64_t contact_interval_days; /* 0 = not set by hand */
  bool sms_opt_out, email_opt_out;
  const char *owner_id; /* a user id of the same account, or NULL */
  /* Not in the JSON: the status the contact had before L4 made it a client
   * (DOMAIN.md L5 returns to it when every deal went dead). */
  rp_status status_before_client;
  double score;         /* read-only, 0..100, one decimal */
  rp_time last_touch_at; /* read-only; 0 = never */
  bool overdue;          /* read-only */
  rp_time created_at, updated_at, archived_at;
} rp_contact;

typedef struct rp_activity {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  char contact_id[RP_ID_LEN];
  int64_t version;
  rp_activity_kind kind;
  rp_direction direction;
  rp_time occurred_at;
  const char *subject, *body;
  int64_t duration_s; /* -1 = absent */
  rp_importance importance;
  const char *source;
  const char *owner_id; /* who logged it (user id) or NULL */
  rp_time created_at, updated_at;
} rp_activity;

/* A contact's part in a deal. */
typedef struct rp_deal_party {
  char contact_id[RP_ID_LEN];
  rp_deal_role role;
} rp_deal_party;

/* A listing (API.md Deals, /properties). Money is a number in the
 * account's currency; has_* false means null. */
typedef struct rp_property {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  int64_t version;
  bool has_address;
  rp_address address;
  const char *mls_id;
  rp_property_status status;
  bool has_list_price, has_close_price, has_commission;
  double list_price, close_price, commission;
  const char *close_date; /* "YYYY-MM-DD" or NULL */
  rp_deal_party *contacts;
  size_t n_contacts;
  rp_time created_at, updated_at;
} rp_property;

/* A transaction (API.md Deals, /transactions); may name the property it
 * sells. */
typedef struct rp_transaction {
  char id[RP_ID_LEN];
  char account_id[RP_ID_LEN];
  int64_t version;
  const char *property_id; /* or NULL */
  rp_tx_status status;
  bool has_price, has_commission;
  double price, commission;
  const char *close_date;
  rp_deal_party *contacts;
  size_t n_contacts;
  rp_time created_at, updated_at;
} rp_transaction;

/* One row of the change history (DOMAIN.md M3). */
typedef struct rp_history {
  char id[RP_ID_LEN];
  char contact_id[RP_ID_LEN];
  const char *field; /* status, stage, category, type */
  const char *from, *to;
  const char *rule;  /* "L2", ..., or "manual" */
  const char *actor; /* user id, or NULL for the system */
  rp_time at;
} rp_history;

#endif
