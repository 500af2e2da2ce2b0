/* api_metrics.c: the first lines of /metrics (api.h). */
#include "api/api_int.h"
#include "core/ratelimit.h"

void
api_metrics(const struct route_ctx *a, FILE *f)
{
	struct store_stats ss = { 0 };

	store_stats(a->store, &ss);
#define COUNTER(name, help, v)                                               \
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, \
	    name, name, (unsigned long long)(v))
#define GAUGE(name, help, v)                                               \
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, \
	    name, name, (long long)(v))
	COUNTER("motcua_http_requests_total", "HTTP requests answered.",
	    a->requests);
	COUNTER("motcua_http_client_errors_total", "Replies with a 4xx status.",
	    a->errors_4xx);
	COUNTER("motcua_http_server_errors_total", "Replies with a 5xx status.",
	    a->errors_5xx);
	fprintf(f,
	    "# HELP motcua_lookups_total Kiosk lookups by outcome.\n"
	    "# TYPE motcua_lookups_total counter\n"
	    "motcua_lookups_total{outcome=\"hit\"} %llu\n"
	    "motcua_lookups_total{outcome=\"miss\"} %llu\n"
	    "motcua_lookups_total{outcome=\"rate_limited\"} %llu\n",
	    (unsigned long long)a->lookups->hit,
	    (unsigned long long)a->lookups->miss,
	    (unsigned long long)a->lookups->limited);
	COUNTER("motcua_intakes_total", "Dossiers registered at the counter.",
	    a->counters->intakes);
	COUNTER("motcua_status_changes_total", "Status changes by staff.",
	    a->counters->status_changes);
	COUNTER("motcua_import_lines_total", "Import lines processed.",
	    a->counters->import_lines);
	COUNTER("motcua_import_rejected_total", "Import lines rejected.",
	    a->counters->import_rejected);
	GAUGE("motcua_dossiers", "Dossiers in the local store.", ss.dossiers);
	GAUGE("motcua_outbox_pending", "Outbox rows not yet sent upstream.",
	    ss.outbox_pending);
	GAUGE("motcua_ratelimit_clients", "Client addresses tracked.",
	    ratelimit_tracked(a->rl));
#undef COUNTER
#undef GAUGE
}
