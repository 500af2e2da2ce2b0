/* test_sse.c: the event-stream set without a server: the hello, pushes to
 * one terminal, the client bound (503), the slow-client drop, ending
 * streams. The ops are called as http.c would; a stream that never opened
 * has no http_stream to wake. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"

#include "http/sse.h"

static const char hello[] = "retry: 2000\nevent: hello\ndata: "
                            "{\"terminal\":\"desk1\",\"heartbeat_s\":15}\n\n";

static void *
open_ok(struct sse_set *set, const char *terminal)
{
	struct http_response r = { 0 };

	sse_open(set, &r, terminal, 15);
	assert_non_null(r.stream);
	assert_string_equal(r.content_type, "text/event-stream; charset=utf-8");
	r.stream->open(r.stream_arg, NULL);
	return r.stream_arg;
}

static const struct http_stream_ops *
ops(struct sse_set *set)
{
	struct http_response r = { 0 };
	const struct http_stream_ops *o;

	sse_open(set, &r, "probe", 1);
	o = r.stream;
	o->done(r.stream_arg);
	return o;
}

static ssize_t
drain(const struct http_stream_ops *o, void *s, char *buf, size_t size)
{
	ssize_t n = o->read(s, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static void
push_to_terminal(void **state)
{
	struct sse_set *set = sse_new("test", 4, 1024);
	const struct http_stream_ops *o = ops(set);
	void *a = open_ok(set, "desk1"), *b = open_ok(set, "desk2");
	char buf[512];

	(void)state;
	assert_int_equal(drain(o, a, buf, sizeof buf), sizeof hello - 1);
	assert_string_equal(buf, hello);
	assert_int_equal(drain(o, a, buf, sizeof buf), 0);
	drain(o, b, buf, sizeof buf);
	sse_push(set, "desk1", "scan", json_pack("{s:s}", "value", "x"));
	drain(o, a, buf, sizeof buf);
	assert_string_equal(buf, "event: scan\ndata: {\"value\":\"x\"}\n\n");
	assert_int_equal(drain(o, b, buf, sizeof buf), 0);
	sse_heartbeat(set);
	drain(o, b, buf, sizeof buf);
	assert_non_null(strstr(buf, "event: ping\ndata: {\"at_ms\":"));
	assert_int_equal(sse_count(set, "desk1"), 1);
	assert_int_equal(sse_count(set, NULL), 2);
	assert_int_equal(sse_count(set, "desk3"), 0);
	o->done(a);
	assert_int_equal(sse_count(set, NULL), 1);
	o->done(b);
	sse_free(set);
}

static void
client_bound(void **state)
{
	struct sse_set *set = sse_new("test", 2, 1024);
	const struct http_stream_ops *o = ops(set);
	struct http_response r = { 0 };
	void *a, *b;

	(void)state;
	sse_set_max_clients(set, 1);
	a = open_ok(set, "desk1");
	sse_open(set, &r, "desk1", 15);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.retry_after_s, 5);
	assert_null(r.stream);
	free(r.body);
	sse_set_max_clients(set, 9); /* capped at the set's 2 */
	b = open_ok(set, "desk1");
	memset(&r, 0, sizeof r);
	sse_open(set, &r, "desk1", 15);
	assert_int_equal(r.status, 503);
	free(r.body);
	o->done(a);
	o->done(b);
	sse_free(set);
}

static void
slow_client_dropped(void **state)
{
	struct sse_set *set = sse_new("test", 2, 128);
	const struct http_stream_ops *o = ops(set);
	void *a = open_ok(set, "desk1");
	char buf[256];

	(void)state;
	for (int i = 0; i < 4; i++)
		sse_push(set, "desk1", "scan", json_pack("{s:i}", "i", i));
	assert_int_equal(sse_dropped(set), 1);
	assert_int_equal(drain(o, a, buf, sizeof buf), -1);
	sse_push(set, "desk1", "scan", json_pack("{s:i}", "i", 9));
	assert_int_equal(sse_dropped(set), 1); /* counted once */
	o->done(a);
	sse_free(set);
}

static bool
keep_desk1(void *arg, const char *terminal)
{
	(void)arg;
	return strcmp(terminal, "desk1") == 0;
}

static void
ending(void **state)
{
	struct sse_set *set = sse_new("test", 4, 1024);
	const struct http_stream_ops *o = ops(set);
	void *a = open_ok(set, "desk1"), *b = open_ok(set, "desk2");
	struct http_response r = { 0 };
	char buf[512];

	(void)state;
	sse_end_unless(set, keep_desk1, NULL);
	assert_int_equal(drain(o, b, buf, sizeof buf), sizeof hello - 1);
	assert_int_equal(drain(o, b, buf, sizeof buf), -1);
	drain(o, a, buf, sizeof buf);
	assert_int_equal(drain(o, a, buf, sizeof buf), 0);
	sse_end_all(set);
	assert_int_equal(drain(o, a, buf, sizeof buf), -1);
	sse_open(set, &r, "desk1", 15);
	assert_int_equal(r.status, 503);
	free(r.body);
	o->done(b);
	sse_free(set); /* a outlives the set: it ends, reaching nothing */
	assert_int_equal(drain(o, a, buf, sizeof buf), -1);
	o->done(a);
}

/* Opens as client c; the stream, or NULL after a 503. */
static void *
open_as(struct sse_set *set, const char *terminal, const char *addr,
    bool reserved)
{
	struct http_response r = { 0 };
	struct sse_client c = { (const unsigned char *)addr, 4, reserved };

	sse_open_client(set, &r, terminal, 15, &c);
	if (r.stream == NULL) {
		assert_int_equal(r.status, 503);
		free(r.body);
		return NULL;
	}
	r.stream->open(r.stream_arg, NULL);
	return r.stream_arg;
}

/* Issue 14 item 6: streams to an unpinned terminal from other addresses
 * took every slot, and the pinned hall-1 kiosk got 503. */
static void
caps_and_reserve(void **state)
{
	struct sse_set *set = sse_new("test", 4, 1024);
	const struct http_stream_ops *o = ops(set);
	void *s[16] = { 0 }, *pin[4], *extra;
	char buf[512];
	size_t n = 0;

	(void)state;
	sse_set_caps(set, 2, 1);
	/* one stream an address */
	assert_non_null(s[n++] = open_as(set, "open1", "\x0a\0\0\x02", false));
	assert_null(open_as(set, "open2", "\x0a\0\0\x02", false));
	/* two a terminal */
	assert_non_null(s[n++] = open_as(set, "open1", "\x0a\0\0\x03", false));
	assert_null(open_as(set, "open1", "\x0a\0\0\x04", false));
	/* the shared four */
	assert_non_null(s[n++] = open_as(set, "open2", "\x0a\0\0\x04", false));
	assert_non_null(s[n++] = open_as(set, "open3", "\x0a\0\0\x05", false));
	assert_null(open_as(set, "open3", "\x0a\0\0\x06", false));
	/* the pinned terminal still opens, from an address already used */
	assert_non_null(pin[0] = open_as(set, "hall-1", "\x0a\0\0\x09", true));
	assert_non_null(pin[1] = open_as(set, "hall-1", "\x0a\0\0\x09", true));
	assert_int_equal(sse_count(set, "hall-1"), 2);
	/* a third ends its oldest, which drains its hello and closes */
	assert_non_null(pin[2] = open_as(set, "hall-1", "\x0a\0\0\x09", true));
	assert_true(drain(o, pin[0], buf, sizeof buf) > 0);
	assert_int_equal(drain(o, pin[0], buf, sizeof buf), -1);
	o->done(pin[0]);
	assert_int_equal(sse_count(set, "hall-1"), 2);
	assert_int_equal(sse_count(set, NULL), 6);
	/* reserved streams take no shared slot: one freed is one more */
	o->done(s[--n]);
	assert_non_null(extra = open_as(set, "open3", "\x0a\0\0\x07", false));
	o->done(extra);
	o->done(pin[1]);
	o->done(pin[2]);
	while (n > 0)
		o->done(s[--n]);
	assert_int_equal(sse_count(set, NULL), 0);
	sse_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(push_to_terminal),
		cmocka_unit_test(client_bound),
		cmocka_unit_test(slow_client_dropped),
		cmocka_unit_test(ending),
		cmocka_unit_test(caps_and_reserve),
	};

	HARNESS_RUN(tests);
}
