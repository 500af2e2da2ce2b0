/* test_buf.c: the bounded buffer holds exactly what was added, NUL after
 * it; refuses to pass its maximum (and keeps refusing until reset); grows
 * by doubling without allocating past max + 1; and cleans up from any
 * state, a zeroed struct included. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lib/buf.h"

static void
test_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_len(&b), 0);
	assert_string_equal(buf_ptr(&b), "");
	assert_int_equal(buf_error(&b), 0);
	assert_int_equal(buf_add(&b, "x", 0), 0);
	assert_null(b.p); /* nothing added: nothing allocated */
	buf_cleanup(&b);
}

static void
test_add(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_add(&b, "ab\0c", 4), 0);
	assert_int_equal(buf_adds(&b, "de"), 0);
	assert_int_equal(buf_addf(&b, "/%d-%s", 42, "x"), 0);
	assert_int_equal(buf_addf(&b, "%s", ""), 0);
	assert_int_equal(buf_len(&b), 11);
	assert_memory_equal(buf_ptr(&b), "ab\0cde/42-x", 12); /* NUL too */
	assert_int_equal(buf_uptr(&b)[2], 0);
	buf_cleanup(&b);
}

static void
test_bound(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 5);
	assert_int_equal(buf_adds(&b, "abc"), 0);
	errno = 0;
	assert_int_equal(buf_adds(&b, "def"), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(buf_error(&b), ENOBUFS);
	/* the failed append left nothing behind */
	assert_int_equal(buf_len(&b), 3);
	assert_string_equal(buf_ptr(&b), "abc");
	/* sticky: even what would fit now fails */
	errno = 0;
	assert_int_equal(buf_adds(&b, "d"), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(buf_add(&b, "", 0), -1);
	assert_int_equal(buf_addf(&b, "%d", 1), -1);
	assert_int_equal(buf_len(&b), 3);
	/* reset clears it; exactly max fits */
	buf_reset(&b);
	assert_int_equal(buf_error(&b), 0);
	assert_int_equal(buf_adds(&b, "abcde"), 0);
	assert_string_equal(buf_ptr(&b), "abcde");
	assert_int_equal(buf_add(&b, "f", 1), -1);
	assert_true(b.cap <= 6); /* never allocated past max + 1 */
	buf_cleanup(&b);
}

static void
test_addf_bound(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_addf(&b, "%s", "1234"), 0);
	errno = 0;
	assert_int_equal(buf_addf(&b, "%05d", 42), -1); /* 4 + 5 > 8 */
	assert_int_equal(errno, ENOBUFS);
	assert_string_equal(buf_ptr(&b), "1234");
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "%08d", 7), 0);
	assert_string_equal(buf_ptr(&b), "00000007");
	buf_cleanup(&b);
}

static void
test_max_zero(void **state)
{
	struct buf b = { 0 }; /* a zeroed struct: max 0 */

	(void)state;
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(buf_adds(&b, "a"), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_null(b.p);
	buf_cleanup(&b);
}

static void
test_growth(void **state)
{
	size_t max = 100000, caps = 0, last = 0;
	struct buf b;
	char piece[7] = "abcdef";

	(void)state;
	buf_init(&b, max);
	while (buf_len(&b) + 6 <= max) {
		assert_int_equal(buf_add(&b, piece, 6), 0);
		assert_true(b.cap > buf_len(&b)); /* room for the NUL */
		if (b.cap != last) {
			if (last != 0)
				assert_true(
				    b.cap == 2 * last || b.cap == max + 1);
			last = b.cap;
			caps++;
		}
	}
	/* doubling: a handful of allocations, not one per append */
	assert_true(caps < 20);
	assert_true(b.cap <= max + 1);
	assert_int_equal(buf_len(&b), max / 6 * 6);
	assert_int_equal(buf_ptr(&b)[buf_len(&b)], '\0');
	assert_memory_equal(buf_ptr(&b) + buf_len(&b) - 6, "abcdef", 6);
	/* the last bytes up to max fit, one more does not */
	assert_int_equal(buf_add(&b, piece, max - buf_len(&b)), 0);
	assert_int_equal(buf_len(&b), max);
	assert_true(b.cap == max + 1);
	assert_int_equal(buf_add(&b, "x", 1), -1);
	buf_cleanup(&b);
}

static void
test_reset(void **state)
{
	struct buf b;
	const char *p;

	(void)state;
	buf_init(&b, 1000);
	assert_int_equal(buf_adds(&b, "hello world"), 0);
	p = buf_ptr(&b);
	buf_reset(&b);
	assert_int_equal(buf_len(&b), 0);
	assert_string_equal(buf_ptr(&b), "");
	assert_ptr_equal(buf_ptr(&b), p); /* the storage is kept */
	assert_int_equal(buf_adds(&b, "bye"), 0);
	assert_string_equal(buf_ptr(&b), "bye");
	buf_reset(&b);
	buf_reset(&b);
	buf_cleanup(&b);
}

static void
test_cleanup(void **state)
{
	struct buf z, b;

	(void)state;
	memset(&z, 0, sizeof z);
	buf_cleanup(&z); /* safe on a zeroed struct */
	buf_cleanup(&z); /* and twice */
	assert_null(z.p);
	assert_int_equal(buf_len(&z), 0);

	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "0123456789!"), -1);
	buf_cleanup(&b); /* clears the error, keeps max */
	assert_int_equal(buf_error(&b), 0);
	assert_null(b.p);
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(buf_adds(&b, "!"), -1);
	buf_cleanup(&b);
}

static void
test_take(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 100);
	assert_null(buf_take(&b, &len)); /* nothing ever added */
	assert_int_equal(len, 0);
	assert_int_equal(buf_adds(&b, "taken"), 0);
	p = buf_take(&b, &len);
	assert_int_equal(len, 5);
	assert_string_equal(p, "taken");
	free(p);
	assert_int_equal(buf_len(&b), 0);
	assert_string_equal(buf_ptr(&b), "");
	assert_int_equal(buf_adds(&b, "again"), 0); /* max kept */
	buf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_addf_bound),
		cmocka_unit_test(test_max_zero),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_cleanup),
		cmocka_unit_test(test_take),
	};

	HARNESS_RUN(tests);
}
