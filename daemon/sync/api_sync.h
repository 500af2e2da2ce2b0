/* api_sync.h: the staff routes of upstream sync (docs/sync.md, docs/api.md
 * "Sync"): the queue's status, verify against upstream, unpark. Route
 * handlers of the table in daemon/routes.c. Loop thread only. */
#ifndef API_SYNC_H
#define API_SYNC_H
#include "http/route.h"

route_handler sync_route_status, sync_route_verify, sync_route_unpark;
#endif
