/* SKELETON: being written by a helper. */
#include "cli/cli.h"

int rp_cli_cmd_rfactor(const rp_cli *c) {
  (void)c;
  return rp_error_set(RP_EINTERNAL, NULL, "rfactor: not implemented yet");
}

int rp_cli_cmd_backtest(const rp_cli *c) {
  (void)c;
  return rp_error_set(RP_EINTERNAL, NULL, "backtest: not implemented yet");
}
