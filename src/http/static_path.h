/* static_path.h: the request path check of the web UI's files (static.h),
 * apart so that its fuzz driver needs nothing else. */
#ifndef RP_STATIC_PATH_H
#define RP_STATIC_PATH_H

#include <stddef.h>

#define RP_STATIC_MAX_PATH 1024 /* longer request paths are 404 */

/* Maps a decoded request path p[0..len) to a file path relative to the web
 * directory, written NUL-terminated into out[0..cap): "/" and any path
 * whose last segment has no dot give "index.html" (the SPA fallback); "/"
 * prefixes are dropped. Refuses (RP_ENOTFOUND, with the reason) a path not
 * starting with '/', longer than RP_STATIC_MAX_PATH, with a NUL, control
 * character or backslash, an empty, "." or ".." segment, or a segment
 * starting with a dot. Pure. */
int rp_static_map_path(char *out, size_t cap, const char *p, size_t len);

#endif
