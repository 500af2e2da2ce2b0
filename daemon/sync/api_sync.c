/* api_sync.c: the upstream sync routes (docs/sync.md): the outbox's
 * status, a verify against upstream (a deferred reply) and the release of
 * parked items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/api_sync.h"
#include "http/request.h"
#include "store/storerc.h"

#define PERIOD_DAYS_MAX 3660 /* verify looks at most ten years back */
#include "sync/sync_json.h"
#include "core/calendar.h"
#include "core/dcode.h"
#include "core/status.h"
#include "http/reply.h"
#include "lib/log.h"
#include "sync/sync.h"

struct pending_verify {
	const struct route_ctx *a;
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

void
sync_route_status(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	json_t *j =
	    a->sync ? sync_status(a->sync) : sync_json_summary(a->store, 50);

	if (j == NULL) {
		reply_error(r, 500, "", "reading the outbox failed");
		return;
	}
	if (a->sync == NULL)
		json_object_set_new(j, "enabled", json_false());
	(void)hr;
	(void)pp;
	reply_json(r, 200, j);
}

void
sync_route_verify(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct pending_verify *pv;
	int from, to;

	if (request_query_day(hr, "from", true, &from, r) ||
	    request_query_day(hr, "to", true, &to, r))
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
	switch (sync_verify(a->sync, from, to, on_upstream_verify, pv)) {
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
	(void)pp;
	pv->p = http_defer(hr);
}

void
sync_route_unpark(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct request_body b;
	const char *code;
	char err[STORE_ERR_MAX];
	int n;
	enum store_rc rc;

	if (request_body_parse(&b, hr) == -1 ||
	    request_body_str(&b, "code", false, DCODE_TEXT_MAX, &code)) {
		request_body_error(r, &b);
		return;
	}
	rc = store_outbox_unpark(a->store, code, &n, err);
	json_decref(b.root);
	if (rc != STORE_OK) {
		if (rc == STORE_ERROR)
			log_warnx("store: %s", err);
		reply_problem(r, storerc_status(rc), err);
		return;
	}
	log_info("sync: %d parked item(s) back in the queue", n);
	{ /* store_outbox_unpark audits without a name: say who */
		char actor[REQUEST_ACTOR_MAX], detail[32];

		request_actor_name(hr, NULL, actor, sizeof actor);
		snprintf(detail, sizeof detail, "%d released", n);
		store_audit(a->store, actor, "sync_retry", NULL, detail);
	}
	(void)pp;
	reply_json(r, 200, json_pack("{s:i}", "released", n));
}
