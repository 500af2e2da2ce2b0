/* syncbuild.h: the push body of a batch, read and encoded off the loop.
 *
 * Reading a batch of outbox rows, turning them into the wire JSON and
 * gzip-compressing it costs milliseconds per batch; on the loop thread
 * that is time every intake waits through while a backlog drains
 * (docs/benchmarks.md, "Upstream sync"). A syncbuild does that work on
 * libuv's thread pool with a read-only connection of its own
 * (store_open_reader): WAL readers wait for no writer, so the loop's
 * intakes never wait on it either. Acknowledgements stay on the loop's
 * store, the one writer.
 *
 * One batch is built at a time (the connection is one thread's at a
 * time). The API is the loop thread's; done() is called on the loop. */
#ifndef SYNCBUILD_H
#define SYNCBUILD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "store/store.h"
#include "sync/syncproto.h"

struct syncbuild;

/* A batch ready to send: the outbox rows' local ids (ascending) and
 * idempotency keys, and the request body {"items": [...]} (gzip when
 * gzipped). Owned by whoever done() hands it to: syncbuild_batch_free. */
struct syncbuild_batch {
	size_t n;
	int64_t *ids;
	char (*keys)[SP_KEY_HEX + 1];
	char *body;
	size_t body_len;
	bool gzipped;
};
void syncbuild_batch_free(struct syncbuild_batch *); /* NULL: no-op */

enum syncbuild_rc {
	SYNCBUILD_READY,    /* batch is set */
	SYNCBUILD_EMPTY,    /* no unsent row after after_id */
	SYNCBUILD_ERROR,    /* err says what */
	SYNCBUILD_CANCELED, /* syncbuild_cancel, or the loop is stopping */
};

/* batch: owned by the callee (NULL unless READY); err: borrowed, for the
 * call (set on ERROR). */
typedef void syncbuild_done(void *arg, enum syncbuild_rc,
    struct syncbuild_batch *batch, const char *err);

/* Opens the reader on db_path (the loop's store must have opened and
 * migrated it). NULL with err set on error. */
struct syncbuild *syncbuild_new(uv_loop_t *, const char *db_path,
    int busy_timeout_ms, char err[STORE_ERR_MAX]);
/* Builds the batch of the next at most limit (1..SP_PUSH_MAX) unsent,
 * unparked rows after rowid after_id, as of a snapshot taken on the
 * worker, and calls done once. -1 when a build is running (busy) or the
 * arguments are wrong. */
int syncbuild_start(struct syncbuild *, int limit, int64_t after_id,
    syncbuild_done *, void *arg);
bool syncbuild_busy(const struct syncbuild *);
/* The running build's result is not wanted: done() gets CANCELED. */
void syncbuild_cancel(struct syncbuild *);
/* Frees b; a build still running would use it, so only when none runs
 * (after the loop has ended, or after done). NULL: no-op. */
void syncbuild_free(struct syncbuild *);
#endif
