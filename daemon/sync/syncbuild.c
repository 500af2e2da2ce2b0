/* syncbuild.c: see syncbuild.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/gz.h"
#include "sync/sync_json.h"
#include "sync/syncbuild.h"

struct syncbuild {
	uv_loop_t *loop;
	uv_work_t req;
	struct store *reader; /* owned; the worker's while running */
	bool running, canceled;
	/* the running build */
	int limit;
	int64_t after_id;
	syncbuild_done *done;
	void *arg;
	/* its result, written by the worker, read on the loop after */
	enum syncbuild_rc rc;
	struct syncbuild_batch *batch;
	char err[STORE_ERR_MAX];
};

void
syncbuild_batch_free(struct syncbuild_batch *b)
{
	if (b == NULL)
		return;
	free(b->ids);
	free(b->keys);
	free(b->body);
	free(b);
}

/* The batch of the rows in items (sync_json_outbox_next's array, which
 * this takes). NULL when out of memory. */
static struct syncbuild_batch *
encode(json_t *items)
{
	struct syncbuild_batch *b = calloc(1, sizeof *b);
	json_t *root, *it;
	size_t i, gzlen;
	char *gz;

	if (b == NULL) {
		json_decref(items);
		return NULL;
	}
	b->n = json_array_size(items);
	b->ids = calloc(b->n, sizeof *b->ids);
	b->keys = calloc(b->n, sizeof *b->keys);
	if (b->ids == NULL || b->keys == NULL) {
		json_decref(items);
		goto fail;
	}
	json_array_foreach(items, i, it) {
		b->ids[i] = json_integer_value(json_object_get(it, "id"));
		snprintf(b->keys[i], sizeof b->keys[i], "%s",
		    json_string_value(json_object_get(it, "key")));
		json_object_del(it, "id"); /* local only */
	}
	if ((root = json_pack("{s:o}", "items", items)) == NULL)
		goto fail;
	b->body = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (b->body == NULL)
		goto fail;
	b->body_len = strlen(b->body);
	/* our hub takes gzip bodies: a fraction of the bytes on a slow link */
	if (gz_compress(b->body, b->body_len, &gz, &gzlen) == 0) {
		free(b->body);
		b->body = gz;
		b->body_len = gzlen;
		b->gzipped = true;
	}
	return b;
fail:
	syncbuild_batch_free(b);
	return NULL;
}

static void
work(uv_work_t *req)
{
	struct syncbuild *sb = req->data;
	json_t *items;

	items =
	    sync_json_outbox_next(sb->reader, sb->limit, sb->after_id, sb->err);
	if (items == NULL) {
		sb->rc = SYNCBUILD_ERROR;
		return;
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		sb->rc = SYNCBUILD_EMPTY;
		return;
	}
	if ((sb->batch = encode(items)) == NULL) {
		snprintf(sb->err, sizeof sb->err, "out of memory");
		sb->rc = SYNCBUILD_ERROR;
		return;
	}
	sb->rc = SYNCBUILD_READY;
}

static void
after_work(uv_work_t *req, int status)
{
	struct syncbuild *sb = req->data;
	struct syncbuild_batch *b = sb->batch;
	enum syncbuild_rc rc = sb->rc;

	sb->running = false;
	sb->batch = NULL;
	if (status == UV_ECANCELED || sb->canceled) {
		syncbuild_batch_free(b);
		b = NULL;
		rc = SYNCBUILD_CANCELED;
	}
	/* the callback may start the next build */
	sb->done(sb->arg, rc, b, sb->err);
}

struct syncbuild *
syncbuild_new(uv_loop_t *loop, const char *db_path, int busy_timeout_ms,
    char err[STORE_ERR_MAX])
{
	struct syncbuild *sb = calloc(1, sizeof *sb);

	if (sb == NULL) {
		snprintf(err, STORE_ERR_MAX, "out of memory");
		return NULL;
	}
	if ((sb->reader = store_open_reader(db_path, busy_timeout_ms, err)) ==
	    NULL) {
		free(sb);
		return NULL;
	}
	sb->loop = loop;
	return sb;
}

int
syncbuild_start(struct syncbuild *sb, int limit, int64_t after_id,
    syncbuild_done *done, void *arg)
{
	if (sb->running || limit < 1 || limit > SP_PUSH_MAX)
		return -1;
	sb->limit = limit;
	sb->after_id = after_id;
	sb->done = done;
	sb->arg = arg;
	sb->canceled = false;
	sb->batch = NULL;
	sb->err[0] = '\0';
	sb->req.data = sb;
	if (uv_queue_work(sb->loop, &sb->req, work, after_work) != 0)
		return -1;
	sb->running = true;
	return 0;
}

bool
syncbuild_busy(const struct syncbuild *sb)
{
	return sb != NULL && sb->running;
}

void
syncbuild_cancel(struct syncbuild *sb)
{
	if (sb == NULL || !sb->running)
		return;
	sb->canceled = true;
	/* not yet on a thread: then it never will be (done gets
	 * UV_ECANCELED); already running: its result is dropped */
	uv_cancel((uv_req_t *)&sb->req);
}

void
syncbuild_free(struct syncbuild *sb)
{
	if (sb == NULL)
		return;
	store_close(sb->reader);
	free(sb);
}
