/* api.h: the route bodies of the HTTP API v1 (docs/api.md) that belong to
 * no feature module, by resource: dossiers, catalogue, holidays, import,
 * lookup, sync, metrics, health and pages. Each is a route_handler
 * (http/route.h); the table in daemon/routes.c says who may call it.
 * Every outside input is checked here or in the pure parsers before the
 * store sees it; every error names the field. Loop thread only. */
#ifndef API_H
#define API_H
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "http/route.h"

/* Counters for /metrics, owned by main.c (route_ctx.counters). */
struct api_counters {
	uint64_t intakes, status_changes, import_lines, import_rejected;
};

/* api_dossiers.c */
route_handler api_dossiers_intake, api_dossiers_search, api_dossiers_get,
    api_dossiers_token, api_dossiers_status, api_dossiers_supplement,
    api_dossiers_apology, api_dossiers_counts;
/* api_codecounter.c: GET and POST /api/v1/counters */
route_handler api_codecounter_get, api_codecounter_set;
/* api_catalogue.c */
route_handler api_catalogue_get, api_catalogue_import;
/* api_holidays.c */
route_handler api_holidays_get, api_holidays_import;
/* api_import.c */
route_handler api_import;
/* api_pages.c: /healthz and the kiosk page (/, /l/...) */
route_handler api_page;

/* api_metrics.c: the request, lookup, intake and import counters and the
 * store and rate-limit gauges, as Prometheus text (the first lines of
 * /metrics; the feature modules add theirs). */
void api_metrics(const struct route_ctx *, FILE *);
#endif
