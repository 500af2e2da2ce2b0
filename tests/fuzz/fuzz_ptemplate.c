/* fuzz_ptemplate.c: libFuzzer target for the template engine on hostile
 * input. The input is split at the first NUL byte: before it a template,
 * after it the field values (separated by 0x01). Invariants: a refused
 * template has error lines naming the file; an accepted one renders every
 * hostile value into lines that are valid UTF-8 without control bytes and
 * no wider than the paper, within the layout bound. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printer/ptemplate.h"
#include "printer/vntext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const allowed[] = { "a", "b", "l", NULL };
static const char *const lists[] = { "l", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	char *vals = NULL, *errors = NULL, tmp[8192];
	const char *names[] = { "a", "b", "l" };
	const char *values[3] = { "", "", "" };
	struct ptemplate *t;
	struct ptemplate_layout o;
	struct ptemplate_fields f = { names, values, 3 };

	t = ptemplate_parse((const char *)data, tlen, "fuzz.tpl", allowed,
	    lists, &errors);
	if (t == NULL) {
		assert(errors != NULL && strncmp(errors, "fuzz.tpl:", 9) == 0);
		free(errors);
		return 0;
	}
	assert(errors == NULL);
	if (nul != NULL) {
		size_t vlen = size - tlen - 1;
		char *p;
		int k = 0;

		vals = malloc(vlen + 1);
		memcpy(vals, nul + 1, vlen);
		vals[vlen] = '\0';
		/* NULs inside end the values early, like C strings would */
		for (p = vals; k < 3; k++) {
			char *sep = strchr(p, '\x01');

			values[k] = p;
			if (sep == NULL)
				break;
			*sep = '\0';
			p = sep + 1;
		}
	}
	for (int width = 24; width <= 64; width += 40) {
		if (ptemplate_render(t, &f, width, width == 64, &o) != 0)
			continue;
		for (size_t i = 0; i < o.count; i++) {
			const char *s = o.items[i].text;

			if (s == NULL)
				continue;
			assert(vn_nfc(s, tmp, sizeof tmp) >= 0 ||
			    strlen(s) >= sizeof tmp);
			for (const char *c = s; *c; c++)
				assert((unsigned char)*c >= 0x20 && *c != 0x7f);
			if (o.items[i].kind == PTEMPLATE_TEXT)
				assert(vn_width(s, strlen(s)) <=
				        (size_t)(o.items[i].big ? width / 2
				                                : width) ||
				    i == 0);
		}
		assert(o.count <= PTEMPLATE_LAYOUT_MAX);
		ptemplate_layout_cleanup(&o);
	}
	free(vals);
	ptemplate_free(t);
	return 0;
}
