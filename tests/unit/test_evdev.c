/* test_evdev.c: the HID shell (scanner/evdev.c) on the real libuv loop,
 * with libevdev replaced by link-time fakes, because this machine has no
 * /dev/uinput. The "device" is a FIFO: the test writes one byte per
 * scripted event so that uv_poll wakes up, and the fake
 * libevdev_next_event() hands out the script. The hub is stubbed too and
 * records what the shell reports. Covers: open and grab, a scan through
 * to scan_source_submit, the idle timer (end = none), SYN_DROPPED with
 * the resync path, ENODEV then the retry that reopens, a hot-plug
 * "remove" of our node (also behind a by-id symlink), and a node without
 * letter keys never grabbed. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev.h>
#include <uv.h>

#include "harness.h"

#include "scanner/evdev.h"
#include "scanner/hotplug.h"

/* ---- the hub, stubbed ---------------------------------------------------- */

struct scan_source {
	char state[16], detail[128], counter[24], data[SCAN_DATA_MAX + 1];
	int opens, submits, errors;
	bool truncated;
};

void
scan_source_submit(struct scan_source *s, const struct scan_event *ev)
{
	assert_true(ev->len <= SCAN_DATA_MAX);
	memcpy(s->data, ev->data, ev->len);
	s->data[ev->len] = '\0';
	s->truncated = ev->truncated;
	s->submits++;
}

void
scan_source_state(struct scan_source *s, const char *state, const char *detail)
{
	snprintf(s->state, sizeof s->state, "%s", state);
	snprintf(s->detail, sizeof s->detail, "%s", detail);
	if (strcmp(state, "open") == 0)
		s->opens++;
}

void
scan_source_error(struct scan_source *s, const char *counter,
    const char *detail)
{
	(void)detail;
	snprintf(s->counter, sizeof s->counter, "%s", counter);
	s->errors++;
}

/* ---- libevdev, faked ---------------------------------------------------- */

#define SCRIPT_MAX 256
static struct {
	struct input_event ev[SCRIPT_MAX];
	size_t head, tail;
	int grabs, ungrabs, frees, news;
	bool no_letters; /* the device lacks KEY_A */
	bool syncing;    /* a SYN_DROPPED was handed out */
	int shift_down;  /* what libevdev_get_event_value says */
	int capsl, numl; /* LED values set: LIBEVDEV_LED_ON or _OFF */
} fake;

struct libevdev {
	int fd;
};

int
libevdev_new_from_fd(int fd, struct libevdev **dev)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
		return -ENOTTY;
	*dev = calloc(1, sizeof **dev);
	(*dev)->fd = fd;
	fake.news++;
	return 0;
}

void
libevdev_free(struct libevdev *dev)
{
	if (dev != NULL)
		fake.frees++;
	free(dev);
}

int
libevdev_grab(struct libevdev *dev, enum libevdev_grab_mode grab)
{
	(void)dev;
	if (grab == LIBEVDEV_GRAB)
		fake.grabs++;
	else
		fake.ungrabs++;
	return 0;
}

int
libevdev_set_clock_id(struct libevdev *dev, int clockid)
{
	(void)dev;
	assert_int_equal(clockid, CLOCK_MONOTONIC);
	return 0;
}

int
libevdev_has_event_type(const struct libevdev *dev, unsigned int type)
{
	(void)dev;
	return type == EV_KEY;
}

int
libevdev_has_event_code(const struct libevdev *dev, unsigned int type,
    unsigned int code)
{
	(void)dev;
	if (type == EV_LED)
		return code == LED_CAPSL || code == LED_NUML;
	return type == EV_KEY && !(fake.no_letters && code == KEY_A);
}

int
libevdev_kernel_set_led_value(struct libevdev *dev, unsigned int code,
    enum libevdev_led_value value)
{
	(void)dev;
	if (code == LED_CAPSL)
		fake.capsl = (int)value;
	else if (code == LED_NUML)
		fake.numl = (int)value;
	return 0;
}

int
libevdev_get_event_value(const struct libevdev *dev, unsigned int type,
    unsigned int code)
{
	(void)dev;
	return type == EV_KEY && code == KEY_LEFTSHIFT ? fake.shift_down : 0;
}

const char *
libevdev_get_name(const struct libevdev *dev)
{
	(void)dev;
	return "Fake Scanner";
}

/* One scripted event per byte in the FIFO. type 0xffff: -ENODEV. */
int
libevdev_next_event(struct libevdev *dev, unsigned int flags,
    struct input_event *ev)
{
	struct timespec ts;
	char b;

	if (flags & LIBEVDEV_READ_FLAG_SYNC) {
		assert_true(fake.syncing);
		fake.syncing = false; /* an empty delta */
		return -EAGAIN;
	}
	if (read(dev->fd, &b, 1) != 1)
		return -EAGAIN;
	assert_true(fake.head < fake.tail);
	*ev = fake.ev[fake.head++];
	if (ev->type == 0xffff)
		return -ENODEV;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ev->input_event_sec = ts.tv_sec;
	ev->input_event_usec = ts.tv_nsec / 1000;
	if (ev->type == EV_SYN && ev->code == SYN_DROPPED) {
		fake.syncing = true;
		return LIBEVDEV_READ_STATUS_SYNC;
	}
	return LIBEVDEV_READ_STATUS_SUCCESS;
}

/* ---- the script ---------------------------------------------------------- */

static int writer = -1;

static void
push(unsigned type, unsigned code, int value)
{
	assert_true(fake.tail < SCRIPT_MAX);
	fake.ev[fake.tail++] = (struct input_event){ .type = (uint16_t)type,
		.code = (uint16_t)code,
		.value = value };
	assert_int_equal(write(writer, "e", 1), 1);
}

static void
key(unsigned code)
{
	push(EV_KEY, code, 1);
	push(EV_SYN, SYN_REPORT, 0);
	push(EV_KEY, code, 0);
	push(EV_SYN, SYN_REPORT, 0);
}

static void
on_deadline(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

/* Runs the loop until *flag (an int) reaches want, at most ms. */
static bool
run_until(uv_loop_t *loop, const int *flag, int want, uint64_t ms)
{
	uv_timer_t t;
	bool expired = false;

	uv_timer_init(loop, &t);
	t.data = &expired;
	uv_timer_start(&t, on_deadline, ms, 0);
	while (*flag < want && !expired)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	return *flag >= want;
}

struct fixture {
	char dir[64], path[96];
	uv_loop_t loop;
	struct hotplug *hp;
	struct scanner_conf conf;
	struct scan_source src;
};

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof f);
	memset(&fake, 0, sizeof fake);
	snprintf(f.dir, sizeof f.dir, "/tmp/motcua-evdev-XXXXXX");
	assert_non_null(mkdtemp(f.dir));
	snprintf(f.path, sizeof f.path, "%s/event-kbd", f.dir);
	assert_int_equal(mkfifo(f.path, 0600), 0);
	writer = open(f.path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	assert_true(writer >= 0);
	assert_int_equal(uv_loop_init(&f.loop), 0);
	f.hp = hotplug_new(&f.loop);
	f.conf.kind = SCAN_HID;
	f.conf.end = SCAN_END_ENTER;
	snprintf(f.conf.name, sizeof f.conf.name, "desk1");
	snprintf(f.conf.device, sizeof f.conf.device, "%s", f.path);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	hotplug_free(f->hp);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	close(writer);
	unlink(f->path);
	rmdir(f->dir);
	return 0;
}

static void
test_scan_and_unplug(void **state)
{
	struct fixture *f = *state;
	struct hotplug_dev rm = { "remove", "input", f->path, "", "", "" };
	void *sh = hid_shell_ops.open(&f->loop, f->hp, &f->conf, &f->src);

	assert_non_null(sh);
	assert_string_equal(f->src.state, "open");
	assert_string_equal(f->src.detail, f->path);
	assert_int_equal(fake.grabs, 1);
	/* the LEDs match the decoder: CapsLock off, NumLock on */
	assert_int_equal(fake.capsl, LIBEVDEV_LED_OFF);
	assert_int_equal(fake.numl, LIBEVDEV_LED_ON);

	/* a scan with Shift, through to the hub */
	push(EV_KEY, KEY_LEFTSHIFT, 1);
	key(KEY_R);
	key(KEY_R);
	push(EV_KEY, KEY_LEFTSHIFT, 0);
	key(KEY_1);
	key(KEY_2);
	key(KEY_3);
	key(KEY_ENTER);
	assert_true(run_until(&f->loop, &f->src.submits, 1, 2000));
	assert_string_equal(f->src.data, "RR123");

	/* SYN_DROPPED mid-scan: dropped, and the resync says Shift is down */
	key(KEY_A);
	key(KEY_B);
	fake.shift_down = 1;
	push(EV_SYN, SYN_DROPPED, 0);
	assert_true(run_until(&f->loop, &f->src.errors, 1, 2000));
	assert_string_equal(f->src.counter, "dropped");
	key(KEY_X);
	key(KEY_Y);
	push(EV_KEY, KEY_LEFTSHIFT, 0);
	fake.shift_down = 0;
	key(KEY_Z);
	key(KEY_W);
	key(KEY_ENTER);
	assert_true(run_until(&f->loop, &f->src.submits, 2, 2000));
	assert_string_equal(f->src.data, "XYzw");

	/* unplugged (ENODEV): waiting, ungrabbed, reopened by the retry */
	push(0xffff, 0, 0);
	assert_true(run_until(&f->loop, &f->src.opens, 2, 2000));
	assert_int_equal(fake.ungrabs, 1);
	assert_int_equal(fake.grabs, 2);
	assert_int_equal(fake.frees, 1);

	/* udev says our node went: closed at once, then reopened */
	hotplug_inject(f->hp, &rm);
	assert_string_equal(f->src.state, "waiting");
	assert_string_equal(f->src.detail, "unplugged");
	assert_int_equal(fake.ungrabs, 2);
	assert_true(run_until(&f->loop, &f->src.opens, 3, 2000));

	hid_shell_ops.close(sh);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(fake.ungrabs, 3);
	assert_int_equal(fake.frees, fake.news);
}

/* A by-id path is a symlink; udev's "remove" names the node behind it. */
static void
test_remove_by_id(void **state)
{
	struct fixture *f = *state;
	char link[128];
	struct hotplug_dev rm = { "remove", "input", f->path, "", "", "" };
	void *sh;

	snprintf(link, sizeof link, "%s/usb-Fake-event-kbd", f->dir);
	assert_int_equal(symlink(f->path, link), 0);
	snprintf(f->conf.device, sizeof f->conf.device, "%s", link);
	sh = hid_shell_ops.open(&f->loop, f->hp, &f->conf, &f->src);
	assert_non_null(sh);
	assert_string_equal(f->src.state, "open");
	assert_string_equal(f->src.detail, link);
	hotplug_inject(f->hp, &rm);
	assert_string_equal(f->src.state, "waiting");
	hid_shell_ops.close(sh);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	unlink(link);
}

static void
test_idle_end(void **state)
{
	struct fixture *f = *state;
	void *sh;

	f->conf.end = SCAN_END_NONE;
	f->conf.idle_ms = 50;
	sh = hid_shell_ops.open(&f->loop, f->hp, &f->conf, &f->src);
	assert_non_null(sh);
	key(KEY_A);
	key(KEY_B);
	key(KEY_C);
	key(KEY_D);
	key(KEY_E);
	/* nothing more comes: the idle timer ends the scan */
	assert_true(run_until(&f->loop, &f->src.submits, 1, 2000));
	assert_string_equal(f->src.data, "abcde");
	hid_shell_ops.close(sh);
	uv_run(&f->loop, UV_RUN_NOWAIT);
}

static void
test_not_a_keyboard(void **state)
{
	struct fixture *f = *state;
	void *sh;

	fake.no_letters = true;
	sh = hid_shell_ops.open(&f->loop, f->hp, &f->conf, &f->src);
	assert_non_null(sh);
	assert_string_equal(f->src.state, "error");
	assert_int_equal(fake.grabs, 0);
	assert_int_equal(fake.frees, 1);
	hid_shell_ops.close(sh);
	uv_run(&f->loop, UV_RUN_NOWAIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_and_unplug, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_remove_by_id, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_idle_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_keyboard, setup,
		    teardown),
	};

	HARNESS_RUN(tests);
}
