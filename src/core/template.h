/* template.h: message templates of workflows and messages (API.md
 * "Workflows, messages, channels": "Templates use {{first_name}},
 * {{agent.name}}, {{agent.phone}} and any contact field; an unknown variable
 * is refused when the workflow is saved").
 *
 * Syntax: a variable is "{{name}}" or "{{name|fallback}}", with optional
 * spaces or tabs inside the braces and around the '|'. A name is
 * [a-z][a-z0-9_]* segments joined by '.' ("first_name", "agent.phone"), at
 * most RP_TEMPLATE_NAME_MAX bytes. The fallback is the text after '|' up to
 * "}}", trimmed of spaces and tabs; it holds no brace and no line break. It
 * replaces a missing or empty value. Anything else between "{{" and "}}", or
 * a "{{" with no "}}" on its line, is an error. A lone "}}" and single
 * braces are literal text; there is no way to write a literal "{{".
 *
 * Pure: no I/O; rendering appends to the caller's string builder. */
#ifndef RP_CORE_TEMPLATE_H
#define RP_CORE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define RP_TEMPLATE_MAX_LEN (16 * 1024)    /* bytes of template text */
#define RP_TEMPLATE_MAX_VARS 256           /* variables in one template */
#define RP_TEMPLATE_MAX_OUTPUT (64 * 1024) /* bytes one render may append */
#define RP_TEMPLATE_NAME_MAX 64            /* bytes of a variable name */

/* Whether a variable exists. name is NUL-terminated (name[len] == '\0') and
 * syntactically valid. */
typedef bool (*rp_template_known_fn)(const char *name, size_t len, void *ctx);

/* The value of a variable, NUL-terminated, inserted verbatim; NULL or ""
 * when it has none (the fallback, or nothing, is written instead). name is
 * NUL-terminated. The string must live until the callback is called again
 * or the render returns. */
typedef const char *(*rp_template_lookup_fn)(const char *name, size_t len, void *ctx);

/* Checks the template p[0..len): its syntax, its bounds (RP_TEMPLATE_MAX_LEN
 * bytes, RP_TEMPLATE_MAX_VARS variables, no NUL byte) and that known() says
 * yes to every variable (known NULL: any name is accepted). Returns 0, or
 * RP_EINVALID_VALUE with the reason in why (may be NULL), naming the
 * variable and the byte offset of its "{{": "unknown variable {{frist_name}}
 * at 4". The caller names the field; no thread error is set. */
int rp_template_check(const char *p, size_t len, rp_template_known_fn known, void *ctx, char *why,
                      size_t why_len);

/* Renders the template p[0..len) onto the end of out: text as is, each
 * variable replaced by lookup(name) (values are not expanded again: a value
 * holding "{{x}}" is written as such), or its fallback when the value is
 * NULL or "". Returns 0; or, with out left as it was and the thread error
 * set (field NULL), RP_EINVALID_VALUE for a template rp_template_check
 * refuses (syntax or bounds; names are not checked here), or RP_ETOOLARGE
 * when the result would exceed RP_TEMPLATE_MAX_OUTPUT bytes. */
int rp_template_render(rp_sb *out, const char *p, size_t len, rp_template_lookup_fn lookup,
                       void *ctx);

/* The variables rapport fills in messages (an rp_template_known_fn; ctx is
 * not used): the contact's first_name, last_name, display_name, email and
 * phone (the first of each), company, website, address.street, address.city,
 * address.region, address.postal_code, address.country, birthday,
 * anniversary, partner, children, pets, interests, status, stage, category,
 * type, intent, timeframe, budget, source, known_since, last_purchase_date,
 * last_sale_date; the sending user's agent.name, agent.first_name,
 * agent.phone, agent.email; account.name; unsubscribe_url. A contact's notes
 * are private and not offered. */
bool rp_template_var_known(const char *name, size_t len, void *ctx);

/* The list rp_template_var_known accepts, sorted, *n entries (for a picker
 * in the UI or an error message). */
const char *const *rp_template_vars(size_t *n);

#endif
