/* http.h: HTTP listeners on the daemon's one libuv loop.
 *
 * libmicrohttpd runs in external-epoll mode (MHD_USE_EPOLL, no internal
 * thread): the loop watches MHD's epoll descriptor and its timeout and calls
 * MHD_run(), so every handler runs on the loop thread and may call the store
 * directly. Streaming responses suspend their connection while they have
 * nothing to send (MHD_ALLOW_SUSPEND_RESUME; MHD's inter-thread pipe is in
 * its epoll set, so a resume wakes the loop). Request bodies are collected into
 * a buffer bounded by max_body, or by the gate's smaller limit for the
 * request (413 beyond it), before the handler sees the request; the gate
 * may also refuse a request from its headers, before its body is read. */
#ifndef HTTP_H
#define HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <uv.h>

struct http_server;
struct http_stream; /* one open streaming response (event streams) */

#define HTTP_RESERVED_MAX 64

struct http_addr { /* a client address: a plain value */
	unsigned char b[16];
	size_t len; /* 4 (IPv4) or 16 (IPv6) */
};

/* What a listener refused or cut since it started, for /metrics. */
struct http_stats {
	unsigned open;                  /* connections open now */
	unsigned long refused_per_addr; /* over max_conns_per_addr */
	unsigned long refused_full;     /* the unreserved share was full */
	unsigned long header_timeouts;  /* cut at header_timeout_s */
};
struct actor; /* actor.h */

/* A streaming response (Server-Sent Events): the body is read through
 * these, on the loop thread, for as long as the client stays. */
struct http_stream_ops {
	/* The handle for http_stream_wake, once the response is queued. */
	void (*open)(void *arg, struct http_stream *);
	/* Copies up to max bytes into buf: the count; 0 when there is
	 * nothing to send now (the connection is suspended until
	 * http_stream_wake); -1 to end the response. */
	ssize_t (*read)(void *arg, char *buf, size_t max);
	/* The connection is gone (or the stream never opened): the owner
	 * frees arg and must not call http_stream_wake again. */
	void (*done)(void *arg);
};

struct http_request {       /* borrowed by the handler for the call only */
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* decoded URL path, without the query */
	const char *body;   /* NUL-terminated; len bytes; "" when none */
	size_t body_len;
	unsigned char addr[16]; /* client IPv4 (4) or IPv6 (16) bytes */
	size_t addr_len;        /* 0 on the Unix socket */
	/* arrived on the admin socket, or a staff-listener request the
	 * auth layer let through (routes.c sets it on its copy) */
	bool admin;
	long peer_uid; /* admin: the peer's uid (SO_PEERCRED), else -1 */
	/* Who asks, for role checks and the audit log: set by routes.c on
	 * every admin-socket and staff-listener request (NULL from http.c
	 * and on the public listener). Borrowed for the call. */
	const struct actor *actor;
	/* The request's Idempotency-Key, checked and hashed: set by
	 * routes.c on the rows of creates that carry one (NULL otherwise).
	 * Borrowed for the call. */
	const struct request_idem *idem;
	void *conn_; /* private: for http_query */
	void *req_;  /* private: for http_defer */
};

struct http_response {            /* filled by the handler */
	int status;               /* HTTP status; 200 when left 0 */
	const char *content_type; /* static; JSON when NULL */
	char *body; /* malloc'd, taken by http.c; or static_body */
	size_t len;
	const char *static_body; /* a static body, not freed */
	unsigned retry_after_s;  /* Retry-After header when > 0 */
	bool cacheable;          /* static assets; API replies are no-store */
	/* Extra header lines "Name: value\n..." (Set-Cookie, Location):
	 * malloc'd and taken by http.c; NULL: none. */
	char *headers;
	/* A stream instead of a body when set (content_type applies). */
	const struct http_stream_ops *stream; /* static */
	void *stream_arg; /* the owner's; given back to every op */
	/* Records of personal data a listing reply holds, for the read
	 * audit (daemon/routes.c); 0: not counted (a single record). */
	long records;
};

typedef void http_handler(void *arg, const struct http_request *,
    struct http_response *);

/* A listener's decision on a request, made when its headers are in and
 * before any byte of its body is kept. */
struct http_gate_decision {
	/* Bytes the body may have: set to the listener's max_body before
	 * the gate runs, which may only lower it. A larger Content-Length
	 * gets 413 at once; a body that grows past it while read (chunked),
	 * 413 when it ends, its bytes dropped as they come. */
	size_t max_body;
	/* status != 0: this reply is sent at once (401, 403, 404, ...) and
	 * the body is never read. Filled as a handler's response (body and
	 * headers taken by http.c); status 0: go on to the handler. */
	struct http_response refusal;
};
/* Called on the loop thread with method, path, client and headers set
 * (no body; hr->admin is the listener's). arg is the server's handler
 * arg. Must not block. */
typedef void http_gate(void *arg, const struct http_request *,
    struct http_gate_decision *);

struct http_opts {
	int listen_fd;   /* bound and listening; the server takes it */
	bool admin;      /* the admin Unix socket */
	size_t max_body; /* bytes */
	unsigned max_conns;
	unsigned timeout_s; /* idle connection timeout */
	/* At most this many connections from one client address (0: no
	 * limit of its own): one client cannot take every slot. */
	unsigned max_conns_per_addr;
	/* A request's headers must be in within this many seconds of the
	 * connection opening, or of the last request's end plus timeout_s
	 * on a kept-alive connection (0: none). A client trickling a byte
	 * at a time resets the idle timeout but not this deadline. */
	unsigned header_timeout_s;
	/* Slots held back for the reserved addresses (the kiosk terminals'
	 * own): other clients are refused once max_conns - reserved_conns
	 * connections are open. reserved is copied; reserved_count <=
	 * HTTP_RESERVED_MAX. */
	unsigned reserved_conns;
	const struct http_addr *reserved;
	size_t reserved_count;
	/* Optional: decides on each request from its headers alone
	 * (below). NULL: every request may send max_body bytes. */
	http_gate *gate;
	/* Both set: serve HTTPS with this PEM certificate chain and key
	 * (copied). Both NULL: plain HTTP. */
	const char *tls_cert_pem, *tls_key_pem;
};

/* A reply that comes later (e.g. after asking upstream). A handler calls
 * http_defer and leaves the response unset; the request's fields are
 * invalid once the handler returns, so it copies what it needs. The
 * owner must answer every pending request exactly once, soon (it bounds
 * its own wait), and before the server is freed: the connection is
 * suspended until then. */
struct http_pending;
struct http_pending *http_defer(const struct http_request *);
/* Sends the reply (its body is taken as in a handler's response). */
void http_pending_reply(struct http_pending *, struct http_response *);

/* Starts serving on o->listen_fd from loop. The handler and arg are
 * borrowed for the server's life. NULL (with a logged reason) on error. */
struct http_server *http_new(uv_loop_t *loop, const struct http_opts *o,
    http_handler *handler, void *arg);
/* Stops serving and closes the listener and connections. The memory is
 * freed once the loop has run the handle close callbacks. NULL: no-op. */
void http_free(struct http_server *);
/* The listener's connection counters (NULL server: all zero). */
void http_stats(const struct http_server *, struct http_stats *);
/* There is more to read on this stream: resumes its connection. Loop
 * thread; may be called from inside a handler. */
void http_stream_wake(struct http_stream *);
/* The value of a query argument, or NULL. Borrowed for the call. */
const char *http_query(const struct http_request *, const char *key);
/* The value of a request header, or NULL. */
const char *http_header(const struct http_request *, const char *name);
/* The request's query arguments rebuilt as "k=v&k2=v2", each key and value
 * percent-encoded (unreserved characters kept), into buf. "" when there are
 * none; false when they do not fit in size bytes. */
bool http_query_string(const struct http_request *, char *buf, size_t size);
/* Percent-encodes len bytes of s into buf (unreserved characters and those
 * in keep are kept); false when it does not fit in size bytes. */
bool http_pct_encode(const char *s, size_t len, const char *keep, char *buf,
    size_t size);

/* Listening sockets, opened before privileges are dropped. -1 and errno
 * (with a logged reason) on error. */
int http_listen_tcp(const char *hostport);
int http_listen_unix(const char *path, unsigned mode);
#endif
