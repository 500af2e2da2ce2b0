/* fuzz_importrec.c: libFuzzer target for importrec_parse, the parser of
 * every import line an upstream export hands us. Besides memory errors it
 * checks the promises of importrec.h on every accepted record. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/importrec.h"
#include "core/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_rec r;
	char err[256];

	if (importrec_parse((const char *)data, size, &r, err, sizeof(err)) !=
	    0) {
		assert(err[0] != '\0' && strlen(err) < sizeof(err));
		return 0;
	}
	assert(r.code[0] != '\0' && r.applicant_name[0] != '\0');
	assert(status_valid(r.status));
	assert(r.channel >= CHANNEL_COUNTER && r.channel <= CHANNEL_POSTAL);
	assert(r.due_at >= r.received_at);
	assert(r.nsupplements <= IMPORT_SUPPLEMENT_MAX);
	assert(r.rating == RATING_NONE || rating_name(r.rating) != NULL);
	return 0;
}
