/* cli_cmd.c: what every motcua command shares (see cli_cmd.h). */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_cmd.h"
#include "cli/cli_http.h"

CURL *
cli_cmd_curl(struct cli *cli)
{
	if (cli->curl == NULL) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		cli->curl = curl_easy_init();
		/* one connection for many requests, each on a handle of its
		 * own (cli_http.h says why) */
		if ((cli->share = curl_share_init()) != NULL)
			curl_share_setopt(cli->share, CURLSHOPT_SHARE,
			    CURL_LOCK_DATA_CONNECT);
	}
	return cli->curl;
}

CURLSH *
cli_cmd_share(struct cli *cli)
{
	return cli_cmd_curl(cli) != NULL ? cli->share : NULL;
}

int
cli_cmd_request(struct cli *cli, const char *method, const char *path,
    const char *ctype, const char *body, size_t len, long timeout_ms,
    struct cli_reply *r)
{
	return cli_http_json(&(struct cli_request){ .socket = cli->socket,
	                         .share = cli_cmd_share(cli),
	                         .method = method,
	                         .path = path,
	                         .body = body,
	                         .len = len,
	                         .ctype = ctype,
	                         .reply_max = CLI_CMD_REPLY_MAX,
	                         .timeout_ms = timeout_ms,
	                         .actor = cli->actor },
	    r);
}

int
cli_cmd_post_json(struct cli *cli, const char *path, json_t *obj,
    struct cli_reply *r)
{
	return cli_http_json(&(struct cli_request){ .socket = cli->socket,
	                         .share = cli_cmd_share(cli),
	                         .method = "POST",
	                         .path = path,
	                         .json = obj,
	                         .reply_max = CLI_CMD_REPLY_MAX,
	                         .timeout_ms = CLI_CMD_TIMEOUT_MS },
	    r);
}

int
cli_cmd_post_create(struct cli *cli, const char *path, json_t *obj,
    struct cli_reply *r)
{
	char key[CLI_IDEM_KEY_LEN + 1];

	cli_http_idem_key(key);
	return cli_http_json(&(struct cli_request){ .socket = cli->socket,
	                         .share = cli_cmd_share(cli),
	                         .method = "POST",
	                         .path = path,
	                         .json = obj,
	                         .reply_max = CLI_CMD_REPLY_MAX,
	                         .timeout_ms = CLI_CMD_TIMEOUT_MS,
	                         .idem_key = key },
	    r);
}

static int vusage(const char *name, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 2, 0)));

static int
vusage(const char *name, const char *fmt, va_list ap)
{
	cli_vwarn(fmt, ap);
	if (name != NULL)
		fprintf(stderr, "Try 'motcua %s --help'.\n", name);
	else
		fputs("Try 'motcua --help'.\n", stderr);
	return CLI_USAGE;
}

int
cli_cmd_usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vusage(cmd != NULL ? cmd->name : NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_cmd_usage_named(const char *name, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vusage(name, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_cmd_bad_option(const struct command *cmd, int c, char **argv)
{
	const char *word = argv[optind - 1];

	if (c == ':')
		return cli_cmd_usage_error(cmd, "%s: needs a value", word);
	return cli_cmd_usage_error(cmd, "unknown option %s", word);
}

int
cli_cmd_usage(const struct command *cmd)
{
	fputs(cmd->usage, stdout);
	return CLI_OK;
}

static const struct option help_only[] = { { "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 } };

int
cli_cmd_simple_args(const struct command *cmd, int argc, char **argv, int nargs,
    bool *help)
{
	int c;

	*help = false;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", help_only, NULL)) != -1) {
		if (c != 'h')
			return cli_cmd_bad_option(cmd, c, argv);
		*help = true;
		return CLI_OK;
	}
	if (argc - optind != nargs)
		return cli_cmd_usage_error(cmd,
		    "%s: expected %d argument%s, got %d", cmd->name, nargs,
		    nargs == 1 ? "" : "s", argc - optind);
	return CLI_OK;
}
