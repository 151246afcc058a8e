/* SKELETON: to be replaced by the real implementation. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "core/email.h"
#include "util/error.h"
int rp_email_check(char *out, size_t cap, const char *p, size_t len) { return rp_error_set(RP_EINVALID_VALUE, NULL, "not implemented"); }
void rp_email_key(char *out, size_t cap, const char *addr) {}
