/* perr.c: see perr.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/perr.h"

static void
append(struct perr *e, const char *msg)
{
	size_t n = strlen(msg);
	char *p;

	if ((p = realloc(e->buf, e->len + n + 1)) == NULL) {
		e->oom = true;
		return;
	}
	e->buf = p;
	memcpy(e->buf + e->len, msg, n + 1);
	e->len += n;
}

void
perr_add(struct perr *e, int line, const char *fmt, ...)
{
	char msg[PERR_LINE_MAX];
	size_t n;
	int k;
	va_list ap;

	if (e->full)
		return;
	if (line > 0)
		k = snprintf(msg, sizeof msg, "%s:%d: ", e->file, line);
	else
		k = snprintf(msg, sizeof msg, "%s: ", e->file);
	n = k < 0 || (size_t)k >= sizeof msg ? 0 : (size_t)k;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - n - 1, fmt, ap);
	va_end(ap);
	strcat(msg, "\n");
	append(e, msg);
	if (++e->count == PERR_MAX) {
		snprintf(msg, sizeof msg,
		    "%s: too many errors, stopped reading\n", e->file);
		append(e, msg);
		e->count++;
		e->full = true;
	}
}

char *
perr_take(struct perr *e)
{
	char *p = e->buf;

	e->buf = NULL;
	e->len = 0;
	e->count = 0;
	e->full = e->oom = false;
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
