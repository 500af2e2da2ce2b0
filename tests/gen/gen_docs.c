/* gen_docs.c: renders what the project's printer prints, for the
 * generated barcode images (tests/gen/barcodes.py): Mẫu 01 receipts cut
 * down to their barcode (the dossier code as Code 128) or their lookup QR,
 * and postal labels (an S10 item id as Code 128), through the real
 * template engine and ESC/POS renderer's preview bitmap (the pixels the
 * printer prints), on the 80 mm and the 58 mm profile.
 *
 * Usage: gen_docs OUTDIR. Writes OUTDIR/NAME.png and prints one line per
 * image: NAME.png, TAB, CODE128 or QRCODE, TAB, the text it holds. Run
 * from the repository root (fonts, profiles). Deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "postal/postid.h"
#include "printer/escpos.h"
#include "printer/pprofile.h"
#include "printer/printdoc.h"
#include "printer/ptemplate.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/"
#define DOCS   12 /* documents of each kind */

/* The parts of the receipt a photo of a label or a phone aims at: the
 * heading, the code and its barcode; the heading and the lookup QR; an
 * office line and the item id. The elements are receipt.tpl's. */
static const struct {
	const char *name, *sym, *field, *tpl;
} kinds[] = {
	{ "receipt-code", "CODE128", "code",
	    "text center bold lines=2 | {office_name}\n"
	    "text center | Mã hồ sơ: {code}\n"
	    "barcode | {code}\n"
	    "text lines=2 indent=2 | Nhận lúc: {received_at}\n" },
	{ "receipt-qr", "QRCODE", "lookup_url",
	    "text center bold lines=2 | {office_name}\n"
	    "text center | Tra cứu hồ sơ:\n"
	    "qr if=lookup_url | {lookup_url}\n"
	    "text center | Mã hồ sơ: {code}\n" },
	{ "s10-label", "CODE128", "postal_item",
	    "text center bold lines=2 | {office_name}\n"
	    "text center | Số hiệu bưu gửi:\n"
	    "barcode | {postal_item}\n"
	    "text center | {postal_item}\n" },
};

static int
render(struct escpos *e, const char *profile, const char *tplpath,
    const struct printdoc *doc, const char *out)
{
	char path[256], err[256], *errors = NULL;
	struct pprofile p;
	struct ptemplate *t;
	struct ptemplate_fields f = printdoc_view(doc);
	struct ptemplate_layout lay;
	struct ebitmap bm = { 0 };
	struct buf png;
	FILE *fp;
	int rc = -1;

	snprintf(path, sizeof path, "data/printer/profiles/%s.profile",
	    profile);
	if (pprofile_load(path, &p, &errors) != 0 ||
	    (t = ptemplate_load(tplpath, printdoc_fields(PRINTDOC_RECEIPT),
	         printdoc_lists(PRINTDOC_RECEIPT), &errors)) == NULL) {
		fprintf(stderr, "gen_docs: %s\n", errors ? errors : "?");
		free(errors);
		return -1;
	}
	ptemplate_render(t, &f, p.width_chars, false, &lay);
	buf_init(&png, 16u << 20);
	if (escpos_render(e, &p, &lay, NULL, &bm, NULL, err, sizeof err) != 0)
		fprintf(stderr, "gen_docs: %s\n", err);
	else if (escpos_png(&bm, &png) != 0 || (fp = fopen(out, "wb")) == NULL)
		fprintf(stderr, "gen_docs: cannot write %s\n", out);
	else {
		rc =
		    fwrite(buf_ptr(&png), 1, buf_len(&png), fp) == buf_len(&png)
		    ? 0
		    : -1;
		rc |= fclose(fp);
	}
	buf_cleanup(&png);
	ebitmap_cleanup(&bm);
	ptemplate_layout_cleanup(&lay);
	ptemplate_free(t);
	return rc;
}

int
main(int argc, char **argv)
{
	static const char *const fonts[4] = { DEJAVU "DejaVuSansMono.ttf",
		DEJAVU "DejaVuSansMono-Bold.ttf", DEJAVU "DejaVuSans.ttf",
		DEJAVU "DejaVuSans-Bold.ttf" };
	static const char tokchars[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
	static const char *const s10pre[] = { "RR", "EE", "CP", "RA", "EA" };
	struct printdoc_office of = { "Trung tâm Phục vụ hành chính công "
		                      "tỉnh Quảng Ninh",
		"UBND TỈNH QUẢNG NINH", "0203 3 826 826",
		"https://motcua.quangninh.gov.vn" };
	char err[256];
	struct escpos *e;
	unsigned seed = 17;

	if (argc != 2) {
		fputs("usage: gen_docs OUTDIR\n", stderr);
		return 2;
	}
	if ((e = escpos_new(fonts, err, sizeof err)) == NULL) {
		fprintf(stderr, "gen_docs: %s\n", err);
		return 1;
	}
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		char tpl[512];
		FILE *fp;

		snprintf(tpl, sizeof tpl, "%s/%s.tpl", argv[1], kinds[k].name);
		if ((fp = fopen(tpl, "w")) == NULL ||
		    fputs(kinds[k].tpl, fp) < 0 || fclose(fp) != 0) {
			fprintf(stderr, "gen_docs: cannot write %s\n", tpl);
			return 1;
		}
		for (int i = 0; i < DOCS; i++) {
			char code[64], tok[17], serial[9], s10[16], js[1024];
			char out[512];
			struct printdoc doc;
			json_t *d;
			const char *text = "";

			for (int c = 0; c < 16; c++) {
				seed = seed * 1103515245u + 12345u;
				tok[c] = tokchars[(seed >> 16) % 30];
			}
			tok[16] = '\0';
			seed = seed * 1103515245u + 12345u;
			snprintf(serial, sizeof serial, "%08u",
			    (seed >> 8) % 100000000u);
			snprintf(s10, sizeof s10, "%s%s%dVN", s10pre[i % 5],
			    serial, s10_check_digit(serial));
			snprintf(code, sizeof code,
			    "000.00.%02d.H%02d-2611%02d-%04u", 10 + i, 40 + i,
			    1 + i, (seed >> 4) % 10000u);
			snprintf(js, sizeof js,
			    "{\"code\":\"%s\",\"agency_name\":\"UBND tỉnh "
			    "Quảng Ninh\",\"owner_name\":\"Nguyễn Văn An\","
			    "\"procedure_name\":\"Cấp bản sao trích lục hộ "
			    "tịch\",\"received_at\":\"2026-11-25T08:30:00+07:"
			    "00\",\"due_at\":\"2026-12-16T08:30:00+07:00\","
			    "\"delivery\":1,\"status\":4,\"token\":\"%s\","
			    "\"postal_item_id\":\"%s\"}",
			    code, tok, s10);
			if ((d = json_loads(js, 0, NULL)) == NULL ||
			    printdoc_receipt(&doc, d, NULL, &of) != 0) {
				fputs("gen_docs: receipt\n", stderr);
				return 1;
			}
			snprintf(out, sizeof out, "%s/%s-%02d.png", argv[1],
			    kinds[k].name, i + 1);
			if (render(e, i % 2 ? "clone58" : "epson80", tpl, &doc,
			        out) != 0)
				return 1;
			if (strcmp(kinds[k].field, "code") == 0)
				text = code;
			else if (strcmp(kinds[k].field, "postal_item") == 0)
				text = s10;
			else
				text = NULL;
			if (text != NULL)
				printf("%s-%02d.png\t%s\t%s\n", kinds[k].name,
				    i + 1, kinds[k].sym, text);
			else
				printf("%s-%02d.png\t%s\t%s/l/%s\n",
				    kinds[k].name, i + 1, kinds[k].sym,
				    of.public_url, tok);
			printdoc_cleanup(&doc);
			json_decref(d);
		}
	}
	escpos_free(e);
	return 0;
}
