/* main.c: motcua, the command-line client of motcuad (docs/cli.md is the
 * manual). It talks HTTP with JSON to the daemon's admin Unix socket, or
 * to the staff listener when MOTCUA_URL is set, through libcurl
 * (cli_http.c; blocking is fine: this is a short-lived tool, not the
 * daemon's loop).
 *
 * This file is the command table, `motcua --help` and the dispatch: it
 * reads the global options, builds the run's context (struct cli,
 * cli_cmd.h) and runs one command. Each command group lives in its own
 * file: cli_dossier.c (intake, show, status, supplement, apology, search,
 * token), cli_import.c (import, catalogue, holidays), cli_counts.c,
 * cli_counter.c,
 * cli_report.c, cli_sync.c, cli_code.c, cli_print.c, cli_scan.c,
 * cli_user.c, cli_postal.c, cli_decode.c, cli_holidays.c (holidays list;
 * import is cli_import.c's), cli_backup.c. They share cli_cmd.c (usage
 * errors, requests), cli_arg.c (argument checks), cli_out.c and
 * cli_table.c (output). The CLI links none of the daemon: only these and
 * pure modules of core/, postal/ and scanner/ (the Makefile's CLI_PURE_SRC).
 * Exit codes: CLI_OK ... in cli_http.h and `motcua --help`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <curl/curl.h>

#include "cli/cli_arg.h"
#include "cli/cli_backup.h"
#include "cli/cli_cmd.h"
#include "cli/cli_code.h"
#include "cli/cli_counter.h"
#include "cli/cli_counts.h"
#include "cli/cli_decode.h"
#include "cli/cli_dossier.h"
#include "cli/cli_holidays.h"
#include "cli/cli_http.h"
#include "cli/cli_import.h"
#include "cli/cli_postal.h"
#include "cli/cli_print.h"
#include "cli/cli_report.h"
#include "cli/cli_scan.h"
#include "cli/cli_sync.h"
#include "cli/cli_user.h"

#ifndef MOTCUA_VERSION
#error "MOTCUA_VERSION comes from the VERSION file (Makefile)"
#endif

#define DEFAULT_SOCKET "/run/motcuad/admin.sock"
#define ACTOR_MAX      64

static int cmd_help(struct cli *, const struct command *, int, char **);

/* report: in cli_report.c */
static int
cmd_report(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_report_main(cli->socket, argc, argv);
}

/* decode: local work in cli_decode.c; no daemon, no libcurl */
static int
cmd_decode(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cli;
	(void)cmd;
	return cli_decode(argc, argv);
}

/* print and printer live in cli_print.c; these pass the connection. */
static int
cmd_print(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_print(cli->socket, cli->actor, argc, argv);
}

static int
cmd_printer(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_printer(cli->socket, cli->actor, argc, argv);
}

/* scanners lives in cli_scan.c. */
static int
cmd_scanners(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_scanners(cli->socket, argc, argv);
}

/* user and audit live in cli_user.c. */
static int
cmd_user(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_user(cli->socket, cli->actor, argc, argv);
}

static int
cmd_audit(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_audit(cli->socket, cli->actor, argc, argv);
}

/* s10 and postal live in cli_postal.c. */
static int
cmd_s10(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cli;
	(void)cmd;
	return cli_s10(argc, argv);
}

static int
cmd_postal(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_postal(cli->socket, cli->actor, argc, argv);
}

static const struct command commands[] = {
	{ "scanners", cmd_scanners, CLI_SCANNERS_SUMMARY, CLI_SCANNERS_USAGE },
	{ "user", cmd_user, CLI_USER_SUMMARY, CLI_USER_USAGE },
	{ "audit", cmd_audit, CLI_AUDIT_SUMMARY, CLI_AUDIT_USAGE },
	{ "s10", cmd_s10, CLI_S10_SUMMARY, CLI_S10_USAGE },
	{ "postal", cmd_postal, CLI_POSTAL_SUMMARY, CLI_POSTAL_USAGE },
	{ "print", cmd_print, CLI_PRINT_SUMMARY, CLI_PRINT_USAGE },
	{ "printer", cmd_printer, CLI_PRINTER_SUMMARY, CLI_PRINTER_USAGE },
	{ "decode", cmd_decode, CLI_DECODE_SUMMARY, CLI_DECODE_USAGE },
	{ "intake", cli_dossier_intake, CLI_INTAKE_SUMMARY, CLI_INTAKE_USAGE },
	{ "show", cli_dossier_show, CLI_SHOW_SUMMARY, CLI_SHOW_USAGE },
	{ "status", cli_dossier_status, CLI_STATUS_SUMMARY, CLI_STATUS_USAGE },
	{ "supplement", cli_dossier_supplement, CLI_SUPPLEMENT_SUMMARY,
	    CLI_SUPPLEMENT_USAGE },
	{ "apology", cli_dossier_apology, CLI_APOLOGY_SUMMARY,
	    CLI_APOLOGY_USAGE },
	{ "search", cli_dossier_search, CLI_SEARCH_SUMMARY, CLI_SEARCH_USAGE },
	{ "import", cli_import_dossiers, CLI_IMPORT_SUMMARY, CLI_IMPORT_USAGE },
	{ "counts", cli_counts, CLI_COUNTS_SUMMARY, CLI_COUNTS_USAGE },
	{ "counter", cli_counter, CLI_COUNTER_SUMMARY, CLI_COUNTER_USAGE },
	{ "report", cmd_report, "period reports and Biểu II.06a",
	    cli_report_usage },
	{ "sync", cli_sync, CLI_SYNC_SUMMARY, CLI_SYNC_USAGE },
	{ "code", cli_code, CLI_CODE_SUMMARY, CLI_CODE_USAGE },
	{ "token", cli_dossier_token, CLI_TOKEN_SUMMARY, CLI_TOKEN_USAGE },
	{ "holidays", cli_holidays, CLI_HOLIDAYS_CMD_SUMMARY,
	    CLI_HOLIDAYS_CMD_USAGE },
	{ "backup", cli_backup, CLI_BACKUP_SUMMARY, CLI_BACKUP_USAGE },
	{ "catalogue", cli_import_catalogue, CLI_CATALOGUE_SUMMARY,
	    CLI_CATALOGUE_USAGE },
	{ "help", cmd_help, "help on a command",
	    "Usage: motcua help [COMMAND]\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
print_main_usage(FILE *f)
{
	fputs("Usage: motcua [--socket PATH] [--actor NAME] COMMAND [ARGS]\n"
	      "       motcua --help | --version\n"
	      "\n"
	      "The command-line client of motcuad, the one-stop office "
	      "daemon.\n"
	      "\n"
	      "Commands:\n",
	    f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name,
		    commands[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  --socket PATH  the daemon's admin socket (default "
	      "$MOTCUA_SOCKET,\n"
	      "                 else " DEFAULT_SOCKET ")\n"
	      "  --actor NAME   who is acting, recorded in the history "
	      "(default $USER)\n"
	      "  --token-file F the bearer token for MOTCUA_URL (else "
	      "$MOTCUA_TOKEN)\n"
	      "  --insecure-http\n"
	      "                 allow an http:// MOTCUA_URL that is not "
	      "loopback: the\n"
	      "                 token crosses the network in clear (else "
	      "$MOTCUA_INSECURE_HTTP=1)\n"
	      "  --help         this text; 'motcua COMMAND --help' for a "
	      "command\n"
	      "  --version      print the version\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  the daemon refused or found nothing, or a check failed\n"
	      "  2  usage error\n"
	      "  3  cannot reach the daemon, or a bad reply from it\n",
	    f);
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* The optimal string alignment distance (edits, with a swap of two
 * neighbours as one) between a and b, capped: names are short, and past
 * CLOSE_MAX the answer is only "far". */
#define CLOSE_MAX 2
#define NAME_MAX_ 32

static int
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[NAME_MAX_ + 1][NAME_MAX_ + 1];

	if (la > NAME_MAX_ || lb > NAME_MAX_)
		return CLOSE_MAX + 1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1], v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* "unknown command 'stauts'; did you mean 'status'?" when one command is
 * the closest within CLOSE_MAX edits. */
static int
unknown_command(const char *name)
{
	const char *best = NULL;
	int bd = CLOSE_MAX + 1, n;

	for (size_t i = 0; i < NCOMMANDS; i++)
		if ((n = distance(name, commands[i].name)) < bd) {
			bd = n;
			best = commands[i].name;
		}
	if (best != NULL)
		return cli_cmd_usage_error(NULL,
		    "unknown command '%s'; did you mean '%s'?", name, best);
	return cli_cmd_usage_error(NULL, "unknown command '%s'", name);
}

static int
cmd_help(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	const struct command *c;

	(void)cli;
	if (argc < 2) {
		print_main_usage(stdout);
		return CLI_OK;
	}
	if (argc > 2)
		return cli_cmd_usage_error(cmd, "help: expected one COMMAND");
	if ((c = find_command(argv[1])) == NULL)
		return unknown_command(argv[1]);
	return cli_cmd_usage(c);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "actor", required_argument, NULL, 'a' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "insecure-http", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	const struct command *cmd;
	int c, rc;

	opterr = 0;
	/* "+": stop at the command; its own options follow it */
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cli.socket = optarg;
			break;
		case 'a':
			cli.actor = optarg;
			break;
		case 'T': /* read by cli_target (cli_http.c) */
			setenv("MOTCUA_TOKEN_FILE", optarg, 1);
			break;
		case 'I': /* read by cli_target (cli_http.c) */
			setenv("MOTCUA_INSECURE_HTTP", "1", 1);
			break;
		case 'h':
			print_main_usage(stdout);
			return CLI_OK;
		case 'V':
			printf("motcua %s\n", MOTCUA_VERSION);
			return CLI_OK;
		default:
			return cli_cmd_bad_option(NULL, c, argv);
		}
	}
	if (optind == argc) {
		print_main_usage(stderr);
		return CLI_USAGE;
	}
	if ((cmd = find_command(argv[optind])) == NULL)
		return unknown_command(argv[optind]);
	if (cli.socket == NULL && cli_remote()) /* named in messages */
		cli.socket = getenv("MOTCUA_URL");
	if (cli.socket == NULL)
		cli.socket = getenv("MOTCUA_SOCKET");
	if (cli.socket == NULL || cli.socket[0] == '\0')
		cli.socket = DEFAULT_SOCKET;
	if (strlen(cli.socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return cli_cmd_usage_error(NULL,
		    "--socket: path longer than %zu bytes",
		    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (cli.actor == NULL) {
		cli.actor = getenv("USER");
		if (cli.actor == NULL || cli.actor[0] == '\0')
			cli.actor = "unknown";
	}
	if (cli_arg_text("--actor", cli.actor, ACTOR_MAX) < 0)
		return CLI_USAGE;

	rc = cmd->run(&cli, cmd, argc - optind, argv + optind);

	if (cli.curl != NULL) {
		curl_easy_cleanup(cli.curl);
		curl_share_cleanup(cli.share); /* NULL: a no-op */
		curl_global_cleanup();
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("writing the output: %s", strerror(errno));
		return rc != CLI_OK ? rc : CLI_FAIL;
	}
	return rc;
}
