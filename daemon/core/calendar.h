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
	/* Years inside first_year..last_year whose rows are not the official
	 * table yet (a row whose source starts with "provisional"): their
	 * due dates are provisional too. Borrowed; sorted ascending. */
	const int *prov_years;
	size_t prov_count;
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

/* True when the table does not confirm `year`: outside first_year..
 * last_year, or listed in prov_years. */
bool cal_year_provisional(const struct calendar *, int year);
/* The same for the year of a local day. */
bool cal_day_provisional(const struct calendar *, int day);

/* The first working day after `day` (at most ten years on; the day
 * reached then when the table marks every day off). */
int cal_next_working(const struct calendar *, int day);

/* The working days after local day `from` up to and including `to`: 0
 * when to <= from (at most 3650). */
int cal_working_days_between(const struct calendar *, int from, int to);

/* The supplement rule (docs/domain.md, "Supplements"): a dossier that
 * waited for a supplement from `requested` to `completed` gets its due
 * date moved later by the working days it waited, that is the working
 * days after the request's local day up to and including the
 * completion's; the time of day is kept. A due of 0 (none) stays 0, and
 * so does a wait that ends on the request's day. *waited (may be NULL)
 * gets that count; *provisional is set when a day counted or walked lies
 * in a provisional year. */
int64_t cal_supplement_due(const struct calendar *, int64_t due,
    int64_t requested, int64_t completed, int *waited, bool *provisional);

/* True when a row's source says it is not the official table yet: it
 * starts with "provisional" (ASCII, any case). NULL: false. */
bool cal_source_provisional(const char *source);

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
