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

#define SCAN_DATA_MAX    512 /* bytes of one payload; longer: cut, reported */
#define SCAN_SOURCES_MAX 16  /* configured sources per daemon */
#define SCAN_NAME_MAX    32  /* bytes of a source or terminal name */
#define SCAN_DEVICE_MAX  256 /* device path, by-id path or vid:pid[:serial] */

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

enum scan_source_kind { SCAN_HID, SCAN_SERIAL, SCAN_CAMERA };
enum scan_end { SCAN_END_ENTER, SCAN_END_TAB, SCAN_END_NONE };

/* One [scanner.NAME] section of the config (docs/scanners.md). A plain
 * value: owns nothing. Fields a kind does not use are ignored. */
struct scanner_conf {
	char name[SCAN_NAME_MAX];
	enum scan_source_kind kind;
	char device[SCAN_DEVICE_MAX]; /* hid: /dev/input/by-id/... or
	                               * vid:pid[:serial]; serial: /dev/tty...;
	                               * camera: /dev/videoN */
	char terminal[SCAN_NAME_MAX]; /* where its scans go */
	/* hid */
	enum scan_end end;  /* the key that ends a scan */
	int idle_ms;        /* SCAN_END_NONE: a scan ends after this */
	int max_key_gap_ms; /* a longer gap between keys: typing, drop */
	int max_scan_ms;    /* a longer scan: typing, drop */
	int min_len;        /* shorter scans are dropped */
	/* serial */
	int baud, data_bits, stop_bits;
	char parity;    /* 'N', 'E', 'O' */
	char flow;      /* 'N' none, 'X' XON/XOFF, 'R' RTS/CTS */
	char suffix[4]; /* frame end: "\r", "\n", "\r\n" (any of CR/LF when
	                 * "\r\n"), or "\t" */
	int max_line;   /* bytes; a longer line is cut and reported */
	/* camera */
	unsigned symbologies; /* bit (1u << enum scan_symbology) */
	bool inverted;        /* also read light-on-dark codes (phones) */
	int uncertainty;      /* ZBar's video uncertainty, frames */
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
