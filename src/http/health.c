/* health.c: GET /healthz and GET /metrics (API.md "Conventions"). Neither
 * needs auth nor a transaction. */
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
  r->content_type = "text/plain; version=0.0.4; charset=utf-8";
  return 0;
}
