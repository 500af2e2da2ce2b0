/* test_hubq.c: the hub's database worker pool (daemon/sync/hubq.c): a job
 * runs on a worker and comes back on the loop; a job that outlives its
 * deadline is expired at once (its request can be answered 503) and
 * finished later; a queued one is dropped; a full queue refuses; stop
 * drops what waits. The work here blocks on a gate the test opens, as a
 * database that does not answer would. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/clock.h"
#include "sync/hubq.h"

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;

struct tjob {
	struct hubq_job base;
	bool ran, expired, done, done_ran;
	bool had_store;
	int expired_before_done;
};

static void
gate_set(bool open)
{
	pthread_mutex_lock(&gate_mu);
	gate_open = open;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
}

static void
t_work(struct hubq_job *j, struct hubstore *hs)
{
	struct tjob *t = (struct tjob *)j;

	pthread_mutex_lock(&gate_mu);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	t->had_store = hs != NULL;
	t->ran = true;
}

static void
t_expire(struct hubq_job *j)
{
	((struct tjob *)j)->expired = true;
}

static void
t_done(struct hubq_job *j, bool ran)
{
	struct tjob *t = (struct tjob *)j;

	t->expired_before_done = t->expired;
	t->done = true;
	t->done_ran = ran;
}

static void
tjob_init(struct tjob *t)
{
	memset(t, 0, sizeof *t);
	t->base.work = t_work;
	t->base.expire = t_expire;
	t->base.done = t_done;
}

static void
on_keepalive(uv_timer_t *t)
{
	(void)t;
}

/* Runs the loop until *flag or ms pass. The pool's handles do not keep a
 * loop alive (the daemon's listeners do): a timer stands in for them. */
static void
run_until(uv_loop_t *loop, const bool *flag, unsigned ms)
{
	uint64_t end = clock_mono_ms() + ms;
	uv_timer_t keep;

	uv_timer_init(loop, &keep);
	uv_timer_start(&keep, on_keepalive, 60000, 0);
	while (!*flag && clock_mono_ms() < end) {
		uv_run(loop, UV_RUN_NOWAIT);
		usleep(2000);
	}
	uv_close((uv_handle_t *)&keep, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
}

static char dbpath[64];

static struct hubq *
pool(uv_loop_t *loop, unsigned workers, unsigned queue_max,
    unsigned deadline_ms)
{
	char err[HUBSTORE_ERR_MAX];
	struct hubq *q = hubq_new(loop,
	    &(struct hubq_conf){ .store = { .backend = HUBSTORE_SQLITE,
	                             .path = dbpath,
	                             .busy_timeout_ms = 1000 },
	        .workers = workers,
	        .queue_max = queue_max,
	        .deadline_ms = deadline_ms },
	    NULL, err);

	if (q == NULL)
		fail_msg("hubq_new: %s", err);
	return q;
}

static void
pool_free(uv_loop_t *loop, struct hubq *q)
{
	gate_set(true);
	hubq_free(q);
	uv_run(loop, UV_RUN_NOWAIT); /* the close callbacks */
}

static void
test_job_runs_and_comes_back(void **state)
{
	uv_loop_t loop;
	struct tjob a;
	struct hubq *q;

	(void)state;
	uv_loop_init(&loop);
	gate_set(true);
	q = pool(&loop, 2, 8, 5000);
	tjob_init(&a);
	assert_int_equal(hubq_submit(q, &a.base), 0);
	run_until(&loop, &a.done, 5000);
	assert_true(a.done);
	assert_true(a.ran);
	assert_true(a.done_ran);
	assert_true(a.had_store); /* the worker opened its connection */
	assert_false(a.expired);
	pool_free(&loop, q);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* A database that does not answer: the request is told at its deadline,
 * long before the work ends, and the job is finished with only then. */
static void
test_running_job_expires_at_its_deadline(void **state)
{
	uv_loop_t loop;
	struct tjob a;
	struct hubq *q;
	uint64_t t0;

	(void)state;
	uv_loop_init(&loop);
	gate_set(false);
	q = pool(&loop, 1, 8, 150);
	tjob_init(&a);
	t0 = clock_mono_ms();
	assert_int_equal(hubq_submit(q, &a.base), 0);
	run_until(&loop, &a.expired, 3000);
	assert_true(a.expired);
	assert_true(clock_mono_ms() - t0 < 1500);
	assert_false(a.done); /* the worker still has it */
	assert_int_equal(hubq_busy(q), 1);
	gate_set(true);
	run_until(&loop, &a.done, 3000);
	assert_true(a.done);
	assert_true(a.done_ran);
	assert_int_equal(a.expired_before_done, 1);
	pool_free(&loop, q);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* One worker held: the next job waits in the queue past its deadline and
 * is dropped without running; a full queue refuses at once. */
static void
test_queue_bounds_and_drops(void **state)
{
	uv_loop_t loop;
	struct tjob a, b, c;
	struct hubq *q;

	(void)state;
	uv_loop_init(&loop);
	gate_set(false);
	q = pool(&loop, 1, 1, 150);
	tjob_init(&a);
	tjob_init(&b);
	tjob_init(&c);
	assert_int_equal(hubq_submit(q, &a.base), 0);
	/* a is taken by the worker before b is queued */
	for (int i = 0; i < 500 && hubq_busy(q) == 1; i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
	assert_int_equal(hubq_submit(q, &b.base), 0);
	assert_int_equal(hubq_submit(q, &c.base), -1); /* queue full */
	run_until(&loop, &b.done, 3000);
	assert_true(b.done);
	assert_false(b.done_ran);
	assert_false(b.ran);
	assert_true(b.expired);
	gate_set(true);
	run_until(&loop, &a.done, 3000);
	assert_true(a.done);
	pool_free(&loop, q);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Shutdown: what waits is answered now, what runs is expired. */
static void
test_stop_answers_everything(void **state)
{
	uv_loop_t loop;
	struct tjob a, b;
	struct hubq *q;

	(void)state;
	uv_loop_init(&loop);
	gate_set(false);
	q = pool(&loop, 1, 8, 60000);
	tjob_init(&a);
	tjob_init(&b);
	assert_int_equal(hubq_submit(q, &a.base), 0);
	for (int i = 0; i < 500 && hubq_busy(q) == 1; i++)
		usleep(1000);
	usleep(20000); /* a is running */
	assert_int_equal(hubq_submit(q, &b.base), 0);
	hubq_stop(q);
	assert_true(b.done);
	assert_false(b.done_ran);
	assert_true(a.expired);
	assert_int_equal(hubq_submit(q, &b.base), -1);
	pool_free(&loop, q); /* opens the gate and joins: a is done */
	assert_true(a.done);
	assert_true(a.done_ran);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
test_inline_runs_at_once(void **state)
{
	struct tjob a;
	struct hubq *q;

	(void)state;
	gate_set(true);
	assert_non_null(q = hubq_new_inline(NULL));
	tjob_init(&a);
	assert_int_equal(hubq_submit(q, &a.base), 0);
	assert_true(a.done);
	assert_true(a.done_ran);
	assert_false(a.had_store);
	hubq_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_runs_and_comes_back),
		cmocka_unit_test(test_running_job_expires_at_its_deadline),
		cmocka_unit_test(test_queue_bounds_and_drops),
		cmocka_unit_test(test_stop_answers_everything),
		cmocka_unit_test(test_inline_runs_at_once),
	};
	int failed;

	snprintf(dbpath, sizeof dbpath, "/tmp/test_hubq_%d.db", getpid());
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(dbpath);
	printf("%zu passed, %d failed\n",
	    sizeof tests / sizeof tests[0] - (size_t)failed, failed);
	return failed != 0;
}
