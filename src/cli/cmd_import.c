/* cmd_import.c: `rapport import FILE [--on-duplicate merge|skip|create]
 * [--format csv|vcard|ics] [--account NAME] [--user EMAIL]` (API.md
 * "Command line"; docs/import.md). The same import as POST
 * /api/v1/imports (jobs/import.h), run in this process, with a progress bar
 * on a terminal and a summary; the first errors are listed by line. A
 * whole-account export (a file starting with the header line of
 * jobs/backup.h) is restored instead, all or nothing, with its counts per
 * table. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "io/jsonl.h"
#include "jobs/backup.h"
#include "jobs/import.h"
#include "util/mem.h"

#define IMPORT_FILE_MAX ((size_t)256 << 20) /* as the API's import body cap */
#define ERRORS_SHOWN 20

typedef struct cli_import {
  rp_cli_progress pg;
  bool tty;
  size_t shown;
} cli_import;

static int on_batch(void *ctx, const rp_import_counts *c, const rp_import_error *errs, size_t n) {
  cli_import *x = ctx;
  if (x->tty) rp_cli_progress_draw(&x->pg, (size_t)c->processed, (size_t)c->total);
  for (size_t i = 0; i < n && x->shown < ERRORS_SHOWN; i++, x->shown++) {
    if (x->pg.drawn) rp_cli_progress_end(&x->pg, true);
    fprintf(stderr, "line %lld: %s\n", (long long)errs[i].line, errs[i].message);
  }
  return 0;
}

static void on_progress(void *ctx, const rp_import_counts *c) {
  cli_import *x = ctx;
  if (x->tty) rp_cli_progress_draw(&x->pg, (size_t)c->processed, (size_t)c->total);
}

/* The whole file, NUL-terminated, or an error naming it. */
static int read_file(const char *path, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return rp_error_set(RP_EINVALID_VALUE, "FILE", "cannot open %s", path);
  struct stat st;
  if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
    fclose(f);
    return rp_error_set(RP_EINVALID_VALUE, "FILE", "%s is not a file", path);
  }
  if ((size_t)st.st_size > IMPORT_FILE_MAX) {
    fclose(f);
    return rp_error_set(RP_ETOOLARGE, "FILE", "%s is over 256 MiB", path);
  }
  char *buf = rp_xmalloc((size_t)st.st_size + 1);
  size_t n = fread(buf, 1, (size_t)st.st_size, f);
  fclose(f);
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

/* --format, else the extension, else the first line (BEGIN:VCARD,
 * BEGIN:VCALENDAR), else CSV. */
static int pick_format(const rp_cli *c, const char *data, rp_import_format *out) {
  const char *f = rp_cli_opt(c, "format");
  if (f) {
    if (!strcmp(f, "csv"))
      *out = RP_IMPORT_CSV;
    else if (!strcmp(f, "vcard") || !strcmp(f, "vcf"))
      *out = RP_IMPORT_VCARD;
    else if (!strcmp(f, "ics"))
      *out = RP_IMPORT_ICS;
    else
      return rp_error_set(RP_EUSAGE, "format", "--format must be csv, vcard or ics");
    return 0;
  }
  int k = rp_import_format_of_name(c->arg);
  if (k >= 0) {
    *out = (rp_import_format)k;
    return 0;
  }
  const char *p = data;
  if (!strncmp(p, "\xEF\xBB\xBF", 3)) p += 3;
  while (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t')
    p++;
  *out = !strncasecmp(p, "BEGIN:VCARD", 11)       ? RP_IMPORT_VCARD
         : !strncasecmp(p, "BEGIN:VCALENDAR", 15) ? RP_IMPORT_ICS
                                                  : RP_IMPORT_CSV;
  return 0;
}

/* rp_backup_read_fn over a FILE. */
static long read_some(void *ctx, char *buf, size_t cap) {
  size_t n = fread(buf, 1, cap, ctx);
  if (n == 0 && ferror((FILE *)ctx)) return rp_error_set(RP_EINTERNAL, "FILE", "reading failed");
  return (long)n;
}

/* Restores the whole-account export in path (jobs/backup.h). */
static int restore_all(const rp_cli *c, FILE *f) {
  static const char *const not_here[] = {"on-duplicate", "format", "account", "user", NULL};
  for (size_t i = 0; not_here[i]; i++)
    if (rp_cli_opt(c, not_here[i]))
      return rp_error_set(RP_EUSAGE, not_here[i],
                          "--%s is not for a whole-account export: the file names its account",
                          not_here[i]);
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_backup_result res;
  rp_account acct;
  double t0 = rp_cli_seconds();
  int rc = rp_cli_open_db(&s, c, NULL);
  if (!rc) rc = rp_backup_import(s, &ar, read_some, f, &res);
  if (!rc && rp_store_optimize(s)) rp_error_clear(); /* statistics: the rows are in anyway */
  if (!rc) rc = rp_store_account_get(s, &ar, &acct, res.account_id);
  if (!rc) {
    printf("Restored account '%s' (%s) from %s in %.2f s: %lld rows\n", acct.name, acct.id, c->arg,
           rp_cli_seconds() - t0, (long long)res.rows);
    for (size_t i = 0; i < res.n_counts; i++)
      printf("  %-22s %lld\n", res.counts[i].table, (long long)res.counts[i].rows);
  }
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}

int rp_cli_cmd_import(const rp_cli *c) {
  FILE *f = fopen(c->arg, "rb");
  if (f) { /* a whole-account export is restored, not imported */
    char head[64];
    bool all = rp_jsonl_is_export(head, fread(head, 1, sizeof head, f));
    int ret = 0;
    if (all)
      ret = fseek(f, 0, SEEK_SET)
                ? rp_error_set(RP_EINVALID_VALUE, "FILE", "cannot read %s", c->arg)
                : restore_all(c, f);
    fclose(f);
    if (all) return ret;
  }

  rp_store *s = NULL;
  rp_arena ar = {0};
  char *data = NULL;
  size_t len = 0;
  rp_account acct;
  rp_user user;
  rp_import_opts o = {0};
  rp_import_counts n = {0};
  cli_import x = {.pg = {.unit = "records"}, .tty = c->tty};
  int rc = 0;
  const char *od = rp_cli_opt(c, "on-duplicate");
  if (od && rp_import_on_duplicate_parse(&o.on_duplicate, od))
    return rp_error_set(RP_EUSAGE, "on-duplicate", "--on-duplicate must be merge, skip or create");
  if ((rc = read_file(c->arg, &data, &len))) return rc;
  if ((rc = pick_format(c, data, &o.format))) goto cleanup;
  if ((rc = rp_cli_open_db(&s, c, NULL))) goto cleanup;
  if ((rc = rp_cli_find_account(s, &ar, c, &acct))) goto cleanup;
  const char *email = rp_cli_opt(c, "user");
  if (email) {
    rc = rp_store_user_by_email(s, &ar, &user, email);
    if (!rc && strcmp(user.account_id, acct.id))
      rc = rp_error_set(RP_ENOTFOUND, "user", "%s is not a user of account '%s'", email, acct.name);
    else if (rc == RP_ENOTFOUND)
      rc = rp_error_set(RP_ENOTFOUND, "user", "no user %s", email);
    if (rc) goto cleanup;
    o.user_id = user.id;
  }
  o.store = s;
  o.account_id = acct.id;
  o.data = data;
  o.len = len;
  o.now = rp_clock_now();
  o.on_batch = on_batch;
  o.on_progress = on_progress;
  o.ctx = &x;
  o.batch_ms = 3000; /* a server on the same database waits at most this */
  double t0 = rp_cli_seconds();
  rc = rp_import_run(&o, &n);
  rp_cli_progress_end(&x.pg, rc != 0);
  if (!rc && n.created + n.merged >= 1000 && rp_store_optimize(s)) rp_error_clear();
  if (rc) goto cleanup;
  if (n.errors > (int64_t)x.shown)
    fprintf(stderr, "... and %lld more errors\n", (long long)(n.errors - (int64_t)x.shown));
  printf("Imported %s (%s) into '%s' in %.2f s: %lld records, %lld created, %lld merged, "
         "%lld skipped, %lld errors\n",
         c->arg, rp_import_format_name(o.format), acct.name, rp_cli_seconds() - t0,
         (long long)n.total, (long long)n.created, (long long)n.merged, (long long)n.skipped,
         (long long)n.errors);
cleanup:
  rp_store_close(s);
  rp_arena_free(&ar);
  free(data);
  return rc;
}
