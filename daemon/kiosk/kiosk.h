/* kiosk.h: the pure core of the public kiosk (docs/kiosk.md). No I/O, no
 * clock, no allocation, no globals: the second factor a person types, and
 * the last digits of a stored ID or phone number. Any thread or fuzzer may
 * call it. What a scanned or typed text is (a token or a dossier code) is
 * core/scantext.h, shared with the scanner classifier; the terminal list
 * is core/termlist.h, shared with the config. The loop-side parts (event
 * streams, rate limits, routes) are in kiosk_api.c. */
#ifndef KIOSK_H
#define KIOSK_H
#include <stdbool.h>
#include <stddef.h>

#include "core/termlist.h"

#define KIOSK_TERMINALS_MAX TERMLIST_MAX /* the list: core/termlist.h */
#define KIOSK_ID_MAX        TERMLIST_ID_MAX
#define KIOSK_FACTOR_LEN    4 /* digits of the second factor */

/* The second factor as typed: exactly KIOSK_FACTOR_LEN digits once
 * spaces are removed (full-width digits are accepted). Writes them and a
 * NUL into out; false when it is not that. */
bool kiosk_factor_parse(const char *s, size_t len,
    char out[KIOSK_FACTOR_LEN + 1]);

/* The last KIOSK_FACTOR_LEN ASCII digits of a stored ID or phone number
 * (other characters skipped). False when it has fewer digits. */
bool kiosk_last_digits(const char *stored, size_t len,
    char out[KIOSK_FACTOR_LEN + 1]);

#endif
