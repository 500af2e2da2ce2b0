/* hotplug.h: one udev monitor on the daemon's loop that tells the scanner
 * shells (evdev, serial, camera) when a device of their subsystem comes or
 * goes, so a replugged scanner works again at once instead of at its next
 * retry. It watches the subsystems "input", "tty" and "video4linux".
 *
 * Where no udev monitor can be made (a container without netlink or
 * udevd), hotplug_new() still succeeds, logs once and reports nothing:
 * the shells keep their own retry (at most 1 s apart), which is the floor
 * either way. Loop thread only. */
#ifndef HOTPLUG_H
#define HOTPLUG_H
#include <stdbool.h>

#include <uv.h>

#define HOTPLUG_SUBS_MAX 32 /* subscribers: SCAN_SOURCES_MAX and more */

struct hotplug; /* opaque */

/* One udev event, borrowed for the callback only. Strings are never NULL
 * ("" when udev has no such property). */
struct hotplug_dev {
	const char *action;    /* "add" or "remove" (others are dropped) */
	const char *subsystem; /* "input", "tty", "video4linux" */
	const char *devnode;   /* "/dev/input/event5"; "" for parents */
	const char *vendor_id; /* ID_VENDOR_ID, "0c2e" */
	const char *model_id;  /* ID_MODEL_ID */
	const char *serial;    /* ID_SERIAL_SHORT */
};
typedef void hotplug_cb(void *arg, const struct hotplug_dev *);

/* Starts the monitor on loop (borrowed). NULL only with errno ENOMEM. */
struct hotplug *hotplug_new(uv_loop_t *loop);
/* Whether udev events will come (false: the shells rely on retries). */
bool hotplug_active(const struct hotplug *);
/* Calls cb(arg, dev) for each add/remove in subsystem. 0, or -1 with errno
 * ENOBUFS (HOTPLUG_SUBS_MAX reached) or EINVAL (unknown subsystem). */
int hotplug_subscribe(struct hotplug *, const char *subsystem, hotplug_cb *cb,
    void *arg);
/* Removes every subscription of (cb, arg); a shell calls it when it
 * closes. Safe from inside a callback. */
void hotplug_unsubscribe(struct hotplug *, hotplug_cb *cb, void *arg);
/* Delivers dev to the subscribers as if udev had sent it: for tests. */
void hotplug_inject(struct hotplug *, const struct hotplug_dev *);
/* Stops the monitor; call it after closing every shell that subscribed.
 * The memory goes once the loop has closed its handle. NULL: no-op. */
void hotplug_free(struct hotplug *);
#endif
