/* fuzz_qrtext.c: libFuzzer target for the character-set decision of QR
 * bytes without an ECI (scanner/qrtext.c). Invariants: a result is valid
 * UTF-8 within the output size; a refusal has a reason, and with the
 * 3 bytes per input byte qrtext.h promises, it is never "too long". */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/textfold.h"
#include "scanner/qrtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char out[3 * 4096];
	enum qrtext_charset cs;
	const char *why = NULL;
	long n;

	if (size > 4096)
		return 0;
	n = qrtext_decode(data, size, out, size * 3, &cs, &why);
	if (n < 0) {
		assert(why != NULL && strcmp(why, "too long") != 0);
		return 0;
	}
	assert((size_t)n <= size * 3);
	assert(text_utf8(out, (size_t)n));
	return 0;
}
