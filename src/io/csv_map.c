/* csv_map.c: the header table and value rules of the CSV importer
 * (io/csv_map.h; the table as users read it is in src/io/README.md). */
#include "io/csv_map.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 64

/* Lower-case ASCII letters and digits of p (bytes >= 0x80 kept, so other
 * scripts do not collapse to ""); everything else dropped. Returns the
 * length, or KEY_MAX when the key does not fit (no entry is that long). */
static size_t header_key(char out[static KEY_MAX], const char *p, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)) continue;
    if (n + 1 >= KEY_MAX) return KEY_MAX;
    out[n++] = (char)c;
  }
  out[n] = '\0';
  return n;
}

static const struct exact {
  const char *key;
  rp_csv_col_kind kind;
  const char *label;
} exact[] = {
    /* names */
    {"firstname", RP_COL_FIRST, NULL},
    {"first", RP_COL_FIRST, NULL},
    {"givenname", RP_COL_FIRST, NULL},
    {"fname", RP_COL_FIRST, NULL},
    {"forename", RP_COL_FIRST, NULL},
    {"lastname", RP_COL_LAST, NULL},
    {"last", RP_COL_LAST, NULL},
    {"familyname", RP_COL_LAST, NULL},
    {"surname", RP_COL_LAST, NULL},
    {"lname", RP_COL_LAST, NULL},
    {"name", RP_COL_FULL_NAME, NULL},
    {"fullname", RP_COL_FULL_NAME, NULL},
    {"contactname", RP_COL_FULL_NAME, NULL},
    {"displayname", RP_COL_FULL_NAME, NULL},
    /* emails */
    {"email", RP_COL_EMAIL, NULL},
    {"emails", RP_COL_EMAIL, NULL},
    {"emailaddress", RP_COL_EMAIL, NULL},
    {"mail", RP_COL_EMAIL, NULL},
    {"primaryemail", RP_COL_EMAIL, NULL},
    {"emailprimary", RP_COL_EMAIL, NULL},
    {"personalemail", RP_COL_EMAIL, "personal"},
    {"homeemail", RP_COL_EMAIL, "home"},
    {"workemail", RP_COL_EMAIL, "work"},
    {"businessemail", RP_COL_EMAIL, "work"},
    {"otheremail", RP_COL_EMAIL, "other"},
    {"secondaryemail", RP_COL_EMAIL, NULL},
    {"emailtype", RP_COL_EMAIL_LABEL, NULL},
    {"emaillabel", RP_COL_EMAIL_LABEL, NULL},
    {"emaildisplayname", RP_COL_IGNORE, NULL},
    /* phones */
    {"phone", RP_COL_PHONE, NULL},
    {"phones", RP_COL_PHONE, NULL},
    {"phonenumber", RP_COL_PHONE, NULL},
    {"telephone", RP_COL_PHONE, NULL},
    {"tel", RP_COL_PHONE, NULL},
    {"primaryphone", RP_COL_PHONE, NULL},
    {"mobile", RP_COL_PHONE, "mobile"},
    {"mobilephone", RP_COL_PHONE, "mobile"},
    {"mobilenumber", RP_COL_PHONE, "mobile"},
    {"cell", RP_COL_PHONE, "mobile"},
    {"cellphone", RP_COL_PHONE, "mobile"},
    {"cellnumber", RP_COL_PHONE, "mobile"},
    {"homephone", RP_COL_PHONE, "home"},
    {"hometelephone", RP_COL_PHONE, "home"},
    {"businessphone", RP_COL_PHONE, "work"},
    {"businesstelephone", RP_COL_PHONE, "work"},
    {"workphone", RP_COL_PHONE, "work"},
    {"officephone", RP_COL_PHONE, "work"},
    {"otherphone", RP_COL_PHONE, "other"},
    {"fax", RP_COL_PHONE, "fax"},
    {"businessfax", RP_COL_PHONE, "fax"},
    {"homefax", RP_COL_PHONE, "fax"},
    {"otherfax", RP_COL_PHONE, "fax"},
    {"phonetype", RP_COL_PHONE_LABEL, NULL},
    {"phonelabel", RP_COL_PHONE_LABEL, NULL},
    /* the address (home or mailing; business and further addresses go to
       custom) */
    {"street", RP_COL_STREET, NULL},
    {"address", RP_COL_STREET, NULL},
    {"streetaddress", RP_COL_STREET, NULL},
    {"homestreet", RP_COL_STREET, NULL},
    {"homeaddress", RP_COL_STREET, NULL},
    {"mailingaddress", RP_COL_STREET, NULL},
    {"mailingstreet", RP_COL_STREET, NULL},
    {"city", RP_COL_CITY, NULL},
    {"town", RP_COL_CITY, NULL},
    {"homecity", RP_COL_CITY, NULL},
    {"mailingcity", RP_COL_CITY, NULL},
    {"state", RP_COL_REGION, NULL},
    {"region", RP_COL_REGION, NULL},
    {"province", RP_COL_REGION, NULL},
    {"stateprovince", RP_COL_REGION, NULL},
    {"stateregion", RP_COL_REGION, NULL},
    {"homestate", RP_COL_REGION, NULL},
    {"mailingstate", RP_COL_REGION, NULL},
    {"zip", RP_COL_POSTAL, NULL},
    {"zipcode", RP_COL_POSTAL, NULL},
    {"postalcode", RP_COL_POSTAL, NULL},
    {"postcode", RP_COL_POSTAL, NULL},
    {"zippostalcode", RP_COL_POSTAL, NULL},
    {"postalzipcode", RP_COL_POSTAL, NULL},
    {"homepostalcode", RP_COL_POSTAL, NULL},
    {"homezip", RP_COL_POSTAL, NULL},
    {"mailingzip", RP_COL_POSTAL, NULL},
    {"mailingzipcode", RP_COL_POSTAL, NULL},
    {"mailingpostalcode", RP_COL_POSTAL, NULL},
    {"country", RP_COL_COUNTRY, NULL},
    {"countryregion", RP_COL_COUNTRY, NULL},
    {"homecountry", RP_COL_COUNTRY, NULL},
    {"homecountryregion", RP_COL_COUNTRY, NULL},
    {"mailingcountry", RP_COL_COUNTRY, NULL},
    /* the rest of the contact */
    {"company", RP_COL_COMPANY, NULL},
    {"companyname", RP_COL_COMPANY, NULL},
    {"organization", RP_COL_COMPANY, NULL},
    {"organisation", RP_COL_COMPANY, NULL},
    {"organizationname", RP_COL_COMPANY, NULL},
    {"employer", RP_COL_COMPANY, NULL},
    {"website", RP_COL_WEBSITE, NULL},
    {"webpage", RP_COL_WEBSITE, NULL},
    {"web", RP_COL_WEBSITE, NULL},
    {"url", RP_COL_WEBSITE, NULL},
    {"homepage", RP_COL_WEBSITE, NULL},
    {"social", RP_COL_SOCIAL, NULL},
    {"birthday", RP_COL_BIRTHDAY, NULL},
    {"birthdate", RP_COL_BIRTHDAY, NULL},
    {"dateofbirth", RP_COL_BIRTHDAY, NULL},
    {"dob", RP_COL_BIRTHDAY, NULL},
    {"anniversary", RP_COL_ANNIVERSARY, NULL},
    {"weddinganniversary", RP_COL_ANNIVERSARY, NULL},
    {"partner", RP_COL_PARTNER, NULL},
    {"spouse", RP_COL_PARTNER, NULL},
    {"spousename", RP_COL_PARTNER, NULL},
    {"spousepartner", RP_COL_PARTNER, NULL},
    {"significantother", RP_COL_PARTNER, NULL},
    {"children", RP_COL_CHILDREN, NULL},
    {"kids", RP_COL_CHILDREN, NULL},
    {"pets", RP_COL_PETS, NULL},
    {"interests", RP_COL_INTERESTS, NULL},
    {"hobbies", RP_COL_INTERESTS, NULL},
    {"hobby", RP_COL_INTERESTS, NULL},
    {"notes", RP_COL_NOTES, NULL},
    {"note", RP_COL_NOTES, NULL},
    {"comments", RP_COL_NOTES, NULL},
    {"comment", RP_COL_NOTES, NULL},
    {"description", RP_COL_NOTES, NULL},
    {"background", RP_COL_NOTES, NULL},
    {"tags", RP_COL_TAGS, NULL},
    {"tag", RP_COL_TAGS, NULL},
    {"labels", RP_COL_TAGS, NULL},
    {"groupmembership", RP_COL_TAGS, NULL},
    {"categories", RP_COL_TAGS, NULL},
    {"groups", RP_COL_TAGS, NULL},
    {"group", RP_COL_TAGS, NULL},
    {"source", RP_COL_SOURCE, NULL},
    {"leadsource", RP_COL_SOURCE, NULL},
    {"contactsource", RP_COL_SOURCE, NULL},
    {"referralsource", RP_COL_SOURCE, NULL},
    {"status", RP_COL_STATUS, NULL},
    {"leadstatus", RP_COL_STATUS, NULL},
    {"contactstatus", RP_COL_STATUS, NULL},
    {"stage", RP_COL_STAGE, NULL},
    {"leadstage", RP_COL_STAGE, NULL},
    {"pipelinestage", RP_COL_STAGE, NULL},
    {"category", RP_COL_CATEGORY, NULL},
    {"type", RP_COL_TYPE, NULL},
    {"contacttype", RP_COL_TYPE, NULL},
    {"intent", RP_COL_INTENT, NULL},
    {"leadtype", RP_COL_INTENT, NULL},
    {"buyerseller", RP_COL_INTENT, NULL},
    {"timeframe", RP_COL_TIMEFRAME, NULL},
    {"buyingtimeframe", RP_COL_TIMEFRAME, NULL},
    {"movingtimeframe", RP_COL_TIMEFRAME, NULL},
    {"budget", RP_COL_BUDGET, NULL},
    {"knownsince", RP_COL_KNOWN_SINCE, NULL},
    {"created", RP_COL_KNOWN_SINCE, NULL},
    {"createdat", RP_COL_KNOWN_SINCE, NULL},
    {"createddate", RP_COL_KNOWN_SINCE, NULL},
    {"datecreated", RP_COL_KNOWN_SINCE, NULL},
    {"dateadded", RP_COL_KNOWN_SINCE, NULL},
    {"lastpurchasedate", RP_COL_LAST_PURCHASE, NULL},
    {"lastsaledate", RP_COL_LAST_SALE, NULL},
    {"contactintervaldays", RP_COL_INTERVAL, NULL},
    {"smsoptout", RP_COL_SMS_OPT_OUT, NULL},
    {"donottext", RP_COL_SMS_OPT_OUT, NULL},
    {"emailoptout", RP_COL_EMAIL_OPT_OUT, NULL},
    {"donotemail", RP_COL_EMAIL_OPT_OUT, NULL},
    {"unsubscribed", RP_COL_EMAIL_OPT_OUT, NULL},
    {"custom", RP_COL_CUSTOM_JSON, NULL},
    /* always filled by Outlook with nothing to say */
    {"priority", RP_COL_IGNORE, NULL},
    {"sensitivity", RP_COL_IGNORE, NULL},
    {"private", RP_COL_IGNORE, NULL},
};

/* "<prefix><N><suffix>" headers: "E-mail 2 Address", "Phone 1 - Value",
 * "Address 1 - Street", "Home Street 2". only1: the column means the
 * contact's field only for N = 1 ("Address 2 - City" goes to custom). */
static const struct numbered {
  const char *prefix, *suffix;
  rp_csv_col_kind kind;
  const char *label;
  bool only1;
} numbered[] = {
    {"email", "", RP_COL_EMAIL, NULL, false},
    {"email", "value", RP_COL_EMAIL, NULL, false},
    {"email", "address", RP_COL_EMAIL, NULL, false},
    {"emailaddress", "", RP_COL_EMAIL, NULL, false},
    {"email", "type", RP_COL_EMAIL_LABEL, NULL, false},
    {"email", "label", RP_COL_EMAIL_LABEL, NULL, false},
    {"email", "displayname", RP_COL_IGNORE, NULL, false},
    {"phone", "", RP_COL_PHONE, NULL, false},
    {"phone", "value", RP_COL_PHONE, NULL, false},
    {"phone", "number", RP_COL_PHONE, NULL, false},
    {"phone", "type", RP_COL_PHONE_LABEL, NULL, false},
    {"phone", "label", RP_COL_PHONE_LABEL, NULL, false},
    {"homephone", "", RP_COL_PHONE, "home", false},
    {"businessphone", "", RP_COL_PHONE, "work", false},
    {"mobilephone", "", RP_COL_PHONE, "mobile", false},
    {"address", "street", RP_COL_STREET, NULL, true},
    {"address", "streetaddress", RP_COL_STREET, NULL, true},
    {"address", "extendedaddress", RP_COL_STREET2, NULL, true},
    {"address", "city", RP_COL_CITY, NULL, true},
    {"address", "region", RP_COL_REGION, NULL, true},
    {"address", "state", RP_COL_REGION, NULL, true},
    {"address", "postalcode", RP_COL_POSTAL, NULL, true},
    {"address", "zip", RP_COL_POSTAL, NULL, true},
    {"address", "zipcode", RP_COL_POSTAL, NULL, true},
    {"address", "country", RP_COL_COUNTRY, NULL, true},
    {"address", "formatted", RP_COL_IGNORE, NULL, false},
    {"address", "type", RP_COL_IGNORE, NULL, false},
    {"address", "label", RP_COL_IGNORE, NULL, false},
    {"website", "", RP_COL_WEBSITE, NULL, true},
    {"website", "value", RP_COL_WEBSITE, NULL, true},
    {"website", "type", RP_COL_IGNORE, NULL, false},
    {"website", "label", RP_COL_IGNORE, NULL, false},
    {"organization", "name", RP_COL_COMPANY, NULL, true},
};

/* rp_csv_map_header: see csv_map.h. */
rp_csv_col rp_csv_map_header(const char *p, size_t len) {
  rp_csv_col col = {RP_COL_CUSTOM, 0, NULL};
  char key[KEY_MAX];
  size_t n = header_key(key, p, len);
  if (n == 0 || n >= KEY_MAX) return col;
  for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
    if (strcmp(exact[i].key, key) == 0) {
      col.kind = exact[i].kind;
      col.label = exact[i].label;
      return col;
    }
  /* the first run of digits splits prefix, N and suffix */
  size_t d = strcspn(key, "0123456789");
  if (d == n) return col;
  size_t e = d;
  int num = 0;
  while (e < n && key[e] >= '0' && key[e] <= '9') {
    if (num < 1000) num = num * 10 + (key[e] - '0');
    e++;
  }
  const char *suffix = key + e;
  key[d] = '\0';
  /* "Address 1" / "Address Line 2" / "Home Street 2" / "Street 2" */
  if (*suffix == '\0' && (strcmp(key, "address") == 0 || strcmp(key, "addressline") == 0 ||
                          strcmp(key, "street") == 0 || strcmp(key, "homestreet") == 0 ||
                          strcmp(key, "mailingstreet") == 0 || strcmp(key, "streetline") == 0)) {
    col.kind = num == 1 ? RP_COL_STREET : num <= 3 ? RP_COL_STREET2 : RP_COL_CUSTOM;
    return col;
  }
  for (size_t i = 0; i < sizeof numbered / sizeof numbered[0]; i++) {
    if (strcmp(numbered[i].prefix, key) != 0 || strcmp(numbered[i].suffix, suffix) != 0) continue;
    if (numbered[i].only1 && num != 1) return col;
    col.kind = numbered[i].kind;
    col.label = numbered[i].label;
    col.group = num;
    return col;
  }
  return col;
}

/* ---- values ---- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void trim(const char **p, size_t *len) {
  while (*len && ((*p)[0] == ' ' || (*p)[0] == '\t' || (*p)[0] == '\r' || (*p)[0] == '\n'))
    (*p)++, (*len)--;
  while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t' || (*p)[*len - 1] == '\r' ||
                  (*p)[*len - 1] == '\n'))
    (*len)--;
}

/* Reads 1 to max digits at *i; -1 when there is none. */
static int number(const char *p, size_t len, size_t *i, int max, int *ndigits) {
  int v = 0, k = 0;
  while (*i < len && is_digit(p[*i]) && k < max)
    v = v * 10 + (p[(*i)++] - '0'), k++;
  if (ndigits) *ndigits = k;
  if (k == 0 || (*i < len && is_digit(p[*i]))) return -1;
  return v;
}

static bool valid_day(int y, int m, int d) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int max = dim[m - 1];
  if (m == 2 && (y < 0 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))) max = 29;
  return d <= max;
}

static void put2(char *o, int v) {
  o[0] = (char)('0' + v / 10);
  o[1] = (char)('0' + v % 10);
}

/* rp_csv_date: see csv_map.h. */
int rp_csv_date(char out[static 11], const char *p, size_t len, bool month_day) {
  out[0] = '\0';
  trim(&p, &len);
  if (len == 0) return 0;
  /* a date without year, vCard style */
  if (len == 7 && p[0] == '-' && p[1] == '-' && p[4] == '-') {
    size_t i = 2;
    int m = number(p, len, &i, 2, NULL);
    i = 5;
    int d = number(p, len, &i, 2, NULL);
    if (!month_day || m < 0 || d < 0 || !valid_day(-1, m, d)) return -1;
    memcpy(out, "--", 2);
    put2(out + 2, m);
    out[4] = '-';
    put2(out + 5, d);
    out[7] = '\0';
    return 1;
  }
  size_t i = 0;
  int nd1, nd2, nd3 = 0;
  int a = number(p, len, &i, 4, &nd1);
  if (a < 0 || i >= len) return -1;
  char sep = p[i++];
  if (sep != '-' && sep != '/' && sep != '.') return -1;
  int b = number(p, len, &i, 2, &nd2);
  if (b < 0) return -1;
  int c = -1;
  if (i < len && p[i] == sep) {
    i++;
    c = number(p, len, &i, 4, &nd3);
    if (c < 0) return -1;
  }
  /* what follows must be a time: " 14:22", "T14:22:00Z", " 2:22 PM" */
  if (i < len) {
    if (p[i] != ' ' && p[i] != 'T' && p[i] != 't') return -1;
    if (i + 1 >= len || !is_digit(p[i + 1])) return -1;
    for (size_t k = i + 1; k < len; k++) {
      char ch = p[k];
      if (!(is_digit(ch) || ch == ':' || ch == '.' || ch == ' ' || ch == '+' || ch == '-' ||
            ch == 'Z' || ch == 'z' || ch == 'A' || ch == 'a' || ch == 'P' || ch == 'p' ||
            ch == 'M' || ch == 'm'))
        return -1;
    }
  }
  int y, m, d;
  if (nd1 == 4) { /* YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD */
    if (c < 0 || nd3 > 2) return -1;
    y = a, m = b, d = c;
  } else if (nd1 <= 2 && c < 0) { /* M/D without a year */
    if (!month_day || sep != '/') return -1;
    m = a, d = b, y = -1;
    if (m > 12 && d <= 12) m = b, d = a;
  } else if (nd1 <= 2) {
    if (sep == '-') return -1;                /* D-M-Y vs M-D-Y: too ambiguous */
    if (a == 0 && b == 0 && c == 0) return 0; /* Outlook's "0/0/00" */
    if (nd3 == 2)
      y = c < 30 ? 2000 + c : 1900 + c;
    else if (nd3 == 4)
      y = c;
    else
      return -1;
    if (sep == '.') /* D.M.YYYY */
      d = a, m = b;
    else if (a > 12) /* D/M/YYYY can only be that */
      d = a, m = b;
    else /* M/D/YYYY */
      m = a, d = b;
  } else {
    return -1;
  }
  if (y == 0 && m == 0 && d == 0) return 0; /* "0000-00-00" */
  if (!valid_day(y, m, d)) return -1;
  if (y < 0) {
    memcpy(out, "--", 2);
    put2(out + 2, m);
    out[4] = '-';
    put2(out + 5, d);
    out[7] = '\0';
    return 1;
  }
  if (y < 1) return -1;
  put2(out, y / 100);
  put2(out + 2, y % 100);
  out[4] = '-';
  put2(out + 5, m);
  out[7] = '-';
  put2(out + 8, d);
  out[10] = '\0';
  return 1;
}

/* The value as an enum key: lower case, every run of other characters one
 * '_', none at the ends ("Past Client" -> "past_client"). 0 when too long. */
static size_t enum_key(char out[static KEY_MAX], const char *p, size_t len) {
  size_t n = 0;
  bool sep = false;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      if (sep && n) {
        if (n + 1 >= KEY_MAX) return 0;
        out[n++] = '_';
      }
      sep = false;
      if (n + 1 >= KEY_MAX) return 0;
      out[n++] = (char)c;
    } else {
      sep = true;
    }
  }
  out[n] = '\0';
  return n;
}

static bool in(const char *key, const char *const *list) {
  for (; *list; list++)
    if (strcmp(key, *list) == 0) return true;
  return false;
}

/* rp_csv_bool: see csv_map.h. */
int rp_csv_bool(const char *p, size_t len) {
  static const char *const yes[] = {"yes", "y", "true", "t", "1", "x", "on", NULL};
  static const char *const no[] = {"no", "n", "false", "f", "0", "off", NULL};
  char k[KEY_MAX];
  trim(&p, &len);
  if (len == 0) return 0;
  if (!enum_key(k, p, len)) return -1;
  if (in(k, yes)) return 1;
  if (in(k, no)) return 0;
  return -1;
}

/* rp_csv_money: see csv_map.h. */
int rp_csv_money(double *out, const char *p, size_t len) {
  char buf[48];
  size_t n = 0;
  double mult = 1;
  trim(&p, &len);
  /* a plain number as rp_csv_write_contact writes it ("1e+15") */
  if (len && len < sizeof buf && strspn(p, "0123456789.eE+-") >= len && is_digit(p[0])) {
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end == '\0' && isfinite(v) && v >= 0 && v <= 1e15) return *out = v, 0;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == ',' || c == ' ' || c == '$' || c == '_') continue;
    if ((c == 'k' || c == 'K' || c == 'm' || c == 'M') && i + 1 == len && n) {
      mult = (c == 'k' || c == 'K') ? 1e3 : 1e6;
      continue;
    }
    if (!(is_digit((char)c) || c == '.')) return -1;
    if (n + 1 >= sizeof buf) return -1;
    buf[n++] = (char)c;
  }
  if (n == 0) return -1;
  buf[n] = '\0';
  char *end;
  double v = strtod(buf, &end);
  if (*end != '\0' || !isfinite(v)) return -1;
  v *= mult;
  if (v < 0 || v > 1e15) return -1;
  *out = v;
  return 0;
}

/* rp_csv_status: our names, and "active client", "current client", "under
 * contract" (client), "closed", "past customer", "former client"
 * (past_client), "new lead" (lead). */
int rp_csv_status(rp_status *out, const char *p, size_t len) {
  char k[KEY_MAX];
  trim(&p, &len);
  if (!enum_key(k, p, len)) return -1;
  if (rp_status_parse(out, k) == 0) return 0;
  static const char *const client[] = {"active_client", "current_client", "under_contract", NULL};
  static const char *const past[] = {"closed", "past_customer", "former_client", NULL};
  if (in(k, client)) return *out = RP_STATUS_CLIENT, 0;
  if (in(k, past)) return *out = RP_STATUS_PAST_CLIENT, 0;
  if (strcmp(k, "new_lead") == 0) return *out = RP_STATUS_LEAD, 0;
  return -1;
}

int rp_csv_stage(rp_stage *out, const char *p, size_t len) {
  char k[KEY_MAX];
  trim(&p, &len);
  if (!enum_key(k, p, len)) return -1;
  return rp_stage_parse(out, k) == 0 ? 0 : -1;
}

int rp_csv_category(rp_category *out, const char *p, size_t len) {
  char k[KEY_MAX];
  trim(&p, &len);
  if (!enum_key(k, p, len)) return -1;
  return rp_category_parse(out, k) == 0 ? 0 : -1;
}

/* rp_csv_type: our names, and the real-estate words for them: sphere (of
 * influence), soi, friend, family -> personal; lender, attorney,
 * inspector, title company, contractor -> vendor; realtor, co-agent ->
 * agent. */
int rp_csv_type(rp_ctype *out, const char *p, size_t len) {
  static const char *const personal[] = {"sphere", "sphere_of_influence", "soi", "friend",
                                         "family", "friends_family",      NULL};
  static const char *const vendor[] = {"lender",        "attorney",   "inspector", "title",
                                       "title_company", "contractor", "lawyer",    NULL};
  static const char *const agent[] = {"realtor", "co_agent", "cooperating_agent", NULL};
  char k[KEY_MAX];
  trim(&p, &len);
  if (!enum_key(k, p, len)) return -1;
  if (rp_ctype_parse(out, k) == 0) return 0;
  if (in(k, personal)) return *out = RP_TYPE_PERSONAL, 0;
  if (in(k, vendor)) return *out = RP_TYPE_VENDOR, 0;
  if (in(k, agent)) return *out = RP_TYPE_AGENT, 0;
  return -1;
}

/* rp_csv_intent: our names, and kvCORE's lead types: buyer, seller, both,
 * buyer & seller, buyer/seller. */
int rp_csv_intent(rp_intent *out, const char *p, size_t len) {
  static const char *const both[] = {"both",         "buyer_seller", "buyer_and_seller",
                                     "buy_and_sell", "seller_buyer", NULL};
  char k[KEY_MAX];
  trim(&p, &len);
  if (!enum_key(k, p, len)) return -1;
  if (rp_intent_parse(out, k) == 0) return 0;
  if (strcmp(k, "buyer") == 0 || strcmp(k, "buying") == 0) return *out = RP_INTENT_BUY, 0;
  if (strcmp(k, "seller") == 0 || strcmp(k, "selling") == 0) return *out = RP_INTENT_SELL, 0;
  if (in(k, both)) return *out = RP_INTENT_BUY_SELL, 0;
  return -1;
}
