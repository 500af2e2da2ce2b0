/* api_print.h: the printing routes of the HTTP API (docs/api.md,
 * "Printing"). api.c hands over every /api/v1/print* request of the admin
 * socket, and GET /api/v1/printer/state of both listeners (the kiosk and
 * clerk pages' "printer unavailable"). printer may be NULL: no printer
 * data was loaded (printing disabled). Loop thread only. */
#ifndef API_PRINT_H
#define API_PRINT_H
#include "http/http.h"
#include "printer/printer.h"
#include "store/store.h"

/* Staff routes; actor names the caller for the queue and the audit. */
void api_print_route(struct printer *, struct store *,
    const struct http_request *, struct http_response *, const char *actor);
/* Public: {"available":bool,"state":"..."} and nothing else. */
void api_print_state(struct printer *, struct http_response *);
#endif
