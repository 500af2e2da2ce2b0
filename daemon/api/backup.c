/* backup.c: POST /api/v1/backup (backup.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/backup.h"
#include "config.h"
#include "http/reply.h"
#include "http/request.h"
#include "lib/log.h"
#include "store/store.h"

/* One backup: made on the loop, filled by the worker, answered and freed
 * on the loop. */
struct job {
	uv_work_t work;
	struct backup *b;
	struct http_pending *pending; /* NULL once answered */
	const char *db;               /* "store" or "hub" (static) */
	char src[PATH_MAX], tmp[PATH_MAX];
	atomic_bool cancel; /* set by the loop at shutdown */
	/* the worker's results */
	enum store_rc rc;
	char err[STORE_ERR_MAX];
	int fd; /* the copy, unlinked; -1: none */
	int version;
	char sha256[STORE_SHA256_HEX];
	uint64_t size;
};

struct backup {
	uv_loop_t *loop;     /* borrowed */
	struct store *store; /* borrowed: the audit rows */
	struct job *job;     /* the copy running; NULL: none */
	bool stopping;
	bool free_later; /* backup_free came while a copy ran */
};

/* The copy's bytes as the reply body, read on the loop: one pread of at
 * most a block per call, from the page cache as a rule. */
struct body {
	int fd;
	uint64_t off, size;
};

static void
body_open(void *arg, struct http_stream *hs)
{
	(void)arg;
	(void)hs;
}

static ssize_t
body_read(void *arg, char *buf, size_t max)
{
	struct body *bd = arg;
	ssize_t n;

	if (bd->off >= bd->size)
		return -1;
	if (max > bd->size - bd->off)
		max = (size_t)(bd->size - bd->off);
	do
		n = pread(bd->fd, buf, max, (off_t)bd->off);
	while (n == -1 && errno == EINTR);
	if (n <= 0) { /* the client sees a short body: size and hash say so */
		log_warnx("backup: reading the copy: %s",
		    n == 0 ? "it ended early" : strerror(errno));
		return -1;
	}
	bd->off += (uint64_t)n;
	return n;
}

static void
body_done(void *arg)
{
	struct body *bd = arg;

	close(bd->fd);
	free(bd);
}

static const struct http_stream_ops body_ops = { body_open, body_read,
	body_done };

struct backup *
backup_new(uv_loop_t *loop, struct store *store)
{
	struct backup *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->loop = loop;
	b->store = store;
	return b;
}

void
backup_shutdown(struct backup *b)
{
	struct http_response r = { 0 };

	if (b == NULL)
		return;
	b->stopping = true;
	if (b->job != NULL && b->job->pending != NULL) {
		atomic_store(&b->job->cancel, true);
		reply_error(&r, 503, "", "the daemon is stopping");
		http_pending_reply(b->job->pending, &r);
		b->job->pending = NULL;
	}
}

void
backup_free(struct backup *b)
{
	if (b == NULL)
		return;
	if (b->job != NULL) {
		b->free_later = true;
		return;
	}
	free(b);
}

/* Worker thread: the copy, then its descriptor, hash and size. */
static void
on_work(uv_work_t *w)
{
	struct job *j = w->data;

	j->fd = -1;
	j->rc =
	    store_backup_copy(j->src, j->tmp, &j->cancel, &j->version, j->err);
	if (j->rc != STORE_OK)
		return;
	/* From here the copy lives in the descriptor only: a daemon that
	 * dies while it is sent leaves no file behind. */
	j->fd = open(j->tmp, O_RDONLY | O_CLOEXEC);
	if (j->fd == -1)
		snprintf(j->err, sizeof j->err, "opening the copy: %s",
		    strerror(errno));
	unlink(j->tmp);
	if (j->fd == -1 ||
	    store_sha256_fd(j->fd, j->sha256, &j->size, j->err) != 0) {
		j->rc = STORE_ERROR;
		if (j->fd != -1)
			close(j->fd);
		j->fd = -1;
	}
}

static void
after_work(uv_work_t *w, int status)
{
	struct job *j = w->data;
	struct backup *b = j->b;
	struct http_response r = { 0 };
	struct body *bd;

	b->job = NULL;
	if (status != 0 && j->rc == STORE_OK) {
		j->rc = STORE_ERROR;
		snprintf(j->err, sizeof j->err, "%s", uv_strerror(status));
	}
	if (j->rc != STORE_OK)
		log_warnx("backup of the %s failed: %s", j->db, j->err);
	if (j->pending == NULL) { /* answered at shutdown */
		if (j->fd != -1)
			close(j->fd);
	} else if (j->rc != STORE_OK) {
		reply_error(&r, 500, "", "the backup failed (see the journal)");
		http_pending_reply(j->pending, &r);
	} else if ((bd = calloc(1, sizeof *bd)) == NULL ||
	    asprintf(&r.headers,
	        "X-Motcua-Sha256: %s\nX-Motcua-Size: %llu\n"
	        "X-Motcua-Schema: %d\nX-Motcua-Database: %s\n",
	        j->sha256, (unsigned long long)j->size, j->version,
	        j->db) == -1) {
		free(bd);
		close(j->fd);
		r = (struct http_response){ 0 };
		reply_error(&r, 500, "", "out of memory");
		http_pending_reply(j->pending, &r);
	} else {
		log_info("backup of the %s: %llu bytes, schema %d, sha256 %s",
		    j->db, (unsigned long long)j->size, j->version, j->sha256);
		bd->fd = j->fd;
		bd->size = j->size;
		r.status = 200;
		r.content_type = "application/vnd.sqlite3";
		r.stream = &body_ops;
		r.stream_arg = bd;
		http_pending_reply(j->pending, &r);
	}
	free(j);
	if (b->free_later)
		free(b);
}

void
api_backup(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct backup *b = c->backup;
	const char *db = http_query(hr, "db"), *src;
	char actor[REQUEST_ACTOR_MAX];
	struct job *j;
	int fd;

	(void)pp;
	/* The whole database is more than any staff page shows: only the
	 * operator on the box (the socket's peer) takes it. */
	if (hr->peer_uid < 0) {
		reply_error(r, 403, "",
		    "backups are taken on the admin socket");
		return;
	}
	if (db == NULL || strcmp(db, "store") == 0) {
		db = "store";
		src = c->cfg->db_path;
	} else if (strcmp(db, "hub") == 0) {
		if (!c->cfg->hub_role) {
			reply_error(r, 404, "db",
			    "this daemon is not in the hub role: it has no hub "
			    "database");
			return;
		}
		if (c->cfg->hub_pg) {
			/* a PostgreSQL hub is the database server's to back
			 * up (pg_dump, a standby): docs/operations.md */
			reply_error(r, 409, "db",
			    "the hub's database is PostgreSQL: back it up with "
			    "pg_dump");
			return;
		}
		db = "hub";
		src = c->cfg->hub_db_path;
	} else {
		reply_error(r, 400, "db", "must be store or hub");
		return;
	}
	if (b == NULL || b->stopping) {
		reply_error(r, 503, "", "the daemon is stopping");
		return;
	}
	if (b->job != NULL) {
		reply_error(r, 409, "", "a backup is already running");
		return;
	}
	if ((j = calloc(1, sizeof *j)) == NULL) {
		reply_error(r, 500, "", "out of memory");
		return;
	}
	j->b = b;
	j->db = db;
	j->fd = -1;
	atomic_init(&j->cancel, false);
	snprintf(j->src, sizeof j->src, "%s", src);
	/* beside the database: the one place the sandbox lets it write */
	if ((size_t)snprintf(j->tmp, sizeof j->tmp, "%s.backup-XXXXXX", src) >=
	        sizeof j->tmp ||
	    (fd = mkstemp(j->tmp)) == -1) {
		log_warn("backup: a temporary file beside %s", src);
		reply_error(r, 500, "", "cannot create the backup's file");
		free(j);
		return;
	}
	close(fd);
	/* It reads every dossier's personal data: audited first, or not
	 * made at all. */
	request_actor_name(hr, NULL, actor, sizeof actor);
	if (store_audit(b->store, actor, "backup", db, NULL) != STORE_OK) {
		unlink(j->tmp);
		free(j);
		reply_error(r, 500, "", "cannot write the audit log");
		return;
	}
	j->work.data = j;
	j->pending = http_defer(hr);
	if (uv_queue_work(b->loop, &j->work, on_work, after_work) != 0) {
		struct http_response e = { 0 };

		unlink(j->tmp);
		reply_error(&e, 500, "", "cannot start the backup");
		http_pending_reply(j->pending, &e);
		free(j);
		return;
	}
	b->job = j;
}
