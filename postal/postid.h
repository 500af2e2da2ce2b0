/* postid.h: the identifiers the postal flow scans or types: UPU S10 item
 * ids (docs/postal.md, docs/domain.md) and our manifest (bảng kê) ids. Pure:
 * no I/O, no allocation, no globals; any thread or fuzzer may call it. */
#ifndef POSTID_H
#define POSTID_H
#include <stdbool.h>
#include <stddef.h>

#define S10_LEN 13 /* AA NNNNNNNN C CC */

enum s10_verdict {
	S10_VALID,       /* well formed, known indicator, right check digit */
	S10_BAD_FORMAT,  /* not AA + 9 digits + AA once spaces are removed */
	S10_RESERVED,    /* first letter J, K, S, T or W: overridable */
	S10_BAD_SERVICE, /* an indicator no UPU class assigns: overridable */
	S10_BAD_CHECK,   /* the check digit is wrong: overridable */
};

struct s10 {
	enum s10_verdict verdict;
	char id[S10_LEN + 1]; /* normalised (upper case, no spaces); "" on
	                       * S10_BAD_FORMAT */
	int expected_check;   /* the check digit the serial asks for, or -1 */
	const char *service;  /* the indicator's class ("EMS", "registered
	                       * letter", ...); static; NULL on bad format */
	const char *reason;   /* static, for people; NULL when valid */
	/* static, for programs and the pages' string tables (one key per
	 * reason): "empty", "too_long", "too_short", "letter_expected",
	 * "digit_expected", "reserved", "bad_service", "bad_check"; NULL
	 * when valid */
	const char *reason_code;
	size_t at; /* S10_BAD_FORMAT: byte offset of the fault */
};

/* The check digit for 8 serial digits (weights 8 6 4 2 3 5 9 7, 10 -> 0,
 * 11 -> 5), or -1 when one of them is not a digit. */
int s10_check_digit(const char serial[8]);

/* Checks len bytes of untrusted text: ASCII spaces (anywhere) are removed
 * and lower case is raised first. Fills out and returns out->verdict. */
enum s10_verdict s10_parse(const char *s, size_t len, struct s10 *out);

/* True for verdicts a clerk may override with a written reason. */
bool s10_overridable(enum s10_verdict);
const char *s10_verdict_name(enum s10_verdict); /* "valid", ... */

/* Manifest ids: "BK" YYYYMMDD "-" NNNN (the closing date and the day's
 * batch number, 1..9999), e.g. BK20261125-0003. Printed as Code 128. */
#define MANIFEST_ID_LEN 15
bool manifest_id_parse(const char *s, size_t len, int *y, int *m, int *d,
    int *seq);
/* Writes the id and a NUL into out; -1 when a field is out of range. */
int manifest_id_format(int y, int m, int d, int seq,
    char out[MANIFEST_ID_LEN + 1]);
#endif
