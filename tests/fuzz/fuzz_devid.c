/* fuzz_devid.c: libFuzzer target for devid_parse, the reader of a scanner
 * device id in the config ("/dev/..." or "vid:pid[:serial]"). Besides
 * memory errors it checks its promises: a refusal says why; an accepted
 * id is a path or 4+4 lower-case hex digits, and matches itself. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/devid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
lower_hex4(const char *s)
{
	if (strlen(s) != 4)
		return false;
	for (int i = 0; i < 4; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct devid id;
	char err[128], *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0'; /* a config value: NUL-ended, maybe shorter */
	/* the first byte picks the error buffer's size, 0 included */
	if (devid_parse(s, &id, err, size > 0 ? data[0] % sizeof err : 0) !=
	    0) {
		free(s);
		return 0;
	}
	if (id.is_path) {
		assert(memchr(id.path, '\0', sizeof id.path) != NULL);
	} else {
		assert(lower_hex4(id.vid) && lower_hex4(id.pid));
		assert(memchr(id.serial, '\0', sizeof id.serial) != NULL);
		assert(devid_match(&id, id.vid, id.pid, id.serial));
	}
	free(s);
	return 0;
}
