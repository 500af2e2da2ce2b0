/* cli_table.c: text tables for the terminal (see cli_table.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "cli/cli_table.h"

/* Columns a UTF-8 string takes on a terminal (Vietnamese text is mostly
 * one column a character; invalid bytes count one each). */
static size_t
text_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t w = 0;

	while (*p != '\0') {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);

		if (n <= 0) {
			w++;
			p++;
			continue;
		}
		w +=
		    (size_t)(utf8proc_charwidth(cp) > 0 ? utf8proc_charwidth(cp)
		                                        : 0);
		p += n;
	}
	return w;
}

int
cli_table_init(struct cli_table *t, size_t ncols)
{
	*t = (struct cli_table){ .ncols = ncols };
	t->width = calloc(ncols, sizeof(*t->width));
	return t->width == NULL ? -1 : 0;
}

int
cli_table_row(struct cli_table *t, const char *const *row)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **cells =
		    reallocarray(t->cells, cap * t->ncols, sizeof(*cells));

		if (cells == NULL)
			return -1;
		t->cells = cells;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *c = strdup(row[i] != NULL ? row[i] : "");
		size_t w;

		if (c == NULL) {
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return -1;
		}
		t->cells[t->nrows * t->ncols + i] = c;
		if ((w = text_width(c)) > t->width[i])
			t->width[i] = w;
	}
	t->nrows++;
	return 0;
}

void
cli_table_print(const struct cli_table *t, FILE *f)
{
	for (size_t r = 0; r < t->nrows; r++) {
		size_t last = t->ncols - 1; /* no padding after the last text */

		while (last > 0 && t->cells[r * t->ncols + last][0] == '\0')
			last--;
		for (size_t i = 0; i <= last; i++) {
			const char *c = t->cells[r * t->ncols + i];

			fputs(c, f);
			if (i == last)
				break;
			for (size_t w = text_width(c); w < t->width[i] + 2; w++)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
}

void
cli_table_free(struct cli_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	*t = (struct cli_table){ 0 };
}
