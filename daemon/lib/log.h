/* log.h: the daemon's one logger. stderr in the foreground, else syslog
 * (journald picks it up). Every function keeps errno. Callers log dossier
 * codes and masked names only: never ID numbers, phones or full names. */
#ifndef LOG_H
#define LOG_H
#include <stdbool.h>

#define LOG_PRINTF(a, b) __attribute__((__format__(__printf__, a, b)))

/* to_stderr: foreground mode. verbose: also emit log_debug. */
void log_init(const char *ident, bool to_stderr, bool verbose);
void log_set_verbose(bool verbose);
void log_warn(const char *, ...) LOG_PRINTF(1, 2); /* appends strerror */
void log_warnx(const char *, ...) LOG_PRINTF(1, 2);
void log_info(const char *, ...) LOG_PRINTF(1, 2);
void log_debug(const char *, ...) LOG_PRINTF(1, 2);
/* Start-up only: log and exit(1). */
__attribute__((__noreturn__)) void fatal(const char *, ...) LOG_PRINTF(1, 2);
__attribute__((__noreturn__)) void fatalx(const char *, ...) LOG_PRINTF(1, 2);
#endif
