/* fuzz_dcode.c: libFuzzer target for dcode_parse. Invariants: an accepted
 * code is a valid value, formats to canonical text, and that text parses
 * back to the same value; a refused one points inside the input. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/calendar.h"
#include "core/dcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[DCODE_TEXT_MAX + 1], again[DCODE_TEXT_MAX + 1];
	char agency[DCODE_AGENCY_MAX + 8];
	struct dcode d, e;
	size_t at = (size_t)-1;
	int n, m;

	/* the agency check reads a C string: give it one, bounded */
	n = (int)(size < sizeof agency - 1 ? size : sizeof agency - 1);
	memcpy(agency, data, (size_t)n);
	agency[n] = '\0';
	(void)dcode_agency_valid(agency);

	if (dcode_parse((const char *)data, size, &d, &at) != DCODE_OK) {
		assert(at <= size);
		return 0;
	}
	assert(memchr(d.agency, '\0', sizeof d.agency) != NULL);
	assert(dcode_agency_valid(d.agency));
	assert(cal_valid_ymd(2000 + d.yy, d.mm, d.dd));
	assert(d.yy >= 0 && d.yy <= 99);
	assert(d.seq >= 1 && d.seq <= 99999);

	n = dcode_format(&d, text, sizeof text);
	assert(n > 0 && (size_t)n == strlen(text));
	assert(dcode_parse(text, (size_t)n, &e, NULL) == DCODE_OK);
	assert(strcmp(d.agency, e.agency) == 0);
	assert(d.yy == e.yy && d.mm == e.mm && d.dd == e.dd);
	assert(d.seq == e.seq);
	/* canonical text can only gain strictness (00007 becomes 0007) */
	assert(!d.strict || e.strict);
	assert(!e.strict || e.seq <= DCODE_SEQ_MAX);
	m = dcode_format(&e, again, sizeof again);
	assert(m == n && strcmp(text, again) == 0);
	return 0;
}
