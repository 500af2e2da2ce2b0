/* serialdev.c: see serialdev.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libserialport.h>

#include "lib/serialdev.h"

static const char *const parity_names[] = { "none", "odd", "even" };
static const char *const flow_names[] = { "none", "rtscts", "xonxoff",
	"dtrdsr" };

/* ---- termios --------------------------------------------------------- */

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

static void
fd_close(struct serialdev *d)
{
	int e = errno; /* the caller reports the error that made it close */

	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	errno = e;
}

static int
tty_open(struct serialdev *d, const struct serial_settings *s, char *err,
    size_t errlen)
{
	struct termios t;

	if (s->line.flow == SERIAL_FLOW_DTRDSR) {
		snprintf(err, errlen,
		    "%s.flow: %.120s: dtrdsr needs the serial backend",
		    s->setting, s->device);
		errno = EINVAL;
		return -1;
	}
	d->fd = open(s->device,
	    (s->write ? O_RDWR : O_RDONLY) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, errlen, "%s.device: %.120s: %s", s->setting,
		    s->device, strerror(errno));
		return -1;
	}
	if (tcgetattr(d->fd, &t) != 0) {
		snprintf(err, errlen, "%s.device: %.120s: not a terminal: %s",
		    s->setting, s->device, strerror(errno));
		fd_close(d);
		return -1;
	}
	/* raw: no echo, no CR -> LF (ICRNL), no line discipline */
	cfmakeraw(&t);
	cfsetispeed(&t, speed_of(s->line.baud));
	cfsetospeed(&t, speed_of(s->line.baud));
	t.c_cflag &= (tcflag_t) ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= CLOCAL | CREAD | (s->line.data_bits == 7 ? CS7 : CS8);
	if (s->line.parity != SERIAL_PARITY_NONE)
		t.c_cflag |=
		    PARENB | (s->line.parity == SERIAL_PARITY_ODD ? PARODD : 0);
	if (s->line.stop_bits == 2)
		t.c_cflag |= CSTOPB;
	if (s->line.flow == SERIAL_FLOW_RTSCTS)
		t.c_cflag |= CRTSCTS;
	if (s->line.flow == SERIAL_FLOW_XONXOFF)
		t.c_iflag |= IXON | IXOFF;
	t.c_cc[VMIN] = s->zero_is_eof ? 1 : 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(d->fd, TCSANOW, &t) != 0) {
		snprintf(err, errlen,
		    "%s.device: %.120s: cannot set the line (%d baud, %d%c%d, "
		    "flow %s): %s",
		    s->setting, s->device, s->line.baud, s->line.data_bits,
		    "NOE"[s->line.parity], s -> line.stop_bits,
		    flow_names[s->line.flow], strerror(errno));
		fd_close(d);
		return -1;
	}
	return 0;
}

static ssize_t
tty_read(struct serialdev *d, void *b, size_t n)
{
	return read(d->fd, b, n);
}

static ssize_t
tty_write(struct serialdev *d, const void *b, size_t n)
{
	return write(d->fd, b, n);
}

/* ---- libserialport --------------------------------------------------- */

static void
lsp_close(struct serialdev *d)
{
	if (d->port != NULL) {
		sp_close(d->port);
		sp_free_port(d->port);
	}
	d->port = NULL;
	d->fd = -1;
}

/* ENODEV for every failure: the scanner shell reports it as "waiting"
 * (a port that may yet come), the printer only shows the message. */
static int
lsp_fail(struct serialdev *d, const struct serial_settings *s, const char *key,
    const char *what, char *err, size_t errlen)
{
	char *m = sp_last_error_message();

	snprintf(err, errlen, "%s.%s: %.120s: %s: %.60s", s->setting, key,
	    s->device, what, m ? m : "failed");
	sp_free_error_message(m);
	lsp_close(d);
	errno = ENODEV;
	return -1;
}

static int
lsp_open(struct serialdev *d, const struct serial_settings *s, char *err,
    size_t errlen)
{
	static const enum sp_parity par[] = { SP_PARITY_NONE, SP_PARITY_ODD,
		SP_PARITY_EVEN };
	static const enum sp_flowcontrol fc[] = { SP_FLOWCONTROL_NONE,
		SP_FLOWCONTROL_RTSCTS, SP_FLOWCONTROL_XONXOFF,
		SP_FLOWCONTROL_DTRDSR };
	char what[64];
	int fd;

	if (sp_get_port_by_name(s->device, &d->port) != SP_OK)
		return lsp_fail(d, s, "device", "no such serial port", err,
		    errlen);
	if (sp_open(d->port, s->write ? SP_MODE_READ_WRITE : SP_MODE_READ) !=
	    SP_OK)
		return lsp_fail(d, s, "device", "cannot open", err, errlen);
	/* one setting at a time, so that the error names the one refused */
	snprintf(what, sizeof what, "cannot set %d baud", s->line.baud);
	if (sp_set_baudrate(d->port, s->line.baud) != SP_OK)
		return lsp_fail(d, s, "baud", what, err, errlen);
	snprintf(what, sizeof what, "cannot set %d data bits",
	    s->line.data_bits);
	if (sp_set_bits(d->port, s->line.data_bits) != SP_OK)
		return lsp_fail(d, s, "data_bits", what, err, errlen);
	snprintf(what, sizeof what, "cannot set parity %s",
	    parity_names[s->line.parity]);
	if (sp_set_parity(d->port, par[s->line.parity]) != SP_OK)
		return lsp_fail(d, s, "parity", what, err, errlen);
	snprintf(what, sizeof what, "cannot set %d stop bits",
	    s->line.stop_bits);
	if (sp_set_stopbits(d->port, s->line.stop_bits) != SP_OK)
		return lsp_fail(d, s, "stop_bits", what, err, errlen);
	snprintf(what, sizeof what, "cannot set flow %s",
	    flow_names[s->line.flow]);
	if (sp_set_flowcontrol(d->port, fc[s->line.flow]) != SP_OK)
		return lsp_fail(d, s, "flow", what, err, errlen);
	if (sp_get_port_handle(d->port, &fd) != SP_OK)
		return lsp_fail(d, s, "device", "no descriptor", err, errlen);
	d->fd = fd;
	return 0;
}

static ssize_t
lsp_read(struct serialdev *d, void *b, size_t n)
{
	enum sp_return r = sp_nonblocking_read(d->port, b, n);

	if (r < 0) {
		errno = EIO;
		return -1;
	}
	if (r == 0) {
		/* libserialport says 0 for "nothing now" and for a hang-up
		 * alike; the callers' poll (UV_DISCONNECT) tells them apart */
		errno = EAGAIN;
		return -1;
	}
	return r;
}

static ssize_t
lsp_write(struct serialdev *d, const void *b, size_t n)
{
	enum sp_return r = sp_nonblocking_write(d->port, b, n);

	if (r < 0) {
		errno = EIO;
		return -1;
	}
	if (r == 0 && n > 0) {
		errno = EAGAIN;
		return -1;
	}
	return r;
}

/* ---- the table ------------------------------------------------------- */

static const struct serialdev_ops backends[] = {
	{ "serial", lsp_open, lsp_read, lsp_write, lsp_close },
	{ "tty", tty_open, tty_read, tty_write, fd_close },
};

const struct serialdev_ops *
serialdev_backend(const char *name, const char *device)
{
	char real[PATH_MAX];

	if (name != NULL && strcmp(name, "auto") != 0) {
		for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
			if (strcmp(backends[i].name, name) == 0)
				return &backends[i];
		return NULL;
	}
	/* libserialport refuses pseudo-terminals and links to them */
	if (strncmp(device, "/dev/pts/", 9) == 0 ||
	    (realpath(device, real) != NULL &&
	        strncmp(real, "/dev/pts/", 9) == 0))
		return &backends[1];
	return &backends[0];
}

int
serialdev_open(struct serialdev *d, const struct serialdev_ops *ops,
    const struct serial_settings *s, char *err, size_t errlen)
{
	d->ops = ops;
	d->fd = -1;
	d->port = NULL;
	return ops->open(d, s, err, errlen);
}

void
serialdev_close(struct serialdev *d)
{
	if (d->ops != NULL)
		d->ops->close(d);
}
