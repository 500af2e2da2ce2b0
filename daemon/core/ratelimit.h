/* ratelimit.h: token buckets keyed by a client address, in a table of
 * fixed size chosen at creation. Pure: the caller passes the monotonic
 * time. When the table is full the least recently seen client in the key's
 * 4-way set is forgotten, so memory stays bounded under address floods. */
#ifndef RATELIMIT_H
#define RATELIMIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KEY_MAX 16 /* an IPv6 address */

struct ratelimit;

/* max_clients is rounded up to a multiple of 4. per_minute > 0 tokens are
 * added each minute, up to burst. NULL and errno on allocation failure. */
struct ratelimit *ratelimit_new(size_t max_clients, double per_minute,
    double burst);
void ratelimit_free(struct ratelimit *); /* NULL is a no-op */
/* Changes the rates on reload; buckets keep their tokens (capped). */
void ratelimit_set(struct ratelimit *, double per_minute, double burst);
/* True when the client has a token left; does not consume one. When it
 * has none, *retry_s (if not NULL) is the wait until the next token. */
bool ratelimit_check(struct ratelimit *, const void *key, size_t keylen,
    uint64_t now_ms, unsigned *retry_s);
/* Consumes one token (after a miss). Returns what ratelimit_check would
 * have returned before the call. */
bool ratelimit_take(struct ratelimit *, const void *key, size_t keylen,
    uint64_t now_ms, unsigned *retry_s);
size_t ratelimit_tracked(const struct ratelimit *); /* for /metrics */
#endif
