/* store_sync.c: the outbox the sync module sends upstream and the changes it
 * pulls (docs/sync.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include <sodium.h>

#include "core/status.h"
#include "store/store_int.h"

/* ---- upstream sync ---- */

/* Marking rows sent and applying a pulled page may be lost in a power cut
 * without harm: the rows are sent again and answered "duplicate", the page
 * is pulled again with its cursor. So those commits skip the fsync
 * (synchronous NORMAL: WAL order is kept, the next FULL commit syncs
 * them), which keeps them from stalling intakes that wait on the disk. */
static void
sync_relaxed(struct store *s, bool relaxed)
{
	sqlite3_exec(s->db,
	    relaxed ? "PRAGMA synchronous = NORMAL"
	            : "PRAGMA synchronous = FULL",
	    NULL, NULL, NULL);
}

static void
hex_encode(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* An integer column, STORE_NULL when it is NULL. */
static int64_t
col_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
	    ? STORE_NULL
	    : sqlite3_column_int64(st, i);
}

/* The base in an outbox payload, which st_add_outbox writes as
 * {"status":N,"base":M}; 0 when it has none. */
static int64_t
payload_base(const char *payload)
{
	const char *b = strstr(payload, "\"base\":");

	return b != NULL ? strtoll(b + 7, NULL, 10) : 0;
}

enum store_rc
store_outbox_next(struct store *s, int limit, int64_t after_id,
    store_outbox_fn *fn, void *arg, char err[STORE_ERR_MAX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char tokhex[2 * crypto_hash_sha256_BYTES + 1];
	struct store_outbox_dossier d;
	struct store_outbox_row r;
	sqlite3_stmt *st;
	const char *tok;
	int rc;

	if (limit < 1 || limit > 10000) {
		st_err(err, "limit: must be 1..10000");
		return STORE_INVALID;
	}
	st = st_q(s, Q_OUTBOX_NEXT);
	sqlite3_bind_int(st, 1, limit);
	sqlite3_bind_int64(st, 2, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != 16) {
			rc = SQLITE_CORRUPT;
			break;
		}
		r = (struct store_outbox_row){
			.id = sqlite3_column_int64(st, 0),
			.kind = c_str(st, 2),
			.code = c_text(st, 14),
			.seq = sqlite3_column_int64(st, 4),
			.base = payload_base(c_str(st, 3)),
			.at = sqlite3_column_int64(st, 5),
			.status = sqlite3_column_int(st, 8),
			.due_at = col_or_null(st, 10),
			.event_kind = c_text(st, 6),
			.event_old_status = col_or_null(st, 7),
			.event_due_before = col_or_null(st, 9),
			.event_reason = c_text(st, 11),
			.event_actor = c_text(st, 13),
			.event_detail = c_text(st, 12),
		};
		hex_encode(sqlite3_column_blob(st, 1), 16, r.key);
		if (strcmp(r.kind, "dossier_new") == 0) {
			d = (struct store_outbox_dossier){
				.agency_code = c_text(st, 15),
				.agency_name = c_text(st, 16),
				.procedure_code = c_text(st, 17),
				.procedure_name = c_text(st, 18),
				.field = c_text(st, 19),
				.channel = sqlite3_column_int(st, 20),
				.delivery = sqlite3_column_int(st, 21),
				.owner_name = c_text(st, 22),
				.owner_id_no = c_text(st, 23),
				.phone = c_text(st, 24),
				.address = c_text(st, 25),
				.email = c_text(st, 26),
				.summary = c_text(st, 27),
				.received_at = sqlite3_column_int64(st, 28),
				.submitted_at = col_or_null(st, 29),
			};
			/* upstream gets the token's hash, never the token */
			if ((tok = c_text(st, 30)) != NULL) {
				crypto_hash_sha256(h,
				    (const unsigned char *)tok, strlen(tok));
				hex_encode(h, sizeof h, tokhex);
				d.token_sha256 = tokhex;
			}
			r.dossier = &d;
		}
		if (fn(arg, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CORRUPT)
			st_err(err, "outbox: a row has no 16-byte key");
		else
			st_dberr(s, err);
		return STORE_ERROR;
	}
	return STORE_OK;
}

enum store_rc
store_outbox_done(struct store *s, const struct store_outbox_ack *acks,
    size_t n, int64_t now, char err[STORE_ERR_MAX])
{
	enum store_rc rc;
	sqlite3_stmt *st;

	sync_relaxed(s, true);
	if ((rc = st_begin(s, err)) != STORE_OK) {
		sync_relaxed(s, false);
		return rc;
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		if (acks[i].parked_reason == NULL) {
			st = st_q(s, Q_OUTBOX_SENT);
			sqlite3_bind_int64(st, 1, acks[i].id);
			sqlite3_bind_int64(st, 2, now);
			if (st_run(s, Q_OUTBOX_SENT) != SQLITE_OK)
				rc = st_dberr(s, err);
		} else {
			st = st_q(s, Q_OUTBOX_PARK);
			sqlite3_bind_int64(st, 1, acks[i].id);
			b_text(st, 2, acks[i].parked_reason);
			if (st_run(s, Q_OUTBOX_PARK) != SQLITE_OK)
				rc = st_dberr(s, err);
		}
	}
	rc = st_finish(s, rc, err);
	sync_relaxed(s, false);
	return rc;
}

enum store_rc
store_outbox_tried(struct store *s, int64_t first_id, int64_t last_id)
{
	sqlite3_stmt *st = st_q(s, Q_OUTBOX_TRIED);

	sqlite3_bind_int64(st, 1, first_id);
	sqlite3_bind_int64(st, 2, last_id);
	return st_run(s, Q_OUTBOX_TRIED) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

enum store_rc
store_outbox_unpark(struct store *s, const char *code, int *count,
    char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	enum store_rc rc;

	*count = 0;
	if (code != NULL && (rc = st_norm_code(code, c, err)) != STORE_OK)
		return rc;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	st = st_q(s, Q_OUTBOX_UNPARK);
	b_text(st, 1, code != NULL ? c : NULL);
	if (st_run(s, Q_OUTBOX_UNPARK) != SQLITE_OK)
		rc = st_dberr(s, err);
	else
		*count = sqlite3_changes(s->db);
	if (rc == STORE_OK &&
	    st_add_audit(s, st_wall_now(), NULL, "sync_unpark",
	        code != NULL ? c : "all", NULL) != SQLITE_OK)
		rc = st_dberr(s, err);
	return st_finish(s, rc, err);
}

enum store_rc
store_sync_summary(struct store *s, int parked_max,
    struct store_sync_summary *out, store_parked_fn *fn, void *arg)
{
	struct store_stats ss;
	struct store_parked p;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (store_stats(s, &ss) != STORE_OK)
		return STORE_ERROR;
	out->pending = ss.outbox_pending;
	st = st_q(s, Q_OUTBOX_OLDEST);
	if (sqlite3_step(st) == SQLITE_ROW)
		out->oldest_unsent_at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = st_q(s, Q_OUTBOX_PARKED);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->parked_count++ >= parked_max || fn == NULL)
			continue; /* counted, not listed */
		p = (struct store_parked){ .code = c_text(st, 0),
			.kind = c_text(st, 1),
			.reason = c_text(st, 2),
			.created_at = sqlite3_column_int64(st, 3),
			.attempts = sqlite3_column_int64(st, 5) };
		if (sqlite3_column_bytes(st, 4) == 16)
			hex_encode(sqlite3_column_blob(st, 4), 16, p.key);
		fn(arg, &p);
	}
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_sync_state_get(struct store *s, const char *name, char *buf, size_t size)
{
	sqlite3_stmt *st = st_q(s, Q_SYNC_STATE_GET);
	int rc;

	b_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, size, "%s", c_str(st, 0));
	else if (size > 0)
		buf[0] = '\0';
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

/* One upstream change inside the apply transaction. Upstream is
 * authoritative for status: the status is set even where the local graph
 * would not move that way, with an event that says where it came from.
 * Intake data is never touched: a change carries no intake fields. */
static enum store_rc
apply_one(struct store *s, const struct store_upstream_change *c, bool *applied,
    char *err)
{
	struct dstate ds;
	struct event ev;
	sqlite3_stmt *st;
	char detail[96];
	int64_t rev = 0;
	enum store_rc rc;
	int status = c->status;
	bool fin = status == ST_RESULT_READY || status == ST_REFUSED ||
	    status == ST_WITHDRAWN || status == ST_STOPPED;

	*applied = false;
	if ((rc = st_load_state(s, c->code, &ds, err)) == STORE_NOTFOUND)
		return STORE_OK; /* not a dossier of this box: nothing to do */
	if (rc != STORE_OK)
		return rc;
	st = st_q(s, Q_UPSTREAM_REV);
	sqlite3_bind_int64(st, 1, ds.id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (c->rev <= rev)
		return STORE_OK; /* seen already (a replayed page) */
	if (c->due_at > 0 && c->due_at != ds.due_at) {
		if ((rc = st_update_due(s, &ds, ds.status, c->due_at, 0, -1,
		         c->at, err)) != STORE_OK)
			return rc;
	}
	st = st_q(s, Q_STATUS_UPDATE);
	sqlite3_bind_int64(st, 1, ds.id);
	sqlite3_bind_int(st, 2, status);
	b_opt64(st, 3, fin ? c->at : 0);
	b_opt64(st, 4, status == ST_RETURNED ? c->at : 0);
	sqlite3_bind_int64(st, 5, c->at);
	if (st_run(s, Q_STATUS_UPDATE) != SQLITE_OK)
		return st_dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = c->at;
	ev.kind = "status";
	ev.old_status = ds.status;
	ev.new_status = status;
	if (c->due_at > 0 && c->due_at != ds.due_at) {
		ev.due_before = ds.due_at;
		ev.due_after = c->due_at;
	}
	ev.actor = "upstream";
	ev.reason = c->reason;
	snprintf(detail, sizeof detail,
	    "{\"source\":\"upstream\",\"rev\":%" PRId64 "}", c->rev);
	ev.detail = detail;
	/* no outbox row: the change came from upstream */
	if (st_add_event(s, &ev) != SQLITE_OK)
		return st_dberr(s, err);
	st = st_q(s, Q_UPSTREAM_SET);
	sqlite3_bind_int64(st, 1, ds.id);
	sqlite3_bind_int64(st, 2, c->rev);
	if (st_run(s, Q_UPSTREAM_SET) != SQLITE_OK ||
	    st_add_audit(s, c->at, "upstream", "status", c->code, NULL) !=
	        SQLITE_OK)
		return st_dberr(s, err);
	*applied = true;
	return STORE_OK;
}

enum store_rc
store_sync_apply(struct store *s, const struct store_upstream_change *ch,
    size_t n, const char *cursor, int *applied, char err[STORE_ERR_MAX])
{
	enum store_rc rc;
	sqlite3_stmt *st;
	bool one;

	*applied = 0;
	for (size_t i = 0; i < n; i++)
		if (!status_valid(ch[i].status)) {
			st_err(err, "items[%zu].status: not a status code", i);
			return STORE_INVALID;
		}
	sync_relaxed(s, true);
	if ((rc = st_begin(s, err)) != STORE_OK) {
		sync_relaxed(s, false);
		return rc;
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		rc = apply_one(s, &ch[i], &one, err);
		*applied += one;
	}
	/* the cursor moves in the same transaction as the changes */
	if (rc == STORE_OK && cursor != NULL) {
		st = st_q(s, Q_SYNC_STATE_SET);
		b_text(st, 1, "pull_cursor");
		b_text(st, 2, cursor);
		if (st_run(s, Q_SYNC_STATE_SET) != SQLITE_OK)
			rc = st_dberr(s, err);
	}
	rc = st_finish(s, rc, err);
	sync_relaxed(s, false);
	if (rc != STORE_OK)
		*applied = 0;
	return rc;
}

enum store_rc
store_sync_codes(struct store *s, int from_day, int to_day,
    store_sync_code_fn *fn, void *arg)
{
	sqlite3_stmt *st = st_q(s, Q_SYNC_CODES);
	int rc;

	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, c_str(st, 0), sqlite3_column_int(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
