/* csvcell.c: see csvcell.h. */
#include <string.h>

#include "core/csvcell.h"

bool
csvcell_formula(const char *s)
{
	return s != NULL && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

void
csvcell_write(const char *s, csvcell_put *put, void *arg)
{
	bool quote;
	const char *q;

	if (s == NULL)
		return;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		put(arg, "\"", 1);
	if (csvcell_formula(s))
		put(arg, "'", 1);
	/* each run up to a quote, then the quote doubled */
	while ((q = strchr(s, '"')) != NULL) {
		put(arg, s, (size_t)(q - s) + 1);
		put(arg, "\"", 1);
		s = q + 1;
	}
	put(arg, s, strlen(s));
	if (quote)
		put(arg, "\"", 1);
}
