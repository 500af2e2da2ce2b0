/* fuzz_hidkeys.c: libFuzzer target for the keyboard-wedge decoder over
 * arbitrary event streams. Bytes 0..3 pick the config (end key, min_len,
 * key gap, idle time); then each 5 bytes are one step: op (EV_KEY,
 * EV_SYN, another type, a tick or a resync), a 9-bit code, a value
 * (0..3: 3 is invalid) and the milliseconds since the last step.
 * Invariants: never more results than HIDKEYS_OUT_MAX; a scan has 1 to
 * SCAN_DATA_MAX ASCII bytes and at least min_len unless cut; truncated
 * only at the bound; every rejection names a reason; a result is never
 * from the future; a late enough tick leaves nothing pending. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "scanner/hidkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct hidkeys_result *r, size_t n, int64_t now, int min_len)
{
	assert(n <= HIDKEYS_OUT_MAX);
	for (size_t i = 0; i < n; i++) {
		assert(r[i].at_ms <= now);
		if (r[i].kind == HIDKEYS_REJECT) {
			assert(r[i].reason != NULL && r[i].reason[0] != '\0');
			continue;
		}
		assert(r[i].kind == HIDKEYS_SCAN);
		assert(r[i].len >= 1 && r[i].len <= SCAN_DATA_MAX);
		assert(r[i].len >= (size_t)min_len);
		assert(!r[i].truncated || r[i].len == SCAN_DATA_MAX);
		for (size_t k = 0; k < r[i].len; k++)
			assert(r[i].data[k] < 0x80);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hidkeys_result r[HIDKEYS_OUT_MAX];
	struct scanner_conf c = { .kind = SCAN_HID };
	struct hidkeys *d;
	int64_t t = 0;

	if (size < 4)
		return 0;
	c.end = (enum scan_end)(data[0] % 3);
	c.min_len = 1 + data[1] % 16;
	c.max_key_gap_ms = 1 + data[2];
	c.idle_ms = 1 + data[3];
	c.max_scan_ms = 1500;
	if ((d = hidkeys_new(&c)) == NULL)
		return 0;
	for (size_t i = 4; i + 5 <= size; i += 5) {
		const uint8_t *p = data + i;
		unsigned code = p[1] | (unsigned)(p[2] & 1) << 8;
		int value = p[3] % 4;
		size_t n = 0;

		t += p[4];
		switch (p[0] % 8) {
		case 5:
			n = hidkeys_feed(d, EV_SYN, p[1] % 4, value, t, r);
			break;
		case 6:
			n = hidkeys_feed(d, EV_MSC, MSC_SCAN, value, t, r);
			break;
		case 7:
			if (p[2] & 2) {
				unsigned down[2] = { code, p[1] };

				hidkeys_resync(d, down, 2);
			} else
				n = hidkeys_tick(d, t, r);
			break;
		default:
			n = hidkeys_feed(d, EV_KEY, code, value, t, r);
			break;
		}
		check(r, n, t, c.min_len);
		/* every event and tick catches up with the time: nothing
		 * is due (a resync takes no time) */
		assert(hidkeys_deadline(d) == -1 || hidkeys_deadline(d) > t ||
		    (p[0] % 8 == 7 && (p[2] & 2)));
	}
	t += 10 * 60000;
	check(r, hidkeys_tick(d, t, r), t, c.min_len);
	assert(hidkeys_deadline(d) == -1);
	hidkeys_free(d);
	return 0;
}
