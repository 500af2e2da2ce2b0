/* buf.h: the one growable byte buffer, bounded. Every buffer is born with
 * a maximum; an append that would pass it fails instead of growing the
 * buffer, so no outside input can make the process allocate without
 * limit. Storage grows by doubling, never past max + 1 bytes.
 *
 * The data is always followed by a NUL (not counted in the length), so a
 * buffer of text is a C string. Pure; malloc only.
 *
 * Failure is sticky: once an append fails, the content is left as it was
 * before that append, buf_error says why, and every later append fails
 * the same way until buf_reset. A caller emitting many small pieces may
 * therefore ignore each one and check buf_error once at the end.
 *
 *	struct buf b;
 *	buf_init(&b, 4096);
 *	if (buf_adds(&b, "/api") < 0 || buf_addf(&b, "/%d", n) < 0)
 *		... errno is ENOBUFS (past 4096 bytes) or ENOMEM ...
 *	use(buf_ptr(&b), buf_len(&b));
 *	buf_cleanup(&b);
 */
#ifndef BUF_H
#define BUF_H
#include <stddef.h>

#define BUF_MUST_CHECK __attribute__((__warn_unused_result__))

/* The fields are private: read them through the functions below. A
 * zeroed struct is an empty buffer of max 0. */
struct buf {
	char *p;    /* owned; NULL until something is added */
	size_t len; /* bytes held, the NUL excluded; len <= max */
	size_t cap; /* bytes allocated; len < cap when p != NULL */
	size_t max; /* the bound on len */
	int err;    /* errno of the first failed append, or 0 */
};

/* An empty buffer that will hold at most max bytes. Allocates nothing. */
void buf_init(struct buf *, size_t max);

/* Append. 0, or -1 with errno ENOBUFS (the result would be longer than
 * max) or ENOMEM, or the error of an earlier failed append. */
int buf_add(struct buf *, const void *data, size_t len) BUF_MUST_CHECK;
/* Appends the string s, its NUL excluded. */
int buf_adds(struct buf *, const char *s) BUF_MUST_CHECK;
/* Appends printf-style text, bounded like buf_add (EINVAL when fmt
 * cannot be formatted). */
int buf_addf(struct buf *, const char *fmt, ...) BUF_MUST_CHECK
    __attribute__((__format__(__printf__, 2, 3)));

/* Empties the buffer and clears its error; the storage and max are kept
 * for reuse. */
void buf_reset(struct buf *);
/* Frees the storage and empties the buffer; max is kept, so the buffer
 * can be used again. Safe on a zeroed struct and after buf_take. */
void buf_cleanup(struct buf *);
/* Hands the storage (len bytes and a NUL, free it with free()) to the
 * caller, len in *len, and leaves the buffer empty as buf_cleanup does.
 * NULL (and *len 0) when nothing was ever added. */
char *buf_take(struct buf *, size_t *len) BUF_MUST_CHECK;

/* The data, followed by a NUL; "" while nothing is held. Valid until
 * the next call that changes the buffer. */
static inline const char *
buf_ptr(const struct buf *b)
{
	return b->p != NULL ? b->p : "";
}

/* The same bytes, as unsigned char for binary data. */
static inline const unsigned char *
buf_uptr(const struct buf *b)
{
	return (const unsigned char *)buf_ptr(b);
}

static inline size_t
buf_len(const struct buf *b)
{
	return b->len;
}

/* 0, or the errno of the first append that failed since buf_init,
 * buf_reset or buf_cleanup (the content is then incomplete). */
static inline int
buf_error(const struct buf *b)
{
	return b->err;
}
#endif
