/* dossier_json.c: a dossier for staff as JSON (dossier_json.h). */
#include "api/dossier_json.h"
#include "core/calendar.h"
#include "core/importrec.h"
#include "core/status.h"
#include "http/reply.h"

static json_t *
status_or_null(int status)
{
	return status != 0 ? json_integer(status) : json_null();
}

static json_t *
event_json(const struct store_event *e)
{
	json_t *o = json_object(), *detail = NULL;

	json_object_set_new(o, "at", reply_time(e->at));
	json_object_set_new(o, "kind", reply_text(e->kind));
	json_object_set_new(o, "old_status", status_or_null(e->old_status));
	json_object_set_new(o, "new_status", status_or_null(e->new_status));
	json_object_set_new(o, "due_before", reply_time(e->due_before));
	json_object_set_new(o, "due_after", reply_time(e->due_after));
	json_object_set_new(o, "actor", reply_text(e->actor));
	json_object_set_new(o, "reason", reply_text(e->reason));
	/* a detail is stored as a JSON object or as plain text */
	if (e->detail != NULL && e->detail[0] == '{')
		detail = json_loads(e->detail, 0, NULL);
	json_object_set_new(o, "detail",
	    detail != NULL ? detail : reply_text(e->detail));
	return o;
}

/* The hand-offs (Mẫu 05), oldest first. */
static json_t *
dossier_json_handoffs(const struct store_dossier *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < d->nhandoffs; i++) {
		const struct store_handoff *h = &d->handoffs[i];

		json_array_append_new(a,
		    json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "id",
		        (json_int_t)h->id, "at", reply_time(h->at), "from",
		        reply_text(h->from), "to", reply_text(h->to), "note",
		        reply_text(h->note), "actor", reply_text(h->actor)));
	}
	return a;
}

json_t *
dossier_json(const struct store_dossier *d)
{
	json_t *o = json_object(), *ev = json_array();

	if (o == NULL || ev == NULL) {
		json_decref(o);
		json_decref(ev);
		return NULL;
	}
	json_object_set_new(o, "code", reply_text(d->code));
	json_object_set_new(o, "agency_code", reply_text(d->agency_code));
	json_object_set_new(o, "agency_name", reply_text(d->agency_name));
	json_object_set_new(o, "procedure_code", reply_text(d->procedure_code));
	json_object_set_new(o, "procedure_name", reply_text(d->procedure_name));
	json_object_set_new(o, "channel", json_integer(d->channel));
	json_object_set_new(o, "channel_name",
	    reply_text(channel_name(d->channel)));
	json_object_set_new(o, "delivery", json_integer(d->delivery));
	json_object_set_new(o, "delivery_name",
	    reply_text(delivery_name(d->delivery)));
	json_object_set_new(o, "status", json_integer(d->status));
	json_object_set_new(o, "status_name",
	    reply_text(status_name(d->status)));
	json_object_set_new(o, "status_label_vi",
	    reply_text(status_label_vi(d->status)));
	json_object_set_new(o, "status_label_en",
	    reply_text(status_label_en(d->status)));
	json_object_set_new(o, "owner_name", reply_text(d->owner_name));
	json_object_set_new(o, "owner_id_no", reply_text(d->owner_id_no));
	json_object_set_new(o, "phone", reply_text(d->phone));
	json_object_set_new(o, "address", reply_text(d->address));
	json_object_set_new(o, "email", reply_text(d->email));
	json_object_set_new(o, "summary", reply_text(d->summary));
	json_object_set_new(o, "received_at", reply_time(d->received_at));
	json_object_set_new(o, "submitted_at", reply_time(d->submitted_at));
	json_object_set_new(o, "due_at", reply_time(d->due_at));
	json_object_set_new(o, "finished_at", reply_time(d->finished_at));
	json_object_set_new(o, "returned_at", reply_time(d->returned_at));
	json_object_set_new(o, "rating", json_integer(d->rating));
	json_object_set_new(o, "rating_name",
	    reply_text(rating_name(d->rating)));
	json_object_set_new(o, "supplement_count",
	    json_integer(d->supplement_count));
	json_object_set_new(o, "provisional", json_boolean(d->provisional));
	json_object_set_new(o, "created_at", reply_time(d->created_at));
	json_object_set_new(o, "updated_at", reply_time(d->updated_at));
	json_object_set_new(o, "overdue", json_boolean(d->overdue));
	for (size_t i = 0; i < d->nevents; i++)
		json_array_append_new(ev, event_json(&d->events[i]));
	json_object_set_new(o, "events", ev);
	json_object_set_new(o, "postal_item_id", reply_text(d->postal_item_id));
	json_object_set_new(o, "token", reply_text(d->token));
	/* the counter desk's (docs/counter.md) */
	json_object_set_new(o, "refusal_reason", reply_text(d->refusal_reason));
	json_object_set_new(o, "collected_by", reply_text(d->collected_by));
	json_object_set_new(o, "id_checked",
	    d->collected_by != NULL ? json_boolean(d->id_checked)
	                            : json_null());
	json_object_set_new(o, "handoffs", dossier_json_handoffs(d));
	return o;
}

json_t *
dossier_json_read(struct store *s, const char *code, int64_t now,
    enum store_rc *rc)
{
	struct store_dossier d;
	json_t *o;

	if ((*rc = store_dossier(s, code, now, &d)) != STORE_OK)
		return NULL;
	o = dossier_json(&d);
	store_dossier_cleanup(&d);
	if (o == NULL)
		*rc = STORE_ERROR;
	return o;
}

json_t *
dossier_json_search(struct store *s, const struct store_query *q, int64_t now,
    char err[STORE_ERR_MAX])
{
	struct store_hits h;
	json_t *arr, *o;

	if (store_search(s, q, now, &h, err) != STORE_OK)
		return NULL;
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < h.n; i++) {
		const struct store_hit *x = &h.v[i];

		o = json_object();
		json_object_set_new(o, "code", reply_text(x->code));
		json_object_set_new(o, "procedure_name",
		    reply_text(x->procedure_name));
		json_object_set_new(o, "owner_name", reply_text(x->owner_name));
		json_object_set_new(o, "status", json_integer(x->status));
		json_object_set_new(o, "status_name",
		    reply_text(status_name(x->status)));
		json_object_set_new(o, "channel", json_integer(x->channel));
		json_object_set_new(o, "channel_name",
		    reply_text(channel_name(x->channel)));
		json_object_set_new(o, "delivery", json_integer(x->delivery));
		json_object_set_new(o, "delivery_name",
		    reply_text(delivery_name(x->delivery)));
		json_object_set_new(o, "received_at",
		    reply_time(x->received_at));
		json_object_set_new(o, "due_at", reply_time(x->due_at));
		json_object_set_new(o, "overdue", json_boolean(x->overdue));
		json_array_append_new(arr, o);
	}
	store_hits_cleanup(&h);
	return arr;
}

json_t *
dossier_json_counts(struct store *s, int from_day, int to_day)
{
	static const char *const keys[3] = { "in_person", "online", "postal" };
	struct store_counts c;
	char from[16], to[16];
	json_t *rec, *p;
	int pct[3];

	if (store_counts(s, from_day, to_day, &c) != STORE_OK)
		return NULL;
	store_shares(c.received, 3, c.total, pct);
	cal_format_date(from_day, from);
	cal_format_date(to_day, to);
	rec = json_object();
	p = json_object();
	json_object_set_new(rec, "total", json_integer(c.total));
	for (size_t i = 0; i < 3; i++) {
		json_object_set_new(rec, keys[i], json_integer(c.received[i]));
		json_object_set_new(p, keys[i], json_real(pct[i] / 100.0));
	}
	json_object_set_new(rec, "pct", p);
	return json_pack("{s:{s:s,s:s},s:o,s:I,s:I}", "period", "from", from,
	    "to", to, "received", rec, "not_accepted",
	    (json_int_t)c.not_accepted, "refused", (json_int_t)c.refused);
}
