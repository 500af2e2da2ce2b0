/* hubstore_report.c: the province report's backend-neutral half
 * (hubstore_int.h, "the province report"): a dossier's report facts as
 * items change them, what a change does to the daily counts, and the
 * report counted from what a backend reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/status.h"
#include "store/hubstore_int.h"

/* ---- facts ---- */

static void
facts_set_status(struct hub_facts *x, int status, int64_t at)
{
	x->f.status = status;
	if ((status == ST_RESULT_READY || status == ST_REFUSED ||
	        status == ST_WITHDRAWN || status == ST_STOPPED) &&
	    x->fin == 0)
		x->fin = at;
	if (status == ST_RETURNED && x->ret == 0)
		x->ret = at;
	x->f.end = x->fin != 0 ? x->fin : x->ret;
}

void
hubstore_facts_new(struct hub_facts *x, const struct sp_item *it)
{
	memset(x, 0, sizeof *x);
	x->f.recv = (int64_t)json_integer_value(
	    json_object_get(it->dossier, "received_at"));
	x->f.due = it->due_at;
	x->channel =
	    (int)json_integer_value(json_object_get(it->dossier, "channel"));
	x->delivery =
	    (int)json_integer_value(json_object_get(it->dossier, "delivery"));
	facts_set_status(x, it->status, it->at);
}

bool
hubstore_facts_item(struct hub_facts *x, const struct sp_item *it,
    struct hub_supp *s)
{
	json_t *ev = json_object_get(it->item, "event"), *before;
	const char *kind = json_string_value(json_object_get(ev, "kind"));

	if (it->due_at != 0)
		x->f.due = it->due_at;
	facts_set_status(x, it->status, it->at);
	if (kind == NULL ||
	    (strcmp(kind, "supplement_request") != 0 &&
	        strcmp(kind, "supplement_complete") != 0))
		return false;
	memset(s, 0, sizeof *s);
	s->request = strcmp(kind, "supplement_request") == 0;
	s->at = it->at;
	before = json_object_get(ev, "due_before");
	/* a completion says the due date it moved from and, as the item's
	 * due_at, the one it moved to */
	s->has_due = !s->request && json_is_integer(before) && it->due_at != 0;
	if (s->has_due) {
		s->due_before = (int64_t)json_integer_value(before);
		s->due_after = it->due_at;
	}
	rrule_supplement(&x->f, s->request, s->at, s->has_due, s->due_before,
	    s->due_after);
	return true;
}

void
hubstore_facts_status(struct hub_facts *x, int status, int64_t due_at,
    int64_t at)
{
	if (due_at != 0)
		x->f.due = due_at;
	facts_set_status(x, status, at);
}

void
hubstore_facts_read(struct hub_facts *x, const int64_t v[HUBSTORE_FACTS_NINT])
{
	memset(x, 0, sizeof *x);
	x->channel = (int)v[0];
	x->delivery = (int)v[1];
	x->f.status = (int)v[2];
	x->f.recv = v[3];
	x->f.due = v[4];
	x->fin = v[5];
	x->ret = v[6];
	x->f.end = x->fin != 0 ? x->fin : x->ret;
	x->f.nreq = (int)v[7];
	x->f.ncomp = (int)v[8];
	x->f.net = v[9];
	x->f.lastreq = v[10];
	x->f.due0 = v[11];
}

void
hubstore_facts_write(const struct hub_facts *x, int64_t v[HUBSTORE_FACTS_NSET])
{
	v[0] = x->fin;
	v[1] = x->ret;
	v[2] = x->f.end;
	v[3] = x->f.nreq;
	v[4] = x->f.ncomp;
	v[5] = x->f.net;
	v[6] = x->f.lastreq;
	v[7] = x->f.due0;
}

const char *
hubstore_agency_of(const char *code, char *buf, size_t size)
{
	const char *dash = strchr(code, '-');
	size_t n = dash != NULL ? (size_t)(dash - code) : strlen(code);

	if (n >= size)
		n = size - 1;
	memcpy(buf, code, n);
	buf[n] = '\0';
	return buf;
}

/* ---- daily counts ---- */

/* The (day, column) pairs a dossier adds to the daily counts: at most 4. */
static int
contributions(const struct hub_facts *x, int day[4], int col[4])
{
	const struct rrule_facts *f = &x->f;
	int n = 0;

	if (f->status == ST_SUBMITTED || f->status == ST_REFUSED) {
		day[0] = cal_local_day(f->recv);
		col[0] =
		    f->status == ST_SUBMITTED ? HRC_NOT_ACCEPTED : HRC_REFUSED;
		return 1;
	}
	day[n] = cal_local_day(f->recv);
	col[n++] = HRC_RECV;
	if (f->end != 0) {
		/* carried over into a period = received before it less ended
		 * before it; an end recorded before the receipt counts on the
		 * receipt's day, so that it is never subtracted first */
		day[n] = cal_local_day(f->end > f->recv ? f->end : f->recv);
		col[n++] = HRC_LEAVE;
		day[n] = cal_local_day(f->end);
		switch (rrule_verdict(f, rrule_due(f))) {
		case RRULE_EARLY:
			col[n++] = HRC_EARLY;
			break;
		case RRULE_LATE:
			col[n++] = HRC_LATE;
			break;
		default:
			col[n++] = HRC_ON_TIME;
			break;
		}
	}
	if (x->delivery == DELIVERY_POST && x->ret != 0) {
		day[n] = cal_local_day(x->ret);
		col[n++] = HRC_RET_POST;
	}
	return n;
}

static int
delta_put(struct hub_deltas *d, int kind, const char *key, int channel, int day,
    int col, int64_t v)
{
	struct hub_day_delta *e;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		void *nv = realloc(d->v, cap * sizeof *d->v);

		if (nv == NULL)
			return -1;
		d->v = nv;
		d->cap = cap;
	}
	e = &d->v[d->n];
	memset(e, 0, sizeof *e);
	if ((e->key = strdup(key)) == NULL)
		return -1;
	e->kind = kind;
	e->channel = channel;
	e->day = day;
	e->n[col] = v;
	d->n++;
	return 0;
}

static int
facts_put(struct hub_deltas *d, const char *agency, const char *field,
    const struct hub_facts *x, int64_t sign)
{
	int day[4], col[4], n = contributions(x, day, col);

	for (int i = 0; i < n; i++)
		if (delta_put(d, HUB_BY_AGENCY, agency, x->channel, day[i],
		        col[i], sign) == -1 ||
		    delta_put(d, HUB_BY_FIELD, field, x->channel, day[i],
		        col[i], sign) == -1)
			return -1;
	return 0;
}

int
hubstore_deltas_add(struct hub_deltas *d, const char *agency, const char *field,
    const struct hub_facts *before, const struct hub_facts *after)
{
	if (field == NULL)
		field = "";
	if (before != NULL && facts_put(d, agency, field, before, -1) == -1)
		return -1;
	return facts_put(d, agency, field, after, 1);
}

static int
delta_cmp(const void *a, const void *b)
{
	const struct hub_day_delta *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	if (x->channel != y->channel)
		return x->channel < y->channel ? -1 : 1;
	return (x->day > y->day) - (x->day < y->day);
}

void
hubstore_deltas_merge(struct hub_deltas *d)
{
	size_t out = 0;

	if (d->n == 0)
		return;
	qsort(d->v, d->n, sizeof *d->v, delta_cmp);
	for (size_t i = 0; i < d->n; i++) {
		struct hub_day_delta *o;

		if (out > 0 && delta_cmp(&d->v[out - 1], &d->v[i]) == 0) {
			o = &d->v[out - 1];
			for (int c = 0; c < HRC_N; c++)
				o->n[c] += d->v[i].n[c];
			free(d->v[i].key);
			continue;
		}
		d->v[out++] = d->v[i];
	}
	/* drop the rows a change left as they were */
	d->n = out;
	out = 0;
	for (size_t i = 0; i < d->n; i++) {
		bool zero = true;

		for (int c = 0; c < HRC_N; c++)
			zero = zero && d->v[i].n[c] == 0;
		if (zero)
			free(d->v[i].key);
		else
			d->v[out++] = d->v[i];
	}
	d->n = out;
}

void
hubstore_deltas_free(struct hub_deltas *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].key);
	free(d->v);
	memset(d, 0, sizeof *d);
}

int
hubstore_rebuild_report(struct hubstore *h, char err[HUBSTORE_ERR_MAX])
{
	return h->ops->rebuild(h, err);
}

/* ---- the report ---- */

struct hub_cell {
	char *key; /* owned */
	int channel;
	/* HUBSTORE_DAYS_COLS from the daily counts, then within due and
	 * overdue at the period's end */
	int64_t n[HUBSTORE_DAYS_COLS + 2];
};
enum {
	C_RECV,
	C_CARRIED,
	C_EARLY,
	C_ON_TIME,
	C_LATE,
	C_RET_POST,
	C_NOT_ACCEPTED,
	C_REFUSED,
	C_WITHIN,
	C_OVERDUE
};

struct hub_report_acc {
	struct hub_cell *v; /* owned */
	size_t n, cap;
	int64_t end; /* the period's end instant */
	bool full;   /* past HUBSTORE_REPORT_CELLS */
};

static struct hub_cell *
cell_new(struct hub_report_acc *a, const char *key, int channel)
{
	struct hub_cell *c;

	if (a->n >= HUBSTORE_REPORT_CELLS) {
		a->full = true;
		return NULL;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void *nv = realloc(a->v, cap * sizeof *a->v);

		if (nv == NULL)
			return NULL;
		a->v = nv;
		a->cap = cap;
	}
	c = &a->v[a->n];
	memset(c, 0, sizeof *c);
	if ((c->key = strdup(key != NULL ? key : "")) == NULL)
		return NULL;
	c->channel = channel;
	a->n++;
	return c;
}

int
hubstore_acc_days(struct hub_report_acc *a, const char *key, int channel,
    const int64_t n[HUBSTORE_DAYS_COLS])
{
	struct hub_cell *c = cell_new(a, key, channel);

	if (c == NULL)
		return -1;
	memcpy(c->n, n, HUBSTORE_DAYS_COLS * sizeof n[0]);
	return 0;
}

int
hubstore_acc_pending(struct hub_report_acc *a, const char *key, int channel,
    int64_t within, int64_t overdue)
{
	struct hub_cell *c = cell_new(a, key, channel);

	if (c == NULL)
		return -1;
	c->n[C_WITHIN] = within;
	c->n[C_OVERDUE] = overdue;
	return 0;
}

int
hubstore_acc_open(struct hub_report_acc *a, const char *key, int channel,
    const struct rrule_facts *f)
{
	int64_t os = rrule_overdue_since(f, rrule_due(f));

	return hubstore_acc_pending(a, key, channel, os < a->end ? 0 : 1,
	    os < a->end ? 1 : 0);
}

int64_t
hubstore_acc_end(const struct hub_report_acc *a)
{
	return a->end;
}

static int
cell_cmp(const void *x, const void *y)
{
	const struct hub_cell *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c != 0 ? c
	              : (a->channel > b->channel) - (a->channel < b->channel);
}

static void
acc_free(struct hub_report_acc *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].key);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* Runs the backend's part and merges the cells by key and channel. */
static int
acc_run(struct hubstore *h, int kind, int from_day, int to_day,
    const char *agency, struct hub_report_acc *a, char *err)
{
	size_t out = 0;

	memset(a, 0, sizeof *a);
	a->end = cal_instant(to_day + 1, 0);
	if (h->ops->report(h, kind, from_day, to_day + 1, agency, a) == -1) {
		hubstore_err(err,
		    a->full ? "report: more than %d rows"
		            : "report: the database failed",
		    HUBSTORE_REPORT_CELLS);
		acc_free(a);
		return -1;
	}
	if (a->n == 0)
		return 0;
	qsort(a->v, a->n, sizeof *a->v, cell_cmp);
	for (size_t i = 0; i < a->n; i++) {
		if (out > 0 && cell_cmp(&a->v[out - 1], &a->v[i]) == 0) {
			for (int c = 0; c < HUBSTORE_DAYS_COLS + 2; c++)
				a->v[out - 1].n[c] += a->v[i].n[c];
			free(a->v[i].key);
			continue;
		}
		a->v[out++] = a->v[i];
	}
	a->n = out;
	return 0;
}

static void
row_counts(json_t *o, const int64_t n[HUBSTORE_DAYS_COLS + 2])
{
	static const struct {
		const char *name;
		int a, b, c; /* the sum of these cells (-1: none) */
	} cols[] = {
		{ "received", C_RECV, -1, -1 },
		{ "carried_over", C_CARRIED, -1, -1 },
		{ "resolved", C_EARLY, C_ON_TIME, C_LATE },
		{ "early", C_EARLY, -1, -1 },
		{ "on_time", C_ON_TIME, -1, -1 },
		{ "late", C_LATE, -1, -1 },
		{ "pending", C_WITHIN, C_OVERDUE, -1 },
		{ "within_due", C_WITHIN, -1, -1 },
		{ "overdue", C_OVERDUE, -1, -1 },
		{ "returned_by_post", C_RET_POST, -1, -1 },
		{ "not_accepted", C_NOT_ACCEPTED, -1, -1 },
		{ "refused", C_REFUSED, -1, -1 },
	};

	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		int64_t v = n[cols[i].a];

		if (cols[i].b >= 0)
			v += n[cols[i].b];
		if (cols[i].c >= 0)
			v += n[cols[i].c];
		json_object_set_new(o, cols[i].name, json_integer(v));
	}
}

json_t *
hubstore_report(struct hubstore *h, int from_day, int to_day,
    const char *agency)
{
	struct hub_report_acc a;
	int64_t total[HUBSTORE_DAYS_COLS + 2] = { 0 };
	json_t *rows, *t;
	char err[HUBSTORE_ERR_MAX];

	if (acc_run(h, HUB_BY_AGENCY, from_day, to_day, agency, &a, err) == -1)
		return NULL;
	rows = json_array();
	for (size_t i = 0; rows != NULL && i < a.n; i++) {
		json_t *r = json_pack("{s:s,s:s}", "agency", a.v[i].key,
		    "channel", channel_name(a.v[i].channel));

		if (r == NULL) {
			json_decref(rows);
			rows = NULL;
			break;
		}
		row_counts(r, a.v[i].n);
		json_array_append_new(rows, r);
		for (int c = 0; c < HUBSTORE_DAYS_COLS + 2; c++)
			total[c] += a.v[i].n[c];
	}
	acc_free(&a);
	if (rows == NULL || (t = json_object()) == NULL) {
		json_decref(rows);
		return NULL;
	}
	row_counts(t, total);
	return json_pack("{s:o,s:o}", "rows", rows, "total", t);
}

static void
row_add(struct store_report_row *r, const struct hub_cell *c)
{
	r->received[c->channel == CHANNEL_ONLINE ? 1
	        : c->channel == CHANNEL_POSTAL   ? 2
	                                         : 0] += c->n[C_RECV];
	r->carried_over += c->n[C_CARRIED];
	r->early += c->n[C_EARLY];
	r->on_time += c->n[C_ON_TIME];
	r->late += c->n[C_LATE];
	r->within_due += c->n[C_WITHIN];
	r->overdue += c->n[C_OVERDUE];
	r->returned_by_post += c->n[C_RET_POST];
}

int
hubstore_report_fields(struct hubstore *h, int from_day, int to_day,
    struct store_report_row **rows, size_t *n, struct store_report_row *total,
    struct store_unaccepted *unaccepted, char err[HUBSTORE_ERR_MAX])
{
	struct hub_report_acc a;
	struct store_report_row *v;
	size_t k = 0;

	*rows = NULL;
	*n = 0;
	memset(total, 0, sizeof *total);
	memset(unaccepted, 0, sizeof *unaccepted);
	if (acc_run(h, HUB_BY_FIELD, from_day, to_day, NULL, &a, err) == -1)
		return -1;
	/* at most one row per cell: the cells are in key order, so a
	 * field's channels are adjacent */
	if ((v = calloc(a.n ? a.n : 1, sizeof *v)) == NULL) {
		acc_free(&a);
		hubstore_err(err, "report: out of memory");
		return -1;
	}
	for (size_t i = 0; i < a.n; i++) {
		if (k == 0 || strcmp(v[k - 1].key, a.v[i].key) != 0)
			snprintf(v[k++].key, sizeof v[0].key, "%s", a.v[i].key);
		row_add(&v[k - 1], &a.v[i]);
		row_add(total, &a.v[i]);
		unaccepted->not_accepted += a.v[i].n[C_NOT_ACCEPTED];
		unaccepted->refused += a.v[i].n[C_REFUSED];
	}
	acc_free(&a);
	*rows = v;
	*n = k;
	return 0;
}
