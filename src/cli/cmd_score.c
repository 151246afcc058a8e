/* SKELETON: being written by a helper. */
#include "cli/cli.h"

int rp_cli_cmd_score(const rp_cli *c) {
  (void)c;
  return rp_error_set(RP_EINTERNAL, NULL, "score: not implemented yet");
}
