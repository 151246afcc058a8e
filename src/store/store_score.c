/* SKELETON: being written by a helper; every function fails. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "store/sqlite_internal.h"
#include "util/error.h"


int rp_store_score_activities(rp_store *s, rp_arena *ar, const char *account_id,
                              const char *contact_id, rp_score_activity **out, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_score_activities: not implemented"); }

int rp_store_referral_count_at(rp_store *s, const char *account_id, const char *contact_id,
                               rp_time T, int64_t *out) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_referral_count_at: not implemented"); }

int rp_store_revenue_at(rp_store *s, const char *account_id, const char *contact_id, rp_time T,
                        double *own, double *referred, double *account) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_revenue_at: not implemented"); }

int rp_store_closed_deals(rp_store *s, rp_arena *ar, const char *account_id, rp_closed_deal **out,
                          size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_closed_deals: not implemented"); }

int rp_store_referral_edges(rp_store *s, rp_arena *ar, const char *account_id,
                            rp_referral_edge **out, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_referral_edges: not implemented"); }

int rp_store_score_scan(rp_store *s, const char *account_id, const char *from_id,
                        const char *to_id, bool with_history, rp_score_scan_fn fn, void *ctx) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_score_scan: not implemented"); }

int rp_store_contact_split(rp_store *s, const char *account_id, int parts,
                           char (*bounds)[RP_ID_LEN]) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_contact_split: not implemented"); }

int rp_store_score_history_put(rp_store *s, const char *account_id, const char *contact_id,
                               int64_t day, double score) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_score_history_put: not implemented"); }

int rp_store_score_history_at(rp_store *s, const char *account_id, const char *contact_id,
                              int64_t day, double *out) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_score_history_at: not implemented"); }

int rp_store_score_history_list(rp_store *s, rp_arena *ar, const char *account_id,
                                const char *contact_id, int64_t from_day, int64_t to_day,
                                rp_score_point **items, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_score_history_list: not implemented"); }

int rp_store_daily_stats_put(rp_store *s, const char *account_id, const rp_daily_stats *st) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_daily_stats_put: not implemented"); }

int rp_store_daily_stats_get(rp_store *s, const char *account_id, int64_t day,
                             rp_daily_stats *out) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_daily_stats_get: not implemented"); }

int rp_store_daily_claim(rp_store *s, const char *account_id, int64_t day, rp_time at) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_daily_claim: not implemented"); }

int rp_store_alert_create(rp_store *s, const char *account_id, rp_alert *a) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_alert_create: not implemented"); }

int rp_store_alert_last(rp_store *s, rp_arena *ar, const char *account_id,
                        const char *contact_id, rp_alert_reason reason, rp_alert *out) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_alert_last: not implemented"); }

int rp_store_alert_clear(rp_store *s, const char *account_id, const char *contact_id,
                         unsigned reason_mask, rp_time at) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_alert_clear: not implemented"); }

int rp_store_alert_dismiss(rp_store *s, const char *account_id, const char *visible_to,
                           const char *id, rp_time at) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_alert_dismiss: not implemented"); }

int rp_store_alert_list(rp_store *s, rp_arena *ar, const rp_alert_query *q, rp_alert **items,
                        size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_alert_list: not implemented"); }

int rp_store_calibration_put(rp_store *s, const char *account_id, rp_time month_end,
                             const rp_rfactor_calibration *cal, rp_time computed_at) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_calibration_put: not implemented"); }

int rp_store_calibration_get(rp_store *s, const char *account_id, rp_time month_end,
                             rp_rfactor_calibration *out, rp_time *computed_at) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_calibration_get: not implemented"); }

int rp_store_rfactor_put(rp_store *s, const char *account_id, const rp_rfactor_point *p) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_rfactor_put: not implemented"); }

int rp_store_rfactor_history(rp_store *s, rp_arena *ar, const char *account_id,
                             rp_rfactor_point **items, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_rfactor_history: not implemented"); }

int rp_store_contact_counts(rp_store *s, const char *account_id, const char *visible_to,
                            int64_t status[RP_STATUS_COUNT], int64_t stage[RP_STAGE_COUNT]) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_contact_counts: not implemented"); }

int rp_store_pipeline(rp_store *s, const char *account_id, int64_t *open_deals,
                      double *open_value) { return rp_error_set(RP_EINTERNAL, NULL, "rp_store_pipeline: not implemented"); }

int rp_store_alert_open_all(rp_store *s, rp_arena *ar, const char *account_id, rp_alert **items,
                            size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_score_bands(rp_store *s, const char *account_id, int64_t counts[RP_RFACTOR_BANDS]) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
int rp_store_account_list(rp_store *s, rp_arena *ar, rp_account **items, size_t *n) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
