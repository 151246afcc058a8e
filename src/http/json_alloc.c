/* json_alloc.c: jansson's allocations in the server (json_alloc.h). */
#include "http/json_alloc.h"

#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A request builds and frees a few hundred small jansson values (a contact
 * is an object of 46 members: a hash-table pair, a value and a string copy
 * each; a page of them thousands). glibc's per-thread cache keeps only 7
 * chunks of a size, so most of them went through its slower paths and its
 * consolidation. The server gives jansson per-thread free lists instead: a
 * freed block waits on its thread's list for the next value of its size
 * class. The blocks are ordinary malloc chunks (their class is read back
 * with malloc_usable_size), so a string jansson returns (json_dumps) may
 * still be released with free(), and a block from before the switch is
 * fine to recycle. A thread keeps at most JA_KEEP_BYTES in its lists,
 * which are drained when it ends. */

#define JA_CLASSES 10
#define JA_KEEP_BYTES (8u << 20) /* kept per thread: a page of 500 contacts */
static const size_t ja_size[JA_CLASSES] = {16, 32, 48, 64, 96, 128, 192, 256, 384, 512};

typedef struct ja_cache {
  void *head[JA_CLASSES]; /* a free block's first word links to the next */
  size_t bytes;           /* held in the lists */
} ja_cache;

static _Thread_local ja_cache *ja_tls;
static pthread_key_t ja_key;
static pthread_once_t ja_once = PTHREAD_ONCE_INIT;

static void ja_drain(void *p) {
  ja_cache *c = p;
  if (!c) return;
  for (int k = 0; k < JA_CLASSES; k++)
    while (c->head[k]) {
      void *b = c->head[k];
      memcpy(&c->head[k], b, sizeof(void *));
      free(b);
    }
  if (ja_tls == c) ja_tls = NULL;
  free(c);
}

static ja_cache *ja_cache_get(void) {
  if (ja_tls) return ja_tls;
  ja_tls = calloc(1, sizeof *ja_tls);
  if (ja_tls) pthread_setspecific(ja_key, ja_tls);
  return ja_tls;
}

static void *ja_malloc(size_t n) {
  int k = 0;
  while (k < JA_CLASSES && ja_size[k] < n)
    k++;
  if (k == JA_CLASSES) return malloc(n);
  ja_cache *c = ja_cache_get();
  if (c && c->head[k]) {
    void *b = c->head[k];
    memcpy(&c->head[k], b, sizeof(void *));
    c->bytes -= ja_size[k];
    return b;
  }
  return malloc(ja_size[k]);
}

static void ja_free(void *p) {
  if (!p) return;
  size_t u = malloc_usable_size(p);
  int k = JA_CLASSES - 1;
  while (k >= 0 && ja_size[k] > u)
    k--;
  ja_cache *c = k >= 0 && u <= 2 * ja_size[JA_CLASSES - 1] ? ja_cache_get() : NULL;
  if (!c || c->bytes + ja_size[k] > JA_KEEP_BYTES) {
    free(p);
    return;
  }
  memcpy(p, &c->head[k], sizeof(void *));
  c->head[k] = p;
  c->bytes += ja_size[k];
}

static void ja_setup(void) {
  if (pthread_key_create(&ja_key, ja_drain) == 0) json_set_alloc_funcs(ja_malloc, ja_free);
}

void rp_json_alloc_setup(void) {
  pthread_once(&ja_once, ja_setup);
}

void rp_json_alloc_drain_thread(void) {
  if (!ja_tls) return;
  pthread_setspecific(ja_key, NULL);
  ja_drain(ja_tls);
}
