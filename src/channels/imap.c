/* imap.c: see imap.h. */
#include "channels/imap.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "channels/channel.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define URL_MAX 1024
#define FOLDER_MAX 255

/* ---- the response reader ---- */

typedef struct rd {
  const char *p;
  size_t n, i;
  rp_arena *ar;
  size_t values; /* read so far, bounded by the input's size */
} rd;

#define BAD(...) rp_error_set(RP_EINVALID_VALUE, "imap", __VA_ARGS__)

static bool at_eol(const rd *r) { return r->i >= r->n || r->p[r->i] == '\r' || r->p[r->i] == '\n'; }

static void skip_line(rd *r) {
  while (r->i < r->n && r->p[r->i] != '\n')
    r->i++;
  if (r->i < r->n) r->i++;
}

static bool atom_char(char c) {
  return c != ' ' && c != '(' && c != ')' && c != '\r' && c != '\n' && c != '"' && c != '{' &&
         (unsigned char)c >= 0x20 && c != 0x7F;
}

static int read_value(rd *r, rp_imap_value *v, int depth) {
  memset(v, 0, sizeof *v);
  if (++r->values > r->n + 1) return BAD("too many values");
  if (r->i >= r->n) return BAD("the answer ends where a value was expected");
  char c = r->p[r->i];
  if (c == '(') {
    if (depth >= RP_IMAP_DEPTH_MAX) return BAD("lists nest deeper than %d", RP_IMAP_DEPTH_MAX);
    r->i++;
    v->kind = RP_IMAP_LIST;
    size_t cap = 0;
    for (;;) {
      while (r->i < r->n && r->p[r->i] == ' ')
        r->i++;
      if (at_eol(r)) return BAD("a list is not closed");
      if (r->p[r->i] == ')') {
        r->i++;
        return 0;
      }
      rp_imap_value *item = RP_ARENA_PUSH(r->ar, v->items, &v->n, &cap, 8);
      int rc = read_value(r, item, depth + 1);
      if (rc) return rc;
    }
  }
  if (c == '"') {
    rp_sb sb = {0};
    r->i++;
    while (r->i < r->n && r->p[r->i] != '"' && r->p[r->i] != '\r' && r->p[r->i] != '\n') {
      if (r->p[r->i] == '\\' && r->i + 1 < r->n) r->i++;
      rp_sb_putc(&sb, r->p[r->i]);
      r->i++;
    }
    if (r->i >= r->n || r->p[r->i] != '"') {
      rp_sb_free(&sb);
      return BAD("a quoted string is not closed");
    }
    r->i++;
    v->kind = RP_IMAP_STRING;
    v->len = sb.len;
    v->p = rp_arena_strndup(r->ar, rp_sb_str(&sb), sb.len);
    rp_sb_free(&sb);
    return 0;
  }
  if (c == '{') {
    size_t i = r->i + 1, len = 0, digits = 0;
    while (i < r->n && r->p[i] >= '0' && r->p[i] <= '9' && digits < 10)
      len = len * 10 + (size_t)(r->p[i++] - '0'), digits++;
    if (i < r->n && r->p[i] == '+') i++;
    if (!digits || i >= r->n || r->p[i] != '}') return BAD("a literal's length is unreadable");
    i++;
    if (i < r->n && r->p[i] == '\r') i++;
    if (i >= r->n || r->p[i] != '\n') return BAD("a literal's length is not followed by CRLF");
    i++;
    if (len > r->n - i) return BAD("a literal of %zu bytes runs past the answer's end", len);
    v->kind = RP_IMAP_STRING;
    v->p = r->p + i;
    v->len = len;
    r->i = i + len;
    return 0;
  }
  size_t s = r->i;
  while (r->i < r->n && atom_char(r->p[r->i])) {
    if (r->p[r->i] == '[') { /* a section: BODY[HEADER.FIELDS (FROM TO)] */
      while (r->i < r->n && r->p[r->i] != ']' && r->p[r->i] != '\r' && r->p[r->i] != '\n')
        r->i++;
      if (r->i >= r->n || r->p[r->i] != ']') return BAD("a '[' is not closed");
    }
    r->i++;
  }
  if (r->i == s) return BAD("unexpected '%c'", c);
  v->p = r->p + s;
  v->len = r->i - s;
  v->kind = v->len == 3 && !strncasecmp(v->p, "NIL", 3) ? RP_IMAP_NIL : RP_IMAP_ATOM;
  return 0;
}

static bool name_is(const char *p, size_t n, const char *w) {
  return strlen(w) == n && !strncasecmp(p, w, n);
}

int rp_imap_parse(rp_imap_response **out, size_t *n, const char **status, const char **status_text,
                  rp_arena *ar, const char *p, size_t len) {
  *out = NULL;
  *n = 0;
  *status = *status_text = NULL;
  size_t cap = 0;
  rd r = {p, len, 0, ar, 0};
  while (r.i < r.n) {
    if (r.p[r.i] == '\r' || r.p[r.i] == '\n' || r.p[r.i] == '+') {
      skip_line(&r);
      continue;
    }
    if (r.p[r.i] != '*') { /* tagged: "tag SP status SP text" */
      size_t s = r.i;
      while (r.i < r.n && r.p[r.i] != ' ' && !at_eol(&r))
        r.i++;
      if (r.i == s || at_eol(&r)) return BAD("a line is neither a response nor a completion");
      r.i++;
      s = r.i;
      while (!at_eol(&r) && r.p[r.i] != ' ')
        r.i++;
      *status = rp_arena_strndup(ar, r.p + s, r.i - s);
      if (!at_eol(&r)) r.i++;
      s = r.i;
      while (!at_eol(&r))
        r.i++;
      *status_text = rp_arena_strndup(ar, r.p + s, r.i - s);
      skip_line(&r);
      continue;
    }
    if (r.i + 1 >= r.n || r.p[r.i + 1] != ' ') return BAD("'*' is not followed by a space");
    r.i += 2;
    rp_imap_response *res = RP_ARENA_PUSH(ar, *out, n, &cap, 16);
    memset(res, 0, sizeof *res);
    size_t s = r.i;
    while (!at_eol(&r) && r.p[r.i] != ' ')
      r.i++;
    if (r.i == s) return BAD("an untagged response without a name");
    bool numeric = true;
    uint64_t num = 0;
    for (size_t k = s; k < r.i; k++) {
      if (r.p[k] < '0' || r.p[k] > '9' || num > 0xFFFFFFFFu)
        numeric = false;
      else
        num = num * 10 + (uint64_t)(r.p[k] - '0');
    }
    if (numeric && num <= 0xFFFFFFFFu) {
      res->number = (uint32_t)num;
      if (at_eol(&r)) return BAD("a number without a response name");
      r.i++;
      s = r.i;
      while (!at_eol(&r) && r.p[r.i] != ' ')
        r.i++;
      if (r.i == s) return BAD("a number without a response name");
    }
    res->name = r.p + s;
    res->name_len = r.i - s;
    static const char *const text_names[] = {"OK",      "NO",         "BAD",     "BYE",
                                             "PREAUTH", "CAPABILITY", "ENABLED", NULL};
    bool text = false;
    for (int k = 0; text_names[k]; k++)
      text |= name_is(res->name, res->name_len, text_names[k]);
    if (text) {
      if (!at_eol(&r)) r.i++;
      s = r.i;
      while (!at_eol(&r))
        r.i++;
      res->text = r.p + s;
      res->text_len = r.i - s;
      skip_line(&r);
      continue;
    }
    size_t acap = 0;
    for (;;) {
      while (r.i < r.n && r.p[r.i] == ' ')
        r.i++;
      if (at_eol(&r)) break;
      rp_imap_value *v = RP_ARENA_PUSH(ar, res->args, &res->n_args, &acap, 4);
      int rc = read_value(&r, v, 0);
      if (rc) return rc;
    }
    skip_line(&r);
  }
  return 0;
}

/* ---- the session ---- */

struct rp_imap {
  CURL *c;
  char base[URL_MAX + 2];
  rp_sb resp;
  bool too_big;
  char errbuf[CURL_ERROR_SIZE];
  char user[128];
};

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud) {
  rp_imap *im = ud;
  size_t n = size * nmemb;
  if (im->resp.len + n > RP_IMAP_RESPONSE_MAX) {
    im->too_big = true;
    return 0;
  }
  rp_sb_append(&im->resp, p, n);
  return n;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud) {
  (void)p;
  (void)ud;
  return size * nmemb;
}

/* scheme://authority/ of the configured URL, checked. */
static int base_url(char *out, size_t cap, const char *u) {
  size_t n = u ? strlen(u) : 0;
  size_t skip = u && !strncasecmp(u, "imap://", 7)    ? 7
                : u && !strncasecmp(u, "imaps://", 8) ? 8
                                                      : 0;
  if (!skip)
    return rp_error_set(RP_EINVALID_VALUE, "imap.url",
                        "must be imap://host:port (STARTTLS when offered) or imaps://host:port");
  if (n > URL_MAX)
    return rp_error_set(RP_EINVALID_VALUE, "imap.url", "too long (at most %d bytes)", URL_MAX);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, "imap.url", "may not hold spaces or non-ASCII");
  const char *slash = strchr(u + skip, '/');
  size_t end = slash ? (size_t)(slash - u) : n;
  if (end == skip) return rp_error_set(RP_EINVALID_VALUE, "imap.url", "names no host");
  snprintf(out, cap, "%.*s/", (int)end, u);
  return 0;
}

/* Runs one command; its untagged responses into *res (may be NULL).
 * Failures are RP_EINTERNAL with the server's or libcurl's words. */
static int command(rp_imap *im, rp_arena *ar, const char *cmd, rp_imap_response **res, size_t *n) {
  rp_sb_reset(&im->resp);
  im->too_big = false;
  im->errbuf[0] = '\0';
  curl_easy_setopt(im->c, CURLOPT_CUSTOMREQUEST, cmd);
  CURLcode cc = curl_easy_perform(im->c);
  rp_imap_response *r = NULL;
  size_t nr = 0;
  const char *status = NULL, *text = NULL;
  int prc = rp_imap_parse(&r, &nr, &status, &text, ar, rp_sb_str(&im->resp), im->resp.len);
  char verb[24];
  snprintf(verb, sizeof verb, "%.*s", (int)strcspn(cmd, " "), cmd);
  if (cc == CURLE_LOGIN_DENIED)
    return rp_error_set(RP_EINTERNAL, NULL, "the IMAP server refused the login of %s%s%.200s",
                        im->user, text ? ": " : "", text ? text : "");
  if (im->too_big)
    return rp_error_set(RP_EINTERNAL, NULL, "the IMAP server's answer to %s is over %d bytes", verb,
                        RP_IMAP_RESPONSE_MAX);
  if (cc != CURLE_OK && status && strcasecmp(status, "OK"))
    return rp_error_set(RP_EINTERNAL, NULL, "the IMAP server refused %s: %s %.200s", verb, status,
                        text ? text : "");
  if (cc != CURLE_OK)
    return rp_error_set(RP_EINTERNAL, NULL, "no answer from the IMAP server: %.200s",
                        im->errbuf[0] ? im->errbuf : curl_easy_strerror(cc));
  if (prc)
    return rp_error_set(RP_EINTERNAL, NULL, "the IMAP server's answer to %s is unreadable: %s",
                        verb, rp_error_last()->message);
  if (res) {
    *res = r;
    *n = nr;
  }
  return 0;
}

void rp_imap_close(rp_imap *im) {
  if (!im) return;
  curl_easy_cleanup(im->c);
  rp_sb_free(&im->resp);
  free(im);
}

int rp_imap_open(rp_imap **out, const rp_imap_config *cfg) {
  *out = NULL;
  char base[URL_MAX + 2];
  int rc = base_url(base, sizeof base, cfg->url);
  if (rc) return rc;
  if (!cfg->username || !*cfg->username)
    return rp_error_set(RP_EINVALID_VALUE, "imap.username", "is required");
  rp_channel_global_init();
  rp_imap *im = rp_xcalloc(1, sizeof *im);
  memcpy(im->base, base, sizeof base);
  snprintf(im->user, sizeof im->user, "%s", cfg->username);
  im->c = curl_easy_init();
  if (!im->c) {
    free(im);
    return rp_error_set(RP_EINTERNAL, NULL, "could not start an IMAP session");
  }
  CURL *c = im->c;
  curl_easy_setopt(c, CURLOPT_URL, im->base);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!strncasecmp(im->base, "imap://", 7))
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
  if (cfg->ca_file && *cfg->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
  curl_easy_setopt(c, CURLOPT_USERNAME, cfg->username);
  curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, im);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, im->errbuf);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000L);
  rp_arena ar = {0};
  rc = command(im, &ar, "NOOP", NULL, NULL);
  rp_arena_free(&ar);
  if (rc) {
    rp_imap_close(im);
    return rc;
  }
  *out = im;
  return 0;
}

/* A folder name as an IMAP quoted string into sb; false when it cannot be
 * one (control or 8-bit bytes, too long). */
static bool quote_folder(rp_sb *sb, const char *name, size_t n) {
  if (n == 0 || n > FOLDER_MAX) return false;
  rp_sb_putc(sb, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c < 0x20 || c >= 0x7F) return false;
    if (c == '"' || c == '\\') rp_sb_putc(sb, '\\');
    rp_sb_putc(sb, (char)c);
  }
  rp_sb_putc(sb, '"');
  return true;
}

static bool value_is(const rp_imap_value *v, const char *w) {
  return (v->kind == RP_IMAP_ATOM || v->kind == RP_IMAP_STRING) && name_is(v->p, v->len, w);
}

int rp_imap_find_sent(rp_imap *im, rp_arena *ar, const char **out) {
  static const char *const names[] = {
      "Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "INBOX.Sent", "INBOX/Sent", NULL};
  *out = NULL;
  rp_imap_response *r;
  size_t n;
  int rc = command(im, ar, "LIST \"\" \"*\"", &r, &n);
  if (rc) return rc;
  int best = -1;
  for (size_t i = 0; i < n; i++) {
    if (!name_is(r[i].name, r[i].name_len, "LIST") || r[i].n_args < 3) continue;
    const rp_imap_value *flags = &r[i].args[0], *name = &r[i].args[2];
    if (flags->kind != RP_IMAP_LIST || (name->kind != RP_IMAP_ATOM && name->kind != RP_IMAP_STRING))
      continue;
    rp_sb probe = {0};
    bool ok = quote_folder(&probe, name->p, name->len);
    rp_sb_free(&probe);
    if (!ok) continue;
    bool noselect = false, sent = false;
    for (size_t k = 0; k < flags->n; k++) {
      noselect |=
          value_is(&flags->items[k], "\\Noselect") || value_is(&flags->items[k], "\\NonExistent");
      sent |= value_is(&flags->items[k], "\\Sent");
    }
    if (noselect) continue;
    if (sent) {
      *out = rp_arena_strndup(ar, name->p, name->len);
      return 0;
    }
    for (int k = 0; names[k] && (best < 0 || k < best); k++)
      if (name_is(name->p, name->len, names[k])) {
        best = k;
        *out = rp_arena_strndup(ar, name->p, name->len);
      }
  }
  return 0;
}

/* The number after "[KEY " in a status text, 0 when absent. */
static uint32_t code_number(const char *t, size_t n, const char *key) {
  size_t kl = strlen(key);
  for (size_t i = 0; i + kl + 2 < n; i++)
    if (t[i] == '[' && !strncasecmp(t + i + 1, key, kl) && t[i + 1 + kl] == ' ') {
      uint64_t v = 0;
      for (size_t k = i + kl + 2; k < n && t[k] >= '0' && t[k] <= '9' && v <= 0xFFFFFFFFu; k++)
        v = v * 10 + (uint64_t)(t[k] - '0');
      return v <= 0xFFFFFFFFu ? (uint32_t)v : 0;
    }
  return 0;
}

int rp_imap_examine(rp_imap *im, const char *folder, rp_imap_folder *out) {
  memset(out, 0, sizeof *out);
  rp_sb cmd = {0};
  rp_sb_puts(&cmd, "EXAMINE ");
  if (!quote_folder(&cmd, folder, strlen(folder))) {
    rp_sb_free(&cmd);
    return rp_error_set(RP_EINVALID_VALUE, "folder", "'%.64s' cannot be named in IMAP", folder);
  }
  rp_arena ar = {0};
  rp_imap_response *r;
  size_t n;
  int rc = command(im, &ar, rp_sb_str(&cmd), &r, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    if (name_is(r[i].name, r[i].name_len, "OK")) {
      uint32_t v = code_number(r[i].text, r[i].text_len, "UIDVALIDITY");
      if (v) out->uidvalidity = v;
      v = code_number(r[i].text, r[i].text_len, "UIDNEXT");
      if (v) out->uidnext = v;
    } else if (name_is(r[i].name, r[i].name_len, "EXISTS")) {
      out->exists = r[i].number;
    }
  }
  rp_arena_free(&ar);
  rp_sb_free(&cmd);
  return rc;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

int rp_imap_search(rp_imap *im, rp_arena *ar, uint32_t after_uid, rp_time since, size_t max,
                   uint32_t **uids, size_t *n, bool *more) {
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  *uids = NULL;
  *n = 0;
  *more = false;
  if (after_uid == 0xFFFFFFFFu) return 0;
  char cmd[96];
  int k = snprintf(cmd, sizeof cmd, "UID SEARCH UID %u:*", after_uid + 1);
  if (since > 0) {
    int64_t y;
    unsigned m, d;
    rp_civil_from_days(since / 86400, &y, &m, &d);
    snprintf(cmd + k, sizeof cmd - (size_t)k, " SINCE %u-%s-%lld", d, mon[m - 1], (long long)y);
  }
  rp_arena tmp = {0};
  rp_imap_response *r;
  size_t nr;
  int rc = command(im, &tmp, cmd, &r, &nr);
  size_t count = 0, cap = 0;
  uint32_t *all = NULL;
  for (size_t i = 0; !rc && i < nr; i++) {
    if (!name_is(r[i].name, r[i].name_len, "SEARCH")) continue;
    for (size_t j = 0; j < r[i].n_args; j++) {
      const rp_imap_value *v = &r[i].args[j];
      if (v->kind != RP_IMAP_ATOM) continue;
      uint64_t u = 0;
      size_t q = 0;
      while (q < v->len && v->p[q] >= '0' && v->p[q] <= '9' && u <= 0xFFFFFFFFu)
        u = u * 10 + (uint64_t)(v->p[q++] - '0');
      /* "n:*" includes the highest UID even when it is below n */
      if (q != v->len || u > 0xFFFFFFFFu || u <= after_uid) continue;
      *RP_ARENA_PUSH(&tmp, all, &count, &cap, 64) = (uint32_t)u;
    }
  }
  if (!rc && count) {
    qsort(all, count, sizeof *all, cmp_u32);
    size_t keep = count > max ? max : count;
    *more = count > max;
    *uids = rp_arena_alloc(ar, keep * sizeof **uids);
    memcpy(*uids, all, keep * sizeof **uids);
    *n = keep;
  }
  rp_arena_free(&tmp);
  return rc;
}

int rp_imap_fetch(rp_imap *im, rp_arena *ar, const uint32_t *uids, size_t n_uids,
                  rp_imap_message **out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (n_uids == 0) return 0;
  if (n_uids > 100) return rp_error_set(RP_EINVALID_VALUE, "uids", "at most 100 at a time");
  rp_sb cmd = {0};
  rp_sb_puts(&cmd, "UID FETCH ");
  for (size_t i = 0; i < n_uids; i++)
    rp_sb_printf(&cmd, "%s%u", i ? "," : "", uids[i]);
  rp_sb_printf(&cmd,
               " (UID BODY.PEEK[HEADER.FIELDS (FROM TO CC DATE MESSAGE-ID SUBJECT "
               "CONTENT-TYPE CONTENT-TRANSFER-ENCODING)] BODY.PEEK[TEXT]<0.%d>)",
               RP_IMAP_TEXT_FETCH);
  rp_imap_response *r;
  size_t nr, cap = 0;
  int rc = command(im, ar, rp_sb_str(&cmd), &r, &nr);
  rp_sb_free(&cmd);
  if (rc) return rc;
  for (size_t i = 0; i < nr; i++) {
    if (!name_is(r[i].name, r[i].name_len, "FETCH") || r[i].n_args != 1 ||
        r[i].args[0].kind != RP_IMAP_LIST)
      continue;
    const rp_imap_value *l = &r[i].args[0];
    rp_imap_message m = {0};
    bool has_header = false;
    for (size_t k = 0; k + 1 < l->n; k += 2) {
      const rp_imap_value *key = &l->items[k], *val = &l->items[k + 1];
      if (key->kind != RP_IMAP_ATOM) continue;
      if (name_is(key->p, key->len, "UID") && val->kind == RP_IMAP_ATOM) {
        uint64_t u = 0;
        for (size_t q = 0; q < val->len && val->p[q] >= '0' && val->p[q] <= '9' && u <= 0xFFFFFFFFu;
             q++)
          u = u * 10 + (uint64_t)(val->p[q] - '0');
        m.uid = u <= 0xFFFFFFFFu ? (uint32_t)u : 0;
      } else if (key->len > 11 && !strncasecmp(key->p, "BODY[HEADER", 11) &&
                 val->kind == RP_IMAP_STRING) {
        m.header = val->p;
        m.header_len = val->len;
        has_header = true;
      } else if (key->len >= 10 && !strncasecmp(key->p, "BODY[TEXT]", 10) &&
                 val->kind == RP_IMAP_STRING) {
        m.text = val->p;
        m.text_len = val->len;
      }
    }
    if (!m.uid || !has_header) continue; /* a flags update, not our answer */
    bool asked = false;
    for (size_t q = 0; q < n_uids && !asked; q++)
      asked = uids[q] == m.uid;
    if (!asked) continue;
    if (!m.text) m.text = "";
    *RP_ARENA_PUSH(ar, *out, n, &cap, 16) = m;
  }
  return 0;
}
