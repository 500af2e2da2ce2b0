/* fuzz_report.c: libFuzzer target for report_parse, the checker of the
 * report arguments that arrive as query values or CLI words. The input is
 * split at '&' into from, to, agency, field, procedure, by, format, cell
 * and channel (a missing part is an absent argument). Checks the promises of
 * report.h on every accepted set. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *parts[9] = { NULL };
	struct report_args a;
	struct report_params p;
	char err[256], *buf, *s, *amp;
	size_t n = 0;

	if (size > 4096 || (buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (s = buf; n < 9; s = amp + 1) {
		parts[n++] = s;
		if ((amp = strchr(s, '&')) == NULL)
			break;
		*amp = '\0';
	}
	a = (struct report_args){ parts[0], parts[1], parts[2], parts[3],
		parts[4], parts[5], parts[6], parts[7], parts[8] };
	err[0] = '\0';
	if (report_parse(&a, 366, 0x1f, &p, err, sizeof(err)) != 0) {
		assert(err[0] != '\0' && strchr(err, ':') != NULL);
	} else {
		assert(p.from_day <= p.to_day);
		assert(p.to_day - p.from_day < 366);
		assert(report_by_name(p.by) != NULL);
		assert(p.format >= RF_JSON && p.format <= RF_TABLE);
		assert(strlen(p.agency) <= 35);
		assert(p.cell == 0 || report_cell_name(p.cell) != NULL);
		assert(p.channel >= 0 && p.channel <= 3);
	}
	free(buf);
	return 0;
}
