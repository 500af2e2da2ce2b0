/* postal_json.c: the postal replies built from the store (postal_json.h). */
#include <stdlib.h>
#include <string.h>

#include "core/role.h"
#include "http/reply.h"
#include "postal/postal_json.h"

json_t *
postal_json_checklist(struct store *s, const char *code, enum store_rc *rc)
{
	char *text;
	json_t *docs = NULL, *list, *d;
	size_t i;

	if ((*rc = store_procedure_documents(s, code, &text)) != STORE_OK)
		return NULL;
	if (text != NULL)
		docs = json_loads(text, 0, NULL);
	free(text);
	list = json_array();
	/* the catalogue stores names; every listed document is required */
	json_array_foreach(docs, i, d)
		if (json_is_string(d))
			json_array_append_new(list,
			    json_pack("{s:O,s:b}", "name", d, "required", 1));
	json_decref(docs);
	return json_pack("{s:o}", "documents", list);
}

json_t *
postal_json_item(struct store *s, const struct actor *who, const char *item_id,
    int64_t now, enum store_rc *rc)
{
	struct store_postal_item it;
	json_t *o, *docs;

	if ((*rc = store_postal_item(s, item_id, now, &it)) != STORE_OK)
		return NULL;
	if (!role_postal_scope_has(who, it.post_office ? it.post_office : "",
	        it.clerk)) {
		store_postal_item_cleanup(&it);
		*rc = STORE_NOTFOUND;
		return NULL;
	}
	docs = it.documents != NULL ? json_loads(it.documents, 0, NULL) : NULL;
	o = json_object();
	json_object_set_new(o, "item_id", reply_text(it.item_id));
	json_object_set_new(o, "code", reply_text(it.code));
	json_object_set_new(o, "token", reply_text(it.token));
	json_object_set_new(o, "due_at", reply_time(it.due_at));
	json_object_set_new(o, "manifest_id", reply_text(it.manifest_id));
	json_object_set_new(o, "state", json_string(it.state));
	json_object_set_new(o, "accepted_at", reply_time(it.accepted_at));
	json_object_set_new(o, "accepted_by", reply_text(it.accepted_by));
	json_object_set_new(o, "applicant",
	    json_pack("{s:o,s:o,s:o,s:o}", "name", reply_text(it.name),
	        "address", reply_text(it.address), "phone",
	        reply_text(it.phone), "id_number", reply_text(it.id_number)));
	json_object_set_new(o, "procedure_code", reply_text(it.procedure_code));
	json_object_set_new(o, "agency_code", reply_text(it.agency_code));
	json_object_set_new(o, "documents", docs ? docs : json_array());
	json_object_set_new(o, "fees_vnd", json_integer(it.fees_vnd));
	json_object_set_new(o, "fee_receipt_no", reply_text(it.fee_receipt_no));
	json_object_set_new(o, "service",
	    json_string(store_postal_service_name(it.service)));
	json_object_set_new(o, "return_address", reply_text(it.return_address));
	json_object_set_new(o, "seal_intact", json_boolean(it.seal_intact));
	json_object_set_new(o, "posted_at", reply_time(it.posted_at));
	json_object_set_new(o, "clerk", reply_text(it.clerk));
	json_object_set_new(o, "station", reply_text(it.station));
	json_object_set_new(o, "post_office", reply_text(it.post_office));
	json_object_set_new(o, "s10_verdict", reply_text(it.s10_verdict));
	json_object_set_new(o, "override_reason",
	    reply_text(it.override_reason));
	json_object_set_new(o, "flagged", json_boolean(it.flagged));
	json_object_set_new(o, "status", json_integer(it.status));
	json_object_set_new(o, "registered_at", reply_time(it.registered_at));
	store_postal_item_cleanup(&it);
	return o;
}

enum store_rc
postal_json_close(struct store *s, const char *station, const char *scope,
    const char *actor, int64_t now, bool queue_print, int64_t max_pending,
    json_t **out, char err[STORE_ERR_MAX])
{
	struct store_postal_closed c;
	enum store_rc rc;
	json_t *items;

	*out = NULL;
	rc = store_postal_close(s, station, scope, actor, now, queue_print,
	    max_pending, &c, err);
	if (rc != STORE_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < c.nitems; i++)
		json_array_append_new(items, json_string(c.items[i]));
	*out = json_pack("{s:o,s:s,s:I,s:I,s:o}", "items", items, "manifest_id",
	    c.manifest_id, "count", (json_int_t)c.count, "fees_vnd",
	    (json_int_t)c.fees_vnd, "print_job",
	    c.print_job ? json_integer((json_int_t)c.print_job) : json_null());
	store_postal_closed_cleanup(&c);
	return STORE_OK;
}

/* The summary keys of a manifest, then its signatories. */
static json_t *
manifest_summary(const struct store_manifest *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", reply_text(m->id));
	json_object_set_new(o, "closed_at", reply_time(m->closed_at));
	json_object_set_new(o, "closed_by", reply_text(m->closed_by));
	json_object_set_new(o, "station", reply_text(m->station));
	json_object_set_new(o, "count", json_integer(m->count));
	json_object_set_new(o, "fees_vnd", json_integer(m->fees_vnd));
	json_object_set_new(o, "state", reply_text(m->state));
	json_object_set_new(o, "arrived", json_integer(m->arrived));
	json_object_set_new(o, "missing", json_integer(m->missing));
	json_object_set_new(o, "unexpected", json_integer(m->unexpected));
	json_object_set_new(o, "signatories",
	    !m->signed_off
	        ? json_null()
	        : json_pack("{s:o,s:o,s:o,s:o}", "giver", reply_text(m->giver),
	              "receiver", reply_text(m->receiver), "signed_at",
	              reply_time(m->signed_at), "by",
	              reply_text(m->signed_by)));
	return o;
}

static int
add_manifest(void *arg, const struct store_manifest *m)
{
	json_array_append_new(arg, manifest_summary(m));
	return 0;
}

json_t *
postal_json_manifests(struct store *s, int limit)
{
	json_t *arr = json_array();

	if (store_postal_manifests(s, limit, add_manifest, arr) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o}", "manifests", arr);
}

json_t *
postal_json_manifest(struct store *s, const char *id, enum store_rc *rc)
{
	struct store_manifest m;
	json_t *o, *exp, *arr, *mis, *unx, *dis, *it, *x;
	size_t i;

	if ((*rc = store_postal_manifest(s, id, &m)) != STORE_OK)
		return NULL;
	o = manifest_summary(&m);
	exp = json_array();
	arr = json_array();
	mis = json_array();
	for (i = 0; i < m.nitems; i++) {
		const struct store_manifest_item *mi = &m.items[i];
		const char *state = mi->accepted_at ? "accepted"
		    : mi->resolution                ? "resolved"
		    : !m.signed_off                 ? "in_manifest"
		                                    : "missing";

		it = json_pack("{s:o,s:o,s:s,s:o,s:I}", "item_id",
		    reply_text(mi->item_id), "code", reply_text(mi->code),
		    "state", state, "arrived_at", reply_time(mi->accepted_at),
		    "fees_vnd", (json_int_t)mi->fees_vnd);
		if (mi->accepted_at)
			json_array_append(arr, it);
		else
			json_array_append_new(mis,
			    json_pack("{s:o,s:o,s:o}", "item_id",
			        reply_text(mi->item_id), "code",
			        reply_text(mi->code), "resolution",
			        reply_text(mi->resolution)));
		json_array_append_new(exp, it);
	}
	json_object_set_new(o, "expected", exp);
	json_object_set_new(o, "arrived_items", arr);
	json_object_set_new(o, "missing_items", mis);
	unx = json_array();
	dis = json_array();
	json_object_set_new(o, "unexpected_items", unx);
	json_object_set_new(o, "discrepancies", dis);
	for (i = 0; i < m.ndiscs; i++) {
		const struct store_discrepancy *d = &m.discs[i];

		json_array_append_new(dis,
		    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "item_id",
		        reply_text(d->item_id), "kind", reply_text(d->kind),
		        "resolution", reply_text(d->resolution), "reason",
		        reply_text(d->reason), "by", reply_text(d->by), "at",
		        reply_time(d->at)));
		if (d->kind != NULL && strcmp(d->kind, "unexpected") == 0)
			json_array_append_new(unx,
			    json_pack("{s:o,s:o,s:o}", "item_id",
			        reply_text(d->item_id), "scanned_at",
			        reply_time(d->scanned_at), "resolution",
			        reply_text(d->resolution)));
	}
	/* missing items not yet resolved are discrepancies too, listed
	 * (unresolved) once the handover is signed */
	if (m.signed_off)
		json_array_foreach(mis, i, x)
			if (json_is_null(json_object_get(x, "resolution")))
				json_array_append_new(dis,
				    json_pack("{s:O,s:s,s:n,s:n,s:n,s:n}",
				        "item_id",
				        json_object_get(x, "item_id"), "kind",
				        "missing", "resolution", "reason", "by",
				        "at"));
	store_manifest_cleanup(&m);
	return o;
}

enum store_rc
postal_json_receive(struct store *s, const char *manifest, const char *item_id,
    const char *actor, int64_t now, json_t **out, char err[STORE_ERR_MAX])
{
	static const char *const names[] = { [STORE_RECEIVED_ACCEPTED] =
		                                 "accepted",
		[STORE_RECEIVED_ALREADY] = "already",
		[STORE_RECEIVED_UNEXPECTED] = "unexpected" };
	struct store_postal_received r;
	enum store_rc rc;
	json_t *o;

	*out = NULL;
	rc = store_postal_receive(s, manifest, item_id, actor, now, &r, err);
	if (rc != STORE_OK)
		return rc;
	o = json_object();
	json_object_set_new(o, "item_id", json_string(item_id));
	if (r.on_manifest)
		json_object_set_new(o, "code", json_string(r.code));
	json_object_set_new(o, "result", json_string(names[r.result]));
	json_object_set_new(o, "accepted_at", reply_time(r.accepted_at));
	if (r.result == STORE_RECEIVED_ACCEPTED)
		json_object_set_new(o, "due_at", reply_time(r.due_at));
	else if (!r.on_manifest && r.result == STORE_RECEIVED_ALREADY)
		json_object_set_new(o, "scanned_at", reply_time(r.scanned_at));
	*out = o;
	return STORE_OK;
}

static int
add_return(void *arg, const struct store_postal_return_row *r)
{
	json_array_append_new(arg,
	    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:i}", "code",
	        reply_text(r->code), "item_id", reply_text(r->item_id),
	        "procedure_code", reply_text(r->procedure_code), "handed_at",
	        reply_time(r->handed_at), "delivered_at",
	        reply_time(r->delivered_at), "handed_by",
	        reply_text(r->handed_by), "status", r->status));
	return 0;
}

json_t *
postal_json_returns(struct store *s, int from_day, int to_day)
{
	json_t *arr = json_array();

	if (store_postal_returns(s, from_day, to_day, add_return, arr) !=
	    STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
