/* api_dossiers.c: the counter's dossier routes (docs/api.md, "Staff
 * routes"): intake, search, the staff view, the token, status changes,
 * supplements, apologies and counts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "lib/clock.h"
#include "api/dossier_json.h"
#include "core/calendar.h"
#include "core/factor.h"
#include "core/role.h"
#include "core/status.h"
#include "core/textfold.h"
#include "core/token.h"
#include "http/reply.h"
#include "lib/log.h"

/* Queues the counter form of a write that succeeded (Mẫu 02, 03, 04)
 * when the printer is on and the body did not say "print": false. The
 * write stands if the queue is full: the form can be printed again from
 * the jobs list (docs/counter.md). */
static void
queue_form(const struct route_ctx *a, const char *kind, const char *code,
    const char *actor, bool print)
{
	if (!print || a->printer == NULL || a->print == NULL ||
	    a->print->queue == NULL || !a->cfg->printer_enabled)
		return;
	if (a->print->queue(a->printer, kind, code, actor) < 0)
		log_warnx("print: %s of %s not queued: %s", kind, code,
		    strerror(errno));
}

/* The reply of an intake, built once: inside the store's transaction when
 * the request has an Idempotency-Key (it is recorded with the dossier),
 * else after it. */
struct intake_reply {
	const struct route_ctx *a;
	const struct store_intake_result *res;
	/* which number opens it by code at the kiosk (factor_kind_name):
	 * "none" lets the counter warn before printing (docs/api.md) */
	const char *kiosk_factor;
	const struct store_print_req *print; /* its job: the receipt's */
};

static json_t *
intake_json(const struct intake_reply *ir)
{
	char due[32], url[512];

	cal_format_iso(ir->res->due_at, due);
	api_lookup_url(ir->a, ir->res->token, url, sizeof url);
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:o}", "code", ir->res->code,
	    "token", ir->res->token, "lookup_url", url, "due_at", due,
	    "provisional", ir->res->provisional, "kiosk_factor",
	    ir->kiosk_factor, "print_job",
	    ir->print->job != 0 ? json_integer((json_int_t)ir->print->job)
	                        : json_null());
}

static int
intake_render(void *arg, int *status, char **body, size_t *len)
{
	json_t *j = intake_json(arg);

	*status = 201;
	*body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (*body == NULL)
		return -1;
	*len = strlen(*body);
	return 0;
}

static void
route_intake(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r)
{
	struct request_body b;
	struct store_intake in = { 0 };
	struct store_intake_result res;
	struct store_print_req pr = { .copies = 1 };
	struct intake_reply ir = { a, &res, "none", &pr };
	struct store_idem idem = { .render = intake_render, .arg = &ir };
	const char *delivery = NULL, *actor_name = NULL;
	bool print;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX];
	enum store_rc rc;

	if (request_body_parse(&b, hr) == -1 ||
	    request_body_str(&b, "procedure_code", true, 64,
	        &in.procedure_code) ||
	    request_body_str(&b, "agency_code", false, 35, &in.agency_code) ||
	    request_body_str(&b, "owner_name", true, 200, &in.owner_name) ||
	    request_body_str(&b, "owner_id_no", false, 32, &in.owner_id_no) ||
	    request_body_str(&b, "phone", false, 32, &in.phone) ||
	    request_body_str(&b, "address", false, 500, &in.address) ||
	    request_body_str(&b, "email", false, 254, &in.email) ||
	    request_body_str(&b, "summary", false, STAFF_BODY_TEXT_MAX,
	        &in.summary) ||
	    request_body_str(&b, "delivery", false, 16, &delivery) ||
	    request_body_str(&b, "actor", false, 64, &actor_name) ||
	    request_body_time(&b, "received_at", false, &in.received_at) ||
	    request_body_bool(&b, "print", true, &print) ||
	    request_body_str(&b, "back_entry_reason", false, 500,
	        &in.back_entry_reason)) {
		request_body_error(r, &b);
		return;
	}
	/* The receipt time is the daemon's clock, or an operator's audited
	 * back-entry (docs/api.md): never a silent client-chosen time. */
	if ((in.received_at != 0) != (in.back_entry_reason != NULL) ||
	    (in.received_at != 0 && !role_in(request_actor(hr), ROLES_ADMIN))) {
		json_decref(b.root);
		if (in.received_at == 0)
			reply_error(r, 400, "back_entry_reason",
			    "only with received_at (a back-entry)");
		else if (in.back_entry_reason == NULL)
			reply_error(r, 400, "received_at",
			    "only in a back-entry: give back_entry_reason, or "
			    "omit received_at to use the daemon's clock");
		else
			reply_error(r, 403, "received_at",
			    "a back-entry needs the admin role");
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
		in.agency_code = a->cfg->agency_code;
	if (in.received_at == 0)
		in.received_at = clock_wall_s();
	request_actor_name(hr, actor_name, actor, sizeof actor);
	in.actor = actor;
	if (hr->idem != NULL) {
		idem.key = hr->idem->key;
		memcpy(idem.hash, hr->idem->hash, sizeof idem.hash);
		in.idem = &idem;
	}
	ir.kiosk_factor = factor_kind_name(factor_choose(
	    a->cfg->kiosk_factor_phone, in.owner_id_no, in.phone));
	/* the receipt (Mẫu 01) is queued in the intake's transaction, as a
	 * postal registration's is: a code is never issued without it */
	pr.queue = print && a->printer != NULL && a->print != NULL &&
	    a->cfg->printer_enabled;
	if (pr.queue) {
		pr.copies = a->cfg->printer_receipt_copies;
		pr.max_pending = a->print->queue_max(a->printer);
	}
	rc = store_intake_print(a->store, &in, &pr, &res, err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		free(idem.body);
		if (rc == STORE_FULL)
			log_warnx("ALERT: %s", err);
		api_reply_store(r, rc, err);
		return;
	}
	a->counters->intakes++;
	log_info("intake %s by %s", res.code, actor);
	if (pr.job != 0)
		a->print->kick(a->printer);
	if (idem.body != NULL) { /* the reply recorded with the key */
		r->status = idem.status;
		r->body = idem.body;
		r->len = idem.len;
		return;
	}
	reply_json(r, 201, intake_json(&ir));
}
static void
route_status(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r, const char *code)
{
	struct request_body b;
	const char *reason, *actor_name;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX];
	json_t *st;
	int status;
	bool print;
	enum store_rc rc;

	if (request_body_parse(&b, hr) == -1 ||
	    request_body_str(&b, "reason", true, STAFF_BODY_TEXT_MAX,
	        &reason) ||
	    request_body_str(&b, "actor", false, 64, &actor_name) ||
	    request_body_bool(&b, "print", true, &print)) {
		request_body_error(r, &b);
		return;
	}
	st = json_object_get(b.root, "status");
	if (!json_is_integer(st) ||
	    !status_valid((int)json_integer_value(st))) {
		snprintf(b.err_field, sizeof b.err_field, "status");
		snprintf(b.err, sizeof b.err,
		    "must be an integer from 1 to 10");
		request_body_error(r, &b);
		return;
	}
	status = (int)json_integer_value(st);
	request_actor_name(hr, actor_name, actor, sizeof actor);
	rc = store_set_status(a->store, code, status, reason, actor,
	    clock_wall_s(), err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		api_reply_store(r, rc, err);
		return;
	}
	a->counters->status_changes++;
	log_info("status %s -> %d by %s", code, status, actor);
	/* an online dossier refused at the counter gets its Mẫu 03 */
	if (status == ST_REFUSED)
		queue_form(a, "refusal", code, actor, print);
	api_reply_dossier(a, r, code, 200);
}

static void
route_supplement(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r, const char *code)
{
	struct request_body b;
	const char *action, *reason, *items, *actor_name;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX];
	int64_t new_due;
	bool print, request = false;
	enum store_rc rc;

	if (request_body_parse(&b, hr) == -1 ||
	    request_body_bool(&b, "print", true, &print) ||
	    request_body_str(&b, "action", true, 16, &action) ||
	    request_body_str(&b, "reason", false, STAFF_BODY_TEXT_MAX,
	        &reason) ||
	    request_body_str(&b, "items", false, STAFF_BODY_TEXT_MAX, &items) ||
	    request_body_str(&b, "actor", false, 64, &actor_name) ||
	    request_body_time(&b, "new_due_at", false, &new_due)) {
		request_body_error(r, &b);
		return;
	}
	request_actor_name(hr, actor_name, actor, sizeof actor);
	if (strcmp(action, "request") == 0) {
		if (reason == NULL || *reason == '\0') {
			snprintf(b.err_field, sizeof b.err_field, "reason");
			snprintf(b.err, sizeof b.err,
			    "is required for a supplement request");
			request_body_error(r, &b);
			return;
		}
		rc = store_supplement_request(a->store, code, reason, items,
		    actor, clock_wall_s(), err);
		request = true;
	} else if (strcmp(action, "complete") == 0) {
		rc = store_supplement_complete(a->store, code, new_due, actor,
		    clock_wall_s(), err);
	} else {
		snprintf(b.err_field, sizeof b.err_field, "action");
		snprintf(b.err, sizeof b.err,
		    "must be \"request\" or \"complete\"");
		request_body_error(r, &b);
		return;
	}
	if (rc == STORE_OK) /* action belongs to b.root */
		log_info("supplement %s %s by %s", action, code, actor);
	json_decref(b.root);
	if (rc != STORE_OK) {
		api_reply_store(r, rc, err);
		return;
	}
	if (request) /* Mẫu 02 with the missing items and the reason */
		queue_form(a, "supplement", code, actor, print);
	api_reply_dossier(a, r, code, 200);
}

static void
route_apology(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r, const char *code)
{
	struct request_body b;
	const char *reason, *unit, *actor_name;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX];
	int64_t new_due;
	bool print;
	enum store_rc rc;

	if (request_body_parse(&b, hr) == -1 ||
	    request_body_bool(&b, "print", true, &print) ||
	    request_body_str(&b, "reason", true, STAFF_BODY_TEXT_MAX,
	        &reason) ||
	    request_body_str(&b, "unit", false, 200, &unit) ||
	    request_body_str(&b, "actor", false, 64, &actor_name) ||
	    request_body_time(&b, "new_due_at", true, &new_due)) {
		request_body_error(r, &b);
		return;
	}
	request_actor_name(hr, actor_name, actor, sizeof actor);
	rc = store_apology(a->store, code, reason, unit, new_due, actor,
	    clock_wall_s(), err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		api_reply_store(r, rc, err);
		return;
	}
	log_info("apology %s by %s", code, actor);
	queue_form(a, "apology", code, actor, print); /* Mẫu 04 */
	api_reply_dossier(a, r, code, 200);
}

static void
route_token(const struct route_ctx *a, struct http_response *r,
    const char *code)
{
	char token[TOKEN_LEN + 1], url[512];
	enum store_rc rc = store_token(a->store, code, token);

	if (rc != STORE_OK) {
		api_reply_store(r, rc,
		    rc == STORE_NOTFOUND ? "code: no such dossier"
		                         : "token: cannot issue one");
		return;
	}
	api_lookup_url(a, token, url, sizeof url);
	reply_json(r, 200,
	    json_pack("{s:s,s:s,s:s}", "code", code, "token", token,
	        "lookup_url", url));
}
static void
route_search(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r)
{
	struct store_query q = { 0 };
	const char *lim = http_query(hr, "limit");
	char err[STORE_ERR_MAX], *end;
	json_t *res;

	q.code = http_query(hr, "code");
	q.name = http_query(hr, "name");
	q.limit = 50;
	if (request_query_day(hr, "from", false, &q.from_day, r) ||
	    request_query_day(hr, "to", false, &q.to_day, r))
		return;
	if (lim != NULL) {
		long l = strtol(lim, &end, 10);

		if (*lim == '\0' || *end != '\0' || l < 1 || l > 1000) {
			reply_error(r, 400, "limit",
			    "must be an integer from 1 to 1000");
			return;
		}
		q.limit = (int)l;
	}
	if (q.name != NULL &&
	    (strlen(q.name) > 200 || !text_valid(q.name, strlen(q.name)))) {
		reply_error(r, 400, "name",
		    "must be text of at most 200 bytes");
		return;
	}
	if (q.from_day >= 0 && q.to_day >= 0 && q.from_day > q.to_day) {
		reply_error(r, 400, "to", "is before from");
		return;
	}
	if ((res = dossier_json_search(a->store, &q, clock_wall_s(), err)) ==
	    NULL) {
		api_reply_store(r, STORE_INVALID, err);
		return;
	}
	r->records = (long)json_array_size(res); /* for the read audit */
	reply_json(r, 200, json_pack("{s:o}", "results", res));
}

static void
route_counts(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r)
{
	int from, to;
	json_t *j;

	if (request_query_day(hr, "from", true, &from, r) ||
	    request_query_day(hr, "to", true, &to, r))
		return;
	if (from > to) {
		reply_error(r, 400, "to", "is before from");
		return;
	}
	if (to - from >= PERIOD_DAYS_MAX) {
		reply_error(r, 400, "to", "the period is longer than 10 years");
		return;
	}
	if ((j = dossier_json_counts(a->store, from, to)) == NULL) {
		reply_error(r, 500, "", "counting failed");
		return;
	}
	reply_json(r, 200, j);
}

/* {code} as a canonical dossier code, or a 400 and -1. */
static int
code_param(const struct route_ctx *a, const struct route_params *pp,
    char code[DCODE_TEXT_MAX + 1], struct http_response *r)
{
	const char *seg = route_param(pp, "code");

	return api_path_code(a, seg, strlen(seg), code, r);
}

void
api_dossiers_intake(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_intake(a, hr, r);
}

void
api_dossiers_search(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_search(a, hr, r);
}

void
api_dossiers_counts(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_counts(a, hr, r);
}

void
api_dossiers_get(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char code[DCODE_TEXT_MAX + 1];

	(void)hr;
	if (code_param(a, pp, code, r) == 0)
		api_reply_dossier(a, r, code, 200);
}

void
api_dossiers_token(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char code[DCODE_TEXT_MAX + 1];
	bool in;

	if (code_param(a, pp, code, r) != 0)
		return;
	/* the token opens the dossier's lookup: a postal clerk's scope
	 * only, and out of it as if there were none (docs/security.md
	 * "Postal scope") */
	if (store_postal_dossier_in_scope(a->store, request_actor(hr), code,
	        &in) != STORE_OK) {
		reply_error(r, 500, "", "the store cannot be read");
		return;
	}
	if (!in) {
		reply_error(r, 404, "code", "no such dossier");
		return;
	}
	route_token(a, r, code);
}

void
api_dossiers_status(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char code[DCODE_TEXT_MAX + 1];

	if (code_param(a, pp, code, r) == 0)
		route_status(a, hr, r, code);
}

void
api_dossiers_supplement(const struct route_ctx *a,
    const struct http_request *hr, const struct route_params *pp,
    struct http_response *r)
{
	char code[DCODE_TEXT_MAX + 1];

	if (code_param(a, pp, code, r) == 0)
		route_supplement(a, hr, r, code);
}

void
api_dossiers_apology(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char code[DCODE_TEXT_MAX + 1];

	if (code_param(a, pp, code, r) == 0)
		route_apology(a, hr, r, code);
}
