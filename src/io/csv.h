/* io/csv.h: contacts from and to CSV (API.md "Import and export": text/csv
 * imports, /export/contacts.csv, `rapport export --format csv`; export then
 * import gives back the same contacts). Parsing is libcsv's (<csv.h>, not
 * this file); this module adds the encoding, the line numbers, the header
 * mapping and the validation.
 *
 * Reader. A streaming reader: feed it the bytes in chunks of any size, it
 * calls back once per good row with the contact and once per bad row with
 * {line, message}; a bad row is skipped whole and the rest goes on. It
 * accepts what spreadsheets and CRMs write: UTF-8 with or without a BOM
 * (windows-1252 when the first non-ASCII field is not UTF-8: Excel on
 * Windows), CRLF, LF or CR line ends, quoted fields holding delimiters,
 * doubled quotes and line breaks, a comma, semicolon or tab delimiter (the
 * most frequent one in the header line, or Excel's "sep=;" first line),
 * short rows (missing trailing fields are empty). The first row is the
 * header; its names are matched case-, space- and punctuation-insensitively
 * against the columns of common exports (generic, Google Contacts old and
 * new, Outlook, Follow Up Boss, kvCORE, Realvolve; the table and the value
 * rules are in src/io/README.md). Unrecognised columns go to custom
 * {header: value}. Every row becomes a contact through the API's own
 * validation (http/contact_json.h rp_contact_from_json), so an imported
 * contact is one POST /contacts would have accepted; a refusal is reported
 * with the column name ("column \"E-mail Address\" (\"bob@\"): nothing after
 * the @").
 *
 * Limits (nothing grows without one):
 *   RP_CSV_ROW_MAX     bytes of one row, line breaks in quotes included;
 *                      longer: the row is reported (an unclosed quote?) and
 *                      reading resumes at the next line
 *   RP_CSV_FIELDS_MAX  fields of one row (and columns of the header); more:
 *                      the row is reported, a header is refused
 *   RP_CJ_CUSTOM_MAX   (50) unrecognised columns holding a value in one row
 *                      (custom keys); more: the row is reported
 * The number of rows is the caller's business: each is handed over and
 * forgotten. */
#ifndef RP_IO_CSV_H
#define RP_IO_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "util/arena.h"
#include "util/strbuf.h"

#define RP_CSV_ROW_MAX (1024 * 1024)
#define RP_CSV_FIELDS_MAX 512

/* One good row. line is the 1-based line the row starts on. The *_given
 * flags say which rule-driven fields the row set (DOMAIN.md L1: a status
 * given explicitly on create wins); when not given, status and stage are
 * none, category none, type client, and the importer applies the creation
 * rules (core/contact.h rp_contact_apply_create_rules). The contact has no
 * id, account, owner or timestamps; display_name is derived; custom_json
 * is a JSON object text ("{}" when empty). */
typedef struct rp_csv_row {
  size_t line;
  rp_contact contact;
  bool status_given, stage_given, category_given, type_given;
} rp_csv_row;

/* Return 0 to go on; anything else stops the reading and is returned by
 * rp_csv_reader_feed / _finish. */
typedef int (*rp_csv_row_fn)(void *ctx, const rp_csv_row *row);
/* A refused row: line is the line it starts on; message says why, naming
 * the column. */
typedef int (*rp_csv_error_fn)(void *ctx, size_t line, const char *message);

typedef struct rp_csv_reader rp_csv_reader;

/* A new reader. default_region (NULL: "US") completes local phone numbers
 * (core/phone.h); it is copied. When ar is not NULL every contact handed
 * to on_row is allocated in it and stays there (the caller may
 * rp_arena_free it between rows); when NULL the reader allocates each row
 * in its own arena, which is emptied after on_row returns (copy what you
 * keep). on_error may be NULL. The caller frees the reader with
 * rp_csv_reader_free. */
rp_csv_reader *rp_csv_reader_new(const char *default_region, rp_arena *ar, rp_csv_row_fn on_row,
                                 rp_csv_error_fn on_error, void *ctx);

/* Feeds the next len bytes (any split: inside a quoted field, a UTF-8
 * sequence or a CRLF is fine). Returns 0; RP_EINVALID_VALUE (message set)
 * when the input is not a CSV file of contacts: UTF-16, or a header with no
 * recognised column or too many; or the non-zero value of a callback.
 * After an error the reader only accepts rp_csv_reader_free. */
int rp_csv_reader_feed(rp_csv_reader *r, const char *buf, size_t len);

/* Ends the input: the last row (without a final line break) is handed
 * over, a quoted field still open is reported as an error of its row.
 * Returns as rp_csv_reader_feed; an input with no header at all is
 * RP_EINVALID_VALUE ("the file is empty"). */
int rp_csv_reader_finish(rp_csv_reader *r);

/* Rows read after the header so far (good and bad, blank rows not
 * counted). */
size_t rp_csv_reader_rows(const rp_csv_reader *r);

/* NULL is fine. */
void rp_csv_reader_free(rp_csv_reader *r);

/* Writer options. n_emails and n_phones are the number of "Email N" and
 * "Phone N" columns (0 gives 3; at most 20, the API's list limit): pass the
 * largest count of the exported contacts to lose nothing. Emails or phones
 * beyond are not written and counted in dropped. bom writes a UTF-8 BOM
 * before the header (Excel then reads the accents right). */
typedef struct rp_csv_writer {
  int n_emails, n_phones;
  bool bom;
  size_t dropped;
} rp_csv_writer;

/* Appends the canonical header row (the names the reader recognises
 * first: First Name, Last Name, Company, Email 1, Email 1 Label, ...,
 * Custom; the full list in src/io/README.md), RFC 4180 with CRLF. */
void rp_csv_write_header(rp_sb *out, const rp_csv_writer *w);

/* Appends one row for c under that header: every writable field of the
 * contact (API.md Contacts) except referred_by and owner_id (ids that mean
 * nothing in another database). Fields holding a delimiter, a quote or a
 * line break are quoted; a value starting with = + - or @ gets a leading
 * apostrophe so a spreadsheet does not run it as a formula (the reader
 * takes it off again). Tags are joined with ", ", social links with a
 * space, custom is its JSON text. */
void rp_csv_write_contact(rp_sb *out, rp_csv_writer *w, const rp_contact *c);

#endif
