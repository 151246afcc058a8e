#include "core/history.h"

#include <string.h>

/* Sets one field of *s from a value name; false when the name is unknown. */
static bool set_field(rp_lifecycle_state *s, const char *field, const char *value) {
  if (!field || !value) return false;
  if (strcmp(field, "status") == 0) return rp_status_parse(&s->status, value) == 0;
  if (strcmp(field, "stage") == 0) return rp_stage_parse(&s->stage, value) == 0;
  if (strcmp(field, "category") == 0) return rp_category_parse(&s->category, value) == 0;
  if (strcmp(field, "type") == 0) return rp_ctype_parse(&s->type, value) == 0;
  return false;
}

rp_lifecycle_state rp_history_state_at(const rp_history *rows, size_t n, rp_time t) {
  rp_lifecycle_state s = {RP_STATUS_NONE, RP_STAGE_NONE, RP_CATEGORY_NONE, RP_TYPE_CLIENT};
  /* Before a field's first row it had that row's `from` value. */
  bool seen[4] = {false, false, false, false};
  static const char *const fields[4] = {"status", "stage", "category", "type"};
  for (size_t i = 0; i < n; i++) {
    for (int f = 0; f < 4; f++) {
      if (seen[f] || !rows[i].field || strcmp(rows[i].field, fields[f]) != 0) continue;
      seen[f] = true;
      set_field(&s, fields[f], rows[i].from);
    }
  }
  for (size_t i = 0; i < n; i++)
    if (rows[i].at <= t) set_field(&s, rows[i].field, rows[i].to);
  return s;
}
