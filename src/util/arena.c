#include "util/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define RP_ARENA_BLOCK 8192

struct rp_arena_block {
  rp_arena_block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
};

void *rp_arena_alloc(rp_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  rp_arena_block *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > RP_ARENA_BLOCK ? n : RP_ARENA_BLOCK;
    b = rp_xmalloc(sizeof *b + cap);
    b->used = 0;
    b->cap = cap;
    if (a->head && n > RP_ARENA_BLOCK / 2) {
      /* a big one-off: keep the current block in front for small ones */
      b->next = a->head->next;
      a->head->next = b;
      b->used = n;
      return b->data;
    }
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  return p;
}

void *rp_arena_calloc(rp_arena *a, size_t n) {
  void *p = rp_arena_alloc(a, n);
  memset(p, 0, n);
  return p;
}

char *rp_arena_strndup(rp_arena *a, const char *s, size_t n) {
  if (!s) return NULL;
  char *p = rp_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *rp_arena_strdup(rp_arena *a, const char *s) {
  return s ? rp_arena_strndup(a, s, strlen(s)) : NULL;
}

char *rp_arena_printf(rp_arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *p = rp_arena_alloc(a, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void rp_arena_free(rp_arena *a) {
  if (!a) return;
  rp_arena_block *b = a->head;
  while (b) {
    rp_arena_block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
}

/* rp_arena_grow: see arena.h. */
void *rp_arena_grow(rp_arena *a, const void *old, size_t n, size_t *cap, size_t elem,
                    size_t first) {
  size_t ncap = *cap ? *cap * 2 : first;
  void *p = rp_arena_alloc(a, ncap * elem);
  if (n) memcpy(p, old, n * elem);
  *cap = ncap;
  return p;
}
