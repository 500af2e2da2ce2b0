/* lookup.h: the public lookup by token, GET /api/v1/lookup/{token}
 * (lookup.c), a route handler of the table in daemon/routes.c. Loop thread
 * only. */
#ifndef LOOKUP_H
#define LOOKUP_H
#include "http/route.h"

route_handler lookup_route_token;
#endif
