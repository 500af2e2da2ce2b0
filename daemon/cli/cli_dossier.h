/* cli_dossier.h: the commands on dossiers (cli_dossier.c): intake, show,
 * status, supplement, apology, search and token. Each takes the words
 * from the command's name on and returns the CLI's exit code (cli_http.h),
 * the problem printed. The help texts are the macros below, named by
 * main.c's command table. */
#ifndef CLI_DOSSIER_H
#define CLI_DOSSIER_H
#include "cli/cli_cmd.h"

/* registers a dossier received at the counter */
int cli_dossier_intake(struct cli *, const struct command *, int argc,
    char **argv);
/* one dossier and its history */
int cli_dossier_show(struct cli *, const struct command *, int argc,
    char **argv);
/* moves a dossier to a new status */
int cli_dossier_status(struct cli *, const struct command *, int argc,
    char **argv);
/* requests or completes a supplement */
int cli_dossier_supplement(struct cli *, const struct command *, int argc,
    char **argv);
/* an apology with a new due date */
int cli_dossier_apology(struct cli *, const struct command *, int argc,
    char **argv);
/* the dossiers matching code, name or dates */
int cli_dossier_search(struct cli *, const struct command *, int argc,
    char **argv);
/* a dossier's lookup token and URL */
int cli_dossier_token(struct cli *, const struct command *, int argc,
    char **argv);

#define CLI_INTAKE_SUMMARY     "register a new dossier at the counter"
#define CLI_SHOW_SUMMARY       "show one dossier and its history"
#define CLI_STATUS_SUMMARY     "move a dossier to a new status"
#define CLI_SUPPLEMENT_SUMMARY "request or complete a supplement"
#define CLI_APOLOGY_SUMMARY    "apologise and set a new due date"
#define CLI_SEARCH_SUMMARY     "find dossiers by code, name or date"
#define CLI_TOKEN_SUMMARY      "print a dossier's lookup token and URL"
#define CLI_INTAKE_USAGE                                                   \
	"Usage: motcua intake --procedure CODE --name NAME [options]\n"    \
	"\n"                                                               \
	"Registers a dossier received at the counter now (or, in a\n"      \
	"back-entry, at --received-at) and prints its code, due date,\n"   \
	"lookup token and lookup URL.\n"                                   \
	"\n"                                                               \
	"  --procedure CODE    procedure (TTHC) code, required\n"          \
	"  --name NAME         owner's full name, required\n"              \
	"  --agency CODE       receiving agency code (default: the\n"      \
	"                      office's own), e.g. 000.00.19.H26\n"        \
	"  --id-no X           owner's ID number (CCCD)\n"                 \
	"  --phone P           owner's phone\n"                            \
	"  --address A         owner's address\n"                          \
	"  --email E           owner's e-mail\n"                           \
	"  --summary S         short summary of the request\n"             \
	"  --delivery counter|post\n"                                      \
	"                      where the result is collected\n"            \
	"  --received-at TIME  a back-entry: the dossier was received\n"   \
	"                      earlier (YYYY-MM-DDTHH:MM, local); admin\n" \
	"                      only, at most 5 working days back, never\n" \
	"                      in the future, audited\n"                   \
	"  --back-entry-reason TEXT\n"                                     \
	"                      why it is entered late, required with\n"    \
	"                      --received-at\n"                            \
	"  --json              print the daemon's reply as JSON\n"         \
	"\n"                                                               \
	"Example:\n"                                                       \
	"  motcua intake --procedure 1.001234.000.00.00.H26 \\\n"          \
	"      --name 'Nguyễn Văn An' --phone 0912345678 --delivery post\n"
#define CLI_SHOW_USAGE                                                      \
	"Usage: motcua show CODE [--json]\n"                                \
	"\n"                                                                \
	"Shows a dossier: status with its Vietnamese label, dates, owner\n" \
	"and the history of events. --json prints the daemon's reply.\n"    \
	"Times are local (UTC+7).\n"                                        \
	"\n"                                                                \
	"Example:\n"                                                        \
	"  motcua show 000.00.19.H26-260105-0007\n"
#define CLI_STATUS_USAGE                                                         \
	"Usage: motcua status CODE NEW_STATUS --reason TEXT [--json]\n"          \
	"\n"                                                                     \
	"NEW_STATUS is a number or a name:\n"                                    \
	"   1 submitted      Mới đăng ký\n"                                 \
	"   2 received       Được tiếp nhận\n"                           \
	"   3 refused        Không được tiếp nhận\n"                    \
	"   4 processing     Đang xử lý\n"                                   \
	"   5 supplement     Yêu cầu bổ sung giấy tờ\n"                 \
	"   6 payment_due    Yêu cầu thực hiện nghĩa vụ tài chính\n" \
	"   7 withdrawn      Công dân yêu cầu rút hồ sơ\n"              \
	"   8 stopped        Dừng xử lý\n"                                  \
	"   9 result_ready   Đã xử lý xong\n"                               \
	"  10 returned       Đã trả kết quả\n"                           \
	"The daemon refuses moves the lifecycle does not allow. For a\n"         \
	"supplement request use 'motcua supplement', which also moves\n"         \
	"the due date.\n"                                                        \
	"\n"                                                                     \
	"Examples:\n"                                                            \
	"  motcua status 000.00.19.H26-260105-0007 4 --reason 'sent to "         \
	"the land office'\n"                                                     \
	"  motcua status 000.00.19.H26-260105-0007 result_ready --reason "       \
	"signed\n"
#define CLI_SUPPLEMENT_USAGE                                                \
	"Usage: motcua supplement CODE --request --reason TEXT "            \
	"[--items TEXT]\n"                                                  \
	"       motcua supplement CODE --complete [--new-due DATE] "        \
	"[--reason TEXT]\n"                                                 \
	"\n"                                                                \
	"--request asks the owner for missing documents (Mẫu 02) and\n"   \
	"stops the clock; --complete records that they arrived. Without\n"  \
	"--new-due the daemon moves the due date later by the working\n"    \
	"days the dossier waited (request day to completion day, by the\n"  \
	"office calendar); --new-due sets it instead (a working day).\n"    \
	"DATE: an ISO 8601 time with an offset, YYYY-MM-DD (17:00 local)\n" \
	"or YYYY-MM-DDTHH:MM (local, +07:00).\n"                            \
	"\n"                                                                \
	"Examples:\n"                                                       \
	"  motcua supplement 000.00.19.H26-260105-0007 --request \\\n"      \
	"      --reason 'birth certificate missing' --items 'Giấy khai "  \
	"sinh'\n"                                                           \
	"  motcua supplement 000.00.19.H26-260105-0007 --complete "         \
	"--new-due 2026-01-20\n"
#define CLI_APOLOGY_USAGE                                                      \
	"Usage: motcua apology CODE --reason TEXT --new-due DATE "             \
	"[--unit TEXT]\n"                                                      \
	"\n"                                                                   \
	"Records an apology letter (Mẫu 04) with the unit responsible and\n" \
	"moves the due date to DATE, a working day after the current\n"        \
	"one. DATE: an ISO 8601 time with an offset,\n"                        \
	"YYYY-MM-DD (17:00 local) or YYYY-MM-DDTHH:MM (local, +07:00).\n"      \
	"\n"                                                                   \
	"Example:\n"                                                           \
	"  motcua apology 000.00.19.H26-260105-0007 --reason 'site visit "     \
	"needed' \\\n"                                                         \
	"      --unit 'Phòng Tài nguyên' --new-due 2026-01-22T10:00\n"
#define CLI_SEARCH_USAGE                                                  \
	"Usage: motcua search [--code C] [--name N] [--from DATE] "       \
	"[--to DATE]\n"                                                   \
	"                     [--limit N] [--json]\n"                     \
	"\n"                                                              \
	"Lists matching dossiers, newest first. --name ignores accents\n" \
	"and case; --code may be part of a code; --from and --to\n"       \
	"(YYYY-MM-DD) bound the date received; --limit is 1-1000.\n"      \
	"An overdue due date is marked '!'. Exit status 1 when nothing\n" \
	"matches.\n"                                                      \
	"\n"                                                              \
	"Example:\n"                                                      \
	"  motcua search --name 'nguyen van an' --from 2026-01-01\n"
#define CLI_TOKEN_USAGE                                                     \
	"Usage: motcua token CODE\n"                                        \
	"\n"                                                                \
	"Prints the lookup token on the first line and the lookup URL on\n" \
	"the second.\n"                                                     \
	"\n"                                                                \
	"Example:\n"                                                        \
	"  motcua token 000.00.19.H26-260105-0007\n"
#endif
