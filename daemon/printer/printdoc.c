/* printdoc.c: see printdoc.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "printer/printdoc.h"
#include "core/status.h"
#include "printer/vntext.h"

static const char *const receipt_fields[] = { "office_name", "agency_header",
	"unit", "code", "copy", "owner_name", "address", "procedure_name",
	"documents", "sets", "days", "received_at", "due_at", "collect", "book",
	"hotline", "lookup_url", "lookup_note", "place_date", "postal_item",
	NULL };
static const char *const receipt_lists[] = { "documents", NULL };
static const char *const slip_fields[] = { "office_name", "code",
	"procedure_name", "masked_name", "status", "received_at", "due_at",
	"apology_due_at", "collect", "printed_at", "hotline", NULL };
static const char *const manifest_fields[] = { "office_name", "agency_header",
	"manifest_id", "manifest_code", "handover_at", "count", "post_count",
	"fee_total", "item_code", "item_s10", "item_procedure", "item_owner",
	"item_address", "item_fee", "item_post", NULL };
static const char *const manifest_lists[] = { "item_code", "item_s10",
	"item_procedure", "item_owner", "item_address", "item_fee", "item_post",
	NULL };
static const char *const test_fields[] = { "office_name", "profile",
	"description", "text_path", "width", "sample_vi", "sample_upper",
	"ascii", "unprintable", "barcode", "qr", "native", NULL };
static const char *const no_lists[] = { NULL };
/* The counter forms share one field set: a template uses what its form
 * shows. ho_line is the control slip's list, one hand-off a line. */
static const char *const form_fields[] = { "office_name", "agency_header",
	"unit", "code", "owner_name", "address", "phone", "procedure_name",
	"received_at", "due_at", "reason", "items", "responsible", "old_due_at",
	"new_due_at", "ho_line", "book", "hotline", "lookup_url", "place_date",
	NULL };
static const char *const form_lists[] = { "items", "ho_line", NULL };

const char *
printdoc_kind_name(enum printdoc_kind k)
{
	static const char *const n[] = { "receipt", "slip", "manifest", "test",
		"supplement", "refusal", "apology", "control" };

	return (unsigned)k < PRINTDOC_KINDS ? n[k] : "?";
}

int
printdoc_kind_from_name(const char *s)
{
	for (int k = 0; k < PRINTDOC_KINDS; k++)
		if (strcmp(printdoc_kind_name((enum printdoc_kind)k), s) == 0)
			return k;
	return -1;
}

const char *const *
printdoc_fields(enum printdoc_kind k)
{
	switch (k) {
	case PRINTDOC_RECEIPT:
		return receipt_fields;
	case PRINTDOC_SLIP:
		return slip_fields;
	case PRINTDOC_MANIFEST:
		return manifest_fields;
	case PRINTDOC_TEST:
		return test_fields;
	case PRINTDOC_SUPPLEMENT:
	case PRINTDOC_REFUSAL:
	case PRINTDOC_APOLOGY:
	case PRINTDOC_CONTROL:
		return form_fields;
	}
	return no_lists;
}

const char *const *
printdoc_lists(enum printdoc_kind k)
{
	return k == PRINTDOC_RECEIPT ? receipt_lists
	    : k == PRINTDOC_MANIFEST ? manifest_lists
	    : PRINTDOC_IS_FORM(k)    ? form_lists
	                             : no_lists;
}

void
printdoc_cleanup(struct printdoc *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->names[i]);
		free(d->values[i]);
	}
	d->count = 0;
}

static int set(struct printdoc *d, const char *name, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
set(struct printdoc *d, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;
	int n;

	if (d->count == PRINTDOC_FIELDS_MAX) {
		errno = ENOBUFS;
		return -1;
	}
	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((d->names[d->count] = strdup(name)) == NULL) {
		free(v);
		return -1;
	}
	d->values[d->count++] = v;
	return 0;
}

struct ptemplate_fields
printdoc_view(const struct printdoc *d)
{
	return (
	    struct ptemplate_fields){ .names = (const char *const *)d->names,
		.values = (const char *const *)d->values,
		.count = d->count };
}

static const char *
js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* "2026-01-05T09:32:00+07:00" -> "09 giờ 32 phút, ngày 05/01/2026". */
static void
vi_time(const char *iso, char *out, size_t size)
{
	int y, mo, d, h, mi;

	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5) {
		snprintf(out, size, "%s", iso);
		return;
	}
	snprintf(out, size, "%02d giờ %02d phút, ngày %02d/%02d/%04d", h, mi, d,
	    mo, y);
}

static void
vi_date(const char *iso, char *out, size_t size)
{
	int y, mo, d;

	if (sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) != 3) {
		snprintf(out, size, "%s", iso);
		return;
	}
	snprintf(out, size, "ngày %02d tháng %02d năm %04d", d, mo, y);
}

static const char *
collect_text(json_t *dossier)
{
	return json_integer_value(json_object_get(dossier, "delivery")) == 1
	    ? "Qua dịch vụ bưu chính công ích"
	    : "Tại Bộ phận Tiếp nhận và Trả kết quả";
}

void
printdoc_mask_name(const char *name, char *out, size_t size)
{
	size_t o = 0;
	bool start = true;

	if (size == 0)
		return;
	for (const char *p = name; *p != '\0' && o + 5 < size;) {
		uint32_t cp;
		size_t n = vn_next(p, &cp);

		if (cp == ' ') {
			out[o++] = ' ';
			start = true;
		} else if (start) {
			memcpy(out + o, p, n);
			o += n;
			start = false;
		} else {
			out[o++] = '*';
		}
		p += n;
	}
	out[o] = '\0';
}

/* The public URL without trailing slashes, as the API writes it. */
static int
base_len(const struct printdoc_office *of)
{
	size_t n = strlen(of->public_url);

	while (n > 0 && of->public_url[n - 1] == '/')
		n--;
	return (int)n;
}

int
printdoc_receipt(struct printdoc *d, json_t *dos, json_t *proc,
    const struct printdoc_office *of)
{
	char rec[96], due[96], docs[8192], place[96];
	const char *code = js(dos, "code"), *tok = js(dos, "token");
	json_t *list = NULL, *it;
	size_t i, used = 0;
	int rc = 0, days = 0;
	unsigned seq = 0;
	const char *dash = strrchr(code, '-');

	memset(d, 0, sizeof *d);
	vi_time(js(dos, "received_at"), rec, sizeof rec);
	vi_time(js(dos, "due_at"), due, sizeof due);
	/* a postal dossier's clock starts when the office accepts it */
	if (due[0] == '\0' && js(dos, "postal_item_id")[0] != '\0')
		snprintf(due, sizeof due, "%s",
		    "tính từ khi cơ quan tiếp nhận bưu gửi");
	vi_date(js(dos, "received_at"), place, sizeof place);
	docs[0] = '\0';
	if (proc != NULL) {
		const char *t =
		    json_string_value(json_object_get(proc, "documents"));

		list = json_object_get(proc, "documents");
		if (t != NULL)
			list = NULL; /* a JSON text, parsed below */
		days = (int)json_integer_value(json_object_get(proc, "days"));
		if (t != NULL && (list = json_loads(t, 0, NULL)) == NULL)
			list = json_array();
		else if (t == NULL)
			json_incref(list);
	}
	json_array_foreach(list, i, it) {
		const char *s = json_string_value(it);

		if (s == NULL)
			continue;
		if (strlen(s) + 2 > sizeof docs - used)
			break;
		used += (size_t)snprintf(docs + used, sizeof docs - used,
		    "%s%s", used ? "\n" : "", s);
	}
	json_decref(list);
	if (dash != NULL)
		seq = (unsigned)strtoul(dash + 1, NULL, 10);
	rc |= set(d, "office_name", "%s", of->office_name);
	rc |= set(d, "agency_header", "%s", of->agency_name);
	rc |= set(d, "unit", "%s", js(dos, "agency_name"));
	rc |= set(d, "code", "%s", code);
	rc |= set(d, "postal_item", "%s", js(dos, "postal_item_id"));
	/* "Liên 2: Giao khách hàng" unless the caller names the copy */
	rc |= set(d, "copy", "%s",
	    js(dos, "copy")[0] != '\0' ? js(dos, "copy")
	                               : "2: Giao khách hàng");
	rc |= set(d, "owner_name", "%s", js(dos, "owner_name"));
	rc |= set(d, "address", "%s", js(dos, "address"));
	rc |= set(d, "procedure_name", "%s", js(dos, "procedure_name"));
	rc |= set(d, "documents", "%s", docs);
	rc |= set(d, "sets", "01");
	rc |= days > 0 ? set(d, "days", "%d", days) : set(d, "days", "%s", "");
	rc |= set(d, "received_at", "%s", rec);
	rc |= set(d, "due_at", "%s", due);
	rc |= set(d, "collect", "%s", collect_text(dos));
	/* the tracking book (Mẫu 06) is kept per year; its running number
	 * is the code's daily sequence */
	rc |= set(d, "book", "Quyển số %.4s, Số thứ tự %04u",
	    js(dos, "received_at"), seq);
	rc |= set(d, "hotline", "%s", of->hotline);
	/* the opaque token only: never an ID or phone number */
	rc |= tok[0] ? set(d, "lookup_url", "%.*s/l/%s", base_len(of),
	                   of->public_url, tok)
	             : set(d, "lookup_url", "%s", "");
	/* a dossier with no ID number and no phone opens only by its QR */
	rc |= set(d, "lookup_note", "%s",
	    json_is_true(json_object_get(dos, "qr_only")) && tok[0]
	        ? "Hồ sơ không có số định danh và số điện thoại: hãy quét "
	          "mã QR dưới đây để tra cứu (nhập mã hồ sơ không mở được)."
	        : "");
	rc |= set(d, "place_date", "%s", place);
	if (rc != 0)
		printdoc_cleanup(d);
	return rc ? -1 : 0;
}

int
printdoc_slip(struct printdoc *d, json_t *dos, const struct printdoc_office *of,
    int64_t now)
{
	char rec[96], due[96], ap[96] = "", masked[256], at[32], pr[96];
	int rc = 0;
	const char *apo = js(dos, "apology_due_at");

	memset(d, 0, sizeof *d);
	vi_time(js(dos, "received_at"), rec, sizeof rec);
	vi_time(js(dos, "due_at"), due, sizeof due);
	if (apo[0] != '\0')
		vi_time(apo, ap, sizeof ap);
	cal_format_iso(now, at);
	vi_time(at, pr, sizeof pr);
	printdoc_mask_name(js(dos, "owner_name"), masked, sizeof masked);
	rc |= set(d, "office_name", "%s", of->office_name);
	rc |= set(d, "code", "%s", js(dos, "code"));
	rc |= set(d, "procedure_name", "%s", js(dos, "procedure_name"));
	rc |= set(d, "masked_name", "%s", masked);
	rc |= set(d, "status", "%s",
	    status_kiosk_vi(
	        (int)json_integer_value(json_object_get(dos, "status"))));
	rc |= set(d, "received_at", "%s", rec);
	rc |= set(d, "due_at", "%s", due);
	rc |= set(d, "apology_due_at", "%s", ap);
	rc |= set(d, "collect", "%s", collect_text(dos));
	rc |= set(d, "printed_at", "%s", pr);
	rc |= set(d, "hotline", "%s", of->hotline);
	if (rc != 0)
		printdoc_cleanup(d);
	return rc ? -1 : 0;
}

/* Appends item number `index` (0 first) to a '\n'-separated list. The
 * separator goes by the index, not by the bytes so far: an empty first
 * item must still take its place, or every later item moves up one (a
 * manifest printed item 3's "by post" on item 1). */
static int
list_add(char **list, size_t *len, size_t index, const char *s)
{
	size_t n = strlen(s);
	char *p = realloc(*list, *len + n + 2);

	if (p == NULL)
		return -1;
	if (index > 0)
		p[(*len)++] = '\n';
	for (size_t i = 0; i < n; i++)
		p[*len + i] = s[i] == '\n' ? ' ' : s[i];
	*len += n;
	p[*len] = '\0';
	*list = p;
	return 0;
}

static void
money(int64_t v, char *out, size_t size)
{
	char raw[32];
	int n = snprintf(raw, sizeof raw, "%lld", (long long)v), o = 0;

	for (int i = 0; i < n && (size_t)o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = raw[i];
	}
	out[o] = '\0';
}

int
printdoc_manifest(struct printdoc *d, const char *id, json_t *items,
    const struct printdoc_office *of, int64_t now)
{
	static const char *const lf[] = { "item_code", "item_s10",
		"item_procedure", "item_owner", "item_address", "item_fee",
		"item_post" };
	enum { NL = sizeof lf / sizeof lf[0] };
	char *l[NL] = { NULL }, at[32], hand[96], buf[64], code[32];
	size_t len[NL] = { 0 }, i, post = 0;
	const char *s10;
	int64_t total = 0;
	json_t *it;
	int rc = 0;

	memset(d, 0, sizeof *d);
	json_array_foreach(items, i, it) {
		int64_t fee = json_integer_value(json_object_get(it, "fee"));
		bool by_post =
		    json_integer_value(json_object_get(it, "delivery")) == 1;

		total += fee;
		post += by_post;
		money(fee, buf, sizeof buf);
		/* a postal manifest's rows name their S10 item; a day's
		 * dossiers carry it as postal_item_id */
		s10 = js(it, "item_id");
		if (*s10 == '\0')
			s10 = js(it, "postal_item_id");
		rc |= list_add(&l[0], &len[0], i, js(it, "code"));
		rc |= list_add(&l[1], &len[1], i, *s10 ? s10 : "-");
		rc |= list_add(&l[2], &len[2], i, js(it, "procedure_name"));
		rc |= list_add(&l[3], &len[3], i, js(it, "owner_name"));
		rc |= list_add(&l[4], &len[4], i, js(it, "address"));
		rc |= list_add(&l[5], &len[5], i, buf);
		rc |= list_add(&l[6], &len[6], i, by_post ? "Có" : "Không");
	}
	cal_format_iso(now, at);
	vi_time(at, hand, sizeof hand);
	if (strncmp(id, "BK", 2) == 0) /* a postal manifest id */
		snprintf(code, sizeof code, "%s", id);
	else
		snprintf(code, sizeof code, "BK%.4s%.2s%.2s", id, id + 5,
		    id + 8);
	money(total, buf, sizeof buf);
	rc |= set(d, "office_name", "%s", of->office_name);
	rc |= set(d, "agency_header", "%s", of->agency_name);
	rc |= set(d, "manifest_id", "%s", id);
	rc |= set(d, "manifest_code", "%s", code);
	rc |= set(d, "handover_at", "%s", hand);
	rc |= set(d, "count", "%zu", json_array_size(items));
	rc |= set(d, "post_count", "%zu", post);
	rc |= set(d, "fee_total", "%s", buf);
	for (i = 0; i < NL; i++) {
		rc |= set(d, lf[i], "%s", l[i] ? l[i] : "");
		free(l[i]);
	}
	if (rc != 0)
		printdoc_cleanup(d);
	return rc ? -1 : 0;
}

int
printdoc_test(struct printdoc *d, const struct pprofile *p,
    const struct printdoc_office *of)
{
	int rc = 0;

	memset(d, 0, sizeof *d);
	rc |= set(d, "office_name", "%s", of->office_name);
	rc |= set(d, "profile", "%s", p->name);
	rc |= set(d, "description", "%s", p->description);
	rc |= set(d, "text_path", "%s", pprofile_text_name(p->text));
	rc |= set(d, "width", "%d dots, %d characters", p->width_dots,
	    p->width_chars);
	rc |= set(d, "sample_vi", "%s",
	    "Tiếng Việt: ăâêôơưđ àảãáạ ằẳẵắặ ầẩẫấậ èẻẽéẹ ềểễếệ ìỉĩíị "
	    "òỏõóọ ồổỗốộ ờởỡớợ ùủũúụ ừửữứự ỳỷỹýỵ");
	rc |= set(d, "sample_upper", "%s",
	    "ĂÂÊÔƠƯĐ ÀẢÃÁẠ ẰẲẴẮẶ ẦẨẪẤẬ ÈẺẼÉẸ ỀỂỄẾỆ ÌỈĨÍỊ ÒỎÕÓỌ ỒỔỖỐỘ "
	    "ỜỞỠỚỢ ÙỦŨÚỤ ỪỬỮỨỰ ỲỶỸÝỴ");
	rc |= set(d, "ascii", "%s",
	    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
	rc |= set(d, "unprintable", "%s", "“ngoặc kép” – gạch… € ✓");
	rc |= set(d, "barcode", "%s", "{TEST}-260105-0007");
	rc |= set(d, "qr", "%.*s/l/TESTTOKEN", base_len(of), of->public_url);
	rc |= set(d, "native", "Code 128: %s, QR: %s",
	    p->code128_native ? "native" : "raster",
	    p->qr_native ? "native" : "raster");
	if (rc != 0)
		printdoc_cleanup(d);
	return rc ? -1 : 0;
}

const char *
printdoc_get(const struct printdoc *d, const char *name)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->names[i], name) == 0)
			return d->values[i];
	return "";
}

/* Mẫu 05's verdict of a hand-off against the due date (both local ISO
 * times, so their dates compare as text): before the due day, on it,
 * after it; "" without a due date. */
static const char *
handoff_verdict(const char *at, const char *due)
{
	int c;

	if (strlen(at) < 10 || strlen(due) < 10)
		return "";
	c = strncmp(at, due, 10);
	return c < 0 ? ", trước hạn" : c == 0 ? ", đúng hạn" : ", quá hạn";
}

/* "HH:MM dd/mm: FROM -> TO (note, verdict)" a line, for the control slip
 * (an ASCII arrow: every profile prints it). A slip too long is refused,
 * not cut. */
static int
handoff_lines(json_t *list, const char *due, char *out, size_t size)
{
	size_t used = 0, i;
	json_t *h;

	out[0] = '\0';
	json_array_foreach(list, i, h) {
		const char *at = js(h, "at"), *note = js(h, "note");
		int n = snprintf(out + used, size - used,
		    "%s%.5s %.2s/%.2s: %s -> %s (%s%s)", used ? "\n" : "",
		    strlen(at) >= 16 ? at + 11 : "",
		    strlen(at) >= 10 ? at + 8 : "",
		    strlen(at) >= 7 ? at + 5 : "", js(h, "from"), js(h, "to"),
		    note[0] ? note : "-", handoff_verdict(at, due));

		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int
printdoc_form(struct printdoc *d, enum printdoc_kind k, json_t *dos,
    const struct printdoc_office *of, int64_t now)
{
	char rec[96], due[96], old[96] = "", nue[96] = "", today[32], place[96],
	                       lines[8192];
	json_t *supp = json_object_get(dos, "supplement");
	json_t *apo = json_object_get(dos, "apology");
	const char *code = js(dos, "code"), *tok = js(dos, "token");
	const char *reason = "", *items = "", *unit = "";
	const char *dash = strrchr(code, '-');
	int rc = 0;

	memset(d, 0, sizeof *d);
	if (!PRINTDOC_IS_FORM(k))
		return -1;
	vi_time(js(dos, "received_at"), rec, sizeof rec);
	vi_time(js(dos, "due_at"), due, sizeof due);
	cal_format_iso(now, today);
	vi_date(today, place, sizeof place);
	if (k == PRINTDOC_SUPPLEMENT) {
		reason = js(supp, "reason");
		items = js(supp, "items");
	} else if (k == PRINTDOC_REFUSAL) {
		reason = js(dos, "refusal_reason");
	} else if (k == PRINTDOC_APOLOGY) {
		reason = js(apo, "reason");
		unit = js(apo, "unit");
		vi_time(js(apo, "due_before"), old, sizeof old);
		vi_time(js(apo, "due_after"), nue, sizeof nue);
	}
	if (handoff_lines(
	        k == PRINTDOC_CONTROL ? json_object_get(dos, "handoffs") : NULL,
	        js(dos, "due_at"), lines, sizeof lines) != 0)
		return -1;
	rc |= set(d, "office_name", "%s", of->office_name);
	rc |= set(d, "agency_header", "%s", of->agency_name);
	rc |= set(d, "unit", "%s", js(dos, "agency_name"));
	rc |= set(d, "code", "%s", code);
	rc |= set(d, "owner_name", "%s", js(dos, "owner_name"));
	rc |= set(d, "address", "%s", js(dos, "address"));
	rc |= set(d, "phone", "%s", js(dos, "phone"));
	rc |= set(d, "procedure_name", "%s", js(dos, "procedure_name"));
	rc |= set(d, "received_at", "%s", rec);
	rc |= set(d, "due_at", "%s", due);
	rc |= set(d, "reason", "%s", reason);
	rc |= set(d, "items", "%s", items);
	rc |= set(d, "responsible", "%s", unit);
	rc |= set(d, "old_due_at", "%s", old);
	rc |= set(d, "new_due_at", "%s", nue);
	rc |= set(d, "ho_line", "%s", lines);
	rc |= set(d, "book", "Quyển số %.4s, Số thứ tự %04u",
	    js(dos, "received_at"),
	    dash != NULL ? (unsigned)strtoul(dash + 1, NULL, 10) : 0u);
	rc |= set(d, "hotline", "%s", of->hotline);
	rc |= tok[0] ? set(d, "lookup_url", "%.*s/l/%s", base_len(of),
	                   of->public_url, tok)
	             : set(d, "lookup_url", "%s", "");
	rc |= set(d, "place_date", "%s", place);
	if (rc != 0)
		printdoc_cleanup(d);
	return rc ? -1 : 0;
}
