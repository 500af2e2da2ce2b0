/* evdev.c: see evdev.h. Thin on purpose: no decoding here, and nothing
 * this machine's tests could not drive without /dev/uinput is hidden in
 * it (the decoder, the device id parser and the hot-plug fan-out are
 * tested on their own). States: CLOSED (retry timer armed) -> OPEN (poll
 * running, idle timer armed from the decoder's deadline) -> CLOSED on
 * ENODEV, a read error or a hot-plug "remove" of our node. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev.h>
#include <libudev.h>
#include <uv.h>

#include "scanner/devid.h"
#include "lib/clock.h"
#include "scanner/evdev.h"
#include "scanner/hidkeys.h"
#include "scanner/hotplug.h"
#include "lib/log.h"

#define RETRY_MIN_MS 100
#define RETRY_MAX_MS 1000 /* a replugged scanner works within 2 s */
#define READ_MAX     1024 /* events per wake-up; the poll comes back */
#define SYNC_MAX     1024 /* events of one resync, a bound for a bad fd */
#define CANDIDATES   8    /* event nodes of one USB scanner */

struct shell {
	uv_loop_t *loop;          /* borrowed */
	struct hotplug *hp;       /* borrowed; may be NULL */
	struct scan_source *src;  /* borrowed from the hub */
	struct scanner_conf conf; /* a copy */
	struct devid id;
	struct hidkeys *dec;  /* owned */
	struct libevdev *dev; /* owned while open */
	int fd;               /* -1 while closed */
	char path[PATH_MAX];  /* the open node as configured or found */
	char node[PATH_MAX];  /* the same, symlinks resolved: udev's devnode */
	uv_poll_t *poll;      /* owned; freed in its close callback */
	uv_timer_t idle;      /* the decoder's deadline */
	uv_timer_t retry;     /* reopening */
	unsigned backoff_ms;
	int handles; /* open uv handles; free at 0 if closing */
	bool closing;
};

static void try_open(struct shell *);
static void set_leds(struct shell *);

static void
on_handle_closed(uv_handle_t *h)
{
	struct shell *s = h->data;

	if (h != (uv_handle_t *)&s->idle && h != (uv_handle_t *)&s->retry)
		free(h); /* a poll handle */
	if (--s->handles == 0 && s->closing) {
		hidkeys_free(s->dec);
		free(s);
	}
}

/* ---- results to the hub ------------------------------------------------- */

static void
deliver(struct shell *s, const struct hidkeys_result *r, size_t n)
{
	int64_t mono = (int64_t)clock_mono_ms();
	int64_t wall = clock_wall_ms();
	char detail[96];

	for (size_t i = 0; i < n; i++) {
		if (r[i].kind == HIDKEYS_SCAN) {
			struct scan_event ev = {
				.source = s->conf.name,
				.sym = r[i].sym,
				.data = r[i].data,
				.len = r[i].len,
				.truncated = r[i].truncated,
				.mono_ms = r[i].at_ms,
				/* the same instant on the wall clock */
				.wall_ms = wall - (mono - r[i].at_ms),
			};
			scan_source_submit(s->src, &ev);
			if (r[i].truncated) {
				snprintf(detail, sizeof detail,
				    "scan cut at %d bytes", SCAN_DATA_MAX);
				scan_source_error(s->src, "overlong", detail);
			}
			continue;
		}
		/* Counter names without spaces: "too short" -> "too-short";
		 * "too slow" counts as typing, since the hub keeps only a
		 * few classes per source. No bytes: the keys may have been a
		 * person's typing. */
		char counter[24];
		size_t k;
		const char *why = strcmp(r[i].reason, "too slow") == 0
		    ? "typing"
		    : r[i].reason;

		for (k = 0; why[k] != '\0' && k + 1 < sizeof counter; k++)
			counter[k] = why[k] == ' ' ? '-' : why[k];
		counter[k] = '\0';
		snprintf(detail, sizeof detail,
		    "%s: %zu keys discarded, %u unknown", r[i].reason,
		    r[i].rejected_len, r[i].unknown);
		scan_source_error(s->src, counter, detail);
	}
}

static void on_idle(uv_timer_t *);

/* The event's time on the monotonic clock. Events queued before
 * libevdev_set_clock_id() carry wall-clock stamps; one of those would move
 * the decoder's clock years ahead (it never goes back), so a stamp far
 * from now is replaced by now. */
static int64_t
event_ms(const struct input_event *ev)
{
	int64_t now = (int64_t)clock_mono_ms();
	int64_t ms =
	    (int64_t)ev->input_event_sec * 1000 + ev->input_event_usec / 1000;

	return ms > now || ms < now - 10000 ? now : ms;
}

/* Arms the idle timer for the decoder's next deadline. */
static void
arm_idle(struct shell *s)
{
	int64_t due = hidkeys_deadline(s->dec), now;

	if (due < 0) {
		uv_timer_stop(&s->idle);
		return;
	}
	now = (int64_t)clock_mono_ms();
	uv_timer_start(&s->idle, on_idle,
	    due > now ? (uint64_t)(due - now) + 1 : 0, 0);
}

static void
on_idle(uv_timer_t *t)
{
	struct shell *s = t->data;
	struct hidkeys_result r[HIDKEYS_OUT_MAX];

	deliver(s, r, hidkeys_tick(s->dec, (int64_t)clock_mono_ms(), r));
	arm_idle(s);
}

/* ---- the device --------------------------------------------------------- */

static void
dev_close(struct shell *s)
{
	if (s->poll != NULL) {
		uv_close((uv_handle_t *)s->poll, on_handle_closed);
		s->poll = NULL;
	}
	if (s->dev != NULL) {
		libevdev_grab(s->dev, LIBEVDEV_UNGRAB);
		libevdev_free(s->dev);
		s->dev = NULL;
	}
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	s->node[0] = s->path[0] = '\0';
}

static void
on_retry(uv_timer_t *t)
{
	try_open(t->data);
}

static void
schedule_retry(struct shell *s)
{
	if (s->closing)
		return;
	uv_timer_start(&s->retry, on_retry, s->backoff_ms, 0);
	s->backoff_ms =
	    s->backoff_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : s->backoff_ms * 2;
}

/* The device went away or failed: close, report, retry. */
static void
lost(struct shell *s, const char *state, const char *why)
{
	struct hidkeys_result r[HIDKEYS_OUT_MAX];
	size_t n;

	dev_close(s);
	/* A scan cut by the unplug is as partial as one cut by SYN_DROPPED;
	 * with nothing cut there is nothing to report. */
	n = hidkeys_feed(s->dec, EV_SYN, SYN_DROPPED, 0,
	    (int64_t)clock_mono_ms(), r);
	if (n > 0 && r[n - 1].rejected_len == 0 && r[n - 1].unknown == 0)
		n--;
	deliver(s, r, n);
	hidkeys_resync(s->dec, NULL, 0);
	arm_idle(s);
	scan_source_state(s->src, state, why); /* the hub logs changes */
	s->backoff_ms = RETRY_MIN_MS;
	schedule_retry(s);
}

/* The modifiers libevdev now says are down, for the decoder. */
static void
resync(struct shell *s)
{
	static const unsigned mods[] = { KEY_LEFTSHIFT, KEY_RIGHTSHIFT,
		KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT };
	unsigned down[sizeof mods / sizeof mods[0]];
	size_t n = 0;

	for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++)
		if (libevdev_get_event_value(s->dev, EV_KEY, mods[i]) == 1)
			down[n++] = mods[i];
	hidkeys_resync(s->dec, down, n);
}

static void
on_readable(uv_poll_t *w, int status, int events)
{
	struct shell *s = w->data;
	struct hidkeys_result r[HIDKEYS_OUT_MAX];
	struct input_event ev;
	int rc = -EAGAIN;

	(void)events;
	if (status < 0) {
		lost(s, "waiting", uv_strerror(status));
		return;
	}
	for (int n = 0; n < READ_MAX; n++) {
		rc =
		    libevdev_next_event(s->dev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
		if (rc == LIBEVDEV_READ_STATUS_SYNC) {
			/* SYN_DROPPED: the decoder drops the partial scan;
			 * the delta events only update libevdev's state. */
			deliver(s, r,
			    hidkeys_feed(s->dec, EV_SYN, SYN_DROPPED, 0,
			        (int64_t)clock_mono_ms(), r));
			for (int k = 0;
			     k < SYNC_MAX && rc == LIBEVDEV_READ_STATUS_SYNC;
			     k++)
				rc = libevdev_next_event(s->dev,
				    LIBEVDEV_READ_FLAG_SYNC, &ev);
			resync(s); /* the "dropped" went out above */
			if (rc != -EAGAIN && rc != LIBEVDEV_READ_STATUS_SYNC &&
			    rc < 0)
				break;
			rc = 0;
			continue;
		}
		if (rc != LIBEVDEV_READ_STATUS_SUCCESS)
			break;
		deliver(s, r,
		    hidkeys_feed(s->dec, ev.type, ev.code, ev.value,
		        event_ms(&ev), r));
	}
	arm_idle(s);
	if (rc < 0 && rc != -EAGAIN) {
		lost(s, "waiting", strerror(-rc));
		return;
	}
}

/* Whether dev types letters and digits: a keyboard, not a mouse, a power
 * button or a scanner's consumer-control node. */
static bool
is_keyboard(const struct libevdev *dev)
{
	static const unsigned keys[] = { KEY_A, KEY_Z, KEY_1, KEY_0 };

	if (!libevdev_has_event_type(dev, EV_KEY))
		return false;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!libevdev_has_event_code(dev, EV_KEY, keys[i]))
			return false;
	return true;
}

/* Opens path and checks it: 0, or -1 with why set. Does not grab. */
static int
open_node(struct shell *s, const char *path, const char **state,
    const char **why)
{
	struct libevdev *dev = NULL;
	int fd, rc;

	/* Write access only sets the LEDs (see set_leds); read is enough. */
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*state = errno == ENOENT || errno == ENODEV || errno == ENXIO
		    ? "waiting"
		    : "retry";
		*why = strerror(errno);
		return -1;
	}
	if ((rc = libevdev_new_from_fd(fd, &dev)) < 0) {
		close(fd);
		*state = "retry";
		*why = "not an evdev device";
		return -1;
	}
	if (!is_keyboard(dev)) {
		libevdev_free(dev);
		close(fd);
		*state = "error";
		*why = "no letter and digit keys: not a keyboard-wedge scanner";
		return -1;
	}
	s->dev = dev;
	s->fd = fd;
	snprintf(s->path, sizeof s->path, "%s", path);
	/* a by-id path is a symlink; udev's "remove" names the node */
	if (realpath(path, s->node) == NULL)
		snprintf(s->node, sizeof s->node, "%s", path);
	return 0;
}

/* vid:pid[:serial]: the event nodes of matching input devices, from a
 * udev enumeration. Returns how many paths were written. */
static size_t
find_nodes(const struct devid *id, char out[][PATH_MAX], size_t max)
{
	struct udev *u = udev_new();
	struct udev_enumerate *e;
	struct udev_list_entry *it;
	size_t n = 0;

	if (u == NULL)
		return 0;
	if ((e = udev_enumerate_new(u)) == NULL) {
		udev_unref(u);
		return 0;
	}
	udev_enumerate_add_match_subsystem(e, "input");
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e))
	{
		struct udev_device *d = udev_device_new_from_syspath(u,
		    udev_list_entry_get_name(it));
		const char *node;

		if (d == NULL)
			continue;
		node = udev_device_get_devnode(d);
		if (n < max && node != NULL &&
		    strncmp(node, "/dev/input/event", 16) == 0 &&
		    devid_match(id,
		        udev_device_get_property_value(d, "ID_VENDOR_ID"),
		        udev_device_get_property_value(d, "ID_MODEL_ID"),
		        udev_device_get_property_value(d, "ID_SERIAL_SHORT")))
			snprintf(out[n++], PATH_MAX, "%s", node);
		udev_device_unref(d);
	}
	udev_enumerate_unref(e);
	udev_unref(u);
	return n;
}

static void
try_open(struct shell *s)
{
	const char *state = "waiting", *why = "not found";
	char nodes[CANDIDATES][PATH_MAX];
	size_t n;
	int rc;

	if (s->closing || s->fd >= 0)
		return;
	uv_timer_stop(&s->retry);
	if (s->id.is_path) {
		snprintf(nodes[0], PATH_MAX, "%s", s->id.path);
		n = 1;
	} else
		n = find_nodes(&s->id, nodes, CANDIDATES);
	/* One USB scanner may have several event nodes: the first that
	 * types letters and digits is the one. */
	for (size_t i = 0; i < n && s->fd < 0; i++)
		open_node(s, nodes[i], &state, &why);
	if (s->fd < 0) {
		scan_source_state(s->src, state,
		    n > 0 || s->id.is_path ? why : "no matching input device");
		schedule_retry(s);
		return;
	}
	/* Exclusive: the scan must never be typed into the browser. */
	if ((rc = libevdev_grab(s->dev, LIBEVDEV_GRAB)) < 0) {
		why =
		    rc == -EBUSY ? "grabbed by another program" : strerror(-rc);
		dev_close(s);
		scan_source_state(s->src, "retry", why);
		scan_source_error(s->src, "io", why);
		schedule_retry(s);
		return;
	}
	set_leds(s);
	/* Event times on the monotonic clock, the decoder's clock. */
	libevdev_set_clock_id(s->dev, CLOCK_MONOTONIC);
	if ((s->poll = calloc(1, sizeof *s->poll)) == NULL ||
	    uv_poll_init(s->loop, s->poll, s->fd) != 0) {
		free(s->poll);
		s->poll = NULL;
		dev_close(s);
		scan_source_state(s->src, "retry", "cannot watch the device");
		schedule_retry(s);
		return;
	}
	s->poll->data = s;
	s->handles++;
	uv_poll_start(s->poll, UV_READABLE | UV_DISCONNECT, on_readable);
	resync(s);
	s->backoff_ms = RETRY_MIN_MS;
	scan_source_state(s->src, "open", s->path);
	log_info("scanner %s: %s (%s) grabbed", s->conf.name, s->node,
	    libevdev_get_name(s->dev));
}

/* Some scanners pick Shift by the CapsLock LED they see, and keypad
 * scanners need NumLock. Under our grab the host no longer drives this
 * device's LEDs, so they are set to match the decoder's start: CapsLock
 * off, NumLock on. Needs write access; without it the LEDs stay as the
 * host left them at the grab (a scanner that compensates for a lit
 * CapsLock then types inverted case: turn CapsLock off before plugging,
 * or give the daemon write access). */
static void
set_leds(struct shell *s)
{
	if (libevdev_has_event_code(s->dev, EV_LED, LED_CAPSL))
		libevdev_kernel_set_led_value(s->dev, LED_CAPSL,
		    LIBEVDEV_LED_OFF);
	if (libevdev_has_event_code(s->dev, EV_LED, LED_NUML))
		libevdev_kernel_set_led_value(s->dev, LED_NUML,
		    LIBEVDEV_LED_ON);
}

static void
on_hotplug(void *arg, const struct hotplug_dev *d)
{
	struct shell *s = arg;

	if (strcmp(d->action, "add") == 0 && s->fd < 0) {
		s->backoff_ms = RETRY_MIN_MS;
		try_open(s);
	} else if (strcmp(d->action, "remove") == 0 && s->fd >= 0 &&
	    strcmp(d->devnode, s->node) == 0)
		lost(s, "waiting", "unplugged");
}

static void *
hid_open(uv_loop_t *loop, struct hotplug *hp, const struct scanner_conf *conf,
    struct scan_source *src)
{
	struct shell *s;
	char err[128];

	if (devid_parse(conf->device, &(struct devid){ 0 }, err, sizeof err) !=
	    0) {
		log_warnx("scanner %s: %s", conf->name, err);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	devid_parse(conf->device, &s->id, err, sizeof err);
	s->conf = *conf;
	hidkeys_conf_defaults(&s->conf);
	if (hidkeys_conf_check(&s->conf, err, sizeof err) != 0 ||
	    (s->dec = hidkeys_new(&s->conf)) == NULL) {
		log_warnx("scanner %s: %s", conf->name, err);
		free(s);
		return NULL;
	}
	s->loop = loop;
	s->hp = hp;
	s->src = src;
	s->fd = -1;
	s->backoff_ms = RETRY_MIN_MS;
	uv_timer_init(loop, &s->idle);
	uv_timer_init(loop, &s->retry);
	s->idle.data = s->retry.data = s;
	s->handles = 2;
	if (hp != NULL && hotplug_subscribe(hp, "input", on_hotplug, s) != 0)
		log_warn("scanner %s: hot-plug", conf->name);
	try_open(s);
	return s;
}

static void
hid_close(void *shell)
{
	struct shell *s = shell;

	if (s == NULL)
		return;
	s->closing = true;
	hotplug_unsubscribe(s->hp, on_hotplug, s);
	dev_close(s);
	uv_close((uv_handle_t *)&s->idle, on_handle_closed);
	uv_close((uv_handle_t *)&s->retry, on_handle_closed);
}

const struct scan_shell_ops hid_shell_ops = { hid_open, hid_close };
