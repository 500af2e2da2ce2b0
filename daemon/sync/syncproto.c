/* syncproto.c: the sync protocol's messages. See syncproto.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/dcode.h"
#include "core/status.h"
#include "sync/syncproto.h"
#include "core/textfold.h"

#define TIME_MIN 946684800LL  /* 2000-01-01: older times are mistakes */
#define TIME_MAX 4102444800LL /* 2100-01-01 */

static void ferr(char *err, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
ferr(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, SP_ERR_MAX, fmt, ap);
	va_end(ap);
}

/* Parses a bounded body: an object, no duplicate keys. */
static json_t *
load(const char *buf, size_t len, size_t max, char *err)
{
	json_error_t je;
	json_t *j;

	if (buf == NULL || len == 0) {
		ferr(err, "reply: empty");
		return NULL;
	}
	if (len > max) {
		ferr(err, "reply: larger than %zu bytes", max);
		return NULL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL) {
		ferr(err, "reply: not JSON (%s at byte %d)", je.text,
		    je.position);
		return NULL;
	}
	if (!json_is_object(j)) {
		ferr(err, "reply: not a JSON object");
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Every member of o is one of the names (NULL-terminated list). */
static bool
only_fields(json_t *o, const char *const *names, const char *where, char *err)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; names[i] != NULL; i++)
			if (strcmp(k, names[i]) == 0)
				break;
		if (names[i] == NULL) {
			ferr(err, "%s.%.40s: unknown field", where, k);
			return false;
		}
	}
	return true;
}

bool
sp_key_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == SP_KEY_HEX;
}

bool
sp_cursor_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= SP_CURSOR_MAX ||
		    !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		        (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
		        c == '-'))
			return false;
	}
	return i > 0;
}

/* Integer field in [lo, hi]; absent or null allowed when opt. */
static bool
get_int(json_t *o, const char *key, bool opt, int64_t lo, int64_t hi,
    int64_t *out, const char *where, char *err)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL || json_is_null(v)) {
		if (opt)
			return true;
		ferr(err, "%s.%s: required", where, key);
		return false;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi) {
		ferr(err, "%s.%s: must be an integer from %lld to %lld", where,
		    key, (long long)lo, (long long)hi);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

/* Text field of at most max bytes of valid UTF-8; NULL when absent. */
static bool
get_str(json_t *o, const char *key, bool opt, size_t max, const char **out,
    const char *where, char *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (opt)
			return true;
		ferr(err, "%s.%s: required", where, key);
		return false;
	}
	if (!json_is_string(v)) {
		ferr(err, "%s.%s: must be a string", where, key);
		return false;
	}
	if (json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    !text_valid(json_string_value(v), json_string_length(v))) {
		ferr(err, "%s.%s: must be UTF-8 text of at most %zu bytes",
		    where, key, max);
		return false;
	}
	if (!opt && json_string_length(v) == 0) {
		ferr(err, "%s.%s: required", where, key);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

static bool
get_code(json_t *o, const char *key, char out[DCODE_TEXT_MAX + 1],
    const char *where, char *err)
{
	const char *s;
	struct dcode d;

	if (!get_str(o, key, false, DCODE_TEXT_MAX, &s, where, err))
		return false;
	if (dcode_parse(s, strlen(s), &d, NULL) != DCODE_OK ||
	    dcode_format(&d, out, DCODE_TEXT_MAX + 1) < 0 ||
	    strcmp(out, s) != 0) {
		ferr(err, "%s.%s: not a dossier code in canonical form", where,
		    key);
		return false;
	}
	return true;
}

int
sp_push_reply(const char *buf, size_t len, const char (*keys)[SP_KEY_HEX + 1],
    size_t nkeys, struct sp_push_result *out, char err[SP_ERR_MAX])
{
	static const char *const top[] = { "results", NULL };
	static const char *const fields[] = { "key", "result", "reason",
		"applied", NULL };
	json_t *root, *arr, *e;
	bool *seen = NULL;
	struct sp_push_result *tmp = NULL;
	size_t i, j;
	int rc = -1;

	if ((root = load(buf, len, SP_REPLY_MAX, err)) == NULL)
		return -1;
	if (!only_fields(root, top, "reply", err))
		goto out;
	arr = json_object_get(root, "results");
	if (!json_is_array(arr)) {
		ferr(err, "reply.results: must be an array");
		goto out;
	}
	if (json_array_size(arr) != nkeys) {
		ferr(err, "reply.results: %zu results for %zu items sent",
		    json_array_size(arr), nkeys);
		goto out;
	}
	seen = calloc(nkeys ? nkeys : 1, sizeof *seen);
	tmp = calloc(nkeys ? nkeys : 1, sizeof *tmp);
	if (seen == NULL || tmp == NULL) {
		ferr(err, "reply: out of memory");
		goto out;
	}
	json_array_foreach(arr, i, e) {
		char where[40];
		const char *key, *res, *reason;
		json_t *ap;

		snprintf(where, sizeof where, "reply.results[%zu]", i);
		if (!json_is_object(e)) {
			ferr(err, "%s: must be an object", where);
			goto out;
		}
		if (!only_fields(e, fields, where, err) ||
		    !get_str(e, "key", false, SP_KEY_HEX, &key, where, err) ||
		    !get_str(e, "result", false, 16, &res, where, err) ||
		    !get_str(e, "reason", true, SP_REASON_MAX - 1, &reason,
		        where, err))
			goto out;
		/* keys sent are few per batch and in order: look at the same
		 * index first */
		j = i < nkeys && strcmp(keys[i], key) == 0 ? i : nkeys;
		for (size_t k = 0; j == nkeys && k < nkeys; k++)
			if (strcmp(keys[k], key) == 0)
				j = k;
		if (j == nkeys) {
			ferr(err, "%s.key: not a key that was sent", where);
			goto out;
		}
		if (seen[j]) {
			ferr(err, "%s.key: answered twice", where);
			goto out;
		}
		seen[j] = true;
		if (strcmp(res, "ok") == 0)
			tmp[j].result = SP_OK;
		else if (strcmp(res, "duplicate") == 0)
			tmp[j].result = SP_DUPLICATE;
		else if (strcmp(res, "rejected") == 0)
			tmp[j].result = SP_REJECTED;
		else {
			ferr(err,
			    "%s.result: must be ok, duplicate or rejected",
			    where);
			goto out;
		}
		if (tmp[j].result == SP_REJECTED &&
		    (reason == NULL || *reason == '\0')) {
			ferr(err, "%s.reason: required for a rejected item",
			    where);
			goto out;
		}
		snprintf(tmp[j].reason, sizeof tmp[j].reason, "%s",
		    reason ? reason : "");
		ap = json_object_get(e, "applied");
		if (ap != NULL && !json_is_boolean(ap)) {
			ferr(err, "%s.applied: must be true or false", where);
			goto out;
		}
		tmp[j].applied = ap == NULL || json_is_true(ap);
	}
	memcpy(out, tmp, nkeys * sizeof *tmp);
	rc = 0;
out:
	free(seen);
	free(tmp);
	json_decref(root);
	return rc;
}

int
sp_pull_reply(const char *buf, size_t len, struct sp_pull_page *out,
    char err[SP_ERR_MAX])
{
	static const char *const top[] = { "cursor", "items", "more", NULL };
	static const char *const fields[] = { "code", "status", "rev", "at",
		"due_at", "reason", NULL };
	json_t *root, *arr, *e, *more;
	const char *cursor;
	size_t i;
	int rc = -1;

	out->n = 0;
	if ((root = load(buf, len, SP_REPLY_MAX, err)) == NULL)
		return -1;
	if (!only_fields(root, top, "reply", err) ||
	    !get_str(root, "cursor", false, SP_CURSOR_MAX, &cursor, "reply",
	        err))
		goto out;
	if (!sp_cursor_valid(cursor)) {
		ferr(err, "reply.cursor: must be 1..%d of A-Z a-z 0-9 _ . -",
		    SP_CURSOR_MAX);
		goto out;
	}
	more = json_object_get(root, "more");
	if (!json_is_boolean(more)) {
		ferr(err, "reply.more: must be true or false");
		goto out;
	}
	arr = json_object_get(root, "items");
	if (!json_is_array(arr) || json_array_size(arr) > SP_PULL_MAX) {
		ferr(err, "reply.items: must be an array of at most %d",
		    SP_PULL_MAX);
		goto out;
	}
	json_array_foreach(arr, i, e) {
		struct store_upstream_change *c = &out->ch[i];
		char where[40];
		const char *reason;
		int64_t st;

		snprintf(where, sizeof where, "reply.items[%zu]", i);
		if (!json_is_object(e)) {
			ferr(err, "%s: must be an object", where);
			goto out;
		}
		if (!only_fields(e, fields, where, err) ||
		    !get_code(e, "code", c->code, where, err) ||
		    !get_int(e, "status", false, 1, 10, &st, where, err) ||
		    !get_int(e, "rev", false, 1, INT64_MAX, &c->rev, where,
		        err) ||
		    !get_int(e, "at", false, TIME_MIN, TIME_MAX, &c->at, where,
		        err) ||
		    !get_int(e, "due_at", true, TIME_MIN, TIME_MAX, &c->due_at,
		        where, err) ||
		    !get_str(e, "reason", true, SP_REASON_MAX - 1, &reason,
		        where, err))
			goto out;
		c->status = (int)st;
		snprintf(out->reason[i], SP_REASON_MAX, "%s",
		    reason ? reason : "");
		c->reason = reason ? out->reason[i] : NULL;
	}
	out->n = json_array_size(arr);
	snprintf(out->cursor, sizeof out->cursor, "%s", cursor);
	out->more = json_is_true(more);
	rc = 0;
out:
	if (rc != 0)
		out->n = 0;
	json_decref(root);
	return rc;
}

int
sp_lookup_reply(const char *buf, size_t len, bool *found,
    struct store_lookup *out, char err[SP_ERR_MAX])
{
	static const char *const top[] = { "found", "dossier", NULL };
	static const char *const fields[] = { "code", "status", "delivery",
		"received_at", "due_at", "updated_at", "apology_due_at",
		"procedure_name", "masked_name", "collect_at", NULL };
	const char *pn, *mn, *ca;
	json_t *root, *d, *f;
	int64_t st, dl;
	int rc = -1;

	*found = false;
	memset(out, 0, sizeof *out);
	if ((root = load(buf, len, 64 * 1024, err)) == NULL)
		return -1;
	if (!only_fields(root, top, "reply", err))
		goto out;
	f = json_object_get(root, "found");
	if (!json_is_boolean(f)) {
		ferr(err, "reply.found: must be true or false");
		goto out;
	}
	d = json_object_get(root, "dossier");
	if (json_is_false(f)) {
		rc = d == NULL || json_is_null(d) ? 0 : -1;
		if (rc)
			ferr(err, "reply.dossier: present when not found");
		goto out;
	}
	if (!json_is_object(d)) {
		ferr(err, "reply.dossier: must be an object");
		goto out;
	}
	if (!only_fields(d, fields, "reply.dossier", err) ||
	    !get_code(d, "code", out->code, "reply.dossier", err) ||
	    !get_int(d, "status", false, 1, 10, &st, "reply.dossier", err) ||
	    !get_int(d, "delivery", false, 0, 1, &dl, "reply.dossier", err) ||
	    !get_int(d, "received_at", false, TIME_MIN, TIME_MAX,
	        &out->received_at, "reply.dossier", err) ||
	    !get_int(d, "due_at", true, TIME_MIN, TIME_MAX, &out->due_at,
	        "reply.dossier", err) ||
	    !get_int(d, "updated_at", false, TIME_MIN, TIME_MAX,
	        &out->updated_at, "reply.dossier", err) ||
	    !get_int(d, "apology_due_at", true, TIME_MIN, TIME_MAX,
	        &out->apology_due_at, "reply.dossier", err) ||
	    !get_str(d, "procedure_name", true, sizeof out->procedure_name - 1,
	        &pn, "reply.dossier", err) ||
	    !get_str(d, "masked_name", false, sizeof out->masked_name - 1, &mn,
	        "reply.dossier", err) ||
	    !get_str(d, "collect_at", true, sizeof out->collect_at - 1, &ca,
	        "reply.dossier", err))
		goto out;
	out->status = (int)st;
	out->delivery = (int)dl;
	snprintf(out->procedure_name, sizeof out->procedure_name, "%s",
	    pn ? pn : "");
	snprintf(out->masked_name, sizeof out->masked_name, "%s", mn);
	snprintf(out->collect_at, sizeof out->collect_at, "%s", ca ? ca : "");
	*found = true;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int
sp_verify_reply(const char *buf, size_t len, int64_t counts[4], json_t **codes,
    bool *more, char err[SP_ERR_MAX])
{
	static const char *const top[] = { "counts", "codes", "more", NULL };
	static const char *const chans[] = { "1", "2", "3", NULL };
	json_t *root, *c, *arr, *e, *list = NULL;
	char code[DCODE_TEXT_MAX + 1];
	size_t i;
	int rc = -1;

	*codes = NULL;
	*more = false;
	if ((root = load(buf, len, 16u << 20, err)) == NULL)
		return -1;
	if (!only_fields(root, top, "reply", err))
		goto out;
	if (json_object_get(root, "more") != NULL) {
		if (!json_is_boolean(json_object_get(root, "more"))) {
			ferr(err, "reply.more: must be true or false");
			goto out;
		}
		*more = json_is_true(json_object_get(root, "more"));
	}
	c = json_object_get(root, "counts");
	if (!json_is_object(c) || !only_fields(c, chans, "reply.counts", err)) {
		if (!json_is_object(c))
			ferr(err, "reply.counts: must be an object");
		goto out;
	}
	counts[0] = 0;
	for (int k = 1; k <= 3; k++)
		if (!get_int(c, chans[k - 1], false, 0, INT32_MAX, &counts[k],
		        "reply.counts", err))
			goto out;
	arr = json_object_get(root, "codes");
	if (!json_is_array(arr) || json_array_size(arr) > SP_VERIFY_CODES_MAX) {
		ferr(err, "reply.codes: must be an array of at most %d",
		    SP_VERIFY_CODES_MAX);
		goto out;
	}
	list = json_array();
	json_array_foreach(arr, i, e) {
		json_t *wrap = json_pack("{s:O}", "c", e);
		char where[40];
		bool ok;

		snprintf(where, sizeof where, "reply.codes[%zu]", i);
		ok = wrap != NULL && get_code(wrap, "c", code, where, err);
		json_decref(wrap);
		if (!ok)
			goto out;
		json_array_append_new(list, json_string(code));
	}
	*codes = list;
	list = NULL;
	rc = 0;
out:
	json_decref(list);
	json_decref(root);
	return rc;
}

/* ---- hub side ---- */

static bool
check_dossier(json_t *d, char *err)
{
	static const char *const fields[] = { "agency_code", "agency_name",
		"procedure_code", "procedure_name", "field", "channel",
		"delivery", "owner_name", "owner_id_no", "phone", "address",
		"email", "summary", "received_at", "submitted_at",
		"token_sha256", NULL };
	static const char *const texts[][2] = { { "agency_name", "512" },
		{ "procedure_name", "1024" }, { "field", "512" },
		{ "owner_id_no", "32" }, { "phone", "32" },
		{ "address", "2000" }, { "email", "254" },
		{ "summary", "8000" } };
	const char *s, *w = "item.dossier";
	int64_t v;

	if (!json_is_object(d)) {
		ferr(err, "item.dossier: must be an object");
		return false;
	}
	if (!only_fields(d, fields, w, err) ||
	    !get_str(d, "agency_code", false, DCODE_AGENCY_MAX, &s, w, err) ||
	    !get_str(d, "procedure_code", false, 64, &s, w, err) ||
	    !get_str(d, "owner_name", false, 800, &s, w, err) ||
	    !get_int(d, "channel", false, 1, 3, &v, w, err) ||
	    !get_int(d, "delivery", false, 0, 1, &v, w, err) ||
	    !get_int(d, "received_at", false, TIME_MIN, TIME_MAX, &v, w, err) ||
	    !get_int(d, "submitted_at", true, TIME_MIN, TIME_MAX, &v, w, err))
		return false;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!get_str(d, texts[i][0], true, (size_t)atoi(texts[i][1]),
		        &s, w, err))
			return false;
	if (!get_str(d, "token_sha256", true, 64, &s, w, err))
		return false;
	if (s != NULL) {
		size_t i;

		for (i = 0; s[i] != '\0'; i++)
			if (!((s[i] >= '0' && s[i] <= '9') ||
			        (s[i] >= 'a' && s[i] <= 'f')))
				break;
		if (i != 64 || s[i] != '\0') {
			ferr(err,
			    "item.dossier.token_sha256: must be 64 "
			    "lowercase hex digits");
			return false;
		}
	}
	return true;
}

static void
check_item(json_t *e, struct sp_item *it)
{
	static const char *const fields[] = { "key", "kind", "code", "seq",
		"base", "at", "status", "due_at", "event", "dossier", NULL };
	static const char *const kinds[] = { "dossier_new", "status",
		"apology" };
	const char *key, *kind, *w = "item";
	char *err = it->why;
	int64_t st;
	json_t *ev;
	size_t k;

	it->item = e;
	if (!json_is_object(e)) {
		ferr(err, "item: must be an object");
		return;
	}
	/* the key first: a reply must be able to name the item */
	if (!get_str(e, "key", false, SP_KEY_HEX, &key, w, err))
		return;
	if (!sp_key_valid(key)) {
		ferr(err, "item.key: must be 32 lowercase hex digits");
		return;
	}
	memcpy(it->key, key, SP_KEY_HEX + 1);
	if (!only_fields(e, fields, w, err) ||
	    !get_str(e, "kind", false, 16, &kind, w, err))
		return;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strcmp(kind, kinds[k]) == 0)
			break;
	if (k == sizeof kinds / sizeof kinds[0]) {
		ferr(err, "item.kind: must be dossier_new, status or apology");
		return;
	}
	it->kind = kinds[k];
	if (!get_code(e, "code", it->code, w, err) ||
	    !get_int(e, "seq", false, 1, SP_SEQ_MAX, &it->seq, w, err) ||
	    !get_int(e, "base", false, 0, SP_SEQ_MAX, &it->base, w, err) ||
	    !get_int(e, "at", false, TIME_MIN, TIME_MAX, &it->at, w, err) ||
	    !get_int(e, "status", false, 1, 10, &st, w, err) ||
	    !get_int(e, "due_at", true, TIME_MIN, TIME_MAX, &it->due_at, w,
	        err))
		return;
	it->status = (int)st;
	ev = json_object_get(e, "event");
	if (ev != NULL && !json_is_object(ev)) {
		ferr(err, "item.event: must be an object");
		return;
	}
	it->dossier = json_object_get(e, "dossier");
	if (it->kind == kinds[0]) {
		if (it->dossier == NULL) {
			ferr(err, "item.dossier: required for dossier_new");
			return;
		}
		if (!check_dossier(it->dossier, err))
			return;
	} else if (it->dossier != NULL) {
		ferr(err, "item.dossier: only for dossier_new");
		return;
	}
	it->valid = true;
}

int
sp_push_req(const char *buf, size_t len, struct sp_push *out,
    char err[SP_ERR_MAX])
{
	static const char *const top[] = { "items", NULL };
	json_t *arr, *e;
	size_t i;

	memset(out, 0, sizeof *out);
	out->backlog = -1;
	if ((out->root = load(buf, len, 64u << 20, err)) == NULL)
		return -1;
	if (!only_fields(out->root, top, "body", err))
		goto bad;
	arr = json_object_get(out->root, "items");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > SP_PUSH_MAX) {
		ferr(err, "body.items: must be an array of 1..%d items",
		    SP_PUSH_MAX);
		goto bad;
	}
	out->n = json_array_size(arr);
	if ((out->items = calloc(out->n, sizeof *out->items)) == NULL) {
		ferr(err, "body: out of memory");
		goto bad;
	}
	json_array_foreach(arr, i, e) {
		check_item(e, &out->items[i]);
		/* a key twice in one push: the second is refused */
		for (size_t k = 0; out->items[i].valid && k < i; k++)
			if (strcmp(out->items[k].key, out->items[i].key) == 0) {
				out->items[i].valid = false;
				ferr(out->items[i].why,
				    "item.key: repeated in this push");
			}
	}
	return 0;
bad:
	sp_push_free(out);
	return -1;
}

void
sp_push_free(struct sp_push *p)
{
	free(p->items);
	json_decref(p->root);
	memset(p, 0, sizeof *p);
}

uint64_t
sp_backoff_ms(int min_ms, int max_ms, unsigned failures, int64_t retry_after_s,
    uint32_t (*uniform)(uint32_t n))
{
	/* config.c keeps 0 <= min <= max; clamp anyway, the value is pure */
	uint64_t cap = max_ms > 0 ? (uint64_t)max_ms : 0;
	uint64_t ceil = min_ms > 0 ? (uint64_t)min_ms : 0;
	uint64_t d;

	for (unsigned i = 1; i < failures && ceil < cap; i++)
		ceil *= 2;
	if (ceil > cap)
		ceil = cap;
	/* ceil <= INT_MAX: ceil + 1 fits in 32 bits */
	d = uniform((uint32_t)ceil + 1);
	if (retry_after_s > SP_RETRY_AFTER_MAX_S)
		retry_after_s = SP_RETRY_AFTER_MAX_S;
	if (retry_after_s > 0 && (uint64_t)retry_after_s * 1000 > d)
		d = (uint64_t)retry_after_s * 1000;
	return d;
}
