/* jsonw.h: a bounded JSON writer for hot replies. The kiosk lookup is the
 * daemon's most frequent reply; building it as a jansson tree and dumping
 * it cost a sixth of the request's CPU (docs/benchmarks.md), so that reply
 * is written straight into a caller's buffer. Everything else uses
 * jansson. Pure; no allocation. */
#ifndef JSONW_H
#define JSONW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jsonw {
	char *buf;     /* borrowed; NUL-terminated while len < size */
	size_t size;   /* capacity of buf */
	size_t len;    /* bytes written */
	bool overflow; /* set once anything did not fit: the text is invalid */
	bool first;    /* no member yet in the current object */
};

void jsonw_init(struct jsonw *, char *buf, size_t size);
void jsonw_open(struct jsonw *, const char *key); /* key NULL: top level */
void jsonw_close(struct jsonw *);
/* Members. s must be valid UTF-8 (the store only holds such text); it is
 * escaped as JSON requires. */
void jsonw_str(struct jsonw *, const char *key, const char *s);
void jsonw_int(struct jsonw *, const char *key, int64_t v);
void jsonw_bool(struct jsonw *, const char *key, bool v);
void jsonw_null(struct jsonw *, const char *key);
/* The length written, or -1 when it overflowed. */
long jsonw_finish(const struct jsonw *);
#endif
