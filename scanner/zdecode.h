/* zdecode.h: the barcode pipeline on ZBar's image scanner, for image files
 * (`motcua decode`) and camera frames (camscan.c). Only the enabled
 * symbologies are read; QR is read as binary and kept only when it is
 * valid UTF-8. The cheap path (a plain scan at native size) goes first;
 * when it finds nothing, retry steps run in order until one finds
 * something, cheapest first: scaling, local binarisation, an inverted
 * image, rotation (twelve angles).
 * Each step's worth was measured on tests/data/barcodes (docs/benchmarks.md,
 * "Barcode decoding"). Not thread-safe: one struct zdecode per thread. */
#ifndef ZDECODE_H
#define ZDECODE_H
#include <stdbool.h>
#include <stddef.h>

#include "scanner/scan.h"

#define ZDECODE_SYMBOLS_MAX 16 /* symbols returned from one image */

/* Steps, as bits for zdecode_opts.steps and as the step that found a
 * symbol. */
enum zdecode_step {
	ZDECODE_PLAIN = 1u << 0,    /* native size, as given */
	ZDECODE_SCALE = 1u << 1,    /* down for large photos, up for small */
	ZDECODE_BINARISE = 1u << 2, /* local (adaptive) threshold */
	ZDECODE_ROTATE = 1u << 3,   /* turned by +-10 to 75 degrees (last) */
	ZDECODE_INVERT = 1u << 4,   /* light-on-dark (phone screens) */
};
#define ZDECODE_ALL_STEPS 0x1fu
#define ZDECODE_DEFAULT_SYMBOLOGIES \
	((1u << SCAN_SYM_CODE128) | (1u << SCAN_SYM_QR))

struct zdecode_opts {
	unsigned symbologies; /* bits (1u << enum scan_symbology); 0: default */
	unsigned steps;       /* ZDECODE_* bits; 0: all */
	int uncertainty;      /* ZBar's ZBAR_CFG_UNCERTAINTY; 0: its default */
	bool cache;           /* video: report a symbol once while in view */
};

struct zdecode_symbol {
	enum scan_symbology sym;
	unsigned char data[SCAN_DATA_MAX]; /* not NUL-terminated */
	size_t len;
	bool truncated;         /* longer than SCAN_DATA_MAX: cut */
	enum zdecode_step step; /* which step found it */
};

struct zdecode;
/* NULL with errno on failure (ENOMEM, or EINVAL for no known symbology). */
struct zdecode *zdecode_new(const struct zdecode_opts *);
void zdecode_free(struct zdecode *);
/* Changes the steps for the next runs (0: all); the camera alternates. */
void zdecode_set_steps(struct zdecode *, unsigned steps);
/* Decodes a packed grey image of w x h bytes. Fills at most max symbols
 * (distinct by symbology and data) and returns how many. */
size_t zdecode_run(struct zdecode *, const unsigned char *grey, int w, int h,
    struct zdecode_symbol *out, size_t max);

/* Symbology names and lists: scan_symbology_name and
 * scan_symbologies_parse (scan.h). */
const char *zdecode_step_name(enum zdecode_step); /* "plain", ... */
#endif
