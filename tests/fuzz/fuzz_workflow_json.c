/* fuzz_workflow_json.c: libFuzzer driver over the workflow parser
 * (jobs/workflow_json.c), the path every POST/PATCH /api/v1/workflows body
 * takes and the engine's reading of a stored workflow. Beyond "no crash,
 * no leak, no sanitizer report" it checks:
 *  - errors are one of the 400 codes, with a message and (nearly always)
 *    the field at fault;
 *  - what the parser accepted, stored as the API stores it (trigger and
 *    steps dumped), loads back (rp_workflow_def_load) into the same
 *    number of steps and filters, and planning it never fails. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/workflow_json.h"
#include "util/error.h"

static void check_error(int rc) {
  if (rc != RP_EINVALID_JSON && rc != RP_EVALIDATION && rc != RP_EUNKNOWN_FIELD &&
      rc != RP_EINVALID_VALUE) {
    fprintf(stderr, "unexpected error code %d (%s)\n", rc, rp_error_last()->message);
    abort();
  }
  if (!rp_error_last()->message[0]) {
    fprintf(stderr, "error %d without a message\n", rc);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  if (!body) return 0;
  rp_workflow_body *b = calloc(1, sizeof *b);
  rp_error_clear();
  int rc = rp_workflow_body_parse(b, body);
  if (rc) {
    check_error(rc);
    goto done;
  }
  char *trigger = json_dumps(b->trigger, JSON_COMPACT | JSON_SORT_KEYS);
  char *steps = json_dumps(b->steps, JSON_COMPACT | JSON_PRESERVE_ORDER);
  rp_workflow_def *def = calloc(1, sizeof *def);
  json_t *roots[2] = {NULL, NULL};
  rc = rp_workflow_def_load(def, roots, trigger, steps, b->stop_on_reply);
  if (rc || def->n_steps != b->def.n_steps || def->n_filters != b->def.n_filters) {
    fprintf(stderr, "a saved workflow does not load back (%d: %s)\n", rc,
            rp_error_last()->message);
    abort();
  }
  rp_wf_planned plan[RP_WF_MAX_STEPS];
  rp_wf_anchors a = {.enrolled_at = 1795532400, /* 2026-11-24T15:00:00Z */
                     .birthday = "--02-29",
                     .close_date = "2026-11-01",
                     .office = {9 * 3600, 18 * 3600, 0x1f}};
  rp_workflow_plan(plan, def, &a);
  json_decref(roots[0]);
  json_decref(roots[1]);
  free(def);
  free(trigger);
  free(steps);
done:
  free(b);
  json_decref(body);
  return 0;
}
