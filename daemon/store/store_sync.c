/* store_sync.c: the outbox the sync module sends upstream and the changes it
 * pulls (docs/sync.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/status.h"
#include "core/textfold.h"
#include "kiosk/kiosk.h"
#include "postal/manifest.h"
#include "postal/postid.h"
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

static json_t *
j_int_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
	    ? json_null()
	    : json_integer(sqlite3_column_int64(st, i));
}

/* One wire item from a row of Q_OUTBOX_NEXT. The token is sent as its
 * SHA-256 only: the hub answers lookups by it without holding the secret
 * printed on the receipt. */
static json_t *
sync_item(sqlite3_stmt *st)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	const char *kind = c_str(st, 2), *tok;
	json_t *it, *ev, *pl, *d;
	int64_t base = 0;

	if (sqlite3_column_bytes(st, 1) != 16)
		return NULL;
	hex_encode(sqlite3_column_blob(st, 1), 16, hex);
	if ((pl = json_loads(c_str(st, 3), 0, NULL)) != NULL) {
		base = json_integer_value(json_object_get(pl, "base"));
		json_decref(pl);
	}
	it = json_object();
	json_object_set_new(it, "id",
	    json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(it, "key", json_string(hex));
	json_object_set_new(it, "kind", json_string(kind));
	json_object_set_new(it, "code", j_col_text(st, 14));
	json_object_set_new(it, "seq",
	    json_integer(sqlite3_column_int64(st, 4)));
	json_object_set_new(it, "base", json_integer(base));
	json_object_set_new(it, "at",
	    json_integer(sqlite3_column_int64(st, 5)));
	json_object_set_new(it, "status",
	    json_integer(sqlite3_column_int(st, 8)));
	json_object_set_new(it, "due_at", j_int_or_null(st, 10));
	ev = json_object();
	json_object_set_new(ev, "kind", j_col_text(st, 6));
	json_object_set_new(ev, "old_status", j_int_or_null(st, 7));
	json_object_set_new(ev, "due_before", j_int_or_null(st, 9));
	json_object_set_new(ev, "reason", j_col_text(st, 11));
	json_object_set_new(ev, "actor", j_col_text(st, 13));
	pl = sqlite3_column_type(st, 12) == SQLITE_NULL
	    ? NULL
	    : json_loads(c_str(st, 12), 0, NULL);
	json_object_set_new(ev, "detail", pl != NULL ? pl : json_null());
	json_object_set_new(it, "event", ev);
	if (strcmp(kind, "dossier_new") != 0)
		return it;
	d = json_object();
	json_object_set_new(d, "agency_code", j_col_text(st, 15));
	json_object_set_new(d, "agency_name", j_col_text(st, 16));
	json_object_set_new(d, "procedure_code", j_col_text(st, 17));
	json_object_set_new(d, "procedure_name", j_col_text(st, 18));
	json_object_set_new(d, "field", j_col_text(st, 19));
	json_object_set_new(d, "channel",
	    json_integer(sqlite3_column_int(st, 20)));
	json_object_set_new(d, "delivery",
	    json_integer(sqlite3_column_int(st, 21)));
	json_object_set_new(d, "owner_name", j_col_text(st, 22));
	json_object_set_new(d, "owner_id_no", j_col_text(st, 23));
	json_object_set_new(d, "phone", j_col_text(st, 24));
	json_object_set_new(d, "address", j_col_text(st, 25));
	json_object_set_new(d, "email", j_col_text(st, 26));
	json_object_set_new(d, "summary", j_col_text(st, 27));
	json_object_set_new(d, "received_at",
	    json_integer(sqlite3_column_int64(st, 28)));
	json_object_set_new(d, "submitted_at", j_int_or_null(st, 29));
	if ((tok = c_text(st, 30)) != NULL) {
		crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
		hex_encode(h, sizeof h, hex);
		json_object_set_new(d, "token_sha256", json_string(hex));
	} else {
		json_object_set_new(d, "token_sha256", json_null());
	}
	json_object_set_new(it, "dossier", d);
	return it;
}

json_t *
store_outbox_next(struct store *s, int limit, int64_t after_id,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	json_t *arr, *it;
	int rc;

	if (limit < 1 || limit > 10000) {
		st_err(err, "limit: must be 1..10000");
		return NULL;
	}
	arr = json_array();
	st = st_q(s, Q_OUTBOX_NEXT);
	sqlite3_bind_int(st, 1, limit);
	sqlite3_bind_int64(st, 2, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((it = sync_item(st)) == NULL) {
			rc = SQLITE_CORRUPT;
			break;
		}
		json_array_append_new(arr, it);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CORRUPT)
			st_err(err, "outbox: a row has no 16-byte key");
		else
			st_dberr(s, err);
		json_decref(arr);
		return NULL;
	}
	return arr;
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

json_t *
store_sync_summary(struct store *s, int parked_max)
{
	struct store_stats ss;
	sqlite3_stmt *st;
	json_t *j, *parked;
	char hex[33];
	int64_t nparked = 0;

	if (store_stats(s, &ss) != STORE_OK)
		return NULL;
	j = json_object();
	json_object_set_new(j, "pending", json_integer(ss.outbox_pending));
	st = st_q(s, Q_OUTBOX_OLDEST);
	json_object_set_new(j, "oldest_unsent_at",
	    sqlite3_step(st) == SQLITE_ROW
	        ? json_integer(sqlite3_column_int64(st, 0))
	        : json_null());
	sqlite3_reset(st);
	parked = json_array();
	st = st_q(s, Q_OUTBOX_PARKED);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (nparked++ >= parked_max)
			continue; /* counted, not listed */
		if (sqlite3_column_bytes(st, 4) == 16)
			hex_encode(sqlite3_column_blob(st, 4), 16, hex);
		else
			hex[0] = '\0';
		json_array_append_new(parked,
		    json_pack("{s:o,s:o,s:o,s:I,s:s,s:I}", "code",
		        j_col_text(st, 0), "kind", j_col_text(st, 1), "reason",
		        j_col_text(st, 2), "created_at",
		        (json_int_t)sqlite3_column_int64(st, 3), "key", hex,
		        "attempts", (json_int_t)sqlite3_column_int64(st, 5)));
	}
	sqlite3_reset(st);
	json_object_set_new(j, "parked_count", json_integer(nparked));
	json_object_set_new(j, "parked", parked);
	return j;
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
		if ((rc = st_update_due(s, &ds, ds.status, c->due_at, 0, c->at,
		         err)) != STORE_OK)
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

json_t *
store_sync_codes(struct store *s, int from_day, int to_day)
{
	sqlite3_stmt *st = st_q(s, Q_SYNC_CODES);
	json_t *codes = json_array();
	json_int_t counts[4] = { 0 };
	int ch, rc;

	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_array_append_new(codes, j_col_text(st, 0));
		ch = sqlite3_column_int(st, 1);
		if (ch >= 1 && ch <= 3)
			counts[ch]++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(codes);
		return NULL;
	}
	return json_pack("{s:{s:I,s:I,s:I},s:o}", "counts", "1", counts[1], "2",
	    counts[2], "3", counts[3], "codes", codes);
}
