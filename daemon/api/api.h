/* api.h: the HTTP API v1 (docs/api.md) and the pages motcuad serves. It
 * routes requests from both listeners: the public one answers the kiosk
 * lookup, health and metrics only; the admin Unix socket also answers the
 * staff calls. Loop thread only. */
#ifndef API_H
#define API_H
#include <jansson.h>

#include "config.h"
#include "http/http.h"
#include "core/ratelimit.h"
#include "store/store.h"

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
/* The http_handler of the public listener and the admin socket: arg is
 * the struct api. */
void api_handle(void *arg, const struct http_request *, struct http_response *);

/* ---- staff access (auth.c, docs/security.md) ----
 * Accounts and sessions (borrowed; set before the listeners start). */
struct auth;
void api_set_auth(struct api *, struct auth *);
/* The http_handler of the staff listener: every request but the sign-in
 * page and /api/v1/session needs a session or a bearer token; then the
 * staff routes run as for the admin socket, with the actor's role. */
void api_handle_staff(void *arg, const struct http_request *,
    struct http_response *);
/* Its http_opts.known: a session or token is on the request, so the body
 * may be as large as an import; strangers get a small limit. */
bool api_staff_known(void *arg, const struct http_request *);
/* Who asks: the signed-in account, or role admin on the admin socket
 * (named "NAME (uid N)" as before). Never NULL; role ROLE_NONE on the
 * public listener. */
struct actor;
const struct actor *api_actor(const struct http_request *);
/* true when the actor's role is in roles (ROLES_* or ROLE_BIT() in
 * authhdr.h); else false with a 403 {"error":{"field":"role",...}} in r. */
bool api_allow(const struct http_request *, unsigned roles,
    struct http_response *);
/* The actor's name for events and the audit log: the signed-in account
 * on the staff listener; on the admin socket "NAME (uid N)", NAME the
 * staff member the request names (named, else the ?actor= query; kept
 * short and printable). */
void api_actor_name(const struct http_request *, const char *named, char *buf,
    size_t size);
#endif
