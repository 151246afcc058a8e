/* smtp.c: one email over SMTP with libcurl. See smtp.h. The server's reply
 * lines reach us through libcurl's header callback (libcurl hands every
 * SMTP response line to it), which is how a refusal keeps its words. */
#include "channels/smtp.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/clock.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/uuid.h"

#define URL_MAX 1024
#define REPLY_MAX 256

static int refuse(rp_smtp_result *out, int rc) {
  const rp_error *e = rp_error_last();
  if (e->field[0])
    rp_send_fail(out, RP_SEND_PERMANENT, 0, "%s: %s", e->field, e->message);
  else
    rp_send_fail(out, RP_SEND_PERMANENT, 0, "%s", e->message);
  return rc;
}

static int check_url(const char *u) {
  size_t n = u ? strlen(u) : 0;
  if (!u || !(strncasecmp(u, "smtp://", 7) == 0 || strncasecmp(u, "smtps://", 8) == 0))
    return rp_error_set(RP_EINVALID_VALUE, "smtp.url",
                        "must be smtp://host:port (STARTTLS) or smtps://host:port (TLS)");
  if (n > URL_MAX)
    return rp_error_set(RP_EINVALID_VALUE, "smtp.url", "too long (at most %d bytes)", URL_MAX);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, "smtp.url", "may not hold spaces or non-ASCII");
  return 0;
}

/* The server's replies as libcurl passes them on: the last one, and the
 * refusal (4xx/5xx) in force. A later success clears the refusal (libcurl
 * gets past some, such as EHLO refused then HELO), but not the 221 answer
 * to the QUIT that libcurl sends after a refusal. */
typedef struct replies {
  int code;             /* of the last reply line, 0 before any */
  char last[REPLY_MAX]; /* the last reply line, without CRLF */
  int err_code;         /* the refusal in force, 0 when none */
  char err[REPLY_MAX];
} replies;

static size_t on_reply(char *p, size_t size, size_t nmemb, void *ud) {
  replies *r = ud;
  size_t n = size * nmemb, k = n;
  while (k > 0 && (p[k - 1] == '\r' || p[k - 1] == '\n'))
    k--;
  if (k >= 3 && p[0] >= '1' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
      p[2] <= '9' && (k == 3 || p[3] == ' ' || p[3] == '-')) {
    r->code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    if (k >= REPLY_MAX) k = REPLY_MAX - 1;
    memcpy(r->last, p, k);
    r->last[k] = '\0';
    if (r->code >= 400) {
      r->err_code = r->code;
      memcpy(r->err, r->last, k + 1);
    } else if (r->code != 221) {
      r->err_code = 0;
    }
  }
  return n;
}

typedef struct upload {
  const char *p;
  size_t len, off;
} upload;

static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud) {
  upload *u = ud;
  size_t n = size * nmemb, left = u->len - u->off;
  if (n > left) n = left;
  memcpy(buf, u->p + u->off, n);
  u->off += n;
  return n;
}

int rp_smtp_send(rp_smtp_result *out, const rp_smtp_config *cfg, const rp_mail *m) {
  memset(out, 0, sizeof *out);
  rp_mail e = *m;
  char from[256], to[256], msgid[RP_MIME_MSGID_MAX + 1];
  int rc;

  if ((rc = check_url(cfg->url)) != 0) return refuse(out, rc);
  if (!e.from || !*e.from) e.from = cfg->from;
  if ((rc = rp_mime_address(from, sizeof from, "from", e.from)) != 0) return refuse(out, rc);
  if ((rc = rp_mime_address(to, sizeof to, "to", e.to)) != 0) return refuse(out, rc);
  if (e.date == 0) e.date = rp_clock_now();
  if (!e.message_id || !*e.message_id) {
    char id[RP_ID_LEN];
    if (sodium_init() < 0) {
      rp_send_fail(out, RP_SEND_RETRY, 0, "libsodium failed to initialise");
      return 0;
    }
    rp_uuid_v7(id);
    snprintf(msgid, sizeof msgid, "%s@%s", id, strchr(from, '@') + 1);
    e.message_id = msgid;
  }

  rp_sb msg = {0};
  if ((rc = rp_mime_build(&msg, &e)) != 0) {
    rp_sb_free(&msg);
    return refuse(out, rc);
  }
  /* the Message-ID as written, without <> */
  const char *mid = strstr(rp_sb_str(&msg), "\r\nMessage-ID: <") + 15;
  int mid_len = (int)(strchr(mid, '>') - mid);

  rp_channel_global_init();
  CURL *c = curl_easy_init();
  struct curl_slist *rcpt = NULL;
  char errbuf[CURL_ERROR_SIZE] = "", env_from[260], env_to[260];
  replies rep = {0};
  upload up = {rp_sb_str(&msg), msg.len, 0};
  if (!c) {
    rp_send_fail(out, RP_SEND_RETRY, 0, "could not start an SMTP session");
    goto cleanup;
  }
  snprintf(env_from, sizeof env_from, "<%s>", from);
  snprintf(env_to, sizeof env_to, "<%s>", to);
  rcpt = curl_slist_append(rcpt, env_to);

  curl_easy_setopt(c, CURLOPT_URL, cfg->url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (strncasecmp(cfg->url, "smtp://", 7) == 0)
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
  if (cfg->ca_file && *cfg->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
  if (cfg->username && *cfg->username) {
    curl_easy_setopt(c, CURLOPT_USERNAME, cfg->username);
    curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, env_from);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_reply);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &rep);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000L);

  CURLcode cc = curl_easy_perform(c);
  if (cc == CURLE_OK) {
    out->status = RP_SEND_SENT;
    out->code = rep.code;
    snprintf(out->reason, sizeof out->reason, "%s", rep.last);
    snprintf(out->provider_id, sizeof out->provider_id, "%.*s", mid_len, mid);
  } else if (rep.err_code >= 500) {
    rp_send_fail(out, RP_SEND_PERMANENT, rep.err_code, "the mail server refused: %s", rep.err);
  } else if (rep.err_code >= 400) {
    rp_send_fail(out, RP_SEND_RETRY, rep.err_code, "the mail server deferred: %s", rep.err);
  } else if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL) {
    rp_send_fail(out, RP_SEND_PERMANENT, 0, "smtp.url: %s",
                 errbuf[0] ? errbuf : curl_easy_strerror(cc));
  } else {
    rp_send_fail(out, RP_SEND_RETRY, 0, "no answer from the mail server: %s",
                 errbuf[0] ? errbuf : curl_easy_strerror(cc));
  }

cleanup:
  /* QUIT happens in the cleanup: its reply must not land in rep any more */
  if (c) curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, NULL);
  curl_easy_cleanup(c);
  curl_slist_free_all(rcpt);
  rp_sb_free(&msg);
  return 0;
}
