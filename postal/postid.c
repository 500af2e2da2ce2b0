/* postid.c: S10 item ids and manifest ids (postid.h). The indicator
 * classes are docs/domain.md's table ("Postal item ids"); anything it does not
 * list is refused as unassigned, but a clerk may still override that, as
 * VNPost's own use of S10 is not fully documented. */
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "postal/postid.h"

int
s10_check_digit(const char serial[8])
{
	static const int w[8] = { 8, 6, 4, 2, 3, 5, 9, 7 };
	int i, sum = 0, c;

	for (i = 0; i < 8; i++) {
		if (serial[i] < '0' || serial[i] > '9')
			return -1;
		sum += (serial[i] - '0') * w[i];
	}
	c = 11 - sum % 11;
	return c == 10 ? 0 : c == 11 ? 5 : c;
}

/* The class of a two-letter indicator, or NULL when none is assigned. */
static const char *
service_class(char a, char b)
{
	switch (a) {
	case 'E':
		return b >= 'X' ? "EMS (bilateral)" : "EMS";
	case 'C':
		return b == 'Z' ? "parcel (bilateral)" : "parcel";
	case 'H':
		return "e-commerce parcel";
	case 'L':
		return "express letter";
	case 'R':
		return "registered letter";
	case 'V':
		return "insured letter";
	case 'U':
		return "other barcoded letter";
	case 'M':
		return "M-bag";
	case 'Q':
		return b <= 'M' ? "IBRS" : NULL;
	case 'A':
		return b >= 'V' ? "domestic or bilateral" : NULL;
	case 'G':
		return b == 'A' || b == 'D' ? "domestic or bilateral" : NULL;
	case 'B':
	case 'D':
	case 'N':
	case 'P':
	case 'Z':
		return "domestic or bilateral";
	default:
		return NULL;
	}
}

static bool
upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

enum s10_verdict
s10_parse(const char *s, size_t len, struct s10 *out)
{
	char id[S10_LEN];
	size_t i, n = 0, pos[S10_LEN];

	memset(out, 0, sizeof *out);
	out->expected_check = -1;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ' ' || c == '\t')
			continue;
		if (n == S10_LEN) {
			out->verdict = S10_BAD_FORMAT;
			out->reason = "longer than 13 characters";
			out->reason_code = "too_long";
			out->at = i;
			return out->verdict;
		}
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		pos[n] = i;
		id[n++] = c;
	}
	for (i = 0; i < n; i++) {
		bool letter = i < 2 || i >= 11;

		if (letter ? !upper(id[i]) : !digit(id[i])) {
			out->verdict = S10_BAD_FORMAT;
			out->reason = letter ? "a letter is expected here"
			                     : "a digit is expected here";
			out->reason_code =
			    letter ? "letter_expected" : "digit_expected";
			out->at = pos[i];
			return out->verdict;
		}
	}
	if (n < S10_LEN) {
		out->verdict = S10_BAD_FORMAT;
		out->reason = n == 0 ? "empty" : "shorter than 13 characters";
		out->reason_code = n == 0 ? "empty" : "too_short";
		out->at = len;
		return out->verdict;
	}
	memcpy(out->id, id, S10_LEN);
	out->id[S10_LEN] = '\0';
	out->expected_check = s10_check_digit(id + 2);
	out->service = service_class(id[0], id[1]);
	if (strchr("JKSTW", id[0]) != NULL) {
		out->verdict = S10_RESERVED;
		out->service = "reserved";
		out->reason = "the first letter is reserved by the UPU "
		              "(J, K, S, T, W)";
		out->reason_code = "reserved";
	} else if (out->service == NULL) {
		out->verdict = S10_BAD_SERVICE;
		out->service = "unassigned";
		out->reason = "no UPU service class uses this indicator";
		out->reason_code = "bad_service";
	} else if (id[10] - '0' != out->expected_check) {
		out->verdict = S10_BAD_CHECK;
		out->reason = "the check digit does not match the serial";
		out->reason_code = "bad_check";
	} else
		out->verdict = S10_VALID;
	return out->verdict;
}

bool
s10_overridable(enum s10_verdict v)
{
	return v == S10_RESERVED || v == S10_BAD_SERVICE || v == S10_BAD_CHECK;
}

const char *
s10_verdict_name(enum s10_verdict v)
{
	switch (v) {
	case S10_VALID:
		return "valid";
	case S10_BAD_FORMAT:
		return "bad_format";
	case S10_RESERVED:
		return "reserved";
	case S10_BAD_SERVICE:
		return "bad_service";
	case S10_BAD_CHECK:
		return "bad_check";
	}
	return "unknown";
}

static bool
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!digit(s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool
manifest_id_parse(const char *s, size_t len, int *y, int *m, int *d, int *seq)
{
	char t[MANIFEST_ID_LEN];
	size_t i;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (len != MANIFEST_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		t[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A')
		                                  : s[i];
	if (t[0] != 'B' || t[1] != 'K' || t[10] != '-' ||
	    !digits(t + 2, 4, y) || !digits(t + 6, 2, m) ||
	    !digits(t + 8, 2, d) || !digits(t + 11, 4, seq))
		return false;
	return *seq >= 1 && *y >= 2000 && cal_valid_ymd(*y, *m, *d);
}

int
manifest_id_format(int y, int m, int d, int seq, char out[MANIFEST_ID_LEN + 1])
{
	if (y < 2000 || y > 9999 || !cal_valid_ymd(y, m, d) || seq < 1 ||
	    seq > 9999)
		return -1;
	snprintf(out, MANIFEST_ID_LEN + 1, "BK%04d%02d%02d-%04d", y, m, d, seq);
	return 0;
}
