/* cli_holidays.c: `motcua holidays list|import` (cli_holidays.h). list
 * is a thin reader of GET /api/v1/holidays?year=Y; import is
 * cli_import.c's. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_arg.h"
#include "cli/cli_holidays.h"
#include "cli/cli_import.h"
#include "cli/cli_out.h"
#include "cli/cli_table.h"

#define YEAR_MIN 1970 /* the daemon's bounds (api_holidays.c) */
#define YEAR_MAX 2199

static int
list(struct cli *cli, const struct command *cmd, const char *year_arg)
{
	struct cli_reply r;
	struct cli_table t;
	json_t *days, *el;
	char path[64], *end;
	long year;
	size_t i;
	int rc;

	if (year_arg != NULL) {
		year = strtol(year_arg, &end, 10);
		if (*year_arg == '\0' || *end != '\0' || year < YEAR_MIN ||
		    year > YEAR_MAX)
			return cli_cmd_usage_error(cmd,
			    "holidays list: YEAR: must be a year from %d to %d",
			    YEAR_MIN, YEAR_MAX);
	} else {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		year = tm.tm_year + 1900L;
	}
	snprintf(path, sizeof path, "/api/v1/holidays?year=%ld", year);
	rc = cli_cmd_request(cli, "GET", path, NULL, NULL, 0,
	    CLI_CMD_TIMEOUT_MS, &r);
	if (rc != CLI_OK) {
		cli_reply_free(&r);
		return rc;
	}
	days = json_object_get(r.json, "holidays");
	if (!json_is_array(days)) {
		cli_warn("a bad reply from the daemon: no holidays list");
		cli_reply_free(&r);
		return CLI_DAEMON;
	}
	/* The daemon may say so itself; else a year without a table is
	 * provisional by the calendar's rule. */
	if (json_is_true(json_object_get(r.json, "provisional")) ||
	    json_array_size(days) == 0)
		printf("%ld: provisional: no holiday table loaded; due dates "
		       "count weekends only\n",
		    year);
	if (json_array_size(days) == 0) {
		cli_reply_free(&r);
		return CLI_OK;
	}
	if (cli_table_init(&t, 4) != 0 ||
	    cli_table_row(&t,
	        (const char *const[]){ "DATE", "KIND", "NAME", "SOURCE" }) !=
	        0) {
		cli_table_free(&t);
		cli_reply_free(&r);
		cli_warn("out of memory");
		return CLI_FAIL;
	}
	json_array_foreach(days, i, el) {
		const char *row[4] = { cli_out_jstr(el, "date"),
			cli_out_jstr(el, "kind"), cli_out_jstr(el, "name"),
			cli_out_jstr(el, "source") };

		if (cli_table_row(&t, row) != 0) {
			cli_table_free(&t);
			cli_reply_free(&r);
			cli_warn("out of memory");
			return CLI_FAIL;
		}
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
	cli_reply_free(&r);
	return CLI_OK;
}

int
cli_holidays(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		if (argc > 3)
			return cli_cmd_usage_error(cmd,
			    "holidays list: expected at most one YEAR");
		if (argc == 3 && strcmp(argv[2], "--help") == 0)
			return cli_cmd_usage(cmd);
		return list(cli, cmd, argc == 3 ? argv[2] : NULL);
	}
	return cli_import_holidays(cli, cmd, argc, argv);
}
