/* reply.c: JSON replies (reply.h). Doubles keep 15 significant digits, so
 * a report's shares survive the trip. */
#include <string.h>

#include "core/calendar.h"
#include "http/reply.h"

void
reply_json(struct http_response *r, int status, json_t *j)
{
	r->status = status;
	r->body =
	    j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(j);
	if (r->body == NULL) {
		r->status = 500;
		r->static_body =
		    "{\"error\":{\"field\":\"\",\"message\":\"out of memory\"}}";
		r->len = strlen(r->static_body);
		return;
	}
	r->len = strlen(r->body);
}

void
reply_error(struct http_response *r, int status, const char *field,
    const char *message)
{
	reply_json(r, status,
	    json_pack("{s:{s:s,s:s}}", "error", "field", field ? field : "",
	        "message", message ? message : ""));
}

const char *
reply_split(const char *err, char field[REPLY_FIELD_MAX])
{
	const char *colon = strstr(err, ": ");
	size_t n = colon != NULL ? (size_t)(colon - err) : 0;

	field[0] = '\0';
	if (colon == NULL || n >= REPLY_FIELD_MAX || memchr(err, ' ', n))
		return err;
	memcpy(field, err, n);
	field[n] = '\0';
	return colon + 2;
}

void
reply_problem(struct http_response *r, int status, const char *err)
{
	char field[REPLY_FIELD_MAX];
	const char *msg = reply_split(err, field);

	reply_error(r, status, field, msg);
}

json_t *
reply_text(const char *v)
{
	json_t *j = v != NULL ? json_string(v) : NULL;

	return j != NULL ? j : json_null();
}

json_t *
reply_time(int64_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	cal_format_iso(t, buf);
	return json_string(buf);
}
