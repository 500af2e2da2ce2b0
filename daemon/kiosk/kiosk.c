/* kiosk.c: the pure core of the kiosk. See kiosk.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "kiosk/kiosk.h"

#define CODE_INPUT_MAX (4 * DCODE_TEXT_MAX) /* bytes before normalising */
#define CP_MAX         (2 * DCODE_TEXT_MAX) /* code points after it */

/* ASCII on purpose: the <ctype.h> tests follow the locale. */
static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Decomposes up to CODE_INPUT_MAX bytes into compatibility code points
 * without marks: "１２" -> "12", "Đ" stays (it has no decomposition).
 * Returns the count, or -1. */
static int
decompose(const char *s, size_t len, utf8proc_int32_t cp[CP_MAX])
{
	utf8proc_ssize_t n;

	if (len == 0 || len > CODE_INPUT_MAX)
		return -1;
	n = utf8proc_decompose((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)len, cp, CP_MAX,
	    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
	        UTF8PROC_IGNORE);
	if (n < 0 || n > CP_MAX)
		return -1;
	return (int)n;
}

static bool
dash(utf8proc_int32_t c)
{
	return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
	    c == 0xfe58 || c == 0xfe63;
}

enum dcode_err
kiosk_code_normalise(const char *s, size_t len, char out[DCODE_TEXT_MAX + 1])
{
	utf8proc_int32_t cp[CP_MAX];
	char buf[CP_MAX + 1];
	struct dcode d;
	enum dcode_err e;
	size_t n = 0;
	int count = decompose(s, len, cp);

	out[0] = '\0';
	if (count < 0)
		return DCODE_ELEN;
	for (int i = 0; i < count; i++) {
		utf8proc_int32_t c = cp[i];

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

bool
kiosk_factor_parse(const char *s, size_t len, char out[KIOSK_FACTOR_LEN + 1])
{
	utf8proc_int32_t cp[CP_MAX];
	int count = len <= 64 ? decompose(s, len, cp) : -1;
	size_t n = 0;

	out[0] = '\0';
	if (count < 0)
		return false;
	for (int i = 0; i < count; i++) {
		if (cp[i] == ' ' || cp[i] == '\t')
			continue;
		if (!is_digit(cp[i]) || n == KIOSK_FACTOR_LEN) {
			out[0] = '\0';
			return false;
		}
		out[n++] = (char)cp[i];
	}
	out[n] = '\0';
	if (n != KIOSK_FACTOR_LEN) {
		out[0] = '\0';
		return false;
	}
	return true;
}

bool
kiosk_last_digits(const char *stored, size_t len,
    char out[KIOSK_FACTOR_LEN + 1])
{
	size_t n = KIOSK_FACTOR_LEN;

	out[KIOSK_FACTOR_LEN] = '\0';
	for (size_t i = len; i > 0 && n > 0; i--)
		if (is_digit((unsigned char)stored[i - 1]))
			out[--n] = stored[i - 1];
	return n == 0;
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
kiosk_scan_classify(const void *payload, size_t len, struct kiosk_scan *out)
{
	const char *s = payload;
	char tok[TOKEN_LEN + 1];

	memset(out, 0, sizeof *out);
	out->kind = KIOSK_SCAN_UNKNOWN;
	if (len == 0 || len > KIOSK_SCAN_MAX)
		return;
	/* Scanners end a read with CR, LF or Tab; some prefix spaces. */
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	while (len > 0 && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	if (url_token(s, len, tok) || token_normalise(s, len, tok)) {
		out->kind = KIOSK_SCAN_TOKEN;
		memcpy(out->value, tok, sizeof tok);
		return;
	}
	if (kiosk_code_normalise(s, len, out->value) == DCODE_OK) {
		out->kind = KIOSK_SCAN_CODE;
		return;
	}
	out->value[0] = '\0';
}

const char *
kiosk_scan_kind_name(enum kiosk_scan_kind k)
{
	switch (k) {
	case KIOSK_SCAN_TOKEN:
		return "token";
	case KIOSK_SCAN_CODE:
		return "code";
	case KIOSK_SCAN_UNKNOWN:
		break;
	}
	return "unknown";
}
