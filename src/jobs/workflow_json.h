/* workflow_json.h: the JSON form of a workflow (API.md "Workflows,
 * messages, channels"), validated into core/workflow.h's rp_workflow_def.
 * Shared by the API (http/workflows.c, on save) and the engine
 * (jobs/workflows.c, which reads the stored steps back), so both read a
 * workflow the same way. No I/O.
 *
 * Errors follow util/error.h with the field as a JSON path
 * ("steps[2].params.body", "trigger.filter.status"): an unknown variable in
 * a template, a bad duration, an action without its parameters are refused
 * when the workflow is saved. */
#ifndef RP_WORKFLOW_JSON_H
#define RP_WORKFLOW_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "core/workflow.h"

#define RP_WF_NAME_MAX 200 /* characters of a name */
#define RP_WF_TAG_MAX 64   /* characters of a tag */

/* The writable fields of a workflow after validation. Strings point into
 * the JSON given (which must outlive this). */
typedef struct rp_workflow_body {
  const char *name;
  bool enabled, stop_on_reply;
  const json_t *trigger, *steps; /* as given, validated */
  rp_workflow_def def;
} rp_workflow_body;

/* Validates a whole workflow object: name (required), enabled (default
 * true), stop_on_reply (default false), trigger {event, filter} (required),
 * steps (1..RP_WF_MAX_STEPS, required). A read-only key (id, version,
 * builtin, created_at, updated_at) is RP_EINVALID_VALUE "is read-only", any
 * other unknown key RP_EUNKNOWN_FIELD. Returns 0 and fills *out. */
int rp_workflow_body_parse(rp_workflow_body *out, const json_t *body);

/* Parses stored trigger and steps JSON texts (written by the API after
 * rp_workflow_body_parse) into def; *roots gets the JSON trees the strings
 * of def point into (the caller json_decref()s both, even on failure). */
int rp_workflow_def_load(rp_workflow_def *def, json_t *roots[2], const char *trigger_json,
                         const char *steps_json, bool stop_on_reply);

/* True when key is read-only in a workflow. */
bool rp_workflow_key_readonly(const char *key);

#endif
