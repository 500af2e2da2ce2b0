/* cli_counts.h: motcua counts (cli_counts.c). */
#ifndef CLI_COUNTS_H
#define CLI_COUNTS_H
#include "cli/cli_cmd.h"

/* dossiers received per channel over a period */
int cli_counts(struct cli *, const struct command *, int argc, char **argv);

#define CLI_COUNTS_SUMMARY "dossiers received per channel"
#define CLI_COUNTS_USAGE                                                    \
	"Usage: motcua counts --from DATE --to DATE "                       \
	"[--format table|json|csv]\n"                                       \
	"\n"                                                                \
	"Counts dossiers received in the period (dates inclusive,\n"        \
	"YYYY-MM-DD) by channel: in person, online, postal, with shares.\n" \
	"json prints the daemon's reply on one line; csv has the header\n"  \
	"channel,count,pct.\n"                                              \
	"\n"                                                                \
	"Example:\n"                                                        \
	"  motcua counts --from 2026-01-01 --to 2026-03-31 --format csv\n"
#endif
