/* cmd_serve.c: `rapport serve` (API.md "Command line"): the API, the web UI
 * and the scheduler in one process, until SIGTERM or SIGINT. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "channels/channel.h"
#include "channels/outbox.h"
#include "http/server.h"
#include "http/static.h"
#include "jobs/daily_scheduler.h"
#include "jobs/messages.h"
#include "jobs/import_worker.h"
#include "jobs/mail_sync.h"
#include "jobs/scheduler.h"
#include "util/error.h"
#include "util/log.h"

/* Runs the HTTP server on --listen (default 127.0.0.1:8080) with --threads
 * worker threads (default: one per core), and beside it the daily job's
 * scheduler (jobs/daily_scheduler.h: each account's day once, after 00:05
 * in its timezone) and the work scheduler (jobs/scheduler.h: due workflow
 * steps and the outbox, every second), which start after the migrations
 * and stop after the server. --public-url (or RAPPORT_PUBLIC_URL) is the
 * address links in messages use (unsubscribe) and the SMS webhook is
 * shown under; by default http://<listen>. --web-dir (or RAPPORT_WEB_DIR)
 * is where the built web UI is served from (http/static.h for the
 * default). RAPPORT_CA_FILE, when set, must be a readable PEM file
 * (channels/channel.h). Returns when stopped; 0 after a
 * clean stop. */
int rp_cli_cmd_serve(const rp_cli *c) {
  int64_t threads = 0;
  rp_store *s = NULL;
  rp_daily_scheduler *sched = NULL;
  rp_scheduler *work = NULL, *outbox = NULL;
  rp_import_worker *imports = NULL;
  rp_mail_worker *mail = NULL;
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
  /* so does a CA file the channels could not read (channels/channel.h) */
  if ((rc = rp_channel_ca_file_check()) != 0) return rc;
  /* the scheduler needs the schema: migrate first (the server then finds
   * nothing to apply) */
  int applied = 0;
  rc = rp_cli_open_db(&s, c, &applied);
  rp_store_close(s);
  if (rc) return rc;
  if (applied) rp_log_info("applied %d migration(s)", applied);
  const char *public_url = rp_cli_opt(c, "public-url");
  if (!public_url) public_url = getenv("RAPPORT_PUBLIC_URL");
  if (public_url && *public_url)
    rp_messages_set_public_url(public_url);
  else {
    char url[300];
    snprintf(url, sizeof url, "http://%s", o.listen);
    rp_messages_set_public_url(url);
  }
  const char *web_dir = rp_cli_opt(c, "web-dir");
  if (!web_dir) web_dir = getenv("RAPPORT_WEB_DIR");
  rp_static_set_dir(web_dir);
  rp_daily_scheduler_opts so = {.db_path = c->db_path};
  if ((rc = rp_daily_scheduler_start(&sched, &so)) != 0) return rc;
  /* two threads: the steps, and the sender (a slow provider never holds up
   * the steps) */
  rp_scheduler_opts wo = {.db_path = c->db_path, .run_steps = true};
  rp_scheduler_opts so2 = {.db_path = c->db_path, .sender = rp_outbox_send_due};
  /* mailbox sync (jobs/mail_sync.h): every RAPPORT_MAIL_POLL_S seconds */
  const char *poll = getenv("RAPPORT_MAIL_POLL_S");
  int mail_every = poll && atoi(poll) > 0 ? atoi(poll) : RP_MAIL_SYNC_INTERVAL_S;
  if ((rc = rp_scheduler_start(&work, &wo)) != 0 || (rc = rp_scheduler_start(&outbox, &so2)) != 0 ||
      (rc = rp_import_worker_start(&imports, c->db_path)) != 0 ||
      (rc = rp_mail_worker_start(&mail, c->db_path, mail_every)) != 0) {
    rp_import_worker_stop(imports);
    rp_scheduler_stop(outbox);
    rp_scheduler_stop(work);
    rp_daily_scheduler_stop(sched);
    return rc;
  }
  rc = rp_server_run(&o);
  rp_mail_worker_stop(mail);
  rp_import_worker_stop(imports);
  rp_scheduler_stop(outbox);
  rp_scheduler_stop(work);
  rp_daily_scheduler_stop(sched);
  return rc;
}
