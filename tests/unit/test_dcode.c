/* test_dcode.c: dossier code parsing and formatting, table-driven. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "harness.h"

#include "core/calendar.h"
#include "core/dcode.h"

struct parse_case {
	const char *in;
	enum dcode_err err;
	size_t at;          /* for errors: the first bad byte */
	const char *agency; /* NULL for errors: the rest is unused */
	int yy, mm, dd;
	unsigned seq;
	bool strict;
};

/* Designated, so an error row need not spell out the unused fields. */
#define BAD(s, e, a)                             \
	{                                        \
		.in = (s), .err = (e), .at = (a) \
	}

static const struct parse_case cases[] = {
	/* the table in docs/domain.md */
	{ "000.00.19.H26-260105-0007", DCODE_OK, 0, "000.00.19.H26", 26, 1, 5,
	    7, true },
	{ "000.B2.19.H26-260105-0012", DCODE_OK, 0, "000.B2.19.H26", 26, 1, 5,
	    12, true },
	{ "000.00.19.H26-260105-48213", DCODE_OK, 0, "000.00.19.H26", 26, 1, 5,
	    48213, false },
	BAD("000.00.19.H26-260231-0007", DCODE_EDATE, 14),
	BAD("000.00.19.H26-261305-0007", DCODE_EDATE, 14),
	/* trimming and case */
	{ "  000.00.19.h26-260105-0007\r\n", DCODE_OK, 0, "000.00.19.H26", 26,
	    1, 5, 7, true },
	{ "\t000.b2.19.h26-260105-0012 ", DCODE_OK, 0, "000.B2.19.H26", 26, 1,
	    5, 12, true },
	/* suffixes */
	{ "000.00.19.H26-260105-00007", DCODE_OK, 0, "000.00.19.H26", 26, 1, 5,
	    7, false },
	{ "000.00.19.H26-260105-99999", DCODE_OK, 0, "000.00.19.H26", 26, 1, 5,
	    99999, false },
	{ "000.00.19.H26-260105-9999", DCODE_OK, 0, "000.00.19.H26", 26, 1, 5,
	    9999, true },
	BAD("000.00.19.H26-260105-0000", DCODE_ESEQ, 21),
	BAD("000.00.19.H26-260105-00000", DCODE_ESEQ, 21),
	BAD("000.00.19.H26-260105-007", DCODE_ESEQ, 21),
	BAD("000.00.19.H26-260105-000007", DCODE_ESEQ, 26),
	BAD("000.00.19.H26-260105-0007X", DCODE_ESEQ, 25),
	BAD("000.00.19.H26-260105-00 7", DCODE_ESEQ, 23),
	BAD("000.00.19.H26-260105-", DCODE_ESEQ, 21),
	BAD("000.00.19.H26-260105--0007", DCODE_ESEQ, 21),
	/* dates: 20YY, leap years, month and day bounds */
	{ "000.00.19.H26-240229-0001", DCODE_OK, 0, "000.00.19.H26", 24, 2, 29,
	    1, true },
	{ "000.00.19.H26-000229-0001", DCODE_OK, 0, "000.00.19.H26", 0, 2, 29,
	    1, true },
	{ "000.00.19.H26-991231-0001", DCODE_OK, 0, "000.00.19.H26", 99, 12, 31,
	    1, true },
	BAD("000.00.19.H26-250229-0001", DCODE_EDATE, 14),
	BAD("000.00.19.H26-260100-0001", DCODE_EDATE, 14),
	BAD("000.00.19.H26-260132-0001", DCODE_EDATE, 14),
	BAD("000.00.19.H26-260431-0001", DCODE_EDATE, 14),
	BAD("000.00.19.H26-260001-0001", DCODE_EDATE, 14),
	BAD("000.00.19.H26-26015-0007", DCODE_ESHAPE, 19),
	BAD("000.00.19.H26-2601050-0007", DCODE_ESHAPE, 20),
	BAD("000.00.19.H26-26O105-0007", DCODE_ESHAPE, 16),
	BAD("000.00.19.H26-260105", DCODE_ESHAPE, 20),
	BAD("000.00.19.H26", DCODE_ESHAPE, 13),
	BAD(" 000.00.19.H26 ", DCODE_ESHAPE, 14),
	/* agency groups */
	{ "A.B-260105-0001", DCODE_OK, 0, "A.B", 26, 1, 5, 1, false },
	{ "1.2.3.4.5.6.7-260105-0001", DCODE_OK, 0, "1.2.3.4.5.6.7", 26, 1, 5,
	    1, false },
	/* the longest agency the groups allow: 34 bytes */
	{ "ABCD.ABCD.ABCD.ABCD.ABCD.ABCD.ABCD-260105-00001", DCODE_OK, 0,
	    "ABCD.ABCD.ABCD.ABCD.ABCD.ABCD.ABCD", 26, 1, 5, 1, false },
	{ "ABCD.ABCD.ABCD.ABCD.ABCD.ABC-260105-0001", DCODE_OK, 0,
	    "ABCD.ABCD.ABCD.ABCD.ABCD.ABC", 26, 1, 5, 1, false },
	BAD("1.2.3.4.5.6.7.8-260105-0001", DCODE_EAGENCY, 13),
	BAD("H26-260105-0007", DCODE_EAGENCY, 0),
	BAD("-260105-0007", DCODE_EAGENCY, 0),
	BAD("ABCDE.00-260105-0001", DCODE_EAGENCY, 4),
	BAD("000..19.H26-260105-0007", DCODE_EAGENCY, 4),
	BAD(".000.H26-260105-0007", DCODE_EAGENCY, 0),
	BAD("000.H26.-260105-0007", DCODE_EAGENCY, 7),
	BAD("000.00.19.H26_260105-0007", DCODE_EAGENCY, 13),
	BAD("000.00.19.H26 -260105-0007", DCODE_EAGENCY, 13),
	BAD("  000.00.19.H2/-260105-0007", DCODE_EAGENCY, 14),
	BAD("000.00.19.\xc6\xaf"
	    "26-260105-0007",
	    DCODE_EAGENCY, 10),
	/* strict is the generated shape only */
	{ "000.00.19.126-260105-0007", DCODE_OK, 0, "000.00.19.126", 26, 1, 5,
	    7, false },
	{ "000.00.19.H2A-260105-0007", DCODE_OK, 0, "000.00.19.H2A", 26, 1, 5,
	    7, false },
	{ "0000.00.19.H26-260105-0007", DCODE_OK, 0, "0000.00.19.H26", 26, 1, 5,
	    7, false },
	{ "000.00.19.H26.1-260105-0007", DCODE_OK, 0, "000.00.19.H26.1", 26, 1,
	    5, 7, false },
	{ "00.00.19.H26-260105-0007", DCODE_OK, 0, "00.00.19.H26", 26, 1, 5, 7,
	    false },
	/* length */
	BAD("", DCODE_ELEN, 0),
	BAD("    ", DCODE_ELEN, 4),
	BAD("000.00.19.H26-260105-0007                        ", DCODE_ELEN, 0),
};

static void
test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct parse_case *c = &cases[i];
		struct dcode d, sentinel;
		size_t at = 12345;
		enum dcode_err err;

		memset(&sentinel, 0x5a, sizeof sentinel);
		d = sentinel;
		err = dcode_parse(c->in, strlen(c->in), &d, &at);
		if (err != c->err)
			fail_msg("case %zu \"%s\": err %d, want %d", i, c->in,
			    err, c->err);
		if (err != DCODE_OK) {
			if (at != c->at)
				fail_msg("case %zu \"%s\": at %zu, want %zu", i,
				    c->in, at, c->at);
			/* *out untouched on error */
			assert_memory_equal(&d, &sentinel, sizeof d);
			continue;
		}
		assert_string_equal(d.agency, c->agency);
		assert_int_equal(d.yy, c->yy);
		assert_int_equal(d.mm, c->mm);
		assert_int_equal(d.dd, c->dd);
		assert_int_equal(d.seq, c->seq);
		if (d.strict != c->strict)
			fail_msg("case %zu \"%s\": strict %d", i, c->in,
			    d.strict);
	}
}

static void
test_parse_not_nul_terminated(void **state)
{
	const char buf[] = "000.00.19.H26-260105-0007XXXX";
	struct dcode d;

	(void)state;
	/* len stops before the junk; the parser must not read past it */
	assert_int_equal(dcode_parse(buf, 25, &d, NULL), DCODE_OK);
	assert_int_equal(d.seq, 7);
	assert_int_equal(dcode_parse(buf, 26, &d, NULL), DCODE_ESEQ);
	/* a NUL inside is a bad byte, not an end */
	assert_int_equal(dcode_parse("000.00.19.H26-260105-00\0"
	                             "07",
	                     26, &d, NULL),
	    DCODE_ESEQ);
	assert_int_equal(dcode_parse(NULL, 0, &d, NULL), DCODE_ELEN);
}

/* Every YYMMDD from 000000 to 991332: the parser agrees with the
 * calendar module, an independent implementation. */
static void
test_parse_every_date(void **state)
{
	char buf[64];
	int yy, mm, dd, ok = 0;

	(void)state;
	for (yy = 0; yy <= 99; yy++)
		for (mm = 0; mm <= 13; mm++)
			for (dd = 0; dd <= 32; dd++) {
				struct dcode d;
				enum dcode_err err;
				bool valid = cal_valid_ymd(2000 + yy, mm, dd);

				snprintf(buf, sizeof buf,
				    "000.00.19.H26-%02d%02d%02d-0001", yy, mm,
				    dd);
				err = dcode_parse(buf, strlen(buf), &d, NULL);
				if (err != (valid ? DCODE_OK : DCODE_EDATE))
					fail_msg("%s: err %d", buf, err);
				ok += valid;
			}
	assert_int_equal(ok, 36525); /* 100 years, 25 of them leap */
}

/* Format and re-parse give the same value for every seq edge. */
static void
test_format_roundtrip(void **state)
{
	static const unsigned seqs[] = { 1, 9, 10, 999, 1000, 9999, 10000,
		48213, 99999 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		struct dcode d = { "000.00.19.H26", 26, 1, 5, seqs[i], true };
		struct dcode e;
		char buf[DCODE_TEXT_MAX + 1];
		int n = dcode_format(&d, buf, sizeof buf);

		assert_true(n > 0);
		assert_int_equal((size_t)n, strlen(buf));
		assert_int_equal(dcode_parse(buf, (size_t)n, &e, NULL),
		    DCODE_OK);
		assert_string_equal(e.agency, d.agency);
		assert_int_equal(e.seq, d.seq);
		assert_int_equal(e.strict, seqs[i] <= 9999);
	}
}

static void
test_format(void **state)
{
	struct dcode d = { "000.00.19.H26", 26, 1, 5, 7, true };
	char buf[64];

	(void)state;
	assert_int_equal(dcode_format(&d, buf, sizeof buf), 25);
	assert_string_equal(buf, "000.00.19.H26-260105-0007");
	d.seq = 48213;
	assert_int_equal(dcode_format(&d, buf, sizeof buf), 26);
	assert_string_equal(buf, "000.00.19.H26-260105-48213");

	/* exact fit, one short */
	d.seq = 7;
	assert_int_equal(dcode_format(&d, buf, 26), 25);
	assert_int_equal(dcode_format(&d, buf, 25), -1);
	assert_int_equal(dcode_format(&d, buf, 0), -1);

	/* invalid values are refused */
	d.seq = 0;
	assert_int_equal(dcode_format(&d, buf, sizeof buf), -1);
	d.seq = 100000;
	assert_int_equal(dcode_format(&d, buf, sizeof buf), -1);
	d.seq = 7;
	d.mm = 2;
	d.dd = 29; /* 2026 is not a leap year */
	assert_int_equal(dcode_format(&d, buf, sizeof buf), -1);
	d.dd = 28;
	d.yy = 100;
	assert_int_equal(dcode_format(&d, buf, sizeof buf), -1);
	d.yy = 26;
	strcpy(d.agency, "000.00.19.h26");
	assert_int_equal(dcode_format(&d, buf, sizeof buf), -1);
	strcpy(d.agency, "H26");
	assert_int_equal(dcode_format(&d, buf, sizeof buf), -1);
	assert_int_equal(dcode_format(NULL, buf, sizeof buf), -1);
}

static void
test_agency_valid(void **state)
{
	static const struct {
		const char *agency;
		bool valid;
	} t[] = {
		{ "000.00.19.H26", true },
		{ "000.B2.19.H26", true },
		{ "A.B", true },
		{ "1.2.3.4.5.6.7", true },
		{ "ABCD.ABCD.ABCD.ABCD.ABCD.ABCD.ABCD", true }, /* 34 */
		{ "", false },
		{ "H26", false },
		{ "000.00.19.h26", false },
		{ "000.00.19.H26 ", false },
		{ " 000.00.19.H26", false },
		{ "000..19.H26", false },
		{ ".000.H26", false },
		{ "000.H26.", false },
		{ "ABCDE.1", false },
		{ "1.2.3.4.5.6.7.8", false },
		{ "ABCD.ABCD.ABCD.ABCD.ABCD.ABCD.ABCD.A", false }, /* 36 */
		{ "000-00.19.H26", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (dcode_agency_valid(t[i].agency) != t[i].valid)
			fail_msg("\"%s\": want %d", t[i].agency, t[i].valid);
	assert_false(dcode_agency_valid(NULL));
}

static bool
same(const struct dcode *a, const struct dcode *b)
{
	return strcmp(a->agency, b->agency) == 0 && a->yy == b->yy &&
	    a->mm == b->mm && a->dd == b->dd && a->seq == b->seq &&
	    a->strict == b->strict;
}

/* Every single-byte change of a valid code: the parser never fails
 * open, and whatever it accepts formats back to a code it accepts. */
static void
test_every_byte_substitution(void **state)
{
	const char base[] = "000.00.19.H26-260105-0007";
	size_t pos;
	int c, accepted = 0;

	(void)state;
	for (pos = 0; pos < sizeof base - 1; pos++)
		for (c = 0; c < 256; c++) {
			char buf[sizeof base], out[DCODE_TEXT_MAX + 1];
			struct dcode d, e;
			size_t at;

			memcpy(buf, base, sizeof base);
			buf[pos] = (char)c;
			if (dcode_parse(buf, sizeof base - 1, &d, &at) !=
			    DCODE_OK) {
				assert_true(at <= sizeof base - 1);
				continue;
			}
			accepted++;
			assert_true(dcode_agency_valid(d.agency));
			assert_true(cal_valid_ymd(2000 + d.yy, d.mm, d.dd));
			assert_true(d.seq >= 1 && d.seq <= 99999);
			assert_true(dcode_format(&d, out, sizeof out) > 0);
			assert_int_equal(
			    dcode_parse(out, strlen(out), &e, NULL), DCODE_OK);
			assert_true(same(&d, &e));
		}
	assert_true(accepted > 100);
}

static void
test_strerror(void **state)
{
	enum dcode_err e;

	(void)state;
	for (e = DCODE_ELEN; e <= DCODE_ESEQ; e++) {
		const char *msg = dcode_strerror(e);

		assert_non_null(msg);
		assert_non_null(strchr(msg, ':')); /* "field: problem" */
	}
	assert_non_null(strstr(dcode_strerror(DCODE_EDATE), "date"));
	assert_non_null(strstr(dcode_strerror(DCODE_EAGENCY), "agency"));
	assert_non_null(dcode_strerror((enum dcode_err)99));
}

/* A short code takes the office's agency (issue 15 item 18). */
static void
test_complete(void **state)
{
	char text[DCODE_TEXT_MAX + 1];
	struct dcode d;

	(void)state;
	assert_int_equal(
	    dcode_complete(" 261207-0003 ", 13, "000.00.19.H49", &d), DCODE_OK);
	assert_true(dcode_format(&d, text, sizeof text) > 0);
	assert_string_equal(text, "000.00.19.H49-261207-0003");
	assert_int_equal(
	    dcode_complete("261207-12345", 12, "000.00.19.H49", &d), DCODE_OK);
	assert_int_equal(d.seq, 12345);
	assert_int_equal(dcode_complete("261307-0003", 11, "000.00.19.H49", &d),
	    DCODE_EDATE);
	assert_int_equal(dcode_complete("26120-0003", 10, "000.00.19.H49", &d),
	    DCODE_ESHAPE);
	assert_int_equal(
	    dcode_complete("H49-261207-0003", 15, "000.00.19.H49", &d),
	    DCODE_ESHAPE);
	assert_int_equal(dcode_complete("261207-0003", 11, NULL, &d),
	    DCODE_ESHAPE);
	assert_int_equal(dcode_complete("261207-0003", 11, "bad agency", &d),
	    DCODE_EAGENCY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_not_nul_terminated),
		cmocka_unit_test(test_parse_every_date),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_agency_valid),
		cmocka_unit_test(test_every_byte_substitution),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_complete),
	};

	HARNESS_RUN(tests);
}
