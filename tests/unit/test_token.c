/* test_token.c: lookup tokens: shape, randomness sanity, normalising. */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "token.h"

#define ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define COUNT    2000

static int
cmp(const void *a, const void *b)
{
	return memcmp(a, b, TOKEN_LEN + 1);
}

static void
test_new(void **state)
{
	static char tok[COUNT][TOKEN_LEN + 1];
	int seen[32] = { 0 };
	size_t i, j;

	(void)state;
	for (i = 0; i < COUNT; i++) {
		token_new(tok[i]);
		assert_int_equal(strlen(tok[i]), TOKEN_LEN);
		assert_true(token_valid(tok[i], TOKEN_LEN));
		for (j = 0; j < TOKEN_LEN; j++) {
			const char *p = strchr(ALPHABET, tok[i][j]);

			assert_non_null(p);
			seen[p - ALPHABET]++;
		}
	}
	/* 32000 symbols: each of the 32 is expected 1000 times; fewer than
	 * 700 has a probability far below 1e-20 for a fair source */
	for (j = 0; j < 32; j++)
		if (seen[j] < 700)
			fail_msg("symbol %c seen %d times", ALPHABET[j],
			    seen[j]);
	/* 80 bits: no two of 2000 alike */
	qsort(tok, COUNT, sizeof tok[0], cmp);
	for (i = 1; i < COUNT; i++)
		assert_string_not_equal(tok[i - 1], tok[i]);
}

static void
test_valid(void **state)
{
	static const struct {
		const char *s;
		bool valid;
	} t[] = {
		{ "0123456789ABCDEF", true },
		{ "GHJKMNPQRSTVWXYZ", true },
		{ "ghjkmnpqrstvwxyz", true }, /* any case */
		{ "0123456789ABCDE", false },
		{ "0123456789ABCDEFG", false },
		{ "0123456789ABCDEU", false }, /* U is not a symbol */
		{ "0123456789ABCDEI", false }, /* look-alikes: normalise */
		{ "0123456789ABCDEL", false },
		{ "0123456789ABCDEO", false },
		{ "0123456789ABCDE-", false },
		{ " 123456789ABCDEF", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (token_valid(t[i].s, strlen(t[i].s)) != t[i].valid)
			fail_msg("\"%s\": want %d", t[i].s, t[i].valid);
	assert_false(token_valid(NULL, 0));
	assert_false(token_valid("0123456789ABCDE\0", 16));
}

static void
test_normalise(void **state)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} t[] = {
		{ "0123456789ABCDEF", "0123456789ABCDEF" },
		{ "0123456789abcdef", "0123456789ABCDEF" },
		{ "OIL0oil0OIL0oil0", "0110011001100110" },
		{ "  ghjkmnpqrstvwxyz\r\n", "GHJKMNPQRSTVWXYZ" },
		{ "\t0123456789ABCDEF ", "0123456789ABCDEF" },
		{ "0123456789ABCDEU", NULL },
		{ "0123456789ABCDEu", NULL },
		{ "0123-4567-89AB-CD", NULL },
		{ "0123456789ABCDE", NULL },
		{ "0123456789ABCDEFF", NULL },
		{ "0123456789 ABCDEF", NULL },
		{ "0123456789ÀBCDEF", NULL },
		{ "", NULL },
		{ "                ", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char out[TOKEN_LEN + 1] = "unchanged";
		bool ok = token_normalise(t[i].in, strlen(t[i].in), out);

		if (t[i].out == NULL) {
			if (ok || strcmp(out, "unchanged") != 0)
				fail_msg("\"%s\" accepted", t[i].in);
			continue;
		}
		if (!ok || strcmp(out, t[i].out) != 0)
			fail_msg("\"%s\": got \"%s\"", t[i].in, out);
		assert_true(token_valid(out, TOKEN_LEN));
	}
	assert_false(token_normalise(NULL, 0, (char[TOKEN_LEN + 1]){ 0 }));
}

/* A fresh token survives a person reading it back in lower case. */
static void
test_roundtrip(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		char tok[TOKEN_LEN + 1], lower[TOKEN_LEN + 1],
		    out[TOKEN_LEN + 1];
		size_t j;

		token_new(tok);
		for (j = 0; j <= TOKEN_LEN; j++)
			lower[j] = (char)(tok[j] >= 'A' && tok[j] <= 'Z'
			        ? tok[j] - 'A' + 'a'
			        : tok[j]);
		assert_true(token_normalise(lower, TOKEN_LEN, out));
		assert_string_equal(out, tok);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_roundtrip),
	};

	HARNESS_RUN(tests);
}
