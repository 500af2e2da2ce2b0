/* api_report.c: the report routes (docs/reports.md, docs/api.md). Staff
 * rows of the route table (daemon/routes.c), never on the public
 * listener. Reads only, so nothing is audited. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "report/api_report.h"
#include "lib/clock.h"
#include "report/report_json.h"
#include "core/calendar.h"
#include "lib/log.h"
#include "report/report.h"
#include "http/reply.h"
#include "store/storerc.h"

#define FORMATS_REPORT ((1u << RF_JSON) | (1u << RF_CSV) | (1u << RF_XLSX))
#define FORMATS_06A \
	((1u << RF_JSON) | (1u << RF_CSV) | (1u << RF_XLSX) | (1u << RF_HTML))

static const char ctype_csv[] = "text/csv; charset=utf-8";
static const char ctype_xlsx[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
static const char ctype_html[] = "text/html; charset=utf-8";

static void
reply_body(struct http_response *r, const char *ctype, char *body, size_t len)
{
	if (body == NULL) {
		reply_error(r, 500, "", "the report is too large to render");
		return;
	}
	r->status = 200;
	r->content_type = ctype;
	r->body = body;
	r->len = len;
}

/* The arguments of a request, checked; -1 after replying with the
 * problem. */
static int
params_of(const struct http_request *hr, const struct config *cfg,
    unsigned formats, struct report_params *p, struct http_response *r)
{
	struct report_args a = {
		.from = http_query(hr, "from"),
		.to = http_query(hr, "to"),
		.agency = http_query(hr, "agency"),
		.field = http_query(hr, "field"),
		.procedure = http_query(hr, "procedure"),
		.by = http_query(hr, "by"),
		.format = http_query(hr, "format"),
		.cell = http_query(hr, "cell"),
		.channel = http_query(hr, "channel"),
	};
	char err[256];

	/* an empty agency from the page's form means "all" */
	if (a.agency != NULL && a.agency[0] == '\0')
		a.agency = NULL;
	if (report_parse(&a, cfg->report_max_days, formats, p, err,
	        sizeof(err)) < 0) {
		reply_problem(r, 400, err);
		return -1;
	}
	return 0;
}

static const char *
tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && t[0] == '/' ? t : "/tmp";
}

static void
route_report(struct store *st, const struct config *cfg,
    const struct http_request *hr, struct http_response *r)
{
	struct report_params p;
	struct report rep;
	char err[STORE_ERR_MAX];
	enum store_rc rc;
	size_t len = 0;
	char *body;

	if (params_of(hr, cfg, FORMATS_REPORT, &p, r) < 0)
		return;
	if ((rc = report_run(st, &p, &rep, err)) != STORE_OK) {
		if (rc == STORE_ERROR)
			log_warnx("report: %s", err);
		reply_problem(r, storerc_status(rc), err);
		return;
	}
	if (p.format == RF_CSV) {
		body = report_csv(&rep, &len);
		reply_body(r, ctype_csv, body, len);
	} else if (p.format == RF_XLSX) {
		body = report_xlsx(&rep, false, cfg->office_name, tmpdir(),
		    &len, err, sizeof(err));
		if (body == NULL)
			log_warnx("report: %s", err);
		reply_body(r, ctype_xlsx, body, len);
	} else {
		reply_json(r, 200, report_json(&rep));
	}
	report_free(&rep);
}

/* The form in rep's format, into r. */
static void
render06a(const struct report *rep, const char *unit, struct http_response *r)
{
	char err[STORE_ERR_MAX];
	size_t len = 0;
	char *body;

	if (rep->p.format == RF_CSV) {
		body = report_06a_csv(rep, &len);
		reply_body(r, ctype_csv, body, len);
	} else if (rep->p.format == RF_XLSX) {
		body = report_xlsx(rep, true, unit, tmpdir(), &len, err,
		    sizeof(err));
		if (body == NULL)
			log_warnx("report: %s", err);
		reply_body(r, ctype_xlsx, body, len);
	} else if (rep->p.format == RF_HTML) {
		body = report_06a_html(rep, unit, &len);
		reply_body(r, ctype_html, body, len);
	} else {
		reply_json(r, 200, report_json(rep));
	}
}

static void
route_06a(struct store *st, const struct config *cfg,
    const struct http_request *hr, struct http_response *r)
{
	struct report_params p;
	struct report rep;
	char err[STORE_ERR_MAX];
	enum store_rc rc;

	if (params_of(hr, cfg, FORMATS_06A, &p, r) < 0)
		return;
	if (p.by != SR_BY_NONE && p.by != SR_BY_FIELD) {
		reply_error(r, 400, "by", "Biểu II.06a is always by field");
		return;
	}
	p.by = SR_BY_FIELD;
	if ((rc = report_run(st, &p, &rep, err)) != STORE_OK) {
		if (rc == STORE_ERROR)
			log_warnx("report: %s", err);
		reply_problem(r, storerc_status(rc), err);
		return;
	}
	render06a(&rep, cfg->office_name, r);
	report_free(&rep);
}

void
api_report_form06a(const struct route_ctx *c, const struct report_params *p,
    const struct store_report_row *rows, size_t n,
    const struct store_report_row *total,
    const struct store_unaccepted *unaccepted, struct http_response *r)
{
	struct report rep = { .p = *p,
		.total = *total,
		.unaccepted = *unaccepted,
		/* borrowed: report_free is not called on it */
		.rows = (struct store_report_row *)(uintptr_t)rows,
		.n = n };

	rep.p.by = SR_BY_FIELD;
	render06a(&rep, c->cfg->office_name, r);
}

#define CODES_MAX 10000 /* codes listed in one drill-down reply */

struct codes {
	char (*v)[49];
	size_t n, total;
};

static void
add_code(void *arg, const char *code)
{
	struct codes *c = arg;

	if (c->n < CODES_MAX && c->v != NULL)
		snprintf(c->v[c->n++], sizeof(c->v[0]), "%s", code);
	c->total++;
}

static int
code_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The drill-down: the dossier codes behind one number of the report
 * (only codes: never names or other personal data). */
static void
route_codes(struct store *st, const struct config *cfg,
    const struct http_request *hr, struct http_response *r, bool page)
{
	struct report_params p;
	struct store_report_q q;
	struct codes c = { 0 };
	char err[STORE_ERR_MAX];
	enum store_rc rc;
	size_t len = 0;
	json_t *arr;

	if (params_of(hr, cfg, (1u << RF_JSON) | (1u << RF_HTML), &p, r) < 0)
		return;
	if (p.cell == 0) {
		reply_error(r, 400, "cell", "required");
		return;
	}
	if (page && http_query(hr, "format") == NULL)
		p.format = RF_HTML;
	q = (struct store_report_q){ .from_day = p.from_day,
		.to_day = p.to_day,
		.agency = p.agency[0] ? p.agency : NULL,
		.field = p.field[0] ? p.field : NULL,
		.procedure = p.procedure[0] ? p.procedure : NULL };
	if ((c.v = calloc(CODES_MAX, sizeof(*c.v))) == NULL) {
		reply_error(r, 500, "", "out of memory");
		return;
	}
	rc = store_report_codes(st, &q, p.cell, p.channel, add_code, &c, err);
	if (rc != STORE_OK) {
		if (rc == STORE_ERROR)
			log_warnx("report: %s", err);
		free(c.v);
		reply_problem(r, storerc_status(rc), err);
		return;
	}
	qsort(c.v, c.n, sizeof(c.v[0]), code_cmp);
	if (p.format == RF_HTML) {
		char *body = report_codes_html(&p, c.v, c.n, c.total, &len);

		free(c.v);
		reply_body(r, ctype_html, body, len);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < c.n; i++)
		json_array_append_new(arr, json_string(c.v[i]));
	free(c.v);
	reply_json(r, 200,
	    json_pack("{s:s,s:s?,s:I,s:b,s:o}", "cell",
	        report_cell_name(p.cell), "channel",
	        p.channel == 1       ? "in_person"
	            : p.channel == 2 ? "online"
	            : p.channel == 3 ? "postal"
	                             : NULL,
	        "total", (json_int_t)c.total, "truncated", c.n < c.total,
	        "codes", arr));
}

/* The staff page. Without a period it shows the current month so far;
 * the charts are by day up to 62 days, else by week, unless by says. */
static void
route_page(struct store *st, const struct config *cfg,
    const struct http_request *hr, struct http_response *r)
{
	struct report_args a = {
		.from = http_query(hr, "from"),
		.to = http_query(hr, "to"),
		.agency = http_query(hr, "agency"),
		.by = http_query(hr, "by"),
	};
	struct report_params p;
	struct report sum, ser;
	char err[STORE_ERR_MAX], from[16], to[16];
	enum store_rc rc;
	int today, y, m, d;
	size_t len = 0;
	char *page;
	json_t *manifests;

	if (a.agency != NULL && a.agency[0] == '\0')
		a.agency = NULL;
	if (a.from == NULL && a.to == NULL) {
		today = cal_local_day(clock_wall_s());
		cal_ymd_from_day(today, &y, &m, &d);
		cal_format_date(cal_day_from_ymd(y, m, 1), from);
		cal_format_date(today, to);
		a.from = from;
		a.to = to;
	}
	if (a.by != NULL && strcmp(a.by, "day") != 0 &&
	    strcmp(a.by, "week") != 0 && strcmp(a.by, "month") != 0) {
		reply_error(r, 400, "by", "must be day, week or month");
		return;
	}
	if (report_parse(&a, cfg->report_max_days, 1u << RF_JSON, &p, err,
	        sizeof(err)) < 0) {
		reply_problem(r, 400, err);
		return;
	}
	if (a.by == NULL)
		p.by = p.to_day - p.from_day < 62 ? SR_BY_DAY : SR_BY_WEEK;
	if ((rc = report_run(st, &p, &ser, err)) != STORE_OK) {
		reply_problem(r, storerc_status(rc), err);
		return;
	}
	/* the series already carries the whole in its total */
	sum = ser;
	sum.p.by = SR_BY_NONE;
	manifests = report_json_manifests(st, 50);
	page = report_page(&sum, &ser, cfg->office_name, manifests, &len);
	json_decref(manifests);
	reply_body(r, ctype_html, page, len);
	report_free(&ser);
}

void
api_report_summary(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_report(c->store, c->cfg, hr, r);
}

void
api_report_06a(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_06a(c->store, c->cfg, hr, r);
}

void
api_report_codes(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_codes(c->store, c->cfg, hr, r, false);
}

void
api_report_codes_page(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_codes(c->store, c->cfg, hr, r, true);
}

void
api_report_page(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_page(c->store, c->cfg, hr, r);
}

/* daemon/report/report_assets.S */
extern const char report_css[], report_css_end[];
extern const char report_f06a_css[], report_f06a_css_end[];
extern const char report_js[], report_js_end[];

/* REPORT_UI_PATH{file}: the pages' styles and script, no-store like the
 * pages (a new build's page never meets an old cached file). */
void
api_report_asset(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	static const struct asset {
		const char *name, *type, *start, *end;
	} assets[] = {
		{ "reports.css", "text/css; charset=utf-8", report_css,
		    report_css_end },
		{ "f06a.css", "text/css; charset=utf-8", report_f06a_css,
		    report_f06a_css_end },
		{ "reports.js", "text/javascript; charset=utf-8", report_js,
		    report_js_end },
	};
	const char *file = route_param(pp, "file");

	(void)c;
	(void)hr;
	for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++) {
		if (strcmp(file, assets[i].name) == 0) {
			r->static_body = assets[i].start;
			r->len = (size_t)(assets[i].end - assets[i].start);
			r->content_type = assets[i].type;
			return;
		}
	}
	reply_error(r, 404, "path", "no such resource");
}
