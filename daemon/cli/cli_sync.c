/* cli_sync.c: motcua sync status | verify | retry (docs/cli.md, the
 * upstream sync in docs/sync.md). */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_arg.h"
#include "lib/clock.h"
#include "cli/cli_cmd.h"
#include "cli/cli_http.h"
#include "cli/cli_out.h"
#include "cli/cli_sync.h"
#include "core/calendar.h"
#include "core/dcode.h"

static void
print_age(const char *label, json_t *t)
{
	char iso[32], when[40];
	int64_t v, ago;

	if (!json_is_integer(t)) {
		printf("%-22s never\n", label);
		return;
	}
	v = json_integer_value(t);
	ago = clock_wall_s() - v;
	cal_format_iso(v, iso);
	cli_out_time(iso, when);
	if (ago < 120)
		printf("%-22s %s (%lld s ago)\n", label, when, (long long)ago);
	else if (ago < 7200)
		printf("%-22s %s (%lld min ago)\n", label, when,
		    (long long)(ago / 60));
	else
		printf("%-22s %s (%lld h ago)\n", label, when,
		    (long long)(ago / 3600));
}

static int
sync_status_cmd(struct cli *cli, bool as_json)
{
	struct cli_reply r;
	json_t *j, *parked, *e;
	size_t i;
	int rc;

	rc = cli_cmd_request(cli, "GET", "/api/v1/sync/status", NULL, NULL, 0,
	    CLI_CMD_TIMEOUT_MS, &r);
	if (rc != CLI_OK)
		goto out;
	j = r.json;
	if (!json_is_integer(json_object_get(j, "pending"))) {
		cli_warn("bad reply from the daemon: no \"pending\"");
		rc = CLI_DAEMON;
		goto out;
	}
	if (as_json) {
		cli_out_compact(&r);
		goto out;
	}
	printf("%-22s %s\n", "Upstream",
	    json_is_true(json_object_get(j, "enabled"))
	        ? cli_out_jstr(j, "upstream")
	        : "(sync off: sync.upstream_url is empty)");
	printf("%-22s %lld\n", "Queue (unsent items)",
	    cli_out_jint(j, "pending"));
	if (json_is_integer(json_object_get(j, "oldest_unsent_age_s")))
		printf("%-22s %lld s%s\n", "Oldest unsent age",
		    cli_out_jint(j, "oldest_unsent_age_s"),
		    json_is_true(json_object_get(j, "stalled"))
		        ? "  STALLED: older than sync.stall_warn_s"
		        : "");
	else
		printf("%-22s -\n", "Oldest unsent age");
	print_age("Last success", json_object_get(j, "last_success_at"));
	if (cli_out_jstr(j, "last_error") != NULL) {
		print_age("Last error", json_object_get(j, "last_error_at"));
		printf("%-22s %s\n", "", cli_out_jstr(j, "last_error"));
	} else {
		printf("%-22s none\n", "Last error");
	}
	if (cli_out_jint(j, "next_attempt_in_ms") > 0 &&
	    cli_out_jint(j, "failures") > 0)
		printf("%-22s in %.1f s (%lld failure(s) in a row)\n",
		    "Next attempt",
		    (double)cli_out_jint(j, "next_attempt_in_ms") / 1000,
		    cli_out_jint(j, "failures"));
	if (json_is_true(json_object_get(j, "paced")))
		printf(
		    "%-22s paced while staff write (sync.busy_share_percent)\n",
		    "Backlog");
	print_age("Last pull", json_object_get(j, "last_pull_at"));
	printf("%-22s %lld\n", "Parked items", cli_out_jint(j, "parked_count"));
	parked = json_object_get(j, "parked");
	json_array_foreach(parked, i, e) {
		printf("  %s  %-12s %s\n",
		    cli_out_jstr(e, "code") ? cli_out_jstr(e, "code") : "?",
		    cli_out_jstr(e, "kind") ? cli_out_jstr(e, "kind") : "?",
		    cli_out_jstr(e, "reason") ? cli_out_jstr(e, "reason") : "");
	}
	if (cli_out_jint(j, "parked_count") >
	    (long long)json_array_size(parked))
		printf("  ... and %lld more\n",
		    cli_out_jint(j, "parked_count") -
		        (long long)json_array_size(parked));
	if (cli_out_jint(j, "parked_count") > 0)
		printf("Fix the cause, then: motcua sync retry [CODE]\n");
out:
	cli_reply_free(&r);
	return rc;
}

static void
print_codes(const char *title, json_t *arr)
{
	size_t i;
	json_t *e;

	if (json_array_size(arr) == 0)
		return;
	printf("%s (%zu):\n", title, json_array_size(arr));
	json_array_foreach(arr, i, e)
		printf("  %s\n", json_string_value(e));
}

static int
sync_verify_cmd(struct cli *cli, const char *from, const char *to, bool as_json)
{
	struct buf path;
	struct cli_reply r;
	json_t *j, *cd, *e;
	size_t i;
	CURL *curl;
	int rc;

	buf_init(&path, 512);
	if ((curl = cli_cmd_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/sync/verify") < 0 ||
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
	j = r.json;
	if (!json_is_boolean(json_object_get(j, "ok"))) {
		cli_warn("bad reply from the daemon: no \"ok\"");
		rc = CLI_DAEMON;
		goto out;
	}
	if (as_json) {
		cli_out_compact(&r);
	} else {
		json_t *l = json_object_get(j, "local"),
		       *u = json_object_get(j, "upstream");

		printf("Period %s to %s\n", cli_out_jstr(j, "from"),
		    cli_out_jstr(j, "to"));
		printf("%-10s %8s %8s %8s\n", "", "in_person", "online",
		    "postal");
		printf("%-10s %8lld %8lld %8lld\n", "local",
		    cli_out_jint(l, "1"), cli_out_jint(l, "2"),
		    cli_out_jint(l, "3"));
		printf("%-10s %8lld %8lld %8lld\n", "upstream",
		    cli_out_jint(u, "1"), cli_out_jint(u, "2"),
		    cli_out_jint(u, "3"));
		cd = json_object_get(j, "count_differences");
		json_array_foreach(cd, i, e)
			printf("count differs: %s local %lld, upstream %lld\n",
			    cli_out_jstr(e, "name"), cli_out_jint(e, "local"),
			    cli_out_jint(e, "upstream"));
		print_codes("Here but not upstream",
		    json_object_get(j, "missing_upstream"));
		print_codes("Upstream but not here",
		    json_object_get(j, "unknown_locally"));
		printf("%s\n",
		    json_is_true(json_object_get(j, "ok"))
		        ? "OK: local and upstream agree"
		        : "DIFFERENCES found");
	}
	if (!json_is_true(json_object_get(j, "ok")))
		rc = CLI_FAIL;
out:
	cli_reply_free(&r);
	return rc;
}

static int
sync_retry_cmd(struct cli *cli, const char *code)
{
	char canon[DCODE_TEXT_MAX + 1];
	json_t *body = json_object();
	struct cli_reply r;
	int rc;

	if (code != NULL) {
		if (cli_arg_code(code, canon) < 0) {
			json_decref(body);
			return CLI_USAGE;
		}
		json_object_set_new(body, "code", json_string(canon));
	}
	rc = cli_cmd_post_json(cli, "/api/v1/sync/unpark", body, &r);
	json_decref(body);
	if (rc == CLI_OK)
		printf("%lld parked item(s) back in the queue\n",
		    cli_out_jint(r.json, "released"));
	cli_reply_free(&r);
	return rc;
}

/* sync status | sync verify --from D --to D | sync retry [CODE] */
int
cli_sync(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *sub;
	bool as_json = false;
	int c, dfrom, dto;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (optind >= argc)
		return cli_cmd_usage_error(cmd,
		    "sync: expected status, verify or retry");
	sub = argv[optind++];
	if (strcmp(sub, "status") == 0) {
		if (optind != argc || from || to)
			return cli_cmd_usage_error(cmd,
			    "sync status: no arguments");
		return sync_status_cmd(cli, as_json);
	}
	if (strcmp(sub, "verify") == 0) {
		if (optind != argc)
			return cli_cmd_usage_error(cmd,
			    "sync verify: unexpected argument '%s'",
			    argv[optind]);
		if (from == NULL || to == NULL)
			return cli_cmd_usage_error(cmd,
			    "sync verify: --from and --to are required");
		if (cli_arg_date("--from", from, &dfrom) < 0 ||
		    cli_arg_date("--to", to, &dto) < 0)
			return CLI_USAGE;
		if (dto < dfrom)
			return cli_cmd_usage_error(cmd, "--to: before --from");
		return sync_verify_cmd(cli, from, to, as_json);
	}
	if (strcmp(sub, "retry") == 0) {
		if (argc - optind > 1 || from || to || as_json)
			return cli_cmd_usage_error(cmd,
			    "sync retry: at most one CODE");
		return sync_retry_cmd(cli, optind < argc ? argv[optind] : NULL);
	}
	return cli_cmd_usage_error(cmd, "sync: unknown subcommand '%s'", sub);
}
