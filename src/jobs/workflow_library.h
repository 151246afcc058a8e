/* workflow_library.h: the built-in workflows seeded into every account
 * (issue 6; DOMAIN.md A1, A2, A3, A5). See workflow_library.c for each. */
#ifndef RP_WORKFLOW_LIBRARY_H
#define RP_WORKFLOW_LIBRARY_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

/* The library's keys (the `builtin` of a seeded workflow). */
const char *const *rp_workflow_library_keys(size_t *n);

/* The JSON body of library workflow key, validated as the API validates a
 * saved workflow. The caller json_decref()s *out. */
int rp_workflow_library_body(json_t **out, const char *key);

/* Gives the account every library workflow it was never given, in the
 * caller's transaction (or one of its own); *seeded (may be NULL) counts
 * them. Idempotent: a workflow the account deleted is not given again. */
int rp_workflow_library_seed(rp_store *s, const char *account_id, rp_time now, int *seeded);

#endif
