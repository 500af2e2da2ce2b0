/* code128.h: Code 128 symbols for dossier and manifest codes, subsets B and
 * C only (printable ASCII; digit pairs). Pure: no I/O, no allocation.
 *
 * The encoder picks the shortest symbol sequence (fewest symbols, so the
 * narrowest barcode) by dynamic programming over the two subsets; on a tie
 * it prefers fewer subset switches, then subset B. The same symbols give
 * both the ESC/POS GS k 73 data ("{B", "{C" with packed digit pairs, a
 * literal "{" doubled as "{{") and the bar widths a raster renderer draws,
 * so a native barcode and its preview cannot disagree. */
#ifndef CODE128_H
#define CODE128_H
#include <stddef.h>
#include <stdint.h>

#define CODE128_DATA_MAX 80 /* characters of data we accept */
/* start + data (<= 2 symbols a character with switches) + check + stop */
#define CODE128_SYMBOLS_MAX (2 * CODE128_DATA_MAX + 3)
#define CODE128_START_B     104
#define CODE128_START_C     105
#define CODE128_CODE_B      100
#define CODE128_CODE_C      99
#define CODE128_STOP        106

enum code128_err {
	CODE128_OK,
	CODE128_EEMPTY, /* no data */
	CODE128_ELONG,  /* more than CODE128_DATA_MAX characters */
	CODE128_ECHAR,  /* a byte outside printable ASCII 0x20..0x7e */
};

struct code128 {                          /* a plain value */
	uint8_t sym[CODE128_SYMBOLS_MAX]; /* start, data, check, stop */
	size_t count;
};

/* Encodes len bytes. On error *at (when not NULL) is the offset of the
 * first bad byte. */
enum code128_err code128_encode(const char *data, size_t len,
    struct code128 *out, size_t *at);
const char *code128_strerror(enum code128_err);
/* The ESC/POS GS k 73 data for the symbols (without GS k 73 n): returns
 * its length, or 0 when it does not fit in size (at most 255 bytes). */
size_t code128_escpos(const struct code128 *, uint8_t *buf, size_t size);
/* Module count of the whole symbol, quiet zones excluded. */
size_t code128_modules(const struct code128 *);
/* Fills bars[0..modules-1] with 1 for a bar module, 0 for a space.
 * Returns the count written, or 0 when size is too small. */
size_t code128_bars(const struct code128 *, uint8_t *bars, size_t size);
#endif
