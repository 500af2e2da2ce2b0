/* rawserver.h: for the fuzz targets of code that reads HTTP replies
 * through libcurl (the CLI's transport, the sync transport's status and
 * Retry-After): a Unix socket in /tmp served by one thread, whose every
 * connection gets the bytes last given to rawserver_reply, verbatim, and
 * is then closed. The socket lives until the process exits. */
#ifndef RAWSERVER_H
#define RAWSERVER_H
#include <stddef.h>

/* Starts the server once; its socket path (static), or NULL. */
const char *rawserver_start(void);
/* The reply for the next connection (copied). */
void rawserver_reply(const void *data, size_t len);
#endif
