/* authhdr.c: pure parts of staff authentication. See authhdr.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "auth/authhdr.h"

#define HEADER_MAX 8192 /* a longer Cookie or Authorization is refused */

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

bool
authhdr_cookie(const char *h, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name), found = 0;
	const char *p, *end;

	if (h == NULL || size == 0 || strnlen(h, HEADER_MAX + 1) > HEADER_MAX)
		return false;
	out[0] = '\0';
	for (p = h; *p != '\0'; p = *end ? end + 1 : end) {
		const char *eq, *v, *ve;

		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		while (p < end && is_ows(*p))
			p++;
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || (size_t)(eq - p) != nl ||
		    memcmp(p, name, nl) != 0)
			continue;
		v = eq + 1;
		ve = end;
		while (ve > v && is_ows(ve[-1]))
			ve--;
		if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
			v++;
			ve--;
		}
		if (++found > 1 || (size_t)(ve - v) >= size)
			return false;
		memcpy(out, v, (size_t)(ve - v));
		out[ve - v] = '\0';
	}
	return found == 1;
}

int
authhdr_bearer(const char *h, char *out, size_t size)
{
	const char *p, *e;

	if (h == NULL)
		return 0;
	if (size == 0 || strnlen(h, HEADER_MAX + 1) > HEADER_MAX)
		return -1;
	while (is_ows(*h))
		h++;
	if (strncasecmp(h, "Bearer", 6) != 0 || !is_ows(h[6]))
		return -1;
	for (p = h + 6; is_ows(*p); p++)
		;
	for (e = p; *e != '\0' && !is_ows(*e); e++)
		if ((unsigned char)*e < 0x21 || (unsigned char)*e > 0x7e)
			return -1;
	for (const char *t = e; *t != '\0'; t++)
		if (!is_ows(*t))
			return -1; /* a second word */
	if (e == p || (size_t)(e - p) >= size)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 1;
}

void
authhdr_b64_encode(const unsigned char raw[AUTH_SECRET_BYTES],
    char out[AUTH_B64_LEN + 1])
{
	sodium_bin2base64(out, AUTH_B64_LEN + 1, raw, AUTH_SECRET_BYTES,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
authhdr_b64_decode(const char *text, unsigned char raw[AUTH_SECRET_BYTES])
{
	size_t n = 0;
	const char *end = NULL;

	if (text == NULL || strnlen(text, AUTH_B64_LEN + 1) != AUTH_B64_LEN)
		return false;
	for (size_t i = 0; i < AUTH_B64_LEN; i++) {
		char c = text[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	if (sodium_base642bin(raw, AUTH_SECRET_BYTES, text, AUTH_B64_LEN, NULL,
	        &n, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != AUTH_SECRET_BYTES || end != text + AUTH_B64_LEN)
		return false;
	return true;
}

void
authhdr_token_encode(const unsigned char raw[AUTH_SECRET_BYTES],
    char out[AUTH_TOKEN_LEN + 1])
{
	memcpy(out, AUTH_TOKEN_PREFIX, 4);
	authhdr_b64_encode(raw, out + 4);
}

bool
authhdr_token_decode(const char *text, unsigned char raw[AUTH_SECRET_BYTES])
{
	if (text == NULL || strncmp(text, AUTH_TOKEN_PREFIX, 4) != 0)
		return false;
	return authhdr_b64_decode(text + 4, raw);
}

/* A dot segment starting at s (just after a '/'): ".", "..", "%2e" and
 * mixes, ended by '/', '?', '#' or the end. */
static bool
dot_segment(const char *s, size_t len)
{
	size_t i = 0;
	int dots = 0;

	while (i < len && dots < 3) {
		if (s[i] == '.')
			i++;
		else if (len - i >= 3 && s[i] == '%' && s[i + 1] == '2' &&
		    (s[i + 2] == 'e' || s[i + 2] == 'E'))
			i += 3;
		else
			break;
		dots++;
	}
	return dots > 0 && dots < 3 &&
	    (i == len || s[i] == '/' || s[i] == '?' || s[i] == '#');
}

bool
authhdr_next_valid(const char *next, size_t len)
{
	static const char home[] = "/staff/", login[] = "/staff/login";
	size_t path_end;

	if (len < sizeof home - 1 || len > AUTHHDR_NEXT_MAX ||
	    memcmp(next, home, sizeof home - 1) != 0)
		return false;
	if (len >= sizeof login - 1 &&
	    memcmp(next, login, sizeof login - 1) == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)next[i];

		if (c <= ' ' || c >= 0x7f || c == '\\')
			return false;
	}
	/* dot segments matter in the path only: a query is not resolved */
	for (path_end = 0; path_end < len; path_end++)
		if (next[path_end] == '?' || next[path_end] == '#')
			break;
	for (size_t i = 0; i < path_end; i++)
		if (next[i] == '/' && dot_segment(next + i + 1, len - i - 1))
			return false;
	return true;
}
