/* scanhub.c: see scanhub.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/classify.h"
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_api.h"
#include "lib/log.h"
#include "scanner/scanconf.h"
#include "scanner/scanhub.h"
#include "scanner/serscan.h"
#include "http/sse.h"
#include "http/reply.h"

/* Bytes queued per event-stream client: the events of one serial read
 * (128 frames of ~200 bytes, serscan.c) fit, so only a client that
 * stops reading is dropped. */
#define STREAM_BUF_MAX  (64 * 1024)
#define STREAMS_MAX     32 /* staff event streams open at once */
#define HEARTBEAT_MS    15000
#define COUNTERS_MAX    8     /* error classes per source */
#define ERROR_LOG_EVERY 60000 /* ms: one log line per class per minute */
_Static_assert(SCAN_NAME_MAX <= SSE_TERMINAL_MAX, "terminal ids fit in sse");

struct counter {
	char name[16];
	uint64_t n;
	uint64_t logged_ms; /* uv_now of its last log line; 0: never */
};

struct scan_source {
	struct scanhub *hub;
	struct scanner_conf conf;
	const struct scan_shell_ops *ops; /* NULL: not open */
	void *shell;
	char state[16];
	char detail[128];
	int64_t last_scan_at; /* wall ms; 0: none yet */
	uint64_t scans, duplicates;
	struct counter counters[COUNTERS_MAX];
	/* the last scan routed, for the repeat window */
	unsigned char last[SCAN_DATA_MAX];
	size_t last_len;
	bool last_truncated;
	int64_t last_mono_ms;
	bool has_last;
};

struct scanhub {
	uv_loop_t *loop;
	struct kiosk *kiosk;
	struct hotplug *hotplug;
	int dedup_ms;
	const struct scan_shell_ops *shells[3]; /* by enum scan_source_kind */
	struct scan_source *src[SCAN_SOURCES_MAX];
	size_t nsrc;
	char staff[SCAN_SOURCES_MAX][SCAN_NAME_MAX];
	size_t nstaff;
	struct sse_set *streams; /* owned */
	uv_timer_t heartbeat;
	bool closing;
	uint64_t routed, unrouted;
};

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
is_staff(const struct scanhub *h, const char *id)
{
	for (size_t i = 0; i < h->nstaff; i++)
		if (strcmp(h->staff[i], id) == 0)
			return true;
	return false;
}

/* --- event streams ------------------------------------------------------ */

static void
on_heartbeat(uv_timer_t *t)
{
	struct scanhub *h = t->data;

	sse_heartbeat(h->streams);
}

/* --- the scan_source interface (scan.h) -------------------------------- */

static struct counter *
counter(struct scan_source *s, const char *name)
{
	size_t i;

	for (i = 0; i < COUNTERS_MAX && s->counters[i].name[0] != '\0'; i++)
		if (strcmp(s->counters[i].name, name) == 0)
			return &s->counters[i];
	if (i == COUNTERS_MAX) { /* the last slot takes the rest */
		i = COUNTERS_MAX - 1;
		name = "other";
	}
	snprintf(s->counters[i].name, sizeof s->counters[i].name, "%s", name);
	return &s->counters[i];
}

void
scan_source_error(struct scan_source *s, const char *name, const char *detail)
{
	struct counter *c = counter(s, name);
	uint64_t now = uv_now(s->hub->loop);

	c->n++;
	if (c->logged_ms == 0 || now - c->logged_ms >= ERROR_LOG_EVERY) {
		c->logged_ms = now ? now : 1;
		log_warnx("scanner %s: %s: %s (%llu so far)", s->conf.name,
		    c->name, detail ? detail : "", (unsigned long long)c->n);
	}
}

void
scan_source_state(struct scan_source *s, const char *state, const char *detail)
{
	bool changed = strcmp(s->state, state) != 0;

	snprintf(s->state, sizeof s->state, "%s", state);
	snprintf(s->detail, sizeof s->detail, "%s", detail ? detail : "");
	if (changed) {
		if (strcmp(state, "open") == 0)
			log_info("scanner %s: open (%s)", s->conf.name,
			    s->detail);
		else
			log_warnx("scanner %s: %s: %s", s->conf.name, state,
			    s->detail);
	}
}

static json_t *
event_json(const struct scan_source *s, const struct classified *c, int64_t at)
{
	return json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:I}", "kind",
	    classify_kind_name(c->kind), "value", c->value, "s10_verdict",
	    c->kind == CLASSIFY_S10 ? s10_verdict_name(c->s10) : NULL, "reason",
	    c->reason, "source", s->conf.name, "at", (json_int_t)at);
}

void
scan_source_submit(struct scan_source *s, const struct scan_event *ev)
{
	struct scanhub *h = s->hub;
	struct classified c;
	size_t len = ev->len > SCAN_DATA_MAX ? SCAN_DATA_MAX : ev->len;
	bool truncated = ev->truncated || ev->len > SCAN_DATA_MAX;
	int64_t at = ev->wall_ms ? ev->wall_ms : wall_ms();

	if (h->closing)
		return;
	/* the same payload again within the window: counted once */
	if (s->has_last && h->dedup_ms > 0 && len == s->last_len &&
	    truncated == s->last_truncated &&
	    ev->mono_ms - s->last_mono_ms < h->dedup_ms &&
	    ev->mono_ms >= s->last_mono_ms &&
	    memcmp(ev->data, s->last, len) == 0) {
		s->duplicates++;
		return;
	}
	memcpy(s->last, ev->data, len);
	s->last_len = len;
	s->last_truncated = truncated;
	s->last_mono_ms = ev->mono_ms;
	s->has_last = true;
	s->scans++;
	s->last_scan_at = at;
	if (truncated)
		scan_source_error(s, "overlong", "a scan was cut");
	classify_scan(ev->data, len, truncated, &c);
	log_debug("scanner %s: scan: %s -> %s", s->conf.name,
	    classify_kind_name(c.kind), s->conf.terminal);
	if (is_staff(h, s->conf.terminal)) {
		sse_push(h->streams, s->conf.terminal, "scan",
		    event_json(s, &c, at));
		h->routed++;
	} else if (h->kiosk != NULL &&
	    kiosk_scan(h->kiosk, s->conf.terminal, ev->data, len, at) == 0) {
		h->routed++;
	} else {
		h->unrouted++;
		scan_source_error(s, "unrouted", "its terminal is gone");
	}
}

/* --- HTTP ------------------------------------------------------------- */

bool
scanhub_handle(struct scanhub *h, const struct http_request *hr,
    struct http_response *r)
{
	const char *p = hr->path, *id, *e;
	char buf[SCAN_NAME_MAX];
	size_t n;

	if (strcmp(hr->method, "GET") != 0)
		return false;
	if (strcmp(p, "/api/v1/scanners") == 0) {
		reply_json(r, 200, scanhub_info(h));
		return true;
	}
	if (strncmp(p, "/api/v1/terminals/", 18) != 0)
		return false;
	id = p + 18;
	if ((e = strchr(id, '/')) == NULL || strcmp(e, "/events") != 0 ||
	    (n = (size_t)(e - id)) == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, id, n);
	buf[n] = '\0';
	if (!is_staff(h, buf))
		return false; /* a kiosk terminal's, or none: not ours */
	sse_open(h->streams, r, buf, HEARTBEAT_MS / 1000);
	return true;
}

json_t *
scanhub_info(const struct scanhub *h)
{
	json_t *list = json_array(), *terms = json_array();

	for (size_t i = 0; i < h->nsrc; i++) {
		const struct scan_source *s = h->src[i];
		json_t *errs = json_object();

		for (size_t k = 0;
		     k < COUNTERS_MAX && s->counters[k].name[0] != '\0'; k++)
			json_object_set_new(errs, s->counters[k].name,
			    json_integer((json_int_t)s->counters[k].n));
		json_array_append_new(list,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:o}",
		        "name", s->conf.name, "type",
		        scanconf_kind_name(s->conf.kind), "device",
		        s->conf.device, "terminal", s->conf.terminal, "state",
		        s->state, "detail", s->detail, "last_scan_at",
		        s->last_scan_at ? json_integer(s->last_scan_at)
		                        : json_null(),
		        "scans", (json_int_t)s->scans, "duplicates",
		        (json_int_t)s->duplicates, "errors", errs));
	}
	for (size_t i = 0; i < h->nstaff; i++) {
		size_t n = sse_count(h->streams, h->staff[i]);

		json_array_append_new(terms,
		    json_pack("{s:s,s:s,s:I}", "id", h->staff[i], "kind",
		        "staff", "streams", (json_int_t)n));
	}
	return json_pack("{s:o,s:o,s:I,s:I}", "scanners", list, "terminals",
	    terms, "dedup_ms", (json_int_t)h->dedup_ms, "dropped_streams",
	    (json_int_t)sse_dropped(h->streams));
}

void
scanhub_metrics(const struct scanhub *h, FILE *f)
{
	fprintf(f,
	    "# HELP motcua_scans_total Scans taken from scanners, repeats "
	    "not counted.\n"
	    "# TYPE motcua_scans_total counter\n");
	for (size_t i = 0; i < h->nsrc; i++)
		fprintf(f, "motcua_scans_total{source=\"%s\"} %llu\n",
		    h->src[i]->conf.name, (unsigned long long)h->src[i]->scans);
	fprintf(f,
	    "# HELP motcua_scan_errors_total Scanner errors by class.\n"
	    "# TYPE motcua_scan_errors_total counter\n");
	for (size_t i = 0; i < h->nsrc; i++)
		for (size_t k = 0;
		     k < COUNTERS_MAX && h->src[i]->counters[k].name[0] != '\0';
		     k++)
			fprintf(f,
			    "motcua_scan_errors_total{source=\"%s\","
			    "class=\"%s\"} %llu\n",
			    h->src[i]->conf.name, h->src[i]->counters[k].name,
			    (unsigned long long)h->src[i]->counters[k].n);
}

/* --- life ----------------------------------------------------------------- */

struct scanhub *
scanhub_new(uv_loop_t *loop, const struct config *cfg, struct kiosk *kiosk)
{
	struct scanhub *h = calloc(1, sizeof *h);
	const char *problem;

	if (h == NULL) {
		log_warn("scanhub");
		return NULL;
	}
	if ((h->streams = sse_new("scanner terminal", STREAMS_MAX,
	         STREAM_BUF_MAX)) == NULL) {
		free(h);
		return NULL;
	}
	h->loop = loop;
	h->kiosk = kiosk;
	h->dedup_ms = cfg->scanner_dedup_ms;
	h->shells[SCAN_SERIAL] = &serial_shell_ops;
	if ((problem = scanconf_terminals_parse(
	         cfg->scanner_terminals ? cfg->scanner_terminals : "", h->staff,
	         &h->nstaff)) != NULL)
		log_warnx("scanner.terminals: %s",
		    problem); /* config checked */
	for (size_t i = 0; i < cfg->nscanners && i < SCAN_SOURCES_MAX; i++) {
		struct scan_source *s = calloc(1, sizeof *s);

		if (s == NULL) {
			log_warn("scanhub");
			for (size_t k = 0; k < h->nsrc; k++)
				free(h->src[k]);
			sse_free(h->streams);
			free(h);
			return NULL;
		}
		s->hub = h;
		s->conf = cfg->scanners[i];
		snprintf(s->state, sizeof s->state, "closed");
		h->src[h->nsrc++] = s;
	}
	uv_timer_init(loop, &h->heartbeat);
	h->heartbeat.data = h;
	uv_timer_start(&h->heartbeat, on_heartbeat, HEARTBEAT_MS, HEARTBEAT_MS);
	return h;
}

void
scanhub_set_shell(struct scanhub *h, enum scan_source_kind kind,
    const struct scan_shell_ops *ops)
{
	if ((unsigned)kind < 3)
		h->shells[kind] = ops;
}

void
scanhub_set_hotplug(struct scanhub *h, struct hotplug *hp)
{
	h->hotplug = hp;
}

void
scanhub_start(struct scanhub *h)
{
	for (size_t i = 0; i < h->nsrc; i++) {
		struct scan_source *s = h->src[i];
		const struct scan_shell_ops *ops = h->shells[s->conf.kind];
		char why[96];

		if (ops == NULL) {
			snprintf(why, sizeof why,
			    "this build has no %s scanner support",
			    scanconf_kind_name(s->conf.kind));
			scan_source_state(s, "error", why);
			continue;
		}
		if ((s->shell = ops->open(h->loop, h->hotplug, &s->conf, s)) ==
		    NULL) {
			scan_source_state(s, "error",
			    "cannot start (see the log)");
			continue;
		}
		s->ops = ops;
	}
	log_info("scanners: %zu source(s), %zu staff terminal(s)", h->nsrc,
	    h->nstaff);
}

void
scanhub_shutdown(struct scanhub *h)
{
	if (h == NULL || h->closing)
		return;
	h->closing = true;
	uv_timer_stop(&h->heartbeat);
	for (size_t i = 0; i < h->nsrc; i++) {
		struct scan_source *s = h->src[i];

		if (s->ops != NULL)
			s->ops->close(s->shell);
		s->ops = NULL;
		s->shell = NULL;
	}
	sse_end_all(h->streams);
}

static void
on_closed(uv_handle_t *t)
{
	struct scanhub *h = t->data;

	for (size_t i = 0; i < h->nsrc; i++)
		free(h->src[i]);
	sse_free(h->streams);
	free(h);
}

void
scanhub_free(struct scanhub *h)
{
	if (h == NULL)
		return;
	scanhub_shutdown(h);
	/* the shells' handles close in this same loop turn; none of their
	 * close callbacks reaches a source */
	uv_close((uv_handle_t *)&h->heartbeat, on_closed);
}
