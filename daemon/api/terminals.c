/* terminals.c: see terminals.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "api/terminals.h"
#include "http/reply.h"
#include "http/sse.h"
#include "lib/log.h"

/* Bytes queued per client: the events of one serial read (128 frames of
 * ~200 bytes, serscan.c) fit, so only a client that stops reading is
 * dropped. */
#define STREAM_BUF_MAX (64 * 1024)
#define STREAMS_MAX    32 /* staff event streams open at once */
#define HEARTBEAT_MS   15000
#define PREFIX         "/api/v1/terminals/"
_Static_assert(SCAN_NAME_MAX <= SSE_TERMINAL_MAX, "terminal ids fit in sse");

struct terminals {
	char ids[SCAN_SOURCES_MAX][SCAN_NAME_MAX];
	size_t nids;
	struct sse_set *streams; /* owned */
	uv_timer_t heartbeat;
};

static bool
is_staff(const struct terminals *t, const char *id)
{
	for (size_t i = 0; i < t->nids; i++)
		if (strcmp(t->ids[i], id) == 0)
			return true;
	return false;
}

/* The id of GET PREFIX{id}/events into buf; false for any other request. */
static bool
events_id(const struct http_request *hr, char buf[SCAN_NAME_MAX])
{
	const char *id, *e;
	size_t n;

	if (strcmp(hr->method, "GET") != 0 ||
	    strncmp(hr->path, PREFIX, strlen(PREFIX)) != 0)
		return false;
	id = hr->path + strlen(PREFIX);
	if ((e = strchr(id, '/')) == NULL || strcmp(e, "/events") != 0 ||
	    (n = (size_t)(e - id)) == 0 || n >= SCAN_NAME_MAX)
		return false;
	memcpy(buf, id, n);
	buf[n] = '\0';
	return true;
}

bool
terminals_match(const struct terminals *t, const struct http_request *hr)
{
	char id[SCAN_NAME_MAX];

	return events_id(hr, id) && is_staff(t, id);
}

void
terminals_events(void *ctx, const struct http_request *hr,
    struct http_response *r)
{
	struct terminals *t = ctx;
	char id[SCAN_NAME_MAX];

	if (!events_id(hr, id) || !is_staff(t, id)) {
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	sse_open(t->streams, r, id, HEARTBEAT_MS / 1000);
}

static int
sink_scan(void *arg, const char *terminal, const struct scan_event *ev,
    const struct classified *c)
{
	struct terminals *t = arg;

	if (!is_staff(t, terminal))
		return -1;
	sse_push(t->streams, terminal, "scan",
	    json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:I}", "kind",
	        classify_kind_name(c->kind), "value", c->value, "s10_verdict",
	        c->kind == CLASSIFY_S10 ? s10_verdict_name(c->s10) : NULL,
	        "reason", c->reason, "source", ev->source, "at",
	        (json_int_t)ev->wall_ms));
	return 0;
}

const struct scan_sink_ops terminals_sink_ops = { sink_scan };

size_t
terminals_streams(const struct terminals *t, const char *id)
{
	return sse_count(t->streams, id);
}

uint64_t
terminals_dropped(const struct terminals *t)
{
	return sse_dropped(t->streams);
}

static void
on_heartbeat(uv_timer_t *timer)
{
	struct terminals *t = timer->data;

	sse_heartbeat(t->streams);
}

struct terminals *
terminals_new(uv_loop_t *loop, const struct scanhub *hub)
{
	struct terminals *t = calloc(1, sizeof *t);
	const char *id;

	if (t == NULL) {
		log_warn("terminals");
		return NULL;
	}
	if ((t->streams = sse_new("scanner terminal", STREAMS_MAX,
	         STREAM_BUF_MAX)) == NULL) {
		free(t);
		return NULL;
	}
	while (t->nids < SCAN_SOURCES_MAX &&
	    (id = scanhub_staff_terminal(hub, t->nids)) != NULL) {
		snprintf(t->ids[t->nids], sizeof t->ids[t->nids], "%s", id);
		t->nids++;
	}
	uv_timer_init(loop, &t->heartbeat);
	t->heartbeat.data = t;
	uv_timer_start(&t->heartbeat, on_heartbeat, HEARTBEAT_MS, HEARTBEAT_MS);
	return t;
}

void
terminals_shutdown(struct terminals *t)
{
	if (t == NULL)
		return;
	uv_timer_stop(&t->heartbeat);
	sse_end_all(t->streams);
}

static void
on_closed(uv_handle_t *h)
{
	struct terminals *t = h->data;

	sse_free(t->streams);
	free(t);
}

void
terminals_free(struct terminals *t)
{
	if (t == NULL)
		return;
	terminals_shutdown(t);
	uv_close((uv_handle_t *)&t->heartbeat, on_closed);
}
