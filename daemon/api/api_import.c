/* api_import.c: POST /api/v1/import, the dossier import (docs/import.md):
 * lines are parsed on the import pipe's thread while this one writes them
 * in one transaction. */
#include <stdio.h>

#include "api/api_int.h"
#include "api/importpipe.h"
#include "core/importrec.h"
#include "http/reply.h"
#include "lib/log.h"

static void
route_import(const struct route_ctx *a, const struct http_request *hr,
    struct http_response *r)
{
	const struct importpipe_item *it;
	struct importpipe *pipe;
	char actor[REQUEST_ACTOR_MAX], err[STORE_ERR_MAX];
	size_t counts[3] = { 0 }, rejected = 0;
	enum import_outcome out;
	enum store_rc rc;
	json_t *rej;
	long first = api_first_line(hr, r);

	if (first < 0)
		return;
	if ((rej = json_array()) == NULL ||
	    (pipe = importpipe_start(hr->body, hr->body_len, first)) == NULL) {
		json_decref(rej);
		reply_error(r, 500, "", "out of memory");
		return;
	}
	request_actor_name(hr, NULL, actor, sizeof actor);
	if (store_import_begin(a->store, err) != STORE_OK) {
		importpipe_free(pipe);
		json_decref(rej);
		api_reply_store(r, STORE_ERROR, err);
		return;
	}
	/* Lines are parsed on the pipe's thread while this one writes. */
	while ((it = importpipe_next(pipe)) != NULL) {
		a->counters->import_lines++;
		if (!it->ok) {
			api_reject(rej, it->line, it->err, &rejected);
			continue;
		}
		rc = store_import_rec(a->store, &it->rec, actor, &out, err);
		if (rc == STORE_ERROR)
			break; /* the batch is lost: rolled back below */
		if (rc != STORE_OK) {
			api_reject(rej, it->line, err, &rejected);
			continue;
		}
		counts[out]++;
	}
	importpipe_free(pipe);
	if (store_import_commit(a->store, err) != STORE_OK) {
		store_import_rollback(a->store);
		json_decref(rej);
		api_reply_store(r, STORE_ERROR, err);
		return;
	}
	a->counters->import_rejected += rejected;
	log_info("import by %s: %zu imported, %zu updated, %zu unchanged, "
	         "%zu rejected",
	    actor, counts[IMPORT_IMPORTED], counts[IMPORT_UPDATED],
	    counts[IMPORT_UNCHANGED], rejected);
	reply_json(r, 200,
	    json_pack("{s:I,s:I,s:I,s:I,s:o}", "imported",
	        (json_int_t)counts[IMPORT_IMPORTED], "updated",
	        (json_int_t)counts[IMPORT_UPDATED], "unchanged",
	        (json_int_t)counts[IMPORT_UNCHANGED], "rejected_total",
	        (json_int_t)rejected, "rejected", rej));
}

void
api_import(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	route_import(a, hr, r);
}
