/* htmlesc.h: text escaped for HTML element content and quoted attribute
 * values, written to a stdio stream. One escaper for the pages the daemon
 * renders in C (the A5 forms, the tracking book). */
#ifndef MOTCUA_HTMLESC_H
#define MOTCUA_HTMLESC_H

#include <stddef.h>
#include <stdio.h>

/* Writes at most n bytes of s (stopping at a NUL) with & < > " ' escaped. */
void htmlesc_write(FILE *, const char *s, size_t n);
/* The same for a whole NUL-terminated string. */
void htmlesc_puts(FILE *, const char *s);

#endif
