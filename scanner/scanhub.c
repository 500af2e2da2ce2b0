/* scanhub.c: see scanhub.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "lib/log.h"
#include "lib/clock.h"
#include "scanner/classify.h"
#include "scanner/scanconf.h"
#include "scanner/scanhub.h"
#include "scanner/serscan.h"

#define COUNTERS_MAX    SCANHUB_COUNTERS_MAX
#define ERROR_LOG_EVERY 60000 /* ms: one log line per class per minute */

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

struct sink {
	const struct scan_sink_ops *ops; /* NULL: none */
	void *arg;
};

struct scanhub {
	uv_loop_t *loop;
	struct sink sinks[2]; /* by enum scanhub_terminal_kind */
	struct hotplug *hotplug;
	int dedup_ms;
	const struct scan_shell_ops *shells[3]; /* by enum scan_source_kind */
	struct scan_source *src[SCAN_SOURCES_MAX];
	size_t nsrc;
	char staff[SCAN_SOURCES_MAX][SCAN_NAME_MAX];
	size_t nstaff;
	bool closing;
	uint64_t routed, unrouted;
};

static bool
is_staff(const struct scanhub *h, const char *id)
{
	for (size_t i = 0; i < h->nstaff; i++)
		if (strcmp(h->staff[i], id) == 0)
			return true;
	return false;
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

void
scan_source_submit(struct scan_source *s, const struct scan_event *ev)
{
	struct scanhub *h = s->hub;
	struct classified c;
	size_t len = ev->len > SCAN_DATA_MAX ? SCAN_DATA_MAX : ev->len;
	bool truncated = ev->truncated || ev->len > SCAN_DATA_MAX;
	int64_t at = ev->wall_ms ? ev->wall_ms : clock_wall_ms();
	struct scan_event out;
	const struct sink *k;

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
	/* what the sink gets: the payload as classified, named and dated */
	out = *ev;
	out.source = s->conf.name;
	out.len = len;
	out.truncated = truncated;
	out.wall_ms = at;
	k = &h->sinks[is_staff(h, s->conf.terminal) ? SCANHUB_STAFF
	                                            : SCANHUB_KIOSK];
	if (k->ops != NULL &&
	    k->ops->scan(k->arg, s->conf.terminal, &out, &c) == 0) {
		h->routed++;
	} else {
		h->unrouted++;
		scan_source_error(s, "unrouted", "its terminal is gone");
	}
}

/* --- read-only state -------------------------------------------------- */

size_t
scanhub_sources(const struct scanhub *h)
{
	return h->nsrc;
}

bool
scanhub_source(const struct scanhub *h, size_t i,
    struct scanhub_source_info *out)
{
	const struct scan_source *s;

	if (i >= h->nsrc)
		return false;
	s = h->src[i];
	memset(out, 0, sizeof *out);
	out->conf = &s->conf;
	out->state = s->state;
	out->detail = s->detail;
	out->last_scan_at = s->last_scan_at;
	out->scans = s->scans;
	out->duplicates = s->duplicates;
	for (size_t k = 0; k < COUNTERS_MAX && s->counters[k].name[0] != '\0';
	     k++) {
		out->counters[k].name = s->counters[k].name;
		out->counters[k].n = s->counters[k].n;
		out->ncounters++;
	}
	return true;
}

const char *
scanhub_staff_terminal(const struct scanhub *h, size_t i)
{
	return i < h->nstaff ? h->staff[i] : NULL;
}

int
scanhub_dedup_ms(const struct scanhub *h)
{
	return h->dedup_ms;
}

/* --- life ----------------------------------------------------------------- */

struct scanhub *
scanhub_new(uv_loop_t *loop, const struct scanhub_conf *conf)
{
	struct scanhub *h = calloc(1, sizeof *h);
	const char *problem;

	if (h == NULL) {
		log_warn("scanhub");
		return NULL;
	}
	h->loop = loop;
	h->dedup_ms = conf->dedup_ms;
	h->shells[SCAN_SERIAL] = &serial_shell_ops;
	if ((problem = scanconf_terminals_parse(
	         conf->terminals ? conf->terminals : "", h->staff,
	         &h->nstaff)) != NULL)
		log_warnx("scanner.terminals: %s",
		    problem); /* config checked */
	for (size_t i = 0; i < conf->nsources && i < SCAN_SOURCES_MAX; i++) {
		struct scan_source *s = calloc(1, sizeof *s);

		if (s == NULL) {
			log_warn("scanhub");
			for (size_t k = 0; k < h->nsrc; k++)
				free(h->src[k]);
			free(h);
			return NULL;
		}
		s->hub = h;
		s->conf = conf->sources[i];
		snprintf(s->state, sizeof s->state, "closed");
		h->src[h->nsrc++] = s;
	}
	return h;
}

void
scanhub_set_sink(struct scanhub *h, enum scanhub_terminal_kind kind,
    const struct scan_sink_ops *ops, void *arg)
{
	if ((unsigned)kind < 2) {
		h->sinks[kind].ops = ops;
		h->sinks[kind].arg = arg;
	}
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
	for (size_t i = 0; i < h->nsrc; i++) {
		struct scan_source *s = h->src[i];

		if (s->ops != NULL)
			s->ops->close(s->shell);
		s->ops = NULL;
		s->shell = NULL;
	}
}

void
scanhub_free(struct scanhub *h)
{
	if (h == NULL)
		return;
	scanhub_shutdown(h);
	/* the shells' handles close in the loop's next turn; none of their
	 * close callbacks reaches a source, so the sources can go now */
	for (size_t i = 0; i < h->nsrc; i++)
		free(h->src[i]);
	free(h);
}
