/* fuzz_zdecode.c: libFuzzer target for the decode pipeline on arbitrary
 * pixels (zxing-cpp, then ZBar plus our resampling, threshold, rotation,
 * the second views and the result checks: character sets, printable text,
 * the Code 128 bar count). The first two bytes give the width (1-256); the
 * rest are the pixels, rows cut to whole. Invariants: at most max symbols,
 * each within ZDECODE_DATA_MAX and valid UTF-8; no crash (an abort inside
 * zxing-cpp included), no leak. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "core/textfold.h"
#include "scanner/zdecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zdecode *z;
	static struct zdecode_symbol syms[4];
	int w, h;
	size_t n;

	if (z == NULL) {
		struct zdecode_opts o = { .symbologies =
			                      (1u << SCAN_SYM_CODE128) |
			    (1u << SCAN_SYM_QR) | (1u << SCAN_SYM_EAN13) |
			    (1u << SCAN_SYM_CODE39) | (1u << SCAN_SYM_ITF) };

		z = zdecode_new(&o);
		assert(z != NULL);
	}
	if (size < 3)
		return 0;
	w = (data[0] | (data[1] << 8)) % 256 + 1;
	h = (int)((size - 2) / (size_t)w);
	if (h == 0)
		return 0;
	n = zdecode_run(z, data + 2, w, h, syms, 4);
	assert(n <= 4);
	for (size_t i = 0; i < n; i++)
		assert(syms[i].len <= ZDECODE_DATA_MAX &&
		    text_utf8(syms[i].data, syms[i].len));
	return 0;
}
