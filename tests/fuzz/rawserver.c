/* rawserver.c: see rawserver.h. */
#include <sys/socket.h>
#include <sys/un.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/rawserver.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char *reply;
static size_t reply_len;
static char path[108];

/* Reads the request up to the blank line after its headers (the clients
 * send GET without a body), so that closing does not reset the
 * connection before the client has read the reply. */
static void
read_head(int fd)
{
	char buf[4096], tail[4] = { 0 };
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			memmove(tail, tail + 1, 3);
			tail[3] = buf[i];
			if (memcmp(tail, "\r\n\r\n", 4) == 0)
				return;
		}
	}
}

static void *
serve(void *arg)
{
	int lfd = (int)(intptr_t)arg;

	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		size_t off = 0;

		if (fd < 0)
			continue;
		read_head(fd);
		pthread_mutex_lock(&mu);
		while (off < reply_len) {
			ssize_t n = write(fd, reply + off, reply_len - off);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
		pthread_mutex_unlock(&mu);
		close(fd);
	}
	return NULL;
}

static void
remove_socket(void)
{
	unlink(path);
}

const char *
rawserver_start(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_t t;
	int fd;

	if (path[0] != '\0')
		return path;
	signal(SIGPIPE, SIG_IGN); /* a client may hang up mid-reply */
	snprintf(path, sizeof path, "/tmp/motcua-fuzz-%ld.sock",
	    (long)getpid());
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(fd, 16) != 0 ||
	    pthread_create(&t, NULL, serve, (void *)(intptr_t)fd) != 0) {
		path[0] = '\0';
		return NULL;
	}
	pthread_detach(t);
	atexit(remove_socket);
	return path;
}

void
rawserver_reply(const void *data, size_t len)
{
	char *copy = malloc(len > 0 ? len : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, data, len);
	pthread_mutex_lock(&mu);
	free(reply);
	reply = copy;
	reply_len = len;
	pthread_mutex_unlock(&mu);
}
