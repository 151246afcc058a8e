/* main.c: the `rapport` command line (API.md "Command line").
 *
 *   rapport [--db PATH|postgres://...] COMMAND [options]
 *
 * Parses the global options and the command's options (`--name value` or
 * `--name=value`), then runs the command from cli/cmd_*.c. Exit status: 0 on
 * success, 1 on a runtime error, 2 on a usage error; a failure prints one
 * line `rapport: <message>` on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/error.h"
#include "util/password.h"

typedef struct cmd {
  const char *name;
  const char *sub; /* second word ("account add"), or NULL */
  int (*run)(const rp_cli *c);
  const char *opts[RP_CLI_MAX_OPTS]; /* allowed options; NULL-terminated */
  const char *required[4];           /* options that must be given */
  const char *usage;                 /* one line: the options */
  const char *help;                  /* what it does */
  const char *arg;                   /* the name of its one plain argument (FILE), or NULL */
} cmd;

static const cmd commands[] = {
    {"init",
     NULL,
     rp_cli_cmd_init,
     {"account", "email", "password", "region", "name", NULL},
     {"account", "email", "password", NULL},
     "init --account NAME --email E --password P [--region US] [--name OWNER]",
     "create the database and the first account with its owner"},
    {"account",
     "add",
     rp_cli_cmd_account_add,
     {"account", "email", "password", "region", "name", NULL},
     {"account", "email", "password", NULL},
     "account add --account NAME --email E --password P [--region US] [--name OWNER]",
     "another account (brokerage) and its owner"},
    {"migrate",
     NULL,
     rp_cli_cmd_migrate,
     {NULL},
     {NULL},
     "migrate",
     "apply the pending database migrations"},
    {"serve",
     NULL,
     rp_cli_cmd_serve,
     {"listen", "threads", "public-url", "web-dir", NULL},
     {NULL},
     "serve [--listen 127.0.0.1:8080] [--threads N] [--public-url https://crm.example.com] "
     "[--web-dir DIR]",
     "API, web UI and scheduler in one process"},
    {"user",
     "add",
     rp_cli_cmd_user_add,
     {"email", "password", "name", "role", "account", NULL},
     {"email", "password", NULL},
     "user add --email E --password P [--name N] [--role owner|admin|agent|assistant] "
     "[--account NAME]",
     "add a user (role agent by default) to an account"},
    {"user",
     "list",
     rp_cli_cmd_user_list,
     {"account", NULL},
     {NULL},
     "user list [--account NAME]",
     "the users of an account"},
    {"demo",
     NULL,
     rp_cli_cmd_demo,
     {"contacts", "seed", "account", NULL},
     {NULL},
     "demo [--contacts N] [--seed S] [--account NAME]",
     "realistic demo data with two years of history"},
    {"score",
     NULL,
     rp_cli_cmd_score,
     {"contact", "as-of", "account", "threads", NULL},
     {NULL},
     "score [--contact ID] [--as-of T] [--account NAME] [--threads N]",
     "rescore every contact (progress bar), or explain one contact's score"},
    {"rfactor",
     NULL,
     rp_cli_cmd_rfactor,
     {"as-of", "account", NULL},
     {NULL},
     "rfactor [--as-of T] [--account NAME]",
     "the database's rFactor with predicted transactions, revenue and valuation"},
    {"backtest",
     NULL,
     rp_cli_cmd_backtest,
     {"as-of", "account", NULL},
     {NULL},
     "backtest [--as-of T] [--account NAME]",
     "score validity (AUC, lift, Brier) against a recency baseline, last 12 month-ends"},
    {"jobs",
     "daily",
     rp_cli_cmd_jobs_daily,
     {"as-of", "account", "days", NULL},
     {NULL},
     "jobs daily [--as-of T] [--days N] [--account NAME]",
     "the daily job: score history, stage averages, alerts, rFactor (N days back to T)"},
    {"import",
     NULL,
     rp_cli_cmd_import,
     {"on-duplicate", "format", "account", "user", NULL},
     {NULL},
     "import FILE [--on-duplicate merge|skip|create] [--format csv|vcard|ics] [--account NAME] "
     "[--user EMAIL]",
     "contacts from CSV or vCard, activities from a calendar (ICS), with a progress bar",
     "FILE"},
    {"export",
     NULL,
     rp_cli_cmd_export,
     {"format", "version", "out", "account", NULL},
     {"format", NULL},
     "export --format csv|vcf|jsonl [--version 3|4] [--out FILE] [--account NAME]",
     "the account's contacts as CSV or vCard (4.0, or 3.0 with --version 3), or everything "
     "of the account as JSONL (a backup `rapport import` restores into an empty database)"},
};

/* Commands of API.md that later issues bring. */
static const char *const later[] = {NULL};

/* Prints the one-line usage error and returns exit status 2. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "rapport: %s\n", msg);
  return 2;
}

static void print_help(FILE *f) {
  fputs("usage: rapport [--db PATH|postgres://...] COMMAND [options]\n"
        "\n"
        "The database is PATH (SQLite) or a postgres:// URL, else $RAPPORT_DB, else ./rapport.db.\n"
        "Options are written --name value or --name=value; --password - reads the\n"
        "password from the first line of standard input.\n"
        "\n"
        "Commands:\n",
        f);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %s\n      %s\n", commands[i].usage, commands[i].help);
  fputs("\n"
        "  rapport --help | help [COMMAND]     this help\n"
        "  rapport --version                   the version\n"
        "\n"
        "Exit status: 0 success, 1 runtime error, 2 usage error.\n",
        f);
}

static int print_command_help(const char *name) {
  int found = 0;
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(commands[i].name, name)) {
      printf("usage: rapport [--db PATH] %s\n  %s\n", commands[i].usage, commands[i].help);
      found = 1;
    }
  if (!found) return usage_error("unknown command '%s' (see rapport --help)", name);
  return 0;
}

/* The command's own spelling of option name (so it outlives argv
 * slicing), or NULL when the command does not take it. --db is global. */
static const char *allowed(const cmd *k, const char *name) {
  if (!strcmp(name, "db")) return "db";
  for (size_t i = 0; k->opts[i]; i++)
    if (!strcmp(k->opts[i], name)) return k->opts[i];
  return NULL;
}

/* Splits "--name=value" / "--name value" at argv[*i]; returns 2 on a usage
 * error (printed), 0 otherwise. */
static int take_option(int argc, char **argv, int *i, const char **name, size_t *name_len,
                       const char **value) {
  const char *a = argv[*i] + 2;
  const char *eq = strchr(a, '=');
  *name = a;
  if (eq) {
    *name_len = (size_t)(eq - a);
    *value = eq + 1;
    return 0;
  }
  *name_len = strlen(a);
  if (*i + 1 >= argc || !strncmp(argv[*i + 1], "--", 2))
    return usage_error("option --%s needs a value", a);
  *value = argv[++*i];
  return 0;
}

/* db as it may be printed: a postgres:// URL's password (user:secret@)
 * becomes "***". Returns db itself when there is none, else buf. */
static const char *db_label(const char *db, char *buf, size_t n) {
  const char *scheme = strstr(db, "://");
  if (!scheme || !(!strncmp(db, "postgres", 8))) return db;
  const char *at = strchr(scheme + 3, '@');
  const char *colon = strchr(scheme + 3, ':');
  if (!at || !colon || colon > at) return db;
  snprintf(buf, n, "%.*s:***%s", (int)(colon - db), db, at);
  return buf;
}

int main(int argc, char **argv) {
  rp_cli c = {0};
  const char *db = NULL;
  int i = 1;

  /* global options, before the command */
  for (; i < argc && !strncmp(argv[i], "-", 1); i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      print_help(stdout);
      return 0;
    }
    if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
      printf("rapport %s\n", RAPPORT_VERSION);
      return 0;
    }
    if (!strncmp(a, "--db", 4) && (a[4] == '\0' || a[4] == '=')) {
      const char *name, *value;
      size_t nl;
      if (take_option(argc, argv, &i, &name, &nl, &value)) return 2;
      db = value;
      continue;
    }
    return usage_error("unknown option '%s' (see rapport --help)", a);
  }
  if (i >= argc) return usage_error("missing command (see rapport --help)");

  const char *name = argv[i++];
  if (!strcmp(name, "help")) {
    if (i < argc) return print_command_help(argv[i]);
    print_help(stdout);
    return 0;
  }
  for (size_t k = 0; later[k]; k++)
    if (!strcmp(name, later[k])) {
      fprintf(stderr, "rapport: %s is not available yet\n", name);
      return 1;
    }

  /* find the command (and its sub-command) */
  const cmd *k = NULL;
  bool known = false;
  const char *sub = i < argc ? argv[i] : NULL;
  for (size_t j = 0; j < sizeof commands / sizeof commands[0]; j++) {
    if (strcmp(commands[j].name, name)) continue;
    known = true;
    if (!commands[j].sub || (sub && !strcmp(commands[j].sub, sub))) {
      k = &commands[j];
      break;
    }
  }
  if (!known) return usage_error("unknown command '%s' (see rapport --help)", name);
  if (!k) {
    char subs[128] = "";
    for (size_t j = 0; j < sizeof commands / sizeof commands[0]; j++)
      if (!strcmp(commands[j].name, name)) {
        size_t n = strlen(subs);
        snprintf(subs + n, sizeof subs - n, "%s%s", n ? ", " : "", commands[j].sub);
      }
    if (sub && strcmp(sub, "--help") && strcmp(sub, "-h"))
      return usage_error("unknown sub-command '%s %s' (use %s)", name, sub, subs);
    if (sub) return print_command_help(name);
    return usage_error("%s needs a sub-command: %s", name, subs);
  }
  if (k->sub) i++;

  /* the command's options */
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      printf("usage: rapport [--db PATH] %s\n  %s\n", k->usage, k->help);
      return 0;
    }
    if (k->arg && !c.arg && (strncmp(a, "--", 2) || !a[2]) && *a) {
      c.arg = a;
      continue;
    }
    if (strncmp(a, "--", 2) || !a[2])
      return usage_error("unexpected argument '%s' (see rapport %s --help)", a, name);
    const char *oname, *value;
    size_t nl;
    if (take_option(argc, argv, &i, &oname, &nl, &value)) return 2;
    char buf[64];
    if (nl >= sizeof buf || !nl)
      return usage_error("unknown option '%.*s' (see rapport %s --help)", (int)(nl + 2), a, name);
    memcpy(buf, oname, nl);
    buf[nl] = '\0';
    const char *known_name = allowed(k, buf);
    if (!known_name) return usage_error("unknown option '--%s' (see rapport %s --help)", buf, name);
    if (!strcmp(buf, "db")) {
      db = value;
      continue;
    }
    if (rp_cli_opt(&c, buf)) return usage_error("option --%s given twice", buf);
    c.names[c.n_opts] = known_name; /* outlives buf */
    c.values[c.n_opts++] = value;
  }
  if (k->arg && !c.arg)
    return usage_error("%s needs %s (see rapport %s --help)", name, k->arg, name);
  for (size_t j = 0; k->required[j]; j++)
    if (!rp_cli_opt(&c, k->required[j]))
      return usage_error("%s%s%s needs --%s (see rapport %s --help)", name, k->sub ? " " : "",
                         k->sub ? k->sub : "", k->required[j], name);

  if (db && !*db) return usage_error("--db needs a path");
  if (!db) db = getenv("RAPPORT_DB");
  if (!db || !*db) db = "rapport.db";
  c.db_path = db;
  char label[512];
  c.db_label = db_label(db, label, sizeof label);
  c.command = k->name;
  c.sub = k->sub;
  c.tty = isatty(STDERR_FILENO) == 1;

  rp_crypto_init();
  rp_error_clear();
  int rc = k->run(&c);
  if (rc == 0) return 0;
  const rp_error *e = rp_error_last();
  /* one line, whatever the message holds (SQLite's can span lines) */
  char msg[sizeof e->message];
  snprintf(msg, sizeof msg, "%s", e->message[0] ? e->message : rp_error_code_name(rc));
  for (char *p = msg; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  fprintf(stderr, "rapport: %s\n", msg);
  return rc == RP_EUSAGE ? 2 : 1;
}
