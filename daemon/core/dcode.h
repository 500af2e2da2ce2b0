/* dcode.h: dossier codes (mã hồ sơ, TT 01/2018 Art. 19), such as
 * "000.00.19.H26-260105-0007". Pure: no I/O, no clock, no allocation, no
 * globals, so any thread or fuzzer may call it. */
#ifndef DCODE_H
#define DCODE_H
#include <stdbool.h>
#include <stddef.h>

#define DCODE_TEXT_MAX   48   /* longer input is refused unread */
#define DCODE_AGENCY_MAX 35   /* QĐ 20/2020 Art. 4(1) */
#define DCODE_SEQ_MAX    9999 /* what we generate; see docs/domain.md */

enum dcode_err {
	DCODE_OK,
	DCODE_ELEN,    /* empty or longer than DCODE_TEXT_MAX */
	DCODE_ESHAPE,  /* not agency-YYMMDD-NNNN */
	DCODE_EAGENCY, /* agency groups: 1-4 of [0-9A-Z], 2-7 groups, <= 35 */
	DCODE_EDATE,   /* YYMMDD is not a calendar date */
	DCODE_ESEQ,    /* suffix is not 4 or 5 digits, or is zero */
};

struct dcode { /* a plain value: copy it freely, it owns nothing */
	char agency[DCODE_AGENCY_MAX + 1]; /* NUL-terminated, upper case */
	int yy, mm, dd;                    /* always a real calendar date */
	unsigned seq;                      /* 1..99999 */
	bool strict; /* the shape we generate: 3.2.2.L2 agency, 4 digits */
};

/* Parses len bytes of untrusted text (no NUL needed), leniently: leading
 * and trailing white space is trimmed, lower case is upper-cased, a 4- or
 * 5-digit suffix is accepted. On error *out is untouched and *at (when
 * not NULL) is the offset of the first bad byte. */
enum dcode_err dcode_parse(const char *s, size_t len, struct dcode *out,
    size_t *at);
/* A static message naming the field and the problem. */
const char *dcode_strerror(enum dcode_err);
/* Writes the canonical text (4-digit suffix, or 5 if seq > 9999) into buf.
 * Returns the length, or -1 when it does not fit or d is invalid. */
int dcode_format(const struct dcode *d, char *buf, size_t size);
/* True when agency is a valid agency code for generation (upper case). */
bool dcode_agency_valid(const char *agency);
/* A short code, the day and number only ("261207-0003", white space
 * around it trimmed), completed with agency into a full dossier code:
 * DCODE_OK with *out filled, or the error of parsing the result
 * (DCODE_ESHAPE when s is not YYMMDD-NNNN[N]). agency is borrowed. */
enum dcode_err dcode_complete(const char *s, size_t len, const char *agency,
    struct dcode *out);
/* An example to show with a parse error: a full code and a short one. */
#define DCODE_EXAMPLE                                           \
	"a dossier code looks like 000.00.19.H49-261207-0003, " \
	"or 261207-0003 for the office's own agency"
#endif
