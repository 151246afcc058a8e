/* fuzz_channels_json.c: libFuzzer driver over the channel settings parser
 * (http/channels_json.c), the path every PUT /api/v1/settings/channels body
 * takes. The first byte picks the stored settings the body merges into
 * (none, or a complete set); the rest is the body. Beyond "no crash, no
 * leak, no sanitizer report" it checks:
 *  - errors are one of the 400 codes, with a message, and leave the
 *    settings as they were;
 *  - the answer never holds a secret;
 *  - every section kept is complete (what the sender needs);
 *  - the answer sent back as a PUT body changes nothing (GET, then PUT it
 *    back).
 * Its sources are named below: the include closure of store/store.h would
 * pull in store files without the SQLite core; jansson is linked by name. */
// clang-format off
// fuzz-sources: src/http/channels_json.c src/channels/mime.c src/core/email.c src/util/error.c src/util/arena.c src/util/clock.c src/util/strbuf.c src/util/mem.c src/util/text.c -ljansson
// clang-format on
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/channels_json.h"
#include "util/arena.h"
#include "util/error.h"

static const char *const SECRETS[] = {"pw-Zq81xK", "tok-Hh27Pa", "imap-Wd55Rt"};

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

static bool same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same(const rp_channels *a, const rp_channels *b) {
  const char *const *x = &a->smtp_url, *const *y = &b->smtp_url;
  for (int i = 0; i < 11; i++)
    if (!same_str(x[i], y[i])) return false;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  rp_arena ar = {0};
  rp_channels cur = {0};
  if (data[0] & 1) {
    cur.smtp_url = "smtps://mail.example.com:465";
    cur.smtp_from = "office@example.com";
    cur.smtp_username = "office";
    cur.smtp_password = SECRETS[0];
    cur.sms_base_url = "https://api.twilio.com";
    cur.sms_account_sid = "AC0123";
    cur.sms_auth_token = SECRETS[1];
    cur.sms_from = "+15005550006";
    cur.imap_url = "imaps://mail.example.com";
    cur.imap_username = "office";
    cur.imap_password = SECRETS[2];
  }
  json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object(body)) goto done;

  rp_channels next;
  rp_error_clear();
  int rc = rp_channels_apply(&next, &cur, body, &ar);
  if (rc) {
    check_error(rc);
    if (!same(&next, &cur)) {
      fprintf(stderr, "a refused body changed the settings\n");
      abort();
    }
    goto done;
  }
  if ((next.smtp_url || next.smtp_from || next.smtp_username || next.smtp_password) &&
      (!next.smtp_url || !next.smtp_from)) {
    fprintf(stderr, "incomplete smtp kept\n");
    abort();
  }
  if ((next.sms_base_url || next.sms_account_sid || next.sms_auth_token || next.sms_from) &&
      (!next.sms_base_url || !next.sms_account_sid || !next.sms_auth_token || !next.sms_from)) {
    fprintf(stderr, "incomplete sms kept\n");
    abort();
  }
  json_t *out = rp_channels_to_json(&next, "http://localhost:8080/api/v1/hooks/sms/k");
  char *text = json_dumps(out, JSON_COMPACT);
  if (!text) abort();
  /* a stored secret shows only where the body put it into a visible field */
  const char *visible[] = {next.smtp_url,     next.smtp_from,       next.smtp_username,
                           next.sms_base_url, next.sms_account_sid, next.sms_from,
                           next.imap_url,     next.imap_username};
  for (size_t i = 0; i < 3; i++) {
    if (!strstr(text, SECRETS[i])) continue;
    bool put = false;
    for (size_t j = 0; j < sizeof visible / sizeof visible[0]; j++)
      put |= visible[j] && strstr(visible[j], SECRETS[i]) != NULL;
    if (!put) {
      fprintf(stderr, "a secret in the answer: %s\n", text);
      abort();
    }
  }
  rp_channels again;
  rc = rp_channels_apply(&again, &next, out, &ar);
  if (rc || !same(&again, &next)) {
    fprintf(stderr, "the answer sent back changed the settings (%d %s): %s\n", rc,
            rp_error_last()->message, text);
    abort();
  }
  free(text);
  json_decref(out);
done:
  json_decref(body);
  rp_arena_free(&ar);
  return 0;
}
