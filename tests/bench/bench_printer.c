/* bench_printer.c: bytes on the wire for a typical Vietnamese Mẫu 01
 * receipt, per profile and per text path, with the minimum the content
 * needs (its characters, line ends, barcode data and QR payload) and the
 * render time. tests/bench/printer.sh turns the lines into the table in
 * docs/benchmarks.md. Run from the repository root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "printer/escpos.h"
#include "printer/pprofile.h"
#include "printer/printdoc.h"
#include "printer/ptemplate.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/"

static const char dossier[] =
    "{\"code\":\"000.00.19.H49-261125-0007\",\"agency_name\":\"UBND tỉnh "
    "Quảng Ninh\",\"owner_name\":\"Nguyễn Thị Ánh Tuyết\",\"address\":\"Số "
    "12 đường Trần Hưng Đạo, phường Hồng Gai, thành phố Hạ Long\","
    "\"procedure_name\":\"Cấp giấy chứng nhận quyền sử dụng đất, quyền sở "
    "hữu nhà ở và tài sản khác gắn liền với đất lần đầu\",\"received_at\":"
    "\"2026-11-25T08:30:00+07:00\",\"due_at\":\"2026-12-16T08:30:00+07:00\","
    "\"delivery\":1,\"status\":4,\"token\":\"7KQ2M9XR4T8VWB3N\"}";
static const char procedure[] =
    "{\"days\":15,\"documents\":\"[\\\"Đơn đăng ký cấp giấy chứng nhận "
    "(Mẫu 04a/ĐK)\\\",\\\"Giấy tờ về quyền sử dụng đất\\\",\\\"Sơ đồ thửa "
    "đất\\\",\\\"Chứng từ thực hiện nghĩa vụ tài chính\\\"]\"}";

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
main(void)
{
	static const char *const fonts[4] = { DEJAVU "DejaVuSansMono.ttf",
		DEJAVU "DejaVuSansMono-Bold.ttf", DEJAVU "DejaVuSans.ttf",
		DEJAVU "DejaVuSans-Bold.ttf" };
	static const char *const profiles[] = { "epson80", "clone58" };
	static const enum pp_text paths[] = { PP_TEXT_TCVN3, PP_TEXT_RASTER,
		PP_TEXT_STRIP };
	struct printdoc_office of = { "Trung tâm Phục vụ hành chính công tỉnh "
		                      "Quảng Ninh",
		"UBND TỈNH QUẢNG NINH", "0203 3 826 826",
		"https://motcua.quangninh.gov.vn" };
	char err[256], *errors = NULL, path[128];
	struct escpos *e = escpos_new(fonts, err, sizeof err);
	struct ptemplate *t =
	    ptemplate_load("data/printer/templates/receipt.tpl",
	        printdoc_fields(PRINTDOC_RECEIPT),
	        printdoc_lists(PRINTDOC_RECEIPT), &errors);
	json_t *d = json_loads(dossier, 0, NULL),
	       *pr = json_loads(procedure, 0, NULL);
	struct printdoc doc;
	struct ptemplate_fields f;

	if (e == NULL || t == NULL || d == NULL || pr == NULL ||
	    printdoc_receipt(&doc, d, pr, &of) != 0) {
		fprintf(stderr, "bench_printer: %s%s\n", err,
		    errors ? errors : "");
		return 1;
	}
	f = printdoc_view(&doc);
	for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++)
		for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
			struct pprofile p;
			struct ptemplate_layout lay;
			struct buf b;
			struct escpos_stats st;
			double t0, ms;
			int runs = 20;

			snprintf(path, sizeof path,
			    "data/printer/profiles/%s.profile", profiles[i]);
			if (pprofile_load(path, &p, &errors) != 0) {
				fputs(errors, stderr);
				return 1;
			}
			if (paths[k] == PP_TEXT_TCVN3 && p.cp_tcvn3_lower < 0)
				continue; /* the profile has no TCVN-3 page */
			p.text = paths[k];
			t0 = now_ms();
			for (int r = 0; r < runs; r++) {
				ptemplate_render(t, &f, p.width_chars, false,
				    &lay);
				buf_init(&b, ESCPOS_JOB_MAX);
				if (escpos_render(e, &p, &lay, &b, NULL, &st,
				        err, sizeof err) != 0) {
					fprintf(stderr, "%s\n", err);
					return 1;
				}
				if (r + 1 < runs)
					buf_cleanup(&b);
				ptemplate_layout_cleanup(&lay);
			}
			ms = (now_ms() - t0) / runs;
			printf(
			    "profile=%s text=%s bytes=%zu min=%zu "
			    "raster_lines=%zu text_lines=%zu render_ms=%.2f\n",
			    p.name, pprofile_text_name(p.text), buf_len(&b),
			    st.min_bytes, st.raster_lines, st.text_lines, ms);
			buf_cleanup(&b);
		}
	printdoc_cleanup(&doc);
	ptemplate_free(t);
	escpos_free(e);
	json_decref(d);
	json_decref(pr);
	return 0;
}
