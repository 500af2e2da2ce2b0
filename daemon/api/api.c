/* api.c: routes and JSON bodies of the HTTP API v1. See api.h and
 * docs/api.md. Every outside input is checked here or in the pure parsers
 * before the store sees it; every error names the field. */
#include <ctype.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api/api.h"
#include "api/catalogue_json.h"
#include "api/dossier_json.h"
#include "report/api_report.h"
#include "printer/api_print.h"
#include "auth/auth.h"
#include "postal/api_postal.h"
#include "core/calendar.h"
#include "core/dcode.h"
#include "sync/hub.h"
#include "api/importpipe.h"
#include "core/importrec.h"
#include "kiosk/kiosk_api.h"
#include "postal/postal_pages.h"
#include "lib/jsonw.h"
#include "lib/lines.h"
#include "lib/log.h"
#include "scanner/scanhub.h"
#include "core/status.h"
#include "sync/sync.h"
#include "sync/sync_json.h"
#include "core/textfold.h"
#include "core/token.h"
#include "http/reply.h"

#define ACTOR_MAX         96
#define REJECTED_LIST_MAX 1000 /* rejected lines listed in one reply */
/* store_lookup's strings escaped at worst 6x, plus the frame */
#define LOOKUP_REPLY_MAX    16384
#define PERIOD_DAYS_MAX     3660
#define STAFF_BODY_TEXT_MAX 2000 /* reason, items, summary ... */

struct api {
	struct store *store;      /* borrowed */
	struct ratelimit *rl;     /* borrowed */
	const struct config *cfg; /* borrowed; swapped on reload */
	struct kiosk *kiosk;      /* borrowed; NULL: no kiosk routes */
	struct sync *sync;        /* borrowed; NULL: no sync */
	struct hub *hub;          /* borrowed; hub role only */
	/* counters for /metrics */
	uint64_t requests, errors_4xx, errors_5xx;
	uint64_t lookup_hit, lookup_miss, lookup_limited;
	uint64_t intakes, status_changes, import_lines, import_rejected;
	struct printer *printer; /* borrowed; NULL: no printing */
	struct scanhub *scanhub; /* borrowed; NULL: no scanner routes */
	struct auth *auth;       /* borrowed; accounts (auth.c) */
};

/* Embedded assets from lookup-ui/ (daemon/kiosk/assets.S). */
extern const char ui_index_html[], ui_index_html_end[];

struct api *
api_new(struct store *st, struct ratelimit *rl, const struct config *cfg)
{
	struct api *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	a->store = st;
	a->rl = rl;
	a->cfg = cfg;
	return a;
}

void
api_set_config(struct api *a, const struct config *cfg)
{
	a->cfg = cfg;
}

void
api_set_kiosk(struct api *a, struct kiosk *k)
{
	a->kiosk = k;
}

void
api_set_sync(struct api *a, struct sync *s)
{
	a->sync = s;
}

void
api_set_hub(struct api *a, struct hub *h)
{
	a->hub = h;
}

void
api_set_printer(struct api *a, struct printer *p)
{
	a->printer = p;
}

void
api_set_scanhub(struct api *a, struct scanhub *h)
{
	a->scanhub = h;
}

void
api_set_auth(struct api *a, struct auth *au)
{
	a->auth = au;
}

void
api_free(struct api *a)
{
	free(a);
}

static int64_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Splits a store message "field: problem" into its two parts. */
static void
reply_store_error(struct http_response *r, enum store_rc rc, const char *err)
{
	static const int status[] = { [STORE_OK] = 200,
		[STORE_NOTFOUND] = 404,
		[STORE_INVALID] = 400,
		[STORE_CONFLICT] = 409,
		[STORE_FULL] = 507,
		[STORE_ERROR] = 500 };

	if (rc == STORE_ERROR)
		log_warnx("store: %s", err);
	reply_problem(r, status[rc], err);
}

/* --- request bodies ------------------------------------------------- */

struct body {
	json_t *root; /* owned */
	char err_field[64];
	char err[256];
};

static int
body_parse(struct body *b, const struct http_request *hr)
{
	json_error_t je;

	b->root = NULL;
	if (hr->body_len == 0) {
		snprintf(b->err_field, sizeof b->err_field, "body");
		snprintf(b->err, sizeof b->err, "a JSON object is required");
		return -1;
	}
	b->root =
	    json_loadb(hr->body, hr->body_len, JSON_REJECT_DUPLICATES, &je);
	if (b->root == NULL || !json_is_object(b->root)) {
		snprintf(b->err_field, sizeof b->err_field, "body");
		if (b->root == NULL)
			snprintf(b->err, sizeof b->err,
			    "not valid JSON: %s at column %d", je.text,
			    je.column);
		else
			snprintf(b->err, sizeof b->err,
			    "must be a JSON object");
		json_decref(b->root);
		b->root = NULL;
		return -1;
	}
	return 0;
}

/* A string member: NULL when absent (or an error when required). */
static int
body_str(struct body *b, const char *key, bool required, size_t max,
    const char **out)
{
	json_t *v = json_object_get(b->root, key);
	const char *s;
	size_t len;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "is required");
		return -1;
	}
	if (!json_is_string(v)) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "must be a string");
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > max || strlen(s) != len || !text_valid(s, len)) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err,
		    len > max ? "longer than %zu bytes"
		              : "must be text without control characters",
		    max);
		return -1;
	}
	if (required && len == 0) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "must not be empty");
		return -1;
	}
	*out = s;
	return 0;
}

/* An ISO 8601 time member; 0 when absent and not required. */
static int
body_time(struct body *b, const char *key, bool required, int64_t *out)
{
	const char *s, *why = NULL;

	*out = 0;
	if (body_str(b, key, required, 64, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (cal_parse_iso(s, strlen(s), out, &why) == -1) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "%s", why);
		return -1;
	}
	return 0;
}

static void
reply_body_error(struct http_response *r, struct body *b)
{
	reply_error(r, 400, b->err_field, b->err);
	json_decref(b->root);
	b->root = NULL;
}

void
api_actor_name(const struct http_request *hr, const char *named, char *buf,
    size_t size)
{
	char name[ACTOR_MAX / 2];
	size_t n = 0;

	/* signed in on the staff listener: the account, whatever the body
	 * says */
	if (hr->actor != NULL && hr->peer_uid < 0) {
		snprintf(buf, size, "%s", hr->actor->name);
		return;
	}
	if (named == NULL)
		named = http_query(hr, "actor");
	if (named == NULL || *named == '\0')
		named = "unknown";
	/* keep the name printable ASCII-or-UTF-8 and short */
	for (const char *p = named; *p && n < sizeof name - 1; p++)
		name[n++] = (unsigned char)*p < 0x20 ? '?' : *p;
	name[n] = '\0';
	if (!text_valid(name, n))
		snprintf(name, sizeof name, "invalid");
	snprintf(buf, size, "%s (uid %ld)", name, hr->peer_uid);
}

/* --- routes ----------------------------------------------------------- */

static void
lookup_url(const struct api *a, const char *token, char *buf, size_t size)
{
	const char *base = a->cfg->public_url;
	size_t bl = strlen(base);

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(buf, size, "%.*s/l/%s", (int)bl, base, token);
}

/* The kiosk view, written straight into a buffer (see jsonw.h for why).
 * Returns the length or -1 when it did not fit. */
static long
lookup_view(const struct store_lookup *v, int64_t now, char *buf, size_t size)
{
	char rec[32], due[32], upd[32], day[16], apo[32];
	struct jsonw w;

	cal_format_iso(v->received_at, rec);
	cal_format_iso(v->due_at, due);
	cal_format_iso(v->updated_at, upd);
	cal_format_date(cal_local_day(v->received_at), day);
	jsonw_init(&w, buf, size);
	jsonw_open(&w, NULL);
	jsonw_str(&w, "procedure", v->procedure_name);
	jsonw_str(&w, "received_on", day);
	jsonw_str(&w, "received_at", rec);
	if (v->due_at != 0) /* a postal dossier has none until accepted */
		jsonw_str(&w, "due_at", due);
	else
		jsonw_null(&w, "due_at");
	jsonw_open(&w, "status");
	jsonw_int(&w, "code", v->status);
	jsonw_str(&w, "name", status_name(v->status));
	jsonw_str(&w, "label_vi", status_label_vi(v->status));
	jsonw_str(&w, "label_en", status_label_en(v->status));
	jsonw_str(&w, "kiosk_vi", status_kiosk_vi(v->status));
	jsonw_str(&w, "kiosk_en", status_kiosk_en(v->status));
	jsonw_close(&w);
	jsonw_bool(&w, "overdue",
	    v->due_at != 0 && status_overdue(v->status, v->due_at, now));
	jsonw_bool(&w, "result_ready", v->status == ST_RESULT_READY);
	jsonw_bool(&w, "result_returned", v->status == ST_RETURNED);
	jsonw_open(&w, "collect");
	jsonw_str(&w, "delivery", delivery_name(v->delivery));
	jsonw_str(&w, "place", v->collect_at);
	jsonw_close(&w);
	jsonw_str(&w, "applicant", v->masked_name);
	jsonw_str(&w, "updated_at", upd);
	if (v->apology_due_at != 0) {
		cal_format_iso(v->apology_due_at, apo);
		jsonw_open(&w, "apology");
		jsonw_str(&w, "new_due_at", apo);
		jsonw_close(&w);
	} else {
		jsonw_null(&w, "apology");
	}
	jsonw_close(&w);
	return jsonw_finish(&w);
}

json_t *
api_lookup_view(const struct store_lookup *v, int64_t now)
{
	char *buf = malloc(LOOKUP_REPLY_MAX);
	long n = buf ? lookup_view(v, now, buf, LOOKUP_REPLY_MAX) : -1;
	json_t *j = n >= 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;

	free(buf);
	return j;
}

/* The reply to a lookup, on the loop thread. A miss costs the client
 * address a token of its rate-limit bucket. */
static void
answer_lookup(struct api *a, struct http_response *r, enum store_rc rc,
    const struct store_lookup *v, const unsigned char *addr, size_t addr_len)
{
	char *buf;
	long n;

	if (rc == STORE_NOTFOUND) {
		a->lookup_miss++;
		ratelimit_take(a->rl, addr, addr_len, mono_ms(), NULL);
		reply_error(r, 404, "token", "no dossier has this token");
		return;
	}
	if (rc != STORE_OK) {
		reply_error(r, 500, "", "lookup failed");
		return;
	}
	a->lookup_hit++;
	buf = malloc(LOOKUP_REPLY_MAX);
	n = buf ? lookup_view(v, now_s(), buf, LOOKUP_REPLY_MAX) : -1;
	if (n < 0) { /* cannot happen with the store's field bounds */
		free(buf);
		reply_error(r, 500, "", "lookup reply too large");
		return;
	}
	r->status = 200;
	r->body = buf;
	r->len = (size_t)n;
}

/* A kiosk lookup waiting for upstream (the live fallback). */
struct pending_lookup {
	struct api *a;
	struct http_pending *p;
	unsigned char addr[16];
	size_t addr_len;
};

static void
on_upstream_lookup(void *arg, bool found, const struct store_lookup *v,
    const char *error)
{
	struct pending_lookup *pl = arg;
	struct api *a = pl->a;
	struct http_response r = { 0 };

	/* unreachable upstream answers as a miss: the kiosk must answer
	 * within its timeout either way */
	if (!found && error != NULL)
		log_debug("lookup fallback: %s", error);
	answer_lookup(a, &r, found ? STORE_OK : STORE_NOTFOUND, v, pl->addr,
	    pl->addr_len);
	http_pending_reply(pl->p, &r);
	free(pl);
}

static int
lookup_upstream(struct api *a, const struct http_request *hr, const char *token)
{
	struct pending_lookup *pl = calloc(1, sizeof *pl);

	if (pl == NULL)
		return -1;
	pl->a = a;
	memcpy(pl->addr, hr->addr, sizeof pl->addr);
	pl->addr_len = hr->addr_len;
	if (sync_lookup(a->sync, token, on_upstream_lookup, pl) == -1) {
		free(pl);
		return -1;
	}
	pl->p = http_defer(hr);
	return 0;
}

static void
route_lookup(struct api *a, const struct http_request *hr,
    struct http_response *r, const char *seg)
{
	char token[TOKEN_LEN + 1] = "";
	struct store_lookup v;
	enum store_rc rc;
	unsigned retry = 0;

	if (!ratelimit_check(a->rl, hr->addr, hr->addr_len, mono_ms(),
	        &retry)) {
		a->lookup_limited++;
		r->retry_after_s = retry;
		reply_error(r, 429, "token",
		    "too many unknown tokens from this address; try again later");
		return;
	}
	if (!token_normalise(seg, strlen(seg), token)) {
		answer_lookup(a, r, STORE_NOTFOUND, NULL, hr->addr,
		    hr->addr_len);
		return;
	}
	rc = store_lookup_token(a->store, token, &v);
	/* Not known here: ask upstream (a deferred reply), if sync is on. */
	if (rc == STORE_NOTFOUND && sync_enabled(a->sync) &&
	    lookup_upstream(a, hr, token) == 0)
		return;
	answer_lookup(a, r, rc, &v, hr->addr, hr->addr_len);
}

static void
route_health(struct api *a, struct http_response *r)
{
	(void)a;
	r->static_body = "{\"status\":\"ok\"}";
	r->len = strlen(r->static_body);
}

static void
route_metrics(struct api *a, struct http_response *r)
{
	struct store_stats ss = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		reply_error(r, 500, "", "out of memory");
		return;
	}
	store_stats(a->store, &ss);
#define COUNTER(name, help, v)                                               \
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, \
	    name, name, (unsigned long long)(v))
#define GAUGE(name, help, v)                                               \
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, \
	    name, name, (long long)(v))
	COUNTER("motcua_http_requests_total", "HTTP requests answered.",
	    a->requests);
	COUNTER("motcua_http_client_errors_total", "Replies with a 4xx status.",
	    a->errors_4xx);
	COUNTER("motcua_http_server_errors_total", "Replies with a 5xx status.",
	    a->errors_5xx);
	fprintf(f,
	    "# HELP motcua_lookups_total Kiosk lookups by outcome.\n"
	    "# TYPE motcua_lookups_total counter\n"
	    "motcua_lookups_total{outcome=\"hit\"} %llu\n"
	    "motcua_lookups_total{outcome=\"miss\"} %llu\n"
	    "motcua_lookups_total{outcome=\"rate_limited\"} %llu\n",
	    (unsigned long long)a->lookup_hit,
	    (unsigned long long)a->lookup_miss,
	    (unsigned long long)a->lookup_limited);
	COUNTER("motcua_intakes_total", "Dossiers registered at the counter.",
	    a->intakes);
	COUNTER("motcua_status_changes_total", "Status changes by staff.",
	    a->status_changes);
	COUNTER("motcua_import_lines_total", "Import lines processed.",
	    a->import_lines);
	COUNTER("motcua_import_rejected_total", "Import lines rejected.",
	    a->import_rejected);
	GAUGE("motcua_dossiers", "Dossiers in the local store.", ss.dossiers);
	GAUGE("motcua_outbox_pending", "Outbox rows not yet sent upstream.",
	    ss.outbox_pending);
	GAUGE("motcua_ratelimit_clients", "Client addresses tracked.",
	    ratelimit_tracked(a->rl));
	if (a->kiosk != NULL)
		kiosk_metrics(a->kiosk, f);
	if (a->sync != NULL)
		sync_metrics(a->sync, f);
#undef COUNTER
#undef GAUGE
	if (a->printer != NULL)
		printer_metrics(a->printer, f);
	if (a->scanhub != NULL)
		scanhub_metrics(a->scanhub, f);
	auth_metrics(a->auth, f);
	fclose(f);
	r->body = buf;
	r->len = len;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

static void
route_intake(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	struct body b;
	struct store_intake in = { 0 };
	struct store_intake_result res;
	const char *delivery = NULL, *actor_name = NULL;
	char actor[ACTOR_MAX], err[STORE_ERR_MAX], due[32], url[512];
	enum store_rc rc;

	if (body_parse(&b, hr) == -1 ||
	    body_str(&b, "procedure_code", true, 64, &in.procedure_code) ||
	    body_str(&b, "agency_code", false, 35, &in.agency_code) ||
	    body_str(&b, "owner_name", true, 200, &in.owner_name) ||
	    body_str(&b, "owner_id_no", false, 32, &in.owner_id_no) ||
	    body_str(&b, "phone", false, 32, &in.phone) ||
	    body_str(&b, "address", false, 500, &in.address) ||
	    body_str(&b, "email", false, 254, &in.email) ||
	    body_str(&b, "summary", false, STAFF_BODY_TEXT_MAX, &in.summary) ||
	    body_str(&b, "delivery", false, 16, &delivery) ||
	    body_str(&b, "actor", false, 64, &actor_name) ||
	    body_time(&b, "received_at", false, &in.received_at)) {
		reply_body_error(r, &b);
		return;
	}
	in.channel = CHANNEL_COUNTER;
	in.delivery = DELIVERY_COUNTER;
	if (delivery != NULL &&
	    (in.delivery = delivery_from_name(delivery)) < 0) {
		snprintf(b.err_field, sizeof b.err_field, "delivery");
		snprintf(b.err, sizeof b.err,
		    "must be \"counter\" or \"post\"");
		reply_body_error(r, &b);
		return;
	}
	if (in.agency_code == NULL || *in.agency_code == '\0')
		in.agency_code = a->cfg->agency_code;
	if (in.received_at == 0)
		in.received_at = now_s();
	api_actor_name(hr, actor_name, actor, sizeof actor);
	in.actor = actor;
	rc = store_intake(a->store, &in, &res, err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		if (rc == STORE_FULL)
			log_warnx("ALERT: %s", err);
		reply_store_error(r, rc, err);
		return;
	}
	a->intakes++;
	log_info("intake %s by %s", res.code, actor);
	cal_format_iso(res.due_at, due);
	lookup_url(a, res.token, url, sizeof url);
	reply_json(r, 201,
	    json_pack("{s:s,s:s,s:s,s:s,s:b}", "code", res.code, "token",
	        res.token, "lookup_url", url, "due_at", due, "provisional",
	        res.provisional));
}

/* Canonical code from a path segment, or a 400. */
static int
path_code(const char *seg, size_t len, char code[DCODE_TEXT_MAX + 1],
    struct http_response *r)
{
	struct dcode d;
	enum dcode_err e = dcode_parse(seg, len, &d, NULL);

	if (e != DCODE_OK) {
		reply_error(r, 400, "code", dcode_strerror(e));
		return -1;
	}
	dcode_format(&d, code, DCODE_TEXT_MAX + 1);
	return 0;
}

static void
reply_dossier(struct api *a, struct http_response *r, const char *code,
    int status)
{
	enum store_rc rc = STORE_OK;
	json_t *j = dossier_json_read(a->store, code, now_s(), &rc);

	if (j == NULL) {
		reply_store_error(r, rc,
		    rc == STORE_NOTFOUND ? "code: no such dossier"
		                         : "dossier: cannot read it");
		return;
	}
	reply_json(r, status, j);
}

static void
route_status(struct api *a, const struct http_request *hr,
    struct http_response *r, const char *code)
{
	struct body b;
	const char *reason, *actor_name;
	char actor[ACTOR_MAX], err[STORE_ERR_MAX];
	json_t *st;
	int status;
	enum store_rc rc;

	if (body_parse(&b, hr) == -1 ||
	    body_str(&b, "reason", true, STAFF_BODY_TEXT_MAX, &reason) ||
	    body_str(&b, "actor", false, 64, &actor_name)) {
		reply_body_error(r, &b);
		return;
	}
	st = json_object_get(b.root, "status");
	if (!json_is_integer(st) ||
	    !status_valid((int)json_integer_value(st))) {
		snprintf(b.err_field, sizeof b.err_field, "status");
		snprintf(b.err, sizeof b.err,
		    "must be an integer from 1 to 10");
		reply_body_error(r, &b);
		return;
	}
	status = (int)json_integer_value(st);
	api_actor_name(hr, actor_name, actor, sizeof actor);
	rc = store_set_status(a->store, code, status, reason, actor, now_s(),
	    err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, err);
		return;
	}
	a->status_changes++;
	log_info("status %s -> %d by %s", code, status, actor);
	reply_dossier(a, r, code, 200);
}

static void
route_supplement(struct api *a, const struct http_request *hr,
    struct http_response *r, const char *code)
{
	struct body b;
	const char *action, *reason, *items, *actor_name;
	char actor[ACTOR_MAX], err[STORE_ERR_MAX];
	int64_t new_due;
	enum store_rc rc;

	if (body_parse(&b, hr) == -1 ||
	    body_str(&b, "action", true, 16, &action) ||
	    body_str(&b, "reason", false, STAFF_BODY_TEXT_MAX, &reason) ||
	    body_str(&b, "items", false, STAFF_BODY_TEXT_MAX, &items) ||
	    body_str(&b, "actor", false, 64, &actor_name) ||
	    body_time(&b, "new_due_at", false, &new_due)) {
		reply_body_error(r, &b);
		return;
	}
	api_actor_name(hr, actor_name, actor, sizeof actor);
	if (strcmp(action, "request") == 0) {
		if (reason == NULL || *reason == '\0') {
			snprintf(b.err_field, sizeof b.err_field, "reason");
			snprintf(b.err, sizeof b.err,
			    "is required for a supplement request");
			reply_body_error(r, &b);
			return;
		}
		rc = store_supplement_request(a->store, code, reason, items,
		    actor, now_s(), err);
	} else if (strcmp(action, "complete") == 0) {
		rc = store_supplement_complete(a->store, code, new_due, actor,
		    now_s(), err);
	} else {
		snprintf(b.err_field, sizeof b.err_field, "action");
		snprintf(b.err, sizeof b.err,
		    "must be \"request\" or \"complete\"");
		reply_body_error(r, &b);
		return;
	}
	if (rc == STORE_OK) /* action belongs to b.root */
		log_info("supplement %s %s by %s", action, code, actor);
	json_decref(b.root);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, err);
		return;
	}
	reply_dossier(a, r, code, 200);
}

static void
route_apology(struct api *a, const struct http_request *hr,
    struct http_response *r, const char *code)
{
	struct body b;
	const char *reason, *unit, *actor_name;
	char actor[ACTOR_MAX], err[STORE_ERR_MAX];
	int64_t new_due;
	enum store_rc rc;

	if (body_parse(&b, hr) == -1 ||
	    body_str(&b, "reason", true, STAFF_BODY_TEXT_MAX, &reason) ||
	    body_str(&b, "unit", false, 200, &unit) ||
	    body_str(&b, "actor", false, 64, &actor_name) ||
	    body_time(&b, "new_due_at", true, &new_due)) {
		reply_body_error(r, &b);
		return;
	}
	api_actor_name(hr, actor_name, actor, sizeof actor);
	rc = store_apology(a->store, code, reason, unit, new_due, actor,
	    now_s(), err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, err);
		return;
	}
	log_info("apology %s by %s", code, actor);
	reply_dossier(a, r, code, 200);
}

static void
route_token(struct api *a, struct http_response *r, const char *code)
{
	char token[TOKEN_LEN + 1], url[512];
	enum store_rc rc = store_token(a->store, code, token);

	if (rc != STORE_OK) {
		reply_store_error(r, rc,
		    rc == STORE_NOTFOUND ? "code: no such dossier"
		                         : "token: cannot issue one");
		return;
	}
	lookup_url(a, token, url, sizeof url);
	reply_json(r, 200,
	    json_pack("{s:s,s:s,s:s}", "code", code, "token", token,
	        "lookup_url", url));
}

/* A YYYY-MM-DD query argument; -1 when absent. */
static int
query_day(const struct http_request *hr, const char *key, bool required,
    int *day, struct http_response *r)
{
	const char *v = http_query(hr, key);

	*day = -1;
	if (v == NULL || *v == '\0') {
		if (!required)
			return 0;
		reply_error(r, 400, key, "is required (YYYY-MM-DD)");
		return -1;
	}
	if (cal_parse_date(v, strlen(v), day) == -1) {
		reply_error(r, 400, key, "expected a date as YYYY-MM-DD");
		return -1;
	}
	return 0;
}

static void
route_search(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	struct store_query q = { 0 };
	const char *lim = http_query(hr, "limit");
	char err[STORE_ERR_MAX], *end;
	json_t *res;

	q.code = http_query(hr, "code");
	q.name = http_query(hr, "name");
	q.limit = 50;
	if (query_day(hr, "from", false, &q.from_day, r) ||
	    query_day(hr, "to", false, &q.to_day, r))
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
	if ((res = dossier_json_search(a->store, &q, now_s(), err)) == NULL) {
		reply_store_error(r, STORE_INVALID, err);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "results", res));
}

static void
route_counts(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	int from, to;
	json_t *j;

	if (query_day(hr, "from", true, &from, r) ||
	    query_day(hr, "to", true, &to, r))
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

static long
first_line_of(const struct http_request *hr, struct http_response *r)
{
	const char *v = http_query(hr, "first_line");
	char *end;
	long n;

	if (v == NULL)
		return 1;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 1 || n > 1000000000L) {
		reply_error(r, 400, "first_line",
		    "must be an integer from 1 to 1000000000");
		return -1;
	}
	return n;
}

static void
reject(json_t *list, long line, const char *msg, size_t *total)
{
	if (json_array_size(list) < REJECTED_LIST_MAX)
		json_array_append_new(list,
		    json_pack("{s:I,s:s}", "line", (json_int_t)line, "error",
		        msg));
	(*total)++;
}

static void
route_import(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	const struct importpipe_item *it;
	struct importpipe *pipe;
	char actor[ACTOR_MAX], err[STORE_ERR_MAX];
	size_t counts[3] = { 0 }, rejected = 0;
	enum import_outcome out;
	enum store_rc rc;
	json_t *rej;
	long first = first_line_of(hr, r);

	if (first < 0)
		return;
	if ((rej = json_array()) == NULL ||
	    (pipe = importpipe_start(hr->body, hr->body_len, first)) == NULL) {
		json_decref(rej);
		reply_error(r, 500, "", "out of memory");
		return;
	}
	api_actor_name(hr, NULL, actor, sizeof actor);
	if (store_import_begin(a->store, err) != STORE_OK) {
		importpipe_free(pipe);
		json_decref(rej);
		reply_store_error(r, STORE_ERROR, err);
		return;
	}
	/* Lines are parsed on the pipe's thread while this one writes. */
	while ((it = importpipe_next(pipe)) != NULL) {
		a->import_lines++;
		if (!it->ok) {
			reject(rej, it->line, it->err, &rejected);
			continue;
		}
		rc = store_import_rec(a->store, &it->rec, actor, &out, err);
		if (rc == STORE_ERROR)
			break; /* the batch is lost: rolled back below */
		if (rc != STORE_OK) {
			reject(rej, it->line, err, &rejected);
			continue;
		}
		counts[out]++;
	}
	importpipe_free(pipe);
	if (store_import_commit(a->store, err) != STORE_OK) {
		store_import_rollback(a->store);
		json_decref(rej);
		reply_store_error(r, STORE_ERROR, err);
		return;
	}
	a->import_rejected += rejected;
	log_info("import by %s: %zu imported, %zu updated, %zu unchanged, "
	         "%zu rejected",
	    actor, counts[IMPORT_IMPORTED], counts[IMPORT_UPDATED],
	    counts[IMPORT_UNCHANGED], rejected);
	reply_json(r, 200,
	    json_pack("{s:I,s:I,s:I,s:I,s:o}", "imported",
	        (json_int_t)counts[IMPORT_IMPORTED], "updated",
	        (json_int_t)counts[IMPORT_UPDATED], "unchanged",
	        (json_int_t)counts[IMPORT_UNCHANGED], "rejected_total",
	        (json_int_t)rejected, "rejected", rej));
}

/* The holiday file is all or nothing: a calendar half-imported would give
 * wrong due dates without anyone noticing. */
static void
route_holidays_import(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	struct lines ls = { hr->body, hr->body + hr->body_len, 0 };
	struct cal_holiday_line *hl = NULL;
	struct store_holiday *sh = NULL;
	size_t n = 0, cap = 0, bad = 0, len;
	char err[STORE_ERR_MAX], actor[ACTOR_MAX];
	const char *line;
	json_t *errs = json_array();
	enum store_rc rc;

	api_actor_name(hr, NULL, actor, sizeof actor);
	while (errs != NULL && lines_next(&ls, &line, &len)) {
		struct cal_holiday_line one;
		int k =
		    cal_parse_holiday_line(line, len, &one, err, sizeof err);

		if (k == 1)
			continue;
		if (k == -1) {
			reject(errs, ls.no, err, &bad);
			continue;
		}
		if (n == cap) {
			void *p =
			    reallocarray(hl, cap ? cap * 2 : 64, sizeof *hl);
			if (p == NULL)
				break;
			hl = p;
			cap = cap ? cap * 2 : 64;
		}
		hl[n++] = one;
		if (n > 10000) {
			reject(errs, ls.no, "file: more than 10000 entries",
			    &bad);
			break;
		}
	}
	if (errs == NULL || bad > 0 || n == 0) {
		if (errs != NULL && bad == 0)
			reply_json(r, 400,
			    json_pack("{s:{s:s,s:s},s:o}", "error", "field",
			        "file", "message", "no holiday lines found",
			        "errors", errs));
		else if (errs != NULL)
			reply_json(r, 400,
			    json_pack("{s:{s:s,s:s},s:o}", "error", "field",
			        "file", "message",
			        "the file has errors; nothing was imported",
			        "errors", errs));
		else
			reply_error(r, 500, "", "out of memory");
		free(hl);
		return;
	}
	json_decref(errs);
	if ((sh = calloc(n, sizeof *sh)) == NULL) {
		free(hl);
		reply_error(r, 500, "", "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		sh[i].day = hl[i].day;
		sh[i].kind = hl[i].kind;
		sh[i].name = hl[i].name;
		sh[i].source = hl[i].source;
	}
	rc = store_holidays_import(a->store, sh, n, actor, err);
	free(sh);
	free(hl);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, err);
		return;
	}
	log_info("holidays: %zu entries imported by %s", n, actor);
	reply_json(r, 200, json_pack("{s:I}", "imported", (json_int_t)n));
}

static void
route_holidays_get(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	const char *y = http_query(hr, "year");
	char *end;
	long year;
	json_t *j;

	year = y ? strtol(y, &end, 10) : 0;
	if (y == NULL || *y == '\0' || *end != '\0' || year < 1970 ||
	    year > 2199) {
		reply_error(r, 400, "year", "must be a year from 1970 to 2199");
		return;
	}
	if ((j = catalogue_json_holidays(a->store, (int)year)) == NULL) {
		reply_error(r, 500, "", "cannot read the holiday table");
		return;
	}
	reply_json(r, 200,
	    json_pack("{s:i,s:o}", "year", (int)year, "holidays", j));
}

/* One catalogue line: {code, name, field, days, documents:[..], fee}. */
static int
procedure_line(const char *line, size_t len, struct store *st, char *err,
    size_t errlen)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	json_t *docs;
	struct store_procedure p = { 0 };
	const char *counter = NULL;
	char *docs_text = NULL;
	char serr[STORE_ERR_MAX];
	json_int_t days = 0, fee = 0;
	int rc = -1;

	if (o == NULL || !json_is_object(o)) {
		snprintf(err, errlen, "line: not a JSON object%s%s",
		    o ? "" : ": ", o ? "" : je.text);
		goto out;
	}
	if (json_unpack_ex(o, &je, 0, "{s:s,s:s,s:s,s:I,s?I,s?s}", "code",
	        &p.code, "name", &p.name, "field", &p.field, "days", &days,
	        "fee", &fee, "counter", &counter) != 0) {
		snprintf(err, errlen, "%s", je.text);
		goto out;
	}
	if (days < 1 || days > 3650) {
		snprintf(err, errlen, "days: must be from 1 to 3650");
		goto out;
	}
	if (fee < 0) {
		snprintf(err, errlen, "fee: must not be negative");
		goto out;
	}
	docs = json_object_get(o, "documents");
	if (docs != NULL && !json_is_array(docs)) {
		snprintf(err, errlen, "documents: must be an array of names");
		goto out;
	}
	if (docs != NULL)
		docs_text = json_dumps(docs, JSON_COMPACT);
	p.days = (int)days;
	p.fee = fee;
	p.documents = docs_text;
	if (counter != NULL &&
	    (strlen(counter) > 200 || !text_valid(counter, strlen(counter)))) {
		snprintf(err, errlen, "counter: text of at most 200 bytes");
		goto out;
	}
	if (store_put_procedure(st, &p, serr) != STORE_OK ||
	    (counter != NULL &&
	        store_procedure_counter(st, p.code, counter, serr) !=
	            STORE_OK)) {
		snprintf(err, errlen, "%s", serr);
		goto out;
	}
	rc = 0;
out:
	free(docs_text);
	json_decref(o);
	return rc;
}

static void
route_procedures_import(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	struct lines ls = { hr->body, hr->body + hr->body_len, 0 };
	size_t ok = 0, rejected = 0, len;
	const char *line;
	char err[STORE_ERR_MAX];
	json_t *rej = json_array();
	long first = first_line_of(hr, r);

	if (first < 0 || rej == NULL) {
		json_decref(rej);
		return;
	}
	ls.no = first - 1;
	while (lines_next(&ls, &line, &len)) {
		if (lines_blank(line, len))
			continue;
		if (procedure_line(line, len, a->store, err, sizeof err) == 0)
			ok++;
		else
			reject(rej, ls.no, err, &rejected);
	}
	{ /* store_put_procedure audits without a name: say who */
		char actor[ACTOR_MAX], detail[64];

		api_actor_name(hr, NULL, actor, sizeof actor);
		snprintf(detail, sizeof detail, "imported=%zu rejected=%zu", ok,
		    rejected);
		store_audit(a->store, actor, "catalogue_import", NULL, detail);
	}
	reply_json(r, 200,
	    json_pack("{s:I,s:I,s:I,s:I,s:o}", "imported", (json_int_t)ok,
	        "updated", (json_int_t)0, "unchanged", (json_int_t)0,
	        "rejected_total", (json_int_t)rejected, "rejected", rej));
}

static void
route_procedures_get(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	const char *q = http_query(hr, "q");
	json_t *j;

	if (q != NULL && (strlen(q) > 200 || !text_valid(q, strlen(q)))) {
		reply_error(r, 400, "q", "must be text of at most 200 bytes");
		return;
	}
	if ((j = catalogue_json_procedures(a->store, q)) == NULL) {
		reply_error(r, 500, "", "cannot read the catalogue");
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "procedures", j));
}

static void
route_page(struct http_response *r)
{
	r->static_body = ui_index_html;
	r->len = (size_t)(ui_index_html_end - ui_index_html);
	r->content_type = "text/html; charset=utf-8";
}

/* Is path "/prefix/<seg>[/<rest>]"? Sets seg (NUL-terminated copy). */
static bool
match(const char *path, const char *prefix, char *seg, size_t segsize,
    const char **rest)
{
	size_t pl = strlen(prefix), sl;
	const char *s, *slash;

	if (strncmp(path, prefix, pl) != 0)
		return false;
	s = path + pl;
	slash = strchr(s, '/');
	sl = slash ? (size_t)(slash - s) : strlen(s);
	if (sl == 0 || sl >= segsize)
		return false;
	memcpy(seg, s, sl);
	seg[sl] = '\0';
	*rest = slash ? slash : "";
	return true;
}

/* --- sync (docs/sync.md) ------------------------------------------- */

struct pending_verify {
	struct api *a;
	struct http_pending *p;
	int from, to;
};

/* Both lists sorted: one merge finds every code on one side only. */
static void
diff_codes(json_t *local, json_t *up, json_t *only_local, json_t *only_up)
{
	size_t i = 0, j = 0, nl = json_array_size(local),
	       nu = json_array_size(up);

	while (i < nl || j < nu) {
		const char *l =
		    i < nl ? json_string_value(json_array_get(local, i)) : NULL;
		const char *u =
		    j < nu ? json_string_value(json_array_get(up, j)) : NULL;
		int c = l == NULL ? 1 : u == NULL ? -1 : strcmp(l, u);

		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			json_array_append_new(only_local, json_string(l));
			i++;
		} else {
			json_array_append_new(only_up, json_string(u));
			j++;
		}
	}
}

static void
on_upstream_verify(void *arg, const int64_t counts[4], json_t *codes,
    const char *error)
{
	struct pending_verify *pv = arg;
	struct http_response r = { 0 };
	json_t *local, *only_local, *only_up, *cdiff, *lc;
	char from[16], to[16], ch[2] = "1";
	bool ok;

	if (error != NULL) {
		reply_error(&r, 502, "upstream", error);
		goto out;
	}
	if ((local = sync_json_codes(pv->a->store, pv->from, pv->to)) == NULL) {
		json_decref(codes);
		reply_error(&r, 500, "", "reading local dossiers failed");
		goto out;
	}
	only_local = json_array();
	only_up = json_array();
	cdiff = json_array();
	diff_codes(json_object_get(local, "codes"), codes, only_local, only_up);
	lc = json_object_get(local, "counts");
	for (int c = 1; c <= 3; c++) {
		json_int_t l;

		ch[0] = (char)('0' + c);
		l = json_integer_value(json_object_get(lc, ch));
		if (l != counts[c])
			json_array_append_new(cdiff,
			    json_pack("{s:s,s:s,s:I,s:I}", "channel", ch,
			        "name", channel_name(c), "local", l, "upstream",
			        (json_int_t)counts[c]));
	}
	ok = json_array_size(only_local) == 0 &&
	    json_array_size(only_up) == 0 && json_array_size(cdiff) == 0;
	cal_format_date(pv->from, from);
	cal_format_date(pv->to, to);
	reply_json(&r, 200,
	    json_pack("{s:s,s:s,s:b,s:O,s:{s:I,s:I,s:I},s:o,s:o,s:o}", "from",
	        from, "to", to, "ok", ok, "local", lc, "upstream", "1",
	        (json_int_t)counts[1], "2", (json_int_t)counts[2], "3",
	        (json_int_t)counts[3], "count_differences", cdiff,
	        "missing_upstream", only_local, "unknown_locally", only_up));
	json_decref(local);
	json_decref(codes);
out:
	http_pending_reply(pv->p, &r);
	free(pv);
}

static void
route_sync(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	const char *p = hr->path + strlen("/api/v1/sync/");
	bool get = strcmp(hr->method, "GET") == 0;

	if (get && strcmp(p, "status") == 0) {
		json_t *j = a->sync ? sync_status(a->sync)
		                    : sync_json_summary(a->store, 50);

		if (j == NULL) {
			reply_error(r, 500, "", "reading the outbox failed");
			return;
		}
		if (a->sync == NULL)
			json_object_set_new(j, "enabled", json_false());
		reply_json(r, 200, j);
	} else if (get && strcmp(p, "verify") == 0) {
		struct pending_verify *pv;
		int from, to;

		if (query_day(hr, "from", true, &from, r) ||
		    query_day(hr, "to", true, &to, r))
			return;
		if (from > to || to - from >= PERIOD_DAYS_MAX) {
			reply_error(r, 400, "to",
			    "must be on or after from, within 10 years");
			return;
		}
		if (!sync_enabled(a->sync)) {
			reply_error(r, 409, "sync.upstream_url",
			    "sync is not configured");
			return;
		}
		if ((pv = calloc(1, sizeof *pv)) == NULL) {
			reply_error(r, 500, "", "out of memory");
			return;
		}
		pv->a = a;
		pv->from = from;
		pv->to = to;
		switch (
		    sync_verify(a->sync, from, to, on_upstream_verify, pv)) {
		case 0:
			break;
		case -2:
			free(pv);
			reply_error(r, 409, "sync.protocol",
			    "verify needs an upstream that speaks motcua");
			return;
		default:
			free(pv);
			r->retry_after_s = 5;
			reply_error(r, 503, "", "a verify is already running");
			return;
		}
		pv->p = http_defer(hr);
	} else if (strcmp(hr->method, "POST") == 0 &&
	    strcmp(p, "unpark") == 0) {
		struct body b;
		const char *code;
		char err[STORE_ERR_MAX];
		int n;
		enum store_rc rc;

		if (body_parse(&b, hr) == -1 ||
		    body_str(&b, "code", false, DCODE_TEXT_MAX, &code)) {
			reply_body_error(r, &b);
			return;
		}
		rc = store_outbox_unpark(a->store, code, &n, err);
		json_decref(b.root);
		if (rc != STORE_OK) {
			reply_store_error(r, rc, err);
			return;
		}
		log_info("sync: %d parked item(s) back in the queue", n);
		{ /* store_outbox_unpark audits without a name: say who */
			char actor[ACTOR_MAX], detail[32];

			api_actor_name(hr, NULL, actor, sizeof actor);
			snprintf(detail, sizeof detail, "%d released", n);
			store_audit(a->store, actor, "sync_retry", NULL,
			    detail);
		}
		reply_json(r, 200, json_pack("{s:i}", "released", n));
	} else {
		reply_error(r, 404, "path", "no such resource");
	}
}

static void
route_staff(struct api *a, const struct http_request *hr,
    struct http_response *r)
{
	const char *m = hr->method, *p = hr->path, *rest;
	char seg[256], code[DCODE_TEXT_MAX + 1];
	bool get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0;

	if (strncmp(p, "/api/v1/print", 13) == 0) { /* api_print.c */
		char actor[ACTOR_MAX];

		api_actor_name(hr, NULL, actor, sizeof actor);
		api_print_route(a->printer, a->store, hr, r, actor);
		return;
	}
	if (api_postal_match(p)) { /* api_postal.c */
		struct actor ac;

		/* signed in on the staff listener: the account and its
		 * role; on the admin socket: role admin, named in the body */
		if (hr->actor != NULL && hr->peer_uid < 0)
			ac = *api_actor(hr);
		else
			api_postal_socket_actor(hr, &ac);
		api_postal_route(a->store, a->printer, a->cfg, hr, r, &ac);
		return;
	}
	if (strcmp(p, "/api/v1/dossiers") == 0) {
		if (post)
			route_intake(a, hr, r);
		else if (get)
			route_search(a, hr, r);
		else
			reply_error(r, 405, "method", "use GET or POST");
		return;
	}
	if (match(p, "/api/v1/dossiers/", seg, sizeof seg, &rest)) {
		if (path_code(seg, strlen(seg), code, r) == -1)
			return;
		if (get && *rest == '\0')
			reply_dossier(a, r, code, 200);
		else if (get && strcmp(rest, "/token") == 0)
			route_token(a, r, code);
		else if (post && strcmp(rest, "/status") == 0)
			route_status(a, hr, r, code);
		else if (post && strcmp(rest, "/supplement") == 0)
			route_supplement(a, hr, r, code);
		else if (post && strcmp(rest, "/apology") == 0)
			route_apology(a, hr, r, code);
		else
			reply_error(r, 404, "path", "no such resource");
		return;
	}
	if (strncmp(p, "/api/v1/sync/", 13) == 0)
		route_sync(a, hr, r);
	else if (a->hub != NULL && hub_admin(a->hub, hr, r))
		; /* the hub's staff routes */
	else if (strcmp(p, "/api/v1/import") == 0 && post)
		route_import(a, hr, r);
	else if (strcmp(p, "/api/v1/counts") == 0 && get)
		route_counts(a, hr, r);
	else if (strcmp(p, "/api/v1/holidays") == 0 && post)
		route_holidays_import(a, hr, r);
	else if (strcmp(p, "/api/v1/holidays") == 0 && get)
		route_holidays_get(a, hr, r);
	else if (strcmp(p, "/api/v1/procedures") == 0 && post)
		route_procedures_import(a, hr, r);
	else if (strcmp(p, "/api/v1/procedures") == 0 && get)
		route_procedures_get(a, hr, r);
	else
		reply_error(r, 404, "path", "no such resource");
}

/* The roles that may use a staff route (docs/security.md). Routes not
 * named here are open to every staff role but the kiosk's; their
 * handlers narrow it with api_allow (the postal routes do). */
static unsigned
staff_roles(const char *m, const char *p)
{
	bool get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;

#define PFX(x) (strncmp(p, x, strlen(x)) == 0)
	if (PFX("/api/v1/reports") || PFX("/staff/reports") ||
	    strcmp(p, "/api/v1/counts") == 0)
		return ROLES_OFFICE;
	if (strcmp(p, "/api/v1/dossiers") == 0 || PFX("/api/v1/dossiers/"))
		return get ? ROLES_STAFF : ROLES_OFFICE;
	if (PFX("/api/v1/print"))
		return ROLES_STAFF;
	if (strcmp(p, "/api/v1/procedures") == 0 ||
	    PFX("/api/v1/procedures/") || strcmp(p, "/api/v1/holidays") == 0)
		return get ? ROLES_SIGNEDIN : ROLES_ADMIN;
	if (strcmp(p, "/api/v1/import") == 0 || PFX("/api/v1/users") ||
	    strcmp(p, "/api/v1/audit") == 0 || PFX("/api/v1/sync/") ||
	    PFX("/api/v1/hub/"))
		return ROLES_ADMIN;
#undef PFX
	return ROLES_STAFF;
}

const struct actor *
api_actor(const struct http_request *hr)
{
	static const struct actor nobody = { "anonymous", ROLE_NONE };

	return hr->actor != NULL ? hr->actor : &nobody;
}

bool
api_allow(const struct http_request *hr, unsigned roles,
    struct http_response *r)
{
	char msg[96];

	if (role_in(hr->actor, roles))
		return true;
	snprintf(msg, sizeof msg, "the %s role may not do this",
	    role_name(api_actor(hr)->role));
	reply_error(r, 403, "role", msg);
	return false;
}

/* Every listener's routes; hr->admin and hr->actor are set for staff. */
static void
dispatch(struct api *a, const struct http_request *hr, struct http_response *r)
{
	const char *p = hr->path, *rest;
	char seg[64];
	bool get =
	    strcmp(hr->method, "GET") == 0 || strcmp(hr->method, "HEAD") == 0;

	a->requests++;
	/* scanner routes: staff only, and before the kiosk, whose terminal
	 * streams would answer 404 for a staff terminal (scanhub.c) */
	if (hr->admin && a->scanhub != NULL &&
	    role_in(hr->actor, ROLES_STAFF) &&
	    scanhub_handle(a->scanhub, hr, r))
		; /* GET /api/v1/scanners, staff terminals' event streams */
	else if (a->kiosk != NULL && kiosk_handle(a->kiosk, hr, r))
		; /* the kiosk's routes: kiosk_api.c */
	else if (get && match(p, "/api/v1/lookup/", seg, sizeof seg, &rest) &&
	    *rest == '\0')
		route_lookup(a, hr, r, seg);
	else if (get && strcmp(p, "/healthz") == 0)
		route_health(a, r);
	else if (get && strcmp(p, "/api/v1/printer/state") == 0)
		api_print_state(a->printer, r);
	else if (get && strcmp(p, "/metrics") == 0)
		route_metrics(a, r);
	else if (get && (strcmp(p, "/") == 0 || strncmp(p, "/l/", 3) == 0))
		route_page(r);
	else if (hr->admin &&
	    (strncmp(p, "/api/v1/", 8) == 0 || strncmp(p, "/staff/", 7) == 0) &&
	    !api_allow(hr, staff_roles(hr->method, p), r))
		; /* 403: not for this role */
	else if (hr->admin && a->auth != NULL && auth_route(a->auth, hr, r))
		; /* accounts and the audit log: auth.c */
	else if (hr->admin && postal_pages_handle(hr, r))
		; /* postal staff pages: never public (postal_pages.c) */
	else if (hr->admin && api_report_handle(a->store, a->cfg, hr, r))
		; /* reports: staff only (api_report.c) */
	else if (hr->admin && strncmp(p, "/api/v1/", 8) == 0)
		route_staff(a, hr, r);
	else
		/* The public listener does not reveal that staff routes
		 * exist. */
		reply_error(r, 404, "path", "no such resource");
	/* a staff write committed outbox rows: push them soon */
	if (hr->admin && strcmp(hr->method, "POST") == 0 && r->status < 300 &&
	    a->sync != NULL)
		sync_kick(a->sync);
}

static void
count_reply(struct api *a, const struct http_response *r)
{
	if (r->status >= 500)
		a->errors_5xx++;
	else if (r->status >= 400)
		a->errors_4xx++;
}

void
api_handle(void *arg, const struct http_request *hr, struct http_response *r)
{
	struct api *a = arg;
	struct http_request sock;
	struct actor act = { .role = ROLE_ADMIN };

	if (hr->admin) {
		/* the admin socket: role admin, named as it always was */
		api_actor_name(hr, NULL, act.name, sizeof act.name);
		sock = *hr;
		sock.actor = &act;
		hr = &sock;
	}
	dispatch(a, hr, r);
	count_reply(a, r);
}

bool
api_staff_known(void *arg, const struct http_request *hr)
{
	struct api *a = arg;

	return auth_known(a->auth, hr);
}

void
api_handle_staff(void *arg, const struct http_request *hr,
    struct http_response *r)
{
	struct api *a = arg;
	struct http_request staff;
	struct actor act;

	if (auth_handle_open(a->auth, hr, r) ||
	    auth_request(a->auth, hr, r, &act) == -1) {
		a->requests++;
		count_reply(a, r);
		return;
	}
	staff = *hr;
	staff.admin = true; /* the staff routes, with the actor's role */
	staff.actor = &act;
	dispatch(a, &staff, r);
	count_reply(a, r);
}
