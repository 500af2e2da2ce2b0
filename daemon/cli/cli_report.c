/* cli_report.c: `motcua report` and `motcua report 06a` (docs/cli.md,
 * docs/reports.md). Arguments are checked here with the daemon's own
 * parser (core/reportargs.h) before anything is sent; the daemon checks them
 * again against its configured maximum period. Files given with --out are
 * written to a temporary name and renamed, so a failed run leaves nothing
 * half-written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_report.h"
#include "cli/cli_cmd.h"
#include "cli/cli_http.h"
#include "cli/cli_out.h"
#include "core/reportargs.h"

#define REPLY_MAX  (64u << 20)
#define TIMEOUT_MS 120000L
/* the URL's bound in cli_target, less "http://localhost" */
#define URL_PATH_MAX (8192 - 16)

const char cli_report_usage[] =
    "Usage: motcua report --from YYYY-MM-DD --to YYYY-MM-DD [--agency CODE]\n"
    "           [--field NAME] [--procedure CODE]\n"
    "           [--by channel|agency|field|procedure|day|week|month]\n"
    "           [--format table|json|csv|xlsx] [--out FILE]\n"
    "       motcua report 06a --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "           [--agency CODE] --format csv|xlsx|html [--out FILE]\n"
    "       motcua report --province --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "           [--agency CODE] [--format table|json] [--out FILE]\n"
    "       motcua report 06a --province --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "           --format csv|xlsx|html [--out FILE]\n"
    "\n"
    "Counts for a period (both dates inclusive, local time): dossiers\n"
    "received by channel with shares, carried over, resolved early, on\n"
    "time and late, pending within due and overdue at the period's end,\n"
    "results returned by post and satisfaction ratings. --by splits the\n"
    "counts into groups; day, week and month give a time series. 06a\n"
    "prints Biểu II.06a (one row per field and a total). docs/reports.md\n"
    "defines every number. xlsx needs --out unless the output is not a\n"
    "terminal. Exit status 1 for an unknown agency, field or procedure.\n"
    "--province asks a hub (sync.role = hub) for the same counts of every\n"
    "office, by agency and channel, or with 06a for the province's Biểu\n"
    "II.06a by field (docs/sync.md).\n"
    "\n"
    "Examples:\n"
    "  motcua report --from 2026-01-01 --to 2026-06-30\n"
    "  motcua report --from 2026-01-01 --to 2026-01-31 --by week "
    "--format csv\n"
    "  motcua report 06a --from 2026-01-01 --to 2026-06-30 --format xlsx "
    "--out 06a.xlsx\n"
    "  motcua report --province --from 2026-01-01 --to 2026-03-31\n"
    "  motcua report 06a --province --from 2026-01-01 --to 2026-03-31 "
    "--format html --out 06a.html\n";

/* Prints "motcua: <what>: <problem>" and the pointer to --help. */
static int
usage2(const char *what, const char *problem)
{
	return cli_cmd_usage_named("report", "%s: %s", what, problem);
}

/* err is "from: problem" from report_parse: print it as "--from: ...". */
static int
arg_error(const char *err)
{
	return cli_cmd_usage_named("report", "--%s", err);
}

/* GET path with the arguments into *r (the caller frees it). */
static int
fetch(const char *socket, const char *path, const struct report_args *a,
    struct cli_reply *r)
{
	struct buf url;
	int rc;

	*r = (struct cli_reply){ 0 };
	buf_init(&url, URL_PATH_MAX - 1);
	/* curl_easy_escape needs no handle */
	if (buf_adds(&url, path) < 0 ||
	    cli_http_add_query(&url, NULL, "from", a->from) < 0 ||
	    cli_http_add_query(&url, NULL, "to", a->to) < 0 ||
	    cli_http_add_query(&url, NULL, "agency", a->agency) < 0 ||
	    cli_http_add_query(&url, NULL, "field", a->field) < 0 ||
	    cli_http_add_query(&url, NULL, "procedure", a->procedure) < 0 ||
	    cli_http_add_query(&url, NULL, "by", a->by) < 0 ||
	    cli_http_add_query(&url, NULL, "format", a->format) < 0) {
		buf_cleanup(&url);
		return usage2("report", "arguments too long");
	}
	rc = cli_http_request(&(struct cli_request){ .socket = socket,
	                          .method = "GET",
	                          .path = buf_ptr(&url),
	                          .reply_max = REPLY_MAX,
	                          .timeout_ms = TIMEOUT_MS },
	    r);
	buf_cleanup(&url);
	return rc;
}

/* Writes len bytes to out (a file, renamed into place) or stdout. */
static int
emit(const char *out, const char *p, size_t len)
{
	if (out == NULL) {
		if (fwrite(p, 1, len, stdout) != len)
			goto fail_stdout;
		return CLI_OK;
	}
	return cli_out_file("--out", out, p, len);
fail_stdout:
	cli_warn("writing the output: %s", strerror(errno));
	return CLI_FAIL;
}

static json_int_t
ji(json_t *o, const char *part, const char *key)
{
	return json_integer_value(
	    json_object_get(part ? json_object_get(o, part) : o, key));
}

static double
jp(json_t *o, const char *part, const char *key)
{
	return json_number_value(json_object_get(
	    json_object_get(json_object_get(o, part), "pct"), key));
}

static void
table_summary(json_t *o)
{
	static const struct {
		const char *label, *part, *key;
		bool pct;
	} lines[] = {
		{ "received", "received", "total", false },
		{ "  in person", "received", "in_person", true },
		{ "  online", "received", "online", true },
		{ "  postal", "received", "postal", true },
		{ "carried over", "received", "carried_over", false },
		{ "not yet accepted", NULL, "not_accepted", false },
		{ "refused", NULL, "refused", false },
		{ "resolved", "resolved", "total", false },
		{ "  early", "resolved", "early", true },
		{ "  on time", "resolved", "on_time", true },
		{ "  late", "resolved", "late", true },
		{ "pending at the end", "pending", "total", false },
		{ "  within due", "pending", "within_due", true },
		{ "  overdue", "pending", "overdue", true },
		{ "returned by post", NULL, "returned_by_post", false },
		{ "ratings", "satisfaction", "total", false },
		{ "  very satisfied", "satisfaction", "very_satisfied", true },
		{ "  satisfied", "satisfaction", "satisfied", true },
		{ "  unsatisfied", "satisfaction", "unsatisfied", true },
	};
	json_t *per = json_object_get(o, "period");

	printf("Report %s to %s\n",
	    json_string_value(json_object_get(per, "from")),
	    json_string_value(json_object_get(per, "to")));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		printf("%-20s %10" JSON_INTEGER_FORMAT, lines[i].label,
		    ji(o, lines[i].part, lines[i].key));
		if (lines[i].pct)
			printf(" %7.2f%%", jp(o, lines[i].part, lines[i].key));
		putchar('\n');
	}
}

static void
table_groups(json_t *o)
{
	json_t *g = json_object_get(o, "groups"), *row;
	size_t i;

	printf("%-24s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n",
	    json_string_value(json_object_get(o, "by")), "received", "person",
	    "online", "postal", "carried", "resolved", "early", "on_time",
	    "late", "pending", "overdue");
	json_array_foreach(g, i, row) {
		printf("%-24.24s",
		    json_string_value(json_object_get(row, "key")));
		printf(" %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
		       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
		       " %8" JSON_INTEGER_FORMAT,
		    ji(row, "received", "total"),
		    ji(row, "received", "in_person"),
		    ji(row, "received", "online"),
		    ji(row, "received", "postal"),
		    ji(row, "received", "carried_over"));
		printf(" %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
		       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
		       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT "\n",
		    ji(row, "resolved", "total"), ji(row, "resolved", "early"),
		    ji(row, "resolved", "on_time"), ji(row, "resolved", "late"),
		    ji(row, "pending", "total"), ji(row, "pending", "overdue"));
	}
	printf("%-24s %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
	       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
	       " %8" JSON_INTEGER_FORMAT,
	    "total", ji(o, "received", "total"), ji(o, "received", "in_person"),
	    ji(o, "received", "online"), ji(o, "received", "postal"),
	    ji(o, "received", "carried_over"));
	printf(" %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
	       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
	       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT "\n",
	    ji(o, "resolved", "total"), ji(o, "resolved", "early"),
	    ji(o, "resolved", "on_time"), ji(o, "resolved", "late"),
	    ji(o, "pending", "total"), ji(o, "pending", "overdue"));
}

/* The hub's province report (docs/sync.md): one row per agency and
 * channel, and the total. */
static void
table_province(json_t *o)
{
	static const char *const cols[] = { "received", "carried_over", "early",
		"on_time", "late", "pending", "overdue", "refused" };
	static const char *const heads[] = { "received", "carried", "early",
		"on_time", "late", "pending", "overdue", "refused" };
	json_t *rows = json_object_get(o, "rows"), *row;
	size_t i;

	printf("Province report %s to %s\n",
	    json_string_value(json_object_get(o, "from")),
	    json_string_value(json_object_get(o, "to")));
	printf("%-24s %-10s", "agency", "channel");
	for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
		printf(" %9s", heads[c]);
	putchar('\n');
	json_array_foreach(rows, i, row) {
		printf("%-24.35s %-10s",
		    json_string_value(json_object_get(row, "agency")),
		    json_string_value(json_object_get(row, "channel")));
		for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
			printf(" %9" JSON_INTEGER_FORMAT,
			    ji(row, NULL, cols[c]));
		putchar('\n');
	}
	printf("%-24s %-10s", "total", "");
	for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
		printf(" %9" JSON_INTEGER_FORMAT, ji(o, "total", cols[c]));
	putchar('\n');
}

int
cli_report_main(const char *socket, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "agency", required_argument, NULL, 'a' },
		{ "field", required_argument, NULL, 'F' },
		{ "procedure", required_argument, NULL, 'p' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, 'O' },
		{ "province", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_args a = { 0 };
	struct report_params p;
	struct cli_reply r = { 0 };
	const char *out = NULL, *format = NULL;
	bool f06a = false, province = false;
	char err[256];
	int c, rc;

	if (argc >= 2 && strcmp(argv[1], "06a") == 0) {
		f06a = true;
		argv++;
		argc--;
	}
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			a.from = optarg;
			break;
		case 't':
			a.to = optarg;
			break;
		case 'a':
			a.agency = optarg;
			break;
		case 'F':
			a.field = optarg;
			break;
		case 'p':
			a.procedure = optarg;
			break;
		case 'b':
			a.by = optarg;
			break;
		case 'o':
			format = optarg;
			break;
		case 'O':
			out = optarg;
			break;
		case 'P':
			province = true;
			break;
		case 'h':
			fputs(cli_report_usage, stdout);
			return CLI_OK;
		case ':':
			return usage2(argv[optind - 1], "needs a value");
		default:
			return usage2(argv[optind - 1], "unknown option");
		}
	}
	if (optind != argc)
		return usage2(argv[optind], "unexpected argument");
	if (out != NULL && out[0] == '\0')
		return usage2("--out", "empty");
	if (province && f06a) {
		/* the whole province by field: no filter */
		if (format == NULL)
			return usage2("--format",
			    "required (csv, xlsx or html)");
		if (a.agency != NULL || a.field != NULL ||
		    a.procedure != NULL || a.by != NULL)
			return usage2(a.agency != NULL ? "--agency"
			        : a.field != NULL      ? "--field"
			        : a.procedure != NULL  ? "--procedure"
			                               : "--by",
			    "not used by the province's 06a (every agency, by"
			    " field)");
		a.format = format;
		if (report_parse(&a, REPORT_DAYS_LIMIT,
		        (1u << RF_CSV) | (1u << RF_XLSX) | (1u << RF_HTML), &p,
		        err, sizeof(err)) < 0)
			return arg_error(err);
	} else if (province) {
		/* by agency and channel, always */
		if (a.field != NULL || a.procedure != NULL || a.by != NULL)
			return usage2(a.field != NULL ? "--field"
			        : a.procedure != NULL ? "--procedure"
			                              : "--by",
			    "not used with --province (always by agency and"
			    " channel)");
		a.format = format != NULL ? format : "table";
		if (report_parse(&a, REPORT_DAYS_LIMIT,
		        (1u << RF_JSON) | (1u << RF_TABLE), &p, err,
		        sizeof(err)) < 0)
			return arg_error(err);
		a.format = NULL; /* the hub answers JSON */
	} else if (f06a) {
		if (format == NULL)
			return usage2("--format",
			    "required (csv, xlsx or html)");
		if (a.by != NULL)
			return usage2("--by",
			    "not used by 06a (always by field)");
		a.format = format;
		if (report_parse(&a, REPORT_DAYS_LIMIT,
		        (1u << RF_CSV) | (1u << RF_XLSX) | (1u << RF_HTML), &p,
		        err, sizeof(err)) < 0)
			return arg_error(err);
	} else {
		a.format = format != NULL ? format : "table";
		if (report_parse(&a, REPORT_DAYS_LIMIT,
		        (1u << RF_JSON) | (1u << RF_CSV) | (1u << RF_XLSX) |
		            (1u << RF_TABLE),
		        &p, err, sizeof(err)) < 0)
			return arg_error(err);
		if (p.format == RF_TABLE)
			a.format = "json";
	}
	if (p.format == RF_XLSX && out == NULL && isatty(STDOUT_FILENO))
		return usage2("--out", "required for xlsx on a terminal");
	rc = fetch(socket,
	    province && f06a ? "/api/v1/hub/report/06a"
	        : province   ? "/api/v1/hub/report"
	        : f06a       ? "/api/v1/reports/06a"
	                     : "/api/v1/reports",
	    &a, &r);
	if (rc != CLI_OK)
		goto done;
	if (r.http != 200) {
		rc = cli_http_error(&r);
		goto done;
	}
	if (p.format != RF_TABLE) {
		rc = emit(out, buf_ptr(&r.body), buf_len(&r.body));
		if (rc == CLI_OK && out == NULL && p.format == RF_JSON)
			putchar('\n'); /* the daemon's JSON has no newline */
		goto done;
	}
	if (r.json == NULL) {
		cli_warn("bad reply from the daemon");
		rc = CLI_DAEMON;
		goto done;
	}
	if (out != NULL && freopen(out, "w", stdout) == NULL) {
		cli_warn("--out: cannot write %s: %s", out, strerror(errno));
		rc = CLI_FAIL;
		goto done;
	}
	if (province)
		table_province(r.json);
	else if (p.by == REPORT_BY_NONE)
		table_summary(r.json);
	else
		table_groups(r.json);
done:
	cli_reply_free(&r);
	return rc;
}
