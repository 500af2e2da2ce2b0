/* calendar.c: see calendar.h. Pure arithmetic on day numbers: no
 * timegm(), localtime() or TZ, because Asia/Ho_Chi_Minh is a fixed UTC+7
 * and the host's zone must never leak into a due date. */
#include <assert.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/calendar.h"
#include "core/textfold.h"

#define DAY_SECS 86400
#define YEAR_MIN 1970 /* what the parsers accept */
#define YEAR_MAX 2199

/* Local day numbers are kept well inside int so that day + n in the loops
 * below cannot overflow: about +-2.9 million years, far beyond any input
 * the parsers accept. */
#define DAY_LIMIT (INT_MAX / 2)

/* cal_due: at most this many working days (ten years), and at most this
 * many days examined, so a table that marks every day as a holiday still
 * ends the loop. */
#define DUE_DAYS_MAX 3650
#define DUE_SCAN_MAX (2 * DUE_DAYS_MAX + 1000)

#define HOLIDAY_LINE_MAX 1024
#define HOLIDAY_FIELDS   4

/* Days from 1970-01-01 in the proleptic Gregorian calendar. Counting
 * years from March makes the leap day the last day of the year, so the
 * month lengths before it follow the 153-days-per-5-months pattern. */
int
cal_day_from_ymd(int y, int m, int d)
{
	long long yy = (long long)y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400; /* 0..399 */
	long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */

	return (int)(era * 146097 + doe - 719468); /* 719468: 0000-03-01 */
}

void
cal_ymd_from_day(int day, int *y, int *m, int *d)
{
	long long z = (long long)day + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153; /* month from March, 0..11 */
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

bool
cal_valid_ymd(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

int
cal_weekday(int day)
{
	int r = day % 7;

	if (r < 0)
		r += 7;
	return (r + 4) % 7; /* 1970-01-01 was a Thursday */
}

/* Splits t into a local day and seconds into that day, flooring, without
 * computing t + offset (which could overflow near INT64_MAX). */
static void
split_local(int64_t t, int *day, int *sec)
{
	int64_t q = t / DAY_SECS, r = t % DAY_SECS;

	if (r < 0) {
		r += DAY_SECS;
		q--;
	}
	r += CAL_UTC_OFFSET;
	if (r >= DAY_SECS) {
		r -= DAY_SECS;
		q++;
	}
	if (q > DAY_LIMIT)
		q = DAY_LIMIT;
	else if (q < -DAY_LIMIT)
		q = -DAY_LIMIT;
	*day = (int)q;
	*sec = (int)r;
}

int
cal_local_day(int64_t t)
{
	int day, sec;

	split_local(t, &day, &sec);
	return day;
}

int
cal_local_minute(int64_t t)
{
	int day, sec;

	split_local(t, &day, &sec);
	return sec / 60;
}

int64_t
cal_instant(int day, int minute)
{
	return (int64_t)day * DAY_SECS + (int64_t)minute * 60 - CAL_UTC_OFFSET;
}

/* The first entry whose day is >= day (count when none). */
static size_t
lower_bound(const struct calendar *cal, int day)
{
	size_t lo = 0, hi = cal->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->entries[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool
cal_is_working(const struct calendar *cal, int day)
{
	bool make_up = false;
	size_t i;
	int wd;

	if (cal != NULL && cal->entries != NULL) {
		/* A day listed twice (a holiday and a make-up day) is a data
		 * error; the day off wins, so a due date moves later rather
		 * than landing on a day the office is closed. */
		for (i = lower_bound(cal, day);
		     i < cal->count && cal->entries[i].day == day; i++) {
			if (cal->entries[i].kind == CAL_MAKE_UP)
				make_up = true;
			else
				return false;
		}
	}
	if (make_up)
		return true;
	wd = cal_weekday(day);
	return wd != 0 && wd != 6;
}

bool
cal_year_provisional(const struct calendar *cal, int year)
{
	size_t lo = 0, hi;

	if (cal->first_year < YEAR_MIN || cal->last_year > YEAR_MAX ||
	    cal->first_year > cal->last_year || year < cal->first_year ||
	    year > cal->last_year)
		return true;
	hi = cal->prov_years != NULL ? cal->prov_count : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->prov_years[mid] == year)
			return true;
		if (cal->prov_years[mid] < year)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool
cal_day_provisional(const struct calendar *cal, int day)
{
	int y, m, d;

	cal_ymd_from_day(day, &y, &m, &d);
	return cal_year_provisional(cal, y);
}

bool
cal_source_provisional(const char *source)
{
	return source != NULL && strncasecmp(source, "provisional", 11) == 0;
}

struct due_walk {
	const struct calendar *cal;
	int year_first, year_last; /* the year last examined, as days */
	bool year_prov;            /* ... and whether it is provisional */
	bool provisional;
	int budget; /* days that may still be examined */
};

static void
walk_init(struct due_walk *w, const struct calendar *cal)
{
	memset(w, 0, sizeof *w);
	w->cal = cal;
	w->budget = DUE_SCAN_MAX;
	w->year_first = 1; /* empty: the first day looks its year up */
	w->year_last = 0;
}

static bool
walk_working(struct due_walk *w, int day)
{
	int y, m, d;

	w->budget--;
	/* one year lookup per year crossed, not per day */
	if (day < w->year_first || day > w->year_last) {
		cal_ymd_from_day(day, &y, &m, &d);
		w->year_first = cal_day_from_ymd(y, 1, 1);
		w->year_last = cal_day_from_ymd(y, 12, 31);
		w->year_prov = cal_year_provisional(w->cal, y);
	}
	if (w->year_prov)
		w->provisional = true; /* the table does not confirm it */
	return cal_is_working(w->cal, day);
}

/* The first working day after day; when the budget runs out, the day
 * reached so far, and the result is marked provisional. */
static int
walk_next(struct due_walk *w, int day)
{
	do {
		if (w->budget <= 0) {
			w->provisional = true;
			return day;
		}
		day++;
	} while (!walk_working(w, day));
	return day;
}

int
cal_next_working(const struct calendar *cal, int day)
{
	struct due_walk w;

	walk_init(&w, cal);
	return walk_next(&w, day);
}

int64_t
cal_due(const struct calendar *cal, int64_t received, int days,
    bool *provisional)
{
	struct due_walk w;
	int day, minute, due_minute;

	assert(cal != NULL);
	walk_init(&w, cal);
	if (days < 0)
		days = 0;
	if (days > DUE_DAYS_MAX)
		days = DUE_DAYS_MAX;

	/* Where the clock starts: within office hours on a working day it
	 * starts at once; before opening on a working day, at that day's
	 * opening; otherwise at the next working day's opening. */
	day = cal_local_day(received);
	minute = cal_local_minute(received);
	if (walk_working(&w, day) && minute < cal->close_min) {
		if (minute < cal->open_min)
			minute = cal->open_min;
	} else {
		day = walk_next(&w, day);
		minute = cal->open_min;
	}

	while (days-- > 0)
		day = walk_next(&w, day);

	due_minute = cal->due_end_of_day ? cal->close_min : minute;
	if (provisional != NULL)
		*provisional = w.provisional;
	return cal_instant(day, due_minute);
}

/* Working days after `from` up to and including `to` (0 when to <= from),
 * bounded like cal_due. */
static int
count_working(struct due_walk *w, int from, int to)
{
	int n = 0;

	while (from < to && n < DUE_DAYS_MAX && w->budget > 0) {
		from++;
		if (walk_working(w, from))
			n++;
	}
	return n;
}

int
cal_working_days_between(const struct calendar *cal, int from, int to)
{
	struct due_walk w;

	assert(cal != NULL);
	walk_init(&w, cal);
	return count_working(&w, from, to);
}

int64_t
cal_supplement_due(const struct calendar *cal, int64_t due, int64_t requested,
    int64_t completed, int *waited, bool *provisional)
{
	struct due_walk w;
	int day, n, minute;
	bool counted_prov;

	assert(cal != NULL);
	walk_init(&w, cal);
	/* The days waited: the request's own day was already counted toward
	 * the due date. */
	n = count_working(&w, cal_local_day(requested),
	    cal_local_day(completed));
	if (waited != NULL)
		*waited = n;
	if (provisional != NULL)
		*provisional = false;
	if (due == 0 || n == 0)
		return due;
	counted_prov = w.provisional;
	/* Move the due day itself by n working days, keeping its clock. */
	walk_init(&w, cal);
	day = cal_local_day(due);
	minute = cal_local_minute(due);
	while (n-- > 0)
		day = walk_next(&w, day);
	if (provisional != NULL)
		*provisional = counted_prov || w.provisional;
	return cal_instant(day, minute);
}

/* Reads n ASCII digits; -1 when any is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD" at s, 10 bytes available. 0, or -1 with a reason. */
static int
parse_ymd(const char *s, int *y, int *m, int *d, const char **why)
{
	*y = digits(s, 4);
	*m = digits(s + 5, 2);
	*d = digits(s + 8, 2);
	if (*y < 0 || *m < 0 || *d < 0 || s[4] != '-' || s[7] != '-') {
		*why = "not an ISO 8601 time with an offset";
		return -1;
	}
	if (*y < YEAR_MIN || *y > YEAR_MAX) {
		*why = "year out of range";
		return -1;
	}
	if (*m < 1 || *m > 12) {
		*why = "month out of range";
		return -1;
	}
	if (!cal_valid_ymd(*y, *m, *d)) {
		*why = "day out of range";
		return -1;
	}
	return 0;
}

int
cal_parse_date(const char *s, size_t len, int *day)
{
	const char *why;
	int y, m, d;

	if (s == NULL || len != 10 || parse_ymd(s, &y, &m, &d, &why) < 0)
		return -1;
	*day = cal_day_from_ymd(y, m, d);
	return 0;
}

int
cal_parse_iso(const char *s, size_t len, int64_t *t, const char **why)
{
	static const char *const shape = "not an ISO 8601 time with an offset";
	const char *dummy;
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 1;
	size_t i;

	if (why == NULL)
		why = &dummy;
	*why = shape;
	/* 16 = "YYYY-MM-DDTHH:MM"; 64 is more than the longest legal form */
	if (s == NULL || len < 16 + 1 || len > 64)
		return -1;
	if (parse_ymd(s, &y, &mo, &d, why) < 0)
		return -1;
	if (s[10] != 'T' && s[10] != 't') {
		*why = shape;
		return -1;
	}
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	if (h < 0 || mi < 0 || s[13] != ':')
		return -1;
	i = 16;
	if (s[i] == ':') {
		if (len < i + 3 || (sec = digits(s + i + 1, 2)) < 0)
			return -1;
		i += 3;
		if (i < len && s[i] == '.') {
			size_t f = ++i;

			/* The fraction is read and dropped: we keep seconds. */
			while (
			    i < len && i - f < 9 && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == f)
				return -1;
		}
	}
	if (i >= len)
		return -1;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '-' ? -1 : 1;
		if (len < i + 6 || s[i + 3] != ':')
			return -1;
		oh = digits(s + i + 1, 2);
		om = digits(s + i + 4, 2);
		if (oh < 0 || om < 0)
			return -1;
		i += 6;
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	if (h > 23) {
		*why = "hour out of range";
		return -1;
	}
	if (mi > 59) {
		*why = "minute out of range";
		return -1;
	}
	if (sec > 59) { /* no leap seconds: nothing we record needs them */
		*why = "second out of range";
		return -1;
	}
	if (oh > 23 || om > 59) {
		*why = "offset out of range";
		return -1;
	}
	*t = (int64_t)cal_day_from_ymd(y, mo, d) * DAY_SECS + h * 3600 +
	    mi * 60 + sec - sign * (oh * 3600 + om * 60);
	*why = NULL;
	return 0;
}

/* Writes v as exactly width decimal digits. snprintf would do, but gcc
 * cannot see the ranges and warns of truncation under -Werror. */
static char *
put_digits(char *p, unsigned v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* ISO 8601 has four-digit years: days outside 0000-9999 are clamped (the
 * parsers never produce them). */
static void
put_date(char *p, int day)
{
	int y, m, d, lo = cal_day_from_ymd(0, 1, 1),
	             hi = cal_day_from_ymd(9999, 12, 31);

	if (day < lo)
		day = lo;
	else if (day > hi)
		day = hi;
	cal_ymd_from_day(day, &y, &m, &d);
	p = put_digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)m, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)d, 2);
	*p = '\0';
}

void
cal_format_iso(int64_t t, char buf[32])
{
	int day, sec;
	char *p = buf + 10;

	split_local(t, &day, &sec);
	put_date(buf, day);
	*p++ = 'T';
	p = put_digits(p, (unsigned)(sec / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(sec / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(sec % 60), 2);
	memcpy(p, "+07:00", 7);
}

void
cal_format_date(int day, char buf[16])
{
	put_date(buf, day);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

/* One decoded CSV field: at most HOLIDAY_LINE_MAX bytes, NUL-terminated
 * (a NUL inside is kept and later refused by text_valid). */
struct field {
	char text[HOLIDAY_LINE_MAX + 1];
	size_t len;
};

/* Splits s[0..len) into fields: unquoted fields are trimmed; a quoted
 * field is "..." with "" for a quote. Returns the field count, or -1 with
 * *bad set to the failing field (HOLIDAY_FIELDS: too many fields) and
 * *why to the problem. */
static int
split_fields(const char *s, size_t len, struct field *f, int *bad,
    const char **why)
{
	size_t i = 0;
	int n = 0;

	for (;;) {
		struct field *cur;

		if (n == HOLIDAY_FIELDS) {
			*bad = n;
			*why = "too many fields";
			return -1;
		}
		*bad = n;
		cur = &f[n];
		cur->len = 0;
		while (i < len && is_blank(s[i]))
			i++;
		if (i < len && s[i] == '"') {
			for (i++;; i++) {
				if (i >= len) {
					*why = "unterminated quote";
					return -1;
				}
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"')
						i++; /* "" is one quote */
					else
						break;
				}
				cur->text[cur->len++] = s[i];
			}
			i++; /* the closing quote */
			while (i < len && is_blank(s[i]))
				i++;
			if (i < len && s[i] != ',') {
				*why = "text after the closing quote";
				return -1;
			}
		} else {
			for (; i < len && s[i] != ','; i++) {
				if (s[i] == '"') {
					*why = "stray quote (quote the whole "
					       "field)";
					return -1;
				}
				cur->text[cur->len++] = s[i];
			}
			while (
			    cur->len > 0 && is_blank(cur->text[cur->len - 1]))
				cur->len--;
		}
		cur->text[cur->len] = '\0';
		n++;
		if (i >= len)
			return n;
		i++; /* the comma */
	}
}

int
cal_parse_holiday_line(const char *s, size_t len, struct cal_holiday_line *out,
    char *err, size_t errlen)
{
	struct field f[HOLIDAY_FIELDS];
	struct cal_holiday_line h;
	static const char *const names[HOLIDAY_FIELDS + 1] = { "date", "kind",
		"name", "source", "line" };
	const char *why = NULL;
	size_t i;
	int n, bad = 0;

	if (s == NULL)
		len = 0;
	/* A UTF-8 byte order mark, as spreadsheet exports write. */
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	for (i = 0; i < len && is_blank(s[i]); i++)
		;
	if (i == len || s[i] == '#')
		return 1;
	if (len > HOLIDAY_LINE_MAX) {
		set_err(err, errlen, "line: longer than 1024 bytes");
		return -1;
	}
	n = split_fields(s, len, f, &bad, &why);
	if (n < 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", names[bad], why);
		return -1;
	}
	if (n < HOLIDAY_FIELDS) {
		set_err(err, errlen,
		    "line: expected 4 fields: date,kind,name,source");
		return -1;
	}

	memset(&h, 0, sizeof h);
	if (cal_parse_date(f[0].text, f[0].len, &h.day) < 0) {
		set_err(err, errlen, "date: not a calendar date");
		return -1;
	}
	if (strcmp(f[1].text, "holiday") == 0) {
		h.kind = CAL_HOLIDAY;
	} else if (strcmp(f[1].text, "day_off") == 0) {
		h.kind = CAL_DAY_OFF;
	} else if (strcmp(f[1].text, "make_up") == 0 ||
	    strcmp(f[1].text, "make_up_workday") == 0) {
		/* make_up_workday: the other spelling docs/domain.md accepts */
		h.kind = CAL_MAKE_UP;
	} else {
		set_err(err, errlen,
		    "kind: must be holiday, day_off or make_up");
		return -1;
	}
	if (f[2].len == 0) {
		set_err(err, errlen, "name: empty");
		return -1;
	}
	if (f[2].len >= sizeof h.name) {
		set_err(err, errlen, "name: longer than 127 bytes");
		return -1;
	}
	if (!text_valid(f[2].text, f[2].len)) {
		set_err(err, errlen,
		    "name: not valid UTF-8 or holds a control character");
		return -1;
	}
	if (f[3].len >= sizeof h.source) {
		set_err(err, errlen, "source: longer than 255 bytes");
		return -1;
	}
	if (f[3].len > 0 && !text_valid(f[3].text, f[3].len)) {
		set_err(err, errlen,
		    "source: not valid UTF-8 or holds a control character");
		return -1;
	}
	memcpy(h.name, f[2].text, f[2].len + 1);
	memcpy(h.source, f[3].text, f[3].len + 1);
	*out = h;
	return 0;
}
