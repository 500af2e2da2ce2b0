/* vntext.h: Vietnamese text for the printer: NFC, TCVN-3 code pages,
 * diacritic stripping and the substitution rule for characters a path
 * cannot print. Pure: no I/O, no globals; callers give bounded buffers.
 *
 * TCVN-3 on Epson-compatible printers is two 128-character pages
 * (docs/domain.md, "ESC/POS printers"): ESC t 30 (TCVN-3-1, lowercase
 * precomposed vowels and đ) and ESC t 31 (TCVN-3-2, uppercase); both keep ASCII
 * in 0x20..0x7e. The tables follow escpos-printer-db's data/encoding.yml.
 *
 * The substitution rule (docs/printing.md), for a character the chosen
 * path cannot print, in order:
 *   1. typographic punctuation becomes ASCII: ‘ ’ ' → ', “ ” → ", – — → -,
 *      … → ..., non-breaking and other spaces → space, • → *;
 *   2. a letter whose canonical decomposition starts with an ASCII letter
 *      becomes that letter (é → e, Ố → O); đ → d, Đ → D;
 *   3. anything else (controls, symbols, other scripts) becomes '?'.
 * Nothing outside printable ASCII and the page's own bytes is ever sent. */
#ifndef VNTEXT_H
#define VNTEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VN_PAGE_LOWER 0 /* TCVN-3-1 */
#define VN_PAGE_UPPER 1 /* TCVN-3-2 */

/* NFC of NUL-terminated UTF-8 into out. Invalid UTF-8 is an error. Returns
 * the length, or -1 (bad UTF-8, or it does not fit). */
long vn_nfc(const char *in, char *out, size_t size);
/* Decodes one code point from s (valid UTF-8 assumed, as after vn_nfc);
 * returns its byte length (>= 1). */
size_t vn_next(const char *s, uint32_t *cp);
/* Number of code points (the printed width in cells) of UTF-8 text. */
size_t vn_width(const char *s, size_t len);
/* True when every byte is printable ASCII. */
bool vn_is_ascii(const char *s, size_t len);
/* The ASCII replacement of cp by the rule above: writes up to 3 bytes,
 * returns the count. Printable ASCII maps to itself. */
size_t vn_subst(uint32_t cp, char out[4]);
/* TCVN-3 byte of cp on each page: bit VN_PAGE_x of the return is set when
 * page x has it, with the byte in byte[x]. 0: neither page has it. */
unsigned vn_tcvn3(uint32_t cp, uint8_t byte[2]);
/* The code point of byte b (>= 0x80) on a page, or 0 when unassigned. */
uint32_t vn_tcvn3_decode(int page, uint8_t b);
#endif
