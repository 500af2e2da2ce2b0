/* qrtext.c: see qrtext.h. Shift-JIS goes through glibc's iconv, not a
 * table of our own: its CP932 table (Shift-JIS as Japanese encoders and
 * phones write it), which reads 0x5c and 0x7e as the ASCII backslash and
 * tilde; glibc's SHIFT_JIS reads them as yen and overline, turning a
 * URL's "\:" into "¥:". */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/textfold.h"
#include "scanner/qrtext.h"

/* Latin-1 text: no C1 controls (0x80-0x9f) and no C0 control but tab,
 * LF, CR and GS (GS1's separator); DEL neither. */
static bool
latin1_text(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		        c != 0x1d) ||
		    (c >= 0x7f && c < 0xa0))
			return false;
	}
	return true;
}

/* Shift-JIS structure: ASCII, single-byte half-width katakana
 * (0xa1-0xdf), or a lead byte (0x81-0x9f, 0xe0-0xef) with a trail byte
 * (0x40-0x7e, 0x80-0xfc). The same control rule as Latin-1 for ASCII. */
static bool
sjis_text(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
			        c != 0x1d) ||
			    c == 0x7f)
				return false;
		} else if (c >= 0xa1 && c <= 0xdf) {
			continue;
		} else if ((c >= 0x81 && c <= 0x9f) ||
		    (c >= 0xe0 && c <= 0xef)) {
			unsigned char t;

			if (i + 1 == len)
				return false;
			t = s[++i];
			if (t < 0x40 || t == 0x7f || t > 0xfc)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

/* UTF-8 with the same control rule (text_utf8 checks the encoding). */
static bool
utf8_text(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		        s[i] != '\r' && s[i] != 0x1d) ||
		    s[i] == 0x7f)
			return false;
	return text_utf8(s, len);
}

/* -1 when it does not fit. */
static long
from_latin1(const unsigned char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];

		if (n + 2 > cap)
			return -1;
		if (c < 0x80) {
			out[n++] = c;
		} else {
			out[n++] = (unsigned char)(0xc0 | (c >> 6));
			out[n++] = (unsigned char)(0x80 | (c & 0x3f));
		}
	}
	return (long)n;
}

/* -2 when it does not fit, -1 for a byte pair with no character. */
static long
from_sjis(const unsigned char *in, size_t len, unsigned char *out, size_t cap)
{
	iconv_t cd = iconv_open("UTF-8", "CP932");
	char *ip = (char *)(uintptr_t)in, *op = (char *)out;
	size_t il = len, ol = cap;
	size_t r;

	if (cd == (iconv_t)-1)
		return -1;
	r = iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	if (r == (size_t)-1 || il != 0)
		return errno == E2BIG ? -2 : -1; /* -1: no such character */
	return (long)(cap - ol);
}

long
qrtext_decode(const unsigned char *in, size_t len, unsigned char *out,
    size_t cap, enum qrtext_charset *cs, const char **why)
{
	bool l1, sj;
	long n;

	if (utf8_text(in, len)) {
		if (len > cap) {
			*why = "too long";
			return -1;
		}
		memcpy(out, in, len);
		*cs = QRTEXT_UTF8;
		return (long)len;
	}
	/* not UTF-8: Latin-1 (the standard's default) or Shift-JIS, and only
	 * when the other cannot read it */
	l1 = latin1_text(in, len);
	sj = sjis_text(in, len);
	if (l1 && sj) {
		*why = "character set unknown: Latin-1 and Shift-JIS both "
		       "read it, and it has no ECI";
		return -1;
	}
	if (!l1 && !sj) {
		*why = "not text in UTF-8, Latin-1 or Shift-JIS";
		return -1;
	}
	n = l1 ? from_latin1(in, len, out, cap) : from_sjis(in, len, out, cap);
	if (n < 0) {
		*why = l1 || n == -2
		    ? "too long"
		    : "not text in Shift-JIS (no such character)";
		return -1;
	}
	*cs = l1 ? QRTEXT_LATIN1 : QRTEXT_SJIS;
	return n;
}
