/* SKELETON: being written by a helper; every function fails. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "jobs/scoring.h"
#include "util/error.h"


int rp_scoring_rfactor(rp_rfactor_result *out, rp_store *s, rp_arena *ar, const char *account_id,
                       rp_time T) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_rfactor: not implemented"); }

int rp_scoring_calibration(rp_rfactor_calibration *out, rp_store *s, rp_arena *ar,
                           const char *account_id, rp_time T) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_calibration: not implemented"); }

int rp_scoring_backtest(rp_backtest_row rows[RP_RFACTOR_RECENT_COUNT], rp_store *s, rp_arena *ar,
                        const char *account_id, rp_time T, rp_scoring_progress_fn progress,
                        void *progress_ctx) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_backtest: not implemented"); }
