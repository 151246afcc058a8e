/* SKELETON: being written by a helper; every function fails. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "jobs/scoring.h"
#include "util/error.h"


int rp_scoring_facts(rp_score_input *in, rp_store *s, rp_arena *ar, const rp_contact *c,
                     rp_time T) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_facts: not implemented"); }

int rp_scoring_contact(rp_score_result *out, rp_store *s, rp_arena *ar, const rp_contact *c,
                       rp_time T, bool explain) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_contact: not implemented"); }

int rp_scoring_rescore_all(rp_rescore_report *out, const char *db_path, const char *account_id,
                           const rp_rescore_opts *o) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_rescore_all: not implemented"); }
