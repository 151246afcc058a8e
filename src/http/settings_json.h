/* settings_json.h: the account settings object (API.md Settings): its
 * defaults, the validation and merge of a PUT body. Pure of I/O; whether
 * routing.agent_ids name users of the account is the handler's check
 * (settings.c), through the store.
 *
 * The full object, in this key order:
 *   {timezone, office_hours: {start, end, days}, default_region, currency,
 *    default_commission, valuation_multiple,
 *    automation: {status_rules, stage_rules, category_rules, workflows},
 *    routing: {mode, agent_ids}, scoring: {}} */
#ifndef RP_SETTINGS_JSON_H
#define RP_SETTINGS_JSON_H

#include <jansson.h>

#define RP_SETTINGS_AGENTS_MAX 100   /* routing.agent_ids */
#define RP_SETTINGS_SCORING_MAX 8192 /* bytes of the scoring object as JSON */

/* The full settings object with every default: timezone "UTC", office
 * hours 09:00-18:00 mon-fri, default_region (NULL: "US"), currency "USD",
 * default_commission 7500, valuation_multiple 1.0, every automation switch
 * on (DOMAIN.md M2), routing owner with no agents, scoring {}. The caller
 * owns the result. */
json_t *rp_settings_defaults(const char *default_region);

/* The full settings object of an account: the defaults, overlaid with each
 * valid top-level key of the stored settings JSON text (a stored value that
 * no longer validates is skipped, so a GET never fails on old data), and
 * default_region from the account's column. The caller owns the result. */
json_t *rp_settings_from_stored(const char *settings_json, const char *default_region);

/* Applies a PUT body to current (a full object from rp_settings_defaults
 * or rp_settings_from_stored) and on success sets *out to the new full
 * object (the caller owns it; current is only read). Keys given replace,
 * absent keys keep their value, office_hours, automation and routing merge
 * one level, a null value goes back to the default. Refused, with the
 * field's path: an unknown key (RP_EUNKNOWN_FIELD); a timezone not "UTC" or
 * of the IANA "Area/City" shape; times not HH:MM or start not before end;
 * days not from mon..sun or repeated; a default_region not two upper-case
 * letters of a known region (core/phone.h); a currency not three upper-case
 * letters; a negative default_commission or a valuation_multiple not > 0;
 * a switch not a boolean; a routing mode not owner or round_robin; agent
 * ids not UUIDs or repeated; scoring not an object (RP_EINVALID_VALUE).
 * Days come back in week order. */
int rp_settings_apply(json_t **out, const json_t *current, const json_t *body);

/* The settings JSON text to store for a full object: every key but
 * default_region (kept in the account's own column). The caller frees the
 * result with free(). */
char *rp_settings_dump_stored(const json_t *settings);

#endif
