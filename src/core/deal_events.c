/* deal_events.c: the rule events of a deal write (DOMAIN.md L4-L7). */
#include "core/deal_events.h"

#include <string.h>

/* A contact's buyer/seller roles on one side of the write. */
typedef struct roles {
  bool buyer, seller;
} roles;

static roles roles_of(const rp_deal_side *side, const char *contact_id) {
  roles r = {false, false};
  if (!side->exists) return r;
  for (size_t i = 0; i < side->n_parties; i++) {
    if (strcmp(side->parties[i].contact_id, contact_id) != 0) continue;
    if (side->parties[i].role == RP_DEAL_BUYER) r.buyer = true;
    if (side->parties[i].role == RP_DEAL_SELLER) r.seller = true;
  }
  return r;
}

/* True when contact_id occurs among the parties before position (s, i) in
 * the order after-then-before: each contact is decided once. */
static bool earlier(const rp_deal_side *const sides[2], int s, size_t i, const char *contact_id) {
  for (int t = 0; t <= s; t++) {
    if (!sides[t]->exists) continue;
    size_t lim = t == s ? i : sides[t]->n_parties;
    for (size_t j = 0; j < lim; j++)
      if (strcmp(sides[t]->parties[j].contact_id, contact_id) == 0) return true;
  }
  return false;
}

/* Decides the event of one contact; false when there is none. */
static bool decide(const rp_deal_side *before, const rp_deal_side *after, const char *contact_id,
                   rp_rule_event *e) {
  roles was = roles_of(before, contact_id), is = roles_of(after, contact_id);
  bool was_party = was.buyer || was.seller, is_party = is.buyer || is.seller;
  memset(e, 0, sizeof *e);
  e->role_buyer = is_party ? is.buyer : was.buyer;
  e->role_seller = is_party ? is.seller : was.seller;
  if (is_party) {
    bool same_state = was_party && before->state == after->state;
    if (same_state) return false;
    switch (after->state) {
    case RP_DEAL_OPEN: e->kind = RP_EVENT_DEAL_OPENED; return true;
    case RP_DEAL_CLOSED:
      e->kind = RP_EVENT_DEAL_CLOSED;
      e->close_date = after->close_date;
      return true;
    case RP_DEAL_DEAD:
      /* only a deal it was party to can die for it */
      if (!was_party) return false;
      e->kind = RP_EVENT_DEAL_DEAD;
      return true;
    }
    return false;
  }
  /* no longer a party: only an open deal's loss changes what the rules see */
  if (was_party && before->state == RP_DEAL_OPEN) {
    e->kind = RP_EVENT_DEAL_DEAD;
    return true;
  }
  return false;
}

size_t rp_deal_events(const rp_deal_side *before, const rp_deal_side *after, rp_deal_event *out) {
  size_t n = 0;
  const rp_deal_side *const sides[2] = {after, before};
  for (int s = 0; s < 2; s++) {
    if (!sides[s]->exists) continue;
    for (size_t i = 0; i < sides[s]->n_parties; i++) {
      const char *id = sides[s]->parties[i].contact_id;
      rp_rule_event e;
      if (earlier(sides, s, i, id) || !decide(before, after, id, &e)) continue;
      out[n].contact_id = id;
      out[n].event = e;
      n++;
    }
  }
  return n;
}
