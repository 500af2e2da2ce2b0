/* cli_table.h: a text table for the terminal, columns aligned by
 * display width (Vietnamese text is mostly one column a character). */
#ifndef CLI_TABLE_H
#define CLI_TABLE_H
#include <stddef.h>
#include <stdio.h>

/* Cells are copied in; the table owns them. Start with cli_table_init,
 * end with cli_table_free (also after a failed init or row). */
struct cli_table {
	size_t ncols;
	size_t nrows;  /* header row included */
	size_t cap;    /* rows allocated */
	char **cells;  /* owned; nrows * ncols strings */
	size_t *width; /* owned; per column */
};

/* 0, or -1 when out of memory. */
int cli_table_init(struct cli_table *t, size_t ncols);
/* Adds a row of ncols strings (NULL counts as ""). 0, or -1 (ENOMEM). */
int cli_table_row(struct cli_table *t, const char *const *row);
/* Prints every row, the last non-empty column unpadded. */
void cli_table_print(const struct cli_table *t, FILE *f);
/* Frees what t owns; t is left empty. */
void cli_table_free(struct cli_table *t);
#endif
