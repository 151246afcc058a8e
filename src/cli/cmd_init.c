/* cmd_init.c: `rapport init` and `rapport account add` (API.md "Command
 * line"), and the account helpers the other commands share. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/email.h"
#include "jobs/workflow_library.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/password.h"
#include "util/text.h"

/* The account named by --account, else the oldest one. */
int rp_cli_find_account(rp_store *s, rp_arena *ar, const rp_cli *c, rp_account *out) {
  const char *name = rp_cli_opt(c, "account");
  int rc = name ? rp_store_account_by_name(s, ar, out, name) : rp_store_account_first(s, ar, out);
  if (rc == RP_ENOTFOUND) {
    if (name) return rp_error_set(RP_ENOTFOUND, NULL, "no account named '%s'", name);
    return rp_error_set(RP_ENOTFOUND, NULL, "%s has no account yet; run `rapport init` first",
                        c->db_label);
  }
  return rc;
}

/* Login emails are checked (core/email.h) and kept all lower case, as the
 * store's unique login key. */
int rp_cli_login_email(char *out, size_t cap, const char *email) {
  char canon[256], why[sizeof rp_error_last()->message];
  if (rp_email_check(canon, sizeof canon, email, strlen(email))) {
    memcpy(why, rp_error_last()->message, sizeof why); /* rp_error_set overwrites it */
    return rp_error_set(RP_EINVALID_VALUE, "email", "'%s' is not an email address (%s)", email,
                        why);
  }
  rp_email_key(out, cap, canon);
  return 0;
}

/* "--password -" reads the first line of stdin, so the password does not
 * show in the process list or the shell history. */
int rp_cli_password_hash(char hash[static 128], const char *value) {
  char line[1100];
  const char *pw = value;
  int rc;
  if (!strcmp(value, "-")) {
    if (!fgets(line, sizeof line, stdin))
      return rp_error_set(RP_EINVALID_VALUE, "password", "no password on standard input");
    line[strcspn(line, "\r\n")] = '\0';
    pw = line;
  }
  rc = rp_password_hash(hash, pw);
  if (rc) {
    char msg[sizeof rp_error_last()->message];
    memcpy(msg, rp_error_last()->message, sizeof msg);
    rp_error_set(rc, "password", "the password %s", msg);
  }
  sodium_memzero(line, sizeof line);
  return rc;
}

/* A name for an account: not blank, valid UTF-8 without control
 * characters, at most 200 bytes. */
static int check_account_name(const char *name) {
  size_t n = strlen(name);
  bool blank = true;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)name[i];
    if (ch < 0x20 || ch == 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, "account", "the account name has a control character");
    if (ch != ' ') blank = false;
  }
  if (blank) return rp_error_set(RP_EINVALID_VALUE, "account", "the account name is empty");
  if (n > 200)
    return rp_error_set(RP_EINVALID_VALUE, "account", "the account name is over 200 bytes");
  if (!rp_utf8_valid(name, n))
    return rp_error_set(RP_EINVALID_VALUE, "account", "the account name is not valid UTF-8");
  return 0;
}

int rp_cli_account_create(rp_store *s, rp_arena *ar, bool first, const char *name,
                          const char *region, const char *email, const char *owner_name,
                          const char *password_hash, rp_account *acct, rp_user *owner) {
  rp_account found = {0};
  rp_user taken = {0};
  char reg[3];
  bool in_txn = false;
  rp_time now = rp_clock_now();
  int rc = check_account_name(name);
  if (rc) return rc;
  if (strlen(region) != 2 || !isalpha((unsigned char)region[0]) ||
      !isalpha((unsigned char)region[1]))
    return rp_error_set(RP_EINVALID_VALUE, "region",
                        "the region '%s' is not a two-letter country code (US, GB, FR...)", region);
  reg[0] = (char)toupper((unsigned char)region[0]);
  reg[1] = (char)toupper((unsigned char)region[1]);
  reg[2] = '\0';

  rc = rp_store_begin(s, true);
  if (rc) goto cleanup;
  in_txn = true;
  if (first) {
    rc = rp_store_account_first(s, ar, &found);
    if (rc == 0) {
      rc =
          rp_error_set(RP_ECONFLICT, NULL,
                       "already initialised (account '%s'); use `rapport account add`", found.name);
      goto cleanup;
    }
    if (rc != RP_ENOTFOUND) goto cleanup;
  }
  rc = rp_store_account_by_name(s, ar, &found, name);
  if (rc == 0) {
    rc = rp_error_set(RP_ECONFLICT, "account", "an account named '%s' already exists", name);
    goto cleanup;
  }
  if (rc != RP_ENOTFOUND) goto cleanup;
  rc = rp_store_user_by_email(s, ar, &taken, email);
  if (rc == 0) {
    rc = rp_error_set(RP_ECONFLICT, "email", "the email %s is already in use", email);
    goto cleanup;
  }
  if (rc != RP_ENOTFOUND) goto cleanup;

  *acct = (rp_account){.name = rp_arena_strdup(ar, name),
                       .default_region = rp_arena_strdup(ar, reg),
                       .settings_json = "{}",
                       .created_at = now};
  rc = rp_store_account_create(s, acct);
  if (rc) goto cleanup;
  *owner = (rp_user){.email = rp_arena_strdup(ar, email),
                     .name = rp_arena_strdup(ar, owner_name),
                     .role = RP_ROLE_OWNER,
                     .password_hash = rp_arena_strdup(ar, password_hash),
                     .created_at = now,
                     .updated_at = now};
  memcpy(owner->account_id, acct->id, RP_ID_LEN);
  rc = rp_store_user_create(s, owner);
  if (rc == RP_ECONFLICT) rc = rp_error_set(rc, "email", "the email %s is already in use", email);
  if (rc) goto cleanup;
  /* the built-in workflows (speed to lead, post-closing, ...) */
  if ((rc = rp_workflow_library_seed(s, acct->id, now, NULL))) goto cleanup;
  rc = rp_store_commit(s);
  in_txn = rc != 0;
cleanup:
  if (in_txn) rp_store_rollback(s);
  return rc;
}

/* init and account add: the same steps, init refusing a database that
 * already has an account. */
static int create(const rp_cli *c, bool first) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct = {0};
  rp_user owner = {0};
  char email[256], hash[RP_PASSWORD_HASH_MAX] = "";
  const char *region = rp_cli_opt(c, "region");
  int version = 0;
  int rc = rp_cli_login_email(email, sizeof email, rp_cli_opt(c, "email"));
  if (rc) goto cleanup;
  rc = check_account_name(rp_cli_opt(c, "account"));
  if (rc) goto cleanup;
  rc = rp_cli_password_hash(hash, rp_cli_opt(c, "password"));
  if (rc) goto cleanup;
  rc = rp_cli_open_db(&s, c, NULL);
  if (rc) goto cleanup;
  rc = rp_store_schema_version(s, &version);
  if (rc) goto cleanup;
  rc = rp_cli_account_create(s, &ar, first, rp_cli_opt(c, "account"), region ? region : "US", email,
                             rp_cli_opt(c, "name"), hash, &acct, &owner);
  if (rc) goto cleanup;
  if (first) printf("Initialised %s (schema version %d)\n", c->db_label, version);
  printf("Created account '%s' (region %s, id %s)\n", acct.name, acct.default_region, acct.id);
  printf("Created owner %s (id %s); log in with this email and password\n", owner.email, owner.id);
cleanup:
  sodium_memzero(hash, sizeof hash);
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}

/* `rapport init`: creates the database and the first account and owner. */
int rp_cli_cmd_init(const rp_cli *c) { return create(c, true); }

/* `rapport account add`: another account (a brokerage) and its owner. */
int rp_cli_cmd_account_add(const rp_cli *c) { return create(c, false); }
