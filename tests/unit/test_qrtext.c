/* test_qrtext.c: the character set of a QR code's bytes without an ECI
 * (scanner/qrtext.h): UTF-8 as it is, Latin-1 or Shift-JIS converted only
 * when the other cannot read the bytes, everything else refused with a
 * reason. */
#include "harness.h"

#include <string.h>

#include "scanner/qrtext.h"

static long
dec(const char *in, size_t len, unsigned char *out, size_t cap,
    enum qrtext_charset *cs, const char **why)
{
	*why = NULL;
	return qrtext_decode((const unsigned char *)in, len, out, cap, cs, why);
}

static void
utf8_as_is(void **state)
{
	unsigned char out[64];
	enum qrtext_charset cs;
	const char *why, *in = "Trung tâm Phục vụ\r\nhttps://x.vn/l/AB";

	(void)state;
	assert_int_equal(dec(in, strlen(in), out, sizeof out, &cs, &why),
	    (long)strlen(in));
	assert_int_equal(cs, QRTEXT_UTF8);
	assert_memory_equal(out, in, strlen(in));
}

static void
latin1_only(void **state)
{
	unsigned char out[64];
	enum qrtext_charset cs;
	const char *why;

	(void)state;
	/* "Café crème": 0xe9 followed by a space is no Shift-JIS pair */
	assert_int_equal(
	    dec("Caf\xe9 cr\xe8me", 10, out, sizeof out, &cs, &why), 12);
	assert_int_equal(cs, QRTEXT_LATIN1);
	assert_memory_equal(out, "Café crème", 12);
	/* too small an output: refused, not cut */
	assert_int_equal(dec("Caf\xe9 cr\xe8me", 10, out, 11, &cs, &why), -1);
	assert_string_equal(why, "too long");
}

static void
sjis_only(void **state)
{
	unsigned char out[64];
	enum qrtext_charset cs;
	const char *why;

	(void)state;
	/* 東京 then a backslash: 0x93 and 0x8b are C1 controls in Latin-1;
	 * CP932 reads 0x5c as the backslash (SHIFT_JIS would say yen) */
	assert_int_equal(
	    dec("\x93\x8c\x8b\x9e\\", 5, out, sizeof out, &cs, &why), 7);
	assert_int_equal(cs, QRTEXT_SJIS);
	assert_memory_equal(out, "東京\\", 7);
}

static void
refusals(void **state)
{
	unsigned char out[64];
	enum qrtext_charset cs;
	const char *why;

	(void)state;
	/* half-width katakana ﾃﾞｻﾞ: also Latin-1 text ("ÃÞ»Þ") */
	assert_int_equal(dec("\xc3\xde\xbb\xde", 4, out, sizeof out, &cs, &why),
	    -1);
	assert_non_null(strstr(why, "character set unknown"));
	/* a C1 control and a lone lead byte: neither */
	assert_int_equal(dec("a\x80\x93", 3, out, sizeof out, &cs, &why), -1);
	assert_non_null(strstr(why, "not text"));
	/* control bytes are not text in any of them */
	assert_int_equal(dec("ab\x01", 3, out, sizeof out, &cs, &why), -1);
	assert_int_equal(dec("ab\x00"
	                     "c",
	                     4, out, sizeof out, &cs, &why),
	    -1);
	/* a lead byte with a trail that Shift-JIS has no character for */
	assert_int_equal(dec("\x85\x40\x80", 3, out, sizeof out, &cs, &why),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_as_is),
		cmocka_unit_test(latin1_only),
		cmocka_unit_test(sjis_only),
		cmocka_unit_test(refusals),
	};

	HARNESS_RUN(tests);
}
