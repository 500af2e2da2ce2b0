/* cli_arg.h: checks of the words given on the command line, before
 * anything is sent. Each prints "motcua: NAME: problem" on failure. */
#ifndef CLI_ARG_H
#define CLI_ARG_H
#include <stddef.h>

#include "core/dcode.h"

/* A dossier code, parsed leniently into its canonical form in out.
 * Returns 0, or -1 after printing why. */
int cli_arg_code(const char *arg, char out[DCODE_TEXT_MAX + 1]);
/* cli_arg_code, or a short code YYMMDD-NNNN copied as it is (the daemon
 * completes it with office.agency_code). */
int cli_arg_dossier(const char *arg, char out[DCODE_TEXT_MAX + 1]);
/* Free text: not empty, valid UTF-8 without control characters, at most
 * max bytes. Returns 0, or -1 after printing a message naming name. */
int cli_arg_text(const char *name, const char *s, size_t max);
/* YYYY-MM-DD into *day (days since the epoch). 0, or -1 printed. */
int cli_arg_date(const char *name, const char *s, int *day);
/* A due date: an ISO 8601 time with an offset; YYYY-MM-DD (17:00 local);
 * or YYYY-MM-DDTHH:MM (local, +07:00). Writes the ISO form into iso.
 * 0, or -1 printed. */
int cli_arg_due(const char *name, const char *s, char iso[32]);
/* A status: 1..10 or its API name ("result_ready"). 0 when neither
 * (nothing printed). */
int cli_arg_status(const char *s);
#endif
