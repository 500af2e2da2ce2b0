/* scanners.h: GET /api/v1/scanners and the scanner lines of /metrics, read
 * from the scan hub's state (scanner/scanhub.h) and the staff terminals'
 * streams (terminals.h). Staff only. Loop thread only. */
#ifndef SCANNERS_H
#define SCANNERS_H
#include <stdio.h>

#include "http/http.h"

struct scanhub;
struct terminals;

/* The context of the handler. A plain pair, not opaque: it owns nothing
 * and main.c fills it once; both are borrowed until the servers stop. */
struct scanners {
	const struct scanhub *hub;
	struct terminals *terms;
};

/* GET /api/v1/scanners (ctx: a struct scanners): {"scanners":[...],
 * "terminals":[...], "dedup_ms", "dropped_streams"} (docs/scanners.md). */
void scanners_get(void *ctx, const struct http_request *,
    struct http_response *);
/* motcua_scans_total and motcua_scan_errors_total for /metrics. */
void scanners_metrics(const struct scanners *, FILE *);
#endif
