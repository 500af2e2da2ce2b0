/* report_json.c: the postal manifests for the report page
 * (report_json.h). */
#include "http/reply.h"
#include "report/report_json.h"

static int
add_manifest(void *arg, const struct store_manifest *m)
{
	json_array_append_new(arg,
	    json_pack("{s:o,s:o,s:I,s:I,s:I,s:I,s:o}", "id", reply_text(m->id),
	        "closed_at", reply_time(m->closed_at), "count",
	        (json_int_t)m->count, "arrived", (json_int_t)m->arrived,
	        "missing", (json_int_t)m->missing, "unexpected",
	        (json_int_t)m->unexpected, "state", reply_text(m->state)));
	return 0;
}

json_t *
report_json_manifests(struct store *s, int limit)
{
	json_t *arr = json_array();

	if (store_postal_manifests(s, limit, add_manifest, arr) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o}", "manifests", arr);
}
