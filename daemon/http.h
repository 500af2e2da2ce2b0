/* http.h: HTTP listeners on the daemon's one libuv loop.
 *
 * libmicrohttpd runs in external-epoll mode (MHD_USE_EPOLL, no internal
 * thread): the loop watches MHD's epoll descriptor and its timeout and calls
 * MHD_run(), so every handler runs on the loop thread and may call the store
 * directly. Request bodies are collected into a buffer bounded by max_body
 * (413 beyond it) before the handler sees the request. */
#ifndef HTTP_H
#define HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <uv.h>

struct http_server;

struct http_request {       /* borrowed by the handler for the call only */
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* decoded URL path, without the query */
	const char *body;   /* NUL-terminated; len bytes; "" when none */
	size_t body_len;
	unsigned char addr[16]; /* client IPv4 (4) or IPv6 (16) bytes */
	size_t addr_len;        /* 0 on the Unix socket */
	bool admin;             /* arrived on the admin socket */
	long peer_uid; /* admin: the peer's uid (SO_PEERCRED), else -1 */
	void *conn_;   /* private: for http_query */
	void *req_;    /* private: for http_defer */
};

struct http_response {            /* filled by the handler */
	int status;               /* HTTP status; 200 when left 0 */
	const char *content_type; /* static; JSON when NULL */
	char *body; /* malloc'd, taken by http.c; or static_body */
	size_t len;
	const char *static_body; /* a static body, not freed */
	unsigned retry_after_s;  /* Retry-After header when > 0 */
	bool cacheable;          /* static assets; API replies are no-store */
};

typedef void http_handler(void *arg, const struct http_request *,
    struct http_response *);

struct http_opts {
	int listen_fd;   /* bound and listening; the server takes it */
	bool admin;      /* the admin Unix socket */
	size_t max_body; /* bytes */
	unsigned max_conns;
	unsigned timeout_s; /* idle connection timeout */
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
/* The value of a query argument, or NULL. Borrowed for the call. */
const char *http_query(const struct http_request *, const char *key);
/* The value of a request header, or NULL. */
const char *http_header(const struct http_request *, const char *name);

/* Listening sockets, opened before privileges are dropped. -1 and errno
 * (with a logged reason) on error. */
int http_listen_tcp(const char *hostport);
int http_listen_unix(const char *path, unsigned mode);
#endif
