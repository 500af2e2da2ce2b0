/* qrtext.h: the text of a QR code's bytes when the code does not say its
 * character set (no ECI). ISO/IEC 18004 makes Latin-1 the default, but
 * Japanese encoders write Shift-JIS and most others UTF-8, so the bytes
 * alone must decide: the text is returned only when exactly one of
 * UTF-8, Latin-1 and Shift-JIS reads the bytes as text, else refused
 * with a reason. Never a guess between two readable texts. Pure. */
#ifndef QRTEXT_H
#define QRTEXT_H
#include <stddef.h>

enum qrtext_charset {
	QRTEXT_UTF8,   /* valid UTF-8 (plain ASCII included): as it is */
	QRTEXT_LATIN1, /* only Latin-1 reads it: converted */
	QRTEXT_SJIS,   /* only Shift-JIS reads it: converted */
};

/* Decides and converts len bytes at in into UTF-8 at out (cap bytes;
 * 3 * len always suffices). Returns the UTF-8 length and sets *cs, or -1 with
 * *why set (a static string) when the bytes are not text in any of the three,
 * are text in more than one, or do not fit. */
long qrtext_decode(const unsigned char *in, size_t len, unsigned char *out,
    size_t cap, enum qrtext_charset *cs, const char **why);
#endif
