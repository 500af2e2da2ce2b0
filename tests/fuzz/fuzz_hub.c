/* fuzz_hub.c: libFuzzer target for the hub role (sync/hub.h): its tokens
 * file, and the terminals' and the hub admin's requests over a real hub
 * store, without a socket. The first byte picks what the rest is:
 *   0: a tokens file, read by hub_new;
 *   1: a terminal's request to the sync listener (hub_handle: push
 *      bodies, gzip or not, the pull cursor and limit, lookup and verify
 *      queries), in tests/fuzz/fakehttp.h's format; the seeds carry the
 *      tokens of the terminals below;
 *   2, 3: the hub's admin routes, GET /api/v1/hub/dossiers and POST
 *      /api/v1/hub/dossiers/CODE/status, as the admin socket calls them.
 * Besides memory errors it checks: a refused tokens file says why, every
 * reply has a status, and a request without a known token gets 401 on a
 * /sync/v1/ path. The store is made anew every STORE_EXECS inputs. */
#include <sys/stat.h>

#include <assert.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/route.h"
#include "lib/log.h"
#include "store/hubstore.h"
#include "sync/hub.h"
#include "tests/fuzz/fakehttp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STORE_EXECS 5000

/* the terminals every request-mode input talks as (tokens in the seeds) */
static const char tokens[] =
    "# name token agencies\n"
    "hall-1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 000.00.19.H49\n"
    "desk.2 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 000.00.20.H49\n";

static struct {
	char dir[64], db[96], tokens[96], scratch[96];
	struct hubstore *hs;
	struct hubq *q; /* inline: requests are answered at once */
	struct hub *hub;
	unsigned long execs;
} f;

static int
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* Before a new store: the directory stays. */
static void
close_all(void)
{
	hub_free(f.hub);
	hubq_free(f.q);
	hubstore_close(f.hs);
	f.hub = NULL;
	f.q = NULL;
	f.hs = NULL;
	unlink(f.db);
}

static void
remove_all(void)
{
	close_all();
	unlink(f.tokens);
	unlink(f.scratch);
	rmdir(f.dir);
}

static void
open_all(void)
{
	char err[HUBSTORE_ERR_MAX];

	if (f.dir[0] == '\0') {
		log_init("fuzz", true, false);
		snprintf(f.dir, sizeof f.dir, "%s/motcua-fuzz-hub.XXXXXX",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (mkdtemp(f.dir) == NULL)
			abort();
		snprintf(f.db, sizeof f.db, "%s/hub.db", f.dir);
		snprintf(f.tokens, sizeof f.tokens, "%s/tokens", f.dir);
		snprintf(f.scratch, sizeof f.scratch, "%s/fuzzed", f.dir);
		atexit(remove_all);
	}
	unlink(f.db);
	if (write_file(f.tokens, tokens, sizeof tokens - 1) != 0 ||
	    (f.hs = hubstore_open(
	         &(struct hubstore_conf){ .backend = HUBSTORE_SQLITE,
	             .path = f.db,
	             .busy_timeout_ms = 1000 },
	         err)) == NULL ||
	    (f.q = hubq_new_inline(f.hs)) == NULL ||
	    (f.hub = hub_new(f.q, f.tokens, err)) == NULL) {
		fprintf(stderr, "fuzz_hub: %s\n", err);
		abort();
	}
}

static void
tokens_file(const uint8_t *data, size_t size)
{
	char err[HUBSTORE_ERR_MAX];
	struct hub *h;

	err[0] = '\0';
	if (write_file(f.scratch, data, size) != 0)
		return;
	if ((h = hub_new(f.q, f.scratch, err)) == NULL)
		assert(err[0] != '\0' && memchr(err, '\0', sizeof err) != NULL);
	hub_free(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_ctx ctx = { 0 };
	struct route_params pp;
	struct fakehttp_req q;
	struct http_response r = { 0 };
	uint8_t mode;

	if (size < 1)
		return 0;
	if (f.execs++ % STORE_EXECS == 0) {
		if (f.hs != NULL)
			close_all();
		open_all();
	}
	mode = data[0] % 4;
	if (mode == 0) {
		tokens_file(data + 1, size - 1);
		return 0;
	}
	if (fakehttp_req_parse(data + 1, size - 1, &q) != 0)
		return 0;
	ctx.hub = f.hub;
	switch (mode) {
	case 1: {
		/* the gate first, as the listener runs it: a request it
		 * refuses never reaches the handler */
		struct http_gate_decision g = { .max_body = 8u << 20 };

		hub_gate(f.hub, &q.hr, &g);
		if (g.refusal.status != 0) {
			assert(
			    g.refusal.status >= 400 && g.refusal.status <= 599);
			free(g.refusal.body);
			free(g.refusal.headers);
			break;
		}
		hub_handle(f.hub, &q.hr, &r);
		if (strncmp(q.hr.path, "/sync/v1/", 9) == 0 &&
		    q.hr.body_len > 4096)
			assert(r.status != 200 || g.max_body > 4096);
		break;
	}
	case 2:
		q.hr.admin = true;
		hub_route_dossiers(&ctx, &q.hr, NULL, &r);
		break;
	case 3:
		q.hr.admin = true;
		if (route_match("/api/v1/hub/dossiers/{code}/status", q.hr.path,
		        &pp))
			hub_route_status(&ctx, &q.hr, &pp, &r);
		break;
	}
	assert(r.status == 0 || (r.status >= 100 && r.status <= 599));
	if (r.status >= 400)
		assert(r.body != NULL || r.static_body != NULL);
	fakehttp_response_free(&r);
	fakehttp_req_free(&q);
	return 0;
}
