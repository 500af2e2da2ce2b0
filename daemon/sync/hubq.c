/* hubq.c: the hub's worker pool. See hubq.h. One mutex guards the queue,
 * the running jobs and the finished list; a uv_async brings finished jobs
 * back to the loop, and a uv_timer checks the deadlines. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "sync/hubq.h"

#define WORKERS_MAX 64
#define TICK_MS     50 /* how often deadlines are checked */

struct worker {
	struct hubq *q;
	pthread_t thread;
	struct hubstore *hs;      /* owned by the worker thread */
	struct hubq_job *current; /* running; guarded by q->mu */
};

struct hubq {
	uv_loop_t *loop;
	bool inline_mode;
	struct hubstore *inline_hs;  /* inline mode: borrowed */
	struct hubstore_conf conf;   /* its strings are the three below */
	char *path, *dsn, *password; /* owned */
	unsigned queue_max, deadline_ms, nworkers, queued, closing;
	struct worker w[WORKERS_MAX];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hubq_job *head, *tail; /* queued, oldest first */
	struct hubq_job *finished;    /* ran, for the loop */
	bool stopping;
	uv_async_t async;
	uv_timer_t timer;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct hubq *q = w->q;
	char err[HUBSTORE_ERR_MAX];

	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct hubq_job *j;

		while (q->head == NULL && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->head == NULL)
			break; /* stopping, and nothing queued */
		j = q->head;
		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->queued--;
		w->current = j;
		pthread_mutex_unlock(&q->mu);
		if (w->hs == NULL) {
			/* (re)connect on the worker: a database that does not
			 * answer holds this thread, never the loop */
			w->hs = hubstore_open(&q->conf, err);
			if (w->hs == NULL)
				log_warnx("hub: database: %s", err);
		}
		j->work(j, w->hs);
		pthread_mutex_lock(&q->mu);
		w->current = NULL;
		j->next = q->finished;
		q->finished = j;
		uv_async_send(&q->async);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Loop: hands the finished jobs to their owners. */
static void
on_async(uv_async_t *a)
{
	struct hubq *q = a->data;
	struct hubq_job *list, *j;

	pthread_mutex_lock(&q->mu);
	list = q->finished;
	q->finished = NULL;
	pthread_mutex_unlock(&q->mu);
	while ((j = list) != NULL) {
		list = j->next;
		j->done(j, true);
	}
}

/* Loop: drops the queued jobs past their deadline (all of them when
 * stopping) and expires the running ones. */
static void
expire_jobs(struct hubq *q, bool all)
{
	uint64_t now = clock_mono_ms();
	struct hubq_job *dropped = NULL, **pp, *j;
	struct hubq_job *running[WORKERS_MAX];
	size_t nrun = 0;

	pthread_mutex_lock(&q->mu);
	for (pp = &q->head; (j = *pp) != NULL;) {
		if (all || now >= j->deadline_ms) {
			*pp = j->next;
			q->queued--;
			j->next = dropped;
			dropped = j;
		} else
			pp = &j->next;
	}
	q->tail = NULL;
	for (j = q->head; j != NULL; j = j->next)
		q->tail = j;
	for (unsigned i = 0; i < q->nworkers; i++) {
		j = q->w[i].current;
		if (j != NULL && !j->expired &&
		    (all || now >= j->deadline_ms)) {
			/* the flag is the loop's: workers never read it */
			j->expired = true;
			running[nrun++] = j;
		}
	}
	pthread_mutex_unlock(&q->mu);
	/* a running job's memory stays valid: only its done frees it, and
	 * that comes from on_async on this thread, later */
	for (size_t i = 0; i < nrun; i++)
		running[i]->expire(running[i]);
	while ((j = dropped) != NULL) {
		dropped = j->next;
		j->expire(j);
		j->done(j, false);
	}
}

static void
on_tick(uv_timer_t *t)
{
	expire_jobs(t->data, false);
}

struct hubq *
hubq_new(uv_loop_t *loop, const struct hubq_conf *c, struct hubstore *first,
    char err[HUBSTORE_ERR_MAX])
{
	struct hubq *q = calloc(1, sizeof *q);

	if (q == NULL || c->workers < 1 || c->workers > WORKERS_MAX) {
		snprintf(err, HUBSTORE_ERR_MAX, "%s",
		    q == NULL ? "out of memory" : "hub.connections: 1..64");
		free(q);
		hubstore_close(first);
		return NULL;
	}
	q->loop = loop;
	q->conf = c->store;
	q->conf.path = q->path = dup_or_null(c->store.path);
	q->conf.dsn = q->dsn = dup_or_null(c->store.dsn);
	q->conf.password = q->password = dup_or_null(c->store.password);
	q->queue_max = c->queue_max;
	q->deadline_ms = c->deadline_ms;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	uv_async_init(loop, &q->async, on_async);
	q->async.data = q;
	/* neither handle keeps the loop running: the listeners do, and once
	 * they are closed at shutdown hubq_free collects what is left */
	uv_unref((uv_handle_t *)&q->async);
	uv_timer_init(loop, &q->timer);
	q->timer.data = q;
	uv_timer_start(&q->timer, on_tick, TICK_MS, TICK_MS);
	uv_unref((uv_handle_t *)&q->timer);
	q->w[0].hs = first;
	for (unsigned i = 0; i < c->workers; i++) {
		q->w[i].q = q;
		if (pthread_create(&q->w[i].thread, NULL, worker_main,
		        &q->w[i]) != 0) {
			snprintf(err, HUBSTORE_ERR_MAX,
			    "cannot start hub worker %u", i);
			hubq_stop(q);
			hubq_free(q);
			return NULL;
		}
		q->nworkers++;
	}
	return q;
}

struct hubq *
hubq_new_inline(struct hubstore *hs)
{
	struct hubq *q = calloc(1, sizeof *q);

	if (q == NULL)
		return NULL;
	q->inline_mode = true;
	q->inline_hs = hs;
	return q;
}

int
hubq_submit(struct hubq *q, struct hubq_job *j)
{
	if (q->inline_mode) {
		j->work(j, q->inline_hs);
		j->done(j, true);
		return 0;
	}
	j->next = NULL;
	j->expired = false;
	j->deadline_ms = clock_mono_ms() + q->deadline_ms;
	pthread_mutex_lock(&q->mu);
	if (q->stopping || q->queued >= q->queue_max) {
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->queued++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

unsigned
hubq_busy(struct hubq *q)
{
	unsigned n;

	if (q->inline_mode)
		return 0;
	pthread_mutex_lock(&q->mu);
	n = q->queued;
	for (unsigned i = 0; i < q->nworkers; i++)
		n += q->w[i].current != NULL;
	pthread_mutex_unlock(&q->mu);
	return n;
}

void
hubq_stop(struct hubq *q)
{
	if (q == NULL || q->inline_mode)
		return;
	expire_jobs(q, true);
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static void
on_closed(uv_handle_t *h)
{
	struct hubq *q = h->data;

	if (++q->closing == 2)
		free(q);
}

void
hubq_free(struct hubq *q)
{
	if (q == NULL)
		return;
	if (q->inline_mode) {
		free(q);
		return;
	}
	hubq_stop(q);
	for (unsigned i = 0; i < q->nworkers; i++)
		pthread_join(q->w[i].thread, NULL);
	on_async(&q->async); /* the jobs that finished meanwhile */
	for (unsigned i = 0; i < WORKERS_MAX; i++)
		hubstore_close(q->w[i].hs);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->path);
	free(q->dsn);
	if (q->password != NULL)
		sodium_memzero(q->password, strlen(q->password));
	free(q->password);
	uv_timer_stop(&q->timer);
	uv_close((uv_handle_t *)&q->async, on_closed);
	uv_close((uv_handle_t *)&q->timer, on_closed);
}
