/* store_report.c: the period reports and their drill-down (docs/reports.md). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reportrule.h"
#include "core/status.h"
#include "store/store_int.h"

/* ---- reports ----
 *
 * docs/reports.md defines every number; docs/domain.md, "Reports", gives the
 * rules. One SQL statement reads the candidate rows (four disjoint slices, each
 * through its own index, the big one index-only); a second reads the
 * supplement events of the few candidates that have any. The rules are
 * applied here in C, in one pass, and counted into groups: summing
 * thirteen conditional expressions per row in SQL cost more than the
 * scan itself. Statements are built from fixed pieces, never from input.
 * Parameters: ?1 period start (instant), ?2 period end (exclusive
 * instant), ?3 agency, ?4 field, ?5 procedure (NULL when not filtered). */

#define REPORT_FILTER                                                   \
	" AND " ST_RECEIVED_SQL " AND (?3 IS NULL OR agency_code = ?3)" \
	" AND (?5 IS NULL OR procedure_code = ?5)"                      \
	" AND (?4 IS NULL OR procedure_code IN"                         \
	"  (SELECT code FROM procedures WHERE field = ?4))"
#define REPORT_COLS(extra)                                           \
	"SELECT id, channel, status, delivery, rating, received_at," \
	" due_at, coalesce(finished_at, returned_at), returned_at,"  \
	" supplement_count, agency_code, procedure_code" extra       \
	" FROM dossiers "

/* received in the period; received before it and still open; ended in
 * or after it; returned by post in it but ended before it */
#define REPORT_SCAN(extra)                                                                                \
	REPORT_COLS(extra)                                                                                \
	"INDEXED BY dossiers_report"                                                                      \
	" WHERE received_at >= ?1 AND received_at < ?2" REPORT_FILTER                                     \
	" UNION ALL " REPORT_COLS(                                                                        \
	    extra) "INDEXED BY dossiers_open"                                                             \
	           " WHERE finished_at IS NULL AND returned_at IS NULL"                                   \
	           " AND received_at < ?1" REPORT_FILTER                                                  \
	           " UNION ALL " REPORT_COLS(                                                             \
	               extra) "INDEXED BY dossiers_end"                                                   \
	                      " WHERE coalesce(finished_at, returned_at) >= ?1"                           \
	                      " AND received_at < ?1" REPORT_FILTER                                       \
	                      " UNION ALL " REPORT_COLS(                                                  \
	                          extra) "INDEXED BY dossiers_post"                                       \
	                                 " WHERE delivery = 1 AND returned_at >= ?1 AND returned_at < ?2" \
	                                 " AND coalesce(finished_at, returned_at) < ?1"                   \
	                                 " AND received_at < ?1" REPORT_FILTER

static const char report_scan_sql[] = REPORT_SCAN("");
/* The drill-down: the same rows with their codes (not index-only). */
static const char report_codes_sql[] = REPORT_SCAN(", code");

/* Supplement events of dossier ids in [?1, ?2] up to the period's end
 * ?3, in id order (index-only through dossier_events_supp). */
static const char report_supp_sql[] =
    "SELECT dossier_id, kind = 'supplement_request', at, due_before,"
    " due_after FROM dossier_events INDEXED BY dossier_events_supp"
    " WHERE dossier_id BETWEEN ?1 AND ?2 AND at < ?3"
    " AND kind IN ('supplement_request', 'supplement_complete')"
    " ORDER BY dossier_id";

/* The dossiers of the period that are not received: registered and not
 * yet accepted (1), refused (3), with the report's filters. */
static const char report_unaccepted_sql[] =
    "SELECT status, count(*) FROM dossiers INDEXED BY dossiers_report"
    " WHERE received_at >= ?1 AND received_at < ?2 AND status IN (1, 3)"
    " AND (?3 IS NULL OR agency_code = ?3)"
    " AND (?5 IS NULL OR procedure_code = ?5)"
    " AND (?4 IS NULL OR procedure_code IN"
    "  (SELECT code FROM procedures WHERE field = ?4))"
    " GROUP BY status";

#define REPORT_GROUPS_CAP  100000  /* distinct groups of one report */
#define REPORT_DEFER_CAP   4000000 /* candidates with supplements */
#define REPORT_BUCKETS_CAP 4000    /* days in the longest period + 1 */

enum { UNIT_DAY = 1, UNIT_WEEK = 2, UNIT_MONTH = 3 };

/* One candidate row and, once read, its supplement summary. */
struct rrow {
	int64_t id, ret;      /* ret: 0 = NULL */
	struct rrule_facts f; /* what core/reportrule reads; end = finished */
	int channel, delivery, rating;
	uint32_t group;
	char proc[PROC_CODE_MAX + 1];
	char code[DCODE_TEXT_MAX + 1]; /* drill-down only */
};

struct rgroups { /* groups by key: rows plus an open-addressing index */
	struct store_report_row *rows;
	size_t n, cap;
	uint32_t *slot; /* index + 1; 0 empty */
	size_t nslot;
};

struct rstate {
	struct store *s;
	const struct store_report_q *q;
	int64_t from, to; /* the period: [from, to) */
	int unit;         /* time series: UNIT_*, else 0 */
	int64_t nb;       /* buckets */
	struct store_report_row *total;
	struct rgroups g;
	struct store_report_row *bucket;   /* nb rows */
	int64_t *leave, *obecome, *oleave; /* nb each */
	struct rrow *defer;
	size_t ndefer, capdefer;
	char *err;
	/* drill-down: codes of the rows in one cell go to code_fn */
	int cell, channel;
	store_code_fn *code_fn;
	void *code_arg;
};

/* The index of a local day in a unit's own numbering: weeks start on
 * Monday (day 4 was Monday 5 January 1970), months are y * 12 + m - 1. */
static int64_t
unit_index(int day, int unit)
{
	int y, m, d;

	if (unit == UNIT_WEEK)
		return day >= -3 ? (day + 3) / 7 : -((3 - day) / 7) - 1;
	if (unit == UNIT_MONTH) {
		cal_ymd_from_day(day, &y, &m, &d);
		return (int64_t)y * 12 + m - 1;
	}
	return day;
}

/* The bucket of instant t: earlier than the period is bucket 0. */
static int64_t
bucket_of(const struct rstate *r, int64_t t)
{
	int64_t b = unit_index(cal_local_day(t), r->unit) -
	    unit_index(r->q->from_day, r->unit);

	return b < 0 ? 0 : b >= r->nb ? r->nb - 1 : b;
}

static bool
is_time_by(int by)
{
	return by == SR_BY_DAY || by == SR_BY_WEEK || by == SR_BY_MONTH;
}

static uint64_t
key_hash(const char *k)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211u;
	return h;
}

/* The group of key, created when new; UINT32_MAX past the cap or when
 * out of memory. */
static uint32_t
group_of(struct rgroups *g, const char *key)
{
	size_t i, mask;
	uint32_t *ns;
	void *nr;

	if (g->n * 2 >= g->nslot) { /* grow the index, rehash */
		size_t n = g->nslot ? g->nslot * 2 : 64;

		if ((ns = calloc(n, sizeof(*ns))) == NULL)
			return UINT32_MAX;
		for (size_t k = 0; k < g->n; k++) {
			i = key_hash(g->rows[k].key) & (n - 1);
			while (ns[i] != 0)
				i = (i + 1) & (n - 1);
			ns[i] = (uint32_t)k + 1;
		}
		free(g->slot);
		g->slot = ns;
		g->nslot = n;
	}
	mask = g->nslot - 1;
	for (i = key_hash(key) & mask; g->slot[i] != 0; i = (i + 1) & mask)
		if (strcmp(g->rows[g->slot[i] - 1].key, key) == 0)
			return g->slot[i] - 1;
	if (g->n >= REPORT_GROUPS_CAP)
		return UINT32_MAX;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;

		if ((nr = realloc(g->rows, cap * sizeof(*g->rows))) == NULL)
			return UINT32_MAX;
		g->rows = nr;
		g->cap = cap;
	}
	memset(&g->rows[g->n], 0, sizeof(g->rows[0]));
	snprintf(g->rows[g->n].key, STORE_REPORT_KEY_MAX, "%s", key);
	g->slot[i] = (uint32_t)g->n + 1;
	return (uint32_t)g->n++;
}

static void
groups_free(struct rgroups *g)
{
	free(g->rows);
	free(g->slot);
	memset(g, 0, sizeof(*g));
}

/* The statutory due time for a dossier stored without one: the
 * procedure's working days on the calendar; 0 when unknown. */
static int64_t
statutory_due(struct store *s, const char *proc, int64_t recv)
{
	sqlite3_stmt *st = st_q(s, Q_PROC_GET);
	int days = 0;
	bool prov;

	b_text(st, 1, proc);
	if (sqlite3_step(st) == SQLITE_ROW)
		days = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return days > 0 ? cal_due(&s->cal, recv, days, &prov) : 0;
}

static void
report_row_add(struct store_report_row *t, const struct store_report_row *r)
{
	for (int i = 0; i < 3; i++) {
		t->received[i] += r->received[i];
		t->rating[i] += r->rating[i];
	}
	t->carried_over += r->carried_over;
	t->early += r->early;
	t->on_time += r->on_time;
	t->late += r->late;
	t->within_due += r->within_due;
	t->overdue += r->overdue;
	t->returned_by_post += r->returned_by_post;
}

/* Whether a classified row belongs to the drill-down cell. */
static bool
in_cell(const struct rstate *r, const struct rrow *w, int cls, int64_t os,
    bool live)
{
	bool pending = w->f.end == 0 || w->f.end >= r->to;

	switch (r->cell) {
	case SRC_RECEIVED:
		return w->f.recv >= r->from;
	case SRC_CARRIED:
		return w->f.recv < r->from && live;
	case SRC_EARLY:
		return cls == 1;
	case SRC_ON_TIME:
		return cls == 2;
	case SRC_LATE:
		return cls == 3;
	case SRC_WITHIN_DUE:
		return pending && os >= r->to;
	case SRC_OVERDUE:
		return pending && os < r->to;
	case SRC_RETURNED_POST:
		return w->delivery == DELIVERY_POST && w->ret >= r->from &&
		    w->ret < r->to;
	default:
		return false;
	}
}

/* Applies the rules to one candidate (its supplements read) and counts
 * it into its group (or the whole) and the time buckets. */
static void
classify(struct rstate *r, const struct rrow *w)
{
	struct store_report_row *g = r->unit ? r->total : &r->g.rows[w->group];
	bool live = w->f.end == 0 || w->f.end >= r->from;
	int64_t edue = rrule_due(&w->f), os;
	int cls = 0;

	if (edue == 0)
		edue = statutory_due(r->s, w->proc, w->f.recv);
	if (w->f.end != 0 && w->f.end >= r->from && w->f.end < r->to)
		cls = rrule_verdict(&w->f, edue);
	os = rrule_overdue_since(&w->f, edue);

	if (w->f.recv >= r->from)
		g->received[w->channel == CHANNEL_ONLINE ? 1
		        : w->channel == CHANNEL_POSTAL   ? 2
		                                         : 0]++;
	else if (live)
		g->carried_over++;
	if (cls == 1)
		g->early++;
	else if (cls == 2)
		g->on_time++;
	else if (cls == 3)
		g->late++;
	if (w->f.end == 0 || w->f.end >= r->to) {
		if (os < r->to)
			g->overdue++;
		else
			g->within_due++;
	}
	if (w->delivery == DELIVERY_POST && w->ret >= r->from && w->ret < r->to)
		g->returned_by_post++;
	if (cls > 0 && w->rating >= 1 && w->rating <= 3)
		g->rating[w->rating - 1]++;
	if (r->cell != 0 && (r->channel == 0 || r->channel == w->channel) &&
	    in_cell(r, w, cls, os, live))
		r->code_fn(r->code_arg, w->code);
	if (!r->unit)
		return;
	/* the series: counts by the bucket of their instant; the pending
	 * and overdue levels from arrivals and leavings */
	if (w->f.recv >= r->from)
		r->bucket[bucket_of(r, w->f.recv)]
		    .received[w->channel == CHANNEL_ONLINE ? 1
		            : w->channel == CHANNEL_POSTAL ? 2
		                                           : 0]++;
	if (cls > 0) {
		struct store_report_row *b = &r->bucket[bucket_of(r, w->f.end)];

		*(cls == 1         ? &b->early
		        : cls == 2 ? &b->on_time
		                   : &b->late) += 1;
		if (w->rating >= 1 && w->rating <= 3)
			b->rating[w->rating - 1]++;
	}
	if (w->delivery == DELIVERY_POST && w->ret >= r->from && w->ret < r->to)
		r->bucket[bucket_of(r, w->ret)].returned_by_post++;
	if (live && w->f.end != 0 && w->f.end < r->to)
		r->leave[bucket_of(r, w->f.end)]++;
	if (live && os < r->to && (w->f.end == 0 || os < w->f.end))
		r->obecome[bucket_of(r, os)]++;
	if (live && w->f.end != 0 && w->f.end < r->to && os < w->f.end)
		r->oleave[bucket_of(r, w->f.end)]++;
}

static int
defer_row(struct rstate *r, const struct rrow *w)
{
	struct rrow *n;
	size_t cap;

	if (r->ndefer == r->capdefer) {
		if (r->capdefer >= REPORT_DEFER_CAP) {
			st_err(r->err,
			    "to: more than %d dossiers with supplements in "
			    "the period; shorten it",
			    REPORT_DEFER_CAP);
			return -1;
		}
		cap = r->capdefer ? r->capdefer * 2 : 1024;
		if ((n = realloc(r->defer, cap * sizeof(*n))) == NULL) {
			st_err(r->err, "report: out of memory");
			return -1;
		}
		r->defer = n;
		r->capdefer = cap;
	}
	r->defer[r->ndefer++] = *w;
	return 0;
}

static int
rrow_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct rrow *)a)->id,
	        y = ((const struct rrow *)b)->id;

	return x < y ? -1 : x > y;
}

static struct rrow *
find_deferred(struct rstate *r, int64_t id)
{
	size_t lo = 0, hi = r->ndefer;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->defer[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->ndefer && r->defer[lo].id == id ? &r->defer[lo] : NULL;
}

/* Reads the supplement events of the deferred rows, then counts them. */
static enum store_rc
report_supplements(struct rstate *r)
{
	sqlite3_stmt *st;
	struct rrow *w;
	int rc, req;
	int64_t at;

	if (r->ndefer == 0)
		return STORE_OK;
	qsort(r->defer, r->ndefer, sizeof(*r->defer), rrow_cmp);
	if (sqlite3_prepare_v2(r->s->db, report_supp_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return st_dberr(r->s, r->err);
	sqlite3_bind_int64(st, 1, r->defer[0].id);
	sqlite3_bind_int64(st, 2, r->defer[r->ndefer - 1].id);
	sqlite3_bind_int64(st, 3, r->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((w = find_deferred(r, sqlite3_column_int64(st, 0))) == NULL)
			continue;
		req = sqlite3_column_int(st, 1);
		at = sqlite3_column_int64(st, 2);
		rrule_supplement(&w->f, req != 0, at,
		    sqlite3_column_type(st, 3) != SQLITE_NULL &&
		        sqlite3_column_type(st, 4) != SQLITE_NULL,
		    sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return st_dberr(r->s, r->err);
	for (size_t i = 0; i < r->ndefer; i++)
		classify(r, &r->defer[i]);
	return STORE_OK;
}

static const char *
channel_key(int ch)
{
	return ch == CHANNEL_ONLINE ? "online"
	    : ch == CHANNEL_POSTAL  ? "postal"
	                            : "in_person";
}

static sqlite3_stmt *
report_prepare(struct store *s, const struct store_report_q *q,
    const char *prefix, bool codes, char *err)
{
	sqlite3_stmt *st = NULL;
	char *full = sqlite3_mprintf("%s%s", prefix,
	    codes ? report_codes_sql : report_scan_sql);

	if (full == NULL ||
	    sqlite3_prepare_v2(s->db, full, -1, &st, NULL) != SQLITE_OK) {
		st_dberr(s, err);
		sqlite3_free(full);
		sqlite3_finalize(st);
		return NULL;
	}
	sqlite3_free(full);
	sqlite3_bind_int64(st, 1, cal_instant(q->from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(q->to_day + 1, 0));
	b_opt(st, 3, q->agency);
	b_opt(st, 4, q->field);
	b_opt(st, 5, q->procedure);
	return st;
}

/* Copies text column i into buf (truncated to size - 1 bytes). */
static void
copy_col(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	size_t n = v != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n >= size)
		n = size - 1;
	if (n > 0)
		memcpy(buf, v, n);
	buf[n] = '\0';
}

/* Reads every candidate: rows without supplements are counted at once,
 * the others after their events are read. */
static enum store_rc
report_scan(struct rstate *r)
{
	sqlite3_stmt *st = report_prepare(r->s, r->q, "", r->cell != 0, r->err);
	struct rrow w;
	const char *key;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int sc = sqlite3_column_int(st, 9);

		w.id = sqlite3_column_int64(st, 0);
		w.channel = sqlite3_column_int(st, 1);
		memset(&w.f, 0, sizeof w.f);
		w.f.status = sqlite3_column_int(st, 2);
		w.delivery = sqlite3_column_int(st, 3);
		w.rating = sqlite3_column_int(st, 4);
		w.f.recv = sqlite3_column_int64(st, 5);
		w.f.due = sqlite3_column_int64(st, 6);
		w.f.end = sqlite3_column_int64(st, 7);
		w.ret = sqlite3_column_int64(st, 8);
		w.group = 0;
		w.proc[0] = w.code[0] = '\0';
		/* a million rows: copy the texts only where they are read */
		if (w.f.due == 0 || sc > 0 || r->q->by == SR_BY_PROCEDURE ||
		    r->q->by == SR_BY_FIELD)
			copy_col(st, 11, w.proc, sizeof(w.proc));
		if (r->cell != 0)
			copy_col(st, 12, w.code, sizeof(w.code));
		if (!r->unit && r->q->by != SR_BY_NONE) {
			key = r->q->by == SR_BY_CHANNEL ? channel_key(w.channel)
			    : r->q->by == SR_BY_AGENCY  ? c_str(st, 10)
			                                : w.proc;
			if ((w.group = group_of(&r->g, key)) == UINT32_MAX) {
				st_err(r->err, "by: more than %d groups",
				    REPORT_GROUPS_CAP);
				sqlite3_finalize(st);
				return STORE_INVALID;
			}
		} else if (!r->unit && r->g.n == 0 &&
		    group_of(&r->g, "") == UINT32_MAX) {
			st_err(r->err, "report: out of memory");
			sqlite3_finalize(st);
			return STORE_ERROR;
		}
		if (sc > 0) {
			if (defer_row(r, &w) < 0) {
				sqlite3_finalize(st);
				return STORE_INVALID;
			}
		} else {
			classify(r, &w);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return st_dberr(r->s, r->err);
	return report_supplements(r);
}

/* Fields: the counts were kept per procedure; fold them into the
 * procedures' fields. */
static enum store_rc
fold_fields(struct rstate *r)
{
	struct rgroups f = { 0 };
	sqlite3_stmt *st;
	uint32_t k;
	char field[STORE_REPORT_KEY_MAX];

	if (sqlite3_prepare_v2(r->s->db,
	        "SELECT field FROM procedures WHERE code = ?1", -1, &st,
	        NULL) != SQLITE_OK)
		return st_dberr(r->s, r->err);
	for (size_t i = 0; i < r->g.n; i++) {
		sqlite3_reset(st);
		b_text(st, 1, r->g.rows[i].key);
		field[0] = '\0';
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(field, sizeof(field), "%s", c_str(st, 0));
		if ((k = group_of(&f, field)) == UINT32_MAX) {
			sqlite3_finalize(st);
			groups_free(&f);
			st_err(r->err, "report: out of memory");
			return STORE_ERROR;
		}
		report_row_add(&f.rows[k], &r->g.rows[i]);
	}
	sqlite3_finalize(st);
	groups_free(&r->g);
	r->g = f;
	return STORE_OK;
}

static int
row_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_report_row *)a)->key,
	    ((const struct store_report_row *)b)->key);
}

/* The label of bucket b: its first day inside the period ("2021-04-05"),
 * or "2021-04" for months. */
static void
bucket_label(int first_day, int unit, int64_t b, char *key)
{
	int64_t idx = unit_index(first_day, unit) + b;
	char date[16];
	int day;

	if (unit == UNIT_MONTH) {
		snprintf(key, STORE_REPORT_KEY_MAX, "%04d-%02d",
		    (int)(idx / 12), (int)(idx % 12) + 1);
		return;
	}
	day = unit == UNIT_WEEK ? (int)(idx * 7 - 3) : (int)idx;
	if (day < first_day)
		day = first_day;
	cal_format_date(day, date);
	snprintf(key, STORE_REPORT_KEY_MAX, "%s", date);
}

/* Turns the per-bucket arrivals and leavings into levels at each
 * bucket's end, from the whole period's carried-over count, and hands
 * the buckets to fn. */
static void
emit_series(struct rstate *r, store_report_fn *fn, void *arg)
{
	int64_t pending = r->total->carried_over, overdue = 0;
	struct store_report_row *b;

	for (int64_t i = 0; i < r->nb; i++) {
		b = &r->bucket[i];
		b->carried_over = pending;
		pending += b->received[0] + b->received[1] + b->received[2] -
		    r->leave[i];
		overdue += r->obecome[i] - r->oleave[i];
		b->overdue = overdue;
		b->within_due = pending - overdue;
		bucket_label(r->q->from_day, r->unit, i, b->key);
		if (fn != NULL && fn(arg, b) != 0)
			break;
	}
}

/* STORE_NOTFOUND naming the argument when a filter names nothing the
 * store knows. */
static enum store_rc
report_check_filters(struct store *s, const struct store_report_q *q, char *err)
{
	static const struct {
		const char *name, *sql;
	} checks[] = {
		{ "agency", "SELECT 1 FROM agencies WHERE code = ?1" },
		{ "field",
		    "SELECT 1 FROM procedures WHERE field = ?1 LIMIT 1" },
		{ "procedure", "SELECT 1 FROM procedures WHERE code = ?1" },
	};
	const char *vals[3] = { q->agency, q->field, q->procedure };
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < 3; i++) {
		if (vals[i] == NULL || vals[i][0] == '\0')
			continue;
		if (sqlite3_prepare_v2(s->db, checks[i].sql, -1, &st, NULL) !=
		    SQLITE_OK)
			return st_dberr(s, err);
		b_text(st, 1, vals[i]);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			st_err(err, "%s: no such %s", checks[i].name,
			    checks[i].name);
			return STORE_NOTFOUND;
		}
		if (rc != SQLITE_ROW)
			return st_dberr(s, err);
	}
	return STORE_OK;
}

static enum store_rc report_run_state(struct rstate *r, store_report_fn *fn,
    void *arg);

enum store_rc
store_report(struct store *s, const struct store_report_q *q,
    struct store_report_row *total, store_report_fn *fn, void *arg,
    char err[STORE_ERR_MAX])
{
	struct rstate r = { .s = s, .q = q, .total = total, .err = err };

	return report_run_state(&r, fn, arg);
}

enum store_rc
store_report_unaccepted(struct store *s, const struct store_report_q *q,
    struct store_unaccepted *out, char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(s->db, report_unaccepted_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return st_dberr(s, err);
	}
	sqlite3_bind_int64(st, 1, cal_instant(q->from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(q->to_day + 1, 0));
	b_opt(st, 3, q->agency);
	b_opt(st, 4, q->field);
	b_opt(st, 5, q->procedure);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0) == ST_SUBMITTED)
			out->not_accepted = sqlite3_column_int64(st, 1);
		else
			out->refused = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : st_dberr(s, err);
}

enum store_rc
store_report_codes(struct store *s, const struct store_report_q *q, int cell,
    int channel, store_code_fn *fn, void *arg, char err[STORE_ERR_MAX])
{
	struct store_report_row total;
	struct store_report_q whole = *q;
	struct rstate r = { .s = s,
		.q = &whole,
		.total = &total,
		.err = err,
		.cell = cell,
		.channel = channel,
		.code_fn = fn,
		.code_arg = arg };

	if (cell < SRC_RECEIVED || cell > SRC_RETURNED_POST) {
		st_err(err, "cell: unknown");
		return STORE_INVALID;
	}
	if (channel < 0 || channel > CHANNEL_POSTAL) {
		st_err(err, "channel: unknown");
		return STORE_INVALID;
	}
	whole.by = SR_BY_NONE;
	return report_run_state(&r, NULL, NULL);
}

static enum store_rc
report_run_state(struct rstate *rs, store_report_fn *fn, void *arg)
{
	struct rstate r = *rs;
	const struct store_report_q *q = r.q;
	struct store_report_row *total = r.total;
	char *err = r.err;
	struct store *s = r.s;
	enum store_rc out;

	memset(total, 0, sizeof(*total));
	if (q->from_day > q->to_day) {
		st_err(err, "to: before from");
		return STORE_INVALID;
	}
	if (q->by < SR_BY_NONE || q->by > SR_BY_MONTH) {
		st_err(err, "by: unknown grouping");
		return STORE_INVALID;
	}
	if ((out = report_check_filters(s, q, err)) != STORE_OK)
		return out;
	r.from = cal_instant(q->from_day, 0);
	r.to = cal_instant(q->to_day + 1, 0);
	if (is_time_by(q->by)) {
		r.unit = q->by == SR_BY_WEEK ? UNIT_WEEK
		    : q->by == SR_BY_MONTH   ? UNIT_MONTH
		                             : UNIT_DAY;
		r.nb = unit_index(q->to_day, r.unit) -
		    unit_index(q->from_day, r.unit) + 1;
		if (r.nb < 1 || r.nb > REPORT_BUCKETS_CAP) {
			st_err(err, "to: more than %d buckets",
			    REPORT_BUCKETS_CAP);
			return STORE_INVALID;
		}
		r.bucket = calloc((size_t)r.nb, sizeof(*r.bucket));
		r.leave = calloc((size_t)r.nb * 3, sizeof(*r.leave));
		if (r.bucket == NULL || r.leave == NULL) {
			free(r.bucket);
			free(r.leave);
			st_err(err, "report: out of memory");
			return STORE_ERROR;
		}
		r.obecome = r.leave + r.nb;
		r.oleave = r.obecome + r.nb;
	}
	out = report_scan(&r);
	if (out == STORE_OK && q->by == SR_BY_FIELD)
		out = fold_fields(&r);
	if (out == STORE_OK && r.unit) {
		emit_series(&r, fn, arg);
	} else if (out == STORE_OK) {
		/* the groups partition the rows: the whole is their sum */
		for (size_t i = 0; i < r.g.n; i++)
			report_row_add(total, &r.g.rows[i]);
		if (r.g.n > 0) /* rows is NULL then: qsort's is nonnull */
			qsort(r.g.rows, r.g.n, sizeof(*r.g.rows), row_key_cmp);
		for (size_t i = 0; q->by != SR_BY_NONE && i < r.g.n; i++)
			if (fn != NULL && fn(arg, &r.g.rows[i]) != 0)
				break;
	}
	if (out != STORE_OK)
		memset(total, 0, sizeof(*total));
	groups_free(&r.g);
	free(r.defer);
	free(r.bucket);
	free(r.leave);
	return out;
}

enum store_rc
store_report_plan(struct store *s, const struct store_report_q *q, char *buf,
    size_t size)
{
	char err[STORE_ERR_MAX];
	sqlite3_stmt *st =
	    report_prepare(s, q, "EXPLAIN QUERY PLAN ", false, err);
	size_t len = 0;
	int n;

	if (size > 0)
		buf[0] = '\0';
	if (st == NULL)
		return STORE_ERROR;
	/* columns: id, parent, notused, detail */
	while (sqlite3_step(st) == SQLITE_ROW && len < size) {
		n = snprintf(buf + len, size - len, "%s\n", c_str(st, 3));
		if (n < 0)
			break;
		len += (size_t)n;
	}
	sqlite3_finalize(st);
	if (len < size) {
		char *t =
		    sqlite3_mprintf("EXPLAIN QUERY PLAN %s", report_supp_sql);

		if (t != NULL &&
		    sqlite3_prepare_v2(s->db, t, -1, &st, NULL) == SQLITE_OK) {
			n = snprintf(buf + len, size - len,
			    "-- supplement events:\n");
			len += n > 0 ? (size_t)n : 0;
			while (sqlite3_step(st) == SQLITE_ROW && len < size) {
				n = snprintf(buf + len, size - len, "%s\n",
				    c_str(st, 3));
				if (n < 0)
					break;
				len += (size_t)n;
			}
			sqlite3_finalize(st);
		}
		sqlite3_free(t);
	}
	return STORE_OK;
}

/* Shares of total in hundredths of a percent that sum to exactly 10000:
 * floors first, then the leftover hundredths go to the largest
 * remainders (ties to the lower index). All 0 when total is 0. */
static void
shares(const int64_t *counts, size_t n, int64_t total, int *out)
{
	int64_t rem[8];
	int left = 10000;
	size_t i, best;

	for (i = 0; i < n; i++) {
		out[i] = 0;
		rem[i] = -1;
	}
	if (total <= 0)
		return;
	for (i = 0; i < n; i++) {
		out[i] = (int)(counts[i] * 10000 / total);
		rem[i] = counts[i] * 10000 % total;
		left -= out[i];
	}
	while (left-- > 0) {
		best = 0;
		for (i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1; /* at most one extra each: left < n */
	}
}

void
store_shares(const int64_t *counts, size_t n, int64_t total, int *out)
{
	shares(counts, n > 8 ? 8 : n, total, out);
}
