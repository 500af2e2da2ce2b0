/* serscan.c: see serscan.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libserialport.h>
#include <uv.h>

#include "framer.h"
#include "hotplug.h"
#include "serscan.h"

#define RETRY_MIN_MS 100
#define RETRY_MAX_MS 1000 /* a replugged scanner works within 2 s */
#define READ_CHUNK   256  /* one read per wake-up: see on_poll */
#define ERR_MAX      160

/* ---- backends ---------------------------------------------------------- */

struct sdev {
	int fd;
	struct sp_port *port; /* libserialport only */
};

struct sdev_ops {
	const char *name;
	int (*open)(struct sdev *, const struct scanner_conf *, char *err);
	ssize_t (*read)(struct sdev *, void *, size_t);
	void (*close)(struct sdev *);
};

static speed_t
speed_of(int baud)
{
	switch (baud) {
	case 1200:
		return B1200;
	case 2400:
		return B2400;
	case 4800:
		return B4800;
	case 19200:
		return B19200;
	case 38400:
		return B38400;
	case 57600:
		return B57600;
	case 115200:
		return B115200;
	default:
		return B9600;
	}
}

static int
tty_open(struct sdev *d, const struct scanner_conf *c, char *err)
{
	struct termios t;

	d->fd = open(c->device, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, ERR_MAX, "%.100s: %s", c->device,
		    strerror(errno));
		return -1;
	}
	if (tcgetattr(d->fd, &t) != 0) {
		snprintf(err, ERR_MAX, "%.100s: not a terminal: %s", c->device,
		    strerror(errno));
		close(d->fd);
		d->fd = -1;
		return -1;
	}
	/* raw: no echo, no CR -> LF (ICRNL), no line discipline */
	cfmakeraw(&t);
	cfsetispeed(&t, speed_of(c->baud));
	cfsetospeed(&t, speed_of(c->baud));
	t.c_cflag &= (tcflag_t) ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= CLOCAL | CREAD | (c->data_bits == 7 ? CS7 : CS8);
	if (c->parity != 'N')
		t.c_cflag |= PARENB | (c->parity == 'O' ? PARODD : 0);
	if (c->stop_bits == 2)
		t.c_cflag |= CSTOPB;
	if (c->flow == 'R')
		t.c_cflag |= CRTSCTS;
	if (c->flow == 'X')
		t.c_iflag |= IXON | IXOFF;
	/* VMIN 1 with O_NONBLOCK: an empty port reads EAGAIN, so a read
	 * of 0 is a hang-up (with VMIN 0 Linux returns 0 for "nothing") */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(d->fd, TCSANOW, &t) != 0) {
		snprintf(err, ERR_MAX, "%.100s: cannot set the line: %s",
		    c->device, strerror(errno));
		close(d->fd);
		d->fd = -1;
		return -1;
	}
	return 0;
}

static ssize_t
tty_read(struct sdev *d, void *b, size_t n)
{
	return read(d->fd, b, n);
}

static void
tty_close(struct sdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static int
sp_fail(struct sdev *d, const struct scanner_conf *c, const char *what,
    char *err)
{
	char *m = sp_last_error_message();

	snprintf(err, ERR_MAX, "%.100s: %s: %.40s", c->device, what,
	    m ? m : "failed");
	sp_free_error_message(m);
	if (d->port != NULL) {
		sp_close(d->port);
		sp_free_port(d->port);
		d->port = NULL;
	}
	errno = ENODEV;
	return -1;
}

static int
lsp_open(struct sdev *d, const struct scanner_conf *c, char *err)
{
	enum sp_parity par = c->parity == 'O' ? SP_PARITY_ODD
	    : c->parity == 'E'                ? SP_PARITY_EVEN
	                                      : SP_PARITY_NONE;
	enum sp_flowcontrol fc = c->flow == 'R' ? SP_FLOWCONTROL_RTSCTS
	    : c->flow == 'X'                    ? SP_FLOWCONTROL_XONXOFF
	                                        : SP_FLOWCONTROL_NONE;
	int fd;

	if (sp_get_port_by_name(c->device, &d->port) != SP_OK)
		return sp_fail(d, c, "no such serial port", err);
	if (sp_open(d->port, SP_MODE_READ) != SP_OK)
		return sp_fail(d, c, "cannot open", err);
	if (sp_set_baudrate(d->port, c->baud) != SP_OK ||
	    sp_set_bits(d->port, c->data_bits) != SP_OK ||
	    sp_set_parity(d->port, par) != SP_OK ||
	    sp_set_stopbits(d->port, c->stop_bits) != SP_OK ||
	    sp_set_flowcontrol(d->port, fc) != SP_OK)
		return sp_fail(d, c, "cannot set the line", err);
	if (sp_get_port_handle(d->port, &fd) != SP_OK)
		return sp_fail(d, c, "no descriptor", err);
	d->fd = fd;
	return 0;
}

static ssize_t
lsp_read(struct sdev *d, void *b, size_t n)
{
	enum sp_return r = sp_nonblocking_read(d->port, b, n);

	if (r < 0) {
		errno = EIO;
		return -1;
	}
	if (r == 0) {
		/* libserialport says 0 for "nothing now" and for a hang-up
		 * alike; the poll's UV_DISCONNECT tells the two apart */
		errno = EAGAIN;
		return -1;
	}
	return r;
}

static void
lsp_close(struct sdev *d)
{
	if (d->port != NULL) {
		sp_close(d->port);
		sp_free_port(d->port);
	}
	d->port = NULL;
	d->fd = -1;
}

static const struct sdev_ops backends[] = {
	{ "serial", lsp_open, lsp_read, lsp_close },
	{ "tty", tty_open, tty_read, tty_close },
};

/* Pseudo-terminals (and links to them) go to termios: libserialport
 * refuses them. */
static const struct sdev_ops *
backend_for(const char *device)
{
	char real[PATH_MAX];

	if (strncmp(device, "/dev/pts/", 9) == 0 ||
	    (realpath(device, real) != NULL &&
	        strncmp(real, "/dev/pts/", 9) == 0))
		return &backends[1];
	return &backends[0];
}

/* ---- the shell --------------------------------------------------------- */

struct conn { /* one open port and its poll handle; freed on close */
	uv_poll_t poll;
	struct sdev dev;
	const struct sdev_ops *ops;
	struct sershell *sh; /* NULL once the shell let go of it */
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

static int64_t
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

	c->ops->close(&c->dev);
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
	ev.mono_ms = clock_ms(CLOCK_MONOTONIC);
	ev.wall_ms = clock_ms(CLOCK_REALTIME);
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
	n = c->ops->read(&c->dev, buf, sizeof buf);
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
	char err[ERR_MAX];

	if (c == NULL) {
		retry_later(s);
		return;
	}
	c->ops = backend_for(s->conf.device);
	c->dev.fd = -1;
	c->sh = s;
	if (c->ops->open(&c->dev, &s->conf, err) != 0) {
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
		c->ops->close(&c->dev);
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
	    c->ops->name, s->conf.baud);
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
