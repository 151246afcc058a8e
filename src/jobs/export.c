/* export.c: see export.h. */
#include "jobs/export.h"

#include <string.h>

#include "io/csv.h"
#include "io/vcard.h"
#include "util/error.h"

#define PAGE 500

typedef int (*page_fn)(void *ctx, const rp_contact *items, size_t n);

/* Calls fn for each page of the account's live contacts, oldest first. */
static int each_page(rp_store *s, const char *account_id, const char *visible_to, page_fn fn,
                     void *ctx) {
  char *cursor = NULL;
  int rc = 0;
  rp_arena keep = {0}; /* the cursor outlives its page */
  do {
    rp_arena ar = {0};
    rp_contact_query q = {.account_id = account_id, .visible_to = visible_to, .overdue = -1,
                          .sort = RP_SORT_CREATED_AT, .limit = PAGE, .cursor = cursor,
                          .now = rp_clock_now()};
    rp_contact *items;
    size_t n;
    char *next = NULL;
    rc = rp_store_contact_list(s, &ar, &q, &items, &n, &next, NULL);
    if (!rc) rc = fn(ctx, items, n);
    rp_arena fresh = {0};
    cursor = next ? rp_arena_strdup(&fresh, next) : NULL;
    rp_arena_free(&keep);
    keep = fresh;
    rp_arena_free(&ar);
  } while (!rc && cursor);
  rp_arena_free(&keep);
  return rc;
}

typedef struct widths {
  int emails, phones;
} widths;

static int measure(void *ctx, const rp_contact *items, size_t n) {
  widths *w = ctx;
  for (size_t i = 0; i < n; i++) {
    if ((int)items[i].n_emails > w->emails) w->emails = (int)items[i].n_emails;
    if ((int)items[i].n_phones > w->phones) w->phones = (int)items[i].n_phones;
  }
  return 0;
}

#define FLUSH_AT ((size_t)64 << 10)

typedef struct writing {
  rp_export_format f;
  rp_sb buf; /* handed to the sink at FLUSH_AT */
  rp_sink_fn w;
  void *ctx;
  rp_csv_writer csv;
  int64_t count;
} writing;

static int flush(writing *w) {
  if (!w->buf.len) return 0;
  int rc = w->w(w->ctx, w->buf.p, w->buf.len);
  rp_sb_reset(&w->buf);
  return rc;
}

static int write_page(void *ctx, const rp_contact *items, size_t n) {
  writing *w = ctx;
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++) {
    if (w->f == RP_EXPORT_CSV)
      rp_csv_write_contact(&w->buf, &w->csv, &items[i]);
    else
      rc = rp_vcard_write(&w->buf, &items[i], w->f == RP_EXPORT_VCARD3 ? 3 : 4);
    w->count++;
    if (!rc && w->buf.len >= FLUSH_AT) rc = flush(w);
  }
  return rc;
}

int rp_export_contacts(rp_store *s, const char *account_id, const char *visible_to,
                       rp_export_format f, rp_sink_fn sink, void *ctx, int64_t *count) {
  writing w = {.f = f, .w = sink, .ctx = ctx};
  int rc = 0;
  if (count) *count = 0;
  if (f == RP_EXPORT_CSV) {
    widths wd = {1, 1};
    if ((rc = each_page(s, account_id, visible_to, measure, &wd))) return rc;
    w.csv = (rp_csv_writer){.n_emails = wd.emails, .n_phones = wd.phones, .bom = true};
    rp_csv_write_header(&w.buf, &w.csv);
  }
  rc = each_page(s, account_id, visible_to, write_page, &w);
  if (!rc) rc = flush(&w);
  if (count) *count = w.count;
  rp_sb_free(&w.buf);
  return rc;
}
