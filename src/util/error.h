/* error.h: the one error convention of rapport.
 *
 * Functions return int: 0 on success, a negative RP_E* code on failure. The
 * message (and, where one field is at fault, its JSON path) goes into a
 * per-thread error slot with rp_error_set(); the HTTP layer maps the code to
 * the JSON error of API.md, the CLI prints the message on one line. */
#ifndef RP_ERROR_H
#define RP_ERROR_H

#include <stddef.h>

enum {
  RP_OK = 0,
  RP_EINVALID_JSON = -1,      /* 400 invalid_json */
  RP_EVALIDATION = -2,        /* 400 validation_failed */
  RP_EUNKNOWN_FIELD = -3,     /* 400 unknown_field */
  RP_EINVALID_VALUE = -4,     /* 400 invalid_value */
  RP_EUNAUTHORIZED = -5,      /* 401 unauthorized */
  RP_EBAD_CREDENTIALS = -6,   /* 401 invalid_credentials */
  RP_EFORBIDDEN = -7,         /* 403 forbidden */
  RP_ENOTFOUND = -8,          /* 404 not_found */
  RP_ECONFLICT = -9,          /* 409 conflict */
  RP_EPRECONDITION = -10,     /* 412 precondition_failed */
  RP_ETOOLARGE = -11,         /* 413 payload_too_large */
  RP_EMEDIATYPE = -12,        /* 415 unsupported_media_type */
  RP_ERATELIMIT = -13,        /* 429 rate_limited */
  RP_EINTERNAL = -14,         /* 500 internal */
  RP_EMETHOD = -15,           /* 405 method_not_allowed */
  RP_EUSAGE = -16,            /* CLI usage error (exit 2) */
};

typedef struct rp_error {
  int code;
  char field[128];   /* JSON path of the faulty field, "" when none */
  char message[384];
} rp_error;

/* Sets this thread's error and returns code, so callers can write
 * `return rp_error_set(RP_EINVALID_VALUE, "emails[0].address", "not an email");`.
 * field may be NULL. */
int rp_error_set(int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* This thread's last error (never NULL). */
const rp_error *rp_error_last(void);

/* Clears this thread's error. */
void rp_error_clear(void);

/* API.md error code string ("not_found") and HTTP status (404) of a code. */
const char *rp_error_code_name(int code);
int rp_error_http_status(int code);

#endif
