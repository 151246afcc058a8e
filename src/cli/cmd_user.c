/* cmd_user.c: `rapport user add` and `rapport user list` (API.md "Command
 * line"; roles as in DOMAIN.md "Ownership and teams"). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/password.h"
#include "util/text.h"

/* `rapport user add`: a user of the account named by --account (default:
 * the first account) with role --role (default agent). The email is the
 * login key across all accounts: a taken one is refused. */
int rp_cli_cmd_user_add(const rp_cli *c) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct = {0};
  rp_user u = {0}, taken = {0};
  rp_role role = RP_ROLE_AGENT;
  char email[256], hash[RP_PASSWORD_HASH_MAX];
  const char *name = rp_cli_opt(c, "name");
  const char *role_name = rp_cli_opt(c, "role");
  bool in_txn = false;
  rp_time now = rp_clock_now();
  int rc = 0;

  if (role_name && rp_role_parse(&role, role_name) != 0) {
    rc = rp_error_set(RP_EUSAGE, "role", "unknown role '%s' (owner, admin, agent or assistant)",
                      role_name);
    goto cleanup;
  }
  if (name && (strlen(name) > 200 || !rp_utf8_valid(name, strlen(name)))) {
    rc =
        rp_error_set(RP_EINVALID_VALUE, "name", "the name is not valid UTF-8 of 200 bytes at most");
    goto cleanup;
  }
  rc = rp_cli_login_email(email, sizeof email, rp_cli_opt(c, "email"));
  if (rc) goto cleanup;
  rc = rp_cli_password_hash(hash, rp_cli_opt(c, "password"));
  if (rc) goto cleanup;
  rc = rp_cli_open_db(&s, c, NULL);
  if (rc) goto cleanup;
  rc = rp_store_begin(s, true);
  if (rc) goto cleanup;
  in_txn = true;
  rc = rp_cli_find_account(s, &ar, c, &acct);
  if (rc) goto cleanup;
  rc = rp_store_user_by_email(s, &ar, &taken, email);
  if (rc == 0) {
    rc = rp_error_set(RP_ECONFLICT, "email", "the email %s is already in use", email);
    goto cleanup;
  }
  if (rc != RP_ENOTFOUND) goto cleanup;
  u = (rp_user){.email = email,
                .name = name && *name ? name : NULL,
                .role = role,
                .password_hash = hash,
                .created_at = now,
                .updated_at = now};
  memcpy(u.account_id, acct.id, RP_ID_LEN);
  rc = rp_store_user_create(s, &u);
  if (rc == RP_ECONFLICT) rc = rp_error_set(rc, "email", "the email %s is already in use", email);
  if (rc) goto cleanup;
  rc = rp_store_commit(s);
  if (rc) goto cleanup;
  in_txn = false;
  printf("Created %s %s%s%s%s in account '%s' (id %s)\n", rp_role_name(role), email,
         u.name ? " (" : "", u.name ? u.name : "", u.name ? ")" : "", acct.name, u.id);
cleanup:
  if (in_txn) rp_store_rollback(s);
  sodium_memzero(hash, sizeof hash);
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}

/* Display width of UTF-8 text: one column per code point (good enough
 * for the names of a table; wide CJK characters count as one). */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  return w;
}

static void cell(const char *s, size_t w, bool last) {
  fputs(s, stdout);
  if (last) {
    putchar('\n');
    return;
  }
  for (size_t n = width(s); n < w + 2; n++)
    putchar(' ');
}

/* `rapport user list`: a table of the account's users, oldest first:
 * email, name, role, created (and "disabled" for disabled users). */
int rp_cli_cmd_user_list(const rp_cli *c) {
  rp_store *s = NULL;
  rp_arena ar = {0};
  rp_account acct = {0};
  rp_user *users = NULL;
  size_t n = 0;
  int rc = rp_cli_open_db(&s, c, NULL);
  if (rc) goto cleanup;
  rc = rp_cli_find_account(s, &ar, c, &acct);
  if (rc) goto cleanup;
  rc = rp_store_user_list(s, &ar, acct.id, &users, &n);
  if (rc) goto cleanup;

  size_t w_email = strlen("EMAIL"), w_name = strlen("NAME"), w_role = strlen("ROLE");
  for (size_t i = 0; i < n; i++) {
    size_t we = width(users[i].email), wn = users[i].name ? width(users[i].name) : 1;
    size_t wr = strlen(rp_role_name(users[i].role));
    if (we > w_email) w_email = we;
    if (wn > w_name) w_name = wn;
    if (wr > w_role) w_role = wr;
  }
  printf("Account '%s': %zu user%s\n", acct.name, n, n == 1 ? "" : "s");
  cell("EMAIL", w_email, false);
  cell("NAME", w_name, false);
  cell("ROLE", w_role, false);
  cell("CREATED", 0, true);
  for (size_t i = 0; i < n; i++) {
    char created[21], when[40];
    rp_time_format(users[i].created_at, created);
    snprintf(when, sizeof when, "%s%s", created, users[i].disabled_at ? "  (disabled)" : "");
    cell(users[i].email, w_email, false);
    cell(users[i].name && *users[i].name ? users[i].name : "-", w_name, false);
    cell(rp_role_name(users[i].role), w_role, false);
    cell(when, 0, true);
  }
cleanup:
  rp_store_close(s);
  rp_arena_free(&ar);
  return rc;
}
