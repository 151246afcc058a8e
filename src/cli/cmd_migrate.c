/* cmd_migrate.c: `rapport migrate`, and opening the database for every
 * command. */
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"
#include "util/error.h"

/* Opens the database and applies pending migrations (the schema is built
 * into the binary). Owner: the caller closes *out. */
int rp_cli_open_db(rp_store **out, const rp_cli *c, int *applied) {
  rp_store *s = NULL;
  int n = 0;
  int rc = rp_store_open(&s, c->db_path);
  if (rc) goto cleanup;
  rc = rp_store_migrate(s, &n);
  if (rc) goto cleanup;
  if (applied) *applied = n;
  *out = s;
  s = NULL;
cleanup:
  rp_store_close(s);
  return rc;
}

/* `rapport migrate`: applies the migrations not yet applied and says how
 * many ran and the schema version reached. */
int rp_cli_cmd_migrate(const rp_cli *c) {
  rp_store *s = NULL;
  int applied = 0, version = 0;
  int rc = rp_cli_open_db(&s, c, &applied);
  if (rc) goto cleanup;
  rc = rp_store_schema_version(s, &version);
  if (rc) goto cleanup;
  if (applied)
    printf("%s: applied %d migration%s; schema version %d\n", c->db_label, applied,
           applied == 1 ? "" : "s", version);
  else
    printf("%s: up to date (schema version %d); applied 0 migrations\n", c->db_label, version);
cleanup:
  rp_store_close(s);
  return rc;
}
