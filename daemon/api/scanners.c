/* scanners.c: see scanners.h. */
#include <jansson.h>

#include "api/scanners.h"
#include "api/terminals.h"
#include "http/reply.h"
#include "scanner/scanconf.h"
#include "scanner/scanhub.h"

static json_t *
source_json(const struct scanhub_source_info *s)
{
	json_t *errs = json_object();

	for (size_t k = 0; k < s->ncounters; k++)
		json_object_set_new(errs, s->counters[k].name,
		    json_integer((json_int_t)s->counters[k].n));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:o}", "name",
	    s->conf->name, "type", scanconf_kind_name(s->conf->kind), "device",
	    s->conf->device, "terminal", s->conf->terminal, "state", s->state,
	    "detail", s->detail, "last_scan_at",
	    s->last_scan_at ? json_integer(s->last_scan_at) : json_null(),
	    "scans", (json_int_t)s->scans, "duplicates",
	    (json_int_t)s->duplicates, "errors", errs);
}

void
scanners_get(void *ctx, const struct http_request *hr, struct http_response *r)
{
	const struct scanners *sc = ctx;
	json_t *list = json_array(), *terms = json_array();
	struct scanhub_source_info s;
	const char *id;

	(void)hr;
	for (size_t i = 0; scanhub_source(sc->hub, i, &s); i++)
		json_array_append_new(list, source_json(&s));
	for (size_t i = 0; (id = scanhub_staff_terminal(sc->hub, i)) != NULL;
	     i++)
		json_array_append_new(terms,
		    json_pack("{s:s,s:s,s:I}", "id", id, "kind", "staff",
		        "streams",
		        (json_int_t)terminals_streams(sc->terms, id)));
	reply_json(r, 200,
	    json_pack("{s:o,s:o,s:I,s:I}", "scanners", list, "terminals", terms,
	        "dedup_ms", (json_int_t)scanhub_dedup_ms(sc->hub),
	        "dropped_streams", (json_int_t)terminals_dropped(sc->terms)));
}

void
scanners_metrics(const struct scanners *sc, FILE *f)
{
	struct scanhub_source_info s;

	fprintf(f,
	    "# HELP motcua_scans_total Scans taken from scanners, repeats "
	    "not counted.\n"
	    "# TYPE motcua_scans_total counter\n");
	for (size_t i = 0; scanhub_source(sc->hub, i, &s); i++)
		fprintf(f, "motcua_scans_total{source=\"%s\"} %llu\n",
		    s.conf->name, (unsigned long long)s.scans);
	fprintf(f,
	    "# HELP motcua_scan_errors_total Scanner errors by class.\n"
	    "# TYPE motcua_scan_errors_total counter\n");
	for (size_t i = 0; scanhub_source(sc->hub, i, &s); i++)
		for (size_t k = 0; k < s.ncounters; k++)
			fprintf(f,
			    "motcua_scan_errors_total{source=\"%s\","
			    "class=\"%s\"} %llu\n",
			    s.conf->name, s.counters[k].name,
			    (unsigned long long)s.counters[k].n);
}
