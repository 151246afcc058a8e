/* static.c: serves the web UI's built files (static.h, issue 7). The
 * request path is checked segment by segment, then the file's real path
 * must lie inside the real web directory, so neither "..", an encoded
 * traversal (MHD decodes %2e%2e before we see it) nor a symlink leads out. */
#include "http/static.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"

static char web_dir[PATH_MAX];
static pthread_once_t dir_once = PTHREAD_ONCE_INIT;
static bool dir_set;

/* The default directory: <binary's dir>/../web/dist, else ./web/dist. */
static void default_dir(void) {
  if (dir_set) return;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      char cand[PATH_MAX];
      int w = snprintf(cand, sizeof cand, "%s/../web/dist", exe);
      struct stat st;
      if (w > 0 && (size_t)w < sizeof cand && stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(web_dir, sizeof web_dir, "%s", cand);
        return;
      }
    }
  }
  snprintf(web_dir, sizeof web_dir, "web/dist");
}

void rp_static_set_dir(const char *dir) {
  if (dir && *dir) {
    snprintf(web_dir, sizeof web_dir, "%s", dir);
    dir_set = true;
  }
}

const char *rp_static_dir(void) {
  pthread_once(&dir_once, default_dir);
  return web_dir;
}

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

bool rp_static_claims(const char *method, const char *path) {
  if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) return false;
  if (!path || path[0] != '/') return false;
  if (has_prefix(path, "/api/") || strcmp(path, "/api") == 0) return false;
  if (has_prefix(path, "/capture/") || has_prefix(path, "/unsubscribe/")) return false;
  if (strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0) return false;
  return true;
}

static const struct {
  const char *ext, *type;
  bool text;
} types[] = {
    {"html", "text/html; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"svg", "image/svg+xml", true},
    {"json", "application/json; charset=utf-8", true},
    {"webmanifest", "application/manifest+json", true},
    {"map", "application/json; charset=utf-8", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"png", "image/png", false},
    {"ico", "image/x-icon", false},
    {"woff2", "font/woff2", false},
};

/* The content type of a file name, and whether it is text (compressible). */
static const char *content_type(const char *name, bool *text) {
  const char *dot = strrchr(name, '.');
  const char *slash = strrchr(name, '/');
  *text = false;
  if (dot && (!slash || dot > slash))
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strcasecmp(dot + 1, types[i].ext) == 0) {
        *text = types[i].text;
        return types[i].type;
      }
  return "application/octet-stream";
}

/* True when Accept-Encoding lists gzip (or *) without q=0. */
static bool accepts_gzip(const char *ae) {
  if (!ae) return false;
  const char *p = ae;
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *tok = p;
    while (*p && *p != ',' && *p != ';' && *p != ' ')
      p++;
    size_t n = (size_t)(p - tok);
    bool match = (n == 4 && strncasecmp(tok, "gzip", 4) == 0) || (n == 1 && *tok == '*');
    bool zero = false;
    while (*p && *p != ',') {
      if (*p == 'q' || *p == 'Q') {
        const char *q = p + 1;
        while (*q == ' ')
          q++;
        if (*q == '=') {
          q++;
          while (*q == ' ')
            q++;
          zero = q[0] == '0' && (q[1] != '.' || strspn(q + 2, "0") == strcspn(q + 2, ", ;"));
        }
      }
      p++;
    }
    if (match && !zero) return true;
  }
  return false;
}

/* Opens root/rel when its real path lies inside root's real path and it is
 * a regular file of at most RP_STATIC_MAX_FILE bytes; -1 otherwise
 * (errno ENOENT for "no such file", EFBIG for too big). */
static int open_inside(const char *root_real, const char *rel, struct stat *st) {
  char joined[PATH_MAX * 2], real[PATH_MAX];
  int w = snprintf(joined, sizeof joined, "%s/%s", root_real, rel);
  if (w < 0 || (size_t)w >= sizeof joined || !realpath(joined, real)) {
    errno = ENOENT;
    return -1;
  }
  size_t rl = strlen(root_real);
  if (strncmp(real, root_real, rl) != 0 || (real[rl] != '/' && root_real[rl - 1] != '/')) {
    errno = ENOENT;
    return -1;
  }
  int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    close(fd);
    errno = ENOENT;
    return -1;
  }
  if (st->st_size > (off_t)RP_STATIC_MAX_FILE) {
    close(fd);
    errno = EFBIG;
    return -1;
  }
  return fd;
}

static const char not_built[] =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
    "content=\"width=device-width, initial-scale=1\"><title>rapport</title></head><body "
    "style=\"font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em\">"
    "<h1>rapport</h1><p>The web UI is not built. Run <code>make web</code> (it needs "
    "node and npm), or point <code>rapport serve --web-dir DIR</code> at a built UI.</p>"
    "<p>The API answers under <code>/api/v1</code>.</p></body></html>\n";

/* Compares an If-None-Match list with etag (weak comparison). */
static bool etag_matches(const char *inm, const char *etag) {
  if (!inm) return false;
  if (strcmp(inm, "*") == 0) return true;
  const char *bare = etag[0] == 'W' ? etag + 2 : etag;
  return strstr(inm, bare) != NULL;
}

int rp_static_serve(rp_req *r) {
  char rel[RP_STATIC_MAX_PATH + 8], root_real[PATH_MAX];
  int rc = rp_static_map_path(rel, sizeof rel - 4, r->path, strlen(r->path));
  if (rc != 0) return rc;
  bool is_page = strcmp(rel, "index.html") == 0;
  if (!realpath(rp_static_dir(), root_real)) {
    if (!is_page) return rp_error_set(RP_ENOTFOUND, NULL, "no such file (the web UI is not built)");
    r->status = 200;
    r->content_type = "text/html; charset=utf-8";
    rp_resp_header(r, "Cache-Control", "no-cache");
    rp_sb_append(&r->out, not_built, sizeof not_built - 1);
    return 0;
  }
  bool text = false;
  const char *type = content_type(rel, &text);
  struct stat st;
  int fd = -1;
  bool gz = false;
  if (text && accepts_gzip(rp_req_header(r, "Accept-Encoding"))) {
    size_t n = strlen(rel);
    memcpy(rel + n, ".gz", 4);
    fd = open_inside(root_real, rel, &st);
    rel[n] = '\0';
    gz = fd >= 0;
  }
  if (fd < 0) fd = open_inside(root_real, rel, &st);
  if (fd < 0) {
    if (errno == EFBIG) return rp_error_set(RP_EINTERNAL, NULL, "%s is too large to serve", rel);
    return rp_error_set(RP_ENOTFOUND, NULL, "no such file");
  }

  bool immutable = strncmp(r->path, "/assets/", 8) == 0 && !is_page;
  rp_resp_header(r, "Cache-Control",
                 immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (text) rp_resp_header(r, "Vary", "Accept-Encoding");
  char *etag = rp_arena_printf(&r->arena, "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
                               (unsigned long long)st.st_mtime, gz ? "-gz" : "");
  rp_resp_header(r, "ETag", etag);
  char lm[64];
  struct tm tm;
  time_t mt = st.st_mtime;
  gmtime_r(&mt, &tm);
  strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  rp_resp_header(r, "Last-Modified", rp_arena_strdup(&r->arena, lm));
  if (is_page)
    rp_resp_header(r, "Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                   "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");

  const char *inm = rp_req_header(r, "If-None-Match");
  const char *ims = rp_req_header(r, "If-Modified-Since");
  if (etag_matches(inm, etag) || (!inm && ims && strcmp(ims, lm) == 0)) {
    close(fd);
    r->status = 304;
    return 0;
  }
  if (gz) rp_resp_header(r, "Content-Encoding", "gzip");
  r->content_type = type;
  r->status = 200;
  size_t want = (size_t)st.st_size, got = 0;
  char buf[65536];
  while (got < want) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rp_sb_append(&r->out, buf, (size_t)n);
    got += (size_t)n;
  }
  close(fd);
  if (got != want) {
    rp_sb_free(&r->out);
    r->out = (rp_sb){0};
    r->status = 0;
    return rp_error_set(RP_EINTERNAL, NULL, "cannot read %s", rel);
  }
  return 0;
}
