/* test_vntext.c: TCVN-3 pages, the substitution rule, NFC and widths. */
#include <string.h>

#include "harness.h"

#include "printer/vntext.h"

static void
test_tcvn3(void **state)
{
	static const struct {
		const char *ch;
		unsigned mask;
		uint8_t lower, upper;
	} rows[] = {
		{ "a", 3, 'a', 'a' },
		{ "ă", 1, 0xa8, 0 },
		{ "đ", 1, 0xae, 0 },
		{ "Đ", 2, 0, 0xa7 },
		{ "ế", 1, 0xd5, 0 },
		{ "Ế", 2, 0, 0xd5 },
		{ "ỵ", 1, 0xfe, 0 },
		{ "Ỵ", 2, 0, 0xfe },
		{ "Ơ", 2, 0, 0xac },
		{ "é", 1, 0xd0, 0 },
		{ "€", 0, 0, 0 },
		{ "ß", 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uint32_t cp;
		uint8_t b[2] = { 0, 0 };
		unsigned m;

		vn_next(rows[i].ch, &cp);
		m = vn_tcvn3(cp, b);
		if (m != rows[i].mask)
			fail_msg("%s: pages %u, want %u", rows[i].ch, m,
			    rows[i].mask);
		if ((m & 1) && b[0] != rows[i].lower)
			fail_msg("%s: lower %02x", rows[i].ch, b[0]);
		if ((m & 2) && b[1] != rows[i].upper)
			fail_msg("%s: upper %02x", rows[i].ch, b[1]);
		if (m == 1 || m == 2)
			assert_int_equal(
			    vn_tcvn3_decode(m == 1 ? 0 : 1, b[m == 1 ? 0 : 1]),
			    cp);
	}
	/* every assigned byte decodes to a letter that encodes back */
	for (int page = 0; page < 2; page++)
		for (int b = 0xa0; b <= 0xff; b++) {
			uint32_t cp = vn_tcvn3_decode(page, (uint8_t)b);
			uint8_t e[2];

			if (cp == 0)
				continue;
			assert_true(vn_tcvn3(cp, e) & (1u << page));
			assert_int_equal(e[page], b);
		}
	assert_int_equal(vn_tcvn3_decode(0, 0x80), 0);
}

static void
test_subst(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "“", "\"" },
		{ "”", "\"" },
		{ "‘", "'" },
		{ "’", "'" },
		{ "–", "-" },
		{ "—", "-" },
		{ "…", "..." },
		{ "\xc2\xa0", " " },
		{ "•", "*" },
		{ "đ", "d" },
		{ "Đ", "D" },
		{ "ế", "e" },
		{ "Ỵ", "Y" },
		{ "ñ", "n" },
		{ "€", "?" },
		{ "✓", "?" },
		{ "中", "?" },
		{ "x", "x" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		uint32_t cp;
		char out[4];
		size_t n;

		vn_next(rows[i].in, &cp);
		n = vn_subst(cp, out);
		if (n != strlen(rows[i].out) || memcmp(out, rows[i].out, n))
			fail_msg("%s: got %.*s", rows[i].in, (int)n, out);
	}
}

static void
test_nfc_width(void **state)
{
	char out[64];

	(void)state;
	/* "Việt" decomposed (e + circumflex + dot below) -> 4 code points */
	assert_int_equal(vn_nfc("Vie\xcc\xa3\xcc\x82t", out, sizeof out),
	    strlen("Việt"));
	assert_string_equal(out, "Việt");
	assert_int_equal(vn_width(out, strlen(out)), 4);
	assert_int_equal(vn_nfc("\xff", out, sizeof out), -1);
	assert_int_equal(vn_nfc("abcdef", out, 4), -1);
	assert_true(vn_is_ascii("A b~", 4));
	assert_false(vn_is_ascii("Việt", strlen("Việt")));
	assert_false(vn_is_ascii("\t", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcvn3),
		cmocka_unit_test(test_subst),
		cmocka_unit_test(test_nfc_width),
	};

	HARNESS_RUN(tests);
}
