/* api_counter.c: the counter desk's writes (api_counter.h). The bodies
 * are checked here (every problem names its field), the store writes
 * each in one transaction with its audit row, and the replies carry no
 * more personal data than the request did. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "core/calendar.h"
#include "core/scantext.h"
#include "core/status.h"
#include "counter/api_counter.h"
#include "http/reply.h"
#include "http/request.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "store/store.h"
#include "store/storerc.h"

#define TEXT_MAX 2000 /* reason, note, summary */

static void
reply_store(struct http_response *r, enum store_rc rc, const char *err)
{
	if (rc == STORE_ERROR)
		log_warnx("counter: store: %s", err);
	reply_problem(r, storerc_status(rc), err);
}

/* Queues the form of a write that succeeded (Mẫu 03, 05) when the
 * printer is on and the body did not say "print": false; the write
 * stands if the queue is full. The job's id, or 0. */
static int64_t
queue_form(const struct route_ctx *c, const char *kind, const char *code,
    const char *actor, bool print)
{
	int64_t id;

	if (!print || c->printer == NULL || c->print == NULL ||
	    c->print->queue == NULL || !c->cfg->printer_enabled)
		return 0;
	if ((id = c->print->queue(c->printer, kind, code, actor)) < 0) {
		log_warnx("print: %s of %s not queued: %s", kind, code,
		    strerror(errno));
		return 0;
	}
	return id;
}

/* A create's Idempotency-Key (routes.c parsed it) for the store. */
static void
idem_init(struct store_idem *idem, const struct http_request *hr,
    store_idem_render *render, void *arg)
{
	memset(idem, 0, sizeof *idem);
	idem->render = render;
	idem->arg = arg;
	if (hr->idem != NULL) {
		idem->key = hr->idem->key;
		memcpy(idem->hash, hr->idem->hash, sizeof idem->hash);
	}
}

/* A rendered reply (recorded with the key or not) as the response. */
static int
render_json(json_t *j, int status, int *st, char **body, size_t *len)
{
	*st = status;
	*body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (*body == NULL)
		return -1;
	*len = strlen(*body);
	return 0;
}

static void
reply_rendered(struct http_response *r, struct store_idem *idem,
    store_idem_render *render, void *arg)
{
	if (idem->body == NULL &&
	    render(arg, &idem->status, &idem->body, &idem->len) != 0) {
		reply_error(r, 500, "", "out of memory");
		return;
	}
	r->status = idem->status;
	r->body = idem->body;
	r->len = idem->len;
}

/* ---- POST /api/v1/refusals ---- */

struct refusal_reply {
	const struct store_intake_result *res;
	const char *reason;
};

static int
refusal_render(void *arg, int *status, char **body, size_t *len)
{
	const struct refusal_reply *rr = arg;

	return render_json(json_pack("{s:s,s:s,s:i,s:s,s:s}", "code",
	                       rr->res->code, "token", rr->res->token, "status",
	                       ST_REFUSED, "status_name",
	                       status_name(ST_REFUSED), "reason", rr->reason),
	    201, status, body, len);
}

void
counter_route_refusal(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct request_body b;
	struct store_intake in = { 0 };
	struct store_intake_result res;
	struct refusal_reply rr = { &res, NULL };
	struct store_idem idem;
	const char *delivery = NULL, *actor_name = NULL;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX];
	bool print;
	enum store_rc rc;

	(void)pp;
	if (request_body_parse(&b, hr) == -1 ||
	    request_body_bool(&b, "print", true, &print) ||
	    request_body_str(&b, "procedure_code", true, 64,
	        &in.procedure_code) ||
	    request_body_str(&b, "agency_code", false, 35, &in.agency_code) ||
	    request_body_str(&b, "owner_name", true, 200, &in.owner_name) ||
	    request_body_str(&b, "owner_id_no", false, 32, &in.owner_id_no) ||
	    request_body_str(&b, "phone", false, 32, &in.phone) ||
	    request_body_str(&b, "address", false, 500, &in.address) ||
	    request_body_str(&b, "email", false, 254, &in.email) ||
	    request_body_str(&b, "summary", false, TEXT_MAX, &in.summary) ||
	    request_body_str(&b, "delivery", false, 16, &delivery) ||
	    request_body_str(&b, "reason", true, TEXT_MAX, &rr.reason) ||
	    request_body_str(&b, "actor", false, 64, &actor_name)) {
		request_body_error(r, &b);
		return;
	}
	in.channel = CHANNEL_COUNTER;
	in.delivery = DELIVERY_COUNTER;
	if (delivery != NULL &&
	    (in.delivery = delivery_from_name(delivery)) < 0) {
		snprintf(b.err_field, sizeof b.err_field, "delivery");
		snprintf(b.err, sizeof b.err,
		    "must be \"counter\" or \"post\"");
		request_body_error(r, &b);
		return;
	}
	if (in.agency_code == NULL || *in.agency_code == '\0')
		in.agency_code = c->cfg->agency_code;
	in.received_at = clock_wall_s();
	request_actor_name(hr, actor_name, actor, sizeof actor);
	in.actor = actor;
	idem_init(&idem, hr, refusal_render, &rr);
	in.idem = &idem;
	rc = store_refusal(c->store, &in, rr.reason, &res, err);
	if (rc != STORE_OK) {
		json_decref(b.root);
		free(idem.body);
		reply_store(r, rc, err);
		return;
	}
	log_info("refusal %s by %s", res.code, actor);
	/* Mẫu 03; a keyed retry never gets here (routes.c answers it from
	 * the store), so the form prints once */
	queue_form(c, "refusal", res.code, actor, print);
	reply_rendered(r, &idem, refusal_render, &rr);
	json_decref(b.root); /* rr.reason belongs to it */
}

/* ---- POST /api/v1/dossiers/{code}/handoffs ---- */

struct handoff_reply {
	const char *code, *from, *to, *note, *actor;
	int64_t id, at;
};

static int
handoff_render(void *arg, int *status, char **body, size_t *len)
{
	const struct handoff_reply *h = arg;

	return render_json(json_pack("{s:s,s:I,s:o,s:s,s:s,s:o,s:s}", "code",
	                       h->code, "id", (json_int_t)h->id, "at",
	                       reply_time(h->at), "from", h->from, "to", h->to,
	                       "note", reply_text(h->note), "actor", h->actor),
	    201, status, body, len);
}

void
counter_route_handoff(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct request_body b;
	struct handoff_reply h = { 0 };
	struct store_idem idem;
	const char *actor_name = NULL;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX],
	    code[DCODE_TEXT_MAX + 1];
	const char *seg = route_param(pp, "code");
	bool print;
	enum store_rc rc;

	if (scantext_code_normalise(seg, strlen(seg), code) != DCODE_OK) {
		reply_error(r, 400, "code", "not a dossier code");
		return;
	}
	if (request_body_parse(&b, hr) == -1 ||
	    request_body_str(&b, "from", true, STORE_PARTY_MAX, &h.from) ||
	    request_body_str(&b, "to", true, STORE_PARTY_MAX, &h.to) ||
	    request_body_str(&b, "note", false, TEXT_MAX, &h.note) ||
	    request_body_bool(&b, "print", true, &print) ||
	    request_body_str(&b, "actor", false, 64, &actor_name)) {
		request_body_error(r, &b);
		return;
	}
	request_actor_name(hr, actor_name, actor, sizeof actor);
	h.code = code;
	h.actor = actor;
	h.at = clock_wall_s();
	idem_init(&idem, hr, handoff_render, &h);
	rc = store_handoff_add(c->store, code, h.from, h.to, h.note, actor,
	    h.at, &h.id, &idem, err);
	if (rc != STORE_OK) {
		json_decref(b.root);
		free(idem.body);
		reply_store(r, rc, err);
		return;
	}
	log_info("handoff %s #%lld by %s", code, (long long)h.id, actor);
	queue_form(c, "control", code, actor, print); /* Mẫu 05, up to date */
	reply_rendered(r, &idem, handoff_render, &h);
	json_decref(b.root);
}

/* ---- POST /api/v1/returns ---- */

void
counter_route_return(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct request_body b;
	struct scantext st;
	struct store_lookup lk;
	struct store_dossier d;
	const char *scan, *collected_by, *actor_name = NULL;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX],
	    code[DCODE_TEXT_MAX + 1];
	bool id_checked;
	json_t *v;
	enum store_rc rc;
	int64_t now = clock_wall_s();

	(void)pp;
	if (request_body_parse(&b, hr) == -1 ||
	    request_body_str(&b, "scan", true, SCANTEXT_MAX, &scan) ||
	    request_body_str(&b, "collected_by", true, 200, &collected_by) ||
	    request_body_str(&b, "actor", false, 64, &actor_name)) {
		request_body_error(r, &b);
		return;
	}
	/* the clerk says they saw the collector's ID: the desk's rule, so
	 * a result never leaves on a name alone (docs/counter.md) */
	v = json_object_get(b.root, "id_checked");
	if (!json_is_boolean(v) || !(id_checked = json_is_true(v))) {
		snprintf(b.err_field, sizeof b.err_field, "id_checked");
		snprintf(b.err, sizeof b.err,
		    "must be true: check the collector's ID document first");
		request_body_error(r, &b);
		return;
	}
	scantext_classify(scan, strlen(scan), &st);
	if (st.kind == SCANTEXT_UNKNOWN) {
		snprintf(b.err_field, sizeof b.err_field, "scan");
		snprintf(b.err, sizeof b.err,
		    "not a receipt's token, lookup URL or dossier code");
		request_body_error(r, &b);
		return;
	}
	if (st.kind == SCANTEXT_TOKEN) {
		rc = store_lookup_token(c->store, st.value, &lk);
		if (rc != STORE_OK) {
			json_decref(b.root);
			reply_error(r, storerc_status(rc), "scan",
			    rc == STORE_NOTFOUND ? "no dossier has this token"
			                         : "the store cannot be read");
			return;
		}
		snprintf(code, sizeof code, "%s", lk.code);
	} else {
		snprintf(code, sizeof code, "%s", st.value);
	}
	request_actor_name(hr, actor_name, actor, sizeof actor);
	rc = store_return_desk(c->store, code, collected_by, id_checked, actor,
	    now, err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		reply_store(r, rc, err);
		return;
	}
	log_info("return %s at the desk by %s", code, actor);
	if (store_dossier(c->store, code, now, &d) != STORE_OK) {
		reply_error(r, 500, "", "the store cannot be read");
		return;
	}
	reply_json(r, 200,
	    json_pack("{s:s,s:i,s:s,s:o,s:o,s:b}", "code", code, "status",
	        d.status, "status_name", status_name(d.status), "returned_at",
	        reply_time(d.returned_at), "collected_by",
	        reply_text(d.collected_by), "id_checked", d.id_checked));
	store_dossier_cleanup(&d);
}
