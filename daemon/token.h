/* token.h: opaque lookup tokens. 80 random bits from libsodium, written
 * as 16 characters of Crockford base32 (no I, L, O, U), so a kiosk QR
 * stays small and a person can read one out. Never derived from a code. */
#ifndef TOKEN_H
#define TOKEN_H
#include <stdbool.h>
#include <stddef.h>

#define TOKEN_LEN 16 /* characters, without the NUL */

/* Fills out[0..TOKEN_LEN] with a new token and a NUL. */
void token_new(char out[TOKEN_LEN + 1]);
/* True when s[0..len) has the token shape (any case accepted: the caller
 * upper-cases with token_normalise). */
bool token_valid(const char *s, size_t len);
/* Upper-cases and maps the look-alikes O->0, I/L->1 into out; returns
 * false when it is not a token. */
bool token_normalise(const char *s, size_t len, char out[TOKEN_LEN + 1]);
#endif
