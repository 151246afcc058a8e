/* health.c: GET /healthz and GET /metrics (API.md "Conventions"). Neither
 * needs auth nor a transaction. */
#include "channels/outbox.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "util/error.h"

/* GET /healthz: 200 {"status":"ok"} when this thread's database connection
 * answers, else 503 {"status":"unavailable"} (a load balancer takes the
 * node out). */
int rp_h_healthz(rp_req *r) {
  int version = 0;
  if (!r->store || rp_store_schema_version(r->store, &version) != 0) {
    rp_error_clear();
    rp_resp_json(r, 503, json_pack("{s:s}", "status", "unavailable"));
    return 0;
  }
  rp_resp_json(r, 200, json_pack("{s:s}", "status", "ok"));
  return 0;
}

/* GET /metrics: the Prometheus text exposition (metrics.h). */
int rp_h_metrics(rp_req *r) {
  rp_resp_empty(r, 200);
  rp_metrics_render(&r->out);
  /* the outbox: this process's sends, and the queue in the database */
  uint64_t sent, retried, failed;
  rp_outbox_totals(&sent, &retried, &failed);
  rp_sb_puts(&r->out, "# HELP rapport_outbox_sends_total Messages this process handed to a "
                      "provider, by outcome.\n# TYPE rapport_outbox_sends_total counter\n");
  rp_sb_printf(&r->out, "rapport_outbox_sends_total{outcome=\"sent\"} %llu\n",
               (unsigned long long)sent);
  rp_sb_printf(&r->out, "rapport_outbox_sends_total{outcome=\"retry\"} %llu\n",
               (unsigned long long)retried);
  rp_sb_printf(&r->out, "rapport_outbox_sends_total{outcome=\"failed\"} %llu\n",
               (unsigned long long)failed);
  int64_t depth = 0;
  if (r->store && rp_store_outbox_depth(r->store, &depth) == 0)
    rp_sb_printf(&r->out,
                 "# HELP rapport_outbox_queue_depth Messages queued or being sent.\n"
                 "# TYPE rapport_outbox_queue_depth gauge\nrapport_outbox_queue_depth %lld\n",
                 (long long)depth);
  r->content_type = "text/plain; version=0.0.4; charset=utf-8";
  return 0;
}
