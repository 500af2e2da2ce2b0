/* fuzz_kiosk.c: libFuzzer target for the kiosk's parsers of outside input
 * (kiosk.h, core/scantext.h): scanner payloads, typed codes, typed digits and
 * the terminal list. Invariants: a classified scan carries only a token or a
 * canonical code that parses again; a normalised code is canonical (normalising
 * it again gives itself); accepted digits are exactly 4 ASCII digits. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/dcode.h"
#include "core/scantext.h"
#include "core/factor.h"
#include "core/termlist.h"
#include "core/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct termlist_entry t[TERMLIST_MAX];
	char code[DCODE_TEXT_MAX + 1], again[DCODE_TEXT_MAX + 1];
	char digits[FACTOR_LEN + 1], spec[1024];
	struct scantext s;
	struct dcode d;
	size_t n;

	scantext_classify(data, size, &s);
	if (s.kind == SCANTEXT_TOKEN)
		assert(strlen(s.value) == TOKEN_LEN &&
		    token_valid(s.value, TOKEN_LEN));
	else if (s.kind == SCANTEXT_CODE)
		assert(dcode_parse(s.value, strlen(s.value), &d, NULL) ==
		    DCODE_OK);
	else
		assert(s.value[0] == '\0');

	if (scantext_code_normalise((const char *)data, size, code) ==
	    DCODE_OK) {
		assert(scantext_code_normalise(code, strlen(code), again) ==
		    DCODE_OK);
		assert(strcmp(code, again) == 0);
	}
	if (factor_parse((const char *)data, size, digits)) {
		assert(strlen(digits) == FACTOR_LEN);
		for (int i = 0; i < FACTOR_LEN; i++)
			assert(digits[i] >= '0' && digits[i] <= '9');
	}
	(void)factor_last_digits((const char *)data, size, digits);

	n = size < sizeof spec - 1 ? size : sizeof spec - 1;
	memcpy(spec, data, n);
	spec[n] = '\0';
	if (termlist_parse(spec, t, &n) == NULL)
		for (size_t i = 0; i < n; i++)
			assert(t[i].id[0] != '\0' &&
			    strlen(t[i].id) <= TERMLIST_ID_MAX);
	return 0;
}
