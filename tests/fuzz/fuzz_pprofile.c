/* fuzz_pprofile.c: libFuzzer target for pprofile_parse, the reader of the
 * printer profiles in data/printer/profiles. Besides memory errors it
 * checks the promises of pprofile.h: a refused profile names its
 * problems; an accepted one is in range (a width a multiple of 8,
 * commands within PPROFILE_CMD_MAX). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printer/pprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pprofile p;
	char *errors = NULL;

	if (pprofile_parse((const char *)data, size, "fuzz", &p, &errors) !=
	    0) {
		assert(errors != NULL && errors[0] != '\0');
		free(errors);
		return 0;
	}
	free(errors);
	assert(p.width_dots > 0 && p.width_dots % 8 == 0);
	assert(p.width_chars > 0);
	assert(memchr(p.name, '\0', sizeof p.name) != NULL);
	assert(memchr(p.description, '\0', sizeof p.description) != NULL);
	assert(p.cut.len <= PPROFILE_CMD_MAX &&
	    p.status_printer.len <= PPROFILE_CMD_MAX &&
	    p.status_cause.len <= PPROFILE_CMD_MAX &&
	    p.status_paper.len <= PPROFILE_CMD_MAX);
	assert(pprofile_text_name(p.text) != NULL);
	return 0;
}
