/* test_code128.c: Code 128 subsets B and C, table-driven: the chosen
 * symbols (shortest, fewest switches, B on a tie), the check symbol, the
 * ESC/POS data with {B/{C, packed pairs and {{, and the bar widths. */
#include <stdint.h>
#include <string.h>

#include "harness.h"

#include "printer/code128.h"

struct row {
	const char *data;
	const char *escpos; /* GS k 73 data; \x.. for packed pairs */
	size_t escpos_len;
	size_t symbols; /* start + data + switches + check + stop */
};

static const struct row rows[] = {
	/* all digits, even: subset C throughout */
	{ "1234", "{C\x0c\x22", 4, 5 },
	/* odd digit count: "1" in B then C, or C then "5" in B, tie at
	 * 7 symbols and one switch each; the tie goes to subset B */
	{ "12345", "{B1{C\x17\x2d", 7, 7 },
	{ "A", "{BA", 3, 4 },
	/* a literal brace is doubled */
	{ "{", "{B{{", 4, 4 },
	{ "a{b", "{Ba{{b", 6, 6 },
	/* dossier codes: B for the agency ("00" in C would cost a switch
	 * for nothing), C for the date and the number */
	{ "000.00.19.H49-261125-0007",
	    "{B000.00.19.H49-{C\x1a\x0b\x19{B-{C\x00\x07", 28, 26 },
	/* digits inside text: switching there and back pays from 6
	 * digits on, at the end from 4 */
	{ "AB12CD", "{BAB12CD", 8, 9 },
	{ "AB1234CD", "{BAB1234CD", 10, 11 },
	{ "AB123456CD", "{BAB{C\x0c\x22\x38{BCD", 13, 12 },
	{ "AB1234", "{BAB{C\x0c\x22", 8, 8 },
	/* the pair 99 in subset C is data, not a switch */
	{ "9999", "{C\x63\x63", 4, 5 },
};

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct code128 c;
		uint8_t buf[256];
		size_t n;

		assert_int_equal(code128_encode(rows[i].data,
		                     strlen(rows[i].data), &c, NULL),
		    CODE128_OK);
		n = code128_escpos(&c, buf, sizeof buf);
		if (n != rows[i].escpos_len ||
		    memcmp(buf, rows[i].escpos, n) != 0)
			fail_msg("%s: escpos data differs (len %zu)",
			    rows[i].data, n);
		if (c.count != rows[i].symbols)
			fail_msg("%s: %zu symbols, want %zu", rows[i].data,
			    c.count, rows[i].symbols);
	}
}

/* The check symbol: start + sum of position * value, mod 103. */
static void
test_check(void **state)
{
	struct code128 c;

	(void)state;
	/* hand-computed: "A" in B is 104 + 1*33 = 137 mod 103 = 34 */
	assert_int_equal(code128_encode("A", 1, &c, NULL), CODE128_OK);
	assert_int_equal(c.sym[0], CODE128_START_B);
	assert_int_equal(c.sym[1], 33);
	assert_int_equal(c.sym[2], 34);
	assert_int_equal(c.sym[3], CODE128_STOP);
	/* "1234" in C: 105 + 1*12 + 2*34 = 185 mod 103 = 82 */
	assert_int_equal(code128_encode("1234", 4, &c, NULL), CODE128_OK);
	assert_int_equal(c.sym[3], 82);
}

static void
test_bars(void **state)
{
	struct code128 c;
	uint8_t bars[CODE128_SYMBOLS_MAX * 11 + 13];
	size_t n;

	(void)state;
	assert_int_equal(code128_encode("A", 1, &c, NULL), CODE128_OK);
	n = code128_bars(&c, bars, sizeof bars);
	assert_int_equal(n, code128_modules(&c));
	assert_int_equal(n, 3 * 11 + 13);
	/* start B is 211214: bar 2, space 1, bar 1, space 2, bar 1, space 4 */
	{
		static const uint8_t want[] = { 1, 1, 0, 1, 0, 0, 1, 0, 0, 0,
			0 };
		assert_memory_equal(bars, want, sizeof want);
	}
	/* the stop ends with a 2-module bar */
	assert_int_equal(bars[n - 1], 1);
	assert_int_equal(bars[n - 2], 1);
	assert_int_equal(bars[n - 3], 0);
	assert_int_equal(code128_bars(&c, bars, 10), 0);
}

static void
test_errors(void **state)
{
	struct code128 c;
	char longer[CODE128_DATA_MAX + 2];
	size_t at = 99;

	(void)state;
	assert_int_equal(code128_encode("", 0, &c, NULL), CODE128_EEMPTY);
	assert_int_equal(code128_encode("AB\x01", 3, &c, &at), CODE128_ECHAR);
	assert_int_equal(at, 2);
	assert_int_equal(code128_encode("Mã", strlen("Mã"), &c, &at),
	    CODE128_ECHAR);
	assert_int_equal(at, 1);
	memset(longer, '7', sizeof longer);
	assert_int_equal(code128_encode(longer, sizeof longer, &c, NULL),
	    CODE128_ELONG);
	assert_non_null(strstr(code128_strerror(CODE128_ECHAR), "barcode"));
	/* the longest input fits the symbol buffer and 255 escpos bytes */
	memset(longer, '{', CODE128_DATA_MAX);
	assert_int_equal(code128_encode(longer, CODE128_DATA_MAX, &c, NULL),
	    CODE128_OK);
	{
		uint8_t buf[255];

		assert_int_equal(code128_escpos(&c, buf, sizeof buf),
		    2 + 2 * CODE128_DATA_MAX);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_errors),
	};

	HARNESS_RUN(tests);
}
