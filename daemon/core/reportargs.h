/* reportargs.h: the arguments of a staff report (docs/reports.md) as they
 * arrive, as query values on the daemon or as words on the motcua command
 * line, and their one checker. Pure: no I/O, no clock, no allocation, no
 * globals (a fuzz target), so the CLI checks a report's arguments with
 * the daemon's own rules without linking the daemon.
 *
 * The names keep the report_ prefix of report/report.h, which includes
 * this header, so the callers did not change when it moved here. */
#ifndef REPORTARGS_H
#define REPORTARGS_H
#include <stddef.h>

#include "core/importrec.h"

#define REPORT_DAYS_LIMIT 3660 /* the largest max_days allowed */
#define REPORT_ARG_MAX    IMPORT_TEXT_MAX

/* How a report is split into groups. The same numbers as the store's
 * enum store_report_by (report.c checks it at compile time). */
enum report_by {
	REPORT_BY_NONE = 0,
	REPORT_BY_CHANNEL,
	REPORT_BY_AGENCY,
	REPORT_BY_FIELD,
	REPORT_BY_PROCEDURE,
	REPORT_BY_DAY,
	REPORT_BY_WEEK,
	REPORT_BY_MONTH,
};

/* One cell of a report, for the drill-down. The same numbers as the
 * store's enum store_report_cell (checked in report.c). */
enum report_cell {
	REPORT_CELL_RECEIVED = 1,
	REPORT_CELL_CARRIED,
	REPORT_CELL_EARLY,
	REPORT_CELL_ON_TIME,
	REPORT_CELL_LATE,
	REPORT_CELL_WITHIN_DUE,
	REPORT_CELL_OVERDUE,
	REPORT_CELL_RETURNED_POST,
};

enum report_format {
	RF_JSON = 0,
	RF_CSV,
	RF_XLSX,
	RF_HTML,
	RF_TABLE, /* the CLI's own rendering; the daemon answers JSON */
};

/* The raw arguments as they arrived (query values, CLI words); NULL when
 * absent. Borrowed. */
struct report_args {
	const char *from, *to, *agency, *field, *procedure, *by, *format;
	const char *cell, *channel; /* drill-down only */
};

/* The checked arguments: a plain value that owns nothing. */
struct report_params {
	int from_day, to_day;
	char agency[36];
	char field[REPORT_ARG_MAX];
	char procedure[65];
	int by;      /* enum report_by */
	int format;  /* enum report_format */
	int cell;    /* enum report_cell; 0 when not given */
	int channel; /* enum channel; 0 when not given */
};

/* Checks every argument: from and to required as YYYY-MM-DD real dates,
 * to not before from, at most max_days days; agency a well-formed code;
 * field and procedure bounded UTF-8; by one of channel, agency, field,
 * procedure, day, week, month; format one of the names in enum
 * report_format ("json" when absent); cell one of report_cell_name's
 * names and channel in_person, online or postal (both optional).
 * allow_formats is a bit mask of (1 << RF_...). Returns 0, or -1 with
 * "argument: problem" in err. */
int report_parse(const struct report_args *, int max_days,
    unsigned allow_formats, struct report_params *out, char *err,
    size_t errlen);
/* "channel", ... or NULL; the inverse parse. */
const char *report_by_name(int by);
/* "received", "carried_over", "early", "on_time", "late", "within_due",
 * "overdue", "returned_by_post" for enum report_cell, or NULL. */
const char *report_cell_name(int cell);
#endif
