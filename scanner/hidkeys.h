/* hidkeys.h: the keyboard-wedge decoder. Turns evdev key events from a
 * USB HID scanner into scans. Pure: no I/O, no clock (times come in as
 * arguments), no allocation beyond the struct itself, no globals but const
 * tables, so the golden tests, the fuzzer and the evdev shell drive the
 * same code.
 *
 * Decoding uses a fixed US key table, never the host keymap: the scanner
 * is configured for a US layout and evdev codes are physical key positions.
 * The decoder tracks its own Shift (left and right), CapsLock (toggles on
 * press; letters only), NumLock (starts on; keypad digits and dot), Ctrl
 * (Ctrl+] is 0x1D, GS1 FNC1; Ctrl+@..._ and Ctrl+letter are the C0
 * controls) and Alt+keypad decimal codes 1..127 (a layout-free mode many
 * scanners offer). Anything else is an unknown key: counted, and the scan
 * holding it is rejected ("unknown key"), because a payload missing a
 * character could still look like a valid but different dossier code.
 *
 * Framing. Key presses (value 1) form runs; a gap longer than
 * max_key_gap_ms between two presses ends a run. A scan is one run that
 * ends with the end key (Enter or keypad Enter, or Tab), or, with
 * SCAN_END_NONE, with idle_ms of silence. A scan that passes the guards
 * (no unknown key, at most max_scan_ms from first press to end, at least
 * min_len bytes after the AIM prefix) is emitted. Everything else is
 * collected as "junk" and rejected once, with one reason, when the burst
 * is over (the end key, a good scan right after, or max_scan_ms of
 * silence), so a person typing a whole line costs one rejection, not one
 * per key. Rejections carry no bytes: a person may have typed a password.
 *
 * Autorepeat (value 2) is ignored. On SYN_DROPPED the partial scan is
 * discarded ("dropped"), Shift/Ctrl/Alt are cleared and events are ignored
 * up to the next SYN_REPORT, as the kernel asks; a caller using libevdev's
 * sync path calls hidkeys_resync() instead, which tells the decoder which
 * keys are down and ends the wait. CapsLock and NumLock are ours and stay.
 *
 * An AIM symbology identifier at the start (]C0 Code 128, ]C1 GS1-128,
 * ]Q1 QR, ]E0 EAN-13/UPC-A, ]A0 Code 39, ]I0 ITF, other known letters:
 * SCAN_SYM_OTHER) is stripped and sets the symbology. A payload longer
 * than SCAN_DATA_MAX is cut and flagged truncated.
 *
 * All times are milliseconds on one monotonic clock and must not go
 * backwards (an earlier time counts as equal). Not thread-safe: one
 * decoder per device, one thread. */
#ifndef HIDKEYS_H
#define HIDKEYS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/scan.h"

/* Defaults (docs/domain.md, "Keyboard-wedge scanners"); a 0 in struct
 * scanner_conf means the default. Bluetooth scanners need a larger key gap. */
#define HIDKEYS_KEY_GAP_MS 100   /* max_key_gap_ms */
#define HIDKEYS_SCAN_MS    1500  /* max_scan_ms; also the junk quiet time */
#define HIDKEYS_MIN_LEN    4     /* min_len, bytes after the AIM prefix */
#define HIDKEYS_IDLE_MS    100   /* idle_ms, with SCAN_END_NONE */
#define HIDKEYS_MS_MAX     60000 /* upper bound of each time setting */

/* At most this many results come out of one call. */
#define HIDKEYS_OUT_MAX 4

enum hidkeys_kind { HIDKEYS_SCAN, HIDKEYS_REJECT };
struct hidkeys_result {
	enum hidkeys_kind kind;
	int64_t at_ms; /* time of the last key (the end key, if any) */
	/* HIDKEYS_SCAN: data borrowed from the decoder until its next call */
	enum scan_symbology sym;
	const unsigned char *data; /* ASCII, not NUL-terminated */
	size_t len;                /* <= SCAN_DATA_MAX */
	bool truncated;            /* the payload was longer and was cut */
	/* HIDKEYS_REJECT */
	const char *reason;  /* static: "typing", "too slow", "too short",
	                      * "no end key", "unknown key", "dropped" */
	size_t rejected_len; /* bytes discarded (the bytes are not kept) */
	unsigned unknown;    /* unknown keys among them */
};

struct hidkeys; /* opaque */

/* Fills the hid fields of conf (end, idle_ms, max_key_gap_ms, max_scan_ms,
 * min_len) that are 0 with the defaults above. */
void hidkeys_conf_defaults(struct scanner_conf *conf);
/* Checks the hid fields (after defaults): 0, or -1 with a message naming
 * the field and the problem in err ("max_key_gap_ms: must be 1..60000"). */
int hidkeys_conf_check(const struct scanner_conf *conf, char *err,
    size_t errsize);
/* A decoder for conf (copied; 0 fields take the defaults). NULL with errno
 * EINVAL (a bad field: see hidkeys_conf_check) or ENOMEM. Caller frees. */
struct hidkeys *hidkeys_new(const struct scanner_conf *conf);
void hidkeys_free(struct hidkeys *); /* NULL is a no-op */

/* Feeds one evdev event (type, code, value as in struct input_event) at
 * time ms. Writes 0..HIDKEYS_OUT_MAX results to out and returns how many;
 * their data stays valid until the next call on this decoder. */
size_t hidkeys_feed(struct hidkeys *, unsigned type, unsigned code, int value,
    int64_t ms, struct hidkeys_result out[HIDKEYS_OUT_MAX]);
/* The time passes to now_ms with no event: ends an idle scan (SCAN_END_NONE)
 * or a burst of junk. Results as for hidkeys_feed. */
size_t hidkeys_tick(struct hidkeys *, int64_t now_ms,
    struct hidkeys_result out[HIDKEYS_OUT_MAX]);
/* When hidkeys_tick next has work to do, or -1 when it has none. Calling
 * it earlier or later is harmless: feeding an event first catches up. */
int64_t hidkeys_deadline(const struct hidkeys *);
/* After a resync (libevdev's LIBEVDEV_READ_STATUS_SYNC path): down holds
 * the n key codes now held down (only modifiers matter). Sets Shift, Ctrl
 * and Alt from it and stops ignoring events after a SYN_DROPPED. */
void hidkeys_resync(struct hidkeys *, const unsigned *down, size_t n);
/* Totals since hidkeys_new, for counters. */
struct hidkeys_stats {
	unsigned long scans, rejects, unknown_keys, autorepeats, dropped;
};
void hidkeys_stats(const struct hidkeys *, struct hidkeys_stats *);
#endif
