/* sync.h: the terminal's side of upstream sync (docs/sync.md). One
 * sender pushes outbox rows in order, in batches, and marks each sent only
 * after upstream acknowledged its key; a puller applies upstream status
 * changes by cursor; kiosk lookups of unknown tokens and `sync verify` ask
 * upstream. All transfers run on libcurl's multi-socket API driven by the
 * daemon's libuv loop (uv_poll per socket, one uv_timer): nothing blocks
 * the loop but the store's own commits. Loop thread only. */
#ifndef SYNC_H
#define SYNC_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <uv.h>

#include "config.h"
#include "http/http.h"
#include "store/store.h"

struct sync;

/* Borrows loop, store and cfg. Returns NULL (logged) when the config
 * cannot work (e.g. no token); a config without upstream_url gives a
 * sync that only reports itself off. */
struct sync *sync_new(uv_loop_t *, struct store *, const struct config *);
/* After a reload: new timeouts, URL, token (re-read). */
void sync_set_config(struct sync *, const struct config *);
/* Stops every transfer (pending lookups and verifies are answered 503)
 * and closes the loop handles; sync_free after the loop has ended. */
void sync_stop(struct sync *);
void sync_free(struct sync *); /* NULL: no-op */
/* New outbox rows were committed: push soon unless backing off. */
void sync_kick(struct sync *);
bool sync_enabled(const struct sync *);

/* {"enabled", "upstream", "pending", "oldest_unsent_at",
 * "oldest_unsent_age_s", "last_success_at", "last_error",
 * "last_error_at", "next_attempt_in_ms", "parked_count", "parked",
 * "pull_cursor", "last_pull_at", counters...}. */
json_t *sync_status(struct sync *);
/* Prometheus lines for /metrics. */
void sync_metrics(struct sync *, FILE *);
/* Was the oldest unsent item older than sync.stall_warn_s at the last
 * stall check (every STALL_EVERY_MS)? Cheap: for /healthz. */
bool sync_stalled(const struct sync *);

/* Live fallback: asks upstream about a token unknown here, for at most
 * sync.lookup_timeout_ms. done() is called once, from the loop, with
 * found and the view, or with an error text (upstream unreachable). */
typedef void sync_lookup_done(void *arg, bool found,
    const struct store_lookup *, const char *error);
int sync_lookup(struct sync *, const char *token, sync_lookup_done *,
    void *arg);

/* Upstream's counts and codes for local days [from_day, to_day]; done()
 * gets them (owned by the callee) or an error. -1: busy or stopping; -2:
 * the protocol has no such call (lgsp). */
typedef void sync_verify_done(void *arg, const int64_t counts[4], json_t *codes,
    const char *error);
int sync_verify(struct sync *, int from_day, int to_day, sync_verify_done *,
    void *arg);
#endif
