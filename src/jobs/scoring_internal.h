/* scoring_internal.h: what the scoring files share (private to src/jobs):
 * the account-wide facts a scan needs to score any contact at any T, and
 * the score input of one scan row. Written by scoring.c, used by
 * scoring.c (full rescore), scoring_daily.c and scoring_rfactor.c. */
#ifndef RP_JOBS_SCORING_INTERNAL_H
#define RP_JOBS_SCORING_INTERNAL_H

#include "core/score.h"
#include "store/store.h"

/* Each contact's closed deals as buyer or seller (close time, commission),
 * the contacts it referred (created_at, archived_at), and the account's
 * closed deals: loaded once per run, read-only afterwards (several threads
 * may read one). */
typedef struct rp_scoring_index rp_scoring_index;

/* Loads the index of the account (rp_store_closed_deals,
 * rp_store_referral_edges). The caller frees it with
 * rp_scoring_index_free (NULL is fine). */
int rp_scoring_index_load(rp_scoring_index **out, rp_store *s, const char *account_id);
void rp_scoring_index_free(rp_scoring_index *ix);

/* The score input of scan row `row` at T: lifecycle fields at T (from
 * row->history when T is before the contact's updated_at and the scan
 * delivered history, else the contact's own), referral count at T, own and
 * referred revenue at T and the account's revenue at T from ix, details
 * from the row. Points into row: valid during the scan callback. */
void rp_scoring_row_input(rp_score_input *in, const rp_scoring_index *ix, const rp_score_row *row,
                          rp_time T);

/* Whether contact_id had a deal (buyer or seller) closed in (after,
 * until] (the rFactor's outcomes). */
bool rp_scoring_index_closed_between(const rp_scoring_index *ix, const char *contact_id,
                                     rp_time after, rp_time until);

/* The commissions of the account's closed deals in (after, until], each
 * deal once, into *out (in ar). */
void rp_scoring_index_commissions(const rp_scoring_index *ix, rp_arena *ar, rp_time after,
                                  rp_time until, double **out, size_t *n);

#endif
