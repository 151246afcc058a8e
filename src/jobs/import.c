/* import.c: see import.h. */
#include "jobs/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/contact.h"
#include "core/email.h"
#include "core/rules.h"
#include "io/csv.h"
#include "io/ics.h"
#include "io/vcard.h"
#include "jobs/contact_merge.h"
#include "jobs/lifecycle.h"
#include "jobs/scoring.h"
#include "util/error.h"
#include "util/mem.h"

/* Calendar events are taken from three years before now to a year after:
 * older recurrences are history nobody needs as activities, later ones are
 * plans not yet made. */
#define ICS_WINDOW_BACK (3 * 366 * 86400LL)
#define ICS_WINDOW_AHEAD (366 * 86400LL)
#define ICS_SOURCE "calendar"

typedef struct imp {
  const rp_import_opts *o;
  rp_account acct;
  const rp_tz *tz;
  bool counting;   /* the first pass: count records only */
  int64_t index;   /* records seen in this pass */
  rp_import_counts c;
  rp_arena ar;     /* the batch's strings */
  rp_arena acct_ar; /* the account's, for the whole run */
  rp_lifecycle lc;
  bool in_tx;
  int64_t in_batch;
  double batch_started_ms;
  rp_import_error *errs; /* this batch's kept errors */
  size_t n_errs, cap_errs;
  int64_t kept_errors;
  int rc; /* the store error that stops the run */
} imp;

/* ---- formats and names ---- */

int rp_import_format_of_type(const char *t) {
  if (!t) return -1;
  size_t n = strcspn(t, "; \t");
  if ((n == 8 && !strncasecmp(t, "text/csv", 8)) ||
      (n == 24 && !strncasecmp(t, "application/vnd.ms-excel", 24)) ||
      (n == 25 && !strncasecmp(t, "text/tab-separated-values", 25)))
    return RP_IMPORT_CSV;
  if ((n == 10 && !strncasecmp(t, "text/vcard", 10)) ||
      (n == 12 && !strncasecmp(t, "text/x-vcard", 12)) ||
      (n == 14 && !strncasecmp(t, "text/directory", 14)))
    return RP_IMPORT_VCARD;
  if (n == 13 && !strncasecmp(t, "text/calendar", 13)) return RP_IMPORT_ICS;
  return -1;
}

int rp_import_format_of_name(const char *name) {
  const char *dot = name ? strrchr(name, '.') : NULL;
  if (!dot) return -1;
  if (!strcasecmp(dot, ".csv")) return RP_IMPORT_CSV;
  if (!strcasecmp(dot, ".vcf") || !strcasecmp(dot, ".vcard")) return RP_IMPORT_VCARD;
  if (!strcasecmp(dot, ".ics") || !strcasecmp(dot, ".ical")) return RP_IMPORT_ICS;
  return -1;
}

const char *rp_import_format_name(rp_import_format f) {
  return f == RP_IMPORT_CSV ? "csv" : f == RP_IMPORT_VCARD ? "vcard" : "ics";
}

int rp_import_on_duplicate_parse(rp_on_duplicate *out, const char *s) {
  if (s && !strcmp(s, "merge")) *out = RP_ONDUP_MERGE;
  else if (s && !strcmp(s, "skip")) *out = RP_ONDUP_SKIP;
  else if (s && !strcmp(s, "create")) *out = RP_ONDUP_CREATE;
  else return rp_error_set(RP_EINVALID_VALUE, "on_duplicate", "must be merge, skip or create");
  return 0;
}

const char *rp_import_on_duplicate_name(rp_on_duplicate d) {
  return d == RP_ONDUP_MERGE ? "merge" : d == RP_ONDUP_SKIP ? "skip" : "create";
}

/* ---- batches ---- */

static int begin_batch(imp *x) {
  if (x->in_tx) return 0;
  int rc = rp_store_begin(x->o->store, true);
  if (rc) return rc;
  x->in_tx = true;
  x->in_batch = 0;
  x->batch_started_ms = rp_mono_ms();
  return 0;
}

/* Hands the counts and this batch's errors to on_batch and commits. */
static int end_batch(imp *x) {
  if (!x->in_tx) return 0;
  int rc = 0;
  if (x->o->on_batch) rc = x->o->on_batch(x->o->ctx, &x->c, x->errs, x->n_errs);
  if (!rc) rc = rp_store_commit(x->o->store);
  if (rc) rp_store_rollback(x->o->store);
  x->in_tx = false;
  if (!rc) rp_sleep_ms(x->o->pause_ms);
  x->n_errs = 0;
  rp_arena_free(&x->ar);
  return rc;
}

/* A record was handled (written, skipped or refused): counts it and ends
 * the batch when it is full. */
static int record_done(imp *x) {
  x->c.processed++;
  if (x->o->on_progress && x->c.processed % RP_IMPORT_PROGRESS_EVERY == 0)
    x->o->on_progress(x->o->ctx, &x->c);
  if (++x->in_batch >= RP_IMPORT_BATCH ||
      (x->in_batch % 64 == 0 &&
       rp_mono_ms() - x->batch_started_ms >
           (x->o->batch_ms > 0 ? x->o->batch_ms : RP_IMPORT_BATCH_MS)))
    return end_batch(x);
  return 0;
}

/* True when the record of this pass index is to be handled now (the
 * counting pass counts it instead; a resumed run skips what was
 * committed). Opens the batch transaction. */
static bool take_record(imp *x) {
  int64_t i = x->index++;
  if (x->counting) {
    x->c.total++;
    return false;
  }
  if (x->rc || i < x->o->resume) return false;
  if ((x->rc = begin_batch(x))) return false;
  return true;
}

static void keep_error(imp *x, int64_t line, const char *message) {
  x->c.errors++;
  if (x->kept_errors >= RP_IMPORT_ERRORS_MAX) return;
  if (x->n_errs == x->cap_errs) {
    size_t cap = x->cap_errs ? x->cap_errs * 2 : 64;
    x->errs = rp_xrealloc(x->errs, cap * sizeof *x->errs);
    x->cap_errs = cap;
  }
  rp_import_error *e = &x->errs[x->n_errs++];
  e->line = line;
  snprintf(e->message, sizeof e->message, "%s", message ? message : "unreadable record");
  x->kept_errors++;
}

/* A record the parser refused (skipped whole). */
static void bad_record(imp *x, int64_t line, const char *message) {
  if (!take_record(x)) return;
  keep_error(x, line, message);
  x->rc = record_done(x);
}

/* ---- contacts ---- */

/* The live contact that has one of c's emails or phones, if any. */
static int match_contact(imp *x, const rp_contact *c, char id[static RP_ID_LEN], bool *found) {
  *found = false;
  int rc = 0;
  for (size_t i = 0; !rc && !*found && i < c->n_emails; i++) {
    char key[320];
    rp_email_key(key, sizeof key, c->emails[i].address);
    rc = rp_store_contact_match(x->o->store, x->o->account_id, key, NULL, id, found);
  }
  for (size_t i = 0; !rc && !*found && i < c->n_phones; i++)
    rc = rp_store_contact_match(x->o->store, x->o->account_id, NULL, c->phones[i].number, id,
                                found);
  return rc;
}

/* Tags of `now` that `before` lacks, as the tag_added rules see them. */
static bool tags_grew(const rp_contact *before, const rp_contact *now) {
  return now->n_tags > before->n_tags;
}

/* on_duplicate=merge: the record's fields join the existing contact's
 * (contact_merge.h: lists joined, blanks filled, notes appended); status,
 * stage and category are left to the rules. */
static int merge_into(imp *x, const char *id, const rp_contact *in) {
  rp_contact cur, before;
  int rc = rp_store_contact_get(x->o->store, &x->ar, &cur, x->o->account_id, id);
  if (rc) return rc;
  before = cur;
  rp_contact_absorb(&x->ar, &cur, in);
  cur.updated_at = x->o->now;
  if ((rc = rp_store_contact_update(x->o->store, &cur))) return rc;
  rp_rule_event e = {.kind = RP_EVENT_FIELD_CHANGED};
  if (tags_grew(&before, &cur)) e.fields |= RP_FIELD_TAGS;
  if (cur.intent != before.intent) e.fields |= RP_FIELD_INTENT;
  if (cur.timeframe != before.timeframe) e.fields |= RP_FIELD_TIMEFRAME;
  if (e.fields && (rc = rp_lifecycle_event(&x->lc, cur.id, &e))) return rc;
  return rp_lifecycle_refresh(&x->lc, cur.id, NULL);
}

static void import_contact(imp *x, const rp_contact *in, unsigned given, int64_t line) {
  if (!take_record(x)) return;
  char id[RP_ID_LEN];
  bool found = false;
  int rc = 0;
  if (x->o->on_duplicate != RP_ONDUP_CREATE) rc = match_contact(x, in, id, &found);
  if (!rc && found && x->o->on_duplicate == RP_ONDUP_SKIP) {
    x->c.skipped++;
  } else if (!rc && found) {
    if (!(rc = merge_into(x, id, in))) x->c.merged++;
  } else if (!rc) {
    rp_contact c = *in;
    snprintf(c.account_id, sizeof c.account_id, "%s", x->o->account_id);
    c.id[0] = '\0';
    c.version = 0;
    if (!c.owner_id && x->o->user_id) c.owner_id = x->o->user_id;
    if (!c.known_since) {
      char day[11];
      c.known_since = rp_arena_strdup(&x->ar, rp_date_format(x->o->now, day));
    }
    if (!(rc = rp_lifecycle_create_contact(&x->lc, &c, given, NULL))) x->c.created++;
  }
  if (rc == RP_EVALIDATION || rc == RP_EINVALID_VALUE || rc == RP_ENOTFOUND) {
    /* a value the store refuses (a bad reference): this record only */
    keep_error(x, line, rp_error_last()->message);
    rc = 0;
  }
  if (rc) {
    x->rc = rc;
    return;
  }
  x->rc = record_done(x);
}

static int on_csv_row(void *ctx, const rp_csv_row *row) {
  imp *x = ctx;
  unsigned given = (row->status_given ? RP_FIELD_STATUS : 0) |
                   (row->stage_given ? RP_FIELD_STAGE : 0) |
                   (row->category_given ? RP_FIELD_CATEGORY : 0) |
                   (row->type_given ? RP_FIELD_TYPE : 0);
  import_contact(x, &row->contact, given, (int64_t)row->line);
  /* the row's strings (in x->ar) are not needed past it: freed now, the
   * batch's memory stays the size of one row */
  rp_arena_free(&x->ar);
  return x->rc;
}

static int on_csv_error(void *ctx, size_t line, const char *message) {
  imp *x = ctx;
  bad_record(x, (int64_t)line, message);
  return x->rc;
}

static int on_vcard(void *ctx, const rp_contact *c, unsigned given, int line) {
  imp *x = ctx;
  import_contact(x, c, given, line);
  return x->rc;
}

/* A vCard problem: a skipped card is a record; a warning on a card that
 * still goes in is only reported. */
static int on_vcard_error(void *ctx, int line, bool skipped, const char *message) {
  imp *x = ctx;
  if (skipped) bad_record(x, line, message);
  else if (!x->counting && x->in_tx) keep_error(x, line, message);
  return x->rc;
}

/* ---- calendar events ---- */

/* One activity per known attendee, once per (event uid, contact). */
static int event_activities(imp *x, const rp_ics_event *ev, int *made) {
  *made = 0;
  char seen[RP_ICS_MAX_ATTENDEES < 64 ? RP_ICS_MAX_ATTENDEES : 64][RP_ID_LEN];
  size_t n_seen = 0;
  for (size_t i = 0; i < ev->n_attendees; i++) {
    char key[320], id[RP_ID_LEN];
    bool found, done = false;
    rp_email_key(key, sizeof key, ev->attendee_emails[i]);
    int rc = rp_store_contact_match(x->o->store, x->o->account_id, key, NULL, id, &found);
    if (rc) return rc;
    if (!found) continue;
    for (size_t j = 0; j < n_seen && !done; j++)
      done = !strcmp(seen[j], id);
    if (done) continue;
    if (n_seen < sizeof seen / sizeof seen[0]) memcpy(seen[n_seen++], id, RP_ID_LEN);
    if ((rc = rp_store_external_ref_find(x->o->store, x->o->account_id, ICS_SOURCE, ev->uid, id,
                                         &done)))
      return rc;
    if (done) continue;
    rp_activity a = {0};
    snprintf(a.account_id, sizeof a.account_id, "%s", x->o->account_id);
    memcpy(a.contact_id, id, RP_ID_LEN);
    a.kind = ev->kind;
    a.direction = RP_DIR_NONE;
    a.occurred_at = ev->start;
    a.duration_s = ev->end > ev->start ? ev->end - ev->start : -1;
    a.subject = ev->summary;
    a.body = ev->location && ev->description
                 ? rp_arena_printf(&x->ar, "%s\n\n%s", ev->description, ev->location)
             : ev->description ? ev->description
                               : ev->location;
    a.importance = ev->importance;
    a.source = ICS_SOURCE;
    a.owner_id = x->o->user_id;
    if ((rc = rp_lifecycle_record_activity(&x->lc, &a)) ||
        (rc = rp_store_external_ref_add(x->o->store, x->o->account_id, ICS_SOURCE, ev->uid, id,
                                        a.id, x->o->now)))
      return rc;
    (*made)++;
  }
  return 0;
}

static int on_event(void *ctx, const rp_ics_event *ev) {
  imp *x = ctx;
  if (!take_record(x)) return x->rc;
  int made = 0, rc = 0;
  if (!ev->cancelled) rc = event_activities(x, ev, &made);
  if (rc) {
    x->rc = rc;
    return rc;
  }
  if (made) x->c.created++;
  else x->c.skipped++; /* cancelled, nobody known attends, or imported before */
  x->rc = record_done(x);
  return x->rc;
}

static void on_ics_error(void *ctx, int line, const char *message) {
  bad_record(ctx, line, message);
}

/* ---- the run ---- */

static int parse_pass(imp *x) {
  const rp_import_opts *o = x->o;
  const char *region = x->acct.default_region ? x->acct.default_region : "US";
  x->index = 0;
  int rc = 0;
  if (o->format == RP_IMPORT_CSV) {
    rp_csv_reader *r = rp_csv_reader_new(region, &x->ar, on_csv_row, on_csv_error, x);
    if (!r) return rp_error_set(RP_EINTERNAL, NULL, "out of memory");
    rc = rp_csv_reader_feed(r, o->data, o->len);
    if (!rc) rc = rp_csv_reader_finish(r);
    rp_csv_reader_free(r);
  } else if (o->format == RP_IMPORT_VCARD) {
    rc = rp_vcard_read(o->data, o->len, region, &x->ar, on_vcard, on_vcard_error, x);
  } else {
    rc = rp_ics_read(o->data, o->len, x->tz, o->now - ICS_WINDOW_BACK, o->now + ICS_WINDOW_AHEAD,
                     &x->ar, on_event, on_ics_error, x);
  }
  if (x->rc) return x->rc; /* a store error stopped the parser */
  return rc;
}

int rp_import_run(const rp_import_opts *o, rp_import_counts *out) {
  imp x = {.o = o};
  memset(out, 0, sizeof *out);
  int rc = rp_store_account_get(o->store, &x.acct_ar, &x.acct, o->account_id);
  if (rc) goto done;
  x.tz = rp_scoring_zone(x.acct.settings_json);
  /* the first pass counts (and checks the file as a whole) */
  x.counting = true;
  rc = parse_pass(&x);
  rp_arena_free(&x.ar);
  if (rc) goto done;
  int64_t total = x.c.total;
  memset(&x.c, 0, sizeof x.c);
  x.c.total = total;
  x.c.processed = o->resume < total ? o->resume : total;
  x.counting = false;
  if ((rc = rp_lifecycle_init(&x.lc, o->store, &x.ar, o->account_id, o->user_id, o->now)))
    goto done;
  /* an import never starts workflows: an old address book would get every
   * welcome message at once (docs/import.md) */
  x.lc.sw.workflows = false;
  x.lc.settle_new = !o->reread_new;
  rc = parse_pass(&x);
  if (!rc && x.in_tx) rc = end_batch(&x);
done:
  if (x.in_tx) {
    rp_store_rollback(o->store);
    x.in_tx = false;
  }
  *out = x.c;
  rp_arena_free(&x.ar);
  rp_arena_free(&x.acct_ar);
  free(x.errs);
  return rc;
}
