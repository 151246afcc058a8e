/* cmd_serve.c: `rapport serve` (API.md "Command line"): the API, the web UI
 * and the scheduler in one process, until SIGTERM or SIGINT. */
#include <stdint.h>

#include "cli/cli.h"
#include "http/server.h"
#include "util/error.h"

/* Runs the HTTP server on --listen (default 127.0.0.1:8080) with --threads
 * worker threads (default: one per core). The server migrates the database
 * at start and returns when stopped; 0 after a clean stop. */
int rp_cli_cmd_serve(const rp_cli *c) {
  int64_t threads = 0;
  int rc = rp_cli_opt_int(c, "threads", 0, 1024, &threads);
  if (rc) return rc;
  const char *listen = rp_cli_opt(c, "listen");
  if (listen && !*listen)
    return rp_error_set(RP_EUSAGE, "listen", "--listen needs an address such as 127.0.0.1:8080");
  rp_server_opts o = {
      .db_path = c->db_path, .listen = listen ? listen : "127.0.0.1:8080", .threads = (int)threads};
  return rp_server_run(&o);
}
