/* cli_user.h: `motcua user ...` and `motcua audit ...` (docs/cli.md).
 * The way to the daemon, admin socket or TCP with a bearer token, is
 * cli_http.h's. Exit codes as motcua's: 0 done, 1 refused or not found,
 * 2 usage, 3 daemon unreachable or a bad reply. */
#ifndef CLI_USER_H
#define CLI_USER_H

int cli_user(const char *socket, const char *actor, int argc, char **argv);
int cli_audit(const char *socket, const char *actor, int argc, char **argv);

#define CLI_USER_SUMMARY  "staff accounts and their CLI tokens"
#define CLI_AUDIT_SUMMARY "list the audit log"
#define CLI_USER_USAGE                                                           \
	"Usage: motcua user add NAME --role ROLE [--post-office ID]\n"           \
	"                       [--password-stdin]\n"                            \
	"       motcua user post-office NAME --post-office ID\n"                 \
	"       motcua user passwd NAME [--password-stdin]\n"                    \
	"       motcua user disable NAME\n"                                      \
	"       motcua user list [--json]\n"                                     \
	"       motcua user token NAME [--label L] [--days N]\n"                 \
	"       motcua user revoke NAME [--label L]\n"                           \
	"\n"                                                                     \
	"Staff accounts for the staff web pages and the CLI over TCP.\n"         \
	"ROLE: kiosk, postal_clerk, office_staff or admin. The password\n"       \
	"(at least 12 characters, not a common one, not containing NAME;\n"      \
	"a kiosk has a PIN of 6 to 8 digits, not a run like 123456) is\n"        \
	"read from the terminal twice, or once from standard input with\n"       \
	"--password-stdin. token prints a new bearer token once (only its\n"     \
	"hash is kept), valid N days (default 90, at most 365): give it\n"       \
	"to the CLI as MOTCUA_TOKEN or --token-file. list shows when each\n"     \
	"user's first live token expires. revoke ends NAME's tokens\n"           \
	"(those labelled L). disable ends the account's sessions and\n"          \
	"tokens. A postal_clerk belongs to a post office (ID: 1 to 32 of\n"      \
	"A-Z a-z 0-9 . _ -, e.g. its postal code) and reads only its\n"          \
	"postal registrations; without one, only their own. post-office\n"       \
	"moves a clerk (\"\" for none). Every change is in the audit log.\n"     \
	"Admin only.\n"                                                          \
	"\n"                                                                     \
	"Example:\n"                                                             \
	"  motcua user add lan --role office_staff\n"                            \
	"  motcua user add buucuc.hl --role postal_clerk --post-office 200000\n" \
	"  motcua user token lan --label laptop\n"
#define CLI_AUDIT_USAGE                                                     \
	"Usage: motcua audit [--from DATE] [--to DATE] [--limit N] "        \
	"[--json]\n"                                                        \
	"\n"                                                                \
	"Lists the audit log of the period (dates inclusive, YYYY-MM-DD,\n" \
	"default today): time, actor, action, object and detail of every\n" \
	"staff write, sign-in and account change, and every read of\n"      \
	"personal data (action read), oldest first. --json\n"               \
	"prints the daemon's reply. Admin only.\n"                          \
	"\n"                                                                \
	"Example:\n"                                                        \
	"  motcua audit --from 2026-11-01 --to 2026-11-30\n"
#endif
