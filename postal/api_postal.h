/* api_postal.h: the postal routes of the HTTP API (docs/api.md,
 * "Postal"): registration, batches and manifests, reconciliation at the
 * office, return by post, the S10 check and the procedure checklist.
 * The route table checks each route's role before the handler runs; every
 * write goes to the audit log with the actor's name. Errors are the one
 * shape {"error": {"field", "message"}}, field the JSON path at fault or
 * "". Loop thread only. */
#ifndef API_POSTAL_H
#define API_POSTAL_H
#include <stdbool.h>

#include "core/actor.h"
#include "config.h"
#include "http/http.h"
#include "http/route.h"
#include "store/store.h"

/* The admin socket's actor: role admin, named by the body's or the
 * query's "actor" (else "unknown") and the peer's uid. */
void api_postal_socket_actor(const struct http_request *, struct actor *);
/* The route handlers (http/route.h); the table in daemon/routes.c holds
 * their paths and each one's roles. route_ctx.printer may be NULL:
 * printing not set up. */
route_handler api_postal_checklist, api_postal_s10, api_postal_register,
    api_postal_batch, api_postal_item, api_postal_close, api_postal_manifests,
    api_postal_manifest, api_postal_receive, api_postal_resolve,
    api_postal_sign, api_postal_return, api_postal_returns,
    api_postal_delivered;
#endif
