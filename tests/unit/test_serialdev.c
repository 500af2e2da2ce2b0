/* test_serialdev.c: the shared serial line (serialdev.c): the backend
 * rule, the termios backend on a pty (what every setting becomes, VMIN
 * by caller, non-blocking reads) and the errors naming key and device. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "harness.h"

#include "lib/serialdev.h"

/* A pty pair: *master is ours, the returned path the device. */
static const char *
pty(int *master)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(*master >= 0);
	assert_int_equal(grantpt(*master), 0);
	assert_int_equal(unlockpt(*master), 0);
	return ptsname(*master);
}

static struct serial_settings
settings(const char *device)
{
	return (struct serial_settings){ .setting = "scanner.desk",
		.device = device,
		.line = { .baud = 9600, .data_bits = 8, .stop_bits = 1 } };
}

static void
backend_rule(void **state)
{
	char dir[] = "/tmp/serialdev-XXXXXX", link_[64];
	const struct serialdev_ops *tty = serialdev_backend("tty", "/x");
	int m;
	const char *dev = pty(&m);

	(void)state;
	assert_string_equal(tty->name, "tty");
	assert_string_equal(serialdev_backend("serial", "/dev/pts/1")->name,
	    "serial");
	assert_null(serialdev_backend("file", "/dev/ttyUSB0"));
	assert_ptr_equal(serialdev_backend(NULL, "/dev/pts/9"), tty);
	assert_ptr_equal(serialdev_backend("auto", dev), tty);
	assert_string_equal(serialdev_backend(NULL, "/dev/ttyUSB0")->name,
	    "serial");
	/* a link to a pty (what socat's link= makes) is a pty */
	assert_non_null(mkdtemp(dir));
	snprintf(link_, sizeof link_, "%s/scanner", dir);
	assert_int_equal(symlink(dev, link_), 0);
	assert_ptr_equal(serialdev_backend(NULL, link_), tty);
	unlink(link_);
	rmdir(dir);
	close(m);
}

static void
tty_settings(void **state)
{
	struct serial_settings s;
	struct serialdev d;
	struct termios t;
	char err[160], buf[8];
	int m;

	(void)state;
	s = settings(pty(&m));
	s.line.baud = 115200;
	s.line.data_bits = 7;
	s.line.parity = SERIAL_PARITY_ODD;
	s.line.stop_bits = 2;
	s.line.flow = SERIAL_FLOW_XONXOFF;
	s.zero_is_eof = true;
	assert_int_equal(serialdev_open(&d, serialdev_backend("tty", s.device),
	                     &s, err, sizeof err),
	    0);
	assert_true(d.fd >= 0);
	assert_true(fcntl(d.fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(d.fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(d.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_int_equal(tcgetattr(d.fd, &t), 0);
	assert_int_equal(cfgetispeed(&t), B115200);
	/* Linux's pty driver forces CS8 and no parity whatever it is
	 * asked: only the stop bits show what was set */
	assert_true(t.c_cflag & CSTOPB);
	assert_true(t.c_iflag & IXON);
	assert_false(t.c_iflag & ICRNL); /* raw: CR stays CR */
	assert_int_equal(t.c_cc[VMIN], 1);
	/* VMIN 1 on a non-blocking fd: nothing there is EAGAIN */
	errno = 0;
	assert_int_equal(d.ops->read(&d, buf, sizeof buf), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(write(m, "ab\r", 3), 3);
	usleep(20000);
	assert_int_equal(d.ops->read(&d, buf, sizeof buf), 3);
	assert_memory_equal(buf, "ab\r", 3);
	serialdev_close(&d);
	assert_int_equal(d.fd, -1);
	serialdev_close(&d); /* twice is harmless */

	/* the printer's: read-write, 8N1, VMIN 0 */
	s = settings(s.device);
	s.write = true;
	s.line.flow = SERIAL_FLOW_RTSCTS;
	assert_int_equal(serialdev_open(&d, serialdev_backend("tty", s.device),
	                     &s, err, sizeof err),
	    0);
	assert_int_equal(fcntl(d.fd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_int_equal(tcgetattr(d.fd, &t), 0);
	assert_int_equal(cfgetospeed(&t), B9600);
	assert_false(t.c_cflag & CSTOPB);
	assert_int_equal(t.c_cc[VMIN], 0);
	assert_int_equal(d.ops->write(&d, "x", 1), 1);
	assert_int_equal(read(m, buf, 1), 1);
	assert_int_equal(buf[0], 'x');
	serialdev_close(&d);
	close(m);
}

static void
errors_name_key_and_device(void **state)
{
	struct serial_settings s = settings("/nonexistent/ttyS9");
	struct serialdev d;
	char err[160];
	int m;

	(void)state;
	assert_int_equal(serialdev_open(&d, serialdev_backend("tty", s.device),
	                     &s, err, sizeof err),
	    -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(d.fd, -1);
	assert_string_equal(err,
	    "scanner.desk.device: /nonexistent/ttyS9: No such file or "
	    "directory");

	s.device = "/dev/null";
	assert_int_equal(serialdev_open(&d, serialdev_backend("tty", s.device),
	                     &s, err, sizeof err),
	    -1);
	assert_int_equal(d.fd, -1);
	assert_non_null(
	    strstr(err, "scanner.desk.device: /dev/null: not a terminal"));

	s.device = pty(&m);
	s.setting = "printer";
	s.line.flow = SERIAL_FLOW_DTRDSR;
	assert_int_equal(serialdev_open(&d, serialdev_backend(NULL, s.device),
	                     &s, err, sizeof err),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "printer.flow: /dev/pts/"));
	assert_non_null(strstr(err, "dtrdsr needs the serial backend"));
	close(m);

	/* libserialport on a port that is not there: ENODEV, device named */
	s = settings("/nonexistent/ttyUSB9");
	s.setting = "printer";
	assert_int_equal(serialdev_open(&d,
	                     serialdev_backend("serial", s.device), &s, err,
	                     sizeof err),
	    -1);
	assert_int_equal(errno, ENODEV);
	assert_null(d.port);
	assert_int_equal(d.fd, -1);
	assert_non_null(strstr(err,
	    "printer.device: /nonexistent/ttyUSB9: no such serial port"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backend_rule),
		cmocka_unit_test(tty_settings),
		cmocka_unit_test(errors_name_key_and_device),
	};

	HARNESS_RUN(tests);
}
