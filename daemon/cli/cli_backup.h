/* cli_backup.h: `motcua backup` (docs/cli.md, docs/operations.md). */
#ifndef CLI_BACKUP_H
#define CLI_BACKUP_H
#include "cli/cli_cmd.h"

#define CLI_BACKUP_SUMMARY "an online copy of the store, with its checksum"
#define CLI_BACKUP_USAGE                                                    \
	"Usage: motcua backup [--hub] FILE\n"                               \
	"\n"                                                                \
	"Asks the running daemon (admin socket only) for a consistent\n"    \
	"copy of its store, made with SQLite's backup API while it keeps\n" \
	"serving, and writes it to FILE (a new file, mode 0600: it holds\n" \
	"personal data) and its SHA-256 to FILE.sha256, in sha256sum's\n"   \
	"form. The copy's hash is checked against the daemon's before\n"    \
	"FILE appears. `motcuad --restore FILE` puts it back.\n"            \
	"\n"                                                                \
	"  --hub   the hub's database instead (a daemon in the hub role)\n" \
	"\n"                                                                \
	"Example:\n"                                                        \
	"  motcua backup /var/backups/motcua/motcua-2026-12-07.db\n"

/* The command (main.c's table). */
int cli_backup(struct cli *, const struct command *, int, char **);
#endif
