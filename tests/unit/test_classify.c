/* test_classify.c: one payload -> token, code, S10 (with its verdict),
 * manifest id, or unknown with a reason; unknown never copies bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#include "core/scantext.h"
#include "scanner/classify.h"
#include "scanner/scan.h"

static struct classified
cl(const char *s)
{
	struct classified c;

	classify_scan(s, strlen(s), false, &c);
	return c;
}

static void
test_kinds(void **state)
{
	struct classified c;

	(void)state;
	c = cl("http://10.0.0.1:8080/l/00047k3m9q2x1b4r8t6v\r\n");
	assert_int_equal(c.kind, CLASSIFY_TOKEN);
	assert_string_equal(c.value, "00047K3M9Q2X1B4R8T6V");
	assert_null(c.reason);
	c = cl("00047K3M9Q2X1B4R8T6V");
	assert_int_equal(c.kind, CLASSIFY_TOKEN);
	c = cl("000.00.19.H49-261125-0003");
	assert_int_equal(c.kind, CLASSIFY_CODE);
	assert_string_equal(c.value, "000.00.19.H49-261125-0003");
	c = cl("BK20260105-0001");
	assert_int_equal(c.kind, CLASSIFY_MANIFEST);
	assert_string_equal(c.value, "BK20260105-0001");
	assert_string_equal(classify_kind_name(c.kind), "manifest");
}

static void
test_s10(void **state)
{
	struct classified c;

	(void)state;
	c = cl("RR123456785VN");
	assert_int_equal(c.kind, CLASSIFY_S10);
	assert_int_equal(c.s10, S10_VALID);
	assert_string_equal(c.value, "RR123456785VN");
	assert_null(c.reason);
	c = cl(" rr 123 456 785 vn\r");
	assert_int_equal(c.kind, CLASSIFY_S10);
	assert_string_equal(c.value, "RR123456785VN");
	c = cl("RR123456784VN");
	assert_int_equal(c.kind, CLASSIFY_S10);
	assert_int_equal(c.s10, S10_BAD_CHECK);
	assert_non_null(c.reason);
	assert_string_equal(c.value, "RR123456784VN");
	c = cl("JR123456785VN"); /* reserved letter: still an S10 */
	assert_int_equal(c.kind, CLASSIFY_S10);
	assert_int_equal(c.s10, S10_RESERVED);
}

static void
test_unknown(void **state)
{
	struct classified c;
	unsigned char junk[SCAN_DATA_MAX + 1];

	(void)state;
	c = cl("");
	assert_int_equal(c.kind, CLASSIFY_UNKNOWN);
	assert_string_equal(c.reason, "empty");
	c = cl(" \r\n\t");
	assert_string_equal(c.reason, "empty");
	c = cl("<script>alert(1)</script>");
	assert_int_equal(c.kind, CLASSIFY_UNKNOWN);
	assert_string_equal(c.reason, "no known format");
	assert_string_equal(c.value, ""); /* never the bytes */
	c = cl("abc\x01"
	       "def");
	assert_string_equal(c.reason, "control bytes");
	classify_scan("ab\0cd", 5, false, &c);
	assert_string_equal(c.reason, "control bytes");
	c = cl("caf\xc3");
	assert_string_equal(c.reason, "not UTF-8");
	c = cl("\xed\xa0\x80"); /* a surrogate */
	assert_string_equal(c.reason, "not UTF-8");
	c = cl("\xc0\xaf"); /* overlong */
	assert_string_equal(c.reason, "not UTF-8");
	c = cl("Nguyễn Văn An"); /* valid UTF-8, no format */
	assert_string_equal(c.reason, "no known format");
	memset(junk, 'A', sizeof junk);
	classify_scan(junk, sizeof junk, false, &c);
	assert_string_equal(c.reason, "too long");
	classify_scan("RR123456785VN", 13, true, &c); /* cut by the source */
	assert_int_equal(c.kind, CLASSIFY_UNKNOWN);
	assert_string_equal(c.reason, "too long");
	assert_string_equal(classify_kind_name(CLASSIFY_UNKNOWN), "unknown");
}

/* Tokens and codes follow the kiosk's rules (core/scantext.h): a kiosk and
 * a clerk station never disagree about them. */
static void
test_kiosk_rules(void **state)
{
	static const char *const in[] = {
		"http://10.0.0.1:8080/l/00047k3m9q2x1b4r8t6v\r\n",
		"00047K3M9Q2X1B4R8T6V",
		"https://x/l/00047K3M9Q2X1B4R8T6V?a=b",
		"000.00.19.H49-261125-0003\t",
		"000.00.19.h49 \xe2\x80\x93 261125 \xe2\x80\x93 0003",
		"<script>alert(1)</script>",
	};
	struct classified c;
	struct scantext k;

	(void)state;
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		c = cl(in[i]);
		scantext_classify(in[i], strlen(in[i]), &k);
		assert_int_equal(c.kind == CLASSIFY_TOKEN,
		    k.kind == SCANTEXT_TOKEN);
		assert_int_equal(c.kind == CLASSIFY_CODE,
		    k.kind == SCANTEXT_CODE);
		if (k.kind != SCANTEXT_UNKNOWN)
			assert_string_equal(c.value, k.value);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_s10),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_kiosk_rules),
	};

	HARNESS_RUN(tests);
}
