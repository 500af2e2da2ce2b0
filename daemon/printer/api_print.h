/* api_print.h: the printing routes of the HTTP API (docs/api.md,
 * "Printing"): the staff print routes, and GET /api/v1/printer/state of
 * every listener (the kiosk and clerk pages' "printer unavailable"). printer
 * may be NULL: no printer data was loaded (printing disabled). Loop thread
 * only. */
#ifndef API_PRINT_H
#define API_PRINT_H
#include "http/http.h"
#include "http/route.h"
#include "printer/printer.h"
#include "store/store.h"

/* Route handlers (http/route.h; the table is daemon/routes.c); the
 * request's actor names the caller for the queue and the audit.
 * route_state: GET /api/v1/printer/state, every listener. Staff, each a
 * 503 while route_ctx.printer is NULL: info (GET /api/v1/printer), render
 * (GET /api/v1/print/render/KIND[/REF]), jobs (GET /api/v1/print/jobs),
 * job (GET /api/v1/print/jobs/{id}), reprint (POST .../{id}/reprint),
 * enqueue (POST /api/v1/print/KIND[/REF]), a5 (GET
 * /api/v1/print/a5/KIND/CODE: the A5 page of the receipt or a counter
 * form, formhtml.h; /api/v1/print/a5/form.css its style sheet). */
route_handler api_print_route_state, api_print_info, api_print_render,
    api_print_a5, api_print_jobs, api_print_job, api_print_reprint,
    api_print_enqueue;
/* Public: {"available":bool,"state":"..."} and nothing else. */
void api_print_state(struct printer *, struct http_response *);
#endif
