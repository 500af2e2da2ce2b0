/* token.h: opaque lookup tokens, 20 characters of Crockford base32 (no I,
 * L, O, U), so a kiosk QR stays small and a person can read one out:
 * - 4 characters of coarse issue order (the dossier's number / 256, modulo
 *   2^20), so that tokens issued together sit together in the store's
 *   index: a bulk import then appends to it instead of rewriting pages
 *   all over it (docs/benchmarks.md);
 * - 16 characters holding 80 random bits from libsodium: the secret.
 * Never derived from the dossier code. */
#ifndef TOKEN_H
#define TOKEN_H
#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#define TOKEN_PREFIX_LEN 4  /* issue order: seq >> 8, 20 bits */
#define TOKEN_RANDOM_LEN 16 /* 80 random bits */
#define TOKEN_LEN        (TOKEN_PREFIX_LEN + TOKEN_RANDOM_LEN) /* no NUL */

/* Fills out[0..TOKEN_LEN] with a new token and a NUL. seq orders tokens
 * (the store passes the dossier's number); it is not secret. */
void token_new(char out[TOKEN_LEN + 1], uint64_t seq);
/* True when s[0..len) has the token shape (any case accepted: the caller
 * upper-cases with token_normalise). */
bool token_valid(const char *s, size_t len);
/* Upper-cases and maps the look-alikes O->0, I/L->1 into out; returns
 * false when it is not a token. */
bool token_normalise(const char *s, size_t len, char out[TOKEN_LEN + 1]);
#endif
