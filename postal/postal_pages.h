/* postal_pages.h: the postal staff pages (docs/postal.md): the clerk
 * registration page at /staff/postal/clerk, the office reconciliation
 * page at /staff/postal/office and their script and styles under
 * /staff/postal/. Static files only: the pages talk to the postal API
 * themselves. The caller routes here only from the staff listener and
 * the admin socket, never from the public listener. Loop thread. */
#ifndef POSTAL_PAGES_H
#define POSTAL_PAGES_H
#include <stdbool.h>

#include "http/http.h"

/* True when hr is a GET or HEAD for one of the pages or assets: r is
 * then filled. False (r untouched) for any other request. */
bool postal_pages_handle(const struct http_request *hr,
    struct http_response *r);
#endif
