/* test_token.c: lookup tokens: shape, randomness sanity, normalising. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "core/token.h"

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
		token_new(tok[i], i);
		assert_int_equal(strlen(tok[i]), TOKEN_LEN);
		assert_true(token_valid(tok[i], TOKEN_LEN));
		for (j = TOKEN_PREFIX_LEN; j < TOKEN_LEN; j++) {
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
		{ "ZZ000123456789ABCDEF", true },
		{ "ZZ00GHJKMNPQRSTVWXYZ", true },
		{ "ZZ00ghjkmnpqrstvwxyz", true }, /* any case */
		{ "ZZ000123456789ABCDE", false },
		{ "ZZ000123456789ABCDEFG", false },
		{ "ZZ000123456789ABCDEU", false }, /* U is not a symbol */
		{ "ZZ000123456789ABCDEI", false }, /* look-alikes: normalise */
		{ "ZZ000123456789ABCDEL", false },
		{ "ZZ000123456789ABCDEO", false },
		{ "ZZ000123456789ABCDE-", false },
		{ "ZZ00 123456789ABCDEF", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (token_valid(t[i].s, strlen(t[i].s)) != t[i].valid)
			fail_msg("\"%s\": want %d", t[i].s, t[i].valid);
	assert_false(token_valid(NULL, 0));
	assert_false(token_valid("ZZ000123456789ABCDE\0", 20));
}

static void
test_normalise(void **state)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} t[] = {
		{ "ZZ000123456789ABCDEF", "ZZ000123456789ABCDEF" },
		{ "ZZ000123456789abcdef", "ZZ000123456789ABCDEF" },
		{ "ZZ00OIL0oil0OIL0oil0", "ZZ000110011001100110" },
		{ "  zz00ghjkmnpqrstvwxyz\r\n", "ZZ00GHJKMNPQRSTVWXYZ" },
		{ "\tZZ000123456789ABCDEF ", "ZZ000123456789ABCDEF" },
		{ "ZZ000123456789ABCDEU", NULL },
		{ "ZZ000123456789ABCDEu", NULL },
		{ "ZZ000123-4567-89AB-CD", NULL },
		{ "ZZ000123456789ABCDE", NULL },
		{ "ZZ000123456789ABCDEFF", NULL },
		{ "ZZ000123456789 ABCDEF", NULL },
		{ "ZZ000123456789ÀBCDEF", NULL },
		{ "", NULL },
		{ "                    ", NULL },
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

		token_new(tok, (uint64_t)i * 1000);
		for (j = 0; j <= TOKEN_LEN; j++)
			lower[j] = (char)(tok[j] >= 'A' && tok[j] <= 'Z'
			        ? tok[j] - 'A' + 'a'
			        : tok[j]);
		assert_true(token_normalise(lower, TOKEN_LEN, out));
		assert_string_equal(out, tok);
	}
}

/* The prefix is the issue order in steps of 256, so tokens issued
 * together share it and sort together; the random part differs. */
static void
test_prefix_order(void **state)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1], c[TOKEN_LEN + 1];

	(void)state;
	token_new(a, 0);
	token_new(b, 255);
	token_new(c, 256);
	assert_memory_equal(a, "0000", TOKEN_PREFIX_LEN);
	assert_memory_equal(b, "0000", TOKEN_PREFIX_LEN);
	assert_memory_equal(c, "0001", TOKEN_PREFIX_LEN);
	assert_string_not_equal(a + TOKEN_PREFIX_LEN, b + TOKEN_PREFIX_LEN);
	token_new(a, (uint64_t)32 << 8);
	assert_memory_equal(a, "0010", TOKEN_PREFIX_LEN);
	token_new(a, (uint64_t)0xFFFFF << 8); /* the last before it wraps */
	assert_memory_equal(a, "ZZZZ", TOKEN_PREFIX_LEN);
	token_new(a, (uint64_t)0x100000 << 8);
	assert_memory_equal(a, "0000", TOKEN_PREFIX_LEN);
	assert_true(strcmp(b, c) < 0); /* issue order is index order */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_prefix_order),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_roundtrip),
	};

	HARNESS_RUN(tests);
}
