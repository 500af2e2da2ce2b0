/* test_gz.c: gzip bodies: round trip, the inflate bound (a zip bomb stops
 * there), truncated and trailing data refused. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "lib/gz.h"

static void
test_round_trip(void **state)
{
	char in[20000], *z, *back;
	size_t zn, bn;

	(void)state;
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = "{\"key\":\"abc\",\"status\":4}"[i % 25];
	assert_int_equal(gz_compress(in, sizeof in, &z, &zn), 0);
	assert_true(zn < sizeof in / 10); /* JSON shrinks a lot */
	assert_int_equal(gz_inflate(z, zn, sizeof in, 0, &back, &bn), 0);
	assert_int_equal(bn, sizeof in);
	assert_memory_equal(back, in, sizeof in);
	assert_int_equal(back[bn], '\0');
	free(back);
	/* one byte over the bound: refused */
	assert_int_equal(gz_inflate(z, zn, sizeof in - 1, 0, &back, &bn), -1);
	assert_null(back);
	/* truncated, or with bytes after the stream */
	assert_int_equal(gz_inflate(z, zn - 5, sizeof in, 0, &back, &bn), -1);
	z = realloc(z, zn + 1);
	z[zn] = 'x';
	assert_int_equal(gz_inflate(z, zn + 1, sizeof in, 0, &back, &bn), -1);
	free(z);
}

static void
test_bomb(void **state)
{
	size_t big = 50u << 20, zn, bn;
	char *zeros = calloc(1, big), *z, *out;

	(void)state;
	assert_int_equal(gz_compress(zeros, big, &z, &zn), 0);
	free(zeros);
	assert_true(zn < 100000);
	assert_int_equal(gz_inflate(z, zn, 1u << 20, 0, &out, &bn), -1);
	assert_null(out);
	free(z);
	assert_int_equal(gz_inflate("not gzip", 8, 100, 0, &out, &bn), -1);
	assert_int_equal(gz_inflate("", 0, 100, 0, &out, &bn), -1);
}

/* The ratio bound: a 1 MiB body of zeros compresses about 1000:1; with a
 * ratio of 100 it is refused although it is under max, and a body that
 * compresses less passes. */
static void
test_ratio(void **state)
{
	size_t big = 1u << 20, zn, bn;
	char *zeros = calloc(1, big), *z, *out, small[70000];

	(void)state;
	assert_int_equal(gz_compress(zeros, big, &z, &zn), 0);
	assert_int_equal(gz_inflate(z, zn, 8u << 20, 100, &out, &bn), -1);
	assert_null(out);
	assert_int_equal(gz_inflate(z, zn, 8u << 20, 0, &out, &bn), 0);
	assert_int_equal(bn, big);
	free(out);
	free(z);
	free(zeros);
	/* under the floor, any ratio is fine */
	memset(small, 'a', 60000);
	assert_int_equal(gz_compress(small, 60000, &z, &zn), 0);
	assert_int_equal(gz_inflate(z, zn, 8u << 20, 100, &out, &bn), 0);
	assert_int_equal(bn, 60000);
	free(out);
	free(z);
	/* pseudo-random text compresses little: passes the ratio */
	for (size_t i = 0, x = 12345; i < sizeof small; i++) {
		x = x * 1103515245 +
		    12345; /* an LCG: text with no long repeats */
		small[i] = (char)('a' + (x >> 16) % 26);
	}
	assert_int_equal(gz_compress(small, sizeof small, &z, &zn), 0);
	assert_int_equal(gz_inflate(z, zn, 8u << 20, 100, &out, &bn), 0);
	free(out);
	free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_ratio),
	};

	HARNESS_RUN(tests);
}
