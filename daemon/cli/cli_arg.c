/* cli_arg.c: the checks of command-line words (see cli_arg.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli_arg.h"
#include "cli/cli_http.h"
#include "core/calendar.h"
#include "core/dcode.h"
#include "core/status.h"
#include "core/textfold.h"

int
cli_arg_code(const char *arg, char out[DCODE_TEXT_MAX + 1])
{
	struct dcode d;
	enum dcode_err e = dcode_parse(arg, strlen(arg), &d, NULL);
	const char *why;

	if (e == DCODE_OK && dcode_format(&d, out, DCODE_TEXT_MAX + 1) >= 0)
		return 0;
	why =
	    e == DCODE_OK ? "code: cannot be written back" : dcode_strerror(e);
	if (strncmp(why, "code", 4) == 0)
		cli_warn("%s (%s)", why, DCODE_EXAMPLE);
	else
		cli_warn("code: %s (%s)", why, DCODE_EXAMPLE);
	return -1;
}

int
cli_arg_dossier(const char *arg, char out[DCODE_TEXT_MAX + 1])
{
	struct dcode d;

	/* YYMMDD-NNNN: the daemon completes it with the office's agency,
	 * which the CLI does not know; any valid agency ("X.Y") checks the
	 * date and the number here */
	if (dcode_complete(arg, strlen(arg), "X.Y", &d) == DCODE_OK) {
		snprintf(out, DCODE_TEXT_MAX + 1, "%s", arg);
		return 0;
	}
	return cli_arg_code(arg, out);
}

int
cli_arg_text(const char *name, const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len == 0 || strspn(s, " \t") == len) {
		cli_warn("%s: must not be empty", name);
		return -1;
	}
	if (len > max) {
		cli_warn("%s: longer than %zu bytes", name, max);
		return -1;
	}
	if (!text_valid(s, len)) {
		cli_warn("%s: not valid UTF-8 text", name);
		return -1;
	}
	return 0;
}

int
cli_arg_date(const char *name, const char *s, int *day)
{
	if (cal_parse_date(s, strlen(s), day) != 0) {
		cli_warn("%s: expected YYYY-MM-DD", name);
		return -1;
	}
	return 0;
}

int
cli_arg_due(const char *name, const char *s, char iso[32])
{
	size_t len = strlen(s);
	const char *why;
	int64_t t;
	int day, h, m;

	if (cal_parse_iso(s, len, &t, &why) == 0) {
		cal_format_iso(t, iso);
		return 0;
	}
	if (len == 10 && cal_parse_date(s, len, &day) == 0) {
		cal_format_iso(cal_instant(day, 17 * 60), iso);
		return 0;
	}
	/* ASCII digits on purpose: isdigit() follows the locale */
	if (len == 16 && s[10] == 'T' && s[13] == ':' &&
	    cal_parse_date(s, 10, &day) == 0 && s[11] >= '0' && s[11] <= '2' &&
	    s[12] >= '0' && s[12] <= '9' && s[14] >= '0' && s[14] <= '5' &&
	    s[15] >= '0' && s[15] <= '9') {
		h = (s[11] - '0') * 10 + (s[12] - '0');
		m = (s[14] - '0') * 10 + (s[15] - '0');
		if (h < 24) {
			cal_format_iso(cal_instant(day, h * 60 + m), iso);
			return 0;
		}
	}
	cli_warn("%s: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM or an ISO 8601 "
	         "time with an offset",
	    name);
	return -1;
}

int
cli_arg_status(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end != s && *end == '\0' && errno == 0)
		return status_valid((int)n) ? (int)n : 0;
	for (int st = STATUS_MIN; st <= STATUS_MAX; st++)
		if (strcasecmp(s, status_name(st)) == 0)
			return st;
	return 0;
}
