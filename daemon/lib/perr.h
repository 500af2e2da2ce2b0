/* perr.h: the one bounded list of "file:line: problem" lines, shared by
 * every reader of a data file: the config (config.c) and the printer's
 * profiles and templates. Plain value; zero it and set file; owns its
 * buffer (perr_take hands it over). */
#ifndef PERR_H
#define PERR_H
#include <stdbool.h>
#include <stddef.h>

#define PERR_MAX      50  /* lines kept; then one "too many errors" line */
#define PERR_LINE_MAX 512 /* bytes of one line; longer ones are cut */

struct perr {
	const char *file; /* borrowed: the name every line starts with */
	char *buf;        /* owned; each line ends in '\n'; NUL-terminated */
	size_t len;
	int count; /* lines added, the "too many" one included */
	bool full; /* PERR_MAX reached: later lines are dropped (the
	            * caller may stop reading: the rest is noise) */
	bool oom;  /* a line could not be kept: the list is incomplete */
};

/* Adds "file:line: problem" (line > 0) or "file: problem" (line 0). */
void perr_add(struct perr *, int line, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));
/* Returns the text (caller frees) or NULL when empty, and resets. */
char *perr_take(struct perr *);
/* Reads a whole file of at most max bytes into a malloc'd NUL-terminated
 * buffer. NULL with errno (EFBIG when larger). */
char *perr_slurp(const char *path, size_t max, size_t *len);
#endif
