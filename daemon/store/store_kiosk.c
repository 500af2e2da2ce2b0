/* store_kiosk.c: the kiosk's lookup by code and digits, ratings and public
 * catalogue (docs/kiosk.md). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "core/status.h"
#include "core/textfold.h"
#include "core/factor.h"
#include "store/store_int.h"

/* ST_LOST_ITEM_SQL (store_int.h) spells these two as numbers. */
_Static_assert(CHANNEL_POSTAL == 3 && ST_SUBMITTED == 1,
    "ST_LOST_ITEM_SQL names the postal channel and status 1");

/* ---- kiosk (docs/kiosk.md) ----
 * These statements are prepared per call: a kiosk makes a few lookups a
 * minute, and preparing costs microseconds. */

static sqlite3_stmt *
prep(struct store *s, const char *text)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

enum store_rc
store_lookup_code(struct store *s, const char *code, enum store_factor factor,
    const char *digits, struct store_lookup *out)
{
	/* The same columns as Q_LOOKUP, then the two numbers, then
	 * Q_LOOKUP's last two. */
	static const char text[] =
	    "SELECT d.code, d.status, d.delivery, d.received_at,"
	    " d.due_at, d.updated_at, d.owner_name, p.name,"
	    " coalesce(nullif(a.name, ''), d.agency_code),"
	    " (SELECT e.due_after FROM dossier_events e"
	    "  WHERE e.dossier_id = d.id AND e.kind = 'apology'"
	    "  ORDER BY e.id DESC LIMIT 1),"
	    " d.owner_id_no, d.phone, d.channel, " ST_LOST_ITEM_SQL
	    " FROM dossiers d"
	    " LEFT JOIN procedures p ON p.code = d.procedure_code"
	    " LEFT JOIN agencies a ON a.code = d.agency_code"
	    " WHERE d.code = ?1";
	/* Never equal to typed digits: a row without the number, or no
	 * row, still costs one constant-time comparison. */
	char want[FACTOR_LEN + 1] = "\xff\xff\xff\xff";
	char got[FACTOR_LEN + 1] = "\xfe\xfe\xfe\xfe";
	sqlite3_stmt *st;
	const char *num, *name;
	bool row, match;
	int rc;

	memset(out, 0, sizeof(*out));
	if (digits != NULL && strlen(digits) == FACTOR_LEN)
		memcpy(got, digits, FACTOR_LEN);
	if ((st = prep(s, text)) == NULL)
		return STORE_ERROR;
	b_text(st, 1, code != NULL ? code : "");
	rc = sqlite3_step(st);
	row = rc == SQLITE_ROW;
	if (row) {
		/* the office's factor, or the other number when the dossier
		 * lacks it (core/factor.h); neither: nothing matches */
		switch (factor_choose(factor == STORE_FACTOR_PHONE,
		    c_text(st, 10), c_text(st, 11))) {
		case FACTOR_ID:
			num = c_text(st, 10);
			break;
		case FACTOR_PHONE:
			num = c_text(st, 11);
			break;
		default:
			num = NULL;
		}
		if (num != NULL && !factor_last_digits(num, strlen(num), want))
			memset(want, 0xff, FACTOR_LEN);
	}
	match = sodium_memcmp(want, got, FACTOR_LEN) == 0;
	sodium_memzero(want, sizeof want);
	sodium_memzero(got, sizeof got);
	if (!row || !match) {
		sqlite3_finalize(st);
		return row || rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
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
	snprintf(out->procedure_name, sizeof out->procedure_name, "%s",
	    c_str(st, 7));
	snprintf(out->collect_at, sizeof out->collect_at, "%s", c_str(st, 8));
	out->apology_due_at = sqlite3_column_int64(st, 9);
	out->channel = sqlite3_column_int(st, 12);
	snprintf(out->lost_item, sizeof out->lost_item, "%s", c_str(st, 13));
	sqlite3_finalize(st);
	return STORE_OK;
}

enum store_rc
store_rating(struct store *s, const char *code, int *rating)
{
	sqlite3_stmt *st =
	    prep(s, "SELECT rating FROM dossiers WHERE code = ?1");
	int rc;

	*rating = RATING_NONE;
	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, code != NULL ? code : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*rating = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

static enum store_rc
rate_tx(struct store *s, int64_t id, int rating, const char *source,
    int64_t now, char *err)
{
	sqlite3_stmt *ins = prep(s,
	    "INSERT INTO ratings(dossier_id, rating,"
	    " rated_at, source) VALUES (?1, ?2, ?3, ?4)");
	sqlite3_stmt *upd = prep(s,
	    "UPDATE dossiers SET rating = ?2"
	    " WHERE id = ?1 AND rating = 0");
	enum store_rc rc = STORE_OK;

	if (ins == NULL || upd == NULL) {
		rc = st_dberr(s, err);
		goto out;
	}
	sqlite3_bind_int64(ins, 1, id);
	sqlite3_bind_int(ins, 2, rating);
	sqlite3_bind_int64(ins, 3, now);
	b_text(ins, 4, source);
	sqlite3_bind_int64(upd, 1, id);
	sqlite3_bind_int(upd, 2, rating);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY) {
			st_err(err, "rating: this dossier has been rated");
			rc = STORE_CONFLICT;
		} else {
			rc = st_dberr(s, err);
		}
		goto out;
	}
	if (sqlite3_step(upd) != SQLITE_DONE)
		rc = st_dberr(s, err);
	else if (sqlite3_changes(s->db) != 1) {
		st_err(err, "rating: this dossier has been rated");
		rc = STORE_CONFLICT;
	}
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return rc;
}

enum store_rc
store_rate(struct store *s, const char *code, int rating, const char *source,
    int64_t now, char err[STORE_ERR_MAX])
{
	struct dstate ds;
	enum store_rc rc;

	if (rating < RATING_VERY_SATISFIED || rating > RATING_UNSATISFIED) {
		st_err(err,
		    "rating: must be very_satisfied, satisfied or "
		    "unsatisfied");
		return STORE_INVALID;
	}
	if (!st_check_text("source", source, 1, 64, err))
		return STORE_INVALID;
	if ((rc = st_load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (ds.status != ST_RETURNED) {
		st_err(err,
		    "status: only a dossier whose result was returned "
		    "can be rated");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = rate_tx(s, ds.id, rating, source, now, err);
	return st_finish(s, rc, err);
}

enum store_rc
store_procedure_counter(struct store *s, const char *code, const char *counter,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc = STORE_OK;

	if (!st_check_text("counter", counter, 0, CAT_NAME_MAX, err))
		return STORE_INVALID;
	if ((st = prep(s,
	         "UPDATE procedures SET counter = ?2"
	         " WHERE code = ?1")) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, code != NULL ? code : "");
	b_text(st, 2, counter);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = st_dberr(s, err);
	else if (sqlite3_changes(s->db) == 0) {
		st_err(err, "code: no such procedure");
		rc = STORE_NOTFOUND;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Every word of the folded query is somewhere in the folded name or the
 * lower-case code. */
static bool
words_match(const char *words, const char *name_fold, const char *code)
{
	char w[FOLD_MAX], lc[PROC_CODE_MAX + 1];
	const char *p = words;
	size_t i;

	for (i = 0; code[i] != '\0' && i < PROC_CODE_MAX; i++)
		lc[i] =
		    (code[i] >= 'A' && code[i] <= 'Z') ? code[i] + 32 : code[i];
	lc[i] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 0 && n < sizeof w) {
			memcpy(w, p, n);
			w[n] = '\0';
			if (strstr(name_fold, w) == NULL &&
			    strstr(lc, w) == NULL)
				return false;
		}
		p += n;
		p += strspn(p, " ");
	}
	return true;
}

enum store_rc
store_kiosk_procedures(struct store *s, const char *qtext, int limit,
    store_procedure_fn *fn, void *arg)
{
	char fold[FOLD_MAX] = "";
	sqlite3_stmt *st;
	struct store_procedure_row row;
	int rc = SQLITE_DONE, n = 0;

	if (qtext != NULL && *qtext != '\0' &&
	    text_fold(qtext, strnlen(qtext, IMPORT_TEXT_MAX), fold,
	        sizeof fold) < 0)
		return STORE_ERROR;
	if ((st = prep(s,
	         "SELECT code, name, name_fold, field, days,"
	         " documents, fee, counter FROM procedures"
	         " ORDER BY name_fold, code")) == NULL)
		return STORE_ERROR;
	while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!words_match(fold, c_str(st, 2), c_str(st, 0)))
			continue;
		st_procedure_row(st, (const int[]){ 0, 1, 3, 4, 5, 6 }, &row);
		row.counter = c_text(st, 7);
		n++;
		if (fn(arg, &row) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}
