/* test_calendar.c: civil dates, local time, the working-day calendar, due
 * dates (Tết 2025 and 2026, after hours, weekends, make-up Saturdays,
 * provisional years) and the holiday file. Run from the repo root. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "core/calendar.h"

#define OPEN_MIN  (7 * 60 + 30)
#define CLOSE_MIN (17 * 60)

static int
ymd(int y, int m, int d)
{
	return cal_day_from_ymd(y, m, d);
}

static int64_t
at(int y, int m, int d, int h, int mi)
{
	return cal_instant(ymd(y, m, d), h * 60 + mi);
}

/* ---- civil dates ---- */

static void
test_known_days(void **state)
{
	(void)state;
	assert_int_equal(ymd(1970, 1, 1), 0);
	assert_int_equal(ymd(1969, 12, 31), -1);
	assert_int_equal(ymd(2000, 3, 1), 11017);
	assert_int_equal(ymd(2025, 1, 1), 20089);
	assert_int_equal(ymd(2026, 1, 5), 20458);
	assert_int_equal(ymd(2026, 2, 17), 20501);
	assert_int_equal(ymd(1900, 1, 1), -25567);
	assert_int_equal(cal_weekday(0), 4);     /* Thursday */
	assert_int_equal(cal_weekday(-1), 3);    /* Wednesday */
	assert_int_equal(cal_weekday(20458), 1); /* Monday */
	assert_int_equal(cal_weekday(ymd(2025, 4, 26)), 6);
	assert_int_equal(cal_weekday(ymd(2026, 4, 26)), 0);
}

/* Every day from 1800 to 2400: day -> ymd -> day, consecutive, valid,
 * and the weekday advances by one. */
static void
test_civil_roundtrip(void **state)
{
	int day, first = ymd(1800, 1, 1), last = ymd(2400, 12, 31);
	int py = 1799, pm = 12, pd = 31;

	(void)state;
	assert_int_equal(cal_weekday(first), 3); /* 1800-01-01: Wednesday */
	for (day = first; day <= last; day++) {
		int y, m, d;

		cal_ymd_from_day(day, &y, &m, &d);
		assert_true(cal_valid_ymd(y, m, d));
		assert_int_equal(ymd(y, m, d), day);
		/* the next calendar date after the previous one */
		if (d == 1)
			assert_true((m == 1 && y == py + 1 && pm == 12) ||
			    (m == pm + 1 && y == py));
		else
			assert_true(d == pd + 1 && m == pm && y == py);
		assert_int_equal(cal_weekday(day),
		    (cal_weekday(day - 1) + 1) % 7);
		py = y;
		pm = m;
		pd = d;
	}
}

static void
test_valid_ymd(void **state)
{
	(void)state;
	assert_true(cal_valid_ymd(2024, 2, 29));
	assert_false(cal_valid_ymd(2025, 2, 29));
	assert_false(cal_valid_ymd(1900, 2, 29));
	assert_true(cal_valid_ymd(2000, 2, 29));
	assert_false(cal_valid_ymd(2026, 0, 1));
	assert_false(cal_valid_ymd(2026, 13, 1));
	assert_false(cal_valid_ymd(2026, 1, 0));
	assert_false(cal_valid_ymd(2026, 1, 32));
	assert_false(cal_valid_ymd(2026, 4, 31));
	assert_true(cal_valid_ymd(2026, 12, 31));
}

/* ---- local time ---- */

static void
test_local_time(void **state)
{
	(void)state;
	assert_int_equal(cal_local_day(0), 0);
	assert_int_equal(cal_local_minute(0), 420);
	assert_int_equal(cal_local_day(-25200), 0);
	assert_int_equal(cal_local_minute(-25200), 0);
	assert_int_equal(cal_local_day(-25201), -1);
	assert_int_equal(cal_local_minute(-25201), 1439);
	assert_int_equal(cal_local_day(61199), 0); /* 23:59:59 local */
	assert_int_equal(cal_local_minute(61199), 1439);
	assert_int_equal(cal_local_day(61200), 1);
	assert_int_equal(cal_local_minute(61200), 0);
	/* 2026-01-05 09:32 local is 02:32 UTC */
	assert_int_equal(at(2026, 1, 5, 9, 32),
	    (int64_t)20458 * 86400 + 2 * 3600 + 32 * 60);
	assert_int_equal(cal_local_day(at(2026, 1, 5, 9, 32)), 20458);
	assert_int_equal(cal_local_minute(at(2026, 1, 5, 9, 32)), 572);
	/* the extremes do not overflow */
	assert_true(cal_local_day(INT64_MAX) > 0);
	assert_true(cal_local_day(INT64_MIN) < 0);
	assert_true(cal_local_minute(INT64_MIN) >= 0);
}

/* ---- parsing and formatting ---- */

static void
test_parse_date(void **state)
{
	static const struct {
		const char *s;
		int day; /* -1: refused */
	} t[] = {
		{ "2026-01-05", 20458 },
		{ "1970-01-01", 0 },
		{ "2199-12-31", 84005 },
		{ "2024-02-29", 19782 },
		{ "2025-02-29", -1 },
		{ "1969-12-31", -1 },
		{ "2200-01-01", -1 },
		{ "2026-1-05", -1 },
		{ "2026/01/05", -1 },
		{ " 2026-01-05", -1 },
		{ "2026-01-05 ", -1 },
		{ "+026-01-05", -1 },
		{ "2026-01-0a", -1 },
		{ "2026-00-05", -1 },
		{ "2026-01-00", -1 },
		{ "", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int day = 12345;
		int rc = cal_parse_date(t[i].s, strlen(t[i].s), &day);

		if (t[i].day < 0) {
			if (rc != -1 || day != 12345)
				fail_msg("\"%s\" accepted", t[i].s);
		} else if (rc != 0 || day != t[i].day) {
			fail_msg("\"%s\": rc %d day %d", t[i].s, rc, day);
		}
	}
	/* len counts: no NUL needed, none read */
	assert_int_equal(cal_parse_date("2026-01-05XYZ", 10, &(int){ 0 }), 0);
}

#define SHAPE "not an ISO 8601 time with an offset"

static void
test_parse_iso(void **state)
{
	const int64_t want = (int64_t)20458 * 86400 + 2 * 3600 + 32 * 60;
	static const struct {
		const char *s;
		int64_t delta;   /* from want, when ok */
		const char *why; /* NULL: accepted */
	} t[] = {
		{ "2026-01-05T09:32:00+07:00", 0, NULL },
		{ "2026-01-05T02:32:00Z", 0, NULL },
		{ "2026-01-05T02:32Z", 0, NULL },
		{ "2026-01-05T02:32:00.123456789Z", 0, NULL },
		{ "2026-01-05T02:32:00.5Z", 0, NULL },
		{ "2026-01-05t02:32:00z", 0, NULL },
		{ "2026-01-04T21:32:00-05:00", 0, NULL },
		{ "2026-01-05T02:32:00-00:00", 0, NULL },
		{ "2026-01-05T02:32:59Z", 59, NULL },
		{ "2026-01-05T15:17+12:45", 0, NULL },
		{ "2026-01-05T09:32:00", 0, SHAPE },
		{ "2026-01-05", 0, SHAPE },
		{ "2026-01-05 09:32Z", 0, SHAPE },
		{ "2026-01-05T9:32Z", 0, SHAPE },
		{ "2026-01-05T09:32:00.Z", 0, SHAPE },
		{ "2026-01-05T09:32:00.1234567890Z", 0, SHAPE },
		{ "2026-01-05T09:32+0700", 0, SHAPE },
		{ "2026-01-05T09:32:00+07:00x", 0, SHAPE },
		{ "2026-01-05T09:32:0Z", 0, SHAPE },
		{ "", 0, SHAPE },
		{ "2026-13-05T09:32Z", 0, "month out of range" },
		{ "2026-00-05T09:32Z", 0, "month out of range" },
		{ "2026-02-30T09:32Z", 0, "day out of range" },
		{ "1969-12-31T23:59Z", 0, "year out of range" },
		{ "2200-01-01T00:00Z", 0, "year out of range" },
		{ "2026-01-05T24:00Z", 0, "hour out of range" },
		{ "2026-01-05T09:60Z", 0, "minute out of range" },
		{ "2026-01-05T09:32:60Z", 0, "second out of range" },
		{ "2026-01-05T09:32+24:00", 0, "offset out of range" },
		{ "2026-01-05T09:32+07:60", 0, "offset out of range" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t got = -42;
		const char *why = "unset";
		int rc = cal_parse_iso(t[i].s, strlen(t[i].s), &got, &why);

		if (t[i].why == NULL) {
			if (rc != 0 || got != want + t[i].delta)
				fail_msg("\"%s\": rc %d why %s", t[i].s, rc,
				    why);
			continue;
		}
		if (rc != -1 || got != -42)
			fail_msg("\"%s\" accepted", t[i].s);
		assert_non_null(why);
		assert_string_equal(why, t[i].why);
	}
	/* why may be NULL */
	assert_int_equal(cal_parse_iso("x", 1, &(int64_t){ 0 }, NULL), -1);
}

static void
test_format(void **state)
{
	char buf[32], date[16];
	int64_t t;

	(void)state;
	cal_format_iso(at(2026, 1, 5, 9, 32), buf);
	assert_string_equal(buf, "2026-01-05T09:32:00+07:00");
	cal_format_iso(0, buf);
	assert_string_equal(buf, "1970-01-01T07:00:00+07:00");
	cal_format_iso(-1, buf);
	assert_string_equal(buf, "1970-01-01T06:59:59+07:00");
	cal_format_iso(INT64_MAX, buf); /* clamped, but a string */
	assert_true(strlen(buf) < sizeof buf);
	cal_format_iso(INT64_MIN, buf);
	assert_true(strlen(buf) < sizeof buf);
	cal_format_date(20458, date);
	assert_string_equal(date, "2026-01-05");
	cal_format_date(-1, date);
	assert_string_equal(date, "1969-12-31");
	cal_format_date(-1000000000, date);
	assert_true(strlen(date) < sizeof date);

	/* format then parse is the identity, 1970-2199, odd steps */
	for (t = -25200; t < at(2199, 12, 31, 0, 0); t += 7777777) {
		int64_t back;

		cal_format_iso(t, buf);
		assert_int_equal(cal_parse_iso(buf, strlen(buf), &back, NULL),
		    0);
		assert_int_equal(back, t);
	}
}

/* ---- working days and due dates ---- */

struct ymdk {
	int y, m, d, kind;
};

/* The 2025-2026 rows of data/holidays.csv that the table tests use. */
static const struct ymdk rows[] = {
	{ 2025, 1, 1, CAL_HOLIDAY },
	{ 2025, 1, 27, CAL_HOLIDAY },
	{ 2025, 1, 28, CAL_HOLIDAY },
	{ 2025, 1, 29, CAL_HOLIDAY },
	{ 2025, 1, 30, CAL_HOLIDAY },
	{ 2025, 1, 31, CAL_HOLIDAY },
	{ 2025, 4, 7, CAL_HOLIDAY },
	{ 2025, 4, 26, CAL_MAKE_UP },
	{ 2025, 4, 30, CAL_HOLIDAY },
	{ 2025, 5, 1, CAL_HOLIDAY },
	{ 2025, 5, 2, CAL_DAY_OFF },
	{ 2025, 9, 1, CAL_HOLIDAY },
	{ 2025, 9, 2, CAL_HOLIDAY },
	{ 2026, 1, 1, CAL_HOLIDAY },
	{ 2026, 2, 16, CAL_HOLIDAY },
	{ 2026, 2, 17, CAL_HOLIDAY },
	{ 2026, 2, 18, CAL_HOLIDAY },
	{ 2026, 2, 19, CAL_HOLIDAY },
	{ 2026, 2, 20, CAL_HOLIDAY },
	{ 2026, 4, 26, CAL_HOLIDAY },
	{ 2026, 4, 27, CAL_DAY_OFF },
	{ 2026, 4, 30, CAL_HOLIDAY },
	{ 2026, 5, 1, CAL_HOLIDAY },
	{ 2026, 9, 2, CAL_HOLIDAY },
};

static struct cal_entry entries[sizeof rows / sizeof rows[0]];

static struct calendar
make_calendar(bool end_of_day)
{
	struct calendar cal;
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		entries[i].day = ymd(rows[i].y, rows[i].m, rows[i].d);
		entries[i].kind = rows[i].kind;
	}
	memset(&cal, 0, sizeof cal);
	cal.entries = entries;
	cal.count = sizeof rows / sizeof rows[0];
	cal.open_min = OPEN_MIN;
	cal.close_min = CLOSE_MIN;
	cal.due_end_of_day = end_of_day;
	cal.first_year = 2025;
	cal.last_year = 2026;
	return cal;
}

static void
test_is_working(void **state)
{
	struct calendar cal = make_calendar(false);
	struct calendar empty;

	(void)state;
	assert_true(cal_is_working(&cal, ymd(2026, 1, 5)));   /* Monday */
	assert_false(cal_is_working(&cal, ymd(2026, 1, 10))); /* Saturday */
	assert_false(cal_is_working(&cal, ymd(2026, 1, 11))); /* Sunday */
	assert_false(cal_is_working(&cal, ymd(2026, 1, 1)));  /* holiday */
	assert_false(cal_is_working(&cal, ymd(2025, 5, 2)));  /* day off */
	assert_true(cal_is_working(&cal, ymd(2025, 4, 26)));  /* make-up Sat */
	assert_false(cal_is_working(&cal, ymd(2026, 4, 27))); /* compensatory */
	assert_true(cal_is_working(&cal, ymd(2026, 2, 23)));
	/* first and last entries (binary search edges) */
	assert_false(cal_is_working(&cal, ymd(2025, 1, 1)));
	assert_false(cal_is_working(&cal, ymd(2026, 9, 2)));
	assert_true(cal_is_working(&cal, ymd(2024, 12, 31)));
	assert_true(cal_is_working(&cal, ymd(2026, 9, 3)));

	memset(&empty, 0, sizeof empty);
	assert_true(cal_is_working(&empty, ymd(2026, 1, 1)));
	assert_false(cal_is_working(&empty, ymd(2026, 1, 3)));
	assert_true(cal_is_working(NULL, ymd(2026, 1, 5)));
}

/* A day listed both as a make-up day and as a holiday: the day off wins. */
static void
test_is_working_conflict(void **state)
{
	struct cal_entry e[] = { { 100, CAL_MAKE_UP }, { 100, CAL_HOLIDAY },
		{ 101, CAL_HOLIDAY }, { 101, CAL_MAKE_UP } };
	struct calendar cal = { e, 4, OPEN_MIN, CLOSE_MIN, false, 1970, 1970,
		NULL, 0 };

	(void)state;
	assert_false(cal_is_working(&cal, 100));
	assert_false(cal_is_working(&cal, 101));
}

struct due_case {
	int ry, rm, rd, rh, rmi; /* received, local time */
	int days;
	bool end_of_day;
	int dy, dm, dd, dh, dmi; /* due, local time */
	bool provisional;
	const char *why;
};

static const struct due_case due_cases[] = {
	/* plain weeks */
	{ 2026, 1, 5, 9, 32, 3, false, 2026, 1, 8, 9, 32, false,
	    "Mon + 3 = Thu, same clock" },
	{ 2026, 1, 9, 10, 0, 1, false, 2026, 1, 12, 10, 0, false,
	    "Fri + 1 skips the weekend" },
	{ 2026, 1, 5, 9, 32, 10, false, 2026, 1, 19, 9, 32, false,
	    "two weeks" },
	/* office hours */
	{ 2026, 1, 5, 17, 30, 1, false, 2026, 1, 7, 7, 30, false,
	    "after hours: clock starts next opening" },
	{ 2026, 1, 5, 17, 0, 1, false, 2026, 1, 7, 7, 30, false,
	    "closing minute is after hours" },
	{ 2026, 1, 5, 16, 59, 1, false, 2026, 1, 6, 16, 59, false,
	    "last minute in hours" },
	{ 2026, 1, 5, 6, 0, 1, false, 2026, 1, 6, 7, 30, false,
	    "before opening: that day's opening" },
	{ 2026, 1, 5, 7, 30, 1, false, 2026, 1, 6, 7, 30, false,
	    "opening minute is in hours" },
	{ 2026, 1, 5, 0, 0, 1, false, 2026, 1, 6, 7, 30, false,
	    "midnight is before opening" },
	{ 2026, 1, 9, 23, 59, 1, false, 2026, 1, 13, 7, 30, false,
	    "Friday night: Monday opening, due Tuesday" },
	{ 2026, 1, 10, 9, 0, 2, false, 2026, 1, 14, 7, 30, false,
	    "Saturday intake starts Monday" },
	{ 2026, 1, 11, 23, 0, 1, false, 2026, 1, 13, 7, 30, false,
	    "Sunday night" },
	{ 2026, 1, 1, 10, 0, 1, false, 2026, 1, 5, 7, 30, false,
	    "holiday intake starts on Friday 2/1" },
	/* Tết 2026: off 14/2 (Sat) to 22/2 (Sun) */
	{ 2026, 2, 12, 10, 0, 3, false, 2026, 2, 24, 10, 0, false,
	    "Tết 2026: Thu + 3 = Tue after Tết" },
	{ 2026, 2, 13, 16, 0, 1, false, 2026, 2, 23, 16, 0, false,
	    "Tết 2026: last day before" },
	{ 2026, 2, 13, 17, 30, 1, false, 2026, 2, 24, 7, 30, false,
	    "Tết 2026: after hours on the last day" },
	{ 2026, 2, 17, 9, 0, 1, false, 2026, 2, 24, 7, 30, false,
	    "Tết 2026: online intake on mùng 1" },
	{ 2026, 2, 10, 8, 0, 15, false, 2026, 3, 10, 8, 0, false,
	    "Tết 2026: fifteen days" },
	/* Tết 2025: off 25/1 (Sat) to 2/2 (Sun) */
	{ 2025, 1, 24, 9, 0, 1, false, 2025, 2, 3, 9, 0, false,
	    "Tết 2025: Fri + 1" },
	{ 2025, 1, 23, 14, 0, 5, false, 2025, 2, 6, 14, 0, false,
	    "Tết 2025: Thu + 5" },
	{ 2025, 1, 2, 8, 0, 1, false, 2025, 1, 3, 8, 0, false,
	    "after Tết Dương lịch" },
	/* 30/4-1/5 2025 with the swap: 2/5 off, 26/4 (Sat) worked */
	{ 2025, 4, 25, 10, 0, 1, false, 2025, 4, 26, 10, 0, false,
	    "make-up Saturday counts" },
	{ 2025, 4, 26, 9, 0, 1, false, 2025, 4, 28, 9, 0, false,
	    "intake on the make-up Saturday starts at once" },
	{ 2025, 4, 26, 18, 0, 1, false, 2025, 4, 29, 7, 30, false,
	    "after hours on the make-up Saturday" },
	{ 2025, 4, 29, 10, 0, 1, false, 2025, 5, 5, 10, 0, false,
	    "30/4, 1/5, day off 2/5, weekend" },
	{ 2025, 4, 4, 10, 0, 1, false, 2025, 4, 8, 10, 0, false,
	    "Giỗ Tổ 2025 on Monday 7/4" },
	{ 2025, 8, 29, 10, 0, 1, false, 2025, 9, 3, 10, 0, false,
	    "Quốc khánh 2025: 1/9 and 2/9" },
	/* Giỗ Tổ 2026 on a Sunday: compensatory Monday */
	{ 2026, 4, 24, 10, 0, 1, false, 2026, 4, 28, 10, 0, false,
	    "Giỗ Tổ 2026 (Sun) and the day off (Mon)" },
	{ 2026, 4, 29, 10, 0, 1, false, 2026, 5, 4, 10, 0, false,
	    "30/4 (Thu) and 1/5 (Fri) 2026" },
	/* end of day */
	{ 2026, 1, 5, 9, 32, 3, true, 2026, 1, 8, 17, 0, false, "end of day" },
	{ 2026, 1, 5, 18, 0, 0, true, 2026, 1, 6, 17, 0, false,
	    "end of day, zero days, after hours" },
	{ 2026, 2, 13, 9, 0, 1, true, 2026, 2, 23, 17, 0, false,
	    "end of day across Tết" },
	/* zero and negative days */
	{ 2026, 1, 5, 9, 32, 0, false, 2026, 1, 5, 9, 32, false,
	    "zero days: due = start" },
	{ 2026, 1, 5, 20, 0, 0, false, 2026, 1, 6, 7, 30, false,
	    "zero days after hours: next opening" },
	{ 2026, 1, 5, 9, 32, -5, false, 2026, 1, 5, 9, 32, false,
	    "negative days are zero" },
	/* outside 2025-2026: weekends only, provisional */
	{ 2026, 12, 30, 10, 0, 3, false, 2027, 1, 4, 10, 0, true,
	    "runs into 2027: 1/1/2027 unknown, counted" },
	{ 2026, 12, 29, 10, 0, 1, false, 2026, 12, 30, 10, 0, false,
	    "stays in 2026" },
	{ 2024, 12, 31, 10, 0, 1, false, 2025, 1, 2, 10, 0, true,
	    "received in 2024" },
	{ 2028, 3, 1, 10, 0, 2, false, 2028, 3, 3, 10, 0, true,
	    "entirely in 2028" },
	{ 2026, 12, 31, 18, 0, 0, false, 2027, 1, 1, 7, 30, true,
	    "after hours on the last day of the table" },
};

static void
test_due_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof due_cases / sizeof due_cases[0]; i++) {
		const struct due_case *c = &due_cases[i];
		struct calendar cal = make_calendar(c->end_of_day);
		bool prov = !c->provisional;
		int64_t got = cal_due(&cal,
		    at(c->ry, c->rm, c->rd, c->rh, c->rmi), c->days, &prov);
		int64_t want = at(c->dy, c->dm, c->dd, c->dh, c->dmi);

		if (got != want || prov != c->provisional) {
			char g[32], w[32];

			cal_format_iso(got, g);
			cal_format_iso(want, w);
			fail_msg("case %zu (%s): got %s prov %d, want %s prov "
			         "%d",
			    i, c->why, g, prov, w, c->provisional);
		}
	}
}

static void
test_due_utc_input(void **state)
{
	struct calendar cal = make_calendar(false);
	int64_t t;

	(void)state;
	/* 10:30Z is 17:30 local: after hours, whatever the host TZ says */
	assert_int_equal(cal_parse_iso("2026-01-05T10:30:00Z", 20, &t, NULL),
	    0);
	assert_int_equal(cal_due(&cal, t, 1, NULL), at(2026, 1, 7, 7, 30));
	/* 00:59Z is 07:59 local: in hours */
	assert_int_equal(cal_parse_iso("2026-01-05T00:59:00Z", 20, &t, NULL),
	    0);
	assert_int_equal(cal_due(&cal, t, 1, NULL), at(2026, 1, 6, 7, 59));
}

/* No table years at all: every due date is provisional; the loops stop
 * even when the table marks years of days as holidays. */
static void
test_due_bounds(void **state)
{
	struct calendar cal = make_calendar(false);
	struct cal_entry *all;
	bool prov = false;
	int64_t a, b;
	size_t i, n = 20000;

	(void)state;
	cal.first_year = 0;
	cal.last_year = 0;
	cal_due(&cal, at(2026, 1, 5, 9, 0), 1, &prov);
	assert_true(prov);

	cal = make_calendar(false);
	a = cal_due(&cal, at(2026, 1, 5, 9, 0), 3650, NULL);
	b = cal_due(&cal, at(2026, 1, 5, 9, 0), 1000000, &prov);
	assert_int_equal(a, b); /* clamped to ten years */
	assert_true(prov);      /* and that runs past 2026 */
	assert_true(a > at(2035, 1, 1, 0, 0) && a < at(2041, 1, 1, 0, 0));

	all = calloc(n, sizeof *all);
	assert_non_null(all);
	for (i = 0; i < n; i++) {
		all[i].day = ymd(2026, 1, 1) + (int)i;
		all[i].kind = CAL_HOLIDAY;
	}
	cal.entries = all;
	cal.count = n;
	cal.first_year = 2026;
	cal.last_year = 2080;
	prov = false;
	(void)cal_due(&cal, at(2026, 1, 5, 9, 0), 10, &prov);
	assert_true(prov); /* ran out of days to look at */
	free(all);
}

/* ---- holiday lines ---- */

struct line_case {
	const char *s;
	int rc;
	const char *name_or_err;
	const char *source;
	int day, kind;
};

static void
test_holiday_lines(void **state)
{
	static const struct line_case t[] = {
		{ "2026-02-17,holiday,Tết Nguyên Đán,statutory", 0,
		    "Tết Nguyên Đán", "statutory", 20501, CAL_HOLIDAY },
		{ "2025-04-26,make_up,\"Làm bù, thứ Bảy\",\"Công văn "
		  "\"\"X\"\", 2025\"",
		    0, "Làm bù, thứ Bảy", "Công văn \"X\", 2025", 20204,
		    CAL_MAKE_UP },
		{ " 2025-05-02 , day_off , Nghỉ bù , src \r\n", 0, "Nghỉ bù",
		    "src", 20210, CAL_DAY_OFF },
		{ "2025-05-02,make_up_workday,x,", 0, "x", "", 20210,
		    CAL_MAKE_UP },
		{ "2025-05-02,day_off,\"\"\"quoted\"\"\",\"\"\n", 0,
		    "\"quoted\"", "", 20210, CAL_DAY_OFF },
		{ "\xEF\xBB\xBF"
		  "2025-01-01,holiday,x,y",
		    0, "x", "y", 20089, CAL_HOLIDAY },
		{ .s = "", .rc = 1 },
		{ .s = "   \t", .rc = 1 },
		{ .s = "\n", .rc = 1 },
		{ .s = "\r\n", .rc = 1 },
		{ .s = "# date,kind,name,source", .rc = 1 },
		{ .s = "  # indented comment", .rc = 1 },
		{ .s = "2025-02-30,holiday,x,y",
		    .rc = -1,
		    .name_or_err = "date: not a calendar date" },
		{ .s = "25-01-01,holiday,x,y",
		    .rc = -1,
		    .name_or_err = "date: not a calendar date" },
		{ .s = ",holiday,x,y",
		    .rc = -1,
		    .name_or_err = "date: not a calendar date" },
		{ .s = "2025-01-01,Holiday,x,y",
		    .rc = -1,
		    .name_or_err =
		        "kind: must be holiday, day_off or make_up" },
		{ .s = "2025-01-01,,x,y",
		    .rc = -1,
		    .name_or_err =
		        "kind: must be holiday, day_off or make_up" },
		{ .s = "2025-01-01,holiday,,y",
		    .rc = -1,
		    .name_or_err = "name: empty" },
		{ .s = "2025-01-01,holiday,\"\",y",
		    .rc = -1,
		    .name_or_err = "name: empty" },
		{ .s = "2025-01-01,holiday,x,y,z",
		    .rc = -1,
		    .name_or_err = "line: too many fields" },
		{ .s = "2025-01-01,holiday,x,y,",
		    .rc = -1,
		    .name_or_err = "line: too many fields" },
		{ .s = "2025-01-01,holiday,x",
		    .rc = -1,
		    .name_or_err =
		        "line: expected 4 fields: date,kind,name,source" },
		{ .s = "2025-01-01",
		    .rc = -1,
		    .name_or_err =
		        "line: expected 4 fields: date,kind,name,source" },
		{ .s = "2025-01-01,holiday,\"x,y",
		    .rc = -1,
		    .name_or_err = "name: unterminated quote" },
		{ .s = "2025-01-01,holiday,\"x\"y,z",
		    .rc = -1,
		    .name_or_err = "name: text after the closing quote" },
		{ .s = "2025-01-01,holiday,x\"y,z",
		    .rc = -1,
		    .name_or_err =
		        "name: stray quote (quote the whole field)" },
		{ .s = "\"2025-01-01,holiday,x,y",
		    .rc = -1,
		    .name_or_err = "date: unterminated quote" },
		{ .s = "2025-01-01,holiday,\xff,y",
		    .rc = -1,
		    .name_or_err =
		        "name: not valid UTF-8 or holds a control character" },
		{ .s = "2025-01-01,holiday,a\x1b[0m,y",
		    .rc = -1,
		    .name_or_err =
		        "name: not valid UTF-8 or holds a control character" },
		{ .s = "2025-01-01,holiday,x,\xc3",
		    .rc = -1,
		    .name_or_err =
		        "source: not valid UTF-8 or holds a control character" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct cal_holiday_line h, sentinel;
		char err[128] = "";
		int rc;

		memset(&sentinel, 0x5a, sizeof sentinel);
		h = sentinel;
		rc = cal_parse_holiday_line(t[i].s, strlen(t[i].s), &h, err,
		    sizeof err);
		if (rc != t[i].rc)
			fail_msg("case %zu: rc %d, want %d (%s)", i, rc,
			    t[i].rc, err);
		if (rc != 0)
			assert_memory_equal(&h, &sentinel, sizeof h);
		if (rc == -1)
			assert_string_equal(err, t[i].name_or_err);
		if (rc != 0)
			continue;
		assert_int_equal(h.day, t[i].day);
		assert_int_equal(h.kind, t[i].kind);
		assert_string_equal(h.name, t[i].name_or_err);
		assert_string_equal(h.source, t[i].source);
	}
}

static void
test_holiday_limits(void **state)
{
	char line[2048], name[200], err[64];
	struct cal_holiday_line h;

	(void)state;
	/* name: 127 bytes fit, 128 do not (in bytes, not letters) */
	memset(name, 'a', 127);
	name[127] = '\0';
	snprintf(line, sizeof line, "2025-01-01,holiday,%s,y", name);
	assert_int_equal(
	    cal_parse_holiday_line(line, strlen(line), &h, err, sizeof err), 0);
	assert_int_equal(strlen(h.name), 127);
	snprintf(line, sizeof line, "2025-01-01,holiday,%sa,y", name);
	assert_int_equal(
	    cal_parse_holiday_line(line, strlen(line), &h, err, sizeof err),
	    -1);
	assert_string_equal(err, "name: longer than 127 bytes");
	/* 64 letters of 3 bytes each: the limit is in bytes */
	line[0] = '\0';
	strcat(line, "2025-01-01,holiday,");
	for (int i = 0; i < 64; i++)
		strcat(line, "ễ");
	strcat(line, ",y");
	assert_int_equal(
	    cal_parse_holiday_line(line, strlen(line), &h, err, sizeof err),
	    -1);
	assert_string_equal(err, "name: longer than 127 bytes");

	/* source: 255 fit, 256 do not */
	memset(line, 0, sizeof line);
	strcpy(line, "2025-01-01,holiday,x,");
	memset(line + strlen(line), 's', 255);
	assert_int_equal(
	    cal_parse_holiday_line(line, strlen(line), &h, err, sizeof err), 0);
	assert_int_equal(strlen(h.source), 255);
	strcat(line, "s");
	assert_int_equal(
	    cal_parse_holiday_line(line, strlen(line), &h, err, sizeof err),
	    -1);
	assert_string_equal(err, "source: longer than 255 bytes");

	/* the whole line */
	memset(line, ' ', 1500);
	memcpy(line, "2025-01-01,holiday,x,y", 22);
	assert_int_equal(
	    cal_parse_holiday_line(line, 1500, &h, err, sizeof err), -1);
	assert_string_equal(err, "line: longer than 1024 bytes");

	/* a NUL inside the name is refused, not a silent end */
	assert_int_equal(cal_parse_holiday_line("2025-01-01,holiday,a\0b,y", 24,
	                     &h, err, sizeof err),
	    -1);
	/* small and missing error buffers */
	assert_int_equal(cal_parse_holiday_line("x,y,z,w", 7, &h, err, 5), -1);
	assert_string_equal(err, "date");
	assert_int_equal(cal_parse_holiday_line("x,y,z,w", 7, &h, NULL, 0), -1);
}

/* data/holidays.csv, through the same parser the import uses. */
static void
test_holiday_file(void **state)
{
	FILE *f = fopen("data/holidays.csv", "r");
	struct cal_entry e[256];
	struct calendar cal;
	char line[2048];
	int prov_years[8];
	size_t n = 0, np = 0;
	int lineno = 0, comments = 0;
	bool prov;

	(void)state;
	if (f == NULL)
		fail_msg("data/holidays.csv: run the tests from the repo root");
	while (fgets(line, sizeof line, f) != NULL) {
		struct cal_holiday_line h;
		char err[128];
		int rc;

		lineno++;
		rc = cal_parse_holiday_line(line, strlen(line), &h, err,
		    sizeof err);
		if (rc < 0)
			fail_msg("data/holidays.csv:%d: %s", lineno, err);
		if (rc == 1) {
			comments++;
			continue;
		}
		assert_true(n < sizeof e / sizeof e[0]);
		assert_true(h.source[0] != '\0'); /* every row says why */
		if (n > 0 && h.day <= e[n - 1].day)
			fail_msg("data/holidays.csv:%d: not sorted", lineno);
		e[n].day = h.day;
		e[n].kind = h.kind;
		if (cal_source_provisional(h.source)) {
			int y, m, d;

			cal_ymd_from_day(h.day, &y, &m, &d);
			if (np == 0 || prov_years[np - 1] != y) {
				assert_true(np < 8);
				prov_years[np++] = y;
			}
		}
		n++;
	}
	fclose(f);
	assert_true(comments > 0);
	assert_true(n >= 30);
	assert_true(e[0].day >= ymd(2025, 1, 1));
	assert_true(e[n - 1].day <= ymd(2027, 12, 31));

	memset(&cal, 0, sizeof cal);
	cal.entries = e;
	cal.count = n;
	cal.open_min = OPEN_MIN;
	cal.close_min = CLOSE_MIN;
	cal.first_year = 2025;
	cal.last_year = 2027;
	cal.prov_years = prov_years;
	cal.prov_count = np;

	/* 2027 has no official plan yet: its Tết rows come from the lunar
	 * calendar and mark the year provisional (issue 15 item 5) */
	assert_int_equal(np, 1);
	assert_int_equal(prov_years[0], 2027);
	assert_false(cal_year_provisional(&cal, 2026));
	assert_true(cal_year_provisional(&cal, 2027));
	/* Tết 2027: 29 Chạp (Fri 5/2) to mùng 4 (Tue 9/2), and the two
	 * weekend days taken on Wed 10/2 and Thu 11/2 */
	assert_true(cal_is_working(&cal, ymd(2027, 2, 4)));
	for (int d = 5; d <= 11; d++)
		assert_false(cal_is_working(&cal, ymd(2027, 2, d)));
	assert_true(cal_is_working(&cal, ymd(2027, 2, 12)));
	assert_int_equal(cal_due(&cal, at(2027, 2, 3, 10, 0), 3, &prov),
	    at(2027, 2, 15, 10, 0));
	assert_true(prov);
	assert_int_equal(cal_due(&cal, at(2026, 12, 1, 10, 0), 3, &prov),
	    at(2026, 12, 4, 10, 0));
	assert_false(prov);

	/* Tết 2026: the five weekdays 16-20/2 are off */
	for (int d = 16; d <= 20; d++)
		assert_false(cal_is_working(&cal, ymd(2026, 2, d)));
	assert_true(cal_is_working(&cal, ymd(2026, 2, 13)));
	assert_true(cal_is_working(&cal, ymd(2026, 2, 23)));
	/* Tết 2025: 27-31/1 */
	for (int d = 27; d <= 31; d++)
		assert_false(cal_is_working(&cal, ymd(2025, 1, d)));
	assert_true(cal_is_working(&cal, ymd(2025, 2, 3)));
	/* swaps and compensatory days */
	assert_true(cal_is_working(&cal, ymd(2025, 4, 26)));
	assert_false(cal_is_working(&cal, ymd(2025, 5, 2)));
	assert_false(cal_is_working(&cal, ymd(2026, 4, 27)));
	assert_false(cal_is_working(&cal, ymd(2027, 5, 3)));
	assert_false(cal_is_working(&cal, ymd(2027, 2, 8)));

	assert_int_equal(cal_due(&cal, at(2026, 2, 12, 10, 0), 3, &prov),
	    at(2026, 2, 24, 10, 0));
	assert_false(prov);
	assert_int_equal(cal_due(&cal, at(2025, 1, 24, 9, 0), 1, &prov),
	    at(2025, 2, 3, 9, 0));
	assert_false(prov);
	assert_int_equal(cal_due(&cal, at(2025, 4, 25, 10, 0), 1, &prov),
	    at(2025, 4, 26, 10, 0));
	assert_int_equal(cal_due(&cal, at(2027, 12, 30, 10, 0), 2, &prov),
	    at(2028, 1, 3, 10, 0));
	assert_true(prov);
}

/* The supplement rule: the due date moves by the working days waited,
 * across a weekend and a holiday, keeping its clock (issue 15 item 1:
 * requested 3/3, completed 6/3, due 5/3 used to stay and turn overdue). */
struct supp_case {
	int qy, qm, qd; /* requested, 10:00 local */
	int cy, cm, cd; /* completed, 15:00 local */
	int uy, um, ud; /* due before, 09:32 local */
	int waited;
	int ny, nm, nd; /* due after, 09:32 local */
	bool provisional;
	const char *why;
};

static const struct supp_case supp_cases[] = {
	{ 2026, 3, 3, 2026, 3, 6, 2026, 3, 5, 3, 2026, 3, 10, false,
	    "Tue to Fri: 3 days; Thu + 3 crosses the weekend" },
	{ 2026, 3, 6, 2026, 3, 9, 2026, 3, 10, 1, 2026, 3, 11, false,
	    "Fri to Mon across a weekend: 1 day" },
	{ 2026, 3, 6, 2026, 3, 6, 2026, 3, 10, 0, 2026, 3, 10, false,
	    "completed the same day: unchanged" },
	{ 2026, 4, 24, 2026, 4, 28, 2026, 4, 29, 1, 2026, 5, 4, false,
	    "Fri to Tue across Giỗ Tổ (Sun) and its day off (Mon); 30/4 "
	    "and 1/5 off" },
	{ 2026, 2, 12, 2026, 2, 24, 2026, 2, 13, 3, 2026, 2, 25, false,
	    "across Tết 2026: 13/2, 23/2 and 24/2 waited; 13/2 + 3" },
	{ 2026, 12, 29, 2027, 1, 5, 2026, 12, 30, 5, 2027, 1, 6, true,
	    "into 2027, a year the test table lacks: provisional" },
};

static void
test_supplement_due(void **state)
{
	struct calendar cal = make_calendar(false);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof supp_cases / sizeof supp_cases[0]; i++) {
		const struct supp_case *c = &supp_cases[i];
		bool prov = !c->provisional;
		int waited = -1;
		int64_t got =
		    cal_supplement_due(&cal, at(c->uy, c->um, c->ud, 9, 32),
		        at(c->qy, c->qm, c->qd, 10, 0),
		        at(c->cy, c->cm, c->cd, 15, 0), &waited, &prov);
		int64_t want = at(c->ny, c->nm, c->nd, 9, 32);

		if (got != want || waited != c->waited ||
		    prov != c->provisional) {
			char g[32], w[32];

			cal_format_iso(got, g);
			cal_format_iso(want, w);
			fail_msg(
			    "case %zu (%s): got %s waited %d prov %d, want "
			    "%s waited %d prov %d",
			    i, c->why, g, waited, prov, w, c->waited,
			    c->provisional);
		}
	}
	/* no due date stays none; a completion before the request is 0 */
	assert_int_equal(cal_supplement_due(&cal, 0, at(2026, 3, 3, 10, 0),
	                     at(2026, 3, 6, 10, 0), NULL, NULL),
	    0);
	assert_int_equal(cal_supplement_due(&cal, at(2026, 3, 5, 9, 0),
	                     at(2026, 3, 6, 10, 0), at(2026, 3, 3, 10, 0), NULL,
	                     NULL),
	    at(2026, 3, 5, 9, 0));
}

/* Provisional years: outside the table, or marked by a provisional row. */
static void
test_provisional_years(void **state)
{
	static const int prov[] = { 2026 };
	struct calendar cal = make_calendar(false);
	bool p = false;

	(void)state;
	assert_false(cal_year_provisional(&cal, 2025));
	assert_false(cal_year_provisional(&cal, 2026));
	assert_true(cal_year_provisional(&cal, 2024));
	assert_true(cal_year_provisional(&cal, 2027));
	cal.prov_years = prov;
	cal.prov_count = 1;
	assert_true(cal_year_provisional(&cal, 2026));
	assert_false(cal_year_provisional(&cal, 2025));
	cal_due(&cal, at(2026, 3, 2, 10, 0), 3, &p);
	assert_true(p);
	cal_due(&cal, at(2025, 3, 3, 10, 0), 3, &p);
	assert_false(p);

	assert_true(cal_source_provisional("provisional: lunar calendar"));
	assert_true(cal_source_provisional("Provisional"));
	assert_false(cal_source_provisional("statutory: BLLĐ 2019"));
	assert_false(cal_source_provisional(NULL));

	/* working days between: after from, up to and including to */
	assert_int_equal(
	    cal_working_days_between(&cal, ymd(2026, 4, 24), ymd(2026, 5, 4)),
	    3); /* 28, 29 and 4/5: Giỗ Tổ, its day off, 30/4, 1/5 skipped */
	assert_int_equal(
	    cal_working_days_between(&cal, ymd(2026, 4, 24), ymd(2026, 4, 24)),
	    0);
	assert_int_equal(
	    cal_working_days_between(&cal, ymd(2026, 5, 4), ymd(2026, 4, 24)),
	    0);

	/* the next working day skips weekends, holidays and days off */
	assert_int_equal(cal_next_working(&cal, ymd(2026, 4, 24)),
	    ymd(2026, 4, 28));
	assert_int_equal(cal_next_working(&cal, ymd(2026, 2, 13)),
	    ymd(2026, 2, 23));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_days),
		cmocka_unit_test(test_civil_roundtrip),
		cmocka_unit_test(test_valid_ymd),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_parse_iso),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_is_working),
		cmocka_unit_test(test_is_working_conflict),
		cmocka_unit_test(test_due_table),
		cmocka_unit_test(test_due_utc_input),
		cmocka_unit_test(test_due_bounds),
		cmocka_unit_test(test_holiday_lines),
		cmocka_unit_test(test_holiday_limits),
		cmocka_unit_test(test_holiday_file),
		cmocka_unit_test(test_supplement_due),
		cmocka_unit_test(test_provisional_years),
	};

	HARNESS_RUN(tests);
}
