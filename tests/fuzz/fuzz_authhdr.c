/* fuzz_authhdr.c: libFuzzer target for the Cookie and Authorization
 * header parsers and the token text (authhdr.c). Invariants: whatever is
 * copied out fits and has no separator; a decoded token re-encodes to the
 * same text. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/authhdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1), v[AUTH_TOKEN_LEN + 2],
	     back[AUTH_TOKEN_LEN + 1];
	unsigned char raw[AUTH_SECRET_BYTES];
	int rc;

	if (h == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	if (authhdr_cookie(h, AUTH_COOKIE, v, sizeof v)) {
		assert(strlen(v) < sizeof v);
		assert(strchr(v, ';') == NULL);
		if (authhdr_b64_decode(v, raw)) {
			authhdr_b64_encode(raw, back);
			assert(strcmp(back, v) == 0);
		}
	}
	rc = authhdr_bearer(h, v, sizeof v);
	assert(rc >= -1 && rc <= 1);
	if (rc == 1) {
		assert(strlen(v) > 0 && strlen(v) < sizeof v);
		assert(strchr(v, ' ') == NULL);
		if (authhdr_token_decode(v, raw)) {
			authhdr_token_encode(raw, back);
			assert(strcmp(back, v) == 0);
		}
	}
	free(h);
	return 0;
}
