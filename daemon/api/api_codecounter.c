/* api_codecounter.c: the operator's view of the per-agency, per-day code
 * counters (docs/api.md, "Code counters"): GET reads one, POST moves it.
 * Intake already skips numbers a dossier has (an import, a restored
 * backup); moving a counter is for numbers printed on paper receipts that
 * the store cannot know of. Admin only (daemon/routes.c); each move is an
 * audit row naming the actor. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/api_int.h"
#include "core/calendar.h"
#include "core/dcode.h"
#include "http/reply.h"
#include "http/request.h"
#include "lib/clock.h"
#include "lib/log.h"

/* {"agency_code","day","last_seq","next_seq","next_code"}: next_code is
 * null when the day is full. */
static void
reply_counter(const struct route_ctx *a, struct http_response *r,
    const char *agency, int day, int status)
{
	struct store_counter c;
	char err[STORE_ERR_MAX], date[16];
	enum store_rc rc;

	if ((rc = store_counter_get(a->store, agency, day, &c, err)) !=
	    STORE_OK) {
		api_reply_store(r, rc, err);
		return;
	}
	cal_format_date(day, date);
	reply_json(r, status,
	    json_pack("{s:s,s:s,s:I,s:I,s:o}", "agency_code", agency, "day",
	        date, "last_seq", (json_int_t)c.last_seq, "next_seq",
	        (json_int_t)c.next_seq, "next_code",
	        c.next_code[0] ? json_string(c.next_code) : json_null()));
}

/* GET /api/v1/counters?agency=&day=: agency defaults to the office's,
 * day to today (local). */
void
api_codecounter_get(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *agency = http_query(hr, "agency");
	int day;

	(void)pp;
	if (request_query_day(hr, "day", false, &day, r) == -1)
		return;
	if (day < 0)
		day = cal_local_day(clock_wall_s());
	if (agency == NULL || *agency == '\0')
		agency = a->cfg->agency_code;
	if (strlen(agency) > DCODE_AGENCY_MAX || !dcode_agency_valid(agency)) {
		reply_error(r, 400, "agency",
		    "not an agency code for dossier codes");
		return;
	}
	reply_counter(a, r, agency, day, 200);
}

/* POST /api/v1/counters {"agency_code", "day", "next"}: the next intake
 * of that agency and day gets number `next` (or the first one past it
 * that no dossier has). */
void
api_codecounter_set(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct request_body b;
	const char *agency = NULL, *date = NULL, *actor_name = NULL;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX], agency_buf[64];
	char date_buf[16];
	json_t *next;
	enum store_rc rc;
	int day;
	json_int_t n;

	(void)pp;
	if (request_body_parse(&b, hr) == -1 ||
	    request_body_str(&b, "agency_code", false, DCODE_AGENCY_MAX,
	        &agency) ||
	    request_body_str(&b, "day", true, 10, &date) ||
	    request_body_str(&b, "actor", false, 64, &actor_name)) {
		request_body_error(r, &b);
		return;
	}
	if (cal_parse_date(date, strlen(date), &day) == -1) {
		snprintf(b.err_field, sizeof b.err_field, "day");
		snprintf(b.err, sizeof b.err, "expected a date as YYYY-MM-DD");
		request_body_error(r, &b);
		return;
	}
	next = json_object_get(b.root, "next");
	n = json_is_integer(next) ? json_integer_value(next) : 0;
	if (n < 1 || n > DCODE_SEQ_MAX) {
		snprintf(b.err_field, sizeof b.err_field, "next");
		snprintf(b.err, sizeof b.err,
		    "required: the next number to issue, 1 to %d",
		    DCODE_SEQ_MAX);
		request_body_error(r, &b);
		return;
	}
	if (agency == NULL || *agency == '\0')
		agency = a->cfg->agency_code;
	/* the body is freed below; keep the agency code */
	snprintf(agency_buf, sizeof agency_buf, "%s", agency);
	request_actor_name(hr, actor_name, actor, sizeof actor);
	json_decref(b.root);
	rc = store_counter_set(a->store, agency_buf, day, (unsigned)(n - 1),
	    actor, err);
	if (rc != STORE_OK) {
		api_reply_store(r, rc, err);
		return;
	}
	cal_format_date(day, date_buf);
	log_info("counter of %s on %s moved to %lld by %s", agency_buf,
	    date_buf, (long long)n, actor);
	reply_counter(a, r, agency_buf, day, 200);
}
