/* scantext.h: what a scanned or typed text is, for the kiosk and the
 * scanner classifier alike, so a kiosk and a clerk station never disagree
 * about a token or a dossier code. Pure: no I/O, no clock, no allocation.
 * Our receipts carry the lookup URL (".../l/TOKEN") or a bare token in the
 * QR, and the dossier code in the Code 128; a person types the code with
 * whatever their keyboard adds. */
#ifndef SCANTEXT_H
#define SCANTEXT_H
#include <stddef.h>

#include "core/dcode.h"
#include "core/token.h"

#define SCANTEXT_MAX 512 /* bytes of a scan payload; longer: unknown */

enum scantext_kind {
	SCANTEXT_TOKEN,   /* value: the normalised token */
	SCANTEXT_CODE,    /* value: the canonical dossier code */
	SCANTEXT_UNKNOWN, /* nothing usable: the value is empty */
};
struct scantext { /* a plain value */
	enum scantext_kind kind;
	char value[DCODE_TEXT_MAX + 1]; /* >= TOKEN_LEN + 1 */
};
/* Classifies len bytes of untrusted scanner output (binary allowed;
 * blanks, CR, LF and Tab at either end are ignored). Never copies the
 * payload itself: only a token or a code that parsed. */
void scantext_classify(const void *payload, size_t len, struct scantext *out);
const char *scantext_kind_name(enum scantext_kind); /* "token", ... */

/* Normalises a dossier code typed or scanned by a person: compatibility
 * forms (full-width digits), diacritics a Vietnamese keyboard may add,
 * any dash-like character, spaces and lower case are all forgiven, then
 * the code must parse (leniently, docs/domain.md). Writes the canonical
 * code into out. Returns DCODE_OK or the parser's error for the hint. */
enum dcode_err scantext_code_normalise(const char *s, size_t len,
    char out[DCODE_TEXT_MAX + 1]);
#endif
