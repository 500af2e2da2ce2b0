/* bench_lookup.c: in-process kiosk lookup latency. Opens the store the
 * benchmark imported, looks up every token of a sample file (one per line)
 * in random order, several rounds, and prints p50/p99/max for hits and for
 * misses (random tokens). Usage: bench_lookup DB TOKENS [ROUNDS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "core/token.h"

static uint64_t
ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, uint64_t *t, size_t n)
{
	qsort(t, n, sizeof *t, cmp);
	printf("%s n=%zu p50_us=%.1f p99_us=%.1f max_us=%.1f\n", what, n,
	    (double)t[n / 2] / 1e3, (double)t[n * 99 / 100] / 1e3,
	    (double)t[n - 1] / 1e3);
}

int
main(int argc, char *argv[])
{
	char err[STORE_ERR_MAX], line[64], tok[TOKEN_LEN + 1];
	char(*toks)[TOKEN_LEN + 1] = NULL;
	size_t n = 0, cap = 0, rounds, total;
	struct store_lookup v;
	struct store *st;
	uint64_t *hit, *miss;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_lookup DB TOKENS [ROUNDS]\n");
		return 2;
	}
	rounds = argc > 3 ? strtoul(argv[3], NULL, 10) : 5;
	if ((st = store_open(argv[1], 1000, err)) == NULL) {
		fprintf(stderr, "bench_lookup: %s\n", err);
		return 1;
	}
	if ((f = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (!token_normalise(line, strcspn(line, "\r\n"), tok))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			toks = realloc(toks, cap * sizeof *toks);
			if (toks == NULL)
				return 1;
		}
		memcpy(toks[n++], tok, sizeof tok);
	}
	fclose(f);
	if (n == 0 || rounds == 0)
		return 1;
	total = n * rounds;
	hit = calloc(total, sizeof *hit);
	miss = calloc(total, sizeof *miss);
	if (hit == NULL || miss == NULL)
		return 1;
	srand(42);
	for (size_t i = 0; i < total; i++) {
		const char *t = toks[(size_t)rand() % n];
		uint64_t t0 = ns();

		if (store_lookup_token(st, t, &v) != STORE_OK) {
			fprintf(stderr, "bench_lookup: token %s not found\n",
			    t);
			return 1;
		}
		hit[i] = ns() - t0;
		token_new(tok, (uint64_t)rand());
		t0 = ns();
		store_lookup_token(st, tok, &v);
		miss[i] = ns() - t0;
	}
	report("hit", hit, total);
	report("miss", miss, total);
	store_close(st);
	free(hit);
	free(miss);
	free(toks);
	return 0;
}
