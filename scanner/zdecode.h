/* zdecode.h: the barcode pipeline for image files (`motcua decode`) and
 * camera frames (camscan.c): two engines, zxing-cpp (zxdecode.cpp) and
 * ZBar behind our image transforms (zbdecode.c), combined (zdecode.c).
 * zxing-cpp, the faster, reads first; ZBar runs its steps when zxing-cpp
 * found nothing acceptable. Every result is judged before it is returned:
 * the symbology enabled, linear text printable, QR text turned into UTF-8
 * only when its character set is certain (ECI, or the one of UTF-8,
 * Latin-1 and Shift-JIS its bytes can be), and the rules in
 * docs/scanners.md ("How the two engines are combined") for a result only
 * one engine reads. A payload is returned whole or refused with a reason
 * (zdecode_refusals), never cut. Not thread-safe: one struct zdecode per
 * thread. */
#ifndef ZDECODE_H
#define ZDECODE_H
#include <stdbool.h>
#include <stddef.h>

#include "scanner/scan.h"
#include "scanner/zdopts.h" /* steps, options, ZDECODE_DATA_MAX */

/* The character set a QR's text came in (UTF-8 in data either way). */
enum zdecode_charset {
	ZDECODE_CS_TEXT,   /* a linear code: printable ASCII */
	ZDECODE_CS_UTF8,   /* QR bytes that are UTF-8 (ASCII included) */
	ZDECODE_CS_LATIN1, /* QR bytes only Latin-1 can read, converted */
	ZDECODE_CS_SJIS,   /* QR bytes only Shift-JIS can read, converted */
	ZDECODE_CS_ECI,    /* QR text converted by zxing-cpp per its ECI */
};

struct zdecode_symbol {
	enum scan_symbology sym;
	unsigned char data[ZDECODE_DATA_MAX]; /* UTF-8, not NUL-terminated */
	size_t len;
	enum zdecode_step step; /* ZBar: the step that found it */
	unsigned engines;       /* enum zdecode_engine bits: who read it */
	enum zdecode_charset charset;
};

/* A symbol read but not returned, and why ("character set unknown: ...",
 * "Code 39 text could be Full ASCII", ...; a static string). */
struct zdecode_refusal {
	enum scan_symbology sym;
	unsigned engines;
	const char *why;
};

struct zdecode;
/* NULL with errno on failure (ENOMEM, or EINVAL for no known symbology
 * or engine). */
struct zdecode *zdecode_new(const struct zdecode_opts *);
void zdecode_free(struct zdecode *);
/* Changes the steps for the next runs (0: all); the camera alternates. */
void zdecode_set_steps(struct zdecode *, unsigned steps);
/* Decodes a packed grey image of w x h bytes. Fills at most max symbols
 * (distinct by symbology and data) and returns how many. */
size_t zdecode_run(struct zdecode *, const unsigned char *grey, int w, int h,
    struct zdecode_symbol *out, size_t max);
/* The last run's refusals (at most ZDECODE_REFUSALS_MAX): how many, and a
 * pointer to them, valid until the next run. */
size_t zdecode_refusals(const struct zdecode *,
    const struct zdecode_refusal **out);

/* Symbology names and lists: scan_symbology_name and
 * scan_symbologies_parse (scan.h). */
const char *zdecode_step_name(enum zdecode_step);       /* "plain", ... */
const char *zdecode_charset_name(enum zdecode_charset); /* "utf-8", ... */
/* "zxing", "zbar" or "zxing+zbar" for a set of engine bits. */
const char *zdecode_engines_name(unsigned engines);
#endif
