/* escstat.h: ESC/POS real-time status replies (DLE EOT n) to a printer
 * state. Pure: bytes in, a state out; the printer shell does the I/O and
 * the deadline. See docs/domain.md, "ESC/POS printers".
 *
 * A reply byte is valid only if it matches 0xx1xx10, (b & 0x93) == 0x12.
 * DLE EOT 1 (printer): bit 3 set = offline. DLE EOT 2 (offline cause),
 * asked only when offline: bit 2 = cover open. DLE EOT 4 (paper sensor):
 * all of 0x60 set = no paper, all of 0x0c set = paper near its end. */
#ifndef ESCSTAT_H
#define ESCSTAT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum escstat {
	ESCSTAT_OK,
	ESCSTAT_PAPER_LOW,
	ESCSTAT_NO_PAPER,
	ESCSTAT_COVER_OPEN,
	ESCSTAT_OFFLINE,
	ESCSTAT_UNKNOWN,      /* no reply, or a garbage one */
	ESCSTAT_DISCONNECTED, /* the device cannot be opened (shell only) */
};
#define ESCSTAT_COUNT 7

/* The replies to one status round. has_x: a byte arrived before the
 * deadline. */
struct escstat_replies {
	bool has_printer, has_cause, has_paper;
	uint8_t printer, cause, paper;
};

bool escstat_valid(uint8_t b);
/* True when the printer reply says offline, so the cause (DLE EOT 2) is
 * worth asking. */
bool escstat_needs_cause(uint8_t printer);
/* The state; *garbage is set when a byte arrived but was not a status
 * byte (the shell logs it once). */
enum escstat escstat_eval(const struct escstat_replies *, bool *garbage);
/* "ok", "paper_low", "no_paper", "cover_open", "offline", "unknown",
 * "disconnected". */
const char *escstat_name(enum escstat);
/* True for the states in which a job may be sent. */
bool escstat_printable(enum escstat);
/* Parses a stream of reply bytes in the order asked (printer, [cause when
 * offline], paper) as a shell would receive them: for the fuzzer and the
 * tests. Extra bytes are ignored. */
enum escstat escstat_parse_stream(const uint8_t *b, size_t len, bool *garbage);
#endif
