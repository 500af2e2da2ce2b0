/* ratelimit.h: token buckets keyed by a client address or a hashed
 * dossier code, in a table of fixed size chosen at creation. The caller
 * passes the monotonic time.
 *
 * Memory stays bounded under floods of new keys, and no flood can make the
 * table forget a key that has spent tokens: a new key takes a free slot of
 * its 4-way set, or one whose bucket has refilled to its burst (forgetting
 * it loses nothing), never one still owed tokens. When every slot of the
 * set is owed tokens, the new key is refused (fail closed) and counted.
 * The set is chosen with SipHash under a random key drawn at creation, so
 * an attacker cannot pick keys that land in the set of a chosen one. */
#ifndef RATELIMIT_H
#define RATELIMIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KEY_MAX      16 /* an IPv6 address */
#define RATELIMIT_HASH_KEY_LEN 16 /* SipHash-2-4's key */

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
/* New keys refused because their set held only keys owed tokens. */
unsigned long ratelimit_refused_full(const struct ratelimit *);
/* Replaces the random hash key (tests: a fixed placement). */
void ratelimit_set_hash_key(struct ratelimit *,
    const unsigned char key[RATELIMIT_HASH_KEY_LEN]);
#endif
