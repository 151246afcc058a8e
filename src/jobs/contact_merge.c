/* contact_merge.c: see contact_merge.h. */
#include "jobs/contact_merge.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/contact.h"
#include "http/contact_json.h"
#include "util/json_write.h"

/* Appends to *dst the strings of src[0..n) that are not in it yet
 * (case-insensitively), up to cap in all. */
static void union_strings(rp_arena *ar, const char ***dst, size_t *nd, const char **src, size_t n,
                          size_t cap) {
  const char **out = rp_arena_alloc(ar, (*nd + n) * sizeof *out + 1);
  size_t k = 0;
  for (size_t i = 0; i < *nd; i++)
    out[k++] = (*dst)[i];
  for (size_t i = 0; i < n && k < cap; i++) {
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++)
      seen = strcasecmp(out[j], src[i]) == 0;
    if (!seen) out[k++] = src[i];
  }
  *dst = out;
  *nd = k;
}

static void union_emails(rp_arena *ar, rp_contact *c, const rp_contact *o) {
  rp_email *out = rp_arena_alloc(ar, (c->n_emails + o->n_emails) * sizeof *out + 1);
  size_t k = 0;
  for (size_t i = 0; i < c->n_emails; i++)
    out[k++] = c->emails[i];
  for (size_t i = 0; i < o->n_emails && k < RP_CJ_LIST_MAX; i++) {
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++)
      seen = strcasecmp(out[j].address, o->emails[i].address) == 0;
    if (!seen) out[k++] = o->emails[i];
  }
  c->emails = out;
  c->n_emails = k;
}

static void union_phones(rp_arena *ar, rp_contact *c, const rp_contact *o) {
  rp_phone *out = rp_arena_alloc(ar, (c->n_phones + o->n_phones) * sizeof *out + 1);
  size_t k = 0;
  for (size_t i = 0; i < c->n_phones; i++)
    out[k++] = c->phones[i];
  for (size_t i = 0; i < o->n_phones && k < RP_CJ_LIST_MAX; i++) {
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++)
      seen = strcmp(out[j].number, o->phones[i].number) == 0;
    if (!seen) out[k++] = o->phones[i];
  }
  c->phones = out;
  c->n_phones = k;
}

#define FILL(field)                                                                                \
  if (!c->field) c->field = o->field
/* The later of two "YYYY-MM-DD" dates (NULL is the earliest). */
static const char *later(const char *a, const char *b) {
  return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}
static const char *earlier(const char *a, const char *b) {
  return !a ? b : !b ? a : strcmp(a, b) <= 0 ? a : b;
}

/* contact_merge.h */
void rp_contact_absorb(rp_arena *ar, rp_contact *c, const rp_contact *o) {
  union_emails(ar, c, o);
  union_phones(ar, c, o);
  union_strings(ar, &c->social, &c->n_social, o->social, o->n_social, RP_CJ_LIST_MAX);
  union_strings(ar, &c->tags, &c->n_tags, o->tags, o->n_tags, RP_CJ_TAGS_MAX);
  FILL(first_name);
  FILL(last_name);
  FILL(company);
  FILL(website);
  FILL(birthday);
  FILL(anniversary);
  FILL(partner);
  FILL(children);
  FILL(pets);
  FILL(interests);
  FILL(timeframe);
  FILL(source);
  FILL(owner_id);
  if (c->notes && o->notes)
    c->notes = rp_arena_printf(ar, "%s\n\n%s", c->notes, o->notes);
  else
    FILL(notes);
  if (!c->has_address && o->has_address) c->has_address = true, c->address = o->address;
  if (!c->has_budget && o->has_budget) c->has_budget = true, c->budget = o->budget;
  if (c->intent == RP_INTENT_NONE) c->intent = o->intent;
  if (!c->referred_by && o->referred_by && strcmp(o->referred_by, c->id) != 0)
    c->referred_by = o->referred_by;
  if (c->referred_by && strcmp(c->referred_by, o->id) == 0)
    c->referred_by = o->referred_by && strcmp(o->referred_by, c->id) != 0 ? o->referred_by : NULL;
  c->known_since = earlier(c->known_since, o->known_since);
  c->last_purchase_date = later(c->last_purchase_date, o->last_purchase_date);
  c->last_sale_date = later(c->last_sale_date, o->last_sale_date);
  c->sms_opt_out = c->sms_opt_out || o->sms_opt_out;
  c->email_opt_out = c->email_opt_out || o->email_opt_out;
  /* custom fields: the other's keys the survivor lacks */
  json_t *mine = json_loads(c->custom_json ? c->custom_json : "{}", 0, NULL);
  json_t *theirs = json_loads(o->custom_json ? o->custom_json : "{}", 0, NULL);
  if (json_is_object(mine) && json_is_object(theirs)) {
    json_object_update_missing(mine, theirs);
    char *s = rp_json_dumps(mine, NULL);
    if (s) c->custom_json = rp_arena_strdup(ar, s);
    free(s);
  }
  json_decref(mine);
  json_decref(theirs);
  c->display_name = rp_contact_display_name(ar, c);
}

