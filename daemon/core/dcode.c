/* dcode.c: see dcode.h. A hand-written scanner rather than regcomp(): it
 * is bounded by DCODE_TEXT_MAX, needs no allocation, and can say which
 * byte is wrong. The grammar is the lenient ERE of docs/domain.md. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/dcode.h"

#define GROUP_MAX  4 /* characters in one agency group */
#define GROUPS_MIN 2
#define GROUPS_MAX 7

/* ASCII on purpose: isalnum() and toupper() follow the locale. */
static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static char
to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool
date_valid(int yy, int mm, int dd)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int max;

	if (yy < 0 || yy > 99 || mm < 1 || mm > 12 || dd < 1)
		return false;
	max = mdays[mm - 1];
	if (mm == 2 && leap(2000 + yy)) /* YY is 20YY: codes began in 2018 */
		max = 29;
	return dd <= max;
}

/* Checks an upper-case agency code of n bytes. Returns the offset of the
 * first bad byte, or n when it is valid. */
static size_t
agency_scan(const char *a, size_t n)
{
	size_t i, glen = 0;
	int groups = 1;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = a[i];

		if (c == '.') {
			if (glen == 0 || ++groups > GROUPS_MAX)
				return i;
			glen = 0;
		} else if (is_digit(c) || is_upper(c)) {
			if (++glen > GROUP_MAX)
				return i;
		} else {
			return i;
		}
		if (i >= DCODE_AGENCY_MAX)
			return i;
	}
	if (glen == 0) /* trailing '.' */
		return n - 1;
	return n; /* the caller checks GROUPS_MIN: it has no bad byte */
}

/* The shape we generate: ^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$
 * (the agency part of the strict ERE). a is already valid. */
static bool
agency_strict(const char *a, size_t n)
{
	static const char shape[] = "xxx.xx.xx.L99";
	size_t i;

	if (n != sizeof shape - 1)
		return false;
	for (i = 0; i < n; i++) {
		char c = a[i];

		switch (shape[i]) {
		case 'x':
			if (!is_digit(c) && !is_upper(c))
				return false;
			break;
		case 'L':
			if (!is_upper(c))
				return false;
			break;
		case '9':
			if (!is_digit(c))
				return false;
			break;
		default:
			if (c != shape[i])
				return false;
			break;
		}
	}
	return true;
}

static int
two_digits(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

enum dcode_err
dcode_parse(const char *s, size_t len, struct dcode *out, size_t *at)
{
	char t[DCODE_TEXT_MAX]; /* the trimmed, upper-cased text */
	struct dcode d;
	size_t b, e, n, i, dash, bad;
	size_t dummy;

	if (at == NULL)
		at = &dummy;
	*at = 0;
	if (s == NULL || len == 0 || len > DCODE_TEXT_MAX)
		return DCODE_ELEN;
	for (b = 0; b < len && is_space(s[b]); b++)
		;
	for (e = len; e > b && is_space(s[e - 1]); e--)
		;
	if (b == e) {
		*at = b;
		return DCODE_ELEN;
	}
	n = e - b;
	for (i = 0; i < n; i++)
		t[i] = to_upper(s[b + i]);

	/* From here an offset i into t is b + i in the caller's text. */
	for (dash = 0; dash < n && t[dash] != '-'; dash++)
		;
	bad = agency_scan(t, dash);
	if (bad < dash) {
		*at = b + bad;
		return DCODE_EAGENCY;
	}
	if (dash == n) {
		*at = b + n;
		return DCODE_ESHAPE;
	}
	if (memchr(t, '.', dash) == NULL) { /* fewer than GROUPS_MIN */
		*at = b;
		return DCODE_EAGENCY;
	}

	/* -YYMMDD- */
	for (i = dash + 1; i < dash + 7; i++) {
		if (i >= n || !is_digit(t[i])) {
			*at = b + i;
			return DCODE_ESHAPE;
		}
	}
	if (i >= n || t[i] != '-') {
		*at = b + i;
		return DCODE_ESHAPE;
	}
	memset(&d, 0, sizeof d);
	d.yy = two_digits(t + dash + 1);
	d.mm = two_digits(t + dash + 3);
	d.dd = two_digits(t + dash + 5);
	if (!date_valid(d.yy, d.mm, d.dd)) {
		*at = b + dash + 1;
		return DCODE_EDATE;
	}

	/* NNNN or NNNNN, then the end */
	for (i = dash + 8; i < n; i++) {
		if (!is_digit(t[i]) || i - (dash + 8) >= 5) {
			*at = b + i;
			return DCODE_ESEQ;
		}
		d.seq = d.seq * 10 + (unsigned)(t[i] - '0');
	}
	if (n - (dash + 8) < 4 || d.seq == 0) {
		*at = b + dash + 8;
		return DCODE_ESEQ;
	}

	memcpy(d.agency, t, dash);
	d.agency[dash] = '\0';
	d.strict = agency_strict(t, dash) && n - (dash + 8) == 4;
	*out = d;
	return DCODE_OK;
}

const char *
dcode_strerror(enum dcode_err err)
{
	switch (err) {
	case DCODE_OK:
		return "ok";
	case DCODE_ELEN:
		return "length: empty or longer than 48 characters";
	case DCODE_ESHAPE:
		return "form: not AGENCY-YYMMDD-NNNN";
	case DCODE_EAGENCY:
		return "agency: groups of 1-4 letters or digits joined by '.', "
		       "2 to 7 groups, at most 35 characters";
	case DCODE_EDATE:
		return "date: YYMMDD is not a calendar date";
	case DCODE_ESEQ:
		return "number: not 4 or 5 digits, or zero";
	}
	return "code: unknown error";
}

enum dcode_err
dcode_complete(const char *s, size_t len, const char *agency, struct dcode *out)
{
	char full[DCODE_TEXT_MAX + 1];
	size_t n;
	int w;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	/* YYMMDD-NNNN or YYMMDD-NNNNN; ASCII digits on purpose */
	if (len < 11 || len > 12 || s[6] != '-' || agency == NULL)
		return DCODE_ESHAPE;
	for (n = 0; n < len; n++)
		if (n != 6 && (s[n] < '0' || s[n] > '9'))
			return DCODE_ESHAPE;
	w = snprintf(full, sizeof full, "%s-%.*s", agency, (int)len, s);
	if (w < 0 || (size_t)w >= sizeof full)
		return DCODE_ELEN;
	return dcode_parse(full, (size_t)w, out, NULL);
}

bool
dcode_agency_valid(const char *agency)
{
	size_t n;

	if (agency == NULL)
		return false;
	/* Bounded: never read past one byte beyond the maximum. */
	n = strnlen(agency, DCODE_AGENCY_MAX + 1);
	if (n > DCODE_AGENCY_MAX || memchr(agency, '.', n) == NULL) /* 2+ */
		return false;
	return agency_scan(agency, n) == n;
}

int
dcode_format(const struct dcode *d, char *buf, size_t size)
{
	int n;

	if (d == NULL || buf == NULL || !dcode_agency_valid(d->agency) ||
	    !date_valid(d->yy, d->mm, d->dd) || d->seq < 1 || d->seq > 99999)
		return -1;
	n = snprintf(buf, size, "%s-%02d%02d%02d-%04u", d->agency, d->yy, d->mm,
	    d->dd, d->seq);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}
