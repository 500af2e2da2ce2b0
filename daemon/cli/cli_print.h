/* cli_print.h: `motcua print ...` and `motcua printer ...` (docs/cli.md),
 * called from motcua.c's command table. They talk to the daemon's admin
 * socket with libcurl like every other command; exit codes as motcua's:
 * 0 done, 1 refused or not found, 2 usage, 3 daemon unreachable or bad. */
#ifndef CLI_PRINT_H
#define CLI_PRINT_H

int cli_print(const char *socket, const char *actor, int argc, char **argv);
int cli_printer(const char *socket, const char *actor, int argc, char **argv);

#define CLI_PRINT_SUMMARY   "print receipts, slips, manifests, test pages"
#define CLI_PRINTER_SUMMARY "show the printer's state and its job queue"
#define CLI_PRINT_USAGE                                                       \
	"Usage: motcua print receipt CODE [--to FILE] [--profile NAME]\n"     \
	"       motcua print slip CODE [--to FILE] [--profile NAME]\n"        \
	"       motcua print manifest DAY [--to FILE] [--profile NAME]\n"     \
	"       motcua print test [--to FILE] [--profile NAME]\n"             \
	"       motcua print preview CODE --png FILE [--profile NAME]\n"      \
	"       motcua print reprint JOB\n"                                   \
	"\n"                                                                  \
	"Queues a document on the office printer and prints the job\n"        \
	"number; the daemon prints it when the printer is ready, and keeps\n" \
	"it across restarts. receipt: the intake receipt (Mau 01); slip:\n"   \
	"the kiosk status slip; manifest: the postal manifest (bang ke) of\n" \
	"DAY (YYYY-MM-DD); test: every feature of the printer profile.\n"     \
	"\n"                                                                  \
	"  --to FILE       write the ESC/POS bytes to FILE instead of\n"      \
	"                  queueing (print to file; copy it to the port)\n"   \
	"  --profile NAME  render for another printer profile\n"              \
	"  --png FILE      preview: the receipt exactly as the printer\n"     \
	"                  prints it, from the same layout as the bytes\n"    \
	"  reprint JOB     print job JOB again, marked BAN IN LAI\n"          \
	"\n"                                                                  \
	"Example:\n"                                                          \
	"  motcua print receipt 000.00.19.H26-260105-0007\n"                  \
	"  motcua print preview 000.00.19.H26-260105-0007 --png r.png\n"
#define CLI_PRINTER_USAGE                                               \
	"Usage: motcua printer status [--json]\n"                       \
	"       motcua printer jobs [--limit N] [--json]\n"             \
	"\n"                                                            \
	"status: the printer's state (ok, paper_low, no_paper,\n"       \
	"cover_open, offline, unknown, disconnected), its device and\n" \
	"profile, the jobs waiting. jobs: the newest jobs (default\n"   \
	"20) with their outcome. Exit 1 from status when the printer\n" \
	"cannot print now.\n"
#endif
