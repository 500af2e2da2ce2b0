/* gz.h: gzip bodies (RFC 1952) with zlib, bounded. Pure: memory in,
 * memory out. Push bodies are JSON that compresses several times over;
 * on a slow commune link that is most of the transfer time. */
#ifndef GZ_H
#define GZ_H
#include <stddef.h>

/* Compresses len bytes of in. 0 with *out (malloc'd, caller frees) and
 * *outlen, or -1 (out of memory). */
int gz_compress(const void *in, size_t len, char **out, size_t *outlen);
/* Inflates a gzip body of outside origin into at most max bytes (plus a
 * NUL, not counted). 0 with *out and *outlen; -1 when it is not one whole
 * valid gzip stream, or would inflate past max (a zip bomb stops there). */
int gz_inflate(const void *in, size_t len, size_t max, char **out,
    size_t *outlen);
#endif
