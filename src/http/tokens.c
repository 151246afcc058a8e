/* SKELETON: to be replaced by the real implementation. */
#include "http/handlers.h"
#include "util/error.h"
int rp_h_tokens_list(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_tokens_create(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_tokens_delete(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
