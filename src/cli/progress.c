/* progress.c: the progress bar of long commands (cli.h). */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rp_cli_progress_draw: see cli.h. */
void rp_cli_progress_draw(void *ctx, size_t done, size_t total) {
  rp_cli_progress *pg = ctx;
  double t = mono();
  if (done < total && pg->drawn && t - pg->last < 0.1) return;
  pg->last = t;
  pg->drawn = true;
  int width = 30, full = total ? (int)((double)done * width / (double)total) : width;
  if (full > width) full = width;
  char bar[32];
  for (int i = 0; i < width; i++)
    bar[i] = i < full ? '#' : '.';
  bar[width] = '\0';
  fprintf(stderr, "\r[%s] %3d%%  %zu/%zu %s", bar,
          total ? (int)((double)done * 100 / (double)total) : 100, done, total,
          pg->unit ? pg->unit : "");
  fflush(stderr);
}

/* rp_cli_progress_end: see cli.h. */
void rp_cli_progress_end(rp_cli_progress *pg, bool failed) {
  if (pg->drawn) fputs(failed ? "\n" : "\r\033[K", stderr);
  pg->drawn = false;
}

/* rp_cli_seconds: see cli.h. */
double rp_cli_seconds(void) { return mono(); }
