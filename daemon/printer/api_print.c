/* api_print.c: see api_print.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "printer/api_print.h"
#include "printer/formhtml.h"
#include "printer/printdata.h"
#include "postal/postid.h"
#include "core/calendar.h"
#include "core/dcode.h"
#include "lib/log.h"
#include "http/reply.h"
#include "http/request.h"
#include "store/storerc.h"

#define JOBS_LIMIT_MAX 500

void
api_print_state(struct printer *p, struct http_response *r)
{
	enum escstat s = p ? printer_state(p) : ESCSTAT_UNKNOWN;
	json_t *info = p ? printer_info(p) : NULL;
	bool on = info && json_is_true(json_object_get(info, "enabled"));

	json_decref(info);
	reply_json(r, 200,
	    json_pack("{s:b,s:s}", "available", on && escstat_printable(s),
	        "state", on ? escstat_name(s) : "disabled"));
}

/* {state, available}: whether a job queued now can print now, from the
 * printer's last status round (docs/printing.md). */
static json_t *
printer_now(struct printer *p)
{
	enum escstat s = printer_state(p);

	return json_pack("{s:s,s:b}", "state", escstat_name(s), "available",
	    escstat_printable(s));
}

/* The canonical dossier code of a path segment; -1 after a reply. */
static int
code_arg(const char *seg, char out[DCODE_TEXT_MAX + 1], struct http_response *r)
{
	struct dcode d;
	enum dcode_err e = dcode_parse(seg, strlen(seg), &d, NULL);

	if (e != DCODE_OK) {
		reply_error(r, 400, "code", dcode_strerror(e));
		return -1;
	}
	dcode_format(&d, out, DCODE_TEXT_MAX + 1);
	return 0;
}

/* kind/ref from "KIND[/REF]" (the rest of a path); -1 after a reply. */
static int
doc_arg(const char *rest, enum printdoc_kind *kind, char *ref, size_t size,
    struct http_response *r)
{
	char name[16];
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	int k, day;

	if (n >= sizeof name) {
		reply_error(r, 404, "path", "no such document kind");
		return -1;
	}
	memcpy(name, rest, n);
	name[n] = '\0';
	if ((k = printdoc_kind_from_name(name)) < 0) {
		reply_error(r, 404, "path",
		    "no such document kind (receipt, slip, manifest, test, "
		    "supplement, refusal, apology, control)");
		return -1;
	}
	*kind = (enum printdoc_kind)k;
	ref[0] = '\0';
	if (*kind == PRINTDOC_TEST) {
		if (slash != NULL) {
			reply_error(r, 404, "path",
			    "the test page takes no id");
			return -1;
		}
		return 0;
	}
	if (slash == NULL || slash[1] == '\0') {
		reply_error(r, 400, *kind == PRINTDOC_MANIFEST ? "id" : "code",
		    "missing");
		return -1;
	}
	if (*kind == PRINTDOC_MANIFEST) {
		int y, m, d, seq;

		/* a postal manifest id (BKYYYYMMDD-NNNN) or a day */
		if (!manifest_id_parse(slash + 1, strlen(slash + 1), &y, &m, &d,
		        &seq) &&
		    (strlen(slash + 1) != 10 ||
		        cal_parse_date(slash + 1, 10, &day) != 0)) {
			reply_error(r, 400, "id",
			    "not a manifest day YYYY-MM-DD or a postal "
			    "manifest id BKYYYYMMDD-NNNN");
			return -1;
		}
		snprintf(ref, size, "%s", slash + 1);
		return 0;
	}
	return code_arg(slash + 1, ref, r);
}

/* May who see the document kind/ref? A postal clerk (a post-office
 * employee) only the documents of their own scope's registrations and
 * their scope's manifests, never a counter dossier's or a day's manifest
 * (docs/security.md "Postal scope"); the route table already refused
 * every role below the clerk. 1 yes, 0 no, -1 the store cannot say. */
static int
doc_visible(struct store *st, const struct actor *who, enum printdoc_kind kind,
    const char *ref)
{
	int y, m, d, seq;
	bool in = false;

	if (who->role != ROLE_POSTAL_CLERK || kind == PRINTDOC_TEST)
		return 1;
	if (kind == PRINTDOC_MANIFEST) {
		if (!manifest_id_parse(ref, strlen(ref), &y, &m, &d, &seq))
			return 0;
		if (store_postal_manifest_in_scope(st, ref, who->post_office,
		        who->name, &in) != STORE_OK)
			return -1;
		return in ? 1 : 0;
	}
	if (store_postal_dossier_in_scope(st, who, ref, &in) != STORE_OK)
		return -1;
	return in ? 1 : 0;
}

/* doc_visible for a request: false after a reply. Out of scope answers
 * as the document's absence does, so a clerk learns nothing of it. */
static bool
doc_allowed(struct store *st, const struct http_request *hr,
    enum printdoc_kind kind, const char *ref, struct http_response *r)
{
	int v = doc_visible(st, request_actor(hr), kind, ref);

	if (v == 1)
		return true;
	if (v == -1)
		reply_error(r, 500, "", "the store cannot be read");
	else if (kind == PRINTDOC_MANIFEST)
		reply_error(r, 404, "manifest", "no such manifest");
	else
		reply_error(r, 404, "code", "no such dossier");
	return false;
}

/* A job's document as doc_visible sees it (a job of an unknown kind is
 * nobody's but the office's). */
static int
job_visible(struct store *st, const struct actor *who,
    const struct store_print_job *job)
{
	int k = printdoc_kind_from_name(job->kind);

	if (who->role != ROLE_POSTAL_CLERK)
		return 1;
	return k < 0 ? 0
	             : doc_visible(st, who, (enum printdoc_kind)k, job->ref);
}

static void
route_enqueue(struct printer *p, struct store *st,
    const struct http_request *hr, const char *rest, struct http_response *r,
    const char *actor)
{
	enum printdoc_kind kind;
	char ref[64], err[STORE_ERR_MAX];
	struct store_print_new n = { 0 };
	struct store_print_job job;
	json_t *info = printer_info(p);
	bool on = json_is_true(json_object_get(info, "enabled"));
	int64_t id;
	enum store_rc rc;

	json_decref(info);
	if (doc_arg(rest, &kind, ref, sizeof ref, r) == -1 ||
	    !doc_allowed(st, hr, kind, ref, r))
		return;
	if (!on) {
		reply_error(r, 409, "printer",
		    "no printer is enabled ([printer] enabled = false)");
		return;
	}
	if (kind == PRINTDOC_RECEIPT || kind == PRINTDOC_SLIP ||
	    PRINTDOC_IS_FORM(kind)) {
		struct store_dossier dos;

		if ((rc = store_dossier(st, ref, 0, &dos)) != STORE_OK) {
			reply_error(r, rc == STORE_NOTFOUND ? 404 : 500, "code",
			    rc == STORE_NOTFOUND ? "no such dossier"
			                         : "the store cannot be read");
			return;
		}
		store_dossier_cleanup(&dos);
	}
	n.kind = printdoc_kind_name(kind);
	n.ref = ref;
	n.actor = actor;
	n.max_pending = printer_queue_max(p);
	rc = store_print_enqueue(st, &n, &id, err);
	if (rc != STORE_OK) {
		reply_problem(r, storerc_status(rc), err);
		return;
	}
	log_info("print job %lld queued: %s %s by %s", (long long)id, n.kind,
	    ref, actor);
	printer_kick(p);
	if (store_print_get(st, id, &job) != STORE_OK) {
		reply_error(r, 500, "", "the queued job cannot be read");
		return;
	}
	reply_json(r, 202,
	    json_pack("{s:o,s:o}", "job", printdata_job(&job), "printer",
	        printer_now(p)));
}

static void
route_reprint(struct printer *p, struct store *st,
    const struct http_request *hr, int64_t id, struct http_response *r,
    const char *actor)
{
	struct store_print_job old, job;
	struct store_print_new n = { 0 };
	char err[STORE_ERR_MAX];
	enum store_rc rc;
	int64_t nid;

	int v;

	if (store_print_get(st, id, &old) != STORE_OK ||
	    (v = job_visible(st, request_actor(hr), &old)) == 0) {
		reply_error(r, 404, "id", "no such print job");
		return;
	}
	if (v == -1) {
		reply_error(r, 500, "", "the store cannot be read");
		return;
	}
	n.kind = old.kind;
	n.ref = old.ref;
	n.actor = actor;
	n.reprint_of = id;
	n.max_pending = printer_queue_max(p);
	if ((rc = store_print_enqueue(st, &n, &nid, err)) != STORE_OK) {
		reply_problem(r, rc == STORE_FULL ? 507 : 500, err);
		return;
	}
	log_info("print job %lld queued: reprint of job %lld by %s",
	    (long long)nid, (long long)id, actor);
	printer_kick(p);
	store_print_get(st, nid, &job);
	reply_json(r, 202,
	    json_pack("{s:o,s:o}", "job", printdata_job(&job), "printer",
	        printer_now(p)));
}

static void
route_render(struct printer *p, struct store *st, const struct http_request *hr,
    const char *rest, struct http_response *r)
{
	enum printdoc_kind kind;
	char ref[64], err[256];
	const char *format = http_query(hr, "format");
	const char *profile = http_query(hr, "profile");
	const char *rp = http_query(hr, "reprint");
	bool png, notfound = false;
	struct buf bytes, out;
	struct ebitmap pv = { 0 };
	int rc;

	if (doc_arg(rest, &kind, ref, sizeof ref, r) == -1 ||
	    !doc_allowed(st, hr, kind, ref, r))
		return;
	if (format == NULL || strcmp(format, "escpos") == 0)
		png = false;
	else if (strcmp(format, "png") == 0)
		png = true;
	else {
		reply_error(r, 400, "format", "not escpos or png");
		return;
	}
	buf_init(&bytes, ESCPOS_JOB_MAX);
	rc = printer_render(p, kind, ref, profile, rp && strcmp(rp, "1") == 0,
	    &bytes, png ? &pv : NULL, &notfound, err, sizeof err);
	if (rc != 0) {
		buf_cleanup(&bytes);
		ebitmap_cleanup(&pv);
		reply_problem(r, notfound ? 404 : 400, err);
		return;
	}
	if (png) {
		buf_cleanup(&bytes);
		buf_init(&out, 64u << 20);
		rc = escpos_png(&pv, &out);
		ebitmap_cleanup(&pv);
		if (rc != 0) {
			buf_cleanup(&out);
			reply_error(r, 500, "",
			    "the preview cannot be encoded");
			return;
		}
		bytes = out;
	}
	r->status = 200;
	r->content_type = png ? "image/png" : "application/octet-stream";
	if (buf_len(&bytes) == 0) {
		buf_cleanup(&bytes);
		r->static_body = "";
		return;
	}
	r->body = buf_take(&bytes, &r->len); /* http.c frees it */
}

static int64_t
id_arg(const char *s, const char **rest)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || v <= 0 || (*end != '\0' && *end != '/'))
		return -1;
	*rest = end;
	return v;
}

void
api_print_route_state(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)hr;
	(void)pp;
	api_print_state(c->printer, r);
}

/* The staff routes need the printer data: a 503 and false without. */
static bool
loaded(const struct route_ctx *c, struct http_response *r)
{
	if (c->printer != NULL)
		return true;
	reply_error(r, 503, "printer",
	    "printing is not set up: the printer data could not be loaded "
	    "(see the log)");
	return false;
}

/* GET /api/v1/print/a5/form.css and /api/v1/print/a5/{KIND}/{code}: the
 * A5 page of the receipt or a counter form, from the same fields as the
 * slip (formhtml.h). It shows the applicant: each read is audited. */
void
api_print_a5(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	enum printdoc_kind kind;
	struct printdoc d = { .count = 0 };
	char ref[64], err[256], actor[REQUEST_ACTOR_MAX];
	bool notfound = false;
	size_t len = 0;
	char *body;

	if (strcmp(pp->rest, "form.css") == 0) {
		r->static_body = formhtml_css();
		r->len = strlen(r->static_body);
		r->content_type = "text/css; charset=utf-8";
		return;
	}
	if (!loaded(c, r) ||
	    doc_arg(pp->rest, &kind, ref, sizeof ref, r) == -1 ||
	    !doc_allowed(c->store, hr, kind, ref, r))
		return;
	if (kind != PRINTDOC_RECEIPT && !PRINTDOC_IS_FORM(kind)) {
		reply_error(r, 404, "path",
		    "A5 pages are for receipt, supplement, refusal, apology "
		    "and control");
		return;
	}
	if (printer_document(c->printer, kind, ref, &d, &notfound, err,
	        sizeof err) != 0) {
		reply_problem(r, notfound ? 404 : 400, err);
		return;
	}
	body = formhtml_render(&d, kind, &len);
	printdoc_cleanup(&d);
	if (body == NULL) {
		reply_error(r, 500, "", "out of memory");
		return;
	}
	request_actor_name(hr, NULL, actor, sizeof actor);
	if (store_audit(c->store, actor, "read", "a5", ref) != STORE_OK) {
		free(body);
		reply_error(r, 500, "", "the audit log cannot be written");
		return;
	}
	r->body = body;
	r->len = len;
	r->content_type = "text/html; charset=utf-8";
}

void
api_print_info(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)hr;
	(void)pp;
	if (loaded(c, r))
		reply_json(r, 200, printer_info(c->printer));
}

void
api_print_render(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	if (loaded(c, r))
		route_render(c->printer, c->store, hr, pp->rest, r);
}

/* Leaves in the list (printdata_jobs) only the jobs who may see: a
 * postal clerk's scope (doc_visible). -1 when the store cannot say. */
static int
jobs_in_scope(struct store *st, const struct actor *who, json_t *jobs)
{
	size_t i = 0;
	int v;

	if (who->role != ROLE_POSTAL_CLERK)
		return 0;
	while (i < json_array_size(jobs)) {
		json_t *j = json_array_get(jobs, i);
		const char *kind =
		    json_string_value(json_object_get(j, "kind"));
		const char *ref = json_string_value(json_object_get(j, "ref"));
		int k = kind ? printdoc_kind_from_name(kind) : -1;

		v = k < 0 || ref == NULL
		    ? 0
		    : doc_visible(st, who, (enum printdoc_kind)k, ref);
		if (v == -1)
			return -1;
		if (v == 0)
			json_array_remove(jobs, i);
		else
			i++;
	}
	return 0;
}

void
api_print_jobs(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *l = http_query(hr, "limit");
	char *end;
	long limit = l ? strtol(l, &end, 10) : 50;
	json_t *jobs;

	(void)pp;
	if (!loaded(c, r))
		return;
	if (l != NULL &&
	    (*end != '\0' || limit < 1 || limit > JOBS_LIMIT_MAX)) {
		reply_error(r, 400, "limit", "not in 1..500");
		return;
	}
	if ((jobs = printdata_jobs(c->store, (int)limit)) == NULL ||
	    jobs_in_scope(c->store, request_actor(hr), jobs) != 0) {
		json_decref(jobs);
		reply_error(r, 500, "", "the print queue cannot be read");
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "jobs", jobs));
}

/* {id} as a job number; -1 after a 400. */
static int64_t
job_param(const struct route_params *pp, struct http_response *r)
{
	const char *rest;
	int64_t id = id_arg(route_param(pp, "id"), &rest);

	if (id < 0 || *rest != '\0') {
		reply_error(r, 400, "id", "not a job number");
		return -1;
	}
	return id;
}

void
api_print_job(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct store_print_job job;
	int64_t id;
	int v = 0;

	if (!loaded(c, r) || (id = job_param(pp, r)) < 0)
		return;
	if (store_print_get(c->store, id, &job) != STORE_OK ||
	    (v = job_visible(c->store, request_actor(hr), &job)) == 0)
		reply_error(r, 404, "id", "no such print job");
	else if (v == -1)
		reply_error(r, 500, "", "the store cannot be read");
	else
		reply_json(r, 200,
		    json_pack("{s:o}", "job", printdata_job(&job)));
}

void
api_print_reprint(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char actor[REQUEST_ACTOR_MAX];
	int64_t id;

	if (!loaded(c, r) || (id = job_param(pp, r)) < 0)
		return;
	request_actor_name(hr, NULL, actor, sizeof actor);
	route_reprint(c->printer, c->store, hr, id, r, actor);
}

void
api_print_enqueue(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char actor[REQUEST_ACTOR_MAX];

	if (!loaded(c, r))
		return;
	request_actor_name(hr, NULL, actor, sizeof actor);
	route_enqueue(c->printer, c->store, hr, pp->rest, r, actor);
}
