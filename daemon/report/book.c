/* book.c: the tracking book (Sổ theo dõi hồ sơ, Mẫu 06; docs/domain.md,
 * docs/counter.md): GET /api/v1/reports/book?from=&to=&format=csv|xlsx|html.
 * One line per dossier the office accepted in the period, with the
 * columns of Thanh Hóa's book: number, code, procedure, applicant,
 * address and phone, lead agency, received, due, returned, delivery.
 * The book names applicants, so each read is audited with its actor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "core/calendar.h"
#include "core/csvcell.h"
#include "core/status.h"
#include "http/reply.h"
#include "http/request.h"
#include "lib/htmlesc.h"
#include "lib/log.h"
#include "report/api_report.h"
#include "report/report.h"
#include "store/storerc.h"

#define BOOK_ROWS_MAX 100000 /* lines in one reply: ~30 MB of XLSX */

/* One line, owned (the store's strings are borrowed for its callback). */
struct book_line {
	int64_t number, received_at, due_at, returned_at;
	char *code, *procedure, *owner, *contact, *agency;
	int delivery;
};

struct book {
	struct book_line *v;
	size_t n, cap;
	bool too_many, oom;
};

static const char *const book_heads[] = { "STT", "Mã hồ sơ",
	"Tên thủ tục hành chính", "Tên tổ chức, cá nhân", "Địa chỉ, điện thoại",
	"Cơ quan chủ trì giải quyết", "Ngày, giờ nhận hồ sơ",
	"Ngày, giờ hẹn trả kết quả", "Ngày, giờ trả kết quả",
	"Hình thức nhận kết quả" };
#define BOOK_COLS (sizeof book_heads / sizeof book_heads[0])

static char *
dup0(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static int
book_add(void *arg, const struct store_book_row *r)
{
	struct book *b = arg;
	struct book_line *l;
	char contact[1024];

	if (b->n == BOOK_ROWS_MAX) {
		b->too_many = true;
		return 1;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		struct book_line *nv = reallocarray(b->v, cap, sizeof *nv);

		if (nv == NULL) {
			b->oom = true;
			return 1;
		}
		b->v = nv;
		b->cap = cap;
	}
	snprintf(contact, sizeof contact, "%s%s%s",
	    r->address != NULL ? r->address : "",
	    r->address != NULL && r->phone != NULL ? "; " : "",
	    r->phone != NULL ? r->phone : "");
	l = &b->v[b->n];
	*l = (struct book_line){ .number = r->number,
		.received_at = r->received_at,
		.due_at = r->due_at,
		.returned_at = r->returned_at,
		.delivery = r->delivery,
		.code = dup0(r->code),
		.procedure = dup0(r->procedure_name),
		.owner = dup0(r->owner_name),
		.contact = dup0(contact),
		.agency = dup0(r->agency_name) };
	b->n++;
	if (l->code == NULL || l->procedure == NULL || l->owner == NULL ||
	    l->contact == NULL || l->agency == NULL) {
		b->oom = true;
		return 1;
	}
	return 0;
}

static void
book_free(struct book *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].code);
		free(b->v[i].procedure);
		free(b->v[i].owner);
		free(b->v[i].contact);
		free(b->v[i].agency);
	}
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* "HH:MM dd/mm/yyyy" local time, "" for none. */
static void
vi_time(int64_t t, char out[32])
{
	char iso[32];

	out[0] = '\0';
	if (t <= 0)
		return;
	cal_format_iso(t, iso); /* YYYY-MM-DDTHH:MM:SS+07:00 */
	snprintf(out, 32, "%.5s %.2s/%.2s/%.4s", iso + 11, iso + 8, iso + 5,
	    iso);
}

static const char *
delivery_vi(int d)
{
	return d == DELIVERY_POST ? "Qua dịch vụ bưu chính công ích"
	                          : "Trực tiếp tại Bộ phận Một cửa";
}

/* The ten cells of line l as text, into cells (buffers of 32 for the
 * number and the times). */
static void
line_cells(const struct book_line *l, char num[32], char rec[32], char due[32],
    char ret[32], const char *cells[BOOK_COLS])
{
	snprintf(num, 32, "%lld", (long long)l->number);
	vi_time(l->received_at, rec);
	vi_time(l->due_at, due);
	vi_time(l->returned_at, ret);
	cells[0] = num;
	cells[1] = l->code;
	cells[2] = l->procedure;
	cells[3] = l->owner;
	cells[4] = l->contact;
	cells[5] = l->agency;
	cells[6] = rec;
	cells[7] = due;
	cells[8] = ret;
	cells[9] = delivery_vi(l->delivery);
}

static void
mem_put(void *arg, const char *s, size_t n)
{
	fwrite(s, 1, n, arg);
}

static char *
book_csv(const struct book *b, size_t *len)
{
	char *buf = NULL, num[32], rec[32], due[32], ret[32];
	const char *cells[BOOK_COLS];
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		return NULL;
	fputs("\xEF\xBB\xBF", f); /* the BOM: Excel reads it as UTF-8 */
	for (size_t c = 0; c < BOOK_COLS; c++) {
		csvcell_write(book_heads[c], mem_put, f);
		fputs(c + 1 < BOOK_COLS ? "," : "\r\n", f);
	}
	for (size_t i = 0; i < b->n; i++) {
		line_cells(&b->v[i], num, rec, due, ret, cells);
		for (size_t c = 0; c < BOOK_COLS; c++) {
			csvcell_write(cells[c], mem_put, f);
			fputs(c + 1 < BOOK_COLS ? "," : "\r\n", f);
		}
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Plain markup: the CSP allows no inline style, and a browser prints a
 * bare table legibly. */
static char *
book_html(const struct book *b, const char *unit, const char *from,
    const char *to, size_t *len)
{
	char *buf = NULL, num[32], rec[32], due[32], ret[32];
	const char *cells[BOOK_COLS];
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		return NULL;
	fputs(
	    "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<title>Sổ theo dõi hồ sơ</title><link rel=\"icon\" href=\"data:,\">"
	    "</head><body class=\"book\"><p class=\"form\">Mẫu số 06</p><p>",
	    f);
	htmlesc_puts(f, unit);
	fputs("</p><h1>SỔ THEO DÕI HỒ SƠ</h1><p>Từ ngày ", f);
	htmlesc_puts(f, from);
	fputs(" đến ngày ", f);
	htmlesc_puts(f, to);
	fputs("</p><table><thead><tr>", f);
	for (size_t c = 0; c < BOOK_COLS; c++) {
		fputs("<th>", f);
		htmlesc_puts(f, book_heads[c]);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < b->n; i++) {
		line_cells(&b->v[i], num, rec, due, ret, cells);
		fputs("<tr>", f);
		for (size_t c = 0; c < BOOK_COLS; c++) {
			fputs("<td>", f);
			htmlesc_puts(f, cells[c]);
			fputs("</td>", f);
		}
		fputs("</tr>", f);
	}
	fprintf(f, "</tbody></table><p>Tổng số: %zu hồ sơ</p></body></html>\n",
	    b->n);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct book_xlsx {
	const struct book *b;
	const char *unit, *from, *to;
};

static void
book_xlsx_fill(void *wbv, void *arg)
{
	const struct book_xlsx *x = arg;
	lxw_workbook *wb = wbv;
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Mẫu 06");
	lxw_format *bold = workbook_add_format(wb), *head;
	char num[32], rec[32], due[32], ret[32], period[96];
	const char *cells[BOOK_COLS];
	static const double widths[BOOK_COLS] = { 6, 28, 40, 24, 36, 28, 18, 18,
		18, 24 };

	format_set_bold(bold);
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_text_wrap(head);
	format_set_border(head, LXW_BORDER_THIN);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_write_string(ws, 0, 0, "Mẫu số 06", NULL);
	worksheet_write_string(ws, 1, 0, x->unit, bold);
	worksheet_write_string(ws, 2, 0, "SỔ THEO DÕI HỒ SƠ", bold);
	snprintf(period, sizeof period, "Từ ngày %s đến ngày %s", x->from,
	    x->to);
	worksheet_write_string(ws, 3, 0, period, NULL);
	for (lxw_col_t c = 0; c < BOOK_COLS; c++) {
		worksheet_set_column(ws, c, c, widths[c], NULL);
		worksheet_write_string(ws, 5, c, book_heads[c], head);
	}
	for (size_t i = 0; i < x->b->n; i++) {
		lxw_row_t row = (lxw_row_t)(6 + i);

		line_cells(&x->b->v[i], num, rec, due, ret, cells);
		worksheet_write_number(ws, row, 0, (double)x->b->v[i].number,
		    NULL);
		/* text cells as strings: a name starting "=" stays text */
		for (lxw_col_t c = 1; c < BOOK_COLS; c++)
			worksheet_write_string(ws, row, c, cells[c], NULL);
	}
}

static const char *
tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && t[0] == '/' ? t : "/tmp";
}

void
api_report_book(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *format = http_query(hr, "format"), *ctype;
	char err[STORE_ERR_MAX], actor[REQUEST_ACTOR_MAX], detail[96],
	    from_s[16], to_s[16];
	struct book b = { 0 };
	int from, to;
	enum store_rc rc;
	size_t len = 0;
	char *body;

	(void)pp;
	if (request_query_day(hr, "from", true, &from, r) ||
	    request_query_day(hr, "to", true, &to, r))
		return;
	if (from > to) {
		reply_error(r, 400, "to", "is before from");
		return;
	}
	if (to - from >= c->cfg->report_max_days) {
		snprintf(err, sizeof err, "the period is longer than %d days",
		    c->cfg->report_max_days);
		reply_error(r, 400, "to", err);
		return;
	}
	if (format == NULL || *format == '\0')
		format = "html";
	if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 &&
	    strcmp(format, "html") != 0) {
		reply_error(r, 400, "format", "must be csv, xlsx or html");
		return;
	}
	if ((rc = store_book(c->store, from, to, book_add, &b, err)) !=
	    STORE_OK) {
		book_free(&b);
		if (rc == STORE_ERROR)
			log_warnx("book: %s", err);
		reply_problem(r, storerc_status(rc), err);
		return;
	}
	if (b.too_many || b.oom) {
		bool oom = b.oom;

		book_free(&b);
		if (oom)
			reply_error(r, 500, "", "out of memory");
		else
			reply_error(r, 400, "to",
			    "the period holds more than 100000 dossiers: "
			    "choose a shorter one");
		return;
	}
	/* the book lists applicants: who read which period is audited
	 * before the bytes leave (docs/security.md) */
	cal_format_date(from, from_s);
	cal_format_date(to, to_s);
	request_actor_name(hr, NULL, actor, sizeof actor);
	snprintf(detail, sizeof detail, "%s..%s %s, %zu lines", from_s, to_s,
	    format, b.n);
	if (store_audit(c->store, actor, "read", "book", detail) != STORE_OK) {
		book_free(&b);
		reply_error(r, 500, "", "the audit log cannot be written");
		return;
	}
	if (strcmp(format, "csv") == 0) {
		body = book_csv(&b, &len);
		ctype = "text/csv; charset=utf-8";
	} else if (strcmp(format, "html") == 0) {
		body = book_html(&b, c->cfg->office_name, from_s, to_s, &len);
		ctype = "text/html; charset=utf-8";
	} else {
		struct book_xlsx x = { &b, c->cfg->office_name, from_s, to_s };

		body = report_xlsx_write(book_xlsx_fill, &x, tmpdir(), &len,
		    err, sizeof err);
		if (body == NULL)
			log_warnx("book: %s", err);
		ctype = "application/vnd.openxmlformats-officedocument."
		        "spreadsheetml.sheet";
	}
	book_free(&b);
	if (body == NULL) {
		reply_error(r, 500, "", "the book cannot be rendered");
		return;
	}
	r->status = 200;
	r->content_type = ctype;
	r->body = body;
	r->len = len;
}
