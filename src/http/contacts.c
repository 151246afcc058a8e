/* SKELETON: to be replaced by the real implementation. */
#include "http/handlers.h"
#include "util/error.h"
int rp_h_contacts_list(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_contacts_create(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_contacts_get(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_contacts_patch(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_contacts_delete(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_h_contacts_history(rp_req *r) { (void)r; return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
