#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local rp_error tls_error;

int rp_error_set(int code, const char *field, const char *fmt, ...) {
  /* Format into temporaries first: the arguments may point into tls_error
   * itself (re-tagging an error with a field). */
  char f[sizeof tls_error.field], m[sizeof tls_error.message];
  snprintf(f, sizeof f, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m, sizeof m, fmt, ap);
  va_end(ap);
  tls_error.code = code;
  memcpy(tls_error.field, f, sizeof f);
  memcpy(tls_error.message, m, sizeof m);
  return code;
}

const rp_error *rp_error_last(void) { return &tls_error; }

void rp_error_clear(void) { memset(&tls_error, 0, sizeof tls_error); }

const char *rp_error_code_name(int code) {
  switch (code) {
  case RP_EINVALID_JSON: return "invalid_json";
  case RP_EVALIDATION: return "validation_failed";
  case RP_EUNKNOWN_FIELD: return "unknown_field";
  case RP_EINVALID_VALUE: return "invalid_value";
  case RP_EUNAUTHORIZED: return "unauthorized";
  case RP_EBAD_CREDENTIALS: return "invalid_credentials";
  case RP_EFORBIDDEN: return "forbidden";
  case RP_ENOTFOUND: return "not_found";
  case RP_ECONFLICT: return "conflict";
  case RP_EPRECONDITION: return "precondition_failed";
  case RP_ETOOLARGE: return "payload_too_large";
  case RP_EMEDIATYPE: return "unsupported_media_type";
  case RP_ERATELIMIT: return "rate_limited";
  case RP_EMETHOD: return "method_not_allowed";
  case RP_EUSAGE: return "usage";
  default: return "internal";
  }
}

int rp_error_http_status(int code) {
  switch (code) {
  case RP_EINVALID_JSON:
  case RP_EVALIDATION:
  case RP_EUNKNOWN_FIELD:
  case RP_EINVALID_VALUE:
  case RP_EUSAGE: return 400;
  case RP_EUNAUTHORIZED:
  case RP_EBAD_CREDENTIALS: return 401;
  case RP_EFORBIDDEN: return 403;
  case RP_ENOTFOUND: return 404;
  case RP_EMETHOD: return 405;
  case RP_ECONFLICT: return 409;
  case RP_EPRECONDITION: return 412;
  case RP_ETOOLARGE: return 413;
  case RP_EMEDIATYPE: return 415;
  case RP_ERATELIMIT: return 429;
  default: return 500;
  }
}
