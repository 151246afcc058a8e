/* static.h: the web UI's built files (web/dist) served by `rapport serve`
 * at / (issue 7, docs/web.md): content types, cache headers, precompressed
 * .gz files, ETag and 304, and the single-page-app fallback to index.html. */
#ifndef RP_STATIC_H
#define RP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "http/static_path.h"

#define RP_STATIC_MAX_FILE (16u << 20) /* bigger files are refused (500) */

/* Sets the directory the UI is served from (--web-dir, RAPPORT_WEB_DIR).
 * NULL or "" picks the default: web/dist beside the binary's parent
 * directory (build/rapport -> web/dist), resolved from /proc/self/exe,
 * else ./web/dist. The string is copied. Call before the server starts. */
void rp_static_set_dir(const char *dir);

/* The directory in use (the default once resolved). */
const char *rp_static_dir(void);

/* True when a request is the UI's: GET or HEAD of a path outside /api/,
 * /capture/, /unsubscribe/, /healthz and /metrics. */
bool rp_static_claims(const char *method, const char *path);

/* Answers r (GET/HEAD of a claimed path) from the web directory: the file
 * (or its .gz when the client accepts gzip and it exists) with its content
 * type, Cache-Control (immutable for /assets/, no-cache otherwise), ETag,
 * Last-Modified and Vary; 304 when If-None-Match matches. A file that
 * resolves outside the directory (symlinks included) is 404. Without the
 * directory, a page path answers a short HTML page saying the UI is not
 * built. Returns 0, or RP_ENOTFOUND / RP_EINTERNAL with the error set. */
int rp_static_serve(rp_req *r);

#endif
