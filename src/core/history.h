/* history.h: rebuilding a contact's lifecycle fields at a past moment from
 * its change history (DOMAIN.md M3; SCORING.md: "status, stage, category
 * and type are those in force at T, read from the change history"). Pure. */
#ifndef RP_CORE_HISTORY_H
#define RP_CORE_HISTORY_H

#include <stddef.h>

#include "core/model.h"

typedef struct rp_lifecycle_state {
  rp_status status;
  rp_stage stage;
  rp_category category;
  rp_ctype type;
} rp_lifecycle_state;

/* The status, stage, category and type in force at time t, from the
 * contact's history rows in the order they were written (oldest first, as
 * rp_store_history_list gives them). For each field the last row at or
 * before t decides; a field with no such row has the value it had before
 * its first row (that row's `from`), or the vocabulary default when there
 * is none (status none, stage none, category none, type client). Rows with
 * unknown field names or values are skipped. */
rp_lifecycle_state rp_history_state_at(const rp_history *rows, size_t n, rp_time t);

#endif
