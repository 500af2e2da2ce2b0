/* cli_report.h: the `motcua report` command (cli_report.c). */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

/* The text of `motcua report --help`. */
extern const char cli_report_usage[];
/* argv[0] is "report". Returns the CLI's exit status (0 ok, 1 refused, 2
 * usage, 3 daemon unreachable or a bad reply). */
int cli_report_main(const char *socket, int argc, char **argv);
#endif
