/* test_formhtml.c: the A5 pages of the receipt and the counter forms
 * (printer/formhtml.c) against the golden files in tests/golden/a5/, made
 * from the same fields as the 80 mm slips (printdoc.c); MOTCUA_BLESS=NAME
 * (or all) rewrites one after its output was read. Also: no inline style
 * or script (the CSP), the applicant's text escaped, the barcode's bars
 * those of the code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "printer/code128.h"
#include "printer/formhtml.h"
#include "printer/printdoc.h"

#include "harness.h"

static const char dossier_json[] =
    "{\"code\":\"000.00.19.H49-261125-0007\",\"agency_name\":\"UBND tỉnh "
    "Quảng Ninh\",\"owner_name\":\"Nguyễn Thị <Ánh> Tuyết\",\"address\":"
    "\"Số 12 đường Trần Hưng Đạo, Hạ Long\",\"phone\":\"0912345678\","
    "\"procedure_name\":\"Đăng ký thành lập hộ kinh doanh\",\"received_at\":"
    "\"2026-11-25T08:30:00+07:00\",\"due_at\":\"2026-11-28T08:30:00+07:00\","
    "\"delivery\":0,\"status\":4,\"token\":\"7KQ2M9XR4T8VWB3N\","
    "\"refusal_reason\":\"Không thuộc thẩm quyền\",\"supplement\":{\"reason\":"
    "\"Thiếu bản sao\",\"items\":\"Hợp đồng thuê địa điểm\\nBản sao CCCD\"},"
    "\"apology\":{\"reason\":\"Cần xác minh\",\"unit\":\"Phòng Kinh tế\","
    "\"due_before\":\"2026-11-28T08:30:00+07:00\",\"due_after\":"
    "\"2026-12-05T16:30:00+07:00\"},\"handoffs\":[{\"at\":"
    "\"2026-11-25T10:15:00+07:00\",\"from\":\"Bộ phận Một cửa\",\"to\":"
    "\"Phòng Kinh tế\",\"note\":\"1 bộ\"}]}";
static const char procedure_json[] =
    "{\"days\":3,\"documents\":[\"Giấy đề nghị\",\"Bản sao CCCD\"]}";
static const struct printdoc_office office = {
	.office_name = "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
	.agency_name = "UBND TỈNH QUẢNG NINH",
	.hotline = "0203 3 826 826",
	.public_url = "https://motcua.quangninh.gov.vn/",
};
static const enum printdoc_kind kinds[] = { PRINTDOC_RECEIPT,
	PRINTDOC_SUPPLEMENT, PRINTDOC_REFUSAL, PRINTDOC_APOLOGY,
	PRINTDOC_CONTROL };

static char *
page(enum printdoc_kind k, size_t *len)
{
	json_t *dos = json_loads(dossier_json, 0, NULL);
	json_t *proc = json_loads(procedure_json, 0, NULL);
	struct printdoc d;
	char *html;

	assert_non_null(dos);
	assert_non_null(proc);
	if (k == PRINTDOC_RECEIPT)
		assert_int_equal(printdoc_receipt(&d, dos, proc, &office), 0);
	else
		assert_int_equal(printdoc_form(&d, k, dos, &office, 1795000000),
		    0);
	html = formhtml_render(&d, k, len);
	assert_non_null(html);
	printdoc_cleanup(&d);
	json_decref(dos);
	json_decref(proc);
	return html;
}

static void
test_golden(void **state)
{
	const char *bless = getenv("MOTCUA_BLESS");

	(void)state;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const char *name = printdoc_kind_name(kinds[i]);
		char path[128], *want;
		size_t len, n;
		char *html = page(kinds[i], &len);
		FILE *f;

		snprintf(path, sizeof path, "tests/golden/a5/%s.html", name);
		if (bless != NULL &&
		    (strcmp(bless, "all") == 0 || strcmp(bless, name) == 0)) {
			assert_non_null(f = fopen(path, "wb"));
			assert_int_equal(fwrite(html, 1, len, f), len);
			fclose(f);
			fprintf(stderr, "blessed %s\n", path);
		}
		if ((f = fopen(path, "rb")) == NULL)
			fail_msg("%s: missing; read the output, then "
			         "MOTCUA_BLESS=%s",
			    path, name);
		want = malloc(len + 2);
		n = fread(want, 1, len + 1, f);
		fclose(f);
		if (n != len || memcmp(want, html, len) != 0)
			fail_msg("%s differs from its golden file", path);
		free(want);
		free(html);
	}
}

static void
test_csp_and_escaping(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t len;
		char *html = page(kinds[i], &len);

		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<style"));
		assert_null(strstr(html, "style="));
		assert_null(strstr(html, "<Ánh>"));
		assert_non_null(strstr(html, "&lt;Ánh&gt;"));
		assert_non_null(strstr(html, FORMHTML_CSS_PATH));
		assert_non_null(strstr(html, "000.00.19.H49-261125-0007"));
		/* no form shows a phone number: the owner is named, no more */
		assert_null(strstr(html, "0912345678"));
		free(html);
	}
	/* a kind without an A5 page */
	{
		struct printdoc d = { .count = 0 };
		size_t len;

		assert_null(formhtml_render(&d, PRINTDOC_SLIP, &len));
	}
}

/* The SVG's bars are the code's modules: read the rects back. */
static void
test_barcode_bars(void **state)
{
	struct code128 c;
	uint8_t want[2000], got[2000] = { 0 };
	size_t len, n, total = 0;
	char *html = page(PRINTDOC_CONTROL, &len), *p;

	(void)state;
	assert_int_equal(
	    code128_encode("000.00.19.H49-261125-0007", 25, &c, NULL),
	    CODE128_OK);
	n = code128_bars(&c, want, sizeof want);
	assert_true(n > 0);
	p = strstr(html, "<svg class=\"barcode\"");
	assert_non_null(p);
	for (;;) {
		unsigned x, w;
		char *q = strstr(p, "<rect x=\"");

		if (q == NULL || q > strstr(p, "</svg>"))
			break;
		assert_int_equal(
		    sscanf(q, "<rect x=\"%u\" y=\"0\" width=\"%u\"", &x, &w),
		    2);
		for (unsigned k = 0; k < w; k++)
			got[x - 10 + k] = 1;
		total += w;
		p = q + 1;
	}
	assert_memory_equal(got, want, n);
	free(html);
	(void)total;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_csp_and_escaping),
		cmocka_unit_test(test_barcode_bars),
	};

	HARNESS_RUN(tests);
}
