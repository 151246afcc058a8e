/* SKELETON: to be replaced by the real implementation. */
#include "http/handlers.h"
#include "util/error.h"
int rp_h_login(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_logout(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_me(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
