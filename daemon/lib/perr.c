/* perr.c: see perr.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/perr.h"

void
perr_add(struct perr *e, int line, const char *fmt, ...)
{
	char msg[512];
	int n;
	va_list ap;
	char *p;

	if (e->count > PERR_MAX)
		return;
	if (e->count == PERR_MAX) {
		snprintf(msg, sizeof msg, "%s: too many errors\n", e->file);
	} else {
		n = snprintf(msg, sizeof msg, "%s:%d: ", e->file, line);
		if (n < 0 || (size_t)n >= sizeof msg)
			n = 0;
		va_start(ap, fmt);
		vsnprintf(msg + n, sizeof msg - (size_t)n - 1, fmt, ap);
		va_end(ap);
		strcat(msg, "\n");
	}
	e->count++;
	n = (int)strlen(msg);
	if ((p = realloc(e->buf, e->len + (size_t)n + 1)) == NULL)
		return;
	e->buf = p;
	memcpy(e->buf + e->len, msg, (size_t)n + 1);
	e->len += (size_t)n;
}

char *
perr_take(struct perr *e)
{
	char *p = e->buf;

	e->buf = NULL;
	e->len = 0;
	e->count = 0;
	return p;
}

char *
perr_slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	if ((buf = malloc(max + 2)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f) || n > max) {
		int e = ferror(f) ? errno : EFBIG;

		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}
