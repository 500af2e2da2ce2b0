/* benchtime.h: the in-process benchmarks' clock and their one output
 * line per measure ("name rounds=N min_ms= median_ms= max_ms="), which
 * the scripts under tests/bench parse. Header-only: each benchmark is one
 * C file. */
#ifndef BENCHTIME_H
#define BENCHTIME_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Milliseconds on the monotonic clock. */
static inline double
bench_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the n timings t and prints the measure's line. */
static inline void
bench_print_times(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), bench_cmp);
	printf("%s rounds=%d min_ms=%.0f median_ms=%.0f max_ms=%.0f\n", what, n,
	    t[0], t[n / 2], t[n - 1]);
}
#endif
