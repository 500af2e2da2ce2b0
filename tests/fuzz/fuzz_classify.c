/* fuzz_classify.c: libFuzzer target for classify_scan. Invariants: an
 * unknown scan copies nothing and names a reason; a known value is
 * printable ASCII, reclassifies to the same kind, and an S10 verdict is
 * never bad_format. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct classified c, again;
	size_t n;

	classify_scan(data, size, false, &c);
	n = strnlen(c.value, sizeof c.value);
	assert(n < sizeof c.value);
	if (c.kind == CLASSIFY_UNKNOWN) {
		assert(n == 0 && c.reason != NULL);
		return 0;
	}
	assert(n > 0);
	for (size_t i = 0; i < n; i++)
		assert(c.value[i] > 0x20 && c.value[i] < 0x7f);
	if (c.kind == CLASSIFY_S10)
		assert(c.s10 != S10_BAD_FORMAT &&
		    (c.s10 == S10_VALID) == (c.reason == NULL));
	else
		assert(c.reason == NULL);
	classify_scan(c.value, n, false, &again);
	assert(again.kind == c.kind);
	assert(strcmp(again.value, c.value) == 0);
	classify_scan(data, size, true, &again);
	assert(again.kind == CLASSIFY_UNKNOWN);
	return 0;
}
