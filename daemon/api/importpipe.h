/* importpipe.h: parses the lines of an import body on a worker thread
 * while the caller writes the records it has already received. Parsing
 * (JSON, NFC, dates) costs about as much as writing a record to SQLite, so
 * the two together on one core halve the import rate; the store stays on
 * the caller's thread. The parser is pure (importrec_parse), so the worker
 * touches nothing but the body and a bounded ring of parsed records.
 * One importpipe belongs to one caller thread. */
#ifndef IMPORTPIPE_H
#define IMPORTPIPE_H
#include <stdbool.h>
#include <stddef.h>

#include "core/importrec.h"

#define IMPORTPIPE_ERR_MAX 256

struct importpipe;

struct importpipe_item {
	long line; /* file line number */
	bool ok;   /* rec is valid; else err says why */
	struct import_rec rec;
	char err[IMPORTPIPE_ERR_MAX];
};

/* Starts parsing the non-blank lines of body[0..len) (borrowed until
 * importpipe_free), numbering them from first_line. Falls back to parsing
 * in importpipe_next when no thread can be started. NULL when out of
 * memory. */
struct importpipe *importpipe_start(const char *body, size_t len,
    long first_line);
/* The next parsed line, in order; NULL after the last. The item is valid
 * until the next call. */
const struct importpipe_item *importpipe_next(struct importpipe *);
/* Stops the worker if it still runs (the caller may stop early) and frees
 * everything. NULL is a no-op. */
void importpipe_free(struct importpipe *);
#endif
