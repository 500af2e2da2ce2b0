/* fuzz_postid.c: libFuzzer target for s10_parse and manifest_id_parse.
 * Invariants: a normalised id reparses to the same verdict; only a
 * well-formed id is copied out; a fault offset lies inside the input. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "postal/postid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct s10 s, t;
	char id[MANIFEST_ID_LEN + 1];
	int y, m, d, seq;

	if (s10_parse((const char *)data, size, &s) == S10_BAD_FORMAT) {
		assert(s.at <= size);
		assert(s.id[0] == '\0' && s.reason != NULL);
	} else {
		assert(strlen(s.id) == S10_LEN);
		assert(s10_parse(s.id, S10_LEN, &t) == s.verdict);
		assert((s.verdict == S10_VALID) == (s.reason == NULL));
		assert(s.expected_check >= 0 && s.expected_check <= 9);
	}
	if (manifest_id_parse((const char *)data, size, &y, &m, &d, &seq)) {
		assert(manifest_id_format(y, m, d, seq, id) == 0);
		assert(manifest_id_parse(id, strlen(id), &y, &m, &d, &seq));
	}
	return 0;
}
