/* test_storepostal.c: postal intake through store.h (registration,
 * duplicates, atomic refusal, manifests, receiving, resolutions,
 * signatures, returns by post) and the registration body parser. */
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
#include "core/role.h"
#include "postal/postalreg.h"
#include "postal/postid.h"
#include "core/status.h"
#include "api/dossier_json.h"
#include "postal/postal_json.h"
#include "printer/printdata.h"
#include "store/store.h"
#include "sync/sync_json.h"
#include "sync/syncproto.h"

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
	f->s = fixture_store_open("test_storepostal", f->dir, f->path);
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

/* The S10 id with serial n and its right check digit. */
static void
item(char out[S10_LEN + 1], unsigned n)
{
	char serial[9];

	snprintf(serial, sizeof serial, "%08u", n);
	snprintf(out, S10_LEN + 1, "RR%s%dVN", serial, s10_check_digit(serial));
}

static void
reg(struct store_postal_reg *r, const char *id)
{
	memset(r, 0, sizeof *r);
	r->item_id = id;
	r->s10_verdict = "valid";
	r->name = "Nguyễn Văn An";
	r->address = "Số 1 phố Huế";
	r->phone = "0912000111";
	r->id_number = "001190000111";
	r->procedure_code = PROC;
	r->agency_code = AGENCY;
	r->documents = "[]";
	r->fees_vnd = 2000;
	r->service = STORE_POSTAL_SEND;
	r->seal_intact = true;
	r->posted_at = (int64_t)time(NULL) - 3600;
	r->station = "S1";
	r->actor = "clerk";
}

static const struct actor ADMIN = { .name = "boss", .role = ROLE_ADMIN };

static int64_t
rows(struct store *s)
{
	struct store_stats st;

	assert_int_equal(store_stats(s, &st), STORE_OK);
	return st.dossiers;
}

static void
test_register_and_duplicate(void **state)
{
	struct fixture *f = *state;
	struct store_postal_reg r;
	struct store_postal_result res, again;
	char id[S10_LEN + 1], err[STORE_ERR_MAX];
	enum store_rc rc;
	json_t *o;

	item(id, 1);
	reg(&r, id);
	assert_int_equal(store_postal_register(f->s, &r, &res, err), STORE_OK);
	assert_true(res.created);
	assert_int_equal(rows(f->s), 1);
	assert_int_equal(store_postal_register(f->s, &r, &again, err),
	    STORE_OK);
	assert_false(again.created);
	assert_string_equal(again.code, res.code);
	assert_int_equal(rows(f->s), 1);
	o = postal_json_item(f->s, &ADMIN, id, time(NULL), &rc);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "state")),
	    "registered");
	assert_true(json_is_null(json_object_get(o, "due_at")));
	assert_int_equal(json_integer_value(json_object_get(o, "status")),
	    ST_SUBMITTED);
	json_decref(o);
	assert_null(
	    postal_json_item(f->s, &ADMIN, "RR000000025VN", time(NULL), &rc));
	assert_int_equal(rc, STORE_NOTFOUND);
}

/* A postal clerk reads only their post office's registrations; one with
 * no post office only their own; office staff all
 * (docs/security.md, "Postal scope"). */
/* store_postal_dossier_in_scope's answer, which must succeed. */
static bool
dossier_in(struct store *s, const struct actor *who, const char *code)
{
	bool in = true;

	assert_int_equal(store_postal_dossier_in_scope(s, who, code, &in),
	    STORE_OK);
	return in;
}

static void
test_clerk_scope(void **state)
{
	struct fixture *f = *state;
	struct store_postal_reg r;
	struct store_postal_result res;
	struct actor hl = { .name = "hl.lan",
		.role = ROLE_POSTAL_CLERK,
		.post_office = "200000" };
	struct actor hl2 = { .name = "hl.minh",
		.role = ROLE_POSTAL_CLERK,
		.post_office = "200000" };
	struct actor cp = { .name = "cp.an",
		.role = ROLE_POSTAL_CLERK,
		.post_office = "201000" };
	struct actor lone = { .name = "clerk", .role = ROLE_POSTAL_CLERK };
	struct actor lone2 = { .name = "other", .role = ROLE_POSTAL_CLERK };
	struct actor office = { .name = "hoa", .role = ROLE_OFFICE_STAFF };
	struct actor kiosk = { .name = "k1", .role = ROLE_KIOSK };
	char a[S10_LEN + 1], b[S10_LEN + 1], err[STORE_ERR_MAX];
	char ca[DCODE_TEXT_MAX + 1], cb[DCODE_TEXT_MAX + 1];
	enum store_rc rc;
	json_t *o;

	item(a, 11);
	reg(&r, a);
	r.actor = "hl.lan";
	r.post_office = "200000";
	assert_int_equal(store_postal_register(f->s, &r, &res, err), STORE_OK);
	snprintf(ca, sizeof ca, "%s", res.code);
	item(b, 12);
	reg(&r, b); /* by "clerk", no post office */
	assert_int_equal(store_postal_register(f->s, &r, &res, err), STORE_OK);
	snprintf(cb, sizeof cb, "%s", res.code);

	/* the dossier behind a registration: the same rule (the printing
	 * routes' scope); a code with no registration is no clerk's */
	assert_true(dossier_in(f->s, &hl2, ca));
	assert_false(dossier_in(f->s, &cp, ca));
	assert_false(dossier_in(f->s, &lone, ca));
	assert_true(dossier_in(f->s, &lone, cb));
	assert_false(dossier_in(f->s, &lone2, cb));
	assert_false(dossier_in(f->s, &hl, cb));
	assert_true(dossier_in(f->s, &office, cb));
	assert_false(dossier_in(f->s, &kiosk, cb));
	assert_false(dossier_in(f->s, NULL, cb));
	assert_false(dossier_in(f->s, &hl, "000.00.19.H49-261207-9999"));
	assert_true(dossier_in(f->s, &office, "000.00.19.H49-261207-9999"));

	o = postal_json_item(f->s, &hl2, a, time(NULL), &rc);
	assert_non_null(o);
	assert_string_equal(
	    json_string_value(json_object_get(o, "post_office")), "200000");
	json_decref(o);
	assert_null(postal_json_item(f->s, &cp, a, time(NULL), &rc));
	assert_int_equal(rc, STORE_NOTFOUND);
	assert_null(postal_json_item(f->s, &lone, a, time(NULL), &rc));
	assert_int_equal(rc, STORE_NOTFOUND);
	o = postal_json_item(f->s, &lone, b, time(NULL), &rc);
	assert_non_null(o);
	json_decref(o);
	assert_null(postal_json_item(f->s, &lone2, b, time(NULL), &rc));
	assert_null(postal_json_item(f->s, &hl, b, time(NULL), &rc));
	o = postal_json_item(f->s, &office, b, time(NULL), &rc);
	assert_non_null(o);
	json_decref(o);
	assert_null(postal_json_item(f->s, NULL, b, time(NULL), &rc));
}

static void
test_refusals_write_nothing(void **state)
{
	struct fixture *f = *state;
	struct store_postal_reg r;
	struct store_postal_result res;
	char id[S10_LEN + 1], bad[S10_LEN + 1], err[STORE_ERR_MAX];

	item(id, 2);
	reg(&r, id);
	r.procedure_code = "9.999";
	assert_int_equal(store_postal_register(f->s, &r, &res, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "procedure_code: "));
	reg(&r, id);
	r.service = STORE_POSTAL_BOTH;
	assert_int_equal(store_postal_register(f->s, &r, &res, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "return_address: "));
	reg(&r, id);
	r.fees_vnd = -1;
	assert_int_equal(store_postal_register(f->s, &r, &res, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "fees_vnd: "));
	/* a wrong check digit without a reason */
	memcpy(bad, id, sizeof bad);
	bad[10] = bad[10] == '9' ? '0' : (char)(bad[10] + 1);
	reg(&r, bad);
	r.s10_verdict = "bad_check";
	assert_int_equal(store_postal_register(f->s, &r, &res, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "override_reason: "));
	assert_int_equal(rows(f->s), 0);
	r.override_reason = "label smudged, checked by hand";
	assert_int_equal(store_postal_register(f->s, &r, &res, err), STORE_OK);
	assert_int_equal(rows(f->s), 1);
}

static void
test_manifest_flow(void **state)
{
	struct fixture *f = *state;
	struct store_postal_reg r;
	struct store_postal_result res;
	char ids[5][S10_LEN + 1], err[STORE_ERR_MAX], stray[S10_LEN + 1];
	const char *mid;
	json_t *out, *m, *rcv;
	enum store_rc rc;
	int64_t now = time(NULL);

	for (int i = 0; i < 5; i++) {
		item(ids[i], 10 + (unsigned)i);
		reg(&r, ids[i]);
		assert_int_equal(store_postal_register(f->s, &r, &res, err),
		    STORE_OK);
	}
	assert_int_equal(postal_json_close(f->s, "other", NULL, "clerk", now,
	                     true, 100, &out, err),
	    STORE_CONFLICT);
	assert_int_equal(postal_json_close(f->s, "S1", NULL, "clerk", now, true,
	                     100, &out, err),
	    STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "count")), 5);
	assert_int_equal(json_integer_value(json_object_get(out, "fees_vnd")),
	    10000);
	assert_true(json_integer_value(json_object_get(out, "print_job")) > 0);
	mid = json_string_value(json_object_get(out, "manifest_id"));
	assert_int_equal(strlen(mid), MANIFEST_ID_LEN);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(postal_json_receive(f->s, mid, ids[i],
		                     "office", now, &rcv, err),
		    STORE_OK);
		assert_string_equal(
		    json_string_value(json_object_get(rcv, "result")),
		    "accepted");
		json_decref(rcv);
	}
	assert_int_equal(
	    postal_json_receive(f->s, mid, ids[0], "office", now, &rcv, err),
	    STORE_OK);
	assert_string_equal(json_string_value(json_object_get(rcv, "result")),
	    "already");
	json_decref(rcv);
	item(stray, 99);
	assert_int_equal(
	    postal_json_receive(f->s, mid, stray, "office", now, &rcv, err),
	    STORE_OK);
	assert_string_equal(json_string_value(json_object_get(rcv, "result")),
	    "unexpected");
	json_decref(rcv);
	m = postal_json_manifest(f->s, mid, &rc);
	assert_string_equal(json_string_value(json_object_get(m, "state")),
	    "discrepancies");
	assert_int_equal(json_integer_value(json_object_get(m, "missing")), 1);
	json_decref(m);
	assert_int_equal(store_postal_resolve(f->s, mid, ids[4], "lost",
	                     "never came", "office", now, err),
	    STORE_OK);
	assert_int_equal(store_postal_resolve(f->s, mid, ids[4], "lost",
	                     "never came", "office", now, err),
	    STORE_OK);
	assert_int_equal(store_postal_resolve(f->s, mid, ids[4], "returned",
	                     "x", "office", now, err),
	    STORE_CONFLICT);
	assert_int_equal(store_postal_resolve(f->s, mid, ids[0], "lost", "x",
	                     "office", now, err),
	    STORE_CONFLICT); /* arrived */
	assert_int_equal(store_postal_resolve(f->s, mid, stray, "returned",
	                     "not ours", "office", now, err),
	    STORE_OK);
	m = postal_json_manifest(f->s, mid, &rc);
	assert_string_equal(json_string_value(json_object_get(m, "state")),
	    "receiving");
	json_decref(m);
	assert_int_equal(
	    store_postal_sign(f->s, mid, "A", "B", "office", now, err),
	    STORE_OK);
	assert_int_equal(
	    store_postal_sign(f->s, mid, "A", "C", "office", now, err),
	    STORE_CONFLICT);
	m = postal_json_manifest(f->s, mid, &rc);
	assert_string_equal(json_string_value(json_object_get(m, "state")),
	    "reconciled");
	json_decref(m);
	m = printdata_manifest_docs(f->s, mid, &rc);
	assert_int_equal(json_array_size(m), 5);
	json_decref(m);
	json_decref(out);
}

static void
test_return_by_post(void **state)
{
	struct fixture *f = *state;
	struct store_postal_reg r;
	struct store_postal_result res;
	char id[S10_LEN + 1], out_id[S10_LEN + 1], err[STORE_ERR_MAX];
	int64_t now = time(NULL);
	json_t *o, *rcv, *list;
	enum store_rc rc;

	item(id, 500);
	item(out_id, 501);
	reg(&r, id);
	r.service = STORE_POSTAL_BOTH;
	r.return_address = "Số 1 phố Huế";
	assert_int_equal(store_postal_register(f->s, &r, &res, err), STORE_OK);
	assert_int_equal(postal_json_close(f->s, NULL, NULL, "clerk", now,
	                     false, 1, &o, err),
	    STORE_OK);
	assert_int_equal(
	    postal_json_receive(f->s,
	        json_string_value(json_object_get(o, "manifest_id")), id,
	        "office", now, &rcv, err),
	    STORE_OK);
	json_decref(rcv);
	json_decref(o);
	/* not ready yet */
	assert_int_equal(store_postal_return(f->s, res.code, out_id, true,
	                     "office", now, err),
	    STORE_CONFLICT);
	assert_int_equal(store_set_status(f->s, res.code, ST_PROCESSING, "x",
	                     "office", now, err),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, res.code, ST_RESULT_READY, "x",
	                     "office", now, err),
	    STORE_OK);
	assert_int_equal(store_postal_return(f->s, res.code, out_id, true,
	                     "office", now, err),
	    STORE_OK);
	o = dossier_json_read(f->s, res.code, now, &rc);
	assert_int_equal(json_integer_value(json_object_get(o, "status")),
	    ST_RETURNED); /* done at handover */
	json_decref(o);
	assert_int_equal(
	    store_postal_delivered(f->s, out_id, true, "office", now, err),
	    STORE_OK);
	list =
	    postal_json_returns(f->s, cal_local_day(now), cal_local_day(now));
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
}

/* Offline: registrations and acceptances wait in the outbox, and what the
 * sync module would send passes the hub's checks (channel 3, the postal
 * item in the event detail, no contact data there: upstream gets the
 * owner's details in the dossier block, as for every new dossier). */
static void
test_outbox_for_sync(void **state)
{
	struct fixture *f = *state;
	struct store_postal_reg r;
	struct store_postal_result res;
	struct sp_push push;
	char id[S10_LEN + 1], err[STORE_ERR_MAX], perr[SP_ERR_MAX], *text;
	json_t *items, *it, *o, *rcv, *body;
	int64_t now = time(NULL);
	size_t i;

	item(id, 700);
	reg(&r, id);
	assert_int_equal(store_postal_register(f->s, &r, &res, err), STORE_OK);
	assert_int_equal(postal_json_close(f->s, NULL, NULL, "clerk", now,
	                     false, 1, &o, err),
	    STORE_OK);
	assert_int_equal(
	    postal_json_receive(f->s,
	        json_string_value(json_object_get(o, "manifest_id")), id,
	        "office", now, &rcv, err),
	    STORE_OK);
	json_decref(rcv);
	json_decref(o);
	items = sync_json_outbox_next(f->s, 100, 0, err);
	assert_non_null(items);
	assert_int_equal(json_array_size(items), 2);
	it = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(it, "kind")),
	    "dossier_new");
	assert_int_equal(json_integer_value(json_object_get(it, "status")),
	    ST_SUBMITTED);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(it, "dossier"), "channel")),
	    CHANNEL_POSTAL);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(json_object_get(it, "event"), "detail"),
	        "postal_item")),
	    id);
	it = json_array_get(items, 1);
	assert_int_equal(json_integer_value(json_object_get(it, "status")),
	    ST_RECEIVED);
	assert_false(json_is_null(json_object_get(it, "due_at")));
	json_array_foreach(items, i, it)
		json_object_del(it, "id"); /* local; sync.c does not send it */
	body = json_pack("{s:o}", "items", items);
	text = json_dumps(json_object_get(json_array_get(items, 0), "event"),
	    JSON_COMPACT);
	assert_null(strstr(text, "0912000111")); /* the dossier block only */
	free(text);
	text = json_dumps(body, JSON_COMPACT);
	assert_int_equal(sp_push_req(text, strlen(text), &push, perr), 0);
	assert_int_equal(push.n, 2);
	for (i = 0; i < push.n; i++)
		assert_true(push.items[i].valid);
	sp_push_free(&push);
	free(text);
	json_decref(body);
}

static void
test_batch(void **state)
{
	struct fixture *f = *state;
	struct store_postal_reg r[4];
	struct store_postal_result res[4];
	enum store_rc rcs[4];
	char ids[3][S10_LEN + 1], errs[4][STORE_ERR_MAX], err[STORE_ERR_MAX];

	for (int i = 0; i < 3; i++)
		item(ids[i], 900 + (unsigned)i);
	reg(&r[0], ids[0]);
	reg(&r[1], ids[1]);
	r[1].procedure_code = "9.999"; /* refused inside the transaction */
	reg(&r[2], ids[0]);            /* a duplicate of the first */
	reg(&r[3], ids[2]);
	r[3].fees_vnd = -1; /* refused before */
	assert_int_equal(
	    store_postal_register_batch(f->s, r, 4, res, rcs, errs, err),
	    STORE_OK);
	assert_int_equal(rcs[0], STORE_OK);
	assert_true(res[0].created);
	assert_int_equal(rcs[1], STORE_INVALID);
	assert_non_null(strstr(errs[1], "procedure_code: "));
	assert_int_equal(rcs[2], STORE_OK);
	assert_false(res[2].created);
	assert_string_equal(res[2].code, res[0].code);
	assert_int_equal(rcs[3], STORE_INVALID);
	assert_non_null(strstr(errs[3], "fees_vnd: "));
	assert_int_equal(rows(f->s), 1);
	/* the next code follows on: the refused one left no gap */
	reg(&r[0], ids[2]);
	assert_int_equal(
	    store_postal_register_batch(f->s, r, 1, res, rcs, errs, err),
	    STORE_OK);
	assert_int_equal(rows(f->s), 2);
	assert_int_equal(strcmp(res[0].code + strlen(res[0].code) - 4, "0002"),
	    0);
}

static void
test_parser(void **state)
{
	struct postalreg pr;
	char field[POSTALREG_FIELD_MAX], msg[POSTALREG_MSG_MAX];
	const char *good =
	    "{\"item_id\":\"rr 123456785 vn\",\"applicant\":{\"name\":\"A\","
	    "\"address\":\"B\"},\"procedure_code\":\"P\",\"documents\":[{"
	    "\"name\":\"d\",\"originals\":1,\"copies\":2,\"checked\":true}],"
	    "\"fees_vnd\":0,\"service\":\"send\",\"seal_intact\":false}";

	(void)state;
	assert_int_equal(
	    postalreg_parse(good, strlen(good), 1000000, "AG", &pr, field, msg),
	    POSTALREG_OK);
	assert_string_equal(pr.reg.item_id, "RR123456785VN");
	assert_string_equal(pr.reg.agency_code, "AG");
	assert_int_equal(pr.reg.posted_at, 1000000);
	assert_non_null(strstr(pr.reg.documents, "\"copies\":2"));
	postalreg_cleanup(&pr);
	postalreg_cleanup(&pr);
	assert_int_equal(postalreg_parse("[1]", 3, 0, NULL, &pr, field, msg),
	    POSTALREG_MALFORMED);
	assert_int_equal(postalreg_parse("{", 1, 0, NULL, &pr, field, msg),
	    POSTALREG_MALFORMED);
	{
		const char *b = "{\"item_id\":\"RR123456785VN\",\"applicant\":"
		                "{\"name\":\"A\",\"address\":\"B\"},"
		                "\"procedure_code\":\"P\",\"documents\":[],"
		                "\"fees_vnd\":\"1000\",\"service\":\"send\","
		                "\"seal_intact\":true}";

		assert_int_equal(
		    postalreg_parse(b, strlen(b), 0, "AG", &pr, field, msg),
		    POSTALREG_INVALID);
		assert_string_equal(field, "fees_vnd");
	}
	{
		const char *b = "{\"item_id\":\"RR123456786VN\"}";

		assert_int_equal(
		    postalreg_parse(b, strlen(b), 0, "AG", &pr, field, msg),
		    POSTALREG_INVALID);
		assert_string_equal(field, "override_reason");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_and_duplicate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_clerk_scope, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals_write_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_flow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_return_by_post, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_for_sync, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test(test_parser),
	};
	HARNESS_RUN(tests);
}
