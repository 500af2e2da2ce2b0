/* kiosk_api.h: the public kiosk's loop-side half (docs/kiosk.md): the
 * configured terminals with their rate limits, the terminal event streams
 * (Server-Sent Events), the code + second factor lookup, the catalogue,
 * satisfaction ratings, the status slip hook and, only when the config
 * says kiosk.test_endpoints = true, the test-only scan injection. Loop
 * thread only. The pure parts are in kiosk.h. */
#ifndef KIOSK_API_H
#define KIOSK_API_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <uv.h>

#include "config.h"
#include "http/http.h"
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

/* Routes the kiosk's requests: true when it answered into r. */
bool kiosk_handle(struct kiosk *, const struct http_request *,
    struct http_response *);

/* A scan from terminal `terminal` (the scanner module calls this; so does
 * the test endpoint). The payload is untrusted bytes: it is classified
 * (kiosk.h) and only a token or a canonical code is sent on. at_ms is the
 * wall-clock millisecond the scan entered the daemon. 0, or -1 when the
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
