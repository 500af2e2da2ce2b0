/* test_escpos.c: the shipped profiles and templates, rendered for a fixed
 * dossier, against the golden byte files in tests/golden/printer/ (one per
 * document and profile). MOTCUA_BLESS=NAME rewrites one golden file after
 * its diff was read; MOTCUA_BLESS=all rewrites every one. Also: the
 * preview has the page's height, TCVN-3 bytes stay in the page, and a
 * job never carries a byte outside ASCII unless a code page is chosen. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "printer/escpos.h"
#include "printer/pprofile.h"
#include "printer/printdoc.h"
#include "printer/ptemplate.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/"
static const char *const font_files[4] = { DEJAVU "DejaVuSansMono.ttf",
	DEJAVU "DejaVuSansMono-Bold.ttf", DEJAVU "DejaVuSans.ttf",
	DEJAVU "DejaVuSans-Bold.ttf" };

static const char *const profiles[] = { "epson80", "epson80-tcvn3", "clone58" };

static const char dossier_json[] =
    "{\"code\":\"000.00.19.H49-261125-0007\",\"agency_name\":\"UBND tỉnh "
    "Quảng Ninh\",\"owner_name\":\"Nguyễn Thị Ánh Tuyết\",\"address\":\"Số "
    "12 đường Trần Hưng Đạo, phường Hồng Gai, thành phố Hạ Long\","
    "\"procedure_name\":\"Cấp giấy chứng nhận quyền sử dụng đất, quyền sở "
    "hữu nhà ở và tài sản khác gắn liền với đất lần đầu\",\"received_at\":"
    "\"2026-11-25T08:30:00+07:00\",\"due_at\":\"2026-12-16T08:30:00+07:00\","
    "\"delivery\":1,\"status\":4,\"token\":\"7KQ2M9XR4T8VWB3N\","
    "\"apology_due_at\":null}";
static const char procedure_json[] =
    "{\"days\":15,\"documents\":\"[\\\"Đơn đăng ký cấp giấy chứng nhận "
    "(Mẫu 04a/ĐK)\\\",\\\"Giấy tờ về quyền sử dụng đất\\\",\\\"Sơ đồ thửa "
    "đất\\\",\\\"Chứng từ thực hiện nghĩa vụ tài chính\\\"]\"}";

/* What printdata_dossier adds for the counter forms (Mẫu 02-05). */
static const char form_json[] =
    "{\"phone\":\"0912345678\",\"refusal_reason\":\"Hồ sơ không thuộc "
    "thẩm quyền giải quyết của cơ quan\",\"supplement\":{\"at\":"
    "\"2026-11-27T10:00:00+07:00\",\"reason\":\"Thiếu giấy tờ chứng minh "
    "nguồn gốc đất\",\"items\":\"Bản sao giấy tờ về quyền sử dụng "
    "đất\\nSơ đồ thửa đất có xác nhận\"},\"apology\":{\"at\":"
    "\"2026-12-15T09:00:00+07:00\",\"reason\":\"Cần xác minh thực địa\","
    "\"unit\":\"Văn phòng Đăng ký đất đai\",\"due_before\":"
    "\"2026-12-16T08:30:00+07:00\",\"due_after\":"
    "\"2026-12-23T16:30:00+07:00\"},\"handoffs\":[{\"at\":"
    "\"2026-11-25T10:15:00+07:00\",\"from\":\"Bộ phận Một cửa\",\"to\":"
    "\"Văn phòng Đăng ký đất đai\",\"note\":\"1 bộ\"},{\"at\":"
    "\"2026-12-14T15:40:00+07:00\",\"from\":\"Văn phòng Đăng ký đất "
    "đai\",\"to\":\"Bộ phận Một cửa\",\"note\":null}]}";

static const struct printdoc_office office = {
	.office_name = "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
	.agency_name = "UBND TỈNH QUẢNG NINH",
	.hotline = "0203 3 826 826",
	.public_url = "https://motcua.quangninh.gov.vn/",
};

static struct escpos *fonts;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	fonts = escpos_new(font_files, err, sizeof err);
	return fonts == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	escpos_free(fonts);
	return 0;
}

static void
load_profile(const char *name, struct pprofile *p)
{
	char path[256], *errors = NULL;

	snprintf(path, sizeof path, "data/printer/profiles/%s.profile", name);
	if (pprofile_load(path, p, &errors) != 0)
		fail_msg("%s", errors ? errors : path);
}

/* A postal manifest of three items of different services, as
 * printdata_manifest_docs gives them: only the third returns its result by
 * post, the first has no fee (issue 15 item 2: its "by post" mark used to
 * land on item 1 and the codes, procedures and owners printed as three
 * separate lists). */
static void
manifest_items(json_t *items)
{
	static const struct {
		const char *code, *s10, *proc, *owner, *addr;
		int fee, post;
	} rows[] = {
		{ "000.00.19.H49-261125-0007", "RR123456785VN",
		    "Chứng thực bản sao từ bản chính", "Nguyễn Văn An",
		    "Số 5 phố Hạ Long", 0, 0 },
		{ "000.00.19.H49-261125-0008", "RR123456799VN",
		    "Đăng ký hộ kinh doanh", "Trần Thị Bình",
		    "Tổ 3, phường Hồng Gai", 100000, 0 },
		{ "000.00.19.H49-261125-0009", "RR123456802VN",
		    "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Lê Văn Cường",
		    "Thôn 2, xã Đại Yên", 150000, 1 },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		json_array_append_new(items,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:i}", "code",
		        rows[i].code, "item_id", rows[i].s10, "procedure_name",
		        rows[i].proc, "owner_name", rows[i].owner, "address",
		        rows[i].addr, "fee", rows[i].fee, "delivery",
		        rows[i].post));
}

static void
fields_for(enum printdoc_kind k, const struct pprofile *p, struct printdoc *d)
{
	json_t *dos = json_loads(dossier_json, 0, NULL);
	json_t *proc = json_loads(procedure_json, 0, NULL);
	json_t *items = json_array();
	int rc = -1;

	assert_non_null(dos);
	assert_non_null(proc);
	switch (k) {
	case PRINTDOC_RECEIPT:
		rc = printdoc_receipt(d, dos, proc, &office);
		break;
	case PRINTDOC_SLIP:
		rc = printdoc_slip(d, dos, &office, 1795000000);
		break;
	case PRINTDOC_MANIFEST:
		manifest_items(items);
		rc = printdoc_manifest(d, "BK20261125-0001", items, &office,
		    1795000000);
		break;
	case PRINTDOC_TEST:
		rc = printdoc_test(d, p, &office);
		break;
	case PRINTDOC_SUPPLEMENT:
	case PRINTDOC_REFUSAL:
	case PRINTDOC_APOLOGY:
	case PRINTDOC_CONTROL: {
		json_t *f = json_loads(form_json, 0, NULL);

		assert_non_null(f);
		json_object_update(dos, f);
		json_decref(f);
		rc = printdoc_form(d, k, dos, &office, 1795000000);
		break;
	}
	}
	assert_int_equal(rc, 0);
	json_decref(dos);
	json_decref(proc);
	json_decref(items);
}

/* Renders kind for profile into bytes (and a preview when pv). */
static void
render(enum printdoc_kind k, const char *profile, bool reprint,
    struct buf *bytes, struct ebitmap *pv)
{
	struct pprofile p;
	struct printdoc d;
	struct ptemplate *t;
	struct ptemplate_layout lay;
	struct ptemplate_fields f;
	char path[256], *errors = NULL, err[256];

	load_profile(profile, &p);
	snprintf(path, sizeof path, "data/printer/templates/%s.tpl",
	    printdoc_kind_name(k));
	t = ptemplate_load(path, printdoc_fields(k), printdoc_lists(k),
	    &errors);
	if (t == NULL)
		fail_msg("%s", errors);
	fields_for(k, &p, &d);
	f = printdoc_view(&d);
	assert_int_equal(ptemplate_render(t, &f, p.width_chars, reprint, &lay),
	    0);
	buf_init(bytes, ESCPOS_JOB_MAX);
	if (escpos_render(fonts, &p, &lay, bytes, pv, NULL, err, sizeof err) !=
	    0)
		fail_msg("%s", err);
	ptemplate_layout_cleanup(&lay);
	printdoc_cleanup(&d);
	ptemplate_free(t);
}

static void
hexdiff(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	size_t i, n = na < nb ? na : nb;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	fprintf(stderr, "first difference at byte %zu (lengths %zu, %zu):\n", i,
	    na, nb);
	for (size_t k = i; k < i + 16; k++)
		fprintf(stderr, "  %zu: got %02x want %02x\n", k,
		    k < na ? a[k] : 0, k < nb ? b[k] : 0);
}

static void
test_golden(void **state)
{
	const char *bless = getenv("MOTCUA_BLESS");

	(void)state;
	for (int k = 0; k < PRINTDOC_KINDS; k++)
		for (size_t i = 0; i < sizeof profiles / sizeof *profiles;
		     i++) {
			struct buf b;
			char name[128], path[256];
			uint8_t *want;
			FILE *f;
			size_t n;

			snprintf(name, sizeof name, "%s-%s",
			    printdoc_kind_name((enum printdoc_kind)k),
			    profiles[i]);
			snprintf(path, sizeof path,
			    "tests/golden/printer/%s.bin", name);
			render((enum printdoc_kind)k, profiles[i], false, &b,
			    NULL);
			if (bless != NULL &&
			    (strcmp(bless, "all") == 0 ||
			        strcmp(bless, name) == 0)) {
				f = fopen(path, "wb");
				assert_non_null(f);
				assert_int_equal(
				    fwrite(buf_uptr(&b), 1, buf_len(&b), f),
				    buf_len(&b));
				fclose(f);
				fprintf(stderr, "blessed %s\n", path);
			}
			f = fopen(path, "rb");
			if (f == NULL)
				fail_msg("%s: missing; read the output, then "
				         "MOTCUA_BLESS=%s",
				    path, name);
			want = malloc(ESCPOS_JOB_MAX);
			n = fread(want, 1, ESCPOS_JOB_MAX, f);
			fclose(f);
			if (n != buf_len(&b) ||
			    memcmp(want, buf_uptr(&b), n) != 0) {
				hexdiff(buf_uptr(&b), buf_len(&b), want, n);
				fail_msg("%s differs from its golden file",
				    name);
			}
			free(want);
			buf_cleanup(&b);
		}
}

/* The raster profile sends no byte >= 0x80 outside GS v 0 and barcode
 * data: Vietnamese never goes out as garbage code-page bytes. The strict
 * walk follows the commands the renderer emits. */
static void
test_no_stray_bytes(void **state)
{
	struct buf b;
	const uint8_t *d;
	size_t len;

	(void)state;
	render(PRINTDOC_RECEIPT, "epson80", false, &b, NULL);
	d = buf_uptr(&b);
	len = buf_len(&b);
	for (size_t i = 0; i < len;) {
		uint8_t c = d[i];

		if (c == 0x1d && i + 1 < len && d[i + 1] == 'v') {
			size_t w = d[i + 4] | (size_t)d[i + 5] << 8;
			size_t h = d[i + 6] | (size_t)d[i + 7] << 8;

			i += 8 + w * h;
		} else if (c == 0x1d && d[i + 1] == 'k') {
			i += 4 + d[i + 3];
		} else if (c == 0x1d && d[i + 1] == '(') {
			i += 5 + (d[i + 3] | (size_t)d[i + 4] << 8);
		} else if (c == 0x1b || c == 0x1d) {
			i += c == 0x1b && d[i + 1] == '@' ? 2 : 3;
		} else {
			if (c >= 0x80)
				fail_msg("byte %02x at %zu outside a command",
				    c, i);
			i++;
		}
	}
	/* pure ASCII lines stay printer text: the lookup URL and the rule */
	assert_non_null(memmem(d, len,
	    "https://motcua.quangninh.gov.vn/l/7KQ2M9XR4T8VWB", 48));
	assert_non_null(memmem(d, len, "--------------------", 20));
	buf_cleanup(&b);
}

static void
test_preview(void **state)
{
	struct buf b, png;
	struct ebitmap pv;
	size_t ink = 0;

	(void)state;
	render(PRINTDOC_RECEIPT, "clone58", true, &b, &pv);
	assert_int_equal(pv.width, 384);
	assert_true(pv.height > 30 * 30);
	for (size_t i = 0; i < (size_t)pv.width * (size_t)pv.height; i++)
		ink += pv.px[i];
	assert_true(ink > 10000);
	buf_init(&png, 1u << 24);
	assert_int_equal(escpos_png(&pv, &png), 0);
	assert_memory_equal(buf_uptr(&png), "\x89PNG\r\n\x1a\n", 8);
	buf_cleanup(&png);
	ebitmap_cleanup(&pv);
	buf_cleanup(&b);
}

/* A reprint carries the banner first: in TCVN-3 it is the bytes of
 * "BẢN IN LẠI" on the upper page. */
static void
test_reprint_banner(void **state)
{
	struct buf b;
	/* B, Ả (upper page B6), N */
	static const uint8_t want[] = { 0x1b, 't', 31, 0xb6 };

	(void)state;
	render(PRINTDOC_RECEIPT, "epson80-tcvn3", true, &b, NULL);
	assert_non_null(memmem(buf_uptr(&b), buf_len(&b), want, sizeof want));
	assert_non_null(memmem(buf_uptr(&b), buf_len(&b), "*** B", 5));
	buf_cleanup(&b);
}

/* The value of field name in d; NULL when it has none. */
static const char *
field(const struct printdoc *d, const char *name)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->names[i], name) == 0)
			return d->values[i];
	return NULL;
}

/* A dossier with neither an ID number nor a phone opens at the kiosk
 * only by its QR: its receipt says so above the QR (issue 15, item 9);
 * any other receipt says nothing there. */
static void
test_receipt_qr_only(void **state)
{
	json_t *dos = json_loads(dossier_json, 0, NULL);
	struct printdoc d;
	const char *note;

	(void)state;
	assert_non_null(dos);
	assert_int_equal(printdoc_receipt(&d, dos, NULL, &office), 0);
	assert_string_equal(field(&d, "lookup_note"), "");
	printdoc_cleanup(&d);
	json_object_set_new(dos, "qr_only", json_true());
	assert_int_equal(printdoc_receipt(&d, dos, NULL, &office), 0);
	note = field(&d, "lookup_note");
	assert_non_null(note);
	assert_non_null(strstr(note, "quét mã QR"));
	assert_non_null(strstr(field(&d, "lookup_url"), "/l/7KQ2M9XR4T8VWB3N"));
	printdoc_cleanup(&d);
	/* no token, no QR: nothing to point at */
	json_object_set_new(dos, "token", json_string(""));
	assert_int_equal(printdoc_receipt(&d, dos, NULL, &office), 0);
	assert_string_equal(field(&d, "lookup_note"), "");
	printdoc_cleanup(&d);
	json_decref(dos);
}

/* The manifest prints one block per item, in order, each with its own
 * S10 id, code, procedure, owner, fee and "by post" (80 mm). */
static void
test_manifest_blocks(void **state)
{
	static const char *const want[] = { "1. Bưu gửi RR123456785VN",
		"Mã hồ sơ: 000.00.19.H49-261125-0007",
		"Thủ tục: Chứng thực bản sao từ bản chính",
		"Chủ hồ sơ: Nguyễn Văn An", "Địa chỉ: Số 5 phố Hạ Long",
		"Lệ phí: 0 đ", "Trả kết quả qua bưu điện: Không",
		"2. Bưu gửi RR123456799VN",
		"Mã hồ sơ: 000.00.19.H49-261125-0008",
		"Thủ tục: Đăng ký hộ kinh doanh", "Chủ hồ sơ: Trần Thị Bình",
		"Địa chỉ: Tổ 3, phường Hồng Gai", "Lệ phí: 100.000 đ",
		"Trả kết quả qua bưu điện: Không", "3. Bưu gửi RR123456802VN",
		"Mã hồ sơ: 000.00.19.H49-261125-0009",
		"Thủ tục: Cấp giấy phép xây dựng nhà ở riêng lẻ",
		"Chủ hồ sơ: Lê Văn Cường", "Địa chỉ: Thôn 2, xã Đại Yên",
		"Lệ phí: 150.000 đ", "Trả kết quả qua bưu điện: Có",
		"Tổng số hồ sơ: 3", "Trả kết quả qua bưu điện: 1",
		"Tổng lệ phí: 250.000 đ" };
	struct pprofile p;
	struct printdoc d;
	struct ptemplate *t;
	struct ptemplate_layout lay;
	struct ptemplate_fields f;
	char *errors = NULL;
	size_t i, k = 0;

	(void)state;
	load_profile("epson80", &p);
	t = ptemplate_load("data/printer/templates/manifest.tpl",
	    printdoc_fields(PRINTDOC_MANIFEST),
	    printdoc_lists(PRINTDOC_MANIFEST), &errors);
	if (t == NULL)
		fail_msg("%s", errors);
	fields_for(PRINTDOC_MANIFEST, &p, &d);
	f = printdoc_view(&d);
	assert_int_equal(ptemplate_render(t, &f, p.width_chars, false, &lay),
	    0);
	/* the wanted lines, in this order (text lines only) */
	for (i = 0; i < lay.count && k < sizeof want / sizeof want[0]; i++)
		if (lay.items[i].text != NULL &&
		    strcmp(lay.items[i].text, want[k]) == 0)
			k++;
	if (k < sizeof want / sizeof want[0]) {
		for (i = 0; i < lay.count; i++)
			fprintf(stderr, "  %s\n",
			    lay.items[i].text ? lay.items[i].text : "");
		fail_msg("line %zu \"%s\" missing or out of order", k, want[k]);
	}
	ptemplate_layout_cleanup(&lay);
	printdoc_cleanup(&d);
	ptemplate_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_receipt_qr_only),
		cmocka_unit_test(test_no_stray_bytes),
		cmocka_unit_test(test_preview),
		cmocka_unit_test(test_reprint_banner),
		cmocka_unit_test(test_manifest_blocks),
	};
	size_t n_ = sizeof(tests) / sizeof(tests[0]);
	int failed_ = cmocka_run_group_tests(tests, setup, teardown);

	printf("%zu passed, %d failed\n", n_ - (size_t)failed_, failed_);
	return failed_ != 0;
}
