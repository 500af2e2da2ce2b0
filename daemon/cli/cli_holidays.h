/* cli_holidays.h: `motcua holidays` (docs/cli.md): list the loaded
 * holiday table of a year, or import a holiday file (cli_import.c). */
#ifndef CLI_HOLIDAYS_H
#define CLI_HOLIDAYS_H
#include "cli/cli_cmd.h"

#define CLI_HOLIDAYS_CMD_SUMMARY "list or load the holiday calendar"
#define CLI_HOLIDAYS_CMD_USAGE                                              \
	"Usage: motcua holidays list [YEAR]\n"                              \
	"       motcua holidays import FILE\n"                              \
	"\n"                                                                \
	"list: the daemon's holiday table for YEAR (default this year):\n"  \
	"date, kind, name and source a line. A year without a table is\n"   \
	"said to be provisional: due dates in it count weekends only\n"     \
	"until a table is loaded (docs/domain.md).\n"                       \
	"\n"                                                                \
	"import: sends the holiday CSV file (YYYY-MM-DD,kind,name,source\n" \
	"with kind holiday, day_off or make_up) to the daemon, which\n"     \
	"checks every line and loads all or none. Bad lines are listed.\n"  \
	"\n"                                                                \
	"Examples:\n"                                                       \
	"  motcua holidays list 2027\n"                                     \
	"  motcua holidays import /usr/share/motcua/holidays.csv\n"

/* The command (main.c's table). */
int cli_holidays(struct cli *, const struct command *, int, char **);
#endif
