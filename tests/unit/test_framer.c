/* test_framer.c: the serial framer: every suffix, any chunking, overlong
 * lines cut and resynced, garbage rejected, AIM prefixes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#include "scanner/framer.h"

/* What came out, one line per frame: "ok:SYM:DATA", "long:DATA",
 * "garbage:REASON". */
struct out {
	char text[4096];
	size_t len;
};

static void
on_frame(void *arg, const struct frame *f)
{
	struct out *o = arg;
	int n;

	if (f->kind == FRAME_GARBAGE)
		n = snprintf(o->text + o->len, sizeof o->text - o->len,
		    "garbage:%s\n", f->reason);
	else
		n = snprintf(o->text + o->len, sizeof o->text - o->len,
		    "%s:%s:%.*s\n", f->kind == FRAME_OK ? "ok" : "long",
		    scan_symbology_name(f->sym), (int)f->len,
		    (const char *)f->data);
	o->len += (size_t)n;
}

/* Feeds in in chunks of step bytes (0: all at once). */
static const char *
run(const char *suffix, int max_line, const char *in, size_t len, size_t step)
{
	static struct out o;
	struct framer f;

	memset(&o, 0, sizeof o);
	framer_init(&f, suffix, max_line);
	if (step == 0)
		step = len ? len : 1;
	for (size_t i = 0; i < len; i += step)
		framer_push(&f, in + i, len - i < step ? len - i : step,
		    on_frame, &o);
	return o.text;
}

#define RUN(sfx, max, s, step) run(sfx, max, s, sizeof(s) - 1, step)

static void
test_suffixes(void **state)
{
	(void)state;
	assert_string_equal(RUN("\r\n", 64, "A1\rB2\nC3\r\nD4", 0),
	    "ok:unknown:A1\nok:unknown:B2\nok:unknown:C3\n");
	assert_string_equal(RUN("\r", 64, "A1\rB2\r\nC3\r", 0),
	    "ok:unknown:A1\nok:unknown:B2\nok:unknown:C3\n");
	assert_string_equal(RUN("\n", 64, "A1\nB2\r\n", 0),
	    "ok:unknown:A1\ngarbage:control byte\n");
	assert_string_equal(RUN("\t", 64, "A1\tB2\t", 0),
	    "ok:unknown:A1\nok:unknown:B2\n");
	assert_string_equal(RUN("\r\n", 64, "\r\n\r\n", 0), "");
}

static void
test_chunking(void **state)
{
	static const char in[] = "RR123456785VN\r\n000.00.19.H49-261125-0003"
	                         "\r\nBK20260105-0001\r\n";
	const char *want = "ok:unknown:RR123456785VN\n"
	                   "ok:unknown:000.00.19.H49-261125-0003\n"
	                   "ok:unknown:BK20260105-0001\n";

	(void)state;
	for (size_t step = 1; step < sizeof in; step++)
		assert_string_equal(run("\r\n", 64, in, sizeof in - 1, step),
		    want);
}

static void
test_overlong(void **state)
{
	(void)state;
	assert_string_equal(RUN("\r\n", 8, "0123456789ABC\r\nOK\r\n", 0),
	    "long:unknown:01234567\nok:unknown:OK\n");
	assert_string_equal(RUN("\r\n", 8, "0123456789ABC\r\nOK\r\n", 1),
	    "long:unknown:01234567\nok:unknown:OK\n");
	/* exactly max_line is fine */
	assert_string_equal(RUN("\r\n", 8, "01234567\r\n", 0),
	    "ok:unknown:01234567\n");
	/* control bytes after the cut do not add a second report */
	assert_string_equal(RUN("\r\n", 8, "0123456789\x01\x02\r\nOK\r\n", 0),
	    "long:unknown:01234567\nok:unknown:OK\n");
}

static void
test_garbage(void **state)
{
	static const char nul[] = "AB\0CD\r\nOK\r\n";

	(void)state;
	assert_string_equal(run("\r\n", 64, nul, sizeof nul - 1, 0),
	    "garbage:NUL byte\nok:unknown:OK\n");
	assert_string_equal(RUN("\r\n", 64, "\x1b[2J\r\nOK\r\n", 0),
	    "garbage:control byte\nok:unknown:OK\n");
	assert_string_equal(RUN("\r\n", 64, "caf\xc3\r\nOK\r\n", 0),
	    "garbage:invalid UTF-8\nok:unknown:OK\n");
	assert_string_equal(RUN("\r\n", 64, "\xff\xfe\r\n", 0),
	    "garbage:invalid UTF-8\n");
	/* a run with no suffix is reported once it passes max_line */
	assert_string_equal(RUN("\r\n", 8, "\x01xxxxxxxxxxxxxxxxxxx", 0),
	    "garbage:control byte\n");
	assert_string_equal(
	    RUN("\r\n", 8, "\x01xxxxxxxxxxxxxxxxxxx\r\nOK\r\n", 3),
	    "garbage:control byte\nok:unknown:OK\n");
	/* valid Vietnamese UTF-8 passes */
	assert_string_equal(RUN("\r\n", 64, "Vi\xe1\xbb\x87t\r\n", 0),
	    "ok:unknown:Vi\xe1\xbb\x87t\n");
}

static void
test_aim(void **state)
{
	(void)state;
	assert_string_equal(RUN("\r\n", 64, "]C0RR123456785VN\r\n", 0),
	    "ok:code128:RR123456785VN\n");
	assert_string_equal(RUN("\r\n", 64, "]Q1https://x/l/T\r\n", 0),
	    "ok:qr:https://x/l/T\n");
	assert_string_equal(RUN("\r\n", 64, "]E04006381333931\r\n", 0),
	    "ok:ean13:4006381333931\n");
	assert_string_equal(RUN("\r\n", 64, "]d2X\r\n", 0), "ok:other:X\n");
	assert_string_equal(RUN("\r\n", 64, "]!0X\r\n", 0),
	    "ok:unknown:]!0X\n");
	assert_string_equal(RUN("\r\n", 64, "]C\r\n", 0), "ok:unknown:]C\n");
}

static void
test_reset(void **state)
{
	struct out o = { .len = 0 };
	struct framer f;

	(void)state;
	framer_init(&f, "\r\n", 64);
	framer_push(&f, "PART", 4, on_frame, &o);
	framer_reset(&f); /* unplugged mid-scan */
	framer_push(&f, "WHOLE\r\n", 7, on_frame, &o);
	assert_string_equal(o.text, "ok:unknown:WHOLE\n");
	/* clamps */
	framer_init(&f, "bogus", 0);
	assert_int_equal(f.max_line, 1);
	assert_true(f.cr && f.lf);
	framer_init(&f, "\r\n", 100000);
	assert_int_equal(f.max_line, SCAN_DATA_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suffixes),
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_aim),
		cmocka_unit_test(test_reset),
	};

	HARNESS_RUN(tests);
}
