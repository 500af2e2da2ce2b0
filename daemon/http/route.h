/* route.h: the rows of the daemon's one route table and their matcher.
 *
 * A row names the methods, a path pattern, who may call it and the one
 * handler. The table itself (daemon/routes.c) names every feature's
 * handlers, so that who may call what is reviewable in one place
 * (docs/security.md, "Roles", is checked against it by a test).
 *
 * A pattern is "/"-separated segments: a literal, "{name}" (one non-empty
 * segment, shorter than ROUTE_PARAM_MAX bytes, copied into the params) or
 * a final "*" that matches the rest of the path, empty or not. The matcher
 * is pure: no I/O, no state. Loop thread (the handlers). */
#ifndef ROUTE_H
#define ROUTE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/* Methods as bits: a row accepts a set. HEAD is a GET without a body for
 * the rows that say so (pages and public reads), as before the table. */
#define ROUTE_GET    0x01u
#define ROUTE_HEAD   0x02u
#define ROUTE_POST   0x04u
#define ROUTE_PUT    0x08u
#define ROUTE_DELETE 0x10u
#define ROUTE_OTHER  0x20u /* any other method */
#define ROUTE_READ   (ROUTE_GET | ROUTE_HEAD)
#define ROUTE_ANY    0x3fu

/* The bit of a method name. */
unsigned route_method(const char *method);

/* Who reaches a row. */
enum route_access {
	ROUTE_PUBLIC, /* every listener, without signing in: the kiosk's */
	ROUTE_SIGNIN, /* the staff listener only, before authentication */
	ROUTE_STAFF,  /* the admin socket and signed-in staff, by role */
};

#define ROUTE_PARAMS_MAX 2
#define ROUTE_PARAM_MAX  256 /* bytes of one {name} value, with the NUL */

/* What a pattern captured. Values are copies; rest points into the path
 * (the "*" segment's match, "" when none). Valid for the call. */
struct route_params {
	size_t count;
	const char *name[ROUTE_PARAMS_MAX]; /* the pattern's, not NUL-ended */
	size_t name_len[ROUTE_PARAMS_MAX];
	char value[ROUTE_PARAMS_MAX][ROUTE_PARAM_MAX];
	const char *rest;
};

/* The value of {name}; "" when the pattern has none. */
const char *route_param(const struct route_params *, const char *name);

/* Printing for features that queue documents but are not the printer
 * (the postal receipts, the counter's forms): daemon/main.c fills it from
 * printer/printer.h, so that no feature includes another
 * (docs/architecture.md). Each takes route_ctx.printer. */
struct route_print_ops {
	int (*queue_max)(const void *printer); /* jobs the queue may hold */
	void (*kick)(void *printer);           /* a job was queued */
	/* the receipt of code as a PNG file; its path (caller frees) */
	char *(*receipt_png)(void *printer, const char *code);
	/* queues a document (kind "supplement", "refusal", "apology",
	 * "control", ...) of ref after the write that asked for it; the
	 * job's id, or -1 (queue full or store error) */
	int64_t (*queue)(void *printer, const char *kind, const char *ref,
	    const char *actor);
};

/* The public lookup's counters, for /metrics. */
struct route_lookups {
	uint64_t hit, miss, limited;
};

/* /healthz's last store write check (routes.c), so that a client
 * polling it cannot make the loop wait on a locked store more than once
 * a second. */
#define ROUTE_HEALTH_WHY_MAX 64
struct route_health {
	uint64_t checked_ms; /* clock_mono_ms of the last check; 0: never */
	bool writable;
	char why[ROUTE_HEALTH_WHY_MAX]; /* !writable: SQLite's reason */
};

/* Upstream sync as the public lookup uses it, its live fallback for a
 * token not known here: daemon/main.c fills it from sync/sync.h. Each
 * takes route_ctx.sync. done() is called once, from the loop. */
struct store_lookup;
typedef void route_upstream_done(void *arg, bool found,
    const struct store_lookup *, const char *error);
struct route_upstream_ops {
	bool (*enabled)(const void *sync);
	int (*lookup)(void *sync, const char *token, route_upstream_done *,
	    void *arg);
};

/* Biểu II.06a rendered by the report feature from rows counted
 * elsewhere (the hub's province report, sync/hub.c): daemon/main.c fills
 * it from report/api_report.h. form06a fills r with the form in
 * p->format (JSON, CSV, XLSX or HTML); rows and the counts are borrowed
 * for the call. */
struct report_params;
struct store_report_row;
struct store_unaccepted;
struct route_ctx;
struct route_report_ops {
	void (*form06a)(const struct route_ctx *, const struct report_params *p,
	    const struct store_report_row *rows, size_t n,
	    const struct store_report_row *total,
	    const struct store_unaccepted *unaccepted, struct http_response *r);
};

/* The services a handler may use: one value built and owned by
 * daemon/main.c, borrowed by every handler for the call. The pointers
 * not set (NULL) mean the feature is off. http/ only carries it. */
struct route_ctx {
	struct store *store;
	struct ratelimit *rl;
	const struct config *cfg; /* swapped by main.c on reload */
	struct kiosk *kiosk;
	struct sync *sync;
	const struct route_upstream_ops *upstream; /* over sync; NULL: none */
	struct route_lookups *lookups;             /* owned by main.c */
	struct route_health *health; /* owned by main.c; NULL: no cache */
	struct hub *hub;             /* hub role only */
	struct printer *printer;
	/* printer through ops, for features other than the printer's own
	 * routes (postal receipts); NULL when there is no printer */
	const struct route_print_ops *print;
	const struct route_report_ops *report; /* 06a forms for the hub */
	struct scanners *scanners; /* api/scanners.h: scanner routes */
	struct auth *auth;
	struct api_counters *counters; /* api/api.h: /metrics counters */
	struct backup *backup;         /* api/backup.h: POST /api/v1/backup */
	/* the table's own counters, for /metrics */
	uint64_t requests, errors_4xx, errors_5xx;
};

typedef void route_handler(const struct route_ctx *,
    const struct http_request *, const struct route_params *,
    struct http_response *);

struct route {
	unsigned methods; /* ROUTE_* bits */
	const char *pattern;
	enum route_access access;
	unsigned roles; /* ROLE_BIT() set (core/role.h) for ROUTE_STAFF */
	route_handler *handler;
	/* Another method on this path answers 405 "use ..." rather than
	 * 404 (the routes that always did). */
	bool method_405;
	/* Bytes a request body may have on this row (0: ROUTE_BODY_SMALL);
	 * enforced from the headers, before the body is read (http_gate),
	 * and never above the listener's own limit. */
	size_t body_max;
};

#define ROUTE_BODY_SMALL (64u << 10) /* every row that says nothing */
#define ROUTE_BODY_LARGE (16u << 20) /* file imports */

/* A row's body limit: its body_max, else ROUTE_BODY_SMALL. */
size_t route_body_max(const struct route *);

/* The first row of table[0..count) whose access is in the access_mask
 * (bits 1 << enum route_access), whose pattern matches path and whose
 * methods hold method; its captures in *params. NULL when none: then
 * *allow holds the methods of the matching rows that answer 405 (0: a
 * 404) and *allow_roles their roles. */
const struct route *route_find(const struct route *table, size_t count,
    unsigned access_mask, const char *method, const char *path,
    struct route_params *params, unsigned *allow, unsigned *allow_roles);

/* Does pattern match path? Captures into params (may be NULL). */
bool route_match(const char *pattern, const char *path,
    struct route_params *params);

/* "GET or POST" for a set of methods, into buf. */
void route_methods_text(unsigned methods, char *buf, size_t size);
#endif
