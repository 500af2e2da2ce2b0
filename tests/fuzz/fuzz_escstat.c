/* fuzz_escstat.c: libFuzzer target for the printer status-reply parser.
 * Invariants: any byte stream gives a state in range; a garbage flag only
 * with a byte that is no status byte; only valid bytes can say a printer
 * may print. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "printer/escstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool garbage = false;
	enum escstat s = escstat_parse_stream(data, size, &garbage);
	bool any_bad = false;

	assert((unsigned)s < ESCSTAT_COUNT);
	assert(s != ESCSTAT_DISCONNECTED);
	for (size_t i = 0; i < size && i < 3; i++)
		any_bad |= !escstat_valid(data[i]);
	if (garbage)
		assert(s == ESCSTAT_UNKNOWN && any_bad);
	if (escstat_printable(s)) {
		assert(size >= 2 && escstat_valid(data[0]));
		assert((data[0] & 0x08) == 0);
	}
	assert(escstat_name(s)[0] != '\0');
	return 0;
}
