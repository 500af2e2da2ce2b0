/* zengine.h: what one decoding engine offers the combined pipeline
 * (zdecode.c): ZBar with our image transforms (zbdecode.c) and zxing-cpp
 * (zxdecode.cpp). An engine reports what it read as it read it; judging
 * the text (character sets, plausibility) and choosing between engines is
 * zdecode.c's. An engine handle is used by one thread at a time. */
#ifndef ZENGINE_H
#define ZENGINE_H
#include <stdbool.h>
#include <stddef.h>

#include "scanner/scan.h"
#include "scanner/zdopts.h"

/* One symbol as an engine read it. data holds the symbol's bytes: for a
 * QR without ECI the raw bytes of its segments (the character set is not
 * known), for a QR with ECI its text converted to UTF-8 by the engine
 * (ZENGINE_ECI), for a linear code its text. A payload longer than
 * ZDECODE_DATA_MAX (no valid QR holds one) is flagged, never cut silently. */
enum zengine_flag {
	ZENGINE_ECI = 1u << 0,         /* data is UTF-8 per the symbol's ECI */
	ZENGINE_ECI_UNKNOWN = 1u << 1, /* an ECI the engine cannot convert */
	ZENGINE_OVERLONG = 1u << 2,    /* more than ZDECODE_DATA_MAX bytes */
	ZENGINE_UNCONFIRMED = 1u << 3, /* ZBar: a linear read seen in one
	                                * view of the image only */
};

struct zengine_sym {
	enum scan_symbology sym;
	unsigned char data[ZDECODE_DATA_MAX]; /* not NUL-terminated */
	size_t len;
	unsigned flags;         /* enum zengine_flag bits */
	enum zdecode_step step; /* ZBar: the step that found it */
};

/* open: NULL with errno (ENOMEM; EINVAL for no known symbology). run:
 * decodes a packed grey image of w x h bytes with the given steps
 * (ZDECODE_* bits; ZBar runs them in order until one finds something,
 * zxing-cpp reads them as "try harder" when more than PLAIN/INVERT are
 * set), fills at most max symbols, distinct by symbology and data, and
 * returns how many. An engine never throws or aborts on any input. */
struct zengine_ops {
	const char *name; /* "zbar", "zxing" */
	void *(*open)(const struct zdecode_opts *);
	void (*close)(void *);
	size_t (*run)(void *, const unsigned char *grey, int w, int h,
	    unsigned steps, struct zengine_sym *out, size_t max);
};

extern const struct zengine_ops zbdecode_ops; /* zbdecode.c */
#endif
