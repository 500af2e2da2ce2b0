/* formhtml.c: see formhtml.h. Each form is a list of rows naming the
 * printdoc field they show; an empty field drops its row, as the 80 mm
 * template's if= does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "lib/htmlesc.h"
#include "printer/code128.h"
#include "printer/formhtml.h"

enum row_kind {
	R_TEXT,  /* label: value */
	R_BOLD,  /* label: value, the value in bold */
	R_LIST,  /* label, then the value's lines as a numbered list */
	R_PARA,  /* the label alone, as a sentence */
	R_BIG,   /* the value alone, centred, large */
	R_TABLE, /* the value's lines as a table with room to sign */
	R_JOIN,  /* label value, no colon: "Liên 2: Giao khách hàng" */
};

struct row {
	enum row_kind kind;
	const char *label, *field; /* field NULL: R_PARA */
};

struct form {
	const char *number, *title;
	const struct row *rows;
	const char *sign_left, *sign_right; /* NULL: none */
	bool qr;                            /* the lookup URL's QR */
};

static const struct row receipt_rows[] = {
	{ R_JOIN, "Liên", "copy" },
	{ R_TEXT, "Bưu gửi số", "postal_item" },
	{ R_TEXT, "Đơn vị tiếp nhận", "unit" },
	{ R_BOLD, "Tiếp nhận hồ sơ của ông/bà", "owner_name" },
	{ R_TEXT, "Địa chỉ", "address" },
	{ R_TEXT, "Nội dung yêu cầu giải quyết", "procedure_name" },
	{ R_LIST, "Thành phần hồ sơ", "documents" },
	{ R_TEXT, "Số lượng hồ sơ (bộ)", "sets" },
	{ R_TEXT, "Thời gian giải quyết (ngày làm việc)", "days" },
	{ R_TEXT, "Thời gian nhận hồ sơ", "received_at" },
	{ R_BOLD, "Thời gian trả kết quả", "due_at" },
	{ R_TEXT, "Nơi nhận kết quả", "collect" },
	{ R_TEXT, "Vào sổ theo dõi hồ sơ", "book" },
	{ 0, NULL, NULL },
};
static const struct row supplement_rows[] = {
	{ R_BOLD, "Kính gửi", "owner_name" },
	{ R_TEXT, "Địa chỉ", "address" },
	{ R_TEXT, "Nội dung yêu cầu giải quyết", "procedure_name" },
	{ R_TEXT, "Ngày nhận hồ sơ", "received_at" },
	{ R_LIST, "Đề nghị bổ sung, hoàn thiện hồ sơ gồm những nội dung sau",
	    "items" },
	{ R_TEXT, "Lý do", "reason" },
	{ R_PARA,
	    "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên "
	    "hệ đường dây nóng:",
	    NULL },
	{ R_TEXT, "Đường dây nóng", "hotline" },
	{ 0, NULL, NULL },
};
static const struct row refusal_rows[] = {
	{ R_TEXT, "Đơn vị tiếp nhận", "unit" },
	{ R_BOLD, "Tiếp nhận hồ sơ của ông/bà", "owner_name" },
	{ R_TEXT, "Địa chỉ", "address" },
	{ R_TEXT, "Nội dung yêu cầu giải quyết", "procedure_name" },
	{ R_PARA,
	    "Sau khi xem xét, đối chiếu, hồ sơ không đủ điều kiện tiếp nhận "
	    "với lý do cụ thể như sau:",
	    NULL },
	{ R_BOLD, "Lý do", "reason" },
	{ R_PARA, "Xin thông báo để ông/bà biết và thực hiện.", NULL },
	{ 0, NULL, NULL },
};
static const struct row apology_rows[] = {
	{ R_BOLD, "Kính gửi", "owner_name" },
	{ R_TEXT, "Ngày nhận hồ sơ", "received_at" },
	{ R_TEXT, "Nội dung", "procedure_name" },
	{ R_TEXT, "Thời gian hẹn trả kết quả", "old_due_at" },
	{ R_PARA,
	    "Việc trả kết quả đã quá thời hạn ghi trên Giấy tiếp nhận hồ sơ "
	    "và hẹn trả kết quả.",
	    NULL },
	{ R_TEXT, "Lý do", "reason" },
	{ R_TEXT, "Đơn vị chịu trách nhiệm", "responsible" },
	{ R_PARA,
	    "Sự chậm trễ này đã gây phiền hà cho ông/bà; chúng tôi thành thật "
	    "xin lỗi và hẹn trả kết quả vào:",
	    NULL },
	{ R_BIG, "", "new_due_at" },
	{ R_PARA, "Nơi nhận kết quả: Bộ phận Tiếp nhận và Trả kết quả.", NULL },
	{ 0, NULL, NULL },
};
static const struct row control_rows[] = {
	{ R_TEXT, "Vào sổ", "book" },
	{ R_TEXT, "Tên thủ tục", "procedure_name" },
	{ R_TEXT, "Người nộp", "owner_name" },
	{ R_TEXT, "Thời gian nhận hồ sơ", "received_at" },
	{ R_BOLD, "Thời gian trả kết quả", "due_at" },
	{ R_TEXT, "Cơ quan chủ trì giải quyết", "unit" },
	{ R_TABLE, "Bàn giao", "ho_line" },
	{ 0, NULL, NULL },
};

static const struct form *
form_of(enum printdoc_kind k)
{
	static const struct form receipt = { "Mẫu số 01",
		"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", receipt_rows,
		"NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", true };
	static const struct form supplement = { "Mẫu số 02",
		"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", supplement_rows,
		NULL, "NGƯỜI HƯỚNG DẪN", false };
	static const struct form refusal = { "Mẫu số 03",
		"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", refusal_rows,
		"NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", false };
	static const struct form apology = { "Mẫu số 04",
		"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", apology_rows, NULL,
		"THỦ TRƯỞNG CƠ QUAN", false };
	static const struct form control = { "Mẫu số 05",
		"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", control_rows,
		NULL, NULL, false };

	switch (k) {
	case PRINTDOC_RECEIPT:
		return &receipt;
	case PRINTDOC_SUPPLEMENT:
		return &supplement;
	case PRINTDOC_REFUSAL:
		return &refusal;
	case PRINTDOC_APOLOGY:
		return &apology;
	case PRINTDOC_CONTROL:
		return &control;
	case PRINTDOC_SLIP:
	case PRINTDOC_MANIFEST:
	case PRINTDOC_TEST:
		break;
	}
	return NULL;
}

/* The code's Code 128 as SVG: one rect per bar, 1 unit a module, with
 * the quiet zones. Nothing when the code cannot be encoded. */
static void
barcode_svg(FILE *f, const char *code)
{
	struct code128 c;
	uint8_t bars[CODE128_SYMBOLS_MAX * 11 + 2];
	size_t n;

	if (code128_encode(code, strlen(code), &c, NULL) != CODE128_OK ||
	    (n = code128_bars(&c, bars, sizeof bars)) == 0)
		return;
	fprintf(f,
	    "<svg class=\"barcode\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %zu 40\" role=\"img\" aria-label=\"Code 128\">",
	    n + 20);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		if (!bars[i]) {
			i++;
			continue;
		}
		while (j < n && bars[j])
			j++;
		fprintf(f,
		    "<rect x=\"%zu\" y=\"0\" width=\"%zu\" height=\"40\"/>",
		    i + 10, j - i);
		i = j;
	}
	fputs("</svg>", f);
}

/* The lookup URL's QR as SVG: one rect per run of dark modules in a
 * row, a 4-module quiet zone. */
static void
qr_svg(FILE *f, const char *url)
{
	QRcode *q;
	int w;

	if (url[0] == '\0' ||
	    (q = QRcode_encodeString8bit(url, 0, QR_ECLEVEL_M)) == NULL)
		return;
	w = q->width;
	fprintf(f,
	    "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"QR\">",
	    w + 8, w + 8);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w;) {
			int e = x;

			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			while (e < w && (q->data[y * w + e] & 1))
				e++;
			fprintf(f,
			    "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			    "height=\"1\"/>",
			    x + 4, y + 4, e - x);
			x = e;
		}
	fputs("</svg>", f);
	QRcode_free(q);
}

/* The value's lines, each through fn. */
static void
lines(FILE *f, const char *v, const char *open, const char *close)
{
	for (const char *p = v; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		fputs(open, f);
		htmlesc_write(f, p, n);
		fputs(close, f);
		p += n + (nl != NULL);
	}
}

static void
row(FILE *f, const struct printdoc *d, const struct row *r)
{
	const char *v = r->field ? printdoc_get(d, r->field) : "";

	if (r->field != NULL && v[0] == '\0')
		return;
	switch (r->kind) {
	case R_TEXT:
	case R_BOLD:
		fputs("<p class=\"row\"><span class=\"label\">", f);
		htmlesc_puts(f, r->label);
		fputs(":</span> ", f);
		fputs(r->kind == R_BOLD ? "<b>" : "<span>", f);
		htmlesc_puts(f, v);
		fputs(r->kind == R_BOLD ? "</b></p>" : "</span></p>", f);
		break;
	case R_JOIN:
		fputs("<p class=\"row\"><span class=\"label\">", f);
		htmlesc_puts(f, r->label);
		fputs("</span> <span>", f);
		htmlesc_puts(f, v);
		fputs("</span></p>", f);
		break;
	case R_LIST:
		fputs("<p class=\"row\"><span class=\"label\">", f);
		htmlesc_puts(f, r->label);
		fputs(":</span></p><ol>", f);
		lines(f, v, "<li>", "</li>");
		fputs("</ol>", f);
		break;
	case R_PARA:
		fputs("<p>", f);
		htmlesc_puts(f, r->label);
		fputs("</p>", f);
		break;
	case R_BIG:
		fputs("<p class=\"big\">", f);
		htmlesc_puts(f, v);
		fputs("</p>", f);
		break;
	case R_TABLE:
		fputs("<table><thead><tr><th>STT</th><th>Bàn giao (lúc: bên "
		      "giao -&gt; bên nhận)</th><th>Bên giao ký</th><th>Bên "
		      "nhận ký</th></tr></thead><tbody>",
		    f);
		{
			int i = 0;

			for (const char *p = v; *p != '\0';) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);

				fprintf(f, "<tr><td>%d</td><td>", ++i);
				htmlesc_write(f, p, n);
				fputs("</td><td></td><td></td></tr>", f);
				p += n + (nl != NULL);
			}
		}
		fputs("</tbody></table>", f);
		break;
	}
}

char *
formhtml_render(const struct printdoc *d, enum printdoc_kind kind, size_t *len)
{
	const struct form *fm = form_of(kind);
	char *buf = NULL;
	FILE *f;

	if (fm == NULL || (f = open_memstream(&buf, len)) == NULL)
		return NULL;
	fputs("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
	      "<title>",
	    f);
	htmlesc_puts(f, fm->title);
	fputs(" ", f);
	htmlesc_puts(f, printdoc_get(d, "code"));
	fputs("</title><link rel=\"icon\" href=\"data:,\"><link "
	      "rel=\"stylesheet\" href=\"" FORMHTML_CSS_PATH "\"></head>"
	      "<body><div class=\"sheet\"><p class=\"number\">",
	    f);
	htmlesc_puts(f, fm->number);
	fputs("</p><div class=\"head\"><div class=\"org\"><p>", f);
	htmlesc_puts(f, printdoc_get(d, "agency_header"));
	fputs("</p><p><b>", f);
	htmlesc_puts(f, printdoc_get(d, "office_name"));
	fputs("</b></p></div><div class=\"nation\"><p><b>CỘNG HÒA XÃ HỘI CHỦ "
	      "NGHĨA VIỆT NAM</b></p><p><b>Độc lập - Tự do - Hạnh "
	      "phúc</b></p><p class=\"date\"><i>",
	    f);
	htmlesc_puts(f, printdoc_get(d, "place_date"));
	fputs("</i></p></div></div><h1>", f);
	htmlesc_puts(f, fm->title);
	fputs("</h1><p class=\"code\">Mã hồ sơ: <b>", f);
	htmlesc_puts(f, printdoc_get(d, "code"));
	fputs("</b></p><div class=\"codes\">", f);
	barcode_svg(f, printdoc_get(d, "code"));
	if (fm->qr)
		qr_svg(f, printdoc_get(d, "lookup_url"));
	fputs("</div>", f);
	for (const struct row *r = fm->rows; r->label != NULL; r++)
		row(f, d, r);
	if (fm->sign_right != NULL) {
		fputs("<div class=\"sign\"><div>", f);
		if (fm->sign_left != NULL) {
			fputs("<b>", f);
			htmlesc_puts(f, fm->sign_left);
			fputs("</b><br><i>(Ký và ghi rõ họ tên)</i>", f);
		}
		fputs("</div><div><b>", f);
		htmlesc_puts(f, fm->sign_right);
		fputs("</b><br><i>(Ký và ghi rõ họ tên)</i></div></div>", f);
	}
	if (fm->qr && printdoc_get(d, "lookup_url")[0] != '\0') {
		fputs("<p class=\"lookup\">Tra cứu hồ sơ: ", f);
		htmlesc_puts(f, printdoc_get(d, "lookup_url"));
		fputs("</p>", f);
	}
	fputs("</div></body></html>\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

const char *
formhtml_css(void)
{
	/* A5 portrait, the forms' paper (docs/domain.md); black on white,
	 * so the laser printer prints what the screen shows. */
	return "@page { size: A5 portrait; margin: 12mm 12mm 12mm 15mm; }\n"
	       "body { margin: 0; background: #fff; color: #000;"
	       " font: 11pt/1.35 \"DejaVu Serif\", \"Times New Roman\","
	       " serif; }\n"
	       ".sheet { max-width: 148mm; margin: 0 auto; padding: 4mm; }\n"
	       ".number { text-align: right; font-style: italic; margin: 0; }\n"
	       ".head { display: flex; justify-content: space-between;"
	       " gap: 4mm; text-align: center; }\n"
	       ".head p { margin: 0; }\n"
	       ".date { margin-top: 2mm !important; }\n"
	       "h1 { font-size: 13pt; text-align: center; margin: 5mm 0 1mm; }\n"
	       ".code { text-align: center; margin: 0; }\n"
	       ".codes { display: flex; justify-content: center;"
	       " align-items: center; gap: 6mm; margin: 2mm 0 3mm; }\n"
	       "svg.barcode { height: 12mm; width: 75mm; }\n"
	       "svg.qr { height: 24mm; width: 24mm; }\n"
	       "svg rect { fill: #000; }\n"
	       ".row { margin: 1mm 0; }\n"
	       ".label { font-weight: normal; }\n"
	       ".big { text-align: center; font-size: 13pt;"
	       " font-weight: bold; }\n"
	       "ol { margin: 1mm 0 1mm 6mm; padding: 0; }\n"
	       "table { border-collapse: collapse; width: 100%;"
	       " margin-top: 2mm; }\n"
	       "th, td { border: 1px solid #000; padding: 1mm 2mm;"
	       " vertical-align: top; font-size: 10pt; }\n"
	       "td:nth-child(3), td:nth-child(4) { width: 22mm;"
	       " height: 12mm; }\n"
	       ".sign { display: flex; justify-content: space-between;"
	       " text-align: center; margin-top: 6mm; min-height: 25mm; }\n"
	       ".sign div { width: 48%; }\n"
	       ".lookup { font-size: 9pt; text-align: center;"
	       " word-break: break-all; }\n"
	       "@media screen { body { background: #eee; }"
	       " .sheet { background: #fff; margin: 8mm auto;"
	       " box-shadow: 0 0 3mm #999; } }\n";
}
