/* test_ratelimit.c: token buckets, refill, eviction bound. */
#include <stdbool.h>
#include <string.h>

#include "harness.h"
#include "core/ratelimit.h"

static void
test_burst_then_refuse(void **state)
{
	struct ratelimit *rl = ratelimit_new(64, 60, 3); /* 1 per second */
	unsigned retry = 0;

	(void)state;
	assert_non_null(rl);
	for (int i = 0; i < 3; i++)
		assert_true(ratelimit_take(rl, "\x7f\0\0\1", 4, 1000, &retry));
	assert_false(ratelimit_check(rl, "\x7f\0\0\1", 4, 1000, &retry));
	assert_int_equal(retry, 1);
	/* another client is unaffected */
	assert_true(ratelimit_check(rl, "\x7f\0\0\2", 4, 1000, NULL));
	/* one second later one token is back, not more */
	assert_true(ratelimit_take(rl, "\x7f\0\0\1", 4, 2000, NULL));
	assert_false(ratelimit_take(rl, "\x7f\0\0\1", 4, 2000, NULL));
	ratelimit_free(rl);
}

static void
test_check_does_not_consume(void **state)
{
	struct ratelimit *rl = ratelimit_new(8, 1, 1);

	(void)state;
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_check(rl, "a", 1, 0, NULL));
	assert_true(ratelimit_take(rl, "a", 1, 0, NULL));
	assert_false(ratelimit_check(rl, "a", 1, 0, NULL));
	ratelimit_free(rl);
}

static void
test_retry_after(void **state)
{
	struct ratelimit *rl = ratelimit_new(8, 6, 1); /* one per 10 s */
	unsigned retry = 0;

	(void)state;
	assert_true(ratelimit_take(rl, "k", 1, 0, NULL));
	assert_false(ratelimit_take(rl, "k", 1, 4000, &retry));
	assert_int_equal(retry, 6);
	ratelimit_free(rl);
}

static void
test_bounded_table(void **state)
{
	struct ratelimit *rl = ratelimit_new(16, 10, 2);
	unsigned char k[4];

	(void)state;
	for (unsigned i = 0; i < 10000; i++) {
		memcpy(k, &i, sizeof k);
		ratelimit_take(rl, k, sizeof k, i, NULL);
	}
	assert_true(ratelimit_tracked(rl) <= 16);
	ratelimit_free(rl);
}

static void
test_reload_caps_tokens(void **state)
{
	struct ratelimit *rl = ratelimit_new(8, 60, 10);

	(void)state;
	assert_true(ratelimit_check(rl, "x", 1, 0, NULL));
	ratelimit_set(rl, 60, 1);
	assert_true(ratelimit_take(rl, "x", 1, 0, NULL));
	assert_false(ratelimit_take(rl, "x", 1, 0, NULL));
	ratelimit_free(rl);
}

static void
test_rejects_bad_params(void **state)
{
	(void)state;
	assert_null(ratelimit_new(2, 10, 2));
	assert_null(ratelimit_new(16, 0, 2));
	assert_null(ratelimit_new(16, 10, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refuse),
		cmocka_unit_test(test_check_does_not_consume),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_bounded_table),
		cmocka_unit_test(test_reload_caps_tokens),
		cmocka_unit_test(test_rejects_bad_params),
	};
	HARNESS_RUN(tests);
}
