/* calendar.h: local time in Asia/Ho_Chi_Minh (UTC+7, no DST) and the
 * working-day calendar. Pure: the holiday table is passed in; the store
 * loads it. Times are int64_t seconds since the Unix epoch (UTC). A local
 * day is an int "day number": days since 1970-01-01 in local time. */
#ifndef CALENDAR_H
#define CALENDAR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAL_UTC_OFFSET (7 * 3600)

enum cal_kind { CAL_HOLIDAY = 1, CAL_DAY_OFF = 2, CAL_MAKE_UP = 3 };

struct cal_entry { /* one row of the holiday table */
	int day;   /* local day number */
	int kind;  /* enum cal_kind */
};

/* A calendar: holiday entries sorted by day (the caller keeps them sorted
 * and owns the array; the calendar borrows it) plus the office rules. */
struct calendar {
	const struct cal_entry *entries; /* borrowed; sorted by day */
	size_t count;
	int open_min;        /* office opens, minutes after local midnight */
	int close_min;       /* office closes */
	bool due_end_of_day; /* due at close_min, else at the start clock */
	int first_year,
	    last_year; /* years the table covers: else provisional */
};

/* Civil date <-> local day number (proleptic Gregorian). */
int cal_day_from_ymd(int y, int m, int d);
void cal_ymd_from_day(int day, int *y, int *m, int *d);
bool cal_valid_ymd(int y, int m, int d);
int cal_weekday(int day);                 /* 0 = Sunday .. 6 = Saturday */
int cal_local_day(int64_t t);             /* local day of an instant */
int cal_local_minute(int64_t t);          /* minutes after local midnight */
int64_t cal_instant(int day, int minute); /* local day + minute -> UTC */

/* True when the day is a working day: Mon-Fri and not a holiday or day
 * off, or a make-up working day (làm bù). */
bool cal_is_working(const struct calendar *, int day);

/* The due time for a dossier accepted at `received` with `days` working
 * days, per the rule in docs/domain.md: intake outside office hours or on
 * a non-working day starts the clock at the next working day's opening.
 * *provisional is set when a day used lies outside first_year..last_year
 * (weekends only were applied there). */
int64_t cal_due(const struct calendar *, int64_t received, int days,
    bool *provisional);

/* Parse "YYYY-MM-DD" (exactly) into a day number; -1 on error. */
int cal_parse_date(const char *s, size_t len, int *day);
/* Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)"; an offset
 * is required. Returns 0, or -1 with a static reason in *why. */
int cal_parse_iso(const char *s, size_t len, int64_t *t, const char **why);
/* Format t as "2026-01-05T09:32:00+07:00" (25 chars + NUL). */
void cal_format_iso(int64_t t, char buf[32]);
/* Format a local day as "2026-01-05". */
void cal_format_date(int day, char buf[16]);

/* One line of a holiday file (data/holidays.csv, docs/domain.md):
 * "YYYY-MM-DD,kind,name,source" with kind holiday | day_off | make_up;
 * name and source may be quoted with "" if they hold commas. */
struct cal_holiday_line {
	int day;
	int kind; /* enum cal_kind */
	char name[128];
	char source[256];
};
/* Returns 0 with *out filled, 1 for a blank or '#' comment line (skip),
 * or -1 with a message naming the field and the problem in err. */
int cal_parse_holiday_line(const char *s, size_t len,
    struct cal_holiday_line *out, char *err, size_t errlen);
#endif
