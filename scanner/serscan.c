/* serscan.c: see serscan.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "scanner/framer.h"
#include "lib/clock.h"
#include "scanner/hotplug.h"
#include "lib/serialdev.h"
#include "scanner/serscan.h"

#define RETRY_MIN_MS 100
#define RETRY_MAX_MS 1000 /* a replugged scanner works within 2 s */
#define READ_CHUNK   256  /* one read per wake-up: see on_poll */
#define ERR_MAX      160

/* ---- the shell --------------------------------------------------------- */

struct conn { /* one open port and its poll handle; freed on close */
	uv_poll_t poll;
	struct serialdev dev; /* serialdev.c: termios on a pty, else
	                       * libserialport */
	struct sershell *sh;  /* NULL once the shell let go of it */
};

struct sershell {
	uv_loop_t *loop;
	struct hotplug *hp;       /* borrowed; may be NULL */
	char node[PATH_MAX];      /* the device node behind the path, open */
	struct scanner_conf conf; /* copied */
	struct scan_source *src;  /* the hub's */
	struct conn *conn;        /* NULL while closed */
	uv_timer_t timer;
	unsigned backoff_ms;
	struct framer fr;
};

static void try_open(struct sershell *);

static void
on_timer(uv_timer_t *t)
{
	try_open(t->data);
}

static void
on_conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	serialdev_close(&c->dev);
	free(c);
}

static void
conn_close(struct sershell *s)
{
	struct conn *c = s->conn;

	if (c == NULL)
		return;
	s->conn = NULL;
	c->sh = NULL;
	uv_poll_stop(&c->poll);
	uv_close((uv_handle_t *)&c->poll, on_conn_closed);
}

static void
retry_later(struct sershell *s)
{
	uv_timer_start(&s->timer, on_timer, s->backoff_ms, 0);
	s->backoff_ms =
	    s->backoff_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : s->backoff_ms * 2;
}

/* The port went away (unplugged, or the pty's other end closed). */
static void
lost(struct sershell *s, const char *why)
{
	char detail[ERR_MAX];

	conn_close(s);
	framer_reset(&s->fr); /* a partial scan is not a scan */
	snprintf(detail, sizeof detail, "%.100s: %s", s->conf.device, why);
	scan_source_state(s->src, "waiting", detail);
	s->backoff_ms = RETRY_MIN_MS;
	retry_later(s);
}

static void
on_frame(void *arg, const struct frame *f)
{
	struct sershell *s = arg;
	struct scan_event ev = { .source = s->conf.name, .sym = f->sym };

	if (f->kind == FRAME_GARBAGE) {
		scan_source_error(s->src, "garbage", f->reason);
		return;
	}
	ev.data = f->data;
	ev.len = f->len;
	ev.truncated = f->kind == FRAME_OVERLONG;
	ev.mono_ms = (int64_t)clock_mono_ms();
	ev.wall_ms = clock_wall_ms();
	scan_source_submit(s->src, &ev);
}

static void
on_poll(uv_poll_t *h, int status, int events)
{
	struct conn *c = h->data;
	struct sershell *s = c->sh;
	unsigned char buf[READ_CHUNK];
	ssize_t n;

	if (s == NULL)
		return;
	if (status < 0) {
		/* libuv reports POLLERR as UV_EBADF: the other end is gone */
		lost(s,
		    status == UV_EBADF ? "the device went away"
		                       : uv_strerror(status));
		return;
	}
	if (!(events & (UV_READABLE | UV_DISCONNECT)))
		return;
	/* One read per wake-up (the poll is level-triggered, so the rest
	 * comes next turn): the HTTP side gets a turn between reads, and
	 * the events of one read (at most READ_CHUNK / 2 frames) fit in a
	 * stream client's buffer (scanhub.c), so a burst of scans does not
	 * drop a client that reads. */
	n = c->dev.ops->read(&c->dev, buf, sizeof buf);
	if (n > 0) {
		framer_push(&s->fr, buf, (size_t)n, on_frame, s);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		if (events & UV_DISCONNECT)
			lost(s, "hang-up");
		return;
	}
	/* 0: EOF; EIO/ENXIO: a pty whose other end closed, or a USB serial
	 * port unplugged */
	lost(s, n == 0 ? "hang-up" : strerror(errno));
}

static void
try_open(struct sershell *s)
{
	struct conn *c = calloc(1, sizeof *c);
	char setting[8 + SCAN_NAME_MAX], err[ERR_MAX];
	struct serial_settings line = {
		.setting = setting,
		.device = s->conf.device,
		.line = s->conf.line,
		.write = false,
		.zero_is_eof = true, /* on_poll: a read of 0 is a hang-up */
	};

	if (c == NULL) {
		retry_later(s);
		return;
	}
	snprintf(setting, sizeof setting, "scanner.%s", s->conf.name);
	c->sh = s;
	if (serialdev_open(&c->dev, serialdev_backend(NULL, s->conf.device),
	        &line, err, sizeof err) != 0) {
		free(c);
		/* a missing device is "waiting"; one that is there but
		 * refuses is "retry" */
		scan_source_state(s->src,
		    errno == ENOENT || errno == ENODEV ? "waiting" : "retry",
		    err);
		retry_later(s);
		return;
	}
	if (uv_poll_init(s->loop, &c->poll, c->dev.fd) != 0) {
		serialdev_close(&c->dev);
		free(c);
		scan_source_state(s->src, "retry",
		    "the device cannot be watched");
		retry_later(s);
		return;
	}
	c->poll.data = c;
	s->conn = c;
	if (realpath(s->conf.device, s->node) == NULL)
		s->node[0] = '\0';
	framer_reset(&s->fr);
	s->backoff_ms = RETRY_MIN_MS;
	snprintf(err, sizeof err, "%.100s, %s, %d baud", s->conf.device,
	    c->dev.ops->name, s->conf.line.baud);
	scan_source_state(s->src, "open", err);
	uv_poll_start(&c->poll, UV_READABLE | UV_DISCONNECT, on_poll);
}

/* udev saw a tty come or go: a waiting scanner is tried at once; the
 * open one is let go when its node is removed (before EIO says so). */
static void
on_hotplug(void *arg, const struct hotplug_dev *d)
{
	struct sershell *s = arg;

	if (strcmp(d->action, "add") == 0 && s->conn == NULL) {
		s->backoff_ms = RETRY_MIN_MS;
		uv_timer_start(&s->timer, on_timer, 0, 0);
	} else if (strcmp(d->action, "remove") == 0 && s->conn != NULL &&
	    s->node[0] != '\0' && strcmp(d->devnode, s->node) == 0)
		lost(s, "unplugged");
}

static void *
ser_open(uv_loop_t *loop, struct hotplug *hp, const struct scanner_conf *conf,
    struct scan_source *src)
{
	struct sershell *s;

	if (conf->kind != SCAN_SERIAL || conf->device[0] == '\0')
		return NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->loop = loop;
	s->conf = *conf;
	s->src = src;
	s->hp = hp;
	s->backoff_ms = RETRY_MIN_MS;
	framer_init(&s->fr, conf->suffix, conf->max_line);
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	/* the backoff alone meets the 2 s replug bound; udev makes it quick */
	if (hp != NULL && hotplug_subscribe(hp, "tty", on_hotplug, s) != 0)
		scan_source_error(src, "io", "no hot-plug subscription");
	try_open(s);
	return s;
}

static void
on_shell_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
ser_close(void *shell)
{
	struct sershell *s = shell;

	if (s == NULL)
		return;
	if (s->hp != NULL)
		hotplug_unsubscribe(s->hp, on_hotplug, s);
	conn_close(s);
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, on_shell_closed);
}

const struct scan_shell_ops serial_shell_ops = { ser_open, ser_close };
