/* SKELETON: to be replaced by the real implementation. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "core/phone.h"
#include "util/error.h"
int rp_phone_normalize(char out[static RP_PHONE_MAX], const char *p, size_t len, const char *region) { return rp_error_set(RP_EINVALID_VALUE, NULL, "not implemented"); }
bool rp_phone_looks_like(const char *q, size_t len) { return false; }
const char *rp_phone_region_code(const char *region) { return NULL; }
