/* cli_counter.h: motcua counter (cli_counter.c). */
#ifndef CLI_COUNTER_H
#define CLI_COUNTER_H
#include "cli/cli_cmd.h"

/* show or move a per-agency, per-day code counter */
int cli_counter(struct cli *, const struct command *, int argc, char **argv);

#define CLI_COUNTER_SUMMARY "show or move a day's dossier code counter"
#define CLI_COUNTER_USAGE                                                      \
	"Usage: motcua counter show [--agency CODE] [--day DATE] "             \
	"[--format table|json]\n"                                              \
	"       motcua counter set NEXT [--agency CODE] [--day DATE]\n"        \
	"\n"                                                                   \
	"Each agency numbers its dossiers per local day (CODE-YYMMDD-NNNN).\n" \
	"show prints the last number issued and the code the next intake\n"    \
	"gets (numbers a dossier already has, e.g. imported ones, are\n"       \
	"skipped). set makes the next intake take NEXT (1..9999) or the\n"     \
	"first free number after it, e.g. above numbers already printed on\n"  \
	"paper; it is written to the audit log. Admin only. --agency\n"        \
	"defaults to the office's, --day (YYYY-MM-DD) to today.\n"             \
	"\n"                                                                   \
	"Examples:\n"                                                          \
	"  motcua counter show\n"                                              \
	"  motcua counter set 120 --day 2026-03-02\n"
#endif
