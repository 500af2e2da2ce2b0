/* report.h: staff reports (docs/reports.md): argument checks, the run
 * over the store, and the outputs: JSON, CSV, XLSX (libxlsxwriter), the
 * A4 page of Biểu II.06a and the staff page with its SVG charts.
 *
 * The arguments and their checker, report_parse, are pure and live in
 * core/reportargs.h (a fuzz target; the CLI uses them too). A struct
 * report is a plain value owned by its creator: report_run fills it,
 * report_free releases it. Every output is a malloc'd buffer the caller
 * frees. */
#ifndef REPORT_H
#define REPORT_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/reportargs.h"
#include "store/store.h"

#define REPORT_GROUPS_MAX 20000       /* groups of one report */
#define REPORT_OUTPUT_MAX (32u << 20) /* bytes of any one output */
/* Where the report pages' styles and script are served (api_report_asset;
 * daemon/report/ui/): files, because the daemon's CSP blocks inline ones. */
#define REPORT_UI_PATH "/staff/reports/ui/"

struct report {
	struct report_params p;
	struct store_report_row total;
	struct store_unaccepted unaccepted; /* of the whole, not received */
	struct store_report_row *rows;      /* owned; n groups in order */
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
/* A workbook written by fill (its lxw_workbook *, libxlsxwriter's) in a
 * temporary file under tmpdir, read back: malloc'd bytes (*len), or NULL
 * with err. Shared by every XLSX the daemon serves. */
typedef void report_xlsx_fill(void *workbook, void *arg);
char *report_xlsx_write(report_xlsx_fill *fill, void *arg, const char *tmpdir,
    size_t *len, char *err, size_t errlen);
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
