/* workflows.h: the workflow engine (API.md "Workflows, messages,
 * channels"; DOMAIN.md A1, A5, M2 "W").
 *
 * Events enrol contacts: the lifecycle and the handlers call
 * rp_workflows_event inside the transaction of the write that caused the
 * event, so an enrolment commits with its cause (M4). Enrolling plans every
 * step (core/workflow.c) into run_steps. The scheduler (jobs/scheduler.c)
 * calls rp_workflows_run_due, which runs each due step in the same
 * transaction that marks it done: a step runs once, whatever crashes. A
 * message step only writes the outbox row; channels/outbox.c sends it. */
#ifndef RP_WORKFLOWS_H
#define RP_WORKFLOWS_H

#include "core/workflow.h"
#include "jobs/lifecycle.h"
#include "store/store.h"

/* Enrols the contact in every enabled workflow of the account whose
 * trigger is ev and whose filter matches the contact and `to` (the event's
 * new value: the status of status_changed, the tag of tag_added; or NULL).
 * close_date ("YYYY-MM-DD", or NULL) anchors "relative_to": "close_date"
 * steps (deal_closed). Nothing when the account's automation.workflows is
 * off (M2), for an archived contact, or for a contact already active in a
 * workflow. */
int rp_workflows_event(rp_lifecycle *lc, const char *contact_id, rp_wf_event ev, const char *to,
                       const char *close_date);

/* Enrols the contact in workflow w by hand (POST /workflows/{id}/enroll):
 * out gets the run. RP_ECONFLICT (field contact_id) when it is already
 * active in it; RP_EVALIDATION when the workflow is disabled. */
int rp_workflows_enroll(rp_run *out, rp_lifecycle *lc, const rp_workflow_row *w,
                        const char *contact_id);

/* Stops the contact's runs of workflows with stop_on_reply: called when an
 * inbound message or call is recorded. */
int rp_workflows_on_reply(rp_lifecycle *lc, const char *contact_id);

/* Runs the account's steps due at lc->now, oldest first, at most limit of
 * them, in the caller's write transaction; *ran the number handled. A
 * message step more than RP_WF_LATE_MAX_S late (the server was down), or
 * one a later step of its run has caught up with, is skipped with the
 * reason instead of sent: catching up never floods a contact. On a
 * failure *failed (may be NULL) names the step that failed: the caller
 * rolls back and marks it failed (rp_workflows_step_failed) so that one bad
 * step does not block the queue. A step another process ended meanwhile is
 * RP_ECONFLICT (roll back; on SQLite the write lock makes it impossible). */
int rp_workflows_run_due(rp_lifecycle *lc, int limit, int *ran, rp_due_step *failed);

/* Marks a step failed with the thread's error message as its outcome (in
 * a new write transaction of the caller). */
int rp_workflows_step_failed(rp_lifecycle *lc, const rp_due_step *d, const char *why);

/* The account's time zone and office hours from its settings JSON. */
void rp_workflows_calendar(const char *settings_json, const rp_tz **tz, rp_office_hours *oh);

#endif
