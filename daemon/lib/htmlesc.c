/* htmlesc.c: see htmlesc.h. */
#include <string.h>

#include "lib/htmlesc.h"

void
htmlesc_write(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(s[i], f);
		}
	}
}

void
htmlesc_puts(FILE *f, const char *s)
{
	htmlesc_write(f, s, strlen(s));
}
