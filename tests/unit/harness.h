/* harness.h: the common end of every unit test binary. cmocka runs the
 * group; we print the line tests/run sums: "N passed, N failed". */
#ifndef HARNESS_H
#define HARNESS_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#define HARNESS_RUN(tests)                                               \
	do {                                                             \
		size_t n_ = sizeof(tests) / sizeof((tests)[0]);          \
		int failed_ = cmocka_run_group_tests(tests, NULL, NULL); \
		printf("%zu passed, %d failed\n", n_ - (size_t)failed_,  \
		    failed_);                                            \
		return failed_ != 0;                                     \
	} while (0)
#endif
