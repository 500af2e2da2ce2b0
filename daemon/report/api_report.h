/* api_report.h: the staff report routes (GET /api/v1/reports,
 * /api/v1/reports/06a, /staff/reports). Loop thread only. */
#ifndef API_REPORT_H
#define API_REPORT_H
#include <stdbool.h>

#include "config.h"
#include "http/http.h"
#include "store/store.h"

/* Answers the request when its path is a report route on the admin
 * socket and returns true; false (r untouched) otherwise. Borrows all. */
bool api_report_handle(struct store *, const struct config *,
    const struct http_request *, struct http_response *);
#endif
