/* api_holidays.c: the holiday calendar, GET and POST /api/v1/holidays. */
#include <stdio.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "api/catalogue_json.h"
#include "core/calendar.h"
#include "http/reply.h"
#include "lib/lines.h"
#include "lib/log.h"

/* The holiday file is all or nothing: a calendar half-imported would give
 * wrong due dates without anyone noticing. */
static void
route_holidays_import(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r)
{
	struct lines ls = { hr->body, hr->body + hr->body_len, 0 };
	struct cal_holiday_line *hl = NULL;
	struct store_holiday *sh = NULL;
	size_t n = 0, cap = 0, bad = 0, len;
	char err[STORE_ERR_MAX], actor[REQUEST_ACTOR_MAX];
	const char *line;
	json_t *errs = json_array();
	enum store_rc rc;

	request_actor_name(hr, NULL, actor, sizeof actor);
	while (errs != NULL && lines_next(&ls, &line, &len)) {
		struct cal_holiday_line one;
		int k =
		    cal_parse_holiday_line(line, len, &one, err, sizeof err);

		if (k == 1)
			continue;
		if (k == -1) {
			api_reject(errs, ls.no, err, &bad);
			continue;
		}
		if (n == cap) {
			void *p =
			    reallocarray(hl, cap ? cap * 2 : 64, sizeof *hl);
			if (p == NULL)
				break;
			hl = p;
			cap = cap ? cap * 2 : 64;
		}
		hl[n++] = one;
		if (n > 10000) {
			api_reject(errs, ls.no, "file: more than 10000 entries",
			    &bad);
			break;
		}
	}
	if (errs == NULL || bad > 0 || n == 0) {
		if (errs != NULL && bad == 0)
			reply_json(r, 400,
			    json_pack("{s:{s:s,s:s},s:o}", "error", "field",
			        "file", "message", "no holiday lines found",
			        "errors", errs));
		else if (errs != NULL)
			reply_json(r, 400,
			    json_pack("{s:{s:s,s:s},s:o}", "error", "field",
			        "file", "message",
			        "the file has errors; nothing was imported",
			        "errors", errs));
		else
			reply_error(r, 500, "", "out of memory");
		free(hl);
		return;
	}
	json_decref(errs);
	if ((sh = calloc(n, sizeof *sh)) == NULL) {
		free(hl);
		reply_error(r, 500, "", "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		sh[i].day = hl[i].day;
		sh[i].kind = hl[i].kind;
		sh[i].name = hl[i].name;
		sh[i].source = hl[i].source;
	}
	rc = store_holidays_import(a->store, sh, n, actor, err);
	free(sh);
	free(hl);
	if (rc != STORE_OK) {
		api_reply_store(r, rc, err);
		return;
	}
	log_info("holidays: %zu entries imported by %s", n, actor);
	reply_json(r, 200, json_pack("{s:I}", "imported", (json_int_t)n));
}

static void
route_holidays_get(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r)
{
	const char *y = http_query(hr, "year");
	char *end;
	long year;
	json_t *j;

	year = y ? strtol(y, &end, 10) : 0;
	if (y == NULL || *y == '\0' || *end != '\0' || year < 1970 ||
	    year > 2199) {
		reply_error(r, 400, "year", "must be a year from 1970 to 2199");
		return;
	}
	if ((j = catalogue_json_holidays(a->store, (int)year)) == NULL) {
		reply_error(r, 500, "", "cannot read the holiday table");
		return;
	}
	/* provisional: due dates reaching this year are not final */
	reply_json(r, 200,
	    json_pack("{s:i,s:b,s:o}", "year", (int)year, "provisional",
	        cal_year_provisional(store_calendar(a->store), (int)year),
	        "holidays", j));
}

void
api_holidays_import(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_holidays_import(a, hr, r);
}

void
api_holidays_get(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_holidays_get(a, hr, r);
}
