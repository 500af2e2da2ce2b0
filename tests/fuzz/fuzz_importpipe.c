/* fuzz_importpipe.c: libFuzzer target for importpipe, the threaded
 * reader of an import body (POST /api/v1/import): lines split, parsed on
 * a worker and handed over through a ring. The first byte says how many
 * items to take before freeing (0: all), so that stopping early is
 * fuzzed too. Besides memory errors and races (with TSan builds) it
 * checks its promises: line numbers rise, a refused item says why. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api/importpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct importpipe *p;
	const struct importpipe_item *it;
	unsigned take, got = 0;
	long last = 0;

	if (size < 1)
		return 0;
	take = data[0];
	if ((p = importpipe_start((const char *)data + 1, size - 1, 1)) == NULL)
		return 0;
	while ((take == 0 || got < take) && (it = importpipe_next(p)) != NULL) {
		assert(it->line > last);
		last = it->line;
		assert(memchr(it->err, '\0', sizeof it->err) != NULL);
		if (!it->ok)
			assert(it->err[0] != '\0');
		got++;
	}
	importpipe_free(p);
	return 0;
}
