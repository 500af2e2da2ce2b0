/* authhdr.h: the pure parts of staff authentication (auth.c has the
 * rest): Cookie and Authorization header parsing, the text form of
 * session ids, CSRF tokens and bearer tokens, role names and role checks,
 * and the failed-login backoff table. No I/O; every input is outside
 * input and bounded. */
#ifndef AUTHHDR_H
#define AUTHHDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/actor.h"

#define AUTH_SECRET_BYTES 32 /* session ids, CSRF tokens, bearer tokens */
#define AUTH_B64_LEN      43 /* 32 bytes in unpadded base64url */
#define AUTH_TOKEN_PREFIX "mct_"
#define AUTH_TOKEN_LEN    (4 + AUTH_B64_LEN) /* "mct_" + 43 */
#define AUTH_COOKIE       "motcua_session"

/* A set of roles, for route checks: ROLE_BIT(ROLE_ADMIN) | ... */
#define ROLE_BIT(r) (1u << (unsigned)(r))
/* Every signed-in role but the kiosk's: staff who may see personal data. */
#define ROLES_STAFF                                                  \
	(ROLE_BIT(ROLE_POSTAL_CLERK) | ROLE_BIT(ROLE_OFFICE_STAFF) | \
	    ROLE_BIT(ROLE_ADMIN))
#define ROLES_OFFICE   (ROLE_BIT(ROLE_OFFICE_STAFF) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_POSTAL   (ROLE_BIT(ROLE_POSTAL_CLERK) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_ADMIN    ROLE_BIT(ROLE_ADMIN)
#define ROLES_SIGNEDIN (ROLES_STAFF | ROLE_BIT(ROLE_KIOSK))

/* "kiosk", "postal_clerk", "office_staff", "admin"; "none". */
const char *role_name(enum role);
/* The role of a name above (not "none"); -1 when unknown. */
int role_from_name(const char *);
/* Is the actor's role in the set? NULL or ROLE_NONE: never. */
bool role_in(const struct actor *, unsigned roles);

/* The value of cookie name in a Cookie header (RFC 6265 "a=b; c=d"),
 * copied into out when it fits (size includes the NUL). false when
 * absent, too long, or given twice (an attacker's cookie beside ours). */
bool authhdr_cookie(const char *header, const char *name, char *out,
    size_t size);
/* An Authorization header: 1 and the token in out for "Bearer TOKEN"
 * (scheme case-insensitive); 0 when header is NULL; -1 when malformed or
 * another scheme. */
int authhdr_bearer(const char *header, char *out, size_t size);

/* 32 bytes as 43 characters of unpadded base64url (out: 44 bytes). */
void auth_b64_encode(const unsigned char raw[AUTH_SECRET_BYTES],
    char out[AUTH_B64_LEN + 1]);
/* Exactly 43 base64url characters back to 32 bytes; false otherwise. */
bool auth_b64_decode(const char *text, unsigned char raw[AUTH_SECRET_BYTES]);
/* Bearer tokens: "mct_" + base64url(32 random bytes). */
void auth_token_encode(const unsigned char raw[AUTH_SECRET_BYTES],
    char out[AUTH_TOKEN_LEN + 1]);
bool auth_token_decode(const char *text, unsigned char raw[AUTH_SECRET_BYTES]);

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
