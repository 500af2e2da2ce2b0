/* test_csvcell.c: the one CSV cell rule (core/csvcell.h) that the
 * reports and the postal returns share: RFC 4180 quoting, and a cell a
 * spreadsheet would run as a formula neutralised with a leading '. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "core/csvcell.h"

struct out {
	char buf[128];
	size_t len;
};

static void
put(void *arg, const char *s, size_t n)
{
	struct out *o = arg;

	assert_true(o->len + n < sizeof o->buf);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static const char *
cell(struct out *o, const char *s)
{
	o->len = 0;
	o->buf[0] = '\0';
	csvcell_write(s, put, o);
	return o->buf;
}

static void
test_quoting(void **state)
{
	struct out o;

	(void)state;
	assert_string_equal(cell(&o, "plain"), "plain");
	assert_string_equal(cell(&o, ""), "");
	assert_string_equal(cell(&o, NULL), "");
	assert_string_equal(cell(&o, "a,b"), "\"a,b\"");
	assert_string_equal(cell(&o, "say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(cell(&o, "two\nlines"), "\"two\nlines\"");
	assert_string_equal(cell(&o, "Nguyễn Văn An"), "Nguyễn Văn An");
}

static void
test_formulas(void **state)
{
	struct out o;

	(void)state;
	assert_string_equal(cell(&o, "=HYPERLINK(\"x\")"),
	    "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_string_equal(cell(&o, "=1+2"), "'=1+2");
	assert_string_equal(cell(&o, "+84912"), "'+84912");
	assert_string_equal(cell(&o, "-2"), "'-2");
	assert_string_equal(cell(&o, "@SUM(A1)"), "'@SUM(A1)");
	assert_string_equal(cell(&o, "\tx"), "'\tx");
	assert_string_equal(cell(&o, "\r=1"), "\"'\r=1\"");
	/* only the first byte counts */
	assert_string_equal(cell(&o, "a=1"), "a=1");
	assert_true(csvcell_formula("=x"));
	assert_false(csvcell_formula(""));
	assert_false(csvcell_formula(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_formulas),
	};

	HARNESS_RUN(tests);
}
