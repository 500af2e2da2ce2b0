/* api_catalogue.c: the procedure catalogue, GET and POST
 * /api/v1/procedures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/catalogue_json.h"
#include "core/textfold.h"
#include "http/reply.h"
#include "lib/lines.h"

/* One catalogue line: {code, name, field, days, documents:[..], fee}. */
static int
procedure_line(const char *line, size_t len, struct store *st, char *err,
    size_t errlen)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	json_t *docs;
	struct store_procedure p = { 0 };
	const char *counter = NULL;
	char *docs_text = NULL;
	char serr[STORE_ERR_MAX];
	json_int_t days = 0, fee = 0;
	int rc = -1;

	if (o == NULL || !json_is_object(o)) {
		snprintf(err, errlen, "line: not a JSON object%s%s",
		    o ? "" : ": ", o ? "" : je.text);
		goto out;
	}
	if (json_unpack_ex(o, &je, 0, "{s:s,s:s,s:s,s:I,s?I,s?s}", "code",
	        &p.code, "name", &p.name, "field", &p.field, "days", &days,
	        "fee", &fee, "counter", &counter) != 0) {
		snprintf(err, errlen, "%s", je.text);
		goto out;
	}
	if (days < 1 || days > 3650) {
		snprintf(err, errlen, "days: must be from 1 to 3650");
		goto out;
	}
	if (fee < 0) {
		snprintf(err, errlen, "fee: must not be negative");
		goto out;
	}
	docs = json_object_get(o, "documents");
	if (docs != NULL && !json_is_array(docs)) {
		snprintf(err, errlen, "documents: must be an array of names");
		goto out;
	}
	if (docs != NULL)
		docs_text = json_dumps(docs, JSON_COMPACT);
	p.days = (int)days;
	p.fee = fee;
	p.documents = docs_text;
	if (counter != NULL &&
	    (strlen(counter) > 200 || !text_valid(counter, strlen(counter)))) {
		snprintf(err, errlen, "counter: text of at most 200 bytes");
		goto out;
	}
	if (store_put_procedure(st, &p, serr) != STORE_OK ||
	    (counter != NULL &&
	        store_procedure_counter(st, p.code, counter, serr) !=
	            STORE_OK)) {
		snprintf(err, errlen, "%s", serr);
		goto out;
	}
	rc = 0;
out:
	free(docs_text);
	json_decref(o);
	return rc;
}

static void
route_procedures_import(const struct route_ctx *a,
    const struct http_request *hr, struct http_response *r)
{
	struct lines ls = { hr->body, hr->body + hr->body_len, 0 };
	size_t ok = 0, rejected = 0, len;
	const char *line;
	char err[STORE_ERR_MAX];
	json_t *rej = json_array();
	long first = api_first_line(hr, r);

	if (first < 0 || rej == NULL) {
		json_decref(rej);
		return;
	}
	ls.no = first - 1;
	while (lines_next(&ls, &line, &len)) {
		if (lines_blank(line, len))
			continue;
		if (procedure_line(line, len, a->store, err, sizeof err) == 0)
			ok++;
		else
			api_reject(rej, ls.no, err, &rejected);
	}
	{ /* store_put_procedure audits without a name: say who */
		char actor[REQUEST_ACTOR_MAX], detail[64];

		request_actor_name(hr, NULL, actor, sizeof actor);
		snprintf(detail, sizeof detail, "imported=%zu rejected=%zu", ok,
		    rejected);
		store_audit(a->store, actor, "catalogue_import", NULL, detail);
	}
	reply_json(r, 200,
	    json_pack("{s:I,s:I,s:I,s:I,s:o}", "imported", (json_int_t)ok,
	        "updated", (json_int_t)0, "unchanged", (json_int_t)0,
	        "rejected_total", (json_int_t)rejected, "rejected", rej));
}

static void
route_procedures_get(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r)
{
	const char *q = http_query(hr, "q");
	json_t *j;

	if (q != NULL && (strlen(q) > 200 || !text_valid(q, strlen(q)))) {
		reply_error(r, 400, "q", "must be text of at most 200 bytes");
		return;
	}
	if ((j = catalogue_json_procedures(a->store, q)) == NULL) {
		reply_error(r, 500, "", "cannot read the catalogue");
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "procedures", j));
}

void
api_catalogue_import(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_procedures_import(a, hr, r);
}

void
api_catalogue_get(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_procedures_get(a, hr, r);
}
