/* token.c: see token.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/token.h"

#define TOKEN_BYTES 10 /* 80 bits = 16 symbols of 5 bits */

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void
token_new(char out[TOKEN_LEN + 1], uint64_t seq)
{
	unsigned char r[TOKEN_BYTES];
	uint64_t acc = 0;
	int bits = 0;
	size_t i, o = TOKEN_PREFIX_LEN;
	uint64_t order = (seq >> 8) & 0xFFFFF;

	/* Idempotent and thread-safe, and cheap after the first call, so
	 * no static flag is needed. A failure means no entropy source: a
	 * guessable token must never be issued, so stop here. */
	if (sodium_init() < 0)
		abort();
	for (i = TOKEN_PREFIX_LEN; i-- > 0; order >>= 5)
		out[i] = alphabet[order & 31];
	randombytes_buf(r, sizeof r);
	for (i = 0; i < sizeof r; i++) {
		acc = (acc << 8) | r[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 31];
		}
	}
	out[o] = '\0';
	sodium_memzero(r, sizeof r);
}

/* The symbol for c in either case, with Crockford's look-alikes (O for
 * zero, I and L for one) when lookalikes is set; -1 when not a symbol. U
 * is not a symbol: Crockford left it out to avoid accidental words. */
static int
symbol(char c, bool lookalikes)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (lookalikes) {
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
	}
	for (int i = 0; i < 32; i++)
		if (alphabet[i] == c)
			return i;
	return -1;
}

bool
token_valid(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len != TOKEN_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (symbol(s[i], false) < 0)
			return false;
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

bool
token_normalise(const char *s, size_t len, char out[TOKEN_LEN + 1])
{
	char t[TOKEN_LEN + 1];
	size_t b = 0, e = len, i;

	if (s == NULL)
		return false;
	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	if (e - b != TOKEN_LEN)
		return false;
	for (i = 0; i < TOKEN_LEN; i++) {
		int v = symbol(s[b + i], true);

		if (v < 0)
			return false;
		t[i] = alphabet[v];
	}
	t[TOKEN_LEN] = '\0';
	memcpy(out, t, sizeof t);
	return true;
}
