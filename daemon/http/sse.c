/* sse.c: see sse.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/clock.h"
#include "http/reply.h"
#include "http/sse.h"

struct stream {
	struct sse_set *set;    /* NULL once the set is freed */
	struct http_stream *hs; /* NULL until opened */
	char terminal[SSE_TERMINAL_MAX];
	unsigned char addr[16]; /* the client's, for the per-address cap */
	size_t addr_len;
	bool reserved;   /* outside the shared cap (sse.h) */
	uint64_t serial; /* order of opening: the oldest is evicted */
	size_t off, len; /* off <= len <= cap */
	size_t cap;      /* the set's buf_max: the set may go first */
	bool ending;     /* end the response once buf drains */
	char buf[];      /* cap bytes */
};

struct sse_set {
	const char *what;
	size_t max_clients, buf_max;
	size_t per_terminal, per_addr; /* 0: no cap */
	struct stream **streams;       /* n in front; alloc slots */
	size_t n, alloc, max_alloc;    /* max_alloc: the shared bound */
	size_t reserved;               /* of the n, reserved streams */
	bool ended;
	uint64_t dropped, serial;
};

static void
stream_open(void *arg, struct http_stream *hs)
{
	struct stream *s = arg;

	s->hs = hs;
}

static ssize_t
stream_read(void *arg, char *buf, size_t max)
{
	struct stream *s = arg;
	size_t n = s->len - s->off;

	if (n == 0)
		return s->ending ? -1 : 0;
	if (n > max)
		n = max;
	memcpy(buf, s->buf + s->off, n);
	s->off += n;
	if (s->off == s->len)
		s->off = s->len = 0;
	return (ssize_t)n;
}

static void
stream_done(void *arg)
{
	struct stream *s = arg;
	struct sse_set *set = s->set;

	if (set != NULL) {
		for (size_t i = 0; i < set->n; i++)
			if (set->streams[i] == s) {
				set->streams[i] = set->streams[--set->n];
				set->reserved -= s->reserved;
				break;
			}
		log_debug("%s %s: event stream closed", set->what, s->terminal);
	}
	free(s);
}

static const struct http_stream_ops stream_ops = { stream_open, stream_read,
	stream_done };

static void
stream_end(struct stream *s)
{
	s->ending = true;
	if (s->hs != NULL)
		http_stream_wake(s->hs);
}

/* Queues text on one stream; drops a client whose buffer is full. */
static void
stream_push(struct stream *s, const char *text, size_t n)
{
	if (s->ending)
		return;
	if (s->off > 0 && n > s->cap - s->len) {
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	if (n > s->cap - s->len) {
		s->set->dropped++;
		log_warnx("%s %s: event stream client too slow, dropped",
		    s->set->what, s->terminal);
		s->ending = true;
		s->off = s->len = 0;
	} else {
		memcpy(s->buf + s->len, text, n);
		s->len += n;
	}
	if (s->hs != NULL)
		http_stream_wake(s->hs);
}

struct sse_set *
sse_new(const char *what, size_t max_clients, size_t buf_max)
{
	struct sse_set *set = calloc(1, sizeof *set);

	if (set == NULL ||
	    (set->streams = calloc(max_clients ? max_clients : 1,
	         sizeof *set->streams)) == NULL) {
		log_warn("%s: event streams", what);
		free(set);
		return NULL;
	}
	set->what = what;
	set->max_clients = set->max_alloc = set->alloc = max_clients;
	set->buf_max = buf_max;
	return set;
}

void
sse_free(struct sse_set *set)
{
	if (set == NULL)
		return;
	/* no wake: the connections may be closing already */
	for (size_t i = 0; i < set->n; i++) {
		set->streams[i]->set = NULL;
		set->streams[i]->ending = true;
	}
	free(set->streams);
	free(set);
}

void
sse_set_max_clients(struct sse_set *set, size_t max_clients)
{
	/* the slot array is sized once: a larger bound is capped */
	set->max_clients =
	    max_clients < set->max_alloc ? max_clients : set->max_alloc;
}

void
sse_set_caps(struct sse_set *set, size_t per_terminal, size_t per_addr)
{
	set->per_terminal = per_terminal;
	set->per_addr = per_addr;
}

static bool
same_addr(const struct stream *s, const struct sse_client *c)
{
	return c->addr_len > 0 && s->addr_len == c->addr_len &&
	    memcmp(s->addr, c->addr, c->addr_len) == 0;
}

/* The oldest live stream of terminal, or NULL. */
static struct stream *
oldest_of(const struct sse_set *set, const char *terminal)
{
	struct stream *old = NULL;

	for (size_t i = 0; i < set->n; i++) {
		struct stream *s = set->streams[i];

		if (!s->ending && strcmp(s->terminal, terminal) == 0 &&
		    (old == NULL || s->serial < old->serial))
			old = s;
	}
	return old;
}

/* Why a stream may not open now; NULL when it may. A reserved stream
 * makes room in its terminal's share by ending the oldest (that device's
 * own stale page). */
static const char *
refusal(struct sse_set *set, const char *terminal, const struct sse_client *c)
{
	size_t term = 0, addr = 0;

	if (set->ended)
		return "the event streams are ending";
	for (size_t i = 0; i < set->n; i++) {
		const struct stream *s = set->streams[i];

		if (s->ending)
			continue; /* on its way out: holds no share */
		term += strcmp(s->terminal, terminal) == 0;
		addr += c != NULL && !s->reserved && same_addr(s, c);
	}
	if (c != NULL && c->reserved) {
		struct stream *old = oldest_of(set, terminal);

		if (set->per_terminal > 0 && term >= set->per_terminal &&
		    old != NULL)
			stream_end(old);
		return NULL;
	}
	if (set->n - set->reserved >= set->max_clients)
		return "too many event streams are open; try again later";
	if (set->per_terminal > 0 && term >= set->per_terminal)
		return "this terminal has too many event streams open";
	if (c != NULL && set->per_addr > 0 && c->addr_len > 0 &&
	    addr >= set->per_addr)
		return "too many event streams from this address";
	return NULL;
}

/* Room for one more slot; a reserved stream may pass the shared bound. */
static int
grow(struct sse_set *set)
{
	struct stream **p;
	size_t want;

	if (set->n < set->alloc)
		return 0;
	want = set->alloc < 8 ? 8 : set->alloc * 2;
	if ((p = reallocarray(set->streams, want, sizeof *p)) == NULL)
		return -1;
	set->streams = p;
	set->alloc = want;
	return 0;
}

void
sse_open(struct sse_set *set, struct http_response *r, const char *terminal,
    int heartbeat_s)
{
	sse_open_client(set, r, terminal, heartbeat_s, NULL);
}

void
sse_open_client(struct sse_set *set, struct http_response *r,
    const char *terminal, int heartbeat_s, const struct sse_client *c)
{
	const char *why = refusal(set, terminal, c);
	struct stream *s;
	int n;

	if (why != NULL) {
		r->retry_after_s = 5;
		reply_error(r, 503, "terminal", why);
		return;
	}
	if (grow(set) == -1 ||
	    (s = calloc(1, sizeof *s + set->buf_max)) == NULL) {
		reply_error(r, 500, "", "out of memory");
		return;
	}
	s->set = set;
	s->cap = set->buf_max;
	s->serial = ++set->serial;
	if (c != NULL && c->addr_len <= sizeof s->addr) {
		memcpy(s->addr, c->addr, c->addr_len);
		s->addr_len = c->addr_len;
		s->reserved = c->reserved;
	}
	set->reserved += s->reserved;
	snprintf(s->terminal, sizeof s->terminal, "%s", terminal);
	/* retry: the browser's own reconnect delay; pages add backoff */
	n = snprintf(s->buf, s->cap,
	    "retry: 2000\nevent: hello\ndata: {\"terminal\":\"%s\","
	    "\"heartbeat_s\":%d}\n\n",
	    s->terminal, heartbeat_s);
	s->len = n < 0 ? 0 : (size_t)n < s->cap ? (size_t)n : s->cap;
	set->streams[set->n++] = s;
	r->stream = &stream_ops;
	r->stream_arg = s;
	r->content_type = "text/event-stream; charset=utf-8";
	log_debug("%s %s: event stream opened", set->what, s->terminal);
}

void
sse_push(struct sse_set *set, const char *terminal, const char *event,
    json_t *data)
{
	char *json = data ? json_dumps(data, JSON_COMPACT) : NULL;
	char *text = NULL;
	int n;

	json_decref(data);
	if (json == NULL)
		return;
	n = asprintf(&text, "event: %s\ndata: %s\n\n", event, json);
	free(json);
	if (n < 0)
		return;
	for (size_t i = 0; i < set->n; i++)
		if (terminal == NULL ||
		    strcmp(set->streams[i]->terminal, terminal) == 0)
			stream_push(set->streams[i], text, (size_t)n);
	free(text);
}

void
sse_heartbeat(struct sse_set *set)
{
	if (set->n == 0)
		return;
	sse_push(set, NULL, "ping",
	    json_pack("{s:I}", "at_ms", (json_int_t)clock_wall_ms()));
}

void
sse_end_all(struct sse_set *set)
{
	set->ended = true;
	for (size_t i = 0; i < set->n; i++)
		stream_end(set->streams[i]);
}

void
sse_end_unless(struct sse_set *set,
    bool (*keep)(void *arg, const char *terminal), void *arg)
{
	for (size_t i = 0; i < set->n; i++)
		if (!keep(arg, set->streams[i]->terminal))
			stream_end(set->streams[i]);
}

size_t
sse_count(const struct sse_set *set, const char *terminal)
{
	size_t n = 0;

	if (terminal == NULL)
		return set->n;
	for (size_t i = 0; i < set->n; i++)
		n += strcmp(set->streams[i]->terminal, terminal) == 0;
	return n;
}

uint64_t
sse_dropped(const struct sse_set *set)
{
	return set->dropped;
}
