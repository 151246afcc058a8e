/* arena.h: a region allocator (as h2o's pool). Everything a request
 * allocates comes from its arena and is freed at once when the request
 * ends. Allocations are 16-byte aligned and never fail (OOM aborts). */
#ifndef RP_ARENA_H
#define RP_ARENA_H

#include <stddef.h>

typedef struct rp_arena_block rp_arena_block;
typedef struct rp_arena {
  rp_arena_block *head;
} rp_arena;

/* An arena needs no init beyond zeroing: rp_arena a = {0}; */
void *rp_arena_alloc(rp_arena *a, size_t n);       /* uninitialised */
void *rp_arena_calloc(rp_arena *a, size_t n);      /* zeroed */
char *rp_arena_strdup(rp_arena *a, const char *s); /* NULL stays NULL */
char *rp_arena_strndup(rp_arena *a, const char *s, size_t n);
char *rp_arena_printf(rp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena can be reused afterwards. NULL is fine. */
void rp_arena_free(rp_arena *a);

/* Grows an arena array: a copy of the n elements of `elem` bytes at old in
 * a new block of twice *cap elements (first when *cap is 0); *cap is
 * updated. Used through RP_ARENA_PUSH. */
void *rp_arena_grow(rp_arena *a, const void *old, size_t n, size_t *cap, size_t elem, size_t first);

/* The slot of a new last element (not zeroed) of the arena array `items`
 * (an lvalue of type T *) holding *n of *cap elements; grows it when full
 * and increments *n. */
#define RP_ARENA_PUSH(a, items, n, cap, first)                                                     \
  ((*(n) == *(cap)                                                                                 \
        ? (void)((items) = rp_arena_grow((a), (items), *(n), (cap), sizeof *(items), (first)))     \
        : (void)0),                                                                                \
   &(items)[(*(n))++])

#endif
