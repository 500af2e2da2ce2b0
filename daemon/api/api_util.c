/* api_util.c: what the API's resource files share (api_int.h): the
 * clock, request bodies, query and path arguments, store errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_int.h"
#include "lib/clock.h"
#include "api/dossier_json.h"
#include "core/calendar.h"
#include "core/textfold.h"
#include "http/reply.h"
#include "lib/log.h"
#include "store/storerc.h"

void
api_reply_store(struct http_response *r, enum store_rc rc, const char *err)
{
	if (rc == STORE_ERROR)
		log_warnx("store: %s", err);
	reply_problem(r, storerc_status(rc), err);
}

int
api_body_parse(struct api_body *b, const struct http_request *hr)
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
api_body_str(struct api_body *b, const char *key, bool required, size_t max,
    const char **out)
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
api_body_time(struct api_body *b, const char *key, bool required, int64_t *out)
{
	const char *s, *why = NULL;

	*out = 0;
	if (api_body_str(b, key, required, 64, &s) == -1)
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

void
api_body_error(struct http_response *r, struct api_body *b)
{
	reply_error(r, 400, b->err_field, b->err);
	json_decref(b->root);
	b->root = NULL;
}

void
api_lookup_url(const struct route_ctx *a, const char *token, char *buf,
    size_t size)
{
	const char *base = a->cfg->public_url;
	size_t bl = strlen(base);

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(buf, size, "%.*s/l/%s", (int)bl, base, token);
}
/* Canonical code from a path segment, or a 400. */
int
api_path_code(const char *seg, size_t len, char code[DCODE_TEXT_MAX + 1],
    struct http_response *r)
{
	struct dcode d;
	enum dcode_err e = dcode_parse(seg, len, &d, NULL);

	if (e != DCODE_OK) {
		reply_error(r, 400, "code", dcode_strerror(e));
		return -1;
	}
	dcode_format(&d, code, DCODE_TEXT_MAX + 1);
	return 0;
}

void
api_reply_dossier(const struct route_ctx *a, struct http_response *r,
    const char *code, int status)
{
	enum store_rc rc = STORE_OK;
	json_t *j = dossier_json_read(a->store, code, clock_wall_s(), &rc);

	if (j == NULL) {
		api_reply_store(r, rc,
		    rc == STORE_NOTFOUND ? "code: no such dossier"
		                         : "dossier: cannot read it");
		return;
	}
	reply_json(r, status, j);
}
/* A YYYY-MM-DD query argument; -1 when absent. */
int
api_query_day(const struct http_request *hr, const char *key, bool required,
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
long
api_first_line(const struct http_request *hr, struct http_response *r)
{
	const char *v = http_query(hr, "first_line");
	char *end;
	long n;

	if (v == NULL)
		return 1;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 1 || n > 1000000000L) {
		reply_error(r, 400, "first_line",
		    "must be an integer from 1 to 1000000000");
		return -1;
	}
	return n;
}

void
api_reject(json_t *list, long line, const char *msg, size_t *total)
{
	if (json_array_size(list) < REJECTED_LIST_MAX)
		json_array_append_new(list,
		    json_pack("{s:I,s:s}", "line", (json_int_t)line, "error",
		        msg));
	(*total)++;
}
