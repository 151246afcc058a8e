/* fuzz_task_json.c: libFuzzer driver over the task body parser
 * (http/task_json.c), the path every POST/PATCH /api/v1/tasks body takes.
 * Beyond "no crash, no leak, no sanitizer report" it checks:
 *  - errors are one of the 400 codes, with a message;
 *  - what the parser accepted renders to an object that parses again
 *    (minus the read-only keys) into the same rendering (GET then PATCH it
 *    back), with done == (done_at != null);
 *  - the input as a merge patch over a rendered task parses or fails
 *    cleanly. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/contact_json.h"
#include "http/task_json.h"
#include "util/arena.h"
#include "util/error.h"

#define NOW 1795532400 /* 2026-11-24T15:00:00Z */

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

static void strip_readonly(json_t *o) {
  const char *k;
  json_t *v;
  void *tmp;
  json_object_foreach_safe(o, tmp, k, v) {
    if (rp_task_key_readonly(k)) json_object_del(o, k);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rp_arena ar = {0};
  json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object(body)) goto done;

  rp_task t;
  rp_error_clear();
  int rc = rp_task_from_json(&t, body, NOW, &ar);
  if (rc) {
    check_error(rc);
  } else {
    json_t *out = rp_task_to_json(&t);
    if (json_is_true(json_object_get(out, "done")) ==
        json_is_null(json_object_get(out, "done_at"))) {
      fprintf(stderr, "done and done_at disagree\n");
      abort();
    }
    json_t *again = json_deep_copy(out);
    strip_readonly(again);
    rp_task t2;
    rp_error_clear();
    if (rp_task_from_json(&t2, again, NOW, &ar) != 0) {
      char *s = json_dumps(out, JSON_COMPACT);
      fprintf(stderr, "rendered task does not parse again: %s (%s): %s\n", rp_error_last()->message,
              rp_error_last()->field, s ? s : "?");
      abort();
    }
    json_t *out2 = rp_task_to_json(&t2);
    if (!json_equal(out, out2)) {
      char *a = json_dumps(out, JSON_COMPACT), *b = json_dumps(out2, JSON_COMPACT);
      fprintf(stderr, "round trip changed the task:\n%s\n%s\n", a ? a : "?", b ? b : "?");
      abort();
    }
    json_decref(out2);
    json_decref(again);
    json_decref(out);
  }

  /* the input as a merge patch over a done call task, as PATCH does it */
  rp_task cur = {.title = "Call back",
                 .kind = RP_TASK_CALL,
                 .due_at = NOW - 3600,
                 .done_at = NOW - 60,
                 .outcome = RP_OUTCOME_CONNECTED,
                 .contact_id = "0193a5b0-0000-7000-8000-00000000beef"};
  json_t *cj = rp_task_to_json(&cur);
  if (rp_json_check_readonly(body, cj, rp_task_key_readonly) == 0) {
    json_t *merged = rp_json_merge_patch(cj, body);
    cj = NULL;
    strip_readonly(merged);
    rp_error_clear();
    rc = rp_task_from_json(&t, merged, NOW, &ar);
    if (rc) check_error(rc);
    json_decref(merged);
  }
  json_decref(cj);
done:
  json_decref(body);
  rp_arena_free(&ar);
  return 0;
}
