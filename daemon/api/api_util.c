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
#include "core/factor.h"
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
api_path_code(const struct route_ctx *a, const char *seg, size_t len,
    char code[DCODE_TEXT_MAX + 1], struct http_response *r)
{
	struct dcode d;
	enum dcode_err e = dcode_parse(seg, len, &d, NULL);
	char msg[256];

	/* the counter types the day and number; the agency is ours */
	if (e != DCODE_OK &&
	    dcode_complete(seg, len, a->cfg->agency_code, &d) == DCODE_OK)
		e = DCODE_OK;
	if (e != DCODE_OK) {
		snprintf(msg, sizeof msg, "%s (%s)", dcode_strerror(e),
		    DCODE_EXAMPLE);
		reply_error(r, 400, "code", msg);
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
	/* which number opens it by code at the kiosk, for the counter to
	 * warn before printing when none does (docs/api.md) */
	json_object_set_new(j, "kiosk_factor",
	    json_string(
	        factor_kind_name(factor_choose(a->cfg->kiosk_factor_phone,
	            json_string_value(json_object_get(j, "owner_id_no")),
	            json_string_value(json_object_get(j, "phone"))))));
	reply_json(r, status, j);
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
