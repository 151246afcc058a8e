/* json_scan.c: counting inside JSON texts without a parse tree
 * (json_scan.h). */
#include "util/json_scan.h"

/* Moves *i (at an opening quote) past the string's closing quote. */
static void skip_string(const char *p, size_t n, size_t *i) {
  for ((*i)++; *i < n && p[*i] != '"'; (*i)++)
    if (p[*i] == '\\') (*i)++;
  if (*i < n) (*i)++;
}

/* Moves *i over one JSON value up to the ',' or the closing ']' / '}' that
 * ends it at its depth (strings inside skipped whole). */
static void skip_value(const char *p, size_t n, size_t *i) {
  int depth = 0;
  while (*i < n) {
    char c = p[*i];
    if (c == '"') {
      skip_string(p, n, i);
      continue;
    }
    if (c == '[' || c == '{') {
      depth++;
    } else if (c == ']' || c == '}') {
      if (depth == 0) return;
      depth--;
    } else if (c == ',' && depth == 0) {
      return;
    }
    (*i)++;
  }
}

static void skip_ws(const char *p, size_t n, size_t *i) {
  while (*i < n && (p[*i] == ' ' || p[*i] == '\n' || p[*i] == '\t' || p[*i] == '\r'))
    (*i)++;
}

/* The number of items of a JSON array text; 0 for "[]", NULL or anything
 * that is not an array. Bounded by n; strings (and their escapes) are
 * skipped whole, so a comma inside one does not count. */
size_t rp_json_array_count(const char *p, size_t n) {
  size_t i = 0, count = 0;
  if (!p) return 0;
  skip_ws(p, n, &i);
  if (i >= n || p[i] != '[') return 0;
  i++;
  for (;;) {
    skip_ws(p, n, &i);
    if (i >= n || p[i] == ']') break;
    count++;
    skip_value(p, n, &i);
    if (i >= n || p[i] != ',') break;
    i++;
  }
  return count;
}

/* rp_json_object_filled: see json_scan.h. SCORING.md details: the filled
 * custom fields of a custom_json object, that is its keys whose value is neither null nor the empty
 * string (numbers and booleans are filled). A tiny bounded scanner, no parse tree; "{}" costs
 * nothing and anything malformed counts what was read before it. */
int rp_json_object_filled(const char *p, size_t n) {
  size_t i = 0;
  int count = 0;
  if (!p || n <= 2) return 0;
  skip_ws(p, n, &i);
  if (i >= n || p[i] != '{') return 0;
  i++;
  for (;;) {
    skip_ws(p, n, &i);
    if (i >= n || p[i] != '"') break; /* the closing '}', or malformed */
    skip_string(p, n, &i);            /* the key */
    skip_ws(p, n, &i);
    if (i >= n || p[i] != ':') break;
    i++;
    skip_ws(p, n, &i);
    if (i >= n) break;
    if (p[i] == '"') {
      if (i + 1 < n && p[i + 1] != '"') count++;
      skip_string(p, n, &i);
    } else {
      if (p[i] != 'n') count++; /* null is not filled */
      skip_value(p, n, &i);
    }
    skip_ws(p, n, &i);
    if (i >= n || p[i] != ',') break;
    i++;
  }
  return count;
}
