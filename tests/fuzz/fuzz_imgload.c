/* fuzz_imgload.c: libFuzzer target for imgload_mem (PNG, JPEG and WebP
 * through their libraries, our magic-byte dispatch, caps and error
 * paths). Invariants: success gives a non-empty image within the pixel
 * cap; failure leaves no pixels and a message. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/imgload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[IMGLOAD_ERR_MAX];
	struct img im;

	if (imgload_mem(data, size, &im, err) == IMGLOAD_OK) {
		assert(im.px != NULL && im.w > 0 && im.h > 0);
		assert((size_t)im.w * (size_t)im.h <= IMGLOAD_PIXELS_MAX);
		/* touch the last pixel: the buffer is w * h */
		assert(im.px[(size_t)im.w * (size_t)im.h - 1] <= 255);
		img_free(&im);
	} else {
		assert(im.px == NULL);
		assert(err[0] != '\0' && strlen(err) < IMGLOAD_ERR_MAX);
	}
	return 0;
}
