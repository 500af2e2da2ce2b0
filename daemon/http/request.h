/* request.h: who makes a request, as the route layer set it
 * (http_request.actor), for every route module. Loop thread; no state. */
#ifndef REQUEST_H
#define REQUEST_H
#include <stddef.h>

#include "core/actor.h"
#include "http/http.h"

#define REQUEST_ACTOR_MAX 96 /* bytes of request_actor_name's buffer */

/* Who asks: the signed-in account, or role admin on the admin socket
 * (named "NAME (uid N)"). Never NULL; role ROLE_NONE on the public
 * listener. */
const struct actor *request_actor(const struct http_request *);

/* The actor's name for events and the audit log: the signed-in account
 * on the staff listener; on the admin socket "NAME (uid N)", NAME the
 * staff member the request names (named, else the ?actor= query; kept
 * short and printable). */
void request_actor_name(const struct http_request *, const char *named,
    char *buf, size_t size);
#endif
