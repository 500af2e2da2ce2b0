/* cli_scan.c: see cli_scan.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli_scan.h"
#include "cli_user.h"

enum { OK = 0, FAIL = 1, USAGE = 2, DAEMON = 3 };

#define CONNECT_TIMEOUT_MS 2000L
#define TIMEOUT_MS         10000L
#define REPLY_MAX          (1u << 20)

struct body {
	char *p;
	size_t len;
};

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	char *p;

	n *= size;
	if (n > REPLY_MAX - b->len)
		return 0;
	if ((p = realloc(b->p, b->len + n + 1)) == NULL)
		return 0;
	memcpy(p + b->len, data, n);
	b->len += n;
	p[b->len] = '\0';
	b->p = p;
	return n;
}

/* GET path on the admin socket into b; the exit code. */
static int
get(const char *socket, const char *path, struct body *b, long *http)
{
	char url[256], err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	CURL *c;
	CURLcode cc;

	*b = (struct body){ NULL, 0 };
	snprintf(url, sizeof url, "http://localhost%s", path);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL) {
		fputs("motcua: cannot start libcurl\n", stderr);
		return DAEMON;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	/* the staff listener over TCP when MOTCUA_URL is set (cli_user.c) */
	if (cli_target(c, socket, url + 16, &hdr) == -1) {
		curl_easy_cleanup(c);
		curl_global_cleanup();
		return USAGE;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	if (cc != CURLE_OK) {
		fprintf(stderr, "motcua: cannot talk to the daemon at %s: %s\n",
		    socket, err[0] ? err : curl_easy_strerror(cc));
		return DAEMON;
	}
	return OK;
}

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
	struct body b;
	long http = 0;
	json_t *j;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = true;
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(CLI_SCANNERS_USAGE, stdout);
			return OK;
		} else {
			fprintf(stderr,
			    "motcua: scanners: unknown argument "
			    "'%s'\n%s",
			    argv[i], CLI_SCANNERS_USAGE);
			return USAGE;
		}
	}
	if ((rc = get(socket, "/api/v1/scanners", &b, &http)) != OK)
		return rc;
	j = json_loadb(b.p ? b.p : "", b.len, 0, NULL);
	if (http != 200 || !json_is_array(json_object_get(j, "scanners"))) {
		fprintf(stderr,
		    "motcua: bad reply from the daemon (HTTP %ld)\n", http);
		rc = DAEMON;
	} else if (as_json) {
		fwrite(b.p, 1, b.len, stdout);
		fputc('\n', stdout);
	} else {
		print_table(j);
	}
	json_decref(j);
	free(b.p);
	return rc;
}
