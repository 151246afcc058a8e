/* strbuf.h: a length-carrying, growable string (always NUL-terminated).
 * rp_sb sb = {0}; ... rp_sb_free(&sb). The owner frees. */
#ifndef RP_STRBUF_H
#define RP_STRBUF_H

#include <stddef.h>

typedef struct rp_sb {
  char *p;     /* NULL until the first append */
  size_t len;
  size_t cap;
} rp_sb;

void rp_sb_append(rp_sb *sb, const char *s, size_t n);
void rp_sb_puts(rp_sb *sb, const char *s);
void rp_sb_putc(rp_sb *sb, char c);
void rp_sb_printf(rp_sb *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
void rp_sb_json_str(rp_sb *sb, const char *s, size_t n);
/* The contents ("" when empty; never NULL). */
const char *rp_sb_str(const rp_sb *sb);
void rp_sb_reset(rp_sb *sb);  /* len = 0, keeps the memory */
void rp_sb_free(rp_sb *sb);   /* NULL is fine */
/* Hands the buffer to the caller (who frees it with free()). */
char *rp_sb_take(rp_sb *sb);

/* Where a writer's bytes go (a file, a response being sent): takes the
 * next len bytes; 0, or an RP_E* code with the thread error set, which
 * stops the writer and is what it returns. */
typedef int (*rp_sink_fn)(void *ctx, const char *p, size_t len);

#endif
