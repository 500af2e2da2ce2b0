/* cli_counter.c: motcua counter show|set, the operator's view of the
 * per-agency, per-day code counters (docs/cli.md; GET and POST
 * /api/v1/counters, docs/api.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_arg.h"
#include "cli/cli_cmd.h"
#include "cli/cli_counter.h"
#include "cli/cli_http.h"
#include "cli/cli_out.h"

static void
print_counter(json_t *j)
{
	const char *next = cli_out_jstr(j, "next_code");

	printf("agency      %s\n", cli_out_jstr(j, "agency_code"));
	printf("day         %s\n", cli_out_jstr(j, "day"));
	printf("last issued %lld\n", cli_out_jint(j, "last_seq"));
	printf("next code   %s\n",
	    next != NULL ? next : "(none: the day is full)");
}

static int
counter_show(struct cli *cli, const char *agency, const char *day,
    const char *format)
{
	struct cli_reply r;
	struct buf path;
	CURL *curl;
	int rc;

	buf_init(&path, 512);
	if ((curl = cli_cmd_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/counters") < 0 ||
	    cli_http_add_query(&path, curl, "agency", agency) < 0 ||
	    cli_http_add_query(&path, curl, "day", day) < 0) {
		buf_cleanup(&path);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = cli_cmd_request(cli, "GET", buf_ptr(&path), NULL, NULL, 0,
	    CLI_CMD_TIMEOUT_MS, &r);
	buf_cleanup(&path);
	if (rc == CLI_OK && strcmp(format, "json") == 0)
		cli_out_compact(&r);
	else if (rc == CLI_OK)
		print_counter(r.json);
	cli_reply_free(&r);
	return rc;
}

static int
counter_set(struct cli *cli, const char *agency, const char *day, long next)
{
	struct cli_reply r;
	json_t *body = json_pack("{s:s,s:I,s:s}", "day", day, "next",
	    (json_int_t)next, "actor", cli->actor);
	int rc;

	if (body == NULL ||
	    (agency != NULL &&
	        json_object_set_new(body, "agency_code", json_string(agency)) <
	            0)) {
		json_decref(body);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = cli_cmd_post_json(cli, "/api/v1/counters", body, &r);
	json_decref(body);
	if (rc == CLI_OK)
		print_counter(r.json);
	cli_reply_free(&r);
	return rc;
}

int
cli_counter(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "agency", required_argument, NULL, 'a' },
		{ "day", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *agency = NULL, *day = NULL, *format = "table", *verb;
	char today[16], *end;
	long next = 0;
	int c, dnum;

	optind = 0;
	/* getopt permutes: the verb and NEXT may come before or after the
	 * options */
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			agency = optarg;
			break;
		case 'd':
			day = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'h':
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (optind == argc)
		return cli_cmd_usage_error(cmd,
		    "counter: expected show or set");
	verb = argv[optind++];
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_cmd_usage_error(cmd,
		    "--format: expected table or json");
	if (agency != NULL && cli_arg_text("--agency", agency, 35) < 0)
		return CLI_USAGE;
	if (day != NULL && cli_arg_date("--day", day, &dnum) < 0)
		return CLI_USAGE;
	if (strcmp(verb, "show") == 0) {
		if (optind != argc)
			return cli_cmd_usage_error(cmd,
			    "counter show: unexpected argument '%s'",
			    argv[optind]);
		return counter_show(cli, agency, day, format);
	}
	if (strcmp(verb, "set") != 0)
		return cli_cmd_usage_error(cmd,
		    "counter: expected show or set, not '%s'", verb);
	if (optind + 1 != argc)
		return cli_cmd_usage_error(cmd,
		    "counter set: expected one NEXT number");
	next = strtol(argv[optind], &end, 10);
	if (end == argv[optind] || *end != '\0' || next < 1 || next > 9999)
		return cli_cmd_usage_error(cmd,
		    "NEXT: expected a number from 1 to 9999");
	if (day == NULL) {
		/* the daemon's today is the office's: ask it */
		struct cli_reply r;
		const char *d;
		int rc = cli_cmd_request(cli, "GET", "/api/v1/counters", NULL,
		    NULL, 0, CLI_CMD_TIMEOUT_MS, &r);

		if (rc != CLI_OK) {
			cli_reply_free(&r);
			return rc;
		}
		d = cli_out_jstr(r.json, "day");
		snprintf(today, sizeof today, "%s", d != NULL ? d : "");
		cli_reply_free(&r);
		day = today;
	}
	return counter_set(cli, agency, day, next);
}
