/* test_scanhub.c: the hub through a fake shell and fake sinks, without
 * HTTP: repeats within the window counted once, per-source counters and
 * states, a kind without a shell, routing by terminal kind (staff, kiosk,
 * none), what a sink gets, and the read-only state the scanners route and
 * /metrics read. The streams and the kiosk page are covered by
 * tests/system/test_scanner_serial.py. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "harness.h"

#include "scanner/scanhub.h"

static struct scan_source *captured[SCAN_SOURCES_MAX];
static size_t ncaptured, nclosed;

static void *
fake_open(uv_loop_t *loop, struct hotplug *hp, const struct scanner_conf *c,
    struct scan_source *src)
{
	(void)loop;
	(void)hp;
	if (strcmp(c->device, "refuse") == 0)
		return NULL;
	captured[ncaptured++] = src;
	scan_source_state(src, "open", c->device);
	return src;
}

static void
fake_close(void *shell)
{
	(void)shell;
	nclosed++;
}

static const struct scan_shell_ops fake_ops = { fake_open, fake_close };

/* A sink that records what it got; refuse: answer -1 (terminal gone). */
struct fake_sink {
	size_t calls;
	bool refuse;
	char terminal[SCAN_NAME_MAX];
	char source[SCAN_NAME_MAX];
	char data[SCAN_DATA_MAX + 1];
	size_t len;
	bool truncated;
	long long wall_ms;
	struct classified c;
};

static int
fake_scan(void *arg, const char *terminal, const struct scan_event *ev,
    const struct classified *c)
{
	struct fake_sink *k = arg;

	k->calls++;
	snprintf(k->terminal, sizeof k->terminal, "%s", terminal);
	snprintf(k->source, sizeof k->source, "%s", ev->source);
	assert_true(ev->len <= SCAN_DATA_MAX);
	memcpy(k->data, ev->data, ev->len);
	k->data[ev->len] = '\0';
	k->len = ev->len;
	k->truncated = ev->truncated;
	k->wall_ms = ev->wall_ms;
	k->c = *c;
	return k->refuse ? -1 : 0;
}

static const struct scan_sink_ops fake_sink_ops = { fake_scan };

static void
scan(struct scan_source *s, const char *text, long long mono)
{
	struct scan_event ev = { .source = "x",
		.data = (const unsigned char *)text,
		.len = strlen(text),
		.mono_ms = mono,
		.wall_ms = 1764057600000 + mono };

	scan_source_submit(s, &ev);
}

static struct scanner_conf
source(const char *name, enum scan_source_kind kind, const char *device,
    const char *terminal)
{
	struct scanner_conf c;

	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	c.kind = kind;
	snprintf(c.device, sizeof c.device, "%s", device);
	snprintf(c.terminal, sizeof c.terminal, "%s", terminal);
	return c;
}

static uint64_t
counter(const struct scanhub_source_info *s, const char *name)
{
	for (size_t k = 0; k < s->ncounters; k++)
		if (strcmp(s->counters[k].name, name) == 0)
			return s->counters[k].n;
	return 0;
}

static void
test_hub(void **state)
{
	struct scanner_conf src[] = {
		source("a", SCAN_CAMERA, "/dev/video0", "clerk1"),
		source("b", SCAN_HID, "0c2e:0b61", "desk1"),
		source("c", SCAN_CAMERA, "refuse", "desk1"),
		source("d", SCAN_CAMERA, "/dev/video1", "hall-1"),
	};
	struct scanhub_conf conf = { .dedup_ms = 2000,
		.terminals = "clerk1, desk1",
		.sources = src,
		.nsources = 4 };
	struct fake_sink staff = { 0 }, kiosk = { 0 };
	struct scanhub_source_info s;
	struct scanhub *h;
	uv_loop_t loop;

	(void)state;
	uv_loop_init(&loop);
	assert_non_null(h = scanhub_new(&loop, &conf));
	scanhub_set_shell(h, SCAN_CAMERA, &fake_ops);
	scanhub_start(h);
	assert_int_equal(ncaptured, 2);
	assert_int_equal(scanhub_sources(h), 4);
	assert_int_equal(scanhub_dedup_ms(h), 2000);
	assert_string_equal(scanhub_staff_terminal(h, 0), "clerk1");
	assert_string_equal(scanhub_staff_terminal(h, 1), "desk1");
	assert_null(scanhub_staff_terminal(h, 2));

	assert_true(scanhub_source(h, 0, &s));
	assert_string_equal(s.conf->name, "a");
	assert_string_equal(s.state, "open");
	assert_int_equal(s.last_scan_at, 0);
	assert_true(scanhub_source(h, 1, &s)); /* no HID shell in this build */
	assert_string_equal(s.state, "error");
	assert_non_null(strstr(s.detail, "hid"));
	assert_true(
	    scanhub_source(h, 2, &s)); /* the shell refused its config */
	assert_string_equal(s.state, "error");
	assert_false(scanhub_source(h, 4, &s));

	/* no sink yet: counted unrouted, not lost silently */
	scan(captured[0], "BK20260105-0002", 100);
	assert_true(scanhub_source(h, 0, &s));
	assert_int_equal(counter(&s, "unrouted"), 1);
	scanhub_set_sink(h, SCANHUB_STAFF, &fake_sink_ops, &staff);
	scanhub_set_sink(h, SCANHUB_KIOSK, &fake_sink_ops, &kiosk);

	/* repeats within 2 s are counted once; after the window, again */
	scan(captured[0], "RR123456785VN", 1000);
	assert_int_equal(staff.calls, 1);
	assert_string_equal(staff.terminal, "clerk1");
	assert_string_equal(staff.source, "a"); /* the hub names the source */
	assert_string_equal(staff.data, "RR123456785VN");
	assert_int_equal(staff.wall_ms, 1764057600000 + 1000);
	assert_int_equal(staff.c.kind, CLASSIFY_S10);
	assert_string_equal(staff.c.value, "RR123456785VN");
	scan(captured[0], "RR123456785VN", 1500);
	scan(captured[0], "RR123456785VN", 2999);
	assert_int_equal(staff.calls, 1);
	scan(captured[0], "BK20260105-0001", 3000);
	assert_int_equal(staff.c.kind, CLASSIFY_MANIFEST);
	scan(captured[0], "RR123456785VN", 3100); /* another came between */
	scan(captured[0], "RR123456785VN", 5200);
	assert_int_equal(staff.calls, 4);
	assert_int_equal(kiosk.calls, 0);
	assert_true(scanhub_source(h, 0, &s));
	assert_int_equal(s.scans, 5); /* with the unrouted one */
	assert_int_equal(s.duplicates, 2);
	assert_int_equal(s.last_scan_at, 1764057600000 + 5200);

	/* a terminal not in scanner.terminals is a kiosk's; the raw payload
	 * goes with the classification, blanks and all */
	scan(captured[1], " 00047k3m9q2x1b4r8t6v\r\n", 100);
	assert_int_equal(kiosk.calls, 1);
	assert_string_equal(kiosk.terminal, "hall-1");
	assert_string_equal(kiosk.data, " 00047k3m9q2x1b4r8t6v\r\n");
	assert_int_equal(kiosk.c.kind, CLASSIFY_TOKEN);
	assert_string_equal(kiosk.c.value, "00047K3M9Q2X1B4R8T6V");
	assert_int_equal(staff.calls, 4);
	/* the sink says its terminal is gone: unrouted */
	kiosk.refuse = true;
	scan(captured[1], "something else", 200);
	assert_int_equal(kiosk.calls, 2);
	assert_true(scanhub_source(h, 3, &s));
	assert_int_equal(counter(&s, "unrouted"), 1);
	assert_int_equal(s.scans, 2);

	/* counters by class; a cut scan counts as overlong and reaches the
	 * sink cut, as unknown */
	scan_source_error(captured[0], "garbage", "NUL byte");
	scan_source_error(captured[0], "garbage", "control byte");
	{
		static unsigned char big[SCAN_DATA_MAX + 10];
		struct scan_event ev = { .data = big,
			.len = sizeof big,
			.mono_ms = 9000 };

		memset(big, 'A', sizeof big);
		scan_source_submit(captured[0], &ev);
		assert_int_equal(staff.len, SCAN_DATA_MAX);
		assert_true(staff.truncated);
		assert_true(staff.wall_ms > 0); /* the hub dates it */
		assert_int_equal(staff.c.kind, CLASSIFY_UNKNOWN);
		assert_string_equal(staff.c.reason, "too long");
	}
	for (int i = 0; i < 10; i++) {
		char name[32];

		snprintf(name, sizeof name, "class%d", i);
		scan_source_error(captured[0], name, "");
	}
	assert_true(scanhub_source(h, 0, &s));
	assert_int_equal(s.ncounters, SCANHUB_COUNTERS_MAX);
	assert_int_equal(counter(&s, "garbage"), 2);
	assert_int_equal(counter(&s, "overlong"), 1);
	/* unrouted, garbage, overlong, class0..3; the 8th slot the rest */
	assert_int_equal(counter(&s, "other"), 6);

	scan_source_state(captured[0], "waiting", "/dev/video0: gone");
	assert_true(scanhub_source(h, 0, &s));
	assert_string_equal(s.state, "waiting");
	assert_string_equal(s.detail, "/dev/video0: gone");

	scanhub_shutdown(h);
	assert_int_equal(nclosed, 2);
	scan(captured[0], "after", 20000); /* closing: dropped */
	assert_int_equal(staff.calls, 5);
	scanhub_free(h);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub),
	};

	HARNESS_RUN(tests);
}
