/* deal_events.h: which rule events a deal write sends to which contacts
 * (DOMAIN.md L4-L7 through core/rules.h). Pure: the caller gives the deal as
 * it was before the write and as it is after it; no store, no clock. */
#ifndef RP_DEAL_EVENTS_H
#define RP_DEAL_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/rules.h"

/* One side of a deal write. exists is false before a create and after a
 * delete (the other members are then ignored). */
typedef struct rp_deal_side {
  bool exists;
  rp_deal_state state;
  const char *close_date; /* "YYYY-MM-DD" or NULL */
  const rp_deal_party *parties;
  size_t n_parties;
} rp_deal_side;

/* An event for one contact. contact_id points into the parties of the
 * before or after side given to rp_deal_events (same lifetime). */
typedef struct rp_deal_event {
  const char *contact_id;
  rp_rule_event event;
} rp_deal_event;

/* Derives the rule events of one deal write, at most one per contact, for
 * every contact that is buyer or seller on either side (role other never
 * drives a rule, DOMAIN.md vocabulary), and appends them to out, which
 * must hold before->n_parties + after->n_parties entries. Returns how many.
 *
 * - RP_EVENT_DEAL_OPENED (L4, L7) when the contact becomes party to an open
 *   deal: created open, added to an open deal, or the deal went from
 *   closed or dead to open.
 * - RP_EVENT_DEAL_CLOSED (L5, L6) with the deal's close date when the
 *   deal it is party to becomes closed (or is created closed, or the
 *   contact is added to a closed deal).
 * - RP_EVENT_DEAL_DEAD (L5) when the deal it is party to goes from open or
 *   closed to dead, or when it stops being a party (removed, role changed
 *   to other, deal deleted) to a deal that was open.
 * The event's role_buyer/role_seller are the contact's roles after the
 * write, or before it when it is no longer a party. Changes that keep the
 * deal's state for a contact that stays a party (a new price, a new close
 * date, buyer becoming seller) send nothing. */
size_t rp_deal_events(const rp_deal_side *before, const rp_deal_side *after, rp_deal_event *out);

#endif
