/* listen.c: the listening socket of the HTTP server (listen.h): the
 * --listen address parsed, the socket opened (IPv6 wildcard dual-stack,
 * falling back to IPv4), and the URL it is bound to for the banner. */
#include "http/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/server.h"
#include "util/error.h"

static int listen_error(const char *p, size_t len, const char *why) {
  return rp_error_set(RP_EINVALID_VALUE, "listen", "bad listen address '%.*s': %s",
                      (int)(len > 80 ? 80 : len), p, why);
}

int rp_server_parse_listen(struct sockaddr_storage *out, unsigned int *out_len, const char *p,
                           size_t len) {
  char host[64];
  const char *port_p;
  size_t host_len;
  bool bracketed = false;
  memset(out, 0, sizeof *out);
  if (len == 0) return listen_error(p, len, "empty (expected HOST:PORT)");
  if (p[0] == '[') {
    const char *end = memchr(p, ']', len);
    if (!end) return listen_error(p, len, "missing ']'");
    host_len = (size_t)(end - p - 1);
    if ((size_t)(end - p) + 1 >= len || end[1] != ':')
      return listen_error(p, len, "expected [IPv6]:PORT");
    port_p = end + 2;
    bracketed = true;
  } else {
    const char *colon = NULL;
    for (size_t i = 0; i < len; i++)
      if (p[i] == ':') {
        if (colon) return listen_error(p, len, "IPv6 addresses go in brackets: [::1]:8080");
        colon = p + i;
      }
    if (!colon) return listen_error(p, len, "expected HOST:PORT");
    host_len = (size_t)(colon - p);
    port_p = colon + 1;
  }
  if (host_len >= sizeof host) return listen_error(p, len, "host too long");
  memcpy(host, bracketed ? p + 1 : p, host_len);
  host[host_len] = '\0';

  size_t port_len = (size_t)(p + len - port_p);
  if (port_len == 0 || port_len > 5) return listen_error(p, len, "port must be 0 to 65535");
  unsigned long port = 0;
  for (size_t i = 0; i < port_len; i++) {
    if (port_p[i] < '0' || port_p[i] > '9') return listen_error(p, len, "port must be a number");
    port = port * 10 + (unsigned long)(port_p[i] - '0');
  }
  if (port > 65535) return listen_error(p, len, "port must be 0 to 65535");

  if (bracketed || host_len == 0) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (host_len == 0)
      a6->sin6_addr = in6addr_any;
    else if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
      return listen_error(p, len, "not an IPv6 address");
    *out_len = sizeof *a6;
    return 0;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  a4->sin_family = AF_INET;
  a4->sin_port = htons((uint16_t)port);
  if (strcmp(host, "localhost") == 0)
    a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
    return listen_error(p, len, "not an IPv4 address (use [..] for IPv6)");
  *out_len = sizeof *a4;
  return 0;
}

/* Opens, binds and listens; falls back from the IPv6 wildcard to the IPv4
 * one on hosts without IPv6. Returns the socket or -1 with the error set. */
int rp_listen_open(struct sockaddr_storage *sa, socklen_t sa_len, const char *listen_s) {
  int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 && sa->ss_family == AF_INET6 &&
      IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)sa)->sin6_addr) &&
      (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
    uint16_t port = ((struct sockaddr_in6 *)sa)->sin6_port;
    memset(sa, 0, sizeof *sa);
    struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
    a4->sin_family = AF_INET;
    a4->sin_port = port;
    a4->sin_addr.s_addr = htonl(INADDR_ANY);
    sa_len = sizeof *a4;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  }
  if (fd < 0) {
    rp_error_set(RP_EINTERNAL, "listen", "cannot open a socket for %s: %s", listen_s,
                 strerror(errno));
    return -1;
  }
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sa->ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)sa)->sin6_addr))
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  if (bind(fd, (struct sockaddr *)sa, sa_len) != 0) {
    int e = errno;
    close(fd);
    rp_error_set(RP_EINTERNAL, "listen", "cannot listen on %s: %s", listen_s,
                 e == EADDRINUSE ? "address already in use" : strerror(e));
    return -1;
  }
  if (listen(fd, 511) != 0) {
    int e = errno;
    close(fd);
    rp_error_set(RP_EINTERNAL, "listen", "cannot listen on %s: %s", listen_s, strerror(e));
    return -1;
  }
  return fd;
}

/* "http://127.0.0.1:8080" of the bound socket (the real port when 0 was
 * asked for). */
void rp_listen_url(int fd, char *out, size_t cap) {
  struct sockaddr_storage sa;
  socklen_t n = sizeof sa;
  char host[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (getsockname(fd, (struct sockaddr *)&sa, &n) == 0) {
    if (sa.ss_family == AF_INET6) {
      struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&sa;
      inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof host);
      port = ntohs(a6->sin6_port);
      snprintf(out, cap, "http://[%s]:%u", host, port);
      return;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)&sa;
    inet_ntop(AF_INET, &a4->sin_addr, host, sizeof host);
    port = ntohs(a4->sin_port);
  }
  snprintf(out, cap, "http://%s:%u", host, port);
}
