/* cli_scan.h: `motcua scanners` (docs/scanners.md), called from motcua.c's
 * command table. It asks the daemon's admin socket with libcurl like every
 * other command; exit codes as motcua's: 0 done, 2 usage, 3 daemon
 * unreachable or bad. */
#ifndef CLI_SCAN_H
#define CLI_SCAN_H

int cli_scanners(const char *socket, int argc, char **argv);

#define CLI_SCANNERS_SUMMARY "list scanners, their state and counters"
#define CLI_SCANNERS_USAGE                                                  \
	"Usage: motcua scanners [--json]\n"                                 \
	"\n"                                                                \
	"Lists the configured scanner sources ([scanner.NAME] sections):\n" \
	"kind, device, terminal, state (open, waiting, retry, error,\n"     \
	"closed), the last scan time, the scans taken, the repeats\n"       \
	"counted once and the error counters (overlong, garbage, ...).\n"   \
	"--json prints the daemon's reply.\n"
#endif
