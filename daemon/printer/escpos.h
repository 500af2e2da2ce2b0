/* escpos.h: from a layout (ptemplate.h) and a profile (pprofile.h) to the
 * ESC/POS bytes a printer gets, and to the preview bitmap of the same
 * page. One walk over the layout emits both, so the preview shows exactly
 * what the bytes print: text lines on the character grid, Vietnamese lines
 * rendered with FreeType where the profile prints raster, barcodes and QR
 * codes from the same module patterns (code128.h, libqrencode).
 *
 * Pure apart from reading the font files in escpos_new; a struct escpos
 * is the loaded fonts, used on one thread. */
#ifndef ESCPOS_H
#define ESCPOS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "printer/pprofile.h"
#include "printer/ptemplate.h"

#define ESCPOS_JOB_MAX     (1u << 20) /* bytes of one job */
#define ESCPOS_PREVIEW_MAX 40000      /* rows of one preview */
#define ESCPOS_LINE_DOTS   30         /* a text line's pitch (ESC 3 30) */
#define ESCPOS_QR_MAX      512        /* bytes of a QR payload */

struct escpos;

struct ebitmap { /* 1 byte a pixel, 1 = black; owns px */
	int width, height, cap;
	uint8_t *px;
};

struct escpos_stats {
	size_t text_lines, raster_lines;
	size_t min_bytes; /* the content itself: printed characters, line
	                   * ends, barcode data and QR payload */
};

/* Loads the fonts: the grid font regular and bold (monospaced), and the
 * fallback regular and bold for glyphs the grid font lacks. NULL with a
 * message naming the config key in err. */
struct escpos *escpos_new(const char *const fonts[4], char *err,
    size_t errsize);
void escpos_free(struct escpos *);

/* Renders. bytes and preview may each be NULL; stats may be NULL. 0, or
 * -1 with a message naming the element in err (a barcode that cannot be
 * encoded, a QR payload too long, a job over ESCPOS_JOB_MAX). */
int escpos_render(struct escpos *, const struct pprofile *,
    const struct ptemplate_layout *, struct buf *bytes, struct ebitmap *preview,
    struct escpos_stats *stats, char *err, size_t errsize);
/* Encodes the bitmap as a grayscale PNG into out. 0 or -1. */
int escpos_png(const struct ebitmap *, struct buf *out);

void ebitmap_cleanup(struct ebitmap *);
#endif
