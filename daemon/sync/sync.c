/* sync.c: the terminal's upstream sync. See sync.h and docs/sync.md.
 *
 * Transfers: one CURLM driven by the loop. CURLMOPT_SOCKETFUNCTION maps
 * each of curl's sockets to a uv_poll; CURLMOPT_TIMERFUNCTION to one
 * uv_timer. curl_easy_perform is never called here.
 *
 * The push: one batch in flight at a time, rows in outbox order, so the
 * order of a dossier's changes is kept. A batch is acknowledged per item;
 * rows are marked sent (or parked with upstream's reason) only from a
 * reply that parsed strictly and answered every key sent. Anything else
 * (a transport error, a timeout, a 5xx, a bad reply) marks nothing and
 * retries the same rows after an exponential backoff with full jitter,
 * capped, at least as long as a Retry-After says. The rows keep their
 * keys, so upstream deduplicates a batch it had stored but whose answer
 * was lost.
 *
 * A batch's rows are read, encoded and compressed off the loop
 * (syncbuild.h: a worker with a read-only connection of its own); the
 * loop only starts the transfer and records the acknowledgement, so a
 * draining backlog leaves the loop to the intakes. */
#include <sys/stat.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <uv.h>

#include "core/calendar.h"
#include "core/dcode.h"
#include "lib/clock.h"
#include "sync/lgsp.h"
#include "lib/log.h"
#include "sync/sync_int.h"
#include "sync/sync_json.h"
#include "core/token.h"

static void set_error(struct sync *, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
set_error(struct sync *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->last_error, sizeof s->last_error, fmt, ap);
	va_end(ap);
	s->last_error_at = clock_wall_s();
	log_warnx("sync: %s", s->last_error);
}

/* sp_backoff_ms (syncproto.h) with a fresh draw. */
static uint64_t
backoff_ms(const struct sync *s, unsigned failures, long retry_after_s)
{
	return sp_backoff_ms(s->cfg->backoff_min_ms, s->cfg->backoff_max_ms,
	    failures, retry_after_s, randombytes_uniform);
}

/* ---- token ---- */

static int
read_token(struct sync *s)
{
	FILE *f;
	struct stat sb;
	char buf[TOKEN_MAX + 2];
	size_t n;

	const char *path =
	    s->cfg->lgsp ? s->cfg->lgsp_password_file : s->cfg->token_file;
	size_t min = s->cfg->lgsp ? 1 : TOKEN_MIN;

	s->token[0] = '\0';
	if (path[0] == '\0') {
		log_warnx("sync: sync.%s is not set",
		    s->cfg->lgsp ? "lgsp_password_file" : "token_file");
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		log_warn("sync: %s", path);
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 07) != 0)
		log_warnx("sync: %s is readable by others; chmod o-rwx", path);
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (n < min || n > TOKEN_MAX ||
	    (!s->cfg->lgsp && strpbrk(buf, " \t") != NULL)) {
		log_warnx("sync: %s: expected one line of %zu..%d printable "
		          "characters",
		    path, min, TOKEN_MAX);
		sodium_memzero(buf, sizeof buf);
		return -1;
	}
	if (s->cfg->lgsp) {
		memcpy(s->password, buf, n + 1);
		s->auth[0] = '\0';
		s->session[0] = '\0';
		sodium_memzero(buf, sizeof buf);
		return 0;
	}
	memcpy(s->token, buf, n + 1);
	snprintf(s->auth, sizeof s->auth, "Authorization: Bearer %s", s->token);
	sodium_memzero(buf, sizeof buf);
	return 0;
}

/* ---- curl on the loop ---- */

static void check_done(struct sync *);

static void
on_sock_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
on_poll(uv_poll_t *p, int status, int events)
{
	struct sock *k = p->data;
	struct sync *s = k->s;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(s->multi, k->fd, flags, &running);
	check_done(s);
}

static int
on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct sync *s = userp;
	struct sock *k = socketp;
	int ev = 0;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (k != NULL) {
			uv_poll_stop(&k->poll);
			uv_close((uv_handle_t *)&k->poll, on_sock_closed);
			curl_multi_assign(s->multi, fd, NULL);
		}
		return 0;
	}
	if (k == NULL) {
		if ((k = calloc(1, sizeof *k)) == NULL)
			return -1;
		k->fd = fd;
		k->s = s;
		if (uv_poll_init_socket(s->loop, &k->poll, fd) != 0) {
			free(k);
			return -1;
		}
		k->poll.data = k;
		curl_multi_assign(s->multi, fd, k);
	}
	if (what & CURL_POLL_IN)
		ev |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		ev |= UV_WRITABLE;
	uv_poll_start(&k->poll, ev, on_poll);
	return 0;
}

static void
on_curl_timer(uv_timer_t *t)
{
	struct sync *s = t->data;
	int running;

	curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(s);
}

static int
on_timeout(CURLM *m, long ms, void *userp)
{
	struct sync *s = userp;

	(void)m;
	if (ms < 0)
		uv_timer_stop(&s->curl_timer);
	else /* never act from inside curl: let the loop call back */
		uv_timer_start(&s->curl_timer, on_curl_timer, (uint64_t)ms, 0);
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (n > SP_REPLY_MAX - x->len) {
		x->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (x->len + n + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 4096;
		char *nb;

		while (cap < x->len + n + 1)
			cap *= 2;
		if ((nb = realloc(x->reply, cap)) == NULL)
			return 0;
		x->reply = nb;
		x->cap = cap;
	}
	memcpy(x->reply + x->len, data, n);
	x->len += n;
	x->reply[x->len] = '\0';
	return n;
}

/* Counts HTTP bytes as they go out and come in (headers and bodies as on
 * the wire, before TLS framing and before decompression). */
static int
on_debug(CURL *e, curl_infotype type, char *data, size_t size, void *arg)
{
	struct xfer *x = arg;

	(void)e;
	(void)data;
	if (type == CURLINFO_HEADER_OUT || type == CURLINFO_DATA_OUT)
		x->wire_out += size;
	else if (type == CURLINFO_HEADER_IN || type == CURLINFO_DATA_IN)
		x->wire_in += size;
	return 0;
}

static void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	free(x->body);
	free(x->reply);
	free(x->ids);
	free(x->keys);
	if (x->vr != NULL) {
		json_decref(x->vr->codes);
		free(x->vr);
	}
	free(x);
}

/* Splits sync.upstream_url (config_keys.c checked each URL and the
 * count) into s->upstreams; the first is in use. */
static void
parse_upstreams(struct sync *s, const char *list)
{
	const char *p = list;

	s->nupstreams = s->cur = 0;
	while (*p != '\0' && s->nupstreams < UPSTREAMS_MAX) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n == 0)
			break;
		if (n < URL_MAX)
			snprintf(s->upstreams[s->nupstreams++], URL_MAX, "%.*s",
			    (int)n, p);
		p += n;
	}
}

/* The URL in use: the first again once FAILBACK_MS have passed since the
 * move away from it (it may be back). */
static size_t
upstream_index(struct sync *s)
{
	if (s->cur != 0 && uv_now(s->loop) - s->switched_at >= FAILBACK_MS) {
		s->cur = 0;
		log_info("sync: trying the first upstream again: %s",
		    s->upstreams[0]);
	}
	return s->cur;
}

/* x failed without an answer from the application (no connection, a
 * timeout, a 5xx): the next URL takes the next transfer. Only once per
 * URL in use, however many transfers to it were in flight. */
static void
upstream_failed(struct sync *s, const struct xfer *x)
{
	if (s->nupstreams < 2 || x->upstream != s->cur)
		return;
	s->cur = (s->cur + 1) % s->nupstreams;
	s->switched_at = uv_now(s->loop);
	s->failed_over = true;
	s->failovers++;
	log_warnx("sync: upstream %s failed; now %s", s->upstreams[x->upstream],
	    s->upstreams[s->cur]);
}

/* A transfer to upstream_url + path with every option the issue asks
 * for: TLS verification on, timeouts, keep-alive, gzip, bounded reply. */
static struct xfer *
xfer_new(struct sync *s, enum xkind kind, const char *path, long timeout_ms)
{
	const struct config *c = s->cfg;
	struct xfer *x = calloc(1, sizeof *x);
	char url[1024];

	if (x == NULL || (x->easy = curl_easy_init()) == NULL) {
		free(x);
		return NULL;
	}
	x->kind = kind;
	x->s = s;
	x->upstream = upstream_index(s);
	if (path == NULL) /* lgsp: the integration endpoint itself */
		snprintf(url, sizeof url, "%s", s->upstreams[x->upstream]);
	else if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0)
		snprintf(url, sizeof url, "%s", path); /* lgsp endpoints */
	else
		snprintf(url, sizeof url, "%s%s", s->upstreams[x->upstream],
		    path);
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	/* "verbose" only feeds on_debug, which counts bytes; nothing is
	 * printed */
	curl_easy_setopt(x->easy, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(x->easy, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR,
	    c->insecure_http_loopback ? "http,https" : "https");
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file[0] != '\0')
		curl_easy_setopt(x->easy, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(c->connect_timeout_ms < timeout_ms ? c->connect_timeout_ms
	                                              : timeout_ms));
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_LIMIT,
	    (long)c->low_speed_bytes);
	curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_TIME, (long)c->low_speed_s);
	curl_easy_setopt(x->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)SP_REPLY_MAX);
	if (s->auth[0] != '\0')
		x->hdrs = curl_slist_append(x->hdrs, s->auth);
	x->hdrs = curl_slist_append(x->hdrs, "Accept: application/json");
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	if (kind == X_PUSH || kind == X_LOGIN)
		x->hdrs = curl_slist_append(x->hdrs,
		    "Content-Type: application/json");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	return x;
}

static int
xfer_start(struct sync *s, struct xfer *x)
{
	if (curl_multi_add_handle(s->multi, x->easy) != CURLM_OK)
		return -1;
	x->next = s->xfers;
	s->xfers = x;
	s->requests++;
	return 0;
}

static void
xfer_unlink(struct sync *s, struct xfer *x)
{
	for (struct xfer **p = &s->xfers; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	curl_multi_remove_handle(s->multi, x->easy);
}

/* ---- push ---- */

static void do_push(uv_timer_t *);
static void drop_next(struct sync *);

static void
schedule_push(struct sync *s, uint64_t ms)
{
	if (s->stopping || !s->enabled)
		return;
	s->next_push_at = uv_now(s->loop) + ms;
	uv_timer_start(&s->push_timer, do_push, ms, 0);
}

static void
push_failed(struct sync *s, struct xfer *x, long retry_after)
{
	uint64_t d;

	s->push_errors++;
	s->push_failures++;
	drop_next(s); /* the same rows go again first */
	if (x->n > 0)
		store_outbox_tried(s->store, x->ids[0], x->ids[x->n - 1]);
	d = backoff_ms(s, s->push_failures, retry_after);
	/* another hub is there: try it now, not after the backoff */
	if (s->failed_over && retry_after <= 0)
		d = (uint64_t)s->cfg->backoff_min_ms;
	log_debug("sync: push retry in %" PRIu64 " ms", d);
	schedule_push(s, d);
}

/* Called as a push succeeds: the pause before the next push of a
 * backlog. Intakes come first: while staff write (a kick within
 * BUSY_MS), pushes take at most sync.busy_share_percent of the time, so
 * after a push that took t (start to acknowledgement recorded, all the
 * terminal, the link and the hub spent on it) the next waits
 * t * (100 - share) / share; sync_kick keeps that pause too. Idle, no
 * pause: a backlog drains flat out. */
static uint64_t
pace_ms(struct sync *s)
{
	uint64_t t, now = uv_now(s->loop),
	            share = (uint64_t)s->cfg->busy_share_percent;

	t = (uv_hrtime() - s->push_started_ns) / 1000000 + 1;
	t = t * (100 - share) / share;
	if (t > PACE_MAX_MS)
		t = PACE_MAX_MS;
	s->pause_until_ms = now + t;
	s->paced = false;
	if (t == 0 || s->last_kick_ms == 0 || now - s->last_kick_ms > BUSY_MS)
		return 0;
	s->paced = true;
	return t;
}

static void
push_done(struct sync *s, struct xfer *x, CURLcode cc, long code,
    long retry_after)
{
	struct sp_push_result *res = NULL;
	struct store_outbox_ack *acks = NULL;
	char err[SP_ERR_MAX], serr[STORE_ERR_MAX];
	size_t nparked = 0;
	uint64_t pause;

	s->push = NULL;
	if (cc != CURLE_OK) {
		set_error(s, "push: %s",
		    x->too_big ? "reply larger than the bound"
		               : curl_easy_strerror(cc));
		push_failed(s, x, 0);
		return;
	}
	if (code != 200) {
		set_error(s, "push: upstream answered HTTP %ld", code);
		if (s->cfg->lgsp && (code == 401 || code == 403))
			s->session[0] = '\0'; /* log in again */
		push_failed(s, x, retry_after);
		return;
	}
	res = calloc(x->n, sizeof *res);
	acks = calloc(x->n, sizeof *acks);
	if (res == NULL || acks == NULL) {
		set_error(s, "push: out of memory");
		push_failed(s, x, 0);
		goto out;
	}
	if (s->cfg->lgsp) {
		char msg[LGSP_MSG_MAX];

		/* one dossier per call: the reply is about that one */
		switch (lgsp_reply(x->reply, x->len, msg)) {
		case LGSP_OK:
			break;
		case LGSP_EXISTS:
			if (!s->lgsp_updating) {
				/* resend the same row as an update */
				s->lgsp_updating = true;
				schedule_push(s, 0);
				goto out;
			}
			break; /* exists even as an update: counts as synced */
		case LGSP_REFUSED:
			res[0].result = SP_REJECTED;
			snprintf(res[0].reason, sizeof res[0].reason, "%s",
			    msg);
			break;
		case LGSP_BAD:
			s->bad_replies++;
			set_error(s, "push: bad reply, nothing marked sent: %s",
			    msg);
			push_failed(s, x, 0);
			goto out;
		}
		s->lgsp_updating = false;
	} else if (sp_push_reply(x->reply, x->len,
	               (const char(*)[SP_KEY_HEX + 1]) x->keys, x->n, res,
	               err) == -1) {
		s->bad_replies++;
		set_error(s, "push: bad reply, nothing marked sent: %s", err);
		push_failed(s, x, 0);
		goto out;
	}
	for (size_t i = 0; i < x->n; i++) {
		acks[i].id = x->ids[i];
		if (res[i].result == SP_REJECTED) {
			acks[i].parked_reason = res[i].reason;
			nparked++;
		}
	}
	if (store_outbox_done(s->store, acks, x->n, clock_wall_s(), serr) !=
	    STORE_OK) {
		/* upstream has them: the retry will be answered duplicate */
		set_error(s, "push: recording the acknowledgement: %s", serr);
		push_failed(s, x, 0);
		goto out;
	}
	if (nparked > 0)
		log_warnx("sync: %zu item(s) parked by upstream; see `motcua "
		          "sync status`",
		    nparked);
	s->items_acked += x->n - nparked;
	s->items_parked += nparked;
	s->push_failures = 0;
	s->last_success_at = clock_wall_s();
	pause = pace_ms(s);
	/* a full batch: more may wait */
	if (x->n >= (s->cfg->lgsp ? 1 : (size_t)s->cfg->batch_size))
		schedule_push(s, pause);
	else {
		s->paced = false;
		schedule_push(s, POLL_IDLE_MS);
	}
out:
	free(res);
	free(acks);
}

/* protocol = lgsp: POST {username, password} to the auth endpoint. */
static void
lgsp_login(struct sync *s)
{
	struct xfer *x;
	json_t *body;

	x = xfer_new(s, X_LOGIN, s->cfg->lgsp_auth_url, s->cfg->timeout_ms);
	body = json_pack("{s:s,s:s}", "username", s->cfg->lgsp_username,
	    "password", s->password);
	if (x == NULL || body == NULL ||
	    (x->body = json_dumps(body, JSON_COMPACT)) == NULL) {
		json_decref(body);
		xfer_free(x);
		schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
		return;
	}
	json_decref(body);
	x->body_len = strlen(x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)x->body_len);
	if (xfer_start(s, x) == -1) {
		xfer_free(x);
		schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
		return;
	}
	s->push = x; /* one thing at a time on the push path */
}

static void
login_done(struct sync *s, struct xfer *x, CURLcode cc, long code)
{
	char msg[LGSP_MSG_MAX];

	s->push = NULL;
	if (x->body != NULL)
		sodium_memzero(x->body, x->body_len);
	if (cc != CURLE_OK || code != 200 ||
	    lgsp_login_reply(x->reply, x->len, s->session, sizeof s->session,
	        msg) == -1) {
		set_error(s, "lgsp login: %s",
		    cc != CURLE_OK    ? curl_easy_strerror(cc)
		        : code != 200 ? "HTTP error"
		                      : msg);
		s->push_errors++;
		schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
		return;
	}
	log_info("sync: logged in to the LGSP adapter");
	schedule_push(s, 0);
}

enum build { B_READY, B_EMPTY, B_AGAIN, B_ERROR };

/* protocol = lgsp: the push of the next row, one dossier per call, ready
 * to start (built on the loop: one row, and a row the adapter cannot
 * take is parked on the spot); else NULL and *why: B_EMPTY (none),
 * B_AGAIN (a row was parked: look again) or B_ERROR (set_error done). */
static struct xfer *
build_lgsp(struct sync *s, enum build *why)
{
	char err[STORE_ERR_MAX];
	json_t *items, *it;
	struct xfer *x;
	size_t i;

	*why = B_ERROR;
	if ((items = sync_json_outbox_next(s->store, 1, 0, err)) == NULL) {
		set_error(s, "push: reading the outbox: %s", err);
		return NULL;
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		*why = B_EMPTY;
		return NULL;
	}
	/* the integration endpoint itself */
	x = xfer_new(s, X_PUSH, NULL, s->cfg->timeout_ms);
	if (x == NULL)
		goto fail;
	x->n = json_array_size(items);
	x->ids = calloc(x->n, sizeof *x->ids);
	x->keys = calloc(x->n, sizeof *x->keys);
	if (x->ids == NULL || x->keys == NULL)
		goto fail;
	json_array_foreach(items, i, it) {
		x->ids[i] = json_integer_value(json_object_get(it, "id"));
		snprintf(x->keys[i], sizeof x->keys[i], "%s",
		    json_string_value(json_object_get(it, "key")));
		json_object_del(it, "id"); /* local only */
	}
	{
		char lerr[LGSP_MSG_MAX];
		json_t *req = lgsp_request(json_array_get(items, 0), s->session,
		    s->cfg->agency_code, s->lgsp_updating, lerr);
		struct store_outbox_ack ack = { x->ids[0], lerr };
		char serr[STORE_ERR_MAX];

		json_decref(items);
		items = NULL;
		if (req == NULL) { /* nothing the adapter can say: park it */
			log_warnx("sync: %s parked: %s", x->keys[0], lerr);
			store_outbox_done(s->store, &ack, 1, clock_wall_s(),
			    serr);
			xfer_free(x);
			*why = B_AGAIN;
			return NULL;
		}
		x->body = json_dumps(req, JSON_COMPACT);
		json_decref(req);
	}
	if (x->body == NULL)
		goto fail;
	x->body_len = strlen(x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)x->body_len);
	*why = B_READY;
	return x;
fail:
	json_decref(items);
	xfer_free(x);
	set_error(s, "push: out of memory");
	return NULL;
}

/* The push of batch b (the hub's protocol), ready to start; b's arrays
 * and body move into it. NULL when out of memory (b keeps them). */
static struct xfer *
push_xfer(struct sync *s, struct syncbuild_batch *b)
{
	struct xfer *x =
	    xfer_new(s, X_PUSH, "/sync/v1/push", s->cfg->timeout_ms);
	char hdr[48];

	if (x == NULL)
		return NULL;
	if (s->backlog >= 0) {
		snprintf(hdr, sizeof hdr, "X-Motcua-Backlog: %" PRId64,
		    s->backlog);
		x->hdrs = curl_slist_append(x->hdrs, hdr);
	}
	if (b->gzipped)
		x->hdrs = curl_slist_append(x->hdrs, "Content-Encoding: gzip");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	x->n = b->n;
	x->ids = b->ids;
	x->keys = b->keys;
	x->body = b->body;
	x->body_len = b->body_len;
	b->ids = NULL;
	b->keys = NULL;
	b->body = NULL;
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)x->body_len);
	return x;
}

static void push_now(struct sync *);
static void on_built(void *, enum syncbuild_rc, struct syncbuild_batch *,
    const char *);

/* Starts push x. While upstream works on a full batch, the next one is
 * read and encoded (s->next, built off the loop), so a long backlog
 * drains without the terminal's share of the work in between: still one
 * batch in flight, so the order of a dossier's changes holds. */
static void
start_push(struct sync *s, struct xfer *x)
{
	if (xfer_start(s, x) == -1) {
		xfer_free(x);
		set_error(s, "push: cannot start a transfer");
		schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
		return;
	}
	s->push = x;
	s->push_started_ns = uv_hrtime();
	/* if the read-ahead cannot start, the next push builds its own */
	if (!s->cfg->lgsp && s->next == NULL && !syncbuild_busy(s->build) &&
	    x->n >= (size_t)s->cfg->batch_size &&
	    syncbuild_start(s->build, s->cfg->batch_size, x->ids[x->n - 1],
	        on_built, s) == 0)
		s->build_started_ms = uv_now(s->loop);
}

/* The read-ahead batch is stale (the push before it failed and goes
 * again first): drop it, built or being built. */
static void
drop_next(struct sync *s)
{
	xfer_free(s->next);
	s->next = NULL;
	syncbuild_cancel(s->build);
}

/* A batch built (or not) off the loop. */
static void
on_built(void *arg, enum syncbuild_rc rc, struct syncbuild_batch *b,
    const char *err)
{
	struct sync *s = arg;
	bool start = s->build_starts;
	struct xfer *x;

	s->build_starts = false;
	if (s->stopping) {
		syncbuild_batch_free(b);
		return;
	}
	switch (rc) {
	case SYNCBUILD_CANCELED: /* a push that waited on it builds anew */
		if (start)
			push_now(s);
		return;
	case SYNCBUILD_ERROR:
		set_error(s, "push: reading the outbox: %s", err);
		if (start)
			schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
		return;
	case SYNCBUILD_EMPTY:
		/* a write kicked while the build read an older snapshot: its
		 * rows are there now */
		if (start)
			schedule_push(s,
			    s->last_kick_ms >= s->build_started_ms
			        ? KICK_DELAY_MS
			        : POLL_IDLE_MS);
		return;
	case SYNCBUILD_READY:
		break;
	}
	x = push_xfer(s, b);
	syncbuild_batch_free(b);
	if (x == NULL) {
		set_error(s, "push: out of memory");
		if (start)
			schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
		return;
	}
	if (start && s->push == NULL)
		start_push(s, x);
	else /* the read-ahead: do_push starts it */
		s->next = x;
}

static void
do_push(uv_timer_t *t)
{
	struct sync *s = t->data;

	s->next_push_at = 0;
	s->paced = false;
	push_now(s);
}

static void
push_now(struct sync *s)
{
	char err[STORE_ERR_MAX];
	struct xfer *x;
	enum build why;

	if (s->push != NULL || s->stopping)
		return;
	if (s->cfg->lgsp && s->session[0] == '\0') {
		lgsp_login(s);
		return;
	}
	if (s->next != NULL) { /* read ahead while the last batch flew */
		x = s->next;
		s->next = NULL;
		start_push(s, x);
		return;
	}
	if (!s->cfg->lgsp) {
		if (syncbuild_busy(s->build)) { /* it starts when ready */
			s->build_starts = true;
			return;
		}
		if (s->build == NULL &&
		    (s->build = syncbuild_new(s->loop, s->cfg->db_path,
		         s->cfg->busy_timeout_ms, err)) == NULL) {
			set_error(s, "push: opening the outbox reader: %s",
			    err);
			schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
			return;
		}
		if (syncbuild_start(s->build, s->cfg->batch_size, 0, on_built,
		        s) == -1) {
			set_error(s, "push: cannot start reading the outbox");
			schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
			return;
		}
		s->build_started_ms = uv_now(s->loop);
		s->build_starts = true;
		return;
	}
	if ((x = build_lgsp(s, &why)) == NULL) {
		if (why == B_EMPTY)
			schedule_push(s, POLL_IDLE_MS);
		else if (why == B_AGAIN)
			schedule_push(s, 0);
		else
			schedule_push(s, backoff_ms(s, ++s->push_failures, 0));
		return;
	}
	start_push(s, x);
}

/* ---- pull ---- */

static void do_pull(uv_timer_t *);

static void
schedule_pull(struct sync *s, uint64_t ms)
{
	if (!s->stopping && s->enabled && !s->cfg->lgsp)
		uv_timer_start(&s->pull_timer, do_pull, ms, 0);
}

static void
pull_done(struct sync *s, struct xfer *x, CURLcode cc, long code,
    long retry_after)
{
	struct sp_pull_page *page = NULL;
	char err[SP_ERR_MAX], serr[STORE_ERR_MAX];
	int applied;

	s->pull = NULL;
	if (cc != CURLE_OK || code != 200) {
		if (cc != CURLE_OK)
			set_error(s, "pull: %s", curl_easy_strerror(cc));
		else
			set_error(s, "pull: upstream answered HTTP %ld", code);
		goto fail;
	}
	if ((page = malloc(sizeof *page)) == NULL) {
		set_error(s, "pull: out of memory");
		goto fail;
	}
	if (sp_pull_reply(x->reply, x->len, page, err) == -1) {
		s->bad_replies++;
		set_error(s, "pull: bad reply, nothing applied: %s", err);
		goto fail;
	}
	if (store_sync_apply(s->store, page->ch, page->n, page->cursor,
	        &applied, serr) != STORE_OK) {
		set_error(s, "pull: applying: %s", serr);
		goto fail;
	}
	if (applied > 0)
		log_info("sync: %d upstream change(s) applied", applied);
	s->pulled += (uint64_t)applied;
	s->pull_failures = 0;
	s->last_pull_at = clock_wall_s();
	schedule_pull(s,
	    page->more ? 0 : (uint64_t)s->cfg->pull_interval_s * 1000);
	free(page);
	return;
fail:
	free(page);
	s->pull_errors++;
	s->pull_failures++;
	schedule_pull(s, backoff_ms(s, s->pull_failures, retry_after));
}

static void
do_pull(uv_timer_t *t)
{
	struct sync *s = t->data;
	char cursor[SP_CURSOR_MAX + 1] = "", path[160];
	struct xfer *x;

	if (s->pull != NULL || s->stopping)
		return;
	if (store_sync_state_get(s->store, "pull_cursor", cursor,
	        sizeof cursor) == STORE_ERROR ||
	    (cursor[0] != '\0' && !sp_cursor_valid(cursor)))
		cursor[0] = '\0';
	snprintf(path, sizeof path, "/sync/v1/pull?limit=500%s%s",
	    cursor[0] ? "&cursor=" : "", cursor);
	if ((x = xfer_new(s, X_PULL, path, s->cfg->timeout_ms)) == NULL ||
	    xfer_start(s, x) == -1) {
		xfer_free(x);
		schedule_pull(s, backoff_ms(s, ++s->pull_failures, 0));
		return;
	}
	s->pull = x;
}

/* ---- lookups and verify ---- */

int
sync_lookup(struct sync *s, const char *token, sync_lookup_done *cb, void *arg)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char path[128], hex[2 * crypto_hash_sha256_BYTES + 1];
	struct xfer *x;

	if (!s->enabled || s->cfg->lgsp || s->stopping ||
	    s->lookups >= LOOKUPS_MAX)
		return -1;
	/* upstream is asked by the token's hash: it never sees the token */
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(path, sizeof path, "/sync/v1/lookup?token_sha256=%s", hex);
	if ((x = xfer_new(s, X_LOOKUP, path, s->cfg->lookup_timeout_ms)) ==
	    NULL)
		return -1;
	x->lookup_cb = cb;
	x->arg = arg;
	if (xfer_start(s, x) == -1) {
		xfer_free(x);
		return -1;
	}
	s->lookups++;
	s->lookups_total++;
	return 0;
}

static void
lookup_done(struct sync *s, struct xfer *x, CURLcode cc, long code)
{
	struct store_lookup v;
	char err[SP_ERR_MAX];
	bool found;

	s->lookups--;
	if (cc != CURLE_OK || code != 200) {
		x->lookup_cb(x->arg, false, NULL,
		    cc != CURLE_OK ? curl_easy_strerror(cc) : "upstream error");
		return;
	}
	if (sp_lookup_reply(x->reply, x->len, &found, &v, err) == -1) {
		s->bad_replies++;
		log_warnx("sync: lookup: bad reply: %s", err);
		x->lookup_cb(x->arg, false, NULL, err);
		return;
	}
	s->lookups_found += found;
	x->lookup_cb(x->arg, found, found ? &v : NULL, NULL);
}

/* Asks for vr's next page; vr is the new transfer's. -1: not started
 * (vr is still the caller's). */
static int
verify_page(struct sync *s, struct verify_run *vr, sync_verify_done *cb,
    void *arg)
{
	char path[192];
	struct xfer *x;

	snprintf(path, sizeof path,
	    "/sync/v1/verify?from=%" PRId64 "&to=%" PRId64 "&limit=%d%s%s",
	    vr->from, vr->to, VERIFY_PAGE, vr->after[0] ? "&after=" : "",
	    vr->after);
	if ((x = xfer_new(s, X_VERIFY, path, s->cfg->timeout_ms)) == NULL)
		return -1;
	x->verify_cb = cb;
	x->arg = arg;
	x->vr = vr;
	if (xfer_start(s, x) == -1) {
		x->vr = NULL;
		xfer_free(x);
		return -1;
	}
	return 0;
}

int
sync_verify(struct sync *s, int from_day, int to_day, sync_verify_done *cb,
    void *arg)
{
	struct verify_run *vr;

	if (s->cfg->lgsp)
		return -2;
	if (!s->enabled || s->stopping || s->verifies >= VERIFIES_MAX)
		return -1;
	if ((vr = calloc(1, sizeof *vr)) == NULL ||
	    (vr->codes = json_array()) == NULL) {
		free(vr);
		return -1;
	}
	vr->from = cal_instant(from_day, 0);
	vr->to = cal_instant(to_day + 1, 0);
	if (verify_page(s, vr, cb, arg) == -1) {
		json_decref(vr->codes);
		free(vr);
		return -1;
	}
	s->verifies++;
	return 0;
}

static void
verify_done(struct sync *s, struct xfer *x, CURLcode cc, long code)
{
	struct verify_run *vr = x->vr;
	int64_t counts[4];
	char err[SP_ERR_MAX];
	json_t *codes;
	bool more = false;
	size_t n;

	if (cc != CURLE_OK || code != 200) {
		if (cc != CURLE_OK)
			snprintf(err, sizeof err, "%s", curl_easy_strerror(cc));
		else
			snprintf(err, sizeof err, "answered HTTP %ld", code);
		goto fail;
	}
	if (sp_verify_reply(x->reply, x->len, counts, &codes, &more, err) ==
	    -1) {
		s->bad_replies++;
		goto fail;
	}
	n = json_array_size(codes);
	memcpy(vr->counts, counts, sizeof counts); /* the period's, each page */
	json_array_extend(vr->codes, codes);
	if (n > 0)
		snprintf(vr->after, sizeof vr->after, "%s",
		    json_string_value(json_array_get(codes, n - 1)));
	json_decref(codes);
	if (more && (n == 0 || json_array_size(vr->codes) >= VERIFY_CODES)) {
		snprintf(err, sizeof err,
		    n == 0
		        ? "upstream paged without codes"
		        : "more than 2000000 codes: verify a shorter period");
		goto fail;
	}
	if (more) {
		x->vr = NULL; /* the next page's now */
		if (verify_page(s, vr, x->verify_cb, x->arg) == 0)
			return;
		x->vr = vr;
		snprintf(err, sizeof err, "cannot ask for the next page");
		goto fail;
	}
	s->verifies--;
	codes = vr->codes;
	vr->codes = NULL;
	x->verify_cb(x->arg, vr->counts, codes, NULL);
	return;
fail:
	s->verifies--;
	x->verify_cb(x->arg, NULL, NULL, err);
}

/* ---- completion ---- */

static void
finish(struct sync *s, struct xfer *x, CURLcode cc)
{
	long code = 0;
	curl_off_t ra = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra);
	s->bytes_sent += x->wire_out;
	s->bytes_received += x->wire_in;
	xfer_unlink(s, x);
	s->failed_over = false;
	if (cc != CURLE_OK || code >= 500)
		upstream_failed(s, x);
	switch (x->kind) {
	case X_PUSH:
		push_done(s, x, cc, code, (long)ra);
		break;
	case X_PULL:
		pull_done(s, x, cc, code, (long)ra);
		break;
	case X_LOOKUP:
		lookup_done(s, x, cc, code);
		break;
	case X_VERIFY:
		verify_done(s, x, cc, code);
		break;
	case X_LOGIN:
		login_done(s, x, cc, code);
		break;
	}
	xfer_free(x);
}

static void
check_done(struct sync *s)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &x);
		if (x != NULL)
			finish(s, x, m->data.result);
	}
}

/* ---- life ---- */

struct sync *
sync_new(uv_loop_t *loop, struct store *store, const struct config *cfg)
{
	struct sync *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->backlog = -1;
	s->loop = loop;
	s->store = store;
	s->cfg = cfg;
	parse_upstreams(s, cfg->upstream_url);
	s->enabled = s->nupstreams > 0;
	if (s->enabled && read_token(s) == -1) {
		free(s);
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (s->multi = curl_multi_init()) == NULL) {
		free(s);
		return NULL;
	}
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timeout);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	/* one connection per host is enough: one push at a time, plus
	 * pulls and lookups; connections are kept alive between batches */
	curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
	uv_timer_init(loop, &s->curl_timer);
	uv_timer_init(loop, &s->push_timer);
	uv_timer_init(loop, &s->pull_timer);
	uv_timer_init(loop, &s->stall_timer);
	s->curl_timer.data = s->push_timer.data = s;
	s->pull_timer.data = s->stall_timer.data = s;
	if (s->enabled) {
		schedule_push(s, 0);
		schedule_pull(s, 100);
		uv_timer_start(&s->stall_timer, sync_on_stall_timer,
		    STALL_EVERY_MS, STALL_EVERY_MS);
		log_info("sync: pushing to %s", cfg->upstream_url);
	}
	return s;
}

void
sync_set_config(struct sync *s, const struct config *cfg)
{
	bool was = s->enabled;

	s->cfg = cfg;
	parse_upstreams(s, cfg->upstream_url);
	s->enabled = s->nupstreams > 0 && read_token(s) == 0;
	if (s->enabled && !was) {
		schedule_push(s, 0);
		schedule_pull(s, 100);
		uv_timer_start(&s->stall_timer, sync_on_stall_timer,
		    STALL_EVERY_MS, STALL_EVERY_MS);
	} else if (!s->enabled) {
		uv_timer_stop(&s->push_timer);
		uv_timer_stop(&s->pull_timer);
		uv_timer_stop(&s->stall_timer);
	}
}

bool
sync_enabled(const struct sync *s)
{
	return s != NULL && s->enabled;
}

void
sync_kick(struct sync *s)
{
	uint64_t now, d = KICK_DELAY_MS;

	if (s == NULL || !s->enabled || s->stopping)
		return;
	now = uv_now(s->loop);
	s->last_kick_ms = now;
	/* a backlog's paced pause is not cut short: the new rows go with
	 * the backlog */
	if (s->push != NULL || s->paced)
		return;
	/* backing off after a failure: the timer will come */
	if (s->push_failures > 0)
		return;
	/* staff are writing: the pause after the last push holds for their
	 * rows too, which then go up together */
	if (s->pause_until_ms > now + d)
		d = s->pause_until_ms - now;
	if (s->next_push_at == 0 || s->next_push_at > now + d)
		schedule_push(s, d);
}

void
sync_stop(struct sync *s)
{
	struct xfer *x;

	if (s == NULL || s->stopping)
		return;
	s->stopping = true;
	/* answer whoever waits, then drop the transfers */
	while ((x = s->xfers) != NULL) {
		xfer_unlink(s, x);
		if (x->kind == X_LOOKUP)
			x->lookup_cb(x->arg, false, NULL, "stopping");
		else if (x->kind == X_VERIFY)
			x->verify_cb(x->arg, NULL, NULL, "stopping");
		xfer_free(x);
	}
	s->push = s->pull = NULL;
	drop_next(s);
	/* removes curl's sockets (their uv_polls close) while the loop runs */
	curl_multi_cleanup(s->multi);
	s->multi = NULL;
	uv_close((uv_handle_t *)&s->curl_timer, NULL);
	uv_close((uv_handle_t *)&s->push_timer, NULL);
	uv_close((uv_handle_t *)&s->pull_timer, NULL);
	uv_close((uv_handle_t *)&s->stall_timer, NULL);
}

void
sync_free(struct sync *s)
{
	if (s == NULL)
		return;
	if (s->multi != NULL)
		curl_multi_cleanup(s->multi);
	syncbuild_free(s->build); /* the loop has ended: no build runs */
	sodium_memzero(s->token, sizeof s->token);
	sodium_memzero(s->auth, sizeof s->auth);
	sodium_memzero(s->password, sizeof s->password);
	sodium_memzero(s->session, sizeof s->session);
	free(s);
	curl_global_cleanup();
}
