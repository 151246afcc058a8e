/* contact_merge.h: the fields of two records of one person made one
 * (API.md merge, and an import with on_duplicate=merge): emails, phones,
 * social profiles and tags joined (case-insensitively, within the contact
 * limits), blanks filled from the other, notes appended, the older
 * known_since, the later purchase and sale dates, opt-outs kept, the
 * other's custom keys the first lacks. Status, stage and category are the
 * caller's business (a merge takes the further lifecycle with history
 * rows; an import leaves them to the rules). Strings point into ar or
 * into o. */
#ifndef RP_CONTACT_MERGE_H
#define RP_CONTACT_MERGE_H

#include "core/model.h"
#include "util/arena.h"

void rp_contact_absorb(rp_arena *ar, rp_contact *c, const rp_contact *o);

#endif
