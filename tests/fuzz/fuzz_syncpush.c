/* fuzz_syncpush.c: libFuzzer target for the hub's parser of a push body
 * (sp_push_req): what every terminal sends. Checks that an accepted body
 * has 1..SP_PUSH_MAX items, every valid item a good key, kind, status and
 * (for a new dossier) a record, and every invalid one a reason. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/status.h"
#include "sync/syncproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sp_push p;
	char err[SP_ERR_MAX];

	if (sp_push_req((const char *)data, size, &p, err) != 0) {
		assert(err[0] != '\0');
		return 0;
	}
	assert(p.n >= 1 && p.n <= SP_PUSH_MAX);
	for (size_t i = 0; i < p.n; i++) {
		const struct sp_item *it = &p.items[i];

		if (!it->valid) {
			assert(it->why[0] != '\0');
			continue;
		}
		assert(sp_key_valid(it->key));
		assert(status_valid(it->status));
		assert(it->code[0] != '\0' && it->seq >= 1);
		assert((strcmp(it->kind, "dossier_new") == 0) ==
		    (it->dossier != NULL));
	}
	sp_push_free(&p);
	return 0;
}
