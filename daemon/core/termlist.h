/* termlist.h: the kiosk terminal list of the config (kiosk.terminals,
 * docs/kiosk.md), parsed. Pure: no I/O, no allocation, no globals; the
 * config checks the list with it, the kiosk builds its terminals from it
 * and the scanner sections' terminals are checked against it. */
#ifndef TERMLIST_H
#define TERMLIST_H
#include <stdbool.h>
#include <stddef.h>

#define TERMLIST_MAX      32 /* terminals one office configures */
#define TERMLIST_ID_MAX   16 /* bytes of a terminal id: [a-z0-9_-] */
#define TERMLIST_ADDR_MAX 46 /* INET6_ADDRSTRLEN */

struct termlist_entry { /* a plain value: owns nothing */
	char id[TERMLIST_ID_MAX + 1];
	unsigned char addr[16];  /* the only client allowed its stream */
	size_t addr_len;         /* 4 or 16; 0: any address */
	int failures_per_minute; /* 0: the config's default */
};

/* Parses "id[@address][/failures_per_minute], ..." (white space around
 * entries is ignored; "" is an empty list). Fills out[0..*count), at most
 * TERMLIST_MAX. Returns NULL, or a static message naming the problem
 * ("terminal id: ..."); *count is then 0. */
const char *termlist_parse(const char *spec,
    struct termlist_entry out[TERMLIST_MAX], size_t *count);
/* Whether s (NUL-terminated, any length) could be a terminal id: 1 to
 * TERMLIST_ID_MAX characters of [a-z0-9_-]. */
bool termlist_id_valid(const char *s);
#endif
