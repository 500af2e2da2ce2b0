/* cli_print.c: see cli_print.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli_print.h"
#include "cli_user.h"
#include "dcode.h"

enum { OK = 0, FAIL = 1, USAGE = 2, DAEMON = 3 };

#define CONNECT_TIMEOUT_MS 2000L
#define TIMEOUT_MS         60000L
#define REPLY_MAX          (64u << 20) /* a preview PNG is the largest */

struct body {
	char *p;
	size_t len;
};

static void warn(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));

static void
warn(const char *fmt, ...)
{
	va_list ap;

	fputs("motcua: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

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

/* One request on the admin socket; *http is the status. */
static int
call(const char *socket, const char *method, const char *path, struct body *b,
    long *http)
{
	char url[4096], err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	CURL *c;
	CURLcode cc;

	*b = (struct body){ NULL, 0 };
	if ((size_t)snprintf(url, sizeof url, "http://localhost%s", path) >=
	    sizeof url) {
		warn("request path too long");
		return USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL) {
		warn("cannot start libcurl");
		return DAEMON;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	if (cli_target(c, socket, path, &hdr) == -1) {
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
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	if (cc != CURLE_OK) {
		warn("cannot talk to the daemon at %s: %s", socket,
		    err[0] ? err : curl_easy_strerror(cc));
		return DAEMON;
	}
	return OK;
}

/* The daemon's {"error":{field,message}} as one line; the exit code. */
static int
api_error(const struct body *b, long http)
{
	json_t *j = b->p ? json_loadb(b->p, b->len, 0, NULL) : NULL;
	json_t *e = json_object_get(j, "error");
	const char *f = json_string_value(json_object_get(e, "field"));
	const char *m = json_string_value(json_object_get(e, "message"));

	if (m != NULL && f != NULL && *f != '\0')
		warn("%s: %s", f, m);
	else if (m != NULL)
		warn("%s", m);
	else
		warn("the daemon answered HTTP %ld", http);
	json_decref(j);
	return http >= 400 && http < 500 ? FAIL : DAEMON;
}

/* Writes len bytes to path whole, or not at all (a temporary file
 * renamed into place). */
static int
write_file(const char *path, const void *p, size_t len)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path,
	        (long)getpid()) >= sizeof tmp) {
		warn("%s: path too long", path);
		return USAGE;
	}
	if ((f = fopen(tmp, "wbe")) == NULL) {
		warn("%s: %s", tmp, strerror(errno));
		return FAIL;
	}
	if (fwrite(p, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		warn("%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return FAIL;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		warn("%s: %s", path, strerror(errno));
		unlink(tmp);
		return FAIL;
	}
	return OK;
}

static int usage(const char *text, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static int
usage(const char *text, const char *fmt, ...)
{
	va_list ap;

	fputs("motcua: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(text, stderr);
	return USAGE;
}

/* URL-escapes a path segment or a query value into out. */
static int
esc(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (o + 4 >= size)
			return -1;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, size - o, "%%%02X", c);
	}
	out[o] = '\0';
	return 0;
}

static void
print_job(json_t *job)
{
	printf("job %lld queued: %s %s\n",
	    (long long)json_integer_value(json_object_get(job, "id")),
	    json_string_value(json_object_get(job, "kind")),
	    json_string_value(json_object_get(job, "ref")));
}

int
cli_print(const char *socket, const char *actor, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "png", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL, *png = NULL, *profile = NULL, *what, *ref = NULL;
	char path[1024], a[256], e1[256], e2[128] = "";
	struct body b;
	long http = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			to = optarg;
			break;
		case 'p':
			png = optarg;
			break;
		case 'P':
			profile = optarg;
			break;
		case 'h':
			fputs(CLI_PRINT_USAGE, stdout);
			return OK;
		default:
			return usage(CLI_PRINT_USAGE,
			    "print: unknown option '%s'", argv[optind - 1]);
		}
	}
	/* options may also follow the operands */
	if (optind >= argc)
		return usage(CLI_PRINT_USAGE, "print: what to print?");
	what = argv[optind++];
	if (strcmp(what, "test") != 0) {
		if (optind >= argc)
			return usage(CLI_PRINT_USAGE,
			    "print %s: missing its argument", what);
		ref = argv[optind++];
	}
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			to = optarg;
			break;
		case 'p':
			png = optarg;
			break;
		case 'P':
			profile = optarg;
			break;
		default:
			return usage(CLI_PRINT_USAGE,
			    "print: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage(CLI_PRINT_USAGE, "print: unexpected '%s'",
		    argv[optind]);
	if (esc(actor, a, sizeof a) == -1 ||
	    (ref != NULL && esc(ref, e1, sizeof e1) == -1) ||
	    (profile != NULL && esc(profile, e2, sizeof e2) == -1))
		return usage(CLI_PRINT_USAGE, "print: argument too long");
	if (strcmp(what, "reprint") == 0) {
		if (to || png || profile)
			return usage(CLI_PRINT_USAGE,
			    "print reprint: takes no options");
		snprintf(path, sizeof path,
		    "/api/v1/print/jobs/%s/reprint?actor=%s", e1, a);
	} else if (strcmp(what, "preview") == 0) {
		if (png == NULL)
			return usage(CLI_PRINT_USAGE,
			    "print preview: --png FILE is required");
		snprintf(path, sizeof path,
		    "/api/v1/print/render/receipt/%s?format=png%s%s", e1,
		    profile ? "&profile=" : "", e2);
	} else if (strcmp(what, "receipt") == 0 || strcmp(what, "slip") == 0 ||
	    strcmp(what, "manifest") == 0 || strcmp(what, "test") == 0) {
		if (png != NULL)
			return usage(CLI_PRINT_USAGE,
			    "print: --png is for preview");
		if (profile != NULL && to == NULL)
			return usage(CLI_PRINT_USAGE,
			    "print: --profile needs --to FILE (the "
			    "printer has its own profile)");
		if (to != NULL)
			snprintf(path, sizeof path,
			    "/api/v1/print/render/%s%s%s?format=escpos%s%s",
			    what, ref ? "/" : "", ref ? e1 : "",
			    profile ? "&profile=" : "", e2);
		else
			snprintf(path, sizeof path,
			    "/api/v1/print/%s%s%s?actor=%s", what,
			    ref ? "/" : "", ref ? e1 : "", a);
	} else {
		return usage(CLI_PRINT_USAGE, "print: unknown document '%s'",
		    what);
	}
	if (strcmp(what, "receipt") == 0 || strcmp(what, "slip") == 0 ||
	    strcmp(what, "preview") == 0) {
		struct dcode d;

		if (dcode_parse(ref, strlen(ref), &d, NULL) != DCODE_OK)
			return usage(CLI_PRINT_USAGE,
			    "print: '%s' is not a dossier code", ref);
	}
	if ((rc = call(socket, to || png ? "GET" : "POST", path, &b, &http)) !=
	    OK) {
		free(b.p);
		return rc;
	}
	if (http < 200 || http > 299) {
		rc = api_error(&b, http);
	} else if (to != NULL || png != NULL) {
		rc = write_file(to ? to : png, b.p ? b.p : "", b.len);
		if (rc == OK)
			printf("%s: %zu bytes\n", to ? to : png, b.len);
	} else {
		json_t *j = json_loadb(b.p ? b.p : "", b.len, 0, NULL);

		if (json_object_get(j, "job") == NULL) {
			warn("bad reply from the daemon");
			rc = DAEMON;
		} else {
			print_job(json_object_get(j, "job"));
		}
		json_decref(j);
	}
	free(b.p);
	return rc;
}

static const char *
js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

int
cli_printer(const char *socket, const char *actor, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool as_json = false;
	const char *limit = "20", *what;
	char path[256], *end;
	struct body b;
	json_t *j;
	long http = 0, n;
	int c, rc;

	(void)actor;
	optind = 0;
	opterr = 0;
	if (argc < 2)
		return usage(CLI_PRINTER_USAGE, "printer: status or jobs?");
	what = argv[1];
	if (strcmp(what, "--help") == 0) {
		fputs(CLI_PRINTER_USAGE, stdout);
		return OK;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'l':
			limit = optarg;
			break;
		case 'h':
			fputs(CLI_PRINTER_USAGE, stdout);
			return OK;
		default:
			return usage(CLI_PRINTER_USAGE,
			    "printer: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage(CLI_PRINTER_USAGE, "printer: unexpected '%s'",
		    argv[optind]);
	n = strtol(limit, &end, 10);
	if (*end != '\0' || n < 1 || n > 500)
		return usage(CLI_PRINTER_USAGE,
		    "printer: --limit: '%s' is not in 1..500", limit);
	if (strcmp(what, "status") == 0)
		snprintf(path, sizeof path, "/api/v1/printer");
	else if (strcmp(what, "jobs") == 0)
		snprintf(path, sizeof path, "/api/v1/print/jobs?limit=%ld", n);
	else
		return usage(CLI_PRINTER_USAGE, "printer: unknown command '%s'",
		    what);
	if ((rc = call(socket, "GET", path, &b, &http)) != OK) {
		free(b.p);
		return rc;
	}
	if (http < 200 || http > 299) {
		rc = api_error(&b, http);
		free(b.p);
		return rc;
	}
	j = json_loadb(b.p ? b.p : "", b.len, 0, NULL);
	free(b.p);
	if (j == NULL) {
		warn("bad reply from the daemon");
		return DAEMON;
	}
	if (as_json) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else if (strcmp(what, "status") == 0) {
		printf("state:      %s%s\n", js(j, "state"),
		    json_is_true(json_object_get(j, "available"))
		        ? ""
		        : " (cannot print now)");
		printf("device:     %s (%s, %lld baud)\n", js(j, "device"),
		    js(j, "backend"),
		    (long long)json_integer_value(json_object_get(j, "baud")));
		printf("profile:    %s, text %s\n", js(j, "profile"),
		    js(j, "text_path"));
		printf("queued:     %lld\n",
		    (long long)json_integer_value(
		        json_object_get(j, "queued")));
		if (*js(j, "checked_at"))
			printf("checked at: %s\n", js(j, "checked_at"));
		if (*js(j, "last_error"))
			printf("last error: %s\n", js(j, "last_error"));
	} else {
		json_t *jobs = json_object_get(j, "jobs"), *it;
		size_t i;

		printf("%-6s %-8s %-26s %-8s %-4s %s\n", "JOB", "KIND", "REF",
		    "STATE", "TRY", "OUTCOME");
		json_array_foreach(jobs, i, it)
			printf("%-6lld %-8s %-26s %-8s %-4lld %s%s\n",
			    (long long)json_integer_value(
			        json_object_get(it, "id")),
			    js(it, "kind"), js(it, "ref"), js(it, "state"),
			    (long long)json_integer_value(
			        json_object_get(it, "attempts")),
			    json_is_true(json_object_get(it, "reprint"))
			        ? "[reprint] "
			        : "",
			    js(it, "outcome"));
	}
	rc = strcmp(what, "status") == 0 && !as_json &&
	        !json_is_true(json_object_get(j, "available"))
	    ? FAIL
	    : OK;
	json_decref(j);
	return rc;
}
