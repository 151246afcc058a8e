/* SKELETON: being written by a helper. */
#include "cli/cli.h"

int rp_cli_cmd_jobs_daily(const rp_cli *c) {
  (void)c;
  return rp_error_set(RP_EINTERNAL, NULL, "jobs daily: not implemented yet");
}
