/* cli_out.c: output helpers shared by the commands (see cli_out.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli_http.h"
#include "cli/cli_out.h"
#include "core/calendar.h"

const char *
cli_out_time(const char *iso, char out[40])
{
	const char *why;
	int64_t t;
	int y, m, d, min;

	if (iso == NULL)
		return "";
	if (cal_parse_iso(iso, strlen(iso), &t, &why) != 0) {
		snprintf(out, 40, "%s", iso);
		return out;
	}
	cal_ymd_from_day(cal_local_day(t), &y, &m, &d);
	min = cal_local_minute(t);
	snprintf(out, 40, "%04d-%02d-%02d %02d:%02d", y, m, d, min / 60,
	    min % 60);
	return out;
}

const char *
cli_out_jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *
cli_out_jtext(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

long long
cli_out_jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

void
cli_out_raw(const struct cli_reply *r)
{
	const char *p = buf_ptr(&r->body);
	size_t len = buf_len(&r->body);

	fwrite(p, 1, len, stdout);
	if (len == 0 || p[len - 1] != '\n')
		fputc('\n', stdout);
}

void
cli_out_compact(const struct cli_reply *r)
{
	bool in_str = false, esc = false;
	const char *p = buf_ptr(&r->body);

	for (size_t i = 0; i < buf_len(&r->body); i++) {
		char c = p[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			continue;
		}
		fputc(c, stdout);
	}
	fputc('\n', stdout);
}

int
cli_out_file(const char *what, const char *path, const void *p, size_t len)
{
	char tmp[4096];
	const char *sep = what != NULL ? ": " : "";
	FILE *f;
	int e;

	if (what == NULL)
		what = "";
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path,
	        (long)getpid()) >= sizeof tmp) {
		cli_warn("%s%s%s: path too long", what, sep, path);
		return CLI_USAGE;
	}
	/* the person named the file, not our temporary: errors name it */
	if ((f = fopen(tmp, "wbe")) == NULL) {
		cli_warn("%s%s%s: cannot write: %s", what, sep, path,
		    strerror(errno));
		return CLI_FAIL;
	}
	if (fwrite(p, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		e = errno;
		fclose(f);
		unlink(tmp);
		cli_warn("%s%s%s: cannot write: %s", what, sep, path,
		    strerror(e));
		return CLI_FAIL;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		cli_warn("%s%s%s: %s", what, sep, path, strerror(e));
		return CLI_FAIL;
	}
	return CLI_OK;
}
