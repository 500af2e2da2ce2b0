/* sse.h: Server-Sent Events streams for terminals, on http.h's streaming
 * responses. A set holds at most max_clients shared streams; each stream
 * belongs to one terminal and queues at most buf_max bytes. A client that
 * lets its buffer fill is dropped (one log line, counted): a page that
 * misses events reconnects and starts clean. Loop thread only.
 *
 * Caps (docs/security.md): a terminal has at most per_terminal streams and
 * one client address at most per_addr, so that no address or terminal
 * takes the whole set. A reserved open (the kiosk terminal pinned to the
 * asking address) is outside the shared cap and the address cap: it
 * always gets its stream, closing that terminal's oldest one when it
 * already has per_terminal, so only the pinned device itself bounds it.
 *
 * Ownership: the owner (kiosk, scan hub) owns the set; each stream is owned
 * by its connection and freed by http.c's done callback. Free the set after
 * the HTTP servers (their done callbacks have run by then). */
#ifndef SSE_H
#define SSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

#define SSE_TERMINAL_MAX 32 /* bytes of a terminal id, with its NUL */

struct sse_set;

/* what: the log lines' subject before the terminal ("kiosk" gives "kiosk
 * desk1: event stream opened"); static. NULL (logged) when out of memory. */
struct sse_set *sse_new(const char *what, size_t max_clients, size_t buf_max);
/* Streams still open end at their next read and no longer reach the set.
 * NULL: no-op. */
void sse_free(struct sse_set *);
/* A new client bound (a config reload); open streams stay. */
void sse_set_max_clients(struct sse_set *, size_t max_clients);
/* Streams one terminal, and one client address, may hold (0: no cap, the
 * default). Open streams stay. */
void sse_set_caps(struct sse_set *, size_t per_terminal, size_t per_addr);

/* Who asks for a stream: the client address (http_request's addr; 0
 * bytes on the Unix socket, which no address cap counts) and whether the
 * stream is reserved (see above). */
struct sse_client {
	const unsigned char *addr;
	size_t addr_len; /* at most 16 */
	bool reserved;
};

/* Fills r with a stream for terminal that starts with the hello event
 * (retry 2 s, {"terminal", "heartbeat_s"}); or with 503 + Retry-After 5
 * when the set, the terminal's share or the address's share is full or
 * the set has ended, 500 when out of memory. client NULL: a shared stream
 * from no address. */
void sse_open_client(struct sse_set *, struct http_response *r,
    const char *terminal, int heartbeat_s, const struct sse_client *client);
/* sse_open_client with client NULL. */
void sse_open(struct sse_set *, struct http_response *r, const char *terminal,
    int heartbeat_s);
/* "event: NAME\ndata: JSON\n\n" to every stream of terminal (all when
 * NULL). Compact JSON has no newline to break the framing. Takes data. */
void sse_push(struct sse_set *, const char *terminal, const char *event,
    json_t *data);
/* A "ping" event {"at_ms"} to every stream: a real event, as EventSource
 * hides comments; it also finds closed clients, which MHD notices only
 * when it writes. */
void sse_heartbeat(struct sse_set *);
/* Ends every stream once its buffer drains; later opens get 503. */
void sse_end_all(struct sse_set *);
/* Ends the streams whose terminal keep() refuses (a terminal removed). */
void sse_end_unless(struct sse_set *,
    bool (*keep)(void *arg, const char *terminal), void *arg);

/* Streams open for terminal (all when NULL). */
size_t sse_count(const struct sse_set *, const char *terminal);
/* Clients dropped as too slow, since the set was made. */
uint64_t sse_dropped(const struct sse_set *);
#endif
