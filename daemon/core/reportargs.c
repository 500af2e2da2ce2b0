/* reportargs.c: the report arguments' checker (see reportargs.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/reportargs.h"
#include "core/textfold.h"

static const char *const by_names[] = {
	[REPORT_BY_NONE] = "none",
	[REPORT_BY_CHANNEL] = "channel",
	[REPORT_BY_AGENCY] = "agency",
	[REPORT_BY_FIELD] = "field",
	[REPORT_BY_PROCEDURE] = "procedure",
	[REPORT_BY_DAY] = "day",
	[REPORT_BY_WEEK] = "week",
	[REPORT_BY_MONTH] = "month",
};
static const char *const format_names[] = {
	[RF_JSON] = "json",
	[RF_CSV] = "csv",
	[RF_XLSX] = "xlsx",
	[RF_HTML] = "html",
	[RF_TABLE] = "table",
};
static const char *const cell_names[] = {
	[REPORT_CELL_RECEIVED] = "received",
	[REPORT_CELL_CARRIED] = "carried_over",
	[REPORT_CELL_EARLY] = "early",
	[REPORT_CELL_ON_TIME] = "on_time",
	[REPORT_CELL_LATE] = "late",
	[REPORT_CELL_WITHIN_DUE] = "within_due",
	[REPORT_CELL_OVERDUE] = "overdue",
	[REPORT_CELL_RETURNED_POST] = "returned_by_post",
};
#define NCELLS   (sizeof(cell_names) / sizeof(cell_names[0]))
#define NBY      (sizeof(by_names) / sizeof(by_names[0]))
#define NFORMATS (sizeof(format_names) / sizeof(format_names[0]))

const char *
report_by_name(int by)
{
	return by >= 0 && (size_t)by < NBY ? by_names[by] : NULL;
}

const char *
report_cell_name(int cell)
{
	return cell >= REPORT_CELL_RECEIVED && (size_t)cell < NCELLS
	    ? cell_names[cell]
	    : NULL;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
parse_day(const char *name, const char *v, int *day, char *err, size_t errlen)
{
	if (v == NULL || v[0] == '\0')
		return fail(err, errlen, "%s: required (YYYY-MM-DD)", name);
	if (strlen(v) != 10 || cal_parse_date(v, 10, day) < 0)
		return fail(err, errlen,
		    "%s: not a real date in the form YYYY-MM-DD", name);
	return 0;
}

/* Free text for a filter: valid UTF-8, no control characters, bounded. */
static int
parse_text(const char *name, const char *v, char *out, size_t size, char *err,
    size_t errlen)
{
	size_t len;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	len = strlen(v);
	if (len == 0)
		return fail(err, errlen, "%s: empty", name);
	if (len >= size)
		return fail(err, errlen, "%s: longer than %zu bytes", name,
		    size - 1);
	if (!text_valid(v, len))
		return fail(err, errlen,
		    "%s: not valid UTF-8 text without control characters",
		    name);
	memcpy(out, v, len + 1);
	return 0;
}

int
report_parse(const struct report_args *a, int max_days, unsigned allow_formats,
    struct report_params *out, char *err, size_t errlen)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (parse_day("from", a->from, &out->from_day, err, errlen) < 0 ||
	    parse_day("to", a->to, &out->to_day, err, errlen) < 0)
		return -1;
	if (out->to_day < out->from_day)
		return fail(err, errlen, "to: before from");
	if (max_days < 1 || max_days > REPORT_DAYS_LIMIT)
		max_days = REPORT_DAYS_LIMIT;
	if (out->to_day - out->from_day + 1 > max_days)
		return fail(err, errlen,
		    "to: the period is longer than the maximum of %d days "
		    "(report.max_days)",
		    max_days);
	if (a->agency != NULL) {
		size_t len = strlen(a->agency);

		if (len == 0 || len > 35 ||
		    strspn(a->agency,
		        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.") != len)
			return fail(err, errlen,
			    "agency: must be 1-35 of A-Z, 0-9 and '.'");
		memcpy(out->agency, a->agency, len + 1);
	}
	if (parse_text("field", a->field, out->field, sizeof(out->field), err,
	        errlen) < 0 ||
	    parse_text("procedure", a->procedure, out->procedure,
	        sizeof(out->procedure), err, errlen) < 0)
		return -1;
	out->by = REPORT_BY_NONE;
	if (a->by != NULL) {
		for (i = 1; i < NBY; i++)
			if (strcmp(a->by, by_names[i]) == 0)
				break;
		if (i == NBY)
			return fail(err, errlen,
			    "by: must be channel, agency, field, procedure, "
			    "day, week or month");
		out->by = (int)i;
	}
	if (a->cell != NULL) {
		for (i = REPORT_CELL_RECEIVED; i < NCELLS; i++)
			if (strcmp(a->cell, cell_names[i]) == 0)
				break;
		if (i == NCELLS)
			return fail(err, errlen,
			    "cell: must be received, carried_over, early, "
			    "on_time, late, within_due, overdue or "
			    "returned_by_post");
		out->cell = (int)i;
	}
	if (a->channel != NULL) {
		out->channel = strcmp(a->channel, "in_person") == 0 ? 1
		    : strcmp(a->channel, "online") == 0             ? 2
		    : strcmp(a->channel, "postal") == 0             ? 3
		                                                    : 0;
		if (out->channel == 0)
			return fail(err, errlen,
			    "channel: must be in_person, online or postal");
	}
	out->format = RF_JSON;
	if (a->format != NULL) {
		for (i = 0; i < NFORMATS; i++)
			if ((allow_formats & (1u << i)) &&
			    strcmp(a->format, format_names[i]) == 0)
				break;
		if (i == NFORMATS) {
			char list[64] = "";

			for (i = 0; i < NFORMATS; i++)
				if (allow_formats & (1u << i)) {
					if (list[0] != '\0')
						strcat(list, ", ");
					strcat(list, format_names[i]);
				}
			return fail(err, errlen, "format: must be one of %s",
			    list);
		}
		out->format = (int)i;
	}
	return 0;
}
