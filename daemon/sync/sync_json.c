/* sync_json.c: the outbox as JSON (sync_json.h). */
#include <stdio.h>

#include "http/reply.h"
#include "sync/sync_json.h"

static json_t *
int_or_null(int64_t v)
{
	return v == STORE_NULL ? json_null() : json_integer((json_int_t)v);
}

static json_t *
dossier_json(const struct store_outbox_dossier *x)
{
	json_t *d = json_object();

	json_object_set_new(d, "agency_code", reply_text(x->agency_code));
	json_object_set_new(d, "agency_name", reply_text(x->agency_name));
	json_object_set_new(d, "procedure_code", reply_text(x->procedure_code));
	json_object_set_new(d, "procedure_name", reply_text(x->procedure_name));
	json_object_set_new(d, "field", reply_text(x->field));
	json_object_set_new(d, "channel", json_integer(x->channel));
	json_object_set_new(d, "delivery", json_integer(x->delivery));
	json_object_set_new(d, "owner_name", reply_text(x->owner_name));
	json_object_set_new(d, "owner_id_no", reply_text(x->owner_id_no));
	json_object_set_new(d, "phone", reply_text(x->phone));
	json_object_set_new(d, "address", reply_text(x->address));
	json_object_set_new(d, "email", reply_text(x->email));
	json_object_set_new(d, "summary", reply_text(x->summary));
	json_object_set_new(d, "received_at",
	    json_integer((json_int_t)x->received_at));
	json_object_set_new(d, "submitted_at", int_or_null(x->submitted_at));
	json_object_set_new(d, "token_sha256", reply_text(x->token_sha256));
	return d;
}

static int
add_item(void *arg, const struct store_outbox_row *r)
{
	json_t *it = json_object(), *ev = json_object(), *detail = NULL;

	json_object_set_new(it, "id", json_integer((json_int_t)r->id));
	json_object_set_new(it, "key", json_string(r->key));
	json_object_set_new(it, "kind", json_string(r->kind));
	json_object_set_new(it, "code", reply_text(r->code));
	json_object_set_new(it, "seq", json_integer((json_int_t)r->seq));
	json_object_set_new(it, "base", json_integer((json_int_t)r->base));
	json_object_set_new(it, "at", json_integer((json_int_t)r->at));
	json_object_set_new(it, "status", json_integer(r->status));
	json_object_set_new(it, "due_at", int_or_null(r->due_at));
	json_object_set_new(ev, "kind", reply_text(r->event_kind));
	json_object_set_new(ev, "old_status", int_or_null(r->event_old_status));
	json_object_set_new(ev, "due_before", int_or_null(r->event_due_before));
	json_object_set_new(ev, "reason", reply_text(r->event_reason));
	json_object_set_new(ev, "actor", reply_text(r->event_actor));
	/* the stored detail goes up as JSON, or null when it is not JSON */
	if (r->event_detail != NULL)
		detail = json_loads(r->event_detail, 0, NULL);
	json_object_set_new(ev, "detail",
	    detail != NULL ? detail : json_null());
	json_object_set_new(it, "event", ev);
	if (r->dossier != NULL)
		json_object_set_new(it, "dossier", dossier_json(r->dossier));
	json_array_append_new(arg, it);
	return 0;
}

json_t *
sync_json_outbox_next(struct store *s, int limit, int64_t after_id,
    char err[STORE_ERR_MAX])
{
	json_t *arr = json_array();

	if (arr == NULL) {
		snprintf(err, STORE_ERR_MAX, "outbox: out of memory");
		return NULL;
	}
	if (store_outbox_next(s, limit, after_id, add_item, arr, err) !=
	    STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static void
add_parked(void *arg, const struct store_parked *p)
{
	json_array_append_new(arg,
	    json_pack("{s:o,s:o,s:o,s:I,s:s,s:I}", "code", reply_text(p->code),
	        "kind", reply_text(p->kind), "reason", reply_text(p->reason),
	        "created_at", (json_int_t)p->created_at, "key", p->key,
	        "attempts", (json_int_t)p->attempts));
}

json_t *
sync_json_summary(struct store *s, int parked_max)
{
	struct store_sync_summary sum;
	json_t *parked = json_array();

	if (store_sync_summary(s, parked_max, &sum, add_parked, parked) !=
	    STORE_OK) {
		json_decref(parked);
		return NULL;
	}
	return json_pack("{s:I,s:o,s:I,s:o}", "pending",
	    (json_int_t)sum.pending, "oldest_unsent_at",
	    sum.oldest_unsent_at != 0
	        ? json_integer((json_int_t)sum.oldest_unsent_at)
	        : json_null(),
	    "parked_count", (json_int_t)sum.parked_count, "parked", parked);
}

struct codes {
	json_t *codes;
	json_int_t counts[4];
};

static void
add_code(void *arg, const char *code, int channel)
{
	struct codes *c = arg;

	json_array_append_new(c->codes, json_string(code));
	if (channel >= 1 && channel <= 3)
		c->counts[channel]++;
}

json_t *
sync_json_codes(struct store *s, int from_day, int to_day)
{
	struct codes c = { .codes = json_array() };

	if (store_sync_codes(s, from_day, to_day, add_code, &c) != STORE_OK) {
		json_decref(c.codes);
		return NULL;
	}
	return json_pack("{s:{s:I,s:I,s:I},s:o}", "counts", "1", c.counts[1],
	    "2", c.counts[2], "3", c.counts[3], "codes", c.codes);
}
