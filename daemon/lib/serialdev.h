/* serialdev.h: one serial line, opened and set up through one of two
 * backends behind one ops table: libserialport for real ports, termios
 * for pseudo-terminals (libserialport refuses those, and the tests drive
 * the printer and the scanners on ptys). Used by the printer (printer.c)
 * and the serial scanner shell (serscan.c); each keeps its own loop
 * watch, reads and retries. No I/O beyond the device itself, no loop.
 *
 * Ownership: a struct serialdev is the caller's (usually embedded);
 * between a successful serialdev_open() and serialdev_close() it owns
 * the descriptor and, for libserialport, the port. */
#ifndef SERIALDEV_H
#define SERIALDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sp_port;

enum serial_parity {
	SERIAL_PARITY_NONE,
	SERIAL_PARITY_ODD,
	SERIAL_PARITY_EVEN
};

enum serial_flow {
	SERIAL_FLOW_NONE,
	SERIAL_FLOW_RTSCTS,
	SERIAL_FLOW_XONXOFF,
	SERIAL_FLOW_DTRDSR /* libserialport only: termios has no DTR/DSR */
};

/* A serial line's settings: the one type of the printer's link keys and
 * of each serial [scanner.NAME] section, parsed by config.c's key table,
 * which checks the values (an unknown baud rate is 9600 on termios). A
 * plain value. */
struct serial_line {
	int baud;      /* bits per second: 1200 .. 115200, a standard rate */
	int data_bits; /* 7 or 8 */
	int stop_bits; /* 1 or 2 */
	enum serial_parity parity;
	enum serial_flow flow;
};

/* What serialdev_open() needs: the line and how to open it. */
struct serial_settings {
	const char *setting; /* config section naming errors: "printer" */
	const char *device;  /* borrowed for the open call only */
	struct serial_line line;
	bool write; /* read-write; else read-only */
	/* termios: VMIN 1, so that on the non-blocking descriptor an empty
	 * port reads EAGAIN and a read of 0 is a hang-up; else VMIN 0,
	 * where Linux reads 0 for "nothing now" */
	bool zero_is_eof;
};

struct serialdev {
	const struct serialdev_ops *ops; /* set by serialdev_open */
	int fd;               /* O_NONBLOCK | O_CLOEXEC; -1 while closed */
	struct sp_port *port; /* libserialport only */
};

/* read/write follow read(2)/write(2) on the non-blocking descriptor:
 * -1 with EAGAIN when nothing can be done now, EIO when the library
 * fails. */
struct serialdev_ops {
	const char *name; /* "serial" (libserialport) or "tty" (termios) */
	int (*open)(struct serialdev *, const struct serial_settings *,
	    char *err, size_t errlen);
	ssize_t (*read)(struct serialdev *, void *, size_t);
	ssize_t (*write)(struct serialdev *, const void *, size_t);
	void (*close)(struct serialdev *);
};

/* The backend rule, in one place: "serial" and "tty" name their backend;
 * NULL or "auto" picks by the device: a pseudo-terminal (or a link to
 * one) gets termios, anything else libserialport. NULL for another
 * name. */
const struct serialdev_ops *serialdev_backend(const char *name,
    const char *device);

/* Opens and sets up the line: 0, or -1 with errno (ENOENT when the
 * device is not there, ENODEV when libserialport cannot have it, EINVAL
 * for a setting the backend cannot do) and err saying
 * "SETTING.KEY: DEVICE: what" (KEY the config key at fault: device,
 * baud, parity, ...). d->fd is -1 on failure. */
int serialdev_open(struct serialdev *d, const struct serialdev_ops *ops,
    const struct serial_settings *s, char *err, size_t errlen);

/* Closes an open line; a closed one is left alone. */
void serialdev_close(struct serialdev *d);

#endif
