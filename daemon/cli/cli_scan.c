/* cli_scan.c: see cli_scan.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_scan.h"
#include "cli/cli_http.h"

enum { OK = 0, FAIL = 1, USAGE = 2, DAEMON = 3 };

#define TIMEOUT_MS 10000L
#define REPLY_MAX  (1u << 20)

static const char *
js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* Local time "YYYY-MM-DD HH:MM:SS" of a wall-clock millisecond, or "-". */
static void
when(json_t *v, char *buf, size_t size)
{
	time_t t;
	struct tm tm;

	if (!json_is_integer(v)) {
		snprintf(buf, size, "-");
		return;
	}
	t = (time_t)(json_integer_value(v) / 1000);
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
print_table(json_t *j)
{
	json_t *list = json_object_get(j, "scanners"), *s;
	size_t i;

	if (json_array_size(list) == 0) {
		puts("no scanners configured ([scanner.NAME] sections)");
		return;
	}
	printf("%-12s %-6s %-12s %-8s %-19s %6s %5s  %s\n", "NAME", "KIND",
	    "TERMINAL", "STATE", "LAST SCAN", "SCANS", "DUPS", "ERRORS");
	json_array_foreach(list, i, s) {
		char at[32], errs[256] = "";
		size_t used = 0;
		const char *k;
		json_t *v;

		when(json_object_get(s, "last_scan_at"), at, sizeof at);
		json_object_foreach(json_object_get(s, "errors"), k, v) {
			int n = snprintf(errs + used, sizeof errs - used,
			    "%s%s=%lld", used ? " " : "", k,
			    (long long)json_integer_value(v));

			if (n < 0 || (size_t)n >= sizeof errs - used)
				break;
			used += (size_t)n;
		}
		printf("%-12s %-6s %-12s %-8s %-19s %6lld %5lld  %s\n",
		    js(s, "name"), js(s, "type"), js(s, "terminal"),
		    js(s, "state"), at,
		    (long long)json_integer_value(json_object_get(s, "scans")),
		    (long long)json_integer_value(
		        json_object_get(s, "duplicates")),
		    used ? errs : "-");
		if (*js(s, "detail") != '\0')
			printf("    %s\n", js(s, "detail"));
	}
}

int
cli_scanners(const char *socket, int argc, char **argv)
{
	bool as_json = false;
	struct cli_reply r;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = true;
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(CLI_SCANNERS_USAGE, stdout);
			return OK;
		} else {
			cli_warn("scanners: unknown argument '%s'", argv[i]);
			fputs(CLI_SCANNERS_USAGE, stderr);
			return USAGE;
		}
	}
	rc = cli_http_request(&(struct cli_request){ .socket = socket,
	                          .method = "GET",
	                          .path = "/api/v1/scanners",
	                          .reply_max = REPLY_MAX,
	                          .timeout_ms = TIMEOUT_MS },
	    &r);
	if (rc == OK &&
	    (r.http != 200 ||
	        !json_is_array(json_object_get(r.json, "scanners")))) {
		cli_warn("bad reply from the daemon (HTTP %ld)", r.http);
		rc = DAEMON;
	} else if (rc == OK && as_json) {
		fwrite(r.body.p, 1, r.body.len, stdout);
		fputc('\n', stdout);
	} else if (rc == OK) {
		print_table(r.json);
	}
	cli_reply_free(&r);
	return rc;
}
