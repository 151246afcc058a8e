/* cmd_export.c: `rapport export --format csv|vcf|jsonl [--version 3|4]
 * [--out FILE] [--account NAME]` (API.md "Command line"): the account's
 * contacts as CSV or vCard (jobs/export.h), or everything of the account
 * as JSONL (jobs/backup.h), to FILE or standard output. */
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

/* --format jsonl: everything of the account, streamed in one snapshot. */
static int export_all(const rp_cli *c) {
  if (rp_cli_opt(c, "version"))
    return rp_error_set(RP_EUSAGE, "version", "--version is for --format vcf");
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct;
  int64_t n = 0;
  FILE *fp = NULL;
  const char *path = rp_cli_opt(c, "out");
  int rc = rp_cli_open_db(&s, c, NULL);
  if (!rc) rc = rp_cli_find_account(s, &ar, c, &acct);
  if (!rc && path && !(fp = fopen(path, "wb")))
    rc = rp_error_set(RP_EINVALID_VALUE, "out", "cannot write %s", path);
  if (!rc) rc = rp_store_begin(s, false);
  if (!rc) rc = rp_backup_export(s, acct.id, rp_clock_now(), write_file, fp ? fp : stdout, &n);
  rp_store_rollback(s);
  if (!rc && fflush(fp ? fp : stdout))
    rc = rp_error_set(RP_EINTERNAL, "out", "writing %s failed", path ? path : "stdout");
  if (fp && fclose(fp) && !rc) rc = rp_error_set(RP_EINTERNAL, "out", "writing %s failed", path);
  if (rc && rp_error_last()->field[0] && !strcmp(rp_error_last()->field, "out"))
    rc = rp_error_set(rc, "out", "writing %s failed", path ? path : "stdout");
  if (rc && path) remove(path); /* no partial file that looks like a backup */
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
  FILE *fp = NULL;
  const char *path = rp_cli_opt(c, "out");
  int rc = rp_cli_open_db(&s, c, NULL);
  if (!rc) rc = rp_cli_find_account(s, &ar, c, &acct);
  if (!rc && path && !(fp = fopen(path, "wb")))
    rc = rp_error_set(RP_EINVALID_VALUE, "out", "cannot write %s", path);
  if (!rc) rc = rp_store_begin(s, false);
  if (!rc) rc = rp_export_contacts(s, acct.id, NULL, f, write_file, fp ? fp : stdout, &n);
  rp_store_rollback(s);
  if (!rc && fflush(fp ? fp : stdout))
    rc = rp_error_set(RP_EINTERNAL, "out", "writing %s failed", path ? path : "stdout");
  if (fp && fclose(fp) && !rc) rc = rp_error_set(RP_EINTERNAL, "out", "writing %s failed", path);
  if (rc && rp_error_last()->field[0] && !strcmp(rp_error_last()->field, "out"))
    rc = rp_error_set(rc, "out", "writing %s failed", path ? path : "stdout");
  if (rc && path) remove(path);
  if (!rc && path)
    fprintf(stderr, "Exported %lld contacts of '%s' to %s\n", (long long)n, acct.name, path);
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}
