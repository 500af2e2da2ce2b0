/* store_search.c: staff search by code, name and received day, and the intake
 * counts by channel. */
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

/* ---- search ---- */

struct hit {
	int64_t id, received_at;
	json_t *row; /* owned */
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->received_at != y->received_at)
		return x->received_at > y->received_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* Runs one search statement, appending rows not already in hits. */
static int
collect(struct store *s, sqlite3_stmt *st, int64_t now, struct hit *hits,
    size_t *n, size_t cap)
{
	json_t *o;
	int64_t id, due;
	size_t i;
	int rc = SQLITE_DONE, status, channel;

	while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		for (i = 0; i < *n && hits[i].id != id; i++)
			;
		if (i < *n)
			continue;
		status = sqlite3_column_int(st, 4);
		channel = sqlite3_column_int(st, 5);
		due = sqlite3_column_int64(st, 7);
		o = json_object();
		json_object_set_new(o, "code", j_col_text(st, 1));
		json_object_set_new(o, "procedure_name", j_col_text(st, 2));
		json_object_set_new(o, "owner_name", j_col_text(st, 3));
		json_object_set_new(o, "status", json_integer(status));
		json_object_set_new(o, "status_name",
		    j_text(status_name(status)));
		json_object_set_new(o, "channel", json_integer(channel));
		json_object_set_new(o, "channel_name",
		    j_text(channel_name(channel)));
		json_object_set_new(o, "received_at", j_col_time(st, 6));
		json_object_set_new(o, "due_at", j_col_time(st, 7));
		json_object_set_new(o, "overdue",
		    json_boolean(due != 0 && status_overdue(status, due, now)));
		hits[*n].id = id;
		hits[*n].received_at = sqlite3_column_int64(st, 6);
		hits[*n].row = o;
		(*n)++;
	}
	if (*n < cap && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return st_dberr(s, NULL);
	}
	sqlite3_reset(st);
	return 0;
}

/* LIKE pattern "% <q>%" with %, _ and \ escaped. */
static void
word_pattern(const char *fold, char *out, size_t size)
{
	size_t j = 0;

	out[j++] = '%';
	out[j++] = ' ';
	for (; *fold != '\0' && j + 3 < size; fold++) {
		if (*fold == '%' || *fold == '_' || *fold == '\\')
			out[j++] = '\\';
		out[j++] = *fold;
	}
	out[j++] = '%';
	out[j] = '\0';
}

static void
bind_search(sqlite3_stmt *st, const char *code, int64_t lo, int64_t hi,
    const char *fold, const char *upper, const char *like, int limit)
{
	b_text(st, 1, code);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	b_text(st, 4, fold);
	b_text(st, 5, upper);
	b_text(st, 6, like);
	sqlite3_bind_int(st, 7, limit);
}

json_t *
store_search(struct store *s, const struct store_query *qr, int64_t now,
    char err[STORE_ERR_MAX])
{
	char code[DCODE_TEXT_MAX + 1], fold[FOLD_MAX], upper[FOLD_MAX + 8];
	char like[2 * FOLD_MAX + 8];
	const char *c = NULL, *f = NULL, *u = NULL, *l = NULL;
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	struct hit *hits;
	size_t n = 0, i, cap;
	json_t *arr;
	int bad = 0;

	if (qr->limit < 1 || qr->limit > 1000) {
		st_err(err, "limit: must be 1..1000");
		return NULL;
	}
	if (qr->from_day < -1 || qr->to_day < -1 ||
	    (qr->from_day >= 0 && qr->to_day >= 0 &&
	        qr->from_day > qr->to_day)) {
		st_err(err, "from: must not be after to");
		return NULL;
	}
	if (qr->code != NULL && *qr->code != '\0') {
		if (st_norm_code(qr->code, code, err) != STORE_OK)
			return NULL;
		c = code;
	}
	if (qr->name != NULL && *qr->name != '\0') {
		if (!st_check_text("name", qr->name, 1, OWNER_NAME_MAX, err))
			return NULL;
		if (text_fold(qr->name, strlen(qr->name), fold, sizeof fold) <
		    0) {
			st_err(err, "name: not valid UTF-8 text");
			return NULL;
		}
		if (fold[0] == '\0') {
			st_err(err, "name: no letters to search for");
			return NULL;
		}
		/* The largest code point: every name with this prefix sorts
		 * below q || U+10FFFF under the BINARY collation. */
		snprintf(upper, sizeof upper, "%s\xf4\x8f\xbf\xbf", fold);
		word_pattern(fold, like, sizeof like);
		f = fold;
		u = upper;
		l = like;
	}
	if (qr->from_day >= 0)
		lo = cal_instant(qr->from_day, 0);
	if (qr->to_day >= 0)
		hi = cal_instant(qr->to_day + 1, 0);

	cap = (size_t)qr->limit;
	hits = calloc(cap, sizeof(*hits));
	if (hits == NULL) {
		st_err(err, "search: out of memory");
		return NULL;
	}
	if (c != NULL) {
		bind_search(st_q(s, Q_SEARCH_CODE), c, lo, hi, f, u, l,
		    qr->limit);
		bad = collect(s, s->st[Q_SEARCH_CODE], now, hits, &n, cap);
	} else if (f != NULL) {
		/* Name prefix through the index, then later words by a scan
		 * that stops once the page is full. A page holds the newest
		 * prefix matches first, then the newest word matches. */
		bind_search(st_q(s, Q_SEARCH_PREFIX), c, lo, hi, f, u, l,
		    qr->limit);
		bad = collect(s, s->st[Q_SEARCH_PREFIX], now, hits, &n, cap);
		if (!bad && n < cap) {
			bind_search(st_q(s, Q_SEARCH_WORD), c, lo, hi, f, u, l,
			    qr->limit);
			bad = collect(s, s->st[Q_SEARCH_WORD], now, hits, &n,
			    cap);
		}
	} else {
		bind_search(st_q(s, Q_SEARCH_RANGE), c, lo, hi, f, u, l,
		    qr->limit);
		bad = collect(s, s->st[Q_SEARCH_RANGE], now, hits, &n, cap);
	}
	if (bad) {
		st_dberr(s, err);
		for (i = 0; i < n; i++)
			json_decref(hits[i].row);
		free(hits);
		return NULL;
	}
	qsort(hits, n, sizeof(*hits), hit_cmp);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, hits[i].row);
	free(hits);
	return arr;
}

/* ---- counts ---- */

json_t *
store_counts(struct store *s, int from_day, int to_day)
{
	static const char *const keys[3] = { "in_person", "online", "postal" };
	char from[16], to[16];
	sqlite3_stmt *st = st_q(s, Q_COUNTS);
	int64_t counts[3] = { 0, 0, 0 }, total = 0;
	int pct[3], rc, ch;
	json_t *o, *rec, *p, *period;
	size_t i;

	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ch = sqlite3_column_int(st, 0);
		/* the KPI counts a missing channel as in person */
		i = ch == CHANNEL_ONLINE ? 1 : ch == CHANNEL_POSTAL ? 2 : 0;
		counts[i] += sqlite3_column_int64(st, 1);
		total += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return NULL;
	store_shares(counts, 3, total, pct);
	cal_format_date(from_day, from);
	cal_format_date(to_day, to);
	period = json_object();
	json_object_set_new(period, "from", json_string(from));
	json_object_set_new(period, "to", json_string(to));
	rec = json_object();
	p = json_object();
	json_object_set_new(rec, "total", json_integer(total));
	for (i = 0; i < 3; i++) {
		json_object_set_new(rec, keys[i], json_integer(counts[i]));
		json_object_set_new(p, keys[i], json_real(pct[i] / 100.0));
	}
	json_object_set_new(rec, "pct", p);
	o = json_object();
	json_object_set_new(o, "period", period);
	json_object_set_new(o, "received", rec);
	return o;
}
