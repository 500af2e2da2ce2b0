/* kiosk_api.h: the public kiosk's loop-side half (docs/kiosk.md): the
 * configured terminals with their rate limits, the terminal event streams
 * (Server-Sent Events), the code + second factor lookup, the catalogue,
 * satisfaction ratings, the status slip hook and, only when the config
 * says kiosk.test_endpoints = true, the test-only scan injection. Loop
 * thread only. The pure parts are core/factor.h, core/scantext.h and
 * core/termlist.h. */
#ifndef KIOSK_API_H
#define KIOSK_API_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <uv.h>

#include "config.h"
#include "http/http.h"
#include "http/route.h"
#include "store/store.h"

struct kiosk;

/* Borrows loop, store and cfg (until kiosk_set_config). NULL with a logged
 * reason when the terminal list is bad or memory is short. */
struct kiosk *kiosk_new(uv_loop_t *, struct store *, const struct config *);
/* After a reload: terminals, limits and timings follow cfg (borrowed).
 * Streams of terminals no longer listed are ended. -1 on a bad list (the
 * old one stays). */
int kiosk_set_config(struct kiosk *, const struct config *);
/* Ends every event stream (before the HTTP servers stop). */
void kiosk_shutdown(struct kiosk *);
/* Frees it once the loop has closed its timer. NULL is a no-op. */
void kiosk_free(struct kiosk *);

/* The kiosk's routes (route_handler, http/route.h; the table is
 * daemon/routes.c), on every listener; route_ctx.kiosk is the kiosk.
 * asset: /kiosk.js, /kiosk.css, /fonts/...; config: GET /api/v1/kiosk;
 * lookup: POST /api/v1/lookup; token: GET /api/v1/kiosk/token/TOKEN; rating,
 * print: POST /api/v1/kiosk/...; catalogue: GET /api/v1/kiosk/procedures;
 * events: GET /api/v1/terminals/{id}/events; test: POST /api/v1/test/NAME,
 * 404 unless kiosk.test_endpoints. */
route_handler kiosk_route_asset, kiosk_route_config, kiosk_route_lookup,
    kiosk_route_token, kiosk_route_rating, kiosk_route_print,
    kiosk_route_catalogue, kiosk_route_events, kiosk_route_test;

/* A scan from terminal `terminal` (the scanner module calls this; so does
 * the test endpoint). The payload is untrusted bytes: it is classified
 * (core/scantext.h) and only a token or a canonical code is sent on. at_ms is
 * the wall-clock millisecond the scan entered the daemon. 0, or -1 when the
 * terminal is not configured. */
int kiosk_scan(struct kiosk *, const char *terminal, const void *payload,
    size_t len, long long at_ms);

/* The status-slip printer, as the printer module reports it. Until one
 * registers, the kiosk says "no printer" and hides the button. print()
 * queues a slip of the kiosk-safe view; it returns 0 or -1 with errno. */
struct kiosk_printer_ops {
	bool (*available)(void *arg);
	int (*print)(void *arg, const struct store_lookup *);
};
void kiosk_set_printer(struct kiosk *, const struct kiosk_printer_ops *,
    void *arg);

/* Prometheus lines for /metrics. */
void kiosk_metrics(const struct kiosk *, FILE *);
#endif
