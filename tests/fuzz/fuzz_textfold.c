/* fuzz_textfold.c: libFuzzer target for the text helpers of textfold.h
 * (every name and query a person types passes them). The first byte picks
 * the output size. Besides memory errors it checks their promises: the
 * result fits and is NUL-ended, folding is idempotent, a masked name has
 * as many characters as the name, and what text_valid accepts is UTF-8. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/textfold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX 512

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[OUT_MAX], again[OUT_MAX];
	int32_t cp[64];
	const char *s = (const char *)data + 1;
	size_t cap, len;
	int n;

	if (size < 1)
		return 0;
	cap = (size_t)data[0] * 2 + 1; /* 1..511 */
	len = size - 1;
	if (text_valid(s, len))
		assert(text_utf8(s, len));
	if ((n = text_nfc(s, len, out, cap)) >= 0)
		assert((size_t)n < cap && out[n] == '\0' &&
		    text_utf8(out, (size_t)n));
	if ((n = text_fold(s, len, out, cap)) >= 0) {
		int m;

		assert((size_t)n < cap && out[n] == '\0');
		m = text_fold(out, (size_t)n, again, sizeof again);
		assert(m == n && memcmp(out, again, (size_t)n) == 0);
	}
	if ((n = text_mask_name(s, len, out, cap)) >= 0)
		assert((size_t)n < cap && out[n] == '\0' &&
		    text_utf8(out, (size_t)n));
	n = text_compat(s, len, cp, data[0] % 64);
	assert(n <= (int)(data[0] % 64));
	for (int i = 0; i < n; i++)
		assert(cp[i] >= 0 && cp[i] <= 0x10ffff);
	return 0;
}
