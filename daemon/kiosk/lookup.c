/* lookup.c: GET /api/v1/lookup/{token}, the public lookup by token
 * (docs/api.md), the kiosk view of its dossier. A token not known here is
 * asked upstream through route_ctx.upstream when sync is on (a deferred
 * reply); a miss costs the client address a token of its rate-limit
 * bucket. */
#include <stdlib.h>
#include <string.h>

#include "kiosk/lookup.h"
#include "http/route.h"
#include "lib/clock.h"
#include "core/ratelimit.h"
#include "core/token.h"
#include "http/reply.h"
#include "kiosk/lookupview.h"
#include "lib/log.h"

/* The reply to a lookup, on the loop thread. A miss costs the client
 * address a token of its rate-limit bucket. */
static void
answer_lookup(const struct route_ctx *a, struct http_response *r,
    enum store_rc rc, const struct store_lookup *v, const unsigned char *addr,
    size_t addr_len)
{
	char *buf;
	long n;

	if (rc == STORE_NOTFOUND) {
		a->lookups->miss++;
		ratelimit_take(a->rl, addr, addr_len, clock_mono_ms(), NULL);
		reply_error(r, 404, "token", "no dossier has this token");
		return;
	}
	if (rc != STORE_OK) {
		reply_error(r, 500, "", "lookup failed");
		return;
	}
	a->lookups->hit++;
	buf = malloc(LOOKUPVIEW_MAX);
	n = buf ? lookupview_write(v, clock_wall_s(), buf, LOOKUPVIEW_MAX) : -1;
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
	const struct route_ctx *a;
	struct http_pending *p;
	unsigned char addr[16];
	size_t addr_len;
};

static void
on_upstream_lookup(void *arg, bool found, const struct store_lookup *v,
    const char *error)
{
	struct pending_lookup *pl = arg;
	const struct route_ctx *a = pl->a;
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
lookup_upstream(const struct route_ctx *a, const struct http_request *hr,
    const char *token)
{
	struct pending_lookup *pl = calloc(1, sizeof *pl);

	if (pl == NULL)
		return -1;
	pl->a = a;
	memcpy(pl->addr, hr->addr, sizeof pl->addr);
	pl->addr_len = hr->addr_len;
	if (a->upstream->lookup(a->sync, token, on_upstream_lookup, pl) == -1) {
		free(pl);
		return -1;
	}
	pl->p = http_defer(hr);
	return 0;
}

static void
route_lookup(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r, const char *seg)
{
	char token[TOKEN_LEN + 1] = "";
	struct store_lookup v;
	enum store_rc rc;
	unsigned retry = 0;

	if (!ratelimit_check(a->rl, hr->addr, hr->addr_len, clock_mono_ms(),
	        &retry)) {
		a->lookups->limited++;
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
	if (rc == STORE_NOTFOUND && a->upstream != NULL &&
	    a->upstream->enabled(a->sync) && lookup_upstream(a, hr, token) == 0)
		return;
	answer_lookup(a, r, rc, &v, hr->addr, hr->addr_len);
}

void
lookup_route_token(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *seg = route_param(pp, "token");

	/* longer than any token: not a lookup route at all, as before */
	if (strlen(seg) >= 64) {
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	route_lookup(a, hr, r, seg);
}
