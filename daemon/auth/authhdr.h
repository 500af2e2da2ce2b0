/* authhdr.h: the pure parts of staff authentication (auth.c has the
 * rest): Cookie and Authorization header parsing, the text form of
 * session ids, CSRF tokens and bearer tokens. No I/O; every input is
 * outside input and bounded. Roles are core/role.h; the failed-login
 * backoff table is auth/lockout.h. */
#ifndef AUTHHDR_H
#define AUTHHDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_SECRET_BYTES 32 /* session ids, CSRF tokens, bearer tokens */
#define AUTH_B64_LEN      43 /* 32 bytes in unpadded base64url */
#define AUTH_TOKEN_PREFIX "mct_"
#define AUTH_TOKEN_LEN    (4 + AUTH_B64_LEN) /* "mct_" + 43 */
#define AUTH_COOKIE       "motcua_session"

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
void authhdr_b64_encode(const unsigned char raw[AUTH_SECRET_BYTES],
    char out[AUTH_B64_LEN + 1]);
/* Exactly 43 base64url characters back to 32 bytes; false otherwise. */
bool authhdr_b64_decode(const char *text, unsigned char raw[AUTH_SECRET_BYTES]);
/* Bearer tokens: "mct_" + base64url(32 random bytes). */
void authhdr_token_encode(const unsigned char raw[AUTH_SECRET_BYTES],
    char out[AUTH_TOKEN_LEN + 1]);
bool authhdr_token_decode(const char *text,
    unsigned char raw[AUTH_SECRET_BYTES]);

#define AUTHHDR_NEXT_MAX 768 /* bytes of a sign-in page's ?next= */
/* Is next (len bytes, already percent-decoded once) a page of this host
 * the sign-in page may send to? Only a path under /staff/ (not the
 * sign-in page itself) of printable ASCII: no control character (browsers
 * drop tabs and newlines, so "/\t/evil" becomes "//evil"), no space, no
 * backslash (read as '/'), no "." or ".." segment, plain or as %2e, that
 * could climb out of /staff/ to "//host". Mirrored in staff-login.js. */
bool authhdr_next_valid(const char *next, size_t len);

#endif
