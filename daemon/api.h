/* api.h: the HTTP API v1 (docs/api.md) and the pages motcuad serves. It
 * routes requests from both listeners: the public one answers the kiosk
 * lookup, health and metrics only; the admin Unix socket also answers the
 * staff calls. Loop thread only. */
#ifndef API_H
#define API_H
#include "config.h"
#include "http.h"
#include "ratelimit.h"
#include "store.h"

struct api;

/* Borrows store, rl and cfg (see api_set_config) for its life. */
struct api *api_new(struct store *, struct ratelimit *, const struct config *);
/* Points the API at a new config after a reload (borrowed). */
void api_set_config(struct api *, const struct config *);
/* The printer for the print routes and /metrics (borrowed; NULL: none). */
struct printer;
void api_set_printer(struct api *, struct printer *);
void api_free(struct api *); /* NULL is a no-op */
struct scanhub;
/* The scan hub (borrowed; NULL: none): GET /api/v1/scanners and staff
 * terminals' event streams on the admin socket, scan counters in /metrics. */
void api_set_scanhub(struct api *, struct scanhub *);
struct kiosk;
/* Routes the kiosk's requests to k (borrowed) first. */
void api_set_kiosk(struct api *, struct kiosk *);
/* The kiosk view of a dossier (GET /api/v1/lookup/{token}) as a tree, for
 * replies that add to it; the caller owns the result. NULL when out of
 * memory. The token route itself writes the same text without a tree. */
json_t *api_lookup_view(const struct store_lookup *, int64_t now);
struct sync;
struct hub;
/* Upstream sync (borrowed; NULL: none): live lookup fallback, the
 * /api/v1/sync/ routes, sync gauges in /metrics, a push after writes. */
void api_set_sync(struct api *, struct sync *);
/* Hub role: its staff routes under /api/v1/hub/ (borrowed). */
void api_set_hub(struct api *, struct hub *);
/* The http_handler: arg is the struct api. */
void api_handle(void *arg, const struct http_request *, struct http_response *);
#endif
