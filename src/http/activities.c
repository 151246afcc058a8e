/* SKELETON: to be replaced by the real implementation. */
#include "http/handlers.h"
#include "util/error.h"
int rp_h_activities_list(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_activities_create(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_activities_get(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_activities_patch(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_activities_delete(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
