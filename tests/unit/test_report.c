/* test_report.c: report argument checks, shares, the CSV and II.06a
 * renderings, and store_report on dossiers taken through the live staff
 * path (intake, supplement, status), on a fresh database per test. The
 * import path is covered by tests/system/test_reports.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/calendar.h"
#include "report/report.h"
#include "core/status.h"
#include "store/store.h"

#include "fixture.h"
#include "harness.h"

#define AGENCY "000.00.19.H26"
#define PROC   "1.001234.000.00.00.H26"

/* ---- arguments ---- */

static void
expect_error(struct report_args a, const char *prefix)
{
	struct report_params p;
	char err[256] = "";

	assert_int_equal(report_parse(&a, 366, 0x1f, &p, err, sizeof(err)), -1);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", prefix, err);
}

static void
test_parse_good(void **state)
{
	struct report_args a = { .from = "2021-01-01",
		.to = "2021-12-31",
		.agency = "000.00.19.H26",
		.field = "Hộ tịch",
		.by = "week",
		.format = "csv" };
	struct report_params p;
	char err[256];

	(void)state;
	assert_int_equal(report_parse(&a, 366, 0x1f, &p, err, sizeof(err)), 0);
	assert_int_equal(p.from_day, cal_day_from_ymd(2021, 1, 1));
	assert_int_equal(p.to_day, cal_day_from_ymd(2021, 12, 31));
	assert_int_equal(p.by, SR_BY_WEEK);
	assert_int_equal(p.format, RF_CSV);
	assert_string_equal(p.field, "Hộ tịch");
	assert_string_equal(report_by_name(p.by), "week");
	assert_int_equal(p.cell, 0);
	a.cell = "overdue";
	a.channel = "postal";
	assert_int_equal(report_parse(&a, 366, 0x1f, &p, err, sizeof(err)), 0);
	assert_int_equal(p.cell, SRC_OVERDUE);
	assert_string_equal(report_cell_name(p.cell), "overdue");
	assert_int_equal(p.channel, CHANNEL_POSTAL);
	/* a leap year of 366 days is allowed at max_days 366 */
	a = (struct report_args){ .from = "2020-01-01", .to = "2020-12-31" };
	assert_int_equal(report_parse(&a, 366, 1, &p, err, sizeof(err)), 0);
	assert_int_equal(p.by, SR_BY_NONE);
	assert_int_equal(p.format, RF_JSON);
}

static void
test_parse_bad(void **state)
{
	(void)state;
	expect_error((struct report_args){ .to = "2021-01-31" }, "from: ");
	expect_error((struct report_args){ .from = "2021-01-01" }, "to: ");
	expect_error(
	    (struct report_args){ .from = "2021-1-01", .to = "2021-01-31" },
	    "from: not a real date");
	expect_error(
	    (struct report_args){ .from = "2021-02-29", .to = "2021-03-31" },
	    "from: not a real date");
	expect_error(
	    (struct report_args){ .from = "2021-01-01", .to = "2021-01-31x" },
	    "to: not a real date");
	expect_error(
	    (struct report_args){ .from = "2021-02-01", .to = "2021-01-31" },
	    "to: before from");
	expect_error(
	    (struct report_args){ .from = "2020-01-01", .to = "2021-01-01" },
	    "to: the period is longer than the maximum of 366 days");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .agency = "000.00.19.h26" },
	    "agency: ");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .field = "" },
	    "field: empty");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .field = "a\x01" },
	    "field: not valid UTF-8");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .procedure = "\xff" },
	    "procedure: ");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .by = "year" },
	    "by: must be");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .format = "pdf" },
	    "format: must be one of");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .cell = "lateish" },
	    "cell: must be");
	expect_error((struct report_args){ .from = "2021-01-01",
	                 .to = "2021-01-31",
	                 .channel = "fax" },
	    "channel: must be in_person, online or postal");
}

static void
test_parse_format_mask(void **state)
{
	struct report_args a = { .from = "2021-01-01",
		.to = "2021-01-31",
		.format = "html" };
	struct report_params p;
	char err[256];

	(void)state;
	assert_int_equal(report_parse(&a, 366, (1u << RF_CSV) | (1u << RF_XLSX),
	                     &p, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "format: must be one of csv, xlsx");
	assert_int_equal(
	    report_parse(&a, 366, 1u << RF_HTML, &p, err, sizeof(err)), 0);
	assert_int_equal(p.format, RF_HTML);
}

/* ---- shares ---- */

static void
test_shares(void **state)
{
	int64_t thirds[3] = { 1, 1, 1 }, elevenths[3] = { 5, 4, 2 },
	        zero[3] = { 0, 0, 0 }, c[5];
	int out[5], sum;

	(void)state;
	store_shares(thirds, 3, 3, out);
	assert_int_equal(out[0], 3334);
	assert_int_equal(out[1], 3333);
	assert_int_equal(out[2], 3333);
	/* naive rounding: 45.45 + 36.36 + 18.18 = 99.99 */
	store_shares(elevenths, 3, 11, out);
	assert_int_equal(out[0], 4546);
	assert_int_equal(out[1], 3636);
	assert_int_equal(out[2], 1818);
	store_shares(zero, 3, 0, out);
	assert_int_equal(out[0] + out[1] + out[2], 0);
	srand(7);
	for (int round = 0; round < 2000; round++) {
		int64_t t = 0;

		for (int i = 0; i < 5; i++)
			t += c[i] = rand() % 1000;
		if (t == 0)
			continue;
		store_shares(c, 5, t, out);
		sum = 0;
		for (int i = 0; i < 5; i++) {
			sum += out[i];
			/* never more than a hundredth off the exact share */
			assert_true(out[i] * t >= c[i] * 10000 - t);
			assert_true(out[i] * t <= c[i] * 10000 + t);
		}
		assert_int_equal(sum, 10000);
	}
}

/* ---- renderings ---- */

static void
fill(struct store_report_row *w, const char *key, int64_t base)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->key, sizeof(w->key), "%s", key);
	w->received[0] = base;
	w->received[1] = base + 1;
	w->received[2] = base + 2;
	w->carried_over = 1;
	w->early = 1;
	w->on_time = base;
	w->late = 2;
	w->within_due = base + 1;
	w->overdue = 1;
}

static void
test_06a_csv(void **state)
{
	struct store_report_row rows[2];
	struct report r = { .rows = rows, .n = 2 };
	size_t len;
	char *csv;

	(void)state;
	r.p.from_day = cal_day_from_ymd(2021, 4, 1);
	r.p.to_day = cal_day_from_ymd(2021, 4, 30);
	fill(&rows[0], "Đất, nhà \"ở\"", 2);
	fill(&rows[1], "", 0);
	fill(&r.total, "", 2);
	csv = report_06a_csv(&r, &len);
	assert_non_null(csv);
	assert_int_equal(strlen(csv), len);
	/* quoted, quotes doubled; an empty field gets the placeholder;
	 * col 3 = new + carried, col 5 = in person + postal */
	assert_non_null(
	    strstr(csv, "\n1,\"Đất, nhà \"\"ở\"\"\",10,3,6,1,5,1,2,2,4,3,1\n"));
	assert_non_null(strstr(csv,
	    "\n2,(Chưa xác định lĩnh vực),4,1,2,1,3,1,0,2,2,1,1\n"));
	assert_non_null(strstr(csv, "\n,Tổng cộng,10,"));
	free(csv);
	/* the A4 page escapes the field name */
	fill(&rows[0], "<b>&", 2);
	csv = report_06a_html(&r, "UBND <x>", &len);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "&lt;b&gt;&amp;"));
	assert_non_null(strstr(csv, "UBND &lt;x&gt;"));
	assert_null(strstr(csv, "<b>&"));
	/* A4 landscape comes from its stylesheet, a file: the daemon's CSP
	 * blocks an inline <style> (issue 15, item 12) */
	assert_non_null(strstr(csv, "href=\"/staff/reports/ui/f06a.css\""));
	assert_null(strstr(csv, "<style"));
	assert_null(strstr(csv, "<script>"));
	free(csv);
}

static void
test_csv_formula_guard(void **state)
{
	struct store_report_row rows[1];
	struct report r = { .rows = rows, .n = 1 };
	size_t len;
	char *csv;

	(void)state;
	fill(&rows[0], "=cmd()", 1);
	fill(&r.total, "", 1);
	csv = report_csv(&r, &len);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "\n'=cmd(),"));
	assert_non_null(strstr(csv, "\ntotal,6,1,2,3,1,"));
	free(csv);
}

/* ---- store_report on the live staff path ---- */

struct fx {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct store_procedure p = { .code = PROC,
		.name = "Đăng ký khai sinh",
		.field = "Hộ tịch",
		.days = 5 };

	assert_non_null(f);
	f->s = fixture_store_open("motcua-report", f->dir, f->path);
	store_set_office(f->s, 450, 1020, false);
	fixture_store_seed(f->s, AGENCY, "UBND", &p);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fixture_store_close(f->s, f->dir);
	free(f);
	return 0;
}

static int64_t
at(int y, int m, int d, int hh, int mm)
{
	return cal_instant(cal_day_from_ymd(y, m, d), hh * 60 + mm);
}

static void
intake(struct fx *f, int64_t when, int channel, struct store_intake_result *res)
{
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = AGENCY,
		.owner_name = "Người Thử",
		.channel = channel,
		.received_at = when,
		.actor = "test" };
	char err[STORE_ERR_MAX];

	assert_int_equal(store_intake(f->s, &in, res, err), STORE_OK);
}

static void
status(struct fx *f, const char *code, int st, int64_t when)
{
	char err[STORE_ERR_MAX];

	if (store_set_status(f->s, code, st, "test", "test", when, err) !=
	    STORE_OK)
		fail_msg("status %d: %s", st, err);
}

static void
run_month(struct fx *f, int y, int m, int last, int by,
    struct store_report_row *total, store_report_fn *fn, void *arg)
{
	struct store_report_q q = { .from_day = cal_day_from_ymd(y, m, 1),
		.to_day = cal_day_from_ymd(y, m, last),
		.by = by };
	char err[STORE_ERR_MAX];

	if (store_report(f->s, &q, total, fn, arg, err) != STORE_OK)
		fail_msg("store_report: %s", err);
}

/* A supplement whose completion moved the due date: the report compares
 * the end minus the supplement time with the due date from before the
 * move, so the time is not counted twice. */
static void
test_live_supplement(void **state)
{
	struct fx *f = *state;
	struct store_intake_result a, b;
	struct store_report_row t;
	char err[STORE_ERR_MAX];
	int64_t due;

	intake(f, at(2026, 3, 2, 9, 0), CHANNEL_COUNTER, &a);
	due = a.due_at;
	status(f, a.code, ST_PROCESSING, at(2026, 3, 2, 10, 0));
	assert_int_equal(store_supplement_request(f->s, a.code, "missing", "x",
	                     "test", at(2026, 3, 3, 9, 0), err),
	    STORE_OK);
	/* three days later, with the due date moved by three days */
	assert_int_equal(store_supplement_complete(f->s, a.code,
	                     due + 3 * 86400, "test", at(2026, 3, 6, 9, 0),
	                     err),
	    STORE_OK);
	/* ends 3 days minus 1 hour after the original due: on time */
	status(f, a.code, ST_RESULT_READY, due + 3 * 86400 - 3600);

	/* a second dossier: two supplement requests, finished early by
	 * the clock, still late */
	intake(f, at(2026, 3, 2, 9, 30), CHANNEL_ONLINE, &b);
	status(f, b.code, ST_PROCESSING, at(2026, 3, 2, 10, 0));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(store_supplement_request(f->s, b.code, "m",
		                     "x", "test", at(2026, 3, 3 + i, 9, 0),
		                     err),
		    STORE_OK);
		assert_int_equal(store_supplement_complete(f->s, b.code, 0,
		                     "test", at(2026, 3, 3 + i, 11, 0), err),
		    STORE_OK);
	}
	status(f, b.code, ST_RESULT_READY, at(2026, 3, 5, 9, 0));

	run_month(f, 2026, 3, 31, SR_BY_NONE, &t, NULL, NULL);
	assert_int_equal(t.received[0], 1);
	assert_int_equal(t.received[1], 1);
	assert_int_equal(t.early, 0);
	assert_int_equal(t.on_time, 1);
	assert_int_equal(t.late, 1);
	assert_int_equal(t.within_due + t.overdue, 0);
}

/* An open dossier waiting on its first supplement, requested before the
 * due date, is within due however long it waits; the clock runs again
 * once the supplement comes back. */
static void
test_live_waiting(void **state)
{
	struct fx *f = *state;
	struct store_intake_result a;
	struct store_report_row t;
	char err[STORE_ERR_MAX];

	intake(f, at(2026, 3, 2, 9, 0), CHANNEL_POSTAL, &a);
	status(f, a.code, ST_PROCESSING, at(2026, 3, 2, 10, 0));
	assert_int_equal(store_supplement_request(f->s, a.code, "missing", "x",
	                     "test", at(2026, 3, 3, 9, 0), err),
	    STORE_OK);
	run_month(f, 2026, 4, 30, SR_BY_NONE, &t, NULL, NULL);
	assert_int_equal(t.carried_over, 1);
	assert_int_equal(t.within_due, 1);
	assert_int_equal(t.overdue, 0);
	/* the supplement arrives in April; by the end of May it is late */
	assert_int_equal(store_supplement_complete(f->s, a.code, 0, "test",
	                     at(2026, 4, 20, 9, 0), err),
	    STORE_OK);
	run_month(f, 2026, 5, 31, SR_BY_NONE, &t, NULL, NULL);
	assert_int_equal(t.overdue, 1);
	/* withdrawn in June: resolved, counted on time (II.06a col 9) */
	status(f, a.code, ST_WITHDRAWN, at(2026, 6, 3, 9, 0));
	run_month(f, 2026, 6, 30, SR_BY_NONE, &t, NULL, NULL);
	assert_int_equal(t.on_time, 1);
	assert_int_equal(t.late, 0);
	assert_int_equal(t.within_due + t.overdue, 0);
}

struct keys {
	char k[8][STORE_REPORT_KEY_MAX];
	int64_t recv[8];
	int n;
};

static int
keep(void *arg, const struct store_report_row *row)
{
	struct keys *k = arg;

	if (k->n < 8) {
		snprintf(k->k[k->n], sizeof(k->k[0]), "%s", row->key);
		k->recv[k->n] =
		    row->received[0] + row->received[1] + row->received[2];
		k->n++;
	}
	return 0;
}

static void
test_groups(void **state)
{
	struct fx *f = *state;
	struct store_intake_result a, b;
	struct store_report_row t;
	struct keys k = { .n = 0 };
	struct store_report_q q = { .from_day = cal_day_from_ymd(2026, 3, 1),
		.to_day = cal_day_from_ymd(2026, 3, 31),
		.agency = "000.00.99.H26" };
	char err[STORE_ERR_MAX];

	intake(f, at(2026, 3, 2, 9, 0), CHANNEL_COUNTER, &a);
	intake(f, at(2026, 3, 9, 9, 0), CHANNEL_ONLINE, &b);
	run_month(f, 2026, 3, 31, SR_BY_WEEK, &t, keep, &k);
	assert_int_equal(t.received[0] + t.received[1] + t.received[2], 2);
	/* 1 March 2026 is a Sunday: its week is cut to that day; then the
	 * weeks from Monday 2, 9, 16, 23 and 30 March */
	assert_int_equal(k.n, 6);
	assert_string_equal(k.k[0], "2026-03-01");
	assert_string_equal(k.k[1], "2026-03-02");
	assert_string_equal(k.k[5], "2026-03-30");
	assert_int_equal(k.recv[0], 0);
	assert_int_equal(k.recv[1], 1);
	assert_int_equal(k.recv[2], 1);
	k.n = 0;
	run_month(f, 2026, 3, 31, SR_BY_CHANNEL, &t, keep, &k);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.k[0], "in_person");
	assert_string_equal(k.k[1], "online");
	assert_int_equal(store_report(f->s, &q, &t, NULL, NULL, err),
	    STORE_NOTFOUND);
	assert_string_equal(err, "agency: no such agency");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_format_mask),
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_06a_csv),
		cmocka_unit_test(test_csv_formula_guard),
		cmocka_unit_test_setup_teardown(test_live_supplement, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_live_waiting, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
	};

	HARNESS_RUN(tests);
}
