/* test_store.c: the SQLite store through store.h, on a fresh database in
 * a temporary directory for every test. */
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

#include "core/calendar.h"
#include "core/dcode.h"
#include "core/status.h"
#include "api/catalogue_json.h"
#include "api/dossier_json.h"
#include "store/store.h"

#include "fixture.h"
#include "harness.h"

#define AGENCY  "000.00.19.H26"
#define AGENCY2 "000.00.20.H26"
#define PROC    "1.001234.000.00.00.H26"

struct fixture {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
};

static struct store *
reopen(struct fixture *f)
{
	return f->s = fixture_store_reopen(f->s, f->path);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_procedure p = { .code = PROC,
		.name = "Chứng thực bản sao từ bản chính",
		.field = "Chứng thực",
		.days = 3,
		.documents = "[\"Bản chính\",\"Bản sao\"]",
		.fee = 2000 };

	assert_non_null(f);
	f->s = fixture_store_open("test_store", f->dir, f->path);
	fixture_store_seed(f->s, AGENCY, "UBND phường Ba Đình", &p);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_store_close(f->s, f->dir);
	free(f);
	return 0;
}

/* 2026-01-05 is a Monday. */
static int64_t
at(int y, int m, int d, int hh, int mm)
{
	return cal_instant(cal_day_from_ymd(y, m, d), hh * 60 + mm);
}

/* A UTC wall time, independent of calendar.c. */
static int64_t
utc(int y, int m, int d, int hh, int mm)
{
	return (int64_t)cal_day_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static enum store_rc
intake(struct store *s, const char *agency, const char *name, int channel,
    int64_t when, struct store_intake_result *res, char *err)
{
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = agency,
		.owner_name = name,
		.owner_id_no = "001099012345",
		.phone = "0912345678",
		.address = "12 Phố Huế",
		.channel = channel,
		.delivery = DELIVERY_COUNTER,
		.received_at = when,
		.actor = "clerk1" };

	return store_intake(s, &in, res, err);
}

static void
test_open_migrate(void **state)
{
	struct fixture *f = *state;
	int v = store_schema_version(f->s);

	assert_true(v >= 1);
	reopen(f);
	assert_int_equal(store_schema_version(f->s), v);
	reopen(f);
	assert_int_equal(store_schema_version(f->s), v);
}

static void
test_intake_codes(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	char err[STORE_ERR_MAX];
	struct dcode d;
	int64_t t = at(2026, 1, 5, 9, 30);

	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0001");
	assert_int_equal(dcode_parse(r.code, strlen(r.code), &d, NULL),
	    DCODE_OK);
	assert_true(d.strict);
	assert_int_equal(strlen(r.token), TOKEN_LEN);
	assert_true(r.due_at > t);
	assert_true(r.provisional); /* no holiday table yet */
	assert_int_equal(
	    intake(f->s, AGENCY, "Trần Thị Bình", 1, t + 60, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0002");
	/* another agency counts on its own, and is created on first use */
	assert_int_equal(intake(f->s, AGENCY2, "Lê Văn Cường", 1, t, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY2 "-260105-0001");
	/* 16:59:59 UTC is 23:59:59 local; 17:00 UTC is the next local day */
	assert_int_equal(intake(f->s, AGENCY, "Phạm Thị Dung", 1,
	                     utc(2026, 1, 5, 16, 59) + 59, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0003");
	assert_int_equal(intake(f->s, AGENCY, "Hoàng Văn Em", 1,
	                     utc(2026, 1, 5, 17, 0), &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260106-0001");
}

static void
test_intake_invalid(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_intake in = { .procedure_code = "9.999",
		.agency_code = AGENCY,
		.owner_name = "Nguyễn Văn An",
		.channel = 1,
		.received_at = at(2026, 1, 5, 9, 0),
		.actor = "clerk1" };
	char err[STORE_ERR_MAX], big[300];
	struct store_stats st;

	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_NOTFOUND);
	assert_string_equal(err, "procedure_code: unknown procedure 9.999");
	in.procedure_code = PROC;
	in.owner_name = "";
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_non_null(strstr(err, "owner_name"));
	in.owner_name = "Nguy\xe1n";
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_non_null(strstr(err, "owner_name"));
	assert_null(strstr(err, "Nguy"));
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	in.owner_name = big;
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_non_null(strstr(err, "owner_name"));
	in.owner_name = "Nguyễn Văn An";
	in.channel = 7;
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_non_null(strstr(err, "channel"));
	in.channel = 1;
	in.delivery = 5;
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_non_null(strstr(err, "delivery"));
	in.delivery = 0;
	in.agency_code = "bad code";
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_non_null(strstr(err, "agency_code"));
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.dossiers, 0);
	assert_int_equal(st.outbox_pending, 0);
}

static void
test_counter_full(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_stats before, after;
	char err[STORE_ERR_MAX];
	int64_t t = at(2026, 1, 5, 9, 30);
	int day = cal_local_day(t);

	assert_int_equal(
	    store_counter_set(f->s, AGENCY, day, 9998, "admin", err), STORE_OK);
	assert_int_equal(
	    store_counter_set(f->s, AGENCY, day, 10000, "admin", err),
	    STORE_INVALID);
	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-9999");
	assert_int_equal(store_stats(f->s, &before), STORE_OK);
	assert_int_equal(intake(f->s, AGENCY, "Trần Thị Bình", 1, t, &r, err),
	    STORE_FULL);
	assert_string_equal(err,
	    "code: agency " AGENCY " has issued 9999 dossiers on 2026-01-05; "
	    "intake refused");
	assert_string_equal(r.code, "");
	assert_int_equal(store_stats(f->s, &after), STORE_OK);
	assert_int_equal(after.dossiers, before.dossiers);
	assert_int_equal(after.events, before.events);
	assert_int_equal(after.outbox_pending, before.outbox_pending);
	/* still full: the refused attempt did not move the counter */
	assert_int_equal(intake(f->s, AGENCY, "Trần Thị Bình", 1, t, &r, err),
	    STORE_FULL);
	/* the next local day starts again at 0001 */
	assert_int_equal(
	    intake(f->s, AGENCY, "Trần Thị Bình", 1, t + 86400, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260106-0001");
}

static int
render_code(void *arg, int *status, char **body, size_t *len)
{
	const struct store_intake_result *r = arg;

	*status = 201;
	if ((*body = strdup(r->code)) == NULL)
		return -1;
	*len = strlen(*body);
	return 0;
}

/* Issue 14, item 12: the reply of a keyed intake is recorded in its
 * transaction; a key is found again (also after reopening), refused with
 * another request's hash, forgotten after a day, and cannot be recorded
 * twice (the second create is rolled back). */
static void
test_idempotency(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_stats st0, st;
	struct store_idem idem = { .key = "k-1", .render = render_code };
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = AGENCY,
		.owner_name = "Nguyễn Văn An",
		.channel = CHANNEL_COUNTER,
		.delivery = DELIVERY_COUNTER,
		.actor = "clerk1",
		.idem = &idem };
	unsigned char other[STORE_IDEM_HASH_LEN];
	char err[STORE_ERR_MAX], *body;
	int64_t now = (int64_t)time(NULL); /* the store records wall time */
	size_t len;
	int status;

	in.received_at = now;
	memset(idem.hash, 7, sizeof idem.hash);
	memset(other, 8, sizeof other);
	idem.arg = &r;
	assert_int_equal(store_idem_find(f->s, "k-1", idem.hash, now, &status,
	                     &body, &len, err),
	    STORE_NOTFOUND);
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_OK);
	assert_int_equal(idem.status, 201);
	assert_string_equal(idem.body, r.code);
	free(idem.body);
	idem.body = NULL;

	reopen(f);
	assert_int_equal(store_idem_find(f->s, "k-1", idem.hash, now + 10,
	                     &status, &body, &len, err),
	    STORE_OK);
	assert_int_equal(status, 201);
	assert_int_equal(len, strlen(r.code));
	assert_string_equal(body, r.code);
	free(body);
	assert_int_equal(store_idem_find(f->s, "k-1", other, now + 10, &status,
	                     &body, &len, err),
	    STORE_CONFLICT);
	assert_non_null(strstr(err, "Idempotency-Key"));
	assert_null(body);
	assert_int_equal(store_idem_find(f->s, "k-1", idem.hash,
	                     now + STORE_IDEM_TTL_S + 10, &status, &body, &len,
	                     err),
	    STORE_NOTFOUND);

	/* recording the same key again rolls the create back */
	assert_int_equal(store_stats(f->s, &st0), STORE_OK);
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_ERROR);
	free(idem.body);
	idem.body = NULL;
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.dossiers, st0.dossiers);
	assert_int_equal(st.outbox_pending, st0.outbox_pending);
}

static void
test_transitions(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_stats st;
	char err[STORE_ERR_MAX];
	int64_t t = at(2026, 1, 5, 9, 30);
	enum store_rc rc;
	json_t *d, *ev;

	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &r, err),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, r.code, ST_RETURNED, NULL,
	                     "clerk1", t + 10, err),
	    STORE_CONFLICT);
	assert_non_null(strstr(err, "cannot move from 2"));
	assert_non_null(strstr(err, "to 10"));
	assert_int_equal(
	    store_set_status(f->s, r.code, 42, NULL, "clerk1", t + 10, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "status"));
	assert_int_equal(store_set_status(f->s, "000.00.19.H26-260105-0099",
	                     ST_PROCESSING, NULL, "clerk1", t, err),
	    STORE_NOTFOUND);
	assert_int_equal(store_set_status(f->s, r.code, ST_PROCESSING,
	                     "chuyển phòng", "clerk1", t + 100, err),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, r.code, ST_RESULT_READY, NULL,
	                     "officer2", t + 200, err),
	    STORE_OK);
	/* lower case input is the same code */
	assert_int_equal(store_set_status(f->s, "000.00.19.h26-260105-0001",
	                     ST_RETURNED, NULL, "clerk1", t + 300, err),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, r.code, ST_PROCESSING, NULL,
	                     "clerk1", t + 400, err),
	    STORE_CONFLICT);

	d = dossier_json_read(f->s, r.code, t + 500, &rc);
	assert_int_equal(rc, STORE_OK);
	assert_non_null(d);
	assert_int_equal(json_integer_value(json_object_get(d, "status")), 10);
	assert_string_equal(
	    json_string_value(json_object_get(d, "status_name")),
	    status_name(10));
	assert_true(json_is_string(json_object_get(d, "finished_at")));
	assert_true(json_is_string(json_object_get(d, "returned_at")));
	assert_true(json_is_false(json_object_get(d, "overdue")));
	assert_string_equal(json_string_value(json_object_get(d, "token")),
	    r.token);
	assert_string_equal(
	    json_string_value(json_object_get(d, "channel_name")), "in_person");
	ev = json_object_get(d, "events");
	assert_int_equal(json_array_size(ev), 4);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(ev, 0), "kind")),
	    "intake");
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(ev, 3), "new_status")),
	    10);
	json_decref(d);
	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.dossiers, 1);
	assert_int_equal(st.events, 4);
	assert_int_equal(st.outbox_pending, 4);

	assert_null(dossier_json_read(f->s, AGENCY "-260105-0042", t, &rc));
	assert_int_equal(rc, STORE_NOTFOUND);
	assert_null(dossier_json_read(f->s, "junk", t, &rc));
	assert_int_equal(rc, STORE_NOTFOUND);
}

static void
test_overdue(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	char err[STORE_ERR_MAX];
	enum store_rc rc;
	json_t *d;

	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1,
	                     at(2026, 1, 5, 9, 30), &r, err),
	    STORE_OK);
	d = dossier_json_read(f->s, r.code, r.due_at + 1, &rc);
	assert_true(json_is_true(json_object_get(d, "overdue")));
	json_decref(d);
	d = dossier_json_read(f->s, r.code, r.due_at, &rc);
	assert_true(json_is_false(json_object_get(d, "overdue")));
	json_decref(d);
}

static void
test_supplement_apology(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_lookup lk;
	char err[STORE_ERR_MAX];
	int64_t t = at(2026, 1, 5, 9, 30), due2;
	enum store_rc rc;
	json_t *d, *ev, *e;

	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &r, err),
	    STORE_OK);
	/* only from 4 */
	assert_int_equal(store_supplement_request(f->s, r.code, "thiếu",
	                     "Bản sao CCCD", "officer2", t + 50, err),
	    STORE_CONFLICT);
	assert_int_equal(store_set_status(f->s, r.code, ST_PROCESSING, NULL,
	                     "clerk1", t + 60, err),
	    STORE_OK);
	assert_int_equal(store_supplement_request(f->s, r.code, "thiếu giấy tờ",
	                     "Bản sao CCCD", "officer2", t + 100, err),
	    STORE_OK);
	assert_int_equal(store_supplement_complete(f->s, AGENCY "-260105-0001",
	                     -5, "clerk1", t + 200, err),
	    STORE_INVALID);
	/* a new date on a Saturday is refused, naming the next working day */
	assert_int_equal(store_supplement_complete(f->s, r.code,
	                     r.due_at + 2 * 86400, "clerk1", t + 200, err),
	    STORE_INVALID);
	assert_string_equal(err,
	    "new_due_at: 2026-01-10 is not a working day (a Saturday); the "
	    "next working day is 2026-01-12");
	due2 = r.due_at + 4 * 86400; /* Thursday 8/1 -> Monday 12/1 */
	assert_int_equal(store_supplement_complete(f->s, r.code, due2, "clerk1",
	                     t + 200, err),
	    STORE_OK);
	assert_int_equal(
	    store_supplement_complete(f->s, r.code, 0, "clerk1", t + 250, err),
	    STORE_CONFLICT);
	/* apology: the new due date must be later */
	assert_int_equal(store_apology(f->s, r.code, "quá tải", "Phòng Tư pháp",
	                     due2, "officer2", t + 300, err),
	    STORE_INVALID);
	assert_true(
	    strncmp(err, "new_due_at: must be after the current due date",
	        strlen("new_due_at: must be after the current due "
	               "date")) == 0);
	assert_int_equal(store_apology(f->s, r.code, "quá tải", "Phòng Tư pháp",
	                     due2 + 86400, "officer2", t + 300, err),
	    STORE_OK);

	d = dossier_json_read(f->s, r.code, t, &rc);
	assert_int_equal(json_integer_value(json_object_get(d, "status")),
	    ST_PROCESSING);
	assert_int_equal(
	    json_integer_value(json_object_get(d, "supplement_count")), 1);
	ev = json_object_get(d, "events");
	assert_int_equal(json_array_size(ev), 5);
	e = json_array_get(ev, 2);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
	    "supplement_request");
	assert_true(json_equal(json_object_get(e, "due_before"),
	    json_object_get(e, "due_after")));
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(e, "detail"), "items")),
	    "Bản sao CCCD");
	e = json_array_get(ev, 3);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
	    "supplement_complete");
	assert_false(json_equal(json_object_get(e, "due_before"),
	    json_object_get(e, "due_after")));
	e = json_array_get(ev, 4);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
	    "apology");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(e, "detail"), "unit")),
	    "Phòng Tư pháp");
	json_decref(d);

	assert_int_equal(store_lookup_token(f->s, r.token, &lk), STORE_OK);
	assert_int_equal(lk.apology_due_at, due2 + 86400);
	assert_int_equal(lk.due_at, due2 + 86400);
	/* set_status on the supplement edge is a supplement request */
	assert_int_equal(store_set_status(f->s, r.code, ST_SUPPLEMENT, "thiếu",
	                     "officer2", t + 400, err),
	    STORE_OK);
	d = dossier_json_read(f->s, r.code, t, &rc);
	assert_int_equal(
	    json_integer_value(json_object_get(d, "supplement_count")), 2);
	json_decref(d);
}

/* Issue 15 item 1: requested Tuesday 3/3, completed Friday 6/3, due
 * Thursday 5/3: the due date moves by the 3 working days waited (to
 * Tuesday 10/3, over the weekend), with due_before and due_after in the
 * event and an outbox row. Then across Giỗ Tổ and its day off. */
static void
test_supplement_moves_due(void **state)
{
	static const struct store_holiday h[] = {
		{ 0, CAL_HOLIDAY, "Giỗ Tổ Hùng Vương", "statutory" },
		{ 0, CAL_DAY_OFF, "Nghỉ bù Giỗ Tổ", "statutory" },
	};
	struct store_holiday hol[2];
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_lookup lk;
	char err[STORE_ERR_MAX];
	int64_t t = at(2026, 3, 2, 9, 30); /* Monday; + 3 = Thursday 5/3 */
	struct store_stats st0, st1;
	enum store_rc rc;
	json_t *d, *ev, *e;
	size_t n;

	memcpy(hol, h, sizeof hol);
	hol[0].day = cal_day_from_ymd(2026, 4, 26);
	hol[1].day = cal_day_from_ymd(2026, 4, 27);
	assert_int_equal(store_holidays_import(f->s, hol, 2, "admin", err),
	    STORE_OK);
	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &r, err),
	    STORE_OK);
	assert_int_equal(r.due_at, at(2026, 3, 5, 9, 30));
	assert_int_equal(store_set_status(f->s, r.code, ST_PROCESSING, NULL,
	                     "clerk1", t + 60, err),
	    STORE_OK);
	assert_int_equal(store_supplement_request(f->s, r.code, "thiếu", NULL,
	                     "officer2", at(2026, 3, 3, 10, 0), err),
	    STORE_OK);
	assert_int_equal(store_stats(f->s, &st0), STORE_OK);
	assert_int_equal(store_supplement_complete(f->s, r.code, 0, "clerk1",
	                     at(2026, 3, 6, 15, 0), err),
	    STORE_OK);
	/* the moved due date syncs: one outbox row with the event */
	assert_int_equal(store_stats(f->s, &st1), STORE_OK);
	assert_int_equal(st1.outbox_pending, st0.outbox_pending + 1);
	assert_int_equal(st1.events, st0.events + 1);
	assert_int_equal(store_lookup_token(f->s, r.token, &lk), STORE_OK);
	assert_int_equal(lk.due_at, at(2026, 3, 10, 9, 30));
	d = dossier_json_read(f->s, r.code, at(2026, 3, 6, 15, 0), &rc);
	assert_true(json_is_false(json_object_get(d, "overdue")));
	ev = json_object_get(d, "events");
	n = json_array_size(ev);
	e = json_array_get(ev, n - 1);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
	    "supplement_complete");
	assert_string_equal(json_string_value(json_object_get(e, "due_before")),
	    "2026-03-05T09:30:00+07:00");
	assert_string_equal(json_string_value(json_object_get(e, "due_after")),
	    "2026-03-10T09:30:00+07:00");
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(e, "detail"), "waited_days")),
	    3);
	json_decref(d);

	/* Friday 24/4 to Tuesday 28/4: Sunday's Giỗ Tổ and Monday's day
	 * off do not count; 1 day waited. The due date 10/3 + 1 = 11/3. */
	assert_int_equal(store_supplement_request(f->s, r.code, "thiếu", NULL,
	                     "officer2", at(2026, 4, 24, 10, 0), err),
	    STORE_OK);
	assert_int_equal(store_supplement_complete(f->s, r.code, 0, "clerk1",
	                     at(2026, 4, 28, 8, 0), err),
	    STORE_OK);
	assert_int_equal(store_lookup_token(f->s, r.token, &lk), STORE_OK);
	assert_int_equal(lk.due_at, at(2026, 3, 11, 9, 30));

	/* an apology's new date on a Sunday is refused */
	assert_int_equal(store_apology(f->s, r.code, "quá tải", NULL,
	                     at(2026, 5, 3, 9, 30), "officer2",
	                     at(2026, 4, 28, 9, 0), err),
	    STORE_INVALID);
	assert_string_equal(err,
	    "new_due_at: 2026-05-03 is not a working day (a Sunday); the "
	    "next working day is 2026-05-04");
	/* ... and on the day off after Giỗ Tổ, with the reason */
	assert_int_equal(store_apology(f->s, r.code, "quá tải", NULL,
	                     at(2026, 4, 27, 9, 30), "officer2",
	                     at(2026, 4, 28, 9, 0), err),
	    STORE_INVALID);
	assert_string_equal(err,
	    "new_due_at: 2026-04-27 is not a working day (a holiday or day "
	    "off); the next working day is 2026-04-28");
	/* a year the table does not cover makes the new date provisional */
	assert_int_equal(store_apology(f->s, r.code, "quá tải", NULL,
	                     at(2027, 3, 2, 9, 30), "officer2",
	                     at(2026, 4, 28, 9, 0), err),
	    STORE_OK);
	d = dossier_json_read(f->s, r.code, at(2026, 4, 28, 9, 0), &rc);
	assert_true(json_is_true(json_object_get(d, "provisional")));
	json_decref(d);
}

/* Issue 15 item 6: a counter intake's receipt time is the daemon's
 * clock, or an audited back-entry with a reason and a bound. */
static void
test_back_entry(void **state)
{
	struct fixture *f = *state;
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = AGENCY,
		.owner_name = "Nguyễn Văn An",
		.channel = CHANNEL_COUNTER,
		.delivery = DELIVERY_COUNTER,
		.actor = "admin" };
	struct store_intake_result r;
	char err[STORE_ERR_MAX];
	int64_t now = (int64_t)time(NULL);
	enum store_rc rc;
	json_t *d, *e;

	in.back_entry_reason = "mất điện, nhập bù";
	in.received_at = now + 2 * 86400;
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_true(strncmp(err, "received_at: in the future", 26) == 0);
	in.received_at = now - 30 * 86400; /* 20 or more working days */
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_non_null(strstr(err, "a back-entry goes back at most 5"));
	in.received_at = now - 60;
	in.back_entry_reason = "";
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_INVALID);
	assert_true(strncmp(err, "back_entry_reason: ", 19) == 0);
	in.back_entry_reason = "mất điện, nhập bù";
	assert_int_equal(store_intake(f->s, &in, &r, err), STORE_OK);
	d = dossier_json_read(f->s, r.code, now, &rc);
	e = json_array_get(json_object_get(d, "events"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(e, "detail"),
	        "back_entry_reason")),
	    "mất điện, nhập bù");
	json_decref(d);
}

static void
test_lookup(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_lookup lk;
	char err[STORE_ERR_MAX], tok[TOKEN_LEN + 1];
	int64_t t = at(2026, 1, 5, 9, 30);

	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &r, err),
	    STORE_OK);
	assert_int_equal(store_lookup_token(f->s, r.token, &lk), STORE_OK);
	assert_string_equal(lk.code, r.code);
	assert_string_equal(lk.masked_name, "Ng**** V** A*");
	assert_string_equal(lk.procedure_name,
	    "Chứng thực bản sao từ bản chính");
	assert_string_equal(lk.collect_at, "UBND phường Ba Đình");
	assert_int_equal(lk.status, ST_RECEIVED);
	assert_int_equal(lk.received_at, t);
	assert_int_equal(lk.due_at, r.due_at);
	assert_int_equal(lk.apology_due_at, 0);
	assert_int_equal(store_lookup_token(f->s, "0000000000000000", &lk),
	    STORE_NOTFOUND);
	assert_string_equal(lk.code, "");
	assert_int_equal(store_lookup_token(f->s, "", &lk), STORE_NOTFOUND);
	assert_int_equal(store_token(f->s, r.code, tok), STORE_OK);
	assert_string_equal(tok, r.token);
	assert_int_equal(store_token(f->s, AGENCY "-260105-0077", tok),
	    STORE_NOTFOUND);
	/* an agency without a name: collect at its code */
	assert_int_equal(intake(f->s, AGENCY2, "Lê Văn Cường", 1, t, &r, err),
	    STORE_OK);
	assert_int_equal(store_lookup_token(f->s, r.token, &lk), STORE_OK);
	assert_string_equal(lk.collect_at, AGENCY2);
}

static size_t
count_code(json_t *arr, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(
		               json_object_get(json_array_get(arr, i), "code")),
		        code) == 0)
			n++;
	return n;
}

static void
test_search(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result a, b, c, d;
	struct store_query qr = { .from_day = -1, .to_day = -1, .limit = 50 };
	char err[STORE_ERR_MAX];
	int64_t t = at(2026, 1, 5, 9, 30);
	json_t *res;

	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &a, err),
	    STORE_OK);
	assert_int_equal(
	    intake(f->s, AGENCY, "Trần Văn An", 2, t + 86400, &b, err),
	    STORE_OK);
	assert_int_equal(
	    intake(f->s, AGENCY, "Nguyễn Thị Anh", 3, t + 2 * 86400, &c, err),
	    STORE_OK);
	assert_int_equal(
	    intake(f->s, AGENCY, "Đỗ Đức Vân", 1, t + 3 * 86400, &d, err),
	    STORE_OK);

	qr.name = "nguyen van an";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_non_null(res);
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(res, 0), "owner_name")),
	    "Nguyễn Văn An");
	assert_non_null(
	    json_object_get(json_array_get(res, 0), "procedure_name"));
	json_decref(res);

	/* prefix of the full name, accents and case ignored */
	qr.name = "NGUYỄN";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 2);
	/* newest first */
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(res, 0), "code")),
	    c.code);
	json_decref(res);

	/* a later word: "van an" finds both "... Văn An" */
	qr.name = "van an";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 2);
	assert_int_equal(count_code(res, a.code), 1);
	assert_int_equal(count_code(res, b.code), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(res, 0), "code")),
	    b.code);
	json_decref(res);

	/* "an" is a word start in three names and the prefix of none, and
	 * "van" is also the start of "Vân" */
	qr.name = "an";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 3);
	json_decref(res);
	qr.name = "van";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 3);
	assert_int_equal(count_code(res, d.code), 1);
	json_decref(res);
	qr.name = "do duc";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 1);
	json_decref(res);
	/* LIKE wildcards are literal */
	qr.name = "%";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 0);
	json_decref(res);

	/* date range: only the second day */
	qr.name = NULL;
	qr.from_day = cal_local_day(t + 86400);
	qr.to_day = qr.from_day;
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(res, 0), "code")),
	    b.code);
	json_decref(res);
	qr.name = "nguyen";
	qr.to_day = qr.from_day + 5;
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 1);
	assert_int_equal(count_code(res, c.code), 1);
	json_decref(res);

	/* all, newest first, limited */
	qr.name = NULL;
	qr.from_day = qr.to_day = -1;
	qr.limit = 3;
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 3);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(res, 0), "code")),
	    d.code);
	json_decref(res);

	/* code, exact after normalising */
	qr.limit = 10;
	qr.code = " 000.00.19.h26-260106-0001 ";
	res = dossier_json_search(f->s, &qr, t, err);
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(res, 0), "code")),
	    b.code);
	json_decref(res);
	qr.code = "nonsense";
	assert_null(dossier_json_search(f->s, &qr, t, err));
	qr.code = NULL;
	qr.limit = 0;
	assert_null(dossier_json_search(f->s, &qr, t, err));
	assert_non_null(strstr(err, "limit"));
}

static void
test_counts(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	char err[STORE_ERR_MAX];
	int64_t t = at(2026, 1, 5, 9, 30);
	int day = cal_local_day(t), i;
	json_t *c, *rec, *pct;
	char *text;

	c = dossier_json_counts(f->s, day, day);
	rec = json_object_get(c, "received");
	assert_int_equal(json_integer_value(json_object_get(rec, "total")), 0);
	pct = json_object_get(rec, "pct");
	assert_true(json_real_value(json_object_get(pct, "online")) == 0.0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(c, "period"), "from")),
	    "2026-01-05");
	json_decref(c);

	for (i = 1; i <= 3; i++)
		assert_int_equal(
		    intake(f->s, AGENCY, "Nguyễn Văn An", i, t, &r, err),
		    STORE_OK);
	/* outside the period */
	assert_int_equal(
	    intake(f->s, AGENCY, "Nguyễn Văn An", 2, t + 86400, &r, err),
	    STORE_OK);
	c = dossier_json_counts(f->s, day, day);
	rec = json_object_get(c, "received");
	assert_int_equal(json_integer_value(json_object_get(rec, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(rec, "online")), 1);
	pct = json_object_get(rec, "pct");
	text = json_dumps(pct,
	    JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_SORT_KEYS);
	assert_string_equal(text,
	    "{\"in_person\":33.34,\"online\":33.33,\"postal\":33.33}");
	free(text);
	json_decref(c);

	/* over two days: 1 in person, 2 online, 1 postal */
	c = dossier_json_counts(f->s, day, day + 1);
	rec = json_object_get(c, "received");
	assert_int_equal(json_integer_value(json_object_get(rec, "total")), 4);
	text = json_dumps(json_object_get(rec, "pct"),
	    JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_SORT_KEYS);
	assert_string_equal(text,
	    "{\"in_person\":25.0,\"online\":50.0,\"postal\":25.0}");
	free(text);
	json_decref(c);
	for (i = 0; i < 3; i++)
		assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 2,
		                     t + 86400, &r, err),
		    STORE_OK);
	/* 1/5/1 of 7: floors 14.28 71.42 14.28, the two hundredths left go
	 * to the largest remainders: online (6/7), then in person (4/7,
	 * tied with postal, lower index first) */
	c = dossier_json_counts(f->s, day, day + 1);
	text =
	    json_dumps(json_object_get(json_object_get(c, "received"), "pct"),
	        JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_SORT_KEYS);
	assert_string_equal(text,
	    "{\"in_person\":14.29,\"online\":71.43,\"postal\":14.28}");
	free(text);
	json_decref(c);
}

static void
make_rec(struct import_rec *r, const char *code, int status)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->code, sizeof r->code, "%s", code);
	snprintf(r->procedure_code, sizeof r->procedure_code, "2.000001");
	snprintf(r->procedure_name, sizeof r->procedure_name,
	    "Đăng ký khai sinh");
	snprintf(r->field, sizeof r->field, "Hộ tịch");
	snprintf(r->agency_code, sizeof r->agency_code, "000.00.21.H26");
	snprintf(r->agency_name, sizeof r->agency_name, "UBND xã Đông Anh");
	snprintf(r->applicant_name, sizeof r->applicant_name, "Vũ Thị Hoa");
	snprintf(r->applicant_id_no, sizeof r->applicant_id_no, "001199000111");
	r->channel = CHANNEL_ONLINE;
	r->delivery = DELIVERY_POST;
	r->status = status;
	r->received_at = at(2025, 12, 1, 8, 0);
	r->due_at = at(2025, 12, 4, 8, 0);
	r->statutory_days = 3;
}

/* Issue 14, item 3: an import that took -0001..-0003 of a day must not
 * stop counter intake for that day; the counter skips taken numbers,
 * and an operator can read and move it. */
static void
test_counter_after_import(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_counter c;
	struct import_rec rec;
	enum import_outcome out;
	char err[STORE_ERR_MAX];
	int64_t t = at(2026, 1, 5, 9, 30);
	int day = cal_local_day(t);

	assert_int_equal(store_import_begin(f->s, err), STORE_OK);
	for (int i = 1; i <= 3; i++) {
		make_rec(&rec, "", ST_PROCESSING);
		snprintf(rec.code, sizeof rec.code, AGENCY "-260105-%04d", i);
		snprintf(rec.agency_code, sizeof rec.agency_code, AGENCY);
		rec.received_at = t - 3600;
		rec.due_at = t + 3 * 86400;
		assert_int_equal(
		    store_import_rec(f->s, &rec, "import", &out, err),
		    STORE_OK);
	}
	assert_int_equal(store_import_commit(f->s, err), STORE_OK);

	assert_int_equal(store_counter_get(f->s, AGENCY, day, &c, err),
	    STORE_OK);
	assert_int_equal(c.last_seq, 0);
	assert_int_equal(c.next_seq, 4);
	assert_string_equal(c.next_code, AGENCY "-260105-0004");
	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1, t, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0004");
	assert_int_equal(intake(f->s, AGENCY, "Trần Thị Bình", 1, t, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0005");

	/* moved back by an operator: still past every taken number */
	assert_int_equal(store_counter_set(f->s, AGENCY, day, 1, "admin", err),
	    STORE_OK);
	assert_int_equal(store_counter_get(f->s, AGENCY, day, &c, err),
	    STORE_OK);
	assert_int_equal(c.last_seq, 1);
	assert_int_equal(c.next_seq, 6);
	assert_int_equal(intake(f->s, AGENCY, "Lê Văn Cường", 1, t, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0006");
	/* moved forward */
	assert_int_equal(store_counter_set(f->s, AGENCY, day, 41, "admin", err),
	    STORE_OK);
	assert_int_equal(intake(f->s, AGENCY, "Lê Văn Cường", 1, t, &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0042");

	assert_int_equal(store_counter_get(f->s, "bad code", day, &c, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "agency_code"));
	assert_int_equal(store_counter_get(f->s, AGENCY, -1, &c, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "day"));
}

static void
test_import(void **state)
{
	struct fixture *f = *state;
	struct import_rec r;
	enum import_outcome out;
	struct store_stats st0, st;
	struct store_lookup lk;
	char err[STORE_ERR_MAX], tok[TOKEN_LEN + 1];
	enum store_rc rc;
	json_t *d, *procs;

	assert_int_equal(store_stats(f->s, &st0), STORE_OK);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_INVALID); /* no batch */
	assert_int_equal(store_import_begin(f->s, err), STORE_OK);
	make_rec(&r, "000.00.21.H26-251201-0001", ST_PROCESSING);
	r.nsupplements = 1;
	r.supplements[0].requested_at = at(2025, 12, 2, 8, 0);
	r.supplements[0].completed_at = at(2025, 12, 3, 8, 0);
	r.rating = RATING_SATISFIED;
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_IMPORTED);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_UNCHANGED);
	r.status = ST_RESULT_READY;
	r.finished_at = at(2025, 12, 3, 15, 0);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_UPDATED);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_UNCHANGED);
	/* "not said" keeps the stored ID number: unchanged */
	r.applicant_id_no[0] = '\0';
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_UNCHANGED);
	/* a second supplement is an update */
	r.nsupplements = 2;
	r.supplements[1].requested_at = at(2025, 12, 3, 9, 0);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_UPDATED);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_UNCHANGED);

	/* a bad record in the middle leaves nothing, not even its new
	 * agency and procedure, and the batch goes on */
	make_rec(&r, "000.00.22.H26-251201-0001", ST_PROCESSING);
	snprintf(r.agency_code, sizeof r.agency_code, "000.00.22.H26");
	snprintf(r.procedure_code, sizeof r.procedure_code, "2.999999");
	snprintf(r.applicant_name, sizeof r.applicant_name, "Bad \xff name");
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "applicant_name"));
	assert_null(strstr(err, "Bad"));
	make_rec(&r, "000.00.21.H26-251201-0002", ST_RECEIVED);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(out, IMPORT_IMPORTED);
	r.status = 42;
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "status"));
	assert_int_equal(store_import_commit(f->s, err), STORE_OK);

	procs = catalogue_json_procedures(f->s, NULL);
	assert_int_equal(json_array_size(procs), 2); /* PROC and 2.000001 */
	json_decref(procs);
	procs = catalogue_json_procedures(f->s, "khai sinh");
	assert_int_equal(json_array_size(procs), 1);
	assert_int_equal(json_integer_value(
	                     json_object_get(json_array_get(procs, 0), "days")),
	    3);
	json_decref(procs);
	procs = catalogue_json_procedures(f->s, "CHUNG THUC");
	assert_int_equal(json_array_size(procs), 1);
	json_decref(procs);

	d = dossier_json_read(f->s, "000.00.21.H26-251201-0001", 0, &rc);
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(d, "status")), 9);
	assert_string_equal(
	    json_string_value(json_object_get(d, "owner_id_no")),
	    "001199000111");
	assert_int_equal(
	    json_integer_value(json_object_get(d, "supplement_count")), 2);
	assert_string_equal(
	    json_string_value(json_object_get(d, "rating_name")), "satisfied");
	/* import, request, complete, update, request, update */
	assert_int_equal(json_array_size(json_object_get(d, "events")), 6);
	json_decref(d);
	assert_null(
	    dossier_json_read(f->s, "000.00.22.H26-251201-0001", 0, &rc));

	assert_int_equal(store_stats(f->s, &st), STORE_OK);
	assert_int_equal(st.dossiers, st0.dossiers + 2);
	assert_int_equal(st.outbox_pending, st0.outbox_pending); /* none */
	assert_int_equal(store_token(f->s, "000.00.21.H26-251201-0002", tok),
	    STORE_OK);
	assert_int_equal(store_lookup_token(f->s, tok, &lk), STORE_OK);
	assert_string_equal(lk.collect_at, "UBND xã Đông Anh");
	assert_string_equal(lk.masked_name, "V* T** H**");

	/* a rolled-back batch leaves nothing */
	assert_int_equal(store_import_begin(f->s, err), STORE_OK);
	make_rec(&r, "000.00.21.H26-251201-0003", ST_RECEIVED);
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	store_import_rollback(f->s);
	assert_null(
	    dossier_json_read(f->s, "000.00.21.H26-251201-0003", 0, &rc));
	/* an imported procedure without days cannot take intake */
	assert_int_equal(store_import_begin(f->s, err), STORE_OK);
	make_rec(&r, "000.00.21.H26-251201-0004", ST_RECEIVED);
	snprintf(r.procedure_code, sizeof r.procedure_code, "2.000777");
	r.statutory_days = 0;
	assert_int_equal(store_import_rec(f->s, &r, "import", &out, err),
	    STORE_OK);
	assert_int_equal(store_import_commit(f->s, err), STORE_OK);
	{
		struct store_intake in = { .procedure_code = "2.000777",
			.agency_code = AGENCY,
			.owner_name = "Nguyễn Văn An",
			.channel = 1,
			.received_at = at(2026, 1, 5, 9, 0),
			.actor = "clerk1" };
		struct store_intake_result res;

		assert_int_equal(store_intake(f->s, &in, &res, err),
		    STORE_INVALID);
		assert_non_null(strstr(err, "procedure_code"));
	}
}

static void
test_holidays(void **state)
{
	struct fixture *f = *state;
	struct store_holiday h[] = {
		{ cal_day_from_ymd(2026, 1, 1), CAL_HOLIDAY, "Tết Dương lịch",
		    "QĐ" },
		{ cal_day_from_ymd(2026, 1, 2), CAL_DAY_OFF, "Nghỉ bù", "" },
		{ cal_day_from_ymd(2026, 1, 10), CAL_MAKE_UP, "Làm bù", NULL },
	};
	struct store_holiday dup[] = {
		{ cal_day_from_ymd(2027, 1, 1), CAL_HOLIDAY, "a", "" },
		{ cal_day_from_ymd(2027, 1, 1), CAL_HOLIDAY, "b", "" },
	};
	struct store_holiday bad = { cal_day_from_ymd(2027, 1, 1), 9, "x", "" };
	const struct calendar *cal;
	struct store_intake_result r;
	char err[STORE_ERR_MAX];
	json_t *list;

	cal = store_calendar(f->s);
	assert_int_equal(cal->count, 0);
	assert_int_equal(cal->open_min, 450);
	assert_int_equal(cal->close_min, 1020);
	assert_int_equal(store_holidays_import(f->s, h, 3, "admin", err),
	    STORE_OK);
	cal = store_calendar(f->s);
	assert_int_equal(cal->count, 3);
	assert_int_equal(cal->first_year, 2026);
	assert_int_equal(cal->last_year, 2026);
	assert_false(cal_is_working(cal, cal_day_from_ymd(2026, 1, 1)));
	list = catalogue_json_holidays(f->s, 2026);
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(list, 1), "kind")),
	    "day_off");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(list, 0), "date")),
	    "2026-01-01");
	json_decref(list);
	/* re-import of a year replaces it */
	assert_int_equal(store_holidays_import(f->s, h, 1, "admin", err),
	    STORE_OK);
	list = catalogue_json_holidays(f->s, 2026);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	assert_int_equal(store_holidays_import(f->s, dup, 2, "admin", err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "2027-01-01"));
	assert_int_equal(store_holidays_import(f->s, &bad, 1, "admin", err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "kind"));
	list = catalogue_json_holidays(f->s, 2027);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* a covered year is not provisional */
	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1,
	                     at(2026, 3, 2, 9, 0), &r, err),
	    STORE_OK);
	assert_false(r.provisional);
	store_set_office(f->s, 480, 1050, true);
	assert_int_equal(store_calendar(f->s)->open_min, 480);
	assert_true(store_calendar(f->s)->due_end_of_day);
}

static void
test_durable(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result r;
	struct store_holiday h = { cal_day_from_ymd(2026, 4, 30), CAL_HOLIDAY,
		"Giải phóng miền Nam", "" };
	struct store_lookup lk;
	char err[STORE_ERR_MAX];
	enum store_rc rc;
	json_t *d;

	assert_int_equal(store_holidays_import(f->s, &h, 1, "admin", err),
	    STORE_OK);
	assert_int_equal(intake(f->s, AGENCY, "Nguyễn Văn An", 1,
	                     at(2026, 1, 5, 9, 0), &r, err),
	    STORE_OK);
	assert_int_equal(
	    store_audit(f->s, "admin", "config_reload", NULL, "ok"), STORE_OK);
	reopen(f);
	d = dossier_json_read(f->s, r.code, 0, &rc);
	assert_int_equal(rc, STORE_OK);
	assert_string_equal(json_string_value(json_object_get(d, "owner_name")),
	    "Nguyễn Văn An");
	json_decref(d);
	assert_int_equal(store_lookup_token(f->s, r.token, &lk), STORE_OK);
	assert_int_equal(store_calendar(f->s)->count, 1);
	assert_int_equal(store_calendar(f->s)->first_year, 2026);
	/* the counter survived too */
	assert_int_equal(intake(f->s, AGENCY, "Trần Thị Bình", 1,
	                     at(2026, 1, 5, 10, 0), &r, err),
	    STORE_OK);
	assert_string_equal(r.code, AGENCY "-260105-0002");
}

static void
test_catalogue(void **state)
{
	struct fixture *f = *state;
	struct store_procedure p = { .code = "3.0001",
		.name = "Cấp giấy phép",
		.days = 0 };
	char err[STORE_ERR_MAX];
	json_t *l;

	assert_int_equal(store_put_procedure(f->s, &p, err), STORE_INVALID);
	assert_non_null(strstr(err, "days"));
	p.days = 5;
	p.name = "";
	assert_int_equal(store_put_procedure(f->s, &p, err), STORE_INVALID);
	assert_non_null(strstr(err, "name"));
	p.name = "Cấp giấy phép";
	p.documents = "{\"a\":1}";
	assert_int_equal(store_put_procedure(f->s, &p, err), STORE_INVALID);
	assert_non_null(strstr(err, "documents"));
	p.documents = NULL;
	assert_int_equal(store_put_procedure(f->s, &p, err), STORE_OK);
	p.days = 7; /* upsert */
	assert_int_equal(store_put_procedure(f->s, &p, err), STORE_OK);
	l = catalogue_json_procedures(f->s, "giay phep");
	assert_int_equal(json_array_size(l), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(l, 0), "days")),
	    7);
	json_decref(l);
	l = catalogue_json_procedures(f->s, "1.001234");
	assert_int_equal(json_array_size(l), 1);
	assert_int_equal(
	    json_array_size(json_object_get(json_array_get(l, 0), "documents")),
	    2);
	json_decref(l);
	assert_int_equal(store_put_agency(f->s, "bad", "x", err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "code"));
	assert_int_equal(store_put_agency(f->s, AGENCY, "", err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "name"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_migrate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intake_codes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intake_invalid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_counter_after_import,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotency, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_counter_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_transitions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overdue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_supplement_moves_due,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_back_entry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_supplement_apology, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holidays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_durable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalogue, setup,
		    teardown),
	};

	HARNESS_RUN(tests);
}
