/* cli_out.h: output helpers the commands share: times shown in local
 * time, members of the daemon's JSON replies, the reply body printed
 * as it came or on one line. */
#ifndef CLI_OUT_H
#define CLI_OUT_H
#include <jansson.h>

#include "cli/cli_http.h"

/* An ISO time from the daemon as local "2026-01-05 09:32" in out; text
 * that does not parse is copied as it is. Returns out, or "" for NULL. */
const char *cli_out_time(const char *iso, char out[40]);
/* obj[key] as a string (borrowed), or NULL. */
const char *cli_out_jstr(json_t *obj, const char *key);
/* obj[key] as a string (borrowed), or "" when absent or not a string. */
const char *cli_out_jtext(json_t *obj, const char *key);
/* obj[key] as an integer, or -1 when absent or not an integer. */
long long cli_out_jint(json_t *obj, const char *key);
/* Prints the body as the daemon sent it, with a final newline. */
void cli_out_raw(const struct cli_reply *r);
/* Prints the body on one line: white space outside strings dropped, so
 * numbers keep the daemon's exact text. */
void cli_out_compact(const struct cli_reply *r);
/* Writes len bytes to path whole or not at all: into a temporary file
 * beside it, synced, then renamed. Errors name path (prefixed with
 * "what: " when what is not NULL), never the temporary name, and leave
 * nothing behind. CLI_OK, CLI_USAGE (path too long) or CLI_FAIL. */
int cli_out_file(const char *what, const char *path, const void *p, size_t len);
#endif
