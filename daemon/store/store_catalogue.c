/* store_catalogue.c: agencies, procedures and the holiday table (see store.h,
 * "Catalogue" and "Holidays"). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/textfold.h"
#include "store/store_int.h"

/* ---- catalogue ---- */

enum store_rc
store_put_agency(struct store *s, const char *code, const char *name,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc;

	if (code == NULL || !dcode_agency_valid(code)) {
		st_err(err, "code: not an agency code (A-Z, 0-9 and '.')");
		return STORE_INVALID;
	}
	if (!st_check_text("name", name, 1, CAT_NAME_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	st = st_q(s, Q_AGENCY_PUT);
	b_text(st, 1, code);
	b_text(st, 2, name);
	if (st_run(s, Q_AGENCY_PUT) != SQLITE_OK ||
	    st_add_audit(s, st_wall_now(), NULL, "agency_put", code, NULL) !=
	        SQLITE_OK)
		rc = st_dberr(s, err);
	return st_finish(s, rc, err);
}

static bool
documents_valid(const char *doc)
{
	json_t *j, *v;
	size_t i;
	bool ok;

	j = json_loads(doc, JSON_REJECT_DUPLICATES, NULL);
	ok = json_is_array(j);
	json_array_foreach(j, i, v) {
		if (!json_is_string(v))
			ok = false;
	}
	json_decref(j);
	return ok;
}

enum store_rc
store_put_procedure(struct store *s, const struct store_procedure *p,
    char err[STORE_ERR_MAX])
{
	char fold[FOLD_MAX];
	sqlite3_stmt *st;
	enum store_rc rc;

	if (!st_check_text("code", p->code, 1, PROC_CODE_MAX, err) ||
	    !st_check_text("name", p->name, 1, CAT_NAME_MAX, err) ||
	    !st_check_text("field", p->field, 0, CAT_NAME_MAX, err) ||
	    !st_check_text("documents", p->documents, 0, DOCUMENTS_MAX, err))
		return STORE_INVALID;
	if (p->days < 1 || p->days > 3650) {
		st_err(err, "days: must be 1..3650 working days");
		return STORE_INVALID;
	}
	if (p->fee < 0) {
		st_err(err, "fee: must not be negative");
		return STORE_INVALID;
	}
	if (p->documents != NULL && *p->documents != '\0' &&
	    !documents_valid(p->documents)) {
		st_err(err, "documents: not a JSON array of strings");
		return STORE_INVALID;
	}
	if (text_fold(p->name, strlen(p->name), fold, sizeof fold) < 0) {
		st_err(err, "name: cannot be folded");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	st = st_q(s, Q_PROC_PUT);
	b_text(st, 1, p->code);
	b_text(st, 2, p->name);
	b_text(st, 3, fold);
	b_text(st, 4, p->field != NULL ? p->field : "");
	sqlite3_bind_int(st, 5, p->days);
	b_opt(st, 6, p->documents);
	sqlite3_bind_int64(st, 7, p->fee);
	if (st_run(s, Q_PROC_PUT) != SQLITE_OK ||
	    st_add_audit(s, st_wall_now(), NULL, "procedure_put", p->code,
	        NULL) != SQLITE_OK)
		rc = st_dberr(s, err);
	return st_finish(s, rc, err);
}

/* The catalogue row at st, columns col[0..5]: code, name, field, days,
 * documents, fee (the queries differ). Borrows the statement's text. */
void
st_procedure_row(sqlite3_stmt *st, const int col[6],
    struct store_procedure_row *r)
{
	*r = (struct store_procedure_row){
		.code = c_text(st, col[0]),
		.name = c_text(st, col[1]),
		.field = c_text(st, col[2]),
		.days = sqlite3_column_int(st, col[3]),
		.documents = c_text(st, col[4]),
		.fee = sqlite3_column_int64(st, col[5]),
	};
}

enum store_rc
store_procedures(struct store *s, const char *qtext, store_procedure_fn *fn,
    void *arg)
{
	char fold[FOLD_MAX];
	sqlite3_stmt *st = st_q(s, Q_PROC_LIST);
	struct store_procedure_row row;
	int rc;

	if (qtext != NULL && *qtext != '\0') {
		if (text_fold(qtext, strnlen(qtext, IMPORT_TEXT_MAX), fold,
		        sizeof fold) < 0)
			return STORE_ERROR;
		if (fold[0] != '\0')
			b_text(st, 1, fold);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_procedure_row(st, (const int[]){ 0, 1, 2, 3, 4, 5 }, &row);
		if (fn(arg, &row) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- holidays ---- */

const char *
store_holiday_kind_name(int kind)
{
	switch (kind) {
	case CAL_HOLIDAY:
		return "holiday";
	case CAL_DAY_OFF:
		return "day_off";
	case CAL_MAKE_UP:
		return "make_up";
	}
	return NULL;
}

static enum store_rc
holidays_tx(struct store *s, const struct store_holiday *h, size_t count,
    const char *actor, char *err)
{
	char date[16], detail[160];
	sqlite3_stmt *st;
	size_t i, j, dlen;
	int y, m, d, years[64], ny = 0, k, rc;

	for (i = 0; i < count; i++) {
		cal_ymd_from_day(h[i].day, &y, &m, &d);
		for (k = 0; k < ny && years[k] != y; k++)
			;
		if (k < ny)
			continue;
		if (ny == (int)(sizeof years / sizeof years[0])) {
			st_err(err, "day: more than %d years in one import",
			    ny);
			return STORE_INVALID;
		}
		years[ny++] = y;
		st = st_q(s, Q_HOL_DELETE);
		sqlite3_bind_int(st, 1, cal_day_from_ymd(y, 1, 1));
		sqlite3_bind_int(st, 2, cal_day_from_ymd(y + 1, 1, 1));
		if (st_run(s, Q_HOL_DELETE) != SQLITE_OK)
			return st_dberr(s, err);
	}
	for (i = 0; i < count; i++) {
		st = st_q(s, Q_HOL_INSERT);
		sqlite3_bind_int(st, 1, h[i].day);
		sqlite3_bind_int(st, 2, h[i].kind);
		b_text(st, 3, h[i].name != NULL ? h[i].name : "");
		b_text(st, 4, h[i].source != NULL ? h[i].source : "");
		rc = st_run(s, Q_HOL_INSERT);
		if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
			cal_format_date(h[i].day, date);
			st_err(err, "day: %s is listed twice", date);
			return STORE_INVALID;
		}
		if (rc != SQLITE_OK)
			return st_dberr(s, err);
	}
	dlen =
	    (size_t)snprintf(detail, sizeof detail, "rows=%zu years=", count);
	for (j = 0; j < (size_t)ny && dlen < sizeof detail; j++)
		dlen += (size_t)snprintf(detail + dlen, sizeof detail - dlen,
		    "%s%d", j > 0 ? "," : "", years[j]);
	if (st_add_audit(s, st_wall_now(), actor, "holidays_import", NULL,
	        detail) != SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}

enum store_rc
store_holidays_import(struct store *s, const struct store_holiday *h,
    size_t count, const char *actor, char err[STORE_ERR_MAX])
{
	char date[16];
	enum store_rc rc;
	size_t i;
	int y, m, d;

	for (i = 0; i < count; i++) {
		cal_ymd_from_day(h[i].day, &y, &m, &d);
		cal_format_date(h[i].day, date);
		if (h[i].day < 0 || y > 9999) {
			st_err(err, "day: row %zu is not a date", i + 1);
			return STORE_INVALID;
		}
		if (store_holiday_kind_name(h[i].kind) == NULL) {
			st_err(err,
			    "kind: %s: must be holiday, day_off or make_up",
			    date);
			return STORE_INVALID;
		}
		if (!st_check_text("name", h[i].name, 0, 127, err) ||
		    !st_check_text("source", h[i].source, 0, 255, err))
			return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = holidays_tx(s, h, count, actor, err);
	rc = st_finish(s, rc, err);
	if (rc == STORE_OK && st_load_calendar(s) < 0) {
		st_err(err, "holidays: saved, but the calendar did not reload");
		return STORE_ERROR;
	}
	return rc;
}

enum store_rc
store_holidays(struct store *s, int year, store_holiday_fn *fn, void *arg)
{
	sqlite3_stmt *st = st_q(s, Q_HOL_RANGE);
	struct store_holiday h;
	int rc;

	sqlite3_bind_int(st, 1, cal_day_from_ymd(year, 1, 1));
	sqlite3_bind_int(st, 2, cal_day_from_ymd(year + 1, 1, 1));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		h = (struct store_holiday){ .day = sqlite3_column_int(st, 0),
			.kind = sqlite3_column_int(st, 1),
			.name = c_text(st, 2),
			.source = c_text(st, 3) };
		if (fn(arg, &h) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
