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

/* The flush attack: a code locked after its failures must stay locked for
 * its whole window, whatever other keys are checked or charged. */
static void
test_locked_key_survives_floods(void **state)
{
	struct ratelimit *rl = ratelimit_new(16, 5.0 / 60, 5); /* 5 an hour */
	unsigned char k[4];

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_take(rl, "victim", 6, 0, NULL));
	assert_false(ratelimit_check(rl, "victim", 6, 0, NULL));
	for (unsigned i = 0; i < 100000; i++) {
		memcpy(k, &i, sizeof k);
		ratelimit_check(rl, k, sizeof k, 1000 + i, NULL);
		ratelimit_take(rl, k, sizeof k, 1000 + i, NULL);
	}
	/* 11 minutes on: still no token (one comes back every 12) */
	assert_false(ratelimit_check(rl, "victim", 6, 11 * 60000, NULL));
	assert_true(ratelimit_refused_full(rl) > 0);
	assert_true(ratelimit_tracked(rl) <= 16);
	/* a partly spent key is not forgotten either */
	ratelimit_free(rl);
	rl = ratelimit_new(4, 5.0 / 60, 5);
	assert_true(ratelimit_take(rl, "half", 4, 0, NULL));
	for (unsigned i = 0; i < 1000; i++) {
		memcpy(k, &i, sizeof k);
		ratelimit_take(rl, k, sizeof k, 10, NULL);
	}
	for (int i = 0; i < 4; i++)
		assert_true(ratelimit_take(rl, "half", 4, 20, NULL));
	assert_false(ratelimit_take(rl, "half", 4, 20, NULL));
	ratelimit_free(rl);
}

/* A key whose bucket refilled to its burst may be forgotten: a new key
 * then gets its slot instead of being refused. */
static void
test_refilled_keys_make_room(void **state)
{
	struct ratelimit *rl = ratelimit_new(4, 60, 1); /* one set of 4 */
	static const unsigned char fixed[RATELIMIT_HASH_KEY_LEN] = { 1 };

	(void)state;
	ratelimit_set_hash_key(rl, fixed);
	assert_true(ratelimit_take(rl, "a", 1, 0, NULL));
	assert_true(ratelimit_take(rl, "b", 1, 0, NULL));
	assert_true(ratelimit_take(rl, "c", 1, 0, NULL));
	assert_true(ratelimit_take(rl, "d", 1, 0, NULL));
	/* every slot is owed a token: a new key is refused, not let in */
	assert_false(ratelimit_check(rl, "e", 1, 10, NULL));
	assert_int_equal(ratelimit_refused_full(rl), 1);
	/* a second later all four have refilled: "e" takes a slot */
	assert_true(ratelimit_take(rl, "e", 1, 1010, NULL));
	assert_false(ratelimit_take(rl, "e", 1, 1010, NULL));
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
		cmocka_unit_test(test_locked_key_survives_floods),
		cmocka_unit_test(test_refilled_keys_make_room),
		cmocka_unit_test(test_rejects_bad_params),
	};
	HARNESS_RUN(tests);
}
