/* sms.c: the Twilio-shaped SMS client, the webhook signature and the
 * opt-out keywords. See sms.h. */
#include "channels/sms.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"
#include "util/mem.h"
#include "util/sha1.h"
#include "util/strbuf.h"
#include "util/text.h"

#define FIELD_MAX 64         /* to, from */
#define KEY_MAX 128          /* idempotency key */
#define TOKEN_MAX 256        /* auth token */
#define URL_MAX 1024         /* base_url */
#define PROVIDER_MSG_MAX 300 /* bytes of the provider's message kept in a reason */

/* ---- signature ---- */

static void base64_std(char *out, const unsigned char *in, size_t n) {
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0, i = 0;
  for (; i + 2 < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    out[o++] = b64[v >> 18];
    out[o++] = b64[(v >> 12) & 63];
    out[o++] = b64[(v >> 6) & 63];
    out[o++] = b64[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    out[o++] = b64[v >> 18];
    out[o++] = b64[(v >> 12) & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
    out[o++] = b64[v >> 18];
    out[o++] = b64[(v >> 12) & 63];
    out[o++] = b64[(v >> 6) & 63];
    out[o++] = '=';
  }
  out[o] = '\0';
}

static const char *nz(const char *s) { return s ? s : ""; }

static int kv_cmp(const void *a, const void *b) {
  const rp_kv *x = *(const rp_kv *const *)a, *y = *(const rp_kv *const *)b;
  int c = strcmp(nz(x->name), nz(y->name));
  return c ? c : strcmp(nz(x->value), nz(y->value));
}

void rp_sms_signature(char out[RP_SMS_SIGNATURE_LEN + 1], const char *auth_token, const char *url,
                      const rp_kv *params, size_t n) {
  const rp_kv **sorted = n ? rp_xmalloc(n * sizeof *sorted) : NULL;
  for (size_t i = 0; i < n; i++)
    sorted[i] = &params[i];
  if (n > 1) qsort(sorted, n, sizeof *sorted, kv_cmp);
  rp_hmac_sha1_ctx h;
  rp_hmac_sha1_init(&h, nz(auth_token), strlen(nz(auth_token)));
  rp_hmac_sha1_update(&h, nz(url), strlen(nz(url)));
  for (size_t i = 0; i < n; i++) {
    rp_hmac_sha1_update(&h, nz(sorted[i]->name), strlen(nz(sorted[i]->name)));
    rp_hmac_sha1_update(&h, nz(sorted[i]->value), strlen(nz(sorted[i]->value)));
  }
  unsigned char mac[RP_SHA1_LEN];
  rp_hmac_sha1_final(&h, mac);
  base64_std(out, mac, sizeof mac);
  free(sorted);
}

bool rp_sms_signature_valid(const char *auth_token, const char *url, const rp_kv *params, size_t n,
                            const char *signature_b64) {
  if (!auth_token || !*auth_token || !url || !signature_b64) return false;
  if (strlen(signature_b64) != RP_SMS_SIGNATURE_LEN) return false;
  char want[RP_SMS_SIGNATURE_LEN + 1];
  rp_sms_signature(want, auth_token, url, params, n);
  return sodium_memcmp(want, signature_b64, RP_SMS_SIGNATURE_LEN) == 0;
}

/* ---- keywords ---- */

static bool trim_byte(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
         (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

rp_sms_keyword rp_sms_keyword_of(const char *body, size_t len) {
  static const struct {
    const char *word;
    rp_sms_keyword kw;
  } words[] = {
      {"STOP", RP_SMS_KEYWORD_OPT_OUT},        {"STOPALL", RP_SMS_KEYWORD_OPT_OUT},
      {"UNSUBSCRIBE", RP_SMS_KEYWORD_OPT_OUT}, {"CANCEL", RP_SMS_KEYWORD_OPT_OUT},
      {"END", RP_SMS_KEYWORD_OPT_OUT},         {"QUIT", RP_SMS_KEYWORD_OPT_OUT},
      {"START", RP_SMS_KEYWORD_OPT_IN},        {"UNSTOP", RP_SMS_KEYWORD_OPT_IN},
  };
  if (!body) return RP_SMS_KEYWORD_NONE;
  while (len && trim_byte((unsigned char)body[0])) {
    body++;
    len--;
  }
  while (len && trim_byte((unsigned char)body[len - 1]))
    len--;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].word) == len && strncasecmp(body, words[i].word, len) == 0)
      return words[i].kw;
  return RP_SMS_KEYWORD_NONE;
}

/* ---- sending ---- */

/* Refuses the call before any request: out is permanent with the reason. */
static int refuse(rp_sms_result *out, const char *field, const char *why) {
  rp_error_set(RP_EINVALID_VALUE, field, "%s", why);
  rp_send_fail(out, RP_SEND_PERMANENT, 0, "%s: %s", field, why);
  return RP_EINVALID_VALUE;
}

/* Printable ASCII without spaces, 1..max bytes. */
static bool token_ok(const char *s, size_t max) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > max) return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) return false;
  return true;
}

static size_t utf8_chars(const char *p, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)p[i] & 0xc0) != 0x80) c++;
  return c;
}

static int check_args(rp_sms_result *out, const rp_sms_config *cfg, const char *to,
                      const char *body, const char *key) {
  const char *u = cfg->base_url;
  if (!u || !(strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0))
    return refuse(out, "sms.base_url", "must be an http:// or https:// URL");
  if (!token_ok(u, URL_MAX)) return refuse(out, "sms.base_url", "not a valid URL");
  const char *sid = cfg->account_sid;
  size_t sl = sid ? strlen(sid) : 0;
  if (sl == 0 || sl > FIELD_MAX)
    return refuse(out, "sms.account_sid", "required (1 to 64 letters and digits)");
  for (size_t i = 0; i < sl; i++)
    if (!((sid[i] >= '0' && sid[i] <= '9') || (sid[i] >= 'a' && sid[i] <= 'z') ||
          (sid[i] >= 'A' && sid[i] <= 'Z')))
      return refuse(out, "sms.account_sid", "may hold only letters and digits");
  if (!token_ok(cfg->auth_token, TOKEN_MAX))
    return refuse(out, "sms.auth_token", "required (printable ASCII without spaces)");
  if (!token_ok(cfg->from, FIELD_MAX))
    return refuse(out, "sms.from", "required (a phone number or sender id without spaces)");
  if (!token_ok(to, FIELD_MAX))
    return refuse(out, "to", "required (a phone number without spaces)");
  size_t bl = body ? strlen(body) : 0;
  if (bl == 0) return refuse(out, "body", "an SMS needs a body");
  if (!rp_utf8_valid(body, bl)) return refuse(out, "body", "not valid UTF-8");
  if (bl > 4 * RP_SMS_BODY_MAX || utf8_chars(body, bl) > RP_SMS_BODY_MAX)
    return refuse(out, "body", "longer than 1600 characters");
  if (key && !token_ok(key, KEY_MAX))
    return refuse(out, "idempotency_key", "1 to 128 printable ASCII characters without spaces");
  return 0;
}

typedef struct answer {
  rp_sb sb;
  bool too_big;
} answer;

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud) {
  answer *a = ud;
  size_t n = size * nmemb;
  if (a->sb.len + n > RP_SMS_ANSWER_MAX) {
    a->too_big = true;
    return 0; /* aborts the transfer */
  }
  rp_sb_append(&a->sb, p, n);
  return n;
}

static void form_field(rp_sb *form, CURL *c, const char *name, const char *value) {
  char *e = curl_easy_escape(c, value, (int)strlen(value));
  if (!e) {
    fprintf(stderr, "rapport: out of memory\n");
    abort();
  }
  if (form->len) rp_sb_putc(form, '&');
  rp_sb_printf(form, "%s=%s", name, e);
  curl_free(e);
}

/* The sid of a 2xx answer, or false. */
static bool answer_sid(char *out, size_t cap, const char *p, size_t n) {
  json_t *j = json_loadb(p, n, 0, NULL);
  const char *sid = j ? json_string_value(json_object_get(j, "sid")) : NULL;
  bool ok = sid && token_ok(sid, cap - 1);
  if (ok) snprintf(out, cap, "%s", sid);
  json_decref(j);
  return ok;
}

/* "HTTP 400: <message> (code 21211)" from a failure answer. */
static void failure_reason(rp_sms_result *out, rp_send_status st, long http, const char *p,
                           size_t n) {
  json_t *j = json_loadb(p, n, 0, NULL);
  const char *msg = j ? json_string_value(json_object_get(j, "message")) : NULL;
  json_t *code = j ? json_object_get(j, "code") : NULL;
  char codebuf[48] = "";
  if (json_is_integer(code))
    snprintf(codebuf, sizeof codebuf, " (code %lld)", (long long)json_integer_value(code));
  else if (json_is_string(code) && token_ok(json_string_value(code), 32))
    snprintf(codebuf, sizeof codebuf, " (code %s)", json_string_value(code));
  if (msg && *msg)
    rp_send_fail(out, st, (int)http, "HTTP %ld: %.*s%s", http, PROVIDER_MSG_MAX, msg, codebuf);
  else
    rp_send_fail(out, st, (int)http, "HTTP %ld%s", http, codebuf);
  json_decref(j);
}

int rp_sms_send(rp_sms_result *out, const rp_sms_config *cfg, const char *to, const char *body,
                const char *idempotency_key) {
  memset(out, 0, sizeof *out);
  int rc = check_args(out, cfg, to, body, idempotency_key);
  if (rc) return rc;
  rp_channel_global_init();

  CURL *c = curl_easy_init();
  rp_sb url = {0}, form = {0};
  answer ans = {0};
  struct curl_slist *hdrs = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  if (!c) {
    rp_send_fail(out, RP_SEND_RETRY, 0, "could not start an HTTP request");
    goto cleanup;
  }
  size_t bl = strlen(cfg->base_url);
  while (bl > 0 && cfg->base_url[bl - 1] == '/')
    bl--;
  rp_sb_append(&url, cfg->base_url, bl);
  rp_sb_printf(&url, "/2010-04-01/Accounts/%s/Messages.json", cfg->account_sid);
  form_field(&form, c, "To", to);
  form_field(&form, c, "From", cfg->from);
  form_field(&form, c, "Body", body);

  hdrs = curl_slist_append(hdrs, "Accept: application/json");
  hdrs = curl_slist_append(hdrs, "Expect:");
  if (idempotency_key) {
    char h[KEY_MAX + 32];
    snprintf(h, sizeof h, "Idempotency-Key: %s", idempotency_key);
    hdrs = curl_slist_append(hdrs, h);
  }
  curl_easy_setopt(c, CURLOPT_URL, rp_sb_str(&url));
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (cfg->ca_file && *cfg->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "rapport");
  curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
  curl_easy_setopt(c, CURLOPT_USERNAME, cfg->account_sid);
  curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->auth_token);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, rp_sb_str(&form));
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)form.len);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 5000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 15000L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ans);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

  CURLcode cc = curl_easy_perform(c);
  long http = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
  if (cc != CURLE_OK) {
    if (ans.too_big)
      rp_send_fail(out, RP_SEND_RETRY, (int)http, "the provider's answer is larger than %d bytes",
                   RP_SMS_ANSWER_MAX);
    else if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL)
      rp_send_fail(out, RP_SEND_PERMANENT, 0, "sms.base_url: %s",
                   errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else
      rp_send_fail(out, RP_SEND_RETRY, 0, "no answer from the SMS provider: %s",
                   errbuf[0] ? errbuf : curl_easy_strerror(cc));
    goto cleanup;
  }
  if (http >= 200 && http < 300) {
    if (answer_sid(out->provider_id, sizeof out->provider_id, rp_sb_str(&ans.sb), ans.sb.len)) {
      out->status = RP_SEND_SENT;
      out->code = (int)http;
    } else {
      rp_send_fail(out, RP_SEND_RETRY, (int)http, "HTTP %ld without a message sid", http);
    }
  } else if (http == 408 || http == 429 || http >= 500) {
    failure_reason(out, RP_SEND_RETRY, http, rp_sb_str(&ans.sb), ans.sb.len);
  } else {
    failure_reason(out, RP_SEND_PERMANENT, http, rp_sb_str(&ans.sb), ans.sb.len);
  }

cleanup:
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(c);
  rp_sb_free(&url);
  rp_sb_free(&form);
  rp_sb_free(&ans.sb);
  return 0;
}
