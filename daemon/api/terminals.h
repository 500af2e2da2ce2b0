/* terminals.h: the staff terminals' event streams. A staff terminal (listed
 * in scanner.terminals: a clerk station, an office desk) reads its scans
 * from GET /api/v1/terminals/{id}/events, a Server-Sent Events stream
 * (http/sse.h) with a bounded client count and per-client buffer; a slow
 * client is dropped with a log line. This module is the scan hub's staff
 * sink (scanner/scanhub.h): each scan becomes a `scan` event
 * {kind, value, s10_verdict?, reason?, source, at} (docs/scanners.md).
 * A kiosk terminal's stream is the kiosk's (kiosk_api.h), on the same
 * path. Staff only: never route it from the public listener. Loop thread
 * only. */
#ifndef TERMINALS_H
#define TERMINALS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "scanner/scanhub.h"

struct terminals;

/* Copies the staff terminal ids from hub (borrowed for the call) and starts
 * the heartbeat timer on loop. NULL (logged) when memory is short. */
struct terminals *terminals_new(struct uv_loop_s *, const struct scanhub *);
/* Ends every stream (before the HTTP servers stop). NULL is a no-op. */
void terminals_shutdown(struct terminals *);
/* Frees it once the loop has closed its timer (after the HTTP servers are
 * freed: the streams' done callbacks have run). NULL is a no-op. */
void terminals_free(struct terminals *);

/* The staff sink: arg is the struct terminals. A terminal that is not a
 * staff one gets -1. */
extern const struct scan_sink_ops terminals_sink_ops;

/* True for GET /api/v1/terminals/{id}/events with id a staff terminal:
 * then terminals_events answers it; other ids are the kiosk's. */
bool terminals_match(const struct terminals *, const struct http_request *);
/* GET /api/v1/terminals/{id}/events (ctx: the struct terminals): the
 * stream, or 503 when the set is full; 404 when id is not a staff
 * terminal. */
void terminals_events(void *ctx, const struct http_request *,
    struct http_response *);

/* Streams open for staff terminal id (all when NULL). */
size_t terminals_streams(const struct terminals *, const char *id);
/* Clients dropped as too slow, since the start. */
uint64_t terminals_dropped(const struct terminals *);
#endif
