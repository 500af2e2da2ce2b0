/* report.h: staff reports (docs/reports.md): argument checks, the run
 * over the store, and the outputs: JSON, CSV, XLSX (libxlsxwriter), the
 * A4 page of Biểu II.06a and the staff page with its SVG charts.
 *
 * report_parse is pure (a fuzz target). A struct report is a plain value
 * owned by its creator: report_run fills it, report_free releases it.
 * Every output is a malloc'd buffer the caller frees. */
#ifndef REPORT_H
#define REPORT_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "store/store.h"

#define REPORT_GROUPS_MAX 20000       /* groups of one report */
#define REPORT_OUTPUT_MAX (32u << 20) /* bytes of any one output */
#define REPORT_DAYS_LIMIT 3660        /* the largest max_days allowed */
#define REPORT_ARG_MAX    IMPORT_TEXT_MAX

enum report_format {
	RF_JSON = 0,
	RF_CSV,
	RF_XLSX,
	RF_HTML,
	RF_TABLE, /* the CLI's own rendering; the daemon answers JSON */
};

/* The raw arguments as they arrived (query values, CLI words); NULL when
 * absent. */
struct report_args {
	const char *from, *to, *agency, *field, *procedure, *by, *format;
	const char *cell, *channel; /* drill-down only */
};

struct report_params {
	int from_day, to_day;
	char agency[36];
	char field[REPORT_ARG_MAX];
	char procedure[65];
	int by;      /* enum store_report_by */
	int format;  /* enum report_format */
	int cell;    /* enum store_report_cell; 0 when not given */
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
 * "overdue", "returned_by_post" for enum store_report_cell, or NULL. */
const char *report_cell_name(int cell);

struct report {
	struct report_params p;
	struct store_report_row total;
	struct store_report_row *rows; /* owned; n groups in order */
	size_t n, cap;
};

/* Runs the report. Returns STORE_OK or the store's error with err set
 * ("agency: no such agency"); on error r holds nothing to free. */
enum store_rc report_run(struct store *, const struct report_params *,
    struct report *r, char err[STORE_ERR_MAX]);
void report_free(struct report *); /* idempotent */

/* The JSON document (docs/reports.md); the caller owns it. */
json_t *report_json(const struct report *);
/* CSV of the groups and a "total" row; NULL when out of memory. */
char *report_csv(const struct report *, size_t *len);

/* Biểu II.06a: r must have been run with by = SR_BY_FIELD. unit is the
 * reporting unit's name for the headings (may be ""). */
char *report_06a_csv(const struct report *, size_t *len);
char *report_06a_html(const struct report *, const char *unit, size_t *len);
/* XLSX bytes of the 06a form (form06a) or of the plain report, written
 * through a temporary file under tmpdir. NULL with err on failure. */
char *report_xlsx(const struct report *, bool form06a, const char *unit,
    const char *tmpdir, size_t *len, char *err, size_t errlen);

/* The drill-down list page: the codes (n of total, sorted) of one cell,
 * each a link to nothing but text (no personal data on it). */
char *report_codes_html(const struct report_params *, char (*codes)[49],
    size_t n, size_t total, size_t *len);

/* The staff page: period picker, summary, charts from series (run with
 * a time grouping), export links and the reconciliation sections;
 * manifests is report_json_manifests' object (borrowed; NULL: none). */
char *report_page(const struct report *summary, const struct report *series,
    const char *office, json_t *manifests, size_t *len);
#endif
