/* postal_pages.h: the postal staff pages (docs/postal.md): the clerk
 * registration page at /staff/postal/clerk, the office reconciliation
 * page at /staff/postal/office and their script and styles under
 * /staff/postal/. Static files only: the pages talk to the postal API
 * themselves. Staff rows of the route table (daemon/routes.c), never
 * on the public listener. Loop thread. */
#ifndef POSTAL_PAGES_H
#define POSTAL_PAGES_H
#include <stdbool.h>

#include "http/http.h"
#include "http/route.h"

/* GET or HEAD /staff/postal/{page}: the page or asset of that path, or a
 * 404 (a route_handler, http/route.h). */
route_handler postal_pages_route;
#endif
