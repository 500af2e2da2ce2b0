/* framer.h: the serial scanner's framer. Pure: bytes in (any chunking),
 * frames out through a callback; no I/O, no clock, no allocation.
 *
 * A frame ends at the configured suffix: "\r", "\n", "\t", or "\r\n",
 * which means either CR or LF (scanners differ, and an empty frame between
 * a CR and its LF is skipped). A line longer than max_line bytes is cut:
 * the first max_line bytes come out once as FRAME_OVERLONG, the rest up to
 * the next suffix is dropped (resync). A frame with a NUL or another
 * control byte, or with invalid UTF-8, comes out as FRAME_GARBAGE with a
 * reason and no data; a garbage run with no suffix is reported once when
 * it passes max_line. An AIM symbology identifier at the start ("]C0",
 * "]Q1", ...) is removed and gives the symbology. */
#ifndef FRAMER_H
#define FRAMER_H
#include <stdbool.h>
#include <stddef.h>

#include "scanner/scan.h"

enum frame_kind {
	FRAME_OK,
	FRAME_OVERLONG, /* data: the first max_line bytes */
	FRAME_GARBAGE,  /* no data; reason */
};

struct frame { /* borrowed for the callback only */
	enum frame_kind kind;
	enum scan_symbology sym;
	const unsigned char *data;
	size_t len;
	const char *reason; /* static; FRAME_GARBAGE: why */
};

typedef void framer_cb(void *arg, const struct frame *);

struct framer {           /* a plain value: framer_init, then framer_push */
	bool cr, lf, tab; /* which bytes end a frame */
	size_t max_line;  /* 1..SCAN_DATA_MAX */
	unsigned char buf[SCAN_DATA_MAX];
	size_t len;
	bool overlong;     /* cut: dropping to the next suffix */
	const char *bad;   /* garbage seen: dropping to the next suffix */
	bool bad_reported; /* a run without a suffix was reported */
	size_t bad_len;    /* bytes of the garbage run */
};

/* suffix: "\r", "\n", "\r\n" or "\t" (anything else: "\r\n");
 * max_line is clamped to 1..SCAN_DATA_MAX. */
void framer_init(struct framer *, const char *suffix, int max_line);
/* Feeds n bytes; calls cb for each frame they complete. */
void framer_push(struct framer *, const void *bytes, size_t n, framer_cb *cb,
    void *arg);
/* Drops a partial frame (the device went away). */
void framer_reset(struct framer *);
#endif
