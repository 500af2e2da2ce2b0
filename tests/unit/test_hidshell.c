/* test_hidshell.c: what of the HID shell runs without /dev/uinput: the
 * device id parser (paths and vid:pid[:serial]), the hot-plug fan-out,
 * and the shell's states on a loop with devices that are missing or are
 * not evdev nodes. The hub is replaced by link-time stubs that record
 * what the shell reports. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "harness.h"

#include "scanner/devid.h"
#include "scanner/evdev.h"
#include "scanner/hotplug.h"

/* ---- the hub, stubbed ---------------------------------------------------- */

struct scan_source {
	char state[16], detail[128];
	int states, submits, errors;
};

void
scan_source_submit(struct scan_source *s, const struct scan_event *ev)
{
	(void)ev;
	s->submits++;
}

void
scan_source_state(struct scan_source *s, const char *state, const char *detail)
{
	snprintf(s->state, sizeof s->state, "%s", state);
	snprintf(s->detail, sizeof s->detail, "%s", detail);
	s->states++;
}

void
scan_source_error(struct scan_source *s, const char *counter,
    const char *detail)
{
	(void)counter;
	(void)detail;
	s->errors++;
}

/* ---- device ids ---------------------------------------------------------- */

static void
bad(const char *s, const char *want)
{
	struct devid d;
	char err[96];

	assert_int_equal(devid_parse(s, &d, err, sizeof err), -1);
	assert_string_equal(err, want);
}

static void
test_devid(void **state)
{
	struct devid d;
	char err[96], longpath[SCAN_DEVICE_MAX + 8];

	(void)state;
	assert_int_equal(devid_parse("/dev/input/by-id/"
	                             "usb-Honeywell_Imaging_1900-event-kbd",
	                     &d, err, sizeof err),
	    0);
	assert_true(d.is_path);
	assert_string_equal(d.path,
	    "/dev/input/by-id/usb-Honeywell_Imaging_1900-event-kbd");
	assert_int_equal(devid_parse("/dev/input/event7", &d, err, sizeof err),
	    0);
	assert_true(d.is_path);

	assert_int_equal(devid_parse("0C2E:0B61", &d, err, sizeof err), 0);
	assert_false(d.is_path);
	assert_string_equal(d.vid, "0c2e");
	assert_string_equal(d.pid, "0b61");
	assert_string_equal(d.serial, "");
	assert_true(devid_match(&d, "0c2e", "0b61", NULL));
	assert_true(devid_match(&d, "0C2E", "0b61", "XYZ"));
	assert_false(devid_match(&d, "0c2e", "0b62", NULL));
	assert_false(devid_match(&d, NULL, "0b61", NULL));

	assert_int_equal(devid_parse("05e0:1200:S/N_17A", &d, err, sizeof err),
	    0);
	assert_string_equal(d.serial, "S/N_17A");
	assert_true(devid_match(&d, "05e0", "1200", "S/N_17A"));
	assert_false(devid_match(&d, "05e0", "1200", "S/N_17B"));
	assert_false(devid_match(&d, "05e0", "1200", NULL));

	bad("", "device: empty");
	bad("event7", "device: an absolute path or vid:pid[:serial] expected");
	bad("0c2:0b61", "device: vendor id must be 4 hex digits");
	bad("0c2g:0b61", "device: vendor id must be 4 hex digits");
	bad("0c2e:b61", "device: product id must be 4 hex digits");
	bad("0c2e:0b61x", "device: product id must be 4 hex digits");
	bad("0c2e:0b61:", "device: serial is empty");
	bad("/dev/input/../sda", "device: a path must not use ..");
	bad("/dev/input/by-id/a b",
	    "device: only printable ASCII without "
	    "spaces");
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = '\0';
	bad(longpath, "device: too long");
}

/* ---- hot-plug -------------------------------------------------------------
 */

static int calls_a, calls_b;
static void
on_a(void *arg, const struct hotplug_dev *d)
{
	(void)d;
	calls_a++;
	/* unsubscribing from inside the callback is allowed */
	hotplug_unsubscribe(arg, on_a, arg);
}

static void
on_b(void *arg, const struct hotplug_dev *d)
{
	(void)arg;
	assert_string_equal(d->subsystem, "tty");
	calls_b++;
}

static void
test_hotplug(void **state)
{
	uv_loop_t loop;
	struct hotplug *hp;
	struct hotplug_dev in = { "add", "input", "/dev/input/event3", "0c2e",
		"0b61", "" };
	struct hotplug_dev tty = { "add", "tty", "/dev/ttyACM0", "", "", "" };
	int i;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	hp = hotplug_new(&loop); /* active or not: both are fine here */
	assert_non_null(hp);
	assert_int_equal(hotplug_subscribe(hp, "usb", on_b, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(hotplug_subscribe(hp, "input", on_a, hp), 0);
	assert_int_equal(hotplug_subscribe(hp, "tty", on_b, NULL), 0);
	hotplug_inject(hp, &in);
	hotplug_inject(hp, &in);
	hotplug_inject(hp, &tty);
	assert_int_equal(calls_a, 1);
	assert_int_equal(calls_b, 1);
	for (i = 1; i < HOTPLUG_SUBS_MAX; i++)
		assert_int_equal(hotplug_subscribe(hp, "tty", on_b, NULL), 0);
	assert_int_equal(hotplug_subscribe(hp, "tty", on_b, NULL), -1);
	assert_int_equal(errno, ENOBUFS);
	hotplug_unsubscribe(hp, on_b, NULL);
	assert_int_equal(hotplug_subscribe(hp, "video4linux", on_b, NULL), 0);
	uv_run(&loop, UV_RUN_NOWAIT);
	hotplug_free(hp);
	hotplug_free(NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- the shell's states ---------------------------------------------------
 */

static void
stop_loop(uv_timer_t *t)
{
	uv_stop(t->loop);
}

/* Runs the loop for ms. */
static void
run_for(uv_loop_t *loop, uint64_t ms)
{
	uv_timer_t t;

	uv_timer_init(loop, &t);
	uv_timer_start(&t, stop_loop, ms, 0);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
}

static void
test_shell_states(void **state)
{
	struct scanner_conf c = { .kind = SCAN_HID, .end = SCAN_END_ENTER };
	struct scan_source src = { 0 };
	struct hotplug_dev add = { "add", "input", "/dev/input/event9", "", "",
		"" };
	struct hotplug *hp;
	uv_loop_t loop;
	void *sh;
	int before;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	hp = hotplug_new(&loop);
	snprintf(c.name, sizeof c.name, "desk1");

	/* a bad device setting or bad guard: no shell */
	snprintf(c.device, sizeof c.device, "event7");
	assert_null(hid_shell_ops.open(&loop, hp, &c, &src));
	snprintf(c.device, sizeof c.device, "/dev/input/event7");
	c.max_key_gap_ms = -1;
	assert_null(hid_shell_ops.open(&loop, hp, &c, &src));
	c.max_key_gap_ms = 0;

	/* a missing node: waiting, retried by the timer and at once on a
	 * hot-plug "add" */
	snprintf(c.device, sizeof c.device, "/nonexistent/input/event99");
	sh = hid_shell_ops.open(&loop, hp, &c, &src);
	assert_non_null(sh);
	assert_string_equal(src.state, "waiting");
	run_for(&loop, 400); /* 100 + 200 ms of backoff: 3 tries at least */
	assert_true(src.states >= 3);
	before = src.states;
	hotplug_inject(hp, &add);
	assert_int_equal(src.states, before + 1);
	hid_shell_ops.close(sh);
	uv_run(&loop, UV_RUN_NOWAIT);

	/* a node that is not an evdev device: retried, never grabbed */
	memset(&src, 0, sizeof src);
	snprintf(c.device, sizeof c.device, "/dev/null");
	sh = hid_shell_ops.open(&loop, hp, &c, &src);
	assert_non_null(sh);
	assert_string_equal(src.state, "retry");
	assert_string_equal(src.detail, "not an evdev device");
	hid_shell_ops.close(sh);

	/* vid:pid with no such device attached */
	memset(&src, 0, sizeof src);
	snprintf(c.device, sizeof c.device, "ffff:fffe:NOPE");
	sh = hid_shell_ops.open(&loop, NULL, &c, &src);
	assert_non_null(sh);
	assert_string_equal(src.state, "waiting");
	assert_string_equal(src.detail, "no matching input device");
	hid_shell_ops.close(sh);

	hotplug_free(hp);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devid),
		cmocka_unit_test(test_hotplug),
		cmocka_unit_test(test_shell_states),
	};

	HARNESS_RUN(tests);
}
