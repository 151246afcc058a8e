/* SKELETON: to be replaced by the real implementation. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "store/store.h"
#include "util/error.h"

int rp_store_open(rp_store **out, const char *path) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
void rp_store_close(rp_store *s) {}
int rp_store_migrate(rp_store *s, int *applied) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_schema_version(rp_store *s, int *out) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_begin(rp_store *s, bool write) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_commit(rp_store *s) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
void rp_store_rollback(rp_store *s) {}
int rp_store_account_create(rp_store *s, rp_account *a) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_account_get(rp_store *s, rp_arena *ar, rp_account *out, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_account_by_name(rp_store *s, rp_arena *ar, rp_account *out, const char *name) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_account_first(rp_store *s, rp_arena *ar, rp_account *out) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_user_create(rp_store *s, rp_user *u) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_user_get(rp_store *s, rp_arena *ar, rp_user *out, const char *account_id, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_user_by_email(rp_store *s, rp_arena *ar, rp_user *out, const char *email) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_user_list(rp_store *s, rp_arena *ar, const char *account_id, rp_user **items, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_user_update(rp_store *s, rp_user *u) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_user_delete(rp_store *s, const char *account_id, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_user_count_role(rp_store *s, const char *account_id, rp_role role, int64_t *out) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_token_create(rp_store *s, rp_token *t) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_token_by_hash(rp_store *s, rp_arena *ar, rp_token *out, const char *hash, rp_time now) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_token_list(rp_store *s, rp_arena *ar, const char *account_id, rp_token **items, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_token_delete(rp_store *s, const char *account_id, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_token_touch(rp_store *s, const char *id, rp_time at) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_login_failure_add(rp_store *s, const char *email, rp_time at) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_login_failure_count(rp_store *s, const char *email, rp_time since, int64_t *out) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_login_failure_clear(rp_store *s, const char *email) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_contact_create(rp_store *s, rp_contact *c) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_contact_get(rp_store *s, rp_arena *ar, rp_contact *out, const char *account_id, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_contact_update(rp_store *s, rp_contact *c) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_contact_archive(rp_store *s, const char *account_id, const char *id, rp_time at) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_contact_purge(rp_store *s, const char *account_id, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_contact_set_derived(rp_store *s, const char *account_id, const char *id, rp_time last_touch_at, rp_time overdue_at, double score) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_contact_list(rp_store *s, rp_arena *ar, const rp_contact_query *q, rp_contact **items, size_t *n, char **next_cursor, int64_t *total) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_activity_create(rp_store *s, rp_activity *a, bool two_way) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_activity_get(rp_store *s, rp_arena *ar, rp_activity *out, const char *account_id, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_activity_update(rp_store *s, rp_activity *a, bool two_way) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_activity_delete(rp_store *s, const char *account_id, const char *id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_activity_last_two_way(rp_store *s, const char *account_id, const char *contact_id, rp_time at, rp_time *out) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_activity_list(rp_store *s, rp_arena *ar, const rp_activity_query *q, rp_activity **items, size_t *n, char **next_cursor, int64_t *total) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_history_add(rp_store *s, const char *account_id, rp_history *h) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_history_list(rp_store *s, rp_arena *ar, const char *account_id, const char *contact_id, rp_history **items, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_count_contacts(rp_store *s, const char *account_id, int64_t *out) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
