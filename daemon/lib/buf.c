/* buf.c: see buf.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

#define BUF_FIRST 256 /* bytes of the first allocation, at most max + 1 */

void
buf_init(struct buf *b, size_t max)
{
	*b = (struct buf){ .max = max };
}

/* Records the first failure; -1 with errno set. */
static int
fail(struct buf *b, int err)
{
	if (b->err == 0)
		b->err = err;
	errno = b->err;
	return -1;
}

/* Makes room for n more bytes and the NUL after them. 0 or -1. */
static int
reserve(struct buf *b, size_t n)
{
	size_t need, cap, limit;
	char *p;

	if (b->err != 0)
		return fail(b, b->err);
	if (n > b->max - b->len || b->len + n == SIZE_MAX)
		return fail(b, ENOBUFS);
	need = b->len + n + 1;
	if (b->p != NULL && need <= b->cap)
		return 0;
	limit = b->max == SIZE_MAX ? SIZE_MAX : b->max + 1;
	cap = b->cap != 0 ? b->cap : BUF_FIRST;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
	if (cap > limit)
		cap = limit; /* still >= need: len + n <= max */
	if ((p = realloc(b->p, cap)) == NULL)
		return fail(b, ENOMEM);
	b->p = p;
	b->cap = cap;
	return 0;
}

int
buf_add(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return b->err != 0 ? fail(b, b->err) : 0;
	if (reserve(b, len) == -1)
		return -1;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

__attribute__((__format__(__printf__, 2, 0))) static int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (b->err != 0)
		return fail(b, b->err);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return fail(b, EINVAL);
	if (n == 0)
		return 0;
	if (reserve(b, (size_t)n) == -1)
		return -1;
	if (vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap) != n) {
		b->p[b->len] = '\0';
		return fail(b, EINVAL);
	}
	b->len += (size_t)n;
	return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
buf_cleanup(struct buf *b)
{
	free(b->p);
	*b = (struct buf){ .max = b->max };
}

char *
buf_take(struct buf *b, size_t *len)
{
	char *p = b->p;

	*len = b->len;
	*b = (struct buf){ .max = b->max };
	return p;
}
