/* routes.c: the one route table and the listeners' dispatch (routes.h).
 * It sits at the wiring level beside main.c: it names every feature's
 * handlers, and the few routes that join two features (the terminals'
 * event streams, /metrics) are written here. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/backup.h"
#include "auth/auth.h"
#include "config.h"
#include "core/role.h"
#include "counter/api_counter.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "printer/escstat.h"
#include "store/store.h"
#include "http/reply.h"
#include "http/request.h"
#include "kiosk/kiosk_api.h"
#include "kiosk/lookup.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "postal/api_postal.h"
#include "postal/postal_pages.h"
#include "printer/api_print.h"
#include "printer/printer.h"
#include "report/api_report.h"
#include "routes.h"
#include "api/scanners.h"
#include "api/terminals.h"
#include "sync/api_sync.h"
#include "store/store.h"
#include "sync/hub.h"
#include "sync/sync.h"

/* --- the routes that join features ------------------------------------- */

/* A staff terminal's scan stream is api/terminals.c's (staff, admin side
 * only); every other terminal's is the kiosk's, which answers 404 for an
 * unknown one. */
static void
terminal_events(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	if (hr->admin && c->scanners != NULL &&
	    role_in(hr->actor, ROLES_STAFF) &&
	    terminals_match(c->scanners->terms, hr)) {
		terminals_events(c->scanners->terms, hr, r);
		return;
	}
	kiosk_route_events(c, hr, pp, r);
}

static void
scanners(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	if (c->scanners == NULL)
		reply_error(r, 404, "path", "no such resource");
	else
		scanners_get(c->scanners, hr, r);
}

/* /healthz: 503 when the store cannot be written (nothing the daemon
 * does works then); 200 otherwise, "degraded" with the parts failing
 * named when the printer or upstream sync is. Public: it says no more
 * than /api/v1/printer/state and SQLite's generic reason. */
#define ROUTES_HEALTH_EVERY_MS 1000 /* one store check a second at most */
#define ROUTES_HEALTH_WAIT_MS  20   /* for a lock another process holds */

static bool
store_ok(const struct route_ctx *c, char why[ROUTE_HEALTH_WHY_MAX])
{
	struct route_health *h = c->health, probe = { 0 };
	uint64_t now = clock_mono_ms();
	char err[STORE_ERR_MAX];

	if (h == NULL)
		h = &probe;
	if (h->checked_ms == 0 ||
	    now - h->checked_ms >= ROUTES_HEALTH_EVERY_MS) {
		bool was = h->checked_ms == 0 || h->writable;

		h->writable = store_writable(c->store, ROUTES_HEALTH_WAIT_MS,
		                  err) == STORE_OK;
		h->checked_ms = now > 0 ? now : 1;
		/* SQLite's generic reasons are short; cut any longer one */
		snprintf(h->why, sizeof h->why, "%.*s", (int)sizeof h->why - 1,
		    h->writable ? "" : err);
		/* once a change, not once a probe */
		if (was && !h->writable)
			log_warnx("health: the store cannot be written: %s",
			    h->why);
		else if (!was && h->writable)
			log_info("health: the store can be written again");
	}
	snprintf(why, ROUTE_HEALTH_WHY_MAX, "%s", h->why);
	return h->writable;
}

static void
health(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char why[ROUTE_HEALTH_WHY_MAX];
	json_t *j = json_object(), *failing = json_array();
	bool store = store_ok(c, why);
	const char *printer = "off", *sync = "off";

	(void)hr;
	(void)pp;
	if (c->printer != NULL && c->cfg->printer_enabled) {
		printer = escstat_name(printer_state(c->printer));
		if (!printer_available(c->printer))
			json_array_append_new(failing, json_string("printer"));
	}
	if (c->sync != NULL && sync_enabled(c->sync)) {
		sync = sync_stalled(c->sync) ? "stalled" : "ok";
		if (sync_stalled(c->sync))
			json_array_append_new(failing, json_string("sync"));
	}
	if (!store) {
		json_array_insert_new(failing, 0, json_string("store"));
		json_object_set_new(j, "store_error", json_string(why));
	}
	json_object_set_new(j, "status",
	    json_string(!store                     ? "failing"
	            : json_array_size(failing) > 0 ? "degraded"
	                                           : "ok"));
	json_object_set_new(j, "store",
	    json_string(store ? "ok" : "unwritable"));
	json_object_set_new(j, "printer", json_string(printer));
	json_object_set_new(j, "sync", json_string(sync));
	json_object_set_new(j, "failing", failing);
	if (!store)
		r->retry_after_s = 5;
	reply_json(r, store ? 200 : 503, j);
}

static void
metrics(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)hr;
	(void)pp;
	if (f == NULL) {
		reply_error(r, 500, "", "out of memory");
		return;
	}
	api_metrics(c, f);
	if (c->kiosk != NULL)
		kiosk_metrics(c->kiosk, f);
	if (c->sync != NULL)
		sync_metrics(c->sync, f);
	if (c->hub != NULL)
		hub_metrics(c->hub, f);
	if (c->printer != NULL)
		printer_metrics(c->printer, f);
	if (c->scanners != NULL)
		scanners_metrics(c->scanners, f);
	auth_metrics(c->auth, f);
	fclose(f);
	r->body = buf;
	r->len = len;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

/* --- the table ----------------------------------------------------------
 * First match wins; rows are grouped by feature. Public rows are the
 * kiosk's and never show personal data (docs/privacy.md). */

#define GET    ROUTE_GET
#define READ   ROUTE_READ
#define POST   ROUTE_POST
#define PUBLIC ROUTE_PUBLIC, 0
#define SIGNIN ROUTE_SIGNIN, 0
#define STAFF  ROUTE_STAFF, ROLES_STAFF
#define OFFICE ROUTE_STAFF, ROLES_OFFICE
#define CLERK  ROUTE_STAFF, ROLES_POSTAL
#define ADMIN  ROUTE_STAFF, ROLES_ADMIN
#define ANYONE ROUTE_STAFF, ROLES_SIGNEDIN /* with the kiosk role */
/* body limits: the file imports are large, everything else small */
#define SMALL 0
#define LARGE ROUTE_BODY_LARGE

const struct route routes_table[] = {
	/* the kiosk page and its assets */
	{ READ, "/", PUBLIC, api_page, false, SMALL },
	{ READ, "/l/*", PUBLIC, api_page, false, SMALL },
	{ READ, "/kiosk.js", PUBLIC, kiosk_route_asset, false, SMALL },
	{ READ, "/kiosk.css", PUBLIC, kiosk_route_asset, false, SMALL },
	{ READ, "/fonts/DejaVuSans.ttf", PUBLIC, kiosk_route_asset, false,
	    SMALL },
	{ READ, "/fonts/DejaVuSans-Bold.ttf", PUBLIC, kiosk_route_asset, false,
	    SMALL },
	/* the kiosk */
	{ GET, "/api/v1/kiosk", PUBLIC, kiosk_route_config, false, SMALL },
	{ POST, "/api/v1/lookup", PUBLIC, kiosk_route_lookup, false, SMALL },
	{ GET, "/api/v1/kiosk/token/*", PUBLIC, kiosk_route_token, false,
	    SMALL },
	{ POST, "/api/v1/kiosk/rating", PUBLIC, kiosk_route_rating, false,
	    SMALL },
	{ POST, "/api/v1/kiosk/print", PUBLIC, kiosk_route_print, false,
	    SMALL },
	{ GET, "/api/v1/kiosk/procedures", PUBLIC, kiosk_route_catalogue, false,
	    SMALL },
	{ GET, "/api/v1/terminals/{id}/events", PUBLIC, terminal_events, false,
	    SMALL },
	{ POST, "/api/v1/test/*", PUBLIC, kiosk_route_test, false, SMALL },
	/* public reads */
	{ READ, "/api/v1/lookup/{token}", PUBLIC, lookup_route_token, false,
	    SMALL },
	{ READ, "/healthz", PUBLIC, health, false, SMALL },
	{ READ, "/api/v1/printer/state", PUBLIC, api_print_route_state, false,
	    SMALL },
	/* not public: its counters (sign-in failures, lookups refused) help
	 * an attacker; server.metrics_listen serves it to a scraper */
	{ READ, "/metrics", OFFICE, metrics, false, SMALL },

	/* signing in (the staff listener) */
	{ ROUTE_ANY, "/api/v1/session", SIGNIN, auth_route_session, false,
	    SMALL },
	{ READ, "/staff/login", SIGNIN, auth_route_page, false, SMALL },
	{ READ, "/staff", SIGNIN, auth_route_page, false, SMALL },
	{ READ, "/staff/", SIGNIN, auth_route_page, false, SMALL },
	{ READ, "/staff/login.js", SIGNIN, auth_route_page, false, SMALL },
	{ READ, "/staff/login.css", SIGNIN, auth_route_page, false, SMALL },

	/* dossiers at the counter */
	{ POST, "/api/v1/dossiers", OFFICE, api_dossiers_intake, true, SMALL },
	/* the office's dossiers: not a postal clerk's (docs/security.md,
	 * "Postal scope") */
	{ GET, "/api/v1/dossiers", OFFICE, api_dossiers_search, true, SMALL },
	{ GET, "/api/v1/dossiers/{code}", OFFICE, api_dossiers_get, false,
	    SMALL },
	{ GET, "/api/v1/dossiers/{code}/token", STAFF, api_dossiers_token,
	    false, SMALL },
	{ POST, "/api/v1/dossiers/{code}/status", OFFICE, api_dossiers_status,
	    false, SMALL },
	{ POST, "/api/v1/dossiers/{code}/supplement", OFFICE,
	    api_dossiers_supplement, false, SMALL },
	{ POST, "/api/v1/dossiers/{code}/apology", OFFICE, api_dossiers_apology,
	    false, SMALL },
	{ GET, "/api/v1/counts", OFFICE, api_dossiers_counts, false, SMALL },
	/* the counter desk (docs/counter.md) */
	{ POST, "/api/v1/dossiers/{code}/handoffs", OFFICE,
	    counter_route_handoff, false, SMALL },
	{ POST, "/api/v1/refusals", OFFICE, counter_route_refusal, false,
	    SMALL },
	{ POST, "/api/v1/returns", OFFICE, counter_route_return, false, SMALL },
	{ GET, "/api/v1/counter/resolve", OFFICE, counter_route_resolve, false,
	    SMALL },
	{ POST, "/api/v1/counter/factor", OFFICE, counter_route_factor, false,
	    SMALL },
	{ READ, "/staff/counter", OFFICE, counter_route_page, false, SMALL },
	{ READ, "/staff/counter/*", OFFICE, counter_route_page, false, SMALL },
	/* the code counters: an operator's repair tool */
	{ GET, "/api/v1/counters", ADMIN, api_codecounter_get, true, SMALL },
	{ POST, "/api/v1/counters", ADMIN, api_codecounter_set, true, SMALL },
	/* reports */
	{ READ, "/api/v1/reports", OFFICE, api_report_summary, true, SMALL },
	{ READ, "/api/v1/reports/06a", OFFICE, api_report_06a, true, SMALL },
	{ READ, "/api/v1/reports/book", OFFICE, api_report_book, true, SMALL },
	{ READ, "/api/v1/reports/dossiers", OFFICE, api_report_codes, true,
	    SMALL },
	{ READ, "/staff/reports", OFFICE, api_report_page, true, SMALL },
	{ READ, "/staff/reports/dossiers", OFFICE, api_report_codes_page, true,
	    SMALL },
	{ READ, "/staff/reports/ui/{file}", OFFICE, api_report_asset, false,
	    SMALL },
	/* catalogue, holidays, import */
	{ GET, "/api/v1/procedures", ANYONE, api_catalogue_get, false, SMALL },
	{ POST, "/api/v1/procedures", ADMIN, api_catalogue_import, false,
	    LARGE },
	{ GET, "/api/v1/holidays", ANYONE, api_holidays_get, false, SMALL },
	{ POST, "/api/v1/holidays", ADMIN, api_holidays_import, false, LARGE },
	{ POST, "/api/v1/import", ADMIN, api_import, false, LARGE },
	/* printing */
	{ GET, "/api/v1/printer", STAFF, api_print_info, false, SMALL },
	{ GET, "/api/v1/print/render/*", STAFF, api_print_render, false,
	    SMALL },
	/* the counter forms on A5: the office's desk, not a post office's */
	{ READ, "/api/v1/print/a5/*", OFFICE, api_print_a5, false, SMALL },
	{ GET, "/api/v1/print/jobs", STAFF, api_print_jobs, false, SMALL },
	{ GET, "/api/v1/print/jobs/{id}", STAFF, api_print_job, false, SMALL },
	{ POST, "/api/v1/print/jobs/{id}/reprint", STAFF, api_print_reprint,
	    false, SMALL },
	{ POST, "/api/v1/print/*", STAFF, api_print_enqueue, false, SMALL },
	/* scanners */
	{ GET, "/api/v1/scanners", STAFF, scanners, false, SMALL },
	/* postal (docs/postal.md) */
	{ GET, "/api/v1/procedures/{code}/checklist", STAFF,
	    api_postal_checklist, true, SMALL },
	{ GET, "/api/v1/postal/s10/{id}", STAFF, api_postal_s10, false, SMALL },
	{ POST, "/api/v1/postal/items", CLERK, api_postal_register, false,
	    SMALL },
	{ POST, "/api/v1/postal/items/batch", CLERK, api_postal_batch, false,
	    LARGE },
	{ GET, "/api/v1/postal/items/{id}", STAFF, api_postal_item, false,
	    SMALL },
	{ POST, "/api/v1/postal/batches/close", CLERK, api_postal_close, false,
	    SMALL },
	{ GET, "/api/v1/postal/manifests", STAFF, api_postal_manifests, false,
	    SMALL },
	{ GET, "/api/v1/postal/manifests/{id}", STAFF, api_postal_manifest,
	    false, SMALL },
	{ POST, "/api/v1/postal/manifests/{id}/receive", OFFICE,
	    api_postal_receive, false, SMALL },
	{ POST, "/api/v1/postal/manifests/{id}/resolve", OFFICE,
	    api_postal_resolve, false, SMALL },
	{ POST, "/api/v1/postal/manifests/{id}/sign", OFFICE, api_postal_sign,
	    false, SMALL },
	{ POST, "/api/v1/postal/returns", OFFICE, api_postal_return, false,
	    SMALL },
	{ GET, "/api/v1/postal/returns", OFFICE, api_postal_returns, false,
	    SMALL },
	{ POST, "/api/v1/postal/returns/{id}/delivered", OFFICE,
	    api_postal_delivered, false, SMALL },
	{ READ, "/staff/postal/{page}", STAFF, postal_pages_route, false,
	    SMALL },
	/* accounts and the audit log */
	{ GET, "/api/v1/audit", ADMIN, auth_route_audit, true, SMALL },
	{ GET | POST, "/api/v1/users", ADMIN, auth_route_users, true, SMALL },
	{ POST, "/api/v1/users/{name}/password", ADMIN, auth_route_user_passwd,
	    true, SMALL },
	{ POST, "/api/v1/users/{name}/disable", ADMIN, auth_route_user_disable,
	    true, SMALL },
	{ POST, "/api/v1/users/{name}/tokens", ADMIN, auth_route_user_token,
	    true, SMALL },
	{ POST, "/api/v1/users/{name}/tokens/revoke", ADMIN,
	    auth_route_user_revoke, true, SMALL },
	{ POST, "/api/v1/users/{name}/post-office", ADMIN,
	    auth_route_user_post_office, true, SMALL },
	/* upstream sync, and the hub role's own */
	{ GET, "/api/v1/sync/status", ADMIN, sync_route_status, false, SMALL },
	/* the reports page's reconciliation: the roles that reconcile */
	{ GET, "/api/v1/sync/verify", OFFICE, sync_route_verify, false, SMALL },
	{ POST, "/api/v1/sync/unpark", ADMIN, sync_route_unpark, false, SMALL },
	{ GET, "/api/v1/hub/dossiers", ADMIN, hub_route_dossiers, false,
	    SMALL },
	/* the province's report and offices: for those who read reports */
	{ GET, "/api/v1/hub/report", OFFICE, hub_route_report, false, SMALL },
	{ GET, "/api/v1/hub/report/06a", OFFICE, hub_route_form06a, false,
	    SMALL },
	{ GET, "/api/v1/hub/offices", OFFICE, hub_route_offices, false, SMALL },
	{ READ, "/staff/hub", OFFICE, hub_route_page, false, SMALL },
	{ READ, "/staff/hub/*", OFFICE, hub_route_page, false, SMALL },
	{ POST, "/api/v1/hub/dossiers/{code}/status", ADMIN, hub_route_status,
	    false, SMALL },
	/* the operator's backup: the admin socket only (api/backup.h) */
	{ POST, "/api/v1/backup", ADMIN, api_backup, false, SMALL },
};
const size_t routes_count = sizeof routes_table / sizeof routes_table[0];

#undef GET
#undef READ
#undef POST
#undef PUBLIC
#undef SIGNIN
#undef STAFF
#undef OFFICE
#undef CLERK
#undef ADMIN
#undef ANYONE
#undef SMALL
#undef LARGE

/* --- dispatch ------------------------------------------------------------ */

static void
refuse_role(const struct http_request *hr, struct http_response *r)
{
	char msg[96];

	snprintf(msg, sizeof msg, "the %s role may not do this",
	    role_name(request_actor(hr)->role));
	reply_error(r, 403, "role", msg);
}

/* The handlers of the creates that take an Idempotency-Key (docs/api.md):
 * each records its reply with the key in its store transaction. */
static route_handler *const creates[] = {
	api_dossiers_intake,
	api_postal_register,
	api_postal_batch,
	counter_route_refusal,
	counter_route_handoff,
};

static bool
is_create(const struct route *rt)
{
	for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++)
		if (rt->handler == creates[i])
			return true;
	return false;
}

/* The reads whose replies hold a name, an ID number, a phone or an
 * address (docs/privacy.md, "Who read what"): each answered one (2xx)
 * writes one audit row naming the actor, whatever it listed. A new route
 * that returns personal data goes here. */
static route_handler *const personal_reads[] = {
	api_dossiers_search, api_dossiers_get, api_postal_item,
	api_print_render, /* a receipt's image names its owner */
};

bool
routes_personal_read(const struct route *rt)
{
	for (size_t i = 0; i < sizeof personal_reads / sizeof personal_reads[0];
	     i++)
		if (rt->handler == personal_reads[i])
			return true;
	return false;
}

/* The audit row of a personal-data read that was answered; a read that
 * cannot be recorded is not answered (500): every access is recorded. */
static void
audit_read(struct route_ctx *c, const struct route *rt,
    const struct http_request *hr, struct http_response *r)
{
	if (r->status >= 300 || r->stream != NULL)
		return;
	if (store_audit_read(c->store, request_actor(hr)->name, hr->path,
	        rt->pattern, r->records > 0 ? r->records : -1) == STORE_OK)
		return;
	log_warnx("audit: cannot record a read of %s", rt->pattern);
	free(r->body);
	r->body = NULL;
	r->static_body = NULL;
	r->len = 0;
	r->content_type = NULL;
	reply_error(r, 500, "", "the read cannot be recorded in the audit log");
}

/* A create's Idempotency-Key (docs/api.md): a key seen within a day with
 * the same request is answered with the first reply and the handler does
 * not run (true); the same key with another request is 422. Otherwise
 * (false) *idem holds the key for the handler, or *has is false when the
 * request carries none. */
static bool
idem_replayed(struct route_ctx *c, const struct http_request *hr,
    struct request_idem *idem, bool *has, struct http_response *r)
{
	char err[STORE_ERR_MAX];
	enum store_rc rc;
	int n, status;

	*has = false;
	if ((n = request_idem(hr, idem, r)) != 1)
		return n == -1;
	rc = store_idem_find(c->store, idem->key, idem->hash, clock_wall_s(),
	    &status, &r->body, &r->len, err);
	if (rc == STORE_OK) {
		r->status = status;
		return true;
	}
	if (rc == STORE_CONFLICT) {
		reply_problem(r, 422, err);
		return true;
	}
	if (rc != STORE_NOTFOUND) {
		log_warnx("idempotency: %s", err);
		reply_error(r, 500, "", "the store cannot be read");
		return true;
	}
	*has = true;
	return false;
}

/* Every listener's rows; hr->admin and hr->actor are set for staff. */
static void
dispatch(struct route_ctx *c, const struct http_request *hr,
    struct http_response *r)
{
	unsigned mask = 1u << ROUTE_PUBLIC, allow, allow_roles;
	struct route_params pp;
	const struct route *rt;

	c->requests++;
	if (hr->admin)
		mask |= 1u << ROUTE_STAFF;
	rt = route_find(routes_table, routes_count, mask, hr->method, hr->path,
	    &pp, &allow, &allow_roles);
	if (rt != NULL && rt->access == ROUTE_STAFF &&
	    !role_in(hr->actor, rt->roles)) {
		refuse_role(hr, r);
	} else if (rt != NULL && is_create(rt)) {
		struct request_idem idem;
		struct http_request keyed;
		bool has;

		if (!idem_replayed(c, hr, &idem, &has, r)) {
			keyed = *hr;
			keyed.idem = has ? &idem : NULL;
			rt->handler(c, &keyed, &pp, r);
		}
	} else if (rt != NULL) {
		rt->handler(c, hr, &pp, r);
		if (routes_personal_read(rt))
			audit_read(c, rt, hr, r);
	} else if (allow != 0 && !role_in(hr->actor, allow_roles)) {
		refuse_role(hr, r);
	} else if (allow != 0) {
		char methods[64], msg[80];

		route_methods_text(allow, methods, sizeof methods);
		snprintf(msg, sizeof msg, "use %s", methods);
		reply_error(r, 405, "method", msg);
	} else {
		/* The public listener does not reveal that staff routes
		 * exist. */
		reply_error(r, 404, "path", "no such resource");
	}
	/* a staff write committed outbox rows: push them soon */
	if (hr->admin && strcmp(hr->method, "POST") == 0 && r->status < 300 &&
	    c->sync != NULL)
		sync_kick(c->sync);
}

static void
count_reply(struct route_ctx *c, const struct http_response *r)
{
	if (r->status >= 500)
		c->errors_5xx++;
	else if (r->status >= 400)
		c->errors_4xx++;
}

void
routes_handle(void *arg, const struct http_request *hr, struct http_response *r)
{
	struct route_ctx *c = arg;
	struct http_request sock;
	struct actor act = { .role = ROLE_ADMIN };

	if (hr->admin) {
		/* the admin socket: role admin, named as it always was */
		request_actor_name(hr, NULL, act.name, sizeof act.name);
		sock = *hr;
		sock.actor = &act;
		hr = &sock;
	}
	dispatch(c, hr, r);
	count_reply(c, r);
}

void
routes_handle_metrics(void *arg, const struct http_request *hr,
    struct http_response *r)
{
	struct route_ctx *c = arg;
	unsigned m = route_method(hr->method);

	c->requests++;
	if (strcmp(hr->path, "/metrics") != 0)
		reply_error(r, 404, "path", "no such resource");
	else if ((m & ROUTE_READ) == 0)
		reply_error(r, 405, "method", "use GET or HEAD");
	else
		metrics(c, hr, NULL, r);
	count_reply(c, r);
}

int
routes_decide(const struct actor *act, const char *method, const char *path,
    size_t *body_max)
{
	unsigned mask = 1u << ROUTE_SIGNIN, allow, allow_roles;
	struct route_params pp;
	const struct route *rt;

	if (act != NULL)
		mask = (1u << ROUTE_PUBLIC) | (1u << ROUTE_STAFF);
	rt = route_find(routes_table, routes_count, mask, method, path, &pp,
	    &allow, &allow_roles);
	*body_max = 0;
	if (act == NULL && rt == NULL)
		return 401;
	if (rt != NULL && rt->access == ROUTE_STAFF && !role_in(act, rt->roles))
		return 403;
	if (rt != NULL) {
		*body_max = route_body_max(rt);
		return 0;
	}
	if (allow != 0)
		return role_in(act, allow_roles) ? 405 : 403;
	return 404;
}

/* Lowers the decision's limit to the row's. */
static void
limit(struct http_gate_decision *g, size_t row_max)
{
	if (row_max < g->max_body)
		g->max_body = row_max;
}

void
routes_staff_gate(void *arg, const struct http_request *hr,
    struct http_gate_decision *g)
{
	struct route_ctx *c = arg;
	struct http_request staff;
	struct actor act;
	size_t max;

	if (routes_decide(NULL, hr->method, hr->path, &max) == 0) {
		limit(g, max); /* a sign-in row: nobody is known yet */
		return;
	}
	/* The session or token, and the row's roles, from the headers: a
	 * request that will be refused is refused now, its body unread.
	 * routes_handle_staff checks both again for the requests that pass
	 * (a second store lookup, the price of a gate that keeps no
	 * per-request state). */
	if (auth_request(c->auth, hr, &g->refusal, &act) == -1) {
		c->requests++;
		count_reply(c, &g->refusal);
		return;
	}
	if (routes_decide(&act, hr->method, hr->path, &max) == 0) {
		limit(g, max);
		return;
	}
	/* 403, 405 or 404: dispatch writes the same reply it would after
	 * the body, and finds no handler to run */
	staff = *hr;
	staff.admin = true;
	staff.actor = &act;
	dispatch(c, &staff, &g->refusal);
	count_reply(c, &g->refusal);
}

void
routes_admin_gate(void *arg, const struct http_request *hr,
    struct http_gate_decision *g)
{
	struct actor act = { .role = ROLE_ADMIN };
	size_t max;

	(void)arg;
	/* the socket's peer is trusted (its mode and group): only the
	 * row's body limit, the replies stay the handlers' */
	if (routes_decide(&act, hr->method, hr->path, &max) == 0)
		limit(g, max);
}

void
routes_handle_staff(void *arg, const struct http_request *hr,
    struct http_response *r)
{
	struct route_ctx *c = arg;
	struct http_request staff;
	struct route_params pp;
	struct actor act;
	unsigned allow, allow_roles;
	const struct route *rt =
	    route_find(routes_table, routes_count, 1u << ROUTE_SIGNIN,
	        hr->method, hr->path, &pp, &allow, &allow_roles);

	if (rt != NULL) {
		c->requests++;
		rt->handler(c, hr, &pp, r);
		count_reply(c, r);
		return;
	}
	if (auth_request(c->auth, hr, r, &act) == -1) {
		c->requests++;
		count_reply(c, r);
		return;
	}
	staff = *hr;
	staff.admin = true; /* the staff rows, with the actor's role */
	staff.actor = &act;
	dispatch(c, &staff, r);
	count_reply(c, r);
}

/* --- the matrix ---------------------------------------------------------- */

static void
who(const struct route *rt, char *buf, size_t size)
{
	size_t n = 0;

	if (rt->access == ROUTE_PUBLIC) {
		snprintf(buf, size, "public");
		return;
	}
	if (rt->access == ROUTE_SIGNIN) {
		snprintf(buf, size, "sign-in");
		return;
	}
	buf[0] = '\0';
	for (int role = ROLE_KIOSK; role <= ROLE_ADMIN; role++)
		if (rt->roles & ROLE_BIT(role))
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
			    "%s`%s`", n > 0 ? ", " : "", role_name(role));
}

void
routes_matrix(FILE *f)
{
	char methods[64], one[16], roles[128];

	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes_table[i];
		size_t n = 0;

		methods[0] = '\0';
		for (unsigned bit = ROUTE_GET; bit < ROUTE_OTHER; bit <<= 1) {
			if ((rt->methods & bit) == 0 ||
			    rt->methods == ROUTE_ANY)
				continue;
			route_methods_text(bit, one, sizeof one);
			n += (size_t)snprintf(methods + n,
			    n < sizeof methods ? sizeof methods - n : 0, "%s%s",
			    n > 0 ? ", " : "", one);
		}
		if (rt->methods == ROUTE_ANY)
			snprintf(methods, sizeof methods, "any");
		who(rt, roles, sizeof roles);
		fprintf(f, "| %s | `%s` | %s |\n", methods, rt->pattern, roles);
	}
}
