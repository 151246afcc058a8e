/* jsonl.h: the lines of a whole-account export (issue 8: `rapport export
 * --format jsonl`, GET /api/v1/export/all.jsonl; docs/api.md "Backup and
 * restore"). One JSON object per line: a header, then one line per row of
 * the account's data.
 *
 *   {"rapport_export":1,"schema":9,"account_id":"0193...","exported_at":"2026-11-24T14:05:00Z"}
 *   {"t":"contacts","r":{"account_id":"0193...","id":"0193...","score":41.5,"notes":null}}
 *
 * Values: integers and reals as JSON numbers (a real always with a "." or
 * an exponent, so it reads back as a real), text as strings (ids as their
 * UUID text), NULL as null, other binary data as {"b64": "<base64>"}
 * (RFC 4648 with padding). The writer and the parser know no table: the
 * store says which tables and columns there are (store_dump.c), and
 * jobs/backup.c ties both. */
#ifndef RP_IO_JSONL_H
#define RP_IO_JSONL_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/uuid.h"

#define RP_JSONL_VERSION 1 /* the header's "rapport_export" */
/* The longest line: an import's file (009_imports.sql import_bodies, up to
 * the API's 256 MiB) in base64 is the longest row there is. */
#define RP_JSONL_LINE_MAX ((size_t)400 << 20)
#define RP_JSONL_COLS_MAX 256 /* columns of one row */
#define RP_JSONL_NAME_MAX 63  /* bytes of a table or column name */

/* One parsed line: the header, or a row. */
typedef struct rp_jsonl_line {
  bool header;
  /* header */
  int version; /* RP_JSONL_VERSION */
  int schema;  /* the highest migration number of the exporting database */
  char account_id[RP_ID_LEN];
  rp_time exported_at;
  /* row: table, then n column names and values (in the arena) */
  const char *table;
  const char **cols;
  rp_store_value *vals;
  size_t n;
} rp_jsonl_line;

/* Parses one line p[0..len) (without its "\n"; a trailing "\r" is
 * allowed). Strings and arrays of *out go into ar. Refuses with the field
 * at fault and why: RP_ETOOLARGE over RP_JSONL_LINE_MAX, RP_EINVALID_JSON
 * for what is not one JSON object (with the column), RP_EUNKNOWN_FIELD
 * for a member a line does not have, RP_EINVALID_VALUE for a bad value
 * (field "schema", "t", "r.<column>", ...): a table or column name that is
 * not [a-z_][a-z0-9_]*, true/false, an array, a b64 object that is not
 * base64, an unsupported version. */
int rp_jsonl_parse_line(rp_jsonl_line *out, rp_arena *ar, const char *p, size_t len);

/* Whether data (the first bytes of a file) starts as an export's header
 * line: "{" then "rapport_export" as its first member. */
bool rp_jsonl_is_export(const char *data, size_t len);

/* Appends the header line (with its "\n") to out. */
void rp_jsonl_write_header(rp_sb *out, int schema, const char *account_id, rp_time exported_at);

/* Appends the line of one row (with its "\n") to out. RP_EINVALID_VALUE
 * (field "table.column") for a text that is not UTF-8 or a real that is
 * not finite: JSON has no way to write them; out is left as it was. */
int rp_jsonl_write_row(rp_sb *out, const char *table, const char *const *cols,
                       const rp_store_value *vals, size_t n);

#endif
