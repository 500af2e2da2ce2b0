/* cli_code.c: motcua code check, local: no daemon, no libcurl. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_cmd.h"
#include "cli/cli_code.h"
#include "cli/cli_http.h"
#include "core/dcode.h"

/* code check CODE: local, no daemon. */
int
cli_code(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	char text[DCODE_TEXT_MAX + 1];
	struct dcode d;
	enum dcode_err e;
	size_t at = 0;
	const char *why;
	bool help;
	int rc;

	(void)cli;
	if ((rc = cli_cmd_simple_args(cmd, argc, argv, 2, &help)) != CLI_OK ||
	    help)
		return help ? cli_cmd_usage(cmd) : rc;
	if (strcmp(argv[optind], "check") != 0)
		return cli_cmd_usage_error(cmd, "code: unknown action '%s'",
		    argv[optind]);
	e = dcode_parse(argv[optind + 1], strlen(argv[optind + 1]), &d, &at);
	if (e != DCODE_OK) {
		why = dcode_strerror(e);
		if (strncmp(why, "code", 4) == 0)
			cli_warn("%s (at byte %zu)", why, at);
		else
			cli_warn("code: %s (at byte %zu)", why, at);
		return CLI_FAIL;
	}
	if (dcode_format(&d, text, sizeof(text)) < 0) {
		cli_warn("code: cannot be written back");
		return CLI_FAIL;
	}
	printf("code:   %s\n", text);
	printf("agency: %s\n", d.agency);
	printf("date:   20%02d-%02d-%02d\n", d.yy, d.mm, d.dd);
	printf("seq:    %0*u\n", d.seq > 9999 ? 5 : 4, d.seq);
	printf("form:   %s\n", d.strict ? "strict" : "lenient");
	return CLI_OK;
}
