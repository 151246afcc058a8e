/* cli.h: what the command files of the `rapport` command line share
 * (API.md "Command line").
 *
 * main.c parses `rapport [--db PATH] COMMAND [--name value | --name=value]...`
 * against each command's list of options and hands the command an rp_cli.
 * A command returns 0 or a negative RP_E* code with the thread error set;
 * main prints the message as one line `rapport: <message>` on stderr and
 * exits 2 for RP_EUSAGE, 1 for anything else. Commands print their results
 * on stdout. */
#ifndef RP_CLI_H
#define RP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/error.h"

#ifndef RAPPORT_VERSION
#define RAPPORT_VERSION "0.1.0"
#endif

#define RP_CLI_MAX_OPTS 16

typedef struct rp_cli {
  const char *db_path;                /* --db, else RAPPORT_DB, else "rapport.db" */
  const char *db_label;               /* db_path to print: a URL's password hidden */
  const char *command;                /* "init", "user", ... */
  const char *sub;                    /* "add", "list", or NULL */
  const char *names[RP_CLI_MAX_OPTS]; /* option names without the "--" */
  const char *values[RP_CLI_MAX_OPTS];
  size_t n_opts;
  bool tty;        /* stderr is a terminal (progress bars) */
  const char *arg; /* the command's plain argument (import FILE), or NULL */
} rp_cli;

/* The value given for option --name, or NULL when it was not given. The
 * string belongs to argv. */
static inline const char *rp_cli_opt(const rp_cli *c, const char *name) {
  for (size_t i = 0; i < c->n_opts; i++)
    if (!strcmp(c->names[i], name)) return c->values[i];
  return NULL;
}

/* Reads option --name as a decimal integer in [min, max] into *out; *out
 * keeps its value (the default) when the option is absent. RP_EUSAGE when
 * it is not such a number. */
static inline int rp_cli_opt_int(const rp_cli *c, const char *name, int64_t min, int64_t max,
                                 int64_t *out) {
  const char *v = rp_cli_opt(c, name);
  if (!v) return 0;
  char *end = NULL;
  long long n = *v ? strtoll(v, &end, 10) : 0;
  if (!*v || *end || n < min || n > max)
    return rp_error_set(RP_EUSAGE, name, "--%s needs a whole number from %lld to %lld", name,
                        (long long)min, (long long)max);
  *out = (int64_t)n;
  return 0;
}

/* Reads option --as-of (an RFC 3339 time, or a date: midnight UTC) into
 * *out; *out is `now` when it is absent. *given (may be NULL) says whether
 * it was. RP_EUSAGE naming what was given when it is neither. */
static inline int rp_cli_opt_as_of(const rp_cli *c, rp_time now, rp_time *out, bool *given) {
  const char *v = rp_cli_opt(c, "as-of");
  if (given) *given = v != NULL;
  *out = now;
  if (!v) return 0;
  if (rp_time_parse(out, v, strlen(v)))
    return rp_error_set(RP_EUSAGE, "as-of",
                        "--as-of needs an RFC 3339 time or a date, e.g. 2026-11-24T14:05:00Z or "
                        "2026-11-24 (got '%s')",
                        v);
  return 0;
}

/* ---- helpers (cmd_migrate.c, cmd_init.c) ---- */

/* Opens c->db_path and applies the pending migrations; *applied (may be
 * NULL) gets how many ran. The caller closes *out with rp_store_close. */
int rp_cli_open_db(rp_store **out, const rp_cli *c, int *applied);

/* The account named by --account, or, without it, the first (oldest)
 * account. RP_ENOTFOUND with a one-line hint when there is none. Strings
 * go into ar. */
int rp_cli_find_account(rp_store *s, rp_arena *ar, const rp_cli *c, rp_account *out);

/* Checks an email for a login (core/email.h) and lower-cases it into out
 * (cap >= 255). RP_EINVALID_VALUE naming the email when it is not one. */
int rp_cli_login_email(char *out, size_t cap, const char *email);

/* The password option: its value, or one line read from stdin when the
 * value is "-" (so it stays out of the process list). Hashes it into hash.
 * RP_EINVALID_VALUE when too short or too long. */
int rp_cli_password_hash(char hash[static 128], const char *value);

/* Creates an account and its owner user in one transaction (shared by
 * init, account add and demo). Refuses a duplicate account name and an email
 * already in use with RP_ECONFLICT; with first, refuses (RP_ECONFLICT) a
 * database that already holds an account. region is ISO alpha-2 (checked
 * and upper-cased), email a checked login email, owner_name may be NULL.
 * *acct and *owner are filled, their strings in ar. */
int rp_cli_account_create(rp_store *s, rp_arena *ar, bool first, const char *name,
                          const char *region, const char *email, const char *owner_name,
                          const char *password_hash, rp_account *acct, rp_user *owner);

/* ---- the commands: 0 or an RP_E* code ---- */

int rp_cli_cmd_init(const rp_cli *c);        /* init */
int rp_cli_cmd_account_add(const rp_cli *c); /* account add */
int rp_cli_cmd_migrate(const rp_cli *c);     /* migrate */
int rp_cli_cmd_serve(const rp_cli *c);       /* serve */
int rp_cli_cmd_user_add(const rp_cli *c);    /* user add */
int rp_cli_cmd_user_list(const rp_cli *c);   /* user list */
int rp_cli_cmd_demo(const rp_cli *c);        /* demo */
int rp_cli_cmd_score(const rp_cli *c);       /* score (cmd_score.c) */
int rp_cli_cmd_rfactor(const rp_cli *c);     /* rfactor (cmd_rfactor.c) */
int rp_cli_cmd_backtest(const rp_cli *c);    /* backtest (cmd_rfactor.c) */
int rp_cli_cmd_jobs_daily(const rp_cli *c);  /* jobs daily (cmd_jobs.c) */
int rp_cli_cmd_import(const rp_cli *c);      /* import FILE (cmd_import.c) */
int rp_cli_cmd_export(const rp_cli *c);      /* export (cmd_export.c) */

/* A progress bar on stderr for long commands: pass rp_cli_progress_draw
 * and a zeroed rp_cli_progress (unit: "contacts", ...) as a progress
 * callback when c->tty; it redraws at most ten times a second.
 * rp_cli_progress_end erases it (or ends its line when failed). */
typedef struct rp_cli_progress {
  const char *unit;
  double last;
  bool drawn;
} rp_cli_progress;
void rp_cli_progress_draw(void *ctx, size_t done, size_t total);
void rp_cli_progress_end(rp_cli_progress *pg, bool failed);
/* A monotonic clock in seconds, for "took 1.23 s". */
double rp_cli_seconds(void);

#endif
