/* http.c: libmicrohttpd on the libuv loop. See http.h. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <uv.h>

#include "http/http.h"
#include "lib/log.h"

struct http_server {
	struct MHD_Daemon *mhd; /* owned */
	uv_poll_t poll;         /* MHD's epoll fd readable: MHD_run */
	uv_timer_t timer;       /* MHD_get_timeout deadline */
	int closing;            /* handles still to close before free */
	http_handler *handler;  /* borrowed */
	void *arg;              /* borrowed */
	bool admin;
	size_t max_body;
	http_gate *gate;  /* see http_opts; NULL: none */
	bool rerun;       /* a stream woke during MHD_run: run again at once */
	char *cert, *key; /* owned PEM copies, or NULL */
	/* Connection accounting (on_connection, admit, on_sweep). */
	uv_loop_t *loop;
	uv_timer_t sweep;   /* header deadlines and refusal summaries */
	struct conn *conns; /* open connections, a doubly linked list */
	unsigned nconns;
	unsigned nrefused; /* of nconns: refused, being closed */
	unsigned max_conns, per_addr_max, reserved_conns;
	uint64_t header_timeout_ms, idle_timeout_ms;
	struct http_addr reserved[HTTP_RESERVED_MAX];
	size_t nreserved;
	struct http_stats stats;
	unsigned long logged_refusals; /* refusals already summarised */
	uint64_t logged_at_ms;
};

/* One open connection: its client for the per-address limit, and the
 * deadline for its next request's headers. Owned by the server's list
 * from MHD's "started" notice to its "closed" one. */
struct conn {
	struct conn *next, *prev;
	struct http_addr addr; /* len 0 on the Unix socket */
	int fd;
	bool waiting;         /* no request's headers in yet */
	bool refused;         /* over a limit: shut down, closing */
	uint64_t deadline_ms; /* uv_now() by which they must be */
};

struct http_stream {
	struct http_server *server; /* borrowed: its timer runs MHD */
	struct MHD_Connection *conn;
	const struct http_stream_ops *ops; /* static */
	void *arg;                         /* the owner's */
	bool suspended;
};

struct req {        /* one request's state, from the first call to completion */
	char *body; /* owned; len < cap <= max + 1 */
	size_t len, cap;
	size_t max; /* this request's body limit */
	bool too_big;
	bool answered; /* replied from the headers: the body is dropped */
	/* deferred replies (http_defer) */
	struct http_server *srv;
	struct MHD_Connection *conn;
	bool deferred, ready;
	struct http_response reply;
};

static struct conn *
conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

static void
set_status_body(struct http_response *r, int status, const char *json)
{
	r->status = status;
	r->static_body = json;
	r->len = strlen(json);
}

static void on_timer(uv_timer_t *);

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *hs = cls;
	ssize_t n;

	(void)pos;
	n = hs->ops->read(hs->arg, buf, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n == 0 && !hs->suspended) {
		/* Nothing now: park the connection until the owner wakes
		 * it, rather than have MHD ask again on every run. */
		hs->suspended = true;
		MHD_suspend_connection(hs->conn);
	}
	return n;
}

static void
stream_free(void *cls)
{
	struct http_stream *hs = cls;

	hs->ops->done(hs->arg);
	free(hs);
}

void
http_stream_wake(struct http_stream *hs)
{
	if (hs != NULL && hs->suspended) {
		hs->suspended = false;
		MHD_resume_connection(hs->conn);
		/* MHD's own wake-up pipe does not reach its epoll set in
		 * external mode on every version: run it on the next loop
		 * turn ourselves. Inside MHD_run, run_mhd sees the flag. */
		hs->server->rerun = true;
		uv_timer_start(&hs->server->timer, on_timer, 0, 0);
	}
}

static struct MHD_Response *
stream_response(struct http_server *s, struct MHD_Connection *c,
    struct http_response *r)
{
	struct http_stream *hs = calloc(1, sizeof *hs);
	struct MHD_Response *resp;

	if (hs == NULL) {
		r->stream->done(r->stream_arg);
		return NULL;
	}
	hs->server = s;
	hs->conn = c;
	hs->ops = r->stream;
	hs->arg = r->stream_arg;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
	    stream_read, hs, stream_free);
	if (resp == NULL) {
		stream_free(hs);
		return NULL;
	}
	hs->ops->open(hs->arg, hs);
	return resp;
}

/* The handler's extra "Name: value" lines. */
static void
add_headers(struct MHD_Response *resp, char *lines)
{
	char *line, *save = NULL, *colon;

	for (line = lines ? strtok_r(lines, "\n", &save) : NULL; line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if ((colon = strstr(line, ": ")) == NULL)
			continue;
		*colon = '\0';
		MHD_add_response_header(resp, line, colon + 2);
	}
}

static enum MHD_Result
queue(struct http_server *s, struct MHD_Connection *c, struct http_response *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char num[16];

	if (r->stream != NULL)
		resp = stream_response(s, c, r);
	else if (r->body != NULL)
		resp = MHD_create_response_from_buffer(r->len, r->body,
		    MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(r->len,
		    (void *)(uintptr_t)(r->static_body ? r->static_body : ""),
		    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		free(r->body);
		free(r->headers);
		return MHD_NO;
	}
	add_headers(resp, r->headers);
	free(r->headers);
	r->headers = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->content_type ? r->content_type
	                    : "application/json; charset=utf-8");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    r->cacheable ? "public, max-age=300" : "no-store");

	/* Pages may load only what this daemon serves: no CDN, no other
	 * host, no inline script. */
	if (r->content_type != NULL &&
	    strncmp(r->content_type, "text/html", 9) == 0) {
		/* pages only: a JSON reply is never a document a link leaves */
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "Content-Security-Policy",
		    "default-src 'self'; img-src 'self' data:; "
		    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	}
	if (r->retry_after_s > 0) {
		snprintf(num, sizeof num, "%u", r->retry_after_s);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	ret = MHD_queue_response(c, (unsigned)(r->status ? r->status : 200),
	    resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
client_of(struct MHD_Connection *c, struct http_request *hr)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	struct ucred cred;
	socklen_t clen = sizeof cred;

	hr->addr_len = 0;
	hr->peer_uid = -1;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		if (sa->sa_family == AF_INET) {
			const struct sockaddr_in *in = (const void *)sa;
			memcpy(hr->addr, &in->sin_addr, 4);
			hr->addr_len = 4;
		} else if (sa->sa_family == AF_INET6) {
			const struct sockaddr_in6 *in6 = (const void *)sa;
			memcpy(hr->addr, &in6->sin6_addr, 16);
			hr->addr_len = 16;
		}
	}
	if (!hr->admin)
		return;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL &&
	    getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) ==
	        0)
		hr->peer_uid = (long)cred.uid;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct http_server *s = cls;
	struct req *rq = *con_cls;
	struct http_request hr = { 0 };
	struct http_response r = { 0 };
	const char *cl;

	(void)version;
	if (rq == NULL) { /* headers only: check the declared size first */
		struct conn *cn = conn_of(c);

		if (cn != NULL) /* the headers are in: the idle timeout rules */
			cn->waiting = false;
		if ((rq = calloc(1, sizeof *rq)) == NULL)
			return MHD_NO;
		*con_cls = rq;
		rq->max = s->max_body;
		if (s->gate != NULL) {
			/* decided on the headers, before any byte of the body
			 * is kept: who may not call the route, or may send
			 * only a small body, cannot make us hold megabytes */
			struct http_gate_decision g = { .max_body =
				                            s->max_body };

			hr.method = method;
			hr.path = url;
			hr.body = "";
			hr.admin = s->admin;
			hr.conn_ = c;
			client_of(c, &hr);
			s->gate(s->arg, &hr, &g);
			if (g.refusal.status != 0) {
				rq->too_big = rq->answered = true;
				g.refusal.stream = NULL;
				return queue(s, c, &g.refusal);
			}
			if (g.max_body < rq->max)
				rq->max = g.max_body;
		}
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > rq->max) {
			rq->too_big = rq->answered = true;
			set_status_body(&r, 413,
			    "{\"error\":{\"field\":\"body\",\"message\":\"request body too large\"}}");
			return queue(s, c, &r);
		}
		return MHD_YES;
	}
	if (*upload_len > 0) {
		size_t n = *upload_len;

		*upload_len = 0; /* consumed, or dropped when too big */
		if (rq->too_big)
			return MHD_YES;
		if (n > rq->max - rq->len) {
			rq->too_big = true;
			free(rq->body);
			rq->body = NULL;
			rq->len = rq->cap = 0;
			return MHD_YES;
		}
		if (rq->len + n + 1 > rq->cap) {
			size_t cap = rq->cap ? rq->cap : 4096;
			char *nb;

			while (cap < rq->len + n + 1)
				cap *= 2;
			if (cap > rq->max + 1)
				cap = rq->max + 1;
			if ((nb = realloc(rq->body, cap)) == NULL)
				return MHD_NO;
			rq->body = nb;
			rq->cap = cap;
		}
		memcpy(rq->body + rq->len, upload, n);
		rq->len += n;
		rq->body[rq->len] = '\0';
		return MHD_YES;
	}
	if (rq->ready) { /* resumed: the deferred reply is here */
		rq->ready = false;
		return queue(s, c, &rq->reply);
	}
	if (rq->deferred) /* woken before the reply: keep waiting */
		return MHD_YES;
	if (rq->answered) /* already queued from the headers */
		return MHD_YES;
	if (rq->too_big) {
		set_status_body(&r, 413,
		    "{\"error\":{\"field\":\"body\",\"message\":\"request body too large\"}}");
		return queue(s, c, &r);
	}
	hr.method = method;
	hr.path = url;
	hr.body = rq->body ? rq->body : "";
	hr.body_len = rq->len;
	hr.admin = s->admin;
	hr.conn_ = c;
	hr.req_ = rq;
	rq->srv = s;
	rq->conn = c;
	client_of(c, &hr);
	s->handler(s->arg, &hr, &r);
	if (rq->deferred) {
		MHD_suspend_connection(c);
		return MHD_YES;
	}
	return queue(s, c, &r);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req *rq = *con_cls;
	struct conn *cn = conn_of(c);

	(void)toe;
	if (cn != NULL && s->header_timeout_ms > 0) {
		/* kept alive: the next request's headers are due within the
		 * idle timeout plus the header deadline */
		cn->waiting = true;
		cn->deadline_ms =
		    uv_now(s->loop) + s->idle_timeout_ms + s->header_timeout_ms;
	}
	if (rq != NULL) {
		if (rq->ready) { /* answered, but the server stopped first */
			free(rq->reply.body);
			free(rq->reply.headers);
		}
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* MHD hands us its own format strings. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	if (n > 0 && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_debug("http: %s", msg);
}

static void run_mhd(struct http_server *);

static size_t
addr_bytes(const struct sockaddr *sa, struct http_addr *a)
{
	a->len = 0;
	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		memcpy(a->b, &in->sin_addr, 4);
		a->len = 4;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		memcpy(a->b, &in6->sin6_addr, 16);
		a->len = 16;
	}
	return a->len;
}

static bool
addr_eq(const struct http_addr *a, const struct http_addr *b)
{
	return a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

/* The per-address limit and the reserved share, for a connection MHD has
 * just taken (c is already on the list). The list is at most max_conns
 * long, so a linear count costs less than the accept itself.
 *
 * Decided here rather than in MHD's accept-policy callback on purpose: a
 * refusal there ends MHD's accept loop for the run, and connections left
 * in the backlog then waited for the next one to arrive (TLS clients timed
 * out in the tests). A refused connection is shut down at once; MHD sees
 * the end of the stream and closes it in its own run. */
static bool
admit(struct http_server *s, const struct conn *c)
{
	unsigned same = 0;
	bool reserved = false;

	if (c->addr.len == 0)
		return true; /* the admin socket: local, already trusted */
	for (size_t i = 0; i < s->nreserved; i++)
		if (addr_eq(&c->addr, &s->reserved[i]))
			reserved = true;
	if (s->per_addr_max > 0) {
		for (const struct conn *o = s->conns; o != NULL; o = o->next)
			if (o != c && !o->refused &&
			    addr_eq(&c->addr, &o->addr))
				same++;
		if (same >= s->per_addr_max) {
			s->stats.refused_per_addr++;
			return false;
		}
	}
	if (!reserved && s->reserved_conns > 0 &&
	    s->nconns - s->nrefused + s->reserved_conns > s->max_conns) {
		s->stats.refused_full++;
		return false;
	}
	return true;
}

static void on_sweep(uv_timer_t *);

static void
on_connection(void *cls, struct MHD_Connection *mc, void **ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	struct conn *c = *ctx;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(mc,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		if ((c = calloc(1, sizeof *c)) == NULL) {
			/* untracked, it could escape both limits: end it */
			if (ci != NULL)
				shutdown(ci->connect_fd, SHUT_RDWR);
			return;
		}
		c->fd = ci != NULL ? ci->connect_fd : -1;
		ci = MHD_get_connection_info(mc,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		addr_bytes(ci != NULL ? ci->client_addr : NULL, &c->addr);
		c->waiting = true;
		c->deadline_ms = uv_now(s->loop) + s->header_timeout_ms;
		c->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = c;
		s->conns = c;
		s->nconns++;
		*ctx = c;
		if (!admit(s, c)) {
			c->refused = true;
			c->waiting = false;
			s->nrefused++;
			if (c->fd != -1)
				shutdown(c->fd, SHUT_RDWR);
		}
		return;
	}
	if (c == NULL) /* MHD_CONNECTION_NOTIFY_CLOSED, untracked */
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->nconns--;
	if (c->refused)
		s->nrefused--;
	free(c);
	*ctx = NULL;
}

/* Once a second: ends the connections whose headers are late (shutdown()
 * makes MHD see the end of the stream and close it in its own run), and
 * logs refusals as one summary a minute rather than a line each, which
 * an attacker could turn into a log flood. */
static void
on_sweep(uv_timer_t *t)
{
	struct http_server *s = t->data;
	uint64_t now = uv_now(s->loop);
	unsigned long refused;
	bool cut = false;

	if (s->header_timeout_ms > 0)
		for (struct conn *c = s->conns; c != NULL; c = c->next)
			if (c->waiting && c->fd != -1 &&
			    now >= c->deadline_ms) {
				shutdown(c->fd, SHUT_RDWR);
				c->waiting = false;
				s->stats.header_timeouts++;
				cut = true;
			}
	refused = s->stats.refused_per_addr + s->stats.refused_full +
	    s->stats.header_timeouts;
	if (refused != s->logged_refusals &&
	    now - s->logged_at_ms >= 60 * 1000) {
		log_warnx("http: refused or cut %lu connections in the last "
		          "minute (%lu over the per-address limit, %lu with "
		          "the unreserved share full, %lu late headers in all)",
		    refused - s->logged_refusals, s->stats.refused_per_addr,
		    s->stats.refused_full, s->stats.header_timeouts);
		s->logged_refusals = refused;
		s->logged_at_ms = now;
	}
	if (cut)
		run_mhd(s);
}

void
http_stats(const struct http_server *s, struct http_stats *out)
{
	memset(out, 0, sizeof *out);
	if (s == NULL)
		return;
	*out = s->stats;
	out->open = s->nconns;
}

static void
on_timer(uv_timer_t *t)
{
	run_mhd(t->data);
}

static void
on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	run_mhd(p->data);
}

/* The longest the loop leaves MHD without a run. */
#define RUN_MAX_MS 1000

/* Lets MHD do all the work it has, then arms the timer for its next
 * deadline (connection timeouts, or 0 when it has buffered work left).
 *
 * At its connection limit MHD takes its listening socket out of its epoll
 * set, and puts it back only at the start of a later run. If the run that
 * closes connections leaves none open, no descriptor would ever wake us
 * for that later run and the listener would stay deaf. So a run that
 * closed connections is followed by another at once, and the timer is
 * never left off: at most RUN_MAX_MS pass between runs. */
static void
run_mhd(struct http_server *s)
{
	MHD_UNSIGNED_LONG_LONG ms;
	unsigned before = s->nconns;

	s->rerun = false;
	MHD_run(s->mhd);
	if (s->rerun || s->nconns < before)
		uv_timer_start(&s->timer, on_timer, 0, 0);
	else if (MHD_get_timeout(s->mhd, &ms) == MHD_YES && ms < RUN_MAX_MS)
		uv_timer_start(&s->timer, on_timer, ms, 0);
	else
		uv_timer_start(&s->timer, on_timer, RUN_MAX_MS, 0);
}

struct http_server *
http_new(uv_loop_t *loop, const struct http_opts *o, http_handler *handler,
    void *arg)
{
	struct http_server *s;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
	    MHD_ALLOW_SUSPEND_RESUME;

	if ((s = calloc(1, sizeof *s)) == NULL) {
		log_warn("http: allocating the server");
		close(o->listen_fd);
		return NULL;
	}
	s->handler = handler;
	s->arg = arg;
	s->admin = o->admin;
	s->max_body = o->max_body;
	s->gate = o->gate;
	s->loop = loop;
	s->max_conns = o->max_conns;
	s->per_addr_max = o->max_conns_per_addr;
	s->reserved_conns =
	    o->reserved_conns < o->max_conns ? o->reserved_conns : 0;
	s->header_timeout_ms = (uint64_t)o->header_timeout_s * 1000;
	s->idle_timeout_ms = (uint64_t)o->timeout_s * 1000;
	s->nreserved = o->reserved_count < HTTP_RESERVED_MAX
	    ? o->reserved_count
	    : HTTP_RESERVED_MAX;
	if (s->nreserved > 0)
		memcpy(s->reserved, o->reserved,
		    s->nreserved * sizeof *s->reserved);
	if (o->tls_cert_pem != NULL && o->tls_key_pem != NULL) {
		s->cert = strdup(o->tls_cert_pem);
		s->key = strdup(o->tls_key_pem);
		if (s->cert == NULL || s->key == NULL) {
			log_warn("http: copying the TLS key");
			close(o->listen_fd);
			free(s->cert);
			free(s->key);
			free(s);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, s->key },
		{ MHD_OPTION_END, 0, NULL },
	};
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
	    /* first, so that MHD logs nothing through its own logger */
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_ARRAY,
	    s->cert != NULL ? tls : tls + 2, MHD_OPTION_LISTEN_SOCKET,
	    (MHD_socket)o->listen_fd, MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s,
	    /* MHD clears its per-connection pool for every request: keep it
	     * small, bodies go to our own buffer anyway. */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
	if (s->mhd == NULL) {
		log_warnx("http: cannot start libmicrohttpd");
		close(o->listen_fd);
		free(s->cert);
		free(s->key);
		free(s);
		return NULL;
	}
	di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	uv_poll_init(loop, &s->poll, di->epoll_fd);
	uv_timer_init(loop, &s->timer);
	uv_timer_init(loop, &s->sweep);
	s->poll.data = s->timer.data = s->sweep.data = s;
	s->logged_at_ms = uv_now(loop);
	uv_poll_start(&s->poll, UV_READABLE, on_poll);
	uv_timer_start(&s->sweep, on_sweep, 1000, 1000);
	run_mhd(s);
	return s;
}

static void
on_close(uv_handle_t *h)
{
	struct http_server *s = h->data;

	if (--s->closing == 0) {
		free(s->cert);
		free(s->key);
		free(s);
	}
}

void
http_free(struct http_server *s)
{
	if (s == NULL)
		return;
	/* Stop watching MHD's epoll fd before MHD closes it. */
	uv_poll_stop(&s->poll);
	uv_timer_stop(&s->timer);
	uv_timer_stop(&s->sweep);
	MHD_stop_daemon(s->mhd); /* notifies every close: the list empties */
	s->closing = 3;
	uv_close((uv_handle_t *)&s->poll, on_close);
	uv_close((uv_handle_t *)&s->timer, on_close);
	uv_close((uv_handle_t *)&s->sweep, on_close);
}

struct http_pending *
http_defer(const struct http_request *hr)
{
	struct req *rq = hr->req_;

	rq->deferred = true;
	return (struct http_pending *)rq;
}

void
http_pending_reply(struct http_pending *p, struct http_response *r)
{
	struct req *rq = (struct req *)p;

	rq->reply = *r;
	rq->deferred = false;
	rq->ready = true;
	MHD_resume_connection(rq->conn);
	/* let MHD see the resumed connection on the next loop turn */
	uv_timer_start(&rq->srv->timer, on_timer, 0, 0);
}

const char *
http_query(const struct http_request *hr, const char *key)
{
	return MHD_lookup_connection_value(hr->conn_, MHD_GET_ARGUMENT_KIND,
	    key);
}

bool
http_pct_encode(const char *s, size_t len, const char *keep, char *buf,
    size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~' ||
		    (c != '\0' && keep != NULL && strchr(keep, c) != NULL);

		if (n + (plain ? 1 : 3) >= size)
			return false;
		if (plain)
			buf[n++] = (char)c;
		else {
			buf[n++] = '%';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	if (size == 0)
		return false;
	buf[n] = '\0';
	return true;
}

struct qs {
	char *buf;
	size_t size, len;
	bool ok;
};

static enum MHD_Result
qs_add(void *arg, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct qs *q = arg;

	(void)kind;
	if (!q->ok)
		return MHD_NO;
	if (q->len > 0) {
		if (q->len + 1 >= q->size)
			return q->ok = false, MHD_NO;
		q->buf[q->len++] = '&';
	}
	if (!http_pct_encode(key, strlen(key), NULL, q->buf + q->len,
	        q->size - q->len))
		return q->ok = false, MHD_NO;
	q->len += strlen(q->buf + q->len);
	if (value == NULL)
		return MHD_YES;
	if (q->len + 1 >= q->size)
		return q->ok = false, MHD_NO;
	q->buf[q->len++] = '=';
	if (!http_pct_encode(value, strlen(value), NULL, q->buf + q->len,
	        q->size - q->len))
		return q->ok = false, MHD_NO;
	q->len += strlen(q->buf + q->len);
	return MHD_YES;
}

bool
http_query_string(const struct http_request *hr, char *buf, size_t size)
{
	struct qs q = { buf, size, 0, size > 0 };

	if (size > 0)
		buf[0] = '\0';
	MHD_get_connection_values(hr->conn_, MHD_GET_ARGUMENT_KIND, qs_add, &q);
	if (q.ok)
		buf[q.len] = '\0';
	return q.ok;
}

const char *
http_header(const struct http_request *hr, const char *name)
{
	return MHD_lookup_connection_value(hr->conn_, MHD_HEADER_KIND, name);
}

int
http_listen_tcp(const char *hostport)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = { 0 }, *ai = NULL;
	int fd, one = 1, rc;
	size_t hl;

	if (colon == NULL || (hl = (size_t)(colon - hostport)) >= sizeof host) {
		errno = EINVAL;
		log_warnx("listen %s: expected host:port", hostport);
		return -1;
	}
	memcpy(host, hostport, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai)) !=
	    0) {
		log_warnx("listen %s: %s", hostport, gai_strerror(rc));
		errno = EINVAL;
		return -1;
	}
	fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 511)) {
		log_warn("listen %s", hostport);
		if (fd != -1)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int
http_listen_unix(const char *path, unsigned mode)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		log_warn("admin socket %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	/* A stale socket from an earlier run is removed; anything else at
	 * that path is left alone. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	         0)) == -1) {
		log_warn("admin socket %s", path);
		return -1;
	}
	/* Create it with no access at all, then open it up to mode: there is
	 * no window where it is wider than configured. */
	old = umask(0777);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(old);
		log_warn("admin socket %s", path);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, mode) == -1 || listen(fd, 64) == -1) {
		log_warn("admin socket %s", path);
		close(fd);
		return -1;
	}
	return fd;
}
