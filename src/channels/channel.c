#include "channels/channel.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

const char *rp_send_status_name(rp_send_status s) {
  switch (s) {
  case RP_SEND_SENT: return "sent";
  case RP_SEND_RETRY: return "retry";
  case RP_SEND_PERMANENT: return "permanent";
  }
  return "?";
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, "rapport: libcurl failed to initialise\n");
    abort();
  }
}

void rp_channel_global_init(void) { pthread_once(&curl_once, curl_init_once); }

const char *rp_channel_ca_file(void) {
  const char *f = getenv("RAPPORT_CA_FILE");
  return f && *f ? f : NULL;
}

int rp_channel_ca_file_check(void) {
  const char *f = rp_channel_ca_file();
  if (!f) return 0;
  FILE *fp = fopen(f, "r");
  if (!fp)
    return rp_error_set(RP_EINVALID_VALUE, "RAPPORT_CA_FILE", "RAPPORT_CA_FILE: cannot read %s: %s",
                        f, strerror(errno));
  char line[64];
  bool pem = false;
  while (!pem && fgets(line, sizeof line, fp))
    pem = !strncmp(line, "-----BEGIN CERTIFICATE-----", 27);
  fclose(fp);
  if (!pem)
    return rp_error_set(
        RP_EINVALID_VALUE, "RAPPORT_CA_FILE",
        "RAPPORT_CA_FILE: %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", f);
  return 0;
}

void rp_send_fail(rp_send_result *r, rp_send_status status, int code, const char *fmt, ...) {
  r->status = status;
  r->code = code;
  r->provider_id[0] = '\0';
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->reason, sizeof r->reason, fmt, ap);
  va_end(ap);
  for (char *s = r->reason; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = ' ';
  /* a cut may have split the last UTF-8 character: drop its start */
  size_t n = strlen(r->reason), k = n;
  while (k > 0 && n - k < 4 && ((unsigned char)r->reason[k - 1] & 0xc0) == 0x80)
    k--;
  if (k > 0 && (unsigned char)r->reason[k - 1] >= 0xc0) {
    unsigned char lead = (unsigned char)r->reason[k - 1];
    size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (n - (k - 1) < want) r->reason[k - 1] = '\0';
  }
}
