/* io/csv_map.h: the CSV header table and the value rules of the CSV
 * importer (io/csv.c). Internal to io/; pure: no allocation, no I/O. */
#ifndef RP_IO_CSV_MAP_H
#define RP_IO_CSV_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

/* What a column holds. */
typedef enum {
  RP_COL_CUSTOM = 0, /* unrecognised: custom {header: value} */
  RP_COL_IGNORE,     /* known and deliberately dropped (derived or noise) */
  RP_COL_FIRST,
  RP_COL_LAST,
  RP_COL_FULL_NAME, /* split into first and last when neither is given */
  RP_COL_EMAIL,
  RP_COL_EMAIL_LABEL,
  RP_COL_PHONE,
  RP_COL_PHONE_LABEL,
  RP_COL_STREET,
  RP_COL_STREET2, /* appended to the street after ", " */
  RP_COL_CITY,
  RP_COL_REGION,
  RP_COL_POSTAL,
  RP_COL_COUNTRY,
  RP_COL_COMPANY,
  RP_COL_WEBSITE,
  RP_COL_SOCIAL,
  RP_COL_BIRTHDAY,
  RP_COL_ANNIVERSARY,
  RP_COL_PARTNER,
  RP_COL_CHILDREN,
  RP_COL_PETS,
  RP_COL_INTERESTS,
  RP_COL_NOTES,
  RP_COL_TAGS,
  RP_COL_SOURCE,
  RP_COL_STATUS,
  RP_COL_STAGE,
  RP_COL_CATEGORY,
  RP_COL_TYPE,
  RP_COL_INTENT,
  RP_COL_TIMEFRAME,
  RP_COL_BUDGET,
  RP_COL_KNOWN_SINCE,
  RP_COL_LAST_PURCHASE,
  RP_COL_LAST_SALE,
  RP_COL_INTERVAL,
  RP_COL_SMS_OPT_OUT,
  RP_COL_EMAIL_OPT_OUT,
  RP_COL_CUSTOM_JSON, /* our own "Custom" column: a JSON object */
} rp_csv_col_kind;

typedef struct rp_csv_col {
  rp_csv_col_kind kind;
  int group;         /* EMAIL/PHONE (+_LABEL): the N of "Email N" (0: none) */
  const char *label; /* a fixed label ("mobile" for "Mobile Phone") or NULL */
} rp_csv_col;

/* The column of header name p[0..len) (UTF-8). Matching ignores ASCII
 * case and every character that is not a letter or digit. */
rp_csv_col rp_csv_map_header(const char *p, size_t len);

/* A date as spreadsheets and CRMs write it, into out as "YYYY-MM-DD":
 * YYYY-MM-DD, YYYY/MM/DD, M/D/YYYY (US; D/M/YYYY when the first number is
 * over 12), D.M.YYYY, two-digit years (00-29: 20xx, 30-99: 19xx), and a
 * trailing time ("2024-03-01 14:22", "3/1/2024 2:22 PM", "T14:22:00Z") is
 * dropped. With month_day, a date without year ("--MM-DD", "M/D") gives
 * "--MM-DD". Returns 1 for a date, 0 for an empty value (Outlook's
 * "0/0/00" is empty), -1 when it is not a date. */
int rp_csv_date(char out[static 11], const char *p, size_t len, bool month_day);

/* Yes/no values: 1 (yes, y, true, t, 1, x, on), 0 (no, n, false, f, 0,
 * off, empty), -1 otherwise. */
int rp_csv_bool(const char *p, size_t len);

/* A money amount: "$450,000", "450000.00", "450k", "1.2M" (commas and
 * spaces group digits, the dot is the decimal point; at most 1e15).
 * Returns 0 and *out, or -1 (a range such as "300-400k" is not one). */
int rp_csv_money(double *out, const char *p, size_t len);

/* Value mapping of the enum columns (src/io/README.md): our names in any
 * case with spaces or hyphens for underscores, and the synonyms of other
 * CRMs. Each returns 0 and *out, or -1 when the value means nothing to us
 * (the importer then keeps it in custom). */
int rp_csv_status(rp_status *out, const char *p, size_t len);
int rp_csv_stage(rp_stage *out, const char *p, size_t len);
int rp_csv_category(rp_category *out, const char *p, size_t len);
int rp_csv_type(rp_ctype *out, const char *p, size_t len);
int rp_csv_intent(rp_intent *out, const char *p, size_t len);

#endif
