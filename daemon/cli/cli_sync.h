/* cli_sync.h: motcua sync (cli_sync.c). */
#ifndef CLI_SYNC_H
#define CLI_SYNC_H
#include "cli/cli_cmd.h"

/* sync status | verify --from D --to D | retry [CODE] */
int cli_sync(struct cli *, const struct command *, int argc, char **argv);

#define CLI_SYNC_SUMMARY "upstream sync: status, verify, retry"
#define CLI_SYNC_USAGE                                                       \
	"Usage: motcua sync status [--json]\n"                               \
	"       motcua sync verify --from DATE --to DATE [--json]\n"         \
	"       motcua sync retry [CODE]\n"                                  \
	"\n"                                                                 \
	"status: the queue of items not yet sent upstream, the age of the\n" \
	"oldest, the last success and the last error, and the items\n"       \
	"upstream refused (parked) with its reason.\n"                       \
	"verify: compares the dossiers taken here and received in the\n"     \
	"period (dates inclusive, YYYY-MM-DD) with upstream's: counts per\n" \
	"channel and the code lists; lists every difference. Exit status\n"  \
	"0 when they agree, 1 when they differ.\n"                           \
	"retry: puts parked items (of CODE, or all) back in the queue,\n"    \
	"once the cause is fixed upstream.\n"                                \
	"\n"                                                                 \
	"Example:\n"                                                         \
	"  motcua sync verify --from 2026-01-01 --to 2026-01-31\n"
#endif
