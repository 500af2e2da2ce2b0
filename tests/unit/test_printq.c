/* test_printq.c: the durable print queue in the store (migration 6):
 * order, the queue bound, outcomes, a job cut off by a stop coming back
 * as a reprint, survival across reopening, refused input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"

#include "printer/printdata.h"
#include "store/store.h"

struct fx {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	f->s = fixture_store_open("motcua-printq", f->dir, f->path);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fixture_store_close(f->s, f->dir);
	free(f);
	return 0;
}

static int64_t
add(struct store *s, const char *kind, const char *ref, int64_t of,
    enum store_rc want)
{
	struct store_print_new n = { .kind = kind,
		.ref = ref,
		.actor = "can.bo (uid 1)",
		.reprint_of = of,
		.max_pending = 3 };
	char err[STORE_ERR_MAX] = "";
	int64_t id = 0;

	if (store_print_enqueue(s, &n, &id, err) != want)
		fail_msg("enqueue %s %s: %s", kind, ref, err);
	return id;
}

static void
test_order_and_bound(void **state)
{
	struct fx *f = *state;
	struct store_print_job j;
	int64_t a, b;

	assert_true(
	    store_schema_version(f->s) >= 6); /* later issues add more */
	assert_int_equal(store_print_next(f->s, &j), STORE_NOTFOUND);
	a = add(f->s, "receipt", "000.00.19.H49-261125-0001", 0, STORE_OK);
	b = add(f->s, "test", "", 0, STORE_OK);
	add(f->s, "slip", "000.00.19.H49-261125-0001", 0, STORE_OK);
	/* the fourth waiting job passes max_pending: refused, not queued */
	add(f->s, "test", "", 0, STORE_FULL);
	assert_int_equal(store_print_pending(f->s), 3);
	assert_int_equal(store_print_next(f->s, &j), STORE_OK);
	assert_int_equal(j.id, a);
	assert_string_equal(j.state, "queued");
	assert_string_equal(j.kind, "receipt");
	assert_false(j.reprint);
	/* done jobs leave the queue; the next is the oldest left */
	assert_int_equal(store_print_update(f->s, a, "done", -1, true, "ok",
	                     1200, "printed"),
	    STORE_OK);
	assert_int_equal(store_print_next(f->s, &j), STORE_OK);
	assert_int_equal(j.id, b);
	assert_int_equal(store_print_get(f->s, a, &j), STORE_OK);
	assert_string_equal(j.state, "done");
	assert_int_equal(j.attempts, 1);
	assert_int_equal(j.bytes, 1200);
	assert_true(j.finished_at > 0);
	assert_string_equal(j.outcome, "printed");
	assert_int_equal(store_print_get(f->s, 999, &j), STORE_NOTFOUND);
}

/* A job left "printing" by a stop comes back queued, as a reprint, and
 * the queue survives closing and reopening the database. */
static void
test_recover(void **state)
{
	struct fx *f = *state;
	struct store_print_job j;
	char err[STORE_ERR_MAX];
	int64_t a =
	    add(f->s, "receipt", "000.00.19.H49-261125-0002", 0, STORE_OK);

	assert_int_equal(store_print_update(f->s, a, "printing", -1, true, "ok",
	                     500, "sending"),
	    STORE_OK);
	store_close(f->s);
	f->s = store_open(f->path, 1000, err);
	assert_non_null(f->s);
	assert_int_equal(store_print_recover(f->s), 1);
	assert_int_equal(store_print_get(f->s, a, &j), STORE_OK);
	assert_string_equal(j.state, "queued");
	assert_true(j.reprint);
	assert_non_null(strstr(j.outcome, "reprinted whole"));
	assert_int_equal(store_print_recover(f->s), 0);
}

static void
test_reprint_and_list(void **state)
{
	struct fx *f = *state;
	int64_t a = add(f->s, "test", "", 0, STORE_OK);
	int64_t b = add(f->s, "test", "", a, STORE_OK);
	json_t *list = printdata_jobs(f->s, 10), *first;

	assert_int_equal(json_array_size(list), 2);
	first = json_array_get(list, 0); /* newest first */
	assert_int_equal(json_integer_value(json_object_get(first, "id")), b);
	assert_int_equal(
	    json_integer_value(json_object_get(first, "reprint_of")), a);
	assert_true(json_is_true(json_object_get(first, "reprint")));
	json_decref(list);
}

static void
test_refused(void **state)
{
	struct fx *f = *state;
	char longref[80];

	add(f->s, "poster", "", 0, STORE_INVALID);
	memset(longref, 'x', sizeof longref - 1);
	longref[sizeof longref - 1] = '\0';
	add(f->s, "receipt", longref, 0, STORE_INVALID);
	add(f->s, "receipt", "\xff\xfe", 0, STORE_INVALID);
	assert_int_equal(store_print_pending(f->s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_bound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint_and_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	HARNESS_RUN(tests);
}
