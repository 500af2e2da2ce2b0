/* store_import.c: the batched import of dossier records (see store.h,
 * "Import"). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/textfold.h"
#include "store/store_int.h"

static void
cache_clear(struct import_cache *c)
{
	c->nagency = c->nproc = 0;
	c->next_agency = c->next_proc = 0;
}

/* ---- import ----
 *
 * Imports come from upstream (the DVCQG export), so they write no outbox
 * rows: upstream already holds that state, and echoing it back would
 * only race with newer changes made there. Events record that the row
 * came from an import; one audit row per batch counts the outcomes.
 *
 * Procedure days: statutory_days > 0 sets the procedure's days; 0 keeps
 * what the catalogue has, and a procedure first seen without days gets
 * 0, "unknown", which intake refuses until an operator sets the days
 * (store_put_procedure). Imported dossiers keep their own due_at.
 *
 * Empty optional text in a record (agency name, ID number, phone) means
 * "not said" and never erases what is stored. Times and status are
 * upstream's and replace ours. */

enum store_rc
store_import_begin(struct store *s, char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	if (s->in_import) {
		st_err(err, "import: a batch is already open");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	s->in_import = true;
	s->import_actor[0] = '\0';
	s->import_broken = false;
	s->import_now = st_wall_now();
	s->n_imported = s->n_updated = s->n_unchanged = s->n_failed = 0;
	cache_clear(&s->cache);
	return STORE_OK;
}

static bool
check_rec(const struct import_rec *r, char *err)
{
	struct dcode d;

	if (dcode_parse(r->code, strlen(r->code), &d, NULL) != DCODE_OK) {
		st_err(err, "code: not a dossier code");
		return false;
	}
	if (r->procedure_code[0] == '\0') {
		st_err(err, "procedure_code: required");
		return false;
	}
	if (r->agency_code[0] == '\0' ||
	    strlen(r->agency_code) > DCODE_AGENCY_MAX) {
		st_err(err, "agency_code: required, at most %d characters",
		    DCODE_AGENCY_MAX);
		return false;
	}
	if (r->applicant_name[0] == '\0') {
		st_err(err, "applicant_name: required");
		return false;
	}
	if (!status_valid(r->status)) {
		st_err(err, "status: must be 1..10");
		return false;
	}
	if (r->channel < CHANNEL_COUNTER || r->channel > CHANNEL_POSTAL) {
		st_err(err, "channel: must be 1, 2 or 3");
		return false;
	}
	if (r->delivery != DELIVERY_COUNTER && r->delivery != DELIVERY_POST) {
		st_err(err, "delivery: must be 0 or 1");
		return false;
	}
	if (r->rating < RATING_NONE || r->rating > RATING_UNSATISFIED) {
		st_err(err, "rating: unknown rating");
		return false;
	}
	if (r->received_at <= 0) {
		st_err(err, "received_at: required");
		return false;
	}
	if (r->nsupplements > IMPORT_SUPPLEMENT_MAX) {
		st_err(err, "supplements: more than %d", IMPORT_SUPPLEMENT_MAX);
		return false;
	}
	return true;
}

static bool
cached_agency(const struct import_cache *c, const struct import_rec *r)
{
	size_t i;

	for (i = 0; i < c->nagency; i++)
		if (strcmp(c->agency[i].code, r->agency_code) == 0 &&
		    strcmp(c->agency[i].name, r->agency_name) == 0)
			return true;
	return false;
}

static bool
cached_proc(const struct import_cache *c, const struct import_rec *r)
{
	size_t i;

	for (i = 0; i < c->nproc; i++)
		if (strcmp(c->proc[i].code, r->procedure_code) == 0 &&
		    c->proc[i].days == r->statutory_days &&
		    strcmp(c->proc[i].name, r->procedure_name) == 0 &&
		    strcmp(c->proc[i].field, r->field) == 0)
			return true;
	return false;
}

static void
cache_agency(struct import_cache *c, const struct import_rec *r)
{
	size_t i = c->nagency < CACHE_AGENCIES
	    ? c->nagency++
	    : c->next_agency++ % CACHE_AGENCIES;

	snprintf(c->agency[i].code, sizeof c->agency[i].code, "%s",
	    r->agency_code);
	snprintf(c->agency[i].name, sizeof c->agency[i].name, "%s",
	    r->agency_name);
}

static void
cache_proc(struct import_cache *c, const struct import_rec *r)
{
	size_t i = c->nproc < CACHE_PROCEDURES
	    ? c->nproc++
	    : c->next_proc++ % CACHE_PROCEDURES;

	snprintf(c->proc[i].code, sizeof c->proc[i].code, "%s",
	    r->procedure_code);
	snprintf(c->proc[i].name, sizeof c->proc[i].name, "%s",
	    r->procedure_name);
	snprintf(c->proc[i].field, sizeof c->proc[i].field, "%s", r->field);
	c->proc[i].days = r->statutory_days;
}

/* Upserts the record's agency and procedure unless this batch already
 * wrote the same values. *wrote is set when a row changed. */
static enum store_rc
import_catalogue(struct store *s, const struct import_rec *r,
    const char *proc_fold, bool *wrote, char *err)
{
	sqlite3_stmt *st;

	if (!cached_agency(&s->cache, r)) {
		st = st_q(s, Q_AGENCY_PUT);
		b_text(st, 1, r->agency_code);
		b_text(st, 2, r->agency_name);
		if (st_run(s, Q_AGENCY_PUT) != SQLITE_OK)
			return st_dberr(s, err);
		*wrote |= sqlite3_changes(s->db) > 0;
		cache_agency(&s->cache, r);
	}
	if (!cached_proc(&s->cache, r)) {
		st = st_q(s, Q_PROC_IMPORT);
		b_text(st, 1, r->procedure_code);
		b_text(st, 2, r->procedure_name);
		b_text(st, 3, proc_fold);
		b_text(st, 4, r->field);
		sqlite3_bind_int(st, 5,
		    r->statutory_days > 0 ? r->statutory_days : 0);
		if (st_run(s, Q_PROC_IMPORT) != SQLITE_OK)
			return st_dberr(s, err);
		*wrote |= sqlite3_changes(s->db) > 0;
		cache_proc(&s->cache, r);
	}
	return STORE_OK;
}

static bool
seen(const int64_t *v, size_t n, int64_t t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == t)
			return true;
	return false;
}

/* The record's supplements that the dossier's events lack (all of them
 * for a new dossier): *nreq new requests and *ndone new completions.
 * With write set they are added as events. Stored supplement events are
 * never removed: a record that lists fewer is not a change. */
static enum store_rc
import_supplements(struct store *s, const struct import_rec *r, int64_t id,
    bool fresh, const char *actor, bool write, int *nreq, int *ndone, char *err)
{
	int64_t req[SUPP_SEEN_MAX], done[SUPP_SEEN_MAX];
	size_t sreq = 0, sdone = 0, i;
	const struct import_supplement *sp;
	sqlite3_stmt *st;
	struct event ev;
	bool is_req;
	int rc;

	*nreq = *ndone = 0;
	if (r->nsupplements == 0)
		return STORE_OK;
	if (!fresh) {
		st = st_q(s, Q_SUPP_EVENTS);
		sqlite3_bind_int64(st, 1, id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			is_req =
			    strcmp(c_str(st, 0), "supplement_request") == 0;
			if (is_req && sreq < SUPP_SEEN_MAX)
				req[sreq++] = sqlite3_column_int64(st, 1);
			else if (!is_req && sdone < SUPP_SEEN_MAX)
				done[sdone++] = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return st_dberr(s, err);
	}
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.actor = actor;
	ev.detail = "{\"source\":\"import\"}";
	for (i = 0; i < r->nsupplements; i++) {
		sp = &r->supplements[i];
		if (!seen(req, sreq, sp->requested_at)) {
			++*nreq;
			ev.kind = "supplement_request";
			ev.at = sp->requested_at;
			if (write && st_add_event(s, &ev) != SQLITE_OK)
				return st_dberr(s, err);
		}
		if (sp->completed_at != 0 &&
		    !seen(done, sdone, sp->completed_at)) {
			++*ndone;
			ev.kind = "supplement_complete";
			ev.at = sp->completed_at;
			if (write && st_add_event(s, &ev) != SQLITE_OK)
				return st_dberr(s, err);
		}
	}
	return STORE_OK;
}

static enum store_rc
import_insert(struct store *s, const struct import_rec *r, const char *fold,
    const char *actor, char *err)
{
	char tok[TOKEN_LEN + 1];
	sqlite3_stmt *st;
	struct event ev;
	enum store_rc rc;
	int64_t id;
	int nreq, ndone;

	st = st_q(s, Q_DOSSIER_INSERT);
	b_text(st, 1, r->code);
	b_text(st, 2, r->agency_code);
	b_text(st, 3, r->procedure_code);
	sqlite3_bind_int(st, 4, r->channel);
	sqlite3_bind_int(st, 5, r->delivery);
	sqlite3_bind_int(st, 6, r->status);
	b_text(st, 7, r->applicant_name);
	b_text(st, 8, fold);
	b_opt(st, 9, r->applicant_id_no);
	b_opt(st, 10, r->phone);
	sqlite3_bind_int64(st, 14, r->received_at);
	b_opt64(st, 16, r->due_at);
	b_opt64(st, 17, r->finished_at);
	b_opt64(st, 18, r->returned_at);
	sqlite3_bind_int(st, 19, r->rating);
	sqlite3_bind_int64(st, 20, (int64_t)r->nsupplements);
	sqlite3_bind_int(st, 21, 0);
	sqlite3_bind_int64(st, 22, s->import_now);
	sqlite3_bind_int64(st, 23, s->import_now);
	if (st_run(s, Q_DOSSIER_INSERT) != SQLITE_OK)
		return st_dberr(s, err);
	id = sqlite3_last_insert_rowid(s->db);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.at = r->received_at;
	ev.kind = "import";
	ev.new_status = r->status;
	ev.due_after = r->due_at;
	ev.actor = actor;
	if (st_add_event(s, &ev) != SQLITE_OK)
		return st_dberr(s, err);
	rc =
	    import_supplements(s, r, id, true, actor, true, &nreq, &ndone, err);
	if (rc != STORE_OK)
		return rc;
	if (st_add_token(s, id, s->import_now, tok) != SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}

/* Compares the stored row (Q_IMPORT_GET, on a row) with the record and
 * writes {"changed":[names of the fields that differ]} into changed.
 * Field names only: never the values, which may be personal data.
 * Returns the number of differences. */
static int
import_diff(sqlite3_stmt *st, const struct import_rec *r, char *changed,
    size_t size)
{
	static const char *const names[] = { "agency_code", "procedure_code",
		"channel", "delivery", "status", "applicant_name",
		"applicant_id_no", "phone", "received_at", "due_at",
		"finished_at", "returned_at", "rating" };
	bool diff[sizeof(names) / sizeof(names[0])];
	size_t i, j;
	int n = 0;

	diff[0] = strcmp(c_str(st, 1), r->agency_code) != 0;
	diff[1] = strcmp(c_str(st, 2), r->procedure_code) != 0;
	diff[2] = sqlite3_column_int(st, 3) != r->channel;
	diff[3] = sqlite3_column_int(st, 4) != r->delivery;
	diff[4] = sqlite3_column_int(st, 5) != r->status;
	diff[5] = strcmp(c_str(st, 6), r->applicant_name) != 0;
	diff[6] = r->applicant_id_no[0] != '\0' &&
	    strcmp(c_str(st, 7), r->applicant_id_no) != 0;
	diff[7] = r->phone[0] != '\0' && strcmp(c_str(st, 8), r->phone) != 0;
	diff[8] = sqlite3_column_int64(st, 9) != r->received_at;
	diff[9] = sqlite3_column_int64(st, 10) != r->due_at;
	diff[10] = sqlite3_column_int64(st, 11) != r->finished_at;
	diff[11] = sqlite3_column_int64(st, 12) != r->returned_at;
	diff[12] = sqlite3_column_int(st, 13) != r->rating;
	j = (size_t)snprintf(changed, size, "{\"changed\":[");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!diff[i])
			continue;
		/* size holds every name: no truncation */
		j += (size_t)snprintf(changed + j, size - j, "%s\"%s\"",
		    n > 0 ? "," : "", names[i]);
		n++;
	}
	snprintf(changed + j, size - j, "]}");
	return n;
}

static enum store_rc
import_apply(struct store *s, const struct import_rec *r, const char *name_fold,
    const char *proc_fold, const char *actor, enum import_outcome *out,
    char *err)
{
	char changed[512];
	sqlite3_stmt *st;
	struct event ev;
	enum store_rc rc;
	int64_t id, old_due, supp;
	int ndiff, nreq, ndone, old_status, src;
	bool wrote = false, renamed;

	if ((rc = import_catalogue(s, r, proc_fold, &wrote, err)) != STORE_OK)
		return rc;
	st = st_q(s, Q_IMPORT_GET);
	b_text(st, 1, r->code);
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		if (src != SQLITE_DONE)
			return st_dberr(s, err);
		*out = IMPORT_IMPORTED;
		return import_insert(s, r, name_fold, actor, err);
	}
	id = sqlite3_column_int64(st, 0);
	old_status = sqlite3_column_int(st, 5);
	old_due = sqlite3_column_int64(st, 10);
	supp = sqlite3_column_int64(st, 14);
	renamed = strcmp(c_str(st, 6), r->applicant_name) != 0;
	ndiff = import_diff(st, r, changed, sizeof changed);
	sqlite3_reset(st);

	rc = import_supplements(s, r, id, false, actor, false, &nreq, &ndone,
	    err);
	if (rc != STORE_OK)
		return rc;
	if (ndiff == 0 && nreq == 0 && ndone == 0) {
		/* a catalogue row that changed is still an update */
		*out = wrote ? IMPORT_UPDATED : IMPORT_UNCHANGED;
		return STORE_OK;
	}
	*out = IMPORT_UPDATED;
	if (nreq > 0 || ndone > 0) {
		rc = import_supplements(s, r, id, false, actor, true, &nreq,
		    &ndone, err);
		if (rc != STORE_OK)
			return rc;
	}
	st = st_q(s, Q_IMPORT_UPDATE);
	sqlite3_bind_int64(st, 1, id);
	b_text(st, 2, r->agency_code);
	b_text(st, 3, r->procedure_code);
	sqlite3_bind_int(st, 4, r->channel);
	sqlite3_bind_int(st, 5, r->delivery);
	sqlite3_bind_int(st, 6, r->status);
	b_text(st, 7, r->applicant_name);
	b_text(st, 8,
	    renamed ? name_fold : NULL);  /* NULL keeps the stored one */
	b_opt(st, 9, r->applicant_id_no); /* "not said": keep */
	b_opt(st, 10, r->phone);
	sqlite3_bind_int64(st, 11, r->received_at);
	b_opt64(st, 12, r->due_at);
	b_opt64(st, 13, r->finished_at);
	b_opt64(st, 14, r->returned_at);
	sqlite3_bind_int(st, 15, r->rating);
	sqlite3_bind_int64(st, 16, supp + nreq);
	sqlite3_bind_int64(st, 17, s->import_now);
	if (st_run(s, Q_IMPORT_UPDATE) != SQLITE_OK)
		return st_dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.at = s->import_now;
	ev.kind = "import";
	ev.old_status = old_status;
	ev.new_status = r->status;
	ev.due_before = old_due;
	ev.due_after = r->due_at;
	ev.actor = actor;
	ev.detail = ndiff > 0 ? changed : "{\"changed\":[\"supplements\"]}";
	if (st_add_event(s, &ev) != SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}

/* The search fold of text into out (FOLD_MAX bytes): the one importrec
 * made on its thread, or made here for records built by other code. */
static bool
import_fold(const char *field, const char *text, const char *given, char *out,
    char *err)
{
	if (given[0] != '\0') {
		snprintf(out, FOLD_MAX, "%s", given);
		return true;
	}
	if (text_fold(text, strlen(text), out, FOLD_MAX) < 0) {
		st_err(err, "%s: not valid UTF-8 text", field);
		return false;
	}
	return true;
}

enum store_rc
store_import_rec(struct store *s, const struct import_rec *r, const char *actor,
    enum import_outcome *out, char err[STORE_ERR_MAX])
{
	char name_fold[FOLD_MAX], proc_fold[FOLD_MAX];
	enum store_rc rc;

	if (!s->in_import) {
		st_err(err, "import: no batch open (store_import_begin)");
		return STORE_INVALID;
	}
	if (!check_rec(r, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err)) {
		s->n_failed++;
		return STORE_INVALID;
	}
	/* Everything that can reject a record is checked above and here,
	 * before the first write: a rejected record writes nothing without
	 * the cost of a savepoint per record (which journalled every page it
	 * touched: a fifth of the import's time). A write that fails after
	 * this point is a database failure; it poisons the batch, which
	 * store_import_commit then rolls back whole. */
	if (!import_fold("applicant_name", r->applicant_name, r->applicant_fold,
	        name_fold, err) ||
	    !import_fold("procedure_name", r->procedure_name, r->procedure_fold,
	        proc_fold, err)) {
		s->n_failed++;
		return STORE_INVALID;
	}
	if (s->import_broken) {
		st_err(err, "database: an earlier write of this batch failed");
		return STORE_ERROR;
	}
	snprintf(s->import_actor, sizeof s->import_actor, "%s", actor);
	rc = import_apply(s, r, name_fold, proc_fold, actor, out, err);
	if (rc != STORE_OK) {
		s->import_broken = true;
		cache_clear(&s->cache);
		return STORE_ERROR;
	}
	if (rc == STORE_OK) {
		if (*out == IMPORT_IMPORTED)
			s->n_imported++;
		else if (*out == IMPORT_UPDATED)
			s->n_updated++;
		else
			s->n_unchanged++;
	}
	return rc;
}

enum store_rc
store_import_commit(struct store *s, char err[STORE_ERR_MAX])
{
	char detail[128];
	enum store_rc rc;

	if (!s->in_import) {
		st_err(err, "import: no batch open");
		return STORE_INVALID;
	}
	s->in_import = false;
	cache_clear(&s->cache);
	snprintf(detail, sizeof detail,
	    "imported=%ld updated=%ld unchanged=%ld failed=%ld", s->n_imported,
	    s->n_updated, s->n_unchanged, s->n_failed);
	rc = STORE_OK;
	if (s->import_broken) {
		st_err(err,
		    "database: a write of this batch failed; nothing "
		    "of it was kept");
		rc = STORE_ERROR;
	} else if (st_add_audit(s, st_wall_now(), s->import_actor, "import",
	               NULL, detail) != SQLITE_OK) {
		rc = st_dberr(s, err);
	}
	return st_finish(s, rc, err);
}

void
store_import_rollback(struct store *s)
{
	if (!s->in_import)
		return;
	s->in_import = false;
	cache_clear(&s->cache);
	st_rollback(s);
}
