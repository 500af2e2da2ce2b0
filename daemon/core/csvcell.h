/* csvcell.h: one CSV cell, written one way for every CSV the daemon
 * serves (the reports, the postal returns): quoted when it holds a comma,
 * a quote or a line break (quotes doubled), and prefixed with ' when it
 * starts with = + - @, a tab or a carriage return, so that a spreadsheet
 * opening the file shows the text instead of running it as a formula
 * (CSV injection: a name or reason typed at a counter reaches an
 * office's spreadsheet). Pure. */
#ifndef CSVCELL_H
#define CSVCELL_H
#include <stdbool.h>
#include <stddef.h>

/* Where the cell's bytes go: n bytes at s, in order. */
typedef void csvcell_put(void *arg, const char *s, size_t n);

/* Does s start with a byte a spreadsheet reads as a formula? */
bool csvcell_formula(const char *s);
/* Writes s (NUL-ended; NULL: an empty cell) as one cell through put. */
void csvcell_write(const char *s, csvcell_put *put, void *arg);
#endif
