/* request.c: the requesting actor, its JSON body and query arguments
 * (request.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/calendar.h"
#include "core/textfold.h"
#include "http/reply.h"
#include "http/request.h"

const struct actor *
request_actor(const struct http_request *hr)
{
	static const struct actor nobody = { .name = "anonymous",
		.role = ROLE_NONE };

	return hr->actor != NULL ? hr->actor : &nobody;
}

void
request_actor_name(const struct http_request *hr, const char *named, char *buf,
    size_t size)
{
	char name[REQUEST_ACTOR_MAX / 2];
	size_t n = 0;

	/* signed in on the staff listener: the account, whatever the body
	 * says */
	if (hr->actor != NULL && hr->peer_uid < 0) {
		snprintf(buf, size, "%s", hr->actor->name);
		return;
	}
	if (named == NULL)
		named = http_query(hr, "actor");
	if (named == NULL || *named == '\0')
		named = "unknown";
	/* keep the name printable ASCII-or-UTF-8 and short */
	for (const char *p = named; *p && n < sizeof name - 1; p++)
		name[n++] = (unsigned char)*p < 0x20 ? '?' : *p;
	name[n] = '\0';
	if (!text_valid(name, n))
		snprintf(name, sizeof name, "invalid");
	snprintf(buf, size, "%s (uid %ld)", name, hr->peer_uid);
}

int
request_body_parse(struct request_body *b, const struct http_request *hr)
{
	json_error_t je;

	b->root = NULL;
	if (hr->body_len == 0) {
		snprintf(b->err_field, sizeof b->err_field, "body");
		snprintf(b->err, sizeof b->err, "a JSON object is required");
		return -1;
	}
	b->root =
	    json_loadb(hr->body, hr->body_len, JSON_REJECT_DUPLICATES, &je);
	if (b->root == NULL || !json_is_object(b->root)) {
		snprintf(b->err_field, sizeof b->err_field, "body");
		if (b->root == NULL)
			snprintf(b->err, sizeof b->err,
			    "not valid JSON: %s at column %d", je.text,
			    je.column);
		else
			snprintf(b->err, sizeof b->err,
			    "must be a JSON object");
		json_decref(b->root);
		b->root = NULL;
		return -1;
	}
	return 0;
}

/* A string member: NULL when absent (or an error when required). */
int
request_body_str(struct request_body *b, const char *key, bool required,
    size_t max, const char **out)
{
	json_t *v = json_object_get(b->root, key);
	const char *s;
	size_t len;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "is required");
		return -1;
	}
	if (!json_is_string(v)) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "must be a string");
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > max || strlen(s) != len || !text_valid(s, len)) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err,
		    len > max ? "longer than %zu bytes"
		              : "must be text without control characters",
		    max);
		return -1;
	}
	if (required && len == 0) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "must not be empty");
		return -1;
	}
	*out = s;
	return 0;
}

/* An ISO 8601 time member; 0 when absent and not required. */
int
request_body_time(struct request_body *b, const char *key, bool required,
    int64_t *out)
{
	const char *s, *why = NULL;

	*out = 0;
	if (request_body_str(b, key, required, 64, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	if (cal_parse_iso(s, strlen(s), out, &why) == -1) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "%s", why);
		return -1;
	}
	return 0;
}

int
request_body_bool(struct request_body *b, const char *key, bool def, bool *out)
{
	json_t *v = json_object_get(b->root, key);

	*out = def;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(b->err_field, sizeof b->err_field, "%s", key);
		snprintf(b->err, sizeof b->err, "must be true or false");
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

void
request_body_error(struct http_response *r, struct request_body *b)
{
	reply_error(r, 400, b->err_field, b->err);
	json_decref(b->root);
	b->root = NULL;
}

/* A YYYY-MM-DD query argument; -1 when absent. */
int
request_query_day(const struct http_request *hr, const char *key, bool required,
    int *day, struct http_response *r)
{
	const char *v = http_query(hr, key);

	*day = -1;
	if (v == NULL || *v == '\0') {
		if (!required)
			return 0;
		reply_error(r, 400, key, "is required (YYYY-MM-DD)");
		return -1;
	}
	if (cal_parse_date(v, strlen(v), day) == -1) {
		reply_error(r, 400, key, "expected a date as YYYY-MM-DD");
		return -1;
	}
	return 0;
}

int
request_idem(const struct http_request *hr, struct request_idem *out,
    struct http_response *r)
{
	const char *v = http_header(hr, "Idempotency-Key");
	const char *who = request_actor(hr)->name;
	crypto_generichash_state h;
	size_t n;

	if (v == NULL)
		return 0;
	n = strlen(v);
	if (n == 0 || n > REQUEST_IDEM_KEY_MAX) {
		reply_error(r, 400, "Idempotency-Key",
		    "must be 1 to 128 printable ASCII characters");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] > 0x7e) {
			reply_error(r, 400, "Idempotency-Key",
			    "must be 1 to 128 printable ASCII characters");
			return -1;
		}
	memcpy(out->key, v, n + 1);
	/* each part NUL-ended, so no two requests hash the same text */
	crypto_generichash_init(&h, NULL, 0, sizeof out->hash);
	crypto_generichash_update(&h, (const unsigned char *)who,
	    strlen(who) + 1);
	crypto_generichash_update(&h, (const unsigned char *)hr->method,
	    strlen(hr->method) + 1);
	crypto_generichash_update(&h, (const unsigned char *)hr->path,
	    strlen(hr->path) + 1);
	crypto_generichash_update(&h, (const unsigned char *)hr->body,
	    hr->body_len);
	crypto_generichash_final(&h, out->hash, sizeof out->hash);
	return 1;
}
