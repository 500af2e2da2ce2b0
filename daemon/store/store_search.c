/* store_search.c: staff search by code, name and received day, and the intake
 * counts by channel. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/textfold.h"
#include "store/store_int.h"

/* ---- search ---- */

struct hit {
	int64_t id;
	struct store_hit row; /* owns its strings */
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->row.received_at != y->row.received_at)
		return x->row.received_at > y->row.received_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* Runs one search statement, appending rows not already in hits. */
static int
collect(struct store *s, sqlite3_stmt *st, int64_t now, struct hit *hits,
    size_t *n, size_t cap)
{
	struct store_hit *h;
	int64_t id;
	size_t i;
	int rc = SQLITE_DONE, bad;

	while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		for (i = 0; i < *n && hits[i].id != id; i++)
			;
		if (i < *n)
			continue;
		h = &hits[*n].row;
		hits[*n].id = id;
		h->status = sqlite3_column_int(st, 4);
		h->channel = sqlite3_column_int(st, 5);
		h->received_at = sqlite3_column_int64(st, 6);
		h->due_at = sqlite3_column_int64(st, 7);
		h->delivery = sqlite3_column_int(st, 8);
		h->overdue =
		    h->due_at != 0 && status_overdue(h->status, h->due_at, now);
		bad = st_dup(st, 1, &h->code) |
		    st_dup(st, 2, &h->procedure_name) |
		    st_dup(st, 3, &h->owner_name);
		(*n)++;
		if (bad) {
			sqlite3_reset(st);
			return -1;
		}
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

enum store_rc
store_search(struct store *s, const struct store_query *qr, int64_t now,
    struct store_hits *out, char err[STORE_ERR_MAX])
{
	char code[DCODE_TEXT_MAX + 1], fold[FOLD_MAX], upper[FOLD_MAX + 8];
	char like[2 * FOLD_MAX + 8];
	const char *c = NULL, *f = NULL, *u = NULL, *l = NULL;
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	struct hit *hits;
	size_t n = 0, i, cap;
	int bad = 0;

	out->v = NULL;
	out->n = 0;

	if (qr->limit < 1 || qr->limit > 1000) {
		st_err(err, "limit: must be 1..1000");
		return STORE_INVALID;
	}
	if (qr->from_day < -1 || qr->to_day < -1 ||
	    (qr->from_day >= 0 && qr->to_day >= 0 &&
	        qr->from_day > qr->to_day)) {
		st_err(err, "from: must not be after to");
		return STORE_INVALID;
	}
	if (qr->code != NULL && *qr->code != '\0') {
		if (st_norm_code(qr->code, code, err) != STORE_OK)
			return STORE_INVALID;
		c = code;
	}
	if (qr->name != NULL && *qr->name != '\0') {
		if (!st_check_text("name", qr->name, 1, OWNER_NAME_MAX, err))
			return STORE_INVALID;
		if (text_fold(qr->name, strlen(qr->name), fold, sizeof fold) <
		    0) {
			st_err(err, "name: not valid UTF-8 text");
			return STORE_INVALID;
		}
		if (fold[0] == '\0') {
			st_err(err, "name: no letters to search for");
			return STORE_INVALID;
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
		return STORE_ERROR;
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
		for (i = 0; i < n; i++) {
			free(hits[i].row.code);
			free(hits[i].row.procedure_name);
			free(hits[i].row.owner_name);
		}
		free(hits);
		return STORE_ERROR;
	}
	qsort(hits, n, sizeof(*hits), hit_cmp);
	/* the rows move out in place: a hit is its row plus the id */
	out->v = calloc(n != 0 ? n : 1, sizeof *out->v);
	if (out->v == NULL) {
		for (i = 0; i < n; i++) {
			free(hits[i].row.code);
			free(hits[i].row.procedure_name);
			free(hits[i].row.owner_name);
		}
		free(hits);
		st_err(err, "search: out of memory");
		return STORE_ERROR;
	}
	for (i = 0; i < n; i++)
		out->v[i] = hits[i].row;
	out->n = n;
	free(hits);
	return STORE_OK;
}

/* ---- counts ---- */

enum store_rc
store_counts(struct store *s, int from_day, int to_day,
    struct store_counts *out)
{
	sqlite3_stmt *st = st_q(s, Q_COUNTS);
	struct store_report_q q = { 0 };
	struct store_unaccepted un;
	char err[STORE_ERR_MAX];
	int rc, ch;
	size_t i;

	memset(out, 0, sizeof *out);
	out->from_day = from_day;
	out->to_day = to_day;
	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ch = sqlite3_column_int(st, 0);
		/* the KPI counts a missing channel as in person */
		i = ch == CHANNEL_ONLINE ? 1 : ch == CHANNEL_POSTAL ? 2 : 0;
		out->received[i] += sqlite3_column_int64(st, 1);
		out->total += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	/* the same numbers as the report's, from the same query */
	q.from_day = from_day;
	q.to_day = to_day;
	if (store_report_unaccepted(s, &q, &un, err) != STORE_OK)
		return STORE_ERROR;
	out->not_accepted = un.not_accepted;
	out->refused = un.refused;
	return STORE_OK;
}

void
store_hits_cleanup(struct store_hits *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].code);
		free(h->v[i].procedure_name);
		free(h->v[i].owner_name);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}
