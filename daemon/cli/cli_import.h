/* cli_import.h: the commands that load files (cli_import.c). Each takes
 * the words from the command's name on and returns the CLI's exit code
 * (cli_http.h), the problem printed. */
#ifndef CLI_IMPORT_H
#define CLI_IMPORT_H
#include "cli/cli_cmd.h"

/* import FILE: dossiers, JSON Lines, in chunks */
int cli_import_dossiers(struct cli *, const struct command *, int argc,
    char **argv);
/* catalogue import FILE: procedures, one request */
int cli_import_catalogue(struct cli *, const struct command *, int argc,
    char **argv);
/* holidays import FILE: the holiday CSV */
int cli_import_holidays(struct cli *, const struct command *, int argc,
    char **argv);

#define CLI_IMPORT_SUMMARY    "import dossiers from a JSON Lines file"
#define CLI_HOLIDAYS_SUMMARY  "load the holiday calendar"
#define CLI_CATALOGUE_SUMMARY "load the procedure catalogue"
#define CLI_IMPORT_USAGE                                                    \
	"Usage: motcua import FILE\n"                                       \
	"\n"                                                                \
	"Sends FILE (one dossier a line, the upstream export format) in\n"  \
	"chunks of up to 20000 lines, then prints how many dossiers were\n" \
	"imported, updated, unchanged and rejected, and the first 50\n"     \
	"rejected lines with the reason. Blank lines are skipped; a line\n" \
	"over 64 KiB is rejected. A progress bar shows on a terminal.\n"    \
	"Exit status 0 when no line was rejected, else 1.\n"                \
	"\n"                                                                \
	"Example:\n"                                                        \
	"  motcua import export-2025.jsonl\n"
#define CLI_HOLIDAYS_USAGE                                                \
	"Usage: motcua holidays import FILE\n"                            \
	"\n"                                                              \
	"Sends the holiday CSV file (YYYY-MM-DD,kind,name,source with\n"  \
	"kind holiday, day_off or make_up) to the daemon, which checks\n" \
	"every line and loads all or none. Bad lines are listed.\n"       \
	"\n"                                                              \
	"Example:\n"                                                      \
	"  motcua holidays import /etc/motcua/holidays-2026.csv\n"
#define CLI_CATALOGUE_USAGE                                            \
	"Usage: motcua catalogue import FILE\n"                        \
	"\n"                                                           \
	"Sends a JSON Lines file of procedures, one a line:\n"         \
	"  {\"code\",\"name\",\"field\",\"days\",\"documents\":[...]," \
	"\"fee\"}\n"                                                   \
	"and prints imported, updated, unchanged and rejected like\n"  \
	"'motcua import'. At most 20000 lines.\n"                      \
	"\n"                                                           \
	"Example:\n"                                                   \
	"  motcua catalogue import procedures.jsonl\n"
#endif
