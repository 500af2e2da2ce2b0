/* log.c: see log.h. The only file-static state of the program. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lib/log.h"

static bool log_stderr = true;
static bool log_verbose;

void
log_init(const char *ident, bool to_stderr, bool verbose)
{
	log_stderr = to_stderr;
	log_verbose = verbose;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

static void vlog(int, const char *, va_list, const char *)
    __attribute__((__format__(__printf__, 2, 0)));

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];
	int saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_stderr) {
		static const char *const names[] = { [LOG_ERR] = "error",
			[LOG_WARNING] = "warning",
			[LOG_INFO] = "info",
			[LOG_DEBUG] = "debug" };
		fprintf(stderr, "motcuad: %s: %s%s%s\n", names[pri], msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	} else if (suffix) {
		syslog(pri, "%s: %s", msg, suffix);
	} else {
		syslog(pri, "%s", msg);
	}
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
