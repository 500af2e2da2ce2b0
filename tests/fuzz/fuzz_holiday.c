/* fuzz_holiday.c: libFuzzer target for the calendar's parsers of outside
 * input: holiday file lines and ISO 8601 times, plus the due-date walk on
 * fuzzed instants. Invariants: accepted lines re-serialise to lines that
 * parse to the same row; accepted times format and re-parse to the same
 * instant; a due time is never before the minute received. */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/textfold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes s as a quoted CSV field; returns the new end. */
static char *
quote(char *p, const char *s)
{
	*p++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"')
			*p++ = '"';
		*p++ = *s;
	}
	*p++ = '"';
	return p;
}

static const char *const kinds[] = { "", "holiday", "day_off", "make_up" };

static void
check_line(const char *s, size_t len)
{
	struct cal_holiday_line h, g;
	char err[96] = "", line[2048], date[16], *p;
	int rc;

	rc = cal_parse_holiday_line(s, len, &h, err, sizeof err);
	assert(rc == -1 || rc == 0 || rc == 1);
	if (rc == -1) {
		assert(strstr(err, ": ") != NULL);
		return;
	}
	if (rc == 1)
		return;
	assert(h.kind >= CAL_HOLIDAY && h.kind <= CAL_MAKE_UP);
	assert(memchr(h.name, '\0', sizeof h.name) != NULL);
	assert(memchr(h.source, '\0', sizeof h.source) != NULL);
	assert(h.name[0] != '\0');
	assert(text_valid(h.name, strlen(h.name)));
	assert(text_valid(h.source, strlen(h.source)));

	cal_format_date(h.day, date);
	p = line + sprintf(line, "%s,%s,", date, kinds[h.kind]);
	p = quote(p, h.name);
	*p++ = ',';
	p = quote(p, h.source);
	*p++ = '\n';
	rc = cal_parse_holiday_line(line, (size_t)(p - line), &g, err,
	    sizeof err);
	assert(rc == 0);
	assert(g.day == h.day && g.kind == h.kind);
	assert(strcmp(g.name, h.name) == 0);
	assert(strcmp(g.source, h.source) == 0);
}

static void
check_iso(const char *s, size_t len)
{
	char buf[32];
	const char *why = NULL;
	int64_t t, u;
	int day;

	if (cal_parse_iso(s, len, &t, &why) < 0) {
		assert(why != NULL);
	} else {
		cal_format_iso(t, buf);
		assert(cal_parse_iso(buf, strlen(buf), &u, &why) == 0);
		assert(u == t);
	}
	if (cal_parse_date(s, len, &day) == 0) {
		cal_format_date(day, buf);
		assert(len == 10 && memcmp(buf, s, 10) == 0);
	}
}

static void
check_due(const uint8_t *data, size_t size)
{
	static const struct cal_entry e[] = { { 20501, CAL_HOLIDAY },
		{ 20502, CAL_HOLIDAY }, { 20505, CAL_MAKE_UP } };
	struct calendar cal = { e, 3, 450, 1020, false, 2025, 2026, NULL, 0 };
	uint64_t r = 0;
	int64_t received, due;
	int days;
	bool prov;
	size_t i;

	if (size < 11)
		return;
	for (i = 0; i < 8; i++)
		r = r << 8 | data[i];
	/* 1970 to 2199, the range the parsers accept */
	received = (int64_t)(r % (uint64_t)7258118400);
	days = (int)(((unsigned)data[8] << 8 | data[9]) % 4000) - 100;
	cal.due_end_of_day = data[10] & 1;
	due = cal_due(&cal, received, days, &prov);
	/* due times are whole minutes: the seconds of intake are dropped */
	assert(due >= received - received % 60);
	assert(cal_is_working(&cal, cal_local_day(due)) || prov);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_line((const char *)data, size);
	check_iso((const char *)data, size);
	check_due(data, size);
	return 0;
}
