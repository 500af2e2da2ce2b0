/* pwpolicy.h: which passwords and PINs an account may have
 * (docs/security.md "Passwords"). Pure: no store, no clock, no log.
 *
 * Staff roles (admin, office_staff, postal_clerk) need a password of at
 * least PWPOLICY_MIN_CHARS characters (code points, so a Vietnamese
 * passphrase counts its letters, not its bytes) that is not one
 * character repeated, does not contain the account's name, and is not
 * one of a small compiled-in list of the commonest passwords, checked
 * case-insensitively and also with the digits and symbols around a word
 * removed ("Password2024!" is "password"). The kiosk role signs in on a
 * touch screen with a PIN: PWPOLICY_PIN_MIN to PWPOLICY_PIN_MAX digits,
 * not one digit repeated, not a run (123456, 987654, 890123) and not a
 * common PIN. */
#ifndef PWPOLICY_H
#define PWPOLICY_H
#include <stddef.h>

#include "core/actor.h"

#define PWPOLICY_MIN_CHARS 12
#define PWPOLICY_PIN_MIN   6
#define PWPOLICY_PIN_MAX   8

enum pwpolicy_rc {
	PWPOLICY_OK,
	PWPOLICY_SHORT,    /* fewer than PWPOLICY_MIN_CHARS characters */
	PWPOLICY_ONE_CHAR, /* one character repeated */
	PWPOLICY_NAME,     /* contains the account's name */
	PWPOLICY_COMMON,   /* on the list of common passwords */
	PWPOLICY_PIN_FORM, /* a kiosk PIN that is not 6 to 8 digits */
	PWPOLICY_PIN_WEAK, /* one digit repeated, or a run */
	PWPOLICY_BAD_ROLE, /* ROLE_NONE or unknown */
};

/* Checks pw (len bytes, need not be NUL-terminated) for an account called
 * user (NUL-terminated; NULL: no name check) with role. */
enum pwpolicy_rc pwpolicy_check(const char *pw, size_t len, enum role role,
    const char *user);
/* The problem, for the "password" field of an error reply: static text,
 * e.g. "must be at least 12 characters for this role". */
const char *pwpolicy_strerror(enum pwpolicy_rc);
#endif
