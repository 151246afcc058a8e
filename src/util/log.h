/* log.h: one-line logs on stderr with an RFC 3339 time and a level.
 * RAPPORT_LOG=debug|info|warn|error sets the threshold (default info). */
#ifndef RP_LOG_H
#define RP_LOG_H

enum { RP_LOG_DEBUG, RP_LOG_INFO, RP_LOG_WARN, RP_LOG_ERROR };

void rp_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define rp_log_debug(...) rp_log(RP_LOG_DEBUG, __VA_ARGS__)
#define rp_log_info(...) rp_log(RP_LOG_INFO, __VA_ARGS__)
#define rp_log_warn(...) rp_log(RP_LOG_WARN, __VA_ARGS__)
#define rp_log_error(...) rp_log(RP_LOG_ERROR, __VA_ARGS__)

#endif
