/* store_merge.c: moving everything that names one contact onto another
 * (API.md "POST /api/v1/contacts/{id}/merge"). */
#include "store/store_internal.h"
#include "util/error.h"

/* Runs one statement binding (account, survivor, other) as ?1 ?2 ?3. */
static int run3(rp_store *s, const char *sql, const char *account_id, const char *survivor,
                const char *other) {
  rp_stmt *st = rp_sql_dyn(s, sql);
  if (!st) return rp_error_last()->code;
  rp_bind_id(st, 1, account_id);
  rp_bind_id(st, 2, survivor);
  rp_bind_id(st, 3, other);
  return rp_sql_run(s, st, NULL);
}

int rp_store_contact_merge_rows(rp_store *s, const char *account_id, const char *survivor_id,
                                const char *other_id) {
  static const char *const steps[] = {
      "UPDATE activities SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      "UPDATE history SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      /* the survivor keeps its own score history; the other's alerts are
       * the survivor's now, but for an open one of a reason the survivor
       * has open already (one open alert per contact and reason) */
      "DELETE FROM score_history WHERE account_id = ?1 AND contact_id = ?3",
      "DELETE FROM alerts WHERE account_id = ?1 AND contact_id = ?3 AND cleared_at IS NULL"
      " AND dismissed_at IS NULL AND EXISTS (SELECT 1 FROM alerts o WHERE o.account_id = ?1"
      " AND o.contact_id = ?2 AND o.reason = alerts.reason AND o.cleared_at IS NULL"
      " AND o.dismissed_at IS NULL)",
      "UPDATE alerts SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      /* a deal both are party to keeps the survivor's part */
      "DELETE FROM deal_parties WHERE account_id = ?1 AND contact_id = ?3 AND EXISTS ("
      "SELECT 1 FROM deal_parties o WHERE o.account_id = ?1 AND o.contact_id = ?2"
      " AND o.deal_kind = deal_parties.deal_kind AND o.deal_id = deal_parties.deal_id)",
      "UPDATE deal_parties SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      /* tasks, messages, captures and inbound texts follow the contact */
      "UPDATE tasks SET contact_id = ?2, version = version + 1"
      " WHERE account_id = ?1 AND contact_id = ?3",
      "UPDATE messages SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      "UPDATE captures SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      "UPDATE sms_inbound SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      /* workflow runs too, but a contact is in a workflow once at a time:
       * the other's run of a workflow the survivor is active in stops */
      "UPDATE run_steps SET status = 'canceled', outcome = 'merged into another contact'"
      " WHERE account_id = ?1 AND status = 'pending' AND run_id IN (SELECT id FROM workflow_runs"
      " WHERE account_id = ?1 AND contact_id = ?3 AND status = 'active' AND workflow_id IN"
      " (SELECT workflow_id FROM workflow_runs WHERE account_id = ?1 AND contact_id = ?2"
      " AND status = 'active'))",
      "UPDATE workflow_runs SET status = 'stopped', stop_reason = 'merged', ended_at = unixepoch()"
      " WHERE account_id = ?1 AND contact_id = ?3 AND status = 'active' AND workflow_id IN"
      " (SELECT workflow_id FROM workflow_runs WHERE account_id = ?1 AND contact_id = ?2"
      " AND status = 'active')",
      "UPDATE workflow_runs SET contact_id = ?2 WHERE account_id = ?1 AND contact_id = ?3",
      "UPDATE contacts SET referred_by = ?2 WHERE account_id = ?1 AND referred_by = ?3"
      " AND id <> ?2",
      /* C1: the survivor's referral count, the other's (now none) */
      "UPDATE contacts SET referral_count = (SELECT count(*) FROM contacts r"
      " WHERE r.account_id = ?1 AND r.referred_by = contacts.id AND r.archived = 0)"
      " WHERE account_id = ?1 AND id IN (?2, ?3)",
  };
  bool sp;
  int rc = rp_sql_sp_begin(s, &sp);
  for (size_t i = 0; !rc && i < sizeof steps / sizeof steps[0]; i++)
    rc = run3(s, steps[i], account_id, survivor_id, other_id);
  return rp_sql_sp_end(s, sp, rc);
}
