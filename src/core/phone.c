/* phone.c: phone numbers as people type them, to E.164 (API.md contacts:
 * "phones are stored in E.164, the account's default region completes local
 * numbers").
 *
 * The work is done in three steps, all on the caller's stack:
 *   1. scan: keep the digits and a leading "+", skip the punctuation people
 *      type, stop at an extension marker (which is dropped), refuse the rest;
 *   2. international ("+", "00" or the region's own exit code such as "011"
 *      in NANP): find the ITU calling code (1, 2 or 3 digits, the codes are
 *      prefix-free), drop a national trunk "0" written after it ("+44 (0)20"),
 *      except for the countries whose numbers keep their 0 (Italy...);
 *   3. national: strip the default region's trunk prefix and prepend its
 *      calling code; NANP numbers are checked strictly (10 digits, or 11
 *      starting with 1; area code and exchange start with 2-9).
 * The result has 8 to 15 digits (E.164 allows at most 15). */
#include "core/phone.h"

#include <string.h>

#include "util/error.h"

#define PHONE_MAX_INPUT 64 /* bytes; longer inputs are refused */
#define E164_MIN_DIGITS 8
#define E164_MAX_DIGITS 15

/* How a region writes its national numbers. */
enum {
  TRUNK_0,    /* a leading trunk "0" is stripped (most of the world) */
  TRUNK_KEEP, /* the 0 belongs to the number (Italy "06 ...") */
  TRUNK_NANP, /* North American Numbering Plan: optional leading 1 */
};

typedef struct {
  char iso[3];
  char cc[4];
  unsigned char trunk;
} region_info;

/* ISO 3166 alpha-2 -> ITU calling code, sorted by ISO code. */
static const region_info regions[] = {
    {"AC", "247", TRUNK_0},    {"AD", "376", TRUNK_0},    {"AE", "971", TRUNK_0},
    {"AF", "93", TRUNK_0},     {"AG", "1", TRUNK_NANP},   {"AI", "1", TRUNK_NANP},
    {"AL", "355", TRUNK_0},    {"AM", "374", TRUNK_0},    {"AO", "244", TRUNK_0},
    {"AR", "54", TRUNK_0},     {"AS", "1", TRUNK_NANP},   {"AT", "43", TRUNK_0},
    {"AU", "61", TRUNK_0},     {"AW", "297", TRUNK_0},    {"AX", "358", TRUNK_0},
    {"AZ", "994", TRUNK_0},    {"BA", "387", TRUNK_0},    {"BB", "1", TRUNK_NANP},
    {"BD", "880", TRUNK_0},    {"BE", "32", TRUNK_0},     {"BF", "226", TRUNK_0},
    {"BG", "359", TRUNK_0},    {"BH", "973", TRUNK_0},    {"BI", "257", TRUNK_0},
    {"BJ", "229", TRUNK_KEEP}, {"BL", "590", TRUNK_0},    {"BM", "1", TRUNK_NANP},
    {"BN", "673", TRUNK_0},    {"BO", "591", TRUNK_0},    {"BQ", "599", TRUNK_0},
    {"BR", "55", TRUNK_0},     {"BS", "1", TRUNK_NANP},   {"BT", "975", TRUNK_0},
    {"BW", "267", TRUNK_0},    {"BY", "375", TRUNK_0},    {"BZ", "501", TRUNK_0},
    {"CA", "1", TRUNK_NANP},   {"CC", "61", TRUNK_0},     {"CD", "243", TRUNK_0},
    {"CF", "236", TRUNK_0},    {"CG", "242", TRUNK_KEEP}, {"CH", "41", TRUNK_0},
    {"CI", "225", TRUNK_KEEP}, {"CK", "682", TRUNK_0},    {"CL", "56", TRUNK_0},
    {"CM", "237", TRUNK_0},    {"CN", "86", TRUNK_0},     {"CO", "57", TRUNK_0},
    {"CR", "506", TRUNK_0},    {"CU", "53", TRUNK_0},     {"CV", "238", TRUNK_0},
    {"CW", "599", TRUNK_0},    {"CX", "61", TRUNK_0},     {"CY", "357", TRUNK_0},
    {"CZ", "420", TRUNK_0},    {"DE", "49", TRUNK_0},     {"DJ", "253", TRUNK_0},
    {"DK", "45", TRUNK_0},     {"DM", "1", TRUNK_NANP},   {"DO", "1", TRUNK_NANP},
    {"DZ", "213", TRUNK_0},    {"EC", "593", TRUNK_0},    {"EE", "372", TRUNK_0},
    {"EG", "20", TRUNK_0},     {"EH", "212", TRUNK_0},    {"ER", "291", TRUNK_0},
    {"ES", "34", TRUNK_0},     {"ET", "251", TRUNK_0},    {"FI", "358", TRUNK_0},
    {"FJ", "679", TRUNK_0},    {"FK", "500", TRUNK_0},    {"FM", "691", TRUNK_0},
    {"FO", "298", TRUNK_0},    {"FR", "33", TRUNK_0},     {"GA", "241", TRUNK_KEEP},
    {"GB", "44", TRUNK_0},     {"GD", "1", TRUNK_NANP},   {"GE", "995", TRUNK_0},
    {"GF", "594", TRUNK_0},    {"GG", "44", TRUNK_0},     {"GH", "233", TRUNK_0},
    {"GI", "350", TRUNK_0},    {"GL", "299", TRUNK_0},    {"GM", "220", TRUNK_0},
    {"GN", "224", TRUNK_0},    {"GP", "590", TRUNK_0},    {"GQ", "240", TRUNK_0},
    {"GR", "30", TRUNK_0},     {"GT", "502", TRUNK_0},    {"GU", "1", TRUNK_NANP},
    {"GW", "245", TRUNK_0},    {"GY", "592", TRUNK_0},    {"HK", "852", TRUNK_0},
    {"HN", "504", TRUNK_0},    {"HR", "385", TRUNK_0},    {"HT", "509", TRUNK_0},
    {"HU", "36", TRUNK_0},     {"ID", "62", TRUNK_0},     {"IE", "353", TRUNK_0},
    {"IL", "972", TRUNK_0},    {"IM", "44", TRUNK_0},     {"IN", "91", TRUNK_0},
    {"IO", "246", TRUNK_0},    {"IQ", "964", TRUNK_0},    {"IR", "98", TRUNK_0},
    {"IS", "354", TRUNK_0},    {"IT", "39", TRUNK_KEEP},  {"JE", "44", TRUNK_0},
    {"JM", "1", TRUNK_NANP},   {"JO", "962", TRUNK_0},    {"JP", "81", TRUNK_0},
    {"KE", "254", TRUNK_0},    {"KG", "996", TRUNK_0},    {"KH", "855", TRUNK_0},
    {"KI", "686", TRUNK_0},    {"KM", "269", TRUNK_0},    {"KN", "1", TRUNK_NANP},
    {"KP", "850", TRUNK_0},    {"KR", "82", TRUNK_0},     {"KW", "965", TRUNK_0},
    {"KY", "1", TRUNK_NANP},   {"KZ", "7", TRUNK_0},      {"LA", "856", TRUNK_0},
    {"LB", "961", TRUNK_0},    {"LC", "1", TRUNK_NANP},   {"LI", "423", TRUNK_0},
    {"LK", "94", TRUNK_0},     {"LR", "231", TRUNK_0},    {"LS", "266", TRUNK_0},
    {"LT", "370", TRUNK_0},    {"LU", "352", TRUNK_0},    {"LV", "371", TRUNK_0},
    {"LY", "218", TRUNK_0},    {"MA", "212", TRUNK_0},    {"MC", "377", TRUNK_0},
    {"MD", "373", TRUNK_0},    {"ME", "382", TRUNK_0},    {"MF", "590", TRUNK_0},
    {"MG", "261", TRUNK_0},    {"MH", "692", TRUNK_0},    {"MK", "389", TRUNK_0},
    {"ML", "223", TRUNK_0},    {"MM", "95", TRUNK_0},     {"MN", "976", TRUNK_0},
    {"MO", "853", TRUNK_0},    {"MP", "1", TRUNK_NANP},   {"MQ", "596", TRUNK_0},
    {"MR", "222", TRUNK_0},    {"MS", "1", TRUNK_NANP},   {"MT", "356", TRUNK_0},
    {"MU", "230", TRUNK_0},    {"MV", "960", TRUNK_0},    {"MW", "265", TRUNK_0},
    {"MX", "52", TRUNK_0},     {"MY", "60", TRUNK_0},     {"MZ", "258", TRUNK_0},
    {"NA", "264", TRUNK_0},    {"NC", "687", TRUNK_0},    {"NE", "227", TRUNK_0},
    {"NF", "672", TRUNK_0},    {"NG", "234", TRUNK_0},    {"NI", "505", TRUNK_0},
    {"NL", "31", TRUNK_0},     {"NO", "47", TRUNK_0},     {"NP", "977", TRUNK_0},
    {"NR", "674", TRUNK_0},    {"NU", "683", TRUNK_0},    {"NZ", "64", TRUNK_0},
    {"OM", "968", TRUNK_0},    {"PA", "507", TRUNK_0},    {"PE", "51", TRUNK_0},
    {"PF", "689", TRUNK_0},    {"PG", "675", TRUNK_0},    {"PH", "63", TRUNK_0},
    {"PK", "92", TRUNK_0},     {"PL", "48", TRUNK_0},     {"PM", "508", TRUNK_0},
    {"PR", "1", TRUNK_NANP},   {"PS", "970", TRUNK_0},    {"PT", "351", TRUNK_0},
    {"PW", "680", TRUNK_0},    {"PY", "595", TRUNK_0},    {"QA", "974", TRUNK_0},
    {"RE", "262", TRUNK_0},    {"RO", "40", TRUNK_0},     {"RS", "381", TRUNK_0},
    {"RU", "7", TRUNK_0},      {"RW", "250", TRUNK_0},    {"SA", "966", TRUNK_0},
    {"SB", "677", TRUNK_0},    {"SC", "248", TRUNK_0},    {"SD", "249", TRUNK_0},
    {"SE", "46", TRUNK_0},     {"SG", "65", TRUNK_0},     {"SH", "290", TRUNK_0},
    {"SI", "386", TRUNK_0},    {"SJ", "47", TRUNK_0},     {"SK", "421", TRUNK_0},
    {"SL", "232", TRUNK_0},    {"SM", "378", TRUNK_KEEP}, {"SN", "221", TRUNK_0},
    {"SO", "252", TRUNK_0},    {"SR", "597", TRUNK_0},    {"SS", "211", TRUNK_0},
    {"ST", "239", TRUNK_0},    {"SV", "503", TRUNK_0},    {"SX", "1", TRUNK_NANP},
    {"SY", "963", TRUNK_0},    {"SZ", "268", TRUNK_0},    {"TA", "290", TRUNK_0},
    {"TC", "1", TRUNK_NANP},   {"TD", "235", TRUNK_0},    {"TG", "228", TRUNK_0},
    {"TH", "66", TRUNK_0},     {"TJ", "992", TRUNK_0},    {"TK", "690", TRUNK_0},
    {"TL", "670", TRUNK_0},    {"TM", "993", TRUNK_0},    {"TN", "216", TRUNK_0},
    {"TO", "676", TRUNK_0},    {"TR", "90", TRUNK_0},     {"TT", "1", TRUNK_NANP},
    {"TV", "688", TRUNK_0},    {"TW", "886", TRUNK_0},    {"TZ", "255", TRUNK_0},
    {"UA", "380", TRUNK_0},    {"UG", "256", TRUNK_0},    {"UM", "1", TRUNK_NANP},
    {"US", "1", TRUNK_NANP},   {"UY", "598", TRUNK_0},    {"UZ", "998", TRUNK_0},
    {"VA", "39", TRUNK_KEEP},  {"VC", "1", TRUNK_NANP},   {"VE", "58", TRUNK_0},
    {"VG", "1", TRUNK_NANP},   {"VI", "1", TRUNK_NANP},   {"VN", "84", TRUNK_0},
    {"VU", "678", TRUNK_0},    {"WF", "681", TRUNK_0},    {"WS", "685", TRUNK_0},
    {"XK", "383", TRUNK_0},    {"YE", "967", TRUNK_0},    {"YT", "262", TRUNK_0},
    {"ZA", "27", TRUNK_0},     {"ZM", "260", TRUNK_0},    {"ZW", "263", TRUNK_0},
};

/* ITU calling codes that belong to no region (freephone, satellite,
 * international networks...), and 379 (Vatican, assigned, unused). */
static const char *const non_geographic_cc[] = {"800", "808", "870", "878", "881",
                                                "882", "883", "888", "979", "379"};

/* Exit (international) codes other than "00", by region, tried before "00"
 * so that "0011 44 ..." in Australia is not read as "00" + "1 ...". */
static const struct {
  char iso[3];
  char idd[5];
} region_idd[] = {
    {"AU", "0011"}, {"BR", "0012"}, {"BR", "0014"}, {"BR", "0015"}, {"BR", "0021"}, {"BR", "0023"},
    {"BR", "0025"}, {"BR", "0031"}, {"BR", "0041"}, {"BR", "0043"}, {"CO", "005"},  {"CO", "007"},
    {"CO", "009"},  {"HK", "001"},  {"ID", "001"},  {"ID", "007"},  {"ID", "008"},  {"IL", "012"},
    {"IL", "013"},  {"IL", "014"},  {"JP", "010"},  {"KE", "000"},  {"KR", "001"},  {"KR", "002"},
    {"KR", "005"},  {"KR", "006"},  {"KR", "008"},  {"SG", "001"},  {"SG", "008"},  {"SG", "018"},
    {"SG", "019"},  {"TH", "001"},  {"TZ", "000"},  {"UG", "000"},
};

/* National trunk prefixes other than "0": stripped when the number has
 * exactly `ndigits` digits (0: any length). */
static const struct {
  char iso[3];
  char prefix[4];
  unsigned char ndigits;
} region_trunk[] = {
    {"BY", "80", 11}, {"HU", "06", 0},   {"KZ", "8", 11},   {"LT", "8", 9},
    {"MX", "01", 12}, {"MX", "044", 13}, {"MX", "045", 13}, {"RU", "8", 11},
};

static char upper_ascii(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }
static char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static const region_info *find_region(const char *region) {
  if (!region) region = "US";
  if (!region[0] || !region[1] || region[2]) return NULL;
  char a = upper_ascii(region[0]), b = upper_ascii(region[1]);
  for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
    if (regions[i].iso[0] == a && regions[i].iso[1] == b) return &regions[i];
  return NULL;
}

/* True when d[0..n) is an assigned calling code. */
static bool cc_known(const char *d, size_t n) {
  for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
    if (strlen(regions[i].cc) == n && !memcmp(regions[i].cc, d, n)) return true;
  for (size_t i = 0; i < sizeof non_geographic_cc / sizeof non_geographic_cc[0]; i++)
    if (strlen(non_geographic_cc[i]) == n && !memcmp(non_geographic_cc[i], d, n)) return true;
  return false;
}

/* True when the numbers of calling code cc (n digits) may begin with 0, so a
 * 0 written after the code is part of the number, not a trunk prefix. */
static bool cc_keeps_zero(const char *cc, size_t n) {
  for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
    if (regions[i].trunk == TRUNK_KEEP && strlen(regions[i].cc) == n &&
        !memcmp(regions[i].cc, cc, n))
      return true;
  return false;
}

/* Length of a space at p[0..n): ASCII space or tab, NBSP, thin space,
 * narrow no-break space, ideographic space; 0 when none. */
static size_t space_len(const char *p, size_t n) {
  const unsigned char *u = (const unsigned char *)p;
  if (u[0] == ' ' || u[0] == '\t') return 1;
  if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0) return 2; /* U+00A0 */
  if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xAF)) return 3; /* 2009 */
  if (n >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) return 3; /* U+3000 */
  return 0;
}

/* Length of a separator at p[0..n): a space, ". - / ( )", or a Unicode
 * hyphen or dash (U+2010..U+2014); 0 when none. */
static size_t separator_len(const char *p, size_t n) {
  const unsigned char *u = (const unsigned char *)p;
  if (p[0] == '.' || p[0] == '-' || p[0] == '/' || p[0] == '(' || p[0] == ')') return 1;
  if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x94) return 3;
  return space_len(p, n);
}

static bool starts_with_ci(const char *p, size_t n, const char *word) {
  size_t w = strlen(word);
  if (n < w) return false;
  for (size_t i = 0; i < w; i++)
    if (lower_ascii(p[i]) != word[i]) return false;
  return true;
}

/* True when p[0..n) is an extension suffix running to the end of the input:
 * "x123", "ext 123", "ext. 123", "extension 123", "#123", ";ext=123",
 * ", 123", followed only by spaces. */
static bool is_extension(const char *p, size_t n) {
  static const char *const words[] = {"extension", "extn", "ext", "x"};
  size_t i = 0;
  if (p[0] == '#' || p[0] == ',') {
    i = 1;
    while (i < n && (p[i] == ',' || p[i] == ' '))
      i++;
  } else if (starts_with_ci(p, n, ";ext=")) {
    i = 5;
  }
  for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
    if (starts_with_ci(p + i, n - i, words[w])) {
      i += strlen(words[w]);
      break;
    }
  if (i == 0) return false;
  while (i < n && (p[i] == '.' || p[i] == ':' || p[i] == '=' || p[i] == ' ' || p[i] == '-'))
    i++;
  size_t start = i;
  while (i < n && is_digit(p[i]))
    i++;
  if (i == start || i - start > 10) return false;
  for (size_t s; i < n; i += s)
    if ((s = space_len(p + i, n - i)) == 0) return false;
  return true;
}

/* Step 1: the digits of p[0..len) into d (capacity PHONE_MAX_INPUT), and
 * whether a leading "+" was written. */
static int scan(const char *p, size_t len, char *d, size_t *nd, bool *plus) {
  size_t i = 0;
  *nd = 0;
  *plus = false;
  while (i < len && (p[i] == ' ' || p[i] == '\t'))
    i++;
  if (starts_with_ci(p + i, len - i, "tel:")) i += 4;
  while (i < len) {
    char c = p[i];
    size_t s;
    if (is_digit(c)) {
      d[(*nd)++] = c;
      i++;
    } else if (c == '+') {
      if (*plus || *nd) return rp_error_set(RP_EINVALID_VALUE, NULL, "'+' may only come first");
      *plus = true;
      i++;
    } else if ((s = separator_len(p + i, len - i)) > 0) {
      i += s;
    } else if (*nd && (c == '#' || c == ',' || c == ';' || is_alpha(c)) &&
               is_extension(p + i, len - i)) {
      break; /* the extension is dropped */
    } else if (is_alpha(c)) {
      return rp_error_set(RP_EINVALID_VALUE, NULL, "letters are not allowed in a phone number");
    } else if (c == '#' || c == ',' || c == ';') {
      return rp_error_set(RP_EINVALID_VALUE, NULL, "an extension must be digits");
    } else if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f) {
      return rp_error_set(RP_EINVALID_VALUE, NULL, "unexpected '%c' in a phone number", c);
    } else {
      return rp_error_set(RP_EINVALID_VALUE, NULL, "unexpected character in a phone number");
    }
  }
  return 0;
}

/* Writes "+" cc nsn into out after the E.164 length checks (and Mexico's
 * old mobile "1", in both the national and international forms). A 0 left at
 * the start of nsn (after one trunk 0 was dropped) is refused where the
 * numbers never start with 0, so that a result normalises to itself. */
static int emit(char out[static RP_PHONE_MAX], const char *cc, size_t ncc, const char *nsn,
                size_t nn) {
  if (ncc == 2 && !memcmp(cc, "52", 2) && nn == 11 && nsn[0] == '1') {
    nsn++; /* Mexico's old mobile "+52 1 ..." form, gone since 2019 */
    nn--;
  }
  if (nn == 0 || ncc + nn < E164_MIN_DIGITS)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "too few digits for a phone number");
  if (ncc + nn > E164_MAX_DIGITS)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "too many digits (E.164 allows at most 15)");
  if (nsn[0] == '0' && !cc_keeps_zero(cc, ncc))
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        "a +%.*s number cannot start with 0 after the country code", (int)ncc, cc);
  out[0] = '+';
  memcpy(out + 1, cc, ncc);
  memcpy(out + 1 + ncc, nsn, nn);
  out[1 + ncc + nn] = '\0';
  return 0;
}

/* NANP: 10 digits (or 11 with the leading 1 when `allow_1`); area code and
 * exchange begin with 2-9. */
static int emit_nanp(char out[static RP_PHONE_MAX], const char *d, size_t n, bool allow_1) {
  if (allow_1 && n == 11 && d[0] == '1') {
    d++;
    n--;
  }
  if (n < 10)
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        "too few digits: a North American number has 10 digits with the area "
                        "code");
  if (n > 10)
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        "too many digits: a North American number has 10 digits with the area "
                        "code");
  if (d[0] < '2')
    return rp_error_set(RP_EINVALID_VALUE, NULL, "a North American area code cannot start with %c",
                        d[0]);
  if (d[3] < '2')
    return rp_error_set(RP_EINVALID_VALUE, NULL, "a North American exchange cannot start with %c",
                        d[3]);
  return emit(out, "1", 1, d, n);
}

/* rp_phone_normalize: see phone.h. out is the caller's; it holds "" on
 * error. No allocation. */
int rp_phone_normalize(char out[static RP_PHONE_MAX], const char *p, size_t len,
                       const char *region) {
  char d[PHONE_MAX_INPUT];
  size_t nd;
  bool plus;
  int rc;

  out[0] = '\0';
  if (!p) len = 0;
  if (len > PHONE_MAX_INPUT)
    return rp_error_set(RP_EINVALID_VALUE, NULL, "phone number too long (at most %d characters)",
                        PHONE_MAX_INPUT);
  size_t blank = 0;
  while (blank < len && (p[blank] == ' ' || p[blank] == '\t'))
    blank++;
  if (blank == len) return rp_error_set(RP_EINVALID_VALUE, NULL, "empty phone number");
  if ((rc = scan(p, len, d, &nd, &plus)) != 0) return rc;
  if (nd == 0)
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        plus ? "no digits after '+'" : "no digits in phone number");

  const region_info *r = find_region(region);
  size_t start = 0;
  bool intl = plus;
  if (!intl && r) {
    for (size_t i = 0; i < sizeof region_idd / sizeof region_idd[0] && !intl; i++) {
      size_t k = strlen(region_idd[i].idd);
      if (!memcmp(region_idd[i].iso, r->iso, 2) && nd > k && !memcmp(d, region_idd[i].idd, k)) {
        intl = true;
        start = k;
      }
    }
    if (!intl && r->trunk == TRUNK_NANP && nd > 3 && !memcmp(d, "011", 3)) {
      intl = true;
      start = 3;
    }
  }
  if (!intl && nd > 2 && d[0] == '0' && d[1] == '0') {
    intl = true;
    start = 2;
  }

  if (intl) {
    const char *rest = d + start;
    size_t n = nd - start, ncc = 0;
    if (n == 0) return rp_error_set(RP_EINVALID_VALUE, NULL, "no digits after the country prefix");
    for (size_t k = 1; k <= 3 && k <= n; k++)
      if (cc_known(rest, k)) {
        ncc = k;
        break;
      }
    if (!ncc)
      return rp_error_set(RP_EINVALID_VALUE, NULL, "unknown country code +%.*s",
                          (int)(n < 3 ? n : 3), rest);
    const char *nsn = rest + ncc;
    size_t nn = n - ncc;
    if (ncc == 1 && rest[0] == '1') return emit_nanp(out, nsn, nn, false);
    if (nn > 0 && nsn[0] == '0' && !cc_keeps_zero(rest, ncc)) {
      nsn++; /* "+44 (0)20 ...": the national trunk 0 */
      nn--;
    }
    return emit(out, rest, ncc, nsn, nn);
  }

  if (!r)
    return rp_error_set(RP_EINVALID_VALUE, NULL,
                        "unknown default region \"%.8s\": write the number with its country "
                        "code (+...)",
                        region);
  if (r->trunk == TRUNK_NANP) return emit_nanp(out, d, nd, true);

  const char *nsn = d;
  size_t nn = nd;
  bool stripped = false;
  for (size_t i = 0; i < sizeof region_trunk / sizeof region_trunk[0] && !stripped; i++) {
    size_t k = strlen(region_trunk[i].prefix);
    if (!memcmp(region_trunk[i].iso, r->iso, 2) && nn > k &&
        (region_trunk[i].ndigits == 0 || region_trunk[i].ndigits == nn) &&
        !memcmp(nsn, region_trunk[i].prefix, k)) {
      nsn += k;
      nn -= k;
      stripped = true;
    }
  }
  if (!stripped && r->trunk == TRUNK_0 && nn > 0 && nsn[0] == '0') {
    nsn++;
    nn--;
  }
  return emit(out, r->cc, strlen(r->cc), nsn, nn);
}

/* rp_phone_looks_like: see phone.h (API.md contacts q: a query that reads as
 * a phone number also matches phones however they were typed). */
bool rp_phone_looks_like(const char *q, size_t len) {
  size_t digits = 0, i = 0;
  bool plus = false;
  if (!q || len == 0 || len > PHONE_MAX_INPUT) return false;
  while (i < len) {
    size_t s;
    if (is_digit(q[i])) {
      digits++;
      i++;
    } else if (q[i] == '+') {
      if (plus || digits) return false;
      plus = true;
      i++;
    } else if ((s = separator_len(q + i, len - i)) > 0) {
      i += s;
    } else {
      return false;
    }
  }
  return digits >= 7;
}

/* rp_phone_region_code: see phone.h. A static string; NULL for NULL or an
 * unknown region. Case-insensitive ("us" works). */
const char *rp_phone_region_code(const char *region) {
  if (!region) return NULL;
  const region_info *r = find_region(region);
  return r ? r->cc : NULL;
}
