/* importrec.h: one line of a JSON Lines import (the upstream export format
 * in docs/api.md). Pure: parses bytes into a value, no store access. */
#ifndef IMPORTREC_H
#define IMPORTREC_H
#include <stddef.h>
#include <stdint.h>

#define IMPORT_LINE_MAX       (64 * 1024) /* longer lines are refused */
#define IMPORT_SUPPLEMENT_MAX 16
#define IMPORT_TEXT_MAX       512 /* any one string field, in bytes */
#define IMPORT_FOLD_MAX       (4 * IMPORT_TEXT_MAX) /* folding may grow text */

enum rating {
	RATING_NONE = 0,
	RATING_VERY_SATISFIED = 1,
	RATING_SATISFIED = 2,
	RATING_UNSATISFIED = 3
};

struct import_supplement {
	int64_t requested_at;
	int64_t completed_at; /* 0 when still open */
};

/* Every string is NUL-terminated UTF-8 in NFC; "" when absent. */
struct import_rec {
	char code[49]; /* canonical dossier code */
	char procedure_code[65];
	char procedure_name[IMPORT_TEXT_MAX];
	char field[IMPORT_TEXT_MAX];
	char agency_code[36];
	char agency_name[IMPORT_TEXT_MAX]; /* optional */
	char applicant_name[IMPORT_TEXT_MAX];
	/* text_fold of applicant_name and procedure_name, for search: done
	 * here, on the parsing thread, not by the store's writer. "" when
	 * the record was not made by importrec_parse. */
	char applicant_fold[IMPORT_FOLD_MAX];
	char procedure_fold[IMPORT_FOLD_MAX];
	char applicant_id_no[33]; /* optional; sensitive */
	char phone[33];           /* optional; sensitive */
	int channel;              /* enum channel */
	int delivery;             /* enum delivery; default counter */
	int status;               /* 1..10 */
	int64_t received_at, due_at;
	int64_t finished_at, returned_at; /* 0 when absent */
	int statutory_days;               /* optional procedure days; 0 */
	size_t nsupplements;
	struct import_supplement supplements[IMPORT_SUPPLEMENT_MAX];
	int rating; /* enum rating */
};

/* Parses one line (without its newline). Returns 0, or -1 and writes a
 * message naming the field and the problem into err ("due_at: not an ISO
 * 8601 time with an offset"). Checks cross-field rules too: due_at >=
 * received_at, finished_at and returned_at not before received_at. */
int importrec_parse(const char *line, size_t len, struct import_rec *out,
    char *err, size_t errlen);
const char *rating_name(int r);     /* "very_satisfied", ... or NULL */
int rating_from_name(const char *); /* RATING_NONE when unknown */
#endif
