/* test_syncbuild.c: push batches built off the loop (sync/syncbuild.h)
 * with a read-only connection of their own: the same items the loop's
 * store reads, without the local ids, gzipped; after_id and the limit;
 * rows committed after the reader opened; empty, busy, cancel; and the
 * reader's connection (store_open_reader) that cannot write and takes
 * only this build's schema. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "fixture.h"
#include "harness.h"

#include "lib/gz.h"
#include "store/store.h"
#include "sync/sync_json.h"
#include "sync/syncbuild.h"

#define AGENCY "000.00.19.H49"
#define PROC   "1.000001.000.00.00.H49"
#define T0     1767580320 /* 2026-01-05 09:32 +07 */

struct fixture {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
	uv_loop_t loop;
	struct syncbuild *b;
};

/* What done() was called with. */
struct got {
	int calls;
	enum syncbuild_rc rc;
	struct syncbuild_batch *batch;
	char err[STORE_ERR_MAX];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct store_procedure p = { .code = PROC,
		.name = "Chứng thực",
		.field = "Chứng thực",
		.days = 3 };
	char err[STORE_ERR_MAX];

	assert_non_null(f);
	f->s = fixture_store_open("test_syncbuild", f->dir, f->path);
	fixture_store_seed(f->s, AGENCY, "UBND xã A", &p);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	f->b = syncbuild_new(&f->loop, f->path, 1000, err);
	if (f->b == NULL)
		fail_msg("syncbuild_new: %s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	uv_run(&f->loop, UV_RUN_DEFAULT); /* a build still running ends */
	syncbuild_free(f->b);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	fixture_store_close(f->s, f->dir);
	free(f);
	return 0;
}

static void
intake(struct store *s, const char *name)
{
	struct store_intake in = { .procedure_code = PROC,
		.agency_code = AGENCY,
		.owner_name = name,
		.owner_id_no = "031234567890",
		.channel = 1,
		.received_at = T0,
		.actor = "cb" };
	struct store_intake_result res;
	char err[STORE_ERR_MAX];

	assert_int_equal(store_intake(s, &in, &res, err), STORE_OK);
}

static void
on_done(void *arg, enum syncbuild_rc rc, struct syncbuild_batch *b,
    const char *err)
{
	struct got *g = arg;

	g->calls++;
	g->rc = rc;
	g->batch = b;
	snprintf(g->err, sizeof g->err, "%s", err != NULL ? err : "");
}

/* Builds (limit, after_id) and runs the loop until done. */
static struct got
build(struct fixture *f, int limit, int64_t after_id)
{
	struct got g = { 0 };

	assert_int_equal(syncbuild_start(f->b, limit, after_id, on_done, &g),
	    0);
	assert_true(syncbuild_busy(f->b));
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(g.calls, 1);
	assert_false(syncbuild_busy(f->b));
	return g;
}

/* The batch's body as JSON: inflated, parsed. */
static json_t *
body_json(const struct syncbuild_batch *b)
{
	char *raw;
	size_t len;
	json_t *j;

	assert_true(b->gzipped);
	assert_int_equal(
	    gz_inflate(b->body, b->body_len, 1u << 24, 0, &raw, &len), 0);
	j = json_loadb(raw, len, 0, NULL);
	free(raw);
	assert_non_null(j);
	return j;
}

static void
test_batch_is_what_the_loop_reads(void **state)
{
	struct fixture *f = *state;
	char err[STORE_ERR_MAX];
	json_t *want, *body, *items, *it;
	struct got g;
	size_t i;

	intake(f->s, "Nguyễn Văn An");
	intake(f->s, "Trần Thị Bình");
	intake(f->s, "Lê Văn Cường");
	g = build(f, 2, 0);
	assert_int_equal(g.rc, SYNCBUILD_READY);
	assert_int_equal(g.batch->n, 2);
	want = sync_json_outbox_next(f->s, 2, 0, err);
	assert_int_equal(json_array_size(want), 2);
	body = body_json(g.batch);
	items = json_object_get(body, "items");
	assert_int_equal(json_array_size(items), 2);
	json_array_foreach(want, i, it) {
		/* ids and keys for the acknowledgement, in outbox order */
		assert_int_equal(g.batch->ids[i],
		    json_integer_value(json_object_get(it, "id")));
		assert_string_equal(g.batch->keys[i],
		    json_string_value(json_object_get(it, "key")));
		/* the local id is not sent; the rest is the same item */
		assert_null(json_object_get(json_array_get(items, i), "id"));
		json_object_del(it, "id");
		assert_true(json_equal(it, json_array_get(items, i)));
	}
	assert_true(g.batch->ids[0] < g.batch->ids[1]);
	json_decref(want);
	json_decref(body);
	syncbuild_batch_free(g.batch);
}

static void
test_after_id_and_fresh_rows(void **state)
{
	struct fixture *f = *state;
	struct got g, h;
	json_t *body;

	intake(f->s, "Nguyễn Văn An");
	intake(f->s, "Trần Thị Bình");
	g = build(f, 1000, 0);
	assert_int_equal(g.rc, SYNCBUILD_READY);
	assert_int_equal(g.batch->n, 2);
	/* the read-ahead: after the last row of a batch in flight */
	h = build(f, 1000, g.batch->ids[1]);
	assert_int_equal(h.rc, SYNCBUILD_EMPTY);
	assert_null(h.batch);
	/* a row committed on the loop's store after the reader opened */
	intake(f->s, "Lê Văn Cường");
	h = build(f, 1000, g.batch->ids[1]);
	assert_int_equal(h.rc, SYNCBUILD_READY);
	assert_int_equal(h.batch->n, 1);
	assert_true(h.batch->ids[0] > g.batch->ids[1]);
	body = body_json(h.batch);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(
	            json_array_get(json_object_get(body, "items"), 0),
	            "dossier"),
	        "owner_name")),
	    "Lê Văn Cường");
	json_decref(body);
	syncbuild_batch_free(g.batch);
	syncbuild_batch_free(h.batch);
}

static void
test_acknowledged_rows_are_not_built(void **state)
{
	struct fixture *f = *state;
	struct store_outbox_ack ack = { 0 };
	char err[STORE_ERR_MAX];
	struct got g;

	intake(f->s, "Nguyễn Văn An");
	intake(f->s, "Trần Thị Bình");
	g = build(f, 1, 0);
	assert_int_equal(g.batch->n, 1);
	ack.id = g.batch->ids[0];
	assert_int_equal(store_outbox_done(f->s, &ack, 1, T0, err), STORE_OK);
	syncbuild_batch_free(g.batch);
	g = build(f, 10, 0);
	assert_int_equal(g.rc, SYNCBUILD_READY);
	assert_int_equal(g.batch->n, 1);
	assert_true(g.batch->ids[0] > ack.id);
	syncbuild_batch_free(g.batch);
}

static void
test_busy_cancel_and_bounds(void **state)
{
	struct fixture *f = *state;
	struct got g = { 0 }, h = { 0 };

	intake(f->s, "Nguyễn Văn An");
	assert_int_equal(syncbuild_start(f->b, 0, 0, on_done, &g), -1);
	assert_int_equal(syncbuild_start(f->b, SP_PUSH_MAX + 1, 0, on_done, &g),
	    -1);
	assert_int_equal(syncbuild_start(f->b, 10, 0, on_done, &g), 0);
	/* one build at a time: the connection is one thread's */
	assert_int_equal(syncbuild_start(f->b, 10, 0, on_done, &h), -1);
	syncbuild_cancel(f->b);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.rc, SYNCBUILD_CANCELED);
	assert_null(g.batch);
	assert_int_equal(h.calls, 0);
	/* and it builds again afterwards */
	h = build(f, 10, 0);
	assert_int_equal(h.rc, SYNCBUILD_READY);
	syncbuild_batch_free(h.batch);
}

static void
test_reader_connection(void **state)
{
	struct fixture *f = *state;
	struct store_outbox_ack ack = { .id = 1 };
	char err[STORE_ERR_MAX], path[FIXTURE_PATH_MAX + 8];
	struct store *r;
	FILE *fp;

	intake(f->s, "Nguyễn Văn An");
	r = store_open_reader(f->path, 1000, err);
	assert_non_null(r);
	assert_int_equal(store_outbox_done(r, &ack, 1, T0, err), STORE_ERROR);
	assert_non_null(strstr(err, "readonly"));
	store_close(r);
	/* a file the daemon never migrated is refused, not migrated */
	snprintf(path, sizeof path, "%s/empty.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_null(store_open_reader(path, 1000, err));
	assert_non_null(strstr(err, "schema 0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_batch_is_what_the_loop_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_id_and_fresh_rows,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_acknowledged_rows_are_not_built, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_cancel_and_bounds,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_connection, setup,
		    teardown),
	};

	HARNESS_RUN(tests);
}
