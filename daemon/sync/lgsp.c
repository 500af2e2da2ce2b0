/* lgsp.c: the national-portal adapter. See lgsp.h and docs/sync.md. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "sync/lgsp.h"
#include "core/textfold.h"

#define UTC7 (7 * 3600)

void
lgsp_date(int64_t t, char out[15])
{
	time_t local = (time_t)(t + UTC7);
	struct tm tm;

	if (t <= 0 || gmtime_r(&local, &tm) == NULL ||
	    tm.tm_year + 1900 > 9999 ||
	    strftime(out, 15, "%Y%m%d%H%M%S", &tm) != 14)
		out[0] = '\0';
}

static const char *
str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v != NULL ? v : "";
}

static int64_t
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void
set_date(json_t *o, const char *k, int64_t t)
{
	char d[15];

	lgsp_date(t, d);
	json_object_set_new(o, k, json_string(d));
}

static void
set_int_str(json_t *o, const char *k, int64_t v)
{
	char b[24];

	snprintf(b, sizeof b, "%lld", (long long)v);
	json_object_set_new(o, k, json_string(b));
}

/* The first max characters of UTF-8 text s (never cut inside one). */
static json_t *
first_chars(const char *s, size_t max)
{
	size_t i = 0, n = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	return json_stringn(s, i);
}

static bool
all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* DongBoHoSoMC data entry of a new dossier. */
static json_t *
dossier_entry(const json_t *it, const json_t *d)
{
	json_t *e = json_object(), *ids = json_array();
	const char *idno = str(d, "owner_id_no");

	json_object_set_new(e, "MaHoSo", json_string(str(it, "code")));
	json_object_set_new(e, "MaTTHC", json_string(str(d, "procedure_code")));
	json_object_set_new(e, "TenTTHC",
	    json_string(str(d, "procedure_name")));
	json_object_set_new(e, "MaLinhVuc", json_string(""));
	json_object_set_new(e, "TenLinhVuc", json_string(str(d, "field")));
	set_int_str(e, "KenhThucHien", num(d, "channel"));
	json_object_set_new(e, "ChuHoSo", json_string(str(d, "owner_name")));
	json_object_set_new(e, "LoaiDoiTuong", json_string("1"));
	json_object_set_new(e, "SoGiayToChuHoSo", json_string(idno));
	if (all_digits(idno, 12) || all_digits(idno, 9))
		json_array_append_new(ids,
		    json_pack("{s:s,s:s}", "LoaiDinhDanh",
		        strlen(idno) == 12 ? "1" : "2", "SoDinhDanh", idno));
	json_object_set_new(e, "DinhDanhCHS", ids);
	json_object_set_new(e, "Email", json_string(str(d, "email")));
	json_object_set_new(e, "SoDienThoai", json_string(str(d, "phone")));
	json_object_set_new(e, "Fax", json_string(""));
	json_object_set_new(e, "ThongTinKhac", json_string(str(d, "address")));
	set_date(e, "NgayNopHoSo",
	    num(d, "submitted_at") ? num(d, "submitted_at")
	                           : num(d, "received_at"));
	set_date(e, "NgayTiepNhan", num(d, "received_at"));
	set_date(e, "NgayHenTra", num(it, "due_at"));
	json_object_set_new(e, "NgayTra", json_string(""));
	json_object_set_new(e, "NgayKetThucXuLy", json_string(""));
	json_object_set_new(e, "NgayTuChoi", json_string(""));
	set_int_str(e, "TrangThaiHoSo", num(it, "status"));
	set_int_str(e, "HinhThuc", num(d, "delivery"));
	json_object_set_new(e, "TrichYeuHoSo",
	    first_chars(str(d, "summary"), LGSP_SUMMARY_MAX));
	json_object_set_new(e, "DonViXuLy", json_string(str(d, "agency_name")));
	json_object_set_new(e, "GhiChu", json_string(""));
	json_object_set_new(e, "NoiNopHoSo", json_string("2"));
	json_object_set_new(e, "DSKetNoiCSDL",
	    json_pack("[{s:s}]", "MaCSDL", "7"));
	json_object_set_new(e, "HoSoCoThanhPhanSoHoa", json_string("0"));
	json_object_set_new(e, "TaiKhoanDuocXacThucVoiVNeID", json_string("0"));
	json_object_set_new(e, "TaiLieuNop", json_array());
	json_object_set_new(e, "DanhSachLePhi", json_array());
	json_object_set_new(e, "DanhSachHoSoBoSung", json_array());
	json_object_set_new(e, "DanhSachGiayToKetQua", json_array());
	return e;
}

/* A supplement or an apology as a DongBoHoSoMC update of the dossier's
 * status, due date and DanhSachHoSoBoSung. */
static json_t *
supplement_entry(const json_t *it, const json_t *ev)
{
	json_t *e = json_object(), *b = json_object();
	const char *kind = str(ev, "kind");
	const json_t *detail = json_object_get(ev, "detail");
	int64_t before = num(ev, "due_before"), after = num(it, "due_at");

	json_object_set_new(e, "MaHoSo", json_string(str(it, "code")));
	set_int_str(e, "TrangThaiHoSo", num(it, "status"));
	set_date(e, "NgayHenTra", after ? after : before);
	json_object_set_new(b, "NguoiYeuCauBoSung",
	    first_chars(str(ev, "actor"), 50));
	json_object_set_new(b, "NoiDungBoSung",
	    json_string(json_string_value(json_object_get(detail, "items"))
	            ? json_string_value(json_object_get(detail, "items"))
	            : str(ev, "reason")));
	json_object_set_new(b, "LyDo", json_string(str(ev, "reason")));
	set_date(b, "NgayBoSung", num(it, "at"));
	json_object_set_new(b, "LoaiBoSung",
	    json_string(strcmp(kind, "apology") == 0 ? "XinLoi" : "BoSung"));
	json_object_set_new(b, "TrangThaiBoSung",
	    json_string(strcmp(kind, "supplement_complete") == 0 ? "1" : "0"));
	set_date(b, "NgayHenTraTruoc", before);
	set_date(b, "NgayHenTraMoi", after ? after : before);
	json_object_set_new(e, "DanhSachHoSoBoSung", json_pack("[o]", b));
	return e;
}

/* CapNhatTienDoHoSoMC data entry of a status change. */
static json_t *
progress_entry(const json_t *it, const json_t *ev)
{
	json_t *e = json_object();

	json_object_set_new(e, "MaHoSo", json_string(str(it, "code")));
	set_int_str(e, "TrangThai", num(it, "status"));
	json_object_set_new(e, "NguoiXuLy", first_chars(str(ev, "actor"), 50));
	json_object_set_new(e, "ChucDanh", json_string(""));
	json_object_set_new(e, "PhongBanXuLy", json_string(""));
	set_date(e, "ThoiDiemXuLy", num(it, "at"));
	json_object_set_new(e, "NoiDungXuLy", json_string(str(ev, "reason")));
	set_date(e, "NgayBatDau", num(it, "at"));
	set_date(e, "NgayKetThucTheoQuyDinh", num(it, "due_at"));
	return e;
}

json_t *
lgsp_request(const json_t *item, const char *session, const char *madonvi,
    bool updating, char err[LGSP_MSG_MAX])
{
	const char *kind = str(item, "kind");
	const json_t *ev = json_object_get(item, "event"), *d;
	const char *evkind = str(ev, "kind");
	json_t *entry, *req;
	const char *service = "DongBoHoSoMC";

	if (*str(item, "code") == '\0') {
		snprintf(err, LGSP_MSG_MAX, "item.code: required");
		return NULL;
	}
	if (strcmp(kind, "dossier_new") == 0) {
		if (!json_is_object(d = json_object_get(item, "dossier"))) {
			snprintf(err, LGSP_MSG_MAX,
			    "item.dossier: required for a new dossier");
			return NULL;
		}
		entry = dossier_entry(item, d);
	} else if (strcmp(kind, "apology") == 0 ||
	    strncmp(evkind, "supplement_", 11) == 0) {
		entry = supplement_entry(item, ev);
		updating = true;
	} else if (strcmp(kind, "status") == 0) {
		entry = progress_entry(item, ev);
		service = "CapNhatTienDoHoSoMC";
	} else {
		snprintf(err, LGSP_MSG_MAX,
		    "item.kind: %s has no DVCQG service", kind);
		return NULL;
	}
	req = json_pack("{s:s,s:s,s:s,s:[o]}", "session", session, "madonvi",
	    madonvi, "service", service, "data", entry);
	if (req != NULL && strcmp(service, "DongBoHoSoMC") == 0)
		json_object_set_new(req, "isUpdating",
		    json_string(updating ? "True" : "False"));
	return req;
}

/* error_code as text: a string, or an integer printed. */
static bool
code_text(json_t *v, char *buf, size_t size)
{
	if (json_is_string(v) && json_string_length(v) < size &&
	    json_string_length(v) > 0) {
		snprintf(buf, size, "%s", json_string_value(v));
		return true;
	}
	if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
		return true;
	}
	return false;
}

static json_t *
load(const char *buf, size_t len, char *msg)
{
	json_t *j;

	if (buf == NULL || len == 0 || len > LGSP_REPLY_MAX) {
		snprintf(msg, LGSP_MSG_MAX,
		    "reply: empty or larger than %d bytes", LGSP_REPLY_MAX);
		return NULL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(msg, LGSP_MSG_MAX, "reply: not a JSON object");
		return NULL;
	}
	return j;
}

enum lgsp_outcome
lgsp_reply(const char *buf, size_t len, char msg[LGSP_MSG_MAX])
{
	char code[16];
	const char *m;
	json_t *j;
	enum lgsp_outcome o;

	msg[0] = '\0';
	if ((j = load(buf, len, msg)) == NULL)
		return LGSP_BAD;
	if (!code_text(json_object_get(j, "error_code"), code, sizeof code)) {
		snprintf(msg, LGSP_MSG_MAX,
		    "reply.error_code: missing or not "
		    "a short string or number");
		json_decref(j);
		return LGSP_BAD;
	}
	m = json_string_value(json_object_get(j, "message"));
	if (m == NULL)
		m = "";
	if (strcmp(code, "0") == 0 || strcmp(code, "00") == 0)
		o = LGSP_OK;
	else if ((strcmp(code, "3") == 0 || strcmp(code, "-3") == 0) &&
	    strstr(m, "đã tồn tại") != NULL)
		o = LGSP_EXISTS;
	else
		o = LGSP_REFUSED;
	if (o != LGSP_OK)
		snprintf(msg, LGSP_MSG_MAX, "error_code %s: %.400s", code, m);
	json_decref(j);
	return o;
}

int
lgsp_login_reply(const char *buf, size_t len, char *session,
    size_t session_size, char msg[LGSP_MSG_MAX])
{
	char code[16];
	const char *s;
	json_t *j;
	int rc = -1;

	msg[0] = '\0';
	if ((j = load(buf, len, msg)) == NULL)
		return -1;
	if (!code_text(json_object_get(j, "error_code"), code, sizeof code) ||
	    (strcmp(code, "0") != 0 && strcmp(code, "00") != 0)) {
		snprintf(msg, LGSP_MSG_MAX, "login refused (error_code %s)",
		    code_text(json_object_get(j, "error_code"), code,
		        sizeof code)
		        ? code
		        : "missing");
		goto out;
	}
	s = json_string_value(json_object_get(j, "session"));
	if (s == NULL || *s == '\0' || strlen(s) >= session_size ||
	    strpbrk(s, "\r\n") != NULL) {
		snprintf(msg, LGSP_MSG_MAX,
		    "reply.session: missing or too long");
		goto out;
	}
	snprintf(session, session_size, "%s", s);
	rc = 0;
out:
	json_decref(j);
	return rc;
}
