/* sync_status.c: what the terminal's sync tells about itself: the stall
 * alarm, `motcua sync status` and the /metrics lines (sync.h). */
#include <inttypes.h>
#include <stdio.h>

#include <jansson.h>
#include <uv.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "sync/sync_int.h"
#include "sync/sync_json.h"

/* ---- stall alarm ---- */

void
sync_on_stall_timer(uv_timer_t *t)
{
	struct sync *s = t->data;
	json_t *sum = sync_json_summary(s->store, 0);
	json_t *o = sum ? json_object_get(sum, "oldest_unsent_at") : NULL;
	int64_t now = clock_wall_s(), age;

	s->stalled = false;
	if (sum != NULL)
		s->backlog =
		    json_integer_value(json_object_get(sum, "pending"));
	if (json_is_integer(o)) {
		age = now - json_integer_value(o);
		s->stalled = age > s->cfg->stall_warn_s;
		if (age > s->cfg->stall_warn_s &&
		    now - s->last_stall_warn >= STALL_REPEAT_S) {
			s->last_stall_warn = now;
			log_warnx(
			    "sync: STALLED: the oldest unsent item is %" PRId64
			    " s old (sync.stall_warn_s = %d); last "
			    "error: %s",
			    age, s->cfg->stall_warn_s,
			    s->last_error[0] ? s->last_error : "none");
		}
	}
	json_decref(sum);
}
/* ---- status ---- */

bool
sync_stalled(const struct sync *s)
{
	return s->stalled;
}

json_t *
sync_status(struct sync *s)
{
	json_t *j = sync_json_summary(s->store, PARKED_SHOWN);
	json_t *o;
	char cursor[SP_CURSOR_MAX + 1] = "";
	uint64_t now_ms = uv_now(s->loop);

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "enabled", json_boolean(s->enabled));
	json_object_set_new(j, "upstream",
	    json_string(s->nupstreams > 0 ? s->upstreams[s->cur] : ""));
	{
		json_t *all = json_array();

		for (size_t i = 0; i < s->nupstreams; i++)
			json_array_append_new(all,
			    json_string(s->upstreams[i]));
		json_object_set_new(j, "upstreams", all);
	}
	json_object_set_new(j, "protocol",
	    json_string(s->cfg->lgsp ? "lgsp" : "motcua"));
	o = json_object_get(j, "oldest_unsent_at");
	json_object_set_new(j, "oldest_unsent_age_s",
	    json_is_integer(o)
	        ? json_integer(clock_wall_s() - json_integer_value(o))
	        : json_null());
	json_object_set_new(j, "stalled",
	    json_boolean(json_is_integer(o) &&
	        clock_wall_s() - json_integer_value(o) > s->cfg->stall_warn_s));
	json_object_set_new(j, "last_success_at",
	    s->last_success_at ? json_integer(s->last_success_at)
	                       : json_null());
	json_object_set_new(j, "last_error",
	    s->last_error[0] ? json_string(s->last_error) : json_null());
	json_object_set_new(j, "last_error_at",
	    s->last_error_at ? json_integer(s->last_error_at) : json_null());
	json_object_set_new(j, "next_attempt_in_ms",
	    s->next_push_at > now_ms
	        ? json_integer((json_int_t)(s->next_push_at - now_ms))
	        : json_integer(0));
	json_object_set_new(j, "failures", json_integer(s->push_failures));
	json_object_set_new(j, "paced", json_boolean(s->paced));
	store_sync_state_get(s->store, "pull_cursor", cursor, sizeof cursor);
	json_object_set_new(j, "pull_cursor",
	    cursor[0] ? json_string(cursor) : json_null());
	json_object_set_new(j, "last_pull_at",
	    s->last_pull_at ? json_integer(s->last_pull_at) : json_null());
	json_object_set_new(j, "requests",
	    json_integer((json_int_t)s->requests));
	json_object_set_new(j, "items_acked",
	    json_integer((json_int_t)s->items_acked));
	json_object_set_new(j, "bytes_sent",
	    json_integer((json_int_t)s->bytes_sent));
	json_object_set_new(j, "bytes_received",
	    json_integer((json_int_t)s->bytes_received));
	return j;
}

void
sync_metrics(struct sync *s, FILE *f)
{
	json_t *j = sync_json_summary(s->store, 0), *o;
	int64_t age = 0;

	if (j == NULL)
		return;
	o = json_object_get(j, "oldest_unsent_at");
	if (json_is_integer(o))
		age = clock_wall_s() - json_integer_value(o);
#define G(name, help, v)                                                   \
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, \
	    name, name, (long long)(v))
#define C(name, help, v)                                                     \
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, \
	    name, name, (unsigned long long)(v))
	G("motcua_sync_enabled", "1 when an upstream is configured.",
	    s->enabled);
	G("motcua_sync_queue_length", "Outbox items waiting to be sent.",
	    json_integer_value(json_object_get(j, "pending")));
	G("motcua_sync_oldest_unsent_age_seconds",
	    "Age of the oldest unsent outbox item (0: none).", age);
	G("motcua_sync_stalled", "1 when that age passed sync.stall_warn_s.",
	    age > s->cfg->stall_warn_s);
	G("motcua_sync_parked", "Items upstream refused, parked for people.",
	    json_integer_value(json_object_get(j, "parked_count")));
	G("motcua_sync_last_success_timestamp_seconds",
	    "Unix time of the last acknowledged push.", s->last_success_at);
	G("motcua_sync_last_error_timestamp_seconds",
	    "Unix time of the last sync error.", s->last_error_at);
	G("motcua_sync_consecutive_failures", "Push failures since a success.",
	    s->push_failures);
	C("motcua_sync_requests_total", "Requests sent upstream.", s->requests);
	C("motcua_sync_items_acked_total", "Items upstream acknowledged.",
	    s->items_acked);
	C("motcua_sync_items_parked_total", "Items upstream refused.",
	    s->items_parked);
	C("motcua_sync_push_errors_total", "Failed pushes.", s->push_errors);
	C("motcua_sync_pull_errors_total", "Failed pulls.", s->pull_errors);
	C("motcua_sync_bad_replies_total", "Upstream replies refused.",
	    s->bad_replies);
	C("motcua_sync_pulled_total", "Upstream changes applied.", s->pulled);
	C("motcua_sync_bytes_sent_total", "Bytes sent upstream.",
	    s->bytes_sent);
	C("motcua_sync_bytes_received_total", "Bytes received from upstream.",
	    s->bytes_received);
	C("motcua_sync_lookups_total", "Lookups asked upstream.",
	    s->lookups_total);
	C("motcua_sync_failovers_total",
	    "Moves to the next URL of sync.upstream_url.", s->failovers);
#undef G
#undef C
	json_decref(j);
}
