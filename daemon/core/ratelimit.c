/* ratelimit.c: see ratelimit.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/ratelimit.h"

#define WAYS 4

struct bucket {
	unsigned char key[RATELIMIT_KEY_MAX];
	unsigned char keylen; /* 0: slot is free */
	double tokens;        /* <= burst */
	uint64_t seen_ms;     /* last refill; LRU order inside a set */
};

struct ratelimit {
	struct bucket *b; /* owned; nsets * WAYS slots */
	size_t nsets;
	size_t used;
	double per_ms, burst;
	unsigned long refused_full;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
};

struct ratelimit *
ratelimit_new(size_t max_clients, double per_minute, double burst)
{
	struct ratelimit *rl;

	if (max_clients < WAYS || per_minute <= 0 || burst < 1) {
		errno = EINVAL;
		return NULL;
	}
	if ((rl = calloc(1, sizeof *rl)) == NULL)
		return NULL;
	rl->nsets = (max_clients + WAYS - 1) / WAYS;
	if ((rl->b = calloc(rl->nsets * WAYS, sizeof *rl->b)) == NULL) {
		free(rl);
		return NULL;
	}
	ratelimit_set(rl, per_minute, burst);
	/* sodium_init is idempotent and thread-safe; it seeds randombytes */
	if (sodium_init() < 0) {
		ratelimit_free(rl);
		errno = EIO;
		return NULL;
	}
	randombytes_buf(rl->hash_key, sizeof rl->hash_key);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	free(rl->b);
	free(rl);
}

void
ratelimit_set(struct ratelimit *rl, double per_minute, double burst)
{
	rl->per_ms = per_minute / 60000.0;
	rl->burst = burst;
	for (size_t i = 0; i < rl->nsets * WAYS; i++)
		if (rl->b[i].tokens > burst)
			rl->b[i].tokens = burst;
}

void
ratelimit_set_hash_key(struct ratelimit *rl,
    const unsigned char key[RATELIMIT_HASH_KEY_LEN])
{
	memcpy(rl->hash_key, key, sizeof rl->hash_key);
}

/* Keyed: with an unkeyed hash an attacker could choose keys that share a
 * chosen key's set (that is how a locked code was once flushed). */
static size_t
set_of(const struct ratelimit *rl, const unsigned char *k, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, k, len, rl->hash_key);
	memcpy(&h, out, sizeof h);
	return (size_t)(h % rl->nsets);
}

/* The bucket's tokens as of now, without writing them back. */
static double
tokens_at(const struct ratelimit *rl, const struct bucket *b, uint64_t now_ms)
{
	double t = b->tokens;

	if (now_ms > b->seen_ms)
		t += (double)(now_ms - b->seen_ms) * rl->per_ms;
	return t < rl->burst ? t : rl->burst;
}

/* Finds or makes the key's bucket, refilled to now; NULL when the key is
 * new and every slot of its set belongs to a key still owed tokens. */
static struct bucket *
get(struct ratelimit *rl, const void *key, size_t keylen, uint64_t now_ms)
{
	struct bucket *set, *victim = NULL, *b;

	if (keylen == 0) { /* an unknown address is one shared client */
		key = "";
		keylen = 1;
	}
	if (keylen > RATELIMIT_KEY_MAX)
		keylen = RATELIMIT_KEY_MAX;
	set = rl->b + set_of(rl, key, keylen) * WAYS;
	for (int i = 0; i < WAYS; i++) {
		b = &set[i];
		if (b->keylen == keylen && memcmp(b->key, key, keylen) == 0) {
			if (now_ms > b->seen_ms) {
				b->tokens +=
				    (double)(now_ms - b->seen_ms) * rl->per_ms;
				if (b->tokens > rl->burst)
					b->tokens = rl->burst;
				b->seen_ms = now_ms;
			}
			return b;
		}
		/* free, or refilled to its burst: forgetting it loses
		 * nothing; the oldest of those */
		if (b->keylen != 0 && tokens_at(rl, b, now_ms) < rl->burst)
			continue;
		if (victim == NULL || b->keylen == 0 ||
		    (victim->keylen != 0 && b->seen_ms < victim->seen_ms))
			victim = b;
	}
	if (victim == NULL) {
		rl->refused_full++;
		return NULL;
	}
	if (victim->keylen == 0)
		rl->used++;
	memcpy(victim->key, key, keylen);
	victim->keylen = (unsigned char)keylen;
	victim->tokens = rl->burst;
	victim->seen_ms = now_ms;
	return victim;
}

static bool
verdict(const struct ratelimit *rl, const struct bucket *b, unsigned *retry_s)
{
	if (b == NULL) { /* no room to remember it: refuse, fail closed */
		if (retry_s != NULL)
			*retry_s = (unsigned)ceil(1 / rl->per_ms / 1000);
		return false;
	}
	if (b->tokens >= 1)
		return true;
	if (retry_s != NULL)
		*retry_s = (unsigned)ceil((1 - b->tokens) / rl->per_ms / 1000);
	return false;
}

bool
ratelimit_check(struct ratelimit *rl, const void *key, size_t keylen,
    uint64_t now_ms, unsigned *retry_s)
{
	return verdict(rl, get(rl, key, keylen, now_ms), retry_s);
}

bool
ratelimit_take(struct ratelimit *rl, const void *key, size_t keylen,
    uint64_t now_ms, unsigned *retry_s)
{
	struct bucket *b = get(rl, key, keylen, now_ms);
	bool ok = verdict(rl, b, retry_s);

	if (ok && b != NULL)
		b->tokens -= 1;
	return ok;
}

size_t
ratelimit_tracked(const struct ratelimit *rl)
{
	return rl->used;
}

unsigned long
ratelimit_refused_full(const struct ratelimit *rl)
{
	return rl->refused_full;
}
