/* test_scanhub.c: the hub's bookkeeping, through a fake shell: repeats
 * within the window counted once, per-source counters and states, a kind
 * without a shell, and the info reply. Routing to streams and the kiosk is
 * covered by tests/system/test_scanner_serial.py. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "harness.h"

#include "config.h"
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

static json_t *
src_info(struct scanhub *h, size_t i)
{
	json_t *j = scanhub_info(h);
	json_t *s =
	    json_deep_copy(json_array_get(json_object_get(j, "scanners"), i));

	json_decref(j);
	return s;
}

static long long
num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void
test_hub(void **state)
{
	static const char text[] =
	    "[office]\nagency_code = 000.00.19.H49\n"
	    "[scanner]\nterminals = clerk1, desk1\ndedup_ms = 2000\n"
	    "[scanner.a]\ntype = camera\ndevice = /dev/video0\n"
	    "terminal = clerk1\n"
	    "[scanner.b]\ntype = hid\ndevice = 0c2e:0b61\nterminal = desk1\n"
	    "[scanner.c]\ntype = camera\ndevice = refuse\nterminal = desk1\n";
	struct config cfg;
	char *errs = NULL;
	struct scanhub *h;
	uv_loop_t loop;
	json_t *s, *j;

	(void)state;
	if (config_parse_mem(text, strlen(text), "t.conf", &cfg, &errs) != 0)
		fail_msg("%s", errs);
	uv_loop_init(&loop);
	assert_non_null(h = scanhub_new(&loop, &cfg, NULL));
	scanhub_set_shell(h, SCAN_CAMERA, &fake_ops);
	scanhub_start(h);
	assert_int_equal(ncaptured, 1);

	s = src_info(h, 0);
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "open");
	assert_true(json_is_null(json_object_get(s, "last_scan_at")));
	json_decref(s);
	s = src_info(h, 1); /* no HID shell in this build */
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "error");
	assert_non_null(
	    strstr(json_string_value(json_object_get(s, "detail")), "hid"));
	json_decref(s);
	s = src_info(h, 2); /* the shell refused its config */
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "error");
	json_decref(s);

	/* repeats within 2 s are counted once; after the window, again */
	scan(captured[0], "RR123456785VN", 1000);
	scan(captured[0], "RR123456785VN", 1500);
	scan(captured[0], "RR123456785VN", 2999);
	scan(captured[0], "BK20260105-0001", 3000);
	scan(captured[0], "RR123456785VN", 3100); /* another came between */
	scan(captured[0], "RR123456785VN", 5200);
	s = src_info(h, 0);
	assert_int_equal(num(s, "scans"), 4);
	assert_int_equal(num(s, "duplicates"), 2);
	assert_int_equal(num(s, "last_scan_at"), 1764057600000 + 5200);
	json_decref(s);

	/* counters by class; a cut scan counts as overlong */
	scan_source_error(captured[0], "garbage", "NUL byte");
	scan_source_error(captured[0], "garbage", "control byte");
	{
		struct scan_event ev = { .data = (const unsigned char *)"XXXX",
			.len = 4,
			.truncated = true,
			.mono_ms = 9000 };

		scan_source_submit(captured[0], &ev);
	}
	for (int i = 0; i < 10; i++) {
		char name[32];

		snprintf(name, sizeof name, "class%d", i);
		scan_source_error(captured[0], name, "");
	}
	s = src_info(h, 0);
	j = json_object_get(s, "errors");
	assert_int_equal(num(j, "garbage"), 2);
	assert_int_equal(num(j, "overlong"), 1);
	assert_int_equal(num(j, "other"), 5); /* classes beyond 8 */
	json_decref(s);

	scan_source_state(captured[0], "waiting", "/dev/video0: gone");
	s = src_info(h, 0);
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "waiting");
	assert_string_equal(json_string_value(json_object_get(s, "detail")),
	    "/dev/video0: gone");
	json_decref(s);

	j = scanhub_info(h);
	assert_int_equal(json_array_size(json_object_get(j, "terminals")), 2);
	assert_int_equal(num(j, "dedup_ms"), 2000);
	json_decref(j);

	scanhub_shutdown(h);
	assert_int_equal(nclosed, 1);
	scanhub_free(h);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	config_cleanup(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub),
	};

	HARNESS_RUN(tests);
}
