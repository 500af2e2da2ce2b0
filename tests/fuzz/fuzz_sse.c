/* fuzz_sse.c: libFuzzer target for the event streams (http/sse.h): the
 * bytes are a script of opens, pushes, reads, closes, heartbeats and ends
 * on a small set, in any order, as connections and kiosk events would
 * interleave them. Besides memory errors (a stream used after its done
 * op, a set freed under its streams) it checks their promises: a read
 * never exceeds its max, the count never exceeds the streams open, and a
 * set at its cap refuses with 503. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/sse.h"
#include "tests/fuzz/fakehttp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OPEN_MAX 8

struct open_stream {
	const struct http_stream_ops *ops;
	void *arg;
};

static const char *const terminals[] = { "hall-1", "hall-2", "desk" };

static bool
keep_some(void *arg, const char *terminal)
{
	return strcmp(terminal, arg) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct open_stream open[OPEN_MAX];
	size_t nopen = 0, i = 2;
	struct sse_set *set;
	char buf[300];

	if (size < 2)
		return 0;
	if ((set = sse_new("fuzz", 1 + data[0] % 6,
	         96 + (size_t)data[1] * 4)) == NULL)
		return 0;
	while (i + 1 < size) {
		uint8_t op = data[i++], arg = data[i++];
		const char *term = terminals[arg % 3];
		struct http_response r = { 0 };
		size_t k = nopen > 0 ? arg % nopen : 0;
		ssize_t n;

		switch (op % 9) {
		case 0: /* a connection asks for a stream */
			if (nopen == OPEN_MAX)
				break;
			sse_open(set, &r, term, arg);
			if (r.stream != NULL) {
				open[nopen].ops = r.stream;
				open[nopen].arg = r.stream_arg;
				/* the handle is opaque: any non-NULL will do */
				r.stream->open(r.stream_arg,
				    (struct http_stream *)&open[nopen]);
				nopen++;
			} else {
				assert(r.status == 503 || r.status == 500);
				free(r.body);
			}
			break;
		case 1: { /* a kiosk event, its data from the script */
			size_t len = arg < size - i ? arg : size - i;

			sse_push(set, arg & 1 ? NULL : term, "scan",
			    json_pack("{s:s%}", "code", (const char *)data + i,
			        len));
			i += len;
			break;
		}
		case 2: /* the connection can take arg bytes */
			if (nopen == 0)
				break;
			n = open[k].ops->read(open[k].arg, buf, arg);
			assert(n >= -1 && n <= (ssize_t)arg);
			break;
		case 3: /* the connection is gone */
			if (nopen == 0)
				break;
			open[k].ops->done(open[k].arg);
			open[k] = open[--nopen];
			break;
		case 4:
			sse_heartbeat(set);
			break;
		case 5:
			sse_end_all(set);
			break;
		case 6: {
			char keep[SSE_TERMINAL_MAX];

			snprintf(keep, sizeof keep, "%s", term);
			sse_end_unless(set, keep_some, keep);
			break;
		}
		case 7:
			sse_set_max_clients(set, arg % 8);
			break;
		case 8:
			assert(sse_count(set, NULL) <= nopen);
			assert(sse_count(set, term) <= sse_count(set, NULL));
			(void)sse_dropped(set);
			break;
		}
	}
	/* the daemon frees the set first at exit; connections close after */
	if (size % 2) {
		sse_free(set);
		set = NULL;
	}
	for (size_t j = 0; j < nopen; j++) {
		/* drain as a closing connection would */
		while (open[j].ops->read(open[j].arg, buf, sizeof buf) > 0)
			;
		open[j].ops->done(open[j].arg);
	}
	sse_free(set);
	return 0;
}
