/* hubq.h: the hub's bounded pool of database connections on worker
 * threads. The hubstore calls block (libpq, SQLite); the hub runs each one
 * as a job on a worker that owns its own connection, and hears back on the
 * loop thread, so a slow or unreachable database never stalls a listener.
 *
 * Every job has a deadline. A job still queued at its deadline is dropped;
 * one still running is told "expired" so its request can be answered 503
 * at once, and finishes (its result unused) when the database answers or
 * its own statement or connect timeout ends it. A full queue refuses new
 * jobs. Both give the caller a fast 503 with Retry-After instead of a
 * listener held for the database.
 *
 * hubq_new, hubq_submit, hubq_stop and hubq_free: loop thread only. */
#ifndef HUBQ_H
#define HUBQ_H
#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "store/hubstore.h"

struct hubq;
struct hubq_job;

/* On a worker thread, with that worker's connection (NULL: none could be
 * opened; the job reports a database error). Must not touch loop state. */
typedef void hubq_work(struct hubq_job *, struct hubstore *);
/* On the loop thread. expire: the deadline passed before the work ended
 * (answer now; the job is not finished with). done: the last call, after
 * which the job is the caller's to free; ran is false when the work never
 * ran (dropped at its deadline or at hubq_stop). */
typedef void hubq_expire(struct hubq_job *);
typedef void hubq_done(struct hubq_job *, bool ran);

/* Embedded by the caller in its own job struct (first member or
 * container_of); the fields after the callbacks are hubq's. */
struct hubq_job {
	hubq_work *work;
	hubq_expire *expire;
	hubq_done *done;
	/* private */
	struct hubq_job *next;
	uint64_t deadline_ms;
	bool expired;
};

struct hubq_conf {
	/* every worker opens its connection with this (copied strings) */
	struct hubstore_conf store;
	unsigned workers;   /* 1..64 */
	unsigned queue_max; /* jobs waiting at most */
	unsigned deadline_ms;
};

/* Starts the workers. first, when not NULL, is a connection already open
 * (the one that ran the migrations at start): worker 0 takes it. NULL
 * with err on failure (first is then closed). */
struct hubq *hubq_new(uv_loop_t *, const struct hubq_conf *,
    struct hubstore *first, char err[HUBSTORE_ERR_MAX]);
/* A pool without threads over one connection, for the fuzz harness and
 * unit tests: a submitted job runs at once on the caller's thread and its
 * done is called before hubq_submit returns. Borrows hs. */
struct hubq *hubq_new_inline(struct hubstore *hs);
/* Queues job: 0, or -1 when the queue is full or the pool stopping (the
 * job was not taken: answer 503). */
int hubq_submit(struct hubq *, struct hubq_job *);
/* Drops the queued jobs (expire, done(false)) and expires the running
 * ones, so that every request waiting on the pool is answered now; the
 * pool takes no more. Before the listener is freed. */
void hubq_stop(struct hubq *);
/* Waits for the running jobs, calls their done, closes the connections
 * and frees the pool once the loop has closed its handles. NULL: no-op. */
void hubq_free(struct hubq *);
/* Jobs queued or running now, for the metrics. */
unsigned hubq_busy(struct hubq *);
#endif
