/* routes.h: the route table. Patterns are literal segments and ":name"
 * captures ("/api/v1/contacts/:id"), matched segment by segment. */
#ifndef RP_ROUTES_H
#define RP_ROUTES_H

#include "http/http.h"

enum {
  RP_ROUTE_PUBLIC = 1, /* no auth needed */
  RP_ROUTE_ADMIN = 2,  /* owner or admin only */
  RP_ROUTE_NO_TXN = 4, /* the handler needs no database transaction */
  /* The request may take seconds at scale (a job, an export): it runs on a
   * thread of its own with a database connection of its own while its
   * connection is suspended, so that the server thread that accepted it
   * goes on serving its other connections (server.c "long requests"). */
  RP_ROUTE_OWN_THREAD = 8,
};

typedef struct rp_route {
  const char *method;
  const char *pattern;
  rp_handler handler;
  int flags;
  /* The query arguments the route takes (NULL-terminated), or NULL for
   * none. The server refuses any other with 400 unknown_field before the
   * handler runs. */
  const char *const *query;
} rp_route;

/* Finds the route for method and path, filling r->params. Returns the route,
 * or NULL with *path_known set when the path exists under another method
 * (405) and clear when nothing matches (404). */
const rp_route *rp_routes_match(rp_req *r, const char *method, const char *path,
                                bool *path_known);

#endif
