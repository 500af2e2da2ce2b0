/* test_manifest.c: the reconciliation state of a postal manifest. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "harness.h"

#include "postal/manifest.h"

static enum manifest_state
st(size_t exp, size_t arr, size_t mres, size_t unx, size_t unres, bool sg)
{
	struct manifest_counts c = { exp, arr, mres, unx, unres, sg };

	return manifest_state(&c);
}

static void
test_open(void **state)
{
	(void)state;
	assert_int_equal(st(50, 0, 0, 0, 0, false), MANIFEST_OPEN);
	assert_int_equal(st(0, 0, 0, 0, 0, false), MANIFEST_OPEN);
	assert_string_equal(manifest_state_name(MANIFEST_OPEN), "open");
}

static void
test_receiving(void **state)
{
	(void)state;
	/* 48 of 50 arrived, not signed: still receiving */
	assert_int_equal(st(50, 48, 0, 0, 0, false), MANIFEST_RECEIVING);
	/* all arrived, not signed */
	assert_int_equal(st(50, 50, 0, 0, 0, false), MANIFEST_RECEIVING);
	/* a resolved unexpected packet alone */
	assert_int_equal(st(50, 0, 0, 1, 0, false), MANIFEST_RECEIVING);
	struct manifest_counts c = { 50, 48, 0, 0, 0, false };
	assert_int_equal(manifest_missing(&c), 2);
}

static void
test_discrepancies(void **state)
{
	(void)state;
	/* signed with two missing */
	assert_int_equal(st(50, 48, 0, 0, 0, true), MANIFEST_DISCREPANCIES);
	/* signed, one of two resolved */
	assert_int_equal(st(50, 48, 1, 0, 0, true), MANIFEST_DISCREPANCIES);
	/* an unresolved unexpected packet, even when all arrived */
	assert_int_equal(st(50, 50, 0, 1, 1, true), MANIFEST_DISCREPANCIES);
	assert_int_equal(st(50, 0, 0, 1, 1, false), MANIFEST_DISCREPANCIES);
	/* impossible counts are never reconciled */
	assert_int_equal(st(2, 3, 0, 0, 0, true), MANIFEST_DISCREPANCIES);
	assert_int_equal(st(2, 1, 2, 0, 0, true), MANIFEST_DISCREPANCIES);
	assert_int_equal(st(2, 2, 0, 0, 1, true), MANIFEST_DISCREPANCIES);
	struct manifest_counts c = { 2, 3, 0, 0, 0, true };
	assert_int_equal(manifest_missing(&c), 0);
}

static void
test_reconciled(void **state)
{
	(void)state;
	assert_int_equal(st(50, 48, 2, 0, 0, true), MANIFEST_RECONCILED);
	assert_int_equal(st(50, 50, 0, 2, 0, true), MANIFEST_RECONCILED);
	assert_int_equal(st(50, 0, 50, 0, 0, true), MANIFEST_RECONCILED);
	/* an empty manifest signed off */
	assert_int_equal(st(0, 0, 0, 0, 0, true), MANIFEST_RECONCILED);
	assert_string_equal(manifest_state_name(MANIFEST_RECONCILED),
	    "reconciled");
	assert_string_equal(manifest_state_name((enum manifest_state)9),
	    "discrepancies");
}

static void
test_resolutions(void **state)
{
	(void)state;
	assert_int_equal(manifest_resolution_parse("lost", 4),
	    MANIFEST_RES_LOST);
	assert_int_equal(manifest_resolution_parse("arrived_late", 12),
	    MANIFEST_RES_ARRIVED_LATE);
	assert_int_equal(manifest_resolution_parse("returned", 8),
	    MANIFEST_RES_RETURNED);
	assert_int_equal(manifest_resolution_parse("lo", 2), MANIFEST_RES_NONE);
	assert_int_equal(manifest_resolution_parse("lostx", 5),
	    MANIFEST_RES_NONE);
	assert_int_equal(manifest_resolution_parse("", 0), MANIFEST_RES_NONE);
	assert_null(manifest_resolution_name(MANIFEST_RES_NONE));
	assert_string_equal(manifest_resolution_name(MANIFEST_RES_RETURNED),
	    "returned");
	assert_null(manifest_resolution_name((enum manifest_resolution)7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_receiving),
		cmocka_unit_test(test_discrepancies),
		cmocka_unit_test(test_reconciled),
		cmocka_unit_test(test_resolutions),
	};
	HARNESS_RUN(tests);
}
