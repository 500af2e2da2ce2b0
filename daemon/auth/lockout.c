/* lockout.c: failed sign-in backoff. See lockout.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/lockout.h"

uint64_t
lockout_delay_ms(unsigned failures, unsigned threshold, uint64_t base_ms,
    uint64_t max_ms)
{
	unsigned extra;
	uint64_t d = base_ms;

	if (threshold == 0)
		threshold = 1;
	if (failures < threshold)
		return 0;
	extra = failures - threshold;
	/* doubling stops at the cap: no shift past 63 bits */
	while (extra-- > 0 && d < max_ms)
		d *= 2;
	return d < max_ms ? d : max_ms;
}

struct lock_entry {
	unsigned char key[16]; /* BLAKE2b-128 of the key: fixed size */
	unsigned failures;
	uint64_t last_fail_ms, until_ms;
	bool used;
};

struct lockout {
	struct lock_entry *e; /* owned; cap entries */
	size_t cap, used;
	unsigned long evicted_in_window; /* the table was full of live counts */
	unsigned char hash_key[crypto_generichash_KEYBYTES]; /* random */
};

struct lockout *
lockout_new(size_t capacity)
{
	struct lockout *l = calloc(1, sizeof *l);

	if (l == NULL || capacity == 0 ||
	    (l->e = calloc(capacity, sizeof *l->e)) == NULL) {
		free(l);
		return NULL;
	}
	l->cap = capacity;
	randombytes_buf(l->hash_key, sizeof l->hash_key);
	return l;
}

void
lockout_free(struct lockout *l)
{
	if (l == NULL)
		return;
	free(l->e);
	free(l);
}

/* A key's count matters until it is unlocked and a quiet spell of twice
 * the cap has passed (lockout_fail then starts it again). */
static bool
in_window(const struct lock_entry *x, uint64_t now_ms, uint64_t max_ms)
{
	return x->until_ms > now_ms || now_ms - x->last_fail_ms <= 2 * max_ms;
}

/* Which entry a new key takes when the table is full. Counts still in
 * their window are kept: evicting one handed an attacker a fresh count
 * for a name after about a thousand other names had failed. So: a free
 * slot; else the oldest entry out of its window; else the unlocked entry
 * with the fewest failures (the names closest to a lock stay); else the
 * lock that ends first. */
static struct lock_entry *
victim_of(struct lockout *l, uint64_t now_ms, uint64_t max_ms)
{
	struct lock_entry *free_x = NULL, *old = NULL, *few = NULL,
	                  *soon = NULL;

	for (size_t i = 0; i < l->cap; i++) {
		struct lock_entry *x = &l->e[i];

		if (!x->used) {
			free_x = x;
			break;
		}
		if (!in_window(x, now_ms, max_ms)) {
			if (old == NULL || x->last_fail_ms < old->last_fail_ms)
				old = x;
		} else if (x->until_ms <= now_ms) {
			if (few == NULL || x->failures < few->failures ||
			    (x->failures == few->failures &&
			        x->last_fail_ms < few->last_fail_ms))
				few = x;
		} else if (soon == NULL || x->until_ms < soon->until_ms) {
			soon = x;
		}
	}
	if (free_x != NULL)
		return free_x;
	if (old != NULL)
		return old;
	l->evicted_in_window++;
	return few != NULL ? few : soon;
}

static struct lock_entry *
find(struct lockout *l, const void *key, size_t len, bool create,
    uint64_t now_ms, uint64_t max_ms)
{
	unsigned char h[16];
	struct lock_entry *victim;

	crypto_generichash(h, sizeof h, key, len, l->hash_key,
	    sizeof l->hash_key);
	for (size_t i = 0; i < l->cap; i++)
		if (l->e[i].used && memcmp(l->e[i].key, h, sizeof h) == 0)
			return &l->e[i];
	if (!create)
		return NULL;
	victim = victim_of(l, now_ms, max_ms);
	if (!victim->used)
		l->used++;
	memset(victim, 0, sizeof *victim);
	memcpy(victim->key, h, sizeof h);
	victim->used = true;
	return victim;
}

unsigned
lockout_failures(struct lockout *l, const void *key, size_t len,
    uint64_t now_ms, uint64_t max_ms)
{
	struct lock_entry *x = find(l, key, len, false, now_ms, max_ms);

	return x != NULL && in_window(x, now_ms, max_ms) ? x->failures : 0;
}

unsigned long
lockout_evicted_in_window(const struct lockout *l)
{
	return l->evicted_in_window;
}

bool
lockout_locked(struct lockout *l, const void *key, size_t len, uint64_t now_ms,
    unsigned *retry_s)
{
	struct lock_entry *x = find(l, key, len, false, now_ms, 0);

	if (x == NULL || x->until_ms <= now_ms)
		return false;
	if (retry_s != NULL)
		*retry_s = (unsigned)((x->until_ms - now_ms + 999) / 1000);
	return true;
}

uint64_t
lockout_fail(struct lockout *l, const void *key, size_t len, uint64_t now_ms,
    unsigned threshold, uint64_t base_ms, uint64_t max_ms)
{
	struct lock_entry *x = find(l, key, len, true, now_ms, max_ms);
	uint64_t d;

	/* a quiet spell twice the cap long starts the count again */
	if (x->failures > 0 && now_ms - x->last_fail_ms > 2 * max_ms &&
	    x->until_ms <= now_ms)
		x->failures = 0;
	if (x->failures < 1000000)
		x->failures++;
	x->last_fail_ms = now_ms;
	d = lockout_delay_ms(x->failures, threshold, base_ms, max_ms);
	x->until_ms = d > 0 ? now_ms + d : 0;
	return d;
}

void
lockout_reset(struct lockout *l, const void *key, size_t len)
{
	struct lock_entry *x = find(l, key, len, false, 0, 0);

	if (x != NULL) {
		memset(x, 0, sizeof *x);
		l->used--;
	}
}

size_t
lockout_tracked(const struct lockout *l)
{
	return l->used;
}
