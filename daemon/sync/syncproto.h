/* syncproto.h: the sync protocol's messages (docs/sync.md), as pure
 * functions: no I/O, no store. The terminal parses the hub's replies with
 * the *_reply functions; the hub parses pushes with syncproto_push_req.
 * Every parser takes untrusted bytes: it refuses more than its bound,
 * duplicate keys, unknown fields and wrong types, and names the field in
 * err. A reply that fails to parse must mark nothing as sent. */
#ifndef SYNCPROTO_H
#define SYNCPROTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/dcode.h"
#include "store/store.h"

#define SP_REPLY_MAX  (1u << 20) /* bytes of any reply the terminal reads */
#define SP_PUSH_MAX   1000       /* items in one push */
#define SP_PULL_MAX   1000       /* changes in one pull page */
#define SP_REASON_MAX 512        /* bytes of a reason, with the NUL */
#define SP_CURSOR_MAX 64         /* characters of a pull cursor */
#define SP_KEY_HEX    32         /* an idempotency key in hex */
#define SP_ERR_MAX    256
/* A push item's seq and base: 2^40, over a million events a day for
 * three thousand years, yet far enough below INT64_MAX that no seq can
 * put a dossier beyond every later one (the hub also bounds each step:
 * HUBSTORE_SEQ_STEP_MAX). */
#define SP_SEQ_MAX (INT64_C(1) << 40)

enum sp_result { SP_OK, SP_DUPLICATE, SP_REJECTED };

struct sp_push_result {
	enum sp_result result;
	bool applied;               /* status applied (false: superseded) */
	char reason[SP_REASON_MAX]; /* SP_REJECTED: upstream's reason */
};

/* The hub's answer to a push of nkeys items (keys[i]: the sent keys, 32
 * lowercase hex). Fills out[i] for keys[i]. The reply must answer every
 * sent key exactly once and no other: -1 otherwise, nothing filled. */
int sp_push_reply(const char *buf, size_t len,
    const char (*keys)[SP_KEY_HEX + 1], size_t nkeys,
    struct sp_push_result *out, char err[SP_ERR_MAX]);

/* One pull page. reasons are copied into the page. */
struct sp_pull_page {
	struct store_upstream_change ch[SP_PULL_MAX];
	char reason[SP_PULL_MAX][SP_REASON_MAX];
	size_t n;
	char cursor[SP_CURSOR_MAX + 1];
	bool more;
};
int sp_pull_reply(const char *buf, size_t len, struct sp_pull_page *out,
    char err[SP_ERR_MAX]);

/* A lookup answer: {"found": false} (returns 0, *found false) or
 * {"found": true, "dossier": {kiosk fields}}. */
int sp_lookup_reply(const char *buf, size_t len, bool *found,
    struct store_lookup *out, char err[SP_ERR_MAX]);

/* A verify answer: {"counts": {"1","2","3"}, "codes": [...], "more":
 * bool (a paged answer: codes follow the last)} with at most
 * SP_VERIFY_CODES_MAX codes; *codes is a new array of valid codes, *more
 * false when the answer has no "more". */
#define SP_VERIFY_CODES_MAX 200000
int sp_verify_reply(const char *buf, size_t len, int64_t counts[4],
    json_t **codes, bool *more, char err[SP_ERR_MAX]);

/* The terminal's wait before retrying after its failures-th failure in a
 * row (1 the first), in ms: full jitter, uniform in [0, min(max_ms,
 * min_ms * 2^(failures - 1))], drawn with uniform(n), a value in [0,
 * n) (randombytes_uniform; a test passes its own). An upstream Retry-After of
 * retry_after_s (curl's CURLINFO_RETRY_AFTER: any value, negative or 0 when
 * there was none) is waited in full even past max_ms (upstream knows its own
 * load), but never past SP_RETRY_AFTER_MAX_S, so that a wrong header
 * cannot stall the queue for days. Pure. */
#define SP_RETRY_AFTER_MAX_S 3600
uint64_t sp_backoff_ms(int min_ms, int max_ms, unsigned failures,
    int64_t retry_after_s, uint32_t (*uniform)(uint32_t n));

/* A cursor is 1..SP_CURSOR_MAX of [A-Za-z0-9_.-]. */
bool sp_cursor_valid(const char *s);
bool sp_key_valid(const char *s); /* 32 lowercase hex */

/* Hub side: one parsed push. The items borrow from root. */
struct sp_item {
	char key[SP_KEY_HEX + 1];
	bool valid; /* false: reject with why */
	char why[SP_REASON_MAX];
	const char *kind; /* "dossier_new", "status", "apology" */
	char code[DCODE_TEXT_MAX + 1];
	int64_t seq, base, at, due_at; /* due_at 0: none */
	int status;
	json_t *dossier; /* dossier_new: the checked record */
	json_t *item;    /* the whole item, for the hub's event log */
};
struct sp_push {
	json_t *root;          /* owned */
	struct sp_item *items; /* owned */
	size_t n;
	/* the terminal's outbox as its X-Motcua-Backlog header said; -1:
	 * not said (sp_push_req sets -1; the hub fills it) */
	int64_t backlog;
};
/* -1 when the body as a whole is unusable (not JSON, no items array,
 * too many items); items that break a rule come back with valid false.
 * sp_push_free releases it. */
int sp_push_req(const char *buf, size_t len, struct sp_push *out,
    char err[SP_ERR_MAX]);
void sp_push_free(struct sp_push *);
#endif
