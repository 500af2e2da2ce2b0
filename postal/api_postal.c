/* api_postal.c: see api_postal.h. The route table follows the contract in
 * docs/api.md ("Postal"); the store does the work in one transaction per
 * write. The applicant's details never reach the log: log lines name the
 * dossier code and the S10 item only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "postal/api_postal.h"
#include "lib/clock.h"
#include "postal/postal_json.h"
#include "core/calendar.h"
#include "core/csvcell.h"
#include "core/dcode.h"
#include "lib/log.h"
#include "postal/postalreg.h"
#include "postal/postid.h"
#include "core/status.h"
#include "core/textfold.h"
#include "http/reply.h"
#include "http/request.h"
#include "store/storerc.h"

#define MANIFESTS_LISTED 200

struct ctx {
	struct store *store;
	void *printer; /* opaque: only through print (route_ctx) */
	const struct route_print_ops *print;
	const struct config *cfg;
	const struct http_request *hr;
	struct http_response *r;
	const struct actor *actor;
};

/* {"field", "message"}: the daemon's one error shape (docs/api.md
 * "Errors"), also each refused entry of a batch; field "" when none. */
static json_t *
error_obj(const char *field, const char *msg)
{
	return json_pack("{s:s,s:s}", "field", field ? field : "", "message",
	    msg ? msg : "");
}

/* A store message "field: why" as an error reply: the one mapping
 * (storerc.h), but an invalid field is 422 on every postal route, as the
 * route's own checks answer (docs/api.md, "Postal"). */
static void
reply_store(struct http_response *r, enum store_rc rc, const char *err)
{
	int status = rc == STORE_INVALID ? 422 : storerc_status(rc);

	if (rc == STORE_ERROR)
		log_warnx("postal: store: %s", err);
	reply_problem(r, status, err);
}

void
api_postal_socket_actor(const struct http_request *hr, struct actor *a)
{
	json_t *root = NULL, *v;
	const char *named = NULL;

	/* the postal bodies name their clerk like the other staff routes */
	if (hr->body_len > 0 &&
	    (root = json_loadb(hr->body, hr->body_len, 0, NULL)) != NULL &&
	    json_is_string(v = json_object_get(root, "actor")))
		named = json_string_value(v);
	request_actor_name(hr, named, a->name, sizeof a->name);
	a->role = ROLE_ADMIN;
	json_decref(root);
}

/* The JSON body as an object, or a 400 reply and NULL. */
static json_t *
body(struct ctx *c)
{
	json_error_t je;
	json_t *o;
	char msg[200];

	if (c->hr->body_len == 0) {
		reply_error(c->r, 400, "body", "a JSON object is required");
		return NULL;
	}
	o = json_loadb(c->hr->body, c->hr->body_len, JSON_REJECT_DUPLICATES,
	    &je);
	if (o == NULL || !json_is_object(o)) {
		snprintf(msg, sizeof msg, "%s%s",
		    o ? "must be a JSON object" : "not valid JSON: ",
		    o ? "" : je.text);
		json_decref(o);
		reply_error(c->r, 400, "body", msg);
		return NULL;
	}
	return o;
}

/* A required (or optional) string member; a 422 reply when wrong. */
static int
member(struct ctx *c, json_t *o, const char *key, bool required,
    const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		reply_error(c->r, 422, key, "is required");
		return -1;
	}
	if (!json_is_string(v) || json_string_length(v) > 2000 ||
	    !text_valid(json_string_value(v), json_string_length(v))) {
		reply_error(c->r, 422, key,
		    "must be text (at most 2000 bytes)");
		return -1;
	}
	if (required && json_string_length(v) == 0) {
		reply_error(c->r, 422, key, "must not be empty");
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* Untrusted S10 text -> normalised id; a 422 reply on a bad format. */
static int
item_arg(struct ctx *c, const char *text, char out[S10_LEN + 1])
{
	struct s10 s;
	char msg[160];

	if (s10_parse(text, strlen(text), &s) == S10_BAD_FORMAT) {
		snprintf(msg, sizeof msg, "not an S10 item id: %s", s.reason);
		reply_error(c->r, 422, "item_id", msg);
		return -1;
	}
	memcpy(out, s.id, S10_LEN + 1);
	return 0;
}

static int
manifest_arg(struct ctx *c, const char *seg, char out[MANIFEST_ID_LEN + 1])
{
	int y, m, d, seq;

	if (!manifest_id_parse(seg, strlen(seg), &y, &m, &d, &seq)) {
		reply_error(c->r, 404, "manifest_id",
		    "not a manifest id BKYYYYMMDD-NNNN");
		return -1;
	}
	manifest_id_format(y, m, d, seq, out);
	return 0;
}

/* ---- routes ---- */

static void
route_s10(struct ctx *c, const char *text)
{
	struct s10 s;
	json_t *o;

	s10_parse(text, strlen(text), &s);
	o = json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:b,s:o}", "id", text,
	    "normalised", s.id[0] ? json_string(s.id) : json_null(), "verdict",
	    s10_verdict_name(s.verdict), "reason",
	    s.reason ? json_string(s.reason) : json_null(), "reason_code",
	    s.reason_code ? json_string(s.reason_code) : json_null(), "service",
	    s.service ? json_string(s.service) : json_null(), "overridable",
	    s10_overridable(s.verdict), "expected_check",
	    s.expected_check >= 0 ? json_integer(s.expected_check)
	                          : json_null());
	reply_json(c->r, 200, o);
}

static void
route_item(struct ctx *c, const char *text)
{
	char id[S10_LEN + 1];
	enum store_rc rc;
	json_t *o;

	if (item_arg(c, text, id) == -1)
		return;
	if ((o = postal_json_item(c->store, c->actor, id, clock_wall_s(),
	         &rc)) == NULL) {
		if (rc == STORE_NOTFOUND)
			reply_error(c->r, 404, "item_id",
			    "this item is not registered");
		else
			reply_error(c->r, 500, NULL,
			    "the store cannot be read");
		return;
	}
	reply_json(c->r, 200, o);
}

static bool
printing_on(const struct ctx *c)
{
	return c->printer != NULL && c->cfg->printer_enabled;
}

/* Jobs the print queue may hold (registrations past it are refused). */
static int
queue_max(const struct ctx *c)
{
	return c->printer ? c->print->queue_max(c->printer) : 1000000;
}

/* A receipt job was queued: let the printer start it. */
static void
kick(const struct ctx *c)
{
	if (c->printer != NULL)
		c->print->kick(c->printer);
}

/* The registration of the body's item_id when it is a well-formed S10
 * id already registered; else NULL (the full parse says what is wrong). */
static json_t *
registered(struct ctx *c)
{
	json_t *root = json_loadb(c->hr->body, c->hr->body_len, 0, NULL);
	json_t *v = json_object_get(root, "item_id"), *o = NULL;
	enum store_rc rc;
	struct s10 s;

	if (json_is_string(v) &&
	    s10_parse(json_string_value(v), json_string_length(v), &s) !=
	        S10_BAD_FORMAT)
		o = postal_json_item(c->store, c->actor, s.id, clock_wall_s(),
		    &rc);
	json_decref(root);
	return o;
}

/* The reply of a registration that created, built once: inside the
 * store's transaction when the request has an Idempotency-Key (recorded
 * with the dossier), else after it. The receipt file is rendered here:
 * its path is part of the reply. */
struct reg_reply {
	struct ctx *c;
	const struct store_postal_reg *reg;
	const struct store_postal_result *res;
};

static json_t *
register_json(const struct reg_reply *rr)
{
	const struct ctx *c = rr->c;
	char *file = NULL;
	json_t *o;

	if (rr->res->print_job != 0) {
		if (strcmp(c->cfg->printer_backend, "file") == 0)
			file = strdup(c->cfg->printer_device);
	} else {
		file = c->printer
		    ? c->print->receipt_png(c->printer, rr->res->code)
		    : NULL;
	}
	o = json_pack("{s:b,s:s,s:s,s:s,s:o,s:o}", "created", 1, "item_id",
	    rr->reg->item_id, "code", rr->res->code, "token", rr->res->token,
	    "receipt_job",
	    rr->res->print_job ? json_integer(rr->res->print_job) : json_null(),
	    "receipt_file", file ? json_string(file) : json_null());
	free(file);
	return o;
}

/* store_idem_render of a json_t builder's reply. */
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

static int
register_render(void *arg, int *status, char **body, size_t *len)
{
	return render_json(register_json(arg), 201, status, body, len);
}

/* The recorded reply of a keyed create, taken into r. */
static void
reply_recorded(struct http_response *r, struct store_idem *idem)
{
	r->status = idem->status;
	r->body = idem->body;
	r->len = idem->len;
	idem->body = NULL;
}

/* An Idempotency-Key for a store call (none: idem->key stays NULL). */
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

/* A scan of an item already registered answers with its registration,
 * applicant included: a read of personal data, audited as one
 * (docs/privacy.md, "Who read what"). Takes o. */
static void
reply_existing(struct ctx *c, json_t *o)
{
	if (store_audit_read(c->store, c->actor->name, c->hr->path,
	        "POST /api/v1/postal/items (already registered)",
	        0) != STORE_OK) {
		json_decref(o);
		reply_error(c->r, 500, "",
		    "the read cannot be recorded in the audit log");
		return;
	}
	json_object_set_new(o, "created", json_false());
	reply_json(c->r, 200, o);
}

static void
route_register(struct ctx *c)
{
	struct postalreg pr;
	struct store_postal_result res;
	struct reg_reply rr = { c, &pr.reg, &res };
	struct store_idem idem;
	char field[POSTALREG_FIELD_MAX], msg[POSTALREG_MSG_MAX];
	char err[STORE_ERR_MAX];
	enum postalreg_rc prc;
	enum store_rc rc;
	json_t *o;

	/* a scan of an item already registered opens that registration,
	 * whatever else the form holds */
	if ((o = registered(c)) != NULL) {
		reply_existing(c, o);
		return;
	}
	prc = postalreg_parse(c->hr->body, c->hr->body_len, clock_wall_s(),
	    c->cfg->agency_code, &pr, field, msg);
	if (prc != POSTALREG_OK) {
		reply_error(c->r, prc == POSTALREG_MALFORMED ? 400 : 422,
		    prc == POSTALREG_MALFORMED ? "body" : field, msg);
		return;
	}
	pr.reg.actor = c->actor->name;
	pr.reg.post_office = c->actor->post_office;
	pr.reg.queue_receipt = printing_on(c);
	pr.reg.max_pending = queue_max(c);
	idem_init(&idem, c->hr, register_render, &rr);
	pr.reg.idem = &idem;
	rc = store_postal_register(c->store, &pr.reg, &res, err);
	if (rc != STORE_OK) {
		free(idem.body);
		postalreg_cleanup(&pr);
		reply_store(c->r, rc, err);
		return;
	}
	if (!res.created) { /* a second scan: the existing registration */
		o = postal_json_item(c->store, c->actor, pr.reg.item_id,
		    clock_wall_s(), &rc);
		postalreg_cleanup(&pr);
		if (o == NULL && rc == STORE_NOTFOUND) {
			reply_error(c->r, 409, "item_id",
			    "this item is registered at another post office");
			return;
		}
		if (o == NULL) {
			reply_error(c->r, 500, NULL,
			    "the store cannot be read");
			return;
		}
		reply_existing(c, o);
		return;
	}
	log_info("postal: %s registered as %s by %s", pr.reg.item_id, res.code,
	    c->actor->name);
	if (res.print_job != 0)
		kick(c);
	if (idem.body != NULL)
		reply_recorded(c->r, &idem);
	else
		reply_json(c->r, 201, register_json(&rr));
	postalreg_cleanup(&pr);
}

/* One batch's arrays: the n entries in order, and the k the store saw
 * (kres[j] is entry map[j]). */
struct batch {
	size_t n, k;
	struct postalreg *pr;
	struct store_postal_result *res, *kres;
	enum store_rc *rcs, *krcs;
	char (*errs)[STORE_ERR_MAX], (*kerrs)[STORE_ERR_MAX];
	char (*fields)[POSTALREG_FIELD_MAX];
	size_t *map;
	bool *bad;
	size_t created; /* set by batch_json */
};

/* The store's results back in the entries' order. */
static void
batch_unmap(struct batch *bt)
{
	for (size_t j = 0; j < bt->k; j++) {
		bt->res[bt->map[j]] = bt->kres[j];
		bt->rcs[bt->map[j]] = bt->krcs[j];
		memcpy(bt->errs[bt->map[j]], bt->kerrs[j], sizeof bt->kerrs[j]);
	}
}

/* {"created","existing","refused","results":[...]}, one result per
 * entry in order. */
static json_t *
batch_json(struct batch *bt)
{
	size_t i, existing = 0, refused = 0;
	json_t *out = json_array();

	bt->created = 0;
	batch_unmap(bt);
	for (i = 0; i < bt->n; i++) {
		json_t *o;

		if (bt->bad[i] || bt->rcs[i] != STORE_OK) {
			char field[REPLY_FIELD_MAX];
			const char *msg = bt->errs[i];

			if (bt->bad[i])
				snprintf(field, sizeof field, "%s",
				    bt->fields[i]);
			else
				msg = reply_split(bt->errs[i], field);
			o = json_pack("{s:I,s:o}", "index", (json_int_t)i,
			    "error", error_obj(field, msg));
			refused++;
		} else {
			o = json_pack("{s:I,s:b,s:s,s:s,s:s,s:o}", "index",
			    (json_int_t)i, "created", bt->res[i].created,
			    "item_id", bt->pr[i].reg.item_id, "code",
			    bt->res[i].code, "token", bt->res[i].token,
			    "receipt_job",
			    bt->res[i].print_job
			        ? json_integer(bt->res[i].print_job)
			        : json_null());
			if (bt->res[i].created)
				bt->created++;
			else
				existing++;
		}
		json_array_append_new(out, o);
	}
	return json_pack("{s:I,s:I,s:I,s:o}", "created",
	    (json_int_t)bt->created, "existing", (json_int_t)existing,
	    "refused", (json_int_t)refused, "results", out);
}

static int
batch_render(void *arg, int *status, char **body, size_t *len)
{
	return render_json(batch_json(arg), 200, status, body, len);
}

static void
batch_free(struct batch *bt)
{
	for (size_t i = 0; bt->pr != NULL && i < bt->n; i++)
		postalreg_cleanup(&bt->pr[i]);
	free(bt->pr);
	free(bt->res);
	free(bt->rcs);
	free(bt->errs);
	free(bt->fields);
	free(bt->map);
	free(bt->bad);
	free(bt->kres);
	free(bt->krcs);
	free(bt->kerrs);
}

/* POST /api/v1/postal/items/batch {"items":[...]}: scripted bulk
 * registration in one transaction (store_postal_register_batch). Each
 * entry is checked like a single registration; the reply has one result
 * per entry, in order. No receipt files are rendered here (print them
 * with `motcua print receipt CODE --to FILE`); with the printer enabled
 * each receipt is queued. */
static void
route_batch(struct ctx *c)
{
	struct batch bt = { 0 };
	struct store_postal_reg *regs = NULL;
	struct store_idem idem;
	char err[STORE_ERR_MAX] = "";
	json_t *b, *items, *it;
	enum store_rc rc;
	size_t n, i, k = 0;

	if ((b = body(c)) == NULL)
		return;
	items = json_object_get(b, "items");
	if (!json_is_array(items) || json_array_size(items) == 0 ||
	    json_array_size(items) > STORE_POSTAL_BATCH_MAX) {
		json_decref(b);
		reply_error(c->r, 422, "items",
		    "must be a list of 1 to 1000 registrations");
		return;
	}
	bt.n = n = json_array_size(items);
	bt.pr = calloc(n, sizeof *bt.pr);
	regs = calloc(n, sizeof *regs);
	bt.res = calloc(n, sizeof *bt.res);
	bt.rcs = calloc(n, sizeof *bt.rcs);
	bt.errs = calloc(n, sizeof *bt.errs);
	bt.fields = calloc(n, sizeof *bt.fields);
	bt.map = calloc(n, sizeof *bt.map);
	bt.bad = calloc(n, sizeof *bt.bad);
	bt.kres = calloc(n, sizeof *bt.kres);
	bt.krcs = calloc(n, sizeof *bt.krcs);
	bt.kerrs = calloc(n, sizeof *bt.kerrs);
	if (!bt.pr || !regs || !bt.res || !bt.rcs || !bt.errs || !bt.fields ||
	    !bt.map || !bt.bad || !bt.kres || !bt.krcs || !bt.kerrs) {
		reply_error(c->r, 500, NULL, "out of memory");
		goto done;
	}
	json_array_foreach(items, i, it) {
		char msg[POSTALREG_MSG_MAX];

		if (postalreg_from_json(it, clock_wall_s(), c->cfg->agency_code,
		        &bt.pr[i], bt.fields[i], msg) != POSTALREG_OK) {
			bt.bad[i] = true;
			snprintf(bt.errs[i], sizeof bt.errs[i], "%s", msg);
			continue;
		}
		bt.pr[i].reg.actor = c->actor->name;
		bt.pr[i].reg.queue_receipt = printing_on(c);
		bt.pr[i].reg.max_pending = queue_max(c);
		regs[k] = bt.pr[i].reg;
		bt.map[k++] = i;
	}
	bt.k = k;
	idem_init(&idem, c->hr, batch_render, &bt);
	/* a batch with a key is recorded even when every entry is refused:
	 * its retry gets the same answer */
	if (k > 0 || idem.key != NULL)
		rc = store_postal_register_batch_idem(c->store, regs, k,
		    bt.kres, bt.krcs, bt.kerrs, &idem, err);
	else
		rc = STORE_OK;
	if (rc != STORE_OK) {
		free(idem.body);
		reply_store(c->r, rc, err);
		goto done;
	}
	/* a recorded reply was built by batch_json in the transaction,
	 * which counted bt.created */
	if (idem.body == NULL)
		reply_json(c->r, 200, batch_json(&bt));
	else
		reply_recorded(c->r, &idem);
	if (bt.created > 0) {
		log_info("postal: %zu registered in a batch by %s", bt.created,
		    c->actor->name);
		if (printing_on(c))
			kick(c);
	}
done:
	batch_free(&bt);
	free(regs);
	json_decref(b);
}

static void
route_close(struct ctx *c)
{
	json_t *b = NULL, *out;
	const char *station = NULL;
	char err[STORE_ERR_MAX];
	enum store_rc rc;

	if (c->hr->body_len > 0) {
		if ((b = body(c)) == NULL)
			return;
		if (member(c, b, "station", false, &station) == -1) {
			json_decref(b);
			return;
		}
	}
	/* a clerk closes only their own scope's registrations */
	rc = postal_json_close(c->store, station,
	    c->actor->role == ROLE_POSTAL_CLERK ? c->actor->post_office : NULL,
	    c->actor->name, clock_wall_s(), printing_on(c), queue_max(c), &out,
	    err);
	json_decref(b);
	if (rc != STORE_OK) {
		reply_store(c->r, rc, err);
		return;
	}
	if (printing_on(c))
		kick(c);
	log_info("postal: manifest %s closed by %s",
	    json_string_value(json_object_get(out, "manifest_id")),
	    c->actor->name);
	reply_json(c->r, 201, out);
}

/* A postal clerk sees a manifest only when every item on it is of their
 * scope (docs/security.md "Postal scope"); everyone else, every one.
 * -1 when the store cannot say. */
static int
manifest_visible(const struct ctx *c, const char *id)
{
	bool in;

	if (c->actor->role != ROLE_POSTAL_CLERK)
		return 1;
	if (store_postal_manifest_in_scope(c->store, id, c->actor->post_office,
	        c->actor->name, &in) != STORE_OK)
		return -1;
	return in ? 1 : 0;
}

static void
reply_manifests(struct ctx *c)
{
	json_t *o = postal_json_manifests(c->store, MANIFESTS_LISTED);
	json_t *list = json_object_get(o, "manifests");
	size_t i = 0;
	int v;

	while (i < json_array_size(list)) {
		v = manifest_visible(c,
		    json_string_value(
		        json_object_get(json_array_get(list, i), "id")));
		if (v == -1) {
			json_decref(o);
			o = NULL;
			break;
		}
		if (v == 0)
			json_array_remove(list, i);
		else
			i++;
	}
	if (o == NULL)
		reply_error(c->r, 500, NULL, "the store cannot be read");
	else
		reply_json(c->r, 200, o);
}

static void
reply_manifest(struct ctx *c, const char *id, int status)
{
	enum store_rc rc;
	json_t *o = postal_json_manifest(c->store, id, &rc);
	json_t *arr, *mis;

	if (o == NULL) {
		reply_error(c->r, rc == STORE_NOTFOUND ? 404 : 500,
		    "manifest_id",
		    rc == STORE_NOTFOUND ? "no such manifest"
		                         : "the store cannot be read");
		return;
	}
	/* the contract names the lists "arrived", "missing", "unexpected";
	 * the summary's counts of the same names become *_count */
	json_object_set(o, "arrived_count", json_object_get(o, "arrived"));
	json_object_set(o, "missing_count", json_object_get(o, "missing"));
	json_object_set(o, "unexpected_count",
	    json_object_get(o, "unexpected"));
	arr = json_incref(json_object_get(o, "arrived_items"));
	mis = json_incref(json_object_get(o, "missing_items"));
	json_object_set_new(o, "arrived", arr);
	json_object_set_new(o, "missing", mis);
	json_object_set(o, "unexpected",
	    json_object_get(o, "unexpected_items"));
	json_object_del(o, "arrived_items");
	json_object_del(o, "missing_items");
	json_object_del(o, "unexpected_items");
	reply_json(c->r, status, o);
}

static void
route_receive(struct ctx *c, const char *mid)
{
	char id[S10_LEN + 1], err[STORE_ERR_MAX];
	const char *text;
	json_t *b, *out;
	enum store_rc rc;

	if ((b = body(c)) == NULL)
		return;
	if (member(c, b, "item_id", true, &text) == -1 ||
	    item_arg(c, text, id) == -1) {
		json_decref(b);
		return;
	}
	json_decref(b);
	rc = postal_json_receive(c->store, mid, id, c->actor->name,
	    clock_wall_s(), &out, err);
	if (rc != STORE_OK) {
		reply_store(c->r, rc, err);
		return;
	}
	reply_json(c->r, 200, out);
}

static void
route_resolve(struct ctx *c, const char *mid)
{
	char id[S10_LEN + 1], err[STORE_ERR_MAX];
	const char *text, *res, *reason;
	json_t *b;
	enum store_rc rc;

	if ((b = body(c)) == NULL)
		return;
	if (member(c, b, "item_id", true, &text) == -1 ||
	    item_arg(c, text, id) == -1 ||
	    member(c, b, "resolution", true, &res) == -1 ||
	    member(c, b, "reason", true, &reason) == -1) {
		json_decref(b);
		return;
	}
	rc = store_postal_resolve(c->store, mid, id, res, reason,
	    c->actor->name, clock_wall_s(), err);
	json_decref(b);
	if (rc != STORE_OK) {
		reply_store(c->r, rc, err);
		return;
	}
	reply_manifest(c, mid, 200);
}

static void
route_sign(struct ctx *c, const char *mid)
{
	char err[STORE_ERR_MAX];
	const char *giver, *receiver;
	json_t *b;
	enum store_rc rc;

	if ((b = body(c)) == NULL)
		return;
	if (member(c, b, "giver", true, &giver) == -1 ||
	    member(c, b, "receiver", true, &receiver) == -1) {
		json_decref(b);
		return;
	}
	rc = store_postal_sign(c->store, mid, giver, receiver, c->actor->name,
	    clock_wall_s(), err);
	json_decref(b);
	if (rc != STORE_OK) {
		reply_store(c->r, rc, err);
		return;
	}
	reply_manifest(c, mid, 200);
}

static void
route_return(struct ctx *c)
{
	char id[S10_LEN + 1], err[STORE_ERR_MAX];
	const char *code, *text;
	json_t *b;
	enum store_rc rc;

	if ((b = body(c)) == NULL)
		return;
	if (member(c, b, "code", true, &code) == -1 ||
	    member(c, b, "item_id", true, &text) == -1 ||
	    item_arg(c, text, id) == -1) {
		json_decref(b);
		return;
	}
	rc = store_postal_return(c->store, code, id,
	    c->cfg->postal_done_at_handover, c->actor->name, clock_wall_s(),
	    err);
	if (rc != STORE_OK) {
		json_decref(b);
		reply_store(c->r, rc, err);
		return;
	}
	reply_json(c->r, 201,
	    json_pack("{s:s,s:s,s:s}", "code", code, "item_id", id, "done_at",
	        c->cfg->postal_done_at_handover ? "handover" : "delivery"));
	json_decref(b);
}

static void
route_delivered(struct ctx *c, const char *text)
{
	char id[S10_LEN + 1], err[STORE_ERR_MAX];
	enum store_rc rc;

	if (item_arg(c, text, id) == -1)
		return;
	rc = store_postal_delivered(c->store, id,
	    c->cfg->postal_done_at_handover, c->actor->name, clock_wall_s(),
	    err);
	if (rc != STORE_OK) {
		reply_store(c->r, rc, err);
		return;
	}
	reply_json(c->r, 200,
	    json_pack("{s:s,s:b}", "item_id", id, "delivered", 1));
}

static void
file_put(void *arg, const char *s, size_t n)
{
	fwrite(s, 1, n, arg);
}

/* A CSV cell: the one rule of core/csvcell.h, the reports' own (quoting,
 * and a leading = + - @ neutralised: a name typed at a counter must not
 * run as a formula in the office's spreadsheet). */
static void
csv_cell(FILE *f, const char *s)
{
	csvcell_write(s, file_put, f);
}

static void
route_returns(struct ctx *c)
{
	const char *from = http_query(c->hr, "from"),
	           *to = http_query(c->hr, "to");
	const char *fmt = http_query(c->hr, "format");
	int fd, td;
	json_t *arr, *it;
	size_t i, len = 0;
	char *buf = NULL;
	FILE *f;

	if (from == NULL || cal_parse_date(from, strlen(from), &fd) != 0) {
		reply_error(c->r, 422, "from", "a day YYYY-MM-DD is required");
		return;
	}
	if (to == NULL || cal_parse_date(to, strlen(to), &td) != 0) {
		reply_error(c->r, 422, "to", "a day YYYY-MM-DD is required");
		return;
	}
	if (td < fd || td - fd > 3660) {
		reply_error(c->r, 422, "to",
		    "must be on or after from, within ten years");
		return;
	}
	if (fmt != NULL && strcmp(fmt, "csv") != 0 &&
	    strcmp(fmt, "json") != 0) {
		reply_error(c->r, 422, "format", "must be csv or json");
		return;
	}
	if ((arr = postal_json_returns(c->store, fd, td)) == NULL) {
		reply_error(c->r, 500, NULL, "the store cannot be read");
		return;
	}
	if (fmt == NULL || strcmp(fmt, "json") == 0) {
		reply_json(c->r, 200,
		    json_pack("{s:s,s:s,s:o}", "from", from, "to", to,
		        "returns", arr));
		return;
	}
	if ((f = open_memstream(&buf, &len)) == NULL) {
		json_decref(arr);
		reply_error(c->r, 500, NULL, "out of memory");
		return;
	}
	fputs("code,item_id,procedure_code,handed_at,delivered_at,handed_by,"
	      "status\r\n",
	    f);
	json_array_foreach(arr, i, it) {
		static const char *const keys[] = { "code", "item_id",
			"procedure_code", "handed_at", "delivered_at",
			"handed_by" };

		for (size_t k = 0; k < 6; k++) {
			csv_cell(f,
			    json_string_value(json_object_get(it, keys[k])));
			fputc(',', f);
		}
		fprintf(f, "%lld\r\n",
		    (long long)json_integer_value(
		        json_object_get(it, "status")));
	}
	fclose(f);
	json_decref(arr);
	c->r->status = 200;
	c->r->content_type = "text/csv; charset=utf-8";
	c->r->body = buf;
	c->r->len = len;
}

static void
route_checklist(struct ctx *c, const char *path)
{
	char code[72];
	size_t n = strlen(path) - 19 - 10;
	enum store_rc rc;
	json_t *o;

	if (n == 0 || n >= sizeof code) {
		reply_error(c->r, 404, "code", "no such procedure");
		return;
	}
	memcpy(code, path + 19, n);
	code[n] = '\0';
	if ((o = postal_json_checklist(c->store, code, &rc)) == NULL) {
		reply_error(c->r, rc == STORE_NOTFOUND ? 404 : 500, "code",
		    rc == STORE_NOTFOUND ? "no such procedure"
		                         : "the store cannot be read");
		return;
	}
	reply_json(c->r, 200, o);
}

/* --- route handlers (the table, with each route's roles, is
 * daemon/routes.c) -------------------------------------------------------- */

/* Who asks: signed in on the staff listener, the account and its role; on
 * the admin socket, role admin named in the body. */
static void
ctx_init(struct ctx *c, struct actor *ac, const struct route_ctx *rt,
    const struct http_request *hr, struct http_response *r)
{
	if (hr->actor != NULL && hr->peer_uid < 0)
		*ac = *request_actor(hr);
	else
		api_postal_socket_actor(hr, ac);
	c->store = rt->store;
	c->printer = rt->print != NULL ? rt->printer : NULL;
	c->print = rt->print;
	c->cfg = rt->cfg;
	c->hr = hr;
	c->r = r;
	c->actor = ac;
}

void
api_postal_checklist(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	(void)pp;
	ctx_init(&c, &ac, rt, hr, r);
	route_checklist(&c, hr->path);
}

void
api_postal_s10(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	ctx_init(&c, &ac, rt, hr, r);
	route_s10(&c, route_param(pp, "id"));
}

void
api_postal_register(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	(void)pp;
	ctx_init(&c, &ac, rt, hr, r);
	route_register(&c);
}

void
api_postal_batch(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	(void)pp;
	ctx_init(&c, &ac, rt, hr, r);
	route_batch(&c);
}

void
api_postal_item(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	ctx_init(&c, &ac, rt, hr, r);
	route_item(&c, route_param(pp, "id"));
}

void
api_postal_close(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	(void)pp;
	ctx_init(&c, &ac, rt, hr, r);
	route_close(&c);
}

void
api_postal_manifests(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	(void)pp;
	ctx_init(&c, &ac, rt, hr, r);
	reply_manifests(&c);
}

void
api_postal_return(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	(void)pp;
	ctx_init(&c, &ac, rt, hr, r);
	route_return(&c);
}

void
api_postal_returns(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	(void)pp;
	ctx_init(&c, &ac, rt, hr, r);
	route_returns(&c);
}

void
api_postal_delivered(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct ctx c;
	struct actor ac;

	ctx_init(&c, &ac, rt, hr, r);
	route_delivered(&c, route_param(pp, "id"));
}

/* The manifest routes: {id} checked first, as before the table. */
static void
manifest_route(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r,
    void (*fn)(struct ctx *, const char *))
{
	struct ctx c;
	struct actor ac;
	char mid[MANIFEST_ID_LEN + 1];

	ctx_init(&c, &ac, rt, hr, r);
	if (manifest_arg(&c, route_param(pp, "id"), mid) == 0)
		fn(&c, mid);
}

static void
get_manifest(struct ctx *c, const char *mid)
{
	int v = manifest_visible(c, mid);

	if (v == -1)
		reply_error(c->r, 500, NULL, "the store cannot be read");
	else if (v == 0) /* as if there were none: nothing of another's */
		reply_error(c->r, 404, "manifest_id", "no such manifest");
	else
		reply_manifest(c, mid, 200);
}

void
api_postal_manifest(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	manifest_route(rt, hr, pp, r, get_manifest);
}

void
api_postal_receive(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	manifest_route(rt, hr, pp, r, route_receive);
}

void
api_postal_resolve(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	manifest_route(rt, hr, pp, r, route_resolve);
}

void
api_postal_sign(const struct route_ctx *rt, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	manifest_route(rt, hr, pp, r, route_sign);
}
