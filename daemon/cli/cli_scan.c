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
#include "cli/cli_out.h"
#include "core/calendar.h"

#define TIMEOUT_MS 10000L
#define REPLY_MAX  (1u << 20)

/* The office's local time (+07:00, like every other time the CLI shows,
 * whatever the host's TZ) "YYYY-MM-DD HH:MM:SS" of a wall-clock
 * millisecond, or "-". */
static void
when(json_t *v, char *buf, size_t size)
{
	char iso[32];
	json_int_t ms;

	if (!json_is_integer(v)) {
		snprintf(buf, size, "-");
		return;
	}
	ms = json_integer_value(v);
	/* floor, so a time before 1970 stays in its second */
	cal_format_iso((int64_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000), iso);
	/* "2026-01-05T09:32:00+07:00" -> "2026-01-05 09:32:00" */
	snprintf(buf, size, "%.10s %.8s", iso, iso + 11);
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
		    cli_out_jtext(s, "name"), cli_out_jtext(s, "type"),
		    cli_out_jtext(s, "terminal"), cli_out_jtext(s, "state"), at,
		    (long long)json_integer_value(json_object_get(s, "scans")),
		    (long long)json_integer_value(
		        json_object_get(s, "duplicates")),
		    used ? errs : "-");
		if (*cli_out_jtext(s, "detail") != '\0')
			printf("    %s\n", cli_out_jtext(s, "detail"));
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
			return CLI_OK;
		} else {
			cli_warn("scanners: unknown argument '%s'", argv[i]);
			fputs(CLI_SCANNERS_USAGE, stderr);
			return CLI_USAGE;
		}
	}
	rc = cli_http_request(&(struct cli_request){ .socket = socket,
	                          .method = "GET",
	                          .path = "/api/v1/scanners",
	                          .reply_max = REPLY_MAX,
	                          .timeout_ms = TIMEOUT_MS },
	    &r);
	if (rc == CLI_OK &&
	    (r.http != 200 ||
	        !json_is_array(json_object_get(r.json, "scanners")))) {
		cli_warn("bad reply from the daemon (HTTP %ld)", r.http);
		rc = CLI_DAEMON;
	} else if (rc == CLI_OK && as_json) {
		fwrite(buf_ptr(&r.body), 1, buf_len(&r.body), stdout);
		fputc('\n', stdout);
	} else if (rc == CLI_OK) {
		print_table(r.json);
	}
	cli_reply_free(&r);
	return rc;
}
