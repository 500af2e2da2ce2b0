/* store_print.c: the durable print queue (daemon/printer/printer.c). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* ---- the print queue (migration 6) ---------------------------------- */

#define PRINT_JOB_COLS                                                      \
	"id, kind, ref, state, reprint, coalesce(reprint_of, 0), attempts," \
	" actor, created_at, updated_at, coalesce(finished_at, 0),"         \
	" coalesce(bytes, 0), coalesce(printer_state, ''),"                 \
	" coalesce(outcome, '')"

static void
print_job_row(sqlite3_stmt *st, struct store_print_job *j)
{
	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(st, 0);
	snprintf(j->kind, sizeof j->kind, "%s", c_str(st, 1));
	snprintf(j->ref, sizeof j->ref, "%s", c_str(st, 2));
	snprintf(j->state, sizeof j->state, "%s", c_str(st, 3));
	j->reprint = sqlite3_column_int(st, 4) != 0;
	j->reprint_of = sqlite3_column_int64(st, 5);
	j->attempts = sqlite3_column_int(st, 6);
	snprintf(j->actor, sizeof j->actor, "%s", c_str(st, 7));
	j->created_at = sqlite3_column_int64(st, 8);
	j->updated_at = sqlite3_column_int64(st, 9);
	j->finished_at = sqlite3_column_int64(st, 10);
	j->bytes = sqlite3_column_int64(st, 11);
	snprintf(j->printer_state, sizeof j->printer_state, "%s",
	    c_str(st, 12));
	snprintf(j->outcome, sizeof j->outcome, "%s", c_str(st, 13));
}

static enum store_rc
print_one(struct store *s, const char *text, int64_t id,
    struct store_print_job *j)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK)
		return STORE_ERROR;
	if (id != 0)
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		print_job_row(st, j);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

int64_t
store_print_pending(struct store *s)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(s->db,
	        "SELECT count(*) FROM print_jobs"
	        " WHERE state IN ('queued', 'printing')",
	        -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

enum store_rc
store_print_enqueue(struct store *s, const struct store_print_new *in,
    int64_t *id, char err[STORE_ERR_MAX])
{
	static const char *const kinds[] = { "receipt", "slip", "manifest",
		"test", "supplement", "refusal", "apology", "control", NULL };
	sqlite3_stmt *st = NULL;
	enum store_rc rc;
	int64_t now = st_wall_now(), pending;
	char detail[128];
	bool kind_ok = false;

	for (size_t i = 0; kinds[i] != NULL; i++)
		kind_ok |= in->kind != NULL && strcmp(in->kind, kinds[i]) == 0;
	if (!kind_ok) {
		st_err(err,
		    "kind: not receipt, slip, manifest, test, supplement, "
		    "refusal, apology or control");
		return STORE_INVALID;
	}
	if (!st_check_text("ref", in->ref, 0, 63, err) ||
	    !st_check_text("actor", in->actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((pending = store_print_pending(s)) < 0)
		return st_dberr(s, err);
	if (pending >= in->max_pending) {
		st_err(err, "queue: %lld jobs are waiting, the most allowed",
		    (long long)pending);
		return STORE_FULL;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db,
	        "INSERT INTO print_jobs (kind, ref, state, reprint,"
	        " reprint_of, actor, created_at, updated_at)"
	        " VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?6)",
	        -1, &st, NULL) != SQLITE_OK)
		goto fail;
	b_text(st, 1, in->kind);
	b_text(st, 2, in->ref != NULL ? in->ref : "");
	sqlite3_bind_int(st, 3, in->reprint_of != 0);
	if (in->reprint_of != 0)
		sqlite3_bind_int64(st, 4, in->reprint_of);
	b_text(st, 5, in->actor);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof detail, "job %lld%s", (long long)*id,
	    in->reprint_of ? " (reprint)" : "");
	if (st_add_audit(s, now, in->actor, "print", in->kind, detail) !=
	    SQLITE_OK)
		goto fail;
	return st_commit(s, err);
fail:
	rc = st_dberr(s, err);
	sqlite3_finalize(st);
	st_run(s, Q_ROLLBACK);
	return rc;
}

enum store_rc
store_print_next(struct store *s, struct store_print_job *j)
{
	return print_one(s,
	    "SELECT " PRINT_JOB_COLS " FROM print_jobs"
	    " WHERE state IN ('queued', 'printing') ORDER BY id LIMIT 1",
	    0, j);
}

enum store_rc
store_print_get(struct store *s, int64_t id, struct store_print_job *j)
{
	return print_one(s,
	    "SELECT " PRINT_JOB_COLS " FROM print_jobs WHERE id = ?1", id, j);
}

enum store_rc
store_print_update(struct store *s, int64_t id, const char *state, int reprint,
    bool attempt, const char *printer_state, int64_t bytes, const char *outcome)
{
	sqlite3_stmt *st;
	int64_t now = st_wall_now();
	int rc;

	if (sqlite3_prepare_v2(s->db,
	        "UPDATE print_jobs SET state = ?2,"
	        " reprint = CASE WHEN ?3 < 0 THEN reprint ELSE ?3 END,"
	        " attempts = attempts + ?4, printer_state = ?5,"
	        " bytes = CASE WHEN ?6 > 0 THEN ?6 ELSE bytes END,"
	        " outcome = ?7, updated_at = ?8,"
	        " finished_at = CASE WHEN ?2 IN ('done', 'failed') THEN ?8"
	        "  ELSE NULL END WHERE id = ?1",
	        -1, &st, NULL) != SQLITE_OK)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	b_text(st, 2, state);
	sqlite3_bind_int(st, 3, reprint);
	sqlite3_bind_int(st, 4, attempt ? 1 : 0);
	b_opt(st, 5, printer_state);
	sqlite3_bind_int64(st, 6, bytes);
	b_opt(st, 7, outcome);
	sqlite3_bind_int64(st, 8, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_print_recover(struct store *s)
{
	int n;

	if (sqlite3_exec(s->db,
	        "UPDATE print_jobs SET state = 'queued', reprint = 1,"
	        " outcome = 'interrupted by a restart: reprinted whole'"
	        " WHERE state = 'printing'",
	        NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	n = sqlite3_changes(s->db);
	return n;
}

enum store_rc
store_print_jobs(struct store *s, int limit, store_print_job_fn *fn, void *arg)
{
	sqlite3_stmt *st;
	struct store_print_job j;
	int rc;

	if (sqlite3_prepare_v2(s->db,
	        "SELECT " PRINT_JOB_COLS " FROM print_jobs"
	        " ORDER BY id DESC LIMIT ?1",
	        -1, &st, NULL) != SQLITE_OK)
		return STORE_ERROR;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		print_job_row(st, &j);
		if (fn(arg, &j) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc
st_print_queue(struct store *s, const char *kind, const char *ref,
    const char *actor, int64_t now, int64_t max_pending, int64_t *id, char *err)
{
	sqlite3_stmt *st;
	int64_t pending = store_print_pending(s);
	char detail[64];
	int rc;

	if (pending < 0)
		return st_dberr(s, err);
	if (pending >= max_pending) {
		st_err(err, "print: %lld jobs are waiting, the most allowed",
		    (long long)pending);
		return STORE_FULL;
	}
	if (sqlite3_prepare_v2(s->db,
	        "INSERT INTO print_jobs (kind, ref, state, reprint, actor,"
	        " created_at, updated_at)"
	        " VALUES (?1, ?2, 'queued', 0, ?3, ?4, ?4)",
	        -1, &st, NULL) != SQLITE_OK)
		return st_dberr(s, err);
	b_text(st, 1, kind);
	b_text(st, 2, ref);
	b_text(st, 3, actor);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return st_dberr(s, err);
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof detail, "job %lld", (long long)*id);
	if (st_add_audit(s, now, actor, "print", kind, detail) != SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}
