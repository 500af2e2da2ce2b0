/* scantext.c: see scantext.h. A token is tried before a code: a token
 * never parses as a dossier code, and the lookup URL must win over the
 * lenient code normaliser. */
#include <stdint.h>
#include <string.h>

#include "core/scantext.h"
#include "core/textfold.h"

#define CODE_INPUT_MAX (4 * DCODE_TEXT_MAX) /* bytes before normalising */
#define CP_MAX         (2 * DCODE_TEXT_MAX) /* code points after it */

/* ASCII on purpose: the <ctype.h> tests follow the locale. */
static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
dash(int32_t c)
{
	return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
	    c == 0xfe58 || c == 0xfe63;
}

enum dcode_err
scantext_code_normalise(const char *s, size_t len, char out[DCODE_TEXT_MAX + 1])
{
	int32_t cp[CP_MAX];
	char buf[CP_MAX + 1];
	struct dcode d;
	enum dcode_err e;
	size_t n = 0;
	int count =
	    len <= CODE_INPUT_MAX ? text_compat(s, len, cp, CP_MAX) : -1;

	out[0] = '\0';
	if (count < 0)
		return DCODE_ELEN;
	for (int i = 0; i < count; i++) {
		int32_t c = cp[i];

		if (c == ' ' || c == '\t' || c == 0xa0 || c == 0x3000)
			continue; /* 0x3000: an IME's ideographic space */
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		else if (c == 0x0110 || c == 0x0111) /* Đ đ: Telex "dd" */
			c = 'D';
		else if (dash(c))
			c = '-';
		else if (c == 0x3002 || c == 0xff61) /* ideographic stops */
			c = '.';
		if (c > 0x7e || c < 0x20)
			c = '?'; /* refused by the parser below */
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if ((e = dcode_parse(buf, n, &d, NULL)) != DCODE_OK)
		return e;
	dcode_format(&d, out, DCODE_TEXT_MAX + 1);
	return DCODE_OK;
}

/* The token after the last "/l/" of a lookup URL, up to '?' or '#'. */
static bool
url_token(const char *s, size_t len, char out[TOKEN_LEN + 1])
{
	const char *p = NULL;
	size_t n;

	for (size_t i = 0; i + 3 <= len; i++)
		if (memcmp(s + i, "/l/", 3) == 0)
			p = s + i + 3;
	if (p == NULL)
		return false;
	n = (size_t)(s + len - p);
	for (size_t i = 0; i < n; i++)
		if (p[i] == '?' || p[i] == '#' || p[i] == '/') {
			n = i;
			break;
		}
	return token_normalise(p, n, out);
}

void
scantext_classify(const void *payload, size_t len, struct scantext *out)
{
	const char *s = payload;
	char tok[TOKEN_LEN + 1];

	memset(out, 0, sizeof *out);
	out->kind = SCANTEXT_UNKNOWN;
	if (len == 0 || len > SCANTEXT_MAX)
		return;
	/* Scanners end a read with CR, LF or Tab; some prefix spaces. */
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	while (len > 0 && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	if (url_token(s, len, tok) || token_normalise(s, len, tok)) {
		out->kind = SCANTEXT_TOKEN;
		memcpy(out->value, tok, sizeof tok);
		return;
	}
	if (scantext_code_normalise(s, len, out->value) == DCODE_OK) {
		out->kind = SCANTEXT_CODE;
		return;
	}
	out->value[0] = '\0';
}

const char *
scantext_kind_name(enum scantext_kind k)
{
	switch (k) {
	case SCANTEXT_TOKEN:
		return "token";
	case SCANTEXT_CODE:
		return "code";
	case SCANTEXT_UNKNOWN:
		break;
	}
	return "unknown";
}
