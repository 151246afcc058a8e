/* export.h: the account's contacts written out (API.md "Import and
 * export": GET /api/v1/export/contacts.csv and contacts.vcf, `rapport
 * export --format csv|vcf`), read page by page in creation order inside
 * the caller's read transaction. What comes out goes back in through
 * import.h with the same contacts (tests/api/export.test.mjs). */
#ifndef RP_EXPORT_H
#define RP_EXPORT_H

#include <stdint.h>

#include "store/store.h"
#include "util/strbuf.h"

typedef enum { RP_EXPORT_CSV, RP_EXPORT_VCARD4, RP_EXPORT_VCARD3 } rp_export_format;

/* Writes the live contacts of the account (only those visible_to sees
 * when not NULL: API.md visibility of agents) through w, in pieces of
 * about 64 KiB (the caller's transaction, a read one, makes it one
 * snapshot); *count (may be NULL) gets how many. CSV has as many
 * Email/Phone columns as the contact with the most needs and a UTF-8 BOM
 * (spreadsheets then read accents right). */
int rp_export_contacts(rp_store *s, const char *account_id, const char *visible_to,
                       rp_export_format f, rp_sink_fn w, void *ctx, int64_t *count);

#endif
