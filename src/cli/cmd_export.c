/* cmd_export.c: `rapport export --format csv|vcf|jsonl [--version 3|4]
 * [--out FILE] [--account NAME]` (API.md "Command line"): the account's
 * contacts as CSV or vCard (jobs/export.h), or everything of the account
 * as JSONL (jobs/backup.h), to FILE or standard output. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "jobs/backup.h"
#include "jobs/export.h"

/* rp_sink_fn over a FILE. */
static int write_file(void *ctx, const char *p, size_t len) {
  if (fwrite(p, 1, len, ctx) != len) return rp_error_set(RP_EINTERNAL, "out", "writing failed");
  return 0;
}

/* The export's output: --out FILE is written as FILE.part and renamed
 * over FILE only once the export is whole, so a failed export leaves
 * neither a short file that looks like a backup nor an old FILE clobbered;
 * standard output otherwise. */
typedef struct out_file {
  const char *path; /* --out, or NULL */
  char part[4096];
  FILE *fp;
} out_file;

static int out_open(out_file *o, const char *path) {
  *o = (out_file){.path = path, .fp = stdout};
  if (!path) return 0;
  if (snprintf(o->part, sizeof o->part, "%s.part", path) >= (int)sizeof o->part)
    return rp_error_set(RP_EINVALID_VALUE, "out", "the path is too long");
  if (!(o->fp = fopen(o->part, "wb")))
    return rp_error_set(RP_EINVALID_VALUE, "out", "cannot write %s", o->part);
  return 0;
}

/* Flushes and closes; on success renames FILE.part to FILE, on failure
 * (rc) removes it. Returns rc or the writing error. */
static int out_close(out_file *o, int rc) {
  const char *name = o->path ? o->path : "stdout";
  if (!rc && fflush(o->fp)) rc = rp_error_set(RP_EINTERNAL, "out", "writing %s failed", name);
  if (o->path && o->fp && fclose(o->fp) && !rc)
    rc = rp_error_set(RP_EINTERNAL, "out", "writing %s failed", name);
  if (rc && rp_error_last()->field[0] && !strcmp(rp_error_last()->field, "out"))
    rc = rp_error_set(rc, "out", "writing %s failed", name);
  if (o->path && o->fp) {
    if (!rc && rename(o->part, o->path) != 0)
      rc = rp_error_set(RP_EINTERNAL, "out", "cannot rename %s to %s", o->part, o->path);
    if (rc) remove(o->part);
  }
  o->fp = NULL;
  return rc;
}

/* --format jsonl: everything of the account, streamed in one snapshot. */
static int export_all(const rp_cli *c) {
  if (rp_cli_opt(c, "version"))
    return rp_error_set(RP_EUSAGE, "version", "--version is for --format vcf");
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct;
  int64_t n = 0;
  out_file out;
  const char *path = rp_cli_opt(c, "out");
  int rc = rp_cli_open_db(&s, c, NULL);
  if (!rc) rc = rp_cli_find_account(s, &ar, c, &acct);
  bool opened = !rc && !(rc = out_open(&out, path));
  if (!rc) rc = rp_store_begin(s, false);
  if (!rc) rc = rp_backup_export(s, acct.id, rp_clock_now(), write_file, out.fp, &n);
  rp_store_rollback(s);
  if (opened) rc = out_close(&out, rc);
  if (!rc && path)
    fprintf(stderr, "Exported account '%s' (%lld rows) to %s\n", acct.name, (long long)n, path);
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}

int rp_cli_cmd_export(const rp_cli *c) {
  const char *fmt = rp_cli_opt(c, "format");
  rp_export_format f;
  if (!strcmp(fmt, "csv"))
    f = RP_EXPORT_CSV;
  else if (!strcmp(fmt, "vcf") || !strcmp(fmt, "vcard"))
    f = RP_EXPORT_VCARD4;
  else if (!strcmp(fmt, "jsonl"))
    return export_all(c);
  else
    return rp_error_set(RP_EUSAGE, "format", "--format must be csv, vcf or jsonl");
  const char *v = rp_cli_opt(c, "version");
  if (v && f == RP_EXPORT_CSV)
    return rp_error_set(RP_EUSAGE, "version", "--version is for --format vcf");
  if (v && !strcmp(v, "3"))
    f = RP_EXPORT_VCARD3;
  else if (v && strcmp(v, "4"))
    return rp_error_set(RP_EUSAGE, "version", "--version must be 3 or 4");
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct;
  int64_t n = 0;
  out_file out;
  const char *path = rp_cli_opt(c, "out");
  int rc = rp_cli_open_db(&s, c, NULL);
  if (!rc) rc = rp_cli_find_account(s, &ar, c, &acct);
  bool opened = !rc && !(rc = out_open(&out, path));
  if (!rc) rc = rp_store_begin(s, false);
  if (!rc) rc = rp_export_contacts(s, acct.id, NULL, f, write_file, out.fp, &n);
  rp_store_rollback(s);
  if (opened) rc = out_close(&out, rc);
  if (!rc && path)
    fprintf(stderr, "Exported %lld contacts of '%s' to %s\n", (long long)n, acct.name, path);
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}
