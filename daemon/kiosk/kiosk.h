/* kiosk.h: the pure core of the public kiosk (docs/kiosk.md). No I/O, no
 * clock, no allocation, no globals: the terminal list from the config,
 * the second factor a person types, and the last digits of a stored ID or
 * phone number. Any thread or fuzzer may call it. What a scanned or typed
 * text is (a token or a dossier code) is core/scantext.h, shared with the
 * scanner classifier. The loop-side parts (event streams, rate limits,
 * routes) are in kiosk_api.c. */
#ifndef KIOSK_H
#define KIOSK_H
#include <stdbool.h>
#include <stddef.h>

#define KIOSK_TERMINALS_MAX 32 /* terminals one office configures */
#define KIOSK_ID_MAX        16 /* bytes of a terminal id: [a-z0-9_-] */
#define KIOSK_ADDR_MAX      46 /* INET6_ADDRSTRLEN */
#define KIOSK_FACTOR_LEN    4  /* digits of the second factor */

struct kiosk_terminal { /* a plain value: owns nothing */
	char id[KIOSK_ID_MAX + 1];
	unsigned char addr[16];  /* the only client allowed its stream */
	size_t addr_len;         /* 4 or 16; 0: any address */
	int failures_per_minute; /* 0: the config's default */
};

/* Parses "id[@address][/failures_per_minute], ..." (white space around
 * entries is ignored; "" is an empty list). Fills out[0..*count), at most
 * KIOSK_TERMINALS_MAX. Returns NULL, or a static message naming the
 * problem ("terminal 'X': ..."); *count is then 0. */
const char *kiosk_terminals_parse(const char *spec,
    struct kiosk_terminal out[KIOSK_TERMINALS_MAX], size_t *count);

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
