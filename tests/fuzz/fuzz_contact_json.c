/* fuzz_contact_json.c: libFuzzer driver over the contact body parser
 * (http/contact_json.c), the path every POST/PATCH /api/v1/contacts body
 * takes. Beyond "no crash, no leak, no sanitizer report" it checks two
 * properties a client relies on:
 *  - what the parser accepted renders to an object that parses again (minus
 *    the read-only keys) into the same rendering (GET then PATCH it back);
 *  - a merge patch of the input over that rendering never crashes the parser
 *    and leaves a well-formed error or contact.
 * Errors must be one of the 400 codes with a bounded field path. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/contact_json.h"
#include "util/arena.h"
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

static void strip_readonly(json_t *o) {
  const char *k;
  json_t *v;
  void *tmp;
  json_object_foreach_safe(o, tmp, k, v) {
    if (rp_contact_key_readonly(k)) json_object_del(o, k);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rp_arena ar = {0};
  json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object(body)) goto done;

  rp_contact c;
  rp_contact_given g;
  rp_error_clear();
  int rc = rp_contact_from_json(&c, &g, body, "US", &ar);
  if (rc) {
    check_error(rc);
  } else {
    /* round trip: render, strip read-only keys, parse, render again */
    json_t *out = rp_contact_to_json(&c);
    json_t *again = json_deep_copy(out);
    strip_readonly(again);
    rp_contact c2;
    rp_error_clear();
    if (rp_contact_from_json(&c2, NULL, again, "US", &ar) != 0) {
      char *s = json_dumps(out, JSON_COMPACT);
      fprintf(stderr, "rendered contact does not parse again: %s (%s): %s\n",
              rp_error_last()->message, rp_error_last()->field, s ? s : "?");
      abort();
    }
    json_t *out2 = rp_contact_to_json(&c2);
    if (!json_equal(out, out2)) {
      char *a = json_dumps(out, JSON_COMPACT), *b = json_dumps(out2, JSON_COMPACT);
      fprintf(stderr, "round trip changed the contact:\n%s\n%s\n", a ? a : "?", b ? b : "?");
      abort();
    }
    json_decref(out2);
    json_decref(again);
    json_decref(out);
  }

  /* the input as a merge patch over a small contact, as PATCH does it */
  json_t *cur = json_pack("{s:s, s:[{s:s}], s:{s:s}}", "first_name", "Ann", "emails", "address",
                          "ann@example.com", "address", "city", "Springfield");
  if (rp_json_check_readonly(body, cur, rp_contact_key_readonly) == 0) {
    json_t *merged = rp_json_merge_patch(cur, body);
    cur = NULL;
    strip_readonly(merged);
    rp_error_clear();
    rc = rp_contact_from_json(&c, NULL, merged, "GB", &ar);
    if (rc) check_error(rc);
    json_decref(merged);
  }
  json_decref(cur);

  /* and as an activity body */
  rp_activity a;
  rp_error_clear();
  rc = rp_activity_from_json(&a, body, 1795529100, &ar);
  if (rc) {
    check_error(rc);
  } else {
    json_decref(rp_activity_to_json(&a));
  }
done:
  json_decref(body);
  rp_arena_free(&ar);
  return 0;
}
