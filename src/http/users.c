/* SKELETON: to be replaced by the real implementation. */
#include "http/handlers.h"
#include "util/error.h"
int rp_h_users_list(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_users_create(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_users_get(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_users_patch(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_users_delete(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
