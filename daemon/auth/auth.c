/* auth.c: staff accounts, sessions, bearer tokens and sign-in lockout.
 * See auth.h and docs/security.md. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>
#include <uv.h>

#include "auth/auth.h"
#include "lib/clock.h"
#include "auth/auth_json.h"
#include "auth/lockout.h"
#include "core/role.h"
#include "core/calendar.h"
#include "lib/log.h"
#include "core/textfold.h"
#include "auth/pwpolicy.h"
#include "http/reply.h"
#include "store/storerc.h"

/* argon2id cost: libsodium's "interactive" limits, about 0.1 s and 64 MiB
 * on one core of a small box. At most HASH_PARALLEL hashes run at once
 * (one per core of the 2-core appliance; 128 MiB at worst), HASH_QUEUE
 * wait; beyond that a sign-in is answered 503 with Retry-After. */
#define HASH_OPS      crypto_pwhash_OPSLIMIT_INTERACTIVE
#define HASH_MEM      crypto_pwhash_MEMLIMIT_INTERACTIVE
#define HASH_PARALLEL 2
#define HASH_QUEUE    64
/* Sign-ins one address may have waiting or hashing at once: a flood from
 * fewer than HASH_QUEUE addresses cannot take every slot, and a queue of
 * one job per address is served in turn (docs/security.md). */
#define HASH_PER_ADDR 1
#define PASSWORD_MAX  1024 /* bytes */
/* Bearer tokens live TOKEN_DAYS_DEFAULT days unless the admin asks for
 * 1 to TOKEN_DAYS_MAX: a leaked token ends on its own within a year. */
#define TOKEN_DAYS_DEFAULT 90
#define TOKEN_DAYS_MAX     365
#define LOCK_TABLE         4096 /* user names and addresses tracked, each */
#define TOUCH_EVERY_S      60   /* last_seen is written at most this often */
#define AUDIT_LIST_MAX     100000
#define CSRF_HEADER        "X-CSRF-Token"

enum job_kind { JOB_LOGIN, JOB_USER_ADD, JOB_PASSWD };

struct job {
	uv_work_t work;
	struct auth *au;
	struct http_pending *p; /* NULL once answered (auth_shutdown) */
	enum job_kind kind;
	char name[STORE_USER_NAME_MAX + 1];
	char role[16];
	char post_office[ACTOR_POST_OFFICE_MAX]; /* JOB_USER_ADD */
	char actor[ACTOR_NAME_MAX];
	char *password; /* owned; wiped and freed after hashing */
	size_t pwlen;
	/* JOB_LOGIN: the stored hash in, a rehash out; else the new hash */
	char hash[crypto_pwhash_STRBYTES];
	char newhash[crypto_pwhash_STRBYTES];
	bool found, disabled, ok, rehash;
	int64_t user_id;
	unsigned char addr[16];
	size_t addr_len;
	bool clean;       /* its address had no recent failure (submit) */
	struct job *next; /* waiting queue */
};

struct auth {
	uv_loop_t *loop;          /* borrowed */
	struct store *store;      /* borrowed */
	const struct config *cfg; /* borrowed; swapped on reload */
	bool tls;
	struct lockout *by_user, *by_addr; /* owned */
	struct job *wait_head, *wait_tail; /* owned: not yet started */
	struct job *run[HASH_PARALLEL];    /* owned: hashing now */
	unsigned waiting, running;
	bool stopping;
	unsigned char salt[crypto_pwhash_SALTBYTES]; /* unknown users */
	/* for /metrics */
	uint64_t logins_ok, logins_failed, logins_locked, logins_busy;
};

extern const char staff_login_html[], staff_login_html_end[];
extern const char staff_login_js[], staff_login_js_end[];
extern const char staff_login_css[], staff_login_css_end[];

static void
addr_text(const unsigned char *addr, size_t len, char out[64])
{
	if (len == 4)
		inet_ntop(AF_INET, addr, out, 64);
	else if (len == 16)
		inet_ntop(AF_INET6, addr, out, 64);
	else
		snprintf(out, 64, "local");
}

static void
audit(struct auth *au, const char *actor, const char *action,
    const char *object, const char *detail)
{
	if (store_audit(au->store, actor, action, object, detail) != STORE_OK)
		log_warnx("auth: cannot write the audit row for %s", action);
}

/* A user name: 1..63 of [A-Za-z0-9._@-]. Plain names keep the audit
 * log, the lockout keys and the URLs of /api/v1/users/{name} simple, and
 * a text with spaces (a full name) is no account name. */
static bool
name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > STORE_USER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '-' || c == '@'))
			return false;
	}
	return true;
}

/* --- life ------------------------------------------------------------ */

struct auth *
auth_new(uv_loop_t *loop, struct store *st, const struct config *cfg, bool tls)
{
	struct auth *au = calloc(1, sizeof *au);

	if (au == NULL)
		return NULL;
	au->loop = loop;
	au->store = st;
	au->cfg = cfg;
	au->tls = tls;
	au->by_user = lockout_new(LOCK_TABLE);
	au->by_addr = lockout_new(LOCK_TABLE);
	if (au->by_user == NULL || au->by_addr == NULL) {
		auth_free(au);
		return NULL;
	}
	randombytes_buf(au->salt, sizeof au->salt);
	return au;
}

void
auth_set_config(struct auth *au, const struct config *cfg)
{
	if (au != NULL)
		au->cfg = cfg;
}

static void
job_free(struct job *j)
{
	if (j->password != NULL) {
		sodium_memzero(j->password, j->pwlen);
		free(j->password);
	}
	sodium_memzero(j->hash, sizeof j->hash);
	sodium_memzero(j->newhash, sizeof j->newhash);
	free(j);
}

static void
answer(struct job *j, struct http_response *r)
{
	if (j->p != NULL)
		http_pending_reply(j->p, r);
	else
		free(r->body), free(r->headers);
	j->p = NULL;
}

void
auth_shutdown(struct auth *au)
{
	struct job *j, *next;
	struct http_response r = { 0 };

	if (au == NULL)
		return;
	au->stopping = true;
	for (j = au->wait_head; j != NULL; j = next) {
		next = j->next;
		r = (struct http_response){ 0 };
		reply_error(&r, 503, "", "the daemon is stopping");
		answer(j, &r);
		job_free(j);
	}
	au->wait_head = au->wait_tail = NULL;
	au->waiting = 0;
	/* running jobs: answered now, freed when their hash ends */
	for (size_t i = 0; i < HASH_PARALLEL; i++)
		if (au->run[i] != NULL) {
			r = (struct http_response){ 0 };
			reply_error(&r, 503, "", "the daemon is stopping");
			answer(au->run[i], &r);
		}
}

void
auth_free(struct auth *au)
{
	if (au == NULL)
		return;
	if (au->running > 0) {
		/* cannot happen after uv_run returned (a queued work keeps
		 * the loop alive); were a hash still running, its after_work
		 * would need au, so keeping it is the safe choice */
		return;
	}
	lockout_free(au->by_user);
	lockout_free(au->by_addr);
	free(au);
}

/* --- hashing off the loop -------------------------------------------- */

static void
on_work(uv_work_t *w)
{
	struct job *j = w->data;
	unsigned char out[32];

	switch (j->kind) {
	case JOB_LOGIN:
		if (j->found) {
			j->ok = crypto_pwhash_str_verify(j->hash, j->password,
			            j->pwlen) == 0;
			if (j->ok &&
			    crypto_pwhash_str_needs_rehash(j->hash, HASH_OPS,
			        HASH_MEM) != 0)
				j->rehash =
				    crypto_pwhash_str(j->newhash, j->password,
				        j->pwlen, HASH_OPS, HASH_MEM) == 0;
		} else {
			/* the same work for a name that does not exist: the
			 * answer's timing does not tell names apart */
			if (crypto_pwhash(out, sizeof out, j->password,
			        j->pwlen, j->au->salt, HASH_OPS, HASH_MEM,
			        crypto_pwhash_ALG_ARGON2ID13) != 0)
				log_debug("auth: hashing for an unknown name");
			j->ok = false;
		}
		break;
	case JOB_USER_ADD:
	case JOB_PASSWD:
		j->ok = crypto_pwhash_str(j->newhash, j->password, j->pwlen,
		            HASH_OPS, HASH_MEM) == 0;
		break;
	}
	sodium_memzero(j->password, j->pwlen);
}

static void after_work(uv_work_t *, int);

static void
start_next(struct auth *au)
{
	while (au->running < HASH_PARALLEL && au->wait_head != NULL) {
		struct job *j = au->wait_head;

		au->wait_head = j->next;
		if (au->wait_head == NULL)
			au->wait_tail = NULL;
		au->waiting--;
		j->next = NULL;
		j->work.data = j;
		if (uv_queue_work(au->loop, &j->work, on_work, after_work) !=
		    0) {
			struct http_response r = { 0 };

			reply_error(&r, 500, "", "cannot start hashing");
			answer(j, &r);
			job_free(j);
			continue;
		}
		au->running++;
		for (size_t i = 0; i < HASH_PARALLEL; i++)
			if (au->run[i] == NULL) {
				au->run[i] = j;
				break;
			}
	}
}

static bool
same_addr(const struct job *a, const struct job *b)
{
	return a->addr_len == b->addr_len &&
	    memcmp(a->addr, b->addr, a->addr_len) == 0;
}

/* Jobs of j's address waiting or hashing. */
static unsigned
inflight(const struct auth *au, const struct job *j)
{
	unsigned n = 0;

	for (const struct job *w = au->wait_head; w != NULL; w = w->next)
		n += same_addr(w, j);
	for (size_t i = 0; i < HASH_PARALLEL; i++)
		n += au->run[i] != NULL && same_addr(au->run[i], j);
	return n;
}

static void
busy(struct auth *au, struct http_response *r, const char *why)
{
	au->logins_busy++;
	r->retry_after_s = 1;
	reply_error(r, 503, "", why);
}

/* Queues j (taken) and defers the request; false (j freed, the reply in
 * r) when it cannot wait.
 *
 * Argon2 is the daemon's costliest work, so who waits for it is rationed:
 * an address has at most HASH_PER_ADDR sign-ins in flight, and those in
 * flight count as failures against its lockout before they hash (a flood
 * is locked out after its threshold, not after the hashes it queued).
 * Sign-ins from addresses with no recent failure ("clean") queue ahead of
 * the others, and when the queue is full a clean one takes the place of
 * the newest from a failing address: a real sign-in gets through a flood
 * unless the flood comes from more clean addresses than the queue holds.
 * Account changes (JOB_USER_ADD, JOB_PASSWD) come from signed-in admins
 * and queue as clean. */
static bool
submit(struct auth *au, struct job *j, const struct http_request *hr,
    struct http_response *r)
{
	const struct config *c = au->cfg;
	uint64_t max_ms = (uint64_t)c->lockout_max_s * 1000;
	unsigned failures = 0, n = inflight(au, j);
	struct job **at, *prev = NULL, *last_dirty = NULL, *before = NULL;
	bool clean = true;

	if (au->stopping) {
		job_free(j);
		busy(au, r, "the daemon is stopping");
		return false;
	}
	if (j->kind == JOB_LOGIN) {
		failures = lockout_failures(au->by_addr, j->addr, j->addr_len,
		    clock_mono_ms(), max_ms);
		clean = failures == 0 && n == 0;
		if (n >= HASH_PER_ADDR) {
			job_free(j);
			busy(au, r,
			    "too many sign-ins from this address at "
			    "once; try again");
			return false;
		}
		if (failures + n >= (unsigned)c->lockout_addr_failures) {
			job_free(j);
			au->logins_locked++;
			r->retry_after_s = 1;
			reply_error(r, 429, "user",
			    "too many failed sign-ins; wait and try again");
			return false;
		}
	}
	for (struct job *w = au->wait_head; w != NULL; w = w->next)
		if (!w->clean) {
			last_dirty = w;
			if (before == NULL)
				before = w;
		}
	if (au->waiting >= HASH_QUEUE) {
		if (!clean || last_dirty == NULL) {
			job_free(j);
			busy(au, r, "too many sign-ins at once; try again");
			return false;
		}
		/* the newest waiting sign-in from a failing address goes */
		for (at = &au->wait_head; *at != last_dirty; at = &(*at)->next)
			prev = *at;
		*at = last_dirty->next;
		if (au->wait_tail == last_dirty)
			au->wait_tail = prev;
		au->waiting--;
		if (before == last_dirty)
			before = NULL;
		{
			struct http_response rr = { 0 };

			busy(au, &rr, "too many sign-ins at once; try again");
			answer(last_dirty, &rr);
			job_free(last_dirty);
		}
		if (before == NULL)
			for (struct job *w = au->wait_head; w != NULL;
			     w = w->next)
				if (!w->clean) {
					before = w;
					break;
				}
	}
	j->au = au;
	j->clean = clean;
	j->p = http_defer(hr);
	if (clean && before != NULL) { /* ahead of the failing addresses */
		for (at = &au->wait_head; *at != before; at = &(*at)->next)
			;
		j->next = before;
		*at = j;
	} else {
		if (au->wait_tail != NULL)
			au->wait_tail->next = j;
		else
			au->wait_head = j;
		au->wait_tail = j;
	}
	au->waiting++;
	start_next(au);
	return true;
}

static struct job *
job_new(enum job_kind kind, const char *password)
{
	struct job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->kind = kind;
	j->pwlen = strlen(password);
	if ((j->password = malloc(j->pwlen + 1)) == NULL) {
		free(j);
		return NULL;
	}
	memcpy(j->password, password, j->pwlen + 1);
	return j;
}

/* --- sessions -------------------------------------------------------- */

static void
hash32(const unsigned char *in, size_t len, unsigned char out[32])
{
	crypto_generichash(out, 32, in, len, NULL, 0);
}

static void add_header(struct http_response *r, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
add_header(struct http_response *r, const char *fmt, ...)
{
	char line[512], *nb;
	size_t old = r->headers ? strlen(r->headers) : 0, n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	n = strlen(line);
	if ((nb = realloc(r->headers, old + n + 2)) == NULL)
		return;
	memcpy(nb + old, line, n);
	nb[old + n] = '\n';
	nb[old + n + 1] = '\0';
	r->headers = nb;
}

static void
set_cookie(struct auth *au, struct http_response *r, const char *value,
    long max_age)
{
	add_header(r,
	    "Set-Cookie: " AUTH_COOKIE
	    "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s",
	    value, max_age, au->tls ? "; Secure" : "");
}

static json_t *
session_json(const char *user, const char *role, const char *csrf)
{
	return json_pack("{s:s,s:s,s:s?}", "user", user, "role", role, "csrf",
	    csrf);
}

static void
lock_keys(const struct job *j, char *ukey, size_t usize)
{
	snprintf(ukey, usize, "u:%s", j->name);
}

/* A failed sign-in: counts it for the user and the address, audits it,
 * and audits a lock when this failure starts one. */
static void
login_failed(struct auth *au, struct job *j)
{
	const struct config *c = au->cfg;
	char ukey[STORE_USER_NAME_MAX + 3], ip[64], detail[128];
	uint64_t now = clock_mono_ms(), du, da;

	au->logins_failed++;
	lock_keys(j, ukey, sizeof ukey);
	addr_text(j->addr, j->addr_len, ip);
	du = lockout_fail(au->by_user, ukey, strlen(ukey), now,
	    (unsigned)c->lockout_user_failures,
	    (uint64_t)c->lockout_base_s * 1000,
	    (uint64_t)c->lockout_max_s * 1000);
	da = lockout_fail(au->by_addr, j->addr, j->addr_len, now,
	    (unsigned)c->lockout_addr_failures,
	    (uint64_t)c->lockout_base_s * 1000,
	    (uint64_t)c->lockout_max_s * 1000);
	/* a name that is no account is not written down: it may be a
	 * password typed into the wrong box */
	snprintf(detail, sizeof detail, "from %s", ip);
	audit(au, "anonymous", "login_failed",
	    j->found ? j->name : "(unknown user)", detail);
	log_info("auth: failed sign-in%s%s from %s", j->found ? " of " : "",
	    j->found ? j->name : "", ip);
	if (du > 0) {
		snprintf(detail, sizeof detail, "user locked for %llu s",
		    (unsigned long long)((du + 999) / 1000));
		audit(au, "system", "lockout",
		    j->found ? j->name : "(unknown user)", detail);
	}
	if (da > 0) {
		snprintf(detail, sizeof detail, "address locked for %llu s",
		    (unsigned long long)((da + 999) / 1000));
		audit(au, "system", "lockout", ip, detail);
	}
}

static void
login_done(struct auth *au, struct job *j, struct http_response *r)
{
	const struct config *c = au->cfg;
	unsigned char id[AUTH_SECRET_BYTES], idh[32], cs[AUTH_SECRET_BYTES];
	char idtext[AUTH_B64_LEN + 1], csrf[AUTH_B64_LEN + 1], ip[64];
	char ukey[STORE_USER_NAME_MAX + 3], detail[96], err[STORE_ERR_MAX];
	int64_t now = clock_wall_s();

	if (!j->ok) {
		login_failed(au, j);
		reply_error(r, 401, "password", "wrong user name or password");
		return;
	}
	if (j->disabled) {
		audit(au, j->name, "login_refused", j->name,
		    "the account is disabled");
		reply_error(r, 403, "user", "this account is disabled");
		return;
	}
	if (j->rehash &&
	    store_user_set_hash(au->store, j->name, j->newhash, NULL, err) !=
	        STORE_OK)
		log_warnx("auth: rehash of %s: %s", j->name, err);
	randombytes_buf(id, sizeof id);
	randombytes_buf(cs, sizeof cs);
	hash32(id, sizeof id, idh);
	authhdr_b64_encode(id, idtext);
	authhdr_b64_encode(cs, csrf);
	sodium_memzero(id, sizeof id);
	addr_text(j->addr, j->addr_len, ip);
	store_sessions_prune(au->store, now, c->session_idle_s);
	if (store_session_add(au->store, idh, j->user_id, csrf, now,
	        now + c->session_max_s, ip) != STORE_OK) {
		reply_error(r, 500, "", "cannot store the session");
		return;
	}
	lock_keys(j, ukey, sizeof ukey);
	lockout_reset(au->by_user, ukey, strlen(ukey));
	lockout_reset(au->by_addr, j->addr, j->addr_len);
	snprintf(detail, sizeof detail, "session from %s", ip);
	audit(au, j->name, "login", j->name, detail);
	log_info("auth: %s (%s) signed in from %s", j->name, j->role, ip);
	au->logins_ok++;
	reply_json(r, 200, session_json(j->name, j->role, csrf));
	set_cookie(au, r, idtext, (long)c->session_max_s);
	sodium_memzero(idtext, sizeof idtext);
}

static void
user_hash_done(struct auth *au, struct job *j, struct http_response *r)
{
	char err[STORE_ERR_MAX];
	enum store_rc rc;

	if (!j->ok) {
		reply_error(r, 500, "", "hashing the password failed");
		return;
	}
	if (j->kind == JOB_USER_ADD)
		rc = store_user_add(au->store, j->name, j->role, j->post_office,
		    j->newhash, j->actor, err);
	else
		rc = store_user_set_hash(au->store, j->name, j->newhash,
		    j->actor, err);
	if (rc != STORE_OK) {
		static const int status[] = { [STORE_OK] = 200,
			[STORE_NOTFOUND] = 404,
			[STORE_INVALID] = 400,
			[STORE_CONFLICT] = 409,
			[STORE_FULL] = 507,
			[STORE_ERROR] = 500 };
		const char *colon = strstr(err, ": ");

		if (colon != NULL && strncmp(err, "name", 4) == 0)
			reply_error(r, status[rc], "name", colon + 2);
		else if (colon != NULL && strncmp(err, "post_office", 11) == 0)
			reply_error(r, status[rc], "post_office", colon + 2);
		else
			reply_error(r, status[rc], "", err);
		return;
	}
	log_info("auth: user %s %s by %s", j->name,
	    j->kind == JOB_USER_ADD ? "added" : "has a new password", j->actor);
	if (j->kind == JOB_USER_ADD)
		reply_json(r, 201,
		    json_pack("{s:s,s:s,s:s}", "name", j->name, "role", j->role,
		        "post_office", j->post_office));
	else
		reply_json(r, 200,
		    json_pack("{s:s,s:b}", "name", j->name, "changed", 1));
}

static void
after_work(uv_work_t *w, int status)
{
	struct job *j = w->data;
	struct auth *au = j->au;
	struct http_response r = { 0 };

	au->running--;
	for (size_t i = 0; i < HASH_PARALLEL; i++)
		if (au->run[i] == j)
			au->run[i] = NULL;
	if (au->stopping || status != 0) {
		reply_error(&r, 503, "", "the daemon is stopping");
		answer(j, &r);
	} else {
		if (j->kind == JOB_LOGIN)
			login_done(au, j, &r);
		else
			user_hash_done(au, j, &r);
		answer(j, &r);
	}
	job_free(j);
	if (!au->stopping)
		start_next(au);
}

/* --- /api/v1/session -------------------------------------------------- */

static json_t *
body_object(const struct http_request *hr, struct http_response *r)
{
	json_error_t je;
	json_t *o;

	if (hr->body_len == 0) {
		reply_error(r, 400, "body", "a JSON object is required");
		return NULL;
	}
	o = json_loadb(hr->body, hr->body_len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		reply_error(r, 400, "body", "must be a JSON object");
		return NULL;
	}
	return o;
}

/* A string member of at most max bytes; required ones must not be
 * empty. NULL (with the reply in r) when wrong or absent and required. */
static const char *
member(json_t *o, const char *key, bool required, size_t max,
    struct http_response *r, bool *bad)
{
	json_t *v = json_object_get(o, key);
	char msg[64];

	if (v == NULL || json_is_null(v)) {
		if (required) {
			reply_error(r, 400, key, "is required");
			*bad = true;
		}
		return NULL;
	}
	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, sizeof msg,
		    "must be a string of at most %zu bytes", max);
		reply_error(r, 400, key, msg);
		*bad = true;
		return NULL;
	}
	if (required && json_string_length(v) == 0) {
		reply_error(r, 400, key, "must not be empty");
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

static void
session_login(struct auth *au, const struct http_request *hr,
    struct http_response *r)
{
	const char *ct = http_header(hr, "Content-Type");
	json_t *o;
	const char *user, *password;
	char ukey[STORE_USER_NAME_MAX + 3];
	struct store_user u;
	struct job *j;
	unsigned retry = 0, retry2 = 0;
	uint64_t now = clock_mono_ms();
	bool bad = false, lu, la;

	/* A page elsewhere can post a form (text/plain) here but not JSON
	 * without a CORS preflight, which is never granted: no sign-in
	 * into someone else's account from another site. */
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
		reply_error(r, 415, "Content-Type", "must be application/json");
		return;
	}
	if ((o = body_object(hr, r)) == NULL)
		return;
	user = member(o, "user", true, STORE_USER_NAME_MAX, r, &bad);
	password =
	    bad ? NULL : member(o, "password", true, PASSWORD_MAX, r, &bad);
	if (bad) {
		json_decref(o);
		return;
	}
	snprintf(ukey, sizeof ukey, "u:%s", user);
	lu = lockout_locked(au->by_user, ukey, strlen(ukey), now, &retry);
	la = lockout_locked(au->by_addr, hr->addr, hr->addr_len, now, &retry2);
	if (lu || la) {
		/* refused before any hashing: a locked name costs nothing */
		au->logins_locked++;
		json_decref(o);
		r->retry_after_s = retry > retry2 ? retry : retry2;
		reply_error(r, 429, "user",
		    "too many failed sign-ins; wait and try again");
		return;
	}
	if ((j = job_new(JOB_LOGIN, password)) == NULL) {
		json_decref(o);
		reply_error(r, 500, "", "out of memory");
		return;
	}
	snprintf(j->name, sizeof j->name, "%s", user);
	memcpy(j->addr, hr->addr, sizeof j->addr);
	j->addr_len = hr->addr_len;
	json_decref(o);
	if (name_valid(j->name) &&
	    store_user_get(au->store, j->name, &u) == STORE_OK) {
		j->found = true;
		j->disabled = u.disabled;
		j->user_id = u.id;
		snprintf(j->role, sizeof j->role, "%s", u.role);
		if (strlen(u.hash) < sizeof j->hash)
			memcpy(j->hash, u.hash, strlen(u.hash) + 1);
		else /* not a hash this build writes: no sign-in */
			j->found = false;
		sodium_memzero(u.hash, sizeof u.hash);
	}
	submit(au, j, hr, r);
}

/* The session of the request's cookie. 1 found (and current), 0 none,
 * -1 present but unknown or expired (ended here). */
static int
session_of(struct auth *au, const struct http_request *hr,
    unsigned char idh[32], struct store_session *s)
{
	const struct config *c = au->cfg;
	char text[AUTH_B64_LEN + 2];
	unsigned char id[AUTH_SECRET_BYTES];
	int64_t now = clock_wall_s();

	if (!authhdr_cookie(http_header(hr, "Cookie"), AUTH_COOKIE, text,
	        sizeof text))
		return 0;
	if (!authhdr_b64_decode(text, id))
		return -1;
	hash32(id, sizeof id, idh);
	sodium_memzero(id, sizeof id);
	if (store_session_get(au->store, idh, s) != STORE_OK)
		return -1;
	if (now >= s->expires_at || now - s->last_seen >= c->session_idle_s) {
		store_session_delete(au->store, idh);
		return -1;
	}
	/* a quarter of the idle time at most, so a busy session never
	 * looks idle */
	if (now - s->last_seen >= TOUCH_EVERY_S ||
	    now - s->last_seen >= c->session_idle_s / 4)
		store_session_touch(au->store, idh, now);
	return 1;
}

static void
route_session(struct auth *au, const struct http_request *hr,
    struct http_response *r)
{
	unsigned char idh[32];
	struct store_session s;
	const char *m = hr->method;
	int found;

	if (strcmp(m, "POST") == 0) {
		session_login(au, hr, r);
		return;
	}
	if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
	    strcmp(m, "DELETE") != 0) {
		reply_error(r, 405, "method", "use GET, POST or DELETE");
		return;
	}
	found = session_of(au, hr, idh, &s);
	if (strcmp(m, "DELETE") == 0) {
		const char *tok = http_header(hr, CSRF_HEADER);

		/* signing out is a write too: a page elsewhere must not
		 * sign staff out */
		if (found == 1 &&
		    (tok == NULL || strlen(tok) != strlen(s.csrf) ||
		        sodium_memcmp(tok, s.csrf, strlen(s.csrf)) != 0)) {
			reply_error(r, 403, "X-CSRF-Token",
			    "missing or wrong CSRF token");
			return;
		}
		if (found == 1) {
			store_session_delete(au->store, idh);
			audit(au, s.user, "logout", s.user, NULL);
			log_info("auth: %s signed out", s.user);
		}
		reply_json(r, 200, json_pack("{s:b}", "signed_out", 1));
		set_cookie(au, r, "", 0);
		return;
	}
	if (found != 1) {
		reply_error(r, 401, "session", "not signed in");
		if (found == -1)
			set_cookie(au, r, "", 0);
		return;
	}
	reply_json(r, 200, session_json(s.user, s.role, s.csrf));
}

static void
serve(struct http_response *r, const char *start, const char *end,
    const char *ctype)
{
	r->static_body = start;
	r->len = (size_t)(end - start);
	r->content_type = ctype;
}

void
auth_route_session(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_session(c->auth, hr, r);
}

/* the sign-in page is also the staff home: its script asks who is signed
 * in and shows the form or the list of staff pages */
void
auth_route_page(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *p = hr->path, *next = http_query(hr, "next");

	(void)c;
	(void)pp;
	/* the page's script checks ?next= too; refusing it here as well
	 * keeps an old cached script or a page without script from sending
	 * anyone to another host after sign-in */
	if (next != NULL && !authhdr_next_valid(next, strlen(next))) {
		r->status = 303;
		r->static_body = "";
		r->len = 0;
		r->content_type = "text/plain; charset=utf-8";
		add_header(r, "Location: /staff/login");
		return;
	}
	if (strcmp(p, "/staff/login.js") == 0)
		serve(r, staff_login_js, staff_login_js_end,
		    "text/javascript; charset=utf-8");
	else if (strcmp(p, "/staff/login.css") == 0)
		serve(r, staff_login_css, staff_login_css_end,
		    "text/css; charset=utf-8");
	else
		serve(r, staff_login_html, staff_login_html_end,
		    "text/html; charset=utf-8");
}

/* --- every other staff-listener request -------------------------------- */

static bool
is_write(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
	    strcmp(m, "OPTIONS") != 0;
}

/* A page under /staff/ sends people to sign in and come back. */
static void
unauthorised(const struct http_request *hr, struct http_response *r,
    const char *why)
{
	bool page =
	    strncmp(hr->path, "/staff/", 7) == 0 && !is_write(hr->method);
	char qs[256], target[512], next[768];
	size_t n;

	if (!page) {
		reply_error(r, 401, "session", why);
		return;
	}
	r->status = 303;
	r->static_body = "";
	r->len = 0;
	r->content_type = "text/plain; charset=utf-8";
	/* back to the same page after sign-in, query and all (a clerk's
	 * ?station= must survive); encoded whole as one value, so nothing
	 * in it can add a header or a second parameter. Too long: the
	 * staff home instead. */
	if (!http_query_string(hr, qs, sizeof qs)) {
		add_header(r, "Location: /staff/login");
		return;
	}
	n = (size_t)snprintf(target, sizeof target, "%s%s%s", hr->path,
	    qs[0] != '\0' ? "?" : "", qs);
	if (n < sizeof target &&
	    http_pct_encode(target, n, "/", next, sizeof next))
		add_header(r, "Location: /staff/login?next=%s", next);
	else
		add_header(r, "Location: /staff/login");
}

/* A postal clerk's post office, read from the account on every request so
 * that a move (store_user_set_post_office) holds at once. */
static void
actor_scope(struct actor *act, const struct store_session *s)
{
	if (act->role == ROLE_POSTAL_CLERK)
		snprintf(act->post_office, sizeof act->post_office, "%s",
		    s->post_office);
}

int
auth_request(struct auth *au, const struct http_request *hr,
    struct http_response *r, struct actor *act)
{
	const char *authz = http_header(hr, "Authorization");
	unsigned char raw[AUTH_SECRET_BYTES], h[32];
	char tok[AUTH_TOKEN_LEN + 2];
	struct store_session s;
	int role, found;

	memset(act, 0, sizeof *act);
	if (authz != NULL) {
		/* bearer: the CLI over TCP; no cookie, so no CSRF either */
		if (authhdr_bearer(authz, tok, sizeof tok) != 1 ||
		    !authhdr_token_decode(tok, raw)) {
			reply_error(r, 401, "Authorization",
			    "expected Bearer and a motcua token");
			return -1;
		}
		hash32(raw, sizeof raw, h);
		sodium_memzero(raw, sizeof raw);
		if (store_token_get(au->store, h, clock_wall_s(), &s) !=
		        STORE_OK ||
		    (role = role_from_name(s.role)) < 0) {
			reply_error(r, 401, "Authorization",
			    "unknown, revoked or expired token");
			return -1;
		}
		snprintf(act->name, sizeof act->name, "%s", s.user);
		act->role = (enum role)role;
		actor_scope(act, &s);
		return 0;
	}
	found = session_of(au, hr, h, &s);
	if (found != 1) {
		unauthorised(hr, r,
		    found == 0 ? "not signed in"
		               : "the session has ended; sign in again");
		if (found == -1) /* the browser may forget the dead cookie */
			set_cookie(au, r, "", 0);
		return -1;
	}
	if ((role = role_from_name(s.role)) < 0) {
		unauthorised(hr, r, "not signed in");
		return -1;
	}
	if (is_write(hr->method)) {
		const char *t = http_header(hr, CSRF_HEADER);
		size_t n = strlen(s.csrf);

		if (t == NULL || strlen(t) != n ||
		    sodium_memcmp(t, s.csrf, n) != 0) {
			reply_error(r, 403, CSRF_HEADER,
			    "missing or wrong CSRF token");
			return -1;
		}
	}
	snprintf(act->name, sizeof act->name, "%s", s.user);
	act->role = (enum role)role;
	actor_scope(act, &s);
	return 0;
}

/* --- /api/v1/users and /api/v1/audit --------------------------------- */

static const char *
actor_name(const struct http_request *hr)
{
	return hr->actor != NULL && hr->actor->name[0] ? hr->actor->name
	                                               : "unknown";
}

static void
users_add(struct auth *au, const struct http_request *hr,
    struct http_response *r)
{
	json_t *o = body_object(hr, r);
	const char *name, *role, *password, *office;
	enum pwpolicy_rc prc;
	struct job *j;
	bool bad = false;

	if (o == NULL)
		return;
	name = member(o, "name", true, STORE_USER_NAME_MAX, r, &bad);
	role = bad ? NULL : member(o, "role", true, 15, r, &bad);
	password =
	    bad ? NULL : member(o, "password", true, PASSWORD_MAX, r, &bad);
	office = bad ? NULL : member(o, "post_office", false, 64, r, &bad);
	if (bad)
		goto out;
	if (!name_valid(name)) {
		reply_error(r, 400, "name",
		    "1 to 63 of letters, digits, '.', '_', '-' and '@'");
		goto out;
	}
	if (role_from_name(role) < 0) {
		reply_error(r, 400, "role",
		    "must be kiosk, postal_clerk, office_staff or admin");
		goto out;
	}
	if (office != NULL && *office != '\0' &&
	    (!role_post_office_valid(office) ||
	        role_from_name(role) != ROLE_POSTAL_CLERK)) {
		reply_error(r, 400, "post_office",
		    role_from_name(role) != ROLE_POSTAL_CLERK
		        ? "only a postal_clerk account belongs to a post office"
		        : "1 to 32 of A-Z a-z 0-9 . _ -");
		goto out;
	}
	if ((prc = pwpolicy_check(password, strlen(password),
	         (enum role)role_from_name(role), name)) != PWPOLICY_OK) {
		reply_error(r, 400, "password", pwpolicy_strerror(prc));
		goto out;
	}
	if ((j = job_new(JOB_USER_ADD, password)) == NULL) {
		reply_error(r, 500, "", "out of memory");
		goto out;
	}
	snprintf(j->name, sizeof j->name, "%s", name);
	snprintf(j->role, sizeof j->role, "%s", role);
	snprintf(j->post_office, sizeof j->post_office, "%s",
	    office != NULL ? office : "");
	snprintf(j->actor, sizeof j->actor, "%s", actor_name(hr));
	submit(au, j, hr, r);
out:
	json_decref(o);
}

static void
users_passwd(struct auth *au, const struct http_request *hr,
    struct http_response *r, const char *name)
{
	json_t *o = body_object(hr, r);
	const char *password;
	enum pwpolicy_rc prc;
	struct store_user u;
	struct job *j;
	bool bad = false;

	if (o == NULL)
		return;
	password = member(o, "password", true, PASSWORD_MAX, r, &bad);
	if (bad)
		goto out;
	if (store_user_get(au->store, name, &u) != STORE_OK) {
		reply_error(r, 404, "name", "no such user");
		goto out;
	}
	/* the rule of the account's role: a kiosk's PIN stays a PIN */
	if ((prc = pwpolicy_check(password, strlen(password),
	         (enum role)role_from_name(u.role), name)) != PWPOLICY_OK) {
		reply_error(r, 400, "password", pwpolicy_strerror(prc));
		goto out;
	}
	if ((j = job_new(JOB_PASSWD, password)) == NULL) {
		reply_error(r, 500, "", "out of memory");
		goto out;
	}
	snprintf(j->name, sizeof j->name, "%s", name);
	snprintf(j->actor, sizeof j->actor, "%s", actor_name(hr));
	submit(au, j, hr, r);
out:
	json_decref(o);
}

static void
users_token(struct auth *au, const struct http_request *hr,
    struct http_response *r, const char *name)
{
	json_t *o = hr->body_len ? body_object(hr, r) : json_object();
	json_t *days_j;
	const char *label;
	unsigned char raw[AUTH_SECRET_BYTES], h[32];
	char tok[AUTH_TOKEN_LEN + 1], err[STORE_ERR_MAX];
	int64_t id = 0, expires_at;
	int days;
	enum store_rc rc;
	bool bad = false;

	if (o == NULL)
		return;
	label = member(o, "label", false, 128, r, &bad);
	if (bad || (label != NULL && !text_valid(label, strlen(label)))) {
		if (!bad)
			reply_error(r, 400, "label", "must be text");
		json_decref(o);
		return;
	}
	if ((days_j = json_object_get(o, "days")) != NULL &&
	    (!json_is_integer(days_j) || json_integer_value(days_j) < 1 ||
	        json_integer_value(days_j) > TOKEN_DAYS_MAX)) {
		reply_error(r, 400, "days",
		    "must be a whole number of days from 1 to 365");
		json_decref(o);
		return;
	}
	days = days_j != NULL ? (int)json_integer_value(days_j)
	                      : TOKEN_DAYS_DEFAULT;
	expires_at = clock_wall_s() + (int64_t)days * 86400;
	randombytes_buf(raw, sizeof raw);
	hash32(raw, sizeof raw, h);
	authhdr_token_encode(raw, tok);
	sodium_memzero(raw, sizeof raw);
	rc = store_token_add(au->store, h, name, label ? label : "", expires_at,
	    actor_name(hr), &id, err);
	if (rc != STORE_OK) {
		reply_error(r, storerc_status(rc),
		    rc == STORE_INVALID ? "label" : "name",
		    strstr(err, ": ") ? strstr(err, ": ") + 2 : err);
	} else {
		log_info("auth: token %lld for %s issued by %s for %d days",
		    (long long)id, name, actor_name(hr), days);
		reply_json(r, 201,
		    json_pack("{s:s,s:I,s:s,s:s,s:o}", "name", name, "id",
		        (json_int_t)id, "label", label ? label : "", "token",
		        tok, "expires_at", reply_time(expires_at)));
	}
	sodium_memzero(tok, sizeof tok);
	json_decref(o);
}

static void
users_revoke(struct auth *au, const struct http_request *hr,
    struct http_response *r, const char *name)
{
	json_t *o = hr->body_len ? body_object(hr, r) : json_object();
	const char *label;
	struct store_user u;
	char err[STORE_ERR_MAX];
	int n = 0;
	bool bad = false;

	if (o == NULL)
		return;
	label = member(o, "label", false, 128, r, &bad);
	if (!bad && store_user_get(au->store, name, &u) != STORE_OK) {
		reply_error(r, 404, "name", "no such user");
		bad = true;
	}
	if (!bad) {
		if (store_token_revoke(au->store, name, label, actor_name(hr),
		        &n, err) != STORE_OK)
			reply_error(r, 500, "", err);
		else
			reply_json(r, 200,
			    json_pack("{s:s,s:i}", "name", name, "revoked", n));
	}
	json_decref(o);
}

static void
route_audit(struct auth *au, const struct http_request *hr,
    struct http_response *r)
{
	const char *from = http_query(hr, "from"), *to = http_query(hr, "to");
	const char *lim = http_query(hr, "limit");
	int fday, tday;
	long limit = 10000;
	char *end, fb[16], tb[16];
	json_t *j;

	if (from == NULL || cal_parse_date(from, strlen(from), &fday) == -1) {
		reply_error(r, 400, "from", "expected a date as YYYY-MM-DD");
		return;
	}
	if (to == NULL || cal_parse_date(to, strlen(to), &tday) == -1) {
		reply_error(r, 400, "to", "expected a date as YYYY-MM-DD");
		return;
	}
	if (tday < fday) {
		reply_error(r, 400, "to", "is before from");
		return;
	}
	if (lim != NULL) {
		limit = strtol(lim, &end, 10);
		if (*lim == '\0' || *end != '\0' || limit < 1 ||
		    limit > AUDIT_LIST_MAX) {
			reply_error(r, 400, "limit",
			    "must be an integer from 1 to 100000");
			return;
		}
	}
	if ((j = auth_json_audit(au->store, cal_instant(fday, 0),
	         cal_instant(tday + 1, 0), (int)limit)) == NULL) {
		reply_error(r, 500, "", "cannot read the audit log");
		return;
	}
	cal_format_date(fday, fb);
	cal_format_date(tday, tb);
	reply_json(r, 200,
	    json_pack("{s:s,s:s,s:o}", "from", fb, "to", tb, "entries", j));
}

void
auth_route_audit(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_audit(c->auth, hr, r);
}

void
auth_route_users(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	json_t *u;

	(void)pp;
	if (strcmp(hr->method, "POST") == 0)
		users_add(c->auth, hr, r);
	else if ((u = auth_json_users(c->auth->store)) == NULL)
		reply_error(r, 500, "", "cannot read the users");
	else
		reply_json(r, 200, json_pack("{s:o}", "users", u));
}

/* {name} of /api/v1/users/{name}/...: false after a 404. */
static bool
user_param(const struct route_params *pp, char name[STORE_USER_NAME_MAX + 1],
    struct http_response *r)
{
	const char *v = route_param(pp, "name");
	size_t n = strlen(v);

	if (n == 0 || n > STORE_USER_NAME_MAX) {
		reply_error(r, 404, "name", "no such user");
		return false;
	}
	memcpy(name, v, n + 1);
	return true;
}

void
auth_route_user_passwd(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char name[STORE_USER_NAME_MAX + 1];

	if (user_param(pp, name, r))
		users_passwd(c->auth, hr, r, name);
}

void
auth_route_user_disable(const struct route_ctx *c,
    const struct http_request *hr, const struct route_params *pp,
    struct http_response *r)
{
	char name[STORE_USER_NAME_MAX + 1], err[STORE_ERR_MAX];
	enum store_rc rc;

	if (!user_param(pp, name, r))
		return;
	rc = store_user_disable(c->auth->store, name, actor_name(hr), err);
	if (rc == STORE_NOTFOUND)
		reply_error(r, 404, "name", "no such user");
	else if (rc != STORE_OK)
		reply_error(r, 500, "", err);
	else {
		log_info("auth: user %s disabled by %s", name, actor_name(hr));
		reply_json(r, 200,
		    json_pack("{s:s,s:b}", "name", name, "disabled", 1));
	}
}

void
auth_route_user_post_office(const struct route_ctx *c,
    const struct http_request *hr, const struct route_params *pp,
    struct http_response *r)
{
	char name[STORE_USER_NAME_MAX + 1], err[STORE_ERR_MAX];
	const char *office;
	struct store_user u;
	enum store_rc rc;
	json_t *o;
	bool bad = false;

	if (!user_param(pp, name, r) || (o = body_object(hr, r)) == NULL)
		return;
	/* "" is allowed: the clerk then reads only their own registrations */
	office = member(o, "post_office", false, 64, r, &bad);
	if (!bad && office == NULL) {
		reply_error(r, 400, "post_office", "is required");
		bad = true;
	}
	if (bad)
		goto out;
	if (*office != '\0' && !role_post_office_valid(office)) {
		reply_error(r, 400, "post_office",
		    "1 to 32 of A-Z a-z 0-9 . _ -, or \"\" for none");
		goto out;
	}
	if (store_user_get(c->auth->store, name, &u) != STORE_OK) {
		reply_error(r, 404, "name", "no such user");
		goto out;
	}
	if (role_from_name(u.role) != ROLE_POSTAL_CLERK) {
		reply_error(r, 400, "post_office",
		    "only a postal_clerk account belongs to a post office");
		goto out;
	}
	rc = store_user_set_post_office(c->auth->store, name, office,
	    actor_name(hr), err);
	if (rc != STORE_OK) {
		reply_error(r, rc == STORE_NOTFOUND ? 404 : 500, "", err);
		goto out;
	}
	log_info("auth: user %s moved to post office %s by %s", name,
	    *office ? office : "(none)", actor_name(hr));
	reply_json(r, 200,
	    json_pack("{s:s,s:s}", "name", name, "post_office", office));
out:
	json_decref(o);
}

void
auth_route_user_token(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char name[STORE_USER_NAME_MAX + 1];

	if (user_param(pp, name, r))
		users_token(c->auth, hr, r, name);
}

void
auth_route_user_revoke(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	char name[STORE_USER_NAME_MAX + 1];

	if (user_param(pp, name, r))
		users_revoke(c->auth, hr, r, name);
}

void
auth_metrics(const struct auth *au, FILE *f)
{
	if (au == NULL)
		return;
	fprintf(f,
	    "# HELP motcua_logins_total Staff sign-ins by outcome.\n"
	    "# TYPE motcua_logins_total counter\n"
	    "motcua_logins_total{outcome=\"ok\"} %llu\n"
	    "motcua_logins_total{outcome=\"failed\"} %llu\n"
	    "motcua_logins_total{outcome=\"locked\"} %llu\n"
	    "motcua_logins_total{outcome=\"busy\"} %llu\n"
	    "# HELP motcua_lockout_tracked Keys in the sign-in lockout tables.\n"
	    "# TYPE motcua_lockout_tracked gauge\n"
	    "motcua_lockout_tracked %zu\n",
	    (unsigned long long)au->logins_ok,
	    (unsigned long long)au->logins_failed,
	    (unsigned long long)au->logins_locked,
	    (unsigned long long)au->logins_busy,
	    lockout_tracked(au->by_user) + lockout_tracked(au->by_addr));
}
