/* store_dossier.c: a dossier's life: counter intake, status changes, supplement
 * and apology, the staff view and the kiosk lookup by token. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/status.h"
#include "core/textfold.h"
#include "store/store_int.h"

/* ---- intake ---- */

bool
st_check_intake(const struct store_intake *in, char *err)
{
	if (!st_check_text("procedure_code", in->procedure_code, 1,
	        PROC_CODE_MAX, err))
		return false;
	if (in->agency_code == NULL || *in->agency_code == '\0') {
		st_err(err, "agency_code: required");
		return false;
	}
	if (strlen(in->agency_code) > DCODE_AGENCY_MAX ||
	    !dcode_agency_valid(in->agency_code)) {
		st_err(err,
		    "agency_code: not an agency code for dossier codes");
		return false;
	}
	if (!st_check_text("owner_name", in->owner_name, 1, OWNER_NAME_MAX,
	        err) ||
	    !st_check_text("owner_id_no", in->owner_id_no, 0, ID_NO_MAX, err) ||
	    !st_check_text("phone", in->phone, 0, PHONE_MAX, err) ||
	    !st_check_text("address", in->address, 0, ADDRESS_MAX, err) ||
	    !st_check_text("email", in->email, 0, EMAIL_MAX, err) ||
	    !st_check_text("summary", in->summary, 0, SUMMARY_MAX, err) ||
	    !st_check_text("actor", in->actor, 1, ACTOR_MAX, err))
		return false;
	if (in->channel < CHANNEL_COUNTER || in->channel > CHANNEL_POSTAL) {
		st_err(err,
		    "channel: must be 1 (in person), 2 (online) or 3 "
		    "(postal)");
		return false;
	}
	if (in->delivery != DELIVERY_COUNTER && in->delivery != DELIVERY_POST) {
		st_err(err, "delivery: must be 0 (counter) or 1 (post)");
		return false;
	}
	if (in->received_at <= 0) {
		st_err(err, "received_at: required");
		return false;
	}
	return true;
}

int
st_day_code(const char *agency, int day, unsigned seq,
    char code[DCODE_TEXT_MAX + 1])
{
	struct dcode dc;
	int y, m, d;

	memset(&dc, 0, sizeof dc);
	snprintf(dc.agency, sizeof dc.agency, "%s", agency);
	cal_ymd_from_day(day, &y, &m, &d);
	dc.yy = y % 100;
	dc.mm = m;
	dc.dd = d;
	dc.seq = seq;
	dc.strict = true;
	return dcode_format(&dc, code, DCODE_TEXT_MAX + 1) < 0 ? -1 : 0;
}

/* 1 when a dossier has this code, 0 when none, -1 on a database error. */
static int
code_taken(struct store *s, const char *code)
{
	sqlite3_stmt *st = st_q(s, Q_CODE_TAKEN);
	int rc;

	b_text(st, 1, code);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Everything between BEGIN and COMMIT; the caller rolls back on error. */
enum store_rc
st_intake_tx(struct store *s, const struct store_intake *in, const char *name,
    const char *fold, struct store_intake_result *res, char *err)
{
	char date[32], *back;
	json_t *j;
	sqlite3_stmt *st;
	struct event ev;
	int64_t seq, id, now = st_wall_now();
	int days, day, rc;
	bool prov = false;

	st = st_q(s, Q_PROC_GET);
	b_text(st, 1, in->procedure_code);
	rc = sqlite3_step(st);
	days = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		st_err(err, "procedure_code: unknown procedure %s",
		    in->procedure_code);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return st_dberr(s, err);
	if (days < 1) {
		st_err(err,
		    "procedure_code: procedure %s has no statutory days set",
		    in->procedure_code);
		return STORE_INVALID;
	}

	day = cal_local_day(in->received_at);
	st = st_q(s, Q_AGENCY_GET);
	b_text(st, 1, in->agency_code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    day >= sqlite3_column_int(st, 0)) {
		cal_format_date(sqlite3_column_int(st, 0), date);
		sqlite3_reset(st);
		st_err(err, "agency_code: agency %s closed on %s",
		    in->agency_code, date);
		return STORE_INVALID;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		st = st_q(s, Q_AGENCY_PUT);
		b_text(st, 1, in->agency_code);
		b_text(st, 2, "");
		if (st_run(s, Q_AGENCY_PUT) != SQLITE_OK)
			return st_dberr(s, err);
	} else if (rc != SQLITE_ROW) {
		return st_dberr(s, err);
	}

	/* Numbers an import (or a restored backup) already gave a dossier
	 * are skipped, not refused: the counter moves past them inside this
	 * transaction, so a collision never stops intake for the day. */
	for (;;) {
		st = st_q(s, Q_COUNTER_NEXT);
		b_text(st, 1, in->agency_code);
		sqlite3_bind_int(st, 2, day);
		rc = sqlite3_step(st);
		seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return st_dberr(s, err);
		if (seq > DCODE_SEQ_MAX) {
			cal_format_date(day, date);
			st_err(err,
			    "code: agency %s has issued %d dossiers on %s; "
			    "intake refused",
			    in->agency_code, DCODE_SEQ_MAX, date);
			return STORE_FULL;
		}
		if (st_day_code(in->agency_code, day, (unsigned)seq,
		        res->code) < 0) {
			st_err(err,
			    "received_at: outside the years a code can name");
			return STORE_INVALID;
		}
		if ((rc = code_taken(s, res->code)) < 0)
			return st_dberr(s, err);
		if (rc == 0)
			break;
	}
	/* A postal dossier (status 1) has no due date until the office
	 * accepts it: the clock counts from acceptance (docs/domain.md). */
	if (in->status == ST_SUBMITTED) {
		res->due_at = 0;
	} else {
		res->due_at = cal_due(&s->cal, in->received_at, days, &prov);
		res->provisional = prov;
	}

	st = st_q(s, Q_DOSSIER_INSERT);
	b_text(st, 1, res->code);
	b_text(st, 2, in->agency_code);
	b_text(st, 3, in->procedure_code);
	sqlite3_bind_int(st, 4, in->channel);
	sqlite3_bind_int(st, 5, in->delivery);
	sqlite3_bind_int(st, 6,
	    in->status == ST_SUBMITTED ? ST_SUBMITTED : ST_RECEIVED);
	b_text(st, 7, name);
	b_text(st, 8, fold);
	b_opt(st, 9, in->owner_id_no);
	b_opt(st, 10, in->phone);
	b_opt(st, 11, in->address);
	b_opt(st, 12, in->email);
	b_opt(st, 13, in->summary);
	sqlite3_bind_int64(st, 14, in->received_at);
	sqlite3_bind_int64(st, 15,
	    in->submitted_at > 0 ? in->submitted_at : in->received_at);
	b_opt64(st, 16, res->due_at);
	sqlite3_bind_int(st, 19, RATING_NONE);
	sqlite3_bind_int(st, 20, 0);
	sqlite3_bind_int(st, 21, prov);
	sqlite3_bind_int64(st, 22, now);
	sqlite3_bind_int64(st, 23, now);
	if (st_run(s, Q_DOSSIER_INSERT) != SQLITE_OK)
		return st_dberr(s, err);
	id = sqlite3_last_insert_rowid(s->db);

	/* An in-person dossier is accepted at once: its first state is 2. */
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.at = in->received_at;
	ev.kind = "intake";
	ev.new_status = in->status == ST_SUBMITTED ? ST_SUBMITTED : ST_RECEIVED;
	ev.due_after = res->due_at;
	ev.actor = in->actor;
	ev.detail = in->event_detail;
	back = NULL;
	if (in->back_entry_reason != NULL) {
		/* who back-dated what, when and why: in the event and in the
		 * audit row under its own action */
		cal_format_iso(in->received_at, date);
		j = json_pack("{s:s,s:s}", "back_entry_reason",
		    in->back_entry_reason, "received_at", date);
		back = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (back == NULL) {
			st_err(err, "back_entry_reason: out of memory");
			return STORE_ERROR;
		}
		ev.detail = back;
	}
	/* The event carries the detail; the audit row says who and when.
	 * The outbox row must follow the event (it takes its rowid). */
	rc = st_add_event(s, &ev) != SQLITE_OK ||
	    st_add_outbox(s, id, "dossier_new", ev.new_status, now) !=
	        SQLITE_OK ||
	    st_add_token(s, id, now, res->token) != SQLITE_OK ||
	    st_add_audit(s, now, in->actor,
	        back != NULL ? "intake_back_entry" : "intake", res->code,
	        back) != SQLITE_OK;
	free(back);
	return rc ? st_dberr(s, err) : STORE_OK;
}

/* A back-entry (docs/api.md): a reason, and a receipt time that is not in
 * the future and at most STORE_BACK_ENTRY_DAYS working days back, so a
 * typo cannot skew the day's codes or the on-time statistics. */
static bool
check_back_entry(struct store *s, const struct store_intake *in, char *err)
{
	char today[16];
	int64_t now;
	int back;

	if (in->back_entry_reason == NULL)
		return true;
	if (!st_check_text("back_entry_reason", in->back_entry_reason, 1,
	        BACK_REASON_MAX, err))
		return false;
	now = st_wall_now();
	if (in->received_at > now) {
		st_err(err,
		    "received_at: in the future; a back-entry records "
		    "an intake that already happened");
		return false;
	}
	back = cal_working_days_between(&s->cal, cal_local_day(in->received_at),
	    cal_local_day(now));
	if (back > STORE_BACK_ENTRY_DAYS) {
		cal_format_date(cal_local_day(now), today);
		st_err(err,
		    "received_at: %d working days before today (%s); a "
		    "back-entry goes back at most %d",
		    back, today, STORE_BACK_ENTRY_DAYS);
		return false;
	}
	return true;
}

/* The receipt's job(s) of an intake, inside its transaction: the
 * office's copy first, so the applicant's (the one handed over) comes
 * off the printer last, on top. */
static enum store_rc
intake_print_tx(struct store *s, const struct store_intake *in,
    struct store_print_req *p, const char *code, char *err)
{
	char ref[DCODE_TEXT_MAX + 3];
	enum store_rc rc;

	if (p->copies == 2) {
		snprintf(ref, sizeof ref, "%s#1", code);
		if ((rc = st_print_queue(s, "receipt", ref, in->actor,
		         st_wall_now(), p->max_pending - 1, &p->job, err)) !=
		    STORE_OK)
			return rc;
	}
	return st_print_queue(s, "receipt", code, in->actor, st_wall_now(),
	    p->max_pending, &p->job, err);
}

enum store_rc
store_intake(struct store *s, const struct store_intake *in,
    struct store_intake_result *res, char err[STORE_ERR_MAX])
{
	return store_intake_print(s, in, NULL, res, err);
}

enum store_rc
store_intake_print(struct store *s, const struct store_intake *in,
    struct store_print_req *print, struct store_intake_result *res,
    char err[STORE_ERR_MAX])
{
	char name[4 * OWNER_NAME_MAX + 1], fold[FOLD_MAX];
	enum store_rc rc;

	memset(res, 0, sizeof(*res));
	if (print != NULL)
		print->job = 0;
	if (!st_check_intake(in, err) || !check_back_entry(s, in, err))
		return STORE_INVALID;
	if (print != NULL && print->queue &&
	    (print->copies < 1 || print->copies > 2)) {
		st_err(err, "copies: must be 1 or 2");
		return STORE_INVALID;
	}
	if (text_nfc(in->owner_name, strlen(in->owner_name), name,
	        sizeof name) < 0 ||
	    text_fold(name, strlen(name), fold, sizeof fold) < 0) {
		st_err(err, "owner_name: not valid UTF-8 text");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = st_intake_tx(s, in, name, fold, res, err);
	if (rc == STORE_OK && print != NULL && print->queue)
		rc = intake_print_tx(s, in, print, res->code, err);
	if (rc == STORE_OK)
		rc = st_idem_record(s, in->idem, err);
	rc = st_finish(s, rc, err);
	if (rc != STORE_OK) {
		res->code[0] = '\0';
		res->token[0] = '\0';
	}
	return rc;
}

static bool
check_counter(const char *agency, int day, char *err)
{
	char code[DCODE_TEXT_MAX + 1];

	if (agency == NULL || strlen(agency) > DCODE_AGENCY_MAX ||
	    !dcode_agency_valid(agency)) {
		st_err(err,
		    "agency_code: not an agency code for dossier codes");
		return false;
	}
	if (day < 0 || st_day_code(agency, day, 1, code) < 0) {
		st_err(err, "day: not a day a dossier code can name");
		return false;
	}
	return true;
}

enum store_rc
store_counter_set(struct store *s, const char *agency, int day,
    unsigned last_seq, const char *actor, char err[STORE_ERR_MAX])
{
	char detail[64];
	sqlite3_stmt *st;
	enum store_rc rc;

	if (!check_counter(agency, day, err))
		return STORE_INVALID;
	if (last_seq > DCODE_SEQ_MAX) {
		st_err(err, "last_seq: must be 0..%d", DCODE_SEQ_MAX);
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	st = st_q(s, Q_COUNTER_SET);
	b_text(st, 1, agency);
	sqlite3_bind_int(st, 2, day);
	sqlite3_bind_int64(st, 3, last_seq);
	cal_format_date(day, detail);
	snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
	    " last_seq=%u", last_seq);
	if (st_run(s, Q_COUNTER_SET) != SQLITE_OK ||
	    st_add_audit(s, st_wall_now(), actor, "counter_set", agency,
	        detail) != SQLITE_OK)
		rc = st_dberr(s, err);
	return st_finish(s, rc, err);
}

enum store_rc
store_counter_get(struct store *s, const char *agency, int day,
    struct store_counter *out, char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	unsigned seq;
	int rc;

	memset(out, 0, sizeof *out);
	if (!check_counter(agency, day, err))
		return STORE_INVALID;
	st = st_q(s, Q_COUNTER_GET);
	b_text(st, 1, agency);
	sqlite3_bind_int(st, 2, day);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out->last_seq = (unsigned)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_dberr(s, err);
	/* the same walk as intake's, read only: at most 9999 index probes */
	for (seq = out->last_seq + 1; seq <= DCODE_SEQ_MAX; seq++) {
		if (st_day_code(agency, day, seq, out->next_code) < 0) {
			st_err(err, "day: not a day a dossier code can name");
			out->next_code[0] = '\0';
			return STORE_INVALID;
		}
		if ((rc = code_taken(s, out->next_code)) < 0)
			return st_dberr(s, err);
		if (rc == 0)
			break;
	}
	out->next_seq = seq;
	if (seq > DCODE_SEQ_MAX)
		out->next_code[0] = '\0';
	return STORE_OK;
}

/* ---- status changes ---- */

enum store_rc
st_load_state(struct store *s, const char *code, struct dstate *ds, char *err)
{
	sqlite3_stmt *st = st_q(s, Q_DOSSIER_STATE);
	int rc;

	b_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ds->id = sqlite3_column_int64(st, 0);
		ds->status = sqlite3_column_int(st, 1);
		ds->due_at = sqlite3_column_int64(st, 2);
		ds->received_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		st_err(err, "code: no dossier %s", code);
		return STORE_NOTFOUND;
	}
	return rc == SQLITE_ROW ? STORE_OK : st_dberr(s, err);
}

/* The event, audit and outbox rows of a change, after the UPDATE. */
static enum store_rc
log_change(struct store *s, const char *code, const struct event *ev,
    const char *outbox_kind, char *err)
{
	/* the outbox row takes the event's rowid: keep this order */
	if (st_add_event(s, ev) != SQLITE_OK ||
	    st_add_outbox(s, ev->dossier_id, outbox_kind, ev->new_status,
	        ev->at) != SQLITE_OK ||
	    st_add_audit(s, ev->at, ev->actor, ev->kind, code, NULL) !=
	        SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}

enum store_rc
st_update_due(struct store *s, const struct dstate *ds, int status, int64_t due,
    int supp_inc, int prov, int64_t now, char *err)
{
	sqlite3_stmt *st = st_q(s, Q_DUE_UPDATE);

	sqlite3_bind_int64(st, 1, ds->id);
	sqlite3_bind_int(st, 2, status);
	b_opt64(st, 3, due);
	sqlite3_bind_int(st, 4, supp_inc);
	sqlite3_bind_int64(st, 5, now);
	if (prov >= 0) /* else ?6 stays NULL: the flag is kept */
		sqlite3_bind_int(st, 6, prov != 0);
	return st_run(s, Q_DUE_UPDATE) == SQLITE_OK ? STORE_OK
	                                            : st_dberr(s, err);
}

static bool
check_actor_reason(const char *actor, const char *reason, bool need_reason,
    char *err)
{
	return st_check_text("actor", actor, 1, ACTOR_MAX, err) &&
	    st_check_text("reason", reason, need_reason ? 1 : 0, REASON_MAX,
	        err);
}

/* JSON object text {"key": value} with value escaped by jansson. */
static char *
detail_json(const char *key, const char *value)
{
	json_t *o;
	char *text;

	if (value == NULL || *value == '\0')
		return NULL;
	o = json_object();
	json_object_set_new(o, key,
	    value != NULL ? json_string(value) : json_null());
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

static enum store_rc
supplement_request_tx(struct store *s, const char *code, const char *reason,
    const char *items, const char *actor, int64_t now, char *err)
{
	char buf[STORE_ERR_MAX];
	struct dstate ds;
	struct event ev;
	enum store_rc rc;
	char *detail;

	if ((rc = st_load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (!status_check_move(ds.status, ST_SUPPLEMENT, buf, sizeof buf)) {
		st_err(err, "%s", buf);
		return STORE_CONFLICT;
	}
	if ((rc = st_update_due(s, &ds, ST_SUPPLEMENT, ds.due_at, 1, -1, now,
	         err)) != STORE_OK)
		return rc;
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "supplement_request";
	ev.old_status = ds.status;
	ev.new_status = ST_SUPPLEMENT;
	ev.due_before = ds.due_at;
	ev.due_after = ds.due_at;
	ev.actor = actor;
	ev.reason = reason;
	detail = detail_json("items", items);
	ev.detail = detail;
	if (items != NULL && *items != '\0' && detail == NULL) {
		st_err(err, "items: out of memory");
		return STORE_ERROR;
	}
	rc = log_change(s, code, &ev, "status", err);
	free(detail);
	return rc;
}

/* A due date staff typed must fall on a day the office works: a date on
 * a weekend or holiday is refused with the next working day named, so
 * nobody promises a citizen a Sunday. */
static bool
check_due_working(struct store *s, const char *field, int64_t due, char *err)
{
	char day[16], next[16];
	int d = cal_local_day(due), wd;

	if (cal_is_working(&s->cal, d))
		return true;
	wd = cal_weekday(d);
	cal_format_date(d, day);
	cal_format_date(cal_next_working(&s->cal, d), next);
	st_err(err,
	    "%s: %s is not a working day (%s); the next working day is %s",
	    field, day,
	    wd == 0       ? "a Sunday"
	        : wd == 6 ? "a Saturday"
	                  : "a holiday or day off",
	    next);
	return false;
}

/* The time of the dossier's latest supplement request: 0 when none. */
static enum store_rc
last_request_at(struct store *s, int64_t id, int64_t *at, char *err)
{
	sqlite3_stmt *st = st_q(s, Q_SUPP_EVENTS);
	int rc;

	*at = 0;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (strcmp(c_str(st, 0), "supplement_request") == 0 &&
		    sqlite3_column_int64(st, 1) > *at)
			*at = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : st_dberr(s, err);
}

static enum store_rc
supplement_complete_tx(struct store *s, const char *code, int64_t new_due,
    const char *actor, int64_t now, char *err)
{
	char buf[STORE_ERR_MAX], detail[64];
	struct dstate ds;
	struct event ev;
	enum store_rc rc;
	int64_t due, requested;
	int waited = 0, prov;
	bool p = false;

	if ((rc = st_load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (!status_check_move(ds.status, ST_PROCESSING, buf, sizeof buf) ||
	    ds.status != ST_SUPPLEMENT) {
		if (ds.status != ST_SUPPLEMENT)
			st_err(err,
			    "status: dossier is in state %d (%s), not waiting "
			    "for a supplement",
			    ds.status, status_label_en(ds.status));
		else
			st_err(err, "%s", buf);
		return STORE_CONFLICT;
	}
	if (new_due != 0 && new_due < ds.received_at) {
		st_err(err, "new_due_at: before the dossier was received");
		return STORE_INVALID;
	}
	if (new_due != 0) { /* an explicit date wins over the rule */
		if (!check_due_working(s, "new_due_at", new_due, err))
			return STORE_INVALID;
		due = new_due;
		prov = cal_day_provisional(&s->cal, cal_local_day(new_due));
	} else {
		/* The rule (docs/domain.md, "Supplements"): the due date
		 * moves by the working days the dossier waited. */
		if ((rc = last_request_at(s, ds.id, &requested, err)) !=
		    STORE_OK)
			return rc;
		due = requested != 0 ? cal_supplement_due(&s->cal, ds.due_at,
		                           requested, now, &waited, &p)
		                     : ds.due_at;
		prov = due != ds.due_at ? p : -1;
	}
	if ((rc = st_update_due(s, &ds, ST_PROCESSING, due, 0, prov, now,
	         err)) != STORE_OK)
		return rc;
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "supplement_complete";
	ev.old_status = ds.status;
	ev.new_status = ST_PROCESSING;
	ev.due_before = ds.due_at;
	ev.due_after = due;
	ev.actor = actor;
	if (new_due == 0) {
		snprintf(detail, sizeof detail, "{\"waited_days\":%d}", waited);
		ev.detail = detail;
	}
	return log_change(s, code, &ev, "status", err);
}

enum store_rc
store_supplement_request(struct store *s, const char *code, const char *reason,
    const char *items, const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = st_norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!check_actor_reason(actor, reason, false, err) ||
	    !st_check_text("items", items, 0, REASON_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = supplement_request_tx(s, c, reason, items, actor, now, err);
	return st_finish(s, rc, err);
}

enum store_rc
store_supplement_complete(struct store *s, const char *code, int64_t new_due_at,
    const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = st_norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if (new_due_at < 0) {
		st_err(err, "new_due_at: not a time");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = supplement_complete_tx(s, c, new_due_at, actor, now, err);
	return st_finish(s, rc, err);
}

enum store_rc
st_set_status_tx(struct store *s, const char *code, int to, const char *reason,
    const char *actor, int64_t now, char *err)
{
	char buf[STORE_ERR_MAX];
	sqlite3_stmt *st;
	struct dstate ds;
	struct event ev;
	enum store_rc rc;

	if ((rc = st_load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	/* The supplement edges carry their own events (Mẫu 02). */
	if (ds.status == ST_PROCESSING && to == ST_SUPPLEMENT)
		return supplement_request_tx(s, code, reason, NULL, actor, now,
		    err);
	if (ds.status == ST_SUPPLEMENT && to == ST_PROCESSING)
		return supplement_complete_tx(s, code, 0, actor, now, err);
	if (!status_check_move(ds.status, to, buf, sizeof buf)) {
		st_err(err, "%s", buf);
		return STORE_CONFLICT;
	}
	st = st_q(s, Q_STATUS_UPDATE);
	sqlite3_bind_int64(st, 1, ds.id);
	sqlite3_bind_int(st, 2, to);
	if (to == ST_RESULT_READY || to == ST_REFUSED || to == ST_WITHDRAWN ||
	    to == ST_STOPPED)
		sqlite3_bind_int64(st, 3, now);
	if (to == ST_RETURNED)
		sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	if (st_run(s, Q_STATUS_UPDATE) != SQLITE_OK)
		return st_dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "status";
	ev.old_status = ds.status;
	ev.new_status = to;
	ev.due_before = ds.due_at;
	ev.due_after = ds.due_at;
	ev.actor = actor;
	ev.reason = reason;
	return log_change(s, code, &ev, "status", err);
}

enum store_rc
store_set_status(struct store *s, const char *code, int new_status,
    const char *reason, const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = st_norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!status_valid(new_status)) {
		st_err(err, "status: %d is not a status (1..10)", new_status);
		return STORE_INVALID;
	}
	if (!check_actor_reason(actor, reason, false, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = st_set_status_tx(s, c, new_status, reason, actor, now, err);
	return st_finish(s, rc, err);
}

static enum store_rc
apology_tx(struct store *s, const char *code, const char *reason,
    const char *unit, int64_t new_due, const char *actor, int64_t now,
    char *err)
{
	char iso[32], *detail;
	struct dstate ds;
	struct event ev;
	enum store_rc rc;

	if ((rc = st_load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (!status_open(ds.status)) {
		st_err(err, "status: no apology for a dossier in state %d (%s)",
		    ds.status, status_label_en(ds.status));
		return STORE_CONFLICT;
	}
	if (new_due <= ds.due_at) {
		cal_format_iso(ds.due_at, iso);
		st_err(err, "new_due_at: must be after the current due date %s",
		    iso);
		return STORE_INVALID;
	}
	if (!check_due_working(s, "new_due_at", new_due, err))
		return STORE_INVALID;
	if ((rc = st_update_due(s, &ds, ds.status, new_due, 0,
	         cal_day_provisional(&s->cal, cal_local_day(new_due)), now,
	         err)) != STORE_OK)
		return rc;
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "apology";
	ev.old_status = ds.status;
	ev.new_status = ds.status;
	ev.due_before = ds.due_at;
	ev.due_after = new_due;
	ev.actor = actor;
	ev.reason = reason;
	detail = detail_json("unit", unit);
	if (unit != NULL && *unit != '\0' && detail == NULL) {
		st_err(err, "unit: out of memory");
		return STORE_ERROR;
	}
	ev.detail = detail;
	rc = log_change(s, code, &ev, "apology", err);
	free(detail);
	if (rc == STORE_OK) {
		sqlite3_stmt *st = st_q(s, Q_APOLOGY_SET);

		sqlite3_bind_int64(st, 1, ds.id);
		sqlite3_bind_int64(st, 2, new_due);
		if (st_run(s, Q_APOLOGY_SET) != SQLITE_OK)
			rc = st_dberr(s, err);
	}
	return rc;
}

enum store_rc
store_apology(struct store *s, const char *code, const char *reason,
    const char *unit, int64_t new_due_at, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = st_norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!check_actor_reason(actor, reason, true, err) ||
	    !st_check_text("unit", unit, 0, CAT_NAME_MAX, err))
		return STORE_INVALID;
	if (new_due_at <= 0) {
		st_err(err, "new_due_at: required");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = apology_tx(s, c, reason, unit, new_due_at, actor, now, err);
	return st_finish(s, rc, err);
}

/* ---- reads ---- */

/* The events of dossier id, in order, into d. */
static enum store_rc
read_events(struct store *s, int64_t id, struct store_dossier *d)
{
	sqlite3_stmt *st = st_q(s, Q_EVENTS_OF);
	struct store_event *e, *nv;
	size_t cap = 0;
	int rc, bad = 0;

	sqlite3_bind_int64(st, 1, id);
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->nevents == cap) {
			cap = cap != 0 ? 2 * cap : 8;
			nv = reallocarray(d->events, cap, sizeof *nv);
			if (nv == NULL) {
				bad = 1;
				break;
			}
			d->events = nv;
		}
		e = &d->events[d->nevents++];
		*e = (struct store_event){
			.at = sqlite3_column_int64(st, 0),
			.old_status = sqlite3_column_int(st, 2),
			.new_status = sqlite3_column_int(st, 3),
			.due_before = sqlite3_column_int64(st, 4),
			.due_after = sqlite3_column_int64(st, 5),
		};
		bad = st_dup(st, 1, &e->kind) | st_dup(st, 6, &e->actor) |
		    st_dup(st, 7, &e->reason) | st_dup(st, 8, &e->detail);
	}
	sqlite3_reset(st);
	if (bad)
		return STORE_ERROR;
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc
store_dossier(struct store *s, const char *code, int64_t now,
    struct store_dossier *d)
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	enum store_rc rc;
	int64_t id;
	int r, bad;

	memset(d, 0, sizeof *d);
	if (st_norm_code(code, c, NULL) != STORE_OK)
		return STORE_NOTFOUND;
	st = st_q(s, Q_DOSSIER_FULL);
	b_text(st, 1, c);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		sqlite3_reset(st);
		return r == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	id = sqlite3_column_int64(st, 0);
	d->channel = sqlite3_column_int(st, 4);
	d->delivery = sqlite3_column_int(st, 5);
	d->status = sqlite3_column_int(st, 6);
	d->received_at = sqlite3_column_int64(st, 13);
	d->submitted_at = sqlite3_column_int64(st, 14);
	d->due_at = sqlite3_column_int64(st, 15);
	d->finished_at = sqlite3_column_int64(st, 16);
	d->returned_at = sqlite3_column_int64(st, 17);
	d->rating = sqlite3_column_int(st, 18);
	d->supplement_count = sqlite3_column_int(st, 19);
	d->provisional = sqlite3_column_int(st, 20) != 0;
	d->created_at = sqlite3_column_int64(st, 21);
	d->updated_at = sqlite3_column_int64(st, 22);
	d->overdue =
	    d->due_at != 0 && status_overdue(d->status, d->due_at, now);
	bad = st_dup(st, 1, &d->code) | st_dup(st, 2, &d->agency_code) |
	    st_dup(st, 24, &d->agency_name) |
	    st_dup(st, 3, &d->procedure_code) |
	    st_dup(st, 23, &d->procedure_name) | st_dup(st, 7, &d->owner_name) |
	    st_dup(st, 8, &d->owner_id_no) | st_dup(st, 9, &d->phone) |
	    st_dup(st, 10, &d->address) | st_dup(st, 11, &d->email) |
	    st_dup(st, 12, &d->summary);
	sqlite3_reset(st);
	if (bad) {
		store_dossier_cleanup(d);
		return STORE_ERROR;
	}
	if ((rc = read_events(s, id, d)) != STORE_OK) {
		store_dossier_cleanup(d);
		return rc;
	}
	/* a postal dossier names its S10 item (the receipt prints it) */
	bad = st_postal_item_of(s, id, &d->postal_item_id);
	st = st_q(s, Q_TOKEN_OF);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		bad |= st_dup(st, 0, &d->token);
	sqlite3_reset(st);
	if (bad || st_counter_read(s, id, d) != STORE_OK) {
		store_dossier_cleanup(d);
		return STORE_ERROR;
	}
	return STORE_OK;
}

void
store_dossier_cleanup(struct store_dossier *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nevents; i++) {
		free(d->events[i].kind);
		free(d->events[i].actor);
		free(d->events[i].reason);
		free(d->events[i].detail);
	}
	free(d->events);
	st_counter_cleanup(d);
	free(d->code);
	free(d->agency_code);
	free(d->agency_name);
	free(d->procedure_code);
	free(d->procedure_name);
	free(d->owner_name);
	free(d->owner_id_no);
	free(d->phone);
	free(d->address);
	free(d->email);
	free(d->summary);
	free(d->postal_item_id);
	free(d->token);
	memset(d, 0, sizeof *d);
}

/* Copies the display name of code (a procedure or an agency, by qid) into
 * buf, through the cache; the code itself when the row is missing. */
static int
display_name(struct store *s, struct names *n, enum qid id, const char *code,
    char *buf, size_t size)
{
	struct name_slot *sl;
	sqlite3_stmt *st;
	int rc;

	if (n->slot == NULL &&
	    (n->slot = calloc(NAMES_CAP, sizeof *n->slot)) == NULL)
		return SQLITE_NOMEM;
	sl = st_names_find(n, code);
	if (sl->code != NULL) {
		snprintf(buf, size, "%s", sl->name);
		return SQLITE_OK;
	}
	st = st_q(s, id);
	b_text(st, 1, code);
	rc = sqlite3_step(st);
	snprintf(buf, size, "%s", rc == SQLITE_ROW ? c_str(st, 0) : code);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	if (n->used >= NAMES_CAP / 2) /* keep probes short */
		st_names_clear(n);
	sl = st_names_find(n, code);
	sl->code = strdup(code);
	sl->name = strdup(buf);
	if (sl->code == NULL || sl->name == NULL) {
		free(sl->code);
		free(sl->name);
		sl->code = sl->name = NULL;
	} else {
		n->used++;
	}
	return SQLITE_OK;
}

enum store_rc
store_lookup_token(struct store *s, const char *token, struct store_lookup *out)
{
	sqlite3_stmt *st = st_q(s, Q_LOOKUP);
	const char *name;
	int rc;

	memset(out, 0, sizeof(*out));
	b_text(st, 1, token != NULL ? token : "");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	snprintf(out->code, sizeof out->code, "%s", c_str(st, 0));
	out->status = sqlite3_column_int(st, 1);
	out->delivery = sqlite3_column_int(st, 2);
	out->received_at = sqlite3_column_int64(st, 3);
	out->due_at = sqlite3_column_int64(st, 4);
	out->updated_at = sqlite3_column_int64(st, 5);
	name = c_str(st, 6);
	if (text_mask_name(name, strlen(name), out->masked_name,
	        sizeof out->masked_name) < 0)
		snprintf(out->masked_name, sizeof out->masked_name, "***");
	out->apology_due_at = sqlite3_column_int64(st, 9);
	out->channel = sqlite3_column_int(st, 10);
	snprintf(out->lost_item, sizeof out->lost_item, "%s", c_str(st, 11));
	rc = display_name(s, &s->proc_names, Q_PROC_NAME, c_str(st, 7),
	    out->procedure_name, sizeof out->procedure_name);
	if (rc == SQLITE_OK)
		rc = display_name(s, &s->agency_names, Q_AGENCY_NAME,
		    c_str(st, 8), out->collect_at, sizeof out->collect_at);
	sqlite3_reset(st);
	return rc == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

enum store_rc
store_token(struct store *s, const char *code, char token[TOKEN_LEN + 1])
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	struct dstate ds;
	enum store_rc rc;
	int src;

	token[0] = '\0';
	if (st_norm_code(code, c, NULL) != STORE_OK)
		return STORE_NOTFOUND;
	if ((rc = st_load_state(s, c, &ds, NULL)) != STORE_OK)
		return rc;
	st = st_q(s, Q_TOKEN_OF);
	sqlite3_bind_int64(st, 1, ds.id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		snprintf(token, TOKEN_LEN + 1, "%s", c_str(st, 0));
	sqlite3_reset(st);
	if (src == SQLITE_ROW)
		return STORE_OK;
	if (src != SQLITE_DONE)
		return STORE_ERROR;
	if (st_begin(s, NULL) != STORE_OK)
		return STORE_ERROR;
	rc = st_add_token(s, ds.id, st_wall_now(), token) == SQLITE_OK
	    ? STORE_OK
	    : STORE_ERROR;
	rc = st_finish(s, rc, NULL);
	if (rc != STORE_OK)
		token[0] = '\0';
	return rc;
}
