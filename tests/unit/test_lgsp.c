/* test_lgsp.c: the national-portal adapter against golden JSON files
 * (tests/golden/lgsp/NAME.item.json -> NAME.expected.json, dates checked by
 * hand: 1767580320 is 2026-01-05 09:32:00 +07:00), and its reply rules. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"

#include "sync/lgsp.h"

static json_t *
load(const char *name, const char *suffix)
{
	char path[256];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof path, "tests/golden/lgsp/%s.%s.json", name,
	    suffix);
	j = json_load_file(path, 0, &e);
	if (j == NULL)
		fail_msg("%s: %s", path, e.text);
	return j;
}

static void
golden(const char *name)
{
	char err[LGSP_MSG_MAX];
	json_t *item = load(name, "item"), *want = load(name, "expected");
	json_t *got =
	    lgsp_request(item, "SESSION-TEST", "000.00.19.H49", false, err);

	assert_non_null(got);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS | JSON_INDENT(1));

		fail_msg("%s differs from its golden file; got:\n%s", name, g);
	}
	json_decref(item);
	json_decref(want);
	json_decref(got);
}

static void
test_golden_dossier_new(void **state)
{
	(void)state;
	golden("dossier_new");
}

static void
test_golden_status(void **state)
{
	(void)state;
	golden("status");
}

static void
test_golden_supplement(void **state)
{
	(void)state;
	golden("supplement");
}

static void
test_golden_apology(void **state)
{
	(void)state;
	golden("apology");
}

static void
test_dates(void **state)
{
	char d[15];

	(void)state;
	lgsp_date(1767580320, d); /* 2026-01-05T02:32:00Z */
	assert_string_equal(d, "20260105093200");
	lgsp_date(1767632399, d); /* 16:59:59Z: still the 5th in UTC ... */
	assert_string_equal(d, "20260105235959");
	lgsp_date(1767632400, d); /* ... 17:00Z is the 6th at UTC+7 */
	assert_string_equal(d, "20260106000000");
	lgsp_date(0, d);
	assert_string_equal(d, "");
}

static void
test_updating_and_ids(void **state)
{
	char err[LGSP_MSG_MAX];
	json_t *item = load("dossier_new", "item"), *r, *e;
	json_t *d = json_object_get(item, "dossier");

	(void)state;
	r = lgsp_request(item, "S", "X", true, err);
	assert_string_equal(json_string_value(json_object_get(r, "isUpdating")),
	    "True");
	json_decref(r);
	/* a 9-digit CMND is kind "2"; anything else gets no DinhDanhCHS */
	json_object_set_new(d, "owner_id_no", json_string("123456789"));
	r = lgsp_request(item, "S", "X", false, err);
	e = json_array_get(json_object_get(r, "data"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(e, "DinhDanhCHS"), 0),
	        "LoaiDinhDanh")),
	    "2");
	json_decref(r);
	json_object_set_new(d, "owner_id_no", json_string("AB12"));
	r = lgsp_request(item, "S", "X", false, err);
	e = json_array_get(json_object_get(r, "data"), 0);
	assert_int_equal(json_array_size(json_object_get(e, "DinhDanhCHS")), 0);
	json_decref(r);
	json_decref(item);
}

static void
test_summary_cut_at_characters(void **state)
{
	char err[LGSP_MSG_MAX], buf[3 * 1200 + 1] = "";
	json_t *item = load("dossier_new", "item"), *r, *e;
	const char *t;

	(void)state;
	for (int i = 0; i < 1200; i++)
		strcat(buf, "ệ"); /* 3 bytes each */
	json_object_set_new(json_object_get(item, "dossier"), "summary",
	    json_string(buf));
	r = lgsp_request(item, "S", "X", false, err);
	e = json_array_get(json_object_get(r, "data"), 0);
	t = json_string_value(json_object_get(e, "TrichYeuHoSo"));
	assert_int_equal(strlen(t), 3 * LGSP_SUMMARY_MAX);
	json_decref(r);
	json_decref(item);
}

static void
test_missing_fields(void **state)
{
	char err[LGSP_MSG_MAX];
	json_t *item = load("dossier_new", "item");

	(void)state;
	json_object_del(item, "dossier");
	assert_null(lgsp_request(item, "S", "X", false, err));
	assert_non_null(strstr(err, "dossier"));
	json_object_del(item, "code");
	assert_null(lgsp_request(item, "S", "X", false, err));
	assert_non_null(strstr(err, "code"));
	json_decref(item);
}

static enum lgsp_outcome
reply(const char *s)
{
	char msg[LGSP_MSG_MAX];

	return lgsp_reply(s, strlen(s), msg);
}

static void
test_replies(void **state)
{
	char msg[LGSP_MSG_MAX];
	static const char refused[] =
	    "{\"error_code\":\"-1\",\"message\":\"MaTTHC không hợp lệ\"}";

	(void)state;
	assert_int_equal(reply("{\"error_code\":\"0\",\"message\":\"\"}"),
	    LGSP_OK);
	assert_int_equal(reply("{\"error_code\":\"00\"}"), LGSP_OK);
	assert_int_equal(reply("{\"error_code\":0}"), LGSP_OK);
	assert_int_equal(reply("{\"error_code\":\"-3\",\"message\":\"Hồ sơ đã "
	                       "tồn tại trên hệ thống\"}"),
	    LGSP_EXISTS);
	assert_int_equal(reply("{\"error_code\":3,\"message\":\"đã tồn tại\"}"),
	    LGSP_EXISTS);
	/* "3" without the words is some other error */
	assert_int_equal(reply("{\"error_code\":\"3\",\"message\":\"lỗi\"}"),
	    LGSP_REFUSED);
	assert_int_equal(lgsp_reply(refused, strlen(refused), msg),
	    LGSP_REFUSED);
	assert_non_null(strstr(msg, "-1"));
	assert_non_null(strstr(msg, "MaTTHC"));
	assert_int_equal(reply(""), LGSP_BAD);
	assert_int_equal(reply("<html>502</html>"), LGSP_BAD);
	assert_int_equal(reply("{\"message\":\"ok\"}"), LGSP_BAD);
	assert_int_equal(reply("{\"error_code\":null}"), LGSP_BAD);
	assert_int_equal(reply("{\"error_code\":\"0\",\"error_code\":\"1\"}"),
	    LGSP_BAD);
}

static void
test_login(void **state)
{
	char s[64], msg[LGSP_MSG_MAX];
	static const char good[] = "{\"session\":\"abc123\",\"error_code\":0}";
	static const char bad[] = "{\"session\":\"abc\",\"error_code\":\"1\"}";
	static const char none[] = "{\"error_code\":\"00\"}";

	(void)state;
	assert_int_equal(lgsp_login_reply(good, strlen(good), s, sizeof s, msg),
	    0);
	assert_string_equal(s, "abc123");
	assert_int_equal(lgsp_login_reply(bad, strlen(bad), s, sizeof s, msg),
	    -1);
	assert_int_equal(lgsp_login_reply(none, strlen(none), s, sizeof s, msg),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_dossier_new),
		cmocka_unit_test(test_golden_status),
		cmocka_unit_test(test_golden_supplement),
		cmocka_unit_test(test_golden_apology),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_updating_and_ids),
		cmocka_unit_test(test_summary_cut_at_characters),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_login),
	};

	HARNESS_RUN(tests);
}
