/* scanhub.h: the scan hub. Every scanner source (serial, HID, camera)
 * reports through scan.h's scan_source_* calls; the hub classifies each
 * scan (classify.h), counts a repeat from one source within
 * scanner.dedup_ms once, and routes it to the source's terminal:
 * - a kiosk terminal (kiosk.terminals) gets it through kiosk_scan(), whose
 *   own event stream the kiosk page reads;
 * - a staff terminal (scanner.terminals: clerk stations, office desks)
 *   gets a `scan` event on GET /api/v1/terminals/{id}/events, a
 *   Server-Sent Events stream the hub serves itself, with a bounded
 *   client count and per-client buffer (a slow client is dropped with a
 *   log line).
 * It keeps per-source state and counters for GET /api/v1/scanners and
 * `motcua scanners`. The hub opens one shell per [scanner.NAME] section
 * through a table of shell ops per kind, filled by scanhub_set_shell.
 * Loop thread only. See docs/scanners.md. */
#ifndef SCANHUB_H
#define SCANHUB_H
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>
#include <uv.h>

#include "config.h"
#include "http/http.h"
#include "scanner/scan.h"

struct scanhub;
struct kiosk;
struct hotplug;

/* Copies the scanner sections and terminals of cfg (restart-only keys);
 * kiosk (borrowed, may be NULL) gets the scans of kiosk terminals. NULL
 * (logged) when memory is short. Opens nothing yet. */
struct scanhub *scanhub_new(uv_loop_t *, const struct config *, struct kiosk *);
/* The shell for one kind of source (borrowed, static). The serial shell is
 * set by scanhub_new; main.c adds the others. */
void scanhub_set_shell(struct scanhub *, enum scan_source_kind,
    const struct scan_shell_ops *);
/* The hot-plug monitor handed to every shell's open (borrowed; NULL:
 * none, shells poll with backoff). */
void scanhub_set_hotplug(struct scanhub *, struct hotplug *);
/* Opens one shell per configured source. A kind without a shell in this
 * build is state "error" with a reason; it is not fatal. */
void scanhub_start(struct scanhub *);
/* Closes the shells and ends every event stream (before the HTTP servers
 * stop). */
void scanhub_shutdown(struct scanhub *);
/* Frees it once the loop has closed its handles. NULL is a no-op. */
void scanhub_free(struct scanhub *);

/* Routes GET /api/v1/scanners and the event streams of staff terminals
 * (GET /api/v1/terminals/{id}/events, id in scanner.terminals): true when
 * it answered into r. Call it only for requests from staff (the admin
 * socket, or the staff listener once a session is checked): never from
 * the public listener. Kiosk terminals' streams are the kiosk's. */
bool scanhub_handle(struct scanhub *, const struct http_request *,
    struct http_response *);
/* {"scanners":[...],"terminals":[...]} as GET /api/v1/scanners (caller
 * owns). */
json_t *scanhub_info(const struct scanhub *);
/* Prometheus lines for /metrics. */
void scanhub_metrics(const struct scanhub *, FILE *);
#endif
