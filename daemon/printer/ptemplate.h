/* ptemplate.h: receipt layouts as data (data/printer/templates/KIND.tpl)
 * and the engine that fills them into a layout of printed lines. Pure: no
 * I/O apart from ptemplate_load reading its file; no clock, no globals.
 *
 * A template is one element a line: DIRECTIVE [OPTION ...] [| TEXT].
 * '#' starts a comment line. Directives:
 *   text     a paragraph, wrapped to the paper width
 *   each F   the line once per item of list field F ({#} is the number);
 *            consecutive each lines over the same F form one block,
 *            printed whole for item 1, then for item 2, ...
 *   barcode  Code 128 of TEXT          qr    a QR code of TEXT
 *   rule     a full-width line         feed N, cut
 * Options: center, right, bold, big, trunc (one line, cut with "..."),
 * lines=N (at most N wrapped lines, the last cut with "..."), indent=N
 * (continuation lines), max=N (each: at most N items, then "... +K"),
 * if=F (only when field F is not empty). In TEXT, {name} is a field and
 * {{ a literal brace. Every field name is checked against the document's
 * field list when the template is loaded, so an error names the file and
 * line at start-up or reload, never at print time. Deleting a line removes
 * that element. */
#ifndef PTEMPLATE_H
#define PTEMPLATE_H
#include <stdbool.h>
#include <stddef.h>

#define PTEMPLATE_FILE_MAX   32768
#define PTEMPLATE_LINES_MAX  200  /* elements in one template */
#define PTEMPLATE_LAYOUT_MAX 2000 /* printed lines in one layout */
#define PTEMPLATE_VALUE_MAX  4096 /* bytes of one field value used */
#define PTEMPLATE_ITEMS_MAX  500  /* items of one list field used */

struct ptemplate;

/* Field values for one document: names[i] -> values[i], both borrowed.
 * A list field's items are separated by '\n'. */
struct ptemplate_fields {
	const char *const *names;
	const char *const *values;
	size_t count;
};

enum ptemplate_kind {
	PTEMPLATE_TEXT,
	PTEMPLATE_BARCODE,
	PTEMPLATE_QR,
	PTEMPLATE_RULE,
	PTEMPLATE_FEED,
	PTEMPLATE_CUT
};
enum ptemplate_align { PTEMPLATE_LEFT, PTEMPLATE_CENTER, PTEMPLATE_RIGHT };

struct ptemplate_item {
	enum ptemplate_kind kind;
	enum ptemplate_align align;
	bool bold, big;
	int n;      /* PTEMPLATE_FEED: lines */
	char *text; /* owned: one printed line (NFC UTF-8), or the payload */
};

struct ptemplate_layout { /* owns its items; ptemplate_layout_cleanup frees them
	                   */
	struct ptemplate_item *items;
	size_t count, cap;
};

/* Parses a template. allowed: the document's field names (NULL-ended);
 * list_fields: those that are lists (NULL-ended). NULL with every
 * problem in *errors ("file:line: problem" lines, caller frees). */
struct ptemplate *ptemplate_parse(const char *buf, size_t len, const char *name,
    const char *const *allowed, const char *const *list_fields, char **errors);
struct ptemplate *ptemplate_load(const char *path, const char *const *allowed,
    const char *const *list_fields, char **errors);
void ptemplate_free(struct ptemplate *); /* NULL is a no-op */
const char *ptemplate_name(const struct ptemplate *);

/* Fills the template into out (initialised by the call) for a paper of
 * width_chars. Values are NFC-normalised; control characters become
 * spaces and invalid UTF-8 '?'. 0, or -1 with errno (ENOMEM; ENOBUFS past
 * PTEMPLATE_LAYOUT_MAX lines). reprint: a "BẢN IN LẠI" banner goes first. */
int ptemplate_render(const struct ptemplate *, const struct ptemplate_fields *,
    int width_chars, bool reprint, struct ptemplate_layout *out);
void ptemplate_layout_cleanup(struct ptemplate_layout *);
#endif
