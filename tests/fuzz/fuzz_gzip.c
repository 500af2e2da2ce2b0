/* fuzz_gzip.c: libFuzzer target for gz_inflate, which the hub runs on
 * every compressed push body: bounded output, never past max, and a
 * round trip of whatever it accepts. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/gz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out, *again, *back;
	size_t n, m, k;

	if (gz_inflate(data, size, 1 << 20, 100, &out, &n) == 0) {
		assert(n <= 1 << 20 && out[n] == '\0');
		assert(gz_compress(out, n, &again, &m) == 0);
		assert(gz_inflate(again, m, 1 << 20, 0, &back, &k) == 0);
		assert(k == n && memcmp(back, out, n) == 0);
		free(again);
		free(back);
		free(out);
	}
	return 0;
}
