/* handlers.h: every handler of the route table, one module per resource. */
#ifndef RP_HANDLERS_H
#define RP_HANDLERS_H

#include "http/http.h"

/* health.c */
int rp_h_healthz(rp_req *r);
int rp_h_metrics(rp_req *r);

/* auth.c */
int rp_h_login(rp_req *r);
int rp_h_logout(rp_req *r);
int rp_h_me(rp_req *r);

/* users.c */
int rp_h_users_list(rp_req *r);
int rp_h_users_create(rp_req *r);
int rp_h_users_get(rp_req *r);
int rp_h_users_patch(rp_req *r);
int rp_h_users_delete(rp_req *r);

/* tokens.c */
int rp_h_tokens_list(rp_req *r);
int rp_h_tokens_create(rp_req *r);
int rp_h_tokens_delete(rp_req *r);

/* contacts.c */
int rp_h_contacts_list(rp_req *r);
int rp_h_contacts_create(rp_req *r);
int rp_h_contacts_get(rp_req *r);
int rp_h_contacts_patch(rp_req *r);
int rp_h_contacts_delete(rp_req *r);
int rp_h_contacts_history(rp_req *r);

/* merge.c */
int rp_h_contacts_merge(rp_req *r);

/* activities.c */
int rp_h_activities_list(rp_req *r);
int rp_h_activities_create(rp_req *r);
int rp_h_activities_get(rp_req *r);
int rp_h_activities_patch(rp_req *r);
int rp_h_activities_delete(rp_req *r);

/* deals.c */
int rp_h_properties_list(rp_req *r);
int rp_h_properties_create(rp_req *r);
int rp_h_properties_get(rp_req *r);
int rp_h_properties_patch(rp_req *r);
int rp_h_properties_delete(rp_req *r);
int rp_h_transactions_list(rp_req *r);
int rp_h_transactions_create(rp_req *r);
int rp_h_transactions_get(rp_req *r);
int rp_h_transactions_patch(rp_req *r);
int rp_h_transactions_delete(rp_req *r);

/* settings.c */
int rp_h_settings_get(rp_req *r);
int rp_h_settings_put(rp_req *r);

/* timeline.c */
int rp_h_contacts_timeline(rp_req *r);

#endif
