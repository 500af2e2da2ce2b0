/* cli_postal.h: `motcua s10 ...` and `motcua postal ...` (docs/cli.md),
 * called from motcua.c's command table. `s10 check` needs no daemon; the
 * postal commands talk to the admin socket with libcurl. Exit codes as
 * motcua's: 0 done, 1 refused, invalid or not found, 2 usage, 3 daemon
 * unreachable or bad. */
#ifndef CLI_POSTAL_H
#define CLI_POSTAL_H

int cli_s10(int argc, char **argv);
int cli_postal(const char *socket, const char *actor, int argc, char **argv);

#define CLI_S10_SUMMARY    "check UPU S10 postal item ids"
#define CLI_POSTAL_SUMMARY "postal intake: register, manifests, returns"
#define CLI_S10_USAGE                                                   \
	"Usage: motcua s10 check [--] ID...\n"                          \
	"\n"                                                            \
	"Prints a verdict (valid, bad_format, reserved, bad_service,\n" \
	"bad_check) and a reason per id. Spaces and lower case are\n"   \
	"accepted. Exit 0 when every id is valid, 1 otherwise. Needs\n" \
	"no daemon.\n"
#define CLI_POSTAL_USAGE                                                               \
	"Usage: motcua postal register --item S10 --name N --address A\n"              \
	"           --procedure CODE --service send|return|both\n"                     \
	"           [--phone P] [--id-no X] [--fees VND] [--fee-receipt R]\n"          \
	"           [--agency CODE] [--return-address A] [--seal-broken]\n"            \
	"           [--doc NAME:ORIGINALS:COPIES]... [--override-reason R]\n"          \
	"           [--posted-at ISO] [--station S] [--json]\n"                        \
	"       motcua postal register --file FILE|-   (the API's JSON body, or\n"     \
	"           a list of them: one line per item)\n"                              \
	"       motcua postal item S10 [--json]\n"                                     \
	"       motcua postal close [--station S]\n"                                   \
	"       motcua postal manifests [--json]\n"                                    \
	"       motcua postal manifest ID\n"                                           \
	"       motcua postal receive MANIFEST ITEM...\n"                              \
	"       motcua postal resolve MANIFEST ITEM --as lost|returned|arrived_late\n" \
	"           --reason R [--json]\n"                                             \
	"       motcua postal sign MANIFEST --giver G --receiver R [--json]\n"         \
	"       motcua postal return CODE ITEM\n"                                      \
	"       motcua postal delivered ITEM\n"                                        \
	"       motcua postal returns --from DAY --to DAY [--csv]\n"                   \
	"\n"                                                                           \
	"A field error is printed as 'field: why' and nothing is saved.\n"             \
	"An item registered before prints its registration (created:\n"                \
	"false). receive prints accepted, already or unexpected per item;\n"           \
	"item, resolve and sign print a short summary (--json: the reply).\n"
#endif
