/* fuzz_syncreply.c: libFuzzer target for the terminal's parsers of hub
 * replies (syncproto.h): push, pull, lookup and verify. The first byte
 * picks the parser. Besides memory errors it checks their promises: a
 * refused reply fills nothing; an accepted push reply answers each sent
 * key; an accepted pull page holds valid statuses and a valid cursor. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "sync/syncproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char keys[3][SP_KEY_HEX + 1] = {
	"00000000000000000000000000000001",
	"00000000000000000000000000000002",
	"00000000000000000000000000000003",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sp_pull_page page;
	const char *buf = (const char *)data + 1;
	struct sp_push_result r[3];
	struct store_lookup v;
	char err[SP_ERR_MAX];
	int64_t counts[4];
	json_t *codes;
	bool found, more;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 4) {
	case 0:
		memset(r, 0x5a, sizeof r);
		if (sp_push_reply(buf, size, keys, 3, r, err) == 0) {
			for (int i = 0; i < 3; i++)
				assert(r[i].result <= SP_REJECTED &&
				    (r[i].result != SP_REJECTED ||
				        r[i].reason[0] != '\0'));
		} else {
			assert(((unsigned char *)r)[0] == 0x5a);
			assert(err[0] != '\0');
		}
		break;
	case 1:
		if (sp_pull_reply(buf, size, &page, err) == 0) {
			assert(sp_cursor_valid(page.cursor));
			for (size_t i = 0; i < page.n; i++)
				assert(status_valid(page.ch[i].status) &&
				    page.ch[i].rev >= 1);
		} else {
			assert(page.n == 0);
		}
		break;
	case 2:
		if (sp_lookup_reply(buf, size, &found, &v, err) == 0 && found)
			assert(status_valid(v.status) && v.code[0] != '\0');
		break;
	default:
		if (sp_verify_reply(buf, size, counts, &codes, &more, err) ==
		    0) {
			assert(codes != NULL);
			json_decref(codes);
		} else {
			assert(codes == NULL);
		}
	}
	return 0;
}
