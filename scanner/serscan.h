/* serscan.h: the serial scanner shell (RS-232 or USB-CDC): opens the
 * configured port without blocking, reads it with uv_poll on the daemon's
 * loop, frames the bytes (framer.h) and reports scans and errors to the
 * scan hub (scan.h). Two backends behind one ops table, like the
 * printer's: libserialport for real ports, and plain termios for
 * pseudo-terminals, which Debian's libserialport 0.1.1 refuses (the tests
 * drive the daemon through socat pty pairs). A device under /dev/pts/ uses
 * termios; any other libserialport. A port that goes away (EOF, EIO,
 * ENXIO, hang-up) is state "waiting" and is reopened with backoff capped
 * at 1 s, so a replugged scanner works within 2 s. */
#ifndef SERSCAN_H
#define SERSCAN_H
#include "scanner/scan.h"

extern const struct scan_shell_ops serial_shell_ops;
#endif
