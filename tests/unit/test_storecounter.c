/* test_storecounter.c: the counter desk through store.h (docs/counter.md):
 * intake with its receipt job(s) in the same transaction, refusal at the
 * counter (Mẫu 03), append-only hand-offs (Mẫu 05), the result collected
 * at the desk and the tracking book (Mẫu 06), each with its audit row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/calendar.h"
#include "core/status.h"
#include "store/store.h"

#include "fixture.h"
#include "harness.h"

#define AGENCY "000.00.19.H26"
#define PROC   "1.001234.000.00.00.H26"

struct fixture {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
};

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
	f->s = fixture_store_open("test_storecounter", f->dir, f->path);
	fixture_store_seed(f->s, AGENCY, "UBND", &p);
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

static void
intake(struct store_intake *in)
{
	memset(in, 0, sizeof *in);
	in->procedure_code = PROC;
	in->agency_code = AGENCY;
	in->owner_name = "Trần Thị Bình";
	in->phone = "0912000222";
	in->address = "Số 2 phố Huế";
	in->channel = CHANNEL_COUNTER;
	in->delivery = DELIVERY_COUNTER;
	in->received_at = (int64_t)time(NULL);
	in->actor = "desk1";
}

static int64_t
dossiers(struct store *s)
{
	struct store_stats st;

	assert_int_equal(store_stats(s, &st), STORE_OK);
	return st.dossiers;
}

struct jobs {
	int n;
	char ref[4][64];
};

static int
job_fn(void *arg, const struct store_print_job *j)
{
	struct jobs *js = arg;

	assert_string_equal(j->kind, "receipt");
	if (js->n < 4)
		snprintf(js->ref[js->n], sizeof js->ref[0], "%s", j->ref);
	js->n++;
	return 0;
}

struct audits {
	int n;
	char action[32][32], object[32][64], detail[32][128];
};

static int
audit_fn(void *arg, const struct store_audit_row *r)
{
	struct audits *a = arg;

	if (a->n < 32) {
		snprintf(a->action[a->n], sizeof a->action[0], "%s",
		    r->action ? r->action : "");
		snprintf(a->object[a->n], sizeof a->object[0], "%s",
		    r->object ? r->object : "");
		snprintf(a->detail[a->n], sizeof a->detail[0], "%s",
		    r->detail ? r->detail : "");
	}
	a->n++;
	return 0;
}

/* How many audit rows say action on object. */
static int
audited(struct store *s, const char *action, const char *object)
{
	struct audits a = { 0 };
	int n = 0;

	assert_int_equal(store_audit_list(s, 0, INT64_MAX, 1000, audit_fn, &a),
	    STORE_OK);
	for (int i = 0; i < a.n && i < 32; i++)
		n += strcmp(a.action[i], action) == 0 &&
		    (object == NULL || strcmp(a.object[i], object) == 0);
	return n;
}

static void
test_intake_prints_receipt_copies(void **state)
{
	struct fixture *f = *state;
	struct store_intake in;
	struct store_intake_result res;
	struct store_print_req p = { .queue = true,
		.copies = 2,
		.max_pending = 10 };
	struct jobs js = { 0 };
	char err[STORE_ERR_MAX], ref[64];

	intake(&in);
	assert_int_equal(store_intake_print(f->s, &in, &p, &res, err),
	    STORE_OK);
	assert_true(p.job > 0);
	assert_int_equal(store_print_jobs(f->s, 10, job_fn, &js), STORE_OK);
	assert_int_equal(js.n, 2);
	/* newest first: the applicant's copy after the office's */
	assert_string_equal(js.ref[0], res.code);
	snprintf(ref, sizeof ref, "%s#1", res.code);
	assert_string_equal(js.ref[1], ref);
	assert_int_equal(audited(f->s, "print", "receipt"), 2);
	assert_int_equal(audited(f->s, "intake", res.code), 1);

	/* print off: no job */
	p.queue = false;
	js.n = 0;
	assert_int_equal(store_intake_print(f->s, &in, &p, &res, err),
	    STORE_OK);
	assert_int_equal(p.job, 0);
	assert_int_equal(store_print_jobs(f->s, 10, job_fn, &js), STORE_OK);
	assert_int_equal(js.n, 2);
}

static void
test_intake_print_full_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct store_intake in;
	struct store_intake_result res;
	struct store_print_req p = { .queue = true,
		.copies = 2,
		.max_pending = 1 };
	char err[STORE_ERR_MAX];

	intake(&in);
	/* room for one job but two copies asked: the whole intake is
	 * refused, so the code is never issued without its receipt */
	assert_int_equal(store_intake_print(f->s, &in, &p, &res, err),
	    STORE_FULL);
	assert_non_null(strstr(err, "print: "));
	assert_int_equal(dossiers(f->s), 0);
	assert_string_equal(res.code, "");
	p.copies = 3;
	assert_int_equal(store_intake_print(f->s, &in, &p, &res, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "copies: "));
	p.copies = 1;
	assert_int_equal(store_intake_print(f->s, &in, &p, &res, err),
	    STORE_OK);
	assert_int_equal(dossiers(f->s), 1);
}

static void
test_refusal(void **state)
{
	struct fixture *f = *state;
	struct store_intake in;
	struct store_intake_result res;
	struct store_dossier d;
	char err[STORE_ERR_MAX];

	intake(&in);
	assert_int_equal(store_refusal(f->s, &in, "", &res, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "reason: "));
	assert_int_equal(store_refusal(f->s, &in, NULL, &res, err),
	    STORE_INVALID);
	in.owner_name = "";
	assert_int_equal(store_refusal(f->s, &in, "thiếu giấy tờ", &res, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "owner_name: "));
	assert_int_equal(dossiers(f->s), 0);

	intake(&in);
	assert_int_equal(
	    store_refusal(f->s, &in, "Hồ sơ không thuộc thẩm quyền", &res, err),
	    STORE_OK);
	assert_int_equal(res.due_at, 0);
	assert_int_equal(store_dossier(f->s, res.code, time(NULL), &d),
	    STORE_OK);
	assert_int_equal(d.status, ST_REFUSED);
	assert_int_equal(d.due_at, 0);
	assert_int_equal(d.channel, CHANNEL_COUNTER);
	assert_string_equal(d.refusal_reason, "Hồ sơ không thuộc thẩm quyền");
	assert_int_equal(d.nevents, 2);
	assert_string_equal(d.events[0].kind, "intake");
	assert_int_equal(d.events[1].new_status, ST_REFUSED);
	assert_string_equal(d.events[1].reason, "Hồ sơ không thuộc thẩm quyền");
	assert_string_equal(d.events[1].actor, "desk1");
	store_dossier_cleanup(&d);
	assert_int_equal(audited(f->s, "status", res.code), 1);
}

static void
test_handoffs_append_only(void **state)
{
	struct fixture *f = *state;
	struct store_intake in;
	struct store_intake_result res;
	struct store_dossier d;
	char err[STORE_ERR_MAX];
	int64_t id1, id2, now = time(NULL);
	sqlite3 *db;

	intake(&in);
	assert_int_equal(store_intake(f->s, &in, &res, err), STORE_OK);
	assert_int_equal(store_handoff_add(f->s, res.code, "", "Phòng Tư pháp",
	                     NULL, "desk1", now, &id1, NULL, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "from: "));
	assert_int_equal(store_handoff_add(f->s, res.code, "Bộ phận Một cửa",
	                     NULL, NULL, "desk1", now, &id1, NULL, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "to: "));
	assert_int_equal(store_handoff_add(f->s, "000.00.19.H26-991231-0001",
	                     "A", "B", NULL, "desk1", now, &id1, NULL, err),
	    STORE_NOTFOUND);
	assert_int_equal(store_handoff_add(f->s, res.code, "Bộ phận Một cửa",
	                     "Phòng Tư pháp", "2 bộ", "desk1", now, &id1, NULL,
	                     err),
	    STORE_OK);
	assert_int_equal(store_handoff_add(f->s, res.code, "Phòng Tư pháp",
	                     "Bộ phận Một cửa", NULL, "desk2", now + 60, &id2,
	                     NULL, err),
	    STORE_OK);
	assert_true(id2 > id1);
	assert_int_equal(store_dossier(f->s, res.code, now, &d), STORE_OK);
	assert_int_equal(d.nhandoffs, 2);
	assert_string_equal(d.handoffs[0].from, "Bộ phận Một cửa");
	assert_string_equal(d.handoffs[0].to, "Phòng Tư pháp");
	assert_string_equal(d.handoffs[0].note, "2 bộ");
	assert_string_equal(d.handoffs[0].actor, "desk1");
	assert_null(d.handoffs[1].note);
	assert_int_equal(d.handoffs[1].at, now + 60);
	store_dossier_cleanup(&d);
	assert_int_equal(audited(f->s, "handoff", res.code), 2);

	/* nothing rewrites the slip, not even SQL beside the store */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db,
	                         "UPDATE handoffs SET to_party = 'x'", NULL,
	                         NULL, NULL),
	    SQLITE_OK);
	assert_int_not_equal(
	    sqlite3_exec(db, "DELETE FROM handoffs", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	/* a closed dossier moves no more */
	assert_int_equal(store_set_status(f->s, res.code, ST_WITHDRAWN,
	                     "rút hồ sơ", "desk1", now, err),
	    STORE_OK);
	assert_int_equal(store_handoff_add(f->s, res.code, "A", "B", NULL,
	                     "desk1", now, &id1, NULL, err),
	    STORE_CONFLICT);
	assert_non_null(strstr(err, "status: "));
}

static void
test_return_desk(void **state)
{
	struct fixture *f = *state;
	struct store_intake in;
	struct store_intake_result res, post;
	struct store_dossier d;
	char err[STORE_ERR_MAX];
	int64_t now = time(NULL);

	intake(&in);
	assert_int_equal(store_intake(f->s, &in, &res, err), STORE_OK);
	assert_int_equal(store_return_desk(f->s, res.code, "Trần Thị Bình",
	                     true, "desk1", now, err),
	    STORE_CONFLICT);
	assert_non_null(strstr(err, "status: the result of "));
	assert_int_equal(store_set_status(f->s, res.code, ST_PROCESSING, NULL,
	                     "desk1", now, err),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, res.code, ST_RESULT_READY, NULL,
	                     "desk1", now, err),
	    STORE_OK);
	assert_int_equal(
	    store_return_desk(f->s, res.code, "", true, "desk1", now, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "collected_by: "));
	assert_int_equal(store_return_desk(f->s, res.code, "Trần Văn Cường",
	                     true, "desk1", now + 5, err),
	    STORE_OK);
	assert_int_equal(store_dossier(f->s, res.code, now, &d), STORE_OK);
	assert_int_equal(d.status, ST_RETURNED);
	assert_int_equal(d.returned_at, now + 5);
	assert_string_equal(d.collected_by, "Trần Văn Cường");
	assert_true(d.id_checked);
	store_dossier_cleanup(&d);
	/* twice: the second finds it returned */
	assert_int_equal(
	    store_return_desk(f->s, res.code, "X", false, "desk1", now, err),
	    STORE_CONFLICT);

	/* a result that goes by post is the postal pages' */
	intake(&in);
	in.delivery = DELIVERY_POST;
	assert_int_equal(store_intake(f->s, &in, &post, err), STORE_OK);
	assert_int_equal(store_set_status(f->s, post.code, ST_PROCESSING, NULL,
	                     "desk1", now, err),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, post.code, ST_RESULT_READY,
	                     NULL, "desk1", now, err),
	    STORE_OK);
	assert_int_equal(
	    store_return_desk(f->s, post.code, "X", true, "desk1", now, err),
	    STORE_CONFLICT);
	assert_non_null(strstr(err, "delivery: "));
}

struct book {
	int n;
	char code[8][64];
	int64_t number[8];
	char phone[8][32];
};

static int
book_fn(void *arg, const struct store_book_row *r)
{
	struct book *b = arg;

	if (b->n < 8) {
		snprintf(b->code[b->n], sizeof b->code[0], "%s", r->code);
		snprintf(b->phone[b->n], sizeof b->phone[0], "%s",
		    r->phone ? r->phone : "");
		b->number[b->n] = r->number;
	}
	b->n++;
	return 0;
}

static void
test_book(void **state)
{
	struct fixture *f = *state;
	struct store_intake in;
	struct store_intake_result a, b, refused;
	struct book bk = { 0 };
	char err[STORE_ERR_MAX];
	int64_t now = time(NULL);
	int today = cal_local_day(now);

	intake(&in);
	in.received_at = now - 120;
	assert_int_equal(store_intake(f->s, &in, &a, err), STORE_OK);
	in.received_at = now - 60;
	assert_int_equal(store_intake(f->s, &in, &b, err), STORE_OK);
	assert_int_equal(store_refusal(f->s, &in, "không đủ", &refused, err),
	    STORE_OK);
	assert_int_equal(store_book(f->s, today, today, book_fn, &bk, err),
	    STORE_OK);
	assert_int_equal(bk.n, 2); /* the refusal is not in the book */
	assert_string_equal(bk.code[0], a.code);
	assert_string_equal(bk.code[1], b.code);
	assert_int_equal(bk.number[0], 1);
	assert_int_equal(bk.number[1], 2);
	assert_string_equal(bk.phone[0], "0912000222");
	bk.n = 0;
	assert_int_equal(
	    store_book(f->s, today + 1, today + 1, book_fn, &bk, err),
	    STORE_OK);
	assert_int_equal(bk.n, 0);
	assert_int_equal(store_book(f->s, today, today - 1, book_fn, &bk, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "to: "));
}

/* The print queue takes the forms (the table rebuilt by the migration
 * keeps its self-reference for reprints). */
static void
test_print_queue_takes_forms(void **state)
{
	struct fixture *f = *state;
	static const char *const kinds[] = { "supplement", "refusal", "apology",
		"control" };
	struct store_print_new n = { .ref = "000.00.19.H26-261125-0001",
		.actor = "desk1",
		.max_pending = 100 };
	char err[STORE_ERR_MAX], *sql = NULL;
	int64_t id = 0, again;
	sqlite3 *db;
	sqlite3_stmt *st;

	for (size_t i = 0; i < 4; i++) {
		n.kind = kinds[i];
		assert_int_equal(store_print_enqueue(f->s, &n, &id, err),
		    STORE_OK);
	}
	n.kind = "letter";
	assert_int_equal(store_print_enqueue(f->s, &n, &again, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "kind: "));
	n.kind = "control";
	n.reprint_of = id;
	assert_int_equal(store_print_enqueue(f->s, &n, &again, err), STORE_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                     "SELECT sql FROM sqlite_master WHERE name ="
	                     " 'print_jobs'",
	                     -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	sql = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(strstr(sql, "REFERENCES \"print_jobs\"(id)"));
	free(sql);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_intake_prints_receipt_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_intake_print_full_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handoffs_append_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_desk, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_book, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print_queue_takes_forms,
		    setup, teardown),
	};

	HARNESS_RUN(tests);
}
