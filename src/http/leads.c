/* leads.c: lead capture (API.md "Lead capture"; DOMAIN.md A1, L1, L2):
 * POST /api/v1/leads (authenticated, strict JSON), the public POST
 * /capture/{key} of a web form (JSON or form-encoded, CORS for the agent's
 * own site, a honeypot, a rate limit per client address) and its OPTIONS
 * preflight, the forms themselves (/api/v1/capture-forms), and the
 * dashboard's speed to lead.
 *
 * A capture matches a live contact of the account by email, else by phone:
 * that contact gets a `web` activity and the lead's fields fill its empty
 * ones. Otherwise a new contact is made as POST /contacts makes one (L1: a
 * suspect; history; contact_created), owned as settings.routing says, and
 * gets the `web` activity; then the lead_captured event starts the
 * speed-to-lead workflow. All of it in the request's transaction (M4). */
#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "core/email.h"
#include "core/phone.h"
#include "http/contact_json.h"
#include "http/handlers.h"
#include "http/settings_json.h"
#include "jobs/lifecycle.h"
#include "jobs/workflows.h"
#include "util/error.h"
#include "util/form.h"
#include "util/text.h"

#define LEAD_SUBJECT "Web inquiry"
#define LEAD_SOURCE "website"
#define FORM_NAME_DEFAULT "Website form"
#define FORMS_MAX 100   /* forms per account */
#define ORIGINS_MAX 20  /* allowed_origins per form */
#define ORIGIN_MAX 200  /* bytes of one origin */
#define KEY_HEX 32      /* a form key: 16 random bytes in hex */
#define RATE_WINDOW 600 /* seconds */
#define RATE_MAX 10     /* captures per window, client address and form */
#define SPEED_WINDOW (30 * 86400)

/* ---- the lead a request gives ---- */

enum { K_FIRST, K_LAST, K_EMAIL, K_PHONE, K_MESSAGE, K_SOURCE, K_INTENT, K_COUNT };
static const char *const lead_keys[K_COUNT] = {"first_name", "last_name", "email", "phone",
                                               "message",    "source",    "intent"};
/* Fields a person never fills (hidden by the site's CSS): a bot that fills
 * every input gives itself away. */
static const char *const honeypots[] = {"website", "company_website"};

typedef struct lead_raw {
  const char *v[K_COUNT]; /* NULL: absent */
  size_t len[K_COUNT];
  bool honeypot;
} lead_raw;

typedef struct lead {
  const char *first_name, *last_name, *message, *source;
  bool has_email, has_phone, has_intent;
  char email[256], email_key[256];
  char phone[RP_PHONE_MAX];
  rp_intent intent;
} lead;

static int key_index(const char *name, size_t len) {
  for (int k = 0; k < K_COUNT; k++)
    if (strlen(lead_keys[k]) == len && memcmp(lead_keys[k], name, len) == 0) return k;
  return -1;
}

static bool is_honeypot(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof honeypots / sizeof honeypots[0]; i++)
    if (strlen(honeypots[i]) == len && memcmp(honeypots[i], name, len) == 0) return true;
  return false;
}

static bool blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (!isspace((unsigned char)p[i])) return false;
  return true;
}

/* Reads a JSON body: each key of the lead a string or null. strict
 * (/api/v1/leads): any other key is RP_EUNKNOWN_FIELD; else (a web form's
 * JSON) other keys are ignored but the honeypots are looked at. */
static int raw_from_json(lead_raw *raw, const json_t *body, bool strict) {
  const char *k;
  json_t *v;
  memset(raw, 0, sizeof *raw);
  json_object_foreach((json_t *)body, k, v) {
    int i = key_index(k, strlen(k));
    if (i < 0) {
      if (strict) return rp_error_set(RP_EUNKNOWN_FIELD, k, "unknown field '%.100s'", k);
      if (is_honeypot(k, strlen(k)) && !json_is_null(v) &&
          (!json_is_string(v) || !blank(json_string_value(v), json_string_length(v))))
        raw->honeypot = true;
      continue;
    }
    if (json_is_null(v)) continue;
    if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, k, "must be a string or null");
    raw->v[i] = json_string_value(v);
    raw->len[i] = json_string_length(v);
  }
  return 0;
}

/* Reads a form-encoded body (util/form.h): the lead's fields (each at most
 * once), the honeypots; anything else a web form carries is ignored. */
static int raw_from_form(lead_raw *raw, rp_req *r) {
  rp_form_field *f;
  size_t n;
  memset(raw, 0, sizeof *raw);
  int rc = rp_form_parse(&f, &n, r->body, r->body_len, &r->arena);
  if (rc) return rc;
  for (size_t j = 0; j < n; j++) {
    int i = key_index(f[j].name, f[j].name_len);
    if (i < 0) {
      if (is_honeypot(f[j].name, f[j].name_len) && !blank(f[j].value, f[j].value_len))
        raw->honeypot = true;
      continue;
    }
    if (raw->v[i])
      return rp_error_set(RP_EINVALID_VALUE, lead_keys[i], "%s is given twice", lead_keys[i]);
    if (!rp_utf8_valid(f[j].value, f[j].value_len))
      return rp_error_set(RP_EINVALID_VALUE, lead_keys[i], "must be UTF-8 text without NUL");
    raw->v[i] = f[j].value;
    raw->len[i] = f[j].value_len;
  }
  return 0;
}

static size_t utf8_chars(const char *p, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)p[i] & 0xc0) != 0x80) n++;
  return n;
}

/* A text value trimmed ("" gives NULL), at most max_chars code points (and
 * max_bytes bytes), without control characters (but line breaks and tabs
 * when multiline). */
static int text_of(const char **out, const lead_raw *raw, int k, size_t max_chars, size_t max_bytes,
                   bool multiline, rp_arena *ar) {
  *out = NULL;
  const char *p = raw->v[k];
  size_t len = raw->len[k];
  if (!p) return 0;
  while (len && isspace((unsigned char)p[0]))
    p++, len--;
  while (len && isspace((unsigned char)p[len - 1]))
    len--;
  if (!len) return 0;
  if (len > max_bytes || utf8_chars(p, len) > max_chars)
    return rp_error_set(RP_EINVALID_VALUE, lead_keys[k], "is too long (at most %zu characters)",
                        max_chars);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if ((c < 0x20 || c == 0x7f) && (!multiline || (c != '\n' && c != '\r' && c != '\t')))
      return rp_error_set(RP_EINVALID_VALUE, lead_keys[k], "must not contain control characters");
  }
  *out = rp_arena_strndup(ar, p, len);
  return 0;
}

/* Checks the lead: names, source (single lines of at most 200
 * characters), message, the email's syntax, the phone to E.164 with the
 * account's default region, intent one of DOMAIN.md's; an email or a
 * phone is required (RP_EVALIDATION). */
static int lead_check(lead *l, const lead_raw *raw, const char *region, rp_arena *ar) {
  const char *email, *phone, *intent;
  int rc;
  memset(l, 0, sizeof *l);
  if ((rc = text_of(&l->first_name, raw, K_FIRST, RP_CJ_NAME_MAX, 4 * RP_CJ_NAME_MAX, false, ar)) ||
      (rc = text_of(&l->last_name, raw, K_LAST, RP_CJ_NAME_MAX, 4 * RP_CJ_NAME_MAX, false, ar)) ||
      (rc = text_of(&l->source, raw, K_SOURCE, RP_CJ_NAME_MAX, 4 * RP_CJ_NAME_MAX, false, ar)) ||
      (rc = text_of(&l->message, raw, K_MESSAGE, RP_CJ_BODY_MAX, RP_CJ_BODY_MAX, true, ar)) ||
      (rc = text_of(&email, raw, K_EMAIL, 254, 254, false, ar)) ||
      (rc = text_of(&phone, raw, K_PHONE, 64, 64, false, ar)) ||
      (rc = text_of(&intent, raw, K_INTENT, 16, 16, false, ar)))
    return rc;
  if (email) {
    if (rp_email_check(l->email, sizeof l->email, email, strlen(email)) != 0)
      return rp_error_set(RP_EINVALID_VALUE, "email", "%s", rp_error_last()->message);
    rp_email_key(l->email_key, sizeof l->email_key, l->email);
    l->has_email = true;
  }
  if (phone) {
    if (rp_phone_normalize(l->phone, phone, strlen(phone), region) != 0)
      return rp_error_set(RP_EINVALID_VALUE, "phone", "%s", rp_error_last()->message);
    l->has_phone = true;
  }
  if (intent) {
    char low[17];
    size_t n = strlen(intent);
    for (size_t i = 0; i <= n; i++)
      low[i] = (char)tolower((unsigned char)intent[i]);
    if (rp_intent_parse(&l->intent, low) != 0)
      return rp_error_set(RP_EINVALID_VALUE, "intent",
                          "intent must be buy, sell, buy_sell or none");
    l->has_intent = true;
  }
  if (!l->has_email && !l->has_phone)
    return rp_error_set(RP_EVALIDATION, NULL, "a lead needs an email or a phone");
  return 0;
}

/* ---- routing (API.md Settings routing; DOMAIN.md A1) ---- */

/* True when id names a user of the account who is not disabled. */
static bool active_user(rp_req *r, const char *account_id, const char *id, rp_role *role) {
  rp_user u;
  if (!id || rp_store_user_get(r->store, &r->arena, &u, account_id, id) != 0) {
    rp_error_clear();
    return false;
  }
  if (role) *role = u.role;
  return u.disabled_at == 0;
}

/* The owner of a new lead. round_robin: the next of routing.agent_ids in
 * turn (the turn kept in the database, taken in this transaction), over
 * those still active users. owner (or no agent left): the form's owner,
 * else the caller (POST /leads), else the account's first owner or admin. */
static int route_owner(rp_req *r, const rp_account *acct, const char *form_owner,
                       const char *caller, const char **out) {
  *out = NULL;
  json_t *settings = rp_settings_from_stored(acct->settings_json, acct->default_region);
  json_t *routing = json_object_get(settings, "routing");
  const char *mode = json_string_value(json_object_get(routing, "mode"));
  json_t *ids = json_object_get(routing, "agent_ids");
  int rc = 0;
  if (mode && strcmp(mode, "round_robin") == 0 && json_array_size(ids) > 0) {
    const char **agents = rp_arena_alloc(&r->arena, json_array_size(ids) * sizeof *agents);
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(ids); i++) {
      const char *id = json_string_value(json_array_get(ids, i));
      rp_role role;
      if (active_user(r, acct->id, id, &role) && role != RP_ROLE_ASSISTANT)
        agents[n++] = rp_arena_strdup(&r->arena, id);
    }
    if (n) {
      int64_t turn;
      if ((rc = rp_store_routing_turn(r->store, acct->id, &turn))) goto cleanup;
      *out = agents[turn % (int64_t)n];
      goto cleanup;
    }
  }
  if (form_owner && active_user(r, acct->id, form_owner, NULL)) {
    *out = form_owner;
    goto cleanup;
  }
  if (caller && *caller) {
    *out = caller;
    goto cleanup;
  }
  rp_user *users;
  size_t n;
  if ((rc = rp_store_user_list(r->store, &r->arena, acct->id, &users, &n))) goto cleanup;
  for (size_t i = 0; i < n && !*out; i++)
    if ((users[i].role == RP_ROLE_OWNER || users[i].role == RP_ROLE_ADMIN) && !users[i].disabled_at)
      *out = rp_arena_strdup(&r->arena, users[i].id);
cleanup:
  json_decref(settings);
  return rc;
}

/* ---- the capture ---- */

typedef struct capture_ctx {
  const rp_account *acct;
  const rp_capture_form *form; /* NULL: POST /api/v1/leads */
  const char *actor;           /* the calling user, or NULL (public form) */
} capture_ctx;

/* Records the `web` activity of the capture (inbound, one-way: DOMAIN.md
 * L2 does not fire on it) and runs the rules and the rescore. */
static int web_activity(rp_req *r, rp_lifecycle *lc, const capture_ctx *x, const char *contact_id,
                        const lead *l, const char *source) {
  rp_activity a;
  memset(&a, 0, sizeof a);
  snprintf(a.account_id, sizeof a.account_id, "%s", x->acct->id);
  snprintf(a.contact_id, sizeof a.contact_id, "%s", contact_id);
  a.kind = RP_KIND_WEB;
  a.direction = RP_DIR_INBOUND;
  a.occurred_at = r->now;
  a.subject = LEAD_SUBJECT;
  a.body = l->message;
  a.duration_s = -1;
  a.importance = RP_IMPORTANCE_NORMAL;
  a.source = source;
  a.owner_id = x->actor;
  a.created_at = a.updated_at = r->now;
  return rp_lifecycle_record_activity(lc, &a);
}

/* An existing contact: its empty fields take the lead's (never
 * overwritten), then the web activity. */
static int capture_existing(rp_req *r, rp_lifecycle *lc, const capture_ctx *x, const char *id,
                            const lead *l, const char *source) {
  rp_contact c;
  int rc = rp_store_contact_get(r->store, &r->arena, &c, x->acct->id, id);
  if (rc) return rc;
  bool changed = false;
  unsigned fields = 0;
  if (!c.first_name && l->first_name) c.first_name = l->first_name, changed = true;
  if (!c.last_name && l->last_name) c.last_name = l->last_name, changed = true;
  if (!c.n_emails && l->has_email) {
    c.emails = rp_arena_calloc(&r->arena, sizeof *c.emails);
    c.emails[0].address = rp_arena_strdup(&r->arena, l->email);
    c.n_emails = 1;
    changed = true;
  }
  if (!c.n_phones && l->has_phone) {
    c.phones = rp_arena_calloc(&r->arena, sizeof *c.phones);
    c.phones[0].number = rp_arena_strdup(&r->arena, l->phone);
    c.n_phones = 1;
    changed = true;
  }
  if (c.intent == RP_INTENT_NONE && l->has_intent && l->intent != RP_INTENT_NONE) {
    c.intent = l->intent;
    fields |= RP_FIELD_INTENT;
    changed = true;
  }
  if (!c.source && source) c.source = source, changed = true;
  if (changed) {
    c.display_name = rp_contact_display_name(&r->arena, &c);
    c.updated_at = r->now;
    if ((rc = rp_store_contact_update(r->store, &c))) return rc;
    /* L3: intent given to a contact with a timeframe */
    rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED, .fields = fields};
    if (fields && (rc = rp_lifecycle_event(lc, c.id, &e))) return rc;
  }
  return web_activity(r, lc, x, c.id, l, source);
}

/* A new contact, as POST /contacts makes one (contacts.c
 * rp_h_contacts_create: L1 and S1/S2 at creation unless switched off (M2),
 * history rows (M3), the created event, the refresh, contact_created), then
 * the web activity and lead_captured (A1). */
static int capture_new(rp_req *r, rp_lifecycle *lc, const capture_ctx *x, const lead *l,
                       const char *source, char out_id[static RP_ID_LEN]) {
  const char *owner;
  int rc = route_owner(r, x->acct, x->form ? x->form->owner_id : NULL, x->actor, &owner);
  if (rc) return rc;
  json_t *o = json_object();
  if (l->first_name) json_object_set_new(o, "first_name", json_string(l->first_name));
  if (l->last_name) json_object_set_new(o, "last_name", json_string(l->last_name));
  if (l->has_email) json_object_set_new(o, "emails", json_pack("[{s:s}]", "address", l->email));
  if (l->has_phone) json_object_set_new(o, "phones", json_pack("[{s:s}]", "number", l->phone));
  json_object_set_new(o, "source", json_string(source));
  if (l->has_intent) json_object_set_new(o, "intent", json_string(rp_intent_name(l->intent)));
  if (owner) json_object_set_new(o, "owner_id", json_string(owner));
  rp_contact c;
  rp_contact_given given;
  const char *region = x->acct->default_region ? x->acct->default_region : "US";
  rc = rp_contact_from_json(&c, &given, o, region, &r->arena);
  json_decref(o);
  if (rc) return rc;
  snprintf(c.account_id, sizeof c.account_id, "%s", x->acct->id);
  c.id[0] = '\0';
  char day[11];
  c.known_since = rp_arena_strdup(&r->arena, rp_date_format(r->now, day));
  if ((rc = rp_lifecycle_create_contact(lc, &c, 0, NULL)) ||
      (rc = web_activity(r, lc, x, c.id, l, source)) ||
      (rc = rp_workflows_event(lc, c.id, RP_WF_EV_LEAD_CAPTURED, NULL, NULL)))
    return rc;
  memcpy(out_id, c.id, RP_ID_LEN);
  return 0;
}

/* Matches or makes the contact of lead l and logs the capture. */
static int capture(rp_req *r, const capture_ctx *x, const lead *l, char out_id[static RP_ID_LEN],
                   bool *created) {
  rp_lifecycle lc;
  bool found;
  int rc = rp_lifecycle_init(&lc, r->store, &r->arena, x->acct->id, x->actor, r->now);
  if (rc) return rc;
  const char *source = l->source                    ? l->source
                       : x->form && x->form->source ? x->form->source
                                                    : LEAD_SOURCE;
  if ((rc = rp_store_contact_match(r->store, x->acct->id, l->has_email ? l->email_key : NULL,
                                   l->has_phone ? l->phone : NULL, out_id, &found)))
    return rc;
  *created = !found;
  if (found)
    rc = capture_existing(r, &lc, x, out_id, l, source);
  else
    rc = capture_new(r, &lc, x, l, source, out_id);
  if (rc) return rc;
  return rp_store_capture_add(r->store, x->acct->id, out_id, x->form ? x->form->id : NULL, !found,
                              source, r->now);
}

static void answer(rp_req *r, const char *contact_id, bool created) {
  rp_resp_json(r, 201, json_pack("{s:s, s:b}", "contact_id", contact_id, "created", created));
}

/* POST /api/v1/leads: a lead from a lead source or an integration, in
 * strict JSON (unknown keys refused). In routing mode owner a new lead is
 * the caller's. Matching is account-wide, whoever calls: a lead never
 * duplicates a contact another agent owns. */
int rp_h_leads_create(rp_req *r) {
  json_t *body = NULL;
  lead_raw raw;
  lead l;
  rp_account acct;
  char id[RP_ID_LEN];
  bool created;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  if ((rc = rp_store_account_get(r->store, &r->arena, &acct, r->auth.account_id)) ||
      (rc = raw_from_json(&raw, body, true)) ||
      (rc = lead_check(&l, &raw, acct.default_region, &r->arena)))
    goto cleanup;
  capture_ctx x = {.acct = &acct, .actor = r->auth.user_id[0] ? r->auth.user_id : NULL};
  if ((rc = capture(r, &x, &l, id, &created))) goto cleanup;
  rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/contacts/%s", id));
  answer(r, id, created);
cleanup:
  json_decref(body);
  return rc;
}

/* ---- the public form: CORS, rate limit ---- */

/* An origin as a form keeps it: "scheme://host[:port]", lower case, http
 * or https, without a default port or a trailing '/'. NULL when p is not
 * one. */
static char *origin_canon(rp_arena *ar, const char *p, size_t len) {
  if (len && p[len - 1] == '/') len--;
  if (len == 0 || len > ORIGIN_MAX) return NULL;
  char *o = rp_arena_strndup(ar, p, len);
  for (char *q = o; *q; q++)
    *q = (char)tolower((unsigned char)*q);
  const char *host;
  bool https;
  if (strncmp(o, "https://", 8) == 0)
    host = o + 8, https = true;
  else if (strncmp(o, "http://", 7) == 0)
    host = o + 7, https = false;
  else
    return NULL;
  const char *end = host;
  if (*end == '[') { /* an IPv6 literal */
    end++;
    while (*end && (isxdigit((unsigned char)*end) || *end == ':' || *end == '.'))
      end++;
    if (*end != ']' || end == host + 1) return NULL;
    end++;
  } else {
    while (*end && (isalnum((unsigned char)*end) || *end == '-' || *end == '.'))
      end++;
    if (end == host || *host == '.' || *host == '-' || end[-1] == '.' || end[-1] == '-')
      return NULL;
  }
  if (*end == ':') {
    const char *port = end + 1;
    long v = 0;
    size_t k = 0;
    for (; port[k] && k < 6; k++) {
      if (!isdigit((unsigned char)port[k])) return NULL;
      v = v * 10 + (port[k] - '0');
    }
    if (k == 0 || port[k] || v < 1 || v > 65535) return NULL;
    if ((https && v == 443) || (!https && v == 80)) *(char *)end = '\0';
  } else if (*end) {
    return NULL; /* a path, query or user info: not an origin */
  }
  return o;
}

/* Whether the form lets a browser at `origin` post to it: any origin when
 * its list is empty. */
static bool origin_allowed(rp_req *r, const rp_capture_form *f, const char *origin, bool *any) {
  json_t *list = json_loads(f->allowed_origins ? f->allowed_origins : "[]", 0, NULL);
  *any = json_array_size(list) == 0;
  bool ok = *any;
  char *canon = origin ? origin_canon(&r->arena, origin, strlen(origin)) : NULL;
  for (size_t i = 0; canon && !ok && i < json_array_size(list); i++) {
    const char *a = json_string_value(json_array_get(list, i));
    ok = a && strcmp(a, canon) == 0;
  }
  json_decref(list);
  return ok;
}

/* The CORS answer of a form: Access-Control-Allow-Origin is "*" for a form
 * open to any origin, else the request's origin when allowed (with Vary).
 * A browser request (it sends Origin) from an origin the form does not
 * allow is refused with 403 and changes nothing. */
static int cors(rp_req *r, const rp_capture_form *f) {
  const char *origin = rp_req_header(r, "Origin");
  bool any;
  bool ok = origin_allowed(r, f, origin, &any);
  rp_resp_header(r, "Vary", "Origin");
  if (any) {
    rp_resp_header(r, "Access-Control-Allow-Origin", "*");
    return 0;
  }
  if (!origin) return 0; /* not a browser: the rate limit still applies */
  if (!ok)
    return rp_error_set(RP_EFORBIDDEN, NULL, "this form does not accept posts from that origin");
  rp_resp_header(r, "Access-Control-Allow-Origin", rp_arena_strdup(&r->arena, origin));
  return 0;
}

/* The rate limit of the public form (in this process's memory: with
 * several processes each keeps its own count). A table of client address
 * and form hashes, each with the times of its last RATE_MAX captures; a
 * bounded table where a stale or, failing that, the least recently used
 * entry of a short probe gives way. */
#define RL_SLOTS 2048
#define RL_PROBE 8
typedef struct rl_slot {
  uint64_t h;
  rp_time t[RATE_MAX]; /* a ring: the last captures' times, 0 = none */
  int next;
} rl_slot;
static rl_slot rl_table[RL_SLOTS];
static pthread_mutex_t rl_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t fnv(uint64_t h, const char *s) {
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return (h ^ 0xff) * 1099511628211ULL; /* a separator */
}

static rp_time slot_newest(const rl_slot *s) {
  rp_time m = 0;
  for (int i = 0; i < RATE_MAX; i++)
    if (s->t[i] > m) m = s->t[i];
  return m;
}

/* Counts a capture of ip on form at now: 0, or RP_ERATELIMIT with
 * *retry_after seconds when RATE_MAX were counted in the last
 * RATE_WINDOW seconds (a refused one is not counted). */
static int rate_take(const char *ip, const char *form_id, rp_time now, long *retry_after) {
  uint64_t h = fnv(fnv(14695981039346656037ULL, ip), form_id);
  if (h == 0) h = 1;
  pthread_mutex_lock(&rl_mu);
  rl_slot *slot = NULL, *victim = NULL;
  for (int i = 0; i < RL_PROBE && !slot; i++) {
    rl_slot *s = &rl_table[(h + (uint64_t)i) % RL_SLOTS];
    if (s->h == h)
      slot = s;
    else if (!victim || slot_newest(s) < slot_newest(victim))
      victim = s;
  }
  if (!slot) {
    slot = victim;
    memset(slot, 0, sizeof *slot);
    slot->h = h;
  }
  int in_window = 0;
  rp_time oldest = 0;
  for (int i = 0; i < RATE_MAX; i++)
    if (slot->t[i] && slot->t[i] > now - RATE_WINDOW) {
      in_window++;
      if (!oldest || slot->t[i] < oldest) oldest = slot->t[i];
    }
  int rc = 0;
  if (in_window >= RATE_MAX) {
    *retry_after = (long)(oldest + RATE_WINDOW - now);
    if (*retry_after < 1) *retry_after = 1;
    rc = RP_ERATELIMIT;
  } else {
    slot->t[slot->next] = now;
    slot->next = (slot->next + 1) % RATE_MAX;
  }
  pthread_mutex_unlock(&rl_mu);
  return rc;
}

/* The form of the path's key: 32 lower-case hex digits; anything else is
 * no form (404) without a lookup. */
static int form_of_path(rp_req *r, rp_capture_form *f) {
  const char *key = r->n_params ? r->params[0] : "";
  size_t n = strlen(key);
  bool ok = n == KEY_HEX;
  for (size_t i = 0; ok && i < n; i++)
    ok = (key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f');
  if (!ok || !r->store) return rp_error_set(RP_ENOTFOUND, NULL, "no such form");
  return rp_store_capture_form_by_key(r->store, &r->arena, f, key);
}

static bool content_type_is(rp_req *r, const char *want) {
  const char *ct = rp_req_header(r, "Content-Type");
  if (!ct) return false;
  while (*ct == ' ' || *ct == '\t')
    ct++;
  size_t n = strlen(want);
  if (strncasecmp(ct, want, n) != 0) return false;
  ct += n;
  while (*ct == ' ' || *ct == '\t')
    ct++;
  return *ct == '\0' || *ct == ';';
}

/* POST /capture/:key (public): the form's CORS check, the rate limit, the
 * body (JSON or form-encoded, RP_FORM_MAX_BYTES at most; fields a web form
 * carries besides the lead's are ignored), the honeypot (a filled
 * `website` or `company_website` answers as a new lead would and stores
 * nothing), then the capture. */
int rp_h_capture(rp_req *r) {
  rp_capture_form f;
  rp_account acct;
  lead_raw raw;
  lead l;
  json_t *body = NULL;
  char id[RP_ID_LEN];
  bool created;
  long retry = 0;
  int rc = form_of_path(r, &f);
  if (rc || (rc = cors(r, &f))) goto cleanup;
  if (rate_take(r->remote_ip ? r->remote_ip : "", f.id, r->now, &retry)) {
    rp_resp_header(r, "Retry-After", rp_arena_printf(&r->arena, "%ld", retry));
    rc = rp_error_set(RP_ERATELIMIT, NULL, "too many submissions of this form; try again later");
    goto cleanup;
  }
  if (r->body_len > RP_FORM_MAX_BYTES) {
    rc = rp_error_set(RP_ETOOLARGE, NULL, "the body is larger than %u bytes", RP_FORM_MAX_BYTES);
    goto cleanup;
  }
  if (content_type_is(r, "application/x-www-form-urlencoded")) {
    if ((rc = raw_from_form(&raw, r))) goto cleanup;
  } else if (content_type_is(r, "application/json")) {
    if ((rc = rp_req_json_object(r, &body)) || (rc = raw_from_json(&raw, body, false)))
      goto cleanup;
  } else {
    rc = rp_error_set(RP_EMEDIATYPE, NULL,
                      "Content-Type must be application/x-www-form-urlencoded or "
                      "application/json");
    goto cleanup;
  }
  if (raw.honeypot) { /* what a new lead would get; nothing is stored */
    rp_uuid_v7(id);
    answer(r, id, true);
    goto cleanup;
  }
  if ((rc = rp_store_account_get(r->store, &r->arena, &acct, f.account_id)) ||
      (rc = lead_check(&l, &raw, acct.default_region, &r->arena)))
    goto cleanup;
  capture_ctx x = {.acct = &acct, .form = &f, .actor = NULL};
  if ((rc = capture(r, &x, &l, id, &created))) goto cleanup;
  answer(r, id, created);
cleanup:
  json_decref(body);
  return rc;
}

/* OPTIONS /capture/:key (public): the CORS preflight. 204 with the allowed
 * origin, method POST and header Content-Type, for a day; 403 for an
 * origin the form does not allow; 404 for no such form. */
int rp_h_capture_preflight(rp_req *r) {
  rp_capture_form f;
  int rc = form_of_path(r, &f);
  if (rc || (rc = cors(r, &f))) return rc;
  rp_resp_header(r, "Access-Control-Allow-Methods", "POST, OPTIONS");
  rp_resp_header(r, "Access-Control-Allow-Headers", "Content-Type");
  rp_resp_header(r, "Access-Control-Max-Age", "86400");
  rp_resp_empty(r, 204);
  return 0;
}

/* ---- the forms (/api/v1/capture-forms) ---- */

static json_t *form_to_json(const rp_capture_form *f) {
  json_t *origins = json_loads(f->allowed_origins ? f->allowed_origins : "[]", 0, NULL);
  if (!json_is_array(origins)) {
    json_decref(origins);
    origins = json_array();
  }
  json_t *o = json_object();
  json_object_set_new(o, "id", json_string(f->id));
  json_object_set_new(o, "name", json_string(f->name ? f->name : ""));
  json_object_set_new(o, "key", json_string(f->key ? f->key : ""));
  char path[16 + KEY_HEX + 1];
  snprintf(path, sizeof path, "/capture/%s", f->key ? f->key : "");
  json_object_set_new(o, "path", json_string(path));
  json_object_set_new(o, "source", json_string(f->source ? f->source : LEAD_SOURCE));
  json_object_set_new(o, "allowed_origins", origins);
  json_object_set_new(o, "owner_id", f->owner_id ? json_string(f->owner_id) : json_null());
  json_object_set_new(o, "created_at", rp_time_to_json(f->created_at));
  return o;
}

static bool form_key_readonly(const char *k) {
  return !strcmp(k, "id") || !strcmp(k, "key") || !strcmp(k, "path") || !strcmp(k, "created_at");
}

/* A single-line text of a form body: a string of 1 to 200 characters once
 * trimmed (null or absent: keep *out). */
static int form_text(const char **out, const json_t *body, const char *key, rp_arena *ar) {
  json_t *v = json_object_get(body, key);
  if (!v) return 0;
  if (json_is_null(v)) {
    *out = NULL;
    return 0;
  }
  if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, key, "must be a string");
  lead_raw one = {0};
  one.v[K_SOURCE] = json_string_value(v);
  one.len[K_SOURCE] = json_string_length(v);
  const char *t;
  if (text_of(&t, &one, K_SOURCE, RP_CJ_NAME_MAX, 4 * RP_CJ_NAME_MAX, false, ar) != 0)
    return rp_error_set(RP_EINVALID_VALUE, key, "%s", rp_error_last()->message);
  *out = t;
  return 0;
}

/* Applies a create or patch body to f: name, source, allowed_origins,
 * owner_id (read-only keys are the caller's check). */
static int form_from_json(rp_capture_form *f, const json_t *body, rp_arena *ar) {
  const char *k;
  json_t *v;
  int rc;
  json_object_foreach((json_t *)body, k, v) {
    if (strcmp(k, "name") && strcmp(k, "source") && strcmp(k, "allowed_origins") &&
        strcmp(k, "owner_id") && !form_key_readonly(k))
      return rp_error_set(RP_EUNKNOWN_FIELD, k, "unknown field '%.100s'", k);
  }
  if ((rc = form_text(&f->name, body, "name", ar)) ||
      (rc = form_text(&f->source, body, "source", ar)))
    return rc;
  if (!f->name) f->name = FORM_NAME_DEFAULT;
  if (!f->source) f->source = LEAD_SOURCE;
  json_t *list = json_object_get(body, "allowed_origins");
  if (list) {
    if (json_is_null(list)) {
      f->allowed_origins = "[]";
    } else if (!json_is_array(list)) {
      return rp_error_set(RP_EINVALID_VALUE, "allowed_origins", "must be a list of origins");
    } else if (json_array_size(list) > ORIGINS_MAX) {
      return rp_error_set(RP_EINVALID_VALUE, "allowed_origins", "at most %d origins", ORIGINS_MAX);
    } else {
      json_t *canon = json_array();
      for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        char *c = json_is_string(e) ? origin_canon(ar, json_string_value(e), json_string_length(e))
                                    : NULL;
        if (!c) {
          json_decref(canon);
          char field[48];
          snprintf(field, sizeof field, "allowed_origins[%zu]", i);
          return rp_error_set(RP_EINVALID_VALUE, field,
                              "must be an origin such as https://example.com (scheme, host and "
                              "port only)");
        }
        bool dup = false;
        for (size_t j = 0; j < json_array_size(canon); j++)
          dup = dup || !strcmp(json_string_value(json_array_get(canon, j)), c);
        if (!dup) json_array_append_new(canon, json_string(c));
      }
      char *text = json_dumps(canon, JSON_COMPACT);
      json_decref(canon);
      f->allowed_origins = rp_arena_strdup(ar, text ? text : "[]");
      free(text);
    }
  }
  json_t *owner = json_object_get(body, "owner_id");
  if (owner) {
    if (json_is_null(owner))
      f->owner_id = NULL;
    else if (!json_is_string(owner) ||
             !rp_uuid_valid(json_string_value(owner), json_string_length(owner)))
      return rp_error_set(RP_EINVALID_VALUE, "owner_id", "must be a user id or null");
    else
      f->owner_id = rp_arena_strdup(ar, json_string_value(owner));
  }
  return 0;
}

/* The store's not_found on owner_id is the body's fault. */
static int owner_error(int rc) {
  if (rc == RP_ENOTFOUND && !strcmp(rp_error_last()->field, "owner_id"))
    return rp_error_set(RP_EINVALID_VALUE, "owner_id", "names no user of this account");
  return rc;
}

/* GET /api/v1/capture-forms: {items, next_cursor: null}, oldest first
 * (every member of the account: the keys are on its web sites anyway). */
int rp_h_capture_forms_list(rp_req *r) {
  rp_capture_form *items;
  size_t n;
  int rc = rp_store_capture_form_list(r->store, &r->arena, r->auth.account_id, &items, &n);
  if (rc) return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, form_to_json(&items[i]));
  rp_resp_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
  return 0;
}

/* POST /api/v1/capture-forms (owner, admin): {name, source,
 * allowed_origins, owner_id}, all optional; a new random key. */
int rp_h_capture_forms_create(rp_req *r) {
  json_t *body = NULL;
  rp_capture_form f, *items;
  size_t n;
  int rc = rp_req_json_object(r, &body);
  if (rc) goto cleanup;
  memset(&f, 0, sizeof f);
  if ((rc = form_from_json(&f, body, &r->arena))) goto cleanup;
  const char *k;
  json_t *v;
  json_object_foreach(body, k, v) {
    if (form_key_readonly(k)) {
      rc = rp_error_set(RP_EINVALID_VALUE, k, "is read-only");
      goto cleanup;
    }
  }
  if ((rc = rp_store_capture_form_list(r->store, &r->arena, r->auth.account_id, &items, &n)))
    goto cleanup;
  if (n >= FORMS_MAX) {
    rc = rp_error_set(RP_ECONFLICT, NULL, "an account has at most %d forms", FORMS_MAX);
    goto cleanup;
  }
  unsigned char raw[KEY_HEX / 2];
  char key[KEY_HEX + 1];
  randombytes_buf(raw, sizeof raw);
  rp_hex_encode(key, raw, sizeof raw);
  snprintf(f.account_id, sizeof f.account_id, "%s", r->auth.account_id);
  f.key = key;
  f.created_at = r->now;
  if ((rc = owner_error(rp_store_capture_form_create(r->store, &f)))) goto cleanup;
  rp_resp_header(r, "Location", rp_arena_printf(&r->arena, "/api/v1/capture-forms/%s", f.id));
  rp_resp_json(r, 201, form_to_json(&f));
cleanup:
  json_decref(body);
  return rc;
}

static const char *id_param(rp_req *r) { return r->n_params ? r->params[0] : ""; }

/* GET /api/v1/capture-forms/:id */
int rp_h_capture_forms_get(rp_req *r) {
  rp_capture_form f;
  int rc = rp_store_capture_form_get(r->store, &r->arena, &f, r->auth.account_id, id_param(r));
  if (rc) return rc;
  rp_resp_json(r, 200, form_to_json(&f));
  return 0;
}

/* PATCH /api/v1/capture-forms/:id (owner, admin): a merge patch of name,
 * source, allowed_origins, owner_id; read-only keys only with their
 * value. */
int rp_h_capture_forms_patch(rp_req *r) {
  json_t *patch = NULL, *cur = NULL;
  rp_capture_form f;
  int rc = rp_store_capture_form_get(r->store, &r->arena, &f, r->auth.account_id, id_param(r));
  if (rc || (rc = rp_req_json_object(r, &patch))) goto cleanup;
  cur = form_to_json(&f);
  if ((rc = rp_json_check_readonly(patch, cur, form_key_readonly)) ||
      (rc = form_from_json(&f, patch, &r->arena)) ||
      (rc = owner_error(rp_store_capture_form_update(r->store, &f))))
    goto cleanup;
  rp_resp_json(r, 200, form_to_json(&f));
cleanup:
  json_decref(patch);
  json_decref(cur);
  return rc;
}

/* DELETE /api/v1/capture-forms/:id (owner, admin): 204; its key stops
 * working at once. */
int rp_h_capture_forms_delete(rp_req *r) {
  int rc = rp_store_capture_form_delete(r->store, r->auth.account_id, id_param(r));
  if (rc) return rc;
  rp_resp_empty(r, 204);
  return 0;
}

/* ---- the dashboard ---- */

/* rp_speed_to_lead_json: see handlers.h (DOMAIN.md A1). */
int rp_speed_to_lead_json(rp_req *r, json_t **out) {
  int64_t count, *delays;
  size_t n;
  *out = NULL;
  int rc = rp_store_speed_to_lead(r->store, &r->arena, r->auth.account_id, rp_req_visible_to(r),
                                  r->now - SPEED_WINDOW, r->now, &count, &delays, &n);
  if (rc) return rc;
  json_t *median = json_null();
  if (n % 2)
    median = json_integer(delays[n / 2]);
  else if (n) {
    int64_t sum = delays[n / 2 - 1] + delays[n / 2];
    median = sum % 2 ? json_real((double)sum / 2.0) : json_integer(sum / 2);
  }
  *out = json_pack("{s:o, s:I}", "median_seconds", median, "count", (json_int_t)count);
  return 0;
}
