/* factor.c: the kiosk's second factor. See factor.h. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textfold.h"
#include "core/factor.h"

#define FACTOR_INPUT_MAX 64 /* bytes of a typed second factor */
#define FACTOR_CP_MAX    96 /* code points after decomposing it */

/* ASCII on purpose: the <ctype.h> tests follow the locale. */
static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

bool
factor_parse(const char *s, size_t len, char out[FACTOR_LEN + 1])
{
	int32_t cp[FACTOR_CP_MAX];
	int count = len <= FACTOR_INPUT_MAX
	    ? text_compat(s, len, cp, FACTOR_CP_MAX)
	    : -1;
	size_t n = 0;

	out[0] = '\0';
	if (count < 0)
		return false;
	for (int i = 0; i < count; i++) {
		if (cp[i] == ' ' || cp[i] == '\t')
			continue;
		if (!is_digit(cp[i]) || n == FACTOR_LEN) {
			out[0] = '\0';
			return false;
		}
		out[n++] = (char)cp[i];
	}
	out[n] = '\0';
	if (n != FACTOR_LEN) {
		out[0] = '\0';
		return false;
	}
	return true;
}

bool
factor_last_digits(const char *stored, size_t len, char out[FACTOR_LEN + 1])
{
	size_t n = FACTOR_LEN;

	out[FACTOR_LEN] = '\0';
	for (size_t i = len; i > 0 && n > 0; i--)
		if (is_digit((unsigned char)stored[i - 1]))
			out[--n] = stored[i - 1];
	return n == 0;
}

/* Has the number enough digits to be a factor? */
static bool
usable(const char *stored)
{
	char tmp[FACTOR_LEN + 1];

	return stored != NULL &&
	    factor_last_digits(stored, strlen(stored), tmp);
}

enum factor_kind
factor_choose(bool prefer_phone, const char *id_no, const char *phone)
{
	bool id = usable(id_no), ph = usable(phone);

	if (prefer_phone)
		return ph ? FACTOR_PHONE : id ? FACTOR_ID : FACTOR_NONE;
	return id ? FACTOR_ID : ph ? FACTOR_PHONE : FACTOR_NONE;
}

const char *
factor_kind_name(enum factor_kind k)
{
	return k == FACTOR_ID ? "id" : k == FACTOR_PHONE ? "phone" : "none";
}
