/* lines.h: walking the lines of a request body (import files, holiday
 * files, catalogues). Header-only: two tiny pure functions. */
#ifndef LINES_H
#define LINES_H
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct lines {
	const char *p, *end; /* borrowed: the rest of the body */
	long no;             /* number of the line last returned */
};

/* The next line without its "\n" or "\r\n"; false at the end. */
static inline bool
lines_next(struct lines *ls, const char **line, size_t *len)
{
	const char *nl, *e, *s;

	if (ls->p >= ls->end)
		return false;
	nl = memchr(ls->p, '\n', (size_t)(ls->end - ls->p));
	e = nl ? nl : ls->end;
	s = ls->p;
	ls->p = nl ? nl + 1 : ls->end;
	ls->no++;
	if (e > s && e[-1] == '\r')
		e--;
	*line = s;
	*len = (size_t)(e - s);
	return true;
}

/* True when the line holds only white space (ASCII on purpose). */
static inline bool
lines_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}
#endif
