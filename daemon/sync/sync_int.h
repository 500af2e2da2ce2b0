/* sync_int.h: what sync.c (the sender, the puller, the transfers) and
 * sync_status.c (the stall alarm, status and metrics) share and nobody
 * else sees: the state of the terminal's sync. Loop thread only. */
#ifndef SYNC_INT_H
#define SYNC_INT_H
#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>
#include <jansson.h>
#include <uv.h>

#include "config.h"
#include "core/dcode.h"
#include "store/store.h"
#include "sync/sync.h"
#include "sync/syncbuild.h"
#include "sync/syncproto.h"

#define TOKEN_MIN      32
#define TOKEN_MAX      256
#define POLL_IDLE_MS   5000 /* look at the outbox this often anyway */
#define KICK_DELAY_MS  20   /* gather a burst of intakes into a batch */
#define LOOKUPS_MAX    32   /* live lookups in flight */
#define VERIFIES_MAX   2
#define VERIFY_PAGE    20000   /* codes asked per verify page */
#define VERIFY_CODES   2000000 /* codes of one verify in all */
#define STALL_EVERY_MS 1000
#define STALL_REPEAT_S 600 /* repeat the stall warning this often */
#define PARKED_SHOWN   50
#define ERROR_MAX      256
#define UPSTREAMS_MAX  8 /* sync.upstream_url: URLs in the list */
#define URL_MAX        512
#define FAILBACK_MS    60000 /* back to the first URL after this long */
#define BUSY_MS        1000  /* staff wrote this recently: they are busy */
#define PACE_MAX_MS    10000 /* the longest pause between paced pushes */

enum xkind { X_PUSH, X_PULL, X_LOOKUP, X_VERIFY, X_LOGIN };

/* One `motcua sync verify`, asked page by page (VERIFY_PAGE codes each,
 * well under SP_REPLY_MAX): a busy office's month is more than one
 * reply. */
struct verify_run {
	int64_t from, to;
	int64_t counts[4];
	json_t *codes; /* owned: every page's, in order */
	char after[DCODE_TEXT_MAX + 1];
};

struct xfer {
	enum xkind kind;
	struct sync *s;
	size_t upstream; /* index of the URL it went to */
	CURL *easy;
	struct curl_slist *hdrs;
	char *body; /* request body, owned */
	size_t body_len;
	char *reply; /* owned; bounded by SP_REPLY_MAX */
	size_t len, cap;
	bool too_big;
	uint64_t wire_out, wire_in; /* HTTP bytes, headers and bodies */
	/* push */
	int64_t *ids;
	char (*keys)[SP_KEY_HEX + 1];
	size_t n;
	/* lookup / verify */
	sync_lookup_done *lookup_cb;
	sync_verify_done *verify_cb;
	struct verify_run *vr; /* X_VERIFY: owned */
	void *arg;
	struct xfer *next; /* in s->xfers */
};

struct sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct sync *s;
};

struct sync {
	uv_loop_t *loop;
	struct store *store;
	const struct config *cfg;
	/* sync.upstream_url's list, tried in order: cur is in use; a
	 * transport error or a 5xx moves to the next, and after
	 * FAILBACK_MS away the first is tried again */
	char upstreams[UPSTREAMS_MAX][URL_MAX];
	size_t nupstreams, cur;
	uint64_t switched_at; /* loop ms of the last move */
	bool failed_over;     /* the last transfer moved cur */
	uint64_t failovers;   /* counter */
	char token[TOKEN_MAX + 1];
	char auth[TOKEN_MAX + 32]; /* "Authorization: Bearer ..." */
	/* protocol = lgsp */
	char password[TOKEN_MAX + 1];
	char session[512];  /* from the adapter's login; "" until then */
	bool lgsp_updating; /* resend the head row as an update */
	bool enabled, stopping;
	CURLM *multi;
	uv_timer_t curl_timer, push_timer, pull_timer, stall_timer;
	int handles;        /* loop handles not yet closed after sync_stop */
	struct xfer *xfers; /* in flight */
	struct xfer *push, *pull;
	struct xfer *next; /* the push after s->push, read ahead */
	/* motcua protocol: builds batches off the loop (NULL until the
	 * first push); build_starts: the batch being built is to start
	 * as soon as it is ready (a push was due and none was ready) */
	struct syncbuild *build;
	bool build_starts;
	uint64_t build_started_ms; /* loop ms: the last build's start */
	/* pacing (pace_ms): loop ms of the last staff write, uv_hrtime of
	 * the push in flight's start, loop ms until which the pause after
	 * the last push lasts while staff write; paced: a backlog's paced
	 * pause is running */
	uint64_t last_kick_ms, push_started_ns, pause_until_ms;
	bool paced;
	int lookups, verifies;
	unsigned push_failures, pull_failures;
	uint64_t next_push_at; /* loop ms; 0 when not backing off */
	/* status */
	int64_t last_success_at, last_error_at, last_pull_at;
	int64_t last_stall_warn;
	bool stalled; /* at the last stall check */
	/* outbox items waiting at the last stall check (-1: none yet), told
	 * to the hub with each push for its offices page: no query of its
	 * own on the intake's database */
	int64_t backlog;
	char last_error[ERROR_MAX];
	/* counters */
	uint64_t requests, items_acked, items_parked, bytes_sent,
	    bytes_received, push_errors, pull_errors, pulled, lookups_total,
	    lookups_found, bad_replies;
};

/* The stall alarm (sync_status.c), every STALL_EVERY_MS while enabled. */
void sync_on_stall_timer(uv_timer_t *);
#endif
