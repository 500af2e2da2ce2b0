/* hub.c: the hub's protocol. See hub.h and docs/sync.md. Pushes are
 * parsed whole (syncproto) before anything is stored, and stored in one
 * transaction (hubstore): a malformed push is refused per item with
 * reasons, and never half-stored. */
#include <sys/stat.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "config.h"
#include "core/calendar.h"
#include "core/dcode.h"
#include "core/reportargs.h"
#include "lib/clock.h"
#include "lib/gz.h"
#include "sync/hub.h"
#include "sync/hubq.h"
#include "lib/log.h"
#include "sync/syncproto.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/route.h"
#include "store/store.h"
#include "store/storerc.h"
#include "core/textfold.h"

#define TERMINALS_MAX 10000
#define NAME_MAX_LEN  64
#define TOKEN_MIN     32
#define TOKEN_MAX     256
#define PULL_LIMIT    500
/* codes in one verify page: about 600 KB of JSON, under the terminals'
 * 1 MiB reply bound (syncproto.h SP_REPLY_MAX) */
#define VERIFY_PAGE_MAX 20000
#define AGENCIES_MAX    32         /* agencies one terminal may write */
#define OPEN_BODY_MAX   (4 * 1024) /* no terminal token: nothing to send */
/* The hub admin route's upstream change: times in the range the
 * terminals' pull parser accepts (syncproto.c), so that no change the
 * hub stores can make every later pull page fail on the terminal. */
#define TIME_MIN       946684800LL  /* 2000-01-01 */
#define TIME_MAX       4102444800LL /* 2100-01-01 */
#define ADMIN_BODY_MAX 4096         /* bytes of a status change's body */
/* Old idempotency keys go in batches of PRUNE_BATCH, the first run soon
 * after the start, then every PRUNE_EVERY_MS. */
#define PRUNE_BATCH    10000
#define PRUNE_FIRST_MS 5000
#define PRUNE_EVERY_MS (3600 * 1000)
/* A gzip push inflates to no more than a plain push may be (main.c's
 * HUB_BODY_MAX), and to no more than GZIP_RATIO_MAX times its size: a
 * 31 KiB bomb once inflated to 64 MiB and its JSON tree to 756 MiB. */
#define INFLATED_MAX   (8u << 20)
#define GZIP_RATIO_MAX 100
/* An office not heard from (no push, no pull) for this long is shown
 * silent: ten of the terminals' default pulls (sync.pull_interval_s 30) */
#define OFFICE_SILENT_S 300
/* the X-Motcua-Backlog header's largest value */
#define BACKLOG_MAX 1000000000LL

struct terminal {
	char name[NAME_MAX_LEN + 1];
	unsigned char hash[crypto_generichash_BYTES]; /* of the token */
	/* The agencies whose dossiers this terminal may write: an agency is
	 * given to one terminal only, so no terminal can take the codes
	 * another one will hand out. nagencies 1..AGENCIES_MAX. */
	char agency[AGENCIES_MAX][DCODE_AGENCY_MAX + 1];
	size_t nagencies;
};

struct hub {
	struct hubq *q; /* borrowed */
	struct terminal *terms;
	size_t nterms;
	uint64_t requests, unauthorized, bad_pushes;
	/* kept on the loop from the replies, for /metrics */
	uint64_t pushes, stored, duplicates, rejected;
	uint64_t timeouts; /* answered 503: the database took too long */
	uint64_t busy;     /* answered 503: the pool's queue was full */
	/* the retention of idempotency keys (hub_start_pruning) */
	uv_timer_t *prune_timer; /* owned; NULL: not pruning */
	int retention_days;
	bool prune_busy, stopping;
	uint64_t keys_pruned;
};

static bool
name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		        s[i] == '_' || s[i] == '-'))
			return false;
	return i >= 1 && i <= NAME_MAX_LEN;
}

/* Splits "A,B,C" into t's agencies; -1 with why on a bad or repeated
 * one. */
static int
parse_agencies(struct terminal *t, char *list, char *why, size_t whylen)
{
	char *save = NULL, *a;

	for (a = strtok_r(list, ",", &save); a != NULL;
	     a = strtok_r(NULL, ",", &save)) {
		if (strlen(a) > DCODE_AGENCY_MAX || !dcode_agency_valid(a)) {
			snprintf(why, whylen,
			    "agency %.40s: not an agency code", a);
			return -1;
		}
		for (size_t i = 0; i < t->nagencies; i++)
			if (strcmp(t->agency[i], a) == 0) {
				snprintf(why, whylen, "agency %s: listed twice",
				    a);
				return -1;
			}
		if (t->nagencies == AGENCIES_MAX) {
			snprintf(why, whylen, "more than %d agencies",
			    AGENCIES_MAX);
			return -1;
		}
		memcpy(t->agency[t->nagencies++], a, strlen(a) + 1);
	}
	if (t->nagencies == 0) {
		snprintf(why, whylen, "no agency");
		return -1;
	}
	return 0;
}

/* A terminal that repeats another's name, token or agency: the line is
 * refused, since either terminal could then write as the other. */
static int
clash(const struct hub *h, const struct terminal *t, char *why, size_t whylen)
{
	for (size_t i = 0; i < h->nterms; i++) {
		const struct terminal *o = &h->terms[i];

		if (strcmp(o->name, t->name) == 0) {
			snprintf(why, whylen, "name %s: listed twice", t->name);
			return -1;
		}
		if (sodium_memcmp(o->hash, t->hash, sizeof t->hash) == 0) {
			snprintf(why, whylen, "token: the same as %s's",
			    o->name);
			return -1;
		}
		for (size_t a = 0; a < o->nagencies; a++)
			for (size_t b = 0; b < t->nagencies; b++)
				if (strcmp(o->agency[a], t->agency[b]) == 0) {
					snprintf(why, whylen,
					    "agency %s: already %s's",
					    t->agency[b], o->name);
					return -1;
				}
	}
	return 0;
}

static int
load_tokens(struct hub *h, const char *path, char *err)
{
	char line[2048], name[NAME_MAX_LEN + 2], tok[TOKEN_MAX + 2];
	char agencies[1024 + 2], why[128];
	struct terminal t;
	struct stat sb;
	FILE *f;
	int lineno = 0, rc = 0, n;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, HUBSTORE_ERR_MAX, "hub.tokens_file %.150s: %.80s",
		    path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 07) != 0) {
		snprintf(err, HUBSTORE_ERR_MAX,
		    "hub.tokens_file %.180s: readable by others; chmod o-rwx",
		    path);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char extra;
		struct terminal *nt;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		memset(&t, 0, sizeof t);
		n = sscanf(line, "%65s %257s %1025s %c", name, tok, agencies,
		    &extra);
		if (n == 2) {
			/* the format before agencies were kept: say how to
			 * migrate rather than let the terminal write any */
			snprintf(err, HUBSTORE_ERR_MAX,
			    "%.60s:%d: terminal %.40s names no agencies; add "
			    "them as a third field: NAME TOKEN AGENCY[,AGENCY] "
			    "(docs/sync.md)",
			    path, lineno, name);
			rc = -1;
			break;
		}
		if (n != 3 || !name_ok(name) || strlen(tok) < TOKEN_MIN ||
		    strlen(tok) > TOKEN_MAX || strlen(agencies) > 1024) {
			snprintf(err, HUBSTORE_ERR_MAX,
			    "%.100s:%d: expected NAME TOKEN AGENCY[,AGENCY] "
			    "(name 1-64 of A-Z a-z 0-9 . _ -, token 32-256 "
			    "characters)",
			    path, lineno);
			rc = -1;
			break;
		}
		memcpy(t.name, name, strlen(name) + 1); /* name_ok: <= 64 */
		crypto_generichash(t.hash, sizeof t.hash,
		    (const unsigned char *)tok, strlen(tok), NULL, 0);
		sodium_memzero(tok, sizeof tok);
		if (parse_agencies(&t, agencies, why, sizeof why) == -1 ||
		    clash(h, &t, why, sizeof why) == -1) {
			snprintf(err, HUBSTORE_ERR_MAX, "%.100s:%d: %s", path,
			    lineno, why);
			rc = -1;
			break;
		}
		if (h->nterms == TERMINALS_MAX) {
			snprintf(err, HUBSTORE_ERR_MAX,
			    "%.200s: more than %d "
			    "terminals",
			    path, TERMINALS_MAX);
			rc = -1;
			break;
		}
		nt = realloc(h->terms, (h->nterms + 1) * sizeof *nt);
		if (nt == NULL) {
			snprintf(err, HUBSTORE_ERR_MAX, "out of memory");
			rc = -1;
			break;
		}
		h->terms = nt;
		h->terms[h->nterms++] = t;
	}
	sodium_memzero(line, sizeof line);
	sodium_memzero(tok, sizeof tok);
	fclose(f);
	if (rc == 0 && h->nterms == 0) {
		snprintf(err, HUBSTORE_ERR_MAX, "%.200s: no terminals", path);
		rc = -1;
	}
	return rc;
}

struct hub *
hub_new(struct hubq *q, const char *tokens_file, char err[HUBSTORE_ERR_MAX])
{
	struct hub *h = calloc(1, sizeof *h);

	if (h == NULL) {
		snprintf(err, HUBSTORE_ERR_MAX, "out of memory");
		return NULL;
	}
	h->q = q;
	if (load_tokens(h, tokens_file, err) == -1) {
		hub_free(h);
		return NULL;
	}
	return h;
}

void
hub_free(struct hub *h)
{
	if (h == NULL)
		return;
	free(h->terms);
	free(h);
}

/* The terminal whose token the request carries, or NULL. Every known
 * terminal is compared, in constant time each. */
static const struct terminal *
auth(struct hub *h, const struct http_request *hr)
{
	const char *v = http_header(hr, "Authorization");
	unsigned char hash[crypto_generichash_BYTES];
	const struct terminal *who = NULL;
	size_t len;

	if (v == NULL || strncmp(v, "Bearer ", 7) != 0)
		return NULL;
	v += 7;
	len = strlen(v);
	if (len < TOKEN_MIN || len > TOKEN_MAX)
		return NULL;
	crypto_generichash(hash, sizeof hash, (const unsigned char *)v, len,
	    NULL, 0);
	for (size_t i = 0; i < h->nterms; i++)
		if (sodium_memcmp(hash, h->terms[i].hash, sizeof hash) == 0)
			who = &h->terms[i];
	return who;
}

void
hub_gate(void *arg, const struct http_request *hr, struct http_gate_decision *g)
{
	if (auth(arg, hr) == NULL && g->max_body > OPEN_BODY_MAX)
		g->max_body = OPEN_BODY_MAX;
}

/* Refuses, per item, a code or intake record of an agency the terminal
 * is not registered for (the items borrow from p). */
static void
check_agencies(const struct terminal *t, struct sp_push *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct sp_item *it = &p->items[i];
		const char *rec = NULL;
		struct dcode d;
		size_t a;

		if (!it->valid)
			continue;
		/* sp_push_req checked the code: this parse cannot fail */
		if (dcode_parse(it->code, strlen(it->code), &d, NULL) !=
		    DCODE_OK)
			d.agency[0] = '\0';
		for (a = 0; a < t->nagencies; a++)
			if (strcmp(t->agency[a], d.agency) == 0)
				break;
		if (it->dossier != NULL)
			rec = json_string_value(
			    json_object_get(it->dossier, "agency_code"));
		if (a == t->nagencies) {
			it->valid = false;
			snprintf(it->why, sizeof it->why,
			    "code: agency %s is not registered for this "
			    "terminal",
			    d.agency);
		} else if (rec != NULL && strcmp(rec, d.agency) != 0) {
			it->valid = false;
			snprintf(it->why, sizeof it->why,
			    "dossier.agency_code: not the code's agency %s",
			    d.agency);
		}
	}
}

/* Cursor "p<seq>"; absent or empty: from the start. */
static int
parse_cursor(const char *c, int64_t *after)
{
	char *end;
	long long v;

	*after = 0;
	if (c == NULL || *c == '\0')
		return 0;
	if (c[0] != 'p' || c[1] < '0' || c[1] > '9' || strlen(c) > 20)
		return -1;
	errno = 0;
	v = strtoll(c + 1, &end, 10);
	if (*end != '\0' || errno != 0 || v < 0)
		return -1;
	*after = v;
	return 0;
}

static int
query_time(const struct http_request *hr, const char *key, int64_t *out)
{
	const char *v = http_query(hr, key);
	char *end;

	if (v == NULL || *v == '\0')
		return -1;
	errno = 0;
	*out = strtoll(v, &end, 10);
	return *end != '\0' || errno != 0 || *out < 0 ? -1 : 0;
}

/* One request's trip through the worker pool (sync/hubq.h): what the
 * worker needs, copied off the request, and what it found. */
enum job_kind {
	J_PUSH,
	J_PULL,
	J_LOOKUP,
	J_VERIFY,
	J_DUMP,
	J_STATUS,
	J_PRUNE,
	J_REPORT,
	J_FORM06A,
	J_OFFICES
};

struct hub_job {
	struct hubq_job base; /* first: hubq hands it back */
	struct hub *hub;
	enum job_kind kind;
	/* where the reply goes: r while the handler is still running
	 * (inline pool), else the deferred request; both NULL once
	 * answered */
	struct http_response *sync_r;
	bool *finished;
	struct http_pending *p;
	char terminal[NAME_MAX_LEN + 1]; /* "" : none (dump of all) */
	/* J_PUSH */
	struct sp_push push; /* owned */
	struct sp_push_result *res;
	int rc;
	/* J_PULL, J_VERIFY, J_REPORT (the period's instants) */
	int64_t a, b;
	/* J_REPORT: the period's local days, the time "overdue" is at */
	int from_day, to_day;
	int64_t now;
	int limit;
	/* J_LOOKUP */
	char token[65];
	struct store_lookup view;
	enum store_rc src;
	/* J_STATUS */
	char code[DCODE_TEXT_MAX + 1];
	int status;
	char *reason; /* owned; NULL: none */
	char actor[REQUEST_ACTOR_MAX];
	struct store *store; /* borrowed, for the audit row */
	json_t *out;         /* J_PULL, J_VERIFY, J_DUMP: owned */
	char err[HUBSTORE_ERR_MAX];
	/* J_FORM06A: the arguments (the period too), the renderer, and the
	 * rows found */
	struct report_params rp;
	const struct route_ctx *ctx;   /* borrowed: main.c's, lives on */
	struct store_report_row *rows; /* owned */
	size_t nrows;
	struct store_report_row total;
	struct store_unaccepted unaccepted;
};

static void
job_free(struct hub_job *j)
{
	if (j->kind == J_PUSH)
		sp_push_free(&j->push);
	free(j->res);
	free(j->reason);
	free(j->rows);
	json_decref(j->out);
	free(j);
}

static void
unavailable(struct http_response *r)
{
	r->retry_after_s = 1;
	reply_error(r, 503, "", "storage unavailable; retry");
}

/* Sends r to wherever the job's reply goes. */
static void
job_reply(struct hub_job *j, struct http_response *r)
{
	if (j->sync_r != NULL) {
		*j->sync_r = *r;
		j->sync_r = NULL;
	} else if (j->p != NULL) {
		http_pending_reply(j->p, r);
		j->p = NULL;
	} else {
		free(r->body);
		free(r->headers);
	}
}

/* Worker thread: the hubstore call. */
static void
job_work(struct hubq_job *qj, struct hubstore *hs)
{
	struct hub_job *j = (struct hub_job *)qj;
	const char *term = j->terminal[0] != '\0' ? j->terminal : NULL;

	if (hs == NULL) {
		j->rc = -1;
		j->src = STORE_ERROR;
		snprintf(j->err, sizeof j->err, "database unavailable");
		return;
	}
	switch (j->kind) {
	case J_PUSH:
		j->rc = hubstore_push(hs, j->terminal, &j->push, clock_wall_s(),
		    j->res, j->err);
		break;
	case J_PULL:
		/* the office is alive even when it has nothing to push;
		 * a failure here only costs the page a minute's freshness */
		hubstore_seen(hs, j->terminal, clock_wall_s());
		j->out = hubstore_pull(hs, j->terminal, j->a, j->limit);
		break;
	case J_OFFICES:
		j->out = hubstore_offices(hs);
		break;
	case J_LOOKUP:
		j->src = hubstore_lookup(hs, j->token, &j->view);
		break;
	case J_VERIFY:
		j->out = hubstore_codes(hs, j->terminal, j->a, j->b,
		    j->code[0] != '\0' ? j->code : NULL, j->limit);
		break;
	case J_DUMP:
		j->out = hubstore_dump(hs, term);
		break;
	case J_STATUS:
		j->src = hubstore_set_status(hs, j->code, j->status, j->a,
		    j->reason, clock_wall_s(), j->err);
		break;
	case J_PRUNE:
		j->b = hubstore_prune_keys(hs, j->a, PRUNE_BATCH);
		break;
	case J_FORM06A:
		j->rc = hubstore_report_fields(hs, j->rp.from_day, j->rp.to_day,
		    &j->rows, &j->nrows, &j->total, &j->unaccepted, j->err);
		break;
	case J_REPORT:
		j->out = hubstore_report(hs, j->from_day, j->to_day,
		    j->code[0] != '\0' ? j->code : NULL);
		if (j->out != NULL) {
			char d[16];

			cal_format_date(j->from_day, d);
			json_object_set_new(j->out, "from", json_string(d));
			cal_format_date(j->to_day, d);
			json_object_set_new(j->out, "to", json_string(d));
		}
		break;
	}
}

/* Loop: the deadline passed while the database had the job. */
static void
job_expire(struct hubq_job *qj)
{
	struct hub_job *j = (struct hub_job *)qj;
	struct http_response r = { 0 };

	j->hub->timeouts++;
	unavailable(&r);
	job_reply(j, &r);
}

static const char *const result_names[] = { "ok", "duplicate", "rejected" };

/* What a push stored, counted when it is stored: also when its request
 * was already answered 503 at the deadline (the retry then finds the
 * keys, and is counted as duplicates). */
static void
count_push(struct hub *h, const struct hub_job *j)
{
	h->pushes++;
	for (size_t i = 0; i < j->push.n; i++) {
		h->duplicates += j->res[i].result == SP_DUPLICATE;
		h->rejected += j->res[i].result == SP_REJECTED;
		h->stored += j->res[i].result == SP_OK;
	}
}

static void
reply_push(struct hub_job *j, struct http_response *r)
{
	json_t *out;

	if (j->rc == -1) {
		log_warnx("hub: push from %s: %s", j->terminal, j->err);
		unavailable(r);
		return;
	}
	out = json_array();
	for (size_t i = 0; i < j->push.n; i++) {
		const struct sp_push_result *res = &j->res[i];
		json_t *e = json_pack("{s:s,s:s}", "key", j->push.items[i].key,
		    "result", result_names[res->result]);

		if (res->result == SP_REJECTED)
			json_object_set_new(e, "reason",
			    json_string(res->reason));
		else if (!res->applied)
			json_object_set_new(e, "applied", json_false());
		json_array_append_new(out, e);
	}
	reply_json(r, 200, json_pack("{s:o}", "results", out));
}

static void
reply_pull(struct hub_job *j, struct http_response *r)
{
	char cursor[32];

	if (j->out == NULL) {
		unavailable(r);
		return;
	}
	snprintf(cursor, sizeof cursor, "p%" PRId64,
	    (int64_t)json_integer_value(json_object_get(j->out, "last")));
	reply_json(r, 200,
	    json_pack("{s:s,s:O,s:O}", "cursor", cursor, "items",
	        json_object_get(j->out, "items"), "more",
	        json_object_get(j->out, "more")));
}

static void
reply_lookup(struct hub_job *j, struct http_response *r)
{
	const struct store_lookup *v = &j->view;
	json_t *d;

	if (j->src == STORE_NOTFOUND) {
		reply_json(r, 200, json_pack("{s:b}", "found", 0));
		return;
	}
	if (j->src != STORE_OK) {
		unavailable(r);
		return;
	}
	d = json_pack("{s:s,s:i,s:i,s:I,s:I,s:s,s:s,s:s}", "code", v->code,
	    "status", v->status, "delivery", v->delivery, "received_at",
	    (json_int_t)v->received_at, "updated_at", (json_int_t)v->updated_at,
	    "procedure_name", v->procedure_name, "masked_name", v->masked_name,
	    "collect_at", v->collect_at);
	if (v->due_at)
		json_object_set_new(d, "due_at", json_integer(v->due_at));
	if (v->apology_due_at)
		json_object_set_new(d, "apology_due_at",
		    json_integer(v->apology_due_at));
	reply_json(r, 200, json_pack("{s:b,s:o}", "found", 1, "dossier", d));
}

static void
reply_status(struct hub_job *j, struct http_response *r)
{
	char detail[64];

	if (j->src != STORE_OK) {
		if (j->src == STORE_ERROR)
			r->retry_after_s = 1;
		reply_error(r, storerc_status(j->src), "status", j->err);
		return;
	}
	/* a staff write: audited, without the reason (free text) */
	snprintf(detail, sizeof detail, "status %d", j->status);
	if (j->store != NULL &&
	    store_audit(j->store, j->actor, "hub_status", j->code, detail) !=
	        STORE_OK)
		log_warnx("hub: audit of the status of %s not written",
		    j->code);
	log_info("hub: upstream status of %s set", j->code);
	reply_json(r, 200, json_pack("{s:s}", "code", j->code));
}

/* Every terminal of the tokens file, with its row of hubstore_offices
 * (none yet: never heard from), and whether it is silent: not heard from
 * (a push or a pull) for more than j->a seconds. */
static void
reply_offices(struct hub_job *j, struct http_response *r)
{
	const struct hub *h = j->hub;
	json_t *list = json_array(), *by = json_object(), *row, *o;
	size_t k;

	/* by name: a province's thousands of offices in one pass each */
	json_array_foreach(j->out, k, o) {
		const char *tn =
		    json_string_value(json_object_get(o, "terminal"));

		if (tn != NULL)
			json_object_set(by, tn, o);
	}
	for (size_t i = 0; i < h->nterms; i++) {
		const struct terminal *t = &h->terms[i];
		json_t *ag = json_array();
		int64_t seen = -1;

		if ((o = json_object_get(by, t->name)) != NULL)
			row = json_deep_copy(o);
		else
			row = json_pack("{s:s,s:n,s:n,s:n,s:i,s:i,s:i,s:n,s:n}",
			    "terminal", t->name, "last_push_at", "last_seen_at",
			    "backlog", "pushes", 0, "items", 0, "rejected", 0,
			    "last_error", "last_error_at");
		o = json_object_get(row, "last_seen_at");
		if (json_is_integer(o))
			seen = json_integer_value(o);
		for (size_t a = 0; a < t->nagencies; a++)
			json_array_append_new(ag, json_string(t->agency[a]));
		json_object_set_new(row, "agencies", ag);
		json_object_set_new(row, "silent",
		    json_boolean(seen < 0 || j->now - seen > j->a));
		json_array_append_new(list, row);
	}
	json_decref(by);
	reply_json(r, 200,
	    json_pack("{s:I,s:I,s:o}", "now", (json_int_t)j->now,
	        "silent_after_s", (json_int_t)j->a, "offices", list));
}

static void prune_start(uv_timer_t *);

/* Loop: a batch of old keys went; a full one: the next at once. */
static void
prune_done(struct hub *h, int64_t n)
{
	uint64_t next = PRUNE_EVERY_MS;

	h->prune_busy = false;
	if (n < 0)
		log_warnx("hub: pruning old idempotency keys failed; retried"
		          " later");
	else {
		h->keys_pruned += (uint64_t)n;
		if (n == PRUNE_BATCH)
			next = 0;
		if (n > 0)
			log_debug(
			    "hub: %" PRId64 " old idempotency keys pruned", n);
	}
	if (h->prune_timer != NULL && !h->stopping)
		uv_timer_start(h->prune_timer, prune_start, next, 0);
}

/* Loop: the worker is done with the job (ran), or it was dropped. */
static void
job_done(struct hubq_job *qj, bool ran)
{
	struct hub_job *j = (struct hub_job *)qj;
	struct http_response r = { 0 };

	if (j->finished != NULL)
		*j->finished = true;
	if (ran && j->kind == J_PUSH && j->rc == 0)
		count_push(j->hub, j);
	if (j->kind == J_PRUNE) {
		prune_done(j->hub, ran ? j->b : -1);
		job_free(j);
		return;
	}
	if (j->sync_r == NULL && j->p == NULL) { /* answered at expiry */
		job_free(j);
		return;
	}
	if (!ran)
		unavailable(&r);
	else if (j->kind == J_PUSH)
		reply_push(j, &r);
	else if (j->kind == J_PULL)
		reply_pull(j, &r);
	else if (j->kind == J_LOOKUP)
		reply_lookup(j, &r);
	else if (j->kind == J_STATUS)
		reply_status(j, &r);
	else if (j->kind == J_FORM06A) {
		if (j->rc != 0) {
			log_warnx("hub: province report: %s", j->err);
			unavailable(&r);
		} else
			j->ctx->report->form06a(j->ctx, &j->rp, j->rows,
			    j->nrows, &j->total, &j->unaccepted, &r);
	} else if (j->out == NULL)
		unavailable(&r);
	else if (j->kind == J_DUMP)
		reply_json(&r, 200, json_pack("{s:O}", "dossiers", j->out));
	else if (j->kind == J_OFFICES)
		reply_offices(j, &r);
	else
		reply_json(&r, 200, json_incref(j->out));
	job_reply(j, &r);
	job_free(j);
}

static struct hub_job *
job_new(struct hub *h, enum job_kind kind, const char *terminal)
{
	struct hub_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->base.work = job_work;
	j->base.expire = job_expire;
	j->base.done = job_done;
	j->hub = h;
	j->kind = kind;
	if (terminal != NULL)
		snprintf(j->terminal, sizeof j->terminal, "%s", terminal);
	return j;
}

/* Hands j to the pool; the reply comes in r (an inline pool answers at
 * once), later through http_defer, or now as 503 when the pool is full. */
static void
job_start(struct hub *h, struct hub_job *j, const struct http_request *hr,
    struct http_response *r)
{
	bool finished = false;

	if (j == NULL) {
		unavailable(r);
		return;
	}
	j->sync_r = r;
	j->finished = &finished;
	if (hubq_submit(h->q, &j->base) == -1) {
		h->busy++;
		job_free(j);
		unavailable(r);
		return;
	}
	if (finished)
		return;
	/* not run yet: the worker reads only the job's inputs, and done
	 * runs on this thread, after this handler returns */
	j->sync_r = NULL;
	j->finished = NULL;
	j->p = http_defer(hr);
}

static void
route_push(struct hub *h, const struct terminal *t,
    const struct http_request *hr, struct http_response *r)
{
	const char *enc = http_header(hr, "Content-Encoding");
	const char *body = hr->body;
	size_t len = hr->body_len;
	char err[SP_ERR_MAX], *inflated = NULL;
	struct hub_job *j;
	int rc;

	if (enc != NULL && strcmp(enc, "identity") != 0) {
		if (strcmp(enc, "gzip") != 0) {
			reply_error(r, 415, "Content-Encoding",
			    "only gzip or identity");
			return;
		}
		if (gz_inflate(hr->body, hr->body_len, INFLATED_MAX,
		        GZIP_RATIO_MAX, &inflated, &len) == -1) {
			h->bad_pushes++;
			reply_error(r, 400, "body",
			    "not a whole gzip stream, or over 8 MiB or 100 "
			    "times its size inflated");
			return;
		}
		body = inflated;
	}
	if ((j = job_new(h, J_PUSH, t->name)) == NULL) {
		free(inflated);
		unavailable(r);
		return;
	}
	rc = sp_push_req(body, len, &j->push, err);
	free(inflated);
	if (rc == -1) {
		h->bad_pushes++;
		j->kind = J_PULL; /* nothing parsed to free */
		job_free(j);
		reply_error(r, 400, "body", err);
		return;
	}
	check_agencies(t, &j->push);
	if ((enc = http_header(hr, "X-Motcua-Backlog")) != NULL) {
		char *end;

		errno = 0;
		j->push.backlog = strtoll(enc, &end, 10);
		if (*enc < '0' || *enc > '9' || *end != '\0' || errno != 0 ||
		    j->push.backlog > BACKLOG_MAX) {
			job_free(j);
			reply_error(r, 400, "X-Motcua-Backlog",
			    "must be a count, 0..1000000000");
			return;
		}
	}
	if ((j->res = calloc(j->push.n ? j->push.n : 1, sizeof *j->res)) ==
	    NULL) {
		job_free(j);
		unavailable(r);
		return;
	}
	job_start(h, j, hr, r);
}

static void
route_pull(struct hub *h, const char *term, const struct http_request *hr,
    struct http_response *r)
{
	const char *lim = http_query(hr, "limit");
	int64_t after;
	long limit = PULL_LIMIT;
	struct hub_job *j;

	if (parse_cursor(http_query(hr, "cursor"), &after) == -1) {
		reply_error(r, 400, "cursor", "not a cursor this hub issued");
		return;
	}
	if (lim != NULL) {
		char *end;

		limit = strtol(lim, &end, 10);
		if (*lim == '\0' || *end != '\0' || limit < 1 ||
		    limit > PULL_LIMIT) {
			reply_error(r, 400, "limit", "must be 1..500");
			return;
		}
	}
	if ((j = job_new(h, J_PULL, term)) != NULL) {
		j->a = after;
		j->limit = (int)limit;
	}
	job_start(h, j, hr, r);
}

static void
route_lookup(struct hub *h, const struct http_request *hr,
    struct http_response *r)
{
	const char *t = http_query(hr, "token_sha256");
	struct hub_job *j;
	size_t i;

	for (i = 0; t != NULL && t[i] != '\0'; i++)
		if (!((t[i] >= '0' && t[i] <= '9') ||
		        (t[i] >= 'a' && t[i] <= 'f')))
			break;
	if (t == NULL || i != 64 || t[i] != '\0') {
		reply_error(r, 400, "token_sha256",
		    "must be 64 lowercase hex digits");
		return;
	}
	if ((j = job_new(h, J_LOOKUP, NULL)) != NULL)
		memcpy(j->token, t, 65);
	job_start(h, j, hr, r);
}

static void
route_verify(struct hub *h, const char *term, const struct http_request *hr,
    struct http_response *r)
{
	int64_t from, to;
	struct hub_job *j;

	const char *after = http_query(hr, "after"), *lim;
	char code[DCODE_TEXT_MAX + 1] = "";
	long limit = 0;
	struct dcode d;

	if (query_time(hr, "from", &from) || query_time(hr, "to", &to) ||
	    to < from) {
		reply_error(r, 400, "from",
		    "from and to must be Unix times, from <= to");
		return;
	}
	/* paged (limit, then after = the last code of the page before);
	 * without limit the whole period in one reply, as terminals
	 * before paging ask */
	if ((lim = http_query(hr, "limit")) != NULL) {
		char *end;

		limit = strtol(lim, &end, 10);
		if (*lim == '\0' || *end != '\0' || limit < 1 ||
		    limit > VERIFY_PAGE_MAX) {
			reply_error(r, 400, "limit", "must be 1..20000");
			return;
		}
	}
	if (after != NULL &&
	    (limit == 0 || strlen(after) > DCODE_TEXT_MAX ||
	        dcode_parse(after, strlen(after), &d, NULL) != DCODE_OK ||
	        dcode_format(&d, code, sizeof code) < 0)) {
		reply_error(r, 400, "after",
		    "must be a dossier code, with limit");
		return;
	}
	if ((j = job_new(h, J_VERIFY, term)) != NULL) {
		j->a = from;
		j->b = to;
		j->limit = (int)limit;
		memcpy(j->code, code, sizeof code);
	}
	job_start(h, j, hr, r);
}

/* Counters kept on the loop: a scrape never asks the database (a
 * count(*) over a year's dossiers took half a second). Served with the
 * daemon's other metrics (routes.c), never on the sync listener, which
 * anyone who can reach the hub may call. */
void
hub_metrics(const struct hub *h, FILE *f)
{
	fprintf(f,
	    "# TYPE motcua_hub_pushes counter\nmotcua_hub_pushes %" PRIu64
	    "\n# TYPE motcua_hub_items_stored counter\n"
	    "motcua_hub_items_stored %" PRIu64
	    "\n# TYPE motcua_hub_duplicates counter\nmotcua_hub_duplicates %" PRIu64
	    "\n# TYPE motcua_hub_rejected counter\nmotcua_hub_rejected %" PRIu64
	    "\n# TYPE motcua_hub_unauthorized counter\n"
	    "motcua_hub_unauthorized %" PRIu64
	    "\n# TYPE motcua_hub_db_timeouts counter\n"
	    "motcua_hub_db_timeouts %" PRIu64
	    "\n# TYPE motcua_hub_db_busy counter\nmotcua_hub_db_busy %" PRIu64
	    "\n# TYPE motcua_hub_db_jobs gauge\nmotcua_hub_db_jobs %u"
	    "\n# TYPE motcua_hub_keys_pruned counter\n"
	    "motcua_hub_keys_pruned %" PRIu64 "\n",
	    h->pushes, h->stored, h->duplicates, h->rejected, h->unauthorized,
	    h->timeouts, h->busy, hubq_busy(h->q), h->keys_pruned);
}

static void
prune_start(uv_timer_t *t)
{
	struct hub *h = t->data;
	struct hub_job *j;

	if (h->stopping || h->prune_busy)
		return;
	if ((j = job_new(h, J_PRUNE, NULL)) == NULL) {
		prune_done(h, -1);
		return;
	}
	j->a = clock_wall_s() - (int64_t)h->retention_days * 86400;
	h->prune_busy = true;
	if (hubq_submit(h->q, &j->base) == -1) {
		job_free(j);
		prune_done(h, -1);
	}
}

static void
on_prune_timer_closed(uv_handle_t *t)
{
	free(t);
}

int
hub_start_pruning(struct hub *h, uv_loop_t *loop, int retention_days)
{
	if ((h->prune_timer = malloc(sizeof *h->prune_timer)) == NULL)
		return -1;
	h->retention_days = retention_days;
	uv_timer_init(loop, h->prune_timer);
	h->prune_timer->data = h;
	uv_unref((uv_handle_t *)h->prune_timer);
	uv_timer_start(h->prune_timer, prune_start, PRUNE_FIRST_MS, 0);
	return 0;
}

void
hub_shutdown(struct hub *h)
{
	if (h == NULL)
		return;
	h->stopping = true;
	if (h->prune_timer != NULL) {
		uv_timer_stop(h->prune_timer);
		uv_close((uv_handle_t *)h->prune_timer, on_prune_timer_closed);
		h->prune_timer = NULL;
	}
}

void
hub_handle(void *arg, const struct http_request *hr, struct http_response *r)
{
	struct hub *h = arg;
	bool get = strcmp(hr->method, "GET") == 0;
	bool post = strcmp(hr->method, "POST") == 0;
	const struct terminal *t;

	h->requests++;
	if (get && strcmp(hr->path, "/healthz") == 0) {
		r->static_body = "{\"status\":\"ok\",\"role\":\"hub\"}";
		r->len = strlen(r->static_body);
		return;
	}
	if (strncmp(hr->path, "/sync/v1/", 9) != 0) {
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	if ((t = auth(h, hr)) == NULL) {
		h->unauthorized++;
		reply_error(r, 401, "Authorization",
		    "a terminal's bearer token is required");
		return;
	}
	if (post && strcmp(hr->path, "/sync/v1/push") == 0)
		route_push(h, t, hr, r);
	else if (get && strcmp(hr->path, "/sync/v1/pull") == 0)
		route_pull(h, t->name, hr, r);
	else if (get && strcmp(hr->path, "/sync/v1/lookup") == 0)
		route_lookup(h, hr, r);
	else if (get && strcmp(hr->path, "/sync/v1/verify") == 0)
		route_verify(h, t->name, hr, r);
	else
		reply_error(r, 404, "path", "no such resource");
}

/* GET /api/v1/hub/dossiers[?terminal=NAME]: every dossier's status and
 * event count, for reconciliation. */
void
hub_route_dossiers(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *term = http_query(hr, "terminal");

	(void)pp;
	if (c->hub == NULL) { /* not the hub role: no such route */
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	if (term != NULL && !name_ok(term)) {
		reply_error(r, 400, "terminal",
		    "must be a terminal name: 1-64 of A-Z a-z 0-9 . _ -");
		return;
	}
	job_start(c->hub, job_new(c->hub, J_DUMP, term), hr, r);
}

/* GET /api/v1/hub/offices[?silent_after_s=N]: each office's last push,
 * backlog and errors (reply_offices). */
void
hub_route_offices(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *v = http_query(hr, "silent_after_s");
	struct hub_job *j;
	int64_t after = OFFICE_SILENT_S;
	char *end;

	(void)pp;
	if (c->hub == NULL) { /* not the hub role: no such route */
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	if (v != NULL) {
		errno = 0;
		after = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || after < 60 ||
		    after > 30 * 86400) {
			reply_error(r, 400, "silent_after_s",
			    "must be seconds, 60..2592000");
			return;
		}
	}
	if ((j = job_new(c->hub, J_OFFICES, NULL)) != NULL) {
		j->a = after;
		j->now = clock_wall_s();
	}
	job_start(c->hub, j, hr, r);
}

/* GET /api/v1/hub/report?from=&to=[&agency=]: the province's dossiers
 * received in the period by agency and channel (hubstore_report), the
 * arguments checked as the office report checks them. */
void
hub_route_report(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct report_args a = { .from = http_query(hr, "from"),
		.to = http_query(hr, "to"),
		.agency = http_query(hr, "agency") };
	struct report_params p;
	struct hub_job *j;
	char err[256];

	(void)pp;
	if (c->hub == NULL) { /* not the hub role: no such route */
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	if (a.agency != NULL && a.agency[0] == '\0')
		a.agency = NULL; /* the page's "every agency" */
	if (report_parse(&a, c->cfg->report_max_days, 1u << RF_JSON, &p, err,
	        sizeof err) < 0) {
		reply_problem(r, 400, err);
		return;
	}
	if ((j = job_new(c->hub, J_REPORT, NULL)) != NULL) {
		j->from_day = p.from_day;
		j->to_day = p.to_day;
		j->a = cal_instant(p.from_day, 0);
		j->b = cal_instant(p.to_day + 1, 0);
		j->now = clock_wall_s();
		snprintf(j->code, sizeof j->code, "%s", p.agency);
	}
	job_start(c->hub, j, hr, r);
}

/* GET /api/v1/hub/report/06a?from=&to=[&format=json|csv|xlsx|html]:
 * Biểu II.06a for the whole province, by field (hubstore_report_fields),
 * rendered by the report feature (route_report_ops). */
void
hub_route_form06a(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct report_args a = { .from = http_query(hr, "from"),
		.to = http_query(hr, "to"),
		.format = http_query(hr, "format") };
	struct report_params p;
	struct hub_job *j;
	char err[256];

	(void)pp;
	if (c->hub == NULL || c->report == NULL) {
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	if (http_query(hr, "agency") != NULL || http_query(hr, "by") != NULL) {
		reply_error(r, 400,
		    http_query(hr, "agency") != NULL ? "agency" : "by",
		    "the province's Biểu II.06a is of every agency, by field");
		return;
	}
	if (report_parse(&a, c->cfg->report_max_days,
	        (1u << RF_JSON) | (1u << RF_CSV) | (1u << RF_XLSX) |
	            (1u << RF_HTML),
	        &p, err, sizeof err) < 0) {
		reply_problem(r, 400, err);
		return;
	}
	if ((j = job_new(c->hub, J_FORM06A, NULL)) != NULL) {
		j->rp = p;
		j->ctx = c;
	}
	job_start(c->hub, j, hr, r);
}

/* The admin route's body, every field checked: status an integer 1..10
 * (never truncated to an int first: 4294967305 is not 9), due_at a Unix
 * time in [TIME_MIN, TIME_MAX], reason text of bounded length. NULL with
 * the field and problem in *field and msg. Caller owns the result. */
static json_t *
status_body(const struct http_request *hr, const char **field, char *msg,
    size_t msglen)
{
	static const char *const names[] = { "status", "due_at", "reason" };
	json_t *body, *st, *due, *rs, *v;
	const char *k;
	json_error_t je;

	*field = "body";
	if (hr->body_len > ADMIN_BODY_MAX) {
		snprintf(msg, msglen, "larger than %d bytes", ADMIN_BODY_MAX);
		return NULL;
	}
	body = json_loadb(hr->body, hr->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(body)) {
		snprintf(msg, msglen,
		    "expected {\"status\": 1..10, \"due_at\": Unix time, "
		    "\"reason\": text}");
		json_decref(body);
		return NULL;
	}
	json_object_foreach(body, k, v) {
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(k, names[i]) == 0)
				break;
		if (i == sizeof names / sizeof names[0]) {
			snprintf(msg, msglen, "%.40s: unknown field", k);
			json_decref(body);
			return NULL;
		}
	}
	st = json_object_get(body, "status");
	due = json_object_get(body, "due_at");
	rs = json_object_get(body, "reason");
	if (!json_is_integer(st) || json_integer_value(st) < 1 ||
	    json_integer_value(st) > 10) {
		*field = "status";
		snprintf(msg, msglen, "must be an integer from 1 to 10");
	} else if (due != NULL && !json_is_null(due) &&
	    (!json_is_integer(due) || json_integer_value(due) < TIME_MIN ||
	        json_integer_value(due) > TIME_MAX)) {
		*field = "due_at";
		snprintf(msg, msglen,
		    "must be a Unix time from %lld (2000) to %lld (2100)",
		    TIME_MIN, TIME_MAX);
	} else if (rs != NULL && !json_is_null(rs) &&
	    (!json_is_string(rs) || json_string_length(rs) >= SP_REASON_MAX ||
	        strlen(json_string_value(rs)) != json_string_length(rs) ||
	        !text_valid(json_string_value(rs), json_string_length(rs)))) {
		*field = "reason";
		snprintf(msg, msglen, "must be UTF-8 text of at most %d bytes",
		    SP_REASON_MAX - 1);
	} else
		return body;
	json_decref(body);
	return NULL;
}

/* POST /api/v1/hub/dossiers/CODE/status {"status", "reason", "due_at"}:
 * a change made upstream, audited once stored. */
void
hub_route_status(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *seg = route_param(pp, "code"), *field;
	char code[DCODE_TEXT_MAX + 1], msg[128];
	size_t len = strlen(seg);
	struct hub_job *j;
	struct dcode d;
	json_t *body, *due, *rs;

	if (c->hub == NULL || len > DCODE_TEXT_MAX ||
	    dcode_parse(seg, len, &d, NULL) != DCODE_OK ||
	    dcode_format(&d, code, sizeof code) < 0) {
		reply_error(r, 404, "path", "no such resource");
		return;
	}
	if ((body = status_body(hr, &field, msg, sizeof msg)) == NULL) {
		reply_error(r, 400, field, msg);
		return;
	}
	if ((j = job_new(c->hub, J_STATUS, NULL)) != NULL) {
		memcpy(j->code, code, sizeof code);
		j->status =
		    (int)json_integer_value(json_object_get(body, "status"));
		due = json_object_get(body, "due_at");
		rs = json_object_get(body, "reason");
		j->a =
		    json_is_integer(due) ? (int64_t)json_integer_value(due) : 0;
		if (json_is_string(rs) &&
		    (j->reason = strdup(json_string_value(rs))) == NULL) {
			job_free(j);
			j = NULL;
		}
		if (j != NULL) {
			request_actor_name(hr, NULL, j->actor, sizeof j->actor);
			j->store = c->store;
		}
	}
	json_decref(body);
	job_start(c->hub, j, hr, r);
}
