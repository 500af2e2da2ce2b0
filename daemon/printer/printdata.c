/* printdata.c: printable documents from the store's reads (printdata.h). */
#include <stdio.h>
#include <string.h>

#include "core/factor.h"
#include "core/status.h"
#include "http/reply.h"
#include "printer/printdata.h"

/* A member of an event's detail object text ("" when none). */
static json_t *
detail_member(const char *detail, const char *key)
{
	json_t *o = detail != NULL ? json_loads(detail, 0, NULL) : NULL;
	json_t *v = json_string(json_is_string(json_object_get(o, key))
	        ? json_string_value(json_object_get(o, key))
	        : "");

	json_decref(o);
	return v;
}

/* What the counter forms print (printdoc_form): the latest supplement
 * request (Mẫu 02) and apology (Mẫu 04), the reason of the refusal (Mẫu
 * 03) when it came through the status route, and the hand-offs (Mẫu
 * 05). */
static void
form_events(json_t *o, const struct store_dossier *d)
{
	const struct store_event *supp = NULL, *apo = NULL, *refuse = NULL;
	json_t *ho = json_array();

	for (size_t i = 0; i < d->nevents; i++) {
		const struct store_event *e = &d->events[i];

		if (strcmp(e->kind, "supplement_request") == 0)
			supp = e;
		else if (strcmp(e->kind, "apology") == 0)
			apo = e;
		else if (e->new_status == ST_REFUSED)
			refuse = e;
	}
	if (supp != NULL)
		json_object_set_new(o, "supplement",
		    json_pack("{s:o,s:o,s:o}", "at", reply_time(supp->at),
		        "reason", reply_text(supp->reason), "items",
		        detail_member(supp->detail, "items")));
	if (apo != NULL)
		json_object_set_new(o, "apology",
		    json_pack("{s:o,s:o,s:o,s:o,s:o}", "at",
		        reply_time(apo->at), "reason", reply_text(apo->reason),
		        "unit", detail_member(apo->detail, "unit"),
		        "due_before", reply_time(apo->due_before), "due_after",
		        reply_time(apo->due_after)));
	if (d->refusal_reason == NULL && refuse != NULL)
		json_object_set_new(o, "refusal_reason",
		    reply_text(refuse->reason));
	for (size_t i = 0; ho != NULL && i < d->nhandoffs; i++)
		json_array_append_new(ho,
		    json_pack("{s:o,s:o,s:o,s:o}", "at",
		        reply_time(d->handoffs[i].at), "from",
		        reply_text(d->handoffs[i].from), "to",
		        reply_text(d->handoffs[i].to), "note",
		        reply_text(d->handoffs[i].note)));
	json_object_set_new(o, "handoffs", ho);
}

json_t *
printdata_dossier(const struct store_dossier *d)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "code", reply_text(d->code));
	json_object_set_new(o, "procedure_code", reply_text(d->procedure_code));
	json_object_set_new(o, "procedure_name", reply_text(d->procedure_name));
	json_object_set_new(o, "agency_name", reply_text(d->agency_name));
	json_object_set_new(o, "owner_name", reply_text(d->owner_name));
	json_object_set_new(o, "address", reply_text(d->address));
	json_object_set_new(o, "delivery", json_integer(d->delivery));
	json_object_set_new(o, "status", json_integer(d->status));
	json_object_set_new(o, "received_at", reply_time(d->received_at));
	json_object_set_new(o, "due_at", reply_time(d->due_at));
	json_object_set_new(o, "postal_item_id", reply_text(d->postal_item_id));
	json_object_set_new(o, "token", reply_text(d->token));
	/* neither number to open it by code at the kiosk: the receipt says
	 * to scan its QR (the numbers themselves never reach a print) */
	json_object_set_new(o, "qr_only",
	    json_boolean(
	        factor_choose(false, d->owner_id_no, d->phone) == FACTOR_NONE));
	json_object_set_new(o, "phone", reply_text(d->phone));
	json_object_set_new(o, "refusal_reason", reply_text(d->refusal_reason));
	form_events(o, d);
	return o;
}

json_t *
printdata_dossier_read(struct store *s, const char *code, int64_t now,
    enum store_rc *rc)
{
	struct store_dossier d;
	json_t *o;

	if ((*rc = store_dossier(s, code, now, &d)) != STORE_OK)
		return NULL;
	o = printdata_dossier(&d);
	store_dossier_cleanup(&d);
	if (o == NULL)
		*rc = STORE_ERROR;
	return o;
}

json_t *
printdata_job(const struct store_print_job *j)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b,s:i,s:s,s:o,s:o,s:s,s:s}",
	    "id", (json_int_t)j->id, "kind", j->kind, "ref", j->ref, "state",
	    j->state, "reprint", j->reprint, "attempts", j->attempts, "actor",
	    j->actor, "created_at", reply_time(j->created_at), "finished_at",
	    reply_time(j->finished_at), "printer_state", j->printer_state,
	    "outcome", j->outcome);

	if (o != NULL && j->reprint_of != 0)
		json_object_set_new(o, "reprint_of",
		    json_integer((json_int_t)j->reprint_of));
	if (o != NULL && j->bytes > 0)
		json_object_set_new(o, "bytes",
		    json_integer((json_int_t)j->bytes));
	return o;
}

static int
add_job(void *arg, const struct store_print_job *j)
{
	json_array_append_new(arg, printdata_job(j));
	return 0;
}

json_t *
printdata_jobs(struct store *s, int limit)
{
	json_t *a = json_array();

	if (a != NULL && store_print_jobs(s, limit, add_job, a) != STORE_OK) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static int
add_doc(void *arg, const struct store_manifest_doc *d)
{
	/* the printed block names the dossier and, apart, its S10 item */
	json_array_append_new(arg,
	    json_pack("{s:s,s:o,s:o,s:o,s:i,s:I,s:o}", "code", d->code,
	        "procedure_name", reply_text(d->procedure_name), "owner_name",
	        reply_text(d->owner_name), "address", reply_text(d->address),
	        "delivery", d->delivery, "fee", (json_int_t)d->fee, "item_id",
	        reply_text(d->item_id)));
	return 0;
}

json_t *
printdata_manifest_docs(struct store *s, const char *id, enum store_rc *rc)
{
	json_t *arr = json_array();

	if ((*rc = store_postal_manifest_docs(s, id, add_doc, arr)) !=
	    STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
