/* cmd_serve.c: `rapport serve` (API.md "Command line"): the API, the web UI
 * and the scheduler in one process, until SIGTERM or SIGINT. */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "http/server.h"
#include "jobs/daily_scheduler.h"
#include "util/error.h"
#include "util/log.h"

/* Runs the HTTP server on --listen (default 127.0.0.1:8080) with --threads
 * worker threads (default: one per core), and beside it the daily job's
 * scheduler (jobs/daily_scheduler.h: each account's day once, after 00:05
 * in its timezone), which starts after the migrations and stops after the
 * server. Returns when stopped; 0 after a clean stop. */
int rp_cli_cmd_serve(const rp_cli *c) {
  int64_t threads = 0;
  rp_store *s = NULL;
  rp_daily_scheduler *sched = NULL;
  int rc = rp_cli_opt_int(c, "threads", 0, 1024, &threads);
  if (rc) return rc;
  const char *listen = rp_cli_opt(c, "listen");
  if (listen && !*listen)
    return rp_error_set(RP_EUSAGE, "listen", "--listen needs an address such as 127.0.0.1:8080");
  rp_server_opts o = {
      .db_path = c->db_path, .listen = listen ? listen : "127.0.0.1:8080", .threads = (int)threads};
  /* a bad address fails before any work is done */
  struct sockaddr_storage sa;
  unsigned sa_len = 0;
  if ((rc = rp_server_parse_listen(&sa, &sa_len, o.listen, strlen(o.listen))) != 0) return rc;
  /* the scheduler needs the schema: migrate first (the server then finds
   * nothing to apply) */
  int applied = 0;
  rc = rp_cli_open_db(&s, c, &applied);
  rp_store_close(s);
  if (rc) return rc;
  if (applied) rp_log_info("applied %d migration(s)", applied);
  rp_daily_scheduler_opts so = {.db_path = c->db_path};
  if ((rc = rp_daily_scheduler_start(&sched, &so)) != 0) return rc;
  rc = rp_server_run(&o);
  rp_daily_scheduler_stop(sched);
  return rc;
}
