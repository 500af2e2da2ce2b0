/* test_postid.c: S10 item ids (every indicator class, reserved letters,
 * the 10 -> 0 and 11 -> 5 check digits, case and spaces) and manifest
 * ids. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#include "postal/postid.h"

/* An id with the given indicator and serial and its right check digit. */
static void
make(char out[S10_LEN + 1], const char *ind, const char *serial)
{
	snprintf(out, S10_LEN + 1, "%s%s%dVN", ind, serial,
	    s10_check_digit(serial));
}

static void
test_check_digit(void **state)
{
	(void)state;
	/* docs/domain.md's worked example */
	assert_int_equal(s10_check_digit("12345678"), 5);
	assert_int_equal(s10_check_digit("00000000"), 5); /* S = 0: 11 */
	assert_int_equal(s10_check_digit("00000100"), 6); /* S = 5 */
	assert_int_equal(s10_check_digit("10000000"), 3); /* S = 8 */
	assert_int_equal(s10_check_digit("00000001"), 4); /* S = 7 */
	assert_int_equal(s10_check_digit("00000011"), 6); /* S = 16 */
	assert_int_equal(s10_check_digit("1234567a"), -1);
}

static void
test_ten_and_eleven(void **state)
{
	char serial[9];
	int n10 = 0, n11 = 0;
	unsigned v;

	(void)state;
	/* search serials whose raw check is 10 and 11: both must map */
	for (v = 0; v < 2000; v++) {
		static const int w[8] = { 8, 6, 4, 2, 3, 5, 9, 7 };
		int i, sum = 0, raw;

		snprintf(serial, sizeof serial, "%08u", v);
		for (i = 0; i < 8; i++)
			sum += (serial[i] - '0') * w[i];
		raw = 11 - sum % 11;
		if (raw == 10) {
			assert_int_equal(s10_check_digit(serial), 0);
			n10++;
		} else if (raw == 11) {
			assert_int_equal(s10_check_digit(serial), 5);
			n11++;
		} else
			assert_int_equal(s10_check_digit(serial), raw);
	}
	assert_true(n10 > 0 && n11 > 0);
}

static void
test_classes(void **state)
{
	static const struct {
		const char *ind;
		enum s10_verdict v;
	} t[] = {
		{ "EE", S10_VALID },
		{ "EX", S10_VALID },
		{ "CP", S10_VALID },
		{ "CZ", S10_VALID },
		{ "HA", S10_VALID },
		{ "LX", S10_VALID },
		{ "RR", S10_VALID },
		{ "VV", S10_VALID },
		{ "UA", S10_VALID },
		{ "MA", S10_VALID },
		{ "QA", S10_VALID },
		{ "QM", S10_VALID },
		{ "QN", S10_BAD_SERVICE },
		{ "AV", S10_VALID },
		{ "AZ", S10_VALID },
		{ "AA", S10_BAD_SERVICE },
		{ "BA", S10_VALID },
		{ "DZ", S10_VALID },
		{ "GA", S10_VALID },
		{ "GD", S10_VALID },
		{ "GB", S10_BAD_SERVICE },
		{ "NA", S10_VALID },
		{ "PZ", S10_VALID },
		{ "ZZ", S10_VALID },
		{ "FA", S10_BAD_SERVICE },
		{ "IA", S10_BAD_SERVICE },
		{ "OA", S10_BAD_SERVICE },
		{ "XA", S10_BAD_SERVICE },
		{ "YA", S10_BAD_SERVICE },
		{ "JA", S10_RESERVED },
		{ "KA", S10_RESERVED },
		{ "SA", S10_RESERVED },
		{ "TZ", S10_RESERVED },
		{ "WA", S10_RESERVED },
	};
	char id[S10_LEN + 1];
	struct s10 s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		make(id, t[i].ind, "12345678");
		if (s10_parse(id, strlen(id), &s) != t[i].v)
			fail_msg("%s: %s, want %s", id,
			    s10_verdict_name(s.verdict),
			    s10_verdict_name(t[i].v));
		assert_string_equal(s.id, id);
		assert_int_equal(s.expected_check, 5);
		assert_non_null(s.service);
		assert_true((s.reason == NULL) == (t[i].v == S10_VALID));
		/* the pages translate the code, never the English reason */
		if (t[i].v != S10_VALID)
			assert_string_equal(s.reason_code,
			    s10_verdict_name(t[i].v));
		else
			assert_null(s.reason_code);
		assert_true(
		    s10_overridable(s.verdict) == (t[i].v != S10_VALID));
	}
}

static void
test_input_forms(void **state)
{
	struct s10 s;

	(void)state;
	assert_int_equal(s10_parse("ee123456785vn", 13, &s), S10_VALID);
	assert_string_equal(s.id, "EE123456785VN");
	assert_int_equal(s10_parse(" EE 1234 5678 5 VN ", 19, &s), S10_VALID);
	assert_string_equal(s.id, "EE123456785VN");
	assert_int_equal(s10_parse("EE123456784VN", 13, &s), S10_BAD_CHECK);
	assert_string_equal(s.reason,
	    "the check digit does not match the serial");
	assert_int_equal(s10_parse("", 0, &s), S10_BAD_FORMAT);
	assert_string_equal(s.reason, "empty");
	assert_string_equal(s.reason_code, "empty");
	assert_string_equal(s.id, "");
	assert_null(s.service);
	assert_int_equal(s10_parse("EE12345678VN", 12, &s), S10_BAD_FORMAT);
	assert_int_equal(s10_parse("EE1234", 6, &s), S10_BAD_FORMAT);
	assert_string_equal(s.reason_code, "too_short");
	assert_int_equal(s10_parse("EE1234567855VN", 14, &s), S10_BAD_FORMAT);
	assert_int_equal(s.at, 13);
	assert_string_equal(s.reason_code, "too_long");
	assert_int_equal(s10_parse("E1123456785VN", 13, &s), S10_BAD_FORMAT);
	assert_int_equal(s.at, 1);
	assert_string_equal(s.reason, "a letter is expected here");
	assert_string_equal(s.reason_code, "letter_expected");
	assert_int_equal(s10_parse("EE12345X785VN", 13, &s), S10_BAD_FORMAT);
	assert_int_equal(s.at, 7);
	assert_string_equal(s.reason_code, "digit_expected");
	assert_int_equal(s10_parse("EE123456785V1", 13, &s), S10_BAD_FORMAT);
	assert_int_equal(s10_parse("EE123456785VN\n", 14, &s), S10_BAD_FORMAT);
	assert_int_equal(s10_parse("EE12345\0"
	                           "6785VN",
	                     14, &s),
	    S10_BAD_FORMAT);
	assert_false(s10_overridable(S10_BAD_FORMAT));
}

static void
test_manifest(void **state)
{
	char id[MANIFEST_ID_LEN + 1];
	int y, m, d, seq;

	(void)state;
	assert_int_equal(manifest_id_format(2026, 11, 25, 3, id), 0);
	assert_string_equal(id, "BK20261125-0003");
	assert_true(manifest_id_parse(id, strlen(id), &y, &m, &d, &seq));
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(d, 25);
	assert_int_equal(seq, 3);
	assert_true(
	    manifest_id_parse(" bk20261125-0003 ", 17, &y, &m, &d, &seq));
	assert_false(
	    manifest_id_parse("BK20261131-0003", 15, &y, &m, &d, &seq));
	assert_false(
	    manifest_id_parse("BK20261125-0000", 15, &y, &m, &d, &seq));
	assert_false(
	    manifest_id_parse("BK20261125+0003", 15, &y, &m, &d, &seq));
	assert_false(
	    manifest_id_parse("BK2026112-50003", 15, &y, &m, &d, &seq));
	assert_false(manifest_id_parse("EE123456785VN", 13, &y, &m, &d, &seq));
	assert_int_equal(manifest_id_format(2026, 2, 29, 1, id), -1);
	assert_int_equal(manifest_id_format(2026, 2, 28, 10000, id), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_digit),
		cmocka_unit_test(test_ten_and_eleven),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_input_forms),
		cmocka_unit_test(test_manifest),
	};

	HARNESS_RUN(tests);
}
