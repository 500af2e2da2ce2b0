/* api_postal.h: the postal routes of the HTTP API (docs/api.md,
 * "Postal"): registration, batches and manifests, reconciliation at the
 * office, return by post, the S10 check and the procedure checklist.
 * Every route takes the requesting actor (actor.h) and checks its role;
 * every write goes to the audit log with the actor's name. Errors are
 * {"error": message, "field": path or null}. Loop thread only. */
#ifndef API_POSTAL_H
#define API_POSTAL_H
#include <stdbool.h>

#include "core/actor.h"
#include "config.h"
#include "http/http.h"
#include "store/store.h"

struct printer;

/* True for the paths these routes own. */
bool api_postal_match(const char *path);
/* The admin socket's actor: role admin, named by the body's or the
 * query's "actor" (else "unknown") and the peer's uid. */
void api_postal_socket_actor(const struct http_request *, struct actor *);
/* Answers the request (printer may be NULL: printing not set up). */
void api_postal_route(struct store *, struct printer *, const struct config *,
    const struct http_request *, struct http_response *, const struct actor *);
#endif
