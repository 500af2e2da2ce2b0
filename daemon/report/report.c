/* report.c: staff reports (see report.h, docs/reports.md). The numbers
 * come from store_report; this file checks the arguments and renders
 * them. Every output is built in a bounded string buffer. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "core/calendar.h"
#include "core/csvcell.h"
#include "core/reportargs.h"
#include "core/textfold.h"
#include "report/report.h"

/* The argument vocabulary (core/reportargs.h, which the CLI shares) and
 * the store's query enums are one set of numbers: report_parse's result
 * goes to the store as it is. */
#define SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(SAME(REPORT_BY_NONE, SR_BY_NONE) &&
        SAME(REPORT_BY_CHANNEL, SR_BY_CHANNEL) &&
        SAME(REPORT_BY_AGENCY, SR_BY_AGENCY) &&
        SAME(REPORT_BY_FIELD, SR_BY_FIELD) &&
        SAME(REPORT_BY_PROCEDURE, SR_BY_PROCEDURE) &&
        SAME(REPORT_BY_DAY, SR_BY_DAY) && SAME(REPORT_BY_WEEK, SR_BY_WEEK) &&
        SAME(REPORT_BY_MONTH, SR_BY_MONTH),
    "enum report_by and enum store_report_by differ");
_Static_assert(SAME(REPORT_CELL_RECEIVED, SRC_RECEIVED) &&
        SAME(REPORT_CELL_CARRIED, SRC_CARRIED) &&
        SAME(REPORT_CELL_EARLY, SRC_EARLY) &&
        SAME(REPORT_CELL_ON_TIME, SRC_ON_TIME) &&
        SAME(REPORT_CELL_LATE, SRC_LATE) &&
        SAME(REPORT_CELL_WITHIN_DUE, SRC_WITHIN_DUE) &&
        SAME(REPORT_CELL_OVERDUE, SRC_OVERDUE) &&
        SAME(REPORT_CELL_RETURNED_POST, SRC_RETURNED_POST),
    "enum report_cell and enum store_report_cell differ");
#undef SAME

/* Writes the problem into err (when given); returns -1. */
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

/* ---- running ---- */

static int
collect(void *arg, const struct store_report_row *row)
{
	struct report *r = arg;
	struct store_report_row *n;
	size_t cap;

	if (r->n == r->cap) {
		if (r->cap >= REPORT_GROUPS_MAX)
			return -1;
		cap = r->cap ? r->cap * 2 : 64;
		if (cap > REPORT_GROUPS_MAX)
			cap = REPORT_GROUPS_MAX;
		if ((n = realloc(r->rows, cap * sizeof(*n))) == NULL)
			return -1;
		r->rows = n;
		r->cap = cap;
	}
	r->rows[r->n++] = *row;
	return 0;
}

enum store_rc
report_run(struct store *s, const struct report_params *p, struct report *r,
    char err[STORE_ERR_MAX])
{
	struct store_report_q q = {
		.from_day = p->from_day,
		.to_day = p->to_day,
		.agency = p->agency[0] ? p->agency : NULL,
		.field = p->field[0] ? p->field : NULL,
		.procedure = p->procedure[0] ? p->procedure : NULL,
		.by = p->by,
	};
	enum store_rc rc;

	memset(r, 0, sizeof(*r));
	r->p = *p;
	rc = store_report(s, &q, &r->total, collect, r, err);
	if (rc == STORE_OK)
		rc = store_report_unaccepted(s, &q, &r->unaccepted, err);
	if (rc == STORE_OK && r->n == REPORT_GROUPS_MAX) {
		snprintf(err, STORE_ERR_MAX, "by: more than %d groups",
		    REPORT_GROUPS_MAX);
		rc = STORE_INVALID;
	}
	if (rc != STORE_OK)
		report_free(r);
	return rc;
}

void
report_free(struct report *r)
{
	free(r->rows);
	r->rows = NULL;
	r->n = r->cap = 0;
}

/* ---- derived numbers ---- */

static int64_t
recv_total(const struct store_report_row *w)
{
	return w->received[0] + w->received[1] + w->received[2];
}

static int64_t
resolved_total(const struct store_report_row *w)
{
	return w->early + w->on_time + w->late;
}

static int64_t
pending_total(const struct store_report_row *w)
{
	return w->within_due + w->overdue;
}

static int64_t
rated_total(const struct store_report_row *w)
{
	return w->rating[0] + w->rating[1] + w->rating[2];
}

/* Shares in hundredths for the n counts of one whole. */
static void
pct3(const int64_t *c, size_t n, int *out)
{
	int64_t t = 0;

	for (size_t i = 0; i < n; i++)
		t += c[i];
	store_shares(c, n, t, out);
}

/* ---- JSON ---- */

static json_t *
part(const char *const *keys, const int64_t *c, size_t n, bool with_total)
{
	json_t *o = json_object(), *p = json_object();
	int pc[8];
	int64_t t = 0;

	pct3(c, n, pc);
	for (size_t i = 0; i < n; i++)
		t += c[i];
	if (with_total)
		json_object_set_new(o, "total", json_integer(t));
	for (size_t i = 0; i < n; i++) {
		json_object_set_new(o, keys[i], json_integer(c[i]));
		json_object_set_new(p, keys[i], json_real(pc[i] / 100.0));
	}
	json_object_set_new(o, "pct", p);
	return o;
}

static void
row_json(json_t *o, const struct store_report_row *w)
{
	static const char *const rk[] = { "in_person", "online", "postal" };
	static const char *const sk[] = { "early", "on_time", "late" };
	static const char *const pk[] = { "within_due", "overdue" };
	static const char *const vk[] = { "very_satisfied", "satisfied",
		"unsatisfied" };
	int64_t res[3] = { w->early, w->on_time, w->late };
	int64_t pend[2] = { w->within_due, w->overdue };
	json_t *rec = part(rk, w->received, 3, true);

	json_object_set_new(rec, "carried_over", json_integer(w->carried_over));
	json_object_set_new(o, "received", rec);
	json_object_set_new(o, "resolved", part(sk, res, 3, true));
	json_object_set_new(o, "pending", part(pk, pend, 2, true));
	json_object_set_new(o, "returned_by_post",
	    json_integer(w->returned_by_post));
	json_object_set_new(o, "satisfaction", part(vk, w->rating, 3, true));
}

json_t *
report_json(const struct report *r)
{
	char from[16], to[16];
	json_t *o = json_object(), *g, *f = json_object();

	cal_format_date(r->p.from_day, from);
	cal_format_date(r->p.to_day, to);
	json_object_set_new(o, "period",
	    json_pack("{s:s,s:s}", "from", from, "to", to));
	json_object_set_new(f, "agency",
	    r->p.agency[0] ? json_string(r->p.agency) : json_null());
	json_object_set_new(f, "field",
	    r->p.field[0] ? json_string(r->p.field) : json_null());
	json_object_set_new(f, "procedure",
	    r->p.procedure[0] ? json_string(r->p.procedure) : json_null());
	json_object_set_new(o, "filters", f);
	row_json(o, &r->total);
	/* outside "received": docs/reports.md */
	json_object_set_new(o, "not_accepted",
	    json_integer(r->unaccepted.not_accepted));
	json_object_set_new(o, "refused", json_integer(r->unaccepted.refused));
	if (r->p.by != SR_BY_NONE) {
		json_object_set_new(o, "by",
		    json_string(report_by_name(r->p.by)));
		g = json_array();
		for (size_t i = 0; i < r->n; i++) {
			json_t *row = json_object();

			json_object_set_new(row, "key",
			    json_string(r->rows[i].key));
			row_json(row, &r->rows[i]);
			json_array_append_new(g, row);
		}
		json_object_set_new(o, "groups", g);
	}
	return o;
}

/* ---- a bounded string buffer ---- */

struct sb {
	char *p;
	size_t len, cap;
	bool failed; /* out of memory or past REPORT_OUTPUT_MAX */
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > REPORT_OUTPUT_MAX ||
		    (p = realloc(b->p, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(struct sb *b, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->failed = true;
		return;
	}
	sb_add(b, tmp, (size_t)n);
}

/* Text in HTML, escaped. */
static void
sb_html(struct sb *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			sb_puts(b, "&lt;");
			break;
		case '>':
			sb_puts(b, "&gt;");
			break;
		case '&':
			sb_puts(b, "&amp;");
			break;
		case '"':
			sb_puts(b, "&quot;");
			break;
		case '\'':
			sb_puts(b, "&#39;");
			break;
		default:
			sb_add(b, s, 1);
		}
	}
}

static void
sb_put(void *arg, const char *s, size_t n)
{
	sb_add(arg, s, n);
}

/* A CSV field: the one rule of core/csvcell.h (quoting, and formulas
 * neutralised). */
static void
sb_csv(struct sb *b, const char *s)
{
	csvcell_write(s, sb_put, b);
}

static char *
sb_done(struct sb *b, size_t *len)
{
	if (b->failed || b->p == NULL) {
		free(b->p);
		return NULL;
	}
	*len = b->len;
	return b->p;
}

/* ---- CSV ---- */

static const char csv_header[] =
    "key,received_total,in_person,online,postal,carried_over,"
    "resolved_total,early,on_time,late,pending_total,within_due,overdue,"
    "returned_by_post,rated_total,very_satisfied,satisfied,unsatisfied,"
    "in_person_pct,online_pct,postal_pct,early_pct,on_time_pct,late_pct,"
    "very_satisfied_pct,satisfied_pct,unsatisfied_pct\n";

static void
csv_row(struct sb *b, const char *key, const struct store_report_row *w)
{
	int64_t res[3] = { w->early, w->on_time, w->late };
	int rp[3], sp[3], vp[3];

	pct3(w->received, 3, rp);
	pct3(res, 3, sp);
	pct3(w->rating, 3, vp);
	sb_csv(b, key);
	sb_printf(b,
	    ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
	    ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
	    ",%" PRId64 ",%" PRId64 ",%" PRId64,
	    recv_total(w), w->received[0], w->received[1], w->received[2],
	    w->carried_over, resolved_total(w), w->early, w->on_time, w->late,
	    pending_total(w), w->within_due, w->overdue, w->returned_by_post);
	sb_printf(b, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64,
	    rated_total(w), w->rating[0], w->rating[1], w->rating[2]);
	sb_printf(b, ",%d.%02d,%d.%02d,%d.%02d", rp[0] / 100, rp[0] % 100,
	    rp[1] / 100, rp[1] % 100, rp[2] / 100, rp[2] % 100);
	sb_printf(b, ",%d.%02d,%d.%02d,%d.%02d", sp[0] / 100, sp[0] % 100,
	    sp[1] / 100, sp[1] % 100, sp[2] / 100, sp[2] % 100);
	sb_printf(b, ",%d.%02d,%d.%02d,%d.%02d\n", vp[0] / 100, vp[0] % 100,
	    vp[1] / 100, vp[1] % 100, vp[2] / 100, vp[2] % 100);
}

char *
report_csv(const struct report *r, size_t *len)
{
	struct sb b = { 0 };

	sb_puts(&b, csv_header);
	for (size_t i = 0; i < r->n; i++)
		csv_row(&b, r->rows[i].key, &r->rows[i]);
	csv_row(&b, "total", &r->total);
	return sb_done(&b, len);
}

/* ---- Biểu II.06a ---- */

#define F06A_COLS 13
static const char *const f06a_head[F06A_COLS] = {
	"STT",
	"Lĩnh vực giải quyết",
	"Tổng số hồ sơ nhận giải quyết",
	"Số mới tiếp nhận trực tuyến",
	"Số mới tiếp nhận trực tiếp và qua dịch vụ bưu chính",
	"Số kỳ trước chuyển qua",
	"Tổng số hồ sơ đã giải quyết",
	"Trả trước hạn",
	"Trả đúng hạn",
	"Trả quá hạn",
	"Tổng số hồ sơ đang giải quyết",
	"Trong hạn",
	"Quá hạn",
};
#define F06A_NO_FIELD "(Chưa xác định lĩnh vực)"
#define F06A_TOTAL    "Tổng cộng"

/* Columns 3..13 of one row, in form order. */
static void
f06a_values(const struct store_report_row *w, int64_t v[F06A_COLS - 2])
{
	v[0] = recv_total(w) + w->carried_over;
	v[1] = w->received[1];
	v[2] = w->received[0] + w->received[2];
	v[3] = w->carried_over;
	v[4] = resolved_total(w);
	v[5] = w->early;
	v[6] = w->on_time;
	v[7] = w->late;
	v[8] = pending_total(w);
	v[9] = w->within_due;
	v[10] = w->overdue;
}

static const char *
f06a_label(const struct store_report_row *w)
{
	return w->key[0] != '\0' ? w->key : F06A_NO_FIELD;
}

static void
period_text(const struct report *r, char *buf, size_t size)
{
	int y1, m1, d1, y2, m2, d2;

	cal_ymd_from_day(r->p.from_day, &y1, &m1, &d1);
	cal_ymd_from_day(r->p.to_day, &y2, &m2, &d2);
	snprintf(buf, size, "Từ ngày %02d/%02d/%04d đến ngày %02d/%02d/%04d",
	    d1, m1, y1, d2, m2, y2);
}

char *
report_06a_csv(const struct report *r, size_t *len)
{
	struct sb b = { 0 };
	int64_t v[F06A_COLS - 2];
	size_t i;
	int c;

	for (c = 0; c < F06A_COLS; c++) {
		if (c > 0)
			sb_puts(&b, ",");
		sb_csv(&b, f06a_head[c]);
	}
	sb_puts(&b, "\n");
	for (c = 1; c <= F06A_COLS; c++)
		sb_printf(&b, "%s(%d)", c > 1 ? "," : "", c);
	sb_puts(&b, "\n");
	for (i = 0; i < r->n; i++) {
		sb_printf(&b, "%zu,", i + 1);
		sb_csv(&b, f06a_label(&r->rows[i]));
		f06a_values(&r->rows[i], v);
		for (c = 0; c < F06A_COLS - 2; c++)
			sb_printf(&b, ",%" PRId64, v[c]);
		sb_puts(&b, "\n");
	}
	sb_puts(&b, "," F06A_TOTAL);
	f06a_values(&r->total, v);
	for (c = 0; c < F06A_COLS - 2; c++)
		sb_printf(&b, ",%" PRId64, v[c]);
	sb_puts(&b, "\n");
	return sb_done(&b, len);
}

static void
f06a_table_html(struct sb *b, const struct report *r)
{
	int64_t v[F06A_COLS - 2];
	int c;

	sb_puts(b,
	    "<table class=\"f06a\"><thead><tr>"
	    "<th rowspan=\"2\">STT</th>"
	    "<th rowspan=\"2\">Lĩnh vực giải quyết</th>"
	    "<th colspan=\"4\">Số hồ sơ nhận giải quyết</th>"
	    "<th colspan=\"4\">Kết quả giải quyết: đã giải quyết</th>"
	    "<th colspan=\"3\">Đang giải quyết</th></tr><tr>");
	for (c = 2; c < F06A_COLS; c++) {
		sb_puts(b, "<th>");
		sb_html(b, f06a_head[c]);
		sb_puts(b, "</th>");
	}
	sb_puts(b, "</tr><tr class=\"no\">");
	for (c = 1; c <= F06A_COLS; c++)
		sb_printf(b, "<td>(%d)</td>", c);
	sb_puts(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < r->n; i++) {
		sb_printf(b, "<tr><td>%zu</td><td class=\"l\">", i + 1);
		sb_html(b, f06a_label(&r->rows[i]));
		sb_puts(b, "</td>");
		f06a_values(&r->rows[i], v);
		for (c = 0; c < F06A_COLS - 2; c++)
			sb_printf(b, "<td>%" PRId64 "</td>", v[c]);
		sb_puts(b, "</tr>");
	}
	sb_puts(b,
	    "<tr class=\"sum\"><td></td><td class=\"l\">" F06A_TOTAL "</td>");
	f06a_values(&r->total, v);
	for (c = 0; c < F06A_COLS - 2; c++)
		sb_printf(b, "<td>%" PRId64 "</td>", v[c]);
	sb_puts(b, "</tr></tbody></table>");
}

char *
report_06a_html(const struct report *r, const char *unit, size_t *len)
{
	struct sb b = { 0 };
	char period[96];

	period_text(r, period, sizeof(period));
	sb_puts(&b,
	    "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<title>Biểu số II.06a/VPCP/KSTT</title>"
	    /* a file: the daemon's CSP blocks inline styles */
	    "<link rel=\"stylesheet\" href=\"" REPORT_UI_PATH "f06a.css\">"
	    "</head><body><p class=\"form\">Biểu số "
	    "II.06a/VPCP/KSTT</p><p>");
	sb_html(&b, unit != NULL && unit[0] ? unit : "Đơn vị báo cáo");
	sb_puts(&b,
	    "</p><h1>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI "
	    "BỘ PHẬN MỘT CỬA</h1><p>Kỳ báo cáo: ");
	sb_html(&b, period);
	sb_puts(&b, "</p><p class=\"form\">Đơn vị tính: số hồ sơ TTHC</p>");
	f06a_table_html(&b, r);
	sb_puts(&b, "</body></html>\n");
	return sb_done(&b, len);
}

/* ---- XLSX ---- */

static char *
read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *p = NULL;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    (size_t)n > REPORT_OUTPUT_MAX || fseek(f, 0, SEEK_SET) != 0 ||
	    (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		fail(err, errlen, "xlsx: reading the workbook back: %s",
		    strerror(errno ? errno : EIO));
		free(p);
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
xlsx_06a(lxw_workbook *wb, const struct report *r, const char *unit)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "II.06a");
	lxw_format *title = workbook_add_format(wb);
	lxw_format *head = workbook_add_format(wb);
	lxw_format *cell = workbook_add_format(wb);
	lxw_format *bold = workbook_add_format(wb);
	int64_t v[F06A_COLS - 2];
	char period[96];
	lxw_row_t row;
	int c;

	format_set_bold(title);
	format_set_align(title, LXW_ALIGN_CENTER);
	format_set_bold(head);
	format_set_text_wrap(head);
	format_set_align(head, LXW_ALIGN_CENTER);
	format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_border(cell, LXW_BORDER_THIN);
	format_set_border(bold, LXW_BORDER_THIN);
	format_set_bold(bold);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_set_column(ws, 0, 0, 6, NULL);
	worksheet_set_column(ws, 1, 1, 36, NULL);
	worksheet_set_column(ws, 2, F06A_COLS - 1, 13, NULL);
	period_text(r, period, sizeof(period));
	worksheet_write_string(ws, 0, 0, "Biểu số II.06a/VPCP/KSTT", NULL);
	worksheet_write_string(ws, 1, 0,
	    unit != NULL && unit[0] ? unit : "Đơn vị báo cáo", NULL);
	worksheet_merge_range(ws, 2, 0, 2, F06A_COLS - 1,
	    "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI BỘ PHẬN MỘT CỬA", title);
	worksheet_merge_range(ws, 3, 0, 3, F06A_COLS - 1, period, NULL);
	worksheet_write_string(ws, 4, 0, "Đơn vị tính: số hồ sơ TTHC", NULL);
	/* the header: group row, column names, column numbers */
	worksheet_merge_range(ws, 5, 2, 5, 5, "Số hồ sơ nhận giải quyết", head);
	worksheet_merge_range(ws, 5, 6, 5, 9, "Đã giải quyết", head);
	worksheet_merge_range(ws, 5, 10, 5, 12, "Đang giải quyết", head);
	worksheet_write_blank(ws, 5, 0, head);
	worksheet_write_blank(ws, 5, 1, head);
	worksheet_set_row(ws, 6, 60, NULL);
	for (c = 0; c < F06A_COLS; c++) {
		char no[16];

		worksheet_write_string(ws, 6, (lxw_col_t)c, f06a_head[c], head);
		snprintf(no, sizeof(no), "(%d)", c + 1);
		worksheet_write_string(ws, 7, (lxw_col_t)c, no, head);
	}
	row = 8;
	for (size_t i = 0; i < r->n; i++, row++) {
		worksheet_write_number(ws, row, 0, (double)(i + 1), cell);
		worksheet_write_string(ws, row, 1, f06a_label(&r->rows[i]),
		    cell);
		f06a_values(&r->rows[i], v);
		for (c = 0; c < F06A_COLS - 2; c++)
			worksheet_write_number(ws, row, (lxw_col_t)(c + 2),
			    (double)v[c], cell);
	}
	worksheet_write_blank(ws, row, 0, bold);
	worksheet_write_string(ws, row, 1, F06A_TOTAL, bold);
	f06a_values(&r->total, v);
	for (c = 0; c < F06A_COLS - 2; c++)
		worksheet_write_number(ws, row, (lxw_col_t)(c + 2),
		    (double)v[c], bold);
}

/* The plain report: the CSV's columns, numbers as numbers. */
static void
xlsx_plain(lxw_workbook *wb, const struct report *r)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "report");
	lxw_format *head = workbook_add_format(wb);
	lxw_format *pct = workbook_add_format(wb);
	char *hdr = strdup(csv_header), *tok, *save = NULL;
	lxw_col_t c = 0;

	format_set_bold(head);
	format_set_num_format(pct, "0.00");
	for (tok = hdr ? strtok_r(hdr, ",\n", &save) : NULL; tok != NULL;
	     tok = strtok_r(NULL, ",\n", &save))
		worksheet_write_string(ws, 0, c++, tok, head);
	free(hdr);
	for (size_t i = 0; i <= r->n; i++) {
		const struct store_report_row *w =
		    i < r->n ? &r->rows[i] : &r->total;
		int64_t res[3] = { w->early, w->on_time, w->late };
		int64_t nums[17] = { recv_total(w), w->received[0],
			w->received[1], w->received[2], w->carried_over,
			resolved_total(w), w->early, w->on_time, w->late,
			pending_total(w), w->within_due, w->overdue,
			w->returned_by_post, rated_total(w), w->rating[0],
			w->rating[1], w->rating[2] };
		int p[9];
		lxw_row_t row = (lxw_row_t)(i + 1);

		pct3(w->received, 3, p);
		pct3(res, 3, p + 3);
		pct3(w->rating, 3, p + 6);
		worksheet_write_string(ws, row, 0, i < r->n ? w->key : "total",
		    NULL);
		for (c = 0; c < 17; c++)
			worksheet_write_number(ws, row, c + 1, (double)nums[c],
			    NULL);
		for (c = 0; c < 9; c++)
			worksheet_write_number(ws, row, c + 18, p[c] / 100.0,
			    pct);
	}
}

/* The report's sheets, for report_xlsx_write. */
struct xlsx_report {
	const struct report *r;
	bool form06a;
	const char *unit;
};

static void
xlsx_report_fill(void *wb, void *arg)
{
	const struct xlsx_report *x = arg;

	if (x->form06a)
		xlsx_06a(wb, x->r, x->unit);
	else
		xlsx_plain(wb, x->r);
}

char *
report_xlsx(const struct report *r, bool form06a, const char *unit,
    const char *tmpdir, size_t *len, char *err, size_t errlen)
{
	struct xlsx_report x = { r, form06a, unit };

	return report_xlsx_write(xlsx_report_fill, &x, tmpdir, len, err,
	    errlen);
}

char *
report_xlsx_write(report_xlsx_fill *fill, void *arg, const char *tmpdir,
    size_t *len, char *err, size_t errlen)
{
	lxw_workbook_options opt = { 0 };
	char path[512];
	lxw_workbook *wb;
	lxw_error e;
	char *out;
	int fd;

	if (tmpdir == NULL || tmpdir[0] == '\0')
		tmpdir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/motcua-report-XXXXXX",
	        tmpdir) >= sizeof(path) ||
	    (fd = mkstemp(path)) < 0) {
		fail(err, errlen, "xlsx: cannot create a temporary file in %s",
		    tmpdir);
		return NULL;
	}
	close(fd);
	opt.tmpdir = (char *)(uintptr_t)tmpdir; /* the API's char *; unread */
	if ((wb = workbook_new_opt(path, &opt)) == NULL) {
		unlink(path);
		fail(err, errlen, "xlsx: cannot start the workbook");
		return NULL;
	}
	fill(wb, arg);
	if ((e = workbook_close(wb)) != LXW_NO_ERROR) {
		unlink(path);
		fail(err, errlen, "xlsx: %s", lxw_strerror(e));
		return NULL;
	}
	out = read_all(path, len, err, errlen);
	unlink(path);
	return out;
}

/* ---- the staff page ---- */

static const char *const channel_colours[3] = { "#3b6ea5", "#2e9d5b",
	"#d08a1c" };
static const char *const result_colours[3] = { "#2e9d5b", "#3b6ea5",
	"#c0392b" };

#define CH_W 720
#define CH_H 240
#define CH_L 48 /* left margin for the axis labels */
#define CH_B 40 /* bottom margin for the bucket labels */
#define CH_T 28

static int64_t
nice_max(int64_t m)
{
	int64_t step = 1;

	if (m < 4)
		return 4;
	while (step * 10 < m)
		step *= 10;
	return (m + step - 1) / step * step;
}

static void
svg_axes(struct sb *b, int64_t max, const char *title)
{
	int plot_h = CH_H - CH_T - CH_B;

	sb_printf(b, "<text x=\"%d\" y=\"16\" class=\"t\">", CH_L);
	sb_html(b, title);
	sb_puts(b, "</text>");
	for (int i = 0; i <= 4; i++) {
		int y = CH_T + plot_h - plot_h * i / 4;

		sb_printf(b,
		    "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
		    "class=\"g\"/><text x=\"%d\" y=\"%d\" class=\"a\" "
		    "text-anchor=\"end\">%" PRId64 "</text>",
		    CH_L, CH_W - 8, y, y, CH_L - 4, y + 4, max * i / 4);
	}
}

/* Bucket labels under the plot, thinned so they do not overlap. */
static void
svg_labels(struct sb *b, const struct report *s, double slot)
{
	size_t every = s->n > 0 ? (s->n + 11) / 12 : 1;

	for (size_t i = 0; i < s->n; i += every) {
		sb_printf(b,
		    "<text x=\"%.1f\" y=\"%d\" class=\"a\" "
		    "text-anchor=\"middle\">",
		    CH_L + slot * ((double)i + 0.5), CH_H - CH_B + 14);
		sb_html(b, s->rows[i].key);
		sb_puts(b, "</text>");
	}
}

static void
svg_legend(struct sb *b, const char *const *names, const char *const *colours,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int x = CH_L + (int)i * 150;

		sb_printf(b,
		    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		    "fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"a\">",
		    x, CH_H - 14, colours[i], x + 14, CH_H - 5);
		sb_html(b, names[i]);
		sb_puts(b, "</text>");
	}
}

typedef void row_values(const struct store_report_row *, int64_t *out);

static void
vals_channel(const struct store_report_row *w, int64_t *o)
{
	memcpy(o, w->received, 3 * sizeof(*o));
}

static void
vals_result(const struct store_report_row *w, int64_t *o)
{
	o[0] = w->early;
	o[1] = w->on_time;
	o[2] = w->late;
}

/* Stacked bars: one bar per bucket, 3 series. */
static void
svg_stacked(struct sb *b, const char *id, const char *title,
    const struct report *s, row_values *fn, const char *const *names,
    const char *const *colours)
{
	int plot_h = CH_H - CH_T - CH_B;
	double slot = s->n ? (double)(CH_W - CH_L - 8) / (double)s->n : 1;
	int64_t max = 0, v[3], sum;

	for (size_t i = 0; i < s->n; i++) {
		fn(&s->rows[i], v);
		if ((sum = v[0] + v[1] + v[2]) > max)
			max = sum;
	}
	max = nice_max(max);
	sb_printf(b,
	    "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
	    id, CH_W, CH_H, CH_W, CH_H);
	svg_axes(b, max, title);
	for (size_t i = 0; i < s->n; i++) {
		double x = CH_L + slot * (double)i + slot * 0.15;
		double y = CH_T + plot_h;

		fn(&s->rows[i], v);
		for (int k = 0; k < 3; k++) {
			double h = (double)v[k] * plot_h / (double)max;

			if (v[k] == 0)
				continue;
			y -= h;
			sb_printf(b,
			    "<rect class=\"bar s%d\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			    "<title>",
			    k, x, y, slot * 0.7, h, colours[k]);
			sb_html(b, s->rows[i].key);
			sb_printf(b, " %s: %" PRId64 "</title></rect>",
			    names[k], v[k]);
		}
	}
	svg_labels(b, s, slot);
	svg_legend(b, names, colours, 3);
	sb_puts(b, "</svg>");
}

/* Lines: pending (all open) and overdue at each bucket's end. */
static void
svg_trend(struct sb *b, const struct report *s)
{
	static const char *const names[2] = { "Đang giải quyết", "Quá hạn" };
	static const char *const colours[2] = { "#3b6ea5", "#c0392b" };
	int plot_h = CH_H - CH_T - CH_B;
	double slot = s->n ? (double)(CH_W - CH_L - 8) / (double)s->n : 1;
	int64_t max = 0;

	for (size_t i = 0; i < s->n; i++)
		if (pending_total(&s->rows[i]) > max)
			max = pending_total(&s->rows[i]);
	max = nice_max(max);
	sb_printf(b,
	    "<svg id=\"chart-pending\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
	    CH_W, CH_H, CH_W, CH_H);
	svg_axes(b, max, "Hồ sơ đang giải quyết và quá hạn (cuối mỗi kỳ)");
	for (int k = 0; k < 2; k++) {
		sb_printf(b,
		    "<polyline class=\"line s%d\" fill=\"none\" "
		    "stroke=\"%s\" stroke-width=\"2\" points=\"",
		    k, colours[k]);
		for (size_t i = 0; i < s->n; i++) {
			int64_t v = k == 0 ? pending_total(&s->rows[i])
			                   : s->rows[i].overdue;

			sb_printf(b, "%.1f,%.1f ",
			    CH_L + slot * ((double)i + 0.5),
			    CH_T + plot_h - (double)v * plot_h / (double)max);
		}
		sb_puts(b, "\"/>");
	}
	svg_labels(b, s, slot);
	svg_legend(b, names, colours, 2);
	sb_puts(b, "</svg>");
}

static void
page_query(struct sb *b, const struct report *r, const char *by)
{
	char from[16], to[16];

	cal_format_date(r->p.from_day, from);
	cal_format_date(r->p.to_day, to);
	sb_printf(b, "from=%s&amp;to=%s", from, to);
	if (r->p.agency[0])
		sb_printf(b, "&amp;agency=%s", r->p.agency);
	if (by != NULL)
		sb_printf(b, "&amp;by=%s", by);
}

/* The link to the drill-down list of one cell (channel 0: all). */
static void
cell_link(struct sb *b, const struct report *r, int from_day, int to_day,
    int cell, int channel, int64_t n)
{
	static const char *const ch[] = { "", "in_person", "online", "postal" };
	char from[16], to[16];

	cal_format_date(from_day, from);
	cal_format_date(to_day, to);
	sb_printf(b,
	    "<a class=\"cell\" href=\"/staff/reports/dossiers?from=%s&amp;"
	    "to=%s&amp;cell=%s",
	    from, to, report_cell_name(cell));
	if (r->p.agency[0])
		sb_printf(b, "&amp;agency=%s", r->p.agency);
	if (channel > 0)
		sb_printf(b, "&amp;channel=%s", ch[channel]);
	sb_printf(b, "\">%" PRId64 "</a>", n);
}

static void
summary_line(struct sb *b, const struct report *r, const char *label, int64_t n,
    int pct_h, bool with_pct, int cell, int channel)
{
	sb_puts(b, "<tr><th>");
	sb_html(b, label);
	sb_puts(b, "</th><td class=\"n\">");
	if (cell > 0)
		cell_link(b, r, r->p.from_day, r->p.to_day, cell, channel, n);
	else
		sb_printf(b, "%" PRId64, n);
	sb_puts(b, "</td>");
	if (with_pct)
		sb_printf(b, "<td class=\"n\">%d.%02d%%</td>", pct_h / 100,
		    pct_h % 100);
	else
		sb_puts(b, "<td></td>");
	sb_puts(b, "</tr>");
}

static void
page_summary(struct sb *b, const struct report *r)
{
	const struct store_report_row *w = &r->total;
	int64_t res[3] = { w->early, w->on_time, w->late };
	int64_t pend[2] = { w->within_due, w->overdue };
	int rp[3], sp[3], pp[2], vp[3];

	pct3(w->received, 3, rp);
	pct3(res, 3, sp);
	pct3(pend, 2, pp);
	pct3(w->rating, 3, vp);
	sb_puts(b, "<table id=\"summary\" class=\"sum\"><tbody>");
	summary_line(b, r, "Tiếp nhận mới (received)", recv_total(w), 0, false,
	    SRC_RECEIVED, 0);
	summary_line(b, r, "· trực tiếp (in person)", w->received[0], rp[0],
	    true, SRC_RECEIVED, 1);
	summary_line(b, r, "· trực tuyến (online)", w->received[1], rp[1], true,
	    SRC_RECEIVED, 2);
	summary_line(b, r, "· bưu chính (postal)", w->received[2], rp[2], true,
	    SRC_RECEIVED, 3);
	summary_line(b, r, "Kỳ trước chuyển qua (carried over)",
	    w->carried_over, 0, false, SRC_CARRIED, 0);
	summary_line(b, r, "Đã giải quyết (resolved)", resolved_total(w), 0,
	    false, 0, 0);
	summary_line(b, r, "· trước hạn (early)", w->early, sp[0], true,
	    SRC_EARLY, 0);
	summary_line(b, r, "· đúng hạn (on time)", w->on_time, sp[1], true,
	    SRC_ON_TIME, 0);
	summary_line(b, r, "· quá hạn (late)", w->late, sp[2], true, SRC_LATE,
	    0);
	summary_line(b, r, "Đang giải quyết (pending)", pending_total(w), 0,
	    false, 0, 0);
	summary_line(b, r, "· trong hạn (within due)", w->within_due, pp[0],
	    true, SRC_WITHIN_DUE, 0);
	summary_line(b, r, "· quá hạn (overdue)", w->overdue, pp[1], true,
	    SRC_OVERDUE, 0);
	summary_line(b, r, "Trả kết quả qua bưu chính (returned by post)",
	    w->returned_by_post, 0, false, SRC_RETURNED_POST, 0);
	summary_line(b, r, "Đánh giá (ratings)", rated_total(w), 0, false, 0,
	    0);
	summary_line(b, r, "· rất hài lòng (very satisfied)", w->rating[0],
	    vp[0], true, 0, 0);
	summary_line(b, r, "· hài lòng (satisfied)", w->rating[1], vp[1], true,
	    0, 0);
	summary_line(b, r, "· không hài lòng (unsatisfied)", w->rating[2],
	    vp[2], true, 0, 0);
	sb_puts(b, "</tbody></table>");
}

/* The first local day of series bucket i (its key is a date, or YYYY-MM
 * for months), clipped to the period. */
static int
bucket_first_day(const struct report *s, size_t i)
{
	const char *k = s->rows[i].key;
	int day = s->p.from_day, y, m;

	if (strlen(k) == 10)
		cal_parse_date(k, 10, &day);
	else if (sscanf(k, "%4d-%2d", &y, &m) == 2 && cal_valid_ymd(y, m, 1))
		day = cal_day_from_ymd(y, m, 1);
	return day < s->p.from_day ? s->p.from_day : day;
}

/* Local counts per channel and bucket, each drilling down to its codes,
 * beside the upstream column that the sync module will fill. */
static void
page_reconcile(struct sb *b, const struct report *s)
{
	static const char *const ch[3] = { "Trực tiếp", "Trực tuyến",
		"Bưu chính" };

	sb_puts(b,
	    "<table id=\"recon-local\" class=\"sum\"><thead><tr>"
	    "<th>Kỳ</th>");
	for (int c = 0; c < 3; c++) {
		sb_puts(b, "<th>");
		sb_html(b, ch[c]);
		sb_puts(b, "</th>");
	}
	sb_puts(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < s->n; i++) {
		int first = bucket_first_day(s, i);
		int last =
		    i + 1 < s->n ? bucket_first_day(s, i + 1) - 1 : s->p.to_day;

		sb_puts(b, "<tr><th>");
		sb_html(b, s->rows[i].key);
		sb_puts(b, "</th>");
		for (int c = 0; c < 3; c++) {
			sb_puts(b, "<td class=\"n\">");
			cell_link(b, s, first, last, SRC_RECEIVED, c + 1,
			    s->rows[i].received[c]);
			sb_puts(b, "</td>");
		}
		sb_puts(b, "</tr>");
	}
	sb_puts(b, "</tbody></table>");
}

/* The period's counts per channel against upstream's: the local column
 * here, the upstream and difference columns filled by reports.js from
 * the sync module's verify, which asks upstream (docs/reports.md). */
static void
page_upstream(struct sb *b, const struct report *s)
{
	static const char *const ch[3] = { "Trực tiếp", "Trực tuyến",
		"Bưu chính" };
	char f[16], t[16];

	cal_format_date(s->p.from_day, f);
	cal_format_date(s->p.to_day, t);
	sb_printf(b,
	    "<table id=\"recon-upstream-table\" class=\"sum\" "
	    "data-from=\"%s\" data-to=\"%s\"><thead><tr><th>Kênh (channel)"
	    "</th><th>Tại đây (local)</th><th>Cấp trên (upstream)</th>"
	    "<th>Chênh lệch (difference)</th></tr></thead><tbody>",
	    f, t);
	for (int c = 0; c < 3; c++) {
		int64_t n = 0;

		for (size_t i = 0; i < s->n; i++)
			n += s->rows[i].received[c];
		sb_puts(b, "<tr><th>");
		sb_html(b, ch[c]);
		sb_printf(b,
		    "</th><td class=\"n\" data-local=\"%d\">%" PRId64
		    "</td><td class=\"na\" data-up=\"%d\">…</td>"
		    "<td class=\"na\" data-diff=\"%d\">…</td></tr>",
		    c + 1, n, c + 1, c + 1);
	}
	sb_puts(b,
	    "</tbody></table><p id=\"recon-status\"></p>"
	    "<div id=\"recon-missing\"></div><div id=\"recon-unknown\">"
	    "</div>");
}

char *
report_codes_html(const struct report_params *p, char (*codes)[49], size_t n,
    size_t total, size_t *len)
{
	struct sb b = { 0 };
	char from[16], to[16];

	cal_format_date(p->from_day, from);
	cal_format_date(p->to_day, to);
	sb_puts(&b,
	    "<!doctype html><html lang=\"vi\"><head><meta "
	    "charset=\"utf-8\"><title>Danh sách hồ sơ</title>"
	    "<link rel=\"stylesheet\" href=\"" REPORT_UI_PATH "reports.css\">"
	    "</head><body>"
	    "<h1>Danh sách hồ sơ (dossier codes)</h1><p id=\"what\">");
	sb_html(&b, report_cell_name(p->cell) ? report_cell_name(p->cell) : "");
	if (p->channel > 0)
		sb_printf(&b, ", %s",
		    p->channel == 2       ? "online"
		        : p->channel == 3 ? "postal"
		                          : "in_person");
	sb_printf(&b, ", %s – %s: %zu", from, to, total);
	if (n < total)
		sb_printf(&b, " (the first %zu shown)", n);
	sb_puts(&b, "</p><ol id=\"codes\">");
	for (size_t i = 0; i < n; i++) {
		sb_puts(&b, "<li>");
		sb_html(&b, codes[i]);
		sb_puts(&b, "</li>");
	}
	/* a plain link back: a javascript: URL is an inline script */
	sb_printf(&b,
	    "</ol><p><a id=\"back\" href=\"/staff/reports?from=%s&amp;to=%s\">"
	    "← Báo cáo (reports)</a></p></body></html>\n",
	    from, to);
	return sb_done(&b, len);
}

/* The postal manifests' reconciliation (report_json_manifests). */
static void
page_postal(struct sb *b, json_t *manifests)
{
	json_t *list = json_object_get(manifests, "manifests"), *m;
	size_t i;

	sb_puts(b,
	    "<h3>Bảng kê bưu chính (postal manifests against registered "
	    "items)</h3>");
	if (json_array_size(list) == 0) {
		sb_puts(b,
		    "<p id=\"recon-postal\">No postal manifests yet "
		    "(docs/api.md, \"Postal\").</p>");
		return;
	}
	sb_puts(b,
	    "<table id=\"recon-postal\"><tr><th>Manifest</th>"
	    "<th>Closed</th><th>Items</th><th>Arrived</th>"
	    "<th>Missing</th><th>Unexpected</th><th>State</th></tr>");
	json_array_foreach(list, i, m) {
		sb_puts(b, "<tr><td>");
		sb_html(b, json_string_value(json_object_get(m, "id")));
		sb_puts(b, "</td><td>");
		sb_html(b, json_string_value(json_object_get(m, "closed_at")));
		sb_printf(b,
		    "</td><td>%lld</td><td>%lld</td><td>%lld</td>"
		    "<td>%lld</td><td>",
		    (long long)json_integer_value(json_object_get(m, "count")),
		    (long long)json_integer_value(
		        json_object_get(m, "arrived")),
		    (long long)json_integer_value(
		        json_object_get(m, "missing")),
		    (long long)json_integer_value(
		        json_object_get(m, "unexpected")));
		sb_html(b, json_string_value(json_object_get(m, "state")));
		sb_puts(b, "</td></tr>");
	}
	sb_puts(b, "</table>");
}

char *
report_page(const struct report *sum, const struct report *ser,
    const char *office, json_t *manifests, size_t *len)
{
	static const char *const ch_names[3] = { "Trực tiếp", "Trực tuyến",
		"Bưu chính" };
	static const char *const res_names[3] = { "Trước hạn", "Đúng hạn",
		"Quá hạn" };
	struct sb b = { 0 };
	char from[16], to[16];

	cal_format_date(sum->p.from_day, from);
	cal_format_date(sum->p.to_day, to);
	sb_puts(&b,
	    "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>Báo cáo – motcua</title>"
	    "<link rel=\"stylesheet\" href=\"" REPORT_UI_PATH "reports.css\">"
	    "<script src=\"" REPORT_UI_PATH "reports.js\" defer></script>"
	    "</head><body><h1>Báo cáo kết quả giải quyết TTHC");
	if (office != NULL && office[0] != '\0') {
		sb_puts(&b, " – ");
		sb_html(&b, office);
	}
	sb_puts(&b,
	    "</h1><form id=\"period\" method=\"get\" "
	    "action=\"/staff/reports\">");
	sb_printf(&b,
	    "<label>Từ ngày (from)<input type=\"date\" name=\"from\" "
	    "value=\"%s\" required></label><label>Đến ngày (to)<input "
	    "type=\"date\" name=\"to\" value=\"%s\" required></label>",
	    from, to);
	sb_puts(&b, "<label>Cơ quan (agency)<input name=\"agency\" value=\"");
	sb_html(&b, sum->p.agency);
	sb_puts(&b,
	    "\" size=\"16\"></label><label>Biểu đồ theo (by)"
	    "<select name=\"by\">");
	for (int by = SR_BY_DAY; by <= SR_BY_MONTH; by++)
		sb_printf(&b, "<option value=\"%s\"%s>%s</option>",
		    report_by_name(by), ser->p.by == by ? " selected" : "",
		    by == SR_BY_DAY        ? "ngày (day)"
		        : by == SR_BY_WEEK ? "tuần (week)"
		                           : "tháng (month)");
	sb_puts(&b,
	    "</select></label><button type=\"submit\">Xem</button>"
	    "</form><div class=\"cols\"><div><h2>Tổng hợp (summary)"
	    "</h2>");
	page_summary(&b, sum);
	sb_puts(&b, "<h2>Xuất dữ liệu (export)</h2><div class=\"exports\">");
	sb_puts(&b, "<a id=\"x-csv\" href=\"/api/v1/reports?");
	page_query(&b, sum, report_by_name(ser->p.by));
	sb_puts(&b,
	    "&amp;format=csv\">CSV</a><a id=\"x-xlsx\" "
	    "href=\"/api/v1/reports?");
	page_query(&b, sum, report_by_name(ser->p.by));
	sb_puts(&b,
	    "&amp;format=xlsx\">XLSX</a><a id=\"x-06a-csv\" "
	    "href=\"/api/v1/reports/06a?");
	page_query(&b, sum, NULL);
	sb_puts(&b,
	    "&amp;format=csv\">II.06a CSV</a><a id=\"x-06a-xlsx\" "
	    "href=\"/api/v1/reports/06a?");
	page_query(&b, sum, NULL);
	sb_puts(&b,
	    "&amp;format=xlsx\">II.06a XLSX</a><a id=\"x-06a-html\" "
	    "href=\"/api/v1/reports/06a?");
	page_query(&b, sum, NULL);
	sb_puts(&b, "&amp;format=html\">II.06a A4</a></div></div><div>");
	svg_stacked(&b, "chart-channel", "Tiếp nhận theo kênh", ser,
	    vals_channel, ch_names, channel_colours);
	svg_stacked(&b, "chart-result", "Đã giải quyết: trước, đúng, quá hạn",
	    ser, vals_result, res_names, result_colours);
	svg_trend(&b, ser);
	sb_puts(&b,
	    "</div></div><h2>Đối soát (reconciliation)</h2>"
	    "<h3>Với hệ thống cấp trên (local against upstream)</h3>"
	    "<p id=\"recon-upstream\"><a "
	    "id=\"recon-verify\" href=\"/api/v1/sync/verify?");
	{
		char f[16], t[16];

		cal_format_date(ser->p.from_day, f);
		cal_format_date(ser->p.to_day, t);
		sb_printf(&b, "from=%s&amp;to=%s", f, t);
	}
	sb_puts(&b,
	    "\">So sánh lại (compare again)</a>: the counts per channel "
	    "here and upstream for the period, from the sync module's "
	    "verify (docs/sync.md), and every dossier code found on one "
	    "side only. It needs sync configured ([sync] upstream_url); "
	    "without it the table says so.</p>");
	page_upstream(&b, ser);
	sb_puts(&b,
	    "<h3>Theo kỳ, tại đây (local, per period)</h3><p>Each count "
	    "opens its list of dossier codes.</p>");
	page_reconcile(&b, ser);
	page_postal(&b, manifests);
	sb_puts(&b, "</body></html>\n");
	return sb_done(&b, len);
}
