/* fuzz_routes.c: libFuzzer target for the HTTP request path through the
 * one route table (daemon/routes.c), without a socket: each input is one
 * request (tests/fuzz/fakehttp.h gives its format) handed to the public
 * listener's, the admin socket's or the staff listener's dispatch, as
 * http.c would hand it, over a real store seeded with a procedure. The
 * first byte picks the listener. Besides memory errors it checks the
 * table's promises: every reply has a status, the public listener never
 * answers a staff row (401/403 there would reveal it: 404), and a refusal
 * has a body. The store is made anew every STORE_EXECS inputs so that it
 * stays small. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "api/api.h"
#include "auth/auth.h"
#include "config.h"
#include "core/ratelimit.h"
#include "http/route.h"
#include "kiosk/kiosk_api.h"
#include "lib/log.h"
#include "routes.h"
#include "store/store.h"
#include "tests/fuzz/fakehttp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STORE_EXECS 5000

static const char conf_text[] =
    "[server]\nlisten = 127.0.0.1:1\nadmin_socket = /nonexistent\n"
    "[office]\nagency_code = 000.00.20.H49\n"
    "agency_name = UBND tỉnh Quảng Ninh\nopen = 07:30\nclose = 17:00\n";

static const char procedure[] =
    "{\"code\": \"1.001612.000.00.00.H49\", \"name\": \"Đăng ký hộ kinh "
    "doanh\", \"field\": \"Hộ kinh doanh\", \"days\": 3, \"documents\": "
    "[\"Bản sao CCCD\"], \"fee\": 0}\n";

static struct {
	char db[64];
	struct config cfg;
	struct api_counters counters;
	struct route_lookups lookups;
	struct route_ctx ctx;
	unsigned long execs;
} f;

static void
close_all(void)
{
	kiosk_free(f.ctx.kiosk);
	auth_free(f.ctx.auth);
	ratelimit_free(f.ctx.rl);
	store_close(f.ctx.store);
	memset(&f.ctx, 0, sizeof f.ctx);
	unlink(f.db);
}

/* A new store and the services over it: the harness's own fixture. */
static void
open_all(void)
{
	char err[STORE_ERR_MAX];
	struct fakehttp_req q;
	struct http_response r = { 0 };
	uint8_t req[sizeof procedure + 32];
	int n;

	if (f.db[0] == '\0') {
		char *errors = NULL;

		log_init("fuzz", true, false);
		if (config_parse_mem(conf_text, sizeof conf_text - 1, "fuzz",
		        &f.cfg, &errors) != 0) {
			fprintf(stderr, "fuzz_routes: config: %s", errors);
			abort();
		}
		snprintf(f.db, sizeof f.db, "%s/motcua-fuzz-%ld.db",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
		    (long)getpid());
		atexit(close_all);
	}
	unlink(f.db);
	f.ctx.cfg = &f.cfg;
	f.ctx.counters = &f.counters;
	f.ctx.lookups = &f.lookups;
	if ((f.ctx.store = store_open(f.db, 1000, err)) == NULL ||
	    (f.ctx.rl = ratelimit_new(64, 2, 5)) == NULL ||
	    (f.ctx.kiosk = kiosk_new(uv_default_loop(), f.ctx.store, &f.cfg)) ==
	        NULL ||
	    (f.ctx.auth = auth_new(uv_default_loop(), f.ctx.store, &f.cfg,
	         false)) == NULL) {
		fprintf(stderr, "fuzz_routes: cannot open the services\n");
		abort();
	}
	/* the catalogue, through the table as the CLI imports it */
	n = snprintf((char *)req, sizeof req, "%c/api/v1/procedures\n\n\n%s", 2,
	    procedure);
	if (fakehttp_req_parse(req, (size_t)n, &q) != 0)
		abort();
	q.hr.admin = true;
	routes_handle(&f.ctx, &q.hr, &r);
	assert(r.status == 0 || r.status == 200);
	fakehttp_response_free(&r);
	fakehttp_req_free(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fakehttp_req q;
	struct http_response r = { 0 };
	unsigned listener;

	if (size < 2)
		return 0;
	if (f.execs++ % STORE_EXECS == 0) {
		if (f.ctx.store != NULL)
			close_all();
		open_all();
	}
	listener = data[0] % 3;
	if (fakehttp_req_parse(data + 1, size - 1, &q) != 0)
		return 0;
	q.hr.addr_len = 4;
	memcpy(q.hr.addr, (const unsigned char[]){ 192, 0, 2, data[0] }, 4);
	switch (listener) {
	case 0: /* the public listener */
		routes_handle(&f.ctx, &q.hr, &r);
		assert(r.status != 401 && r.status != 403);
		break;
	case 1: /* the admin socket */
		q.hr.admin = true;
		q.hr.peer_uid = 0;
		q.hr.addr_len = 0;
		routes_handle(&f.ctx, &q.hr, &r);
		break;
	case 2: { /* the staff listener: the gate on the headers, then
		   * the handler when the gate let the request through */
		struct http_gate_decision g = { .max_body = 1u << 20 };

		routes_staff_gate(&f.ctx, &q.hr, &g);
		if (g.refusal.status != 0) {
			assert(
			    g.refusal.status >= 300 && g.refusal.status <= 599);
			free(g.refusal.body);
			free(g.refusal.headers);
		} else {
			routes_handle_staff(&f.ctx, &q.hr, &r);
		}
		break;
	}
	}
	assert(r.status == 0 || (r.status >= 100 && r.status <= 599));
	if (r.status >= 400)
		assert(r.body != NULL || r.static_body != NULL);
	fakehttp_response_free(&r);
	fakehttp_req_free(&q);
	return 0;
}
