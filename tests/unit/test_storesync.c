/* test_storesync.c: the store's side of upstream sync: outbox items as
 * sent, acknowledgement and parking, upstream changes applied with the
 * cursor (and without an outbox row), the base rev of later changes, and
 * the verify lists. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fixture.h"
#include "harness.h"

#include "core/calendar.h"
#include "api/dossier_json.h"
#include "store/store.h"
#include "sync/sync_json.h"

#define AGENCY "000.00.19.H49"
#define PROC   "1.000001.000.00.00.H49"
#define T0     1767580320 /* 2026-01-05 09:32 +07 */

struct fixture {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct store_procedure p = { .code = PROC,
		.name = "Chứng thực",
		.field = "Chứng thực",
		.days = 3 };

	assert_non_null(f);
	f->s = fixture_store_open("test_storesync", f->dir, f->path);
	fixture_store_seed(f->s, AGENCY, "UBND xã A", &p);
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
intake(struct store *s, struct store_intake_result *res)
{
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = AGENCY,
		.owner_name = "Nguyễn Văn An",
		.owner_id_no = "031234567890",
		.channel = 1,
		.received_at = T0,
		.actor = "cb" };
	char err[STORE_ERR_MAX];

	assert_int_equal(store_intake(s, &in, res, err), STORE_OK);
}

static void
test_outbox_items(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result res;
	char err[STORE_ERR_MAX];
	json_t *items, *it, *d;

	intake(f->s, &res);
	assert_int_equal(
	    store_set_status(f->s, res.code, 4, "r", "cb", T0 + 60, err),
	    STORE_OK);
	items = sync_json_outbox_next(f->s, 10, 0, err);
	assert_int_equal(json_array_size(items), 2);
	it = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(it, "kind")),
	    "dossier_new");
	assert_string_equal(json_string_value(json_object_get(it, "code")),
	    res.code);
	assert_int_equal(strlen(json_string_value(json_object_get(it, "key"))),
	    32);
	d = json_object_get(it, "dossier");
	assert_string_equal(json_string_value(json_object_get(d, "owner_name")),
	    "Nguyễn Văn An");
	/* the token travels as its hash only */
	assert_int_equal(
	    strlen(json_string_value(json_object_get(d, "token_sha256"))), 64);
	{
		char *text = json_dumps(d, 0);

		assert_null(strstr(text, res.token));
		free(text);
	}
	it = json_array_get(items, 1);
	assert_string_equal(json_string_value(json_object_get(it, "kind")),
	    "status");
	assert_int_equal(json_integer_value(json_object_get(it, "status")), 4);
	assert_null(json_object_get(it, "dossier"));
	assert_true(json_integer_value(json_object_get(it, "seq")) >
	    json_integer_value(
	        json_object_get(json_array_get(items, 0), "seq")));
	json_decref(items);
	assert_null(sync_json_outbox_next(f->s, 0, 0, err));
}

static void
test_ack_park_unpark(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result a, b;
	struct store_outbox_ack acks[2];
	char err[STORE_ERR_MAX];
	json_t *items, *sum;
	int n;

	intake(f->s, &a);
	intake(f->s, &b);
	items = sync_json_outbox_next(f->s, 10, 0, err);
	acks[0].id =
	    json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	acks[0].parked_reason = NULL;
	acks[1].id =
	    json_integer_value(json_object_get(json_array_get(items, 1), "id"));
	acks[1].parked_reason = "MaTTHC: unknown";
	json_decref(items);
	assert_int_equal(store_outbox_done(f->s, acks, 2, T0, err), STORE_OK);
	sum = sync_json_summary(f->s, 10);
	assert_int_equal(json_integer_value(json_object_get(sum, "pending")),
	    0);
	assert_int_equal(
	    json_integer_value(json_object_get(sum, "parked_count")), 1);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(sum, "parked"), 0), "code")),
	    b.code);
	json_decref(sum);
	items = sync_json_outbox_next(f->s, 10, 0, err);
	assert_int_equal(json_array_size(items), 0); /* parked is not sent */
	json_decref(items);
	assert_int_equal(store_outbox_unpark(f->s, b.code, &n, err), STORE_OK);
	assert_int_equal(n, 1);
	items = sync_json_outbox_next(f->s, 10, 0, err);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	assert_int_equal(store_outbox_unpark(f->s, "junk", &n, err),
	    STORE_INVALID);
}

static void
test_apply_upstream(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result a;
	struct store_upstream_change ch = { .status = 9,
		.rev = 1,
		.at = T0 + 3600,
		.reason = "xong" };
	struct store_stats before, after;
	char err[STORE_ERR_MAX], cursor[64];
	json_t *d, *items;
	enum store_rc rc;
	int applied;

	intake(f->s, &a);
	snprintf(ch.code, sizeof ch.code, "%s", a.code);
	store_stats(f->s, &before);
	assert_int_equal(store_sync_apply(f->s, &ch, 1, "p7", &applied, err),
	    STORE_OK);
	assert_int_equal(applied, 1);
	store_stats(f->s, &after);
	assert_int_equal(after.outbox_pending, before.outbox_pending);
	assert_int_equal(
	    store_sync_state_get(f->s, "pull_cursor", cursor, sizeof cursor),
	    STORE_OK);
	assert_string_equal(cursor, "p7");
	d = dossier_json_read(f->s, a.code, T0, &rc);
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(json_integer_value(json_object_get(d, "status")), 9);
	json_decref(d);
	/* the same rev again (a replayed page) changes nothing */
	assert_int_equal(store_sync_apply(f->s, &ch, 1, "p7", &applied, err),
	    STORE_OK);
	assert_int_equal(applied, 0);
	/* unknown codes are skipped; a bad status refuses the page */
	snprintf(ch.code, sizeof ch.code, "000.00.19.H49-260105-0999");
	ch.rev = 2;
	assert_int_equal(store_sync_apply(f->s, &ch, 1, "p8", &applied, err),
	    STORE_OK);
	assert_int_equal(applied, 0);
	ch.status = 0;
	assert_int_equal(store_sync_apply(f->s, &ch, 1, "p9", &applied, err),
	    STORE_INVALID);
	store_sync_state_get(f->s, "pull_cursor", cursor, sizeof cursor);
	assert_string_equal(cursor, "p8");
	/* a later local change carries base = rev 1 */
	assert_int_equal(
	    store_set_status(f->s, a.code, 10, "trả", "cb", T0 + 7200, err),
	    STORE_OK);
	items = sync_json_outbox_next(f->s, 10, 0, err);
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_array_get(items, json_array_size(items) - 1), "base")),
	    1);
	json_decref(items);
}

static void
test_sync_codes(void **state)
{
	struct fixture *f = *state;
	struct store_intake_result a, b;
	int day = cal_local_day(T0);
	json_t *j;

	intake(f->s, &a);
	intake(f->s, &b);
	j = sync_json_codes(f->s, day, day);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(j, "counts"), "1")),
	    2);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(j, "codes"), 0)),
	    a.code);
	json_decref(j);
	j = sync_json_codes(f->s, day + 1, day + 1);
	assert_int_equal(json_array_size(json_object_get(j, "codes")), 0);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbox_items, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ack_park_unpark, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_apply_upstream, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_codes, setup,
		    teardown),
	};

	HARNESS_RUN(tests);
}
