/* perr.h: a bounded list of "file:line: problem" lines, shared by the
 * printer's data-file parsers (profiles and templates). Plain value; owns
 * its buffer (perr_take hands it over). */
#ifndef PERR_H
#define PERR_H
#include <stddef.h>

#define PERR_MAX 50 /* lines kept; then one "too many errors" */

struct perr {
	char *buf; /* owned; NULL while empty */
	size_t len;
	int count;
	const char *file; /* borrowed */
};

void perr_add(struct perr *, int line, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));
/* Returns the text (caller frees) or NULL when empty, and resets. */
char *perr_take(struct perr *);
/* Reads a whole file of at most max bytes into a malloc'd NUL-terminated
 * buffer. NULL with errno (EFBIG when larger). */
char *perr_slurp(const char *path, size_t max, size_t *len);
#endif
