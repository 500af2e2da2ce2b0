/* routes.h: the daemon's one route table (routes.c) and the handlers of
 * the three listeners that serve it. A row says who may call it: public
 * rows answer on every listener; sign-in rows only on the staff listener,
 * before authentication; staff rows on the admin socket and, signed in,
 * on the staff listener, with the row's roles checked before the handler
 * runs (403 {"error":{"field":"role",...}}). The public listener answers
 * 404 for every other path, so it never reveals a staff route.
 * docs/security.md's role matrix is this table (tests/unit/test_routes.c).
 * Loop thread only. */
#ifndef ROUTES_H
#define ROUTES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "http/route.h"

extern const struct route routes_table[];
extern const size_t routes_count;

/* Is the row one of the reads that return personal data, each audited
 * (docs/privacy.md, "Who read what")? */
bool routes_personal_read(const struct route *);

/* The http_handler of the public listener and the admin socket; arg is
 * the struct route_ctx (borrowed for the server's life). The admin
 * socket's actor is role admin, named "NAME (uid N)". Counts requests and
 * errors for /metrics; after a staff write that succeeded, asks sync to
 * push soon. */
void routes_handle(void *arg, const struct http_request *,
    struct http_response *);
/* The staff listener's: the sign-in rows, else a session or a bearer
 * token (auth_request: 401, CSRF 403, or a 303 to the sign-in page), then
 * the rows as on the admin socket with the account's role. */
void routes_handle_staff(void *arg, const struct http_request *,
    struct http_response *);
/* Its http_opts.gate: from the headers alone, a sign-in row gets its
 * body limit; otherwise the session or token is checked (401, CSRF 403 or
 * a 303, as routes_handle_staff would answer) and then the role of the
 * row for the method and path (403, 405 or 404), each answered at once
 * with the body unread; a request that passes may send the row's body
 * limit (route_body_max). arg: the struct route_ctx. */
http_gate routes_staff_gate;
/* The admin socket's: the row's body limit only (role admin). */
http_gate routes_admin_gate;
struct actor;
/* The table's decision for a request by act (NULL: nobody signed in, so
 * only the sign-in rows): 0 with *body_max the row's limit, or the status
 * to answer: 401 (no sign-in row), 403 (the role may not), 405 (another
 * method), 404. Pure. */
int routes_decide(const struct actor *act, const char *method, const char *path,
    size_t *body_max);

/* The metrics listener's (server.metrics_listen): GET or HEAD /metrics,
 * the same text as the table's row, and 404 for every other path. For a
 * scraper without an account: the address is the only protection. */
void routes_handle_metrics(void *arg, const struct http_request *,
    struct http_response *);

/* The table as the Markdown rows of docs/security.md's route matrix:
 * "| METHODS | PATTERN | WHO |", one line a row. */
void routes_matrix(FILE *);
#endif
