/* hub.h: the hub role (sync.role = hub): the sync listener's protocol
 * (docs/sync.md) on top of the hubstore interface. Terminals authenticate
 * with a bearer token each, named in the tokens file. Every database call
 * runs on the worker pool (sync/hubq.h) and its request is answered later
 * (http_defer), or 503 with Retry-After when the database is slow or the
 * pool is full. Loop thread only. */
#ifndef HUB_H
#define HUB_H
#include <stdio.h>
#include "store/hubstore.h"
#include "sync/hubq.h"
#include "http/http.h"
#include "http/route.h"

struct hub;

/* Reads the tokens file ("NAME TOKEN AGENCY[,AGENCY...]" lines; a name,
 * a token or an agency on two lines is refused, and so is a line without
 * agencies: docs/sync.md). Each terminal then writes only its agencies'
 * dossiers. Borrows q for its life. NULL with a message in err. */
struct hub *hub_new(struct hubq *q, const char *tokens_file,
    char err[HUBSTORE_ERR_MAX]);
void hub_free(struct hub *); /* NULL: no-op */
/* Forgets idempotency keys older than retention_days, soon after the
 * start and then hourly, a batch at a time on the worker pool
 * (docs/sync.md: how long a terminal can retry). -1: out of memory. */
int hub_start_pruning(struct hub *, uv_loop_t *, int retention_days);
/* Prometheus lines of this hub process's counters (pushes, items, database
 * waits), from memory: for the daemon's /metrics (admin socket, staff
 * listener, server.metrics_listen), not the sync listener. */
void hub_metrics(const struct hub *, FILE *);
/* Stops the pruning; before hubq_stop. NULL: no-op. */
void hub_shutdown(struct hub *);
/* The sync listener's http_handler (arg: the hub). */
/* The hub listener's http_opts.gate: a request that carries a terminal's
 * valid token may send a push (the listener's limit); others only 4 KiB,
 * refused (413) before it is read (docs/security.md). */
http_gate hub_gate;
void hub_handle(void *arg, const struct http_request *, struct http_response *);
/* The hub's staff routes (http/route.h; the table is daemon/routes.c);
 * route_ctx.hub is the hub, NULL (not the hub role): 404. dossiers: GET
 * /api/v1/hub/dossiers[?terminal=NAME], every dossier's status and event
 * count, for reconciliation; status: POST
 * /api/v1/hub/dossiers/{code}/status {"status", "reason", "due_at"}, a
 * change made upstream. */
route_handler hub_route_dossiers, hub_route_status;
/* GET /api/v1/hub/report?from=YYYY-MM-DD&to=YYYY-MM-DD[&agency=CODE]: the
 * province report by agency and channel, counted with the office
 * report's rules (hubstore_report; docs/sync.md). GET
 * /api/v1/hub/report/06a?from=&to=[&format=]: Biểu II.06a of the whole
 * province, by field. 404 when not the hub role. */
route_handler hub_route_report, hub_route_form06a;
/* GET /api/v1/hub/offices[?silent_after_s=N]: every terminal of the
 * tokens file with its last push, last contact, backlog, items stored and
 * rejected, last error, and "silent" (not heard from for N seconds,
 * default 300; docs/sync.md). */
route_handler hub_route_offices;
/* GET /staff/hub and its script and styles (hub_page.c): the offices
 * page. 404 when not the hub role. */
route_handler hub_route_page;
#endif
