/* peer.h: real test peers for the unit tests of the channels (header only):
 * spawns a fake server (tests/fakes/...) with posix_spawnp, reads the lines
 * it prints until "listening PORT", and stops it by pid at the end. Also a
 * tiny HTTP client (libcurl) to read a fake's records, and line reading of
 * the JSON-lines file the SMTP server writes.
 *
 * Tests run from the repository root (as `make unit` does). */
#ifndef RP_TESTS_PEER_H
#define RP_TESTS_PEER_H

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/strbuf.h"

extern char **environ;

typedef struct rp_peer {
  pid_t pid;  /* 0 when not running */
  int out_fd; /* its stdout (kept open until stop) */
  int port;
  char cert[512]; /* "cert PATH" line, when it printed one */
} rp_peer;

static inline long rp_peer_ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Stops the peer: SIGTERM, then SIGKILL after 3 s; reaps it. */
static inline void rp_peer_stop(rp_peer *p) {
  if (p->pid > 0) {
    kill(p->pid, SIGTERM);
    long end = rp_peer_ms_now() + 3000;
    int st;
    while (waitpid(p->pid, &st, WNOHANG) == 0) {
      if (rp_peer_ms_now() > end) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, &st, 0);
        break;
      }
      usleep(10000);
    }
  }
  if (p->out_fd > 0) close(p->out_fd);
  p->pid = 0;
  p->out_fd = -1;
}

/* Spawns argv (argv[0] searched in PATH) and waits up to timeout_ms for
 * "listening PORT" on its stdout (a "cert PATH" line before it is kept).
 * 0, or -1 with the reason on stderr (the peer is stopped). */
static inline int rp_peer_start(rp_peer *p, char *const argv[], long timeout_ms) {
  memset(p, 0, sizeof *p);
  p->out_fd = -1;
  int fds[2];
  if (pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  int rc = posix_spawnp(&p->pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    fprintf(stderr, "peer: cannot run %s: %s\n", argv[0], strerror(rc));
    close(fds[0]);
    p->pid = 0;
    return -1;
  }
  p->out_fd = fds[0];
  char buf[2048];
  size_t len = 0;
  long end = rp_peer_ms_now() + timeout_ms;
  for (;;) {
    char *nl;
    while ((nl = memchr(buf, '\n', len)) != NULL) {
      *nl = '\0';
      if (strncmp(buf, "listening ", 10) == 0) p->port = atoi(buf + 10);
      if (strncmp(buf, "cert ", 5) == 0) snprintf(p->cert, sizeof p->cert, "%.511s", buf + 5);
      size_t used = (size_t)(nl - buf) + 1;
      memmove(buf, nl + 1, len - used);
      len -= used;
      if (p->port > 0) return 0;
    }
    long left = end - rp_peer_ms_now();
    if (left <= 0 || len == sizeof buf) break;
    struct pollfd pf = {.fd = p->out_fd, .events = POLLIN};
    if (poll(&pf, 1, (int)left) <= 0) break;
    ssize_t n = read(p->out_fd, buf + len, sizeof buf - len);
    if (n <= 0) break;
    len += (size_t)n;
  }
  fprintf(stderr, "peer: %s did not print \"listening PORT\" in time\n", argv[0]);
  rp_peer_stop(p);
  return -1;
}

/* True when `prog args...` runs and exits 0 (its output discarded). */
static inline bool rp_peer_runs(char *const argv[]) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return false;
  int st;
  if (waitpid(pid, &st, 0) < 0) return false;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
static inline int rp_peer_closed_port(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  int port = -1;
  if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(s, (struct sockaddr *)&a, &al) == 0)
    port = ntohs(a.sin_port);
  if (s >= 0) close(s);
  return port;
}

static inline size_t rp_peer_on_data(char *p, size_t size, size_t nmemb, void *ud) {
  rp_sb_append(ud, p, size * nmemb);
  return size * nmemb;
}

/* GET (json_body NULL) or POST a JSON body to url; the answer's body into
 * *out (caller frees). Returns the HTTP status, or -1. */
static inline long rp_peer_http(rp_sb *out, const char *url, const char *json_body) {
  CURL *c = curl_easy_init();
  if (!c) return -1;
  struct curl_slist *h = NULL;
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, rp_peer_on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  if (json_body) {
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body);
  }
  long status = -1;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return status;
}

/* Line n (0-based) of a text file into *out (without the LF); false when
 * the file has fewer lines. */
static inline bool rp_peer_file_line(rp_sb *out, const char *path, size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  size_t line = 0;
  int ch;
  bool found = false;
  rp_sb_reset(out);
  while ((ch = fgetc(f)) != EOF) {
    if (ch == '\n') {
      if (line == n) {
        found = true;
        break;
      }
      line++;
      continue;
    }
    if (line == n) rp_sb_putc(out, (char)ch);
  }
  fclose(f);
  return found;
}

/* Number of lines of a text file (0 when it does not exist). */
static inline size_t rp_peer_file_lines(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = 0;
  int ch;
  while ((ch = fgetc(f)) != EOF)
    if (ch == '\n') n++;
  fclose(f);
  return n;
}

#endif
