/* scan.h: the one scan-event type every scanner source produces, and the
 * interface a source shell (evdev, serial, camera) uses to report scans
 * and its state to the scan hub (scanhub.c), which classifies, removes
 * repeats, routes to terminals and keeps the counters `motcua scanners`
 * shows. Loop thread only, unless a function says otherwise. */
#ifndef SCAN_H
#define SCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/scanconf.h" /* struct scanner_conf, SCAN_*_MAX */

enum scan_symbology {
	SCAN_SYM_UNKNOWN, /* keyboard wedge and serial without an AIM prefix */
	SCAN_SYM_CODE128,
	SCAN_SYM_QR,
	SCAN_SYM_EAN13,
	SCAN_SYM_CODE39,
	SCAN_SYM_ITF,
	SCAN_SYM_OTHER,
};
const char *scan_symbology_name(enum scan_symbology); /* "code128", ... */
/* Parses a comma-separated list of the names above ("code128, QR"; case
 * and blanks around names ignored) into bits (1u << enum scan_symbology).
 * -1 on an empty list, an empty entry or a name that is not one of code128,
 * qr, ean13, code39, itf. */
int scan_symbologies_parse(const char *list, unsigned *bits);

struct scan_event {         /* borrowed for the call only */
	const char *source; /* the configured source name */
	enum scan_symbology sym;
	const unsigned char *data; /* untrusted bytes, not NUL-terminated */
	size_t len;                /* <= SCAN_DATA_MAX */
	bool truncated;            /* the scan was longer and was cut */
	int64_t mono_ms;           /* CLOCK_MONOTONIC at the last byte */
	int64_t wall_ms;           /* CLOCK_REALTIME, same moment */
};

/* A source as the hub sees it. A shell gets one from the hub when it
 * starts, reports through it, and never frees it. */
struct scan_source;
/* The scan is classified and routed. Returns immediately. */
void scan_source_submit(struct scan_source *, const struct scan_event *);
/* State for `motcua scanners`: "open", "waiting" (not attached), "retry"
 * (attached but failing, with backoff), "error"; detail is a short reason
 * or the device path (copied). */
void scan_source_state(struct scan_source *, const char *state,
    const char *detail);
/* Counts an error of a named class ("overlong", "garbage", "dropped",
 * "typing", "io", ...) and logs it once per class per minute. */
void scan_source_error(struct scan_source *, const char *counter,
    const char *detail);

/* A source shell: one per kind (hid_shell_ops in evdev.c, serial_shell_ops
 * in serscan.c, camera_shell_ops in camscan.c). The hub opens one shell per
 * configured source when the daemon starts and closes it at shutdown.
 * open() never blocks: a missing device is state "waiting" and is retried
 * with backoff (at most 1 s apart, so a replugged device works within
 * 2 s), sooner when the hot-plug monitor (hotplug.h, may be NULL) reports
 * its subsystem. It returns the shell's handle, or NULL (logged) on a bad
 * config. close() stops it; the memory goes once the loop has closed its
 * handles. */
struct hotplug;
struct uv_loop_s;
struct scan_shell_ops {
	void *(*open)(struct uv_loop_s *, struct hotplug *,
	    const struct scanner_conf *, struct scan_source *);
	void (*close)(void *shell);
};
#endif
