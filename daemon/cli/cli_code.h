/* cli_code.h: motcua code check (cli_code.c): local, no daemon. */
#ifndef CLI_CODE_H
#define CLI_CODE_H
#include "cli/cli_cmd.h"

/* code check CODE: parses and explains a dossier code */
int cli_code(struct cli *, const struct command *, int argc, char **argv);

#define CLI_CODE_SUMMARY "check a dossier code (no daemon needed)"
#define CLI_CODE_USAGE                                                       \
	"Usage: motcua code check CODE\n"                                    \
	"\n"                                                                 \
	"Parses CODE like the daemon does (lenient: trimmed, upper-cased,\n" \
	"4- or 5-digit number) and prints its agency, date, number and\n"    \
	"form: strict (what we issue) or lenient. Exit status 0 when\n"      \
	"valid, 1 with the reason when not.\n"                               \
	"\n"                                                                 \
	"Example:\n"                                                         \
	"  motcua code check 000.00.19.H26-260105-0007\n"
#endif
