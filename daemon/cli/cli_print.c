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

#include "cli/cli_print.h"
#include "cli/cli_http.h"
#include "cli/cli_out.h"
#include "core/dcode.h"

#define TIMEOUT_MS 60000L
#define REPLY_MAX  (64u << 20) /* a preview PNG is the largest */

static int usage(const char *text, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static int
usage(const char *text, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
	fputs(text, stderr);
	return CLI_USAGE;
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

/* What a printer state means to the person at the counter. */
static const char *
state_text(const char *s)
{
	static const struct {
		const char *name, *text;
	} t[] = {
		{ "no_paper", "out of paper" },
		{ "cover_open", "its cover is open" },
		{ "offline", "offline" },
		{ "unknown", "not answering (state unknown)" },
		{ "disconnected",
		    "not connected (unplugged or cannot be "
		    "opened)" },
	};

	for (size_t i = 0; s != NULL && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].text;
	return s != NULL ? s : "in an unknown state";
}

/* "job N queued", and whether the printer can print it now: when it
 * cannot, says why on stderr and returns CLI_FAIL, so a script (or the
 * clerk) does not take a queued receipt for a printed one. */
static int
print_job(json_t *reply)
{
	json_t *job = json_object_get(reply, "job");
	json_t *pr = json_object_get(reply, "printer");

	printf("job %lld queued: %s %s\n",
	    (long long)json_integer_value(json_object_get(job, "id")),
	    json_string_value(json_object_get(job, "kind")),
	    json_string_value(json_object_get(job, "ref")));
	if (pr == NULL || json_is_true(json_object_get(pr, "available")))
		return CLI_OK;
	cli_warn("the printer cannot print now: %s; the job prints when it is "
	         "ready (motcua printer status)",
	    state_text(json_string_value(json_object_get(pr, "state"))));
	return CLI_FAIL;
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
	struct cli_reply r;
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
			return CLI_OK;
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
	rc = cli_http_request(&(struct cli_request){ .socket = socket,
	                          .method = to || png ? "GET" : "POST",
	                          .path = path,
	                          .reply_max = REPLY_MAX,
	                          .timeout_ms = TIMEOUT_MS },
	    &r);
	if (rc != CLI_OK) {
		cli_reply_free(&r);
		return rc;
	}
	if (r.http < 200 || r.http > 299) {
		rc = cli_http_error(&r);
	} else if (to != NULL || png != NULL) {
		rc = cli_out_file(NULL, to ? to : png, buf_ptr(&r.body),
		    buf_len(&r.body));
		if (rc == CLI_OK)
			printf("%s: %zu bytes\n", to ? to : png,
			    buf_len(&r.body));
	} else if (json_object_get(r.json, "job") == NULL) {
		cli_warn("bad reply from the daemon");
		rc = CLI_DAEMON;
	} else {
		rc = print_job(r.json);
	}
	cli_reply_free(&r);
	return rc;
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
	struct cli_reply r;
	json_t *j;
	long n;
	int c, rc;

	(void)actor;
	optind = 0;
	opterr = 0;
	if (argc < 2)
		return usage(CLI_PRINTER_USAGE, "printer: status or jobs?");
	what = argv[1];
	if (strcmp(what, "--help") == 0) {
		fputs(CLI_PRINTER_USAGE, stdout);
		return CLI_OK;
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
			return CLI_OK;
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
	if ((rc = cli_http_json(&(struct cli_request){ .socket = socket,
	                            .method = "GET",
	                            .path = path,
	                            .reply_max = REPLY_MAX,
	                            .timeout_ms = TIMEOUT_MS },
	         &r)) != CLI_OK) {
		cli_reply_free(&r);
		return rc;
	}
	j = json_incref(r.json);
	cli_reply_free(&r);
	if (as_json) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else if (strcmp(what, "status") == 0) {
		printf("state:      %s%s\n", cli_out_jtext(j, "state"),
		    json_is_true(json_object_get(j, "available"))
		        ? ""
		        : " (cannot print now)");
		printf("device:     %s (%s, %lld baud)\n",
		    cli_out_jtext(j, "device"), cli_out_jtext(j, "backend"),
		    (long long)json_integer_value(json_object_get(j, "baud")));
		printf("profile:    %s, text %s\n", cli_out_jtext(j, "profile"),
		    cli_out_jtext(j, "text_path"));
		printf("queued:     %lld\n",
		    (long long)json_integer_value(
		        json_object_get(j, "queued")));
		if (*cli_out_jtext(j, "checked_at"))
			printf("checked at: %s\n",
			    cli_out_jtext(j, "checked_at"));
		if (*cli_out_jtext(j, "last_error"))
			printf("last error: %s\n",
			    cli_out_jtext(j, "last_error"));
	} else {
		json_t *jobs = json_object_get(j, "jobs"), *it;
		size_t i;

		printf("%-6s %-8s %-26s %-8s %-4s %s\n", "JOB", "KIND", "REF",
		    "STATE", "TRY", "OUTCOME");
		json_array_foreach(jobs, i, it)
			printf("%-6lld %-8s %-26s %-8s %-4lld %s%s\n",
			    (long long)json_integer_value(
			        json_object_get(it, "id")),
			    cli_out_jtext(it, "kind"), cli_out_jtext(it, "ref"),
			    cli_out_jtext(it, "state"),
			    (long long)json_integer_value(
			        json_object_get(it, "attempts")),
			    json_is_true(json_object_get(it, "reprint"))
			        ? "[reprint] "
			        : "",
			    cli_out_jtext(it, "outcome"));
	}
	rc = strcmp(what, "status") == 0 && !as_json &&
	        !json_is_true(json_object_get(j, "available"))
	    ? CLI_FAIL
	    : CLI_OK;
	json_decref(j);
	return rc;
}
