/* devid.h: how a [scanner.NAME] device setting names a HID scanner, parsed
 * without touching a device: a path (/dev/input/by-id/...-event-kbd, a
 * /dev/input/eventN node or any other absolute path, e.g. a udev symlink)
 * or a USB id "vid:pid" or "vid:pid:serial" (4 hex digits each, as
 * lsusb prints them; the serial as udev's ID_SERIAL_SHORT). Pure. */
#ifndef DEVID_H
#define DEVID_H
#include <stdbool.h>
#include <stddef.h>

#include "scanner/scan.h"

struct devid { /* a plain value */
	bool is_path;
	char path[SCAN_DEVICE_MAX];   /* is_path: the path as given */
	char vid[5], pid[5];          /* else: lower-case hex, NUL-terminated */
	char serial[SCAN_DEVICE_MAX]; /* "" when any serial matches */
};

/* Parses s (NUL-terminated, untrusted). 0, or -1 with a message naming the
 * problem in err ("device: vendor id must be 4 hex digits"). */
int devid_parse(const char *s, struct devid *out, char *err, size_t errsize);
/* Whether a device with these udev properties (ID_VENDOR_ID, ID_MODEL_ID,
 * ID_SERIAL_SHORT; NULL when absent) is the one id names. Hex compares
 * ignore case; the serial must match exactly when id has one. */
bool devid_match(const struct devid *id, const char *vid, const char *pid,
    const char *serial);
#endif
