/* cli_counts.c: motcua counts, the channel shares of the dossiers
 * received over a period (docs/cli.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_arg.h"
#include "cli/cli_cmd.h"
#include "cli/cli_counts.h"
#include "cli/cli_http.h"
#include "cli/cli_out.h"

/* counts: the channel shares of received dossiers over a period. */
int
cli_counts(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const channels[] = { "in_person", "online",
		"postal" };
	const char *from = NULL, *to = NULL, *format = "table";
	struct buf path;
	json_t *rec, *pct;
	struct cli_reply r;
	int c, rc, dfrom, dto;
	CURL *curl;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
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
	if (optind != argc)
		return cli_cmd_usage_error(cmd,
		    "counts: unexpected argument '%s'", argv[optind]);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0)
		return cli_cmd_usage_error(cmd,
		    "--format: expected table, json or csv");
	if (from == NULL)
		return cli_cmd_usage_error(cmd, "--from: required");
	if (to == NULL)
		return cli_cmd_usage_error(cmd, "--to: required");
	if (cli_arg_date("--from", from, &dfrom) < 0 ||
	    cli_arg_date("--to", to, &dto) < 0)
		return CLI_USAGE;
	if (dto < dfrom)
		return cli_cmd_usage_error(cmd, "--to: before --from");
	buf_init(&path, 512);
	if ((curl = cli_cmd_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/counts") < 0 ||
	    cli_http_add_query(&path, curl, "from", from) < 0 ||
	    cli_http_add_query(&path, curl, "to", to) < 0) {
		buf_cleanup(&path);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = cli_cmd_request(cli, "GET", buf_ptr(&path), NULL, NULL, 0,
	    CLI_CMD_TIMEOUT_MS, &r);
	buf_cleanup(&path);
	if (rc != CLI_OK)
		goto out;
	rec = json_object_get(r.json, "received");
	pct = json_object_get(rec, "pct");
	if (!json_is_integer(json_object_get(rec, "total"))) {
		cli_warn("bad reply from the daemon: no \"received\" counts");
		rc = CLI_DAEMON;
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		cli_out_compact(&r);
	} else if (strcmp(format, "csv") == 0) {
		printf("channel,count,pct\n");
		for (size_t i = 0; i < 3; i++)
			printf("%s,%lld,%.2f\n", channels[i],
			    cli_out_jint(rec, channels[i]) < 0
			        ? 0
			        : cli_out_jint(rec, channels[i]),
			    json_number_value(
			        json_object_get(pct, channels[i])));
		printf("total,%lld,%.2f\n", cli_out_jint(rec, "total"),
		    cli_out_jint(rec, "total") > 0 ? 100.0 : 0.0);
		/* outside the received total, as in the report */
		printf("not_accepted,%lld,\n",
		    cli_out_jint(r.json, "not_accepted"));
		printf("refused,%lld,\n", cli_out_jint(r.json, "refused"));
	} else {
		json_t *period = json_object_get(r.json, "period");
		const char *hf = cli_out_jstr(period, "from"),
		           *ht = cli_out_jstr(period, "to");

		printf("Received %s to %s\n", hf ? hf : from, ht ? ht : to);
		printf("%-10s %8s %8s\n", "channel", "count", "share");
		for (size_t i = 0; i < 3; i++)
			printf("%-10s %8lld %7.2f%%\n", channels[i],
			    cli_out_jint(rec, channels[i]) < 0
			        ? 0
			        : cli_out_jint(rec, channels[i]),
			    json_number_value(
			        json_object_get(pct, channels[i])));
		printf("%-10s %8lld %7.2f%%\n", "total",
		    cli_out_jint(rec, "total"),
		    cli_out_jint(rec, "total") > 0 ? 100.0 : 0.0);
		printf("\nNot received (not in the total):\n");
		printf("%-17s %8lld\n", "not yet accepted",
		    cli_out_jint(r.json, "not_accepted"));
		printf("%-17s %8lld\n", "refused",
		    cli_out_jint(r.json, "refused"));
	}
out:
	cli_reply_free(&r);
	return rc;
}
