/* hotplug.c: see hotplug.h. libudev's monitor socket is non-blocking; it
 * is watched with one uv_poll and drained a bounded number of devices per
 * wake-up, so a storm of events cannot hold the loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "scanner/hotplug.h"
#include "lib/log.h"

#define DRAIN_MAX 64 /* udev events per wake-up */

static const char *const subsystems[] = { "input", "tty", "video4linux" };
#define NSUBSYSTEMS (sizeof subsystems / sizeof subsystems[0])

struct sub {
	const char *subsystem; /* one of subsystems[]; NULL: free slot */
	hotplug_cb *cb;
	void *arg;
};

struct hotplug {
	uv_loop_t *loop;          /* borrowed */
	struct udev *udev;        /* owned; NULL when inactive */
	struct udev_monitor *mon; /* owned; NULL when inactive */
	uv_poll_t *poll;          /* owned; freed in its close callback */
	struct sub subs[HOTPLUG_SUBS_MAX];
};

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

void
hotplug_inject(struct hotplug *hp, const struct hotplug_dev *dev)
{
	/* A callback may unsubscribe itself (or another): slots are only
	 * cleared, never moved, so the walk stays valid. */
	for (size_t i = 0; i < HOTPLUG_SUBS_MAX; i++) {
		struct sub *s = &hp->subs[i];

		if (s->subsystem != NULL &&
		    strcmp(s->subsystem, dev->subsystem) == 0)
			s->cb(s->arg, dev);
	}
}

static void
on_readable(uv_poll_t *w, int status, int events)
{
	struct hotplug *hp = w->data;
	struct udev_device *d;

	(void)events;
	if (status < 0) {
		log_warnx("hotplug: udev monitor: %s; shells fall back to "
		          "retries",
		    uv_strerror(status));
		uv_poll_stop(w);
		return;
	}
	for (int n = 0; n < DRAIN_MAX; n++) {
		struct hotplug_dev dev;

		if ((d = udev_monitor_receive_device(hp->mon)) == NULL)
			break;
		dev.action = str(udev_device_get_action(d));
		dev.subsystem = str(udev_device_get_subsystem(d));
		dev.devnode = str(udev_device_get_devnode(d));
		dev.vendor_id =
		    str(udev_device_get_property_value(d, "ID_VENDOR_ID"));
		dev.model_id =
		    str(udev_device_get_property_value(d, "ID_MODEL_ID"));
		dev.serial =
		    str(udev_device_get_property_value(d, "ID_SERIAL_SHORT"));
		if (strcmp(dev.action, "add") == 0 ||
		    strcmp(dev.action, "remove") == 0) {
			log_debug("hotplug: %s %s %s", dev.action,
			    dev.subsystem, dev.devnode);
			hotplug_inject(hp, &dev);
		}
		udev_device_unref(d);
	}
}

/* The monitor, or a reason why not (logged once by the caller). */
static const char *
start(struct hotplug *hp)
{
	int fd;

	if ((hp->udev = udev_new()) == NULL)
		return "udev_new failed";
	hp->mon = udev_monitor_new_from_netlink(hp->udev, "udev");
	if (hp->mon == NULL)
		return "no udev netlink monitor";
	for (size_t i = 0; i < NSUBSYSTEMS; i++)
		if (udev_monitor_filter_add_match_subsystem_devtype(hp->mon,
		        subsystems[i], NULL) < 0)
			return "udev filter failed";
	if (udev_monitor_enable_receiving(hp->mon) < 0)
		return "udev monitor cannot receive";
	if ((fd = udev_monitor_get_fd(hp->mon)) < 0)
		return "udev monitor has no descriptor";
	if ((hp->poll = calloc(1, sizeof *hp->poll)) == NULL)
		return "out of memory";
	if (uv_poll_init(hp->loop, hp->poll, fd) != 0) {
		free(hp->poll);
		hp->poll = NULL;
		return "uv_poll_init failed";
	}
	hp->poll->data = hp;
	uv_poll_start(hp->poll, UV_READABLE, on_readable);
	return NULL;
}

struct hotplug *
hotplug_new(uv_loop_t *loop)
{
	struct hotplug *hp = calloc(1, sizeof *hp);
	const char *why;

	if (hp == NULL)
		return NULL;
	hp->loop = loop;
	if ((why = start(hp)) != NULL) {
		log_warnx("hotplug: %s: scanners are found by retrying "
		          "every second",
		    why);
		if (hp->mon != NULL)
			udev_monitor_unref(hp->mon);
		if (hp->udev != NULL)
			udev_unref(hp->udev);
		hp->mon = NULL;
		hp->udev = NULL;
	}
	return hp;
}

bool
hotplug_active(const struct hotplug *hp)
{
	return hp != NULL && hp->poll != NULL;
}

int
hotplug_subscribe(struct hotplug *hp, const char *subsystem, hotplug_cb *cb,
    void *arg)
{
	const char *known = NULL;

	for (size_t i = 0; i < NSUBSYSTEMS; i++)
		if (strcmp(subsystem, subsystems[i]) == 0)
			known = subsystems[i];
	if (known == NULL || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < HOTPLUG_SUBS_MAX; i++)
		if (hp->subs[i].subsystem == NULL) {
			hp->subs[i] = (struct sub){ known, cb, arg };
			return 0;
		}
	errno = ENOBUFS;
	return -1;
}

void
hotplug_unsubscribe(struct hotplug *hp, hotplug_cb *cb, void *arg)
{
	if (hp == NULL)
		return;
	for (size_t i = 0; i < HOTPLUG_SUBS_MAX; i++)
		if (hp->subs[i].cb == cb && hp->subs[i].arg == arg)
			memset(&hp->subs[i], 0, sizeof hp->subs[i]);
}

static void
on_poll_closed(uv_handle_t *h)
{
	free(h);
}

void
hotplug_free(struct hotplug *hp)
{
	if (hp == NULL)
		return;
	if (hp->poll != NULL)
		uv_close((uv_handle_t *)hp->poll, on_poll_closed);
	if (hp->mon != NULL)
		udev_monitor_unref(hp->mon);
	if (hp->udev != NULL)
		udev_unref(hp->udev);
	free(hp);
}
