/* lockout.h: failed sign-in backoff by key (a user name, a client
 * address), for auth.c. Pure apart from drawing its hash key; loop thread.
 * See docs/security.md for the limits it enforces. */
#ifndef LOCKOUT_H
#define LOCKOUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Failed-login backoff. With threshold T, base B and cap M (ms): after
 * the T-th consecutive failure the key is locked for B, after the next
 * for 2B, then 4B ... never longer than M. 0: no lock yet. */
uint64_t lockout_delay_ms(unsigned failures, unsigned threshold,
    uint64_t base_ms, uint64_t max_ms);

/* A bounded table of failure counts by key (a user name, a client
 * address), hashed under a random key. A count is kept for its window
 * (while locked, and twice the cap after its last failure): when the
 * table is full a count out of its window makes room first; only when
 * every count is live does the unlocked one with the fewest failures go
 * (then the lock that ends first), counted in lockout_evicted_in_window.
 * Owned by the caller; loop thread. */
struct lockout;
struct lockout *lockout_new(size_t capacity);
void lockout_free(struct lockout *);
/* Locked now? true with the seconds left (rounded up, >= 1) in
 * *retry_s. */
bool lockout_locked(struct lockout *, const void *key, size_t len,
    uint64_t now_ms, unsigned *retry_s);
/* Counts a failure; returns the new lock in ms (0: not locked). */
uint64_t lockout_fail(struct lockout *, const void *key, size_t len,
    uint64_t now_ms, unsigned threshold, uint64_t base_ms, uint64_t max_ms);
/* The key's failures still in their window (0: none), max_ms as given
 * to lockout_fail. */
unsigned lockout_failures(struct lockout *, const void *key, size_t len,
    uint64_t now_ms, uint64_t max_ms);
/* Live counts pushed out because the table was full of them. */
unsigned long lockout_evicted_in_window(const struct lockout *);
/* A success: forgets the key. */
void lockout_reset(struct lockout *, const void *key, size_t len);
size_t lockout_tracked(const struct lockout *);
#endif
