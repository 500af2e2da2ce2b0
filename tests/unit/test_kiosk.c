/* test_kiosk.c: the kiosk's pure core (kiosk.h, core/scantext.h), its config
 * keys, and the store calls it uses (code + second factor, ratings, the
 * catalogue), on a fresh database in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "core/importrec.h"
#include "core/scantext.h"
#include "core/factor.h"
#include "core/termlist.h"
#include "core/status.h"
#include "kiosk/kiosk_json.h"
#include "kiosk/lookupview.h"
#include "store/store.h"

#include "fixture.h"
#include "harness.h"

#define AGENCY "000.00.19.H49"
#define PROC   "1.001193.000.00.00.H49"

/* --- terminals (core/termlist.c) ---------------------------------------- */

static void
test_terminals(void **state)
{
	struct termlist_entry t[TERMLIST_MAX];
	size_t n = 99;

	(void)state;
	assert_null(termlist_parse("", t, &n));
	assert_int_equal(n, 0);
	assert_null(termlist_parse("   ", t, &n));
	assert_int_equal(n, 0);
	assert_null(termlist_parse(
	    " hall-1 , hall_2@127.0.0.1 ,lobby@[::1]/7, x@10.1.2.3/600", t,
	    &n));
	assert_int_equal(n, 4);
	assert_string_equal(t[0].id, "hall-1");
	assert_int_equal(t[0].addr_len, 0);
	assert_int_equal(t[0].failures_per_minute, 0);
	assert_string_equal(t[1].id, "hall_2");
	assert_int_equal(t[1].addr_len, 4);
	assert_memory_equal(t[1].addr, "\x7f\0\0\1", 4);
	assert_string_equal(t[2].id, "lobby");
	assert_int_equal(t[2].addr_len, 16);
	assert_int_equal(t[2].addr[15], 1);
	assert_int_equal(t[2].failures_per_minute, 7);
	assert_int_equal(t[3].failures_per_minute, 600);
}

static void
test_terminals_bad(void **state)
{
	static const char *const bad[] = { "Hall", "a,,b", "a,", ",a", "a@",
		"a@300.1.1.1", "a@host", "a/0", "a/601", "a/x", "a/",
		"seventeen-chars-x", "a b", "a,a", "@1.2.3.4", "é" };
	struct termlist_entry t[TERMLIST_MAX];
	char many[512] = "";
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = termlist_parse(bad[i], t, &n);

		if (why == NULL)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(n, 0);
	}
	for (int i = 0; i < TERMLIST_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
		    "%st%d", i ? "," : "", i);
	assert_string_equal(termlist_parse(many, t, &n),
	    "more than 32 terminals");
}

/* termlist_id_valid decides whether the kiosk's log may echo an id a page
 * asked for: only what could be one. */
static void
test_terminal_id_valid(void **state)
{
	static const char *const good[] = { "hall-1", "a", "x_2",
		"sixteen-chars-xy" };
	static const char *const bad[] = { "", "Hall-1", "hall 1",
		"seventeen-chars-x", "h\xc3\xa9", "a\n", "a%0A", "a/b" };

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!termlist_id_valid(good[i]))
			fail_msg("refused '%s'", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (termlist_id_valid(bad[i]))
			fail_msg("accepted '%s'", bad[i]);
	assert_false(termlist_id_valid(NULL));
}

static void
test_config_keys(void **state)
{
	static const char good[] = "[office]\nagency_code = " AGENCY "\n"
	                           "[kiosk]\nterminals = hall-1@127.0.0.1/4\n"
	                           "second_factor = phone_last4\n"
	                           "clear_after_s = 45\n"
	                           "test_endpoints = true\n";
	static const char bad[] = "[office]\nagency_code = " AGENCY "\n"
	                          "[kiosk]\nterminals = Hall 1\n"
	                          "second_factor = last4\n"
	                          "clear_after_s = 2\n";
	struct config c;
	char *errs = NULL;

	(void)state;
	assert_int_equal(
	    config_parse_mem(good, strlen(good), "t.conf", &c, &errs), 0);
	assert_string_equal(c.kiosk_terminals, "hall-1@127.0.0.1/4");
	assert_true(c.kiosk_factor_phone);
	assert_int_equal(c.kiosk_clear_after_s, 45);
	assert_true(c.kiosk_test_endpoints);
	assert_int_equal(c.kiosk_failure_burst, 5); /* default */
	config_cleanup(&c);
	/* the defaults: no terminals, ID digits, 30 s, test endpoints off */
	assert_int_equal(config_parse_mem(good,
	                     (size_t)(strstr(good, "[kiosk]") - good), "t.conf",
	                     &c, &errs),
	    0);
	assert_string_equal(c.kiosk_terminals, "");
	assert_false(c.kiosk_factor_phone);
	assert_int_equal(c.kiosk_clear_after_s, 30);
	assert_false(c.kiosk_test_endpoints);
	config_cleanup(&c);
	assert_int_equal(
	    config_parse_mem(bad, strlen(bad), "t.conf", &c, &errs), -1);
	assert_non_null(strstr(errs, "t.conf:4: kiosk.terminals: terminal id"));
	assert_non_null(strstr(errs,
	    "t.conf:5: kiosk.second_factor: expected id_last4 or phone_last4"));
	assert_non_null(strstr(errs, "t.conf:6: kiosk.clear_after_s"));
	free(errs);
}

/* --- codes, factors, scans -------------------------------------------------
 */

static void
test_code_normalise(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "000.00.19.H49-261125-0003", "000.00.19.H49-261125-0003" },
		{ " 000.00.19.h49-261125-0003 ", "000.00.19.H49-261125-0003" },
		{ "000 . 00 . 19 . H49 - 261125 - 0003",
		    "000.00.19.H49-261125-0003" },
		/* en dash, minus sign, full-width digits and stop */
		{ "000.00.19.H49\xe2\x80\x93"
		  "261125\xe2\x88\x92"
		  "0003",
		    "000.00.19.H49-261125-0003" },
		{ "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90.00.19.H49-261125-0003",
		    "000.00.19.H49-261125-0003" },
		/* accents a Vietnamese keyboard put on letters go; the
		 * letter stays (a lookup of a wrong code simply misses) */
		{ "000.00.19.H\xc3\xb4"
		  "9-261125-0003",
		    "000.00.19.HO9-261125-0003" },
		{ "000.\xc4\x90"
		  "0.19.H49-261125-0003",
		    "000.D0.19.H49-261125-0003" },
		{ "000.00.19.H49-2611\xe1\xba\xa1"
		  "5-0003",
		    NULL },
		{ "000.00.19.H26-260105-48213", "000.00.19.H26-260105-48213" },
	};
	char out[DCODE_TEXT_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		enum dcode_err e =
		    scantext_code_normalise(ok[i].in, strlen(ok[i].in), out);

		if (ok[i].out == NULL) { /* a letter where digits belong */
			assert_int_not_equal(e, DCODE_OK);
			continue;
		}
		if (e != DCODE_OK)
			fail_msg("'%s': %s", ok[i].in, dcode_strerror(e));
		assert_string_equal(out, ok[i].out);
	}
	/* "ố" folds to O: the agency group "H4Ô" reads as "H4O" */
	assert_int_equal(
	    scantext_code_normalise("000.00.19.H4\xc3\x94-261125-0003",
	        strlen("000.00.19.H4\xc3\x94-261125-0003"), out),
	    DCODE_OK);
	assert_string_equal(out, "000.00.19.H4O-261125-0003");
	assert_int_not_equal(scantext_code_normalise("", 0, out), DCODE_OK);
	assert_int_not_equal(
	    scantext_code_normalise("000.00.19.H49-261131-0003", 25, out),
	    DCODE_OK); /* 31 Nov */
	assert_int_not_equal(scantext_code_normalise("\xff\xfe", 2, out),
	    DCODE_OK);
}

static void
test_factor(void **state)
{
	char d[FACTOR_LEN + 1];

	(void)state;
	assert_true(factor_parse("4567", 4, d));
	assert_string_equal(d, "4567");
	assert_true(factor_parse(" 45 67 ", 7, d));
	assert_string_equal(d, "4567");
	assert_true(factor_parse("\xef\xbc\x94"
	                         "567",
	    6, d));
	assert_string_equal(d, "4567");
	assert_false(factor_parse("456", 3, d));
	assert_string_equal(d, "");
	assert_false(factor_parse("45678", 5, d));
	assert_false(factor_parse("45a7", 4, d));
	assert_false(factor_parse("", 0, d));

	/* which number is the factor: the office's, else the other */
	assert_int_equal(factor_choose(false, "001203004567", "0912345678"),
	    FACTOR_ID);
	assert_int_equal(factor_choose(true, "001203004567", "0912345678"),
	    FACTOR_PHONE);
	assert_int_equal(factor_choose(false, NULL, "0912345678"),
	    FACTOR_PHONE);
	assert_int_equal(factor_choose(false, "", "0912345678"), FACTOR_PHONE);
	assert_int_equal(factor_choose(false, "12", "0912345678"),
	    FACTOR_PHONE); /* too few digits to be one */
	assert_int_equal(factor_choose(true, "001203004567", NULL), FACTOR_ID);
	assert_int_equal(factor_choose(true, NULL, "n/a"), FACTOR_NONE);
	assert_int_equal(factor_choose(false, NULL, NULL), FACTOR_NONE);
	assert_string_equal(factor_kind_name(FACTOR_NONE), "none");
	assert_string_equal(factor_kind_name(FACTOR_ID), "id");
	assert_string_equal(factor_kind_name(FACTOR_PHONE), "phone");

	assert_true(factor_last_digits("001203004567", 12, d));
	assert_string_equal(d, "4567");
	assert_true(factor_last_digits("+84 91 234-5678", 15, d));
	assert_string_equal(d, "5678");
	assert_false(factor_last_digits("12a", 3, d));
}

static void
test_scan(void **state)
{
	struct scantext s;
	unsigned char junk[600];

	(void)state;
	scantext_classify("http://10.0.0.1:8080/l/00047k3m9q2x1b4r8t6v\r\n", 45,
	    &s);
	assert_int_equal(s.kind, SCANTEXT_TOKEN);
	assert_string_equal(s.value, "00047K3M9Q2X1B4R8T6V");
	scantext_classify("00047K3M9Q2X1B4R8T6V", 20, &s);
	assert_int_equal(s.kind, SCANTEXT_TOKEN);
	scantext_classify("https://x/l/00047K3M9Q2X1B4R8T6V?a=b", 36, &s);
	assert_int_equal(s.kind, SCANTEXT_TOKEN);
	scantext_classify("000.00.19.H49-261125-0003\t", 26, &s);
	assert_int_equal(s.kind, SCANTEXT_CODE);
	assert_string_equal(s.value, "000.00.19.H49-261125-0003");
	scantext_classify("<script>alert(1)</script>", 25, &s);
	assert_int_equal(s.kind, SCANTEXT_UNKNOWN);
	assert_string_equal(s.value, "");
	memset(junk, 'A', sizeof junk);
	scantext_classify(junk, sizeof junk, &s); /* too long */
	assert_int_equal(s.kind, SCANTEXT_UNKNOWN);
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 37);
	scantext_classify(junk, 300, &s);
	assert_int_equal(s.kind, SCANTEXT_UNKNOWN);
	scantext_classify("", 0, &s);
	assert_int_equal(s.kind, SCANTEXT_UNKNOWN);
	assert_string_equal(scantext_kind_name(SCANTEXT_CODE), "code");
}

/* --- the store
 * ---------------------------------------------------------------- */

struct fixture {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
	char code[DCODE_TEXT_MAX + 1];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_procedure p = { .code = PROC,
		.name = "Đăng ký khai sinh",
		.field = "Hộ tịch",
		.days = 1,
		.documents = "[\"Tờ khai\",\"Giấy chứng sinh\"]" };
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = AGENCY,
		.owner_name = "Nguyễn Văn An",
		.owner_id_no = "001203004567",
		.phone = "0912 345 678",
		.channel = CHANNEL_COUNTER,
		.delivery = DELIVERY_COUNTER,
		.actor = "test" };
	struct store_intake_result res;
	char err[STORE_ERR_MAX];

	assert_non_null(f);
	f->s = fixture_store_open("test_kiosk", f->dir, f->path);
	fixture_store_seed(f->s, AGENCY, "UBND tỉnh", &p);
	in.received_at = (int64_t)time(NULL);
	assert_int_equal(store_intake(f->s, &in, &res, err), STORE_OK);
	snprintf(f->code, sizeof f->code, "%s", res.code);
	*state = f;
	return 0;
}

/* The kiosk view of status 1 says how the dossier came in, and a postal
 * packet resolved as lost has its own state with its S10 id (issue 15). */
static void
test_lookupview_channel_and_lost(void **state)
{
	struct store_lookup v = { .status = ST_SUBMITTED,
		.channel = CHANNEL_POSTAL,
		.received_at = 1764037800 };
	json_t *j, *st;

	(void)state;
	snprintf(v.procedure_name, sizeof v.procedure_name,
	    "Đăng ký khai sinh");
	snprintf(v.masked_name, sizeof v.masked_name, "Ng**** V** A*");
	assert_non_null(j = lookupview_json(&v, 1764037800));
	st = json_object_get(j, "status");
	assert_string_equal(json_string_value(json_object_get(st, "label_en")),
	    "Sent by post, not yet accepted");
	assert_string_equal(json_string_value(json_object_get(st, "name")),
	    "submitted");
	assert_string_equal(json_string_value(json_object_get(j, "channel")),
	    "postal");
	assert_true(json_is_null(json_object_get(j, "postal_lost")));
	assert_true(json_is_null(json_object_get(j, "due_at")));
	json_decref(j);

	snprintf(v.lost_item, sizeof v.lost_item, "RR528469375VN");
	assert_non_null(j = lookupview_json(&v, 1764037800));
	st = json_object_get(j, "status");
	assert_string_equal(json_string_value(json_object_get(st, "kiosk_vi")),
	    "Bưu gửi chứa hồ sơ đã bị thất lạc");
	assert_string_equal(json_string_value(json_object_get(st, "kiosk_en")),
	    "The packet with this dossier was lost");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(j, "postal_lost"), "item_id")),
	    "RR528469375VN");
	json_decref(j);

	v.lost_item[0] = '\0';
	v.channel = CHANNEL_COUNTER;
	assert_non_null(j = lookupview_json(&v, 1764037800));
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(j, "status"), "label_en")),
	    "Registered at the counter, not yet accepted");
	json_decref(j);
	/* other statuses keep their labels whatever the channel */
	v.status = ST_PROCESSING;
	assert_non_null(j = lookupview_json(&v, 1764037800));
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(j, "status"), "kiosk_en")),
	    "Being processed");
	json_decref(j);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_store_close(f->s, f->dir);
	free(f);
	return 0;
}

static void
test_lookup_code(void **state)
{
	struct fixture *f = *state;
	struct store_lookup v;

	assert_int_equal(
	    store_lookup_code(f->s, f->code, STORE_FACTOR_ID, "4567", &v),
	    STORE_OK);
	assert_string_equal(v.masked_name, "Ng**** V** A*");
	assert_string_equal(v.procedure_name, "Đăng ký khai sinh");
	assert_string_equal(v.collect_at, "UBND tỉnh");
	assert_int_equal(v.status, ST_RECEIVED);
	/* the phone's digits are not the ID's */
	assert_int_equal(
	    store_lookup_code(f->s, f->code, STORE_FACTOR_ID, "5678", &v),
	    STORE_NOTFOUND);
	assert_string_equal(v.masked_name, ""); /* nothing leaks on a miss */
	assert_int_equal(
	    store_lookup_code(f->s, f->code, STORE_FACTOR_PHONE, "5678", &v),
	    STORE_OK);
	assert_int_equal(store_lookup_code(f->s, "000.00.19.H49-261125-9999",
	                     STORE_FACTOR_ID, "4567", &v),
	    STORE_NOTFOUND);
	assert_int_equal(
	    store_lookup_code(f->s, f->code, STORE_FACTOR_ID, NULL, &v),
	    STORE_NOTFOUND);
	assert_int_equal(
	    store_lookup_code(f->s, f->code, STORE_FACTOR_ID, "456", &v),
	    STORE_NOTFOUND);
}

/* A dossier registered without an ID number opens with its phone's last
 * digits whatever kiosk.second_factor says; one with neither number
 * opens by code with nothing (issue 15, item 9; docs/privacy.md). */
static void
test_lookup_code_fallback(void **state)
{
	struct fixture *f = *state;
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = AGENCY,
		.owner_name = "Lê Thị Hoa",
		.phone = "0987 654 321",
		.channel = CHANNEL_COUNTER,
		.delivery = DELIVERY_COUNTER,
		.actor = "test" };
	struct store_intake_result res, bare;
	struct store_lookup v;
	char err[STORE_ERR_MAX];

	in.received_at = (int64_t)time(NULL);
	assert_int_equal(store_intake(f->s, &in, &res, err), STORE_OK);
	assert_int_equal(
	    store_lookup_code(f->s, res.code, STORE_FACTOR_ID, "4321", &v),
	    STORE_OK);
	assert_string_equal(v.masked_name, "L* T** H**");
	assert_int_equal(
	    store_lookup_code(f->s, res.code, STORE_FACTOR_PHONE, "4321", &v),
	    STORE_OK);
	assert_int_equal(
	    store_lookup_code(f->s, res.code, STORE_FACTOR_ID, "0000", &v),
	    STORE_NOTFOUND);
	/* an ID number only: it opens with the ID when the office asks
	 * for the phone */
	in.phone = NULL;
	in.owner_id_no = "031234567890";
	assert_int_equal(store_intake(f->s, &in, &bare, err), STORE_OK);
	assert_int_equal(
	    store_lookup_code(f->s, bare.code, STORE_FACTOR_PHONE, "7890", &v),
	    STORE_OK);
	/* neither: no digits open it */
	in.owner_id_no = NULL;
	assert_int_equal(store_intake(f->s, &in, &bare, err), STORE_OK);
	for (const char *const *d =
	         (const char *const[]){ "0000", "4321", "7890", NULL };
	     *d != NULL; d++) {
		assert_int_equal(
		    store_lookup_code(f->s, bare.code, STORE_FACTOR_ID, *d, &v),
		    STORE_NOTFOUND);
		assert_int_equal(store_lookup_code(f->s, bare.code,
		                     STORE_FACTOR_PHONE, *d, &v),
		    STORE_NOTFOUND);
	}
}

static void
test_rating(void **state)
{
	struct fixture *f = *state;
	char err[STORE_ERR_MAX];
	int r = -1;

	assert_int_equal(store_rating(f->s, f->code, &r), STORE_OK);
	assert_int_equal(r, RATING_NONE);
	/* not before the result was returned */
	assert_int_equal(
	    store_rate(f->s, f->code, RATING_SATISFIED, "kiosk:hall-1", 1, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "status:"));
	assert_int_equal(store_set_status(f->s, f->code, ST_PROCESSING, "x",
	                     "t", (int64_t)time(NULL), err),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, f->code, ST_RESULT_READY, "x",
	                     "t", (int64_t)time(NULL), err),
	    STORE_OK);
	assert_int_equal(
	    store_rate(f->s, f->code, RATING_SATISFIED, "web", 1, err),
	    STORE_INVALID);
	assert_int_equal(store_set_status(f->s, f->code, ST_RETURNED, "x", "t",
	                     (int64_t)time(NULL), err),
	    STORE_OK);
	assert_int_equal(store_rate(f->s, f->code, 7, "web", 1, err),
	    STORE_INVALID);
	assert_int_equal(store_rate(f->s, f->code, RATING_VERY_SATISFIED,
	                     "kiosk:hall-1", 1, err),
	    STORE_OK);
	assert_int_equal(store_rating(f->s, f->code, &r), STORE_OK);
	assert_int_equal(r, RATING_VERY_SATISFIED);
	/* one per dossier */
	assert_int_equal(store_rate(f->s, f->code, RATING_UNSATISFIED,
	                     "kiosk:hall-2", 2, err),
	    STORE_CONFLICT);
	assert_int_equal(store_rating(f->s, f->code, &r), STORE_OK);
	assert_int_equal(r, RATING_VERY_SATISFIED);
	assert_int_equal(store_rate(f->s, "000.00.19.H49-261125-9999",
	                     RATING_SATISFIED, "web", 1, err),
	    STORE_NOTFOUND);
	assert_int_equal(store_rating(f->s, "000.00.19.H49-261125-9999", &r),
	    STORE_NOTFOUND);
}

static void
test_catalogue(void **state)
{
	struct fixture *f = *state;
	struct store_procedure p = { .code = "2.000001.000.00.00.H49",
		.name = "Đăng ký thành lập hộ kinh doanh",
		.field = "Hộ kinh doanh",
		.days = 3,
		.fee = 100000 };
	char err[STORE_ERR_MAX];
	json_t *j;

	assert_int_equal(store_put_procedure(f->s, &p, err), STORE_OK);
	assert_int_equal(store_procedure_counter(f->s, PROC, "Quầy số 3", err),
	    STORE_OK);
	assert_int_equal(store_procedure_counter(f->s, "nope", "x", err),
	    STORE_NOTFOUND);
	j = kiosk_json_procedures(f->s, "dang ky khai sinh", 10);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(j, 0), "name")),
	    "Đăng ký khai sinh");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(j, 0), "counter")),
	    "Quầy số 3");
	assert_int_equal(
	    json_array_size(json_object_get(json_array_get(j, 0), "documents")),
	    2);
	json_decref(j);
	/* every word, in any order, accents or not */
	j = kiosk_json_procedures(f->s, "KINH   doanh hộ", 10);
	assert_int_equal(json_array_size(j), 1);
	json_decref(j);
	j = kiosk_json_procedures(f->s, "dang ky", 10);
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	j = kiosk_json_procedures(f->s, "dang ky", 1); /* the limit */
	assert_int_equal(json_array_size(j), 1);
	json_decref(j);
	j = kiosk_json_procedures(f->s, NULL, 10);
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	j = kiosk_json_procedures(f->s, "xyz", 10);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminals),
		cmocka_unit_test(test_terminals_bad),
		cmocka_unit_test(test_terminal_id_valid),
		cmocka_unit_test(test_lookupview_channel_and_lost),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_code_normalise),
		cmocka_unit_test(test_factor),
		cmocka_unit_test(test_scan),
		cmocka_unit_test_setup_teardown(test_lookup_code_fallback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rating, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalogue, setup,
		    teardown),
	};

	HARNESS_RUN(tests);
}
