/* store_counter.c: the counter desk's writes and reads (docs/counter.md):
 * refusals at the counter (Mẫu 03), hand-offs (Mẫu 05), the result
 * collected at the desk and the tracking book (Mẫu 06). Every write is
 * one transaction with its audit row; those that change a dossier's
 * status go through st_set_status_tx, so their event and outbox rows
 * follow as for any status change. The desk's traffic is a person's
 * pace: its statements are prepared per call, not cached. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/textfold.h"
#include "store/store_int.h"

#define NOTE_MAX 2000

/* ---- refusal at the counter (Mẫu 03) ---- */

/* Runs sql on dossier id (?1) with a text (?2) and, when the statement
 * has it, an integer (?3). */
static enum store_rc
set_text_column(struct store *s, const char *sql, int64_t id, const char *value,
    int ivalue, char *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return st_dberr(s, err);
	sqlite3_bind_int64(st, 1, id);
	b_opt(st, 2, value);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int(st, 3, ivalue);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : st_dberr(s, err);
}

enum store_rc
store_refusal(struct store *s, const struct store_intake *in,
    const char *reason, struct store_intake_result *res,
    char err[STORE_ERR_MAX])
{
	char name[4 * OWNER_NAME_MAX + 1], fold[FOLD_MAX];
	struct store_intake sub;
	struct dstate ds;
	enum store_rc rc;

	memset(res, 0, sizeof(*res));
	sub = *in;
	/* recorded as a submission the office never accepted: no due date,
	 * and the reports count neither state (docs/reports.md) */
	sub.status = ST_SUBMITTED;
	sub.submitted_at = 0;
	sub.event_detail = NULL;
	sub.idem = in->idem;
	if (!st_check_intake(&sub, err) ||
	    !st_check_text("reason", reason, 1, REASON_MAX, err))
		return STORE_INVALID;
	if (text_nfc(in->owner_name, strlen(in->owner_name), name,
	        sizeof name) < 0 ||
	    text_fold(name, strlen(name), fold, sizeof fold) < 0) {
		st_err(err, "owner_name: not valid UTF-8 text");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = st_intake_tx(s, &sub, name, fold, res, err);
	if (rc == STORE_OK)
		rc = st_set_status_tx(s, res->code, ST_REFUSED, reason,
		    in->actor, sub.received_at, err);
	if (rc == STORE_OK)
		rc = st_load_state(s, res->code, &ds, err);
	if (rc == STORE_OK)
		rc = set_text_column(s,
		    "UPDATE dossiers SET refusal_reason = ?2 WHERE id = ?1",
		    ds.id, reason, 0, err);
	if (rc == STORE_OK)
		rc = st_idem_record(s, in->idem, err);
	rc = st_finish(s, rc, err);
	if (rc != STORE_OK) {
		res->code[0] = '\0';
		res->token[0] = '\0';
	}
	res->due_at = 0;
	res->provisional = false;
	return rc;
}

/* ---- hand-offs (Mẫu 05) ---- */

enum store_rc
store_handoff_add(struct store *s, const char *code, const char *from,
    const char *to, const char *note, const char *actor, int64_t now,
    int64_t *id, struct store_idem *idem, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1], detail[64];
	sqlite3_stmt *st;
	struct dstate ds;
	enum store_rc rc;
	int r;

	*id = 0;
	if ((rc = st_norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!st_check_text("from", from, 1, STORE_PARTY_MAX, err) ||
	    !st_check_text("to", to, 1, STORE_PARTY_MAX, err) ||
	    !st_check_text("note", note, 0, NOTE_MAX, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if ((rc = st_load_state(s, c, &ds, err)) != STORE_OK)
		return st_finish(s, rc, err);
	/* a closed dossier moves no more between desks */
	if (ds.status == ST_REFUSED || ds.status == ST_WITHDRAWN ||
	    ds.status == ST_STOPPED || ds.status == ST_RETURNED) {
		st_err(err, "status: dossier %s is closed (%d, %s)", c,
		    ds.status, status_label_en(ds.status));
		return st_finish(s, STORE_CONFLICT, err);
	}
	if (sqlite3_prepare_v2(s->db,
	        "INSERT INTO handoffs (dossier_id, at, from_party, to_party,"
	        " note, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	        -1, &st, NULL) != SQLITE_OK)
		return st_finish(s, st_dberr(s, err), err);
	sqlite3_bind_int64(st, 1, ds.id);
	sqlite3_bind_int64(st, 2, now);
	b_text(st, 3, from);
	b_text(st, 4, to);
	b_opt(st, 5, note);
	b_text(st, 6, actor);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return st_finish(s, st_dberr(s, err), err);
	*id = sqlite3_last_insert_rowid(s->db);
	/* the parties are desks and units, but a note may name a person:
	 * the audit row keeps only the number */
	snprintf(detail, sizeof detail, "handoff %lld", (long long)*id);
	if (st_add_audit(s, now, actor, "handoff", c, detail) != SQLITE_OK)
		return st_finish(s, st_dberr(s, err), err);
	rc = st_finish(s, st_idem_record(s, idem, err), err);
	if (rc != STORE_OK)
		*id = 0;
	return rc;
}

/* ---- the result collected at the desk ---- */

enum store_rc
store_return_desk(struct store *s, const char *code, const char *collected_by,
    bool id_checked, const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	struct dstate ds;
	enum store_rc rc;
	int delivery = 0, r;

	if ((rc = st_norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!st_check_text("collected_by", collected_by, 1, OWNER_NAME_MAX,
	        err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if ((rc = st_load_state(s, c, &ds, err)) != STORE_OK)
		return st_finish(s, rc, err);
	if (sqlite3_prepare_v2(s->db,
	        "SELECT delivery FROM dossiers WHERE id = ?1", -1, &st,
	        NULL) != SQLITE_OK)
		return st_finish(s, st_dberr(s, err), err);
	sqlite3_bind_int64(st, 1, ds.id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		delivery = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW)
		return st_finish(s, st_dberr(s, err), err);
	if (ds.status != ST_RESULT_READY) {
		st_err(err,
		    "status: the result of %s is not ready: the dossier is "
		    "in state %d (%s)",
		    c, ds.status, status_label_en(ds.status));
		return st_finish(s, STORE_CONFLICT, err);
	}
	if (delivery == DELIVERY_POST) {
		st_err(err,
		    "delivery: the result of %s goes by post: return it on "
		    "the postal pages",
		    c);
		return st_finish(s, STORE_CONFLICT, err);
	}
	rc = st_set_status_tx(s, c, ST_RETURNED, "returned at the counter",
	    actor, now, err);
	if (rc == STORE_OK)
		rc = set_text_column(s,
		    "UPDATE dossiers SET collected_by = ?2, id_checked = ?3"
		    " WHERE id = ?1",
		    ds.id, collected_by, id_checked ? 1 : 0, err);
	return st_finish(s, rc, err);
}

/* ---- the staff view's part ---- */

enum store_rc
st_counter_read(struct store *s, int64_t id, struct store_dossier *d)
{
	sqlite3_stmt *st;
	struct store_handoff *nv, *h;
	size_t cap = 0;
	int rc, bad = 0;

	if (sqlite3_prepare_v2(s->db,
	        "SELECT refusal_reason, collected_by, id_checked"
	        " FROM dossiers WHERE id = ?1",
	        -1, &st, NULL) != SQLITE_OK)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		bad |= st_dup(st, 0, &d->refusal_reason);
		bad |= st_dup(st, 1, &d->collected_by);
		d->id_checked = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || bad)
		return STORE_ERROR;
	if (sqlite3_prepare_v2(s->db,
	        "SELECT id, at, from_party, to_party, note, actor"
	        " FROM handoffs WHERE dossier_id = ?1 ORDER BY id",
	        -1, &st, NULL) != SQLITE_OK)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->nhandoffs == cap) {
			cap = cap != 0 ? 2 * cap : 4;
			nv = reallocarray(d->handoffs, cap, sizeof *nv);
			if (nv == NULL) {
				bad = 1;
				break;
			}
			d->handoffs = nv;
		}
		h = &d->handoffs[d->nhandoffs++];
		memset(h, 0, sizeof *h);
		h->id = sqlite3_column_int64(st, 0);
		h->at = sqlite3_column_int64(st, 1);
		bad |= st_dup(st, 2, &h->from);
		bad |= st_dup(st, 3, &h->to);
		bad |= st_dup(st, 4, &h->note);
		bad |= st_dup(st, 5, &h->actor);
	}
	sqlite3_finalize(st);
	return bad || (rc != SQLITE_DONE && rc != SQLITE_ROW) ? STORE_ERROR
	                                                      : STORE_OK;
}

void
st_counter_cleanup(struct store_dossier *d)
{
	for (size_t i = 0; i < d->nhandoffs; i++) {
		free(d->handoffs[i].from);
		free(d->handoffs[i].to);
		free(d->handoffs[i].note);
		free(d->handoffs[i].actor);
	}
	free(d->handoffs);
	free(d->refusal_reason);
	free(d->collected_by);
	d->handoffs = NULL;
	d->nhandoffs = 0;
	d->refusal_reason = d->collected_by = NULL;
}

/* ---- the tracking book (Mẫu 06) ---- */

enum store_rc
store_book(struct store *s, int from_day, int to_day, store_book_fn *fn,
    void *arg, char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	struct store_book_row row;
	int rc;

	if (from_day < 0 || to_day < 0 || from_day > to_day) {
		st_err(err, "to: the period is empty or reversed");
		return STORE_INVALID;
	}
	if (sqlite3_prepare_v2(s->db,
	        "SELECT d.code, p.name, d.owner_name, d.address, d.phone,"
	        " a.name, d.received_at, coalesce(d.due_at, 0),"
	        " coalesce(d.returned_at, 0), d.delivery, d.status"
	        " FROM dossiers d"
	        " JOIN procedures p ON p.code = d.procedure_code"
	        " JOIN agencies a ON a.code = d.agency_code"
	        " WHERE d.received_at >= ?1 AND d.received_at < ?2"
	        " AND d.status NOT IN (1, 3)"
	        " ORDER BY d.received_at, d.code",
	        -1, &st, NULL) != SQLITE_OK)
		return st_dberr(s, err);
	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	memset(&row, 0, sizeof row);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.number++;
		row.code = c_text(st, 0);
		row.procedure_name = c_text(st, 1);
		row.owner_name = c_text(st, 2);
		row.address = c_text(st, 3);
		row.phone = c_text(st, 4);
		row.agency_name = c_text(st, 5);
		row.received_at = sqlite3_column_int64(st, 6);
		row.due_at = sqlite3_column_int64(st, 7);
		row.returned_at = sqlite3_column_int64(st, 8);
		row.delivery = sqlite3_column_int(st, 9);
		row.status = sqlite3_column_int(st, 10);
		if (fn(arg, &row) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		enum store_rc e = st_dberr(s, err);

		sqlite3_finalize(st);
		return e;
	}
	sqlite3_finalize(st);
	return STORE_OK;
}
