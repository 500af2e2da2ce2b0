/* cli_cmd.h: what every motcua command shares: the run's context (the
 * connection to the daemon, who acts), the command table's row, the
 * usage messages and the requests on the one connection. main.c builds
 * the context and the table; the cli_*.c command files use them. */
#ifndef CLI_CMD_H
#define CLI_CMD_H
#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_http.h"

#define CLI_CMD_TIMEOUT_MS 60000L      /* one ordinary request */
#define CLI_CMD_REPLY_MAX  (32u << 20) /* bytes of one reply body */

/* One run of motcua; main() owns it. */
struct cli {
	const char *socket; /* borrowed from argv or the environment */
	const char *actor;  /* borrowed */
	CURL *curl;         /* owned; NULL until the first request */
	CURLSH *share;      /* owned; made with curl: the kept connections */
};

struct command;
/* A command: argv[0] is its name; returns the exit code (CLI_OK ...). */
typedef int command_fn(struct cli *, const struct command *, int, char **);

/* One row of the command table (main.c). */
struct command {
	const char *name;
	command_fn *run;
	const char *summary; /* one line for `motcua --help` */
	const char *usage;   /* the text of `motcua NAME --help` */
};

/* The run's curl handle, made on first use (`code check` and --help
 * never start libcurl); NULL when libcurl cannot start. Owned by cli. */
CURL *cli_cmd_curl(struct cli *cli);
/* The connections the run's requests share (cli_request.share), made with
 * the handle; NULL when libcurl cannot start. Owned by cli. */
CURLSH *cli_cmd_share(struct cli *cli);

/* One request (cli_http_json) on the one connection, at most CLI_CMD_REPLY_MAX
 * bytes back: body (len bytes of ctype) when not NULL. The caller frees
 * *r with cli_reply_free whatever the result. The exit code; errors
 * printed. (Without a handle, cli_http makes its own or says why not.) */
int cli_cmd_request(struct cli *cli, const char *method, const char *path,
    const char *ctype, const char *body, size_t len, long timeout_ms,
    struct cli_reply *r);
/* POSTs a JSON object (borrowed) and fills *r like cli_cmd_request. */
int cli_cmd_post_json(struct cli *cli, const char *path, json_t *obj,
    struct cli_reply *r);
/* The same for a create: with a fresh Idempotency-Key, reused when a
 * transport error makes it ask again (cli_http.h). */
int cli_cmd_post_create(struct cli *cli, const char *path, json_t *obj,
    struct cli_reply *r);

/* Prints the problem and a pointer to `motcua NAME --help` (or to
 * `motcua --help` when cmd is NULL); returns CLI_USAGE. */
int cli_cmd_usage_error(const struct command *cmd, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
/* The same for a command outside the table's signature: name is the
 * command (NULL: `motcua --help`). */
int cli_cmd_usage_named(const char *name, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
/* What getopt_long returned for a bad option: ':' (missing value) or
 * '?' (unknown); argv[optind - 1] is the offending word. CLI_USAGE. */
int cli_cmd_bad_option(const struct command *cmd, int c, char **argv);
/* Prints cmd's usage text on stdout; CLI_OK. */
int cli_cmd_usage(const struct command *cmd);
/* Parses a command that takes only --help and exactly nargs words (from
 * argv[optind] on). CLI_OK with *help set when --help was given; else
 * the usage error's code, printed. */
int cli_cmd_simple_args(const struct command *cmd, int argc, char **argv,
    int nargs, bool *help);
#endif
