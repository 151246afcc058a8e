/* SKELETON: being written by a helper; every function fails. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "jobs/scoring.h"
#include "jobs/scoring_internal.h"
#include "util/error.h"


int rp_scoring_facts(rp_score_input *in, rp_store *s, rp_arena *ar, const rp_contact *c,
                     rp_time T) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_facts: not implemented"); }

int rp_scoring_contact(rp_score_result *out, rp_store *s, rp_arena *ar, const rp_contact *c,
                       rp_time T, bool explain) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_contact: not implemented"); }

int rp_scoring_rescore_all(rp_rescore_report *out, const char *db_path, const char *account_id,
                           const rp_rescore_opts *o) { return rp_error_set(RP_EINTERNAL, NULL, "rp_scoring_rescore_all: not implemented"); }

int rp_scoring_index_load(rp_scoring_index **out, rp_store *s, const char *account_id) { return rp_error_set(RP_EINTERNAL, NULL, "not implemented"); }
void rp_scoring_index_free(rp_scoring_index *ix) {}
void rp_scoring_row_input(rp_score_input *in, const rp_scoring_index *ix, const rp_score_row *row, rp_time T) {}
bool rp_scoring_index_closed_between(const rp_scoring_index *ix, const char *contact_id, rp_time after, rp_time until) { return false; }
void rp_scoring_index_commissions(const rp_scoring_index *ix, rp_arena *ar, rp_time after, rp_time until, double **out, size_t *n) { *n = 0; }
