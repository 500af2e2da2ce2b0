/* api_report.h: the staff report routes (GET /api/v1/reports,
 * /api/v1/reports/06a, /staff/reports). Loop thread only. */
#ifndef API_REPORT_H
#define API_REPORT_H
#include <stdbool.h>

#include "config.h"
#include "http/http.h"
#include "http/route.h"
#include "store/store.h"

/* Route handlers (http/route.h; the table is daemon/routes.c), staff
 * only: GET /api/v1/reports (summary), /api/v1/reports/06a,
 * /api/v1/reports/dossiers (codes) and the pages /staff/reports and
 * /staff/reports/dossiers (codes_page), and the pages' styles and script
 * under REPORT_UI_PATH (report.h; asset). */
route_handler api_report_summary, api_report_06a, api_report_codes,
    api_report_codes_page, api_report_page, api_report_asset;
/* GET /api/v1/reports/book (book.c): the tracking book (Mẫu 06) as
 * CSV, XLSX or HTML; audited, as it names applicants. */
route_handler api_report_book;
/* Biểu II.06a from rows counted elsewhere: the hub's province form
 * (http/route.h, route_report_ops; daemon/main.c wires it). */
void api_report_form06a(const struct route_ctx *, const struct report_params *,
    const struct store_report_row *rows, size_t n,
    const struct store_report_row *total,
    const struct store_unaccepted *unaccepted, struct http_response *r);
#endif
