/* bench_report.c: in-process report timings on the benchmark's database,
 * through the same calls the HTTP routes make: the full report (by none,
 * rendered to JSON text) and the Biểu II.06a export (by field, rendered to
 * CSV and to XLSX). Each is run ROUNDS times; prints min and median, then
 * the query plans. Usage: bench_report DB FROM TO [ROUNDS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"
#include "store/store.h"
#include "tests/bench/benchtime.h"

int
main(int argc, char *argv[])
{
	struct report_args a = { 0 };
	struct report_params p;
	struct report r;
	char err[STORE_ERR_MAX], plan[16384];
	struct store *s;
	double t0, full[32], f06a[32];
	int rounds = argc > 4 ? atoi(argv[4]) : 5;
	size_t len;
	char *out;
	json_t *j;

	if (argc < 4 || rounds < 1 || rounds > 32) {
		fprintf(stderr, "usage: bench_report DB FROM TO [ROUNDS]\n");
		return 2;
	}
	if ((s = store_open(argv[1], 5000, err)) == NULL) {
		fprintf(stderr, "bench_report: %s\n", err);
		return 1;
	}
	a.from = argv[2];
	a.to = argv[3];
	if (report_parse(&a, REPORT_DAYS_LIMIT, 1u << RF_JSON, &p, err,
	        sizeof(err)) < 0) {
		fprintf(stderr, "bench_report: %s\n", err);
		return 2;
	}
	for (int i = 0; i < rounds; i++) {
		t0 = bench_ms();
		if (report_run(s, &p, &r, err) != STORE_OK) {
			fprintf(stderr, "bench_report: %s\n", err);
			return 1;
		}
		j = report_json(&r);
		out = json_dumps(j, JSON_COMPACT);
		full[i] = bench_ms() - t0;
		if (i == 0)
			printf("full %s\n", out);
		free(out);
		json_decref(j);
		report_free(&r);
	}
	p.by = SR_BY_FIELD;
	for (int i = 0; i < rounds; i++) {
		t0 = bench_ms();
		if (report_run(s, &p, &r, err) != STORE_OK) {
			fprintf(stderr, "bench_report: %s\n", err);
			return 1;
		}
		free(report_06a_csv(&r, &len));
		out = report_xlsx(&r, true, "bench", "/tmp", &len, err,
		    sizeof(err));
		f06a[i] = bench_ms() - t0;
		if (out == NULL) {
			fprintf(stderr, "bench_report: %s\n", err);
			return 1;
		}
		if (i == 0)
			printf("06a fields=%zu xlsx_bytes=%zu\n", r.n, len);
		free(out);
		report_free(&r);
	}
	bench_print_times("report", full, rounds);
	bench_print_times("06a", f06a, rounds);
	{
		struct store_report_q q = { .from_day = p.from_day,
			.to_day = p.to_day,
			.by = SR_BY_NONE };

		store_report_plan(s, &q, plan, sizeof(plan));
		printf("plan-begin none\n%splan-end\n", plan);
		q.by = SR_BY_FIELD;
		store_report_plan(s, &q, plan, sizeof(plan));
		printf("plan-begin field\n%splan-end\n", plan);
	}
	store_close(s);
	return 0;
}
