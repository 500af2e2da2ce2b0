/* zdopts.h: what the combined decoder (zdecode.h) and its engines
 * (zengine.h) share: the bounds, the steps, the engines and the options.
 * Plain values only; its own header so that the engines need not include
 * the decoder that includes them. */
#ifndef ZDOPTS_H
#define ZDOPTS_H
#include <stdbool.h>

#include "scanner/scan.h"

#define ZDECODE_SYMBOLS_MAX  16 /* symbols returned from one image */
#define ZDECODE_REFUSALS_MAX 16 /* refusals kept from one image */
/* Bytes of one payload: the most a QR holds as UTF-8. Version 40-L holds
 * 7,089 digits or 2,953 bytes; a byte of Latin-1, Shift-JIS or any other
 * ECI character set is at most 3 bytes of UTF-8, so 3 x 2,953. */
#define ZDECODE_DATA_MAX 8859

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

/* Engines, as bits for zdecode_opts.engines and as who read a symbol. */
enum zdecode_engine {
	ZDECODE_ZXING = 1u << 0,
	ZDECODE_ZBAR = 1u << 1,
};
#define ZDECODE_ALL_ENGINES 0x3u

struct zdecode_opts {
	unsigned symbologies; /* bits (1u << enum scan_symbology); 0: default */
	unsigned steps;       /* ZDECODE_* step bits; 0: all */
	unsigned engines;     /* ZDECODE_ZXING | ZDECODE_ZBAR; 0: both */
	int uncertainty;      /* cache: frames a symbol must be seen in; 0: 1 */
	bool video;           /* frames of a video: later frames, not a second
	                       * view of this one, confirm ZBar's reads */
	bool cache;           /* video: a symbol counts once in view */
};
#endif
