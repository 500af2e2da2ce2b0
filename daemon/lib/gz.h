/* gz.h: gzip bodies (RFC 1952) with zlib, bounded. Pure: memory in,
 * memory out. Push bodies are JSON that compresses several times over;
 * on a slow commune link that is most of the transfer time. */
#ifndef GZ_H
#define GZ_H
#include <stddef.h>

/* Compresses len bytes of in. 0 with *out (malloc'd, caller frees) and
 * *outlen, or -1 (out of memory). */
int gz_compress(const void *in, size_t len, char **out, size_t *outlen);
/* Bodies up to this size inflate without the ratio bound. */
#define GZ_RATIO_FLOOR (64 * 1024)

/* Inflates a gzip body of outside origin into at most max bytes (plus a
 * NUL, not counted), and at most max_ratio times its compressed size once
 * past GZ_RATIO_FLOOR: a bomb stops there, having cost at most that much
 * memory and the time to inflate it (no bigger buffer is ever allocated).
 * max_ratio 0: no ratio bound. 0 with *out and *outlen; -1 when it is not
 * one whole valid gzip stream, or would inflate past either bound. */
int gz_inflate(const void *in, size_t len, size_t max, unsigned max_ratio,
    char **out, size_t *outlen);
#endif
