/* kiosk_api.c: routes, event streams and limits of the public kiosk. See
 * kiosk_api.h and docs/kiosk.md.
 *
 * Privacy rules kept here: the second factor is parsed into a stack
 * buffer, compared by the store in constant time, wiped, and never
 * logged; a wrong factor and an unknown code get the same reply; logs
 * carry the terminal, the code and the outcome only. Rating and print
 * tickets are sealed with a key that lives in memory only, so the page
 * never holds the dossier code.
 *
 * The office printer answers only kiosks: a ticket names the terminal the
 * lookup was made at (none for a phone opening /l/TOKEN), a slip prints
 * only for a ticket of a configured terminal, from that terminal's
 * address when it is pinned, once per ticket, and at most
 * SLIPS_PER_MINUTE per terminal (docs/kiosk.md). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "core/importrec.h"
#include "lib/clock.h"
#include "core/factor.h"
#include "core/termlist.h"
#include "kiosk/kiosk_api.h"
#include "kiosk/kiosk_json.h"
#include "lib/log.h"
#include "core/ratelimit.h"
#include "core/scantext.h"
#include "core/status.h"
#include "core/textfold.h"
#include "http/reply.h"
#include "http/route.h"
#include "kiosk/lookupview.h"
#include "http/sse.h"

#define STREAM_BUF_MAX 8192 /* bytes queued per event-stream client */
#define STREAMS_MAX    256  /* = the config's bound */
/* Event streams one terminal, and one client address, may hold of the
 * shared max_stream_clients: a page per terminal, with room for a reload
 * whose old connection is not yet seen closed. A terminal pinned to an
 * address opens its own streams outside these shares (sse.h), so no
 * other client can take them (docs/security.md). */
#define STREAMS_PER_TERMINAL 4
#define STREAMS_PER_ADDR     4
#define TICKET_TTL_S         600 /* a rating or print ticket lives 10 min */
/* Codes the per-code limiter remembers: it never forgets a code still
 * owed tokens, so this is also how many codes an attacker must charge
 * before new codes are refused (docs/security.md). */
#define CODE_KEYS_MAX 65536
#define ADDR_KEYS_MAX 4096 /* addresses without a terminal */
#define CATALOGUE_MAX 100  /* procedures in one reply */
/* code, NUL, terminal id ("" for none), NUL, expiry (8 bytes LE) */
#define TICKET_TERM_OFF  (DCODE_TEXT_MAX + 1)
#define TICKET_EXP_OFF   (TICKET_TERM_OFF + TERMLIST_ID_MAX + 1)
#define TICKET_PLAIN_LEN (TICKET_EXP_OFF + 8)
/* Status slips one terminal may print: a person at a kiosk needs one; a
 * queue of people, one each well under a minute apart. */
#define SLIPS_PER_MINUTE 2
#define SLIPS_BURST      3
/* Tickets that have printed, remembered until they expire. The slip rate
 * bounds them: TERMLIST_MAX terminals * (burst + 10 min * rate) = 736,
 * so the table never fills; if it did, slips are refused (fail closed). */
#define SLIPS_SEEN_MAX 1024
#define TICKET_BOX_LEN                                             \
	(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + \
	    TICKET_PLAIN_LEN)
#define TICKET_TEXT_MAX (TICKET_BOX_LEN * 2) /* base64 fits in 4/3 */
_Static_assert(TERMLIST_ID_MAX < SSE_TERMINAL_MAX, "terminal ids fit in sse");

struct term {
	struct termlist_entry t; /* from the config */
	struct ratelimit *rl;    /* owned; one key: failures here */
	struct ratelimit *slips; /* owned; one key: status slips here */
};

/* A ticket that has printed its slip: its nonce, until it expires. */
struct slip_seen {
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	uint64_t exp; /* wall-clock seconds; 0: a free slot */
};

/* Refused and unmatched lookups are logged as the first of each kind in
 * a minute, in full, then one summary line of the rest: under a guessing
 * attack a line each was thousands a second. */
struct logwin {
	uint64_t start_ms; /* the window's first event; 0: none open */
	uint64_t quiet;    /* events since, not logged one by one */
};

struct kiosk {
	uv_loop_t *loop;          /* borrowed */
	struct store *store;      /* borrowed */
	const struct config *cfg; /* borrowed; swapped on reload */
	struct term terms[TERMLIST_MAX];
	size_t nterms;
	struct ratelimit *per_code; /* owned; key: hash of the code */
	struct ratelimit *per_addr; /* owned; lookups with no terminal */
	struct sse_set *streams;    /* owned */
	uv_timer_t heartbeat;
	unsigned char ticket_key[crypto_secretbox_KEYBYTES];
	const struct kiosk_printer_ops *printer; /* NULL: none */
	void *printer_arg;
	/* the test printer (kiosk.test_endpoints only) */
	bool test_printer_up;
	uint64_t test_slips;
	struct slip_seen *slips_seen; /* owned; SLIPS_SEEN_MAX of them */
	/* counters for /metrics */
	uint64_t hits, misses, limited, bad_input, scans, ratings;
	uint64_t slips, slips_refused;
	struct logwin limited_log, miss_log, term_log; /* see log_first */
};

/* --- small helpers --------------------------------------------------- */

static const struct term *
find_term(const struct kiosk *k, const char *id)
{
	for (size_t i = 0; id != NULL && i < k->nterms; i++)
		if (strcmp(k->terms[i].t.id, id) == 0)
			return &k->terms[i];
	return NULL;
}

/* A terminal pinned to an address answers only that address. */
static bool
term_allows(const struct term *t, const struct http_request *hr)
{
	if (t->t.addr_len == 0)
		return true;
	return hr->addr_len == t->t.addr_len &&
	    memcmp(hr->addr, t->t.addr, hr->addr_len) == 0;
}

static void
free_terms(struct kiosk *k)
{
	for (size_t i = 0; i < k->nterms; i++) {
		ratelimit_free(k->terms[i].rl);
		ratelimit_free(k->terms[i].slips);
	}
	k->nterms = 0;
}

/* Builds the terminal table from cfg into k (the old one is freed). */
static int
load_terms(struct kiosk *k, const struct config *cfg)
{
	struct termlist_entry list[TERMLIST_MAX];
	struct term next[TERMLIST_MAX];
	const char *problem;
	size_t n;

	if ((problem = termlist_parse(cfg->kiosk_terminals, list, &n)) !=
	    NULL) {
		log_warnx("kiosk.terminals: %s", problem);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int per_min = list[i].failures_per_minute
		    ? list[i].failures_per_minute
		    : cfg->kiosk_failures_per_minute;

		next[i].t = list[i];
		next[i].rl = NULL;
		next[i].slips = NULL;
		/* a terminal kept across a reload keeps its buckets (below) */
		if (find_term(k, list[i].id) != NULL)
			continue;
		next[i].rl =
		    ratelimit_new(4, per_min, cfg->kiosk_failure_burst);
		next[i].slips = ratelimit_new(4, SLIPS_PER_MINUTE, SLIPS_BURST);
		if (next[i].rl == NULL || next[i].slips == NULL) {
			ratelimit_free(next[i].rl);
			ratelimit_free(next[i].slips);
			while (i-- > 0) {
				ratelimit_free(next[i].rl);
				ratelimit_free(next[i].slips);
			}
			log_warn("kiosk: rate limiter");
			return -1;
		}
	}
	/* New rates, the same tokens: SIGHUP must not hand out fresh
	 * guesses. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; next[i].rl == NULL && j < k->nterms; j++)
			if (strcmp(k->terms[j].t.id, next[i].t.id) == 0) {
				int per_min = next[i].t.failures_per_minute
				    ? next[i].t.failures_per_minute
				    : cfg->kiosk_failures_per_minute;

				next[i].rl = k->terms[j].rl;
				k->terms[j].rl = NULL;
				next[i].slips = k->terms[j].slips;
				k->terms[j].slips = NULL;
				ratelimit_set(next[i].rl, per_min,
				    cfg->kiosk_failure_burst);
			}
	free_terms(k);
	memcpy(k->terms, next, n * sizeof next[0]);
	k->nterms = n;
	return 0;
}

/* --- event streams ---------------------------------------------------- */

static bool
log_first(struct logwin *w, uint64_t now)
{
	if (w->start_ms != 0 && now - w->start_ms < 60 * 1000) {
		w->quiet++;
		return false;
	}
	w->start_ms = now;
	return true;
}

static void
log_summary(struct logwin *w, const char *what, uint64_t now)
{
	if (w->start_ms == 0 || now - w->start_ms < 60 * 1000)
		return;
	if (w->quiet > 0)
		log_info("kiosk: %llu more lookups %s in the last minute",
		    (unsigned long long)w->quiet, what);
	w->start_ms = 0;
	w->quiet = 0;
}

static void
on_heartbeat(uv_timer_t *t)
{
	struct kiosk *k = t->data;

	sse_heartbeat(k->streams);
	log_summary(&k->limited_log, "refused by rate limits", clock_mono_ms());
	log_summary(&k->miss_log, "with no match", clock_mono_ms());
}

static void
route_events(struct kiosk *k, const struct http_request *hr,
    struct http_response *r, const char *id)
{
	const struct term *t = find_term(k, id);

	if (t == NULL) {
		reply_error(r, 404, "terminal", "no such terminal");
		return;
	}
	if (!term_allows(t, hr)) {
		reply_error(r, 403, "terminal",
		    "this terminal's events go to its own address only");
		return;
	}
	/* term_allows passed: a pinned terminal's stream comes from its own
	 * address, and is reserved */
	sse_open_client(k->streams, r, t->t.id, k->cfg->kiosk_heartbeat_s,
	    &(struct sse_client){ .addr = hr->addr,
	        .addr_len = hr->addr_len,
	        .reserved = t->t.addr_len > 0 });
}

int
kiosk_scan(struct kiosk *k, const char *terminal, const void *payload,
    size_t len, long long at_ms)
{
	struct scantext sc;

	if (find_term(k, terminal) == NULL)
		return -1;
	scantext_classify(payload, len, &sc);
	k->scans++;
	log_info("kiosk %s: scan: %s", terminal, scantext_kind_name(sc.kind));
	sse_push(k->streams, terminal, "scan",
	    json_pack("{s:s,s:s,s:I}", "kind", scantext_kind_name(sc.kind),
	        "value", sc.value, "at_ms", (json_int_t)at_ms));
	return 0;
}

/* --- tickets ---------------------------------------------------------- */

/* A sealed (code, terminal, expiry) the page hands back to rate or
 * print; term is NULL for a lookup made at no terminal. */
static void
ticket_make(const struct kiosk *k, const char *code, const char *term,
    char *out, size_t size)
{
	unsigned char plain[TICKET_PLAIN_LEN] = { 0 };
	unsigned char box[TICKET_BOX_LEN];
	uint64_t exp = (uint64_t)time(NULL) + TICKET_TTL_S;

	snprintf((char *)plain, DCODE_TEXT_MAX + 1, "%s", code);
	snprintf((char *)plain + TICKET_TERM_OFF, TERMLIST_ID_MAX + 1, "%s",
	    term ? term : "");
	for (int i = 0; i < 8; i++)
		plain[TICKET_EXP_OFF + i] = (unsigned char)(exp >> (8 * i));
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, plain,
	    sizeof plain, box, k->ticket_key);
	sodium_bin2base64(out, size, box, sizeof box,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* What a genuine, unexpired ticket holds. */
struct ticket {
	char code[DCODE_TEXT_MAX + 1];
	char term[TERMLIST_ID_MAX + 1]; /* "": looked up at no terminal */
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	uint64_t exp;
};

static bool
ticket_open(const struct kiosk *k, const char *text, struct ticket *tk)
{
	unsigned char box[TICKET_BOX_LEN], plain[TICKET_PLAIN_LEN];
	size_t n = 0;
	uint64_t exp = 0;

	if (text == NULL || strlen(text) >= TICKET_TEXT_MAX ||
	    sodium_base642bin(box, sizeof box, text, strlen(text), NULL, &n,
	        NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof box ||
	    crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
	        sizeof box - crypto_secretbox_NONCEBYTES, box,
	        k->ticket_key) != 0)
		return false;
	for (int i = 7; i >= 0; i--)
		exp = exp << 8 | plain[TICKET_EXP_OFF + i];
	if (exp < (uint64_t)time(NULL) || plain[DCODE_TEXT_MAX] != '\0' ||
	    plain[TICKET_EXP_OFF - 1] != '\0')
		return false;
	memcpy(tk->code, plain, sizeof tk->code);
	memcpy(tk->term, plain + TICKET_TERM_OFF, sizeof tk->term);
	memcpy(tk->nonce, box, sizeof tk->nonce);
	tk->exp = exp;
	return true;
}

/* --- the slip's one-per-ticket table ------------------------------------ */

static bool
slip_printed(const struct kiosk *k, const struct ticket *tk)
{
	for (size_t i = 0; i < SLIPS_SEEN_MAX; i++)
		if (k->slips_seen[i].exp != 0 &&
		    sodium_memcmp(k->slips_seen[i].nonce, tk->nonce,
		        sizeof tk->nonce) == 0)
			return true;
	return false;
}

/* Remembers tk as printed, reusing the slot of an expired ticket: false
 * when every slot holds a live one. */
static bool
slip_remember(struct kiosk *k, const struct ticket *tk, uint64_t now_s)
{
	for (size_t i = 0; i < SLIPS_SEEN_MAX; i++) {
		struct slip_seen *e = &k->slips_seen[i];

		if (e->exp == 0 || e->exp < now_s) {
			memcpy(e->nonce, tk->nonce, sizeof e->nonce);
			e->exp = tk->exp;
			return true;
		}
	}
	return false;
}

/* Whether slip_remember has room now, asked before printing. */
static bool
slip_room(const struct kiosk *k, uint64_t now_s)
{
	for (size_t i = 0; i < SLIPS_SEEN_MAX; i++)
		if (k->slips_seen[i].exp == 0 || k->slips_seen[i].exp < now_s)
			return true;
	return false;
}

/* --- the view --------------------------------------------------------- */

static bool
printer_configured(const struct kiosk *k)
{
	return k->printer != NULL;
}

static bool
printer_available(const struct kiosk *k)
{
	return k->printer != NULL && k->printer->available(k->printer_arg);
}

/* The same view as GET /api/v1/lookup/{token}, plus the ticket for the
 * rating (returned dossiers) and, from terminal t, the slip. */
static json_t *
kiosk_view(struct kiosk *k, const struct store_lookup *v, const struct term *t)
{
	char ticket[TICKET_TEXT_MAX];
	json_t *j = lookupview_json(v, clock_wall_s());
	int rating = RATING_NONE;

	if (j == NULL)
		return NULL;
	ticket_make(k, v->code, t ? t->t.id : NULL, ticket, sizeof ticket);
	json_object_set_new(j, "ticket", json_string(ticket));
	if (v->status == ST_RETURNED) {
		store_rating(k->store, v->code, &rating);
		json_object_set_new(j, "rating",
		    json_pack("{s:b,s:o}", "open", rating == RATING_NONE,
		        "given",
		        rating_name(rating) ? json_string(rating_name(rating))
		                            : json_null()));
	} else {
		json_object_set_new(j, "rating", json_null());
	}
	return j;
}

/* --- routes ----------------------------------------------------------- */

static void
route_config(struct kiosk *k, const struct http_request *hr,
    struct http_response *r)
{
	const char *id = http_query(hr, "terminal");
	const struct term *t = id ? find_term(k, id) : NULL;
	char open[32], close[32], prefix[40];

	if (id != NULL && t == NULL) {
		/* A typo in the kiosk's ?terminal= must show up in the log,
		 * once a minute at most (anyone may ask); the id is echoed
		 * only when it could be one, so the log gets no stray text. */
		if (log_first(&k->term_log, clock_mono_ms()))
			log_warnx("kiosk: a page asks for %s%s%s, which "
			          "kiosk.terminals does not list",
			    termlist_id_valid(id) ? "terminal \""
			                          : "a malformed terminal id",
			    termlist_id_valid(id) ? id : "",
			    termlist_id_valid(id) ? "\"" : "");
		reply_error(r, 404, "terminal",
		    "no such terminal: check ?terminal= against "
		    "kiosk.terminals");
		return;
	}
	snprintf(open, sizeof open, "%02d:%02d", k->cfg->open_min / 60,
	    k->cfg->open_min % 60);
	snprintf(close, sizeof close, "%02d:%02d", k->cfg->close_min / 60,
	    k->cfg->close_min % 60);
	snprintf(prefix, sizeof prefix, "%s-", k->cfg->agency_code);
	reply_json(r, 200,
	    json_pack("{s:s,s:s,s:i,s:i,s:o,s:{s:b,s:b},s:i,s:{s:s,s:s},s:s}",
	        "office", k->cfg->office_name, "second_factor",
	        k->cfg->kiosk_factor_phone ? "phone_last4" : "id_last4",
	        "clear_after_s", k->cfg->kiosk_clear_after_s, "heartbeat_s",
	        k->cfg->kiosk_heartbeat_s, "terminal",
	        t ? json_string(t->t.id) : json_null(), "printer", "configured",
	        t != NULL && printer_configured(k), "available",
	        t != NULL && printer_available(k), "factor_digits", FACTOR_LEN,
	        "hours", "open", open, "close", close, "code_prefix", prefix));
}

/* The limiter that counts this request's failures: its terminal's, or its
 * address's when it names none. */
static struct ratelimit *
limiter(struct kiosk *k, const struct term *t, const struct http_request *hr,
    const void **key, size_t *keylen)
{
	if (t != NULL) {
		*key = "t";
		*keylen = 1;
		return t->rl;
	}
	*key = hr->addr;
	*keylen = hr->addr_len;
	return k->per_addr;
}

static void
route_lookup(struct kiosk *k, const struct http_request *hr,
    struct http_response *r)
{
	json_error_t je;
	json_t *body =
	    json_loadb(hr->body, hr->body_len, JSON_REJECT_DUPLICATES, &je);
	const char *code_in = NULL, *factor_in = NULL, *term_in = NULL;
	char code[DCODE_TEXT_MAX + 1], digits[FACTOR_LEN + 1];
	unsigned char code_key[16];
	const struct term *t = NULL;
	struct ratelimit *rl;
	struct store_lookup v;
	const void *key;
	size_t keylen;
	unsigned retry_t = 0, retry_c = 0;
	uint64_t now = clock_mono_ms();
	bool term_ok, code_ok;
	enum store_rc rc;
	enum dcode_err de;

	if (body == NULL || !json_is_object(body) ||
	    json_unpack_ex(body, &je, 0, "{s:s,s:s,s?s}", "code", &code_in,
	        "factor", &factor_in, "terminal", &term_in) != 0) {
		k->bad_input++;
		reply_error(r, 400, "body",
		    "expected {\"code\": \"...\", \"factor\": \"1234\", "
		    "\"terminal\": \"...\"}");
		json_decref(body);
		return;
	}
	if (term_in != NULL &&
	    ((t = find_term(k, term_in)) == NULL || !term_allows(t, hr))) {
		reply_error(r, 400, "terminal",
		    "not a terminal of this office");
		json_decref(body);
		return;
	}
	if ((de = scantext_code_normalise(code_in, strlen(code_in), code)) !=
	    DCODE_OK) {
		k->bad_input++;
		reply_error(r, 400, "code", dcode_strerror(de));
		json_decref(body);
		return;
	}
	if (!factor_parse(factor_in, strlen(factor_in), digits)) {
		k->bad_input++;
		reply_error(r, 400, "factor", "type exactly 4 digits");
		json_decref(body);
		return;
	}
	json_decref(body);
	crypto_generichash(code_key, sizeof code_key, (unsigned char *)code,
	    strlen(code), NULL, 0);
	rl = limiter(k, t, hr, &key, &keylen);
	/* The per-code limiter is asked only once the terminal's or the
	 * address's has let the request through: a request refused earlier
	 * must not touch it (refused lookups once pushed a locked code out
	 * of its table). */
	term_ok = ratelimit_check(rl, key, keylen, now, &retry_t);
	code_ok = term_ok &&
	    ratelimit_check(k->per_code, code_key, sizeof code_key, now,
	        &retry_c);
	if (!term_ok || !code_ok) {
		sodium_memzero(digits, sizeof digits);
		k->limited++;
		r->retry_after_s = term_ok ? retry_c : retry_t;
		if (log_first(&k->limited_log, now))
			log_info("kiosk %s: lookup %s: rate limited",
			    t ? t->t.id : "-", code);
		reply_error(r, 429, "code",
		    "too many wrong attempts; wait, then try again");
		return;
	}
	rc = store_lookup_code(k->store, code,
	    k->cfg->kiosk_factor_phone ? STORE_FACTOR_PHONE : STORE_FACTOR_ID,
	    digits, &v);
	sodium_memzero(digits, sizeof digits);
	if (rc == STORE_OK) {
		k->hits++;
		log_info("kiosk %s: lookup %s: shown", t ? t->t.id : "-", code);
		reply_json(r, 200, kiosk_view(k, &v, t));
		return;
	}
	if (rc != STORE_NOTFOUND) {
		reply_error(r, 500, "", "lookup failed");
		return;
	}
	k->misses++;
	ratelimit_take(rl, key, keylen, now, NULL);
	ratelimit_take(k->per_code, code_key, sizeof code_key, now, NULL);
	if (log_first(&k->miss_log, now))
		log_info("kiosk %s: lookup %s: no match", t ? t->t.id : "-",
		    code);
	/* The same words whether the code exists or not. */
	reply_error(r, 404, "factor",
	    "the code and the digits do not match a dossier");
}

/* A token lookup from the kiosk page (a QR scan, or /l/{token}): the
 * view of GET /api/v1/lookup/{token} plus the tickets. Unknown tokens
 * count against the terminal, or the address, like wrong digits. */
static void
route_token(struct kiosk *k, const struct http_request *hr,
    struct http_response *r, const char *seg)
{
	const char *term_in = http_query(hr, "terminal");
	const struct term *t = term_in ? find_term(k, term_in) : NULL;
	char token[TOKEN_LEN + 1];
	struct store_lookup v;
	struct ratelimit *rl;
	const void *key;
	size_t keylen;
	unsigned retry = 0;
	uint64_t now = clock_mono_ms();
	enum store_rc rc = STORE_NOTFOUND;

	if (term_in != NULL && (t == NULL || !term_allows(t, hr))) {
		reply_error(r, 400, "terminal",
		    "not a terminal of this office");
		return;
	}
	rl = limiter(k, t, hr, &key, &keylen);
	if (!ratelimit_check(rl, key, keylen, now, &retry)) {
		k->limited++;
		if (log_first(&k->limited_log, now))
			log_info("kiosk %s: token lookup: rate limited",
			    t ? t->t.id : "-");
		r->retry_after_s = retry;
		reply_error(r, 429, "token",
		    "too many wrong attempts; wait, then try again");
		return;
	}
	if (token_normalise(seg, strlen(seg), token))
		rc = store_lookup_token(k->store, token, &v);
	if (rc == STORE_OK) {
		k->hits++;
		log_info("kiosk %s: token lookup %s: shown", t ? t->t.id : "-",
		    v.code);
		reply_json(r, 200, kiosk_view(k, &v, t));
		return;
	}
	if (rc != STORE_NOTFOUND) {
		reply_error(r, 500, "", "lookup failed");
		return;
	}
	k->misses++;
	ratelimit_take(rl, key, keylen, now, NULL);
	if (log_first(&k->miss_log, now))
		log_info("kiosk %s: token lookup: no match", t ? t->t.id : "-");
	reply_error(r, 404, "token", "no dossier has this token");
}

static void
route_rating(struct kiosk *k, const struct http_request *hr,
    struct http_response *r)
{
	json_error_t je;
	json_t *body =
	    json_loadb(hr->body, hr->body_len, JSON_REJECT_DUPLICATES, &je);
	const char *ticket = NULL, *rating = NULL, *term_in = NULL;
	char err[STORE_ERR_MAX], source[40];
	struct ticket tk;
	const struct term *t = NULL;
	enum store_rc rc;
	int value;

	if (body == NULL || !json_is_object(body) ||
	    json_unpack_ex(body, &je, 0, "{s:s,s:s,s?s}", "ticket", &ticket,
	        "rating", &rating, "terminal", &term_in) != 0) {
		reply_error(r, 400, "body",
		    "expected {\"ticket\": \"...\", \"rating\": "
		    "\"very_satisfied\" | \"satisfied\" | \"unsatisfied\"}");
		json_decref(body);
		return;
	}
	value = rating_from_name(rating);
	if (term_in != NULL && (t = find_term(k, term_in)) == NULL) {
		reply_error(r, 400, "terminal",
		    "not a terminal of this office");
	} else if (value == RATING_NONE) {
		reply_error(r, 400, "rating",
		    "must be very_satisfied, satisfied or unsatisfied");
	} else if (!ticket_open(k, ticket, &tk)) {
		reply_error(r, 400, "ticket",
		    "expired or not valid: look the dossier up again");
	} else {
		snprintf(source, sizeof source, "%s%s", t ? "kiosk:" : "web",
		    t ? t->t.id : "");
		rc = store_rate(k->store, tk.code, value, source,
		    clock_wall_s(), err);
		if (rc == STORE_OK) {
			k->ratings++;
			log_info("kiosk %s: rating %s: %s", t ? t->t.id : "-",
			    tk.code, rating);
			reply_json(r, 201,
			    json_pack("{s:s}", "rating", rating_name(value)));
		} else if (rc == STORE_CONFLICT) {
			reply_error(r, 409, "rating",
			    "this dossier has been rated already");
		} else if (rc == STORE_INVALID) {
			reply_error(r, 409, "status",
			    "only a returned result can be rated");
		} else {
			reply_error(r, rc == STORE_NOTFOUND ? 404 : 500,
			    "ticket", "cannot record the rating");
		}
	}
	json_decref(body);
}

/* POST /api/v1/kiosk/print: only for a ticket of a lookup made at a
 * configured terminal, from that terminal (its address, when pinned),
 * once per ticket and within the terminal's slip rate: the office printer
 * is not for anyone who opens /l/TOKEN. */
static void
route_print(struct kiosk *k, const struct http_request *hr,
    struct http_response *r)
{
	json_error_t je;
	json_t *body =
	    json_loadb(hr->body, hr->body_len, JSON_REJECT_DUPLICATES, &je);
	const char *ticket = NULL, *term_in = NULL;
	char token[TOKEN_LEN + 1];
	const struct term *t = NULL;
	struct store_lookup v;
	struct ticket tk;
	uint64_t now_s = (uint64_t)time(NULL), now = clock_mono_ms();
	unsigned retry = 0;

	if (body == NULL || !json_is_object(body) ||
	    json_unpack_ex(body, &je, 0, "{s:s,s?s}", "ticket", &ticket,
	        "terminal", &term_in) != 0) {
		reply_error(r, 400, "body",
		    "expected {\"ticket\": \"...\", \"terminal\": \"...\"}");
	} else if (!ticket_open(k, ticket, &tk)) {
		reply_error(r, 400, "ticket",
		    "expired or not valid: look the dossier up again");
	} else if (tk.term[0] == '\0' || (t = find_term(k, tk.term)) == NULL ||
	    (term_in != NULL && strcmp(term_in, tk.term) != 0)) {
		k->slips_refused++;
		reply_error(r, 403, "terminal",
		    "status slips print only for a lookup made at a kiosk "
		    "of this office");
	} else if (!term_allows(t, hr)) {
		k->slips_refused++;
		reply_error(r, 403, "terminal",
		    "this kiosk's slips print from its own address only");
	} else if (!printer_configured(k)) {
		reply_error(r, 404, "printer", "no printer is configured");
	} else if (slip_printed(k, &tk)) {
		k->slips_refused++;
		reply_error(r, 409, "ticket",
		    "this lookup's slip has been printed already");
	} else if (!ratelimit_check(t->slips, "s", 1, now, &retry) ||
	    !slip_room(k, now_s)) {
		k->slips_refused++;
		r->retry_after_s = retry ? retry : 60;
		reply_error(r, 429, "terminal",
		    "too many slips from this kiosk; wait, then try again");
	} else if (!printer_available(k)) {
		r->retry_after_s = 30;
		reply_error(r, 503, "printer", "the printer is not available");
	} else if (store_token(k->store, tk.code, token) != STORE_OK ||
	    store_lookup_token(k->store, token, &v) != STORE_OK) {
		reply_error(r, 400, "ticket",
		    "expired or not valid: look the dossier up again");
	} else if (k->printer->print(k->printer_arg, &v) != 0) {
		r->retry_after_s = 30;
		reply_error(r, 503, "printer", "the printer is not available");
	} else {
		/* printed: the ticket is spent and the slip counted; a
		 * failed print spends neither, so the person may retry */
		slip_remember(k, &tk, now_s);
		ratelimit_take(t->slips, "s", 1, now, NULL);
		k->slips++;
		log_info("kiosk %s: status slip for %s", t->t.id, tk.code);
		reply_json(r, 202, json_pack("{s:b}", "queued", 1));
	}
	json_decref(body);
}

static void
route_catalogue(struct kiosk *k, const struct http_request *hr,
    struct http_response *r)
{
	const char *q = http_query(hr, "q");
	json_t *j;

	if (q != NULL && (strlen(q) > 200 || !text_valid(q, strlen(q)))) {
		reply_error(r, 400, "q", "must be text of at most 200 bytes");
		return;
	}
	if ((j = kiosk_json_procedures(k->store, q, CATALOGUE_MAX)) == NULL) {
		reply_error(r, 500, "", "cannot read the catalogue");
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "procedures", j));
}

/* --- test-only endpoints (kiosk.test_endpoints = true) ----------------- */

static bool
test_printer_available(void *arg)
{
	return ((struct kiosk *)arg)->test_printer_up;
}

static int
test_printer_print(void *arg, const struct store_lookup *v)
{
	struct kiosk *k = arg;

	(void)v;
	if (!k->test_printer_up) {
		errno = EIO;
		return -1;
	}
	k->test_slips++;
	return 0;
}

static const struct kiosk_printer_ops test_printer = { test_printer_available,
	test_printer_print };

static void
route_test(struct kiosk *k, const struct http_request *hr,
    struct http_response *r, const char *rest)
{
	char id[TERMLIST_ID_MAX + 2];
	const char *tail;
	size_t n;

	if (strcmp(rest, "printer") == 0) {
		json_t *b = json_loadb(hr->body, hr->body_len, 0, NULL);
		int configured = 0, available = 0;

		if (b == NULL ||
		    json_unpack(b, "{s:b,s:b}", "configured", &configured,
		        "available", &available) != 0) {
			reply_error(r, 400, "body",
			    "expected {\"configured\": bool, \"available\": "
			    "bool}");
		} else {
			kiosk_set_printer(k, configured ? &test_printer : NULL,
			    k);
			k->test_printer_up = available;
			reply_json(r, 200,
			    json_pack("{s:b,s:b,s:I}", "configured", configured,
			        "available", available, "slips",
			        (json_int_t)k->test_slips));
		}
		json_decref(b);
		return;
	}
	/* terminals/{id}/scan: the body is the raw scanner payload */
	if (strncmp(rest, "terminals/", 10) == 0 &&
	    (tail = strchr(rest + 10, '/')) != NULL &&
	    strcmp(tail, "/scan") == 0 &&
	    (n = (size_t)(tail - rest - 10)) > 0 && n <= TERMLIST_ID_MAX) {
		long long at = clock_wall_ms();

		memcpy(id, rest + 10, n);
		id[n] = '\0';
		if (hr->body_len > SCANTEXT_MAX) {
			reply_error(r, 413, "body",
			    "a scan is at most 512 bytes");
		} else if (kiosk_scan(k, id, hr->body, hr->body_len, at) < 0) {
			reply_error(r, 404, "terminal", "no such terminal");
		} else {
			reply_json(r, 202,
			    json_pack("{s:I,s:i}", "at_ms", (json_int_t)at,
			        "streams", (int)sse_count(k->streams, NULL)));
		}
		return;
	}
	reply_error(r, 404, "path", "no such resource");
}

/* --- assets --------------------------------------------------------------- */

/* daemon/kiosk/kiosk_assets.S */
extern const char kiosk_js[], kiosk_js_end[], kiosk_css[], kiosk_css_end[];
extern const char font_regular[], font_regular_end[], font_bold[],
    font_bold_end[];

static const struct asset {
	const char *path, *type;
	const char *start, *end;
} assets[] = {
	{ "/kiosk.js", "text/javascript; charset=utf-8", kiosk_js,
	    kiosk_js_end },
	{ "/kiosk.css", "text/css; charset=utf-8", kiosk_css, kiosk_css_end },
	{ "/fonts/DejaVuSans.ttf", "font/ttf", font_regular, font_regular_end },
	{ "/fonts/DejaVuSans-Bold.ttf", "font/ttf", font_bold, font_bold_end },
};

static bool
route_asset(const char *path, struct http_response *r)
{
	for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++) {
		if (strcmp(path, assets[i].path) == 0) {
			r->static_body = assets[i].start;
			r->len = (size_t)(assets[i].end - assets[i].start);
			r->content_type = assets[i].type;
			return true;
		}
	}
	return false;
}

/* --- route handlers (the table is daemon/routes.c) ---------------------- */

void
kiosk_route_asset(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)c;
	(void)pp;
	if (!route_asset(hr->path, r))
		reply_error(r, 404, "path", "no such resource");
}

void
kiosk_route_config(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_config(c->kiosk, hr, r);
}

void
kiosk_route_lookup(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_lookup(c->kiosk, hr, r);
}

void
kiosk_route_token(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	if (strlen(pp->rest) > 64) /* no token is as long: no such route */
		reply_error(r, 404, "path", "no such resource");
	else
		route_token(c->kiosk, hr, r, pp->rest);
}

void
kiosk_route_rating(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_rating(c->kiosk, hr, r);
}

void
kiosk_route_print(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_print(c->kiosk, hr, r);
}

void
kiosk_route_catalogue(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_catalogue(c->kiosk, hr, r);
}

void
kiosk_route_events(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *id = route_param(pp, "id");

	if (strlen(id) > TERMLIST_ID_MAX)
		reply_error(r, 404, "terminal", "no such terminal");
	else
		route_events(c->kiosk, hr, r, id);
}

void
kiosk_route_test(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	/* off unless the config says so: then no such route at all */
	if (!c->kiosk->cfg->kiosk_test_endpoints)
		reply_error(r, 404, "path", "no such resource");
	else
		route_test(c->kiosk, hr, r, pp->rest);
}

/* --- life --------------------------------------------------------------- */

struct kiosk *
kiosk_new(uv_loop_t *loop, struct store *st, const struct config *cfg)
{
	struct kiosk *k = calloc(1, sizeof *k);

	if (k == NULL) {
		log_warn("kiosk");
		return NULL;
	}
	k->loop = loop;
	k->store = st;
	k->cfg = cfg;
	k->per_code = ratelimit_new(CODE_KEYS_MAX,
	    cfg->kiosk_code_failures_per_hour / 60.0,
	    cfg->kiosk_code_failures_per_hour);
	k->per_addr = ratelimit_new(ADDR_KEYS_MAX,
	    cfg->kiosk_failures_per_minute, cfg->kiosk_failure_burst);
	k->streams = sse_new("kiosk", STREAMS_MAX, STREAM_BUF_MAX);
	k->slips_seen = calloc(SLIPS_SEEN_MAX, sizeof k->slips_seen[0]);
	if (k->per_code == NULL || k->per_addr == NULL || k->streams == NULL ||
	    k->slips_seen == NULL || load_terms(k, cfg) < 0) {
		ratelimit_free(k->per_code);
		ratelimit_free(k->per_addr);
		sse_free(k->streams);
		free(k->slips_seen);
		free(k);
		return NULL;
	}
	sse_set_max_clients(k->streams, (size_t)cfg->kiosk_max_stream_clients);
	sse_set_caps(k->streams, STREAMS_PER_TERMINAL, STREAMS_PER_ADDR);
	crypto_secretbox_keygen(k->ticket_key);
	uv_timer_init(loop, &k->heartbeat);
	k->heartbeat.data = k;
	uv_timer_start(&k->heartbeat, on_heartbeat,
	    (uint64_t)cfg->kiosk_heartbeat_s * 1000,
	    (uint64_t)cfg->kiosk_heartbeat_s * 1000);
	if (cfg->kiosk_test_endpoints)
		log_warnx("kiosk.test_endpoints is on: TEST ONLY, anyone can "
		          "inject scans; never enable it in an office");
	return k;
}

static bool
term_known(void *arg, const char *id)
{
	return find_term(arg, id) != NULL;
}

int
kiosk_set_config(struct kiosk *k, const struct config *cfg)
{
	if (load_terms(k, cfg) < 0)
		return -1;
	k->cfg = cfg;
	ratelimit_set(k->per_code, cfg->kiosk_code_failures_per_hour / 60.0,
	    cfg->kiosk_code_failures_per_hour);
	ratelimit_set(k->per_addr, cfg->kiosk_failures_per_minute,
	    cfg->kiosk_failure_burst);
	uv_timer_start(&k->heartbeat, on_heartbeat,
	    (uint64_t)cfg->kiosk_heartbeat_s * 1000,
	    (uint64_t)cfg->kiosk_heartbeat_s * 1000);
	sse_set_max_clients(k->streams, (size_t)cfg->kiosk_max_stream_clients);
	sse_end_unless(k->streams, term_known, k);
	return 0;
}

void
kiosk_shutdown(struct kiosk *k)
{
	if (k == NULL)
		return;
	uv_timer_stop(&k->heartbeat);
	sse_end_all(k->streams);
}

static void
on_closed(uv_handle_t *h)
{
	struct kiosk *k = h->data;

	free_terms(k);
	ratelimit_free(k->per_code);
	ratelimit_free(k->per_addr);
	sse_free(k->streams);
	free(k->slips_seen);
	sodium_memzero(k->ticket_key, sizeof k->ticket_key);
	free(k);
}

void
kiosk_free(struct kiosk *k)
{
	if (k == NULL)
		return;
	/* Streams still listed belong to connections MHD has closed by now
	 * (http_free ran first); their done callbacks have run. */
	uv_close((uv_handle_t *)&k->heartbeat, on_closed);
}

void
kiosk_set_printer(struct kiosk *k, const struct kiosk_printer_ops *ops,
    void *arg)
{
	k->printer = ops;
	k->printer_arg = arg;
}

void
kiosk_metrics(const struct kiosk *k, FILE *f)
{
	fprintf(f,
	    "# HELP motcua_kiosk_lookups_total Kiosk code + digits lookups "
	    "by outcome.\n"
	    "# TYPE motcua_kiosk_lookups_total counter\n"
	    "motcua_kiosk_lookups_total{outcome=\"shown\"} %llu\n"
	    "motcua_kiosk_lookups_total{outcome=\"no_match\"} %llu\n"
	    "motcua_kiosk_lookups_total{outcome=\"rate_limited\"} %llu\n"
	    "motcua_kiosk_lookups_total{outcome=\"bad_input\"} %llu\n"
	    "# HELP motcua_kiosk_scans_total Scans received from terminals.\n"
	    "# TYPE motcua_kiosk_scans_total counter\n"
	    "motcua_kiosk_scans_total %llu\n"
	    "# HELP motcua_kiosk_ratings_total Satisfaction ratings given.\n"
	    "# TYPE motcua_kiosk_ratings_total counter\n"
	    "motcua_kiosk_ratings_total %llu\n"
	    "# HELP motcua_kiosk_slips_total Status slips by outcome.\n"
	    "# TYPE motcua_kiosk_slips_total counter\n"
	    "motcua_kiosk_slips_total{outcome=\"queued\"} %llu\n"
	    "motcua_kiosk_slips_total{outcome=\"refused\"} %llu\n"
	    "# HELP motcua_kiosk_stream_dropped_total Event-stream clients "
	    "dropped as too slow.\n"
	    "# TYPE motcua_kiosk_stream_dropped_total counter\n"
	    "motcua_kiosk_stream_dropped_total %llu\n"
	    "# HELP motcua_kiosk_streams Event streams open.\n"
	    "# TYPE motcua_kiosk_streams gauge\n"
	    "motcua_kiosk_streams %zu\n",
	    (unsigned long long)k->hits, (unsigned long long)k->misses,
	    (unsigned long long)k->limited, (unsigned long long)k->bad_input,
	    (unsigned long long)k->scans, (unsigned long long)k->ratings,
	    (unsigned long long)k->slips, (unsigned long long)k->slips_refused,
	    (unsigned long long)sse_dropped(k->streams),
	    sse_count(k->streams, NULL));
}
